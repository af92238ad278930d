//! Kind `session`: ISO/IEC 18013-5 session encryption. A case gives one
//! side's ephemeral private key, its SessionTranscriptBytes and the
//! messages it receives; the outcome is each decrypted plaintext (and
//! status) in order, or the first refusal.

use ciborium::value::Value;

use super::fixtures::{MDL, MDL_NS, NOW};
use super::{Builder, forge, generator_error};
use crate::format::{Case, Expected, Input, Kind, SessionInput, SessionRole, Source};
use crate::runner::session_members;
use docbridge::cbor;
use docbridge::cose::{Algorithm, PublicKey, Signer as _, SoftwareKey};
use docbridge::deps::p256;
use docbridge::error::Result;
use docbridge::request::{DeviceRequest, ItemsRequest};
use docbridge::session::{
    DeviceSession, EphemeralKey, ReaderSession, SessionEstablishment, generate_ephemeral_key,
    public_key_of,
};
use docbridge::transcript;

/// What one side of a session holds.
struct Side<'a> {
    role: SessionRole,
    private_key: &'a p256::SecretKey,
    peer: Option<&'a PublicKey>,
    transcript: &'a [u8],
}

/// One received message's expected outcome: plaintext and/or status.
type Received = (Option<Vec<u8>>, Option<u64>);

fn add(
    b: &mut Builder<'_>,
    id: &str,
    description: &str,
    side: &Side<'_>,
    establishment: Option<&[u8]>,
    messages: &[&[u8]],
    expected: std::result::Result<Vec<Received>, &str>,
) -> Result<()> {
    let private_key = b.case_text(id, "private.key.pem", pem_of(side.private_key)?)?;
    let peer_public_key = side
        .peer
        .map(|peer| -> Result<String> { b.case_text(id, "peer.pub.pem", peer.to_pem()?) })
        .transpose()?;
    let transcript = b.case_file(id, "transcript.cbor", side.transcript.to_vec())?;
    let establishment = establishment
        .map(|bytes| b.case_file(id, "establishment.cbor", bytes.to_vec()))
        .transpose()?;
    let messages = messages
        .iter()
        .enumerate()
        .map(|(index, bytes)| {
            b.case_file(id, &format!("message-{}.cbor", index + 1), bytes.to_vec())
        })
        .collect::<Result<Vec<Source>>>()?;
    let expected = match expected {
        Err(code) => Expected::error(code),
        Ok(received) => {
            let mut entries = Vec::new();
            for (index, (data, status)) in received.into_iter().enumerate() {
                let data = data
                    .map(|bytes| b.file(&format!("cases/{id}/plaintext-{}.bin", index + 1), bytes))
                    .transpose()?;
                entries.push((data, status));
            }
            Expected::Valid(session_members(entries))
        }
    };
    b.add(Case {
        id: id.to_string(),
        description: description.to_string(),
        kind: Kind::Session,
        now: NOW,
        input: Input::Session(SessionInput {
            role: side.role,
            private_key,
            peer_public_key,
            transcript,
            establishment,
            messages,
        }),
        expected,
        derived_from: None,
    })
}

/// The PKCS#8 PEM of a P-256 private key.
fn pem_of(key: &p256::SecretKey) -> Result<String> {
    SoftwareKey::P256(p256::ecdsa::SigningKey::from(key))
        .to_pkcs8_pem()
        .map(|pem| pem.to_string())
}

/// A DeviceEngagement-like map carrying EDeviceKeyBytes:
/// `{0: "1.0", 1: [1, #6.24(COSE_Key)]}`.
fn engagement(e_device_key: &PublicKey) -> Result<Vec<u8>> {
    cbor::encode(&Value::Map(vec![
        (Value::from(0), Value::Text("1.0".into())),
        (
            Value::from(1),
            Value::Array(vec![
                Value::from(1),
                cbor::tag24(cbor::encode(&e_device_key.to_cose_key_value()?)?),
            ]),
        ),
    ]))
}

/// The last bit of the `data` byte string of a session message flipped.
fn tampered(message: &[u8]) -> Result<Vec<u8>> {
    let mut value = cbor::decode(message)?;
    match forge::map_at(&mut value, "data")? {
        Value::Bytes(data) => {
            if let Some(last) = data.last_mut() {
                *last ^= 0x01;
            }
        }
        _ => return Err(generator_error("session data is not a byte string")),
    }
    cbor::encode(&value)
}

/// Adds every `session` case.
pub(super) fn cases(b: &mut Builder<'_>) -> Result<()> {
    // Fixed keys: every case below replays one session from its files.
    let fixed = |key: EphemeralKey| key.secret_key().clone();
    let device_key = fixed(generate_ephemeral_key(&mut b.rng(6001)));
    let reader_key = fixed(generate_ephemeral_key(&mut b.rng(6002)));
    let stranger = fixed(generate_ephemeral_key(&mut b.rng(6003)));
    let e_device_key = public_key_of(&device_key);
    let e_reader_key = public_key_of(&reader_key);
    let engagement = engagement(&e_device_key)?;
    let transcript = transcript::proximity_for_key(&engagement, &e_reader_key, Value::Null)?;

    // The plaintexts: a DeviceRequest, a second request, two responses.
    let request_1 = DeviceRequest::build(
        &[ItemsRequest::new(MDL)
            .element(MDL_NS, "family_name", false)
            .element(MDL_NS, "portrait", false)],
        None,
        &transcript,
    )?
    .to_vec()?;
    let request_2 = DeviceRequest::build(
        &[ItemsRequest::new(MDL).element(MDL_NS, "age_over_18", false)],
        None,
        &transcript,
    )?
    .to_vec()?;
    let response_1 = cbor::encode(&cbor::text_map([
        ("version", Value::Text("1.0".into())),
        ("status", Value::from(0)),
    ]))?;
    let response_2 = cbor::encode(&cbor::text_map([
        ("version", Value::Text("1.0".into())),
        ("status", Value::from(10)),
    ]))?;

    let mut reader = ReaderSession::new(
        EphemeralKey::from_secret_key(reader_key.clone()),
        &e_device_key,
        &transcript,
    )?;
    let establishment = reader.establishment(&request_1)?;
    let request_2_message = reader.encrypt(&request_2)?;
    let reader_end = reader.terminate()?;
    let (mut device, received) = DeviceSession::establish(
        EphemeralKey::from_secret_key(device_key.clone()),
        &SessionEstablishment::from_slice(&establishment)?,
        &transcript,
    )?;
    if received != request_1 {
        return Err(generator_error("the session does not round-trip"));
    }
    let response_1_message = device.encrypt_response(&response_1)?;
    let response_2_message = device.encrypt_response(&response_2)?;
    let device_end = device.terminate()?;

    let as_device = Side {
        role: SessionRole::Device,
        private_key: &device_key,
        peer: None,
        transcript: &transcript,
    };
    let as_reader = Side {
        role: SessionRole::Reader,
        private_key: &reader_key,
        peer: Some(&e_device_key),
        transcript: &transcript,
    };
    let est = Some(establishment.as_slice());
    let first = (Some(request_1.clone()), None);

    add(
        b,
        "session-device-establishment",
        "The device decrypts the SessionEstablishment: ECDH(EDeviceKey, EReaderKey) gives ZAB; \
         SKReader = HKDF-SHA-256(ZAB, salt SHA-256(SessionTranscriptBytes), \"SKReader\"); \
         AES-256-GCM with IV 00..00 || counter 1. The plaintext is the reader's \
         DeviceRequest.",
        &as_device,
        est,
        &[],
        Ok(vec![first.clone()]),
    )?;
    add(
        b,
        "session-device-second-request-and-termination",
        "After the establishment, a second request (counter 2) and then a SessionData with \
         status 20 (session termination).",
        &as_device,
        est,
        &[&request_2_message, &reader_end],
        Ok(vec![
            first.clone(),
            (Some(request_2.clone()), None),
            (None, Some(20)),
        ]),
    )?;
    add(
        b,
        "session-device-replayed-request",
        "The second request received twice: the replay is decrypted with counter 3 and fails.",
        &as_device,
        est,
        &[&request_2_message, &request_2_message],
        Err("session_decryption_failed"),
    )?;
    add(
        b,
        "session-device-message-after-termination",
        "A request after the reader ended the session (status 20).",
        &as_device,
        est,
        &[&reader_end, &request_2_message],
        Err("session_terminated"),
    )?;
    add(
        b,
        "session-device-wrong-private-key",
        "The device decrypts with another ephemeral key than the one in its engagement: \
         another ZAB, other session keys.",
        &Side {
            private_key: &stranger,
            ..as_device
        },
        est,
        &[],
        Err("session_decryption_failed"),
    )?;
    add(
        b,
        "session-device-establishment-tampered",
        "The establishment's ciphertext with its last bit (of the GCM tag) flipped.",
        &as_device,
        Some(&tampered(&establishment)?),
        &[],
        Err("session_decryption_failed"),
    )?;
    let other_transcript =
        transcript::proximity_for_key(&engagement, &public_key_of(&stranger), Value::Null)?;
    add(
        b,
        "session-device-transcript-of-another-reader-key",
        "The device's SessionTranscript holds another EReaderKey than the SessionEstablishment \
         sends: the caller built the transcript wrong.",
        &Side {
            transcript: &other_transcript,
            ..as_device
        },
        est,
        &[],
        Err("invalid_argument"),
    )?;
    let p384 = SoftwareKey::generate(Algorithm::Es384, &mut b.rng(6004)).public_key();
    let p384_establishment = cbor::encode(&cbor::text_map([
        (
            "eReaderKey",
            cbor::tag24(cbor::encode(&p384.to_cose_key_value()?)?),
        ),
        ("data", Value::Bytes(vec![0; 32])),
    ]))?;
    // The transcript holds the same P-384 key, so the curve is the one
    // defect (with the P-256 transcript the key mismatch would be a second).
    let p384_transcript = transcript::proximity_for_key(&engagement, &p384, Value::Null)?;
    add(
        b,
        "session-device-p384-reader-key",
        "A SessionEstablishment whose eReaderKey is a P-384 COSE_Key (the transcript holds the \
         same key): only P-256 is supported.",
        &Side {
            transcript: &p384_transcript,
            ..as_device
        },
        Some(&p384_establishment),
        &[],
        Err("session_unsupported_curve"),
    )?;
    let mut truncated = establishment.clone();
    truncated.pop();
    add(
        b,
        "session-device-establishment-truncated",
        "The SessionEstablishment cut short by one byte.",
        &as_device,
        Some(&truncated),
        &[],
        Err("cbor_length_exceeds_input"),
    )?;
    let mut with_extra = cbor::decode(&request_2_message)?;
    forge::map_set(&mut with_extra, "extra", Value::from(1))?;
    add(
        b,
        "session-device-unknown-key",
        "A SessionData holding a key besides data and status; nothing outside the ciphertext \
         is authenticated, so unknown keys are refused.",
        &as_device,
        est,
        &[&cbor::encode(&with_extra)?],
        Err("session_malformed"),
    )?;
    add(
        b,
        "session-device-unknown-status",
        "A SessionData with status 99, which ISO/IEC 18013-5 does not define.",
        &as_device,
        est,
        &[&cbor::encode(&cbor::text_map([(
            "status",
            Value::from(99),
        )]))?],
        Err("session_malformed"),
    )?;

    b.derived_all(
        "session-device-second-request-and-termination",
        &[
            (
                "session-device-replayed-request",
                "the second request sent again in place of the termination",
            ),
            (
                "session-device-message-after-termination",
                "the termination sent before the second request",
            ),
        ],
    )?;
    b.derived_all(
        "session-device-establishment",
        &[
            (
                "session-device-wrong-private-key",
                "the device's private key replaced by another P-256 key",
            ),
            (
                "session-device-establishment-tampered",
                "the last bit of the establishment's ciphertext flipped",
            ),
            (
                "session-device-transcript-of-another-reader-key",
                "the transcript built with another EReaderKey",
            ),
            (
                "session-device-p384-reader-key",
                "EReaderKey (in the establishment and the transcript) a P-384 key",
            ),
            (
                "session-device-establishment-truncated",
                "the establishment's last byte removed",
            ),
        ],
    )?;
    b.derived_all(
        "session-device-second-request-and-termination",
        &[
            (
                "session-device-unknown-key",
                "the second request alone, with a member \"extra\" added",
            ),
            (
                "session-device-unknown-status",
                "a SessionData with status 99 alone in place of the messages",
            ),
        ],
    )?;
    add(
        b,
        "session-reader-responses-and-termination",
        "The reader decrypts two responses (SKDevice, IV 00..01 || counter 1, then 2) and the \
         device's status 20.",
        &as_reader,
        None,
        &[&response_1_message, &response_2_message, &device_end],
        Ok(vec![
            (Some(response_1.clone()), None),
            (Some(response_2.clone()), None),
            (None, Some(20)),
        ]),
    )?;
    add(
        b,
        "session-reader-reordered-responses",
        "The second response arrives first: decrypted with counter 1, it fails.",
        &as_reader,
        None,
        &[&response_2_message, &response_1_message],
        Err("session_decryption_failed"),
    )?;
    add(
        b,
        "session-reader-tampered-response",
        "A response whose ciphertext has its last bit flipped.",
        &as_reader,
        None,
        &[&tampered(&response_1_message)?],
        Err("session_decryption_failed"),
    )?;
    b.derived_all(
        "session-reader-responses-and-termination",
        &[
            (
                "session-reader-reordered-responses",
                "the two responses in the opposite order, without the termination",
            ),
            (
                "session-reader-tampered-response",
                "the first response alone, the last bit of its ciphertext flipped",
            ),
        ],
    )?;
    // Every status ends the session (ISO/IEC 18013-5 Table 20), so a
    // status-only message between two data messages ends it there.
    let status_only = cbor::encode(&cbor::text_map([("status", Value::from(10))]))?;
    add(
        b,
        "session-reader-status-between-responses",
        "The first response, then a SessionData holding only status 10, then the second \
         response: the status ends the session, so the second response is refused whatever \
         its counter.",
        &as_reader,
        None,
        &[&response_1_message, &status_only, &response_2_message],
        Err("session_terminated"),
    )?;
    let mut last_words = cbor::decode(&response_1_message)?;
    forge::map_set(&mut last_words, "status", Value::from(20))?;
    add(
        b,
        "session-reader-data-with-termination",
        "One SessionData carrying both the first response and status 20.",
        &as_reader,
        None,
        &[&cbor::encode(&last_words)?],
        Ok(vec![(Some(response_1), Some(20))]),
    )?;
    Ok(())
}
