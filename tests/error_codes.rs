//! One negative test per error code (`Error::ALL_CODES`), each named after
//! its code and asserting it exactly, with inputs made through the public
//! API: hostile bytes for the bounded decoder, and malicious but correctly
//! signed documents (MSO, items and COSE headers built by hand, signed with
//! the demo Document Signer key) for the later checks. Each family also has
//! a positive control, so a test fails for its one defect only.
//!
//! Covered here: the issuing and verification pipeline, `io`, the
//! verifier's status step (Status List Tokens) and its device-response path.
//! The codes of signed trust lists, session encryption and deviceMac are
//! listed in `ELSEWHERE` with a reason; the coverage test checks that each
//! of them is asserted in another file of `tests/`. The last test checks
//! that the README's error table lists exactly `Error::ALL_CODES`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use docbridge::VerifyOptions;
use docbridge::cbor::{self, Limits};
use docbridge::cose::{HEADER_X5CHAIN, Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::deps::coset::{
    self, AsCborValue, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate, iana,
};
use docbridge::device_response::{DeviceResponse, DeviceSigned, Document};
use docbridge::documents::DocumentType;
use docbridge::holder::{ReaderCheck, present};
use docbridge::request::{DeviceRequest, ItemsRequest};
use docbridge::status::{
    EncodedStatusList, IndexAllocator, MAX_LIST_BYTES, ManagedStatusList, StatusBits,
    StatusListReference, StatusListToken, StatusOutcome, StatusPolicy, StatusValue,
};
use docbridge::x509::{
    CertificateProfile, CertificateSpec, check_iaca_profile, create_issued, create_self_signed,
};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, DigestAlgorithm, DrivingLicence,
    Elements, Error, IssueOptions, Issuer, IssuerSigned, IssuerSignedItemBytes, IssuingAuthority,
    PublicKey, ResidencePermit, Sign1, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo,
    VehicleRegistration, Verifier,
};
use time::OffsetDateTime;
use time::macros::datetime;

// ----- Fixtures -----

const MDL: &str = DrivingLicence::DOC_TYPE;

type NameSpaces = Vec<(String, Vec<IssuerSignedItemBytes>)>;

fn ua() -> DemoAuthority {
    ukraine(Algorithm::Es256, 1)
}

fn device() -> PublicKey {
    device_key(Algorithm::Es256, 2)
}

fn code<T>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(_) => panic!("expected an error, got Ok"),
        Err(e) => e.code(),
    }
}

/// The code of verifying `document` at `now` with a verifier trusting `ua`.
///
/// Checked both ways the verifier reads a document: borrowed (the decoded
/// structure handed over) and from its bytes, where the verifier owns what
/// it decoded and moves the verified elements out instead of copying them.
/// Where the bytes decode at all, the refusal must be the same.
fn verify_code(authority: &DemoAuthority, document: &IssuerSigned) -> &'static str {
    let verifier = verifier(&[authority]);
    let options = VerifyOptions::at(NOW);
    let borrowed = code(verifier.verify(document, &options));
    if let Ok(bytes) = document.to_vec()
        && IssuerSigned::from_slice(&bytes).is_ok()
    {
        assert_eq!(
            code(verifier.verify(&bytes[..], &options)),
            borrowed,
            "the document from its bytes is refused otherwise"
        );
    }
    borrowed
}

/// The code (see [`verify_code`]) of `name_spaces` under an issuerAuth over
/// `payload`, signed by the authority's Document Signer with its
/// certificate in x5chain, the payload attached or `detached`.
fn ds_signed_payload_code(
    authority: &DemoAuthority,
    name_spaces: NameSpaces,
    payload: &[u8],
    detached: bool,
) -> &'static str {
    let auth = sign1(
        &authority.ds_key,
        payload,
        &Sign1Options {
            x5chain: vec![authority.ds_certificate.der().to_vec()],
            detached,
            ..Sign1Options::default()
        },
    )
    .unwrap();
    verify_code(authority, &IssuerSigned::new(name_spaces, auth))
}

/// The code of verifying encoded bytes with a verifier trusting `ua()`.
fn bytes_code(bytes: &[u8]) -> &'static str {
    code(verifier(&[&ua()]).verify(bytes, &VerifyOptions::at(NOW)))
}

/// The code of verifying a CBOR value (an IssuerSigned built by hand).
fn value_code(authority: &DemoAuthority, value: &Value) -> &'static str {
    code(verifier(&[authority]).verify(&cbor::encode(value).unwrap(), &VerifyOptions::at(NOW)))
}

/// An honest document issued by the library.
fn issued(authority: &DemoAuthority) -> IssuerSigned {
    // Signed while the certificate is valid, even one that starts after
    // the MSO's validFrom.
    let mut validity = validity();
    let ds = &authority.ds_certificate;
    validity.signed = validity.signed.clamp(ds.not_before(), ds.not_after());
    Issuer::new(&authority.ds_key, ds)
        .unwrap()
        .issue(
            MDL,
            &small_elements(authority.authority.country()),
            &device(),
            &validity,
            &mut rng(3),
        )
        .unwrap()
}

/// Three honest items, digestIDs 0..3.
fn honest_name_spaces() -> NameSpaces {
    name_spaces(&[(
        MDL_NS,
        vec![
            (0, "family_name", Value::Text("Шевченко".into())),
            (1, "issuing_country", Value::Text("UA".into())),
            (2, "age_over_18", Value::Bool(true)),
        ],
    )])
}

/// The MSO value over `name_spaces`.
fn mso_value(name_spaces: &NameSpaces) -> Value {
    mso_for(name_spaces, MDL, &device(), DigestAlgorithm::Sha256)
}

/// A document with `name_spaces` whose MSO (over `digested`, then changed by
/// `edit`) is correctly signed by the authority's Document Signer.
fn forged(
    authority: &DemoAuthority,
    name_spaces: NameSpaces,
    digested: &NameSpaces,
    edit: impl FnOnce(&mut Value),
) -> IssuerSigned {
    let mut mso = mso_value(digested);
    edit(&mut mso);
    signed_by(authority, name_spaces, &mso)
}

/// The document's items array of the main namespace, inside its value.
fn items_of(document: &mut Value) -> &mut Vec<Value> {
    let ns = map_at(map_at(document, "nameSpaces"), MDL_NS);
    let Value::Array(items) = ns else {
        panic!("not an array")
    };
    items
}

/// A COSE_Sign1 value built with coset from the given headers, over an MSO
/// payload, signed with `signer` (whatever the headers claim).
fn cose_value(
    protected: coset::Header,
    unprotected: coset::Header,
    payload: &[u8],
    signer: &dyn Signer,
) -> Value {
    CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .payload(payload.to_vec())
        .create_signature(b"", |tbs| signer.sign(tbs).unwrap())
        .build()
        .to_cbor_value()
        .unwrap()
}

/// An IssuerSigned value from honest items and the given issuerAuth.
fn with_issuer_auth(name_spaces: &NameSpaces, issuer_auth: Value) -> Value {
    let ns = cbor::text_map(name_spaces.iter().map(|(ns, items)| {
        (
            ns.clone(),
            Value::Array(items.iter().map(IssuerSignedItemBytes::to_value).collect()),
        )
    }));
    cbor::text_map([("nameSpaces", ns), ("issuerAuth", issuer_auth)])
}

/// The code of an IssuerSigned value of `name_spaces` whose issuerAuth,
/// over `payload` and signed by the authority's Document Signer, protects
/// ES256 and carries `x5chain` as its unprotected x5chain header.
fn unprotected_x5chain_code(
    authority: &DemoAuthority,
    name_spaces: &NameSpaces,
    payload: &[u8],
    x5chain: Value,
) -> &'static str {
    let auth = cose_value(
        HeaderBuilder::new()
            .algorithm(iana::Algorithm::ES256)
            .build(),
        HeaderBuilder::new().value(HEADER_X5CHAIN, x5chain).build(),
        payload,
        &authority.ds_key,
    );
    value_code(authority, &with_issuer_auth(name_spaces, auth))
}

/// The unprotected header with the DS certificate in x5chain.
fn x5chain_header(authority: &DemoAuthority) -> coset::Header {
    HeaderBuilder::new()
        .value(
            HEADER_X5CHAIN,
            Value::Bytes(authority.ds_certificate.der().to_vec()),
        )
        .build()
}

fn spec(common_name: &str, country: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: common_name.into(),
        country: country.into(),
        organization: Some("Diia".into()),
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    }
}

/// A document signed by `ds_key`, whose certificate `ds_certificate` is
/// carried in x5chain.
fn with_ds(ds_key: &SoftwareKey, ds_certificate: &Certificate) -> IssuerSigned {
    Issuer::new(ds_key, ds_certificate)
        .unwrap()
        .issue(
            MDL,
            &small_elements("UA"),
            &device(),
            &validity(),
            &mut rng(4),
        )
        .unwrap()
}

/// A signer that refuses, as an HSM that is offline.
struct FailingSigner(SoftwareKey);

impl Signer for FailingSigner {
    fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, _message: &[u8]) -> docbridge::Result<Vec<u8>> {
        Err(Error::SigningFailed("HSM offline".into()))
    }
}

/// A signer that claims another algorithm than its key's.
struct LyingSigner(SoftwareKey, Algorithm);

impl Signer for LyingSigner {
    fn algorithm(&self) -> Algorithm {
        self.1
    }
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, message: &[u8]) -> docbridge::Result<Vec<u8>> {
        self.0.sign(message)
    }
}

/// The machinery above makes documents that verify when nothing is wrong,
/// so each negative test below fails for its one defect only.
#[test]
fn forged_documents_verify_when_untampered() {
    let ua = ua();
    let verifier = verifier(&[&ua]);
    verifier
        .verify(&issued(&ua), &VerifyOptions::at(NOW).doc_type(MDL))
        .unwrap();
    let ns = honest_name_spaces();
    let document = forged(&ua, ns.clone(), &ns, |_| {});
    let verified = verifier
        .verify(&document, &VerifyOptions::at(NOW).doc_type(MDL))
        .unwrap();
    assert_eq!(verified.elements()[MDL_NS].len(), 3);
    // Through bytes, and through a COSE_Sign1 built with coset.
    verifier
        .verify(&document.to_vec().unwrap(), &VerifyOptions::at(NOW))
        .unwrap();
    let auth = cose_value(
        HeaderBuilder::new()
            .algorithm(iana::Algorithm::ES256)
            .build(),
        x5chain_header(&ua),
        &mso_payload(&mso_value(&ns)),
        &ua.ds_key,
    );
    verifier
        .verify(
            &cbor::encode(&with_issuer_auth(&ns, auth)).unwrap(),
            &VerifyOptions::at(NOW),
        )
        .unwrap();
    // x5chain in the protected header and named critical is understood.
    let auth = cose_value(
        HeaderBuilder::new()
            .algorithm(iana::Algorithm::ES256)
            .add_critical(iana::HeaderParameter::X5Chain)
            .value(
                HEADER_X5CHAIN,
                Value::Bytes(ua.ds_certificate.der().to_vec()),
            )
            .build(),
        HeaderBuilder::new().build(),
        &mso_payload(&mso_value(&ns)),
        &ua.ds_key,
    );
    verifier
        .verify(
            &cbor::encode(&with_issuer_auth(&ns, auth)).unwrap(),
            &VerifyOptions::at(NOW),
        )
        .unwrap();
    // The hand-made certificates below fit their profiles when made right.
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(5));
    let ds = create_issued(
        &spec("Diia Document Signer 2", "UA", 77),
        CertificateProfile::DocumentSigner,
        &key.public_key(),
        &ua.iaca_certificate,
        &ua.iaca_key,
    )
    .unwrap();
    verifier
        .verify(&with_ds(&key, &ds), &VerifyOptions::at(NOW))
        .unwrap();
}

// ----- CBOR -----

#[test]
fn cbor_malformed() {
    assert_eq!(bytes_code(&[]), "cbor_malformed");
    // A lone "break".
    assert_eq!(bytes_code(&[0xff]), "cbor_malformed");
    // Reserved additional information 28.
    assert_eq!(bytes_code(&[0x1c]), "cbor_malformed");
    // A text string that is not UTF-8.
    assert_eq!(bytes_code(&[0x61, 0xff]), "cbor_malformed");
    // A simple value below 32 in the two-byte form.
    assert_eq!(bytes_code(&[0xf8, 0x10]), "cbor_malformed");
    // Inside a signed document: an item whose embedded bytes are not CBOR.
    let ua = ua();
    let mut value = issued(&ua).to_value().unwrap();
    items_of(&mut value)[0] = cbor::tag24(vec![0x61, 0xff]);
    assert_eq!(value_code(&ua, &value), "cbor_malformed");
    assert_eq!(code(cbor::decode(&[0x82, 0x01, 0x18])), "cbor_malformed");
}

#[test]
fn cbor_too_large() {
    let max = Limits::DEFAULT.max_input_len;
    assert_eq!(max, 8 * 1024 * 1024);
    assert_eq!(bytes_code(&vec![0u8; max + 1]), "cbor_too_large");
    // At the limit the size passes (and the zeros are trailing bytes).
    assert_eq!(bytes_code(&vec![0u8; max]), "cbor_trailing_bytes");
    // A valid document under a smaller limit.
    let bytes = issued(&ua()).to_vec().unwrap();
    let limits = Limits {
        max_input_len: bytes.len() - 1,
        ..Limits::DEFAULT
    };
    assert_eq!(code(cbor::decode_with(&bytes, &limits)), "cbor_too_large");
    cbor::decode_with(
        &bytes,
        &Limits {
            max_input_len: bytes.len(),
            ..Limits::DEFAULT
        },
    )
    .unwrap();
}

#[test]
fn cbor_too_deep() {
    let nested = |depth: usize| {
        let mut bytes = vec![0x81; depth];
        bytes.push(0x00);
        bytes
    };
    // Depth 32 passes the decoder (and is no IssuerSigned); 33 does not.
    assert_eq!(bytes_code(&nested(32)), "invalid_structure");
    assert_eq!(bytes_code(&nested(33)), "cbor_too_deep");
    // Tags count as nesting too.
    let mut tags = vec![0xc1; 33];
    tags.push(0x00);
    assert_eq!(bytes_code(&tags), "cbor_too_deep");
    // An issuer signs an element nested 40 deep; the verifier refuses it
    // when decoding the item's embedded bytes.
    let ua = ua();
    let mut value = Value::Bool(true);
    for _ in 0..40 {
        value = Value::Array(vec![value]);
    }
    let mut elements = small_elements("UA");
    elements
        .get_mut(MDL_NS)
        .unwrap()
        .insert("deep".into(), value);
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue(MDL, &elements, &device(), &validity(), &mut rng(6))
        .unwrap();
    assert_eq!(
        code(verifier(&[&ua]).verify(&document.to_vec().unwrap(), &VerifyOptions::at(NOW))),
        "cbor_too_deep"
    );
}

#[test]
fn cbor_too_many_items() {
    let array = |len: u32| {
        let mut bytes = vec![0x9a];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.resize(5 + len as usize, 0x00);
        bytes
    };
    let max = Limits::DEFAULT.max_items;
    assert_eq!(max, 100_000);
    // The array itself is an item: max - 1 elements make max items.
    assert_eq!(bytes_code(&array(max as u32 - 1)), "invalid_structure");
    assert_eq!(bytes_code(&array(max as u32)), "cbor_too_many_items");
    let limits = Limits {
        max_items: 3,
        ..Limits::DEFAULT
    };
    assert_eq!(
        code(cbor::decode_with(&[0x83, 1, 2, 3], &limits)),
        "cbor_too_many_items"
    );
    cbor::decode_with(&[0x82, 1, 2], &limits).unwrap();
}

#[test]
fn cbor_length_exceeds_input() {
    // A byte string claiming 4 GiB, an array claiming 2^64 - 1 items, a map
    // claiming a million entries: refused before any allocation.
    assert_eq!(
        bytes_code(&[0x5a, 0xff, 0xff, 0xff, 0xff, 0x00]),
        "cbor_length_exceeds_input"
    );
    assert_eq!(
        bytes_code(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        "cbor_length_exceeds_input"
    );
    assert_eq!(
        bytes_code(&[0xba, 0x00, 0x0f, 0x42, 0x40, 0x00, 0x00]),
        "cbor_length_exceeds_input"
    );
    // A document cut short by one byte: its last byte string (the
    // signature) claims more than is left.
    let bytes = issued(&ua()).to_vec().unwrap();
    assert_eq!(
        bytes_code(&bytes[..bytes.len() - 1]),
        "cbor_length_exceeds_input"
    );
}

#[test]
fn cbor_trailing_bytes() {
    let mut bytes = issued(&ua()).to_vec().unwrap();
    bytes.push(0x00);
    assert_eq!(bytes_code(&bytes), "cbor_trailing_bytes");
    assert_eq!(bytes_code(&[0x00, 0x00]), "cbor_trailing_bytes");
}

#[test]
fn cbor_indefinite_length() {
    // The document's top-level map re-encoded with an indefinite length.
    let bytes = issued(&ua()).to_vec().unwrap();
    assert_eq!(bytes[0], 0xa2);
    let mut indefinite = vec![0xbf];
    indefinite.extend_from_slice(&bytes[1..]);
    indefinite.push(0xff);
    assert_eq!(bytes_code(&indefinite), "cbor_indefinite_length");
    // Indefinite byte string, text string and array.
    for head in [0x5f, 0x7f, 0x9f] {
        assert_eq!(bytes_code(&[head, 0xff]), "cbor_indefinite_length");
    }
}

#[test]
fn cbor_duplicate_key() {
    let ua = ua();
    // issuerAuth twice in IssuerSigned.
    let value = issued(&ua).to_value().unwrap();
    let Value::Map(mut entries) = value else {
        panic!()
    };
    entries.push(entries[1].clone());
    assert_eq!(value_code(&ua, &Value::Map(entries)), "cbor_duplicate_key");
    // digestID twice inside an item's embedded bytes.
    let mut value = issued(&ua).to_value().unwrap();
    let item = cbor::encode(&cbor::text_map([
        ("digestID", Value::from(0)),
        ("digestID", Value::from(1)),
        ("random", Value::Bytes(vec![0; 16])),
        ("elementIdentifier", Value::Text("family_name".into())),
        ("elementValue", Value::Text("x".into())),
    ]))
    .unwrap();
    items_of(&mut value)[0] = cbor::tag24(item);
    assert_eq!(value_code(&ua, &value), "cbor_duplicate_key");
    // alg twice in the protected header bytes: {1: -7, 1: -35}.
    let payload = mso_payload(&mso_value(&honest_name_spaces()));
    let auth = Value::Array(vec![
        Value::Bytes(vec![0xa2, 0x01, 0x26, 0x01, 0x38, 0x22]),
        Value::Map(vec![]),
        Value::Bytes(payload),
        Value::Bytes(vec![0; 64]),
    ]);
    assert_eq!(
        value_code(&ua, &with_issuer_auth(&honest_name_spaces(), auth)),
        "cbor_duplicate_key"
    );
}

#[test]
fn cbor_unexpected_tag() {
    let ua = ua();
    // An item in tag 25 instead of 24.
    let mut value = issued(&ua).to_value().unwrap();
    let Value::Tag(24, inner) = items_of(&mut value)[0].clone() else {
        panic!()
    };
    items_of(&mut value)[0] = Value::Tag(25, inner);
    assert_eq!(value_code(&ua, &value), "cbor_unexpected_tag");
    // issuerAuth as COSE_Sign (tag 98) rather than COSE_Sign1 (18 or none).
    let mut value = issued(&ua).to_value().unwrap();
    let auth = map_at(&mut value, "issuerAuth");
    *auth = Value::Tag(98, Box::new(auth.clone()));
    assert_eq!(value_code(&ua, &value), "cbor_unexpected_tag");
    // Tag 18 is accepted.
    let mut value = issued(&ua).to_value().unwrap();
    let auth = map_at(&mut value, "issuerAuth");
    *auth = Value::Tag(18, Box::new(auth.clone()));
    verifier(&[&ua])
        .verify(&cbor::encode(&value).unwrap(), &VerifyOptions::at(NOW))
        .unwrap();
    // validFrom as an epoch time (tag 1) in a signed MSO.
    let ns = honest_name_spaces();
    let document = forged(&ua, ns.clone(), &ns, |mso| {
        let validity = map_at(mso, "validityInfo");
        map_set(
            validity,
            "validFrom",
            Value::Tag(1, Box::new(Value::from(1_793_491_200))),
        );
    });
    assert_eq!(verify_code(&ua, &document), "cbor_unexpected_tag");
}

#[test]
fn cbor_not_tag24() {
    let ua = ua();
    // An item as a bare byte string.
    let mut value = issued(&ua).to_value().unwrap();
    let Value::Tag(24, inner) = items_of(&mut value)[0].clone() else {
        panic!()
    };
    items_of(&mut value)[0] = *inner;
    assert_eq!(value_code(&ua, &value), "cbor_not_tag24");
    // Tag 24 around text.
    let mut value = issued(&ua).to_value().unwrap();
    items_of(&mut value)[0] = Value::Tag(24, Box::new(Value::Text("x".into())));
    assert_eq!(value_code(&ua, &value), "cbor_not_tag24");
    // A signed payload that is the MSO itself, not MobileSecurityObjectBytes.
    let ns = honest_name_spaces();
    let payload = cbor::encode(&mso_value(&ns)).unwrap();
    assert_eq!(
        ds_signed_payload_code(&ua, ns, &payload, false),
        "cbor_not_tag24"
    );
}

// ----- Structure -----

#[test]
fn invalid_structure() {
    let ua = ua();
    // Not a map; a map without issuerAuth.
    assert_eq!(bytes_code(&[0x80]), "invalid_structure");
    assert_eq!(bytes_code(&[0xa0]), "invalid_structure");
    // A namespace with no item.
    let mut value = issued(&ua).to_value().unwrap();
    items_of(&mut value).clear();
    assert_eq!(value_code(&ua, &value), "invalid_structure");
    // An item without its salt.
    let mut value = issued(&ua).to_value().unwrap();
    let item = cbor::encode(&cbor::text_map([
        ("digestID", Value::from(0)),
        ("elementIdentifier", Value::Text("family_name".into())),
        ("elementValue", Value::Text("x".into())),
    ]))
    .unwrap();
    items_of(&mut value)[0] = cbor::tag24(item);
    assert_eq!(value_code(&ua, &value), "invalid_structure");
    // A negative digestID.
    let mut value = issued(&ua).to_value().unwrap();
    let item = cbor::encode(&cbor::text_map([
        ("digestID", Value::from(-1)),
        ("random", Value::Bytes(vec![0; 16])),
        ("elementIdentifier", Value::Text("family_name".into())),
        ("elementValue", Value::Text("x".into())),
    ]))
    .unwrap();
    items_of(&mut value)[0] = cbor::tag24(item);
    assert_eq!(value_code(&ua, &value), "invalid_structure");
    // A correctly signed MSO without validityInfo.
    let ns = honest_name_spaces();
    let document = forged(&ua, ns.clone(), &ns, |mso| map_remove(mso, "validityInfo"));
    assert_eq!(verify_code(&ua, &document), "invalid_structure");
    // A correctly signed MSO whose valueDigests is an array.
    let document = forged(&ua, ns.clone(), &ns, |mso| {
        map_set(mso, "valueDigests", Value::Array(vec![]))
    });
    assert_eq!(verify_code(&ua, &document), "invalid_structure");
}

#[test]
fn invalid_date() {
    let ua = ua();
    let ns = honest_name_spaces();
    // validUntil with month 13, in a correctly signed MSO.
    let document = forged(&ua, ns.clone(), &ns, |mso| {
        let validity = map_at(mso, "validityInfo");
        map_set(
            validity,
            "validUntil",
            Value::Tag(0, Box::new(Value::Text("2027-13-01T00:00:00Z".into()))),
        );
    });
    assert_eq!(verify_code(&ua, &document), "invalid_date");
    // validFrom as untagged text.
    let document = forged(&ua, ns.clone(), &ns, |mso| {
        let validity = map_at(mso, "validityInfo");
        map_set(
            validity,
            "validFrom",
            Value::Text("2026-11-01T00:00:00Z".into()),
        );
    });
    assert_eq!(verify_code(&ua, &document), "invalid_date");
    assert_eq!(code(cbor::parse_date("2026-02-30")), "invalid_date");
}

// ----- COSE -----

#[test]
fn cose_malformed() {
    let ua = ua();
    let ns = honest_name_spaces();
    let payload = mso_payload(&mso_value(&ns));
    // issuerAuth with three parts instead of four.
    let mut value = issued(&ua).to_value().unwrap();
    let Value::Array(parts) = map_at(&mut value, "issuerAuth") else {
        panic!()
    };
    parts.pop();
    assert_eq!(value_code(&ua, &value), "cose_malformed");
    // x5chain of the wrong type, and with a non-bstr entry.
    for x5chain in [
        Value::from(7),
        Value::Array(vec![
            Value::Bytes(ua.ds_certificate.der().to_vec()),
            Value::Text("x".into()),
        ]),
    ] {
        assert_eq!(
            unprotected_x5chain_code(&ua, &ns, &payload, x5chain),
            "cose_malformed"
        );
    }
    // A detached payload.
    assert_eq!(
        ds_signed_payload_code(&ua, ns, &payload, true),
        "cose_malformed"
    );
}

#[test]
fn algorithm_not_protected() {
    let ua = ua();
    let ns = honest_name_spaces();
    let payload = mso_payload(&mso_value(&ns));
    // The algorithm only in the unprotected header, correctly signed.
    let unprotected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::ES256)
        .value(
            HEADER_X5CHAIN,
            Value::Bytes(ua.ds_certificate.der().to_vec()),
        )
        .build();
    let auth = cose_value(
        HeaderBuilder::new().build(),
        unprotected,
        &payload,
        &ua.ds_key,
    );
    assert_eq!(
        value_code(&ua, &with_issuer_auth(&ns, auth)),
        "algorithm_not_protected"
    );
    // No algorithm anywhere, a non-empty protected header.
    let auth = cose_value(
        HeaderBuilder::new()
            .content_type("application/mso".into())
            .build(),
        x5chain_header(&ua),
        &payload,
        &ua.ds_key,
    );
    assert_eq!(
        code(Sign1::from_value(auth.clone())),
        "algorithm_not_protected"
    );
    assert_eq!(
        value_code(&ua, &with_issuer_auth(&ns, auth)),
        "algorithm_not_protected"
    );
}

#[test]
fn unsupported_algorithm() {
    let ua = ua();
    let ns = honest_name_spaces();
    let payload = mso_payload(&mso_value(&ns));
    // PS256 (-37), ES512 (-36) and a text algorithm in the protected header.
    for protected in [
        HeaderBuilder::new().algorithm(iana::Algorithm::PS256),
        HeaderBuilder::new().algorithm(iana::Algorithm::ES512),
        HeaderBuilder::new().algorithm_label(RegisteredLabelWithPrivate::Text("ES256".into())),
    ] {
        let auth = cose_value(protected.build(), x5chain_header(&ua), &payload, &ua.ds_key);
        assert_eq!(
            value_code(&ua, &with_issuer_auth(&ns, auth)),
            "unsupported_algorithm"
        );
    }
    assert_eq!(code(Algorithm::from_cose_id(-37)), "unsupported_algorithm");
    assert_eq!(code(Algorithm::from_name("rs256")), "unsupported_algorithm");
}

#[test]
fn algorithm_key_mismatch() {
    // ES384 in the protected header with a P-256 Document Signer key; and
    // EdDSA over a P-384 key.
    for (ds_alg, claimed) in [
        (Algorithm::Es256, Algorithm::Es384),
        (Algorithm::Es384, Algorithm::EdDsa),
        (Algorithm::EdDsa, Algorithm::Es256),
    ] {
        let authority = ukraine(ds_alg, 7);
        let liar = LyingSigner(authority.ds_key.clone(), claimed);
        let ns = honest_name_spaces();
        let auth = sign_mso(
            &mso_value(&ns),
            &liar,
            vec![authority.ds_certificate.der().to_vec()],
        );
        assert_eq!(auth.algorithm(), claimed);
        assert_eq!(
            verify_code(&authority, &IssuerSigned::new(ns, auth)),
            "algorithm_key_mismatch",
            "{claimed} with a {ds_alg} key"
        );
    }
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(8));
    let signature = key.sign(b"m").unwrap();
    assert_eq!(
        code(key.public_key().verify(Algorithm::Es384, b"m", &signature)),
        "algorithm_key_mismatch"
    );
}

#[test]
fn unknown_critical_header() {
    let ua = ua();
    let ns = honest_name_spaces();
    let payload = mso_payload(&mso_value(&ns));
    let alg = || HeaderBuilder::new().algorithm(iana::Algorithm::ES256);
    for protected in [
        // A private-use label, present and critical.
        alg()
            .value(-65537, Value::from(1))
            .add_critical_label(RegisteredLabelWithPrivate::PrivateUse(-65537)),
        // content type (3): registered, but not understood by the crate.
        alg()
            .content_type("application/mso".into())
            .add_critical(iana::HeaderParameter::ContentType),
        // A text label.
        alg()
            .text_value("x-ext".into(), Value::Bool(true))
            .add_critical_label(RegisteredLabelWithPrivate::Text("x-ext".into())),
    ] {
        let auth = cose_value(protected.build(), x5chain_header(&ua), &payload, &ua.ds_key);
        assert_eq!(
            code(Sign1::from_value(auth.clone())),
            "unknown_critical_header"
        );
        assert_eq!(
            value_code(&ua, &with_issuer_auth(&ns, auth)),
            "unknown_critical_header"
        );
    }
}

#[test]
fn signature_invalid() {
    for alg in Algorithm::ALL {
        let authority = ukraine(alg, 9);
        // One bit of the signature flipped.
        let document = issued(&authority);
        let auth = common::tampered(document.issuer_auth(), |c| {
            *c.signature.last_mut().unwrap() ^= 0x01;
        });
        let tampered = IssuerSigned::new(document.name_spaces().to_vec(), auth);
        assert_eq!(
            verify_code(&authority, &tampered),
            "signature_invalid",
            "{alg}"
        );
        // Signed by another key of the same algorithm, DS certificate in x5chain.
        let other = SoftwareKey::generate(alg, &mut rng(10));
        let ns = honest_name_spaces();
        let auth = sign_mso(
            &mso_value(&ns),
            &other,
            vec![authority.ds_certificate.der().to_vec()],
        );
        assert_eq!(
            verify_code(&authority, &IssuerSigned::new(ns, auth)),
            "signature_invalid",
            "{alg}"
        );
        // A signature of the wrong length.
        let auth = common::tampered(document.issuer_auth(), |c| c.signature.push(0));
        let tampered = IssuerSigned::new(document.name_spaces().to_vec(), auth);
        assert_eq!(
            verify_code(&authority, &tampered),
            "signature_invalid",
            "{alg}"
        );
    }
}

#[test]
fn x5chain_missing() {
    let ua = ua();
    let ns = honest_name_spaces();
    // No x5chain header.
    let auth = sign_mso(&mso_value(&ns), &ua.ds_key, vec![]);
    assert_eq!(
        verify_code(&ua, &IssuerSigned::new(ns.clone(), auth)),
        "x5chain_missing"
    );
    // An empty array, and an empty byte string.
    let payload = mso_payload(&mso_value(&ns));
    for x5chain in [Value::Array(vec![]), Value::Bytes(vec![])] {
        assert_eq!(
            unprotected_x5chain_code(&ua, &ns, &payload, x5chain),
            "x5chain_missing"
        );
    }
}

// ----- Keys -----

#[test]
fn invalid_key() {
    let ua = ua();
    let ns = honest_name_spaces();
    let device = device();
    let cose_key = device.to_cose_key_value().unwrap();
    // Correctly signed MSOs whose device key cannot be read: an Ed25519 key
    // of 31 bytes, a P-256 key off the curve, and no key type.
    let short_okp = Value::Map(vec![
        (Value::from(1), Value::from(1)),
        (Value::from(-1), Value::from(6)),
        (Value::from(-2), Value::Bytes(vec![7; 31])),
    ]);
    let Value::Map(mut off_curve) = cose_key else {
        panic!()
    };
    for (label, value) in &mut off_curve {
        if *label == Value::from(-3) {
            let Value::Bytes(y) = value else { panic!() };
            y[31] ^= 0x01;
        }
    }
    for bad in [short_okp, Value::Map(off_curve), Value::Map(vec![])] {
        let document = forged(&ua, ns.clone(), &ns, |mso| {
            let info = map_at(mso, "deviceKeyInfo");
            map_set(info, "deviceKey", bad);
        });
        assert_eq!(verify_code(&ua, &document), "invalid_key");
    }
    assert_eq!(code(PublicKey::from_pem("not a key")), "invalid_key");
    assert_eq!(
        code(PublicKey::from_cose_key_value(&Value::from(1))),
        "invalid_key"
    );
    assert_eq!(code(PublicKey::from_spki_der(&[0x30, 0x00])), "invalid_key");
    assert_eq!(code(SoftwareKey::from_pkcs8_pem("nope")), "invalid_key");
    // Issuing a certificate with a key that is not the issuer's.
    let other = SoftwareKey::generate(Algorithm::Es256, &mut rng(11));
    assert_eq!(
        code(create_issued(
            &spec("x", "UA", 5),
            CertificateProfile::DocumentSigner,
            &other.public_key(),
            &ua.iaca_certificate,
            &other,
        )),
        "invalid_key"
    );
}

#[test]
fn signing_failed() {
    for alg in Algorithm::ALL {
        let authority = ukraine(alg, 12);
        let hsm = FailingSigner(authority.ds_key.clone());
        let issuer = Issuer::new(&hsm, &authority.ds_certificate).unwrap();
        let result = issuer.issue_document(
            &docbridge::documents::samples::driving_licence_ua(),
            &device(),
            &validity(),
            &mut rng(13),
        );
        assert_eq!(
            result.map(|_| ()),
            Err(Error::SigningFailed("HSM offline".into()))
        );
        assert_eq!(
            code(sign1(&hsm, b"payload", &Sign1Options::default())),
            "signing_failed"
        );
        assert_eq!(
            code(create_self_signed(
                &spec("x", "UA", 1),
                CertificateProfile::Iaca,
                &hsm
            )),
            "signing_failed"
        );
    }
}

/// A signer whose signatures are made with another key than the one it
/// reports (an HSM key slot mix-up).
struct WrongKeySigner(SoftwareKey, SoftwareKey);

impl Signer for WrongKeySigner {
    fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, message: &[u8]) -> docbridge::Result<Vec<u8>> {
        self.1.sign(message)
    }
}

/// Certificate creation checks its own signature and reports such a signer
/// as `signing_failed`; issuing does not, and returns a document that every
/// verifier refuses (`signature_invalid`).
#[test]
fn issuing_with_a_signer_using_another_key_is_signing_failed() {
    let ua = ua();
    let other = SoftwareKey::generate(Algorithm::Es256, &mut rng(46));
    let wrong = WrongKeySigner(ua.ds_key.clone(), other.clone());
    assert_eq!(
        code(create_self_signed(
            &spec("x", "UA", 1),
            CertificateProfile::Iaca,
            &WrongKeySigner(ua.iaca_key.clone(), other)
        )),
        "signing_failed"
    );
    let result = Issuer::new(&wrong, &ua.ds_certificate).unwrap().issue(
        MDL,
        &small_elements("UA"),
        &device(),
        &validity(),
        &mut rng(47),
    );
    if let Ok(document) = &result {
        assert_eq!(verify_code(&ua, document), "signature_invalid");
    }
    assert_eq!(code(result), "signing_failed");
}

// ----- Certificates -----

#[test]
fn certificate_malformed() {
    let ua = ua();
    let ns = honest_name_spaces();
    let mut der_and_more = ua.ds_certificate.der().to_vec();
    der_and_more.push(0x00);
    for x5chain in [
        b"garbage".to_vec(),
        der_and_more,
        ua.ds_certificate.der()[..100].to_vec(),
    ] {
        let auth = sign_mso(&mso_value(&ns), &ua.ds_key, vec![x5chain]);
        assert_eq!(
            verify_code(&ua, &IssuerSigned::new(ns.clone(), auth)),
            "certificate_malformed"
        );
    }
    assert_eq!(code(Certificate::from_der(b"")), "certificate_malformed");
    assert_eq!(code(Certificate::from_pem_all("")), "certificate_malformed");
}

/// An authority whose certificates are valid from `from` to `until` (the
/// MSO validity stays 2026-11-01 .. 2027-11-01).
fn authority_valid(from: OffsetDateTime, until: OffsetDateTime) -> DemoAuthority {
    DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[MDL],
        from,
        until,
        &mut rng(14),
    )
    .unwrap()
}

#[test]
fn certificate_expired() {
    // The certificates end before the MSO does.
    let ua = authority_valid(CERT_FROM, datetime!(2027-01-01 0:00 UTC));
    let document = issued(&ua);
    let verifier = verifier(&[&ua]);
    verifier
        .verify(
            &document,
            &VerifyOptions::at(datetime!(2027-01-01 0:00 UTC)),
        )
        .unwrap();
    assert_eq!(
        code(verifier.verify(
            &document,
            &VerifyOptions::at(datetime!(2027-01-01 0:00:01 UTC))
        )),
        "certificate_expired"
    );
    // Only the Document Signer certificate has expired.
    let ua = ukraine(Algorithm::Es256, 15);
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(16));
    let ds = create_issued(
        &CertificateSpec {
            not_after: datetime!(2026-11-15 0:00 UTC),
            ..spec("Diia Document Signer", "UA", 9)
        },
        CertificateProfile::DocumentSigner,
        &key.public_key(),
        &ua.iaca_certificate,
        &ua.iaca_key,
    )
    .unwrap();
    assert_eq!(verify_code(&ua, &with_ds(&key, &ds)), "certificate_expired");
}

#[test]
fn certificate_not_yet_valid() {
    // The certificates start after the MSO does.
    let ua = authority_valid(datetime!(2026-12-01 0:00 UTC), CERT_UNTIL);
    let document = issued(&ua);
    let verifier = verifier(&[&ua]);
    assert_eq!(
        code(verifier.verify(
            &document,
            &VerifyOptions::at(datetime!(2026-11-30 23:59:59 UTC))
        )),
        "certificate_not_yet_valid"
    );
    verifier
        .verify(
            &document,
            &VerifyOptions::at(datetime!(2026-12-01 0:00 UTC)),
        )
        .unwrap();
}

#[test]
fn certificate_profile() {
    let ua = ua();
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(17));
    // A DS with the reader EKU instead of the Document Signer EKU, and a DS
    // that is a CA.
    for profile in [
        CertificateProfile::ReaderAuthentication,
        CertificateProfile::Iaca,
        CertificateProfile::TrustListSigner,
    ] {
        let ds = create_issued(
            &spec("Diia Document Signer", "UA", 21),
            profile,
            &key.public_key(),
            &ua.iaca_certificate,
            &ua.iaca_key,
        )
        .unwrap();
        assert_eq!(
            verify_code(&ua, &with_ds(&key, &ds)),
            "certificate_profile",
            "{profile:?}"
        );
    }
    // A trusted "IACA" without keyCertSign (and not a CA): a trust-list
    // signer or a Document Signer certificate in the IACA's place.
    for profile in [
        CertificateProfile::TrustListSigner,
        CertificateProfile::DocumentSigner,
    ] {
        let iaca_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(18));
        let iaca = create_self_signed(&spec("Fake IACA", "UA", 22), profile, &iaca_key).unwrap();
        assert_eq!(code(check_iaca_profile(&iaca)), "certificate_profile");
        let ds = create_issued(
            &spec("Fake Document Signer", "UA", 23),
            CertificateProfile::DocumentSigner,
            &key.public_key(),
            &iaca,
            &iaca_key,
        )
        .unwrap();
        let authority =
            IssuingAuthority::new("UA:fake", "UA", "Fake", vec![iaca.clone()], [MDL]).unwrap();
        let verifier = Verifier::new(
            TrustedAuthorities::from_authorities([authority]).unwrap(),
            AcceptancePolicy::accept_all(),
        );
        assert_eq!(
            code(verifier.verify(&with_ds(&key, &ds), &VerifyOptions::at(NOW))),
            "certificate_profile",
            "{profile:?}"
        );
    }
}

#[test]
fn certificate_chain_invalid() {
    // Another IACA with the very same subject name but another key: the
    // name lookup finds the trusted IACA, whose key did not sign the DS.
    let trusted = ukraine(Algorithm::Es256, 24);
    let impostor = ukraine(Algorithm::Es256, 25);
    assert_eq!(
        trusted.iaca_certificate.subject_raw(),
        impostor.iaca_certificate.subject_raw()
    );
    assert_ne!(
        trusted.iaca_certificate.public_key(),
        impostor.iaca_certificate.public_key()
    );
    assert_eq!(
        verify_code(&trusted, &issued(&impostor)),
        "certificate_chain_invalid"
    );
    // Same name, another algorithm.
    let impostor = ukraine(Algorithm::EdDsa, 26);
    assert_eq!(
        verify_code(&trusted, &issued(&impostor)),
        "certificate_chain_invalid"
    );
    // Trusting both IACAs of that name, the one that signed is found.
    let impostor = ukraine(Algorithm::Es256, 25);
    let twin = IssuingAuthority::new(
        "UA:twin",
        "UA",
        "Twin",
        vec![impostor.iaca_certificate.clone()],
        [MDL],
    )
    .unwrap();
    let both = Verifier::new(
        TrustedAuthorities::from_authorities([twin, trusted.authority.clone()]).unwrap(),
        AcceptancePolicy::accept_all(),
    );
    assert_eq!(
        both.verify(&issued(&trusted), &VerifyOptions::at(NOW))
            .unwrap()
            .authority_id(),
        "UA:diia"
    );
    assert_eq!(
        both.verify(&issued(&impostor), &VerifyOptions::at(NOW))
            .unwrap()
            .authority_id(),
        "UA:twin"
    );
}

// ----- Trust -----

#[test]
fn untrusted_issuer() {
    let ua = ua();
    let other = authority_for("UA", "Not Diia", Algorithm::Es256, &[MDL], 27);
    assert_eq!(verify_code(&ua, &issued(&other)), "untrusted_issuer");
    let pl = poland(Algorithm::Es256, 28);
    assert_eq!(verify_code(&ua, &issued(&pl)), "untrusted_issuer");
    // An empty trust set.
    let nobody = Verifier::new(TrustedAuthorities::new(), AcceptancePolicy::accept_all());
    assert_eq!(
        code(nobody.verify(&issued(&ua), &VerifyOptions::at(NOW))),
        "untrusted_issuer"
    );
}

#[test]
fn country_mismatch() {
    let ua = ua();
    // issuing_country "PL" in a document signed by the Ukrainian DS.
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue(
            MDL,
            &small_elements("PL"),
            &device(),
            &validity(),
            &mut rng(29),
        )
        .unwrap();
    assert_eq!(verify_code(&ua, &document), "country_mismatch");
    // The same through the typed document.
    let mut licence = docbridge::documents::samples::driving_licence_ua();
    licence.issuing_country = Some("PL".into());
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(&licence, &device(), &validity(), &mut rng(30))
        .unwrap();
    assert_eq!(verify_code(&ua, &document), "country_mismatch");
    // issuing_country that is no text, in a correctly signed document.
    let ns = name_spaces(&[(MDL_NS, vec![(0, "issuing_country", Value::from(804))])]);
    assert_eq!(
        verify_code(&ua, &forged(&ua, ns.clone(), &ns, |_| {})),
        "country_mismatch"
    );
    // A Polish DS certificate issued by the Ukrainian IACA.
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(31));
    let ds = create_issued(
        &spec("Diia Document Signer", "PL", 32),
        CertificateProfile::DocumentSigner,
        &key.public_key(),
        &ua.iaca_certificate,
        &ua.iaca_key,
    )
    .unwrap();
    assert_eq!(verify_code(&ua, &with_ds(&key, &ds)), "country_mismatch");
    // An authority of PL with the Ukrainian IACA.
    assert_eq!(
        code(IssuingAuthority::new(
            "PL:x",
            "PL",
            "x",
            vec![ua.iaca_certificate.clone()],
            [MDL]
        )),
        "country_mismatch"
    );
}

#[test]
fn doc_type_not_allowed() {
    // An authority that may issue driving licences only, signing a
    // residence permit.
    let ua = authority_for("UA", "Diia", Algorithm::Es256, &[MDL], 33);
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(
            &docbridge::documents::samples::residence_permit_ua(),
            &device(),
            &validity(),
            &mut rng(34),
        )
        .unwrap();
    assert_eq!(verify_code(&ua, &document), "doc_type_not_allowed");
    // A doc type nobody models either.
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue(
            "org.example.other.1",
            &small_elements("UA"),
            &device(),
            &validity(),
            &mut rng(35),
        )
        .unwrap();
    assert_eq!(verify_code(&ua, &document), "doc_type_not_allowed");
}

#[test]
fn not_accepted() {
    let ua = ua();
    let trusted = || TrustedAuthorities::from_authorities([ua.authority.clone()]).unwrap();
    let document = issued(&ua);
    let with = |policy: AcceptancePolicy| {
        Verifier::new(trusted(), policy).verify(&document, &VerifyOptions::at(NOW))
    };
    assert_eq!(code(with(AcceptancePolicy::none())), "not_accepted");
    assert_eq!(
        code(with(AcceptancePolicy::none().accept("PL", MDL))),
        "not_accepted"
    );
    assert_eq!(
        code(with(
            AcceptancePolicy::none()
                .accept("UA", ResidencePermit::DOC_TYPE)
                .accept_country("PL")
        )),
        "not_accepted"
    );
    with(AcceptancePolicy::none().accept("UA", MDL)).unwrap();
    with(AcceptancePolicy::none().accept_country("UA")).unwrap();
}

// ----- Mobile security object -----

#[test]
fn doc_type_mismatch() {
    let ua = ua();
    let verifier = verifier(&[&ua]);
    let document = issued(&ua);
    assert_eq!(
        code(verifier.verify(
            &document,
            &VerifyOptions::at(NOW).doc_type(ResidencePermit::DOC_TYPE)
        )),
        "doc_type_mismatch"
    );
    assert_eq!(
        code(verifier.verify(
            &document,
            &VerifyOptions::at(NOW).doc_type("org.iso.18013.5.1.mdl")
        )),
        "doc_type_mismatch"
    );
    verifier
        .verify(&document, &VerifyOptions::at(NOW).doc_type(MDL))
        .unwrap();
}

#[test]
fn unsupported_digest_algorithm() {
    let ua = ua();
    let ns = honest_name_spaces();
    for name in ["MD5", "SHA-1", "sha-256", "SHA256"] {
        let document = forged(&ua, ns.clone(), &ns, |mso| {
            map_set(mso, "digestAlgorithm", Value::Text(name.into()))
        });
        assert_eq!(
            verify_code(&ua, &document),
            "unsupported_digest_algorithm",
            "{name}"
        );
        assert_eq!(
            code(DigestAlgorithm::from_name(name)),
            "unsupported_digest_algorithm"
        );
    }
}

#[test]
fn digest_missing() {
    let ua = ua();
    let digested = honest_name_spaces();
    // An extra item whose digestID the MSO does not hold.
    let mut disclosed = digested.clone();
    disclosed[0]
        .1
        .push(item(999, "age_over_21", Value::Bool(true)));
    assert_eq!(
        verify_code(&ua, &forged(&ua, disclosed, &digested, |_| {})),
        "digest_missing"
    );
    // An item in a namespace the MSO does not have, with a digestID that
    // exists in another namespace.
    let mut disclosed = digested.clone();
    disclosed.push((
        "org.iso.18013.5.1.UA".into(),
        vec![item(0, "tax_number", Value::Text("1".into()))],
    ));
    assert_eq!(
        verify_code(&ua, &forged(&ua, disclosed, &digested, |_| {})),
        "digest_missing"
    );
    // Added to an honestly issued document.
    let document = issued(&ua);
    let mut ns = document.name_spaces().to_vec();
    ns[0].1.push(item(4, "age_over_21", Value::Bool(true)));
    assert_eq!(
        verify_code(&ua, &IssuerSigned::new(ns, document.issuer_auth().clone())),
        "digest_missing"
    );
}

#[test]
fn digest_mismatch() {
    let ua = ua();
    let document = issued(&ua);
    let mut ns = document.name_spaces().to_vec();
    let original = ns[0].1[0].item().clone();
    // A tampered element value, same digestID and salt.
    let mut tampered = original.clone();
    tampered.element_value = Value::Text("Коваленко".into());
    ns[0].1[0] = IssuerSignedItemBytes::encode(tampered).unwrap();
    let auth = document.issuer_auth().clone();
    assert_eq!(
        verify_code(&ua, &IssuerSigned::new(ns.clone(), auth.clone())),
        "digest_mismatch"
    );
    // A tampered salt.
    let mut tampered = original.clone();
    tampered.random[0] ^= 1;
    ns[0].1[0] = IssuerSignedItemBytes::encode(tampered).unwrap();
    assert_eq!(
        verify_code(&ua, &IssuerSigned::new(ns.clone(), auth.clone())),
        "digest_mismatch"
    );
    // Another item's digestID.
    let mut swapped = original;
    swapped.digest_id = ns[0].1[1].item().digest_id;
    ns[0].1 = vec![IssuerSignedItemBytes::encode(swapped).unwrap()];
    assert_eq!(
        verify_code(&ua, &IssuerSigned::new(ns, auth)),
        "digest_mismatch"
    );
    // The same value, re-encoded differently (a non-preferred integer
    // head): the digest is over the bytes as received.
    let mut value = issued(&ua).to_value().unwrap();
    let items = items_of(&mut value);
    let Value::Tag(24, inner) = &items[0] else {
        panic!()
    };
    let Value::Bytes(inner) = inner.as_ref() else {
        panic!()
    };
    let item = cbor::decode(inner).unwrap();
    let mut reencoded = cbor::encode(&item).unwrap();
    assert_eq!(&reencoded, inner);
    // The item map starts a4 68 "digestID" <uint>; widen the uint's head.
    assert_eq!(&reencoded[..10], b"\xa4\x68digestID");
    let id = reencoded[10];
    assert!(id < 24);
    reencoded.splice(10..11, [0x18, id]);
    items[0] = cbor::tag24(reencoded);
    assert_eq!(value_code(&ua, &value), "digest_mismatch");
}

/// The MSO's digest for `digest_id` in the main namespace, replaced.
fn set_mso_digest(mso: &mut Value, digest_id: u64, digest: Vec<u8>) {
    let Value::Map(digests) = map_at(map_at(mso, "valueDigests"), MDL_NS) else {
        panic!("not a map")
    };
    let entry = digests
        .iter_mut()
        .find(|(id, _)| *id == Value::from(digest_id))
        .expect("the digestID");
    entry.1 = Value::Bytes(digest);
}

#[test]
fn digest_longer_than_any_algorithm() {
    let ua = ua();
    let ns = honest_name_spaces();
    // 65 bytes: no digest algorithm writes one, and a digest is held in
    // 64. Refused as a malformed MSO, even for an element not disclosed.
    let undisclosed = name_spaces(&[(
        MDL_NS,
        vec![(0, "family_name", Value::Text("Шевченко".into()))],
    )]);
    let document = forged(&ua, undisclosed, &ns, |mso| {
        set_mso_digest(mso, 2, vec![0xd1; 65])
    });
    assert_eq!(verify_code(&ua, &document), "invalid_structure");
    // 64 bytes under SHA-256 is the wrong length, yet holdable: it is the
    // digest that does not match, as before digests were held inline.
    let document = forged(&ua, ns.clone(), &ns, |mso| {
        set_mso_digest(mso, 2, vec![0xd1; 64])
    });
    assert_eq!(verify_code(&ua, &document), "digest_mismatch");
    let undisclosed = name_spaces(&[(
        MDL_NS,
        vec![(0, "family_name", Value::Text("Шевченко".into()))],
    )]);
    let document = forged(&ua, undisclosed, &ns, |mso| {
        set_mso_digest(mso, 2, vec![0xd1; 64])
    });
    assert_eq!(
        verifier(&[&ua])
            .verify(&document, &VerifyOptions::at(NOW))
            .unwrap()
            .elements()[MDL_NS]
            .len(),
        1
    );
}

/// The MSO digests an item's tag-24 wrapper as it arrived, heads included:
/// a wrapper whose tag head is written longer than it needs to be verifies
/// against a digest of those bytes (from bytes, and from the structure
/// decoded from them), and not against the digest of its shortest form.
#[test]
fn digest_over_the_wrapper_heads_as_received() {
    let ua = ua();
    let ns = honest_name_spaces();
    let first = &ns[0].1[0];
    let shortest = first.tagged_bytes().unwrap();
    assert_eq!(shortest[..2], [0xd8, 0x18]);
    // Tag 24 in a two-byte argument: d9 0018 instead of d8 18.
    let widened = [&[0xd9, 0x00, 0x18][..], &shortest[2..]].concat();
    let widen = |document: &IssuerSigned| {
        let bytes = document.to_vec().unwrap();
        let at = find_unique(&bytes, &shortest);
        [&bytes[..at], &widened[..], &bytes[at + shortest.len()..]].concat()
    };
    let id = first.item().digest_id;
    let options = VerifyOptions::at(NOW);
    let verifier = verifier(&[&ua]);

    let signed_over_widened = forged(&ua, ns.clone(), &ns, |mso| {
        set_mso_digest(mso, id, DigestAlgorithm::Sha256.digest(&widened).to_vec())
    });
    let received = widen(&signed_over_widened);
    verifier.verify(&received[..], &options).unwrap();
    let decoded = IssuerSigned::from_slice(&received).unwrap();
    assert_eq!(
        decoded.name_spaces()[0].1[0].tagged_bytes().unwrap(),
        widened
    );
    verifier.verify(&decoded, &options).unwrap();

    let signed_over_shortest = forged(&ua, ns.clone(), &ns, |_| {});
    let received = widen(&signed_over_shortest);
    assert_eq!(
        code(verifier.verify(&received[..], &options)),
        "digest_mismatch"
    );
    let decoded = IssuerSigned::from_slice(&received).unwrap();
    assert_eq!(code(verifier.verify(&decoded, &options)), "digest_mismatch");
}

#[test]
fn duplicate_element() {
    let ua = ua();
    let digested = honest_name_spaces();
    // The same item twice (same digestID).
    let mut disclosed = digested.clone();
    let first = disclosed[0].1[0].clone();
    disclosed[0].1.push(first);
    assert_eq!(
        verify_code(&ua, &forged(&ua, disclosed, &digested, |_| {})),
        "duplicate_element"
    );
    // One element under two digestIDs, both digested and signed.
    let twice = name_spaces(&[(
        MDL_NS,
        vec![
            (0, "family_name", Value::Text("Шевченко".into())),
            (1, "family_name", Value::Text("Коваленко".into())),
        ],
    )]);
    assert_eq!(
        verify_code(&ua, &forged(&ua, twice.clone(), &twice, |_| {})),
        "duplicate_element"
    );
    // One namespace twice.
    let document = issued(&ua);
    let mut ns = document.name_spaces().to_vec();
    ns.push(ns[0].clone());
    assert_eq!(
        verify_code(&ua, &IssuerSigned::new(ns, document.issuer_auth().clone())),
        "duplicate_element"
    );
}

/// One edge of the MSO validity (with the allowed clock skew): the honest
/// document verified at `refused` must fail with `expected`, and verified at
/// `accepted`, one second further in, must pass.
fn assert_validity_edge(refused: OffsetDateTime, accepted: OffsetDateTime, expected: &str) {
    let ua = ua();
    let verifier = verifier(&[&ua]);
    let document = issued(&ua);
    assert_eq!(
        code(verifier.verify(&document, &VerifyOptions::at(refused))),
        expected
    );
    verifier
        .verify(&document, &VerifyOptions::at(accepted))
        .unwrap();
}

#[test]
fn not_yet_valid() {
    assert_validity_edge(
        datetime!(2026-10-31 23:54:59 UTC),
        datetime!(2026-10-31 23:55:00 UTC),
        "not_yet_valid",
    );
}

#[test]
fn expired() {
    assert_validity_edge(
        datetime!(2027-11-01 00:05:01 UTC),
        datetime!(2027-11-01 00:05:00 UTC),
        "expired",
    );
}

// ----- Claims -----

#[test]
fn missing_element() {
    let ua = ua();
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let mut licence = docbridge::documents::samples::driving_licence_ua();
    licence.family_name = None;
    let err = issuer
        .issue_document(&licence, &device(), &validity(), &mut rng(36))
        .unwrap_err();
    assert_eq!(err.code(), "missing_element");
    assert!(
        err.to_string().contains("org.iso.18013.5.1/family_name"),
        "{err}"
    );
    let mut vrc = docbridge::documents::samples::vehicle_registration_pl();
    vrc.registration_number = None;
    assert_eq!(
        code(issuer.issue_document(&vrc, &device(), &validity(), &mut rng(37))),
        "missing_element"
    );
    let mut permit = docbridge::documents::samples::residence_permit_pl();
    permit.permit_type = None;
    assert_eq!(
        code(issuer.issue_document(&permit, &device(), &validity(), &mut rng(38))),
        "missing_element"
    );
    // Reading a whole document that lacks one.
    assert_eq!(
        code(VehicleRegistration::from_elements(&Elements::new())),
        "missing_element"
    );
}

#[test]
fn invalid_element() {
    let ua = ua();
    // A correctly signed element of the wrong type.
    let mut elements = small_elements("UA");
    elements
        .get_mut(MDL_NS)
        .unwrap()
        .insert("age_over_18".into(), Value::Text("yes".into()));
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let document = issuer
        .issue(MDL, &elements, &device(), &validity(), &mut rng(39))
        .unwrap();
    assert_eq!(verify_code(&ua, &document), "invalid_element");
    // A correctly signed nationality that is not alpha-2.
    let mut elements = small_elements("UA");
    elements
        .get_mut(MDL_NS)
        .unwrap()
        .insert("nationality".into(), Value::Text("UKR".into()));
    let document = issuer
        .issue(MDL, &elements, &device(), &validity(), &mut rng(40))
        .unwrap();
    assert_eq!(verify_code(&ua, &document), "invalid_element");
    // The typed issuer refuses such values before signing.
    let mut licence = docbridge::documents::samples::driving_licence_ua();
    licence.nationality = Some("Ukraine".into());
    assert_eq!(
        code(issuer.issue_document(&licence, &device(), &validity(), &mut rng(41))),
        "invalid_element"
    );
}

// ----- Caller -----

#[test]
fn invalid_argument() {
    let ua = ua();
    let issuer = || Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    // A salt shorter than 16 bytes.
    let short = IssueOptions {
        salt_len: 15,
        ..IssueOptions::default()
    };
    assert_eq!(code(issuer().with_options(short)), "invalid_argument");
    // A signer whose key is not the certificate's.
    let other = SoftwareKey::generate(Algorithm::Es256, &mut rng(42));
    assert_eq!(code(Issuer::new(&other, &ua.ds_certificate)), "invalid_key");
    // validUntil not after validFrom, an empty doc type, no elements.
    let issue = |doc_type: &str, elements: &Elements, validity: &ValidityInfo| {
        issuer().issue(doc_type, elements, &device(), validity, &mut rng(43))
    };
    assert_eq!(
        code(issue(
            MDL,
            &small_elements("UA"),
            &ValidityInfo::new(VALID_FROM, VALID_FROM, VALID_FROM)
        )),
        "invalid_argument"
    );
    assert_eq!(
        code(issue("", &small_elements("UA"), &validity())),
        "invalid_argument"
    );
    assert_eq!(
        code(issue(MDL, &Elements::new(), &validity())),
        "invalid_argument"
    );
    let empty_ns: Elements = [(MDL_NS.to_string(), BTreeMap::new())].into();
    assert_eq!(code(issue(MDL, &empty_ns, &validity())), "invalid_argument");
    // An unknown element shadowing a typed field.
    let mut licence = docbridge::documents::samples::driving_licence_ua();
    licence.other_elements.insert(
        MDL_NS.into(),
        [("family_name".to_string(), Value::Text("x".into()))].into(),
    );
    assert_eq!(
        code(issuer().issue_document(&licence, &device(), &validity(), &mut rng(44))),
        "invalid_argument"
    );
    // Authorities: a bad country, an empty id, no IACA, no doc type, a
    // duplicate id in the trusted set.
    let iaca = || vec![ua.iaca_certificate.clone()];
    assert_eq!(
        code(IssuingAuthority::new("UA:x", "ua", "x", iaca(), [MDL])),
        "invalid_argument"
    );
    assert_eq!(
        code(IssuingAuthority::new("", "UA", "x", iaca(), [MDL])),
        "invalid_argument"
    );
    assert_eq!(
        code(IssuingAuthority::new("UA:x", "UA", "x", vec![], [MDL])),
        "invalid_argument"
    );
    assert_eq!(
        code(IssuingAuthority::new(
            "UA:x",
            "UA",
            "x",
            iaca(),
            Vec::<String>::new()
        )),
        "invalid_argument"
    );
    assert_eq!(
        code(TrustedAuthorities::from_authorities([
            ua.authority.clone(),
            ua.authority.clone()
        ])),
        "invalid_argument"
    );
    // A demo authority valid backwards.
    assert_eq!(
        code(DemoAuthority::generate(
            "UA",
            "Diia",
            Algorithm::Es256,
            &[MDL],
            CERT_UNTIL,
            CERT_FROM,
            &mut rng(45)
        )),
        "invalid_argument"
    );
}

#[test]
fn io() {
    // The path-taking helpers of demo authorities: a directory that does not
    // exist, and a directory that cannot be created under a file.
    let missing = std::env::temp_dir().join(format!(
        "docbridge-error-codes-missing-{}",
        std::process::id()
    ));
    assert_eq!(code(DemoAuthority::load_from_dir(&missing)), "io");
    let file =
        std::env::temp_dir().join(format!("docbridge-error-codes-file-{}", std::process::id()));
    std::fs::write(&file, b"not a directory").unwrap();
    let result = ua().save_to_dir(
        &file.join("authority"),
        docbridge::trust::demo::Overwrite::Refuse,
    );
    std::fs::remove_file(&file).unwrap();
    assert_eq!(code(result), "io");
}

// ----- Status lists (the verifier's status step, and issuing's lists) -----

const STATUS_URI: &str = "https://status.diia.example/lists/7";

/// A document of `authority` referencing `reference`.
fn with_status(authority: &DemoAuthority, reference: StatusListReference) -> IssuerSigned {
    Issuer::new(&authority.ds_key, &authority.ds_certificate)
        .unwrap()
        .with_status_list(reference)
        .issue(
            MDL,
            &small_elements("UA"),
            &device(),
            &validity(),
            &mut rng(50),
        )
        .unwrap()
}

/// A list of 64 two-bit entries at [`STATUS_URI`], and a document of `ua`
/// referencing an entry of it.
fn status_fixture(ua: &DemoAuthority) -> (ManagedStatusList, StatusListReference, IssuerSigned) {
    let mut list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64).unwrap();
    let reference = list.allocate(&mut rng(51)).unwrap();
    assert_eq!(reference.uri, STATUS_URI);
    let document = with_status(ua, reference.clone());
    (list, reference, document)
}

/// `token` signed by `by`'s Document Signer.
fn signed_token(token: &StatusListToken, by: &DemoAuthority) -> Vec<u8> {
    token
        .sign(&by.ds_key, std::slice::from_ref(&by.ds_certificate))
        .unwrap()
}

/// The list's current token, issued an hour ago, valid for a day.
fn list_token(list: &ManagedStatusList, by: &DemoAuthority) -> Vec<u8> {
    let hour = time::Duration::HOUR;
    signed_token(&list.token(NOW - hour, NOW + 24 * hour, None).unwrap(), by)
}

fn status_code(ua: &DemoAuthority, document: &IssuerSigned, token: Option<&[u8]>) -> &'static str {
    let mut options = VerifyOptions::at(NOW);
    if let Some(token) = token {
        options = options.status_token(token);
    }
    code(verifier(&[ua]).verify(document, &options))
}

#[test]
fn status_token_missing() {
    let ua = ua();
    let (list, _, document) = status_fixture(&ua);
    assert_eq!(status_code(&ua, &document, None), "status_token_missing");
    assert_eq!(verify_code(&ua, &document), "status_token_missing");
    // The positive controls: with the token the document is VALID; a policy
    // may let a missing token pass, marked as not checked.
    let verified = verifier(&[&ua])
        .verify(
            &document,
            &VerifyOptions::at(NOW).status_token(&list_token(&list, &ua)),
        )
        .unwrap();
    assert_eq!(verified.status(), StatusOutcome::Valid);
    let lenient =
        verifier(&[&ua]).with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true));
    assert_eq!(
        lenient
            .verify(&document, &VerifyOptions::at(NOW))
            .unwrap()
            .status(),
        StatusOutcome::NotChecked
    );
}

#[test]
fn revoked() {
    let ua = ua();
    let (mut list, reference, document) = status_fixture(&ua);
    list.set(reference.idx, StatusValue::Invalid).unwrap();
    assert_eq!(
        status_code(&ua, &document, Some(&list_token(&list, &ua))),
        "revoked"
    );
}

#[test]
fn suspended() {
    let ua = ua();
    let (mut list, reference, document) = status_fixture(&ua);
    list.set(reference.idx, StatusValue::Suspended).unwrap();
    assert_eq!(
        status_code(&ua, &document, Some(&list_token(&list, &ua))),
        "suspended"
    );
    // Lifted again: VALID.
    list.set(reference.idx, StatusValue::Valid).unwrap();
    verifier(&[&ua])
        .verify(
            &document,
            &VerifyOptions::at(NOW).status_token(&list_token(&list, &ua)),
        )
        .unwrap();
}

#[test]
fn status_unrecognized_value() {
    let ua = ua();
    let (mut list, reference, document) = status_fixture(&ua);
    list.set(reference.idx, StatusValue::Other(3)).unwrap();
    let token = list_token(&list, &ua);
    assert_eq!(
        status_code(&ua, &document, Some(&token)),
        "status_unrecognized_value"
    );
    let lenient =
        verifier(&[&ua]).with_status_policy(StatusPolicy::fail_closed().accept_other_values(true));
    assert_eq!(
        lenient
            .verify(&document, &VerifyOptions::at(NOW).status_token(&token))
            .unwrap()
            .status(),
        StatusOutcome::Other(3)
    );
}

#[test]
fn status_token_uri_mismatch() {
    let ua = ua();
    let (_, _, document) = status_fixture(&ua);
    let other =
        ManagedStatusList::new_any_size("https://status.diia.example/lists/8", StatusBits::Two, 64)
            .unwrap();
    assert_eq!(
        status_code(&ua, &document, Some(&list_token(&other, &ua))),
        "status_token_uri_mismatch"
    );
}

#[test]
fn status_token_wrong_authority() {
    // The token is signed by another authority the verifier also trusts.
    let ua = ua();
    let pl = poland(Algorithm::Es256, 52);
    let (list, _, document) = status_fixture(&ua);
    assert_eq!(
        code(verifier(&[&ua, &pl]).verify(
            &document,
            &VerifyOptions::at(NOW).status_token(&list_token(&list, &pl))
        )),
        "status_token_wrong_authority"
    );
}

#[test]
fn status_token_expired() {
    let ua = ua();
    let (list, _, document) = status_fixture(&ua);
    let day = time::Duration::DAY;
    let token = list
        .token(NOW - 2 * day, NOW - time::Duration::HOUR, None)
        .unwrap();
    assert_eq!(
        status_code(&ua, &document, Some(&signed_token(&token, &ua))),
        "status_token_expired"
    );
}

#[test]
fn status_token_not_yet_valid() {
    let ua = ua();
    let (list, _, document) = status_fixture(&ua);
    let day = time::Duration::DAY;
    let token = list
        .token(NOW + time::Duration::HOUR, NOW + 2 * day, None)
        .unwrap();
    assert_eq!(
        status_code(&ua, &document, Some(&signed_token(&token, &ua))),
        "status_token_not_yet_valid"
    );
}

#[test]
fn status_token_type_mismatch() {
    // The claims signed by the right Document Signer, with a `typ` other
    // than application/statuslist+cwt.
    let ua = ua();
    let (list, _, document) = status_fixture(&ua);
    let hour = time::Duration::HOUR;
    let claims = list.token(NOW - hour, NOW + hour, None).unwrap();
    let payload = cbor::encode(&claims.to_claims_value()).unwrap();
    for typ in [Some("application/cwt"), None] {
        let signed = sign1(
            &ua.ds_key,
            &payload,
            &Sign1Options {
                x5chain: vec![ua.ds_certificate.der().to_vec()],
                typ: typ.map(str::to_string),
                ..Sign1Options::default()
            },
        )
        .unwrap();
        let token = cbor::encode(&signed.to_value().unwrap()).unwrap();
        assert_eq!(
            status_code(&ua, &document, Some(&token)),
            "status_token_type_mismatch",
            "typ {typ:?}"
        );
    }
}

#[test]
fn status_index_out_of_range() {
    // The document references entry 10,000 of a 64-entry list.
    let ua = ua();
    let list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64).unwrap();
    let document = with_status(&ua, StatusListReference::new(10_000, STATUS_URI).unwrap());
    assert_eq!(
        status_code(&ua, &document, Some(&list_token(&list, &ua))),
        "status_index_out_of_range"
    );
    let mut allocator = IndexAllocator::new(64).unwrap();
    assert_eq!(code(allocator.mark_used(64)), "status_index_out_of_range");
}

#[test]
fn status_list_malformed() {
    // A correctly signed token whose `lst` is not a zlib stream.
    let ua = ua();
    let (list, _, document) = status_fixture(&ua);
    let hour = time::Duration::HOUR;
    let mut token = list.token(NOW - hour, NOW + hour, None).unwrap();
    token.status_list = EncodedStatusList {
        bits: StatusBits::Two,
        lst: b"not a zlib stream".to_vec(),
    };
    assert_eq!(
        status_code(&ua, &document, Some(&signed_token(&token, &ua))),
        "status_list_malformed"
    );
}

#[test]
fn status_list_too_large() {
    // An index whose entry lies past the 16 MiB a list may inflate to:
    // refused before anything is inflated.
    let ua = ua();
    let list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64).unwrap();
    let idx = MAX_LIST_BYTES as u64 * 8;
    let document = with_status(&ua, StatusListReference::new(idx, STATUS_URI).unwrap());
    assert_eq!(
        status_code(&ua, &document, Some(&list_token(&list, &ua))),
        "status_list_too_large"
    );
    // An issuer's list beyond the limit.
    assert_eq!(
        code(IndexAllocator::new(MAX_LIST_BYTES as u64 * 8 + 1)),
        "status_list_too_large"
    );
}

#[test]
fn status_list_full() {
    let mut list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::One, 2).unwrap();
    let mut rng = rng(53);
    let a = list.allocate(&mut rng).unwrap();
    let b = list.allocate(&mut rng).unwrap();
    assert_ne!(a.idx, b.idx);
    assert_eq!(code(list.allocate(&mut rng)), "status_list_full");
}

#[test]
fn status_mechanism_unsupported() {
    // A correctly signed MSO whose status names only a mechanism the crate
    // does not know.
    let ua = ua();
    let ns = honest_name_spaces();
    let document = forged(&ua, ns.clone(), &ns, |mso| {
        map_set(
            mso,
            "status",
            cbor::text_map([(
                "future_mechanism",
                cbor::text_map([
                    ("id", Value::Bytes(vec![1])),
                    ("uri", Value::Text("https://status.diia.example/ids".into())),
                ]),
            )]),
        )
    });
    assert_eq!(verify_code(&ua, &document), "status_mechanism_unsupported");
}

// ----- Presentation (the verifier's device-response path) -----

/// SessionTranscriptBytes, `#6.24(bstr .cbor [DeviceEngagementBytes,
/// EReaderKeyBytes, Handover])`, with null engagement and key (as for a
/// presentation over the web) and `label` as the handover.
fn transcript(label: &str) -> Vec<u8> {
    let (wrapped, _) = cbor::tag24_of(&Value::Array(vec![
        Value::Null,
        Value::Null,
        Value::Text(label.into()),
    ]))
    .unwrap();
    cbor::encode(&wrapped).unwrap()
}

/// The device key's private half (`device()` is its public key).
fn device_private() -> SoftwareKey {
    SoftwareKey::generate(Algorithm::Es256, &mut rng(2))
}

/// A request for `family_name` of `doc_type` under `session`, signed by
/// `reader` (a key and its chain) when one is given.
fn family_name_request(
    doc_type: &str,
    session: &[u8],
    reader: Option<(&dyn Signer, &[Certificate])>,
) -> DeviceRequest {
    DeviceRequest::build(
        &[ItemsRequest::new(doc_type).element(MDL_NS, "family_name", false)],
        reader,
        session,
    )
    .unwrap()
}

/// A DeviceResponse presenting `family_name` of the honest document,
/// device-signed over `transcript`.
fn presentation(ua: &DemoAuthority, session: &[u8], doc_type: &str) -> DeviceResponse {
    assert_eq!(device_private().public_key(), device());
    let request = family_name_request(doc_type, session, None);
    present(
        &[issued(ua)],
        &request,
        session,
        &device_private(),
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap()
    .response
}

#[test]
fn device_signature_invalid() {
    let ua = ua();
    let bytes = presentation(&ua, &transcript("A"), MDL).to_vec().unwrap();
    let verifier = verifier(&[&ua]);
    // The positive control: the same session verifies and binds the holder.
    let same = verifier
        .verify_response(&bytes, &VerifyOptions::at(NOW).transcript(&transcript("A")))
        .unwrap()
        .into_first()
        .unwrap();
    assert!(same.holder_bound());
    assert_eq!(same.elements()[MDL_NS].len(), 1);
    // Replayed into another session.
    let replayed = verifier
        .verify_response(&bytes, &VerifyOptions::at(NOW).transcript(&transcript("B")))
        .unwrap();
    assert_eq!(code(replayed.into_first()), "device_signature_invalid");
}

#[test]
fn device_auth_missing() {
    // deviceAuth holding neither deviceSignature nor deviceMac.
    let ua = ua();
    let bytes = presentation(&ua, &transcript("A"), MDL).to_vec().unwrap();
    let mut value = cbor::decode(&bytes).unwrap();
    let Value::Array(documents) = map_at(&mut value, "documents") else {
        panic!()
    };
    let device_signed = map_at(&mut documents[0], "deviceSigned");
    map_set(device_signed, "deviceAuth", Value::Map(vec![]));
    let bytes = cbor::encode(&value).unwrap();
    assert_eq!(
        code(
            verifier(&[&ua])
                .verify_response(&bytes, &VerifyOptions::at(NOW).transcript(&transcript("A")))
        ),
        "device_auth_missing"
    );
    assert_eq!(
        code(DeviceResponse::from_slice(&bytes)),
        "device_auth_missing"
    );
}

#[test]
fn device_key_unauthorized() {
    // A device-signed element while the MSO records no key authorizations.
    let ua = ua();
    let response = presentation(&ua, &transcript("A"), MDL);
    let document = &response.documents[0];
    let device_name_spaces = cbor::encode(&cbor::text_map([(
        MDL_NS,
        cbor::text_map([("age_over_18", Value::Bool(true))]),
    )]))
    .unwrap();
    let forged = Document::new(
        document.doc_type().to_string(),
        document.issuer_signed().clone(),
        DeviceSigned::new(
            device_name_spaces,
            document.device_signed().device_auth().clone(),
        ),
        document.errors().clone(),
    );
    assert_eq!(
        code(verifier(&[&ua]).verify(
            &forged,
            &VerifyOptions::at(NOW).transcript(&transcript("A"))
        )),
        "device_key_unauthorized"
    );
}

#[test]
fn document_not_returned() {
    // The reader asks for a residence permit the wallet does not hold.
    let ua = ua();
    let response = presentation(&ua, &transcript("A"), ResidencePermit::DOC_TYPE);
    assert!(response.documents.is_empty());
    let verification = verifier(&[&ua])
        .verify_response(
            &response.to_vec().unwrap(),
            &VerifyOptions::at(NOW).transcript(&transcript("A")),
        )
        .unwrap();
    // The holder does not tell an unauthenticated reader what it lacks.
    assert!(verification.document_errors.is_empty());
    assert_eq!(code(verification.into_first()), "document_not_returned");
}

/// A reader root and a reader certificate under it.
fn reader(seed: u64) -> (Certificate, SoftwareKey, Certificate) {
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed));
    let root = create_self_signed(
        &spec("Police reader CA", "PL", 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed + 1));
    let certificate = create_issued(
        &spec("Police reader", "PL", 2),
        CertificateProfile::ReaderAuthentication,
        &reader_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    (root, reader_key, certificate)
}

#[test]
fn reader_auth_missing() {
    let ua = ua();
    let (root, _, _) = reader(60);
    let session = transcript("A");
    let request = family_name_request(MDL, &session, None);
    let roots = [root];
    assert_eq!(
        code(request.doc_requests()[0].verify_reader(&roots, &session, NOW)),
        "reader_auth_missing"
    );
    // A holder requiring reader authentication refuses to answer.
    assert_eq!(
        code(present(
            &[issued(&ua)],
            &request,
            &session,
            &device_private(),
            ReaderCheck::Require(&[docbridge::ReaderRoot::new("police", roots[0].clone())]),
            NOW
        )),
        "reader_auth_missing"
    );
}

#[test]
fn untrusted_reader() {
    let (root, reader_key, certificate) = reader(61);
    let (other_root, _, _) = reader(63);
    let session = transcript("A");
    let request = family_name_request(
        MDL,
        &session,
        Some((&reader_key, std::slice::from_ref(&certificate))),
    );
    let doc_request = &request.doc_requests()[0];
    // The positive control: its own root authenticates the reader.
    doc_request
        .verify_reader(std::slice::from_ref(&root), &session, NOW)
        .unwrap();
    assert_eq!(
        code(doc_request.verify_reader(&[other_root], &session, NOW)),
        "untrusted_reader"
    );
}

// ----- Coverage -----

/// The codes this file has a test for (a `#[test] fn <code>()` each).
const COVERED: &[&str] = &[
    "cbor_malformed",
    "cbor_too_large",
    "cbor_too_deep",
    "cbor_too_many_items",
    "cbor_length_exceeds_input",
    "cbor_trailing_bytes",
    "cbor_indefinite_length",
    "cbor_duplicate_key",
    "cbor_unexpected_tag",
    "cbor_not_tag24",
    "invalid_structure",
    "invalid_date",
    "cose_malformed",
    "algorithm_not_protected",
    "unsupported_algorithm",
    "algorithm_key_mismatch",
    "unknown_critical_header",
    "signature_invalid",
    "x5chain_missing",
    "invalid_key",
    "signing_failed",
    "certificate_malformed",
    "certificate_expired",
    "certificate_not_yet_valid",
    "certificate_profile",
    "certificate_chain_invalid",
    "untrusted_issuer",
    "country_mismatch",
    "doc_type_not_allowed",
    "not_accepted",
    "doc_type_mismatch",
    "unsupported_digest_algorithm",
    "digest_missing",
    "digest_mismatch",
    "duplicate_element",
    "not_yet_valid",
    "expired",
    "mso_signed_outside_certificate",
    "missing_element",
    "invalid_element",
    "invalid_argument",
    "io",
    "status_token_missing",
    "status_mechanism_unsupported",
    "status_token_type_mismatch",
    "status_token_wrong_authority",
    "status_token_uri_mismatch",
    "status_token_not_yet_valid",
    "status_token_expired",
    "status_list_malformed",
    "status_list_too_large",
    "status_index_out_of_range",
    "status_list_full",
    "revoked",
    "suspended",
    "status_unrecognized_value",
    "reader_auth_missing",
    "untrusted_reader",
    "device_auth_missing",
    "device_signature_invalid",
    "device_key_unauthorized",
    "document_not_returned",
    "device_keys_differ",
];

/// Codes that cannot arise from verifying or issuing, with the reason.
const NOT_TRIGGERABLE: &[(&str, &str)] = &[];

/// Codes of the subsystems added beside issuing and verifying (signed trust
/// lists, session encryption, deviceMac): they need signed trust lists or
/// session keys, and each is asserted in that subsystem's own test file,
/// which the coverage test checks.
const ELSEWHERE: &[(&str, &str)] = &[
    ("oid4vp_state_mismatch", "OpenID4VP, tests/oid4vp_flow.rs"),
    (
        "request_object_malformed",
        "OpenID4VP signed requests, tests/oid4vp_jar.rs",
    ),
    (
        "request_object_audience",
        "OpenID4VP signed requests, tests/oid4vp_jar.rs",
    ),
    (
        "request_object_expired",
        "OpenID4VP signed requests, tests/oid4vp_jar.rs",
    ),
    ("oid4vp_client_mismatch", "OpenID4VP, tests/oid4vp_flow.rs"),
    ("credential_missing", "OpenID4VP DCQL, tests/oid4vp_flow.rs"),
    ("jwe_wrong_key", "OpenID4VP, tests/oid4vp.rs"),
    ("oid4vp_malformed", "OpenID4VP, tests/oid4vp.rs"),
    (
        "response_decryption_failed",
        "Digital Credentials API and OpenID4VP, tests/dcapi.rs",
    ),
    ("dcapi_malformed", "Digital Credentials API, tests/dcapi.rs"),
    (
        "engagement_malformed",
        "engagement (QR, NFC), tests/engagement.rs",
    ),
    (
        "device_mac_invalid",
        "presentation with session keys (deviceMac)",
    ),
    (
        "session_malformed",
        "session encryption, not document verification",
    ),
    (
        "session_decryption_failed",
        "session encryption, not document verification",
    ),
    (
        "session_terminated",
        "session encryption, not document verification",
    ),
    (
        "session_unsupported_curve",
        "session encryption, not document verification",
    ),
    (
        "crl_malformed",
        "certificate revocation lists: tests/crl.rs",
    ),
    (
        "crl_wrong_issuer",
        "certificate revocation lists: tests/crl.rs",
    ),
    (
        "crl_signature_invalid",
        "certificate revocation lists: tests/crl.rs",
    ),
    (
        "crl_not_yet_valid",
        "certificate revocation lists: tests/crl.rs",
    ),
    ("crl_stale", "certificate revocation lists: tests/crl.rs"),
    (
        "crl_unknown_critical_extension",
        "certificate revocation lists: tests/crl.rs",
    ),
    (
        "crl_delta_unsupported",
        "certificate revocation lists: tests/crl.rs",
    ),
    ("crl_missing", "certificate revocation lists: tests/crl.rs"),
    (
        "certificate_revoked",
        "certificate revocation lists: tests/crl.rs",
    ),
    (
        "identifier_list_malformed",
        "identifier lists: tests/identifier_list.rs",
    ),
    ("trust_list_wrong_type", "signed trust lists: TrustStore"),
    ("trust_list_malformed", "signed trust lists: TrustStore"),
    (
        "trust_list_untrusted_operator",
        "signed trust lists: TrustStore",
    ),
    (
        "trust_list_foreign_authority",
        "signed trust lists: TrustStore",
    ),
    (
        "trust_list_duplicate_authority",
        "signed trust lists: TrustStore",
    ),
    (
        "trust_list_empty_certificates",
        "signed trust lists: TrustStore",
    ),
    ("trust_list_not_ca", "signed trust lists: TrustStore"),
    ("trust_list_rollback", "signed trust lists: TrustStore"),
    (
        "trust_list_sequence_reused",
        "signed trust lists: TrustStore",
    ),
    (
        "trust_list_stale",
        "Verifier::from_store: needs a signed trust list",
    ),
    (
        "authority_not_yet_valid",
        "Verifier::from_store: needs a signed trust list",
    ),
    (
        "authority_expired",
        "Verifier::from_store: needs a signed trust list",
    ),
    ("trust_store_corrupt", "signed trust lists: TrustStore"),
];

#[test]
fn every_code_has_a_test() {
    let all: BTreeSet<&str> = Error::ALL_CODES.iter().copied().collect();
    assert_eq!(
        all.len(),
        Error::ALL_CODES.len(),
        "ALL_CODES repeats a code"
    );
    let covered: BTreeSet<&str> = COVERED.iter().copied().collect();
    assert_eq!(covered.len(), COVERED.len(), "COVERED repeats a code");
    let excused: BTreeSet<&str> = NOT_TRIGGERABLE.iter().map(|(c, _)| *c).collect();
    let elsewhere: BTreeSet<&str> = ELSEWHERE.iter().map(|(c, _)| *c).collect();
    assert!(covered.is_disjoint(&excused));
    assert!(covered.is_disjoint(&elsewhere));
    assert!(excused.is_disjoint(&elsewhere));
    let accounted: BTreeSet<&str> = covered
        .iter()
        .chain(&excused)
        .chain(&elsewhere)
        .copied()
        .collect();
    let missing: Vec<&&str> = all.difference(&accounted).collect();
    let unknown: Vec<&&str> = accounted.difference(&all).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "codes without a test here: {missing:?}; listed codes that do not exist: {unknown:?}"
    );
    // Each covered code has its test function in this file, asserting it.
    let source = include_str!("error_codes.rs");
    for code in COVERED {
        assert!(
            source.contains(&format!("#[test]\nfn {code}() {{")),
            "no `#[test] fn {code}()` in tests/error_codes.rs"
        );
        assert!(
            source.matches(&format!("\"{code}\"")).count() >= 2,
            "{code} is never asserted"
        );
    }
    // Each code left to another subsystem is asserted in another test file.
    let tests_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests");
    let others: String = std::fs::read_dir(tests_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension().is_some_and(|e| e == "rs")
                && path.file_name().is_some_and(|n| n != "error_codes.rs")
        })
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let untested: Vec<&str> = elsewhere
        .iter()
        .copied()
        .filter(|code| !others.contains(&format!("\"{code}\"")))
        .collect();
    assert!(
        untested.is_empty(),
        "codes left to other test files that no test file asserts: {untested:?}"
    );
}

#[test]
fn readme_error_table_lists_exactly_all_codes() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n## Error codes\n")
        .nth(1)
        .expect("README has an \"## Error codes\" section");
    let section = section.split("\n## ").next().unwrap();
    let codes: Vec<&str> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| rest.split('`').next().unwrap())
        .collect();
    assert_eq!(codes, Error::ALL_CODES);
    // Every row has a meaning.
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 4, "{line}");
        assert!(!cells[2].is_empty(), "{line}");
    }
}

#[test]
fn mso_signed_outside_certificate() {
    let ua = ua();
    let ns = honest_name_spaces();
    let not_before = ua.ds_certificate.not_before();
    let not_after = ua.ds_certificate.not_after();
    for signed in [
        not_before - time::Duration::SECOND,
        not_after + time::Duration::SECOND,
    ] {
        let document = forged(&ua, ns.clone(), &ns, |mso| {
            let validity = map_at(mso, "validityInfo");
            map_set(validity, "signed", cbor::tdate(signed).unwrap())
        });
        assert_eq!(
            verify_code(&ua, &document),
            "mso_signed_outside_certificate",
            "{signed}"
        );
    }
    // The issuer refuses to write such a date in the first place.
    let validity = ValidityInfo::new(not_after + time::Duration::SECOND, not_before, not_after);
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(77)).public_key();
    assert_eq!(
        code(issuer.issue_document(
            &docbridge::documents::samples::driving_licence_ua(),
            &device,
            &validity,
            &mut rng(78)
        )),
        "invalid_argument"
    );
}

#[test]
fn device_keys_differ() {
    // Two holders' licences, each device-signed by its own key, in one response.
    let ua = ua();
    let other_device = SoftwareKey::generate(Algorithm::Es256, &mut rng(90));
    let other = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(
            &docbridge::documents::samples::driving_licence_ua(),
            &other_device.public_key(),
            &validity(),
            &mut rng(91),
        )
        .unwrap();
    let session = transcript("A");
    let request = family_name_request(MDL, &session, None);
    let answer = |stored: &IssuerSigned, key: &SoftwareKey| {
        present(
            std::slice::from_ref(stored),
            &request,
            &session,
            key,
            ReaderCheck::Skip,
            NOW,
        )
        .unwrap()
        .response
    };
    let mine = answer(&issued(&ua), &device_private());
    let theirs = answer(&other, &other_device);
    let combine = |first: &DeviceResponse, second: &DeviceResponse| {
        let mut combined = first.clone();
        combined.documents.extend(second.documents.iter().cloned());
        combined.to_vec().unwrap()
    };
    let mixed = combine(&mine, &theirs);
    let verifier = verifier(&[&ua]);
    let options = VerifyOptions::at(NOW).transcript(&session);
    // Each document verifies and is holder-bound; the outcome says they
    // belong to different devices ...
    let outcome = verifier.verify_response(&mixed, &options).unwrap();
    assert!(!outcome.one_device_key);
    assert_eq!(outcome.documents.len(), 2);
    assert!(
        outcome
            .documents
            .iter()
            .all(|d| d.as_ref().unwrap().holder_bound())
    );
    // ... and a verifier that requires one device refuses the response.
    let strict = options.clone().require_one_device_key();
    assert_eq!(
        code(verifier.verify_response(&mixed, &strict)),
        "device_keys_differ"
    );
    // The same holder's two presentations pass.
    let same = combine(&mine, &answer(&issued(&ua), &device_private()));
    let outcome = verifier.verify_response(&same, &strict).unwrap();
    assert!(outcome.one_device_key);
}
