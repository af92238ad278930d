//! Issue 15, item 3: `inspect` reads anything the crate reads, detected
//! from the content, marked unverified, as text or `--json`. Against the
//! ISO/IEC 18013-5 Annex D messages (hex text, as published), a real
//! VICAL and a Token Status List example.

mod common;
#[path = "../../tests/common/external.rs"]
mod external;

use common::{EXTERNAL, new_operator, ok, ok_json, p, sign_list, temp_dir, usage_error};

fn inspect_json(path: &str) -> serde_json::Value {
    let json = ok_json(&["inspect", "--json", path]);
    assert_eq!(json["unverified"], true, "{path}");
    json
}

#[test]
fn every_kind_is_detected() {
    if !external::available(EXTERNAL) {
        return;
    }
    let annex_d = |f: &str| format!("{EXTERNAL}/iso18013-5-annex-d/{f}");
    let json = inspect_json(&annex_d("isomdl/issuer_signed.hex"));
    assert_eq!(json["kind"], "IssuerSigned");
    assert_eq!(json["docType"], "org.iso.18013.5.1.mDL");
    assert_eq!(json["claims"]["org.iso.18013.5.1"]["family_name"], "Doe");

    let json = inspect_json(&annex_d("multipaz/device_response.hex"));
    assert_eq!(json["kind"], "DeviceResponse");
    assert_eq!(
        json["documents"],
        serde_json::json!(["org.iso.18013.5.1.mDL"])
    );
    assert_eq!(json["status"], "ok");

    let json = inspect_json(&annex_d("multipaz/device_request.hex"));
    assert_eq!(json["kind"], "DeviceRequest");
    assert_eq!(json["docRequests"][0]["readerSigned"], true);
    assert_eq!(
        json["docRequests"][0]["elements"]["org.iso.18013.5.1"]["portrait"],
        false
    );

    let json = inspect_json(&annex_d("multipaz/device_engagement.hex"));
    assert_eq!(json["kind"], "DeviceEngagement");
    assert_eq!(json["version"], "1.0");

    let json = inspect_json(&annex_d("multipaz/session_establishment.hex"));
    assert_eq!(json["kind"], "SessionEstablishment");
    let json = inspect_json(&annex_d("multipaz/session_data.hex"));
    assert_eq!(json["kind"], "SessionData");

    let json = inspect_json(&format!(
        "{EXTERNAL}/vical/aamva-vical-2025-11-18-1763491092481.cbor"
    ));
    assert_eq!(json["provider"], "AAMVA");
    assert_eq!(json["date"], "2025-11-18T18:38:12Z");

    let json = inspect_json(&format!(
        "{EXTERNAL}/token-status-list/status_list_cwt.cbor"
    ));
    assert_eq!(json["kind"], "Status List Token");
    assert_eq!(json["uri"], "https://example.com/statuslists/1");
    assert_eq!(json["bits"], 1);

    // Text output says UNVERIFIED first, whatever the kind.
    let shown = ok(&["inspect", &annex_d("multipaz/device_response.hex")]);
    assert!(shown.starts_with("UNVERIFIED"), "{shown}");
    assert!(shown.contains("kind: DeviceResponse"), "{shown}");
}

#[test]
fn project_formats_and_qr_uris_are_detected_too() {
    let dir = temp_dir("inspect-own");
    let uri = ok(&["engagement", "qr", "--key-out", p(&dir.join("k.pem"))]);
    std::fs::write(dir.join("qr.txt"), &uri).unwrap();
    let json = inspect_json(p(&dir.join("qr.txt")));
    assert_eq!(json["kind"], "DeviceEngagement (QR mdoc: URI)");

    let operator = dir.join("op");
    new_operator(&operator, "UA");
    let payload = dir.join("list.unsigned.cbor");
    ok(&[
        "trust-list",
        "build",
        "--country",
        "UA",
        "--sequence",
        "7",
        "--issued",
        "2026-11-20T00:00:00Z",
        "--out",
        p(&payload),
    ]);
    let list = dir.join("list.cbor");
    sign_list(&operator, &payload, &list);
    let json = inspect_json(p(&list));
    assert_eq!(json["kind"], "trust list");
    assert_eq!(
        (&json["operatorCountry"], &json["sequence"]),
        (&"UA".into(), &7.into())
    );

    // What no decoder takes is refused, naming what was tried.
    std::fs::write(dir.join("x.cbor"), [0xa1, 0x01, 0x02]).unwrap();
    let stderr = usage_error(&["inspect", p(&dir.join("x.cbor"))]);
    assert!(
        stderr.contains("not an IssuerSigned, DeviceResponse, DeviceRequest"),
        "{stderr}"
    );
}
