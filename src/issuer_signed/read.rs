//! Reading disclosed items: one reading of an IssuerSignedItem's fields,
//! and the two ways a decoder keeps an item it read (as the public
//! [`IssuerSignedItemBytes`], or borrowed for the verifier).

use ciborium::value::Value;

use super::{IssuerSignedItem, IssuerSignedItemBytes};
use crate::cbor::{self, Item};
use crate::error::Result;
use crate::mso::{Digest, DigestAlgorithm};

/// An IssuerSignedItem's fields as read, borrowing what the item's bytes
/// hold; the element value alone is built.
#[derive(Debug)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) struct ItemFields<'a> {
    digest_id: u64,
    random: &'a [u8],
    element_identifier: &'a str,
    element_value: Value,
}

impl ItemFields<'_> {
    /// The fields, owned (the element value moved).
    pub(super) fn into_item(self) -> IssuerSignedItem {
        IssuerSignedItem {
            digest_id: self.digest_id,
            random: self.random.to_vec(),
            element_identifier: self.element_identifier.to_string(),
            element_value: self.element_value,
        }
    }
}

/// Reads the item encoded in `bytes` (the content of its tag-24 byte
/// string), under limits counted afresh: in one pass when it has the usual
/// shape, otherwise the general way, which gives every refusal its code.
pub(super) fn item_fields(bytes: &[u8]) -> Result<ItemFields<'_>> {
    match plain_fields(bytes) {
        Some(fields) => Ok(fields),
        None => general_fields(cbor::scan(bytes, &cbor::Limits::DEFAULT)?),
    }
}

/// Reads an item of the usual shape (the four keys, nothing else) in one
/// pass; `None` when it has another shape or anything in it is refused, for
/// [`general_fields`] to read or refuse as it always has: what this
/// accepts, that reads to the same fields.
fn plain_fields(bytes: &[u8]) -> Option<ItemFields<'_>> {
    let [digest_id, random, element_identifier, element_value] = cbor::scan_keyed_map(
        bytes,
        &cbor::Limits::DEFAULT,
        ["digestID", "random", "elementIdentifier", "elementValue"],
    )?;
    Some(ItemFields {
        digest_id: digest_id.u64("digestID").ok()?,
        random: random.byte_string("random").ok()?,
        element_identifier: element_identifier.text("elementIdentifier").ok()?,
        element_value: element_value.to_value().ok()?,
    })
}

/// Reads the item in place from its scanned map.
fn general_fields(item: Item<'_>) -> Result<ItemFields<'_>> {
    let what = "IssuerSignedItem";
    let map = item.map(what)?;
    Ok(ItemFields {
        digest_id: map.require("digestID", what)?.u64("digestID")?,
        random: map.require("random", what)?.byte_string("random")?,
        element_identifier: map
            .require("elementIdentifier", what)?
            .text("elementIdentifier")?,
        element_value: map.require("elementValue", what)?.to_value()?,
    })
}

/// How a decoder keeps each disclosed item it reads from its tag-24
/// wrapper. Both kinds read the same fields the same way and refuse with
/// the same codes.
pub(crate) trait DecodedItem<'a>: Sized {
    /// Reads the item from its scanned `#6.24(bstr)` wrapper.
    fn read(wrapper: Item<'a>) -> Result<Self>;
}

impl<'a> DecodedItem<'a> for IssuerSignedItemBytes {
    fn read(wrapper: Item<'a>) -> Result<IssuerSignedItemBytes> {
        IssuerSignedItemBytes::from_wrapper(wrapper)
    }
}

/// A disclosed item the verifier read from bytes it holds for the whole
/// verification: the item's bytes are borrowed where they arrived and its
/// salt is not copied, since only the digest of the bytes and the element
/// reach the result. (An [`IssuerSignedItemBytes`] owns a copy of both: a
/// portrait's bytes, and a heap allocation per item.)
#[derive(Debug)]
pub(crate) struct ReceivedItem<'a> {
    /// The whole `#6.24(bstr)` wrapper as it arrived, heads included: what
    /// the MSO digests.
    wrapper: &'a [u8],
    digest_id: u64,
    element_identifier: String,
    element_value: Value,
}

impl<'a> DecodedItem<'a> for ReceivedItem<'a> {
    fn read(wrapper: Item<'a>) -> Result<ReceivedItem<'a>> {
        let item = item_fields(wrapper.untag24("IssuerSignedItemBytes")?)?;
        Ok(ReceivedItem {
            wrapper: wrapper.encoded(),
            digest_id: item.digest_id,
            element_identifier: item.element_identifier.to_string(),
            element_value: item.element_value,
        })
    }
}

/// A disclosed item as the verifier checks it: what its digest is checked
/// by, then its identifier and value, copied from a borrowed item or moved
/// out of a received one.
pub(crate) trait DisclosedItem {
    /// The key of the item's digest in the MSO.
    fn digest_id(&self) -> u64;
    /// The element identifier.
    fn element_identifier(&self) -> &str;
    /// The digest of the item's tag-24 bytes as they arrived.
    fn digest(&self, algorithm: DigestAlgorithm) -> Digest;
    /// The element: its identifier and value.
    fn into_element(self) -> (String, Value);
}

impl DisclosedItem for &IssuerSignedItemBytes {
    fn digest_id(&self) -> u64 {
        self.item().digest_id
    }

    fn element_identifier(&self) -> &str {
        &self.item().element_identifier
    }

    fn digest(&self, algorithm: DigestAlgorithm) -> Digest {
        IssuerSignedItemBytes::digest(self, algorithm)
    }

    fn into_element(self) -> (String, Value) {
        let item = self.item();
        (item.element_identifier.clone(), item.element_value.clone())
    }
}

impl DisclosedItem for ReceivedItem<'_> {
    fn digest_id(&self) -> u64 {
        self.digest_id
    }

    fn element_identifier(&self) -> &str {
        &self.element_identifier
    }

    fn digest(&self, algorithm: DigestAlgorithm) -> Digest {
        algorithm.digest(self.wrapper)
    }

    fn into_element(self) -> (String, Value) {
        (self.element_identifier, self.element_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An item's map with `entries` in that order, encoded.
    fn item_map(entries: &[(&str, Value)]) -> Vec<u8> {
        let map = Value::Map(
            entries
                .iter()
                .map(|(k, v)| (Value::Text((*k).into()), v.clone()))
                .collect(),
        );
        cbor::encode(&map).unwrap()
    }

    /// The one-pass reading accepts only what the general one (scan, then
    /// key by key) accepts, and reads it to the same fields. Checked on
    /// items of the usual kinds and some unusual ones, and on every
    /// truncation and many one-byte changes of each.
    #[test]
    fn one_pass_reading_agrees_with_the_general_one() {
        let random = Value::Bytes(vec![7; 16]);
        let name = Value::Text("family_name".into());
        let privileges = Value::Array(vec![cbor::text_map([
            ("vehicle_category_code", Value::Text("B".into())),
            (
                "issue_date",
                Value::Tag(1004, Box::new(Value::Text("2020-01-01".into()))),
            ),
        ])]);
        let mut seeds = vec![
            item_map(&[
                ("digestID", Value::from(3)),
                ("random", random.clone()),
                ("elementIdentifier", name.clone()),
                ("elementValue", Value::Text("Шевченко".into())),
            ]),
            item_map(&[
                ("elementValue", privileges.clone()),
                ("elementIdentifier", name.clone()),
                ("random", random.clone()),
                ("digestID", Value::from(u64::MAX)),
            ]),
            item_map(&[
                ("digestID", Value::from(-1)),
                ("random", random.clone()),
                ("elementIdentifier", name.clone()),
                ("elementValue", Value::Null),
            ]),
            item_map(&[
                ("digestID", Value::from(1)),
                ("random", random.clone()),
                ("elementIdentifier", name.clone()),
                ("elementValue", Value::Bool(true)),
                ("extra", Value::Null),
            ]),
            item_map(&[
                ("digestID", Value::from(1)),
                ("random", random.clone()),
                ("elementValue", Value::Bytes(vec![0xff; 30])),
            ]),
        ];
        // A digestID as a bignum, a key with a longer length head than
        // needed, and a value ciborium cannot hold, written by hand.
        let tail = {
            let mut tail = cbor::encode(&Value::Text("random".into())).unwrap();
            tail.extend(cbor::encode(&random).unwrap());
            tail.extend(cbor::encode(&Value::Text("elementIdentifier".into())).unwrap());
            tail.extend(cbor::encode(&name).unwrap());
            tail.extend(cbor::encode(&Value::Text("elementValue".into())).unwrap());
            tail.extend(cbor::encode(&Value::from(5)).unwrap());
            tail
        };
        let digest_id_key = cbor::encode(&Value::Text("digestID".into())).unwrap();
        let mut bignum = vec![0xa4];
        bignum.extend(&digest_id_key);
        bignum.extend([0xc2, 0x41, 0x09]);
        bignum.extend(&tail);
        let mut long_head = vec![0xa4, 0x78, 0x08];
        long_head.extend(b"digestID");
        long_head.push(0x09);
        long_head.extend(&tail);
        // A negative bignum of 16 bytes below -2^127, which ciborium cannot
        // hold: refused after the scan, as an unassigned simple value is.
        let mut huge = vec![0xa4];
        huge.extend(&digest_id_key);
        huge.push(0x01);
        huge.extend(&tail[..tail.len() - 1]);
        huge.extend([0xc3, 0x50, 0x80]);
        huge.extend([0; 15]);
        seeds.extend([bignum, long_head, huge]);

        let mut read_in_one_pass = 0;
        for seed in seeds {
            let inputs = cbor::damaged(
                &seed,
                1,
                &[
                    0x00, 0x01, 0x17, 0x18, 0x1b, 0x1f, 0x3f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x9f,
                    0xa0, 0xa3, 0xa4, 0xa5, 0xbf, 0xc0, 0xc2, 0xc3, 0xd8, 0xe0, 0xf3, 0xf6, 0xf7,
                    0xf8, 0xff,
                ],
                &[0x01, 0x20],
            );
            for input in inputs {
                let general = cbor::scan(&input, &cbor::Limits::DEFAULT).and_then(general_fields);
                if let Some(fields) = plain_fields(&input) {
                    read_in_one_pass += 1;
                    assert_eq!(
                        Some(&fields),
                        general.as_ref().ok(),
                        "{}",
                        hex::encode(&input)
                    );
                }
            }
        }
        // The one-pass reading is what reads the usual items.
        assert!(read_in_one_pass > 100, "{read_in_one_pass}");
    }
}
