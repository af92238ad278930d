//! `docbridge issue`: one document, or with `--batch N` N single-use
//! copies of it (the library's `Issuer::issue_batch`: each copy its own
//! device key, salts, digest IDs, status index and slightly earlier times,
//! so no two copies share a value a verifier sees but the claims).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use docbridge::documents::json::elements_from_json;
use docbridge::issuer::{BatchCopy, MAX_BATCH_COPIES};
use docbridge::status::{FileStatusListStore, StatusListReference, StatusListStore};
use docbridge::{Claims, DemoAuthority, IssuerSigned, PublicKey, ValidityInfo};
use serde_json::json;
use time::OffsetDateTime;

use super::{ToolError, parse_time, print_json_value, read_text, system_rng, write};

#[derive(Args)]
#[command(after_help = "Examples:\n  \
    docbridge issue --authority ua/ --doc-type org.iso.18013.5.1.mDL --claims claims.json \\\n      \
    --device-key device.pub.pem --valid-from 2026-11-01T00:00:00Z \\\n      \
    --valid-until 2027-11-01T00:00:00Z --out doc.cbor\n  \
    docbridge issue --batch 3 --device-key k1.pub.pem --device-key k2.pub.pem --device-key k3.pub.pem \\\n      \
    --authority ua/ --doc-type org.iso.18013.5.1.mDL --claims claims.json \\\n      \
    --valid-from 2026-11-01T00:00:00Z --valid-until 2027-11-01T00:00:00Z --out copies/")]
pub(crate) struct IssueArgs {
    /// Authority directory made by `authority new`.
    #[arg(long)]
    authority: PathBuf,
    /// Doc type, e.g. org.iso.18013.5.1.mDL; the authority's
    /// authority.json must list it.
    #[arg(long)]
    doc_type: String,
    /// Claims as JSON: {"NAMESPACE": {"ELEMENT": value}}.
    #[arg(long)]
    claims: PathBuf,
    /// The holder's device public key (PEM); with --batch, one per copy
    /// (repeatable).
    #[arg(long = "device-key", required = true)]
    device_keys: Vec<PathBuf>,
    /// When the document is signed, RFC 3339 (default: now). It must lie
    /// within the Document Signer certificate's validity; validity may
    /// start later.
    #[arg(long)]
    signed: Option<String>,
    /// Start of validity, RFC 3339.
    #[arg(long)]
    valid_from: String,
    /// End of validity, RFC 3339.
    #[arg(long)]
    valid_until: String,
    /// Output file (binary CBOR); with --batch, a directory that receives
    /// copy-1.cbor .. copy-N.cbor.
    #[arg(long)]
    out: PathBuf,
    /// A status list file (`status-list new`): a random unused index is
    /// allocated for the document (for each copy), written into its MSO and
    /// recorded in the file.
    #[arg(long)]
    status_list: Option<PathBuf>,
    /// Issue N single-use copies, one per --device-key (a copy is shown
    /// once, so presentations cannot be linked by its signature, digests or
    /// status index).
    #[arg(long, value_name = "N")]
    batch: Option<usize>,
    /// Print JSON: {"docType", "issuer", "copies": [{"file", "bytes",
    /// "statusList": {"idx", "uri"} | null}]}.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: IssueArgs) -> Result<ExitCode, ToolError> {
    let copies = args.batch.unwrap_or(1);
    if args.batch.is_some() && !(1..=MAX_BATCH_COPIES).contains(&copies) {
        return Err(ToolError::invalid(format!(
            "--batch takes 1 to {MAX_BATCH_COPIES} copies, not {copies}"
        )));
    }
    if args.device_keys.len() != copies {
        return Err(ToolError::invalid(match args.batch {
            Some(n) => format!(
                "--batch {n} needs {n} --device-key files (each copy is bound to its own \
                 key), not {}",
                args.device_keys.len()
            ),
            None => "give one --device-key (several only with --batch N)".into(),
        }));
    }
    let authority = DemoAuthority::load_from_dir(&args.authority)?;
    // Refused before anything is signed or a status index is spent: a
    // verifier would refuse the document anyway (`doc_type_not_allowed`).
    if !authority.authority.may_issue(&args.doc_type) {
        return Err(ToolError::invalid(format!(
            "the authority in {} may not issue {}: its authority.json lists {}",
            args.authority.display(),
            args.doc_type,
            authority
                .authority
                .doc_types()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let claims: serde_json::Value = serde_json::from_str(&read_text(&args.claims)?)
        .map_err(|e| ToolError::invalid(format!("{}: {e}", args.claims.display())))?;
    let elements = elements_from_json(&args.doc_type, &claims)?;
    // An issuer must not sign a document its type calls incomplete.
    let typed = Claims::from_complete_elements(&args.doc_type, &elements)?;
    let device_keys = args
        .device_keys
        .iter()
        .map(|path| Ok(PublicKey::from_pem(&read_text(path)?)?))
        .collect::<Result<Vec<_>, ToolError>>()?;
    let signed = match &args.signed {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let validity = ValidityInfo::new(
        signed,
        parse_time(&args.valid_from)?,
        parse_time(&args.valid_until)?,
    );
    // The indexes are recorded in the list (locked, replaced atomically)
    // before the documents are written, so concurrent issuances never share
    // or lose one; an issuance that then fails leaves its indexes unused,
    // never reused.
    let references: Vec<Option<StatusListReference>> = match &args.status_list {
        Some(path) => FileStatusListStore::new(path)
            .update(|list| {
                (0..copies)
                    .map(|_| list.allocate(&mut system_rng()))
                    .collect::<docbridge::Result<Vec<_>>>()
            })?
            .into_iter()
            .map(Some)
            .collect(),
        None => vec![None; copies],
    };
    let issuer = docbridge::Issuer::new(&authority.ds_key, &authority.ds_certificate)?;
    let documents: Vec<IssuerSigned> = match args.batch {
        None => {
            let issuer = match references.first().cloned().flatten() {
                Some(reference) => issuer.with_status_list(reference),
                None => issuer,
            };
            let key = device_keys
                .first()
                .ok_or_else(|| ToolError::invalid("give one --device-key".into()))?;
            vec![issuer.issue(&args.doc_type, &elements, key, &validity, &mut system_rng())?]
        }
        Some(_) => {
            let batch: Vec<BatchCopy> = device_keys
                .into_iter()
                .zip(references.iter().cloned())
                .map(|(device_key, status_list)| {
                    let copy = BatchCopy::new(device_key);
                    match status_list {
                        Some(reference) => copy.with_status_list(reference),
                        None => copy,
                    }
                })
                .collect();
            let mut rng = system_rng();
            match &typed {
                Claims::DrivingLicence(d) => {
                    issuer.issue_batch(&**d, &batch, &validity, &mut rng)?
                }
                Claims::VehicleRegistration(d) => {
                    issuer.issue_batch(&**d, &batch, &validity, &mut rng)?
                }
                Claims::ResidencePermit(d) => {
                    issuer.issue_batch(&**d, &batch, &validity, &mut rng)?
                }
                _ => {
                    return Err(ToolError::invalid(format!(
                        "--batch issues the typed doc types only ({}); {} has no typed model",
                        super::known_doc_types().join(", "),
                        args.doc_type
                    )));
                }
            }
        }
    };
    let files: Vec<PathBuf> = match args.batch {
        None => vec![args.out.clone()],
        Some(n) => {
            std::fs::create_dir_all(&args.out)
                .map_err(|e| ToolError::io(format!("{}: {e}", args.out.display())))?;
            (1..=n)
                .map(|i| args.out.join(format!("copy-{i}.cbor")))
                .collect()
        }
    };
    let mut written = Vec::new();
    for ((document, file), reference) in documents.iter().zip(&files).zip(&references) {
        let bytes = document.to_vec()?;
        write(file, &bytes)?;
        written.push((file.as_path(), bytes.len(), reference.as_ref()));
    }
    report(&args, authority.authority.name(), &written);
    Ok(ExitCode::SUCCESS)
}

/// What was written: JSON, or one line per copy.
fn report(
    args: &IssueArgs,
    issuer: &str,
    written: &[(&Path, usize, Option<&StatusListReference>)],
) {
    if args.json {
        let copies: Vec<serde_json::Value> = written
            .iter()
            .map(|(file, bytes, reference)| {
                json!({
                    "file": file.display().to_string(),
                    "bytes": bytes,
                    "statusList": reference.map(|r| json!({"idx": r.idx, "uri": r.uri})),
                })
            })
            .collect();
        print_json_value(&json!({
            "docType": args.doc_type,
            "issuer": issuer,
            "copies": copies,
        }));
        return;
    }
    for (file, bytes, reference) in written {
        if let Some(reference) = reference {
            println!("status list index {} of {}", reference.idx, reference.uri);
        }
        println!(
            "{} issued by {issuer:?} ({bytes} bytes) written to {}",
            args.doc_type,
            file.display()
        );
    }
}
