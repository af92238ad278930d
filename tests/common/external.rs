//! The external conformance vectors (`../shared/vectors/external`, beside the
//! repository: the ISO/IEC 18013-5 Annex D example, Wycheproof, the COSE WG
//! examples, the Token Status List draft's examples, published VICALs).
//!
//! They are not part of the crate, so a test that needs them skips, with a
//! one-line notice, where they are absent (the published crate, a fresh
//! clone without `../shared`), and fails instead when
//! `DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS=1`, which CI (`.ci/run`) sets so that
//! a missing directory can never turn the interop tests into silent passes.
//!
//! Included with `#[path]` by every test file that reads them, in this
//! package and in `cli/`; std only, so any test target can include it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

/// The variable that turns a skip into a failure.
pub const REQUIRE_ENV: &str = "DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS";

/// Whether `dir` (one part of the external vectors) is there to test
/// against. Absent: `false` after a one-line notice on stderr (once per
/// directory and test binary), or a panic when the vectors are required.
///
/// A test that needs the vectors starts with
/// `if !external::available(DIR) { return; }`.
pub fn available(dir: &str) -> bool {
    match decide(
        Path::new(dir),
        required(std::env::var(REQUIRE_ENV).ok().as_deref()),
    ) {
        Ok(true) => true,
        Ok(false) => {
            notice_once(dir);
            false
        }
        Err(message) => panic!("{message}"),
    }
}

/// What `available` does for a directory that does or does not exist, with
/// the vectors required or not: `Ok(present)`, or the failure's message.
pub fn decide(dir: &Path, required: bool) -> Result<bool, String> {
    if dir.is_dir() {
        Ok(true)
    } else if required {
        Err(format!(
            "the external conformance vectors are required ({REQUIRE_ENV}=1) but {} is \
             not a directory; put the shared vectors in ../shared beside the repository",
            dir.display()
        ))
    } else {
        Ok(false)
    }
}

/// Whether the variable's value requires the vectors: exactly `1`.
pub fn required(value: Option<&str>) -> bool {
    value == Some("1")
}

/// The one-line notice, written to the process's stderr directly: the test
/// harness captures `eprintln!` of passing tests, and a skip must be seen.
fn notice_once(dir: &str) {
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let first = SEEN
        .lock()
        .map(|mut seen| seen.insert(dir.to_string()))
        .unwrap_or(true);
    if first {
        // One write of the whole line, so that the harness's own output
        // from other threads cannot land inside it.
        let line = format!(
            "\nnote: skipping the tests that need {dir}: not present ({REQUIRE_ENV}=1 makes this a failure)\n"
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}
