//! Randomness: which RNG the API takes, and where a caller gets one.
//!
//! Everything that draws random bytes (salts and digest IDs when issuing,
//! status-list indexes, session keys, demo authorities) takes an injected
//! RNG, `R: rand_core::CryptoRng` of **`rand_core` 0.10** (the generation of
//! `rand` 0.10, `rand_chacha` 0.10 and `getrandom` 0.4), re-exported as
//! [`deps::rand_core`](crate::deps::rand_core). The library never picks a
//! generator behind the caller's back, so tests and conformance vectors
//! can pass a seeded one and get the same bytes on every run.
//!
//! Where to get one:
//!
//! - **The operating system's RNG**: with the feature `getrandom`,
//!   `rng::system()` returns `getrandom::SysRng` in the form the API takes.
//!   Without the feature, the same is
//!   `rand_core::UnwrapErr(getrandom::SysRng)` with `getrandom` 0.4
//!   (feature `sys_rng`) in the caller's own dependencies.
//! - **`rand` 0.10**: `rand::rng()` (the thread RNG, feature `thread_rng`)
//!   is a `CryptoRng` of this generation already.
//! - **An older `rand`** (0.8 or 0.9, whose `rand_core` 0.6 / 0.9 traits
//!   are different traits): draw a 32-byte seed from the generator the
//!   project already has and seed a `rand_chacha` 0.10 `ChaCha20Rng` with
//!   it, or use the operating system's RNG as above. Both crates are small
//!   and sit beside the older `rand` without conflict:
//!
//! ```
//! use docbridge::deps::rand_core::SeedableRng as _;
//! use docbridge::{Algorithm, SoftwareKey};
//!
//! // With rand 0.8: `let seed: [u8; 32] = rand::thread_rng().gen();`
//! # let mut seed = [0u8; 32];
//! # getrandom::fill(&mut seed).unwrap();
//! let mut rng = rand_chacha::ChaCha20Rng::from_seed(seed);
//! let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
//! ```

/// The operating system's RNG in the form the API takes
/// (feature `getrandom`).
#[cfg(feature = "getrandom")]
#[cfg_attr(docsrs, doc(cfg(feature = "getrandom")))]
pub type SystemRng = rand_core::UnwrapErr<getrandom::SysRng>;

/// The operating system's RNG (`getrandom::SysRng`), as the
/// `rand_core` 0.10 `CryptoRng` the API takes (feature `getrandom`).
///
/// It panics if the operating system cannot provide random bytes, which
/// `getrandom` reports only where no entropy source exists at all; an
/// issuer cannot go on without randomness, and the API's RNG is infallible
/// by design (`rand_core::UnwrapErr`).
///
/// ```
/// use docbridge::{Algorithm, SoftwareKey};
///
/// let device_key = SoftwareKey::generate(Algorithm::EdDsa, &mut docbridge::rng::system());
/// ```
#[cfg(feature = "getrandom")]
#[cfg_attr(docsrs, doc(cfg(feature = "getrandom")))]
pub fn system() -> SystemRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}
