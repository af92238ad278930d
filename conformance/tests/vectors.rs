//! The shared conformance vectors in `test-vectors/` (issue #5): every case
//! passes against this crate, the committed files are exactly what the
//! generator writes, every error code is covered by a case or excused in
//! `test-vectors/README.md`, and the runner (library and command line)
//! reports failures as documented.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use docbridge::Error;
use docbridge::documents::json::elements_to_json;
use docbridge::documents::{DocumentType, samples};
use docbridge_conformance::format::{Expected, Input, Kind, Manifest, Source};
use docbridge_conformance::runner::{DirFiles, count_by_kind, run_dir, run_manifest};
use docbridge_conformance::{FORMAT, MANIFEST_FILE, README_FILE, SCHEMA_FILE, generate};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors");

fn vectors_dir() -> PathBuf {
    PathBuf::from(VECTORS)
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(vectors_dir().join(MANIFEST_FILE)).unwrap();
    Manifest::parse(&text).unwrap()
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "docbridge-vectors-{tag}-{}-{}",
            std::process::id(),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &path, out);
            } else {
                out.insert(path, std::fs::read(entry.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

#[test]
fn every_committed_case_passes() {
    let report = run_dir(&vectors_dir()).unwrap();
    let failures: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(|c| c.line())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(report.summary(), "256 passed, 0 failed");
    let counts: Vec<(&str, usize)> = count_by_kind(&manifest())
        .into_iter()
        .map(|(kind, n)| (kind.name(), n))
        .collect();
    assert_eq!(
        counts,
        [
            ("issuer_signed", 145),
            ("status", 32),
            ("device_response", 29),
            ("device_request", 8),
            ("trust_list", 26),
            ("session", 16),
        ]
    );
}

#[test]
fn regenerating_gives_the_committed_files_byte_for_byte() {
    let set = generate(ChaCha20Rng::seed_from_u64).unwrap();
    let out = TempDir::new("regenerated");
    std::fs::write(out.0.join(README_FILE), b"kept").unwrap();
    assert_eq!(set.write_to(&out.0).unwrap(), Vec::<String>::new());
    // Written again over itself, a file the generator does not make is
    // removed; README.md is kept.
    std::fs::create_dir_all(out.0.join("cases/gone")).unwrap();
    std::fs::write(out.0.join("cases/gone/stale.cbor"), b"old").unwrap();
    let removed = set.write_to(&out.0).unwrap();
    assert_eq!(removed, ["cases/gone/stale.cbor"]);
    assert!(!out.0.join("cases/gone").exists());
    assert_eq!(std::fs::read(out.0.join(README_FILE)).unwrap(), b"kept");

    let mut generated = tree(&out.0);
    generated.remove(README_FILE);
    let mut committed = tree(&vectors_dir());
    assert!(
        committed.remove(README_FILE).is_some(),
        "test-vectors/README.md is missing"
    );
    let generated_paths: BTreeSet<&String> = generated.keys().collect();
    let committed_paths: BTreeSet<&String> = committed.keys().collect();
    assert_eq!(
        generated_paths
            .difference(&committed_paths)
            .collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "generated but not committed: run `cargo run -p docbridge-conformance --bin generate_vectors -- test-vectors`"
    );
    assert_eq!(
        committed_paths
            .difference(&generated_paths)
            .collect::<Vec<_>>(),
        Vec::<&&String>::new(),
        "committed but no longer generated"
    );
    let different: Vec<&String> = generated
        .iter()
        .filter(|(path, bytes)| committed.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(
        different.is_empty(),
        "regenerated files differ from the committed ones: {different:?}"
    );
    assert!(generated.contains_key(MANIFEST_FILE));
    assert_eq!(
        set.differences(&vectors_dir()).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(set.files().len(), generated.len());
}

#[test]
fn writing_refuses_a_directory_that_holds_no_vectors() {
    let set = generate(ChaCha20Rng::seed_from_u64).unwrap();
    let elsewhere = TempDir::new("elsewhere");
    std::fs::write(elsewhere.0.join("Cargo.toml"), b"[package]").unwrap();
    assert_eq!(
        set.write_to(&elsewhere.0).map_err(|e| e.code()),
        Err("invalid_argument")
    );
    assert_eq!(tree(&elsewhere.0).len(), 1);
    assert_eq!(
        std::fs::read(elsewhere.0.join("Cargo.toml")).unwrap(),
        b"[package]"
    );
}

#[test]
fn the_vectors_stay_small() {
    let total: usize = tree(&vectors_dir()).values().map(Vec::len).sum();
    assert!(total < 1024 * 1024, "{total} bytes");
    let largest = tree(&vectors_dir())
        .into_iter()
        .filter(|(path, _)| ![MANIFEST_FILE, README_FILE, SCHEMA_FILE].contains(&path.as_str()))
        .map(|(path, bytes)| (bytes.len(), path))
        .max()
        .unwrap();
    assert_eq!(
        largest,
        (
            10_001,
            "cases/cbor-nesting-10000-deep/document.cbor".to_string()
        )
    );
}

/// The codes `test-vectors/README.md` lists as arising from no verification,
/// with their reasons.
/// The rows `| `code` | text |` of the README section that starts with
/// `heading`, up to the next heading.
fn readme_table(heading: &str) -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(vectors_dir().join(README_FILE)).unwrap();
    let section = readme
        .split(&format!("\n{heading}\n"))
        .nth(1)
        .unwrap_or_else(|| panic!("test-vectors/README.md has a {heading:?} section"));
    let section = section.split("\n#").next().unwrap();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| {
            let (code, reason) = rest.split_once('`').unwrap();
            let reason = reason.trim_start_matches(" |").trim_end_matches('|').trim();
            (code.to_string(), reason.to_string())
        })
        .collect()
}

fn excused_codes() -> BTreeMap<String, String> {
    readme_table("### Codes no vector covers")
}

#[test]
fn the_vectors_readme_explains_every_code_of_the_crate_and_no_other() {
    let listed = readme_table("## Error codes");
    let all: BTreeSet<&str> = Error::ALL_CODES.iter().copied().collect();
    assert_eq!(
        listed.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        all
    );
    for (code, meaning) in &listed {
        assert!(
            meaning.len() > 10,
            "{code} needs a meaning, has {meaning:?}"
        );
    }
}

#[test]
fn every_error_code_is_covered_by_a_case_or_excused_with_a_reason() {
    let all: BTreeSet<&str> = Error::ALL_CODES.iter().copied().collect();
    let manifest = manifest();
    let covered: BTreeSet<String> = manifest
        .cases
        .iter()
        .filter_map(|c| match &c.expected {
            Expected::Invalid(code) => Some(code.clone()),
            Expected::Valid(_) => None,
        })
        .collect();
    let unknown: Vec<&String> = covered
        .iter()
        .filter(|c| !all.contains(c.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases expect unknown codes: {unknown:?}"
    );

    let excused = excused_codes();
    assert_eq!(
        excused.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "credential_missing",
            "device_keys_differ",
            "engagement_malformed",
            "io",
            "jwe_wrong_key",
            "missing_element",
            "oid4vp_client_mismatch",
            "oid4vp_malformed",
            "oid4vp_state_mismatch",
            "request_object_audience",
            "request_object_expired",
            "request_object_malformed",
            "signing_failed",
            "status_list_full"
        ]
    );
    for (code, reason) in &excused {
        assert!(all.contains(code.as_str()), "{code} is no error code");
        assert!(reason.len() > 40, "{code} needs a reason, has {reason:?}");
        assert!(
            !covered.contains(code),
            "{code} is excused but a case covers it"
        );
    }
    let missing: Vec<&&str> = all
        .iter()
        .filter(|code| !covered.contains(**code) && !excused.contains_key(**code))
        .collect();
    assert!(
        missing.is_empty(),
        "codes neither covered by a vector nor excused in test-vectors/README.md: {missing:?}"
    );
    assert_eq!(covered.len() + excused.len(), Error::ALL_CODES.len());
}

/// The claims JSON of the sample document `doc` of `country`.
fn sample_claims(doc: &str, country: &str) -> serde_json::Value {
    let elements = match (doc, country) {
        ("mdl", "UA") => samples::driving_licence_ua().to_elements(),
        ("mdl", _) => samples::driving_licence_pl().to_elements(),
        ("mvrc", "UA") => samples::vehicle_registration_ua().to_elements(),
        ("mvrc", _) => samples::vehicle_registration_pl().to_elements(),
        ("permit", "UA") => samples::residence_permit_ua().to_elements(),
        _ => samples::residence_permit_pl().to_elements(),
    };
    elements_to_json(&elements.unwrap())
}

#[test]
fn the_valid_matrix_covers_every_doc_type_algorithm_and_country() {
    let manifest = manifest();
    let by_id: BTreeMap<&str, _> = manifest.cases.iter().map(|c| (c.id.as_str(), c)).collect();
    for (doc, doc_type) in [
        ("mdl", "org.iso.18013.5.1.mDL"),
        ("mvrc", "org.iso.7367.1.mVRC"),
        ("permit", "org.docbridge.residence_permit.1"),
    ] {
        for country in ["UA", "PL"] {
            for alg in ["eddsa", "es256", "es384"] {
                let id = format!("valid-{doc}-{}-{alg}", country.to_ascii_lowercase());
                let case = by_id.get(id.as_str()).unwrap_or_else(|| panic!("no {id}"));
                assert_eq!(case.kind, Kind::IssuerSigned, "{id}");
                let Expected::Valid(members) = &case.expected else {
                    panic!("{id} is not a valid case")
                };
                assert_eq!(members["docType"], doc_type, "{id}");
                assert_eq!(members["issuingCountry"], country, "{id}");
                assert_eq!(members["status"], "not_referenced", "{id}");
                assert_eq!(members["claims"], sample_claims(doc, country), "{id}");
            }
        }
    }
}

#[test]
fn the_manifest_names_only_plain_files_that_exist_and_every_file_is_used() {
    let manifest = manifest();
    let text = std::fs::read_to_string(vectors_dir().join(MANIFEST_FILE)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], FORMAT);
    let files = tree(&vectors_dir());
    // Every string of the manifest that names a file.
    fn strings(value: &serde_json::Value, out: &mut BTreeSet<String>) {
        match value {
            serde_json::Value::String(s) => {
                out.insert(s.clone());
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut named = BTreeSet::new();
    strings(&json, &mut named);
    let unused: Vec<&String> = files
        .keys()
        .filter(|path| {
            ![MANIFEST_FILE, README_FILE, SCHEMA_FILE].contains(&path.as_str())
                && !named.contains(*path)
        })
        .collect();
    assert!(unused.is_empty(), "files no case uses: {unused:?}");
    // Every input path exists; synthetic inputs are used where a file would
    // be too large.
    let mut synthetic = Vec::new();
    for case in &manifest.cases {
        let sources: Vec<&Source> = match &case.input {
            Input::Document {
                document,
                status_token,
                ..
            } => std::iter::once(document).chain(status_token).collect(),
            Input::DeviceResponse {
                response,
                transcript,
                ..
            } => vec![response, transcript],
            Input::DeviceRequest {
                request,
                transcript,
                ..
            } => vec![request, transcript],
            Input::TrustList {
                saved_state,
                updates,
                ..
            } => saved_state.iter().chain(updates).collect(),
            Input::Session(session) => std::iter::once(&session.transcript)
                .chain(&session.establishment)
                .chain(&session.messages)
                .collect(),
        };
        for source in sources {
            match source {
                Source::File(path) => {
                    assert!(files.contains_key(path), "{}: {path} is missing", case.id);
                    assert!(path.starts_with(&format!("cases/{}/", case.id)), "{path}");
                }
                Source::Synthetic { length, .. } => synthetic.push((case.id.clone(), *length)),
            }
        }
    }
    assert_eq!(
        synthetic,
        [
            ("cbor-input-too-large".to_string(), 8 * 1024 * 1024 + 1),
            ("cbor-too-many-items".to_string(), 100_005),
        ]
    );
}

#[test]
fn the_runner_reports_every_wrong_expectation() {
    let mut manifest = manifest();
    let flips = [
        "valid-mdl-ua-eddsa",
        "cbor-nesting-10000-deep",
        "session-device-establishment",
    ];
    manifest
        .cases
        .retain(|c| flips.contains(&c.id.as_str()) || c.id == "valid-mdl-ua-es256");
    for case in manifest.cases.iter_mut() {
        if flips.contains(&case.id.as_str()) {
            case.expected = match &case.expected {
                Expected::Valid(_) => Expected::error("expired"),
                Expected::Invalid(_) => Expected::error("cbor_malformed"),
            };
        }
    }
    let report = run_manifest(&manifest, &DirFiles::new(vectors_dir()));
    let failed: Vec<&str> = report
        .cases
        .iter()
        .filter(|c| !c.passed())
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(failed, flips);
    assert_eq!(report.summary(), "1 passed, 3 failed");
    let line = report
        .cases
        .iter()
        .find(|c| c.id == "cbor-nesting-10000-deep")
        .unwrap()
        .line();
    assert_eq!(
        line,
        "FAIL cbor-nesting-10000-deep: expected {\"error\":\"cbor_malformed\",\"valid\":false}, \
         got {\"error\":\"cbor_too_deep\",\"valid\":false}"
    );
    assert_eq!(report.cases[1].line(), "ok valid-mdl-ua-es256");

    // A case whose input file is missing fails with a harness error.
    let mut broken = manifest.cases[1].clone();
    if let Input::Document { document, .. } = &mut broken.input {
        *document = Source::File("cases/none/document.cbor".into());
    }
    let report = docbridge_conformance::runner::run_case(&broken, &DirFiles::new(vectors_dir()));
    assert!(!report.passed());
    assert!(
        report
            .line()
            .starts_with("FAIL valid-mdl-ua-es256: expected {"),
        "{}",
        report.line()
    );
    assert!(report.line().contains("got a harness error: i/o error"));
}

#[test]
fn a_path_leaving_the_vectors_directory_is_refused() {
    let mut case = manifest().cases[0].clone();
    if let Input::Document { document, .. } = &mut case.input {
        *document = Source::File("../Cargo.toml".into());
    }
    let report = docbridge_conformance::runner::run_case(&case, &DirFiles::new(vectors_dir()));
    assert!(
        report
            .line()
            .contains("is not a plain relative path (invalid_argument)"),
        "{}",
        report.line()
    );
}

/// The CBOR item in `dir/path`.
fn cbor_file(path: &str) -> ciborium::Value {
    let bytes = std::fs::read(vectors_dir().join(path)).unwrap();
    ciborium::from_reader(bytes.as_slice()).unwrap()
}

/// The bytes inside a tag-24 item.
fn tag24_bytes(value: &ciborium::Value) -> Vec<u8> {
    match value {
        ciborium::Value::Tag(24, inner) => inner.as_bytes().unwrap().clone(),
        other => panic!("not tag 24: {other:?}"),
    }
}

fn text_member<'a>(map: &'a ciborium::Value, key: &str) -> &'a ciborium::Value {
    map.as_map()
        .unwrap()
        .iter()
        .find(|(k, _)| k.as_text() == Some(key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no {key}"))
}

#[test]
fn the_p384_reader_key_case_has_the_same_key_in_its_transcript() {
    // Otherwise the case would also break "the transcript holds the
    // establishment's EReaderKey" (issue 16, item 2).
    let dir = "cases/session-device-p384-reader-key";
    let establishment = cbor_file(&format!("{dir}/establishment.cbor"));
    let transcript = cbor_file(&format!("{dir}/transcript.cbor"));
    let transcript: ciborium::Value =
        ciborium::from_reader(tag24_bytes(&transcript).as_slice()).unwrap();
    let items = transcript.as_array().unwrap();
    assert_eq!(
        tag24_bytes(&items[1]),
        tag24_bytes(text_member(&establishment, "eReaderKey"))
    );
}

/// The issuer-signed items of a DeviceResponse's first document, by element
/// identifier.
fn response_items(path: &str) -> BTreeMap<String, ciborium::Value> {
    let response = cbor_file(path);
    let document = &text_member(&response, "documents").as_array().unwrap()[0];
    let name_spaces = text_member(text_member(document, "issuerSigned"), "nameSpaces");
    let mut items = BTreeMap::new();
    for (_, list) in name_spaces.as_map().unwrap() {
        for item in list.as_array().unwrap() {
            let item: ciborium::Value =
                ciborium::from_reader(tag24_bytes(item).as_slice()).unwrap();
            let id = text_member(&item, "elementIdentifier").as_text().unwrap();
            items.insert(id.to_string(), text_member(&item, "elementValue").clone());
        }
    }
    items
}

#[test]
fn the_tampered_item_keeps_its_type() {
    // A value of another type would also break the element type check
    // (issue 16, item 2): exactly one value differs, and not in type.
    let case = manifest()
        .cases
        .into_iter()
        .find(|c| c.id == "response-disclosed-item-tampered")
        .unwrap();
    let from = case.derived_from.unwrap().case;
    let original = response_items(&format!("cases/{from}/response.cbor"));
    let tampered = response_items("cases/response-disclosed-item-tampered/response.cbor");
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        tampered.keys().collect::<Vec<_>>()
    );
    let changed: Vec<_> = original
        .iter()
        .filter(|(id, value)| tampered[*id] != **value)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    let (id, value) = changed[0];
    assert_eq!(id, "family_name");
    assert!(value.is_text() && tampered[id].is_text());
}

#[test]
fn every_derivation_names_a_valid_case() {
    let manifest = manifest();
    let by_id: BTreeMap<&str, _> = manifest.cases.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut derived = 0;
    for case in &manifest.cases {
        let Some(derivation) = &case.derived_from else {
            continue;
        };
        derived += 1;
        let from = by_id[derivation.case.as_str()];
        assert!(!from.expected.refuses(), "{}", case.id);
        assert!(case.expected.refuses(), "{}", case.id);
        assert!(!derivation.change.is_empty(), "{}", case.id);
    }
    assert_eq!(derived, 150);
}

fn schema_errors(manifest: &serde_json::Value) -> Vec<String> {
    let text = std::fs::read_to_string(vectors_dir().join(SCHEMA_FILE)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    validator
        .iter_errors(manifest)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect()
}

#[test]
fn the_manifest_follows_its_json_schema() {
    let text = std::fs::read_to_string(vectors_dir().join(MANIFEST_FILE)).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema_errors(&manifest), Vec::<String>::new());

    // The schema refuses what the Rust reader refuses: each change below
    // makes the member at the path invalid, and nothing else.
    let cases = manifest["cases"].as_array().unwrap();
    let document = cases
        .iter()
        .position(|c| c["kind"] == "issuer_signed")
        .unwrap();
    let session = cases.iter().position(|c| c["kind"] == "session").unwrap();
    let derived = cases
        .iter()
        .position(|c| c.get("derivedFrom").is_some())
        .unwrap();
    let per_document = cases
        .iter()
        .position(|c| c["id"] == "response-second-document-refused")
        .unwrap();
    let one_document = serde_json::json!([
        manifest.pointer(&format!("/cases/{per_document}/expected/documents/1"))
    ]);
    let vical = cases
        .iter()
        .position(|c| c["id"] == "vical-trusted")
        .unwrap();
    let changes: Vec<(String, &str, serde_json::Value)> = vec![
        (String::new(), "/format", "docbridge-test-vectors/2".into()),
        (
            format!("/cases/{vical}/verifier/vicalAnchors/0"),
            "/country",
            "UA".into(),
        ),
        (
            format!("/cases/{per_document}/expected"),
            "/documents",
            one_document,
        ),
        (
            format!("/cases/{per_document}/expected"),
            "/docType",
            "org.iso.18013.5.1.mDL".into(),
        ),
        (format!("/cases/{document}"), "/extra", true.into()),
        (
            format!("/cases/{document}/verifier/statusPolicy"),
            "/alowMissingToken",
            true.into(),
        ),
        (
            format!("/cases/{document}/input"),
            "/messages",
            serde_json::json!([]),
        ),
        (
            format!("/cases/{session}"),
            "/verifier",
            serde_json::json!({}),
        ),
        (format!("/cases/{derived}/expected"), "/valid", true.into()),
        (
            format!("/cases/{document}"),
            "/now",
            "2026-11-29 12:00".into(),
        ),
    ];
    for (at, member, value) in changes {
        let mut changed = manifest.clone();
        let parent = changed.pointer_mut(&at).unwrap();
        parent[member.trim_start_matches('/')] = value;
        let errors = schema_errors(&changed);
        assert!(
            !errors.is_empty() && errors.iter().all(|e| e.starts_with(&at)),
            "{at}{member}: {errors:?}"
        );
        // The Rust reader agrees.
        assert!(Manifest::from_json(&changed).is_err(), "{at}{member}");
    }
}
