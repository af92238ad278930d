//! How the verifier chooses the authority that vouches for a document when
//! several candidates exist: renewed IACAs, re-keyed IACAs, a country's own
//! list beside a VICAL, and which keys may speak for a country's trust.

use docbridge::VerifyOptions;
use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::{DocumentType, samples};
use docbridge::status::{StatusBits, StatusList, StatusListToken, verify_status_list_token};
use docbridge::trust::TrustList;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, Issuer, IssuingAuthority, Signer,
    SoftwareKey, TrustStore, TrustedAuthorities, ValidityInfo, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
const MDL: &str = "org.iso.18013.5.1.mDL";
const PERMIT: &str = "org.docbridge.residence_permit.1";

fn spec(
    cn: &str,
    country: &str,
    serial: u64,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> CertificateSpec {
    CertificateSpec {
        common_name: cn.into(),
        country: country.into(),
        organization: None,
        serial,
        not_before: from,
        not_after: until,
        issuer_contact: None,
        crl_uri: None,
    }
}

fn validity() -> ValidityInfo {
    ValidityInfo::new(
        datetime!(2026-10-30 9:00 UTC),
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2027-11-01 0:00 UTC),
    )
}

/// A Ukrainian demo authority called `name` that may issue driving
/// licences, its certificates valid from `FROM` to `UNTIL`, drawn from `rng`.
fn licence_authority(name: &str, rng: &mut ChaCha20Rng) -> DemoAuthority {
    DemoAuthority::generate("UA", name, Algorithm::Es256, &[MDL], FROM, UNTIL, rng).unwrap()
}

/// `document` issued by `issuer` to `device` with the salts from `rng`,
/// encoded.
fn issued_bytes(
    issuer: &Issuer<'_>,
    document: &impl DocumentType,
    device: &SoftwareKey,
    rng: &mut ChaCha20Rng,
) -> Vec<u8> {
    issuer
        .issue_document(document, &device.public_key(), &validity(), rng)
        .unwrap()
        .to_vec()
        .unwrap()
}

fn licence_signed_by(ds_key: &SoftwareKey, ds: &Certificate, rng: &mut ChaCha20Rng) -> Vec<u8> {
    let device = SoftwareKey::generate(Algorithm::Es256, rng);
    issued_bytes(
        &Issuer::new(ds_key, ds).unwrap(),
        &samples::driving_licence_ua(),
        &device,
        rng,
    )
}

fn verify_with(authority: IssuingAuthority, document: &[u8]) -> Result<(), &'static str> {
    Verifier::new(
        TrustedAuthorities::from_authorities([authority]).unwrap(),
        AcceptancePolicy::accept_all(),
    )
    .verify(document, &VerifyOptions::at(NOW))
    .map(|_| ())
    .map_err(|e| e.code())
}

#[test]
fn a_renewed_iaca_beside_its_expired_copy_is_found_in_any_order() {
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let iaca_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let ds_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    // Same key and subject: the old certificate expired, the renewal is current.
    let old = x509::create_self_signed(
        &spec(
            "Diia IACA",
            "UA",
            1,
            datetime!(2021-01-01 0:00 UTC),
            datetime!(2026-06-01 0:00 UTC),
        ),
        CertificateProfile::Iaca,
        &iaca_key,
    )
    .unwrap();
    let new = x509::create_self_signed(
        &spec("Diia IACA", "UA", 2, FROM, UNTIL),
        CertificateProfile::Iaca,
        &iaca_key,
    )
    .unwrap();
    let ds = x509::create_issued(
        &spec("Diia DS", "UA", 3, FROM, datetime!(2028-01-01 0:00 UTC)),
        CertificateProfile::DocumentSigner,
        &ds_key.public_key(),
        &new,
        &iaca_key,
    )
    .unwrap();
    let document = licence_signed_by(&ds_key, &ds, &mut rng);
    for certs in [
        vec![new.clone(), old.clone()],
        vec![old.clone(), new.clone()],
    ] {
        let authority = IssuingAuthority::new("UA:diia", "UA", "Diia", certs, [MDL]).unwrap();
        assert_eq!(verify_with(authority, &document), Ok(()));
    }

    // The status-token signer check finds the renewal in either order too.
    let list = StatusList::new(StatusBits::One, 16).unwrap();
    let token = StatusListToken::new("https://status.example/1", &list, NOW, NOW + Duration::DAY)
        .unwrap()
        .sign(&ds_key, std::slice::from_ref(&ds))
        .unwrap();
    for iacas in [[old.clone(), new.clone()], [new.clone(), old.clone()]] {
        assert!(verify_status_list_token(&token, &iacas, NOW).is_ok());
    }
}

#[test]
fn the_telling_refusal_wins_over_a_namesake_with_another_key() {
    let mut rng = ChaCha20Rng::seed_from_u64(13);
    let k1 = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let k2 = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let ds_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let old = x509::create_self_signed(
        &spec("UA IACA", "UA", 1, FROM, UNTIL),
        CertificateProfile::Iaca,
        &k1,
    )
    .unwrap();
    let new = x509::create_self_signed(
        &spec("UA IACA", "UA", 2, FROM, UNTIL),
        CertificateProfile::Iaca,
        &k2,
    )
    .unwrap();
    let ds = x509::create_issued(
        &spec("UA DS", "UA", 3, FROM, UNTIL),
        CertificateProfile::DocumentSigner,
        &ds_key.public_key(),
        &old,
        &k1,
    )
    .unwrap();
    let document = licence_signed_by(&ds_key, &ds, &mut rng);
    // The authority's listing ended; the re-keyed IACA with the same name
    // did not sign. Either order says why: the authority expired.
    for certs in [
        vec![old.clone(), new.clone()],
        vec![new.clone(), old.clone()],
    ] {
        let authority = IssuingAuthority::new("UA:x", "UA", "X", certs, [MDL])
            .unwrap()
            .with_validity(None, Some(datetime!(2026-11-01 0:00 UTC)))
            .unwrap();
        assert_eq!(verify_with(authority, &document), Err("authority_expired"));
    }
}

fn root_and_signer(country: &str, seed: u64) -> (Certificate, Certificate, SoftwareKey) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let signer_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let root = x509::create_self_signed(
        &spec(&format!("{country} root"), country, 1, FROM, UNTIL),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let signer = x509::create_issued(
        &spec(&format!("{country} signer"), country, 2, FROM, UNTIL),
        CertificateProfile::TrustListSigner,
        &signer_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    (root, signer, signer_key)
}

#[test]
fn a_vical_never_overrides_a_countrys_own_list() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let diia = licence_authority("Diia", &mut rng);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let issuer = Issuer::new(&diia.ds_key, &diia.ds_certificate).unwrap();
    let licence = issued_bytes(&issuer, &samples::driving_licence_ua(), &device, &mut rng);
    let permit = issued_bytes(&issuer, &samples::residence_permit_ua(), &device, &mut rng);

    let (ua_root, ua_signer, ua_key) = root_and_signer("UA", 1);
    let (eu_root, eu_signer, eu_key) = root_and_signer("BE", 2);
    let mut store = TrustStore::new();
    store.pin_operator("UA", ua_root).unwrap();
    store.pin_vical_provider("EU VICAL", eu_root).unwrap();
    let publish = |sequence: u64, authorities| {
        TrustList::new(
            "UA",
            sequence,
            NOW - Duration::DAY,
            NOW + Duration::DAY * 30,
            authorities,
        )
        .unwrap()
        .sign(&ua_key, std::slice::from_ref(&ua_signer))
        .unwrap()
        .as_bytes()
        .to_vec()
    };
    // Ukraine's own list: Diia may issue driving licences only.
    store
        .update(&publish(1, vec![diia.authority.clone()]), NOW)
        .unwrap();

    // A VICAL lists the same IACA for licences and residence permits.
    let info = cbor::text_map([
        (
            "certificate",
            Value::Bytes(diia.iaca_certificate.der().to_vec()),
        ),
        (
            "docType",
            Value::Array(vec![Value::Text(MDL.into()), Value::Text(PERMIT.into())]),
        ),
        ("issuingCountry", Value::Text("UA".into())),
    ]);
    let payload = cbor::text_map([
        ("version", Value::Text("1.0".into())),
        ("vicalProvider", Value::Text("EU VICAL".into())),
        ("date", cbor::tdate(NOW - Duration::DAY).unwrap()),
        ("vicalIssueID", Value::from(1u64)),
        ("nextUpdate", cbor::tdate(NOW + Duration::DAY * 30).unwrap()),
        ("certificateInfos", Value::Array(vec![info])),
    ]);
    let vical = sign1(
        &eu_key,
        &cbor::encode(&payload).unwrap(),
        &Sign1Options {
            x5chain: vec![eu_signer.der().to_vec()],
            ..Sign1Options::default()
        },
    )
    .unwrap();
    store
        .update_vical(&cbor::encode(&vical.to_value().unwrap()).unwrap(), NOW)
        .unwrap();

    let check = |store: &TrustStore, document: &[u8]| {
        Verifier::from_store(store, AcceptancePolicy::accept_all())
            .unwrap()
            .verify(document, &VerifyOptions::at(NOW))
            .map(|d| d.authority_id().to_string())
            .map_err(|e| e.code())
    };
    assert_eq!(check(&store, &licence), Ok(diia.authority.id().to_string()));
    assert_eq!(check(&store, &permit), Err("doc_type_not_allowed"));

    // Ukraine ends Diia's listing: the VICAL does not keep it alive.
    let ended = diia
        .authority
        .clone()
        .with_validity(None, Some(NOW - Duration::HOUR))
        .unwrap();
    store.update(&publish(2, vec![ended]), NOW).unwrap();
    assert_eq!(check(&store, &licence), Err("authority_expired"));
    assert_eq!(check(&store, &permit), Err("authority_expired"));

    // Ukraine removes Diia: nobody vouches for it any more.
    store.update(&publish(3, vec![]), NOW).unwrap();
    assert_eq!(check(&store, &licence), Err("untrusted_issuer"));
    assert_eq!(check(&store, &permit), Err("untrusted_issuer"));
}

#[test]
fn a_document_signer_key_cannot_sign_a_trust_list() {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let diia = licence_authority("Diia", &mut rng);
    let rogue = licence_authority("Rogue", &mut rng);
    // An app that pins the IACA itself as the operator root.
    let mut store = TrustStore::new();
    store
        .pin_operator("UA", diia.iaca_certificate.clone())
        .unwrap();
    let list = TrustList::new(
        "UA",
        1,
        NOW,
        NOW + Duration::DAY,
        vec![rogue.authority.clone()],
    )
    .unwrap()
    .sign(&diia.ds_key, std::slice::from_ref(&diia.ds_certificate))
    .unwrap();
    assert_eq!(
        store
            .update(list.as_bytes(), NOW)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("certificate_profile")
    );
}
