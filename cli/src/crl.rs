//! `docbridge crl ...`: an issuing authority's certificate revocation list
//! (RFC 5280), kept as a PEM (or DER) file and signed with the authority's
//! IACA key; `show` prints one, verifying it when given the IACA.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::x509::crl::{Crl, CrlSpec, RevocationReason, create_crl};
use docbridge::{Certificate, DemoAuthority};
use time::OffsetDateTime;

use super::{ToolError, format_time, parse_time, read_der, write};

/// Default time until nextUpdate: seven days.
const DEFAULT_VALID_FOR: i64 = 7 * 24 * 60 * 60;

#[derive(Subcommand)]
pub(crate) enum CrlCommand {
    /// Create an empty CRL signed by an authority's IACA key.
    #[command(
        after_help = "Example:\n  docbridge crl new --authority ua/ --this-update 2026-11-01T00:00:00Z --next-update 2026-12-01T00:00:00Z --out ua.crl.pem"
    )]
    New(NewArgs),
    /// Add a certificate to a CRL file and sign its successor in place
    /// (the CRL number goes up by one).
    #[command(
        after_help = "Example:\n  docbridge crl revoke ua.crl.pem --authority ua/ --certificate ua/ds.pem --reason keyCompromise --this-update 2026-11-10T00:00:00Z --next-update 2026-12-10T00:00:00Z"
    )]
    Revoke(RevokeArgs),
    /// Print a CRL; with --trust, verify its signature first.
    #[command(after_help = "Example:\n  docbridge crl show ua.crl.pem --trust ua/iaca.pem --json")]
    Show(ShowArgs),
}

/// thisUpdate and nextUpdate of a CRL being signed.
#[derive(Args)]
pub(crate) struct Times {
    /// thisUpdate, RFC 3339 (default: now).
    #[arg(long)]
    this_update: Option<String>,
    /// nextUpdate, RFC 3339 (default: --valid-for seconds after thisUpdate).
    #[arg(long)]
    next_update: Option<String>,
    /// Seconds until nextUpdate when --next-update is not given.
    #[arg(long, default_value_t = DEFAULT_VALID_FOR)]
    valid_for: i64,
}

#[derive(Args)]
pub(crate) struct NewArgs {
    /// Authority directory made by `authority new`; its IACA signs.
    #[arg(long)]
    authority: PathBuf,
    /// The cRLNumber.
    #[arg(long, default_value_t = 1)]
    number: u64,
    #[command(flatten)]
    times: Times,
    /// Write DER instead of PEM.
    #[arg(long)]
    der: bool,
    /// Output file.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub(crate) struct RevokeArgs {
    /// The CRL file (PEM or DER), rewritten in place in the same form.
    file: PathBuf,
    /// Authority directory made by `authority new`; its IACA signs.
    #[arg(long)]
    authority: PathBuf,
    /// The certificate to revoke, PEM or DER (its serial number is listed).
    #[arg(long, required_unless_present = "serial", conflicts_with = "serial")]
    certificate: Option<PathBuf>,
    /// The serial number to revoke, hexadecimal.
    #[arg(long)]
    serial: Option<String>,
    /// The reason: keyCompromise, superseded, cessationOfOperation, ...
    /// (RFC 5280 CRLReason names; none by default).
    #[arg(long)]
    reason: Option<String>,
    /// When the certificate was revoked, RFC 3339 (default: thisUpdate).
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    times: Times,
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// The CRL file (PEM or DER).
    file: PathBuf,
    /// The issuing IACA certificate, PEM or DER: verify the signature.
    #[arg(long)]
    trust: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: CrlCommand) -> Result<ExitCode, ToolError> {
    match command {
        CrlCommand::New(args) => new(args),
        CrlCommand::Revoke(args) => revoke(args),
        CrlCommand::Show(args) => show(args),
    }
}

fn times(times: &Times) -> Result<(OffsetDateTime, OffsetDateTime), ToolError> {
    let this_update = match &times.this_update {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
    };
    let next_update = match &times.next_update {
        Some(t) => parse_time(t)?,
        None => super::later(this_update, time::Duration::seconds(times.valid_for))?,
    };
    Ok((this_update, next_update))
}

/// Signs `spec` with the authority's IACA key and writes it, PEM or DER.
fn sign_and_save(
    spec: &CrlSpec,
    authority: &DemoAuthority,
    out: &Path,
    der: bool,
) -> Result<Crl, ToolError> {
    let crl = create_crl(spec, &authority.iaca_certificate, None, &authority.iaca_key)?;
    if der {
        write(out, crl.der())?;
    } else {
        write(out, crl.to_pem().as_bytes())?;
    }
    Ok(crl)
}

fn new(args: NewArgs) -> Result<ExitCode, ToolError> {
    let authority = DemoAuthority::load_from_dir(&args.authority)?;
    let (this_update, next_update) = times(&args.times)?;
    let spec = CrlSpec::new(args.number, this_update, next_update);
    let crl = sign_and_save(&spec, &authority, &args.out, args.der)?;
    println!(
        "CRL {} of {:?} (valid {} .. {}, no entries) written to {}",
        args.number,
        crl.issuer(),
        format_time(this_update),
        format_time(next_update),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_serial(text: &str) -> Result<Vec<u8>, ToolError> {
    let digits = text.trim_start_matches("0x");
    let padded = if digits.len() % 2 == 1 {
        format!("0{digits}")
    } else {
        digits.to_string()
    };
    let bytes = (0..padded.len())
        .step_by(2)
        .map(|i| {
            padded
                .get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        })
        .collect::<Option<Vec<u8>>>();
    match bytes {
        Some(bytes) if !bytes.is_empty() && bytes.iter().any(|b| *b != 0) => Ok(bytes),
        _ => Err(ToolError::invalid(format!(
            "--serial {text:?} is not a positive hexadecimal number"
        ))),
    }
}

fn revoke(args: RevokeArgs) -> Result<ExitCode, ToolError> {
    let authority = DemoAuthority::load_from_dir(&args.authority)?;
    let bytes = read_der(&args.file)?;
    let der = !bytes.trim_ascii_start().starts_with(b"-----BEGIN");
    let current = Crl::load(&bytes)?;
    current.verify_signed_by(&authority.iaca_certificate)?;
    let serial = match (&args.certificate, &args.serial) {
        (Some(path), _) => Certificate::load_one(&read_der(path)?)?.serial().to_vec(),
        (None, Some(text)) => parse_serial(text)?,
        (None, None) => return Err(ToolError::invalid("give --certificate or --serial".into())),
    };
    let reason = args
        .reason
        .as_deref()
        .map(|name| {
            RevocationReason::from_name(name).ok_or_else(|| {
                ToolError::invalid(format!(
                    "--reason {name:?} is not one of {}",
                    RevocationReason::ALL.map(RevocationReason::name).join(", ")
                ))
            })
        })
        .transpose()?;
    let (this_update, next_update) = times(&args.times)?;
    let date = match &args.date {
        Some(t) => parse_time(t)?,
        None => this_update,
    };
    let mut spec = CrlSpec::successor(&current, this_update, next_update);
    spec.revoke(&serial, date, reason);
    let crl = sign_and_save(&spec, &authority, &args.file, der)?;
    println!(
        "serial {} revoked ({}); CRL {} of {:?} with {} entr{} written to {}",
        hex(&serial),
        reason.map_or("no reason given", RevocationReason::name),
        spec.number,
        crl.issuer(),
        crl.revoked().len(),
        if crl.revoked().len() == 1 { "y" } else { "ies" },
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn show(args: ShowArgs) -> Result<ExitCode, ToolError> {
    let crl = Crl::load(&read_der(&args.file)?)?;
    let verified = match &args.trust {
        None => None,
        Some(path) => {
            let iacas = Certificate::load_all(&read_der(path)?)?;
            // Any of the given certificates may have signed it (a renewed IACA).
            let mut outcome = Ok(());
            for iaca in &iacas {
                outcome = crl.verify_signed_by(iaca);
                if outcome.is_ok() {
                    break;
                }
            }
            if let Err(e) = &outcome {
                super::report_refusal(e, args.json);
                return Ok(ExitCode::from(1));
            }
            Some(true)
        }
    };
    let entries: Vec<serde_json::Value> = crl
        .revoked()
        .iter()
        .map(|entry| {
            serde_json::json!({
                "serial": hex(&entry.serial),
                "revocationDate": format_time(entry.revocation_date),
                "reason": entry.reason.map(RevocationReason::name),
            })
        })
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "issuer": crl.issuer(),
                "number": crl.number().map(hex),
                "thisUpdate": format_time(crl.this_update()),
                "nextUpdate": format_time(crl.next_update()),
                "signatureVerified": verified.unwrap_or(false),
                "revoked": entries,
            })
        );
    } else {
        println!(
            "CRL of {:?}{}",
            crl.issuer(),
            match verified {
                Some(_) => " (signature verified)",
                None => " (UNVERIFIED: give --trust to check the signature)",
            }
        );
        println!(
            "number {}, thisUpdate {}, nextUpdate {}",
            crl.number().map_or("none".into(), hex),
            format_time(crl.this_update()),
            format_time(crl.next_update())
        );
        for entry in crl.revoked() {
            println!(
                "revoked {} on {} ({})",
                hex(&entry.serial),
                format_time(entry.revocation_date),
                entry
                    .reason
                    .map_or("no reason given", RevocationReason::name)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
