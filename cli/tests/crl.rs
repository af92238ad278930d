//! The `crl` commands of the command-line tool: new, revoke, show.

mod common;

use std::path::Path;

use docbridge::Certificate;
use docbridge::x509::crl::{Crl, RevocationReason};

use common::{
    device_key, issue_ua_licence, json_exiting, new_authority_with_alg, ok, ok_json, p, run,
    run_json, temp_dir, usage_error, verify_json_args,
};

/// The arguments of `crl revoke` of the Document Signer certificate `ds`
/// of `authority` in `crl` for `reason`, `extra` arguments after them.
fn revoke_args<'a>(
    crl: &'a Path,
    authority: &'a Path,
    ds: &'a Path,
    reason: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "crl",
        "revoke",
        p(crl),
        "--authority",
        p(authority),
        "--certificate",
        p(ds),
        "--reason",
        reason,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn new_revoke_show() {
    let dir = temp_dir("crl-flow");
    let ua = new_authority_with_alg(&dir, "UA", "ed25519");
    let pl = new_authority_with_alg(&dir, "PL", "ed25519");
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
    let revoke_times = [
        "--date",
        "2026-11-10T00:00:00Z",
        "--this-update",
        "2026-11-10T00:00:00Z",
        "--next-update",
        "2026-12-10T00:00:00Z",
    ];
    let said = ok(&revoke_args(&crl, &ua, &ds, "keyCompromise", &revoke_times));
    assert!(said.contains("keyCompromise"), "{said}");
    let second = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    let ds_cert = &Certificate::load_one(&std::fs::read(&ds).unwrap()).unwrap();
    let entry = second.entry_for(ds_cert.serial()).unwrap();
    assert_eq!(entry.reason, Some(RevocationReason::KeyCompromise));
    assert_eq!(second.number_u64(), Some(2));
    // Revoking again replaces the entry instead of listing it twice.
    ok(&revoke_args(&crl, &ua, &ds, "superseded", &revoke_times));
    let third = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    assert_eq!(third.revoked().len(), 1);
    assert_eq!(third.number_u64(), Some(3));

    // show: verified against the IACA, JSON.
    let shown = ok_json(&[
        "crl",
        "show",
        p(&crl),
        "--trust",
        p(&ua.join("iaca.pem")),
        "--json",
    ]);
    assert_eq!(shown["signatureVerified"], true);
    assert_eq!(shown["number"], "03");
    assert_eq!(shown["revoked"][0]["reason"], "superseded");
    assert_eq!(shown["nextUpdate"], "2026-12-10T00:00:00Z");
    // Without --trust it says so; against another authority it is refused.
    assert!(ok(&["crl", "show", p(&crl)]).contains("UNVERIFIED"));
    let refused = json_exiting(
        1,
        &[
            "crl",
            "show",
            p(&crl),
            "--trust",
            p(&pl.join("iaca.pem")),
            "--json",
        ],
    );
    assert_eq!(refused["error"]["code"], "crl_wrong_issuer");
    // Another authority cannot revoke in this CRL.
    let stderr = usage_error(&[
        "crl",
        "revoke",
        p(&crl),
        "--authority",
        p(&pl),
        "--serial",
        "0x2a",
    ]);
    assert!(stderr.contains("crl_wrong_issuer"), "{stderr}");
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
    let revoke_serial = |serial: &'static str| {
        [
            "crl",
            "revoke",
            p(&der),
            "--authority",
            p(&pl),
            "--serial",
            serial,
        ]
    };
    ok(&revoke_serial("0x2a"));
    let bytes = std::fs::read(&der).unwrap();
    assert_eq!(bytes.first(), Some(&0x30));
    assert_eq!(
        Crl::from_der(&bytes).unwrap().revoked()[0].serial,
        vec![0x2a]
    );
    usage_error(&revoke_serial("zz"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_with_crls_and_identifier_lists() {
    use docbridge::documents::samples;
    use docbridge::status::{IdentifierList, IdentifierListReference, IdentifierListToken};
    use docbridge::{DemoAuthority, Issuer, ValidityInfo};
    use time::macros::datetime;

    let dir = temp_dir("crl-verify");
    let ua = new_authority_with_alg(&dir, "UA", "ed25519");
    let (_, device_pub) = device_key(&dir);
    let doc = issue_ua_licence(&dir, &ua, &device_pub, &[]);
    let crl = dir.join("ua.crl.pem");
    ok(&[
        "crl",
        "new",
        "--authority",
        p(&ua),
        "--this-update",
        "2026-11-01T00:00:00Z",
        "--next-update",
        "2026-12-01T00:00:00Z",
        "--out",
        p(&crl),
    ]);
    let trust = ua.join("iaca.pem");
    let verify_at = |at: &str, extra: &[&str]| run_json(&verify_json_args(&trust, at, extra, &doc));
    let verify = |extra: &[&str]| verify_at("2026-11-29T12:00:00Z", extra);
    let (status, json) = verify(&[]);
    assert_eq!(
        (status, &json["certificateRevocation"]),
        (Some(0), &"disabled".into())
    );
    // Keyed by the distribution point the Document Signer certificate names.
    let point = DemoAuthority::load_from_dir(&ua)
        .unwrap()
        .ds_certificate
        .crl_distribution_points()[0]
        .clone();
    let keyed = format!("{point}={}", p(&crl));
    let (status, json) = verify(&["--crl", &keyed]);
    assert_eq!(
        (status, &json["certificateRevocation"]),
        (Some(0), &"good".into())
    );
    // A bare FILE is matched by issuer, which does not serve a certificate
    // naming a distribution point: the check fails closed.
    let (status, json) = verify(&["--crl", p(&crl)]);
    assert_eq!(
        (status, &json["error"]["code"]),
        (Some(1), &"crl_missing".into())
    );
    // Late: the CRL is stale; refused, or passed as not checked when allowed.
    let late = |extra: &[&str]| verify_at("2026-12-15T00:00:00Z", extra);
    let (status, json) = late(&["--crl", &keyed]);
    assert_eq!(
        (status, &json["error"]["code"]),
        (Some(1), &"crl_stale".into())
    );
    let (status, json) = late(&["--crl", &keyed, "--allow-unchecked-crl"]);
    assert_eq!(
        (status, &json["certificateRevocation"]),
        (Some(0), &"not_checked".into())
    );
    // Revoke the Document Signer: refused with its code.
    ok(&revoke_args(
        &crl,
        &ua,
        &ua.join("ds.pem"),
        "keyCompromise",
        &[
            "--this-update",
            "2026-11-20T00:00:00Z",
            "--next-update",
            "2026-12-20T00:00:00Z",
        ],
    ));
    let (status, json) = verify(&["--crl", &keyed]);
    assert_eq!(status, Some(1));
    assert_eq!(json["error"]["code"], "certificate_revoked");

    // An identifier list: a document issued with a reference (through the
    // library), the list signed by the same Document Signer.
    let authority = DemoAuthority::load_from_dir(&ua).unwrap();
    let reference = IdentifierListReference::new(vec![5, 5], "https://ids.diia.example/1").unwrap();
    let listed_doc = dir.join("listed.cbor");
    let device =
        docbridge::PublicKey::from_pem(&std::fs::read_to_string(&device_pub).unwrap()).unwrap();
    let issued = Issuer::new(&authority.ds_key, &authority.ds_certificate)
        .unwrap()
        .with_identifier_list(reference.clone())
        .issue_document(
            &samples::driving_licence_ua(),
            &device,
            &ValidityInfo::new(
                datetime!(2026-11-01 0:00 UTC),
                datetime!(2026-11-01 0:00 UTC),
                datetime!(2027-11-01 0:00 UTC),
            ),
            &mut docbridge::rng::system(),
        )
        .unwrap();
    std::fs::write(&listed_doc, issued.to_vec().unwrap()).unwrap();
    let mut list = IdentifierList::new();
    list.insert(reference.id.clone()).unwrap();
    let token = IdentifierListToken::new(
        &reference.uri,
        list,
        datetime!(2026-11-29 0:00 UTC),
        datetime!(2026-11-30 0:00 UTC),
    )
    .unwrap()
    .sign(
        &authority.ds_key,
        std::slice::from_ref(&authority.ds_certificate),
    )
    .unwrap();
    let ids = dir.join("ids.cwt");
    std::fs::write(&ids, token).unwrap();
    let json = json_exiting(
        1,
        &verify_json_args(
            &trust,
            "2026-11-29T12:00:00Z",
            &["--identifier-list", p(&ids)],
            &listed_doc,
        ),
    );
    assert_eq!(json["error"]["code"], "revoked");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_crl_signer_certified_by_the_iaca_signs_new_and_revoke() {
    use docbridge::x509::crl::{CrlPolicy, CrlSet, check_certificate};
    let dir = temp_dir("crl-signer");
    let ua = new_authority_with_alg(&dir, "UA", "ed25519");
    let signer_dir = dir.join("ua-crl-signer");
    ok(&[
        "crl",
        "signer",
        "--authority",
        p(&ua),
        "--out",
        p(&signer_dir),
    ]);
    let iaca = Certificate::load_one(&std::fs::read(ua.join("iaca.pem")).unwrap()).unwrap();
    let signer =
        Certificate::load_one(&std::fs::read(signer_dir.join("crl-signer.pem")).unwrap()).unwrap();
    assert_eq!(signer.subject_raw(), iaca.subject_raw());
    assert!(signer.verify_issued_by(&iaca).is_ok());
    assert!(!signer.is_ca());
    assert!(signer.key_usage().unwrap().crl_sign);
    assert_ne!(signer.public_key(), iaca.public_key());

    // new and revoke sign with the CRL signer's key, under the IACA's name.
    let crl = dir.join("ua.crl.pem");
    let signer_arg = ["--signer", p(&signer_dir)];
    let mut args = vec!["crl", "new", "--authority", p(&ua), "--out", p(&crl)];
    args.extend(signer_arg);
    ok(&args);
    let first = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    assert!(first.verify_signed_by(&signer).is_ok());
    assert_eq!(
        first.verify_signed_by(&iaca).map_err(|e| e.code()),
        Err("crl_signature_invalid")
    );
    let ds = ua.join("ds.pem");
    ok(&revoke_args(&crl, &ua, &ds, "keyCompromise", &signer_arg));
    let second = Crl::load(&std::fs::read(&crl).unwrap()).unwrap();
    assert!(second.verify_signed_by(&signer).is_ok());
    assert_eq!(second.number_u64(), Some(2));
    let signer_pem = signer_dir.join("crl-signer.pem");
    let shown = ok(&["crl", "show", p(&crl), "--trust", p(&signer_pem)]);
    assert!(!shown.contains("UNVERIFIED"), "{shown}");

    // A verifier that holds the signer certificate reads the revocation.
    let ds_cert = Certificate::load_one(&std::fs::read(&ds).unwrap()).unwrap();
    let mut set = CrlSet::new();
    for point in ds_cert.crl_distribution_points() {
        set.insert(point.clone(), second.clone());
    }
    if set.is_empty() {
        set.insert("https://crl.example/ua", second.clone());
    }
    let now = time::OffsetDateTime::now_utc() + time::Duration::minutes(1);
    let check = |set: &CrlSet| {
        check_certificate(
            &ds_cert,
            &iaca,
            set,
            &CrlPolicy::fail_closed(),
            now,
            time::Duration::minutes(5),
        )
        .map_err(|e| e.code())
    };
    assert_eq!(check(&set), Err("crl_signature_invalid"));
    set.add_crl_signer(signer);
    assert_eq!(check(&set), Err("certificate_revoked"));

    // A directory whose certificate is not a CRL signer of this authority
    // is refused before anything is signed.
    let pl = new_authority_with_alg(&dir, "PL", "ed25519");
    let out = run(&[
        "crl",
        "new",
        "--authority",
        p(&pl),
        "--signer",
        p(&signer_dir),
        "--out",
        p(&dir.join("pl.crl.pem")),
    ]);
    assert!(!out.status.success());
    assert!(!dir.join("pl.crl.pem").exists());
}
