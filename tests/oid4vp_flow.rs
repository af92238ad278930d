//! OpenID4VP 1.0 for `mso_mdoc` end to end: DCQL queries (the spec's
//! examples parse; queries round-trip; matched against a wallet holding all
//! three document types), verifier -> wallet -> verifier over
//! `direct_post`, `direct_post.jwt` and `dc_api.jwt`, and every refusal:
//! another client or origin, a response to another request, a JWE for
//! another key, a vp_token lacking a required credential, another nonce.

mod common;
#[path = "common/external.rs"]
mod external;

use common::*;
use docbridge::holder::{ReaderCheck, present};
use docbridge::oid4vp::dcql::CredentialQuery;
use docbridge::oid4vp::{DcqlQuery, ResponseMode, VerifierRequest, VpToken, WalletRequest};
use docbridge::request::DeviceRequest;
use docbridge::{
    DrivingLicence, IssuerSigned, ResidencePermit, SoftwareKey, VehicleRegistration, Verifier,
    VerifyOptions,
};
use serde_json::{Value as Json, json};

const EXAMPLES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/openid4vp"
);
const CLIENT: &str = "x509_san_dns:wynajem.example.pl";
const RESPONSE_URI: &str = "https://wynajem.example.pl/oid4vp/response";
const ORIGIN: &str = "https://wynajem.example.pl";

fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code(),
    }
}

struct Wallet {
    stored: Vec<IssuerSigned>,
    device: SoftwareKey,
}

fn wallet_and_verifier() -> (Wallet, Verifier) {
    let (ukraine, device, stored) = ukrainian_holder(70);
    (Wallet { stored, device }, verifier(&[&ukraine]))
}

fn licence_query() -> DcqlQuery {
    DcqlQuery {
        credentials: vec![
            CredentialQuery::mdoc("licence", DrivingLicence::DOC_TYPE)
                .claim("name", MDL_NS, "family_name", false)
                .claim("privileges", MDL_NS, "driving_privileges", false)
                .claim("adult", MDL_NS, "age_over_18", false),
        ],
        credential_sets: Vec::new(),
    }
}

/// The wallet's whole answer: match, present each chosen document over
/// the request's transcript, respond.
fn answer(wallet: &Wallet, request: &Json, origin: Option<&str>, seed: u64) -> Json {
    let seen = WalletRequest::from_json(request, origin).unwrap();
    let mut token = VpToken::default();
    for chosen in seen.query().select(&wallet.stored).unwrap() {
        let device_request = DeviceRequest::build(
            std::slice::from_ref(&chosen.request),
            None,
            seen.session_transcript_bytes(),
        )
        .unwrap();
        let presentation = present(
            std::slice::from_ref(&wallet.stored[chosen.document]),
            &device_request,
            seen.session_transcript_bytes(),
            &wallet.device,
            ReaderCheck::Skip,
            NOW,
        )
        .unwrap();
        token.add(&chosen.id, presentation.response.to_vec().unwrap());
    }
    seen.respond(&token, &mut rng(seed)).unwrap()
}

/// Verifies every DeviceResponse of the token; the disclosed element ids.
fn verify_all(
    verifier: &Verifier,
    request: &VerifierRequest,
    token: &VpToken,
) -> docbridge::Result<Vec<Vec<String>>> {
    let transcript = request.session_transcript_bytes().unwrap();
    let mut out = Vec::new();
    for responses in token.presentations.values() {
        for bytes in responses {
            let verified = verifier
                .verify_response(bytes, &VerifyOptions::at(NOW).transcript(&transcript))?
                .into_first()?;
            assert!(verified.holder_bound());
            let mut ids: Vec<String> = verified
                .elements()
                .values()
                .flat_map(|m| m.keys().cloned())
                .collect();
            ids.sort();
            out.push(ids);
        }
    }
    Ok(out)
}

#[test]
fn the_spec_examples_parse_and_queries_round_trip() {
    if !external::available(EXAMPLES) {
        return;
    }
    for name in [
        "oid4vp10_examples_query_lang_simple_mdoc.json",
        "oid4vp10_examples_query_lang_complex_mdoc.json",
    ] {
        let text = std::fs::read_to_string(format!("{EXAMPLES}/{name}"))
            .expect("shared vectors required (CI provides ../shared)");
        let query = DcqlQuery::from_json(&serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(
            DcqlQuery::from_json(&query.to_json()).unwrap(),
            query,
            "{name}"
        );
    }
    let simple: Json = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{EXAMPLES}/oid4vp10_examples_query_lang_simple_mdoc.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let query = DcqlQuery::from_json(&simple).unwrap();
    let request = query.credentials[0].items_request(None);
    assert_eq!(request.doc_type, "org.iso.7367.1.mVRC");
    assert!(request.requests("org.iso.7367.1", "vehicle_holder"));
    assert!(request.requests("org.iso.18013.5.1", "first_name"));
    let complex = DcqlQuery::from_json(
        &serde_json::from_str(
            &std::fs::read_to_string(format!(
                "{EXAMPLES}/oid4vp10_examples_query_lang_complex_mdoc.json"
            ))
            .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(complex.credentials.len(), 4);
    assert_eq!(complex.credential_sets.len(), 2);
    assert!(!complex.credential_sets[1].required);
}

#[test]
fn a_query_is_matched_against_a_wallet_holding_all_three_document_types() {
    let (wallet, _) = wallet_and_verifier();
    let query = DcqlQuery::from_json(&json!({
        "credentials": [
            {"id": "licence", "format": "mso_mdoc", "meta": {"doctype_value": DrivingLicence::DOC_TYPE},
             "claims": [{"id": "name", "path": [MDL_NS, "family_name"]},
                        {"id": "adult", "path": [MDL_NS, "age_over_18"], "values": [true]},
                        {"id": "nope", "path": [MDL_NS, "no_such_element"]}],
             "claim_sets": [["name", "nope"], ["name", "adult"]]},
            {"id": "car", "format": "mso_mdoc", "meta": {"doctype_value": VehicleRegistration::DOC_TYPE},
             "claims": [{"path": [VehicleRegistration::NAMESPACE, "registration_number"], "intent_to_retain": true}]},
            {"id": "permit", "format": "mso_mdoc", "meta": {"doctype_value": ResidencePermit::DOC_TYPE},
             "claims": [{"path": [ResidencePermit::NAMESPACE, "birth_date"]}]},
            {"id": "sd-jwt", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}
        ],
        "credential_sets": [
            {"options": [["sd-jwt"], ["licence"]]},
            {"options": [["car", "permit"]], "required": false}
        ]
    }))
    .unwrap();
    let chosen = query.select(&wallet.stored).unwrap();
    let picked: Vec<(&str, usize)> = chosen.iter().map(|c| (c.id.as_str(), c.document)).collect();
    assert_eq!(picked, [("licence", 0), ("car", 1), ("permit", 2)]);
    // The second claim set is the one the licence satisfies.
    let licence = &chosen[0].request;
    assert!(licence.requests(MDL_NS, "family_name") && licence.requests(MDL_NS, "age_over_18"));
    assert!(!licence.requests(MDL_NS, "no_such_element"));
    assert!(chosen[1].request.name_spaces[VehicleRegistration::NAMESPACE]["registration_number"]);

    // A value the document does not have makes the licence unmatched, and
    // the required set unanswerable.
    let mut adult_false = query.clone();
    adult_false.credentials[0].claims[1].values = vec![json!(false)];
    assert_eq!(
        code(adult_false.select(&wallet.stored)),
        "credential_missing"
    );
    // Without sets every query is required, the sd-jwt one included.
    let mut no_sets = query.clone();
    no_sets.credential_sets.clear();
    assert_eq!(code(no_sets.select(&wallet.stored)), "credential_missing");
    // A wallet with only the licence still answers: the second set is optional.
    assert_eq!(query.select(&wallet.stored[..1]).unwrap().len(), 1);
}

#[test]
fn malformed_queries_are_refused() {
    let good = json!({"id": "a", "format": "mso_mdoc", "meta": {"doctype_value": "d"},
                      "claims": [{"id": "c", "path": ["ns", "e"]}]});
    let with = |edit: &dyn Fn(&mut Json)| {
        let mut credential = good.clone();
        edit(&mut credential);
        json!({"credentials": [credential]})
    };
    let cases = [
        json!({}),
        json!({"credentials": []}),
        json!({"credentials": [good.clone(), good.clone()]}),
        with(&|c| c["id"] = json!("no spaces")),
        with(&|c| c["meta"] = json!({})),
        with(&|c| c["claims"][0]["path"] = json!(["ns", "e", 0])),
        with(&|c| c["claims"][0]["values"] = json!([{"x": 1}])),
        with(&|c| c["claims"][0]["intent_to_retain"] = json!("yes")),
        with(&|c| c["claim_sets"] = json!([["unknown"]])),
        with(&|c| {
            c["claims"] =
                json!([{"id": "c", "path": ["ns", "e"]}, {"id": "c", "path": ["ns", "f"]}])
        }),
        json!({"credentials": [good.clone()], "credential_sets": [{"options": [["other"]]}]}),
        json!({"credentials": [good.clone()], "credential_sets": [{"options": [["a"]], "required": 1}]}),
    ];
    for case in &cases {
        assert_eq!(
            code(DcqlQuery::from_json(case)),
            "oid4vp_malformed",
            "{case}"
        );
    }
}

#[test]
fn round_trips_over_every_response_mode() {
    let (wallet, verifier) = wallet_and_verifier();
    for (mode, encrypt, origin) in [
        (
            ResponseMode::DirectPost {
                response_uri: RESPONSE_URI.into(),
            },
            false,
            None,
        ),
        (
            ResponseMode::DirectPost {
                response_uri: RESPONSE_URI.into(),
            },
            true,
            None,
        ),
        (
            ResponseMode::DcApi {
                origin: ORIGIN.into(),
            },
            true,
            Some(ORIGIN),
        ),
        (
            ResponseMode::DcApi {
                origin: ORIGIN.into(),
            },
            false,
            Some(ORIGIN),
        ),
    ] {
        let client = origin.is_none().then_some(CLIENT);
        let request =
            VerifierRequest::new(client, mode.clone(), licence_query(), encrypt, &mut rng(80))
                .unwrap();
        let json = request.to_json();
        let response = answer(&wallet, &json, origin, 81);
        assert_eq!(response.get("response").is_some(), encrypt, "{mode:?}");
        let token = request.read_response(&response).unwrap();
        let disclosed = verify_all(&verifier, &request, &token).unwrap();
        assert_eq!(
            disclosed,
            [["age_over_18", "driving_privileges", "family_name"]],
            "{mode:?}"
        );
        assert_eq!(
            WalletRequest::from_json(&json, origin)
                .unwrap()
                .response_mode(),
            &mode
        );
    }
}

#[test]
fn refusals() {
    let (wallet, verifier) = wallet_and_verifier();
    let mode = ResponseMode::DirectPost {
        response_uri: RESPONSE_URI.into(),
    };
    let plain = VerifierRequest::new(
        Some(CLIENT),
        mode.clone(),
        licence_query(),
        false,
        &mut rng(90),
    )
    .unwrap();
    let sealed = VerifierRequest::new(
        Some(CLIENT),
        mode.clone(),
        licence_query(),
        true,
        &mut rng(91),
    )
    .unwrap();
    let other_sealed = VerifierRequest::new(
        Some(CLIENT),
        mode.clone(),
        licence_query(),
        true,
        &mut rng(92),
    )
    .unwrap();

    // A response to another request.
    let for_other = answer(
        &wallet,
        &VerifierRequest::new(
            Some(CLIENT),
            mode.clone(),
            licence_query(),
            false,
            &mut rng(93),
        )
        .unwrap()
        .to_json(),
        None,
        94,
    );
    assert_eq!(
        code(plain.read_response(&for_other)),
        "oid4vp_state_mismatch"
    );
    // A JWE for another of the verifier's keys, or for another key that
    // carries this key's kid.
    let to_other = answer(&wallet, &other_sealed.to_json(), None, 95);
    assert_eq!(code(sealed.read_response(&to_other)), "jwe_wrong_key");
    let mut same_kid = other_sealed.to_json();
    same_kid["client_metadata"]["jwks"]["keys"][0]["kid"] =
        sealed.to_json()["client_metadata"]["jwks"]["keys"][0]["kid"].clone();
    let stolen_kid = answer(&wallet, &same_kid, None, 96);
    assert_eq!(
        code(sealed.read_response(&stolen_kid)),
        "response_decryption_failed"
    );
    // A vp_token lacking the required credential.
    let mut lacking = answer(&wallet, &plain.to_json(), None, 97);
    lacking["vp_token"] = json!({"something-else": ["oQ"]});
    assert_eq!(code(plain.read_response(&lacking)), "credential_missing");
    lacking["vp_token"] = json!({"licence": "not an array"});
    assert_eq!(code(plain.read_response(&lacking)), "oid4vp_malformed");
    // A wallet asked under another nonce (the request was altered on the
    // way) signs over another transcript: the device signature fails.
    let mut renonced = plain.to_json();
    renonced["nonce"] = json!("another-nonce-that-is-long-enough");
    let answered = answer(&wallet, &renonced, None, 98);
    let token = plain.read_response(&answered).unwrap();
    assert_eq!(
        code(verify_all(&verifier, &plain, &token)),
        "device_signature_invalid"
    );

    // Wallet side: the client does not fit its response_uri, or the origin.
    let mut spoofed = plain.to_json();
    spoofed["response_uri"] = json!("https://collector.example/response");
    assert_eq!(
        code(WalletRequest::from_json(&spoofed, None)),
        "oid4vp_client_mismatch"
    );
    let mut redirect = plain.to_json();
    redirect["client_id"] = json!("redirect_uri:https://wynajem.example.pl/other");
    assert_eq!(
        code(WalletRequest::from_json(&redirect, None)),
        "oid4vp_client_mismatch"
    );
    let dc = VerifierRequest::new(
        None,
        ResponseMode::DcApi {
            origin: ORIGIN.into(),
        },
        licence_query(),
        true,
        &mut rng(99),
    )
    .unwrap();
    let mut signed = dc.to_json();
    signed["expected_origins"] = json!([ORIGIN]);
    assert!(WalletRequest::from_json(&signed, Some(ORIGIN)).is_ok());
    assert_eq!(
        code(WalletRequest::from_json(
            &signed,
            Some("https://evil.example")
        )),
        "oid4vp_client_mismatch"
    );
    assert_eq!(
        code(WalletRequest::from_json(&dc.to_json(), None)),
        "oid4vp_client_mismatch"
    );
    // A DC API response replayed to another origin: the transcript differs.
    let elsewhere = answer(&wallet, &dc.to_json(), Some("https://evil.example"), 100);
    let token = dc.read_response(&elsewhere).unwrap();
    assert_eq!(
        code(verify_all(&verifier, &dc, &token)),
        "device_signature_invalid"
    );
    // The wallet lacks what is asked.
    let seen = WalletRequest::from_json(&plain.to_json(), None).unwrap();
    assert_eq!(
        code(seen.query().select(&wallet.stored[1..])),
        "credential_missing"
    );
    for (name, value) in [
        ("response_type", json!("code")),
        ("nonce", json!("short")),
        ("response_mode", json!("query")),
        ("dcql_query", json!({})),
    ] {
        let mut broken = plain.to_json();
        broken[name] = value;
        assert_eq!(
            code(WalletRequest::from_json(&broken, None)),
            "oid4vp_malformed",
            "{name}"
        );
    }
}

#[test]
fn openid4vp_through_the_digital_credentials_api() {
    use docbridge::dcapi::openid4vp;
    let (wallet, verifier) = wallet_and_verifier();
    let request = VerifierRequest::new(
        None,
        ResponseMode::DcApi {
            origin: ORIGIN.into(),
        },
        licence_query(),
        true,
        &mut rng(110),
    )
    .unwrap();
    let dc_request = openid4vp::request_json(&request).unwrap();
    assert_eq!(dc_request["protocol"], "openid4vp-v1-unsigned");
    assert_eq!(dc_request["data"]["response_mode"], "dc_api.jwt");
    let data = openid4vp::request_data(&dc_request).unwrap();
    let params = answer(&wallet, data, Some(ORIGIN), 111);
    let result = openid4vp::response_json(params);
    let token = request
        .read_response(openid4vp::response_data(&result).unwrap())
        .unwrap();
    assert_eq!(verify_all(&verifier, &request, &token).unwrap().len(), 1);
    // Another protocol's request, and a direct_post request, are refused.
    let signed = json!({"protocol": "openid4vp-v1-signed", "data": {"request": "e30.e30.sig"}});
    assert_eq!(code(openid4vp::request_data(&signed)), "dcapi_malformed");
    let post = VerifierRequest::new(
        Some(CLIENT),
        ResponseMode::DirectPost {
            response_uri: RESPONSE_URI.into(),
        },
        licence_query(),
        false,
        &mut rng(112),
    )
    .unwrap();
    assert_eq!(code(openid4vp::request_json(&post)), "invalid_argument");
}

#[test]
fn a_verifier_restores_its_request_from_what_it_kept() {
    let (wallet, verifier) = wallet_and_verifier();
    for (mode, origin) in [
        (
            ResponseMode::DirectPost {
                response_uri: RESPONSE_URI.into(),
            },
            None,
        ),
        (
            ResponseMode::DcApi {
                origin: ORIGIN.into(),
            },
            Some(ORIGIN),
        ),
    ] {
        let client = origin.is_none().then_some(CLIENT);
        let request =
            VerifierRequest::new(client, mode, licence_query(), true, &mut rng(120)).unwrap();
        let json = request.to_json();
        let key = request.private_key().cloned();
        let restored = VerifierRequest::restore(&json, key, origin).unwrap();
        assert_eq!(
            restored.session_transcript_bytes().unwrap(),
            request.session_transcript_bytes().unwrap()
        );
        assert_eq!(
            (restored.nonce(), restored.state()),
            (request.nonce(), request.state())
        );
        let token = restored
            .read_response(&answer(&wallet, &json, origin, 121))
            .unwrap();
        assert_eq!(verify_all(&verifier, &restored, &token).unwrap().len(), 1);
        let stranger = p256::SecretKey::from_slice(&[5; 32]).unwrap();
        assert_eq!(
            code(VerifierRequest::restore(&json, Some(stranger), origin)),
            "invalid_key"
        );
        assert_eq!(
            code(VerifierRequest::restore(&json, None, origin)),
            "invalid_key"
        );
    }
}
