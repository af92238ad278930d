//! The README's Rust snippets, compiled and run.
//!
//! Each snippet is copied here verbatim into a function that first builds
//! what the README's prose assumes (an authority, a licence, a reader); the
//! last test checks that every ```rust block of README.md appears in this
//! file line for line, so the README cannot drift from code that compiles.
//! (Rustdoc's hidden `# ` lines would do the same but show up on every
//! page that renders the README.) `#[rustfmt::skip]` keeps the copies as
//! the README has them.

// The README writes a one-certificate chain as `&[cert.clone()]`, which
// reads more plainly than `std::slice::from_ref(&cert)`.
#![allow(clippy::cloned_ref_to_slice_refs)]

mod common;

use common::*;
use docbridge::documents::samples;
use docbridge::issuer::BatchCopy;
use docbridge::status::{BatchStatus, FileStatusListStore, StatusListStore};
use docbridge::x509::crl::{
    CrlPolicy, CrlSet, CrlSpec, RevocationReason, check_certificate, create_crl,
};
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    Consent, DeviceRequest, DrivingLicence, IdentifierList, IdentifierListReference,
    IdentifierListToken, Issuer, ItemsRequest, ManagedStatusList, ReaderRoot, Signer, SoftwareKey,
    StatusBits, StatusValue, VerifyOptions, Wallet, transcript,
};
use time::Duration;

/// The first README snippet, as a function returning the README's `?`
/// errors.
#[rustfmt::skip]
fn issue_and_verify() -> docbridge::Result<docbridge::VerifiedDocument> {
    use docbridge::{
        AcceptancePolicy, Algorithm, DemoAuthority, DrivingLicence, Issuer, Signer, SoftwareKey,
        TrustedAuthorities, ValidityInfo, Verifier, VerifyOptions, documents::samples,
    };
    use time::macros::datetime;

    let mut rng = docbridge::rng::system();
    // A demo Ukrainian authority: IACA and Document Signer keys and certificates.
    let ukraine = DemoAuthority::generate(
        "UA", "Diia", Algorithm::EdDsa, &[DrivingLicence::DOC_TYPE],
        datetime!(2026-01-01 0:00 UTC), datetime!(2031-01-01 0:00 UTC), &mut rng,
    )?;
    let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng); // the holder's phone

    // Issue: salted digests, MSO, COSE_Sign1 by the DS key (any `Signer`: HSM, KMS, ...).
    let issuer = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?;
    let document = issuer.issue_document(
        &samples::driving_licence_ua(),             // a typed DrivingLicence
        &device_key.public_key(),
        // Signed now (the issuer's clock), valid from the first of next month.
        &ValidityInfo::new(
            datetime!(2026-10-30 9:00 UTC),
            datetime!(2026-11-01 0:00 UTC),
            datetime!(2027-11-01 0:00 UTC),
        ),
        &mut rng,
    )?;
    let bytes = document.to_vec()?;                 // IssuerSigned, CBOR

    // Verify in Poland: trusted Ukrainian authority, acceptance policy, `now` passed in.
    let trusted = TrustedAuthorities::from_authorities([ukraine.authority.clone()])?;
    let verifier = Verifier::new(trusted, AcceptancePolicy::accept_all());
    let options = VerifyOptions::at(datetime!(2026-11-29 12:00 UTC)); // + doc type, transcript, status tokens
    let verified = verifier.verify(&bytes, &options)?;
    println!("{} from {}", verified.doc_type(), verified.issuing_country());
    Ok(verified)
}

#[test]
fn issuing_and_verifying() {
    let verified = issue_and_verify().unwrap();
    assert_eq!(verified.doc_type(), DrivingLicence::DOC_TYPE);
    assert_eq!(verified.issuing_country(), "UA");
}

/// A police reader: a root and a reader-authentication certificate under it.
fn police() -> (SoftwareKey, docbridge::Certificate, docbridge::Certificate) {
    let spec = |name: &str, serial| CertificateSpec {
        common_name: name.into(),
        country: "PL".into(),
        organization: Some("Policja".into()),
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    };
    let mut rng = rng(0x2ead);
    let root_key = SoftwareKey::generate(docbridge::Algorithm::Es256, &mut rng);
    let root = x509::create_self_signed(
        &spec("Policja Root", 1),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let key = SoftwareKey::generate(docbridge::Algorithm::Es256, &mut rng);
    let cert = x509::create_issued(
        &spec("Policja Reader", 2),
        CertificateProfile::ReaderAuthentication,
        &key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    (key, cert, root)
}

/// The presentation snippet, after the setup the README's prose describes.
#[rustfmt::skip]
fn present_with_consent() -> docbridge::Result<docbridge::VerifiedDocument> {
    let ukraine = ukraine(docbridge::Algorithm::Es256, 0x2eae);
    let verifier = verifier(&[&ukraine]);
    let device_key = SoftwareKey::generate(docbridge::Algorithm::Es256, &mut rng(0x2eaf));
    let licence = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?.issue_document(
        &samples::driving_licence_ua(),
        &device_key.public_key(),
        &validity(),
        &mut rng(0x2eb0),
    )?;
    let (reader_key, reader_cert, police_reader_root) = police();
    let session_transcript_bytes = transcript::backend_nonce("police check", &[9; 32])?;
    let now = NOW;

    // Reader: ask for three elements, signed with the reader key.
    let request = DeviceRequest::build(
        &[ItemsRequest::new(DrivingLicence::DOC_TYPE)
            .element("org.iso.18013.5.1", "family_name", false)
            .element("org.iso.18013.5.1", "portrait", true)       // intentToRetain
            .element("org.iso.18013.5.1", "driving_privileges", false)],
        Some((&reader_key, &[reader_cert])),
        &session_transcript_bytes,
    )?;
    // Holder, phase one: who asks, for what.
    let mut wallet = Wallet::new(vec![licence]);
    let roots = [ReaderRoot::new("police", police_reader_root)];
    let prepared = wallet.prepare(&request, &session_transcript_bytes, &roots, now)?;
    let asked = &prepared.requests()[0];
    assert_eq!(asked.reader().identity().map(|r| r.root_label.as_str()), Some("police"));
    // Phase two: the holder keeps the portrait to itself.
    let consent = Consent::none()
        .approve(DrivingLicence::DOC_TYPE, "org.iso.18013.5.1", "family_name")
        .approve(DrivingLicence::DOC_TYPE, "org.iso.18013.5.1", "driving_privileges");
    let presentation = wallet.approve(&prepared, &consent, &[&device_key])?;
    // Verifier: issuer checks, then device authentication against its transcript.
    let options = VerifyOptions::at(now).transcript(&session_transcript_bytes);
    let verified = verifier
        .verify_response(&presentation.response.to_vec()?, &options)?
        .into_doc_type(DrivingLicence::DOC_TYPE)?;
    assert!(verified.holder_bound());
    Ok(verified)
}

#[test]
fn presenting_with_consent() {
    let verified = present_with_consent().unwrap();
    let disclosed: Vec<&String> = verified.elements()[MDL_NS].keys().collect();
    assert_eq!(disclosed, ["driving_privileges", "family_name"]);
}

/// The status-list snippet; its last line is refused with `revoked`.
#[rustfmt::skip]
fn withdraw_by_status_list() -> docbridge::Result<()> {
    let ukraine = ukraine(docbridge::Algorithm::Es256, 0x2eb1);
    let verifier = verifier(&[&ukraine]);
    let issuer = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?;
    let (licence, device, validity, now) =
        (samples::driving_licence_ua(), device_key(docbridge::Algorithm::Es256, 0x2eb2), validity(), NOW);
    let mut rng = rng(0x2eb3);

    let mut list = ManagedStatusList::new("https://status.diia.gov.ua/lists/1", StatusBits::Two, 1_000_000)?;
    let reference = list.allocate(&mut rng)?;                       // random unused index
    let document = issuer.with_status_list(reference.clone()).issue_document(&licence, &device, &validity, &mut rng)?;
    list.set(reference.idx, StatusValue::Invalid)?;                 // withdrawn
    let token = list.token(now, now + Duration::days(1), Some(3600))?
        .sign(&ukraine.ds_key, &[ukraine.ds_certificate.clone()])?;
    // In Poland: refused with `revoked` (or `suspended`).
    verifier.verify(&document, &VerifyOptions::at(now).status_token(&token))?;
    Ok(())
}

#[test]
fn withdrawing_through_a_status_list() {
    assert_eq!(withdraw_by_status_list().unwrap_err().code(), "revoked");
}

/// The batch-revocation snippet, after issuing a batch of three copies,
/// each with its own status index and identifier, into a list kept in a
/// file store.
#[rustfmt::skip]
fn revoke_a_batch() -> docbridge::Result<(ManagedStatusList, IdentifierList, Vec<u64>)> {
    let ukraine = ukraine(docbridge::Algorithm::EdDsa, 0x2eb8);
    let issuer = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?;
    let dir = std::env::temp_dir().join(format!("docbridge-readme-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| docbridge::Error::Io(e.to_string()))?;
    let list = ManagedStatusList::new("https://status.diia.gov.ua/lists/1", StatusBits::Two, 16_384)?;
    let store = FileStatusListStore::create(dir.join("list.json"), &list)?;
    let mut draw = rng(0x2eb9);
    let mut copies = Vec::new();
    for i in 0..3u8 {
        let reference = store.update(|list| list.allocate(&mut draw))?;
        copies.push(
            BatchCopy::new(device_key(docbridge::Algorithm::Es256, 0x2eba + u64::from(i)))
                .with_status_list(reference)
                .with_identifier_list(IdentifierListReference::new([0x42, i], "https://status.diia.gov.ua/ids/1")?),
        );
    }
    issuer.issue_batch(&samples::driving_licence_ua(), &copies, &validity(), &mut draw)?;
    let mut identifier_list = IdentifierList::new();

    let group = BatchStatus::of_copies(&copies);                        // kept beside the batch
    store.update(|list| group.set_status(list, StatusValue::Invalid))?; // every copy, one locked write
    group.revoke_identifiers(&mut identifier_list, "https://status.diia.gov.ua/ids/1")?;

    let indexes = copies.iter().filter_map(|c| c.status_list.as_ref()).map(|r| r.idx).collect();
    let stored = store.load()?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok((stored, identifier_list, indexes))
}

#[test]
fn revoking_a_batch_in_one_call() {
    let (list, identifiers, indexes) = revoke_a_batch().unwrap();
    assert_eq!(indexes.len(), 3);
    for idx in indexes {
        assert_eq!(list.get(idx).unwrap(), StatusValue::Invalid);
    }
    for i in 0..3u8 {
        assert!(identifiers.contains(&[0x42, i]));
    }
}

/// The identifier-list snippet, then the check the prose describes.
#[rustfmt::skip]
fn withdraw_by_identifier_list() -> docbridge::Result<docbridge::VerifiedDocument> {
    let ukraine = ukraine(docbridge::Algorithm::Es256, 0x2eb4);
    let verifier = verifier(&[&ukraine]);
    let issuer = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?;
    let (licence, device, validity, now) =
        (samples::driving_licence_ua(), device_key(docbridge::Algorithm::Es256, 0x2eb5), validity(), NOW);
    let mut rng = rng(0x2eb6);
    let id_bytes = [0x5a, 0x01];

    let reference = IdentifierListReference::new(id_bytes, "https://status.diia.gov.ua/ids/1")?;
    let document = issuer.with_identifier_list(reference).issue_document(&licence, &device, &validity, &mut rng)?;
    let mut list = IdentifierList::new();
    list.insert(id_bytes)?;                                             // withdrawn
    let token = IdentifierListToken::new("https://status.diia.gov.ua/ids/1", list, now, now + Duration::days(1))?
        .sign(&ukraine.ds_key, &[ukraine.ds_certificate.clone()])?;

    verifier.verify(&document, &VerifyOptions::at(now).identifier_list_token(&token))
}

#[test]
fn withdrawing_through_an_identifier_list() {
    assert_eq!(withdraw_by_identifier_list().unwrap_err().code(), "revoked");
}

/// The CRL snippet: the demo Document Signer names its distribution point,
/// under which the app keys the CRL it fetched.
#[rustfmt::skip]
fn revoke_a_document_signer() -> docbridge::Result<()> {
    let ukraine = ukraine(docbridge::Algorithm::Es256, 0x2eb7);
    let (ds, iaca) = (ukraine.ds_certificate.clone(), ukraine.iaca_certificate.clone());
    let (this_update, next_update, now) = (NOW - Duration::days(1), NOW + Duration::days(6), NOW);
    let compromised_at = NOW - Duration::days(2);

    let mut spec = CrlSpec::new(1, this_update, next_update);
    spec.revoke(ukraine.ds_certificate.serial(), compromised_at, Some(RevocationReason::KeyCompromise));
    let crl = create_crl(&spec, &ukraine.iaca_certificate, None, &ukraine.iaca_key)?;
    let mut crls = CrlSet::new();
    crls.insert("https://diia.ua.example/crl", crl);               // keyed by distribution point
    check_certificate(&ds, &iaca, &crls, &CrlPolicy::fail_closed(), now, Duration::minutes(5))?; // certificate_revoked
    Ok(())
}

#[test]
fn revoking_a_document_signer() {
    assert_eq!(
        revoke_a_document_signer().unwrap_err().code(),
        "certificate_revoked"
    );
}

/// The lines of a text with their surrounding whitespace removed, blank
/// lines dropped.
fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn every_rust_snippet_of_the_readme_is_compiled_here() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let here = lines(include_str!("readme_snippets.rs"));
    let mut blocks = 0;
    for block in readme.split("```rust\n").skip(1) {
        let code = block.split("\n```").next().unwrap_or_default();
        let wanted = lines(code);
        blocks += 1;
        assert!(
            here.windows(wanted.len()).any(|w| w == wanted.as_slice()),
            "README snippet {blocks} is not in tests/readme_snippets.rs as written:\n{code}"
        );
    }
    assert_eq!(blocks, 6, "one function here per README snippet");
}
