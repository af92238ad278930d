//! Issue -> encode -> verify round trips: every sample document (UA and PL
//! variants of the three doc types) under every Document Signer algorithm
//! and every device-key algorithm, with exact claims; national alphabets
//! byte for byte; deterministic issuance; salts and digestIDs; SHA-384 and
//! SHA-512; unknown elements; selective disclosure; clock-skew boundaries.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use docbridge::VerifyOptions;
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::{DocumentType, samples};
use docbridge::issuer::MIN_SALT_LEN;
use docbridge::verifier::DEFAULT_CLOCK_SKEW;
use docbridge::{
    Algorithm, Claims, DemoAuthority, DigestAlgorithm, DrivingLicence, Elements, IssueOptions,
    Issuer, IssuerSigned, ResidencePermit, ValidityInfo, VehicleRegistration, VerifiedDocument,
    Verifier,
};
use time::Duration;
use time::macros::datetime;

/// One sample document with its issuing country and expected claims.
struct Sample {
    label: &'static str,
    country: &'static str,
    doc_type: &'static str,
    elements: Elements,
    claims: Claims,
}

fn sample<D: DocumentType>(
    label: &'static str,
    country: &'static str,
    doc: D,
    wrap: fn(Box<D>) -> Claims,
) -> Sample {
    Sample {
        label,
        country,
        doc_type: D::DOC_TYPE,
        elements: doc.to_elements().unwrap(),
        claims: wrap(Box::new(doc)),
    }
}

/// The six samples: UA and PL variants of each doc type.
fn samples() -> Vec<Sample> {
    vec![
        sample(
            "driving licence UA",
            "UA",
            samples::driving_licence_ua(),
            Claims::DrivingLicence,
        ),
        sample(
            "driving licence PL",
            "PL",
            samples::driving_licence_pl(),
            Claims::DrivingLicence,
        ),
        sample(
            "vehicle registration UA",
            "UA",
            samples::vehicle_registration_ua(),
            Claims::VehicleRegistration,
        ),
        sample(
            "vehicle registration PL",
            "PL",
            samples::vehicle_registration_pl(),
            Claims::VehicleRegistration,
        ),
        sample(
            "residence permit UA",
            "UA",
            samples::residence_permit_ua(),
            Claims::ResidencePermit,
        ),
        sample(
            "residence permit PL",
            "PL",
            samples::residence_permit_pl(),
            Claims::ResidencePermit,
        ),
    ]
}

/// Issues a typed sample through `Issuer::issue_document`.
fn issue_claims(
    issuer: &Issuer<'_>,
    claims: &Claims,
    device: &docbridge::PublicKey,
    validity: &ValidityInfo,
    seed: u64,
) -> IssuerSigned {
    let rng = &mut rng(seed);
    match claims {
        Claims::DrivingLicence(d) => issuer.issue_document(d.as_ref(), device, validity, rng),
        Claims::VehicleRegistration(d) => issuer.issue_document(d.as_ref(), device, validity, rng),
        Claims::ResidencePermit(d) => issuer.issue_document(d.as_ref(), device, validity, rng),
        other => panic!("no typed sample: {other:?}"),
    }
    .unwrap()
}

fn assert_verified(
    verified: &VerifiedDocument,
    sample: &Sample,
    authority: &DemoAuthority,
    device: &docbridge::PublicKey,
    validity: &ValidityInfo,
    context: &str,
) {
    assert_eq!(verified.claims(), &sample.claims, "{context}");
    assert_eq!(verified.elements(), &sample.elements, "{context}");
    assert_eq!(verified.doc_type(), sample.doc_type, "{context}");
    assert_eq!(
        verified.claims().doc_type(),
        Some(sample.doc_type),
        "{context}"
    );
    assert_eq!(verified.issuing_country(), sample.country, "{context}");
    assert_eq!(
        verified.issuing_country(),
        authority.authority.country(),
        "{context}"
    );
    assert_eq!(
        verified.authority_name(),
        authority.authority.name(),
        "{context}"
    );
    assert_eq!(
        verified.authority_id(),
        authority.authority.id(),
        "{context}"
    );
    assert_eq!(
        verified.document_signer(),
        authority.ds_certificate.subject(),
        "{context}"
    );
    assert_eq!(verified.device_key(), device, "{context}");
    assert_eq!(
        verified.device_key_info().key_authorizations,
        None,
        "{context}"
    );
    assert_eq!(verified.validity(), validity, "{context}");
    assert_eq!(verified.mso().doc_type, sample.doc_type, "{context}");
    assert_eq!(
        verified.mso().digest_algorithm,
        DigestAlgorithm::Sha256,
        "{context}"
    );
}

#[test]
fn every_sample_with_every_signer_and_device_algorithm() {
    let samples = samples();
    let mut checked = 0;
    for (i, ds_alg) in Algorithm::ALL.into_iter().enumerate() {
        let ua = ukraine(ds_alg, 10 + i as u64);
        let pl = poland(ds_alg, 20 + i as u64);
        // One verifier trusting both countries, as a cross-border verifier does.
        let verifier = verifier(&[&ua, &pl]);
        for (j, device_alg) in Algorithm::ALL.into_iter().enumerate() {
            let device = device_key(device_alg, 30 + j as u64);
            assert_eq!(device.algorithm(), device_alg);
            // Validity with every field set, in whole seconds.
            let validity = ValidityInfo {
                signed: datetime!(2026-10-31 23:59:59 UTC),
                valid_from: VALID_FROM,
                valid_until: VALID_UNTIL,
                expected_update: Some(datetime!(2027-05-01 12:30:00 UTC)),
            };
            for (k, sample) in samples.iter().enumerate() {
                let authority = if sample.country == "UA" { &ua } else { &pl };
                let issuer = Issuer::new(&authority.ds_key, &authority.ds_certificate).unwrap();
                let issued = issue_claims(&issuer, &sample.claims, &device, &validity, k as u64);
                let bytes = issued.to_vec().unwrap();
                let context = format!("{} signed {ds_alg}, device {device_alg}", sample.label);
                let verified = verifier.verify(&bytes, &VerifyOptions::at(NOW)).unwrap();
                assert_verified(&verified, sample, authority, &device, &validity, &context);
                // The decoded form verifies the same with the doc type expected.
                let decoded = IssuerSigned::from_slice(&bytes).unwrap();
                assert_eq!(decoded.to_vec().unwrap(), bytes, "{context}: re-encoding");
                let verified = verifier
                    .verify(&decoded, &VerifyOptions::at(NOW).doc_type(sample.doc_type))
                    .unwrap();
                assert_verified(&verified, sample, authority, &device, &validity, &context);
                assert_eq!(issued.issuer_auth().algorithm(), ds_alg, "{context}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * 3 * 6);
}

#[test]
fn issue_via_untyped_elements_gives_the_same_claims() {
    let ua = ukraine(Algorithm::Es256, 1);
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let device = device_key(Algorithm::EdDsa, 2);
    let verifier = verifier(&[&ua]);
    for sample in samples().iter().filter(|s| s.country == "UA") {
        let typed = issue_claims(&issuer, &sample.claims, &device, &validity(), 7);
        let untyped = issuer
            .issue(
                sample.doc_type,
                &sample.elements,
                &device,
                &validity(),
                &mut rng(7),
            )
            .unwrap();
        // Same elements, same RNG: the same bytes.
        assert_eq!(typed.to_vec().unwrap(), untyped.to_vec().unwrap());
        let verified = verifier
            .verify(&untyped.to_vec().unwrap(), &VerifyOptions::at(NOW))
            .unwrap();
        assert_verified(&verified, sample, &ua, &device, &validity(), sample.label);
    }
}

/// Every text string inside a CBOR value, depth first.
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Text(t) => out.push(t.clone()),
        Value::Array(items) => items.iter().for_each(|v| texts(v, out)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            texts(k, out);
            texts(v, out);
        }),
        Value::Tag(_, inner) => texts(inner, out),
        _ => {}
    }
}

#[test]
fn national_alphabets_survive_byte_for_byte() {
    let ua = ukraine(Algorithm::EdDsa, 3);
    let pl = poland(Algorithm::Es384, 4);
    let verifier = verifier(&[&ua, &pl]);
    let device = device_key(Algorithm::Es256, 5);
    let expectations: &[(&str, &str, &str, &[&str])] = &[
        (
            "driving licence UA",
            DrivingLicence::NAMESPACE,
            "family_name_national_character",
            &[
                "Шевченко",
                "Олена",
                "Головний сервісний центр МВС",
                "ul. Złota 44/12",
            ],
        ),
        (
            "driving licence PL",
            DrivingLicence::NAMESPACE,
            "family_name_national_character",
            &["Żółć", "Łukasz"],
        ),
        (
            "vehicle registration UA",
            VehicleRegistration::NAMESPACE,
            "issuing_authority",
            &["ТСЦ МВС № 8041", "Шевченко", "вул. Хрещатик, 1", "Київ"],
        ),
        (
            "vehicle registration PL",
            VehicleRegistration::NAMESPACE,
            "issuing_authority",
            &[
                "Starosta Łódzki",
                "Škoda",
                "Żółć",
                "ul. Świętokrzyska 5",
                "Łódź",
            ],
        ),
        (
            "residence permit UA",
            ResidencePermit::NAMESPACE,
            "issuing_authority",
            &["Державна міграційна служба України", "Київ", "Без обмежень"],
        ),
        (
            "residence permit PL",
            ResidencePermit::NAMESPACE,
            "remarks",
            &["Dostęp do rynku pracy", "Шевченко", "Олена"],
        ),
    ];
    let samples = samples();
    for (label, namespace, element, strings) in expectations {
        let sample = samples.iter().find(|s| s.label == *label).unwrap();
        let authority = if sample.country == "UA" { &ua } else { &pl };
        let issuer = Issuer::new(&authority.ds_key, &authority.ds_certificate).unwrap();
        let bytes = issue_claims(&issuer, &sample.claims, &device, &validity(), 9)
            .to_vec()
            .unwrap();
        let verified = verifier.verify(&bytes, &VerifyOptions::at(NOW)).unwrap();
        // The element is there, equal to the original.
        assert_eq!(
            verified.element(namespace, element),
            sample.elements[*namespace].get(*element),
            "{label}"
        );
        let mut verified_texts = Vec::new();
        for ns in verified.elements().values() {
            for value in ns.values() {
                texts(value, &mut verified_texts);
            }
        }
        for s in *strings {
            // Not normalised or escaped: the same UTF-8 bytes in the
            // encoded document and in the verified claims.
            assert_contains_bytes(&bytes, s.as_bytes(), label);
            assert!(
                verified_texts.iter().any(|t| t.as_bytes() == s.as_bytes()),
                "{label}: {s:?} not among the verified texts"
            );
        }
    }
    // The typed fields, explicitly.
    let sample = samples
        .iter()
        .find(|s| s.label == "driving licence PL")
        .unwrap();
    let issuer = Issuer::new(&pl.ds_key, &pl.ds_certificate).unwrap();
    let bytes = issue_claims(&issuer, &sample.claims, &device, &validity(), 1)
        .to_vec()
        .unwrap();
    let Claims::DrivingLicence(licence) = verifier
        .verify(&bytes, &VerifyOptions::at(NOW))
        .unwrap()
        .claims()
        .clone()
    else {
        panic!("not a licence")
    };
    assert_eq!(
        licence
            .family_name_national_character
            .as_deref()
            .map(str::as_bytes),
        Some("Żółć".as_bytes())
    );
    assert_eq!(
        licence
            .given_name_national_character
            .as_deref()
            .map(str::as_bytes),
        Some(&b"\xc5\x81ukasz"[..])
    );
}

/// Asserts that `needle` occurs in `haystack`.
fn assert_contains_bytes(haystack: &[u8], needle: &[u8], label: &str) {
    assert!(
        haystack.windows(needle.len()).any(|w| w == needle),
        "{label}: {:?} not found as UTF-8 in the encoded document",
        String::from_utf8_lossy(needle)
    );
}

#[test]
fn issuance_is_deterministic_for_a_seed() {
    let licence = samples::driving_licence_ua();
    for alg in Algorithm::ALL {
        let issue = |authority_seed: u64, issue_seed: u64| {
            let ua = ukraine(alg, authority_seed);
            let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
            issuer
                .issue_document(
                    &licence,
                    &device_key(Algorithm::Es256, 77),
                    &validity(),
                    &mut rng(issue_seed),
                )
                .unwrap()
                .to_vec()
                .unwrap()
        };
        let first = issue(1, 100);
        assert_eq!(first, issue(1, 100), "{alg}: same seeds, other bytes");
        let other_seed = issue(1, 101);
        assert_ne!(first, other_seed, "{alg}: another seed, same bytes");
        // Another seed changes the salts and digestIDs, not the certificate.
        let a = IssuerSigned::from_slice(&first).unwrap();
        let b = IssuerSigned::from_slice(&other_seed).unwrap();
        assert_eq!(
            a.issuer_auth().x5chain().unwrap(),
            b.issuer_auth().x5chain().unwrap()
        );
        let salts = |d: &IssuerSigned| -> Vec<Vec<u8>> {
            d.name_spaces()
                .iter()
                .flat_map(|(_, items)| items.iter().map(|i| i.item().random.clone()))
                .collect()
        };
        assert!(
            salts(&a).iter().zip(salts(&b)).all(|(x, y)| *x != y),
            "{alg}: a salt repeated across seeds"
        );
        // Another authority seed gives other keys, hence other bytes.
        assert_ne!(first, issue(2, 100), "{alg}: another authority, same bytes");
    }
}

#[test]
fn salts_are_long_and_digest_ids_a_hidden_permutation() {
    let ua = ukraine(Algorithm::EdDsa, 5);
    let device = device_key(Algorithm::EdDsa, 6);
    for (salt_len, options) in [
        (32, IssueOptions::default()),
        (
            MIN_SALT_LEN,
            IssueOptions {
                salt_len: MIN_SALT_LEN,
                ..IssueOptions::default()
            },
        ),
        (
            64,
            IssueOptions {
                salt_len: 64,
                ..IssueOptions::default()
            },
        ),
    ] {
        assert_eq!(MIN_SALT_LEN, 16);
        let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate)
            .unwrap()
            .with_options(options)
            .unwrap();
        for sample in samples().iter().filter(|s| s.country == "UA") {
            let issued = issue_claims(&issuer, &sample.claims, &device, &validity(), 42);
            let element_count: usize = sample.elements.values().map(BTreeMap::len).sum();
            let mso = issued.mso_unverified().unwrap();
            let mut salts = BTreeSet::new();
            let mut ids_in_element_order = Vec::new();
            for (ns, items) in issued.name_spaces() {
                // Items in element order (the issuer walks the sorted elements).
                let names: Vec<&str> = items
                    .iter()
                    .map(|i| i.item().element_identifier.as_str())
                    .collect();
                let expected: Vec<&str> = sample.elements[ns].keys().map(String::as_str).collect();
                assert_eq!(names, expected, "{}", sample.label);
                for item in items {
                    let item = item.item();
                    assert!(item.random.len() >= MIN_SALT_LEN);
                    assert_eq!(item.random.len(), salt_len, "{}", sample.label);
                    assert!(salts.insert(item.random.clone()), "a salt repeats");
                    ids_in_element_order.push(item.digest_id);
                    assert!(mso.digest(ns, item.digest_id).is_some());
                }
                // The MSO holds exactly the digests of the items.
                let mso_ids: BTreeSet<u64> = mso.value_digests[ns].keys().copied().collect();
                let item_ids: BTreeSet<u64> = items.iter().map(|i| i.item().digest_id).collect();
                assert_eq!(mso_ids, item_ids);
            }
            // A permutation of 0..n over all elements of the document.
            let mut sorted = ids_in_element_order.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                (0..element_count as u64).collect::<Vec<_>>(),
                "{}",
                sample.label
            );
            // Not in element order: with 10 or more elements and this seed,
            // neither ascending nor the identity within a namespace.
            assert!(element_count >= 10, "{}: {element_count}", sample.label);
            assert_ne!(ids_in_element_order, sorted, "{}", sample.label);
            for (_, items) in issued.name_spaces() {
                let ids: Vec<u64> = items.iter().map(|i| i.item().digest_id).collect();
                assert!(
                    ids.windows(2).any(|w| w[0] > w[1]),
                    "{}: digestIDs ascend in element order: {ids:?}",
                    sample.label
                );
            }
            // Still verifies.
            verifier(&[&ua])
                .verify(&issued.to_vec().unwrap(), &VerifyOptions::at(NOW))
                .unwrap();
        }
    }
}

#[test]
fn sha384_and_sha512_verify() {
    let ua = ukraine(Algorithm::Es384, 8);
    let verifier = verifier(&[&ua]);
    let device = device_key(Algorithm::Es384, 9);
    for (alg, len, name) in [
        (DigestAlgorithm::Sha256, 32, "SHA-256"),
        (DigestAlgorithm::Sha384, 48, "SHA-384"),
        (DigestAlgorithm::Sha512, 64, "SHA-512"),
    ] {
        assert_eq!(alg.name(), name);
        assert_eq!(DigestAlgorithm::from_name(name).unwrap(), alg);
        let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate)
            .unwrap()
            .with_options(IssueOptions {
                digest_algorithm: alg,
                ..IssueOptions::default()
            })
            .unwrap();
        for sample in samples().iter().filter(|s| s.country == "UA") {
            let issued = issue_claims(&issuer, &sample.claims, &device, &validity(), 3);
            let verified = verifier
                .verify(&issued.to_vec().unwrap(), &VerifyOptions::at(NOW))
                .unwrap();
            assert_eq!(verified.claims(), &sample.claims);
            let mso = verified.mso();
            assert_eq!(mso.digest_algorithm, alg);
            // The digests are of that algorithm, over the tagged item bytes.
            for (ns, items) in issued.name_spaces() {
                for item in items {
                    let digest = mso.digest(ns, item.item().digest_id).unwrap();
                    assert_eq!(digest.len(), len);
                    assert_eq!(*digest, alg.digest(&item.tagged_bytes().unwrap()));
                }
            }
            // The MSO names the algorithm as ISO/IEC 18013-5 spells it.
            let mso_value = docbridge::cbor::decode(&issued.mso_bytes().unwrap()).unwrap();
            let Value::Map(entries) = mso_value else {
                panic!("MSO is not a map")
            };
            assert!(entries.contains(&(
                Value::Text("digestAlgorithm".into()),
                Value::Text(name.into())
            )));
        }
    }
}

#[test]
fn elements_unknown_to_a_type_survive() {
    let ua = ukraine(Algorithm::Es256, 11);
    let verifier = verifier(&[&ua]);
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let device = device_key(Algorithm::Es256, 12);

    let mut licence = samples::driving_licence_ua();
    let national: BTreeMap<String, Value> = [
        ("tax_number".to_string(), Value::Text("1234567890".into())),
        ("diia_id".to_string(), Value::Integer(42.into())),
        (
            "nested".to_string(),
            Value::Map(vec![(
                Value::Text("прізвище".into()),
                Value::Array(vec![Value::Bytes(vec![0, 1, 2]), Value::Null]),
            )]),
        ),
    ]
    .into();
    licence
        .other_elements
        .insert("org.iso.18013.5.1.UA".into(), national.clone());
    licence.other_elements.insert(
        DrivingLicence::NAMESPACE.into(),
        [("age_over_21".to_string(), Value::Bool(true))].into(),
    );
    let issued = issuer
        .issue_document(&licence, &device, &validity(), &mut rng(13))
        .unwrap();
    let verified = verifier
        .verify(&issued.to_vec().unwrap(), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(
        verified.claims(),
        &Claims::DrivingLicence(Box::new(licence.clone()))
    );
    assert_eq!(
        verified.elements().get("org.iso.18013.5.1.UA"),
        Some(&national)
    );
    assert_eq!(
        verified.element(DrivingLicence::NAMESPACE, "age_over_21"),
        Some(&Value::Bool(true))
    );
    assert_eq!(verified.elements(), &licence.to_elements().unwrap());

    // A doc type the crate has no model for: untyped claims, elements kept.
    let mut elements = Elements::new();
    elements.insert(
        "org.example.custom.1".into(),
        [("anything".to_string(), Value::Float(1.5))].into(),
    );
    let custom = common::authority_for(
        "UA",
        "Custom",
        Algorithm::EdDsa,
        &["org.example.custom.1"],
        14,
    );
    let issuer = Issuer::new(&custom.ds_key, &custom.ds_certificate).unwrap();
    let issued = issuer
        .issue(
            "org.example.custom.1",
            &elements,
            &device,
            &validity(),
            &mut rng(15),
        )
        .unwrap();
    let verified = common::verifier(&[&custom])
        .verify(&issued.to_vec().unwrap(), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(verified.claims(), &Claims::Other);
    assert_eq!(verified.elements(), &elements);
}

#[test]
fn selective_disclosure_still_verifies() {
    let pl = poland(Algorithm::EdDsa, 16);
    let verifier = verifier(&[&pl]);
    let issuer = Issuer::new(&pl.ds_key, &pl.ds_certificate).unwrap();
    let device = device_key(Algorithm::Es256, 17);
    let licence = samples::driving_licence_pl();
    let full = issuer
        .issue_document(&licence, &device, &validity(), &mut rng(18))
        .unwrap();

    let keep = [
        "family_name_national_character",
        "age_over_18",
        "issuing_country",
    ];
    let mut disclosed = full.clone();
    disclosed.retain(|ns, element| ns == DrivingLicence::NAMESPACE && keep.contains(&element));
    let bytes = disclosed.to_vec().unwrap();
    assert!(bytes.len() < full.to_vec().unwrap().len());
    let verified = verifier.verify(&bytes, &VerifyOptions::at(NOW)).unwrap();

    let expected_ns: BTreeMap<String, Value> = keep
        .iter()
        .map(|k| {
            (
                k.to_string(),
                licence.to_elements().unwrap()[DrivingLicence::NAMESPACE][*k].clone(),
            )
        })
        .collect();
    let expected: Elements = [(DrivingLicence::NAMESPACE.to_string(), expected_ns)].into();
    assert_eq!(verified.elements(), &expected);
    let expected_licence = DrivingLicence {
        family_name_national_character: Some("Żółć".into()),
        age_over_18: Some(true),
        issuing_country: Some("PL".into()),
        ..DrivingLicence::default()
    };
    assert_eq!(
        verified.claims(),
        &Claims::DrivingLicence(Box::new(expected_licence))
    );
    assert_eq!(
        verified.element(DrivingLicence::NAMESPACE, "family_name"),
        None
    );
    assert_eq!(verified.device_key(), &device);

    // Keeping one element of another sample, and keeping nothing at all.
    let mut one = full.clone();
    one.retain(|_, element| element == "portrait");
    let verified = verifier
        .verify(&one.to_vec().unwrap(), &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(verified.elements()[DrivingLicence::NAMESPACE].len(), 1);
    let mut none = full;
    none.retain(|_, _| false);
    assert!(none.name_spaces().is_empty());
    let verified = verifier
        .verify(&none.to_vec().unwrap(), &VerifyOptions::at(NOW))
        .unwrap();
    assert!(verified.elements().is_empty());
    assert_eq!(verified.claims(), &Claims::DrivingLicence(Box::default()));
}

fn code_at(
    verifier: &Verifier,
    bytes: &[u8],
    now: time::OffsetDateTime,
) -> Result<(), &'static str> {
    verifier
        .verify(bytes, &VerifyOptions::at(now))
        .map(|_| ())
        .map_err(|e| e.code())
}

#[test]
fn clock_skew_boundaries() {
    let ua = ukraine(Algorithm::Es256, 19);
    let issuer = Issuer::new(&ua.ds_key, &ua.ds_certificate).unwrap();
    let bytes = issuer
        .issue_document(
            &samples::residence_permit_ua(),
            &device_key(Algorithm::Es256, 20),
            &validity(),
            &mut rng(21),
        )
        .unwrap()
        .to_vec()
        .unwrap();
    let second = Duration::SECOND;
    assert_eq!(DEFAULT_CLOCK_SKEW, Duration::minutes(5));

    let default = verifier(&[&ua]);
    let skew = DEFAULT_CLOCK_SKEW;
    // validUntil side.
    assert_eq!(code_at(&default, &bytes, VALID_UNTIL), Ok(()));
    assert_eq!(code_at(&default, &bytes, VALID_UNTIL + skew), Ok(()));
    assert_eq!(
        code_at(&default, &bytes, VALID_UNTIL + skew + second),
        Err("expired")
    );
    // validFrom side.
    assert_eq!(code_at(&default, &bytes, VALID_FROM), Ok(()));
    assert_eq!(code_at(&default, &bytes, VALID_FROM - skew), Ok(()));
    assert_eq!(
        code_at(&default, &bytes, VALID_FROM - skew - second),
        Err("not_yet_valid")
    );

    // A chosen skew.
    let skew = Duration::hours(2);
    let wide = verifier(&[&ua]).with_clock_skew(skew);
    assert_eq!(code_at(&wide, &bytes, VALID_UNTIL + skew), Ok(()));
    assert_eq!(
        code_at(&wide, &bytes, VALID_UNTIL + skew + second),
        Err("expired")
    );
    assert_eq!(code_at(&wide, &bytes, VALID_FROM - skew), Ok(()));
    assert_eq!(
        code_at(&wide, &bytes, VALID_FROM - skew - second),
        Err("not_yet_valid")
    );

    // No skew, and a negative skew counting as none.
    for skew in [Duration::ZERO, Duration::minutes(-10)] {
        let exact = verifier(&[&ua]).with_clock_skew(skew);
        assert_eq!(code_at(&exact, &bytes, VALID_UNTIL), Ok(()));
        assert_eq!(
            code_at(&exact, &bytes, VALID_UNTIL + second),
            Err("expired")
        );
        assert_eq!(code_at(&exact, &bytes, VALID_FROM), Ok(()));
        assert_eq!(
            code_at(&exact, &bytes, VALID_FROM - second),
            Err("not_yet_valid")
        );
    }
}

/// `signed` is the issuer's clock, not the start of validity: a document
/// pre-issued for a later validity says when it was signed, and the issuer
/// checks that time (not validFrom) against its certificate.
#[test]
fn signed_is_the_signing_time_not_the_start_of_validity() {
    use docbridge::x509::{CertificateProfile, CertificateSpec, create_issued};
    use time::macros::datetime;

    let ua = ukraine(Algorithm::Es256, 61);
    let device = device_key(Algorithm::Es256, 62);
    // A Document Signer valid only in October; the document is signed on
    // 30 October for a validity starting on 1 November.
    let ds_key = docbridge::SoftwareKey::generate(Algorithm::Es256, &mut rng(63));
    let october = |not_before, not_after| {
        create_issued(
            &CertificateSpec {
                common_name: "Diia Document Signer (October)".into(),
                country: "UA".into(),
                organization: None,
                serial: 7,
                not_before,
                not_after,
                issuer_contact: None,
                crl_uri: None,
            },
            CertificateProfile::DocumentSigner,
            &docbridge::Signer::public_key(&ds_key),
            &ua.iaca_certificate,
            &ua.iaca_key,
        )
        .unwrap()
    };
    let ds = october(
        datetime!(2026-10-01 0:00 UTC),
        datetime!(2026-10-31 0:00 UTC),
    );
    assert!(SIGNED < ds.not_after() && VALID_FROM > ds.not_after());
    let validity = ValidityInfo::new(SIGNED, VALID_FROM, VALID_UNTIL);
    let issued = Issuer::new(&ds_key, &ds)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device,
            &validity,
            &mut rng(64),
        )
        .unwrap();
    let mso = issued.mso_unverified().unwrap();
    assert_eq!(mso.validity_info.signed, SIGNED);
    assert_eq!(mso.validity_info.valid_from, VALID_FROM);
    // The verifier reads the same signing time from the bytes.
    let verifier = verifier(&[&ua]);
    let bytes = issued.to_vec().unwrap();
    let at = datetime!(2026-10-30 12:00 UTC);
    let err = verifier.verify(&bytes, &VerifyOptions::at(at)).unwrap_err();
    // Not yet valid on 30 October, but signed within its certificate.
    assert_eq!(err.code(), "not_yet_valid");

    // A certificate valid from 31 October covers validFrom but not the
    // signing time: the issuer refuses.
    let late = october(
        datetime!(2026-10-31 0:00 UTC),
        datetime!(2027-10-31 0:00 UTC),
    );
    let refused = Issuer::new(&ds_key, &late).unwrap().issue_document(
        &samples::driving_licence_ua(),
        &device,
        &validity,
        &mut rng(65),
    );
    assert_eq!(refused.unwrap_err().code(), "invalid_argument");
}

#[test]
fn an_inverted_validity_is_refused_whatever_the_skew() {
    let ua = ukraine(Algorithm::Es256, 22);
    let device = device_key(Algorithm::Es256, 23);
    let name_spaces = name_spaces(&[(
        MDL_NS,
        vec![(0, "family_name", Value::Text("Шевченко".into()))],
    )]);
    let mut mso = mso_for(
        &name_spaces,
        DrivingLicence::DOC_TYPE,
        &device,
        DigestAlgorithm::Sha256,
    );
    // validFrom one minute after validUntil: inside the default skew of both.
    let until = datetime!(2026-11-29 12:00 UTC);
    let validity = map_at(&mut mso, "validityInfo");
    map_set(validity, "signed", docbridge::cbor::tdate(until).unwrap());
    map_set(
        validity,
        "validFrom",
        docbridge::cbor::tdate(until + Duration::MINUTE).unwrap(),
    );
    map_set(
        validity,
        "validUntil",
        docbridge::cbor::tdate(until).unwrap(),
    );
    let bytes = signed_by(&ua, name_spaces, &mso).to_vec().unwrap();
    let wide = verifier(&[&ua]).with_clock_skew(Duration::hours(1));
    assert_eq!(code_at(&wide, &bytes, until), Err("invalid_structure"));
    assert_eq!(
        code_at(&verifier(&[&ua]), &bytes, until),
        Err("invalid_structure")
    );
}
