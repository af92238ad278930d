//! The status list itself: entries of 1, 2, 4 or 8 bits packed into bytes,
//! least significant bits first, and its compressed wire form
//! `{"bits": uint, "lst": bstr}` (zlib / DEFLATE).
//!
//! Decompression is always bounded (see [`MAX_LIST_BYTES`]):
//!
//! - [`EncodedStatusList::get`] reads one entry and inflates only the
//!   `ceil((idx + 1) * bits / 8)` bytes that lead up to it, then stops; an
//!   index whose byte lies past [`MAX_LIST_BYTES`] is refused before
//!   anything is inflated;
//! - [`EncodedStatusList::decode`] inflates the whole list, but stops and
//!   refuses (`status_list_too_large`) as soon as the output passes
//!   [`MAX_LIST_BYTES`].
//!
//! A zip bomb is therefore refused, never inflated in full.

use crate::int::u64_from_usize;
use std::io::Write as _;

use ciborium::value::Value;
use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::cbor::{self, as_map, map_require};
use crate::error::{Error, Result};
use crate::status::inflate::inflate_bounded;
use crate::status::value::{StatusBits, StatusValue};

/// Largest status list, decompressed, that the crate builds or reads:
/// 16 MiB, that is 2^27 one-bit entries or 2^24 eight-bit ones. The draft's
/// largest example is 1 MiB; a country's list for every document it ever
/// issues fits many times over.
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;

/// A decompressed status list that can be read and edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: StatusBits,
    len: u64,
    bytes: Vec<u8>,
}

impl StatusList {
    /// A list of `len` entries of `bits` bits, all VALID.
    ///
    /// Refused with `invalid_argument` when `len` is 0, and with
    /// `status_list_too_large` when the list would exceed [`MAX_LIST_BYTES`].
    pub fn new(bits: StatusBits, len: u64) -> Result<StatusList> {
        if len == 0 {
            return Err(Error::InvalidArgument(
                "a status list needs at least one entry".into(),
            ));
        }
        let size = byte_len(bits, len)?;
        Ok(StatusList {
            bits,
            len,
            bytes: vec![0u8; size],
        })
    }

    /// A list over packed bytes as decompressed: every entry the bytes hold
    /// (`bytes.len() * 8 / bits`) is part of it.
    ///
    /// Refused with `status_list_too_large` above [`MAX_LIST_BYTES`].
    pub fn from_bytes(bits: StatusBits, bytes: Vec<u8>) -> Result<StatusList> {
        if bytes.len() > MAX_LIST_BYTES {
            return Err(too_large(u64_from_usize(bytes.len())));
        }
        let len = u64_from_usize(bytes.len()).saturating_mul(bits.per_byte());
        Ok(StatusList { bits, len, bytes })
    }

    /// A list of exactly `len` entries over packed `bytes`, which must be
    /// `ceil(len * bits / 8)` bytes long (`invalid_argument` otherwise; bits
    /// past the last entry are ignored).
    pub fn from_parts(bits: StatusBits, len: u64, bytes: Vec<u8>) -> Result<StatusList> {
        let expected = byte_len(bits, len)?;
        if bytes.len() != expected {
            return Err(Error::InvalidArgument(format!(
                "{} bytes, a list of {len} entries of {bits} bit(s) needs {expected}",
                bytes.len()
            )));
        }
        Ok(StatusList { bits, len, bytes })
    }

    /// The packed bytes, uncompressed, taking the list apart.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Bits per entry.
    pub fn bits(&self) -> StatusBits {
        self.bits
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The packed bytes, uncompressed.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status at `index`; `status_index_out_of_range` past the end.
    pub fn get(&self, index: u64) -> Result<StatusValue> {
        let (byte, shift) = self.locate(index)?;
        let value = self
            .bytes
            .get(byte)
            .copied()
            .ok_or_else(|| out_of_range(index, self.len))?;
        Ok(StatusValue::from_u8(self.bits.read(value, shift)))
    }

    /// Sets the status at `index`.
    ///
    /// Refused with `status_index_out_of_range` past the end, and with
    /// `invalid_argument` when the value does not fit the list's bits (for
    /// example SUSPENDED in a one-bit list).
    pub fn set(&mut self, index: u64, status: StatusValue) -> Result<()> {
        let value = status.to_u8();
        if value > self.bits.max_value() {
            return Err(Error::InvalidArgument(format!(
                "status {status} does not fit a list of {} bit(s) per entry",
                self.bits
            )));
        }
        let (byte, shift) = self.locate(index)?;
        let mask = self.bits.max_value() << shift;
        let len = self.len;
        let slot = self
            .bytes
            .get_mut(byte)
            .ok_or_else(|| out_of_range(index, len))?;
        *slot = (*slot & !mask) | (value << shift);
        Ok(())
    }

    /// Every entry, in index order.
    pub fn iter(&self) -> impl Iterator<Item = StatusValue> + '_ {
        (0..self.len).filter_map(|i| self.get(i).ok())
    }

    /// How many entries hold each value, by value number.
    pub fn counts(&self) -> std::collections::BTreeMap<u8, u64> {
        let mut counts = std::collections::BTreeMap::new();
        for status in self.iter() {
            let count: &mut u64 = counts.entry(status.to_u8()).or_insert(0);
            *count = count.saturating_add(1);
        }
        counts
    }

    /// Compresses the list (zlib, best compression) into its wire form.
    pub fn encode(&self) -> Result<EncodedStatusList> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .map(|lst| EncodedStatusList {
                bits: self.bits,
                lst,
            })
            .map_err(|e| Error::InvalidArgument(format!("cannot compress the status list: {e}")))
    }

    fn locate(&self, index: u64) -> Result<(usize, u8)> {
        if index >= self.len {
            return Err(out_of_range(index, self.len));
        }
        let (byte, shift) = self.bits.position(index);
        let byte = usize::try_from(byte).map_err(|_| out_of_range(index, self.len))?;
        Ok((byte, shift))
    }
}

/// A status list as it travels: bits per entry and the compressed bytes,
/// kept as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedStatusList {
    /// Bits per entry.
    pub bits: StatusBits,
    /// The packed entries, zlib-compressed.
    pub lst: Vec<u8>,
}

impl EncodedStatusList {
    /// Reads `{"bits": 1|2|4|8, "lst": bstr}`; other keys (such as the
    /// draft's `aggregation_uri`) are ignored.
    ///
    /// Refused with `invalid_structure` for another shape and with
    /// `status_list_malformed` for another number of bits. Nothing is
    /// inflated here.
    pub fn from_value(value: &Value) -> Result<EncodedStatusList> {
        let what = "status_list";
        let map = as_map(value, what)?;
        let bits = StatusBits::from_u64(cbor::as_u64(map_require(map, "bits", what)?, "bits")?)?;
        let lst = cbor::as_bytes(map_require(map, "lst", what)?, "lst")?.to_vec();
        Ok(EncodedStatusList { bits, lst })
    }

    /// Decodes CBOR bytes holding `{"bits", "lst"}` (bounded, see [`cbor::decode`]).
    pub fn from_slice(bytes: &[u8]) -> Result<EncodedStatusList> {
        EncodedStatusList::from_value(&cbor::decode(bytes)?)
    }

    /// The CBOR map `{"bits": uint, "lst": bstr}`.
    pub fn to_value(&self) -> Value {
        cbor::text_map([
            ("bits", Value::from(self.bits.get())),
            ("lst", Value::Bytes(self.lst.clone())),
        ])
    }

    /// Reads the entry at `index`, inflating only the
    /// `ceil((index + 1) * bits / 8)` bytes up to it.
    ///
    /// Refused with `status_list_too_large` when those bytes would exceed
    /// [`MAX_LIST_BYTES`] (before anything is inflated), with
    /// `status_index_out_of_range` when the list ends before the index, and
    /// with `status_list_malformed` when `lst` is not a zlib stream or is cut
    /// off before the index.
    ///
    /// Only the bytes up to the index are checked: the zlib checksum at the
    /// end is not reached. The token's signature, checked before, is what
    /// vouches for the bytes.
    pub fn get(&self, index: u64) -> Result<StatusValue> {
        let (byte, shift) = self.bits.position(index);
        let needed = byte
            .checked_add(1)
            .filter(|n| *n <= u64_from_usize(MAX_LIST_BYTES))
            .ok_or_else(|| too_large(byte.saturating_add(1)))?;
        let needed = usize::try_from(needed).map_err(|_| too_large(needed))?;
        let mut last = 0u8;
        let inflation = inflate_bounded(&self.lst, needed, |chunk| {
            if let Some(b) = chunk.last() {
                last = *b;
            }
        })?;
        if inflation.produced < needed {
            return Err(out_of_range(
                index,
                u64_from_usize(inflation.produced).saturating_mul(self.bits.per_byte()),
            ));
        }
        Ok(StatusValue::from_u8(self.bits.read(last, shift)))
    }

    /// Inflates the whole list, stopping with `status_list_too_large` as soon
    /// as the output passes [`MAX_LIST_BYTES`].
    ///
    /// Refused with `status_list_malformed` for input that is not one
    /// complete zlib stream (including bytes after the stream's end).
    pub fn decode(&self) -> Result<StatusList> {
        let mut bytes = Vec::new();
        let inflation = inflate_bounded(&self.lst, MAX_LIST_BYTES + 1, |chunk| {
            bytes.extend_from_slice(chunk)
        })?;
        if !inflation.ended {
            return Err(too_large(u64_from_usize(inflation.produced)));
        }
        if inflation.consumed != self.lst.len() {
            return Err(Error::StatusListMalformed(format!(
                "{} bytes after the end of the zlib stream",
                self.lst.len().saturating_sub(inflation.consumed)
            )));
        }
        StatusList::from_bytes(self.bits, bytes)
    }
}

/// Bytes of a list of `len` entries of `bits`, within [`MAX_LIST_BYTES`].
pub(crate) fn byte_len(bits: StatusBits, len: u64) -> Result<usize> {
    let bytes = bits.bytes_for(len).unwrap_or(u64::MAX);
    if bytes > u64_from_usize(MAX_LIST_BYTES) {
        return Err(too_large(bytes));
    }
    usize::try_from(bytes).map_err(|_| too_large(bytes))
}

fn too_large(bytes: u64) -> Error {
    Error::StatusListTooLarge(format!(
        "{bytes} or more bytes decompressed; the limit is {MAX_LIST_BYTES}"
    ))
}

fn out_of_range(index: u64, len: u64) -> Error {
    Error::StatusIndexOutOfRange(format!("index {index} in a list of {len} entries"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_least_significant_bits_first() {
        let mut list = StatusList::new(StatusBits::Two, 12).unwrap();
        for (i, v) in [1u8, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]
            .into_iter()
            .enumerate()
        {
            list.set(i as u64, StatusValue::from_u8(v)).unwrap();
        }
        // The draft's two-bit example.
        assert_eq!(list.as_bytes(), &[0xc9, 0x44, 0xf9]);
        let encoded = list.encode().unwrap();
        assert_eq!(encoded.decode().unwrap(), list);
        assert_eq!(encoded.get(3).unwrap(), StatusValue::Other(3));
        assert_eq!(encoded.get(9).unwrap(), StatusValue::Suspended);
    }

    #[test]
    fn refuses_bad_arguments() {
        let mut list = StatusList::new(StatusBits::One, 8).unwrap();
        let code = |r: Result<()>| r.unwrap_err().code();
        assert_eq!(
            code(list.set(8, StatusValue::Invalid)),
            "status_index_out_of_range"
        );
        assert_eq!(
            code(list.set(0, StatusValue::Suspended)),
            "invalid_argument"
        );
        assert_eq!(
            StatusList::new(StatusBits::One, 0).unwrap_err().code(),
            "invalid_argument"
        );
        assert_eq!(
            StatusList::new(StatusBits::Eight, MAX_LIST_BYTES as u64 + 1)
                .unwrap_err()
                .code(),
            "status_list_too_large"
        );
        let encoded = list.encode().unwrap();
        assert_eq!(
            encoded.get(u64::MAX).unwrap_err().code(),
            "status_list_too_large"
        );
    }
}
