//! Decoy digests at issuance: the MSO a verifier sees tells it how many
//! elements a namespace holds only up to the bucket, and the document still
//! verifies, element by element.

mod common;

use std::collections::BTreeSet;

use common::{MDL_NS, NOW, rng, ukraine, validity, verifier};
use docbridge::VerifyOptions;
use docbridge::documents::samples;
use docbridge::{
    Algorithm, DigestAlgorithm, DrivingLicence, IssueOptions, Issuer, IssuerSigned, Signer as _,
    SoftwareKey,
};

fn issue(licence: &DrivingLicence, options: IssueOptions, seed: u64) -> IssuerSigned {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(2));
    Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .with_options(options)
        .unwrap()
        .issue_document(licence, &device.public_key(), &validity(), &mut rng(seed))
        .unwrap()
}

/// The sample licence without the names in the national alphabet.
fn short_licence() -> DrivingLicence {
    let full = samples::driving_licence_ua();
    DrivingLicence {
        given_name_national_character: None,
        family_name_national_character: None,
        ..full
    }
}

fn digest_counts(document: &IssuerSigned) -> Vec<(String, usize)> {
    document
        .mso_unverified()
        .unwrap()
        .value_digests
        .iter()
        .map(|(ns, digests)| (ns.clone(), digests.len()))
        .collect()
}

fn element_count(document: &IssuerSigned) -> usize {
    document
        .name_spaces()
        .iter()
        .map(|(_, items)| items.len())
        .sum()
}

#[test]
fn decoys_pad_every_namespace_to_the_bucket_and_the_document_still_verifies() {
    let full = samples::driving_licence_ua();
    let short = short_licence();
    let with_decoys = |digest_algorithm| IssueOptions {
        decoy_bucket: Some(32),
        digest_algorithm,
        ..IssueOptions::default()
    };
    for algorithm in [
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
    ] {
        let a = issue(&full, with_decoys(algorithm), 10);
        let b = issue(&short, with_decoys(algorithm), 11);
        // Without decoys the counts tell the documents apart ...
        let plain_a = issue(&full, IssueOptions::default(), 10);
        let plain_b = issue(&short, IssueOptions::default(), 11);
        assert_ne!(digest_counts(&plain_a), digest_counts(&plain_b));
        assert_eq!(
            digest_counts(&plain_a),
            [(MDL_NS.to_string(), element_count(&plain_a))]
        );
        // ... with them, both show one bucket.
        assert!(element_count(&a) > element_count(&b));
        assert_eq!(digest_counts(&a), [(MDL_NS.to_string(), 32)]);
        assert_eq!(digest_counts(&b), [(MDL_NS.to_string(), 32)]);

        for document in [&a, &b] {
            let mso = document.mso_unverified().unwrap();
            let digests = &mso.value_digests[MDL_NS];
            // digestIDs are 0..32 in random order; decoys look like digests.
            assert_eq!(
                digests.keys().copied().collect::<BTreeSet<_>>(),
                (0..32).collect()
            );
            let length = algorithm.digest(b"").len();
            assert!(digests.values().all(|d| d.len() == length));
            let distinct: BTreeSet<&docbridge::mso::Digest> = digests.values().collect();
            assert_eq!(distinct.len(), 32);
            // Every disclosed element still verifies against its digest.
            let verified = verifier(&[&ukraine(Algorithm::EdDsa, 1)])
                .verify(&document.to_vec().unwrap(), &VerifyOptions::at(NOW))
                .unwrap();
            assert_eq!(verified.elements()[MDL_NS].len(), element_count(document));
        }
    }
}

#[test]
fn a_bucket_outside_one_to_the_maximum_is_invalid_argument() {
    let ua = ukraine(Algorithm::EdDsa, 1);
    for bucket in [0, docbridge::issuer::MAX_DECOY_BUCKET + 1] {
        let refused = Issuer::new(&ua.ds_key, &ua.ds_certificate)
            .unwrap()
            .with_options(IssueOptions {
                decoy_bucket: Some(bucket),
                ..IssueOptions::default()
            })
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(refused, Err("invalid_argument"), "{bucket}");
    }
}
