//! Bulk verification: many documents or responses in one call (a border
//! post's queue, a police query over imported records), spread over every
//! core with the `rayon` feature and one after another without it (phones
//! verify one document while a person waits; a thread pool is weight for
//! nothing there).
//!
//! Each input gets its own result, at its own index: one bad document fails
//! alone, with its own error code, and never hides or fails the others. The
//! work shares the verifier's certificate cache, so a Document Signer is
//! chained once for the whole batch.
//!
//! Ed25519 signatures are checked one by one, not in an Ed25519 batch: a
//! batch equation with random coefficients accepts, with probability 1/8, a
//! signature whose R carries a small-order component, which `verify_strict`
//! refuses every time. A document must not verify in a batch and fail
//! alone, so the batch shortcut is not sound against the strict check this
//! crate makes.

use super::{PresentedResponse, ResponseVerification, VerifiedDocument, Verifier, VerifyOptions};
use crate::error::Result;
use crate::verifier::Presented;

impl Verifier {
    /// Verifies each of `documents` as [`Verifier::verify`] would, with the
    /// same `options`, on every core with the `rayon` feature (in rayon's
    /// current pool: `ThreadPool::install` bounds the threads). The
    /// results come in the order of `documents`, one per document.
    pub fn verify_many<T>(
        &self,
        documents: &[T],
        options: &VerifyOptions<'_>,
    ) -> Vec<Result<VerifiedDocument>>
    where
        T: Sync,
        for<'b> &'b T: Into<Presented<'b>>,
    {
        map(documents, |document| self.verify(document, options))
    }

    /// Verifies each DeviceResponse with its own options (each session has
    /// its own transcript) as [`Verifier::verify_response`] would, on every
    /// core with the `rayon` feature. The results come in the order of
    /// `responses`, one per response, each with one outcome per document.
    pub fn verify_many_responses<T>(
        &self,
        responses: &[(T, VerifyOptions<'_>)],
    ) -> Vec<Result<ResponseVerification>>
    where
        T: Sync,
        for<'b> &'b T: Into<PresentedResponse<'b>>,
    {
        map(responses, |(response, options)| {
            self.verify_response(response, options)
        })
    }
}

#[cfg(feature = "rayon")]
fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

#[cfg(not(feature = "rayon"))]
fn map<T, R>(items: &[T], f: impl Fn(&T) -> R) -> Vec<R> {
    items.iter().map(f).collect()
}
