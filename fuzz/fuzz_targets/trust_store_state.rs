//! Saved trust-store state on arbitrary bytes, loaded into a store that pins
//! a real operator root. Asserts that a refused load changes nothing, that
//! a store with no pin restores no list, and that what a pinned store
//! restores it can save and load again to the same sources.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use std::sync::OnceLock;

use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{Algorithm, Signer, SoftwareKey, TrustStore};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fn pinned() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(|| {
        let mut rng = <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::seed_from_u64(5);
        let key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let spec = CertificateSpec {
            common_name: "UA Trust List Root".into(),
            country: "UA".into(),
            organization: None,
            serial: 1,
            not_before: datetime!(2026-01-01 0:00 UTC),
            not_after: datetime!(2031-01-01 0:00 UTC),
        };
        let root = x509::create_self_signed(&spec, CertificateProfile::Iaca, &key).expect("root");
        let _ = key.public_key();
        let mut store = TrustStore::new();
        store.pin_operator("UA", root).expect("pin");
        store
    })
}

fuzz_target!(|data: &[u8]| {
    let now = datetime!(2026-11-29 12:00 UTC);
    let mut unpinned = TrustStore::new();
    if let Ok(held) = unpinned.load_from(data, now) {
        assert_eq!(held, 0, "a store with no pin restored a list");
    }
    let mut store = pinned().clone();
    let before = store.sources();
    match store.load_from(data, now) {
        Err(_) => assert_eq!(store.sources(), before, "a refused load changed the store"),
        Ok(held) => {
            assert_eq!(held, store.sources().len());
            let mut saved = Vec::new();
            store.save_to(&mut saved).expect("save");
            let mut again = pinned().clone();
            again.load_from(&saved, now).expect("a saved state loads");
            assert_eq!(again.sources(), store.sources());
        }
    }
});
