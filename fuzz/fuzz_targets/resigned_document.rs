//! Structure-aware fuzzing behind the signature: a valid driving licence is
//! mutated at the CBOR value level (values, types, dates, digest IDs,
//! namespaces, doc types, device keys, key authorizations, status
//! references, disclosed items) and its MSO is **re-signed** with the test
//! authority's Document Signer key, so every mutated MSO carries a valid
//! signature and reaches the digest, validity, doc-type, country, policy and
//! status checks. On every result the design's invariants are asserted:
//!
//! - a verified document's claims are exactly the disclosed elements, each
//!   with a digest in the MSO equal to the digest of its bytes as sent (so
//!   an element whose digest is absent or different never verifies);
//! - it is of the one doc type the authority may issue, from its country;
//! - `now` lies in its validity (widened by the clock skew), and validFrom
//!   is not after validUntil;
//! - no (namespace, digestID) is disclosed twice.
//!
//! Input: 4-byte mutation commands, the rest moves `now`.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::samples;
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DrivingLicence, Issuer, IssuerSigned,
    IssuerSignedItem, IssuerSignedItemBytes, Signer, SoftwareKey, TrustedAuthorities, ValidityInfo,
    Verifier, VerifyOptions,
};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use sha2::{Digest as _, Sha256};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
const SKEW: Duration = Duration::minutes(5);

type NameSpaces = Vec<(String, Vec<IssuerSignedItemBytes>)>;

struct Fixture {
    authority: DemoAuthority,
    verifier: Verifier,
    name_spaces: NameSpaces,
    mso: Value,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::seed_from_u64(3);
        let authority = DemoAuthority::generate(
            "UA",
            "Fuzz",
            Algorithm::Es256,
            &[DrivingLicence::DOC_TYPE],
            datetime!(2026-01-01 0:00 UTC),
            datetime!(2031-01-01 0:00 UTC),
            &mut rng,
        )
        .expect("authority");
        let device = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let document = Issuer::new(&authority.ds_key, &authority.ds_certificate)
            .expect("issuer")
            .issue_document(
                &samples::driving_licence_ua(),
                &device.public_key(),
                &ValidityInfo::new(
                    datetime!(2026-10-30 9:00 UTC),
                    datetime!(2026-11-01 0:00 UTC),
                    datetime!(2027-11-01 0:00 UTC),
                ),
                &mut rng,
            )
            .expect("document");
        let mso = cbor::decode(&document.mso_bytes().expect("mso")).expect("mso value");
        let verifier = Verifier::new(
            TrustedAuthorities::from_authorities([authority.authority.clone()]).expect("trust"),
            AcceptancePolicy::accept_all(),
        );
        Fixture {
            name_spaces: document.name_spaces().to_vec(),
            authority,
            verifier,
            mso,
        }
    })
}

/// Values a mutation may put anywhere.
fn palette(i: u8) -> Value {
    match i % 18 {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => Value::from(0u64),
        3 => Value::from(-1i64),
        4 => Value::from(u64::MAX),
        5 => Value::Text(String::new()),
        6 => Value::Text("UA".into()),
        7 => Value::Text("ж".repeat(300)),
        8 => Value::Bytes(Vec::new()),
        9 => Value::Bytes(vec![0; 32]),
        10 => cbor::tdate(NOW).unwrap_or(Value::Null),
        11 => Value::Tag(1004, Box::new(Value::Text("1990-02-30".into()))),
        12 => Value::Array(Vec::new()),
        13 => Value::Map(Vec::new()),
        14 => cbor::tag24(vec![0xa0]),
        15 => Value::Float(1.5),
        16 => cbor::text_map([(
            "status_list",
            cbor::text_map([
                ("idx", Value::from(u64::from(i))),
                ("uri", Value::Text("https://status.example/1".into())),
            ]),
        )]),
        _ => Value::Text(DrivingLicence::DOC_TYPE.into()),
    }
}

/// Names a mutation may use for doc types, namespaces and elements.
fn name(i: u8) -> String {
    [
        DrivingLicence::DOC_TYPE,
        "org.iso.7367.1.mVRC",
        "org.iso.18013.5.1",
        "org.iso.18013.5.1.aamva",
        "family_name",
        "issuing_country",
        "portrait",
        "",
    ][usize::from(i % 8)]
    .to_string()
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Map(entries) => entries.iter().map(|(_, v)| count(v)).sum(),
        Value::Tag(_, inner) => count(inner),
        _ => 0,
    }
}

/// The `n`-th node of `value` in depth-first order (map values only).
fn nth_mut<'a>(value: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(value);
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().find_map(|v| nth_mut(v, n)),
        Value::Map(entries) => entries.iter_mut().find_map(|(_, v)| nth_mut(v, n)),
        Value::Tag(_, inner) => nth_mut(inner, n),
        _ => None,
    }
}

fn pick(value: &mut Value, a: u8, b: u8) -> Option<&mut Value> {
    let mut n = (usize::from(a) | usize::from(b) << 8) % count(value);
    nth_mut(value, &mut n)
}

fn map_entry<'a>(map: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    match map {
        Value::Map(entries) => entries
            .iter_mut()
            .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn digest_of(item: &IssuerSignedItemBytes) -> Vec<u8> {
    let tagged = cbor::encode(&cbor::tag24(item.inner_bytes().to_vec())).unwrap_or_default();
    Sha256::digest(&tagged).to_vec()
}

/// Writes the digest of `item` into the MSO (so an item mutation reaches
/// past the digest check).
fn set_digest(mso: &mut Value, ns: &str, item: &IssuerSignedItemBytes) {
    let Some(digests) = map_entry(mso, "valueDigests") else {
        return;
    };
    let Some(Value::Map(entries)) = map_entry(digests, ns) else {
        return;
    };
    let id = Value::from(item.item().digest_id);
    let digest = Value::Bytes(digest_of(item));
    match entries.iter_mut().find(|(k, _)| *k == id) {
        Some((_, v)) => *v = digest,
        None => entries.push((id, digest)),
    }
}

fn with_item(
    item: &IssuerSignedItemBytes,
    change: impl FnOnce(&mut IssuerSignedItem),
) -> Option<IssuerSignedItemBytes> {
    let mut inner = item.item().clone();
    change(&mut inner);
    IssuerSignedItemBytes::encode(inner).ok()
}

fn mutate(command: &[u8], name_spaces: &mut NameSpaces, mso: &mut Value) {
    let [op, a, b, c] = [command[0], command[1], command[2], command[3]];
    let items: usize = name_spaces.iter().map(|(_, items)| items.len()).sum();
    // The (namespace, index) of the a-th item overall.
    let locate = |name_spaces: &NameSpaces| -> Option<(usize, usize)> {
        let mut k = usize::from(a) % items.max(1);
        for (n, (_, list)) in name_spaces.iter().enumerate() {
            if k < list.len() {
                return Some((n, k));
            }
            k -= list.len();
        }
        None
    };
    match op % 12 {
        0 => {
            if let Some(node) = pick(mso, a, b) {
                *node = palette(c);
            }
        }
        1 => {
            if let Some(Value::Map(entries)) = pick(mso, a, b)
                && !entries.is_empty()
            {
                let i = usize::from(c) % entries.len();
                entries.remove(i);
            }
        }
        2 => {
            if let Some(doc_type) = map_entry(mso, "docType") {
                *doc_type = Value::Text(name(c));
            }
        }
        3 => {
            let field = ["signed", "validFrom", "validUntil"][usize::from(a % 3)];
            let at = NOW + Duration::days(i64::from(c) - 128) + Duration::minutes(i64::from(b));
            if let Some(validity) = map_entry(mso, "validityInfo")
                && let Some(value) = map_entry(validity, field)
            {
                *value = cbor::tdate(at).unwrap_or(Value::Null);
            }
        }
        4 => {
            if let Some(digests) = map_entry(mso, "valueDigests")
                && let Some(Value::Map(entries)) = pick(digests, a, 0)
                && !entries.is_empty()
            {
                let i = usize::from(b) % entries.len();
                entries[i].0 = Value::from(u64::from(c));
            }
        }
        5 | 6 | 9 => {
            if let Some((n, i)) = locate(name_spaces) {
                let (ns, list) = &mut name_spaces[n];
                let changed = with_item(&list[i], |item| match op % 12 {
                    5 => item.element_value = palette(c),
                    6 => item.digest_id = u64::from(c),
                    _ => item.element_identifier = name(c),
                });
                if let Some(changed) = changed {
                    if b & 1 == 1 {
                        set_digest(mso, ns, &changed);
                    }
                    list[i] = changed;
                }
            }
        }
        7 => {
            if let Some((n, i)) = locate(name_spaces) {
                name_spaces[n].1.remove(i);
                name_spaces.retain(|(_, list)| !list.is_empty());
            }
        }
        8 => {
            if let Some((n, i)) = locate(name_spaces) {
                let copy = name_spaces[n].1[i].clone();
                name_spaces[n].1.push(copy);
            }
        }
        10 => {
            if let Some((n, _)) = locate(name_spaces) {
                name_spaces[n].0 = name(c);
            }
        }
        _ => {
            // deviceKeyInfo (device key, key authorizations) or status.
            let key = ["deviceKeyInfo", "status"][usize::from(a % 2)];
            if let Value::Map(entries) = mso {
                entries.retain(|(k, _)| !matches!(k, Value::Text(t) if t == key));
                entries.push((Value::Text(key.into()), palette(c)));
            }
        }
    }
}

/// The invariants of a verified document (see the module documentation).
fn check(verified: &docbridge::VerifiedDocument, name_spaces: &NameSpaces, now: OffsetDateTime) {
    assert_eq!(verified.doc_type(), DrivingLicence::DOC_TYPE);
    assert_eq!(verified.issuing_country(), "UA");
    let mso = verified.mso();
    assert_eq!(mso.doc_type, DrivingLicence::DOC_TYPE);
    let validity = verified.validity();
    assert!(
        validity.valid_from <= validity.valid_until,
        "inverted validity"
    );
    assert!(now + SKEW >= validity.valid_from && now - SKEW <= validity.valid_until);
    let mut disclosed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    let mut ids = std::collections::BTreeSet::new();
    for (ns, items) in name_spaces {
        for item in items {
            let id = item.item().digest_id;
            assert!(ids.insert((ns.clone(), id)), "digestID disclosed twice");
            assert_eq!(
                mso.digest(ns, id).map(|d| d.as_slice()),
                Some(digest_of(item).as_slice()),
                "an element verified without its digest"
            );
            let previous = disclosed.entry(ns.clone()).or_default().insert(
                item.item().element_identifier.clone(),
                item.item().element_value.clone(),
            );
            assert!(previous.is_none(), "an element disclosed twice");
        }
    }
    assert_eq!(
        verified.elements(),
        &disclosed,
        "claims are not the disclosed elements"
    );
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let mut name_spaces = fixture.name_spaces.clone();
    let mut mso = fixture.mso.clone();
    let commands = data.len() / 4;
    for command in data.chunks_exact(4).take(64) {
        mutate(command, &mut name_spaces, &mut mso);
    }
    let shift = data.get(commands * 4).copied().unwrap_or(0);
    let now = NOW + Duration::days(i64::from(shift) * 4 - 512);

    let Ok(encoded) = cbor::encode(&mso) else {
        return;
    };
    let Ok(payload) = cbor::encode(&cbor::tag24(encoded)) else {
        return;
    };
    let options = Sign1Options {
        x5chain: vec![fixture.authority.ds_certificate.der().to_vec()],
        ..Sign1Options::default()
    };
    let Ok(signed) = sign1(&fixture.authority.ds_key, &payload, &options) else {
        return;
    };
    let Ok(bytes) = IssuerSigned::new(name_spaces.clone(), signed).to_vec() else {
        return;
    };
    if let Ok(verified) = fixture.verifier.verify(&bytes, &VerifyOptions::at(now)) {
        check(&verified, &name_spaces, now);
    }
});
