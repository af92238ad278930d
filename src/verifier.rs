//! The verification pipeline (issuer data authentication) and
//! [`VerifiedDocument`], the only way claims reach a caller.
//!
//! Checks, in order, each with its error code:
//!
//! 1. issuerAuth is a COSE_Sign1 with a supported algorithm in the protected
//!    header (`algorithm_not_protected`, `unsupported_algorithm`,
//!    `unknown_critical_header`, `cose_malformed`) and a Document Signer
//!    certificate in x5chain (`x5chain_missing`, `certificate_malformed`);
//! 2. the protected algorithm fits the DS key and the signature verifies
//!    over the payload as received (`algorithm_key_mismatch`,
//!    `signature_invalid`);
//! 3. the DS certificate was issued by the IACA of a trusted authority
//!    (`untrusted_issuer` when no trusted IACA has its issuer name,
//!    `certificate_chain_invalid` when none of those signed it), both
//!    certificates fit their Annex B profile (`certificate_profile`) and are
//!    valid at `now` (`certificate_expired`, `certificate_not_yet_valid`),
//!    and the DS country is the IACA's (`country_mismatch`);
//! 4. the MSO decodes (`invalid_structure`, `unsupported_digest_algorithm`,
//!    ...), the authority may issue its doc type (`doc_type_not_allowed`),
//!    and it is the doc type the caller expects (`doc_type_mismatch`);
//! 5. every disclosed element has a digest under its namespace and digestID
//!    (`digest_missing`) equal to the digest of its tag-24 bytes as received
//!    (`digest_mismatch`), with no digestID or element disclosed twice
//!    (`duplicate_element`); a disclosed `issuing_country` names the DS
//!    country (`country_mismatch`);
//! 6. validFrom <= now <= validUntil, widened by the clock skew
//!    (`not_yet_valid`, `expired`);
//! 7. the acceptance policy accepts (country, doc type) (`not_accepted`).

use std::collections::{BTreeMap, BTreeSet};

use time::{Duration, OffsetDateTime};

use crate::cose::PublicKey;
use crate::documents::{Claims, Elements};
use crate::error::{Error, Result};
use crate::issuer_signed::IssuerSigned;
use crate::mso::{DeviceKeyInfo, MobileSecurityObject, ValidityInfo};
use crate::trust::{AcceptancePolicy, IssuingAuthority, TrustedAuthorities};
use crate::x509::{self, Certificate};

/// Clock skew allowed by default when comparing `now` with the MSO validity.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::minutes(5);

/// Element identifier whose value must name the issuing country when disclosed.
const ISSUING_COUNTRY: &str = "issuing_country";

/// Verifies documents against trusted issuing authorities and a policy.
#[derive(Debug, Clone)]
pub struct Verifier {
    authorities: TrustedAuthorities,
    policy: AcceptancePolicy,
    clock_skew: Duration,
}

impl Verifier {
    /// A verifier trusting `authorities` and accepting what `policy` accepts.
    pub fn new(authorities: TrustedAuthorities, policy: AcceptancePolicy) -> Verifier {
        Verifier {
            authorities,
            policy,
            clock_skew: DEFAULT_CLOCK_SKEW,
        }
    }

    /// Sets the clock skew allowed around the MSO validity (negative values
    /// count as zero).
    pub fn with_clock_skew(mut self, skew: Duration) -> Verifier {
        self.clock_skew = skew.max(Duration::ZERO);
        self
    }

    /// The trusted authorities.
    pub fn authorities(&self) -> &TrustedAuthorities {
        &self.authorities
    }

    /// Decodes and verifies an encoded IssuerSigned at `now`.
    pub fn verify_bytes(&self, bytes: &[u8], now: OffsetDateTime) -> Result<VerifiedDocument> {
        self.verify(&IssuerSigned::from_slice(bytes)?, None, now)
    }

    /// Verifies an IssuerSigned at `now`. When `expected_doc_type` is given
    /// (the docType of the Document that carried it), the MSO must name the
    /// same doc type.
    pub fn verify(
        &self,
        issuer_signed: &IssuerSigned,
        expected_doc_type: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<VerifiedDocument> {
        let issuer_auth = issuer_signed.issuer_auth();
        let chain = issuer_auth.x5chain()?;
        let ds_der = chain.first().ok_or(Error::X5ChainMissing)?;
        let ds = Certificate::from_der(ds_der)?;

        issuer_auth.verify(ds.public_key(), b"")?;

        let authority = self.trusted_authority_for(&ds, now)?;

        let mso = issuer_signed.mso()?;
        if !authority.may_issue(&mso.doc_type) {
            return Err(Error::DocTypeNotAllowed(format!(
                "{} ({}) may not issue {}",
                authority.name(),
                authority.country(),
                mso.doc_type
            )));
        }
        if let Some(expected) = expected_doc_type {
            if expected != mso.doc_type {
                return Err(Error::DocTypeMismatch(format!(
                    "document says {expected}, MSO says {}",
                    mso.doc_type
                )));
            }
        }

        let elements = verified_elements(issuer_signed, &mso)?;
        check_issuing_country(&elements, authority.country())?;
        self.check_validity(&mso.validity_info, now)?;

        if !self.policy.accepts(authority.country(), &mso.doc_type) {
            return Err(Error::NotAccepted(format!(
                "{} from {}",
                mso.doc_type,
                authority.country()
            )));
        }

        let claims = Claims::from_elements(&mso.doc_type, &elements)?;
        Ok(VerifiedDocument {
            doc_type: mso.doc_type.clone(),
            issuing_country: authority.country().to_string(),
            authority_id: authority.id().to_string(),
            authority_name: authority.name().to_string(),
            document_signer: ds.subject().to_string(),
            claims,
            elements,
            mso,
        })
    }

    /// Finds the trusted authority whose IACA issued `ds` and checks the chain.
    fn trusted_authority_for(
        &self,
        ds: &Certificate,
        now: OffsetDateTime,
    ) -> Result<&IssuingAuthority> {
        let mut last_error = None;
        for (authority, iaca) in self.authorities.candidates_for(ds) {
            match x509::verify_document_signer(ds, iaca, now) {
                Ok(()) => return Ok(authority),
                // Another IACA with the same name may still be the right one.
                Err(e @ Error::CertificateChainInvalid(_)) => last_error = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| {
            Error::UntrustedIssuer(format!(
                "no trusted IACA named {:?} (issuer of {:?})",
                ds.issuer(),
                ds.subject()
            ))
        }))
    }

    fn check_validity(&self, validity: &ValidityInfo, now: OffsetDateTime) -> Result<()> {
        if now + self.clock_skew < validity.valid_from {
            return Err(Error::NotYetValid(format!(
                "valid from {}",
                validity.valid_from
            )));
        }
        if now - self.clock_skew > validity.valid_until {
            return Err(Error::Expired(format!(
                "valid until {}",
                validity.valid_until
            )));
        }
        Ok(())
    }
}

/// Checks every disclosed item against the MSO digests and collects the
/// verified elements.
fn verified_elements(issuer_signed: &IssuerSigned, mso: &MobileSecurityObject) -> Result<Elements> {
    let mut elements: Elements = BTreeMap::new();
    for (ns, items) in issuer_signed.name_spaces() {
        if elements.contains_key(ns) {
            return Err(Error::DuplicateElement(format!("namespace {ns} twice")));
        }
        let mut seen_ids = BTreeSet::new();
        let mut ns_elements = BTreeMap::new();
        for item_bytes in items {
            let item = item_bytes.item();
            let name = format!("{ns}/{}", item.element_identifier);
            if !seen_ids.insert(item.digest_id) {
                return Err(Error::DuplicateElement(format!(
                    "digestID {} disclosed twice in {ns}",
                    item.digest_id
                )));
            }
            let expected = mso.digest(ns, item.digest_id).ok_or_else(|| {
                Error::DigestMissing(format!("{name} (digestID {})", item.digest_id))
            })?;
            let actual = mso.digest_algorithm.digest(&item_bytes.tagged_bytes()?);
            if actual != expected {
                return Err(Error::DigestMismatch(name));
            }
            if ns_elements
                .insert(item.element_identifier.clone(), item.element_value.clone())
                .is_some()
            {
                return Err(Error::DuplicateElement(name));
            }
        }
        elements.insert(ns.clone(), ns_elements);
    }
    Ok(elements)
}

fn check_issuing_country(elements: &Elements, country: &str) -> Result<()> {
    for (ns, ns_elements) in elements {
        if let Some(value) = ns_elements.get(ISSUING_COUNTRY) {
            match value {
                ciborium::value::Value::Text(t) if t == country => {}
                other => {
                    return Err(Error::CountryMismatch(format!(
                        "{ns}/issuing_country is {other:?}, the issuer is {country}"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// A document whose issuer data authentication succeeded. Only the verifier
/// makes these: holding one means every check in [`Verifier::verify`] passed.
#[derive(Debug, Clone)]
pub struct VerifiedDocument {
    doc_type: String,
    issuing_country: String,
    authority_id: String,
    authority_name: String,
    document_signer: String,
    claims: Claims,
    elements: Elements,
    mso: MobileSecurityObject,
}

impl VerifiedDocument {
    /// The doc type, for example `org.iso.18013.5.1.mDL`.
    pub fn doc_type(&self) -> &str {
        &self.doc_type
    }

    /// The issuing country (ISO 3166-1 alpha-2), that of the trusted authority.
    pub fn issuing_country(&self) -> &str {
        &self.issuing_country
    }

    /// The id of the trusted authority that vouched for the issuer.
    pub fn authority_id(&self) -> &str {
        &self.authority_id
    }

    /// The name of the trusted authority.
    pub fn authority_name(&self) -> &str {
        &self.authority_name
    }

    /// The subject of the Document Signer certificate.
    pub fn document_signer(&self) -> &str {
        &self.document_signer
    }

    /// The MSO validity.
    pub fn validity(&self) -> &ValidityInfo {
        &self.mso.validity_info
    }

    /// The device key the document is bound to.
    pub fn device_key(&self) -> &PublicKey {
        &self.mso.device_key_info.device_key
    }

    /// The device key with its authorizations.
    pub fn device_key_info(&self) -> &DeviceKeyInfo {
        &self.mso.device_key_info
    }

    /// Typed claims of the disclosed elements.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }

    /// The verified elements, per namespace.
    pub fn elements(&self) -> &Elements {
        &self.elements
    }

    /// A verified element, if disclosed.
    pub fn element(&self, namespace: &str, identifier: &str) -> Option<&ciborium::value::Value> {
        self.elements.get(namespace)?.get(identifier)
    }

    /// The verified Mobile Security Object.
    pub fn mso(&self) -> &MobileSecurityObject {
        &self.mso
    }
}
