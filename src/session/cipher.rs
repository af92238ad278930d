//! AES-256-GCM with the ISO/IEC 18013-5 9.1.1.5 IVs and message counters.
//!
//! IV = identifier (8 bytes: all zero for messages from the reader,
//! `00 00 00 00 00 00 00 01` for messages from the device) || message counter
//! (4 bytes, big-endian). Each direction has its own counter, starting at 1
//! and going up by one per message; there is no AAD. Since the counter is not
//! sent, a receiver decrypts with the counter it expects: a replayed, dropped
//! or reordered message is then decrypted with the wrong IV and fails
//! authentication, which is how the protocol detects it.

use aes_gcm::aead::{Aead as _, KeyInit as _};
use aes_gcm::{Aes256Gcm, Key};

use crate::error::{Error, Result};

use super::keys::SessionKeys;

/// Which side sent a message; it picks the key and the IV identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sender {
    /// The mdoc reader (key SKReader, identifier all zero).
    Reader,
    /// The mdoc (key SKDevice, identifier ending in 1).
    Device,
}

impl Sender {
    fn identifier(self) -> [u8; 8] {
        match self {
            Sender::Reader => [0; 8],
            Sender::Device => [0, 0, 0, 0, 0, 0, 0, 1],
        }
    }

    fn key(self, keys: &SessionKeys) -> &[u8; 32] {
        match self {
            Sender::Reader => keys.sk_reader(),
            Sender::Device => keys.sk_device(),
        }
    }
}

/// The 12-byte GCM IV for a sender and message counter.
pub(crate) fn iv(sender: Sender, counter: u32) -> [u8; 12] {
    let mut iv = [0u8; 12];
    let (identifier, count) = iv.split_at_mut(8);
    identifier.copy_from_slice(&sender.identifier());
    count.copy_from_slice(&counter.to_be_bytes());
    iv
}

/// A message counter of one direction: 1 for the first message.
///
/// It never wraps: reusing an IV under the same GCM key would break both
/// confidentiality and integrity, so after 2^32 - 1 messages the session
/// is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counter(Option<u32>);

impl Counter {
    pub(crate) const FIRST: Counter = Counter(Some(1));

    /// The counter of the next message, or `session_terminated` once exhausted.
    pub(crate) fn current(self) -> Result<u32> {
        self.0
            .ok_or_else(|| Error::SessionTerminated("message counter exhausted".into()))
    }

    /// Moves on to the next message.
    pub(crate) fn advance(&mut self) {
        self.0 = self.0.and_then(|c| c.checked_add(1));
    }

    #[cfg(test)]
    pub(crate) fn at(counter: u32) -> Counter {
        Counter(Some(counter))
    }
}

fn cipher(sender: Sender, keys: &SessionKeys) -> Aes256Gcm {
    Aes256Gcm::new(&Key::<Aes256Gcm>::from(*sender.key(keys)))
}

/// Encrypts a message from `sender` with the given counter: ciphertext || tag.
pub(crate) fn seal(
    keys: &SessionKeys,
    sender: Sender,
    counter: u32,
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    let nonce = iv(sender, counter).into();
    cipher(sender, keys)
        .encrypt(&nonce, plaintext)
        .map_err(|_| Error::InvalidArgument("plaintext too long for AES-256-GCM".into()))
}

/// Decrypts a message from `sender` expected to carry `counter`.
///
/// Every failure (short input, wrong key, wrong counter, tampering) is the
/// same `session_decryption_failed`: GCM cannot tell them apart, and saying
/// more would only help an attacker.
pub(crate) fn open(
    keys: &SessionKeys,
    sender: Sender,
    counter: u32,
    ciphertext: &[u8],
) -> Result<Vec<u8>> {
    let nonce = iv(sender, counter).into();
    cipher(sender, keys)
        .decrypt(&nonce, ciphertext)
        .map_err(|_| {
            Error::SessionDecryptionFailed(format!(
                "message from the {} with counter {counter} does not authenticate",
                match sender {
                    Sender::Reader => "reader",
                    Sender::Device => "device",
                }
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::keys::{derive_session_keys, generate_ephemeral_key, public_key_of};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn keys() -> SessionKeys {
        let mut rng = ChaCha20Rng::seed_from_u64(10);
        let a = generate_ephemeral_key(&mut rng).secret_key().clone();
        let b = generate_ephemeral_key(&mut rng).secret_key().clone();
        derive_session_keys(&a, &public_key_of(&b), b"t").unwrap()
    }

    #[test]
    fn ivs_follow_the_standard() {
        assert_eq!(iv(Sender::Reader, 1), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(
            iv(Sender::Device, 0x0102_0304),
            [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]
        );
    }

    #[test]
    fn seal_and_open() {
        let keys = keys();
        let sealed = seal(&keys, Sender::Reader, 1, b"hello").unwrap();
        assert_eq!(sealed.len(), 5 + 16);
        assert_eq!(open(&keys, Sender::Reader, 1, &sealed).unwrap(), b"hello");
        for (sender, counter) in [(Sender::Reader, 2), (Sender::Device, 1)] {
            assert_eq!(
                open(&keys, sender, counter, &sealed).map_err(|e| e.code()),
                Err("session_decryption_failed")
            );
        }
        assert_eq!(
            open(&keys, Sender::Reader, 1, &[0u8; 3]).map_err(|e| e.code()),
            Err("session_decryption_failed")
        );
    }

    #[test]
    fn counter_never_wraps() {
        let mut c = Counter::at(u32::MAX);
        assert_eq!(c.current().unwrap(), u32::MAX);
        c.advance();
        assert_eq!(c.current().map_err(|e| e.code()), Err("session_terminated"));
        c.advance();
        assert_eq!(c.current().map_err(|e| e.code()), Err("session_terminated"));
        assert_eq!(Counter::FIRST.current().unwrap(), 1);
    }
}
