//! The `openid4vp` protocols of the Digital Credentials API (OpenID4VP 1.0
//! Appendix A): the authorization request of [`crate::oid4vp`] in the
//! `data` of a DC API request, the response parameters in the `data` of
//! the result. The transcript is the `OpenID4VPDCAPIHandover` over the
//! origin the browser reports ([`crate::oid4vp::ResponseMode::DcApi`]).
//!
//! A signed request (`openid4vp-v1-signed`) carries `{"request": JWS}`:
//! [`signed_request_json`] builds it, [`signed_request_object`] gives the
//! wallet the JWS for [`crate::Wallet::verify_signed_request`] or
//! [`crate::oid4vp::SignedRequest::verify`] (with the browser's origin,
//! checked against the object's `expected_origins`).

use serde_json::{Value as Json, json};

use super::{data_member, text_member};
use crate::cose::Signer;
use crate::error::{Error, Result};
use crate::oid4vp::{ResponseMode, VerifierRequest};
use crate::x509::Certificate;

/// Protocol identifier of unsigned OpenID4VP requests.
pub const PROTOCOL_UNSIGNED: &str = "openid4vp-v1-unsigned";
/// Protocol identifier of signed OpenID4VP requests.
pub const PROTOCOL_SIGNED: &str = "openid4vp-v1-signed";

/// The DC API request `{"protocol": "openid4vp-v1-unsigned", "data": ...}`
/// of a verifier request made for [`ResponseMode::DcApi`]
/// (`invalid_argument` for another mode).
pub fn request_json(request: &VerifierRequest) -> Result<Json> {
    if !matches!(request.response_mode(), ResponseMode::DcApi { .. }) {
        return Err(Error::InvalidArgument(
            "only a dc_api request travels through the Digital Credentials API".into(),
        ));
    }
    Ok(json!({"protocol": PROTOCOL_UNSIGNED, "data": request.to_json()}))
}

/// The authorization request inside a DC API request (`dcapi_malformed`
/// for another protocol; a signed request is refused the same way, see the
/// module docs).
pub fn request_data(dc_api_request: &Json) -> Result<&Json> {
    data_member(dc_api_request, PROTOCOL_UNSIGNED)
}

/// The DC API request `{"protocol": "openid4vp-v1-signed", "data":
/// {"request": JWS}}` of a verifier request made for
/// [`ResponseMode::DcApi`], signed as
/// [`VerifierRequest::signed_request_object`] says (`invalid_argument` for
/// another mode).
pub fn signed_request_json(
    request: &VerifierRequest,
    signer: &dyn Signer,
    chain: &[Certificate],
) -> Result<Json> {
    request_json(request)?;
    let jws = request.signed_request_object(signer, chain)?;
    Ok(json!({"protocol": PROTOCOL_SIGNED, "data": {"request": jws}}))
}

/// The request object (compact JWS) of a signed DC API request
/// (`dcapi_malformed` for another protocol or no `request` text).
pub fn signed_request_object(dc_api_request: &Json) -> Result<&str> {
    text_member(data_member(dc_api_request, PROTOCOL_SIGNED)?, "request")
}

/// The DC API result of the wallet's response parameters (to an unsigned
/// request; see [`signed_response_json`]).
pub fn response_json(params: Json) -> Json {
    json!({"protocol": PROTOCOL_UNSIGNED, "data": params})
}

/// The DC API result of the wallet's response parameters to a signed request.
pub fn signed_response_json(params: Json) -> Json {
    json!({"protocol": PROTOCOL_SIGNED, "data": params})
}

/// The response parameters inside a DC API result, to an unsigned or a
/// signed request.
pub fn response_data(result: &Json) -> Result<&Json> {
    if result.get("protocol").and_then(Json::as_str) == Some(PROTOCOL_SIGNED) {
        return data_member(result, PROTOCOL_SIGNED);
    }
    data_member(result, PROTOCOL_UNSIGNED)
}
