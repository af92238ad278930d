//! Issuing, for backends on the JVM (or Swift, Python): a `DocumentIssuer`
//! over a Document Signer key and certificate, and a `DemoAuthority` that
//! makes a throwaway IACA and Document Signer for tests and demos.

use std::sync::Arc;
use std::time::SystemTime;

use docbridge::documents::json::elements_from_json;
use docbridge::{Certificate, Issuer, SoftwareKey, ValidityInfo};

use crate::error::{DocbridgeError, Result};
use crate::signer::{SigningAlgorithm, read_public_key};
use crate::time::to_core;

/// Issues documents signed by one Document Signer.
#[derive(uniffi::Object)]
pub struct DocumentIssuer {
    key: SoftwareKey,
    certificate: Certificate,
}

impl std::fmt::Debug for DocumentIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DocumentIssuer({})", self.certificate.subject())
    }
}

#[uniffi::export]
impl DocumentIssuer {
    /// An issuer from the Document Signer's PKCS#8 PEM key and its
    /// certificate (PEM or DER). Refused with `invalid_key` when the key is
    /// not the certificate's.
    #[uniffi::constructor]
    pub fn new(ds_key_pem: String, ds_certificate: Vec<u8>) -> Result<Arc<DocumentIssuer>> {
        let key = SoftwareKey::from_pkcs8_pem(&ds_key_pem)?;
        let certificate = Certificate::load_one(&ds_certificate)?;
        Issuer::new(&key, &certificate)?;
        Ok(Arc::new(DocumentIssuer { key, certificate }))
    }

    /// Issues a document of `doc_type` with the claims of `claims_json`
    /// (the claims JSON form, `{"<namespace>": {"<element>": value}}`),
    /// bound to the holder's device key (SubjectPublicKeyInfo DER, or the
    /// forms `DeviceSigner.publicKey` may use), valid from `valid_from` to
    /// `valid_until` and signed now. Returns the IssuerSigned bytes.
    pub fn issue(
        &self,
        doc_type: String,
        claims_json: String,
        device_algorithm: SigningAlgorithm,
        device_public_key: Vec<u8>,
        valid_from: SystemTime,
        valid_until: SystemTime,
    ) -> Result<Vec<u8>> {
        let json = docbridge::deps::serde_json::from_str(&claims_json).map_err(|e| {
            DocbridgeError::from(docbridge::Error::InvalidArgument(format!(
                "claims JSON: {e}"
            )))
        })?;
        let elements = elements_from_json(&doc_type, &json)?;
        let device_key = read_public_key(device_algorithm.into(), &device_public_key)?;
        let validity = ValidityInfo::new(
            to_core(SystemTime::now())?,
            to_core(valid_from)?,
            to_core(valid_until)?,
        );
        let mut rng = docbridge::rng::system();
        let issuer = Issuer::new(&self.key, &self.certificate)?;
        let document = issuer.issue(&doc_type, &elements, &device_key, &validity, &mut rng)?;
        Ok(document.to_vec()?)
    }
}

/// A throwaway issuing authority: a fresh IACA root and Document Signer.
/// For tests and demos only (feature `demo`); a real authority's keys live
/// in its HSM.
#[cfg(feature = "demo")]
#[derive(uniffi::Object)]
pub struct DemoAuthority {
    inner: docbridge::DemoAuthority,
}

#[cfg(feature = "demo")]
impl std::fmt::Debug for DemoAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DemoAuthority({})", self.inner.authority.id())
    }
}

#[cfg(feature = "demo")]
#[uniffi::export]
impl DemoAuthority {
    /// Generates an authority of `country` named `name` that may issue
    /// `doc_types`, with certificates valid from `not_before` to `not_after`.
    #[uniffi::constructor]
    pub fn generate(
        country: String,
        name: String,
        algorithm: SigningAlgorithm,
        doc_types: Vec<String>,
        not_before: SystemTime,
        not_after: SystemTime,
    ) -> Result<Arc<DemoAuthority>> {
        let mut rng = docbridge::rng::system();
        let doc_types: Vec<&str> = doc_types.iter().map(String::as_str).collect();
        let inner = docbridge::DemoAuthority::generate(
            &country,
            &name,
            algorithm.into(),
            &doc_types,
            to_core(not_before)?,
            to_core(not_after)?,
            &mut rng,
        )?;
        Ok(Arc::new(DemoAuthority { inner }))
    }

    /// The authority's id, as a verifier lists it.
    pub fn id(&self) -> String {
        self.inner.authority.id().to_string()
    }

    /// The IACA root certificate, PEM.
    pub fn iaca_certificate_pem(&self) -> String {
        self.inner.iaca_certificate.to_pem()
    }

    /// An issuer signing with the authority's Document Signer.
    pub fn issuer(&self) -> Arc<DocumentIssuer> {
        Arc::new(DocumentIssuer {
            key: self.inner.ds_key.clone(),
            certificate: self.inner.ds_certificate.clone(),
        })
    }
}
