//! X.509 certificates: reading, ISO/IEC 18013-5 Annex B profile checks,
//! the Document Signer -> IACA chain check, and creating certificates for
//! demo authorities, tests and vectors.
//!
//! Certificates are parsed once with `x509-parser` into an owned
//! [`Certificate`] holding the fields the checks need, so no borrowed parse
//! tree outlives the input buffer. Signatures are checked through
//! [`crate::PublicKey::verify`], the crate's one signature layer.
//!
//! Certificates are created with the `x509-cert` builder ([`create_self_signed`],
//! [`create_issued`]), never with hand-written DER. Creation is deterministic:
//! the serial number and validity come from the caller, and every supported
//! algorithm signs deterministically (Ed25519, and ECDSA with RFC 6979 nonces),
//! so the same keys and inputs give the same bytes. The issuer's key is any
//! [`crate::Signer`], so an IACA key kept in an HSM can issue Document Signer
//! certificates too.
//!
//! # Supported certificate signatures
//!
//! | signatureAlgorithm | OID | issuer key |
//! |---|---|---|
//! | ecdsa-with-SHA256 | 1.2.840.10045.4.3.2 | P-256 |
//! | ecdsa-with-SHA384 | 1.2.840.10045.4.3.3 | P-384 |
//! | Ed25519 | 1.3.101.112 | Ed25519 |
//!
//! The algorithm must fit the issuer's key (ecdsa-with-SHA256 under a P-384
//! key is refused), and the algorithm parameters must be absent (RFC 5758,
//! RFC 8410).
//!
//! # Identity: what is signed, never the signature
//!
//! An ECDSA signature `(r, s)` has a twin `(r, n - s)` that verifies just
//! the same (Wycheproof counts it valid, and so does this crate), so the
//! same certificate, list or document can arrive under two encodings. No
//! code may identify one by its signature or its whole encoding: pinned
//! roots, chain anchors and duplicate IACAs are compared by
//! [`Certificate::tbs`], held trust lists and VICALs by their payload.
//! `tests/certificate_paths.rs` holds the twins to this rule.

mod certificate;
mod create;
mod profile;
// The tests make their certificates with demo authorities.
#[cfg(all(test, feature = "demo"))]
mod tests;

pub use certificate::{Certificate, KeyUsage};
pub use create::{CertificateProfile, CertificateSpec, create_issued, create_self_signed};
pub use profile::{
    check_document_signer_profile, check_iaca_profile, check_reader_profile, verify_document_signer,
};

/// Extended key usage of an mdoc Document Signer (ISO/IEC 18013-5 Annex B).
pub const EKU_MDL_DOCUMENT_SIGNER: &str = "1.0.18013.5.1.2";
/// Extended key usage of an mdoc reader authentication certificate.
pub const EKU_MDL_READER_AUTH: &str = "1.0.18013.5.1.6";
