//! The EncryptedResponse of ISO/IEC TS 18013-7 Annex C: the DeviceResponse
//! sealed with HPKE (RFC 9180) through the `hpke` crate, base mode,
//! DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, single shot, with
//! `info` the CBOR SessionTranscript array itself (not tag 24) and an empty
//! `aad`.
//!
//! ```cddl
//! EncryptedResponse = ["dcapi", {"enc": bstr, "cipherText": bstr}]
//! ```
//!
//! Because the transcript is the HPKE `info`, a response opens only under
//! the verifier's key, nonce and origin together: one replayed to another
//! origin, or encrypted to another key, fails the same way
//! (`response_decryption_failed`); the AEAD cannot tell which part differs.

use ciborium::value::Value;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};
use rand_core::CryptoRng;

use super::encryption_info::DCAPI;
use crate::cbor;
use crate::error::{Error, Result};

type Kem = hpke::kem::DhP256HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::AesGcm128;

/// A sealed response: the encapsulated key and the ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedResponse {
    /// `enc`: the sender's ephemeral public key, SEC1 uncompressed (65 bytes).
    pub enc: Vec<u8>,
    /// `cipherText`: the DeviceResponse under AES-128-GCM, tag appended.
    pub cipher_text: Vec<u8>,
}

impl EncryptedResponse {
    /// Seals `plaintext` to `recipient` with `session_transcript` (the CBOR
    /// array) as `info`.
    pub fn seal<R: CryptoRng + ?Sized>(
        recipient: &p256::PublicKey,
        session_transcript: &[u8],
        plaintext: &[u8],
        rng: &mut R,
    ) -> Result<EncryptedResponse> {
        let point = p256::Sec1Point::from(recipient);
        let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(point.as_bytes())
            .map_err(|e| Error::InvalidKey(format!("HPKE recipient key: {e}")))?;
        let (enc, mut context) = hpke::setup_sender_with_rng::<Aead, Kdf, Kem>(
            &OpModeS::Base,
            &pk,
            session_transcript,
            &mut RngRef(rng),
        )
        .map_err(|e| Error::InvalidArgument(format!("HPKE setup: {e}")))?;
        let cipher_text = context
            .seal(plaintext, b"")
            .map_err(|e| Error::InvalidArgument(format!("HPKE seal: {e}")))?;
        Ok(EncryptedResponse {
            enc: enc.to_bytes().to_vec(),
            cipher_text,
        })
    }

    /// Opens the response with the verifier's key and the transcript it
    /// built itself. `response_decryption_failed` when it does not open
    /// (another key, origin, nonce, or tampering); `invalid_key` when `enc`
    /// is no P-256 point.
    pub fn open(&self, recipient: &p256::SecretKey, session_transcript: &[u8]) -> Result<Vec<u8>> {
        let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(&recipient.to_bytes())
            .map_err(|e| Error::InvalidKey(format!("HPKE recipient key: {e}")))?;
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&self.enc)
            .map_err(|e| Error::InvalidKey(format!("HPKE enc: {e}")))?;
        let mut context =
            hpke::setup_receiver::<Aead, Kdf, Kem>(&OpModeR::Base, &sk, &enc, session_transcript)
                .map_err(|e| Error::InvalidKey(format!("HPKE enc: {e}")))?;
        context.open(&self.cipher_text, b"").map_err(|_| {
            Error::ResponseDecryptionFailed(
                "the response is for another key, origin or request, or was altered".into(),
            )
        })
    }

    /// Encodes `["dcapi", {"enc", "cipherText"}]`.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        cbor::encode(&Value::Array(vec![
            Value::Text(DCAPI.into()),
            cbor::text_map([
                ("enc", Value::Bytes(self.enc.clone())),
                ("cipherText", Value::Bytes(self.cipher_text.clone())),
            ]),
        ]))
    }

    /// Reads an EncryptedResponse (`dcapi_malformed` for the wrong shape).
    pub fn from_slice(bytes: &[u8]) -> Result<EncryptedResponse> {
        let value = cbor::decode(bytes)?;
        let malformed = |what: &str| Error::DcapiMalformed(format!("EncryptedResponse: {what}"));
        let Value::Array(items) = &value else {
            return Err(malformed("not an array"));
        };
        let [Value::Text(tag), Value::Map(map)] = items.as_slice() else {
            return Err(malformed("not [\"dcapi\", {...}]"));
        };
        if tag != DCAPI {
            return Err(malformed("tag is not \"dcapi\""));
        }
        let bytes_of = |key: &str| match cbor::map_get(map, key) {
            Some(Value::Bytes(b)) => Ok(b.clone()),
            _ => Err(malformed(&format!("{key} missing or not bytes"))),
        };
        Ok(EncryptedResponse {
            enc: bytes_of("enc")?,
            cipher_text: bytes_of("cipherText")?,
        })
    }
}

/// The `hpke` crate takes its RNG by value type; this passes the caller's
/// `?Sized` one through.
struct RngRef<'a, R: ?Sized>(&'a mut R);

impl<R: CryptoRng + ?Sized> rand_core::TryRng for RngRef<'_, R> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}

impl<R: CryptoRng + ?Sized> rand_core::TryCryptoRng for RngRef<'_, R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use hpke::Kem as _;

    /// The shared vectors are outside the crate: skip where they are
    /// absent, unless CI requires them (as `tests/common/external.rs`).
    fn available(dir: &str) -> bool {
        if std::path::Path::new(dir).is_dir() {
            return true;
        }
        assert_ne!(
            std::env::var("DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS").as_deref(),
            Ok("1"),
            "the external vectors are required but {dir} is absent"
        );
        false
    }

    /// An RNG that hands out fixed bytes: RFC 9180's ikmE.
    struct Fixed(Vec<u8>);

    impl rand_core::TryRng for Fixed {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
            unreachable!()
        }
        fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
            unreachable!()
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
            let taken: Vec<u8> = self.0.drain(..dst.len()).collect();
            dst.copy_from_slice(&taken);
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for Fixed {}

    const HPKE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/external/hpke"
    );

    fn vector() -> serde_json::Value {
        let path = format!("{HPKE}/rfc9180_A3_p256_sha256_aes128gcm.json");
        let text =
            std::fs::read_to_string(path).expect("shared vectors required (CI provides ../shared)");
        let all: serde_json::Value = serde_json::from_str(&text).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .find(|v| v["mode"] == 0)
            .unwrap()
            .clone()
    }

    fn hex(v: &serde_json::Value) -> Vec<u8> {
        hex::decode(v.as_str().unwrap()).unwrap()
    }

    #[test]
    fn rfc9180_a3_base_mode_seals_and_opens_exactly() {
        if !available(HPKE) {
            return;
        }
        let v = vector();
        assert_eq!(
            (
                v["kem_id"].as_u64(),
                v["kdf_id"].as_u64(),
                v["aead_id"].as_u64()
            ),
            (Some(16), Some(1), Some(1))
        );
        let (sk, pk) = Kem::derive_keypair(&hex(&v["ikmR"]));
        assert_eq!(sk.to_bytes().to_vec(), hex(&v["skRm"]));
        assert_eq!(pk.to_bytes().to_vec(), hex(&v["pkRm"]));
        let first = &v["encryptions"][0];
        assert_eq!(first["sequence_number"], 0);

        // Seal with ikmE as the ephemeral randomness: enc and ct as published.
        let recipient = p256::PublicKey::from_sec1_bytes(&hex(&v["pkRm"])).unwrap();
        let point = p256::Sec1Point::from(&recipient);
        let pk = <Kem as hpke::Kem>::PublicKey::from_bytes(point.as_bytes()).unwrap();
        let (enc, mut context) = hpke::setup_sender_with_rng::<Aead, Kdf, Kem>(
            &OpModeS::Base,
            &pk,
            &hex(&v["info"]),
            &mut Fixed(hex(&v["ikmE"])),
        )
        .unwrap();
        assert_eq!(enc.to_bytes().to_vec(), hex(&v["enc"]));
        let ct = context
            .seal(&hex(&first["pt"]), &hex(&first["aad"]))
            .unwrap();
        assert_eq!(ct, hex(&first["ct"]));

        // Open every listed encryption in sequence through one context.
        let secret = p256::SecretKey::from_slice(&hex(&v["skRm"])).unwrap();
        let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(&secret.to_bytes()).unwrap();
        let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(&hex(&v["enc"])).unwrap();
        let mut receiver =
            hpke::setup_receiver::<Aead, Kdf, Kem>(&OpModeR::Base, &sk, &enc, &hex(&v["info"]))
                .unwrap();
        // The crate offers no way to skip sequence numbers, so the
        // consecutive ones (0, 1, 2) are checked; 4, 255 and 256 are not.
        let mut opened = 0;
        for (seq, e) in v["encryptions"].as_array().unwrap().iter().enumerate() {
            if e["sequence_number"].as_u64() != Some(seq as u64) {
                break;
            }
            assert_eq!(
                receiver.open(&hex(&e["ct"]), &hex(&e["aad"])).unwrap(),
                hex(&e["pt"]),
                "seq {seq}"
            );
            opened += 1;
        }
        assert_eq!(opened, 3);

        // The single-shot response layer opens the published seq-0 message
        // only with an empty aad, which the published one is not.
        let response = EncryptedResponse {
            enc: hex(&v["enc"]),
            cipher_text: hex(&first["ct"]),
        };
        assert_eq!(
            response
                .open(&secret, &hex(&v["info"]))
                .map_err(|e| e.code()),
            Err("response_decryption_failed")
        );
    }
}
