//! `docbridge request | present | transcript`: the reader's request, the
//! holder's presentation, and the session transcripts both sides share.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use docbridge::documents::{DrivingLicence, ResidencePermit, VehicleRegistration};
use docbridge::{
    Certificate, DeviceRequest, IssuerSigned, ItemsRequest, ReaderCheck, ReaderRoot, ReaderStatus,
    SoftwareKey, present,
};
use time::OffsetDateTime;

use super::{ToolError, parse_time, read_cbor, read_der, read_text, write};

#[derive(Args)]
pub(crate) struct RequestArgs {
    /// The requested doc type.
    #[arg(long)]
    doc_type: String,
    /// A requested element: `element` (in the doc type's main namespace) or
    /// `namespace:element`. Repeatable.
    #[arg(long = "element", required = true)]
    elements: Vec<String>,
    /// Mark the elements intentToRetain.
    #[arg(long)]
    retain: bool,
    /// SessionTranscriptBytes (binary), needed when the request is signed.
    #[arg(long)]
    transcript: Option<PathBuf>,
    /// The reader's private key (PKCS#8 PEM) to sign the request with.
    #[arg(long, requires_all = ["reader_cert", "transcript"])]
    reader_key: Option<PathBuf>,
    /// The reader certificate chain (PEM or DER), leaf first. Repeatable.
    #[arg(long = "reader-cert")]
    reader_cert: Vec<PathBuf>,
    /// Output file (binary CBOR DeviceRequest).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub(crate) struct PresentArgs {
    /// The reader's DeviceRequest (binary CBOR).
    #[arg(long)]
    request: PathBuf,
    /// The device private key the documents were issued to (PKCS#8 PEM).
    #[arg(long)]
    device_key: PathBuf,
    /// SessionTranscriptBytes (binary).
    #[arg(long)]
    transcript: PathBuf,
    /// Trusted reader root (PEM or DER); when given, a request not signed
    /// by a reader under one of them is refused; the reader is shown with
    /// the root's file name as its label ("police.pem": police). Repeatable.
    #[arg(long = "reader-root")]
    reader_roots: Vec<PathBuf>,
    /// Time for the reader-certificate check, RFC 3339 (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Output file (binary CBOR DeviceResponse).
    #[arg(long)]
    out: PathBuf,
    /// The stored documents (binary CBOR IssuerSigned), one or more.
    #[arg(required = true)]
    documents: Vec<PathBuf>,
}

fn main_namespace(doc_type: &str) -> Option<&'static str> {
    match doc_type {
        DrivingLicence::DOC_TYPE => Some(DrivingLicence::NAMESPACE),
        VehicleRegistration::DOC_TYPE => Some(VehicleRegistration::NAMESPACE),
        ResidencePermit::DOC_TYPE => Some(ResidencePermit::NAMESPACE),
        _ => None,
    }
}

fn load_certificates(paths: &[PathBuf]) -> Result<Vec<Certificate>, ToolError> {
    let mut certs = Vec::new();
    for path in paths {
        certs.extend(Certificate::load_all(&read_der(path)?)?);
    }
    Ok(certs)
}

/// An ItemsRequest from `--doc-type` and `--element` values (`element`
/// in the doc type's main namespace, or `namespace:element`).
pub(crate) fn items_request(
    doc_type: &str,
    elements: &[String],
    retain: bool,
) -> Result<ItemsRequest, ToolError> {
    let mut items = ItemsRequest::new(doc_type);
    for element in elements {
        let (ns, name) = match element.rsplit_once(':') {
            Some((ns, name)) => (ns.to_string(), name),
            None => (
                main_namespace(doc_type)
                    .ok_or_else(|| {
                        ToolError::invalid(format!(
                            "{element:?}: give the namespace (namespace:element) for {doc_type}"
                        ))
                    })?
                    .to_string(),
                element.as_str(),
            ),
        };
        items = items.element(&ns, name, retain);
    }
    Ok(items)
}

pub(crate) fn request(args: RequestArgs) -> Result<ExitCode, ToolError> {
    let items = items_request(&args.doc_type, &args.elements, args.retain)?;
    let transcript = args.transcript.as_deref().map(read_cbor).transpose()?;
    let request = match &args.reader_key {
        None => DeviceRequest::build(&[items], None, transcript.as_deref().unwrap_or_default())?,
        Some(key_path) => {
            let key = SoftwareKey::from_pkcs8_pem(&read_text(key_path)?)?;
            let chain = load_certificates(&args.reader_cert)?;
            let transcript = transcript
                .ok_or_else(|| ToolError::invalid("a signed request needs --transcript".into()))?;
            DeviceRequest::build(&[items], Some((&key, &chain)), &transcript)?
        }
    };
    let bytes = request.to_vec()?;
    write(&args.out, &bytes)?;
    println!(
        "request for {} ({} elements, {}) written to {}",
        args.doc_type,
        args.elements.len(),
        if args.reader_key.is_some() {
            "reader-signed"
        } else {
            "unsigned"
        },
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn present_documents(args: PresentArgs) -> Result<ExitCode, ToolError> {
    let request = DeviceRequest::from_slice(&read_cbor(&args.request)?)?;
    let device_key = SoftwareKey::from_pkcs8_pem(&read_text(&args.device_key)?)?;
    let transcript = read_cbor(&args.transcript)?;
    let stored = args
        .documents
        .iter()
        .map(|path| Ok(IssuerSigned::from_slice(&read_cbor(path)?)?))
        .collect::<Result<Vec<_>, ToolError>>()?;
    // Each root is labelled with its file name ("police.pem" -> "police"),
    // so the output names the trust domain that vouched for the reader.
    let mut roots = Vec::new();
    for path in &args.reader_roots {
        let label = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for certificate in Certificate::load_all(&read_der(path)?)? {
            roots.push(ReaderRoot::new(label.clone(), certificate));
        }
    }
    let check = if roots.is_empty() {
        ReaderCheck::Skip
    } else {
        ReaderCheck::Require(&roots)
    };
    let now = match &args.at {
        Some(t) => parse_time(t)?,
        None => OffsetDateTime::now_utc(),
    };
    let presentation = present(&stored, &request, &transcript, &device_key, check, now)?;
    for status in &presentation.readers {
        match status {
            ReaderStatus::Authenticated(reader) => println!(
                "reader: {} (under root {:?}: {})",
                reader.certificate.subject(),
                reader.root_label,
                reader.root.subject()
            ),
            ReaderStatus::NotChecked => println!("reader: not checked"),
            ReaderStatus::Unauthenticated(code) => println!("reader: unauthenticated ({code})"),
        }
    }
    let bytes = presentation.response.to_vec()?;
    write(&args.out, &bytes)?;
    for document in &presentation.response.documents {
        let disclosed: usize = document
            .issuer_signed()
            .name_spaces()
            .iter()
            .map(|(_, items)| items.len())
            .sum();
        println!(
            "{}: {disclosed} elements disclosed, {} not available",
            document.doc_type(),
            document.errors().values().map(|e| e.len()).sum::<usize>()
        );
    }
    for (doc_type, code) in &presentation.response.document_errors {
        println!("{doc_type}: not in the wallet (error {})", code.code());
    }
    println!(
        "response ({} bytes) written to {}",
        bytes.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
