//! JWE for OpenID4VP encrypted responses (`direct_post.jwt`, `dc_api.jwt`):
//! compact serialization, `alg` ECDH-ES (direct key agreement, RFC 7518
//! section 4.6) on P-256, `enc` A128GCM or A256GCM.
//!
//! Built from RustCrypto primitives already in the crate (`p256` ECDH,
//! `sha2`, `aes-gcm`): no maintained pure-Rust JOSE crate does JWE on this
//! RustCrypto generation (`josekit` needs OpenSSL, the RustCrypto `jose-*`
//! crates have no JWE, others sit on `ring` or older curve crates). The
//! Concat KDF is written here because the RustCrypto `concat-kdf` crate is
//! still on the previous `digest` generation, and for keys of at most 256
//! bits it is a single SHA-256.
//!
//! ```text
//! BASE64URL(header) . "" (no encrypted key) . BASE64URL(iv) . BASE64URL(ciphertext) . BASE64URL(tag)
//! key = ConcatKDF-SHA-256(Z = ECDH(epk, recipient), AlgorithmID = enc, apu, apv, keydatalen)
//! AAD = ASCII(BASE64URL(header))
//! ```
//!
//! Refusals: `oid4vp_malformed` (not five parts, bad base64url or JSON, an
//! encrypted key, wrong IV or tag length), `unsupported_algorithm` (another
//! `alg` or `enc`, or `zip`), `unknown_critical_header` (`crit`),
//! `jwe_wrong_key` (the header's `kid` names another key),
//! `invalid_key` (`epk` not a P-256 point), `response_decryption_failed`
//! (it does not open).

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::Generate as _;
use rand_core::CryptoRng;
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::jwk::EcJwk;
use crate::cbor::Limits;
use crate::error::{Error, Result};

/// The content encryption of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentEncryption {
    /// AES-128-GCM, OpenID4VP's default.
    A128Gcm,
    /// AES-256-GCM.
    A256Gcm,
}

impl ContentEncryption {
    /// The `enc` name.
    pub fn name(self) -> &'static str {
        match self {
            ContentEncryption::A128Gcm => "A128GCM",
            ContentEncryption::A256Gcm => "A256GCM",
        }
    }

    /// The encryption named `enc` (`unsupported_algorithm` for others).
    pub fn from_name(name: &str) -> Result<ContentEncryption> {
        match name {
            "A128GCM" => Ok(ContentEncryption::A128Gcm),
            "A256GCM" => Ok(ContentEncryption::A256Gcm),
            other => Err(Error::UnsupportedAlgorithm(format!(
                "JWE enc {:?}",
                other.chars().take(20).collect::<String>()
            ))),
        }
    }

    fn key_len(self) -> usize {
        match self {
            ContentEncryption::A128Gcm => 16,
            ContentEncryption::A256Gcm => 32,
        }
    }
}

/// The Concat KDF of RFC 7518 section 4.6.2 with SHA-256, for keys of at
/// most 32 bytes (one round): SHA-256(00000001 || Z || AlgorithmID ||
/// PartyUInfo || PartyVInfo || SuppPubInfo), each info length-prefixed.
pub fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    if key_len > 32 {
        return Err(Error::InvalidArgument(
            "Concat KDF here derives at most 32 bytes".into(),
        ));
    }
    let prefixed = |data: &[u8]| -> Result<Vec<u8>> {
        let len = u32::try_from(data.len())
            .map_err(|_| Error::InvalidArgument("Concat KDF input over 4 GiB".into()))?;
        let mut out = len.to_be_bytes().to_vec();
        out.extend_from_slice(data);
        Ok(out)
    };
    let bits = u32::try_from(key_len.saturating_mul(8))
        .map_err(|_| Error::InvalidArgument("key length".into()))?;
    let mut hash = Sha256::new();
    hash.update(1u32.to_be_bytes());
    hash.update(z);
    hash.update(prefixed(algorithm_id.as_bytes())?);
    hash.update(prefixed(apu)?);
    hash.update(prefixed(apv)?);
    hash.update(bits.to_be_bytes());
    let digest = hash.finalize();
    Ok(Zeroizing::new(
        digest.get(..key_len).unwrap_or_default().to_vec(),
    ))
}

/// Encrypts `plaintext` to the verifier's key with a fresh ephemeral key
/// from `rng`; the header carries `kid` when the key has one.
pub fn encrypt<R: CryptoRng + ?Sized>(
    recipient: &EcJwk,
    enc: ContentEncryption,
    plaintext: &[u8],
    rng: &mut R,
) -> Result<String> {
    let ephemeral = p256::SecretKey::generate_from_rng(rng);
    let z = ephemeral.diffie_hellman(&recipient.key);
    let cek = concat_kdf(z.raw_secret_bytes(), enc.name(), b"", b"", enc.key_len())?;
    let mut epk = EcJwk::new(ephemeral.public_key(), None).to_json();
    epk.remove("use");
    epk.remove("alg");
    let mut header = Map::new();
    header.insert("alg".into(), Json::String("ECDH-ES".into()));
    header.insert("enc".into(), Json::String(enc.name().into()));
    header.insert("epk".into(), Json::Object(epk));
    if let Some(kid) = &recipient.kid {
        header.insert("kid".into(), Json::String(kid.clone()));
    }
    let protected = URL_SAFE_NO_PAD.encode(Json::Object(header).to_string());
    let mut iv = [0u8; 12];
    rng.fill_bytes(&mut iv);
    let sealed = seal_content(enc, &cek, &iv, &protected, plaintext)?;
    Ok(compact(&protected, &iv, &sealed))
}

fn compact(protected: &str, iv: &[u8], sealed: &[u8]) -> String {
    let split = sealed.len().saturating_sub(16);
    let (ciphertext, tag) = sealed.split_at(split);
    format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// AES-GCM with the protected header's base64url text as AAD; returns
/// ciphertext || tag.
fn seal_content(
    enc: ContentEncryption,
    cek: &[u8],
    iv: &[u8; 12],
    protected: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>> {
    let payload = Payload {
        msg: plaintext,
        aad: protected.as_bytes(),
    };
    let nonce = (*iv).into();
    let bad_key = || Error::InvalidArgument("content key length".into());
    let sealed = match enc {
        ContentEncryption::A128Gcm => Aes128Gcm::new_from_slice(cek)
            .map_err(|_| bad_key())?
            .encrypt(&nonce, payload),
        ContentEncryption::A256Gcm => Aes256Gcm::new_from_slice(cek)
            .map_err(|_| bad_key())?
            .encrypt(&nonce, payload),
    };
    sealed.map_err(|_| Error::InvalidArgument("plaintext too long for AES-GCM".into()))
}

/// The parts of a compact JWE.
struct Parts<'a> {
    protected: &'a str,
    header: Map<String, Json>,
    encrypted_key: Vec<u8>,
    iv: [u8; 12],
    /// ciphertext || tag
    sealed: Vec<u8>,
}

fn malformed(what: &str) -> Error {
    Error::Oid4vpMalformed(format!("JWE: {what}"))
}

fn parse(compact: &str) -> Result<Parts<'_>> {
    if compact.len().saturating_mul(3) / 4 > Limits::default().max_input_len {
        return Err(malformed("longer than any response"));
    }
    let mut parts = compact.split('.');
    let mut next = || parts.next().ok_or_else(|| malformed("not five parts"));
    let (protected, key, iv, ciphertext, tag) = (next()?, next()?, next()?, next()?, next()?);
    if parts.next().is_some() {
        return Err(malformed("more than five parts"));
    }
    let decode = |text: &str, what: &str| {
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| malformed(&format!("{what} is not base64url")))
    };
    let header: Json = serde_json::from_slice(&decode(protected, "header")?)
        .map_err(|_| malformed("header is not JSON"))?;
    let Json::Object(header) = header else {
        return Err(malformed("header is not a JSON object"));
    };
    let iv: [u8; 12] = decode(iv, "iv")?
        .try_into()
        .map_err(|_| malformed("iv is not 12 bytes"))?;
    let tag = decode(tag, "tag")?;
    if tag.len() != 16 {
        return Err(malformed("tag is not 16 bytes"));
    }
    let mut sealed = decode(ciphertext, "ciphertext")?;
    sealed.extend(tag);
    Ok(Parts {
        protected,
        header,
        encrypted_key: decode(key, "encrypted key")?,
        iv,
        sealed,
    })
}

fn open_content(enc: ContentEncryption, cek: &[u8], parts: &Parts<'_>) -> Result<Vec<u8>> {
    let payload = Payload {
        msg: &parts.sealed,
        aad: parts.protected.as_bytes(),
    };
    let nonce = parts.iv.into();
    let bad_key = || Error::InvalidArgument("content key length".into());
    let opened = match enc {
        ContentEncryption::A128Gcm => Aes128Gcm::new_from_slice(cek)
            .map_err(|_| bad_key())?
            .decrypt(&nonce, payload),
        ContentEncryption::A256Gcm => Aes256Gcm::new_from_slice(cek)
            .map_err(|_| bad_key())?
            .decrypt(&nonce, payload),
    };
    opened.map_err(|_| {
        Error::ResponseDecryptionFailed(
            "the JWE does not open with the verifier's key (another key, or altered)".into(),
        )
    })
}

/// Decrypts a compact JWE with the verifier's private key. When
/// `recipient_kid` is given and the header names a `kid`, they must agree
/// (`jwe_wrong_key`): the wallet encrypted to another of the verifier's
/// keys, or to someone else's.
pub fn decrypt(
    compact: &str,
    recipient: &p256::SecretKey,
    recipient_kid: Option<&str>,
) -> Result<Vec<u8>> {
    let parts = parse(compact)?;
    let text = |name: &str| parts.header.get(name).and_then(Json::as_str);
    if parts.header.contains_key("crit") {
        return Err(Error::UnknownCriticalHeader("JWE crit".into()));
    }
    if parts.header.contains_key("zip") {
        return Err(Error::UnsupportedAlgorithm("JWE zip".into()));
    }
    if text("alg") != Some("ECDH-ES") {
        return Err(Error::UnsupportedAlgorithm("JWE alg is not ECDH-ES".into()));
    }
    let enc = ContentEncryption::from_name(text("enc").unwrap_or_default())?;
    if !parts.encrypted_key.is_empty() {
        return Err(malformed("ECDH-ES has no encrypted key"));
    }
    if let (Some(expected), Some(named)) = (recipient_kid, text("kid"))
        && expected != named
    {
        return Err(Error::JweWrongKey(format!(
            "the JWE is for key {:?}",
            named.chars().take(40).collect::<String>()
        )));
    }
    let epk = match parts.header.get("epk") {
        Some(Json::Object(epk)) => EcJwk::from_json(epk)?,
        _ => return Err(malformed("no epk")),
    };
    let party = |name: &str| -> Result<Vec<u8>> {
        match parts.header.get(name) {
            None => Ok(Vec::new()),
            Some(Json::String(text)) => URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|_| malformed(&format!("{name} is not base64url"))),
            Some(_) => Err(malformed(&format!("{name} is not a string"))),
        }
    };
    let z = recipient.diffie_hellman(&epk.key);
    let cek = concat_kdf(
        z.raw_secret_bytes(),
        enc.name(),
        &party("apu")?,
        &party("apv")?,
        enc.key_len(),
    )?;
    open_content(enc, &cek, &parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOSE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/vectors/external/jose"
    );

    /// The shared vectors are outside the crate: skip where they are
    /// absent, unless CI requires them (as `tests/common/external.rs`).
    fn available(dir: &str) -> bool {
        if std::path::Path::new(dir).is_dir() {
            return true;
        }
        assert_ne!(
            std::env::var("DOCBRIDGE_REQUIRE_EXTERNAL_VECTORS").as_deref(),
            Ok("1"),
            "the external vectors are required but {dir} is absent"
        );
        false
    }

    fn jose(name: &str) -> Json {
        let path = format!("{JOSE}/{name}");
        let text = std::fs::read_to_string(&path)
            .expect("shared vectors required (CI provides ../shared)");
        serde_json::from_str(&text).unwrap()
    }

    fn b64(v: &Json) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(v.as_str().unwrap()).unwrap()
    }

    fn secret(jwk: &Json) -> p256::SecretKey {
        p256::SecretKey::from_slice(&b64(&jwk["d"])).unwrap()
    }

    #[test]
    fn rfc7518_appendix_c_key_agreement_and_concat_kdf() {
        if !available(JOSE) {
            return;
        }
        let v = jose("rfc7518_appendix_c_ecdh_es.json");
        let alice = secret(&v["alice_ephemeral"]);
        let bob = secret(&v["bob_static"]);
        let alice_public = EcJwk::from_json(v["alice_ephemeral"].as_object().unwrap()).unwrap();
        assert_eq!(alice_public.key, alice.public_key());
        // Z is the same in both directions.
        let z = bob.diffie_hellman(&alice.public_key());
        assert_eq!(
            z.raw_secret_bytes().as_slice(),
            alice
                .diffie_hellman(&bob.public_key())
                .raw_secret_bytes()
                .as_slice()
        );
        let key = concat_kdf(
            z.raw_secret_bytes(),
            v["enc"].as_str().unwrap(),
            &b64(&v["apu"]),
            &b64(&v["apv"]),
            16,
        )
        .unwrap();
        assert_eq!(
            hex::encode(key.as_slice()),
            v["derived_key_hex"].as_str().unwrap()
        );
    }

    #[test]
    fn rfc7520_5_6_content_layer_seals_and_opens_exactly() {
        if !available(JOSE) {
            return;
        }
        let v = jose("cookbook_5_6.direct_encryption_using_aes-gcm.json");
        let cek = b64(&v["input"]["key"]["k"]);
        let compact_text = v["output"]["compact"].as_str().unwrap();
        let parts = parse(compact_text).unwrap();
        let plaintext = v["input"]["plaintext"].as_str().unwrap().as_bytes();
        assert_eq!(
            open_content(ContentEncryption::A128Gcm, &cek, &parts).unwrap(),
            plaintext
        );
        let iv: [u8; 12] = b64(&v["generated"]["iv"]).try_into().unwrap();
        let protected = v["encrypting_content"]["protected_b64u"].as_str().unwrap();
        let sealed =
            seal_content(ContentEncryption::A128Gcm, &cek, &iv, protected, plaintext).unwrap();
        assert_eq!(compact(protected, &iv, &sealed), compact_text);
        // The AAD is the header text: another header does not open.
        let mut other = parse(compact_text).unwrap();
        other.protected = "eyJhbGciOiJkaXIifQ";
        assert_eq!(
            open_content(ContentEncryption::A128Gcm, &cek, &other).map_err(|e| e.code()),
            Err("response_decryption_failed")
        );
    }
}
