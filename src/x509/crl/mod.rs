//! Certificate revocation lists (RFC 5280 section 5): reading, checking a
//! certificate against the CRLs the app fetched, and creating CRLs.
//!
//! An issuing authority (IACA) names its CRL distribution points in the
//! certificates it issues (ISO/IEC 18013-5 Annex B). The app fetches the
//! CRLs and hands the bytes in, keyed by the point each came from
//! ([`CrlSet`]); the library does no I/O. [`check_certificate`] then checks
//! a Document Signer (or reader, or trust-list signer) certificate against
//! them under a [`CrlPolicy`], and says what it found ([`CrlOutcome`]).
//!
//! | module | concept |
//! |---|---|
//! | [`list`] | [`Crl`]: strict DER or PEM, the extensions understood, [`RevokedEntry`], [`CrlScope`] |
//! | [`reason`] | [`RevocationReason`] (CRLReason) |
//! | [`check`] | [`CrlSet`], [`CrlPolicy`], [`CrlOutcome`], [`check_certificate`] |
//! | [`create`](mod@create) | [`CrlSpec`] and [`create_crl`], signed through the crate's `Signer` |
//!
//! ## What is refused
//!
//! Only complete CRLs are read: a delta CRL is refused
//! (`crl_delta_unsupported`) rather than silently taken for a complete one,
//! and so is any critical extension the crate does not understand
//! (`crl_unknown_critical_extension`), including indirect CRLs and CRLs
//! partitioned by reason. A CRL must be issued by the certificate's issuer
//! (`crl_wrong_issuer`), signed by it or by its CRL signer
//! (`crl_signature_invalid`), and current (`crl_not_yet_valid`,
//! `crl_stale`); a listed certificate is `certificate_revoked`; no CRL at all
//! is `crl_missing`. A CRL is at most [`MAX_CRL_BYTES`].

pub mod check;
pub mod create;
pub mod list;
pub mod reason;
// The tests make their certificates with demo authorities.
#[cfg(all(test, feature = "demo"))]
mod tests;

pub use check::{CrlOutcome, CrlPolicy, CrlSet, check_certificate, check_chain};
pub use create::{CrlSpec, create_crl};
pub use list::{Crl, CrlScope, MAX_CRL_BYTES, PEM_LABEL_CRL, RevokedEntry};
pub use reason::RevocationReason;
