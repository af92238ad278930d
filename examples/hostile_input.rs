//! Hostile input never costs more than it weighs: for each adversarial input
//! of issue 12, the time and peak heap of refusing it through the library,
//! against the budget (peak at most 4x the input plus 16 MiB, at most 50 ms
//! per MiB of input). Run it optimised:
//!
//! ```text
//! cargo run --release --example hostile_input
//! ```
//!
//! Peak heap is counted by a global allocator that wraps the system one.
//! The 1 GiB file concerns the command-line tool, which reads at most the
//! CBOR limit plus one byte (`cli/tests/cli.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use docbridge::cose::{Sign1Options, sign1};
use docbridge::device_response::{DeviceAuth, DeviceSigned, ElementErrors, ResponseStatus};
use docbridge::documents::samples;
use docbridge::status::EncodedStatusList;
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DeviceResponse, Document, DrivingLicence, Error,
    Issuer, IssuerSigned, SignedTrustList, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo,
    Verifier, VerifyOptions, inspect, transcript,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;

#[path = "../tests/common/hostile.rs"]
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
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

type Refuse<'a> = Box<dyn Fn(&[u8]) -> Result<(), Error> + 'a>;

fn main() -> Result<(), Error> {
    let now = datetime!(2026-11-29 12:00 UTC);
    let mut rng = ChaCha20Rng::seed_from_u64(12);
    let authority = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[DrivingLicence::DOC_TYPE],
        datetime!(2026-01-01 0:00 UTC),
        datetime!(2031-01-01 0:00 UTC),
        &mut rng,
    )?;
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities([authority.authority.clone()])?,
        AcceptancePolicy::accept_all(),
    );
    let session = transcript::backend_nonce("hostile input", &[7; 16])?;
    let certificate = authority.ds_certificate.der().to_vec();

    let at = VerifyOptions::at(now);
    let verify: Refuse = Box::new(|b| verifier.verify(b, &at).map(|_| ()));
    let issuer_signed: Refuse = Box::new(|b| IssuerSigned::from_slice(b).map(|_| ()));
    let inspected: Refuse = Box::new(|b| inspect(b).map(|_| ()));
    let response: Refuse = Box::new(|b| {
        verifier
            .verify_response(b, &VerifyOptions::at(now).transcript(&session))
            .and_then(|r| r.into_first())
            .map(|_| ())
    });
    let trust_list: Refuse = Box::new(|b| SignedTrustList::from_slice(b).map(|_| ()));
    let status_list: Refuse = Box::new(|b| {
        EncodedStatusList::from_slice(b).and_then(|l| l.get(u64::MAX / 2).map(|_| ()))
    });

    let cases: Vec<(&str, Vec<u8>, &Refuse)> = vec![
        (
            "8 MiB nested through keys (verify)",
            hostile::nested_through_keys(hostile::NEAR_LIMIT),
            &verify,
        ),
        (
            "8 MiB nested through keys (inspect)",
            hostile::nested_through_keys(hostile::NEAR_LIMIT),
            &inspected,
        ),
        (
            "8 MiB nested through keys (DeviceResponse)",
            hostile::nested_through_keys(hostile::NEAR_LIMIT),
            &response,
        ),
        (
            "8 MiB nested through values",
            hostile::nested_through_values(hostile::NEAR_LIMIT),
            &verify,
        ),
        ("1 MiB of nesting", hostile::deep_nesting(), &verify),
        (
            "claimed length 2^64 - 1",
            hostile::claimed_length(),
            &verify,
        ),
        ("100,000 tiny items", hostile::tiny_items(), &verify),
        (
            "1 MiB unknown key",
            hostile::long_unknown_key(hostile::MIB),
            &issuer_signed,
        ),
        (
            "10,000-certificate x5chain",
            hostile::long_x5chain(&certificate, 10_000),
            &trust_list,
        ),
        (
            "zip-bomb status list (1 GiB inflated)",
            hostile::zip_bomb(1024 * hostile::MIB),
            &status_list,
        ),
        (
            "16-document response, 400 KB portraits",
            sixteen_documents(&authority, &mut rng)?,
            &response,
        ),
    ];

    println!("| input | bytes | refused with | time | ms/MiB | peak heap | budget | within |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut all_within = true;
    for (name, input, refuse) in cases {
        let before = CURRENT.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let outcome = refuse(&input);
        let elapsed = started.elapsed();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        let code = outcome.err().map_or("ACCEPTED", |e| e.code());
        let mib = input.len() as f64 / hostile::MIB as f64;
        let ms = elapsed.as_secs_f64() * 1000.0;
        let per_mib = ms / mib.max(1.0 / 1024.0);
        let budget = 4 * input.len() + 16 * hostile::MIB;
        let within = peak <= budget && (per_mib <= 50.0 || ms < 1.0) && code != "ACCEPTED";
        all_within &= within;
        println!(
            "| {name} | {} | `{code}` | {ms:.2} ms | {per_mib:.1} | {:.1} MiB | {:.1} MiB | {} |",
            input.len(),
            peak as f64 / hostile::MIB as f64,
            budget as f64 / hostile::MIB as f64,
            if within { "yes" } else { "NO" }
        );
    }
    if !all_within {
        return Err(Error::InvalidArgument(
            "an input exceeded its budget".into(),
        ));
    }
    Ok(())
}

/// A DeviceResponse of 16 licences with 400 KB portraits, correctly issued,
/// whose device signatures do not verify.
fn sixteen_documents(authority: &DemoAuthority, rng: &mut ChaCha20Rng) -> Result<Vec<u8>, Error> {
    let issuer = Issuer::new(&authority.ds_key, &authority.ds_certificate)?;
    let device = SoftwareKey::generate(Algorithm::Es256, rng);
    let mut licence = samples::driving_licence_ua();
    licence.portrait = Some(vec![0xa5; 400_000]);
    let validity = ValidityInfo::new(
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2027-11-01 0:00 UTC),
    );
    let mut documents = Vec::new();
    for _ in 0..16 {
        let issued = issuer.issue_document(&licence, &device.public_key(), &validity, rng)?;
        let wrong = sign1(
            &device,
            b"not the DeviceAuthentication",
            &Sign1Options {
                detached: true,
                ..Sign1Options::default()
            },
        )?;
        documents.push(Document::new(
            DrivingLicence::DOC_TYPE.into(),
            issued,
            DeviceSigned::new(vec![0xa0], DeviceAuth::Signature(wrong)),
            ElementErrors::default(),
        ));
    }
    DeviceResponse {
        version: "1.0".into(),
        documents,
        document_errors: Vec::new(),
        status: ResponseStatus::Ok,
    }
    .to_vec()
}
