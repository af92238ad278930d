//! Presentation: the holder discloses only what it approves, to a reader it
//! can name.
//!
//! Answering a reader takes two phases, so the app can ask its user in
//! between:
//!
//! 1. [`Wallet::prepare`] reads the DeviceRequest: per document request, the
//!    reader's verified identity (its certificate, chain, and the root that
//!    vouched for it with the label the holder gave that root, see
//!    [`ReaderRoot`]), whether the wallet holds the document, and each
//!    requested element with its intentToRetain and whether it is available.
//! 2. [`Wallet::approve`] builds the DeviceResponse from the holder's
//!    [`Consent`]: exactly the approved elements, each document signed over
//!    the session transcript with its device key. The reader check of phase
//!    one stands, so approving less than was asked keeps the reader
//!    authenticated.
//!
//! Nothing approved means no Document at all: an MSO alone carries the
//! device key, the status-list index and the issuer's signature, each a
//! handle to track the holder by. Whether the doc type is then named in
//! `documentErrors` is the [`HolderPolicy`]'s choice, the same for a
//! document the wallet lacks and one it declines to show (by default only
//! to authenticated readers), so empty requests do not reveal what the
//! wallet holds.
//!
//! Each approval also yields a [`DisclosureRecord`] (time, reader and root
//! label, transcript hash, the elements disclosed with intentToRetain and
//! those refused) for the app's history.
//!
//! An OpenID4VP DCQL query (by redirect or through the Digital Credentials
//! API) goes through the same two phases: [`Wallet::prepare_dcql`] (or
//! [`Wallet::prepare_openid4vp`]) lays it out the same way, with the
//! credential query each request answers and the queries the wallet
//! cannot answer, and [`Wallet::approve_vp_token`] answers with a vp_token.
//!
//! [`present`] is the one-call form for a holder that agrees to everything
//! asked (backends, tests, the command-line tool): prepare, approve all.
//!
//! The device key stays behind [`DeviceSigner`] (the crate's
//! [`crate::Signer`] trait), so an Android Keystore or Secure Enclave key
//! signs without its private key ever entering the library;
//! [`crate::SoftwareKey`] is the software signer for Ed25519, P-256 and
//! P-384.

mod consent;
mod disclose;
mod online;
mod prepared;
mod reader;
mod record;
mod wallet;

pub use consent::Consent;
pub use prepared::{
    PreparedPresentation, PreparedRequest, RequestedElement, UnansweredQuery, UnansweredReason,
};
pub use reader::{ReaderCheck, ReaderCrls, ReaderIdentity, ReaderRoot, ReaderStatus};
pub use record::{DisclosureRecord, RecordedDocument, RecordedElement, RecordedReader};
pub use wallet::{HolderPolicy, ReportUnreturned, Wallet};

use time::OffsetDateTime;

use crate::device_response::DeviceResponse;
use crate::error::Result;
use crate::issuer_signed::IssuerSigned;
use crate::request::DeviceRequest;

/// The device key's signer: any [`crate::Signer`] (hardware-backed or software).
pub use crate::cose::Signer as DeviceSigner;

/// A presentation: the response to send and what the holder learned.
#[derive(Debug, Clone)]
pub struct Presentation {
    /// The DeviceResponse to send to the reader.
    pub response: DeviceResponse,
    /// The reader check of each document request, in request order.
    pub readers: Vec<ReaderStatus>,
    /// What was disclosed to whom, for the holder's history.
    pub record: DisclosureRecord,
}

/// Answers `request` from the `stored` documents, approving every requested
/// element they hold: [`Wallet::prepare`] then [`Wallet::approve`] with
/// [`Consent::all`], under the default [`HolderPolicy`] (with
/// [`ReaderCheck::Require`], readers must authenticate).
///
/// `device_signer` must hold the device key of every document disclosed
/// (`invalid_key` otherwise).
pub fn present(
    stored: &[IssuerSigned],
    request: &DeviceRequest,
    session_transcript_bytes: &[u8],
    device_signer: &dyn DeviceSigner,
    reader_check: ReaderCheck<'_>,
    now: OffsetDateTime,
) -> Result<Presentation> {
    let mut wallet = Wallet::new(stored.to_vec()).with_policy(HolderPolicy {
        require_reader_auth: matches!(reader_check, ReaderCheck::Require(_)),
        ..HolderPolicy::default()
    });
    let prepared = wallet.prepare_checked(request, session_transcript_bytes, reader_check, now)?;
    wallet.approve(&prepared, &Consent::all(&prepared), &[device_signer])
}
