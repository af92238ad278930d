//! `docbridge engagement qr | nfc | show`: engagements made on the command
//! line read back with their BLE service UUID; garbage is a clear refusal.

mod common;

use common::{ok, p, temp_dir, usage_error};

const UUID: &str = "45efef74-2b2c-4837-a9a3-b0e1d05a6917";

#[test]
fn qr_and_nfc_engagements_read_back() {
    let dir = temp_dir("engagement");
    let key = dir.join("ephemeral.key.pem");
    let uri = ok(&["engagement", "qr", "--ble-uuid", UUID, "--key-out", p(&key)]);
    assert!(uri.starts_with("mdoc:"), "{uri}");
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .contains("PRIVATE KEY")
    );
    #[cfg(unix)]
    assert_eq!(
        common::file_mode(&key),
        0o600,
        "the ephemeral key is readable by others"
    );
    let qr = dir.join("qr.txt");
    std::fs::write(&qr, &uri).unwrap();
    let shown = ok(&["engagement", "show", p(&qr)]);
    assert!(
        shown.starts_with("QR engagement\nDeviceEngagement version 1.0\n"),
        "{shown}"
    );
    assert!(
        shown.contains("BLE: peripheral server true (UUID 45efef742b2c4837a9a3b0e1d05a6917)"),
        "{shown}"
    );

    let select = dir.join("hs.bin");
    ok(&[
        "engagement",
        "nfc",
        "--ble-uuid",
        UUID,
        "--key-out",
        p(&key),
        "--out",
        p(&select),
    ]);
    let shown = ok(&["engagement", "show", p(&select)]);
    assert!(
        shown.starts_with("NFC Handover Select, version 0x15\n"),
        "{shown}"
    );
    assert!(
        shown.contains("carrier \"0\": application/vnd.bluetooth.le.oob"),
        "{shown}"
    );
    assert!(
        shown.contains("UUID 45efef742b2c4837a9a3b0e1d05a6917"),
        "{shown}"
    );

    let garbage = dir.join("garbage.bin");
    std::fs::write(&garbage, [0x91, 0x02, 0xff]).unwrap();
    let stderr = usage_error(&["engagement", "show", p(&garbage)]);
    assert!(stderr.contains("engagement_malformed"));
    usage_error(&[
        "engagement",
        "qr",
        "--ble-uuid",
        "xyz",
        "--key-out",
        p(&key),
    ]);
}
