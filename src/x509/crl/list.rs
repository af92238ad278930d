//! Reading a CRL: DER or PEM, strict DER, the extensions the crate
//! understands, and the revoked entries.

use time::OffsetDateTime;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension, X509Extension};
use x509_parser::pem::Pem;
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

use crate::error::{Error, Result, excerpt};
use crate::x509::Certificate;
use crate::x509::certificate::{normalized_serial, show_time, verify_x509_signature};

use super::reason::RevocationReason;

/// The largest CRL the crate reads, in bytes (DER, or PEM text). A national
/// IACA's CRL lists a handful of Document Signer certificates; 4 MiB holds
/// about a hundred thousand entries, and keeps the parsed entries (a small
/// multiple of the input) bounded.
pub const MAX_CRL_BYTES: usize = 4 * 1024 * 1024;

/// The PEM label of a CRL block (RFC 7468).
pub const PEM_LABEL_CRL: &str = "X509 CRL";

/// OID of the deltaCRLIndicator extension (RFC 5280 5.2.4).
const OID_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
/// OID of the issuingDistributionPoint extension (RFC 5280 5.2.5).
const OID_ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
/// OID of the cRLNumber extension (RFC 5280 5.2.3).
const OID_CRL_NUMBER: &str = "2.5.29.20";
/// OID of the authorityKeyIdentifier extension (RFC 5280 5.2.1).
const OID_AUTHORITY_KEY_IDENTIFIER: &str = "2.5.29.35";
/// OID of the reasonCode entry extension (RFC 5280 5.3.1).
const OID_REASON_CODE: &str = "2.5.29.21";
/// OID of the invalidityDate entry extension (RFC 5280 5.3.2).
const OID_INVALIDITY_DATE: &str = "2.5.29.24";

/// One revoked certificate of a CRL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedEntry {
    /// The serial number, big-endian without leading zero bytes (as
    /// [`Certificate::serial`]).
    pub serial: Vec<u8>,
    /// When the certificate was revoked.
    pub revocation_date: OffsetDateTime,
    /// The reasonCode, when the entry has one.
    pub reason: Option<RevocationReason>,
}

/// Which certificates a CRL speaks for: its issuingDistributionPoint
/// (RFC 5280 5.2.5), or everything its issuer issued when it has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrlScope {
    /// The distribution point URIs the CRL says it is published at (empty:
    /// not restricted).
    pub distribution_points: Vec<String>,
    /// onlyContainsUserCerts: the CRL covers end-entity certificates only.
    pub only_user_certificates: bool,
    /// onlyContainsCACerts: the CRL covers CA certificates only.
    pub only_ca_certificates: bool,
}

impl CrlScope {
    /// Whether a certificate (a CA or not) is inside the scope.
    pub fn covers(&self, certificate: &Certificate) -> bool {
        !(self.only_user_certificates && certificate.is_ca()
            || self.only_ca_certificates && !certificate.is_ca())
    }
}

/// A parsed certificate revocation list (RFC 5280 section 5): a complete
/// CRL, version 2, whose critical extensions the crate understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crl {
    der: Vec<u8>,
    issuer: String,
    issuer_raw: Vec<u8>,
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    number: Option<Vec<u8>>,
    scope: CrlScope,
    revoked: Vec<RevokedEntry>,
    tbs: Vec<u8>,
    signature_algorithm: String,
    signature_parameters_present: bool,
    signature: Vec<u8>,
}

impl Crl {
    /// Parses one DER CRL; the whole input must be the CRL.
    ///
    /// Refused with `crl_malformed`: more than [`MAX_CRL_BYTES`], input that
    /// is not one strict-DER CertificateList, bytes after it, a version
    /// other than v2, no nextUpdate (RFC 5280 5.1.2.5 requires it), a
    /// signatureAlgorithm that differs from the signature field inside
    /// tbsCertList, and unreadable extensions. Refused with
    /// `crl_delta_unsupported`: a delta CRL (deltaCRLIndicator), which the
    /// crate does not merge with a base CRL. Refused with
    /// `crl_unknown_critical_extension`: a critical CRL or entry extension the
    /// crate does not understand (RFC 5280 5.2 and 5.3), including an
    /// issuingDistributionPoint that makes the CRL indirect, partitions it
    /// by reason (onlySomeReasons) or limits it to attribute certificates.
    pub fn from_der(der: &[u8]) -> Result<Crl> {
        let malformed = |detail: String| Error::CrlMalformed(detail);
        if der.len() > MAX_CRL_BYTES {
            return Err(malformed(format!(
                "{} bytes, more than the limit of {MAX_CRL_BYTES}",
                der.len()
            )));
        }
        // x509-parser tolerates BER in places; a strict DER decode first, and
        // the check that it encodes back to the same bytes, leave one encoding
        // per CRL, so the signed bytes are exactly the bytes received.
        let strict = <x509_cert::crl::CertificateList as der::Decode>::from_der(der)
            .map_err(|e| malformed(format!("not a DER CertificateList: {e}")))?;
        let tbs = der::Encode::to_der(&strict.tbs_cert_list)
            .map_err(|e| malformed(format!("tbsCertList: {e}")))?;
        if der::Encode::to_der(&strict).ok().as_deref() != Some(der) {
            return Err(malformed("not in canonical DER".into()));
        }
        if strict.signature.unused_bits() != 0 {
            return Err(malformed("signatureValue has unused bits".into()));
        }
        let (rest, crl) =
            CertificateRevocationList::from_der(der).map_err(|e| malformed(format!("{e}")))?;
        if !rest.is_empty() {
            return Err(malformed(format!("{} bytes after the CRL", rest.len())));
        }
        if crl.version().map(|v| v.0) != Some(1) {
            return Err(malformed(
                "not a version 2 CRL (the version field must be v2)".into(),
            ));
        }
        if crl.signature_algorithm != crl.tbs_cert_list.signature {
            return Err(malformed(
                "signatureAlgorithm differs from the signature field inside tbsCertList".into(),
            ));
        }
        let next_update = crl
            .next_update()
            .ok_or_else(|| malformed("no nextUpdate (RFC 5280 5.1.2.5 requires one)".into()))?
            .to_datetime();
        let mut number = None;
        let mut scope = CrlScope::default();
        for extension in crl.extensions() {
            let oid = extension.oid.to_id_string();
            match oid.as_str() {
                OID_DELTA_CRL_INDICATOR => {
                    return Err(Error::CrlDeltaUnsupported(
                        "the CRL is a delta CRL (deltaCRLIndicator); give the complete CRL".into(),
                    ));
                }
                OID_ISSUING_DISTRIBUTION_POINT => scope = read_scope(extension)?,
                OID_CRL_NUMBER => match extension.parsed_extension() {
                    ParsedExtension::CRLNumber(n) => number = Some(n.to_bytes_be()),
                    _ => return Err(malformed("cRLNumber is not an INTEGER".into())),
                },
                _ => refuse_if_unknown_critical(extension, "CRL")?,
            }
        }
        let mut revoked = Vec::new();
        for entry in crl.iter_revoked_certificates() {
            let serial = normalized_serial(entry.raw_serial());
            let mut reason = None;
            for extension in entry.extensions() {
                match extension.oid.to_id_string().as_str() {
                    OID_REASON_CODE => match extension.parsed_extension() {
                        ParsedExtension::ReasonCode(code) => {
                            reason =
                                Some(RevocationReason::from_code(code.0).ok_or_else(|| {
                                    malformed(format!(
                                        "entry {}: reasonCode {} is not one a complete CRL holds",
                                        hex(&serial),
                                        code.0
                                    ))
                                })?);
                        }
                        _ => {
                            return Err(malformed(format!(
                                "entry {}: unreadable reasonCode",
                                hex(&serial)
                            )));
                        }
                    },
                    OID_INVALIDITY_DATE => {}
                    _ => refuse_if_unknown_critical(extension, "CRL entry")?,
                }
            }
            revoked.push(RevokedEntry {
                serial,
                revocation_date: entry.revocation_date.to_datetime(),
                reason,
            });
        }
        Ok(Crl {
            der: der.to_vec(),
            issuer: crl.issuer().to_string(),
            issuer_raw: crl.issuer().as_raw().to_vec(),
            this_update: crl.last_update().to_datetime(),
            next_update,
            number,
            scope,
            revoked,
            tbs,
            signature_algorithm: crl.signature_algorithm.algorithm.to_id_string(),
            signature_parameters_present: crl.signature_algorithm.parameters.is_some(),
            signature: crl.signature_value.data.to_vec(),
        })
    }

    /// Reads a CRL from a file's bytes: PEM (one `X509 CRL` block) when the
    /// bytes, after leading whitespace, start with `-----BEGIN`, otherwise
    /// DER. Refused with `crl_malformed` for PEM that is not UTF-8, not valid,
    /// or holds no `X509 CRL` block, and with the codes of [`Crl::from_der`].
    pub fn load(bytes: &[u8]) -> Result<Crl> {
        if bytes.len() > MAX_CRL_BYTES.saturating_mul(2) {
            return Err(Error::CrlMalformed(format!(
                "{} bytes, more than twice the limit of {MAX_CRL_BYTES}",
                bytes.len()
            )));
        }
        if !bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            return Crl::from_der(bytes);
        }
        for block in Pem::iter_from_buffer(bytes.trim_ascii_start()) {
            let block = block.map_err(|e| Error::CrlMalformed(format!("PEM: {e}")))?;
            if block.label == PEM_LABEL_CRL {
                return Crl::from_der(&block.contents);
            }
        }
        Err(Error::CrlMalformed(format!(
            "no {PEM_LABEL_CRL} block in the PEM text"
        )))
    }

    /// The CRL as one PEM `X509 CRL` block (64-column base64, a final newline).
    pub fn to_pem(&self) -> String {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD;
        let mut pem = format!("-----BEGIN {PEM_LABEL_CRL}-----\n");
        for chunk in self.der.chunks(48) {
            pem.push_str(&engine.encode(chunk));
            pem.push('\n');
        }
        pem.push_str(&format!("-----END {PEM_LABEL_CRL}-----\n"));
        pem
    }

    /// The DER encoding, exactly as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The issuer name as text.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The DER encoding of the issuer name, for exact matching.
    pub fn issuer_raw(&self) -> &[u8] {
        &self.issuer_raw
    }

    /// thisUpdate: when the CRL was issued.
    pub fn this_update(&self) -> OffsetDateTime {
        self.this_update
    }

    /// nextUpdate: by when the next CRL is issued; after it the CRL is stale.
    pub fn next_update(&self) -> OffsetDateTime {
        self.next_update
    }

    /// The cRLNumber, big-endian, when present.
    pub fn number(&self) -> Option<&[u8]> {
        self.number.as_deref()
    }

    /// The cRLNumber as a `u64`, when present and small enough.
    pub fn number_u64(&self) -> Option<u64> {
        let bytes = self.number.as_deref()?;
        if bytes.len() > 8 {
            return None;
        }
        Some(bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
    }

    /// Which certificates the CRL speaks for.
    pub fn scope(&self) -> &CrlScope {
        &self.scope
    }

    /// The revoked certificates, in the CRL's order.
    pub fn revoked(&self) -> &[RevokedEntry] {
        &self.revoked
    }

    /// The entry for a serial number ([`Certificate::serial`] form), if the
    /// CRL lists it.
    pub fn entry_for(&self, serial: &[u8]) -> Option<&RevokedEntry> {
        let serial = normalized_serial(serial);
        self.revoked.iter().find(|entry| entry.serial == serial)
    }

    /// Checks the CRL's signature with `signer`'s key: the CRL's issuer name
    /// must be the signer's subject name (DER, byte for byte), the signer's
    /// keyUsage (when it has one) must allow cRLSign, and the signature must
    /// verify. Refused with `crl_wrong_issuer` for another name and
    /// `crl_signature_invalid` otherwise. Whether `signer` may speak for the
    /// certificate checked is the caller's (see [`super::check_certificate`]).
    pub fn verify_signed_by(&self, signer: &Certificate) -> Result<()> {
        if self.issuer_raw != signer.subject_raw() {
            return Err(Error::CrlWrongIssuer(format!(
                "the CRL is issued by {}, not by {}",
                excerpt(&self.issuer),
                excerpt(signer.subject())
            )));
        }
        if signer.key_usage().is_some_and(|ku| !ku.crl_sign) {
            return Err(Error::CrlSignatureInvalid(format!(
                "{} may not sign CRLs: its keyUsage lacks cRLSign",
                excerpt(signer.subject())
            )));
        }
        verify_x509_signature(
            &self.signature_algorithm,
            self.signature_parameters_present,
            &self.tbs,
            &self.signature,
            signer.public_key(),
        )
        .map_err(|detail| {
            Error::CrlSignatureInvalid(format!(
                "CRL of {} (thisUpdate {}): {detail}",
                excerpt(&self.issuer),
                show_time(self.this_update)
            ))
        })
    }
}

/// Reads an issuingDistributionPoint the crate can honour.
fn read_scope(extension: &X509Extension<'_>) -> Result<CrlScope> {
    let ParsedExtension::IssuingDistributionPoint(idp) = extension.parsed_extension() else {
        return Err(Error::CrlMalformed(
            "unreadable issuingDistributionPoint".into(),
        ));
    };
    let unsupported = |what: &str| {
        Err(Error::CrlUnknownCriticalExtension(format!(
            "issuingDistributionPoint with {what} is not supported"
        )))
    };
    if idp.indirect_crl {
        return unsupported("indirectCRL (a CRL for other issuers' certificates)");
    }
    if idp.only_some_reasons.is_some() {
        return unsupported("onlySomeReasons (a CRL partitioned by reason)");
    }
    if idp.only_contains_attribute_certs {
        return unsupported("onlyContainsAttributeCerts");
    }
    let distribution_points = match &idp.distribution_point {
        Some(DistributionPointName::FullName(names)) => names
            .iter()
            .filter_map(|name| match name {
                GeneralName::URI(uri) => Some(uri.to_string()),
                _ => None,
            })
            .collect(),
        Some(DistributionPointName::NameRelativeToCRLIssuer(_)) => {
            return unsupported("a distribution point relative to the CRL issuer");
        }
        None => Vec::new(),
    };
    Ok(CrlScope {
        distribution_points,
        only_user_certificates: idp.only_contains_user_certs,
        only_ca_certificates: idp.only_contains_ca_certs,
    })
}

/// RFC 5280 5.2 and 5.3: a critical extension that is not understood makes
/// the CRL unusable. The non-critical ones the crate does not read
/// (authorityKeyIdentifier among them) are ignored.
fn refuse_if_unknown_critical(extension: &X509Extension<'_>, what: &str) -> Result<()> {
    let oid = extension.oid.to_id_string();
    if extension.critical && oid != OID_AUTHORITY_KEY_IDENTIFIER {
        return Err(Error::CrlUnknownCriticalExtension(format!(
            "{what} extension {oid} is critical and not understood"
        )));
    }
    Ok(())
}

/// Hex of a serial, for messages: RFC 5280 serials are at most 20 bytes,
/// and a longer (hostile) one is cut there.
pub(super) fn hex(bytes: &[u8]) -> String {
    let shown: String = bytes.iter().take(20).map(|b| format!("{b:02X}")).collect();
    if bytes.len() > 20 {
        format!("{shown}... ({} bytes)", bytes.len())
    } else {
        shown
    }
}
