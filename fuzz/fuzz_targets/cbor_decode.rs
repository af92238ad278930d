//! Bounded CBOR decoding: any input is an item or an error, never a panic,
//! and what decodes re-encodes to bytes that decode and re-encode to the
//! same bytes (compared as bytes, since NaN never equals itself).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = docbridge::cbor::decode(data) {
        let once = docbridge::cbor::encode(&value).expect("a decoded value encodes");
        let back = docbridge::cbor::decode(&once).expect("re-encoded CBOR decodes");
        let twice = docbridge::cbor::encode(&back).expect("a decoded value encodes");
        assert_eq!(once, twice);
    }
});
