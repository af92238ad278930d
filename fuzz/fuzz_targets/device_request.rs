//! DeviceRequest parsing and reader authentication on arbitrary bytes.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::{DeviceRequest, transcript};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = DeviceRequest::from_slice(data) {
        let session = transcript::backend_nonce("fuzz", &[0; 16]).expect("transcript");
        for doc_request in request.doc_requests() {
            let _ = doc_request.verify_reader(&[], &session, datetime!(2026-11-29 12:00 UTC));
        }
        let _ = request.to_vec();
    }
});
