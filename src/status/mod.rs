//! Revocation and suspension through Token Status Lists in CWT form
//! (IETF draft-ietf-oauth-status-list, as adopted for mdoc), and revocation
//! through identifier lists (ISO/IEC 18013-5 second edition,
//! [`identifier_list`]).
//!
//! An issuer keeps, per list, one entry of 1, 2, 4 or 8 bits for each
//! document; the MSO of each document says where its entry is
//! (`status: {"status_list": {"idx", "uri"}}`); the issuer publishes the
//! whole list, compressed and signed, as a Status List Token at the URI;
//! the app fetches the token (the library does no I/O) and the verifier
//! reads the document's entry.
//!
//! | module | concept |
//! |---|---|
//! | [`value`] | [`StatusValue`] (VALID 0, INVALID 1, SUSPENDED 2, other) and [`StatusBits`] |
//! | [`reference`](mod@reference) | the MSO's [`StatusReference`] / [`StatusListReference`] |
//! | [`list`] | [`StatusList`] (packed, least significant bits first) and its zlib wire form [`EncodedStatusList`], with bounded inflation |
//! | [`allocator`] | [`IndexAllocator`]: random unused indexes, so indexes do not reveal issuance order |
//! | [`token`] | [`StatusListToken`]: the CWT claims, signing and verifying |
//! | [`identifier_list`] | [`IdentifierListReference`], [`IdentifierList`] and its signed CWT form [`IdentifierListToken`] |
//! | [`check`] | [`StatusPolicy`], [`StatusOutcome`], [`StatusInputs`] and the check of one document's status |
//! | [`managed`] | [`ManagedStatusList`]: an issuer's list with its URI and allocations, and its JSON file |
//! | [`batch`] | [`BatchStatus`]: the entries and identifiers of one batch's copies, revoked (or suspended, or reinstated) in one call |
//! | [`store`] | [`StatusListStore`]: where the list is kept, changed under exclusive access; [`FileStatusListStore`] locks its file and replaces it atomically |
//!
//! ## Who signs tokens
//!
//! A token is accepted for a document only when its x5chain leaf is a
//! Document Signer certificate (ISO/IEC 18013-5 Annex B profile) issued by
//! an IACA certificate of the same issuing authority that vouched for the
//! document, valid at `now`. An issuer may sign with its Document Signer
//! key (as the demo authorities do) or with a separate key certified by its
//! IACA under the same profile; a token signed under another authority's
//! IACA, even a trusted one, is refused (`status_token_wrong_authority`).
//!
//! ## Verifying
//!
//! [`crate::VerifyOptions::status_token`] takes the token bytes; the result
//! says what was found ([`crate::VerifiedDocument::status`]). See
//! [`token`] for the checks on the token and [`check::check_status`] for the
//! entry. Revoked documents are refused with `revoked`, suspended ones with
//! `suspended`.
//!
//! ## Limits
//!
//! A decompressed list may be at most [`MAX_LIST_BYTES`] (16 MiB). Reading
//! one entry inflates only the bytes up to it; decoding a whole list stops
//! as soon as the limit is passed. A zip bomb is refused, never inflated.

pub mod allocator;
pub mod batch;
pub mod check;
mod cwt_claims;
pub mod identifier_list;
mod inflate;
pub mod list;
pub mod managed;
pub mod reference;
pub mod store;
pub mod token;
pub mod value;

pub use allocator::IndexAllocator;
pub use batch::BatchStatus;
pub use check::{StatusInputs, StatusOutcome, StatusPolicy, check_status, document_status_with};
pub use identifier_list::{
    IDENTIFIER_LIST_CWT_TYP, IdentifierList, IdentifierListReference, IdentifierListToken,
    verify_identifier_list_token, verify_identifier_list_token_with_key,
};
pub use list::{EncodedStatusList, MAX_LIST_BYTES, StatusList};
pub use managed::{MIN_LIST_SIZE, ManagedStatusList};
pub use reference::{StatusListReference, StatusReference};
pub use store::{FileStatusListStore, StatusListStore};
pub use token::{
    STATUS_LIST_CWT_TYP, StatusListToken, verify_status_list_token,
    verify_status_list_token_with_key,
};
pub use value::{StatusBits, StatusValue};
