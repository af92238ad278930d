//! Certificate revocation lists: the crate's CRLs read by an independent
//! tool (OpenSSL), every refusal code through the public API, and the
//! fail-closed and allow-unchecked policies.

mod common;

use std::path::PathBuf;
use std::process::Command;

use docbridge::Algorithm;
use docbridge::x509::crl::{
    Crl, CrlOutcome, CrlPolicy, CrlSet, CrlSpec, RevocationReason, check_certificate, create_crl,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use common::{poland, ukraine};

const ISSUED: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const NEXT: OffsetDateTime = datetime!(2026-12-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
const POINT: &str = "https://pki.diia.example/iaca.crl";

fn code<T: std::fmt::Debug>(r: docbridge::Result<T>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

fn set_of(crl: Crl) -> CrlSet {
    let mut set = CrlSet::new();
    set.insert(POINT, crl);
    set
}

fn check_ds(
    authority: &docbridge::DemoAuthority,
    set: &CrlSet,
    policy: CrlPolicy,
    now: OffsetDateTime,
) -> docbridge::Result<CrlOutcome> {
    check_certificate(
        &authority.ds_certificate,
        &authority.iaca_certificate,
        set,
        &policy,
        now,
        Duration::minutes(5),
    )
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docbridge-crl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn openssl_present() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn openssl_verifies_the_crates_crls_against_the_iaca() {
    if !openssl_present() {
        eprintln!("notice: openssl is not installed; the independent CRL check is skipped");
        return;
    }
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        let ua = ukraine(alg, 300 + i as u64);
        let mut spec = CrlSpec::new(3, ISSUED, NEXT);
        spec.revoke(
            ua.ds_certificate.serial(),
            ISSUED,
            Some(RevocationReason::KeyCompromise),
        );
        let crl = create_crl(&spec, &ua.iaca_certificate, None, &ua.iaca_key).unwrap();
        let dir = scratch(alg.name());
        std::fs::write(dir.join("iaca.pem"), ua.iaca_certificate.to_pem()).unwrap();
        std::fs::write(dir.join("crl.pem"), crl.to_pem()).unwrap();
        std::fs::write(dir.join("crl.der"), crl.der()).unwrap();
        let out = Command::new("openssl")
            .args([
                "crl", "-in", "crl.pem", "-CAfile", "iaca.pem", "-noout", "-verify",
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{alg:?}: {said}");
        assert!(said.contains("verify OK"), "{alg:?}: {said}");
        // OpenSSL reads the DER form, the entry, its reason and the number.
        let out = Command::new("openssl")
            .args(["crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text"])
            .current_dir(&dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        let serial: String = ua
            .ds_certificate
            .serial()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert!(text.contains(&format!("Serial Number: {serial}")), "{text}");
        assert!(text.contains("Key Compromise"), "{text}");
        assert!(
            text.contains("X509v3 CRL Number: \n                3"),
            "{text}"
        );
        // Another authority's IACA does not verify it.
        let pl = poland(alg, 400 + i as u64);
        std::fs::write(dir.join("pl.pem"), pl.iaca_certificate.to_pem()).unwrap();
        let out = Command::new("openssl")
            .args([
                "crl", "-in", "crl.pem", "-CAfile", "pl.pem", "-noout", "-verify",
            ])
            .current_dir(&dir)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        assert!(!said.contains("verify OK"), "{alg:?}: {said}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn certificate_revoked() {
    let ua = ukraine(Algorithm::EdDsa, 310);
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.revoke(
        ua.ds_certificate.serial(),
        ISSUED,
        Some(RevocationReason::KeyCompromise),
    );
    let set = set_of(create_crl(&spec, &ua.iaca_certificate, None, &ua.iaca_key).unwrap());
    let err = check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW).unwrap_err();
    assert_eq!(err.code(), "certificate_revoked");
    assert!(err.to_string().contains("keyCompromise"), "{err}");
    // The offline policy does not let a revoked certificate through.
    let lenient = CrlPolicy::fail_closed().allow_unchecked(true);
    assert_eq!(
        code(check_ds(&ua, &set, lenient, NOW)),
        "certificate_revoked"
    );
}

#[test]
fn crl_missing_fails_closed_or_passes_unchecked() {
    let ua = ukraine(Algorithm::Es256, 311);
    let pl = poland(Algorithm::Es256, 312);
    // Only another authority's CRL is at hand.
    let set = set_of(
        create_crl(
            &CrlSpec::new(1, ISSUED, NEXT),
            &pl.iaca_certificate,
            None,
            &pl.iaca_key,
        )
        .unwrap(),
    );
    assert_eq!(
        code(check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_missing"
    );
    let lenient = CrlPolicy::fail_closed().allow_unchecked(true);
    assert_eq!(
        check_ds(&ua, &set, lenient, NOW),
        Ok(CrlOutcome::NotChecked)
    );
    assert_eq!(
        check_ds(&ua, &CrlSet::new(), lenient, NOW),
        Ok(CrlOutcome::NotChecked)
    );
}

#[test]
fn crl_stale_fails_closed_or_passes_unchecked() {
    let ua = ukraine(Algorithm::Es384, 313);
    let set = set_of(
        create_crl(
            &CrlSpec::new(1, ISSUED, NEXT),
            &ua.iaca_certificate,
            None,
            &ua.iaca_key,
        )
        .unwrap(),
    );
    assert_eq!(
        check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW),
        Ok(CrlOutcome::Good)
    );
    let later = NEXT + Duration::days(1);
    assert_eq!(
        code(check_ds(&ua, &set, CrlPolicy::fail_closed(), later)),
        "crl_stale"
    );
    let lenient = CrlPolicy::fail_closed().allow_unchecked(true);
    assert_eq!(
        check_ds(&ua, &set, lenient, later),
        Ok(CrlOutcome::NotChecked)
    );
}

#[test]
fn crl_not_yet_valid() {
    let ua = ukraine(Algorithm::EdDsa, 314);
    let set = set_of(
        create_crl(
            &CrlSpec::new(1, NOW + Duration::days(1), NEXT),
            &ua.iaca_certificate,
            None,
            &ua.iaca_key,
        )
        .unwrap(),
    );
    assert_eq!(
        code(check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_not_yet_valid"
    );
}

#[test]
fn crl_wrong_issuer() {
    let ua = ukraine(Algorithm::EdDsa, 315);
    let pl = poland(Algorithm::EdDsa, 316);
    let polish = create_crl(
        &CrlSpec::new(1, ISSUED, NEXT),
        &pl.iaca_certificate,
        None,
        &pl.iaca_key,
    )
    .unwrap();
    assert_eq!(
        code(polish.verify_signed_by(&ua.iaca_certificate)),
        "crl_wrong_issuer"
    );
}

#[test]
fn crl_signature_invalid() {
    let ua = ukraine(Algorithm::Es256, 317);
    let crl = create_crl(
        &CrlSpec::new(1, ISSUED, NEXT),
        &ua.iaca_certificate,
        None,
        &ua.iaca_key,
    )
    .unwrap();
    let mut der = crl.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let set = set_of(Crl::from_der(&der).unwrap());
    assert_eq!(
        code(check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW)),
        "crl_signature_invalid"
    );
}

#[test]
fn crl_malformed() {
    assert_eq!(code(Crl::load(b"")), "crl_malformed");
    assert_eq!(code(Crl::load(b"\x30\x03\x02\x01\x01")), "crl_malformed");
    let ua = ukraine(Algorithm::EdDsa, 318);
    // A certificate is no CRL.
    assert_eq!(
        code(Crl::load(ua.iaca_certificate.to_pem().as_bytes())),
        "crl_malformed"
    );
    assert_eq!(
        code(CrlSet::new().insert_bytes(POINT, ua.iaca_certificate.der())),
        "crl_malformed"
    );
}

/// The crate's CRL with its cRLNumber extension (OID 2.5.29.20) renamed to
/// 2.5.29.`oid_last`; the signature no longer verifies, but the refusal
/// comes from reading, before any signature is checked.
fn with_renamed_crl_number(oid_last: u8) -> Vec<u8> {
    let ua = ukraine(Algorithm::EdDsa, 319);
    let crl = create_crl(
        &CrlSpec::new(1, ISSUED, NEXT),
        &ua.iaca_certificate,
        None,
        &ua.iaca_key,
    )
    .unwrap();
    let mut der = crl.der().to_vec();
    let oid = [0x06, 0x03, 0x55, 0x1d, 0x14];
    let at = common::find_unique(&der, &oid);
    der[at + 4] = oid_last;
    der
}

#[test]
fn crl_delta_unsupported() {
    // deltaCRLIndicator (2.5.29.27) is refused whatever its criticality.
    assert_eq!(
        code(Crl::from_der(&with_renamed_crl_number(0x1b))),
        "crl_delta_unsupported"
    );
}

#[test]
fn crl_unknown_critical_extension() {
    // The crate's CRL plus a critical private extension, through the
    // x509-cert types (the signature no longer verifies; reading refuses
    // the CRL before any signature is checked).
    use der::{Decode, Encode};
    use x509_cert::ext::Extension;
    let ua = ukraine(Algorithm::EdDsa, 320);
    let crl = create_crl(
        &CrlSpec::new(1, ISSUED, NEXT),
        &ua.iaca_certificate,
        None,
        &ua.iaca_key,
    )
    .unwrap();
    let mut list: x509_cert::crl::CertificateList =
        x509_cert::crl::CertificateList::from_der(crl.der()).unwrap();
    if let Some(extensions) = list.tbs_cert_list.crl_extensions.as_mut() {
        extensions.push(Extension {
            extn_id: "1.3.6.1.4.1.99999.7".parse().unwrap(),
            critical: true,
            extn_value: der::asn1::OctetString::new(vec![0x05, 0x00]).unwrap(),
        });
    }
    assert_eq!(
        code(Crl::from_der(&list.to_der().unwrap())),
        "crl_unknown_critical_extension"
    );
}
