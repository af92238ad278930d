//! The `docbridge` command-line tool, end to end. The Annex D
//! case needs the shared vectors in `../shared/vectors/external`.

#[path = "../../tests/common/external.rs"]
mod external;

mod common;

use std::path::{Path, PathBuf};

use common::{
    SIGNED, device_key, device_key_with_alg, file_mode, issue_licence_args, issue_ua_licence,
    json_exiting, new_authority_with_alg, ok, ok_json, p, run, temp_dir, ua_licence_claims,
    usage_error, verify_json_args,
};
use docbridge::report::Report;
use docbridge::{
    AcceptancePolicy, Certificate, IssuingAuthority, TrustedAuthorities, Verifier, VerifyOptions,
};

const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/external/iso18013-5-annex-d"
);
/// The time every document issued here is verified at.
const AT: &str = "2026-11-29T12:00:00Z";

#[test]
fn issue_verify_and_inspect_through_the_command_line() {
    let dir = temp_dir("flow");
    let ua = new_authority_with_alg(&dir, "UA", "ed25519");
    let pl = new_authority_with_alg(&dir, "PL", "es256");
    let (_, device_pub) = device_key_with_alg(&dir, "es384");
    let claims = ua_licence_claims();
    let doc = issue_ua_licence(&dir, &ua, &device_pub, &SIGNED);

    let iaca = ua.join("iaca.pem");
    let out = ok(&verify_json_args(&iaca, AT, &[], &doc));
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

    let human = ok(&["verify", "--trust", p(&iaca), "--at", AT, p(&doc)]);
    assert!(
        human.starts_with("VALID org.iso.18013.5.1.mDL issued in UA"),
        "{human}"
    );

    // Trusting only the Polish authority: refused, exit status 1, JSON error.
    let pl_iaca = pl.join("iaca.pem");
    let json = json_exiting(1, &verify_json_args(&pl_iaca, AT, &[], &doc));
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["code"], "untrusted_issuer");

    // After the MSO's validUntil: expired.
    let json = json_exiting(
        1,
        &verify_json_args(&iaca, "2028-01-01T00:00:00Z", &[], &doc),
    );
    assert_eq!(json["error"]["code"], "expired");

    let shown = ok(&["inspect", p(&doc)]);
    assert!(shown.starts_with("UNVERIFIED"), "{shown}");
    assert!(shown.contains("Шевченко"), "{shown}");
}

#[test]
fn issue_refuses_incomplete_claims() {
    let dir = temp_dir("incomplete");
    let ua = new_authority_with_alg(&dir, "UA", "es256");
    let (_, device_pub) = device_key(&dir);
    let claims_file = dir.join("claims.json");
    std::fs::write(
        &claims_file,
        r#"{"org.iso.18013.5.1": {"family_name": "Shevchenko"}}"#,
    )
    .unwrap();
    let doc = dir.join("doc.cbor");
    let stderr = usage_error(&issue_licence_args(
        &ua,
        &claims_file,
        &device_pub,
        &doc,
        &SIGNED,
    ));
    assert!(stderr.contains("missing_element"));
}

fn annex_d_file(relative: &str) -> Vec<u8> {
    let path = format!("{ANNEX_D}/{relative}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the shared conformance vectors are required ({path}: {e}); CI provides ../shared")
    });
    hex::decode(text.trim()).unwrap()
}

/// The Annex D vector `relative` (hex) written as bytes to `dir/name`.
fn annex_d_copy(dir: &Path, name: &str, relative: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, annex_d_file(relative)).unwrap();
    path
}

#[test]
fn annex_d_verifies_through_the_command_line() {
    if !external::available(ANNEX_D) {
        return;
    }
    let dir = temp_dir("annex-d");
    let iaca = annex_d_copy(&dir, "utopia-iaca.der", "nl-wallet/iaca_root_cert.der.hex");
    let doc = annex_d_copy(&dir, "issuer_signed.cbor", "isomdl/issuer_signed.hex");

    let json = ok_json(&verify_json_args(&iaca, "2021-06-01T00:00:00Z", &[], &doc));
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

    let json = json_exiting(
        1,
        &verify_json_args(&iaca, "2024-01-01T00:00:00Z", &[], &doc),
    );
    assert_eq!(json["error"]["code"], "certificate_expired");
}

#[test]
fn garbage_input_is_a_clear_refusal_not_a_crash() {
    if !external::available(ANNEX_D) {
        return;
    }
    let dir = temp_dir("garbage");
    let iaca = annex_d_copy(&dir, "iaca.der", "nl-wallet/iaca_root_cert.der.hex");
    let doc = dir.join("garbage.cbor");
    std::fs::write(&doc, [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00]).unwrap();
    let json = json_exiting(1, &["verify", "--trust", p(&iaca), "--json", p(&doc)]);
    assert_eq!(json["error"]["code"], "cbor_length_exceeds_input");
}

#[test]
fn request_present_and_verify_a_device_response() {
    let dir = temp_dir("present");
    let ua = new_authority_with_alg(&dir, "UA", "es384");
    let (device_key, device_pub) = device_key_with_alg(&dir, "ed25519");
    let doc = issue_ua_licence(&dir, &ua, &device_pub, &SIGNED);
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
    let json = ok_json(&verify_json_args(
        &iaca,
        AT,
        &["--transcript", p(&transcript)],
        &response,
    ));
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
    let json = json_exiting(
        1,
        &verify_json_args(&iaca, AT, &["--transcript", p(&other)], &response),
    );
    assert_eq!(json["error"]["code"], "device_signature_invalid");
}

#[test]
fn annex_d_device_response_verifies_through_the_command_line() {
    if !external::available(ANNEX_D) {
        return;
    }
    let dir = temp_dir("annex-d-response");
    let iaca = annex_d_copy(&dir, "utopia-iaca.der", "nl-wallet/iaca_root_cert.der.hex");
    let response = annex_d_copy(&dir, "device_response.cbor", "multipaz/device_response.hex");
    let transcript = annex_d_copy(
        &dir,
        "transcript.bin",
        "multipaz/session_transcript_bytes.hex",
    );
    let reader_key = dir.join("reader.key.pem");
    let d = annex_d_file("multipaz/ephemeral_reader_key_d.hex");
    let key = docbridge::SoftwareKey::from_secret_bytes(docbridge::Algorithm::Es256, &d).unwrap();
    std::fs::write(&reader_key, key.to_pkcs8_pem().unwrap()).unwrap();

    let json = ok_json(&verify_json_args(
        &iaca,
        "2021-06-01T00:00:00Z",
        &[
            "--transcript",
            p(&transcript),
            "--reader-key",
            p(&reader_key),
        ],
        &response,
    ));
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
    let json = json_exiting(
        1,
        &verify_json_args(
            &iaca,
            "2021-06-01T00:00:00Z",
            &["--transcript", p(&other), "--reader-key", p(&reader_key)],
            &response,
        ),
    );
    assert_eq!(json["error"]["code"], "device_mac_invalid");
}

// ----- Key files and input size (issue 12, findings 4 and 9) -----

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
    assert_eq!(file_mode(&key), 0o600);
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
    assert_eq!(file_mode(&key), 0o600);

    // An authority and a trust-list operator keep their keys too.
    let authority = new_authority_with_alg(&dir, "UA", "ed25519");
    for file in ["iaca.key.pem", "ds.key.pem"] {
        assert_eq!(file_mode(&authority.join(file)), 0o600, "{file}");
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
        assert_eq!(file_mode(&operator.join(file)), 0o600, "{file}");
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
