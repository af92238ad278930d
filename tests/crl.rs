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

use common::{certificate_spec, poland, ukraine};

const ISSUED: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const NEXT: OffsetDateTime = datetime!(2026-12-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
/// The CRL distribution point the Ukrainian demo certificates name
/// (`docbridge::trust::demo::example_uris("UA", "Diia")`).
const POINT: &str = "https://diia.ua.example/crl";

fn code<T: std::fmt::Debug>(r: docbridge::Result<T>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

/// A CRL number 1, valid from `ISSUED` to `NEXT`, that `issuer` signs with
/// `key`; when `revoked` is given it lists that serial, revoked at `ISSUED`
/// for the reason given.
fn crl_signed(
    issuer: &docbridge::Certificate,
    key: &dyn docbridge::Signer,
    revoked: Option<(&[u8], Option<RevocationReason>)>,
) -> Crl {
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    if let Some((serial, reason)) = revoked {
        spec.revoke(serial, ISSUED, reason);
    }
    create_crl(&spec, issuer, None, key).unwrap()
}

/// An empty CRL (see [`crl_signed`]) of `authority`'s IACA.
fn empty_crl_of(authority: &docbridge::DemoAuthority) -> Crl {
    crl_signed(&authority.iaca_certificate, &authority.iaca_key, None)
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
        spec.issuing_distribution_point = Some(POINT.into());
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
        assert!(
            text.contains("X509v3 Issuing Distribution Point: critical"),
            "{text}"
        );
        assert!(text.contains(&format!("URI:{POINT}")), "{text}");
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
    assert_eq!(docbridge::trust::demo::example_uris("UA", "Diia").1, POINT);
    assert_eq!(ua.ds_certificate.crl_distribution_points(), [POINT]);
    let set = set_of(crl_signed(
        &ua.iaca_certificate,
        &ua.iaca_key,
        Some((
            ua.ds_certificate.serial(),
            Some(RevocationReason::KeyCompromise),
        )),
    ));
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
    // Only another authority's CRL is at hand, from its own point.
    let mut set = CrlSet::new();
    set.insert(
        docbridge::trust::demo::example_uris("PL", "mObywatel").1,
        empty_crl_of(&pl),
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
    let set = set_of(empty_crl_of(&ua));
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
    let polish = empty_crl_of(&pl);
    assert_eq!(
        code(polish.verify_signed_by(&ua.iaca_certificate)),
        "crl_wrong_issuer"
    );
}

#[test]
fn crl_signature_invalid() {
    let ua = ukraine(Algorithm::Es256, 317);
    let crl = empty_crl_of(&ua);
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
    let crl = empty_crl_of(&ua);
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
    let crl = empty_crl_of(&ua);
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

/// A root (IACA profile, so it may sign CRLs) and a certificate of
/// `profile` it issued, both of `country`, from `seed`.
fn root_and_leaf(
    country: &str,
    name: &str,
    profile: docbridge::x509::CertificateProfile,
    seed: u64,
) -> (
    docbridge::Certificate,
    docbridge::SoftwareKey,
    docbridge::Certificate,
    docbridge::SoftwareKey,
) {
    use docbridge::x509::{CertificateProfile, create_issued, create_self_signed};
    let mut rng = common::rng(seed);
    let root_key = docbridge::SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let leaf_key = docbridge::SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    let root = create_self_signed(
        &certificate_spec(country, &format!("{name} root"), 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let leaf = create_issued(
        &certificate_spec(country, &format!("{name} leaf"), 77),
        profile,
        &docbridge::Signer::public_key(&leaf_key),
        &root,
        &root_key,
    )
    .unwrap();
    (root, root_key, leaf, leaf_key)
}

fn crl_by(
    root: &docbridge::Certificate,
    key: &docbridge::SoftwareKey,
    revoked: Option<&[u8]>,
) -> CrlSet {
    set_of(crl_signed(
        root,
        key,
        revoked.map(|serial| (serial, Some(RevocationReason::KeyCompromise))),
    ))
}

#[test]
fn a_revoked_trust_list_operator_refuses_its_list() {
    use docbridge::trust::list::{SignedTrustList, TrustList};
    let (root, root_key, signer, key) = root_and_leaf(
        "UA",
        "UA trust list",
        docbridge::x509::CertificateProfile::TrustListSigner,
        330,
    );
    let ua = ukraine(Algorithm::EdDsa, 331);
    let bytes = TrustList::new("UA", 1, ISSUED, NEXT, vec![ua.authority.clone()])
        .unwrap()
        .sign(&key, std::slice::from_ref(&signer))
        .unwrap()
        .as_bytes()
        .to_vec();
    let roots = std::slice::from_ref(&root);
    let verified = SignedTrustList::from_slice(&bytes)
        .unwrap()
        .verify(roots, NOW)
        .unwrap();
    let strict = CrlPolicy::fail_closed();
    let check = |set: &CrlSet, policy: &CrlPolicy| {
        verified
            .check_revocation(roots, set, policy, NOW)
            .map_err(|e| e.code())
    };
    assert_eq!(
        check(&crl_by(&root, &root_key, None), &strict),
        Ok(CrlOutcome::Good)
    );
    assert_eq!(
        check(&crl_by(&root, &root_key, Some(signer.serial())), &strict),
        Err("certificate_revoked")
    );
    assert_eq!(check(&CrlSet::new(), &strict), Err("crl_missing"));
    assert_eq!(
        check(&CrlSet::new(), &strict.allow_unchecked(true)),
        Ok(CrlOutcome::NotChecked)
    );
}

#[test]
fn a_revoked_reader_certificate_is_refused_on_the_holder_side() {
    use docbridge::request::{DeviceRequest, ItemsRequest};
    use docbridge::x509::crl::check_chain;
    let (root, root_key, reader, reader_key) = root_and_leaf(
        "PL",
        "Police reader",
        docbridge::x509::CertificateProfile::ReaderAuthentication,
        340,
    );
    let transcript = docbridge::transcript::backend_nonce("a police reader", &[7; 16]).unwrap();
    let request = DeviceRequest::build(
        &[ItemsRequest::new("org.iso.18013.5.1.mDL").element(
            "org.iso.18013.5.1",
            "family_name",
            false,
        )],
        Some((&reader_key, std::slice::from_ref(&reader))),
        &transcript,
    )
    .unwrap();
    let roots = std::slice::from_ref(&root);
    // The holder checks the reader, then its certificate against the root's CRL.
    let authenticated = request.doc_requests()[0]
        .verify_reader(roots, &transcript, NOW)
        .unwrap();
    let check = |set: &CrlSet| {
        check_chain(
            std::slice::from_ref(&authenticated),
            roots,
            set,
            &CrlPolicy::fail_closed(),
            NOW,
            Duration::minutes(5),
        )
        .map_err(|e| e.code())
    };
    assert_eq!(check(&crl_by(&root, &root_key, None)), Ok(CrlOutcome::Good));
    assert_eq!(
        check(&crl_by(&root, &root_key, Some(reader.serial()))),
        Err("certificate_revoked")
    );
}

#[test]
fn chains_are_checked_certificate_by_certificate() {
    use docbridge::x509::crl::check_chain;
    use docbridge::x509::{CertificateProfile, create_issued};
    // root -> intermediate CA -> leaf: the intermediate is checked against
    // the root's CRL, the leaf against the intermediate's.
    let (root, root_key, _, _) =
        root_and_leaf("UA", "Chain", CertificateProfile::TrustListSigner, 350);
    let mut rng = common::rng(351);
    let intermediate_key = docbridge::SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    let leaf_key = docbridge::SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    let intermediate = create_issued(
        &certificate_spec("UA", "intermediate", 5),
        CertificateProfile::Iaca,
        &docbridge::Signer::public_key(&intermediate_key),
        &root,
        &root_key,
    )
    .unwrap();
    let leaf = create_issued(
        &certificate_spec("UA", "leaf", 6),
        CertificateProfile::TrustListSigner,
        &docbridge::Signer::public_key(&leaf_key),
        &intermediate,
        &intermediate_key,
    )
    .unwrap();
    let chain = [leaf.clone(), intermediate.clone(), root.clone()];
    let anchors = std::slice::from_ref(&root);
    let check = |chain: &[docbridge::Certificate], set: &CrlSet| {
        check_chain(
            chain,
            anchors,
            set,
            &CrlPolicy::fail_closed(),
            NOW,
            Duration::ZERO,
        )
        .map_err(|e| e.code())
    };
    let both = |root_revokes: Option<&[u8]>, intermediate_revokes: Option<&[u8]>| {
        let mut set = CrlSet::new();
        set.insert(
            "https://root.example/crl",
            crl_signed(&root, &root_key, root_revokes.map(|serial| (serial, None))),
        );
        set.insert(
            "https://intermediate.example/crl",
            crl_signed(
                &intermediate,
                &intermediate_key,
                intermediate_revokes.map(|serial| (serial, None)),
            ),
        );
        check(&chain, &set)
    };
    assert_eq!(both(None, None), Ok(CrlOutcome::Good));
    assert_eq!(
        both(Some(intermediate.serial()), None),
        Err("certificate_revoked")
    );
    assert_eq!(both(None, Some(leaf.serial())), Err("certificate_revoked"));
    // The leaf's serial on the root's CRL says nothing about the leaf.
    assert_eq!(both(Some(leaf.serial()), None), Ok(CrlOutcome::Good));
    // Without the intermediate's CRL the chain is not fully checked.
    let mut only_root = CrlSet::new();
    only_root.insert(
        "https://root.example/crl",
        crl_signed(&root, &root_key, None),
    );
    assert_eq!(check(&chain, &only_root), Err("crl_missing"));
    assert_eq!(check(&[], &only_root), Err("x5chain_missing"));
}

#[test]
fn the_verifier_checks_the_document_signer_when_asked() {
    use docbridge::documents::samples;
    use docbridge::{Issuer, VerifyOptions};
    let ua = ukraine(Algorithm::Es256, 360);
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &common::device_key(Algorithm::Es256, 360),
            &common::validity(),
            &mut common::rng(360),
        )
        .unwrap()
        .to_vec()
        .unwrap();
    let verifier = common::verifier(&[&ua]);
    let good = crl_by(&ua.iaca_certificate, &ua.iaca_key, None);
    let revoked = crl_by(
        &ua.iaca_certificate,
        &ua.iaca_key,
        Some(ua.ds_certificate.serial()),
    );
    let outcome = |verifier: &docbridge::Verifier, crls: Option<&CrlSet>| {
        let mut options = VerifyOptions::at(NOW);
        if let Some(crls) = crls {
            options = options.crls(crls);
        }
        verifier
            .verify(&document, &options)
            .map(|v| v.certificate_revocation())
            .map_err(|e| e.code())
    };
    // Off unless asked for.
    assert_eq!(outcome(&verifier, None), Ok(CrlOutcome::Disabled));
    // CRLs given: checked, failing closed.
    assert_eq!(outcome(&verifier, Some(&good)), Ok(CrlOutcome::Good));
    assert_eq!(
        outcome(&verifier, Some(&revoked)),
        Err("certificate_revoked")
    );
    assert_eq!(outcome(&verifier, Some(&CrlSet::new())), Err("crl_missing"));
    // A backend turns the check on for every verification.
    let backend = verifier.clone().with_crl_policy(CrlPolicy::fail_closed());
    assert_eq!(outcome(&backend, None), Err("crl_missing"));
    assert_eq!(outcome(&backend, Some(&good)), Ok(CrlOutcome::Good));
    // An offline phone lets an unchecked Document Signer pass, and says so,
    // but never a revoked one.
    let phone = verifier
        .clone()
        .with_crl_policy(CrlPolicy::fail_closed().allow_unchecked(true));
    assert_eq!(outcome(&phone, None), Ok(CrlOutcome::NotChecked));
    assert_eq!(outcome(&phone, Some(&revoked)), Err("certificate_revoked"));
    // The JSON result says which.
    #[cfg(feature = "serde")]
    {
        let verified = phone.verify(&document, &VerifyOptions::at(NOW));
        let json = serde_json::to_value(docbridge::report::Report::document(&verified)).unwrap();
        assert_eq!(json["certificateRevocation"], "not_checked");
    }
}

#[test]
fn a_crl_signer_certified_by_the_iaca_signs_its_crls_and_can_issue_nothing() {
    use docbridge::x509::create_crl_signer;
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        let ua = ukraine(alg, 500 + i as u64);
        let signer_key = docbridge::SoftwareKey::generate(alg, &mut common::rng(510 + i as u64));
        let signer = create_crl_signer(
            7,
            common::CERT_FROM,
            common::CERT_UNTIL,
            &docbridge::Signer::public_key(&signer_key),
            &ua.iaca_certificate,
            &ua.iaca_key,
        )
        .unwrap();
        // The authority's own name, another key; cRLSign and nothing else.
        assert_eq!(signer.subject_raw(), ua.iaca_certificate.subject_raw());
        assert_eq!(signer.issuer_raw(), ua.iaca_certificate.subject_raw());
        assert!(!signer.is_ca());
        let usage = signer.key_usage().unwrap();
        assert!(usage.crl_sign && !usage.key_cert_sign && !usage.digital_signature);
        assert_eq!(
            signer.crl_distribution_points(),
            ua.iaca_certificate.crl_distribution_points()
        );

        let mut spec = CrlSpec::new(2, ISSUED, NEXT);
        spec.issuing_distribution_point = Some(POINT.into());
        spec.revoke(
            ua.ds_certificate.serial(),
            ISSUED,
            Some(RevocationReason::KeyCompromise),
        );
        let crl = create_crl(&spec, &ua.iaca_certificate, Some(&signer), &signer_key).unwrap();
        let mut set = set_of(crl.clone());
        // Without the signer certificate, nothing vouches for the CRL.
        assert_eq!(
            code(check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW)),
            "crl_signature_invalid",
            "{alg:?}"
        );
        set.add_crl_signer(signer.clone());
        assert_eq!(
            code(check_ds(&ua, &set, CrlPolicy::fail_closed(), NOW)),
            "certificate_revoked",
            "{alg:?}"
        );

        if openssl_present() {
            let dir = scratch(&format!("signer-{}", alg.name()));
            std::fs::write(dir.join("signer.pem"), signer.to_pem()).unwrap();
            std::fs::write(dir.join("crl.pem"), crl.to_pem()).unwrap();
            let out = Command::new("openssl")
                .args([
                    "crl",
                    "-in",
                    "crl.pem",
                    "-CAfile",
                    "signer.pem",
                    "-noout",
                    "-verify",
                ])
                .current_dir(&dir)
                .output()
                .unwrap();
            let said = String::from_utf8_lossy(&out.stderr).to_string()
                + &String::from_utf8_lossy(&out.stdout);
            assert!(said.contains("verify OK"), "{alg:?}: {said}");
        }
    }
}
