//! The ratio runner: for each case, its fastest time and its ratio to the
//! signature and digest operations it cannot avoid, timed alone in the same
//! process, interleaved batch by batch (these machines are noisy: absolute
//! times move, ratios hold). Then peak memory over 10,000 verifications and
//! the speed-up on two threads; the scale cases (a 10,000-authority trust
//! store, a status lookup in a 1,000,000-entry list, bulk verification on one
//! and two threads with `--features rayon`); and with `--features aws-lc-rs`
//! each primitive under both crypto providers.
//!
//! Run with `cargo bench --bench ratios` (add `-- quick` for fewer rounds,
//! `-- only TEXT` for the cases whose name contains TEXT, `-- profile` to
//! only verify those cases with a warm cache for three seconds each, for a
//! profiler; `-- only issuing profile` issues for three seconds;
//! `-- only TEXT profile N` verifies N times instead, for comparing two
//! builds by instruction count under callgrind: see BENCHMARKS.md).
//!
//! A counting global allocator gives each case's allocations per
//! verification (and per decode alone), printed beside the times.

mod fixtures;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fixtures::IssueCase;
use fixtures::scale::{StatusCase, TrustStoreCase, verify};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// Counts allocations (and their bytes) while [`COUNTING`] is on, and
/// passes every call to the system allocator unchanged.
struct Counting;

/// On only while [`allocations`] runs: two atomic additions per allocation
/// would otherwise be charged to every timed verification (a few µs for
/// the 200-odd allocations of one).
static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

fn count(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator as received; the
// counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        // SAFETY: forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations (reallocations included) and bytes allocated by one run of
/// `f` (the runner is single-threaded here).
fn allocations(f: &mut dyn FnMut()) -> (u64, u64) {
    let (count, bytes) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        ALLOCATED_BYTES.load(Ordering::Relaxed),
    );
    COUNTING.store(true, Ordering::Relaxed);
    f();
    COUNTING.store(false, Ordering::Relaxed);
    (
        ALLOCATIONS.load(Ordering::Relaxed) - count,
        ALLOCATED_BYTES.load(Ordering::Relaxed) - bytes,
    )
}

/// The time one timed batch should take.
const BATCH: Duration = Duration::from_millis(5);

/// How many runs of `f` take about [`BATCH`].
fn batch_len(f: &mut dyn FnMut()) -> u32 {
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < BATCH / 4 {
        f();
        n += 1;
    }
    (n * 4).max(1)
}

/// Microseconds per run of `f` over a batch of `n`.
fn time_us(f: &mut dyn FnMut(), n: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

fn fastest(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Times `case` and each of `baselines` in alternation for `rounds`
/// rounds: the fastest batch of each, and the ratio of the case's fastest
/// to each baseline's fastest. On a shared machine the fastest batch is the
/// one other work disturbed least; medians there swing with the load.
fn compare(
    rounds: usize,
    case: &mut dyn FnMut(),
    baselines: &mut [&mut dyn FnMut()],
) -> (f64, Vec<(f64, f64)>) {
    let n = batch_len(case);
    let ns: Vec<u32> = baselines.iter_mut().map(|b| batch_len(*b)).collect();
    let mut case_times = Vec::new();
    let mut base_times = vec![Vec::new(); baselines.len()];
    for _ in 0..rounds {
        case_times.push(time_us(case, n));
        for (i, baseline) in baselines.iter_mut().enumerate() {
            base_times[i].push(time_us(*baseline, ns[i]));
        }
    }
    let t = fastest(&case_times);
    (
        t,
        base_times
            .iter()
            .map(|b| (fastest(b), t / fastest(b)))
            .collect(),
    )
}

/// The resident set's high-water mark, in KiB (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let rounds = if quick { 11 } else { 41 };
    // `-- only TEXT` keeps the cases whose name contains TEXT (for a profiler).
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "only")
        .and_then(|i| args.get(i + 1));
    let mut cases = fixtures::verification_cases();
    cases.retain(|c| only.is_none_or(|o| c.name.contains(o.as_str())));
    if let Some(at) = args.iter().position(|a| a == "profile") {
        // A count after `profile` fixes the work rather than the time.
        let count = args.get(at + 1).and_then(|n| n.parse::<u64>().ok());
        for case in &cases {
            let start = Instant::now();
            let mut done = 0u64;
            while count.map_or(start.elapsed() < Duration::from_secs(3), |n| done < n) {
                case.run();
                done += 1;
            }
        }
        if only.is_some_and(|o| "issuing".contains(o.as_str())) {
            let (issue, mut rng) = (IssueCase::new(), ChaCha20Rng::seed_from_u64(70));
            let start = Instant::now();
            let mut done = 0u64;
            while count.map_or(start.elapsed() < Duration::from_secs(3), |n| done < n) {
                issue.run(&mut rng);
                done += 1;
            }
        }
        return;
    }

    println!(
        "docbridge verification: time and ratio to its unavoidable crypto, same run \
         (crypto provider: {})",
        docbridge::provider::get_default().name()
    );
    println!(
        "(fastest of {rounds} interleaved batches; crypto = signature verifications + digests"
    );
    println!(" + reading the device key from its COSE_Key (a point decompression for Ed25519)");
    println!(" [+ ECDH, HKDF, HMAC for deviceMac]; with a warm certificate cache the DS");
    println!(" chain signature is no longer unavoidable and leaves the crypto sum)\n");
    println!("| case | certificate cache | µs | crypto µs | ratio |");
    println!("|---|---|---|---|---|");
    for case in &cases {
        let uncached = case.verifier.clone().with_certificate_cache_capacity(0);
        let (t, baselines) = compare(
            rounds,
            &mut || case.run_with(&uncached),
            &mut [&mut || case.crypto.run_all()],
        );
        println!(
            "| {} | off | {t:.0} | {:.0} (with chain) | {:.2} |",
            case.name, baselines[0].0, baselines[0].1
        );
        case.run(); // warms the certificate cache
        let (t, baselines) = compare(
            rounds,
            &mut || case.run(),
            &mut [&mut || case.crypto.run_without_chain()],
        );
        println!(
            "| {} | warm | {t:.0} | {:.0} (no chain) | {:.2} |",
            case.name, baselines[0].0, baselines[0].1
        );
    }

    println!(
        "\n| case | allocations per verification (warm cache) | KB allocated | of which decoding |"
    );
    println!("|---|---|---|---|");
    for case in &cases {
        case.run(); // warms the certificate cache
        let (count, bytes) = allocations(&mut || case.run());
        let (decode, _) = allocations(&mut || case.decode());
        println!(
            "| {} | {count} | {:.1} | {decode} |",
            case.name,
            bytes as f64 / 1000.0
        );
    }

    // What the owned result alone costs: copying the verified documents
    // (their elements and MSO; their typed claims are built when asked
    // for) is less work than building them from the received bytes, so
    // this ratio is a floor no verification that hands back owned
    // documents can go below.
    // Beside it, the same copy with its typed claims then built (a copy's
    // claims are not built yet): the difference is what a caller pays on
    // its first `claims()` call.
    println!(
        "\n| case | copying the result µs | crypto µs | ratio | copying it and building its typed claims µs |"
    );
    println!("|---|---|---|---|---|");
    for case in &cases {
        let verified = case.verified();
        let (t, baselines) = compare(
            rounds,
            &mut || {
                std::hint::black_box(std::hint::black_box(&verified).clone());
            },
            &mut [&mut || case.crypto.run_without_chain(), &mut || {
                for document in std::hint::black_box(&verified).clone() {
                    std::hint::black_box(document.claims());
                }
            }],
        );
        println!(
            "| {} | {t:.1} | {:.0} (no chain) | {:.3} | {:.1} |",
            case.name, baselines[0].0, baselines[0].1, baselines[1].0
        );
    }

    if only.is_some() {
        return;
    }
    let issue = IssueCase::new();
    let mut rng = ChaCha20Rng::seed_from_u64(70);
    let (t, baselines) = compare(
        rounds,
        &mut || issue.run(&mut rng),
        &mut [&mut || issue.run_crypto()],
    );
    println!("\n| case | | µs | crypto µs | ratio |");
    println!("|---|---|---|---|---|");
    println!(
        "| issuing (Ed25519, 20 elements) | | {t:.0} | {:.0} (sign, verify, digests) | {:.2} |",
        baselines[0].0, baselines[0].1
    );

    // Memory first: the scale cases below raise the resident set's
    // high-water mark, which would hide growth under it.
    if let Some(case) = cases.iter().find(|c| c.name.starts_with("Ed25519")) {
        memory_and_threads(case, quick);
    }
    scale(quick);
    providers(rounds);
}

/// Peak memory over 10,000 verifications of the Ed25519 response (the
/// phone's case), then the same work on two threads.
fn memory_and_threads(case: &fixtures::Case, quick: bool) {
    let runs = if quick { 2_000 } else { 10_000 };
    let before = peak_rss_kib();
    let start = Instant::now();
    for _ in 0..runs {
        case.run();
    }
    let one_thread = start.elapsed();
    let after = peak_rss_kib();
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "\npeak RSS over {runs} verifications: {before} KiB before, {after} KiB after (+{} KiB)",
            after.saturating_sub(before)
        );
    }
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..runs / 2 {
                    case.run();
                }
            });
        }
    });
    let two_threads = start.elapsed();
    println!(
        "{runs} verifications: {:.0} ms on one thread, {:.0} ms on two (speed-up {:.2}x)",
        one_thread.as_secs_f64() * 1e3,
        two_threads.as_secs_f64() * 1e3,
        one_thread.as_secs_f64() / two_threads.as_secs_f64()
    );
    // The same for the case's crypto alone, which shares nothing between
    // threads: the speed-up this machine's two cores give at best.
    let (crypto_one, crypto_two) =
        on_one_and_two_threads(runs, &|| case.crypto.run_without_chain());
    println!(
        "its crypto alone, {runs} times: {:.0} ms on one thread, {:.0} ms on two (speed-up {:.2}x: the machine's ceiling)",
        crypto_one.as_secs_f64() * 1e3,
        crypto_two.as_secs_f64() * 1e3,
        crypto_one.as_secs_f64() / crypto_two.as_secs_f64()
    );
}

/// `runs` calls of `f` on one thread, then split over two.
fn on_one_and_two_threads(runs: usize, f: &(dyn Fn() + Sync)) -> (Duration, Duration) {
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    let one = start.elapsed();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..runs / 2 {
                    f();
                }
            });
        }
    });
    (one, start.elapsed())
}

/// A trust store of 10,000 authorities, a status lookup in a 1,000,000-entry
/// list, and bulk verification on one and two threads.
fn scale(quick: bool) {
    let rounds = if quick { 3 } else { 7 };
    let count = if quick { 1_000 } else { 10_000 };
    println!("\n| scale case | µs | baseline µs | ratio |");
    println!("|---|---|---|---|");
    let store = TrustStoreCase::new(count);
    let (t, b) = compare(
        rounds,
        &mut || {
            std::hint::black_box(store.load());
        },
        &mut [&mut || store.parse_only()],
    );
    println!(
        "| trust store: load {} authorities from their IACA certificates | {t:.0} | {:.0} (reading the certificates alone) | {:.2} |",
        store.len(),
        b[0].0,
        b[0].1
    );
    let large = docbridge::Verifier::new(store.load(), docbridge::AcceptancePolicy::accept_all())
        .with_certificate_cache_capacity(0);
    let single = store.single.clone().with_certificate_cache_capacity(0);
    let (t, b) = compare(
        rounds * 3,
        &mut || verify(&large, &store.document),
        &mut [&mut || verify(&single, &store.document)],
    );
    println!(
        "| verify one document against those {} authorities | {t:.0} | {:.0} (against its one authority) | {:.2} |",
        store.len(),
        b[0].0,
        b[0].1
    );

    let status = StatusCase::new();
    let mut n = 0usize;
    let (t, b) = compare(
        rounds * 3,
        &mut || {
            status.lookup(n);
            n = n.wrapping_add(1);
        },
        &mut [&mut || status.decode_all()],
    );
    println!(
        "| status lookup in a {}-entry list ({:.1} kB token; scattered indexes) | {t:.1} | {:.0} (inflating the whole list) | {:.3} |",
        StatusCase::ENTRIES,
        status.token_len as f64 / 1000.0,
        b[0].0,
        b[0].1
    );
    bulk(quick, rounds);
}

/// Bulk verification of Ed25519 documents on one and on two threads, and
/// one by one, per document.
#[cfg(feature = "rayon")]
fn bulk(quick: bool, rounds: usize) {
    let count = if quick { 128 } else { 512 };
    let (verifier, documents) = fixtures::scale::bulk_documents(count);
    let options = docbridge::VerifyOptions::at(fixtures::NOW);
    let pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
    };
    let (one, two) = (pool(1), pool(2));
    let per_document = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64() * 1e6 / count as f64
    };
    let (mut alone, mut on_one, mut on_two) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        alone.push(per_document(&mut || {
            for document in &documents {
                verify(&verifier, document);
            }
        }));
        on_one.push(per_document(&mut || {
            let results = one.install(|| verifier.verify_many(&documents, &options));
            assert!(results.iter().all(Result::is_ok));
        }));
        on_two.push(per_document(&mut || {
            let results = two.install(|| verifier.verify_many(&documents, &options));
            assert!(results.iter().all(Result::is_ok));
        }));
    }
    let (alone, on_one, on_two) = (fastest(&alone), fastest(&on_one), fastest(&on_two));
    println!(
        "| bulk verification, {count} Ed25519 documents, per document: one thread | {on_one:.0} | {alone:.0} (one by one) | {:.2} |",
        on_one / alone
    );
    println!(
        "| bulk verification, {count} Ed25519 documents, per document: two threads | {on_two:.0} | {alone:.0} (one by one) | {:.2} (speed-up {:.2}x over one thread) |",
        on_two / alone,
        on_one / on_two
    );
}

#[cfg(not(feature = "rayon"))]
fn bulk(_quick: bool, _rounds: usize) {
    println!("(bulk verification on two threads: run with `--features rayon`)");
}

/// The fast provider's primitives beside the pure-Rust ones, same run.
#[cfg(feature = "aws-lc-rs")]
fn providers(rounds: usize) {
    use docbridge::provider::{AWS_LC, CryptoProvider, RUST_CRYPTO};
    use docbridge::{Algorithm, DigestAlgorithm, Signer as _, SoftwareKey};

    let mut rng = ChaCha20Rng::seed_from_u64(99);
    let message = vec![0x5a_u8; 1_000];
    let portrait = vec![0xa5_u8; 20 * 1024];
    let p256 = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let p384 = SoftwareKey::generate(Algorithm::Es384, &mut rng);
    let ed = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    let secret = <p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(&mut rng);
    let peer = <p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(&mut rng)
        .public_key();
    println!("\n| primitive | aws-lc-rs µs | pure Rust µs | ratio |");
    println!("|---|---|---|---|");
    let row = |name: &str, op: &dyn Fn(&dyn CryptoProvider)| {
        let (t, b) = compare(rounds, &mut || op(&AWS_LC), &mut [&mut || op(&RUST_CRYPTO)]);
        println!("| {name} | {t:.1} | {:.1} | {:.2} |", b[0].0, b[0].1);
    };
    for (name, key) in [
        ("P-256 verify", &p256),
        ("P-384 verify", &p384),
        ("Ed25519 verify (strict, both dalek)", &ed),
    ] {
        let signature = key.sign(&message).expect("signing");
        let public = key.public_key();
        row(name, &|p| {
            p.verify(&public, &message, &signature).expect("verifies")
        });
    }
    row("P-256 ECDH", &|p| {
        std::hint::black_box(p.ecdh_p256(&secret, &peer).expect("ECDH"));
    });
    row("SHA-256 of 20 KB", &|p| {
        std::hint::black_box(p.digest(DigestAlgorithm::Sha256, &[&portrait]));
    });
    row("HKDF-SHA-256 + HMAC-SHA-256 (1 kB)", &|p| {
        let mut key = [0u8; 32];
        p.hkdf_sha256(&message[..32], &message[..32], b"EMacKey", &mut key)
            .expect("HKDF");
        std::hint::black_box(p.hmac_sha256(&key, &message).expect("HMAC"));
    });
}

#[cfg(not(feature = "aws-lc-rs"))]
fn providers(_rounds: usize) {
    println!("(the fast provider beside the pure-Rust one: run with `--features aws-lc-rs`)");
}
