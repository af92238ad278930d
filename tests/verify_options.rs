//! The verification entry points: what arrived (IssuerSigned, Document,
//! DeviceResponse; bytes or decoded) and the one options value.

mod common;

use common::{MDL_NS, NOW, licence_holder, rng, ukraine, validity, verifier};
use docbridge::device_response::{ErrorCode, ResponseStatus};
use docbridge::{
    Algorithm, DeviceRequest, DeviceResponse, DrivingLicence, Issuer, IssuerSigned, ItemsRequest,
    ManagedStatusList, ReaderCheck, Signer, SoftwareKey, StatusBits, StatusOutcome, StatusTokens,
    StatusValue, VehicleRegistration, VerifyOptions, documents::samples, present, transcript,
};
use time::Duration;

struct Fixture {
    verifier: docbridge::Verifier,
    licence: IssuerSigned,
    response: Vec<u8>,
    transcript: Vec<u8>,
}

fn fixture() -> Fixture {
    let ua = ukraine(Algorithm::Es256, 1);
    let (device, licence) = licence_holder(&ua, 2);
    let transcript = transcript::backend_nonce("verify options test", &[7; 16]).unwrap();
    let request = DeviceRequest::build(
        &[ItemsRequest::new(DrivingLicence::DOC_TYPE).element(MDL_NS, "family_name", false)],
        None,
        &transcript,
    )
    .unwrap();
    let presentation = present(
        std::slice::from_ref(&licence),
        &request,
        &transcript,
        &device,
        ReaderCheck::Skip,
        NOW,
    )
    .unwrap();
    Fixture {
        verifier: verifier(&[&ua]),
        licence,
        response: presentation.response.to_vec().unwrap(),
        transcript,
    }
}

fn code<T>(outcome: docbridge::Result<T>) -> &'static str {
    match outcome {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

#[test]
fn an_issuer_signed_verifies_as_bytes_and_decoded_without_a_transcript() {
    let f = fixture();
    let options = VerifyOptions::at(NOW).doc_type(DrivingLicence::DOC_TYPE);
    let from_bytes = f
        .verifier
        .verify(&f.licence.to_vec().unwrap(), &options)
        .unwrap();
    let decoded = f.verifier.verify(&f.licence, &options).unwrap();
    for verified in [from_bytes, decoded] {
        assert_eq!(verified.doc_type(), DrivingLicence::DOC_TYPE);
        assert_eq!(verified.issuing_country(), "UA");
        assert!(!verified.holder_bound());
    }
    let other = VerifyOptions::at(NOW).doc_type(VehicleRegistration::DOC_TYPE);
    assert_eq!(
        code(f.verifier.verify(&f.licence, &other)),
        "doc_type_mismatch"
    );
}

#[test]
fn a_device_response_given_as_an_issuer_signed_says_what_it_is() {
    let f = fixture();
    let refused = f
        .verifier
        .verify(&f.response, &VerifyOptions::at(NOW))
        .unwrap_err();
    assert_eq!(refused.code(), "invalid_structure");
    assert_eq!(
        refused.to_string(),
        "invalid structure: this is a DeviceResponse, not an IssuerSigned: \
         verify it as a response, with the session transcript (Verifier::verify_response)"
    );
}

#[test]
fn an_issuer_signed_given_as_a_response_says_what_it_is() {
    let f = fixture();
    let options = VerifyOptions::at(NOW).transcript(&f.transcript);
    let refused = f
        .verifier
        .verify_response(&f.licence.to_vec().unwrap(), &options)
        .unwrap_err();
    assert_eq!(refused.code(), "invalid_structure");
    assert!(
        refused
            .to_string()
            .contains("this is an IssuerSigned, not a DeviceResponse"),
        "{refused}"
    );
}

#[test]
fn a_response_and_its_documents_verify_with_the_transcript() {
    let f = fixture();
    let options = VerifyOptions::at(NOW).transcript(&f.transcript);
    let outcome = f.verifier.verify_response(&f.response, &options).unwrap();
    assert_eq!(outcome.status, ResponseStatus::Ok);
    assert!(outcome.document_errors.is_empty());
    assert!(outcome.into_first().unwrap().holder_bound());

    let decoded = DeviceResponse::from_slice(&f.response).unwrap();
    let document = &decoded.documents[0];
    let verified = f.verifier.verify(document, &options).unwrap();
    assert!(verified.holder_bound());
    let wrong_type = options.clone().doc_type(VehicleRegistration::DOC_TYPE);
    assert_eq!(
        code(f.verifier.verify(document, &wrong_type)),
        "doc_type_mismatch"
    );
}

#[test]
fn the_transcript_is_required_for_documents_and_refused_for_an_issuer_signed() {
    let f = fixture();
    let decoded = DeviceResponse::from_slice(&f.response).unwrap();
    let no_transcript = VerifyOptions::at(NOW);
    assert_eq!(
        code(f.verifier.verify_response(&f.response, &no_transcript)),
        "invalid_argument"
    );
    assert_eq!(
        code(f.verifier.verify(&decoded.documents[0], &no_transcript)),
        "invalid_argument"
    );
    // A caller who passes a transcript expects holder binding, which a bare
    // IssuerSigned cannot give.
    let with_transcript = VerifyOptions::at(NOW).transcript(&f.transcript);
    assert_eq!(
        code(f.verifier.verify(&f.licence, &with_transcript)),
        "invalid_argument"
    );
}

#[test]
fn a_status_token_applies_to_any_uri_and_keyed_tokens_win() {
    let ua = ukraine(Algorithm::Es256, 1);
    let uri = "https://status.example/ua/1";
    let mut list = ManagedStatusList::new_any_size(uri, StatusBits::Two, 1024).unwrap();
    let reference = list.allocate(&mut rng(4)).unwrap();
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng(2));
    let document = Issuer::new(&ua.ds_key, &ua.ds_certificate)
        .unwrap()
        .with_status_list(reference.clone())
        .issue_document(
            &samples::driving_licence_ua(),
            &device.public_key(),
            &validity(),
            &mut rng(5),
        )
        .unwrap();
    let sign = |list: &ManagedStatusList| {
        list.token(NOW - Duration::HOUR, NOW + Duration::DAY, None)
            .unwrap()
            .sign(&ua.ds_key, std::slice::from_ref(&ua.ds_certificate))
            .unwrap()
    };
    let valid = sign(&list);
    list.set(reference.idx, StatusValue::Invalid).unwrap();
    let revoked = sign(&list);
    let verifier = verifier(&[&ua]);

    let any = VerifyOptions::at(NOW).status_token(&valid);
    assert_eq!(
        verifier.verify(&document, &any).unwrap().status(),
        StatusOutcome::Valid
    );
    let keyed = StatusTokens::from([(uri.to_string(), revoked.clone())]);
    let both = VerifyOptions::at(NOW)
        .status_token(&valid)
        .status_tokens(&keyed);
    assert_eq!(code(verifier.verify(&document, &both)), "revoked");
    assert_eq!(
        code(verifier.verify(&document, &VerifyOptions::at(NOW))),
        "status_token_missing"
    );
}

#[test]
fn response_status_and_error_codes_have_names_and_keep_their_numbers() {
    for (code, status, name) in [
        (0, ResponseStatus::Ok, "ok"),
        (10, ResponseStatus::GeneralError, "general_error"),
        (11, ResponseStatus::CborDecodingError, "cbor_decoding_error"),
        (
            12,
            ResponseStatus::CborValidationError,
            "cbor_validation_error",
        ),
        (20, ResponseStatus::Other(20), "other"),
    ] {
        assert_eq!(ResponseStatus::from_code(code), status);
        assert_eq!(status.code(), code);
        assert_eq!(status.name(), name);
    }
    assert_eq!(ErrorCode::from_code(0), ErrorCode::DataNotReturned);
    assert_eq!(ErrorCode::from_code(-3), ErrorCode::Other(-3));
    assert_eq!(ErrorCode::Other(-3).code(), -3);

    // On the wire the numbers stay.
    let response = DeviceResponse {
        version: "1.0".into(),
        documents: vec![],
        document_errors: vec![(DrivingLicence::DOC_TYPE.into(), ErrorCode::Other(17))],
        status: ResponseStatus::CborValidationError,
    };
    let decoded = DeviceResponse::from_slice(&response.to_vec().unwrap()).unwrap();
    assert_eq!(decoded.status, ResponseStatus::CborValidationError);
    assert_eq!(decoded.document_errors, response.document_errors);
}
