//! `issue --batch N` (issue 10, left over): N single-use copies, each
//! verifying on its own while no two share a status index, a validity time
//! or a signature; `issue --json` names each copy's status index.

mod common;

use common::{device_key, json_exiting, new_authority, ok, ok_json, p, temp_dir, usage_error};

#[test]
fn a_batch_of_copies_shares_nothing_but_the_claims() {
    let dir = temp_dir("batch");
    let ua = new_authority(&dir, "UA", &[]);
    let claims = dir.join("claims.json");
    std::fs::write(
        &claims,
        ok(&[
            "claims",
            "--doc-type",
            "org.iso.18013.5.1.mDL",
            "--country",
            "UA",
        ]),
    )
    .unwrap();
    let list = dir.join("list.json");
    ok(&[
        "status-list",
        "new",
        "--uri",
        "https://status.example/1",
        "--bits",
        "2",
        "--size",
        "16384",
        "--out",
        p(&list),
    ]);
    let mut keys = Vec::new();
    for i in 0..3 {
        let copy_dir = dir.join(format!("key{i}"));
        std::fs::create_dir_all(&copy_dir).unwrap();
        keys.push(device_key(&copy_dir).1);
    }
    let out = dir.join("copies");
    let mut args = vec![
        "issue",
        "--batch",
        "3",
        "--authority",
        p(&ua),
        "--doc-type",
        "org.iso.18013.5.1.mDL",
        "--claims",
        p(&claims),
        "--signed",
        "2026-10-30T09:00:00Z",
        "--valid-from",
        "2026-11-01T00:00:00Z",
        "--valid-until",
        "2027-11-01T00:00:00Z",
        "--status-list",
        p(&list),
        "--out",
        p(&out),
        "--json",
    ];
    for key in &keys {
        args.extend(["--device-key", p(key)]);
    }
    let json = ok_json(&args);
    let copies = json["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 3);

    let mut seen = std::collections::BTreeSet::new();
    for (i, copy) in copies.iter().enumerate() {
        let file = out.join(format!("copy-{}.cbor", i + 1));
        assert_eq!(copy["file"], p(&file));
        assert_eq!(copy["statusList"]["uri"], "https://status.example/1");
        assert!(
            seen.insert(("idx", copy["statusList"]["idx"].to_string())),
            "shared index"
        );
        let verified = ok_json(&[
            "verify",
            "--trust",
            p(&ua.join("iaca.pem")),
            "--at",
            "2026-11-29T12:00:00Z",
            "--allow-missing-status",
            "--json",
            p(&file),
        ]);
        assert_eq!(verified["valid"], true, "{verified}");
        assert_eq!(
            verified["claims"]["org.iso.18013.5.1"]["family_name"],
            "Shevchenko"
        );
        // Times only ever move earlier, each by its own amount.
        for (name, requested) in [
            ("signed", "2026-10-30T09:00:00Z"),
            ("validFrom", "2026-11-01T00:00:00Z"),
            ("validUntil", "2027-11-01T00:00:00Z"),
        ] {
            let at = verified[name].as_str().unwrap().to_string();
            assert!(at.as_str() <= requested, "{name} {at}");
            assert!(seen.insert((name, at)), "{name} shared");
        }
        let bytes = std::fs::read(&file).unwrap();
        assert!(seen.insert(("bytes", hex::encode(bytes))));
    }
    // Every index, and only those, was recorded in the list.
    let recorded =
        docbridge::status::ManagedStatusList::from_json(&std::fs::read_to_string(&list).unwrap())
            .unwrap();
    assert_eq!(recorded.allocator().used(), 3);
    for copy in copies {
        assert!(
            recorded
                .allocator()
                .is_used(copy["statusList"]["idx"].as_u64().unwrap())
        );
    }

    // One key for each copy, no more, no fewer (with --json, the usage
    // error is JSON).
    let mut two = args.clone();
    two[2] = "2";
    let error = json_exiting(2, &two);
    assert_eq!(error["error"]["code"], "invalid_argument");
    assert_eq!(
        error["error"]["message"],
        "--batch 2 needs 2 --device-key files (each copy is bound to its own key), not 3"
    );
    let without_json: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
    let stderr = usage_error(&without_json[..without_json.len() - 2]);
    assert!(
        stderr.contains("--batch 3 needs 3 --device-key files"),
        "{stderr}"
    );
}
