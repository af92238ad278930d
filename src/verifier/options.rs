//! [`VerifyOptions`]: everything a verification takes besides the input,
//! in one value built step by step.

use time::OffsetDateTime;

use super::StatusTokens;
use crate::x509::crl::CrlSet;

/// What a verification is checked against, besides the trusted authorities
/// and policies the [`Verifier`](super::Verifier) holds: the time, and what
/// the caller knows about the exchange.
///
/// Only `now` is required; everything else starts unset. The values are
/// borrowed, so building options per request costs nothing.
///
/// ```
/// use docbridge::{DrivingLicence, VerifyOptions};
/// use time::macros::datetime;
///
/// let transcript = [0xd8, 0x18, 0x41, 0xf6]; // the verifier's own SessionTranscriptBytes
/// let options = VerifyOptions::at(datetime!(2026-11-29 12:00 UTC))
///     .doc_type(DrivingLicence::DOC_TYPE)
///     .transcript(&transcript);
/// assert_eq!(options.now(), datetime!(2026-11-29 12:00 UTC));
/// ```
#[derive(Clone)]
pub struct VerifyOptions<'a> {
    now: OffsetDateTime,
    doc_type: Option<&'a str>,
    transcript: Option<&'a [u8]>,
    reader_key: Option<&'a p256::SecretKey>,
    status_token: Option<&'a [u8]>,
    status_tokens: Option<&'a StatusTokens>,
    one_device_key: bool,
    identifier_list_token: Option<&'a [u8]>,
    identifier_list_tokens: Option<&'a StatusTokens>,
    crls: Option<&'a CrlSet>,
}

impl<'a> VerifyOptions<'a> {
    /// Options for a verification at `now` (the library never reads the
    /// clock: a backend passes `OffsetDateTime::now_utc()`).
    pub fn at(now: OffsetDateTime) -> VerifyOptions<'a> {
        VerifyOptions {
            now,
            doc_type: None,
            transcript: None,
            reader_key: None,
            status_token: None,
            status_tokens: None,
            one_device_key: false,
            identifier_list_token: None,
            identifier_list_tokens: None,
            crls: None,
        }
    }

    /// The doc type the caller expects: the MSO must name it
    /// (`doc_type_mismatch`). For a response, pick the document with
    /// [`ResponseVerification::into_doc_type`](super::ResponseVerification::into_doc_type)
    /// instead; each of its documents is checked against its own docType.
    pub fn doc_type(mut self, doc_type: &'a str) -> VerifyOptions<'a> {
        self.doc_type = Some(doc_type);
        self
    }

    /// The verifier's own SessionTranscriptBytes (see [`crate::transcript`]),
    /// against which device authentication is checked. Required for a
    /// Document or a DeviceResponse; refused for a bare IssuerSigned, which
    /// carries no device authentication (`invalid_argument` either way, so
    /// a caller never believes a document holder-bound when it is not).
    pub fn transcript(mut self, session_transcript_bytes: &'a [u8]) -> VerifyOptions<'a> {
        self.transcript = Some(session_transcript_bytes);
        self
    }

    /// The reader's ephemeral P-256 private key, the key of the session
    /// (see [`crate::session`]); needed only for documents authenticated
    /// with deviceMac.
    pub fn reader_key(mut self, key: &'a p256::SecretKey) -> VerifyOptions<'a> {
        self.reader_key = Some(key);
        self
    }

    /// The encoded Status List Token the app fetched from the URI the
    /// document references (the library does no I/O). Used for every
    /// document whose URI has no entry in [`VerifyOptions::status_tokens`];
    /// a token whose `sub` is another URI is refused
    /// (`status_token_uri_mismatch`).
    pub fn status_token(mut self, token: &'a [u8]) -> VerifyOptions<'a> {
        self.status_token = Some(token);
        self
    }

    /// Status List Tokens keyed by the URI documents reference, for a
    /// response whose documents reference different lists.
    pub fn status_tokens(mut self, tokens: &'a StatusTokens) -> VerifyOptions<'a> {
        self.status_tokens = Some(tokens);
        self
    }

    /// Requires every document of a response to be bound to one device key
    /// (`device_keys_differ` otherwise): a reader that asks one person for
    /// several documents must not accept two people's documents combined,
    /// each holder-bound on its own. Without it the outcome only reports
    /// [`ResponseVerification::one_device_key`](super::ResponseVerification::one_device_key).
    pub fn require_one_device_key(mut self) -> VerifyOptions<'a> {
        self.one_device_key = true;
        self
    }

    /// The encoded identifier list (CWT, ISO/IEC 18013-5 second edition)
    /// the app fetched from the URI the document's `identifier_list`
    /// references. Used for every document whose URI has no entry in
    /// [`VerifyOptions::identifier_list_tokens`]; a list whose `sub` is
    /// another URI is refused (`status_token_uri_mismatch`).
    pub fn identifier_list_token(mut self, token: &'a [u8]) -> VerifyOptions<'a> {
        self.identifier_list_token = Some(token);
        self
    }

    /// Identifier lists keyed by the URI documents reference.
    pub fn identifier_list_tokens(mut self, tokens: &'a StatusTokens) -> VerifyOptions<'a> {
        self.identifier_list_tokens = Some(tokens);
        self
    }

    /// The certificate revocation lists the app fetched, keyed by the
    /// distribution point each came from (see [`crate::x509::crl`]). Giving
    /// them turns the Document Signer's CRL check on, under the verifier's
    /// [`CrlPolicy`](crate::x509::crl::CrlPolicy) (fail closed unless set
    /// otherwise with [`Verifier::with_crl_policy`](super::Verifier::with_crl_policy)).
    pub fn crls(mut self, crls: &'a CrlSet) -> VerifyOptions<'a> {
        self.crls = Some(crls);
        self
    }

    /// The time of the verification.
    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    pub(super) fn expected_doc_type(&self) -> Option<&'a str> {
        self.doc_type
    }

    pub(super) fn session_transcript(&self) -> Option<&'a [u8]> {
        self.transcript
    }

    pub(super) fn one_device_key_required(&self) -> bool {
        self.one_device_key
    }

    pub(super) fn ephemeral_reader_key(&self) -> Option<&'a p256::SecretKey> {
        self.reader_key
    }

    /// The identifier list for a document referencing `uri`: the one keyed
    /// by that URI, else the one given for any document.
    pub(super) fn identifier_list_for(&self, uri: Option<&str>) -> Option<&'a [u8]> {
        uri.and_then(|uri| self.identifier_list_tokens?.get(uri))
            .map(Vec::as_slice)
            .or(self.identifier_list_token)
    }

    pub(super) fn crl_set(&self) -> Option<&'a CrlSet> {
        self.crls
    }

    /// The token for a document referencing `uri`: the one keyed by that
    /// URI, else the one given for any document.
    pub(super) fn token_for(&self, uri: Option<&str>) -> Option<&'a [u8]> {
        uri.and_then(|uri| self.status_tokens?.get(uri))
            .map(Vec::as_slice)
            .or(self.status_token)
    }
}

/// Token bytes and key material are left out: a logged options value shows
/// what was set, never a secret.
impl std::fmt::Debug for VerifyOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyOptions")
            .field("now", &self.now)
            .field("doc_type", &self.doc_type)
            .field("transcript", &self.transcript.map(<[u8]>::len))
            .field("reader_key", &self.reader_key.map(|_| "set"))
            .field("status_token", &self.status_token.map(<[u8]>::len))
            .field(
                "status_tokens",
                &self.status_tokens.map(|t| t.keys().collect::<Vec<_>>()),
            )
            .field("one_device_key", &self.one_device_key)
            .field(
                "identifier_list_token",
                &self.identifier_list_token.map(<[u8]>::len),
            )
            .field(
                "identifier_list_tokens",
                &self
                    .identifier_list_tokens
                    .map(|t| t.keys().collect::<Vec<_>>()),
            )
            .field(
                "crls",
                &self
                    .crls
                    .map(|set| set.iter().map(|(point, _)| point).collect::<Vec<_>>()),
            )
            .finish()
    }
}
