//! The OpenID4VP 1.0 handovers for `mso_mdoc` (OpenID4VP 1.0 Appendix
//! B.2.6), beside the ISO/IEC 18013-7 draft form in
//! [`crate::transcript::openid4vp`]:
//!
//! | flow | Handover | info hashed with SHA-256 |
//! |---|---|---|
//! | redirect (`direct_post`, `direct_post.jwt`) | `["OpenID4VPHandover", hash]` | `[client_id, nonce, jwk_thumbprint / null, response_uri]` |
//! | Digital Credentials API (`dc_api`, `dc_api.jwt`) | `["OpenID4VPDCAPIHandover", hash]` | `[origin, nonce, jwk_thumbprint / null]` |
//!
//! The SessionTranscript is `[null, null, Handover]`. `jwk_thumbprint` is
//! the RFC 7638 SHA-256 thumbprint of the verifier's encryption key when the
//! response is encrypted, `null` otherwise: an encrypted response cannot be
//! re-encrypted to another key and still verify.

use ciborium::value::Value;
use sha2::{Digest, Sha256};

use crate::cbor;
use crate::error::Result;

/// Handover name of the redirect flow.
pub const OPENID4VP_HANDOVER: &str = "OpenID4VPHandover";
/// Handover name of the Digital Credentials API flow.
pub const OPENID4VP_DC_API_HANDOVER: &str = "OpenID4VPDCAPIHandover";

fn optional_thumbprint(thumbprint: Option<&[u8; 32]>) -> Value {
    thumbprint.map_or(Value::Null, |t| Value::Bytes(t.to_vec()))
}

/// The OpenID4VPHandoverInfo bytes of the redirect flow:
/// CBOR `[client_id, nonce, jwk_thumbprint / null, response_uri]`.
pub fn handover_info(
    client_id: &str,
    nonce: &str,
    jwk_thumbprint: Option<&[u8; 32]>,
    response_uri: &str,
) -> Result<Vec<u8>> {
    cbor::encode(&Value::Array(vec![
        Value::Text(client_id.into()),
        Value::Text(nonce.into()),
        optional_thumbprint(jwk_thumbprint),
        Value::Text(response_uri.into()),
    ]))
}

/// The OpenID4VPDCAPIHandoverInfo bytes: CBOR `[origin, nonce,
/// jwk_thumbprint / null]`.
pub fn dc_api_handover_info(
    origin: &str,
    nonce: &str,
    jwk_thumbprint: Option<&[u8; 32]>,
) -> Result<Vec<u8>> {
    cbor::encode(&Value::Array(vec![
        Value::Text(origin.into()),
        Value::Text(nonce.into()),
        optional_thumbprint(jwk_thumbprint),
    ]))
}

/// The SessionTranscript array `[null, null, [name, SHA-256(info)]]`,
/// encoded, not wrapped in tag 24.
pub fn session_transcript(handover_name: &str, info: &[u8]) -> Result<Vec<u8>> {
    cbor::encode(&Value::Array(vec![
        Value::Null,
        Value::Null,
        Value::Array(vec![
            Value::Text(handover_name.into()),
            Value::Bytes(Sha256::digest(info).to_vec()),
        ]),
    ]))
}

/// SessionTranscriptBytes (tag 24) of the OpenID4VP 1.0 redirect flow.
pub fn session_transcript_bytes(
    client_id: &str,
    nonce: &str,
    jwk_thumbprint: Option<&[u8; 32]>,
    response_uri: &str,
) -> Result<Vec<u8>> {
    let info = handover_info(client_id, nonce, jwk_thumbprint, response_uri)?;
    wrap(session_transcript(OPENID4VP_HANDOVER, &info)?)
}

/// SessionTranscriptBytes (tag 24) of OpenID4VP 1.0 over the Digital
/// Credentials API.
pub fn dc_api_session_transcript_bytes(
    origin: &str,
    nonce: &str,
    jwk_thumbprint: Option<&[u8; 32]>,
) -> Result<Vec<u8>> {
    let info = dc_api_handover_info(origin, nonce, jwk_thumbprint)?;
    wrap(session_transcript(OPENID4VP_DC_API_HANDOVER, &info)?)
}

pub(crate) fn wrap(session_transcript: Vec<u8>) -> Result<Vec<u8>> {
    cbor::encode(&cbor::tag24(session_transcript))
}
