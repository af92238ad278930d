//! The ratio runner: for each case, its fastest time and its ratio to the
//! signature and digest operations it cannot avoid, timed alone in the same
//! process, interleaved batch by batch (these machines are noisy: absolute
//! times move, ratios hold). Then peak memory over 10,000 verifications and
//! the speed-up on two threads.
//!
//! Run with `cargo bench --bench ratios` (add `-- quick` for fewer rounds,
//! `-- only TEXT` for the cases whose name contains TEXT).
//!
//! A counting global allocator gives each case's allocations per
//! verification (and per decode alone), printed beside the times.

mod fixtures;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fixtures::IssueCase;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// Counts allocations (and their bytes) and passes every call to the
/// system allocator unchanged.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to the system allocator as received; the
// counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        ALLOCATED_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
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
    f();
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

    println!("docbridge verification: time and ratio to its unavoidable crypto, same run");
    println!(
        "(fastest of {rounds} interleaved batches; crypto = signature verifications + digests"
    );
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
    println!(
        "| issuing (Ed25519, 20 elements) | | {t:.0} | {:.0} (sign, verify, digests) | {:.2} |",
        baselines[0].0, baselines[0].1
    );

    // Memory and threads on the Ed25519 response, the phone's case.
    let Some(case) = cases.iter().find(|c| c.name.starts_with("Ed25519")) else {
        return;
    };
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
}
