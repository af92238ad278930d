//! docbridge (work in progress).
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]
#![warn(missing_docs, unreachable_pub)]
#![forbid(unsafe_code)]

pub mod cbor;
pub mod cose;
pub mod documents;
pub mod error;
pub mod issuer_signed;
pub mod mso;
pub mod trust;
pub mod x509;
