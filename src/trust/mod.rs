//! Trust: issuing authorities, the set a verifier trusts, and the verifier's
//! acceptance policy.
//!
//! Trust is scoped. An authority may sign only the document types listed for
//! it, only for its own country, only with its own IACA certificates; the
//! acceptance policy then says which (country, doc type) pairs a verifier
//! accepts at all.
//!
//! Where authorities come from:
//!
//! | module | concept |
//! |---|---|
//! | [`list`] | the project's signed national trust list: format (CDDL), build, sign, verify |
//! | [`store`] | [`TrustStore`]: pinned operators, held lists, rollback and staleness rules, persistence |
//! | [`vical`] | ISO/IEC 18013-5 VICAL import (AAMVA and others), doc types enforced per certificate |
//! | `demo` | demo authorities with their private keys, for examples and tests (feature `demo`) |

mod authority;
#[cfg(feature = "demo")]
#[cfg_attr(docsrs, doc(cfg(feature = "demo")))]
pub mod demo;
pub mod list;
mod policy;
pub mod store;
pub mod vical;

pub use authority::{IssuingAuthority, TrustedAuthorities};
pub use list::{ListFormat, ListSource, SignedTrustList, TrustList, VerifiedTrustList};
pub use policy::{AcceptancePolicy, CROSS_BORDER_DOC_TYPES};
pub use store::{StalePolicy, TrustStore};
pub use vical::{SignedVical, VerifiedVical};
