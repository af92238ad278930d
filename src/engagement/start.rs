//! From engagement to an encrypted session in one call, on either side, so
//! neither has to assemble the SessionTranscript by hand (and get it
//! subtly different from the peer's).
//!
//! | side | in | out |
//! |---|---|---|
//! | reader, QR | scanned `mdoc:` text, its ephemeral key | [`ReaderStart`]: the [`ReaderSession`], the engagement, SessionTranscriptBytes with Handover `null` |
//! | reader, NFC | Handover Select bytes (and the Handover Request it sent), its ephemeral key | the same with the NFC Handover |
//! | holder | its engagement and ephemeral key, how it was engaged, the SessionEstablishment | [`HolderStart`]: the [`DeviceSession`], the first request, the transcript |

use ciborium::value::Value;

use super::device_engagement::DeviceEngagement;
use super::handover::{Handover, HandoverKind, nfc_handover};
use super::qr::from_qr_uri;
use crate::error::{Error, Result};
use crate::session::{DeviceSession, EphemeralKey, ReaderSession, SessionEstablishment};
use crate::transcript;

/// How the holder's engagement reached the reader: the SessionTranscript's
/// Handover depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngagementChannel {
    /// QR code: Handover is `null`.
    Qr,
    /// NFC static or negotiated handover: the messages as exchanged.
    Nfc {
        /// The Handover Select bytes.
        handover_select: Vec<u8>,
        /// The Handover Request bytes, in negotiated handover.
        handover_request: Option<Vec<u8>>,
    },
}

impl EngagementChannel {
    /// The SessionTranscript's Handover item.
    pub fn handover(&self) -> Value {
        match self {
            EngagementChannel::Qr => Value::Null,
            EngagementChannel::Nfc {
                handover_select,
                handover_request,
            } => nfc_handover(handover_select, handover_request.as_deref()),
        }
    }
}

/// What the reader has once engaged.
#[derive(Debug)]
pub struct ReaderStart {
    /// The session, ready for [`ReaderSession::establishment`].
    pub session: ReaderSession,
    /// The holder's engagement (retrieval methods, origin infos).
    pub engagement: DeviceEngagement,
    /// SessionTranscriptBytes, for reader authentication and verification.
    pub session_transcript_bytes: Vec<u8>,
}

/// What the holder has once the reader's first message arrived.
#[derive(Debug)]
pub struct HolderStart {
    /// The session, ready for [`DeviceSession::encrypt_response`].
    pub session: DeviceSession,
    /// The first request (a DeviceRequest), decrypted.
    pub request: Vec<u8>,
    /// SessionTranscriptBytes, for device authentication.
    pub session_transcript_bytes: Vec<u8>,
}

/// The reader's start from scanned QR text (`mdoc:...`).
pub fn reader_from_qr(scanned: &str, e_reader_key: EphemeralKey) -> Result<ReaderStart> {
    let engagement = DeviceEngagement::from_slice(&from_qr_uri(scanned)?)?;
    reader_start(engagement, EngagementChannel::Qr, e_reader_key)
}

/// The reader's start from the Handover Select read over NFC and, in
/// negotiated handover, the Handover Request the reader sent.
pub fn reader_from_nfc(
    handover_select: &[u8],
    handover_request: Option<&[u8]>,
    e_reader_key: EphemeralKey,
) -> Result<ReaderStart> {
    let select = Handover::from_slice(handover_select)?;
    if select.kind != HandoverKind::Select {
        return Err(super::device_engagement::malformed(
            "the holder's NFC message is not a Handover Select",
        ));
    }
    if let Some(request) = handover_request
        && Handover::from_slice(request)?.kind != HandoverKind::Request
    {
        return Err(Error::InvalidArgument(
            "the reader's NFC message is not a Handover Request".into(),
        ));
    }
    let engagement = DeviceEngagement::from_slice(select.device_engagement()?)?;
    let channel = EngagementChannel::Nfc {
        handover_select: handover_select.to_vec(),
        handover_request: handover_request.map(<[u8]>::to_vec),
    };
    reader_start(engagement, channel, e_reader_key)
}

fn reader_start(
    engagement: DeviceEngagement,
    channel: EngagementChannel,
    e_reader_key: EphemeralKey,
) -> Result<ReaderStart> {
    let session_transcript_bytes = transcript::proximity_for_key(
        engagement.bytes(),
        &e_reader_key.public_key(),
        channel.handover(),
    )?;
    let session = ReaderSession::new(
        e_reader_key,
        engagement.e_device_key(),
        &session_transcript_bytes,
    )?;
    Ok(ReaderStart {
        session,
        engagement,
        session_transcript_bytes,
    })
}

/// The holder's start: its own engagement (as it was shown), the private
/// half of its EDeviceKey, the channel it was engaged over and the reader's
/// SessionEstablishment bytes. The private key must be the engagement's
/// (`invalid_argument`); a request that does not decrypt is
/// `session_decryption_failed`.
pub fn holder_start(
    engagement: &DeviceEngagement,
    e_device_key: EphemeralKey,
    channel: &EngagementChannel,
    session_establishment: &[u8],
) -> Result<HolderStart> {
    if &e_device_key.public_key() != engagement.e_device_key() {
        return Err(Error::InvalidArgument(
            "the private key is not the engagement's EDeviceKey".into(),
        ));
    }
    let establishment = SessionEstablishment::from_slice(session_establishment)?;
    let session_transcript_bytes = transcript::proximity(
        engagement.bytes(),
        establishment.e_reader_key_cose_bytes(),
        channel.handover(),
    )?;
    let (session, request) =
        DeviceSession::establish(e_device_key, &establishment, &session_transcript_bytes)?;
    Ok(HolderStart {
        session,
        request,
        session_transcript_bytes,
    })
}
