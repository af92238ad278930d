//! Key agreement and key derivation (ISO/IEC 18013-5:2021 section 9.1.1.5 and
//! 9.1.3.5).
//!
//! Both sides hold an ephemeral P-256 key (EReaderKey, EDeviceKey). ECDH
//! between them gives the shared x-coordinate ZAB; HKDF-SHA-256 with the
//! SHA-256 of the SessionTranscriptBytes as salt stretches ZAB into one
//! AES-256 key per direction. The device-MAC key EMacKey is derived the same
//! way from the static device key and the reader's ephemeral key.

use ciborium::value::Value;
use coset::iana::EnumI64 as _;
use coset::{CoseKey, KeyType, Label, iana};
use p256::elliptic_curve::Generate as _;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::cbor;
use crate::cose::PublicKey;
use crate::error::{Error, Result, excerpt};
use crate::mso::DigestAlgorithm;

/// HKDF `info` for the key that encrypts messages from the reader.
pub const INFO_SK_READER: &[u8] = b"SKReader";
/// HKDF `info` for the key that encrypts messages from the device.
pub const INFO_SK_DEVICE: &[u8] = b"SKDevice";
/// HKDF `info` for the device-authentication MAC key.
pub const INFO_EMAC_KEY: &[u8] = b"EMacKey";

/// The two session keys of one session, one per direction.
///
/// `Debug` never prints key material, and the keys are wiped from memory
/// when dropped. There is deliberately no `PartialEq`: comparing secret
/// keys with `==` would take time that depends on where they differ.
#[derive(Clone, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct SessionKeys {
    sk_reader: [u8; 32],
    sk_device: [u8; 32],
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(..)")
    }
}

impl SessionKeys {
    /// SKReader: the AES-256-GCM key of messages from the reader to the device.
    pub fn sk_reader(&self) -> &[u8; 32] {
        &self.sk_reader
    }

    /// SKDevice: the AES-256-GCM key of messages from the device to the reader.
    pub fn sk_device(&self) -> &[u8; 32] {
        &self.sk_device
    }
}

/// An ephemeral P-256 session key (EReaderKey or EDeviceKey) that builds
/// exactly one session.
///
/// Two sessions built from one key pair and one transcript share their
/// AES-256-GCM keys, and both counters start again at 1: the same key and
/// IV encrypt two messages, which XOR to the XOR of their plaintexts and
/// give away GCM's authentication key. So the key is not `Clone`, and
/// [`crate::session::ReaderSession::new`] and
/// [`crate::session::DeviceSession::establish`] take it by value: a
/// session that failed to establish, or a replayed SessionEstablishment,
/// needs a new engagement with a new key.
///
/// `Debug` never prints the key; the secret is wiped from memory when
/// dropped (p256's `SecretKey` zeroizes itself).
///
/// A second session from the same key does not compile:
///
/// ```compile_fail
/// use docbridge::session::{EphemeralKey, ReaderSession};
/// # fn main() -> Result<(), docbridge::Error> {
/// # let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
/// # let e_device_key = EphemeralKey::generate(&mut rng).public_key();
/// # let transcript: Vec<u8> = Vec::new();
/// let key = EphemeralKey::generate(&mut rng);
/// let first = ReaderSession::new(key, &e_device_key, &transcript);
/// let again = ReaderSession::new(key, &e_device_key, &transcript); // moved
/// # Ok(())
/// # }
/// ```
pub struct EphemeralKey {
    secret: p256::SecretKey,
}

impl std::fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EphemeralKey(..)")
    }
}

impl EphemeralKey {
    /// A fresh key from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> EphemeralKey {
        EphemeralKey {
            secret: p256::SecretKey::generate_from_rng(rng),
        }
    }

    /// Wraps a key that already exists: a fixed key of a conformance vector
    /// or of the ISO/IEC 18013-5 Annex D examples. Wrapping one key twice
    /// reuses the session keys as explained above; never do it with a live
    /// key.
    pub fn from_secret_key(secret: p256::SecretKey) -> EphemeralKey {
        EphemeralKey { secret }
    }

    /// The public half, as sent in the engagement or SessionEstablishment.
    pub fn public_key(&self) -> PublicKey {
        public_key_of(&self.secret)
    }

    /// The private key, for the one use beside the session: a reader checks
    /// a deviceMac with its ephemeral key (see [`derive_emac_key`]).
    pub fn secret_key(&self) -> &p256::SecretKey {
        &self.secret
    }
}

/// Generates a fresh ephemeral key (EReaderKey or EDeviceKey) from `rng`.
///
/// A new key per session is what makes the session keys unlinkable between
/// sessions and keeps AES-GCM keys and IVs from being reused; the returned
/// [`EphemeralKey`] builds one session.
pub fn generate_ephemeral_key<R: CryptoRng + ?Sized>(rng: &mut R) -> EphemeralKey {
    EphemeralKey::generate(rng)
}

/// The public half of a P-256 private key, as the crate's [`PublicKey`].
pub fn public_key_of(private: &p256::SecretKey) -> PublicKey {
    PublicKey::P256(p256::ecdsa::VerifyingKey::from(private.public_key()))
}

/// The P-256 point of a [`PublicKey`]; any other curve is refused with
/// `session_unsupported_curve` (ISO allows more curves, this crate only P-256).
pub(crate) fn p256_point(key: &PublicKey, what: &str) -> Result<p256::PublicKey> {
    match key {
        PublicKey::P256(k) => Ok(p256::PublicKey::from(k)),
        other => Err(Error::SessionUnsupportedCurve(format!(
            "{what} is {}, only P-256 is supported",
            other.algorithm()
        ))),
    }
}

/// ECDH on P-256: the shared secret ZAB, the x-coordinate of
/// `private * public` (ISO/IEC 18013-5 9.1.1.5, after BSI TR-03111), wiped
/// from memory when dropped.
pub fn shared_secret(private: &p256::SecretKey, public: &PublicKey) -> Result<Zeroizing<[u8; 32]>> {
    let point = p256_point(public, "the peer's key")?;
    crate::provider::get_default().ecdh_p256(private, &point)
}

/// HKDF-SHA-256 with salt SHA-256(SessionTranscriptBytes) and a 32-byte output.
fn hkdf_32(
    zab: &[u8; 32],
    session_transcript_bytes: &[u8],
    info: &[u8],
) -> Result<Zeroizing<[u8; 32]>> {
    let provider = crate::provider::get_default();
    let salt = provider.digest(DigestAlgorithm::Sha256, &[session_transcript_bytes]);
    let mut okm = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's 255 * 32 limit, so this cannot fail; the
    // error is still passed on rather than unwrapped.
    provider.hkdf_sha256(&salt, zab, info, okm.as_mut_slice())?;
    Ok(okm)
}

/// Derives SKReader and SKDevice from one side's ephemeral private key, the
/// other side's ephemeral public key and the SessionTranscriptBytes (the
/// tag-24 encoded SessionTranscript, exactly as both sides built it).
///
/// Either side calls it: the reader with EReaderKey.priv and EDeviceKey.pub,
/// the device with EDeviceKey.priv and EReaderKey.pub; ECDH gives both the
/// same ZAB.
pub fn derive_session_keys(
    private: &p256::SecretKey,
    public: &PublicKey,
    session_transcript_bytes: &[u8],
) -> Result<SessionKeys> {
    let zab = shared_secret(private, public)?;
    Ok(SessionKeys {
        sk_reader: *hkdf_32(&zab, session_transcript_bytes, INFO_SK_READER)?,
        sk_device: *hkdf_32(&zab, session_transcript_bytes, INFO_SK_DEVICE)?,
    })
}

/// Derives EMacKey, the HMAC-SHA-256 key of a `deviceMac` (ISO/IEC 18013-5
/// 9.1.3.5): HKDF-SHA-256(ECDH(private, public), salt =
/// SHA-256(SessionTranscriptBytes), info "EMacKey", 32 bytes).
///
/// The verifier calls it with the reader's ephemeral private key and the
/// device key from the MSO; the holder with the device private key and the
/// reader's ephemeral public key. A key on any curve but P-256 (an Ed25519
/// device key cannot do ECDH) is refused with `session_unsupported_curve`.
/// The key is wiped from memory when dropped.
pub fn derive_emac_key(
    private: &p256::SecretKey,
    public: &PublicKey,
    session_transcript_bytes: &[u8],
) -> Result<Zeroizing<[u8; 32]>> {
    let zab = shared_secret(private, public)?;
    hkdf_32(&zab, session_transcript_bytes, INFO_EMAC_KEY)
}

/// Encodes a P-256 public key as EReaderKeyBytes / EDeviceKeyBytes:
/// `#6.24(bstr .cbor COSE_Key)`, the form that appears in DeviceEngagement,
/// SessionEstablishment and the SessionTranscript.
pub fn encode_ephemeral_key(key: &PublicKey) -> Result<Vec<u8>> {
    p256_point(key, "an ephemeral key")?;
    let inner = cbor::encode(&key.to_cose_key_value()?)?;
    cbor::encode(&cbor::tag24(inner))
}

/// Reads EReaderKeyBytes / EDeviceKeyBytes (`#6.24(bstr .cbor COSE_Key)`)
/// into a P-256 [`PublicKey`].
pub fn decode_ephemeral_key(bytes: &[u8]) -> Result<PublicKey> {
    let value = cbor::decode(bytes)?;
    let inner = cbor::untag24(&value, "ephemeral key")?;
    read_cose_key(inner)
}

/// Reads the COSE_Key bytes inside EReaderKeyBytes / EDeviceKeyBytes.
///
/// A key of another curve ISO allows (P-384, P-521, X25519, X448,
/// brainpool) gets `session_unsupported_curve` rather than `invalid_key`,
/// so a caller can tell "valid but not supported here" from garbage.
pub(crate) fn read_cose_key(inner: &[u8]) -> Result<PublicKey> {
    let value = crate::cose::without_unread_key_id(cbor::decode(inner)?);
    let key = <CoseKey as coset::AsCborValue>::from_cbor_value(value).map_err(|e| {
        Error::InvalidKey(format!(
            "ephemeral COSE_Key: {}",
            crate::cose::describe_cose_error(&e)
        ))
    })?;
    let crv_label = match key.kty {
        KeyType::Assigned(iana::KeyType::EC2) => iana::Ec2KeyParameter::Crv.to_i64(),
        KeyType::Assigned(iana::KeyType::OKP) => iana::OkpKeyParameter::Crv.to_i64(),
        ref other => {
            return Err(Error::InvalidKey(format!(
                "ephemeral COSE_Key: key type {other:?} is not EC2 or OKP",
                other = excerpt(&format!("{other:?}"))
            )));
        }
    };
    let crv = key
        .params
        .iter()
        .find(|(label, _)| *label == Label::Int(crv_label))
        .and_then(|(_, v)| match v {
            Value::Integer(i) => i64::try_from(*i).ok(),
            _ => None,
        });
    let is_p256 = matches!(key.kty, KeyType::Assigned(iana::KeyType::EC2))
        && crv == Some(iana::EllipticCurve::P_256.to_i64());
    if !is_p256 {
        return Err(Error::SessionUnsupportedCurve(format!(
            "ephemeral COSE_Key curve {crv:?} is not P-256"
        )));
    }
    PublicKey::from_cose_key(&key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn both_sides_derive_the_same_keys() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let reader = generate_ephemeral_key(&mut rng).secret_key().clone();
        let device = generate_ephemeral_key(&mut rng).secret_key().clone();
        let transcript = b"transcript";
        let r = derive_session_keys(&reader, &public_key_of(&device), transcript).unwrap();
        let d = derive_session_keys(&device, &public_key_of(&reader), transcript).unwrap();
        assert_eq!(
            (r.sk_reader(), r.sk_device()),
            (d.sk_reader(), d.sk_device())
        );
        assert_ne!(r.sk_reader(), r.sk_device());
        // A different transcript gives different keys.
        let other = derive_session_keys(&reader, &public_key_of(&device), b"other").unwrap();
        assert_ne!(other.sk_reader(), r.sk_reader());
        assert_eq!(format!("{r:?}"), "SessionKeys(..)");
    }

    /// Picks the inherent `is_eq` when `T: PartialEq`, the trait's otherwise.
    struct Probe<T>(std::marker::PhantomData<T>);
    trait NotEq {
        fn is_eq(&self) -> bool {
            false
        }
    }
    impl<T> NotEq for Probe<T> {}
    impl<T: PartialEq> Probe<T> {
        #[allow(dead_code)]
        fn is_eq(&self) -> bool {
            true
        }
    }

    #[test]
    fn secrets_are_wiped_and_not_compared_with_eq() {
        assert!(!Probe::<SessionKeys>(std::marker::PhantomData).is_eq());
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let reader = generate_ephemeral_key(&mut rng).secret_key().clone();
        let device = generate_ephemeral_key(&mut rng).public_key();
        let zab: Zeroizing<[u8; 32]> = shared_secret(&reader, &device).unwrap();
        let emac: Zeroizing<[u8; 32]> = derive_emac_key(&reader, &device, b"t").unwrap();
        assert_ne!(*zab, *emac);
        let key = crate::cose::SoftwareKey::P256(p256::ecdsa::SigningKey::from(&reader));
        let pem: Zeroizing<String> = key.to_pkcs8_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    }

    #[test]
    fn ephemeral_key_bytes_round_trip() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let key = generate_ephemeral_key(&mut rng).public_key();
        let bytes = encode_ephemeral_key(&key).unwrap();
        assert_eq!(bytes.first(), Some(&0xd8));
        assert_eq!(decode_ephemeral_key(&bytes).unwrap(), key);
    }

    #[test]
    fn other_curves_are_refused_with_their_own_code() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let p384 = crate::cose::SoftwareKey::generate(crate::cose::Algorithm::Es384, &mut rng);
        let ed = crate::cose::SoftwareKey::generate(crate::cose::Algorithm::EdDsa, &mut rng);
        use crate::cose::Signer as _;
        let private = generate_ephemeral_key(&mut rng).secret_key().clone();
        for key in [p384.public_key(), ed.public_key()] {
            assert_eq!(
                derive_emac_key(&private, &key, b"t").map_err(|e| e.code()),
                Err("session_unsupported_curve")
            );
            assert_eq!(
                encode_ephemeral_key(&key).map_err(|e| e.code()),
                Err("session_unsupported_curve")
            );
            let inner = cbor::encode(&key.to_cose_key_value().unwrap()).unwrap();
            assert_eq!(
                read_cose_key(&inner).map_err(|e| e.code()),
                Err("session_unsupported_curve")
            );
        }
        assert_eq!(
            decode_ephemeral_key(&[0xa0]).map_err(|e| e.code()),
            Err("cbor_not_tag24")
        );
        let not_a_key = cbor::encode(&cbor::tag24(vec![0x01])).unwrap();
        assert_eq!(
            decode_ephemeral_key(&not_a_key).map_err(|e| e.code()),
            Err("invalid_key")
        );
    }
}
