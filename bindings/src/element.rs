//! Element values as a tagged union, for the elements no typed record
//! models (and for every element, in the generic list).

use std::time::SystemTime;

use docbridge::cbor::{TAG_FULL_DATE, TAG_TDATE};
use docbridge::deps::ciborium::value::Value;
use docbridge::deps::time::Date;

use crate::time::from_core;

/// A calendar date (CBOR full-date), without a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct LocalDate {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl From<Date> for LocalDate {
    fn from(date: Date) -> LocalDate {
        LocalDate {
            year: date.year(),
            month: u8::from(date.month()),
            day: date.day(),
        }
    }
}

/// One element of a document: where it is and what it holds.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Element {
    /// The namespace, for example `org.iso.18013.5.1`.
    pub namespace: String,
    /// The element identifier, for example `family_name`.
    pub identifier: String,
    /// The value.
    pub value: ElementValue,
}

/// The value of an element.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum ElementValue {
    /// A text string.
    Text {
        /// The text.
        value: String,
    },
    /// An integer that fits 64 signed bits.
    Integer {
        /// The integer.
        value: i64,
    },
    /// A boolean.
    Boolean {
        /// The boolean.
        value: bool,
    },
    /// A floating-point number.
    Float {
        /// The number.
        value: f64,
    },
    /// A full-date (CBOR tag 1004).
    FullDate {
        /// The date.
        value: LocalDate,
    },
    /// A date-time (CBOR tag 0).
    DateTime {
        /// The instant.
        value: SystemTime,
    },
    /// A byte string (a portrait, for example).
    Bytes {
        /// The bytes.
        value: Vec<u8>,
    },
    /// An array.
    Array {
        /// The items.
        items: Vec<ElementValue>,
    },
    /// A map, in the order received.
    Map {
        /// The entries.
        entries: Vec<MapEntry>,
    },
    /// CBOR null.
    Null,
    /// Anything else (an integer beyond 64 signed bits, another tag,
    /// `undefined`, a malformed date), as its CBOR encoding.
    Other {
        /// The CBOR bytes.
        cbor: Vec<u8>,
    },
}

/// One entry of a map value.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MapEntry {
    /// The key.
    pub key: ElementValue,
    /// The value.
    pub value: ElementValue,
}

impl From<&Value> for ElementValue {
    fn from(value: &Value) -> ElementValue {
        let other = || ElementValue::Other {
            cbor: docbridge::cbor::encode(value).unwrap_or_default(),
        };
        match value {
            Value::Text(text) => ElementValue::Text {
                value: text.clone(),
            },
            Value::Integer(i) => i64::try_from(i128::from(*i))
                .map(|value| ElementValue::Integer { value })
                .unwrap_or_else(|_| other()),
            Value::Bool(value) => ElementValue::Boolean { value: *value },
            Value::Float(value) => ElementValue::Float { value: *value },
            Value::Bytes(bytes) => ElementValue::Bytes {
                value: bytes.clone(),
            },
            Value::Null => ElementValue::Null,
            Value::Array(items) => ElementValue::Array {
                items: items.iter().map(ElementValue::from).collect(),
            },
            Value::Map(entries) => ElementValue::Map {
                entries: entries
                    .iter()
                    .map(|(k, v)| MapEntry {
                        key: k.into(),
                        value: v.into(),
                    })
                    .collect(),
            },
            Value::Tag(TAG_FULL_DATE, _) => docbridge::cbor::read_full_date(value, "element")
                .map(|date| ElementValue::FullDate { value: date.into() })
                .unwrap_or_else(|_| other()),
            Value::Tag(TAG_TDATE, _) => docbridge::cbor::read_tdate(value, "element")
                .map(|at| ElementValue::DateTime {
                    value: from_core(at),
                })
                .unwrap_or_else(|_| other()),
            _ => other(),
        }
    }
}

/// Every element of `elements`, namespace by namespace, in identifier order.
pub(crate) fn element_list(elements: &docbridge::Elements) -> Vec<Element> {
    elements
        .iter()
        .flat_map(|(namespace, items)| {
            items.iter().map(move |(identifier, value)| Element {
                namespace: namespace.clone(),
                identifier: identifier.clone(),
                value: value.into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_big_integers_get_their_own_variants() {
        let date = Value::Tag(TAG_FULL_DATE, Box::new(Value::Text("1990-02-03".into())));
        assert_eq!(
            ElementValue::from(&date),
            ElementValue::FullDate {
                value: LocalDate {
                    year: 1990,
                    month: 2,
                    day: 3
                }
            }
        );
        let big = Value::Integer(u64::MAX.into());
        assert_eq!(
            ElementValue::from(&big),
            ElementValue::Other {
                cbor: vec![0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
            }
        );
    }
}
