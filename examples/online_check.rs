//! A Polish car-rental website checks a Ukrainian driving licence online.
//!
//! The website asks the browser, through the W3C Digital Credentials API
//! (`org-iso-mdoc`, ISO/IEC TS 18013-7 Annex C), for the holder's name,
//! driving privileges and `age_over_18`. The wallet app answers with a
//! DeviceResponse encrypted to the website's one-time key; the website's
//! backend decrypts it and verifies issuer and holder binding. The same
//! answer given to a site relaying the request (another origin), and an
//! answer encrypted to another request's key, are refused: both fail to
//! open (`response_decryption_failed`), since the origin is part of the
//! HPKE `info` and the AEAD cannot tell which input differs.
//! Then the same check runs over OpenID4VP 1.0 with `direct_post.jwt`.
//!
//! The wallet answers as an app does: it prepares what the request asks
//! for (the consent screen's content), the holder approves part of it (the
//! name and `age_over_18`, not the driving privileges), and only what was
//! approved is disclosed; the website verifies exactly those elements.
//!
//! Run with `cargo run --example online_check` (seeded RNG, fixed time).

use docbridge::dcapi::{IsoMdocVerifierRequest, IsoMdocWalletRequest};
use docbridge::documents::samples;
use docbridge::oid4vp::dcql::CredentialQuery;
use docbridge::oid4vp::{DcqlQuery, ResponseMode, VerifierRequest, WalletRequest};
use docbridge::{
    AcceptancePolicy, Algorithm, Consent, DemoAuthority, DrivingLicence, Issuer, ItemsRequest,
    PreparedPresentation, ReaderStatus, Signer as _, SoftwareKey, TrustedAuthorities, ValidityInfo,
    VerifiedDocument, Verifier, VerifyOptions, Wallet,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

const WEBSITE: &str = "https://wynajem.example.pl";
const NAMESPACE: &str = "org.iso.18013.5.1";

fn main() -> Result<(), docbridge::Error> {
    let mut rng = ChaCha20Rng::seed_from_u64(14);
    let now = datetime!(2026-11-29 15:30:00 UTC);

    // Ukraine issues the licence to the holder's device key.
    let diia = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[DrivingLicence::DOC_TYPE],
        datetime!(2026-01-01 0:00 UTC),
        datetime!(2031-01-01 0:00 UTC),
        &mut rng,
    )?;
    let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let licence = Issuer::new(&diia.ds_key, &diia.ds_certificate)?.issue_document(
        &samples::driving_licence_ua(),
        &device_key.public_key(),
        &ValidityInfo::new(
            datetime!(2026-11-01 0:00 UTC),
            datetime!(2026-11-01 0:00 UTC),
            datetime!(2027-11-01 0:00 UTC),
        ),
        &mut rng,
    )?;
    let wallet = Wallet::new(vec![licence]);

    // The rental company's backend trusts the Ukrainian authority and
    // accepts what Polish rules accept.
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities([diia.authority.clone()])?,
        AcceptancePolicy::polish_default(),
    );

    println!("== Digital Credentials API, org-iso-mdoc");
    let items = [ItemsRequest::new(DrivingLicence::DOC_TYPE)
        .element(NAMESPACE, "family_name", false)
        .element(NAMESPACE, "driving_privileges", false)
        .element(NAMESPACE, "age_over_18", false)];
    let request = IsoMdocVerifierRequest::new(WEBSITE, &items, None, &mut rng)?;
    let request_json = request.request_json()?;
    println!(
        "website asks: {} bytes of JSON for navigator.credentials.get",
        request_json.to_string().len()
    );

    // The browser hands the wallet the request and the website's origin;
    // the holder approves the name and age, not the driving privileges.
    let answer = |origin: &str, json: &serde_json::Value, rng: &mut ChaCha20Rng| {
        let seen = IsoMdocWalletRequest::from_json(json, origin)?;
        let mut wallet = wallet.clone();
        // An unsigned request: no reader roots to check it against.
        let prepared = wallet.prepare(
            seen.device_request(),
            seen.session_transcript_bytes(),
            &[],
            now,
        )?;
        show_consent_screen(&prepared);
        let presentation = wallet.approve(&prepared, &holder_consent(), &[&device_key])?;
        seen.respond(&presentation.response.to_vec()?, rng)
    };
    let response = answer(WEBSITE, &request_json, &mut rng)?;
    let bytes = request.open_response(&response)?;
    let verified = verify(&verifier, &bytes, request.session_transcript_bytes(), now)?;
    report(&verified)?;

    // A site that relays the website's request gets an answer bound to its
    // own origin; the website cannot open it.
    let relayed = answer("https://wynajem-example.com", &request_json, &mut rng)?;
    refused(
        "answer given to another origin",
        request.open_response(&relayed),
    )?;
    // An answer to another request (another key and nonce).
    let other = IsoMdocVerifierRequest::new(WEBSITE, &items, None, &mut rng)?;
    let to_other = answer(WEBSITE, &other.request_json()?, &mut rng)?;
    refused(
        "answer encrypted to another key",
        request.open_response(&to_other),
    )?;

    println!("== OpenID4VP 1.0, direct_post.jwt");
    let query = DcqlQuery {
        credentials: vec![
            CredentialQuery::mdoc("licence", DrivingLicence::DOC_TYPE)
                .claim("name", NAMESPACE, "family_name", false)
                .claim("privileges", NAMESPACE, "driving_privileges", false)
                .claim("adult", NAMESPACE, "age_over_18", false),
        ],
        credential_sets: Vec::new(),
    };
    let request = VerifierRequest::new(
        Some("x509_san_dns:wynajem.example.pl"),
        ResponseMode::DirectPost {
            response_uri: format!("{WEBSITE}/oid4vp/response"),
        },
        query,
        true,
        &mut rng,
    )?;
    let params = wallet_answers_oid4vp(
        &mut wallet.clone(),
        &device_key,
        &request.to_json(),
        now,
        &mut rng,
    )?;
    let token = request.read_response(&params)?;
    for responses in token.presentations.values() {
        for bytes in responses {
            report(&verify(
                &verifier,
                bytes,
                &request.session_transcript_bytes()?,
                now,
            )?)?;
        }
    }
    Ok(())
}

/// What the consent screen lists: each document asked for and the
/// elements the wallet could disclose from it.
fn show_consent_screen(prepared: &PreparedPresentation) {
    for request in prepared.requests() {
        let elements: Vec<&str> = request
            .elements()
            .iter()
            .map(|e| e.element.as_str())
            .collect();
        println!(
            "consent screen: {} asks for {} ({:?})",
            reader_name(request.reader()),
            request.doc_type(),
            elements
        );
    }
}

fn reader_name(reader: &ReaderStatus) -> String {
    match reader.identity() {
        Some(identity) => identity.root_label.clone(),
        None => "an unauthenticated website".into(),
    }
}

/// The holder's choice: the name and `age_over_18`, not the driving
/// privileges.
fn holder_consent() -> Consent {
    Consent::none()
        .approve(DrivingLicence::DOC_TYPE, NAMESPACE, "family_name")
        .approve(DrivingLicence::DOC_TYPE, NAMESPACE, "age_over_18")
}

/// The wallet reads an OpenID4VP request, matches its DCQL query (the
/// consent screen's content), and answers with what the holder approved.
fn wallet_answers_oid4vp(
    wallet: &mut Wallet,
    device_key: &SoftwareKey,
    request: &serde_json::Value,
    now: OffsetDateTime,
    rng: &mut ChaCha20Rng,
) -> Result<serde_json::Value, docbridge::Error> {
    let seen = WalletRequest::from_json(request, None)?;
    // An unsigned request: the verifier is not authenticated, and says so.
    let reader = ReaderStatus::Unauthenticated("reader_auth_missing");
    let prepared = wallet.prepare_openid4vp(&seen, reader, now)?;
    show_consent_screen(&prepared);
    let (token, _presentation) =
        wallet.approve_vp_token(&prepared, &holder_consent(), &[device_key])?;
    seen.respond(&token, rng)
}

fn verify(
    verifier: &Verifier,
    device_response: &[u8],
    session_transcript_bytes: &[u8],
    now: OffsetDateTime,
) -> Result<VerifiedDocument, docbridge::Error> {
    let options = VerifyOptions::at(now).transcript(session_transcript_bytes);
    verifier
        .verify_response(device_response, &options)?
        .into_doc_type(DrivingLicence::DOC_TYPE)
}

/// Prints what the website verified; fails the example if it received an
/// element the holder did not approve.
fn report(verified: &VerifiedDocument) -> Result<(), docbridge::Error> {
    let value = |name: &str| {
        verified
            .element(NAMESPACE, name)
            .map_or_else(|| "-".to_string(), |v| format!("{v:?}"))
    };
    println!(
        "verified {} from {} (holder bound: {}): family_name {}, age_over_18 {}, driving_privileges {}, {} elements",
        verified.doc_type(),
        verified.issuing_country(),
        verified.holder_bound(),
        value("family_name"),
        value("age_over_18"),
        value("driving_privileges"),
        verified.elements().values().map(|m| m.len()).sum::<usize>()
    );
    if verified.element(NAMESPACE, "driving_privileges").is_some() {
        return Err(docbridge::Error::InvalidArgument(
            "the website received driving_privileges, which the holder declined".into(),
        ));
    }
    Ok(())
}

/// Prints the refusal's code; an acceptance fails the example.
fn refused<T>(what: &str, result: Result<T, docbridge::Error>) -> Result<(), docbridge::Error> {
    match result {
        Ok(_) => Err(docbridge::Error::InvalidArgument(format!(
            "{what} was accepted"
        ))),
        Err(e) => {
            println!("{what}: refused, {}", e.code());
            Ok(())
        }
    }
}
