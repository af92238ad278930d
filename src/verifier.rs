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
//!    and the DS country is the IACA's (`country_mismatch`); an authority
//!    from a signed list must be inside its listed validity
//!    (`authority_not_yet_valid`, `authority_expired`) and its list not
//!    stale (`trust_list_stale`, see [`crate::trust::TrustStore`]);
//! 4. the MSO decodes (`invalid_structure`, `unsupported_digest_algorithm`,
//!    ...), was signed while the DS certificate was valid
//!    (`mso_signed_outside_certificate`), the authority may issue its doc
//!    type (`doc_type_not_allowed`),
//!    and it is the doc type the caller expects (`doc_type_mismatch`);
//! 5. every disclosed element has a digest under its namespace and digestID
//!    (`digest_missing`) equal to the digest of its tag-24 bytes as received
//!    (`digest_mismatch`), with no digestID or element disclosed twice
//!    (`duplicate_element`); a disclosed `issuing_country` names the DS
//!    country (`country_mismatch`);
//! 6. validFrom <= now <= validUntil, widened by the clock skew
//!    (`not_yet_valid`, `expired`);
//! 7. the acceptance policy accepts (country, doc type) (`not_accepted`);
//! 8. when the MSO references a status list: the Status List Token given
//!    by the caller (see [`crate::status`]) is signed under an IACA of the
//!    same authority, is for the referenced URI and is current, and the
//!    document's entry is VALID (`revoked`, `suspended`,
//!    `status_token_missing`, ...); [`VerifiedDocument::status`] says what
//!    was found.

use std::collections::{BTreeMap, BTreeSet};

use time::{Duration, OffsetDateTime};

use crate::cose::{PublicKey, SoftwareKey};
use crate::device_auth;
use crate::device_response::{DeviceResponse, Document, ElementErrors};
use crate::documents::{Claims, Elements};
use crate::error::{Error, Result};
use crate::issuer_signed::IssuerSigned;
use crate::mso::{DeviceKeyInfo, MobileSecurityObject, ValidityInfo};
use crate::status::check::document_status;
use crate::status::{StatusOutcome, StatusPolicy};
use crate::trust::{AcceptancePolicy, IssuingAuthority, ListSource, TrustedAuthorities};
use crate::x509::{self, Certificate};

/// Status List Tokens fetched by the app, keyed by the URI documents
/// reference (the tokens' `sub`).
pub type StatusTokens = BTreeMap<String, Vec<u8>>;

/// The token for the status list `issuer_signed` references, if any; the
/// MSO is decoded again here (unverified) only to read the URI.
fn status_token_for<'a>(
    issuer_signed: &IssuerSigned,
    tokens: &'a StatusTokens,
) -> Result<Option<&'a [u8]>> {
    let uri = issuer_signed
        .mso_unverified()?
        .status
        .and_then(|s| s.status_list)
        .map(|list| list.uri);
    Ok(uri.and_then(|u| tokens.get(&u)).map(Vec::as_slice))
}

/// Clock skew allowed by default when comparing `now` with the MSO validity
/// (defined in [`crate::clock`], below the status checks that use it too).
pub use crate::clock::DEFAULT_CLOCK_SKEW;

/// Element identifier whose value must name the issuing country when disclosed.
const ISSUING_COUNTRY: &str = "issuing_country";

/// Verifies documents against trusted issuing authorities and a policy.
#[derive(Debug, Clone)]
pub struct Verifier {
    authorities: TrustedAuthorities,
    policy: AcceptancePolicy,
    clock_skew: Duration,
    status_policy: StatusPolicy,
}

impl Verifier {
    /// A verifier trusting the authorities `store` holds now (a snapshot:
    /// build a new verifier after the store takes an update) and accepting
    /// what `policy` accepts. Staleness and listed validity are checked at
    /// each verification's `now`.
    pub fn from_store(
        store: &crate::trust::TrustStore,
        policy: AcceptancePolicy,
    ) -> Result<Verifier> {
        Ok(Verifier::new(store.trusted_authorities()?, policy))
    }

    /// A verifier trusting `authorities` and accepting what `policy` accepts.
    pub fn new(authorities: TrustedAuthorities, policy: AcceptancePolicy) -> Verifier {
        Verifier {
            authorities,
            policy,
            clock_skew: DEFAULT_CLOCK_SKEW,
            status_policy: StatusPolicy::fail_closed(),
        }
    }

    /// Sets what to do about document status (the default fails closed:
    /// see [`StatusPolicy`]).
    pub fn with_status_policy(mut self, policy: StatusPolicy) -> Verifier {
        self.status_policy = policy;
        self
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
    ///
    /// No Status List Token is given: a document that references a status
    /// list is refused (`status_token_missing`) unless the status policy
    /// allows missing tokens; use [`Verifier::verify_with_status`] for those.
    pub fn verify(
        &self,
        issuer_signed: &IssuerSigned,
        expected_doc_type: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<VerifiedDocument> {
        self.verify_with_status(issuer_signed, expected_doc_type, None, now)
    }

    /// Decodes and verifies an encoded IssuerSigned at `now`, with the
    /// Status List Token the app fetched from the document's status URI, if
    /// any (see [`Verifier::verify_with_status`]).
    pub fn verify_bytes_with_status(
        &self,
        bytes: &[u8],
        status_token: Option<&[u8]>,
        now: OffsetDateTime,
    ) -> Result<VerifiedDocument> {
        self.verify_with_status(&IssuerSigned::from_slice(bytes)?, None, status_token, now)
    }

    /// Verifies an IssuerSigned at `now` as [`Verifier::verify`] does, then
    /// its status (step 8 of the [module documentation](self)) against
    /// `status_token`: the encoded Status List Token the app fetched from
    /// the URI in the MSO (the library does no I/O). A token given for a
    /// document without a status reference is ignored.
    pub fn verify_with_status(
        &self,
        issuer_signed: &IssuerSigned,
        expected_doc_type: Option<&str>,
        status_token: Option<&[u8]>,
        now: OffsetDateTime,
    ) -> Result<VerifiedDocument> {
        let issuer_auth = issuer_signed.issuer_auth();
        let chain = issuer_auth.x5chain()?;
        let ds_der = chain.first().ok_or(Error::X5ChainMissing)?;
        let ds = Certificate::from_der(ds_der)?;

        issuer_auth.verify(ds.public_key(), b"")?;

        let authority = self.trusted_authority_for(&ds, now)?;

        let mso = issuer_signed.mso_unverified()?;
        // ISO/IEC 18013-5 9.3.1: the MSO was signed while its signer's
        // certificate was valid.
        let signed = mso.validity_info.signed;
        if signed < ds.not_before() || signed > ds.not_after() {
            return Err(Error::MsoSignedOutsideCertificate(format!(
                "signed {signed}, certificate {:?} valid {} .. {}",
                ds.subject(),
                ds.not_before(),
                ds.not_after()
            )));
        }
        if !authority.may_issue(&mso.doc_type) {
            return Err(Error::DocTypeNotAllowed(format!(
                "{} ({}) may not issue {}",
                authority.name(),
                authority.country(),
                mso.doc_type
            )));
        }
        if let Some(expected) = expected_doc_type
            && expected != mso.doc_type
        {
            return Err(Error::DocTypeMismatch(format!(
                "document says {expected}, MSO says {}",
                mso.doc_type
            )));
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

        let status = document_status(
            mso.status.as_ref(),
            authority,
            status_token,
            &self.status_policy,
            now,
            self.clock_skew,
        )?;

        let claims = Claims::from_elements(&mso.doc_type, &elements)?;
        Ok(VerifiedDocument {
            status,
            holder_bound: false,
            element_errors: ElementErrors::new(),
            device_signed: Elements::new(),
            doc_type: mso.doc_type.clone(),
            issuing_country: authority.country().to_string(),
            authority_id: authority.id().to_string(),
            authority_name: authority.name().to_string(),
            document_signer: ds.subject().to_string(),
            trust_source: authority.source().cloned(),
            claims,
            elements,
            mso,
        })
    }

    /// Verifies a DeviceResponse at `now` against the verifier's own
    /// SessionTranscriptBytes: for each document, issuer data authentication
    /// as in [`Verifier::verify`], then device authentication (see
    /// [`crate::device_auth`]). `reader_key` is the reader's ephemeral P-256
    /// private key, needed only for documents authenticated with deviceMac.
    ///
    /// A malformed response is an error; otherwise each document gets its own
    /// outcome, and the response status and document errors are reported.
    /// Documents that reference a status list need their token: use
    /// [`Verifier::verify_device_response_with_status`].
    pub fn verify_device_response(
        &self,
        bytes: &[u8],
        session_transcript_bytes: &[u8],
        reader_key: Option<&SoftwareKey>,
        now: OffsetDateTime,
    ) -> Result<ResponseVerification> {
        self.verify_device_response_with_status(
            bytes,
            session_transcript_bytes,
            reader_key,
            &StatusTokens::new(),
            now,
        )
    }

    /// [`Verifier::verify_device_response`] with the Status List Tokens the
    /// app fetched, keyed by the URI the documents reference; each document
    /// is checked against the token for its own URI (see
    /// [`Verifier::verify_with_status`]).
    pub fn verify_device_response_with_status(
        &self,
        bytes: &[u8],
        session_transcript_bytes: &[u8],
        reader_key: Option<&SoftwareKey>,
        status_tokens: &StatusTokens,
        now: OffsetDateTime,
    ) -> Result<ResponseVerification> {
        let response = DeviceResponse::from_slice(bytes)?;
        let documents = response
            .documents
            .iter()
            .map(|document| {
                let token = status_token_for(document.issuer_signed(), status_tokens)?;
                self.verify_document_with_status(
                    document,
                    session_transcript_bytes,
                    reader_key,
                    token,
                    now,
                )
            })
            .collect();
        Ok(ResponseVerification {
            status: response.status,
            doc_types: response
                .documents
                .iter()
                .map(|d| d.doc_type().to_string())
                .collect(),
            documents,
            document_errors: response.document_errors,
        })
    }

    /// Verifies one presented document: issuer data authentication, then
    /// device authentication against `session_transcript_bytes`.
    pub fn verify_document(
        &self,
        document: &Document,
        session_transcript_bytes: &[u8],
        reader_key: Option<&SoftwareKey>,
        now: OffsetDateTime,
    ) -> Result<VerifiedDocument> {
        self.verify_document_with_status(document, session_transcript_bytes, reader_key, None, now)
    }

    /// [`Verifier::verify_document`] with the Status List Token for the
    /// document's status reference, if it has one.
    pub fn verify_document_with_status(
        &self,
        document: &Document,
        session_transcript_bytes: &[u8],
        reader_key: Option<&SoftwareKey>,
        status_token: Option<&[u8]>,
        now: OffsetDateTime,
    ) -> Result<VerifiedDocument> {
        let mut verified = self.verify_with_status(
            document.issuer_signed(),
            Some(document.doc_type()),
            status_token,
            now,
        )?;
        device_auth::verify_device_auth(
            document,
            &verified.mso,
            session_transcript_bytes,
            reader_key,
        )?;
        verified.holder_bound = true;
        verified.element_errors = document.errors().clone();
        verified.device_signed = document.device_signed().name_spaces()?;
        Ok(verified)
    }

    /// Finds the trusted authority whose IACA issued `ds` and checks the chain.
    fn trusted_authority_for(
        &self,
        ds: &Certificate,
        now: OffsetDateTime,
    ) -> Result<&IssuingAuthority> {
        // Every candidate is tried: a renewed IACA may sit beside an expired
        // copy with the same name and key, and another list may vouch for the
        // same IACA. Of the refusals, the most telling one is kept.
        let mut refusal = None;
        for (authority, iaca) in self.authorities.candidates_for(ds) {
            let outcome = x509::verify_document_signer(ds, iaca, now).and_then(|()| {
                authority.check_valid_at(now)?;
                authority
                    .source()
                    .map_or(Ok(()), |source| source.check_fresh(now))
            });
            match outcome {
                Ok(()) => return Ok(authority),
                Err(e) => crate::error::keep_most_telling(&mut refusal, e),
            }
        }
        Err(refusal.unwrap_or_else(|| {
            Error::UntrustedIssuer(format!(
                "no trusted IACA named {:?} (issuer of {:?})",
                ds.issuer(),
                ds.subject()
            ))
        }))
    }

    fn check_validity(&self, validity: &ValidityInfo, now: OffsetDateTime) -> Result<()> {
        if now.saturating_add(self.clock_skew) < validity.valid_from {
            return Err(Error::NotYetValid(format!(
                "valid from {}",
                validity.valid_from
            )));
        }
        if now.saturating_sub(self.clock_skew) > validity.valid_until {
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
    status: StatusOutcome,
    holder_bound: bool,
    element_errors: ElementErrors,
    device_signed: Elements,
    doc_type: String,
    issuing_country: String,
    authority_id: String,
    authority_name: String,
    document_signer: String,
    trust_source: Option<ListSource>,
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

    /// The signed list (operator, sequence) that vouched for the issuing
    /// authority; `None` when the authority was configured by hand.
    pub fn trust_source(&self) -> Option<&ListSource> {
        self.trust_source.as_ref()
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

    /// What the status check found: no status referenced, VALID, not
    /// checked (allowed by the policy), or another value the policy accepts.
    /// Revoked and suspended documents never get this far.
    pub fn status(&self) -> StatusOutcome {
        self.status
    }

    /// Whether device authentication proved the presenter holds the device
    /// key, for the verifier's session (always false for a bare IssuerSigned).
    pub fn holder_bound(&self) -> bool {
        self.holder_bound
    }

    /// Device-signed elements, checked against the MSO keyAuthorizations and
    /// covered by the device authentication (empty for a bare IssuerSigned).
    pub fn device_signed_elements(&self) -> &Elements {
        &self.device_signed
    }

    /// Requested elements the holder reported it could not return.
    pub fn element_errors(&self) -> &ElementErrors {
        &self.element_errors
    }
}

/// The outcome of [`Verifier::verify_device_response`].
#[derive(Debug, Clone)]
pub struct ResponseVerification {
    /// The response status (0 is OK).
    pub status: u64,
    /// The doc type each returned document claims, in response order (as
    /// received: a verified document's MSO confirms it).
    pub doc_types: Vec<String>,
    /// Each returned document's outcome, in response order.
    pub documents: Vec<Result<VerifiedDocument>>,
    /// Doc types the holder could not return, with their ISO error codes.
    pub document_errors: Vec<(String, i64)>,
}

impl ResponseVerification {
    /// The first document's outcome; `document_not_returned` when the
    /// response holds none (with the status and document errors in the
    /// message).
    pub fn into_first(self) -> Result<VerifiedDocument> {
        let detail = format!(
            "status {}, document errors {:?}",
            self.status, self.document_errors
        );
        self.documents
            .into_iter()
            .next()
            .unwrap_or(Err(Error::DocumentNotReturned(detail)))
    }

    /// The outcome of the first document of `doc_type`, the one the
    /// verifier asked for; `document_not_returned` when the response holds
    /// none. A reader that asked for a driving licence is never handed
    /// another document type this way.
    pub fn into_doc_type(self, doc_type: &str) -> Result<VerifiedDocument> {
        let detail = format!(
            "no {doc_type} (status {}, document errors {:?})",
            self.status, self.document_errors
        );
        self.doc_types
            .iter()
            .zip(self.documents)
            .find(|(claimed, _)| claimed.as_str() == doc_type)
            .map(|(_, outcome)| outcome)
            .unwrap_or(Err(Error::DocumentNotReturned(detail)))
    }
}
