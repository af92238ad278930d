//! `docbridge oid4vp request | respond | verify`: OpenID4VP 1.0 for
//! `mso_mdoc` with the JSON a verifier and a wallet exchange (the
//! authorization request parameters, and the response parameters the
//! wallet posts or returns through the browser).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::deps::p256;
use docbridge::deps::p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use docbridge::oid4vp::dcql::CredentialQuery;
use docbridge::oid4vp::{DcqlQuery, ResponseMode, VerifierRequest, VpToken, WalletRequest};
use docbridge::report::Report;
use docbridge::trust::demo::{Overwrite, write_secret_file};
use docbridge::{
    DeviceRequest, IssuerSigned, ReaderCheck, SoftwareKey, Verifier, VerifyOptions, present,
};
use time::OffsetDateTime;

use super::present::items_request;
use super::{
    ToolError, known_doc_types, parse_time, print_json, print_summary, read_cbor, read_text,
    report_refusal, system_rng, trusted_from_certificates, write,
};

#[derive(Subcommand)]
pub(crate) enum Oid4vpCommand {
    /// The verifier's authorization request (JSON), asking one document by
    /// DCQL; with --encrypt, also its one-time encryption key.
    #[command(
        after_help = "Examples:\n  docbridge oid4vp request --client-id x509_san_dns:verifier.example --response-uri https://verifier.example/response --doc-type org.iso.18013.5.1.mDL --element family_name --out req.json\n  docbridge oid4vp request --origin https://verifier.example --doc-type org.iso.18013.5.1.mDL --element family_name --encrypt --key-out reader.key.pem --out req.json"
    )]
    Request(RequestArgs),
    /// The wallet's response parameters (JSON) to a request.
    #[command(
        after_help = "Example:\n  docbridge oid4vp respond --request req.json --device-key device.key.pem --at 2026-11-29T12:00:00Z --out resp.json doc.cbor"
    )]
    Respond(RespondArgs),
    /// The verifier: read the response and verify each document (prints
    /// what `verify` prints, one line per document).
    #[command(
        after_help = "Example:\n  docbridge oid4vp verify --request req.json --trust ua/iaca.pem --at 2026-11-29T12:00:00Z --json resp.json"
    )]
    Verify(VerifyArgs),
}

#[derive(Args)]
pub(crate) struct RequestArgs {
    /// The verifier's client id (e.g. x509_san_dns:wynajem.example.pl);
    /// with --response-uri for direct_post.
    #[arg(long, requires = "response_uri")]
    client_id: Option<String>,
    /// Where the wallet posts the response (direct_post).
    #[arg(long, conflicts_with = "origin")]
    response_uri: Option<String>,
    /// The website's origin, for a request through the Digital Credentials
    /// API (dc_api).
    #[arg(long)]
    origin: Option<String>,
    /// The requested doc type.
    #[arg(long)]
    doc_type: String,
    /// A requested element: `element` or `namespace:element`. Repeatable.
    #[arg(long = "element", required = true)]
    elements: Vec<String>,
    /// Encrypt the response (direct_post.jwt / dc_api.jwt).
    #[arg(long, requires = "key_out")]
    encrypt: bool,
    /// Output file for the encryption private key (PKCS#8 PEM).
    #[arg(long)]
    key_out: Option<PathBuf>,
    /// Output file (the request JSON).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub(crate) struct RespondArgs {
    /// The request JSON.
    #[arg(long)]
    request: PathBuf,
    /// The origin the browser reports (requests through the DC API).
    #[arg(long)]
    origin: Option<String>,
    /// The device private key the documents were issued to (PKCS#8 PEM).
    #[arg(long)]
    device_key: PathBuf,
    /// Time of the presentation, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Output file (the response parameters JSON).
    #[arg(long)]
    out: PathBuf,
    /// The stored documents (binary CBOR IssuerSigned), one or more.
    #[arg(required = true)]
    documents: Vec<PathBuf>,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    #[command(flatten)]
    policy: crate::policy::PolicyArgs,
    /// The request JSON the verifier sent.
    #[arg(long)]
    request: PathBuf,
    /// The encryption private key (PKCS#8 PEM), for encrypted responses.
    #[arg(long)]
    key: Option<PathBuf>,
    /// The verifier's own origin (requests through the DC API).
    #[arg(long)]
    origin: Option<String>,
    /// Trusted IACA certificates (PEM or DER). Repeatable.
    #[arg(long, required = true)]
    trust: Vec<PathBuf>,
    /// Verification time, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The response parameters JSON.
    response: PathBuf,
}

pub(crate) fn run(command: Oid4vpCommand) -> Result<ExitCode, ToolError> {
    match command {
        Oid4vpCommand::Request(args) => request(args),
        Oid4vpCommand::Respond(args) => respond(args),
        Oid4vpCommand::Verify(args) => verify(args),
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
    let mut query = CredentialQuery::mdoc("document", &args.doc_type);
    for (namespace, elements) in &items.name_spaces {
        for element in elements.keys() {
            let id = format!("c{}", query.claims.len());
            query = query.claim(&id, namespace, element, false);
        }
    }
    let mode = match (&args.response_uri, &args.origin) {
        (Some(uri), None) => ResponseMode::DirectPost {
            response_uri: uri.clone(),
        },
        (None, Some(origin)) => ResponseMode::DcApi {
            origin: origin.clone(),
        },
        _ => {
            return Err(ToolError::invalid(
                "give --client-id with --response-uri, or --origin".into(),
            ));
        }
    };
    let request = VerifierRequest::new(
        args.client_id.as_deref(),
        mode,
        DcqlQuery {
            credentials: vec![query],
            credential_sets: Vec::new(),
        },
        args.encrypt,
        &mut system_rng(),
    )?;
    if let (Some(key), Some(path)) = (request.private_key(), &args.key_out) {
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| ToolError::invalid(format!("cannot encode the key: {e}")))?;
        // A one-time key: replacing an older one loses nothing.
        write_secret_file(path, &pem, Overwrite::Replace)?;
    }
    write(&args.out, request.to_json().to_string().as_bytes())?;
    println!(
        "OpenID4VP request for {} written to {}",
        args.doc_type,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn respond(args: RespondArgs) -> Result<ExitCode, ToolError> {
    let request = WalletRequest::from_json(&read_json(&args.request)?, args.origin.as_deref())?;
    let device_key = SoftwareKey::from_pkcs8_pem(&read_text(&args.device_key)?)?;
    let stored = args
        .documents
        .iter()
        .map(|path| Ok(IssuerSigned::from_slice(&read_cbor(path)?)?))
        .collect::<Result<Vec<_>, ToolError>>()?;
    let now = time_or_now(args.at.as_deref())?;
    let transcript = request.session_transcript_bytes();
    let mut token = VpToken::default();
    for chosen in request.query().select(&stored)? {
        let device_request =
            DeviceRequest::build(std::slice::from_ref(&chosen.request), None, transcript)?;
        let document = stored
            .get(chosen.document)
            .ok_or_else(|| ToolError::invalid("the selection names no stored document".into()))?;
        let presentation = present(
            std::slice::from_ref(document),
            &device_request,
            transcript,
            &device_key,
            ReaderCheck::Skip,
            now,
        )?;
        token.add(&chosen.id, presentation.response.to_vec()?);
    }
    let response = request.respond(&token, &mut system_rng())?;
    write(&args.out, response.to_string().as_bytes())?;
    println!(
        "response ({} credentials) written to {}",
        token.presentations.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(args: VerifyArgs) -> Result<ExitCode, ToolError> {
    let now = time_or_now(args.at.as_deref())?;
    let key = args
        .key
        .as_deref()
        .map(|path| {
            p256::SecretKey::from_pkcs8_pem(&read_text(path)?)
                .map_err(|e| ToolError::invalid(format!("{}: {e}", path.display())))
        })
        .transpose()?;
    let request =
        VerifierRequest::restore(&read_json(&args.request)?, key, args.origin.as_deref())?;
    let verifier = Verifier::new(
        trusted_from_certificates(&args.trust, &known_doc_types())?,
        args.policy.policy()?,
    );
    let transcript = request.session_transcript_bytes()?;
    let options = VerifyOptions::at(now).transcript(&transcript);
    let token = match request.read_response(&read_json(&args.response)?) {
        Ok(token) => token,
        Err(refused) => {
            report_refusal(&refused, args.json);
            return Ok(ExitCode::from(1));
        }
    };
    let mut all_valid = true;
    for bytes in token.presentations.values().flatten() {
        let outcome = verifier
            .verify_response(bytes, &options)
            .and_then(|response| response.into_first());
        all_valid &= outcome.is_ok();
        match (&outcome, args.json) {
            (_, true) => print_json(&Report::document(&outcome)),
            (Ok(doc), false) => print_summary(doc),
            (Err(e), json) => report_refusal(e, json),
        }
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
