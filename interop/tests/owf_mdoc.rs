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

use std::path::{Path, PathBuf};
use std::process::Command;

use docbridge::deps::serde_json::{self, Value as Json, json};
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

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("js")
}

/// Whether Node and the package are there; a one-line notice (or, when
/// `DOCBRIDGE_REQUIRE_NODE=1`, a failure) when not.
fn node_ready() -> bool {
    let required = std::env::var("DOCBRIDGE_REQUIRE_NODE").is_ok_and(|v| v == "1");
    let missing = match Command::new("node").arg("--version").output() {
        Err(_) => Some("node is not installed".to_string()),
        Ok(out) if !out.status.success() => Some("node --version failed".to_string()),
        Ok(_) if !js_dir().join("node_modules/@owf/mdoc").is_dir() => Some(format!(
            "the packages are not installed (npm ci --prefix {})",
            js_dir().display()
        )),
        Ok(_) => None,
    };
    match missing {
        None => true,
        Some(why) if required => panic!("DOCBRIDGE_REQUIRE_NODE=1 but {why}"),
        Some(why) => {
            eprintln!("notice: skipping the @owf/mdoc byte-equality check: {why}");
            false
        }
    }
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `owf-mdoc.mjs reencode` on `cases` in one Node process.
fn reencode(cases: &[Json]) -> Vec<Json> {
    let dir = std::env::temp_dir().join(format!("docbridge-interop-owf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases_path = dir.join("reencode.json");
    std::fs::write(&cases_path, serde_json::to_vec(cases).unwrap()).unwrap();
    let out = Command::new("node")
        .current_dir(js_dir())
        .arg("owf-mdoc.mjs")
        .arg("reencode")
        .arg(&cases_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node reencode: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcomes: Vec<Json> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "node reencode printed no JSON array ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert_eq!(outcomes.len(), cases.len());
    outcomes
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
    if !node_ready() {
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
        .map(|(kind, bytes)| json!({"kind": kind, "hex": hex(bytes)}))
        .collect();
    let outcomes = reencode(&cases);
    for ((kind, bytes), outcome) in written.iter().zip(&outcomes) {
        assert_eq!(outcome["ok"], true, "{kind}: {}", outcome["error"]);
        assert_eq!(outcome["hex"], hex(bytes), "{kind} re-encoded differently");
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
