//! Writing a ciborium `Value` as CBOR, byte for byte as ciborium writes it.
//!
//! Hand-written because ciborium writes a `Value` through serde, one
//! serializer call per data item: an issuer encodes every element, and the
//! MSO and its digests, on every issuance, and serde's path cost more than
//! the rest of encoding them. Floats go to ciborium, which chooses their
//! width; everything else is a head in preferred form and its content.

use ciborium::value::Value;

use super::Head;
use crate::error::{Error, Result};
use crate::int::u64_from_usize;

/// Appends the encoding of `value` to `out`: the bytes
/// `ciborium::ser::into_writer` writes for it.
pub(crate) fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Integer(integer) => {
            let n = i128::from(*integer);
            // A ciborium integer lies in -2^64 ..= 2^64 - 1: major type 0,
            // or major type 1 with argument -1 - n.
            match (u64::try_from(n), u64::try_from((-1i128).saturating_sub(n))) {
                (Ok(n), _) => write_head(out, 0, n),
                (_, Ok(m)) => write_head(out, 1, m),
                _ => return by_ciborium(value, out),
            }
        }
        Value::Bytes(bytes) => write_bytes(out, bytes),
        Value::Text(text) => write_text(out, text),
        Value::Array(items) => {
            write_head(out, 4, u64_from_usize(items.len()));
            for item in items {
                write_value(item, out)?;
            }
        }
        Value::Map(entries) => {
            write_head(out, 5, u64_from_usize(entries.len()));
            for (key, value) in entries {
                write_value(key, out)?;
                write_value(value, out)?;
            }
        }
        Value::Tag(tag, content) => {
            write_head(out, 6, *tag);
            write_value(content, out)?;
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        _ => return by_ciborium(value, out),
    }
    Ok(())
}

/// Appends the head of an item of `major` type with `argument`.
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, argument: u64) {
    out.extend_from_slice(Head::new(major, argument).as_slice());
}

/// Appends a byte string.
pub(crate) fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_head(out, 2, u64_from_usize(bytes.len()));
    out.extend_from_slice(bytes);
}

/// Appends a text string.
pub(crate) fn write_text(out: &mut Vec<u8>, text: &str) {
    write_head(out, 3, u64_from_usize(text.len()));
    out.extend_from_slice(text.as_bytes());
}

fn by_ciborium(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    ciborium::ser::into_writer(value, out)
        .map_err(|e| Error::InvalidArgument(format!("cannot encode CBOR: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ciborium_bytes(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(value, &mut out).unwrap();
        out
    }

    /// Every kind of value, nested, and every head width, writes as
    /// ciborium writes it.
    #[test]
    fn values_are_written_as_ciborium_writes_them() {
        let mut values = Vec::new();
        for n in [
            0u64,
            23,
            24,
            255,
            256,
            65_535,
            65_536,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            u64::MAX,
        ] {
            values.push(Value::from(n));
            values.push(Value::Integer(
                ciborium::value::Integer::try_from(-1i128 - i128::from(n)).unwrap(),
            ));
            values.push(Value::Tag(n, Box::new(Value::Null)));
        }
        for len in [0usize, 23, 24, 255, 256, 65_536] {
            values.push(Value::Bytes(vec![0xa5; len]));
            values.push(Value::Text("ж".repeat(len / 2)));
            values.push(Value::Array(vec![Value::Bool(true); len.min(300)]));
        }
        for float in [
            0.0,
            -0.0,
            1.5,
            1e300,
            f64::INFINITY,
            f64::NAN,
            65_504.0,
            3.4e38,
        ] {
            values.push(Value::Float(float));
        }
        values.push(Value::Map(vec![
            (Value::Text("a".into()), Value::Null),
            (Value::from(-3), Value::Bool(false)),
            (
                Value::Bytes(vec![1]),
                Value::Map(vec![(Value::Null, Value::Float(2.5))]),
            ),
        ]));
        let nested = Value::Array(values.clone());
        values.push(Value::Tag(24, Box::new(nested.clone())));
        values.push(nested);
        for value in &values {
            let mut out = vec![0x99];
            write_value(value, &mut out).unwrap();
            assert_eq!(out[1..], ciborium_bytes(value)[..], "{value:?}");
            assert_eq!(out[0], 0x99, "appends");
        }
    }
}
