//! ISO/IEC 18013-5 proximity sessions: the ephemeral keys and the
//! `ReaderSession` / `DeviceSession` that encrypt the request and response.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use docbridge::deps::p256;
use docbridge::session::{Received, SessionEstablishment};
use docbridge::session::{encode_ephemeral_key, public_key_of};
use docbridge::{PublicKey, SoftwareKey};

use crate::error::Result;

/// An ephemeral P-256 key of one session (EReaderKey or EDeviceKey). The
/// secret stays in Rust and is wiped when the object is dropped. It builds
/// one session only: a second `ReaderSession` or `DeviceSession` from the
/// same key is refused (`invalid_argument`), since two sessions under one
/// key and transcript would reuse AES-GCM keys and IVs.
#[derive(uniffi::Object)]
pub struct EphemeralKey {
    secret: p256::SecretKey,
    used: AtomicBool,
}

impl std::fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EphemeralKey(..)")
    }
}

impl EphemeralKey {
    fn new(secret: p256::SecretKey) -> Arc<EphemeralKey> {
        Arc::new(EphemeralKey {
            secret,
            used: AtomicBool::new(false),
        })
    }

    /// The secret, for the reader's check of a deviceMac (the one use
    /// beside its session).
    pub(crate) fn secret(&self) -> p256::SecretKey {
        self.secret.clone()
    }

    /// The core's one-shot key for a session; refused the second time.
    fn take_for_session(&self) -> Result<docbridge::session::EphemeralKey> {
        if self.used.swap(true, Ordering::SeqCst) {
            return Err(docbridge::Error::InvalidArgument(
                "this ephemeral key already built a session; make a new one".into(),
            )
            .into());
        }
        Ok(docbridge::session::EphemeralKey::from_secret_key(
            self.secret.clone(),
        ))
    }
}

#[uniffi::export]
impl EphemeralKey {
    /// A fresh key from the operating system's random source.
    #[uniffi::constructor]
    pub fn generate() -> Arc<EphemeralKey> {
        let mut rng = docbridge::rng::system();
        EphemeralKey::new(
            docbridge::session::generate_ephemeral_key(&mut rng)
                .secret_key()
                .clone(),
        )
    }

    /// A key from a PKCS#8 PEM (tests, or a reader that keeps its key).
    /// Refused with `invalid_key` for anything but a P-256 key.
    #[uniffi::constructor]
    pub fn from_pkcs8_pem(pem: String) -> Result<Arc<EphemeralKey>> {
        match SoftwareKey::from_pkcs8_pem(&pem)? {
            SoftwareKey::P256(key) => Ok(EphemeralKey::new(p256::SecretKey::from(&key))),
            _ => Err(docbridge::Error::InvalidKey("an ephemeral key must be P-256".into()).into()),
        }
    }

    /// The public key as a COSE_Key (CBOR), as engagement and
    /// SessionEstablishment carry it.
    pub fn public_key_cose(&self) -> Result<Vec<u8>> {
        Ok(encode_ephemeral_key(&public_key_of(&self.secret))?)
    }
}

/// A public key from a PEM (SubjectPublicKeyInfo) as a COSE_Key, the form
/// the sessions take.
#[uniffi::export]
pub fn cose_key_from_pem(pem: String) -> Result<Vec<u8>> {
    Ok(encode_ephemeral_key(&PublicKey::from_pem(&pem)?)?)
}

/// What one session message carried.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionMessage {
    /// The decrypted DeviceRequest or DeviceResponse, if any.
    pub data: Option<Vec<u8>>,
    /// The session status code (10, 11, 20), if any: the session has ended.
    pub status: Option<u64>,
}

impl From<Received> for SessionMessage {
    fn from(received: Received) -> SessionMessage {
        SessionMessage {
            data: received.data,
            status: received.status.map(|s| s.code()),
        }
    }
}

/// The reader's side of a session.
#[derive(uniffi::Object)]
pub struct ReaderSession {
    inner: Mutex<docbridge::ReaderSession>,
}

impl std::fmt::Debug for ReaderSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReaderSession(..)")
    }
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while encrypting leaves no half-written state worth refusing.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[uniffi::export]
impl ReaderSession {
    /// Starts a session from the reader's ephemeral key, the device's
    /// ephemeral key (COSE_Key bytes from the engagement) and the transcript.
    #[uniffi::constructor]
    pub fn new(
        reader_key: Arc<EphemeralKey>,
        device_key_cose: Vec<u8>,
        transcript: Vec<u8>,
    ) -> Result<Arc<ReaderSession>> {
        let device_key = docbridge::session::decode_ephemeral_key(&device_key_cose)?;
        let session = docbridge::ReaderSession::new(
            reader_key.take_for_session()?,
            &device_key,
            &transcript,
        )?;
        Ok(Arc::new(ReaderSession {
            inner: Mutex::new(session),
        }))
    }

    /// The SessionEstablishment message carrying the first request.
    pub fn establishment(&self, request: Vec<u8>) -> Result<Vec<u8>> {
        Ok(locked(&self.inner).establishment(&request)?)
    }

    /// A later request as a SessionData message.
    pub fn encrypt(&self, request: Vec<u8>) -> Result<Vec<u8>> {
        Ok(locked(&self.inner).encrypt(&request)?)
    }

    /// Decrypts the device's SessionData.
    pub fn decrypt_response(&self, session_data: Vec<u8>) -> Result<SessionMessage> {
        Ok(locked(&self.inner).decrypt_response(&session_data)?.into())
    }

    /// Ends the session: the SessionData with status 20 to send.
    pub fn terminate(&self) -> Result<Vec<u8>> {
        Ok(locked(&self.inner).terminate()?)
    }
}

/// The holder's side of a session.
#[derive(uniffi::Object)]
pub struct DeviceSession {
    inner: Mutex<docbridge::DeviceSession>,
    first_request: Vec<u8>,
}

impl std::fmt::Debug for DeviceSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSession(..)")
    }
}

#[uniffi::export]
impl DeviceSession {
    /// Starts a session from the device's ephemeral key, the reader's
    /// SessionEstablishment and the transcript; the first request is then
    /// `first_request()`.
    #[uniffi::constructor]
    pub fn establish(
        device_key: Arc<EphemeralKey>,
        establishment: Vec<u8>,
        transcript: Vec<u8>,
    ) -> Result<Arc<DeviceSession>> {
        let message = SessionEstablishment::from_slice(&establishment)?;
        let (session, request) = docbridge::DeviceSession::establish(
            device_key.take_for_session()?,
            &message,
            &transcript,
        )?;
        Ok(Arc::new(DeviceSession {
            inner: Mutex::new(session),
            first_request: request,
        }))
    }

    /// The DeviceRequest the SessionEstablishment carried.
    pub fn first_request(&self) -> Vec<u8> {
        self.first_request.clone()
    }

    /// Decrypts a later request.
    pub fn decrypt_request(&self, session_data: Vec<u8>) -> Result<SessionMessage> {
        Ok(locked(&self.inner).decrypt_request(&session_data)?.into())
    }

    /// Encrypts the DeviceResponse as SessionData.
    pub fn encrypt_response(&self, response: Vec<u8>) -> Result<Vec<u8>> {
        Ok(locked(&self.inner).encrypt_response(&response)?)
    }

    /// Ends the session: the SessionData with status 20 to send.
    pub fn terminate(&self) -> Result<Vec<u8>> {
        Ok(locked(&self.inner).terminate()?)
    }
}
