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
//!
//!    3b. when CRLs are checked (a CRL policy on the verifier, or CRLs in the
//!    options): the DS certificate against its IACA's CRL
//!    (`certificate_revoked`, `crl_missing`, `crl_stale`, and the other
//!    `crl_*` codes of [`crate::x509::crl`]);
//!    [`VerifiedDocument::certificate_revocation`] says what was found;
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
//! 8. when the MSO references a status list or an identifier list: each
//!    token given by the caller (see [`crate::status`]) is signed under an
//!    IACA of the same authority, is for the referenced URI and is current,
//!    and the document's entry is VALID and its identifier not listed
//!    (`revoked`, `suspended`, `status_token_missing`, ...);
//!    [`VerifiedDocument::status`] says what was found.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use time::{Duration, OffsetDateTime};

use crate::device_auth;
use crate::device_response::{DeviceResponse, Document, ElementErrors, ErrorCode, ResponseStatus};
use crate::documents::{Claims, Elements};
use crate::error::{Error, Result};
use crate::issuer_signed::{IssuerSigned, IssuerSignedItemBytes, NameSpaces, ReceivedItem};
use crate::mso::ValidityInfo;
use crate::status::StatusPolicy;
use crate::status::check::{StatusInputs, document_status_with};
use crate::trust::{AcceptancePolicy, IssuingAuthority, TrustedAuthorities};
use crate::x509::crl::{CrlOutcome, CrlPolicy, CrlSet, check_chain};
use crate::x509::{self, Certificate};

mod bulk;
mod cache;
mod elements;
mod input;
mod options;
mod verified;

pub use cache::{CacheStats, DEFAULT_CAPACITY as DEFAULT_CERTIFICATE_CACHE_CAPACITY};
pub use input::{Presented, PresentedResponse};
pub use options::VerifyOptions;
pub use verified::{ResponseVerification, VerifiedDocument};

/// Status List Tokens fetched by the app, keyed by the URI documents
/// reference (the tokens' `sub`).
pub type StatusTokens = BTreeMap<String, Vec<u8>>;

/// Clock skew allowed by default when comparing `now` with the MSO validity
/// (defined in [`crate::clock`], below the status checks that use it too).
pub use crate::clock::DEFAULT_CLOCK_SKEW;

/// Element identifier whose value must name the issuing country when disclosed.
const ISSUING_COUNTRY: &str = "issuing_country";

/// Verifies documents against trusted issuing authorities and a policy.
///
/// Build one per trust configuration ([`Verifier::new`] or
/// [`Verifier::from_store`]) and reuse it; each verification takes what
/// arrived and one [`VerifyOptions`]:
///
/// | what arrived | entry point | options it needs |
/// |---|---|---|
/// | an IssuerSigned (import check, backend-to-backend), bytes or decoded | [`Verifier::verify`] | `now`; a status token if the document references a list |
/// | a DeviceResponse (a presentation), bytes or decoded | [`Verifier::verify_response`] | `now`, the session transcript; the reader's ephemeral key for deviceMac |
/// | one [`Document`] of a decoded response | [`Verifier::verify`] | as for a response |
///
/// Every refusal is an [`Error`] with a stable [`Error::code`]; with the
/// `serde` feature, `docbridge::report::Report` turns an outcome into the
/// documented JSON.
///
/// A verifier remembers the Document Signer certificates it has chained to
/// its authorities (see [`Verifier::certificate_cache`]); its clones share
/// that memory, which is sound because none of them can change the
/// authorities.
#[derive(Debug, Clone)]
pub struct Verifier {
    authorities: TrustedAuthorities,
    policy: AcceptancePolicy,
    clock_skew: Duration,
    status_policy: StatusPolicy,
    crl_policy: Option<CrlPolicy>,
    cache: Arc<cache::CertificateCache>,
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
            crl_policy: None,
            cache: Arc::new(cache::CertificateCache::new(cache::DEFAULT_CAPACITY)),
        }
    }

    /// Bounds the certificate cache at `capacity` Document Signer
    /// certificates (default [`DEFAULT_CERTIFICATE_CACHE_CAPACITY`]; 0 turns
    /// it off). The cache starts empty.
    ///
    /// The cache keeps the outcome of the checks that do not depend on the
    /// time (both certificates' profiles and the IACA's signature over the
    /// Document Signer's TBSCertificate); validity at `now`, the countries,
    /// the authority's listed validity and its list's freshness run at every
    /// verification. It never outlives the trust it was checked under: a
    /// verifier's authorities never change, and a new trust store means a
    /// new verifier ([`Verifier::from_store`]).
    pub fn with_certificate_cache_capacity(mut self, capacity: usize) -> Verifier {
        self.cache = Arc::new(cache::CertificateCache::new(capacity));
        self
    }

    /// How the certificate cache has served this verifier (and its clones)
    /// so far.
    pub fn certificate_cache(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Sets what to do about document status (the default fails closed:
    /// see [`StatusPolicy`]).
    pub fn with_status_policy(mut self, policy: StatusPolicy) -> Verifier {
        self.status_policy = policy;
        self
    }

    /// Turns the CRL check of Document Signer certificates on, under
    /// `policy` (see [`CrlPolicy`]): every verification then needs the CRLs
    /// ([`VerifyOptions::crls`]); none given is `crl_missing` unless the
    /// policy allows unchecked certificates. Without this call the check
    /// runs, failing closed, only when a verification is given CRLs.
    pub fn with_crl_policy(mut self, policy: CrlPolicy) -> Verifier {
        self.crl_policy = Some(policy);
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

    /// Verifies one document as it arrived (an encoded or decoded
    /// IssuerSigned, or a Document of a DeviceResponse) with `options`.
    ///
    /// An IssuerSigned gets issuer data authentication (steps 1 to 8 of the
    /// [module documentation](self)); a Document also device authentication
    /// against [`VerifyOptions::transcript`], which it requires. Bytes
    /// holding a DeviceResponse are refused with `invalid_structure` and a
    /// message pointing to [`Verifier::verify_response`].
    ///
    /// ```
    /// # #[cfg(feature = "demo")] // the demo authority below
    /// # fn main() -> Result<(), docbridge::Error> {
    /// use docbridge::{
    ///     AcceptancePolicy, Algorithm, DemoAuthority, DrivingLicence, Issuer, Signer, SoftwareKey,
    ///     TrustedAuthorities, ValidityInfo, Verifier, VerifyOptions, documents::samples,
    /// };
    /// use time::macros::datetime;
    ///
    /// # let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    /// # let ukraine = DemoAuthority::generate(
    /// #     "UA", "Diia", Algorithm::EdDsa, &[DrivingLicence::DOC_TYPE],
    /// #     datetime!(2026-01-01 0:00 UTC), datetime!(2031-01-01 0:00 UTC), &mut rng,
    /// # )?;
    /// # let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    /// # let bytes = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?
    /// #     .issue_document(
    /// #         &samples::driving_licence_ua(),
    /// #         &device_key.public_key(),
    /// #         &ValidityInfo::new(
    /// #             datetime!(2026-10-30 9:00 UTC),
    /// #             datetime!(2026-11-01 0:00 UTC),
    /// #             datetime!(2027-11-01 0:00 UTC),
    /// #         ),
    /// #         &mut rng,
    /// #     )?
    /// #     .to_vec()?;
    /// // `bytes`: an IssuerSigned a Ukrainian issuer made, imported by a Polish backend.
    /// let trusted = TrustedAuthorities::from_authorities([ukraine.authority.clone()])?;
    /// let verifier = Verifier::new(trusted, AcceptancePolicy::polish_default());
    /// let options = VerifyOptions::at(datetime!(2026-11-29 12:00 UTC))
    ///     .doc_type(DrivingLicence::DOC_TYPE);
    /// let verified = verifier.verify(&bytes, &options)?;
    /// assert_eq!(verified.issuing_country(), "UA");
    /// assert!(!verified.holder_bound()); // no device authentication without a session
    ///
    /// // A DeviceResponse handed over as an IssuerSigned says what it is.
    /// let response = docbridge::DeviceResponse {
    ///     version: "1.0".into(),
    ///     documents: vec![],
    ///     document_errors: vec![],
    ///     status: docbridge::device_response::ResponseStatus::Ok,
    /// };
    /// let refused = verifier.verify(&response.to_vec()?, &options).unwrap_err();
    /// assert_eq!(refused.code(), "invalid_structure");
    /// assert!(refused.to_string().contains("this is a DeviceResponse"));
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "demo"))]
    /// # fn main() {}
    /// ```
    pub fn verify<'a>(
        &self,
        presented: impl Into<Presented<'a>>,
        options: &VerifyOptions<'_>,
    ) -> Result<VerifiedDocument> {
        match presented.into() {
            Presented::IssuerSignedBytes(bytes) => {
                let (name_spaces, issuer_auth) = IssuerSigned::parts_from_slice(bytes)?;
                let issuer_signed = IssuerSigned::new(Vec::new(), issuer_auth);
                let disclosed = Disclosed::Received(name_spaces);
                self.verify_issuer_signed(&issuer_signed, disclosed, options)
            }
            Presented::IssuerSigned(issuer_signed) => {
                let disclosed = Disclosed::Borrowed(issuer_signed.name_spaces());
                self.verify_issuer_signed(issuer_signed, disclosed, options)
            }
            Presented::Document(document) => {
                let transcript = required_transcript(options, "a Document")?;
                let disclosed = Disclosed::Borrowed(document.issuer_signed().name_spaces());
                self.verify_document(document, disclosed, transcript, options)
            }
        }
    }

    /// Verifies a DeviceResponse against the verifier's own
    /// SessionTranscriptBytes ([`VerifyOptions::transcript`], required): for
    /// each document, issuer data authentication as in
    /// [`Verifier::verify`], then device authentication (see
    /// [`crate::device_auth`]), with the reader's ephemeral key
    /// ([`VerifyOptions::reader_key`]) for documents authenticated with
    /// deviceMac and the status token for each document's own URI.
    ///
    /// A malformed response is an error; otherwise each document gets its
    /// own outcome, and the response status and document errors are
    /// reported. Bytes holding an IssuerSigned are refused with
    /// `invalid_structure` and a message pointing to [`Verifier::verify`].
    ///
    /// ```
    /// # #[cfg(feature = "demo")] // the demo authority below
    /// # fn main() -> Result<(), docbridge::Error> {
    /// use docbridge::{
    ///     AcceptancePolicy, Algorithm, DemoAuthority, DeviceRequest, DrivingLicence, Issuer,
    ///     ItemsRequest, ReaderCheck, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo,
    ///     Verifier, VerifyOptions, documents::samples, present, transcript,
    /// };
    /// use time::macros::datetime;
    ///
    /// # let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    /// # let now = datetime!(2026-11-29 12:00 UTC);
    /// # let ukraine = DemoAuthority::generate(
    /// #     "UA", "Diia", Algorithm::EdDsa, &[DrivingLicence::DOC_TYPE],
    /// #     datetime!(2026-01-01 0:00 UTC), datetime!(2031-01-01 0:00 UTC), &mut rng,
    /// # )?;
    /// # let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    /// # let licence = Issuer::new(&ukraine.ds_key, &ukraine.ds_certificate)?.issue_document(
    /// #     &samples::driving_licence_ua(),
    /// #     &device_key.public_key(),
    /// #     &ValidityInfo::new(
    /// #         datetime!(2026-10-30 9:00 UTC),
    /// #         datetime!(2026-11-01 0:00 UTC),
    /// #         datetime!(2027-11-01 0:00 UTC),
    /// #     ),
    /// #     &mut rng,
    /// # )?;
    /// // The checking backend's own transcript, sent to the wallet with its request.
    /// let session = transcript::backend_nonce("mObywatel backend", &[7; 16])?;
    /// let request = DeviceRequest::build(
    ///     &[ItemsRequest::new(DrivingLicence::DOC_TYPE)
    ///         .element(DrivingLicence::NAMESPACE, "family_name", false)],
    ///     None,
    ///     &session,
    /// )?;
    /// // The wallet answers (here in the same process).
    /// let response = present(&[licence], &request, &session, &device_key, ReaderCheck::Skip, now)?
    ///     .response
    ///     .to_vec()?;
    ///
    /// let trusted = TrustedAuthorities::from_authorities([ukraine.authority.clone()])?;
    /// let verifier = Verifier::new(trusted, AcceptancePolicy::accept_all());
    /// let options = VerifyOptions::at(now).transcript(&session);
    /// let licence = verifier
    ///     .verify_response(&response, &options)?
    ///     .into_doc_type(DrivingLicence::DOC_TYPE)?;
    /// assert!(licence.holder_bound());
    ///
    /// // Without the transcript there is no device authentication to check.
    /// let refused = verifier.verify_response(&response, &VerifyOptions::at(now)).unwrap_err();
    /// assert_eq!(refused.code(), "invalid_argument");
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "demo"))]
    /// # fn main() {}
    /// ```
    pub fn verify_response<'a>(
        &self,
        response: impl Into<PresentedResponse<'a>>,
        options: &VerifyOptions<'_>,
    ) -> Result<ResponseVerification> {
        match response.into() {
            PresentedResponse::Bytes(bytes) => {
                // Decoded here, with each document's disclosed items read
                // beside it as `ReceivedItem`s: their bytes stay where they
                // arrived and their values move into the result.
                let (response, name_spaces) = DeviceResponse::parts_from_slice(bytes)?;
                let transcript = required_transcript(options, "a DeviceResponse")?;
                let doc_types = doc_types(&response);
                let documents = response
                    .documents
                    .iter()
                    .zip(name_spaces)
                    .map(|(document, name_spaces)| {
                        let disclosed = Disclosed::Received(name_spaces);
                        self.verify_document(document, disclosed, transcript, options)
                    })
                    .collect();
                Self::response_outcome(
                    response.status,
                    doc_types,
                    documents,
                    response.document_errors,
                    options,
                )
            }
            PresentedResponse::Decoded(response) => {
                let transcript = required_transcript(options, "a DeviceResponse")?;
                let documents = response
                    .documents
                    .iter()
                    .map(|document| {
                        let disclosed = Disclosed::Borrowed(document.issuer_signed().name_spaces());
                        self.verify_document(document, disclosed, transcript, options)
                    })
                    .collect();
                Self::response_outcome(
                    response.status,
                    doc_types(response),
                    documents,
                    response.document_errors.clone(),
                    options,
                )
            }
        }
    }

    /// The outcome of a response whose documents were verified: refused as
    /// a whole only when one device key is required and they differ.
    fn response_outcome(
        status: ResponseStatus,
        doc_types: Vec<String>,
        documents: Vec<Result<VerifiedDocument>>,
        document_errors: Vec<(String, ErrorCode)>,
        options: &VerifyOptions<'_>,
    ) -> Result<ResponseVerification> {
        let one_device_key = crate::device_response::one_device_key(
            documents
                .iter()
                .filter_map(|d| d.as_ref().ok())
                .map(VerifiedDocument::device_key),
        );
        if options.one_device_key_required() && !one_device_key {
            return Err(Error::DeviceKeysDiffer(format!(
                "{} documents",
                documents.iter().filter(|d| d.is_ok()).count()
            )));
        }
        Ok(ResponseVerification {
            status,
            doc_types,
            documents,
            document_errors,
            one_device_key,
        })
    }

    /// Issuer data authentication of a bare IssuerSigned.
    fn verify_issuer_signed(
        &self,
        issuer_signed: &IssuerSigned,
        disclosed: Disclosed<'_>,
        options: &VerifyOptions<'_>,
    ) -> Result<VerifiedDocument> {
        if options.session_transcript().is_some() {
            return Err(Error::InvalidArgument(
                "a transcript was given for an IssuerSigned, which carries no device \
                 authentication: verify the Document or DeviceResponse it came in"
                    .into(),
            ));
        }
        self.issuer_data_authentication(
            issuer_signed,
            disclosed,
            options.expected_doc_type(),
            options,
        )
    }

    /// Issuer data authentication, then device authentication of one
    /// presented document.
    fn verify_document(
        &self,
        document: &Document,
        disclosed: Disclosed<'_>,
        transcript: &[u8],
        options: &VerifyOptions<'_>,
    ) -> Result<VerifiedDocument> {
        if let Some(expected) = options.expected_doc_type()
            && expected != document.doc_type()
        {
            return Err(Error::DocTypeMismatch(format!(
                "expected {expected}, the document says {}",
                document.doc_type()
            )));
        }
        let mut verified = self.issuer_data_authentication(
            document.issuer_signed(),
            disclosed,
            Some(document.doc_type()),
            options,
        )?;
        device_auth::verify_device_auth(
            document,
            &verified.mso,
            transcript,
            options.ephemeral_reader_key(),
        )?;
        verified.holder_bound = true;
        verified.element_errors = document.errors().clone();
        verified.device_signed = document.device_signed().name_spaces()?;
        Ok(verified)
    }

    /// Steps 1 to 8 of the [module documentation](self).
    fn issuer_data_authentication(
        &self,
        issuer_signed: &IssuerSigned,
        disclosed: Disclosed<'_>,
        expected_doc_type: Option<&str>,
        options: &VerifyOptions<'_>,
    ) -> Result<VerifiedDocument> {
        let now = options.now();
        let issuer_auth = issuer_signed.issuer_auth();
        let chain = issuer_auth.x5chain()?;
        let ds_der = chain.first().ok_or(Error::X5ChainMissing)?;
        // An entry answers only for the very bytes whose chain was checked:
        // another encoding of the same TBSCertificate (an ECDSA twin, a
        // damaged signature) is parsed and checked in full.
        let cached = x509::tbs_of(ds_der)
            .and_then(|tbs| self.cache.get(tbs))
            .filter(|entry| entry.certificate.der() == *ds_der);
        let ds = match &cached {
            Some(entry) => Arc::clone(&entry.certificate),
            None => Arc::new(Certificate::from_der(ds_der)?),
        };
        let chained = cached.as_ref().map_or(&[][..], |entry| &entry.chained);

        issuer_auth.verify(ds.public_key(), b"")?;

        let authority = self.trusted_authority_for(&ds, chained, now)?;
        let certificate_revocation = self.check_revocation(&ds, authority, options)?;

        let mso = issuer_signed.mso_unverified()?;
        // ISO/IEC 18013-5 9.3.1: the MSO was signed while its signer's
        // certificate was valid.
        let signed = mso.validity_info.signed;
        if signed < ds.not_before() || signed > ds.not_after() {
            return Err(Error::MsoSignedOutsideCertificate(format!(
                "signed {signed}, certificate {:?} valid {} .. {}",
                crate::error::excerpt(ds.subject()),
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

        let elements = match disclosed {
            Disclosed::Borrowed(name_spaces) => elements::verified_elements(
                name_spaces.iter().map(|(ns, items)| (ns, items.iter())),
                &mso,
            )?,
            Disclosed::Received(name_spaces) => elements::verified_elements(
                name_spaces
                    .into_iter()
                    .map(|(ns, items)| (ns, items.into_iter())),
                &mso,
            )?,
        };
        check_issuing_country(&elements, authority.country())?;
        self.check_validity(&mso.validity_info, now)?;

        if !self.policy.accepts(authority.country(), &mso.doc_type) {
            return Err(Error::NotAccepted(format!(
                "{} from {}",
                mso.doc_type,
                authority.country()
            )));
        }

        let status_uri = mso
            .status
            .as_ref()
            .and_then(|s| s.status_list.as_ref())
            .map(|list| list.uri.as_str());
        let identifier_list_uri = mso
            .status
            .as_ref()
            .and_then(|s| s.identifier_list.as_ref())
            .map(|list| list.uri.as_str());
        let status = document_status_with(
            mso.status.as_ref(),
            authority,
            StatusInputs {
                status_list_token: options.token_for(status_uri),
                identifier_list_token: options.identifier_list_for(identifier_list_uri),
            },
            &self.status_policy,
            now,
            self.clock_skew,
        )?;

        Claims::check_elements(&mso.doc_type, &elements)?;
        Ok(VerifiedDocument {
            status,
            certificate_revocation,
            holder_bound: false,
            element_errors: ElementErrors::new(),
            device_signed: Elements::new(),
            doc_type: mso.doc_type.clone(),
            issuing_country: authority.country().to_string(),
            authority_id: authority.id().to_string(),
            authority_name: authority.name().to_string(),
            document_signer: ds.subject().to_string(),
            trust_source: authority.source().cloned(),
            claims: OnceLock::new(),
            elements,
            mso,
        })
    }

    /// Step 3b: the Document Signer certificate against the CRLs, when the
    /// verifier has a CRL policy or the options carry CRLs.
    fn check_revocation(
        &self,
        ds: &Certificate,
        authority: &IssuingAuthority,
        options: &VerifyOptions<'_>,
    ) -> Result<CrlOutcome> {
        let empty = CrlSet::new();
        let crls = match (options.crl_set(), self.crl_policy) {
            (None, None) => return Ok(CrlOutcome::Disabled),
            (Some(crls), _) => crls,
            (None, Some(_)) => &empty,
        };
        check_chain(
            std::slice::from_ref(ds),
            authority.iaca_certificates(),
            crls,
            &self.crl_policy.unwrap_or_default(),
            options.now(),
            self.clock_skew,
        )
    }

    /// Finds the trusted authority whose IACA issued `ds` and checks the
    /// chain; `chained` names the candidates the certificate cache says `ds`
    /// already passed the time-independent checks under.
    fn trusted_authority_for(
        &self,
        ds: &Arc<Certificate>,
        chained: &[(usize, usize)],
        now: OffsetDateTime,
    ) -> Result<&IssuingAuthority> {
        // Every candidate is tried: a renewed IACA may sit beside an expired
        // copy with the same name and key, and another list may vouch for the
        // same IACA. Of the refusals, the most telling one is kept.
        let mut refusal = None;
        for (index, authority, iaca) in self.authorities.indexed_candidates_for(ds) {
            let issued = if chained.contains(&index) {
                self.cache.count_hit();
                Ok(())
            } else {
                self.cache.count_chain_check();
                x509::check_document_signer_issued_by(ds, iaca)
                    .inspect(|()| self.cache.insert(ds, index))
            };
            let outcome = issued
                .and_then(|()| x509::check_document_signer_at(ds, iaca, now))
                .and_then(|()| {
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
                crate::error::excerpt(ds.issuer()),
                crate::error::excerpt(ds.subject())
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

/// The disclosed items of one document: borrowed from a structure the
/// caller holds, or read by the verifier from bytes the caller lent, so
/// that no item's bytes are copied and each verified element's value moves
/// into the result (a portrait is copied twice less).
enum Disclosed<'a> {
    Borrowed(&'a [(String, Vec<IssuerSignedItemBytes>)]),
    Received(NameSpaces<ReceivedItem<'a>>),
}

/// The doc type of each document of `response`, in response order.
fn doc_types(response: &DeviceResponse) -> Vec<String> {
    response
        .documents
        .iter()
        .map(|d| d.doc_type().to_string())
        .collect()
}

/// The transcript `what` is verified against, or `invalid_argument`.
fn required_transcript<'a>(options: &VerifyOptions<'a>, what: &str) -> Result<&'a [u8]> {
    options.session_transcript().ok_or_else(|| {
        Error::InvalidArgument(format!(
            "{what} is verified against the session transcript: set VerifyOptions::transcript"
        ))
    })
}

fn check_issuing_country(elements: &Elements, country: &str) -> Result<()> {
    for (ns, ns_elements) in elements {
        if let Some(value) = ns_elements.get(ISSUING_COUNTRY) {
            match value {
                ciborium::value::Value::Text(t) if t == country => {}
                other => {
                    return Err(Error::CountryMismatch(format!(
                        "{}/issuing_country is {}, the issuer is {country}",
                        crate::error::excerpt(ns),
                        crate::error::excerpt_value(other)
                    )));
                }
            }
        }
    }
    Ok(())
}
