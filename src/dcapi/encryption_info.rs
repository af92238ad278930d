//! EncryptionInfo and the DCAPIHandover of ISO/IEC TS 18013-7 Annex C
//! (`org-iso-mdoc` over the W3C Digital Credentials API).
//!
//! ```cddl
//! EncryptionInfo = ["dcapi", {"nonce": bstr, "recipientPublicKey": COSE_Key}]
//! Base64EncryptionInfo = tstr            ; base64url, no padding, of EncryptionInfo
//! DCAPIInfo = [Base64EncryptionInfo, SerializedOrigin]
//! DCAPIHandover = ["dcapi", bstr .size 32]   ; SHA-256(CBOR DCAPIInfo)
//! SessionTranscript = [null, null, DCAPIHandover]
//! ```
//!
//! The transcript hashes the base64url text exactly as it travelled, so it
//! is kept as received rather than re-encoded.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::value::Value;
use sha2::{Digest, Sha256};

use crate::cbor;
use crate::cose::PublicKey;
use crate::error::{Error, Result};
use crate::session;

/// The tag of EncryptionInfo, EncryptedResponse and the handover.
pub const DCAPI: &str = "dcapi";

/// Smallest verifier nonce accepted (bytes).
pub const MIN_NONCE_LEN: usize = 16;

/// The verifier's EncryptionInfo: its nonce and the P-256 key the wallet
/// encrypts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionInfo {
    nonce: Vec<u8>,
    recipient: p256::PublicKey,
    /// The base64url text as received (or as made here).
    base64: String,
}

impl EncryptionInfo {
    /// EncryptionInfo for a verifier nonce (at least 16 bytes,
    /// `invalid_argument` otherwise) and the verifier's key.
    pub fn new(nonce: Vec<u8>, recipient: p256::PublicKey) -> Result<EncryptionInfo> {
        if nonce.len() < MIN_NONCE_LEN {
            return Err(Error::InvalidArgument(format!(
                "nonce shorter than {MIN_NONCE_LEN} bytes"
            )));
        }
        let key = PublicKey::P256(p256::ecdsa::VerifyingKey::from(&recipient));
        let value = Value::Array(vec![
            Value::Text(DCAPI.into()),
            cbor::text_map([
                ("nonce", Value::Bytes(nonce.clone())),
                ("recipientPublicKey", key.to_cose_key_value()?),
            ]),
        ]);
        Ok(EncryptionInfo {
            nonce,
            recipient,
            base64: URL_SAFE_NO_PAD.encode(cbor::encode(&value)?),
        })
    }

    /// Reads Base64EncryptionInfo (`dcapi_malformed` for the wrong shape,
    /// `invalid_key` or `session_unsupported_curve` for a key that is not
    /// P-256).
    pub fn from_base64(text: &str) -> Result<EncryptionInfo> {
        let bytes = super::decode_base64(text, "encryptionInfo")?;
        let value = cbor::decode(&bytes)?;
        let malformed = |what: &str| Error::DcapiMalformed(format!("EncryptionInfo: {what}"));
        let Value::Array(items) = &value else {
            return Err(malformed("not an array"));
        };
        let [Value::Text(tag), Value::Map(map)] = items.as_slice() else {
            return Err(malformed("not [\"dcapi\", {...}]"));
        };
        if tag != DCAPI {
            return Err(malformed("tag is not \"dcapi\""));
        }
        let nonce = match cbor::map_get(map, "nonce") {
            Some(Value::Bytes(nonce)) if nonce.len() >= MIN_NONCE_LEN => nonce.clone(),
            _ => {
                return Err(malformed(
                    "nonce missing, not bytes or shorter than 16 bytes",
                ));
            }
        };
        let key = cbor::map_get(map, "recipientPublicKey")
            .ok_or_else(|| malformed("no recipientPublicKey"))?;
        let recipient = session::p256_point(
            &session::read_cose_key(&cbor::encode(key)?)?,
            "recipientPublicKey",
        )?;
        Ok(EncryptionInfo {
            nonce,
            recipient,
            base64: text.to_string(),
        })
    }

    /// The verifier's nonce.
    pub fn nonce(&self) -> &[u8] {
        &self.nonce
    }

    /// The key the wallet encrypts to.
    pub fn recipient(&self) -> &p256::PublicKey {
        &self.recipient
    }

    /// Base64EncryptionInfo, as received or made.
    pub fn base64(&self) -> &str {
        &self.base64
    }
}

/// The DCAPIInfo bytes: CBOR `[Base64EncryptionInfo, origin]`.
pub fn dcapi_info(base64_encryption_info: &str, origin: &str) -> Result<Vec<u8>> {
    cbor::encode(&Value::Array(vec![
        Value::Text(base64_encryption_info.into()),
        Value::Text(origin.into()),
    ]))
}

/// The SessionTranscript array `[null, null, ["dcapi", SHA-256(DCAPIInfo)]]`
/// (not tag 24: this is also the HPKE `info`).
pub fn session_transcript(base64_encryption_info: &str, origin: &str) -> Result<Vec<u8>> {
    let info = dcapi_info(base64_encryption_info, origin)?;
    cbor::encode(&Value::Array(vec![
        Value::Null,
        Value::Null,
        Value::Array(vec![
            Value::Text(DCAPI.into()),
            Value::Bytes(Sha256::digest(info).to_vec()),
        ]),
    ]))
}
