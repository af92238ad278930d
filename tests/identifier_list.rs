//! Identifier lists (ISO/IEC 18013-5 second edition): the Annex D.7
//! vectors, issuing, signing and checking, fail-closed versus
//! allowed-missing, and a document carrying both mechanisms.

mod common;

use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::samples;
use docbridge::status::{
    IDENTIFIER_LIST_CWT_TYP, IdentifierList, IdentifierListReference, IdentifierListToken,
    ManagedStatusList, StatusBits, StatusInputs, StatusOutcome, StatusPolicy, StatusReference,
    StatusValue, document_status_with, verify_identifier_list_token,
};
use docbridge::{
    Algorithm, DemoAuthority, Issuer, IssuerSigned, StatusListToken, VerifiedDocument,
    VerifyOptions,
};
use time::{Duration, OffsetDateTime};

use common::{NOW, device_key, poland, rng, ukraine, validity, verifier};

const EXTERNAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/identifier-list"
);
const URI: &str = "https://status.diia.example/identifiers/1";
const STATUS_URI: &str = "https://status.diia.example/lists/1";

fn external(name: &str) -> Vec<u8> {
    std::fs::read(format!("{EXTERNAL}/{name}")).unwrap()
}

fn code<T: std::fmt::Debug>(r: docbridge::Result<T>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

#[test]
fn annex_d7_mso_status_decodes() {
    let bytes = external("mso_status_identifier_list_annexD7.cbor");
    let hex_text = String::from_utf8(external("mso_status_identifier_list_annexD7.hex")).unwrap();
    assert_eq!(hex::encode_upper(&bytes), hex_text.trim());
    let status = StatusReference::from_value(&cbor::decode(&bytes).unwrap()).unwrap();
    assert_eq!(status.status_list, None);
    assert!(status.other.is_empty());
    assert_eq!(
        status.identifier_list,
        Some(IdentifierListReference {
            id: vec![0xcc, 0xcc],
            uri: "https://example.com/identifierlists/1".into(),
            certificate: Some(vec![0xaa]),
        })
    );
    // Written back byte for byte.
    assert_eq!(cbor::encode(&status.to_value()).unwrap(), bytes);
}

#[test]
fn annex_d7_identifier_list_decodes() {
    let bytes = external("identifier_list_modified_annexD7.cbor");
    let hex_text = String::from_utf8(external("identifier_list_modified_annexD7.hex")).unwrap();
    assert_eq!(hex::encode_upper(&bytes), hex_text.trim());
    let list = IdentifierList::from_value(&cbor::decode(&bytes).unwrap()).unwrap();
    let ids: Vec<&[u8]> = list
        .identifiers()
        .iter()
        .map(|(id, _)| id.as_slice())
        .collect();
    assert_eq!(ids, [&[0xab, 0xcd][..], &[0xaa, 0xaa], &[0xcc, 0xcc]]);
    assert_eq!(list.identifiers()[0].1, Value::Map(vec![]));
    assert_eq!(
        list.identifiers()[1].1,
        cbor::text_map([("note", Value::Map(vec![]))])
    );
    assert_eq!(
        list.identifiers()[2].1,
        Value::Map(vec![(Value::from(7), Value::Map(vec![]))])
    );
    assert_eq!(
        list.aggregation_uri.as_deref(),
        Some("https://example.com/identifierlists/aggregation")
    );
    assert!(list.contains(&[0xcc, 0xcc]));
    assert!(!list.contains(&[0xcc]));
    assert_eq!(cbor::encode(&list.to_value()).unwrap(), bytes);
}

#[test]
fn identifier_list_malformed() {
    let bad = [
        Value::Array(vec![]),
        cbor::text_map([("aggregation_uri", Value::Text("x".into()))]),
        cbor::text_map([("identifiers", Value::Array(vec![]))]),
        cbor::text_map([(
            "identifiers",
            Value::Map(vec![(Value::Text("ab".into()), Value::Map(vec![]))]),
        )]),
        cbor::text_map([(
            "identifiers",
            Value::Map(vec![(Value::Bytes(vec![1]), Value::Null)]),
        )]),
        cbor::text_map([(
            "identifiers",
            Value::Map(vec![(Value::Bytes(vec![]), Value::Map(vec![]))]),
        )]),
        cbor::text_map([
            ("identifiers", Value::Map(vec![])),
            ("aggregation_uri", Value::from(1)),
        ]),
    ];
    for value in bad {
        assert_eq!(
            code(IdentifierList::from_value(&value)),
            "identifier_list_malformed",
            "{value:?}"
        );
    }
}

/// The document, the authority's verifier and what the check needs.
struct World {
    ua: DemoAuthority,
    document: IssuerSigned,
    reference: IdentifierListReference,
}

impl World {
    fn new(alg: Algorithm, seed: u64) -> World {
        let ua = ukraine(alg, seed);
        let reference = IdentifierListReference::new(vec![0x12, 0x34, 0x56], URI).unwrap();
        let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
            .unwrap()
            .with_identifier_list(reference.clone())
            .issue_document(
                &samples::driving_licence_ua(),
                &device_key(Algorithm::Es256, seed),
                &validity(),
                &mut rng(seed),
            )
            .unwrap();
        World {
            ua,
            document,
            reference,
        }
    }

    /// The document verified with the status left unchecked, for the status
    /// step to run on.
    fn verified(&self) -> VerifiedDocument {
        verifier(&[&self.ua])
            .with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true))
            .verify(&self.document, &VerifyOptions::at(NOW))
            .unwrap()
    }

    fn token(&self, listed: &[&[u8]], issued: OffsetDateTime, valid: Duration) -> Vec<u8> {
        let mut list = IdentifierList::new();
        for id in listed {
            list.insert(id.to_vec()).unwrap();
        }
        IdentifierListToken::new(URI, list, issued, issued + valid)
            .unwrap()
            .sign(
                &self.ua.ds_key,
                std::slice::from_ref(&self.ua.ds_certificate),
            )
            .unwrap()
    }

    fn check(
        &self,
        inputs: StatusInputs<'_>,
        policy: StatusPolicy,
    ) -> Result<StatusOutcome, &'static str> {
        let verified = self.verified();
        document_status_with(
            verified.mso().status.as_ref(),
            &self.ua.authority,
            inputs,
            &policy,
            NOW,
            Duration::minutes(5),
        )
        .map_err(|e| e.code())
    }
}

fn identifier_list(token: &[u8]) -> StatusInputs<'_> {
    StatusInputs {
        status_list_token: None,
        identifier_list_token: Some(token),
    }
}

#[test]
fn the_issuer_writes_the_reference_into_the_mso() {
    let world = World::new(Algorithm::EdDsa, 500);
    let status = world.verified().mso().status.clone().unwrap();
    assert_eq!(status.identifier_list, Some(world.reference.clone()));
    assert_eq!(status.status_list, None);
}

#[test]
fn listed_documents_are_revoked_and_others_valid() {
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        let world = World::new(alg, 510 + i as u64);
        let day = Duration::days(1);
        let clean = world.token(&[&[9, 9]], NOW - day, day * 2);
        assert_eq!(
            world.check(identifier_list(&clean), StatusPolicy::fail_closed()),
            Ok(StatusOutcome::Valid)
        );
        let listed = world.token(&[&[9, 9], &world.reference.id], NOW - day, day * 2);
        assert_eq!(
            world.check(identifier_list(&listed), StatusPolicy::fail_closed()),
            Err("revoked")
        );
        // The token verifies on its own, too.
        let token = verify_identifier_list_token(
            &listed,
            std::slice::from_ref(&world.ua.iaca_certificate),
            NOW,
        )
        .unwrap();
        assert!(token.list.contains(&world.reference.id));
        assert_eq!(token.uri, URI);
    }
}

#[test]
fn missing_fails_closed_or_passes_unchecked() {
    let world = World::new(Algorithm::Es256, 520);
    assert_eq!(
        world.check(StatusInputs::default(), StatusPolicy::fail_closed()),
        Err("status_token_missing")
    );
    assert_eq!(
        world.check(
            StatusInputs::default(),
            StatusPolicy::fail_closed().allow_missing_token(true)
        ),
        Ok(StatusOutcome::NotChecked)
    );
    // The verifier's default path refuses it the same way.
    assert_eq!(
        code(verifier(&[&world.ua]).verify(&world.document, &VerifyOptions::at(NOW))),
        "status_token_missing"
    );
}

#[test]
fn stale_wrong_and_foreign_tokens_are_refused() {
    let world = World::new(Algorithm::EdDsa, 530);
    let day = Duration::days(1);
    let policy = StatusPolicy::fail_closed();
    let expired = world.token(&[], NOW - day * 3, day);
    assert_eq!(
        world.check(identifier_list(&expired), policy),
        Err("status_token_expired")
    );
    let future = world.token(&[], NOW + day, day);
    assert_eq!(
        world.check(identifier_list(&future), policy),
        Err("status_token_not_yet_valid")
    );
    let other_uri = IdentifierListToken::new(
        "https://elsewhere.example/1",
        IdentifierList::new(),
        NOW - day,
        NOW + day,
    )
    .unwrap()
    .sign(
        &world.ua.ds_key,
        std::slice::from_ref(&world.ua.ds_certificate),
    )
    .unwrap();
    assert_eq!(
        world.check(identifier_list(&other_uri), policy),
        Err("status_token_uri_mismatch")
    );
    // Signed under another (trusted or not) authority.
    let pl = poland(Algorithm::EdDsa, 531);
    let foreign = IdentifierListToken::new(URI, IdentifierList::new(), NOW - day, NOW + day)
        .unwrap()
        .sign(&pl.ds_key, std::slice::from_ref(&pl.ds_certificate))
        .unwrap();
    assert_eq!(
        world.check(identifier_list(&foreign), policy),
        Err("status_token_wrong_authority")
    );
    // A Status List Token offered as an identifier list: wrong typ.
    let status_token = StatusListToken::new(
        URI,
        &ManagedStatusList::new_any_size(URI, StatusBits::One, 16)
            .unwrap()
            .list()
            .clone(),
        NOW - day,
        NOW + day,
    )
    .unwrap()
    .sign(
        &world.ua.ds_key,
        std::slice::from_ref(&world.ua.ds_certificate),
    )
    .unwrap();
    assert_eq!(
        world.check(identifier_list(&status_token), policy),
        Err("status_token_type_mismatch")
    );
    // A flipped signature byte.
    let mut flipped = world.token(&[], NOW - day, day * 2);
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(
        world.check(identifier_list(&flipped), policy),
        Err("signature_invalid")
    );
    assert!(IDENTIFIER_LIST_CWT_TYP.ends_with("+cwt"));
}

#[test]
fn a_pinned_certificate_must_be_the_signer() {
    let ua = ukraine(Algorithm::EdDsa, 540);
    // The MSO pins the Document Signer certificate as the list's signer.
    let mut reference = IdentifierListReference::new(vec![1], URI).unwrap();
    reference.certificate = Some(ua.ds_certificate.der().to_vec());
    let status = StatusReference::from(reference);
    let day = Duration::days(1);
    let token = IdentifierListToken::new(URI, IdentifierList::new(), NOW - day, NOW + day)
        .unwrap()
        .sign(&ua.ds_key, std::slice::from_ref(&ua.ds_certificate))
        .unwrap();
    let check = |status: &StatusReference| {
        document_status_with(
            Some(status),
            &ua.authority,
            identifier_list(&token),
            &StatusPolicy::fail_closed(),
            NOW,
            Duration::minutes(5),
        )
        .map_err(|e| e.code())
    };
    assert_eq!(check(&status), Ok(StatusOutcome::Valid));
    // Pinning another certificate (the IACA's, say) refuses the same token.
    let mut pinned_elsewhere = status.clone();
    if let Some(r) = pinned_elsewhere.identifier_list.as_mut() {
        r.certificate = Some(ua.iaca_certificate.der().to_vec());
    }
    assert_eq!(
        check(&pinned_elsewhere),
        Err("status_token_wrong_authority")
    );
}

#[test]
fn a_document_with_both_mechanisms_is_checked_against_each_given() {
    let ua = ukraine(Algorithm::Es256, 550);
    let mut managed = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64).unwrap();
    let index = managed.allocate(&mut rng(550)).unwrap();
    let ids = IdentifierListReference::new(vec![7, 7], URI).unwrap();
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .with_status_list(index.clone())
        .with_identifier_list(ids.clone())
        .issue_document(
            &samples::driving_licence_ua(),
            &device_key(Algorithm::Es256, 550),
            &validity(),
            &mut rng(551),
        )
        .unwrap();
    let verified = verifier(&[&ua])
        .with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true))
        .verify(&document, &VerifyOptions::at(NOW))
        .unwrap();
    let status = verified.mso().status.clone().unwrap();
    assert_eq!(status.status_list, Some(index.clone()));
    assert_eq!(status.identifier_list, Some(ids.clone()));
    let day = Duration::days(1);
    let status_token = |managed: &ManagedStatusList| {
        managed
            .token(NOW - day, NOW + day, None)
            .unwrap()
            .sign(&ua.ds_key, std::slice::from_ref(&ua.ds_certificate))
            .unwrap()
    };
    let ids_token = |listed: bool| {
        let mut list = IdentifierList::new();
        if listed {
            list.insert(ids.id.clone()).unwrap();
        }
        IdentifierListToken::new(URI, list, NOW - day, NOW + day)
            .unwrap()
            .sign(&ua.ds_key, std::slice::from_ref(&ua.ds_certificate))
            .unwrap()
    };
    let check = |status_list: Option<&[u8]>, identifiers: Option<&[u8]>| {
        document_status_with(
            Some(&status),
            &ua.authority,
            StatusInputs {
                status_list_token: status_list,
                identifier_list_token: identifiers,
            },
            &StatusPolicy::fail_closed(),
            NOW,
            Duration::minutes(5),
        )
        .map_err(|e| e.code())
    };
    let valid_list = status_token(&managed);
    let (clean, listed) = (ids_token(false), ids_token(true));
    assert_eq!(check(Some(&valid_list), None), Ok(StatusOutcome::Valid));
    assert_eq!(check(None, Some(&clean)), Ok(StatusOutcome::Valid));
    assert_eq!(
        check(Some(&valid_list), Some(&clean)),
        Ok(StatusOutcome::Valid)
    );
    // Either mechanism given refuses the document when it says so.
    assert_eq!(check(Some(&valid_list), Some(&listed)), Err("revoked"));
    managed.set(index.idx, StatusValue::Suspended).unwrap();
    let suspended = status_token(&managed);
    assert_eq!(check(Some(&suspended), Some(&clean)), Err("suspended"));
    assert_eq!(check(None, None), Err("status_token_missing"));
}

#[test]
fn the_verifier_takes_identifier_lists_in_its_options() {
    let world = World::new(Algorithm::EdDsa, 560);
    let day = Duration::days(1);
    let listed = world.token(&[&world.reference.id], NOW - day, day * 2);
    let clean = world.token(&[], NOW - day, day * 2);
    let verifier = verifier(&[&world.ua]);
    let run = |options: &VerifyOptions<'_>| {
        verifier
            .verify(&world.document, options)
            .map(|v| v.status())
            .map_err(|e| e.code())
    };
    assert_eq!(
        run(&VerifyOptions::at(NOW).identifier_list_token(&clean)),
        Ok(StatusOutcome::Valid)
    );
    assert_eq!(
        run(&VerifyOptions::at(NOW).identifier_list_token(&listed)),
        Err("revoked")
    );
    // Keyed by URI: the entry for the document's URI wins.
    let mut by_uri = docbridge::StatusTokens::new();
    by_uri.insert(URI.to_string(), listed.clone());
    assert_eq!(
        run(&VerifyOptions::at(NOW)
            .identifier_list_token(&clean)
            .identifier_list_tokens(&by_uri)),
        Err("revoked")
    );
    assert_eq!(run(&VerifyOptions::at(NOW)), Err("status_token_missing"));
}
