//! The holder's decision: which requested elements of which document it
//! agrees to disclose. Anything not approved stays on the device.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::holder::prepared::PreparedPresentation;

/// The elements the holder approved, per doc type.
///
/// Built from nothing ([`Consent::none`], then [`Consent::approve`]) or
/// from everything asked that the wallet can give ([`Consent::all`]). An
/// approval that the request does not ask for, or the wallet cannot give,
/// is refused when the response is built, so an app cannot believe it
/// disclosed something it did not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consent {
    approved: BTreeSet<(String, String, String)>,
}

impl Consent {
    /// Nothing approved: the response discloses nothing.
    pub fn none() -> Consent {
        Consent::default()
    }

    /// Every requested element the wallet holds, of every requested
    /// document: what a holder who agrees to the whole request gives.
    pub fn all(prepared: &PreparedPresentation) -> Consent {
        let mut consent = Consent::none();
        for request in prepared.requests() {
            for element in request.elements().iter().filter(|e| e.available) {
                consent = consent.approve(request.doc_type(), &element.namespace, &element.element);
            }
        }
        consent
    }

    /// Approves one element of the document of `doc_type`.
    pub fn approve(mut self, doc_type: &str, namespace: &str, element: &str) -> Consent {
        self.approved
            .insert((doc_type.into(), namespace.into(), element.into()));
        self
    }

    /// Whether `doc_type`'s `namespace`/`element` is approved.
    pub fn approves(&self, doc_type: &str, namespace: &str, element: &str) -> bool {
        self.approved
            .iter()
            .any(|(d, n, e)| d == doc_type && n == namespace && e == element)
    }

    /// Whether nothing is approved.
    pub fn is_empty(&self) -> bool {
        self.approved.is_empty()
    }

    /// Refuses (`invalid_argument`) an approval of something `prepared`
    /// does not offer: an element not asked for, or one the wallet lacks.
    pub(crate) fn check_against(&self, prepared: &PreparedPresentation) -> Result<()> {
        for (doc_type, namespace, element) in &self.approved {
            let offered = prepared
                .requests()
                .iter()
                .any(|r| r.doc_type() == doc_type && r.offers(namespace, element));
            if !offered {
                return Err(Error::InvalidArgument(format!(
                    "consent to {doc_type} {namespace}/{element}, which the request does not ask for or the wallet does not hold"
                )));
            }
        }
        Ok(())
    }
}
