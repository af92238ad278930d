//! Round trips with `isomdl` (crates.io), an independent Rust mdoc
//! implementation, in both directions:
//!
//! - isomdl issues (its builder and remote-signing API, so every algorithm
//!   docbridge signs with: ES256, ES384, EdDSA) and presents (its device
//!   response with a device signature); docbridge verifies;
//! - docbridge issues and presents; isomdl's reader verifies (issuer and
//!   device authentication, the Annex B certificate profiles). isomdl
//!   verifies ES256 only (P-256 issuer and device keys), so that direction
//!   is ES256.
//!
//! Disagreements found are listed in `interop/README.md`.

use std::collections::BTreeMap;

use docbridge::deps::ciborium::Value;
use docbridge::documents::{DocumentType, samples};
use docbridge::transcript::backend_nonce;
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DeviceRequest, DrivingLicence, Elements, Issuer,
    IssuerSigned, ItemsRequest, PublicKey, ReaderCheck, Signer, SoftwareKey, TrustedAuthorities,
    ValidityInfo, Verifier, VerifyOptions, present,
};
use isomdl::definitions::device_request::ItemsRequest as IsoItemsRequest;
use isomdl::definitions::device_signed::DeviceAuthType;
use isomdl::definitions::helpers::NonEmptyMap;
use isomdl::definitions::x509::X5Chain;
use isomdl::definitions::x509::trust_anchor::{PemTrustAnchor, TrustAnchorRegistry, TrustPurpose};
use isomdl::definitions::{CoseKey, DeviceKeyInfo, DigestAlgorithm};
use isomdl::issuance::Mdoc;
use isomdl::presentation::authentication::AuthenticationStatus;
use isomdl::presentation::device::{DeviceSession, Document as HeldDocument, Documents};
use isomdl::presentation::{reader, reader_utils};
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::macros::datetime;

const MDL: &str = DrivingLicence::DOC_TYPE;
const MDL_NS: &str = DrivingLicence::NAMESPACE;
/// isomdl checks certificate validity against the system clock, so the
/// certificates here are valid for long enough not to depend on it.
const CERT_FROM: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
const CERT_UNTIL: OffsetDateTime = datetime!(2099-01-01 0:00 UTC);
const SIGNED: OffsetDateTime = datetime!(2026-10-30 9:00 UTC);
const VALID_FROM: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const VALID_UNTIL: OffsetDateTime = datetime!(2027-11-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
/// The elements the reader asks for in the presentation round trips.
const WANTED: [&str; 3] = ["family_name", "birth_date", "portrait"];

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn authority(alg: Algorithm, seed: u64) -> DemoAuthority {
    DemoAuthority::generate(
        "UA",
        "Diia",
        alg,
        &[MDL],
        CERT_FROM,
        CERT_UNTIL,
        &mut rng(seed),
    )
    .unwrap()
}

fn verifier(authority: &DemoAuthority) -> Verifier {
    let trusted = TrustedAuthorities::from_authorities([authority.authority.clone()]).unwrap();
    Verifier::new(trusted, AcceptancePolicy::accept_all())
}

fn licence_elements() -> Elements {
    samples::driving_licence_ua().to_elements().unwrap()
}

/// The transcript both sides bind the device signature to: docbridge's
/// backend handover, as SessionTranscriptBytes (tag 24).
fn transcript_bytes() -> Vec<u8> {
    backend_nonce("interop reader", &[7; 32]).unwrap()
}

/// The SessionTranscript inside [`transcript_bytes`], as isomdl embeds it
/// in DeviceAuthentication: any CBOR value serialises as itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
struct Transcript(Value);

impl isomdl::definitions::session::SessionTranscript for Transcript {}

fn transcript() -> Transcript {
    let bytes = transcript_bytes();
    match docbridge::cbor::decode(&bytes).unwrap() {
        Value::Tag(24, inner) => match *inner {
            Value::Bytes(inner) => Transcript(docbridge::cbor::decode(&inner).unwrap()),
            other => panic!("tag 24 around {other:?}"),
        },
        other => panic!("not SessionTranscriptBytes: {other:?}"),
    }
}

/// docbridge's public key as isomdl's COSE_Key.
fn isomdl_key(key: &PublicKey) -> CoseKey {
    CoseKey::try_from(key.to_cose_key_value().unwrap()).unwrap()
}

fn cose_algorithm(alg: Algorithm) -> coset_03::iana::Algorithm {
    match alg {
        Algorithm::Es256 => coset_03::iana::Algorithm::ES256,
        Algorithm::Es384 => coset_03::iana::Algorithm::ES384,
        Algorithm::EdDsa => coset_03::iana::Algorithm::EdDSA,
    }
}

/// isomdl builds the MSO and COSE_Sign1 for the UA sample licence; the
/// Document Signer key signs the payload isomdl hands out (its remote
/// signing API), so every docbridge algorithm can be used.
fn isomdl_issue(ua: &DemoAuthority, device: &PublicKey) -> Mdoc {
    let prepared = Mdoc::builder()
        .doc_type(MDL.to_string())
        .namespaces(licence_elements())
        .validity_info(isomdl::definitions::ValidityInfo {
            signed: SIGNED,
            valid_from: VALID_FROM,
            valid_until: VALID_UNTIL,
            expected_update: None,
        })
        .digest_algorithm(DigestAlgorithm::SHA256)
        .device_key_info(DeviceKeyInfo {
            device_key: isomdl_key(device),
            key_authorizations: None,
            key_info: None,
        })
        .prepare(cose_algorithm(ua.ds_key.algorithm()))
        .unwrap();
    let signature = ua.ds_key.sign(prepared.signature_payload()).unwrap();
    let x5chain = X5Chain::builder()
        .with_der_certificate(ua.ds_certificate.der())
        .unwrap()
        .build()
        .unwrap();
    prepared.complete(x5chain, signature)
}

fn isomdl_issuer_signed_bytes(mdoc: &Mdoc) -> Vec<u8> {
    isomdl::cbor::to_vec(&isomdl::definitions::IssuerSigned {
        namespaces: Some(mdoc.namespaces.clone()),
        issuer_auth: mdoc.issuer_auth.clone(),
    })
    .unwrap()
}

#[test]
fn isomdl_issues_with_every_algorithm_and_docbridge_verifies() {
    let mut checked = 0;
    for (i, ds_alg) in Algorithm::ALL.into_iter().enumerate() {
        let ua = authority(ds_alg, 10 + i as u64);
        for (j, device_alg) in Algorithm::ALL.into_iter().enumerate() {
            let device = SoftwareKey::generate(device_alg, &mut rng(20 + j as u64)).public_key();
            let mdoc = isomdl_issue(&ua, &device);
            let bytes = isomdl_issuer_signed_bytes(&mdoc);
            let context = format!("DS {ds_alg}, device {device_alg}");
            let verified = verifier(&ua)
                .verify(&bytes, &VerifyOptions::at(NOW))
                .unwrap_or_else(|e| panic!("{context}: {} {e}", e.code()));
            assert_eq!(verified.doc_type(), MDL, "{context}");
            assert_eq!(verified.issuing_country(), "UA", "{context}");
            assert_eq!(verified.elements(), &licence_elements(), "{context}");
            assert_eq!(verified.device_key(), &device, "{context}");
            assert_eq!(
                verified.validity(),
                &ValidityInfo::new(SIGNED, VALID_FROM, VALID_UNTIL),
                "{context}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}

#[test]
fn a_tampered_isomdl_document_is_refused() {
    let ua = authority(Algorithm::Es256, 30);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(31)).public_key();
    let bytes = isomdl_issuer_signed_bytes(&isomdl_issue(&ua, &device));
    // The family name inside its signed item, changed after signing.
    let at = bytes
        .windows(b"Shevchenko".len())
        .position(|w| w == b"Shevchenko")
        .unwrap();
    let mut tampered = bytes.clone();
    tampered[at] = b'Z';
    let err = verifier(&ua)
        .verify(&tampered, &VerifyOptions::at(NOW))
        .unwrap_err();
    assert_eq!(err.code(), "digest_mismatch");
}

/// isomdl's holder side: the documents it holds and the transcript.
struct IsomdlHolder {
    documents: Documents,
}

impl DeviceSession for IsomdlHolder {
    type ST = Transcript;

    fn documents(&self) -> &Documents {
        &self.documents
    }

    fn session_transcript(&self) -> Transcript {
        transcript()
    }

    fn device_auth_type(&self) -> DeviceAuthType {
        DeviceAuthType::Sign1
    }
}

fn isomdl_request() -> Vec<IsoItemsRequest> {
    let mut elements = NonEmptyMap::new(WANTED[0].to_string(), false);
    for element in &WANTED[1..] {
        elements.insert(element.to_string(), false);
    }
    vec![IsoItemsRequest {
        doc_type: MDL.to_string(),
        namespaces: NonEmptyMap::new(MDL_NS.to_string(), elements),
        request_info: None,
    }]
}

fn wanted_elements() -> Elements {
    let all = licence_elements();
    let ns = &all[MDL_NS];
    let chosen: BTreeMap<String, Value> = WANTED
        .iter()
        .map(|e| (e.to_string(), ns[*e].clone()))
        .collect();
    BTreeMap::from([(MDL_NS.to_string(), chosen)])
}

#[test]
fn isomdl_presents_and_docbridge_verifies_the_device_response() {
    // isomdl signs device authentication with the key type of the device
    // key: P-256 (ES256) is the one both sides support for holders.
    let ua = authority(Algorithm::Es256, 40);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(41));
    let mdoc = isomdl_issue(&ua, &device.public_key());
    let holder = IsomdlHolder {
        documents: NonEmptyMap::new(MDL.to_string(), HeldDocument::from(mdoc)),
    };
    let permitted = BTreeMap::from([(
        MDL.to_string(),
        BTreeMap::from([(
            MDL_NS.to_string(),
            WANTED.iter().map(|e| e.to_string()).collect(),
        )]),
    )]);
    let mut prepared = holder.prepare_response(&isomdl_request(), permitted);
    let (_, payload) = prepared.get_next_signature_payload().unwrap();
    let signature = device.sign(payload).unwrap();
    prepared.submit_next_signature(signature);
    let response = isomdl::cbor::to_vec(&prepared.finalize_response()).unwrap();

    let outcome = verifier(&ua)
        .verify_response(
            &response,
            &VerifyOptions::at(NOW).transcript(&transcript_bytes()),
        )
        .unwrap();
    assert_eq!(outcome.status, docbridge::ResponseStatus::Ok);
    let verified = outcome.into_first().unwrap();
    assert!(verified.holder_bound());
    assert_eq!(verified.elements(), &wanted_elements());

    // Bound to the transcript: another session's transcript is refused.
    let other = backend_nonce("interop reader", &[8; 32]).unwrap();
    let outcome = verifier(&ua)
        .verify_response(&response, &VerifyOptions::at(NOW).transcript(&other))
        .unwrap();
    assert_eq!(
        outcome.into_first().unwrap_err().code(),
        "device_signature_invalid"
    );
}

/// docbridge issues the UA licence and presents `WANTED` under the shared
/// transcript; returns the DeviceResponse bytes.
fn docbridge_presentation(ua: &DemoAuthority, device: &SoftwareKey) -> Vec<u8> {
    let issued: IssuerSigned = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device.public_key(),
            &ValidityInfo::new(SIGNED, VALID_FROM, VALID_UNTIL),
            &mut rng(50),
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

/// isomdl's reader check of a DeviceResponse: its issuer and device
/// authentication and its Annex B validation of the x5chain against `iaca`.
fn isomdl_verify(
    response: &[u8],
    iaca_pem: String,
) -> isomdl::presentation::authentication::ResponseAuthenticationOutcome {
    let response: isomdl::definitions::DeviceResponse = isomdl::cbor::from_slice(response).unwrap();
    let (document, x5chain, namespaces) = reader::parse(&response).unwrap();
    let anchors = TrustAnchorRegistry::from_pem_certificates(vec![PemTrustAnchor {
        certificate_pem: iaca_pem,
        purpose: TrustPurpose::Iaca,
    }])
    .unwrap();
    reader_utils::validate_response(transcript(), anchors, x5chain, document.clone(), namespaces)
}

#[test]
fn docbridge_issues_and_presents_and_isomdl_verifies() {
    let ua = authority(Algorithm::Es256, 60);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(61));
    let response = docbridge_presentation(&ua, &device);
    let outcome = isomdl_verify(&response, ua.iaca_certificate.to_pem());
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.issuer_authentication, AuthenticationStatus::Valid);
    assert_eq!(outcome.device_authentication, AuthenticationStatus::Valid);
    let released = &outcome.response[MDL_NS];
    assert_eq!(released["family_name"], "Shevchenko");
    assert_eq!(released["birth_date"], "1990-02-03");

    // isomdl refuses the same response against another authority.
    let other = authority(Algorithm::Es256, 62);
    let outcome = isomdl_verify(&response, other.iaca_certificate.to_pem());
    assert_eq!(outcome.issuer_authentication, AuthenticationStatus::Invalid);
}

/// Why created certificates carry issuerAltName and cRLDistributionPoints:
/// isomdl's Annex B validation requires both on the IACA and the Document
/// Signer, and passes the demo authority's chain.
#[test]
fn isomdl_requires_the_annex_b_extensions_docbridge_now_writes() {
    use docbridge::x509::{CertificateProfile, CertificateSpec, create_issued, create_self_signed};
    use isomdl::definitions::x509::validation::ValidationRuleset;

    let validate = |ds_der: &[u8], iaca_pem: String| {
        let x5chain = X5Chain::builder()
            .with_der_certificate(ds_der)
            .unwrap()
            .build()
            .unwrap();
        let anchors = TrustAnchorRegistry::from_pem_certificates(vec![PemTrustAnchor {
            certificate_pem: iaca_pem,
            purpose: TrustPurpose::Iaca,
        }])
        .unwrap();
        let mut errors = ValidationRuleset::Mdl.validate(&x5chain, &anchors).errors;
        errors.sort();
        errors
    };
    let ua = authority(Algorithm::Es256, 70);
    assert_eq!(
        validate(ua.ds_certificate.der(), ua.iaca_certificate.to_pem()),
        Vec::<String>::new()
    );

    // The same profiles without the two extensions.
    let spec = |common_name: &str, serial| CertificateSpec {
        common_name: common_name.into(),
        country: "UA".into(),
        organization: None,
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    };
    let iaca = create_self_signed(
        &spec("Bare IACA", 1),
        CertificateProfile::Iaca,
        &ua.iaca_key,
    )
    .unwrap();
    let ds = create_issued(
        &spec("Bare DS", 2),
        CertificateProfile::DocumentSigner,
        &ua.ds_key.public_key(),
        &iaca,
        &ua.iaca_key,
    )
    .unwrap();
    assert_eq!(
        validate(ds.der(), iaca.to_pem()),
        [
            "DS certificate error: CrlDistributionPoints: required extension not found",
            "DS certificate error: IssuerAlternativeName: required extension not found",
            "IACA certificate error: CrlDistributionPoints: required extension not found",
            "IACA certificate error: IssuerAlternativeName: required extension not found",
        ]
    );
}
