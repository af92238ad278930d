//! Issue 15, item 7: acceptance policies for any country. A third
//! country's licence is accepted by `--accept` or `--accept-country`, with
//! no code change; `--policy` is case-insensitive.

mod common;

use common::{
    DcApiExchange, device_key, issue_licence, new_authority, p, run_json, temp_dir, usage_error,
};

/// `verify --json` of `doc` trusting `iaca` with `policy` arguments: (exit
/// status, error code or "valid").
fn verdict(iaca: &str, doc: &str, policy: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "verify",
        "--trust",
        iaca,
        "--at",
        "2026-11-29T12:00:00Z",
        "--json",
    ];
    args.extend_from_slice(policy);
    args.push(doc);
    let (status, json) = run_json(&args);
    let verdict = match json["valid"].as_bool() {
        Some(true) => "valid".to_string(),
        _ => json["error"]["code"].as_str().unwrap_or("?").to_string(),
    };
    (status, verdict)
}

#[test]
fn a_third_country_is_accepted_by_arguments_alone() {
    let dir = temp_dir("policy");
    let lt = new_authority(&dir, "LT", &[]);
    let (_, public) = device_key(&dir);
    let doc = issue_licence(&dir, &lt, "LT", &public);
    let iaca = lt.join("iaca.pem");
    let (iaca, doc) = (p(&iaca), p(&doc));
    let valid = (Some(0), "valid".to_string());
    let refused = (Some(1), "not_accepted".to_string());

    assert_eq!(verdict(iaca, doc, &[]), valid);
    assert_eq!(verdict(iaca, doc, &["--policy", "PL"]), refused);
    assert_eq!(
        verdict(iaca, doc, &["--policy", "pl", "--accept-country", "lt"]),
        valid
    );
    assert_eq!(
        verdict(
            iaca,
            doc,
            &["--policy", "Ua", "--accept", "LT:org.iso.18013.5.1.mDL"]
        ),
        valid
    );
    // Pairs alone accept only themselves.
    assert_eq!(
        verdict(iaca, doc, &["--accept", "LT:org.iso.7367.1.mVRC"]),
        refused
    );
    assert_eq!(verdict(iaca, doc, &["--accept-country", "LV"]), refused);
    // A malformed pair or unknown policy is a usage error that shows the form.
    let (status, code) = verdict(iaca, doc, &["--accept", "LT"]);
    assert_eq!((status, code.as_str()), (Some(2), "invalid_argument"));
    let stderr = usage_error(&["verify", "--trust", iaca, "--policy", "de", doc]);
    assert!(stderr.contains("unknown policy \"de\": all, pl or ua; for another country add --accept CC:docType or --accept-country CC"), "{stderr}");
}

/// The same arguments apply to the Digital Credentials API and OpenID4VP
/// checks.
#[test]
fn the_channel_verifiers_take_the_same_policy() {
    let dir = temp_dir("policy-dcapi");
    let lt = new_authority(&dir, "LT", &[]);
    let (device, public) = device_key(&dir);
    let doc = issue_licence(&dir, &lt, "LT", &public);
    let origin = "https://verifier.example";
    let exchange = DcApiExchange::new(&dir, origin, &["family_name"], &device, &doc);
    let iaca = lt.join("iaca.pem");
    let verify = |policy: &[&str]| exchange.verify(origin, &iaca, policy);
    assert_eq!(verify(&[]).0, Some(0));
    assert_eq!(
        verify(&["--policy", "pl", "--accept-country", "LT"]).0,
        Some(0)
    );
    let (status, json) = verify(&["--policy", "PL"]);
    assert_eq!(
        (status, &json["error"]["code"]),
        (Some(1), &"not_accepted".into()),
        "{json}"
    );
}
