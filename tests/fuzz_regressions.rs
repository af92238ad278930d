//! Replays every input committed under `fuzz/regressions/<target>/` through
//! the fuzz target of that name, so a crash found by fuzzing stays fixed.
//! The targets are included as modules; `fuzz_target!` below turns each
//! into a `run` function instead of a libFuzzer entry point.

macro_rules! fuzz_target {
    (|$data:ident: &[u8]| $body:block) => {
        pub(crate) fn run($data: &[u8]) $body
    };
}

#[path = "../fuzz/fuzz_targets/cbor_decode.rs"]
mod cbor_decode;
#[path = "../fuzz/fuzz_targets/claims.rs"]
mod claims;
#[path = "../fuzz/fuzz_targets/device_request.rs"]
mod device_request;
#[path = "../fuzz/fuzz_targets/device_response.rs"]
mod device_response;
#[path = "../fuzz/fuzz_targets/resigned_document.rs"]
mod resigned_document;
#[path = "../fuzz/fuzz_targets/session.rs"]
mod session;
#[path = "../fuzz/fuzz_targets/status_token.rs"]
mod status_token;
#[path = "../fuzz/fuzz_targets/trust_list.rs"]
mod trust_list;
#[path = "../fuzz/fuzz_targets/trust_store_state.rs"]
mod trust_store_state;
#[path = "../fuzz/fuzz_targets/verify_issuer_signed.rs"]
mod verify_issuer_signed;

/// A target's name and its body.
type Target = (&'static str, fn(&[u8]));

const TARGETS: &[Target] = &[
    ("cbor_decode", cbor_decode::run),
    ("claims", claims::run),
    ("device_request", device_request::run),
    ("device_response", device_response::run),
    ("resigned_document", resigned_document::run),
    ("session", session::run),
    ("status_token", status_token::run),
    ("trust_list", trust_list::run),
    ("trust_store_state", trust_store_state::run),
    ("verify_issuer_signed", verify_issuer_signed::run),
];

#[test]
fn every_committed_fuzz_input_is_replayed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, run) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let input = std::fs::read(&path).unwrap();
            // A panic here names the input through the test's output.
            eprintln!("replaying {}", path.display());
            run(&input);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no committed input under {}", root.display());
}

#[test]
fn every_fuzz_target_is_replayed() {
    let declared =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/Cargo.toml")).unwrap();
    let names: Vec<&str> = declared
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .filter(|name| *name != "docbridge-fuzz")
        .collect();
    let mut replayed: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
    let mut names = names;
    names.sort_unstable();
    replayed.sort_unstable();
    assert_eq!(names, replayed);
}
