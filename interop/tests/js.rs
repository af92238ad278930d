//! Round trips with `@auth0/mdl` (npm), an independent JavaScript mdoc
//! implementation, driven by `interop/js/auth0-mdl.mjs` under Node:
//!
//! - the library issues and presents (every algorithm it signs with that
//!   docbridge supports: ES256, ES384, EdDSA, for the Document Signer and
//!   the device key; its unprotected `kid` as CBOR `undefined`, its default,
//!   and as a byte string); docbridge verifies the DeviceResponse;
//! - docbridge issues and presents; the library's verifier checks it.
//!
//! Needs Node and `npm ci --prefix interop/js`. Without them the tests say
//! so on one line and pass, unless `DOCBRIDGE_REQUIRE_NODE=1` (which
//! `.ci/run` sets): then they fail. Disagreements found are listed in
//! `interop/README.md`.

mod common;

use std::path::PathBuf;

use common::node::{node_ready, run_script};

use docbridge::deps::serde_json::{self, Value as Json, json};
use docbridge::documents::json::elements_to_json;
use docbridge::documents::{DocumentType, samples};
use docbridge::transcript::backend_nonce;
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DeviceRequest, DrivingLicence, Issuer,
    ItemsRequest, ReaderCheck, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo, Verifier,
    VerifyOptions, present,
};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

const MDL: &str = DrivingLicence::DOC_TYPE;
const MDL_NS: &str = DrivingLicence::NAMESPACE;
/// The library checks certificates and MSO validity against the system
/// clock, so everything it verifies is valid for long enough not to
/// depend on it.
const LONG_FROM: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
const LONG_UNTIL: OffsetDateTime = datetime!(2099-01-01 0:00 UTC);
const SIGNED: OffsetDateTime = datetime!(2026-10-30 9:00 UTC);
const VALID_FROM: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const VALID_UNTIL: OffsetDateTime = datetime!(2027-11-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
const WANTED: [&str; 5] = [
    "family_name",
    "given_name_national_character",
    "birth_date",
    "portrait",
    "driving_privileges",
];

/// A scratch directory of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "docbridge-interop-js-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn authority(alg: Algorithm, seed: u64) -> DemoAuthority {
    DemoAuthority::generate(
        "UA",
        "Diia",
        alg,
        &[MDL],
        LONG_FROM,
        LONG_UNTIL,
        &mut rng(seed),
    )
    .unwrap()
}

fn verifier(authority: &DemoAuthority) -> Verifier {
    let trusted = TrustedAuthorities::from_authorities([authority.authority.clone()]).unwrap();
    Verifier::new(trusted, AcceptancePolicy::accept_all())
}

fn transcript_bytes() -> Vec<u8> {
    backend_nonce("interop reader", &[9; 32]).unwrap()
}

fn js_alg(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::Es256 => "ES256",
        Algorithm::Es384 => "ES384",
        Algorithm::EdDsa => "EdDSA",
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// The sample licence in docbridge's claims JSON form, whole or only the
/// `WANTED` elements.
fn claims(only_wanted: bool) -> Json {
    let all = elements_to_json(&samples::driving_licence_ua().to_elements().unwrap());
    if !only_wanted {
        return all;
    }
    let ns = &all[MDL_NS];
    let wanted: serde_json::Map<String, Json> = WANTED
        .iter()
        .map(|e| (e.to_string(), ns[*e].clone()))
        .collect();
    json!({ MDL_NS: wanted })
}

#[test]
fn the_js_library_issues_and_presents_and_docbridge_verifies() {
    if !node_ready("@auth0/mdl", "the JavaScript round trips") {
        return;
    }
    let dir = scratch("issue");
    // Every Document Signer and device algorithm, and the issuerAuth kid
    // left out or given. Left out, the library writes the unprotected kid of
    // issuerAuth (and always that of deviceSignature) as CBOR undefined,
    // which docbridge refused with cose_malformed; a given kid it writes as
    // the bytes of the string.
    let mut cases = Vec::new();
    for (i, ds_alg) in Algorithm::ALL.into_iter().enumerate() {
        for (j, device_alg) in Algorithm::ALL.into_iter().enumerate() {
            for kid in [Json::Null, json!("ds-2026")] {
                let ua = authority(ds_alg, 100 + i as u64);
                let device = SoftwareKey::generate(device_alg, &mut rng(110 + j as u64));
                let response = dir.join(format!("response-{}.cbor", cases.len()));
                let input = json!({
                    "docType": MDL,
                    "claims": claims(false),
                    "alg": js_alg(ds_alg),
                    "dsKeyPem": ua.ds_key.to_pkcs8_pem().unwrap().as_str(),
                    "dsCertificatePem": ua.ds_certificate.to_pem(),
                    "kid": kid,
                    "signed": rfc3339(SIGNED),
                    "validFrom": rfc3339(VALID_FROM),
                    "validUntil": rfc3339(VALID_UNTIL),
                    "devicePublicKeyPem": device.public_key().to_pem().unwrap(),
                    "deviceKeyPem": device.to_pkcs8_pem().unwrap().as_str(),
                    "deviceAlg": js_alg(device_alg),
                    "wanted": WANTED.map(|e| [MDL_NS, e]),
                    "transcriptHex": hex::encode(transcript_bytes()),
                    "out": response,
                });
                let context = format!("DS {ds_alg}, device {device_alg}, kid {kid}");
                cases.push((input, context, ua, device, response));
            }
        }
    }
    let inputs: Vec<Json> = cases.iter().map(|c| c.0.clone()).collect();
    let outcomes = run_script("auth0-mdl.mjs", "issue", &dir, &inputs);
    assert_eq!(outcomes.len(), 18);
    for ((_, context, ua, device, response), outcome) in cases.iter().zip(outcomes) {
        assert_eq!(outcome, json!({"ok": true}), "{context}");
        let bytes = std::fs::read(response).unwrap();
        let outcome = verifier(ua)
            .verify_response(
                &bytes,
                &VerifyOptions::at(NOW).transcript(&transcript_bytes()),
            )
            .unwrap_or_else(|e| panic!("{context}: {} {e}", e.code()));
        assert_eq!(outcome.status, docbridge::ResponseStatus::Ok, "{context}");
        let verified = outcome
            .into_first()
            .unwrap_or_else(|e| panic!("{context}: {} {e}", e.code()));
        assert!(verified.holder_bound(), "{context}");
        assert_eq!(verified.device_key(), &device.public_key(), "{context}");
        assert_eq!(
            verified.validity(),
            &ValidityInfo::new(SIGNED, VALID_FROM, VALID_UNTIL),
            "{context}"
        );
        assert_eq!(
            elements_to_json(verified.elements()),
            claims(true),
            "{context}"
        );
    }
}

/// docbridge issues the sample licence and presents `WANTED`; returns the
/// DeviceResponse bytes.
fn docbridge_presentation(ua: &DemoAuthority, device: &SoftwareKey) -> Vec<u8> {
    let issued = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device.public_key(),
            &ValidityInfo::new(LONG_FROM, LONG_FROM, LONG_UNTIL),
            &mut rng(120),
        )
        .unwrap();
    let items = WANTED
        .iter()
        .fold(ItemsRequest::new(MDL), |r, e| r.element(MDL_NS, e, false));
    let request = DeviceRequest::build(&[items], None, &transcript_bytes()).unwrap();
    present(
        &[issued],
        &request,
        &transcript_bytes(),
        device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
    .response
    .to_vec()
    .unwrap()
}

#[test]
fn docbridge_issues_and_presents_and_the_js_library_verifies() {
    if !node_ready("@auth0/mdl", "the JavaScript round trips") {
        return;
    }
    let dir = scratch("verify");
    let mut cases = Vec::new();
    for (i, ds_alg) in Algorithm::ALL.into_iter().enumerate() {
        let ua = authority(ds_alg, 130 + i as u64);
        for (j, device_alg) in Algorithm::ALL.into_iter().enumerate() {
            let device = SoftwareKey::generate(device_alg, &mut rng(140 + j as u64));
            let response = dir.join(format!("response-{}.cbor", cases.len()));
            std::fs::write(&response, docbridge_presentation(&ua, &device)).unwrap();
            let context = format!("DS {ds_alg}, device {device_alg}");
            // The library's certificate path validation has no Ed25519
            // (interop/README.md): an EdDSA-signed chain is also checked
            // with that validation turned off, to show the rest verifies.
            for skip_chain in [false, true] {
                if skip_chain && ds_alg != Algorithm::EdDsa {
                    continue;
                }
                let input = json!({
                    "iacaPem": ua.iaca_certificate.to_pem(),
                    "response": response,
                    "transcriptHex": hex::encode(transcript_bytes()),
                    "disableCertificateChainValidation": skip_chain,
                });
                let expected = if ds_alg == Algorithm::EdDsa && !skip_chain {
                    json!({"ok": false, "error": "No valid certificate paths found"})
                } else {
                    json!({"ok": true, "claims": claims(true)})
                };
                cases.push((
                    input,
                    expected,
                    format!("{context}, chain skipped {skip_chain}"),
                ));
            }
        }
    }
    let inputs: Vec<Json> = cases.iter().map(|c| c.0.clone()).collect();
    let outcomes = run_script("auth0-mdl.mjs", "verify", &dir, &inputs);
    assert_eq!(outcomes.len(), 12);
    for ((_, expected, context), outcome) in cases.iter().zip(outcomes) {
        assert_eq!(&outcome, expected, "{context}");
    }
}
