//! Online requests on the same consent screen: an OpenID4VP DCQL query
//! (by redirect or through the Digital Credentials API) prepared like a
//! DeviceRequest, approved with the same [`Consent`], answered as a
//! vp_token.
//!
//! The query is mapped as OpenID4VP 1.0 section 6.4 says a wallet answers
//! it: per `mso_mdoc` credential query, the least-shown stored copy of the
//! doc type that satisfies the first claim set it can (every claim when
//! there are no claim sets), with each claim's `intent_to_retain`; then,
//! per credential set, only its first satisfiable option, optional sets
//! included (the holder can still decline them). A required set, or
//! without sets any query, that nothing satisfies refuses the whole request
//! with `credential_missing`, since the specification forbids a partial
//! answer; optional queries that cannot be answered are listed in
//! [`PreparedPresentation::unanswered`] for the screen to say so.
//!
//! Consent is per doc type, as for a DeviceRequest: two chosen queries of
//! one doc type share the holder's approvals.
//! (The org-iso-mdoc protocol of the DC API carries a DeviceRequest:
//! [`Wallet::prepare`] reads it as it is.)

use std::collections::BTreeSet;

use time::OffsetDateTime;

use crate::device_response::{DEVICE_RESPONSE_VERSION, DeviceResponse, STATUS_OK};
use crate::error::{Error, Result};
use crate::holder::consent::Consent;
use crate::holder::prepared::{
    PreparedPresentation, PreparedRequest, RequestedElement, UnansweredQuery, UnansweredReason,
};
use crate::holder::reader::{ReaderRoot, ReaderStatus};
use crate::holder::wallet::Wallet;
use crate::holder::{DeviceSigner, Presentation};
use crate::oid4vp::dcql::{CredentialQuery, DcqlQuery, MSO_MDOC};
use crate::oid4vp::{Expected, SignedRequest, VpToken, WalletRequest};

/// One credential query matched to a stored copy and a claim set.
struct Matched<'q> {
    query: &'q CredentialQuery,
    copy: usize,
    claim_set: Option<Vec<String>>,
}

impl Wallet {
    /// Verifies a signed OpenID4VP request object against `roots` at `now`
    /// ([`SignedRequest::verify`]) and the verifier's certificate against
    /// this wallet's reader CRLs ([`Wallet::set_reader_crls`]), as a
    /// readerAuth reader's is; without reader CRLs its outcome is
    /// [`crate::CrlOutcome::Disabled`]. See
    /// [`SignedRequest::verify_with_crls`] for the codes.
    pub fn verify_signed_request(
        &self,
        request_object: &[u8],
        expected: &Expected<'_>,
        roots: &[ReaderRoot],
        now: OffsetDateTime,
    ) -> Result<SignedRequest> {
        SignedRequest::verify_with_crls(request_object, expected, roots, self.reader_crls(), now)
    }

    /// Phase one for an OpenID4VP request: [`Wallet::prepare_dcql`] with the
    /// request's query and session transcript.
    pub fn prepare_openid4vp(
        &self,
        request: &WalletRequest,
        reader: ReaderStatus,
        now: OffsetDateTime,
    ) -> Result<PreparedPresentation> {
        self.prepare_dcql(
            request.query(),
            request.session_transcript_bytes(),
            reader,
            now,
        )
    }

    /// Phase one for a DCQL query (see the module docs for the mapping):
    /// one [`PreparedRequest`] per credential query the response would
    /// answer, in query order, each with its
    /// [`PreparedRequest::credential_query_id`] and the claims of the claim
    /// set chosen, all available; the queries that cannot be answered in
    /// [`PreparedPresentation::unanswered`].
    ///
    /// `reader` is what the app established about the verifier (an
    /// unsigned request is [`ReaderStatus::Unauthenticated`] with
    /// `reader_auth_missing`); under [`crate::HolderPolicy::require_reader_auth`]
    /// anything but an authenticated reader is refused with
    /// `reader_auth_missing`.
    pub fn prepare_dcql(
        &self,
        query: &DcqlQuery,
        session_transcript_bytes: &[u8],
        reader: ReaderStatus,
        now: OffsetDateTime,
    ) -> Result<PreparedPresentation> {
        if self.policy().require_reader_auth && reader.identity().is_none() {
            return Err(Error::ReaderAuthMissing);
        }
        let mut matched = Vec::new();
        let mut unanswered = Vec::new();
        for credential in &query.credentials {
            if credential.format != MSO_MDOC {
                unanswered.push(UnansweredQuery {
                    id: credential.id.clone(),
                    doc_type: String::new(),
                    reason: UnansweredReason::OtherFormat,
                });
                continue;
            }
            match self.least_shown_satisfying(credential)? {
                Some((copy, claim_set)) => matched.push(Matched {
                    query: credential,
                    copy,
                    claim_set,
                }),
                None => unanswered.push(UnansweredQuery {
                    id: credential.id.clone(),
                    doc_type: credential.doctype_value.clone(),
                    reason: UnansweredReason::NoMatchingDocument,
                }),
            }
        }
        let answered: BTreeSet<String> = matched.iter().map(|m| m.query.id.clone()).collect();
        query.check_answered(&answered)?;
        if !query.credential_sets.is_empty() {
            let mut keep = BTreeSet::new();
            for set in &query.credential_sets {
                if let Some(option) = set
                    .options
                    .iter()
                    .find(|o| o.iter().all(|id| answered.contains(id)))
                {
                    keep.extend(option.iter().cloned());
                }
            }
            matched.retain(|m| keep.contains(&m.query.id));
        }
        let mut requests = Vec::with_capacity(matched.len());
        for m in matched {
            let wanted = |id: &Option<String>| match &m.claim_set {
                None => true,
                Some(set) => id.as_ref().is_some_and(|id| set.contains(id)),
            };
            let elements = m
                .query
                .claims
                .iter()
                .filter(|c| wanted(&c.id))
                .map(|c| RequestedElement {
                    namespace: c.namespace.clone(),
                    element: c.element.clone(),
                    intent_to_retain: c.intent_to_retain,
                    available: true,
                })
                .collect();
            requests.push(PreparedRequest {
                doc_type: m.query.doctype_value.clone(),
                reader: reader.clone(),
                document: self.documents().get(m.copy).cloned(),
                copy: Some(m.copy),
                copy_already_shown: self.shown().get(m.copy).is_some_and(|&n| n > 0),
                elements,
                credential_query_id: Some(m.query.id.clone()),
            });
        }
        Ok(PreparedPresentation {
            session_transcript_bytes: session_transcript_bytes.to_vec(),
            now,
            requests,
            unanswered,
        })
    }

    /// Phase two for an online request: [`Wallet::approve`], then each
    /// Document in its own DeviceResponse under its credential query id, as
    /// the vp_token carries them. A request with nothing approved is simply
    /// not answered (the verifier's
    /// [`crate::oid4vp::VerifierRequest::read_response`] then says
    /// `credential_missing` if it was required). `invalid_argument` for a
    /// presentation not prepared from a DCQL query.
    pub fn approve_vp_token(
        &mut self,
        prepared: &PreparedPresentation,
        consent: &Consent,
        signers: &[&dyn DeviceSigner],
    ) -> Result<(VpToken, Presentation)> {
        if prepared
            .requests()
            .iter()
            .any(|r| r.credential_query_id().is_none())
        {
            return Err(Error::InvalidArgument(
                "a vp_token answers a presentation prepared from a DCQL query".into(),
            ));
        }
        let (presentation, returned) = self.approve_returned(prepared, consent, signers)?;
        let mut token = VpToken::default();
        let mut documents = presentation.response.documents.iter();
        for (request, returned) in prepared.requests().iter().zip(returned) {
            if !returned {
                continue;
            }
            let (Some(id), Some(document)) = (request.credential_query_id(), documents.next())
            else {
                return Err(Error::InvalidArgument(
                    "a returned request without its document".into(),
                ));
            };
            let response = DeviceResponse {
                version: DEVICE_RESPONSE_VERSION.to_string(),
                documents: vec![document.clone()],
                document_errors: Vec::new(),
                status: STATUS_OK,
            };
            token.add(id, response.to_vec()?);
        }
        Ok((token, presentation))
    }

    /// The least-shown copy (first of those) of the query's doc type that
    /// satisfies it, with the claim set it satisfies.
    fn least_shown_satisfying(
        &self,
        query: &CredentialQuery,
    ) -> Result<Option<(usize, Option<Vec<String>>)>> {
        let mut best: Option<(usize, u32, Option<Vec<String>>)> = None;
        for (index, document) in self.documents().iter().enumerate() {
            if document.mso_unverified()?.doc_type != query.doctype_value {
                continue;
            }
            let Some(claim_set) = query.satisfied_by(document) else {
                continue;
            };
            let shown = self.shown().get(index).copied().unwrap_or(0);
            if best.as_ref().is_none_or(|(_, fewest, _)| shown < *fewest) {
                best = Some((index, shown, claim_set));
            }
        }
        Ok(best.map(|(index, _, set)| (index, set)))
    }
}
