//! `docbridge crl ...`: an issuing authority's certificate revocation list
//! (RFC 5280), kept as a PEM (or DER) file and signed with the authority's
//! IACA key, or with a CRL signer key the IACA certified (`crl signer`, then
//! `--signer` on `new` and `revoke`) so the IACA key can stay offline;
//! `show` prints one, verifying it when given the IACA.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::trust::demo::{Overwrite, write_secret_file};
use docbridge::x509::create_crl_signer;
use docbridge::x509::crl::{Crl, CrlSpec, RevocationReason, create_crl};
use docbridge::{Certificate, DemoAuthority, Signer, SoftwareKey};
use rand_core::Rng as _;
use time::OffsetDateTime;

use super::{ToolError, format_time, parse_time, read_der, read_text, system_rng, write};

/// The CRL signer's certificate in a `crl signer` directory.
const SIGNER_CERT_FILE: &str = "crl-signer.pem";
/// The CRL signer's private key (PKCS#8 PEM) in a `crl signer` directory.
const SIGNER_KEY_FILE: &str = "crl-signer.key";
/// Default validity of a CRL signer certificate: one year.
const DEFAULT_SIGNER_DAYS: i64 = 365;

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
    /// Make a CRL signer: a new key, certified by the authority's IACA under
    /// the IACA's own name with keyUsage cRLSign only.
    #[command(after_help = "Example:\n  docbridge crl signer --authority ua/ --out ua-crl-signer/")]
    Signer(SignerArgs),
}

#[derive(Args)]
pub(crate) struct SignerArgs {
    /// Authority directory made by `authority new`; its IACA certifies.
    #[arg(long)]
    authority: PathBuf,
    /// Days the signer certificate is valid from now (at most until the
    /// IACA certificate expires).
    #[arg(long, default_value_t = DEFAULT_SIGNER_DAYS)]
    valid_days: i64,
    /// Output directory: crl-signer.pem (certificate), crl-signer.key
    /// (private key, PKCS#8 PEM, readable by the owner only).
    #[arg(long)]
    out: PathBuf,
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
    /// Directory made by `crl signer`: its key signs instead of the IACA's.
    #[arg(long)]
    signer: Option<PathBuf>,
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
    /// Directory made by `crl signer`: its key signs instead of the IACA's.
    #[arg(long)]
    signer: Option<PathBuf>,
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
        CrlCommand::Signer(args) => signer(args),
    }
}

/// The key that signs an authority's CRLs: a CRL signer's, loaded from its
/// directory and checked against the authority, or else the IACA's.
struct CrlKey {
    certificate: Option<Certificate>,
    key: SoftwareKey,
}

impl CrlKey {
    fn load(authority: &DemoAuthority, signer: Option<&Path>) -> Result<CrlKey, ToolError> {
        let Some(dir) = signer else {
            return Ok(CrlKey {
                certificate: None,
                key: authority.iaca_key.clone(),
            });
        };
        let certificate = Certificate::load_one(&read_der(&dir.join(SIGNER_CERT_FILE))?)?;
        let key_path = dir.join(SIGNER_KEY_FILE);
        let pem = read_text(&key_path)?;
        let key = SoftwareKey::from_pkcs8_pem(&pem)?;
        if key.public_key() != *certificate.public_key() {
            return Err(ToolError::invalid(format!(
                "{}: the key does not match {}",
                key_path.display(),
                SIGNER_CERT_FILE
            )));
        }
        // Refused here rather than by every verifier later.
        certificate.verify_issued_by(&authority.iaca_certificate)?;
        if certificate.subject_raw() != authority.iaca_certificate.subject_raw()
            || !certificate.key_usage().is_some_and(|ku| ku.crl_sign)
        {
            return Err(ToolError::invalid(format!(
                "{}: not a CRL signer of {:?} (the IACA's name and keyUsage cRLSign)",
                dir.display(),
                authority.iaca_certificate.subject()
            )));
        }
        Ok(CrlKey {
            certificate: Some(certificate),
            key,
        })
    }

    /// The certificate a CRL signed with this key verifies under.
    fn verifying<'a>(&'a self, authority: &'a DemoAuthority) -> &'a Certificate {
        self.certificate
            .as_ref()
            .unwrap_or(&authority.iaca_certificate)
    }
}

fn signer(args: SignerArgs) -> Result<ExitCode, ToolError> {
    let authority = DemoAuthority::load_from_dir(&args.authority)?;
    let iaca = &authority.iaca_certificate;
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let until = super::later(now, time::Duration::days(args.valid_days))?.min(iaca.not_after());
    let mut rng = system_rng();
    let key = SoftwareKey::generate(authority.iaca_key.algorithm(), &mut rng);
    // A random positive 63-bit serial: the IACA's other certificates must
    // not share it, or revoking one would revoke both.
    let serial = (rng.next_u64() >> 1).max(1);
    let certificate = create_crl_signer(
        serial,
        now,
        until,
        &key.public_key(),
        iaca,
        &authority.iaca_key,
    )?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| ToolError::io(format!("{}: {e}", args.out.display())))?;
    write_secret_file(
        &args.out.join(SIGNER_KEY_FILE),
        &key.to_pkcs8_pem()?,
        Overwrite::Refuse,
    )?;
    write(
        &args.out.join(SIGNER_CERT_FILE),
        certificate.to_pem().as_bytes(),
    )?;
    println!(
        "CRL signer of {:?} (valid {} .. {}) written to {}",
        iaca.subject(),
        format_time(now),
        format_time(until),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
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

/// Signs `spec` with `key` under the authority's name and writes it, PEM
/// or DER.
fn sign_and_save(
    spec: &CrlSpec,
    authority: &DemoAuthority,
    key: &CrlKey,
    out: &Path,
    der: bool,
) -> Result<Crl, ToolError> {
    let crl = create_crl(
        spec,
        &authority.iaca_certificate,
        key.certificate.as_ref(),
        &key.key,
    )?;
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
    let key = CrlKey::load(&authority, args.signer.as_deref())?;
    let crl = sign_and_save(&spec, &authority, &key, &args.out, args.der)?;
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
    let key = CrlKey::load(&authority, args.signer.as_deref())?;
    // The current CRL may be signed by the IACA or by this CRL signer.
    if current.verify_signed_by(key.verifying(&authority)).is_err() {
        current.verify_signed_by(&authority.iaca_certificate)?;
    }
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
    let crl = sign_and_save(&spec, &authority, &key, &args.file, der)?;
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
