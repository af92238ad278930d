//! Tests of reading, checking and creating CRLs.

use der::asn1::OctetString;
use der::{Decode, Encode};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use x509_cert::crl::TbsCertList;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};

use super::create::sign_tbs;
use super::*;
use crate::cose::{Algorithm, Signer, SoftwareKey};
use crate::error::Result;
use crate::trust::demo::DemoAuthority;
use crate::x509::Certificate;
use crate::x509::{CertificateProfile, CertificateSpec, create_issued};

const MDL: &str = "org.iso.18013.5.1.mDL";
const FROM: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
const UNTIL: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);
const ISSUED: OffsetDateTime = datetime!(2026-06-01 0:00 UTC);
const NEXT: OffsetDateTime = datetime!(2026-07-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-06-15 12:00 UTC);
const SKEW: Duration = Duration::minutes(5);

fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

/// A demo authority whose Document Signer certificate names no CRL
/// distribution point (the demo's names one), so that CRLs are matched by
/// issuer unless a test adds a point with [`with_distribution_point`].
fn demo(country: &str, name: &str, alg: Algorithm, seed: u64) -> DemoAuthority {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut authority =
        DemoAuthority::generate(country, name, alg, &[MDL], FROM, UNTIL, &mut rng).unwrap();
    authority.ds_certificate = resigned_ds(&authority, None);
    assert!(
        authority
            .ds_certificate
            .crl_distribution_points()
            .is_empty()
    );
    authority
}

fn crl_of(authority: &DemoAuthority, spec: &CrlSpec) -> Crl {
    create_crl(spec, &authority.iaca_certificate, None, &authority.iaca_key).unwrap()
}

fn set_of(point: &str, crl: Crl) -> CrlSet {
    let mut set = CrlSet::new();
    set.insert(point, crl);
    set
}

fn check(
    authority: &DemoAuthority,
    set: &CrlSet,
    policy: CrlPolicy,
    now: OffsetDateTime,
) -> Result<CrlOutcome> {
    check_certificate(
        &authority.ds_certificate,
        &authority.iaca_certificate,
        set,
        &policy,
        now,
        SKEW,
    )
}

/// A tbsCertList of `authority`'s IACA with extra CRL extensions, signed by
/// the IACA key (Ed25519, whose signature needs no DER conversion).
fn custom(
    authority: &DemoAuthority,
    extra: Vec<Extension>,
    entry_extensions: Vec<Extension>,
) -> Vec<u8> {
    let base = crl_of(authority, &CrlSpec::new(1, ISSUED, NEXT));
    let mut tbs = x509_cert::crl::CertificateList::from_der(base.der())
        .unwrap()
        .tbs_cert_list;
    if let Some(extensions) = tbs.crl_extensions.as_mut() {
        extensions.extend(extra);
    }
    if !entry_extensions.is_empty() {
        tbs.revoked_certificates = Some(vec![x509_cert::crl::RevokedCert {
            serial_number: x509_cert::serial_number::SerialNumber::new(&[7]).unwrap(),
            revocation_date: tbs.this_update,
            crl_entry_extensions: Some(entry_extensions),
        }]);
    }
    let tbs: TbsCertList = tbs;
    sign_tbs(tbs, &authority.iaca_key).unwrap()
}

fn extension(oid: &str, critical: bool, value: Vec<u8>) -> Extension {
    Extension {
        extn_id: oid.parse().unwrap(),
        critical,
        extn_value: OctetString::new(value).unwrap(),
    }
}

#[test]
fn created_crls_read_back_for_every_algorithm() {
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        let ua = demo("UA", "Diia Test", alg, i as u64);
        let mut spec = CrlSpec::new(7, ISSUED, NEXT);
        spec.revoke(&[0, 0, 5], ISSUED, Some(RevocationReason::Superseded));
        spec.revoke(
            ua.ds_certificate.serial(),
            ISSUED,
            Some(RevocationReason::KeyCompromise),
        );
        let crl = crl_of(&ua, &spec);
        assert_eq!(crl.issuer_raw(), ua.iaca_certificate.subject_raw());
        assert_eq!(crl.this_update(), ISSUED);
        assert_eq!(crl.next_update(), NEXT);
        assert_eq!(crl.number_u64(), Some(7));
        assert_eq!(crl.revoked().len(), 2);
        assert_eq!(crl.revoked()[0].serial, vec![5]);
        assert_eq!(
            crl.entry_for(ua.ds_certificate.serial()).unwrap().reason,
            Some(RevocationReason::KeyCompromise)
        );
        crl.verify_signed_by(&ua.iaca_certificate).unwrap();
        // Deterministic, and PEM gives the same CRL.
        assert_eq!(crl_of(&ua, &spec), crl);
        assert_eq!(Crl::load(crl.to_pem().as_bytes()).unwrap(), crl);
        assert_eq!(Crl::load(crl.der()).unwrap(), crl);
        // The successor keeps the entries and counts on.
        let next = CrlSpec::successor(&crl, NEXT, NEXT + Duration::days(30));
        assert_eq!((next.number, next.revoked.len()), (8, 2));
    }
}

#[test]
fn revoke_replaces_an_entry_for_the_same_serial() {
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.revoke(&[1, 2], ISSUED, None);
    spec.revoke(&[0, 1, 2], NEXT, Some(RevocationReason::CaCompromise));
    assert_eq!(spec.revoked.len(), 1);
    assert_eq!(spec.revoked[0].reason, Some(RevocationReason::CaCompromise));
}

#[test]
fn creation_refusals() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 1);
    let iaca = &ua.iaca_certificate;
    assert_eq!(
        code(create_crl(
            &CrlSpec::new(1, NEXT, ISSUED),
            iaca,
            None,
            &ua.iaca_key
        )),
        "invalid_argument"
    );
    let mut zero = CrlSpec::new(1, ISSUED, NEXT);
    zero.revoke(&[0], ISSUED, None);
    assert_eq!(
        code(create_crl(&zero, iaca, None, &ua.iaca_key)),
        "invalid_argument"
    );
    assert_eq!(
        code(create_crl(
            &CrlSpec::new(1, ISSUED, NEXT),
            iaca,
            None,
            &ua.ds_key
        )),
        "invalid_key"
    );
}

#[test]
fn a_good_certificate_passes() {
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 2);
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.revoke(&[0x7f, 1], ISSUED, None);
    let set = set_of("https://pki.example/ua.crl", crl_of(&ua, &spec));
    assert_eq!(
        check(&ua, &set, CrlPolicy::fail_closed(), NOW),
        Ok(CrlOutcome::Good)
    );
}

#[test]
fn a_listed_certificate_is_revoked_under_every_policy_even_when_stale() {
    let ua = demo("UA", "Diia Test", Algorithm::Es384, 3);
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.revoke(
        ua.ds_certificate.serial(),
        ISSUED,
        Some(RevocationReason::KeyCompromise),
    );
    let set = set_of("https://pki.example/ua.crl", crl_of(&ua, &spec));
    let lenient = CrlPolicy::fail_closed().allow_unchecked(true);
    for policy in [CrlPolicy::fail_closed(), lenient] {
        for now in [NOW, NEXT + Duration::days(10)] {
            let err = check(&ua, &set, policy, now).unwrap_err();
            assert_eq!(err.code(), "certificate_revoked");
            assert!(err.to_string().contains("keyCompromise"), "{err}");
        }
    }
}

#[test]
fn missing_and_stale_fail_closed_or_pass_unchecked() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 4);
    let lenient = CrlPolicy::fail_closed().allow_unchecked(true);
    let empty = CrlSet::new();
    assert_eq!(
        code(check(&ua, &empty, CrlPolicy::fail_closed(), NOW)),
        "crl_missing"
    );
    assert_eq!(check(&ua, &empty, lenient, NOW), Ok(CrlOutcome::NotChecked));
    let set = set_of(
        "https://pki.example/ua.crl",
        crl_of(&ua, &CrlSpec::new(1, ISSUED, NEXT)),
    );
    let late = NEXT + SKEW + Duration::SECOND;
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), late)),
        "crl_stale"
    );
    assert_eq!(check(&ua, &set, lenient, late), Ok(CrlOutcome::NotChecked));
    // Inside the skew it is still current.
    assert_eq!(
        check(&ua, &set, CrlPolicy::fail_closed(), NEXT + SKEW),
        Ok(CrlOutcome::Good)
    );
    // From the future: refused under every policy.
    let early = ISSUED - SKEW - Duration::SECOND;
    assert_eq!(code(check(&ua, &set, lenient, early)), "crl_not_yet_valid");
}

#[test]
fn another_authoritys_crl() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 5);
    let pl = demo("PL", "mObywatel Test", Algorithm::EdDsa, 6);
    // The demo certificates name no distribution point, so CRLs are matched
    // by issuer: another authority's CRL does not speak for this one.
    let set = set_of(
        "https://pki.example/pl.crl",
        crl_of(&pl, &CrlSpec::new(1, ISSUED, NEXT)),
    );
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_missing"
    );
    // Given under the same name but signed by another key.
    // Given under the same name, but signed by another key: another seed
    // gives an authority with the same names and other keys.
    let other = demo("UA", "Diia Test", Algorithm::EdDsa, 99);
    assert_eq!(
        other.iaca_certificate.subject_raw(),
        ua.iaca_certificate.subject_raw()
    );
    let impostor = crl_of(&other, &CrlSpec::new(1, ISSUED, NEXT));
    let set = set_of("https://pki.example/ua.crl", impostor);
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_signature_invalid"
    );
    // The other authority's CRL checked directly against this IACA.
    assert_eq!(
        code(crl_of(&pl, &CrlSpec::new(1, ISSUED, NEXT)).verify_signed_by(&ua.iaca_certificate)),
        "crl_wrong_issuer"
    );
}

#[test]
fn a_certificate_naming_its_distribution_point_takes_only_that_crl() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 7);
    let pl = demo("PL", "mObywatel Test", Algorithm::EdDsa, 8);
    // A DS certificate with a cRLDistributionPoints extension, made from the
    // demo one by adding the extension and re-signing with the IACA key.
    let point = "https://pki.diia.example/iaca.crl";
    let ds = with_distribution_point(&ua, point);
    assert_eq!(ds.crl_distribution_points(), [point.to_string()]);
    let good = crl_of(&ua, &CrlSpec::new(1, ISSUED, NEXT));
    let run = |set: &CrlSet| {
        check_certificate(
            &ds,
            &ua.iaca_certificate,
            set,
            &CrlPolicy::fail_closed(),
            NOW,
            SKEW,
        )
    };
    assert_eq!(run(&set_of(point, good.clone())), Ok(CrlOutcome::Good));
    // Under another key it does not count.
    assert_eq!(
        code(run(&set_of("https://elsewhere.example/x.crl", good))),
        "crl_missing"
    );
    // Another authority's CRL served from this point.
    let foreign = crl_of(&pl, &CrlSpec::new(1, ISSUED, NEXT));
    assert_eq!(code(run(&set_of(point, foreign))), "crl_wrong_issuer");
}

fn with_distribution_point(authority: &DemoAuthority, point: &str) -> Certificate {
    resigned_ds(authority, Some(point))
}

/// `authority`'s Document Signer certificate with its cRLDistributionPoints
/// replaced by `point` (or removed), re-signed with the IACA key.
fn resigned_ds(authority: &DemoAuthority, point: Option<&str>) -> Certificate {
    use der::asn1::{Any, BitString};
    use x509_cert::ext::pkix::CrlDistributionPoints;
    use x509_cert::ext::pkix::crl::dp::DistributionPoint;
    const CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
    // x509-cert keeps the TBSCertificate fields private (outside its hazmat
    // feature), so the extension is added through the generic DER types:
    // the TBS as a SEQUENCE OF ANY whose last field is [3] { Extensions }.
    let cert = x509_cert::Certificate::from_der(authority.ds_certificate.der()).unwrap();
    let tbs_der = cert.tbs_certificate().to_der().unwrap();
    let mut fields = Vec::<Any>::from_der(&tbs_der).unwrap();
    let tagged = fields.pop().unwrap();
    let mut extensions = Vec::<Extension>::from_der(tagged.value()).unwrap();
    extensions.retain(|e| e.extn_id.to_string() != CRL_DISTRIBUTION_POINTS);
    if let Some(point) = point {
        let points = CrlDistributionPoints(vec![DistributionPoint {
            distribution_point: Some(DistributionPointName::FullName(vec![
                GeneralName::UniformResourceIdentifier(der::asn1::Ia5String::new(point).unwrap()),
            ])),
            reasons: None,
            crl_issuer: None,
        }]);
        extensions.push(extension(
            CRL_DISTRIBUTION_POINTS,
            false,
            points.to_der().unwrap(),
        ));
    }
    fields.push(Any::new(der::Tagged::tag(&tagged), extensions.to_der().unwrap()).unwrap());
    let tbs_der = fields.to_der().unwrap();
    let signature = crate::x509::create::sign_x509(&authority.iaca_key, &tbs_der).unwrap();
    let certificate = vec![
        Any::from_der(&tbs_der).unwrap(),
        Any::encode_from(cert.signature_algorithm()).unwrap(),
        Any::encode_from(&BitString::from_bytes(&signature).unwrap()).unwrap(),
    ];
    let cert = Certificate::from_der(&certificate.to_der().unwrap()).unwrap();
    cert.verify_issued_by(&authority.iaca_certificate).unwrap();
    cert
}

#[test]
fn delta_crls_are_refused() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 9);
    let base_number = x509_cert::ext::pkix::BaseCrlNumber(der::asn1::Uint::new(&[1]).unwrap());
    let der = custom(
        &ua,
        vec![extension("2.5.29.27", true, base_number.to_der().unwrap())],
        vec![],
    );
    assert_eq!(code(Crl::from_der(&der)), "crl_delta_unsupported");
}

#[test]
fn unknown_critical_extensions_are_refused() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 10);
    let unknown = || extension("1.3.6.1.4.1.99999.1", true, vec![0x05, 0x00]);
    assert_eq!(
        code(Crl::from_der(&custom(&ua, vec![unknown()], vec![]))),
        "crl_unknown_critical_extension"
    );
    assert_eq!(
        code(Crl::from_der(&custom(&ua, vec![], vec![unknown()]))),
        "crl_unknown_critical_extension"
    );
    // Not critical: ignored.
    let quiet = extension("1.3.6.1.4.1.99999.1", false, vec![0x05, 0x00]);
    Crl::from_der(&custom(&ua, vec![quiet], vec![])).unwrap();
    // An indirect CRL and one partitioned by reason are not understood.
    for idp in [
        IssuingDistributionPoint {
            indirect_crl: true,
            ..idp_default()
        },
        IssuingDistributionPoint {
            only_some_reasons: Some(x509_cert::ext::pkix::crl::dp::Reasons::KeyCompromise.into()),
            ..idp_default()
        },
    ] {
        let der = custom(
            &ua,
            vec![extension("2.5.29.28", true, idp.to_der().unwrap())],
            vec![],
        );
        assert_eq!(code(Crl::from_der(&der)), "crl_unknown_critical_extension");
    }
}

fn idp_default() -> IssuingDistributionPoint {
    IssuingDistributionPoint {
        distribution_point: None,
        only_contains_user_certs: false,
        only_contains_ca_certs: false,
        only_some_reasons: None,
        indirect_crl: false,
        only_contains_attribute_certs: false,
    }
}

#[test]
fn the_issuing_distribution_point_limits_the_scope() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 11);
    let point = "https://pki.diia.example/ds.crl";
    let ca_only = IssuingDistributionPoint {
        only_contains_ca_certs: true,
        ..idp_default()
    };
    let der = custom(
        &ua,
        vec![extension("2.5.29.28", true, ca_only.to_der().unwrap())],
        vec![],
    );
    let set = set_of(point, Crl::from_der(&der).unwrap());
    // The DS is no CA: the CRL does not speak for it.
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_missing"
    );
    // A CRL that says it is published elsewhere.
    let elsewhere = IssuingDistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::UniformResourceIdentifier(
                der::asn1::Ia5String::new("https://other.example/x.crl").unwrap(),
            ),
        ])),
        only_contains_user_certs: true,
        ..idp_default()
    };
    let der = custom(
        &ua,
        vec![extension("2.5.29.28", true, elsewhere.to_der().unwrap())],
        vec![],
    );
    let crl = Crl::from_der(&der).unwrap();
    assert_eq!(
        crl.scope().distribution_points,
        ["https://other.example/x.crl".to_string()]
    );
    let set = set_of(point, crl);
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_wrong_issuer"
    );
}

#[test]
fn malformed_crls_are_refused() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 12);
    let crl = crl_of(&ua, &CrlSpec::new(1, ISSUED, NEXT));
    assert_eq!(code(Crl::from_der(b"not a crl")), "crl_malformed");
    let mut trailing = crl.der().to_vec();
    trailing.push(0);
    assert_eq!(code(Crl::from_der(&trailing)), "crl_malformed");
    assert_eq!(
        code(Crl::from_der(&vec![0x30; MAX_CRL_BYTES + 1])),
        "crl_malformed"
    );
    assert_eq!(
        code(Crl::load(
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        )),
        "crl_malformed"
    );
    assert_eq!(code(Crl::load(ua.iaca_certificate.der())), "crl_malformed");
    // Every truncation is refused without a panic.
    for len in 0..crl.der().len() {
        assert_eq!(
            code(Crl::from_der(&crl.der()[..len])),
            "crl_malformed",
            "{len}"
        );
    }
}

#[test]
fn a_flipped_signature_bit_is_refused() {
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 13);
    let crl = crl_of(&ua, &CrlSpec::new(1, ISSUED, NEXT));
    let mut der = crl.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let set = set_of("https://pki.example/ua.crl", Crl::from_der(&der).unwrap());
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_signature_invalid"
    );
}

#[test]
fn a_crl_signer_certified_by_the_iaca_may_sign() {
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 14);
    let signer_key = SoftwareKey::generate(Algorithm::Es256, &mut ChaCha20Rng::seed_from_u64(15));
    // Same name as the IACA, another key, cRLSign (the IACA profile has it).
    let spec = CertificateSpec {
        common_name: "Diia Test IACA".into(),
        country: "UA".into(),
        organization: Some("Diia Test".into()),
        serial: 4242,
        not_before: FROM,
        not_after: UNTIL,
        issuer_contact: None,
        crl_uri: None,
    };
    let signer_cert = create_issued(
        &spec,
        CertificateProfile::Iaca,
        &signer_key.public_key(),
        &ua.iaca_certificate,
        &ua.iaca_key,
    )
    .unwrap();
    assert_eq!(signer_cert.subject_raw(), ua.iaca_certificate.subject_raw());
    let crl = create_crl(
        &CrlSpec::new(1, ISSUED, NEXT),
        &ua.iaca_certificate,
        Some(&signer_cert),
        &signer_key,
    )
    .unwrap();
    let mut set = set_of("https://pki.example/ua.crl", crl);
    // Without the signer certificate the IACA key does not verify it.
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_signature_invalid"
    );
    set.add_crl_signer(signer_cert);
    assert_eq!(
        check(&ua, &set, CrlPolicy::fail_closed(), NOW),
        Ok(CrlOutcome::Good)
    );
    // The same key certified without cRLSign does not count.
    let no_crl_sign = create_issued(
        &spec,
        CertificateProfile::TrustListSigner,
        &signer_key.public_key(),
        &ua.iaca_certificate,
        &ua.iaca_key,
    )
    .unwrap();
    let crl = set.iter().next().unwrap().1.clone();
    let mut set = set_of("https://pki.example/ua.crl", crl);
    set.add_crl_signer(no_crl_sign);
    assert_eq!(
        code(check(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_signature_invalid"
    );
}

#[test]
fn every_flipped_byte_is_refused_or_read_without_a_panic() {
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 16);
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.revoke(&[1, 2, 3], ISSUED, Some(RevocationReason::KeyCompromise));
    let crl = crl_of(&ua, &spec);
    let set_for = |crl: Crl| set_of("https://pki.example/ua.crl", crl);
    for at in 0..crl.der().len() {
        for bit in [0x01u8, 0x80] {
            let mut der = crl.der().to_vec();
            der[at] ^= bit;
            // Either refused while reading, or refused by the check (the
            // signature covers every byte but the signature's own), never
            // a panic and never a pass with other content.
            if let Ok(flipped) = Crl::from_der(&der) {
                let outcome = check(&ua, &set_for(flipped), CrlPolicy::fail_closed(), NOW);
                assert!(outcome.is_err(), "byte {at} bit {bit:#x}: {outcome:?}");
            }
        }
    }
}

#[test]
fn a_twenty_thousand_entry_crl_is_read() {
    let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 17);
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.revoked = (1u32..=20_000)
        .map(|n| RevokedEntry {
            serial: n.to_be_bytes().to_vec(),
            revocation_date: ISSUED,
            reason: Some(RevocationReason::Superseded),
        })
        .collect();
    let crl = crl_of(&ua, &spec);
    let started = std::time::Instant::now();
    let read = Crl::from_der(crl.der()).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(read.revoked().len(), 20_000);
    assert!(read.entry_for(&20_000u32.to_be_bytes()).is_some());
    assert!(crl.der().len() < MAX_CRL_BYTES);
    eprintln!(
        "20,000-entry CRL: {} bytes, read in {elapsed:?}",
        crl.der().len()
    );
}

#[test]
fn a_crl_names_the_point_it_is_published_at() {
    let ua = demo("UA", "Diia Test", Algorithm::Es256, 18);
    let point = "https://pki.diia.example/ds-1.crl";
    let spec = CrlSpec {
        issuing_distribution_point: Some(point.into()),
        ..CrlSpec::new(1, ISSUED, NEXT)
    };
    let crl = crl_of(&ua, &spec);
    assert_eq!(crl.scope().distribution_points, [point.to_string()]);
    assert_eq!(
        CrlSpec::successor(&crl, ISSUED, NEXT)
            .issuing_distribution_point
            .as_deref(),
        Some(point)
    );
    assert_eq!(
        check(
            &ua,
            &set_of(point, crl.clone()),
            CrlPolicy::fail_closed(),
            NOW
        ),
        Ok(CrlOutcome::Good)
    );
    // Served from another point: refused.
    assert_eq!(
        code(check(
            &ua,
            &set_of("https://pki.diia.example/ds-2.crl", crl),
            CrlPolicy::fail_closed(),
            NOW
        )),
        "crl_wrong_issuer"
    );
}
