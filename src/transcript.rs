//! Session transcripts: what device authentication and reader authentication
//! are bound to, so a response made for one session cannot be replayed in
//! another.
//!
//! The crate takes a transcript as **SessionTranscriptBytes**, the tag-24
//! encoding of the SessionTranscript array, exactly as the caller holds it;
//! the builders here make those bytes for the three ways a session starts:
//!
//! | builder | SessionTranscript | used for |
//! |---|---|---|
//! | [`proximity`], [`proximity_for_key`] | `[DeviceEngagementBytes, EReaderKeyBytes, Handover]` | ISO/IEC 18013-5 QR/NFC engagement |
//! | [`openid4vp`] | `[null, null, [clientIdHash, responseUriHash, nonce]]` | ISO/IEC 18013-7 Annex B (OpenID4VP) |
//! | [`backend_nonce`] | `[null, null, ["docbridge-nonce-v1", verifier, nonce]]` | backend-to-backend checks (this project) |
//!
//! The backend handover is this project's own. When one backend checks a
//! document another backend sends it (mObywatel's backend checking what
//! Diia's backend forwards), there is no engagement and no OpenID4VP request.
//! The checking side picks a fresh random nonce of at least 16 bytes and
//! names itself; the holder signs over both, so the response is good for
//! that verifier and that nonce only.

use crate::int::u64_from_usize;
use crate::mso::DigestAlgorithm;
use ciborium::value::Value;

use crate::cbor;
use crate::cose::PublicKey;
use crate::error::{Error, Result};

/// Tag of the backend-to-backend handover, versioned so it can evolve.
pub const BACKEND_HANDOVER_TAG: &str = "docbridge-nonce-v1";

/// Smallest nonce accepted by [`backend_nonce`] and [`openid4vp`].
pub const MIN_NONCE_LEN: usize = 16;

/// SessionTranscriptBytes for ISO/IEC 18013-5 proximity, from the bytes as
/// received: the device engagement (the bytes inside DeviceEngagementBytes),
/// the reader's ephemeral COSE_Key (the bytes inside EReaderKeyBytes), and
/// the handover (`null` for QR engagement, the NFC handover array
/// otherwise). Taking bytes, not keys, keeps both sides' transcripts equal
/// even when a peer encodes its key differently from this crate.
pub fn proximity(
    device_engagement: &[u8],
    e_reader_key: &[u8],
    handover: Value,
) -> Result<Vec<u8>> {
    cbor::decode(device_engagement)?;
    PublicKey::from_cose_key_value(&cbor::decode(e_reader_key)?)?;
    wrap(Value::Array(vec![
        cbor::tag24(device_engagement.to_vec()),
        cbor::tag24(e_reader_key.to_vec()),
        handover,
    ]))
}

/// [`proximity`] for a reader key this crate encodes itself (the reader's
/// own side, or tests).
pub fn proximity_for_key(
    device_engagement: &[u8],
    e_reader_key: &PublicKey,
    handover: Value,
) -> Result<Vec<u8>> {
    let key_bytes = cbor::encode(&e_reader_key.to_cose_key_value()?)?;
    proximity(device_engagement, &key_bytes, handover)
}

/// SessionTranscriptBytes for ISO/IEC 18013-7 Annex B (OpenID4VP):
/// clientIdHash = SHA-256(CBOR [client_id, mdoc_generated_nonce]),
/// responseUriHash = SHA-256(CBOR [response_uri, mdoc_generated_nonce]).
pub fn openid4vp(
    client_id: &str,
    response_uri: &str,
    nonce: &str,
    mdoc_generated_nonce: &str,
) -> Result<Vec<u8>> {
    if nonce.len() < MIN_NONCE_LEN {
        return Err(Error::InvalidArgument(format!(
            "nonce shorter than {MIN_NONCE_LEN} characters"
        )));
    }
    let hash = |first: &str| -> Result<Value> {
        let encoded = cbor::encode(&Value::Array(vec![
            Value::Text(first.into()),
            Value::Text(mdoc_generated_nonce.into()),
        ]))?;
        Ok(Value::Bytes(
            crate::provider::get_default()
                .digest(DigestAlgorithm::Sha256, &[&encoded])
                .to_vec(),
        ))
    };
    wrap(Value::Array(vec![
        Value::Null,
        Value::Null,
        Value::Array(vec![
            hash(client_id)?,
            hash(response_uri)?,
            Value::Text(nonce.into()),
        ]),
    ]))
}

/// SessionTranscriptBytes for a backend-to-backend check (this project's
/// handover, see the module docs): `verifier` names the checking party,
/// `nonce` is its fresh random challenge (at least 16 bytes).
pub fn backend_nonce(verifier: &str, nonce: &[u8]) -> Result<Vec<u8>> {
    if nonce.len() < MIN_NONCE_LEN {
        return Err(Error::InvalidArgument(format!(
            "nonce shorter than {MIN_NONCE_LEN} bytes"
        )));
    }
    if verifier.is_empty() {
        return Err(Error::InvalidArgument("empty verifier name".into()));
    }
    wrap(Value::Array(vec![
        Value::Null,
        Value::Null,
        Value::Array(vec![
            Value::Text(BACKEND_HANDOVER_TAG.into()),
            Value::Text(verifier.into()),
            Value::Bytes(nonce.to_vec()),
        ]),
    ]))
}

fn wrap(transcript: Value) -> Result<Vec<u8>> {
    let (tagged, _) = cbor::tag24_of(&transcript)?;
    cbor::encode(&tagged)
}

/// The SessionTranscript array inside SessionTranscriptBytes, as received;
/// checks that the bytes are tag 24 around one well-formed CBOR array.
pub(crate) fn inner(session_transcript_bytes: &[u8]) -> Result<&[u8]> {
    // Checked in place: every device authentication reads the transcript,
    // and building it as a value only to splice in its bytes cost a dozen
    // allocations.
    let outer = cbor::scan(session_transcript_bytes, &cbor::Limits::DEFAULT)?;
    let inner = outer.untag24("SessionTranscriptBytes")?;
    cbor::scan(inner, &cbor::Limits::DEFAULT)?.array("SessionTranscript")?;
    // The inner bytes are a suffix of the input: tag 24 and the byte-string
    // head come first.
    let start = session_transcript_bytes.len().saturating_sub(inner.len());
    session_transcript_bytes
        .get(start..)
        .ok_or_else(|| Error::InvalidStructure("SessionTranscriptBytes".into()))
}

/// Encodes `["<context>", SessionTranscript, <items...>]` as tag-24 bytes,
/// splicing the SessionTranscript in as received so that nothing is
/// re-encoded (ISO/IEC 18013-5 DeviceAuthentication and ReaderAuthentication).
pub(crate) fn authentication_bytes(
    context: &str,
    session_transcript_bytes: &[u8],
    rest: &[Value],
) -> Result<Vec<u8>> {
    let transcript = inner(session_transcript_bytes)?;
    let mut array = Vec::new();
    cbor::write_head(&mut array, 4, u64_from_usize(rest.len()).saturating_add(2));
    cbor::write_text(&mut array, context);
    array.extend_from_slice(transcript);
    for item in rest {
        cbor::write_value(item, &mut array)?;
    }
    Ok(cbor::tag24_bytes(&array))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_transcript_is_tag24_array_and_spliced_exactly() {
        let bytes = backend_nonce("mObywatel backend", &[7u8; 16]).unwrap();
        let inner_bytes = inner(&bytes).unwrap();
        let decoded = cbor::decode(inner_bytes).unwrap();
        assert_eq!(cbor::as_array(&decoded, "t").unwrap().len(), 3);
        let auth = authentication_bytes("DeviceAuthentication", &bytes, &[Value::Text("x".into())])
            .unwrap();
        let outer = cbor::decode(&auth).unwrap();
        let content = cbor::untag24(&outer, "a").unwrap();
        let expected = Value::Array(vec![
            Value::Text("DeviceAuthentication".into()),
            decoded,
            Value::Text("x".into()),
        ]);
        assert_eq!(content, cbor::encode(&expected).unwrap().as_slice());
    }

    #[test]
    fn short_nonces_are_refused() {
        assert_eq!(
            backend_nonce("v", &[0; 15]).map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }
}
