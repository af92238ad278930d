//! Helpers every CLI test file shares: running the built tool, temporary
//! folders, a demo authority.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `docbridge` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_docbridge");

/// The external vectors beside the repository (`../shared`).
pub const EXTERNAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors/external");

/// A fresh, empty temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docbridge-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the tool.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

/// Runs the tool with `stdin` on its standard input.
pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs the tool, asserts success, returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "docbridge {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs the tool, asserts exit status 2 (a usage or file error), returns
/// stderr.
pub fn usage_error(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "docbridge {args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// A path as the `&str` an argument takes.
pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A demo authority of `country` in `dir/country`, valid 2026 to 2031.
pub fn new_authority(dir: &Path, country: &str, doc_types: &[&str]) -> PathBuf {
    let out = dir.join(country);
    let mut args = vec![
        "authority",
        "new",
        "--country",
        country,
        "--valid-from",
        "2026-01-01T00:00:00Z",
        "--valid-until",
        "2031-01-01T00:00:00Z",
        "--out",
        p(&out),
    ];
    for doc_type in doc_types {
        args.extend(["--doc-type", doc_type]);
    }
    ok(&args);
    out
}

/// A demo trust-list operator of `country` in `out` (its signer key and
/// certificate), valid 2026 to 2031.
pub fn new_operator(out: &Path, country: &str) {
    ok(&[
        "trust-list",
        "operator",
        "--country",
        country,
        "--valid-from",
        "2026-01-01T00:00:00Z",
        "--valid-until",
        "2031-01-01T00:00:00Z",
        "--out",
        p(out),
    ]);
}

/// Signs the trust list `list` (unsigned or signed: a signed one keeps its
/// payload) with `operator`'s signer into `out`.
pub fn sign_list(operator: &Path, list: &Path, out: &Path) {
    ok(&[
        "trust-list",
        "sign",
        "--key",
        p(&operator.join("signer.key.pem")),
        "--cert",
        p(&operator.join("signer.pem")),
        "--out",
        p(out),
        p(list),
    ]);
}

/// A demo device key pair in `dir`: (private, public).
pub fn device_key(dir: &Path) -> (PathBuf, PathBuf) {
    let (key, public) = (dir.join("device.key.pem"), dir.join("device.pub.pem"));
    ok(&["key", "new", "--out", p(&key), "--public", p(&public)]);
    (key, public)
}

/// A sample driving licence issued by `authority` of `country` (the
/// Polish sample with its issuing country replaced, so any country has
/// one), written to `dir/licence.cbor`, valid from 2026-11-01 to
/// 2027-11-01.
pub fn issue_licence(dir: &Path, authority: &Path, country: &str, device_pub: &Path) -> PathBuf {
    let claims = dir.join("claims.json");
    let sample = ok(&[
        "claims",
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--country",
        "PL",
    ]);
    let mut json: serde_json::Value = serde_json::from_str(&sample).unwrap();
    json["org.iso.18013.5.1"]["issuing_country"] = country.into();
    std::fs::write(&claims, json.to_string()).unwrap();
    let out = dir.join("licence.cbor");
    ok(&[
        "issue",
        "--authority",
        p(authority),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(&claims),
        "--device-key",
        p(device_pub),
        "--signed",
        "2026-10-30T09:00:00Z",
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--out",
        p(&out),
    ]);
    out
}
