//! Trust: issuing authorities, the set a verifier trusts, and the verifier's
//! acceptance policy.
//!
//! Trust is scoped. An authority may sign only the document types listed for
//! it, only for its own country, only with its own IACA certificates; the
//! acceptance policy then says which (country, doc type) pairs a verifier
//! accepts at all.

mod authority;
pub mod demo;
mod policy;

pub use authority::{IssuingAuthority, TrustedAuthorities};
pub use policy::AcceptancePolicy;
