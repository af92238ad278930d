//! The `openid4vp` protocols of the Digital Credentials API (OpenID4VP 1.0
//! Appendix A): the authorization request of [`crate::oid4vp`] in the
//! `data` of a DC API request, the response parameters in the `data` of
//! the result. The transcript is the `OpenID4VPDCAPIHandover` over the
//! origin the browser reports ([`crate::oid4vp::ResponseMode::DcApi`]).
//!
//! Only unsigned requests are built and read here: a signed request's
//! `data` is `{"request": JWS}`, whose signature the app checks against the
//! verifier's certificate before handing the claims to
//! [`crate::oid4vp::WalletRequest::from_json`].

use serde_json::{Value as Json, json};

use super::data_member;
use crate::error::{Error, Result};
use crate::oid4vp::{ResponseMode, VerifierRequest};

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

/// The DC API result of the wallet's response parameters.
pub fn response_json(params: Json) -> Json {
    json!({"protocol": PROTOCOL_UNSIGNED, "data": params})
}

/// The response parameters inside a DC API result.
pub fn response_data(result: &Json) -> Result<&Json> {
    data_member(result, PROTOCOL_UNSIGNED)
}
