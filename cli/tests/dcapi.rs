//! `docbridge dcapi request | respond | verify`: a website's Digital
//! Credentials API request (org-iso-mdoc), the wallet's answer, the
//! backend's check; the answer checked under another origin is refused
//! with its code; the same over OpenID4VP (`docbridge oid4vp`).

mod common;

use std::path::PathBuf;

use common::{
    DcApiExchange, device_key_with_alg, issue_ua_licence, json_exiting, new_authority_with_alg, ok,
    ok_json, p, temp_dir,
};

const ORIGIN: &str = "https://wynajem.example.pl";

/// A Ukrainian authority, a device key and a licence issued to it in a
/// fresh folder: (folder, authority folder, device key, document).
fn holder(name: &str) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let ua = new_authority_with_alg(&dir, "UA", "es256");
    let (device_key, device_pub) = device_key_with_alg(&dir, "es256");
    let doc = issue_ua_licence(&dir, &ua, &device_pub, &[]);
    (dir, ua, device_key, doc)
}

#[test]
fn request_respond_and_verify_through_the_digital_credentials_api() {
    let (dir, ua, device_key, doc) = holder("dcapi");
    let exchange = DcApiExchange::new(
        &dir,
        ORIGIN,
        &["family_name", "driving_privileges", "age_over_18"],
        &device_key,
        &doc,
    );
    let request_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exchange.request).unwrap()).unwrap();
    assert_eq!(request_json["protocol"], "org-iso-mdoc");

    let iaca = ua.join("iaca.pem");
    let verify = |origin: &str| exchange.verify(origin, &iaca, &[]);
    let (status, json) = verify(ORIGIN);
    assert_eq!(status, Some(0), "{json}");
    assert_eq!(json["valid"], true);
    assert_eq!(json["docType"], docbridge::DrivingLicence::DOC_TYPE);
    assert_eq!(json["holderBound"], true);
    let mut disclosed: Vec<&String> = json["claims"]["org.iso.18013.5.1"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    disclosed.sort();
    assert_eq!(
        disclosed,
        ["age_over_18", "driving_privileges", "family_name"]
    );

    // The same answer checked as if it had come to another origin.
    let (status, json) = verify("https://wynajem-example.com");
    assert_eq!(status, Some(1));
    assert_eq!(json["valid"], false);
    assert_eq!(json["error"]["code"], "response_decryption_failed");
}

#[test]
fn request_respond_and_verify_over_openid4vp() {
    let (dir, ua, device_key, doc) = holder("oid4vp");
    let iaca = ua.join("iaca.pem");
    for (name, mode) in [
        (
            "post",
            &[
                "--client-id",
                "x509_san_dns:wynajem.example.pl",
                "--response-uri",
                "https://wynajem.example.pl/r",
            ][..],
        ),
        (
            "dcapi",
            &["--origin", ORIGIN, "--encrypt", "--key-out", "KEY"][..],
        ),
    ] {
        let (request, key, response) = (
            dir.join(format!("{name}.req.json")),
            dir.join(format!("{name}.key.pem")),
            dir.join(format!("{name}.resp.json")),
        );
        let mode: Vec<&str> = mode
            .iter()
            .map(|a| if *a == "KEY" { p(&key) } else { a })
            .collect();
        let mut args = vec![
            "oid4vp",
            "request",
            "--doc-type",
            "org.iso.18013.5.1.mDL",
            "--element",
            "family_name",
            "--element",
            "age_over_18",
            "--out",
            p(&request),
        ];
        args.extend(&mode);
        ok(&args);
        let origin: Vec<&str> = if name == "dcapi" {
            vec!["--origin", ORIGIN]
        } else {
            vec![]
        };
        let mut args = vec![
            "oid4vp",
            "respond",
            "--request",
            p(&request),
            "--device-key",
            p(&device_key),
            "--at",
            "2026-11-29T12:00:00Z",
            "--out",
            p(&response),
        ];
        args.extend(&origin);
        args.push(p(&doc));
        ok(&args);
        let mut args = vec![
            "oid4vp",
            "verify",
            "--request",
            p(&request),
            "--trust",
            p(&iaca),
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
        ];
        args.extend(&origin);
        if name == "dcapi" {
            args.extend(["--key", p(&key)]);
        }
        args.push(p(&response));
        let json = ok_json(&args);
        assert_eq!(json["valid"], true, "{name}");
        assert_eq!(json["holderBound"], true, "{name}");
    }
    // A response posted for another request is refused with its code.
    let other = dir.join("other.req.json");
    ok(&[
        "oid4vp",
        "request",
        "--client-id",
        "x509_san_dns:wynajem.example.pl",
        "--response-uri",
        "https://wynajem.example.pl/r",
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--element",
        "family_name",
        "--out",
        p(&other),
    ]);
    let json = json_exiting(
        1,
        &[
            "oid4vp",
            "verify",
            "--request",
            p(&other),
            "--trust",
            p(&iaca),
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
            p(&dir.join("post.resp.json")),
        ],
    );
    assert_eq!(json["error"]["code"], "oid4vp_state_mismatch");
}
