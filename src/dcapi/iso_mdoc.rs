//! The `org-iso-mdoc` protocol of the Digital Credentials API (ISO/IEC TS
//! 18013-7 Annex C), both sides.
//!
//! ```text
//! verifier (website + backend)                 wallet (credential provider)
//! IsoMdocVerifierRequest::new(origin, items)
//!   keeps the HPKE private key and nonce
//!   request_json() ─► navigator.credentials.get ─► IsoMdocWalletRequest::from_json(json, origin)
//!                                                   holder::present(..., session_transcript_bytes)
//!   open_response(json) ◄───────────────────────── respond(DeviceResponse)
//!   then the verifier checks the DeviceResponse against session_transcript_bytes()
//! ```
//!
//! ```json
//! request:  {"protocol": "org-iso-mdoc", "data": {"deviceRequest": b64url, "encryptionInfo": b64url}}
//! response: {"protocol": "org-iso-mdoc", "data": {"response": b64url(EncryptedResponse)}}
//! ```
//!
//! The origin is the one the browser reports to the wallet; the verifier
//! uses its own. A response made for another origin does not open
//! (`response_decryption_failed`), and its device signature would not
//! verify either.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::CryptoRng;
use serde_json::{Value as Json, json};

use super::encryption_info::{self, EncryptionInfo};
use super::hpke::EncryptedResponse;
use super::{data_member, decode_base64, text_member};
use crate::cose::Signer;
use crate::error::Result;
use crate::oid4vp::handover::wrap;
use crate::request::{DeviceRequest, ItemsRequest};
use crate::x509::Certificate;
use p256::elliptic_curve::Generate as _;

/// The protocol identifier.
pub const PROTOCOL: &str = "org-iso-mdoc";

/// The verifier's side of one request: what it sends and what it keeps.
#[derive(Debug, Clone)]
pub struct IsoMdocVerifierRequest {
    origin: String,
    device_request: DeviceRequest,
    encryption_info: EncryptionInfo,
    private_key: p256::SecretKey,
    session_transcript_bytes: Vec<u8>,
}

impl IsoMdocVerifierRequest {
    /// A request from the website at `origin` for `items`, signed with
    /// `reader` (key and certificate chain) when given: a fresh HPKE key
    /// and 32-byte nonce are drawn from `rng`.
    pub fn new<R: CryptoRng + ?Sized>(
        origin: &str,
        items: &[ItemsRequest],
        reader: Option<(&dyn Signer, &[Certificate])>,
        rng: &mut R,
    ) -> Result<IsoMdocVerifierRequest> {
        let private_key = p256::SecretKey::generate_from_rng(rng);
        let mut nonce = vec![0u8; 32];
        rng.fill_bytes(&mut nonce);
        let encryption_info = EncryptionInfo::new(nonce, private_key.public_key())?;
        let session_transcript_bytes = wrap(encryption_info::session_transcript(
            encryption_info.base64(),
            origin,
        )?)?;
        let device_request = DeviceRequest::build(items, reader, &session_transcript_bytes)?;
        Ok(IsoMdocVerifierRequest {
            origin: origin.to_string(),
            device_request,
            encryption_info,
            private_key,
            session_transcript_bytes,
        })
    }

    /// The verifier's state back from the request JSON it sent, its private
    /// key and its origin (a backend that keeps them between the two calls).
    pub fn restore(
        request_json: &Json,
        private_key: p256::SecretKey,
        origin: &str,
    ) -> Result<IsoMdocVerifierRequest> {
        let wallet_view = IsoMdocWalletRequest::from_json(request_json, origin)?;
        if wallet_view.encryption_info.recipient() != &private_key.public_key() {
            return Err(crate::Error::InvalidKey(
                "the private key is not the request's recipient key".into(),
            ));
        }
        Ok(IsoMdocVerifierRequest {
            origin: origin.to_string(),
            device_request: wallet_view.device_request,
            encryption_info: wallet_view.encryption_info,
            private_key,
            session_transcript_bytes: wallet_view.session_transcript_bytes,
        })
    }

    /// The request for `navigator.credentials.get`:
    /// `{"protocol": "org-iso-mdoc", "data": {...}}`.
    pub fn request_json(&self) -> Result<Json> {
        Ok(json!({
            "protocol": PROTOCOL,
            "data": {
                "deviceRequest": URL_SAFE_NO_PAD.encode(self.device_request.to_vec()?),
                "encryptionInfo": self.encryption_info.base64(),
            }
        }))
    }

    /// The HPKE private key, to keep until the response arrives.
    pub fn private_key(&self) -> &p256::SecretKey {
        &self.private_key
    }

    /// The nonce.
    pub fn nonce(&self) -> &[u8] {
        self.encryption_info.nonce()
    }

    /// The DeviceRequest sent.
    pub fn device_request(&self) -> &DeviceRequest {
        &self.device_request
    }

    /// SessionTranscriptBytes (tag 24) to verify the DeviceResponse with.
    pub fn session_transcript_bytes(&self) -> &[u8] {
        &self.session_transcript_bytes
    }

    /// Opens the wallet's response JSON (the `data` object or the whole
    /// `{"protocol", "data"}`): the DeviceResponse bytes, to be verified
    /// against [`Self::session_transcript_bytes`]. Codes: `dcapi_malformed`,
    /// `response_decryption_failed` (another key, origin or request).
    pub fn open_response(&self, response_json: &Json) -> Result<Vec<u8>> {
        let data = data_member(response_json, PROTOCOL)?;
        let encrypted = decode_base64(text_member(data, "response")?, "response")?;
        let response = EncryptedResponse::from_slice(&encrypted)?;
        let transcript =
            encryption_info::session_transcript(self.encryption_info.base64(), &self.origin)?;
        response.open(&self.private_key, &transcript)
    }
}

/// The wallet's view of a request: what to show the holder and what to
/// sign over.
#[derive(Debug, Clone)]
pub struct IsoMdocWalletRequest {
    device_request: DeviceRequest,
    encryption_info: EncryptionInfo,
    session_transcript: Vec<u8>,
    session_transcript_bytes: Vec<u8>,
}

impl IsoMdocWalletRequest {
    /// Reads the request JSON the platform hands the credential provider
    /// (the `data` object or the whole `{"protocol", "data"}`) with the
    /// origin the platform reports. Codes: `dcapi_malformed`, and those of
    /// the DeviceRequest and EncryptionInfo.
    pub fn from_json(request_json: &Json, origin: &str) -> Result<IsoMdocWalletRequest> {
        let data = data_member(request_json, PROTOCOL)?;
        let device_request = DeviceRequest::from_slice(&decode_base64(
            text_member(data, "deviceRequest")?,
            "deviceRequest",
        )?)?;
        let encryption_info = EncryptionInfo::from_base64(text_member(data, "encryptionInfo")?)?;
        let session_transcript =
            encryption_info::session_transcript(encryption_info.base64(), origin)?;
        let session_transcript_bytes = wrap(session_transcript.clone())?;
        Ok(IsoMdocWalletRequest {
            device_request,
            encryption_info,
            session_transcript,
            session_transcript_bytes,
        })
    }

    /// The DeviceRequest to show the holder and answer.
    pub fn device_request(&self) -> &DeviceRequest {
        &self.device_request
    }

    /// SessionTranscriptBytes to sign the DeviceResponse over.
    pub fn session_transcript_bytes(&self) -> &[u8] {
        &self.session_transcript_bytes
    }

    /// Encrypts the DeviceResponse to the verifier and returns the response
    /// JSON `{"protocol": "org-iso-mdoc", "data": {"response": ...}}`.
    pub fn respond<R: CryptoRng + ?Sized>(
        &self,
        device_response: &[u8],
        rng: &mut R,
    ) -> Result<Json> {
        let sealed = EncryptedResponse::seal(
            self.encryption_info.recipient(),
            &self.session_transcript,
            device_response,
            rng,
        )?;
        Ok(json!({
            "protocol": PROTOCOL,
            "data": {"response": URL_SAFE_NO_PAD.encode(sealed.to_vec()?)}
        }))
    }
}
