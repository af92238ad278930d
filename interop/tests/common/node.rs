//! Running the JavaScript interop scripts of `interop/js` under Node, for
//! the tests that compare docbridge with `@auth0/mdl` and `@owf/mdoc`.

use std::path::{Path, PathBuf};
use std::process::Command;

use docbridge::deps::serde_json::{self, Value as Json};

/// `interop/js`, where the scripts and their `node_modules` live.
pub fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("js")
}

/// Whether Node and `package` (under `interop/js/node_modules`) are there.
/// When not: a one-line notice that `skipped` is skipped, or, with
/// `DOCBRIDGE_REQUIRE_NODE=1` (as CI sets it), a failure.
pub fn node_ready(package: &str, skipped: &str) -> bool {
    let required = std::env::var("DOCBRIDGE_REQUIRE_NODE").is_ok_and(|v| v == "1");
    let missing = match Command::new("node").arg("--version").output() {
        Err(_) => Some("node is not installed".to_string()),
        Ok(out) if !out.status.success() => Some("node --version failed".to_string()),
        Ok(_) if !js_dir().join("node_modules").join(package).is_dir() => Some(format!(
            "the packages are not installed (npm ci --prefix {})",
            js_dir().display()
        )),
        Ok(_) => None,
    };
    match missing {
        None => true,
        Some(why) if required => panic!("DOCBRIDGE_REQUIRE_NODE=1 but {why}"),
        Some(why) => {
            eprintln!("notice: skipping {skipped}: {why}");
            false
        }
    }
}

/// Runs `node <script> <command> <cases file>` on `cases` in one Node
/// process (the cases file written under `dir`) and returns the outcome of
/// each, in order.
pub fn run_script(script: &str, command: &str, dir: &Path, cases: &[Json]) -> Vec<Json> {
    std::fs::create_dir_all(dir).unwrap();
    let cases_path = dir.join(format!("{command}.json"));
    std::fs::write(&cases_path, serde_json::to_vec_pretty(cases).unwrap()).unwrap();
    let out = Command::new("node")
        .current_dir(js_dir())
        .arg(script)
        .arg(command)
        .arg(&cases_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "node {script} {command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcomes: Vec<Json> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "node {script} {command} printed no JSON array ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    assert_eq!(outcomes.len(), cases.len());
    outcomes
}
