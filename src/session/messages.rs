//! The session messages (ISO/IEC 18013-5:2021 section 9.1.1.4):
//!
//! ```cddl
//! SessionEstablishment = { "eReaderKey": EReaderKeyBytes, "data": bstr }
//! SessionData = { ? "data": bstr, ? "status": uint }
//! EReaderKeyBytes = #6.24(bstr .cbor EReaderKey)   ; EReaderKey = COSE_Key
//! ```
//!
//! Decoding goes through [`crate::cbor::decode`], so malformed or oversized
//! CBOR keeps its `cbor_*` code; well-formed CBOR of the wrong shape (a
//! missing or unknown key, a wrong type, an unknown status) is
//! `session_malformed`. Unknown keys are refused rather than skipped: the
//! ISO CDDL defines no extension point here, and nothing outside the
//! ciphertext is authenticated, so extra fields could only be noise or an
//! attack.

use ciborium::value::Value;

use crate::cbor;
use crate::cose::PublicKey;
use crate::error::{Error, Result, excerpt};

use super::keys::read_cose_key;

const KEY_E_READER_KEY: &str = "eReaderKey";
const KEY_DATA: &str = "data";
const KEY_STATUS: &str = "status";

/// A status code of a SessionData message (ISO/IEC 18013-5 Table 20).
///
/// Every status ends the session. The status travels outside the
/// ciphertext, so it is not authenticated: anyone on the radio link can end
/// a session, which the standard accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionStatus {
    /// 10: a message could not be decrypted.
    DecryptionError,
    /// 11: a message could not be decoded as CBOR.
    CborError,
    /// 20: the sender ends the session.
    Termination,
}

impl SessionStatus {
    /// The code on the wire: 10, 11 or 20.
    pub fn code(self) -> u64 {
        match self {
            SessionStatus::DecryptionError => 10,
            SessionStatus::CborError => 11,
            SessionStatus::Termination => 20,
        }
    }

    /// The status for a wire code; any other code is `session_malformed`
    /// (the standard defines no others, and guessing what one means is worse
    /// than refusing it).
    pub fn from_code(code: u64) -> Result<SessionStatus> {
        match code {
            10 => Ok(SessionStatus::DecryptionError),
            11 => Ok(SessionStatus::CborError),
            20 => Ok(SessionStatus::Termination),
            other => Err(Error::SessionMalformed(format!(
                "unknown SessionData status {other}"
            ))),
        }
    }

    /// The status to send back after refusing a session message with
    /// `error`: 10 for decryption and key failures, 11 for CBOR and shape
    /// failures, none for anything else (for example `session_terminated`:
    /// the session is over and nothing more is sent).
    pub fn for_error(error: &Error) -> Option<SessionStatus> {
        match error {
            Error::SessionDecryptionFailed(_)
            | Error::SessionUnsupportedCurve(_)
            | Error::InvalidKey(_) => Some(SessionStatus::DecryptionError),
            Error::SessionMalformed(_)
            | Error::CborMalformed(_)
            | Error::CborTooLarge { .. }
            | Error::CborTooDeep { .. }
            | Error::CborTooManyItems { .. }
            | Error::CborLengthExceedsInput { .. }
            | Error::CborTrailingBytes(_)
            | Error::CborIndefiniteLength
            | Error::CborDuplicateKey(_)
            | Error::CborUnexpectedTag(_)
            | Error::CborNotTag24(_) => Some(SessionStatus::CborError),
            _ => None,
        }
    }
}

/// What a session message brought: the decrypted data, a status, or both
/// (a last message may carry data together with status 20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The decrypted plaintext (a DeviceRequest or DeviceResponse), if the
    /// message carried data.
    pub data: Option<Vec<u8>>,
    /// The status, if the message carried one; the session has then ended.
    pub status: Option<SessionStatus>,
}

/// Whether `bytes` look like a SessionEstablishment (a map with
/// `eReaderKey`), so a device session can name what it refuses.
pub(crate) fn is_establishment(bytes: &[u8]) -> bool {
    match cbor::decode(bytes) {
        Ok(Value::Map(entries)) => entries
            .iter()
            .any(|(key, _)| key.as_text() == Some(KEY_E_READER_KEY)),
        _ => false,
    }
}

/// The first message of a session, from the reader: its ephemeral key and
/// the first encrypted request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEstablishment {
    /// The COSE_Key bytes inside the tag-24 EReaderKeyBytes, exactly as
    /// received: the SessionTranscript must hold these very bytes.
    e_reader_key_cose: Vec<u8>,
    e_reader_key: PublicKey,
    data: Vec<u8>,
}

impl SessionEstablishment {
    pub(crate) fn new(e_reader_key_cose: Vec<u8>, e_reader_key: PublicKey, data: Vec<u8>) -> Self {
        SessionEstablishment {
            e_reader_key_cose,
            e_reader_key,
            data,
        }
    }

    /// Decodes a SessionEstablishment message. The reader's key must be a
    /// P-256 COSE_Key (`session_unsupported_curve` for other curves).
    pub fn from_slice(bytes: &[u8]) -> Result<SessionEstablishment> {
        let value = cbor::decode(bytes)?;
        let map = session_map(&value, "SessionEstablishment")?;
        let mut e_reader_key = None;
        let mut data = None;
        for (key, value) in map {
            match key.as_str() {
                KEY_E_READER_KEY => {
                    e_reader_key = Some(cbor::untag24(value, "SessionEstablishment eReaderKey")?)
                }
                KEY_DATA => data = Some(bytes_of(value, "SessionEstablishment data")?),
                other => return Err(unknown_key("SessionEstablishment", other)),
            }
        }
        let cose = e_reader_key.ok_or_else(|| missing("SessionEstablishment", KEY_E_READER_KEY))?;
        let data = data.ok_or_else(|| missing("SessionEstablishment", KEY_DATA))?;
        Ok(SessionEstablishment {
            e_reader_key: read_cose_key(cose)?,
            e_reader_key_cose: cose.to_vec(),
            data: data.to_vec(),
        })
    }

    /// Encodes the message as CBOR.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        cbor::encode(&cbor::text_map([
            (
                KEY_E_READER_KEY,
                cbor::tag24(self.e_reader_key_cose.clone()),
            ),
            (KEY_DATA, Value::Bytes(self.data.clone())),
        ]))
    }

    /// The reader's ephemeral public key, EReaderKey.
    pub fn e_reader_key(&self) -> &PublicKey {
        &self.e_reader_key
    }

    /// EReaderKeyBytes, the encoded `#6.24(bstr .cbor COSE_Key)` around the
    /// key bytes as received: what the holder puts into its SessionTranscript.
    pub fn e_reader_key_bytes(&self) -> Result<Vec<u8>> {
        cbor::encode(&cbor::tag24(self.e_reader_key_cose.clone()))
    }

    /// The COSE_Key bytes inside EReaderKeyBytes, as received.
    pub fn e_reader_key_cose_bytes(&self) -> &[u8] {
        &self.e_reader_key_cose
    }

    /// The encrypted first request (ciphertext || GCM tag).
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

/// A message of an established session: encrypted data, a status, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionData {
    data: Option<Vec<u8>>,
    status: Option<SessionStatus>,
}

impl SessionData {
    /// A message carrying encrypted data only.
    pub fn with_data(ciphertext: Vec<u8>) -> SessionData {
        SessionData {
            data: Some(ciphertext),
            status: None,
        }
    }

    /// A message carrying a status only (for example 20 to end the session,
    /// or 10 after a message failed to decrypt).
    pub fn with_status(status: SessionStatus) -> SessionData {
        SessionData {
            data: None,
            status: Some(status),
        }
    }

    /// Decodes a SessionData message; at least one of `data` and `status`
    /// must be present.
    pub fn from_slice(bytes: &[u8]) -> Result<SessionData> {
        let value = cbor::decode(bytes)?;
        let map = session_map(&value, "SessionData")?;
        let mut data = None;
        let mut status = None;
        for (key, value) in map {
            match key.as_str() {
                KEY_DATA => data = Some(bytes_of(value, "SessionData data")?.to_vec()),
                KEY_STATUS => {
                    let code = match value {
                        Value::Integer(i) => u64::try_from(*i).ok(),
                        _ => None,
                    }
                    .ok_or_else(|| {
                        Error::SessionMalformed("SessionData status must be a uint".into())
                    })?;
                    status = Some(SessionStatus::from_code(code)?);
                }
                other => return Err(unknown_key("SessionData", other)),
            }
        }
        if data.is_none() && status.is_none() {
            return Err(Error::SessionMalformed(
                "SessionData holds neither data nor status".into(),
            ));
        }
        Ok(SessionData { data, status })
    }

    /// Encodes the message as CBOR (`data` first, then `status`).
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        let mut entries = Vec::with_capacity(2);
        if let Some(data) = &self.data {
            entries.push((KEY_DATA, Value::Bytes(data.clone())));
        }
        if let Some(status) = self.status {
            entries.push((KEY_STATUS, Value::from(status.code())));
        }
        cbor::encode(&cbor::text_map(entries))
    }

    /// The encrypted data (ciphertext || GCM tag), if any.
    pub fn data(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    /// The status, if any.
    pub fn status(&self) -> Option<SessionStatus> {
        self.status
    }
}

/// A session message's top-level map with its keys as text.
fn session_map<'a>(value: &'a Value, what: &str) -> Result<Vec<(&'a String, &'a Value)>> {
    let Value::Map(entries) = value else {
        return Err(Error::SessionMalformed(format!("{what} must be a map")));
    };
    entries
        .iter()
        .map(|(k, v)| match k {
            Value::Text(t) => Ok((t, v)),
            _ => Err(Error::SessionMalformed(format!(
                "{what} keys must be text strings"
            ))),
        })
        .collect()
}

fn bytes_of<'a>(value: &'a Value, what: &str) -> Result<&'a [u8]> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(Error::SessionMalformed(format!(
            "{what} must be a byte string"
        ))),
    }
}

fn missing(what: &str, key: &str) -> Error {
    Error::SessionMalformed(format!("{what}: missing {key:?}", key = excerpt(key)))
}

fn unknown_key(what: &str, key: &str) -> Error {
    Error::SessionMalformed(format!("{what}: unknown key {key:?}", key = excerpt(key)))
}

/// The COSE_Key bytes inside the EReaderKeyBytes of a SessionTranscript.
///
/// SessionTranscriptBytes = #6.24(bstr .cbor [DeviceEngagementBytes,
/// EReaderKeyBytes, Handover]). Both sides check their reader key against
/// this so that the key sent (or received) and the key hashed into the
/// session keys' salt cannot differ. The transcript comes from the caller,
/// so a wrong shape is `invalid_argument`.
pub(crate) fn transcript_e_reader_key(session_transcript_bytes: &[u8]) -> Result<Vec<u8>> {
    let bad = |why: &str| Error::InvalidArgument(format!("SessionTranscriptBytes: {why}"));
    let outer = cbor::decode(session_transcript_bytes).map_err(|e| bad(&e.to_string()))?;
    let inner = cbor::untag24(&outer, "SessionTranscriptBytes").map_err(|e| bad(&e.to_string()))?;
    let transcript = cbor::decode(inner).map_err(|e| bad(&e.to_string()))?;
    let items = match &transcript {
        Value::Array(items) if items.len() == 3 => items,
        _ => return Err(bad("SessionTranscript must be an array of three items")),
    };
    let key = items
        .get(1)
        .ok_or_else(|| bad("no EReaderKeyBytes"))
        .and_then(|v| cbor::untag24(v, "EReaderKeyBytes").map_err(|e| bad(&e.to_string())))?;
    Ok(key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.code(),
        }
    }

    fn enc(v: &Value) -> Vec<u8> {
        cbor::encode(v).unwrap()
    }

    #[test]
    fn session_data_round_trips() {
        for msg in [
            SessionData::with_data(vec![1, 2, 3]),
            SessionData::with_status(SessionStatus::Termination),
            SessionData {
                data: Some(vec![9]),
                status: Some(SessionStatus::CborError),
            },
        ] {
            assert_eq!(
                SessionData::from_slice(&msg.to_vec().unwrap()).unwrap(),
                msg
            );
        }
        assert_eq!(
            SessionData::with_status(SessionStatus::Termination)
                .to_vec()
                .unwrap(),
            [0xa1, 0x66, b's', b't', b'a', b't', b'u', b's', 0x14]
        );
    }

    #[test]
    fn session_data_shape_is_checked() {
        let m = |entries: Vec<(&str, Value)>| enc(&cbor::text_map(entries));
        assert_eq!(
            code(SessionData::from_slice(&m(vec![]))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&m(vec![(
                "data",
                Value::Text("x".into())
            )]))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&m(vec![(
                "status",
                Value::from(21)
            )]))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&m(vec![(
                "status",
                Value::from(-1)
            )]))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&m(vec![
                ("data", Value::Bytes(vec![])),
                ("extra", Value::Null)
            ]))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&enc(&Value::Array(vec![])))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&enc(&Value::Map(vec![(
                Value::from(1),
                Value::Null
            )])))),
            "session_malformed"
        );
        assert_eq!(
            code(SessionData::from_slice(&[0xa1, 0x64])),
            "cbor_length_exceeds_input"
        );
    }

    #[test]
    fn status_codes() {
        for s in [
            SessionStatus::DecryptionError,
            SessionStatus::CborError,
            SessionStatus::Termination,
        ] {
            assert_eq!(SessionStatus::from_code(s.code()).unwrap(), s);
        }
        assert_eq!(
            SessionStatus::for_error(&Error::SessionDecryptionFailed(String::new())),
            Some(SessionStatus::DecryptionError)
        );
        assert_eq!(
            SessionStatus::for_error(&Error::CborIndefiniteLength),
            Some(SessionStatus::CborError)
        );
        assert_eq!(
            SessionStatus::for_error(&Error::SessionTerminated(String::new())),
            None
        );
    }

    #[test]
    fn transcript_shape_is_checked() {
        let key = vec![0xa0];
        let transcript = |items: Vec<Value>| enc(&cbor::tag24(enc(&Value::Array(items))));
        let good = transcript(vec![Value::Null, cbor::tag24(key.clone()), Value::Null]);
        assert_eq!(transcript_e_reader_key(&good).unwrap(), key);
        for bad in [
            transcript(vec![Value::Null, Value::Null, Value::Null]),
            transcript(vec![Value::Null, cbor::tag24(key.clone())]),
            enc(&Value::Array(vec![])),
            vec![0xff],
        ] {
            assert_eq!(code(transcript_e_reader_key(&bad)), "invalid_argument");
        }
    }
}
