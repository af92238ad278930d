//! Signed national trust lists, the trust store, acceptance policies and
//! VICAL import (issue #4). Every refusal is asserted by its exact code. The
//! VICAL tests need the shared vectors in `../shared/vectors/external/vical`.

#[path = "common/external.rs"]
mod external;

mod common;

use std::time::Instant;

use common::certificate_spec;

use docbridge::VerifyOptions;
use docbridge::cbor;
use docbridge::cose::{HEADER_TYP, Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::{DocumentType, samples};
use docbridge::trust::list::{ListFormat, TRUST_LIST_TYPE};
use docbridge::trust::store::UpdateOutcome;
use docbridge::trust::vical::EKU_VICAL_SIGNER;
use docbridge::trust::{SignedVical, VerifiedVical};
use docbridge::x509::crl::{CrlOutcome, CrlPolicy, CrlSet, CrlSpec, RevocationReason, create_crl};
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, DeviceRequest, DrivingLicence, Issuer,
    IssuingAuthority, ItemsRequest, ReaderCheck, ResidencePermit, Result, Signer, SoftwareKey,
    StalePolicy, TrustList, TrustStore, ValidityInfo, VehicleRegistration, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const CERT_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const CERT_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
const ISSUED: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const NEXT_UPDATE: OffsetDateTime = datetime!(2026-12-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
const MDL: &str = DrivingLicence::DOC_TYPE;
const MVRC: &str = VehicleRegistration::DOC_TYPE;
const PERMIT: &str = ResidencePermit::DOC_TYPE;
const ALL: [&str; 3] = [MDL, MVRC, PERMIT];
const VICAL_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/vical"
);

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

fn code<T>(result: Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

// ----- Fixtures -----

/// A trust-list operator: a pinned root and a signing certificate under it.
struct Operator {
    country: String,
    root: Certificate,
    root_key: SoftwareKey,
    signer: Certificate,
    key: SoftwareKey,
}

fn operator(country: &str, seed: u64) -> Operator {
    let mut rng = rng(seed);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    let root = x509::create_self_signed(
        &certificate_spec(country, &format!("{country} Trust List Root {seed}"), 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let signer = x509::create_issued(
        &certificate_spec(country, &format!("{country} Trust List Signer {seed}"), 2),
        CertificateProfile::TrustListSigner,
        &key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    Operator {
        country: country.to_string(),
        root,
        root_key,
        signer,
        key,
    }
}

impl Operator {
    fn publish_with(
        &self,
        sequence: u64,
        issued: OffsetDateTime,
        next_update: OffsetDateTime,
        authorities: &[&DemoAuthority],
    ) -> Vec<u8> {
        TrustList::new(
            &self.country,
            sequence,
            issued,
            next_update,
            authorities.iter().map(|a| a.authority.clone()).collect(),
        )
        .unwrap()
        .sign(&self.key, std::slice::from_ref(&self.signer))
        .unwrap()
        .as_bytes()
        .to_vec()
    }

    fn publish(&self, sequence: u64, authorities: &[&DemoAuthority]) -> Vec<u8> {
        self.publish_with(sequence, ISSUED, NEXT_UPDATE, authorities)
    }

    /// Signs any payload as a trust list (for lists the builder refuses).
    fn sign_raw(&self, payload: &Value) -> Vec<u8> {
        self.sign_typed(payload, Some(TRUST_LIST_TYPE))
    }

    fn sign_typed(&self, payload: &Value, typ: Option<&str>) -> Vec<u8> {
        let options = Sign1Options {
            x5chain: vec![self.signer.der().to_vec()],
            typ: typ.map(str::to_string),
            ..Sign1Options::default()
        };
        let signed = sign1(&self.key, &cbor::encode(payload).unwrap(), &options).unwrap();
        cbor::encode(&signed.to_value().unwrap()).unwrap()
    }
}

fn authority(country: &str, name: &str, seed: u64) -> DemoAuthority {
    authority_for(country, name, &ALL, seed)
}

fn authority_for(country: &str, name: &str, doc_types: &[&str], seed: u64) -> DemoAuthority {
    DemoAuthority::generate(
        country,
        name,
        Algorithm::EdDsa,
        doc_types,
        CERT_FROM,
        CERT_UNTIL,
        &mut rng(seed),
    )
    .unwrap()
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn tdate(at: OffsetDateTime) -> Value {
    cbor::tdate(at).unwrap()
}

/// The CBOR of an authority entry.
fn entry(id: &str, country: &str, doc_types: &[&str], certificates: &[&Certificate]) -> Value {
    cbor::text_map([
        ("id", text(id)),
        ("country", text(country)),
        ("name", text(id)),
        (
            "docTypes",
            Value::Array(doc_types.iter().map(|d| text(d)).collect()),
        ),
        (
            "iacaCertificates",
            Value::Array(
                certificates
                    .iter()
                    .map(|c| Value::Bytes(c.der().to_vec()))
                    .collect(),
            ),
        ),
    ])
}

/// The CBOR of a list payload.
fn list_value(country: &str, sequence: u64, authorities: Vec<Value>) -> Value {
    cbor::text_map([
        ("version", Value::from(1u64)),
        ("operatorCountry", text(country)),
        ("sequence", Value::from(sequence)),
        ("issued", tdate(ISSUED)),
        ("nextUpdate", tdate(NEXT_UPDATE)),
        ("authorities", Value::Array(authorities)),
    ])
}

/// Replaces (or adds) `key` in a map value.
fn with_key(mut map: Value, key: &str, value: Value) -> Value {
    if let Value::Map(entries) = &mut map {
        match entries.iter_mut().find(|(k, _)| *k == text(key)) {
            Some((_, v)) => *v = value,
            None => entries.push((text(key), value)),
        }
    }
    map
}

fn without_key(mut map: Value, key: &str) -> Value {
    if let Value::Map(entries) = &mut map {
        entries.retain(|(k, _)| *k != text(key));
    }
    map
}

/// A Ukrainian and a Polish operator, pinned in a fresh store.
struct World {
    ua_op: Operator,
    pl_op: Operator,
    diia: DemoAuthority,
    mobywatel: DemoAuthority,
    store: TrustStore,
}

fn world() -> World {
    let ua_op = operator("UA", 1);
    let pl_op = operator("PL", 2);
    let diia = authority("UA", "Diia", 3);
    let mobywatel = authority("PL", "mObywatel", 4);
    let mut store = TrustStore::new();
    store.pin_operator("UA", ua_op.root.clone()).unwrap();
    store.pin_operator("PL", pl_op.root.clone()).unwrap();
    World {
        ua_op,
        pl_op,
        diia,
        mobywatel,
        store,
    }
}

fn issue_licence(authority: &DemoAuthority, seed: u64) -> Vec<u8> {
    issue(authority, MDL, seed)
}

fn issue(authority: &DemoAuthority, doc_type: &str, seed: u64) -> Vec<u8> {
    let mut rng = rng(seed);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng).public_key();
    let issuer = Issuer::new(&authority.ds_key, &authority.ds_certificate).unwrap();
    let country = authority.authority.country();
    let validity = ValidityInfo::new(
        datetime!(2026-10-30 9:00 UTC),
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2027-11-01 0:00 UTC),
    );
    let document = match (doc_type, country) {
        (MDL, "UA") => {
            issuer.issue_document(&samples::driving_licence_ua(), &device, &validity, &mut rng)
        }
        (MDL, "PL") => {
            issuer.issue_document(&samples::driving_licence_pl(), &device, &validity, &mut rng)
        }
        (MVRC, "UA") => issuer.issue_document(
            &samples::vehicle_registration_ua(),
            &device,
            &validity,
            &mut rng,
        ),
        (MVRC, "PL") => issuer.issue_document(
            &samples::vehicle_registration_pl(),
            &device,
            &validity,
            &mut rng,
        ),
        (PERMIT, "UA") => issuer.issue_document(
            &samples::residence_permit_ua(),
            &device,
            &validity,
            &mut rng,
        ),
        (PERMIT, "PL") => issuer.issue_document(
            &samples::residence_permit_pl(),
            &device,
            &validity,
            &mut rng,
        ),
        _ => {
            // Any other country: a licence with the elements the sample has,
            // the issuing country replaced.
            let mut elements = samples::driving_licence_ua().to_elements().unwrap();
            for ns in elements.values_mut() {
                if let Some(v) = ns.get_mut("issuing_country") {
                    *v = text(country);
                }
            }
            issuer.issue(doc_type, &elements, &device, &validity, &mut rng)
        }
    };
    document.unwrap().to_vec().unwrap()
}

fn held_sequence(store: &TrustStore, country: &str) -> Option<u64> {
    store.list(country).map(|l| l.list().sequence())
}

// ----- The flow -----

#[test]
fn polish_verifier_trusts_ukrainian_licence_through_the_list() {
    let mut w = world();
    let ua = w
        .store
        .update(&w.ua_op.publish(7, &[&w.diia]), NOW)
        .unwrap();
    assert_eq!(ua.outcome, UpdateOutcome::Replaced);
    assert_eq!(ua.source.operator_country(), Some("UA"));
    assert_eq!(ua.source.sequence(), 7);
    w.store
        .update(&w.pl_op.publish(3, &[&w.mobywatel]), NOW)
        .unwrap();

    let verifier = Verifier::from_store(&w.store, AcceptancePolicy::polish_default()).unwrap();
    let verified = verifier
        .verify(&issue_licence(&w.diia, 10), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(verified.issuing_country(), "UA");
    assert_eq!(verified.authority_id(), "UA:diia");
    let source = verified.trust_source().unwrap();
    assert_eq!(source.format(), ListFormat::TrustList);
    assert_eq!(source.operator_country(), Some("UA"));
    assert_eq!(source.operator(), "UA");
    assert_eq!(source.sequence(), 7);
    assert_eq!(source.next_update(), Some(NEXT_UPDATE));

    let polish = verifier
        .verify(&issue_licence(&w.mobywatel, 11), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(
        polish.trust_source().unwrap().operator_country(),
        Some("PL")
    );

    // Hand-configured authorities still work and report no list.
    let manual = Verifier::new(
        docbridge::TrustedAuthorities::from_authorities([w.diia.authority.clone()]).unwrap(),
        AcceptancePolicy::accept_all(),
    );
    let doc = manual
        .verify(&issue_licence(&w.diia, 12), &VerifyOptions::at(NOW))
        .unwrap();
    assert!(doc.trust_source().is_none());
}

#[test]
fn several_operators_each_replace_only_their_own_country() {
    let mut w = world();
    let diia2 = authority("UA", "Diia Two", 5);
    w.store
        .update(&w.ua_op.publish(1, &[&w.diia]), NOW)
        .unwrap();
    w.store
        .update(&w.pl_op.publish(1, &[&w.mobywatel]), NOW)
        .unwrap();
    let before_pl = w.store.list("PL").unwrap().signed().as_bytes().to_vec();

    // Ukraine replaces Diia by Diia Two: Poland's list is untouched.
    let update = w.store.update(&w.ua_op.publish(2, &[&diia2]), NOW).unwrap();
    assert_eq!(update.outcome, UpdateOutcome::Replaced);
    assert_eq!(w.store.list("PL").unwrap().signed().as_bytes(), before_pl);
    let trusted = w.store.trusted_authorities().unwrap();
    let ids: Vec<&str> = trusted.authorities().iter().map(|a| a.id()).collect();
    assert_eq!(ids, ["PL:mobywatel", "UA:diia-two"]);
    let verifier = Verifier::from_store(&w.store, AcceptancePolicy::accept_all()).unwrap();
    assert_eq!(
        code(verifier.verify(&issue_licence(&w.diia, 1), &VerifyOptions::at(NOW))),
        "untrusted_issuer"
    );
    verifier
        .verify(&issue_licence(&diia2, 2), &VerifyOptions::at(NOW))
        .unwrap();

    // A third country joins by configuration alone.
    let lt_op = operator("LT", 6);
    let regitra = authority("LT", "Regitra", 7);
    w.store.pin_operator("LT", lt_op.root.clone()).unwrap();
    w.store.update(&lt_op.publish(1, &[&regitra]), NOW).unwrap();
    let verifier = Verifier::from_store(&w.store, AcceptancePolicy::accept_all()).unwrap();
    let doc = verifier
        .verify(&issue_licence(&regitra, 3), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(doc.trust_source().unwrap().operator_country(), Some("LT"));
}

#[test]
fn re_signed_and_repeated_lists_change_nothing() {
    let mut w = world();
    let bytes = w.ua_op.publish(4, &[&w.diia]);
    w.store.update(&bytes, NOW).unwrap();
    assert_eq!(
        w.store.update(&bytes, NOW).unwrap().outcome,
        UpdateOutcome::Unchanged
    );
    // The operator moves to a new signing certificate and re-signs edition 4.
    let new_key = SoftwareKey::generate(Algorithm::Es384, &mut rng(40));
    let new_signer = x509::create_issued(
        &certificate_spec("UA", "UA Trust List Signer 2", 9),
        CertificateProfile::TrustListSigner,
        &new_key.public_key(),
        &w.ua_op.root,
        &w.ua_op.root_key,
    )
    .unwrap();
    let signed = docbridge::SignedTrustList::from_slice(&bytes).unwrap();
    let resigned = signed
        .resign(&new_key, std::slice::from_ref(&new_signer))
        .unwrap();
    assert_ne!(resigned.as_bytes(), bytes.as_slice());
    assert_eq!(resigned.payload(), signed.payload());
    assert_eq!(
        w.store.update(resigned.as_bytes(), NOW).unwrap().outcome,
        UpdateOutcome::Unchanged
    );
}

#[test]
fn device_responses_are_verified_through_the_store() {
    let mut w = world();
    w.store
        .update(&w.ua_op.publish(7, &[&w.diia]), NOW)
        .unwrap();
    let mut rng = rng(80);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let licence = Issuer::new(&w.diia.ds_key, &w.diia.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device.public_key(),
            &ValidityInfo::new(ISSUED, ISSUED, datetime!(2027-11-01 0:00 UTC)),
            &mut rng,
        )
        .unwrap();
    let session = docbridge::transcript::backend_nonce("mObywatel backend", &[7; 32]).unwrap();
    let items = ItemsRequest::new(MDL).element(DrivingLicence::NAMESPACE, "family_name", false);
    let built = DeviceRequest::build(&[items], None, &session).unwrap();
    let request = DeviceRequest::from_slice(&built.to_vec().unwrap()).unwrap();
    let presentation = docbridge::present(
        &[licence],
        &request,
        &session,
        &device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap();
    let bytes = presentation.response.to_vec().unwrap();
    let verifier = Verifier::from_store(&w.store, AcceptancePolicy::polish_default()).unwrap();
    let verify = |at: OffsetDateTime| {
        verifier
            .verify_response(&bytes, &VerifyOptions::at(at).transcript(&session))
            .and_then(|response| response.into_first())
    };
    let verified = verify(NOW).unwrap();
    assert!(verified.holder_bound());
    assert_eq!(
        verified.trust_source().unwrap().operator_country(),
        Some("UA")
    );
    assert_eq!(verified.trust_source().unwrap().sequence(), 7);
    assert_eq!(
        code(verify(NEXT_UPDATE + Duration::DAY)),
        "trust_list_stale"
    );
}

// ----- One test per refusal code -----

#[test]
fn rollback_is_refused() {
    let mut w = world();
    w.store
        .update(&w.ua_op.publish(5, &[&w.diia]), NOW)
        .unwrap();
    assert_eq!(
        code(w.store.update(&w.ua_op.publish(4, &[&w.diia]), NOW)),
        "trust_list_rollback"
    );
    assert_eq!(held_sequence(&w.store, "UA"), Some(5));
}

#[test]
fn same_sequence_with_other_content_is_refused() {
    let mut w = world();
    let other = authority("UA", "Other", 8);
    w.store
        .update(&w.ua_op.publish(5, &[&w.diia]), NOW)
        .unwrap();
    assert_eq!(
        code(w.store.update(&w.ua_op.publish(5, &[&w.diia, &other]), NOW)),
        "trust_list_sequence_reused"
    );
    assert_eq!(w.store.list("UA").unwrap().list().authorities().len(), 1);
}

#[test]
fn foreign_authority_is_refused() {
    let mut w = world();
    // Poland's operator names the Ukrainian authority: the builder refuses...
    assert_eq!(
        code(TrustList::new(
            "PL",
            1,
            ISSUED,
            NEXT_UPDATE,
            vec![w.diia.authority.clone()]
        )),
        "trust_list_foreign_authority"
    );
    // ... and so does every app, however the list was made.
    let forged = list_value(
        "PL",
        1,
        vec![entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate])],
    );
    assert_eq!(
        code(w.store.update(&w.pl_op.sign_raw(&forged), NOW)),
        "trust_list_foreign_authority"
    );
    // A Polish entry with a Ukrainian IACA, and a Polish entry squatting a
    // Ukrainian id, are foreign too.
    let disguised = list_value(
        "PL",
        1,
        vec![entry("PL:diia", "PL", &[MDL], &[&w.diia.iaca_certificate])],
    );
    assert_eq!(
        code(w.store.update(&w.pl_op.sign_raw(&disguised), NOW)),
        "trust_list_foreign_authority"
    );
    let squatter = list_value(
        "PL",
        1,
        vec![entry(
            "UA:diia",
            "PL",
            &[MDL],
            &[&w.mobywatel.iaca_certificate],
        )],
    );
    assert_eq!(
        code(w.store.update(&w.pl_op.sign_raw(&squatter), NOW)),
        "trust_list_foreign_authority"
    );
    assert!(w.store.list("PL").is_none());
}

#[test]
fn untrusted_operator_is_refused() {
    let mut w = world();
    // Signed by a key whose root is not pinned (same country, other root).
    let impostor = operator("UA", 99);
    assert_eq!(
        code(w.store.update(&impostor.publish(9, &[&w.diia]), NOW)),
        "trust_list_untrusted_operator"
    );
    // Ukraine's genuine operator signing a list that claims to be Polish.
    let claim = list_value(
        "PL",
        1,
        vec![entry(
            "PL:mobywatel",
            "PL",
            &[MDL],
            &[&w.mobywatel.iaca_certificate],
        )],
    );
    assert_eq!(
        code(w.store.update(&w.ua_op.sign_raw(&claim), NOW)),
        "trust_list_untrusted_operator"
    );
    // No operator pinned for the country at all.
    let lt = operator("LT", 12);
    let regitra = authority("LT", "Regitra", 13);
    assert_eq!(
        code(w.store.update(&lt.publish(1, &[&regitra]), NOW)),
        "trust_list_untrusted_operator"
    );
    // An IACA key is not a list signer either, even of the right country.
    let mut store = TrustStore::new();
    store
        .pin_operator("UA", w.diia.iaca_certificate.clone())
        .unwrap();
    let list =
        TrustList::new("UA", 1, ISSUED, NEXT_UPDATE, vec![w.diia.authority.clone()]).unwrap();
    let by_iaca = list
        .sign(
            &w.diia.iaca_key,
            std::slice::from_ref(&w.diia.iaca_certificate),
        )
        .unwrap();
    assert_eq!(
        code(store.update(by_iaca.as_bytes(), NOW)),
        "certificate_profile"
    );
    // A signer certificate of another country under a pinned root.
    let pl_signer = x509::create_issued(
        &certificate_spec("PL", "PL signer under UA root", 3),
        CertificateProfile::TrustListSigner,
        &w.ua_op.key.public_key(),
        &w.ua_op.root,
        &w.ua_op.root_key,
    )
    .unwrap();
    let crossed = Operator {
        signer: pl_signer,
        ..operator("UA", 1)
    };
    let ua_list = list_value(
        "UA",
        1,
        vec![entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate])],
    );
    assert_eq!(
        code(w.store.update(&crossed.sign_raw(&ua_list), NOW)),
        "country_mismatch"
    );
    // The builder refuses to sign with a certificate of another country.
    assert_eq!(
        code(list.sign(&w.pl_op.key, std::slice::from_ref(&w.pl_op.signer))),
        "country_mismatch"
    );
    assert!(w.store.list("UA").is_none() && w.store.list("PL").is_none());
}

#[test]
fn stale_lists_are_refused_and_fail_closed() {
    let mut w = world();
    let late = NEXT_UPDATE + Duration::hours(1);
    // A list already stale when it arrives.
    assert_eq!(
        code(w.store.update(&w.ua_op.publish(1, &[&w.diia]), late)),
        "trust_list_stale"
    );
    assert!(w.store.list("UA").is_none());

    // Held while fresh, then verification fails closed once it is stale.
    w.store
        .update(&w.ua_op.publish(1, &[&w.diia]), NOW)
        .unwrap();
    let verifier = Verifier::from_store(&w.store, AcceptancePolicy::accept_all()).unwrap();
    let doc = issue_licence(&w.diia, 20);
    verifier
        .verify(&doc, &VerifyOptions::at(NEXT_UPDATE))
        .unwrap();
    assert_eq!(
        code(verifier.verify(&doc, &VerifyOptions::at(late))),
        "trust_list_stale"
    );

    // A grace period covers the hour; past it, stale again.
    let graced = w.store.clone().with_grace(Duration::hours(2));
    let verifier = Verifier::from_store(&graced, AcceptancePolicy::accept_all()).unwrap();
    verifier.verify(&doc, &VerifyOptions::at(late)).unwrap();
    assert_eq!(
        code(verifier.verify(&doc, &VerifyOptions::at(late + Duration::hours(2)))),
        "trust_list_stale"
    );
    let mut graced = TrustStore::new().with_grace(Duration::hours(2));
    graced.pin_operator("UA", w.ua_op.root.clone()).unwrap();
    graced
        .update(&w.ua_op.publish(1, &[&w.diia]), late)
        .unwrap();

    // An explicit opt-out accepts stale lists and reports them.
    let lenient = w.store.clone().with_stale_policy(StalePolicy::AllowStale);
    let verifier = Verifier::from_store(&lenient, AcceptancePolicy::accept_all()).unwrap();
    let verified = verifier.verify(&doc, &VerifyOptions::at(late)).unwrap();
    assert_eq!(verified.trust_source().unwrap().stale_after(), None);
    assert_eq!(
        verified.trust_source().unwrap().next_update(),
        Some(NEXT_UPDATE)
    );
}

#[test]
fn duplicate_authorities_are_refused() {
    let mut w = world();
    let other = authority("UA", "Other", 8);
    let twice_id = list_value(
        "UA",
        1,
        vec![
            entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate]),
            entry("UA:diia", "UA", &[MVRC], &[&other.iaca_certificate]),
        ],
    );
    assert_eq!(
        code(w.store.update(&w.ua_op.sign_raw(&twice_id), NOW)),
        "trust_list_duplicate_authority"
    );
    let twice_cert = list_value(
        "UA",
        1,
        vec![
            entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate]),
            entry("UA:other", "UA", &[MVRC], &[&w.diia.iaca_certificate]),
        ],
    );
    assert_eq!(
        code(w.store.update(&w.ua_op.sign_raw(&twice_cert), NOW)),
        "trust_list_duplicate_authority"
    );
    assert_eq!(
        code(TrustList::new(
            "UA",
            1,
            ISSUED,
            NEXT_UPDATE,
            vec![w.diia.authority.clone(), w.diia.authority.clone()]
        )),
        "trust_list_duplicate_authority"
    );
}

#[test]
fn empty_certificate_sets_are_refused() {
    let mut w = world();
    let empty = list_value("UA", 1, vec![entry("UA:diia", "UA", &[MDL], &[])]);
    assert_eq!(
        code(w.store.update(&w.ua_op.sign_raw(&empty), NOW)),
        "trust_list_empty_certificates"
    );
}

#[test]
fn non_ca_certificates_are_refused() {
    let mut w = world();
    // The Document Signer certificate listed as if it were the IACA.
    let ds_as_root = list_value(
        "UA",
        1,
        vec![entry("UA:diia", "UA", &[MDL], &[&w.diia.ds_certificate])],
    );
    assert_eq!(
        code(w.store.update(&w.ua_op.sign_raw(&ds_as_root), NOW)),
        "trust_list_not_ca"
    );
    let listed = IssuingAuthority::new(
        "UA:diia",
        "UA",
        "Diia",
        vec![w.diia.ds_certificate.clone()],
        [MDL],
    )
    .unwrap();
    assert_eq!(
        code(TrustList::new("UA", 1, ISSUED, NEXT_UPDATE, vec![listed])),
        "trust_list_not_ca"
    );
}

#[test]
fn malformed_lists_are_refused() {
    let mut w = world();
    let good = list_value(
        "UA",
        1,
        vec![entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate])],
    );
    let mut cases = vec![
        (
            "version 2",
            with_key(good.clone(), "version", Value::from(2u64)),
        ),
        ("no sequence", without_key(good.clone(), "sequence")),
        ("unknown key", with_key(good.clone(), "scope", text("all"))),
        (
            "nextUpdate before issued",
            with_key(good.clone(), "nextUpdate", tdate(ISSUED - Duration::DAY)),
        ),
        (
            "sequence as text",
            with_key(good.clone(), "sequence", text("1")),
        ),
        (
            "issued untagged",
            with_key(good.clone(), "issued", text("2026-11-01T00:00:00Z")),
        ),
        (
            "authorities not an array",
            with_key(good.clone(), "authorities", Value::Map(vec![])),
        ),
        (
            "operatorCountry lower case",
            with_key(good.clone(), "operatorCountry", text("ua")),
        ),
        ("not a map", Value::Array(vec![])),
    ];
    let entry_cases = [
        (
            "no doc type",
            entry("UA:diia", "UA", &[], &[&w.diia.iaca_certificate]),
        ),
        (
            "doc type twice",
            entry("UA:diia", "UA", &[MDL, MDL], &[&w.diia.iaca_certificate]),
        ),
        (
            "unknown authority key",
            with_key(
                entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate]),
                "scope",
                text("EU"),
            ),
        ),
        (
            "validUntil before validFrom",
            with_key(
                with_key(
                    entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate]),
                    "validFrom",
                    tdate(ISSUED),
                ),
                "validUntil",
                tdate(ISSUED - Duration::DAY),
            ),
        ),
        (
            "empty name",
            with_key(
                entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate]),
                "name",
                text(""),
            ),
        ),
    ];
    for (what, authority) in entry_cases {
        cases.push((what, list_value("UA", 1, vec![authority])));
    }
    for (what, payload) in cases {
        assert_eq!(
            code(w.store.update(&w.ua_op.sign_raw(&payload), NOW)),
            "trust_list_malformed",
            "{what}"
        );
    }
    // A payload that is not CBOR at all keeps the CBOR code.
    let options = Sign1Options {
        x5chain: vec![w.ua_op.signer.der().to_vec()],
        typ: Some(TRUST_LIST_TYPE.into()),
        ..Sign1Options::default()
    };
    let signed = sign1(&w.ua_op.key, &[0xa1, 0x61], &options).unwrap();
    let bytes = cbor::encode(&signed.to_value().unwrap()).unwrap();
    assert_eq!(
        code(w.store.update(&bytes, NOW)),
        "cbor_length_exceeds_input"
    );
    assert_eq!(
        code(w.store.update(&[0x01, 0x02], NOW)),
        "cbor_trailing_bytes"
    );
    assert!(w.store.list("UA").is_none());
}

#[test]
fn other_signed_objects_are_not_trust_lists() {
    let mut w = world();
    let payload = list_value(
        "UA",
        1,
        vec![entry("UA:diia", "UA", &[MDL], &[&w.diia.iaca_certificate])],
    );
    assert_eq!(
        code(w.store.update(&w.ua_op.sign_typed(&payload, None), NOW)),
        "trust_list_wrong_type"
    );
    assert_eq!(
        code(
            w.store.update(
                &w.ua_op
                    .sign_typed(&payload, Some("application/statuslist+cwt")),
                NOW
            )
        ),
        "trust_list_wrong_type"
    );
    // An mdoc's issuerAuth (a COSE_Sign1 by a DS key) offered as a list.
    let document = docbridge::IssuerSigned::from_slice(&issue_licence(&w.diia, 30)).unwrap();
    let issuer_auth = cbor::encode(&document.issuer_auth().to_value().unwrap()).unwrap();
    assert_eq!(
        code(w.store.update(&issuer_auth, NOW)),
        "trust_list_wrong_type"
    );
    let _ = HEADER_TYP;
}

#[test]
fn listed_authority_validity_is_enforced_at_verification() {
    let mut w = world();
    let limited = |from: Option<OffsetDateTime>, until: Option<OffsetDateTime>| {
        w.diia.authority.clone().with_validity(from, until).unwrap()
    };
    let doc = issue_licence(&w.diia, 40);
    let cases = [
        (Some(NOW + Duration::DAY), None, "authority_not_yet_valid"),
        (None, Some(NOW - Duration::DAY), "authority_expired"),
        (Some(NOW - Duration::DAY), Some(NOW + Duration::DAY), "ok"),
    ];
    for (sequence, (from, until, expected)) in (1u64..).zip(cases) {
        let list = TrustList::new(
            "UA",
            sequence,
            ISSUED,
            NEXT_UPDATE,
            vec![limited(from, until)],
        )
        .unwrap()
        .sign(&w.ua_op.key, std::slice::from_ref(&w.ua_op.signer))
        .unwrap();
        w.store.update(list.as_bytes(), NOW).unwrap();
        let listed = &w.store.list("UA").unwrap().list().authorities()[0];
        assert_eq!((listed.valid_from(), listed.valid_until()), (from, until));
        let verifier = Verifier::from_store(&w.store, AcceptancePolicy::accept_all()).unwrap();
        assert_eq!(
            code(verifier.verify(&doc, &VerifyOptions::at(NOW))),
            expected
        );
    }
    assert_eq!(
        code(
            w.diia
                .authority
                .clone()
                .with_validity(Some(NOW), Some(NOW - Duration::DAY))
        ),
        "invalid_argument"
    );
}

// ----- Atomic replace -----

#[test]
fn a_refused_update_changes_nothing() {
    let mut w = world();
    w.store
        .update(&w.ua_op.publish(5, &[&w.diia]), NOW)
        .unwrap();
    w.store
        .update(&w.pl_op.publish(2, &[&w.mobywatel]), NOW)
        .unwrap();
    let snapshot = |store: &TrustStore| {
        let mut saved = Vec::new();
        store.save_to(&mut saved).unwrap();
        let ids: Vec<String> = store
            .trusted_authorities()
            .unwrap()
            .authorities()
            .iter()
            .map(|a| a.id().to_string())
            .collect();
        (saved, ids)
    };
    let before = snapshot(&w.store);
    let other = authority("UA", "Other", 8);
    let refused: Vec<(&str, Vec<u8>)> = vec![
        ("trust_list_rollback", w.ua_op.publish(4, &[&other])),
        (
            "trust_list_sequence_reused",
            w.ua_op.publish(5, &[&w.diia, &other]),
        ),
        (
            "trust_list_stale",
            w.ua_op
                .publish_with(6, NOW - Duration::DAY * 30, NOW - Duration::DAY, &[&other]),
        ),
        (
            "trust_list_untrusted_operator",
            operator("UA", 77).publish(6, &[&other]),
        ),
        (
            "trust_list_foreign_authority",
            w.pl_op.sign_raw(&list_value(
                "PL",
                3,
                vec![entry("UA:other", "UA", &[MDL], &[&other.iaca_certificate])],
            )),
        ),
        (
            "trust_list_malformed",
            w.ua_op.sign_raw(&with_key(
                list_value("UA", 6, vec![]),
                "version",
                Value::from(9u64),
            )),
        ),
    ];
    for (expected, bytes) in refused {
        assert_eq!(code(w.store.update(&bytes, NOW)), expected);
        assert_eq!(snapshot(&w.store), before, "after {expected}");
    }
    // An accepted update of an empty list really removes Ukraine's authorities.
    w.store.update(&w.ua_op.publish(6, &[]), NOW).unwrap();
    assert_eq!(
        w.store.trusted_authorities().unwrap().authorities().len(),
        1
    );
}

// ----- Persistence -----

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("docbridge-trust-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn pinned_store(w: &World) -> TrustStore {
    let mut store = TrustStore::new();
    store.pin_operator("UA", w.ua_op.root.clone()).unwrap();
    store.pin_operator("PL", w.pl_op.root.clone()).unwrap();
    store
}

#[test]
fn persistence_round_trip() {
    let mut w = world();
    w.store
        .update(&w.ua_op.publish(3, &[&w.diia]), NOW)
        .unwrap();
    w.store
        .update(&w.pl_op.publish(8, &[&w.mobywatel]), NOW)
        .unwrap();
    let dir = TempDir::new("roundtrip");
    let path = dir.0.join("trust-store.cbor");
    w.store.save_to_path(&path).unwrap();

    // Reloading verifies every list again (certificates at now).
    let mut reloaded = pinned_store(&w);
    assert_eq!(reloaded.load_from_path(&path, NOW).unwrap(), 2);
    assert_eq!(reloaded.sources(), w.store.sources());
    assert_eq!(held_sequence(&reloaded, "UA"), Some(3));
    assert_eq!(held_sequence(&reloaded, "PL"), Some(8));
    let verifier = Verifier::from_store(&reloaded, AcceptancePolicy::polish_default()).unwrap();
    let doc = issue_licence(&w.diia, 50);
    let verified = verifier.verify(&doc, &VerifyOptions::at(NOW)).unwrap();
    assert_eq!(verified.trust_source().unwrap().sequence(), 3);
    assert_eq!(
        code(verifier.verify(&doc, &VerifyOptions::at(NEXT_UPDATE + Duration::DAY))),
        "trust_list_stale"
    );
    // Rollback protection survives the reload.
    assert_eq!(
        code(reloaded.update(&w.ua_op.publish(2, &[&w.diia]), NOW)),
        "trust_list_rollback"
    );
    // Loading an older state into a newer store keeps the newer lists.
    reloaded
        .update(&w.ua_op.publish(4, &[&w.diia]), NOW)
        .unwrap();
    reloaded.load_from_path(&path, NOW).unwrap();
    assert_eq!(held_sequence(&reloaded, "UA"), Some(4));
    // The state file was replaced atomically: no temporary file is left.
    let names: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["trust-store.cbor"]);
}

#[test]
fn corrupt_state_is_a_clear_error_and_keeps_the_last_good_state() {
    let mut w = world();
    w.store
        .update(&w.ua_op.publish(3, &[&w.diia]), NOW)
        .unwrap();
    let mut saved = Vec::new();
    w.store.save_to(&mut saved).unwrap();

    let mut store = pinned_store(&w);
    store.load_from(&saved, NOW).unwrap();
    let good = store.sources();

    // Truncated, not CBOR, wrong shape, wrong version.
    let truncated = &saved[..saved.len() / 2];
    let wrong_version = cbor::encode(&with_key(
        cbor::decode(&saved).unwrap(),
        "version",
        Value::from(2u64),
    ))
    .unwrap();
    let no_vicals = cbor::encode(&without_key(cbor::decode(&saved).unwrap(), "vicals")).unwrap();
    // A list inside whose signature no longer verifies.
    let list = w.store.list("UA").unwrap().signed().as_bytes().to_vec();
    let mut tampered_list = list.clone();
    let last = tampered_list.len() - 1;
    tampered_list[last] ^= 1;
    let tampered = cbor::encode(&cbor::text_map([
        ("version", Value::from(1u64)),
        (
            "trustLists",
            Value::Array(vec![Value::Bytes(tampered_list)]),
        ),
        ("vicals", Value::Array(vec![])),
    ]))
    .unwrap();
    for (what, bytes) in [
        ("truncated", truncated.to_vec()),
        ("garbage", b"garbage".to_vec()),
        ("wrong version", wrong_version),
        ("no vicals", no_vicals),
        ("tampered list", tampered),
    ] {
        let err = store.load_from(&bytes, NOW).unwrap_err();
        assert_eq!(err.code(), "trust_store_corrupt", "{what}");
        assert_eq!(store.sources(), good, "{what}");
    }
    let err = store.load_from(&saved[..10], NOW).unwrap_err();
    assert!(err.to_string().contains("cbor_"), "{err}");

    // A store that no longer pins the operator cannot vouch for its lists.
    let mut unpinned = TrustStore::new();
    let err = unpinned.load_from(&saved, NOW).unwrap_err();
    assert_eq!(err.code(), "trust_store_corrupt");
    assert!(
        err.to_string().contains("trust_list_untrusted_operator"),
        "{err}"
    );
    assert!(unpinned.sources().is_empty());

    // A missing file is an i/o error; a corrupt file leaves the store usable.
    let dir = TempDir::new("corrupt");
    assert_eq!(
        code(store.load_from_path(&dir.0.join("missing.cbor"), NOW)),
        "io"
    );
    std::fs::write(dir.0.join("bad.cbor"), b"\xa1").unwrap();
    assert_eq!(
        code(store.load_from_path(&dir.0.join("bad.cbor"), NOW)),
        "trust_store_corrupt"
    );
    let verifier = Verifier::from_store(&store, AcceptancePolicy::accept_all()).unwrap();
    verifier
        .verify(&issue_licence(&w.diia, 60), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(
        code(store.save_to_path(&dir.0.join("no-such-dir").join("x.cbor"))),
        "io"
    );
}

// ----- Acceptance policy -----

#[test]
fn default_policies_mirror_each_other() {
    let pl = AcceptancePolicy::polish_default();
    let ua = AcceptancePolicy::ukrainian_default();
    for doc_type in ALL {
        assert!(pl.accepts("UA", doc_type) && pl.accepts("PL", doc_type));
        assert!(ua.accepts("PL", doc_type) && ua.accepts("UA", doc_type));
    }
    let other = "org.iso.23220.photoid.1";
    assert!(pl.accepts("PL", other) && !pl.accepts("UA", other));
    assert!(ua.accepts("UA", other) && !ua.accepts("PL", other));
    assert!(!pl.accepts("LT", MDL) && !ua.accepts("LT", MDL));

    // Through the verifier: a Ukrainian authority listed for a doc type the
    // Polish policy does not cover is refused with not_accepted.
    let mut w = world();
    let wide = authority_for("UA", "Diia", &[MDL, other], 3);
    w.store.update(&w.ua_op.publish(1, &[&wide]), NOW).unwrap();
    let verifier = Verifier::from_store(&w.store, AcceptancePolicy::polish_default()).unwrap();
    assert_eq!(
        code(verifier.verify(&issue(&wide, other, 70), &VerifyOptions::at(NOW))),
        "not_accepted"
    );
    verifier
        .verify(&issue(&wide, MDL, 71), &VerifyOptions::at(NOW))
        .unwrap();
}

// ----- Scale -----

/// An authority with only an IACA certificate (no Document Signer), cheap
/// to make in bulk.
fn iaca_only(country: &str, index: u64, seed: u64) -> IssuingAuthority {
    let key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng(seed));
    let name = format!("Authority {index}");
    let iaca = x509::create_self_signed(
        &CertificateSpec {
            organization: Some(name.clone()),
            ..certificate_spec(country, &format!("{name} IACA"), seed)
        },
        CertificateProfile::Iaca,
        &key,
    )
    .unwrap();
    IssuingAuthority::new(
        format!("{country}:authority-{index}"),
        country,
        name,
        vec![iaca],
        ALL,
    )
    .unwrap()
}

#[test]
fn a_thousand_authorities_in_five_countries() {
    let countries = ["UA", "PL", "LT", "DE", "CZ"];
    let mut store = TrustStore::new();
    let mut picked = Vec::new();
    let mut generating = std::time::Duration::ZERO;
    let mut taking = std::time::Duration::ZERO;
    for (c, country) in countries.iter().enumerate() {
        let started = Instant::now();
        let op = operator(country, 100 + c as u64);
        store.pin_operator(country, op.root.clone()).unwrap();
        // One authority per country with keys to issue with, at a different
        // place in each list; 199 others with only their IACA.
        let chosen_index = 17 + 40 * c as u64;
        let chosen = authority(
            country,
            &format!("Authority {chosen_index}"),
            7000 + c as u64,
        );
        let authorities: Vec<IssuingAuthority> = (0..200u64)
            .map(|i| match i == chosen_index {
                true => chosen.authority.clone(),
                false => iaca_only(country, i, 1000 * (c as u64 + 1) + i + 1),
            })
            .collect();
        let list = TrustList::new(country, 1, ISSUED, NEXT_UPDATE, authorities)
            .unwrap()
            .sign(&op.key, std::slice::from_ref(&op.signer))
            .unwrap();
        generating += started.elapsed();
        let started = Instant::now();
        store.update(list.as_bytes(), NOW).unwrap();
        taking += started.elapsed();
        picked.push(chosen);
    }
    let started = Instant::now();
    let trusted = store.trusted_authorities().unwrap();
    let snapshot = started.elapsed();
    assert_eq!(trusted.authorities().len(), 1000);
    let verifier = Verifier::new(trusted, AcceptancePolicy::accept_all());
    let docs: Vec<Vec<u8>> = picked
        .iter()
        .zip(300u64..)
        .map(|(chosen, seed)| issue_licence(chosen, seed))
        .collect();
    let started = Instant::now();
    for (i, (chosen, doc)) in picked.iter().zip(&docs).enumerate() {
        // The DS certificate's issuer name finds exactly one candidate.
        assert_eq!(
            verifier
                .authorities()
                .candidates_for(&chosen.ds_certificate)
                .count(),
            1
        );
        let verified = verifier.verify(doc, &VerifyOptions::at(NOW)).unwrap();
        assert_eq!(verified.authority_id(), chosen.authority.id());
        assert_eq!(
            verified.trust_source().unwrap().operator_country(),
            Some(countries[i])
        );
    }
    let verifying = started.elapsed();
    // The same documents against a verifier trusting only their 5 authorities.
    let small = Verifier::new(
        docbridge::TrustedAuthorities::from_authorities(picked.iter().map(|a| a.authority.clone()))
            .unwrap(),
        AcceptancePolicy::accept_all(),
    );
    let started = Instant::now();
    for doc in &docs {
        small.verify(doc, &VerifyOptions::at(NOW)).unwrap();
    }
    eprintln!(
        "1,000 authorities in 5 lists: made and signed in {generating:?}, taken by the store in \
         {taking:?}, snapshot in {snapshot:?}; 5 documents verified in {verifying:?} \
         (against 5 authorities: {:?})",
        started.elapsed()
    );
}

// ----- VICAL -----

fn vical_file(name: &str) -> Vec<u8> {
    let path = format!("{VICAL_DIR}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "shared vectors required (../shared/vectors next to the crate): cannot read {path}: {e}"
        )
    })
}

fn vical_root(name: &str) -> Certificate {
    Certificate::load_one(&vical_file(name)).unwrap()
}

fn verify_vical(file: &str, anchor: &Certificate, at: OffsetDateTime) -> VerifiedVical {
    SignedVical::from_slice(&vical_file(file))
        .unwrap()
        .verify(std::slice::from_ref(anchor), at)
        .unwrap()
}

#[test]
fn aamva_vical_verifies_through_its_intermediate() {
    if !external::available(VICAL_DIR) {
        return;
    }
    let root = vical_root("aamva_ca_root.crt");
    let intermediate = vical_root("aamva_ca_intermediate.crt");
    let file = "aamva-vical-2025-11-18-1763491092481.cbor";
    let signed = SignedVical::from_slice(&vical_file(file)).unwrap();
    assert_eq!(signed.chain().len(), 3);
    assert_eq!(signed.chain()[1], intermediate);
    assert_eq!(signed.chain()[2], root);
    assert_eq!(signed.chain()[0].extended_key_usages(), [EKU_VICAL_SIGNER]);
    let at = datetime!(2025-11-18 18:40 UTC);
    let vical = verify_vical(file, &root, at);
    assert_eq!(vical.provider(), "AAMVA");
    assert_eq!(vical.version(), "1.0");
    assert_eq!(vical.issue_id(), 227602);
    assert_eq!(vical.date(), datetime!(2025-11-18 18:38:12 UTC));
    assert_eq!(
        vical.next_update(),
        Some(datetime!(2025-11-19 18:38:12 UTC))
    );
    let total = vical.authorities().len() + vical.skipped().len();
    assert_eq!(total, 14);
    for authority in vical.authorities() {
        assert_eq!(authority.country(), "US");
        assert_eq!(
            authority.doc_types().iter().collect::<Vec<_>>(),
            [MDL],
            "{}",
            authority.name()
        );
        assert!(authority.id().starts_with("vical:AAMVA:"));
    }
    report("AAMVA 2025", &vical);

    // The same VICAL under another provider's root, or without its root.
    let austroads = vical_root("VicalParserTest_austroads_vical_root.pem");
    assert_eq!(
        code(signed.verify(std::slice::from_ref(&austroads), at)),
        "trust_list_untrusted_operator"
    );
    assert_eq!(
        code(signed.verify(&[], at)),
        "trust_list_untrusted_operator"
    );
    // The signer's certificate ended on 2026-04-18.
    assert_eq!(
        code(signed.verify(std::slice::from_ref(&root), datetime!(2026-05-01 0:00 UTC))),
        "certificate_expired"
    );
    // The intermediate may be pinned instead of the root.
    signed
        .verify(std::slice::from_ref(&intermediate), at)
        .unwrap();
}

#[test]
fn older_aamva_vical_matches_the_multipaz_assertions() {
    if !external::available(VICAL_DIR) {
        return;
    }
    let root = vical_root("VicalParserTest_aamva_dts_root.pem");
    assert_eq!(root, vical_root("aamva_ca_root.crt"));
    let vical = verify_vical(
        "VicalParserTest_aamva-vc-2024-09-24-1727199451615.cbor",
        &root,
        datetime!(2024-09-24 18:00 UTC),
    );
    assert_eq!(vical.issue_id(), 616575);
    let names: Vec<&str> = vical.authorities().iter().map(|a| a.name()).collect();
    assert_eq!(
        names,
        [
            "cn=Fast Enterprises Root,o=Maryland MVA,l=Glen Burnie,c=US,st=US-MD",
            "c=US,st=US-UT,o=Utah DLD,cn=IACA-UTAH-USA",
            "c=US,st=US-VA,cn=VA mID IACA",
        ]
    );
    assert!(vical.skipped().is_empty());
}

#[test]
fn austroads_vical_has_a_single_certificate_x5chain_and_no_next_update() {
    if !external::available(VICAL_DIR) {
        return;
    }
    let root = vical_root("VicalParserTest_austroads_vical_root.pem");
    let file = "VicalParserTest_austroads-vical-2024-09-19-1726788000235.cbor";
    let signed = SignedVical::from_slice(&vical_file(file)).unwrap();
    assert_eq!(signed.chain().len(), 1);
    let vical = verify_vical(file, &root, datetime!(2024-09-20 0:00 UTC));
    assert_eq!(vical.provider(), "Austroads");
    assert_eq!(vical.issue_id(), 15);
    assert_eq!(vical.next_update(), None);
    assert_eq!(vical.source().stale_after(), None);
    assert_eq!(vical.authorities().len() + vical.skipped().len(), 35);
    let owf = vical
        .authorities()
        .iter()
        .find(|a| a.name() == "CN=OWF Identity Credential TEST IACA, C=ZZ")
        .unwrap();
    assert_eq!(owf.country(), "ZZ");
    assert_eq!(owf.doc_types().len(), 4);
    assert!(owf.may_issue(MVRC) && !owf.may_issue(PERMIT));
    // P-521 and brainpool IACAs are skipped, not fatal.
    assert_eq!(skip_codes(&vical), [("unsupported_algorithm", 11)]);
    assert_eq!(signed.chain()[0].extended_key_usages(), [EKU_VICAL_SIGNER]);
    report("Austroads", &vical);
}

#[test]
fn rdw_vical_skips_its_rsa_entry_and_imports_the_rest() {
    if !external::available(VICAL_DIR) {
        return;
    }
    let file = "20250225_RDW_Test_Vical.vical";
    let signed = SignedVical::from_slice(&vical_file(file)).unwrap();
    // The RDW root is not published with the file: pin the signer itself.
    let signer = signed.chain()[0].clone();
    assert!(
        signer.subject().starts_with("CN=RDW Vical Test Signer"),
        "{}",
        signer.subject()
    );
    let vical = verify_vical(file, &signer, datetime!(2025-02-25 12:00 UTC));
    assert_eq!(vical.provider(), "RDW");
    assert_eq!(vical.issue_id(), 5);
    assert_eq!(vical.authorities().len() + vical.skipped().len(), 45);
    let rsa = vical.skipped().iter().find(|s| s.index == 34).unwrap();
    assert_eq!(rsa.error.code(), "unsupported_algorithm");
    assert!(rsa.error.to_string().contains("RSA"), "{}", rsa.error);
    assert_eq!(
        skip_codes(&vical),
        [
            ("certificate_profile", 10),
            ("trust_list_duplicate_authority", 1),
            ("unsupported_algorithm", 6),
        ]
    );
    assert_eq!(signer.extended_key_usages(), [EKU_VICAL_SIGNER]);
    report("RDW", &vical);
    // Doc types beyond the three this crate models are kept as listed.
    assert!(
        vical
            .authorities()
            .iter()
            .any(|a| a.may_issue("eu.europa.ec.eudi.pid.1"))
    );
}

/// How many entries were skipped for each code.
fn skip_codes(vical: &VerifiedVical) -> Vec<(&'static str, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for skipped in vical.skipped() {
        *counts.entry(skipped.error.code()).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

/// Prints the skipped entries (run with --nocapture to see them).
fn report(name: &str, vical: &VerifiedVical) {
    eprintln!(
        "{name}: {} imported, {} skipped",
        vical.authorities().len(),
        vical.skipped().len()
    );
    for skipped in vical.skipped() {
        eprintln!(
            "  [{}] {:?}: {} ({})",
            skipped.index,
            skipped.subject,
            skipped.error,
            skipped.error.code()
        );
    }
}

/// A VICAL made here, for a demo authority whose keys the test holds.
fn make_vical(
    provider: &str,
    issue_id: u64,
    signer: &Operator,
    entries: Vec<(&Certificate, &[&str])>,
) -> Vec<u8> {
    let infos = entries
        .into_iter()
        .map(|(certificate, doc_types)| {
            cbor::text_map([
                ("certificate", Value::Bytes(certificate.der().to_vec())),
                ("serialNumber", Value::from(1u64)),
                ("ski", Value::Bytes(vec![1, 2, 3])),
                (
                    "docType",
                    Value::Array(doc_types.iter().map(|d| text(d)).collect()),
                ),
                ("issuingCountry", text(certificate.country().unwrap())),
            ])
        })
        .collect();
    let payload = cbor::text_map([
        ("version", text("1.0")),
        ("vicalProvider", text(provider)),
        // Editions are ordered by date: one hour per issue here.
        ("date", tdate(ISSUED + Duration::hours(issue_id as i64))),
        ("vicalIssueID", Value::from(issue_id)),
        ("nextUpdate", tdate(NEXT_UPDATE)),
        ("certificateInfos", Value::Array(infos)),
    ]);
    signer.sign_typed(&payload, None)
}

#[test]
fn vical_doc_types_are_enforced_per_certificate() {
    let provider = operator("US", 300);
    let issuer = authority("US", "Utopia DMV", 301);
    let mut store = TrustStore::new();
    store
        .pin_vical_provider("Utopia VICAL", provider.root.clone())
        .unwrap();
    let mdl_only: &[&str] = &[MDL];
    let bytes = make_vical(
        "Utopia VICAL",
        10,
        &provider,
        vec![(&issuer.iaca_certificate, mdl_only)],
    );
    let update = store.update_vical(&bytes, NOW).unwrap();
    assert_eq!(update.source.format(), ListFormat::Vical);
    assert!(update.skipped.is_empty());
    let verifier = Verifier::from_store(&store, AcceptancePolicy::accept_all()).unwrap();
    let verified = verifier
        .verify(&issue(&issuer, MDL, 302), &VerifyOptions::at(NOW))
        .unwrap();
    let source = verified.trust_source().unwrap();
    assert_eq!(
        (source.format(), source.operator(), source.sequence()),
        (ListFormat::Vical, "Utopia VICAL", 10)
    );
    assert_eq!(source.operator_country(), None);
    // The authority's IACA is trusted, but not for vehicle registrations.
    assert_eq!(
        code(verifier.verify(&issue(&issuer, MVRC, 303), &VerifyOptions::at(NOW))),
        "doc_type_not_allowed"
    );
    // VICAL rollback, staleness and the unpinned provider.
    assert_eq!(
        code(store.update_vical(&make_vical("Utopia VICAL", 9, &provider, vec![]), NOW)),
        "trust_list_rollback"
    );
    assert_eq!(
        code(store.update_vical(&bytes, NEXT_UPDATE + Duration::DAY)),
        "trust_list_stale"
    );
    assert_eq!(
        code(store.update_vical(&make_vical("Other", 1, &provider, vec![]), NOW)),
        "trust_list_untrusted_operator"
    );
    // A Document Signer (EKU 1.0.18013.5.1.2) cannot sign a VICAL, even
    // under the pinned anchor.
    let ds_signer = Operator {
        signer: issuer.ds_certificate.clone(),
        key: issuer.ds_key.clone(),
        ..operator("US", 300)
    };
    let mut by_ds = TrustStore::new();
    by_ds
        .pin_vical_provider("Utopia VICAL", issuer.iaca_certificate.clone())
        .unwrap();
    assert_eq!(
        code(by_ds.update_vical(&make_vical("Utopia VICAL", 12, &ds_signer, vec![]), NOW)),
        "certificate_profile"
    );
    // Entries that cannot be used are skipped and reported, not fatal.
    let both: &[&str] = &[MDL, MVRC];
    let bytes = make_vical(
        "Utopia VICAL",
        11,
        &provider,
        vec![
            (&issuer.iaca_certificate, both),
            (&issuer.ds_certificate, mdl_only),
            (&issuer.iaca_certificate, mdl_only),
            (&provider.root, &[]),
        ],
    );
    let update = store.update_vical(&bytes, NOW).unwrap();
    let skipped: Vec<(usize, &str)> = update
        .skipped
        .iter()
        .map(|s| (s.index, s.error.code()))
        .collect();
    assert_eq!(
        skipped,
        [
            (1, "certificate_profile"),
            (2, "trust_list_duplicate_authority"),
            (3, "trust_list_malformed"),
        ]
    );
    // Persisted and reloaded with the lists.
    let mut saved = Vec::new();
    store.save_to(&mut saved).unwrap();
    let mut reloaded = TrustStore::new();
    reloaded
        .pin_vical_provider("Utopia VICAL", provider.root.clone())
        .unwrap();
    assert_eq!(reloaded.load_from(&saved, NOW).unwrap(), 1);
    assert_eq!(reloaded.vical("Utopia VICAL").unwrap().issue_id(), 11);
    let verifier = Verifier::from_store(&reloaded, AcceptancePolicy::accept_all()).unwrap();
    verifier
        .verify(&issue(&issuer, MVRC, 304), &VerifyOptions::at(NOW))
        .unwrap();
}

#[test]
fn real_vicals_in_the_store_are_ordered_by_date() {
    if !external::available(VICAL_DIR) {
        return;
    }
    let mut store = TrustStore::new().with_stale_policy(StalePolicy::AllowStale);
    store
        .pin_vical_provider("AAMVA", vical_root("aamva_ca_root.crt"))
        .unwrap();
    let older = vical_file("VicalParserTest_aamva-vc-2024-09-24-1727199451615.cbor");
    let newer = vical_file("aamva-vical-2025-11-18-1763491092481.cbor");
    let at = datetime!(2025-11-18 19:00 UTC);
    store
        .update_vical(&older, datetime!(2024-09-24 18:00 UTC))
        .unwrap();
    // vicalIssueID went from 616575 down to 227602: the date orders editions.
    let update = store.update_vical(&newer, at).unwrap();
    assert_eq!(update.outcome, UpdateOutcome::Replaced);
    assert_eq!(update.source.sequence(), 227602);
    let trusted = store.trusted_authorities().unwrap();
    assert_eq!(trusted.authorities().len() + update.skipped.len(), 14);
    assert_eq!(code(store.update_vical(&older, at)), "trust_list_rollback");
    // Fail closed (the default): the older edition is stale by then anyway.
    let mut strict = TrustStore::new();
    strict
        .pin_vical_provider("AAMVA", vical_root("aamva_ca_root.crt"))
        .unwrap();
    assert_eq!(code(strict.update_vical(&older, at)), "trust_list_stale");
    strict.update_vical(&newer, at).unwrap();
}

// ----- Hostile bytes -----

#[test]
fn every_flipped_byte_is_refused_or_harmless() {
    let w = world();
    let bytes = w.ua_op.publish(1, &[&w.diia]);
    let original = docbridge::SignedTrustList::from_slice(&bytes).unwrap();
    let mut accepted = 0;
    for i in 0..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x01;
        let mut store = w.store.clone();
        // Never a panic; an accepted list carries exactly the signed payload.
        if store.update(&flipped, NOW).is_ok() {
            accepted += 1;
            assert_eq!(
                store.list("UA").unwrap().signed().payload(),
                original.payload(),
                "byte {i}"
            );
        }
    }
    eprintln!("{} flips, {accepted} harmless", bytes.len());
}

// ----- Restored state is verified at now (issue 12, finding 2) -----

#[test]
fn a_saved_list_signed_with_a_retired_key_is_not_restored() {
    let ua = operator("UA", 400);
    let mut rng = rng(401);
    let retired_key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    // The retired signer's certificate ended in June; the list claims to be
    // issued in May, with a nextUpdate years away.
    let retired = x509::create_issued(
        &CertificateSpec {
            not_after: datetime!(2026-06-01 0:00 UTC),
            ..certificate_spec("UA", "UA Trust List Signer (retired)", 9)
        },
        CertificateProfile::TrustListSigner,
        &retired_key.public_key(),
        &ua.root,
        &ua.root_key,
    )
    .unwrap();
    let list = TrustList::new(
        "UA",
        1,
        datetime!(2026-05-01 0:00 UTC),
        datetime!(2030-01-01 0:00 UTC),
        vec![authority("UA", "Diia", 402).authority],
    )
    .unwrap()
    .sign(&retired_key, &[retired])
    .unwrap();
    let mut store = TrustStore::new();
    store.pin_operator("UA", ua.root.clone()).unwrap();
    assert_eq!(
        code(store.update(list.as_bytes(), NOW)),
        "certificate_expired"
    );

    let state = cbor::text_map([
        ("version", Value::from(1u64)),
        (
            "trustLists",
            Value::Array(vec![Value::Bytes(list.as_bytes().to_vec())]),
        ),
        ("vicals", Value::Array(vec![])),
    ]);
    let err = store
        .load_from(&cbor::encode(&state).unwrap(), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "trust_store_corrupt");
    assert!(err.to_string().contains("certificate_expired"), "{err}");
    assert!(store.list("UA").is_none());
}

#[test]
fn a_grace_period_past_the_end_of_time_still_sets_a_limit() {
    let w = world();
    let mut store = pinned_store(&w).with_grace(Duration::MAX);
    store.update(&w.ua_op.publish(1, &[&w.diia]), NOW).unwrap();
    let limit = store.sources()[0].stale_after();
    assert!(
        limit.is_some_and(|at| at >= datetime!(9999-12-31 0:00 UTC)),
        "{limit:?}"
    );
}

// ----- operator certificates under CRLs -----

impl Operator {
    /// The operator root's CRL, revoking `revoked` serials.
    fn crls(&self, revoked: &[&[u8]], next_update: OffsetDateTime) -> CrlSet {
        let mut spec = CrlSpec::new(1, ISSUED, next_update);
        for serial in revoked {
            spec.revoke(serial, ISSUED, Some(RevocationReason::KeyCompromise));
        }
        let crl = create_crl(&spec, &self.root, None, &self.root_key).unwrap();
        let mut set = CrlSet::new();
        set.insert("https://trust.example/operator.crl", crl);
        set
    }
}

#[test]
fn a_trust_list_signed_by_a_revoked_operator_certificate_is_refused_and_changes_nothing() {
    let ua_operator = operator("UA", 400);
    let ua = authority("UA", "Diia", 401);
    let strict = CrlPolicy::fail_closed();
    let mut store = TrustStore::new();
    store.pin_operator("UA", ua_operator.root.clone()).unwrap();
    let first = ua_operator.publish(1, &[&ua]);
    let update = store
        .update_with_crls(&first, &ua_operator.crls(&[], NEXT_UPDATE), &strict, NOW)
        .unwrap();
    assert_eq!(
        (update.outcome, update.crl),
        (UpdateOutcome::Replaced, CrlOutcome::Good)
    );
    // The signer's key was compromised and its certificate revoked: the
    // next edition it signs is refused, and the held list stays.
    let revoked = ua_operator.crls(&[ua_operator.signer.serial()], NEXT_UPDATE);
    let second = ua_operator.publish(2, &[&ua]);
    assert_eq!(
        code(store.update_with_crls(&second, &revoked, &strict, NOW)),
        "certificate_revoked"
    );
    assert_eq!(store.list("UA").unwrap().list().sequence(), 1);
    // A missing or stale CRL: refused, or passed as not checked.
    assert_eq!(
        code(store.update_with_crls(&second, &CrlSet::new(), &strict, NOW)),
        "crl_missing"
    );
    let stale = ua_operator.crls(&[], datetime!(2026-11-20 0:00 UTC));
    assert_eq!(
        code(store.update_with_crls(&second, &stale, &strict, NOW)),
        "crl_stale"
    );
    assert_eq!(store.list("UA").unwrap().list().sequence(), 1);
    let offline = strict.allow_unchecked(true);
    let update = store
        .update_with_crls(&second, &stale, &offline, NOW)
        .unwrap();
    assert_eq!(update.crl, CrlOutcome::NotChecked);
    assert_eq!(store.list("UA").unwrap().list().sequence(), 2);
    // The plain update checks no CRL and says so.
    let third = ua_operator.publish(3, &[&ua]);
    assert_eq!(store.update(&third, NOW).unwrap().crl, CrlOutcome::Disabled);
}

#[test]
fn a_vical_signed_by_a_revoked_provider_certificate_is_refused() {
    let provider = operator("US", 410);
    let issuer = authority("US", "Utopia DMV", 411);
    let mdl_only: &[&str] = &[MDL];
    let bytes = make_vical(
        "Utopia VICAL",
        1,
        &provider,
        vec![(&issuer.iaca_certificate, mdl_only)],
    );
    let strict = CrlPolicy::fail_closed();
    let mut store = TrustStore::new();
    store
        .pin_vical_provider("Utopia VICAL", provider.root.clone())
        .unwrap();
    let revoked = provider.crls(&[provider.signer.serial()], NEXT_UPDATE);
    assert_eq!(
        code(store.update_vical_with_crls(&bytes, &revoked, &strict, NOW)),
        "certificate_revoked"
    );
    assert!(store.vical("Utopia VICAL").is_none());
    let update = store
        .update_vical_with_crls(&bytes, &provider.crls(&[], NEXT_UPDATE), &strict, NOW)
        .unwrap();
    assert_eq!(update.crl, CrlOutcome::Good);
    assert!(store.vical("Utopia VICAL").is_some());
}
