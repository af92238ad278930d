//! The `trust-list` commands and `verify --trust-list` of the command-line tool.

mod common;

use std::path::{Path, PathBuf};

use common::{
    SIGNED, device_key_with_alg, issue_ua_licence, json_exiting, new_authority_with_alg,
    new_operator as make_operator, ok, ok_json, p, run, sign_list, temp_dir,
};

/// A demo trust-list operator of `country` in `dir/{country}-operator`.
fn new_operator(dir: &Path, country: &str) -> PathBuf {
    let out = dir.join(format!("{country}-operator"));
    make_operator(&out, country);
    out
}

/// A trust list of `country` numbered `sequence` naming `authority`,
/// built and signed by `operator` into `dir`.
fn build_and_sign(
    dir: &Path,
    operator: &Path,
    country: &str,
    sequence: &str,
    authority: &Path,
    next_update: &str,
) -> PathBuf {
    let unsigned = dir.join(format!("{country}-{sequence}.unsigned.cbor"));
    ok(&[
        "trust-list",
        "build",
        "--country",
        country,
        "--sequence",
        sequence,
        "--issued",
        "2026-11-01T00:00:00Z",
        "--next-update",
        next_update,
        "--authority",
        p(authority),
        "--out",
        p(&unsigned),
    ]);
    let signed = dir.join(format!("{country}-{sequence}.cbor"));
    sign_list(operator, &unsigned, &signed);
    signed
}

#[test]
fn build_sign_verify_show_and_verify_documents_with_a_list() {
    let dir = temp_dir("flow");
    let ua = new_authority_with_alg(&dir, "UA", "ed25519");
    let ua_op = new_operator(&dir, "UA");
    let pl_op = new_operator(&dir, "PL");
    let list = build_and_sign(&dir, &ua_op, "UA", "3", &ua, "2026-12-01T00:00:00Z");
    let root = ua_op.join("root.pem");

    let json = ok_json(&[
        "trust-list",
        "verify",
        "--operator-root",
        p(&root),
        "--at",
        "2026-11-29T12:00:00Z",
        "--json",
        p(&list),
    ]);
    assert_eq!(json["valid"], true);
    assert_eq!(json["operatorCountry"], "UA");
    assert_eq!(json["sequence"], 3);
    assert_eq!(json["authorities"][0]["id"], "UA:ua-issuing-authority");

    // Verified against Poland's root: refused with its code, exit 1.
    let json = json_exiting(
        1,
        &[
            "trust-list",
            "verify",
            "--operator-root",
            p(&pl_op.join("root.pem")),
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
            p(&list),
        ],
    );
    assert_eq!(json["error"]["code"], "trust_list_untrusted_operator");

    // Stale at the time given.
    let json = json_exiting(
        1,
        &[
            "trust-list",
            "verify",
            "--operator-root",
            p(&root),
            "--at",
            "2027-01-01T00:00:00Z",
            "--json",
            p(&list),
        ],
    );
    assert_eq!(json["error"]["code"], "trust_list_stale");

    let shown = ok(&["trust-list", "show", p(&list)]);
    assert!(shown.contains("UNVERIFIED"), "{shown}");
    assert!(shown.contains("UA:ua-issuing-authority"), "{shown}");

    // Re-signing a signed list keeps its payload.
    let resigned = dir.join("resigned.cbor");
    sign_list(&ua_op, &list, &resigned);
    let a = docbridge::SignedTrustList::from_slice(&std::fs::read(&list).unwrap()).unwrap();
    let b = docbridge::SignedTrustList::from_slice(&std::fs::read(&resigned).unwrap()).unwrap();
    assert_eq!(a.payload(), b.payload());

    // verify --trust-list: the document and the list that vouched for it.
    let (_, device_pub) = device_key_with_alg(&dir, "es256");
    let doc = issue_ua_licence(&dir, &ua, &device_pub, &SIGNED);
    let json = ok_json(&[
        "verify",
        "--trust-list",
        p(&list),
        "--operator-root",
        p(&root),
        "--policy",
        "pl",
        "--at",
        "2026-11-29T12:00:00Z",
        "--json",
        p(&doc),
    ]);
    assert_eq!(json["valid"], true, "{json}");
    assert_eq!(json["trustSource"]["operator"], "UA");
    assert_eq!(json["trustSource"]["sequence"], 3);

    // A list whose operator root is not given is refused (exit 1).
    let json = json_exiting(
        1,
        &[
            "verify",
            "--trust-list",
            p(&list),
            "--operator-root",
            p(&pl_op.join("root.pem")),
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
            p(&doc),
        ],
    );
    assert_eq!(json["error"]["code"], "trust_list_untrusted_operator");

    // Without --trust or --trust-list, verify is a usage error.
    assert_eq!(run(&["verify", p(&doc)]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
