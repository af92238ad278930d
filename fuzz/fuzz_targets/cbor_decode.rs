//! Bounded CBOR decoding: any input is an item or an error, never a panic,
//! and what decodes re-encodes and decodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = docbridge::cbor::decode(data) {
        let again = docbridge::cbor::encode(&value).expect("a decoded value encodes");
        let back = docbridge::cbor::decode(&again).expect("re-encoded CBOR decodes");
        assert_eq!(back, value);
    }
});
