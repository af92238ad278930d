//! The cross-border flow, end to end.
//!
//! Diia (Ukraine, Ed25519) issues a driving licence, a vehicle registration
//! certificate and a residence permit to a Ukrainian living in Poland; the
//! Polish verifier (mObywatel's backend) checks them against the issuing
//! authorities it trusts. Then documents that must not pass are refused,
//! each with its error code: a tampered one, an untrusted one, one outside
//! its authority's scope, and, through Diia's status list, a licence
//! withdrawn in Ukraine (`revoked`) and a suspended residence permit
//! (`suspended`), and, through Diia's certificate revocation list, a
//! licence signed by a compromised Document Signer (`certificate_revoked`).
//!
//! Run with `cargo run --example cross_border`. The RNG is seeded and `now`
//! is fixed, so every run prints the same thing.

use docbridge::VerifyOptions;
use docbridge::documents::{Claims, samples};
use docbridge::status::StatusBits;
use docbridge::x509::crl::{CrlSet, CrlSpec, RevocationReason, create_crl};
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, Issuer, ManagedStatusList, Signer, SoftwareKey,
    StatusValue, TrustedAuthorities, ValidityInfo, VehicleRegistration, VerifiedDocument, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::Duration;
use time::macros::datetime;

/// The three document types the cross-border agreement covers.
const ALL_TYPES: [&str; 3] = docbridge::trust::CROSS_BORDER_DOC_TYPES;

fn main() -> Result<(), docbridge::Error> {
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let now = datetime!(2026-11-29 12:00:00 UTC);
    let (certs_from, certs_until) = (
        datetime!(2026-01-01 0:00 UTC),
        datetime!(2031-01-01 0:00 UTC),
    );

    // Two countries' issuing authorities, each with an IACA root and a
    // Document Signer. Diia may issue all three document types; the Polish
    // vehicle registry may issue vehicle registrations only.
    let diia = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::EdDsa,
        &ALL_TYPES,
        certs_from,
        certs_until,
        &mut rng,
    )?;
    let cepik = DemoAuthority::generate(
        "PL",
        "Centralna Ewidencja Pojazdów",
        Algorithm::Es256,
        &[VehicleRegistration::DOC_TYPE],
        certs_from,
        certs_until,
        &mut rng,
    )?;
    println!("Issuing authorities");
    for a in [&diia, &cepik] {
        println!(
            "  {} {:<30} IACA {:?} ({}), may issue {}",
            a.authority.country(),
            a.authority.name(),
            a.iaca_certificate.subject(),
            a.iaca_key.algorithm(),
            a.authority
                .doc_types()
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    // The holder's phone makes a device key; Diia binds each document to it.
    let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let validity = ValidityInfo::new(
        datetime!(2026-10-30 9:00 UTC),
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2027-11-01 0:00 UTC),
    );
    let diia_issuer = Issuer::new(&diia.ds_key, &diia.ds_certificate)?;
    let licence = diia_issuer.issue_document(
        &samples::driving_licence_ua(),
        &device_key.public_key(),
        &validity,
        &mut rng,
    )?;
    let registration = diia_issuer.issue_document(
        &samples::vehicle_registration_ua(),
        &device_key.public_key(),
        &validity,
        &mut rng,
    )?;
    let permit = diia_issuer.issue_document(
        &samples::residence_permit_ua(),
        &device_key.public_key(),
        &validity,
        &mut rng,
    )?;

    // The Polish verifier trusts both countries' authorities and accepts
    // Ukrainian licences, registrations and permits, and Polish documents.
    let trusted =
        TrustedAuthorities::from_authorities([diia.authority.clone(), cepik.authority.clone()])?;
    let policy = ALL_TYPES
        .iter()
        .fold(AcceptancePolicy::none(), |p, t| p.accept("UA", t))
        .accept_country("PL");
    let verifier = Verifier::new(trusted, policy);

    // A Polish vehicle registration, for comparison: the same verifier, the
    // Polish authority.
    let polish_registration = Issuer::new(&cepik.ds_key, &cepik.ds_certificate)?.issue_document(
        &samples::vehicle_registration_pl(),
        &device_key.public_key(),
        &validity,
        &mut rng,
    )?;

    println!("\nPolish verifier, at {}", now.date());
    for (what, document) in [
        ("driving licence", &licence),
        ("vehicle registration", &registration),
        ("residence permit", &permit),
        ("Polish vehicle registration", &polish_registration),
    ] {
        let bytes = document.to_vec()?;
        let verified = verifier.verify(&bytes, &VerifyOptions::at(now))?;
        println!("  VALID {what} ({} bytes)", bytes.len());
        print_verified(&verified);
    }

    println!("\nRefused, as they must be");
    // 1. A tampered document: one letter of the family name changed in transit.
    let mut tampered = licence.to_vec()?;
    replace_once(&mut tampered, b"Shevchenko", b"Shevchenka");
    report(
        "tampered driving licence",
        verifier.verify(&tampered, &VerifyOptions::at(now)),
    );

    // 2. A document from an authority the verifier does not trust.
    let rogue = DemoAuthority::generate(
        "UA",
        "Unlisted Office",
        Algorithm::EdDsa,
        &ALL_TYPES,
        certs_from,
        certs_until,
        &mut rng,
    )?;
    let forged = Issuer::new(&rogue.ds_key, &rogue.ds_certificate)?.issue_document(
        &samples::driving_licence_ua(),
        &device_key.public_key(),
        &validity,
        &mut rng,
    )?;
    report(
        "licence from an untrusted authority",
        verifier.verify(&forged.to_vec()?, &VerifyOptions::at(now)),
    );

    // 3. A doc type the authority may not issue: the vehicle registry signs a
    //    driving licence.
    let overreach = Issuer::new(&cepik.ds_key, &cepik.ds_certificate)?.issue_document(
        &samples::driving_licence_pl(),
        &device_key.public_key(),
        &validity,
        &mut rng,
    )?;
    report(
        "licence signed by the vehicle registry",
        verifier.verify(&overreach.to_vec()?, &VerifyOptions::at(now)),
    );

    // 4. and 5. Revocation and suspension. Diia keeps a status list (two
    //    bits per document, indexes drawn at random so they reveal no
    //    issuance order) and writes each document's index into its MSO. It
    //    withdraws one licence and suspends one residence permit, then
    //    publishes a Status List Token signed by its Document Signer; the
    //    app fetches the token from the list's URI and hands it over.
    let mut status_list = ManagedStatusList::new(
        "https://status.diia.gov.ua/lists/1",
        StatusBits::Two,
        100_000,
    )?;
    let holder_key = device_key.public_key();
    let reference = status_list.allocate(&mut rng)?;
    let listed_licence = diia_issuer.with_status_list(reference).issue_document(
        &samples::driving_licence_ua(),
        &holder_key,
        &validity,
        &mut rng,
    )?;
    let reference = status_list.allocate(&mut rng)?;
    status_list.set(reference.idx, StatusValue::Invalid)?;
    let withdrawn_licence = diia_issuer.with_status_list(reference).issue_document(
        &samples::driving_licence_ua(),
        &holder_key,
        &validity,
        &mut rng,
    )?;
    let reference = status_list.allocate(&mut rng)?;
    status_list.set(reference.idx, StatusValue::Suspended)?;
    let suspended_permit = diia_issuer.with_status_list(reference).issue_document(
        &samples::residence_permit_ua(),
        &holder_key,
        &validity,
        &mut rng,
    )?;
    let token = status_list
        .token(
            now - Duration::hours(1),
            now + Duration::days(1),
            Some(3600),
        )?
        .sign(&diia.ds_key, std::slice::from_ref(&diia.ds_certificate))?;
    let listed = verifier.verify(
        &listed_licence,
        &VerifyOptions::at(now).status_token(&token),
    )?;
    println!(
        "  (for comparison: a listed licence with the same token verifies, status {})",
        listed.status().name()
    );
    report(
        "licence withdrawn in Ukraine",
        verifier.verify(
            &withdrawn_licence,
            &VerifyOptions::at(now).status_token(&token),
        ),
    );
    report(
        "suspended residence permit",
        verifier.verify(
            &suspended_permit,
            &VerifyOptions::at(now).status_token(&token),
        ),
    );
    report(
        "listed licence without its status token",
        verifier.verify(&listed_licence, &VerifyOptions::at(now)),
    );

    // 6. A Document Signer key compromised. Diia signed some licences with a
    //    second Document Signer whose key later leaked; its IACA revokes
    //    that certificate in its CRL (RFC 5280, reason keyCompromise). The
    //    app fetches the CRL from the IACA's distribution point and hands it
    //    over: every document that signer made is refused, the others pass.
    let second_key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    // The demo authority's certificates name its example contact and CRL
    // distribution point; the second signer names the same ones.
    let (contact, crl_point) = docbridge::trust::demo::example_uris("UA", "Diia");
    let second_signer = x509::create_issued(
        &CertificateSpec {
            common_name: "Diia Document Signer 2".into(),
            country: "UA".into(),
            organization: Some("Diia".into()),
            serial: 2,
            not_before: certs_from,
            not_after: certs_until,
            issuer_contact: Some(contact),
            crl_uri: Some(crl_point.clone()),
        },
        CertificateProfile::DocumentSigner,
        &second_key.public_key(),
        &diia.iaca_certificate,
        &diia.iaca_key,
    )?;
    let compromised_licence = Issuer::new(&second_key, &second_signer)?.issue_document(
        &samples::driving_licence_ua(),
        &holder_key,
        &validity,
        &mut rng,
    )?;
    let mut crl = CrlSpec::new(1, now - Duration::days(1), now + Duration::days(7));
    crl.revoke(
        second_signer.serial(),
        now - Duration::days(1),
        Some(RevocationReason::KeyCompromise),
    );
    let mut crls = CrlSet::new();
    crls.insert(
        crl_point,
        create_crl(&crl, &diia.iaca_certificate, None, &diia.iaca_key)?,
    );
    let with_crls = VerifyOptions::at(now).crls(&crls);
    let unaffected = verifier.verify(&licence.to_vec()?, &with_crls)?;
    println!(
        "  (for comparison: a licence of the first Document Signer verifies, CRL check {})",
        unaffected.certificate_revocation().name()
    );
    report(
        "licence signed by a compromised Document Signer",
        verifier.verify(&compromised_licence, &with_crls),
    );
    Ok(())
}

fn print_verified(doc: &VerifiedDocument) {
    println!(
        "    {} from {}, issued by {} (signer {:?}), valid until {}",
        doc.doc_type(),
        doc.issuing_country(),
        doc.authority_name(),
        doc.document_signer(),
        doc.validity().valid_until.date()
    );
    match doc.claims() {
        Claims::DrivingLicence(l) => {
            println!(
                "    holder {} {} / {} {}, born {}",
                text(&l.given_name),
                text(&l.family_name),
                text(&l.given_name_national_character),
                text(&l.family_name_national_character),
                opt(&l.birth_date)
            );
            let categories: Vec<String> = l
                .driving_privileges
                .iter()
                .flatten()
                .map(|p| p.vehicle_category_code.clone())
                .collect();
            println!(
                "    licence {} (categories {}), expires {}, lives in {}",
                text(&l.document_number),
                categories.join(", "),
                opt(&l.expiry_date),
                text(&l.resident_city)
            );
        }
        Claims::VehicleRegistration(v) => {
            let info = v.basic_vehicle_info.clone().unwrap_or_default();
            let holder = v.vehicle_holder.clone().unwrap_or_default();
            println!(
                "    {} {} {}, VIN {}, registered {}",
                text(&v.registration_number),
                text(&info.make),
                text(&info.commercial_name),
                text(&v.vehicle_identification_number),
                opt(&v.date_of_registration)
            );
            println!(
                "    holder {} {}, {}",
                text(&holder.given_name),
                text(&holder.family_name),
                text(&holder.resident_city)
            );
        }
        Claims::ResidencePermit(p) => {
            println!(
                "    holder {} {} / {} {}, nationality {}",
                text(&p.given_name),
                text(&p.family_name),
                text(&p.given_name_national_character),
                text(&p.family_name_national_character),
                text(&p.nationality)
            );
            println!(
                "    permit {} ({}), expires {}, issued by {}",
                text(&p.document_number),
                p.permit_type.as_ref().map(|t| t.as_str()).unwrap_or("-"),
                opt(&p.expiry_date),
                text(&p.issuing_authority)
            );
        }
        Claims::Other => println!("    (no typed model for this doc type)"),
    }
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or("-")
}

fn opt<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "-".into())
}

fn report(what: &str, outcome: Result<VerifiedDocument, docbridge::Error>) {
    match outcome {
        Ok(doc) => println!("  UNEXPECTED: {what} verified as {}", doc.doc_type()),
        Err(e) => println!("  REFUSED {what}: {} ({e})", e.code()),
    }
}

fn replace_once(haystack: &mut [u8], needle: &[u8], replacement: &[u8]) {
    if let Some(at) = haystack.windows(needle.len()).position(|w| w == needle) {
        haystack[at..at + replacement.len()].copy_from_slice(replacement);
    }
}
