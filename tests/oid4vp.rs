//! OpenID4VP 1.0 for `mso_mdoc`: the Appendix B.2.6 handovers and
//! transcripts byte for byte, RFC 7638 thumbprints, and a real OpenID4VP
//! 1.0 DeviceResponse from another wallet whose device signature verifies
//! over the rebuilt transcript. Needs the shared vectors in
//! `../shared/vectors/external` (CI provides them).

#[path = "common/external.rs"]
mod external;

use docbridge::DeviceResponse;
use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::device_response::DeviceAuth;
use docbridge::oid4vp::handover::{self, OPENID4VP_DC_API_HANDOVER, OPENID4VP_HANDOVER};
use docbridge::oid4vp::{EcJwk, jwk};
use serde_json::Value as Json;

const EXTERNAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/vectors/external");
const OPENID4VP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/openid4vp"
);
const JOSE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/jose"
);

fn file(relative: &str) -> Vec<u8> {
    let path = format!("{EXTERNAL}/{relative}");
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("shared vectors required: cannot read {path} ({e}); CI provides ../shared")
    })
}

fn hex_file(relative: &str) -> Vec<u8> {
    hex::decode(String::from_utf8(file(relative)).unwrap().trim()).unwrap()
}

fn json_file(relative: &str) -> Json {
    serde_json::from_slice(&file(relative)).unwrap()
}

fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e.code(),
    }
}

const CLIENT_ID: &str = "x509_san_dns:example.com";
const NONCE: &str = "exc7gBkxjx1rdc9udRrveKvSsJIq80avlXeLHhGwqtA";
const RESPONSE_URI: &str = "https://example.com/response";
const ORIGIN: &str = "https://example.com";

fn example_thumbprint() -> [u8; 32] {
    let jwk = json_file("openid4vp/oid4vp10_handover_jwk.json");
    let thumbprint = jwk::thumbprint(jwk.as_object().unwrap()).unwrap();
    assert_eq!(
        hex::encode(thumbprint),
        "4283ec927ae0f208daaa2d026a814f2b22dca52cf85ffa8f3f8626c6bd669047"
    );
    // Read as a key and written back, the thumbprint is the same.
    let key = EcJwk::from_json(jwk.as_object().unwrap()).unwrap();
    assert_eq!(key.kid.as_deref(), Some("1"));
    assert_eq!(key.thumbprint().unwrap(), thumbprint);
    thumbprint
}

#[test]
fn rfc7638_thumbprints() {
    if !external::available(JOSE) {
        return;
    }
    if !external::available(OPENID4VP) {
        return;
    }
    let vector = json_file("jose/rfc7638_3_1_thumbprint.json");
    let thumbprint = jwk::thumbprint(vector["jwk"].as_object().unwrap()).unwrap();
    assert_eq!(
        hex::encode(thumbprint),
        vector["sha256_hex"].as_str().unwrap()
    );
    example_thumbprint();
    let mut missing = vector["jwk"].as_object().unwrap().clone();
    missing.remove("e");
    assert_eq!(code(jwk::thumbprint(&missing)), "invalid_key");
}

#[test]
fn openid4vp_10_redirect_handover_is_byte_exact() {
    if !external::available(OPENID4VP) {
        return;
    }
    let thumbprint = example_thumbprint();
    let info = handover::handover_info(CLIENT_ID, NONCE, Some(&thumbprint), RESPONSE_URI).unwrap();
    assert_eq!(
        info,
        hex_file("openid4vp/oid4vp10_handover_info_redirect.hex")
    );
    let transcript = handover::session_transcript(OPENID4VP_HANDOVER, &info).unwrap();
    assert_eq!(
        transcript,
        hex_file("openid4vp/oid4vp10_session_transcript_redirect.hex")
    );
    let items = cbor::decode(&transcript).unwrap();
    assert_eq!(
        cbor::encode(&cbor::as_array(&items, "t").unwrap()[2]).unwrap(),
        hex_file("openid4vp/oid4vp10_handover_redirect.hex")
    );
    let bytes =
        handover::session_transcript_bytes(CLIENT_ID, NONCE, Some(&thumbprint), RESPONSE_URI)
            .unwrap();
    assert_eq!(bytes, cbor::encode(&cbor::tag24(transcript)).unwrap());
}

#[test]
fn openid4vp_10_dc_api_handover_is_byte_exact() {
    if !external::available(OPENID4VP) {
        return;
    }
    let thumbprint = example_thumbprint();
    let info = handover::dc_api_handover_info(ORIGIN, NONCE, Some(&thumbprint)).unwrap();
    assert_eq!(info, hex_file("openid4vp/oid4vp10_handover_info_dcapi.hex"));
    let transcript = handover::session_transcript(OPENID4VP_DC_API_HANDOVER, &info).unwrap();
    assert_eq!(
        transcript,
        hex_file("openid4vp/oid4vp10_session_transcript_dcapi.hex")
    );
    let items = cbor::decode(&transcript).unwrap();
    assert_eq!(
        cbor::encode(&cbor::as_array(&items, "t").unwrap()[2]).unwrap(),
        hex_file("openid4vp/oid4vp10_handover_dcapi.hex")
    );
    assert_eq!(
        handover::dc_api_session_transcript_bytes(ORIGIN, NONCE, Some(&thumbprint)).unwrap(),
        cbor::encode(&cbor::tag24(transcript)).unwrap()
    );
}

/// The MSO's P-256 device key, read from its x and y.
fn p256_device_key(mso: &[u8]) -> docbridge::PublicKey {
    let mso = cbor::decode(mso).unwrap();
    let info = cbor::map_get(cbor::as_map(&mso, "mso").unwrap(), "deviceKeyInfo").unwrap();
    let key = cbor::map_get(cbor::as_map(info, "info").unwrap(), "deviceKey").unwrap();
    let coordinate = |label: i64| {
        cbor::as_map(key, "key")
            .unwrap()
            .iter()
            .find(|(k, _)| *k == Value::Integer(label.into()))
            .map(|(_, v)| cbor::as_bytes(v, "c").unwrap().to_vec())
            .unwrap()
    };
    let mut sec1 = vec![0x04];
    sec1.extend(coordinate(-2));
    sec1.extend(coordinate(-3));
    docbridge::PublicKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap())
}

/// DeviceAuthenticationBytes over `transcript` for the document.
fn device_authentication(transcript: &[u8], doc_type: &str, name_spaces: &[u8]) -> Vec<u8> {
    let value = Value::Array(vec![
        Value::Text("DeviceAuthentication".into()),
        cbor::decode(transcript).unwrap(),
        Value::Text(doc_type.into()),
        cbor::tag24(name_spaces.to_vec()),
    ]);
    cbor::encode(&cbor::tag24(cbor::encode(&value).unwrap())).unwrap()
}

#[test]
fn a_real_openid4vp_10_response_verifies_over_the_rebuilt_transcript() {
    if !external::available(OPENID4VP) {
        return;
    }
    let client_id = "x509_san_dns:playground.animo.id";
    let nonce = "LMGPB6k--THpBUSkEBvLxmdMIi3Ee1fjHXXUUzBVa04";
    let response_uri = "https://playground.animo.id/oid4vp/8caaebcc-d48c-471b-86b0-a534e15c4774/authorize?session=6c115dbc-1364-4e9f-a325-173eeec01a5a";
    let thumbprint: [u8; 32] =
        hex::decode("61a29f269176244d397cae26f7f80ab196bffcb65fe3052b540c78073dab7c1e")
            .unwrap()
            .try_into()
            .unwrap();
    let info = handover::handover_info(client_id, nonce, Some(&thumbprint), response_uri).unwrap();
    assert_eq!(
        info,
        file("openid4vp/mdocts_animo-mdoc-05_handover_info.cbor")
    );
    let transcript = handover::session_transcript(OPENID4VP_HANDOVER, &info).unwrap();
    assert_eq!(
        transcript,
        file("openid4vp/mdocts_animo-mdoc-05_session_transcript.cbor")
    );

    let response =
        DeviceResponse::from_slice(&file("openid4vp/mdocts_animo-mdoc-05_device_response.cbor"))
            .unwrap();
    let [document] = response.documents.as_slice() else {
        panic!("one document expected");
    };
    assert_eq!(document.doc_type(), "eu.europa.ec.eudi.pid.1");
    let DeviceAuth::Signature(signature) = document.device_signed().device_auth() else {
        panic!("deviceSignature expected");
    };
    // This wallet's MSO gives its device key a text `kid` (RFC 9052 wants a
    // byte string); the crate never reads a key's kid and ignores it, so
    // the MSO reads, with the device key the test reads by hand from x and y.
    let mso = document.issuer_signed().mso_unverified().unwrap();
    let device_key = mso.device_key_info.device_key;
    assert_eq!(
        device_key,
        p256_device_key(&document.issuer_signed().mso_bytes().unwrap())
    );
    let name_spaces = document.device_signed().name_spaces_bytes();
    // The issuer is another ecosystem's test PKI (outside the Annex B
    // profile, a doc type this crate does not model); only the holder
    // binding is checked here.
    let auth = device_authentication(&transcript, document.doc_type(), name_spaces);
    signature.verify_detached(&device_key, &auth, b"").unwrap();
    // Without the thumbprint, or with another nonce, it does not verify.
    for (thumb, nonce) in [
        (None, nonce),
        (
            Some(&thumbprint),
            "another-nonce-of-43-characters-0000000000",
        ),
    ] {
        let info = handover::handover_info(client_id, nonce, thumb, response_uri).unwrap();
        let other = handover::session_transcript(OPENID4VP_HANDOVER, &info).unwrap();
        let auth = device_authentication(&other, document.doc_type(), name_spaces);
        assert!(signature.verify_detached(&device_key, &auth, b"").is_err());
    }
}

mod jwe_tests {
    use super::code;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use docbridge::oid4vp::EcJwk;
    use docbridge::oid4vp::jwe::{self, ContentEncryption};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn keys(seed: u64) -> (p256::SecretKey, EcJwk) {
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let secret = docbridge::session::generate_ephemeral_key(&mut rng)
            .secret_key()
            .clone();
        let jwk = EcJwk::new(secret.public_key(), Some("verifier-1".into()));
        (secret, jwk)
    }

    /// The compact JWE with its header replaced by `header` (JSON text).
    fn with_header(compact: &str, header: &str) -> String {
        let rest = compact.split_once('.').unwrap().1;
        format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header))
    }

    fn header_of(compact: &str) -> serde_json::Value {
        let first = compact.split('.').next().unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(first).unwrap()).unwrap()
    }

    #[test]
    fn round_trips_with_both_encryptions() {
        let (secret, jwk) = keys(1);
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        for enc in [ContentEncryption::A128Gcm, ContentEncryption::A256Gcm] {
            let compact = jwe::encrypt(&jwk, enc, b"vp_token response", &mut rng).unwrap();
            let header = header_of(&compact);
            assert_eq!(header["alg"], "ECDH-ES");
            assert_eq!(header["enc"], enc.name());
            assert_eq!(header["kid"], "verifier-1");
            assert_eq!(compact.split('.').nth(1), Some(""));
            assert_eq!(
                jwe::decrypt(&compact, &secret, Some("verifier-1")).unwrap(),
                b"vp_token response"
            );
            assert_eq!(
                jwe::decrypt(&compact, &secret, None).unwrap(),
                b"vp_token response"
            );
        }
    }

    #[test]
    fn refusals() {
        let (secret, jwk) = keys(3);
        let (other_secret, other_jwk) = keys(4);
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let compact = jwe::encrypt(&jwk, ContentEncryption::A128Gcm, b"x", &mut rng).unwrap();
        // Encrypted to the verifier's key but opened with another.
        assert_eq!(
            code(jwe::decrypt(&compact, &other_secret, None)),
            "response_decryption_failed"
        );
        // Encrypted to another key the header names.
        let mut renamed = other_jwk.clone();
        renamed.kid = Some("someone-else".into());
        let elsewhere = jwe::encrypt(&renamed, ContentEncryption::A128Gcm, b"x", &mut rng).unwrap();
        assert_eq!(
            code(jwe::decrypt(&elsewhere, &secret, Some("verifier-1"))),
            "jwe_wrong_key"
        );
        // A header edited after encryption no longer opens (it is the AAD).
        let mut header = header_of(&compact);
        header["apv"] = "Qm9i".into();
        assert_eq!(
            code(jwe::decrypt(
                &with_header(&compact, &header.to_string()),
                &secret,
                None
            )),
            "response_decryption_failed"
        );
        for (edit, expected) in [
            (
                ("alg", serde_json::json!("ECDH-ES+A128KW")),
                "unsupported_algorithm",
            ),
            (
                ("enc", serde_json::json!("A128CBC-HS256")),
                "unsupported_algorithm",
            ),
            (("zip", serde_json::json!("DEF")), "unsupported_algorithm"),
            (
                ("crit", serde_json::json!(["exp"])),
                "unknown_critical_header",
            ),
            (
                (
                    "epk",
                    serde_json::json!({"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"}),
                ),
                "invalid_key",
            ),
            (("epk", serde_json::json!("none")), "oid4vp_malformed"),
            (("apu", serde_json::json!(5)), "oid4vp_malformed"),
        ] {
            let mut header = header_of(&compact);
            header[edit.0] = edit.1;
            assert_eq!(
                code(jwe::decrypt(
                    &with_header(&compact, &header.to_string()),
                    &secret,
                    None
                )),
                expected,
                "{}",
                edit.0
            );
        }
        let parts: Vec<&str> = compact.split('.').collect();
        for broken in [
            parts[..4].join("."),
            format!("{compact}.x"),
            format!("{}.AAAA.{}.{}.{}", parts[0], parts[2], parts[3], parts[4]),
            format!("{}..AAAA.{}.{}", parts[0], parts[3], parts[4]),
            format!("{}..{}.{}.AAAA", parts[0], parts[2], parts[3]),
            format!("!!..{}.{}.{}", parts[2], parts[3], parts[4]),
            with_header(&compact, "[1]"),
        ] {
            assert_eq!(
                code(jwe::decrypt(&broken, &secret, None)),
                "oid4vp_malformed",
                "{broken}"
            );
        }
    }
}
