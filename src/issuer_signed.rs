//! IssuerSigned: the issuer-signed half of an mdoc (ISO/IEC 18013-5
//! section 8.3.2.1.2.2): the disclosed items, each carried as tag-24 bytes,
//! and issuerAuth, the COSE_Sign1 over the Mobile Security Object.
//!
//! Decoding keeps every item's bytes exactly as received; the verifier
//! digests those bytes, never a re-encoding.

use ciborium::value::Value;

use crate::cbor::{self, Item};
use crate::cose::Sign1;
use crate::error::{Error, Result, excerpt};
use crate::mso::{Digest, DigestAlgorithm, MobileSecurityObject};

mod read;

pub(crate) use read::{DecodedItem, DisclosedItem, ReceivedItem};

/// One data element with its salt and digestID.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerSignedItem {
    /// Key of the element's digest in the MSO, within its namespace.
    pub digest_id: u64,
    /// The salt (at least 16 bytes when issued by this crate).
    pub random: Vec<u8>,
    /// The element identifier, for example `family_name`.
    pub element_identifier: String,
    /// The element value.
    pub element_value: Value,
}

impl IssuerSignedItem {
    /// Encodes the item as its CBOR map (the content of the tag-24 bytes).
    pub fn to_value(&self) -> Value {
        cbor::text_map([
            ("digestID", Value::from(self.digest_id)),
            ("random", Value::Bytes(self.random.clone())),
            (
                "elementIdentifier",
                Value::Text(self.element_identifier.clone()),
            ),
            ("elementValue", self.element_value.clone()),
        ])
    }
}

/// An item together with its tag-24 bytes as received (or as encoded once at
/// issuance).
#[derive(Debug, Clone, PartialEq)]
pub struct IssuerSignedItemBytes {
    /// The heads of the `#6.24(bstr)` wrapper as they arrived: the MSO
    /// digests the wrapper's bytes, and an encoder may write a head longer
    /// than it needs to.
    heads: WrapperHeads,
    bytes: Vec<u8>,
    item: IssuerSignedItem,
}

/// The heads of a `#6.24(bstr)` wrapper: the tag, then the byte string's
/// length, each at most 9 bytes. Held inline; an item's wrapper carries
/// them before its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WrapperHeads {
    len: u8,
    bytes: [u8; WrapperHeads::MAX],
}

impl WrapperHeads {
    /// Two heads of at most 9 bytes each.
    const MAX: usize = 18;

    /// The heads an encoder writes around `content_len` bytes: each in its
    /// shortest form.
    fn shortest(content_len: usize) -> WrapperHeads {
        let (tag, len) = cbor::tag24_heads(content_len);
        // Two shortest heads take at most 2 + 9 of the 18 bytes.
        let mut held = WrapperHeads {
            len: 0,
            bytes: [0; WrapperHeads::MAX],
        };
        for (slot, byte) in held
            .bytes
            .iter_mut()
            .zip(tag.as_slice().iter().chain(len.as_slice()))
        {
            *slot = *byte;
            held.len = held.len.saturating_add(1);
        }
        held
    }

    /// The heads of `wrapper`, a whole `#6.24(bstr)` whose content is
    /// `content` (its last bytes).
    fn received(wrapper: &[u8], content: &[u8]) -> Result<WrapperHeads> {
        wrapper
            .len()
            .checked_sub(content.len())
            .and_then(|heads| wrapper.get(..heads))
            .and_then(WrapperHeads::of)
            .ok_or_else(|| Error::CborMalformed("tag-24 wrapper heads".into()))
    }

    fn of(heads: &[u8]) -> Option<WrapperHeads> {
        let mut held = WrapperHeads {
            len: u8::try_from(heads.len()).ok()?,
            bytes: [0; WrapperHeads::MAX],
        };
        held.bytes.get_mut(..heads.len())?.copy_from_slice(heads);
        Some(held)
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

impl IssuerSignedItemBytes {
    /// Encodes an item once; these bytes are what gets digested and carried.
    pub fn encode(item: IssuerSignedItem) -> Result<IssuerSignedItemBytes> {
        // Written from the borrowed fields: building the `Value` map first
        // (as `to_value` does) would copy every value, a portrait among
        // them, only to encode it. Same bytes, the four entries in the
        // same order; a unit test holds them equal. Sized for the value's
        // content up front, so a portrait is not copied at every doubling
        // of the buffer.
        let content = match &item.element_value {
            Value::Bytes(b) => b.len(),
            Value::Text(t) => t.len(),
            _ => 0,
        };
        let mut bytes = Vec::with_capacity(
            content
                .saturating_add(item.random.len())
                .saturating_add(item.element_identifier.len())
                .saturating_add(64),
        );
        cbor::write_head(&mut bytes, 5, 4);
        cbor::write_text(&mut bytes, "digestID");
        cbor::write_head(&mut bytes, 0, item.digest_id);
        cbor::write_text(&mut bytes, "random");
        cbor::write_bytes(&mut bytes, &item.random);
        cbor::write_text(&mut bytes, "elementIdentifier");
        cbor::write_text(&mut bytes, &item.element_identifier);
        cbor::write_text(&mut bytes, "elementValue");
        cbor::write_value(&item.element_value, &mut bytes)?;
        Ok(IssuerSignedItemBytes {
            heads: WrapperHeads::shortest(bytes.len()),
            bytes,
            item,
        })
    }

    /// Reads an item from its tag-24 wrapper value (a `Value` keeps no
    /// encoding: the wrapper's heads are taken in their shortest form).
    pub fn from_value(value: &Value) -> Result<IssuerSignedItemBytes> {
        let bytes = cbor::untag24(value, "IssuerSignedItemBytes")?;
        IssuerSignedItemBytes::read(WrapperHeads::shortest(bytes.len()), bytes)
    }

    /// Reads an item from its scanned `#6.24(bstr)` wrapper, keeping the
    /// wrapper's heads as they arrived.
    fn from_wrapper(wrapper: Item<'_>) -> Result<IssuerSignedItemBytes> {
        let bytes = wrapper.untag24("IssuerSignedItemBytes")?;
        IssuerSignedItemBytes::read(WrapperHeads::received(wrapper.encoded(), bytes)?, bytes)
    }

    /// Reads an item from the content of its tag-24 byte string, under
    /// limits counted afresh; the bytes are kept beside the item.
    fn read(heads: WrapperHeads, bytes: &[u8]) -> Result<IssuerSignedItemBytes> {
        // Read first: refused bytes are not copied.
        let item = read::item_fields(bytes)?.into_item();
        Ok(IssuerSignedItemBytes {
            heads,
            bytes: bytes.to_vec(),
            item,
        })
    }

    /// The decoded item.
    pub fn item(&self) -> &IssuerSignedItem {
        &self.item
    }

    /// The encoded IssuerSignedItem, the content of the tag-24 byte string.
    pub fn inner_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The full IssuerSignedItemBytes, `#6.24(bstr)`, as digested into the
    /// MSO: the wrapper's heads as they arrived (in shortest form for an
    /// item encoded here or read from a `Value`), then the item's bytes.
    pub fn tagged_bytes(&self) -> Result<Vec<u8>> {
        Ok([self.heads.as_slice(), &self.bytes].concat())
    }

    /// The digest of [`IssuerSignedItemBytes::tagged_bytes`], computed over
    /// the heads and the item's bytes in place: the verifier digests every
    /// disclosed item, a portrait among them, and copying each first would
    /// cost as much as the digest.
    pub fn digest(&self, algorithm: DigestAlgorithm) -> Digest {
        algorithm.digest_parts(&[self.heads.as_slice(), &self.bytes])
    }

    /// The tag-24 wrapper value. A `Value` keeps no encoding: written out,
    /// its heads take their shortest form, so an item received with longer
    /// heads (which no known issuer writes) no longer matches its digest
    /// once re-encoded; [`IssuerSignedItemBytes::tagged_bytes`] keeps them.
    pub fn to_value(&self) -> Value {
        cbor::tag24(self.bytes.clone())
    }
}

/// Disclosed items per namespace, in received order, kept as `T`.
pub(crate) type NameSpaces<T> = Vec<(String, Vec<T>)>;

/// IssuerSigned: namespaces of disclosed items and the issuer's signature.
#[derive(Debug, Clone)]
pub struct IssuerSigned {
    name_spaces: Vec<(String, Vec<IssuerSignedItemBytes>)>,
    issuer_auth: Sign1,
}

impl IssuerSigned {
    /// Assembles an IssuerSigned from its parts.
    pub fn new(
        name_spaces: Vec<(String, Vec<IssuerSignedItemBytes>)>,
        issuer_auth: Sign1,
    ) -> IssuerSigned {
        IssuerSigned {
            name_spaces,
            issuer_auth,
        }
    }

    /// Decodes an IssuerSigned from CBOR bytes (bounded by [`cbor::Limits::DEFAULT`]).
    pub fn from_slice(bytes: &[u8]) -> Result<IssuerSigned> {
        IssuerSigned::from_item(cbor::scan(bytes, &cbor::Limits::DEFAULT)?)
    }

    /// Reads an IssuerSigned from its CBOR map: encodes it and reads it as
    /// [`IssuerSigned::from_slice`] does, under the same limits and rules.
    pub fn from_value(value: &Value) -> Result<IssuerSigned> {
        IssuerSigned::from_slice(&cbor::encode(value)?)
    }

    /// Reads an IssuerSigned in place from its scanned map. `nameSpaces`
    /// may be absent (a document presented with no issuer-signed element).
    pub(crate) fn from_item(item: Item<'_>) -> Result<IssuerSigned> {
        let (name_spaces, issuer_auth) = IssuerSigned::parts_from_item(item)?;
        Ok(IssuerSigned {
            name_spaces,
            issuer_auth,
        })
    }

    /// Reads an IssuerSigned as [`IssuerSigned::from_slice`] does, keeping
    /// each disclosed item as a `T`: its disclosed items and issuerAuth.
    pub(crate) fn parts_from_slice<'a, T: DecodedItem<'a>>(
        bytes: &'a [u8],
    ) -> Result<(NameSpaces<T>, Sign1)> {
        IssuerSigned::parts_from_item(cbor::scan(bytes, &cbor::Limits::DEFAULT)?)
    }

    /// Reads an IssuerSigned in place, keeping each disclosed item as a `T`.
    pub(crate) fn parts_from_item<'a, T: DecodedItem<'a>>(
        item: Item<'a>,
    ) -> Result<(NameSpaces<T>, Sign1)> {
        let what = "IssuerSigned";
        let map = item.map(what)?;
        crate::device_response::refuse_other_kind(|key| map.get(key).is_some(), what)?;
        // A closed map (ISO/IEC 18013-5 CDDL): a corrupted key must not turn
        // into "no elements disclosed".
        for (key, _) in map.entries() {
            if !(key.is_text("nameSpaces") || key.is_text("issuerAuth")) {
                return Err(Error::InvalidStructure(format!(
                    "IssuerSigned: unknown key {}",
                    crate::error::excerpt_value(&key.to_value()?)
                )));
            }
        }
        let mut name_spaces = Vec::new();
        if let Some(ns_value) = map.get("nameSpaces") {
            for (ns, items) in ns_value.map("nameSpaces")?.entries() {
                let ns = ns.text("namespace")?;
                // Sized up front: a collected `Result` iterator cannot tell
                // its length, and growing by doubling moved every decoded
                // item twice for a licence.
                let scanned = items.array("namespace items")?;
                let mut items = Vec::with_capacity(scanned.len());
                for item in scanned {
                    items.push(T::read(item)?);
                }
                if items.is_empty() {
                    return Err(Error::InvalidStructure(format!(
                        "namespace {ns:?} holds no item",
                        ns = excerpt(ns)
                    )));
                }
                name_spaces.push((ns.to_string(), items));
            }
        }
        let issuer_auth = Sign1::from_value(map.require("issuerAuth", what)?.to_value()?)?;
        Ok((name_spaces, issuer_auth))
    }

    /// Encodes the IssuerSigned as a CBOR map.
    pub fn to_value(&self) -> Result<Value> {
        let mut entries = Vec::new();
        if !self.name_spaces.is_empty() {
            entries.push((
                "nameSpaces",
                cbor::text_map(self.name_spaces.iter().map(|(ns, items)| {
                    (
                        ns.clone(),
                        Value::Array(items.iter().map(IssuerSignedItemBytes::to_value).collect()),
                    )
                })),
            ));
        }
        entries.push(("issuerAuth", self.issuer_auth.to_value()?));
        Ok(cbor::text_map(entries))
    }

    /// Encodes the IssuerSigned as CBOR bytes.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        cbor::encode(&self.to_value()?)
    }

    /// The disclosed items per namespace, in received order.
    pub fn name_spaces(&self) -> &[(String, Vec<IssuerSignedItemBytes>)] {
        &self.name_spaces
    }

    /// Puts in the disclosed items a decoder read beside the rest (see
    /// [`IssuerSigned::parts_from_item`]).
    pub(crate) fn set_name_spaces(&mut self, name_spaces: NameSpaces<IssuerSignedItemBytes>) {
        self.name_spaces = name_spaces;
    }

    /// The issuer's COSE_Sign1 over the MSO.
    pub fn issuer_auth(&self) -> &Sign1 {
        &self.issuer_auth
    }

    /// The MobileSecurityObjectBytes content as received: the issuerAuth
    /// payload is `#6.24(bstr .cbor MobileSecurityObject)`.
    pub fn mso_bytes(&self) -> Result<Vec<u8>> {
        self.mso_slice().map(<[u8]>::to_vec)
    }

    /// [`IssuerSigned::mso_bytes`] in place, inside the issuerAuth payload.
    fn mso_slice(&self) -> Result<&[u8]> {
        let payload = self
            .issuer_auth
            .payload()
            .ok_or_else(|| Error::CoseMalformed("issuerAuth has no payload".into()))?;
        cbor::scan(payload, &cbor::Limits::DEFAULT)?.untag24("MobileSecurityObjectBytes")
    }

    /// Decodes the MSO WITHOUT verifying it: only [`crate::VerifiedDocument::mso`]
    /// may be trusted.
    pub fn mso_unverified(&self) -> Result<MobileSecurityObject> {
        MobileSecurityObject::from_slice(self.mso_slice()?)
    }

    /// Keeps only the items for which `keep(namespace, element)` is true, and
    /// namespaces that still hold an item; the signature stays valid because
    /// each kept item's bytes are untouched.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &str) -> bool) {
        for (ns, items) in &mut self.name_spaces {
            items.retain(|i| keep(ns, &i.item.element_identifier));
        }
        self.name_spaces.retain(|(_, items)| !items.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writing the borrowed fields writes the bytes ciborium encodes the
    /// `Value` map to, for every kind of element value.
    #[test]
    fn encoding_from_borrowed_fields_equals_the_value_map() {
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::from(u64::MAX),
            Value::from(-70_000_i64),
            Value::Float(1.5),
            Value::Text("Шевченко".into()),
            Value::Bytes(vec![0xa5; 20 * 1024]),
            Value::Tag(1004, Box::new(Value::Text("2026-11-29".into()))),
            Value::Array(vec![cbor::text_map([(
                "vehicle_category_code",
                Value::Text("B".into()),
            )])]),
        ];
        for (digest_id, value) in (0u64..).zip(values) {
            let item = IssuerSignedItem {
                digest_id: digest_id * 1_000,
                random: vec![7; 16],
                element_identifier: "portrait".into(),
                element_value: value,
            };
            // ciborium's own encoding: `cbor::encode` is the crate's writer.
            let mut expected = Vec::new();
            ciborium::ser::into_writer(&item.to_value(), &mut expected).unwrap();
            assert_eq!(
                IssuerSignedItemBytes::encode(item).unwrap().inner_bytes(),
                expected
            );
        }
    }

    /// The head written by hand is the one the CBOR encoder writes, at
    /// every length where the preferred form of the length changes.
    #[test]
    fn tagged_bytes_and_digest_match_the_encoder() {
        for len in [0usize, 23, 24, 255, 256, 65_535, 65_536] {
            let item = IssuerSignedItemBytes {
                heads: WrapperHeads::shortest(len),
                bytes: vec![0x42; len],
                item: IssuerSignedItem {
                    digest_id: 0,
                    random: Vec::new(),
                    element_identifier: String::new(),
                    element_value: Value::Null,
                },
            };
            let encoded = cbor::encode(&item.to_value()).unwrap();
            assert_eq!(item.tagged_bytes().unwrap(), encoded, "length {len}");
            for algorithm in [
                DigestAlgorithm::Sha256,
                DigestAlgorithm::Sha384,
                DigestAlgorithm::Sha512,
            ] {
                assert_eq!(
                    item.digest(algorithm),
                    algorithm.digest(&encoded),
                    "length {len}"
                );
            }
        }
    }
}
