//! Session encryption (ISO/IEC 18013-5 9.1.1) against the Annex D worked
//! example, generated-key round trips, and every refusal with its code.
//! Needs the shared vectors in `../shared/vectors/external` (CI provides them).

#[path = "common/external.rs"]
mod external;

use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::session::{
    self, DeviceSession, EphemeralKey, ReaderSession, Received, SessionData, SessionEstablishment,
    SessionStatus,
};
use docbridge::{Algorithm, Error, PublicKey, Signer as _, SoftwareKey};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/iso18013-5-annex-d"
);

fn hex_file(relative: &str) -> Vec<u8> {
    let path = format!("{ANNEX_D}/{relative}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("shared vectors required: cannot read {path} ({e}); CI provides ../shared")
    });
    hex::decode(text.trim()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn mp(name: &str) -> Vec<u8> {
    hex_file(&format!("multipaz/{name}.hex"))
}

fn secret(name: &str) -> p256::SecretKey {
    p256::SecretKey::from_slice(&mp(name)).unwrap()
}

/// A fixed key (Annex D, or generated once per test) for one session; the
/// tests build several sessions from one key on purpose, to compare them.
fn one_shot(key: &p256::SecretKey) -> EphemeralKey {
    EphemeralKey::from_secret_key(key.clone())
}

fn fixed_key(rng: &mut ChaCha20Rng) -> p256::SecretKey {
    session::generate_ephemeral_key(rng).secret_key().clone()
}

fn public_from_xy(prefix: &str) -> PublicKey {
    let mut sec1 = vec![0x04];
    sec1.extend(mp(&format!("{prefix}_x")));
    sec1.extend(mp(&format!("{prefix}_y")));
    PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap())
}

fn code<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => {
            assert!(Error::ALL_CODES.contains(&e.code()), "{e}");
            e.code()
        }
    }
}

/// The Annex D keys and transcript.
struct AnnexD {
    device_key: p256::SecretKey,
    reader_key: p256::SecretKey,
    e_device_key: PublicKey,
    transcript: Vec<u8>,
}

fn annex_d() -> AnnexD {
    AnnexD {
        device_key: secret("ephemeral_device_key_d"),
        reader_key: secret("ephemeral_reader_key_d"),
        e_device_key: session::decode_ephemeral_key(&mp("e_device_key_bytes")).unwrap(),
        transcript: mp("session_transcript_bytes"),
    }
}

const ZAB: &str = "6423502f843d8cda01fbd9fa46cb397534a740ab1ec3d1076fbcb12e1dca2589";
const SK_READER: &str = "58d277d8719e62a1561d248f403f477e9e6c37bf5d5fc5126f8f4c727c22dfc9";
const SK_DEVICE: &str = "81d170e07fbdac93c1a676242c2576124a380d87bb73ed9ce4834de2272cf409";
const EMAC_KEY: &str = "dc2b9566fdaaae3c06baa40993cd0451aeba15e7677ef5305f6531f3533c35dd";

// ----- Annex D -----

#[test]
fn annex_d_keys_are_the_published_ones() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    // The coordinate files, the private scalars and EDeviceKeyBytes agree.
    assert_eq!(d.e_device_key, public_from_xy("ephemeral_device_key"));
    assert_eq!(session::public_key_of(&d.device_key), d.e_device_key);
    let e_reader_key = public_from_xy("ephemeral_reader_key");
    assert_eq!(session::public_key_of(&d.reader_key), e_reader_key);

    let zab = session::shared_secret(&d.reader_key, &d.e_device_key).unwrap();
    assert_eq!(hex::encode(*zab), ZAB);
    assert_eq!(
        session::shared_secret(&d.device_key, &e_reader_key).unwrap(),
        zab
    );
    assert_eq!(zab.to_vec(), hex_file("isomdl/shared_secret.hex"));

    for keys in [
        session::derive_session_keys(&d.reader_key, &d.e_device_key, &d.transcript).unwrap(),
        session::derive_session_keys(&d.device_key, &e_reader_key, &d.transcript).unwrap(),
    ] {
        assert_eq!(hex::encode(keys.sk_reader()), SK_READER);
        assert_eq!(hex::encode(keys.sk_device()), SK_DEVICE);
        assert_eq!(
            keys.sk_reader().to_vec(),
            hex_file("isomdl/reader_session_key.hex")
        );
    }
    let reader =
        ReaderSession::new(one_shot(&d.reader_key), &d.e_device_key, &d.transcript).unwrap();
    assert_eq!(hex::encode(reader.sk_reader()), SK_READER);
    assert_eq!(hex::encode(reader.sk_device()), SK_DEVICE);
}

#[test]
fn annex_d_emac_key() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    let static_key = secret("static_device_key_d");
    let e_reader_key = session::public_key_of(&d.reader_key);
    // Holder side: device private key, reader's ephemeral public key.
    let holder = session::derive_emac_key(&static_key, &e_reader_key, &d.transcript).unwrap();
    assert_eq!(hex::encode(*holder), EMAC_KEY);
    // Verifier side: reader's ephemeral private key, MSO device key.
    let device_public = public_from_xy("static_device_key");
    assert_eq!(session::public_key_of(&static_key), device_public);
    let verifier = session::derive_emac_key(&d.reader_key, &device_public, &d.transcript).unwrap();
    assert_eq!(verifier, holder);
}

#[test]
fn annex_d_reader_side() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    let mut reader =
        ReaderSession::new(one_shot(&d.reader_key), &d.e_device_key, &d.transcript).unwrap();
    // Counter 1 from the reader: byte for byte the published establishment.
    let establishment = reader.establishment(&mp("device_request")).unwrap();
    assert_eq!(establishment, mp("session_establishment"));
    assert_eq!(establishment, hex_file("isomdl/session_establishment.hex"));
    // Counter 1 from the device: the published response.
    let received = reader.decrypt_response(&mp("session_data")).unwrap();
    assert_eq!(
        received,
        Received {
            data: Some(mp("device_response")),
            status: None
        }
    );
    let end = reader.decrypt_response(&mp("session_termination")).unwrap();
    assert_eq!(
        end,
        Received {
            data: None,
            status: Some(SessionStatus::Termination)
        }
    );
    assert!(reader.is_terminated());
}

#[test]
fn annex_d_device_side() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    let establishment = SessionEstablishment::from_slice(&mp("session_establishment")).unwrap();
    assert_eq!(
        establishment.e_reader_key(),
        &session::public_key_of(&d.reader_key)
    );
    // The EReaderKeyBytes received are the ones inside the transcript.
    let e_reader_key_bytes = establishment.e_reader_key_bytes().unwrap();
    assert!(
        d.transcript
            .windows(e_reader_key_bytes.len())
            .any(|w| w == e_reader_key_bytes)
    );
    assert_eq!(establishment.to_vec().unwrap(), mp("session_establishment"));
    // The crate's own encoding of both ephemeral keys is Annex D's.
    assert_eq!(
        session::encode_ephemeral_key(establishment.e_reader_key()).unwrap(),
        e_reader_key_bytes
    );
    assert_eq!(
        session::encode_ephemeral_key(&d.e_device_key).unwrap(),
        mp("e_device_key_bytes")
    );

    let (mut device, request) =
        DeviceSession::establish(one_shot(&d.device_key), &establishment, &d.transcript).unwrap();
    assert_eq!(request, mp("device_request"));
    assert_eq!(hex::encode(device.sk_reader()), SK_READER);
    assert_eq!(hex::encode(device.sk_device()), SK_DEVICE);
    // Counter 1 from the device: byte for byte the published SessionData.
    let response = device.encrypt_response(&mp("device_response")).unwrap();
    assert_eq!(response, mp("session_data"));
    assert_eq!(device.terminate().unwrap(), mp("session_termination"));
    assert!(device.is_terminated());
    assert_eq!(code(device.encrypt_response(b"late")), "session_terminated");
}

#[test]
fn annex_d_session_messages_decode() {
    if !external::available(ANNEX_D) {
        return;
    }
    let data = SessionData::from_slice(&mp("session_data")).unwrap();
    assert_eq!(data.status(), None);
    assert_eq!(
        data.data().map(<[u8]>::len),
        Some(mp("device_response").len() + 16)
    );
    let end = SessionData::from_slice(&mp("session_termination")).unwrap();
    assert_eq!(end, SessionData::with_status(SessionStatus::Termination));
    assert_eq!(end.data(), None);
}

#[test]
fn annex_d_every_flipped_byte_is_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    // No flipped byte anywhere in the establishment or the response gets
    // through, and each refusal is a code of the crate, never a panic.
    let d = annex_d();
    let establishment = mp("session_establishment");
    for i in 0..establishment.len() {
        let mut bytes = establishment.clone();
        bytes[i] ^= 0x01;
        let outcome = SessionEstablishment::from_slice(&bytes)
            .and_then(|e| DeviceSession::establish(one_shot(&d.device_key), &e, &d.transcript));
        code(outcome.map(|(_, request)| request));
    }
    let response = mp("session_data");
    for i in (0..response.len()).step_by(7) {
        let mut bytes = response.clone();
        bytes[i] ^= 0x80;
        let mut reader =
            ReaderSession::new(one_shot(&d.reader_key), &d.e_device_key, &d.transcript).unwrap();
        code(reader.decrypt_response(&bytes));
    }
}

// ----- Generated keys -----

/// SessionTranscriptBytes around EReaderKeyBytes (engagement and handover
/// are not needed for session encryption itself).
fn transcript(e_reader_key_bytes: &[u8], handover: &str) -> Vec<u8> {
    let items = Value::Array(vec![
        cbor::tag24(cbor::encode(&Value::Map(vec![])).unwrap()),
        cbor::decode(e_reader_key_bytes).unwrap(),
        Value::Text(handover.into()),
    ]);
    cbor::encode(&cbor::tag24(cbor::encode(&items).unwrap())).unwrap()
}

struct Pair {
    reader: ReaderSession,
    device: DeviceSession,
}

/// A reader and a device that have exchanged the SessionEstablishment.
fn pair(seed: u64) -> Pair {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let device_key = fixed_key(&mut rng);
    let reader_key = fixed_key(&mut rng);
    let e_reader_key_bytes =
        session::encode_ephemeral_key(&session::public_key_of(&reader_key)).unwrap();
    let t = transcript(&e_reader_key_bytes, "qr");
    let mut reader = ReaderSession::new(
        one_shot(&reader_key),
        &session::public_key_of(&device_key),
        &t,
    )
    .unwrap();
    let establishment = reader.establishment(b"request 1").unwrap();
    let received = SessionEstablishment::from_slice(&establishment).unwrap();
    let device_t = transcript(&received.e_reader_key_bytes().unwrap(), "qr");
    let (device, request) =
        DeviceSession::establish(one_shot(&device_key), &received, &device_t).unwrap();
    assert_eq!(request, b"request 1");
    Pair { reader, device }
}

fn data(plaintext: &[u8]) -> Received {
    Received {
        data: Some(plaintext.to_vec()),
        status: None,
    }
}

#[test]
fn generated_keys_round_trip_in_both_directions() {
    for seed in 0..4 {
        let Pair {
            mut reader,
            mut device,
        } = pair(seed);
        assert_eq!(reader.keys().sk_reader(), device.keys().sk_reader());
        assert_eq!(reader.keys().sk_device(), device.keys().sk_device());
        for i in 0..5u8 {
            let response = vec![i; 100 * usize::from(i)];
            let sealed = device.encrypt_response(&response).unwrap();
            assert_eq!(reader.decrypt_response(&sealed).unwrap(), data(&response));
            let request = [b'q', i];
            let sealed = reader.encrypt(&request).unwrap();
            assert_eq!(device.decrypt_request(&sealed).unwrap(), data(&request));
        }
        // An empty plaintext is still a message with its own counter.
        let sealed = device.encrypt_response(b"").unwrap();
        assert_eq!(reader.decrypt_response(&sealed).unwrap(), data(b""));
        let end = reader.terminate().unwrap();
        assert_eq!(
            device.decrypt_request(&end).unwrap().status,
            Some(SessionStatus::Termination)
        );
    }
}

#[test]
fn different_sessions_have_different_keys() {
    let a = pair(10);
    let b = pair(11);
    assert_ne!(a.reader.keys().sk_reader(), b.reader.keys().sk_reader());
    assert_ne!(a.reader.sk_reader(), a.reader.sk_device());
}

#[test]
fn same_plaintext_encrypts_differently_per_counter() {
    let Pair { mut device, .. } = pair(12);
    let one = device.encrypt_response(b"same").unwrap();
    let two = device.encrypt_response(b"same").unwrap();
    assert_ne!(one, two);
}

// ----- Refusals -----

#[test]
fn wrong_device_key_is_refused() {
    let mut rng = ChaCha20Rng::seed_from_u64(20);
    let device_key = fixed_key(&mut rng);
    let wrong_key = fixed_key(&mut rng);
    let reader_key = fixed_key(&mut rng);
    let bytes = session::encode_ephemeral_key(&session::public_key_of(&reader_key)).unwrap();
    let t = transcript(&bytes, "qr");
    let mut reader = ReaderSession::new(
        one_shot(&reader_key),
        &session::public_key_of(&device_key),
        &t,
    )
    .unwrap();
    let establishment =
        SessionEstablishment::from_slice(&reader.establishment(b"r").unwrap()).unwrap();
    assert_eq!(
        code(DeviceSession::establish(one_shot(&wrong_key), &establishment, &t).map(|(_, r)| r)),
        "session_decryption_failed"
    );
    // A different transcript (other handover) gives other keys too.
    let other = transcript(&bytes, "nfc");
    assert_eq!(
        code(
            DeviceSession::establish(one_shot(&device_key), &establishment, &other).map(|(_, r)| r)
        ),
        "session_decryption_failed"
    );
}

#[test]
fn wrong_reader_key_is_refused_by_the_reader() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    // A reader that believes in another EDeviceKey cannot read the response.
    let mut rng = ChaCha20Rng::seed_from_u64(21);
    let stranger = session::public_key_of(&fixed_key(&mut rng));
    let mut reader = ReaderSession::new(one_shot(&d.reader_key), &stranger, &d.transcript).unwrap();
    assert_eq!(
        code(reader.decrypt_response(&mp("session_data"))),
        "session_decryption_failed"
    );
    assert!(reader.is_terminated());
}

#[test]
fn replayed_messages_are_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    let Pair {
        mut reader,
        mut device,
    } = pair(30);
    let response = device.encrypt_response(b"response").unwrap();
    assert_eq!(
        reader.decrypt_response(&response).unwrap(),
        data(b"response")
    );
    assert_eq!(
        code(reader.decrypt_response(&response)),
        "session_decryption_failed"
    );

    let Pair {
        mut reader,
        mut device,
    } = pair(31);
    let request = reader.encrypt(b"request 2").unwrap();
    assert_eq!(
        device.decrypt_request(&request).unwrap(),
        data(b"request 2")
    );
    assert_eq!(
        code(device.decrypt_request(&request)),
        "session_decryption_failed"
    );

    // The establishment's data (reader counter 1) replayed as SessionData.
    let d = annex_d();
    let establishment = SessionEstablishment::from_slice(&mp("session_establishment")).unwrap();
    let (mut device, _) =
        DeviceSession::establish(one_shot(&d.device_key), &establishment, &d.transcript).unwrap();
    let replay = SessionData::with_data(establishment.data().to_vec())
        .to_vec()
        .unwrap();
    assert_eq!(
        code(device.decrypt_request(&replay)),
        "session_decryption_failed"
    );
}

#[test]
fn reordered_messages_are_refused() {
    let Pair {
        mut reader,
        mut device,
    } = pair(40);
    let second = device.encrypt_response(b"second").unwrap();
    let third = device.encrypt_response(b"third").unwrap();
    assert_eq!(
        code(reader.decrypt_response(&third)),
        "session_decryption_failed"
    );
    // The refusal ended the session: even the right message is not read now.
    assert_eq!(code(reader.decrypt_response(&second)), "session_terminated");

    let Pair {
        mut reader,
        mut device,
    } = pair(41);
    let two = reader.encrypt(b"two").unwrap();
    let three = reader.encrypt(b"three").unwrap();
    assert_eq!(
        code(device.decrypt_request(&three)),
        "session_decryption_failed"
    );
    assert_eq!(code(device.decrypt_request(&two)), "session_terminated");
}

#[test]
fn a_message_from_the_wrong_direction_is_refused() {
    // A reader's own message reflected back to it uses the reader's IV and
    // key, not the device's.
    let Pair { mut reader, .. } = pair(42);
    let own = reader.encrypt(b"mine").unwrap();
    assert_eq!(
        code(reader.decrypt_response(&own)),
        "session_decryption_failed"
    );
}

#[test]
fn tampered_ciphertext_is_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    let response = mp("session_data");
    let message = SessionData::from_slice(&response).unwrap();
    let ciphertext = message.data().unwrap().to_vec();
    let d = annex_d();
    let last = ciphertext.len() - 1;
    let tampered_at = |i: usize| {
        let mut c = ciphertext.clone();
        c[i] ^= 0x01;
        c
    };
    for tampered in [
        tampered_at(0),              // first ciphertext byte
        tampered_at(last - 16),      // last ciphertext byte
        tampered_at(last),           // tag
        ciphertext[..last].to_vec(), // truncated tag
        ciphertext[..10].to_vec(),   // shorter than a tag
        Vec::new(),
    ] {
        let bytes = SessionData::with_data(tampered).to_vec().unwrap();
        let mut reader =
            ReaderSession::new(one_shot(&d.reader_key), &d.e_device_key, &d.transcript).unwrap();
        assert_eq!(
            code(reader.decrypt_response(&bytes)),
            "session_decryption_failed"
        );
    }
    // Tampered establishment data.
    let mut establishment = mp("session_establishment");
    let n = establishment.len();
    establishment[n - 1] ^= 0x01;
    let establishment = SessionEstablishment::from_slice(&establishment).unwrap();
    assert_eq!(
        code(
            DeviceSession::establish(one_shot(&d.device_key), &establishment, &d.transcript)
                .map(|(_, r)| r)
        ),
        "session_decryption_failed"
    );
}

fn text_map(entries: Vec<(&str, Value)>) -> Vec<u8> {
    cbor::encode(&cbor::text_map(entries)).unwrap()
}

#[test]
fn malformed_session_data_is_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (text_map(vec![]), "session_malformed"),
        (
            text_map(vec![("data", Value::Text("x".into()))]),
            "session_malformed",
        ),
        (
            text_map(vec![("status", Value::Text("20".into()))]),
            "session_malformed",
        ),
        (
            text_map(vec![("status", Value::from(0))]),
            "session_malformed",
        ),
        (
            text_map(vec![("status", Value::from(-20))]),
            "session_malformed",
        ),
        (
            text_map(vec![
                ("data", Value::Bytes(vec![0; 20])),
                ("extra", Value::Null),
            ]),
            "session_malformed",
        ),
        (
            cbor::encode(&Value::Array(vec![Value::Bytes(vec![])])).unwrap(),
            "session_malformed",
        ),
        (vec![0xa1, 0x64, b'd', b'a'], "cbor_length_exceeds_input"),
        (vec![0xbf, 0xff], "cbor_indefinite_length"),
        (
            [mp("session_termination"), vec![0x00]].concat(),
            "cbor_trailing_bytes",
        ),
        (
            vec![
                0xa2, 0x64, b'd', b'a', b't', b'a', 0x40, 0x64, b'd', b'a', b't', b'a', 0x40,
            ],
            "cbor_duplicate_key",
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(
            code(SessionData::from_slice(&bytes)),
            expected,
            "{bytes:02x?}"
        );
        let Pair { mut reader, .. } = pair(50);
        assert_eq!(code(reader.decrypt_response(&bytes)), expected);
        // A refused message ends the session.
        assert!(reader.is_terminated());
    }
}

#[test]
fn malformed_session_establishment_is_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    let est = SessionEstablishment::from_slice(&mp("session_establishment")).unwrap();
    let key = cbor::decode(&est.e_reader_key_bytes().unwrap()).unwrap();
    let data = Value::Bytes(est.data().to_vec());
    let mut rng = ChaCha20Rng::seed_from_u64(60);
    let p384 = SoftwareKey::generate(Algorithm::Es384, &mut rng).public_key();
    let p384_bytes = cbor::tag24(cbor::encode(&p384.to_cose_key_value().unwrap()).unwrap());
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (text_map(vec![("data", data.clone())]), "session_malformed"),
        (
            text_map(vec![("eReaderKey", key.clone())]),
            "session_malformed",
        ),
        (
            text_map(vec![
                ("eReaderKey", key.clone()),
                ("data", Value::Text("x".into())),
            ]),
            "session_malformed",
        ),
        (
            text_map(vec![
                ("eReaderKey", key.clone()),
                ("data", data.clone()),
                ("status", Value::from(20)),
            ]),
            "session_malformed",
        ),
        (
            text_map(vec![
                (
                    "eReaderKey",
                    Value::Bytes(est.e_reader_key_cose_bytes().to_vec()),
                ),
                ("data", data.clone()),
            ]),
            "cbor_not_tag24",
        ),
        (
            text_map(vec![
                ("eReaderKey", cbor::tag24(vec![0xa0])),
                ("data", data.clone()),
            ]),
            "invalid_key",
        ),
        (
            text_map(vec![("eReaderKey", p384_bytes), ("data", data.clone())]),
            "session_unsupported_curve",
        ),
        (vec![0x80], "session_malformed"),
    ];
    for (bytes, expected) in cases {
        assert_eq!(code(SessionEstablishment::from_slice(&bytes)), expected);
    }
    // A transcript whose EReaderKeyBytes differ from the establishment's is
    // a caller error, caught before any key is derived.
    let mut rng = ChaCha20Rng::seed_from_u64(61);
    let other = session::public_key_of(&fixed_key(&mut rng));
    let other_t = transcript(&session::encode_ephemeral_key(&other).unwrap(), "qr");
    assert_eq!(
        code(DeviceSession::establish(one_shot(&d.device_key), &est, &other_t).map(|(_, r)| r)),
        "invalid_argument"
    );
    assert_eq!(
        code(
            DeviceSession::establish(one_shot(&d.device_key), &est, b"not a transcript")
                .map(|(_, r)| r)
        ),
        "invalid_argument"
    );
}

#[test]
fn status_termination_ends_the_session() {
    if !external::available(ANNEX_D) {
        return;
    }
    // Device ends with status 20 alone.
    let Pair {
        mut reader,
        mut device,
    } = pair(70);
    let end = device.terminate().unwrap();
    assert_eq!(end, mp("session_termination"));
    assert_eq!(
        reader.decrypt_response(&end).unwrap(),
        Received {
            data: None,
            status: Some(SessionStatus::Termination)
        }
    );
    assert!(reader.is_terminated());
    assert_eq!(code(reader.encrypt(b"more")), "session_terminated");
    assert_eq!(code(reader.decrypt_response(&end)), "session_terminated");
    assert_eq!(code(reader.terminate()), "session_terminated");
    assert_eq!(code(device.encrypt_response(b"more")), "session_terminated");
    assert_eq!(code(device.terminate()), "session_terminated");

    // Reader ends; the device sees the status and stops.
    let Pair {
        mut reader,
        mut device,
    } = pair(71);
    let end = reader.terminate().unwrap();
    assert_eq!(
        device.decrypt_request(&end).unwrap().status,
        Some(SessionStatus::Termination)
    );
    assert_eq!(code(device.encrypt_response(b"late")), "session_terminated");

    // The last response may carry data together with status 20.
    let Pair {
        mut reader,
        mut device,
    } = pair(72);
    let last = device.encrypt_response(b"last").unwrap();
    let last = SessionData::from_slice(&last).unwrap();
    let with_status = text_map(vec![
        ("data", Value::Bytes(last.data().unwrap().to_vec())),
        ("status", Value::from(20)),
    ]);
    assert_eq!(
        reader.decrypt_response(&with_status).unwrap(),
        Received {
            data: Some(b"last".to_vec()),
            status: Some(SessionStatus::Termination)
        }
    );
    assert!(reader.is_terminated());
}

#[test]
fn error_statuses_end_the_session_and_map_from_errors() {
    let Pair {
        mut reader,
        mut device,
    } = pair(80);
    // The device refuses a forged request and answers with status 10.
    let forged = SessionData::with_data(vec![0; 32]).to_vec().unwrap();
    let error = device.decrypt_request(&forged).unwrap_err();
    let status = SessionStatus::for_error(&error).unwrap();
    assert_eq!(status, SessionStatus::DecryptionError);
    let reply = SessionData::with_status(status).to_vec().unwrap();
    assert_eq!(
        reader.decrypt_response(&reply).unwrap().status,
        Some(SessionStatus::DecryptionError)
    );
    assert_eq!(code(reader.encrypt(b"retry")), "session_terminated");
    assert_eq!(
        SessionStatus::for_error(&SessionData::from_slice(&[0xa0]).unwrap_err()),
        Some(SessionStatus::CborError)
    );
    assert_eq!(SessionStatus::CborError.code(), 11);
}

#[test]
fn the_reader_sends_one_establishment_first() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    let mut reader =
        ReaderSession::new(one_shot(&d.reader_key), &d.e_device_key, &d.transcript).unwrap();
    assert_eq!(code(reader.encrypt(b"too early")), "invalid_argument");
    reader.establishment(b"first").unwrap();
    assert_eq!(code(reader.establishment(b"again")), "invalid_argument");
    // The transcript must name this reader's key.
    let mut rng = ChaCha20Rng::seed_from_u64(90);
    let other = fixed_key(&mut rng);
    assert_eq!(
        code(ReaderSession::new(
            one_shot(&other),
            &d.e_device_key,
            &d.transcript
        )),
        "invalid_argument"
    );
}

#[test]
fn other_curves_are_refused() {
    if !external::available(ANNEX_D) {
        return;
    }
    let d = annex_d();
    let mut rng = ChaCha20Rng::seed_from_u64(100);
    for alg in [Algorithm::Es384, Algorithm::EdDsa] {
        let key = SoftwareKey::generate(alg, &mut rng).public_key();
        assert_eq!(
            code(session::derive_emac_key(&d.reader_key, &key, &d.transcript)),
            "session_unsupported_curve"
        );
        assert_eq!(
            code(ReaderSession::new(
                one_shot(&d.reader_key),
                &key,
                &d.transcript
            )),
            "session_unsupported_curve"
        );
        assert_eq!(
            code(session::encode_ephemeral_key(&key)),
            "session_unsupported_curve"
        );
    }
}

#[test]
fn a_second_session_establishment_is_refused_and_ends_the_device_session() {
    let mut rng = ChaCha20Rng::seed_from_u64(40);
    let device_key = session::generate_ephemeral_key(&mut rng);
    let reader_key = session::generate_ephemeral_key(&mut rng);
    let bytes = session::encode_ephemeral_key(&reader_key.public_key()).unwrap();
    let t = transcript(&bytes, "qr");
    let mut reader = ReaderSession::new(reader_key, &device_key.public_key(), &t).unwrap();
    let establishment = reader.establishment(b"request 1").unwrap();
    let second = reader.encrypt(b"request 2").unwrap();
    let (mut device, request) = DeviceSession::establish(
        device_key,
        &SessionEstablishment::from_slice(&establishment).unwrap(),
        &t,
    )
    .unwrap();
    assert_eq!(request, b"request 1");
    // The same SessionEstablishment replayed into the running session.
    assert_eq!(
        code(device.decrypt_request(&establishment)),
        "session_malformed"
    );
    assert!(device.is_terminated());
    assert_eq!(code(device.decrypt_request(&second)), "session_terminated");
    assert_eq!(
        code(device.encrypt_response(b"response")),
        "session_terminated"
    );
}
