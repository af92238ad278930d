//! Status List Tokens on arbitrary bytes: parsing, verification with a fixed
//! key, and bounded decompression of the list.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::status::{EncodedStatusList, verify_status_list_token_with_key};
use docbridge::{Algorithm, Signer, SoftwareKey};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fuzz_target!(|data: &[u8]| {
    let key = SoftwareKey::from_secret_bytes(Algorithm::Es256, &[7; 32]).expect("key");
    let _ =
        verify_status_list_token_with_key(data, &key.public_key(), datetime!(2026-11-29 12:00 UTC));
    if let Ok(value) = docbridge::cbor::decode(data)
        && let Ok(list) = EncodedStatusList::from_value(&value)
    {
        let _ = list.get(0);
        let _ = list.get(1_000_000);
    }
});
