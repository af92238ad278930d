//! X.509 certificates: reading, ISO/IEC 18013-5 Annex B profile checks and
//! the Document Signer -> IACA chain check.
//!
//! Certificates are parsed once with `x509-parser` into an owned
//! [`Certificate`] holding the fields the checks need, so no borrowed parse
//! tree outlives the input buffer.

use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cose::PublicKey;
use crate::error::{Error, Result};

/// Extended key usage of an mdoc Document Signer (ISO/IEC 18013-5 Annex B).
pub const EKU_MDL_DOCUMENT_SIGNER: &str = "1.0.18013.5.1.2";
/// Extended key usage of an mdoc reader authentication certificate.
pub const EKU_MDL_READER_AUTH: &str = "1.0.18013.5.1.6";

/// The key usage bits the crate checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyUsage {
    /// digitalSignature (bit 0).
    pub digital_signature: bool,
    /// keyCertSign (bit 5).
    pub key_cert_sign: bool,
    /// cRLSign (bit 6).
    pub crl_sign: bool,
}

/// A parsed X.509 certificate with the fields the crate checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    issuer: String,
    subject_raw: Vec<u8>,
    issuer_raw: Vec<u8>,
    country: Option<String>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    public_key: PublicKey,
    is_ca: bool,
    key_usage: Option<KeyUsage>,
    extended_key_usages: Vec<String>,
    tbs: Vec<u8>,
    signature_algorithm: String,
    signature: Vec<u8>,
}

impl Certificate {
    /// Parses one DER certificate; the whole input must be the certificate.
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let malformed = |detail: String| Error::CertificateMalformed(detail);
        let (rest, cert) =
            X509Certificate::from_der(der).map_err(|e| malformed(format!("{e}")))?;
        if !rest.is_empty() {
            return Err(malformed(format!("{} bytes after the certificate", rest.len())));
        }
        let public_key = PublicKey::from_spki_der(cert.public_key().raw)
            .map_err(|e| malformed(format!("subject public key: {e}")))?;
        let country = cert
            .subject()
            .iter_country()
            .next()
            .map(|c| c.as_str().map(str::to_string))
            .transpose()
            .map_err(|e| malformed(format!("countryName: {e}")))?;
        let key_usage = cert
            .key_usage()
            .map_err(|e| malformed(format!("keyUsage: {e}")))?
            .map(|ku| KeyUsage {
                digital_signature: ku.value.digital_signature(),
                key_cert_sign: ku.value.key_cert_sign(),
                crl_sign: ku.value.crl_sign(),
            });
        let extended_key_usages = cert
            .extended_key_usage()
            .map_err(|e| malformed(format!("extendedKeyUsage: {e}")))?
            .map(|eku| eku.value.other.iter().map(|oid| oid.to_id_string()).collect())
            .unwrap_or_default();
        let is_ca = cert
            .basic_constraints()
            .map_err(|e| malformed(format!("basicConstraints: {e}")))?
            .is_some_and(|bc| bc.value.ca);
        let validity = cert.validity();
        Ok(Certificate {
            der: der.to_vec(),
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            subject_raw: cert.subject().as_raw().to_vec(),
            issuer_raw: cert.issuer().as_raw().to_vec(),
            country,
            not_before: validity.not_before.to_datetime(),
            not_after: validity.not_after.to_datetime(),
            public_key,
            is_ca,
            key_usage,
            extended_key_usages,
            tbs: cert.tbs_certificate.as_ref().to_vec(),
            signature_algorithm: cert.signature_algorithm.algorithm.to_id_string(),
            signature: cert.signature_value.data.to_vec(),
        })
    }

    /// The DER encoding, exactly as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject name as text (for example `CN=utopia ds, C=US`).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The issuer name as text.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The DER encoding of the subject name, for exact matching.
    pub fn subject_raw(&self) -> &[u8] {
        &self.subject_raw
    }

    /// The DER encoding of the issuer name, for exact matching.
    pub fn issuer_raw(&self) -> &[u8] {
        &self.issuer_raw
    }

    /// The subject's countryName, if present.
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// Start of the validity period.
    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// End of the validity period.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// The subject public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// Whether basicConstraints marks the certificate as a CA.
    pub fn is_ca(&self) -> bool {
        self.is_ca
    }

    /// The keyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }

    /// The extended key usage OIDs, dotted.
    pub fn extended_key_usages(&self) -> &[String] {
        &self.extended_key_usages
    }

    /// The DER bytes of the TBSCertificate, as signed.
    pub fn tbs(&self) -> &[u8] {
        &self.tbs
    }

    /// The signature algorithm OID, dotted.
    pub fn signature_algorithm(&self) -> &str {
        &self.signature_algorithm
    }

    /// The signature bits as received (DER for ECDSA, 64 bytes for Ed25519).
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
}
