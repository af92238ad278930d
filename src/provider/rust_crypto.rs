//! The pure-Rust provider: the RustCrypto and dalek crates, no C toolchain,
//! constant-time arithmetic in portable code. The default everywhere the
//! `aws-lc-rs` feature is off (phones, WebAssembly, embedded).

use hkdf::Hkdf;
use hmac::{KeyInit as _, Mac as _};
use signature::{Signer as _, Verifier as _};
use zeroize::Zeroizing;

use super::CryptoProvider;
use crate::cose::{PublicKey, SoftwareKey};
use crate::error::{Error, Result};
use crate::mso::{Digest, DigestAlgorithm};

/// The pure-Rust provider (ed25519-dalek, p256, p384, sha2, hmac, hkdf).
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCrypto;

/// The pure-Rust provider, ready to pass to [`super::install_default`].
pub static RUST_CRYPTO: RustCrypto = RustCrypto;

impl CryptoProvider for RustCrypto {
    fn name(&self) -> &'static str {
        "rust-crypto"
    }

    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<()> {
        let alg = key.algorithm();
        let bad = |e: signature::Error| Error::SignatureInvalid(format!("{alg}: {e}"));
        match key {
            PublicKey::Ed25519(key) => verify_ed25519_strict(key, message, signature),
            PublicKey::P256(key) => {
                let sig = p256::ecdsa::Signature::from_slice(signature).map_err(bad)?;
                key.verify(message, &sig).map_err(bad)
            }
            PublicKey::P384(key) => {
                let sig = p384::ecdsa::Signature::from_slice(signature).map_err(bad)?;
                key.verify(message, &sig).map_err(bad)
            }
        }
    }

    fn sign(&self, key: &SoftwareKey, message: &[u8]) -> Result<Vec<u8>> {
        let failed = |e: signature::Error| Error::SigningFailed(e.to_string());
        match key {
            SoftwareKey::Ed25519(k) => {
                let sig: ed25519_dalek::Signature = k.try_sign(message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            SoftwareKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k.try_sign(message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            SoftwareKey::P384(k) => {
                let sig: p384::ecdsa::Signature = k.try_sign(message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
        }
    }

    fn digest(&self, algorithm: DigestAlgorithm, parts: &[&[u8]]) -> Digest {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> sha2::digest::Output<D> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize()
        }
        match algorithm {
            DigestAlgorithm::Sha256 => Digest::from(<[u8; 32]>::from(run::<sha2::Sha256>(parts))),
            DigestAlgorithm::Sha384 => Digest::from(<[u8; 48]>::from(run::<sha2::Sha384>(parts))),
            DigestAlgorithm::Sha512 => Digest::from(<[u8; 64]>::from(run::<sha2::Sha512>(parts))),
        }
    }

    fn hmac_sha256(&self, key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key)
            .map_err(|e| Error::InvalidArgument(format!("HMAC key: {e}")))?;
        mac.update(message);
        Ok(mac.finalize().into_bytes().into())
    }

    fn hkdf_sha256(&self, salt: &[u8], ikm: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
        Hkdf::<sha2::Sha256>::new(Some(salt), ikm)
            .expand(info, okm)
            .map_err(|_| Error::InvalidArgument("HKDF output length".into()))
    }

    fn ecdh_p256(
        &self,
        private: &p256::SecretKey,
        peer: &p256::PublicKey,
    ) -> Result<Zeroizing<[u8; 32]>> {
        let shared = private.diffie_hellman(peer);
        Ok(Zeroizing::new((*shared.raw_secret_bytes()).into()))
    }
}

/// Ed25519 with `verify_strict` (no small-order key or R, canonical S):
/// shared by both providers so that an Ed25519 signature means the same
/// whichever is installed.
pub(super) fn verify_ed25519_strict(
    key: &ed25519_dalek::VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<()> {
    let bad = |e: signature::Error| Error::SignatureInvalid(format!("EdDSA: {e}"));
    let sig = ed25519_dalek::Signature::from_slice(signature).map_err(bad)?;
    key.verify_strict(message, &sig).map_err(bad)
}
