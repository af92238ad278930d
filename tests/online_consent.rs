//! Online requests on the holder's consent screen: an OpenID4VP DCQL query
//! (by `direct_post.jwt` and through the Digital Credentials API) and the
//! DC API's org-iso-mdoc request go through `Wallet::prepare*` and
//! `Consent` like an ISO DeviceRequest; the verifier gets exactly the
//! approved elements. Claim sets, credential sets, `intent_to_retain` and
//! the queries the wallet cannot answer are checked field by field.

mod common;

use common::*;
use docbridge::dcapi::{self, IsoMdocVerifierRequest, IsoMdocWalletRequest};
use docbridge::holder::{
    RequestedElement, UnansweredQuery, UnansweredReason, Wallet as HolderWallet,
};
use docbridge::oid4vp::{DcqlQuery, ResponseMode, VerifierRequest, VpToken, WalletRequest};
use docbridge::{
    Consent, DrivingLicence, HolderPolicy, IssuerSigned, ItemsRequest, ReaderStatus,
    ResidencePermit, SoftwareKey, VehicleRegistration, Verifier, VerifyOptions,
};
use serde_json::{Value as Json, json};

const CLIENT: &str = "x509_san_dns:wynajem.example.pl";
const RESPONSE_URI: &str = "https://wynajem.example.pl/oid4vp/response";
const ORIGIN: &str = "https://wynajem.example.pl";
const MDL: &str = DrivingLicence::DOC_TYPE;
const UNSIGNED: ReaderStatus = ReaderStatus::Unauthenticated("reader_auth_missing");

fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code(),
    }
}

/// A licence, a vehicle registration and a residence permit, one device key.
fn holder() -> (Vec<IssuerSigned>, SoftwareKey, Verifier) {
    let (ukraine, device, stored) = ukrainian_holder(80);
    (stored, device, verifier(&[&ukraine]))
}

/// Licence by its second claim set (the first names an element the
/// licence lacks), registration or permit as an optional set, an sd-jwt
/// query nobody here can answer as the preferred first option.
fn query() -> DcqlQuery {
    DcqlQuery::from_json(&json!({
        "credentials": [
            {"id": "licence", "format": "mso_mdoc", "meta": {"doctype_value": MDL},
             "claims": [{"id": "name", "path": [MDL_NS, "family_name"], "intent_to_retain": true},
                        {"id": "adult", "path": [MDL_NS, "age_over_18"], "values": [true]},
                        {"id": "photo", "path": [MDL_NS, "portrait"]},
                        {"id": "nope", "path": [MDL_NS, "no_such_element"]}],
             "claim_sets": [["name", "nope"], ["name", "adult"], ["name", "photo"]]},
            {"id": "car", "format": "mso_mdoc", "meta": {"doctype_value": VehicleRegistration::DOC_TYPE},
             "claims": [{"path": [VehicleRegistration::NAMESPACE, "registration_number"], "intent_to_retain": true}]},
            {"id": "permit", "format": "mso_mdoc", "meta": {"doctype_value": ResidencePermit::DOC_TYPE},
             "claims": [{"path": [ResidencePermit::NAMESPACE, "birth_date"]}]},
            {"id": "sd-jwt", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}
        ],
        "credential_sets": [
            {"options": [["sd-jwt"], ["licence"]]},
            {"options": [["car"], ["permit"]], "required": false}
        ]
    }))
    .unwrap()
}

fn element(namespace: &str, element: &str, intent_to_retain: bool) -> RequestedElement {
    RequestedElement {
        namespace: namespace.into(),
        element: element.into(),
        intent_to_retain,
        available: true,
    }
}

/// Verifies every DeviceResponse of the token: per credential query id,
/// the sorted disclosed element ids.
fn disclosed(
    verifier: &Verifier,
    transcript: &[u8],
    token: &VpToken,
) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (id, responses) in &token.presentations {
        assert_eq!(responses.len(), 1, "{id}");
        let verified = verifier
            .verify_response(
                &responses[0],
                &VerifyOptions::at(NOW).transcript(transcript),
            )
            .unwrap()
            .into_first()
            .unwrap();
        assert!(verified.holder_bound());
        let mut ids: Vec<String> = verified
            .elements()
            .values()
            .flat_map(|m| m.keys().cloned())
            .collect();
        ids.sort();
        out.push((id.clone(), ids));
    }
    out
}

#[test]
fn a_dcql_query_is_laid_out_like_a_device_request() {
    let (stored, _, _) = holder();
    let wallet = HolderWallet::new(stored);
    let prepared = wallet
        .prepare_dcql(&query(), b"transcript", UNSIGNED, NOW)
        .unwrap();
    let laid_out: Vec<(Option<&str>, &str, bool, &[RequestedElement])> = prepared
        .requests()
        .iter()
        .map(|r| {
            (
                r.credential_query_id(),
                r.doc_type(),
                r.held(),
                r.elements(),
            )
        })
        .collect();
    assert_eq!(
        laid_out,
        [
            (
                Some("licence"),
                MDL,
                true,
                &[
                    element(MDL_NS, "family_name", true),
                    element(MDL_NS, "age_over_18", false)
                ][..]
            ),
            (
                Some("car"),
                VehicleRegistration::DOC_TYPE,
                true,
                &[element(
                    VehicleRegistration::NAMESPACE,
                    "registration_number",
                    true
                )][..]
            ),
        ]
    );
    assert_eq!(
        prepared.requests()[0].reader(),
        &ReaderStatus::Unauthenticated("reader_auth_missing")
    );
    assert_eq!(
        prepared.unanswered(),
        [UnansweredQuery {
            id: "sd-jwt".into(),
            doc_type: String::new(),
            reason: UnansweredReason::OtherFormat,
        }]
    );
    assert_eq!(prepared.session_transcript_bytes(), b"transcript");

    // Without the registration the optional set falls back to the permit.
    let mut no_car = wallet.documents().to_vec();
    no_car.remove(1);
    let prepared = HolderWallet::new(no_car)
        .prepare_dcql(&query(), b"transcript", UNSIGNED, NOW)
        .unwrap();
    let ids: Vec<Option<&str>> = prepared
        .requests()
        .iter()
        .map(|r| r.credential_query_id())
        .collect();
    assert_eq!(ids, [Some("licence"), Some("permit")]);
    assert_eq!(
        prepared.unanswered(),
        [
            UnansweredQuery {
                id: "car".into(),
                doc_type: VehicleRegistration::DOC_TYPE.into(),
                reason: UnansweredReason::NoMatchingDocument,
            },
            UnansweredQuery {
                id: "sd-jwt".into(),
                doc_type: String::new(),
                reason: UnansweredReason::OtherFormat,
            },
        ]
    );
}

#[test]
fn what_cannot_be_answered_is_refused_or_listed() {
    let (stored, _, _) = holder();
    // Only the permit: the required set (sd-jwt or licence) is unanswerable,
    // and OpenID4VP forbids a partial answer.
    let permit_only = HolderWallet::new(vec![stored[2].clone()]);
    assert_eq!(
        code(permit_only.prepare_dcql(&query(), b"t", UNSIGNED, NOW)),
        "credential_missing"
    );
    // A required value the licence does not have: no claim set matches.
    let mut minors = query();
    minors.credentials[0].claims[1].values = vec![json!(false)];
    minors.credentials[0].claim_sets.remove(2);
    assert_eq!(
        code(HolderWallet::new(stored.clone()).prepare_dcql(&minors, b"t", UNSIGNED, NOW)),
        "credential_missing"
    );
    // A holder who requires authenticated verifiers refuses unsigned ones.
    let strict = HolderWallet::new(stored).with_policy(HolderPolicy {
        require_reader_auth: true,
        ..HolderPolicy::default()
    });
    assert_eq!(
        code(strict.prepare_dcql(&query(), b"t", UNSIGNED, NOW)),
        "reader_auth_missing"
    );
    assert_eq!(
        code(strict.prepare_dcql(&query(), b"t", ReaderStatus::NotChecked, NOW)),
        "reader_auth_missing"
    );
}

#[test]
fn direct_post_jwt_discloses_exactly_what_the_holder_approved() {
    let (stored, device, verifier) = holder();
    let request = VerifierRequest::new(
        Some(CLIENT),
        ResponseMode::DirectPost {
            response_uri: RESPONSE_URI.into(),
        },
        query(),
        true,
        &mut rng(90),
    )
    .unwrap();
    let seen = WalletRequest::from_json(&request.to_json(), None).unwrap();
    let mut wallet = HolderWallet::new(stored);
    let prepared = wallet.prepare_openid4vp(&seen, UNSIGNED, NOW).unwrap();
    // The holder gives the name but not the age, and the registration.
    let consent = Consent::none().approve(MDL, MDL_NS, "family_name").approve(
        VehicleRegistration::DOC_TYPE,
        VehicleRegistration::NAMESPACE,
        "registration_number",
    );
    let (token, presentation) = wallet
        .approve_vp_token(&prepared, &consent, &[&device])
        .unwrap();
    assert_eq!(wallet.shown(), [1, 1, 0]);
    assert_eq!(presentation.record.documents.len(), 2);
    let response = seen.respond(&token, &mut rng(91)).unwrap();
    assert!(response.get("response").is_some_and(Json::is_string));
    let read = request.read_response(&response).unwrap();
    assert_eq!(
        disclosed(
            &verifier,
            &request.session_transcript_bytes().unwrap(),
            &read
        ),
        [
            ("car".to_string(), vec!["registration_number".to_string()]),
            ("licence".to_string(), vec!["family_name".to_string()]),
        ]
    );

    // Declining the whole licence leaves the required set unanswered, which
    // the verifier refuses.
    let only_car = Consent::none().approve(
        VehicleRegistration::DOC_TYPE,
        VehicleRegistration::NAMESPACE,
        "registration_number",
    );
    let (token, _) = wallet
        .approve_vp_token(&prepared, &only_car, &[&device])
        .unwrap();
    assert_eq!(token.presentations.keys().collect::<Vec<_>>(), ["car"]);
    let response = seen.respond(&token, &mut rng(92)).unwrap();
    assert_eq!(code(request.read_response(&response)), "credential_missing");
    // Approving what the query does not ask is refused, as for a DeviceRequest.
    assert_eq!(
        code(wallet.approve_vp_token(
            &prepared,
            &Consent::none().approve(MDL, MDL_NS, "portrait"),
            &[&device]
        )),
        "invalid_argument"
    );
}

#[test]
fn openid4vp_over_the_dc_api_goes_through_the_same_screen() {
    let (stored, device, verifier) = holder();
    let request = VerifierRequest::new(
        None,
        ResponseMode::DcApi {
            origin: ORIGIN.into(),
        },
        query(),
        true,
        &mut rng(100),
    )
    .unwrap();
    let dc_api_request = dcapi::openid4vp::request_json(&request).unwrap();
    let seen = WalletRequest::from_json(
        dcapi::openid4vp::request_data(&dc_api_request).unwrap(),
        Some(ORIGIN),
    )
    .unwrap();
    let mut wallet = HolderWallet::new(stored);
    let prepared = wallet.prepare_openid4vp(&seen, UNSIGNED, NOW).unwrap();
    let (token, _) = wallet
        .approve_vp_token(&prepared, &Consent::all(&prepared), &[&device])
        .unwrap();
    let result = dcapi::openid4vp::response_json(seen.respond(&token, &mut rng(101)).unwrap());
    let read = request
        .read_response(dcapi::openid4vp::response_data(&result).unwrap())
        .unwrap();
    assert_eq!(
        disclosed(
            &verifier,
            &request.session_transcript_bytes().unwrap(),
            &read
        ),
        [
            ("car".to_string(), vec!["registration_number".to_string()]),
            (
                "licence".to_string(),
                vec!["age_over_18".to_string(), "family_name".to_string()]
            ),
        ]
    );
}

#[test]
fn the_dc_api_iso_request_is_prepared_as_a_device_request() {
    let (stored, device, verifier) = holder();
    let items = [ItemsRequest::new(MDL)
        .element(MDL_NS, "family_name", true)
        .element(MDL_NS, "portrait", false)
        .element(MDL_NS, "age_over_18", false)];
    let request = IsoMdocVerifierRequest::new(ORIGIN, &items, None, &mut rng(110)).unwrap();
    let seen = IsoMdocWalletRequest::from_json(&request.request_json().unwrap(), ORIGIN).unwrap();
    let mut wallet = HolderWallet::new(stored);
    let prepared = wallet
        .prepare(
            seen.device_request(),
            seen.session_transcript_bytes(),
            &[],
            NOW,
        )
        .unwrap();
    assert_eq!(prepared.requests()[0].credential_query_id(), None);
    assert_eq!(
        prepared.requests()[0].elements(),
        [
            element(MDL_NS, "age_over_18", false),
            element(MDL_NS, "family_name", true),
            element(MDL_NS, "portrait", false),
        ]
    );
    let consent = Consent::none().approve(MDL, MDL_NS, "age_over_18");
    // A vp_token answers DCQL queries only.
    assert_eq!(
        code(wallet.approve_vp_token(&prepared, &consent, &[&device])),
        "invalid_argument"
    );
    let presentation = wallet.approve(&prepared, &consent, &[&device]).unwrap();
    let response = seen
        .respond(&presentation.response.to_vec().unwrap(), &mut rng(111))
        .unwrap();
    let bytes = request.open_response(&response).unwrap();
    let verified = verifier
        .verify_response(
            &bytes,
            &VerifyOptions::at(NOW).transcript(request.session_transcript_bytes()),
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
