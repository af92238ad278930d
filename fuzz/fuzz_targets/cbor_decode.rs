//! Bounded CBOR decoding: any input is an item or an error, never a panic,
//! and what decodes re-encodes to bytes that decode and re-encode to the
//! same bytes (compared as bytes, since NaN never equals itself).
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = docbridge::cbor::decode(data) {
        let once = docbridge::cbor::encode(&value).expect("a decoded value encodes");
        let back = docbridge::cbor::decode(&once).expect("re-encoded CBOR decodes");
        let twice = docbridge::cbor::encode(&back).expect("a decoded value encodes");
        assert_eq!(once, twice);
    }
});
