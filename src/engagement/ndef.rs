//! NDEF messages (NFC Forum NDEF 1.0): the records NFC static handover is
//! made of. Hand-written: the `ndef` crate is GPL-3.0, which this crate's
//! Apache-2.0 OR MIT licence cannot take, `ndef-rs` is a young
//! single-author crate, and the format is a few header bits and three
//! lengths.
//!
//! ```text
//! header: MB ME CF SR IL TNF(3) | type length | payload length (1 byte if SR, else 4)
//!         | ID length (if IL) | type | ID | payload
//! ```
//!
//! Chunked records (CF) are refused: ISO/IEC 18013-5 handover never uses
//! them. Every length is checked against the bytes present before a slice is
//! taken, so a record claiming 4 GiB costs nothing.

use super::device_engagement::malformed;
use crate::error::Result;

/// Most records read from one message: a handover holds a handful.
pub const MAX_RECORDS: usize = 32;

const MB: u8 = 0x80;
const ME: u8 = 0x40;
const CF: u8 = 0x20;
const SR: u8 = 0x10;
const IL: u8 = 0x08;

/// Type Name Format of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tnf {
    /// 0: no type, ID or payload.
    Empty,
    /// 1: an NFC Forum well-known type (`Hs`, `Hr`, `ac`, `cr`).
    WellKnown,
    /// 2: a media type (`application/vnd.bluetooth.le.oob`).
    Media,
    /// 3: an absolute URI.
    AbsoluteUri,
    /// 4: an NFC Forum external type (`iso.org:18013:deviceengagement`).
    External,
    /// 5: unknown.
    Unknown,
    /// 6: unchanged (chunks only).
    Unchanged,
}

impl Tnf {
    fn bits(self) -> u8 {
        match self {
            Tnf::Empty => 0,
            Tnf::WellKnown => 1,
            Tnf::Media => 2,
            Tnf::AbsoluteUri => 3,
            Tnf::External => 4,
            Tnf::Unknown => 5,
            Tnf::Unchanged => 6,
        }
    }

    fn from_bits(bits: u8) -> Result<Tnf> {
        Ok(match bits {
            0 => Tnf::Empty,
            1 => Tnf::WellKnown,
            2 => Tnf::Media,
            3 => Tnf::AbsoluteUri,
            4 => Tnf::External,
            5 => Tnf::Unknown,
            6 => Tnf::Unchanged,
            _ => return Err(malformed("NDEF record with reserved TNF 7")),
        })
    }
}

/// One NDEF record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NdefRecord {
    /// How `record_type` is to be read.
    pub tnf: Tnf,
    /// The record type (`Hs`, a media type, an external type name).
    pub record_type: Vec<u8>,
    /// The record ID (empty when absent); carrier references point at it.
    pub id: Vec<u8>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl NdefRecord {
    /// A record of `tnf`, `record_type`, `id` and `payload`.
    pub fn new(tnf: Tnf, record_type: &[u8], id: &[u8], payload: Vec<u8>) -> NdefRecord {
        NdefRecord {
            tnf,
            record_type: record_type.to_vec(),
            id: id.to_vec(),
            payload,
        }
    }

    /// Whether this record is of `tnf` and `record_type`.
    pub fn is(&self, tnf: Tnf, record_type: &[u8]) -> bool {
        self.tnf == tnf && self.record_type == record_type
    }
}

/// Encodes records as one NDEF message: MB on the first, ME on the last,
/// the short form (SR) whenever the payload fits in 255 bytes, IL whenever
/// there is an ID. Types and IDs longer than 255 bytes and payloads longer
/// than 4 GiB are `invalid_argument`.
pub fn encode_message(records: &[NdefRecord]) -> crate::Result<Vec<u8>> {
    if records.is_empty() {
        return Err(crate::Error::InvalidArgument(
            "an NDEF message has at least one record".into(),
        ));
    }
    let mut out = Vec::new();
    let last = records.len().saturating_sub(1);
    for (index, record) in records.iter().enumerate() {
        let too_long = || crate::Error::InvalidArgument("NDEF type or ID over 255 bytes".into());
        let type_len = u8::try_from(record.record_type.len()).map_err(|_| too_long())?;
        let id_len = u8::try_from(record.id.len()).map_err(|_| too_long())?;
        let payload_len = u32::try_from(record.payload.len())
            .map_err(|_| crate::Error::InvalidArgument("NDEF payload over 4 GiB".into()))?;
        let short = payload_len <= 0xff;
        let mut header = record.tnf.bits();
        if index == 0 {
            header |= MB;
        }
        if index == last {
            header |= ME;
        }
        if short {
            header |= SR;
        }
        if id_len > 0 {
            header |= IL;
        }
        out.push(header);
        out.push(type_len);
        if short {
            out.extend(payload_len.to_be_bytes().get(3..).unwrap_or_default());
        } else {
            out.extend(payload_len.to_be_bytes());
        }
        if id_len > 0 {
            out.push(id_len);
        }
        out.extend(&record.record_type);
        out.extend(&record.id);
        out.extend(&record.payload);
    }
    Ok(out)
}

/// Reads one NDEF message. Codes: `engagement_malformed` for a truncated
/// record, a missing MB or ME, bytes after ME, a chunked record or more
/// than [`MAX_RECORDS`] records.
pub fn parse_message(bytes: &[u8]) -> Result<Vec<NdefRecord>> {
    let mut reader = Reader { bytes, pos: 0 };
    let mut records = Vec::new();
    loop {
        if records.len() == MAX_RECORDS {
            return Err(malformed("NDEF message with too many records"));
        }
        let header = reader.byte()?;
        if header & CF != 0 {
            return Err(malformed("chunked NDEF records are not used in handover"));
        }
        let first = records.is_empty();
        if (header & MB != 0) != first {
            return Err(malformed("NDEF MB flag not on the first record only"));
        }
        let type_len = usize::from(reader.byte()?);
        let payload_len = if header & SR != 0 {
            usize::from(reader.byte()?)
        } else {
            let four = reader.take(4)?;
            let mut be = [0u8; 4];
            be.copy_from_slice(four);
            usize::try_from(u32::from_be_bytes(be)).map_err(|_| malformed("NDEF payload length"))?
        };
        let id_len = if header & IL != 0 {
            usize::from(reader.byte()?)
        } else {
            0
        };
        let tnf = Tnf::from_bits(header & 0x07)?;
        let record_type = reader.take(type_len)?.to_vec();
        let id = reader.take(id_len)?.to_vec();
        let payload = reader.take(payload_len)?.to_vec();
        records.push(NdefRecord {
            tnf,
            record_type,
            id,
            payload,
        });
        if header & ME != 0 {
            break;
        }
    }
    if reader.pos != bytes.len() {
        return Err(malformed("bytes after the NDEF message end (ME)"));
    }
    Ok(records)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(len)
            .ok_or_else(|| malformed("NDEF length overflow"))?;
        let slice = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| malformed("NDEF record truncated"))?;
        self.pos = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8> {
        self.take(1)?
            .first()
            .copied()
            .ok_or_else(|| malformed("NDEF record truncated"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_payloads_use_four_length_bytes_and_round_trip() {
        let records = vec![
            NdefRecord::new(Tnf::Media, b"a/b", b"", vec![7; 300]),
            NdefRecord::new(Tnf::External, b"x:y", b"id", vec![1, 2]),
        ];
        let bytes = encode_message(&records).unwrap();
        assert_eq!(bytes[0], 0x82); // MB, long form, TNF 2
        assert_eq!(&bytes[2..6], &300u32.to_be_bytes());
        assert_eq!(parse_message(&bytes).unwrap(), records);
    }

    #[test]
    fn truncation_chunks_and_trailing_bytes_are_refused() {
        let bytes = encode_message(&[NdefRecord::new(Tnf::WellKnown, b"T", b"", vec![1])]).unwrap();
        for cut in 0..bytes.len() {
            assert_eq!(
                parse_message(&bytes[..cut]).map_err(|e| e.code()),
                Err("engagement_malformed"),
                "cut at {cut}"
            );
        }
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            parse_message(&trailing).map_err(|e| e.code()),
            Err("engagement_malformed")
        );
        let mut chunked = bytes.clone();
        chunked[0] |= CF;
        assert_eq!(
            parse_message(&chunked).map_err(|e| e.code()),
            Err("engagement_malformed")
        );
        // A 4 GiB claim is refused without allocating it.
        let huge = [MB | ME | 0x01, 1, 0xff, 0xff, 0xff, 0xff, b'T'];
        assert_eq!(
            parse_message(&huge).map_err(|e| e.code()),
            Err("engagement_malformed")
        );
    }
}
