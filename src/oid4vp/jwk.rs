//! JSON Web Keys as OpenID4VP uses them: the verifier's ephemeral P-256
//! encryption key (RFC 7517/7518 `EC` keys), and the RFC 7638 thumbprint
//! that binds a presentation to that key through the handover.
//!
//! Hand-written over `serde_json` and `p256`: the RustCrypto `jose-jwk`
//! crate is still on the previous RustCrypto generation (p256 0.13), and
//! reading four base64url members needs no more.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The members RFC 7638 section 3.2 hashes, per key type, in their
/// lexicographic order.
fn required_members(kty: &str) -> Option<&'static [&'static str]> {
    match kty {
        "EC" => Some(&["crv", "kty", "x", "y"]),
        "RSA" => Some(&["e", "kty", "n"]),
        "OKP" => Some(&["crv", "kty", "x"]),
        "oct" => Some(&["k", "kty"]),
        _ => None,
    }
}

/// The RFC 7638 SHA-256 thumbprint of a JWK (any key type RFC 7638 names):
/// SHA-256 over the required members only, in lexicographic order, without
/// whitespace. `invalid_key` when a required member is missing or not a
/// string.
pub fn thumbprint(jwk: &Map<String, Json>) -> Result<[u8; 32]> {
    let kty = jwk
        .get("kty")
        .and_then(Json::as_str)
        .ok_or_else(|| Error::InvalidKey("JWK without kty".into()))?;
    let members = required_members(kty)
        .ok_or_else(|| Error::InvalidKey(format!("JWK key type {kty:?} has no thumbprint")))?;
    // Written by hand rather than through a serde_json map, whose key
    // order a `preserve_order` feature elsewhere in the build would change.
    let mut text = String::from("{");
    for (index, name) in members.iter().enumerate() {
        let value = jwk
            .get(*name)
            .and_then(Json::as_str)
            .ok_or_else(|| Error::InvalidKey(format!("JWK without the {name:?} member")))?;
        if index > 0 {
            text.push(',');
        }
        text.push_str(&Json::String((*name).to_string()).to_string());
        text.push(':');
        text.push_str(&Json::String(value.to_string()).to_string());
    }
    text.push('}');
    Ok(Sha256::digest(text.as_bytes()).into())
}

/// A P-256 public key as a JWK (`kty` EC, `crv` P-256), with the optional
/// members OpenID4VP verifiers add (`kid`, `use`, `alg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcJwk {
    /// The key.
    pub key: p256::PublicKey,
    /// `kid`, which the wallet's JWE header repeats.
    pub kid: Option<String>,
}

impl EcJwk {
    /// The JWK of a key.
    pub fn new(key: p256::PublicKey, kid: Option<String>) -> EcJwk {
        EcJwk { key, kid }
    }

    /// The JSON object, with `use` "enc" and `alg` "ECDH-ES" as OpenID4VP
    /// verifier metadata carries it.
    pub fn to_json(&self) -> Map<String, Json> {
        let point = p256::Sec1Point::from(&self.key);
        let coordinate = |c: Option<&p256::FieldBytes>| {
            Json::String(URL_SAFE_NO_PAD.encode(c.map(|b| b.as_slice()).unwrap_or_default()))
        };
        let mut map = Map::new();
        map.insert("kty".into(), Json::String("EC".into()));
        map.insert("crv".into(), Json::String("P-256".into()));
        map.insert("x".into(), coordinate(point.x()));
        map.insert("y".into(), coordinate(point.y()));
        map.insert("use".into(), Json::String("enc".into()));
        map.insert("alg".into(), Json::String("ECDH-ES".into()));
        if let Some(kid) = &self.kid {
            map.insert("kid".into(), Json::String(kid.clone()));
        }
        map
    }

    /// Reads an EC P-256 public JWK (`invalid_key` for anything else or a
    /// point off the curve).
    pub fn from_json(jwk: &Map<String, Json>) -> Result<EcJwk> {
        let text = |name: &str| {
            jwk.get(name)
                .and_then(Json::as_str)
                .ok_or_else(|| Error::InvalidKey(format!("JWK without the {name:?} member")))
        };
        if text("kty")? != "EC" || text("crv")? != "P-256" {
            return Err(Error::InvalidKey("the JWK is not an EC P-256 key".into()));
        }
        let coordinate = |name: &str| -> Result<Vec<u8>> {
            let bytes = URL_SAFE_NO_PAD
                .decode(text(name)?)
                .map_err(|e| Error::InvalidKey(format!("JWK {name}: {e}")))?;
            if bytes.len() != 32 {
                return Err(Error::InvalidKey(format!("JWK {name} is not 32 bytes")));
            }
            Ok(bytes)
        };
        let mut sec1 = vec![0x04];
        sec1.extend(coordinate("x")?);
        sec1.extend(coordinate("y")?);
        let key = p256::PublicKey::from_sec1_bytes(&sec1)
            .map_err(|_| Error::InvalidKey("the JWK point is not on P-256".into()))?;
        let kid = jwk.get("kid").and_then(Json::as_str).map(str::to_string);
        Ok(EcJwk { key, kid })
    }

    /// The RFC 7638 thumbprint.
    pub fn thumbprint(&self) -> Result<[u8; 32]> {
        thumbprint(&self.to_json())
    }
}
