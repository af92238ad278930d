//! What a reader asks, laid out for the holder to decide on: per document
//! request, the reader's verified identity, whether the wallet holds the
//! document, and each requested element with its intentToRetain and
//! whether the document has it.

use crate::holder::reader::ReaderStatus;
use crate::issuer_signed::IssuerSigned;

/// One requested element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestedElement {
    /// The namespace.
    pub namespace: String,
    /// The element identifier.
    pub element: String,
    /// Whether the reader says it will keep the value (intentToRetain).
    pub intent_to_retain: bool,
    /// Whether the held document has the element (false when the wallet
    /// does not hold the document at all).
    pub available: bool,
}

/// One document request of a DeviceRequest, prepared.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    pub(crate) doc_type: String,
    pub(crate) reader: ReaderStatus,
    pub(crate) document: Option<IssuerSigned>,
    /// The wallet's index of the copy chosen.
    pub(crate) copy: Option<usize>,
    pub(crate) copy_already_shown: bool,
    pub(crate) elements: Vec<RequestedElement>,
}

impl PreparedRequest {
    /// The requested doc type.
    pub fn doc_type(&self) -> &str {
        &self.doc_type
    }

    /// Who signed this request, checked once, on the request as received.
    pub fn reader(&self) -> &ReaderStatus {
        &self.reader
    }

    /// Whether the wallet holds a document of the requested type.
    pub fn held(&self) -> bool {
        self.document.is_some()
    }

    /// Whether the copy that would be shown was shown before: every copy of
    /// the document has been used, so this verifier can link this
    /// presentation to an earlier one (time to ask the issuer for more).
    pub fn copy_already_shown(&self) -> bool {
        self.copy_already_shown
    }

    /// The requested elements, in request order (namespace, then element).
    pub fn elements(&self) -> &[RequestedElement] {
        &self.elements
    }

    /// Whether `namespace`/`element` is requested and the held document has it.
    pub fn offers(&self, namespace: &str, element: &str) -> bool {
        self.elements
            .iter()
            .any(|e| e.available && e.namespace == namespace && e.element == element)
    }
}

/// A request prepared for the holder's decision (see
/// [`crate::holder::Wallet::prepare`]); [`crate::holder::Wallet::approve`]
/// turns it and the holder's consent into the response.
#[derive(Debug, Clone)]
pub struct PreparedPresentation {
    pub(crate) session_transcript_bytes: Vec<u8>,
    pub(crate) requests: Vec<PreparedRequest>,
}

impl PreparedPresentation {
    /// The document requests, in request order.
    pub fn requests(&self) -> &[PreparedRequest] {
        &self.requests
    }

    /// The session transcript the response will be bound to.
    pub fn session_transcript_bytes(&self) -> &[u8] {
        &self.session_transcript_bytes
    }
}
