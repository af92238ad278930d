//! Helpers every CLI test file shares: running the built tool, temporary
//! folders, a demo authority, device keys and issued licences.
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

/// Runs the tool, returns its exit status and its standard output read as
/// JSON (what every `--json` command prints, success or refusal).
pub fn run_json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = run(args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "docbridge {args:?}: stdout is not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

/// Runs the tool, asserts it exits with `code`, returns its standard output
/// read as JSON.
pub fn json_exiting(code: i32, args: &[&str]) -> serde_json::Value {
    let (status, json) = run_json(args);
    assert_eq!(status, Some(code), "docbridge {args:?}: {json}");
    json
}

/// Runs the tool, asserts success, returns its standard output read as
/// JSON.
pub fn ok_json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(args)).unwrap()
}

/// A path as the `&str` an argument takes.
pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The validity every demo authority and operator here is given.
const DEMO_VALIDITY: [&str; 4] = [
    "--valid-from",
    "2026-01-01T00:00:00Z",
    "--valid-until",
    "2031-01-01T00:00:00Z",
];

/// A demo authority of `country` in `dir/country`, valid 2026 to 2031.
pub fn new_authority(dir: &Path, country: &str, doc_types: &[&str]) -> PathBuf {
    let out = dir.join(country);
    let mut extra = Vec::new();
    for doc_type in doc_types {
        extra.extend(["--doc-type", doc_type]);
    }
    authority_in(&out, country, &extra);
    out
}

/// A demo authority of `country` signing with `alg` in `dir/country`,
/// valid 2026 to 2031.
pub fn new_authority_with_alg(dir: &Path, country: &str, alg: &str) -> PathBuf {
    let out = dir.join(country);
    authority_in(&out, country, &["--alg", alg]);
    out
}

/// `authority new` of `country` into `out` with the demo validity and
/// `extra` arguments.
fn authority_in(out: &Path, country: &str, extra: &[&str]) {
    let mut args = vec!["authority", "new", "--country", country, "--out", p(out)];
    args.extend(DEMO_VALIDITY);
    args.extend_from_slice(extra);
    ok(&args);
}

/// A demo trust-list operator of `country` in `out` (its signer key and
/// certificate), valid 2026 to 2031.
pub fn new_operator(out: &Path, country: &str) {
    let mut args = vec![
        "trust-list",
        "operator",
        "--country",
        country,
        "--out",
        p(out),
    ];
    args.extend(DEMO_VALIDITY);
    ok(&args);
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
    device_key_in(dir, &[])
}

/// A demo device key pair of algorithm `alg` in `dir`: (private, public).
pub fn device_key_with_alg(dir: &Path, alg: &str) -> (PathBuf, PathBuf) {
    device_key_in(dir, &["--alg", alg])
}

/// `key new` into `dir/device.key.pem` and `dir/device.pub.pem` with
/// `extra` arguments.
fn device_key_in(dir: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let (key, public) = (dir.join("device.key.pem"), dir.join("device.pub.pem"));
    let mut args = vec!["key", "new", "--out", p(&key), "--public", p(&public)];
    args.extend_from_slice(extra);
    ok(&args);
    (key, public)
}

/// `--signed` with the signing time every licence issued here states.
pub const SIGNED: [&str; 2] = ["--signed", "2026-10-30T09:00:00Z"];

/// The arguments of `issue` for a driving licence of the claims in
/// `claims` by `authority`, bound to `device_pub`, valid from 2026-11-01 to
/// 2027-11-01, written to `out`; `extra` arguments after them.
pub fn issue_licence_args<'a>(
    authority: &'a Path,
    claims: &'a Path,
    device_pub: &'a Path,
    out: &'a Path,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "issue",
        "--authority",
        p(authority),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(claims),
        "--device-key",
        p(device_pub),
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--out",
        p(out),
    ];
    args.extend_from_slice(extra);
    args
}

/// The arguments of `verify --json` of `doc` trusting the IACA in `trust`
/// at `at`, `extra` arguments before the document.
pub fn verify_json_args<'a>(
    trust: &'a Path,
    at: &'a str,
    extra: &[&'a str],
    doc: &'a Path,
) -> Vec<&'a str> {
    let mut args = vec!["verify", "--trust", p(trust), "--at", at, "--json"];
    args.extend_from_slice(extra);
    args.push(p(doc));
    args
}

/// The claims of the library's Ukrainian sample driving licence, as JSON
/// the tool reads.
pub fn ua_licence_claims() -> serde_json::Value {
    use docbridge::documents::DocumentType as _;
    docbridge::documents::json::elements_to_json(
        &docbridge::documents::samples::driving_licence_ua()
            .to_elements()
            .unwrap(),
    )
}

/// The Ukrainian sample licence's claims written to `dir/claims.json`.
pub fn write_ua_licence_claims(dir: &Path) -> PathBuf {
    let claims = dir.join("claims.json");
    std::fs::write(&claims, ua_licence_claims().to_string()).unwrap();
    claims
}

/// The Ukrainian sample licence issued by `authority` to `device_pub`
/// (its claims in `dir/claims.json`) into `dir/doc.cbor`, with `extra`
/// arguments to `issue`.
pub fn issue_ua_licence(
    dir: &Path,
    authority: &Path,
    device_pub: &Path,
    extra: &[&str],
) -> PathBuf {
    let claims = write_ua_licence_claims(dir);
    let doc = dir.join("doc.cbor");
    ok(&issue_licence_args(
        authority, &claims, device_pub, &doc, extra,
    ));
    doc
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
    ok(&issue_licence_args(
        authority, &claims, device_pub, &out, &SIGNED,
    ));
    out
}

/// The permission bits of `path` (`0o600`: only its owner reads it).
#[cfg(unix)]
pub fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A Digital Credentials API exchange made on the command line: a
/// website's request and its reader key, and a wallet's answer to it.
pub struct DcApiExchange {
    /// The request (`dir/req.json`).
    pub request: PathBuf,
    /// The reader's private key the answer is encrypted to
    /// (`dir/reader.key.pem`).
    pub reader_key: PathBuf,
    /// The wallet's answer (`dir/resp.json`).
    pub response: PathBuf,
}

impl DcApiExchange {
    /// `dcapi request` from `origin` for `elements` of a driving licence,
    /// then `dcapi respond` with `doc` and its `device_key` at
    /// 2026-11-29T12:00:00Z, the files in `dir`.
    pub fn new(dir: &Path, origin: &str, elements: &[&str], device_key: &Path, doc: &Path) -> Self {
        let exchange = Self {
            request: dir.join("req.json"),
            reader_key: dir.join("reader.key.pem"),
            response: dir.join("resp.json"),
        };
        let mut args = vec![
            "dcapi",
            "request",
            "--origin",
            origin,
            "--doc-type",
            "org.iso.18013.5.1.mDL",
        ];
        for element in elements {
            args.extend(["--element", element]);
        }
        args.extend([
            "--out",
            p(&exchange.request),
            "--key-out",
            p(&exchange.reader_key),
        ]);
        ok(&args);
        ok(&[
            "dcapi",
            "respond",
            "--request",
            p(&exchange.request),
            "--origin",
            origin,
            "--device-key",
            p(device_key),
            "--at",
            "2026-11-29T12:00:00Z",
            "--out",
            p(&exchange.response),
            p(doc),
        ]);
        exchange
    }

    /// `dcapi verify --json` of the answer as come to `origin`, trusting the
    /// IACA in `trust` at 2026-11-29T12:00:00Z, `extra` arguments before the
    /// answer: (exit status, output).
    pub fn verify(
        &self,
        origin: &str,
        trust: &Path,
        extra: &[&str],
    ) -> (Option<i32>, serde_json::Value) {
        let mut args = vec![
            "dcapi",
            "verify",
            "--request",
            p(&self.request),
            "--key",
            p(&self.reader_key),
            "--origin",
            origin,
            "--trust",
            p(trust),
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
        ];
        args.extend_from_slice(extra);
        args.push(p(&self.response));
        run_json(&args)
    }
}
