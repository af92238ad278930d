//! `docbridge status-list ...`: an issuer's status list kept in a JSON file
//! (the format of `docbridge::status::managed`), its signed tokens, and
//! checking a token's entry.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::status::{
    FileStatusListStore, StatusBits, StatusListStore, StatusValue, verify_status_list_token,
    verify_status_list_token_with_key,
};
use docbridge::{Certificate, DemoAuthority, Error, ManagedStatusList, PublicKey, StatusListToken};
use time::OffsetDateTime;

use super::{ToolError, format_time, parse_time, read_cbor, read_der, read_text, write};

/// Default lifetime of a token: one day.
const DEFAULT_VALID_FOR: i64 = 24 * 60 * 60;

#[derive(Subcommand)]
pub(crate) enum StatusListCommand {
    /// Create a status list file: every entry VALID, no index allocated.
    #[command(
        after_help = "Example:\n  docbridge status-list new --uri https://status.diia.gov.ua/lists/1 --bits 2 --size 1000000 --out list.json"
    )]
    New(NewArgs),
    /// Set the status of one entry of a status list file, in place.
    #[command(
        after_help = "Examples:\n  docbridge status-list set list.json --document listed.cbor --status revoked\n  docbridge status-list set list.json --index 513859 --status suspended"
    )]
    Set(SetArgs),
    /// Sign a Status List Token (CWT) for a status list file with an
    /// authority's Document Signer key.
    #[command(
        after_help = "Example:\n  docbridge status-list token list.json --authority ua/ --issued-at 2026-11-29T00:00:00Z --valid-for 86400 --ttl 3600 --out token.cwt"
    )]
    Token(TokenArgs),
    /// Verify a Status List Token and print the status of an entry: exit
    /// status 0 valid, 1 revoked or suspended, 3 the token was refused.
    #[command(
        after_help = "Examples:\n  docbridge status-list check token.cwt --document listed.cbor --trust ua/iaca.pem --at 2026-11-29T12:00:00Z\n  docbridge status-list check token.cwt --index 513859 --key ds.pub.pem --json"
    )]
    Check(CheckArgs),
}

#[derive(Args)]
pub(crate) struct NewArgs {
    /// The URI the list's tokens are published at (the tokens' `sub`).
    #[arg(long)]
    uri: String,
    /// Bits per entry: 1, 2, 4 or 8 (2 allows SUSPENDED).
    #[arg(long, default_value_t = 2)]
    bits: u64,
    /// Number of entries, at least 16,384 (herd privacy: a smaller list
    /// tells the issuer whose document a verifier checks).
    #[arg(long)]
    size: u64,
    /// Accept a size below 16,384 all the same.
    #[arg(long)]
    any_size: bool,
    /// Output file (JSON); an existing file is never replaced.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub(crate) struct SetArgs {
    /// The status list file (JSON), rewritten in place.
    file: PathBuf,
    #[command(flatten)]
    entry: EntryArgs,
    /// valid, revoked (or invalid), suspended, or a number 0..=255.
    #[arg(long)]
    status: String,
}

/// Which entry: by index, or the one a document names.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub(crate) struct EntryArgs {
    /// Index of the entry.
    #[arg(long)]
    index: Option<u64>,
    /// The document (IssuerSigned) whose status list entry it is: its MSO
    /// names the index (and the list's URI, which must match).
    #[arg(long)]
    document: Option<PathBuf>,
}

impl EntryArgs {
    /// The index, and the list URI the document names when one was given.
    fn resolve(&self) -> Result<(u64, Option<String>), ToolError> {
        match (self.index, &self.document) {
            (Some(index), _) => Ok((index, None)),
            (None, Some(path)) => {
                let doc = docbridge::inspect(&read_cbor(path)?)?;
                let list = doc.mso.status.and_then(|s| s.status_list).ok_or_else(|| {
                    ToolError::invalid(format!(
                        "{} references no status list",
                        crate::input::shown(path)
                    ))
                })?;
                Ok((list.idx, Some(list.uri)))
            }
            (None, None) => Err(ToolError::invalid("give --index or --document".into())),
        }
    }
}

/// The one set of names the tool reads and prints: valid, revoked,
/// suspended (the library's INVALID is a revocation), or the number.
fn status_name(status: StatusValue) -> String {
    match status {
        StatusValue::Invalid => "revoked".into(),
        other => other.name(),
    }
}

#[derive(Args)]
pub(crate) struct TokenArgs {
    /// The status list file (JSON).
    file: PathBuf,
    /// Authority directory made by `authority new`; its Document Signer key
    /// signs the token and its certificate goes in x5chain.
    #[arg(long)]
    authority: PathBuf,
    /// Issue time, RFC 3339 (default: now).
    #[arg(long)]
    issued_at: Option<String>,
    /// Expiry, RFC 3339 (default: --valid-for seconds after the issue time).
    #[arg(long)]
    expires_at: Option<String>,
    /// Lifetime in seconds when --expires-at is not given.
    #[arg(long, default_value_t = DEFAULT_VALID_FOR)]
    valid_for: i64,
    /// Seconds a consumer may cache the token (the `ttl` claim).
    #[arg(long)]
    ttl: Option<u64>,
    /// Output file (binary CBOR COSE_Sign1).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The token (binary CBOR COSE_Sign1).
    token: PathBuf,
    #[command(flatten)]
    entry: EntryArgs,
    /// The list URI the token must be for (its `sub`).
    #[arg(long)]
    uri: Option<String>,
    /// A trusted IACA certificate, PEM or DER (repeatable); the token's
    /// x5chain signer must be a Document Signer certificate it issued.
    #[arg(long = "trust", required_unless_present = "key")]
    trust: Vec<PathBuf>,
    /// The signer's public key (PEM), for tokens without x5chain.
    #[arg(long, conflicts_with = "trust")]
    key: Option<PathBuf>,
    /// Verification time, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: StatusListCommand) -> Result<ExitCode, ToolError> {
    match command {
        StatusListCommand::New(args) => new(args),
        StatusListCommand::Set(args) => set(args),
        StatusListCommand::Token(args) => token(args),
        StatusListCommand::Check(args) => check(args),
    }
}

/// Reads a status list file.
pub(crate) fn load(path: &Path) -> Result<ManagedStatusList, ToolError> {
    ManagedStatusList::from_json(&read_text(path)?)
        .map_err(|e| ToolError::invalid(format!("{}: {e} ({})", path.display(), e.code())))
}

fn new(args: NewArgs) -> Result<ExitCode, ToolError> {
    let bits = StatusBits::from_u64(args.bits)?;
    let list = if args.any_size {
        ManagedStatusList::new_any_size(&args.uri, bits, args.size)?
    } else {
        ManagedStatusList::new(&args.uri, bits, args.size)?
    };
    FileStatusListStore::create(&args.out, &list)?;
    println!(
        "status list {} ({} entries of {} bit(s)) written to {}",
        list.uri(),
        list.list().len(),
        list.list().bits(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn set(args: SetArgs) -> Result<ExitCode, ToolError> {
    let status = StatusValue::from_name(&args.status)?;
    let (index, named_uri) = args.entry.resolve()?;
    let (before, uri) = FileStatusListStore::new(&args.file).update(|list| {
        if let Some(named) = &named_uri
            && named != list.uri()
        {
            return Err(Error::StatusTokenUriMismatch(format!(
                "the document's entry is in {named:?}, this list is {:?}",
                list.uri()
            )));
        }
        let before = list.get(index)?;
        list.set(index, status)?;
        Ok((before, list.uri().to_string()))
    })?;
    println!(
        "index {index} of {uri}: {} -> {}",
        status_name(before),
        status_name(status)
    );
    Ok(ExitCode::SUCCESS)
}

fn token(args: TokenArgs) -> Result<ExitCode, ToolError> {
    let list = load(&args.file)?;
    let authority = DemoAuthority::load_from_dir(&args.authority)?;
    let issued_at = match &args.issued_at {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
    };
    let expires_at = match &args.expires_at {
        Some(t) => parse_time(t)?,
        None => super::later(issued_at, time::Duration::seconds(args.valid_for))?,
    };
    let claims = list.token(issued_at, expires_at, args.ttl)?;
    let bytes = claims.sign(
        &authority.ds_key,
        std::slice::from_ref(&authority.ds_certificate),
    )?;
    write(&args.out, &bytes)?;
    println!(
        "status list token for {} ({} bytes, valid {} .. {}) signed by {:?}, written to {}",
        list.uri(),
        bytes.len(),
        format_time(issued_at),
        format_time(expires_at),
        authority.ds_certificate.subject(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> Result<ExitCode, ToolError> {
    let now = match &args.at {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let (index, named_uri) = args.entry.resolve()?;
    let expected_uri = args.uri.clone().or(named_uri);
    let bytes = read_cbor(&args.token)?;
    let verified = match &args.key {
        Some(path) => {
            let key = PublicKey::from_pem(&read_text(path)?)?;
            verify_status_list_token_with_key(&bytes, &key, now)
        }
        None => {
            let mut iacas = Vec::new();
            for path in &args.trust {
                iacas.extend(Certificate::load_all(&read_der(path)?)?);
            }
            verify_status_list_token(&bytes, &iacas, now)
        }
    };
    let outcome = verified.and_then(|token| {
        if let Some(uri) = &expected_uri
            && *uri != token.uri
        {
            return Err(Error::StatusTokenUriMismatch(format!(
                "expected {uri:?}, the token's sub is {:?}",
                token.uri
            )));
        }
        let status = token.status(index)?;
        Ok((token, status))
    });
    match (&outcome, args.json) {
        (Ok((token, status)), true) => println!("{}", status_json(token, index, *status)),
        (Ok((token, status)), false) => println!(
            "{} index {} of {} (token issued {}, expires {})",
            status_name(*status).to_uppercase(),
            index,
            token.uri,
            format_time(token.issued_at),
            format_time(token.expires_at)
        ),
        (Err(e), true) => println!(
            "{}",
            serde_json::json!({
                "format": docbridge::report::FORMAT,
                "tokenValid": false,
                "valid": false,
                "error": {"code": e.code(), "message": e.to_string()},
            })
        ),
        (Err(e), false) => println!("TOKEN REFUSED: {} ({})", e, e.code()),
    }
    // The token refused (3) is not the entry not valid (1): the first
    // says nothing about the document.
    Ok(match outcome {
        Ok((_, StatusValue::Valid)) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(_) => ExitCode::from(3),
    })
}

fn status_json(token: &StatusListToken, index: u64, status: StatusValue) -> serde_json::Value {
    serde_json::json!({
        "tokenValid": true,
        "valid": status == StatusValue::Valid,
        "status": status_name(status),
        "statusValue": status.to_u8(),
        "index": index,
        "uri": token.uri,
        "bits": token.status_list.bits.get(),
        "issuedAt": format_time(token.issued_at),
        "expiresAt": format_time(token.expires_at),
        "ttl": token.ttl,
    })
}
