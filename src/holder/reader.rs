//! Who is asking: the reader roots a holder trusts, each with the label the
//! holder gave it, and the identity a verified reader is shown with.
//!
//! A reader certificate's subject is whatever its root let it say: a root
//! trusted for banks can certify "O=Policja". So a reader is named by the
//! root that vouched for it (its label, "police" or "bank") together with its
//! own certificate and chain, never by its subject alone.

use time::OffsetDateTime;

use crate::clock::DEFAULT_CLOCK_SKEW;
use crate::error::{Error, Result};
use crate::request::DocRequest;
use crate::x509::Certificate;
use crate::x509::crl::{CrlOutcome, CrlPolicy, CrlSet, check_chain};

/// A reader root the holder trusts, with the trust domain it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderRoot {
    /// What the app shows for readers under this root ("police", "bank").
    pub label: String,
    /// The root CA certificate.
    pub certificate: Certificate,
}

impl ReaderRoot {
    /// A root labelled `label`.
    pub fn new(label: impl Into<String>, certificate: Certificate) -> ReaderRoot {
        ReaderRoot {
            label: label.into(),
            certificate,
        }
    }
}

/// A reader whose readerAuth verified under one of the holder's roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderIdentity {
    /// The reader certificate (the x5chain leaf).
    pub certificate: Certificate,
    /// The x5chain as the reader sent it, leaf first.
    pub chain: Vec<Certificate>,
    /// The root that issued the reader certificate.
    pub root: Certificate,
    /// The label the holder gave that root.
    pub root_label: String,
    /// What the CRL check of the reader certificate found:
    /// [`CrlOutcome::Disabled`] when the wallet holds no reader CRLs (see
    /// [`crate::Wallet::with_reader_crls`]), [`CrlOutcome::NotChecked`]
    /// when its CRL was missing or stale and the policy let it pass.
    pub crl: CrlOutcome,
}

/// The CRLs the app fetched for its reader roots (keyed by distribution
/// point, as the reader certificates name them) and what to do when one is
/// missing or stale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReaderCrls {
    /// The CRLs, with any CRL signers the reader roots certified.
    pub crls: CrlSet,
    /// Missing or stale CRLs: refused (the default) or passed as not checked.
    pub policy: CrlPolicy,
}

/// The outcome of the reader check for one document request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderStatus {
    /// The reader was not checked ([`ReaderCheck::Skip`]).
    NotChecked,
    /// The reader is authenticated under one of the holder's roots.
    Authenticated(Box<ReaderIdentity>),
    /// The reader is not authenticated; the error code says why
    /// (`reader_auth_missing` for an unsigned request).
    Unauthenticated(&'static str),
}

impl ReaderStatus {
    /// The identity of an authenticated reader.
    pub fn identity(&self) -> Option<&ReaderIdentity> {
        match self {
            ReaderStatus::Authenticated(identity) => Some(identity),
            _ => None,
        }
    }
}

/// What the holder does about reader authentication.
#[derive(Debug, Clone, Copy)]
pub enum ReaderCheck<'a> {
    /// Do not look at readerAuth.
    Skip,
    /// Check readerAuth against these roots and report the outcome, but
    /// answer an unauthenticated reader too.
    Flag(&'a [ReaderRoot]),
    /// Check readerAuth against these roots and refuse an unauthenticated
    /// reader with the check's error code.
    Require(&'a [ReaderRoot]),
}

/// Checks the reader of one document request (see
/// [`DocRequest::verify_reader`] for the checks and codes), then, when
/// `crls` is given, the reader certificate against them (see
/// [`check_chain`]; the root that issued it is the anchor).
///
/// A revoked reader certificate (`certificate_revoked`) is refused under
/// [`ReaderCheck::Flag`] too, not shown as merely unauthenticated: the
/// reader claims an identity its root withdrew, which the holder must not
/// be asked to weigh. Every other failure, a missing or stale CRL included,
/// follows the check: refused under `Require`, reported under `Flag`.
pub(crate) fn check_reader(
    doc_request: &DocRequest,
    reader_check: ReaderCheck<'_>,
    crls: Option<&ReaderCrls>,
    session_transcript_bytes: &[u8],
    now: OffsetDateTime,
) -> Result<ReaderStatus> {
    let (roots, required) = match reader_check {
        ReaderCheck::Skip => return Ok(ReaderStatus::NotChecked),
        ReaderCheck::Flag(roots) => (roots, false),
        ReaderCheck::Require(roots) => (roots, true),
    };
    let certificates: Vec<Certificate> = roots.iter().map(|r| r.certificate.clone()).collect();
    let outcome = doc_request
        .authenticate_reader(&certificates, session_transcript_bytes, now)
        .and_then(|reader| {
            let root = roots
                .get(reader.root_index)
                .ok_or_else(|| Error::UntrustedReader(reader.leaf.subject().to_string()))?;
            let crl = match crls {
                None => CrlOutcome::Disabled,
                // The leaf alone: the root is the anchor, and the chain may
                // carry certificates the reader check never relied on.
                Some(crls) => check_chain(
                    std::slice::from_ref(&reader.leaf),
                    std::slice::from_ref(&root.certificate),
                    &crls.crls,
                    &crls.policy,
                    now,
                    DEFAULT_CLOCK_SKEW,
                )?,
            };
            Ok(ReaderIdentity {
                certificate: reader.leaf,
                chain: reader.chain,
                root: root.certificate.clone(),
                root_label: root.label.clone(),
                crl,
            })
        });
    match outcome {
        Ok(identity) => Ok(ReaderStatus::Authenticated(Box::new(identity))),
        Err(e @ Error::CertificateRevoked(_)) => Err(e),
        Err(e) if required => Err(e),
        Err(e) => Ok(ReaderStatus::Unauthenticated(e.code())),
    }
}
