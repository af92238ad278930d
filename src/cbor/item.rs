//! Reading scanned CBOR in place, without building a `Value` tree.
//!
//! The decoders of IssuerSigned, DeviceResponse, the MSO and the
//! IssuerSignedItems read their structures straight from the bytes the
//! scanner of [`super`] has already checked (limits, well-formedness,
//! duplicate and non-scalar keys), and build a `Value` only for what they
//! keep as one (an element value, a COSE structure for coset). A ciborium
//! `Value` tree costs an allocation per data item: 100,000 tiny items cost
//! more than the budget of issue 12, and a verification used to spend most
//! of its allocations there.
//!
//! Hand-written because ciborium offers either that tree or serde, and serde
//! cannot keep a tag-24 item's received bytes beside its decoded value (the
//! verifier digests the bytes as received), nor report errors in the order
//! and with the codes the crate has always reported them. Every reading
//! here answers as the same reading of the ciborium `Value` would: a bignum
//! tag (2 or 3) whose value fits in 64 bits is an integer, not a tag, as
//! ciborium decodes it.

use ciborium::value::Value;
use time::OffsetDateTime;

use super::{TAG_ENCODED_CBOR, TAG_TDATE, be_uint, parse_date_time, truncated};
use crate::error::{Error, Result, excerpt};

/// CBOR tag for a positive bignum (RFC 8949 section 3.4.3).
const TAG_BIGNUM_POSITIVE: u64 = 2;
/// CBOR tag for a negative bignum.
const TAG_BIGNUM_NEGATIVE: u64 = 3;

/// One whole, scanned data item, read in place.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item<'a> {
    bytes: &'a [u8],
}

/// An item's head: major type, argument, and the bytes after the head.
pub(super) struct Head<'a> {
    pub(super) major: u8,
    pub(super) argument: u64,
    pub(super) rest: &'a [u8],
}

/// Reads a definite-length head.
pub(super) fn read_head(bytes: &[u8]) -> Result<Head<'_>> {
    match head_at(bytes, 0) {
        Some((major, argument, next)) => Ok(Head {
            major,
            argument,
            rest: bytes.get(next..).unwrap_or_default(),
        }),
        None if bytes.first().is_some_and(|first| first & 0x1f > 27) => {
            Err(Error::CborMalformed("indefinite or reserved head".into()))
        }
        None => Err(truncated()),
    }
}

/// The head at `pos` of `bytes`: (major type, argument, the position
/// after the head); `None` when it is cut short, indefinite or reserved.
/// Read by position, without slicing: the readers and the item walk
/// below read every head of an mdoc structure at least once.
#[inline]
pub(super) fn head_at(bytes: &[u8], pos: usize) -> Option<(u8, u64, usize)> {
    let first = *bytes.get(pos)?;
    let info = first & 0x1f;
    let after = pos.checked_add(1)?;
    let (argument, next) = match info {
        0..=23 => (u64::from(info), after),
        24 => (u64::from(*bytes.get(after)?), after.checked_add(1)?),
        25 => {
            let next = after.checked_add(2)?;
            let be = bytes.get(after..next)?.try_into().ok()?;
            (u64::from(u16::from_be_bytes(be)), next)
        }
        26 => {
            let next = after.checked_add(4)?;
            let be = bytes.get(after..next)?.try_into().ok()?;
            (u64::from(u32::from_be_bytes(be)), next)
        }
        27 => {
            let next = after.checked_add(8)?;
            let be = bytes.get(after..next)?.try_into().ok()?;
            (u64::from_be_bytes(be), next)
        }
        _ => return None,
    };
    Some((first >> 5, argument, next))
}

/// Reads the heads of a scanned item one after the other, for a reader
/// that knows the shape it expects (an MSO's digests: a map of maps of
/// integers to byte strings) and reads it in one walk instead of splitting
/// each level into items first. Each reading method answers `None` where
/// the bytes are not what it reads, for the caller to read the item the
/// general way.
pub(crate) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `item`.
    pub(crate) fn new(item: Item<'a>) -> Cursor<'a> {
        Cursor {
            bytes: item.bytes,
            pos: 0,
        }
    }

    /// The argument of the next head, which must be of major type `major`.
    pub(crate) fn head(&mut self, major: u8) -> Option<u64> {
        let (found, argument, next) = head_at(self.bytes, self.pos)?;
        if found != major {
            return None;
        }
        self.pos = next;
        Some(argument)
    }

    /// The content of the next item, a string of major type `major` (2 or 3).
    pub(crate) fn string(&mut self, major: u8) -> Option<&'a [u8]> {
        let len = usize::try_from(self.head(major)?).ok()?;
        let end = self.pos.checked_add(len)?;
        let content = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(content)
    }

    /// How many bytes of the item are left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    /// Whether every byte of the item was read.
    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// Splits the first whole item off `bytes`: (the item, what follows).
fn split_item(bytes: &[u8]) -> Result<(&[u8], &[u8])> {
    item_len(bytes)
        .and_then(|len| bytes.split_at_checked(len))
        .ok_or_else(truncated)
}

/// The length of the first whole item of `bytes`; `None` when it is cut
/// short or has an indefinite or reserved head.
///
/// Walks heads with a count of items still owed instead of recursing, so
/// nesting costs nothing here (the scan has bounded it already). Every
/// reading of a map or array skips its entries this way, and an entry is
/// skipped again at each level above it, so this loop reads each head by
/// position ([`head_at`]) rather than through slices.
fn item_len(bytes: &[u8]) -> Option<usize> {
    let mut pos = 0usize;
    let mut owed: u64 = 1;
    while owed != 0 {
        owed = owed.saturating_sub(1);
        let (major, argument, next) = head_at(bytes, pos)?;
        pos = next;
        match major {
            2 | 3 => pos = pos.checked_add(usize::try_from(argument).ok()?)?,
            4 => owed = owed.checked_add(argument)?,
            5 => owed = owed.checked_add(argument.checked_mul(2)?)?,
            6 => owed = owed.checked_add(1)?,
            _ => {}
        }
    }
    (pos <= bytes.len()).then_some(pos)
}

/// The capacity for `count` items read from `bytes`: the scan proved they
/// are there, and each takes a byte at least, so the capacity is bounded by
/// the input as well.
fn capacity(count: u64, bytes: &[u8]) -> usize {
    usize::try_from(count)
        .unwrap_or(usize::MAX)
        .min(bytes.len())
}

/// Splits `count` whole items off `bytes`.
fn split_items<'a>(mut bytes: &'a [u8], count: u64) -> Result<Vec<Item<'a>>> {
    let mut items = Vec::with_capacity(capacity(count, bytes));
    for _ in 0..count {
        let (item, rest) = split_item(bytes)?;
        items.push(Item { bytes: item });
        bytes = rest;
    }
    Ok(items)
}

/// Builds the item at the start of `bytes` (scanned already) as
/// [`Item::to_value`] does: (the value, what follows it). Each container's
/// items are built as they are reached, so the bytes are walked once; a
/// container split into its items first and each item then built would
/// walk every nested level again.
fn value_at(bytes: &[u8]) -> Result<(Value, &[u8])> {
    let head = read_head(bytes)?;
    // What ciborium builds itself (floats, bignums, other simple values)
    // needs the item's extent.
    let by_ciborium = || -> Result<(Value, &[u8])> {
        let (item, rest) = split_item(bytes)?;
        Ok((Item { bytes: item }.ciborium_value()?, rest))
    };
    let content = |len: u64| {
        usize::try_from(len)
            .ok()
            .and_then(|len| head.rest.split_at_checked(len))
            .ok_or_else(truncated)
    };
    Ok(match head.major {
        0 => (Value::Integer(head.argument.into()), head.rest),
        1 => {
            // -1 - n never saturates for n < 2^64.
            let n = (-1i128).saturating_sub(i128::from(head.argument));
            let integer = ciborium::value::Integer::try_from(n)
                .map_err(|_| Error::CborMalformed("integer out of range".into()))?;
            (Value::Integer(integer), head.rest)
        }
        2 => {
            let (bytes, rest) = content(head.argument)?;
            (Value::Bytes(bytes.to_vec()), rest)
        }
        3 => {
            let (text, rest) = content(head.argument)?;
            let text = std::str::from_utf8(text)
                .map_err(|_| Error::CborMalformed("text string is not UTF-8".into()))?;
            (Value::Text(text.to_owned()), rest)
        }
        4 => {
            let mut rest = head.rest;
            let mut items = Vec::with_capacity(capacity(head.argument, rest));
            for _ in 0..head.argument {
                let (item, after) = value_at(rest)?;
                items.push(item);
                rest = after;
            }
            (Value::Array(items), rest)
        }
        5 => {
            let mut rest = head.rest;
            let mut entries = Vec::with_capacity(capacity(head.argument, rest));
            for _ in 0..head.argument {
                let (key, after_key) = value_at(rest)?;
                let (value, after_value) = value_at(after_key)?;
                entries.push((key, value));
                rest = after_value;
            }
            (Value::Map(entries), rest)
        }
        6 if head.argument == TAG_BIGNUM_POSITIVE || head.argument == TAG_BIGNUM_NEGATIVE => {
            return by_ciborium();
        }
        6 => {
            let (content, rest) = value_at(head.rest)?;
            (Value::Tag(head.argument, Box::new(content)), rest)
        }
        _ => match bytes.first() {
            Some(0xf4) => (Value::Bool(false), head.rest),
            Some(0xf5) => (Value::Bool(true), head.rest),
            Some(0xf6 | 0xf7) => (Value::Null, head.rest),
            _ => return by_ciborium(),
        },
    })
}

/// The entries of a map, read in place, in received order.
pub(crate) struct Map<'a> {
    entries: Vec<(Item<'a>, Item<'a>)>,
}

impl<'a> Map<'a> {
    /// The value under the text key `key`, if any (the scan refused
    /// duplicate keys, so there is at most one).
    pub(crate) fn get(&self, key: &str) -> Option<Item<'a>> {
        self.entries
            .iter()
            .find(|(k, _)| k.is_text(key))
            .map(|(_, v)| *v)
    }

    /// The value under the text key `key`, or `invalid_structure` naming
    /// `what` and the key, as [`super::map_require`] says it.
    pub(crate) fn require(&self, key: &str, what: &str) -> Result<Item<'a>> {
        self.get(key).ok_or_else(|| {
            Error::InvalidStructure(format!("{what}: missing {key:?}", key = excerpt(key)))
        })
    }

    /// The entries, in received order.
    pub(crate) fn entries(&self) -> &[(Item<'a>, Item<'a>)] {
        &self.entries
    }
}

impl<'a> Item<'a> {
    /// The item whose encoding is exactly `bytes`, which [`super::scan`]
    /// has checked.
    pub(super) fn new(bytes: &'a [u8]) -> Item<'a> {
        Item { bytes }
    }

    /// The item's encoding, exactly as it arrived.
    pub(crate) fn encoded(&self) -> &'a [u8] {
        self.bytes
    }

    fn head(&self) -> Result<Head<'a>> {
        read_head(self.bytes)
    }

    /// The item as a ciborium `Value`, for what the crate keeps as one:
    /// the same value ciborium builds, with one allocation per string,
    /// container or tag (ciborium grows each container as it reads it and
    /// names every tag with a fresh `String`). Floats and bignums, rare in
    /// mdoc structures, are left to ciborium.
    pub(crate) fn to_value(self) -> Result<Value> {
        value_at(self.bytes).map(|(value, _)| value)
    }

    fn ciborium_value(&self) -> Result<Value> {
        ciborium::de::from_reader(self.bytes).map_err(|e| Error::CborMalformed(e.to_string()))
    }

    /// Whether the item is the text string `key`.
    pub(crate) fn is_text(&self, key: &str) -> bool {
        matches!(self.head(), Ok(Head { major: 3, rest, .. }) if rest == key.as_bytes())
    }

    /// The integer ciborium would decode the item into (`Value::Integer`):
    /// a major type 0 or 1 item, or a bignum tag whose value fits in 64 bits.
    pub(crate) fn integer(&self) -> Option<i128> {
        let head = self.head().ok()?;
        match head.major {
            0 => Some(i128::from(head.argument)),
            // -1 - n never saturates for n < 2^64.
            1 => Some((-1i128).saturating_sub(i128::from(head.argument))),
            6 if head.argument == TAG_BIGNUM_POSITIVE || head.argument == TAG_BIGNUM_NEGATIVE => {
                let inner = read_head(head.rest).ok()?;
                if inner.major != 2 {
                    return None;
                }
                // ciborium reads 16 bytes or fewer as an integer, a longer
                // byte string as a tag whatever its value.
                let len = usize::try_from(inner.argument)
                    .ok()
                    .filter(|len| *len <= 16)?;
                let digits = inner.rest.get(..len)?;
                let significant = digits
                    .iter()
                    .position(|b| *b != 0)
                    .map_or(&[][..], |start| digits.get(start..).unwrap_or_default());
                if significant.len() > 8 {
                    return None;
                }
                let magnitude = i128::from(be_uint(significant));
                Some(if head.argument == TAG_BIGNUM_POSITIVE {
                    magnitude
                } else {
                    (-1i128).saturating_sub(magnitude)
                })
            }
            _ => None,
        }
    }

    /// The tag and its content, when ciborium would decode the item into a
    /// `Value::Tag` (a bignum that fits in 64 bits is an integer instead).
    pub(crate) fn tag(&self) -> Result<Option<(u64, Item<'a>)>> {
        let head = self.head()?;
        if head.major != 6 || self.integer().is_some() {
            return Ok(None);
        }
        let (content, _) = split_item(head.rest)?;
        Ok(Some((head.argument, Item { bytes: content })))
    }

    /// The entries of a map; `invalid_structure` as [`super::as_map`] says it.
    pub(crate) fn map(&self, what: &str) -> Result<Map<'a>> {
        let head = self.head()?;
        if head.major != 5 {
            return Err(Error::InvalidStructure(format!("{what}: expected a map")));
        }
        let mut entries = Vec::with_capacity(capacity(head.argument, head.rest));
        let mut rest = head.rest;
        for _ in 0..head.argument {
            let (key, after_key) = split_item(rest)?;
            let (value, after_value) = split_item(after_key)?;
            entries.push((Item { bytes: key }, Item { bytes: value }));
            rest = after_value;
        }
        Ok(Map { entries })
    }

    /// The elements of an array; `invalid_structure` as [`super::as_array`]
    /// says it.
    pub(crate) fn array(&self, what: &str) -> Result<Vec<Item<'a>>> {
        let head = self.head()?;
        if head.major != 4 {
            return Err(Error::InvalidStructure(format!(
                "{what}: expected an array"
            )));
        }
        split_items(head.rest, head.argument)
    }

    /// The content of a text string; as [`super::as_text`].
    pub(crate) fn text(&self, what: &str) -> Result<&'a str> {
        match self.string(3) {
            Some(text) => std::str::from_utf8(text)
                .map_err(|_| Error::CborMalformed("text string is not UTF-8".into())),
            None => Err(Error::InvalidStructure(format!("{what}: expected text"))),
        }
    }

    /// The content of a byte string; as [`super::as_bytes`].
    pub(crate) fn byte_string(&self, what: &str) -> Result<&'a [u8]> {
        self.string(2)
            .ok_or_else(|| Error::InvalidStructure(format!("{what}: expected a byte string")))
    }

    fn string(&self, major: u8) -> Option<&'a [u8]> {
        let head = self.head().ok()?;
        if head.major != major {
            return None;
        }
        head.rest.get(..usize::try_from(head.argument).ok()?)
    }

    /// An unsigned integer that fits in a u64; as [`super::as_u64`].
    pub(crate) fn u64(&self, what: &str) -> Result<u64> {
        self.integer()
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| Error::InvalidStructure(format!("{what}: expected an unsigned integer")))
    }

    /// The inner bytes of a `#6.24(bstr)`, exactly as received; as
    /// [`super::untag24`].
    pub(crate) fn untag24(&self, what: &str) -> Result<&'a [u8]> {
        // The usual head of tag 24 (`d8 18`) around a byte string, read
        // without the general tag reading below: every disclosed item and
        // MSO is wrapped so.
        if let Some(content) = self
            .bytes
            .strip_prefix(&[0xd8, 0x18])
            .and_then(|inner| Item::new(inner).string(2))
        {
            return Ok(content);
        }
        self.untag24_by_tag(what)
    }

    /// [`Item::untag24`] through the general tag reading.
    fn untag24_by_tag(&self, what: &str) -> Result<&'a [u8]> {
        match self.tag()? {
            Some((TAG_ENCODED_CBOR, inner)) => inner.string(2).ok_or_else(|| {
                Error::CborNotTag24(format!("{what}: tag 24 must wrap a byte string"))
            }),
            Some((tag, _)) => Err(Error::CborUnexpectedTag(format!(
                "{what}: tag {tag} where tag 24 is required"
            ))),
            None => Err(Error::CborNotTag24(what.to_string())),
        }
    }

    /// A `tdate`; as [`super::read_tdate`].
    pub(crate) fn tdate(&self, what: &str) -> Result<OffsetDateTime> {
        match self.tag()? {
            Some((TAG_TDATE, inner)) => match inner.string(3) {
                Some(text) => {
                    let text = std::str::from_utf8(text)
                        .map_err(|_| Error::CborMalformed("text string is not UTF-8".into()))?;
                    parse_date_time(text).map_err(|e| {
                        Error::InvalidDate(format!("{what}: {text:?}: {e}", text = excerpt(text)))
                    })
                }
                None => Err(Error::InvalidDate(format!("{what}: tag 0 must wrap text"))),
            },
            Some((tag, _)) => Err(Error::CborUnexpectedTag(format!(
                "{what}: tag {tag} where tag 0 is required"
            ))),
            None => Err(Error::InvalidDate(format!("{what}: expected a tdate"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Limits, decode, scan};
    use super::*;

    /// Every reading agrees with the same reading of ciborium's `Value`.
    #[test]
    fn readings_agree_with_the_value_tree() {
        let inputs: [&[u8]; 12] = [
            &[0x00],
            &[0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            // Bignums: 1, -1 - 2^64 + 1, and 2^64 (a tag, not an integer).
            &[0xc2, 0x41, 0x01],
            &[0xc3, 0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe],
            &[0xc2, 0x49, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0xc2, 0x4a, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0],
            &[0xd8, 0x18, 0x41, 0xa0],
            &[0xd8, 0x18, 0x60],
            &[
                0xc0, 0x74, b'2', b'0', b'2', b'6', b'-', b'1', b'1', b'-', b'2', b'9', b'T', b'1',
                b'0', b':', b'0', b'0', b':', b'0', b'0', b'Z',
            ],
            &[0xc1, 0x00],
            &[0x63, b'a', b'b', b'c'],
            &[0x82, 0xa1, 0x61, b'k', 0x01, 0x42, 0x01, 0x02],
        ];
        for input in inputs {
            let value = decode(input).unwrap();
            let item = scan(input, &Limits::DEFAULT).unwrap();
            let as_u64 = super::super::as_u64(&value, "x").map_err(|e| e.code());
            assert_eq!(item.u64("x").map_err(|e| e.code()), as_u64, "{input:02x?}");
            let untagged = super::super::untag24(&value, "x").map_err(|e| e.code());
            assert_eq!(
                item.untag24("x").map_err(|e| e.code()),
                untagged,
                "{input:02x?}"
            );
            let date = super::super::read_tdate(&value, "x").map_err(|e| e.code());
            assert_eq!(item.tdate("x").map_err(|e| e.code()), date, "{input:02x?}");
            let text = super::super::as_text(&value, "x").map_err(|e| e.code());
            assert_eq!(item.text("x").map_err(|e| e.code()), text, "{input:02x?}");
            let bytes = super::super::as_bytes(&value, "x").map_err(|e| e.code());
            assert_eq!(item.byte_string("x").map_err(|e| e.code()), bytes);
            assert_eq!(item.to_value().unwrap(), value, "{input:02x?}");
            assert_eq!(item.ciborium_value().unwrap(), value, "{input:02x?}");
            let integer = match &value {
                Value::Integer(i) => Some(i128::from(*i)),
                _ => None,
            };
            assert_eq!(item.integer(), integer, "{input:02x?}");
        }
    }

    /// The tree built in place is the tree ciborium builds, for every
    /// kind of item, nested.
    #[test]
    fn values_are_the_values_ciborium_builds() {
        let portrait = vec![0x5a_u8; 5000];
        let value = Value::Map(vec![
            (Value::from(-3), Value::Bytes(portrait)),
            (
                Value::Text("ж".repeat(40)),
                Value::Array(vec![
                    Value::Bool(true),
                    Value::Bool(false),
                    Value::Null,
                    Value::Float(1.5),
                    Value::Float(1e300),
                    Value::from(u64::MAX),
                    Value::Integer(
                        ciborium::value::Integer::try_from(-1i128 - i128::from(u64::MAX)).unwrap(),
                    ),
                    Value::Tag(1004, Box::new(Value::Text("2026-11-29".into()))),
                    Value::Tag(24, Box::new(Value::Bytes(vec![0xa0]))),
                    Value::from(u128::from(u64::MAX) + 1),
                ]),
            ),
            (Value::Bool(false), Value::Map(vec![])),
        ]);
        let bytes = super::super::encode(&value).unwrap();
        let item = scan(&bytes, &Limits::DEFAULT).unwrap();
        assert_eq!(item.to_value().unwrap(), value);
        // undefined reads as null, a half float as its value.
        for (input, expected) in [
            (&[0xf7][..], Value::Null),
            (&[0xf9, 0x3c, 0x00], Value::Float(1.0)),
            (&[0xc2, 0x41, 0x07], Value::from(7)),
        ] {
            let item = scan(input, &Limits::DEFAULT).unwrap();
            assert_eq!(item.to_value().unwrap(), expected, "{input:02x?}");
        }
    }

    /// An item's extent is found through heads of every width (shortest
    /// or not), and never when the item is cut short or a head is
    /// indefinite or reserved.
    #[test]
    fn items_are_measured_through_heads_of_every_width() {
        // [h'0102', "ab", {1: 0("x")}, -1] with each head in each width.
        let heads = |major: u8, n: u8| -> Vec<Vec<u8>> {
            let m = major << 5;
            vec![
                vec![m | n],
                vec![m | 24, n],
                vec![m | 25, 0, n],
                vec![m | 26, 0, 0, 0, n],
                vec![m | 27, 0, 0, 0, 0, 0, 0, 0, n],
            ]
        };
        for width in 0..5 {
            let mut item = heads(4, 4)[width].clone();
            item.extend(&heads(2, 2)[width]);
            item.extend([1, 2]);
            item.extend(&heads(3, 2)[width]);
            item.extend(b"ab");
            item.extend(&heads(5, 1)[width]);
            item.extend(&heads(0, 1)[width]);
            item.extend(&heads(6, 0)[width]);
            item.extend(&heads(3, 1)[width]);
            item.push(b'x');
            item.extend(&heads(1, 0)[width]);
            let mut bytes = item.clone();
            bytes.extend([0xf6, 0x01]);
            let (whole, rest) = split_item(&bytes).unwrap();
            assert_eq!(
                (whole, rest),
                (&item[..], &[0xf6, 0x01][..]),
                "width {width}"
            );
            for cut in 0..item.len() {
                assert!(
                    split_item(&item[..cut]).is_err(),
                    "width {width}, cut {cut}"
                );
            }
        }
        for head in [0x1c, 0x1d, 0x1e, 0x1f, 0x5f, 0x9f, 0xbf, 0xff] {
            assert_eq!(
                split_item(&[head, 0, 0]).unwrap_err().code(),
                "cbor_malformed"
            );
            assert!(matches!(
                read_head(&[head, 0, 0]),
                Err(Error::CborMalformed(_))
            ));
        }
    }

    /// The usual tag-24 head is read as the general tag reading reads it,
    /// and everything else still goes through that reading.
    #[test]
    fn tag24_reads_as_the_general_tag_reading() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for len in [0usize, 1, 23, 24, 300] {
            let bstr = crate::cbor::encode(&Value::Bytes(vec![0xa0; len])).unwrap();
            for tag in [
                &[0xd8, 0x18][..],
                &[0xd9, 0x00, 0x18],
                &[0xd8, 0x19],
                &[0xc0],
            ] {
                inputs.push([tag, &bstr].concat());
            }
            inputs.push(bstr);
        }
        inputs.push(vec![0xd8, 0x18, 0x61, b'x']);
        inputs.push(vec![0xd8, 0x18, 0x80]);
        inputs.push(vec![0x01]);
        for input in inputs {
            let item = scan(&input, &Limits::DEFAULT).unwrap();
            let general = item.untag24_by_tag("x").map_err(|e| e.to_string());
            assert_eq!(
                item.untag24("x").map_err(|e| e.to_string()),
                general,
                "{input:02x?}"
            );
        }
    }

    #[test]
    fn maps_and_arrays_split_into_their_items() {
        // {"a": [1, {"b": h'02'}], "c": 0("x")}
        let input = [
            0xa2, 0x61, b'a', 0x82, 0x01, 0xa1, 0x61, b'b', 0x41, 0x02, 0x61, b'c', 0xc0, 0x61,
            b'x',
        ];
        let map = scan(&input, &Limits::DEFAULT).unwrap().map("m").unwrap();
        assert_eq!(map.entries().len(), 2);
        let array = map.require("a", "m").unwrap().array("a").unwrap();
        assert_eq!(array.len(), 2);
        assert_eq!(array[0].u64("n").unwrap(), 1);
        let inner = array[1].map("inner").unwrap();
        assert_eq!(
            inner
                .require("b", "inner")
                .unwrap()
                .byte_string("b")
                .unwrap(),
            [2]
        );
        assert_eq!(map.get("c").unwrap().bytes, [0xc0, 0x61, b'x']);
        assert_eq!(
            map.require("d", "m").map(|_| ()).map_err(|e| e.to_string()),
            Err("invalid structure: m: missing \"d\"".into())
        );
        assert_eq!(
            map.get("a")
                .unwrap()
                .map("a")
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("invalid_structure")
        );
    }
}
