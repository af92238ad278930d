//! Conformance vectors: the shared `test-vectors/` directory, its format, the
//! generator that writes it and the runner that checks an implementation
//! against it.
//!
//! The vectors are for anyone implementing the same formats in another
//! language: every case names its input files (CBOR, DER, PEM, all relative
//! to the vectors directory), the verifier's whole configuration (trusted
//! IACA certificates or signed trust lists with pinned operator roots, the
//! acceptance policy, clock skew, status policy), the verification time, and
//! the expected outcome: `{"valid": true, ...}` with the verified content, or
//! `{"valid": false, "error": "<code>"}` with one of the crate's stable
//! error codes ([`docbridge::Error::ALL_CODES`]). `test-vectors/README.md`
//! describes the format for implementers; [`format`](mod@format) is its Rust model.
//!
//! | module | concept |
//! |---|---|
//! | [`format`](mod@format) | the manifest: cases, inputs, verifier configuration, expected outcomes; its JSON form |
//! | [`generator`] | writes every case deterministically from fixed seeds ([`generator::generate`]) |
//! | [`runner`] | runs cases against `docbridge` and compares outcomes ([`runner::run_dir`]) |
//!
//! # Regenerating
//!
//! The vectors are generated, never edited by hand:
//!
//! ```text
//! cargo run -p docbridge-conformance --bin generate_vectors -- test-vectors
//! ```
//!
//! The generator takes its randomness from an injected, seeded RNG (the
//! crate's principle "deterministic when asked"); the `generate_vectors`
//! binary passes ChaCha20 (`rand_chacha`), so the core library needs no
//! seeded RNG of its own. Ed25519 and RFC 6979 ECDSA signatures are
//! deterministic, certificate validity and every `now` are fixed, so the
//! output is the same byte for byte on every run; `conformance/tests/vectors.rs`
//! regenerates into a temporary directory and requires exactly the committed
//! files.
//!
//! # Checking
//!
//! `cargo test --workspace` runs every case (`conformance/tests/vectors.rs`);
//! the command-line tool (`cli/`) runs them too, printing one line per case:
//!
//! ```text
//! docbridge vectors check test-vectors
//! ```
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]
#![warn(missing_docs, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod format;
pub mod generator;
pub mod runner;

pub use format::{Case, Derivation, Expected, Kind, Manifest};
pub use generator::{VectorSet, generate};
pub use runner::{CaseReport, Files, Report, run_dir, run_manifest};

/// The `format` value of a manifest this crate writes and reads.
pub const FORMAT: &str = "docbridge-test-vectors/3";
/// The manifest's file name in a vectors directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The JSON Schema of the manifest in a vectors directory.
pub const SCHEMA_FILE: &str = "manifest.schema.json";
/// The schema itself (JSON Schema draft 2020-12), written by the generator
/// beside the manifest. It pins the shape only; `README.md` gives the
/// meaning, and [`format`](mod@format) reads the same shape with serde.
pub const MANIFEST_SCHEMA: &str = include_str!("../manifest.schema.json");
/// The hand-written description of the format in a vectors directory: the
/// one file there that is not generated.
pub const README_FILE: &str = "README.md";
