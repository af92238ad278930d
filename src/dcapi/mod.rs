//! The W3C Digital Credentials API: a website asks the browser for a
//! credential, the browser asks a wallet app, and the answer comes back
//! through the browser, which tells the wallet the website's origin.
//!
//! | protocol | module | handover, encryption |
//! |---|---|---|
//! | `org-iso-mdoc` (ISO/IEC TS 18013-7 Annex C) | [`iso_mdoc`], [`encryption_info`], [`hpke`] | `DCAPIHandover`; HPKE P-256 / HKDF-SHA256 / AES-128-GCM |
//! | `openid4vp-v1-unsigned` (OpenID4VP 1.0 over the DC API) | [`openid4vp`], [`crate::oid4vp`] | `OpenID4VPDCAPIHandover` ([`crate::oid4vp::handover::dc_api_session_transcript_bytes`]); JWE |
//!
//! Requests and responses of the wrong shape are `dcapi_malformed`; a
//! response that does not open under the verifier's key and transcript is
//! `response_decryption_failed`.

pub mod encryption_info;
pub mod hpke;
pub mod iso_mdoc;
pub mod openid4vp;

pub use encryption_info::EncryptionInfo;
pub use hpke::EncryptedResponse;
pub use iso_mdoc::{IsoMdocVerifierRequest, IsoMdocWalletRequest};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value as Json;

use crate::cbor::Limits;
use crate::error::{Error, Result};

/// The `data` object of `{"protocol", "data"}` (checking the protocol), or
/// the object itself when it has no `protocol` member.
pub(crate) fn data_member<'a>(json: &'a Json, protocol: &str) -> Result<&'a Json> {
    match json.get("protocol") {
        None => Ok(json),
        Some(Json::String(p)) if p == protocol => json
            .get("data")
            .ok_or_else(|| Error::DcapiMalformed("no \"data\" member".into())),
        Some(other) => Err(Error::DcapiMalformed(format!(
            "protocol {} where {protocol:?} was expected",
            cut(&other.to_string())
        ))),
    }
}

/// A text member of a JSON object.
pub(crate) fn text_member<'a>(json: &'a Json, name: &str) -> Result<&'a str> {
    json.get(name)
        .and_then(Json::as_str)
        .ok_or_else(|| Error::DcapiMalformed(format!("no text member {name:?}")))
}

/// Decodes base64url without padding, refusing text longer than any CBOR
/// input the crate accepts before decoding it.
pub(crate) fn decode_base64(text: &str, what: &str) -> Result<Vec<u8>> {
    if text.len().saturating_mul(3) / 4 > Limits::default().max_input_len {
        return Err(Error::DcapiMalformed(format!("{what} is too long")));
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| Error::DcapiMalformed(format!("{what} is not base64url: {e}")))
}

fn cut(text: &str) -> String {
    text.chars().take(40).collect()
}
