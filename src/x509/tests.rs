//! Tests of certificate reading, profiles, chains and creation.

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::certificate::OID_ECDSA_WITH_SHA256;
use super::*;
use crate::cose::SoftwareKey;
use crate::cose::{Algorithm, PublicKey, Signer};
use crate::error::{Error, Result};
use crate::trust::demo::DemoAuthority;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;

const MDL: &str = "org.iso.18013.5.1.mDL";
const FROM: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
const UNTIL: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);
const INSIDE: OffsetDateTime = datetime!(2026-06-15 12:00 UTC);

fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

fn demo(country: &str, name: &str, alg: Algorithm, seed: u64) -> DemoAuthority {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    DemoAuthority::generate(country, name, alg, &[MDL], FROM, UNTIL, &mut rng).unwrap()
}

fn spec(cn: &str, country: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: cn.into(),
        country: country.into(),
        organization: None,
        serial,
        not_before: FROM,
        not_after: UNTIL,
        issuer_contact: None,
        crl_uri: None,
    }
}

#[test]
fn unrecognised_critical_extensions_are_refused() {
    // Turn the critical keyUsage (2.5.29.15) into the unassigned 2.5.29.63,
    // keeping it critical: RFC 5280 says such a certificate must not be used.
    let ds = demo("UA", "Diia Test", Algorithm::Es256, 40).ds_certificate;
    let mut der = ds.der().to_vec();
    let key_usage_oid = [0x06, 0x03, 0x55, 0x1d, 0x0f];
    let at = der
        .windows(key_usage_oid.len())
        .position(|w| w == key_usage_oid)
        .unwrap();
    der[at + 4] = 0x3f;
    assert_eq!(code(Certificate::from_der(&der)), "certificate_profile");
}

#[test]
fn profile_breaches_change_the_one_field_named() {
    let mut rng = ChaCha20Rng::seed_from_u64(41);
    let iaca_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let ds_key = SoftwareKey::generate(Algorithm::Es256, &mut rng).public_key();
    let iaca_spec = spec("Breach IACA", "UA", 1);
    let iaca = create_self_signed(&iaca_spec, CertificateProfile::Iaca, &iaca_key).unwrap();
    let ds_spec = spec("Breach DS", "UA", 2);
    let ds = |breach: &ProfileBreach| {
        create_issued_breaching(
            &ds_spec,
            CertificateProfile::DocumentSigner,
            breach,
            &ds_key,
            &iaca,
            &iaca_key,
        )
    };
    // No breach: the very bytes of the checked constructor.
    let plain = create_issued(
        &ds_spec,
        CertificateProfile::DocumentSigner,
        &ds_key,
        &iaca,
        &iaca_key,
    )
    .unwrap();
    assert_eq!(ds(&ProfileBreach::default()).unwrap(), plain.der());
    assert_eq!(
        create_self_signed_breaching(
            &iaca_spec,
            CertificateProfile::Iaca,
            &ProfileBreach::default(),
            &iaca_key
        )
        .unwrap(),
        iaca.der()
    );

    let ku_only = |key_usage: KeyUsage| ProfileBreach {
        key_usage: Some(key_usage),
        ..ProfileBreach::default()
    };
    let no_digital_signature = KeyUsage {
        crl_sign: true,
        ..KeyUsage::default()
    };
    let made = Certificate::from_der(&ds(&ku_only(no_digital_signature)).unwrap()).unwrap();
    made.verify_issued_by(&iaca).unwrap();
    assert_eq!(made.key_usage(), Some(no_digital_signature));
    assert_eq!(made.extended_key_usages(), plain.extended_key_usages());
    assert_eq!(made.subject(), plain.subject());
    assert_eq!(
        code(check_document_signer_profile(&made)),
        "certificate_profile"
    );

    let made = Certificate::from_der(&ds(&ku_only(KeyUsage::default())).unwrap()).unwrap();
    assert_eq!(made.key_usage(), None);
    assert_eq!(
        code(check_document_signer_profile(&made)),
        "certificate_profile"
    );

    let made = Certificate::from_der(
        &ds(&ProfileBreach {
            country: Some("ua".into()),
            ..ProfileBreach::default()
        })
        .unwrap(),
    )
    .unwrap();
    assert_eq!(made.country(), Some("ua"));
    assert_eq!(made.key_usage(), plain.key_usage());
    assert_eq!(
        code(check_document_signer_profile(&made)),
        "certificate_profile"
    );

    let der = ds(&ProfileBreach {
        unknown_critical_extension: true,
        ..ProfileBreach::default()
    })
    .unwrap();
    let (_, parsed) = X509Certificate::from_der(&der).unwrap();
    let extension = parsed
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == OID_UNKNOWN_EXTENSION)
        .unwrap();
    assert!(extension.critical);
    assert_eq!(extension.value, [0x05, 0x00]);
    assert_eq!(code(Certificate::from_der(&der)), "certificate_profile");

    let iaca_without = |key_usage: KeyUsage| {
        Certificate::from_der(
            &create_self_signed_breaching(
                &iaca_spec,
                CertificateProfile::Iaca,
                &ku_only(key_usage),
                &iaca_key,
            )
            .unwrap(),
        )
        .unwrap()
    };
    for bits in [
        KeyUsage {
            crl_sign: true,
            ..KeyUsage::default()
        },
        KeyUsage {
            key_cert_sign: true,
            ..KeyUsage::default()
        },
    ] {
        let made = iaca_without(bits);
        made.verify_issued_by(&made).unwrap();
        assert!(made.is_ca());
        assert_eq!(made.key_usage(), Some(bits));
        assert_eq!(code(check_iaca_profile(&made)), "certificate_profile");
    }
}

#[test]
fn demo_chain_for_every_algorithm() {
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        let seed = i as u64;
        let ua = demo("UA", "Diia Test", alg, seed);
        let (iaca, ds) = (&ua.iaca_certificate, &ua.ds_certificate);
        check_iaca_profile(iaca).unwrap();
        check_document_signer_profile(ds).unwrap();
        assert_eq!(iaca.public_key().algorithm(), alg);
        assert_eq!(ds.public_key().algorithm(), alg);
        assert_eq!(iaca.country(), Some("UA"));
        assert_eq!(ds.country(), Some("UA"));
        assert!(
            iaca.subject().contains("CN=Diia Test IACA"),
            "{}",
            iaca.subject()
        );
        assert!(ds.subject().contains("CN=Diia Test Document Signer"));
        assert_eq!(ds.issuer_raw(), iaca.subject_raw());
        iaca.verify_issued_by(iaca).unwrap();

        verify_document_signer(ds, iaca, INSIDE).unwrap();
        // Both ends of the validity period are inside it.
        verify_document_signer(ds, iaca, FROM).unwrap();
        verify_document_signer(ds, iaca, UNTIL).unwrap();
        assert_eq!(
            code(verify_document_signer(
                ds,
                iaca,
                UNTIL + time::Duration::SECOND
            )),
            "certificate_expired"
        );
        assert_eq!(
            code(verify_document_signer(
                ds,
                iaca,
                FROM - time::Duration::SECOND
            )),
            "certificate_not_yet_valid"
        );

        // Another authority's IACA: different name, and same name with a
        // different key (the signature check is what refuses it then).
        let other = demo("UA", "Other Authority", alg, seed + 100);
        assert_eq!(
            code(verify_document_signer(ds, &other.iaca_certificate, INSIDE)),
            "certificate_chain_invalid"
        );
        let twin = demo("UA", "Diia Test", alg, seed + 200);
        assert_eq!(twin.iaca_certificate.subject_raw(), iaca.subject_raw());
        assert_eq!(
            code(verify_document_signer(ds, &twin.iaca_certificate, INSIDE)),
            "certificate_chain_invalid"
        );

        // A DS is no IACA, and an IACA no DS.
        assert_eq!(
            code(verify_document_signer(ds, ds, INSIDE)),
            "certificate_profile"
        );
        assert_eq!(
            code(verify_document_signer(iaca, iaca, INSIDE)),
            "certificate_profile"
        );

        // A DS of another country under the UA IACA.
        let pl_key = SoftwareKey::generate(alg, &mut ChaCha20Rng::seed_from_u64(seed + 300));
        let pl_ds = create_issued(
            &spec("Polish Document Signer", "PL", 77),
            CertificateProfile::DocumentSigner,
            &pl_key.public_key(),
            iaca,
            &ua.iaca_key,
        )
        .unwrap();
        check_document_signer_profile(&pl_ds).unwrap();
        pl_ds.verify_issued_by(iaca).unwrap();
        assert_eq!(
            code(verify_document_signer(&pl_ds, iaca, INSIDE)),
            "country_mismatch"
        );

        // PEM round trip, alone and in a bundle with other blocks.
        let pem = ds.to_pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64));
        assert_eq!(Certificate::from_pem_all(&pem).unwrap(), vec![ds.clone()]);
        let bundle = format!(
            "{}{}{}",
            ds.to_pem(),
            ua.ds_key.to_pkcs8_pem().unwrap().as_str(),
            iaca.to_pem()
        );
        assert_eq!(
            Certificate::from_pem_all(&bundle).unwrap(),
            vec![ds.clone(), iaca.clone()]
        );
        assert_eq!(
            Certificate::load_all(format!("\n  {bundle}").as_bytes()).unwrap(),
            vec![ds.clone(), iaca.clone()]
        );
        assert_eq!(Certificate::load_all(ds.der()).unwrap(), vec![ds.clone()]);

        // load_one takes exactly one certificate: a bundle is never cut to its first.
        assert_eq!(Certificate::load_one(pem.as_bytes()).unwrap(), ds.clone());
        assert_eq!(Certificate::load_one(ds.der()).unwrap(), ds.clone());
        let refused = Certificate::load_one(bundle.as_bytes()).unwrap_err();
        assert_eq!(refused.code(), "certificate_malformed");
        assert!(
            refused
                .to_string()
                .contains("2 certificates where one is expected")
        );
    }
}

#[test]
fn created_extensions_and_criticality() {
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 1);
    let ski = |der: &[u8]| {
        let (_, c) = X509Certificate::from_der(der).unwrap();
        let ext: Vec<(String, bool)> = c
            .extensions()
            .iter()
            .map(|e| (e.oid.to_id_string(), e.critical))
            .collect();
        ext
    };
    // SKI, BC (critical), KU (critical), issuerAltName, CRL distribution
    // points; no AKI on a self-signed root.
    assert_eq!(
        ski(ua.iaca_certificate.der()),
        vec![
            ("2.5.29.14".to_string(), false),
            ("2.5.29.19".to_string(), true),
            ("2.5.29.15".to_string(), true),
            ("2.5.29.18".to_string(), false),
            ("2.5.29.31".to_string(), false),
        ]
    );
    // SKI, AKI, KU (critical), EKU (critical), issuerAltName, CRL
    // distribution points; no basicConstraints.
    assert_eq!(
        ski(ua.ds_certificate.der()),
        vec![
            ("2.5.29.14".to_string(), false),
            ("2.5.29.35".to_string(), false),
            ("2.5.29.15".to_string(), true),
            ("2.5.29.37".to_string(), true),
            ("2.5.29.18".to_string(), false),
            ("2.5.29.31".to_string(), false),
        ]
    );
    // Both name the demo authority's URL and CRL, as Annex B wants them:
    // a URI issuerAltName, one full-name URI distribution point.
    for der in [ua.iaca_certificate.der(), ua.ds_certificate.der()] {
        assert_eq!(
            annex_b_uris(der),
            (
                vec!["https://diia-test.ua.example/".to_string()],
                vec!["https://diia-test.ua.example/crl".to_string()]
            )
        );
    }
    let (_, iaca) = X509Certificate::from_der(ua.iaca_certificate.der()).unwrap();
    let (_, ds) = X509Certificate::from_der(ua.ds_certificate.der()).unwrap();
    let bc = iaca.basic_constraints().unwrap().unwrap().value;
    assert!(bc.ca);
    assert_eq!(bc.path_len_constraint, Some(0));
    // The DS's AKI is the IACA's SKI.
    let iaca_ski = iaca
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0.to_vec()),
            _ => None,
        })
        .unwrap();
    let ds_aki = ds
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(k) => {
                k.key_identifier.as_ref().map(|k| k.0.to_vec())
            }
            _ => None,
        })
        .unwrap();
    assert_eq!(iaca_ski, ds_aki);
    assert_eq!(
        ua.ds_certificate.extended_key_usages(),
        [EKU_MDL_DOCUMENT_SIGNER.to_string()]
    );
    // Subject order C, O, CN; UTF-8 names kept.
    let key = SoftwareKey::generate(Algorithm::EdDsa, &mut ChaCha20Rng::seed_from_u64(5));
    let cert = create_self_signed(
        &CertificateSpec {
            organization: Some("Міністерство цифрової трансформації".into()),
            ..spec("Дія IACA", "UA", 1)
        },
        CertificateProfile::Iaca,
        &key,
    )
    .unwrap();
    assert_eq!(
        cert.subject(),
        "C=UA, O=Міністерство цифрової трансформації, CN=Дія IACA"
    );
    assert_eq!(
        cert.organization().as_deref(),
        Some("Міністерство цифрової трансформації")
    );
    assert_eq!(cert.common_name().as_deref(), Some("Дія IACA"));
    // An authority configured from the certificate alone is named by its
    // organization, else its common name, never by the whole subject.
    assert_eq!(
        crate::trust::IssuingAuthority::name_from_certificate(&cert),
        "Міністерство цифрової трансформації"
    );
    let without_organization =
        create_self_signed(&spec("Дія IACA", "UA", 2), CertificateProfile::Iaca, &key).unwrap();
    assert_eq!(without_organization.organization(), None);
    assert_eq!(
        crate::trust::IssuingAuthority::name_from_certificate(&without_organization),
        "Дія IACA"
    );
}

/// The URIs of a certificate's issuerAltName and of its CRL distribution
/// points (full names, with neither reasons nor cRLIssuer).
fn annex_b_uris(der: &[u8]) -> (Vec<String>, Vec<String>) {
    use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
    let (_, c) = X509Certificate::from_der(der).unwrap();
    let uri = |name: &GeneralName<'_>| match name {
        GeneralName::URI(u) => u.to_string(),
        GeneralName::RFC822Name(e) => format!("mailto:{e}"),
        other => panic!("unexpected general name {other:?}"),
    };
    let (mut alt, mut crl) = (Vec::new(), Vec::new());
    for e in c.extensions() {
        match e.parsed_extension() {
            ParsedExtension::IssuerAlternativeName(ian) => {
                alt.extend(ian.general_names.iter().map(uri))
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in points.iter() {
                    assert!(point.reasons.is_none() && point.crl_issuer.is_none());
                    match &point.distribution_point {
                        Some(DistributionPointName::FullName(names)) => {
                            crl.extend(names.iter().map(uri))
                        }
                        other => panic!("unexpected distribution point {other:?}"),
                    }
                }
            }
            _ => {}
        }
    }
    (alt, crl)
}

#[test]
fn issuer_alt_name_and_crl_are_given_or_copied_from_the_issuer() {
    let mut rng = ChaCha20Rng::seed_from_u64(19);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let root = create_self_signed(
        &CertificateSpec {
            issuer_contact: Some(IssuerContact::Email("pki@iaca.pl.example".into())),
            crl_uri: Some("http://iaca.pl.example/iaca.crl".into()),
            ..spec("PL IACA", "PL", 1)
        },
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let expected = (
        vec!["mailto:pki@iaca.pl.example".to_string()],
        vec!["http://iaca.pl.example/iaca.crl".to_string()],
    );
    assert_eq!(annex_b_uris(root.der()), expected);
    let leaf_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let issue = |spec: &CertificateSpec| {
        create_issued(
            spec,
            CertificateProfile::DocumentSigner,
            &leaf_key.public_key(),
            &root,
            &root_key,
        )
    };
    // Not given: copied from the issuer.
    let copied = issue(&spec("PL DS", "PL", 2)).unwrap();
    assert_eq!(annex_b_uris(copied.der()), expected);
    // Given: written as given.
    let given = issue(&CertificateSpec {
        issuer_contact: Some(IssuerContact::Uri("https://pl.example/".into())),
        crl_uri: Some("https://pl.example/ds.crl".into()),
        ..spec("PL DS", "PL", 3)
    })
    .unwrap();
    assert_eq!(
        annex_b_uris(given.der()),
        (
            vec!["https://pl.example/".to_string()],
            vec!["https://pl.example/ds.crl".to_string()]
        )
    );
    // A self-signed certificate without them has none.
    let bare =
        create_self_signed(&spec("x", "PL", 4), CertificateProfile::Iaca, &root_key).unwrap();
    assert_eq!(annex_b_uris(bare.der()), (vec![], vec![]));
    // IA5String: ASCII only, and not empty.
    for (contact, crl) in [
        (
            Some(IssuerContact::Uri("https://дія.example/".into())),
            None,
        ),
        (Some(IssuerContact::Email(String::new())), None),
        (None, Some("https://pl.example/ł.crl".into())),
    ] {
        let spec = CertificateSpec {
            issuer_contact: contact,
            crl_uri: crl,
            ..spec("y", "PL", 5)
        };
        assert_eq!(
            code(create_self_signed(
                &spec,
                CertificateProfile::Iaca,
                &root_key
            )),
            "invalid_argument"
        );
        assert_eq!(code(issue(&spec)), "invalid_argument");
    }
}

#[test]
fn reader_and_trust_list_signer_profiles() {
    let mut rng = ChaCha20Rng::seed_from_u64(9);
    let root_key = SoftwareKey::generate(Algorithm::Es384, &mut rng);
    let root = create_self_signed(
        &spec("Reader CA", "PL", 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let reader = create_issued(
        &spec("Police reader", "PL", 2),
        CertificateProfile::ReaderAuthentication,
        &reader_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    check_reader_profile(&reader).unwrap();
    reader.verify_issued_by(&root).unwrap();
    assert_eq!(
        reader.extended_key_usages(),
        [EKU_MDL_READER_AUTH.to_string()]
    );
    assert_eq!(
        code(check_document_signer_profile(&reader)),
        "certificate_profile"
    );

    let tl = create_self_signed(
        &spec("UA trust list operator", "UA", 3),
        CertificateProfile::TrustListSigner,
        &reader_key,
    )
    .unwrap();
    assert!(!tl.is_ca());
    assert!(tl.extended_key_usages().is_empty());
    assert_eq!(
        tl.key_usage(),
        Some(KeyUsage {
            digital_signature: true,
            ..KeyUsage::default()
        })
    );
    assert_eq!(
        code(check_document_signer_profile(&tl)),
        "certificate_profile"
    );
    assert_eq!(code(check_reader_profile(&tl)), "certificate_profile");
    assert_eq!(code(check_iaca_profile(&tl)), "certificate_profile");
}

#[test]
fn creation_is_deterministic() {
    for alg in Algorithm::ALL {
        let a = demo("PL", "mObywatel Test", alg, 42);
        let b = demo("PL", "mObywatel Test", alg, 42);
        assert_eq!(a.iaca_certificate.der(), b.iaca_certificate.der());
        assert_eq!(a.ds_certificate.der(), b.ds_certificate.der());
        let c = demo("PL", "mObywatel Test", alg, 43);
        assert_ne!(a.iaca_certificate.der(), c.iaca_certificate.der());
    }
}

#[test]
fn signature_algorithm_must_fit_issuer_key() {
    // Same issuer name, P-384 key: the ES256 signature of the DS is refused
    // for the algorithm, before any signature math.
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 3);
    let p384 = demo("UA", "Diia Test", Algorithm::Es384, 4);
    let err = ua
        .ds_certificate
        .verify_issued_by(&p384.iaca_certificate)
        .unwrap_err();
    assert_eq!(err.code(), "certificate_chain_invalid");
    assert!(err.to_string().contains("does not fit"), "{err}");
    let ed = demo("UA", "Diia Test", Algorithm::EdDsa, 5);
    let err = ed
        .ds_certificate
        .verify_issued_by(&ua.iaca_certificate)
        .unwrap_err();
    assert!(err.to_string().contains("does not fit"), "{err}");
}

#[test]
fn tampered_signature_is_refused() {
    for alg in Algorithm::ALL {
        let ua = demo("UA", "Diia Test", alg, 6);
        let mut der = ua.ds_certificate.der().to_vec();
        let last = der.len() - 1;
        der[last] ^= 0x01;
        // The last byte is inside the signature value.
        match Certificate::from_der(&der) {
            Ok(cert) => assert_eq!(
                code(cert.verify_issued_by(&ua.iaca_certificate)),
                "certificate_chain_invalid"
            ),
            Err(e) => assert_eq!(e.code(), "certificate_malformed"),
        }
    }
}

#[test]
fn bad_input_is_refused() {
    assert_eq!(code(Certificate::from_pem_all("")), "certificate_malformed");
    assert_eq!(
        code(Certificate::from_pem_all(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        )),
        "certificate_malformed"
    );
    assert_eq!(
        code(Certificate::from_pem_all(
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
        )),
        "certificate_malformed"
    );
    assert_eq!(
        code(Certificate::from_pem_all(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        )),
        "certificate_malformed"
    );
    assert_eq!(code(Certificate::load_all(b"")), "certificate_malformed");
    assert_eq!(
        code(Certificate::load_all(b"\x30\x03\x02\x01\x01")),
        "certificate_malformed"
    );
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 7);
    let mut long = ua.ds_certificate.der().to_vec();
    long.push(0);
    assert_eq!(code(Certificate::load_all(&long)), "certificate_malformed");
}

#[test]
fn bad_specs_are_refused() {
    let key = SoftwareKey::generate(Algorithm::Es256, &mut ChaCha20Rng::seed_from_u64(8));
    let make = |s: CertificateSpec| create_self_signed(&s, CertificateProfile::Iaca, &key);
    assert_eq!(code(make(spec("x", "ua", 1))), "invalid_argument");
    assert_eq!(code(make(spec("x", "UKR", 1))), "invalid_argument");
    assert_eq!(code(make(spec("", "UA", 1))), "invalid_argument");
    assert_eq!(code(make(spec("x", "UA", 0))), "invalid_argument");
    assert_eq!(
        code(make(CertificateSpec {
            organization: Some(String::new()),
            ..spec("x", "UA", 1)
        })),
        "invalid_argument"
    );
    assert_eq!(
        code(make(CertificateSpec {
            not_after: FROM - time::Duration::DAY,
            ..spec("x", "UA", 1)
        })),
        "invalid_argument"
    );
    assert_eq!(
        code(make(CertificateSpec {
            not_before: datetime!(1969-12-31 0:00 UTC),
            ..spec("x", "UA", 1)
        })),
        "invalid_argument"
    );
    // Large serials and times past 2049 (GeneralizedTime) work.
    let cert = make(CertificateSpec {
        not_after: datetime!(2060-01-01 0:00 UTC),
        ..spec("x", "UA", u64::MAX)
    })
    .unwrap();
    assert_eq!(cert.not_after(), datetime!(2060-01-01 0:00 UTC));
    // The issuer key must match the issuer certificate.
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 9);
    assert_eq!(
        code(create_issued(
            &spec("x", "UA", 2),
            CertificateProfile::DocumentSigner,
            &key.public_key(),
            &ua.iaca_certificate,
            &key,
        )),
        "invalid_key"
    );
}

/// A signer standing in for an HSM that refuses to sign.
struct RefusingSigner(SoftwareKey);

impl Signer for RefusingSigner {
    fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, _message: &[u8]) -> Result<Vec<u8>> {
        Err(Error::SigningFailed("HSM offline".into()))
    }
}

/// A signer whose signatures are made with another key.
struct WrongKeySigner(SoftwareKey, SoftwareKey);

impl Signer for WrongKeySigner {
    fn algorithm(&self) -> Algorithm {
        self.0.algorithm()
    }
    fn public_key(&self) -> PublicKey {
        self.0.public_key()
    }
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.1.sign(message)
    }
}

#[test]
fn signer_failures_are_reported() {
    let mut rng = ChaCha20Rng::seed_from_u64(10);
    for alg in Algorithm::ALL {
        let key = SoftwareKey::generate(alg, &mut rng);
        let other = SoftwareKey::generate(alg, &mut rng);
        let err = create_self_signed(
            &spec("x", "UA", 1),
            CertificateProfile::Iaca,
            &RefusingSigner(key.clone()),
        )
        .unwrap_err();
        assert_eq!(err, Error::SigningFailed("HSM offline".into()));
        assert_eq!(
            code(create_self_signed(
                &spec("x", "UA", 1),
                CertificateProfile::Iaca,
                &WrongKeySigner(key, other),
            )),
            "signing_failed"
        );
    }
}

/// Reads an ISO/IEC 18013-5 Annex D certificate (hex text) from the
/// shared vectors, which must be present next to the crate.
fn annex_d(file: &str) -> Certificate {
    let path = format!(
        "{}/{file}",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/vectors/external/iso18013-5-annex-d"
        )
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the shared vectors are required (../shared/vectors next to the crate): \
             cannot read {path}: {e}"
        )
    });
    Certificate::from_der(&hex::decode(text.trim()).unwrap()).unwrap()
}

#[test]
fn annex_d_document_signer_chain() {
    let iaca = annex_d("nl-wallet/iaca_root_cert.der.hex");
    let ds = annex_d("multipaz/ds_cert.hex");
    assert_eq!(iaca.subject(), "CN=utopia iaca, C=US");
    assert_eq!(ds.subject(), "CN=utopia ds, C=US");
    assert_eq!(iaca.signature_algorithm(), OID_ECDSA_WITH_SHA256);
    check_iaca_profile(&iaca).unwrap();
    check_document_signer_profile(&ds).unwrap();
    iaca.verify_issued_by(&iaca).unwrap();
    verify_document_signer(&ds, &iaca, datetime!(2021-06-01 0:00 UTC)).unwrap();
    assert_eq!(
        code(verify_document_signer(
            &ds,
            &iaca,
            datetime!(2024-01-01 0:00 UTC)
        )),
        "certificate_expired"
    );
    assert_eq!(
        code(verify_document_signer(
            &ds,
            &iaca,
            datetime!(2020-01-01 0:00 UTC)
        )),
        "certificate_not_yet_valid"
    );
    // PEM round trip keeps the bytes as received.
    assert_eq!(
        Certificate::from_pem_all(&ds.to_pem()).unwrap(),
        vec![ds.clone()]
    );
    // The Annex D DS under a demo IACA of the same country is refused.
    let us = demo("US", "utopia", Algorithm::Es256, 11);
    assert_eq!(
        code(verify_document_signer(
            &ds,
            &us.iaca_certificate,
            datetime!(2026-01-01 0:00 UTC)
        )),
        "certificate_chain_invalid"
    );
    // And it is not a reader certificate.
    assert_eq!(code(check_reader_profile(&ds)), "certificate_profile");
}

#[test]
fn annex_d_reader_chain() {
    let root = annex_d("nl-wallet/reader_root_cert.der.hex");
    let reader = annex_d("multipaz/reader_cert.hex");
    assert_eq!(reader.subject(), "CN=reader");
    assert_eq!(reader.country(), None);
    assert!(root.is_ca());
    reader.verify_issued_by(&root).unwrap();
    check_reader_profile(&reader).unwrap();
    reader
        .check_validity_at(datetime!(2021-06-01 0:00 UTC))
        .unwrap();
    assert_eq!(
        code(check_document_signer_profile(&reader)),
        "certificate_profile"
    );
    // The reader root has no countryName, so it is no IACA.
    assert_eq!(code(check_iaca_profile(&root)), "certificate_profile");
    let ds = annex_d("multipaz/ds_cert.hex");
    assert_eq!(
        code(reader.verify_issued_by(&annex_d("nl-wallet/iaca_root_cert.der.hex"))),
        "certificate_chain_invalid"
    );
    assert_eq!(
        code(ds.verify_issued_by(&root)),
        "certificate_chain_invalid"
    );
}
