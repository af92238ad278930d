//! The verifier's acceptance policy.

use std::collections::BTreeSet;

use crate::documents::{DrivingLicence, ResidencePermit, VehicleRegistration};

/// The doc types the Polish-Ukrainian agreement covers for the partner's documents.
pub const CROSS_BORDER_DOC_TYPES: [&str; 3] = [
    DrivingLicence::DOC_TYPE,
    VehicleRegistration::DOC_TYPE,
    ResidencePermit::DOC_TYPE,
];

/// Which (issuing country, doc type) pairs a verifier accepts.
///
/// Trust in an authority says a document is authentic; the policy says
/// whether this verifier recognises it at all. A Polish verifier may trust a
/// Ukrainian authority and still accept only the document types the bilateral
/// agreement covers.
///
/// # Defaults of the bilateral agreement
///
/// | verifier | accepts |
/// |---|---|
/// | Polish ([`AcceptancePolicy::polish_default`]) | every Polish document; from Ukraine the driving licence (`org.iso.18013.5.1.mDL`), the vehicle registration (`org.iso.7367.1.mVRC`) and the residence permit (`org.docbridge.residence_permit.1`) |
/// | Ukrainian ([`AcceptancePolicy::ukrainian_default`]) | the mirror: every Ukrainian document; from Poland the same three doc types |
///
/// A country that joins later gets the same shape from
/// [`AcceptancePolicy::cross_border`] (its own documents, the three doc types
/// of each partner) or any set of pairs from [`AcceptancePolicy::accept`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcceptancePolicy {
    accept_all: bool,
    pairs: BTreeSet<(String, String)>,
    countries: BTreeSet<String>,
}

impl AcceptancePolicy {
    /// A policy that accepts every document a trusted authority may issue.
    pub fn accept_all() -> AcceptancePolicy {
        AcceptancePolicy {
            accept_all: true,
            ..AcceptancePolicy::default()
        }
    }

    /// A policy that accepts nothing until pairs are added.
    pub fn none() -> AcceptancePolicy {
        AcceptancePolicy::default()
    }

    /// Every doc type of `home`, and the [`CROSS_BORDER_DOC_TYPES`] of each
    /// of `partners`.
    pub fn cross_border(home: &str, partners: &[&str]) -> AcceptancePolicy {
        let mut policy = AcceptancePolicy::none().accept_country(home);
        for partner in partners {
            for doc_type in CROSS_BORDER_DOC_TYPES {
                policy = policy.accept(partner, doc_type);
            }
        }
        policy
    }

    /// The Polish verifier's default (mObywatel): all Polish documents and
    /// the Ukrainian driving licence, vehicle registration and residence
    /// permit (see the table in [`AcceptancePolicy`]).
    pub fn polish_default() -> AcceptancePolicy {
        AcceptancePolicy::cross_border("PL", &["UA"])
    }

    /// The Ukrainian verifier's default (Diia), the mirror of
    /// [`AcceptancePolicy::polish_default`].
    pub fn ukrainian_default() -> AcceptancePolicy {
        AcceptancePolicy::cross_border("UA", &["PL"])
    }

    /// Accepts `doc_type` issued in `country`.
    pub fn accept(mut self, country: &str, doc_type: &str) -> AcceptancePolicy {
        self.pairs
            .insert((country.to_string(), doc_type.to_string()));
        self
    }

    /// Accepts every doc type issued in `country`.
    pub fn accept_country(mut self, country: &str) -> AcceptancePolicy {
        self.countries.insert(country.to_string());
        self
    }

    /// Whether the policy accepts `doc_type` issued in `country`.
    pub fn accepts(&self, country: &str, doc_type: &str) -> bool {
        self.accept_all
            || self.countries.contains(country)
            || self
                .pairs
                .contains(&(country.to_string(), doc_type.to_string()))
    }
}
