//! `Wallet`: the holder's side, over the core's two-phase presentation
//! (`docbridge::holder::Wallet::prepare` / `approve`). `readRequest` says
//! what a reader asks for and who the reader is; the app shows a consent
//! screen; `respond` discloses only the approved elements, and no Document
//! at all where nothing was approved.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use docbridge::holder::{self, HolderPolicy, PreparedPresentation, ReaderStatus, ReportUnreturned};
use docbridge::{Certificate, DeviceRequest, IssuerSigned};

use crate::error::Result;
use crate::signer::{DeviceSigner, ForeignSigner};
use crate::time::to_core;

/// A reader root the app trusts, with the label it shows the user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReaderRoot {
    /// What the consent screen says for readers under it ("police", "bank").
    pub label: String,
    /// The root certificate, PEM or DER.
    pub certificate: Vec<u8>,
}

/// To whom the wallet says it returns no document of a requested type (one
/// rule for documents it lacks and documents the user declined, so the
/// answer never tells what the wallet holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReportUnreturnedTo {
    /// Nobody: the doc type is simply missing from the response.
    Nobody,
    /// Readers authenticated under one of the holder's roots (the default).
    AuthenticatedReaders,
    /// Every reader.
    Everyone,
}

/// The holder's rules for answering readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct WalletPolicy {
    /// Refuse requests whose reader is not authenticated under one of the
    /// roots, instead of showing the user an unidentified reader.
    pub require_reader_auth: bool,
    /// To whom unreturned doc types are reported.
    pub report_unreturned: ReportUnreturnedTo,
}

/// What the reader asks of one document type.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RequestedDocument {
    /// The doc type asked for.
    pub doc_type: String,
    /// Whether the wallet holds a document of that type.
    pub held: bool,
    /// Whether the copy that would be shown was shown before (its batch of
    /// single-use copies is used up).
    pub copy_already_shown: bool,
    /// The elements asked for.
    pub elements: Vec<RequestedElement>,
    /// The reader, when its request verified under one of the roots.
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

/// A reader whose request signature verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReaderIdentity {
    /// The reader certificate's subject (as its root let it say).
    pub subject: String,
    /// The label of the trusted root that vouched for it.
    pub root_label: String,
}

/// A request as read: what to show on the consent screen. Pass it back to
/// `Wallet.respond` with the user's choice.
#[derive(Debug, uniffi::Object)]
pub struct ReaderRequest {
    prepared: PreparedPresentation,
}

#[uniffi::export]
impl ReaderRequest {
    /// Per requested document: doc type, elements, the reader.
    pub fn documents(&self) -> Vec<RequestedDocument> {
        self.prepared
            .requests()
            .iter()
            .map(|r| {
                let (reader, reader_error) = match r.reader() {
                    ReaderStatus::Authenticated(identity) => (
                        Some(ReaderIdentity {
                            subject: identity.certificate.subject().to_string(),
                            root_label: identity.root_label.clone(),
                        }),
                        None,
                    ),
                    ReaderStatus::Unauthenticated(code) => (None, Some((*code).to_string())),
                    ReaderStatus::NotChecked => (None, None),
                };
                RequestedDocument {
                    doc_type: r.doc_type().to_string(),
                    held: r.held(),
                    copy_already_shown: r.copy_already_shown(),
                    elements: r
                        .elements()
                        .iter()
                        .map(|e| RequestedElement {
                            namespace: e.namespace.clone(),
                            identifier: e.element.clone(),
                            intent_to_retain: e.intent_to_retain,
                            available: e.available,
                        })
                        .collect(),
                    reader,
                    reader_error,
                }
            })
            .collect()
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

/// The holder's documents (single-use copies of one document included:
/// each presentation shows the copy shown least often). Thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct Wallet {
    inner: Mutex<holder::Wallet>,
}

impl Wallet {
    fn lock(&self) -> MutexGuard<'_, holder::Wallet> {
        // `approve` counts shown copies only once the response is built, so
        // a poisoned lock holds no half-change.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl Wallet {
    /// A wallet holding `documents` (IssuerSigned bytes each, checked by
    /// the app's backend or a `Verifier` before) under `policy`.
    #[uniffi::constructor]
    pub fn new(documents: Vec<Vec<u8>>, policy: WalletPolicy) -> Result<Arc<Wallet>> {
        let documents = documents
            .iter()
            .map(|d| IssuerSigned::from_slice(d))
            .collect::<docbridge::Result<Vec<_>>>()?;
        let policy = HolderPolicy {
            require_reader_auth: policy.require_reader_auth,
            report_unreturned: match policy.report_unreturned {
                ReportUnreturnedTo::Nobody => ReportUnreturned::Never,
                ReportUnreturnedTo::AuthenticatedReaders => {
                    ReportUnreturned::ToAuthenticatedReaders
                }
                ReportUnreturnedTo::Everyone => ReportUnreturned::Always,
            },
        };
        Ok(Arc::new(Wallet {
            inner: Mutex::new(holder::Wallet::new(documents).with_policy(policy)),
        }))
    }

    /// Phase one: reads a DeviceRequest. Per document: what is asked,
    /// whether the wallet has it, and which reader asks (checked against
    /// `reader_roots` over the session transcript at `now`). An
    /// unidentified reader is reported, or refused with the check's code
    /// when the policy requires reader authentication.
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
            .into_iter()
            .map(|r| {
                Ok(holder::ReaderRoot::new(
                    r.label,
                    Certificate::load_one(&r.certificate)?,
                ))
            })
            .collect::<docbridge::Result<Vec<_>>>()?;
        let prepared = self.lock().prepare(&request, &transcript, &roots, now)?;
        Ok(Arc::new(ReaderRequest { prepared }))
    }

    /// Phase two: the DeviceResponse bytes disclosing only what `consent`
    /// approves of `request` (over the transcript `readRequest` was given),
    /// each document signed by the signer among `signers` that holds its
    /// device key (`invalid_key` when none does). A document with nothing
    /// approved is not sent at all. Consent to an element the request does
    /// not offer is refused with `invalid_argument`.
    pub fn respond(
        &self,
        request: Arc<ReaderRequest>,
        consent: Vec<Consent>,
        signers: Vec<Arc<dyn DeviceSigner>>,
    ) -> Result<Vec<u8>> {
        let signers = signers
            .into_iter()
            .map(ForeignSigner::new)
            .collect::<docbridge::Result<Vec<_>>>()?;
        let signers: Vec<&dyn docbridge::Signer> = signers
            .iter()
            .map(|s| s as &dyn docbridge::Signer)
            .collect();
        let approved = consent
            .iter()
            .flat_map(|c| c.elements.iter().map(move |e| (&c.doc_type, e)))
            .fold(holder::Consent::none(), |all, (doc_type, e)| {
                all.approve(doc_type, &e.namespace, &e.identifier)
            });
        let presentation = self
            .lock()
            .approve(&request.prepared, &approved, &signers)?;
        Ok(presentation.response.to_vec()?)
    }
}
