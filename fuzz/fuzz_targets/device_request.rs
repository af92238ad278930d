//! DeviceRequest parsing and reader authentication on arbitrary bytes.
#![no_main]

use docbridge::{DeviceRequest, transcript};
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
