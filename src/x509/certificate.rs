//! The parsed certificate: reading DER and PEM, its fields, validity at a
//! time, and the signature of its issuer.

use base64::Engine as _;
use spki::ObjectIdentifier;
use time::OffsetDateTime;
use x509_parser::pem::Pem;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cose::{Algorithm, PublicKey};
use crate::error::{Error, Result, excerpt};

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
    path_len_constraint: Option<u32>,
    key_usage: Option<KeyUsage>,
    extended_key_usages: Vec<String>,
    serial: Vec<u8>,
    crl_distribution_points: Vec<String>,
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
            .map(|eku| every_extended_key_usage(eku.value))
            .unwrap_or_default();
        let basic_constraints = cert
            .basic_constraints()
            .map_err(|e| malformed(format!("basicConstraints: {e}")))?
            .map(|bc| bc.value.clone());
        let is_ca = basic_constraints.as_ref().is_some_and(|bc| bc.ca);
        let path_len_constraint = basic_constraints
            .filter(|bc| bc.ca)
            .and_then(|bc| bc.path_len_constraint);
        let crl_distribution_points = crl_distribution_point_uris(&cert)?;
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
            path_len_constraint,
            key_usage,
            extended_key_usages,
            serial: normalized_serial(cert.raw_serial()),
            crl_distribution_points,
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

    /// The subject's first organizationName, if present and readable as
    /// text. Read from the DER on each call: only names shown to people
    /// need it.
    pub fn organization(&self) -> Option<String> {
        let (_, parsed) = X509Certificate::from_der(&self.der).ok()?;
        parsed
            .subject()
            .iter_organization()
            .find_map(|attribute| attribute.as_str().ok().map(str::to_string))
    }

    /// The subject's first commonName, if present and readable as text.
    pub fn common_name(&self) -> Option<String> {
        let (_, parsed) = X509Certificate::from_der(&self.der).ok()?;
        parsed
            .subject()
            .iter_common_name()
            .find_map(|attribute| attribute.as_str().ok().map(str::to_string))
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

    /// The pathLenConstraint of a CA certificate's basicConstraints: how
    /// many intermediate CA certificates may follow it in a path (RFC 5280
    /// 4.2.1.9); `None` for no limit or no CA.
    pub fn path_len_constraint(&self) -> Option<u32> {
        self.path_len_constraint
    }

    /// The keyUsage extension, if present.
    pub fn key_usage(&self) -> Option<KeyUsage> {
        self.key_usage
    }

    /// Every extended key usage OID, dotted: the well-known ones
    /// (serverAuth, clientAuth, codeSigning, emailProtection, timeStamping,
    /// OCSPSigning, anyExtendedKeyUsage) first, then the others in the
    /// certificate's order.
    pub fn extended_key_usages(&self) -> &[String] {
        &self.extended_key_usages
    }

    /// The serial number: the big-endian bytes of the DER INTEGER without
    /// leading zero bytes (at least one byte), the form CRL entries are
    /// compared in.
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    /// The URIs of the cRLDistributionPoints extension (fullName
    /// uniformResourceIdentifier names), in order; empty when there is none.
    pub fn crl_distribution_points(&self) -> &[String] {
        &self.crl_distribution_points
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
pub(super) const PEM_LABEL_CERTIFICATE: &str = "CERTIFICATE";

impl Certificate {
    /// Reads every `CERTIFICATE` block of a PEM text, in order; blocks with
    /// other labels (a private key in the same file, say) are skipped.
    ///
    /// Refused with `certificate_malformed`: a block that is not valid PEM or
    /// base64, a certificate that does not parse (see [`Certificate::from_der`]),
    /// and a text with no `CERTIFICATE` block at all.
    pub fn from_pem_all(pem: &str) -> Result<Vec<Certificate>> {
        let mut certificates = Vec::new();
        for (index, block) in Pem::iter_from_buffer(pem.as_bytes()).enumerate() {
            let block = block.map_err(|e| {
                Error::CertificateMalformed(format!("PEM block {}: {e}", index.saturating_add(1)))
            })?;
            if block.label != PEM_LABEL_CERTIFICATE {
                continue;
            }
            let certificate = Certificate::from_der(&block.contents).map_err(|e| match e {
                Error::CertificateMalformed(detail) => Error::CertificateMalformed(format!(
                    "PEM block {}: {detail}",
                    index.saturating_add(1)
                )),
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

    /// Reads every certificate of a file's bytes, in order: PEM (every
    /// `CERTIFICATE` block) when the bytes, after leading whitespace, start
    /// with `-----BEGIN`, otherwise exactly one DER certificate.
    ///
    /// Refused with `certificate_malformed` (see [`Certificate::from_pem_all`]
    /// and [`Certificate::from_der`]); PEM that is not UTF-8 is malformed too.
    pub fn load_all(bytes: &[u8]) -> Result<Vec<Certificate>> {
        if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            let text = std::str::from_utf8(bytes)
                .map_err(|e| Error::CertificateMalformed(format!("PEM text is not UTF-8: {e}")))?;
            Certificate::from_pem_all(text.trim_start())
        } else {
            Certificate::from_der(bytes).map(|c| vec![c])
        }
    }

    /// Reads the one certificate of a file's bytes (PEM or DER, as
    /// [`Certificate::load_all`]); a PEM text with more than one
    /// `CERTIFICATE` block is refused with `certificate_malformed`, so a
    /// bundle is never silently cut to its first certificate.
    pub fn load_one(bytes: &[u8]) -> Result<Certificate> {
        let mut all = Certificate::load_all(bytes)?;
        match (all.pop(), all.is_empty()) {
            (Some(certificate), true) => Ok(certificate),
            _ => Err(Error::CertificateMalformed(format!(
                "{} certificates where one is expected",
                all.len().saturating_add(1)
            ))),
        }
    }

    /// The certificate as one PEM `CERTIFICATE` block (64-column base64,
    /// `\n` line endings, a final newline).
    pub fn to_pem(&self) -> String {
        // RFC 7468 encoding cannot fail for a label this short and a
        // certificate this crate parsed; base64 by hand is the fallback that
        // keeps the signature infallible.
        pem_rfc7468::encode_string(
            PEM_LABEL_CERTIFICATE,
            pem_rfc7468::LineEnding::LF,
            &self.der,
        )
        .unwrap_or_else(|_| {
            let engine = base64::engine::general_purpose::STANDARD;
            format!(
                "-----BEGIN {PEM_LABEL_CERTIFICATE}-----\n{}\n-----END {PEM_LABEL_CERTIFICATE}-----\n",
                engine.encode(&self.der)
            )
        })
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
                excerpt(&self.subject),
                show_time(self.not_before),
                show_time(now)
            )));
        }
        if now > self.not_after {
            return Err(Error::CertificateExpired(format!(
                "{:?} was valid until {}, checked at {}",
                excerpt(&self.subject),
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
    /// checked here (see [`super::verify_document_signer`]).
    pub fn verify_issued_by(&self, issuer: &Certificate) -> Result<()> {
        let invalid = |detail: String| Error::CertificateChainInvalid(detail);
        if self.issuer_raw != issuer.subject_raw {
            return Err(invalid(format!(
                "the issuer name of {:?} is {:?}, not the subject {:?} of the presumed issuer",
                excerpt(&self.subject),
                excerpt(&self.issuer),
                excerpt(&issuer.subject)
            )));
        }
        verify_x509_signature(
            &self.signature_algorithm,
            self.signature_parameters_present,
            &self.tbs,
            &self.signature,
            issuer.public_key(),
        )
        .map_err(|detail| {
            invalid(format!(
                "{:?} (issued by {:?}): {detail}",
                excerpt(&self.subject),
                excerpt(&issuer.subject)
            ))
        })
    }
}

/// Every OID of an extendedKeyUsage extension. x509-parser files the
/// well-known usages as flags and only the rest as OIDs; a rule such as "a
/// signer with any extended key usage must have this one" must see them all.
fn every_extended_key_usage(eku: &x509_parser::extensions::ExtendedKeyUsage<'_>) -> Vec<String> {
    [
        (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
        (eku.client_auth, "1.3.6.1.5.5.7.3.2"),
        (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
        (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
        (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
        (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
        (eku.any, "2.5.29.37.0"),
    ]
    .into_iter()
    .filter(|(present, _)| *present)
    .map(|(_, oid)| oid.to_string())
    .chain(eku.other.iter().map(|oid| oid.to_id_string()))
    .collect()
}

/// Checks an X.509 signature (of a certificate or a CRL) made with `key`:
/// the algorithm OID must be supported and fit the key, its parameters
/// absent, and the signature (DER for ECDSA, converted to r || s for the
/// crate's signature layer) must verify over `tbs`. The error is a detail
/// for the caller to wrap in its own code.
pub(super) fn verify_x509_signature(
    algorithm_oid: &str,
    parameters_present: bool,
    tbs: &[u8],
    signature: &[u8],
    key: &PublicKey,
) -> std::result::Result<(), String> {
    let algorithm = signature_algorithm_from_oid(algorithm_oid).ok_or_else(|| {
        format!(
            "signed with {}, which is not ecdsa-with-SHA256, ecdsa-with-SHA384 or Ed25519",
            excerpt(algorithm_oid)
        )
    })?;
    if key.algorithm() != algorithm {
        return Err(format!(
            "signed with {} ({algorithm_oid}), which does not fit the {} key of the signer",
            signature_algorithm_name(algorithm),
            key_kind(key),
        ));
    }
    if parameters_present {
        return Err(format!(
            "the parameters of {} must be absent",
            signature_algorithm_name(algorithm)
        ));
    }
    // X.509 carries ECDSA signatures DER-encoded; the crate's signature
    // layer takes them as r || s.
    let signature = match algorithm {
        Algorithm::EdDsa => Ok(signature.to_vec()),
        Algorithm::Es256 => {
            p256::ecdsa::Signature::from_der(signature).map(|s| s.to_bytes().to_vec())
        }
        Algorithm::Es384 => {
            p384::ecdsa::Signature::from_der(signature).map(|s| s.to_bytes().to_vec())
        }
    }
    .map_err(|e| format!("ECDSA signature is not valid DER: {e}"))?;
    key.verify(algorithm, tbs, &signature)
        .map_err(|e| format!("the signature does not verify with the signer's key: {e}"))
}

/// A DER INTEGER's content bytes without leading zero bytes (keeping one
/// byte for zero), so serials compare equal however they were padded.
pub(super) fn normalized_serial(raw: &[u8]) -> Vec<u8> {
    let start = raw
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(raw.len().saturating_sub(1));
    raw.get(start..).unwrap_or_default().to_vec()
}

/// The URIs named by a certificate's cRLDistributionPoints extension.
fn crl_distribution_point_uris(cert: &X509Certificate<'_>) -> Result<Vec<String>> {
    use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
    let mut uris = Vec::new();
    for extension in cert.extensions() {
        match extension.parsed_extension() {
            ParsedExtension::CRLDistributionPoints(points) => {
                for point in &points.points {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        uris.extend(names.iter().filter_map(|name| match name {
                            GeneralName::URI(uri) => Some(uri.to_string()),
                            _ => None,
                        }));
                    }
                }
            }
            ParsedExtension::ParseError { error }
                if extension.oid.to_id_string() == OID_CRL_DISTRIBUTION_POINTS =>
            {
                return Err(Error::CertificateMalformed(format!(
                    "cRLDistributionPoints: {error}"
                )));
            }
            _ => {}
        }
    }
    Ok(uris)
}

/// OID of the cRLDistributionPoints extension (RFC 5280 4.2.1.13).
const OID_CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";

/// RFC 3339 text of a time, for error messages.
pub(super) fn show_time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// OID of ecdsa-with-SHA256 (RFC 5758).
pub(super) const OID_ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
/// OID of ecdsa-with-SHA384 (RFC 5758).
pub(super) const OID_ECDSA_WITH_SHA384: &str = "1.2.840.10045.4.3.3";
/// OID of Ed25519 (RFC 8410).
pub(super) const OID_ED25519: &str = "1.3.101.112";

/// The crate algorithm of a certificate signature algorithm OID, if supported.
pub(super) fn signature_algorithm_from_oid(oid: &str) -> Option<Algorithm> {
    match oid {
        OID_ECDSA_WITH_SHA256 => Some(Algorithm::Es256),
        OID_ECDSA_WITH_SHA384 => Some(Algorithm::Es384),
        OID_ED25519 => Some(Algorithm::EdDsa),
        _ => None,
    }
}

/// [`OID_ECDSA_WITH_SHA256`] as an OID.
pub(super) const ECDSA_WITH_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap(OID_ECDSA_WITH_SHA256);
/// [`OID_ECDSA_WITH_SHA384`] as an OID.
pub(super) const ECDSA_WITH_SHA384: ObjectIdentifier =
    ObjectIdentifier::new_unwrap(OID_ECDSA_WITH_SHA384);
/// [`OID_ED25519`] as an OID.
pub(super) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap(OID_ED25519);

/// The X.509 name of a signature algorithm.
pub(super) fn signature_algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Es256 => "ecdsa-with-SHA256",
        Algorithm::Es384 => "ecdsa-with-SHA384",
        Algorithm::EdDsa => "Ed25519",
    }
}

/// The kind of a public key, for error messages.
pub(super) fn key_kind(key: &PublicKey) -> &'static str {
    match key {
        PublicKey::Ed25519(_) => "Ed25519",
        PublicKey::P256(_) => "P-256",
        PublicKey::P384(_) => "P-384",
    }
}
