//! DeviceResponse parsing and verification (device authentication included)
//! on arbitrary bytes.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::{
    AcceptancePolicy, DeviceResponse, TrustedAuthorities, Verifier, VerifyOptions, transcript,
};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fuzz_target!(|data: &[u8]| {
    let _ = DeviceResponse::from_slice(data);
    let session = transcript::backend_nonce("fuzz", &[0; 16]).expect("transcript");
    let verifier = Verifier::new(TrustedAuthorities::new(), AcceptancePolicy::accept_all());
    let options = VerifyOptions::at(datetime!(2026-11-29 12:00 UTC)).transcript(&session);
    let _ = verifier.verify_response(data, &options);
});
