//! Shared fixtures of the integration tests: seeded RNGs, demo
//! authorities, fixed times, a holder of three Ukrainian documents, and
//! helpers to forge correctly signed documents whose content is chosen by
//! the test.
#![allow(dead_code)]

use std::collections::BTreeMap;

use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::DocumentType;
use docbridge::mso::MSO_VERSION;
use docbridge::x509::CertificateSpec;
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DigestAlgorithm, DrivingLicence, Elements,
    IssuerSigned, IssuerSignedItem, IssuerSignedItemBytes, PublicKey, ResidencePermit, Sign1,
    Signer, SoftwareKey, TrustedAuthorities, ValidityInfo, VehicleRegistration, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

/// Start of the demo certificates' validity.
pub const CERT_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
/// End of the demo certificates' validity.
pub const CERT_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
/// When the issuer signs: before the MSO validity starts.
pub const SIGNED: OffsetDateTime = datetime!(2026-10-30 9:00 UTC);
/// Start of the MSO validity.
pub const VALID_FROM: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
/// End of the MSO validity.
pub const VALID_UNTIL: OffsetDateTime = datetime!(2027-11-01 0:00 UTC);
/// A verification time inside every validity period.
pub const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

/// Every doc type the crate models.
pub const ALL_DOC_TYPES: [&str; 3] = [
    DrivingLicence::DOC_TYPE,
    VehicleRegistration::DOC_TYPE,
    ResidencePermit::DOC_TYPE,
];

/// The main namespace of the driving licence.
pub const MDL_NS: &str = DrivingLicence::NAMESPACE;

/// A certificate spec of `country` and `common_name`, valid from
/// [`CERT_FROM`] to [`CERT_UNTIL`], with no organization, issuer contact or
/// CRL distribution point.
pub fn certificate_spec(country: &str, common_name: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: common_name.into(),
        country: country.into(),
        organization: None,
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    }
}

/// A deterministic RNG.
pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A demo authority that may issue `doc_types`, generated from `seed`.
pub fn authority_for(
    country: &str,
    name: &str,
    alg: Algorithm,
    doc_types: &[&str],
    seed: u64,
) -> DemoAuthority {
    DemoAuthority::generate(
        country,
        name,
        alg,
        doc_types,
        CERT_FROM,
        CERT_UNTIL,
        &mut rng(seed),
    )
    .unwrap()
}

/// The Ukrainian demo authority ("Diia"), every doc type.
pub fn ukraine(alg: Algorithm, seed: u64) -> DemoAuthority {
    authority_for("UA", "Diia", alg, &ALL_DOC_TYPES, seed)
}

/// The Polish demo authority ("mObywatel"), every doc type.
pub fn poland(alg: Algorithm, seed: u64) -> DemoAuthority {
    authority_for("PL", "mObywatel", alg, &ALL_DOC_TYPES, seed)
}

/// A verifier trusting `authorities` and accepting everything they may issue.
pub fn verifier(authorities: &[&DemoAuthority]) -> Verifier {
    let trusted =
        TrustedAuthorities::from_authorities(authorities.iter().map(|a| a.authority.clone()))
            .unwrap();
    Verifier::new(trusted, AcceptancePolicy::accept_all())
}

/// A device key of `alg` from `seed`.
pub fn device_key(alg: Algorithm, seed: u64) -> PublicKey {
    SoftwareKey::generate(alg, &mut rng(seed)).public_key()
}

/// A Ukrainian driving licence, vehicle registration and residence permit
/// issued to one ES256 device key: the authority made from `seed`, the
/// device key from `seed + 1`, the documents from `seed + 2` to `seed + 4`.
pub fn ukrainian_holder(seed: u64) -> (DemoAuthority, SoftwareKey, Vec<IssuerSigned>) {
    use docbridge::documents::samples;

    let authority = ukraine(Algorithm::Es256, seed);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed + 1));
    let key = device.public_key();
    let stored = vec![
        issue_to(&authority, &samples::driving_licence_ua(), &key, seed + 2),
        issue_to(
            &authority,
            &samples::vehicle_registration_ua(),
            &key,
            seed + 3,
        ),
        issue_to(&authority, &samples::residence_permit_ua(), &key, seed + 4),
    ];
    (authority, device, stored)
}

/// `document` issued by `authority`'s Document Signer to `device_key`, with
/// the fixtures' MSO validity and the salts drawn from `seed`.
pub fn issue_to<D: DocumentType>(
    authority: &DemoAuthority,
    document: &D,
    device_key: &PublicKey,
    seed: u64,
) -> IssuerSigned {
    docbridge::Issuer::new(&authority.ds_key, &authority.ds_certificate)
        .unwrap()
        .issue_document(document, device_key, &validity(), &mut rng(seed))
        .unwrap()
}

/// The UA sample driving licence issued by `authority` to an ES256 device
/// key, with that key: the key from `seed`, the salts from `seed + 1`.
pub fn licence_holder(authority: &DemoAuthority, seed: u64) -> (SoftwareKey, IssuerSigned) {
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed));
    let licence = issue_to(
        authority,
        &docbridge::documents::samples::driving_licence_ua(),
        &device.public_key(),
        seed + 1,
    );
    (device, licence)
}

/// The MSO validity used by the fixtures.
pub fn validity() -> ValidityInfo {
    ValidityInfo::new(SIGNED, VALID_FROM, VALID_UNTIL)
}

/// A small driving licence (four elements), as raw elements.
pub fn small_elements(country: &str) -> Elements {
    let mut ns = BTreeMap::new();
    ns.insert("family_name".to_string(), Value::Text("Шевченко".into()));
    ns.insert("given_name".to_string(), Value::Text("Олена".into()));
    ns.insert("issuing_country".to_string(), Value::Text(country.into()));
    ns.insert("age_over_18".to_string(), Value::Bool(true));
    let mut elements = Elements::new();
    elements.insert(MDL_NS.to_string(), ns);
    elements
}

/// One encoded item.
pub fn item(digest_id: u64, identifier: &str, value: Value) -> IssuerSignedItemBytes {
    IssuerSignedItemBytes::encode(IssuerSignedItem {
        digest_id,
        random: vec![0x5a; 16],
        element_identifier: identifier.to_string(),
        element_value: value,
    })
    .unwrap()
}

/// The items of one namespace as `(digestID, identifier, value)`.
pub type ItemSpec<'a> = Vec<(u64, &'a str, Value)>;

/// Name spaces built from `(namespace, items)`.
pub fn name_spaces(spec: &[(&str, ItemSpec<'_>)]) -> Vec<(String, Vec<IssuerSignedItemBytes>)> {
    spec.iter()
        .map(|(ns, items)| {
            (
                ns.to_string(),
                items
                    .iter()
                    .map(|(id, name, value)| item(*id, name, value.clone()))
                    .collect(),
            )
        })
        .collect()
}

/// An MSO, as a CBOR value, whose digests are those of `name_spaces` under
/// `alg`, valid from [`VALID_FROM`] to [`VALID_UNTIL`]. Built as CBOR rather
/// than through `MobileSecurityObject` so that a test can change any part.
pub fn mso_for(
    name_spaces: &[(String, Vec<IssuerSignedItemBytes>)],
    doc_type: &str,
    device_key: &PublicKey,
    alg: DigestAlgorithm,
) -> Value {
    let mut value_digests: BTreeMap<String, Vec<(Value, Value)>> = BTreeMap::new();
    for (ns, items) in name_spaces {
        let digests = value_digests.entry(ns.clone()).or_default();
        for item in items {
            digests.push((
                Value::from(item.item().digest_id),
                Value::Bytes(alg.digest(&item.tagged_bytes().unwrap()).to_vec()),
            ));
        }
    }
    let validity = validity();
    cbor::text_map([
        ("version", Value::Text(MSO_VERSION.into())),
        ("digestAlgorithm", Value::Text(alg.name().into())),
        (
            "valueDigests",
            cbor::text_map(
                value_digests
                    .into_iter()
                    .map(|(ns, digests)| (ns, Value::Map(digests))),
            ),
        ),
        (
            "deviceKeyInfo",
            cbor::text_map([("deviceKey", device_key.to_cose_key_value().unwrap())]),
        ),
        ("docType", Value::Text(doc_type.into())),
        (
            "validityInfo",
            cbor::text_map([
                ("signed", cbor::tdate(validity.signed).unwrap()),
                ("validFrom", cbor::tdate(validity.valid_from).unwrap()),
                ("validUntil", cbor::tdate(validity.valid_until).unwrap()),
            ]),
        ),
    ])
}

/// The issuerAuth payload for an MSO given as a CBOR value:
/// `#6.24(bstr .cbor MSO)`, encoded.
pub fn mso_payload(mso: &Value) -> Vec<u8> {
    let (wrapped, _) = cbor::tag24_of(mso).unwrap();
    cbor::encode(&wrapped).unwrap()
}

/// Signs an MSO value with `signer`, carrying `x5chain`.
pub fn sign_mso(mso: &Value, signer: &dyn Signer, x5chain: Vec<Vec<u8>>) -> Sign1 {
    sign1(
        signer,
        &mso_payload(mso),
        &Sign1Options {
            x5chain,
            ..Sign1Options::default()
        },
    )
    .unwrap()
}

/// An IssuerSigned with `name_spaces` and an MSO value signed by the
/// authority's Document Signer.
pub fn signed_by(
    authority: &DemoAuthority,
    name_spaces: Vec<(String, Vec<IssuerSignedItemBytes>)>,
    mso: &Value,
) -> IssuerSigned {
    let sign1 = sign_mso(
        mso,
        &authority.ds_key,
        vec![authority.ds_certificate.der().to_vec()],
    );
    IssuerSigned::new(name_spaces, sign1)
}

/// Sets `key` in a CBOR map value with text keys (replacing it if present).
pub fn map_set(map: &mut Value, key: &str, value: Value) {
    let Value::Map(entries) = map else {
        panic!("not a map: {map:?}")
    };
    match entries
        .iter_mut()
        .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
    {
        Some((_, v)) => *v = value,
        None => entries.push((Value::Text(key.into()), value)),
    }
}

/// Removes `key` from a CBOR map value with text keys.
pub fn map_remove(map: &mut Value, key: &str) {
    let Value::Map(entries) = map else {
        panic!("not a map: {map:?}")
    };
    entries.retain(|(k, _)| !matches!(k, Value::Text(t) if t == key));
}

/// The value at `key` of a CBOR map value with text keys.
pub fn map_at<'a>(map: &'a mut Value, key: &str) -> &'a mut Value {
    let Value::Map(entries) = map else {
        panic!("not a map: {map:?}")
    };
    entries
        .iter_mut()
        .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key:?}"))
}

/// Finds `needle` in `haystack`, requiring exactly one occurrence.
pub fn find_unique(haystack: &[u8], needle: &[u8]) -> usize {
    let hits: Vec<usize> = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(hits.len(), 1, "expected exactly one occurrence");
    hits[0]
}

/// A copy of `sign1` with its COSE structure changed by `edit` and parsed
/// again, for tampering with signatures and headers.
pub fn tampered(
    sign1: &docbridge::Sign1,
    edit: impl FnOnce(&mut docbridge::deps::coset::CoseSign1),
) -> docbridge::Sign1 {
    use docbridge::deps::coset::AsCborValue as _;
    let mut cose = sign1.clone().into_cose();
    edit(&mut cose);
    docbridge::Sign1::from_value(cose.to_cbor_value().unwrap()).unwrap()
}
