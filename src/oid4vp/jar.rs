//! Signed OpenID4VP requests (JAR, RFC 9101): the verifier signs its
//! authorization request as a compact JWS with its reader certificate in
//! `x5c`; the wallet checks the signature, the chain to one of its reader
//! roots, the client identifier against the certificate, `client_id`,
//! `aud` and `exp`, then reads the claims as an unsigned request.
//!
//! ```text
//! BASE64URL({"alg", "typ": "oauth-authz-req+jwt", "x5c": [leaf, ...]}) . BASE64URL(claims) . BASE64URL(r || s)
//! ```
//!
//! Client identifier prefixes (OpenID4VP 1.0 section 5.9.3):
//!
//! | prefix | the leaf certificate must |
//! |---|---|
//! | `x509_san_dns:NAME` | name NAME as a subjectAltName dNSName |
//! | `x509_hash:HASH` | have HASH = base64url(SHA-256(DER)) |
//!
//! The JWS is checked with the crate's own COSE signature code (ES256,
//! ES384, EdDSA with Ed25519 take the same r || s / 64-byte signatures in
//! JOSE as in COSE), as the JWE beside it is built from RustCrypto
//! primitives; RFC 7515 Appendix A.3 is checked in the tests.
//!
//! `request_uri` stays with the app: [`RequestReference::read`] says which
//! URI to fetch (and with which method), the app fetches it, and
//! [`crate::Wallet::verify_signed_request`] (which also checks the
//! verifier against the wallet's reader CRLs) or [`SignedRequest::verify`]
//! takes the body bytes. The library does no HTTP.
//!
//! Refusals: `request_object_malformed` (shape, `typ`, no `x5c`),
//! `unsupported_algorithm` (`alg` not the leaf key's), `signature_invalid`,
//! `untrusted_reader` (the leaf was not issued by a reader root),
//! `oid4vp_client_mismatch` (another prefix, a certificate that does not
//! carry the client identifier, a `client_id` other than the one the
//! request came with), `request_object_audience`, `request_object_expired`.
//! With reader CRLs ([`SignedRequest::verify_with_crls`], or
//! [`crate::Wallet::verify_signed_request`] with the wallet's own), the
//! verifier's certificate is checked against them as a readerAuth reader's
//! is: `certificate_revoked`, and when its CRL is missing or stale and the
//! policy refuses that, `crl_missing` or `crl_stale`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value as Json, json};
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use super::wallet_request::WalletRequest;
use crate::cbor::Limits;
use crate::clock::DEFAULT_CLOCK_SKEW;
use crate::cose::{Algorithm, PublicKey, Signer};
use crate::error::{Error, Result, excerpt};
use crate::holder::{ReaderCrls, ReaderIdentity, ReaderRoot};
use crate::request::reader_root_index;
use crate::x509::Certificate;
use crate::x509::crl::{CrlOutcome, check_chain};

/// The JWS `typ` of a request object (RFC 9101 section 10.8).
pub const REQUEST_OBJECT_TYPE: &str = "oauth-authz-req+jwt";

/// The `aud` of a request object sent to a wallet found by static discovery
/// (OpenID4VP 1.0 section 5.8).
pub const SELF_ISSUED_AUDIENCE: &str = "https://self-issued.me/v2";

/// Most certificates read from `x5c`.
const MAX_CHAIN: usize = 8;

fn malformed(what: &str) -> Error {
    Error::RequestObjectMalformed(what.to_string())
}

fn jws_alg(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::EdDsa => "EdDSA",
        Algorithm::Es256 => "ES256",
        Algorithm::Es384 => "ES384",
    }
}

/// The `x509_hash:` client identifier of a verifier's leaf certificate.
pub fn x509_hash_client_id(leaf: &Certificate) -> String {
    format!(
        "x509_hash:{}",
        URL_SAFE_NO_PAD.encode(Sha256::digest(leaf.der()))
    )
}

/// Signs `claims` (the authorization request parameters) as a request
/// object with `signer`, whose certificate is the first of `chain`.
/// `invalid_argument` when the claims are not an object, lack a
/// `client_id`, or the signer's key is not the leaf's.
pub fn sign_request_object(
    claims: &Json,
    signer: &dyn Signer,
    chain: &[Certificate],
) -> Result<String> {
    let leaf = chain
        .first()
        .ok_or_else(|| Error::InvalidArgument("a request object needs its certificate".into()))?;
    if signer.public_key() != *leaf.public_key() {
        return Err(Error::InvalidArgument(
            "the signer's key is not the leaf certificate's".into(),
        ));
    }
    if !claims.is_object() || claims.get("client_id").and_then(Json::as_str).is_none() {
        return Err(Error::InvalidArgument(
            "request object claims must be an object with a client_id".into(),
        ));
    }
    let x5c: Vec<String> = chain.iter().map(|c| STANDARD.encode(c.der())).collect();
    let header =
        json!({"alg": jws_alg(signer.algorithm()), "typ": REQUEST_OBJECT_TYPE, "x5c": x5c});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = signer.sign(signing_input.as_bytes())?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// A compact JWS split and decoded, its signature not yet checked.
pub(crate) struct CompactJws {
    pub(crate) header: Map<String, Json>,
    pub(crate) payload: Vec<u8>,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
}

impl CompactJws {
    /// Splits `compact` into its parts (`request_object_malformed`).
    pub(crate) fn parse(compact: &[u8]) -> Result<CompactJws> {
        if compact.len() > Limits::default().max_input_len {
            return Err(malformed("too long"));
        }
        let text = std::str::from_utf8(compact)
            .map_err(|_| malformed("not UTF-8 text"))?
            .trim();
        let mut parts = text.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("not a compact JWS of three parts"));
        };
        let decode = |part: &str, what: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| malformed(&format!("the {what} is not base64url")))
        };
        let header_json: Json = serde_json::from_slice(&decode(header, "header")?)
            .map_err(|_| malformed("the header is not JSON"))?;
        let Json::Object(header_map) = header_json else {
            return Err(malformed("the header is not a JSON object"));
        };
        Ok(CompactJws {
            header: header_map,
            payload: decode(payload, "payload")?,
            signing_input: format!("{header}.{payload}").into_bytes(),
            signature: decode(signature, "signature")?,
        })
    }

    /// Verifies the signature with `key` under the header's `alg`
    /// (`unsupported_algorithm` when it is not the key's,
    /// `signature_invalid` when it does not verify).
    pub(crate) fn verify(&self, key: &PublicKey) -> Result<()> {
        let alg = self.header.get("alg").and_then(Json::as_str);
        if alg != Some(jws_alg(key.algorithm())) {
            return Err(Error::UnsupportedAlgorithm(format!(
                "JWS alg {} for a {} key",
                excerpt(&format!("{alg:?}")),
                key.algorithm().name()
            )));
        }
        key.verify(key.algorithm(), &self.signing_input, &self.signature)
    }
}

/// How an authorization request names its parameters (RFC 9101 section 5).
#[derive(Debug, Clone, PartialEq)]
pub enum RequestReference {
    /// The parameters themselves, unsigned.
    ByValue(Json),
    /// A request object passed by value (`request`).
    Signed {
        /// The `client_id` the request came with.
        client_id: String,
        /// The compact JWS.
        request: String,
    },
    /// A request object to fetch from `request_uri`; give the body to
    /// [`SignedRequest::verify`].
    ByReference {
        /// The `client_id` the request came with.
        client_id: String,
        /// Where to fetch the request object.
        request_uri: String,
        /// `true` when `request_uri_method` is `post` (the wallet POSTs its
        /// metadata), `false` for a GET.
        post: bool,
    },
}

impl RequestReference {
    /// Reads the parameters of an authorization request (the query of an
    /// `openid4vp://` URI, as a JSON object): `oid4vp_malformed` for
    /// `request` and `request_uri` together, either without `client_id`, or
    /// an unknown `request_uri_method`.
    pub fn read(params: &Json) -> Result<RequestReference> {
        let text = |name: &str| params.get(name).and_then(Json::as_str);
        let bad = |what: &str| Error::Oid4vpMalformed(format!("authorization request: {what}"));
        match (text("request"), text("request_uri")) {
            (None, None) => Ok(RequestReference::ByValue(params.clone())),
            (Some(_), Some(_)) => Err(bad("both request and request_uri")),
            (Some(request), None) => Ok(RequestReference::Signed {
                client_id: text("client_id")
                    .ok_or_else(|| bad("a request object without client_id"))?
                    .to_string(),
                request: request.to_string(),
            }),
            (None, Some(uri)) => {
                let post = match text("request_uri_method") {
                    None | Some("get") => false,
                    Some("post") => true,
                    Some(_) => return Err(bad("request_uri_method is neither get nor post")),
                };
                Ok(RequestReference::ByReference {
                    client_id: text("client_id")
                        .ok_or_else(|| bad("a request_uri without client_id"))?
                        .to_string(),
                    request_uri: uri.to_string(),
                    post,
                })
            }
        }
    }
}

/// A signed request the wallet verified: the request and who signed it.
#[derive(Debug, Clone)]
pub struct SignedRequest {
    /// The request, read from the verified claims.
    pub request: WalletRequest,
    /// The verifier, authenticated under one of the holder's reader roots
    /// (for [`crate::Wallet::prepare_openid4vp`] as
    /// [`crate::ReaderStatus::Authenticated`]).
    pub reader: ReaderIdentity,
}

/// What a wallet expects of a request object besides its signature.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The `client_id` the request came with (by redirect or QR), which the
    /// object's must equal; `None` over the Digital Credentials API, where
    /// the object alone carries it.
    pub client_id: Option<&'a str>,
    /// The `aud` the object must name (usually [`SELF_ISSUED_AUDIENCE`]);
    /// `None` to accept any or none (the DC API, where the browser's origin
    /// is checked against `expected_origins` instead).
    pub audience: Option<&'a str>,
    /// The browser's origin for a DC API request, `None` otherwise.
    pub origin: Option<&'a str>,
}

impl SignedRequest {
    /// Verifies a request object (the `request` parameter, or the body
    /// fetched from `request_uri`) against the holder's reader roots at
    /// `now`, and reads it (see the module docs for the checks and codes).
    /// No CRL is consulted: the reader's [`ReaderIdentity::crl`] is
    /// [`CrlOutcome::Disabled`].
    pub fn verify(
        request_object: &[u8],
        expected: &Expected<'_>,
        roots: &[ReaderRoot],
        now: OffsetDateTime,
    ) -> Result<SignedRequest> {
        SignedRequest::verify_with_crls(request_object, expected, roots, None, now)
    }

    /// [`SignedRequest::verify`], and, when `crls` is given, the verifier's
    /// certificate against them with the root that issued it as the anchor,
    /// as [`crate::Wallet::prepare`] checks a readerAuth reader: a revoked
    /// certificate is `certificate_revoked` whatever the policy; a missing
    /// or stale CRL is `crl_missing` or `crl_stale` unless the policy lets
    /// it pass as [`CrlOutcome::NotChecked`].
    pub fn verify_with_crls(
        request_object: &[u8],
        expected: &Expected<'_>,
        roots: &[ReaderRoot],
        crls: Option<&ReaderCrls>,
        now: OffsetDateTime,
    ) -> Result<SignedRequest> {
        let jws = CompactJws::parse(request_object)?;
        if jws.header.get("typ").and_then(Json::as_str) != Some(REQUEST_OBJECT_TYPE) {
            return Err(malformed("typ is not oauth-authz-req+jwt"));
        }
        let x5c = jws
            .header
            .get("x5c")
            .and_then(Json::as_array)
            .filter(|c| !c.is_empty() && c.len() <= MAX_CHAIN)
            .ok_or_else(|| malformed("no x5c of 1 to 8 certificates"))?;
        let chain = x5c
            .iter()
            .map(|c| {
                let der = c
                    .as_str()
                    .and_then(|c| STANDARD.decode(c).ok())
                    .ok_or_else(|| malformed("an x5c entry is not base64"))?;
                Certificate::from_der(&der)
            })
            .collect::<Result<Vec<_>>>()?;
        let leaf = chain
            .first()
            .ok_or_else(|| malformed("no x5c certificate"))?
            .clone();
        let root_certificates: Vec<Certificate> =
            roots.iter().map(|r| r.certificate.clone()).collect();
        let root = roots
            .get(reader_root_index(&leaf, &root_certificates, now)?)
            .ok_or_else(|| Error::UntrustedReader(excerpt(leaf.subject()).to_string()))?;
        jws.verify(leaf.public_key())?;
        // The leaf alone: the root is the anchor, and the rest of x5c was
        // never relied on.
        let crl = match crls {
            None => CrlOutcome::Disabled,
            Some(crls) => check_chain(
                std::slice::from_ref(&leaf),
                std::slice::from_ref(&root.certificate),
                &crls.crls,
                &crls.policy,
                now,
                DEFAULT_CLOCK_SKEW,
            )?,
        };

        let claims: Json = serde_json::from_slice(&jws.payload)
            .map_err(|_| malformed("the claims are not JSON"))?;
        if !claims.is_object() {
            return Err(malformed("the claims are not a JSON object"));
        }
        let client_id = claims
            .get("client_id")
            .and_then(Json::as_str)
            .ok_or_else(|| malformed("no client_id claim"))?;
        check_client_id(client_id, &leaf)?;
        if let Some(outer) = expected.client_id
            && outer != client_id
        {
            return Err(Error::Oid4vpClientMismatch(
                "the request object's client_id is not the request's".into(),
            ));
        }
        if let Some(audience) = expected.audience {
            let named = match claims.get("aud") {
                Some(Json::String(aud)) => aud == audience,
                Some(Json::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
                _ => false,
            };
            if !named {
                return Err(Error::RequestObjectAudience(format!(
                    "aud does not name {}",
                    excerpt(audience)
                )));
            }
        }
        match claims.get("exp") {
            None => {}
            Some(exp) => {
                let exp = exp
                    .as_i64()
                    .ok_or_else(|| malformed("exp is not an integer NumericDate"))?;
                if now.unix_timestamp() >= exp {
                    return Err(Error::RequestObjectExpired(format!(
                        "exp {exp} is not after {}",
                        now.unix_timestamp()
                    )));
                }
            }
        }
        let request = WalletRequest::from_json(&claims, expected.origin)?;
        Ok(SignedRequest {
            request,
            reader: ReaderIdentity {
                certificate: leaf,
                chain,
                root: root.certificate.clone(),
                root_label: root.label.clone(),
                crl,
            },
        })
    }
}

/// Checks that `leaf` carries the client identifier `client_id`.
fn check_client_id(client_id: &str, leaf: &Certificate) -> Result<()> {
    if let Some(name) = client_id.strip_prefix("x509_san_dns:") {
        if leaf
            .dns_names()
            .iter()
            .any(|dns| dns.eq_ignore_ascii_case(name))
        {
            return Ok(());
        }
        return Err(Error::Oid4vpClientMismatch(format!(
            "the certificate does not name {} in subjectAltName",
            excerpt(name)
        )));
    }
    if client_id.starts_with("x509_hash:") {
        if client_id == x509_hash_client_id(leaf) {
            return Ok(());
        }
        return Err(Error::Oid4vpClientMismatch(
            "x509_hash is not the SHA-256 of the certificate".into(),
        ));
    }
    Err(Error::Oid4vpClientMismatch(format!(
        "client_id {} has no x509_san_dns: or x509_hash: prefix",
        excerpt(client_id)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7515 Appendix A.3: ES256 over the A.1 payload, with its key.
    #[test]
    fn rfc7515_a3_verifies_and_a_changed_payload_does_not() {
        let point = |b64: &str| URL_SAFE_NO_PAD.decode(b64).unwrap_or_default();
        let mut sec1 = vec![4u8];
        sec1.extend(point("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"));
        sec1.extend(point("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"));
        let Ok(key) = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1) else {
            panic!("the RFC key is a P-256 point");
        };
        let key = PublicKey::P256(key);
        let header = "eyJhbGciOiJFUzI1NiJ9";
        let payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
        let signature = "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
        let jws = CompactJws::parse(format!("{header}.{payload}.{signature}").as_bytes());
        assert!(jws.is_ok_and(|jws| jws.verify(&key).is_ok()));
        let other = format!("{header}.{}.{signature}", URL_SAFE_NO_PAD.encode("{}"));
        let refused = CompactJws::parse(other.as_bytes()).and_then(|jws| jws.verify(&key));
        assert_eq!(refused.err().map(|e| e.code()), Some("signature_invalid"));
        let es384 = format!(
            "{}.{payload}.{signature}",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"ES384"}"#)
        );
        let refused = CompactJws::parse(es384.as_bytes()).and_then(|jws| jws.verify(&key));
        assert_eq!(
            refused.err().map(|e| e.code()),
            Some("unsupported_algorithm")
        );
    }
}
