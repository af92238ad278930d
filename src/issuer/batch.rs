//! Single-use copies: one document issued as a batch, so that no two
//! verifiers receive the same MSO.
//!
//! Every verifier receives the whole MSO and its signature; two verifiers
//! that were shown one copy can join their records on any of its values.
//! A batch gives the holder several copies that share nothing a verifier
//! sees except the disclosed claims: each has its own device key, salts,
//! digestIDs, status-list entry and identifier-list identifier (the issuer
//! revokes a batch by changing all of them, see [`BatchStatus`]) and its
//! own `signed`, `validFrom` and `validUntil`, each
//! moved earlier by a different random number of seconds (at most
//! [`BATCH_TIME_JITTER_SECONDS`]), so validity never grows. The holder
//! shows each copy once (see [`crate::holder::Wallet`]).

use std::collections::BTreeSet;

use rand_core::CryptoRng;
use time::Duration;

use crate::cose::PublicKey;
use crate::documents::DocumentType;
use crate::error::{Error, Result};
use crate::issuer::Issuer;
use crate::issuer_signed::IssuerSigned;
use crate::mso::ValidityInfo;
use crate::status::{BatchStatus, IdentifierListReference, StatusListReference, StatusReference};

/// Most copies in one batch.
pub const MAX_BATCH_COPIES: usize = 64;

/// The most a copy's times are moved earlier, in seconds.
pub const BATCH_TIME_JITTER_SECONDS: u64 = 3600;

/// One copy of a batch: the device key it is bound to and, for a listed
/// document, its own status-list entry and identifier-list identifier.
///
/// Copies share nothing a verifier sees but the disclosed claims: each has
/// its own device key, salts, digestIDs, status-list entry and identifier
/// (the issuer revokes a batch by changing all of them, see
/// [`BatchStatus`]), and its `signed`,
/// `validFrom` and `validUntil` moved earlier by a different random number
/// of seconds (at most [`BATCH_TIME_JITTER_SECONDS`]), so validity never
/// grows.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchCopy {
    /// The copy's device key (a new key per copy).
    pub device_key: PublicKey,
    /// The copy's status-list entry, if the document is listed.
    pub status_list: Option<StatusListReference>,
    /// The copy's identifier-list entry (ISO/IEC 18013-5 second edition),
    /// if the document is listed: an identifier of its own, never one
    /// shared with another copy (see [`crate::status::batch`] for why).
    pub identifier_list: Option<IdentifierListReference>,
}

impl BatchCopy {
    /// A copy bound to `device_key`, in no status or identifier list.
    pub fn new(device_key: PublicKey) -> BatchCopy {
        BatchCopy {
            device_key,
            status_list: None,
            identifier_list: None,
        }
    }

    /// The same copy with its own status-list entry.
    pub fn with_status_list(mut self, reference: StatusListReference) -> BatchCopy {
        self.status_list = Some(reference);
        self
    }

    /// The same copy with its own identifier-list entry.
    pub fn with_identifier_list(mut self, reference: IdentifierListReference) -> BatchCopy {
        self.identifier_list = Some(reference);
        self
    }

    /// The MSO `status` the copy is issued with, if any.
    fn status(&self) -> Option<StatusReference> {
        if self.status_list.is_none() && self.identifier_list.is_none() {
            return None;
        }
        Some(StatusReference {
            status_list: self.status_list.clone(),
            identifier_list: self.identifier_list.clone(),
            other: Vec::new(),
        })
    }
}

impl BatchStatus {
    /// The status-list entries and identifiers of `copies`, to revoke the
    /// batch in one call ([`BatchStatus::set_status`],
    /// [`BatchStatus::revoke_identifiers`]).
    pub fn of_copies(copies: &[BatchCopy]) -> BatchStatus {
        let statuses: Vec<StatusReference> = copies.iter().filter_map(BatchCopy::status).collect();
        BatchStatus::from_references(&statuses)
    }
}

impl Issuer<'_> {
    /// Issues `document` once per entry of `copies` (1 to
    /// [`MAX_BATCH_COPIES`]), as single-use copies (see [`BatchCopy`]).
    ///
    /// Refused with `invalid_argument` for no copies or too many, two copies
    /// with one device key, one status index or one identifier (in the same
    /// list), or a validity too short to
    /// move its times (less than twice [`BATCH_TIME_JITTER_SECONDS`]); and
    /// otherwise as [`Issuer::issue`].
    pub fn issue_batch<D: DocumentType, R: CryptoRng + ?Sized>(
        &self,
        document: &D,
        copies: &[BatchCopy],
        validity: &ValidityInfo,
        rng: &mut R,
    ) -> Result<Vec<IssuerSigned>> {
        if copies.is_empty() || copies.len() > MAX_BATCH_COPIES {
            return Err(Error::InvalidArgument(format!(
                "a batch holds 1 to {MAX_BATCH_COPIES} copies, not {}",
                copies.len()
            )));
        }
        let keys: BTreeSet<Vec<u8>> = copies
            .iter()
            .map(|c| {
                c.device_key
                    .to_cose_key_value()
                    .and_then(|v| crate::cbor::encode(&v))
            })
            .collect::<Result<_>>()?;
        let indexes: BTreeSet<(&str, u64)> = copies
            .iter()
            .filter_map(|c| c.status_list.as_ref())
            .map(|s| (s.uri.as_str(), s.idx))
            .collect();
        let listed = copies.iter().filter(|c| c.status_list.is_some()).count();
        let identifiers: BTreeSet<(&str, &[u8])> = copies
            .iter()
            .filter_map(|c| c.identifier_list.as_ref())
            .map(|r| (r.uri.as_str(), r.id.as_slice()))
            .collect();
        let identified = copies
            .iter()
            .filter(|c| c.identifier_list.is_some())
            .count();
        if keys.len() != copies.len() || indexes.len() != listed || identifiers.len() != identified
        {
            return Err(Error::InvalidArgument(
                "each copy of a batch needs its own device key, status index and identifier".into(),
            ));
        }
        let jitter = jitter_seconds(BATCH_TIME_JITTER_SECONDS);
        if validity.valid_until.checked_sub(jitter.saturating_mul(2)) < Some(validity.valid_from) {
            return Err(Error::InvalidArgument(format!(
                "a batch's validity must span at least {} seconds",
                2 * BATCH_TIME_JITTER_SECONDS
            )));
        }
        let mut offsets = [
            DistinctOffsets::default(),
            DistinctOffsets::default(),
            DistinctOffsets::default(),
        ];
        let mut issued = Vec::with_capacity(copies.len());
        for copy in copies {
            let [signed, from, until] = &mut offsets;
            let earliest_signature = self.certificate.not_before();
            let copy_validity = ValidityInfo {
                signed: earlier(validity.signed, signed.draw(rng))?.max(earliest_signature),
                valid_from: earlier(validity.valid_from, from.draw(rng))?,
                valid_until: earlier(validity.valid_until, until.draw(rng))?,
                expected_update: validity.expected_update,
            };
            // Both entries come from the copy alone: one the issuer was
            // given for a single document would be shared by every copy.
            let issuer =
                self.with_status_entries(copy.status_list.clone(), copy.identifier_list.clone());
            issued.push(issuer.issue_document(document, &copy.device_key, &copy_validity, rng)?);
        }
        Ok(issued)
    }
}

/// Random whole seconds in 0..=[`BATCH_TIME_JITTER_SECONDS`], never the same
/// twice, so no two copies share a time.
#[derive(Default)]
struct DistinctOffsets {
    drawn: BTreeSet<u64>,
}

/// `seconds` (at most [`BATCH_TIME_JITTER_SECONDS`]) as a duration.
fn jitter_seconds(seconds: u64) -> Duration {
    Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// `time` moved back by `offset`, or `invalid_argument` before the first
/// representable date.
fn earlier(time: time::OffsetDateTime, offset: Duration) -> Result<time::OffsetDateTime> {
    time.checked_sub(offset).ok_or_else(|| {
        Error::InvalidArgument("a batch's validity lies at the start of the date range".into())
    })
}

impl DistinctOffsets {
    fn draw<R: CryptoRng + ?Sized>(&mut self, rng: &mut R) -> Duration {
        // At most 64 of 3,601 values are taken: a free one comes quickly.
        loop {
            let seconds = rng.next_u64() % (BATCH_TIME_JITTER_SECONDS + 1);
            if self.drawn.insert(seconds) {
                return jitter_seconds(seconds);
            }
        }
    }
}
