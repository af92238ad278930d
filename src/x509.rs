//! X.509 certificates: reading, ISO/IEC 18013-5 Annex B profile checks,
//! the Document Signer -> IACA chain check, and creating certificates for
//! demo authorities, tests and vectors.
//!
//! Certificates are parsed once with `x509-parser` into an owned
//! [`Certificate`] holding the fields the checks need, so no borrowed parse
//! tree outlives the input buffer. Signatures are checked through
//! [`PublicKey::verify`], the crate's one signature layer.
//!
//! Certificates are created with the `x509-cert` builder ([`create_self_signed`],
//! [`create_issued`]), never with hand-written DER. Creation is deterministic:
//! the serial number and validity come from the caller, and every supported
//! algorithm signs deterministically (Ed25519, and ECDSA with RFC 6979 nonces),
//! so the same keys and inputs give the same bytes. The issuer's key is any
//! [`Signer`], so an IACA key kept in an HSM can issue Document Signer
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

use std::cell::Cell;
use std::time::Duration;

use base64::Engine as _;
use der::asn1::{Any, BitString, OctetString, PrintableStringRef, Utf8StringRef};
use der::{Decode, Encode};
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey, ObjectIdentifier,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use time::OffsetDateTime;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cose::{Algorithm, PublicKey, Signer};
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
    signature_parameters_present: bool,
    signature: Vec<u8>,
}

impl Certificate {
    /// Parses one DER certificate; the whole input must be the certificate.
    ///
    /// Refused with `certificate_malformed`: input that is not one DER
    /// certificate, bytes after it, a subject key that is not Ed25519, P-256
    /// or P-384, unreadable extensions, and a signatureAlgorithm that differs
    /// from the signature field inside tbsCertificate (RFC 5280 4.1.1.2).
    /// Refused with `certificate_profile`: a critical extension the crate
    /// does not recognise (RFC 5280 4.2).
    pub fn from_der(der: &[u8]) -> Result<Certificate> {
        let malformed = |detail: String| Error::CertificateMalformed(detail);
        // x509-parser tolerates BER in the unsigned outer layers; a strict DER
        // decode first leaves one encoding per signature value. (An ECDSA
        // signature still has two values, s and n - s: identify certificates
        // by their TBSCertificate or key, not by their bytes.)
        let strict = <x509_cert::Certificate as der::Decode>::from_der(der)
            .map_err(|e| malformed(format!("not DER: {e}")))?;
        // Every supported signature is a whole number of bytes; a non-zero
        // unused-bits count would be another byte form of the same signature.
        if strict.signature().unused_bits() != 0 {
            return Err(malformed("signatureValue has unused bits".into()));
        }
        let (rest, cert) = X509Certificate::from_der(der).map_err(|e| malformed(format!("{e}")))?;
        if !rest.is_empty() {
            return Err(malformed(format!(
                "{} bytes after the certificate",
                rest.len()
            )));
        }
        // RFC 5280 section 4.2: a critical extension that is not understood
        // means the certificate must not be used.
        if let Some(unknown) = cert.extensions().iter().find(|ext| {
            ext.critical
                && matches!(
                    ext.parsed_extension(),
                    x509_parser::extensions::ParsedExtension::UnsupportedExtension { .. }
                        | x509_parser::extensions::ParsedExtension::ParseError { .. }
                )
        }) {
            return Err(Error::CertificateProfile(format!(
                "unrecognised critical extension {}",
                unknown.oid.to_id_string()
            )));
        }
        if cert.signature_algorithm != cert.tbs_certificate.signature {
            return Err(malformed(
                "signatureAlgorithm differs from the signature field inside tbsCertificate".into(),
            ));
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
            .map(|eku| {
                eku.value
                    .other
                    .iter()
                    .map(|oid| oid.to_id_string())
                    .collect()
            })
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
            signature_parameters_present: cert.signature_algorithm.parameters.is_some(),
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

// ----- Reading -----

/// The PEM label of a certificate block.
const PEM_LABEL_CERTIFICATE: &str = "CERTIFICATE";

impl Certificate {
    /// Reads every `CERTIFICATE` block of a PEM text, in order; blocks with
    /// other labels (a private key in the same file, say) are skipped.
    ///
    /// Refused with `certificate_malformed`: a block that is not valid PEM or
    /// base64, a certificate that does not parse (see [`Certificate::from_der`]),
    /// and a text with no `CERTIFICATE` block at all.
    pub fn from_pem(pem: &str) -> Result<Vec<Certificate>> {
        let mut certificates = Vec::new();
        for (index, block) in Pem::iter_from_buffer(pem.as_bytes()).enumerate() {
            let block = block.map_err(|e| {
                Error::CertificateMalformed(format!("PEM block {}: {e}", index + 1))
            })?;
            if block.label != PEM_LABEL_CERTIFICATE {
                continue;
            }
            let certificate = Certificate::from_der(&block.contents).map_err(|e| match e {
                Error::CertificateMalformed(detail) => {
                    Error::CertificateMalformed(format!("PEM block {}: {detail}", index + 1))
                }
                other => other,
            })?;
            certificates.push(certificate);
        }
        if certificates.is_empty() {
            return Err(Error::CertificateMalformed(
                "no CERTIFICATE block in the PEM text".into(),
            ));
        }
        Ok(certificates)
    }

    /// Reads certificates from a file's bytes: PEM (every `CERTIFICATE`
    /// block) when the bytes, after leading whitespace, start with
    /// `-----BEGIN`, otherwise exactly one DER certificate.
    ///
    /// Refused with `certificate_malformed` (see [`Certificate::from_pem`] and
    /// [`Certificate::from_der`]); PEM that is not UTF-8 is malformed too.
    pub fn load(bytes: &[u8]) -> Result<Vec<Certificate>> {
        if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| Error::CertificateMalformed(format!("PEM text is not UTF-8: {e}")))?;
            Certificate::from_pem(text.trim_start())
        } else {
            Certificate::from_der(bytes).map(|c| vec![c])
        }
    }

    /// The certificate as one PEM `CERTIFICATE` block (64-column base64,
    /// `\n` line endings, a final newline).
    pub fn to_pem(&self) -> String {
        let engine = base64::engine::general_purpose::STANDARD;
        let mut pem = format!("-----BEGIN {PEM_LABEL_CERTIFICATE}-----\n");
        // 48 bytes encode to exactly 64 base64 characters: one line each.
        for chunk in self.der.chunks(48) {
            pem.push_str(&engine.encode(chunk));
            pem.push('\n');
        }
        pem.push_str(&format!("-----END {PEM_LABEL_CERTIFICATE}-----\n"));
        pem
    }

    /// Checks that `now` lies inside the validity period, both ends included
    /// (RFC 5280 4.1.2.5).
    ///
    /// Refused with `certificate_not_yet_valid` before notBefore and
    /// `certificate_expired` after notAfter.
    pub fn check_validity_at(&self, now: OffsetDateTime) -> Result<()> {
        if now < self.not_before {
            return Err(Error::CertificateNotYetValid(format!(
                "{:?} is valid from {}, checked at {}",
                self.subject,
                show_time(self.not_before),
                show_time(now)
            )));
        }
        if now > self.not_after {
            return Err(Error::CertificateExpired(format!(
                "{:?} was valid until {}, checked at {}",
                self.subject,
                show_time(self.not_after),
                show_time(now)
            )));
        }
        Ok(())
    }

    /// Checks that `issuer` issued this certificate: this certificate's
    /// issuer name equals the issuer's subject name (DER, byte for byte),
    /// and the signature over the TBSCertificate verifies with the issuer's
    /// public key through [`PublicKey::verify`].
    ///
    /// ECDSA signatures arrive DER-encoded and are converted to the r || s
    /// form first. Every failure is `certificate_chain_invalid`: a name
    /// mismatch, a signature algorithm the crate does not support, an
    /// algorithm that does not fit the issuer's key, algorithm parameters
    /// that must be absent, a signature that is not valid DER, and a
    /// signature that does not verify. Neither validity nor profiles are
    /// checked here (see [`verify_document_signer`]).
    pub fn verify_issued_by(&self, issuer: &Certificate) -> Result<()> {
        let invalid = |detail: String| Error::CertificateChainInvalid(detail);
        if self.issuer_raw != issuer.subject_raw {
            return Err(invalid(format!(
                "the issuer name of {:?} is {:?}, not the subject {:?} of the presumed issuer",
                self.subject, self.issuer, issuer.subject
            )));
        }
        let algorithm = signature_algorithm_from_oid(&self.signature_algorithm).ok_or_else(|| {
            invalid(format!(
                "{:?} is signed with {}, which is not ecdsa-with-SHA256, ecdsa-with-SHA384 or Ed25519",
                self.subject, self.signature_algorithm
            ))
        })?;
        let key = issuer.public_key();
        if key.algorithm() != algorithm {
            return Err(invalid(format!(
                "{:?} is signed with {} ({}), which does not fit the {} key of its issuer {:?}",
                self.subject,
                signature_algorithm_name(algorithm),
                self.signature_algorithm,
                key_kind(key),
                issuer.subject
            )));
        }
        if self.signature_parameters_present {
            return Err(invalid(format!(
                "{:?}: the parameters of {} must be absent",
                self.subject,
                signature_algorithm_name(algorithm)
            )));
        }
        let signature = match algorithm {
            Algorithm::EdDsa => self.signature.clone(),
            Algorithm::Es256 => p256::ecdsa::Signature::from_der(&self.signature)
                .map(|s| s.to_bytes().to_vec())
                .map_err(|e| {
                    invalid(format!(
                        "{:?}: ECDSA signature is not valid DER: {e}",
                        self.subject
                    ))
                })?,
            Algorithm::Es384 => p384::ecdsa::Signature::from_der(&self.signature)
                .map(|s| s.to_bytes().to_vec())
                .map_err(|e| {
                    invalid(format!(
                        "{:?}: ECDSA signature is not valid DER: {e}",
                        self.subject
                    ))
                })?,
        };
        key.verify(algorithm, &self.tbs, &signature).map_err(|e| {
            invalid(format!(
                "the signature of {:?} does not verify with the key of {:?}: {e}",
                self.subject, issuer.subject
            ))
        })
    }
}

/// RFC 3339 text of a time, for error messages.
fn show_time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// OID of ecdsa-with-SHA256 (RFC 5758).
const OID_ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
/// OID of ecdsa-with-SHA384 (RFC 5758).
const OID_ECDSA_WITH_SHA384: &str = "1.2.840.10045.4.3.3";
/// OID of Ed25519 (RFC 8410).
const OID_ED25519: &str = "1.3.101.112";

/// The crate algorithm of a certificate signature algorithm OID, if supported.
fn signature_algorithm_from_oid(oid: &str) -> Option<Algorithm> {
    match oid {
        OID_ECDSA_WITH_SHA256 => Some(Algorithm::Es256),
        OID_ECDSA_WITH_SHA384 => Some(Algorithm::Es384),
        OID_ED25519 => Some(Algorithm::EdDsa),
        _ => None,
    }
}

/// [`OID_ECDSA_WITH_SHA256`] as an OID.
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap(OID_ECDSA_WITH_SHA256);
/// [`OID_ECDSA_WITH_SHA384`] as an OID.
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap(OID_ECDSA_WITH_SHA384);
/// [`OID_ED25519`] as an OID.
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap(OID_ED25519);

/// The X.509 name of a signature algorithm.
fn signature_algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Es256 => "ecdsa-with-SHA256",
        Algorithm::Es384 => "ecdsa-with-SHA384",
        Algorithm::EdDsa => "Ed25519",
    }
}

/// The kind of a public key, for error messages.
fn key_kind(key: &PublicKey) -> &'static str {
    match key {
        PublicKey::Ed25519(_) => "Ed25519",
        PublicKey::P256(_) => "P-256",
        PublicKey::P384(_) => "P-384",
    }
}

// ----- Profile checks (ISO/IEC 18013-5 Annex B) -----

fn profile_error(role: &str, cert: &Certificate, detail: &str) -> Error {
    Error::CertificateProfile(format!("{role} {:?}: {detail}", cert.subject()))
}

fn require_country(role: &str, cert: &Certificate) -> Result<()> {
    match cert.country() {
        Some(c) if crate::country::is_alpha2(c) => Ok(()),
        Some(c) => Err(profile_error(
            role,
            cert,
            &format!("countryName {c:?} is not two upper-case letters (ISO 3166-1 alpha-2)"),
        )),
        None => Err(profile_error(role, cert, "the subject has no countryName")),
    }
}

/// Checks the end-entity part shared by the Document Signer and reader
/// profiles: not a CA, keyUsage with digitalSignature, and `eku` among the
/// extended key usages.
fn require_end_entity(role: &str, cert: &Certificate, eku: &str) -> Result<()> {
    if cert.is_ca() {
        return Err(profile_error(
            role,
            cert,
            "basicConstraints marks it as a CA",
        ));
    }
    match cert.key_usage() {
        None => return Err(profile_error(role, cert, "no keyUsage extension")),
        Some(ku) if !ku.digital_signature => {
            return Err(profile_error(role, cert, "keyUsage lacks digitalSignature"));
        }
        Some(_) => {}
    }
    if !cert.extended_key_usages().iter().any(|e| e == eku) {
        return Err(profile_error(
            role,
            cert,
            &format!("extendedKeyUsage lacks {eku}"),
        ));
    }
    Ok(())
}

/// Checks the essentials of the IACA root certificate profile (ISO/IEC
/// 18013-5 Annex B): basicConstraints with cA true, a keyUsage
/// extension with keyCertSign and cRLSign, and a subject countryName of two
/// upper-case letters.
///
/// Refused with `certificate_profile`. Not checked (the Annex D IACA has
/// them, but they carry no weight for verification here): pathLenConstraint,
/// criticality, issuerAltName, CRL distribution points.
pub fn check_iaca_profile(cert: &Certificate) -> Result<()> {
    const ROLE: &str = "IACA";
    if !cert.is_ca() {
        return Err(profile_error(ROLE, cert, "basicConstraints cA is not true"));
    }
    match cert.key_usage() {
        None => return Err(profile_error(ROLE, cert, "no keyUsage extension")),
        Some(ku) if !ku.key_cert_sign => {
            return Err(profile_error(ROLE, cert, "keyUsage lacks keyCertSign"));
        }
        Some(ku) if !ku.crl_sign => {
            return Err(profile_error(ROLE, cert, "keyUsage lacks cRLSign"));
        }
        Some(_) => {}
    }
    require_country(ROLE, cert)
}

/// Checks the essentials of the Document Signer certificate profile
/// (ISO/IEC 18013-5 Annex B): not a CA, a keyUsage extension with
/// digitalSignature, the extended key usage [`EKU_MDL_DOCUMENT_SIGNER`]
/// (1.0.18013.5.1.2), and a subject countryName of two upper-case letters.
///
/// Refused with `certificate_profile`.
pub fn check_document_signer_profile(cert: &Certificate) -> Result<()> {
    const ROLE: &str = "Document Signer";
    require_end_entity(ROLE, cert, EKU_MDL_DOCUMENT_SIGNER)?;
    require_country(ROLE, cert)
}

/// Checks the essentials of the mdoc reader authentication certificate
/// profile (ISO/IEC 18013-5 Annex B): not a CA, a keyUsage extension
/// with digitalSignature and the extended key usage [`EKU_MDL_READER_AUTH`]
/// (1.0.18013.5.1.6).
///
/// Unlike the IACA and Document Signer checks, a countryName is not
/// required: a reader belongs to a relying party, not to an issuing
/// country, and the ISO/IEC 18013-5 Annex D reader certificate
/// (`CN=reader`, under `CN=reader root`) has none. When present, it must be
/// two upper-case letters.
///
/// Refused with `certificate_profile`.
pub fn check_reader_profile(cert: &Certificate) -> Result<()> {
    const ROLE: &str = "reader authentication certificate";
    require_end_entity(ROLE, cert, EKU_MDL_READER_AUTH)?;
    if cert.country().is_some() {
        require_country(ROLE, cert)?;
    }
    Ok(())
}

/// Verifies a Document Signer certificate against the IACA certificate
/// that should have issued it, at time `now`.
///
/// The checks run in this order, and the first failure is returned:
///
/// 1. the IACA profile ([`check_iaca_profile`]), then the DS profile
///    ([`check_document_signer_profile`]): `certificate_profile`;
/// 2. the signature ([`Certificate::verify_issued_by`]):
///    `certificate_chain_invalid`;
/// 3. the validity of the IACA, then of the DS, at `now`
///    ([`Certificate::check_validity_at`]): `certificate_expired` or
///    `certificate_not_yet_valid`;
/// 4. the DS countryName equals the IACA countryName: `country_mismatch`.
///
/// `now` is used exactly; a clock-skew allowance, if any, is the caller's
/// to apply.
pub fn verify_document_signer(
    ds: &Certificate,
    iaca: &Certificate,
    now: OffsetDateTime,
) -> Result<()> {
    check_iaca_profile(iaca)?;
    check_document_signer_profile(ds)?;
    ds.verify_issued_by(iaca)?;
    iaca.check_validity_at(now)?;
    ds.check_validity_at(now)?;
    if ds.country() != iaca.country() {
        return Err(Error::CountryMismatch(format!(
            "Document Signer {:?} has country {:?}, its IACA {:?} has {:?}",
            ds.subject(),
            ds.country(),
            iaca.subject(),
            iaca.country()
        )));
    }
    Ok(())
}

// ----- Creating certificates -----

/// What goes into a certificate besides its key and profile.
///
/// The subject name is countryName, then organizationName if given, then
/// commonName (`C=UA, O=<organization>, CN=<common name>`): countryName as
/// PrintableString, organizationName and commonName as UTF8String, so
/// Cyrillic and Polish names are kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSpec {
    /// The subject commonName; must not be empty.
    pub common_name: String,
    /// The subject countryName, ISO 3166-1 alpha-2 (two upper-case letters).
    pub country: String,
    /// The subject organizationName, if any; must not be empty when given.
    pub organization: Option<String>,
    /// The serial number, chosen by the caller (unique per issuer); must be
    /// positive (RFC 5280 4.1.2.2).
    pub serial: u64,
    /// Start of validity. Converted to UTC; fractions of a second are
    /// dropped; must not be before 1970.
    pub not_before: OffsetDateTime,
    /// End of validity, not before `not_before`. Converted like `not_before`.
    pub not_after: OffsetDateTime,
}

/// The extensions a created certificate carries.
///
/// Every profile carries a subjectKeyIdentifier (SHA-1 of the subject key,
/// RFC 5280 4.2.1.2 method 1) and, unless self-signed, an
/// authorityKeyIdentifier (the issuer certificate's subjectKeyIdentifier, or
/// the same SHA-1 of the issuer key when the issuer certificate has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateProfile {
    /// IACA root (ISO/IEC 18013-5 Annex B): basicConstraints cA true with
    /// pathLenConstraint 0 (critical), keyUsage keyCertSign and cRLSign
    /// (critical). Passes [`check_iaca_profile`].
    Iaca,
    /// Document Signer (Annex B): no basicConstraints (an end entity),
    /// keyUsage digitalSignature (critical), extendedKeyUsage
    /// [`EKU_MDL_DOCUMENT_SIGNER`] (critical). Passes
    /// [`check_document_signer_profile`].
    DocumentSigner,
    /// mdoc reader authentication (Annex B): like the Document Signer
    /// but with extendedKeyUsage [`EKU_MDL_READER_AUTH`]. Passes
    /// [`check_reader_profile`].
    ReaderAuthentication,
    /// A trust-list operator's signing certificate: keyUsage digitalSignature
    /// (critical) and no extendedKeyUsage. No standard OID fits the
    /// project's own trust-list format (1.0.18013.5.1.8 is the VICAL
    /// signer's and would claim a format this is not), and the project has
    /// no registered arc of its own; trust-list verifiers pin the
    /// operator's certificate or key instead of relying on an EKU.
    TrustListSigner,
}

/// Creates a self-signed certificate for `key`'s public key, signed by `key`.
///
/// `key` is any [`Signer`]: a [`crate::cose::SoftwareKey`] or an HSM-backed
/// implementation. The certificate signature algorithm follows the key
/// (ecdsa-with-SHA256 for P-256, ecdsa-with-SHA384 for P-384, Ed25519).
/// Deterministic: the same key, spec and profile give the same bytes.
///
/// Refused with `invalid_argument` for a bad spec (see [`CertificateSpec`]);
/// a signer error is passed on (`signing_failed`), and a signature that does
/// not verify under the signer's own public key is `signing_failed`.
pub fn create_self_signed(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    key: &dyn Signer,
) -> Result<Certificate> {
    let subject = build_name(spec)?;
    let public_key = key.public_key();
    let builder_profile = Profile {
        kind: profile,
        subject: subject.clone(),
        issuer: subject,
        self_signed: true,
        authority_key_id: None,
    };
    let certificate = build(spec, builder_profile, &public_key, key)?;
    certificate.verify_issued_by(&certificate).map_err(|e| {
        Error::SigningFailed(format!(
            "the new certificate does not verify under its own key: {e}"
        ))
    })?;
    Ok(certificate)
}

/// Creates a certificate for `subject_key`, issued by `issuer_cert` and
/// signed with `issuer_key`, whose public key must be that of `issuer_cert`.
///
/// The issuer name is copied from `issuer_cert`'s subject. No profile is
/// required of the issuer, so negative test vectors (a DS signed by a DS)
/// can be made; the checks refuse them later. Deterministic like
/// [`create_self_signed`].
///
/// Refused with `invalid_argument` for a bad spec (see [`CertificateSpec`])
/// or an issuer certificate `x509-cert` cannot read, with `invalid_key` when
/// `issuer_key` does not match `issuer_cert`; a signer error is passed on
/// (`signing_failed`), and a result that does not verify under the issuer
/// certificate is `signing_failed`.
pub fn create_issued(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Certificate> {
    if issuer_key.public_key() != *issuer_cert.public_key() {
        return Err(Error::InvalidKey(format!(
            "the issuer key is not the key of the issuer certificate {:?}",
            issuer_cert.subject()
        )));
    }
    let unreadable = |e: der::Error| {
        Error::InvalidArgument(format!(
            "issuer certificate {:?} cannot be read for issuing: {e}",
            issuer_cert.subject()
        ))
    };
    let issuer = x509_cert::Certificate::from_der(issuer_cert.der()).map_err(unreadable)?;
    let issuer_tbs = issuer.tbs_certificate();
    let authority_key_id = issuer_tbs
        .get_extension::<SubjectKeyIdentifier>()
        .map_err(unreadable)?
        .map(|(_, ski)| ski.0.as_bytes().to_vec());
    let builder_profile = Profile {
        kind: profile,
        subject: build_name(spec)?,
        issuer: issuer_tbs.subject().clone(),
        self_signed: false,
        authority_key_id,
    };
    let certificate = build(spec, builder_profile, subject_key, issuer_key)?;
    certificate.verify_issued_by(issuer_cert).map_err(|e| {
        Error::SigningFailed(format!(
            "the new certificate does not verify under its issuer: {e}"
        ))
    })?;
    Ok(certificate)
}

/// OID of countryName (RFC 4519).
const OID_COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
/// OID of organizationName (RFC 4519).
const OID_ORGANIZATION_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
/// OID of commonName (RFC 4519).
const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// [`EKU_MDL_DOCUMENT_SIGNER`] as an OID.
const OID_EKU_MDL_DOCUMENT_SIGNER: ObjectIdentifier =
    ObjectIdentifier::new_unwrap(EKU_MDL_DOCUMENT_SIGNER);
/// [`EKU_MDL_READER_AUTH`] as an OID.
const OID_EKU_MDL_READER_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap(EKU_MDL_READER_AUTH);

/// Checks a spec and builds its subject name.
fn build_name(spec: &CertificateSpec) -> Result<Name> {
    let bad = |detail: String| Error::InvalidArgument(detail);
    if !crate::country::is_alpha2(&spec.country) {
        return Err(bad(format!(
            "country {:?} is not an ISO 3166-1 alpha-2 code (two upper-case letters)",
            spec.country
        )));
    }
    if spec.common_name.is_empty() {
        return Err(bad("the common name is empty".into()));
    }
    if spec.organization.as_deref() == Some("") {
        return Err(bad("the organization is empty (use None for none)".into()));
    }
    let encoding = |what: &str, e: der::Error| bad(format!("{what}: {e}"));
    let mut attributes = vec![(
        OID_COUNTRY_NAME,
        Any::encode_from(
            &PrintableStringRef::new(&spec.country).map_err(|e| encoding("country", e))?,
        )
        .map_err(|e| encoding("country", e))?,
    )];
    if let Some(organization) = &spec.organization {
        attributes.push((
            OID_ORGANIZATION_NAME,
            Any::encode_from(
                &Utf8StringRef::new(organization).map_err(|e| encoding("organization", e))?,
            )
            .map_err(|e| encoding("organization", e))?,
        ));
    }
    attributes.push((
        OID_COMMON_NAME,
        Any::encode_from(
            &Utf8StringRef::new(&spec.common_name).map_err(|e| encoding("common name", e))?,
        )
        .map_err(|e| encoding("common name", e))?,
    ));
    let rdns = attributes
        .into_iter()
        .map(|(oid, value)| {
            RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue { oid, value }])
        })
        .collect::<der::Result<Vec<_>>>()
        .map_err(|e| encoding("subject name", e))?;
    // `Name` has no public constructor from an RDNSequence outside the
    // crate's `hazmat` feature; going through DER is the supported way.
    let der = RdnSequence::from(rdns)
        .to_der()
        .map_err(|e| encoding("subject name", e))?;
    Name::from_der(&der).map_err(|e| encoding("subject name", e))
}

/// An X.509 time from an `OffsetDateTime` (UTC, whole seconds).
fn x509_time(what: &str, t: OffsetDateTime) -> Result<Time> {
    let seconds = u64::try_from(t.unix_timestamp())
        .map_err(|_| Error::InvalidArgument(format!("{what} {} is before 1970", show_time(t))))?;
    der::DateTime::from_unix_duration(Duration::from_secs(seconds))
        .map(Time::from)
        .map_err(|e| Error::InvalidArgument(format!("{what} {}: {e}", show_time(t))))
}

/// Builds and signs a certificate with the x509-cert builder.
fn build(
    spec: &CertificateSpec,
    profile: Profile,
    subject_key: &PublicKey,
    signer: &dyn Signer,
) -> Result<Certificate> {
    if spec.serial == 0 {
        return Err(Error::InvalidArgument(
            "the serial number must be positive (RFC 5280 4.1.2.2)".into(),
        ));
    }
    if spec.not_after < spec.not_before {
        return Err(Error::InvalidArgument(format!(
            "notAfter {} is before notBefore {}",
            show_time(spec.not_after),
            show_time(spec.not_before)
        )));
    }
    let failed =
        |detail: String| Error::InvalidArgument(format!("building the certificate: {detail}"));
    let serial =
        SerialNumber::new(&spec.serial.to_be_bytes()).map_err(|e| failed(e.to_string()))?;
    let validity = Validity::new(
        x509_time("notBefore", spec.not_before)?,
        x509_time("notAfter", spec.not_after)?,
    );
    let spki = SubjectPublicKeyInfoOwned::from_key(&SpkiKey(subject_key.clone()))
        .map_err(|e| Error::InvalidKey(format!("subject public key: {e}")))?;
    let builder = CertificateBuilder::new(profile, serial, validity, spki)
        .map_err(|e| failed(e.to_string()))?;
    let adapter = CertificateSigner {
        signer,
        public_key: SpkiKey(signer.public_key()),
        failure: Cell::new(None),
    };
    let built = builder.build::<_, CertificateSignature>(&adapter);
    // A signer failure carries the crate error; report that, not the
    // builder's generic wrapper.
    if let Some(error) = adapter.failure.take() {
        return Err(error);
    }
    let built = built.map_err(|e| failed(e.to_string()))?;
    let der = built.to_der().map_err(|e| failed(e.to_string()))?;
    Certificate::from_der(&der)
}

/// The x509-cert builder profile for the crate's certificate profiles.
struct Profile {
    kind: CertificateProfile,
    subject: Name,
    issuer: Name,
    self_signed: bool,
    /// The issuer certificate's subjectKeyIdentifier, when it has one.
    authority_key_id: Option<Vec<u8>>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let subject = tbs.subject();
        let mut extensions: Vec<Extension> = Vec::new();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        extensions.push((false, &ski).to_extension(subject, &extensions)?);
        if !self.self_signed {
            let aki = match &self.authority_key_id {
                Some(id) => AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(id.as_slice())?),
                    ..AuthorityKeyIdentifier::default()
                },
                None => AuthorityKeyIdentifier::try_from(issuer_spk)?,
            };
            extensions.push((false, &aki).to_extension(subject, &extensions)?);
        }
        let (usages, eku) = match self.kind {
            CertificateProfile::Iaca => {
                let constraints = BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(0),
                };
                extensions.push((true, &constraints).to_extension(subject, &extensions)?);
                (KeyUsages::KeyCertSign | KeyUsages::CRLSign, None)
            }
            CertificateProfile::DocumentSigner => (
                KeyUsages::DigitalSignature.into(),
                Some(OID_EKU_MDL_DOCUMENT_SIGNER),
            ),
            CertificateProfile::ReaderAuthentication => (
                KeyUsages::DigitalSignature.into(),
                Some(OID_EKU_MDL_READER_AUTH),
            ),
            CertificateProfile::TrustListSigner => (KeyUsages::DigitalSignature.into(), None),
        };
        let key_usage = x509_cert::ext::pkix::KeyUsage(usages);
        extensions.push((true, &key_usage).to_extension(subject, &extensions)?);
        if let Some(eku) = eku {
            let eku = ExtendedKeyUsage(vec![eku]);
            extensions.push((true, &eku).to_extension(subject, &extensions)?);
        }
        Ok(extensions)
    }
}

/// A [`PublicKey`] as the `spki` encoding trait wants it.
#[derive(Clone)]
struct SpkiKey(PublicKey);

impl EncodePublicKey for SpkiKey {
    fn to_public_key_der(&self) -> spki::Result<spki::Document> {
        match &self.0 {
            PublicKey::Ed25519(k) => k.to_public_key_der(),
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
        }
    }
}

/// Adapts a crate [`Signer`] (COSE form: r || s) to the RustCrypto traits the
/// x509-cert builder needs (X.509 form: DER for ECDSA).
struct CertificateSigner<'a> {
    signer: &'a dyn Signer,
    public_key: SpkiKey,
    /// The crate error of a failed signature, kept because
    /// `signature::Error` cannot carry it.
    failure: Cell<Option<Error>>,
}

/// A certificate signature in its X.509 form.
struct CertificateSignature(Vec<u8>);

impl SignatureBitStringEncoding for CertificateSignature {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

impl signature::Keypair for CertificateSigner<'_> {
    type VerifyingKey = SpkiKey;

    fn verifying_key(&self) -> SpkiKey {
        self.public_key.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for CertificateSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        let oid = match self.signer.algorithm() {
            Algorithm::Es256 => ECDSA_WITH_SHA256,
            Algorithm::Es384 => ECDSA_WITH_SHA384,
            Algorithm::EdDsa => ED25519,
        };
        // RFC 5758 and RFC 8410: the parameters are absent.
        Ok(AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        })
    }
}

impl CertificateSigner<'_> {
    fn sign_for_certificate(&self, message: &[u8]) -> Result<Vec<u8>> {
        let raw = self.signer.sign(message)?;
        let not_cose = |e: signature::Error| {
            Error::SigningFailed(format!("the signer returned no r || s signature: {e}"))
        };
        match self.signer.algorithm() {
            Algorithm::EdDsa => Ok(raw),
            Algorithm::Es256 => p256::ecdsa::Signature::from_slice(&raw)
                .map(|s| s.to_der().as_bytes().to_vec())
                .map_err(not_cose),
            Algorithm::Es384 => p384::ecdsa::Signature::from_slice(&raw)
                .map(|s| s.to_der().as_bytes().to_vec())
                .map_err(not_cose),
        }
    }
}

impl signature::Signer<CertificateSignature> for CertificateSigner<'_> {
    fn try_sign(
        &self,
        message: &[u8],
    ) -> std::result::Result<CertificateSignature, signature::Error> {
        self.sign_for_certificate(message)
            .map(CertificateSignature)
            .map_err(|e| {
                self.failure.set(Some(e));
                signature::Error::new()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cose::SoftwareKey;
    use crate::trust::demo::DemoAuthority;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use time::macros::datetime;

    const MDL: &str = "org.iso.18013.5.1.mDL";
    const FROM: OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
    const UNTIL: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);
    const INSIDE: OffsetDateTime = datetime!(2026-06-15 12:00 UTC);

    fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.code(),
        }
    }

    fn demo(country: &str, name: &str, alg: Algorithm, seed: u64) -> DemoAuthority {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        DemoAuthority::generate(country, name, alg, &[MDL], FROM, UNTIL, &mut rng).unwrap()
    }

    fn spec(cn: &str, country: &str, serial: u64) -> CertificateSpec {
        CertificateSpec {
            common_name: cn.into(),
            country: country.into(),
            organization: None,
            serial,
            not_before: FROM,
            not_after: UNTIL,
        }
    }

    #[test]
    fn unrecognised_critical_extensions_are_refused() {
        // Turn the critical keyUsage (2.5.29.15) into the unassigned 2.5.29.63,
        // keeping it critical: RFC 5280 says such a certificate must not be used.
        let ds = demo("UA", "Diia Test", Algorithm::Es256, 40).ds_certificate;
        let mut der = ds.der().to_vec();
        let key_usage_oid = [0x06, 0x03, 0x55, 0x1d, 0x0f];
        let at = der
            .windows(key_usage_oid.len())
            .position(|w| w == key_usage_oid)
            .unwrap();
        der[at + 4] = 0x3f;
        assert_eq!(code(Certificate::from_der(&der)), "certificate_profile");
    }

    #[test]
    fn demo_chain_for_every_algorithm() {
        for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
            let seed = i as u64;
            let ua = demo("UA", "Diia Test", alg, seed);
            let (iaca, ds) = (&ua.iaca_certificate, &ua.ds_certificate);
            check_iaca_profile(iaca).unwrap();
            check_document_signer_profile(ds).unwrap();
            assert_eq!(iaca.public_key().algorithm(), alg);
            assert_eq!(ds.public_key().algorithm(), alg);
            assert_eq!(iaca.country(), Some("UA"));
            assert_eq!(ds.country(), Some("UA"));
            assert!(
                iaca.subject().contains("CN=Diia Test IACA"),
                "{}",
                iaca.subject()
            );
            assert!(ds.subject().contains("CN=Diia Test Document Signer"));
            assert_eq!(ds.issuer_raw(), iaca.subject_raw());
            iaca.verify_issued_by(iaca).unwrap();

            verify_document_signer(ds, iaca, INSIDE).unwrap();
            // Both ends of the validity period are inside it.
            verify_document_signer(ds, iaca, FROM).unwrap();
            verify_document_signer(ds, iaca, UNTIL).unwrap();
            assert_eq!(
                code(verify_document_signer(
                    ds,
                    iaca,
                    UNTIL + time::Duration::SECOND
                )),
                "certificate_expired"
            );
            assert_eq!(
                code(verify_document_signer(
                    ds,
                    iaca,
                    FROM - time::Duration::SECOND
                )),
                "certificate_not_yet_valid"
            );

            // Another authority's IACA: different name, and same name with a
            // different key (the signature check is what refuses it then).
            let other = demo("UA", "Other Authority", alg, seed + 100);
            assert_eq!(
                code(verify_document_signer(ds, &other.iaca_certificate, INSIDE)),
                "certificate_chain_invalid"
            );
            let twin = demo("UA", "Diia Test", alg, seed + 200);
            assert_eq!(twin.iaca_certificate.subject_raw(), iaca.subject_raw());
            assert_eq!(
                code(verify_document_signer(ds, &twin.iaca_certificate, INSIDE)),
                "certificate_chain_invalid"
            );

            // A DS is no IACA, and an IACA no DS.
            assert_eq!(
                code(verify_document_signer(ds, ds, INSIDE)),
                "certificate_profile"
            );
            assert_eq!(
                code(verify_document_signer(iaca, iaca, INSIDE)),
                "certificate_profile"
            );

            // A DS of another country under the UA IACA.
            let pl_key = SoftwareKey::generate(alg, &mut ChaCha20Rng::seed_from_u64(seed + 300));
            let pl_ds = create_issued(
                &spec("Polish Document Signer", "PL", 77),
                CertificateProfile::DocumentSigner,
                &pl_key.public_key(),
                iaca,
                &ua.iaca_key,
            )
            .unwrap();
            check_document_signer_profile(&pl_ds).unwrap();
            pl_ds.verify_issued_by(iaca).unwrap();
            assert_eq!(
                code(verify_document_signer(&pl_ds, iaca, INSIDE)),
                "country_mismatch"
            );

            // PEM round trip, alone and in a bundle with other blocks.
            let pem = ds.to_pem();
            assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
            assert!(pem.lines().all(|l| l.len() <= 64));
            assert_eq!(Certificate::from_pem(&pem).unwrap(), vec![ds.clone()]);
            let bundle = format!(
                "{}{}{}",
                ds.to_pem(),
                ua.ds_key.to_pkcs8_pem().unwrap(),
                iaca.to_pem()
            );
            assert_eq!(
                Certificate::from_pem(&bundle).unwrap(),
                vec![ds.clone(), iaca.clone()]
            );
            assert_eq!(
                Certificate::load(format!("\n  {bundle}").as_bytes()).unwrap(),
                vec![ds.clone(), iaca.clone()]
            );
            assert_eq!(Certificate::load(ds.der()).unwrap(), vec![ds.clone()]);
        }
    }

    #[test]
    fn created_extensions_and_criticality() {
        let ua = demo("UA", "Diia Test", Algorithm::Es256, 1);
        let ski = |der: &[u8]| {
            let (_, c) = X509Certificate::from_der(der).unwrap();
            let ext: Vec<(String, bool)> = c
                .extensions()
                .iter()
                .map(|e| (e.oid.to_id_string(), e.critical))
                .collect();
            ext
        };
        // SKI, BC (critical), KU (critical); no AKI on a self-signed root.
        assert_eq!(
            ski(ua.iaca_certificate.der()),
            vec![
                ("2.5.29.14".to_string(), false),
                ("2.5.29.19".to_string(), true),
                ("2.5.29.15".to_string(), true),
            ]
        );
        // SKI, AKI, KU (critical), EKU (critical); no basicConstraints.
        assert_eq!(
            ski(ua.ds_certificate.der()),
            vec![
                ("2.5.29.14".to_string(), false),
                ("2.5.29.35".to_string(), false),
                ("2.5.29.15".to_string(), true),
                ("2.5.29.37".to_string(), true),
            ]
        );
        let (_, iaca) = X509Certificate::from_der(ua.iaca_certificate.der()).unwrap();
        let (_, ds) = X509Certificate::from_der(ua.ds_certificate.der()).unwrap();
        let bc = iaca.basic_constraints().unwrap().unwrap().value;
        assert!(bc.ca);
        assert_eq!(bc.path_len_constraint, Some(0));
        // The DS's AKI is the IACA's SKI.
        let iaca_ski = iaca
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(k) => {
                    Some(k.0.to_vec())
                }
                _ => None,
            })
            .unwrap();
        let ds_aki = ds
            .extensions()
            .iter()
            .find_map(|e| match e.parsed_extension() {
                x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(k) => {
                    k.key_identifier.as_ref().map(|k| k.0.to_vec())
                }
                _ => None,
            })
            .unwrap();
        assert_eq!(iaca_ski, ds_aki);
        assert_eq!(
            ua.ds_certificate.extended_key_usages(),
            [EKU_MDL_DOCUMENT_SIGNER.to_string()]
        );
        // Subject order C, O, CN; UTF-8 names kept.
        let key = SoftwareKey::generate(Algorithm::EdDsa, &mut ChaCha20Rng::seed_from_u64(5));
        let cert = create_self_signed(
            &CertificateSpec {
                organization: Some("Міністерство цифрової трансформації".into()),
                ..spec("Дія IACA", "UA", 1)
            },
            CertificateProfile::Iaca,
            &key,
        )
        .unwrap();
        assert_eq!(
            cert.subject(),
            "C=UA, O=Міністерство цифрової трансформації, CN=Дія IACA"
        );
    }

    #[test]
    fn reader_and_trust_list_signer_profiles() {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let root_key = SoftwareKey::generate(Algorithm::Es384, &mut rng);
        let root = create_self_signed(
            &spec("Reader CA", "PL", 1),
            CertificateProfile::Iaca,
            &root_key,
        )
        .unwrap();
        let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let reader = create_issued(
            &spec("Police reader", "PL", 2),
            CertificateProfile::ReaderAuthentication,
            &reader_key.public_key(),
            &root,
            &root_key,
        )
        .unwrap();
        check_reader_profile(&reader).unwrap();
        reader.verify_issued_by(&root).unwrap();
        assert_eq!(
            reader.extended_key_usages(),
            [EKU_MDL_READER_AUTH.to_string()]
        );
        assert_eq!(
            code(check_document_signer_profile(&reader)),
            "certificate_profile"
        );

        let tl = create_self_signed(
            &spec("UA trust list operator", "UA", 3),
            CertificateProfile::TrustListSigner,
            &reader_key,
        )
        .unwrap();
        assert!(!tl.is_ca());
        assert!(tl.extended_key_usages().is_empty());
        assert_eq!(
            tl.key_usage(),
            Some(KeyUsage {
                digital_signature: true,
                ..KeyUsage::default()
            })
        );
        assert_eq!(
            code(check_document_signer_profile(&tl)),
            "certificate_profile"
        );
        assert_eq!(code(check_reader_profile(&tl)), "certificate_profile");
        assert_eq!(code(check_iaca_profile(&tl)), "certificate_profile");
    }

    #[test]
    fn creation_is_deterministic() {
        for alg in Algorithm::ALL {
            let a = demo("PL", "mObywatel Test", alg, 42);
            let b = demo("PL", "mObywatel Test", alg, 42);
            assert_eq!(a.iaca_certificate.der(), b.iaca_certificate.der());
            assert_eq!(a.ds_certificate.der(), b.ds_certificate.der());
            let c = demo("PL", "mObywatel Test", alg, 43);
            assert_ne!(a.iaca_certificate.der(), c.iaca_certificate.der());
        }
    }

    #[test]
    fn signature_algorithm_must_fit_issuer_key() {
        // Same issuer name, P-384 key: the ES256 signature of the DS is refused
        // for the algorithm, before any signature math.
        let ua = demo("UA", "Diia Test", Algorithm::Es256, 3);
        let p384 = demo("UA", "Diia Test", Algorithm::Es384, 4);
        let err = ua
            .ds_certificate
            .verify_issued_by(&p384.iaca_certificate)
            .unwrap_err();
        assert_eq!(err.code(), "certificate_chain_invalid");
        assert!(err.to_string().contains("does not fit"), "{err}");
        let ed = demo("UA", "Diia Test", Algorithm::EdDsa, 5);
        let err = ed
            .ds_certificate
            .verify_issued_by(&ua.iaca_certificate)
            .unwrap_err();
        assert!(err.to_string().contains("does not fit"), "{err}");
    }

    #[test]
    fn tampered_signature_is_refused() {
        for alg in Algorithm::ALL {
            let ua = demo("UA", "Diia Test", alg, 6);
            let mut der = ua.ds_certificate.der().to_vec();
            let last = der.len() - 1;
            der[last] ^= 0x01;
            // The last byte is inside the signature value.
            match Certificate::from_der(&der) {
                Ok(cert) => assert_eq!(
                    code(cert.verify_issued_by(&ua.iaca_certificate)),
                    "certificate_chain_invalid"
                ),
                Err(e) => assert_eq!(e.code(), "certificate_malformed"),
            }
        }
    }

    #[test]
    fn bad_input_is_refused() {
        assert_eq!(code(Certificate::from_pem("")), "certificate_malformed");
        assert_eq!(
            code(Certificate::from_pem(
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            )),
            "certificate_malformed"
        );
        assert_eq!(
            code(Certificate::from_pem(
                "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
            )),
            "certificate_malformed"
        );
        assert_eq!(
            code(Certificate::from_pem(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            )),
            "certificate_malformed"
        );
        assert_eq!(code(Certificate::load(b"")), "certificate_malformed");
        assert_eq!(
            code(Certificate::load(b"\x30\x03\x02\x01\x01")),
            "certificate_malformed"
        );
        let ua = demo("UA", "Diia Test", Algorithm::EdDsa, 7);
        let mut long = ua.ds_certificate.der().to_vec();
        long.push(0);
        assert_eq!(code(Certificate::load(&long)), "certificate_malformed");
    }

    #[test]
    fn bad_specs_are_refused() {
        let key = SoftwareKey::generate(Algorithm::Es256, &mut ChaCha20Rng::seed_from_u64(8));
        let make = |s: CertificateSpec| create_self_signed(&s, CertificateProfile::Iaca, &key);
        assert_eq!(code(make(spec("x", "ua", 1))), "invalid_argument");
        assert_eq!(code(make(spec("x", "UKR", 1))), "invalid_argument");
        assert_eq!(code(make(spec("", "UA", 1))), "invalid_argument");
        assert_eq!(code(make(spec("x", "UA", 0))), "invalid_argument");
        assert_eq!(
            code(make(CertificateSpec {
                organization: Some(String::new()),
                ..spec("x", "UA", 1)
            })),
            "invalid_argument"
        );
        assert_eq!(
            code(make(CertificateSpec {
                not_after: FROM - time::Duration::DAY,
                ..spec("x", "UA", 1)
            })),
            "invalid_argument"
        );
        assert_eq!(
            code(make(CertificateSpec {
                not_before: datetime!(1969-12-31 0:00 UTC),
                ..spec("x", "UA", 1)
            })),
            "invalid_argument"
        );
        // Large serials and times past 2049 (GeneralizedTime) work.
        let cert = make(CertificateSpec {
            not_after: datetime!(2060-01-01 0:00 UTC),
            ..spec("x", "UA", u64::MAX)
        })
        .unwrap();
        assert_eq!(cert.not_after(), datetime!(2060-01-01 0:00 UTC));
        // The issuer key must match the issuer certificate.
        let ua = demo("UA", "Diia Test", Algorithm::Es256, 9);
        assert_eq!(
            code(create_issued(
                &spec("x", "UA", 2),
                CertificateProfile::DocumentSigner,
                &key.public_key(),
                &ua.iaca_certificate,
                &key,
            )),
            "invalid_key"
        );
    }

    /// A signer standing in for an HSM that refuses to sign.
    struct RefusingSigner(SoftwareKey);

    impl Signer for RefusingSigner {
        fn algorithm(&self) -> Algorithm {
            self.0.algorithm()
        }
        fn public_key(&self) -> PublicKey {
            self.0.public_key()
        }
        fn sign(&self, _message: &[u8]) -> Result<Vec<u8>> {
            Err(Error::SigningFailed("HSM offline".into()))
        }
    }

    /// A signer whose signatures are made with another key.
    struct WrongKeySigner(SoftwareKey, SoftwareKey);

    impl Signer for WrongKeySigner {
        fn algorithm(&self) -> Algorithm {
            self.0.algorithm()
        }
        fn public_key(&self) -> PublicKey {
            self.0.public_key()
        }
        fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
            self.1.sign(message)
        }
    }

    #[test]
    fn signer_failures_are_reported() {
        let mut rng = ChaCha20Rng::seed_from_u64(10);
        for alg in Algorithm::ALL {
            let key = SoftwareKey::generate(alg, &mut rng);
            let other = SoftwareKey::generate(alg, &mut rng);
            let err = create_self_signed(
                &spec("x", "UA", 1),
                CertificateProfile::Iaca,
                &RefusingSigner(key.clone()),
            )
            .unwrap_err();
            assert_eq!(err, Error::SigningFailed("HSM offline".into()));
            assert_eq!(
                code(create_self_signed(
                    &spec("x", "UA", 1),
                    CertificateProfile::Iaca,
                    &WrongKeySigner(key, other),
                )),
                "signing_failed"
            );
        }
    }

    /// Reads an ISO/IEC 18013-5 Annex D certificate (hex text) from the
    /// shared vectors, which must be present next to the crate.
    fn annex_d(file: &str) -> Certificate {
        let path = format!(
            "{}/{file}",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/vectors/external/iso18013-5-annex-d"
            )
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "the shared vectors are required (../shared/vectors next to the crate): \
                 cannot read {path}: {e}"
            )
        });
        Certificate::from_der(&hex::decode(text.trim()).unwrap()).unwrap()
    }

    #[test]
    fn annex_d_document_signer_chain() {
        let iaca = annex_d("nl-wallet/iaca_root_cert.der.hex");
        let ds = annex_d("multipaz/ds_cert.hex");
        assert_eq!(iaca.subject(), "CN=utopia iaca, C=US");
        assert_eq!(ds.subject(), "CN=utopia ds, C=US");
        assert_eq!(iaca.signature_algorithm(), OID_ECDSA_WITH_SHA256);
        check_iaca_profile(&iaca).unwrap();
        check_document_signer_profile(&ds).unwrap();
        iaca.verify_issued_by(&iaca).unwrap();
        verify_document_signer(&ds, &iaca, datetime!(2021-06-01 0:00 UTC)).unwrap();
        assert_eq!(
            code(verify_document_signer(
                &ds,
                &iaca,
                datetime!(2024-01-01 0:00 UTC)
            )),
            "certificate_expired"
        );
        assert_eq!(
            code(verify_document_signer(
                &ds,
                &iaca,
                datetime!(2020-01-01 0:00 UTC)
            )),
            "certificate_not_yet_valid"
        );
        // PEM round trip keeps the bytes as received.
        assert_eq!(
            Certificate::from_pem(&ds.to_pem()).unwrap(),
            vec![ds.clone()]
        );
        // The Annex D DS under a demo IACA of the same country is refused.
        let us = demo("US", "utopia", Algorithm::Es256, 11);
        assert_eq!(
            code(verify_document_signer(
                &ds,
                &us.iaca_certificate,
                datetime!(2026-01-01 0:00 UTC)
            )),
            "certificate_chain_invalid"
        );
        // And it is not a reader certificate.
        assert_eq!(code(check_reader_profile(&ds)), "certificate_profile");
    }

    #[test]
    fn annex_d_reader_chain() {
        let root = annex_d("nl-wallet/reader_root_cert.der.hex");
        let reader = annex_d("multipaz/reader_cert.hex");
        assert_eq!(reader.subject(), "CN=reader");
        assert_eq!(reader.country(), None);
        assert!(root.is_ca());
        reader.verify_issued_by(&root).unwrap();
        check_reader_profile(&reader).unwrap();
        reader
            .check_validity_at(datetime!(2021-06-01 0:00 UTC))
            .unwrap();
        assert_eq!(
            code(check_document_signer_profile(&reader)),
            "certificate_profile"
        );
        // The reader root has no countryName, so it is no IACA.
        assert_eq!(code(check_iaca_profile(&root)), "certificate_profile");
        let ds = annex_d("multipaz/ds_cert.hex");
        assert_eq!(
            code(reader.verify_issued_by(&annex_d("nl-wallet/iaca_root_cert.der.hex"))),
            "certificate_chain_invalid"
        );
        assert_eq!(
            code(ds.verify_issued_by(&root)),
            "certificate_chain_invalid"
        );
    }
}
