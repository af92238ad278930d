//! `docbridge dcapi request | respond | verify`: the W3C Digital
//! Credentials API, `org-iso-mdoc` (ISO/IEC TS 18013-7 Annex C), with the
//! JSON the browser and the wallet exchange.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::dcapi::{IsoMdocVerifierRequest, IsoMdocWalletRequest};
use docbridge::deps::p256;
use docbridge::deps::p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use docbridge::report::Report;
use docbridge::trust::demo::{Overwrite, write_secret_file};
use docbridge::{IssuerSigned, ReaderCheck, SoftwareKey, Verifier, VerifyOptions, present};
use time::OffsetDateTime;

use super::present::items_request;
use super::{
    ToolError, known_doc_types, parse_time, print_json, print_summary, read_cbor, read_text,
    report_refusal, system_rng, trusted_from_certificates, write,
};

#[derive(Subcommand)]
pub(crate) enum DcapiCommand {
    /// The website's request: `{"protocol": "org-iso-mdoc", "data": ...}`,
    /// and its one-time HPKE private key.
    #[command(
        after_help = "Example:\n  docbridge dcapi request --origin https://wynajem.example.pl --doc-type org.iso.18013.5.1.mDL --element family_name --out req.json --key-out reader.key.pem"
    )]
    Request(RequestArgs),
    /// The wallet's answer to a request seen from an origin.
    #[command(
        after_help = "Example:\n  docbridge dcapi respond --request req.json --origin https://wynajem.example.pl --device-key device.key.pem --at 2026-11-29T12:00:00Z --out resp.json doc.cbor"
    )]
    Respond(RespondArgs),
    /// The website's backend: open the answer and verify the document
    /// (prints what `verify` prints).
    #[command(
        after_help = "Example:\n  docbridge dcapi verify --request req.json --key reader.key.pem --origin https://wynajem.example.pl --trust ua/iaca.pem --at 2026-11-29T12:00:00Z --json resp.json"
    )]
    Verify(VerifyArgs),
}

#[derive(Args)]
pub(crate) struct RequestArgs {
    /// The website's origin, e.g. `https://wynajem.example.pl`.
    #[arg(long)]
    origin: String,
    /// The requested doc type.
    #[arg(long)]
    doc_type: String,
    /// A requested element: `element` or `namespace:element`. Repeatable.
    #[arg(long = "element", required = true)]
    elements: Vec<String>,
    /// Output file (the request JSON).
    #[arg(long)]
    out: PathBuf,
    /// Output file for the HPKE private key (PKCS#8 PEM), kept by the website.
    #[arg(long)]
    key_out: PathBuf,
}

#[derive(Args)]
pub(crate) struct RespondArgs {
    /// The request JSON.
    #[arg(long)]
    request: PathBuf,
    /// The origin the browser reports.
    #[arg(long)]
    origin: String,
    /// The device private key the documents were issued to (PKCS#8 PEM).
    #[arg(long)]
    device_key: PathBuf,
    /// Output file (the response JSON).
    #[arg(long)]
    out: PathBuf,
    /// Time of the presentation, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// The stored documents (binary CBOR IssuerSigned), one or more.
    #[arg(required = true)]
    documents: Vec<PathBuf>,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    policy: crate::policy::PolicyArgs,
    /// The request JSON the website sent.
    #[arg(long)]
    request: PathBuf,
    /// The website's HPKE private key (PKCS#8 PEM).
    #[arg(long)]
    key: PathBuf,
    /// The website's own origin.
    #[arg(long)]
    origin: String,
    /// Trusted IACA certificates (PEM or DER). Repeatable.
    #[arg(long, required = true)]
    trust: Vec<PathBuf>,
    /// Verification time, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The response JSON.
    response: PathBuf,
}

pub(crate) fn run(command: DcapiCommand) -> Result<ExitCode, ToolError> {
    match command {
        DcapiCommand::Request(args) => request(args),
        DcapiCommand::Respond(args) => respond(args),
        DcapiCommand::Verify(args) => verify(args),
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, ToolError> {
    serde_json::from_str(&read_text(path)?)
        .map_err(|e| ToolError::invalid(format!("{}: {e}", path.display())))
}

fn time_or_now(at: Option<&str>) -> Result<OffsetDateTime, ToolError> {
    at.map_or_else(|| Ok(OffsetDateTime::now_utc()), parse_time)
}

fn request(args: RequestArgs) -> Result<ExitCode, ToolError> {
    let items = items_request(&args.doc_type, &args.elements, false)?;
    let request = IsoMdocVerifierRequest::new(&args.origin, &[items], None, &mut system_rng())?;
    let pem = request
        .private_key()
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| ToolError::invalid(format!("cannot encode the key: {e}")))?;
    // A one-time key: replacing an older one loses nothing.
    write_secret_file(&args.key_out, &pem, Overwrite::Replace)?;
    write(&args.out, request.request_json()?.to_string().as_bytes())?;
    println!(
        "request for {} from {} written to {} (keep {})",
        args.doc_type,
        args.origin,
        args.out.display(),
        args.key_out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn respond(args: RespondArgs) -> Result<ExitCode, ToolError> {
    let request = IsoMdocWalletRequest::from_json(&read_json(&args.request)?, &args.origin)?;
    let device_key = SoftwareKey::from_pkcs8_pem(&read_text(&args.device_key)?)?;
    let stored = args
        .documents
        .iter()
        .map(|path| Ok(IssuerSigned::from_slice(&read_cbor(path)?)?))
        .collect::<Result<Vec<_>, ToolError>>()?;
    let presentation = present(
        &stored,
        request.device_request(),
        request.session_transcript_bytes(),
        &device_key,
        ReaderCheck::Skip,
        time_or_now(args.at.as_deref())?,
    )?;
    let response = request.respond(&presentation.response.to_vec()?, &mut system_rng())?;
    write(&args.out, response.to_string().as_bytes())?;
    println!(
        "response for {} ({} documents) written to {}",
        args.origin,
        presentation.response.documents.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(args: VerifyArgs) -> Result<ExitCode, ToolError> {
    let now = time_or_now(args.at.as_deref())?;
    let key = p256::SecretKey::from_pkcs8_pem(&read_text(&args.key)?)
        .map_err(|e| ToolError::invalid(format!("{}: {e}", args.key.display())))?;
    let request = IsoMdocVerifierRequest::restore(&read_json(&args.request)?, key, &args.origin)?;
    let response = read_json(&args.response)?;
    let verifier = Verifier::new(
        trusted_from_certificates(&args.trust, &known_doc_types())?,
        args.policy.policy()?,
    );
    let options = VerifyOptions::at(now).transcript(request.session_transcript_bytes());
    let outcome = request
        .open_response(&response)
        .and_then(|bytes| verifier.verify_response(&bytes, &options)?.into_first());
    match (&outcome, args.json) {
        (_, true) => print_json(&Report::document(&outcome)),
        (Ok(doc), false) => print_summary(doc),
        (Err(e), json) => report_refusal(e, json),
    }
    Ok(if outcome.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
