//! Group revocation: the status entries of every copy of one batch (see
//! [`crate::Issuer::issue_batch`]), changed in one call.
//!
//! Each copy of a batch has its own status-list index and its own
//! identifier-list identifier: both are in the MSO every verifier receives,
//! so a value shared by the copies would link their presentations, which is
//! what single-use copies exist to prevent (the EU wallet architecture's
//! batch issuance, and the herd privacy of draft-ietf-oauth-status-list).
//! ISO/IEC 18013-5 second edition gives each mdoc its own identifier in the
//! list and names no group identifier. So the issuer keeps the batch's
//! entries together ([`BatchStatus`]) and withdraws the document by changing
//! them all: a stolen phone's document is revoked whichever copy a
//! verifier is shown.

use crate::error::{Error, Result, excerpt};
use crate::status::identifier_list::{IdentifierList, IdentifierListReference};
use crate::status::managed::ManagedStatusList;
use crate::status::reference::{StatusListReference, StatusReference};
use crate::status::value::StatusValue;

/// The status-list entries and identifiers of one batch's copies, kept by
/// the issuer beside the batch so that it can revoke (or suspend, or
/// reinstate) every copy at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchStatus {
    status_lists: Vec<StatusListReference>,
    identifiers: Vec<IdentifierListReference>,
}

impl BatchStatus {
    /// A batch with no entries yet.
    pub fn new() -> BatchStatus {
        BatchStatus::default()
    }

    /// The entries of the copies whose MSO `status` is each of `references`.
    pub fn from_references<'a>(
        references: impl IntoIterator<Item = &'a StatusReference>,
    ) -> BatchStatus {
        let mut batch = BatchStatus::new();
        for reference in references {
            batch.add(reference);
        }
        batch
    }

    /// Adds the entries of one copy (an entry already held is not added again).
    pub fn add(&mut self, reference: &StatusReference) {
        if let Some(entry) = &reference.status_list
            && !self.status_lists.contains(entry)
        {
            self.status_lists.push(entry.clone());
        }
        if let Some(entry) = &reference.identifier_list
            && !self.identifiers.contains(entry)
        {
            self.identifiers.push(entry.clone());
        }
    }

    /// The copies' status-list entries.
    pub fn status_lists(&self) -> &[StatusListReference] {
        &self.status_lists
    }

    /// The copies' identifier-list entries.
    pub fn identifiers(&self) -> &[IdentifierListReference] {
        &self.identifiers
    }

    /// Sets `status` for every copy's entry in `list` (those whose URI is
    /// the list's) and returns how many were set. All or nothing: every
    /// index is checked before any is set.
    ///
    /// Refused with `invalid_argument` when no copy has an entry in `list`
    /// (a revocation that changes nothing must not look like one), or when
    /// an entry was never allocated in it; with the codes of
    /// [`ManagedStatusList::set`] for an index outside the list.
    pub fn set_status(&self, list: &mut ManagedStatusList, status: StatusValue) -> Result<usize> {
        let indexes: Vec<u64> = self
            .status_lists
            .iter()
            .filter(|entry| entry.uri == list.uri())
            .map(|entry| entry.idx)
            .collect();
        if indexes.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "no copy of the batch has an entry in the status list {}",
                excerpt(list.uri())
            )));
        }
        // Checked on a copy first, so a bad index changes nothing.
        let mut staged = list.clone();
        for &index in &indexes {
            staged.set(index, status)?;
        }
        *list = staged;
        Ok(indexes.len())
    }

    /// Lists every copy's identifier that belongs to the identifier list
    /// published at `uri` in `list`, and returns how many are now listed.
    /// Refused with `invalid_argument` when no copy has an identifier in
    /// that list.
    pub fn revoke_identifiers(&self, list: &mut IdentifierList, uri: &str) -> Result<usize> {
        let ids = self.identifiers_in(uri)?;
        for id in &ids {
            list.insert(id.to_vec())?;
        }
        Ok(ids.len())
    }

    /// Removes every copy's identifier that belongs to the list at `uri`
    /// from `list` (the document reinstated) and returns how many copies
    /// that concerned. Refused as [`BatchStatus::revoke_identifiers`].
    pub fn reinstate_identifiers(&self, list: &mut IdentifierList, uri: &str) -> Result<usize> {
        let ids = self.identifiers_in(uri)?;
        for id in &ids {
            list.remove(id);
        }
        Ok(ids.len())
    }

    fn identifiers_in(&self, uri: &str) -> Result<Vec<&[u8]>> {
        let ids: Vec<&[u8]> = self
            .identifiers
            .iter()
            .filter(|entry| entry.uri == uri)
            .map(|entry| entry.id.as_slice())
            .collect();
        if ids.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "no copy of the batch has an identifier in the list {}",
                excerpt(uri)
            )));
        }
        Ok(ids)
    }
}
