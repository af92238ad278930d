//! The JSON shape of `docbridge::report` (format `docbridge-verification/1`),
//! compared byte for byte with the committed files in `tests/golden/`.
//!
//! Everything is deterministic (seeded keys and salts, RFC 6979 ECDSA), so
//! a difference is a change of the shape or of what the library reports.
//! After an intended change, regenerate with
//! `DOCBRIDGE_UPDATE_GOLDEN=1 cargo test --test report_json` and say so in
//! the commit.
#![cfg(feature = "serde")]

mod common;

use std::path::PathBuf;

use common::{MDL_NS, NOW, certificate_spec, licence_holder, rng, ukraine, verifier};
use docbridge::report::Report;
use docbridge::x509::{self, CertificateProfile};
use docbridge::{
    Algorithm, Consent, DeviceRequest, DrivingLicence, HolderPolicy, ItemsRequest, ResidencePermit,
    SignedTrustList, Signer, SoftwareKey, TrustList, VerifyOptions, Wallet,
    holder::ReportUnreturned, transcript,
};
use time::Duration;

/// Compares `report` (pretty-printed, with a final newline) with
/// `tests/golden/<name>.json`, or writes it when asked to.
fn golden(name: &str, report: &Report<'_>) {
    let mut json = serde_json::to_string_pretty(report).unwrap();
    json.push('\n');
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "golden", name]
        .iter()
        .collect::<PathBuf>()
        .with_extension("json");
    if std::env::var_os("DOCBRIDGE_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &json).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (DOCBRIDGE_UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    assert!(
        json == expected,
        "{name}: the report differs from {}:\n{json}",
        path.display()
    );
}

#[test]
fn a_verified_issuer_signed_document() {
    let ua = ukraine(Algorithm::Es256, 1);
    let (_, licence) = licence_holder(&ua, 2);
    let outcome = verifier(&[&ua]).verify(&licence, &VerifyOptions::at(NOW));
    let report = Report::document(&outcome);
    assert!(report.is_valid());
    golden("document_valid", &report);

    let late = verifier(&[&ua]).verify(&licence, &VerifyOptions::at(NOW + Duration::days(400)));
    let report = Report::document(&late);
    assert!(!report.is_valid());
    golden("document_refused", &report);
}

#[test]
fn a_verified_device_response_with_a_document_error() {
    let ua = ukraine(Algorithm::Es256, 1);
    let (device, licence) = licence_holder(&ua, 2);
    let session = transcript::backend_nonce("report golden test", &[9; 16]).unwrap();
    let request = DeviceRequest::build(
        &[
            ItemsRequest::new(DrivingLicence::DOC_TYPE)
                .element(MDL_NS, "family_name", false)
                .element(MDL_NS, "eye_colour", false),
            ItemsRequest::new(ResidencePermit::DOC_TYPE).element(
                ResidencePermit::NAMESPACE,
                "family_name",
                false,
            ),
        ],
        None,
        &session,
    )
    .unwrap();
    // A holder that names unreturned documents to every reader, so the
    // response carries a document error.
    let mut wallet = Wallet::new(vec![licence]).with_policy(HolderPolicy {
        report_unreturned: ReportUnreturned::Always,
        ..HolderPolicy::default()
    });
    let prepared = wallet.prepare(&request, &session, &[], NOW).unwrap();
    let presentation = wallet
        .approve(&prepared, &Consent::all(&prepared), &[&device])
        .unwrap();
    let outcome = verifier(&[&ua]).verify_response(
        &presentation.response.to_vec().unwrap(),
        &VerifyOptions::at(NOW).transcript(&session),
    );
    golden("response", &Report::response(&outcome));
}

#[test]
fn a_verified_trust_list() {
    let ua = ukraine(Algorithm::Es256, 1);
    let mut rng = rng(4);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let spec = |name: &str, serial: u64| certificate_spec("UA", name, serial);
    let root = x509::create_self_signed(
        &spec("UA Trust List Root", 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let signer = x509::create_issued(
        &spec("UA Trust List Signer", 2),
        CertificateProfile::TrustListSigner,
        &key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    let list = TrustList::new(
        "UA",
        3,
        NOW - Duration::days(1),
        NOW + Duration::days(30),
        vec![ua.authority.clone()],
    )
    .unwrap()
    .sign(&key, std::slice::from_ref(&signer))
    .unwrap();
    let outcome = SignedTrustList::from_slice(list.as_bytes())
        .unwrap()
        .verify(&[root], NOW);
    golden("trust_list", &Report::trust_list(&outcome));
}
