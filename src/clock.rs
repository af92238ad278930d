//! Time allowances shared by every check that compares `now` with a signed
//! time: the MSO validity (the verifier), Status List Tokens (`status`),
//! and whatever layer comes next.
//!
//! The library never reads the clock; these are only the margins it allows
//! around the `now` a caller passes in. They live below the modules that use
//! them so that a lower layer (status tokens) does not import an upper one
//! (the verifier) for a constant.

use time::Duration;

/// Clock skew allowed by default between the caller's `now` and a signed
/// validity period (MSO validFrom / validUntil, a status token's `iat` and
/// `exp`): five minutes, for a phone or a server whose clock is slightly off.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::minutes(5);
