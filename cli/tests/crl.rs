//! The `crl` commands of the command-line tool: new, revoke, show.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use docbridge::Certificate;
use docbridge::x509::crl::{Crl, RevocationReason};

const BIN: &str = env!("CARGO_BIN_EXE_docbridge");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("docbridge-cli-crl-{name}-{}", std::process::id()));
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
        "docbridge {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn authority(dir: &Path, country: &str) -> PathBuf {
    let out = dir.join(country.to_lowercase());
    ok(&[
        "authority",
        "new",
        "--country",
        country,
        "--alg",
        "ed25519",
        "--valid-from",
        "2026-01-01T00:00:00Z",
        "--valid-until",
        "2031-01-01T00:00:00Z",
        "--out",
        p(&out),
    ]);
    out
}

#[test]
fn new_revoke_show() {
    let dir = temp_dir("flow");
    let ua = authority(&dir, "UA");
    let pl = authority(&dir, "PL");
    let crl = dir.join("ua.crl.pem");
    let times = [
        "--this-update",
        "2026-11-01T00:00:00Z",
        "--next-update",
        "2026-12-01T00:00:00Z",
    ];
    let mut args = vec!["crl", "new", "--authority", p(&ua), "--out", p(&crl)];
    args.extend(times);
    ok(&args);
    let first = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    assert!(first.revoked().is_empty());
    assert_eq!(first.number_u64(), Some(1));

    let ds = ua.join("ds.pem");
    let mut args = vec![
        "crl",
        "revoke",
        p(&crl),
        "--authority",
        p(&ua),
        "--certificate",
        p(&ds),
        "--reason",
        "keyCompromise",
        "--date",
        "2026-11-10T00:00:00Z",
        "--this-update",
        "2026-11-10T00:00:00Z",
        "--next-update",
        "2026-12-10T00:00:00Z",
    ];
    let said = ok(&args);
    assert!(said.contains("keyCompromise"), "{said}");
    let second = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    let ds_cert = &Certificate::load_one(&std::fs::read(&ds).unwrap()).unwrap();
    let entry = second.entry_for(ds_cert.serial()).unwrap();
    assert_eq!(entry.reason, Some(RevocationReason::KeyCompromise));
    assert_eq!(second.number_u64(), Some(2));
    // Revoking again replaces the entry instead of listing it twice.
    args[8] = "superseded";
    ok(&args);
    let third = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    assert_eq!(third.revoked().len(), 1);
    assert_eq!(third.number_u64(), Some(3));

    // show: verified against the IACA, JSON.
    let shown: serde_json::Value = serde_json::from_str(&ok(&[
        "crl",
        "show",
        p(&crl),
        "--trust",
        p(&ua.join("iaca.pem")),
        "--json",
    ]))
    .unwrap();
    assert_eq!(shown["signatureVerified"], true);
    assert_eq!(shown["number"], "03");
    assert_eq!(shown["revoked"][0]["reason"], "superseded");
    assert_eq!(shown["nextUpdate"], "2026-12-10T00:00:00Z");
    // Without --trust it says so; against another authority it is refused.
    assert!(ok(&["crl", "show", p(&crl)]).contains("UNVERIFIED"));
    let out = run(&[
        "crl",
        "show",
        p(&crl),
        "--trust",
        p(&pl.join("iaca.pem")),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let refused: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(refused["error"]["code"], "crl_wrong_issuer");
    // Another authority cannot revoke in this CRL.
    let out = run(&[
        "crl",
        "revoke",
        p(&crl),
        "--authority",
        p(&pl),
        "--serial",
        "0x2a",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("crl_wrong_issuer"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A serial given in hexadecimal, DER output.
    let der = dir.join("pl.crl");
    ok(&[
        "crl",
        "new",
        "--authority",
        p(&pl),
        "--der",
        "--out",
        p(&der),
    ]);
    ok(&[
        "crl",
        "revoke",
        p(&der),
        "--authority",
        p(&pl),
        "--serial",
        "0x2a",
    ]);
    let bytes = std::fs::read(&der).unwrap();
    assert_eq!(bytes.first(), Some(&0x30));
    assert_eq!(
        Crl::from_der(&bytes).unwrap().revoked()[0].serial,
        vec![0x2a]
    );
    let out = run(&[
        "crl",
        "revoke",
        p(&der),
        "--authority",
        p(&pl),
        "--serial",
        "zz",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
