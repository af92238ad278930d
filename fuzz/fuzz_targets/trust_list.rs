//! Signed trust lists and VICALs on arbitrary bytes: parsing, verification
//! against no pinned root, and a store update that must refuse them.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::SignedTrustList;
use docbridge::TrustStore;
use docbridge::trust::vical::SignedVical;
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fuzz_target!(|data: &[u8]| {
    let now = datetime!(2026-11-29 12:00 UTC);
    if let Ok(list) = SignedTrustList::from_slice(data) {
        let _ = list.verify(&[], now);
    }
    let _ = SignedVical::from_slice(data);
    let mut store = TrustStore::new();
    assert!(
        store.update(data, now).is_err(),
        "no pinned operator: nothing may be accepted"
    );
    let _ = TrustStore::new().load_from(data, now);
});
