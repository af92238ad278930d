//! Bounded CBOR decoding and the mdoc encoding helpers (tag 24, tdate, full-date).
//!
//! Every byte string that reaches the crate from outside goes through a
//! scan: [`decode`] (or [`decode_with`]) scans before it builds a `Value`,
//! and the crate's own decoders scan, then read the bytes in place. Before
//! anything is allocated, the scan walks the encoded item and refuses:
//!
//! | check | error code | default limit |
//! |---|---|---|
//! | input size | `cbor_too_large` | [`Limits::DEFAULT`]: 8 MiB |
//! | nesting depth of arrays, maps and tags | `cbor_too_deep` | 32 |
//! | number of data items | `cbor_too_many_items` | 100,000 |
//! | a length larger than the bytes left | `cbor_length_exceeds_input` | - |
//! | indefinite lengths | `cbor_indefinite_length` | - |
//! | the same key twice in one map (equal values, however encoded) | `cbor_duplicate_key` | - |
//! | a map key that is not an integer, string, boolean or null | `cbor_malformed` | - |
//! | bytes after the item | `cbor_trailing_bytes` | - |
//! | anything else not well-formed | `cbor_malformed` | - |
//! | a simple value other than false, true, null, undefined; a negative bignum below -2^127 | `cbor_malformed` (after every other check) | - |
//!
//! Only after the scan passes is the item turned into a [`Value`] (by
//! [`decode`]) or read in place by the crate's structure decoders (see
//! `item`), so no allocation is ever sized by a length the input claims but
//! does not hold. Keys are compared on the bytes the scan already walked,
//! never re-encoded: the cost of decoding stays a small multiple of the
//! input, however the maps nest.
//!
//! [`encode`] writes a `Value` with the crate's own writer (`write`), byte
//! for byte as ciborium writes it.

mod item;
mod write;

use std::collections::HashSet;

use ciborium::value::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::error::{Error, Result, excerpt, excerpt_bytes};

/// CBOR tag for embedded CBOR data items (RFC 8949 section 3.4.5.1).
pub const TAG_ENCODED_CBOR: u64 = 24;
/// CBOR tag for an RFC 3339 date-time string (`tdate`).
pub const TAG_TDATE: u64 = 0;
/// CBOR tag for an RFC 3339 full-date string (`full-date`, RFC 8943).
pub const TAG_FULL_DATE: u64 = 1004;

/// Limits applied while decoding untrusted CBOR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_input_len: usize,
    /// Deepest accepted nesting of arrays, maps and tags.
    pub max_depth: usize,
    /// Most data items accepted in one input (every key, value and element counts).
    pub max_items: usize,
}

impl Limits {
    /// The limits used by [`decode`]: 8 MiB, depth 32, 100,000 items. A driving
    /// licence with a portrait is a few tens of kilobytes; these leave room for
    /// large portraits and signature images while keeping hostile input cheap.
    pub const DEFAULT: Limits = Limits {
        max_input_len: 8 * 1024 * 1024,
        max_depth: 32,
        max_items: 100_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Decodes one CBOR data item under [`Limits::DEFAULT`].
pub fn decode(bytes: &[u8]) -> Result<Value> {
    decode_with(bytes, &Limits::DEFAULT)
}

/// Decodes one CBOR data item under the given limits; the input must hold
/// exactly one item.
pub fn decode_with(bytes: &[u8], limits: &Limits) -> Result<Value> {
    scan(bytes, limits)?;
    // ciborium builds the tree here: its own recursion limit stays in force
    // under any limits a caller sets ([`Item::to_value`] serves the crate's
    // decoders, which keep the default depth).
    ciborium::de::from_reader(bytes).map_err(|e| Error::CborMalformed(e.to_string()))
}

pub(crate) use item::{Cursor, Item};
pub(crate) use write::{write_bytes, write_head, write_text, write_value};

/// Checks one CBOR data item under the given limits, and everything else
/// [`decode_with`] would refuse, without building it: the decoders of the
/// crate's structures then read it in place ([`Item`]).
pub(crate) fn scan<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Item<'a>> {
    let mut scanner = Scanner::new(bytes, limits)?;
    scanner.item(0)?;
    if scanner.pos != bytes.len() {
        return Err(Error::CborTrailingBytes(
            bytes.len().saturating_sub(scanner.pos),
        ));
    }
    // Refused after every other check, where ciborium used to refuse it
    // when it built the whole item, so the codes stay the same.
    if let Some(reason) = scanner.not_a_value {
        return Err(Error::CborMalformed(reason.into()));
    }
    Ok(Item::new(bytes))
}

/// Scans a map whose keys are exactly the text strings `keys`, each once
/// and in any order, and returns their values in the order of `keys`, in
/// one pass: the shape of every IssuerSignedItem, read once per disclosed
/// element, for which [`scan`] then [`Item::map`] and a search per key
/// walked the item three times.
///
/// `Some` only when [`scan`] under the same limits accepts `bytes` and the
/// map holds these keys and no other; `None` for anything else (an extra,
/// missing or repeated key, a non-text key, any error), so that the caller
/// reads the item the general way and refuses it with the same error as
/// before. One check is left to the caller: text strings in the values are
/// not checked to be UTF-8 here, since reading them checks it again (a
/// caller reads every text string of the values, and falls back to the
/// general way when one is not UTF-8).
pub(crate) fn scan_keyed_map<'a, const N: usize>(
    bytes: &'a [u8],
    limits: &Limits,
    keys: [&str; N],
) -> Option<[Item<'a>; N]> {
    let found = scan_map_of(bytes, limits, keys, false)?;
    let mut values = [Item::new(&[]); N];
    for (value, entry) in values.iter_mut().zip(found) {
        *value = entry?;
    }
    Some(values)
}

/// Scans a map whose keys are among the text strings `keys`, each at most
/// once, and returns the value of each key present, in the order of
/// `keys`, in one pass: an MSO, whose fields [`Item::map`] would otherwise
/// split off by walking the whole MSO again after its scan.
///
/// `Some` only when [`scan`] under the same limits accepts `bytes`
/// (UTF-8 included) and the map holds no other key; `None` for anything
/// else, for the caller to read the map the general way.
pub(crate) fn scan_known_map<'a, const N: usize>(
    bytes: &'a [u8],
    limits: &Limits,
    keys: [&str; N],
) -> Option<[Option<Item<'a>>; N]> {
    scan_map_of(bytes, limits, keys, true)
}

/// [`scan_known_map`], with text strings in the values checked to be UTF-8
/// only if `check_utf8` (the keys are checked by being equal to `keys`).
fn scan_map_of<'a, const N: usize>(
    bytes: &'a [u8],
    limits: &Limits,
    keys: [&str; N],
    check_utf8: bool,
) -> Option<[Option<Item<'a>>; N]> {
    let mut scanner = Scanner::new(bytes, limits).ok()?;
    scanner.check_utf8 = check_utf8;
    scanner.count_item().ok()?;
    let (major, count) = scanner.head().ok()?;
    if major != 5 || count > u64::try_from(N).ok()? {
        return None;
    }
    let depth = scanner.enter(0).ok()?;
    let mut found: [Option<Item<'a>>; N] = [None; N];
    for _ in 0..count {
        // The key, as `Scanner::item` reads a text string; equal to one of
        // `keys`, so it is UTF-8, and distinct keys cannot be duplicates.
        scanner.count_item().ok()?;
        let (major, len) = scanner.head().ok()?;
        if major != 3 {
            return None;
        }
        let len = scanner.check_len(len, 1).ok()?;
        let key = scanner.take(len).ok()?;
        let slot = keys.iter().position(|k| k.as_bytes() == key)?;
        let start = scanner.pos;
        scanner.item(depth).ok()?;
        let value = bytes.get(start..scanner.pos)?;
        let entry = found.get_mut(slot)?;
        if entry.is_some() {
            return None;
        }
        *entry = Some(Item::new(value));
    }
    if scanner.pos != bytes.len() || scanner.not_a_value.is_some() {
        return None;
    }
    Some(found)
}

/// What makes two map keys the same key, read from the scanned bytes
/// without decoding or re-encoding them: equal values encoded differently
/// (a text key with a longer length head than needed, an integer in a wider
/// form, `undefined` beside `null`) have the same identity, so two readers
/// cannot resolve them to different entries.
/// Ordered (integers, then strings, then simple values; within each by its
/// fields) only so that [`SeenKeys`] can tell a new key above the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum KeyIdentity<'a> {
    /// An unsigned (major 0) or negative (major 1) integer and its argument.
    Integer(u8, u64),
    /// A byte (major 2) or text (major 3) string and its content.
    String(u8, &'a [u8]),
    /// false, true, or null (`undefined` reads as null).
    Simple(u64),
}

/// The keys of one map seen so far. The maps of mdoc structures hold at
/// most a few dozen keys (the largest are an MSO's digests of one
/// namespace, one per element of a licence): those are kept in a small
/// array, so scanning a map allocates nothing and hashes nothing; a larger
/// map moves to a hash set, whose cost per key stays constant however many
/// keys a hostile map holds.
///
/// Encoders usually write keys in ascending order (an MSO's digest IDs, a
/// deterministically encoded map): while every key is greater than the one
/// before it, a new key is known to be new without comparing it to the
/// others, which for an MSO's digests saved a comparison with every digest
/// ID before it.
#[derive(Default)]
struct SeenKeys<'a> {
    few: [Option<KeyIdentity<'a>>; SeenKeys::FEW],
    /// How many of `few` are taken.
    len: usize,
    /// Whether some key was not greater than the one before it.
    unordered: bool,
    /// Made only when a map outgrows `few`: building a hash set seeds its
    /// hasher from a thread-local, which every small map would pay for.
    many: Option<HashSet<KeyIdentity<'a>>>,
}

impl<'a> SeenKeys<'a> {
    const FEW: usize = 32;

    /// Records `key`; false when it was seen already.
    fn insert(&mut self, key: KeyIdentity<'a>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(key);
        }
        let last = self.len.checked_sub(1).and_then(|i| self.few.get(i));
        let above_last = last.is_none_or(|last| last.is_some_and(|last| last < key));
        if !above_last {
            self.unordered = true;
        }
        if self.unordered
            && self
                .few
                .iter()
                .take(self.len)
                .any(|seen| *seen == Some(key))
        {
            return false;
        }
        if let Some(slot) = self.few.get_mut(self.len) {
            *slot = Some(key);
            self.len = self.len.saturating_add(1);
            return true;
        }
        // All slots taken: every key so far moves to the set.
        let many = self
            .many
            .insert(self.few.iter_mut().filter_map(Option::take).collect());
        many.insert(key)
    }
}

/// The identity of the map key encoded in `key` (one whole, scanned item).
///
/// Only integers, strings and the simple values false, true, null and
/// undefined may be keys: every key of every mdoc, COSE and trust-list
/// structure is an integer or a text string, and a container, tag or float
/// key could only serve to make key comparison expensive (a map nested
/// through its keys would otherwise be compared at every level).
fn key_identity(key: &[u8]) -> Result<KeyIdentity<'_>> {
    let not_scalar =
        || Error::CborMalformed("a map key must be an integer, a string, a boolean or null".into());
    let (&first, rest) = key.split_first().ok_or_else(truncated)?;
    let major = first >> 5;
    let info = first & 0x1f;
    let head_len = match info {
        0..=23 => 0,
        24 => 1,
        25 => 2,
        26 => 4,
        _ => 8,
    };
    let (argument, content) = rest.split_at_checked(head_len).ok_or_else(truncated)?;
    let argument = if info < 24 {
        u64::from(info)
    } else {
        be_uint(argument)
    };
    match major {
        0 | 1 => Ok(KeyIdentity::Integer(major, argument)),
        2 | 3 => Ok(KeyIdentity::String(major, content)),
        7 => match (info, argument) {
            (20 | 21, _) => Ok(KeyIdentity::Simple(argument)),
            (22 | 23, _) => Ok(KeyIdentity::Simple(22)),
            _ => Err(not_scalar()),
        },
        _ => Err(not_scalar()),
    }
}

/// Encodes a value as CBOR.
pub fn encode(value: &Value) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_value(value, &mut out)?;
    Ok(out)
}

/// Walks one encoded item without building it, enforcing [`Limits`].
struct Scanner<'a> {
    input: &'a [u8],
    pos: usize,
    items: usize,
    limits: &'a Limits,
    /// The first well-formed item a ciborium `Value` cannot hold (a simple
    /// value other than false, true, null and undefined; a negative bignum
    /// below -2^127): the decoders read items in place and must refuse what
    /// building the `Value` tree refused.
    not_a_value: Option<&'static str>,
    /// Whether text strings are checked to be UTF-8: off only where the
    /// caller reads every text string of the item and checks it then.
    check_utf8: bool,
}

impl<'a> Scanner<'a> {
    /// A scanner at the start of `input`, which must fit the size limit.
    fn new(input: &'a [u8], limits: &'a Limits) -> Result<Scanner<'a>> {
        if input.len() > limits.max_input_len {
            return Err(Error::CborTooLarge {
                len: input.len(),
                limit: limits.max_input_len,
            });
        }
        Ok(Scanner {
            input,
            pos: 0,
            items: 0,
            limits,
            not_a_value: None,
            check_utf8: true,
        })
    }

    fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Result<&[u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.input.len())
            .ok_or_else(|| Error::CborMalformed("truncated input".into()))?;
        let slice = self
            .input
            .get(self.pos..end)
            .ok_or_else(|| Error::CborMalformed("truncated input".into()))?;
        self.pos = end;
        Ok(slice)
    }

    /// Reads an item head: (major type, argument), refusing indefinite lengths.
    #[inline]
    fn head(&mut self) -> Result<(u8, u64)> {
        // Read by position, as the readers read heads: every head of every
        // input goes through here once.
        let Some((major, argument, next)) = item::head_at(self.input, self.pos) else {
            return Err(self.head_error());
        };
        if major == 7 && argument < 32 && next.checked_sub(self.pos) == Some(2) {
            return Err(Error::CborMalformed(
                "simple value below 32 in two-byte form".into(),
            ));
        }
        self.pos = next;
        Ok((major, argument))
    }

    /// Why there is no head at the scanner's position.
    #[cold]
    fn head_error(&self) -> Error {
        let Some(first) = self.input.get(self.pos) else {
            return truncated();
        };
        let major = first >> 5;
        match first & 0x1f {
            info @ 28..=30 => {
                Error::CborMalformed(format!("reserved additional information {info}"))
            }
            // Info 31: indefinite length for types 2-5, "break" for type 7.
            31 if (2..=5).contains(&major) => Error::CborIndefiniteLength,
            31 => {
                Error::CborMalformed(format!("additional information 31 with major type {major}"))
            }
            _ => truncated(),
        }
    }

    fn count_item(&mut self) -> Result<()> {
        self.items = self.items.saturating_add(1);
        if self.items > self.limits.max_items {
            return Err(Error::CborTooManyItems {
                limit: self.limits.max_items,
            });
        }
        Ok(())
    }

    fn check_len(&self, claimed: u64, min_bytes_each: u64) -> Result<usize> {
        let available = self.remaining();
        let needed = claimed.saturating_mul(min_bytes_each);
        if needed > u64::try_from(available).unwrap_or(u64::MAX) {
            return Err(Error::CborLengthExceedsInput { claimed, available });
        }
        usize::try_from(claimed).map_err(|_| Error::CborLengthExceedsInput { claimed, available })
    }

    fn item(&mut self, depth: usize) -> Result<()> {
        self.count_item()?;
        let first = self.input.get(self.pos).copied();
        let (major, argument) = self.head()?;
        match major {
            0 | 1 => Ok(()),
            7 => {
                // Heads 0xe0-0xf3 and 0xf8: simple values ciborium refuses.
                let info = first.map_or(0, |b| b & 0x1f);
                if info < 20 || info == 24 {
                    self.not_a_value.get_or_insert("unassigned simple value");
                }
                Ok(())
            }
            2 => {
                let len = self.check_len(argument, 1)?;
                self.take(len).map(|_| ())
            }
            3 => {
                let len = self.check_len(argument, 1)?;
                let check_utf8 = self.check_utf8;
                let text = self.take(len)?;
                if check_utf8 && std::str::from_utf8(text).is_err() {
                    return Err(Error::CborMalformed("text string is not UTF-8".into()));
                }
                Ok(())
            }
            4 => {
                let depth = self.enter(depth)?;
                let len = self.check_len(argument, 1)?;
                for _ in 0..len {
                    self.item(depth)?;
                }
                Ok(())
            }
            5 => self.map(depth, argument),
            _ => {
                // Major type 6: a tag around exactly one item.
                let depth = self.enter(depth)?;
                if argument == 3 {
                    self.check_negative_bignum();
                }
                self.item(depth)
            }
        }
    }

    /// The entries of a map of `argument` pairs, each key checked against
    /// the keys before it. Out of line so that only map levels carry the
    /// key array on the stack (about 0.8 KiB), not every array and tag
    /// level of a deeply nested item.
    #[inline(never)]
    fn map(&mut self, depth: usize, argument: u64) -> Result<()> {
        let depth = self.enter(depth)?;
        let len = self.check_len(argument, 2)?;
        let mut keys = SeenKeys::default();
        for _ in 0..len {
            let start = self.pos;
            self.item(depth)?;
            let input = self.input;
            let key = input.get(start..self.pos).ok_or_else(truncated)?;
            if !keys.insert(key_identity(key)?) {
                return Err(Error::CborDuplicateKey(describe_key(key)));
            }
            self.item(depth)?;
        }
        Ok(())
    }

    /// ciborium reads a negative bignum of 16 bytes or fewer into an i128,
    /// and refuses one below -2^127: 16 significant bytes, top bit set.
    fn check_negative_bignum(&mut self) {
        let rest = self.input.get(self.pos..).unwrap_or_default();
        if let Ok(head) = item::read_head(rest)
            && head.major == 2
            && head.argument == 16
            && head.rest.first().is_some_and(|b| *b >= 0x80)
        {
            self.not_a_value.get_or_insert("bignum too large");
        }
    }

    fn enter(&self, depth: usize) -> Result<usize> {
        let next = depth.saturating_add(1);
        if next > self.limits.max_depth {
            return Err(Error::CborTooDeep {
                limit: self.limits.max_depth,
            });
        }
        Ok(next)
    }
}

fn truncated() -> Error {
    Error::CborMalformed("truncated input".into())
}

fn be_uint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// A duplicate key as its refusal shows it: short, whatever its size.
fn describe_key(encoded: &[u8]) -> String {
    match key_identity(encoded) {
        Ok(KeyIdentity::String(3, text)) => match std::str::from_utf8(text) {
            Ok(text) => excerpt(text).to_string(),
            Err(_) => excerpt_bytes(encoded),
        },
        Ok(KeyIdentity::Integer(0, n)) => n.to_string(),
        Ok(KeyIdentity::Integer(_, n)) => (-1i128).saturating_sub(i128::from(n)).to_string(),
        _ => excerpt_bytes(encoded),
    }
}

/// An item head in preferred form, held without allocating: the verifier
/// writes one in front of every digested item.
pub(crate) struct Head {
    bytes: [u8; 9],
    len: usize,
}

impl Head {
    /// The head of an item of `major` type with `argument`.
    pub(crate) fn new(major: u8, argument: u64) -> Head {
        let m = major << 5;
        let mut bytes = [0u8; 9];
        let (first, len): (u8, usize) = if let Ok(small) = u8::try_from(argument) {
            if small <= 23 {
                (m | small, 1)
            } else {
                (m | 24, 2)
            }
        } else if u16::try_from(argument).is_ok() {
            (m | 25, 3)
        } else if u32::try_from(argument).is_ok() {
            (m | 26, 5)
        } else {
            (m | 27, 9)
        };
        bytes[0] = first;
        if len > 1 {
            let argument = argument.to_be_bytes();
            // The argument's low `len - 1` bytes, big-endian.
            let from = argument.len().saturating_sub(len.saturating_sub(1));
            if let (Some(to), Some(from)) = (bytes.get_mut(1..len), argument.get(from..)) {
                to.copy_from_slice(from);
            }
        }
        Head { bytes, len }
    }

    /// The encoded head.
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

// ----- Embedded CBOR (tag 24) -----

/// Wraps already-encoded CBOR bytes as `#6.24(bstr)`.
pub fn tag24(encoded: Vec<u8>) -> Value {
    Value::Tag(TAG_ENCODED_CBOR, Box::new(Value::Bytes(encoded)))
}

/// The heads of `#6.24(bstr)` around `content_len` bytes: tag 24, then the
/// byte string's length, in the preferred (shortest) form the encoder
/// writes. For digesting or writing the wrapper without copying the content
/// into a `Value` first.
pub(crate) fn tag24_heads(content_len: usize) -> (Head, Head) {
    (
        Head::new(6, TAG_ENCODED_CBOR),
        Head::new(2, crate::int::u64_from_usize(content_len)),
    )
}

/// `#6.24(bstr)` around `content` (already-encoded CBOR), as the encoder
/// writes it.
pub(crate) fn tag24_bytes(content: &[u8]) -> Vec<u8> {
    let (tag, len) = tag24_heads(content.len());
    [tag.as_slice(), len.as_slice(), content].concat()
}

/// Encodes `value` and wraps it as `#6.24(bstr)`, returning the wrapper and
/// the inner bytes.
pub fn tag24_of(value: &Value) -> Result<(Value, Vec<u8>)> {
    let inner = encode(value)?;
    Ok((tag24(inner.clone()), inner))
}

/// Returns the inner bytes of a `#6.24(bstr)` value, exactly as received.
pub fn untag24<'a>(value: &'a Value, what: &str) -> Result<&'a [u8]> {
    match value {
        Value::Tag(TAG_ENCODED_CBOR, inner) => match inner.as_ref() {
            Value::Bytes(b) => Ok(b),
            _ => Err(Error::CborNotTag24(format!(
                "{what}: tag 24 must wrap a byte string"
            ))),
        },
        Value::Tag(tag, _) => Err(Error::CborUnexpectedTag(format!(
            "{what}: tag {tag} where tag 24 is required"
        ))),
        _ => Err(Error::CborNotTag24(what.to_string())),
    }
}

// ----- Dates -----

/// Encodes a date-time as `tdate` (tag 0, RFC 3339, UTC, whole seconds), the
/// form ISO/IEC 18013-5 requires in the MSO.
pub fn tdate(at: OffsetDateTime) -> Result<Value> {
    let utc = at
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| Error::InvalidDate(e.to_string()))?;
    let text = utc
        .format(&Rfc3339)
        .map_err(|e| Error::InvalidDate(e.to_string()))?;
    Ok(Value::Tag(TAG_TDATE, Box::new(Value::Text(text))))
}

/// Reads a `tdate` (tag 0 around an RFC 3339 string).
pub fn read_tdate(value: &Value, what: &str) -> Result<OffsetDateTime> {
    match value {
        Value::Tag(TAG_TDATE, inner) => match inner.as_ref() {
            Value::Text(text) => parse_date_time(text).map_err(|e| {
                Error::InvalidDate(format!("{what}: {text:?}: {e}", text = excerpt(text)))
            }),
            _ => Err(Error::InvalidDate(format!("{what}: tag 0 must wrap text"))),
        },
        Value::Tag(tag, _) => Err(Error::CborUnexpectedTag(format!(
            "{what}: tag {tag} where tag 0 is required"
        ))),
        _ => Err(Error::InvalidDate(format!("{what}: expected a tdate"))),
    }
}

/// Parses an RFC 3339 date-time string.
pub fn parse_date_time(text: &str) -> std::result::Result<OffsetDateTime, time::error::Parse> {
    match plain_date_time(text) {
        Some(at) => Ok(at),
        None => OffsetDateTime::parse(text, &Rfc3339),
    }
}

/// "YYYY-MM-DDTHH:MM:SSZ", the form of every `tdate` an MSO carries (ISO/IEC
/// 18013-5 9.1.2.4 asks for no fraction and UTC), read without the general
/// RFC 3339 parser, which costs more than the rest of reading an MSO's
/// validity. `None` for any other form or an invalid date or time (a leap
/// second among them), left to that parser to read or refuse.
fn plain_date_time(text: &str) -> Option<OffsetDateTime> {
    let [date @ .., b'T', h1, h2, b':', m1, m2, b':', s1, s2, b'Z'] =
        <[u8; 20]>::try_from(text.as_bytes()).ok()?
    else {
        return None;
    };
    let date: [u8; 10] = date;
    let time = time::Time::from_hms(
        two_digits(h1, h2)?,
        two_digits(m1, m2)?,
        two_digits(s1, s2)?,
    )
    .ok()?;
    Some(time::PrimitiveDateTime::new(plain_date_bytes(date)?, time).assume_utc())
}

/// "YYYY-MM-DD" read without the general parser; `None` for any other form
/// or a date that does not exist.
fn plain_date(text: &str) -> Option<Date> {
    plain_date_bytes(<[u8; 10]>::try_from(text.as_bytes()).ok()?)
}

fn plain_date_bytes(date: [u8; 10]) -> Option<Date> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = date else {
        return None;
    };
    let year = u16::from(two_digits(y1, y2)?)
        .checked_mul(100)?
        .checked_add(u16::from(two_digits(y3, y4)?))?;
    let month = time::Month::try_from(two_digits(m1, m2)?).ok()?;
    Date::from_calendar_date(i32::from(year), month, two_digits(d1, d2)?).ok()
}

/// Two ASCII digits as a number.
fn two_digits(tens: u8, ones: u8) -> Option<u8> {
    let digit = |b: u8| b.is_ascii_digit().then(|| b.checked_sub(b'0')).flatten();
    digit(tens)?.checked_mul(10)?.checked_add(digit(ones)?)
}

/// Encodes a calendar date as `full-date` (tag 1004, "YYYY-MM-DD").
pub fn full_date(date: Date) -> Value {
    Value::Tag(TAG_FULL_DATE, Box::new(Value::Text(format_date(date))))
}

/// Formats a date as "YYYY-MM-DD".
pub fn format_date(date: Date) -> String {
    let (year, month, day) = (date.year(), u8::from(date.month()), date.day());
    match u16::try_from(year) {
        // Digit by digit: an issuer writes every date element this way, and
        // the formatting machinery cost more than the rest of the element.
        Ok(year @ 0..=9999) => {
            let mut text = String::with_capacity(10);
            for digit in [year / 1000, year / 100 % 10, year / 10 % 10, year % 10] {
                text.push(decimal_digit(digit));
            }
            for (separator, n) in [('-', month), ('-', day)] {
                text.push(separator);
                text.push(decimal_digit(u16::from(n / 10)));
                text.push(decimal_digit(u16::from(n % 10)));
            }
            text
        }
        _ => format!("{year:04}-{month:02}-{day:02}"),
    }
}

/// The decimal digit `n` (0 to 9) as a character.
fn decimal_digit(n: u16) -> char {
    char::from_digit(u32::from(n), 10).unwrap_or('0')
}

/// Parses "YYYY-MM-DD".
pub fn parse_date(text: &str) -> Result<Date> {
    if let Some(date) = plain_date(text) {
        return Ok(date);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format)
        .map_err(|e| Error::InvalidDate(format!("{text:?}: {e}", text = excerpt(text))))
}

/// Reads a `full-date`: tag 1004 around "YYYY-MM-DD". An untagged
/// "YYYY-MM-DD" text string is accepted too, because some issuers in the
/// field omit the tag; any other tag is refused.
pub fn read_full_date(value: &Value, what: &str) -> Result<Date> {
    let text = match value {
        Value::Tag(TAG_FULL_DATE, inner) => match inner.as_ref() {
            Value::Text(t) => t,
            _ => {
                return Err(Error::InvalidDate(format!(
                    "{what}: tag 1004 must wrap text"
                )));
            }
        },
        Value::Text(t) => t,
        Value::Tag(tag, _) => {
            return Err(Error::CborUnexpectedTag(format!(
                "{what}: tag {tag} where a full-date is required"
            )));
        }
        _ => return Err(Error::InvalidDate(format!("{what}: expected a full-date"))),
    };
    parse_date(text).map_err(|e| Error::InvalidDate(format!("{what}: {e}")))
}

// ----- Map access -----

/// Looks up a text key in a CBOR map.
pub fn map_get<'a>(map: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
        .map(|(_, v)| v)
}

/// Looks up a required text key in a CBOR map.
pub fn map_require<'a>(map: &'a [(Value, Value)], key: &str, what: &str) -> Result<&'a Value> {
    map_get(map, key).ok_or_else(|| {
        Error::InvalidStructure(format!("{what}: missing {key:?}", key = excerpt(key)))
    })
}

/// Views a value as a map.
pub fn as_map<'a>(value: &'a Value, what: &str) -> Result<&'a [(Value, Value)]> {
    match value {
        Value::Map(m) => Ok(m),
        _ => Err(Error::InvalidStructure(format!("{what}: expected a map"))),
    }
}

/// Views a value as an array.
pub fn as_array<'a>(value: &'a Value, what: &str) -> Result<&'a [Value]> {
    match value {
        Value::Array(a) => Ok(a),
        _ => Err(Error::InvalidStructure(format!(
            "{what}: expected an array"
        ))),
    }
}

/// Views a value as a text string.
pub fn as_text<'a>(value: &'a Value, what: &str) -> Result<&'a str> {
    match value {
        Value::Text(t) => Ok(t),
        _ => Err(Error::InvalidStructure(format!("{what}: expected text"))),
    }
}

/// Views a value as a byte string.
pub fn as_bytes<'a>(value: &'a Value, what: &str) -> Result<&'a [u8]> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(Error::InvalidStructure(format!(
            "{what}: expected a byte string"
        ))),
    }
}

/// Views a value as an unsigned integer that fits in u64.
pub fn as_u64(value: &Value, what: &str) -> Result<u64> {
    match value {
        Value::Integer(i) => u64::try_from(*i)
            .map_err(|_| Error::InvalidStructure(format!("{what}: expected an unsigned integer"))),
        _ => Err(Error::InvalidStructure(format!(
            "{what}: expected an unsigned integer"
        ))),
    }
}

/// Builds a CBOR map with text keys, in the given order.
pub fn text_map<I, K>(entries: I) -> Value
where
    I: IntoIterator<Item = (K, Value)>,
    K: Into<String>,
{
    Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (Value::Text(k.into()), v))
            .collect(),
    )
}

/// Damaged copies of the encoding `seed`, for tests that hold two readings
/// of the same bytes equal: every `step`-th truncation, the whole and the
/// whole with a byte after it, and every byte replaced by each of `bytes`
/// and by itself with each bit pattern of `flips` flipped.
#[cfg(test)]
pub(crate) fn damaged(seed: &[u8], step: usize, bytes: &[u8], flips: &[u8]) -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = (0..seed.len())
        .step_by(step)
        .map(|n| seed[..n].to_vec())
        .collect();
    inputs.push(seed.to_vec());
    inputs.push([seed, &[0x00]].concat());
    for (at, original) in seed.iter().enumerate() {
        let flipped = flips.iter().map(|flip| original ^ flip);
        for byte in bytes.iter().copied().chain(flipped) {
            let mut changed = seed.to_vec();
            changed[at] = byte;
            inputs.push(changed);
        }
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The head of a CBOR item of `major` type with `argument`, in
    /// preferred form.
    fn head(major: u8, argument: u64) -> Vec<u8> {
        Head::new(major, argument).as_slice().to_vec()
    }

    fn code(bytes: &[u8]) -> &'static str {
        match decode(bytes) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn accepts_well_formed_items() {
        assert_eq!(code(&[0xa1, 0x61, 0x61, 0x01]), "ok");
        assert_eq!(code(&[0xd8, 0x18, 0x41, 0xa0]), "ok");
        assert_eq!(code(&[0xf9, 0x3c, 0x00]), "ok");
    }

    #[test]
    fn refuses_truncation_and_trailing_bytes() {
        assert_eq!(code(&[0x62, 0x61]), "cbor_length_exceeds_input");
        assert_eq!(code(&[0x19, 0x01]), "cbor_malformed");
        assert_eq!(code(&[0x01, 0x02]), "cbor_trailing_bytes");
        assert_eq!(code(&[]), "cbor_malformed");
    }

    #[test]
    fn refuses_lengths_the_input_cannot_hold() {
        // A byte string claiming 4 GiB.
        assert_eq!(
            code(&[0x5a, 0xff, 0xff, 0xff, 0xff, 0x00]),
            "cbor_length_exceeds_input"
        );
        // An array claiming 2^64-1 items.
        let mut huge = vec![0x9b];
        huge.extend([0xff; 8]);
        assert_eq!(code(&huge), "cbor_length_exceeds_input");
    }

    #[test]
    fn refuses_indefinite_lengths() {
        assert_eq!(code(&[0x9f, 0x01, 0xff]), "cbor_indefinite_length");
        assert_eq!(code(&[0x5f, 0x41, 0x00, 0xff]), "cbor_indefinite_length");
        assert_eq!(code(&[0xff]), "cbor_malformed");
    }

    #[test]
    fn refuses_deep_nesting_without_recursing_past_the_limit() {
        let mut deep = vec![0x81; 10_000];
        deep.push(0x00);
        assert_eq!(code(&deep), "cbor_too_deep");
    }

    #[test]
    fn refuses_duplicate_keys() {
        let dup = [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02];
        assert_eq!(code(&dup), "cbor_duplicate_key");
    }

    #[test]
    fn refuses_keys_equal_in_value_but_not_in_bytes() {
        // "a" with a one-byte length head, then "a" in the preferred form.
        let text = [0xa2, 0x78, 0x01, 0x61, 0x01, 0x61, 0x61, 0x02];
        assert_eq!(code(&text), "cbor_duplicate_key");
        // 1 in the two-byte form, then 1.
        let int = [0xa2, 0x18, 0x01, 0x01, 0x01, 0x02];
        assert_eq!(code(&int), "cbor_duplicate_key");
    }

    #[test]
    fn refuses_keys_that_are_not_scalars() {
        // {[]: 1}, {{}: 1}, {0("x"): 1}, {1.5: 1}
        for input in [
            &[0xa1, 0x80, 0x01][..],
            &[0xa1, 0xa0, 0x01],
            &[0xa1, 0xc0, 0x61, 0x78, 0x01],
            &[0xa1, 0xf9, 0x3e, 0x00, 0x01],
        ] {
            assert_eq!(code(input), "cbor_malformed", "{input:02x?}");
        }
        // Integers, strings, booleans and null remain keys.
        assert_eq!(
            code(&[0xa4, 0x20, 0x01, 0x41, 0x00, 0x01, 0xf5, 0x01, 0xf6, 0x01]),
            "ok"
        );
    }

    #[test]
    fn a_map_nested_through_its_keys_is_refused_before_it_is_built() {
        // {{{... {h'00 * 1 MiB': 0}: 0 ...}: 0}: 0}, 31 deep: each level
        // used to be re-encoded while the one above was still held.
        let mut input = vec![0xa1; 31];
        input.extend(head(2, 1 << 20));
        input.resize(input.len() + (1 << 20), 0);
        input.resize(input.len() + 31, 0x00);
        assert_eq!(code(&input), "cbor_malformed");
    }

    #[test]
    fn a_duplicate_key_is_named_in_a_few_bytes() {
        let mut input = vec![0xa2];
        for value in [1u8, 2] {
            input.extend(head(3, 1 << 20));
            input.resize(input.len() + (1 << 20), b'k');
            input.push(value);
        }
        let error = decode(&input).map(|_| ()).unwrap_err();
        assert_eq!(error.code(), "cbor_duplicate_key");
        assert!(error.to_string().len() < 200, "{}", error.to_string().len());
        assert_eq!(
            decode(&[0xa2, 0x38, 0x1f, 0x01, 0x38, 0x1f, 0x02]).map_err(|e| e.to_string()),
            Err("duplicate key in CBOR map: -32".into())
        );
    }

    /// Values a ciborium `Value` cannot hold are refused by the scan, as
    /// building the value used to refuse them: after every other check, so
    /// the first code stays the one the crate always gave.
    #[test]
    fn refuses_what_a_value_cannot_hold_after_every_other_check() {
        // simple(16), simple(32), and -2^128 as a negative bignum.
        assert_eq!(code(&[0xf0]), "cbor_malformed");
        assert_eq!(code(&[0xf8, 0x20]), "cbor_malformed");
        let mut bignum = vec![0xc3, 0x50, 0x80];
        bignum.resize(18, 0);
        assert_eq!(code(&bignum), "cbor_malformed");
        // The same length in a longer head, and the largest that fits.
        let mut long_head = vec![0xc3, 0x58, 0x10, 0xff];
        long_head.resize(19, 0);
        assert_eq!(code(&long_head), "cbor_malformed");
        let mut fits = vec![0xc3, 0x50, 0x7f];
        fits.resize(18, 0xff);
        assert_eq!(code(&fits), "ok");
        // false, true, null, undefined and floats remain values.
        assert_eq!(
            code(&[0x85, 0xf4, 0xf5, 0xf6, 0xf7, 0xf9, 0x3c, 0x00]),
            "ok"
        );
        // Other refusals come first, as when the value was built last.
        assert_eq!(code(&[0xf0, 0x00]), "cbor_trailing_bytes");
        let mut deep = vec![0x82, 0xf0];
        deep.extend([0x81; 40]);
        deep.push(0x00);
        assert_eq!(code(&deep), "cbor_too_deep");
        // The structures read in place refuse them too.
        let mut issuer_signed = vec![0xa1];
        issuer_signed.extend(head(3, 10));
        issuer_signed.extend(b"issuerAuth");
        issuer_signed.push(0xf0);
        assert_eq!(
            crate::IssuerSigned::from_slice(&issuer_signed)
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("cbor_malformed")
        );
    }

    /// Small maps compare keys in an array, larger ones in a set: a
    /// duplicate is found on either side of the switch.
    #[test]
    fn duplicate_keys_are_found_in_maps_of_any_size() {
        for len in [2u64, 16, 17, 31, 32, 33, 40] {
            for last_key in [0, 5, len - 1, 1000] {
                let mut map = head(5, len + 1);
                for key in 0..len {
                    map.extend(head(0, key));
                    map.push(0xf6);
                }
                map.extend(head(0, last_key));
                map.push(0xf6);
                let expected = if last_key < len {
                    "cbor_duplicate_key"
                } else {
                    "ok"
                };
                assert_eq!(code(&map), expected, "{len} {last_key}");
            }
        }
    }

    /// Keys in ascending order are taken without comparing each to the
    /// others: a duplicate is still found in any order, before or after
    /// the first key out of order, in maps of the array's size and over.
    #[test]
    fn duplicate_keys_are_found_in_any_order() {
        let key = |n: u64| {
            if n.is_multiple_of(3) {
                head(3, 1)
                    .into_iter()
                    .chain([b'a' + (n % 26) as u8])
                    .collect::<Vec<_>>()
            } else {
                head(0, n)
            }
        };
        use rand_core::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
        let mut below = |n: usize| (rng.next_u64() % n as u64) as usize;
        for len in [3u64, 8, 31, 32, 33, 40] {
            for round in 0..50 {
                let mut keys: Vec<u64> = (0..len).collect();
                if round > 0 {
                    for i in (1..keys.len()).rev() {
                        keys.swap(i, below(i + 1));
                    }
                }
                if round % 2 == 1 {
                    let at = below(keys.len());
                    keys[at] = keys[(at + 1) % keys.len()];
                }
                let encoded: Vec<Vec<u8>> = keys.iter().map(|k| key(*k)).collect();
                let distinct: std::collections::HashSet<&Vec<u8>> = encoded.iter().collect();
                let mut map = head(5, len);
                for k in &encoded {
                    map.extend(k);
                    map.push(0xf6);
                }
                let expected = if distinct.len() < encoded.len() {
                    "cbor_duplicate_key"
                } else {
                    "ok"
                };
                assert_eq!(code(&map), expected, "{keys:?}");
            }
        }
    }

    #[test]
    fn null_and_undefined_are_the_same_key() {
        assert_eq!(code(&[0xa2, 0xf6, 0x01, 0xf7, 0x02]), "cbor_duplicate_key");
    }

    #[test]
    fn refuses_too_many_items_and_too_large_input() {
        let limits = Limits {
            max_input_len: 16,
            max_depth: 4,
            max_items: 3,
        };
        let four = [0x83, 0x01, 0x02, 0x03];
        assert_eq!(
            decode_with(&four, &limits).map_err(|e| e.code()),
            Err("cbor_too_many_items")
        );
        let long = [0u8; 17];
        assert_eq!(
            decode_with(&long, &limits).map_err(|e| e.code()),
            Err("cbor_too_large")
        );
    }

    #[test]
    fn refuses_reserved_and_invalid_text() {
        assert_eq!(code(&[0x1c]), "cbor_malformed");
        assert_eq!(code(&[0x61, 0xff]), "cbor_malformed");
        assert_eq!(code(&[0xf8, 0x10]), "cbor_malformed");
    }

    #[test]
    fn dates_round_trip() {
        let at = time::macros::datetime!(2026-11-29 10:00:00 UTC);
        let v = tdate(at).unwrap_or(Value::Null);
        assert_eq!(read_tdate(&v, "t").ok(), Some(at));
        let d = time::macros::date!(1990 - 02 - 03);
        assert_eq!(read_full_date(&full_date(d), "d").ok(), Some(d));
        assert_eq!(
            read_full_date(
                &Value::Tag(0, Box::new(Value::Text("1990-02-03".into()))),
                "d"
            )
            .map_err(|e| e.code()),
            Err("cbor_unexpected_tag")
        );
    }

    /// The fast readings of "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SSZ" accept
    /// exactly what the general parsers accept, as the same dates.
    #[test]
    fn plain_dates_read_as_the_general_parsers_read_them() {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let dates = [
            "2026-11-29",
            "0000-01-01",
            "9999-12-31",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-32",
            "2026-04-31",
            "2026-1-01",
            "+2026-01-01",
            "2026/01/01",
            "2026-01-0a",
            "２０２６-01-01",
            "1900-02-29",
            "2000-02-29",
        ];
        for text in dates {
            if let Some(date) = plain_date(text) {
                assert_eq!(Ok(date), Date::parse(text, &format).map_err(drop), "{text}");
            }
            assert_eq!(
                parse_date(text).ok(),
                Date::parse(text, &format).ok(),
                "{text}"
            );
            for time in [
                "T00:00:00Z",
                "T23:59:59Z",
                "T24:00:00Z",
                "T12:60:00Z",
                "T23:59:60Z",
                "t10:00:00z",
                "T10:00:00+00:00",
                "T10:00:00.5Z",
                "T1a:00:00Z",
            ] {
                let text = format!("{text}{time}");
                let general = OffsetDateTime::parse(&text, &Rfc3339);
                if let Some(at) = plain_date_time(&text) {
                    assert_eq!(Ok(at), general.as_ref().map_err(drop).copied(), "{text}");
                    assert_eq!(at.offset(), UtcOffset::UTC);
                }
                assert_eq!(parse_date_time(&text).ok(), general.ok(), "{text}");
            }
        }
        for date in [
            time::macros::date!(2026 - 11 - 29),
            time::macros::date!(0007 - 01 - 09),
            time::macros::date!(9999 - 12 - 31),
            time::macros::date!(-0012 - 03 - 04),
        ] {
            let general = format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            );
            assert_eq!(format_date(date), general);
        }
        // The usual forms take the fast path.
        assert_eq!(
            plain_date("2024-02-29"),
            Some(time::macros::date!(2024 - 02 - 29))
        );
        assert_eq!(
            plain_date_time("2026-11-29T10:20:30Z"),
            Some(time::macros::datetime!(2026-11-29 10:20:30 UTC))
        );
    }

    #[test]
    fn heads_use_preferred_form() {
        assert_eq!(head(4, 3), vec![0x83]);
        assert_eq!(head(2, 24), vec![0x58, 0x18]);
        assert_eq!(head(2, 300), vec![0x59, 0x01, 0x2c]);
        assert_eq!(head(3, 70_000), vec![0x7a, 0x00, 0x01, 0x11, 0x70]);
        assert_eq!(
            head(0, u64::MAX),
            vec![0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn tag24_is_checked() {
        assert_eq!(
            untag24(&Value::Bytes(vec![0xa0]), "x").map_err(|e| e.code()),
            Err("cbor_not_tag24")
        );
        assert_eq!(
            untag24(&Value::Tag(23, Box::new(Value::Bytes(vec![]))), "x").map_err(|e| e.code()),
            Err("cbor_unexpected_tag")
        );
    }
}
