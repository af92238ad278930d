//! ISO/IEC 18013-5 session encryption on arbitrary bytes, both sides: the
//! device reading a SessionEstablishment and SessionData, the reader reading
//! SessionData. Asserts that nothing a side did not encrypt itself decrypts
//! under the other's keys as anything but what was sent, and that a refused
//! message ends the session.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::session::{self, DeviceSession, EphemeralKey, ReaderSession, SessionEstablishment};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;

fn transcript(e_reader_key_bytes: &[u8]) -> Vec<u8> {
    let items = Value::Array(vec![
        cbor::tag24(cbor::encode(&Value::Map(vec![])).expect("engagement")),
        cbor::decode(e_reader_key_bytes).expect("reader key"),
        Value::Text("qr".into()),
    ]);
    cbor::encode(&cbor::tag24(cbor::encode(&items).expect("items"))).expect("transcript")
}

/// A reader and a device that have exchanged the SessionEstablishment.
/// Also a fresh device key for the arbitrary SessionEstablishment: a key
/// builds one session only (`EphemeralKey` is consumed).
fn pair() -> (ReaderSession, DeviceSession, EphemeralKey, Vec<u8>) {
    let mut rng = <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::seed_from_u64(7);
    let device_key = EphemeralKey::generate(&mut rng);
    let reader_key = EphemeralKey::generate(&mut rng);
    let spare_device_key = EphemeralKey::generate(&mut rng);
    let e_reader_key_bytes =
        session::encode_ephemeral_key(&reader_key.public_key()).expect("key bytes");
    let t = transcript(&e_reader_key_bytes);
    let mut reader =
        ReaderSession::new(reader_key, &device_key.public_key(), &t).expect("reader session");
    let establishment = reader.establishment(b"request").expect("establishment");
    let received = SessionEstablishment::from_slice(&establishment).expect("parse");
    let (device, _) = DeviceSession::establish(device_key, &received, &t).expect("device");
    (reader, device, spare_device_key, t)
}

fuzz_target!(|data: &[u8]| {
    let (mut reader, mut device, device_key, t) = pair();

    // The device's first message: an arbitrary SessionEstablishment.
    if let Ok(establishment) = SessionEstablishment::from_slice(data) {
        let _ = DeviceSession::establish(device_key, &establishment, &t);
    }

    // Arbitrary SessionData on each side: refused, or it was an encryption
    // by the other side (it cannot be: the fuzzer does not hold the keys).
    match device.decrypt_request(data) {
        Ok(received) => assert!(received.data.is_none(), "decrypted forged request"),
        Err(_) => assert!(
            device.is_terminated(),
            "a refused request must end the session"
        ),
    }
    match reader.decrypt_response(data) {
        Ok(received) => assert!(received.data.is_none(), "decrypted forged response"),
        Err(_) => assert!(
            reader.is_terminated(),
            "a refused response must end the session"
        ),
    }

    // What one side encrypts, the other decrypts to exactly those bytes.
    let (mut reader, mut device, _, _) = pair();
    let sealed = reader.encrypt(data).expect("encrypt");
    let opened = device.decrypt_request(&sealed).expect("decrypt");
    assert_eq!(opened.data.as_deref(), Some(data));
    let sealed = device.encrypt_response(data).expect("encrypt");
    let opened = reader.decrypt_response(&sealed).expect("decrypt");
    assert_eq!(opened.data.as_deref(), Some(data));
});
