//! The disclosure record: what one approved presentation disclosed, to whom,
//! when, so the app can show the holder a history.
//!
//! With the `serde` feature the record is `Serialize` and `Deserialize`
//! (camelCase JSON), so the app can keep it as it likes. It holds no claim
//! values, only which elements left the device.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::{Error, Result};
use crate::holder::prepared::{PreparedPresentation, PreparedRequest};
use crate::holder::reader::ReaderStatus;

/// One element in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct RecordedElement {
    /// The namespace.
    pub namespace: String,
    /// The element identifier.
    pub element: String,
    /// Whether the reader said it would keep the value.
    pub intent_to_retain: bool,
}

/// The reader of one document request, as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct RecordedReader {
    /// The reader certificate's subject.
    pub subject: String,
    /// The reader certificate (DER), base64url without padding.
    pub certificate: String,
    /// The label the holder gave the root that vouched for the reader.
    pub root_label: String,
    /// That root's subject.
    pub root_subject: String,
}

/// One document request in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct RecordedDocument {
    /// The requested doc type.
    pub doc_type: String,
    /// The authenticated reader, or none for an unauthenticated one.
    pub reader: Option<RecordedReader>,
    /// Whether a Document was sent.
    pub returned: bool,
    /// The elements disclosed.
    pub disclosed: Vec<RecordedElement>,
    /// The elements asked for and not disclosed (declined, or not held).
    pub refused: Vec<RecordedElement>,
}

/// What one approved presentation disclosed, to whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "camelCase")
)]
pub struct DisclosureRecord {
    /// When the request was read (the `now` of
    /// [`crate::holder::Wallet::prepare`]), RFC 3339.
    pub time: String,
    /// SHA-256 of the SessionTranscriptBytes, base64url without padding:
    /// names the session without keeping it.
    pub transcript_hash: String,
    /// Each document request, in request order.
    pub documents: Vec<RecordedDocument>,
}

impl DisclosureRecord {
    /// The record of `prepared`, answered by disclosing what `disclosed`
    /// says of each request (the element approved and offered).
    pub(crate) fn new(
        prepared: &PreparedPresentation,
        now: OffsetDateTime,
        returned: &[bool],
        disclosed: &dyn Fn(&PreparedRequest, &str, &str) -> bool,
    ) -> Result<DisclosureRecord> {
        let time = now
            .format(&Rfc3339)
            .map_err(|e| Error::InvalidDate(e.to_string()))?;
        let documents = prepared
            .requests()
            .iter()
            .zip(returned)
            .map(|(request, &returned)| {
                let (mut shown, mut refused) = (Vec::new(), Vec::new());
                for asked in request.elements() {
                    let element = RecordedElement {
                        namespace: asked.namespace.clone(),
                        element: asked.element.clone(),
                        intent_to_retain: asked.intent_to_retain,
                    };
                    if returned && disclosed(request, &asked.namespace, &asked.element) {
                        shown.push(element);
                    } else {
                        refused.push(element);
                    }
                }
                RecordedDocument {
                    doc_type: request.doc_type().to_string(),
                    reader: recorded_reader(request.reader()),
                    returned,
                    disclosed: shown,
                    refused,
                }
            })
            .collect();
        Ok(DisclosureRecord {
            time,
            transcript_hash: URL_SAFE_NO_PAD
                .encode(Sha256::digest(prepared.session_transcript_bytes())),
            documents,
        })
    }
}

fn recorded_reader(status: &ReaderStatus) -> Option<RecordedReader> {
    status.identity().map(|reader| RecordedReader {
        subject: reader.certificate.subject().to_string(),
        certificate: URL_SAFE_NO_PAD.encode(reader.certificate.der()),
        root_label: reader.root_label.clone(),
        root_subject: reader.root.subject().to_string(),
    })
}
