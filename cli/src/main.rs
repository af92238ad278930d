//! `docbridge`: the command-line tool (workspace member `cli/`, package
//! `docbridge-cli`).
//!
//! A thin edge over the library: it reads files, reads the clock when `--at`
//! is not given, and prints. Exit status: 0 success, 1 a document was
//! refused, 2 a usage or file error (JSON too with `--json`), 3 a status
//! token refused by `status-list check` (its entry unknown, not revoked).
//!
//! Every file argument goes through [`input`]; every command's help ends
//! with worked examples (checked by a unit test below).

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use docbridge::documents::json::elements_to_json;
use docbridge::report::Report;
use docbridge::trust::demo::{Overwrite, write_secret_file};
use docbridge::x509::crl::{CrlPolicy, CrlSet};
use docbridge::{
    Algorithm, Certificate, DemoAuthority, Error, IssuingAuthority, Signer, SoftwareKey,
    StatusPolicy, TrustedAuthorities, VerifiedDocument, Verifier, VerifyOptions,
    documents::{DocumentType, DrivingLicence, ResidencePermit, VehicleRegistration},
};
use input::{read_cbor, read_der, read_text};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `println!` that ends the tool quietly when stdout is gone (a closed
/// pipe, as in `docbridge verify ... | head`), instead of panicking.
/// Defined before the submodules so they use it too.
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            // 141: the shells' code for a process ended by a broken pipe.
            std::process::exit(141);
        }
    }};
}

mod crl;
mod dcapi;
mod engagement;
mod input;
mod inspect;
mod issue;
mod oid4vp;
mod policy;
mod present;
mod status;
mod transcript;
mod trust_list;
mod vectors;
mod vical;

#[derive(Parser)]
#[command(
    name = "docbridge",
    version,
    about = "Issue, inspect and verify cross-border mdoc documents"
)]
struct Cli {
    /// How CBOR file arguments are encoded: detected from the content by
    /// default (binary, base64url, base64 or hex); `-` reads standard input.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    input_format: input::InputFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Demo issuing authorities.
    #[command(subcommand)]
    Authority(AuthorityCommand),
    /// Device and signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Issue a document (IssuerSigned, binary CBOR).
    Issue(issue::IssueArgs),
    /// Verify a document (IssuerSigned) or, with --transcript, a
    /// DeviceResponse against trusted IACA certificates.
    #[command(
        after_help = "Examples:\n  docbridge verify --trust ua/iaca.pem --at 2026-11-29T12:00:00Z --json doc.cbor\n  docbridge verify --trust ua/iaca.pem --transcript t.bin --doc-type org.iso.18013.5.1.mDL resp.cbor\n  docbridge verify --trust-list ua-list.cbor --operator-root ua-op/root.pem --policy pl --accept-country LT doc.cbor"
    )]
    Verify(VerifyArgs),
    /// Build a DeviceRequest (a reader's request), optionally reader-signed.
    #[command(
        after_help = "Example:\n  docbridge request --doc-type org.iso.18013.5.1.mDL --element family_name --element portrait --out req.cbor"
    )]
    Request(present::RequestArgs),
    /// Answer a DeviceRequest from stored documents: selective disclosure
    /// and a device signature over the session transcript.
    #[command(
        after_help = "Example:\n  docbridge present --request req.cbor --device-key device.key.pem --transcript t.bin --out resp.cbor doc.cbor"
    )]
    Present(present::PresentArgs),
    /// Make SessionTranscriptBytes.
    #[command(subcommand)]
    Transcript(transcript::TranscriptCommand),
    /// Certificate revocation lists (RFC 5280) of an issuing authority.
    #[command(subcommand)]
    Crl(crl::CrlCommand),
    /// Status lists (revocation, suspension) and their signed tokens.
    #[command(subcommand)]
    StatusList(status::StatusListCommand),
    /// Signed national trust lists: operators, build, sign, verify, show.
    #[command(subcommand)]
    TrustList(trust_list::TrustListCommand),
    /// The shared conformance vectors: run every case of a directory.
    #[command(subcommand)]
    Vectors(vectors::VectorsCommand),
    /// The W3C Digital Credentials API, org-iso-mdoc: the website's
    /// request, the wallet's response, the backend's check.
    #[command(subcommand)]
    Dcapi(dcapi::DcapiCommand),
    /// Device engagement (ISO/IEC 18013-5 8.2): QR `mdoc:` URI, NFC
    /// Handover Select, and reading either.
    #[command(subcommand)]
    Engagement(engagement::EngagementCommand),
    /// OpenID4VP 1.0 for mso_mdoc: the verifier's request, the wallet's
    /// response, the verifier's check.
    #[command(subcommand)]
    Oid4vp(oid4vp::Oid4vpCommand),
    /// Show what a file is and what it says WITHOUT verifying it:
    /// IssuerSigned, DeviceResponse, DeviceRequest, trust list, VICAL,
    /// status token, DeviceEngagement (or QR URI), session message.
    #[command(
        after_help = "Examples:\n  docbridge inspect doc.cbor\n  docbridge inspect --json resp.cbor"
    )]
    Inspect {
        /// Print JSON (`"unverified": true`, `"kind"`, the content).
        #[arg(long)]
        json: bool,
        /// The file, detected from its content.
        file: PathBuf,
    },
    /// Print a sample claims file (the JSON `issue --claims` reads) for a
    /// fictional holder, to start from.
    #[command(
        after_help = "Example:\n  docbridge claims --doc-type org.iso.18013.5.1.mDL --country UA > claims.json"
    )]
    Claims {
        /// The doc type.
        #[arg(long)]
        doc_type: String,
        /// The issuing country of the sample: UA or PL.
        #[arg(long, default_value = "UA")]
        country: String,
    },
}

#[derive(Subcommand)]
enum AuthorityCommand {
    /// Create a demo authority: IACA and Document Signer keys and certificates.
    #[command(
        after_help = "Examples:\n  docbridge authority new --country UA --alg ed25519 --out ua/ --valid-from 2026-01-01T00:00:00Z --valid-until 2031-01-01T00:00:00Z\n  docbridge authority new --country LT --doc-type org.iso.18013.5.1.mDL --out lt/"
    )]
    New(AuthorityNewArgs),
}

#[derive(Args)]
struct AuthorityNewArgs {
    /// ISO 3166-1 alpha-2 country code, e.g. UA or PL.
    #[arg(long)]
    country: String,
    /// Key algorithm: ed25519, es256 or es384.
    #[arg(long, default_value = "es256")]
    alg: String,
    /// Authority name (default: "COUNTRY Issuing Authority").
    #[arg(long)]
    name: Option<String>,
    /// Doc types the authority may issue (repeatable; default: the three known types).
    #[arg(long = "doc-type")]
    doc_types: Vec<String>,
    /// Start of certificate validity, RFC 3339 (default: now).
    #[arg(long)]
    valid_from: Option<String>,
    /// End of certificate validity, RFC 3339 (default: five years after the start).
    #[arg(long)]
    valid_until: Option<String>,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Replace key files already there (without it they are kept and the
    /// command fails).
    #[arg(long)]
    force: bool,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Create a key pair: PKCS#8 PEM private key and SPKI PEM public key.
    #[command(
        after_help = "Example:\n  docbridge key new --alg es256 --out device.key.pem --public device.pub.pem"
    )]
    New {
        /// Key algorithm: ed25519, es256 or es384.
        #[arg(long, default_value = "es256")]
        alg: String,
        /// Private key output file.
        #[arg(long)]
        out: PathBuf,
        /// Public key output file.
        #[arg(long)]
        public: PathBuf,
        /// Replace a private key file already there (without it the key is
        /// kept and the command fails).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
struct VerifyArgs {
    /// A trusted IACA certificate, PEM or DER (repeatable).
    #[arg(long = "trust", required_unless_present_any = ["trust_lists", "vicals"])]
    trust: Vec<PathBuf>,
    /// A signed trust list (repeatable): its authorities are trusted for the
    /// doc types it lists, once it verifies against an --operator-root.
    #[arg(long = "trust-list", requires = "operator_roots")]
    trust_lists: Vec<PathBuf>,
    /// The operator root pinned for a trust list's country, PEM or DER
    /// (repeatable; each is pinned for its own countryName).
    #[arg(long = "operator-root")]
    operator_roots: Vec<PathBuf>,
    /// A signed VICAL (AAMVA, Austroads, RDW; repeatable): its authorities
    /// are trusted for the doc types it lists, once it verifies against a
    /// --vical-root.
    #[arg(long = "vical", requires = "vical_roots")]
    vicals: Vec<PathBuf>,
    /// A VICAL provider's root (or signer certificate), PEM or DER, as
    /// `FILE` (pinned for every --vical given) or `PROVIDER=FILE` (for
    /// that vicalProvider only). Repeatable.
    #[arg(long = "vical-root", requires = "vicals")]
    vical_roots: Vec<String>,
    #[command(flatten)]
    policy: policy::PolicyArgs,
    /// Doc types the trusted IACAs may issue (repeatable; default: the three known types).
    #[arg(long = "allow-doc-type")]
    allow_doc_types: Vec<String>,
    /// Verification time, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Print JSON (the library's report, `docbridge-verification/1`).
    /// `"authority"` is the authority's name whatever vouched for it: the
    /// name a trust list or VICAL gives it, else (an IACA given with
    /// --trust, a VICAL entry without issuingAuthority) its IACA
    /// certificate's organizationName, else its commonName;
    /// `"trustSource"` says which source vouched (`null` for --trust,
    /// else its `format`, `trust_list` or `vical`, and operator).
    #[arg(long)]
    json: bool,
    /// The verifier's SessionTranscriptBytes (binary, the tag-24 form): FILE
    /// is then a DeviceResponse and device authentication is checked.
    #[arg(long)]
    transcript: Option<PathBuf>,
    /// The reader's ephemeral P-256 private key (PKCS#8 PEM), for documents
    /// authenticated with deviceMac.
    #[arg(long, requires = "transcript")]
    reader_key: Option<PathBuf>,
    /// With --transcript: the doc type asked for; the response's document of
    /// that type is verified (default: its first document).
    #[arg(long = "doc-type", requires = "transcript")]
    doc_type: Option<String>,
    /// The Status List Token fetched from the document's status URI
    /// (binary CBOR COSE_Sign1).
    #[arg(long)]
    status_token: Option<PathBuf>,
    /// Accept a document that references a status list when no token is
    /// given, reported as "status not checked" (default: refuse it).
    #[arg(long)]
    allow_missing_status: bool,
    /// The identifier list (CWT, ISO/IEC 18013-5 second edition) fetched
    /// from the document's identifier-list URI.
    #[arg(long)]
    identifier_list: Option<PathBuf>,
    /// A CRL of the document's IACA, PEM or DER (repeatable), as
    /// `URI=FILE` (the distribution point it was fetched from) or `FILE`
    /// (matched by its issuer, which serves only a Document Signer
    /// certificate that names no distribution point). Turns the Document
    /// Signer's CRL check on.
    #[arg(long = "crl")]
    crls: Vec<String>,
    /// Let a Document Signer whose CRL is missing or stale pass, reported as
    /// "not checked" (default: refuse it); a listed one is always refused.
    #[arg(long, requires = "crls")]
    allow_unchecked_crl: bool,
    /// The document: an IssuerSigned (as `issue` writes it), or with
    /// --transcript a DeviceResponse (as `present` writes it); binary CBOR,
    /// or its base64url, base64 or hex text (detected, or --input-format);
    /// `-` reads standard input.
    file: PathBuf,
}

/// A failure of the tool itself (a usage or file error), not a refused
/// document: exit status 2.
#[derive(Debug)]
struct ToolError {
    /// `invalid_argument`, `io`, or the library's code of the error.
    code: &'static str,
    message: String,
}

impl ToolError {
    /// A wrong or unusable argument.
    fn invalid(message: String) -> Self {
        ToolError {
            code: "invalid_argument",
            message,
        }
    }

    /// A file that cannot be read or written.
    fn io(message: String) -> Self {
        ToolError {
            code: "io",
            message,
        }
    }
}

impl From<Error> for ToolError {
    fn from(e: Error) -> Self {
        ToolError {
            code: e.code(),
            message: format!("{} ({})", e, e.code()),
        }
    }
}

fn main() -> ExitCode {
    // Whether the user asked for JSON, known before parsing so that a usage
    // error is JSON too.
    let json = std::env::args_os().any(|arg| arg == "--json");
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if json && e.use_stderr() => {
            print_tool_error(&ToolError::invalid(e.kind().to_string()));
            return ExitCode::from(2);
        }
        Err(e) => e.exit(),
    };
    input::set_format(cli.input_format);
    let result = match cli.command {
        Command::Authority(AuthorityCommand::New(args)) => authority_new(args),
        Command::Key(KeyCommand::New {
            alg,
            out,
            public,
            force,
        }) => key_new(&alg, &out, &public, overwrite(force)),
        Command::Issue(args) => issue::run(args),
        Command::Verify(args) => verify(args),
        Command::Crl(command) => crl::run(command),
        Command::StatusList(command) => status::run(command),
        Command::TrustList(command) => trust_list::run(command),
        Command::Vectors(command) => vectors::run(command),
        Command::Inspect { file, json } => inspect::run(&file, json),
        Command::Claims { doc_type, country } => sample_claims(&doc_type, &country),
        Command::Request(args) => present::request(args),
        Command::Present(args) => present::present_documents(args),
        Command::Transcript(command) => transcript::run(command),
        Command::Dcapi(command) => dcapi::run(command),
        Command::Engagement(command) => engagement::run(command),
        Command::Oid4vp(command) => oid4vp::run(command),
    };
    match result {
        Ok(code) => code,
        Err(error) if json => {
            print_tool_error(&error);
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("docbridge: {}", error.message);
            ExitCode::from(2)
        }
    }
}

fn known_doc_types() -> Vec<String> {
    docbridge::trust::CROSS_BORDER_DOC_TYPES
        .iter()
        .map(|t| t.to_string())
        .collect()
}

/// The library's overwrite rule for a `--force` flag.
fn overwrite(force: bool) -> Overwrite {
    if force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ToolError> {
    std::fs::write(path, bytes).map_err(|e| ToolError::io(format!("{}: {e}", path.display())))
}

/// An RFC 3339 date-time; the message shows the form, since a date
/// alone (`2026-11-29`) is the usual mistake.
fn parse_time(text: &str) -> Result<OffsetDateTime, ToolError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
        ToolError::invalid(format!(
            "{text:?} is not an RFC 3339 date-time ({e}); give a date, a time and \
             an offset, e.g. 2026-11-29T00:00:00Z"
        ))
    })
}

/// `at + by`, or a clear error instead of an overflow past year 9999.
fn later(at: OffsetDateTime, by: time::Duration) -> Result<OffsetDateTime, ToolError> {
    at.checked_add(by).ok_or_else(|| {
        ToolError::invalid(format!(
            "{} + {} days is out of the supported date range",
            format_time(at),
            by.whole_days()
        ))
    })
}

fn system_rng() -> docbridge::rng::SystemRng {
    docbridge::rng::system()
}

fn authority_new(args: AuthorityNewArgs) -> Result<ExitCode, ToolError> {
    let alg = Algorithm::from_name(&args.alg)?;
    let from = match &args.valid_from {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let until = match &args.valid_until {
        Some(t) => parse_time(t)?,
        None => later(from, time::Duration::days(5 * 365))?,
    };
    let name = args
        .name
        .unwrap_or_else(|| format!("{} Issuing Authority", args.country));
    let doc_types = if args.doc_types.is_empty() {
        known_doc_types()
    } else {
        args.doc_types
    };
    let doc_type_refs: Vec<&str> = doc_types.iter().map(String::as_str).collect();
    let authority = DemoAuthority::generate(
        &args.country,
        &name,
        alg,
        &doc_type_refs,
        from,
        until,
        &mut system_rng(),
    )?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| ToolError::io(format!("{}: {e}", args.out.display())))?;
    authority.save_to_dir(&args.out, overwrite(args.force))?;
    println!(
        "authority {:?} ({}) written to {}: IACA {:?}, DS {:?}",
        authority.authority.name(),
        authority.authority.country(),
        args.out.display(),
        authority.iaca_certificate.subject(),
        authority.ds_certificate.subject()
    );
    Ok(ExitCode::SUCCESS)
}

fn key_new(
    alg: &str,
    out: &Path,
    public: &Path,
    overwrite: Overwrite,
) -> Result<ExitCode, ToolError> {
    let key = SoftwareKey::generate(Algorithm::from_name(alg)?, &mut system_rng());
    write_secret_file(out, &key.to_pkcs8_pem()?, overwrite)?;
    write(public, key.public_key().to_pem()?.as_bytes())?;
    println!(
        "{} key written to {} (public key {})",
        key.algorithm(),
        out.display(),
        public.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn trusted_from_certificates(
    paths: &[PathBuf],
    doc_types: &[String],
) -> Result<TrustedAuthorities, ToolError> {
    let mut trusted = TrustedAuthorities::new();
    for path in paths {
        for (index, cert) in Certificate::load_all(&read_der(path)?)?
            .into_iter()
            .enumerate()
        {
            let country = cert
                .country()
                .ok_or_else(|| {
                    ToolError::invalid(format!(
                        "{}: certificate {:?} names no country",
                        path.display(),
                        cert.subject()
                    ))
                })?
                .to_string();
            let id = format!("{}#{index}", path.display());
            let name = IssuingAuthority::name_from_certificate(&cert);
            trusted.add(IssuingAuthority::new(
                id,
                country,
                name,
                vec![cert],
                doc_types.iter().cloned(),
            )?)?;
        }
    }
    Ok(trusted)
}

fn verify(args: VerifyArgs) -> Result<ExitCode, ToolError> {
    let doc_types = if args.allow_doc_types.is_empty() {
        known_doc_types()
    } else {
        args.allow_doc_types.clone()
    };
    let now = match &args.at {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let policy = args.policy.policy()?;
    let mut store = match trust_list::store_from(&args.trust_lists, &args.operator_roots, now)? {
        Ok(store) => store,
        Err(refused) => {
            report_refusal(&refused, args.json);
            return Ok(ExitCode::from(1));
        }
    };
    if let Err(refused) = vical::add_to_store(&mut store, &args.vicals, &args.vical_roots, now)? {
        report_refusal(&refused, args.json);
        return Ok(ExitCode::from(1));
    }
    let mut trusted = store.trusted_authorities()?;
    for authority in trusted_from_certificates(&args.trust, &doc_types)?
        .authorities()
        .iter()
    {
        trusted.add(authority.clone())?;
    }
    let bytes = read_cbor(&args.file)?;
    check_kind(&args.file, &bytes, args.transcript.is_some())?;
    let status_token = args.status_token.as_deref().map(read_cbor).transpose()?;
    let verifier = Verifier::new(trusted, policy).with_status_policy(
        StatusPolicy::fail_closed().allow_missing_token(args.allow_missing_status),
    );
    let verifier = if args.crls.is_empty() {
        verifier
    } else {
        verifier.with_crl_policy(CrlPolicy::fail_closed().allow_unchecked(args.allow_unchecked_crl))
    };
    let mut crls = CrlSet::new();
    for given in &args.crls {
        // `URI=FILE`; a bare FILE is keyed by its path and matched by issuer.
        let (point, path) = match given.split_once('=') {
            Some((point, path)) if point.contains("://") => (point, path),
            _ => (given.as_str(), given.as_str()),
        };
        if let Err(refused) = crls.insert_bytes(point, &read_der(Path::new(path))?) {
            report_refusal(&refused, args.json);
            return Ok(ExitCode::from(1));
        }
    }
    let identifier_list = args.identifier_list.as_deref().map(read_cbor).transpose()?;
    let transcript = args.transcript.as_deref().map(read_cbor).transpose()?;
    let reader_key = args
        .reader_key
        .as_deref()
        .map(|path| read_text(path).and_then(|pem| reader_key_from_pem(&pem)))
        .transpose()?;
    // The one token given applies to whatever list the documents reference.
    let mut options = VerifyOptions::at(now);
    if let Some(token) = &status_token {
        options = options.status_token(token);
    }
    if let Some(key) = &reader_key {
        options = options.reader_key(key);
    }
    if let Some(token) = &identifier_list {
        options = options.identifier_list_token(token);
    }
    if !args.crls.is_empty() {
        options = options.crls(&crls);
    }
    let outcome = match &transcript {
        None => verifier.verify(&bytes, &options),
        Some(transcript) => verifier
            .verify_response(&bytes, &options.transcript(transcript))
            .and_then(|response| match &args.doc_type {
                Some(doc_type) => response.into_doc_type(doc_type),
                None => response.into_first(),
            }),
    };
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

/// Names the mistake when `verify` is given a DeviceResponse without a
/// transcript or an IssuerSigned with one: without this the library's
/// error would describe the wrong structure's shape.
fn check_kind(path: &Path, bytes: &[u8], with_transcript: bool) -> Result<(), ToolError> {
    use docbridge::IssuerSigned;
    use docbridge::device_response::DeviceResponse;
    let file = input::shown(path);
    if !with_transcript
        && IssuerSigned::from_slice(bytes).is_err()
        && DeviceResponse::from_slice(bytes).is_ok()
    {
        return Err(ToolError::invalid(format!(
            "{file} is a DeviceResponse: add --transcript FILE (the SessionTranscriptBytes \
             of the session it answered) to verify it"
        )));
    }
    if with_transcript
        && DeviceResponse::from_slice(bytes).is_err()
        && IssuerSigned::from_slice(bytes).is_ok()
    {
        return Err(ToolError::invalid(format!(
            "{file} is an IssuerSigned document, not a DeviceResponse: leave out \
             --transcript (and --reader-key, --doc-type) to verify it"
        )));
    }
    Ok(())
}

/// Prints a usage or file error as JSON, in the shape of a refusal in the
/// library's reports, so that a caller reading `--json` output always gets
/// JSON.
fn print_tool_error(error: &ToolError) {
    let json = serde_json::json!({
        "format": docbridge::report::FORMAT,
        "valid": false,
        "error": {"code": error.code, "message": error.message},
    });
    println!("{json}");
}

/// Prints a JSON value on one line.
fn print_json_value(value: &serde_json::Value) {
    println!("{value}");
}

/// Prints a report in the library's JSON shape (`docbridge::report`).
fn print_json(report: &Report<'_>) {
    match serde_json::to_string(report) {
        Ok(json) => println!("{json}"),
        // Only a map with non-text keys fails, which a report never holds.
        Err(e) => eprintln!("cannot write the JSON report: {e}"),
    }
}

/// Prints why an input (document, trust list, status token) was refused:
/// the library's JSON report with `--json`, else one line.
fn report_refusal(e: &Error, json: bool) {
    if json {
        // The refusal of a document or of what it was to be checked against
        // reads the same in every report.
        print_json(&Report::document(&Err(e.clone())));
    } else {
        println!("INVALID: {} ({})", e, e.code());
    }
}

/// The reader's ephemeral P-256 key from a PKCS#8 PEM text.
fn reader_key_from_pem(pem: &str) -> Result<docbridge::deps::p256::SecretKey, ToolError> {
    match SoftwareKey::from_pkcs8_pem(pem)? {
        SoftwareKey::P256(key) => Ok(docbridge::deps::p256::SecretKey::from(&key)),
        _ => Err(ToolError::invalid(
            "the reader's ephemeral key must be a P-256 key".into(),
        )),
    }
}

fn format_time(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

fn print_summary(doc: &VerifiedDocument) {
    println!(
        "VALID {} issued in {}",
        doc.doc_type(),
        doc.issuing_country()
    );
    println!("  authority:       {}", doc.authority_name());
    println!("  document signer: {}", doc.document_signer());
    if let Some(source) = doc.trust_source() {
        println!(
            "  vouched for by:  {:?} of {} (sequence {})",
            source.format(),
            source.operator(),
            source.sequence()
        );
    }
    println!(
        "  valid:           {} .. {}",
        format_time(doc.validity().valid_from),
        format_time(doc.validity().valid_until)
    );
    println!("  status:          {}", doc.status().name());
    println!("  CRL check:       {}", doc.certificate_revocation().name());
    print_elements(&elements_to_json(doc.elements()));
}

fn print_elements(json: &serde_json::Value) {
    if let Some(namespaces) = json.as_object() {
        for (ns, elements) in namespaces {
            println!("  [{ns}]");
            if let Some(elements) = elements.as_object() {
                for (name, value) in elements {
                    let shown = match value {
                        serde_json::Value::String(s) if s.len() > 60 => {
                            format!("<{} characters>", s.len())
                        }
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    println!("    {name}: {shown}");
                }
            }
        }
    }
}

fn sample_claims(doc_type: &str, country: &str) -> Result<ExitCode, ToolError> {
    use docbridge::documents::samples;
    let elements = match (doc_type, country) {
        (DrivingLicence::DOC_TYPE, "UA") => samples::driving_licence_ua().to_elements()?,
        (DrivingLicence::DOC_TYPE, "PL") => samples::driving_licence_pl().to_elements()?,
        (VehicleRegistration::DOC_TYPE, "UA") => {
            samples::vehicle_registration_ua().to_elements()?
        }
        (VehicleRegistration::DOC_TYPE, "PL") => {
            samples::vehicle_registration_pl().to_elements()?
        }
        (ResidencePermit::DOC_TYPE, "UA") => samples::residence_permit_ua().to_elements()?,
        (ResidencePermit::DOC_TYPE, "PL") => samples::residence_permit_pl().to_elements()?,
        _ => {
            return Err(ToolError::invalid(format!(
                "no sample for {doc_type} from {country}; doc types: {}; countries: UA, PL",
                known_doc_types().join(", ")
            )));
        }
    };
    let json = serde_json::to_string_pretty(&elements_to_json(&elements))
        .map_err(|e| ToolError::invalid(e.to_string()))?;
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod help_tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every leaf command (one that does something) with its path.
    fn leaves(command: &clap::Command, path: String, out: &mut Vec<(String, clap::Command)>) {
        let subcommands: Vec<&clap::Command> = command
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .collect();
        if subcommands.is_empty() {
            out.push((path.clone(), command.clone()));
        }
        for sub in subcommands {
            leaves(sub, format!("{path} {}", sub.get_name()), out);
        }
    }

    /// Issue 15, item 8: every command's help ends with worked examples of
    /// that very command.
    #[test]
    fn every_command_ends_its_help_with_examples_of_itself() {
        let mut all = Vec::new();
        leaves(&Cli::command(), "docbridge".into(), &mut all);
        assert!(all.len() >= 30, "{} commands", all.len());
        for (path, command) in all {
            let after = command
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(after.starts_with("Example"), "{path} has no examples");
            let examples: Vec<&str> = after.lines().skip(1).map(str::trim).collect();
            assert!(!examples.is_empty(), "{path}");
            for example in examples.iter().filter(|l| l.starts_with("docbridge")) {
                assert!(
                    example.starts_with(&format!("{path} ")),
                    "{path}: {example}"
                );
            }
        }
    }
}
