//! [`VerifiedDocument`] and [`ResponseVerification`]: what verification
//! hands back.

use std::sync::OnceLock;

use crate::cose::PublicKey;
use crate::device_response::{ElementErrors, ErrorCode, ResponseStatus};
use crate::documents::{Claims, Elements};
use crate::error::{Error, Result};
use crate::mso::{DeviceKeyInfo, MobileSecurityObject, ValidityInfo};
use crate::status::StatusOutcome;
use crate::trust::ListSource;
use crate::x509::crl::CrlOutcome;

/// A document whose issuer data authentication succeeded. Only the verifier
/// makes these: holding one means every check in
/// [`Verifier::verify`](super::Verifier::verify) passed.
#[derive(Debug, Clone)]
pub struct VerifiedDocument {
    pub(super) status: StatusOutcome,
    pub(super) certificate_revocation: CrlOutcome,
    pub(super) holder_bound: bool,
    pub(super) element_errors: ElementErrors,
    pub(super) device_signed: Elements,
    pub(super) doc_type: String,
    pub(super) issuing_country: String,
    pub(super) authority_id: String,
    pub(super) authority_name: String,
    pub(super) document_signer: String,
    pub(super) trust_source: Option<ListSource>,
    /// Built on first use: verification has checked every element as
    /// building them would, and a caller that reads the elements, or only
    /// the outcome, does not pay for a second copy of each value.
    pub(super) claims: OnceLock<Claims>,
    pub(super) elements: Elements,
    pub(super) mso: MobileSecurityObject,
}

impl VerifiedDocument {
    /// What the CRL check of the Document Signer certificate found: good,
    /// not checked (allowed by the CRL policy), or disabled (no CRLs were
    /// given and the verifier has no CRL policy). A revoked certificate
    /// never gets this far (`certificate_revoked`).
    pub fn certificate_revocation(&self) -> CrlOutcome {
        self.certificate_revocation
    }

    /// The doc type, for example `org.iso.18013.5.1.mDL`.
    pub fn doc_type(&self) -> &str {
        &self.doc_type
    }

    /// The issuing country (ISO 3166-1 alpha-2), that of the trusted authority.
    pub fn issuing_country(&self) -> &str {
        &self.issuing_country
    }

    /// The id of the trusted authority that vouched for the issuer.
    pub fn authority_id(&self) -> &str {
        &self.authority_id
    }

    /// The name of the trusted authority.
    pub fn authority_name(&self) -> &str {
        &self.authority_name
    }

    /// The subject of the Document Signer certificate.
    pub fn document_signer(&self) -> &str {
        &self.document_signer
    }

    /// The signed list (operator, sequence) that vouched for the issuing
    /// authority; `None` when the authority was configured by hand.
    pub fn trust_source(&self) -> Option<&ListSource> {
        self.trust_source.as_ref()
    }

    /// The MSO validity.
    pub fn validity(&self) -> &ValidityInfo {
        &self.mso.validity_info
    }

    /// The device key the document is bound to.
    pub fn device_key(&self) -> &PublicKey {
        &self.mso.device_key_info.device_key
    }

    /// The device key with its authorizations.
    pub fn device_key_info(&self) -> &DeviceKeyInfo {
        &self.mso.device_key_info
    }

    /// Typed claims of the disclosed elements, built from
    /// [`elements`](Self::elements) the first time they are asked for.
    pub fn claims(&self) -> &Claims {
        self.claims.get_or_init(|| {
            // Verification checked the elements with the same readers
            // (`Claims::check_elements`), so building them cannot fail; if
            // it ever did, the caller would still see no typed claim it
            // could mistake for verified.
            Claims::from_elements(&self.doc_type, &self.elements).unwrap_or(Claims::Other)
        })
    }

    /// The verified elements, per namespace.
    pub fn elements(&self) -> &Elements {
        &self.elements
    }

    /// A verified element, if disclosed.
    pub fn element(&self, namespace: &str, identifier: &str) -> Option<&ciborium::value::Value> {
        self.elements.get(namespace)?.get(identifier)
    }

    /// The verified Mobile Security Object.
    pub fn mso(&self) -> &MobileSecurityObject {
        &self.mso
    }

    /// What the status check found: no status referenced, VALID, not
    /// checked (allowed by the policy), or another value the policy accepts.
    /// Revoked and suspended documents never get this far.
    pub fn status(&self) -> StatusOutcome {
        self.status
    }

    /// Whether device authentication proved the presenter holds the device
    /// key, for the verifier's session (always false for a bare IssuerSigned).
    pub fn holder_bound(&self) -> bool {
        self.holder_bound
    }

    /// Device-signed elements, checked against the MSO keyAuthorizations and
    /// covered by the device authentication (empty for a bare IssuerSigned).
    pub fn device_signed_elements(&self) -> &Elements {
        &self.device_signed
    }

    /// Requested elements the holder reported it could not return.
    pub fn element_errors(&self) -> &ElementErrors {
        &self.element_errors
    }
}

/// The outcome of [`Verifier::verify_response`](super::Verifier::verify_response).
#[derive(Debug, Clone)]
pub struct ResponseVerification {
    /// The response status.
    pub status: ResponseStatus,
    /// The doc type each returned document claims, in response order (as
    /// received: a verified document's MSO confirms it).
    pub doc_types: Vec<String>,
    /// Each returned document's outcome, in response order.
    pub documents: Vec<Result<VerifiedDocument>>,
    /// Doc types the holder could not return, with their ISO error codes.
    pub document_errors: Vec<(String, ErrorCode)>,
    /// Whether every verified document is bound to one device key (see
    /// [`crate::device_response::one_device_key`]); true for none or one.
    /// Two people's documents, each holder-bound, can share a response:
    /// this says whether they did.
    pub one_device_key: bool,
}

impl ResponseVerification {
    /// The first document's outcome; `document_not_returned` when the
    /// response holds none (with the status and document errors in the
    /// message).
    pub fn into_first(self) -> Result<VerifiedDocument> {
        let detail = format!(
            "status {}, document errors {}",
            self.status.name(),
            show_document_errors(&self.document_errors)
        );
        self.documents
            .into_iter()
            .next()
            .unwrap_or(Err(Error::DocumentNotReturned(detail)))
    }

    /// The outcome of the first document of `doc_type`, the one the
    /// verifier asked for; `document_not_returned` when the response holds
    /// none. A reader that asked for a driving licence is never handed
    /// another document type this way.
    pub fn into_doc_type(self, doc_type: &str) -> Result<VerifiedDocument> {
        let detail = format!(
            "no {} (status {}, document errors {})",
            crate::error::excerpt(doc_type),
            self.status.name(),
            show_document_errors(&self.document_errors)
        );
        self.doc_types
            .iter()
            .zip(self.documents)
            .find(|(claimed, _)| claimed.as_str() == doc_type)
            .map(|(_, outcome)| outcome)
            .unwrap_or(Err(Error::DocumentNotReturned(detail)))
    }
}

/// Document errors as a refusal shows them: the first few, each doc type
/// cut short, and how many there are (a response may carry any number).
fn show_document_errors(errors: &[(String, ErrorCode)]) -> String {
    let shown: Vec<String> = errors
        .iter()
        .take(3)
        .map(|(doc_type, code)| format!("{}: {code:?}", crate::error::excerpt(doc_type)))
        .collect();
    format!("[{}] ({} in all)", shown.join(", "), errors.len())
}
