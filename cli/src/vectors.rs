//! `docbridge vectors ...`: the shared conformance vectors (`test-vectors/`).
//!
//! Only checking lives here. Generating needs a seeded RNG, which the
//! library takes injected and the command-line tool does not carry (its
//! only RNG is the system's); the vectors are regenerated with
//! `cargo run -p docbridge-conformance --bin generate_vectors -- test-vectors`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use docbridge_conformance::runner::{report_lines, run_dir};

use super::ToolError;

#[derive(Subcommand)]
pub(crate) enum VectorsCommand {
    /// Run every case of a vectors directory against this build: one line
    /// per case (`ok <id>` or `FAIL <id>: expected ..., got ...`), then
    /// `N passed, M failed`. Exit status 1 if any case failed.
    #[command(after_help = "Example:\n  docbridge vectors check test-vectors")]
    Check {
        /// The vectors directory (holding manifest.json).
        dir: PathBuf,
    },
}

pub(crate) fn run(command: VectorsCommand) -> Result<ExitCode, ToolError> {
    match command {
        VectorsCommand::Check { dir } => {
            let report = run_dir(&dir)?;
            for line in report_lines(&report) {
                println!("{line}");
            }
            Ok(if report.failed() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
