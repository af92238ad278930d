//! Single-use copies: a batch verifies copy by copy while no two copies
//! share a device key, digest, salt, status index, time or signature; the
//! holder shows each copy once before showing any twice.

mod common;

use std::collections::BTreeSet;

use common::{MDL_NS, NOW, rng, ukraine, validity};
use docbridge::VerifyOptions;
use docbridge::documents::samples;
use docbridge::issuer::{BATCH_TIME_JITTER_SECONDS, BatchCopy};
use docbridge::{
    AcceptancePolicy, Algorithm, Consent, DeviceRequest, DrivingLicence, Issuer, IssuerSigned,
    ItemsRequest, ManagedStatusList, Signer, SoftwareKey, StatusBits, StatusPolicy,
    TrustedAuthorities, ValidityInfo, Verifier, Wallet, transcript,
};

const COPIES: usize = 5;
const URI: &str = "https://status.diia.example/lists/batch";

struct Batch {
    ua: docbridge::DemoAuthority,
    keys: Vec<SoftwareKey>,
    copies: Vec<IssuerSigned>,
}

fn batch() -> Batch {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let mut list = ManagedStatusList::new(URI, StatusBits::Two, 16_384).unwrap();
    let keys: Vec<SoftwareKey> = (0..COPIES as u64)
        .map(|i| SoftwareKey::generate(Algorithm::Es256, &mut rng(100 + i)))
        .collect();
    let mut draw = rng(3);
    let copies: Vec<BatchCopy> = keys
        .iter()
        .map(|key| BatchCopy {
            device_key: key.public_key(),
            status_list: Some(list.allocate(&mut draw).unwrap()),
        })
        .collect();
    let issued = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_batch(
            &samples::driving_licence_ua(),
            &copies,
            &validity(),
            &mut rng(4),
        )
        .unwrap();
    Batch {
        ua,
        keys,
        copies: issued,
    }
}

fn verifier(batch: &Batch) -> Verifier {
    Verifier::new(
        TrustedAuthorities::from_authorities([batch.ua.authority.clone()]).unwrap(),
        AcceptancePolicy::accept_all(),
    )
    .with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true))
}

/// Asserts that no two of `values` are equal.
fn all_distinct<T: Ord + std::fmt::Debug>(what: &str, values: Vec<T>) {
    let count = values.len();
    let distinct: BTreeSet<T> = values.into_iter().collect();
    assert_eq!(distinct.len(), count, "two copies share a {what}");
}

#[test]
fn copies_verify_one_by_one_and_share_nothing_a_verifier_sees_but_the_claims() {
    let batch = batch();
    assert_eq!(batch.copies.len(), COPIES);
    let verifier = verifier(&batch);
    let msos: Vec<_> = batch
        .copies
        .iter()
        .map(|c| c.mso_unverified().unwrap())
        .collect();
    for (copy, key) in batch.copies.iter().zip(&batch.keys) {
        let verified = verifier
            .verify(&copy.to_vec().unwrap(), &VerifyOptions::at(NOW))
            .unwrap();
        assert_eq!(verified.device_key(), &key.public_key());
        assert_eq!(
            verified.claims(),
            verifier
                .verify(&batch.copies[0].to_vec().unwrap(), &VerifyOptions::at(NOW))
                .unwrap()
                .claims()
        );
    }
    all_distinct(
        "device key",
        msos.iter()
            .map(|m| format!("{:?}", m.device_key_info.device_key))
            .collect(),
    );
    all_distinct(
        "status index",
        msos.iter().map(|m| format!("{:?}", m.status)).collect(),
    );
    all_distinct(
        "signed time",
        msos.iter().map(|m| m.validity_info.signed).collect(),
    );
    all_distinct(
        "validFrom",
        msos.iter().map(|m| m.validity_info.valid_from).collect(),
    );
    all_distinct(
        "validUntil",
        msos.iter().map(|m| m.validity_info.valid_until).collect(),
    );
    all_distinct(
        "signature",
        batch
            .copies
            .iter()
            .map(|c| c.issuer_auth().cose().signature.clone())
            .collect(),
    );
    // No digest and no salt appears in two copies (or twice in one).
    all_distinct(
        "digest",
        msos.iter()
            .flat_map(|m| m.value_digests.values().flat_map(|d| d.values().cloned()))
            .collect(),
    );
    all_distinct(
        "salt",
        batch
            .copies
            .iter()
            .flat_map(|c| {
                c.name_spaces()
                    .iter()
                    .flat_map(|(_, items)| items.iter().map(|i| i.item().random.clone()))
                    .collect::<Vec<_>>()
            })
            .collect(),
    );
    // Times only move earlier, and by at most the jitter.
    let jitter = time::Duration::seconds(BATCH_TIME_JITTER_SECONDS as i64);
    let asked = validity();
    for mso in &msos {
        let v = mso.validity_info;
        assert!(v.valid_from <= asked.valid_from && v.valid_from >= asked.valid_from - jitter);
        assert!(v.valid_until <= asked.valid_until && v.valid_until >= asked.valid_until - jitter);
    }
}

#[test]
fn the_holder_shows_each_copy_once_before_any_twice() {
    let batch = batch();
    let verifier = verifier(&batch);
    let mut wallet = Wallet::new(batch.copies.clone());
    let signers: Vec<&dyn Signer> = batch.keys.iter().map(|k| k as &dyn Signer).collect();
    let mut shown_keys = Vec::new();
    for round in 0..=COPIES {
        let session = transcript::backend_nonce("batch", &[round as u8; 16]).unwrap();
        let request = DeviceRequest::build(
            &[ItemsRequest::new(DrivingLicence::DOC_TYPE).element(MDL_NS, "family_name", false)],
            None,
            &session,
        )
        .unwrap();
        let prepared = wallet.prepare(&request, &session, &[], NOW).unwrap();
        assert_eq!(
            prepared.requests()[0].copy_already_shown(),
            round == COPIES,
            "round {round}"
        );
        let response = wallet
            .approve(&prepared, &Consent::all(&prepared), &signers)
            .unwrap()
            .response;
        let verified = verifier
            .verify_response(
                &response.to_vec().unwrap(),
                &VerifyOptions::at(NOW).transcript(&session),
            )
            .unwrap()
            .into_first()
            .unwrap();
        assert!(verified.holder_bound());
        shown_keys.push(verified.device_key().clone());
    }
    // The first five presentations used five different copies, then copy 0 again.
    all_distinct(
        "device key",
        shown_keys[..COPIES]
            .iter()
            .map(|k| format!("{k:?}"))
            .collect(),
    );
    assert_eq!(shown_keys[COPIES], batch.keys[0].public_key());
    assert_eq!(wallet.shown(), [2, 1, 1, 1, 1]);
}

#[test]
fn a_batch_needs_distinct_keys_and_indexes_and_room_to_move_its_times() {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(5)).public_key();
    let other = SoftwareKey::generate(Algorithm::Es256, &mut rng(6)).public_key();
    let reference = ManagedStatusList::new(URI, StatusBits::Two, 16_384)
        .unwrap()
        .allocate(&mut rng(7))
        .unwrap();
    let copy = |device_key: &docbridge::PublicKey, status| BatchCopy {
        device_key: device_key.clone(),
        status_list: status,
    };
    let licence = samples::driving_licence_ua();
    let short = ValidityInfo::new(NOW, NOW + time::Duration::hours(1));
    for (name, copies, validity) in [
        ("no copies", vec![], validity()),
        (
            "one key twice",
            vec![copy(&key, None), copy(&key, None)],
            validity(),
        ),
        (
            "one index twice",
            vec![
                copy(&key, Some(reference.clone())),
                copy(&other, Some(reference.clone())),
            ],
            validity(),
        ),
        ("validity too short", vec![copy(&key, None)], short),
    ] {
        assert_eq!(
            issuer
                .issue_batch(&licence, &copies, &validity, &mut rng(8))
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("invalid_argument"),
            "{name}"
        );
    }
}
