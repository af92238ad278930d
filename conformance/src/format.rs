//! The manifest of a vectors directory, as Rust types, and its JSON form.
//!
//! `manifest.json` is `{"format": "docbridge-test-vectors/1", "description",
//! "cases": [Case, ...]}`. Every path is relative to the vectors directory
//! (forward slashes, no `..`); binary inputs are files (`.cbor`, `.der`,
//! `.bin`), keys and certificates PEM, times RFC 3339 in UTC. Objects hold
//! exactly the documented keys (an unknown key is refused, so a typo cannot
//! silently change a case). `test-vectors/README.md` is the reference for
//! implementers in other languages; the summary:
//!
//! ```text
//! Case = {
//!   "id": tstr, "description": tstr,
//!   "kind": "issuer_signed" / "status" / "device_response" / "device_request" / "trust_list" / "session",
//!   "now": RFC 3339,
//!   ? "verifier": Verifier,            ; issuer_signed, status, device_response
//!   "input": { ... per kind ... },
//!   "expected": {"valid": true, ...} / {"valid": false, "error": code},
//! }
//! Verifier = {
//!   "trustedIacas": [* {"certificate": path, "id", "country", "name", "docTypes": [+ tstr]}],
//!   "trustLists": [* Source], "operatorRoots": [* {"country", "certificate": path}],
//!   "acceptancePolicy": "all" / {"countries": [* tstr], "pairs": [* {"country", "docType"}]},
//!   "clockSkewSeconds": uint,
//!   "statusPolicy": {"allowMissingToken": bool, "acceptOtherValues": bool},
//!   ? "crlPolicy": {"allowUnchecked": bool},        ; present: CRLs are checked
//!   ? "crls": [+ {"distributionPoint": tstr, "crl": Source}],
//! }
//! Source = path / {"prefix": hex, "fill": hex byte, "length": uint}   ; synthetic bytes
//! ```

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInput {
    /// Which side decrypts.
    pub role: SessionRole,
    /// The side's own ephemeral P-256 private key (PKCS#8 PEM).
    pub private_key: String,
    /// The device's ephemeral public key EDeviceKey (SPKI PEM); reader only.
    pub peer_public_key: Option<String>,
    /// The side's SessionTranscriptBytes.
    pub transcript: Source,
    /// The SessionEstablishment received; device only.
    pub establishment: Option<Source>,
    /// SessionData messages received from the other side, in order.
    pub messages: Vec<Source>,
}

/// The side of a session a case plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct StatusTokenEntry {
    /// The URI the documents reference.
    pub uri: String,
    /// The encoded token.
    pub token: Source,
}

/// Where the bytes of a binary input come from.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq)]
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
    pub crl_policy: Option<CrlPolicySpec>,
    /// The CRLs the app fetched, each with the distribution point it came from.
    pub crls: Vec<CrlEntry>,
}

/// The CRL policy ([`docbridge::x509::crl::CrlPolicy`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CrlPolicySpec {
    /// A certificate whose CRL is missing or stale passes (`not_checked`).
    pub allow_unchecked: bool,
}

/// A CRL with the distribution point it was fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        }
    }
}

/// The crate's default clock skew ([`docbridge::clock::DEFAULT_CLOCK_SKEW`]), in seconds.
pub const DEFAULT_CLOCK_SKEW_SECONDS: u64 = 300;

/// An issuing authority configured by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRoot {
    /// The country whose lists it signs for.
    pub country: String,
    /// The root certificate (PEM file).
    pub certificate: String,
}

/// The acceptance policy.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    /// `test-vectors/README.md`).
    Valid(Map<String, Json>),
    /// `{"valid": false, "error": code}`.
    Invalid(String),
}

impl Expected {
    /// The refusal with `code`.
    pub fn error(code: &str) -> Expected {
        Expected::Invalid(code.to_string())
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
        let map = object(json, WHAT)?;
        match map.get("valid") {
            Some(Json::Bool(true)) => {
                let mut members = map.clone();
                members.remove("valid");
                Ok(Expected::Valid(members))
            }
            Some(Json::Bool(false)) => {
                check_keys(map, &["valid", "error"], WHAT)?;
                Ok(Expected::Invalid(string(map, "error", WHAT)?))
            }
            _ => Err(bad(WHAT, "\"valid\" must be true or false")),
        }
    }
}

// ----- Writing -----

impl Manifest {
    /// The manifest as JSON.
    pub fn to_json(&self) -> Result<Json> {
        let mut map = Map::new();
        map.insert("format".into(), FORMAT.into());
        map.insert("description".into(), self.description.clone().into());
        let cases = self
            .cases
            .iter()
            .map(Case::to_json)
            .collect::<Result<Vec<_>>>()?;
        map.insert("cases".into(), Json::Array(cases));
        Ok(Json::Object(map))
    }

    /// Reads a manifest (`invalid_argument` for anything not of the
    /// documented shape, another `format`, or two cases with one id).
    pub fn from_json(json: &Json) -> Result<Manifest> {
        const WHAT: &str = "manifest";
        let map = object(json, WHAT)?;
        check_keys(map, &["format", "description", "cases"], WHAT)?;
        let format = string(map, "format", WHAT)?;
        if format != FORMAT {
            return Err(bad(
                WHAT,
                &format!("format {format:?}; this crate reads {FORMAT:?}"),
            ));
        }
        let cases = array(map, "cases", WHAT)?
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
            description: string(map, "description", WHAT)?,
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
        let mut map = Map::new();
        map.insert("id".into(), self.id.clone().into());
        map.insert("description".into(), self.description.clone().into());
        map.insert("kind".into(), self.kind.name().into());
        map.insert("now".into(), time_json(self.now)?);
        let mut input = Map::new();
        match &self.input {
            Input::Document {
                verifier,
                document,
                status_token,
                identifier_list_token,
            } => {
                map.insert("verifier".into(), verifier.to_json());
                input.insert("document".into(), document.to_json());
                if let Some(token) = status_token {
                    input.insert("statusToken".into(), token.to_json());
                }
                if let Some(token) = identifier_list_token {
                    input.insert("identifierListToken".into(), token.to_json());
                }
            }
            Input::DeviceResponse {
                verifier,
                response,
                transcript,
                reader_key,
                status_tokens,
            } => {
                map.insert("verifier".into(), verifier.to_json());
                input.insert("response".into(), response.to_json());
                input.insert("transcript".into(), transcript.to_json());
                if let Some(key) = reader_key {
                    input.insert("readerKey".into(), key.clone().into());
                }
                if !status_tokens.is_empty() {
                    let tokens = status_tokens
                        .iter()
                        .map(|t| {
                            let mut entry = Map::new();
                            entry.insert("uri".into(), t.uri.clone().into());
                            entry.insert("token".into(), t.token.to_json());
                            Json::Object(entry)
                        })
                        .collect();
                    input.insert("statusTokens".into(), Json::Array(tokens));
                }
            }
            Input::DeviceRequest {
                request,
                transcript,
                reader_roots,
            } => {
                input.insert("request".into(), request.to_json());
                input.insert("transcript".into(), transcript.to_json());
                input.insert("readerRoots".into(), strings_json(reader_roots));
            }
            Input::TrustList {
                operator_roots,
                saved_state,
                updates,
            } => {
                input.insert("operatorRoots".into(), roots_json(operator_roots));
                if let Some(state) = saved_state {
                    input.insert("savedState".into(), state.to_json());
                }
                input.insert(
                    "updates".into(),
                    Json::Array(updates.iter().map(Source::to_json).collect()),
                );
            }
            Input::Session(session) => {
                input.insert("role".into(), session.role.name().into());
                input.insert("privateKey".into(), session.private_key.clone().into());
                if let Some(peer) = &session.peer_public_key {
                    input.insert("peerPublicKey".into(), peer.clone().into());
                }
                input.insert("transcript".into(), session.transcript.to_json());
                if let Some(establishment) = &session.establishment {
                    input.insert("establishment".into(), establishment.to_json());
                }
                input.insert(
                    "messages".into(),
                    Json::Array(session.messages.iter().map(Source::to_json).collect()),
                );
            }
        }
        map.insert("input".into(), Json::Object(input));
        map.insert("expected".into(), self.expected.to_json());
        Ok(Json::Object(map))
    }

    /// Reads a case.
    pub fn from_json(json: &Json) -> Result<Case> {
        let map = object(json, "case")?;
        let id = string(map, "id", "case")?;
        let what = format!("case {id:?}");
        let what = what.as_str();
        let kind = Kind::from_name(&string(map, "kind", what)?)?;
        let has_verifier = matches!(
            kind,
            Kind::IssuerSigned | Kind::Status | Kind::DeviceResponse
        );
        let keys: &[&str] = if has_verifier {
            &[
                "id",
                "description",
                "kind",
                "now",
                "verifier",
                "input",
                "expected",
            ]
        } else {
            &["id", "description", "kind", "now", "input", "expected"]
        };
        check_keys(map, keys, what)?;
        let input_map = object(field(map, "input", what)?, &format!("{what}: input"))?;
        let in_what = format!("{what}: input");
        let in_what = in_what.as_str();
        let verifier = || VerifierConfig::from_json(field(map, "verifier", what)?, what);
        let input = match kind {
            Kind::IssuerSigned | Kind::Status => {
                check_keys(
                    input_map,
                    &["document", "statusToken", "identifierListToken"],
                    in_what,
                )?;
                Input::Document {
                    verifier: verifier()?,
                    document: source(input_map, "document", in_what)?,
                    status_token: optional_source(input_map, "statusToken", in_what)?,
                    identifier_list_token: optional_source(
                        input_map,
                        "identifierListToken",
                        in_what,
                    )?,
                }
            }
            Kind::DeviceResponse => {
                check_keys(
                    input_map,
                    &["response", "transcript", "readerKey", "statusTokens"],
                    in_what,
                )?;
                let status_tokens = optional_array(input_map, "statusTokens", in_what)?
                    .iter()
                    .map(|entry| {
                        let entry = object(entry, in_what)?;
                        check_keys(entry, &["uri", "token"], in_what)?;
                        Ok(StatusTokenEntry {
                            uri: string(entry, "uri", in_what)?,
                            token: source(entry, "token", in_what)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Input::DeviceResponse {
                    verifier: verifier()?,
                    response: source(input_map, "response", in_what)?,
                    transcript: source(input_map, "transcript", in_what)?,
                    reader_key: optional_string(input_map, "readerKey", in_what)?,
                    status_tokens,
                }
            }
            Kind::DeviceRequest => {
                check_keys(
                    input_map,
                    &["request", "transcript", "readerRoots"],
                    in_what,
                )?;
                Input::DeviceRequest {
                    request: source(input_map, "request", in_what)?,
                    transcript: source(input_map, "transcript", in_what)?,
                    reader_roots: strings(input_map, "readerRoots", in_what)?,
                }
            }
            Kind::TrustList => {
                check_keys(
                    input_map,
                    &["operatorRoots", "savedState", "updates"],
                    in_what,
                )?;
                Input::TrustList {
                    operator_roots: roots(input_map, "operatorRoots", in_what)?,
                    saved_state: optional_source(input_map, "savedState", in_what)?,
                    updates: sources(input_map, "updates", in_what)?,
                }
            }
            Kind::Session => {
                check_keys(
                    input_map,
                    &[
                        "role",
                        "privateKey",
                        "peerPublicKey",
                        "transcript",
                        "establishment",
                        "messages",
                    ],
                    in_what,
                )?;
                let role = match string(input_map, "role", in_what)?.as_str() {
                    "reader" => SessionRole::Reader,
                    "device" => SessionRole::Device,
                    other => {
                        return Err(bad(in_what, &format!("role {other:?}: reader or device")));
                    }
                };
                Input::Session(SessionInput {
                    role,
                    private_key: string(input_map, "privateKey", in_what)?,
                    peer_public_key: optional_string(input_map, "peerPublicKey", in_what)?,
                    transcript: source(input_map, "transcript", in_what)?,
                    establishment: optional_source(input_map, "establishment", in_what)?,
                    messages: sources(input_map, "messages", in_what)?,
                })
            }
        };
        Ok(Case {
            description: string(map, "description", what)?,
            now: time(map, "now", what)?,
            expected: Expected::from_json(field(map, "expected", what)?)?,
            id,
            kind,
            input,
        })
    }
}

impl VerifierConfig {
    /// The configuration as JSON.
    pub fn to_json(&self) -> Json {
        let mut map = Map::new();
        let iacas = self
            .trusted_iacas
            .iter()
            .map(|iaca| {
                let mut entry = Map::new();
                entry.insert("certificate".into(), iaca.certificate.clone().into());
                entry.insert("id".into(), iaca.id.clone().into());
                entry.insert("country".into(), iaca.country.clone().into());
                entry.insert("name".into(), iaca.name.clone().into());
                entry.insert("docTypes".into(), strings_json(&iaca.doc_types));
                Json::Object(entry)
            })
            .collect();
        map.insert("trustedIacas".into(), Json::Array(iacas));
        map.insert(
            "trustLists".into(),
            Json::Array(self.trust_lists.iter().map(Source::to_json).collect()),
        );
        map.insert("operatorRoots".into(), roots_json(&self.operator_roots));
        let policy = match &self.acceptance_policy {
            PolicySpec::All => Json::String("all".into()),
            PolicySpec::Listed { countries, pairs } => {
                let mut policy = Map::new();
                policy.insert("countries".into(), strings_json(countries));
                let pairs = pairs
                    .iter()
                    .map(|(country, doc_type)| {
                        let mut pair = Map::new();
                        pair.insert("country".into(), country.clone().into());
                        pair.insert("docType".into(), doc_type.clone().into());
                        Json::Object(pair)
                    })
                    .collect();
                policy.insert("pairs".into(), Json::Array(pairs));
                Json::Object(policy)
            }
        };
        map.insert("acceptancePolicy".into(), policy);
        map.insert("clockSkewSeconds".into(), self.clock_skew_seconds.into());
        let mut status = Map::new();
        status.insert(
            "allowMissingToken".into(),
            self.status_policy.allow_missing_token.into(),
        );
        status.insert(
            "acceptOtherValues".into(),
            self.status_policy.accept_other_values.into(),
        );
        map.insert("statusPolicy".into(), Json::Object(status));
        if let Some(policy) = &self.crl_policy {
            let mut crl_policy = Map::new();
            crl_policy.insert("allowUnchecked".into(), policy.allow_unchecked.into());
            map.insert("crlPolicy".into(), Json::Object(crl_policy));
        }
        if !self.crls.is_empty() {
            let crls = self
                .crls
                .iter()
                .map(|entry| {
                    let mut crl = Map::new();
                    crl.insert(
                        "distributionPoint".into(),
                        entry.distribution_point.clone().into(),
                    );
                    crl.insert("crl".into(), entry.crl.to_json());
                    Json::Object(crl)
                })
                .collect();
            map.insert("crls".into(), Json::Array(crls));
        }
        Json::Object(map)
    }

    fn from_json(json: &Json, case: &str) -> Result<VerifierConfig> {
        let what = format!("{case}: verifier");
        let what = what.as_str();
        let map = object(json, what)?;
        check_keys(
            map,
            &[
                "trustedIacas",
                "trustLists",
                "operatorRoots",
                "acceptancePolicy",
                "clockSkewSeconds",
                "statusPolicy",
                "crlPolicy",
                "crls",
            ],
            what,
        )?;
        let trusted_iacas = array(map, "trustedIacas", what)?
            .iter()
            .map(|entry| {
                let entry = object(entry, what)?;
                check_keys(
                    entry,
                    &["certificate", "id", "country", "name", "docTypes"],
                    what,
                )?;
                Ok(TrustedIaca {
                    certificate: string(entry, "certificate", what)?,
                    id: string(entry, "id", what)?,
                    country: string(entry, "country", what)?,
                    name: string(entry, "name", what)?,
                    doc_types: strings(entry, "docTypes", what)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let acceptance_policy = match field(map, "acceptancePolicy", what)? {
            Json::String(s) if s == "all" => PolicySpec::All,
            Json::Object(policy) => {
                check_keys(policy, &["countries", "pairs"], what)?;
                let pairs = array(policy, "pairs", what)?
                    .iter()
                    .map(|pair| {
                        let pair = object(pair, what)?;
                        check_keys(pair, &["country", "docType"], what)?;
                        Ok((
                            string(pair, "country", what)?,
                            string(pair, "docType", what)?,
                        ))
                    })
                    .collect::<Result<Vec<_>>>()?;
                PolicySpec::Listed {
                    countries: strings(policy, "countries", what)?,
                    pairs,
                }
            }
            _ => {
                return Err(bad(
                    what,
                    "acceptancePolicy must be \"all\" or {\"countries\", \"pairs\"}",
                ));
            }
        };
        let status = object(field(map, "statusPolicy", what)?, what)?;
        check_keys(status, &["allowMissingToken", "acceptOtherValues"], what)?;
        let crl_policy = map
            .get("crlPolicy")
            .map(|policy| {
                let policy = object(policy, what)?;
                check_keys(policy, &["allowUnchecked"], what)?;
                Ok(CrlPolicySpec {
                    allow_unchecked: boolean(policy, "allowUnchecked", what)?,
                })
            })
            .transpose()?;
        let crls = optional_array(map, "crls", what)?
            .iter()
            .map(|entry| {
                let entry = object(entry, what)?;
                check_keys(entry, &["distributionPoint", "crl"], what)?;
                Ok(CrlEntry {
                    distribution_point: string(entry, "distributionPoint", what)?,
                    crl: source(entry, "crl", what)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(VerifierConfig {
            crl_policy,
            crls,
            trusted_iacas,
            trust_lists: sources(map, "trustLists", what)?,
            operator_roots: roots(map, "operatorRoots", what)?,
            acceptance_policy,
            clock_skew_seconds: field(map, "clockSkewSeconds", what)?
                .as_u64()
                .ok_or_else(|| bad(what, "clockSkewSeconds must be an unsigned integer"))?,
            status_policy: StatusPolicySpec {
                allow_missing_token: boolean(status, "allowMissingToken", what)?,
                accept_other_values: boolean(status, "acceptOtherValues", what)?,
            },
        })
    }
}

impl Source {
    /// The source as JSON: its path, or the synthetic object.
    pub fn to_json(&self) -> Json {
        match self {
            Source::File(path) => Json::String(path.clone()),
            Source::Synthetic {
                prefix,
                fill,
                length,
            } => {
                let mut map = Map::new();
                map.insert("prefix".into(), to_hex(prefix).into());
                map.insert("fill".into(), to_hex(&[*fill]).into());
                map.insert("length".into(), (*length).into());
                Json::Object(map)
            }
        }
    }

    fn from_json(json: &Json, what: &str) -> Result<Source> {
        match json {
            Json::String(path) => Ok(Source::File(path.clone())),
            Json::Object(map) => {
                check_keys(map, &["prefix", "fill", "length"], what)?;
                let fill = from_hex(&string(map, "fill", what)?, what)?;
                let [fill] = fill.as_slice() else {
                    return Err(bad(what, "fill must be one byte of hex"));
                };
                Ok(Source::Synthetic {
                    prefix: from_hex(&string(map, "prefix", what)?, what)?,
                    fill: *fill,
                    length: field(map, "length", what)?
                        .as_u64()
                        .ok_or_else(|| bad(what, "length must be an unsigned integer"))?,
                })
            }
            _ => Err(bad(what, "an input must be a path or a synthetic object")),
        }
    }
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

fn time_json(at: OffsetDateTime) -> Result<Json> {
    at.format(&Rfc3339)
        .map(Json::String)
        .map_err(|e| Error::InvalidDate(e.to_string()))
}

fn strings_json(items: &[String]) -> Json {
    Json::Array(items.iter().cloned().map(Json::String).collect())
}

fn roots_json(roots: &[OperatorRoot]) -> Json {
    Json::Array(
        roots
            .iter()
            .map(|root| {
                let mut entry = Map::new();
                entry.insert("country".into(), root.country.clone().into());
                entry.insert("certificate".into(), root.certificate.clone().into());
                Json::Object(entry)
            })
            .collect(),
    )
}

fn object<'a>(json: &'a Json, what: &str) -> Result<&'a Map<String, Json>> {
    json.as_object()
        .ok_or_else(|| bad(what, "expected an object"))
}

fn check_keys(map: &Map<String, Json>, allowed: &[&str], what: &str) -> Result<()> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(bad(what, &format!("unknown key {key:?}"))),
        None => Ok(()),
    }
}

fn field<'a>(map: &'a Map<String, Json>, key: &str, what: &str) -> Result<&'a Json> {
    map.get(key)
        .ok_or_else(|| bad(what, &format!("missing {key:?}")))
}

fn string(map: &Map<String, Json>, key: &str, what: &str) -> Result<String> {
    field(map, key, what)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(what, &format!("{key:?} must be a string")))
}

fn optional_string(map: &Map<String, Json>, key: &str, what: &str) -> Result<Option<String>> {
    map.get(key).map(|_| string(map, key, what)).transpose()
}

fn boolean(map: &Map<String, Json>, key: &str, what: &str) -> Result<bool> {
    field(map, key, what)?
        .as_bool()
        .ok_or_else(|| bad(what, &format!("{key:?} must be true or false")))
}

fn array<'a>(map: &'a Map<String, Json>, key: &str, what: &str) -> Result<&'a [Json]> {
    field(map, key, what)?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| bad(what, &format!("{key:?} must be an array")))
}

fn optional_array<'a>(map: &'a Map<String, Json>, key: &str, what: &str) -> Result<&'a [Json]> {
    match map.get(key) {
        None => Ok(&[]),
        Some(_) => array(map, key, what),
    }
}

fn strings(map: &Map<String, Json>, key: &str, what: &str) -> Result<Vec<String>> {
    array(map, key, what)?
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| bad(what, &format!("{key:?} must hold strings")))
        })
        .collect()
}

fn time(map: &Map<String, Json>, key: &str, what: &str) -> Result<OffsetDateTime> {
    let text = string(map, key, what)?;
    OffsetDateTime::parse(&text, &Rfc3339)
        .map_err(|e| bad(what, &format!("{key:?} {text:?} is not RFC 3339: {e}")))
}

fn source(map: &Map<String, Json>, key: &str, what: &str) -> Result<Source> {
    Source::from_json(field(map, key, what)?, &format!("{what}.{key}"))
}

fn optional_source(map: &Map<String, Json>, key: &str, what: &str) -> Result<Option<Source>> {
    map.get(key).map(|_| source(map, key, what)).transpose()
}

fn sources(map: &Map<String, Json>, key: &str, what: &str) -> Result<Vec<Source>> {
    array(map, key, what)?
        .iter()
        .map(|item| Source::from_json(item, &format!("{what}.{key}")))
        .collect()
}

fn roots(map: &Map<String, Json>, key: &str, what: &str) -> Result<Vec<OperatorRoot>> {
    array(map, key, what)?
        .iter()
        .map(|entry| {
            let entry = object(entry, what)?;
            check_keys(entry, &["country", "certificate"], what)?;
            Ok(OperatorRoot {
                country: string(entry, "country", what)?,
                certificate: string(entry, "certificate", what)?,
            })
        })
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str, what: &str) -> Result<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(bad(what, "hex of odd length"));
    }
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .ok_or_else(|| bad(what, &format!("{text:?} is not hex")))
        })
        .collect()
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
        json["format"] = "docbridge-test-vectors/2".into();
        assert_eq!(code(&json), Err("invalid_argument"));
        json["format"] = FORMAT.into();
        let case = json["cases"][0].clone();
        json["cases"].as_array_mut().unwrap().push(case);
        assert_eq!(code(&json), Err("invalid_argument"));
    }
}
