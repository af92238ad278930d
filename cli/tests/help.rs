//! Issue 15, item 8: help that teaches. (That every command's help ends
//! with examples of itself is checked over the whole command tree by the
//! binary's unit test `every_command_ends_its_help_with_examples_of_itself`.)

mod common;

use common::ok;

#[test]
fn verify_help_says_what_file_can_be_and_shows_examples() {
    let help = ok(&["verify", "--help"]);
    for expected in [
        "an IssuerSigned",
        "with --transcript a DeviceResponse",
        "base64url, base64 or hex",
        "`-` reads standard input",
        "Examples:\n  docbridge verify --trust ua/iaca.pem",
    ] {
        assert!(help.contains(expected), "{expected:?} not in:\n{help}");
    }
}
