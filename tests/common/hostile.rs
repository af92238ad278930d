//! The adversarial inputs of the resource limits, shared by the regression
//! test `tests/hostile_input.rs` (memory) and the example
//! `examples/hostile_input.rs` (memory and time, in release).
#![allow(dead_code)]

use std::io::Write as _;

use docbridge::cbor;

/// One MiB.
pub const MIB: usize = 1 << 20;

/// Just under the default CBOR size limit, so the input reaches the decoder.
pub const NEAR_LIMIT: usize = 8 * MIB - 4096;

/// A CBOR text string.
fn text(s: &str) -> Vec<u8> {
    let mut out =
        cbor::encode(&docbridge::deps::ciborium::value::Value::Text(s.into())).unwrap_or_default();
    out.shrink_to_fit();
    out
}

/// The head of a byte string of `len` bytes.
fn bytes_head(len: usize) -> Vec<u8> {
    let mut out = vec![0x5a];
    out.extend(u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    out
}

/// `{{{ ... {h'00...': 0} ... : 0}: 0}: 0}`: maps nested 31 deep through
/// their keys, a byte string at the bottom, `total` bytes in all.
pub fn nested_through_keys(total: usize) -> Vec<u8> {
    let depth = 31;
    let mut out = vec![0xa1; depth];
    let len = total - depth * 2 - 5;
    out.extend(bytes_head(len));
    out.resize(out.len() + len, 0);
    out.resize(out.len() + depth, 0x00);
    out
}

/// `{"nameSpaces": {"k": {"k": ... h'00...'}}}`: maps nested 31 deep
/// through their values, a byte string at the bottom, `total` bytes in all.
pub fn nested_through_values(total: usize) -> Vec<u8> {
    let mut out = vec![0xa1];
    out.extend(text("nameSpaces"));
    for _ in 0..30 {
        out.push(0xa1);
        out.extend(text("k"));
    }
    let len = total - out.len() - 5;
    out.extend(bytes_head(len));
    out.resize(out.len() + len, 0);
    out
}

/// 1 MiB of one-element arrays, each inside the last.
pub fn deep_nesting() -> Vec<u8> {
    let mut out = vec![0x81; MIB];
    out.push(0x00);
    out
}

/// A byte string claiming 2^64 - 1 bytes.
pub fn claimed_length() -> Vec<u8> {
    let mut out = vec![0x5b];
    out.extend([0xff; 8]);
    out
}

/// An array of 99,999 zeros: 100,000 items, the most the decoder takes.
pub fn tiny_items() -> Vec<u8> {
    let mut out = vec![0x9a];
    out.extend(99_999u32.to_be_bytes());
    out.resize(out.len() + 99_999, 0x00);
    out
}

/// An IssuerSigned-shaped map whose only key is an unknown text of `len`
/// bytes: refused by name, and the name must not fill the message.
pub fn long_unknown_key(len: usize) -> Vec<u8> {
    let mut out = vec![0xa1, 0x7a];
    out.extend(u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
    out.resize(out.len() + len, b'k');
    out.push(0x00);
    out
}

/// A COSE_Sign1 (ES256, typ of a trust list) whose x5chain holds `count`
/// copies of `certificate`.
pub fn long_x5chain(certificate: &[u8], count: usize) -> Vec<u8> {
    // protected: {1: -7, 16: "application/docbridge-trust-list+cbor"}
    let mut protected = vec![0xa2, 0x01, 0x26, 0x10];
    protected.extend(text("application/docbridge-trust-list+cbor"));
    let mut out = vec![0x84];
    out.push(0x58);
    out.push(u8::try_from(protected.len()).unwrap_or(0));
    out.extend(protected);
    out.extend([0xa1, 0x18, 0x21, 0x9a]);
    out.extend(u32::try_from(count).unwrap_or(0).to_be_bytes());
    for _ in 0..count {
        out.extend(bytes_head(certificate.len()));
        out.extend(certificate);
    }
    out.extend([0x41, 0xa0, 0x58, 0x40]);
    out.extend([0u8; 64]);
    out
}

/// A status list `{"bits": 1, "lst": zlib(zeros)}` whose `lst` inflates
/// to `inflated` bytes: a zip bomb for anyone reading the whole list.
pub fn zip_bomb(inflated: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; MIB];
    for _ in 0..inflated / MIB {
        let _ = encoder.write_all(&zeros);
    }
    let lst = encoder.finish().unwrap_or_default();
    let mut out = vec![0xa2];
    out.extend(text("bits"));
    out.push(0x01);
    out.extend(text("lst"));
    out.extend(bytes_head(lst.len()));
    out.extend(lst);
    out
}
