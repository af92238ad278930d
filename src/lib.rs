//! # docbridge
//!
//! Cross-border digital documents in the ISO/IEC 18013-5 (mdoc) style: an
//! issuing authority of one country issues a signed driving licence, vehicle
//! registration certificate or residence permit; a verifier of another country
//! checks it against the issuing authorities it trusts. Built for government
//! wallet apps and their backends (Diia in Ukraine, mObywatel in Poland, and
//! any country that joins later: nothing here assumes two).
//!
//! ```text
//! issuer                                    verifier
//! ------                                    --------
//! typed document ─► Elements                IssuerSigned bytes
//!   (documents)        │                        │ bounded CBOR decode (cbor)
//!                      ▼                        ▼
//! salts, digestIDs, MSO (issuer, mso)       COSE_Sign1 alg + signature (cose)
//!                      │                    DS ─► IACA of a trusted authority (x509, trust)
//! COSE_Sign1 by DS key (cose, Signer)       doc type scope, digests, validity, policy
//!                      ▼                        ▼
//!                IssuerSigned  ───────────► VerifiedDocument (claims)
//! ```
//!
//! ## Map of the crate
//!
//! | module | concept |
//! |---|---|
//! | [`error`] | one [`Error`] enum; every variant has a stable [`Error::code`] |
//! | [`clock`] | the clock-skew allowance every time check shares (the library never reads the clock) |
//! | [`cbor`] | bounded decoding (size, depth, item count) read in place, encoding as ciborium writes it, tag 24, tdate, full-date |
//! | [`cose`] | algorithms, keys, the [`Signer`] trait, COSE_Sign1 |
//! | [`provider`] | the crypto provider every signature, ECDH, HKDF, HMAC and digest goes through: pure Rust by default, aws-lc-rs with the `aws-lc-rs` feature |
//! | [`x509`] | certificates: reading, Annex B profiles, DS -> IACA chain, demo creation; certificate revocation lists ([`x509::crl`]) |
//! | [`mso`] | the Mobile Security Object; value digests held inline ([`mso::Digest`]) |
//! | [`issuer_signed`] | IssuerSigned and its tag-24 items, bytes kept as received |
//! | [`documents`] | typed driving licence, vehicle registration, residence permit; claims JSON |
//! | [`issuer`] | issuing |
//! | [`trust`] | issuing authorities, the trusted set, acceptance policy, signed national trust lists and the [`TrustStore`], VICAL import, demo authorities |
//! | [`verifier`] | the verification pipeline: [`Verifier::verify`], [`Verifier::verify_response`], [`VerifyOptions`], [`VerifiedDocument`]; the Document Signer certificate cache; bulk verification ([`Verifier::verify_many`], on every core with the `rayon` feature) |
//! | `report` | JSON results, format `docbridge-verification/1` (feature `serde`, on by default) |
//! | [`status`] | revocation and suspension: Token Status Lists (CWT), index allocation, identifier lists (ISO/IEC 18013-5 second edition), checking |
//! | [`request`] | DeviceRequest / ItemsRequest, reader authentication |
//! | [`transcript`] | SessionTranscriptBytes builders: proximity, OpenID4VP, backend nonce |
//! | [`holder`] | presentation in two phases: [`Wallet::prepare`] (what is asked, by which reader under which root), [`Wallet::approve`] (only what the holder consents to; nothing approved, no Document); OpenID4VP DCQL queries on the same screen ([`Wallet::prepare_dcql`], [`Wallet::approve_vp_token`]) |
//! | [`device_response`] | DeviceResponse, Document, DeviceSigned |
//! | [`device_auth`] | device authentication: deviceSignature and deviceMac |
//! | [`session`] | proximity session encryption: ECDH, HKDF session keys, AES-256-GCM messages |
//! | [`oid4vp`] | OpenID4VP 1.0 for `mso_mdoc`: DCQL, requests (signed ones under `x509_san_dns` / `x509_hash`), vp_token, JWE responses, handovers, JWK thumbprints |
//! | [`dcapi`] | W3C Digital Credentials API: `org-iso-mdoc` (ISO/IEC TS 18013-7 Annex C, HPKE) |
//! | [`engagement`] | device engagement: DeviceEngagement (typed BLE and Wi-Fi Aware options), QR `mdoc:` URI, NFC handover, BLE framing; engagement to session in one call |
//! | [`mod@inspect`] | decoding without verifying, clearly marked |
//! | [`rng`] | which RNG the API takes (`rand_core` 0.10) and where to get one; the system RNG (feature `getrandom`) |
//!
//! Beside the library, the workspace holds the tools built on it: `cli/`
//! (the `docbridge` command-line tool, package `docbridge-cli`, the one place
//! `clap` is used) and `conformance/` (package `docbridge-conformance`: the
//! shared conformance vectors of `test-vectors/`, their format, deterministic
//! generator and runner). A user of this crate gets neither.
//!
//! ## Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `serde` | yes | `serde::Serialize` for verification results and the JSON report (module `report`, format `docbridge-verification/1`) |
//! | `demo` | no | `DemoAuthority` (module `trust::demo`): IACA and Document Signer keys made in software and written to disk in clear, for examples, tests and conformance vectors, never for production (the examples, tests, CLI and conformance vectors turn it on) |
//! | `getrandom` | no | `rng::system()`: the operating system's RNG in the form the API takes, for a caller without an RNG of its own |
//!
//! Every function that draws random bytes takes an injected
//! `rand_core` **0.10** `CryptoRng`; [`rng`] says how a project on an older
//! `rand` supplies one.
//!
//! ## Principles
//!
//! - **Verified or nothing:** claims reach a caller only inside a
//!   [`VerifiedDocument`], which only [`Verifier`] makes; [`inspect()`] is the
//!   separate path for unverified bytes.
//! - **Bytes as received:** digests and signatures are checked over the
//!   tag-24 and protected-header bytes that arrived, never a re-encoding.
//! - **Time is a parameter:** every check takes `now`; the library never
//!   reads the clock.
//! - **Bad input gets an error, never a panic,** and never an allocation sized
//!   by a length the input claims (see [`cbor::Limits`]).
//! - **Deterministic when asked:** issuing takes an injected RNG.
//!
//! ## Example
//!
//! ```
//! # #[cfg(all(feature = "demo", feature = "getrandom"))]
//! # fn main() -> Result<(), docbridge::Error> {
//! use docbridge::{
//!     AcceptancePolicy, Algorithm, DemoAuthority, DrivingLicence, Issuer, Signer, SoftwareKey,
//!     TrustedAuthorities, ValidityInfo, Verifier, VerifyOptions,
//! };
//! use time::macros::datetime;
//!
//! let mut rng = docbridge::rng::system(); // feature `getrandom`
//! let (from, until) = (datetime!(2026-01-01 0:00 UTC), datetime!(2031-01-01 0:00 UTC));
//! let ukraine = DemoAuthority::generate(
//!     "UA", "Diia", Algorithm::EdDsa, &[DrivingLicence::DOC_TYPE], from, until, &mut rng,
//! )?;
//! let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
//!
//! let licence = docbridge::documents::samples::driving_licence_ua();
//! let issuer = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?;
//! let document = issuer.issue_document(
//!     &licence,
//!     &device_key.public_key(),
//!     // Signed now (the issuer's clock), valid from the first of next month.
//!     &ValidityInfo::new(
//!         datetime!(2026-10-30 9:00 UTC),
//!         datetime!(2026-11-01 0:00 UTC),
//!         datetime!(2027-11-01 0:00 UTC),
//!     ),
//!     &mut rng,
//! )?;
//! let bytes = document.to_vec()?;
//!
//! let trusted = TrustedAuthorities::from_authorities([ukraine.authority.clone()])?;
//! let verifier = Verifier::new(trusted, AcceptancePolicy::accept_all());
//! let options = VerifyOptions::at(datetime!(2026-11-29 12:00 UTC));
//! let verified = verifier.verify(&bytes, &options)?;
//! assert_eq!(verified.issuing_country(), "UA");
//! # Ok(())
//! # }
//! # #[cfg(not(all(feature = "demo", feature = "getrandom")))]
//! # fn main() {}
//! ```
// Lints as policy: library code never panics on input, never casts
// lossily and never overflows silently. Each exception is a local `allow`
// with its reason; tests are exempt.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::arithmetic_side_effects
    )
)]
#![warn(missing_docs, unreachable_pub)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cbor;
pub mod clock;
pub mod cose;
mod country;
pub mod dcapi;
pub mod device_auth;
pub mod device_response;
pub mod documents;
pub mod engagement;
pub mod error;
pub mod holder;
pub mod inspect;
mod int;
pub mod issuer;
pub mod issuer_signed;
pub mod mso;
pub mod oid4vp;
pub mod provider;
#[cfg(feature = "serde")]
pub mod report;
pub mod request;
pub mod rng;
pub mod session;
pub mod status;
pub mod transcript;
pub mod trust;
pub mod verifier;
pub mod x509;

pub use cose::{Algorithm, PublicKey, Sign1, Signer, SoftwareKey};
pub use device_response::{DeviceResponse, Document, ResponseStatus};
pub use documents::{Claims, DrivingLicence, Elements, ResidencePermit, VehicleRegistration};
pub use error::{Error, Result};
pub use holder::{
    Consent, DeviceSigner, HolderPolicy, PreparedPresentation, Presentation, ReaderCheck,
    ReaderCrls, ReaderIdentity, ReaderRoot, ReaderStatus, Wallet, present,
};
pub use inspect::{UnverifiedDocument, inspect};
pub use issuer::{BatchCopy, IssueOptions, Issuer};
pub use issuer_signed::{IssuerSigned, IssuerSignedItem, IssuerSignedItemBytes};
pub use mso::{DigestAlgorithm, KeyAuthorizations, MobileSecurityObject, ValidityInfo};
pub use request::{DeviceRequest, DocRequest, ItemsRequest};
pub use session::{DeviceSession, ReaderSession};
pub use status::{
    BatchStatus, IdentifierList, IdentifierListReference, IdentifierListToken, ManagedStatusList,
    StatusBits, StatusInputs, StatusListReference, StatusListToken, StatusOutcome, StatusPolicy,
    StatusReference, StatusValue,
};
#[cfg(feature = "demo")]
#[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
pub use trust::demo::DemoAuthority;
pub use trust::{
    AcceptancePolicy, IssuingAuthority, ListFormat, ListSource, SignedTrustList, StalePolicy,
    TrustList, TrustStore, TrustedAuthorities, VerifiedTrustList,
};
pub use verifier::{
    CacheStats, Presented, PresentedResponse, ResponseVerification, StatusTokens, VerifiedDocument,
    Verifier, VerifyOptions,
};
pub use x509::Certificate;
pub use x509::crl::{Crl, CrlOutcome, CrlPolicy, CrlSet};

/// The crates whose types appear in the public API, re-exported so callers
/// use the same versions.
pub mod deps {
    pub use ciborium;
    pub use coset;
    pub use ed25519_dalek;
    pub use p256;
    pub use p384;
    pub use rand_core;
    pub use serde_json;
    pub use time;
}
