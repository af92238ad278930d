//! The `status-list` commands and `verify --status-token` of the command-line tool.
//!
//! One case needs the shared vectors in `../shared/vectors/external/token-status-list`.

#[path = "../../tests/common/external.rs"]
mod external;

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{
    BIN, SIGNED, device_key, issue_licence_args, new_authority, ok, p, run, temp_dir, usage_error,
    verify_json_args, write_ua_licence_claims,
};

use docbridge::PublicKey;
use docbridge::deps::coset::{self, iana};

const AT: &str = "2026-11-29T12:00:00Z";
const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/external/token-status-list"
);

/// The draft's example issuer key (a P-256 JWK in the shared vectors).
fn example_key() -> PublicKey {
    let path = format!("{VECTORS}/example_key_public.jwk.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("shared vectors required: {path}: {e} (CI provides ../shared beside the crate)")
    });
    let jwk: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    let coordinate = |name: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwk[name].as_str().unwrap())
            .unwrap()
    };
    let key = coset::CoseKeyBuilder::new_ec2_pub_key(
        iana::EllipticCurve::P_256,
        coordinate("x"),
        coordinate("y"),
    )
    .build();
    PublicKey::from_cose_key(&key).unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The status list index `issue` printed for the document it wrote.
fn printed_index(stdout: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("status list index "))
        .unwrap();
    line.split_whitespace().nth(3).unwrap().parse().unwrap()
}

#[test]
fn status_lists_through_the_command_line() {
    let dir = temp_dir("flow");
    let ua = new_authority(&dir, "UA", &[]);
    let pl = new_authority(&dir, "PL", &[]);
    let (_, device_pub) = device_key(&dir);
    let claims = write_ua_licence_claims(&dir);

    let list = dir.join("list.json");
    let uri = "https://status.diia.gov.ua/lists/7";
    let out = ok(&[
        "status-list",
        "new",
        "--uri",
        uri,
        "--bits",
        "2",
        "--size",
        "1000",
        "--any-size",
        "--out",
        p(&list),
    ]);
    assert!(out.contains("1000 entries of 2 bit(s)"), "{out}");

    // Issue two documents; each gets a random index recorded in the file.
    let mut indexes = Vec::new();
    let mut extra = SIGNED.to_vec();
    extra.extend(["--status-list", p(&list)]);
    for name in ["a.cbor", "b.cbor"] {
        let doc = dir.join(name);
        let out = ok(&issue_licence_args(&ua, &claims, &device_pub, &doc, &extra));
        indexes.push(printed_index(&out).to_string());
    }
    assert_ne!(indexes[0], indexes[1]);
    let shown = ok(&["inspect", p(&dir.join("a.cbor"))]);
    assert!(
        shown.contains(&format!("status list:     index {} of {uri}", indexes[0])),
        "{shown}"
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&list).unwrap()).unwrap();
    assert_eq!(file["uri"], uri);
    assert_eq!(file["format"], "docbridge-status-list/1");

    // Revoke the first.
    let out = ok(&[
        "status-list",
        "set",
        p(&list),
        "--index",
        &indexes[0],
        "--status",
        "revoked",
    ]);
    assert!(out.ends_with("valid -> revoked\n"), "{out}");
    // The list signed by `ua` into a token, issued at midnight.
    let token = dir.join("token.cwt");
    let sign_token = |extra: &[&str]| {
        let mut args = vec![
            "status-list",
            "token",
            p(&list),
            "--authority",
            p(&ua),
            "--issued-at",
            "2026-11-29T00:00:00Z",
            "--out",
            p(&token),
        ];
        args.extend_from_slice(extra);
        ok(&args);
    };
    sign_token(&["--valid-for", "86400", "--ttl", "3600"]);

    let iaca = ua.join("iaca.pem");
    let verify = |doc: &str, extra: &[&str]| {
        let doc = dir.join(doc);
        run(&verify_json_args(&iaca, AT, extra, &doc))
    };
    let out = verify("a.cbor", &["--status-token", p(&token)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "revoked");
    let out = verify("b.cbor", &["--status-token", p(&token)]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["status"], "valid");
    // No token: refused, unless allowed, then marked not checked.
    let out = verify("b.cbor", &[]);
    assert_eq!(json(&out)["error"]["code"], "status_token_missing");
    let out = verify("b.cbor", &["--allow-missing-status"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["status"], "not_checked");

    // check: the token's entry, by index.
    let check_against = |index: &str, trust: &Path, at: &str, extra: &[&str]| {
        let mut args = vec![
            "status-list",
            "check",
            p(&token),
            "--index",
            index,
            "--trust",
            p(trust),
            "--at",
            at,
            "--json",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let check = |index: &str, extra: &[&str]| check_against(index, &iaca, AT, extra);
    let out = check(&indexes[0], &[]);
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(
        (
            j["status"].as_str(),
            j["valid"].as_bool(),
            j["uri"].as_str()
        ),
        (Some("revoked"), Some(false), Some(uri))
    );
    assert_eq!(j["ttl"], 3600);
    let out = check(&indexes[1], &["--uri", uri]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["status"], "valid");
    assert_eq!(
        json(&check(&indexes[1], &["--uri", "https://elsewhere"]))["error"]["code"],
        "status_token_uri_mismatch"
    );
    assert_eq!(
        json(&check("5000", &[]))["error"]["code"],
        "status_index_out_of_range"
    );
    let out = check_against("0", &pl.join("iaca.pem"), AT, &[]);
    assert_eq!(json(&out)["error"]["code"], "status_token_wrong_authority");
    let out = check_against("0", &iaca, "2026-12-01T00:00:00Z", &[]);
    assert_eq!(json(&out)["error"]["code"], "status_token_expired");
    // A refused token is not a revoked entry: its own exit status and
    // member.
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(json(&out)["tokenValid"], false);

    // Suspend the second; the human output says so.
    ok(&[
        "status-list",
        "set",
        p(&list),
        "--index",
        &indexes[1],
        "--status",
        "suspended",
    ]);
    sign_token(&[]);
    let out = run(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        AT,
        "--status-token",
        p(&token),
        p(&dir.join("b.cbor")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("(suspended)"));

    // Bad arguments are usage errors with codes.
    let stderr = usage_error(&[
        "status-list",
        "set",
        p(&list),
        "--index",
        "1000",
        "--status",
        "revoked",
    ]);
    assert!(stderr.contains("status_index_out_of_range"));
    let stderr = usage_error(&[
        "status-list",
        "new",
        "--uri",
        uri,
        "--bits",
        "3",
        "--size",
        "8",
        "--out",
        p(&dir.join("x.json")),
    ]);
    assert!(stderr.contains("status_list_malformed"));
    // Below the herd-privacy minimum only with --any-size.
    let stderr = usage_error(&[
        "status-list",
        "new",
        "--uri",
        uri,
        "--size",
        "16383",
        "--out",
        p(&dir.join("small.json")),
    ]);
    assert!(stderr.contains("invalid_argument"));
    assert!(!dir.join("small.json").exists());
}

#[test]
fn the_drafts_token_checks_with_its_key() {
    if !external::available(VECTORS) {
        return;
    }
    let vectors = VECTORS;
    let token = format!("{vectors}/status_list_cwt.cbor");
    assert!(
        Path::new(&token).is_file(),
        "shared vectors required: {token}"
    );
    let dir = temp_dir("draft");
    let key = dir.join("example.pub.pem");
    std::fs::write(&key, example_key().to_pem().unwrap()).unwrap();
    let out = run(&[
        "status-list",
        "check",
        &token,
        "--index",
        "0",
        "--key",
        p(&key),
        "--at",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("REVOKED index 0 of https://example.com/statuslists/1")
    );
    let out = run(&[
        "status-list",
        "check",
        &token,
        "--index",
        "1",
        "--key",
        p(&key),
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["status"], "valid");
}

#[test]
fn concurrent_issuances_record_every_index_exactly_once() {
    let dir = temp_dir("concurrent");
    let ua = new_authority(&dir, "UA", &[]);
    let (_, device_pub) = device_key(&dir);
    let claims = write_ua_licence_claims(&dir);
    let list = dir.join("list.json");
    let new_list = [
        "status-list",
        "new",
        "--uri",
        "https://status.diia.gov.ua/lists/9",
        "--size",
        "16384",
        "--out",
        p(&list),
    ];
    ok(&new_list);
    // A second `new` never replaces a list in use.
    assert!(usage_error(&new_list).contains("io"));

    const RUNS: usize = 8;
    let children: Vec<_> = (0..RUNS)
        .map(|i| {
            let doc = dir.join(format!("doc{i}.cbor"));
            Command::new(BIN)
                .args(issue_licence_args(
                    &ua,
                    &claims,
                    &device_pub,
                    &doc,
                    &["--status-list", p(&list)],
                ))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut indexes = std::collections::BTreeSet::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "run {i}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let index = printed_index(&stdout);
        // The document carries the index it printed.
        let document = docbridge::IssuerSigned::from_slice(
            &std::fs::read(dir.join(format!("doc{i}.cbor"))).unwrap(),
        )
        .unwrap();
        let status = document.mso_unverified().unwrap().status.unwrap();
        assert_eq!(status.status_list.unwrap().idx, index);
        assert!(indexes.insert(index), "index {index} given twice");
    }
    let stored =
        docbridge::ManagedStatusList::from_json(&std::fs::read_to_string(&list).unwrap()).unwrap();
    assert_eq!(
        stored.allocator().used(),
        RUNS as u64,
        "an allocation was lost"
    );
    assert!(indexes.iter().all(|&i| stored.allocator().is_used(i)));
    assert!(!dir.join("list.json.tmp").exists());
}
