//! The skip/require rule of the tests that need the external conformance
//! vectors (`tests/common/external.rs`): absent vectors skip with a one-line
//! notice, or fail when `DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS=1`, which CI sets.

#[path = "common/external.rs"]
mod external;

use std::path::Path;
use std::process::Command;

const ABSENT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/no-such-suite"
);

#[test]
fn an_absent_directory_is_skipped_unless_required() {
    assert_eq!(external::decide(Path::new(ABSENT), false), Ok(false));
    let message = external::decide(Path::new(ABSENT), true).unwrap_err();
    assert!(
        message.contains("DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS=1"),
        "{message}"
    );
    assert!(message.contains("no-such-suite"), "{message}");
}

#[test]
fn a_present_directory_is_used_whether_required_or_not() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(external::decide(here, false), Ok(true));
    assert_eq!(external::decide(here, true), Ok(true));
}

#[test]
fn only_the_value_1_requires_the_vectors() {
    assert!(external::required(Some("1")));
    for value in [None, Some(""), Some("0"), Some("true"), Some("yes")] {
        assert!(!external::required(value), "{value:?}");
    }
}

#[test]
fn ci_requires_the_vectors() {
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(
        ci.lines()
            .any(|line| line.trim() == "export DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS=1"),
        ".ci/run must export DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS=1"
    );
}

/// Run only by `a_test_of_absent_vectors_skips_or_fails_as_told`, in a child
/// process of this test binary, with the variable set or not.
#[test]
#[ignore = "a probe: run in a child process by the test below"]
fn probe_absent_vectors() {
    if !external::available(ABSENT) {
        return;
    }
    panic!("{ABSENT} should not exist");
}

#[test]
fn a_test_of_absent_vectors_skips_or_fails_as_told() {
    let probe = |require: Option<&str>| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.args([
            "--ignored",
            "--exact",
            "probe_absent_vectors",
            "--test-threads=1",
        ]);
        command.env_remove(external::REQUIRE_ENV);
        if let Some(value) = require {
            command.env(external::REQUIRE_ENV, value);
        }
        let out = command.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned()
                + &String::from_utf8_lossy(&out.stdout),
        )
    };

    // Not required: the test passes, and says in one line what it skipped.
    let (passed, output) = probe(None);
    assert!(passed, "{output}");
    let notices: Vec<&str> = output
        .lines()
        .filter(|line| line.starts_with("note: skipping the tests that need"))
        .collect();
    assert_eq!(notices.len(), 1, "{output}");
    assert!(notices[0].contains("no-such-suite"), "{output}");

    // Required: the same test fails, naming the variable and the directory.
    let (passed, output) = probe(Some("1"));
    assert!(!passed, "{output}");
    assert!(
        output.contains("are required (DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS=1)"),
        "{output}"
    );
    assert!(output.contains("no-such-suite"), "{output}");
}
