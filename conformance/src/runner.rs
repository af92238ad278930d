//! Running the cases of a manifest against this crate and comparing the
//! outcomes with the expected ones.
//!
//! Each case is run exactly as the manifest spells it out (see
//! `test-vectors/README.md`); its observed outcome is written in the same
//! JSON form as `expected` and compared for equality. A case that cannot be
//! run at all (a missing file, a certificate file that does not parse, a
//! manifest that contradicts itself) fails with a harness error, never
//! passes.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value as Json};
use time::{Duration, OffsetDateTime};

use crate::MANIFEST_FILE;
use crate::format::{
    Case, DOCUMENTS, Expected, Input, Kind, Manifest, PolicySpec, SessionInput, SessionRole,
    Source, VerifierConfig,
};
use docbridge::cbor;
use docbridge::cose::{PublicKey, SoftwareKey};
use docbridge::dcapi::EncryptedResponse;
use docbridge::deps::ciborium::value::Value;
use docbridge::deps::p256;
use docbridge::documents::json::elements_to_json;
use docbridge::error::{Error, Result};
use docbridge::request::DeviceRequest;
use docbridge::session::{
    DeviceSession, EphemeralKey, ReaderSession, Received, SessionEstablishment,
};
use docbridge::status::StatusPolicy;
use docbridge::trust::store::{Update, UpdateOutcome};
use docbridge::trust::{AcceptancePolicy, IssuingAuthority, TrustStore, TrustedAuthorities};
use docbridge::verifier::{
    ResponseVerification, StatusTokens, VerifiedDocument, Verifier, VerifyOptions,
};
use docbridge::x509::Certificate;
use docbridge::x509::crl::{CrlOutcome, CrlPolicy, CrlSet};

/// Where a case's files come from.
pub trait Files {
    /// The bytes of the file at `path`, relative to the vectors directory.
    fn read(&self, path: &str) -> Result<Vec<u8>>;
}

/// The files of a vectors directory on disk.
#[derive(Debug, Clone)]
pub struct DirFiles {
    root: PathBuf,
}

impl DirFiles {
    /// The files under `root`.
    pub fn new(root: impl Into<PathBuf>) -> DirFiles {
        DirFiles { root: root.into() }
    }
}

impl Files for DirFiles {
    /// Refused with `invalid_argument` for a path that is absolute, holds
    /// `..`, `.`, empty components or backslashes, and with `io` when the
    /// file cannot be read.
    fn read(&self, path: &str) -> Result<Vec<u8>> {
        check_relative(path)?;
        let full = self.root.join(path);
        std::fs::read(&full).map_err(|e| Error::Io(format!("{}: {e}", full.display())))
    }
}

/// Checks that `path` is a plain relative path: forward slashes, no empty,
/// `.` or `..` component, not absolute.
pub(crate) fn check_relative(path: &str) -> Result<()> {
    let plain = !path.is_empty()
        && !path.contains('\\')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..");
    if plain {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "vectors: {path:?} is not a plain relative path"
        )))
    }
}

/// The bytes of a binary input.
pub fn load(files: &dyn Files, source: &Source) -> Result<Vec<u8>> {
    match source.synthetic_bytes()? {
        Some(bytes) => Ok(bytes),
        None => match source {
            Source::File(path) => files.read(path),
            Source::Synthetic { .. } => Err(Error::InvalidArgument(
                "vectors: synthetic input without bytes".into(),
            )),
        },
    }
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseReport {
    /// The case's id.
    pub id: String,
    /// The case's kind.
    pub kind: Kind,
    /// The expected outcome (files it names replaced by their content, as
    /// in `actual`).
    pub expected: Json,
    /// The observed outcome, or why the case could not be run.
    pub actual: std::result::Result<Json, String>,
}

impl CaseReport {
    /// Whether the observed outcome is the expected one.
    pub fn passed(&self) -> bool {
        self.actual.as_ref() == Ok(&self.expected)
    }

    /// `ok <id>`, or `FAIL <id>: expected <json>, got <json or reason>`.
    pub fn line(&self) -> String {
        match &self.actual {
            Ok(actual) if *actual == self.expected => format!("ok {}", self.id),
            Ok(actual) => format!(
                "FAIL {}: expected {}, got {}",
                self.id, self.expected, actual
            ),
            Err(reason) => format!(
                "FAIL {}: expected {}, got a harness error: {reason}",
                self.id, self.expected
            ),
        }
    }
}

/// The outcomes of every case of a manifest, in manifest order.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One report per case.
    pub cases: Vec<CaseReport>,
}

impl Report {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed()).count()
    }

    /// How many cases failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }

    /// `N passed, M failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed(), self.failed())
    }
}

/// Reads `manifest.json` under `dir` and runs every case against the files
/// beside it. Refused with `io` when the manifest cannot be read and
/// `invalid_argument` when it is not a manifest; a case that cannot be run
/// is reported as failed.
pub fn run_dir(dir: &Path) -> Result<Report> {
    let files = DirFiles::new(dir);
    let text = String::from_utf8(files.read(MANIFEST_FILE)?)
        .map_err(|e| Error::InvalidArgument(format!("vectors: {MANIFEST_FILE}: {e}")))?;
    let manifest = Manifest::parse(&text)?;
    Ok(run_manifest(&manifest, &files))
}

/// Runs every case of `manifest`.
pub fn run_manifest(manifest: &Manifest, files: &dyn Files) -> Report {
    Report {
        cases: manifest
            .cases
            .iter()
            .map(|case| run_case(case, files))
            .collect(),
    }
}

/// Runs one case.
pub fn run_case(case: &Case, files: &dyn Files) -> CaseReport {
    let harness = |e: Error| format!("{e} ({})", e.code());
    let expected = expected_json(case, files);
    let actual = execute(case, files).map(|outcome| {
        match outcome {
            Ok(members) => Expected::Valid(members),
            Err(e) => Expected::Invalid(e.code().to_string()),
        }
        .to_json()
    });
    match expected {
        Ok(expected) => CaseReport {
            id: case.id.clone(),
            kind: case.kind,
            expected,
            actual: actual.map_err(harness),
        },
        Err(e) => CaseReport {
            id: case.id.clone(),
            kind: case.kind,
            expected: case.expected.to_json(),
            actual: Err(harness(e)),
        },
    }
}

/// The expected outcome with the plaintext files of a session case read
/// and written as base64url, as the observed outcome has them.
fn expected_json(case: &Case, files: &dyn Files) -> Result<Json> {
    let mut json = case.expected.to_json();
    if case.kind != Kind::Session {
        return Ok(json);
    }
    if let Some(received) = json.get_mut("received").and_then(Json::as_array_mut) {
        for entry in received {
            if let Some(data) = entry.get_mut("data") {
                let path = data.as_str().ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "vectors: case {:?}: received data must name a file",
                        case.id
                    ))
                })?;
                *data = Json::String(URL_SAFE_NO_PAD.encode(files.read(path)?));
            }
        }
    }
    Ok(json)
}

/// Runs a case: the outer error is a harness failure, the inner result the
/// outcome to compare.
fn execute(case: &Case, files: &dyn Files) -> Result<Result<Map<String, Json>>> {
    let now = case.now;
    match (&case.input, case.kind) {
        (
            Input::Document {
                verifier,
                document,
                status_token,
                identifier_list_token,
            },
            Kind::IssuerSigned | Kind::Status,
        ) => {
            let crls = match crl_set(verifier, files)? {
                Ok(crls) => crls,
                Err(refused) => return Ok(Err(refused)),
            };
            let verifier = match build_verifier(verifier, now, files)? {
                Ok(verifier) => verifier,
                Err(refused) => return Ok(Err(refused)),
            };
            let document = load(files, document)?;
            let token = status_token.as_ref().map(|t| load(files, t)).transpose()?;
            let identifiers = identifier_list_token
                .as_ref()
                .map(|t| load(files, t))
                .transpose()?;
            let mut options = VerifyOptions::at(now);
            if let Some(token) = &token {
                options = options.status_token(token);
            }
            if let Some(token) = &identifiers {
                options = options.identifier_list_token(token);
            }
            if let Some(crls) = &crls {
                options = options.crls(crls);
            }
            Ok(verifier
                .verify(&document, &options)
                .map(|verified| document_members(&verified)))
        }
        (
            Input::DeviceResponse {
                verifier,
                response,
                transcript,
                reader_key,
                hpke_key,
                status_tokens,
            },
            Kind::DeviceResponse,
        ) => {
            let crls = match crl_set(verifier, files)? {
                Ok(crls) => crls,
                Err(refused) => return Ok(Err(refused)),
            };
            let verifier = match build_verifier(verifier, now, files)? {
                Ok(verifier) => verifier,
                Err(refused) => return Ok(Err(refused)),
            };
            let response = load(files, response)?;
            let transcript = load(files, transcript)?;
            let response = match hpke_key {
                None => response,
                Some(path) => match open_encrypted(&response, &transcript, &p256_key(files, path)?)
                {
                    Ok(opened) => opened,
                    Err(refused) => return Ok(Err(refused)),
                },
            };
            let reader_key = reader_key
                .as_ref()
                .map(|path| p256_key(files, path))
                .transpose()?;
            let mut tokens = StatusTokens::new();
            for entry in status_tokens {
                tokens.insert(entry.uri.clone(), load(files, &entry.token)?);
            }
            let mut options = VerifyOptions::at(now)
                .transcript(&transcript)
                .status_tokens(&tokens);
            if let Some(key) = &reader_key {
                options = options.reader_key(key);
            }
            if let Some(crls) = &crls {
                options = options.crls(crls);
            }
            Ok(verifier
                .verify_response(&response, &options)
                .and_then(response_members))
        }
        (
            Input::DeviceRequest {
                request,
                transcript,
                reader_roots,
            },
            Kind::DeviceRequest,
        ) => {
            let request = load(files, request)?;
            let transcript = load(files, transcript)?;
            let roots = reader_roots
                .iter()
                .map(|path| certificate(files, path))
                .collect::<Result<Vec<_>>>()?;
            Ok(check_request(&request, &transcript, &roots, now))
        }
        (
            Input::TrustList {
                operator_roots,
                saved_state,
                updates,
            },
            Kind::TrustList,
        ) => {
            let mut store = TrustStore::new();
            for root in operator_roots {
                store.pin_operator(&root.country, certificate(files, &root.certificate)?)?;
            }
            if let Some(state) = saved_state
                && let Err(refused) = store.load_from(&load(files, state)?, now)
            {
                return Ok(Err(refused));
            }
            let mut last = None;
            for update in updates {
                match store.update(&load(files, update)?, now) {
                    Ok(accepted) => last = Some(accepted),
                    Err(refused) => return Ok(Err(refused)),
                }
            }
            let last = last.ok_or_else(|| {
                Error::InvalidArgument(format!("vectors: case {:?} has no update", case.id))
            })?;
            Ok(Ok(trust_list_members(&store, &last)))
        }
        (Input::Session(session), Kind::Session) => run_session(session, files),
        (_, kind) => Err(Error::InvalidArgument(format!(
            "vectors: case {:?}: the input does not fit kind {}",
            case.id,
            kind.name()
        ))),
    }
}

/// The DeviceResponse inside an EncryptedResponse (ISO/IEC TS 18013-7
/// Annex C), opened with the verifier's HPKE key and, as HPKE `info`, the
/// SessionTranscript array inside the tag-24 SessionTranscriptBytes.
fn open_encrypted(sealed: &[u8], transcript: &[u8], key: &p256::SecretKey) -> Result<Vec<u8>> {
    let session_transcript = match cbor::decode(transcript)? {
        Value::Tag(24, inner) => match *inner {
            Value::Bytes(bytes) => bytes,
            _ => {
                return Err(Error::CborNotTag24(
                    "the transcript's tag 24 holds no bytes".into(),
                ));
            }
        },
        _ => return Err(Error::CborNotTag24("the transcript is not tag 24".into())),
    };
    EncryptedResponse::from_slice(sealed)?.open(key, &session_transcript)
}

/// The verifier a case spells out; the inner error is a trust list the
/// store refused (an outcome), the outer one a harness failure.
fn build_verifier(
    config: &VerifierConfig,
    now: OffsetDateTime,
    files: &dyn Files,
) -> Result<Result<Verifier>> {
    let mut trusted = TrustedAuthorities::new();
    if !config.trust_lists.is_empty()
        || !config.operator_roots.is_empty()
        || !config.vicals.is_empty()
        || !config.vical_anchors.is_empty()
    {
        let mut store = TrustStore::new();
        for root in &config.operator_roots {
            store.pin_operator(&root.country, certificate(files, &root.certificate)?)?;
        }
        for anchor in &config.vical_anchors {
            store.pin_vical_provider(&anchor.provider, certificate(files, &anchor.certificate)?)?;
        }
        for list in &config.trust_lists {
            if let Err(refused) = store.update(&load(files, list)?, now) {
                return Ok(Err(refused));
            }
        }
        for vical in &config.vicals {
            if let Err(refused) = store.update_vical(&load(files, vical)?, now) {
                return Ok(Err(refused));
            }
        }
        trusted = store.trusted_authorities()?;
    }
    for iaca in &config.trusted_iacas {
        trusted.add(IssuingAuthority::new(
            iaca.id.clone(),
            iaca.country.clone(),
            iaca.name.clone(),
            vec![certificate(files, &iaca.certificate)?],
            iaca.doc_types.iter().cloned(),
        )?)?;
    }
    let policy = match &config.acceptance_policy {
        PolicySpec::All => AcceptancePolicy::accept_all(),
        PolicySpec::Listed { countries, pairs } => {
            let mut policy = AcceptancePolicy::none();
            for country in countries {
                policy = policy.accept_country(country);
            }
            for (country, doc_type) in pairs {
                policy = policy.accept(country, doc_type);
            }
            policy
        }
    };
    let skew = i64::try_from(config.clock_skew_seconds)
        .map_err(|_| Error::InvalidArgument("vectors: clockSkewSeconds too large".into()))?;
    let status_policy = StatusPolicy::fail_closed()
        .allow_missing_token(config.status_policy.allow_missing_token)
        .accept_other_values(config.status_policy.accept_other_values);
    let mut verifier = Verifier::new(trusted, policy)
        .with_clock_skew(Duration::seconds(skew))
        .with_status_policy(status_policy);
    if let Some(crl_policy) = &config.crl_policy {
        verifier = verifier
            .with_crl_policy(CrlPolicy::fail_closed().allow_unchecked(crl_policy.allow_unchecked));
    }
    Ok(Ok(verifier))
}

/// The CRLs a case gives, keyed by distribution point (`None` when it gives
/// none); the inner error is a CRL the crate refuses to read (an outcome).
fn crl_set(config: &VerifierConfig, files: &dyn Files) -> Result<Result<Option<CrlSet>>> {
    if config.crls.is_empty() {
        return Ok(Ok(None));
    }
    let mut set = CrlSet::new();
    for entry in &config.crls {
        if let Err(refused) = set.insert_bytes(&entry.distribution_point, &load(files, &entry.crl)?)
        {
            return Ok(Err(refused));
        }
    }
    Ok(Ok(Some(set)))
}

/// Checks the reader authentication of every document request.
fn check_request(
    request: &[u8],
    transcript: &[u8],
    roots: &[Certificate],
    now: OffsetDateTime,
) -> Result<Map<String, Json>> {
    let request = DeviceRequest::from_slice(request)?;
    let mut doc_types = Vec::new();
    for doc_request in request.doc_requests() {
        doc_request.verify_reader(roots, transcript, now)?;
        doc_types.push(doc_request.items_request().doc_type.clone());
    }
    Ok(request_members(&doc_types))
}

/// An ephemeral P-256 private key (session or reader key) from a PKCS#8 PEM file.
fn p256_key(files: &dyn Files, path: &str) -> Result<p256::SecretKey> {
    match SoftwareKey::from_pkcs8_pem(&text(files, path)?)? {
        SoftwareKey::P256(key) => Ok(p256::SecretKey::from(&key)),
        other => Err(Error::InvalidArgument(format!(
            "vectors: {path} must be a P-256 key, not {:?}",
            docbridge::cose::Signer::algorithm(&other)
        ))),
    }
}

fn run_session(session: &SessionInput, files: &dyn Files) -> Result<Result<Map<String, Json>>> {
    let key = p256_key(files, &session.private_key)?;
    let transcript = load(files, &session.transcript)?;
    let messages = session
        .messages
        .iter()
        .map(|m| load(files, m))
        .collect::<Result<Vec<_>>>()?;
    let mut received = Vec::new();
    let outcome = match session.role {
        SessionRole::Device => {
            let establishment = session.establishment.as_ref().ok_or_else(|| {
                Error::InvalidArgument("vectors: a device session needs an establishment".into())
            })?;
            let establishment = load(files, establishment)?;
            (|| {
                let message = SessionEstablishment::from_slice(&establishment)?;
                let (mut device, request) = DeviceSession::establish(
                    EphemeralKey::from_secret_key(key.clone()),
                    &message,
                    &transcript,
                )?;
                received.push(Received {
                    data: Some(request),
                    status: None,
                });
                for message in &messages {
                    received.push(device.decrypt_request(message)?);
                }
                Ok(())
            })()
        }
        SessionRole::Reader => {
            let peer = session.peer_public_key.as_ref().ok_or_else(|| {
                Error::InvalidArgument("vectors: a reader session needs the peer's key".into())
            })?;
            let peer = PublicKey::from_pem(&text(files, peer)?)?;
            (|| {
                let mut reader = ReaderSession::new(
                    EphemeralKey::from_secret_key(key.clone()),
                    &peer,
                    &transcript,
                )?;
                for message in &messages {
                    received.push(reader.decrypt_response(message)?);
                }
                Ok(())
            })()
        }
    };
    Ok(outcome.map(|()| {
        session_members(
            received
                .iter()
                .map(|r| {
                    (
                        r.data.as_ref().map(|d| URL_SAFE_NO_PAD.encode(d)),
                        r.status.map(|s| s.code()),
                    )
                })
                .collect(),
        )
    }))
}

fn text(files: &dyn Files, path: &str) -> Result<String> {
    String::from_utf8(files.read(path)?)
        .map_err(|e| Error::InvalidArgument(format!("vectors: {path}: {e}")))
}

/// Exactly one certificate, PEM or DER.
fn certificate(files: &dyn Files, path: &str) -> Result<Certificate> {
    Certificate::load_one(&files.read(path)?)
}

// ----- Outcome members, shared with the generator -----

/// The members of a verified document's outcome: `docType`,
/// `issuingCountry`, `status` and `claims` (the claims JSON of
/// [`docbridge::documents::json`]).
pub(crate) fn document_members(verified: &VerifiedDocument) -> Map<String, Json> {
    let mut members = document_outcome(
        verified.doc_type(),
        verified.issuing_country(),
        &verified.status().name(),
        elements_to_json(verified.elements()),
    );
    // Only when CRLs were checked, so the outcomes of the other cases stay
    // as they were.
    let revocation = verified.certificate_revocation();
    if revocation != CrlOutcome::Disabled {
        members.insert("certificateRevocation".into(), revocation.name().into());
    }
    members
}

/// The members of a verified DeviceResponse's outcome: the first
/// document's members when it holds one (or the refusal when it holds
/// none), and `documents`, each document's outcome in response order, when
/// it holds two or more, so a refused second document is seen beside a
/// valid first one.
pub(crate) fn response_members(verification: ResponseVerification) -> Result<Map<String, Json>> {
    if verification.documents.len() < 2 {
        return verification
            .into_first()
            .map(|verified| document_members(&verified));
    }
    let documents = verification
        .documents
        .iter()
        .map(|outcome| {
            match outcome {
                Ok(verified) => Expected::Valid(document_members(verified)),
                Err(refused) => Expected::Invalid(refused.code().to_string()),
            }
            .to_json()
        })
        .collect();
    let mut members = Map::new();
    members.insert(DOCUMENTS.into(), Json::Array(documents));
    Ok(members)
}

/// [`document_members`] from its parts.
pub(crate) fn document_outcome(
    doc_type: &str,
    issuing_country: &str,
    status: &str,
    claims: Json,
) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("docType".into(), doc_type.into());
    map.insert("issuingCountry".into(), issuing_country.into());
    map.insert("status".into(), status.into());
    map.insert("claims".into(), claims);
    map
}

/// The members of an accepted trust list: `operatorCountry`, `sequence`,
/// `outcome` (`replaced` or `unchanged`) and the held list's `authorities`
/// (`id`, `country`, `docTypes`).
fn trust_list_members(store: &TrustStore, update: &Update) -> Map<String, Json> {
    let country = update.source.operator();
    let authorities = store
        .list(country)
        .map(|held| {
            held.list()
                .authorities()
                .iter()
                .map(|a| {
                    (
                        a.id().to_string(),
                        a.country().to_string(),
                        a.doc_types().iter().cloned().collect(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    trust_list_outcome(
        country,
        update.source.sequence(),
        update.outcome,
        authorities,
    )
}

/// [`trust_list_members`] from its parts.
pub(crate) fn trust_list_outcome(
    operator_country: &str,
    sequence: u64,
    outcome: UpdateOutcome,
    authorities: Vec<(String, String, Vec<String>)>,
) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("operatorCountry".into(), operator_country.into());
    map.insert("sequence".into(), sequence.into());
    map.insert(
        "outcome".into(),
        match outcome {
            UpdateOutcome::Replaced => "replaced",
            UpdateOutcome::Unchanged => "unchanged",
        }
        .into(),
    );
    let authorities = authorities
        .into_iter()
        .map(|(id, country, doc_types)| {
            let mut entry = Map::new();
            entry.insert("id".into(), id.into());
            entry.insert("country".into(), country.into());
            entry.insert("docTypes".into(), doc_types.into());
            Json::Object(entry)
        })
        .collect();
    map.insert("authorities".into(), Json::Array(authorities));
    map
}

/// The members of an authenticated request: the `docTypes` of its
/// document requests, in order.
pub(crate) fn request_members(doc_types: &[String]) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("docTypes".into(), doc_types.to_vec().into());
    map
}

/// The members of a session's outcome: `received`, one entry per message
/// (for the device, the establishment first), each with `data` (a file in
/// the manifest, base64url when observed) and/or `status`.
pub(crate) fn session_members(received: Vec<(Option<String>, Option<u64>)>) -> Map<String, Json> {
    let entries = received
        .into_iter()
        .map(|(data, status)| {
            let mut entry = Map::new();
            if let Some(data) = data {
                entry.insert("data".into(), data.into());
            }
            if let Some(status) = status {
                entry.insert("status".into(), status.into());
            }
            Json::Object(entry)
        })
        .collect();
    let mut map = Map::new();
    map.insert("received".into(), Json::Array(entries));
    map
}

/// Renders a whole report as the command-line tool prints it: one line per
/// case, then `N passed, M failed`.
pub fn report_lines(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = report.cases.iter().map(CaseReport::line).collect();
    lines.push(report.summary());
    lines
}

/// Counts the cases of each kind, in [`Kind::ALL`] order.
pub fn count_by_kind(manifest: &Manifest) -> Vec<(Kind, usize)> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            (
                kind,
                manifest.cases.iter().filter(|c| c.kind == kind).count(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_read() {
        for path in ["cases/a/document.cbor", "manifest.json", "a.b/c"] {
            assert_eq!(check_relative(path).map_err(|e| e.code()), Ok(()), "{path}");
        }
        for path in [
            "",
            "/etc/passwd",
            "../x",
            "cases/../../x",
            "cases//x",
            "./x",
            "cases\\x",
            "x/",
        ] {
            assert_eq!(
                check_relative(path).map_err(|e| e.code()),
                Err("invalid_argument"),
                "{path}"
            );
        }
    }
}
