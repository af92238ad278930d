//! Issue 15, item 5: errors that name the mistake. Against the ISO/IEC
//! 18013-5 Annex D response and IssuerSigned of the shared vectors where
//! they are needed.

mod common;
#[path = "../../tests/common/external.rs"]
mod external;

use common::{
    EXTERNAL, device_key, issue_licence_args, json_exiting, new_authority, p, temp_dir, usage_error,
};

fn annex_d(relative: &str) -> String {
    format!("{EXTERNAL}/iso18013-5-annex-d/{relative}")
}

#[test]
fn pem_where_cbor_is_expected_says_where_it_goes() {
    let dir = temp_dir("mistake-pem");
    let (_, public) = device_key(&dir);
    let stderr = usage_error(&["inspect", p(&public)]);
    assert!(
        stderr.contains("this is PEM text (PUBLIC KEY), not CBOR"),
        "{stderr}"
    );
    assert!(stderr.contains("--device-key"), "{stderr}");
}

#[test]
fn a_response_without_transcript_and_a_document_with_one_are_named() {
    if !external::available(&format!("{EXTERNAL}/iso18013-5-annex-d")) {
        return;
    }
    let iaca = annex_d("nl-wallet/iaca_root_cert.der.hex");
    let response = annex_d("multipaz/device_response.hex");
    let document = annex_d("isomdl/issuer_signed.hex");
    let transcript = annex_d("multipaz/session_transcript_bytes.hex");
    let stderr = usage_error(&["verify", "--trust", &iaca, &response]);
    assert!(
        stderr.contains("is a DeviceResponse: add --transcript FILE"),
        "{stderr}"
    );
    let stderr = usage_error(&[
        "verify",
        "--trust",
        &iaca,
        "--transcript",
        &transcript,
        &document,
    ]);
    assert!(
        stderr
            .contains("is an IssuerSigned document, not a DeviceResponse: leave out --transcript"),
        "{stderr}"
    );
}

#[test]
fn a_date_without_a_time_shows_the_form() {
    let dir = temp_dir("mistake-date");
    let stderr = usage_error(&[
        "authority",
        "new",
        "--country",
        "UA",
        "--valid-from",
        "2026-11-29",
        "--out",
        p(&dir.join("UA")),
    ]);
    assert!(
        stderr.contains("\"2026-11-29\" is not an RFC 3339 date-time"),
        "{stderr}"
    );
    assert!(stderr.contains("e.g. 2026-11-29T00:00:00Z"), "{stderr}");
}

#[test]
fn issue_refuses_a_doc_type_the_authority_does_not_list_before_signing() {
    let dir = temp_dir("mistake-doc-type");
    let authority = new_authority(&dir, "UA", &["org.iso.7367.1.mVRC"]);
    let (_, public) = device_key(&dir);
    let claims = dir.join("claims.json");
    std::fs::write(&claims, "{}").unwrap();
    let out = dir.join("licence.cbor");
    let stderr = usage_error(&issue_licence_args(&authority, &claims, &public, &out, &[]));
    assert!(
        stderr.contains(
            "may not issue org.iso.18013.5.1.mDL: its authority.json lists org.iso.7367.1.mVRC"
        ),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn with_json_usage_and_file_errors_are_json() {
    let dir = temp_dir("mistake-json");
    let missing = dir.join("missing.cbor");
    let json = json_exiting(
        2,
        &["verify", "--trust", p(&missing), "--json", p(&missing)],
    );
    assert_eq!(json["valid"], false);
    assert_eq!(json["format"], "docbridge-verification/1");
    assert_eq!(json["error"]["code"], "io");

    let json = json_exiting(2, &["verify", "--json", "--no-such-option", "x"]);
    assert_eq!(json["error"]["code"], "invalid_argument");
}
