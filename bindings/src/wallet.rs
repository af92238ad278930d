//! `Wallet`: the holder's side. It stores IssuerSigned documents, says what
//! a reader asks for and who the reader is, and answers with only the
//! elements the user consented to, signed by the app's `DeviceSigner`.
//!
//! The consent step is built here from the core's request and presentation
//! pieces: the answer is made for a request narrowed to the consented
//! elements, so an element the user declined never reaches the encoder.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use docbridge::device_response::{DEVICE_RESPONSE_VERSION, ERROR_DATA_NOT_RETURNED, STATUS_OK};
use docbridge::holder::present_document;
use docbridge::{Certificate, DeviceRequest, DeviceResponse, IssuerSigned, ItemsRequest};

use crate::error::{DocbridgeError, Result};
use crate::signer::{DeviceSigner, ForeignSigner};
use crate::time::to_core;

/// A reader root the app trusts, with the label it shows the user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReaderRoot {
    /// What the consent screen says, for example "Polish police".
    pub label: String,
    /// The root certificate, PEM or DER.
    pub certificate: Vec<u8>,
}

/// What the reader asks of one document type.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RequestedDocument {
    /// The doc type asked for.
    pub doc_type: String,
    /// Whether the wallet holds a document of that type.
    pub held: bool,
    /// The elements asked for.
    pub elements: Vec<RequestedElement>,
    /// The reader, when its request is signed by a certificate under one
    /// of the trusted roots.
    pub reader: Option<ReaderIdentity>,
    /// Why the reader is not identified (`reader_auth_missing`,
    /// `untrusted_reader`, ...), when it is not.
    pub reader_error: Option<String>,
}

/// One element the reader asks for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestedElement {
    /// Its namespace.
    pub namespace: String,
    /// Its identifier.
    pub identifier: String,
    /// Whether the reader says it will keep the value.
    pub intent_to_retain: bool,
    /// Whether the held document has it.
    pub available: bool,
}

/// A reader whose request signature checked out.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReaderIdentity {
    /// The reader certificate's subject.
    pub subject: String,
    /// The label of the trusted root that vouched for it.
    pub root_label: String,
}

/// A request as read: what to show on the consent screen. Pass it back to
/// `Wallet.respond` with the user's choice.
#[derive(Debug, uniffi::Object)]
pub struct ReaderRequest {
    request: DeviceRequest,
    documents: Vec<RequestedDocument>,
}

#[uniffi::export]
impl ReaderRequest {
    /// Per requested document: doc type, elements, the reader.
    pub fn documents(&self) -> Vec<RequestedDocument> {
        self.documents.clone()
    }
}

/// The elements the user approved for one doc type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    /// The doc type.
    pub doc_type: String,
    /// The approved elements; requested elements not listed are withheld.
    pub elements: Vec<ElementId>,
}

/// An element's namespace and identifier.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ElementId {
    /// The namespace.
    pub namespace: String,
    /// The identifier.
    pub identifier: String,
}

/// The holder's documents. Thread-safe.
#[derive(Debug, Default, uniffi::Object)]
pub struct Wallet {
    documents: Mutex<Vec<IssuerSigned>>,
}

impl Wallet {
    fn held(&self) -> MutexGuard<'_, Vec<IssuerSigned>> {
        // Adding a document is one push: a poisoned lock holds no half-change.
        self.documents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn doc_type_of(document: &IssuerSigned) -> docbridge::Result<String> {
    Ok(document.mso_unverified()?.doc_type)
}

fn has_element(document: &IssuerSigned, namespace: &str, identifier: &str) -> bool {
    document.name_spaces().iter().any(|(ns, items)| {
        ns == namespace
            && items
                .iter()
                .any(|i| i.item().element_identifier == identifier)
    })
}

#[uniffi::export]
impl Wallet {
    /// An empty wallet.
    #[uniffi::constructor]
    pub fn new() -> Arc<Wallet> {
        Arc::new(Wallet::default())
    }

    /// Stores an IssuerSigned document (checked by the app's backend or a
    /// `Verifier` before); returns its doc type. Refused when the bytes
    /// are not an IssuerSigned.
    pub fn add(&self, issuer_signed: Vec<u8>) -> Result<String> {
        let document = IssuerSigned::from_slice(&issuer_signed)?;
        let doc_type = doc_type_of(&document)?;
        self.held().push(document);
        Ok(doc_type)
    }

    /// The doc types held, one entry per stored document.
    pub fn doc_types(&self) -> Result<Vec<String>> {
        Ok(self
            .held()
            .iter()
            .map(doc_type_of)
            .collect::<docbridge::Result<_>>()?)
    }

    /// Reads a DeviceRequest: per document, what is asked, whether the
    /// wallet has it, and which reader asks (checked against `reader_roots`
    /// over the session transcript at `now`). Refused only when the bytes
    /// are not a DeviceRequest; an unidentified reader is reported, and
    /// the app decides.
    pub fn read_request(
        &self,
        request: Vec<u8>,
        transcript: Vec<u8>,
        reader_roots: Vec<ReaderRoot>,
        now: SystemTime,
    ) -> Result<Arc<ReaderRequest>> {
        let now = to_core(now)?;
        let request = DeviceRequest::from_slice(&request)?;
        let roots = reader_roots
            .iter()
            .map(|r| Ok((r.label.clone(), Certificate::load_one(&r.certificate)?)))
            .collect::<docbridge::Result<Vec<_>>>()?;
        let held = self.held();
        let mut documents = Vec::new();
        for doc_request in request.doc_requests() {
            let items = doc_request.items_request();
            let stored = held
                .iter()
                .find(|d| doc_type_of(d).is_ok_and(|t| t == items.doc_type));
            let mut reader = None;
            let mut reader_error = None;
            let all: Vec<Certificate> = roots.iter().map(|(_, c)| c.clone()).collect();
            match doc_request.verify_reader(&all, &transcript, now) {
                Ok(leaf) => {
                    let label = roots
                        .iter()
                        .find(|(_, root)| leaf.verify_issued_by(root).is_ok())
                        .map(|(label, _)| label.clone())
                        .unwrap_or_default();
                    reader = Some(ReaderIdentity {
                        subject: leaf.subject().to_string(),
                        root_label: label,
                    });
                }
                Err(e) => reader_error = Some(e.code().to_string()),
            }
            let elements = items
                .name_spaces
                .iter()
                .flat_map(|(namespace, elements)| {
                    elements
                        .iter()
                        .map(move |(identifier, retain)| (namespace, identifier, retain))
                })
                .map(|(namespace, identifier, retain)| RequestedElement {
                    namespace: namespace.clone(),
                    identifier: identifier.clone(),
                    intent_to_retain: *retain,
                    available: stored.is_some_and(|d| has_element(d, namespace, identifier)),
                })
                .collect();
            documents.push(RequestedDocument {
                doc_type: items.doc_type.clone(),
                held: stored.is_some(),
                elements,
                reader,
                reader_error,
            });
        }
        Ok(Arc::new(ReaderRequest { request, documents }))
    }

    /// Answers `request` with the elements of `consent` only: a requested
    /// element not approved is left out, and a document with nothing
    /// approved is not sent at all (reported as not returned, exactly like
    /// a document the wallet does not hold). Each document is signed by
    /// the signer among `signers` that holds its device key (`invalid_key`
    /// when none does). Returns the DeviceResponse bytes.
    pub fn respond(
        &self,
        request: Arc<ReaderRequest>,
        consent: Vec<Consent>,
        transcript: Vec<u8>,
        signers: Vec<Arc<dyn DeviceSigner>>,
    ) -> Result<Vec<u8>> {
        let signers = signers
            .into_iter()
            .map(ForeignSigner::new)
            .collect::<docbridge::Result<Vec<_>>>()?;
        let held = self.held();
        let mut response = DeviceResponse {
            version: DEVICE_RESPONSE_VERSION.to_string(),
            documents: Vec::new(),
            document_errors: Vec::new(),
            status: STATUS_OK,
        };
        for doc_request in request.request.doc_requests() {
            let asked = doc_request.items_request();
            let approved = approved_items(asked, &consent);
            let stored = held
                .iter()
                .find(|d| doc_type_of(d).is_ok_and(|t| t == asked.doc_type));
            let (Some(stored), Some(approved)) = (stored, approved) else {
                response
                    .document_errors
                    .push((asked.doc_type.clone(), ERROR_DATA_NOT_RETURNED));
                continue;
            };
            let device_key = stored.mso_unverified()?.device_key_info.device_key;
            let signer = signers
                .iter()
                .find(|s| docbridge::Signer::public_key(*s) == device_key)
                .ok_or_else(|| {
                    DocbridgeError::from(docbridge::Error::InvalidKey(format!(
                        "no device signer holds the key of the {} document",
                        asked.doc_type
                    )))
                })?;
            // A request narrowed to the approved elements, never signed and
            // never sent: only its ItemsRequest drives the disclosure.
            let narrowed = DeviceRequest::build(&[approved], None, &transcript)?;
            for narrowed_request in narrowed.doc_requests() {
                response.documents.push(present_document(
                    stored,
                    narrowed_request,
                    &transcript,
                    signer,
                )?);
            }
        }
        Ok(response.to_vec()?)
    }
}

/// The requested elements the user approved for `asked`'s doc type, or
/// `None` when nothing was approved.
fn approved_items(asked: &ItemsRequest, consent: &[Consent]) -> Option<ItemsRequest> {
    let mut approved = ItemsRequest::new(asked.doc_type.clone());
    let mut any = false;
    for given in consent.iter().filter(|c| c.doc_type == asked.doc_type) {
        for element in &given.elements {
            if let Some(retain) = asked
                .name_spaces
                .get(&element.namespace)
                .and_then(|m| m.get(&element.identifier))
            {
                approved = approved.element(&element.namespace, &element.identifier, *retain);
                any = true;
            }
        }
    }
    any.then_some(approved)
}
