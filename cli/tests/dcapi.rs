//! `docbridge dcapi request | respond | verify`: a website's Digital
//! Credentials API request (org-iso-mdoc), the wallet's answer, the
//! backend's check; the answer checked under another origin is refused
//! with its code; the same over OpenID4VP (`docbridge oid4vp`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use docbridge::documents::json::elements_to_json;
use docbridge::documents::{DocumentType, samples};

const BIN: &str = env!("CARGO_BIN_EXE_docbridge");
const ORIGIN: &str = "https://wynajem.example.pl";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docbridge-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "docbridge {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A Ukrainian authority, a device key and a licence issued to it in a
/// fresh folder: (folder, authority folder, device key, document).
fn holder(name: &str) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let ua = dir.join("ua");
    ok(&[
        "authority",
        "new",
        "--country",
        "UA",
        "--alg",
        "es256",
        "--valid-from",
        "2026-01-01T00:00:00Z",
        "--valid-until",
        "2031-01-01T00:00:00Z",
        "--out",
        p(&ua),
    ]);
    let (device_key, device_pub) = (dir.join("device.key.pem"), dir.join("device.pub.pem"));
    ok(&[
        "key",
        "new",
        "--alg",
        "es256",
        "--out",
        p(&device_key),
        "--public",
        p(&device_pub),
    ]);
    let claims = dir.join("claims.json");
    std::fs::write(
        &claims,
        elements_to_json(&samples::driving_licence_ua().to_elements().unwrap()).to_string(),
    )
    .unwrap();
    let doc = dir.join("doc.cbor");
    ok(&[
        "issue",
        "--authority",
        p(&ua),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(&claims),
        "--device-key",
        p(&device_pub),
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--out",
        p(&doc),
    ]);

    (dir, ua, device_key, doc)
}

#[test]
fn request_respond_and_verify_through_the_digital_credentials_api() {
    let (dir, ua, device_key, doc) = holder("dcapi");
    let (request, key) = (dir.join("req.json"), dir.join("reader.key.pem"));
    ok(&[
        "dcapi",
        "request",
        "--origin",
        ORIGIN,
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--element",
        "family_name",
        "--element",
        "driving_privileges",
        "--element",
        "age_over_18",
        "--out",
        p(&request),
        "--key-out",
        p(&key),
    ]);
    let request_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&request).unwrap()).unwrap();
    assert_eq!(request_json["protocol"], "org-iso-mdoc");

    let response = dir.join("resp.json");
    ok(&[
        "dcapi",
        "respond",
        "--request",
        p(&request),
        "--origin",
        ORIGIN,
        "--device-key",
        p(&device_key),
        "--at",
        "2026-11-29T12:00:00Z",
        "--out",
        p(&response),
        p(&doc),
    ]);
    let iaca = ua.join("iaca.pem");
    let verify = |origin: &str| {
        run(&[
            "dcapi",
            "verify",
            "--request",
            p(&request),
            "--key",
            p(&key),
            "--origin",
            origin,
            "--trust",
            p(&iaca),
            "--at",
            "2026-11-29T12:00:00Z",
            "--json",
            p(&response),
        ])
    };
    let out = verify(ORIGIN);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
    let out = verify("https://wynajem-example.com");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
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
        let json: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
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
    let out = run(&[
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
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["error"]["code"], "oid4vp_state_mismatch");
}
