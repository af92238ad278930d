//! The wallet's side of an OpenID4VP 1.0 exchange for `mso_mdoc`: read the
//! authorization request, check who is asking, and answer with a vp_token,
//! encrypted when the verifier asks for a `.jwt` mode.
//!
//! Who is asking (section 5.9 and Appendix A):
//!
//! | how the request came | check | refusal |
//! |---|---|---|
//! | `redirect_uri:` client id | `response_uri` is the client id's URI | `oid4vp_client_mismatch` |
//! | `x509_san_dns:` client id | `response_uri`'s host is the client id's DNS name | `oid4vp_client_mismatch` |
//! | DC API, `expected_origins` present (signed requests) | the browser's origin is listed | `oid4vp_client_mismatch` |
//!
//! A signed request object (JAR) is verified by [`super::jar`], which then
//! reads its claims here.

use rand_core::CryptoRng;
use serde_json::{Value as Json, json};

use super::dcql::DcqlQuery;
use super::handover;
use super::jwe::{self, ContentEncryption};
use super::jwk::EcJwk;
use super::verifier_request::ResponseMode;
use super::vp_token::VpToken;
use crate::error::{Error, Result};

/// A request as the wallet reads it.
#[derive(Debug, Clone)]
pub struct WalletRequest {
    // Read by `VerifierRequest::restore` too.
    pub(super) client_id: Option<String>,
    pub(super) nonce: String,
    pub(super) state: Option<String>,
    pub(super) mode: ResponseMode,
    pub(super) query: DcqlQuery,
    pub(super) encryption: Option<(EcJwk, ContentEncryption)>,
    session_transcript_bytes: Vec<u8>,
}

fn malformed(what: &str) -> Error {
    Error::Oid4vpMalformed(format!("authorization request: {what}"))
}

fn mismatch(what: &str) -> Error {
    Error::Oid4vpClientMismatch(what.to_string())
}

/// The host of an `https://host[:port]/...` URI.
fn host_of(uri: &str) -> Option<&str> {
    let rest = uri.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(host.split(':').next().unwrap_or(host))
}

impl WalletRequest {
    /// Reads the request parameters. `origin` is the website's origin as
    /// the platform reports it, for requests that came through the Digital
    /// Credentials API; `None` for requests by redirect or QR code.
    pub fn from_json(request: &Json, origin: Option<&str>) -> Result<WalletRequest> {
        let text = |name: &str| request.get(name).and_then(Json::as_str);
        if text("response_type") != Some("vp_token") {
            return Err(malformed("response_type is not vp_token"));
        }
        let nonce = text("nonce")
            .filter(|n| n.len() >= crate::transcript::MIN_NONCE_LEN)
            .ok_or_else(|| malformed("no nonce of at least 16 characters"))?
            .to_string();
        let client_id = text("client_id").map(str::to_string);
        let response_mode = text("response_mode").unwrap_or("fragment");
        let (mode, encrypted) = match (response_mode, origin) {
            ("direct_post" | "direct_post.jwt", _) => {
                let response_uri = text("response_uri")
                    .ok_or_else(|| malformed("direct_post without response_uri"))?;
                let client_id = client_id
                    .as_deref()
                    .ok_or_else(|| malformed("direct_post without client_id"))?;
                check_client(client_id, response_uri)?;
                (
                    ResponseMode::DirectPost {
                        response_uri: response_uri.to_string(),
                    },
                    response_mode.ends_with(".jwt"),
                )
            }
            ("dc_api" | "dc_api.jwt", Some(origin)) => {
                if let Some(expected) = request.get("expected_origins") {
                    let listed = expected
                        .as_array()
                        .ok_or_else(|| malformed("expected_origins is not an array"))?;
                    if !listed.iter().any(|o| o.as_str() == Some(origin)) {
                        return Err(mismatch("the origin is not among the expected origins"));
                    }
                }
                (
                    ResponseMode::DcApi {
                        origin: origin.to_string(),
                    },
                    response_mode.ends_with(".jwt"),
                )
            }
            ("dc_api" | "dc_api.jwt", None) => {
                return Err(mismatch("a DC API request needs the browser's origin"));
            }
            _ => return Err(malformed("unsupported response_mode")),
        };
        let query = DcqlQuery::from_json(
            request
                .get("dcql_query")
                .ok_or_else(|| malformed("no dcql_query"))?,
        )?;
        let encryption = if encrypted {
            Some(encryption_key(request)?)
        } else {
            None
        };
        let thumbprint = encryption
            .as_ref()
            .map(|(jwk, _)| jwk.thumbprint())
            .transpose()?;
        let session_transcript_bytes = match &mode {
            ResponseMode::DirectPost { response_uri } => handover::session_transcript_bytes(
                client_id.as_deref().unwrap_or_default(),
                &nonce,
                thumbprint.as_ref(),
                response_uri,
            )?,
            ResponseMode::DcApi { origin } => {
                handover::dc_api_session_transcript_bytes(origin, &nonce, thumbprint.as_ref())?
            }
        };
        Ok(WalletRequest {
            client_id,
            nonce,
            state: text("state").map(str::to_string),
            mode,
            query,
            encryption,
            session_transcript_bytes,
        })
    }

    /// The DCQL query to match against the stored documents.
    pub fn query(&self) -> &DcqlQuery {
        &self.query
    }

    /// The client id, when the request has one.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// Where the response goes: the `response_uri` to POST to, or back
    /// through the Digital Credentials API.
    pub fn response_mode(&self) -> &ResponseMode {
        &self.mode
    }

    /// The nonce.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// SessionTranscriptBytes to sign each DeviceResponse over.
    pub fn session_transcript_bytes(&self) -> &[u8] {
        &self.session_transcript_bytes
    }

    /// The response parameters for `vp_token`: `{"vp_token", "state"}`, or
    /// `{"response": JWE}` when the verifier asked for encryption.
    pub fn respond<R: CryptoRng + ?Sized>(&self, vp_token: &VpToken, rng: &mut R) -> Result<Json> {
        let mut payload = serde_json::Map::new();
        payload.insert("vp_token".into(), vp_token.to_json());
        if let Some(state) = &self.state {
            payload.insert("state".into(), json!(state));
        }
        let payload = Json::Object(payload);
        match &self.encryption {
            None => Ok(payload),
            Some((jwk, enc)) => {
                let compact = jwe::encrypt(jwk, *enc, payload.to_string().as_bytes(), rng)?;
                Ok(json!({"response": compact}))
            }
        }
    }
}

fn check_client(client_id: &str, response_uri: &str) -> Result<()> {
    if let Some(uri) = client_id.strip_prefix("redirect_uri:")
        && uri != response_uri
    {
        return Err(mismatch("response_uri is not the redirect_uri client id"));
    }
    if let Some(dns) = client_id.strip_prefix("x509_san_dns:")
        && host_of(response_uri).is_none_or(|host| !host.eq_ignore_ascii_case(dns))
    {
        return Err(mismatch(
            "response_uri's host is not the x509_san_dns client id",
        ));
    }
    Ok(())
}

/// The first P-256 encryption key of `client_metadata.jwks` and the first
/// supported `enc` (A128GCM when none is listed).
fn encryption_key(request: &Json) -> Result<(EcJwk, ContentEncryption)> {
    let metadata = request
        .get("client_metadata")
        .ok_or_else(|| malformed("an encrypted mode without client_metadata"))?;
    let keys = metadata
        .get("jwks")
        .and_then(|j| j.get("keys"))
        .and_then(Json::as_array)
        .ok_or_else(|| malformed("an encrypted mode without jwks"))?;
    let jwk = keys
        .iter()
        .filter_map(Json::as_object)
        .filter(|k| {
            k.get("use")
                .and_then(Json::as_str)
                .is_none_or(|u| u == "enc")
        })
        .find_map(|k| EcJwk::from_json(k).ok())
        .ok_or_else(|| Error::InvalidKey("no P-256 encryption key in jwks".into()))?;
    let enc = match metadata.get("encrypted_response_enc_values_supported") {
        None => ContentEncryption::A128Gcm,
        Some(values) => values
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .find_map(|name| ContentEncryption::from_name(name).ok())
            .ok_or_else(|| {
                Error::UnsupportedAlgorithm("no supported enc among the verifier's".into())
            })?,
    };
    Ok((jwk, enc))
}
