//! Writes the shared conformance vectors (`test-vectors/` by default):
//!
//! ```text
//! cargo run -p docbridge-conformance --bin generate_vectors -- test-vectors
//! ```
//!
//! Every fixture comes from its own ChaCha20 RNG seeded with a fixed number,
//! so the output is the same byte for byte on every run; `conformance/tests/vectors.rs`
//! checks that the committed directory is exactly what this writes. Files
//! under the directory that the generator no longer makes are removed
//! (`README.md`, the hand-written format description, is kept).

use std::path::PathBuf;
use std::process::ExitCode;

use docbridge_conformance::{generate, runner};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

fn main() -> ExitCode {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "test-vectors".to_string()),
    );
    let result = generate(ChaCha20Rng::seed_from_u64).and_then(|set| {
        let removed = set.write_to(&dir)?;
        Ok((set, removed))
    });
    match result {
        Ok((set, removed)) => {
            let bytes: usize = set.files().values().map(Vec::len).sum();
            println!(
                "{} files ({bytes} bytes) written to {}",
                set.files().len(),
                dir.display()
            );
            for path in removed {
                println!("removed {path}");
            }
            if let Ok(manifest) = set.manifest() {
                for (kind, count) in runner::count_by_kind(&manifest) {
                    println!("  {:16} {count}", kind.name());
                }
                println!("  {:16} {}", "total", manifest.cases.len());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("generate_vectors: {e} ({})", e.code());
            ExitCode::FAILURE
        }
    }
}
