//! `docbridge engagement qr | nfc | show`: engagements made on the command
//! line read back with their BLE service UUID; garbage is a clear refusal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_docbridge");
const UUID: &str = "45efef74-2b2c-4837-a9a3-b0e1d05a6917";

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
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the ephemeral key is readable by others"
        );
    }
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
    let out = run(&["engagement", "show", p(&garbage)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("engagement_malformed"));
    let out = run(&[
        "engagement",
        "qr",
        "--ble-uuid",
        "xyz",
        "--key-out",
        p(&key),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
