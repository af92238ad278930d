//! Both providers give the same answers: what one signs the other verifies,
//! digests, HMAC, HKDF and ECDH agree with the published answers, and each
//! refuses the same damaged signature with the same code.

use super::*;
use crate::cose::{Algorithm, Signer as _};

/// Every provider this build has.
fn providers() -> Vec<&'static dyn CryptoProvider> {
    vec![
        &RUST_CRYPTO,
        #[cfg(feature = "aws-lc-rs")]
        &AWS_LC,
    ]
}

fn key(alg: Algorithm) -> SoftwareKey {
    let secret: &[u8] = match alg {
        Algorithm::EdDsa => &[7u8; 32],
        Algorithm::Es256 => &[9u8; 32],
        Algorithm::Es384 => &[11u8; 48],
    };
    SoftwareKey::from_secret_bytes(alg, secret).unwrap()
}

#[test]
fn each_provider_verifies_what_each_signs_and_refuses_a_flipped_bit() {
    for alg in [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384] {
        let key = key(alg);
        let public = key.public_key();
        for signer in providers() {
            let signature = signer.sign(&key, b"message").unwrap();
            // Deterministic signing: every provider makes the same bytes.
            assert_eq!(signature, RUST_CRYPTO.sign(&key, b"message").unwrap());
            for verifier in providers() {
                verifier.verify(&public, b"message", &signature).unwrap();
                let mut damaged = signature.clone();
                damaged[5] ^= 1;
                let err = verifier.verify(&public, b"message", &damaged).unwrap_err();
                assert_eq!(err.code(), "signature_invalid", "{alg} {}", verifier.name());
                let err = verifier
                    .verify(&public, b"massage", &signature)
                    .unwrap_err();
                assert_eq!(err.code(), "signature_invalid", "{alg} {}", verifier.name());
            }
        }
    }
}

#[test]
fn a_signature_of_the_wrong_length_is_refused_by_each() {
    let key = key(Algorithm::Es256);
    let signature = RUST_CRYPTO.sign(&key, b"m").unwrap();
    for provider in providers() {
        let err = provider
            .verify(&key.public_key(), b"m", &signature[..63])
            .unwrap_err();
        assert_eq!(err.code(), "signature_invalid", "{}", provider.name());
    }
}

#[test]
fn ed25519_small_order_key_is_refused_by_each() {
    // The identity point as the key, R the identity and S zero: the
    // equation holds for any message, so only the strict check refuses it.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let weak = PublicKey::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(&identity).unwrap());
    let mut signature = [0u8; 64];
    signature[0] = 1;
    for provider in providers() {
        let err = provider.verify(&weak, b"anything", &signature).unwrap_err();
        assert_eq!(err.code(), "signature_invalid", "{}", provider.name());
    }
}

#[test]
fn digests_hmac_hkdf_and_ecdh_are_the_known_answers() {
    // SHA-256("abc") (FIPS 180-2), HMAC-SHA-256 RFC 4231 case 2, HKDF RFC
    // 5869 case 1.
    let sha256_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let hmac = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    let okm =
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
    let reader = p256::SecretKey::from_slice(&[3u8; 32]).unwrap();
    let device = p256::SecretKey::from_slice(&[5u8; 32]).unwrap();
    let reference = RUST_CRYPTO
        .ecdh_p256(&reader, &device.public_key())
        .unwrap();
    for provider in providers() {
        let name = provider.name();
        let abc = provider.digest(DigestAlgorithm::Sha256, &[b"a", b"bc"]);
        assert_eq!(hex::encode(abc), sha256_abc, "{name}");
        for algorithm in [DigestAlgorithm::Sha384, DigestAlgorithm::Sha512] {
            assert_eq!(
                provider.digest(algorithm, &[b"x", b"yz"]),
                RUST_CRYPTO.digest(algorithm, &[b"xyz"]),
                "{name}"
            );
        }
        let tag = provider
            .hmac_sha256(b"Jefe", b"what do ya want for nothing?")
            .unwrap();
        assert_eq!(hex::encode(tag), hmac, "{name}");
        let mut out = [0u8; 42];
        let ikm = [0x0bu8; 22];
        let salt: Vec<u8> = (0u8..=0x0c).collect();
        let info: Vec<u8> = (0xf0u8..=0xf9).collect();
        provider.hkdf_sha256(&salt, &ikm, &info, &mut out).unwrap();
        assert_eq!(hex::encode(out), okm, "{name}");
        let mut too_long = vec![0u8; 255 * 32 + 1];
        let err = provider
            .hkdf_sha256(&salt, &ikm, &info, &mut too_long)
            .unwrap_err();
        assert_eq!(err.code(), "invalid_argument", "{name}");
        // Both sides of the agreement, in each provider, reach one secret.
        let one = provider.ecdh_p256(&reader, &device.public_key()).unwrap();
        let other = provider.ecdh_p256(&device, &reader.public_key()).unwrap();
        assert_eq!(*one, *reference, "{name}");
        assert_eq!(*other, *reference, "{name}");
    }
}

#[test]
fn the_default_is_the_feature_s_and_cannot_be_replaced_once_in_use() {
    let expected = if cfg!(feature = "aws-lc-rs") {
        "aws-lc-rs"
    } else {
        "rust-crypto"
    };
    assert_eq!(get_default().name(), expected);
    let refused = install_default(&RUST_CRYPTO).unwrap_err();
    assert_eq!(refused.name(), expected);
}
