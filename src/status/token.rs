//! The Status List Token in CWT form: a COSE_Sign1 whose protected header
//! says `typ` (16) = `application/statuslist+cwt` and whose payload is a
//! CWT claims set:
//!
//! | claim | key | content |
//! |---|---|---|
//! | `sub` | 2 | the list's URI, equal to the `uri` in the documents' references |
//! | `iat` | 6 | when the token was issued (seconds since 1970) |
//! | `exp` | 4 | when it stops being valid; required by this crate |
//! | `ttl` | 65534 | seconds a consumer may cache it (optional, reported, not enforced) |
//! | `status_list` | 65533 | `{"bits": 1\|2\|4\|8, "lst": zlib bytes}` |
//!
//! The claims are read by hand: `coset::cwt::ClaimsSet` (coset 0.4) refuses
//! the unregistered keys 65533 and 65534.
//!
//! Verifying checks, in order: the COSE_Sign1 (tag 18, optionally inside CWT
//! tag 61) and its protected algorithm (the codes of
//! [`Sign1::from_value`]); the `typ` (`status_token_type_mismatch`); the
//! signer, either a given key or an x5chain certificate issued by one of the
//! given IACAs (`status_token_wrong_authority` when none of them issued it,
//! otherwise the codes of [`x509::verify_document_signer`]); the signature
//! (`signature_invalid`); the claims (`invalid_structure`,
//! `status_list_malformed`); when checking for a document, that `sub` is the
//! document's list URI (`status_token_uri_mismatch`); then `iat` and `exp`
//! against `now` (`status_token_not_yet_valid`, `status_token_expired`).

use ciborium::value::Value;
use time::{Duration, OffsetDateTime};

pub use super::cwt_claims::{CLAIM_EXP, CLAIM_IAT, CLAIM_SUB, CLAIM_TTL};
use super::cwt_claims::{CommonClaims, claim};
use crate::cbor;
use crate::clock::DEFAULT_CLOCK_SKEW;
use crate::cose::{PublicKey, Sign1, Sign1Options, Signer, TAG_COSE_SIGN1, sign1};
use crate::error::{Error, Result, excerpt};
use crate::status::list::{EncodedStatusList, StatusList};
use crate::status::value::StatusValue;
use crate::x509::{self, Certificate};

/// The protected `typ` of a Status List Token in CWT form.
pub const STATUS_LIST_CWT_TYP: &str = "application/statuslist+cwt";
/// CWT claim key of `status_list`.
pub const CLAIM_STATUS_LIST: i64 = 65533;
/// CBOR tag of a CWT (RFC 8392), accepted around the COSE_Sign1.
pub const TAG_CWT: u64 = 61;

/// The claims of a Status List Token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListToken {
    /// `sub`: the URI of the list.
    pub uri: String,
    /// `iat`: when the token was issued.
    pub issued_at: OffsetDateTime,
    /// `exp`: when the token stops being valid.
    pub expires_at: OffsetDateTime,
    /// `ttl`: how many seconds a consumer may cache the token, if said.
    pub ttl: Option<u64>,
    /// `status_list`: the compressed list, as received.
    pub status_list: EncodedStatusList,
}

impl StatusListToken {
    /// Claims for `list` published at `uri`, issued at `issued_at` and valid
    /// until `expires_at`, without `ttl`. The list is compressed here.
    ///
    /// Refused with `invalid_argument`: an empty URI, `expires_at` not after
    /// `issued_at`, or a time before 1970.
    pub fn new(
        uri: impl Into<String>,
        list: &StatusList,
        issued_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<StatusListToken> {
        let uri = uri.into();
        CommonClaims {
            uri: &uri,
            issued_at,
            expires_at,
            ttl: None,
        }
        .check_new("status list token")?;
        Ok(StatusListToken {
            uri,
            issued_at,
            expires_at,
            ttl: None,
            status_list: list.encode()?,
        })
    }

    /// The status at `index`, inflating only what the index needs (see
    /// [`EncodedStatusList::get`]).
    pub fn status(&self, index: u64) -> Result<StatusValue> {
        self.status_list.get(index)
    }

    /// The claims set as a CBOR map, in the draft's order: sub, iat, exp,
    /// ttl, status_list.
    pub fn to_claims_value(&self) -> Value {
        self.common()
            .to_claims_value(CLAIM_STATUS_LIST, self.status_list.to_value())
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

    /// Reads a claims set. Unknown claims are ignored.
    ///
    /// Refused with `invalid_structure` when `sub`, `iat`, `exp` or
    /// `status_list` is missing or of the wrong type (a token without `exp`
    /// could be replayed forever, so this crate requires it), and with
    /// `status_list_malformed` for a `bits` other than 1, 2, 4 or 8.
    pub fn from_claims_value(value: &Value) -> Result<StatusListToken> {
        let map = cbor::as_map(value, "status list token claims")?;
        let what = "status list token";
        let common = CommonClaims::read(map, what)?;
        Ok(StatusListToken {
            uri: common.uri.to_string(),
            issued_at: common.issued_at,
            expires_at: common.expires_at,
            ttl: common.ttl,
            status_list: EncodedStatusList::from_value(claim(
                map,
                CLAIM_STATUS_LIST,
                "status_list",
                what,
            )?)?,
        })
    }

    /// Signs the claims as a tagged COSE_Sign1 with the protected `typ`
    /// [`STATUS_LIST_CWT_TYP`] and `x5chain` (leaf first) in the unprotected
    /// header, and returns its encoding.
    ///
    /// For the token to be accepted by [`crate::Verifier`], the leaf must be
    /// a Document Signer certificate issued by the same IACA as the
    /// documents' (the demo authorities use their Document Signer key).
    pub fn sign(&self, signer: &dyn Signer, x5chain: &[Certificate]) -> Result<Vec<u8>> {
        sign_claims(
            &self.to_claims_value(),
            STATUS_LIST_CWT_TYP,
            signer,
            x5chain,
        )
    }

    /// Checks `iat` and `exp` against `now`, widened by `clock_skew`: refused
    /// with `status_token_not_yet_valid` when issued after `now`, and with
    /// `status_token_expired` at or after `exp`.
    pub fn check_time(&self, now: OffsetDateTime, clock_skew: Duration) -> Result<()> {
        self.common().check_time(now, clock_skew)
    }
}

/// Verifies a Status List Token signed by `key` (for tokens without an
/// x5chain, such as the draft's examples) at `now`, allowing the crate's
/// default clock skew ([`DEFAULT_CLOCK_SKEW`]). See the [module
/// documentation](self) for the checks and their codes.
pub fn verify_status_list_token_with_key(
    bytes: &[u8],
    key: &PublicKey,
    now: OffsetDateTime,
) -> Result<StatusListToken> {
    verify_token(bytes, TokenSigner::Key(key), None, now, DEFAULT_CLOCK_SKEW)
}

/// Verifies a Status List Token whose x5chain leaf is a Document Signer
/// certificate issued by one of `iaca_certificates`, at `now`, allowing the
/// default clock skew. The certificate checks are those of
/// [`x509::verify_document_signer`] (profiles, signature, validity at `now`,
/// country); `status_token_wrong_authority` when no given IACA has the
/// leaf's issuer name.
pub fn verify_status_list_token(
    bytes: &[u8],
    iaca_certificates: &[Certificate],
    now: OffsetDateTime,
) -> Result<StatusListToken> {
    verify_token(
        bytes,
        TokenSigner::Iacas(iaca_certificates),
        None,
        now,
        DEFAULT_CLOCK_SKEW,
    )
}

/// Who must have signed a token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TokenSigner<'a> {
    /// Exactly this key.
    Key(&'a PublicKey),
    /// A Document Signer certificate issued by one of these IACAs.
    Iacas(&'a [Certificate]),
}

/// Verifies a token; see the module documentation. When `expected_uri` is
/// given, `sub` must equal it (`status_token_uri_mismatch`), checked before
/// the times.
pub(crate) fn verify_token(
    bytes: &[u8],
    signer: TokenSigner<'_>,
    expected_uri: Option<&str>,
    now: OffsetDateTime,
    clock_skew: Duration,
) -> Result<StatusListToken> {
    let opened = open_token(bytes, STATUS_LIST_CWT_TYP, signer, now)?;
    let token = StatusListToken::from_claims_value(&opened.claims)?;
    if let Some(uri) = expected_uri {
        check_uri(&token, uri)?;
    }
    token.check_time(now, clock_skew)?;
    Ok(token)
}

/// The claims of a signed token, with the x5chain leaf that signed it (when
/// the signer was checked through certificates).
pub(crate) struct SignedClaims {
    /// The decoded claims set.
    pub(crate) claims: Value,
    /// The signer's certificate, for [`TokenSigner::Iacas`].
    pub(crate) signer: Option<Certificate>,
}

/// Opens a token in CWT form: the COSE_Sign1 (optionally inside tag 61),
/// its protected `typ` (`status_token_type_mismatch` unless it is `typ`),
/// the signer, the signature, and the payload's claims. Shared by status
/// list tokens and identifier lists, which are signed alike.
pub(crate) fn open_token(
    bytes: &[u8],
    typ: &str,
    signer: TokenSigner<'_>,
    now: OffsetDateTime,
) -> Result<SignedClaims> {
    let value = match cbor::decode(bytes)? {
        Value::Tag(TAG_CWT, inner) => *inner,
        other => other,
    };
    let sign1 = Sign1::from_value(value)?;
    check_typ(&sign1, typ)?;
    let signer_certificate = match signer {
        TokenSigner::Key(key) => {
            sign1.verify(key, b"")?;
            None
        }
        TokenSigner::Iacas(iacas) => {
            let chain = sign1.x5chain()?;
            let leaf = chain.first().ok_or(Error::X5ChainMissing)?;
            let certificate = Certificate::from_der(leaf)?;
            check_signer_certificate(&certificate, iacas, now)?;
            sign1.verify(certificate.public_key(), b"")?;
            Some(certificate)
        }
    };
    let payload = sign1
        .payload()
        .ok_or_else(|| Error::CoseMalformed(format!("{typ} token: detached payload")))?;
    Ok(SignedClaims {
        claims: cbor::decode(payload)?,
        signer: signer_certificate,
    })
}

/// Signs a claims set as a tagged COSE_Sign1 with the protected `typ` and
/// `x5chain` (leaf first) in the unprotected header.
pub(crate) fn sign_claims(
    claims: &Value,
    typ: &str,
    signer: &dyn Signer,
    x5chain: &[Certificate],
) -> Result<Vec<u8>> {
    let payload = cbor::encode(claims)?;
    let signed = sign1(
        signer,
        &payload,
        &Sign1Options {
            x5chain: x5chain.iter().map(|c| c.der().to_vec()).collect(),
            typ: Some(typ.to_string()),
            ..Sign1Options::default()
        },
    )?;
    cbor::encode(&Value::Tag(TAG_COSE_SIGN1, Box::new(signed.to_value()?)))
}

/// Refused with `status_token_uri_mismatch` unless the token's `sub` is `uri`.
pub(crate) fn check_uri(token: &StatusListToken, uri: &str) -> Result<()> {
    if token.uri != uri {
        return Err(Error::StatusTokenUriMismatch(format!(
            "the document's list is {uri:?}, the token's sub is {:?}",
            excerpt(&token.uri),
            uri = excerpt(uri)
        )));
    }
    Ok(())
}

fn check_typ(sign1: &Sign1, expected: &str) -> Result<()> {
    let typ = sign1.protected_typ();
    match typ {
        Some(Value::Text(t)) if t == expected => Ok(()),
        Some(other) => Err(Error::StatusTokenTypeMismatch(format!(
            "protected typ is {}, not {expected:?}",
            crate::error::excerpt_value(other)
        ))),
        None => Err(Error::StatusTokenTypeMismatch(format!(
            "no protected typ; {expected:?} is required"
        ))),
    }
}

/// Checks that `leaf` is a Document Signer certificate issued by one of
/// `iacas` and valid at `now`.
fn check_signer_certificate(
    leaf: &Certificate,
    iacas: &[Certificate],
    now: OffsetDateTime,
) -> Result<()> {
    let mut last_error = None;
    for iaca in iacas
        .iter()
        .filter(|i| i.subject_raw() == leaf.issuer_raw())
    {
        // Every IACA of the authority is tried (a renewed one may sit beside
        // an expired copy), keeping the most telling refusal.
        match x509::verify_document_signer(leaf, iaca, now) {
            Ok(()) => return Ok(()),
            Err(e) => crate::error::keep_most_telling(&mut last_error, e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        Error::StatusTokenWrongAuthority(format!(
            "the token's signer {:?} was issued by {:?}, not by the IACA of the document's authority",
            excerpt(leaf.subject()),
            leaf.issuer()
        ))
    }))
}
