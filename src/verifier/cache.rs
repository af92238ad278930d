//! The certificate cache: a Document Signer certificate whose profile and
//! chain signature were checked under this verifier's trusted IACAs is not
//! checked again for the next document it signed.
//!
//! | rule | why |
//! |---|---|
//! | keyed by the TBSCertificate bytes | what the IACA signed; the whole encoding and the signature are malleable, so a key made of them would let twins of one certificate take many entries |
//! | an entry is made only after the profiles and the chain signature passed | input that fails costs the full check every time and takes no room |
//! | an entry answers only for the exact bytes whose chain was checked | another encoding of the same TBS (an ECDSA twin, a damaged signature) is parsed and checked in full, and replaces the entry when it passes: a twin can never add an entry |
//! | validity at `now`, the countries, the authority's listed validity and its list's freshness are never cached | they run at every verification |
//! | at most [`DEFAULT_CAPACITY`] entries (see [`crate::Verifier::with_certificate_cache_capacity`]) | a full cache drops an entry to take a new one |
//! | lives inside one [`crate::Verifier`], whose trusted authorities never change | a trust store update needs a new verifier, which starts empty, so no entry outlives the trust it was checked under |
//!
//! Entries only ever come from certificates a trusted IACA signed, so an
//! attacker cannot fill the cache; the bound is for a verifier that meets
//! very many genuine Document Signers. A map under a read-write lock is
//! all this needs (a handful of Document Signers per country), so no
//! caching crate is pulled in.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::x509::Certificate;

/// The default bound on the number of cached Document Signer certificates.
pub const DEFAULT_CAPACITY: usize = 1024;

/// A Document Signer certificate and the candidates (authority index, IACA
/// index in [`crate::TrustedAuthorities`]) whose profile and chain
/// signature checks it passed.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) certificate: Arc<Certificate>,
    pub(super) chained: Vec<(usize, usize)>,
}

/// How the certificate cache has served a verifier so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Chain checks (profiles and the IACA's signature over the Document
    /// Signer certificate) actually run.
    pub chain_checks: u64,
    /// Chain checks answered from the cache.
    pub hits: u64,
    /// Certificates held now.
    pub entries: usize,
}

/// The cache itself (see the [module documentation](self)).
#[derive(Debug)]
pub(super) struct CertificateCache {
    capacity: usize,
    entries: RwLock<HashMap<Vec<u8>, Arc<Entry>>>,
    chain_checks: AtomicU64,
    hits: AtomicU64,
}

impl CertificateCache {
    pub(super) fn new(capacity: usize) -> CertificateCache {
        CertificateCache {
            capacity,
            entries: RwLock::new(HashMap::new()),
            chain_checks: AtomicU64::new(0),
            hits: AtomicU64::new(0),
        }
    }

    /// The entry for a TBSCertificate, if any.
    pub(super) fn get(&self, tbs: &[u8]) -> Option<Arc<Entry>> {
        // A poisoned lock only means another thread panicked mid-insert of
        // a complete value; the map is still sound, so keep using it.
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        entries.get(tbs).cloned()
    }

    /// Records that `certificate` passed the chain checks under candidate
    /// `index`.
    pub(super) fn insert(&self, certificate: &Arc<Certificate>, index: (usize, usize)) {
        if self.capacity == 0 {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        // Another encoding of the same TBSCertificate replaces the entry:
        // what was checked for the old bytes says nothing about the new.
        let mut chained = entries
            .get(certificate.tbs())
            .filter(|e| e.certificate.der() == certificate.der())
            .map(|e| e.chained.clone())
            .unwrap_or_default();
        if !chained.contains(&index) {
            chained.push(index);
        }
        if entries.len() >= self.capacity && !entries.contains_key(certificate.tbs()) {
            // Any entry will do: all are genuine, and a dropped one costs
            // one chain check when its signer comes back.
            if let Some(victim) = entries.keys().next().cloned() {
                entries.remove(&victim);
            }
        }
        entries.insert(
            certificate.tbs().to_vec(),
            Arc::new(Entry {
                certificate: Arc::clone(certificate),
                chained,
            }),
        );
    }

    pub(super) fn count_chain_check(&self) {
        self.chain_checks.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn count_hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn stats(&self) -> CacheStats {
        CacheStats {
            chain_checks: self.chain_checks.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            entries: self.entries.read().unwrap_or_else(|p| p.into_inner()).len(),
        }
    }
}
