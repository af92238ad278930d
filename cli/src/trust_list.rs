//! `docbridge trust-list ...`: the operator side (an operator's root and
//! signing certificate, building and signing lists) and the app side
//! (verifying and showing lists), plus the trust store `verify
//! --trust-list` builds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use docbridge::report::Report;
use docbridge::trust::demo::example_uris;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    Algorithm, Certificate, Error, IssuingAuthority, SignedTrustList, Signer, SoftwareKey,
    TrustList, TrustStore,
};
use time::OffsetDateTime;

use docbridge::trust::demo::write_secret_file;

use super::{
    ToolError, format_time, parse_time, read_cbor, read_der, read_text, system_rng, write,
};

/// File names of an operator directory made by `trust-list operator`.
const ROOT_FILE: &str = "root.pem";
const ROOT_KEY_FILE: &str = "root.key.pem";
const SIGNER_FILE: &str = "signer.pem";
const SIGNER_KEY_FILE: &str = "signer.key.pem";

#[derive(Subcommand)]
pub(crate) enum TrustListCommand {
    /// Create a demo trust-list operator: a root (the certificate apps pin)
    /// and a signing certificate under it, with their keys.
    #[command(
        after_help = "Example:\n  docbridge trust-list operator --country UA --out ua-op/ --valid-from 2026-01-01T00:00:00Z --valid-until 2031-01-01T00:00:00Z"
    )]
    Operator(OperatorArgs),
    /// Build an unsigned trust list (CBOR payload) from authority directories.
    #[command(
        after_help = "Example:\n  docbridge trust-list build --country UA --sequence 1 --issued 2026-11-20T00:00:00Z --next-update 2026-12-20T00:00:00Z --authority ua/ --out ua-list.unsigned.cbor"
    )]
    Build(BuildArgs),
    /// Sign an unsigned list, or re-sign a signed one (same payload).
    #[command(
        after_help = "Example:\n  docbridge trust-list sign --key ua-op/signer.key.pem --cert ua-op/signer.pem --out ua-list.cbor ua-list.unsigned.cbor"
    )]
    Sign(SignArgs),
    /// Verify a signed list against the operator's pinned root, or a VICAL
    /// against its provider's root (detected from the content).
    #[command(
        after_help = "Examples:\n  docbridge trust-list verify --operator-root ua-op/root.pem --at 2026-11-29T12:00:00Z --json ua-list.cbor\n  docbridge trust-list verify --vical-root aamva_ca_root.crt --at 2025-11-18T18:40:00Z aamva-vical.cbor"
    )]
    Verify(VerifyArgs),
    /// Show a list's or a VICAL's content WITHOUT verifying it.
    #[command(
        after_help = "Examples:\n  docbridge trust-list show ua-list.cbor\n  docbridge trust-list show aamva-vical.cbor"
    )]
    Show {
        /// The list (signed, or an unsigned payload) or VICAL.
        file: PathBuf,
    },
}

#[derive(Args)]
pub(crate) struct OperatorArgs {
    /// ISO 3166-1 alpha-2 country code of the operator.
    #[arg(long)]
    country: String,
    /// Signing key algorithm: ed25519, es256 or es384.
    #[arg(long, default_value = "es256")]
    alg: String,
    /// Start of certificate validity, RFC 3339 (default: now).
    #[arg(long)]
    valid_from: Option<String>,
    /// End of certificate validity, RFC 3339 (default: five years after the start).
    #[arg(long)]
    valid_until: Option<String>,
    /// Output directory (root.pem, root.key.pem, signer.pem, signer.key.pem).
    #[arg(long)]
    out: PathBuf,
    /// Replace key files already there (without it they are kept and the
    /// command fails).
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub(crate) struct BuildArgs {
    /// The operator's country.
    #[arg(long)]
    country: String,
    /// The edition's sequence number (higher than the last published).
    #[arg(long)]
    sequence: u64,
    /// Issue time, RFC 3339 (default: now).
    #[arg(long)]
    issued: Option<String>,
    /// When the next edition is due, RFC 3339 (default: 30 days after issue).
    #[arg(long)]
    next_update: Option<String>,
    /// An authority directory made by `authority new` (its authority.json and
    /// iaca.pem are read; no key is needed). Repeatable; none gives an empty list.
    #[arg(long = "authority")]
    authorities: Vec<PathBuf>,
    /// Output file (the unsigned CBOR payload).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub(crate) struct SignArgs {
    /// The operator's signing key (PKCS#8 PEM).
    #[arg(long)]
    key: PathBuf,
    /// The signing certificate, PEM (intermediates may follow it in the file).
    #[arg(long)]
    cert: PathBuf,
    /// Output file (the signed list).
    #[arg(long)]
    out: PathBuf,
    /// The unsigned payload made by `build`, or a signed list to re-sign.
    file: PathBuf,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// The operator root pinned for the list's country, PEM or DER; for a
    /// VICAL, its provider's root (or its signer certificate), also
    /// accepted as --vical-root. Repeatable.
    #[arg(long = "operator-root", visible_alias = "vical-root", required = true)]
    operator_roots: Vec<PathBuf>,
    /// Verification time, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The signed list.
    file: PathBuf,
}

pub(crate) fn run(command: TrustListCommand) -> Result<ExitCode, ToolError> {
    match command {
        TrustListCommand::Operator(args) => operator(args),
        TrustListCommand::Build(args) => build(args),
        TrustListCommand::Sign(args) => sign(args),
        TrustListCommand::Verify(args) => verify(args),
        TrustListCommand::Show { file } => show(&file),
    }
}

fn operator(args: OperatorArgs) -> Result<ExitCode, ToolError> {
    let alg = Algorithm::from_name(&args.alg)?;
    let from = match &args.valid_from {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let until = match &args.valid_until {
        Some(t) => parse_time(t)?,
        None => super::later(from, time::Duration::days(5 * 365))?,
    };
    let mut rng = system_rng();
    let root_key = SoftwareKey::generate(alg, &mut rng);
    let key = SoftwareKey::generate(alg, &mut rng);
    // Demo-grade like `authority new`: example issuerAltName and CRL URL.
    let (contact, crl_uri) = example_uris(&args.country, "trust list");
    let spec = |name: &str, serial: u64| CertificateSpec {
        common_name: format!("{} Trust List {name}", args.country),
        country: args.country.clone(),
        organization: None,
        serial,
        not_before: from,
        not_after: until,
        issuer_contact: Some(contact.clone()),
        crl_uri: Some(crl_uri.clone()),
    };
    let serial = || (rand_core::Rng::next_u64(&mut system_rng()) >> 1).max(1);
    let root =
        x509::create_self_signed(&spec("Root", serial()), CertificateProfile::Iaca, &root_key)?;
    let signer = x509::create_issued(
        &spec("Signer", serial()),
        CertificateProfile::TrustListSigner,
        &key.public_key(),
        &root,
        &root_key,
    )?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| ToolError::invalid(format!("{}: {e}", args.out.display())))?;
    let overwrite = crate::overwrite(args.force);
    write_secret_file(
        &args.out.join(ROOT_KEY_FILE),
        &root_key.to_pkcs8_pem()?,
        overwrite,
    )?;
    write_secret_file(
        &args.out.join(SIGNER_KEY_FILE),
        &key.to_pkcs8_pem()?,
        overwrite,
    )?;
    write(&args.out.join(ROOT_FILE), root.to_pem().as_bytes())?;
    write(&args.out.join(SIGNER_FILE), signer.to_pem().as_bytes())?;
    println!(
        "trust-list operator of {} written to {}: pin {} ({:?})",
        args.country,
        args.out.display(),
        ROOT_FILE,
        root.subject()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads an authority directory's public part: authority.json and iaca.pem.
fn read_authority(dir: &Path) -> Result<IssuingAuthority, ToolError> {
    let path = dir.join(docbridge::trust::demo::AUTHORITY_FILE);
    let json: serde_json::Value = serde_json::from_str(&read_text(&path)?)
        .map_err(|e| ToolError::invalid(format!("{}: {e}", path.display())))?;
    let field = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| {
                ToolError::invalid(format!("{}: {key:?} must be a string", path.display()))
            })
    };
    let doc_types: Vec<String> = json
        .get("docTypes")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let iaca = Certificate::load_all(&read_der(
        &dir.join(docbridge::trust::demo::IACA_CERTIFICATE_FILE),
    )?)?;
    Ok(IssuingAuthority::new(
        field("id")?,
        field("country")?,
        field("name")?,
        iaca,
        doc_types,
    )?)
}

fn build(args: BuildArgs) -> Result<ExitCode, ToolError> {
    let issued = match &args.issued {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let next_update = match &args.next_update {
        Some(t) => parse_time(t)?,
        None => super::later(issued, time::Duration::days(30))?,
    };
    let authorities = args
        .authorities
        .iter()
        .map(|dir| read_authority(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let list = TrustList::new(
        &args.country,
        args.sequence,
        issued,
        next_update,
        authorities,
    )?;
    write(&args.out, &list.to_payload()?)?;
    println!(
        "unsigned trust list of {} (sequence {}, {} authorities) written to {}",
        list.operator_country(),
        list.sequence(),
        list.authorities().len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn sign(args: SignArgs) -> Result<ExitCode, ToolError> {
    let key = SoftwareKey::from_pkcs8_pem(&read_text(&args.key)?)?;
    let chain = Certificate::load_all(&read_der(&args.cert)?)?;
    let bytes = read_cbor(&args.file)?;
    let signed = match SignedTrustList::from_slice(&bytes) {
        Ok(signed) => signed.resign(&key, &chain)?,
        Err(_) => TrustList::from_payload(&bytes)?.sign(&key, &chain)?,
    };
    write(&args.out, signed.as_bytes())?;
    println!(
        "signed trust list written to {} ({} bytes, {} key)",
        args.out.display(),
        signed.as_bytes().len(),
        key.algorithm()
    );
    Ok(ExitCode::SUCCESS)
}

fn verify(args: VerifyArgs) -> Result<ExitCode, ToolError> {
    let mut store = TrustStore::new();
    pin_roots(&mut store, &args.operator_roots)?;
    let now = match &args.at {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let bytes = read_cbor(&args.file)?;
    if let Some(signed) = crate::vical::detect(&bytes) {
        let mut anchors = Vec::new();
        for path in &args.operator_roots {
            anchors.extend(Certificate::load_all(&read_der(path)?)?);
        }
        let outcome = signed.verify(&anchors, now);
        match (&outcome, args.json) {
            (_, true) => println!("{}", crate::vical::json(&outcome)),
            (Ok(vical), false) => {
                println!("VALID VICAL");
                crate::vical::print_vical(vical);
            }
            (Err(e), false) => super::report_refusal(e, false),
        }
        return Ok(if outcome.is_ok() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let outcome = store.update(&bytes, now).and_then(|update| {
        let country = update.source.operator();
        store
            .list(country)
            .cloned()
            .ok_or_else(|| Error::InvalidArgument(format!("no list held for {country}")))
    });
    match (&outcome, args.json) {
        (_, true) => super::print_json(&Report::trust_list(&outcome)),
        (Ok(verified), false) => {
            println!("VALID trust list");
            print_list(verified.list());
        }
        (Err(e), false) => super::report_refusal(e, false),
    }
    Ok(if outcome.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn show(file: &Path) -> Result<ExitCode, ToolError> {
    let bytes = read_cbor(file)?;
    if let Some(signed) = crate::vical::detect(&bytes) {
        crate::vical::show(&signed)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("UNVERIFIED: decoded only; no signature, certificate or date was checked.");
    let list = match SignedTrustList::from_slice(&bytes) {
        Ok(signed) => {
            for certificate in signed.chain() {
                println!(
                    "  signer chain:    {} (issuer {})",
                    certificate.subject(),
                    certificate.issuer()
                );
            }
            signed.inspect_unverified()?
        }
        Err(_) => {
            println!("  (an unsigned payload)");
            TrustList::from_payload(&bytes)?
        }
    };
    print_list(&list);
    Ok(ExitCode::SUCCESS)
}

/// Pins each root for its own countryName.
pub(crate) fn pin_roots(store: &mut TrustStore, paths: &[PathBuf]) -> Result<(), ToolError> {
    for path in paths {
        for root in Certificate::load_all(&read_der(path)?)? {
            let country = root
                .country()
                .ok_or_else(|| {
                    ToolError::invalid(format!(
                        "{}: operator root {:?} names no country",
                        path.display(),
                        root.subject()
                    ))
                })?
                .to_string();
            store.pin_operator(&country, root)?;
        }
    }
    Ok(())
}

/// A store holding `lists` (verified at `now` against `roots`); a refused
/// list is the refusal of the document verification that needs it.
pub(crate) fn store_from(
    lists: &[PathBuf],
    roots: &[PathBuf],
    now: OffsetDateTime,
) -> Result<Result<TrustStore, Error>, ToolError> {
    let mut store = TrustStore::new();
    pin_roots(&mut store, roots)?;
    for path in lists {
        let bytes = read_cbor(path)?;
        if let Err(e) = store.update(&bytes, now) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(store))
}

fn print_list(list: &TrustList) {
    println!("  operator:        {}", list.operator_country());
    println!("  sequence:        {}", list.sequence());
    println!(
        "  issued:          {} (next update {})",
        format_time(list.issued()),
        format_time(list.next_update())
    );
    for authority in list.authorities() {
        println!(
            "  authority:       {} {:?} ({})",
            authority.id(),
            authority.name(),
            authority.country()
        );
        for doc_type in authority.doc_types() {
            println!("    may issue:     {doc_type}");
        }
        for certificate in authority.iaca_certificates() {
            println!("    IACA:          {}", certificate.subject());
        }
    }
}
