//! Issue 15, item 1: VICALs everywhere. `trust-list show` and `trust-list
//! verify` read the real AAMVA, Austroads and RDW files of the shared
//! vectors; `verify --vical --vical-root` trusts a VICAL's authorities for
//! the doc types it lists (a VICAL made here, for an authority whose keys
//! the test holds).

mod common;
#[path = "../../tests/common/external.rs"]
mod external;

use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::trust::vical::SignedVical;
use docbridge::{Certificate, SoftwareKey};
use time::macros::datetime;

use common::{
    EXTERNAL, device_key, issue_licence, json_exiting, new_authority, new_operator, ok, ok_json, p,
    run_json, sign_list, temp_dir,
};

fn vical_path(name: &str) -> String {
    format!("{EXTERNAL}/vical/{name}")
}

/// (file, root or None for the signer itself, provider, date, issue ID,
/// a time the VICAL verifies at).
type Real = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    u64,
    &'static str,
);

const REAL: [Real; 3] = [
    (
        "aamva-vical-2025-11-18-1763491092481.cbor",
        Some("aamva_ca_root.crt"),
        "AAMVA",
        "2025-11-18T18:38:12Z",
        227602,
        "2025-11-18T18:40:00Z",
    ),
    (
        "VicalParserTest_austroads-vical-2024-09-19-1726788000235.cbor",
        Some("VicalParserTest_austroads_vical_root.pem"),
        "Austroads",
        "",
        15,
        "2024-09-20T00:00:00Z",
    ),
    (
        "20250225_RDW_Test_Vical.vical",
        None,
        "RDW",
        "",
        5,
        "2025-02-25T12:00:00Z",
    ),
];

#[test]
fn the_real_vicals_show_and_verify() {
    if !external::available(&format!("{EXTERNAL}/vical")) {
        return;
    }
    let dir = temp_dir("vical-real");
    for (file, root, provider, date, issue_id, at) in REAL {
        let path = vical_path(file);
        let signed = SignedVical::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        // The RDW root is not published with the file: pin the signer.
        let anchor = match root {
            Some(root) => vical_path(root),
            None => {
                let signer = dir.join("rdw-signer.der");
                std::fs::write(&signer, signed.chain()[0].der()).unwrap();
                p(&signer).to_string()
            }
        };
        let expected = signed
            .verify(
                &Certificate::load_all(&std::fs::read(&anchor).unwrap()).unwrap(),
                time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
                    .unwrap(),
            )
            .unwrap();

        let shown = ok(&["trust-list", "show", &path]);
        assert!(shown.starts_with("UNVERIFIED"), "{shown}");
        assert!(
            shown.contains(&format!("  provider:        {provider}\n")),
            "{shown}"
        );
        assert!(
            shown.contains(&format!("  issue ID:        {issue_id}\n")),
            "{shown}"
        );
        if !date.is_empty() {
            assert!(
                shown.contains(&format!("  date:            {date}\n")),
                "{shown}"
            );
        }
        for authority in expected.authorities() {
            assert!(
                shown.contains(authority.id()),
                "{provider}: {}",
                authority.id()
            );
        }
        assert_eq!(
            shown.matches("\n  authority:").count(),
            expected.authorities().len(),
            "{provider}"
        );
        assert_eq!(
            shown.matches("\n  skipped entry").count(),
            expected.skipped().len(),
            "{provider}"
        );

        let out = ok(&[
            "trust-list",
            "verify",
            "--vical-root",
            &anchor,
            "--at",
            at,
            "--json",
            &path,
        ]);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["valid"], true);
        assert_eq!(json["provider"], provider);
        assert_eq!(json["issueId"], issue_id);
        assert_eq!(
            json["authorities"].as_array().unwrap().len(),
            expected.authorities().len()
        );
    }

    // The AAMVA VICAL under the Austroads root: refused, with its code.
    let json = json_exiting(
        1,
        &[
            "trust-list",
            "verify",
            "--vical-root",
            &vical_path("VicalParserTest_austroads_vical_root.pem"),
            "--at",
            "2025-11-18T18:40:00Z",
            "--json",
            &vical_path("aamva-vical-2025-11-18-1763491092481.cbor"),
        ],
    );
    assert_eq!(json["error"]["code"], "trust_list_untrusted_operator");
}

/// A VICAL of `provider` listing `iaca` for `doc_types`, signed by the
/// operator root in `operator` (made by `trust-list operator`).
fn make_vical(
    operator: &std::path::Path,
    provider: &str,
    iaca: &Certificate,
    doc_types: &[&str],
) -> Vec<u8> {
    let key = SoftwareKey::from_pkcs8_pem(
        &std::fs::read_to_string(operator.join("root.key.pem")).unwrap(),
    )
    .unwrap();
    let root = Certificate::load_one(&std::fs::read(operator.join("root.pem")).unwrap()).unwrap();
    let text = |s: &str| Value::Text(s.to_string());
    let tdate = |at: time::OffsetDateTime| cbor::tdate(at).unwrap();
    let info = cbor::text_map([
        ("certificate", Value::Bytes(iaca.der().to_vec())),
        ("serialNumber", Value::from(1u64)),
        ("ski", Value::Bytes(vec![1, 2, 3])),
        (
            "docType",
            Value::Array(doc_types.iter().map(|d| text(d)).collect()),
        ),
        ("issuingCountry", text(iaca.country().unwrap())),
    ]);
    let payload = cbor::text_map([
        ("version", text("1.0")),
        ("vicalProvider", text(provider)),
        ("date", tdate(datetime!(2026-11-20 0:00 UTC))),
        ("vicalIssueID", Value::from(1u64)),
        ("nextUpdate", tdate(datetime!(2026-12-20 0:00 UTC))),
        ("certificateInfos", Value::Array(vec![info])),
    ]);
    let options = Sign1Options {
        x5chain: vec![root.der().to_vec()],
        ..Sign1Options::default()
    };
    let signed = sign1(&key, &cbor::encode(&payload).unwrap(), &options).unwrap();
    cbor::encode(&signed.to_value().unwrap()).unwrap()
}

#[test]
fn verify_trusts_a_vicals_authorities_for_its_doc_types() {
    let dir = temp_dir("vical-verify");
    let lt = new_authority(&dir, "LT", &[]);
    let (_, public) = device_key(&dir);
    let doc = issue_licence(&dir, &lt, "LT", &public);
    let iaca = Certificate::load_one(&std::fs::read(lt.join("iaca.pem")).unwrap()).unwrap();
    let operator = dir.join("provider");
    let other = dir.join("other");
    for out in [&operator, &other] {
        new_operator(out, "LT");
    }
    let mdl = dir.join("mdl.vical");
    std::fs::write(
        &mdl,
        make_vical(&operator, "Baltic VICAL", &iaca, &["org.iso.18013.5.1.mDL"]),
    )
    .unwrap();
    let mvrc = dir.join("mvrc.vical");
    std::fs::write(
        &mvrc,
        make_vical(&operator, "Baltic VICAL", &iaca, &["org.iso.7367.1.mVRC"]),
    )
    .unwrap();
    let root = operator.join("root.pem");
    let verdict = |vical: &std::path::Path, root: &str| {
        run_json(&[
            "verify",
            "--vical",
            p(vical),
            "--vical-root",
            root,
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
            p(&doc),
        ])
    };

    let (status, json) = verdict(&mdl, p(&root));
    assert_eq!(status, Some(0), "{json}");
    assert_eq!(json["trustSource"]["format"], "vical");
    assert_eq!(json["trustSource"]["operator"], "Baltic VICAL");
    // PROVIDER=ROOT pins for that provider only.
    let (status, _) = verdict(&mdl, &format!("Baltic VICAL={}", p(&root)));
    assert_eq!(status, Some(0));
    let (status, json) = verdict(&mdl, &format!("Other={}", p(&root)));
    assert_eq!(
        (status, &json["error"]["code"]),
        (Some(1), &"trust_list_untrusted_operator".into())
    );
    // The doc types the VICAL lists are enforced.
    let (status, json) = verdict(&mvrc, p(&root));
    assert_eq!(
        (status, &json["error"]["code"]),
        (Some(1), &"doc_type_not_allowed".into())
    );
    // Another provider's root vouches for nothing.
    let (status, json) = verdict(&mdl, p(&other.join("root.pem")));
    assert_eq!(
        (status, &json["error"]["code"]),
        (Some(1), &"trust_list_untrusted_operator".into())
    );
}

/// `"authority"` in `verify --json` is the authority's name whichever
/// source vouched for it: the name a trust list or VICAL gives it, else its
/// IACA certificate's organizationName (what `authority new` writes as its
/// name), never the certificate's whole subject; `"trustSource"` says
/// which source it was.
#[test]
fn the_authority_is_named_the_same_whatever_the_trust_source() {
    let dir = temp_dir("vical-authority-name");
    let lt = new_authority(&dir, "LT", &[]);
    let (_, public) = device_key(&dir);
    let doc = issue_licence(&dir, &lt, "LT", &public);
    let iaca = Certificate::load_one(&std::fs::read(lt.join("iaca.pem")).unwrap()).unwrap();
    assert_eq!(iaca.organization().as_deref(), Some("LT Issuing Authority"));
    let operator = dir.join("operator");
    new_operator(&operator, "LT");
    let unsigned = dir.join("lt.unsigned.cbor");
    ok(&[
        "trust-list",
        "build",
        "--country",
        "LT",
        "--sequence",
        "1",
        "--issued",
        "2026-11-01T00:00:00Z",
        "--next-update",
        "2026-12-01T00:00:00Z",
        "--authority",
        p(&lt),
        "--out",
        p(&unsigned),
    ]);
    let list = dir.join("lt.cbor");
    sign_list(&operator, &unsigned, &list);
    let vical = dir.join("lt.vical");
    std::fs::write(
        &vical,
        make_vical(&operator, "Baltic VICAL", &iaca, &["org.iso.18013.5.1.mDL"]),
    )
    .unwrap();
    let root = operator.join("root.pem");
    let verified = |trust: &[&str]| {
        let mut args = vec!["verify"];
        args.extend_from_slice(trust);
        args.extend(["--at", "2026-11-29T12:00:00Z", "--json", p(&doc)]);
        let json = ok_json(&args);
        assert_eq!(json["valid"], true, "{json}");
        (
            json["authority"].clone(),
            json["trustSource"]["format"].clone(),
        )
    };
    let name = serde_json::Value::from("LT Issuing Authority");
    assert_eq!(
        verified(&["--trust", p(&lt.join("iaca.pem"))]),
        (name.clone(), serde_json::Value::Null)
    );
    assert_eq!(
        verified(&["--trust-list", p(&list), "--operator-root", p(&root)]),
        (name.clone(), "trust_list".into())
    );
    assert_eq!(
        verified(&["--vical", p(&vical), "--vical-root", p(&root)]),
        (name, "vical".into())
    );
}
