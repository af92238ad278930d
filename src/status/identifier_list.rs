//! Identifier lists (ISO/IEC 18013-5 second edition, 12.3.6): the issuer
//! publishes the identifiers of its revoked documents; a document whose MSO
//! says `status: {"identifier_list": {"id", "uri", ? "certificate"}}` is
//! revoked when its `id` is in the list published at `uri`.
//!
//! ```cddl
//! IdentifierListInfo = { "id": bstr, "uri": tstr, ? "certificate": bstr }
//! IdentifierList = {
//!   "identifiers": { * bstr => IdentifierInfo },
//!   ? "aggregation_uri": tstr,
//! }
//! IdentifierInfo = { * any => any }   ; reserved for future use, kept as received
//! ```
//!
//! The list travels as a CWT signed like a Status List Token: a
//! COSE_Sign1 whose protected `typ` is [`IDENTIFIER_LIST_CWT_TYP`], whose
//! payload holds `sub` (2, the list's URI), `iat` (6), `exp` (4), optionally
//! `ttl` (65534), and the list under claim [`CLAIM_IDENTIFIER_LIST`]
//! (65530). The standard's text was not at hand: the media type and claim
//! key are those two public implementations (of the second edition) agree
//! on, and the structures decode the Annex D.7 examples (see
//! `tests/identifier_list.rs`).
//!
//! Verifying checks what [`crate::status::token`] checks of a Status List
//! Token, with the same codes (`status_token_type_mismatch`,
//! `status_token_wrong_authority`, `signature_invalid`,
//! `status_token_uri_mismatch`, `status_token_not_yet_valid`,
//! `status_token_expired`); the list's shape is `identifier_list_malformed`.
//! When the MSO names a `certificate`, the token's signer must be exactly
//! that certificate (`status_token_wrong_authority`). A listed document is
//! `revoked`.

use ciborium::value::Value;
use time::{Duration, OffsetDateTime};

use crate::cbor::{self, as_map, as_text, map_get, map_require};
use crate::clock::DEFAULT_CLOCK_SKEW;
use crate::cose::{PublicKey, Signer};
use crate::error::{Error, Result, excerpt, excerpt_bytes};
use crate::status::cwt_claims::{CommonClaims, claim};
use crate::status::token::{SignedClaims, TokenSigner, open_token, sign_claims};
use crate::x509::Certificate;

/// Key of the identifier-list mechanism inside the MSO's `status` map.
pub const IDENTIFIER_LIST_KEY: &str = "identifier_list";
/// The protected `typ` of an identifier list in CWT form.
pub const IDENTIFIER_LIST_CWT_TYP: &str = "application/identifierlist+cwt";
/// CWT claim key of the identifier list.
pub const CLAIM_IDENTIFIER_LIST: i64 = 65530;

/// A document's entry in an identifier list: its identifier and the list's URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdentifierListReference {
    /// The document's identifier; the document is revoked when the list
    /// holds it.
    pub id: Vec<u8>,
    /// The URI the list is fetched from; the list token's `sub` must equal it.
    pub uri: String,
    /// The DER certificate that signs the list, when the MSO pins one. Kept
    /// as received; it is compared with the token's signer, never parsed here.
    pub certificate: Option<Vec<u8>>,
}

impl IdentifierListReference {
    /// A reference to identifier `id` in the list at `uri`, without a pinned
    /// certificate; an empty `id` or `uri` is `invalid_argument`.
    pub fn new(id: impl Into<Vec<u8>>, uri: impl Into<String>) -> Result<IdentifierListReference> {
        let (id, uri) = (id.into(), uri.into());
        if id.is_empty() || uri.is_empty() {
            return Err(Error::InvalidArgument(
                "an identifier list reference needs an id and a URI".into(),
            ));
        }
        Ok(IdentifierListReference {
            id,
            uri,
            certificate: None,
        })
    }

    /// The CBOR map `{"id": bstr, "uri": tstr, ? "certificate": bstr}`.
    pub fn to_value(&self) -> Value {
        let mut entries = vec![
            ("id", Value::Bytes(self.id.clone())),
            ("uri", Value::Text(self.uri.clone())),
        ];
        if let Some(certificate) = &self.certificate {
            entries.push(("certificate", Value::Bytes(certificate.clone())));
        }
        cbor::text_map(entries)
    }

    /// Reads `{"id": bstr, "uri": tstr, ? "certificate": bstr}`; other keys
    /// are ignored. Refused with `invalid_structure` for another shape or an
    /// empty id or URI.
    pub fn from_value(value: &Value) -> Result<IdentifierListReference> {
        let what = "status.identifier_list";
        let map = as_map(value, what)?;
        let id = cbor::as_bytes(map_require(map, "id", what)?, "identifier_list.id")?;
        let uri = as_text(map_require(map, "uri", what)?, "identifier_list.uri")?;
        if id.is_empty() || uri.is_empty() {
            return Err(Error::InvalidStructure(format!("{what}: empty id or uri")));
        }
        let certificate = map_get(map, "certificate")
            .map(|v| cbor::as_bytes(v, "identifier_list.certificate").map(<[u8]>::to_vec))
            .transpose()?;
        Ok(IdentifierListReference {
            id: id.to_vec(),
            uri: uri.to_string(),
            certificate,
        })
    }
}

/// An identifier list: the identifiers of revoked documents, each with its
/// IdentifierInfo map, in the order received or inserted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdentifierList {
    identifiers: Vec<(Vec<u8>, Value)>,
    /// `aggregation_uri`: where all the issuer's lists can be fetched at once.
    pub aggregation_uri: Option<String>,
}

impl IdentifierList {
    /// An empty list.
    pub fn new() -> IdentifierList {
        IdentifierList::default()
    }

    /// Adds `id` with an empty IdentifierInfo; adding it again changes nothing.
    /// An empty id is `invalid_argument`.
    pub fn insert(&mut self, id: impl Into<Vec<u8>>) -> Result<()> {
        let id = id.into();
        if id.is_empty() {
            return Err(Error::InvalidArgument("an empty identifier".into()));
        }
        if !self.contains(&id) {
            self.identifiers.push((id, Value::Map(Vec::new())));
        }
        Ok(())
    }

    /// Removes `id`, if listed (a document reinstated).
    pub fn remove(&mut self, id: &[u8]) {
        self.identifiers.retain(|(listed, _)| listed != id);
    }

    /// Whether `id` is listed.
    pub fn contains(&self, id: &[u8]) -> bool {
        self.identifiers.iter().any(|(listed, _)| listed == id)
    }

    /// The identifiers with their IdentifierInfo maps.
    pub fn identifiers(&self) -> &[(Vec<u8>, Value)] {
        &self.identifiers
    }

    /// The CBOR map `{"identifiers": {...}, ? "aggregation_uri": tstr}`.
    pub fn to_value(&self) -> Value {
        let identifiers = self
            .identifiers
            .iter()
            .map(|(id, info)| (Value::Bytes(id.clone()), info.clone()))
            .collect();
        let mut entries = vec![("identifiers", Value::Map(identifiers))];
        if let Some(uri) = &self.aggregation_uri {
            entries.push(("aggregation_uri", Value::Text(uri.clone())));
        }
        cbor::text_map(entries)
    }

    /// Reads an IdentifierList. Refused with `identifier_list_malformed`
    /// when it is not a map, `identifiers` is missing or not a map, an
    /// identifier is not a non-empty byte string, an IdentifierInfo is not a
    /// map, or `aggregation_uri` is not text. Other keys (reserved for future
    /// use) are ignored.
    pub fn from_value(value: &Value) -> Result<IdentifierList> {
        let bad = |detail: &str| Error::IdentifierListMalformed(detail.to_string());
        let Value::Map(map) = value else {
            return Err(bad("not a map"));
        };
        let Some(Value::Map(entries)) = map_get(map, "identifiers") else {
            return Err(bad("\"identifiers\" is missing or not a map"));
        };
        let mut identifiers = Vec::with_capacity(entries.len());
        for (id, info) in entries {
            match (id, info) {
                (Value::Bytes(id), Value::Map(_)) if !id.is_empty() => {
                    identifiers.push((id.clone(), info.clone()));
                }
                (Value::Bytes(_), Value::Map(_)) => return Err(bad("an empty identifier")),
                (Value::Bytes(_), _) => return Err(bad("an IdentifierInfo is not a map")),
                _ => return Err(bad("an identifier is not a byte string")),
            }
        }
        let aggregation_uri = match map_get(map, "aggregation_uri") {
            None => None,
            Some(Value::Text(uri)) => Some(uri.clone()),
            Some(_) => return Err(bad("\"aggregation_uri\" is not text")),
        };
        Ok(IdentifierList {
            identifiers,
            aggregation_uri,
        })
    }
}

/// The claims of an identifier list in CWT form.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentifierListToken {
    /// `sub`: the URI of the list.
    pub uri: String,
    /// `iat`: when the token was issued.
    pub issued_at: OffsetDateTime,
    /// `exp`: when it stops being valid; required, as for status list tokens.
    pub expires_at: OffsetDateTime,
    /// `ttl`: seconds a consumer may cache the token, if said.
    pub ttl: Option<u64>,
    /// The list.
    pub list: IdentifierList,
}

impl IdentifierListToken {
    /// Claims for `list` published at `uri`, issued at `issued_at` and valid
    /// until `expires_at`. Refused with `invalid_argument`: an empty URI,
    /// `expires_at` not after `issued_at`, or a time before 1970.
    pub fn new(
        uri: impl Into<String>,
        list: IdentifierList,
        issued_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<IdentifierListToken> {
        let uri = uri.into();
        CommonClaims {
            uri: &uri,
            issued_at,
            expires_at,
            ttl: None,
        }
        .check_new("identifier list token")?;
        Ok(IdentifierListToken {
            uri,
            issued_at,
            expires_at,
            ttl: None,
            list,
        })
    }

    /// The claims set: sub, iat, exp, ttl, identifier list.
    pub fn to_claims_value(&self) -> Value {
        self.common()
            .to_claims_value(CLAIM_IDENTIFIER_LIST, self.list.to_value())
    }

    /// `sub`, `iat`, `exp` and `ttl`, as every token in CWT form has them.
    fn common(&self) -> CommonClaims<'_> {
        CommonClaims {
            uri: &self.uri,
            issued_at: self.issued_at,
            expires_at: self.expires_at,
            ttl: self.ttl,
        }
    }

    /// Reads a claims set; unknown claims are ignored. Refused with
    /// `invalid_structure` when `sub`, `iat`, `exp` or the list claim is
    /// missing or of the wrong type, and `identifier_list_malformed` for a
    /// list of the wrong shape.
    pub fn from_claims_value(value: &Value) -> Result<IdentifierListToken> {
        let what = "identifier list token";
        let map = cbor::as_map(value, "identifier list token claims")?;
        let common = CommonClaims::read(map, what)?;
        Ok(IdentifierListToken {
            uri: common.uri.to_string(),
            issued_at: common.issued_at,
            expires_at: common.expires_at,
            ttl: common.ttl,
            list: IdentifierList::from_value(claim(
                map,
                CLAIM_IDENTIFIER_LIST,
                "identifier_list",
                what,
            )?)?,
        })
    }

    /// Signs the claims as a tagged COSE_Sign1 with the protected `typ`
    /// [`IDENTIFIER_LIST_CWT_TYP`] and `x5chain` (leaf first), as a Status
    /// List Token is signed; for the verifier to accept it, the leaf must be
    /// a Document Signer certificate issued by the documents' IACA.
    pub fn sign(&self, signer: &dyn Signer, x5chain: &[Certificate]) -> Result<Vec<u8>> {
        sign_claims(
            &self.to_claims_value(),
            IDENTIFIER_LIST_CWT_TYP,
            signer,
            x5chain,
        )
    }
}

/// Verifies an identifier list token whose x5chain leaf is a Document
/// Signer certificate issued by one of `iaca_certificates`, at `now`, with
/// the default clock skew. See the [module documentation](self).
pub fn verify_identifier_list_token(
    bytes: &[u8],
    iaca_certificates: &[Certificate],
    now: OffsetDateTime,
) -> Result<IdentifierListToken> {
    verify(
        bytes,
        TokenSigner::Iacas(iaca_certificates),
        None,
        now,
        DEFAULT_CLOCK_SKEW,
    )
}

/// Verifies an identifier list token signed by `key` at `now`, with the
/// default clock skew.
pub fn verify_identifier_list_token_with_key(
    bytes: &[u8],
    key: &PublicKey,
    now: OffsetDateTime,
) -> Result<IdentifierListToken> {
    verify(bytes, TokenSigner::Key(key), None, now, DEFAULT_CLOCK_SKEW)
}

/// Verifies a token for `reference` (when given: `sub` must be its URI and,
/// when it pins a certificate, the signer must be that certificate).
fn verify(
    bytes: &[u8],
    signer: TokenSigner<'_>,
    reference: Option<&IdentifierListReference>,
    now: OffsetDateTime,
    clock_skew: Duration,
) -> Result<IdentifierListToken> {
    let SignedClaims { claims, signer } = open_token(bytes, IDENTIFIER_LIST_CWT_TYP, signer, now)?;
    if let Some(reference) = reference
        && let Some(pinned) = reference.certificate.as_deref()
        && signer.as_ref().map(Certificate::der) != Some(pinned)
    {
        return Err(Error::StatusTokenWrongAuthority(format!(
            "the MSO pins the certificate that signs {}, and the token's signer is another",
            excerpt(&reference.uri)
        )));
    }
    let token = IdentifierListToken::from_claims_value(&claims)?;
    if let Some(reference) = reference
        && token.uri != reference.uri
    {
        return Err(Error::StatusTokenUriMismatch(format!(
            "the document's identifier list is {}, the token's sub is {}",
            excerpt(&reference.uri),
            excerpt(&token.uri)
        )));
    }
    token.common().check_time(now, clock_skew)?;
    Ok(token)
}

/// The verifier's identifier-list step: the token must be signed under one
/// of `iacas` (the authority that vouched for the document), be for the
/// referenced URI and current; a listed identifier is `revoked`.
pub(crate) fn check_identifier_list(
    reference: &IdentifierListReference,
    token: &[u8],
    iacas: &[Certificate],
    now: OffsetDateTime,
    clock_skew: Duration,
) -> Result<()> {
    let token = verify(
        token,
        TokenSigner::Iacas(iacas),
        Some(reference),
        now,
        clock_skew,
    )?;
    if token.list.contains(&reference.id) {
        return Err(Error::Revoked(format!(
            "identifier {} is listed in {}",
            excerpt_bytes(&reference.id),
            excerpt(&reference.uri)
        )));
    }
    Ok(())
}
