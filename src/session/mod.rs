//! Session encryption for proximity presentation (ISO/IEC 18013-5:2021
//! section 9.1.1).
//!
//! ```text
//! reader                                             device (holder's phone)
//! ------                                             -----------------------
//!                      DeviceEngagement (EDeviceKey)
//!            <----------------------------------------
//! EReaderKey, SessionTranscript
//! ReaderSession::new
//! establishment(DeviceRequest)
//!            --- SessionEstablishment {eReaderKey, data} -->
//!                                                    SessionEstablishment::from_slice
//!                                                    SessionTranscript, DeviceSession::establish
//!            <-- SessionData {data} ------------------ encrypt_response(DeviceResponse)
//! decrypt_response
//!            <-- SessionData {status: 20} ------------ terminate
//! ```
//!
//! | step | how |
//! |---|---|
//! | key agreement | ECDH on P-256 between EReaderKey and EDeviceKey: ZAB, the shared x-coordinate ([`shared_secret`]) |
//! | session keys | SKReader / SKDevice = HKDF-SHA-256(ZAB, salt SHA-256(SessionTranscriptBytes), info "SKReader" / "SKDevice", 32 bytes) ([`derive_session_keys`]) |
//! | device MAC key | EMacKey, the same from ECDH(device key, EReaderKey) and info "EMacKey" ([`derive_emac_key`]) |
//! | encryption | AES-256-GCM, no AAD, IV = 8-byte sender identifier (reader all zero, device `..01`) \|\| 4-byte big-endian counter |
//! | counters | one per direction, 1 for the first message, one up per message, never wrapping |
//!
//! The counter is not on the wire: each side decrypts with the counter it
//! expects, so a replayed, dropped or reordered message fails to decrypt
//! (`session_decryption_failed`) exactly like a forged or tampered one.
//!
//! A session that refuses an incoming message, receives a status, or sends
//! one, is over: every later call is `session_terminated`. This is what
//! ISO/IEC 18013-5 Table 20 asks for (each status ends the session), and it
//! leaves an attacker no second try against the same keys. After a refusal,
//! [`SessionStatus::for_error`] tells which status to send back.
//!
//! Only P-256 is supported for the ephemeral keys (the curve every
//! implementation supports); other curves get `session_unsupported_curve`.
//!
//! # Example
//!
//! ```
//! use docbridge::cbor;
//! use docbridge::deps::ciborium::value::Value;
//! use docbridge::session::{
//!     self, DeviceSession, EphemeralKey, ReaderSession, SessionEstablishment, SessionStatus,
//! };
//!
//! # fn main() -> Result<(), docbridge::Error> {
//! let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
//! let device_key = EphemeralKey::generate(&mut rng);
//! let reader_key = EphemeralKey::generate(&mut rng);
//! let e_device_key = device_key.public_key();
//!
//! // Both sides build the same SessionTranscript around EReaderKeyBytes
//! // (DeviceEngagementBytes and Handover are left out here).
//! let transcript = |e_reader_key_bytes: &[u8]| -> Result<Vec<u8>, docbridge::Error> {
//!     let items = Value::Array(vec![Value::Null, cbor::decode(e_reader_key_bytes)?, Value::Null]);
//!     cbor::encode(&cbor::tag24(cbor::encode(&items)?))
//! };
//!
//! // Reader: derive the keys, send the first request.
//! let e_reader_key_bytes = session::encode_ephemeral_key(&reader_key.public_key())?;
//! // The key is consumed: it builds this session and no other.
//! let mut reader = ReaderSession::new(reader_key, &e_device_key, &transcript(&e_reader_key_bytes)?)?;
//! let establishment = reader.establishment(b"DeviceRequest")?;
//!
//! // Device: read the reader's key, derive the keys, decrypt the request.
//! let received = SessionEstablishment::from_slice(&establishment)?;
//! let device_transcript = transcript(&received.e_reader_key_bytes()?)?;
//! let (mut device, request) = DeviceSession::establish(device_key, &received, &device_transcript)?;
//! assert_eq!(request, b"DeviceRequest");
//!
//! // Device answers and ends the session; the reader reads both.
//! let response = device.encrypt_response(b"DeviceResponse")?;
//! assert_eq!(reader.decrypt_response(&response)?.data.as_deref(), Some(&b"DeviceResponse"[..]));
//! let end = device.terminate()?;
//! assert_eq!(reader.decrypt_response(&end)?.status, Some(SessionStatus::Termination));
//! assert_eq!(reader.encrypt(b"more").map_err(|e| e.code()), Err("session_terminated"));
//! # Ok(())
//! # }
//! ```

mod cipher;
mod keys;
mod messages;

pub use keys::{
    EphemeralKey, INFO_EMAC_KEY, INFO_SK_DEVICE, INFO_SK_READER, SessionKeys, decode_ephemeral_key,
    derive_emac_key, derive_session_keys, encode_ephemeral_key, generate_ephemeral_key,
    public_key_of, shared_secret,
};
pub use messages::{Received, SessionData, SessionEstablishment, SessionStatus};

use crate::cose::PublicKey;
use crate::error::{Error, Result};

use cipher::{Counter, Sender};
use keys::read_cose_key;
use messages::transcript_e_reader_key;

/// The state both sides share: keys, own role, the two counters, and
/// whether the session is over.
#[derive(Debug)]
struct Channel {
    keys: SessionKeys,
    own: Sender,
    send: Counter,
    receive: Counter,
    terminated: bool,
}

impl Channel {
    fn new(keys: SessionKeys, own: Sender) -> Channel {
        Channel {
            keys,
            own,
            send: Counter::FIRST,
            receive: Counter::FIRST,
            terminated: false,
        }
    }

    fn peer(&self) -> Sender {
        match self.own {
            Sender::Reader => Sender::Device,
            Sender::Device => Sender::Reader,
        }
    }

    fn ensure_open(&self) -> Result<()> {
        if self.terminated {
            return Err(Error::SessionTerminated("the session has ended".into()));
        }
        Ok(())
    }

    /// Ends the session when `result` is a refusal, then passes it on.
    fn end_on_error<T>(&mut self, result: Result<T>) -> Result<T> {
        if result.is_err() {
            self.terminated = true;
        }
        result
    }

    /// Encrypts the next outgoing message under the next send counter. The
    /// counter moves on even if the caller then drops the message: an IV is
    /// never used twice.
    fn seal_next(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.ensure_open()?;
        let counter = self.send.current()?;
        self.send.advance();
        cipher::seal(&self.keys, self.own, counter, plaintext)
    }

    /// Decrypts the next incoming ciphertext under the expected counter; the
    /// counter moves on only if it authenticates.
    fn open_next(&mut self, ciphertext: &[u8]) -> Result<Vec<u8>> {
        self.ensure_open()?;
        let result = self
            .receive
            .current()
            .and_then(|counter| cipher::open(&self.keys, self.peer(), counter, ciphertext));
        let plaintext = self.end_on_error(result)?;
        self.receive.advance();
        Ok(plaintext)
    }

    /// Reads an incoming SessionData message.
    fn receive_session_data(&mut self, bytes: &[u8]) -> Result<Received> {
        self.ensure_open()?;
        let message = SessionData::from_slice(bytes);
        let message = self.end_on_error(message)?;
        let data = match message.data() {
            Some(ciphertext) => Some(self.open_next(ciphertext)?),
            None => None,
        };
        let status = message.status();
        if status.is_some() {
            // Every status ends the session (ISO/IEC 18013-5 Table 20).
            self.terminated = true;
        }
        Ok(Received { data, status })
    }

    fn send_data(&mut self, plaintext: &[u8]) -> Result<Vec<u8>> {
        SessionData::with_data(self.seal_next(plaintext)?).to_vec()
    }

    fn terminate(&mut self) -> Result<Vec<u8>> {
        self.ensure_open()?;
        self.terminated = true;
        SessionData::with_status(SessionStatus::Termination).to_vec()
    }
}

/// The reader's side of a session: encrypts requests, decrypts responses.
#[derive(Debug)]
pub struct ReaderSession {
    channel: Channel,
    /// Kept for the deviceMac check, the key's one use beside the session.
    e_reader_key: EphemeralKey,
    /// The COSE_Key bytes of EReaderKeyBytes as they stand in the transcript,
    /// so the key sent is byte for byte the key hashed into the salt.
    e_reader_key_cose: Vec<u8>,
    established: bool,
}

impl ReaderSession {
    /// Starts a session from the reader's ephemeral private key, the device's
    /// ephemeral public key (EDeviceKey, from the DeviceEngagement) and the
    /// SessionTranscriptBytes. The key is consumed: one key, one session
    /// (see [`EphemeralKey`]).
    ///
    /// The transcript's EReaderKeyBytes must be the public half of
    /// `e_reader_key` (`invalid_argument` otherwise); those bytes are what
    /// [`ReaderSession::establishment`] sends.
    pub fn new(
        e_reader_key: EphemeralKey,
        e_device_key: &PublicKey,
        session_transcript_bytes: &[u8],
    ) -> Result<ReaderSession> {
        let e_reader_key_cose = transcript_e_reader_key(session_transcript_bytes)?;
        let in_transcript = read_cose_key(&e_reader_key_cose).map_err(|e| {
            Error::InvalidArgument(format!("EReaderKeyBytes in the SessionTranscript: {e}"))
        })?;
        let own = e_reader_key.public_key();
        if in_transcript != own {
            return Err(Error::InvalidArgument(
                "the SessionTranscript's EReaderKeyBytes is not the reader's key".into(),
            ));
        }
        let keys = derive_session_keys(
            e_reader_key.secret_key(),
            e_device_key,
            session_transcript_bytes,
        )?;
        Ok(ReaderSession {
            channel: Channel::new(keys, Sender::Reader),
            e_reader_key,
            e_reader_key_cose,
            established: false,
        })
    }

    /// The session keys.
    pub fn keys(&self) -> &SessionKeys {
        &self.channel.keys
    }

    /// SKReader, the key of messages from the reader.
    pub fn sk_reader(&self) -> &[u8; 32] {
        self.channel.keys.sk_reader()
    }

    /// SKDevice, the key of messages from the device.
    pub fn sk_device(&self) -> &[u8; 32] {
        self.channel.keys.sk_device()
    }

    /// The reader's ephemeral key, for checking a deviceMac in the
    /// response (see [`derive_emac_key`]).
    pub fn e_reader_key(&self) -> &EphemeralKey {
        &self.e_reader_key
    }

    /// Whether the session has ended (a status was sent or received, or a
    /// message was refused).
    pub fn is_terminated(&self) -> bool {
        self.channel.terminated
    }

    /// Encrypts the first request (a DeviceRequest) and returns the encoded
    /// SessionEstablishment. Only once per session (`invalid_argument` after).
    pub fn establishment(&mut self, request: &[u8]) -> Result<Vec<u8>> {
        if self.established {
            return Err(Error::InvalidArgument(
                "the SessionEstablishment was already sent; use encrypt".into(),
            ));
        }
        let data = self.channel.seal_next(request)?;
        self.established = true;
        SessionEstablishment::new(
            self.e_reader_key_cose.clone(),
            self.e_reader_key.public_key(),
            data,
        )
        .to_vec()
    }

    /// Encrypts a further request as SessionData; the SessionEstablishment
    /// must have been sent first (`invalid_argument` otherwise).
    pub fn encrypt(&mut self, request: &[u8]) -> Result<Vec<u8>> {
        if !self.established {
            return Err(Error::InvalidArgument(
                "send the SessionEstablishment first".into(),
            ));
        }
        self.channel.send_data(request)
    }

    /// Reads a SessionData message from the device: decrypts its data under
    /// the next expected counter and reports its status. A refused message
    /// (`session_decryption_failed`, `session_malformed`, `cbor_*`) or any
    /// status ends the session.
    pub fn decrypt_response(&mut self, session_data: &[u8]) -> Result<Received> {
        self.channel.receive_session_data(session_data)
    }

    /// Ends the session: returns the SessionData with status 20 to send.
    pub fn terminate(&mut self) -> Result<Vec<u8>> {
        self.channel.terminate()
    }
}

/// The device's (holder's) side of a session: decrypts requests, encrypts
/// responses.
#[derive(Debug)]
pub struct DeviceSession {
    channel: Channel,
}

impl DeviceSession {
    /// Starts a session from the device's ephemeral private key (EDeviceKey),
    /// the received SessionEstablishment and the SessionTranscriptBytes, and
    /// decrypts the first request it carries (counter 1). The key is
    /// consumed: one key, one session (see [`EphemeralKey`]); after any
    /// failure here the device needs a new engagement with a new key.
    ///
    /// The transcript's EReaderKeyBytes must hold the same COSE_Key bytes as
    /// the SessionEstablishment (`invalid_argument` otherwise). If the
    /// request does not decrypt (`session_decryption_failed`) no session is
    /// made; answer with [`SessionData::with_status`] and
    /// [`SessionStatus::DecryptionError`].
    pub fn establish(
        e_device_key: EphemeralKey,
        establishment: &SessionEstablishment,
        session_transcript_bytes: &[u8],
    ) -> Result<(DeviceSession, Vec<u8>)> {
        let in_transcript = transcript_e_reader_key(session_transcript_bytes)?;
        if in_transcript != establishment.e_reader_key_cose_bytes() {
            return Err(Error::InvalidArgument(
                "the SessionTranscript's EReaderKeyBytes differ from the SessionEstablishment's"
                    .into(),
            ));
        }
        let keys = derive_session_keys(
            e_device_key.secret_key(),
            establishment.e_reader_key(),
            session_transcript_bytes,
        )?;
        let mut session = DeviceSession {
            channel: Channel::new(keys, Sender::Device),
        };
        let request = session.channel.open_next(establishment.data())?;
        Ok((session, request))
    }

    /// The session keys.
    pub fn keys(&self) -> &SessionKeys {
        &self.channel.keys
    }

    /// SKReader, the key of messages from the reader.
    pub fn sk_reader(&self) -> &[u8; 32] {
        self.channel.keys.sk_reader()
    }

    /// SKDevice, the key of messages from the device.
    pub fn sk_device(&self) -> &[u8; 32] {
        self.channel.keys.sk_device()
    }

    /// Whether the session has ended (a status was sent or received, or a
    /// message was refused).
    pub fn is_terminated(&self) -> bool {
        self.channel.terminated
    }

    /// Reads a further SessionData message from the reader: decrypts its
    /// data under the next expected counter and reports its status. A
    /// refused message or any status ends the session.
    ///
    /// A second SessionEstablishment (a replay, or a reader starting over)
    /// is refused with `session_malformed` and ends the session: answering
    /// it under the same keys would restart nothing but the attacker's
    /// chances, and a new session needs a new engagement.
    pub fn decrypt_request(&mut self, session_data: &[u8]) -> Result<Received> {
        self.channel.ensure_open()?;
        if messages::is_establishment(session_data) {
            self.channel.terminated = true;
            return Err(Error::SessionMalformed(
                "a second SessionEstablishment on an established session".into(),
            ));
        }
        self.channel.receive_session_data(session_data)
    }

    /// Encrypts a response (a DeviceResponse) as SessionData under the next
    /// send counter.
    pub fn encrypt_response(&mut self, response: &[u8]) -> Result<Vec<u8>> {
        self.channel.send_data(response)
    }

    /// Ends the session: returns the SessionData with status 20 to send.
    pub fn terminate(&mut self) -> Result<Vec<u8>> {
        self.channel.terminate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cbor;
    use ciborium::value::Value;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn transcript(e_reader_key_bytes: &[u8]) -> Vec<u8> {
        let items = Value::Array(vec![
            Value::Null,
            cbor::decode(e_reader_key_bytes).unwrap(),
            Value::Null,
        ]);
        cbor::encode(&cbor::tag24(cbor::encode(&items).unwrap())).unwrap()
    }

    fn pair(seed: u64) -> (ReaderSession, DeviceSession) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let device_key = generate_ephemeral_key(&mut rng);
        let reader_key = generate_ephemeral_key(&mut rng);
        let bytes = encode_ephemeral_key(&reader_key.public_key()).unwrap();
        let e_device_key = device_key.public_key();
        let mut reader =
            ReaderSession::new(reader_key, &e_device_key, &transcript(&bytes)).unwrap();
        let establishment = reader.establishment(b"req1").unwrap();
        let received = SessionEstablishment::from_slice(&establishment).unwrap();
        let (device, request) =
            DeviceSession::establish(device_key, &received, &transcript(&bytes)).unwrap();
        assert_eq!(request, b"req1");
        (reader, device)
    }

    #[test]
    fn counters_advance_per_direction() {
        let (mut reader, mut device) = pair(1);
        assert_eq!(reader.keys().sk_reader(), device.keys().sk_reader());
        assert_eq!(reader.keys().sk_device(), device.keys().sk_device());
        for i in 0..3u8 {
            let resp = device.encrypt_response(&[i]).unwrap();
            assert_eq!(reader.decrypt_response(&resp).unwrap().data, Some(vec![i]));
            let req = reader.encrypt(&[i, i]).unwrap();
            assert_eq!(device.decrypt_request(&req).unwrap().data, Some(vec![i, i]));
        }
        assert_eq!(
            reader.establishment(b"again").map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }

    #[test]
    fn a_refused_message_ends_the_session() {
        let (mut reader, mut device) = pair(2);
        let resp = device.encrypt_response(b"r").unwrap();
        assert_eq!(
            reader.decrypt_response(&[0xff]).map_err(|e| e.code()),
            Err("cbor_malformed")
        );
        assert!(reader.is_terminated());
        assert_eq!(
            reader.decrypt_response(&resp).map_err(|e| e.code()),
            Err("session_terminated")
        );
        assert_eq!(
            reader.terminate().map_err(|e| e.code()),
            Err("session_terminated")
        );
    }

    #[test]
    fn reader_key_must_match_the_transcript() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let device_key = generate_ephemeral_key(&mut rng);
        let reader_secret = generate_ephemeral_key(&mut rng).secret_key().clone();
        let reader_key = || EphemeralKey::from_secret_key(reader_secret.clone());
        let other = generate_ephemeral_key(&mut rng);
        let bytes = encode_ephemeral_key(&other.public_key()).unwrap();
        assert_eq!(
            ReaderSession::new(reader_key(), &device_key.public_key(), &transcript(&bytes))
                .map_err(|e| e.code())
                .err(),
            Some("invalid_argument")
        );
        let reader_bytes = encode_ephemeral_key(&reader_key().public_key()).unwrap();
        let mut reader = ReaderSession::new(
            reader_key(),
            &device_key.public_key(),
            &transcript(&reader_bytes),
        )
        .unwrap();
        assert_eq!(
            reader.encrypt(b"x").map_err(|e| e.code()),
            Err("invalid_argument")
        );
        let establishment =
            SessionEstablishment::from_slice(&reader.establishment(b"x").unwrap()).unwrap();
        assert_eq!(
            DeviceSession::establish(device_key, &establishment, &transcript(&bytes))
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }
}
