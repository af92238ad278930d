//! OpenID4VP 1.0 for `mso_mdoc`, verifier and wallet.
//!
//! ```text
//! verifier                                         wallet
//! VerifierRequest::new(client, mode, DCQL) ─ request ─► WalletRequest::from_json(request, origin?)
//!   keeps nonce, state, encryption key                (signed: Wallet::verify_signed_request(JWS, roots))
//!   (signed_request_object(signer, chain))            Wallet::prepare_openid4vp -> consent screen
//!                                                     Wallet::approve_vp_token(consent) -> VpToken
//! read_response(params) -> VpToken ◄─ {vp_token} / {response: JWE} ─ respond(VpToken)
//! verify each DeviceResponse over session_transcript_bytes()
//! ```
//!
//! | module | concept |
//! |---|---|
//! | [`dcql`] | DCQL queries for `mso_mdoc`: build, parse, match against stored documents, map to [`crate::ItemsRequest`] |
//! | [`verifier_request`] | the verifier: authorization request, reading the response |
//! | [`wallet_request`] | the wallet: reading the request, checking the client, answering |
//! | [`vp_token`] | the vp_token: DeviceResponses per credential query id |
//! | [`jar`] | signed requests (JAR): request objects signed under `x509_san_dns:` / `x509_hash:`, verified against reader roots; `request_uri` |
//! | [`handover`] | `OpenID4VPHandover` and `OpenID4VPDCAPIHandover` session transcripts |
//! | [`jwk`] | the verifier's P-256 JWK and its RFC 7638 thumbprint |
//! | [`jwe`] | encrypted responses: JWE ECDH-ES with A128GCM / A256GCM |

pub mod dcql;
pub mod handover;
pub mod jar;
pub mod jwe;
pub mod jwk;
pub mod verifier_request;
pub mod vp_token;
pub mod wallet_request;

pub use dcql::DcqlQuery;
pub use jar::{Expected, RequestReference, SignedRequest};
pub use jwk::EcJwk;
pub use verifier_request::{ResponseMode, VerifierRequest};
pub use vp_token::VpToken;
pub use wallet_request::WalletRequest;
