//! Presentation end to end: a reader's DeviceRequest, the holder's
//! selective disclosure and device signature (`holder::present`), the
//! encoded DeviceResponse and `Verifier::verify_response` with the
//! verifier's own session transcript; every device-auth and reader error with
//! its code; and the ISO/IEC 18013-5 Annex D DeviceResponse (deviceMac) and
//! DeviceRequest (readerAuth).
//!
//! Deterministic: seeded ChaCha20 RNGs and fixed times. The Annex D tests need
//! the shared vectors in `../shared/vectors/external` (CI provides them).

#[path = "common/external.rs"]
mod external;

use std::collections::BTreeMap;

use docbridge::VerifyOptions;
use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::deps::coset::{self, CoseMac0Builder, HeaderBuilder, iana};
use docbridge::device_response::ErrorCode::{self, DataNotReturned};
use docbridge::device_response::{DeviceAuth, DeviceSigned, ElementErrors, ResponseStatus};
use docbridge::documents::{DocumentType, samples};
use docbridge::mso::KeyAuthorizations;
use docbridge::session::derive_emac_key;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, Claims, DemoAuthority, DeviceRequest, DeviceResponse,
    Document, DrivingLicence, IssueOptions, Issuer, IssuerSigned, IssuingAuthority, ItemsRequest,
    Presentation, ReaderCheck, ReaderIdentity, ReaderRoot, ReaderStatus, ResidencePermit,
    ResponseVerification, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo,
    VehicleRegistration, VerifiedDocument, Verifier, present, transcript,
};
use hmac::{KeyInit, Mac};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

// ----- fixtures -----

const NOW: OffsetDateTime = datetime!(2026-11-29 15:30:00 UTC);
const CERTS_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const CERTS_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);

const MDL: &str = DrivingLicence::DOC_TYPE;
const MDL_NS: &str = DrivingLicence::NAMESPACE;
const MVRC: &str = VehicleRegistration::DOC_TYPE;
const MVRC_NS: &str = VehicleRegistration::NAMESPACE;
const PERMIT: &str = ResidencePermit::DOC_TYPE;

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// An authority that may issue driving licences and vehicle registrations.
fn authority(country: &str, name: &str, alg: Algorithm, seed: u64) -> DemoAuthority {
    DemoAuthority::generate(
        country,
        name,
        alg,
        &[MDL, MVRC],
        CERTS_FROM,
        CERTS_UNTIL,
        &mut rng(seed),
    )
    .unwrap()
}

fn verifier(authorities: &[&DemoAuthority]) -> Verifier {
    Verifier::new(
        TrustedAuthorities::from_authorities(authorities.iter().map(|a| a.authority.clone()))
            .unwrap(),
        AcceptancePolicy::accept_all(),
    )
}

fn device_key(alg: Algorithm, seed: u64) -> SoftwareKey {
    SoftwareKey::generate(alg, &mut rng(seed))
}

fn validity() -> ValidityInfo {
    ValidityInfo::new(
        datetime!(2026-10-30 9:00 UTC),
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2027-11-01 0:00 UTC),
    )
}

fn issue<D: DocumentType>(
    authority: &DemoAuthority,
    document: &D,
    device: &SoftwareKey,
    options: Option<IssueOptions>,
    seed: u64,
) -> IssuerSigned {
    let mut issuer = Issuer::new(&authority.ds_key, &authority.ds_certificate).unwrap();
    if let Some(options) = options {
        issuer = issuer.with_options(options).unwrap();
    }
    issuer
        .issue_document(document, &device.public_key(), &validity(), &mut rng(seed))
        .unwrap()
}

/// A reader root and one reader certificate under it.
struct Reader {
    root: Certificate,
    key: SoftwareKey,
    cert: Certificate,
}

fn spec(name: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: name.into(),
        country: "PL".into(),
        organization: Some("Policja".into()),
        serial,
        not_before: CERTS_FROM,
        not_after: CERTS_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    }
}

fn reader(name: &str, alg: Algorithm, profile: CertificateProfile, seed: u64) -> Reader {
    let mut rng = rng(seed);
    let root_key = SoftwareKey::generate(alg, &mut rng);
    let root = x509::create_self_signed(
        &spec(&format!("{name} Root"), 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let key = SoftwareKey::generate(alg, &mut rng);
    let cert = x509::create_issued(
        &spec(name, 42),
        profile,
        &key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    Reader { root, key, cert }
}

/// `roots` as the holder's reader roots, all labelled "police".
fn labelled(roots: &[Certificate]) -> Vec<ReaderRoot> {
    roots
        .iter()
        .map(|root| ReaderRoot::new("police", root.clone()))
        .collect()
}

fn police_reader() -> Reader {
    reader(
        "Policja Reader 0042",
        Algorithm::Es256,
        CertificateProfile::ReaderAuthentication,
        900,
    )
}

/// SessionTranscriptBytes of a QR engagement (ISO/IEC 18013-5 proximity).
fn proximity_transcript(seed: u64) -> Vec<u8> {
    let mut rng = rng(seed);
    let e_device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let e_reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let device_engagement = cbor::encode(&Value::Map(vec![
        (Value::from(0), Value::Text("1.0".into())),
        (
            Value::from(1),
            Value::Array(vec![
                Value::from(1),
                cbor::tag24_of(&e_device_key.public_key().to_cose_key_value().unwrap())
                    .unwrap()
                    .0,
            ]),
        ),
    ]))
    .unwrap();
    transcript::proximity_for_key(&device_engagement, &e_reader_key.public_key(), Value::Null)
        .unwrap()
}

fn openid4vp_transcript() -> Vec<u8> {
    transcript::openid4vp(
        "x509_san_dns:verifier.policja.gov.pl",
        "https://verifier.policja.gov.pl/oid4vp/response",
        "n-0S6_WzA2Mj-2026-11-29",
        "mdoc-generated-nonce-42",
    )
    .unwrap()
}

fn backend_transcript(nonce: u8) -> Vec<u8> {
    transcript::backend_nonce("mObywatel backend", &[nonce; 32]).unwrap()
}

/// The three transcript builders, named.
fn transcripts() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("proximity", proximity_transcript(1)),
        ("openid4vp", openid4vp_transcript()),
        ("backend_nonce", backend_transcript(7)),
    ]
}

fn items(doc_type: &str, namespace: &str, elements: &[&str]) -> ItemsRequest {
    elements.iter().fold(ItemsRequest::new(doc_type), |r, e| {
        r.element(namespace, e, false)
    })
}

/// Builds a request (signed by `reader` when given) and sends it as bytes.
fn request(requests: &[ItemsRequest], reader: Option<&Reader>, session: &[u8]) -> DeviceRequest {
    let signer = reader.map(|r| (&r.key as &dyn Signer, std::slice::from_ref(&r.cert)));
    let built = DeviceRequest::build(requests, signer, session).unwrap();
    DeviceRequest::from_slice(&built.to_vec().unwrap()).unwrap()
}

fn response_bytes(documents: Vec<Document>) -> Vec<u8> {
    DeviceResponse {
        version: "1.0".into(),
        documents,
        document_errors: Vec::new(),
        status: ResponseStatus::Ok,
    }
    .to_vec()
    .unwrap()
}

/// The code of an error, panicking on success.
fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(value) => panic!("expected an error, got {value:?}"),
        Err(e) => e.code(),
    }
}

/// Verifies the response `bytes` at `NOW` under `session`.
fn verify_at_now(verifier: &Verifier, bytes: &[u8], session: &[u8]) -> ResponseVerification {
    verifier
        .verify_response(bytes, &VerifyOptions::at(NOW).transcript(session))
        .unwrap()
}

/// Verifies `bytes` and returns the single document's outcome.
fn verify_one(
    verifier: &Verifier,
    bytes: &[u8],
    session: &[u8],
) -> docbridge::Result<VerifiedDocument> {
    let outcome = verify_at_now(verifier, bytes, session);
    assert_eq!(outcome.documents.len(), 1);
    outcome.into_first()
}

/// Verifies `bytes` at `now` under `session`, checking a deviceMac with
/// `reader_key` when one is given, and returns the first document's outcome.
fn verify_first(
    verifier: &Verifier,
    bytes: &[u8],
    session: &[u8],
    now: OffsetDateTime,
    reader_key: Option<&SoftwareKey>,
) -> docbridge::Result<VerifiedDocument> {
    let reader_secret = reader_key.map(p256_secret);
    let mut options = VerifyOptions::at(now).transcript(session);
    if let Some(secret) = &reader_secret {
        options = options.reader_key(secret);
    }
    verifier
        .verify_response(bytes, &options)
        .unwrap()
        .into_first()
}

/// namespace -> element identifiers of a verified document.
fn element_ids(verified: &VerifiedDocument) -> BTreeMap<String, Vec<String>> {
    verified
        .elements()
        .iter()
        .map(|(ns, elements)| (ns.clone(), elements.keys().cloned().collect()))
        .collect()
}

fn ids(namespace: &str, elements: &[&str]) -> BTreeMap<String, Vec<String>> {
    let mut sorted: Vec<String> = elements.iter().map(|e| e.to_string()).collect();
    sorted.sort();
    BTreeMap::from([(namespace.to_string(), sorted)])
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// DeviceAuthenticationBytes built independently of the library:
/// `#6.24(["DeviceAuthentication", SessionTranscript, DocType, #6.24(ns)])`.
fn device_authentication_bytes(session: &[u8], doc_type: &str, name_spaces: &[u8]) -> Vec<u8> {
    let outer = cbor::decode(session).unwrap();
    let inner = cbor::untag24(&outer, "SessionTranscriptBytes").unwrap();
    let session_transcript = cbor::decode(inner).unwrap();
    // The builders write canonical CBOR, so re-encoding is exact.
    assert_eq!(cbor::encode(&session_transcript).unwrap(), inner);
    let array = Value::Array(vec![
        Value::Text("DeviceAuthentication".into()),
        session_transcript,
        Value::Text(doc_type.into()),
        cbor::tag24(name_spaces.to_vec()),
    ]);
    cbor::encode(&cbor::tag24_of(&array).unwrap().0).unwrap()
}

/// A Document disclosing `keep` of `stored` with `device_elements` as
/// DeviceNameSpaces, signed correctly by `device` over `session`.
fn device_signed_document(
    stored: &IssuerSigned,
    keep: &[&str],
    device_elements: &Value,
    session: &[u8],
    device: &SoftwareKey,
) -> Document {
    let mut disclosed = stored.clone();
    disclosed.retain(|ns, e| ns == MDL_NS && keep.contains(&e));
    let name_spaces = cbor::encode(device_elements).unwrap();
    let payload = device_authentication_bytes(session, MDL, &name_spaces);
    let signature = sign1(
        device,
        &payload,
        &Sign1Options {
            detached: true,
            ..Sign1Options::default()
        },
    )
    .unwrap();
    Document::new(
        MDL.into(),
        disclosed,
        DeviceSigned::new(name_spaces, DeviceAuth::Signature(signature)),
        ElementErrors::new(),
    )
}

fn device_name_spaces(namespace: &str, element: &str, value: Value) -> Value {
    cbor::text_map([(namespace, cbor::text_map([(element, value)]))])
}

/// The mutable value under `key` in a CBOR map.
fn at<'a>(map: &'a mut Value, key: &str) -> &'a mut Value {
    let Value::Map(entries) = map else {
        panic!("not a map: {map:?}")
    };
    entries
        .iter_mut()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key:?}"))
}

fn first_of(array: &mut Value) -> &mut Value {
    let Value::Array(items) = array else {
        panic!("not an array: {array:?}")
    };
    &mut items[0]
}

/// The UA sample licence issued by a UA authority to a P-256 device key,
/// with the verifier trusting that authority.
struct Setup {
    ua: DemoAuthority,
    device: SoftwareKey,
    licence: IssuerSigned,
    verifier: Verifier,
}

fn setup() -> Setup {
    let ua = authority("UA", "Diia", Algorithm::EdDsa, 10);
    let device = device_key(Algorithm::Es256, 11);
    let licence = issue(&ua, &samples::driving_licence_ua(), &device, None, 12);
    let verifier = verifier(&[&ua]);
    Setup {
        ua,
        device,
        licence,
        verifier,
    }
}

/// Presents `wanted` of the setup licence under `session`, reader check skipped.
fn present_licence(setup: &Setup, wanted: &[&str], session: &[u8]) -> Presentation {
    let request = request(&[items(MDL, MDL_NS, wanted)], None, session);
    present_unchecked(setup, &request, session)
}

/// The setup holder's answer to `request` under `session`, reader check
/// skipped.
fn present_unchecked(setup: &Setup, request: &DeviceRequest, session: &[u8]) -> Presentation {
    present(
        std::slice::from_ref(&setup.licence),
        request,
        session,
        &setup.device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
}

// ----- 1. round trips -----

#[test]
fn round_trip_every_device_and_ds_algorithm_transcript_and_reader_check() {
    let licence = samples::driving_licence_ua();
    let full = licence.to_elements().unwrap();
    let wanted = [
        "family_name",
        "given_name_national_character",
        "birth_date",
        "portrait",
        "driving_privileges",
        "age_over_18",
    ];
    let expected_claims = Claims::DrivingLicence(Box::new(DrivingLicence {
        family_name: licence.family_name.clone(),
        given_name_national_character: licence.given_name_national_character.clone(),
        birth_date: licence.birth_date,
        portrait: licence.portrait.clone(),
        driving_privileges: licence.driving_privileges.clone(),
        age_over_18: licence.age_over_18,
        ..DrivingLicence::default()
    }));
    let expected_elements: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::from([(
        MDL_NS.to_string(),
        wanted
            .iter()
            .map(|e| (e.to_string(), full[MDL_NS][*e].clone()))
            .collect(),
    )]);

    let mut seed = 100;
    let mut checked = 0;
    for ds_alg in Algorithm::ALL {
        seed += 10;
        let ua = authority("UA", "Diia", ds_alg, seed);
        let verifier = verifier(&[&ua]);
        // The reader signs with the DS algorithm, so reader auth sees all three too.
        let reader = reader(
            "Policja Reader 0042",
            ds_alg,
            CertificateProfile::ReaderAuthentication,
            seed + 1,
        );
        let labelled_roots = labelled(std::slice::from_ref(&reader.root));
        let police_identity = ReaderStatus::Authenticated(Box::new(ReaderIdentity {
            certificate: reader.cert.clone(),
            chain: vec![reader.cert.clone()],
            root: reader.root.clone(),
            root_label: "police".into(),
            crl: docbridge::x509::crl::CrlOutcome::Disabled,
        }));
        for device_alg in Algorithm::ALL {
            seed += 10;
            let device = device_key(device_alg, seed);
            let stored = issue(&ua, &licence, &device, None, seed + 1);
            assert_eq!(stored.issuer_auth().algorithm(), ds_alg);
            for (name, session) in transcripts() {
                for (check, expected_reader) in [
                    (ReaderCheck::Skip, ReaderStatus::NotChecked),
                    (ReaderCheck::Flag(&labelled_roots), police_identity.clone()),
                    (
                        ReaderCheck::Require(&labelled_roots),
                        police_identity.clone(),
                    ),
                ] {
                    let context =
                        format!("DS {ds_alg:?}, device {device_alg:?}, {name}, {check:?}");
                    let request = request(&[items(MDL, MDL_NS, &wanted)], Some(&reader), &session);
                    let presentation = present(
                        std::slice::from_ref(&stored),
                        &request,
                        &session,
                        &device,
                        check,
                        NOW,
                    )
                    .unwrap_or_else(|e| panic!("{context}: {e}"));
                    assert_eq!(presentation.readers, [expected_reader], "{context}");
                    let document = &presentation.response.documents[0];
                    match document.device_signed().device_auth() {
                        DeviceAuth::Signature(s) => assert_eq!(s.algorithm(), device_alg),
                        DeviceAuth::Mac(_) => panic!("{context}: deviceMac from present"),
                    }
                    assert_eq!(document.device_signed().name_spaces_bytes(), [0xa0]);

                    let bytes = presentation.response.to_vec().unwrap();
                    let outcome = verify_at_now(&verifier, &bytes, &session);
                    assert_eq!(outcome.status, ResponseStatus::Ok, "{context}");
                    assert!(outcome.document_errors.is_empty(), "{context}");
                    let verified = outcome
                        .into_first()
                        .unwrap_or_else(|e| panic!("{context}: {} {e}", e.code()));
                    assert!(verified.holder_bound(), "{context}");
                    assert_eq!(verified.doc_type(), MDL);
                    assert_eq!(verified.issuing_country(), "UA");
                    assert_eq!(verified.authority_id(), "UA:diia");
                    assert_eq!(verified.device_key(), &device.public_key());
                    assert_eq!(verified.elements(), &expected_elements, "{context}");
                    assert_eq!(verified.claims(), &expected_claims, "{context}");
                    assert!(verified.element_errors().is_empty(), "{context}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 3 * 3 * 3 * 3);
}

#[test]
fn two_documents_in_one_response_verify_in_request_order() {
    let ua = authority("UA", "Diia", Algorithm::Es384, 20);
    let device = device_key(Algorithm::EdDsa, 21);
    let licence = issue(&ua, &samples::driving_licence_ua(), &device, None, 22);
    let vrc = issue(&ua, &samples::vehicle_registration_ua(), &device, None, 23);
    let session = backend_transcript(3);
    let request = request(
        &[
            items(
                MVRC,
                MVRC_NS,
                &["registration_number", "vehicle_identification_number"],
            ),
            items(MDL, MDL_NS, &["family_name"]),
        ],
        None,
        &session,
    );
    let presentation = present(
        &[licence, vrc],
        &request,
        &session,
        &device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap();
    assert_eq!(
        presentation.readers,
        [ReaderStatus::NotChecked, ReaderStatus::NotChecked]
    );
    let bytes = presentation.response.to_vec().unwrap();
    let outcome = verify_at_now(&verifier(&[&ua]), &bytes, &session);
    assert_eq!(outcome.documents.len(), 2);
    let verified: Vec<VerifiedDocument> =
        outcome.documents.into_iter().map(|d| d.unwrap()).collect();
    assert_eq!(verified[0].doc_type(), MVRC);
    assert_eq!(
        element_ids(&verified[0]),
        ids(
            MVRC_NS,
            &["registration_number", "vehicle_identification_number"]
        )
    );
    assert_eq!(
        verified[0].element(MVRC_NS, "vehicle_identification_number"),
        Some(&Value::Text("WVWZZZ1KZ9W123456".into()))
    );
    assert_eq!(verified[1].doc_type(), MDL);
    assert_eq!(element_ids(&verified[1]), ids(MDL_NS, &["family_name"]));
    assert!(verified.iter().all(VerifiedDocument::holder_bound));
}

#[test]
fn hand_built_device_authentication_bytes_match_the_holders_signature() {
    // Cross-checks the helper the key-authorization tests rely on.
    let setup = setup();
    for (_, session) in transcripts() {
        let presentation = present_licence(&setup, &["family_name"], &session);
        let DeviceAuth::Signature(signature) = presentation.response.documents[0]
            .device_signed()
            .device_auth()
        else {
            panic!("expected deviceSignature");
        };
        assert_eq!(signature.payload(), None, "the payload must be detached");
        signature
            .verify_detached(
                &setup.device.public_key(),
                &device_authentication_bytes(&session, MDL, &[0xa0]),
                b"",
            )
            .unwrap();
    }
}

// ----- 2. selective disclosure, on the encoded bytes -----

#[test]
fn selective_disclosure_leaks_nothing_unrequested_in_the_response_bytes() {
    let setup = setup();
    let vrc = issue(
        &setup.ua,
        &samples::vehicle_registration_ua(),
        &setup.device,
        None,
        13,
    );
    let wallet = [setup.licence.clone(), vrc.clone()];
    let session = proximity_transcript(2);
    let request = request(
        &[items(MDL, MDL_NS, &["family_name", "portrait"])],
        None,
        &session,
    );
    let presentation = present(
        &wallet,
        &request,
        &session,
        &setup.device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap();
    let bytes = presentation.response.to_vec().unwrap();

    // What was asked is there, as the holder's stored bytes.
    let text = |s: &str| cbor::encode(&Value::Text(s.into())).unwrap();
    assert!(contains(&bytes, &text("Shevchenko")));
    assert!(contains(&bytes, &text("family_name")));
    assert!(contains(&bytes, &text("portrait")));
    assert!(contains(
        &bytes,
        &cbor::encode(&Value::Bytes(samples::SAMPLE_PORTRAIT.to_vec())).unwrap()
    ));

    // No unrequested value, in any encoding that could carry it: the raw
    // UTF-8 is searched, which covers the CBOR text and full-date forms.
    for value in [
        "AAB123456",
        "Warszawa",
        "1990-02-03",
        "2024-05-06",
        "2034-05-05",
        "Головний сервісний центр МВС",
        "Шевченко",
        "Олена",
        "Olena",
        "Złota",
        // The vehicle registration stored in the same wallet.
        "WVWZZZ1KZ9W123456",
        "AA1234BB",
        "CXX123456",
        "Volkswagen",
        "Хрещатик",
    ] {
        assert!(
            !contains(&bytes, value.as_bytes()),
            "the response leaks {value:?}"
        );
    }
    // Nor the identifiers of unrequested elements.
    for identifier in [
        "document_number",
        "resident_city",
        "resident_address",
        "birth_date",
        "issuing_authority",
        "issue_date",
        "expiry_date",
        "family_name_national_character",
        "given_name",
        "driving_privileges",
        "age_over_18",
        "vehicle_identification_number",
        "registration_number",
        MVRC,
        MVRC_NS,
    ] {
        assert!(
            !contains(&bytes, identifier.as_bytes()),
            "the response names {identifier:?}"
        );
    }
    // Nor the salt or item bytes of any undisclosed element (which would let
    // a verifier confirm a guessed value against the MSO digests).
    for document in &wallet {
        for (ns, stored_items) in document.name_spaces() {
            for item in stored_items {
                let requested = document.mso_unverified().unwrap().doc_type == MDL
                    && ns == MDL_NS
                    && ["family_name", "portrait"]
                        .contains(&item.item().element_identifier.as_str());
                assert_eq!(
                    contains(&bytes, &item.item().random),
                    requested,
                    "salt of {ns}/{}",
                    item.item().element_identifier
                );
                assert_eq!(
                    contains(&bytes, item.inner_bytes()),
                    requested,
                    "item bytes of {ns}/{}",
                    item.item().element_identifier
                );
            }
        }
    }
    // Nor the other document's issuerAuth.
    assert!(!contains(&bytes, &vrc.issuer_auth().cose().signature));

    let verified = verify_one(&setup.verifier, &bytes, &session).unwrap();
    assert_eq!(
        element_ids(&verified),
        ids(MDL_NS, &["family_name", "portrait"])
    );
}

#[test]
fn latin_names_only_when_only_latin_is_requested() {
    let setup = setup();
    let session = openid4vp_transcript();
    let presentation = present_licence(&setup, &["family_name", "given_name"], &session);
    let bytes = presentation.response.to_vec().unwrap();
    for national in ["Шевченко", "Олена", "_national_character"] {
        assert!(!contains(&bytes, national.as_bytes()), "leaks {national}");
    }
    let verified = verify_one(&setup.verifier, &bytes, &session).unwrap();
    let Claims::DrivingLicence(licence) = verified.claims() else {
        panic!("expected a driving licence");
    };
    assert_eq!(
        **licence,
        DrivingLicence {
            family_name: Some("Shevchenko".into()),
            given_name: Some("Olena".into()),
            ..DrivingLicence::default()
        }
    );
}

// ----- 3. what the holder cannot return -----

#[test]
fn a_missing_element_is_reported_not_invented() {
    let setup = setup();
    let session = backend_transcript(9);
    let request = request(
        &[
            items(MDL, MDL_NS, &["family_name", "height", "eye_colour"]).element(
                "org.iso.18013.5.1.UA",
                "tax_number",
                true,
            ),
        ],
        None,
        &session,
    );
    let presentation = present_unchecked(&setup, &request, &session);
    let expected: ElementErrors = BTreeMap::from([
        (
            MDL_NS.to_string(),
            BTreeMap::from([
                ("eye_colour".to_string(), DataNotReturned),
                ("height".to_string(), DataNotReturned),
            ]),
        ),
        (
            "org.iso.18013.5.1.UA".to_string(),
            BTreeMap::from([("tax_number".to_string(), DataNotReturned)]),
        ),
    ]);
    assert_eq!(presentation.response.documents[0].errors(), &expected);

    let bytes = presentation.response.to_vec().unwrap();
    let decoded = DeviceResponse::from_slice(&bytes).unwrap();
    assert_eq!(decoded.documents[0].errors(), &expected);
    let verified = verify_one(&setup.verifier, &bytes, &session).unwrap();
    assert!(verified.holder_bound());
    assert_eq!(verified.element_errors(), &expected);
    assert_eq!(element_ids(&verified), ids(MDL_NS, &["family_name"]));
    assert_eq!(verified.element(MDL_NS, "height"), None);
}

#[test]
fn a_doc_type_the_wallet_lacks_is_reported_only_to_authenticated_readers() {
    let setup = setup();
    let police = police_reader();
    let session = backend_transcript(10);
    let asked = [
        items(PERMIT, ResidencePermit::NAMESPACE, &["family_name"]),
        items(MDL, MDL_NS, &["family_name"]),
    ];
    // An unauthenticated reader learns nothing about what the wallet lacks.
    let unsigned = present_unchecked(&setup, &request(&asked, None, &session), &session);
    assert!(unsigned.response.document_errors.is_empty());
    assert_eq!(unsigned.response.documents.len(), 1);
    // The police reader, authenticated, is told.
    let presentation = present(
        std::slice::from_ref(&setup.licence),
        &request(&asked, Some(&police), &session),
        &session,
        &setup.device,
        ReaderCheck::Require(&labelled(std::slice::from_ref(&police.root))),
        NOW,
    )
    .unwrap();
    assert_eq!(
        presentation.response.document_errors,
        [(PERMIT.to_string(), ErrorCode::DataNotReturned)]
    );
    assert_eq!(presentation.response.documents.len(), 1);
    let bytes = presentation.response.to_vec().unwrap();
    let outcome = verify_at_now(&setup.verifier, &bytes, &session);
    assert_eq!(outcome.status, ResponseStatus::Ok);
    assert_eq!(
        outcome.document_errors,
        [(PERMIT.to_string(), ErrorCode::DataNotReturned)]
    );
    assert_eq!(outcome.documents.len(), 1);
    assert_eq!(outcome.into_first().unwrap().doc_type(), MDL);
}

#[test]
fn an_empty_response_is_document_not_returned() {
    let setup = setup();
    let session = backend_transcript(11);
    let request = request(
        &[items(PERMIT, ResidencePermit::NAMESPACE, &["family_name"])],
        None,
        &session,
    );
    let presentation = present_unchecked(&setup, &request, &session);
    assert!(presentation.response.documents.is_empty());
    let bytes = presentation.response.to_vec().unwrap();
    let keys: Vec<String> = match cbor::decode(&bytes).unwrap() {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, _)| k.as_text().unwrap().to_string())
            .collect(),
        other => panic!("not a map: {other:?}"),
    };
    // An unauthenticated reader is not told which document is missing.
    assert_eq!(keys, ["version", "status"]);
    assert!(!contains(&bytes, b"Shevchenko"));
    let outcome = verify_at_now(&setup.verifier, &bytes, &session);
    assert!(outcome.documents.is_empty());
    assert!(outcome.document_errors.is_empty());
    assert_eq!(code(outcome.into_first()), "document_not_returned");

    // No documents and no document errors at all.
    let bare = response_bytes(Vec::new());
    assert_eq!(
        code(verify_first(&setup.verifier, &bare, &session, NOW, None)),
        "document_not_returned"
    );
}

// ----- 4. device authentication errors -----

#[test]
fn replay_under_another_transcript_is_device_signature_invalid() {
    let setup = setup();
    let sessions = transcripts();
    for (name, session) in &sessions {
        let bytes = present_licence(&setup, &["family_name"], session)
            .response
            .to_vec()
            .unwrap();
        assert!(verify_one(&setup.verifier, &bytes, session).is_ok());
        for (other_name, other) in &sessions {
            if other_name == name {
                continue;
            }
            assert_eq!(
                code(verify_one(&setup.verifier, &bytes, other)),
                "device_signature_invalid",
                "{name} replayed as {other_name}"
            );
        }
        // Same builder, another nonce.
        assert_eq!(
            code(verify_one(&setup.verifier, &bytes, &backend_transcript(8))),
            "device_signature_invalid"
        );
    }
}

#[test]
fn tampered_or_foreign_device_signature_is_device_signature_invalid() {
    let setup = setup();
    let session = backend_transcript(12);
    let presentation = present_licence(&setup, &["family_name"], &session);
    let document = &presentation.response.documents[0];
    let DeviceAuth::Signature(signature) = document.device_signed().device_auth() else {
        panic!("expected deviceSignature");
    };
    let with_signature = |signature: docbridge::Sign1| {
        response_bytes(vec![Document::new(
            document.doc_type().into(),
            document.issuer_signed().clone(),
            DeviceSigned::new(
                document.device_signed().name_spaces_bytes().to_vec(),
                DeviceAuth::Signature(signature),
            ),
            document.errors().clone(),
        )])
    };
    // Untouched, the rebuilt response verifies.
    assert!(
        verify_one(
            &setup.verifier,
            &with_signature(signature.clone()),
            &session
        )
        .is_ok()
    );

    for index in [0, 31, 63] {
        let tampered = {
            use docbridge::deps::coset::AsCborValue as _;
            let mut cose = signature.clone().into_cose();
            cose.signature[index] ^= 0x01;
            docbridge::Sign1::from_value(cose.to_cbor_value().unwrap()).unwrap()
        };
        assert_eq!(
            code(verify_one(
                &setup.verifier,
                &with_signature(tampered),
                &session
            )),
            "device_signature_invalid",
            "byte {index}"
        );
    }
    // The same flip found in the encoded bytes.
    let mut bytes = presentation.response.to_vec().unwrap();
    let at = bytes
        .windows(signature.cose().signature.len())
        .position(|w| w == signature.cose().signature.as_slice())
        .unwrap();
    bytes[at + 10] ^= 0x80;
    assert_eq!(
        code(verify_one(&setup.verifier, &bytes, &session)),
        "device_signature_invalid"
    );

    // A valid signature by another key, of the same and of another algorithm.
    let payload = device_authentication_bytes(&session, MDL, &[0xa0]);
    for alg in Algorithm::ALL {
        let foreign = sign1(
            &device_key(alg, 500),
            &payload,
            &Sign1Options {
                detached: true,
                ..Sign1Options::default()
            },
        )
        .unwrap();
        assert_eq!(
            code(verify_one(
                &setup.verifier,
                &with_signature(foreign),
                &session
            )),
            "device_signature_invalid",
            "{alg:?}"
        );
    }
}

#[test]
fn device_signed_elements_need_key_authorizations() {
    let ua = authority("UA", "Diia", Algorithm::Es256, 30);
    let device = device_key(Algorithm::Es384, 31);
    let licence = samples::driving_licence_ua();
    let verifier = verifier(&[&ua]);
    let session = proximity_transcript(32);
    let age = device_name_spaces(MDL_NS, "age_over_18", Value::Bool(true));

    // Issued without keyAuthorizations: the device may sign nothing.
    let plain = issue(&ua, &licence, &device, None, 33);
    assert_eq!(
        plain
            .mso_unverified()
            .unwrap()
            .device_key_info
            .key_authorizations,
        None
    );
    let bytes = response_bytes(vec![device_signed_document(
        &plain,
        &["family_name"],
        &age,
        &session,
        &device,
    )]);
    assert_eq!(
        code(verify_one(&verifier, &bytes, &session)),
        "device_key_unauthorized"
    );
    // The same document with no device-signed element verifies.
    let bytes = response_bytes(vec![device_signed_document(
        &plain,
        &["family_name"],
        &Value::Map(Vec::new()),
        &session,
        &device,
    )]);
    assert!(
        verify_one(&verifier, &bytes, &session)
            .unwrap()
            .holder_bound()
    );

    // Issued allowing that one element.
    let authorized = issue(
        &ua,
        &licence,
        &device,
        Some(IssueOptions {
            key_authorizations: Some(KeyAuthorizations {
                name_spaces: vec!["org.iso.18013.5.1.UA".into()],
                data_elements: BTreeMap::from([(
                    MDL_NS.to_string(),
                    vec!["age_over_18".to_string()],
                )]),
            }),
            ..IssueOptions::default()
        }),
        34,
    );
    let document = device_signed_document(&authorized, &["family_name"], &age, &session, &device);
    assert_eq!(
        document.device_signed().name_spaces().unwrap(),
        BTreeMap::from([(
            MDL_NS.to_string(),
            BTreeMap::from([("age_over_18".to_string(), Value::Bool(true))])
        )])
    );
    let verified = verify_one(&verifier, &response_bytes(vec![document]), &session).unwrap();
    assert!(verified.holder_bound());
    // Only issuer-signed elements count as verified elements.
    assert_eq!(element_ids(&verified), ids(MDL_NS, &["family_name"]));

    // A whole authorized namespace.
    let whole = device_name_spaces("org.iso.18013.5.1.UA", "anything", Value::from(1));
    let bytes = response_bytes(vec![device_signed_document(
        &authorized,
        &["family_name"],
        &whole,
        &session,
        &device,
    )]);
    assert!(
        verify_one(&verifier, &bytes, &session)
            .unwrap()
            .holder_bound()
    );

    // An element outside the authorization.
    let name = device_name_spaces(MDL_NS, "family_name", Value::Text("Forged".into()));
    let bytes = response_bytes(vec![device_signed_document(
        &authorized,
        &[],
        &name,
        &session,
        &device,
    )]);
    assert_eq!(
        code(verify_one(&verifier, &bytes, &session)),
        "device_key_unauthorized"
    );

    // Authorized device namespaces swapped in after signing empty ones.
    let signed_empty = device_signed_document(
        &authorized,
        &["family_name"],
        &Value::Map(Vec::new()),
        &session,
        &device,
    );
    let swapped = Document::new(
        MDL.into(),
        signed_empty.issuer_signed().clone(),
        DeviceSigned::new(
            cbor::encode(&age).unwrap(),
            signed_empty.device_signed().device_auth().clone(),
        ),
        ElementErrors::new(),
    );
    assert_eq!(
        code(verify_one(
            &verifier,
            &response_bytes(vec![swapped]),
            &session
        )),
        "device_signature_invalid"
    );
}

#[test]
fn empty_device_auth_is_device_auth_missing() {
    let setup = setup();
    let session = backend_transcript(13);
    let bytes = present_licence(&setup, &["family_name"], &session)
        .response
        .to_vec()
        .unwrap();
    let mut value = cbor::decode(&bytes).unwrap();
    let document = first_of(at(&mut value, "documents"));
    *at(at(document, "deviceSigned"), "deviceAuth") = Value::Map(Vec::new());
    let tampered = cbor::encode(&value).unwrap();
    assert_eq!(
        code(DeviceResponse::from_slice(&tampered)),
        "device_auth_missing"
    );
    assert_eq!(
        code(
            setup
                .verifier
                .verify_response(&tampered, &VerifyOptions::at(NOW).transcript(&session))
        ),
        "device_auth_missing"
    );
}

#[test]
fn presenting_with_another_key_is_invalid_key() {
    let setup = setup();
    let session = backend_transcript(14);
    let request = request(&[items(MDL, MDL_NS, &["family_name"])], None, &session);
    for alg in Algorithm::ALL {
        assert_eq!(
            code(present(
                std::slice::from_ref(&setup.licence),
                &request,
                &session,
                &device_key(alg, 600),
                ReaderCheck::Skip,
                NOW,
            )),
            "invalid_key",
            "{alg:?}"
        );
    }
}

// ----- 4. reader authentication errors -----

/// The setup holder answers `request` under `session`, checking the reader
/// against `roots`: requiring reader authentication must fail with
/// `expected`, and flagging it must answer with the reader reported
/// unauthenticated for `expected`. Returns the flagged presentation.
fn require_refuses_and_flag_reports(
    setup: &Setup,
    request: &DeviceRequest,
    session: &[u8],
    roots: &[Certificate],
    expected: &'static str,
) -> Presentation {
    let wallet = std::slice::from_ref(&setup.licence);
    assert_eq!(
        code(present(
            wallet,
            request,
            session,
            &setup.device,
            ReaderCheck::Require(&labelled(roots)),
            NOW
        )),
        expected
    );
    let flagged = present(
        wallet,
        request,
        session,
        &setup.device,
        ReaderCheck::Flag(&labelled(roots)),
        NOW,
    )
    .unwrap();
    assert_eq!(flagged.readers, [ReaderStatus::Unauthenticated(expected)]);
    flagged
}

#[test]
fn require_refuses_an_unsigned_request_and_flag_reports_it() {
    let setup = setup();
    let reader = police_reader();
    let roots = std::slice::from_ref(&reader.root);
    let session = proximity_transcript(40);
    let request = request(&[items(MDL, MDL_NS, &["family_name"])], None, &session);
    assert!(request.doc_requests()[0].reader_auth().is_none());
    let flagged =
        require_refuses_and_flag_reports(&setup, &request, &session, roots, "reader_auth_missing");
    assert_eq!(flagged.response.documents.len(), 1);
}

#[test]
fn a_reader_under_another_root_is_untrusted() {
    let setup = setup();
    let police = police_reader();
    let stranger = reader(
        "Unknown Reader",
        Algorithm::Es256,
        CertificateProfile::ReaderAuthentication,
        901,
    );
    let trusted_roots = std::slice::from_ref(&police.root);
    let session = proximity_transcript(41);
    let request = request(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some(&stranger),
        &session,
    );
    assert_eq!(
        code(request.doc_requests()[0].verify_reader(trusted_roots, &session, NOW)),
        "untrusted_reader"
    );
    // Against its own root it is fine.
    assert_eq!(
        request.doc_requests()[0]
            .verify_reader(std::slice::from_ref(&stranger.root), &session, NOW)
            .unwrap(),
        stranger.cert
    );
    let flagged = require_refuses_and_flag_reports(
        &setup,
        &request,
        &session,
        trusted_roots,
        "untrusted_reader",
    );
    // Flagged, the holder still answers, and the answer verifies.
    let bytes = flagged.response.to_vec().unwrap();
    assert!(
        verify_one(&setup.verifier, &bytes, &session)
            .unwrap()
            .holder_bound()
    );
    // No roots at all.
    assert_eq!(
        code(present(
            std::slice::from_ref(&setup.licence),
            &request,
            &session,
            &setup.device,
            ReaderCheck::Require(&[]),
            NOW
        )),
        "untrusted_reader"
    );
}

#[test]
fn tampered_items_request_with_the_original_reader_auth_is_signature_invalid() {
    let setup = setup();
    let reader = police_reader();
    let roots = std::slice::from_ref(&reader.root);
    let session = proximity_transcript(42);
    let modest = DeviceRequest::build(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some((&reader.key, std::slice::from_ref(&reader.cert))),
        &session,
    )
    .unwrap();
    let greedy = DeviceRequest::build(
        &[items(
            MDL,
            MDL_NS,
            &["family_name", "document_number", "birth_date"],
        )],
        None,
        &session,
    )
    .unwrap();
    let mut value = cbor::decode(&modest.to_vec().unwrap()).unwrap();
    let mut greedy_value = cbor::decode(&greedy.to_vec().unwrap()).unwrap();
    let greedy_items = at(
        first_of(at(&mut greedy_value, "docRequests")),
        "itemsRequest",
    )
    .clone();
    *at(first_of(at(&mut value, "docRequests")), "itemsRequest") = greedy_items;
    let tampered = DeviceRequest::from_slice(&cbor::encode(&value).unwrap()).unwrap();
    let doc_request = &tampered.doc_requests()[0];
    assert!(
        doc_request
            .items_request()
            .requests(MDL_NS, "document_number")
    );
    assert!(doc_request.reader_auth().is_some());
    assert_eq!(
        code(doc_request.verify_reader(roots, &session, NOW)),
        "signature_invalid"
    );
    require_refuses_and_flag_reports(&setup, &tampered, &session, roots, "signature_invalid");

    // The untouched request verifies; under another transcript it does not.
    let original = DeviceRequest::from_slice(&modest.to_vec().unwrap()).unwrap();
    assert_eq!(
        original.doc_requests()[0]
            .verify_reader(roots, &session, NOW)
            .unwrap(),
        reader.cert
    );
    assert_eq!(
        code(original.doc_requests()[0].verify_reader(roots, &backend_transcript(1), NOW)),
        "signature_invalid"
    );
}

#[test]
fn a_reader_certificate_without_the_reader_eku_is_certificate_profile() {
    let setup = setup();
    let not_a_reader = reader(
        "Policja Document Signer",
        Algorithm::Es256,
        CertificateProfile::DocumentSigner,
        902,
    );
    let roots = std::slice::from_ref(&not_a_reader.root);
    let session = proximity_transcript(43);
    let request = request(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some(&not_a_reader),
        &session,
    );
    assert_eq!(
        code(request.doc_requests()[0].verify_reader(roots, &session, NOW)),
        "certificate_profile"
    );
    require_refuses_and_flag_reports(&setup, &request, &session, roots, "certificate_profile");
}

#[test]
fn an_expired_reader_certificate_is_refused() {
    let setup = setup();
    let reader = police_reader();
    let session = proximity_transcript(44);
    let request = request(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some(&reader),
        &session,
    );
    assert_eq!(
        code(request.doc_requests()[0].verify_reader(
            std::slice::from_ref(&reader.root),
            &session,
            datetime!(2031-01-02 0:00 UTC)
        )),
        "certificate_expired"
    );
    assert_eq!(
        code(present(
            std::slice::from_ref(&setup.licence),
            &request,
            &session,
            &setup.device,
            ReaderCheck::Require(&labelled(std::slice::from_ref(&reader.root))),
            datetime!(2025-12-31 0:00 UTC)
        )),
        "certificate_not_yet_valid"
    );
}

// ----- 4. issuer data authentication inside a response -----

#[test]
fn an_issuer_signed_item_swapped_between_documents_is_digest_mismatch() {
    let setup = setup();
    // A second licence with the same elements, hence the same digestIDs
    // 0..n in use, but other salts and another digestID permutation.
    let second = issue(
        &setup.ua,
        &samples::driving_licence_ua(),
        &setup.device,
        None,
        14,
    );
    let session = backend_transcript(15);
    let request = request(&[items(MDL, MDL_NS, &["family_name"])], None, &session);
    let wallet_a = std::slice::from_ref(&setup.licence);
    let wallet_b = std::slice::from_ref(&second);
    let doc_a = present(
        wallet_a,
        &request,
        &session,
        &setup.device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
    .response
    .documents
    .remove(0);
    let doc_b = present(
        wallet_b,
        &request,
        &session,
        &setup.device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
    .response
    .documents
    .remove(0);
    let item_a = doc_a.issuer_signed().name_spaces()[0].1[0].clone();
    let item_b = doc_b.issuer_signed().name_spaces()[0].1[0].clone();
    assert_eq!(item_a.item().element_value, item_b.item().element_value);
    assert_ne!(item_a.inner_bytes(), item_b.inner_bytes());

    let swap = |doc: &Document, item: docbridge::IssuerSignedItemBytes| {
        Document::new(
            doc.doc_type().into(),
            IssuerSigned::new(
                vec![(MDL_NS.to_string(), vec![item])],
                doc.issuer_signed().issuer_auth().clone(),
            ),
            doc.device_signed().clone(),
            doc.errors().clone(),
        )
    };
    let bytes = response_bytes(vec![swap(&doc_a, item_b), swap(&doc_b, item_a)]);
    let outcome = verify_at_now(&setup.verifier, &bytes, &session);
    let codes: Vec<&str> = outcome.documents.into_iter().map(|d| code(d)).collect();
    assert_eq!(codes, ["digest_mismatch", "digest_mismatch"]);

    // Unswapped, both verify.
    let bytes = response_bytes(vec![doc_a, doc_b]);
    let outcome = verify_at_now(&setup.verifier, &bytes, &session);
    assert!(outcome.documents.iter().all(|d| d.is_ok()));
}

#[test]
fn a_document_whose_doc_type_differs_from_its_mso_is_doc_type_mismatch() {
    let setup = setup();
    let session = backend_transcript(16);
    let mut disclosed = setup.licence.clone();
    disclosed.retain(|_, e| e == "family_name");
    // Device-authenticated correctly for the doc type it claims, so only the
    // MSO comparison can fail.
    let payload = device_authentication_bytes(&session, MVRC, &[0xa0]);
    let signature = sign1(
        &setup.device,
        &payload,
        &Sign1Options {
            detached: true,
            ..Sign1Options::default()
        },
    )
    .unwrap();
    let document = Document::new(
        MVRC.into(),
        disclosed,
        DeviceSigned::new(vec![0xa0], DeviceAuth::Signature(signature)),
        ElementErrors::new(),
    );
    assert_eq!(
        code(verify_one(
            &setup.verifier,
            &response_bytes(vec![document]),
            &session
        )),
        "doc_type_mismatch"
    );
}

#[test]
fn issuer_auth_still_applies_inside_a_response() {
    let setup = setup();
    let session = backend_transcript(17);
    let bytes = present_licence(&setup, &["family_name"], &session)
        .response
        .to_vec()
        .unwrap();
    // An untrusting verifier.
    let other = authority("PL", "mObywatel", Algorithm::EdDsa, 18);
    assert_eq!(
        code(verify_one(&verifier(&[&other]), &bytes, &session)),
        "untrusted_issuer"
    );
    // Outside the MSO validity.
    assert_eq!(
        code(verify_first(
            &setup.verifier,
            &bytes,
            &session,
            datetime!(2027-12-01 0:00 UTC),
            None
        )),
        "expired"
    );
}

// ----- 5. ISO/IEC 18013-5 Annex D -----

const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/iso18013-5-annex-d/"
);

const ANNEX_D_NOW: OffsetDateTime = datetime!(2021-06-01 00:00:00 UTC);

fn hex_file(relative: &str) -> Vec<u8> {
    let path = format!("{ANNEX_D}{relative}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "shared vectors required: cannot read {path} ({e}); the ISO/IEC 18013-5 Annex D \
             vectors must sit in ../shared/vectors/external (CI provides them)"
        )
    });
    hex::decode(text.trim()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn utopia_verifier() -> Verifier {
    let iaca = Certificate::from_der(&hex_file("nl-wallet/iaca_root_cert.der.hex")).unwrap();
    let authority = IssuingAuthority::new("US:utopia", "US", "Utopia", vec![iaca], [MDL]).unwrap();
    Verifier::new(
        TrustedAuthorities::from_authorities([authority]).unwrap(),
        AcceptancePolicy::accept_all(),
    )
}

fn p256_key(relative: &str) -> SoftwareKey {
    let d = hex_file(relative);
    SoftwareKey::P256(p256::ecdsa::SigningKey::from_slice(&d).unwrap())
}

fn annex_d_reader_key() -> SoftwareKey {
    p256_key("multipaz/ephemeral_reader_key_d.hex")
}

#[test]
fn annex_d_device_response_verifies_with_device_mac() {
    if !external::available(ANNEX_D) {
        return;
    }
    let response = hex_file("multipaz/device_response.hex");
    let session = hex_file("multipaz/session_transcript_bytes.hex");
    let reader_key = annex_d_reader_key();
    let outcome = utopia_verifier()
        .verify_response(
            &response,
            &VerifyOptions::at(ANNEX_D_NOW)
                .transcript(&session)
                .reader_key(&p256_secret(&reader_key)),
        )
        .unwrap();
    assert_eq!(outcome.status, ResponseStatus::Ok);
    assert!(outcome.document_errors.is_empty());
    assert_eq!(outcome.documents.len(), 1);
    let verified = outcome.into_first().unwrap();
    assert!(verified.holder_bound());
    assert_eq!(verified.doc_type(), MDL);
    assert_eq!(verified.issuing_country(), "US");
    assert_eq!(
        element_ids(&verified),
        ids(
            MDL_NS,
            &[
                "family_name",
                "issue_date",
                "expiry_date",
                "document_number",
                "portrait",
                "driving_privileges"
            ]
        )
    );
    assert_eq!(
        verified.element(MDL_NS, "family_name"),
        Some(&Value::Text("Doe".into()))
    );
    assert_eq!(
        verified.element(MDL_NS, "document_number"),
        Some(&Value::Text("123456789".into()))
    );
    assert_eq!(
        verified.element(MDL_NS, "portrait"),
        Some(&Value::Bytes(hex_file(
            "multipaz/device_response_portrait_data.hex"
        )))
    );
    assert!(verified.element_errors().is_empty());
    let Claims::DrivingLicence(licence) = verified.claims() else {
        panic!("expected a driving licence");
    };
    assert_eq!(licence.family_name.as_deref(), Some("Doe"));
    assert_eq!(licence.given_name, None);

    let document = &DeviceResponse::from_slice(&response).unwrap().documents[0];
    assert!(matches!(
        document.device_signed().device_auth(),
        DeviceAuth::Mac(_)
    ));
    assert_eq!(document.device_signed().name_spaces_bytes(), [0xa0]);
}

#[test]
fn annex_d_device_mac_under_another_transcript_is_device_mac_invalid() {
    if !external::available(ANNEX_D) {
        return;
    }
    let response = hex_file("multipaz/device_response.hex");
    let reader_key = annex_d_reader_key();
    let verifier = utopia_verifier();
    for other in [
        backend_transcript(1),
        openid4vp_transcript(),
        proximity_transcript(3),
    ] {
        assert_eq!(
            code(verify_first(
                &verifier,
                &response,
                &other,
                ANNEX_D_NOW,
                Some(&reader_key)
            )),
            "device_mac_invalid"
        );
    }
}

#[test]
fn annex_d_device_mac_with_another_reader_key_is_device_mac_invalid() {
    if !external::available(ANNEX_D) {
        return;
    }
    let response = hex_file("multipaz/device_response.hex");
    let session = hex_file("multipaz/session_transcript_bytes.hex");
    let verifier = utopia_verifier();
    for other in [
        p256_key("multipaz/ephemeral_device_key_d.hex"),
        device_key(Algorithm::Es256, 700),
    ] {
        assert_eq!(
            code(verify_first(
                &verifier,
                &response,
                &session,
                ANNEX_D_NOW,
                Some(&other)
            )),
            "device_mac_invalid"
        );
    }
}

#[test]
fn annex_d_device_mac_without_a_p256_reader_key_is_invalid_argument() {
    if !external::available(ANNEX_D) {
        return;
    }
    let response = hex_file("multipaz/device_response.hex");
    let session = hex_file("multipaz/session_transcript_bytes.hex");
    let verifier = utopia_verifier();
    assert_eq!(
        code(verify_first(
            &verifier,
            &response,
            &session,
            ANNEX_D_NOW,
            None
        )),
        "invalid_argument"
    );
    // A reader key of another curve cannot be passed at all: the options
    // take the session's P-256 key type.
}

#[test]
fn annex_d_device_request_reader_auth_verifies() {
    if !external::available(ANNEX_D) {
        return;
    }
    let request = DeviceRequest::from_slice(&hex_file("multipaz/device_request.hex")).unwrap();
    let session = hex_file("multipaz/session_transcript_bytes.hex");
    let reader_root =
        Certificate::from_der(&hex_file("nl-wallet/reader_root_cert.der.hex")).unwrap();
    assert_eq!(request.version(), "1.0");
    assert_eq!(request.doc_requests().len(), 1);
    let doc_request = &request.doc_requests()[0];
    let reader_cert = doc_request
        .verify_reader(std::slice::from_ref(&reader_root), &session, ANNEX_D_NOW)
        .unwrap();
    assert_eq!(reader_cert.der(), hex_file("multipaz/reader_cert.hex"));
    assert_eq!(
        doc_request.items_request_bytes(),
        hex_file("multipaz/items_request.hex")
    );
    let items = doc_request.items_request();
    assert_eq!(items.doc_type, MDL);
    assert_eq!(items.request_info, None);
    let expected: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::from([(
        MDL_NS.to_string(),
        BTreeMap::from([
            ("family_name".to_string(), true),
            ("document_number".to_string(), true),
            ("driving_privileges".to_string(), true),
            ("issue_date".to_string(), true),
            ("expiry_date".to_string(), true),
            ("portrait".to_string(), false),
        ]),
    )]);
    assert_eq!(items.name_spaces, expected);

    // Under another transcript, or against the issuing root, it fails.
    assert_eq!(
        code(doc_request.verify_reader(
            std::slice::from_ref(&reader_root),
            &backend_transcript(1),
            ANNEX_D_NOW
        )),
        "signature_invalid"
    );
    let iaca = Certificate::from_der(&hex_file("nl-wallet/iaca_root_cert.der.hex")).unwrap();
    assert_eq!(
        code(doc_request.verify_reader(std::slice::from_ref(&iaca), &session, ANNEX_D_NOW)),
        "untrusted_reader"
    );
}

#[test]
fn annex_d_request_answered_with_a_device_signature_verifies() {
    if !external::available(ANNEX_D) {
        return;
    }
    // The holder side on the Annex D data: the example's static device key
    // answers the example's (reader-authenticated) request with a
    // deviceSignature instead of the example's deviceMac.
    let request = DeviceRequest::from_slice(&hex_file("multipaz/device_request.hex")).unwrap();
    let session = hex_file("multipaz/session_transcript_bytes.hex");
    let reader_root =
        Certificate::from_der(&hex_file("nl-wallet/reader_root_cert.der.hex")).unwrap();
    let response = DeviceResponse::from_slice(&hex_file("multipaz/device_response.hex")).unwrap();
    let stored = response.documents[0].issuer_signed().clone();
    let device = p256_key("multipaz/static_device_key_d.hex");
    let presentation = present(
        std::slice::from_ref(&stored),
        &request,
        &session,
        &device,
        ReaderCheck::Require(&labelled(std::slice::from_ref(&reader_root))),
        ANNEX_D_NOW,
    )
    .unwrap();
    assert_eq!(presentation.readers.len(), 1);
    assert!(matches!(
        &presentation.readers[0],
        ReaderStatus::Authenticated(reader) if reader.certificate.subject().contains("reader")
            && reader.root == reader_root && reader.root_label == "police"
    ));
    let bytes = presentation.response.to_vec().unwrap();
    let verified = verify_first(&utopia_verifier(), &bytes, &session, ANNEX_D_NOW, None).unwrap();
    assert!(verified.holder_bound());
    assert_eq!(verified.elements()[MDL_NS].len(), 6);
    assert!(verified.element_errors().is_empty());
}

#[test]
fn annex_d_request_and_response_re_encode_byte_for_byte() {
    if !external::available(ANNEX_D) {
        return;
    }
    let request = hex_file("multipaz/device_request.hex");
    assert_eq!(
        DeviceRequest::from_slice(&request)
            .unwrap()
            .to_vec()
            .unwrap(),
        request
    );
    let response = hex_file("multipaz/device_response.hex");
    assert_eq!(
        DeviceResponse::from_slice(&response)
            .unwrap()
            .to_vec()
            .unwrap(),
        response
    );
}

#[test]
fn annex_d_emac_key_is_the_expected_one_from_either_side() {
    if !external::available(ANNEX_D) {
        return;
    }
    // EXPECTED.md: EMacKey = HKDF-SHA256(ECDH(static device d, ephemeral
    // reader pub), salt SHA-256(SessionTranscriptBytes), "EMacKey").
    let expected =
        hex::decode("dc2b9566fdaaae3c06baa40993cd0451aeba15e7677ef5305f6531f3533c35dd").unwrap();
    let session = hex_file("multipaz/session_transcript_bytes.hex");
    let device = p256_key("multipaz/static_device_key_d.hex");
    let reader = annex_d_reader_key();
    let holder_side =
        derive_emac_key(&p256_secret(&device), &reader.public_key(), &session).unwrap();
    let reader_side =
        derive_emac_key(&p256_secret(&reader), &device.public_key(), &session).unwrap();
    assert_eq!(holder_side.as_slice(), expected);
    assert_eq!(reader_side.as_slice(), expected);
    // The MSO device key is the static device key.
    let response = DeviceResponse::from_slice(&hex_file("multipaz/device_response.hex")).unwrap();
    assert_eq!(
        response.documents[0]
            .issuer_signed()
            .mso_unverified()
            .unwrap()
            .device_key_info
            .device_key,
        device.public_key()
    );
}

// ----- deviceMac made by hand for the crate's own documents -----

fn p256_secret(key: &SoftwareKey) -> p256::SecretKey {
    let SoftwareKey::P256(signing) = key else {
        panic!("not a P-256 key: {key:?}")
    };
    p256::SecretKey::from(signing)
}

/// A deviceMac (COSE_Mac0, detached payload) over DeviceAuthenticationBytes
/// with `emac_key`, under protected algorithm `alg`.
fn device_mac(
    emac_key: &[u8; 32],
    alg: iana::Algorithm,
    session: &[u8],
    doc_type: &str,
) -> coset::CoseMac0 {
    let header = HeaderBuilder::new().algorithm(alg).build();
    device_mac_with(emac_key, header, session, doc_type)
}

/// [`device_mac`] under any protected header.
fn device_mac_with(
    emac_key: &[u8; 32],
    header: coset::Header,
    session: &[u8],
    doc_type: &str,
) -> coset::CoseMac0 {
    let protected = coset::ProtectedHeader {
        original_data: None,
        header,
    };
    let payload = device_authentication_bytes(session, doc_type, &[0xa0]);
    let data = coset::mac_structure_data(
        coset::MacContext::CoseMac0,
        protected.clone(),
        b"",
        &payload,
    );
    let mut hmac = hmac::Hmac::<sha2::Sha256>::new_from_slice(emac_key.as_slice()).unwrap();
    hmac.update(&data);
    CoseMac0Builder::new()
        .protected(protected.header)
        .tag(hmac.finalize().into_bytes().to_vec())
        .build()
}

/// The EMacKey the setup's holder agrees with `reader_key` under `session`.
fn holder_emac_key(
    setup: &Setup,
    reader_key: &SoftwareKey,
    session: &[u8],
) -> zeroize::Zeroizing<[u8; 32]> {
    derive_emac_key(
        &p256_secret(&setup.device),
        &reader_key.public_key(),
        session,
    )
    .unwrap()
}

fn with_device_auth(document: &Document, auth: DeviceAuth) -> Vec<u8> {
    response_bytes(vec![Document::new(
        document.doc_type().into(),
        document.issuer_signed().clone(),
        DeviceSigned::new(vec![0xa0], auth),
        document.errors().clone(),
    )])
}

#[test]
fn a_device_mac_made_by_the_holder_verifies_and_binds_to_session_and_reader() {
    let setup = setup(); // P-256 device key
    let session = proximity_transcript(50);
    let reader_key = device_key(Algorithm::Es256, 51);
    let document = present_licence(&setup, &["family_name"], &session)
        .response
        .documents
        .remove(0);
    let emac_key = holder_emac_key(&setup, &reader_key, &session);
    let mac = device_mac(&emac_key, iana::Algorithm::HMAC_256_256, &session, MDL);
    let bytes = with_device_auth(&document, DeviceAuth::Mac(mac.clone()));
    let verify = |bytes: &[u8], session: &[u8], key: Option<&SoftwareKey>| {
        verify_first(&setup.verifier, bytes, session, NOW, key)
    };
    let verified = verify(&bytes, &session, Some(&reader_key)).unwrap();
    assert!(verified.holder_bound());
    assert_eq!(element_ids(&verified), ids(MDL_NS, &["family_name"]));
    // The unprotected header is not MACed: a kid written as CBOR undefined
    // or as text (as JavaScript holders do) is ignored, not malformed.
    let empty_unprotected = [0x43, 0xa1, 0x01, 0x05, 0xa0, 0xf6, 0x58, 0x20];
    let hits: Vec<usize> = bytes
        .windows(empty_unprotected.len())
        .enumerate()
        .filter(|(_, w)| *w == empty_unprotected)
        .map(|(i, _)| i + 4)
        .collect();
    let [at] = hits[..] else {
        panic!("the deviceMac's empty unprotected header, once: {hits:?}")
    };
    for kid in [&[0x04, 0xf7][..], &[0x04, 0x63, b'k', b'i', b'd']] {
        let mut with_kid = bytes[..at].to_vec();
        with_kid.push(0xa1);
        with_kid.extend_from_slice(kid);
        with_kid.extend_from_slice(&bytes[at + 1..]);
        let verified = verify(&with_kid, &session, Some(&reader_key)).unwrap();
        assert_eq!(element_ids(&verified), ids(MDL_NS, &["family_name"]));
    }

    assert_eq!(code(verify(&bytes, &session, None)), "invalid_argument");
    assert_eq!(
        code(verify(
            &bytes,
            &session,
            Some(&device_key(Algorithm::Es256, 52))
        )),
        "device_mac_invalid"
    );
    assert_eq!(
        code(verify(&bytes, &backend_transcript(50), Some(&reader_key))),
        "device_mac_invalid"
    );
    // A tampered tag.
    let mut tampered = mac.clone();
    tampered.tag[0] ^= 1;
    assert_eq!(
        code(verify(
            &with_device_auth(&document, DeviceAuth::Mac(tampered)),
            &session,
            Some(&reader_key)
        )),
        "device_mac_invalid"
    );
    // A MAC under another protected algorithm (HMAC 256/64), or none.
    let short = device_mac(&emac_key, iana::Algorithm::HMAC_256_64, &session, MDL);
    assert_eq!(
        code(verify(
            &with_device_auth(&document, DeviceAuth::Mac(short)),
            &session,
            Some(&reader_key)
        )),
        "device_mac_invalid"
    );
    let mut unprotected = mac.clone();
    unprotected.unprotected.alg = unprotected.protected.header.alg.take();
    unprotected.protected.original_data = None;
    assert_eq!(
        code(verify(
            &with_device_auth(&document, DeviceAuth::Mac(unprotected)),
            &session,
            Some(&reader_key)
        )),
        "device_mac_invalid"
    );
    // A MAC over another doc type.
    let other_doc_type = device_mac(&emac_key, iana::Algorithm::HMAC_256_256, &session, MVRC);
    assert_eq!(
        code(verify(
            &with_device_auth(&document, DeviceAuth::Mac(other_doc_type)),
            &session,
            Some(&reader_key)
        )),
        "device_mac_invalid"
    );
}

#[test]
fn a_device_mac_for_a_non_p256_device_key_is_session_unsupported_curve() {
    for alg in [Algorithm::EdDsa, Algorithm::Es384] {
        let ua = authority("UA", "Diia", Algorithm::Es256, 60);
        let device = device_key(alg, 61);
        let licence = issue(&ua, &samples::driving_licence_ua(), &device, None, 62);
        let session = backend_transcript(60);
        let request = request(&[items(MDL, MDL_NS, &["family_name"])], None, &session);
        let document = present(
            std::slice::from_ref(&licence),
            &request,
            &session,
            &device,
            ReaderCheck::Skip,
            NOW,
        )
        .unwrap()
        .response
        .documents
        .remove(0);
        // No EMacKey can be agreed with such a key (no ECDH on P-256).
        let mac = device_mac(&[7; 32], iana::Algorithm::HMAC_256_256, &session, MDL);
        let reader_key = device_key(Algorithm::Es256, 63);
        assert_eq!(
            code(verify_first(
                &verifier(&[&ua]),
                &with_device_auth(&document, DeviceAuth::Mac(mac)),
                &session,
                NOW,
                Some(&reader_key)
            )),
            "session_unsupported_curve",
            "{alg:?}"
        );
    }
}

#[test]
fn reader_status_is_per_document_request() {
    let ua = authority("UA", "Diia", Algorithm::EdDsa, 70);
    let device = device_key(Algorithm::Es256, 71);
    let licence = issue(&ua, &samples::driving_licence_ua(), &device, None, 72);
    let vrc = issue(&ua, &samples::vehicle_registration_ua(), &device, None, 73);
    let reader = police_reader();
    let roots = std::slice::from_ref(&reader.root);
    let session = proximity_transcript(74);
    // The licence request signed, the registration request not.
    let signed = DeviceRequest::build(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some((&reader.key, std::slice::from_ref(&reader.cert))),
        &session,
    )
    .unwrap();
    let unsigned = DeviceRequest::build(
        &[items(MVRC, MVRC_NS, &["registration_number"])],
        None,
        &session,
    )
    .unwrap();
    let mut value = cbor::decode(&signed.to_vec().unwrap()).unwrap();
    let mut other = cbor::decode(&unsigned.to_vec().unwrap()).unwrap();
    let extra = first_of(at(&mut other, "docRequests")).clone();
    let Value::Array(doc_requests) = at(&mut value, "docRequests") else {
        panic!("docRequests is not an array")
    };
    doc_requests.push(extra);
    let mixed = DeviceRequest::from_slice(&cbor::encode(&value).unwrap()).unwrap();
    let wallet = [licence, vrc];
    let flagged = present(
        &wallet,
        &mixed,
        &session,
        &device,
        ReaderCheck::Flag(&labelled(roots)),
        NOW,
    )
    .unwrap();
    assert_eq!(
        flagged.readers,
        [
            ReaderStatus::Authenticated(Box::new(ReaderIdentity {
                certificate: reader.cert.clone(),
                chain: vec![reader.cert.clone()],
                root: reader.root.clone(),
                root_label: "police".into(),
                crl: docbridge::x509::crl::CrlOutcome::Disabled,
            })),
            ReaderStatus::Unauthenticated("reader_auth_missing"),
        ]
    );
    assert_eq!(flagged.response.documents.len(), 2);
    assert_eq!(
        code(present(
            &wallet,
            &mixed,
            &session,
            &device,
            ReaderCheck::Require(&labelled(roots)),
            NOW
        )),
        "reader_auth_missing"
    );
}

#[test]
fn proximity_transcript_from_bytes_equals_the_key_builder() {
    let mut rng = rng(80);
    let e_reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let engagement = cbor::encode(&Value::Map(vec![(
        Value::from(0),
        Value::Text("1.0".into()),
    )]))
    .unwrap();
    let key_bytes = cbor::encode(&e_reader_key.public_key().to_cose_key_value().unwrap()).unwrap();
    assert_eq!(
        transcript::proximity(&engagement, &key_bytes, Value::Null).unwrap(),
        transcript::proximity_for_key(&engagement, &e_reader_key.public_key(), Value::Null)
            .unwrap()
    );
}

#[test]
fn reader_auth_without_a_certificate_or_by_another_key_is_refused() {
    let reader = police_reader();
    let roots = std::slice::from_ref(&reader.root);
    let session = proximity_transcript(90);
    let wanted = [items(MDL, MDL_NS, &["family_name"])];
    // Signed, but with no certificate in x5chain.
    let no_chain = DeviceRequest::build(&wanted, Some((&reader.key, &[])), &session).unwrap();
    assert_eq!(
        code(no_chain.doc_requests()[0].verify_reader(roots, &session, NOW)),
        "x5chain_missing"
    );
    // The reader's certificate, someone else's key; then the same with a
    // key of another algorithm.
    for (alg, seed, expected) in [
        (Algorithm::Es256, 91, "signature_invalid"),
        (Algorithm::EdDsa, 92, "algorithm_key_mismatch"),
    ] {
        let impostor = device_key(alg, seed);
        let forged = DeviceRequest::build(
            &wanted,
            Some((&impostor, std::slice::from_ref(&reader.cert))),
            &session,
        )
        .unwrap();
        assert_eq!(
            code(forged.doc_requests()[0].verify_reader(roots, &session, NOW)),
            expected,
            "{alg:?}"
        );
    }
}

#[test]
fn a_pinned_end_entity_certificate_is_not_a_reader_root() {
    // An end-entity reader certificate used as a "root": anyone holding its
    // key could mint reader certificates under any name, so it is refused.
    let mut rng = rng(901);
    let pinned_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let pinned = x509::create_self_signed(
        &spec("Pinned Reader", 7),
        CertificateProfile::ReaderAuthentication,
        &pinned_key,
    )
    .unwrap();
    let minted_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let minted = x509::create_issued(
        &spec("Minted Reader", 8),
        CertificateProfile::ReaderAuthentication,
        &minted_key.public_key(),
        &pinned,
        &pinned_key,
    )
    .unwrap();
    let session = backend_transcript(9);
    let signed = DeviceRequest::build(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some((&minted_key, std::slice::from_ref(&minted))),
        &session,
    )
    .unwrap();
    assert_eq!(
        code(signed.doc_requests()[0].verify_reader(std::slice::from_ref(&pinned), &session, NOW)),
        "certificate_profile"
    );
}

#[test]
fn requests_and_responses_carry_a_bounded_number_of_documents() {
    use docbridge::device_response::MAX_DOCUMENTS;
    use docbridge::request::MAX_DOC_REQUESTS;
    let session = backend_transcript(11);
    let many: Vec<ItemsRequest> = (0..=MAX_DOC_REQUESTS)
        .map(|_| items(MDL, MDL_NS, &["family_name"]))
        .collect();
    assert_eq!(
        code(DeviceRequest::build(&many, None, &session)),
        "invalid_argument"
    );

    // Decoding refuses one document request or document past the limit.
    let one = DeviceRequest::build(&many[..1], None, &session).unwrap();
    let mut value = cbor::decode(&one.to_vec().unwrap()).unwrap();
    let requests = at(&mut value, "docRequests");
    let Value::Array(list) = requests else {
        panic!()
    };
    let first = list[0].clone();
    list.resize(MAX_DOC_REQUESTS + 1, first);
    assert_eq!(
        code(DeviceRequest::from_slice(&cbor::encode(&value).unwrap())),
        "invalid_structure"
    );

    let setup = setup();
    let presentation = present_licence(&setup, &["family_name"], &session);
    let mut value = cbor::decode(&presentation.response.to_vec().unwrap()).unwrap();
    let Value::Array(documents) = at(&mut value, "documents") else {
        panic!()
    };
    let first = documents[0].clone();
    documents.resize(MAX_DOCUMENTS + 1, first);
    assert_eq!(
        code(docbridge::DeviceResponse::from_slice(
            &cbor::encode(&value).unwrap()
        )),
        "invalid_structure"
    );
}

#[test]
fn a_verifier_takes_the_doc_type_it_asked_for() {
    let ua = authority("UA", "Diia", Algorithm::Es256, 30);
    let device = device_key(Algorithm::Es256, 31);
    let licence = issue(&ua, &samples::driving_licence_ua(), &device, None, 32);
    let vrc = issue(&ua, &samples::vehicle_registration_ua(), &device, None, 33);
    let session = backend_transcript(4);
    // The holder answers a vehicle registration first, then the licence.
    let request = request(
        &[
            items(MVRC, MVRC_NS, &["registration_number"]),
            items(MDL, MDL_NS, &["family_name"]),
        ],
        None,
        &session,
    );
    let bytes = present(
        &[licence, vrc],
        &request,
        &session,
        &device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
    .response
    .to_vec()
    .unwrap();
    let verify = || verify_at_now(&verifier(&[&ua]), &bytes, &session);
    assert_eq!(verify().doc_types, [MVRC, MDL]);
    assert_eq!(verify().into_doc_type(MDL).unwrap().doc_type(), MDL);
    assert_eq!(verify().into_doc_type(MVRC).unwrap().doc_type(), MVRC);
    assert_eq!(
        code(verify().into_doc_type(PERMIT)),
        "document_not_returned"
    );
}

// ----- attached payloads where ISO/IEC 18013-5 requires detached ones -----

/// ReaderAuthenticationBytes, built by hand like DeviceAuthenticationBytes.
fn reader_authentication_bytes(session: &[u8], items_request_bytes: &[u8]) -> Vec<u8> {
    let outer = cbor::decode(session).unwrap();
    let session_transcript = cbor::decode(cbor::untag24(&outer, "transcript").unwrap()).unwrap();
    let array = Value::Array(vec![
        Value::Text("ReaderAuthentication".into()),
        session_transcript,
        cbor::tag24(items_request_bytes.to_vec()),
    ]);
    cbor::encode(&cbor::tag24(cbor::encode(&array).unwrap())).unwrap()
}

#[test]
fn attached_payloads_in_reader_auth_device_signature_and_device_mac_are_cose_malformed() {
    let setup = setup();
    let session = proximity_transcript(70);

    // readerAuth: a valid signature over the right bytes, but attached.
    let police = police_reader();
    let signed = request(
        &[items(MDL, MDL_NS, &["family_name"])],
        Some(&police),
        &session,
    );
    let items_request_bytes = signed.doc_requests()[0].items_request_bytes().to_vec();
    let attached = sign1(
        &police.key,
        &reader_authentication_bytes(&session, &items_request_bytes),
        &Sign1Options {
            x5chain: vec![police.cert.der().to_vec()],
            ..Sign1Options::default()
        },
    )
    .unwrap();
    let mut value = cbor::decode(&signed.to_vec().unwrap()).unwrap();
    let doc_request = first_of(at(&mut value, "docRequests"));
    *at(doc_request, "readerAuth") = attached.to_value().unwrap();
    let with_attached = DeviceRequest::from_slice(&cbor::encode(&value).unwrap()).unwrap();
    let roots = std::slice::from_ref(&police.root);
    // The detached original verifies; the attached one is refused.
    assert!(
        signed.doc_requests()[0]
            .verify_reader(roots, &session, NOW)
            .is_ok()
    );
    assert_eq!(
        code(with_attached.doc_requests()[0].verify_reader(roots, &session, NOW)),
        "cose_malformed"
    );
    assert_eq!(
        code(present(
            std::slice::from_ref(&setup.licence),
            &with_attached,
            &session,
            &setup.device,
            ReaderCheck::Require(&labelled(roots)),
            NOW
        )),
        "cose_malformed"
    );

    // deviceSignature: a valid signature over DeviceAuthenticationBytes, attached.
    let document = present_licence(&setup, &["family_name"], &session)
        .response
        .documents
        .remove(0);
    let payload = device_authentication_bytes(&session, MDL, &[0xa0]);
    let attached = sign1(&setup.device, &payload, &Sign1Options::default()).unwrap();
    let bytes = with_device_auth(&document, DeviceAuth::Signature(attached));
    assert_eq!(
        code(verify_one(&setup.verifier, &bytes, &session)),
        "cose_malformed"
    );

    // deviceMac: a valid tag, with the payload attached.
    let reader_key = device_key(Algorithm::Es256, 71);
    let emac_key = holder_emac_key(&setup, &reader_key, &session);
    let mut mac = device_mac(&emac_key, iana::Algorithm::HMAC_256_256, &session, MDL);
    let verify_mac = |mac: coset::CoseMac0| {
        verify_first(
            &setup.verifier,
            &with_device_auth(&document, DeviceAuth::Mac(mac)),
            &session,
            NOW,
            Some(&reader_key),
        )
    };
    assert!(verify_mac(mac.clone()).is_ok());
    mac.payload = Some(payload);
    assert_eq!(code(verify_mac(mac)), "cose_malformed");
}

#[test]
fn a_device_mac_with_an_unknown_critical_header_is_refused_like_a_signature() {
    let setup = setup(); // P-256 device key
    let session = proximity_transcript(60);
    let reader_key = device_key(Algorithm::Es256, 61);
    let document = present_licence(&setup, &["family_name"], &session)
        .response
        .documents
        .remove(0);
    let emac_key = holder_emac_key(&setup, &reader_key, &session);
    // A correct MAC whose protected header makes a private label critical.
    let header = HeaderBuilder::new()
        .algorithm(iana::Algorithm::HMAC_256_256)
        .add_critical_label(coset::RegisteredLabelWithPrivate::PrivateUse(-65_600))
        .build();
    let mac = device_mac_with(&emac_key, header, &session, MDL);
    let bytes = with_device_auth(&document, DeviceAuth::Mac(mac));
    assert_eq!(
        code(
            setup
                .verifier
                .verify_response(
                    &bytes,
                    &VerifyOptions::at(NOW)
                        .transcript(&session)
                        .reader_key(&p256_secret(&reader_key))
                )
                .and_then(|v| v.into_first())
        ),
        "unknown_critical_header"
    );
}
