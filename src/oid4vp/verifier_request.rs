//! The verifier's side of an OpenID4VP 1.0 exchange for `mso_mdoc`: make
//! the authorization request (keeping its nonce, state and ephemeral
//! encryption key), then read the wallet's response into DeviceResponses
//! to verify against [`VerifierRequest::session_transcript_bytes`].
//!
//! | response mode | where the response goes | transcript |
//! |---|---|---|
//! | `direct_post` / `direct_post.jwt` | POSTed to `response_uri` | `OpenID4VPHandover` |
//! | `dc_api` / `dc_api.jwt` | returned through the browser | `OpenID4VPDCAPIHandover` |
//!
//! The `.jwt` modes encrypt the response to the verifier's ephemeral P-256
//! key (JWE ECDH-ES, [`super::jwe`]) and bind that key into the transcript
//! through its RFC 7638 thumbprint.
//!
//! Refusals when reading a response: `oid4vp_state_mismatch` (a response
//! to another request), `jwe_wrong_key` and `response_decryption_failed`
//! (encrypted to another key), `credential_missing` (the vp_token lacks a
//! required credential), `oid4vp_malformed`. A wrong nonce, client or
//! origin is caught when the DeviceResponse is verified: they are inside
//! the transcript, so the device signature fails (`device_signature_invalid`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::CryptoRng;
use serde_json::{Map, Value as Json, json};

use super::dcql::DcqlQuery;
use super::handover;
use super::jwe::{self, ContentEncryption};
use super::jwk::EcJwk;
use super::vp_token::VpToken;
use crate::error::{Error, Result};
use p256::elliptic_curve::Generate as _;

/// How the response travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseMode {
    /// `direct_post` / `direct_post.jwt` to the verifier's `response_uri`.
    DirectPost {
        /// Where the wallet posts the response.
        response_uri: String,
    },
    /// `dc_api` / `dc_api.jwt` through the Digital Credentials API.
    DcApi {
        /// The website's origin, as the browser reports it to the wallet.
        origin: String,
    },
}

/// The verifier's request and what it keeps until the response arrives.
#[derive(Debug, Clone)]
pub struct VerifierRequest {
    client_id: Option<String>,
    nonce: String,
    /// Sent and echoed in `direct_post` only.
    state: Option<String>,
    mode: ResponseMode,
    query: DcqlQuery,
    encryption: Option<(p256::SecretKey, EcJwk, ContentEncryption)>,
}

fn random_text<R: CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl VerifierRequest {
    /// A request asking `query`, answered over `mode`; with `encrypt`, the
    /// response is encrypted (`.jwt` mode) with `A128GCM` to a fresh key.
    /// `client_id` is required for `direct_post` and optional for the DC
    /// API (unsigned requests there are identified by the origin).
    pub fn new<R: CryptoRng + ?Sized>(
        client_id: Option<&str>,
        mode: ResponseMode,
        query: DcqlQuery,
        encrypt: bool,
        rng: &mut R,
    ) -> Result<VerifierRequest> {
        if matches!(mode, ResponseMode::DirectPost { .. }) && client_id.is_none() {
            return Err(Error::InvalidArgument(
                "direct_post needs a client_id".into(),
            ));
        }
        let encryption = encrypt.then(|| {
            let key = p256::SecretKey::generate_from_rng(rng);
            let jwk = EcJwk::new(key.public_key(), Some(random_text(rng)));
            (key, jwk, ContentEncryption::A128Gcm)
        });
        let nonce = random_text(rng);
        let state = matches!(mode, ResponseMode::DirectPost { .. }).then(|| random_text(rng));
        Ok(VerifierRequest {
            client_id: client_id.map(str::to_string),
            nonce,
            state,
            mode,
            query,
            encryption,
        })
    }

    /// Where the response comes back.
    pub fn response_mode(&self) -> &ResponseMode {
        &self.mode
    }

    /// The verifier's request back from the request JSON it sent, its
    /// private encryption key (for the `.jwt` modes) and, for the DC API,
    /// its own origin: for a backend that keeps these between sending the
    /// request and reading the response. `invalid_key` when the key is not
    /// the request's (or is missing or superfluous).
    pub fn restore(
        request_json: &Json,
        private_key: Option<p256::SecretKey>,
        origin: Option<&str>,
    ) -> Result<VerifierRequest> {
        let read = super::wallet_request::WalletRequest::from_json(request_json, origin)?;
        let encryption = match (read.encryption, private_key) {
            (None, None) => None,
            (Some((jwk, enc)), Some(key)) if jwk.key == key.public_key() => Some((key, jwk, enc)),
            _ => {
                return Err(Error::InvalidKey(
                    "the private key is not the request's encryption key".into(),
                ));
            }
        };
        Ok(VerifierRequest {
            client_id: read.client_id,
            nonce: read.nonce,
            state: read.state,
            mode: read.mode,
            query: read.query,
            encryption,
        })
    }

    /// The private encryption key (the `.jwt` modes), to keep until the
    /// response arrives.
    pub fn private_key(&self) -> Option<&p256::SecretKey> {
        self.encryption.as_ref().map(|(key, _, _)| key)
    }

    /// The nonce.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The state, which a `direct_post` response must echo (none for the
    /// DC API, where the browser returns the response to the page that asked).
    pub fn state(&self) -> Option<&str> {
        self.state.as_deref()
    }

    /// The DCQL query.
    pub fn query(&self) -> &DcqlQuery {
        &self.query
    }

    fn thumbprint(&self) -> Result<Option<[u8; 32]>> {
        self.encryption
            .as_ref()
            .map(|(_, jwk, _)| jwk.thumbprint())
            .transpose()
    }

    /// SessionTranscriptBytes to verify each DeviceResponse with.
    pub fn session_transcript_bytes(&self) -> Result<Vec<u8>> {
        let thumbprint = self.thumbprint()?;
        match &self.mode {
            ResponseMode::DirectPost { response_uri } => handover::session_transcript_bytes(
                self.client_id.as_deref().unwrap_or_default(),
                &self.nonce,
                thumbprint.as_ref(),
                response_uri,
            ),
            ResponseMode::DcApi { origin } => {
                handover::dc_api_session_transcript_bytes(origin, &self.nonce, thumbprint.as_ref())
            }
        }
    }

    /// The authorization request parameters as JSON (for a request URI,
    /// or the `data` of a DC API `openid4vp` request).
    pub fn to_json(&self) -> Json {
        let mut request = Map::new();
        request.insert("response_type".into(), json!("vp_token"));
        if let Some(client_id) = &self.client_id {
            request.insert("client_id".into(), json!(client_id));
        }
        request.insert("nonce".into(), json!(self.nonce));
        let encrypted = self.encryption.is_some();
        match &self.mode {
            ResponseMode::DirectPost { response_uri } => {
                let mode = if encrypted {
                    "direct_post.jwt"
                } else {
                    "direct_post"
                };
                request.insert("response_mode".into(), json!(mode));
                request.insert("response_uri".into(), json!(response_uri));
                if let Some(state) = &self.state {
                    request.insert("state".into(), json!(state));
                }
            }
            ResponseMode::DcApi { .. } => {
                let mode = if encrypted { "dc_api.jwt" } else { "dc_api" };
                request.insert("response_mode".into(), json!(mode));
            }
        }
        request.insert("dcql_query".into(), self.query.to_json());
        let mut metadata = Map::new();
        metadata.insert(
            "vp_formats_supported".into(),
            json!({"mso_mdoc": {"issuerauth_alg_values": [-7, -8, -9, -35, -50], "deviceauth_alg_values": [-7, -8, -9, -35, -50]}}),
        );
        if let Some((_, jwk, enc)) = &self.encryption {
            metadata.insert(
                "jwks".into(),
                json!({"keys": [Json::Object(jwk.to_json())]}),
            );
            metadata.insert(
                "encrypted_response_enc_values_supported".into(),
                json!([enc.name()]),
            );
        }
        request.insert("client_metadata".into(), Json::Object(metadata));
        Json::Object(request)
    }

    /// The request as a signed request object (JAR, see [`super::jar`]),
    /// signed by `signer` whose reader certificate heads `chain`: the
    /// request's parameters with `aud` [`super::jar::SELF_ISSUED_AUDIENCE`]
    /// for `direct_post`, and `expected_origins` `[origin]` for the DC API.
    /// The client id must be the certificate's (`x509_san_dns:` naming one
    /// of its dNSNames, or [`super::jar::x509_hash_client_id`]), else the
    /// wallet refuses it.
    pub fn signed_request_object(
        &self,
        signer: &dyn crate::cose::Signer,
        chain: &[crate::x509::Certificate],
    ) -> Result<String> {
        let mut claims = self.to_json();
        if let Json::Object(map) = &mut claims {
            match &self.mode {
                ResponseMode::DirectPost { .. } => {
                    map.insert("aud".into(), json!(super::jar::SELF_ISSUED_AUDIENCE));
                }
                ResponseMode::DcApi { origin } => {
                    map.insert("expected_origins".into(), json!([origin]));
                }
            }
        }
        super::jar::sign_request_object(&claims, signer, chain)
    }

    /// Reads the wallet's response parameters (`{"vp_token", "state"}`, or
    /// `{"response": JWE}` in the `.jwt` modes): the vp_token, checked to
    /// answer the query. Verify each DeviceResponse in it against
    /// [`Self::session_transcript_bytes`].
    pub fn read_response(&self, params: &Json) -> Result<VpToken> {
        let payload = match &self.encryption {
            Some((key, jwk, _)) => {
                let compact = params
                    .get("response")
                    .and_then(Json::as_str)
                    .ok_or_else(|| {
                        Error::Oid4vpMalformed("an encrypted response needs \"response\"".into())
                    })?;
                let plaintext = jwe::decrypt(compact, key, jwk.kid.as_deref())?;
                serde_json::from_slice(&plaintext).map_err(|_| {
                    Error::Oid4vpMalformed("the decrypted response is not JSON".into())
                })?
            }
            None => params.clone(),
        };
        if let Some(expected) = &self.state {
            match payload.get("state").and_then(Json::as_str) {
                Some(state) if state == expected => {}
                _ => {
                    return Err(Error::Oid4vpStateMismatch(
                        "the response does not carry this request's state".into(),
                    ));
                }
            }
        }
        let token = VpToken::from_json(
            payload
                .get("vp_token")
                .ok_or_else(|| Error::Oid4vpMalformed("no vp_token".into()))?,
        )?;
        token.check_against(&self.query)?;
        Ok(token)
    }
}
