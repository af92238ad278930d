//! OpenID4VP 1.0 for `mso_mdoc`: the handovers, JWK thumbprints.
//!
//! | module | concept |
//! |---|---|
//! | [`handover`] | `OpenID4VPHandover` and `OpenID4VPDCAPIHandover` session transcripts |
//! | [`jwk`] | the verifier's P-256 JWK and its RFC 7638 thumbprint |
//! | [`jwe`] | encrypted responses: JWE ECDH-ES with A128GCM / A256GCM |

pub mod handover;
pub mod jwe;
pub mod jwk;

pub use jwk::EcJwk;
