//! Checking a verified document's status: the policy, the outcome, and the
//! step the verifier runs last.

use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result, excerpt};
use crate::status::identifier_list::check_identifier_list;
use crate::status::reference::{StatusListReference, StatusReference};
use crate::status::token::{StatusListToken, TokenSigner, check_uri, verify_token};
use crate::status::value::StatusValue;
use crate::trust::IssuingAuthority;

/// What a verifier does about document status.
///
/// The default fails closed: a document that references a status list is
/// refused (`status_token_missing`) when no token is given, and a value
/// other than VALID, INVALID or SUSPENDED is refused
/// (`status_unrecognized_value`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusPolicy {
    allow_missing_token: bool,
    accept_other_values: bool,
}

impl StatusPolicy {
    /// The default: fail closed.
    pub fn fail_closed() -> StatusPolicy {
        StatusPolicy::default()
    }

    /// When `allow` is true, a document with a status reference but no token
    /// (or a status mechanism the crate does not check) passes, marked
    /// [`StatusOutcome::NotChecked`].
    pub fn allow_missing_token(mut self, allow: bool) -> StatusPolicy {
        self.allow_missing_token = allow;
        self
    }

    /// When `accept` is true, an application-specific or reserved status
    /// value passes, reported as [`StatusOutcome::Other`].
    pub fn accept_other_values(mut self, accept: bool) -> StatusPolicy {
        self.accept_other_values = accept;
        self
    }

    /// Whether a missing token is allowed.
    pub fn allows_missing_token(&self) -> bool {
        self.allow_missing_token
    }

    /// Whether other status values are accepted.
    pub fn accepts_other_values(&self) -> bool {
        self.accept_other_values
    }
}

/// What the verifier found out about a document's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusOutcome {
    /// The MSO references no status: there is nothing to check.
    NotReferenced,
    /// The status list says VALID.
    Valid,
    /// The MSO references a status, but it was not checked: no token was
    /// given (or the mechanism is not a status list) and the policy allows
    /// that.
    NotChecked,
    /// The status list holds this application-specific or reserved value,
    /// and the policy accepts such values.
    Other(u8),
}

impl StatusOutcome {
    /// `not_referenced`, `valid`, `not_checked`, or `other:<n>`: the name
    /// used in the command line's JSON.
    pub fn name(&self) -> String {
        match self {
            StatusOutcome::NotReferenced => "not_referenced".into(),
            StatusOutcome::Valid => "valid".into(),
            StatusOutcome::NotChecked => "not_checked".into(),
            StatusOutcome::Other(n) => format!("other:{n}"),
        }
    }
}

/// Reads the entry of `reference` in an already verified `token` and turns
/// it into an outcome under `policy`.
///
/// Refused with `status_token_uri_mismatch` when the token's `sub` is not the
/// reference's `uri`; `revoked` for INVALID; `suspended` for SUSPENDED;
/// `status_unrecognized_value` for other values unless the policy accepts
/// them; and the codes of [`crate::status::EncodedStatusList::get`].
pub fn check_status(
    reference: &StatusListReference,
    token: &StatusListToken,
    policy: &StatusPolicy,
) -> Result<StatusOutcome> {
    check_uri(token, &reference.uri)?;
    let at = || format!("index {} of {}", reference.idx, reference.uri);
    match token.status(reference.idx)? {
        StatusValue::Valid => Ok(StatusOutcome::Valid),
        StatusValue::Invalid => Err(Error::Revoked(at())),
        StatusValue::Suspended => Err(Error::Suspended(at())),
        StatusValue::Other(n) if policy.accept_other_values => Ok(StatusOutcome::Other(n)),
        StatusValue::Other(n) => Err(Error::StatusUnrecognizedValue(format!(
            "{}: status {n}",
            at()
        ))),
    }
}

/// The tokens the caller has for one document's status mechanisms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusInputs<'a> {
    /// The encoded Status List Token for the MSO's `status_list`, if fetched.
    pub status_list_token: Option<&'a [u8]>,
    /// The encoded identifier list (CWT) for the MSO's `identifier_list`,
    /// if fetched.
    pub identifier_list_token: Option<&'a [u8]>,
}

/// The verifier's status step for a document whose MSO says `status`,
/// vouched for by `authority`.
///
/// Each mechanism the MSO references and the caller has a token for is
/// checked: the status list (see [`check_status`]) and the identifier list
/// (see [`crate::status::identifier_list`]); a token must be signed by a
/// Document Signer certificate issued by one of `authority`'s IACA
/// certificates, the same authority that vouched for the document. When
/// the MSO references a mechanism but no token for any referenced one is
/// given: `status_token_missing`, or [`StatusOutcome::NotChecked`] when the
/// policy allows missing tokens. Tokens for mechanisms the MSO does not
/// reference are ignored.
pub fn document_status_with(
    status: Option<&StatusReference>,
    authority: &IssuingAuthority,
    inputs: StatusInputs<'_>,
    policy: &StatusPolicy,
    now: OffsetDateTime,
    clock_skew: Duration,
) -> Result<StatusOutcome> {
    let Some(status) = status else {
        return Ok(StatusOutcome::NotReferenced);
    };
    if status.status_list.is_none() && status.identifier_list.is_none() {
        if status.other.is_empty() {
            return Ok(StatusOutcome::NotReferenced);
        }
        return if policy.allow_missing_token {
            Ok(StatusOutcome::NotChecked)
        } else {
            Err(Error::StatusMechanismUnsupported(
                "the MSO's status names neither status_list nor identifier_list; other \
                 mechanisms are not checked"
                    .into(),
            ))
        };
    }
    let mut outcome = None;
    if let (Some(reference), Some(bytes)) = (&status.status_list, inputs.status_list_token) {
        let token = verify_token(
            bytes,
            TokenSigner::Iacas(authority.iaca_certificates()),
            Some(&reference.uri),
            now,
            clock_skew,
        )?;
        outcome = Some(check_status(reference, &token, policy)?);
    }
    if let (Some(reference), Some(bytes)) = (&status.identifier_list, inputs.identifier_list_token)
    {
        check_identifier_list(
            reference,
            bytes,
            authority.iaca_certificates(),
            now,
            clock_skew,
        )?;
        outcome.get_or_insert(StatusOutcome::Valid);
    }
    if let Some(outcome) = outcome {
        return Ok(outcome);
    }
    if policy.allow_missing_token {
        return Ok(StatusOutcome::NotChecked);
    }
    let mut referenced = Vec::new();
    if let Some(r) = &status.status_list {
        referenced.push(format!("index {} of {}", r.idx, excerpt(&r.uri)));
    }
    if let Some(r) = &status.identifier_list {
        referenced.push(format!("the identifier list {}", excerpt(&r.uri)));
    }
    Err(Error::StatusTokenMissing(format!(
        "the document references {}",
        referenced.join(" and ")
    )))
}
