//! Signed OpenID4VP requests (JAR, RFC 9101): the verifier signs its
//! request object under `x509_san_dns:` or `x509_hash:`, the wallet
//! verifies it against its reader roots (by value, from `request_uri`
//! bytes, and over the Digital Credentials API), shows the authenticated
//! verifier on the consent screen, and refuses every mismatch with its
//! code.

mod common;
#[path = "common/external.rs"]
mod external;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use docbridge::dcapi;
use docbridge::documents::samples;
use docbridge::oid4vp::dcql::CredentialQuery;
use docbridge::oid4vp::jar::{self, SELF_ISSUED_AUDIENCE};
use docbridge::oid4vp::{
    DcqlQuery, Expected, RequestReference, ResponseMode, SignedRequest, VerifierRequest,
};
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    Algorithm, Certificate, Consent, DrivingLicence, HolderPolicy, Issuer, ReaderRoot,
    ReaderStatus, Signer as _, SoftwareKey, VerifyOptions, Wallet,
};
use serde_json::{Value as Json, json};

const DOMAIN: &str = "wynajem.example.pl";
const CLIENT: &str = "x509_san_dns:wynajem.example.pl";
const RESPONSE_URI: &str = "https://wynajem.example.pl/oid4vp/response";
const ORIGIN: &str = "https://wynajem.example.pl";
const OPENID4VP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/openid4vp"
);

fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code(),
    }
}

fn spec(name: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: name.into(),
        country: "PL".into(),
        organization: Some(name.into()),
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    }
}

struct Party {
    key: SoftwareKey,
    certificate: Certificate,
}

impl Party {
    /// `request` as a Request Object signed by this party, its certificate
    /// as the whole chain.
    fn sign_request(&self, request: &VerifierRequest) -> String {
        request
            .signed_request_object(&self.key, std::slice::from_ref(&self.certificate))
            .unwrap()
    }
}

fn root(name: &str, seed: u64) -> Party {
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed));
    let certificate =
        x509::create_self_signed(&spec(name, 1), CertificateProfile::Iaca, &key).unwrap();
    Party { key, certificate }
}

/// A reader certificate naming `domain` in subjectAltName, under `root`.
fn verifier_under(root: &Party, domain: &str, seed: u64) -> Party {
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed));
    let certificate = x509::create_reader_for_domain(
        &spec("Wynajem", seed),
        domain,
        &key.public_key(),
        &root.certificate,
        &root.key,
    )
    .unwrap();
    Party { key, certificate }
}

fn query() -> DcqlQuery {
    DcqlQuery {
        credentials: vec![
            CredentialQuery::mdoc("licence", DrivingLicence::DOC_TYPE)
                .claim("name", MDL_NS, "family_name", true)
                .claim("adult", MDL_NS, "age_over_18", false),
        ],
        credential_sets: Vec::new(),
    }
}

fn direct_post(client_id: &str, seed: u64) -> VerifierRequest {
    VerifierRequest::new(
        Some(client_id),
        ResponseMode::DirectPost {
            response_uri: RESPONSE_URI.into(),
        },
        query(),
        true,
        &mut rng(seed),
    )
    .unwrap()
}

const REDIRECT: Expected<'static> = Expected {
    client_id: Some(CLIENT),
    audience: Some(SELF_ISSUED_AUDIENCE),
    origin: None,
};

fn roots(rental: &Party) -> Vec<ReaderRoot> {
    vec![ReaderRoot::new("car rental", rental.certificate.clone())]
}

#[test]
fn a_signed_request_is_verified_and_shown_as_its_verifier() {
    let rentals = root("Rentals CA", 1);
    let verifier_key = verifier_under(&rentals, DOMAIN, 2);
    let request = direct_post(CLIENT, 3);
    let jws = verifier_key.sign_request(&request);

    // By value: the request parameters carry the object.
    let params = json!({"client_id": CLIENT, "request": jws});
    let RequestReference::Signed {
        client_id,
        request: object,
    } = RequestReference::read(&params).unwrap()
    else {
        panic!("a request by value");
    };
    let expected = Expected {
        client_id: Some(&client_id),
        ..REDIRECT
    };
    let signed =
        SignedRequest::verify(object.as_bytes(), &expected, &roots(&rentals), NOW).unwrap();
    assert_eq!(signed.reader.root_label, "car rental");
    assert_eq!(signed.reader.certificate, verifier_key.certificate);
    assert_eq!(signed.reader.certificate.dns_names(), [DOMAIN]);
    assert_eq!(signed.request.client_id(), Some(CLIENT));
    assert_eq!(signed.request.nonce(), request.nonce());

    // By reference: the app fetches request_uri and hands over the body.
    let params = json!({"client_id": CLIENT, "request_uri": "https://wynajem.example.pl/r/1", "request_uri_method": "post"});
    assert_eq!(
        RequestReference::read(&params).unwrap(),
        RequestReference::ByReference {
            client_id: CLIENT.into(),
            request_uri: "https://wynajem.example.pl/r/1".into(),
            post: true,
        }
    );
    let body = format!("{jws}\r\n").into_bytes();
    let signed = SignedRequest::verify(&body, &REDIRECT, &roots(&rentals), NOW).unwrap();

    // A holder who requires authenticated verifiers answers this one, and
    // the verifier gets exactly what was approved.
    let ukraine = ukraine(Algorithm::Es256, 4);
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(5));
    let licence = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &device.public_key(),
            &validity(),
            &mut rng(6),
        )
        .unwrap();
    let mut wallet = Wallet::new(vec![licence]).with_policy(HolderPolicy {
        require_reader_auth: true,
        ..HolderPolicy::default()
    });
    let reader = ReaderStatus::Authenticated(Box::new(signed.reader.clone()));
    let prepared = wallet
        .prepare_openid4vp(&signed.request, reader.clone(), NOW)
        .unwrap();
    assert_eq!(prepared.requests()[0].reader(), &reader);
    let consent = Consent::none().approve(DrivingLicence::DOC_TYPE, MDL_NS, "age_over_18");
    let (token, presentation) = wallet
        .approve_vp_token(&prepared, &consent, &[&device])
        .unwrap();
    assert_eq!(
        presentation.record.documents[0]
            .reader
            .as_ref()
            .map(|r| r.root_label.as_str()),
        Some("car rental")
    );
    let response = signed.request.respond(&token, &mut rng(7)).unwrap();
    let read = request.read_response(&response).unwrap();
    let verified = verifier(&[&ukraine])
        .verify_response(
            &read.presentations["licence"][0],
            &VerifyOptions::at(NOW).transcript(&request.session_transcript_bytes().unwrap()),
        )
        .unwrap()
        .into_first()
        .unwrap();
    let ids: Vec<&String> = verified
        .elements()
        .values()
        .flat_map(|m| m.keys())
        .collect();
    assert_eq!(ids, ["age_over_18"]);
}

#[test]
fn x509_hash_names_the_certificate_itself() {
    let rentals = root("Rentals CA", 10);
    let verifier_key = verifier_under(&rentals, DOMAIN, 11);
    let hash_id = jar::x509_hash_client_id(&verifier_key.certificate);
    assert!(hash_id.starts_with("x509_hash:"));
    assert_eq!(URL_SAFE_NO_PAD.decode(&hash_id[10..]).unwrap().len(), 32);
    let request = direct_post(&hash_id, 12);
    let jws = verifier_key.sign_request(&request);
    let expected = Expected {
        client_id: Some(&hash_id),
        ..REDIRECT
    };
    let signed = SignedRequest::verify(jws.as_bytes(), &expected, &roots(&rentals), NOW).unwrap();
    assert_eq!(signed.request.client_id(), Some(hash_id.as_str()));

    // The hash of another certificate of the same verifier is refused.
    let other = verifier_under(&rentals, DOMAIN, 13);
    let other_id = jar::x509_hash_client_id(&other.certificate);
    let request = direct_post(&other_id, 14);
    let jws = verifier_key.sign_request(&request);
    let expected = Expected {
        client_id: Some(&other_id),
        ..REDIRECT
    };
    assert_eq!(
        code(SignedRequest::verify(
            jws.as_bytes(),
            &expected,
            &roots(&rentals),
            NOW
        )),
        "oid4vp_client_mismatch"
    );
}

/// Signs `claims` as the verifier would, for the tampered cases.
fn sign(claims: &Json, party: &Party) -> String {
    jar::sign_request_object(claims, &party.key, std::slice::from_ref(&party.certificate)).unwrap()
}

#[test]
fn every_mismatch_is_refused_with_its_code() {
    let rentals = root("Rentals CA", 20);
    let verifier_key = verifier_under(&rentals, DOMAIN, 21);
    let roots = roots(&rentals);
    let request = direct_post(CLIENT, 22);
    let mut claims = request.to_json();
    claims["aud"] = json!(SELF_ISSUED_AUDIENCE);
    let verify = |jws: &str, expected: &Expected<'_>| {
        SignedRequest::verify(jws.as_bytes(), expected, &roots, NOW)
    };
    assert!(verify(&sign(&claims, &verifier_key), &REDIRECT).is_ok());

    // Not a JWS, not typed as a request object, no x5c.
    assert_eq!(
        code(verify("abc.def", &REDIRECT)),
        "request_object_malformed"
    );
    let jws = sign(&claims, &verifier_key);
    let parts: Vec<&str> = jws.split('.').collect();
    let header = |h: Json| {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(h.to_string()),
            parts[1],
            parts[2]
        )
    };
    let x5c =
        json!([base64::engine::general_purpose::STANDARD.encode(verifier_key.certificate.der())]);
    assert_eq!(
        code(verify(
            &header(json!({"alg": "ES256", "typ": "JWT", "x5c": x5c})),
            &REDIRECT
        )),
        "request_object_malformed"
    );
    assert_eq!(
        code(verify(
            &header(json!({"alg": "ES256", "typ": "oauth-authz-req+jwt"})),
            &REDIRECT
        )),
        "request_object_malformed"
    );
    // A header changed after signing.
    assert_eq!(
        code(verify(
            &header(json!({"alg": "ES256", "typ": "oauth-authz-req+jwt", "x5c": x5c, "kid": "1"})),
            &REDIRECT
        )),
        "signature_invalid"
    );
    // Claims changed after signing.
    let mut changed = claims.clone();
    changed["nonce"] = json!("another-nonce-of-enough-length");
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(changed.to_string()),
        parts[2]
    );
    assert_eq!(code(verify(&forged, &REDIRECT)), "signature_invalid");
    // A verifier certified by a root the holder does not trust.
    let stranger_root = root("Elsewhere CA", 23);
    let stranger = verifier_under(&stranger_root, DOMAIN, 24);
    assert_eq!(
        code(verify(&sign(&claims, &stranger), &REDIRECT)),
        "untrusted_reader"
    );
    // A certificate for another domain claiming this client id.
    let squatter = verifier_under(&rentals, "evil.example", 25);
    assert_eq!(
        code(verify(&sign(&claims, &squatter), &REDIRECT)),
        "oid4vp_client_mismatch"
    );
    // A request object for another client than the request it came with.
    let elsewhere = Expected {
        client_id: Some("x509_san_dns:other.example.pl"),
        ..REDIRECT
    };
    assert_eq!(
        code(verify(&sign(&claims, &verifier_key), &elsewhere)),
        "oid4vp_client_mismatch"
    );
    // A prefix that a certificate cannot vouch for.
    let mut redirect = claims.clone();
    redirect["client_id"] = json!(format!("redirect_uri:{RESPONSE_URI}"));
    assert_eq!(
        code(verify(
            &sign(&redirect, &verifier_key),
            &Expected {
                client_id: None,
                ..REDIRECT
            }
        )),
        "oid4vp_client_mismatch"
    );
    // Addressed to another wallet, or without aud.
    let mut other_aud = claims.clone();
    other_aud["aud"] = json!("https://wallet.example");
    assert_eq!(
        code(verify(&sign(&other_aud, &verifier_key), &REDIRECT)),
        "request_object_audience"
    );
    let mut no_aud = claims.clone();
    no_aud.as_object_mut().unwrap().remove("aud");
    assert_eq!(
        code(verify(&sign(&no_aud, &verifier_key), &REDIRECT)),
        "request_object_audience"
    );
    // Expired, and one second before.
    let mut expired = claims.clone();
    expired["exp"] = json!(NOW.unix_timestamp());
    assert_eq!(
        code(verify(&sign(&expired, &verifier_key), &REDIRECT)),
        "request_object_expired"
    );
    expired["exp"] = json!(NOW.unix_timestamp() + 1);
    assert!(verify(&sign(&expired, &verifier_key), &REDIRECT).is_ok());
    // Both request and request_uri, or an unknown method.
    assert_eq!(
        code(RequestReference::read(
            &json!({"client_id": CLIENT, "request": "a", "request_uri": "b"})
        )),
        "oid4vp_malformed"
    );
    assert_eq!(
        code(RequestReference::read(
            &json!({"client_id": CLIENT, "request_uri": "b", "request_uri_method": "put"})
        )),
        "oid4vp_malformed"
    );
    assert_eq!(
        code(RequestReference::read(&json!({"request_uri": "b"}))),
        "oid4vp_malformed"
    );
}

#[test]
fn a_signed_dc_api_request_is_bound_to_its_expected_origins() {
    let rentals = root("Rentals CA", 30);
    let verifier_key = verifier_under(&rentals, DOMAIN, 31);
    let request = VerifierRequest::new(
        Some(CLIENT),
        ResponseMode::DcApi {
            origin: ORIGIN.into(),
        },
        query(),
        true,
        &mut rng(32),
    )
    .unwrap();
    let dc_api_request = dcapi::openid4vp::signed_request_json(
        &request,
        &verifier_key.key,
        std::slice::from_ref(&verifier_key.certificate),
    )
    .unwrap();
    assert_eq!(dc_api_request["protocol"], "openid4vp-v1-signed");
    let object = dcapi::openid4vp::signed_request_object(&dc_api_request).unwrap();
    let expected = |origin| Expected {
        client_id: None,
        audience: None,
        origin: Some(origin),
    };
    let signed =
        SignedRequest::verify(object.as_bytes(), &expected(ORIGIN), &roots(&rentals), NOW).unwrap();
    assert_eq!(
        signed.request.session_transcript_bytes(),
        request.session_transcript_bytes().unwrap()
    );
    // Relayed by another site: the browser reports that site's origin.
    assert_eq!(
        code(SignedRequest::verify(
            object.as_bytes(),
            &expected("https://evil.example"),
            &roots(&rentals),
            NOW
        )),
        "oid4vp_client_mismatch"
    );
    // The unsigned reader refuses the signed protocol and vice versa.
    assert_eq!(
        code(dcapi::openid4vp::request_data(&dc_api_request)),
        "dcapi_malformed"
    );
    let unsigned = dcapi::openid4vp::request_json(&request).unwrap();
    assert_eq!(
        code(dcapi::openid4vp::signed_request_object(&unsigned)),
        "dcapi_malformed"
    );
}

#[test]
fn subject_alt_names_of_a_real_reader_certificate_are_read() {
    if !external::available(OPENID4VP) {
        return;
    }
    let pem = std::fs::read(format!("{OPENID4VP}/mdocts_animo-mdoc-05_issuer_cert.pem")).unwrap();
    let certificate = Certificate::load_one(&pem).unwrap();
    assert_eq!(certificate.dns_names(), ["playground.animo.id"]);
    let root = std::fs::read(format!("{OPENID4VP}/mdocts_animo-mdoc-05_root_cert.pem")).unwrap();
    assert!(Certificate::load_one(&root).unwrap().dns_names().is_empty());
}

/// Where the rental root publishes its CRL in the CRL test.
const RENTAL_CRL: &str = "https://rentals.example.pl/crl";

#[test]
fn a_signed_request_is_checked_against_the_wallets_reader_crls() {
    use docbridge::ReaderCrls;
    use docbridge::x509::crl::{CrlOutcome, CrlPolicy, CrlSet, CrlSpec, create_crl};
    use time::macros::datetime;

    let rentals = root("Rentals CA", 1);
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(2));
    let certificate = x509::create_reader_for_domain(
        &CertificateSpec {
            crl_uri: Some(RENTAL_CRL.into()),
            ..spec("Wynajem", 2)
        },
        DOMAIN,
        &key.public_key(),
        &rentals.certificate,
        &rentals.key,
    )
    .unwrap();
    let verifier_key = Party { key, certificate };
    let jws = verifier_key.sign_request(&direct_post(CLIENT, 3));
    let crl_revoking = |serials: &[&[u8]]| {
        let mut spec = CrlSpec::new(
            1,
            datetime!(2026-11-01 0:00 UTC),
            datetime!(2026-12-01 0:00 UTC),
        );
        spec.issuing_distribution_point = Some(RENTAL_CRL.into());
        for serial in serials {
            spec.revoke(serial, datetime!(2026-11-01 0:00 UTC), None);
        }
        let mut set = CrlSet::new();
        set.insert(
            RENTAL_CRL,
            create_crl(&spec, &rentals.certificate, None, &rentals.key).unwrap(),
        );
        set
    };
    let verify = |crls: Option<ReaderCrls>| {
        let mut wallet = Wallet::new(Vec::new());
        if let Some(crls) = crls {
            wallet.set_reader_crls(crls);
        }
        wallet.verify_signed_request(jws.as_bytes(), &REDIRECT, &roots(&rentals), NOW)
    };

    // No reader CRLs held: not consulted, and said so.
    assert_eq!(verify(None).unwrap().reader.crl, CrlOutcome::Disabled);
    // A current CRL listing another serial: good.
    let good = ReaderCrls {
        crls: crl_revoking(&[&[0x77]]),
        policy: CrlPolicy::fail_closed(),
    };
    let signed = verify(Some(good)).unwrap();
    assert_eq!(signed.reader.crl, CrlOutcome::Good);
    assert_eq!(signed.reader.root_label, "car rental");
    // The verifier's own serial revoked: refused, whatever the policy.
    for allow_unchecked in [false, true] {
        let revoked = ReaderCrls {
            crls: crl_revoking(&[verifier_key.certificate.serial()]),
            policy: CrlPolicy::fail_closed().allow_unchecked(allow_unchecked),
        };
        assert_eq!(code(verify(Some(revoked))), "certificate_revoked");
    }
    // No CRL for its distribution point: refused, or passed as not checked.
    assert_eq!(code(verify(Some(ReaderCrls::default()))), "crl_missing");
    let offline = ReaderCrls {
        crls: CrlSet::new(),
        policy: CrlPolicy::fail_closed().allow_unchecked(true),
    };
    assert_eq!(
        verify(Some(offline)).unwrap().reader.crl,
        CrlOutcome::NotChecked
    );
    // The plain call consults no CRL.
    assert_eq!(
        SignedRequest::verify(jws.as_bytes(), &REDIRECT, &roots(&rentals), NOW)
            .unwrap()
            .reader
            .crl,
        CrlOutcome::Disabled
    );
}
