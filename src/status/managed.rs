//! An issuer's status list being kept: the list, its URI and which indexes
//! are allocated, with a small JSON file format for keeping it between runs
//! (the command-line tool's `status-list` commands use it).
//!
//! The file is one JSON object:
//!
//! ```json
//! {
//!   "format": "docbridge-status-list/1",
//!   "uri": "https://status.example.ua/lists/1",
//!   "bits": 2,
//!   "size": 1000000,
//!   "lst": "<base64url, no padding, of the zlib-compressed packed entries>",
//!   "allocated": "<the same for a one-bit list: 1 = index allocated>"
//! }
//! ```
//!
//! `lst` is byte for byte what goes into a token's `status_list`, so the file
//! and the published tokens can be compared.
//!
//! ## Herd privacy: a minimum size
//!
//! A verifier fetches the whole list to check one entry. When the list holds
//! a handful of documents, that fetch tells the issuer whose document is
//! being checked, and where (draft-ietf-oauth-status-list, privacy
//! considerations: herd privacy). [`ManagedStatusList::new`] therefore
//! refuses lists shorter than [`MIN_LIST_SIZE`] (16,384 entries: 4 KiB at
//! two bits before compression, a few dozen bytes after for a fresh list).
//! [`ManagedStatusList::new_any_size`] overrides this for tests, and for an
//! issuer that accepts the loss knowingly. Lists already kept in files are
//! read whatever their size.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::CryptoRng;
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::status::allocator::IndexAllocator;
use crate::status::list::{EncodedStatusList, StatusList};
use crate::status::reference::StatusListReference;
use crate::status::token::StatusListToken;
use crate::status::value::{StatusBits, StatusValue};

/// The `format` value of a status-list file.
pub const STATUS_LIST_FILE_FORMAT: &str = "docbridge-status-list/1";

/// The fewest entries [`ManagedStatusList::new`] accepts (see the
/// [module documentation](self) on herd privacy).
pub const MIN_LIST_SIZE: u64 = 16_384;

/// An issuer's status list: URI, entries and allocated indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedStatusList {
    uri: String,
    list: StatusList,
    allocator: IndexAllocator,
}

impl ManagedStatusList {
    /// A list of `size` entries of `bits` bits, all VALID and unallocated,
    /// published at `uri`.
    ///
    /// Refused with `invalid_argument` for an empty URI or a size below
    /// [`MIN_LIST_SIZE`], and with `status_list_too_large` above the limit.
    pub fn new(uri: impl Into<String>, bits: StatusBits, size: u64) -> Result<ManagedStatusList> {
        if size < MIN_LIST_SIZE {
            return Err(Error::InvalidArgument(format!(
                "a status list of {size} entries lets the issuer tell whose document a verifier \
                 checks; use at least {MIN_LIST_SIZE}, or new_any_size to accept that"
            )));
        }
        ManagedStatusList::new_any_size(uri, bits, size)
    }

    /// [`ManagedStatusList::new`] without the minimum size: any size from 1.
    /// A small list gives up herd privacy (see the [module
    /// documentation](self)); for tests, or an issuer that accepts that.
    ///
    /// Refused with `invalid_argument` for an empty URI or a size of 0, and
    /// with `status_list_too_large` above the limit.
    pub fn new_any_size(
        uri: impl Into<String>,
        bits: StatusBits,
        size: u64,
    ) -> Result<ManagedStatusList> {
        let uri = uri.into();
        if uri.is_empty() {
            return Err(Error::InvalidArgument("a status list needs a URI".into()));
        }
        Ok(ManagedStatusList {
            uri,
            list: StatusList::new(bits, size)?,
            allocator: IndexAllocator::new(size)?,
        })
    }

    /// The URI the list's tokens are published at.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The entries.
    pub fn list(&self) -> &StatusList {
        &self.list
    }

    /// Which indexes are allocated.
    pub fn allocator(&self) -> &IndexAllocator {
        &self.allocator
    }

    /// Allocates a random unused index (see [`IndexAllocator::allocate`]) and
    /// returns the reference to write into a document's MSO.
    pub fn allocate<R: CryptoRng + ?Sized>(&mut self, rng: &mut R) -> Result<StatusListReference> {
        let idx = self.allocator.allocate(rng)?;
        StatusListReference::new(idx, self.uri.clone())
    }

    /// Sets the status at `index` (see [`StatusList::set`]). Refused with
    /// `invalid_argument` for an index no document was given: revoking an
    /// unused entry revokes nothing and hides a typing mistake.
    pub fn set(&mut self, index: u64, status: StatusValue) -> Result<()> {
        if index < self.allocator.size() && !self.allocator.is_used(index) {
            return Err(Error::InvalidArgument(format!(
                "index {index} of {} was never allocated to a document",
                self.uri
            )));
        }
        self.list.set(index, status)
    }

    /// The status at `index`.
    pub fn get(&self, index: u64) -> Result<StatusValue> {
        self.list.get(index)
    }

    /// Token claims for the current list, issued at `issued_at`, valid until
    /// `expires_at`, with `ttl` seconds of caching if given (see
    /// [`StatusListToken::new`]); sign them with [`StatusListToken::sign`].
    pub fn token(
        &self,
        issued_at: OffsetDateTime,
        expires_at: OffsetDateTime,
        ttl: Option<u64>,
    ) -> Result<StatusListToken> {
        let mut token = StatusListToken::new(self.uri.clone(), &self.list, issued_at, expires_at)?;
        token.ttl = ttl;
        Ok(token)
    }

    /// The list as its JSON file (see the [module documentation](self)).
    pub fn to_json(&self) -> Result<String> {
        let file = StatusListFile {
            format: STATUS_LIST_FILE_FORMAT.to_string(),
            uri: self.uri.clone(),
            bits: u64::from(self.list.bits().get()),
            size: self.list.len(),
            lst: URL_SAFE_NO_PAD.encode(self.list.encode()?.lst),
            allocated: URL_SAFE_NO_PAD.encode(self.allocator.to_status_list()?.encode()?.lst),
        };
        serde_json::to_string_pretty(&file)
            .map(|text| text + "\n")
            .map_err(|e| Error::InvalidArgument(format!("cannot write the status list: {e}")))
    }

    /// Reads a list from its JSON file.
    ///
    /// Refused with `invalid_argument` for JSON of another shape or format
    /// (a missing or unknown member included), or a decompressed `lst` or
    /// `allocated` whose length does not fit `size`; with
    /// `status_list_malformed` for bad `bits` or a bad zlib stream; with
    /// `status_list_too_large` above the limit.
    pub fn from_json(text: &str) -> Result<ManagedStatusList> {
        let bad = |detail: String| Error::InvalidArgument(format!("status list file: {detail}"));
        let file: StatusListFile = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if file.format != STATUS_LIST_FILE_FORMAT {
            return Err(bad(format!(
                "format {:?}, expected {STATUS_LIST_FILE_FORMAT:?}",
                file.format
            )));
        }
        let uri = file.uri.as_str();
        if uri.is_empty() {
            return Err(bad("empty \"uri\"".into()));
        }
        let bits = StatusBits::from_u64(file.bits)?;
        let size = file.size;
        // The lists are inflated (bounded) and checked against `size` before
        // anything is allocated from `size`.
        let unpack = |key: &str, text: &str, bits: StatusBits| -> Result<StatusList> {
            let lst = URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|e| bad(format!("{key:?} is not base64url: {e}")))?;
            let decoded = EncodedStatusList { bits, lst }.decode()?;
            StatusList::from_parts(bits, size, decoded.into_bytes()).map_err(|e| match e {
                Error::InvalidArgument(detail) => bad(format!("{key:?}: {detail}")),
                other => other,
            })
        };
        let list = unpack("lst", &file.lst, bits)?;
        let allocator = IndexAllocator::from_status_list(
            &unpack("allocated", &file.allocated, StatusBits::One)?,
            size,
        )?;
        Ok(ManagedStatusList {
            uri: uri.to_string(),
            list,
            allocator,
        })
    }
}

/// The JSON file, member for member (see the [module documentation](self));
/// an unknown member is refused, so a misspelt one is never ignored.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusListFile {
    format: String,
    uri: String,
    bits: u64,
    size: u64,
    lst: String,
    allocated: String,
}
