//! [`TrustStore`]: the app side of trust-list exchange.
//!
//! A store pins one or more operator roots per country (and anchors per
//! VICAL provider), takes signed lists as they are fetched, and keeps for
//! each country the newest list it accepted. From it a verifier takes a
//! snapshot of the authorities to trust ([`TrustStore::trusted_authorities`],
//! [`crate::Verifier::from_store`]), each authority carrying the
//! [`ListSource`] that vouched for it.
//!
//! | rule | code |
//! |---|---|
//! | a list for country X is signed under a root pinned for X | `trust_list_untrusted_operator` |
//! | sequence lower than the held list's (for a VICAL: an earlier `date`) | `trust_list_rollback` |
//! | the held sequence (VICAL: date) with other payload bytes | `trust_list_sequence_reused` |
//! | now after nextUpdate + grace (default [`StalePolicy::FailClosed`], grace [`DEFAULT_GRACE`]) | `trust_list_stale`, on update and again at each verification |
//! | a saved state that cannot be read or no longer verifies | `trust_store_corrupt` |
//! | with [`TrustStore::update_with_crls`]: a CRL the app fetched lists the signer (or an intermediate of its chain) | `certificate_revoked` |
//! | with [`TrustStore::update_with_crls`]: the signer's CRL is missing or stale and the [`CrlPolicy`] fails closed | `crl_missing`, `crl_stale` |
//!
//! An operator's signing key can be compromised like any other: the
//! `*_with_crls` updates check the signer's chain, up to the pinned roots,
//! against the CRLs the app fetched from the distribution points the
//! chain names (the library does no I/O), and [`Update::crl`] says what
//! was found. Saved lists are not checked again on
//! [`TrustStore::load_from`]: they were checked when accepted, and the app
//! replaces a list whose signer is revoked by fetching a current one.
//!
//! Every update is atomic: all checks run before the held list is replaced,
//! so a refused update changes nothing, and an update for one country never
//! touches another's list. The same sequence with the same payload is
//! accepted as "unchanged" (a re-signed edition changes nothing either).
//!
//! # Persistence
//!
//! [`TrustStore::save_to`] writes the signed lists exactly as accepted:
//!
//! ```cddl
//! TrustStoreState = {
//!   "version": 1,
//!   "trustLists": [* bstr],   ; SignedTrustList bytes
//!   "vicals": [* bstr],       ; signed VICAL bytes
//! }
//! ```
//!
//! Pins are not saved: they are the app's configuration, and
//! [`TrustStore::load_from`] verifies every saved list again against the
//! pins of the store it loads into, with every certificate checked at the
//! `now` the caller passes, exactly as [`TrustStore::update`] does. Never at
//! a time the list itself names: its `issued` (or a VICAL's `date`) is the
//! signer's to choose, so a list signed today with a retired operator key
//! could claim a date inside that key's certificate and be restored. A
//! saved list whose operator certificate has since expired therefore
//! refuses the load; the app fetches a current list instead. Stale lists are
//! kept (verification refuses them while they are stale, and they still
//! guard against rollback). A saved list older than the one held is
//! ignored. Any other failure refuses the whole load with
//! `trust_store_corrupt` and leaves the store as it was.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use ciborium::value::Value;
use time::{Duration, OffsetDateTime};

use crate::cbor;
use crate::country::is_alpha2;
use crate::error::{Error, Result, excerpt};
use crate::trust::list::{ListSource, SignedTrustList, VerifiedTrustList};
use crate::trust::vical::{SignedVical, SkippedEntry, VerifiedVical};
use crate::trust::{IssuingAuthority, TrustedAuthorities};
use crate::x509::Certificate;
use crate::x509::crl::{CrlOutcome, CrlPolicy, CrlSet, check_chain};

/// The grace period after nextUpdate before a list counts as stale: none.
/// Operators set nextUpdate with their own margin; an app that must work
/// offline longer sets its own with [`TrustStore::with_grace`].
pub const DEFAULT_GRACE: Duration = Duration::ZERO;
/// The version of the saved state format.
pub const STATE_VERSION: u64 = 1;

/// What a store does with lists past nextUpdate plus the grace period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum StalePolicy {
    /// Refuse stale lists on update, and documents vouched for only by a
    /// stale list at verification (`trust_list_stale`). The default.
    #[default]
    FailClosed,
    /// Accept stale lists and the documents they vouch for; the
    /// [`ListSource`] still reports nextUpdate.
    AllowStale,
}

/// What an accepted update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOutcome {
    /// The list replaced the held one (or was the first for its operator).
    Replaced,
    /// The same sequence and payload as the held list: nothing changed.
    Unchanged,
}

/// The report of an accepted update.
#[derive(Debug, Clone)]
pub struct Update {
    /// The list now held for the operator.
    pub source: ListSource,
    /// Whether anything changed.
    pub outcome: UpdateOutcome,
    /// VICAL entries that were not imported, each with its reason (always
    /// empty for a trust list, whose rules refuse the whole list instead).
    pub skipped: Vec<SkippedEntry>,
    /// What the CRL check of the signer's chain found:
    /// [`CrlOutcome::Disabled`] for [`TrustStore::update`] and
    /// [`TrustStore::update_vical`], which check no CRL.
    pub crl: CrlOutcome,
}

/// Pinned operators and the signed lists accepted from them.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    operator_roots: BTreeMap<String, Vec<Certificate>>,
    vical_anchors: BTreeMap<String, Vec<Certificate>>,
    lists: BTreeMap<String, VerifiedTrustList>,
    vicals: BTreeMap<String, VerifiedVical>,
    grace: Duration,
    stale_policy: StalePolicy,
}

impl TrustStore {
    /// An empty store: nothing pinned, nothing held, [`DEFAULT_GRACE`],
    /// [`StalePolicy::FailClosed`].
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    /// Sets the grace period after nextUpdate (negative counts as zero; one
    /// that carries nextUpdate past the last representable time ends there).
    pub fn with_grace(mut self, grace: Duration) -> TrustStore {
        self.grace = grace.max(Duration::ZERO);
        self
    }

    /// Sets what to do with stale lists.
    pub fn with_stale_policy(mut self, policy: StalePolicy) -> TrustStore {
        self.stale_policy = policy;
        self
    }

    /// The grace period after nextUpdate.
    pub fn grace(&self) -> Duration {
        self.grace
    }

    /// The stale-list policy.
    pub fn stale_policy(&self) -> StalePolicy {
        self.stale_policy
    }

    /// Pins `root` for `country`'s operator: lists for `country` must chain
    /// to it (or to another root pinned for `country`, during a key
    /// rollover). `root` may also be the operator's signing certificate
    /// itself.
    ///
    /// Refused with `invalid_argument` when `country` is not two upper-case
    /// letters, `country_mismatch` when the root's countryName is not
    /// `country`.
    pub fn pin_operator(&mut self, country: &str, root: Certificate) -> Result<()> {
        if !is_alpha2(country) {
            return Err(Error::InvalidArgument(format!(
                "country {country:?} is not an ISO 3166-1 alpha-2 code",
                country = excerpt(country)
            )));
        }
        if root.country() != Some(country) {
            return Err(Error::CountryMismatch(format!(
                "operator root {:?} has country {:?}, pinned for {country}",
                excerpt(root.subject()),
                root.country()
            )));
        }
        let roots = self.operator_roots.entry(country.to_string()).or_default();
        if !roots.iter().any(|held| held.tbs() == root.tbs()) {
            roots.push(root);
        }
        Ok(())
    }

    /// Pins `anchor` for the VICAL provider named `provider` (its
    /// `vicalProvider`, for example `AAMVA`): the provider's root, or its
    /// signing certificate itself. Refused with `invalid_argument` for an
    /// empty name.
    pub fn pin_vical_provider(&mut self, provider: &str, anchor: Certificate) -> Result<()> {
        if provider.is_empty() {
            return Err(Error::InvalidArgument(
                "a VICAL provider needs a name".into(),
            ));
        }
        let anchors = self.vical_anchors.entry(provider.to_string()).or_default();
        if !anchors.iter().any(|held| held.tbs() == anchor.tbs()) {
            anchors.push(anchor);
        }
        Ok(())
    }

    /// The roots pinned for `country`'s operator.
    pub fn operator_roots(&self, country: &str) -> &[Certificate] {
        self.operator_roots
            .get(country)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Takes a signed trust list fetched at `now`: verifies it against the
    /// roots pinned for its country (see [`SignedTrustList::verify`]),
    /// applies the rollback rules, refuses it when stale, and replaces that
    /// country's held list. A refused update changes nothing.
    pub fn update(&mut self, bytes: &[u8], now: OffsetDateTime) -> Result<Update> {
        self.update_list(bytes, None, now)
    }

    /// [`TrustStore::update`], with the operator's signing chain also
    /// checked against `crls` under `policy` (see
    /// [`crate::x509::crl::check_chain`], the roots pinned for the list's
    /// country as anchors) before anything changes: a revoked signer is
    /// refused with `certificate_revoked`, a missing or stale CRL as
    /// `policy` says ([`Update::crl`] reports `not_checked`).
    pub fn update_with_crls(
        &mut self,
        bytes: &[u8],
        crls: &CrlSet,
        policy: &CrlPolicy,
        now: OffsetDateTime,
    ) -> Result<Update> {
        self.update_list(bytes, Some((crls, policy)), now)
    }

    fn update_list(
        &mut self,
        bytes: &[u8],
        crls: Option<(&CrlSet, &CrlPolicy)>,
        now: OffsetDateTime,
    ) -> Result<Update> {
        let signed = SignedTrustList::from_slice(bytes)?;
        let country = signed.claimed_operator_country()?;
        let roots = self.pinned(&country)?;
        let verified = signed.verify(roots, now)?;
        let crl = match crls {
            None => CrlOutcome::Disabled,
            Some((crls, policy)) => verified.check_revocation(roots, crls, policy, now)?,
        };
        let source = self.stamp(verified.source());
        let outcome = self.accept_list(verified, Some(now))?;
        Ok(Update {
            source,
            outcome,
            skipped: Vec::new(),
            crl,
        })
    }

    /// Takes a signed ISO/IEC 18013-5 VICAL fetched at `now`: verifies it
    /// against the anchors pinned for its provider (see
    /// [`SignedVical::verify`]), refuses it when stale (only when it has a
    /// nextUpdate), applies the rollback rules to its `date` (not its
    /// `vicalIssueID`, which AAMVA does not keep monotonic), and
    /// replaces that provider's held VICAL. Entries that cannot be imported
    /// are reported in [`Update::skipped`].
    pub fn update_vical(&mut self, bytes: &[u8], now: OffsetDateTime) -> Result<Update> {
        self.update_vical_checked(bytes, None, now)
    }

    /// [`TrustStore::update_vical`], with the provider's signing chain also
    /// checked against `crls` under `policy` (the anchors pinned for the
    /// provider as trust anchors), as [`TrustStore::update_with_crls`] does
    /// for a trust list.
    pub fn update_vical_with_crls(
        &mut self,
        bytes: &[u8],
        crls: &CrlSet,
        policy: &CrlPolicy,
        now: OffsetDateTime,
    ) -> Result<Update> {
        self.update_vical_checked(bytes, Some((crls, policy)), now)
    }

    fn update_vical_checked(
        &mut self,
        bytes: &[u8],
        crls: Option<(&CrlSet, &CrlPolicy)>,
        now: OffsetDateTime,
    ) -> Result<Update> {
        let signed = SignedVical::from_slice(bytes)?;
        let provider = signed.claimed_provider()?;
        let anchors = self.vical_anchors.get(&provider).ok_or_else(|| {
            Error::TrustListUntrustedOperator(format!(
                "no anchor is pinned for VICAL provider {provider:?}",
                provider = excerpt(&provider)
            ))
        })?;
        let verified = signed.verify(anchors, now)?;
        let crl = match crls {
            None => CrlOutcome::Disabled,
            Some((crls, policy)) => {
                check_chain(signed.chain(), anchors, crls, policy, now, Duration::ZERO)?
            }
        };
        let source = self.stamp(verified.source());
        let skipped = verified.skipped().to_vec();
        let outcome = self.accept_vical(verified, Some(now))?;
        Ok(Update {
            source,
            outcome,
            skipped,
            crl,
        })
    }

    /// The list held for `country`, if any.
    pub fn list(&self, country: &str) -> Option<&VerifiedTrustList> {
        self.lists.get(country)
    }

    /// The VICAL held for `provider`, if any.
    pub fn vical(&self, provider: &str) -> Option<&VerifiedVical> {
        self.vicals.get(provider)
    }

    /// Every held list and VICAL, with the staleness limit this store applies.
    pub fn sources(&self) -> Vec<ListSource> {
        self.lists
            .values()
            .map(VerifiedTrustList::source)
            .chain(self.vicals.values().map(VerifiedVical::source))
            .map(|s| self.stamp(s))
            .collect()
    }

    /// A snapshot of every held authority, each carrying its [`ListSource`]
    /// (with this store's staleness limit, checked at each verification).
    /// Build a new one after an update. Refused with `invalid_argument` only
    /// if two sources gave the same authority id, which the id rules
    /// (`XX:` per country, `vical:<provider>:` per VICAL) rule out.
    ///
    /// A country with a pinned operator speaks for itself alone: VICAL
    /// entries of that country are left out, so a VICAL can neither widen
    /// the doc types nor extend the validity of an authority the country's
    /// own list limits, nor keep one the country removed.
    pub fn trusted_authorities(&self) -> Result<TrustedAuthorities> {
        let mut trusted = TrustedAuthorities::new();
        for held in self.lists.values() {
            add_all(
                &mut trusted,
                held.list().authorities().iter(),
                &self.stamp(held.source()),
            )?;
        }
        for held in self.vicals.values() {
            let not_self_listed = held
                .authorities()
                .iter()
                .filter(|a| !self.operator_roots.contains_key(a.country()));
            add_all(&mut trusted, not_self_listed, &self.stamp(held.source()))?;
        }
        Ok(trusted)
    }

    /// Writes the held signed lists, exactly as accepted (see the [module
    /// documentation](self)). Refused with `io` when writing fails.
    pub fn save_to<W: Write>(&self, out: &mut W) -> Result<()> {
        let bytes = |items: Vec<&[u8]>| {
            Value::Array(
                items
                    .into_iter()
                    .map(|b| Value::Bytes(b.to_vec()))
                    .collect(),
            )
        };
        let state = cbor::text_map([
            ("version", Value::from(STATE_VERSION)),
            (
                "trustLists",
                bytes(self.lists.values().map(|l| l.signed().as_bytes()).collect()),
            ),
            (
                "vicals",
                bytes(
                    self.vicals
                        .values()
                        .map(|v| v.signed().as_bytes())
                        .collect(),
                ),
            ),
        ]);
        out.write_all(&cbor::encode(&state)?)
            .and_then(|()| out.flush())
            .map_err(|e| Error::Io(format!("saving the trust store: {e}")))
    }

    /// Reads a state written by [`TrustStore::save_to`] and verifies every
    /// list in it again against this store's pins, certificates at `now`
    /// (see the [module documentation](self)); returns how many lists and
    /// VICALs are held afterwards. On any failure (`trust_store_corrupt`,
    /// naming the underlying code) the store is unchanged.
    pub fn load_from(&mut self, bytes: &[u8], now: OffsetDateTime) -> Result<usize> {
        let corrupt = |e: Error| Error::TrustStoreCorrupt(format!("{e} ({})", e.code()));
        let value = cbor::decode(bytes).map_err(corrupt)?;
        let saved = read_state(&value).map_err(corrupt)?;
        let mut staged = self.clone();
        for bytes in saved.lists {
            staged.restore_list(bytes, now).map_err(corrupt)?;
        }
        for bytes in saved.vicals {
            staged.restore_vical(bytes, now).map_err(corrupt)?;
        }
        *self = staged;
        Ok(self.lists.len().saturating_add(self.vicals.len()))
    }

    /// [`TrustStore::save_to`] into the file at `path`, replaced atomically
    /// (written beside it, then renamed). Refused with `io`.
    pub fn save_to_path(&self, path: &Path) -> Result<()> {
        let io = |e: std::io::Error| Error::Io(format!("{}: {e}", path.display()));
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = std::path::PathBuf::from(temporary);
        let mut file = std::fs::File::create(&temporary).map_err(io)?;
        self.save_to(&mut file)?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&temporary, path).map_err(io)
    }

    /// [`TrustStore::load_from`] the file at `path`, certificates checked at
    /// `now`. Refused with `io` when it cannot be read, otherwise as
    /// `load_from`.
    pub fn load_from_path(&mut self, path: &Path, now: OffsetDateTime) -> Result<usize> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
        self.load_from(&bytes, now)
    }

    // ----- internals -----

    fn pinned(&self, country: &str) -> Result<&[Certificate]> {
        self.operator_roots
            .get(country)
            .map(Vec::as_slice)
            .ok_or_else(|| {
                Error::TrustListUntrustedOperator(format!(
                    "no operator root is pinned for {country:?}",
                    country = excerpt(country)
                ))
            })
    }

    /// Applies this store's staleness limit to a source.
    fn stamp(&self, source: ListSource) -> ListSource {
        let limit = match self.stale_policy {
            // A grace that carries nextUpdate past the end of the date range
            // saturates there: an overflow must never read as "no limit".
            StalePolicy::FailClosed => source
                .next_update()
                .map(|next| next.saturating_add(self.grace)),
            StalePolicy::AllowStale => None,
        };
        source.with_stale_after(limit)
    }

    /// The rollback rules, then freshness at `fresh_at` (a replayed list is
    /// reported as a rollback even when it is stale too), then the
    /// replacement: the only mutation.
    fn accept_list(
        &mut self,
        verified: VerifiedTrustList,
        fresh_at: Option<OffsetDateTime>,
    ) -> Result<UpdateOutcome> {
        let country = verified.list().operator_country().to_string();
        let previous = self.lists.get(&country).map(|held| {
            let same = held.signed().payload() == verified.signed().payload();
            (held.list().sequence(), same)
        });
        let outcome = judge(&country, previous, verified.list().sequence())?;
        if let Some(now) = fresh_at {
            self.stamp(verified.source()).check_fresh(now)?;
        }
        if outcome != UpdateOutcome::Unchanged {
            self.lists.insert(country, verified);
        }
        Ok(outcome)
    }

    /// As [`TrustStore::accept_list`], for a VICAL.
    fn accept_vical(
        &mut self,
        verified: VerifiedVical,
        fresh_at: Option<OffsetDateTime>,
    ) -> Result<UpdateOutcome> {
        let provider = verified.provider().to_string();
        // VICALs are ordered by date: AAMVA's vicalIssueID is not monotonic
        // (616575 in September 2024, 227602 in November 2025).
        let previous = self.vicals.get(&provider).map(|held| {
            let same = held.signed().payload() == verified.signed().payload();
            (held.date(), same)
        });
        let outcome = judge(&provider, previous, verified.date())?;
        if let Some(now) = fresh_at {
            self.stamp(verified.source()).check_fresh(now)?;
        }
        if outcome != UpdateOutcome::Unchanged {
            self.vicals.insert(provider, verified);
        }
        Ok(outcome)
    }

    fn restore_list(&mut self, bytes: &[u8], now: OffsetDateTime) -> Result<()> {
        let signed = SignedTrustList::from_slice(bytes)?;
        let country = signed.claimed_operator_country()?;
        let verified = signed.verify(self.pinned(&country)?, now)?;
        match self.accept_list(verified, None) {
            Ok(_) | Err(Error::TrustListRollback(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn restore_vical(&mut self, bytes: &[u8], now: OffsetDateTime) -> Result<()> {
        let signed = SignedVical::from_slice(bytes)?;
        let provider = signed.claimed_provider()?;
        let anchors = self.vical_anchors.get(&provider).ok_or_else(|| {
            Error::TrustListUntrustedOperator(format!(
                "no anchor is pinned for VICAL provider {provider:?}",
                provider = excerpt(&provider)
            ))
        })?;
        let verified = signed.verify(anchors, now)?;
        match self.accept_vical(verified, None) {
            Ok(_) | Err(Error::TrustListRollback(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// The rollback rules: `previous` is the held (edition, same payload), an
/// edition being a trust list's sequence or a VICAL's date.
fn judge<K: Ord + std::fmt::Display>(
    operator: &str,
    previous: Option<(K, bool)>,
    edition: K,
) -> Result<UpdateOutcome> {
    match previous {
        None => Ok(UpdateOutcome::Replaced),
        Some((held, _)) if edition < held => Err(Error::TrustListRollback(format!(
            "{operator}: edition {edition} is older than the held {held}"
        ))),
        Some((held, true)) if edition == held => Ok(UpdateOutcome::Unchanged),
        Some((held, false)) if edition == held => Err(Error::TrustListSequenceReused(format!(
            "{operator}: edition {edition} is held with other content"
        ))),
        Some(_) => Ok(UpdateOutcome::Replaced),
    }
}

fn add_all<'a>(
    trusted: &mut TrustedAuthorities,
    authorities: impl Iterator<Item = &'a IssuingAuthority>,
    source: &ListSource,
) -> Result<()> {
    for authority in authorities {
        trusted.add(authority.clone().with_source(source.clone()))?;
    }
    Ok(())
}

/// The signed bytes a saved state holds.
struct SavedState<'a> {
    lists: Vec<&'a [u8]>,
    vicals: Vec<&'a [u8]>,
}

/// Reads the byte strings of a saved state.
fn read_state(value: &Value) -> Result<SavedState<'_>> {
    const WHAT: &str = "trust store state";
    let map = cbor::as_map(value, WHAT)?;
    let version = cbor::as_u64(cbor::map_require(map, "version", WHAT)?, "version")?;
    if version != STATE_VERSION {
        return Err(Error::InvalidStructure(format!(
            "{WHAT}: version {version}, this crate reads {STATE_VERSION}"
        )));
    }
    let byte_strings = |key: &str| -> Result<Vec<&[u8]>> {
        cbor::as_array(cbor::map_require(map, key, WHAT)?, key)?
            .iter()
            .map(|v| cbor::as_bytes(v, key))
            .collect()
    };
    Ok(SavedState {
        lists: byte_strings("trustLists")?,
        vicals: byte_strings("vicals")?,
    })
}
