//! The verifier's certificate cache: a Document Signer certificate chained
//! once is not chained again, the time checks still run at every `now`, an
//! entry answers only for the bytes that were checked, and no entry outlives
//! the trusted authorities it was checked under.

mod common;

use common::{authority_for, validity};
use docbridge::documents::samples;
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, DrivingLicence, Issuer, Signer,
    SoftwareKey, TrustedAuthorities, Verifier, VerifyOptions,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

fn authority(seed: u64) -> DemoAuthority {
    named_authority("Diia", seed)
}

fn named_authority(name: &str, seed: u64) -> DemoAuthority {
    authority_for(
        "UA",
        name,
        Algorithm::EdDsa,
        &[DrivingLicence::DOC_TYPE],
        seed,
    )
}

/// A licence signed by `ds_key` under `ds_certificate`, encoded.
fn licence(ds_key: &SoftwareKey, ds_certificate: &Certificate, seed: u64) -> Vec<u8> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let device_key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    Issuer::new(ds_key, ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device_key.public_key(),
            &validity(),
            &mut rng,
        )
        .unwrap()
        .to_vec()
        .unwrap()
}

fn verifier(authority: &DemoAuthority) -> Verifier {
    Verifier::new(
        TrustedAuthorities::from_authorities([authority.authority.clone()]).unwrap(),
        AcceptancePolicy::accept_all(),
    )
}

fn verify_at(verifier: &Verifier, bytes: &[u8], now: OffsetDateTime) -> Result<(), String> {
    verifier
        .verify(bytes, &VerifyOptions::at(now))
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

#[test]
fn a_document_signer_is_chained_once_for_all_its_documents() {
    let diia = authority(1);
    let verifier = verifier(&diia);
    for seed in 10..15 {
        let bytes = licence(&diia.ds_key, &diia.ds_certificate, seed);
        assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));
    }
    let stats = verifier.certificate_cache();
    assert_eq!((stats.chain_checks, stats.hits, stats.entries), (1, 4, 1));
    // Clones share what was learnt: they trust the same authorities.
    let clone = verifier.clone();
    let bytes = licence(&diia.ds_key, &diia.ds_certificate, 20);
    assert_eq!(verify_at(&clone, &bytes, NOW), Ok(()));
    assert_eq!(verifier.certificate_cache().hits, 5);
}

#[test]
fn without_the_cache_every_document_is_chained() {
    let diia = authority(2);
    let verifier = verifier(&diia).with_certificate_cache_capacity(0);
    for seed in 10..13 {
        let bytes = licence(&diia.ds_key, &diia.ds_certificate, seed);
        assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));
    }
    let stats = verifier.certificate_cache();
    assert_eq!((stats.chain_checks, stats.hits, stats.entries), (3, 0, 0));
}

#[test]
fn a_cached_document_signer_is_still_checked_at_every_now() {
    let diia = authority(3);
    let verifier = verifier(&diia);
    let bytes = licence(&diia.ds_key, &diia.ds_certificate, 10);
    assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));
    let after = diia.ds_certificate.not_after() + Duration::seconds(1);
    let before = diia.ds_certificate.not_before() - Duration::seconds(1);
    assert_eq!(
        verify_at(&verifier, &bytes, after),
        Err("certificate_expired".into())
    );
    assert_eq!(
        verify_at(&verifier, &bytes, before),
        Err("certificate_not_yet_valid".into())
    );
    assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));
    let stats = verifier.certificate_cache();
    assert_eq!((stats.chain_checks, stats.hits), (1, 3));
}

#[test]
fn another_encoding_of_a_cached_certificate_is_checked_in_full() {
    let diia = authority(4);
    let verifier = verifier(&diia);
    let bytes = licence(&diia.ds_key, &diia.ds_certificate, 10);
    assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));

    // The same TBSCertificate under a damaged Ed25519 signature (its last
    // byte): well-formed DER, so only the chain signature can refuse it.
    let mut damaged = diia.ds_certificate.der().to_vec();
    if let Some(last) = damaged.last_mut() {
        *last ^= 0x01;
    }
    let damaged = Certificate::from_der(&damaged).unwrap();
    assert_eq!(damaged.tbs(), diia.ds_certificate.tbs());
    let forged = licence(&diia.ds_key, &damaged, 11);
    assert_eq!(
        verify_at(&verifier, &forged, NOW),
        Err("certificate_chain_invalid".into())
    );
    // The genuine certificate keeps its entry.
    assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));
    let stats = verifier.certificate_cache();
    assert_eq!((stats.chain_checks, stats.hits, stats.entries), (2, 1, 1));
}

#[test]
fn a_new_trust_set_reuses_nothing_from_the_old_one() {
    // Two authorities with the same names but their own keys: the second
    // IACA has the subject the first one's Document Signer names as issuer.
    let genuine = authority(5);
    let impostor = authority(6);
    assert_eq!(
        genuine.iaca_certificate.subject_raw(),
        impostor.iaca_certificate.subject_raw()
    );
    let bytes = licence(&genuine.ds_key, &genuine.ds_certificate, 10);
    let before = verifier(&genuine);
    assert_eq!(verify_at(&before, &bytes, NOW), Ok(()));
    // The trust changed: the genuine IACA is gone.
    let after = verifier(&impostor);
    assert_eq!(
        verify_at(&after, &bytes, NOW),
        Err("certificate_chain_invalid".into())
    );
    assert_eq!(after.certificate_cache().hits, 0);
}

#[test]
fn a_full_cache_stays_within_its_bound() {
    let authorities: Vec<DemoAuthority> = (30..33)
        .map(|seed| named_authority(&format!("Diia {seed}"), seed))
        .collect();
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities(authorities.iter().map(|a| a.authority.clone()))
            .unwrap(),
        AcceptancePolicy::accept_all(),
    )
    .with_certificate_cache_capacity(2);
    for (i, a) in authorities.iter().enumerate() {
        let bytes = licence(&a.ds_key, &a.ds_certificate, 40 + i as u64);
        assert_eq!(verify_at(&verifier, &bytes, NOW), Ok(()));
    }
    let stats = verifier.certificate_cache();
    assert_eq!((stats.chain_checks, stats.entries), (3, 2));
}

#[test]
fn a_verifier_with_its_cache_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Verifier>();
}
