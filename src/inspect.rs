//! Looking at a document without verifying it.
//!
//! This is the separate, clearly named path for unverified bytes: nothing
//! here checks a signature, a digest, a certificate or a date, and nothing
//! here returns a [`crate::VerifiedDocument`].

use crate::documents::Elements;
use crate::error::Result;
use crate::issuer_signed::IssuerSigned;
use crate::mso::MobileSecurityObject;
use crate::x509::Certificate;

/// The decoded, UNVERIFIED content of an IssuerSigned.
#[derive(Debug, Clone)]
pub struct UnverifiedDocument {
    /// The MSO as decoded, unverified.
    pub mso: MobileSecurityObject,
    /// The elements as decoded, unverified, per namespace.
    pub elements: Elements,
    /// The certificates of x5chain, unverified (empty when absent or unreadable).
    pub certificates: Vec<Certificate>,
    /// The protected signature algorithm.
    pub algorithm: crate::cose::Algorithm,
}

/// Decodes an IssuerSigned for display. The result is not verified and must
/// not be trusted.
pub fn inspect(bytes: &[u8]) -> Result<UnverifiedDocument> {
    let issuer_signed = IssuerSigned::from_slice(bytes)?;
    let mso = issuer_signed.mso_unverified()?;
    let mut elements = Elements::new();
    for (ns, items) in issuer_signed.name_spaces() {
        let entry = elements.entry(ns.clone()).or_default();
        for item in items {
            entry.insert(
                item.item().element_identifier.clone(),
                item.item().element_value.clone(),
            );
        }
    }
    let certificates = issuer_signed
        .issuer_auth()
        .x5chain()
        .map(|chain| {
            chain
                .iter()
                .filter_map(|der| Certificate::from_der(der).ok())
                .collect()
        })
        .unwrap_or_default();
    Ok(UnverifiedDocument {
        mso,
        elements,
        certificates,
        algorithm: issuer_signed.issuer_auth().algorithm(),
    })
}
