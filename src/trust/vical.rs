//! ISO/IEC 18013-5 VICAL import: a Verified Issuer Certificate Authority
//! List, as published by AAMVA, Austroads, RDW and others, read and
//! verified as a source of issuing authorities.
//!
//! A VICAL is a COSE_Sign1 (ES256 in every known one) whose attached payload
//! is:
//!
//! ```cddl
//! VICAL = {
//!   "version": tstr,
//!   "vicalProvider": tstr,
//!   "date": tdate,
//!   "vicalIssueID": uint,
//!   ? "nextUpdate": tdate,               ; Austroads omits it
//!   "certificateInfos": [* CertificateInfo],
//!   * tstr => any,
//! }
//! CertificateInfo = {
//!   "certificate": bstr,                 ; DER IACA certificate
//!   "docType": [+ tstr],                 ; what it may issue: ENFORCED here
//!   ? "issuingCountry": tstr,
//!   ? "issuingAuthority": tstr,
//!   * tstr => any,                       ; serialNumber, ski, notBefore, ... (not used)
//! }
//! ```
//!
//! Each entry becomes an [`IssuingAuthority`] that may issue exactly the
//! entry's doc types (the best-known implementations parse them but do not
//! enforce them), with the id `vical:<provider>:<first 16 hex digits of the
//! certificate's SHA-256>` and the name `issuingAuthority`, or without it
//! the certificate's organizationName or commonName
//! ([`IssuingAuthority::name_from_certificate`]). An entry that cannot be used is skipped and
//! reported ([`VerifiedVical::skipped`]), never fatal to the import:
//!
//! | entry problem | code |
//! |---|---|
//! | a subject key other than EC (P-256/P-384) or Ed25519, e.g. an RSA ICAO CSCA | `unsupported_algorithm` |
//! | a certificate that does not parse | `certificate_malformed` |
//! | not an IACA (CA, keyCertSign, cRLSign, country) | `certificate_profile` |
//! | issuingCountry differs from the certificate's | `country_mismatch` |
//! | no doc type, wrong field types | `trust_list_malformed` |
//! | the same certificate twice | `trust_list_duplicate_authority` |
//! | a country code that is not two upper-case letters | `invalid_argument` |
//!
//! The whole VICAL is refused when its signer does not chain to an anchor
//! pinned for its provider (`trust_list_untrusted_operator`), its signature
//! does not verify, or its top-level fields are missing
//! (`trust_list_malformed`). The x5chain may be one byte string or an array
//! (Austroads uses one byte string). VICALs carry no `typ` header; the
//! AAMVA, Austroads and RDW signers all carry the VICAL signer extended key
//! usage [`EKU_VICAL_SIGNER`], and a signer with any extended key usage must
//! have that one (`certificate_profile`), so a Document Signer or reader key
//! under the same root can never pass a VICAL off. A signer with no
//! extendedKeyUsage at all is scoped by the pinned anchor alone.

use std::collections::{BTreeSet, HashSet};

use ciborium::value::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cbor;
use crate::cose::Sign1;
use crate::error::{Error, Result, excerpt};
use crate::trust::IssuingAuthority;
use crate::trust::list::{ListFormat, ListSource, SignedPayload, verify_chain};
use crate::x509::{self, Certificate};

/// Extended key usage of a VICAL signer (ISO/IEC 18013-5).
pub const EKU_VICAL_SIGNER: &str = "1.0.18013.5.1.8";

/// OID of id-ecPublicKey (RFC 5480).
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// OID of Ed25519 (RFC 8410).
const OID_ED25519: &str = "1.3.101.112";
/// OID of rsaEncryption (RFC 8017).
const OID_RSA: &str = "1.2.840.113549.1.1.1";
/// OID of the P-256 curve (secp256r1).
const OID_P256: &str = "1.2.840.10045.3.1.7";
/// OID of the P-384 curve (secp384r1).
const OID_P384: &str = "1.3.132.0.34";

/// A VICAL entry that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    /// The entry's index in `certificateInfos`.
    pub index: usize,
    /// The certificate's subject, when it could be read.
    pub subject: Option<String>,
    /// Why it was skipped (see the table in the [module documentation](self)).
    pub error: Error,
}

/// A signed VICAL as received: COSE_Sign1 parsed, nothing verified.
#[derive(Debug, Clone)]
pub struct SignedVical {
    signed: SignedPayload,
}

impl SignedVical {
    /// Reads a signed VICAL. Refused: COSE and CBOR errors (see
    /// [`Sign1::from_slice`]), a detached payload (`cose_malformed`), no
    /// x5chain (`x5chain_missing`), more than
    /// [`crate::trust::list::MAX_CHAIN_LENGTH`] certificates
    /// (`cose_malformed`), an x5chain certificate that does not parse
    /// (`certificate_malformed`).
    pub fn from_slice(bytes: &[u8]) -> Result<SignedVical> {
        let sign1 = Sign1::from_slice(bytes)?;
        Ok(SignedVical {
            signed: SignedPayload::new(bytes, sign1, "VICAL")?,
        })
    }

    /// The signed VICAL's bytes, as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    /// The payload bytes, as received.
    pub fn payload(&self) -> &[u8] {
        &self.signed.payload
    }

    /// The x5chain certificates, signer first.
    pub fn chain(&self) -> &[Certificate] {
        &self.signed.chain
    }

    /// The `vicalProvider` the payload claims, read WITHOUT verifying: only
    /// to choose which pinned anchor to verify against.
    pub fn claimed_provider(&self) -> Result<String> {
        let value = cbor::decode(&self.signed.payload)?;
        let map = top_map(&value)?;
        text(map, "vicalProvider").map(str::to_string)
    }

    /// The `date` the payload claims, read WITHOUT verifying.
    pub fn claimed_date(&self) -> Result<OffsetDateTime> {
        let value = cbor::decode(&self.signed.payload)?;
        let map = top_map(&value)?;
        tdate(map, "date")
    }

    /// Verifies the VICAL at `at` against the anchors pinned for its
    /// provider, then imports its entries:
    ///
    /// 1. the x5chain reaches one of `anchors`
    ///    (`trust_list_untrusted_operator`), each certificate valid at `at`,
    ///    and a signer with extended key usages has [`EKU_VICAL_SIGNER`]
    ///    (`certificate_profile`);
    /// 2. the signature verifies over the payload as received;
    /// 3. the top-level fields are present (`trust_list_malformed`);
    /// 4. each entry is imported or skipped (see the [module
    ///    documentation](self)).
    pub fn verify(&self, anchors: &[Certificate], at: OffsetDateTime) -> Result<VerifiedVical> {
        verify_chain(&self.signed.chain, anchors, at)?;
        let signer = self.signed.chain.first().ok_or(Error::X5ChainMissing)?;
        let usages = signer.extended_key_usages();
        if !usages.is_empty() && !usages.iter().any(|u| u == EKU_VICAL_SIGNER) {
            return Err(Error::CertificateProfile(format!(
                "VICAL signer {:?} has extended key usages {usages:?} but not {EKU_VICAL_SIGNER}",
                excerpt(signer.subject())
            )));
        }
        self.signed.sign1.verify(signer.public_key(), b"")?;
        let value = cbor::decode(&self.signed.payload)?;
        let map = top_map(&value)?;
        let provider = text(map, "vicalProvider")?.to_string();
        if provider.is_empty() {
            return Err(malformed("vicalProvider is empty"));
        }
        let version = text(map, "version")?.to_string();
        let date = tdate(map, "date")?;
        let issue_id =
            cbor::as_u64(require(map, "vicalIssueID")?, "vicalIssueID").map_err(shape)?;
        let next_update = cbor::map_get(map, "nextUpdate")
            .map(|v| cbor::read_tdate(v, "nextUpdate").map_err(shape))
            .transpose()?;
        let infos =
            cbor::as_array(require(map, "certificateInfos")?, "certificateInfos").map_err(shape)?;
        let mut authorities = Vec::new();
        let mut skipped = Vec::new();
        let mut seen = HashSet::new();
        for (index, info) in infos.iter().enumerate() {
            match import_entry(info, index, &provider, &mut seen) {
                Ok(authority) => authorities.push(authority),
                Err((subject, error)) => skipped.push(SkippedEntry {
                    index,
                    subject,
                    error,
                }),
            }
        }
        Ok(VerifiedVical {
            signed: self.clone(),
            provider,
            version,
            date,
            issue_id,
            next_update,
            authorities,
            skipped,
        })
    }
}

/// A VICAL whose signature and signer chain verified, with its usable
/// entries as issuing authorities.
#[derive(Debug, Clone)]
pub struct VerifiedVical {
    signed: SignedVical,
    provider: String,
    version: String,
    date: OffsetDateTime,
    issue_id: u64,
    next_update: Option<OffsetDateTime>,
    authorities: Vec<IssuingAuthority>,
    skipped: Vec<SkippedEntry>,
}

impl VerifiedVical {
    /// The signed VICAL it came from.
    pub fn signed(&self) -> &SignedVical {
        &self.signed
    }

    /// The `vicalProvider`.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The `version` text.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The `date` of issue.
    pub fn date(&self) -> OffsetDateTime {
        self.date
    }

    /// The `vicalIssueID`, used as the sequence for rollback checks.
    pub fn issue_id(&self) -> u64 {
        self.issue_id
    }

    /// The `nextUpdate`, if the VICAL has one.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }

    /// The imported entries, each limited to its doc types.
    pub fn authorities(&self) -> &[IssuingAuthority] {
        &self.authorities
    }

    /// The entries that were not imported, with their reasons.
    pub fn skipped(&self) -> &[SkippedEntry] {
        &self.skipped
    }

    /// The VICAL as a source of authorities (staleness from nextUpdate, when
    /// present).
    pub fn source(&self) -> ListSource {
        ListSource::new(
            ListFormat::Vical,
            &self.provider,
            self.issue_id,
            self.date,
            self.next_update,
        )
    }
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::TrustListMalformed(format!("VICAL: {}", detail.into()))
}

fn shape(error: Error) -> Error {
    match error {
        Error::InvalidStructure(d) | Error::InvalidDate(d) | Error::CborUnexpectedTag(d) => {
            malformed(d)
        }
        other => other,
    }
}

fn top_map(value: &Value) -> Result<&[(Value, Value)]> {
    cbor::as_map(value, "VICAL").map_err(shape)
}

fn require<'a>(map: &'a [(Value, Value)], key: &str) -> Result<&'a Value> {
    cbor::map_require(map, key, "VICAL").map_err(shape)
}

fn text<'a>(map: &'a [(Value, Value)], key: &str) -> Result<&'a str> {
    cbor::as_text(require(map, key)?, key).map_err(shape)
}

fn tdate(map: &[(Value, Value)], key: &str) -> Result<OffsetDateTime> {
    cbor::read_tdate(require(map, key)?, key).map_err(shape)
}

/// Imports one certificateInfo, or says why not (with the subject when known).
fn import_entry(
    info: &Value,
    index: usize,
    provider: &str,
    seen: &mut HashSet<Vec<u8>>,
) -> std::result::Result<IssuingAuthority, (Option<String>, Error)> {
    let what = format!("certificateInfos[{index}]");
    let no_subject = |e: Error| (None, e);
    let map = cbor::as_map(info, &what)
        .map_err(shape)
        .map_err(no_subject)?;
    let der = cbor::map_require(map, "certificate", &what)
        .and_then(|v| cbor::as_bytes(v, &format!("{what}.certificate")))
        .map_err(shape)
        .map_err(no_subject)?;
    check_key_algorithm(der).map_err(no_subject)?;
    let certificate = Certificate::from_der(der).map_err(no_subject)?;
    let subject = Some(certificate.subject().to_string());
    let with_subject = |e: Error| (subject.clone(), e);
    // By the signed part: a copy with a malleated signature is the same
    // certificate, whatever its bytes.
    if !seen.insert(certificate.tbs().to_vec()) {
        return Err(with_subject(Error::TrustListDuplicateAuthority(format!(
            "{what}: the certificate appears earlier in the VICAL"
        ))));
    }
    x509::check_iaca_profile(&certificate).map_err(with_subject)?;
    let doc_types = doc_types(map, &what).map_err(with_subject)?;
    let optional_text = |key: &str| match cbor::map_get(map, key) {
        None => Ok(None),
        Some(v) => cbor::as_text(v, &format!("{what}.{key}"))
            .map(Some)
            .map_err(shape),
    };
    let country = match optional_text("issuingCountry").map_err(with_subject)? {
        Some(c) => c.to_string(),
        None => certificate.country().unwrap_or_default().to_string(),
    };
    let name = match optional_text("issuingAuthority").map_err(with_subject)? {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => IssuingAuthority::name_from_certificate(&certificate),
    };
    let id = format!("vical:{provider}:{}", fingerprint(der));
    IssuingAuthority::new(id, country, name, vec![certificate], doc_types).map_err(with_subject)
}

fn doc_types(map: &[(Value, Value)], what: &str) -> Result<BTreeSet<String>> {
    let values = cbor::as_array(
        cbor::map_require(map, "docType", what).map_err(shape)?,
        &format!("{what}.docType"),
    )
    .map_err(shape)?;
    let doc_types = values
        .iter()
        .map(|v| {
            cbor::as_text(v, &format!("{what}.docType"))
                .map(str::to_string)
                .map_err(shape)
        })
        .collect::<Result<BTreeSet<_>>>()?;
    if doc_types.is_empty() {
        return Err(malformed(format!("{what}: no docType")));
    }
    Ok(doc_types)
}

/// Refuses, with `unsupported_algorithm`, a certificate whose subject key is
/// not P-256, P-384 or Ed25519 (an RSA CSCA, a brainpool or P-521 key),
/// before the full parse would call it malformed.
fn check_key_algorithm(der: &[u8]) -> Result<()> {
    let (_, parsed) =
        X509Certificate::from_der(der).map_err(|e| Error::CertificateMalformed(e.to_string()))?;
    let algorithm = &parsed.public_key().algorithm;
    let unsupported = |what: String| {
        Error::UnsupportedAlgorithm(format!(
            "{what} subject key in {:?}",
            parsed.subject().to_string()
        ))
    };
    match algorithm.algorithm.to_id_string().as_str() {
        OID_ED25519 => Ok(()),
        OID_RSA => Err(unsupported("RSA".into())),
        OID_EC_PUBLIC_KEY => {
            let curve = algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some(OID_P256 | OID_P384) => Ok(()),
                Some(other) => Err(unsupported(format!("EC curve {other}"))),
                None => Err(unsupported("EC (unnamed curve)".into())),
            }
        }
        other => Err(unsupported(format!("algorithm {other}"))),
    }
}

/// The first 16 hex digits of the SHA-256 of `der`.
fn fingerprint(der: &[u8]) -> String {
    let digest = Sha256::digest(der);
    hex::encode(digest.get(..8).unwrap_or_default())
}
