//! The wallet: the documents a holder stores, the holder's disclosure
//! policy, and the two phases of answering a reader.

use time::OffsetDateTime;

use crate::device_response::{
    DEVICE_RESPONSE_VERSION, DeviceResponse, ERROR_DATA_NOT_RETURNED, STATUS_OK,
};
use crate::error::Result;
use crate::holder::consent::Consent;
use crate::holder::disclose::{disclose, signer_for};
use crate::holder::prepared::{PreparedPresentation, PreparedRequest, RequestedElement};
use crate::holder::reader::{ReaderCheck, ReaderCrls, ReaderRoot, ReaderStatus, check_reader};
use crate::holder::record::DisclosureRecord;
use crate::holder::{DeviceSigner, Presentation};
use crate::issuer_signed::IssuerSigned;
use crate::request::DeviceRequest;

/// To whom the wallet says that it returns no document of a requested type.
///
/// One rule covers both a document the wallet lacks and one it holds but
/// discloses nothing of: were they answered differently, empty requests for
/// every doc type would tell a reader what the wallet holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportUnreturned {
    /// Never: the doc type is simply missing from the response.
    Never,
    /// Only to a reader authenticated under one of the holder's roots; an
    /// unauthenticated reader learns nothing about the inventory.
    #[default]
    ToAuthenticatedReaders,
    /// Always, with ISO/IEC 18013-5 error 0 in `documentErrors`.
    Always,
}

/// The holder's rules for answering readers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HolderPolicy {
    /// Refuse requests whose reader is not authenticated (with the reader
    /// check's code, `reader_auth_missing` for an unsigned request), rather
    /// than showing the holder an unauthenticated reader.
    pub require_reader_auth: bool,
    /// Whether unreturned doc types are reported in `documentErrors`.
    pub report_unreturned: ReportUnreturned,
}

/// A holder's wallet: its stored documents and its policy.
///
/// Several documents of one doc type are copies of one document (see
/// [`crate::Issuer::issue_batch`]): each presentation shows the copy shown
/// least often so far, the first of those in storage order, so a batch of
/// single-use copies is used up one by one before any copy is shown twice
/// (which [`PreparedRequest::copy_already_shown`] tells the app).
#[derive(Debug, Clone, Default)]
pub struct Wallet {
    documents: Vec<IssuerSigned>,
    shown: Vec<u32>,
    policy: HolderPolicy,
    reader_crls: Option<ReaderCrls>,
}

impl Wallet {
    /// A wallet holding `documents`, with the default [`HolderPolicy`].
    pub fn new(documents: Vec<IssuerSigned>) -> Wallet {
        Wallet {
            shown: vec![0; documents.len()],
            documents,
            policy: HolderPolicy::default(),
            reader_crls: None,
        }
    }

    /// The same wallet checking reader certificates against `crls` (see
    /// [`Wallet::set_reader_crls`]).
    pub fn with_reader_crls(mut self, crls: ReaderCrls) -> Wallet {
        self.reader_crls = Some(crls);
        self
    }

    /// From now on, [`Wallet::prepare`] checks each authenticated reader's
    /// certificate against `crls`, the CRLs the app fetched from the
    /// distribution points its reader certificates name (the library does
    /// no I/O): a revoked reader is refused with `certificate_revoked`; a
    /// missing or stale CRL as `crls.policy` says, and
    /// [`crate::ReaderIdentity::crl`] tells which. Replaces the CRLs held
    /// before, so the app calls it again after each fetch.
    pub fn set_reader_crls(&mut self, crls: ReaderCrls) {
        self.reader_crls = Some(crls);
    }

    /// The reader CRLs the wallet checks against, if any.
    pub fn reader_crls(&self) -> Option<&ReaderCrls> {
        self.reader_crls.as_ref()
    }

    /// How many times each stored document was disclosed, in storage order.
    pub fn shown(&self) -> &[u32] {
        &self.shown
    }

    /// The same wallet under `policy`.
    pub fn with_policy(mut self, policy: HolderPolicy) -> Wallet {
        self.policy = policy;
        self
    }

    /// The stored documents.
    pub fn documents(&self) -> &[IssuerSigned] {
        &self.documents
    }

    /// The policy.
    pub fn policy(&self) -> &HolderPolicy {
        &self.policy
    }

    /// Phase one: reads `request` for the holder. Each document request's
    /// reader is checked once, here, against `reader_roots` at `now` (see
    /// [`crate::DocRequest::verify_reader`]); whatever the holder later
    /// approves keeps that outcome, so narrowing a reader-signed request does
    /// not lose its reader authentication.
    ///
    /// With [`HolderPolicy::require_reader_auth`] an unauthenticated reader
    /// is refused with the check's code; otherwise it is reported.
    pub fn prepare(
        &self,
        request: &DeviceRequest,
        session_transcript_bytes: &[u8],
        reader_roots: &[ReaderRoot],
        now: OffsetDateTime,
    ) -> Result<PreparedPresentation> {
        let check = if self.policy.require_reader_auth {
            ReaderCheck::Require(reader_roots)
        } else {
            ReaderCheck::Flag(reader_roots)
        };
        self.prepare_checked(request, session_transcript_bytes, check, now)
    }

    pub(crate) fn prepare_checked(
        &self,
        request: &DeviceRequest,
        session_transcript_bytes: &[u8],
        reader_check: ReaderCheck<'_>,
        now: OffsetDateTime,
    ) -> Result<PreparedPresentation> {
        let mut requests = Vec::with_capacity(request.doc_requests().len());
        for doc_request in request.doc_requests() {
            let reader = check_reader(
                doc_request,
                reader_check,
                self.reader_crls.as_ref(),
                session_transcript_bytes,
                now,
            )?;
            let items = doc_request.items_request();
            let copy = self.least_shown(&items.doc_type)?;
            let document = copy.and_then(|i| self.documents.get(i)).cloned();
            let mut elements = Vec::new();
            for (namespace, requested) in &items.name_spaces {
                for (element, intent_to_retain) in requested {
                    let available = match &document {
                        Some(d) => has_element(d, namespace, element),
                        None => false,
                    };
                    elements.push(RequestedElement {
                        namespace: namespace.clone(),
                        element: element.clone(),
                        intent_to_retain: *intent_to_retain,
                        available,
                    });
                }
            }
            requests.push(PreparedRequest {
                doc_type: items.doc_type.clone(),
                reader,
                document,
                copy,
                copy_already_shown: copy.and_then(|i| self.shown.get(i)).is_some_and(|&n| n > 0),
                elements,
                credential_query_id: None,
            });
        }
        Ok(PreparedPresentation {
            session_transcript_bytes: session_transcript_bytes.to_vec(),
            now,
            requests,
            unanswered: Vec::new(),
        })
    }

    /// Phase two: the response disclosing exactly what `consent` approves of
    /// `prepared`, each document signed by the one of `signers` that holds
    /// its device key (`invalid_key` when none does): with single-use
    /// copies, one signer per copy's key. Each copy disclosed counts as
    /// shown once more.
    ///
    /// A document request with nothing approved (or nothing the wallet can
    /// give) gets no Document: its MSO alone, with the device key, status
    /// index and signature, would be a tracking handle. Whether its doc type
    /// is named in `documentErrors` instead is the policy's
    /// [`ReportUnreturned`]. A consent to something `prepared` does not offer
    /// is refused with `invalid_argument`.
    pub fn approve(
        &mut self,
        prepared: &PreparedPresentation,
        consent: &Consent,
        signers: &[&dyn DeviceSigner],
    ) -> Result<Presentation> {
        self.approve_returned(prepared, consent, signers)
            .map(|(presentation, _)| presentation)
    }

    /// [`Wallet::approve`], with whether each request got a Document (in
    /// request order), so an online answer can split the documents by
    /// credential query.
    pub(crate) fn approve_returned(
        &mut self,
        prepared: &PreparedPresentation,
        consent: &Consent,
        signers: &[&dyn DeviceSigner],
    ) -> Result<(Presentation, Vec<bool>)> {
        consent.check_against(prepared)?;
        let mut documents = Vec::new();
        let mut document_errors = Vec::new();
        let mut disclosed_copies = Vec::new();
        let mut returned = Vec::with_capacity(prepared.requests().len());
        for request in prepared.requests() {
            let approved = |ns: &str, element: &str| {
                request.offers(ns, element) && consent.approves(request.doc_type(), ns, element)
            };
            let to_disclose = request
                .elements()
                .iter()
                .any(|e| approved(&e.namespace, &e.element));
            match &request.document {
                Some(stored) if to_disclose => {
                    documents.push(disclose(
                        stored,
                        request,
                        &approved,
                        prepared.session_transcript_bytes(),
                        signer_for(stored, signers)?,
                    )?);
                    disclosed_copies.extend(request.copy);
                    returned.push(true);
                }
                _ => {
                    returned.push(false);
                    if self.reports_unreturned_to(request.reader()) {
                        document_errors.push((request.doc_type.clone(), ERROR_DATA_NOT_RETURNED));
                    }
                }
            }
        }
        let record = DisclosureRecord::new(
            prepared,
            prepared.now,
            &returned,
            &|request, ns, element| {
                request.offers(ns, element) && consent.approves(request.doc_type(), ns, element)
            },
        )?;
        // Counted only once the whole response is built: a refusal shows nothing.
        for copy in disclosed_copies {
            if let Some(count) = self.shown.get_mut(copy) {
                *count = count.saturating_add(1);
            }
        }
        let presentation = Presentation {
            response: DeviceResponse {
                version: DEVICE_RESPONSE_VERSION.to_string(),
                documents,
                document_errors,
                status: STATUS_OK,
            },
            readers: prepared
                .requests()
                .iter()
                .map(|r| r.reader.clone())
                .collect(),
            record,
        };
        Ok((presentation, returned))
    }

    fn reports_unreturned_to(&self, reader: &ReaderStatus) -> bool {
        match self.policy.report_unreturned {
            ReportUnreturned::Never => false,
            ReportUnreturned::ToAuthenticatedReaders => reader.identity().is_some(),
            ReportUnreturned::Always => true,
        }
    }

    /// The copy of `doc_type` shown least often, the first of those.
    fn least_shown(&self, doc_type: &str) -> Result<Option<usize>> {
        let mut best: Option<(usize, u32)> = None;
        for (index, document) in self.documents.iter().enumerate() {
            if document.mso_unverified()?.doc_type != doc_type {
                continue;
            }
            let shown = self.shown.get(index).copied().unwrap_or(0);
            if best.is_none_or(|(_, fewest)| shown < fewest) {
                best = Some((index, shown));
            }
        }
        Ok(best.map(|(index, _)| index))
    }
}

fn has_element(document: &IssuerSigned, namespace: &str, element: &str) -> bool {
    document.name_spaces().iter().any(|(ns, items)| {
        ns == namespace && items.iter().any(|i| i.item().element_identifier == element)
    })
}
