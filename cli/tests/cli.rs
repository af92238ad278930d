//! The `docbridge` command-line tool, end to end. The Annex D
//! case needs the shared vectors in `../shared/vectors/external`.

#[path = "../../tests/common/external.rs"]
mod external;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use docbridge::documents::json::elements_to_json;
use docbridge::documents::{DocumentType, samples};
use docbridge::report::Report;
use docbridge::{
    AcceptancePolicy, Certificate, IssuingAuthority, TrustedAuthorities, Verifier, VerifyOptions,
};

const BIN: &str = env!("CARGO_BIN_EXE_docbridge");
const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/external/iso18013-5-annex-d"
);

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docbridge-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "docbridge {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn new_authority(dir: &Path, country: &str, alg: &str) -> PathBuf {
    let out = dir.join(country);
    ok(&[
        "authority",
        "new",
        "--country",
        country,
        "--alg",
        alg,
        "--valid-from",
        "2026-01-01T00:00:00Z",
        "--valid-until",
        "2031-01-01T00:00:00Z",
        "--out",
        p(&out),
    ]);
    out
}

#[test]
fn issue_verify_and_inspect_through_the_command_line() {
    let dir = temp_dir("flow");
    let ua = new_authority(&dir, "UA", "ed25519");
    let pl = new_authority(&dir, "PL", "es256");
    let (device_key, device_pub) = (dir.join("device.key.pem"), dir.join("device.pub.pem"));
    ok(&[
        "key",
        "new",
        "--alg",
        "es384",
        "--out",
        p(&device_key),
        "--public",
        p(&device_pub),
    ]);

    let claims = elements_to_json(&samples::driving_licence_ua().to_elements().unwrap());
    let claims_file = dir.join("claims.json");
    std::fs::write(&claims_file, claims.to_string()).unwrap();
    let doc = dir.join("doc.cbor");
    ok(&[
        "issue",
        "--authority",
        p(&ua),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(&claims_file),
        "--device-key",
        p(&device_pub),
        "--signed",
        "2026-10-30T09:00:00Z",
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--out",
        p(&doc),
    ]);

    let iaca = ua.join("iaca.pem");
    let out = ok(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2026-11-29T12:00:00Z",
        "--json",
        p(&doc),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The library's report (docbridge::report), not a shape of the tool's own.
    assert_eq!(json["format"], "docbridge-verification/1");
    assert_eq!(json["valid"], true);
    assert_eq!(json["docType"], "org.iso.18013.5.1.mDL");
    assert_eq!(json["issuingCountry"], "UA");
    assert_eq!(json["claims"], claims);
    // Byte for byte the library's report of the same verification: the
    // tool gives a certificate-configured authority its path as id and
    // the IACA's organizationName as name.
    let iaca_certificate = Certificate::load_one(&std::fs::read(&iaca).unwrap()).unwrap();
    assert_eq!(json["authority"], "UA Issuing Authority");
    let authority = IssuingAuthority::new(
        format!("{}#0", iaca.display()),
        "UA",
        IssuingAuthority::name_from_certificate(&iaca_certificate),
        vec![iaca_certificate.clone()],
        docbridge::trust::CROSS_BORDER_DOC_TYPES,
    )
    .unwrap();
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities([authority]).unwrap(),
        AcceptancePolicy::accept_all(),
    );
    let at = time::macros::datetime!(2026-11-29 12:00 UTC);
    let outcome = verifier.verify(&std::fs::read(&doc).unwrap(), &VerifyOptions::at(at));
    assert_eq!(
        out.trim_end(),
        serde_json::to_string(&Report::document(&outcome)).unwrap()
    );
    assert_eq!(
        json["claims"]["org.iso.18013.5.1"]["family_name_national_character"],
        "Шевченко"
    );

    let human = ok(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2026-11-29T12:00:00Z",
        p(&doc),
    ]);
    assert!(
        human.starts_with("VALID org.iso.18013.5.1.mDL issued in UA"),
        "{human}"
    );

    // Trusting only the Polish authority: refused, exit status 1, JSON error.
    let out = run(&[
        "verify",
        "--trust",
        p(&pl.join("iaca.pem")),
        "--at",
        "2026-11-29T12:00:00Z",
        "--json",
        p(&doc),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["code"], "untrusted_issuer");

    // After the MSO's validUntil: expired.
    let out = run(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2028-01-01T00:00:00Z",
        "--json",
        p(&doc),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "expired");

    let shown = ok(&["inspect", p(&doc)]);
    assert!(shown.starts_with("UNVERIFIED"), "{shown}");
    assert!(shown.contains("Шевченко"), "{shown}");
}

#[test]
fn issue_refuses_incomplete_claims() {
    let dir = temp_dir("incomplete");
    let ua = new_authority(&dir, "UA", "es256");
    let (device_key, device_pub) = (dir.join("k.pem"), dir.join("k.pub.pem"));
    ok(&[
        "key",
        "new",
        "--out",
        p(&device_key),
        "--public",
        p(&device_pub),
    ]);
    let claims_file = dir.join("claims.json");
    std::fs::write(
        &claims_file,
        r#"{"org.iso.18013.5.1": {"family_name": "Shevchenko"}}"#,
    )
    .unwrap();
    let out = run(&[
        "issue",
        "--authority",
        p(&ua),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(&claims_file),
        "--device-key",
        p(&device_pub),
        "--signed",
        "2026-10-30T09:00:00Z",
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--out",
        p(&dir.join("doc.cbor")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing_element"));
}

fn annex_d_file(relative: &str) -> Vec<u8> {
    let path = format!("{ANNEX_D}/{relative}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the shared conformance vectors are required ({path}: {e}); CI provides ../shared")
    });
    hex::decode(text.trim()).unwrap()
}

#[test]
fn annex_d_verifies_through_the_command_line() {
    if !external::available(ANNEX_D) {
        return;
    }
    let dir = temp_dir("annex-d");
    let iaca = dir.join("utopia-iaca.der");
    std::fs::write(&iaca, annex_d_file("nl-wallet/iaca_root_cert.der.hex")).unwrap();
    let doc = dir.join("issuer_signed.cbor");
    std::fs::write(&doc, annex_d_file("isomdl/issuer_signed.hex")).unwrap();

    let out = ok(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2021-06-01T00:00:00Z",
        "--json",
        p(&doc),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["issuingCountry"], "US");
    assert_eq!(json["claims"]["org.iso.18013.5.1"]["family_name"], "Doe");
    assert_eq!(
        json["claims"]["org.iso.18013.5.1"]["document_number"],
        "123456789"
    );
    assert_eq!(
        json["claims"]["org.iso.18013.5.1"]["driving_privileges"][1]["vehicle_category_code"],
        "B"
    );

    let out = run(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2024-01-01T00:00:00Z",
        "--json",
        p(&doc),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "certificate_expired");
}

#[test]
fn garbage_input_is_a_clear_refusal_not_a_crash() {
    if !external::available(ANNEX_D) {
        return;
    }
    let dir = temp_dir("garbage");
    let iaca = dir.join("iaca.der");
    std::fs::write(&iaca, annex_d_file("nl-wallet/iaca_root_cert.der.hex")).unwrap();
    let doc = dir.join("garbage.cbor");
    std::fs::write(&doc, [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00]).unwrap();
    let out = run(&["verify", "--trust", p(&iaca), "--json", p(&doc)]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "cbor_length_exceeds_input");
}

#[test]
fn request_present_and_verify_a_device_response() {
    let dir = temp_dir("present");
    let ua = new_authority(&dir, "UA", "es384");
    let (device_key, device_pub) = (dir.join("device.key.pem"), dir.join("device.pub.pem"));
    ok(&[
        "key",
        "new",
        "--alg",
        "ed25519",
        "--out",
        p(&device_key),
        "--public",
        p(&device_pub),
    ]);
    let claims_file = dir.join("claims.json");
    let claims = elements_to_json(&samples::driving_licence_ua().to_elements().unwrap());
    std::fs::write(&claims_file, claims.to_string()).unwrap();
    let doc = dir.join("doc.cbor");
    ok(&[
        "issue",
        "--authority",
        p(&ua),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(&claims_file),
        "--device-key",
        p(&device_pub),
        "--signed",
        "2026-10-30T09:00:00Z",
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--out",
        p(&doc),
    ]);
    let transcript = dir.join("transcript.bin");
    ok(&[
        "transcript",
        "backend",
        "--verifier",
        "mObywatel backend",
        "--nonce-hex",
        "00112233445566778899aabbccddeeff",
        "--out",
        p(&transcript),
    ]);
    let request = dir.join("request.cbor");
    ok(&[
        "request",
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--element",
        "family_name",
        "--element",
        "org.iso.18013.5.1:portrait",
        "--element",
        "signature_usual_mark",
        "--out",
        p(&request),
    ]);
    let response = dir.join("response.cbor");
    let shown = ok(&[
        "present",
        "--request",
        p(&request),
        "--device-key",
        p(&device_key),
        "--transcript",
        p(&transcript),
        "--out",
        p(&response),
        p(&doc),
    ]);
    assert!(
        shown.contains("2 elements disclosed, 1 not available"),
        "{shown}"
    );

    let iaca = ua.join("iaca.pem");
    let out = ok(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2026-11-29T12:00:00Z",
        "--transcript",
        p(&transcript),
        "--json",
        p(&response),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["holderBound"], true);
    let disclosed = json["claims"]["org.iso.18013.5.1"].as_object().unwrap();
    let mut names: Vec<&str> = disclosed.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["family_name", "portrait"]);

    // The same response under another transcript: refused.
    let other = dir.join("other.bin");
    ok(&[
        "transcript",
        "backend",
        "--verifier",
        "mObywatel backend",
        "--out",
        p(&other),
    ]);
    let out = run(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2026-11-29T12:00:00Z",
        "--transcript",
        p(&other),
        "--json",
        p(&response),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "device_signature_invalid");
}

#[test]
fn annex_d_device_response_verifies_through_the_command_line() {
    if !external::available(ANNEX_D) {
        return;
    }
    let dir = temp_dir("annex-d-response");
    let iaca = dir.join("utopia-iaca.der");
    std::fs::write(&iaca, annex_d_file("nl-wallet/iaca_root_cert.der.hex")).unwrap();
    let response = dir.join("device_response.cbor");
    std::fs::write(&response, annex_d_file("multipaz/device_response.hex")).unwrap();
    let transcript = dir.join("transcript.bin");
    std::fs::write(
        &transcript,
        annex_d_file("multipaz/session_transcript_bytes.hex"),
    )
    .unwrap();
    let reader_key = dir.join("reader.key.pem");
    let d = annex_d_file("multipaz/ephemeral_reader_key_d.hex");
    let key = docbridge::SoftwareKey::from_secret_bytes(docbridge::Algorithm::Es256, &d).unwrap();
    std::fs::write(&reader_key, key.to_pkcs8_pem().unwrap()).unwrap();

    let out = ok(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2021-06-01T00:00:00Z",
        "--transcript",
        p(&transcript),
        "--reader-key",
        p(&reader_key),
        "--json",
        p(&response),
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["holderBound"], true);
    assert_eq!(json["claims"]["org.iso.18013.5.1"]["family_name"], "Doe");

    // Any other transcript: the MAC fails.
    let other = dir.join("other.bin");
    ok(&[
        "transcript",
        "backend",
        "--verifier",
        "x",
        "--out",
        p(&other),
    ]);
    let out = run(&[
        "verify",
        "--trust",
        p(&iaca),
        "--at",
        "2021-06-01T00:00:00Z",
        "--transcript",
        p(&other),
        "--reader-key",
        p(&reader_key),
        "--json",
        p(&response),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "device_mac_invalid");
}

// ----- Key files and input size (issue 12, findings 4 and 9) -----

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn key_files_are_private_from_the_start_and_never_replaced_unasked() {
    let dir = temp_dir("key-files");
    let key = dir.join("device.key.pem");
    let public = dir.join("device.pub.pem");
    let new_key = |force: bool| {
        let mut args = vec!["key", "new", "--out", p(&key), "--public", p(&public)];
        if force {
            args.push("--force");
        }
        run(&args)
    };
    assert!(new_key(false).status.success());
    assert_eq!(mode(&key), 0o600);
    let first = std::fs::read(&key).unwrap();
    let again = new_key(false);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("--force"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(std::fs::read(&key).unwrap(), first);
    assert!(new_key(true).status.success());
    assert_ne!(std::fs::read(&key).unwrap(), first);
    assert_eq!(mode(&key), 0o600);

    // An authority and a trust-list operator keep their keys too.
    let authority = new_authority(&dir, "UA", "ed25519");
    for file in ["iaca.key.pem", "ds.key.pem"] {
        assert_eq!(mode(&authority.join(file)), 0o600, "{file}");
    }
    let iaca_key = std::fs::read(authority.join("iaca.key.pem")).unwrap();
    let authority_args = |force: bool| {
        let mut args = vec![
            "authority",
            "new",
            "--country",
            "UA",
            "--out",
            p(&authority),
        ];
        if force {
            args.push("--force");
        }
        run(&args)
    };
    assert_eq!(authority_args(false).status.code(), Some(2));
    assert_eq!(
        std::fs::read(authority.join("iaca.key.pem")).unwrap(),
        iaca_key
    );
    assert!(authority_args(true).status.success());
    assert_ne!(
        std::fs::read(authority.join("iaca.key.pem")).unwrap(),
        iaca_key
    );

    let operator = dir.join("ua-op");
    let operator_args = [
        "trust-list",
        "operator",
        "--country",
        "UA",
        "--out",
        p(&operator),
    ];
    assert!(run(&operator_args).status.success());
    for file in ["root.key.pem", "signer.key.pem"] {
        assert_eq!(mode(&operator.join(file)), 0o600, "{file}");
    }
    assert_eq!(run(&operator_args).status.code(), Some(2));
}

#[test]
fn a_huge_file_is_read_only_up_to_the_limit() {
    let dir = temp_dir("huge-file");
    let huge = dir.join("huge.cbor");
    // 1 GiB, sparse: costs no disk, and would cost 1 GiB of memory if read whole.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let out = run(&["inspect", p(&huge)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cbor_too_large"), "{stderr}");
    // Only the limit plus one byte was read.
    assert!(stderr.contains("8388609 bytes"), "{stderr}");
    std::fs::remove_file(&huge).unwrap();
}
