//! Status List Tokens on arbitrary bytes: parsing, verification with a fixed
//! key, and bounded decompression of the list.
#![no_main]

use docbridge::status::{EncodedStatusList, verify_status_list_token_with_key};
use docbridge::{Algorithm, Signer, SoftwareKey};
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fuzz_target!(|data: &[u8]| {
    let key = SoftwareKey::from_secret_bytes(Algorithm::Es256, &[7; 32]).expect("key");
    let _ =
        verify_status_list_token_with_key(data, &key.public_key(), datetime!(2026-11-29 12:00 UTC));
    if let Ok(value) = docbridge::cbor::decode(data) {
        if let Ok(list) = EncodedStatusList::from_value(&value) {
            let _ = list.get(0);
            let _ = list.get(1_000_000);
        }
    }
});
