//! Criterion benchmarks of verification and issuing: each case beside its
//! unavoidable crypto alone (see `fixtures`). `cargo bench --bench verify`;
//! `cargo bench --bench ratios` prints the ratios in one table.

mod fixtures;

use criterion::{Criterion, criterion_group, criterion_main};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

fn verification(c: &mut Criterion) {
    for case in fixtures::verification_cases() {
        let mut group = c.benchmark_group(case.name);
        group.bench_function("verify", |b| b.iter(|| case.run()));
        group.bench_function("crypto alone", |b| b.iter(|| case.crypto.run_all()));
        group.bench_function("crypto alone, no chain signature", |b| {
            b.iter(|| case.crypto.run_without_chain())
        });
        group.finish();
    }
}

fn issuing(c: &mut Criterion) {
    let issue = fixtures::IssueCase::new();
    let mut rng = ChaCha20Rng::seed_from_u64(80);
    let mut group = c.benchmark_group("issuing (Ed25519, 20 elements)");
    group.bench_function("issue", |b| b.iter(|| issue.run(&mut rng)));
    group.bench_function("sign + verify + digests", |b| b.iter(|| issue.run_crypto()));
    group.finish();
}

criterion_group!(benches, verification, issuing);
criterion_main!(benches);
