//! The crypto provider: every signature check, signature, ECDH, HKDF, HMAC
//! and digest of the crate goes through one [`CryptoProvider`], chosen once
//! per process, as rustls does it.
//!
//! Two providers ship:
//!
//! | provider | feature | for |
//! |---|---|---|
//! | [`RUST_CRYPTO`] (ed25519-dalek, p256, p384, sha2, hmac, hkdf) | always | phones and any build without a C toolchain; the default |
//! | `AWS_LC` (aws-lc-rs, assembly) | `aws-lc-rs` | servers verifying in bulk: P-256 verification and ECDH several times faster |
//!
//! With the `aws-lc-rs` feature on, aws-lc-rs is the default; without it,
//! the pure-Rust crates are. A program that wants another (an HSM-backed or
//! FIPS provider of its own) calls [`install_default`] once, before the
//! first verification.
//!
//! Both providers keep Ed25519 verification on ed25519-dalek's
//! `verify_strict`: it refuses small-order keys and small-order R, which
//! aws-lc's Ed25519 accepts, and a document must not verify under one
//! provider and fail under the other. Both sign with the pure-Rust keys,
//! deterministically (RFC 6979, RFC 8032), so what the crate creates is the
//! same bytes whichever provider is installed. Keys stay the crate's own
//! types ([`PublicKey`], [`SoftwareKey`], `p256::SecretKey`): a provider
//! reads their bytes.

mod rust_crypto;

#[cfg(feature = "aws-lc-rs")]
mod aws_lc;

use std::sync::OnceLock;

use zeroize::Zeroizing;

use crate::cose::{PublicKey, SoftwareKey};
use crate::error::Result;
use crate::mso::{Digest, DigestAlgorithm};

#[cfg(feature = "aws-lc-rs")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws-lc-rs")))]
pub use aws_lc::{AWS_LC, AwsLc};
pub use rust_crypto::{RUST_CRYPTO, RustCrypto};

/// The cryptographic operations the crate needs.
///
/// Callers have already checked that the algorithm fits the key; a provider
/// only computes. Every error is [`crate::Error`] with the code the method
/// names.
pub trait CryptoProvider: Send + Sync + std::fmt::Debug {
    /// A short name for reports and benchmarks (`"rust-crypto"`, `"aws-lc-rs"`).
    fn name(&self) -> &'static str;

    /// Verifies `signature` over `message` with `key`, under the key's one
    /// algorithm: 64 bytes for Ed25519 (strict: no small-order key or R),
    /// r || s for ES256 (SHA-256) and ES384 (SHA-384). Code:
    /// `signature_invalid`.
    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<()>;

    /// Signs `message` with `key` in the form [`CryptoProvider::verify`]
    /// takes. Code: `signing_failed`.
    fn sign(&self, key: &SoftwareKey, message: &[u8]) -> Result<Vec<u8>>;

    /// The digest of the concatenation of `parts`, of the algorithm's
    /// [`output_len`](DigestAlgorithm::output_len).
    fn digest(&self, algorithm: DigestAlgorithm, parts: &[&[u8]]) -> Digest;

    /// HMAC-SHA-256 of `message` under `key`. Code: `invalid_argument` (a
    /// key the provider refuses; HMAC itself takes any length).
    fn hmac_sha256(&self, key: &[u8], message: &[u8]) -> Result<[u8; 32]>;

    /// HKDF-SHA-256 (RFC 5869) of `ikm` with `salt` and `info`, filling
    /// `okm`. Code: `invalid_argument` (an output longer than HKDF allows).
    fn hkdf_sha256(&self, salt: &[u8], ikm: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()>;

    /// ECDH on P-256: the x-coordinate of `private * peer`. Code:
    /// `invalid_argument` (a key the provider cannot read).
    fn ecdh_p256(
        &self,
        private: &p256::SecretKey,
        peer: &p256::PublicKey,
    ) -> Result<Zeroizing<[u8; 32]>>;
}

static INSTALLED: OnceLock<&'static dyn CryptoProvider> = OnceLock::new();

/// Makes `provider` the process default. It can be set once, and only
/// before the first cryptographic operation (which fixes the feature's
/// default); otherwise the provider already in place comes back as the error.
pub fn install_default(
    provider: &'static dyn CryptoProvider,
) -> std::result::Result<(), &'static dyn CryptoProvider> {
    let mut installed = true;
    let current = INSTALLED.get_or_init(|| {
        installed = false;
        provider
    });
    if installed { Err(*current) } else { Ok(()) }
}

/// The provider in use: the one installed, else the feature's default
/// (aws-lc-rs with `aws-lc-rs`, the pure-Rust crates otherwise).
pub fn get_default() -> &'static dyn CryptoProvider {
    *INSTALLED.get_or_init(feature_default)
}

#[cfg(feature = "aws-lc-rs")]
fn feature_default() -> &'static dyn CryptoProvider {
    &AWS_LC
}

#[cfg(not(feature = "aws-lc-rs"))]
fn feature_default() -> &'static dyn CryptoProvider {
    &RUST_CRYPTO
}

#[cfg(test)]
mod tests;
