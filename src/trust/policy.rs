//! The verifier's acceptance policy.

use std::collections::BTreeSet;

/// Which (issuing country, doc type) pairs a verifier accepts.
///
/// Trust in an authority says a document is authentic; the policy says
/// whether this verifier recognises it at all. A Polish verifier may trust a
/// Ukrainian authority and still accept only the document types the bilateral
/// agreement covers.
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
