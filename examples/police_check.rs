//! A Polish police officer checks a Ukrainian driving licence held in a
//! wallet app.
//!
//! The officer's reader asks for the holder's name, portrait and driving
//! privileges, signing its request with a reader certificate. The holder's
//! app shows who asks (the reader, and the root that vouched for it) and
//! what, the holder approves part of it, and the app discloses exactly the
//! approved elements and signs the session transcript with the device key. The officer's verifier confirms
//! the issuer and the holder binding; the same response replayed in another
//! session is refused.
//!
//! Run with `cargo run --example police_check` (seeded RNG, fixed time).

use docbridge::VerifyOptions;
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::samples;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    AcceptancePolicy, Algorithm, Consent, DemoAuthority, DeviceRequest, DrivingLicence, Issuer,
    ItemsRequest, ReaderRoot, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo, Verifier,
    Wallet, cbor, transcript,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;

fn main() -> Result<(), docbridge::Error> {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let now = datetime!(2026-11-29 15:30:00 UTC);
    let (from, until) = (
        datetime!(2026-01-01 0:00 UTC),
        datetime!(2031-01-01 0:00 UTC),
    );

    // Ukraine issues the licence to the holder's device key.
    let diia = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::EdDsa,
        &[DrivingLicence::DOC_TYPE],
        from,
        until,
        &mut rng,
    )?;
    let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let licence = Issuer::new(&diia.ds_key, &diia.ds_certificate)?.issue_document(
        &samples::driving_licence_ua(),
        &device_key.public_key(),
        &ValidityInfo::new(
            datetime!(2026-11-01 0:00 UTC),
            datetime!(2027-11-01 0:00 UTC),
        ),
        &mut rng,
    )?;

    // The Polish police operate a reader root; each handheld reader has a
    // reader-authentication certificate under it.
    let reader_root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let reader_root = x509::create_self_signed(
        &spec("Policja Reader Root", 1, from, until),
        CertificateProfile::Iaca,
        &reader_root_key,
    )?;
    let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let reader_cert = x509::create_issued(
        &spec("Policja Reader 0042", 42, from, until),
        CertificateProfile::ReaderAuthentication,
        &reader_key.public_key(),
        &reader_root,
        &reader_root_key,
    )?;

    // Engagement: the phone shows a QR code with its ephemeral key; the
    // reader answers with its own. Both sides now hold the same transcript.
    let e_device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let e_reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let device_engagement = cbor::encode(&Value::Map(vec![
        (Value::from(0), Value::Text("1.0".into())),
        (
            Value::from(1),
            Value::Array(vec![
                Value::from(1),
                cbor::tag24_of(&e_device_key.public_key().to_cose_key_value()?)?.0,
            ]),
        ),
    ]))?;
    let session =
        transcript::proximity_for_key(&device_engagement, &e_reader_key.public_key(), Value::Null)?;

    // The officer asks for name, portrait and driving privileges only.
    let ns = DrivingLicence::NAMESPACE;
    let wanted = ItemsRequest::new(DrivingLicence::DOC_TYPE)
        .element(ns, "family_name", false)
        .element(ns, "given_name", false)
        .element(ns, "family_name_national_character", false)
        .element(ns, "given_name_national_character", false)
        .element(ns, "portrait", false)
        .element(ns, "driving_privileges", false);
    let request = DeviceRequest::build(
        &[wanted],
        Some((&reader_key, std::slice::from_ref(&reader_cert))),
        &session,
    )?;
    println!(
        "Reader asks for: family/given name (Latin and national), portrait, driving privileges"
    );

    // The holder's app, phase one: read the request. The reader is shown
    // with the root that vouched for it, under the label the app gave it.
    let mut wallet = Wallet::new(vec![licence.clone()]);
    let reader_roots = [ReaderRoot::new("police", reader_root.clone())];
    let prepared = wallet.prepare(
        &DeviceRequest::from_slice(&request.to_vec()?)?,
        &session,
        &reader_roots,
        now,
    )?;
    let asked = &prepared.requests()[0];
    match asked.reader().identity() {
        Some(reader) => println!(
            "Holder sees reader {:?}, vouched for by its {:?} root",
            reader.certificate.subject(),
            reader.root_label
        ),
        None => println!("Holder sees an unauthenticated reader"),
    }
    for element in asked.elements() {
        println!(
            "  asks for {}{}{}",
            element.element,
            if element.intent_to_retain {
                " (to keep)"
            } else {
                ""
            },
            if element.available {
                ""
            } else {
                " (not in the licence)"
            }
        );
    }

    // Phase two: the holder approves all but the national-alphabet names.
    let mut consent = Consent::none();
    for element in asked.elements() {
        if !element.element.ends_with("_national_character") {
            consent = consent.approve(asked.doc_type(), &element.namespace, &element.element);
        }
    }
    let presentation = wallet.approve(&prepared, &consent, &[&device_key])?;
    let response = presentation.response.to_vec()?;
    println!(
        "Holder discloses {} of {} elements ({} bytes sent)",
        presentation.response.documents[0]
            .issuer_signed()
            .name_spaces()[0]
            .1
            .len(),
        licence.name_spaces()[0].1.len(),
        response.len()
    );

    // The officer's verifier: trusts the Ukrainian authority, uses its own transcript.
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities([diia.authority.clone()])?,
        AcceptancePolicy::none().accept("UA", DrivingLicence::DOC_TYPE),
    );
    let verified = verifier
        .verify_response(&response, &VerifyOptions::at(now).transcript(&session))?
        .into_first()?;
    println!(
        "\nVERIFIED {} from {} (issuer {}), holder bound: {}",
        verified.doc_type(),
        verified.issuing_country(),
        verified.authority_name(),
        verified.holder_bound()
    );
    for (element, value) in &verified.elements()[ns] {
        let shown = match value {
            Value::Text(t) => t.clone(),
            Value::Bytes(b) => format!("<{} bytes>", b.len()),
            Value::Array(a) => format!("<{} entries>", a.len()),
            other => format!("{other:?}"),
        };
        println!("  {element}: {shown}");
    }

    // Someone recorded the response and replays it in a new session.
    let other_session = transcript::proximity_for_key(
        &device_engagement,
        &SoftwareKey::generate(Algorithm::Es256, &mut rng).public_key(),
        Value::Null,
    )?;
    match verifier
        .verify_response(
            &response,
            &VerifyOptions::at(now).transcript(&other_session),
        )?
        .into_first()
    {
        Ok(_) => println!("\nUNEXPECTED: the replayed response verified"),
        Err(e) => println!("\nReplayed in another session: REFUSED {} ({e})", e.code()),
    }
    Ok(())
}

fn spec(
    name: &str,
    serial: u64,
    not_before: time::OffsetDateTime,
    not_after: time::OffsetDateTime,
) -> CertificateSpec {
    CertificateSpec {
        common_name: name.into(),
        country: "PL".into(),
        organization: Some("Policja".into()),
        serial,
        not_before,
        not_after,
    }
}
