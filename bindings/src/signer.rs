//! `DeviceSigner`: the device key lives in the platform (Android Keystore,
//! Secure Enclave) and signs through this callback; its private key never
//! enters Rust. `DeviceKey` is a software key for tests and for platforms
//! without a keystore.

use std::sync::Arc;

use docbridge::deps::{ed25519_dalek, p256, p384};
use docbridge::{Algorithm, PublicKey, Signer, SoftwareKey};

use crate::error::{DocbridgeError, Result};

/// A signature algorithm of device keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SigningAlgorithm {
    /// Ed25519.
    EdDsa,
    /// ECDSA on P-256 with SHA-256 (Android Keystore, Secure Enclave).
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
}

impl From<SigningAlgorithm> for Algorithm {
    fn from(alg: SigningAlgorithm) -> Algorithm {
        match alg {
            SigningAlgorithm::EdDsa => Algorithm::EdDsa,
            SigningAlgorithm::Es256 => Algorithm::Es256,
            SigningAlgorithm::Es384 => Algorithm::Es384,
        }
    }
}

impl From<Algorithm> for SigningAlgorithm {
    fn from(alg: Algorithm) -> SigningAlgorithm {
        match alg {
            Algorithm::EdDsa => SigningAlgorithm::EdDsa,
            Algorithm::Es256 => SigningAlgorithm::Es256,
            Algorithm::Es384 => SigningAlgorithm::Es384,
        }
    }
}

/// A device key implemented by the app (Kotlin, Swift, Python).
#[uniffi::export(with_foreign)]
pub trait DeviceSigner: Send + Sync {
    /// The key's algorithm.
    fn algorithm(&self) -> SigningAlgorithm;
    /// The public key: SubjectPublicKeyInfo DER (Java's
    /// `PublicKey.getEncoded()`), or for ECDSA the uncompressed SEC1 point
    /// (`SecKeyCopyExternalRepresentation`), or for Ed25519 the 32 raw bytes.
    fn public_key(&self) -> Vec<u8>;
    /// Signs `data` (the keystore hashes it: SHA-256 for ES256). ECDSA
    /// signatures may be DER (as `java.security.Signature` and the Secure
    /// Enclave return them) or raw r||s.
    fn sign(&self, data: Vec<u8>) -> Result<Vec<u8>>;
}

impl From<uniffi::UnexpectedUniFFICallbackError> for DocbridgeError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> DocbridgeError {
        docbridge::Error::SigningFailed(format!("the device signer failed: {}", error.reason))
            .into()
    }
}

/// The public key a signer reports, in any of the forms it may use.
pub(crate) fn read_public_key(alg: Algorithm, bytes: &[u8]) -> docbridge::Result<PublicKey> {
    if let Ok(key) = PublicKey::from_spki_der(bytes) {
        return Ok(key);
    }
    let invalid = |e: String| docbridge::Error::InvalidKey(format!("device signer: {e}"));
    match alg {
        Algorithm::Es256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(PublicKey::P256)
            .map_err(|e| invalid(e.to_string())),
        Algorithm::Es384 => p384::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .map(PublicKey::P384)
            .map_err(|e| invalid(e.to_string())),
        Algorithm::EdDsa => <[u8; 32]>::try_from(bytes)
            .map_err(|_| invalid("not SPKI DER nor 32 bytes".into()))
            .and_then(|raw| {
                ed25519_dalek::VerifyingKey::from_bytes(&raw)
                    .map(PublicKey::Ed25519)
                    .map_err(|e| invalid(e.to_string()))
            }),
    }
}

/// An ECDSA signature as COSE wants it (r||s), from DER or raw r||s.
pub(crate) fn raw_signature(alg: Algorithm, signature: Vec<u8>) -> docbridge::Result<Vec<u8>> {
    let not_der = |e: p256::ecdsa::Error| {
        docbridge::Error::SigningFailed(format!(
            "the device signer's {alg} signature is neither r||s nor DER: {e}"
        ))
    };
    match alg {
        Algorithm::EdDsa => Ok(signature),
        Algorithm::Es256 if signature.len() == 64 => Ok(signature),
        Algorithm::Es384 if signature.len() == 96 => Ok(signature),
        Algorithm::Es256 => p256::ecdsa::Signature::from_der(&signature)
            .map(|s| s.to_bytes().to_vec())
            .map_err(not_der),
        Algorithm::Es384 => p384::ecdsa::Signature::from_der(&signature)
            .map(|s| s.to_bytes().to_vec())
            .map_err(not_der),
    }
}

/// A foreign signer as the core's `Signer`.
pub(crate) struct ForeignSigner {
    inner: Arc<dyn DeviceSigner>,
    alg: Algorithm,
    public_key: PublicKey,
}

impl ForeignSigner {
    /// Asks the signer once for its algorithm and key. Refused with
    /// `invalid_key` when the key cannot be read or is not of the algorithm.
    pub(crate) fn new(inner: Arc<dyn DeviceSigner>) -> docbridge::Result<ForeignSigner> {
        let alg = Algorithm::from(inner.algorithm());
        let public_key = read_public_key(alg, &inner.public_key())?;
        if public_key.algorithm() != alg {
            return Err(docbridge::Error::InvalidKey(format!(
                "the device signer says {alg} but its key is for {}",
                public_key.algorithm()
            )));
        }
        Ok(ForeignSigner {
            inner,
            alg,
            public_key,
        })
    }
}

impl Signer for ForeignSigner {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }

    fn public_key(&self) -> PublicKey {
        self.public_key.clone()
    }

    fn sign(&self, message: &[u8]) -> docbridge::Result<Vec<u8>> {
        let signature = self.inner.sign(message.to_vec()).map_err(|e| match e {
            DocbridgeError::Refused { reason, .. } => docbridge::Error::SigningFailed(reason),
        })?;
        raw_signature(self.alg, signature)
    }
}

/// A software device key held in Rust: for tests, for the Swift and Python
/// examples, and for platforms without a keystore.
#[derive(uniffi::Object)]
pub struct DeviceKey {
    key: SoftwareKey,
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceKey({})", self.key.algorithm())
    }
}

#[uniffi::export]
impl DeviceKey {
    /// A fresh key from the operating system's random source.
    #[uniffi::constructor]
    pub fn generate(algorithm: SigningAlgorithm) -> Arc<DeviceKey> {
        let mut rng = docbridge::rng::system();
        Arc::new(DeviceKey {
            key: SoftwareKey::generate(algorithm.into(), &mut rng),
        })
    }

    /// A key from a PKCS#8 PEM.
    #[uniffi::constructor]
    pub fn from_pkcs8_pem(pem: String) -> Result<Arc<DeviceKey>> {
        Ok(Arc::new(DeviceKey {
            key: SoftwareKey::from_pkcs8_pem(&pem)?,
        }))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> SigningAlgorithm {
        self.key.algorithm().into()
    }

    /// The public key, SubjectPublicKeyInfo DER.
    pub fn public_key(&self) -> Result<Vec<u8>> {
        Ok(self.key.public_key().to_spki_der()?)
    }

    /// Signs `data`; ECDSA signatures are raw r||s.
    pub fn sign(&self, data: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self.key.sign(&data)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docbridge::deps::p256::ecdsa::signature::Signer as _;

    #[test]
    fn der_and_raw_ecdsa_signatures_both_verify() {
        let secret = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let public = PublicKey::P256(*secret.verifying_key());
        let signature: p256::ecdsa::Signature = secret.sign(b"data");
        for form in [
            signature.to_der().as_bytes().to_vec(),
            signature.to_bytes().to_vec(),
        ] {
            let raw = raw_signature(Algorithm::Es256, form).unwrap();
            assert_eq!(public.verify(Algorithm::Es256, b"data", &raw), Ok(()));
        }
        assert_eq!(
            raw_signature(Algorithm::Es256, vec![0x30, 0x01]).map_err(|e| e.code()),
            Err("signing_failed")
        );
    }

    #[test]
    fn sec1_and_spki_public_keys_are_read() {
        let secret = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).unwrap();
        let public = PublicKey::P256(*secret.verifying_key());
        let sec1 = secret
            .verifying_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec();
        assert_eq!(read_public_key(Algorithm::Es256, &sec1), Ok(public.clone()));
        let spki = public.to_spki_der().unwrap();
        assert_eq!(read_public_key(Algorithm::Es256, &spki), Ok(public));
    }
}
