//! Device engagement (ISO/IEC 18013-5 section 8.2): how a reader learns the
//! holder's ephemeral key and how to reach the phone, and how both sides get
//! from there to the same SessionTranscript and an encrypted session.
//!
//! ```text
//! holder                                        reader
//! ------                                        ------
//! DeviceEngagement::new(EDeviceKey, methods)
//!   QR:  qr::to_qr_uri(bytes)  ── scan ───────► start::reader_from_qr(text, EReaderKey)
//!   NFC: Handover::select(bytes, carriers) ───► start::reader_from_nfc(Hs, Hr?, EReaderKey)
//!                                                 ReaderSession + SessionTranscriptBytes
//!                              ◄─ SessionEstablishment ─ (over BLE: ble::chunk_message)
//! start::holder_start(engagement, key, channel, establishment)
//!   DeviceSession + the DeviceRequest + SessionTranscriptBytes
//! ```
//!
//! | module | concept |
//! |---|---|
//! | [`device_engagement`] | DeviceEngagement: version, security, retrieval methods, unknown entries kept |
//! | [`qr`] | the `mdoc:` URI |
//! | [`ndef`] | NDEF messages and records |
//! | [`handover`] | NFC static handover: Handover Select / Request, the transcript's NFC Handover |
//! | [`start`] | reader and holder: engagement to session in one call |
//! | [`ble`] | BLE GATT chunking and State characteristic transitions |
//! | [`wifi_aware`] | the Wi-Fi Aware retrieval options, typed, unknown options kept |
//!
//! Malformed engagements, URIs, NDEF messages and handovers are
//! `engagement_malformed`; malformed BLE transport is `session_malformed`.

pub mod ble;
pub mod device_engagement;
pub mod handover;
pub mod ndef;
pub mod qr;
pub mod start;
pub mod wifi_aware;

pub use device_engagement::{BleOptions, DeviceEngagement, DeviceRetrievalMethod};
pub use handover::{Handover, HandoverKind, nfc_handover};
pub use qr::{from_qr_uri, to_qr_uri};
pub use start::{
    EngagementChannel, HolderStart, ReaderStart, holder_start, reader_from_nfc, reader_from_qr,
};
pub use wifi_aware::WifiAwareOptions;
