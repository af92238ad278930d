//! Presentation: selective disclosure and holder binding.
//!
//! From the documents a wallet stores, a reader's request, the session
//! transcript and the device key, the holder makes a DeviceResponse that
//! discloses exactly the requested elements each document has (nothing
//! else leaves the device; a requested element the document lacks is
//! reported in the document's errors, never invented) and signs
//! DeviceAuthenticationBytes with the device key. The signature binds the
//! response to this session: replayed under another transcript it fails.
//!
//! The device key stays behind [`DeviceSigner`] (the crate's
//! [`crate::Signer`] trait), so an Android Keystore or Secure Enclave key signs without its
//! private key ever entering the library; [`crate::SoftwareKey`] is the
//! software signer for Ed25519, P-256 and P-384.

use ciborium::value::Value;
use time::OffsetDateTime;

use crate::cbor;
use crate::cose::{Sign1Options, sign1};
use crate::device_auth::device_authentication_bytes;
use crate::device_response::{
    DEVICE_RESPONSE_VERSION, DeviceAuth, DeviceResponse, DeviceSigned, Document,
    ERROR_DATA_NOT_RETURNED, ElementErrors, STATUS_OK,
};
use crate::error::{Error, Result};
use crate::issuer_signed::IssuerSigned;
use crate::request::{DeviceRequest, DocRequest};
use crate::x509::Certificate;

/// The device key's signer: any [`crate::Signer`] (hardware-backed or software).
pub use crate::cose::Signer as DeviceSigner;

/// What the holder does about reader authentication.
#[derive(Debug, Clone, Copy)]
pub enum ReaderCheck<'a> {
    /// Do not look at readerAuth.
    Skip,
    /// Check readerAuth against these roots and report the outcome, but
    /// answer an unauthenticated reader too.
    Flag(&'a [Certificate]),
    /// Check readerAuth against these roots and refuse an unauthenticated
    /// reader with the check's error code.
    Require(&'a [Certificate]),
}

/// The outcome of the reader check for one document request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderStatus {
    /// The reader was not checked.
    NotChecked,
    /// The reader certificate chains to a trusted root; its subject.
    Authenticated(String),
    /// The reader is not authenticated; the error code says why.
    Unauthenticated(&'static str),
}

/// A presentation: the response to send and what the holder learned.
#[derive(Debug, Clone)]
pub struct Presentation {
    /// The DeviceResponse to send to the reader.
    pub response: DeviceResponse,
    /// The reader check of each document request, in request order.
    pub readers: Vec<ReaderStatus>,
}

/// Answers `request` from the `stored` documents.
///
/// `device_signer` must hold the device key the documents were issued to
/// (`invalid_key` otherwise). A document type the wallet does not hold
/// is reported in `documentErrors`.
pub fn present(
    stored: &[IssuerSigned],
    request: &DeviceRequest,
    session_transcript_bytes: &[u8],
    device_signer: &dyn DeviceSigner,
    reader_check: ReaderCheck<'_>,
    now: OffsetDateTime,
) -> Result<Presentation> {
    let mut documents = Vec::new();
    let mut document_errors = Vec::new();
    let mut readers = Vec::new();
    for doc_request in request.doc_requests() {
        readers.push(check_reader(
            doc_request,
            reader_check,
            session_transcript_bytes,
            now,
        )?);
        let doc_type = &doc_request.items_request().doc_type;
        match find_document(stored, doc_type)? {
            None => document_errors.push((doc_type.clone(), ERROR_DATA_NOT_RETURNED)),
            Some(issuer_signed) => documents.push(present_document(
                issuer_signed,
                doc_request,
                session_transcript_bytes,
                device_signer,
            )?),
        }
    }
    Ok(Presentation {
        response: DeviceResponse {
            version: DEVICE_RESPONSE_VERSION.to_string(),
            documents,
            document_errors,
            status: STATUS_OK,
        },
        readers,
    })
}

fn check_reader(
    doc_request: &DocRequest,
    reader_check: ReaderCheck<'_>,
    session_transcript_bytes: &[u8],
    now: OffsetDateTime,
) -> Result<ReaderStatus> {
    let (roots, required) = match reader_check {
        ReaderCheck::Skip => return Ok(ReaderStatus::NotChecked),
        ReaderCheck::Flag(roots) => (roots, false),
        ReaderCheck::Require(roots) => (roots, true),
    };
    match doc_request.verify_reader(roots, session_transcript_bytes, now) {
        Ok(cert) => Ok(ReaderStatus::Authenticated(cert.subject().to_string())),
        Err(e) if required => Err(e),
        Err(e) => Ok(ReaderStatus::Unauthenticated(e.code())),
    }
}

fn find_document<'a>(
    stored: &'a [IssuerSigned],
    doc_type: &str,
) -> Result<Option<&'a IssuerSigned>> {
    for document in stored {
        if document.mso_unverified()?.doc_type == doc_type {
            return Ok(Some(document));
        }
    }
    Ok(None)
}

/// Discloses the requested elements of one document and signs the device
/// authentication.
pub fn present_document(
    stored: &IssuerSigned,
    doc_request: &DocRequest,
    session_transcript_bytes: &[u8],
    device_signer: &dyn DeviceSigner,
) -> Result<Document> {
    let mso = stored.mso_unverified()?;
    if device_signer.public_key() != mso.device_key_info.device_key {
        return Err(Error::InvalidKey(
            "the device signer does not hold the document's device key".into(),
        ));
    }
    let request = doc_request.items_request();
    let mut disclosed = stored.clone();
    disclosed.retain(|ns, element| request.requests(ns, element));

    let mut errors = ElementErrors::new();
    for (ns, elements) in &request.name_spaces {
        for element in elements.keys() {
            let present = disclosed.name_spaces().iter().any(|(n, items)| {
                n == ns
                    && items
                        .iter()
                        .any(|i| &i.item().element_identifier == element)
            });
            if !present {
                errors
                    .entry(ns.clone())
                    .or_default()
                    .insert(element.clone(), ERROR_DATA_NOT_RETURNED);
            }
        }
    }

    // No device-signed elements: everything disclosed is issuer-signed.
    let device_name_spaces = cbor::encode(&Value::Map(Vec::new()))?;
    let payload =
        device_authentication_bytes(session_transcript_bytes, &mso.doc_type, &device_name_spaces)?;
    let signature = sign1(
        device_signer,
        &payload,
        &Sign1Options {
            detached: true,
            ..Sign1Options::default()
        },
    )?;
    Ok(Document::new(
        mso.doc_type.clone(),
        disclosed,
        DeviceSigned::new(device_name_spaces, DeviceAuth::Signature(signature)),
        errors,
    ))
}
