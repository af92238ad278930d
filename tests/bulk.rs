//! Bulk verification: every input gets its own result at its own index, a
//! bad one fails alone with its own error code, and the batch answers
//! exactly what one-by-one verification answers.

mod common;

use common::{authority_for, validity};
use docbridge::documents::samples;
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, DeviceRequest, DrivingLicence, Issuer,
    IssuerSigned, ItemsRequest, ReaderCheck, Signer, SoftwareKey, TrustedAuthorities, Verifier,
    VerifyOptions, present, transcript,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

fn authority() -> DemoAuthority {
    authority_for(
        "UA",
        "Diia",
        Algorithm::EdDsa,
        &[DrivingLicence::DOC_TYPE],
        1,
    )
}

/// A licence bound to the device key made from `seed`.
fn licence(ds_key: &SoftwareKey, ds_certificate: &Certificate, seed: u64) -> IssuerSigned {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    Issuer::new(ds_key, ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device_key(seed).public_key(),
            &validity(),
            &mut rng,
        )
        .unwrap()
}

fn device_key(seed: u64) -> SoftwareKey {
    SoftwareKey::generate(
        Algorithm::EdDsa,
        &mut ChaCha20Rng::seed_from_u64(seed + 1000),
    )
}

fn verifier(authority: &DemoAuthority) -> Verifier {
    Verifier::new(
        TrustedAuthorities::from_authorities([authority.authority.clone()]).unwrap(),
        AcceptancePolicy::accept_all(),
    )
}

fn codes<T>(results: &[docbridge::Result<T>]) -> Vec<&'static str> {
    results
        .iter()
        .map(|r| r.as_ref().map_or_else(|e| e.code(), |_| "ok"))
        .collect()
}

#[test]
fn a_batch_with_one_bad_document_names_exactly_that_one() {
    let diia = authority();
    let mut documents: Vec<Vec<u8>> = (0..8)
        .map(|seed| {
            licence(&diia.ds_key, &diia.ds_certificate, seed)
                .to_vec()
                .unwrap()
        })
        .collect();
    // The issuer's signature closes the encoding: damage its last byte.
    let last = documents[5].len() - 1;
    documents[5][last] ^= 1;

    let verifier = verifier(&diia);
    let results = verifier.verify_many(&documents, &VerifyOptions::at(NOW));
    let mut expected = vec!["ok"; 8];
    expected[5] = "signature_invalid";
    assert_eq!(codes(&results), expected);
    assert_eq!(results[2].as_ref().unwrap().issuing_country(), "UA");

    // One by one, the same answers.
    let alone: Vec<_> = documents
        .iter()
        .map(|d| verifier.verify(d, &VerifyOptions::at(NOW)))
        .collect();
    assert_eq!(codes(&alone), expected);
}

#[test]
fn a_batch_of_decoded_documents_keeps_each_error_and_the_order() {
    let diia = authority();
    let other = authority_for(
        "PL",
        "PWPW",
        Algorithm::Es256,
        &[DrivingLicence::DOC_TYPE],
        2,
    );
    let documents = vec![
        licence(&other.ds_key, &other.ds_certificate, 1),
        licence(&diia.ds_key, &diia.ds_certificate, 2),
        licence(&diia.ds_key, &diia.ds_certificate, 3),
    ];
    let verifier = verifier(&diia);
    let results = verifier.verify_many(&documents, &VerifyOptions::at(NOW));
    assert_eq!(codes(&results), ["untrusted_issuer", "ok", "ok"]);
    let later = verifier.verify_many(
        &documents,
        &VerifyOptions::at(datetime!(2028-01-01 0:00 UTC)),
    );
    assert_eq!(codes(&later), ["untrusted_issuer", "expired", "expired"]);
    let none: [Vec<u8>; 0] = [];
    assert!(
        verifier
            .verify_many(&none, &VerifyOptions::at(NOW))
            .is_empty()
    );
}

#[test]
fn responses_are_each_checked_against_their_own_transcript() {
    let diia = authority();
    let request_for = |session: &[u8]| {
        DeviceRequest::build(
            &[ItemsRequest::new(DrivingLicence::DOC_TYPE).element(
                DrivingLicence::NAMESPACE,
                "family_name",
                false,
            )],
            None,
            session,
        )
        .unwrap()
    };
    let sessions: Vec<Vec<u8>> = (0..4u8)
        .map(|i| transcript::backend_nonce("border backend", &[i; 16]).unwrap())
        .collect();
    let responses: Vec<Vec<u8>> = sessions
        .iter()
        .enumerate()
        .map(|(i, session)| {
            let seed = u64::try_from(i).unwrap();
            let stored = [licence(&diia.ds_key, &diia.ds_certificate, seed)];
            present(
                &stored,
                &request_for(session),
                session,
                &device_key(seed),
                ReaderCheck::Skip,
                NOW,
            )
            .unwrap()
            .response
            .to_vec()
            .unwrap()
        })
        .collect();
    // Response 2 is checked against session 3's transcript: a replay.
    let batch: Vec<(Vec<u8>, VerifyOptions<'_>)> = responses
        .iter()
        .enumerate()
        .map(|(i, response)| {
            let session = if i == 2 { &sessions[3] } else { &sessions[i] };
            (response.clone(), VerifyOptions::at(NOW).transcript(session))
        })
        .collect();
    let verifier = verifier(&diia);
    let results = verifier.verify_many_responses(&batch);
    assert_eq!(codes(&results), ["ok"; 4]);
    let per_document: Vec<Vec<&str>> = results
        .iter()
        .map(|r| codes(&r.as_ref().unwrap().documents))
        .collect();
    assert_eq!(
        per_document,
        [["ok"], ["ok"], ["device_signature_invalid"], ["ok"]]
    );
}
