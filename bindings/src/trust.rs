//! `TrustStore`: the operators' roots an app pins, the signed trust lists
//! (and VICALs) it accepts from them, and the state it saves between runs.
//! The app fetches and stores the bytes; the store checks them.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use docbridge::trust::store::UpdateOutcome;
use docbridge::{Certificate, ListSource};

use crate::error::{DocbridgeError, Result};
use crate::time::{from_core, to_core};

/// A trusted issuing authority, as the store or a verifier holds it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AuthorityInfo {
    /// The authority's id, `<country>:...` in a trust list.
    pub id: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: String,
    /// Its name.
    pub name: String,
    /// The doc types it may issue, sorted.
    pub doc_types: Vec<String>,
    /// The list that vouches for it; `None` for an authority configured by hand.
    pub source: Option<TrustSource>,
}

/// A signed list that vouched for an authority.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TrustSource {
    /// `trust_list` (a national operator's list) or `vical`.
    pub format: String,
    /// The operator's country, or the VICAL provider's name.
    pub operator: String,
    /// The list's sequence number.
    pub sequence: u64,
    /// When the list was issued.
    pub issued: SystemTime,
    /// When the operator promised the next list, if it did.
    pub next_update: Option<SystemTime>,
}

impl From<&ListSource> for TrustSource {
    fn from(source: &ListSource) -> TrustSource {
        TrustSource {
            format: source.format().name().to_string(),
            operator: source.operator().to_string(),
            sequence: source.sequence(),
            issued: from_core(source.issued()),
            next_update: source.next_update().map(from_core),
        }
    }
}

/// What an accepted update did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TrustUpdate {
    /// The list now held.
    pub source: TrustSource,
    /// False when the list was the one already held (same sequence and bytes).
    pub replaced: bool,
    /// VICAL entries left out, each with its reason (always empty for a
    /// trust list, whose rules refuse the whole list instead).
    pub skipped: Vec<SkippedEntry>,
}

/// A VICAL entry that was not imported.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SkippedEntry {
    /// Its index in the VICAL's `certificateInfos`.
    pub index: u64,
    /// The certificate's subject, when it could be read.
    pub subject: Option<String>,
    /// The stable code of the rule it broke.
    pub code: String,
    /// The readable reason.
    pub reason: String,
}

/// Pinned operator roots and the lists accepted from them. Thread-safe: one
/// store may be shared by the app's threads.
#[derive(Debug, Default, uniffi::Object)]
pub struct TrustStore {
    inner: Mutex<docbridge::TrustStore>,
}

impl TrustStore {
    /// The core store, for building verifiers. A poisoned lock (a panic
    /// elsewhere while holding it) still yields the store: every change
    /// to it is staged and swapped in whole, so it is never half-updated.
    pub(crate) fn lock(&self) -> MutexGuard<'_, docbridge::TrustStore> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl TrustStore {
    /// An empty store: nothing pinned, no grace after nextUpdate, stale
    /// lists refused.
    #[uniffi::constructor]
    pub fn new() -> Arc<TrustStore> {
        Arc::new(TrustStore::default())
    }

    /// Pins `root` (PEM or DER) as the trust-list operator root for
    /// `country`. Refused with `country_mismatch` when the certificate names
    /// another country.
    pub fn pin_operator(&self, country: String, root: Vec<u8>) -> Result<()> {
        let root = Certificate::load_one(&root)?;
        Ok(self.lock().pin_operator(&country, root)?)
    }

    /// Pins `anchor` (PEM or DER) for the VICAL provider named `provider`.
    pub fn pin_vical_provider(&self, provider: String, anchor: Vec<u8>) -> Result<()> {
        let anchor = Certificate::load_one(&anchor)?;
        Ok(self.lock().pin_vical_provider(&provider, anchor)?)
    }

    /// Takes a signed trust list fetched at `now`, with the rollback,
    /// staleness and foreign-authority rules; a refused list changes nothing.
    pub fn update(&self, signed_list: Vec<u8>, now: SystemTime) -> Result<TrustUpdate> {
        let update = self.lock().update(&signed_list, to_core(now)?)?;
        Ok(trust_update(&update))
    }

    /// Takes a VICAL fetched at `now` from a pinned provider; entries that
    /// break a rule are skipped and reported.
    pub fn update_vical(&self, vical: Vec<u8>, now: SystemTime) -> Result<TrustUpdate> {
        let update = self.lock().update_vical(&vical, to_core(now)?)?;
        Ok(trust_update(&update))
    }

    /// The held lists, exactly as accepted, for the app to write to its storage.
    pub fn save(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.lock().save_to(&mut out)?;
        Ok(out)
    }

    /// Restores a state written by `save`, verifying every list again
    /// against this store's pins, certificates checked at `now`; returns how
    /// many lists are held. Refused with `trust_store_corrupt` (the store
    /// then is unchanged).
    pub fn load(&self, saved: Vec<u8>, now: SystemTime) -> Result<u64> {
        let held = self.lock().load_from(&saved, to_core(now)?)?;
        u64::try_from(held).map_err(|_| DocbridgeError::invalid_argument("too many lists"))
    }

    /// Every authority the held lists vouch for, as a verifier built from
    /// this store trusts them.
    pub fn authorities(&self) -> Result<Vec<AuthorityInfo>> {
        let trusted = self.lock().trusted_authorities()?;
        Ok(trusted.authorities().iter().map(authority_info).collect())
    }

    /// The authorities of the list held for `country`'s operator, in list
    /// order (empty when no list is held).
    pub fn listed_authorities(&self, country: String) -> Vec<AuthorityInfo> {
        let store = self.lock();
        store
            .list(&country)
            .map(|held| {
                let source = TrustSource::from(&held.source());
                held.list()
                    .authorities()
                    .iter()
                    .map(|a| AuthorityInfo {
                        source: Some(source.clone()),
                        ..authority_info(a)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn trust_update(update: &docbridge::trust::store::Update) -> TrustUpdate {
    TrustUpdate {
        source: TrustSource::from(&update.source),
        replaced: update.outcome == UpdateOutcome::Replaced,
        skipped: update
            .skipped
            .iter()
            .map(|s| SkippedEntry {
                index: u64::try_from(s.index).unwrap_or(u64::MAX),
                subject: s.subject.clone(),
                code: s.error.code().to_string(),
                reason: s.error.to_string(),
            })
            .collect(),
    }
}

pub(crate) fn authority_info(authority: &docbridge::IssuingAuthority) -> AuthorityInfo {
    AuthorityInfo {
        id: authority.id().to_string(),
        country: authority.country().to_string(),
        name: authority.name().to_string(),
        doc_types: authority.doc_types().iter().cloned().collect(),
        source: authority.source().map(TrustSource::from),
    }
}
