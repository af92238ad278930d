//! `docbridge vectors check`: one line per case and the totals, status 1
//! with the reason when a case fails, status 2 when there is no manifest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use docbridge_conformance::MANIFEST_FILE;

const BIN: &str = env!("CARGO_BIN_EXE_docbridge");
const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors");

fn vectors_dir() -> PathBuf {
    PathBuf::from(VECTORS)
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "docbridge-vectors-{tag}-{}-{}",
            std::process::id(),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &path, out);
            } else {
                out.insert(path, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

/// Copies the committed vectors to a temporary directory.
fn copy_of_vectors(tag: &str) -> TempDir {
    let copy = TempDir::new(tag);
    for (path, bytes) in tree(&vectors_dir()) {
        let target = copy.0.join(&path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    copy
}

#[test]
fn check_prints_a_line_per_case_and_the_totals() {
    let out = Command::new(BIN)
        .args(["vectors", "check", VECTORS])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 257);
    assert_eq!(lines.last(), Some(&"256 passed, 0 failed"));
    assert_eq!(lines.first(), Some(&"ok valid-mdl-ua-eddsa"));
    assert!(lines[..256].iter().all(|l| l.starts_with("ok ")));
}

#[test]
fn check_fails_with_status_1_and_says_why() {
    let copy = copy_of_vectors("cli");
    let manifest_path = copy.0.join(MANIFEST_FILE);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let case = json["cases"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["id"] == "status-revoked")
        .unwrap();
    case["expected"] = serde_json::json!({"valid": false, "error": "suspended"});
    std::fs::write(&manifest_path, json.to_string()).unwrap();
    let out = Command::new(BIN)
        .args(["vectors", "check", copy.0.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(
            "\nFAIL status-revoked: expected {\"error\":\"suspended\",\"valid\":false}, \
             got {\"error\":\"revoked\",\"valid\":false}\n"
        ),
        "{stdout}"
    );
    assert!(stdout.ends_with("\n255 passed, 1 failed\n"), "{stdout}");

    // No manifest at all: a tool error (status 2), not a verdict.
    let empty = TempDir::new("cli-empty");
    let out = Command::new(BIN)
        .args(["vectors", "check", empty.0.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(io)"));
}
