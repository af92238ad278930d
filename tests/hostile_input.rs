//! Hostile input never costs more than it weighs: each adversarial input of
//! `tests/common/hostile.rs` is refused with its code, at a peak heap of at
//! most four times its size plus 16 MiB, and with an error message of a few
//! hundred bytes whatever the input holds.
//!
//! Memory is measured by a counting global allocator, so this file holds a
//! single test: tests running beside it would count too.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use docbridge::status::EncodedStatusList;
use docbridge::{DeviceResponse, IssuerSigned, SignedTrustList, inspect};

#[path = "common/hostile.rs"]
mod hostile;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `refuse` on `input` and returns (error code, message length, peak
/// heap above what was held before).
fn measure(
    input: &[u8],
    refuse: impl Fn(&[u8]) -> Result<(), docbridge::Error>,
) -> (&'static str, usize, usize) {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    let outcome = refuse(input);
    let peak = PEAK.load(Ordering::SeqCst) - before;
    match outcome {
        Ok(()) => ("ok", 0, peak),
        Err(e) => (e.code(), e.to_string().len(), peak),
    }
}

#[test]
fn hostile_input_is_refused_at_the_cost_of_its_size() {
    let certificate = docbridge::DemoAuthority::generate(
        "UA",
        "Diia",
        docbridge::Algorithm::Es256,
        &["org.iso.18013.5.1.mDL"],
        time::macros::datetime!(2026-01-01 0:00 UTC),
        time::macros::datetime!(2031-01-01 0:00 UTC),
        &mut rand_core::UnwrapErr(getrandom::SysRng),
    )
    .unwrap()
    .ds_certificate
    .der()
    .to_vec();
    let issuer_signed = |b: &[u8]| IssuerSigned::from_slice(b).map(|_| ());
    let inspected = |b: &[u8]| inspect(b).map(|_| ());
    let response = |b: &[u8]| DeviceResponse::from_slice(b).map(|_| ());
    let trust_list = |b: &[u8]| SignedTrustList::from_slice(b).map(|_| ());
    let status_list = |b: &[u8]| {
        EncodedStatusList::from_slice(b).and_then(|list| list.get(u64::MAX / 2).map(|_| ()))
    };
    type Refuse<'a> = &'a dyn Fn(&[u8]) -> Result<(), docbridge::Error>;
    let cases: Vec<(&str, Vec<u8>, Refuse, &str)> = vec![
        (
            "8 MiB nested through keys (IssuerSigned)",
            hostile::nested_through_keys(hostile::NEAR_LIMIT),
            &issuer_signed,
            "cbor_malformed",
        ),
        (
            "8 MiB nested through keys (inspect)",
            hostile::nested_through_keys(hostile::NEAR_LIMIT),
            &inspected,
            "cbor_malformed",
        ),
        (
            "8 MiB nested through keys (DeviceResponse)",
            hostile::nested_through_keys(hostile::NEAR_LIMIT),
            &response,
            "cbor_malformed",
        ),
        (
            "8 MiB nested through values",
            hostile::nested_through_values(hostile::NEAR_LIMIT),
            &issuer_signed,
            "invalid_structure",
        ),
        (
            "1 MiB of nesting",
            hostile::deep_nesting(),
            &issuer_signed,
            "cbor_too_deep",
        ),
        (
            "claimed length 2^64 - 1",
            hostile::claimed_length(),
            &issuer_signed,
            "cbor_length_exceeds_input",
        ),
        (
            "100,000 tiny items",
            hostile::tiny_items(),
            &issuer_signed,
            "invalid_structure",
        ),
        (
            "1 MiB unknown key",
            hostile::long_unknown_key(hostile::MIB),
            &issuer_signed,
            "invalid_structure",
        ),
        (
            "10,000-certificate x5chain",
            hostile::long_x5chain(&certificate, 10_000),
            &trust_list,
            "cose_malformed",
        ),
        (
            "zip-bomb status list (64 MiB inflated)",
            hostile::zip_bomb(64 * hostile::MIB),
            &status_list,
            "status_list_too_large",
        ),
    ];
    for (name, input, refuse, expected) in cases {
        let (code, message_len, peak) = measure(&input, refuse);
        assert_eq!(code, expected, "{name}");
        assert!(
            message_len < 400,
            "{name}: a message of {message_len} bytes"
        );
        let budget = 4 * input.len() + 16 * hostile::MIB;
        assert!(
            peak <= budget,
            "{name}: peak heap {peak} bytes for {} bytes of input (budget {budget})",
            input.len()
        );
    }
    // Structures are read in place from the scanned bytes: refusing one of
    // the wrong shape builds nothing of it (as a CBOR value tree, these
    // inputs took 6 MiB and 12 MiB).
    for (name, input) in [
        ("100,000 tiny items", hostile::tiny_items()),
        (
            "8 MiB nested through values",
            hostile::nested_through_values(hostile::NEAR_LIMIT),
        ),
    ] {
        for refuse in [&issuer_signed as Refuse, &response] {
            let (code, _, peak) = measure(&input, refuse);
            assert_eq!(code, "invalid_structure", "{name}");
            assert!(peak < 64 * 1024, "{name}: peak heap {peak} bytes");
        }
    }
}
