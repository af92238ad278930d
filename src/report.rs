//! JSON results (feature `serde`, on by default): the one documented shape
//! a backend hands on, format `docbridge-verification/1`.
//!
//! [`Report`] wraps an outcome (`Ok` or `Err`) of a document, response or
//! trust-list verification. Every report is an object with `"format":
//! "docbridge-verification/1"` and `"valid"`; a refusal adds `"error":
//! {"code", "message"}` (the stable code of [`Error::code`]). The members
//! of a success, all always present (`null` when absent):
//!
//! - **document** ([`VerifiedDocument`]): `docType`, `issuingCountry`,
//!   `authority` (the authority's name: the one its trust list or VICAL
//!   gives, else its IACA certificate's organizationName or commonName, see
//!   [`IssuingAuthority::name_from_certificate`]), `authorityId`,
//!   `documentSigner` (subject),
//!   `trustSource` (`null` for an authority configured by hand, else
//!   `{format, operator, sequence, issued, nextUpdate}`), `signed`,
//!   `validFrom`, `validUntil`, `expectedUpdate`, `holderBound`, `status`
//!   (`not_referenced`, `valid`, `not_checked` or `other:<n>`),
//!   `certificateRevocation` (the Document Signer's CRL check: `good`,
//!   `not_checked` or `disabled`), `claims`
//!   (the elements in the JSON form of [`crate::documents::json`]),
//!   `deviceSigned` (same form), `elementErrors`
//!   (`{namespace: {element: code}}`);
//! - **response** ([`ResponseVerification`]): `status` (a
//!   [`ResponseStatus`] name), `statusCode`, `documents` (each a document
//!   object as above with its own `valid`, or `{"valid": false, "error"}`),
//!   `documentErrors` (`[{docType, code, name}]`); `valid` is true when the
//!   response holds at least one document and every document verified;
//! - **trust list** ([`VerifiedTrustList`]): `operatorCountry`, `sequence`,
//!   `issued`, `nextUpdate`, `staleAfter`, `authorities` (`[{id, country,
//!   name, docTypes, iacaCertificates (subjects), validFrom, validUntil}]`).
//!
//! Times are RFC 3339 in UTC. Members are only ever added within a format
//! version; a removal or a change of meaning gets a new version.
//!
//! ```
//! use docbridge::report::Report;
//! use docbridge::{Error, VerifiedDocument};
//!
//! let refused: docbridge::Result<VerifiedDocument> =
//!     Err(Error::Expired("valid until 2027-11-01".into()));
//! let json = serde_json::to_value(Report::document(&refused)).unwrap();
//! assert_eq!(
//!     json,
//!     serde_json::json!({
//!         "format": "docbridge-verification/1",
//!         "valid": false,
//!         "error": {"code": "expired", "message": "document expired: valid until 2027-11-01"},
//!     })
//! );
//! ```

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::device_response::{ErrorCode, ResponseStatus};
use crate::documents::json::elements_to_json;
use crate::error::{Error, Result};
use crate::status::StatusOutcome;
use crate::trust::{IssuingAuthority, ListSource, VerifiedTrustList};
use crate::verifier::{ResponseVerification, VerifiedDocument};

/// The format version every report names.
pub const FORMAT: &str = "docbridge-verification/1";

/// A verification outcome in the library's JSON shape (see the
/// [module documentation](self)); serialize it with `serde_json`.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    outcome: Outcome<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Outcome<'a> {
    Document(&'a VerifiedDocument),
    Response(&'a ResponseVerification),
    TrustList(&'a VerifiedTrustList),
    Refused(&'a Error),
}

impl<'a> Report<'a> {
    /// The report of a document verification ([`crate::Verifier::verify`],
    /// or one document picked from a response).
    pub fn document(outcome: &'a Result<VerifiedDocument>) -> Report<'a> {
        Report::of(outcome, Outcome::Document)
    }

    /// The report of a response verification
    /// ([`crate::Verifier::verify_response`]).
    pub fn response(outcome: &'a Result<ResponseVerification>) -> Report<'a> {
        Report::of(outcome, Outcome::Response)
    }

    /// The report of a trust-list verification.
    pub fn trust_list(outcome: &'a Result<VerifiedTrustList>) -> Report<'a> {
        Report::of(outcome, Outcome::TrustList)
    }

    /// Whether the outcome is a success (`"valid"` in the JSON).
    pub fn is_valid(&self) -> bool {
        match self.outcome {
            Outcome::Document(_) | Outcome::TrustList(_) => true,
            Outcome::Response(response) => response_valid(response),
            Outcome::Refused(_) => false,
        }
    }

    fn of<T>(outcome: &'a Result<T>, wrap: fn(&'a T) -> Outcome<'a>) -> Report<'a> {
        Report {
            outcome: match outcome {
                Ok(value) => wrap(value),
                Err(e) => Outcome::Refused(e),
            },
        }
    }
}

impl Serialize for Report<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("format", FORMAT)?;
        map.serialize_entry("valid", &self.is_valid())?;
        match self.outcome {
            Outcome::Document(document) => document_entries(&mut map, document)?,
            Outcome::Response(response) => response_entries(&mut map, response)?,
            Outcome::TrustList(list) => trust_list_entries(&mut map, list)?,
            Outcome::Refused(error) => map.serialize_entry("error", error)?,
        }
        map.end()
    }
}

/// A response is valid when it returned something and all of it verified.
fn response_valid(response: &ResponseVerification) -> bool {
    !response.documents.is_empty() && response.documents.iter().all(|d| d.is_ok())
}

/// RFC 3339; a time RFC 3339 cannot write (a year past 9999) keeps its
/// `Display` form rather than failing the whole report.
fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

fn document_entries<M: SerializeMap>(map: &mut M, doc: &VerifiedDocument) -> Result2<M> {
    let validity = doc.validity();
    map.serialize_entry("docType", doc.doc_type())?;
    map.serialize_entry("issuingCountry", doc.issuing_country())?;
    map.serialize_entry("authority", doc.authority_name())?;
    map.serialize_entry("authorityId", doc.authority_id())?;
    map.serialize_entry("documentSigner", doc.document_signer())?;
    map.serialize_entry("trustSource", &doc.trust_source())?;
    map.serialize_entry("signed", &rfc3339(validity.signed))?;
    map.serialize_entry("validFrom", &rfc3339(validity.valid_from))?;
    map.serialize_entry("validUntil", &rfc3339(validity.valid_until))?;
    map.serialize_entry("expectedUpdate", &validity.expected_update.map(rfc3339))?;
    map.serialize_entry("holderBound", &doc.holder_bound())?;
    map.serialize_entry("status", &doc.status())?;
    map.serialize_entry("certificateRevocation", doc.certificate_revocation().name())?;
    map.serialize_entry("claims", &elements_to_json(doc.elements()))?;
    map.serialize_entry(
        "deviceSigned",
        &elements_to_json(doc.device_signed_elements()),
    )?;
    map.serialize_entry("elementErrors", doc.element_errors())
}

type Result2<M> = std::result::Result<(), <M as SerializeMap>::Error>;

fn response_entries<M: SerializeMap>(map: &mut M, response: &ResponseVerification) -> Result2<M> {
    map.serialize_entry("status", &response.status)?;
    map.serialize_entry("statusCode", &response.status.code())?;
    map.serialize_entry("documents", &Documents(&response.documents))?;
    map.serialize_entry("documentErrors", &DocumentErrors(&response.document_errors))
}

fn trust_list_entries<M: SerializeMap>(map: &mut M, verified: &VerifiedTrustList) -> Result2<M> {
    let list = verified.list();
    map.serialize_entry("operatorCountry", list.operator_country())?;
    map.serialize_entry("sequence", &list.sequence())?;
    map.serialize_entry("issued", &rfc3339(list.issued()))?;
    map.serialize_entry("nextUpdate", &rfc3339(list.next_update()))?;
    map.serialize_entry("staleAfter", &verified.source().stale_after().map(rfc3339))?;
    map.serialize_entry("authorities", &Authorities(list.authorities()))
}

/// Each document's outcome, with its own `valid`.
struct Documents<'a>(&'a [Result<VerifiedDocument>]);

impl Serialize for Documents<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for outcome in self.0 {
            seq.serialize_element(&DocumentOutcome(outcome))?;
        }
        seq.end()
    }
}

struct DocumentOutcome<'a>(&'a Result<VerifiedDocument>);

impl Serialize for DocumentOutcome<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("valid", &self.0.is_ok())?;
        match self.0 {
            Ok(document) => document_entries(&mut map, document)?,
            Err(error) => map.serialize_entry("error", error)?,
        }
        map.end()
    }
}

struct DocumentErrors<'a>(&'a [(String, ErrorCode)]);

impl Serialize for DocumentErrors<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (doc_type, code) in self.0 {
            seq.serialize_element(&DocumentError {
                doc_type,
                code: code.code(),
                name: code.name(),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentError<'a> {
    doc_type: &'a str,
    code: i64,
    name: &'static str,
}

struct Authorities<'a>(&'a [IssuingAuthority]);

impl Serialize for Authorities<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for authority in self.0 {
            seq.serialize_element(&AuthorityJson {
                id: authority.id(),
                country: authority.country(),
                name: authority.name(),
                doc_types: authority.doc_types(),
                iaca_certificates: authority
                    .iaca_certificates()
                    .iter()
                    .map(|c| c.subject())
                    .collect(),
                valid_from: authority.valid_from().map(rfc3339),
                valid_until: authority.valid_until().map(rfc3339),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthorityJson<'a> {
    id: &'a str,
    country: &'a str,
    name: &'a str,
    doc_types: &'a std::collections::BTreeSet<String>,
    iaca_certificates: Vec<&'a str>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

/// `{"code", "message"}`: the stable code and the message.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

/// Its name: `not_referenced`, `valid`, `not_checked` or `other:<n>`.
impl Serialize for StatusOutcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name())
    }
}

/// Its name (`ok`, `general_error`, ...); the number is `code()`.
impl Serialize for ResponseStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Its numeric ISO/IEC 18013-5 code, as on the wire (there is one named
/// code, 0, so the number is what tells codes apart).
impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

/// `{format, operator, sequence, issued, nextUpdate}`.
impl Serialize for ListSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("format", self.format().name())?;
        map.serialize_entry("operator", self.operator())?;
        map.serialize_entry("sequence", &self.sequence())?;
        map.serialize_entry("issued", &rfc3339(self.issued()))?;
        map.serialize_entry("nextUpdate", &self.next_update().map(rfc3339))?;
        map.end()
    }
}

/// The document members of the [report](self), without `format` and
/// `valid`.
impl Serialize for VerifiedDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        document_entries(&mut map, self)?;
        map.end()
    }
}

/// The response members of the [report](self), without `format` and
/// `valid`.
impl Serialize for ResponseVerification {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        response_entries(&mut map, self)?;
        map.end()
    }
}

/// The trust-list members of the [report](self), without `format` and
/// `valid`.
impl Serialize for VerifiedTrustList {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        trust_list_entries(&mut map, self)?;
        map.end()
    }
}
