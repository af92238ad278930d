//! Byte equality with `@owf/mdoc` (npm), the OpenWallet Foundation's
//! TypeScript mdoc library, driven by `interop/js/owf-mdoc.mjs` under Node:
//! every structure docbridge writes (DeviceEngagement with BLE and Wi-Fi
//! Aware options, SessionTranscript, reader-signed DeviceRequest,
//! IssuerSigned, DeviceResponse) is decoded by the library and encoded
//! again to the same bytes, with the same fields read; the library's
//! OpenID4VP form of the DeviceResponse is docbridge's vp_token entry.
//!
//! Signing and verifying through the library is not tested here: it takes
//! its signatures, digests and X.509 checks as caller-supplied callbacks,
//! which would test those callbacks more than the library.
//!
//! Needs Node and `npm ci --prefix interop/js`; without them the test says
//! so on one line and passes, unless `DOCBRIDGE_REQUIRE_NODE=1`.

mod common;

use common::node::{node_ready, run_script};

use docbridge::deps::serde_json::{Value as Json, json};
use docbridge::documents::samples;
use docbridge::engagement::{
    BleOptions, DeviceEngagement, DeviceRetrievalMethod, WifiAwareOptions, reader_from_qr,
    to_qr_uri,
};
use docbridge::oid4vp::VpToken;
use docbridge::session;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    Algorithm, DemoAuthority, DeviceRequest, DrivingLicence, Issuer, ItemsRequest, ReaderCheck,
    Signer, SoftwareKey, ValidityInfo, present,
};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

const MDL: &str = DrivingLicence::DOC_TYPE;
const MDL_NS: &str = DrivingLicence::NAMESPACE;
const FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn reader_certificate() -> (SoftwareKey, Vec<docbridge::Certificate>) {
    let spec = |name: &str, serial| CertificateSpec {
        common_name: name.into(),
        country: "PL".into(),
        organization: Some(name.into()),
        serial,
        not_before: FROM,
        not_after: UNTIL,
        issuer_contact: None,
        crl_uri: None,
    };
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(1));
    let root =
        x509::create_self_signed(&spec("Policja CA", 1), CertificateProfile::Iaca, &root_key)
            .unwrap();
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(2));
    let leaf = x509::create_issued(
        &spec("Policja", 2),
        CertificateProfile::ReaderAuthentication,
        &key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    (key, vec![leaf])
}

#[test]
fn owf_mdoc_reads_and_rewrites_docbridge_structures_byte_for_byte() {
    if !node_ready("@owf/mdoc", "the @owf/mdoc byte-equality check") {
        return;
    }
    // The holder's engagement, scanned by the reader: the transcript.
    let device_ephemeral = session::generate_ephemeral_key(&mut rng(3));
    let engagement = DeviceEngagement::new(
        &session::public_key_of(device_ephemeral.secret_key()),
        vec![
            DeviceRetrievalMethod::from_ble(&BleOptions {
                peripheral_server_mode: true,
                peripheral_server_uuid: Some([0x5a; 16]),
                ..BleOptions::default()
            }),
            DeviceRetrievalMethod::from_wifi_aware_options(&WifiAwareOptions {
                passphrase: Some("haslo-na-drodze".into()),
                operating_class: Some(81),
                channel_number: Some(6),
                supported_bands: Some(vec![0x04]),
                other: Vec::new(),
            }),
        ],
    )
    .unwrap();
    let reader = reader_from_qr(
        &to_qr_uri(engagement.bytes()),
        session::generate_ephemeral_key(&mut rng(4)),
    )
    .unwrap();
    let transcript = reader.session_transcript_bytes;
    // SessionTranscriptBytes is tag 24 around the SessionTranscript array.
    let transcript_array = match docbridge::cbor::decode(&transcript).unwrap() {
        docbridge::deps::ciborium::value::Value::Tag(24, inner) => match *inner {
            docbridge::deps::ciborium::value::Value::Bytes(bytes) => bytes,
            other => panic!("tag 24 around {other:?}"),
        },
        _ => transcript.clone(),
    };

    // A reader-signed request and the holder's answer.
    let (reader_key, chain) = reader_certificate();
    let items = [
        "family_name",
        "birth_date",
        "portrait",
        "driving_privileges",
    ]
    .iter()
    .fold(ItemsRequest::new(MDL), |r, e| r.element(MDL_NS, e, false));
    let request = DeviceRequest::build(&[items], Some((&reader_key, &chain)), &transcript).unwrap();
    let ua = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[MDL],
        FROM,
        UNTIL,
        &mut rng(5),
    )
    .unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(6));
    let issued = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device.public_key(),
            &ValidityInfo::new(FROM, FROM, UNTIL),
            &mut rng(7),
        )
        .unwrap();
    let response = present(
        std::slice::from_ref(&issued),
        &request,
        &transcript,
        &device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
    .response
    .to_vec()
    .unwrap();

    let written = [
        ("DeviceEngagement", engagement.bytes().to_vec()),
        ("SessionTranscript", transcript_array),
        ("DeviceRequest", request.to_vec().unwrap()),
        ("IssuerSigned", issued.to_vec().unwrap()),
        ("DeviceResponse", response.clone()),
    ];
    let cases: Vec<Json> = written
        .iter()
        .map(|(kind, bytes)| json!({"kind": kind, "hex": hex::encode(bytes)}))
        .collect();
    let dir = std::env::temp_dir().join(format!("docbridge-interop-owf-{}", std::process::id()));
    let outcomes = run_script("owf-mdoc.mjs", "reencode", &dir, &cases);
    for ((kind, bytes), outcome) in written.iter().zip(&outcomes) {
        assert_eq!(outcome["ok"], true, "{kind}: {}", outcome["error"]);
        assert_eq!(
            outcome["hex"],
            hex::encode(bytes),
            "{kind} re-encoded differently"
        );
    }
    assert_eq!(outcomes[0]["fields"], json!({"version": "1.0"}));
    assert_eq!(
        outcomes[2]["fields"],
        json!({"version": "1.0", "docTypes": [MDL]})
    );
    // The library's OpenID4VP encoding is docbridge's vp_token entry.
    let mut token = VpToken::default();
    token.add("licence", response);
    assert_eq!(
        outcomes[4]["fields"],
        json!({"version": "1.0", "status": 0, "docTypes": [MDL], "oid4vp": token.to_json()["licence"][0]})
    );
}
