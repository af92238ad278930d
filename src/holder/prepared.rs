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
    /// The DCQL credential query this request answers (online requests).
    pub(crate) credential_query_id: Option<String>,
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

    /// The id of the DCQL credential query this request answers, for a
    /// request prepared from an OpenID4VP query (see
    /// [`crate::holder::Wallet::prepare_dcql`]); `None` for a DeviceRequest.
    pub fn credential_query_id(&self) -> Option<&str> {
        self.credential_query_id.as_deref()
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
    pub(crate) now: time::OffsetDateTime,
    pub(crate) requests: Vec<PreparedRequest>,
    pub(crate) unanswered: Vec<UnansweredQuery>,
}

/// Why the wallet cannot answer a DCQL credential query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnansweredReason {
    /// The query asks for another format than `mso_mdoc`.
    OtherFormat,
    /// No stored document has the doc type with every claim of some claim
    /// set (with an allowed value).
    NoMatchingDocument,
}

/// A DCQL credential query the wallet cannot answer, shown to the holder
/// so the consent screen says what the verifier will not get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnansweredQuery {
    /// The credential query id.
    pub id: String,
    /// The doc type asked for (empty for another format).
    pub doc_type: String,
    /// Why it cannot be answered.
    pub reason: UnansweredReason,
}

impl PreparedPresentation {
    /// The document requests, in request order.
    pub fn requests(&self) -> &[PreparedRequest] {
        &self.requests
    }

    /// The DCQL credential queries the wallet cannot answer (each optional:
    /// a required one makes preparing fail with `credential_missing`), in
    /// query order; always empty for a DeviceRequest, whose unheld
    /// documents are requests with [`PreparedRequest::held`] false.
    pub fn unanswered(&self) -> &[UnansweredQuery] {
        &self.unanswered
    }

    /// The session transcript the response will be bound to.
    pub fn session_transcript_bytes(&self) -> &[u8] {
        &self.session_transcript_bytes
    }
}
