//! Single-use copies: a batch verifies copy by copy while no two copies
//! share a device key, digest, salt, status index, time or signature; the
//! holder shows each copy once before showing any twice.

mod common;

use std::collections::BTreeSet;

use common::{MDL_NS, NOW, rng, ukraine, validity};
use docbridge::VerifyOptions;
use docbridge::documents::samples;
use docbridge::issuer::{BATCH_TIME_JITTER_SECONDS, BatchCopy};
use docbridge::status::{
    BatchStatus, IdentifierList, IdentifierListReference, IdentifierListToken, StatusValue,
};
use docbridge::{
    AcceptancePolicy, Algorithm, Consent, DeviceRequest, DrivingLicence, Issuer, IssuerSigned,
    ItemsRequest, ManagedStatusList, Signer, SoftwareKey, StatusBits, StatusPolicy,
    TrustedAuthorities, ValidityInfo, Verifier, Wallet, transcript,
};

const COPIES: usize = 5;
const URI: &str = "https://status.diia.example/lists/batch";
const IDS_URI: &str = "https://status.diia.example/ids/batch";

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
        .map(|key| {
            BatchCopy::new(key.public_key()).with_status_list(list.allocate(&mut draw).unwrap())
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
        status_list: status,
        ..BatchCopy::new(device_key.clone())
    };
    let ids = |id: &[u8]| IdentifierListReference::new(id.to_vec(), IDS_URI).unwrap();
    let licence = samples::driving_licence_ua();
    let short = ValidityInfo::new(NOW, NOW, NOW + time::Duration::hours(1));
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
        (
            "one identifier twice",
            vec![
                BatchCopy::new(key.clone()).with_identifier_list(ids(&[1; 16])),
                BatchCopy::new(other.clone()).with_identifier_list(ids(&[1; 16])),
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

// ----- group revocation -----

/// A batch listed in both mechanisms: each copy with its own status index
/// and its own identifier.
struct Listed {
    ua: docbridge::DemoAuthority,
    list: ManagedStatusList,
    copies: Vec<BatchCopy>,
    issued: Vec<IssuerSigned>,
}

/// The UA sample licence issued as a batch for `copies` (salts from `seed`)
/// by an issuer that was also given an identifier (`EE EE EE EE`) meant for
/// a single document.
fn issue_batch_beside_a_single_identifier(
    ua: &docbridge::DemoAuthority,
    copies: &[BatchCopy],
    seed: u64,
) -> Vec<IssuerSigned> {
    Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .with_identifier_list(IdentifierListReference::new(vec![0xEE; 4], IDS_URI).unwrap())
        .issue_batch(
            &samples::driving_licence_ua(),
            copies,
            &validity(),
            &mut rng(seed),
        )
        .unwrap()
}

fn listed_batch() -> Listed {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let mut list = ManagedStatusList::new(URI, StatusBits::Two, 16_384).unwrap();
    let mut draw = rng(30);
    let copies: Vec<BatchCopy> = (0..COPIES as u64)
        .map(|i| {
            let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(200 + i));
            let id = vec![0xB0, i as u8, 0x5E, 0xED];
            BatchCopy::new(key.public_key())
                .with_status_list(list.allocate(&mut draw).unwrap())
                .with_identifier_list(IdentifierListReference::new(id, IDS_URI).unwrap())
        })
        .collect();
    // An identifier given to the issuer for a single document is not
    // written into the copies: each carries only its own.
    let issued = issue_batch_beside_a_single_identifier(&ua, &copies, 31);
    Listed {
        ua,
        list,
        copies,
        issued,
    }
}

impl Listed {
    fn verify(&self, copy: &IssuerSigned, options: VerifyOptions<'_>) -> &'static str {
        Verifier::new(
            TrustedAuthorities::from_authorities([self.ua.authority.clone()]).unwrap(),
            AcceptancePolicy::accept_all(),
        )
        .with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true))
        .verify(&copy.to_vec().unwrap(), &options)
        .map_or_else(|e| e.code(), |_| "ok")
    }

    /// Verifies every copy under `options`: each must be refused as `revoked`.
    fn assert_every_copy_revoked(&self, options: VerifyOptions<'_>) {
        for copy in &self.issued {
            assert_eq!(self.verify(copy, options.clone()), "revoked");
        }
    }
}

#[test]
fn each_copy_carries_its_own_identifier_and_one_call_revokes_every_copy() {
    let mut batch = listed_batch();
    let statuses: Vec<_> = batch
        .issued
        .iter()
        .map(|c| c.mso_unverified().unwrap().status.unwrap())
        .collect();
    for (status, copy) in statuses.iter().zip(&batch.copies) {
        assert_eq!(status.status_list, copy.status_list);
        assert_eq!(status.identifier_list, copy.identifier_list);
    }
    all_distinct(
        "identifier",
        statuses
            .iter()
            .map(|s| s.identifier_list.clone().unwrap().id)
            .collect(),
    );
    // The issuer keeps the batch's entries, from the copies or read back
    // from the documents.
    let group = BatchStatus::of_copies(&batch.copies);
    assert_eq!(BatchStatus::from_references(&statuses), group);
    assert_eq!(group.status_lists().len(), COPIES);
    assert_eq!(group.identifiers().len(), COPIES);

    // Status list: one call sets every copy's entry, and only those.
    let untouched = batch.list.allocate(&mut rng(32)).unwrap();
    assert_eq!(
        group.set_status(&mut batch.list, StatusValue::Invalid),
        Ok(COPIES)
    );
    for entry in group.status_lists() {
        assert_eq!(batch.list.get(entry.idx), Ok(StatusValue::Invalid));
    }
    assert_eq!(batch.list.get(untouched.idx), Ok(StatusValue::Valid));
    let token = batch
        .list
        .token(
            NOW - time::Duration::hours(1),
            NOW + time::Duration::days(1),
            None,
        )
        .unwrap()
        .sign(
            &batch.ua.ds_key,
            std::slice::from_ref(&batch.ua.ds_certificate),
        )
        .unwrap();
    batch.assert_every_copy_revoked(VerifyOptions::at(NOW).status_token(&token));

    // Identifier list: one call lists every copy's identifier.
    let mut ids = IdentifierList::new();
    assert_eq!(group.revoke_identifiers(&mut ids, IDS_URI), Ok(COPIES));
    assert_eq!(ids.identifiers().len(), COPIES);
    let token = IdentifierListToken::new(
        IDS_URI,
        ids.clone(),
        NOW - time::Duration::hours(1),
        NOW + time::Duration::days(1),
    )
    .unwrap()
    .sign(
        &batch.ua.ds_key,
        std::slice::from_ref(&batch.ua.ds_certificate),
    )
    .unwrap();
    batch.assert_every_copy_revoked(VerifyOptions::at(NOW).identifier_list_token(&token));
    // Reinstated, in one call too.
    assert_eq!(group.reinstate_identifiers(&mut ids, IDS_URI), Ok(COPIES));
    assert!(ids.identifiers().is_empty());
}

#[test]
fn a_group_revocation_that_would_change_nothing_or_hits_a_bad_entry_is_refused_whole() {
    let mut batch = listed_batch();
    let group = BatchStatus::of_copies(&batch.copies);
    let code = |r: docbridge::Result<usize>| r.map_err(|e| e.code());
    // Another list: none of the batch's entries is in it.
    let mut other =
        ManagedStatusList::new("https://status.diia.example/other", StatusBits::Two, 16_384)
            .unwrap();
    assert_eq!(
        code(group.set_status(&mut other, StatusValue::Invalid)),
        Err("invalid_argument")
    );
    assert_eq!(
        code(group.revoke_identifiers(&mut IdentifierList::new(), "https://other.example/ids")),
        Err("invalid_argument")
    );
    // One entry never allocated in the list: nothing at all is set.
    let mut with_stray = group.clone();
    let mut stray = batch.copies[0].status_list.clone().unwrap();
    stray.idx = (0..16_384)
        .find(|&i| !batch.list.allocator().is_used(i))
        .unwrap();
    with_stray.add(&docbridge::status::StatusReference::from(stray));
    let before = batch.list.clone();
    assert_eq!(
        code(with_stray.set_status(&mut batch.list, StatusValue::Invalid)),
        Err("invalid_argument")
    );
    assert_eq!(batch.list, before);
}

#[test]
fn an_identifier_given_to_the_issuer_for_one_document_is_not_shared_by_a_batch() {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let copies: Vec<BatchCopy> = (0..2u64)
        .map(|i| {
            BatchCopy::new(SoftwareKey::generate(Algorithm::Es256, &mut rng(40 + i)).public_key())
        })
        .collect();
    let issued = issue_batch_beside_a_single_identifier(&ua, &copies, 41);
    for copy in &issued {
        assert_eq!(copy.mso_unverified().unwrap().status, None);
    }
}

/// Presents `document` from a wallet holding only it, signed by `signer`,
/// and verifies the response.
fn present_with(
    verifier: &Verifier,
    document: &IssuerSigned,
    signer: &SoftwareKey,
) -> docbridge::Result<docbridge::VerifiedDocument> {
    let session = transcript::backend_nonce("rotation", &[0x70; 16]).unwrap();
    let request = DeviceRequest::build(
        &[ItemsRequest::new(DrivingLicence::DOC_TYPE).element(MDL_NS, "family_name", false)],
        None,
        &session,
    )
    .unwrap();
    let mut wallet = Wallet::new(vec![document.clone()]);
    let prepared = wallet.prepare(&request, &session, &[], NOW).unwrap();
    let response = wallet
        .approve(
            &prepared,
            &Consent::all(&prepared),
            &[signer as &dyn Signer],
        )?
        .response;
    verifier
        .verify_response(
            &response.to_vec().unwrap(),
            &VerifyOptions::at(NOW).transcript(&session),
        )?
        .into_first()
}

#[test]
fn a_document_is_rebound_to_a_new_device_key_by_reissuance() {
    let batch = batch();
    let verifier = verifier(&batch);
    let old_key = &batch.keys[0];
    let new_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(0x7e));
    // The phone's key changed: the issuer issues the same claims again,
    // bound to the new key (a new batch of one).
    let reissued = Issuer::new(&batch.ua.ds_key, &batch.ua.ds_certificate)
        .unwrap()
        .issue_batch(
            &samples::driving_licence_ua(),
            &[BatchCopy::new(new_key.public_key())],
            &validity(),
            &mut rng(0x7f),
        )
        .unwrap()
        .remove(0);
    let verified = present_with(&verifier, &reissued, &new_key).unwrap();
    assert!(verified.holder_bound());
    assert_eq!(verified.device_key(), &new_key.public_key());
    // The wallet refuses (`invalid_key`) to sign an old copy with the new
    // key, or the reissued document with the old one: no signer answers for
    // a document bound to another key.
    assert_eq!(
        present_with(&verifier, &batch.copies[0], &new_key)
            .map(|_| ())
            .unwrap_err()
            .code(),
        "invalid_key"
    );
    assert_eq!(
        present_with(&verifier, &reissued, old_key)
            .map(|_| ())
            .unwrap_err()
            .code(),
        "invalid_key"
    );
}
