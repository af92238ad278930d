//! Issue 15, item 4: every file argument takes binary CBOR, base64url,
//! base64, hex or `-` (standard input), detected or forced with
//! `--input-format`, read up to the size limit. Against the ISO/IEC
//! 18013-5 Annex D response, kept as hex text in the shared vectors.

mod common;
#[path = "../../tests/common/external.rs"]
mod external;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{EXTERNAL, json_exiting, ok, p, run, run_with_stdin, temp_dir, usage_error};

fn annex_d(relative: &str) -> String {
    format!("{EXTERNAL}/iso18013-5-annex-d/{relative}")
}

/// `verify` of the Annex D response with its transcript and reader key:
/// `response` and `transcript` are paths (or `-`).
fn verify_args<'a>(
    iaca: &'a str,
    transcript: &'a str,
    key: &'a str,
    response: &'a str,
) -> Vec<&'a str> {
    vec![
        "verify",
        "--trust",
        iaca,
        "--at",
        "2021-06-01T00:00:00Z",
        "--transcript",
        transcript,
        "--reader-key",
        key,
        "--json",
        response,
    ]
}

#[test]
fn the_annex_d_response_verifies_in_every_encoding() {
    if !external::available(&format!("{EXTERNAL}/iso18013-5-annex-d")) {
        return;
    }
    let dir = temp_dir("input-encodings");
    let reader_key = dir.join("reader.key.pem");
    let d = hex::decode(
        std::fs::read_to_string(annex_d("multipaz/ephemeral_reader_key_d.hex"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let key = docbridge::SoftwareKey::from_secret_bytes(docbridge::Algorithm::Es256, &d).unwrap();
    std::fs::write(&reader_key, key.to_pkcs8_pem().unwrap()).unwrap();
    // The IACA certificate, the transcript and the response exactly as
    // published: hex text.
    let iaca = annex_d("nl-wallet/iaca_root_cert.der.hex");
    let transcript = annex_d("multipaz/session_transcript_bytes.hex");
    let response_hex = annex_d("multipaz/device_response.hex");
    let bytes = hex::decode(std::fs::read_to_string(&response_hex).unwrap().trim()).unwrap();

    let encodings = [
        ("binary", bytes.clone()),
        ("base64url", URL_SAFE_NO_PAD.encode(&bytes).into_bytes()),
        ("base64", STANDARD.encode(&bytes).into_bytes()),
        ("hex", hex::encode_upper(&bytes).into_bytes()),
    ];
    for (name, encoded) in &encodings {
        let file = dir.join(format!("response.{name}"));
        std::fs::write(&file, encoded).unwrap();
        // Detected...
        let out = ok(&verify_args(&iaca, &transcript, p(&reader_key), p(&file)));
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["valid"], true, "{name}: {out}");
        assert_eq!(
            json["claims"]["org.iso.18013.5.1"]["family_name"], "Doe",
            "{name}"
        );
        // ...forced (the certificate and transcript are then in the same
        // encoding too: the option is for every file argument)...
        if *name == "hex" {
            let mut args = verify_args(&iaca, &transcript, p(&reader_key), p(&file));
            args.extend(["--input-format", "hex"]);
            assert!(run(&args).status.success(), "{name} forced");
        }
        // ...and from standard input.
        let out = run_with_stdin(
            &verify_args(&iaca, &transcript, p(&reader_key), "-"),
            encoded,
        );
        assert!(
            out.status.success(),
            "{name} on stdin: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // A forced format the content is not in names what it is.
    let file = dir.join("response.base64url");
    let mut args = verify_args(&iaca, &transcript, p(&reader_key), p(&file));
    args.extend(["--input-format", "binary"]);
    // With --json the usage error is JSON on stdout; the first file read
    // (the certificate, hex text) is the one named.
    let json = json_exiting(2, &args);
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["code"], "invalid_argument");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("this is text (hex), not binary CBOR"),
        "{message}"
    );

    // Standard input serves one argument only.
    let out = run_with_stdin(&verify_args(&iaca, "-", p(&reader_key), "-"), &bytes);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["error"]["message"],
        "standard input (-) can be given for one argument only"
    );
}

#[test]
fn a_huge_text_input_is_read_only_up_to_the_limit() {
    let dir = temp_dir("input-huge-text");
    // 64 MiB of hex digits, sparse would be zeros: write a real file of
    // 20 MiB, more than twice the limit.
    let huge = dir.join("huge.hex");
    std::fs::write(&huge, "a0".repeat(10 << 20)).unwrap();
    let stderr = usage_error(&["inspect", p(&huge)]);
    assert!(stderr.contains("cbor_too_large"), "{stderr}");
    assert!(stderr.contains("8388609 bytes"), "{stderr}");
}
