//! NFC static handover (ISO/IEC 18013-5 section 8.2.2.1, after the NFC
//! Forum Connection Handover 1.5): the Handover Select message the holder's
//! phone offers (its carriers and the DeviceEngagement), the Handover
//! Request a reader may send first, and the NFC Handover of the
//! SessionTranscript, `[HandoverSelectBytes, HandoverRequestBytes / null]`.
//!
//! ```text
//! Hs record (well-known "Hs"): version 0x15, then an embedded NDEF message
//!   of "ac" (alternative carrier) records: power state, carrier data
//!   reference (the ID of a carrier record), auxiliary references ("mdoc")
//! carrier records: "application/vnd.bluetooth.le.oob", "iso.org:18013:nfc",
//!   "application/vnd.wfa.nan", each with the ID its "ac" names
//! external "iso.org:18013:deviceengagement", ID "mdoc": DeviceEngagement
//! Hr: the same, with a "cr" (collision resolution) record first
//! ```
//!
//! The embedded records are kept as received, so a message read and
//! re-encoded is the same bytes (the Annex D example is).

use ciborium::value::Value;

use super::device_engagement::malformed;
use super::ndef::{self, NdefRecord, Tnf};
use crate::error::Result;

/// The Connection Handover version written: 1.5.
pub const HANDOVER_VERSION: u8 = 0x15;
/// External type of the DeviceEngagement record.
pub const DEVICE_ENGAGEMENT_TYPE: &[u8] = b"iso.org:18013:deviceengagement";
/// ID of the DeviceEngagement record, and the auxiliary data reference of
/// each alternative carrier in a Handover Select.
pub const DEVICE_ENGAGEMENT_ID: &[u8] = b"mdoc";
/// Media type of a BLE carrier configuration record.
pub const BLE_OOB_TYPE: &[u8] = b"application/vnd.bluetooth.le.oob";
/// External type of an NFC carrier configuration record.
pub const NFC_CARRIER_TYPE: &[u8] = b"iso.org:18013:nfc";
/// Media type of a Wi-Fi Aware carrier configuration record.
pub const WIFI_AWARE_TYPE: &[u8] = b"application/vnd.wfa.nan";

/// Handover Select or Handover Request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverKind {
    /// `Hs`, sent by the holder's phone.
    Select,
    /// `Hr`, sent by a reader in negotiated handover.
    Request,
}

impl HandoverKind {
    fn record_type(self) -> &'static [u8] {
        match self {
            HandoverKind::Select => b"Hs",
            HandoverKind::Request => b"Hr",
        }
    }
}

/// Carrier power state of an alternative carrier record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerState {
    /// 0
    Inactive,
    /// 1
    Active,
    /// 2
    Activating,
    /// 3
    Unknown,
}

/// One alternative carrier ("ac" record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlternativeCarrier {
    /// The carrier's power state.
    pub power_state: PowerState,
    /// The ID of the carrier configuration record.
    pub carrier_data_reference: Vec<u8>,
    /// IDs of auxiliary records (the DeviceEngagement's "mdoc").
    pub auxiliary_data_references: Vec<Vec<u8>>,
}

impl AlternativeCarrier {
    fn to_record(&self) -> Result<NdefRecord> {
        let too_long =
            || crate::Error::InvalidArgument("a carrier reference over 255 bytes or items".into());
        let mut payload = vec![match self.power_state {
            PowerState::Inactive => 0,
            PowerState::Active => 1,
            PowerState::Activating => 2,
            PowerState::Unknown => 3,
        }];
        payload.push(u8::try_from(self.carrier_data_reference.len()).map_err(|_| too_long())?);
        payload.extend(&self.carrier_data_reference);
        payload.push(u8::try_from(self.auxiliary_data_references.len()).map_err(|_| too_long())?);
        for aux in &self.auxiliary_data_references {
            payload.push(u8::try_from(aux.len()).map_err(|_| too_long())?);
            payload.extend(aux);
        }
        Ok(NdefRecord::new(Tnf::WellKnown, b"ac", b"", payload))
    }

    fn from_payload(payload: &[u8]) -> Result<AlternativeCarrier> {
        let mut rest = payload;
        let power_state = match take_byte(&mut rest)? & 0x03 {
            0 => PowerState::Inactive,
            1 => PowerState::Active,
            2 => PowerState::Activating,
            _ => PowerState::Unknown,
        };
        let carrier_data_reference = take_reference(&mut rest)?;
        let count = usize::from(take_byte(&mut rest)?);
        let mut auxiliary_data_references = Vec::with_capacity(count);
        for _ in 0..count {
            auxiliary_data_references.push(take_reference(&mut rest)?);
        }
        Ok(AlternativeCarrier {
            power_state,
            carrier_data_reference,
            auxiliary_data_references,
        })
    }
}

fn take_byte(rest: &mut &[u8]) -> Result<u8> {
    let (byte, tail) = rest
        .split_first()
        .ok_or_else(|| malformed("alternative carrier record truncated"))?;
    *rest = tail;
    Ok(*byte)
}

fn take_reference(rest: &mut &[u8]) -> Result<Vec<u8>> {
    let len = usize::from(take_byte(rest)?);
    if rest.len() < len {
        return Err(malformed("alternative carrier reference truncated"));
    }
    let (taken, tail) = rest.split_at(len);
    *rest = tail;
    Ok(taken.to_vec())
}

/// A Handover Select or Request message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// Select or Request.
    pub kind: HandoverKind,
    /// The Connection Handover version byte (0x15 for 1.5).
    pub version: u8,
    /// The records embedded in the Hs / Hr record ("cr", "ac", ...), as
    /// received.
    pub embedded: Vec<NdefRecord>,
    /// The records after the Hs / Hr record: carrier configurations and,
    /// in a Handover Select, the DeviceEngagement.
    pub records: Vec<NdefRecord>,
}

impl Handover {
    /// The holder's Handover Select for static handover: one active
    /// alternative carrier per carrier record (each must have an ID), each
    /// naming the DeviceEngagement as auxiliary data, and the
    /// DeviceEngagement bytes last.
    pub fn select(device_engagement: &[u8], carriers: Vec<NdefRecord>) -> Result<Handover> {
        let embedded = alternative_carriers(&carriers, true)?;
        let mut records = carriers;
        records.push(NdefRecord::new(
            Tnf::External,
            DEVICE_ENGAGEMENT_TYPE,
            DEVICE_ENGAGEMENT_ID,
            device_engagement.to_vec(),
        ));
        Ok(Handover {
            kind: HandoverKind::Select,
            version: HANDOVER_VERSION,
            embedded,
            records,
        })
    }

    /// A reader's Handover Request: the collision resolution number, then
    /// one active alternative carrier per carrier record (each with an ID).
    pub fn request(collision_resolution: u16, carriers: Vec<NdefRecord>) -> Result<Handover> {
        let mut embedded = vec![NdefRecord::new(
            Tnf::WellKnown,
            b"cr",
            b"",
            collision_resolution.to_be_bytes().to_vec(),
        )];
        embedded.extend(alternative_carriers(&carriers, false)?);
        Ok(Handover {
            kind: HandoverKind::Request,
            version: HANDOVER_VERSION,
            embedded,
            records: carriers,
        })
    }

    /// Encodes the message.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        let mut payload = vec![self.version];
        if !self.embedded.is_empty() {
            payload.extend(ndef::encode_message(&self.embedded)?);
        }
        let mut records = vec![NdefRecord::new(
            Tnf::WellKnown,
            self.kind.record_type(),
            b"",
            payload,
        )];
        records.extend(self.records.iter().cloned());
        ndef::encode_message(&records)
    }

    /// Reads a Handover Select or Request message (`engagement_malformed`
    /// when it is neither, or a record is malformed).
    pub fn from_slice(bytes: &[u8]) -> Result<Handover> {
        let mut records = ndef::parse_message(bytes)?.into_iter();
        let first = records
            .next()
            .ok_or_else(|| malformed("empty handover message"))?;
        let kind = if first.is(Tnf::WellKnown, b"Hs") {
            HandoverKind::Select
        } else if first.is(Tnf::WellKnown, b"Hr") {
            HandoverKind::Request
        } else {
            return Err(malformed("the first record is neither Hs nor Hr"));
        };
        let (version, embedded) = first
            .payload
            .split_first()
            .ok_or_else(|| malformed("handover record without a version"))?;
        if version >> 4 != 1 {
            return Err(malformed("handover major version is not 1"));
        }
        let embedded = if embedded.is_empty() {
            Vec::new()
        } else {
            ndef::parse_message(embedded)?
        };
        let handover = Handover {
            kind,
            version: *version,
            embedded,
            records: records.collect(),
        };
        // Read every alternative carrier now, so a bad one is refused here.
        handover.alternative_carriers()?;
        Ok(handover)
    }

    /// The alternative carriers, in order.
    pub fn alternative_carriers(&self) -> Result<Vec<AlternativeCarrier>> {
        self.embedded
            .iter()
            .filter(|r| r.is(Tnf::WellKnown, b"ac"))
            .map(|r| AlternativeCarrier::from_payload(&r.payload))
            .collect()
    }

    /// The collision resolution number of a Handover Request.
    pub fn collision_resolution(&self) -> Option<u16> {
        self.embedded
            .iter()
            .find(|r| r.is(Tnf::WellKnown, b"cr"))
            .and_then(|r| <[u8; 2]>::try_from(r.payload.as_slice()).ok())
            .map(u16::from_be_bytes)
    }

    /// The carrier configuration record an alternative carrier references.
    pub fn carrier(&self, carrier: &AlternativeCarrier) -> Option<&NdefRecord> {
        self.records
            .iter()
            .find(|r| r.id == carrier.carrier_data_reference)
    }

    /// The DeviceEngagement bytes a Handover Select carries
    /// (`engagement_malformed` when there are none).
    pub fn device_engagement(&self) -> Result<&[u8]> {
        self.records
            .iter()
            .find(|r| r.is(Tnf::External, DEVICE_ENGAGEMENT_TYPE))
            .map(|r| r.payload.as_slice())
            .ok_or_else(|| malformed("no DeviceEngagement record in the handover"))
    }
}

fn alternative_carriers(carriers: &[NdefRecord], with_engagement: bool) -> Result<Vec<NdefRecord>> {
    carriers
        .iter()
        .map(|carrier| {
            if carrier.id.is_empty() {
                return Err(crate::Error::InvalidArgument(
                    "a carrier record needs an ID for its alternative carrier to name".into(),
                ));
            }
            AlternativeCarrier {
                power_state: PowerState::Active,
                carrier_data_reference: carrier.id.clone(),
                auxiliary_data_references: if with_engagement {
                    vec![DEVICE_ENGAGEMENT_ID.to_vec()]
                } else {
                    Vec::new()
                },
            }
            .to_record()
        })
        .collect()
}

/// The NFC Handover of the SessionTranscript: `[HandoverSelectBytes,
/// HandoverRequestBytes or null]`, the messages as sent and received.
pub fn nfc_handover(handover_select: &[u8], handover_request: Option<&[u8]>) -> Value {
    Value::Array(vec![
        Value::Bytes(handover_select.to_vec()),
        handover_request.map_or(Value::Null, |r| Value::Bytes(r.to_vec())),
    ])
}

/// A BLE carrier configuration record (Bluetooth Core Supplement: LE
/// Role and, when given, the 128-bit service UUID, written least
/// significant byte first as the AD format requires).
pub fn ble_carrier(id: &[u8], le_role: u8, service_uuid: Option<[u8; 16]>) -> NdefRecord {
    let mut payload = vec![0x02, 0x1c, le_role];
    if let Some(uuid) = service_uuid {
        payload.extend([0x11, 0x07]);
        payload.extend(uuid.iter().rev());
    }
    NdefRecord::new(Tnf::Media, BLE_OOB_TYPE, id, payload)
}
