//! Revocation and suspension through Token Status Lists (CWT): the draft's
//! own examples, every bit width, the verifier's status step with every
//! refusal code, the fail-closed policy, and the command line.
//!
//! The interop cases need the shared vectors in
//! `../shared/vectors/external/token-status-list`.

#[path = "common/external.rs"]
mod external;

use std::collections::BTreeMap;
use std::io::Write as _;

use docbridge::VerifyOptions;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::deps::coset::{self, iana};
use docbridge::documents::samples;
use docbridge::status::{
    EncodedStatusList, IndexAllocator, MAX_LIST_BYTES, StatusBits, StatusList,
    verify_status_list_token, verify_status_list_token_with_key,
};
use docbridge::x509::{CertificateProfile, CertificateSpec, create_issued};
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DrivingLicence, Issuer, IssuerSigned,
    ManagedStatusList, PublicKey, ResidencePermit, Signer, SoftwareKey, StatusListReference,
    StatusListToken, StatusOutcome, StatusPolicy, StatusReference, StatusValue, TrustedAuthorities,
    ValidityInfo, VehicleRegistration, Verifier, cbor,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/token-status-list"
);
const URI: &str = "https://status.diia.gov.ua/lists/1";
const CERT_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const CERT_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
const ALL_TYPES: [&str; 3] = [
    DrivingLicence::DOC_TYPE,
    VehicleRegistration::DOC_TYPE,
    ResidencePermit::DOC_TYPE,
];

// ----- Shared vectors -----

fn vector(name: &str) -> Vec<u8> {
    let path = format!("{VECTORS}/{name}");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("shared vectors required: {path}: {e} (CI provides ../shared beside the crate)")
    })
}

fn expected_values() -> serde_json::Value {
    serde_json::from_slice(&vector("expected_status_values.json")).unwrap()
}

fn example_key() -> PublicKey {
    let jwk: serde_json::Value =
        serde_json::from_slice(&vector("example_key_public.jwk.json")).unwrap();
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    let coordinate = |name: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(jwk[name].as_str().unwrap())
            .unwrap()
    };
    let key = coset::CoseKeyBuilder::new_ec2_pub_key(
        iana::EllipticCurve::P_256,
        coordinate("x"),
        coordinate("y"),
    )
    .build();
    PublicKey::from_cose_key(&key).unwrap()
}

#[test]
fn draft_short_examples_decode() {
    if !external::available(VECTORS) {
        return;
    }
    let expected = expected_values();
    let short = &expected["vectors"]["short_1"];
    let list = EncodedStatusList::from_slice(&vector("status_list_encoding_cbor.cbor")).unwrap();
    assert_eq!(list.bits, StatusBits::One);
    assert_eq!(hex::encode(&list.lst), short["lst_hex"].as_str().unwrap());
    let decoded = list.decode().unwrap();
    assert_eq!(
        hex::encode(decoded.as_bytes()),
        short["decompressed_hex"].as_str().unwrap()
    );
    let statuses: Vec<u64> = short["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
    for (i, want) in statuses.iter().enumerate() {
        assert_eq!(
            u64::from(decoded.get(i as u64).unwrap().to_u8()),
            *want,
            "index {i}"
        );
        assert_eq!(
            u64::from(list.get(i as u64).unwrap().to_u8()),
            *want,
            "index {i}"
        );
    }
    assert_eq!(
        list.get(16).unwrap_err().code(),
        "status_index_out_of_range"
    );

    // The two-bit example from the README: c9 44 f9.
    let two = EncodedStatusList::from_slice(&vector("status_list_encoding2_cbor.cbor")).unwrap();
    assert_eq!(two.bits, StatusBits::Two);
    let decoded = two.decode().unwrap();
    assert_eq!(decoded.as_bytes(), &[0xc9, 0x44, 0xf9]);
    let values: Vec<u8> = decoded.iter().map(StatusValue::to_u8).collect();
    assert_eq!(values, [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
    assert_eq!(two.get(1).unwrap(), StatusValue::Suspended);
    assert_eq!(two.get(3).unwrap(), StatusValue::Other(3));
}

#[test]
fn draft_long_examples_decode_to_the_expected_values() {
    if !external::available(VECTORS) {
        return;
    }
    let expected = expected_values();
    let size = expected["size_entries"].as_u64().unwrap();
    assert_eq!(size, 1 << 20);
    for (bits, file) in [
        (1, "status_list_encoding1_long_cbor.cbor"),
        (2, "status_list_encoding2_long_cbor.cbor"),
        (4, "status_list_encoding4_cbor.cbor"),
        (8, "status_list_encoding8_cbor.cbor"),
    ] {
        let want = &expected["vectors"][bits.to_string()];
        let bytes = vector(file);
        let encoded = EncodedStatusList::from_slice(&bytes).unwrap();
        assert_eq!(u64::from(encoded.bits.get()), bits);
        assert_eq!(
            encoded.lst.len() as u64,
            want["compressed_len"].as_u64().unwrap()
        );
        let list = encoded.decode().unwrap();
        assert_eq!(
            list.as_bytes().len() as u64,
            want["decompressed_len"].as_u64().unwrap()
        );
        assert_eq!(list.len(), size);
        let listed: BTreeMap<u64, u8> = want["nonzero_or_listed"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), v.as_u64().unwrap() as u8))
            .collect();
        for (index, value) in list.iter().enumerate() {
            let expected = listed.get(&(index as u64)).copied().unwrap_or(0);
            assert_eq!(value.to_u8(), expected, "bits {bits}, index {index}");
        }
        // Reading one entry inflates only up to it, and agrees.
        for (index, value) in &listed {
            assert_eq!(
                encoded.get(*index).unwrap().to_u8(),
                *value,
                "bits {bits}, index {index}"
            );
        }
        assert_eq!(
            encoded.get(size).unwrap_err().code(),
            "status_index_out_of_range"
        );
    }
}

#[test]
fn draft_token_verifies_with_the_example_key() {
    if !external::available(VECTORS) {
        return;
    }
    let key = example_key();
    let bytes = vector("status_list_cwt.cbor");
    let token = verify_status_list_token_with_key(&bytes, &key, NOW).unwrap();
    assert_eq!(token.uri, "https://example.com/statuslists/1");
    assert_eq!(token.issued_at.unix_timestamp(), 1_686_920_170);
    assert_eq!(token.expires_at.unix_timestamp(), 2_291_720_170);
    assert_eq!(token.ttl, Some(43_200));
    assert_eq!(token.status_list.bits, StatusBits::One);
    assert_eq!(token.status(0).unwrap(), StatusValue::Invalid);
    assert_eq!(token.status(1).unwrap(), StatusValue::Valid);

    // The referenced token (a CWT with claim 65535) points at index 0: revoked.
    let referenced = docbridge::Sign1::from_slice(&vector("referenced_token_cwt.cbor")).unwrap();
    referenced.verify(&key, b"").unwrap();
    let claims = cbor::decode(referenced.payload().unwrap()).unwrap();
    let status = cbor::as_map(&claims, "claims")
        .unwrap()
        .iter()
        .find(|(k, _)| *k == Value::from(65535))
        .map(|(_, v)| v)
        .unwrap();
    let reference = StatusReference::from_value(status)
        .unwrap()
        .status_list
        .unwrap();
    assert_eq!(
        reference,
        StatusListReference::new(0, "https://example.com/statuslists/1").unwrap()
    );
    assert_eq!(
        docbridge::status::check_status(&reference, &token, &StatusPolicy::default())
            .unwrap_err()
            .code(),
        "revoked"
    );

    // Another key, a time after exp, and a flipped signature byte.
    let other = SoftwareKey::generate(Algorithm::Es256, &mut rng(1)).public_key();
    let code = |bytes: &[u8], key: &PublicKey, at| {
        verify_status_list_token_with_key(bytes, key, at)
            .unwrap_err()
            .code()
    };
    assert_eq!(code(&bytes, &other, NOW), "signature_invalid");
    assert_eq!(
        code(&bytes, &key, datetime!(2043-01-01 0:00 UTC)),
        "status_token_expired"
    );
    assert_eq!(
        code(&bytes, &key, datetime!(2023-01-01 0:00 UTC)),
        "status_token_not_yet_valid"
    );
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(code(&flipped, &key, NOW), "signature_invalid");
    // No x5chain: a chain-based check cannot take it.
    assert_eq!(
        verify_status_list_token(&bytes, &[], NOW)
            .unwrap_err()
            .code(),
        "x5chain_missing"
    );
}

// ----- Lists -----

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

#[test]
fn every_bit_width_round_trips() {
    for bits in StatusBits::ALL {
        for len in [1u64, 7, 8, 9, 1003] {
            let mut list = StatusList::new(bits, len).unwrap();
            let value = |i: u64| ((i * 7 + 3) % (u64::from(bits.max_value()) + 1)) as u8;
            for i in 0..len {
                list.set(i, StatusValue::from_u8(value(i))).unwrap();
            }
            let encoded = list.encode().unwrap();
            let again =
                EncodedStatusList::from_slice(&cbor::encode(&encoded.to_value()).unwrap()).unwrap();
            assert_eq!(again, encoded);
            let decoded = again.decode().unwrap();
            assert_eq!(
                decoded.as_bytes(),
                list.as_bytes(),
                "bits {bits}, len {len}"
            );
            for i in 0..len {
                assert_eq!(list.get(i).unwrap().to_u8(), value(i));
                assert_eq!(decoded.get(i).unwrap().to_u8(), value(i));
                assert_eq!(
                    again.get(i).unwrap().to_u8(),
                    value(i),
                    "bits {bits}, index {i}"
                );
            }
            // Entries fill each byte from the least significant bit.
            let (first, shift) = bits.position(1);
            assert_eq!(
                (first, shift),
                if bits == StatusBits::Eight {
                    (1, 0)
                } else {
                    (0, bits.get())
                }
            );
            assert_eq!(list.as_bytes()[0] & bits.max_value(), value(0));
        }
        let mut list = StatusList::new(bits, 4).unwrap();
        if bits != StatusBits::Eight {
            assert_eq!(
                list.set(0, StatusValue::from_u8(bits.max_value() + 1))
                    .unwrap_err()
                    .code(),
                "invalid_argument"
            );
        }
    }
}

#[test]
fn bad_lists_are_refused_with_their_codes() {
    let code = |value: Value| {
        EncodedStatusList::from_value(&value)
            .and_then(|l| l.decode())
            .unwrap_err()
            .code()
    };
    let lst = StatusList::new(StatusBits::One, 8)
        .unwrap()
        .encode()
        .unwrap()
        .lst;
    let map = |bits: Value, lst: Value| cbor::text_map([("bits", bits), ("lst", lst)]);
    assert_eq!(
        code(map(Value::from(3), Value::Bytes(lst.clone()))),
        "status_list_malformed"
    );
    assert_eq!(
        code(map(Value::from(1), Value::Bytes(b"plain".to_vec()))),
        "status_list_malformed"
    );
    assert_eq!(
        code(map(Value::from(1), Value::Text("x".into()))),
        "invalid_structure"
    );
    assert_eq!(code(Value::Array(vec![])), "invalid_structure");
    let mut trailing = lst.clone();
    trailing.push(0);
    assert_eq!(
        code(map(Value::from(1), Value::Bytes(trailing))),
        "status_list_malformed"
    );
}

#[test]
fn managed_list_allocates_and_keeps_its_file() {
    let mut list = ManagedStatusList::new_any_size(URI, StatusBits::Two, 1000).unwrap();
    let mut rng = rng(5);
    let references: Vec<StatusListReference> =
        (0..10).map(|_| list.allocate(&mut rng).unwrap()).collect();
    assert!(references.iter().all(|r| r.uri == URI && r.idx < 1000));
    list.set(references[0].idx, StatusValue::Invalid).unwrap();
    list.set(references[1].idx, StatusValue::Suspended).unwrap();
    let json = list.to_json().unwrap();
    let loaded = ManagedStatusList::from_json(&json).unwrap();
    assert_eq!(loaded, list);
    assert_eq!(loaded.allocator().used(), 10);
    assert_eq!(
        loaded.get(references[1].idx).unwrap(),
        StatusValue::Suspended
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["format"], "docbridge-status-list/1");
    assert_eq!(parsed["bits"], 2);
    assert_eq!(parsed["size"], 1000);
    assert_eq!(
        ManagedStatusList::from_json(&json.replace("\"size\": 1000", "\"size\": 2000"))
            .unwrap_err()
            .code(),
        "invalid_argument"
    );
    // A misspelt or unknown member is refused, never ignored.
    let unknown = ManagedStatusList::from_json(&json.replacen('{', "{\n  \"alocated\": \"\",", 1))
        .unwrap_err();
    assert_eq!(unknown.code(), "invalid_argument");
    assert!(
        unknown.to_string().contains("unknown field `alocated`"),
        "{unknown}"
    );
    // Index allocation is uniform over free indexes: a full list refuses.
    let mut small = IndexAllocator::new(3).unwrap();
    for _ in 0..3 {
        small.allocate(&mut rng).unwrap();
    }
    assert_eq!(
        small.allocate(&mut rng).unwrap_err().code(),
        "status_list_full"
    );
}

// ----- Documents -----

struct World {
    ua: DemoAuthority,
    pl: DemoAuthority,
    verifier: Verifier,
    list: ManagedStatusList,
    device: PublicKey,
    device_key: SoftwareKey,
    rng: ChaCha20Rng,
}

impl World {
    fn new() -> World {
        let mut rng = rng(2026);
        let ua = DemoAuthority::generate(
            "UA",
            "Diia",
            Algorithm::Es256,
            &ALL_TYPES,
            CERT_FROM,
            CERT_UNTIL,
            &mut rng,
        )
        .unwrap();
        let pl = DemoAuthority::generate(
            "PL",
            "mObywatel",
            Algorithm::EdDsa,
            &ALL_TYPES,
            CERT_FROM,
            CERT_UNTIL,
            &mut rng,
        )
        .unwrap();
        let trusted =
            TrustedAuthorities::from_authorities([ua.authority.clone(), pl.authority.clone()])
                .unwrap();
        let verifier = Verifier::new(trusted, AcceptancePolicy::accept_all());
        let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let device = device_key.public_key();
        World {
            ua,
            pl,
            verifier,
            list: ManagedStatusList::new_any_size(URI, StatusBits::Two, 10_000).unwrap(),
            device,
            device_key,
            rng,
        }
    }

    /// A Ukrainian licence with `reference` in its MSO.
    fn licence(&mut self, reference: Option<StatusListReference>) -> IssuerSigned {
        let issuer = Issuer::new(&self.ua.ds_key, &self.ua.ds_certificate).unwrap();
        let issuer = match reference {
            Some(r) => issuer.with_status_list(r),
            None => issuer,
        };
        issuer
            .issue_document(
                &samples::driving_licence_ua(),
                &self.device,
                &ValidityInfo::new(
                    datetime!(2026-11-01 0:00 UTC),
                    datetime!(2027-11-01 0:00 UTC),
                ),
                &mut self.rng,
            )
            .unwrap()
    }

    /// A licence with a freshly allocated index.
    fn referenced_licence(&mut self) -> (IssuerSigned, StatusListReference) {
        let reference = self.list.allocate(&mut self.rng).unwrap();
        (self.licence(Some(reference.clone())), reference)
    }

    /// The list's token, signed by the Ukrainian Document Signer, valid
    /// from an hour before NOW for a day.
    fn token(&self) -> Vec<u8> {
        self.token_by(
            &self.ua.ds_key,
            &self.ua.ds_certificate,
            &self
                .list
                .token(
                    NOW - Duration::hours(1),
                    NOW + Duration::days(1),
                    Some(3600),
                )
                .unwrap(),
        )
    }

    fn token_by(
        &self,
        key: &SoftwareKey,
        cert: &docbridge::Certificate,
        claims: &StatusListToken,
    ) -> Vec<u8> {
        claims.sign(key, std::slice::from_ref(cert)).unwrap()
    }

    fn check(
        &self,
        document: &IssuerSigned,
        token: Option<&[u8]>,
    ) -> Result<StatusOutcome, &'static str> {
        let mut options = VerifyOptions::at(NOW).doc_type(DrivingLicence::DOC_TYPE);
        if let Some(token) = token {
            options = options.status_token(token);
        }
        self.verifier
            .verify(document, &options)
            .map(|d| d.status())
            .map_err(|e| e.code())
    }
}

#[test]
fn valid_revoked_and_suspended() {
    let mut world = World::new();
    let (valid, _) = world.referenced_licence();
    let (revoked, revoked_ref) = world.referenced_licence();
    let (suspended, suspended_ref) = world.referenced_licence();
    world
        .list
        .set(revoked_ref.idx, StatusValue::Invalid)
        .unwrap();
    world
        .list
        .set(suspended_ref.idx, StatusValue::Suspended)
        .unwrap();
    let token = world.token();

    assert_eq!(world.check(&valid, Some(&token)), Ok(StatusOutcome::Valid));
    assert_eq!(world.check(&revoked, Some(&token)), Err("revoked"));
    assert_eq!(world.check(&suspended, Some(&token)), Err("suspended"));

    // The reference survives encoding, and the bytes path agrees.
    let bytes = valid.to_vec().unwrap();
    let verified = world
        .verifier
        .verify(&bytes, &VerifyOptions::at(NOW).status_token(&token))
        .unwrap();
    assert_eq!(verified.status(), StatusOutcome::Valid);
    assert_eq!(
        verified
            .mso()
            .status
            .as_ref()
            .and_then(|s| s.status_list.as_ref())
            .map(|r| r.uri.as_str()),
        Some(URI)
    );
    assert_eq!(
        world
            .verifier
            .verify(
                &revoked.to_vec().unwrap(),
                &VerifyOptions::at(NOW).status_token(&token)
            )
            .unwrap_err()
            .code(),
        "revoked"
    );

    // Lifting the suspension makes the document valid with the next token.
    world
        .list
        .set(suspended_ref.idx, StatusValue::Valid)
        .unwrap();
    assert_eq!(
        world.check(&suspended, Some(&world.token())),
        Ok(StatusOutcome::Valid)
    );
}

#[test]
fn other_values_are_refused_unless_the_policy_accepts_them() {
    let mut world = World::new();
    let (document, reference) = world.referenced_licence();
    world
        .list
        .set(reference.idx, StatusValue::Other(3))
        .unwrap();
    let token = world.token();
    assert_eq!(
        world.check(&document, Some(&token)),
        Err("status_unrecognized_value")
    );
    world.verifier = world
        .verifier
        .clone()
        .with_status_policy(StatusPolicy::fail_closed().accept_other_values(true));
    assert_eq!(
        world.check(&document, Some(&token)),
        Ok(StatusOutcome::Other(3))
    );
}

#[test]
fn fail_closed_versus_allowed_missing_token() {
    let mut world = World::new();
    let (document, _) = world.referenced_licence();
    let plain = world.licence(None);

    // Default: a referenced document without a token is refused, by every path.
    assert_eq!(world.check(&document, None), Err("status_token_missing"));
    assert_eq!(
        world
            .verifier
            .verify(&document, &VerifyOptions::at(NOW))
            .unwrap_err()
            .code(),
        "status_token_missing"
    );
    assert_eq!(
        world
            .verifier
            .verify(&document.to_vec().unwrap(), &VerifyOptions::at(NOW))
            .unwrap_err()
            .code(),
        "status_token_missing"
    );
    // A document without a reference needs no token; a token given is ignored.
    assert_eq!(world.check(&plain, None), Ok(StatusOutcome::NotReferenced));
    assert_eq!(
        world.check(&plain, Some(&world.token())),
        Ok(StatusOutcome::NotReferenced)
    );
    assert_eq!(
        world
            .verifier
            .verify(&plain.to_vec().unwrap(), &VerifyOptions::at(NOW))
            .unwrap()
            .status(),
        StatusOutcome::NotReferenced
    );

    // Allowed missing: passes, marked not checked; a given token still counts.
    world.verifier = world
        .verifier
        .clone()
        .with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true));
    assert_eq!(world.check(&document, None), Ok(StatusOutcome::NotChecked));
    assert_eq!(
        world.check(&document, Some(&world.token())),
        Ok(StatusOutcome::Valid)
    );
}

#[test]
fn expired_and_future_tokens_are_refused() {
    let mut world = World::new();
    let (document, _) = world.referenced_licence();
    let ds = (&world.ua.ds_key, &world.ua.ds_certificate);
    let expired = world.token_by(
        ds.0,
        ds.1,
        &world
            .list
            .token(NOW - Duration::days(2), NOW - Duration::days(1), None)
            .unwrap(),
    );
    assert_eq!(
        world.check(&document, Some(&expired)),
        Err("status_token_expired")
    );
    let future = world.token_by(
        ds.0,
        ds.1,
        &world
            .list
            .token(NOW + Duration::hours(1), NOW + Duration::days(1), None)
            .unwrap(),
    );
    assert_eq!(
        world.check(&document, Some(&future)),
        Err("status_token_not_yet_valid")
    );
    // Within the clock skew (5 minutes) both ends pass.
    let edge = world.token_by(
        ds.0,
        ds.1,
        &world
            .list
            .token(
                NOW + Duration::minutes(4),
                NOW - Duration::minutes(4) + Duration::days(1),
                None,
            )
            .unwrap(),
    );
    assert_eq!(
        world.check(&document, Some(&edge)),
        Ok(StatusOutcome::Valid)
    );
    let just_expired = world.token_by(
        ds.0,
        ds.1,
        &world
            .list
            .token(NOW - Duration::days(1), NOW - Duration::minutes(4), None)
            .unwrap(),
    );
    assert_eq!(
        world.check(&document, Some(&just_expired)),
        Ok(StatusOutcome::Valid)
    );
}

#[test]
fn a_token_for_another_list_is_refused() {
    let mut world = World::new();
    let (document, _) = world.referenced_licence();
    let other = ManagedStatusList::new_any_size(
        "https://status.diia.gov.ua/lists/2",
        StatusBits::Two,
        10_000,
    )
    .unwrap();
    let token = world.token_by(
        &world.ua.ds_key,
        &world.ua.ds_certificate,
        &other.token(NOW, NOW + Duration::days(1), None).unwrap(),
    );
    assert_eq!(
        world.check(&document, Some(&token)),
        Err("status_token_uri_mismatch")
    );
}

#[test]
fn a_token_signed_outside_the_documents_authority_is_refused() {
    let mut world = World::new();
    let (document, _) = world.referenced_licence();
    let claims = world
        .list
        .token(NOW, NOW + Duration::days(1), None)
        .unwrap();

    // Poland is trusted too, but did not vouch for this document.
    let polish = world.token_by(&world.pl.ds_key, &world.pl.ds_certificate, &claims);
    assert_eq!(
        world.check(&document, Some(&polish)),
        Err("status_token_wrong_authority")
    );

    // An untrusted look-alike authority.
    let rogue = DemoAuthority::generate(
        "UA",
        "Diia Copy",
        Algorithm::Es256,
        &ALL_TYPES,
        CERT_FROM,
        CERT_UNTIL,
        &mut rng(9),
    )
    .unwrap();
    let forged = world.token_by(&rogue.ds_key, &rogue.ds_certificate, &claims);
    assert_eq!(
        world.check(&document, Some(&forged)),
        Err("status_token_wrong_authority")
    );

    // The IACA key itself is no Document Signer.
    let by_iaca = world.token_by(&world.ua.iaca_key, &world.ua.iaca_certificate, &claims);
    assert_eq!(
        world.check(&document, Some(&by_iaca)),
        Err("certificate_profile")
    );

    // The Ukrainian DS certificate with another key's signature.
    let other_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(10));
    let mismatched = world.token_by(&other_key, &world.ua.ds_certificate, &claims);
    assert_eq!(
        world.check(&document, Some(&mismatched)),
        Err("signature_invalid")
    );

    // No x5chain at all, and a token without the status-list typ.
    let bare = claims.sign(&world.ua.ds_key, &[]).unwrap();
    assert_eq!(world.check(&document, Some(&bare)), Err("x5chain_missing"));
    let untyped = sign1(
        &world.ua.ds_key,
        &cbor::encode(&claims.to_claims_value()).unwrap(),
        &Sign1Options {
            x5chain: vec![world.ua.ds_certificate.der().to_vec()],
            ..Sign1Options::default()
        },
    )
    .unwrap();
    let untyped = cbor::encode(&untyped.to_value().unwrap()).unwrap();
    assert_eq!(
        world.check(&document, Some(&untyped)),
        Err("status_token_type_mismatch")
    );

    // A separate status-list signing key certified by the same IACA is fine.
    let status_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(11));
    let status_cert = create_issued(
        &CertificateSpec {
            common_name: "Diia Status List Signer".into(),
            country: "UA".into(),
            organization: Some("Diia".into()),
            serial: 77,
            not_before: CERT_FROM,
            not_after: CERT_UNTIL,
        },
        CertificateProfile::DocumentSigner,
        &status_key.public_key(),
        &world.ua.iaca_certificate,
        &world.ua.iaca_key,
    )
    .unwrap();
    let separate = world.token_by(&status_key, &status_cert, &claims);
    assert_eq!(
        world.check(&document, Some(&separate)),
        Ok(StatusOutcome::Valid)
    );
}

/// Signs a token whose `status_list` is `list` as given, by the Ukrainian DS.
fn token_with_list(world: &World, list: EncodedStatusList) -> Vec<u8> {
    let mut claims = world
        .list
        .token(NOW, NOW + Duration::days(1), None)
        .unwrap();
    claims.status_list = list;
    world.token_by(&world.ua.ds_key, &world.ua.ds_certificate, &claims)
}

#[test]
fn truncated_lst_is_refused() {
    let mut world = World::new();
    let reference = StatusListReference::new(9_000, URI).unwrap();
    let document = world.licence(Some(reference));

    // A list that ends before the index.
    let short = StatusList::new(StatusBits::Two, 100)
        .unwrap()
        .encode()
        .unwrap();
    assert_eq!(
        world.check(&document, Some(&token_with_list(&world, short))),
        Err("status_index_out_of_range")
    );

    // A zlib stream cut off before the index: entries that do not compress.
    let mut noisy = StatusList::new(StatusBits::Two, 10_000).unwrap();
    let mut state = 1u64;
    for i in 0..10_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        noisy
            .set(i, StatusValue::from_u8((state >> 62) as u8))
            .unwrap();
    }
    let mut encoded = noisy.encode().unwrap();
    encoded.lst.truncate(encoded.lst.len() / 2);
    assert_eq!(
        world.check(&document, Some(&token_with_list(&world, encoded))),
        Err("status_list_malformed")
    );
}

/// A zlib stream of `copies * 258 + 1` zero bytes, 13 bits per 258 bytes
/// (a fixed-Huffman block of one literal and length-258, distance-1
/// copies): about 1:1300, a zip bomb.
fn zip_bomb(copies: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }
    impl Bits {
        fn raw(&mut self, value: u32, count: u32) {
            self.acc |= value << self.n;
            self.n += count;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.raw((code >> i) & 1, 1);
            }
        }
    }
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    bits.raw(1, 1); // BFINAL
    bits.raw(1, 2); // fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..copies {
        bits.code(0xc5, 8); // length 258 (code 285)
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    if bits.n > 0 {
        bits.raw(0, 8 - bits.n);
    }
    let total = copies as u64 * 258 + 1;
    let adler = ((total % 65521) << 16) | 1;
    bits.out.extend_from_slice(&(adler as u32).to_be_bytes());
    bits.out
}

#[test]
fn oversized_lst_is_refused() {
    let mut world = World::new();
    // An honest list just past the limit: decoding refuses it.
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&vec![0u8; MAX_LIST_BYTES + 1]).unwrap();
    let over = EncodedStatusList {
        bits: StatusBits::Eight,
        lst: encoder.finish().unwrap(),
    };
    assert_eq!(over.decode().unwrap_err().code(), "status_list_too_large");
    // An index whose byte lies past the limit (it exists: the list has one
    // byte more) is refused before inflating.
    let far = world.licence(Some(
        StatusListReference::new(MAX_LIST_BYTES as u64, URI).unwrap(),
    ));
    assert_eq!(
        world.check(&far, Some(&token_with_list(&world, over.clone()))),
        Err("status_list_too_large")
    );
    // An entry inside the limit is read.
    let near = world.licence(Some(
        StatusListReference::new(MAX_LIST_BYTES as u64 - 1, URI).unwrap(),
    ));
    assert_eq!(
        world.check(&near, Some(&token_with_list(&world, over))),
        Ok(StatusOutcome::Valid)
    );
    // Building a list past the limit is refused too.
    assert_eq!(
        ManagedStatusList::new(URI, StatusBits::Eight, MAX_LIST_BYTES as u64 + 1)
            .unwrap_err()
            .code(),
        "status_list_too_large"
    );
}

#[test]
fn zip_bomb_is_refused_not_inflated() {
    let mut world = World::new();
    // About 1.7 MB that inflate to 256 MiB.
    let bomb = EncodedStatusList {
        bits: StatusBits::Two,
        lst: zip_bomb(1 << 20),
    };
    assert!(bomb.lst.len() < 2 << 20);
    let started = std::time::Instant::now();
    assert_eq!(bomb.decode().unwrap_err().code(), "status_list_too_large");
    // A document deep in the "list": refused without inflating anything.
    let deep = world.licence(Some(StatusListReference::new(200_000_000, URI).unwrap()));
    let token = token_with_list(&world, bomb);
    assert_eq!(
        world.check(&deep, Some(&token)),
        Err("status_list_too_large")
    );
    // A document near the start: only the bytes up to its entry are inflated.
    let (near, _) = world.referenced_licence();
    assert_eq!(world.check(&near, Some(&token)), Ok(StatusOutcome::Valid));
    eprintln!("zip bomb handled in {:?}", started.elapsed());
}

#[test]
fn unsupported_status_mechanisms_fail_closed() {
    let world = World::new();
    let mut rng = rng(12);
    let document = Issuer::new(&world.ua.ds_key, &world.ua.ds_certificate)
        .unwrap()
        .issue_document(
            &samples::driving_licence_ua(),
            &world.device,
            &ValidityInfo::new(
                datetime!(2026-11-01 0:00 UTC),
                datetime!(2027-11-01 0:00 UTC),
            ),
            &mut rng,
        )
        .unwrap();
    // Re-sign the same MSO with only an identifier_list status.
    let mut mso = document.mso_unverified().unwrap();
    mso.status = Some(StatusReference {
        status_list: None,
        other: vec![(
            Value::Text("identifier_list".into()),
            cbor::text_map([
                ("id", Value::Bytes(vec![1])),
                ("uri", Value::Text(URI.into())),
            ]),
        )],
    });
    let (wrapped, _) = cbor::tag24_of(&mso.to_value().unwrap()).unwrap();
    let issuer_auth = sign1(
        &world.ua.ds_key,
        &cbor::encode(&wrapped).unwrap(),
        &Sign1Options {
            x5chain: vec![world.ua.ds_certificate.der().to_vec()],
            ..Sign1Options::default()
        },
    )
    .unwrap();
    let resigned = IssuerSigned::new(document.name_spaces().to_vec(), issuer_auth);
    assert_eq!(
        world.check(&resigned, None),
        Err("status_mechanism_unsupported")
    );
    let lenient = world
        .verifier
        .clone()
        .with_status_policy(StatusPolicy::fail_closed().allow_missing_token(true));
    assert_eq!(
        lenient
            .verify(&resigned, &VerifyOptions::at(NOW))
            .unwrap()
            .status(),
        StatusOutcome::NotChecked
    );
}

#[test]
fn presented_documents_are_checked_against_their_token() {
    use docbridge::{DeviceRequest, ItemsRequest, ReaderCheck, StatusTokens, present, transcript};
    let mut world = World::new();
    let (valid, _) = world.referenced_licence();
    let (revoked, revoked_ref) = world.referenced_licence();
    world
        .list
        .set(revoked_ref.idx, StatusValue::Invalid)
        .unwrap();
    let token = world.token();
    let session = transcript::backend_nonce("mObywatel backend", &[5; 16]).unwrap();
    let request = DeviceRequest::build(
        &[ItemsRequest::new(DrivingLicence::DOC_TYPE).element(
            DrivingLicence::NAMESPACE,
            "family_name",
            false,
        )],
        None,
        &session,
    )
    .unwrap();
    let respond = |stored: IssuerSigned| {
        present(
            &[stored],
            &request,
            &session,
            &world.device_key,
            ReaderCheck::Skip,
            NOW,
        )
        .unwrap()
        .response
        .to_vec()
        .unwrap()
    };
    let tokens: StatusTokens = [(URI.to_string(), token.clone())].into();
    let check = |response: &[u8], tokens: &StatusTokens| {
        world
            .verifier
            .verify_response(
                response,
                &VerifyOptions::at(NOW)
                    .transcript(&session)
                    .status_tokens(tokens),
            )
            .unwrap()
            .into_first()
            .map(|d| (d.status(), d.holder_bound()))
            .map_err(|e| e.code())
    };

    let valid_response = respond(valid);
    assert_eq!(
        check(&valid_response, &tokens),
        Ok((StatusOutcome::Valid, true))
    );
    // No token for the referenced list: fail closed.
    assert_eq!(
        check(&valid_response, &StatusTokens::new()),
        Err("status_token_missing")
    );
    assert_eq!(check(&respond(revoked), &tokens), Err("revoked"));
}

#[test]
fn an_index_no_document_was_given_cannot_be_set() {
    let mut list = ManagedStatusList::new_any_size(URI, StatusBits::Two, 100).unwrap();
    let reference = list.allocate(&mut rng(5)).unwrap();
    let unused = (reference.idx + 1) % 100;
    assert_eq!(
        list.set(unused, StatusValue::Invalid).map_err(|e| e.code()),
        Err("invalid_argument")
    );
    list.set(reference.idx, StatusValue::Invalid).unwrap();
    assert_eq!(list.get(reference.idx).unwrap(), StatusValue::Invalid);
    assert_eq!(list.get(unused).unwrap(), StatusValue::Valid);
}

#[test]
fn a_list_below_the_herd_privacy_minimum_needs_an_explicit_override() {
    use docbridge::status::MIN_LIST_SIZE;
    assert_eq!(MIN_LIST_SIZE, 16_384);
    for size in [1, 64, MIN_LIST_SIZE - 1] {
        assert_eq!(
            ManagedStatusList::new(URI, StatusBits::Two, size)
                .map(|_| ())
                .map_err(|e| e.code()),
            Err("invalid_argument"),
            "{size}"
        );
        let small = ManagedStatusList::new_any_size(URI, StatusBits::Two, size).unwrap();
        assert_eq!(small.list().len(), size);
    }
    let list = ManagedStatusList::new(URI, StatusBits::Two, MIN_LIST_SIZE).unwrap();
    assert_eq!(list.list().len(), MIN_LIST_SIZE);
    // Lists already kept are read whatever their size.
    let small = ManagedStatusList::new_any_size(URI, StatusBits::One, 8).unwrap();
    assert_eq!(
        ManagedStatusList::from_json(&small.to_json().unwrap()).unwrap(),
        small
    );
}
