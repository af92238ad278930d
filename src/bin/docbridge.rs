//! `docbridge`: the command-line tool (feature `cli`).
//!
//! A thin edge over the library: it reads files, reads the clock when `--at`
//! is not given, and prints. Exit status: 0 success, 1 a document was
//! refused, 2 a usage or file error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use docbridge::documents::json::{elements_from_json, elements_to_json};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, Error, Issuer, IssuingAuthority,
    PublicKey, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo, VerifiedDocument, Verifier,
    documents::{Claims, DocumentType, DrivingLicence, ResidencePermit, VehicleRegistration},
};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Parser)]
#[command(
    name = "docbridge",
    version,
    about = "Issue, inspect and verify cross-border mdoc documents"
)]
struct Cli {
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
    Issue(IssueArgs),
    /// Verify a document against trusted IACA certificates.
    Verify(VerifyArgs),
    /// Show a document's content WITHOUT verifying it.
    Inspect {
        /// The document (binary CBOR IssuerSigned).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuthorityCommand {
    /// Create a demo authority: IACA and Document Signer keys and certificates.
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
    /// Authority name (default: "<country> Issuing Authority").
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
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Create a key pair: PKCS#8 PEM private key and SPKI PEM public key.
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
    },
}

#[derive(Args)]
struct IssueArgs {
    /// Authority directory made by `authority new`.
    #[arg(long)]
    authority: PathBuf,
    /// Doc type, e.g. org.iso.18013.5.1.mDL.
    #[arg(long)]
    doc_type: String,
    /// Claims as JSON: {"<namespace>": {"<element>": value}}.
    #[arg(long)]
    claims: PathBuf,
    /// The holder's device public key (PEM).
    #[arg(long)]
    device_key: PathBuf,
    /// Start of validity, RFC 3339.
    #[arg(long)]
    valid_from: String,
    /// End of validity, RFC 3339.
    #[arg(long)]
    valid_until: String,
    /// Output file (binary CBOR).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct VerifyArgs {
    /// A trusted IACA certificate, PEM or DER (repeatable).
    #[arg(long = "trust", required = true)]
    trust: Vec<PathBuf>,
    /// Doc types the trusted IACAs may issue (repeatable; default: the three known types).
    #[arg(long = "allow-doc-type")]
    allow_doc_types: Vec<String>,
    /// Verification time, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The document (binary CBOR IssuerSigned).
    file: PathBuf,
}

/// A failure of the tool itself, not a refused document.
struct ToolError(String);

impl From<Error> for ToolError {
    fn from(e: Error) -> Self {
        ToolError(format!("{} ({})", e, e.code()))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Authority(AuthorityCommand::New(args)) => authority_new(args),
        Command::Key(KeyCommand::New { alg, out, public }) => key_new(&alg, &out, &public),
        Command::Issue(args) => issue(args),
        Command::Verify(args) => verify(args),
        Command::Inspect { file } => inspect(&file),
    };
    match result {
        Ok(code) => code,
        Err(ToolError(message)) => {
            eprintln!("docbridge: {message}");
            ExitCode::from(2)
        }
    }
}

fn known_doc_types() -> Vec<String> {
    vec![
        DrivingLicence::DOC_TYPE.to_string(),
        VehicleRegistration::DOC_TYPE.to_string(),
        ResidencePermit::DOC_TYPE.to_string(),
    ]
}

fn read(path: &Path) -> Result<Vec<u8>, ToolError> {
    std::fs::read(path).map_err(|e| ToolError(format!("{}: {e}", path.display())))
}

fn read_text(path: &Path) -> Result<String, ToolError> {
    std::fs::read_to_string(path).map_err(|e| ToolError(format!("{}: {e}", path.display())))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ToolError> {
    std::fs::write(path, bytes).map_err(|e| ToolError(format!("{}: {e}", path.display())))
}

fn parse_time(text: &str) -> Result<OffsetDateTime, ToolError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| ToolError(format!("{text:?} is not an RFC 3339 date-time: {e}")))
}

fn system_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn authority_new(args: AuthorityNewArgs) -> Result<ExitCode, ToolError> {
    let alg = Algorithm::from_name(&args.alg)?;
    let from = match &args.valid_from {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let until = match &args.valid_until {
        Some(t) => parse_time(t)?,
        None => from + time::Duration::days(5 * 365),
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
        .map_err(|e| ToolError(format!("{}: {e}", args.out.display())))?;
    authority.save_to_dir(&args.out)?;
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

fn key_new(alg: &str, out: &Path, public: &Path) -> Result<ExitCode, ToolError> {
    let key = SoftwareKey::generate(Algorithm::from_name(alg)?, &mut system_rng());
    write(out, key.to_pkcs8_pem()?.as_bytes())?;
    write(public, key.public_key().to_pem()?.as_bytes())?;
    println!(
        "{} key written to {} (public key {})",
        key.algorithm(),
        out.display(),
        public.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn issue(args: IssueArgs) -> Result<ExitCode, ToolError> {
    let authority = DemoAuthority::load_from_dir(&args.authority)?;
    let claims: serde_json::Value = serde_json::from_str(&read_text(&args.claims)?)
        .map_err(|e| ToolError(format!("{}: {e}", args.claims.display())))?;
    let elements = elements_from_json(&args.doc_type, &claims)?;
    // An issuer must not sign a document its type calls incomplete.
    Claims::from_complete_elements(&args.doc_type, &elements)?;
    let device_key = PublicKey::from_pem(&read_text(&args.device_key)?)?;
    let validity = ValidityInfo::new(
        parse_time(&args.valid_from)?,
        parse_time(&args.valid_until)?,
    );
    let issuer = Issuer::new(&authority.ds_key, &authority.ds_certificate)?;
    let document = issuer.issue(
        &args.doc_type,
        &elements,
        &device_key,
        &validity,
        &mut system_rng(),
    )?;
    let bytes = document.to_vec()?;
    write(&args.out, &bytes)?;
    println!(
        "{} issued by {:?} ({} bytes) written to {}",
        args.doc_type,
        authority.authority.name(),
        bytes.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn trusted_from_certificates(
    paths: &[PathBuf],
    doc_types: &[String],
) -> Result<TrustedAuthorities, ToolError> {
    let mut trusted = TrustedAuthorities::new();
    for path in paths {
        for (index, cert) in Certificate::load(&read(path)?)?.into_iter().enumerate() {
            let country = cert
                .country()
                .ok_or_else(|| {
                    ToolError(format!(
                        "{}: certificate {:?} names no country",
                        path.display(),
                        cert.subject()
                    ))
                })?
                .to_string();
            let id = format!("{}#{index}", path.display());
            let name = cert.subject().to_string();
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
    let trusted = trusted_from_certificates(&args.trust, &doc_types)?;
    let now = match &args.at {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let bytes = read(&args.file)?;
    let verifier = Verifier::new(trusted, AcceptancePolicy::accept_all());
    let outcome = verifier.verify_bytes(&bytes, now);
    match (&outcome, args.json) {
        (Ok(doc), true) => println!("{}", verified_json(doc)),
        (Ok(doc), false) => print_summary(doc),
        (Err(e), true) => println!(
            "{}",
            serde_json::json!({"valid": false, "error": {"code": e.code(), "message": e.to_string()}})
        ),
        (Err(e), false) => println!("INVALID: {} ({})", e, e.code()),
    }
    Ok(if outcome.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn format_time(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

fn verified_json(doc: &VerifiedDocument) -> serde_json::Value {
    serde_json::json!({
        "valid": true,
        "docType": doc.doc_type(),
        "issuingCountry": doc.issuing_country(),
        "authority": doc.authority_name(),
        "documentSigner": doc.document_signer(),
        "validFrom": format_time(doc.validity().valid_from),
        "validUntil": format_time(doc.validity().valid_until),
        "claims": elements_to_json(doc.elements()),
    })
}

fn print_summary(doc: &VerifiedDocument) {
    println!(
        "VALID {} issued in {}",
        doc.doc_type(),
        doc.issuing_country()
    );
    println!("  authority:       {}", doc.authority_name());
    println!("  document signer: {}", doc.document_signer());
    println!(
        "  valid:           {} .. {}",
        format_time(doc.validity().valid_from),
        format_time(doc.validity().valid_until)
    );
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

fn inspect(file: &Path) -> Result<ExitCode, ToolError> {
    let doc = docbridge::inspect(&read(file)?)?;
    println!("UNVERIFIED: decoded only; no signature, digest, certificate or date was checked.");
    println!("  docType:         {}", doc.mso.doc_type);
    println!("  algorithm:       {}", doc.algorithm);
    println!("  digestAlgorithm: {}", doc.mso.digest_algorithm.name());
    println!(
        "  validity:        {} .. {}",
        format_time(doc.mso.validity_info.valid_from),
        format_time(doc.mso.validity_info.valid_until)
    );
    for cert in &doc.certificates {
        println!(
            "  certificate:     {} (issuer {})",
            cert.subject(),
            cert.issuer()
        );
    }
    print_elements(&elements_to_json(&doc.elements));
    Ok(ExitCode::SUCCESS)
}
