//! X.509 certificates: reading, ISO/IEC 18013-5 Annex B profile checks,
//! the Document Signer -> IACA chain check, and creating certificates for
//! demo authorities, tests and vectors.
//!
//! Certificates are parsed once with `x509-parser` into an owned
//! [`Certificate`] holding the fields the checks need, so no borrowed parse
//! tree outlives the input buffer. Signatures are checked through
//! [`crate::PublicKey::verify`], the crate's one signature layer.
//!
//! Certificates are created with the `x509-cert` builder ([`create_self_signed`],
//! [`create_issued`]), never with hand-written DER. Creation is deterministic:
//! the serial number and validity come from the caller, and every supported
//! algorithm signs deterministically (Ed25519, and ECDSA with RFC 6979 nonces),
//! so the same keys and inputs give the same bytes. The issuer's key is any
//! [`crate::Signer`], so an IACA key kept in an HSM can issue Document Signer
//! certificates too. Negative tests and vectors break a profile in one
//! named field with [`ProfileBreach`] ([`create_self_signed_breaching`],
//! [`create_issued_breaching`]), still through the builder.
//!
//! Certificate revocation lists are in [`crl`]: reading, checking a
//! certificate against the CRLs the app fetched, and creating them.
//!
//! # Supported certificate signatures
//!
//! | signatureAlgorithm | OID | issuer key |
//! |---|---|---|
//! | ecdsa-with-SHA256 | 1.2.840.10045.4.3.2 | P-256 |
//! | ecdsa-with-SHA384 | 1.2.840.10045.4.3.3 | P-384 |
//! | Ed25519 | 1.3.101.112 | Ed25519 |
//!
//! The algorithm must fit the issuer's key (ecdsa-with-SHA256 under a P-384
//! key is refused), and the algorithm parameters must be absent (RFC 5758,
//! RFC 8410).
//!
//! # Which Annex B fields are created and which are checked
//!
//! Certificates the crate creates ([`create_self_signed`],
//! [`create_issued`]) carry every extension Annex B asks of an IACA root and
//! a Document Signer, issuerAltName and cRLDistributionPoints included
//! when the [`CertificateSpec`] gives them or, for an issued certificate,
//! its issuer has them. Demo authorities, the conformance vectors, the
//! examples' operators and readers always do: independent verifiers such as
//! `isomdl` refuse a chain without them.
//! The verifier checks only what decides whether a signature can be
//! trusted; the table says why each other field is left alone.
//!
//! | Annex B field | created | checked when verifying | why not, where not |
//! |---|---|---|---|
//! | version 3 | yes | implicitly: the extensions below need it | |
//! | serialNumber, positive, at least 63 random bits | positive, from the caller (demo: 63 random bits) | no | entropy cannot be judged from one certificate; it protects the issuer's signing, not the verifier |
//! | signature algorithm | fits the issuer key | yes: ecdsa-with-SHA256/384 or Ed25519, fitting the issuer key, parameters absent | |
//! | issuer = IACA subject | yes | yes, byte for byte | |
//! | validity | the caller's period | at `now` (IACA and DS), and MSO `signed` within the DS validity | the maximum periods (IACA 20 years, DS 457 days) are the issuer's policy; a long-lived certificate is not a forgery |
//! | subject countryName | yes | yes: present, ISO 3166-1 alpha-2, the same in DS and IACA | |
//! | subject stateOrProvinceName, organizationName, commonName | organizationName, commonName | no | they name, they do not authorise; trust comes from the configured authority |
//! | subjectPublicKeyInfo | P-256, P-384, Ed25519 | yes: other keys are refused | |
//! | subjectKeyIdentifier, authorityKeyIdentifier | yes (SHA-1 of the key, RFC 5280 method 1) | no | lookup hints: the verifier tries its trusted IACAs and checks the signature, which decides |
//! | keyUsage (critical) | IACA keyCertSign + cRLSign; DS and reader digitalSignature | yes: the bits are required; criticality is not | |
//! | extendedKeyUsage (critical) | DS 1.0.18013.5.1.2; reader 1.0.18013.5.1.6 | yes | |
//! | basicConstraints (critical), cA true, pathLenConstraint 0 | IACA | cA true on the IACA, cA false on the DS and reader | the chain is always exactly DS -> IACA, so a path length cannot be exceeded |
//! | issuerAltName (URL or e-mail) | yes, non-critical | no | contact details; they carry no weight for whether a signature is trusted |
//! | cRLDistributionPoints (full-name URI, no reasons, no cRLIssuer) | yes, non-critical | no | the library does no network I/O: a caller fetches CRLs and passes them in |
//! | extensions Annex B forbids (policyMappings, nameConstraints, policyConstraints, inhibitAnyPolicy, freshestCRL) | never | refused when critical, like any unrecognised critical extension; ignored otherwise | |
//!
//! # Identity: what is signed, never the signature
//!
//! An ECDSA signature `(r, s)` has a twin `(r, n - s)` that verifies just
//! the same (Wycheproof counts it valid, and so does this crate), so the
//! same certificate, list or document can arrive under two encodings. No
//! code may identify one by its signature or its whole encoding: pinned
//! roots, chain anchors and duplicate IACAs are compared by
//! [`Certificate::tbs`], held trust lists and VICALs by their payload.
//! `tests/certificate_paths.rs` holds the twins to this rule.

mod certificate;
mod create;
pub mod crl;
mod profile;
// The tests make their certificates with demo authorities.
#[cfg(all(test, feature = "demo"))]
mod tests;

pub use certificate::{Certificate, KeyUsage};
pub use create::{
    CertificateProfile, CertificateSpec, IssuerContact, OID_UNKNOWN_EXTENSION, ProfileBreach,
    create_crl_signer, create_issued, create_issued_breaching, create_reader_for_domain,
    create_self_signed, create_self_signed_breaching,
};
pub(crate) use profile::{check_document_signer_at, check_document_signer_issued_by};
pub use profile::{
    check_document_signer_profile, check_iaca_profile, check_reader_profile, verify_document_signer,
};

/// The TBSCertificate bytes of a DER certificate, found without parsing the
/// rest: the first element of the outer SEQUENCE. Only a lookup key for
/// the verifier's certificate cache; [`Certificate::from_der`] still judges
/// every certificate it has not seen byte for byte.
pub(crate) fn tbs_of(der: &[u8]) -> Option<&[u8]> {
    use der::{Decode as _, Reader as _};
    let mut reader = der::SliceReader::new(der).ok()?;
    let outer = der::Header::decode(&mut reader).ok()?;
    if outer.tag() != der::Tag::Sequence {
        return None;
    }
    reader.tlv_bytes().ok()
}

/// Extended key usage of an mdoc Document Signer (ISO/IEC 18013-5 Annex B).
pub const EKU_MDL_DOCUMENT_SIGNER: &str = "1.0.18013.5.1.2";
/// Extended key usage of an mdoc reader authentication certificate.
pub const EKU_MDL_READER_AUTH: &str = "1.0.18013.5.1.6";
