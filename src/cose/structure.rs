//! The bytes a COSE signature or MAC covers: Sig_structure (RFC 9052
//! section 4.4) and MAC_structure (section 6.3), written straight into one
//! buffer.
//!
//! Written here rather than taken from coset's `sig_structure_data` and
//! `mac_structure_data`: those build a `Value` tree holding copies of the
//! payload and the external data, then serialise it, seven to nine
//! allocations and two copies of the payload on every verification. The
//! structure is four items of fixed form; the tests check that both ways
//! give the same bytes.

use std::borrow::Cow;

use coset::{CborSerializable, ProtectedHeader};

use crate::cbor::Head;
use crate::error::{Error, Result};
use crate::int::u64_from_usize;

/// `context`, the protected header's bytes, `external_aad` and `payload` as
/// the four-element array both structures are.
pub(crate) fn to_be_authenticated(
    context: &str,
    protected: &ProtectedHeader,
    external_aad: &[u8],
    payload: &[u8],
) -> Result<Vec<u8>> {
    let protected = protected_bytes(protected)?;
    let heads = [
        Head::new(3, u64_from_usize(context.len())),
        Head::new(2, u64_from_usize(protected.len())),
        Head::new(2, u64_from_usize(external_aad.len())),
        Head::new(2, u64_from_usize(payload.len())),
    ];
    // Only a hint: the lengths are of slices already in memory.
    let capacity = [
        context.len(),
        protected.len(),
        external_aad.len(),
        payload.len(),
    ]
    .into_iter()
    .chain(heads.iter().map(|h| h.as_slice().len()))
    .fold(1usize, usize::saturating_add);
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(Head::new(4, 4).as_slice());
    for (head, content) in heads
        .iter()
        .zip([context.as_bytes(), &protected, external_aad, payload])
    {
        out.extend_from_slice(head.as_slice());
        out.extend_from_slice(content);
    }
    Ok(out)
}

/// The protected header as the structure carries it: the bytes as received
/// when there are any (never a re-encoding), an empty string for a header
/// without parameters, else the header encoded (a header built in memory).
fn protected_bytes(protected: &ProtectedHeader) -> Result<Cow<'_, [u8]>> {
    if let Some(original) = &protected.original_data {
        return Ok(Cow::Borrowed(original));
    }
    if protected.is_empty() {
        return Ok(Cow::Borrowed(&[]));
    }
    protected
        .header
        .clone()
        .to_vec()
        .map(Cow::Owned)
        .map_err(|e| Error::CoseMalformed(format!("cannot encode the protected header: {e}")))
}

#[cfg(test)]
mod tests {
    use coset::{HeaderBuilder, iana};

    use super::*;

    fn headers() -> Vec<ProtectedHeader> {
        let built = HeaderBuilder::new()
            .algorithm(iana::Algorithm::ES256)
            .build();
        let received = ProtectedHeader::from_cbor_bstr(ciborium::value::Value::Bytes(
            // {1: -7} with the label's argument in a longer form than
            // needed: the received bytes must be kept as they are.
            vec![0xa1, 0x18, 0x01, 0x26],
        ))
        .expect("a protected header");
        vec![
            ProtectedHeader::default(),
            ProtectedHeader {
                original_data: None,
                header: built,
            },
            received,
        ]
    }

    #[test]
    fn sig_structure_is_the_bytes_coset_writes() {
        let big = vec![0x5a; 70_000];
        for protected in headers() {
            for (aad, payload) in [
                (&b""[..], &b""[..]),
                (b"aad", b"payload"),
                (&big[..30], &big[..]),
                (&big[..300], &big[..24]),
            ] {
                let ours = to_be_authenticated("Signature1", &protected, aad, payload).unwrap();
                let coset = coset::sig_structure_data(
                    coset::SignatureContext::CoseSign1,
                    protected.clone(),
                    None,
                    aad,
                    payload,
                );
                assert_eq!(ours, coset);
                let ours = to_be_authenticated("MAC0", &protected, aad, payload).unwrap();
                let coset = coset::mac_structure_data(
                    coset::MacContext::CoseMac0,
                    protected.clone(),
                    aad,
                    payload,
                );
                assert_eq!(ours, coset);
            }
        }
    }

    #[test]
    fn received_protected_bytes_are_kept() {
        let received = &headers()[2];
        let ours = to_be_authenticated("Signature1", received, b"", b"").unwrap();
        assert_eq!(
            ours,
            [
                &[0x84, 0x6a][..],
                b"Signature1",
                &[0x44, 0xa1, 0x18, 0x01, 0x26, 0x40, 0x40]
            ]
            .concat()
        );
    }
}
