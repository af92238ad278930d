//! The aws-lc-rs provider (feature `aws-lc-rs`): AWS-LC's assembly for
//! P-256 and P-384 verification, P-256 ECDH, SHA-2, HMAC and HKDF. For
//! servers; it needs a C compiler to build.
//!
//! Ed25519 verification stays on ed25519-dalek's `verify_strict` (see the
//! module above): AWS-LC's accepts small-order keys and R. Signing stays on
//! the pure-Rust keys too (see the comment in [`AwsLc`]'s `sign`): a server
//! verifies far more than it signs.

use aws_lc_rs::{agreement, digest, hkdf, hmac, signature};
use p256::elliptic_curve::sec1::ToSec1Point as _;
use zeroize::Zeroizing;

use super::CryptoProvider;
use super::rust_crypto::{RUST_CRYPTO, verify_ed25519_strict};
use crate::cose::{PublicKey, SoftwareKey};
use crate::error::{Error, Result};
use crate::mso::{Digest, DigestAlgorithm};

/// The aws-lc-rs provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct AwsLc;

/// The aws-lc-rs provider, ready to pass to [`super::install_default`].
pub static AWS_LC: AwsLc = AwsLc;

/// An HKDF output length, the form aws-lc-rs's `expand` takes.
struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

impl CryptoProvider for AwsLc {
    fn name(&self) -> &'static str {
        "aws-lc-rs"
    }

    fn verify(&self, key: &PublicKey, message: &[u8], signature: &[u8]) -> Result<()> {
        let verified = match key {
            PublicKey::Ed25519(key) => return verify_ed25519_strict(key, message, signature),
            PublicKey::P256(key) => signature::UnparsedPublicKey::new(
                &signature::ECDSA_P256_SHA256_FIXED,
                key.to_sec1_point(false).as_bytes(),
            )
            .verify(message, signature),
            PublicKey::P384(key) => signature::UnparsedPublicKey::new(
                &signature::ECDSA_P384_SHA384_FIXED,
                key.to_sec1_point(false).as_bytes(),
            )
            .verify(message, signature),
        };
        verified
            .map_err(|_| Error::SignatureInvalid(format!("{}: signature error", key.algorithm())))
    }

    fn sign(&self, key: &SoftwareKey, message: &[u8]) -> Result<Vec<u8>> {
        // AWS-LC signs ECDSA with a random nonce and would rebuild its key
        // pair (a scalar multiplication) at every call; the pure-Rust keys
        // sign deterministically (RFC 6979, RFC 8032), which keeps created
        // certificates and the conformance vectors reproducible whichever
        // provider is installed.
        RUST_CRYPTO.sign(key, message)
    }

    fn digest(&self, algorithm: DigestAlgorithm, parts: &[&[u8]]) -> Digest {
        let mut context = digest::Context::new(match algorithm {
            DigestAlgorithm::Sha256 => &digest::SHA256,
            DigestAlgorithm::Sha384 => &digest::SHA384,
            DigestAlgorithm::Sha512 => &digest::SHA512,
        });
        for part in parts {
            context.update(part);
        }
        // AWS-LC's SHA-2 outputs are 32, 48 and 64 bytes, which a Digest
        // holds; were one ever longer, the pure-Rust digest stands in
        // rather than a truncated or empty one.
        Digest::from_slice(context.finish().as_ref())
            .unwrap_or_else(|| RUST_CRYPTO.digest(algorithm, parts))
    }

    fn hmac_sha256(&self, key: &[u8], message: &[u8]) -> Result<[u8; 32]> {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message);
        <[u8; 32]>::try_from(tag.as_ref())
            .map_err(|_| Error::InvalidArgument("HMAC-SHA-256 tag length".into()))
    }

    fn hkdf_sha256(&self, salt: &[u8], ikm: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
        let length = || Error::InvalidArgument("HKDF output length".into());
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
        let info = [info];
        prk.expand(&info, OutputLen(okm.len()))
            .map_err(|_| length())?
            .fill(okm)
            .map_err(|_| length())
    }

    fn ecdh_p256(
        &self,
        private: &p256::SecretKey,
        peer: &p256::PublicKey,
    ) -> Result<Zeroizing<[u8; 32]>> {
        let refused = |what: &str| Error::InvalidArgument(format!("aws-lc-rs ECDH: {what}"));
        let secret = Zeroizing::new(private.to_bytes().to_vec());
        let private = agreement::PrivateKey::from_private_key(&agreement::ECDH_P256, &secret)
            .map_err(|_| refused("the private key was refused"))?;
        let point = peer.to_sec1_point(false);
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, point.as_bytes());
        agreement::agree(&private, peer, refused("the agreement failed"), |shared| {
            <[u8; 32]>::try_from(shared)
                .map(Zeroizing::new)
                .map_err(|_| refused("the shared secret is not 32 bytes"))
        })
    }
}
