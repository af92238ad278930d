//! The one error type of the crate.
//!
//! Every distinct reason for refusing input has its own variant and a stable
//! [`Error::code`] string. The codes are the crate's public vocabulary: they
//! appear in the command-line tool's JSON, in the bindings' exceptions and in
//! the conformance vectors, so a code, once published, never changes meaning.

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an operation failed.
///
/// Each variant carries a human-readable detail; match on the variant (or on
/// [`Error::code`]) rather than on the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ----- CBOR -----
    /// The input is not well-formed CBOR (truncated, reserved values, wrong
    /// major type where a specific one is required, invalid UTF-8 text).
    #[error("malformed CBOR: {0}")]
    CborMalformed(String),
    /// The input is larger than the configured [`crate::cbor::Limits::max_input_len`].
    #[error("CBOR input too large: {len} bytes, limit {limit}")]
    CborTooLarge {
        /// Length of the input.
        len: usize,
        /// Configured limit.
        limit: usize,
    },
    /// Arrays, maps and tags nest deeper than the configured limit.
    #[error("CBOR nesting deeper than {limit}")]
    CborTooDeep {
        /// Configured limit.
        limit: usize,
    },
    /// The input holds more data items than the configured limit.
    #[error("CBOR input holds more than {limit} data items")]
    CborTooManyItems {
        /// Configured limit.
        limit: usize,
    },
    /// A definite length claims more bytes or items than the input can hold.
    #[error("CBOR length {claimed} exceeds the {available} bytes left in the input")]
    CborLengthExceedsInput {
        /// The length the input claims.
        claimed: u64,
        /// Bytes actually left.
        available: usize,
    },
    /// Bytes remain after the top-level data item.
    #[error("{0} trailing bytes after the CBOR data item")]
    CborTrailingBytes(usize),
    /// Indefinite-length strings, arrays or maps; the mdoc encoding rules require
    /// definite lengths, and refusing them keeps every length checkable up front.
    #[error("indefinite-length CBOR item is not allowed")]
    CborIndefiniteLength,
    /// A map holds the same key twice (RFC 8949 section 5.6: not valid CBOR for
    /// this profile; two readers could otherwise see two different values).
    #[error("duplicate key in CBOR map: {0}")]
    CborDuplicateKey(String),
    /// A CBOR tag other than the one the structure requires.
    #[error("unexpected CBOR tag: {0}")]
    CborUnexpectedTag(String),
    /// An element that must be embedded CBOR (tag 24 around a byte string) is not.
    #[error("expected tag-24 embedded CBOR: {0}")]
    CborNotTag24(String),

    // ----- Structure -----
    /// Well-formed CBOR whose shape is not the expected structure: a required
    /// field is missing or has the wrong type.
    #[error("invalid structure: {0}")]
    InvalidStructure(String),
    /// A date or date-time element could not be read.
    #[error("invalid date: {0}")]
    InvalidDate(String),

    // ----- COSE -----
    /// The COSE structure itself is malformed.
    #[error("malformed COSE structure: {0}")]
    CoseMalformed(String),
    /// The protected header names no algorithm (an algorithm only in the
    /// unprotected header does not count: it is not covered by the signature).
    #[error("no algorithm in the protected header")]
    AlgorithmNotProtected,
    /// The algorithm is not one the crate supports.
    #[error("unsupported algorithm: {0}")]
    UnsupportedAlgorithm(String),
    /// The algorithm does not fit the key (for example ES384 with a P-256 key).
    #[error("algorithm {alg} does not fit a {key} key")]
    AlgorithmKeyMismatch {
        /// Algorithm from the protected header.
        alg: String,
        /// Kind of key.
        key: String,
    },
    /// The `crit` header lists a label the crate does not understand.
    #[error("unknown critical header: {0}")]
    UnknownCriticalHeader(String),
    /// The signature does not verify.
    #[error("signature does not verify: {0}")]
    SignatureInvalid(String),
    /// The x5chain header (label 33) is missing or empty.
    #[error("no certificate in x5chain")]
    X5ChainMissing,

    // ----- Keys -----
    /// Key material could not be read or does not fit the requested algorithm.
    #[error("invalid key: {0}")]
    InvalidKey(String),
    /// A signer failed to produce a signature (for example an HSM refused).
    #[error("signing failed: {0}")]
    SigningFailed(String),

    // ----- Certificates -----
    /// A certificate could not be parsed.
    #[error("malformed certificate: {0}")]
    CertificateMalformed(String),
    /// A certificate is past its notAfter at the verification time.
    #[error("certificate expired: {0}")]
    CertificateExpired(String),
    /// A certificate is before its notBefore at the verification time.
    #[error("certificate not yet valid: {0}")]
    CertificateNotYetValid(String),
    /// A certificate does not match its ISO/IEC 18013-5 Annex B profile (key
    /// usage, extended key usage, CA flag, missing country).
    #[error("certificate profile violated: {0}")]
    CertificateProfile(String),
    /// The Document Signer certificate is not signed by the IACA that its
    /// issuer name points to.
    #[error("certificate chain does not verify: {0}")]
    CertificateChainInvalid(String),

    // ----- Certificate revocation lists -----
    /// A CRL could not be read: not one strict-DER v2 CertificateList (or a
    /// PEM `X509 CRL` block), no nextUpdate, unreadable extensions, or more
    /// than [`crate::x509::crl::MAX_CRL_BYTES`].
    #[error("malformed CRL: {0}")]
    CrlMalformed(String),
    /// A CRL is issued by another authority than the certificate's issuer,
    /// or covers another distribution point than the one it came from.
    #[error("CRL of another issuer: {0}")]
    CrlWrongIssuer(String),
    /// A CRL's signature does not verify with the key of its issuer (nor of
    /// a CRL signer the issuer certified), or the signer may not sign CRLs.
    #[error("CRL signature does not verify: {0}")]
    CrlSignatureInvalid(String),
    /// A CRL's thisUpdate is after now (beyond the clock skew).
    #[error("CRL not yet valid: {0}")]
    CrlNotYetValid(String),
    /// A CRL's nextUpdate has passed and the CRL policy fails closed.
    #[error("stale CRL: {0}")]
    CrlStale(String),
    /// A CRL or CRL entry extension is critical and not understood.
    #[error("unknown critical CRL extension: {0}")]
    CrlUnknownCriticalExtension(String),
    /// A delta CRL was given; the crate checks complete CRLs only.
    #[error("delta CRLs are not supported: {0}")]
    CrlDeltaUnsupported(String),
    /// No CRL speaks for a certificate and the CRL policy fails closed.
    #[error("no CRL for the certificate: {0}")]
    CrlMissing(String),
    /// A current CRL of the certificate's issuer lists the certificate.
    #[error("certificate revoked: {0}")]
    CertificateRevoked(String),

    // ----- Trust -----
    /// No trusted issuing authority has an IACA certificate that issued the
    /// Document Signer certificate.
    #[error("untrusted issuer: {0}")]
    UntrustedIssuer(String),
    /// Countries disagree: DS certificate vs IACA vs authority vs the
    /// `issuing_country` element.
    #[error("country mismatch: {0}")]
    CountryMismatch(String),
    /// The issuing authority is not allowed to issue this document type.
    #[error("doc type not allowed for this authority: {0}")]
    DocTypeNotAllowed(String),
    /// The verifier's acceptance policy does not accept this (country, doc type).
    #[error("not accepted by the verifier's policy: {0}")]
    NotAccepted(String),

    // ----- Mobile security object -----
    /// The MSO's docType differs from the document's.
    #[error("doc type mismatch: {0}")]
    DocTypeMismatch(String),
    /// The digest algorithm is not SHA-256, SHA-384 or SHA-512.
    #[error("unsupported digest algorithm: {0}")]
    UnsupportedDigestAlgorithm(String),
    /// A disclosed element has no digest in the MSO under its namespace and digestID.
    #[error("no digest for disclosed element: {0}")]
    DigestMissing(String),
    /// A disclosed element's digest differs from the one in the MSO.
    #[error("digest mismatch: {0}")]
    DigestMismatch(String),
    /// Two disclosed elements share a namespace and digestID, or an element is
    /// disclosed twice.
    #[error("duplicate element: {0}")]
    DuplicateElement(String),
    /// The MSO is not valid yet (validFrom after now, beyond the clock skew).
    #[error("document not yet valid: {0}")]
    NotYetValid(String),
    /// The MSO has expired (validUntil before now, beyond the clock skew).
    #[error("document expired: {0}")]
    Expired(String),
    /// The MSO says it was signed at a time outside the validity of the
    /// Document Signer certificate that signed it (ISO/IEC 18013-5 9.3.1).
    #[error("MSO signed outside the Document Signer certificate's validity: {0}")]
    MsoSignedOutsideCertificate(String),

    // ----- Claims -----
    /// A mandatory element of a document type is missing.
    #[error("missing element: {0}")]
    MissingElement(String),
    /// An element has the wrong type or an invalid value for its document type.
    #[error("invalid element: {0}")]
    InvalidElement(String),

    // ----- Caller -----
    /// An argument given by the caller is invalid (for example validUntil
    /// before validFrom when issuing).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Reading or writing a file failed (only the helpers that take a path
    /// do I/O; the verification pipeline never does).
    #[error("i/o error: {0}")]
    Io(String),

    // ----- Status lists -----
    /// The document references a status list or identifier list, no token
    /// for either was given, and the status policy fails closed.
    #[error("no status list token for a document that references one: {0}")]
    StatusTokenMissing(String),
    /// The MSO's `status` names only mechanisms other than `status_list` and
    /// `identifier_list`, which the crate does not check, and the status
    /// policy fails closed.
    #[error("unsupported status mechanism: {0}")]
    StatusMechanismUnsupported(String),
    /// The token's protected `typ` is not `application/statuslist+cwt`.
    #[error("not a status list token: {0}")]
    StatusTokenTypeMismatch(String),
    /// The token's signer certificate was not issued by an IACA of the
    /// authority that vouched for the document.
    #[error("status list token signed outside the document's authority: {0}")]
    StatusTokenWrongAuthority(String),
    /// The token's `sub` is not the `uri` the document references.
    #[error("status list token is for another list: {0}")]
    StatusTokenUriMismatch(String),
    /// The token's `iat` is after now (beyond the clock skew).
    #[error("status list token not yet valid: {0}")]
    StatusTokenNotYetValid(String),
    /// The token's `exp` has passed (beyond the clock skew).
    #[error("status list token expired: {0}")]
    StatusTokenExpired(String),
    /// A status list is not `{bits: 1|2|4|8, lst: zlib bytes}`, or `lst`
    /// is not a (complete, where read) zlib stream.
    #[error("malformed status list: {0}")]
    StatusListMalformed(String),
    /// An identifier list is not `{"identifiers": {* bstr => map},
    /// ? "aggregation_uri": tstr}`.
    #[error("malformed identifier list: {0}")]
    IdentifierListMalformed(String),
    /// A status list would decompress (or be built) beyond the limit.
    #[error("status list too large: {0}")]
    StatusListTooLarge(String),
    /// The index lies past the end of the status list.
    #[error("status list index out of range: {0}")]
    StatusIndexOutOfRange(String),
    /// Every index of the status list is already allocated.
    #[error("status list full: {0}")]
    StatusListFull(String),
    /// The status list says the document is revoked (INVALID), or the
    /// identifier list lists it.
    #[error("document revoked: {0}")]
    Revoked(String),
    /// The status list says the document is suspended.
    #[error("document suspended: {0}")]
    Suspended(String),
    /// The status list holds a value other than VALID, INVALID or
    /// SUSPENDED, and the status policy does not accept such values.
    #[error("unrecognized document status: {0}")]
    StatusUnrecognizedValue(String),

    // ----- Presentation -----
    /// A request was expected to be reader-signed but carries no readerAuth.
    #[error("request is not reader-authenticated")]
    ReaderAuthMissing,
    /// The reader certificate does not chain to a trusted reader root.
    #[error("untrusted reader: {0}")]
    UntrustedReader(String),
    /// A presented document has neither deviceSignature nor deviceMac.
    #[error("no device authentication: {0}")]
    DeviceAuthMissing(String),
    /// deviceSignature does not verify with the MSO device key over the
    /// DeviceAuthentication rebuilt from the verifier's own transcript.
    #[error("device signature does not verify: {0}")]
    DeviceSignatureInvalid(String),
    /// deviceMac does not verify with the key derived from the reader's
    /// ephemeral key and the MSO device key.
    #[error("device MAC does not verify: {0}")]
    DeviceMacInvalid(String),
    /// The holder signed an element the MSO keyAuthorizations do not allow.
    #[error("device key not authorized for: {0}")]
    DeviceKeyUnauthorized(String),
    /// A DeviceResponse holds no document for the request.
    #[error("no document returned: {0}")]
    DocumentNotReturned(String),
    /// The documents of a response are bound to different device keys, and
    /// the verifier required one ([`crate::VerifyOptions::require_one_device_key`]).
    #[error("the response's documents are bound to different device keys: {0}")]
    DeviceKeysDiffer(String),

    // ----- Session encryption (ISO/IEC 18013-5 9.1.1) -----
    /// A SessionEstablishment or SessionData message is well-formed CBOR of
    /// the wrong shape (missing, unknown or mistyped key, unknown status).
    #[error("malformed session message: {0}")]
    SessionMalformed(String),
    /// A session message does not decrypt: wrong key, a replayed, dropped or
    /// reordered message (the counter is implicit), or tampered ciphertext.
    #[error("session message does not decrypt: {0}")]
    SessionDecryptionFailed(String),
    /// The session has ended (a status was sent or received, a message was
    /// refused, or the message counter ran out); nothing more is accepted.
    #[error("session terminated: {0}")]
    SessionTerminated(String),
    /// A session or EMacKey key is on a curve other than P-256.
    #[error("unsupported curve for session key agreement: {0}")]
    SessionUnsupportedCurve(String),

    // ----- Trust lists -----
    /// A signed object offered as a trust list does not carry the protected
    /// `typ` header `application/docbridge-trust-list+cbor`, so it may be
    /// some other signed object.
    #[error("not a trust list: {0}")]
    TrustListWrongType(String),
    /// A trust list (or VICAL) payload is not of the documented shape.
    #[error("malformed trust list: {0}")]
    TrustListMalformed(String),
    /// The list's signing certificate does not chain to an operator root
    /// pinned for the list's country (or VICAL provider), or none is pinned.
    #[error("untrusted trust-list operator: {0}")]
    TrustListUntrustedOperator(String),
    /// A country's list names an authority of another country.
    #[error("trust list names a foreign authority: {0}")]
    TrustListForeignAuthority(String),
    /// Two authorities of one list share an id or an IACA certificate.
    #[error("duplicate authority in trust list: {0}")]
    TrustListDuplicateAuthority(String),
    /// An authority in a trust list has no IACA certificate.
    #[error("authority without IACA certificates: {0}")]
    TrustListEmptyCertificates(String),
    /// A certificate listed as an IACA is not a CA certificate.
    #[error("listed IACA certificate is not a CA: {0}")]
    TrustListNotCa(String),
    /// The list's sequence is lower than that of the list already held.
    #[error("trust list rollback: {0}")]
    TrustListRollback(String),
    /// The list has the sequence of the list already held but other content.
    #[error("trust list sequence reused with other content: {0}")]
    TrustListSequenceReused(String),
    /// The list is past its nextUpdate (plus the configured grace period).
    #[error("stale trust list: {0}")]
    TrustListStale(String),
    /// The issuing authority's listed validity has not started yet.
    #[error("issuing authority not valid yet: {0}")]
    AuthorityNotYetValid(String),
    /// The issuing authority's listed validity has ended.
    #[error("issuing authority no longer valid: {0}")]
    AuthorityExpired(String),
    /// A saved trust store cannot be read or one of its lists no longer
    /// verifies; the store that was being loaded into is left unchanged.
    #[error("corrupt trust store state: {0}")]
    TrustStoreCorrupt(String),

    // ----- Channels (engagement, OpenID4VP, Digital Credentials API) -----
    /// A DeviceEngagement, `mdoc:` URI, NDEF message or NFC handover is
    /// not of the shape ISO/IEC 18013-5 section 8.2 defines.
    #[error("malformed engagement: {0}")]
    EngagementMalformed(String),
    /// A Digital Credentials API request or response (JSON, EncryptionInfo,
    /// EncryptedResponse) is not of the documented shape.
    #[error("malformed Digital Credentials API message: {0}")]
    DcapiMalformed(String),
    /// An encrypted response (HPKE or JWE) does not open under the verifier's
    /// key and transcript: it was made for another key, origin or request, or
    /// altered.
    #[error("encrypted response does not open: {0}")]
    ResponseDecryptionFailed(String),
    /// An OpenID4VP message (authorization request, DCQL query, vp_token,
    /// response, JWE) is not of the shape OpenID4VP 1.0 defines.
    #[error("malformed OpenID4VP message: {0}")]
    Oid4vpMalformed(String),
    /// An encrypted response names (`kid`) another key than the verifier's.
    #[error("JWE encrypted to another key: {0}")]
    JweWrongKey(String),
    /// A required credential of a DCQL query is not answered: the wallet holds
    /// nothing that satisfies it, or a vp_token lacks it.
    #[error("required credential missing: {0}")]
    CredentialMissing(String),
    /// An OpenID4VP request's client does not fit where it came from: its
    /// `response_uri` is not its client id's, or the browser's origin is not
    /// among its expected origins.
    #[error("OpenID4VP client or origin mismatch: {0}")]
    Oid4vpClientMismatch(String),
    /// An OpenID4VP response answers another request (its `state` is not
    /// the request's).
    #[error("OpenID4VP response to another request: {0}")]
    Oid4vpStateMismatch(String),
    /// A signed OpenID4VP request object (JAR, RFC 9101) is not a compact
    /// JWS of the documented shape: not three base64url parts, header or
    /// claims not JSON objects, `typ` not `oauth-authz-req+jwt`, no `x5c`.
    #[error("malformed request object: {0}")]
    RequestObjectMalformed(String),
    /// A signed request object is addressed (`aud`) to another wallet.
    #[error("request object for another audience: {0}")]
    RequestObjectAudience(String),
    /// A signed request object is past its `exp`.
    #[error("request object expired: {0}")]
    RequestObjectExpired(String),
}

/// One table gives both [`Error::code`] and [`Error::ALL_CODES`], so the
/// list of codes cannot drift from the codes returned.
macro_rules! error_codes {
    ($($pattern:pat => $code:literal,)*) => {
        impl Error {
            /// The stable, machine-readable code of this error.
            pub fn code(&self) -> &'static str {
                match self {
                    $($pattern => $code,)*
                }
            }

            /// Every code the crate can return, in declaration order; the
            /// README's error table and the conformance vectors are checked
            /// against this list.
            pub const ALL_CODES: &'static [&'static str] = &[$($code,)*];
        }
    };
}

error_codes! {
    Error::CborMalformed(_) => "cbor_malformed",
    Error::CborTooLarge { .. } => "cbor_too_large",
    Error::CborTooDeep { .. } => "cbor_too_deep",
    Error::CborTooManyItems { .. } => "cbor_too_many_items",
    Error::CborLengthExceedsInput { .. } => "cbor_length_exceeds_input",
    Error::CborTrailingBytes(_) => "cbor_trailing_bytes",
    Error::CborIndefiniteLength => "cbor_indefinite_length",
    Error::CborDuplicateKey(_) => "cbor_duplicate_key",
    Error::CborUnexpectedTag(_) => "cbor_unexpected_tag",
    Error::CborNotTag24(_) => "cbor_not_tag24",
    Error::InvalidStructure(_) => "invalid_structure",
    Error::InvalidDate(_) => "invalid_date",
    Error::CoseMalformed(_) => "cose_malformed",
    Error::AlgorithmNotProtected => "algorithm_not_protected",
    Error::UnsupportedAlgorithm(_) => "unsupported_algorithm",
    Error::AlgorithmKeyMismatch { .. } => "algorithm_key_mismatch",
    Error::UnknownCriticalHeader(_) => "unknown_critical_header",
    Error::SignatureInvalid(_) => "signature_invalid",
    Error::X5ChainMissing => "x5chain_missing",
    Error::InvalidKey(_) => "invalid_key",
    Error::SigningFailed(_) => "signing_failed",
    Error::CertificateMalformed(_) => "certificate_malformed",
    Error::CertificateExpired(_) => "certificate_expired",
    Error::CertificateNotYetValid(_) => "certificate_not_yet_valid",
    Error::CertificateProfile(_) => "certificate_profile",
    Error::CertificateChainInvalid(_) => "certificate_chain_invalid",
    Error::CrlMalformed(_) => "crl_malformed",
    Error::CrlWrongIssuer(_) => "crl_wrong_issuer",
    Error::CrlSignatureInvalid(_) => "crl_signature_invalid",
    Error::CrlNotYetValid(_) => "crl_not_yet_valid",
    Error::CrlStale(_) => "crl_stale",
    Error::CrlUnknownCriticalExtension(_) => "crl_unknown_critical_extension",
    Error::CrlDeltaUnsupported(_) => "crl_delta_unsupported",
    Error::CrlMissing(_) => "crl_missing",
    Error::CertificateRevoked(_) => "certificate_revoked",
    Error::UntrustedIssuer(_) => "untrusted_issuer",
    Error::CountryMismatch(_) => "country_mismatch",
    Error::DocTypeNotAllowed(_) => "doc_type_not_allowed",
    Error::NotAccepted(_) => "not_accepted",
    Error::DocTypeMismatch(_) => "doc_type_mismatch",
    Error::UnsupportedDigestAlgorithm(_) => "unsupported_digest_algorithm",
    Error::DigestMissing(_) => "digest_missing",
    Error::DigestMismatch(_) => "digest_mismatch",
    Error::DuplicateElement(_) => "duplicate_element",
    Error::NotYetValid(_) => "not_yet_valid",
    Error::Expired(_) => "expired",
    Error::MsoSignedOutsideCertificate(_) => "mso_signed_outside_certificate",
    Error::MissingElement(_) => "missing_element",
    Error::InvalidElement(_) => "invalid_element",
    Error::InvalidArgument(_) => "invalid_argument",
    Error::Io(_) => "io",
    Error::StatusTokenMissing(_) => "status_token_missing",
    Error::StatusMechanismUnsupported(_) => "status_mechanism_unsupported",
    Error::StatusTokenTypeMismatch(_) => "status_token_type_mismatch",
    Error::StatusTokenWrongAuthority(_) => "status_token_wrong_authority",
    Error::StatusTokenUriMismatch(_) => "status_token_uri_mismatch",
    Error::StatusTokenNotYetValid(_) => "status_token_not_yet_valid",
    Error::StatusTokenExpired(_) => "status_token_expired",
    Error::StatusListMalformed(_) => "status_list_malformed",
    Error::IdentifierListMalformed(_) => "identifier_list_malformed",
    Error::StatusListTooLarge(_) => "status_list_too_large",
    Error::StatusIndexOutOfRange(_) => "status_index_out_of_range",
    Error::StatusListFull(_) => "status_list_full",
    Error::Revoked(_) => "revoked",
    Error::Suspended(_) => "suspended",
    Error::StatusUnrecognizedValue(_) => "status_unrecognized_value",
    Error::ReaderAuthMissing => "reader_auth_missing",
    Error::UntrustedReader(_) => "untrusted_reader",
    Error::DeviceAuthMissing(_) => "device_auth_missing",
    Error::DeviceSignatureInvalid(_) => "device_signature_invalid",
    Error::DeviceMacInvalid(_) => "device_mac_invalid",
    Error::DeviceKeyUnauthorized(_) => "device_key_unauthorized",
    Error::DocumentNotReturned(_) => "document_not_returned",
    Error::DeviceKeysDiffer(_) => "device_keys_differ",
    Error::SessionMalformed(_) => "session_malformed",
    Error::SessionDecryptionFailed(_) => "session_decryption_failed",
    Error::SessionTerminated(_) => "session_terminated",
    Error::SessionUnsupportedCurve(_) => "session_unsupported_curve",
    Error::TrustListWrongType(_) => "trust_list_wrong_type",
    Error::TrustListMalformed(_) => "trust_list_malformed",
    Error::TrustListUntrustedOperator(_) => "trust_list_untrusted_operator",
    Error::TrustListForeignAuthority(_) => "trust_list_foreign_authority",
    Error::TrustListDuplicateAuthority(_) => "trust_list_duplicate_authority",
    Error::TrustListEmptyCertificates(_) => "trust_list_empty_certificates",
    Error::TrustListNotCa(_) => "trust_list_not_ca",
    Error::TrustListRollback(_) => "trust_list_rollback",
    Error::TrustListSequenceReused(_) => "trust_list_sequence_reused",
    Error::TrustListStale(_) => "trust_list_stale",
    Error::AuthorityNotYetValid(_) => "authority_not_yet_valid",
    Error::AuthorityExpired(_) => "authority_expired",
    Error::TrustStoreCorrupt(_) => "trust_store_corrupt",
    Error::EngagementMalformed(_) => "engagement_malformed",
    Error::DcapiMalformed(_) => "dcapi_malformed",
    Error::ResponseDecryptionFailed(_) => "response_decryption_failed",
    Error::Oid4vpMalformed(_) => "oid4vp_malformed",
    Error::JweWrongKey(_) => "jwe_wrong_key",
    Error::CredentialMissing(_) => "credential_missing",
    Error::Oid4vpClientMismatch(_) => "oid4vp_client_mismatch",
    Error::Oid4vpStateMismatch(_) => "oid4vp_state_mismatch",
    Error::RequestObjectMalformed(_) => "request_object_malformed",
    Error::RequestObjectAudience(_) => "request_object_audience",
    Error::RequestObjectExpired(_) => "request_object_expired",
}

/// Keeps the first refusal that is not a chain failure: an IACA with the
/// right name but another key says little, while "expired" or "stale" of the
/// one that did sign says why the document fails.
pub(crate) fn keep_most_telling(kept: &mut Option<Error>, error: Error) {
    let replace = match kept {
        None => true,
        Some(Error::CertificateChainInvalid(_)) => {
            !matches!(error, Error::CertificateChainInvalid(_))
        }
        Some(_) => false,
    };
    if replace {
        *kept = Some(error);
    }
}

/// How many characters of an input-derived text an error message shows.
const EXCERPT_CHARS: usize = 48;
/// How many bytes of an input-derived byte string an error message shows.
const EXCERPT_BYTES: usize = 16;

/// An input-derived text as an error message shows it: quoted, cut to a
/// short prefix plus its length when long, so a hostile input of megabytes
/// never becomes a message of megabytes. Every message that quotes a value
/// read from input goes through this (or [`excerpt_bytes`], [`excerpt_value`]);
/// `{}` and `{:?}` print the same.
pub(crate) fn excerpt(text: &str) -> Excerpt<'_> {
    Excerpt(text)
}

/// See [`excerpt`].
pub(crate) struct Excerpt<'a>(&'a str);

impl std::fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.0;
        match text.char_indices().nth(EXCERPT_CHARS) {
            None => write!(f, "{text:?}"),
            Some((end, _)) => {
                let prefix = text.get(..end).unwrap_or_default();
                write!(f, "{prefix:?}... ({} bytes)", text.len())
            }
        }
    }
}

impl std::fmt::Debug for Excerpt<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// An input-derived byte string as an error message shows it: the first
/// bytes in hex, and the length when there are more.
pub(crate) fn excerpt_bytes(bytes: &[u8]) -> String {
    let hex = hex::encode(bytes.get(..EXCERPT_BYTES).unwrap_or(bytes));
    if bytes.len() > EXCERPT_BYTES {
        format!("h'{hex}...' ({} bytes)", bytes.len())
    } else {
        format!("h'{hex}'")
    }
}

/// A CBOR value read from input as an error message shows it: scalars in
/// short form, containers by their kind and size only (never their content).
pub(crate) fn excerpt_value(value: &ciborium::value::Value) -> String {
    use ciborium::value::Value;
    match value {
        Value::Text(t) => excerpt(t).to_string(),
        Value::Bytes(b) => excerpt_bytes(b),
        Value::Integer(i) => i128::from(*i).to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Tag(tag, _) => format!("a value with tag {tag}"),
        Value::Array(items) => format!("an array of {} items", items.len()),
        Value::Map(entries) => format!("a map of {} entries", entries.len()),
        _ => "a value".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_whatever_the_input() {
        assert_eq!(excerpt("family_name").to_string(), "\"family_name\"");
        assert_eq!(format!("{:?}", excerpt("a")), "\"a\"");
        let long = "ж".repeat(1_000_000);
        let shown = excerpt(&long).to_string();
        assert!(shown.len() < 200, "{}", shown.len());
        assert!(shown.ends_with("... (2000000 bytes)"), "{shown}");
        assert_eq!(excerpt_bytes(&[0xa0, 0x01]), "h'a001'");
        let shown = excerpt_bytes(&[0u8; 1 << 20]);
        assert!(shown.ends_with("...' (1048576 bytes)"), "{shown}");
        let deep =
            ciborium::value::Value::Array(vec![ciborium::value::Value::Bytes(vec![0; 1 << 20])]);
        assert_eq!(excerpt_value(&deep), "an array of 1 items");
    }
}
