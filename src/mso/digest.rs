//! [`Digest`]: one value digest, held inline.

use std::fmt;
use std::ops::Deref;

/// The longest digest of any [`DigestAlgorithm`](super::DigestAlgorithm):
/// SHA-512's 64 bytes.
pub const MAX_DIGEST_LEN: usize = 64;

/// A digest as an MSO records it or a [`DigestAlgorithm`](super::DigestAlgorithm)
/// computes it: at most [`MAX_DIGEST_LEN`] bytes, held inline.
///
/// Inline because there are many: an MSO holds one per element of its
/// document, and a verifier computes one per disclosed element; a heap
/// allocation for each cost more than comparing them. It reads as a byte
/// slice (`Deref<Target = [u8]>`); two digests are equal when their bytes
/// are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    len: u8,
    // Zero past `len`, so the derived equality is that of the bytes.
    bytes: [u8; MAX_DIGEST_LEN],
}

/// Hashed as its bytes, as a `[u8]` is (so it agrees with equality, and a
/// set of digests could be searched by slice).
impl std::hash::Hash for Digest {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl Digest {
    /// The digest `bytes`; `None` when they are longer than
    /// [`MAX_DIGEST_LEN`], which no digest algorithm writes.
    pub fn from_slice(bytes: &[u8]) -> Option<Digest> {
        let mut digest = Digest {
            len: u8::try_from(bytes.len())
                .ok()
                .filter(|len| usize::from(*len) <= MAX_DIGEST_LEN)?,
            bytes: [0; MAX_DIGEST_LEN],
        };
        digest.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(digest)
    }

    /// The digest's bytes.
    pub fn as_slice(&self) -> &[u8] {
        // `len` is at most MAX_DIGEST_LEN by construction; the fallback is
        // never taken.
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

/// A SHA-256 output.
impl From<[u8; 32]> for Digest {
    fn from(bytes: [u8; 32]) -> Digest {
        let mut digest = Digest {
            len: 32,
            bytes: [0; MAX_DIGEST_LEN],
        };
        let (head, _) = digest.bytes.split_at_mut(32);
        head.copy_from_slice(&bytes);
        digest
    }
}

/// A SHA-384 output.
impl From<[u8; 48]> for Digest {
    fn from(bytes: [u8; 48]) -> Digest {
        let mut digest = Digest {
            len: 48,
            bytes: [0; MAX_DIGEST_LEN],
        };
        let (head, _) = digest.bytes.split_at_mut(48);
        head.copy_from_slice(&bytes);
        digest
    }
}

/// A SHA-512 output.
impl From<[u8; 64]> for Digest {
    fn from(bytes: [u8; 64]) -> Digest {
        Digest { len: 64, bytes }
    }
}

impl Deref for Digest {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq<[u8]> for Digest {
    fn eq(&self, other: &[u8]) -> bool {
        self.as_slice() == other
    }
}

/// Ordered as byte strings, so digests can key a sorted set.
impl Ord for Digest {
    fn cmp(&self, other: &Digest) -> std::cmp::Ordering {
        self.as_slice().cmp(other.as_slice())
    }
}

impl PartialOrd for Digest {
    fn partial_cmp(&self, other: &Digest) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", hex::encode(self.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_every_length_up_to_64_bytes_and_refuses_longer() {
        for len in 0..=MAX_DIGEST_LEN {
            let bytes: Vec<u8> = (1..=len).map(|i| i as u8).collect();
            let digest = Digest::from_slice(&bytes).unwrap();
            assert_eq!(digest.as_slice(), bytes.as_slice());
            assert_eq!(digest.len(), len);
        }
        assert_eq!(Digest::from_slice(&[0; MAX_DIGEST_LEN + 1]), None);
        assert_eq!(Digest::from_slice(&[0; 256]), None);
    }

    #[test]
    fn equal_when_the_bytes_are() {
        let a = Digest::from([7u8; 32]);
        assert_eq!(a, Digest::from_slice(&[7; 32]).unwrap());
        // A shorter digest whose bytes are a prefix is another digest.
        assert_ne!(a, Digest::from_slice(&[7; 31]).unwrap());
        // Zero bytes past the length do not make digests equal.
        assert_ne!(
            Digest::from_slice(&[0; 32]).unwrap(),
            Digest::from_slice(&[0; 33]).unwrap()
        );
        assert_eq!(Digest::from([1u8; 48]).len(), 48);
        assert_eq!(Digest::from([1u8; 64]).as_slice(), &[1u8; 64][..]);
        assert_eq!(
            format!("{:?}", Digest::from_slice(&[0xab, 0x01]).unwrap()),
            "Digest(ab01)"
        );
        // Ordered as byte strings: a prefix first, then by the first byte
        // that differs.
        let short = Digest::from_slice(&[2]).unwrap();
        let long = Digest::from_slice(&[1, 9]).unwrap();
        assert!(long < short);
        assert!(Digest::from_slice(&[1]).unwrap() < long);
        // Hashed as its bytes.
        let hash = |value: &dyn Fn(&mut std::collections::hash_map::DefaultHasher)| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            value(&mut hasher);
            std::hash::Hasher::finish(&hasher)
        };
        let digest = Digest::from([9u8; 48]);
        assert_eq!(
            hash(&|h| std::hash::Hash::hash(&digest, h)),
            hash(&|h| std::hash::Hash::hash(&[9u8; 48][..], h))
        );
    }
}
