//! Property tests: a document issued from arbitrary claims (any Unicode, any
//! value type the crate reads, sizes up to a few hundred kilobytes) verifies
//! with exactly those claims, and a change to any signed byte of a valid
//! document or DeviceResponse is refused.
//!
//! The signed bytes are those the MSO signature, the digests or the device
//! signature cover: the MSO payload, each IssuerSignedItemBytes, the
//! issuer and device signatures, and the device-signed namespaces. Bytes
//! outside them (CBOR map keys, unprotected headers) are covered by
//! `tests/byte_flip.rs`, which flips every byte of a document.

mod common;

use std::collections::BTreeMap;
use std::ops::Range;

use common::*;
use docbridge::Signer as _;
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::{DocumentType, samples};
use docbridge::holder::ReaderCheck;
use docbridge::request::{DeviceRequest, ItemsRequest};
use docbridge::{
    Algorithm, DrivingLicence, Elements, Issuer, SoftwareKey, VerifyOptions, cbor, present,
    transcript,
};
use proptest::prelude::*;

/// A doc type of no modelled document: its elements pass as they are.
const DOC_TYPE: &str = "org.example.property.1";

/// Any element value the crate reads back unchanged: text in any script,
/// byte strings (some of hundreds of kilobytes), integers across the whole
/// CBOR range the crate writes, booleans, null, and arrays and maps of them.
fn element_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        any::<String>().prop_map(Value::Text),
        proptest::collection::vec(any::<u8>(), 0..256).prop_map(Value::Bytes),
        (any::<u8>(), 0usize..300_000).prop_map(|(byte, len)| Value::Bytes(vec![byte; len])),
        any::<i64>().prop_map(|i| Value::Integer(i.into())),
        any::<u64>().prop_map(|i| Value::Integer(i.into())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..6).prop_map(|map| {
                Value::Map(map.into_iter().map(|(k, v)| (Value::Text(k), v)).collect())
            }),
        ]
    })
}

/// One to three namespaces of one to six elements, every name any
/// non-empty printable Unicode.
fn elements() -> impl Strategy<Value = Elements> {
    proptest::collection::btree_map(
        "\\PC{1,24}",
        proptest::collection::btree_map("\\PC{1,24}", element_value(), 1..6),
        1..3,
    )
}

/// The authority, its verifier and a device key, made once per test.
struct Fixture {
    authority: docbridge::DemoAuthority,
    verifier: docbridge::Verifier,
    device: SoftwareKey,
}

fn fixture() -> Fixture {
    let authority = authority_for(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[DOC_TYPE, DrivingLicence::DOC_TYPE],
        0x9e0,
    );
    let verifier = verifier(&[&authority]);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(0x9e1));
    Fixture {
        authority,
        verifier,
        device,
    }
}

/// The member `key` of the map `value`.
fn get<'a>(value: &'a Value, key: &str) -> &'a Value {
    cbor::map_get(cbor::as_map(value, key).unwrap(), key).unwrap()
}

/// Where `needle` sits in `haystack` (the first time).
fn range_of(haystack: &[u8], needle: &[u8]) -> Range<usize> {
    let start = haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("signed bytes are found in the encoding");
    start..start + needle.len()
}

/// The byte-string contents of an IssuerSigned value that the MSO
/// signature and its digests cover: each item, the MSO payload and the
/// signature.
fn issuer_signed_parts(issuer_signed: &Value) -> Vec<Vec<u8>> {
    let map = cbor::as_map(issuer_signed, "IssuerSigned").unwrap();
    let mut parts = Vec::new();
    for (key, value) in map {
        match key.as_text() {
            Some("nameSpaces") => {
                for (_, items) in cbor::as_map(value, "nameSpaces").unwrap() {
                    for item in cbor::as_array(items, "items").unwrap() {
                        parts.push(cbor::untag24(item, "item").unwrap().to_vec());
                    }
                }
            }
            Some("issuerAuth") => {
                let sign1 = cbor::as_array(value, "issuerAuth").unwrap();
                for index in [2, 3] {
                    parts.push(sign1[index].as_bytes().unwrap().clone());
                }
            }
            _ => {}
        }
    }
    parts
}

/// The ranges of `encoded` holding the signed parts.
fn signed_ranges(encoded: &[u8], parts: &[Vec<u8>]) -> Vec<Range<usize>> {
    parts
        .iter()
        .filter(|part| part.len() >= 8)
        .map(|part| range_of(encoded, part))
        .collect()
}

/// Up to three changes: (which signed range, where in it, a non-zero xor).
fn mutations() -> impl Strategy<Value = Vec<(usize, usize, u8)>> {
    proptest::collection::vec((any::<usize>(), any::<usize>(), 1u8..=255), 1..4)
}

/// `bytes` with each change applied inside the signed ranges.
fn mutated(bytes: &[u8], ranges: &[Range<usize>], changes: &[(usize, usize, u8)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (which, offset, xor) in changes {
        let range = &ranges[which % ranges.len()];
        let at = range.start + offset % range.len();
        out[at] ^= xor;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_document_from_arbitrary_claims_verifies_with_exactly_them(claims in elements()) {
        let fx = fixture();
        let issuer = Issuer::new(&fx.authority.ds_key, &fx.authority.ds_certificate).unwrap();
        let document = issuer
            .issue(DOC_TYPE, &claims, &fx.device.public_key(), &validity(), &mut rng(1))
            .unwrap();
        let bytes = document.to_vec().unwrap();
        let verified = fx.verifier.verify(&bytes, &VerifyOptions::at(NOW)).unwrap();
        prop_assert_eq!(verified.doc_type(), DOC_TYPE);
        prop_assert_eq!(verified.issuing_country(), "UA");
        prop_assert_eq!(verified.elements(), &claims);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_changed_signed_byte_of_a_document_is_refused(changes in mutations()) {
        let fx = fixture();
        let issuer = Issuer::new(&fx.authority.ds_key, &fx.authority.ds_certificate).unwrap();
        let bytes = issuer
            .issue_document(&samples::driving_licence_ua(), &fx.device.public_key(), &validity(), &mut rng(2))
            .unwrap()
            .to_vec()
            .unwrap();
        let parts = issuer_signed_parts(&cbor::decode(&bytes).unwrap());
        let ranges = signed_ranges(&bytes, &parts);
        prop_assert!(ranges.len() > 10);
        let changed = mutated(&bytes, &ranges, &changes);
        prop_assert_ne!(&changed, &bytes);
        let outcome = fx.verifier.verify(&changed, &VerifyOptions::at(NOW));
        prop_assert!(outcome.is_err(), "verified after {:?}", changes);
    }

    #[test]
    fn a_changed_signed_byte_of_a_response_is_refused(changes in mutations()) {
        let fx = fixture();
        let issuer = Issuer::new(&fx.authority.ds_key, &fx.authority.ds_certificate).unwrap();
        let licence = issuer
            .issue_document(&samples::driving_licence_ua(), &fx.device.public_key(), &validity(), &mut rng(3))
            .unwrap();
        let session = transcript::backend_nonce("property", &[7; 32]).unwrap();
        let request = ["family_name", "given_name", "portrait", "age_over_18"]
            .iter()
            .fold(ItemsRequest::new(DrivingLicence::DOC_TYPE), |r, e| {
                r.element(DrivingLicence::NAMESPACE, e, false)
            });
        let request = DeviceRequest::build(&[request], None, &session).unwrap();
        let presentation = present(
            std::slice::from_ref(&licence),
            &request,
            &session,
            &fx.device,
            ReaderCheck::Skip,
            NOW,
        )
        .unwrap();
        let bytes = presentation.response.to_vec().unwrap();
        let options = VerifyOptions::at(NOW).transcript(&session);
        prop_assert!(fx.verifier.verify_response(&bytes, &options).unwrap().into_first().is_ok());

        let response = cbor::decode(&bytes).unwrap();
        let document = &cbor::as_array(get(&response, "documents"), "documents").unwrap()[0];
        let mut parts = issuer_signed_parts(get(document, "issuerSigned"));
        let device_auth = get(get(document, "deviceSigned"), "deviceAuth");
        let signature = get(device_auth, "deviceSignature");
        parts.push(cbor::as_array(signature, "deviceSignature").unwrap()[3].as_bytes().unwrap().clone());
        let ranges = signed_ranges(&bytes, &parts);
        let changed = mutated(&bytes, &ranges, &changes);
        prop_assert_ne!(&changed, &bytes);
        // Refused as a whole, or the document inside refused.
        let refused = match fx.verifier.verify_response(&changed, &options) {
            Err(_) => true,
            Ok(outcome) => outcome.documents.iter().all(|d| d.is_err()),
        };
        prop_assert!(refused, "verified after {:?}", changes);
    }
}

#[test]
fn the_signed_parts_are_found_where_they_are() {
    let fx = fixture();
    let issuer = Issuer::new(&fx.authority.ds_key, &fx.authority.ds_certificate).unwrap();
    let bytes = issuer
        .issue_document(
            &samples::driving_licence_ua(),
            &fx.device.public_key(),
            &validity(),
            &mut rng(2),
        )
        .unwrap()
        .to_vec()
        .unwrap();
    let parts = issuer_signed_parts(&cbor::decode(&bytes).unwrap());
    let ranges = signed_ranges(&bytes, &parts);
    // Every element of the sample licence, the payload and the signature.
    let elements = samples::driving_licence_ua().to_elements().unwrap();
    let count: usize = elements.values().map(BTreeMap::len).sum();
    assert_eq!(ranges.len(), count + 2);
    // The ranges do not overlap and lie inside the encoding.
    let mut sorted = ranges.clone();
    sorted.sort_by_key(|r| r.start);
    for pair in sorted.windows(2) {
        assert!(pair[0].end <= pair[1].start);
    }
    assert!(sorted.last().unwrap().end <= bytes.len());
}
