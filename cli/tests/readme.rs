//! The README's command-line walk-through, run as written: every `bash`
//! block that calls `docbridge`, in order, as one script in a fresh
//! temporary folder, with the tool under test first on the PATH. A README
//! that drifts from the tool fails here.

mod common;

use std::process::Command;

use common::{BIN, temp_dir};

/// The `bash` blocks of `readme` with a line starting `docbridge `.
fn walk_through(readme: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```bash") => current = Some(String::new()),
            (Some(block), "```") => {
                if block.lines().any(|l| l.starts_with("docbridge ")) {
                    blocks.push(block.clone());
                }
                current = None;
            }
            (Some(block), line) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_readme_walk_through_runs_as_written() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let blocks = walk_through(&readme);
    // The tool's, presenting, status-list, CRL and trust-list walk-throughs.
    assert!(blocks.len() >= 6, "{} blocks", blocks.len());
    let dir = temp_dir("readme");
    // `cargo install` is the one step the test does itself: the built tool
    // is put first on the PATH instead.
    let script = format!("set -euo pipefail\ncargo() {{ :; }}\n{}", blocks.join("\n"));
    std::fs::write(dir.join("walk-through.sh"), &script).unwrap();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg("walk-through.sh")
        .current_dir(&dir)
        .env("PATH", path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the walk-through failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The verdicts the README's comments promise.
    assert!(stdout.contains("\"valid\":true"), "{stdout}");
    assert!(stdout.contains("REVOKED index"), "{stdout}");
    assert!(stdout.contains("(revoked)\nexit status 1"), "{stdout}");
    assert!(stdout.contains("certificate_revoked"), "{stdout}");
    assert!(stdout.contains("\"operatorCountry\":\"UA\""), "{stdout}");
}
