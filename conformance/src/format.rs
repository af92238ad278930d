//! The manifest of a vectors directory, as Rust types, and its JSON form.
//!
//! `manifest.json` is `{"format": "docbridge-test-vectors/3", "description",
//! "cases": [Case, ...]}`. Every path is relative to the vectors directory
//! (forward slashes, no `..`); binary inputs are files (`.cbor`, `.der`,
//! `.bin`), keys and certificates PEM, times RFC 3339 in UTC. Objects hold
//! exactly the documented keys (serde derives with `deny_unknown_fields`: an
//! unknown key is refused, so a typo cannot silently change a case). `test-vectors/README.md` is the reference for
//! implementers in other languages; the summary:
//!
//! ```text
//! Case = {
//!   "id": tstr, "description": tstr,
//!   "kind": "issuer_signed" / "status" / "device_response" / "device_request" / "trust_list" / "session",
//!   "now": RFC 3339,
//!   ? "verifier": Verifier,            ; issuer_signed, status, device_response
//!   "input": { ... per kind ... },     ; device_response: ? "hpkeKey" (an HPKE-encrypted response)
//!   "expected": {"valid": true, ...} / {"valid": false, "error": code}
//!               / {"valid": true, "documents": [2* outcome]},  ; device_response, 2+ documents
//!   ? "derivedFrom": {"case": id, "change": tstr},   ; refused cases made from a valid one
//! }
//! Verifier = {
//!   "trustedIacas": [* {"certificate": path, "id", "country", "name", "docTypes": [+ tstr]}],
//!   "trustLists": [* Source], "operatorRoots": [* {"country", "certificate": path}],
//!   "acceptancePolicy": "all" / {"countries": [* tstr], "pairs": [* {"country", "docType"}]},
//!   "clockSkewSeconds": uint,
//!   "statusPolicy": {"allowMissingToken": bool, "acceptOtherValues": bool},
//!   ? "crlPolicy": {"allowUnchecked": bool},        ; present: CRLs are checked
//!   ? "crls": [+ {"distributionPoint": tstr, "crl": Source}],
//!   ? "vicals": [+ Source], ? "vicalAnchors": [+ {"provider": tstr, "certificate": path}],
//! }
//! Source = path / {"prefix": hex, "fill": hex byte, "length": uint}   ; synthetic bytes
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::FORMAT;
use docbridge::error::{Error, Result};

// ----- Types -----

/// A whole manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// What the vectors are, for a reader of the file.
    pub description: String,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// What a case exercises, and so how it is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An IssuerSigned document verified on its own (issuer data authentication).
    IssuerSigned,
    /// An IssuerSigned document that references a status list, verified
    /// together with the Status List Token the app fetched (or none).
    Status,
    /// A DeviceResponse verified against the verifier's session transcript:
    /// issuer data authentication and device authentication of its first
    /// document.
    DeviceResponse,
    /// A DeviceRequest's reader authentication, checked by the holder.
    DeviceRequest,
    /// Signed trust lists taken in order by a trust store with pinned
    /// operator roots.
    TrustList,
    /// ISO/IEC 18013-5 session encryption: establishment and messages
    /// decrypted with given keys.
    Session,
}

impl Kind {
    /// Every kind, in the order the manifest lists them.
    pub const ALL: [Kind; 6] = [
        Kind::IssuerSigned,
        Kind::Status,
        Kind::DeviceResponse,
        Kind::DeviceRequest,
        Kind::TrustList,
        Kind::Session,
    ];

    /// The kind's name in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Kind::IssuerSigned => "issuer_signed",
            Kind::Status => "status",
            Kind::DeviceResponse => "device_response",
            Kind::DeviceRequest => "device_request",
            Kind::TrustList => "trust_list",
            Kind::Session => "session",
        }
    }

    /// The kind of a manifest name (`invalid_argument` for another name).
    pub fn from_name(name: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| bad("case", &format!("unknown kind {name:?}")))
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Unique identifier; also the name of the case's directory under `cases/`.
    pub id: String,
    /// What the case checks and why the outcome is what it is.
    pub description: String,
    /// The kind.
    pub kind: Kind,
    /// The verification time.
    pub now: OffsetDateTime,
    /// The inputs (and the verifier, for the kinds that have one).
    pub input: Input,
    /// The expected outcome.
    pub expected: Expected,
    /// For a refused case made from a valid one: that case and the single
    /// change, so an implementer can see which rule the case isolates.
    pub derived_from: Option<Derivation>,
}

/// The valid case a refused case was made from, and the one change made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derivation {
    /// The id of the valid case whose inputs were changed.
    pub case: String,
    /// The one change, in words.
    pub change: String,
}

/// The inputs of a case, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Kinds `issuer_signed` and `status`.
    Document {
        /// The verifier.
        verifier: VerifierConfig,
        /// The encoded IssuerSigned.
        document: Source,
        /// The encoded Status List Token, if the app has one.
        status_token: Option<Source>,
        /// The encoded identifier list (CWT), if the app has one.
        identifier_list_token: Option<Source>,
    },
    /// Kind `device_response`.
    DeviceResponse {
        /// The verifier.
        verifier: VerifierConfig,
        /// The encoded DeviceResponse.
        response: Source,
        /// The verifier's own SessionTranscriptBytes.
        transcript: Source,
        /// The reader's ephemeral P-256 private key (PKCS#8 PEM), for deviceMac.
        reader_key: Option<String>,
        /// The verifier's P-256 HPKE private key (PKCS#8 PEM): `response` is
        /// then an EncryptedResponse (ISO/IEC TS 18013-7 Annex C), opened
        /// with the SessionTranscript inside `transcript` as HPKE `info`.
        hpke_key: Option<String>,
        /// Status List Tokens the app fetched, by the URI documents reference.
        status_tokens: Vec<StatusTokenEntry>,
    },
    /// Kind `device_request`.
    DeviceRequest {
        /// The encoded DeviceRequest.
        request: Source,
        /// The holder's SessionTranscriptBytes.
        transcript: Source,
        /// The reader roots the holder trusts (PEM certificate files).
        reader_roots: Vec<String>,
    },
    /// Kind `trust_list`.
    TrustList {
        /// The operator roots pinned per country.
        operator_roots: Vec<OperatorRoot>,
        /// A saved trust store state loaded before the updates, if any.
        saved_state: Option<Source>,
        /// Signed trust lists taken in order, each at `now`.
        updates: Vec<Source>,
    },
    /// Kind `session`.
    Session(SessionInput),
}

/// The inputs of a `session` case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionInput {
    /// Which side decrypts.
    pub role: SessionRole,
    /// The side's own ephemeral P-256 private key (PKCS#8 PEM).
    pub private_key: String,
    /// The device's ephemeral public key EDeviceKey (SPKI PEM); reader only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_public_key: Option<String>,
    /// The side's SessionTranscriptBytes.
    pub transcript: Source,
    /// The SessionEstablishment received; device only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub establishment: Option<Source>,
    /// SessionData messages received from the other side, in order.
    pub messages: Vec<Source>,
}

/// The side of a session a case plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionRole {
    /// The mdoc reader: decrypts the device's SessionData.
    Reader,
    /// The mdoc (holder's phone): decrypts the SessionEstablishment and the
    /// reader's SessionData.
    Device,
}

impl SessionRole {
    /// The role's name in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            SessionRole::Reader => "reader",
            SessionRole::Device => "device",
        }
    }
}

/// A Status List Token with the URI it was fetched from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusTokenEntry {
    /// The URI the documents reference.
    pub uri: String,
    /// The encoded token.
    pub token: Source,
}

/// Where the bytes of a binary input come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "SourceJson", try_from = "SourceJson")]
pub enum Source {
    /// A file, relative to the vectors directory.
    File(String),
    /// Bytes too large to commit: `prefix`, then `fill` repeated up to
    /// `length` bytes in all.
    Synthetic {
        /// The first bytes.
        prefix: Vec<u8>,
        /// The byte that fills the rest.
        fill: u8,
        /// The total length, at least the prefix's.
        length: u64,
    },
}

impl Source {
    /// A file source.
    pub fn file(path: impl Into<String>) -> Source {
        Source::File(path.into())
    }

    /// The bytes of a synthetic source; `None` for a file.
    /// `invalid_argument` when `length` is shorter than the prefix or
    /// longer than [`MAX_SYNTHETIC_LEN`] (nothing is allocated for it).
    pub fn synthetic_bytes(&self) -> Result<Option<Vec<u8>>> {
        let Source::Synthetic {
            prefix,
            fill,
            length,
        } = self
        else {
            return Ok(None);
        };
        let length = usize::try_from(*length)
            .ok()
            .filter(|l| *l <= MAX_SYNTHETIC_LEN)
            .ok_or_else(|| {
                bad(
                    "synthetic input",
                    &format!("length {length} is over {MAX_SYNTHETIC_LEN}"),
                )
            })?;
        if length < prefix.len() {
            return Err(bad("synthetic input", "length is shorter than the prefix"));
        }
        let mut bytes = Vec::with_capacity(length);
        bytes.extend_from_slice(prefix);
        bytes.resize(length, *fill);
        Ok(Some(bytes))
    }
}

/// The longest synthetic input a manifest may ask for: 64 MiB, far more
/// than any limit the vectors probe (the largest is 8 MiB + 1), so a
/// manifest cannot make a runner allocate without bound.
pub const MAX_SYNTHETIC_LEN: usize = 64 * 1024 * 1024;

/// The verifier of a document case, spelled out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifierConfig {
    /// Authorities configured by hand: an IACA certificate each.
    pub trusted_iacas: Vec<TrustedIaca>,
    /// Signed trust lists, taken in order at `now` by a trust store
    /// (no grace period, stale lists refused) pinning `operator_roots`.
    pub trust_lists: Vec<Source>,
    /// Operator roots pinned per country for `trust_lists`.
    pub operator_roots: Vec<OperatorRoot>,
    /// Which (country, doc type) pairs are accepted.
    pub acceptance_policy: PolicySpec,
    /// Clock skew allowed around the MSO and token validity, in seconds.
    pub clock_skew_seconds: u64,
    /// What to do about document status.
    pub status_policy: StatusPolicySpec,
    /// Whether the Document Signer certificate is checked against CRLs, and
    /// what a missing or stale CRL does; `None`: not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crl_policy: Option<CrlPolicySpec>,
    /// The CRLs the app fetched, each with the distribution point it came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crls: Vec<CrlEntry>,
    /// Signed ISO/IEC 18013-5 VICALs, taken in order at `now` by the same
    /// trust store, each verified against the anchors pinned for its
    /// provider in `vical_anchors`; their authorities may issue exactly the
    /// doc types their entries list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vicals: Vec<Source>,
    /// The anchors pinned per VICAL provider (`vicalProvider`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vical_anchors: Vec<VicalAnchor>,
}

/// An anchor pinned for a VICAL provider: its root, or its signing
/// certificate itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VicalAnchor {
    /// The provider, as its VICALs name it in `vicalProvider`.
    pub provider: String,
    /// The anchor certificate (PEM file).
    pub certificate: String,
}

/// The CRL policy ([`docbridge::x509::crl::CrlPolicy`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CrlPolicySpec {
    /// A certificate whose CRL is missing or stale passes (`not_checked`).
    pub allow_unchecked: bool,
}

/// A CRL with the distribution point it was fetched from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CrlEntry {
    /// The distribution point URI.
    pub distribution_point: String,
    /// The CRL (DER or PEM).
    pub crl: Source,
}

impl VerifierConfig {
    /// A verifier trusting `trusted_iacas`, accepting everything they may
    /// issue, with the default clock skew (300 s) and a fail-closed status
    /// policy.
    pub fn trusting(trusted_iacas: Vec<TrustedIaca>) -> VerifierConfig {
        VerifierConfig {
            trusted_iacas,
            trust_lists: Vec::new(),
            operator_roots: Vec::new(),
            acceptance_policy: PolicySpec::All,
            clock_skew_seconds: DEFAULT_CLOCK_SKEW_SECONDS,
            status_policy: StatusPolicySpec::default(),
            crl_policy: None,
            crls: Vec::new(),
            vicals: Vec::new(),
            vical_anchors: Vec::new(),
        }
    }
}

/// The crate's default clock skew ([`docbridge::clock::DEFAULT_CLOCK_SKEW`]), in seconds.
pub const DEFAULT_CLOCK_SKEW_SECONDS: u64 = 300;

/// An issuing authority configured by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TrustedIaca {
    /// The IACA certificate (PEM file).
    pub certificate: String,
    /// The authority's id, unique in the verifier.
    pub id: String,
    /// Its country (ISO 3166-1 alpha-2), the IACA's countryName.
    pub country: String,
    /// Its name.
    pub name: String,
    /// The doc types it may issue.
    pub doc_types: Vec<String>,
}

/// An operator root pinned for a country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorRoot {
    /// The country whose lists it signs for.
    pub country: String,
    /// The root certificate (PEM file).
    pub certificate: String,
}

/// The acceptance policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "PolicyJson", try_from = "PolicyJson")]
pub enum PolicySpec {
    /// Everything a trusted authority may issue.
    All,
    /// Every doc type of `countries`, and the listed (country, doc type) pairs.
    Listed {
        /// Countries all of whose documents are accepted.
        countries: Vec<String>,
        /// Accepted (country, doc type) pairs.
        pairs: Vec<(String, String)>,
    },
}

/// The status policy ([`docbridge::StatusPolicy`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StatusPolicySpec {
    /// A document that references a status list passes without a token
    /// (marked `not_checked`).
    pub allow_missing_token: bool,
    /// Status values other than VALID, INVALID and SUSPENDED pass.
    pub accept_other_values: bool,
}

/// The expected (or observed) outcome of a case.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// `{"valid": true, ...}`: the members besides `valid`, by kind (see
    /// `test-vectors/README.md`); for a DeviceResponse of two or more
    /// documents, `documents` alone, each document's outcome.
    Valid(Map<String, Json>),
    /// `{"valid": false, "error": code}`.
    Invalid(String),
}

impl Expected {
    /// The refusal with `code`.
    pub fn error(code: &str) -> Expected {
        Expected::Invalid(code.to_string())
    }

    /// Whether the outcome refuses anything: the whole case, or one
    /// document of a response (`documents`). A refused case is the one a
    /// `derivedFrom` may name a valid case for.
    pub fn refuses(&self) -> bool {
        match self {
            Expected::Invalid(_) => true,
            Expected::Valid(members) => members
                .get(DOCUMENTS)
                .and_then(Json::as_array)
                .is_some_and(|documents| {
                    documents
                        .iter()
                        .any(|d| d.get("valid") == Some(&Json::Bool(false)))
                }),
        }
    }

    /// The outcome as JSON.
    pub fn to_json(&self) -> Json {
        match self {
            Expected::Valid(members) => {
                let mut map = members.clone();
                map.insert("valid".into(), Json::Bool(true));
                Json::Object(map)
            }
            Expected::Invalid(code) => {
                let mut map = Map::new();
                map.insert("valid".into(), Json::Bool(false));
                map.insert("error".into(), Json::String(code.clone()));
                Json::Object(map)
            }
        }
    }

    /// Reads an outcome.
    pub fn from_json(json: &Json) -> Result<Expected> {
        const WHAT: &str = "expected";
        let map = json
            .as_object()
            .ok_or_else(|| bad(WHAT, "expected an object"))?;
        match map.get("valid") {
            // The members of a success depend on the kind (see
            // test-vectors/README.md): kept as they are.
            Some(Json::Bool(true)) => {
                let mut members = map.clone();
                members.remove("valid");
                Ok(Expected::Valid(members))
            }
            Some(Json::Bool(false)) => {
                let refused: RefusedJson = from_value(json, WHAT)?;
                Ok(Expected::Invalid(refused.error))
            }
            _ => Err(bad(WHAT, "\"valid\" must be true or false")),
        }
    }
}

// ----- Reading and writing -----
//
// The JSON form is spelled by serde derives: the public types where their
// shape is the file's, small wire types where a member depends on the
// case's kind. Every object refuses unknown members (`deny_unknown_fields`).

impl Manifest {
    /// The manifest as JSON.
    pub fn to_json(&self) -> Result<Json> {
        let cases = self
            .cases
            .iter()
            .map(Case::to_json)
            .collect::<Result<Vec<_>>>()?;
        to_value(
            &ManifestJson {
                format: FORMAT.to_string(),
                description: self.description.clone(),
                cases,
            },
            "manifest",
        )
    }

    /// Reads a manifest (`invalid_argument` for anything not of the
    /// documented shape, another `format`, or two cases with one id).
    pub fn from_json(json: &Json) -> Result<Manifest> {
        const WHAT: &str = "manifest";
        let manifest: ManifestJson = from_value(json, WHAT)?;
        if manifest.format != FORMAT {
            return Err(bad(
                WHAT,
                &format!("format {:?}; this crate reads {FORMAT:?}", manifest.format),
            ));
        }
        let cases = manifest
            .cases
            .iter()
            .map(Case::from_json)
            .collect::<Result<Vec<_>>>()?;
        let mut ids = std::collections::BTreeSet::new();
        for case in &cases {
            if !ids.insert(case.id.as_str()) {
                return Err(bad(WHAT, &format!("case id {:?} appears twice", case.id)));
            }
        }
        Ok(Manifest {
            description: manifest.description,
            cases,
        })
    }

    /// Parses `manifest.json` text.
    pub fn parse(text: &str) -> Result<Manifest> {
        let json: Json = serde_json::from_str(text).map_err(|e| bad("manifest", &e.to_string()))?;
        Manifest::from_json(&json)
    }
}

impl Case {
    /// The case as JSON.
    pub fn to_json(&self) -> Result<Json> {
        let what = format!("case {:?}", self.id);
        let (verifier, input) = match &self.input {
            Input::Document {
                verifier,
                document,
                status_token,
                identifier_list_token,
            } => (
                Some(verifier.clone()),
                to_value(
                    &DocumentInputJson {
                        document: document.clone(),
                        status_token: status_token.clone(),
                        identifier_list_token: identifier_list_token.clone(),
                    },
                    &what,
                )?,
            ),
            Input::DeviceResponse {
                verifier,
                response,
                transcript,
                reader_key,
                hpke_key,
                status_tokens,
            } => (
                Some(verifier.clone()),
                to_value(
                    &ResponseInputJson {
                        response: response.clone(),
                        transcript: transcript.clone(),
                        reader_key: reader_key.clone(),
                        hpke_key: hpke_key.clone(),
                        status_tokens: status_tokens.clone(),
                    },
                    &what,
                )?,
            ),
            Input::DeviceRequest {
                request,
                transcript,
                reader_roots,
            } => (
                None,
                to_value(
                    &RequestInputJson {
                        request: request.clone(),
                        transcript: transcript.clone(),
                        reader_roots: reader_roots.clone(),
                    },
                    &what,
                )?,
            ),
            Input::TrustList {
                operator_roots,
                saved_state,
                updates,
            } => (
                None,
                to_value(
                    &TrustListInputJson {
                        operator_roots: operator_roots.clone(),
                        saved_state: saved_state.clone(),
                        updates: updates.clone(),
                    },
                    &what,
                )?,
            ),
            Input::Session(session) => (None, to_value(session, &what)?),
        };
        to_value(
            &CaseJson {
                id: self.id.clone(),
                description: self.description.clone(),
                kind: self.kind,
                now: self
                    .now
                    .format(&Rfc3339)
                    .map_err(|e| Error::InvalidDate(e.to_string()))?,
                verifier,
                input,
                expected: self.expected.to_json(),
                derived_from: self.derived_from.clone(),
            },
            &what,
        )
    }

    /// Reads a case.
    pub fn from_json(json: &Json) -> Result<Case> {
        let case: CaseJson = from_value(json, "case")?;
        let what = format!("case {:?}", case.id);
        let what = what.as_str();
        let in_what = format!("{what}: input");
        let in_what = in_what.as_str();
        let has_verifier = matches!(
            case.kind,
            Kind::IssuerSigned | Kind::Status | Kind::DeviceResponse
        );
        let verifier = match (case.verifier, has_verifier) {
            (Some(verifier), true) => Some(verifier),
            (None, false) => None,
            (None, true) => return Err(bad(what, "missing \"verifier\"")),
            (Some(_), false) => {
                return Err(bad(
                    what,
                    &format!("unknown key \"verifier\" for kind {}", case.kind.name()),
                ));
            }
        };
        let input = match (case.kind, verifier) {
            (Kind::IssuerSigned | Kind::Status, Some(verifier)) => {
                let input: DocumentInputJson = from_value(&case.input, in_what)?;
                Input::Document {
                    verifier,
                    document: input.document,
                    status_token: input.status_token,
                    identifier_list_token: input.identifier_list_token,
                }
            }
            (Kind::DeviceResponse, Some(verifier)) => {
                let input: ResponseInputJson = from_value(&case.input, in_what)?;
                Input::DeviceResponse {
                    verifier,
                    response: input.response,
                    transcript: input.transcript,
                    reader_key: input.reader_key,
                    hpke_key: input.hpke_key,
                    status_tokens: input.status_tokens,
                }
            }
            (Kind::DeviceRequest, _) => {
                let input: RequestInputJson = from_value(&case.input, in_what)?;
                Input::DeviceRequest {
                    request: input.request,
                    transcript: input.transcript,
                    reader_roots: input.reader_roots,
                }
            }
            (Kind::TrustList, _) => {
                let input: TrustListInputJson = from_value(&case.input, in_what)?;
                Input::TrustList {
                    operator_roots: input.operator_roots,
                    saved_state: input.saved_state,
                    updates: input.updates,
                }
            }
            (Kind::Session, _) => Input::Session(from_value(&case.input, in_what)?),
            (Kind::IssuerSigned | Kind::Status | Kind::DeviceResponse, None) => {
                return Err(bad(what, "missing \"verifier\""));
            }
        };
        let now = OffsetDateTime::parse(&case.now, &Rfc3339).map_err(|e| {
            bad(
                what,
                &format!("\"now\" {:?} is not RFC 3339: {e}", case.now),
            )
        })?;
        let expected = Expected::from_json(&case.expected)?;
        check_documents(case.kind, &expected).map_err(|detail| bad(what, &detail))?;
        if case.derived_from.is_some() && !expected.refuses() {
            // Only a refused case is made from a valid one by one change.
            return Err(bad(what, "\"derivedFrom\" on a valid case"));
        }
        Ok(Case {
            description: case.description,
            now,
            expected,
            id: case.id,
            kind: case.kind,
            input,
            derived_from: case.derived_from,
        })
    }
}

/// The `documents` member of an outcome: only for a `device_response`,
/// only alone beside `valid`, two or more entries, each a document's
/// outcome (valid with its members, or refused) and none a list itself.
fn check_documents(kind: Kind, expected: &Expected) -> std::result::Result<(), String> {
    let Expected::Valid(members) = expected else {
        return Ok(());
    };
    let Some(documents) = members.get(DOCUMENTS) else {
        return Ok(());
    };
    if kind != Kind::DeviceResponse {
        return Err(format!(
            "\"{DOCUMENTS}\" in the outcome of kind {}",
            kind.name()
        ));
    }
    if members.len() != 1 {
        return Err(format!("\"{DOCUMENTS}\" beside other members"));
    }
    let entries = documents
        .as_array()
        .filter(|entries| entries.len() >= 2)
        .ok_or_else(|| format!("\"{DOCUMENTS}\" must list two or more outcomes"))?;
    for entry in entries {
        match Expected::from_json(entry).map_err(|e| e.to_string())? {
            Expected::Valid(inner) if inner.contains_key(DOCUMENTS) => {
                return Err(format!("\"{DOCUMENTS}\" inside a document's outcome"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The member of a `device_response` outcome listing each document's
/// outcome, for a response holding two or more documents.
pub const DOCUMENTS: &str = "documents";

impl VerifierConfig {
    /// The configuration as JSON.
    pub fn to_json(&self) -> Json {
        // Strings, numbers and booleans only: serializing cannot fail.
        serde_json::to_value(self).unwrap_or(Json::Null)
    }
}

impl Source {
    /// The source as JSON: its path, or the synthetic object.
    pub fn to_json(&self) -> Json {
        serde_json::to_value(self).unwrap_or(Json::Null)
    }
}

/// `{"valid": false, "error": code}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefusedJson {
    // Always false here: read only so that the member is allowed.
    #[serde(rename = "valid")]
    _valid: bool,
    error: String,
}

/// The whole file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestJson {
    format: String,
    description: String,
    cases: Vec<Json>,
}

/// A case; `input` is read by kind, `expected` by [`Expected::from_json`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CaseJson {
    id: String,
    description: String,
    kind: Kind,
    now: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verifier: Option<VerifierConfig>,
    input: Json,
    expected: Json,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    derived_from: Option<Derivation>,
}

/// `input` of kinds `issuer_signed` and `status`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DocumentInputJson {
    document: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status_token: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identifier_list_token: Option<Source>,
}

/// `input` of kind `device_response`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ResponseInputJson {
    response: Source,
    transcript: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reader_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hpke_key: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    status_tokens: Vec<StatusTokenEntry>,
}

/// `input` of kind `device_request`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RequestInputJson {
    request: Source,
    transcript: Source,
    reader_roots: Vec<String>,
}

/// `input` of kind `trust_list`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TrustListInputJson {
    operator_roots: Vec<OperatorRoot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    saved_state: Option<Source>,
    updates: Vec<Source>,
}

/// [`Source`] on the wire: a path, or the synthetic object in hex.
#[derive(Serialize)]
#[serde(untagged)]
enum SourceJson {
    File(String),
    Synthetic(SyntheticJson),
}

/// By hand rather than `untagged`, so that a bad synthetic object gets
/// serde's message about its member, not "did not match any variant".
impl<'de> Deserialize<'de> for SourceJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<SourceJson, D::Error> {
        use serde::de::Error as _;
        match Json::deserialize(d)? {
            Json::String(path) => Ok(SourceJson::File(path)),
            object @ Json::Object(_) => SyntheticJson::deserialize(object)
                .map(SourceJson::Synthetic)
                .map_err(D::Error::custom),
            _ => Err(D::Error::custom(
                "an input must be a path or a synthetic object",
            )),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SyntheticJson {
    prefix: String,
    fill: String,
    length: u64,
}

impl From<Source> for SourceJson {
    fn from(source: Source) -> SourceJson {
        match source {
            Source::File(path) => SourceJson::File(path),
            Source::Synthetic {
                prefix,
                fill,
                length,
            } => SourceJson::Synthetic(SyntheticJson {
                prefix: to_hex(&prefix),
                fill: to_hex(&[fill]),
                length,
            }),
        }
    }
}

impl TryFrom<SourceJson> for Source {
    type Error = String;

    fn try_from(json: SourceJson) -> std::result::Result<Source, String> {
        const WHAT: &str = "synthetic input";
        match json {
            SourceJson::File(path) => Ok(Source::File(path)),
            SourceJson::Synthetic(synthetic) => {
                let fill = from_hex(&synthetic.fill, WHAT).map_err(|e| e.to_string())?;
                let [fill] = fill.as_slice() else {
                    return Err(bad(WHAT, "fill must be one byte of hex").to_string());
                };
                Ok(Source::Synthetic {
                    prefix: from_hex(&synthetic.prefix, WHAT).map_err(|e| e.to_string())?,
                    fill: *fill,
                    length: synthetic.length,
                })
            }
        }
    }
}

/// [`PolicySpec`] on the wire: `"all"` or `{"countries", "pairs"}`.
#[derive(Serialize)]
#[serde(untagged)]
enum PolicyJson {
    All(String),
    Listed(ListedPolicyJson),
}

/// By hand for the same reason as [`SourceJson`].
impl<'de> Deserialize<'de> for PolicyJson {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<PolicyJson, D::Error> {
        use serde::de::Error as _;
        match Json::deserialize(d)? {
            Json::String(all) => Ok(PolicyJson::All(all)),
            object @ Json::Object(_) => ListedPolicyJson::deserialize(object)
                .map(PolicyJson::Listed)
                .map_err(D::Error::custom),
            _ => Err(D::Error::custom(
                "acceptancePolicy must be \"all\" or {\"countries\", \"pairs\"}",
            )),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListedPolicyJson {
    countries: Vec<String>,
    pairs: Vec<PairJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PairJson {
    country: String,
    doc_type: String,
}

impl From<PolicySpec> for PolicyJson {
    fn from(policy: PolicySpec) -> PolicyJson {
        match policy {
            PolicySpec::All => PolicyJson::All("all".into()),
            PolicySpec::Listed { countries, pairs } => PolicyJson::Listed(ListedPolicyJson {
                countries,
                pairs: pairs
                    .into_iter()
                    .map(|(country, doc_type)| PairJson { country, doc_type })
                    .collect(),
            }),
        }
    }
}

impl TryFrom<PolicyJson> for PolicySpec {
    type Error = String;

    fn try_from(json: PolicyJson) -> std::result::Result<PolicySpec, String> {
        match json {
            PolicyJson::All(all) if all == "all" => Ok(PolicySpec::All),
            PolicyJson::All(other) => Err(format!(
                "acceptancePolicy {other:?}: \"all\" or {{\"countries\", \"pairs\"}}"
            )),
            PolicyJson::Listed(listed) => Ok(PolicySpec::Listed {
                countries: listed.countries,
                pairs: listed
                    .pairs
                    .into_iter()
                    .map(|pair| (pair.country, pair.doc_type))
                    .collect(),
            }),
        }
    }
}

/// `value` as JSON (`invalid_argument` naming `what` should serde refuse).
fn to_value<T: Serialize>(value: &T, what: &str) -> Result<Json> {
    serde_json::to_value(value).map_err(|e| bad(what, &e.to_string()))
}

/// A `T` from `json`; serde's message names the unknown, missing or
/// mistyped member.
fn from_value<T: serde::de::DeserializeOwned>(json: &Json, what: &str) -> Result<T> {
    T::deserialize(json).map_err(|e| bad(what, &e.to_string()))
}

// ----- Canonical JSON -----

/// Keys written first, in this order, wherever they appear; every other
/// key follows in code-point order.
const KEY_ORDER: [&str; 11] = [
    "format",
    "id",
    "kind",
    "description",
    "now",
    "verifier",
    "input",
    "expected",
    "valid",
    "error",
    "cases",
];

/// The JSON text the generator writes: object keys in a fixed order
/// (`id`, `kind`, `description`, `now`, `verifier`, `input`, `expected`,
/// `valid`, `error` first, the others sorted), two-space indentation,
/// arrays of scalars on one line, a final newline. Stable whatever
/// `serde_json` features other crates enable.
pub fn to_canonical_json(value: &Json) -> String {
    let mut out = String::new();
    write_canonical(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_canonical(out: &mut String, value: &Json, depth: usize) {
    let indent = |out: &mut String, depth: usize| {
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match value {
        Json::Object(map) if !map.is_empty() => {
            let rank = |key: &str| {
                KEY_ORDER
                    .iter()
                    .position(|k| *k == key)
                    .unwrap_or(KEY_ORDER.len())
            };
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            out.push_str("{\n");
            for (index, key) in keys.iter().enumerate() {
                indent(out, depth + 1);
                out.push_str(&Json::String((*key).clone()).to_string());
                out.push_str(": ");
                if let Some(item) = map.get(*key) {
                    write_canonical(out, item, depth + 1);
                }
                if index + 1 < keys.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push('}');
        }
        Json::Array(items)
            if items
                .iter()
                .any(|i| matches!(i, Json::Object(_) | Json::Array(_))) =>
        {
            out.push_str("[\n");
            for (index, item) in items.iter().enumerate() {
                indent(out, depth + 1);
                write_canonical(out, item, depth + 1);
                if index + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push(']');
        }
        Json::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&item.to_string());
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

// ----- Helpers -----

/// `invalid_argument` about the manifest.
fn bad(what: &str, detail: &str) -> Error {
    Error::InvalidArgument(format!("vectors manifest: {what}: {detail}"))
}

fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn from_hex(text: &str, what: &str) -> Result<Vec<u8>> {
    hex::decode(text).map_err(|e| bad(what, &format!("{text:?} is not hex: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn document_case() -> Case {
        Case {
            id: "x".into(),
            description: "d".into(),
            kind: Kind::Status,
            now: datetime!(2026-11-29 12:00 UTC),
            input: Input::Document {
                verifier: VerifierConfig {
                    acceptance_policy: PolicySpec::Listed {
                        countries: vec!["PL".into()],
                        pairs: vec![("UA".into(), "org.iso.18013.5.1.mDL".into())],
                    },
                    crl_policy: Some(CrlPolicySpec {
                        allow_unchecked: true,
                    }),
                    crls: vec![CrlEntry {
                        distribution_point: "https://pki.example/ua.crl".into(),
                        crl: Source::file("cases/x/ua.crl"),
                    }],
                    ..VerifierConfig::trusting(vec![TrustedIaca {
                        certificate: "trust/ua/iaca.pem".into(),
                        id: "UA:diia".into(),
                        country: "UA".into(),
                        name: "Diia".into(),
                        doc_types: vec!["org.iso.18013.5.1.mDL".into()],
                    }])
                },
                document: Source::Synthetic {
                    prefix: vec![0x9a, 0, 1],
                    fill: 0,
                    length: 5,
                },
                status_token: Some(Source::file("cases/x/token.cwt")),
                identifier_list_token: Some(Source::file("cases/x/ids.cwt")),
            },
            expected: Expected::error("revoked"),
            derived_from: Some(Derivation {
                case: "y".into(),
                change: "the status bit set".into(),
            }),
        }
    }

    #[test]
    fn cases_round_trip_through_json() {
        let manifest = Manifest {
            description: "test".into(),
            cases: vec![document_case()],
        };
        let text = to_canonical_json(&manifest.to_json().unwrap());
        assert_eq!(Manifest::parse(&text).unwrap(), manifest);
        assert!(text.contains("\"prefix\": \"9a0001\""), "{text}");
        assert!(text.contains("\"now\": \"2026-11-29T12:00:00Z\""), "{text}");
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn canonical_json_orders_keys_and_keeps_scalar_arrays_on_one_line() {
        let json = serde_json::json!({"b": [1, "x"], "a": {"d": [], "c": [{"e": true}]}});
        assert_eq!(
            to_canonical_json(&json),
            "{\n  \"a\": {\n    \"c\": [\n      {\n        \"e\": true\n      }\n    ],\n    \"d\": []\n  },\n  \"b\": [1, \"x\"]\n}\n"
        );
        let json = serde_json::json!({"z": 1, "expected": 2, "id": 3, "kind": 4, "a": 5});
        assert_eq!(
            to_canonical_json(&json),
            "{\n  \"id\": 3,\n  \"kind\": 4,\n  \"expected\": 2,\n  \"a\": 5,\n  \"z\": 1\n}\n"
        );
    }

    #[test]
    fn synthetic_sources_expand_and_refuse_short_lengths() {
        let source = Source::Synthetic {
            prefix: vec![1, 2],
            fill: 7,
            length: 4,
        };
        assert_eq!(source.synthetic_bytes().unwrap(), Some(vec![1, 2, 7, 7]));
        let short = Source::Synthetic {
            prefix: vec![1, 2],
            fill: 7,
            length: 1,
        };
        assert_eq!(
            short.synthetic_bytes().map_err(|e| e.code()),
            Err("invalid_argument")
        );
        assert_eq!(Source::file("a").synthetic_bytes().unwrap(), None);
        let huge = Source::Synthetic {
            prefix: vec![],
            fill: 0,
            length: MAX_SYNTHETIC_LEN as u64 + 1,
        };
        assert_eq!(
            huge.synthetic_bytes().map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }

    #[test]
    fn unknown_keys_kinds_and_formats_are_refused() {
        let mut json = Manifest {
            description: "test".into(),
            cases: vec![document_case()],
        }
        .to_json()
        .unwrap();
        let code = |json: &Json| Manifest::from_json(json).map(|_| ()).map_err(|e| e.code());
        assert_eq!(code(&json), Ok(()));
        json["cases"][0]["input"]["extra"] = Json::Bool(true);
        assert_eq!(code(&json), Err("invalid_argument"));
        json["cases"][0]["input"]
            .as_object_mut()
            .unwrap()
            .remove("extra");
        json["cases"][0]["kind"] = "other".into();
        assert_eq!(code(&json), Err("invalid_argument"));
        json["cases"][0]["kind"] = "status".into();
        json["format"] = "docbridge-test-vectors/1".into();
        assert_eq!(code(&json), Err("invalid_argument"));
        json["format"] = FORMAT.into();
        let case = json["cases"][0].clone();
        json["cases"].as_array_mut().unwrap().push(case);
        assert_eq!(code(&json), Err("invalid_argument"));
        json["cases"].as_array_mut().unwrap().pop();

        // Unknown members are refused at every depth, with serde's message.
        let message = |json: &Json| Manifest::from_json(json).unwrap_err().to_string();
        for path in [
            &["verifier", "statusPolicy"][..],
            &["verifier", "trustedIacas", "0"][..],
            &["input", "document"][..],
            &[][..],
        ] {
            let mut changed = json.clone();
            let mut at = &mut changed["cases"][0];
            for step in path {
                at = match step.parse::<usize>() {
                    Ok(index) => &mut at[index],
                    Err(_) => &mut at[*step],
                };
            }
            at["alowMissingToken"] = Json::Bool(true);
            assert!(
                message(&changed).contains("alowMissingToken"),
                "{path:?}: {}",
                message(&changed)
            );
        }
        // A verifier only where the kind has one.
        let mut changed = json.clone();
        changed["cases"][0]["kind"] = "device_request".into();
        assert!(
            message(&changed).contains("\"verifier\""),
            "{}",
            message(&changed)
        );
        changed["cases"][0]["kind"] = "status".into();
        changed["cases"][0]
            .as_object_mut()
            .unwrap()
            .remove("verifier");
        assert!(message(&changed).contains("missing \"verifier\""));
    }
}
