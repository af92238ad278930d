//! The Digital Credentials API, `org-iso-mdoc` (ISO/IEC TS 18013-7 Annex
//! C): the published Annex C response opens only under its origin and key
//! and its device signature verifies over the rebuilt transcript; a full
//! verifier -> wallet -> verifier round trip; replay to another origin and
//! a response encrypted to another key refused with their codes.
//! Needs the shared vectors in `../shared/vectors/external` (CI provides them).

#[path = "common/external.rs"]
mod external;

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use docbridge::cbor;
use docbridge::dcapi::{
    EncryptedResponse, EncryptionInfo, IsoMdocVerifierRequest, IsoMdocWalletRequest,
    encryption_info,
};
use docbridge::device_response::DeviceAuth;
use docbridge::holder::{ReaderCheck, present};
use docbridge::request::ItemsRequest;
use docbridge::{
    Algorithm, DeviceResponse, DrivingLicence, Issuer, IssuerSigned, Signer as _, SoftwareKey,
    VerifyOptions,
};
use serde_json::{Value as Json, json};

const DCAPI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/dcapi"
);
const ORIGIN: &str = "https://clinic.example";

fn file(name: &str) -> Vec<u8> {
    let path = format!("{DCAPI}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("shared vectors required: cannot read {path} ({e}); CI provides ../shared")
    })
}

fn json_file(name: &str) -> Json {
    serde_json::from_slice(&file(name)).unwrap()
}

fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code(),
    }
}

fn recipient_private_key() -> p256::SecretKey {
    let jwk = json_file("shc_synthetic_recipient-private.jwk.json");
    let d = URL_SAFE_NO_PAD.decode(jwk["d"].as_str().unwrap()).unwrap();
    p256::SecretKey::from_slice(&d).unwrap()
}

fn base64_encryption_info() -> String {
    String::from_utf8(file("shc_synthetic_encryption-info.b64u.txt"))
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn annex_c_encryption_info_and_transcript_are_byte_exact() {
    if !external::available(DCAPI) {
        return;
    }
    let text = base64_encryption_info();
    let info = EncryptionInfo::from_base64(&text).unwrap();
    assert_eq!(
        hex::encode(info.nonce()),
        "9c5df4e0c4dc6a3c94d38a895d3ad1cf2a035cf823f0448b443d73ae9fd074c7"
    );
    assert_eq!(info.recipient(), &recipient_private_key().public_key());
    assert_eq!(info.base64(), text);
    // Made here from the same nonce and key: the same bytes.
    let made = EncryptionInfo::new(info.nonce().to_vec(), *info.recipient()).unwrap();
    assert_eq!(made.base64(), text);
    assert_eq!(
        URL_SAFE_NO_PAD.decode(made.base64()).unwrap(),
        file("shc_synthetic_encryption-info.cbor")
    );
    assert_eq!(
        encryption_info::dcapi_info(&text, ORIGIN).unwrap(),
        file("shc_synthetic_dcapi_info.cbor")
    );
    assert_eq!(
        encryption_info::session_transcript(&text, ORIGIN).unwrap(),
        file("shc_synthetic_session_transcript.cbor")
    );
}

#[test]
fn annex_c_response_opens_only_with_its_origin_and_its_device_signature_verifies() {
    if !external::available(DCAPI) {
        return;
    }
    let credential = json_file("shc_synthetic_credential.json");
    let encoded = credential["data"]["response"].as_str().unwrap();
    let bytes = URL_SAFE_NO_PAD.decode(encoded).unwrap();
    assert_eq!(bytes, file("shc_synthetic_encrypted_response.cbor"));
    let response = EncryptedResponse::from_slice(&bytes).unwrap();
    assert_eq!(response.to_vec().unwrap(), bytes);
    let key = recipient_private_key();
    let text = base64_encryption_info();
    let transcript = encryption_info::session_transcript(&text, ORIGIN).unwrap();
    let plaintext = response.open(&key, &transcript).unwrap();
    assert_eq!(plaintext, file("shc_synthetic_device_response.cbor"));

    // Another origin, the tag-24 form of the transcript, another key.
    let elsewhere =
        encryption_info::session_transcript(&text, "https://clinic.example:8443").unwrap();
    assert_eq!(
        code(response.open(&key, &elsewhere)),
        "response_decryption_failed"
    );
    let tagged = cbor::encode(&cbor::tag24(transcript.clone())).unwrap();
    assert_eq!(
        code(response.open(&key, &tagged)),
        "response_decryption_failed"
    );
    let other = p256::SecretKey::from_slice(&[7; 32]).unwrap();
    assert_eq!(
        code(response.open(&other, &transcript)),
        "response_decryption_failed"
    );

    // The device signature verifies over DeviceAuthenticationBytes rebuilt
    // from this transcript. The issuer is a self-issued test certificate of
    // another ecosystem, outside the Annex B profile, so the issuer chain
    // is not checked here; only the holder binding is.
    let device_response = DeviceResponse::from_slice(&plaintext).unwrap();
    let [document] = device_response.documents.as_slice() else {
        panic!("one document expected");
    };
    assert_eq!(document.doc_type(), "org.smarthealthit.checkin.1");
    let DeviceAuth::Signature(signature) = document.device_signed().device_auth() else {
        panic!("deviceSignature expected");
    };
    let device_key = document
        .issuer_signed()
        .mso_unverified()
        .unwrap()
        .device_key_info
        .device_key;
    let auth = device_authentication(
        &transcript,
        document.doc_type(),
        document.device_signed().name_spaces_bytes(),
    );
    assert_eq!(auth.len(), 103);
    signature.verify_detached(&device_key, &auth, b"").unwrap();
    let wrong = device_authentication(
        &elsewhere,
        document.doc_type(),
        document.device_signed().name_spaces_bytes(),
    );
    assert!(signature.verify_detached(&device_key, &wrong, b"").is_err());
}

/// DeviceAuthenticationBytes = tag24(["DeviceAuthentication", transcript,
/// docType, tag24(nameSpaces)]).
fn device_authentication(transcript: &[u8], doc_type: &str, name_spaces: &[u8]) -> Vec<u8> {
    let value = docbridge::deps::ciborium::value::Value::Array(vec![
        docbridge::deps::ciborium::value::Value::Text("DeviceAuthentication".into()),
        cbor::decode(transcript).unwrap(),
        docbridge::deps::ciborium::value::Value::Text(doc_type.into()),
        cbor::tag24(name_spaces.to_vec()),
    ]);
    cbor::encode(&cbor::tag24(cbor::encode(&value).unwrap())).unwrap()
}

struct Wallet {
    stored: Vec<IssuerSigned>,
    device: SoftwareKey,
}

fn wallet() -> (Wallet, docbridge::Verifier) {
    let ukraine = ukraine(Algorithm::Es256, 30);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(31));
    let issuer = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate).unwrap();
    let licence = issuer
        .issue_document(
            &docbridge::documents::samples::driving_licence_ua(),
            &device.public_key(),
            &validity(),
            &mut rng(32),
        )
        .unwrap();
    (
        Wallet {
            stored: vec![licence],
            device,
        },
        verifier(&[&ukraine]),
    )
}

fn licence_request() -> Vec<ItemsRequest> {
    vec![
        ItemsRequest::new(DrivingLicence::DOC_TYPE)
            .element(MDL_NS, "family_name", false)
            .element(MDL_NS, "driving_privileges", false)
            .element(MDL_NS, "age_over_18", false),
    ]
}

/// The wallet's whole answer to a request JSON seen from `origin`.
fn answer(wallet: &Wallet, request: &Json, origin: &str, seed: u64) -> Json {
    let seen = IsoMdocWalletRequest::from_json(request, origin).unwrap();
    let presentation = present(
        &wallet.stored,
        seen.device_request(),
        seen.session_transcript_bytes(),
        &wallet.device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap();
    seen.respond(&presentation.response.to_vec().unwrap(), &mut rng(seed))
        .unwrap()
}

const RENTAL: &str = "https://wynajem.example.pl";

#[test]
fn round_trip_verifier_wallet_verifier() {
    let (wallet, verifier) = wallet();
    let request =
        IsoMdocVerifierRequest::new(RENTAL, &licence_request(), None, &mut rng(40)).unwrap();
    let json = request.request_json().unwrap();
    assert_eq!(json["protocol"], "org-iso-mdoc");
    let response = answer(&wallet, &json, RENTAL, 41);
    assert_eq!(response["protocol"], "org-iso-mdoc");

    // The backend restores its state from what it kept.
    let restored =
        IsoMdocVerifierRequest::restore(&json, request.private_key().clone(), RENTAL).unwrap();
    assert_eq!(restored.nonce(), request.nonce());
    for side in [&request, &restored] {
        let bytes = side.open_response(&response).unwrap();
        let verified = verifier
            .verify_response(
                &bytes,
                &VerifyOptions::at(NOW).transcript(side.session_transcript_bytes()),
            )
            .unwrap()
            .into_doc_type(DrivingLicence::DOC_TYPE)
            .unwrap();
        assert!(verified.holder_bound());
        let mut disclosed: Vec<&str> = verified.elements()[MDL_NS]
            .keys()
            .map(String::as_str)
            .collect();
        disclosed.sort();
        assert_eq!(
            disclosed,
            ["age_over_18", "driving_privileges", "family_name"]
        );
    }
    // Only the data object works too.
    assert!(request.open_response(&response["data"]).is_ok());
}

#[test]
fn replay_to_another_origin_and_another_key_are_refused() {
    let (wallet, _) = wallet();
    let request =
        IsoMdocVerifierRequest::new(RENTAL, &licence_request(), None, &mut rng(50)).unwrap();
    let json = request.request_json().unwrap();
    // A site that relays the rental's request gets a response bound to its
    // own origin, which the rental cannot open.
    let relayed = answer(&wallet, &json, "https://evil.example", 51);
    assert_eq!(
        code(request.open_response(&relayed)),
        "response_decryption_failed"
    );
    // A response to another request (another key and nonce).
    let other =
        IsoMdocVerifierRequest::new(RENTAL, &licence_request(), None, &mut rng(52)).unwrap();
    let to_other = answer(&wallet, &other.request_json().unwrap(), RENTAL, 53);
    assert_eq!(
        code(request.open_response(&to_other)),
        "response_decryption_failed"
    );
    // A restore with a key that is not the request's.
    let stranger = p256::SecretKey::from_slice(&[9; 32]).unwrap();
    assert_eq!(
        code(IsoMdocVerifierRequest::restore(&json, stranger, RENTAL)),
        "invalid_key"
    );
}

#[test]
fn malformed_messages_are_refused() {
    let request =
        IsoMdocVerifierRequest::new(RENTAL, &licence_request(), None, &mut rng(60)).unwrap();
    let json = request.request_json().unwrap();
    let cases = [
        json!({"protocol": "openid4vp", "data": json["data"]}),
        json!({"protocol": "org-iso-mdoc"}),
        json!({"deviceRequest": json["data"]["deviceRequest"]}),
        json!({"deviceRequest": 5, "encryptionInfo": json["data"]["encryptionInfo"]}),
        json!({"deviceRequest": json["data"]["deviceRequest"], "encryptionInfo": "!!"}),
        json!({"deviceRequest": json["data"]["deviceRequest"],
               "encryptionInfo": URL_SAFE_NO_PAD.encode(cbor::encode(&cbor::text_map([("nonce", docbridge::deps::ciborium::value::Value::Null)])).unwrap())}),
    ];
    for case in &cases {
        assert_eq!(
            code(IsoMdocWalletRequest::from_json(case, RENTAL)),
            "dcapi_malformed",
            "{case}"
        );
    }
    // A nonce shorter than 16 bytes.
    let key = p256::SecretKey::from_slice(&[3; 32]).unwrap();
    assert_eq!(
        code(EncryptionInfo::new(vec![1; 15], key.public_key())),
        "invalid_argument"
    );
    for response in [
        json!({}),
        json!({"response": "AA"}),
        json!({"response": URL_SAFE_NO_PAD.encode([0x82, 0x61, 0x78, 0xa0])}),
    ] {
        assert_eq!(
            code(request.open_response(&response)),
            "dcapi_malformed",
            "{response}"
        );
    }
}

#[test]
fn a_reader_signed_request_is_checked_by_the_wallet_over_the_dcapi_transcript() {
    use docbridge::x509::{self, CertificateProfile, CertificateSpec};
    let spec = |name: &str, serial| CertificateSpec {
        common_name: name.into(),
        country: "PL".into(),
        organization: Some("Wynajem".into()),
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    };
    let mut keys = rng(80);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut keys);
    let root = x509::create_self_signed(
        &spec("Wynajem Readers", 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut keys);
    let reader_cert = x509::create_issued(
        &spec("wynajem.example.pl", 2),
        CertificateProfile::ReaderAuthentication,
        &reader_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    let chain = [reader_cert];
    let request = IsoMdocVerifierRequest::new(
        RENTAL,
        &licence_request(),
        Some((&reader_key, &chain)),
        &mut rng(81),
    )
    .unwrap();
    let json = request.request_json().unwrap();
    let (wallet, _) = wallet();
    let roots = [docbridge::holder::ReaderRoot::new("car rental", root)];
    let presented = |origin: &str| {
        let seen = IsoMdocWalletRequest::from_json(&json, origin).unwrap();
        present(
            &wallet.stored,
            seen.device_request(),
            seen.session_transcript_bytes(),
            &wallet.device,
            ReaderCheck::Require(&roots),
            NOW,
        )
        .map(|p| p.readers)
    };
    let readers = presented(RENTAL).unwrap();
    let identity = readers[0].identity().expect("an authenticated reader");
    assert_eq!(
        identity.certificate.subject(),
        "C=PL, O=Wynajem, CN=wynajem.example.pl"
    );
    assert_eq!(identity.root_label, "car rental");
    // Relayed through another origin, the reader's signature no longer
    // covers the transcript the wallet builds.
    assert_eq!(code(presented("https://evil.example")), "signature_invalid");
}
