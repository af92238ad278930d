//! Algorithms, keys and COSE_Sign1 (RFC 9052 / RFC 9053).
//!
//! Three algorithms are supported, for Document Signer keys, device keys and
//! trust-list keys alike: EdDSA with Ed25519, ES256 (P-256) and ES384 (P-384).
//! Every signature goes through [`PublicKey::verify`], so the checks (strict
//! Ed25519, exact signature lengths, algorithm-to-key fit) live in one place.
//!
//! Private keys live behind the [`Signer`] trait so that a production issuer
//! can keep its Document Signer key in an HSM or a cloud KMS; [`SoftwareKey`]
//! is the in-memory implementation.

use ciborium::value::Value;
use coset::{
    AsCborValue, CborSerializable as _, CoseKey, CoseSign1, HeaderBuilder, KeyType, Label,
    RegisteredLabelWithPrivate, iana, iana::EnumI64,
};
use p256::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rand_core::CryptoRng;

use crate::cbor;
use crate::error::{Error, Result, excerpt};

mod structure;
pub(crate) use structure::to_be_authenticated;

/// COSE header label of `x5chain` (RFC 9360).
pub const HEADER_X5CHAIN: i64 = 33;
/// COSE header label of `typ` (RFC 9596).
pub const HEADER_TYP: i64 = 16;
/// CBOR tag of COSE_Sign1_Tagged.
pub const TAG_COSE_SIGN1: u64 = 18;

/// A signature algorithm the crate supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// EdDSA with Ed25519 (COSE -8).
    EdDsa,
    /// ECDSA with P-256 and SHA-256 (COSE -7).
    Es256,
    /// ECDSA with P-384 and SHA-384 (COSE -35).
    Es384,
}

impl Algorithm {
    /// All supported algorithms.
    pub const ALL: [Algorithm; 3] = [Algorithm::EdDsa, Algorithm::Es256, Algorithm::Es384];

    /// The COSE algorithm identifier.
    pub fn cose_id(self) -> i64 {
        self.iana().to_i64()
    }

    fn iana(self) -> iana::Algorithm {
        match self {
            Algorithm::EdDsa => iana::Algorithm::EdDSA,
            Algorithm::Es256 => iana::Algorithm::ES256,
            Algorithm::Es384 => iana::Algorithm::ES384,
        }
    }

    /// The algorithm for a COSE identifier, if supported.
    pub fn from_cose_id(id: i64) -> Result<Algorithm> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.cose_id() == id)
            .ok_or_else(|| Error::UnsupportedAlgorithm(format!("COSE algorithm {id}")))
    }

    /// The short name used on the command line and in JSON: `ed25519`, `es256`, `es384`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "ed25519",
            Algorithm::Es256 => "es256",
            Algorithm::Es384 => "es384",
        }
    }

    /// Parses a short name (`ed25519`/`eddsa`, `es256`/`p256`, `es384`/`p384`).
    pub fn from_name(name: &str) -> Result<Algorithm> {
        match name.to_ascii_lowercase().as_str() {
            "ed25519" | "eddsa" => Ok(Algorithm::EdDsa),
            "es256" | "p256" | "p-256" => Ok(Algorithm::Es256),
            "es384" | "p384" | "p-384" => Ok(Algorithm::Es384),
            other => Err(Error::UnsupportedAlgorithm(other.to_string())),
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A public key of one of the supported algorithms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// Ed25519 verifying key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// P-256 verifying key.
    P256(p256::ecdsa::VerifyingKey),
    /// P-384 verifying key.
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// The one algorithm this key verifies.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::EdDsa,
            PublicKey::P256(_) => Algorithm::Es256,
            PublicKey::P384(_) => Algorithm::Es384,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "Ed25519",
            PublicKey::P256(_) => "P-256",
            PublicKey::P384(_) => "P-384",
        }
    }

    /// Verifies `signature` (COSE form: 64 bytes for Ed25519 and ES256, 96 for
    /// ES384, r || s) over `message` under `alg`, which must fit the key.
    ///
    /// Ed25519 uses `verify_strict`, which refuses small-order keys and
    /// non-canonical signatures. The arithmetic is the installed
    /// [`crate::provider`]'s.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        if alg != self.algorithm() {
            return Err(Error::AlgorithmKeyMismatch {
                alg: alg.name().into(),
                key: self.kind().into(),
            });
        }
        crate::provider::get_default().verify(self, message, signature)
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey> {
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKey::Ed25519(k));
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKey::P256(k));
        }
        if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKey::P384(k));
        }
        Err(Error::InvalidKey(
            "not an Ed25519, P-256 or P-384 SubjectPublicKeyInfo".into(),
        ))
    }

    /// Reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
    pub fn from_pem(pem: &str) -> Result<PublicKey> {
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::Ed25519(k));
        }
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::P256(k));
        }
        if let Ok(k) = p384::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::P384(k));
        }
        Err(Error::InvalidKey(
            "not an Ed25519, P-256 or P-384 public key PEM".into(),
        ))
    }

    /// Encodes the key as DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        let doc = match self {
            PublicKey::Ed25519(k) => k.to_public_key_der(),
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
        };
        doc.map(|d| d.as_bytes().to_vec())
            .map_err(|e| Error::InvalidKey(e.to_string()))
    }

    /// Encodes the key as a PEM "PUBLIC KEY".
    pub fn to_pem(&self) -> Result<String> {
        let pem = match self {
            PublicKey::Ed25519(k) => k.to_public_key_pem(LineEnding::LF),
            PublicKey::P256(k) => k.to_public_key_pem(LineEnding::LF),
            PublicKey::P384(k) => k.to_public_key_pem(LineEnding::LF),
        };
        pem.map_err(|e| Error::InvalidKey(e.to_string()))
    }

    /// The key as a COSE_Key (OKP for Ed25519, EC2 with x and y for P-256/P-384).
    pub fn to_cose_key(&self) -> CoseKey {
        match self {
            PublicKey::Ed25519(k) => coset::CoseKeyBuilder::new_okp_key()
                .param(
                    iana::OkpKeyParameter::Crv.to_i64(),
                    Value::from(iana::EllipticCurve::Ed25519.to_i64()),
                )
                .param(
                    iana::OkpKeyParameter::X.to_i64(),
                    Value::Bytes(k.to_bytes().to_vec()),
                )
                .build(),
            PublicKey::P256(k) => ec2_cose_key(iana::EllipticCurve::P_256, &k.to_sec1_bytes()),
            PublicKey::P384(k) => ec2_cose_key(iana::EllipticCurve::P_384, &k.to_sec1_bytes()),
        }
    }

    /// The key as a COSE_Key CBOR value.
    pub fn to_cose_key_value(&self) -> Result<Value> {
        self.to_cose_key()
            .to_cbor_value()
            .map_err(|e| Error::InvalidKey(e.to_string()))
    }

    /// Reads a COSE_Key CBOR value.
    ///
    /// A `kid` (label 2) that is not a byte string is ignored rather than
    /// refused: the crate never reads a key's `kid`, and a deployed
    /// OpenID4VP wallet writes it as text.
    pub fn from_cose_key_value(value: &Value) -> Result<PublicKey> {
        PublicKey::from_owned_cose_key_value(value.clone())
    }

    /// [`PublicKey::from_cose_key_value`] of a value the caller no longer
    /// needs (an MSO's device key, decoded for this), without a copy.
    pub(crate) fn from_owned_cose_key_value(value: Value) -> Result<PublicKey> {
        let key = CoseKey::from_cbor_value(without_unread_key_id(value))
            .map_err(|e| Error::InvalidKey(format!("COSE_Key: {}", describe_cose_error(&e))))?;
        PublicKey::from_cose_key(&key)
    }

    /// Reads a COSE_Key: OKP/Ed25519, or EC2 P-256/P-384 with both coordinates.
    ///
    /// An Ed448 or P-521 key is refused with `unsupported_algorithm` (well
    /// formed, but not a curve of the crate); anything else that is not one
    /// of the supported keys, with `invalid_key`.
    pub fn from_cose_key(key: &CoseKey) -> Result<PublicKey> {
        let param = |label: i64| {
            key.params
                .iter()
                .find(|(l, _)| *l == Label::Int(label))
                .map(|(_, v)| v)
        };
        let int_param = |label: i64| match param(label) {
            Some(Value::Integer(i)) => i64::try_from(*i).ok(),
            _ => None,
        };
        let bytes_param = |label: i64, name: &str| match param(label) {
            Some(Value::Bytes(b)) => Ok(b.as_slice()),
            _ => Err(Error::InvalidKey(format!("COSE_Key: missing {name}"))),
        };
        match &key.kty {
            KeyType::Assigned(iana::KeyType::OKP) => {
                let crv = int_param(iana::OkpKeyParameter::Crv.to_i64());
                // An Ed448 key is well formed, for a signature algorithm the
                // crate does not support: say that, rather than "unreadable"
                // (COSE WG examples eddsa-02 and eddsa-sig-02).
                if crv == Some(iana::EllipticCurve::Ed448.to_i64()) {
                    return Err(Error::UnsupportedAlgorithm(
                        "EdDSA with Ed448 (only Ed25519 is supported)".into(),
                    ));
                }
                if crv != Some(iana::EllipticCurve::Ed25519.to_i64()) {
                    return Err(Error::InvalidKey(
                        "COSE_Key: OKP curve is not Ed25519".into(),
                    ));
                }
                let x = bytes_param(iana::OkpKeyParameter::X.to_i64(), "x")?;
                let x: &[u8; 32] = x
                    .try_into()
                    .map_err(|_| Error::InvalidKey("Ed25519 key must be 32 bytes".into()))?;
                ed25519_dalek::VerifyingKey::from_bytes(x)
                    .map(PublicKey::Ed25519)
                    .map_err(|e| Error::InvalidKey(format!("Ed25519: {e}")))
            }
            KeyType::Assigned(iana::KeyType::EC2) => {
                let crv = int_param(iana::Ec2KeyParameter::Crv.to_i64());
                let x = bytes_param(iana::Ec2KeyParameter::X.to_i64(), "x")?;
                let y = bytes_param(iana::Ec2KeyParameter::Y.to_i64(), "y")?;
                let mut sec1 =
                    Vec::with_capacity(x.len().saturating_add(y.len()).saturating_add(1));
                sec1.push(0x04);
                sec1.extend_from_slice(x);
                sec1.extend_from_slice(y);
                if crv == Some(iana::EllipticCurve::P_256.to_i64())
                    && x.len() == 32
                    && y.len() == 32
                {
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                        .map(PublicKey::P256)
                        .map_err(|e| Error::InvalidKey(format!("P-256: {e}")))
                } else if crv == Some(iana::EllipticCurve::P_384.to_i64())
                    && x.len() == 48
                    && y.len() == 48
                {
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
                        .map(PublicKey::P384)
                        .map_err(|e| Error::InvalidKey(format!("P-384: {e}")))
                } else if crv == Some(iana::EllipticCurve::P_521.to_i64()) {
                    // Like Ed448 above: a real COSE signature curve (ES512),
                    // not one of the crate's.
                    Err(Error::UnsupportedAlgorithm(
                        "ECDSA with P-521 (ES512)".into(),
                    ))
                } else {
                    Err(Error::InvalidKey(
                        "COSE_Key: EC2 key is not P-256 or P-384 with full coordinates".into(),
                    ))
                }
            }
            other => Err(Error::InvalidKey(format!(
                "COSE_Key: unsupported key type {other:?}",
                other = excerpt(&format!("{other:?}"))
            ))),
        }
    }
}

fn ec2_cose_key(curve: iana::EllipticCurve, sec1_uncompressed: &[u8]) -> CoseKey {
    // Uncompressed SEC1: 0x04 || x || y, with x and y of equal length.
    let coords = sec1_uncompressed.get(1..).unwrap_or_default();
    let (x, y) = coords.split_at(coords.len() / 2);
    coset::CoseKeyBuilder::new_ec2_pub_key(curve, x.to_vec(), y.to_vec()).build()
}

/// Produces signatures for one algorithm without exposing the private key.
///
/// Implement this for an HSM, a cloud KMS, Android Keystore or the Secure
/// Enclave; the crate never needs the private key itself.
pub trait Signer {
    /// The algorithm of the signatures this signer makes.
    fn algorithm(&self) -> Algorithm;
    /// The public key matching the private key.
    fn public_key(&self) -> PublicKey;
    /// Signs `message`, returning the signature in COSE form (r || s for
    /// ECDSA, 64 bytes for Ed25519).
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>>;
}

/// An in-memory private key of one of the supported algorithms.
///
/// ECDSA signatures are deterministic (RFC 6979), as are Ed25519 ones, so the
/// same key and message always give the same bytes: vectors can be
/// regenerated byte for byte.
#[derive(Clone)]
pub enum SoftwareKey {
    /// Ed25519 signing key.
    Ed25519(ed25519_dalek::SigningKey),
    /// P-256 signing key.
    P256(p256::ecdsa::SigningKey),
    /// P-384 signing key.
    P384(p384::ecdsa::SigningKey),
}

impl std::fmt::Debug for SoftwareKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        write!(f, "SoftwareKey({})", self.algorithm())
    }
}

impl SoftwareKey {
    /// Generates a fresh key from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(alg: Algorithm, rng: &mut R) -> SoftwareKey {
        match alg {
            Algorithm::EdDsa => SoftwareKey::Ed25519(ed25519_dalek::SigningKey::generate(rng)),
            Algorithm::Es256 => SoftwareKey::P256(
                <p256::ecdsa::SigningKey as p256::elliptic_curve::Generate>::generate_from_rng(rng),
            ),
            Algorithm::Es384 => SoftwareKey::P384(
                <p384::ecdsa::SigningKey as p384::elliptic_curve::Generate>::generate_from_rng(rng),
            ),
        }
    }

    /// A key from its raw secret: the 32-byte seed for Ed25519, the
    /// big-endian scalar (32 bytes for P-256, 48 for P-384) for ECDSA.
    /// Refused with `invalid_key` for a wrong length or an invalid scalar.
    pub fn from_secret_bytes(alg: Algorithm, secret: &[u8]) -> Result<SoftwareKey> {
        let bad = |detail: String| Error::InvalidKey(format!("{alg} secret: {detail}"));
        match alg {
            Algorithm::EdDsa => {
                let seed: &[u8; 32] = secret
                    .try_into()
                    .map_err(|_| bad(format!("{} bytes, need 32", secret.len())))?;
                Ok(SoftwareKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                    seed,
                )))
            }
            Algorithm::Es256 => p256::ecdsa::SigningKey::from_slice(secret)
                .map(SoftwareKey::P256)
                .map_err(|e| bad(e.to_string())),
            Algorithm::Es384 => p384::ecdsa::SigningKey::from_slice(secret)
                .map(SoftwareKey::P384)
                .map_err(|e| bad(e.to_string())),
        }
    }

    /// Reads a PKCS#8 DER private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SoftwareKey> {
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
            return Ok(SoftwareKey::Ed25519(k));
        }
        if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(SoftwareKey::P256(k));
        }
        if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(SoftwareKey::P384(k));
        }
        Err(Error::InvalidKey(
            "not an Ed25519, P-256 or P-384 PKCS#8 private key".into(),
        ))
    }

    /// Reads a PKCS#8 PEM ("PRIVATE KEY") private key.
    pub fn from_pkcs8_pem(pem: &str) -> Result<SoftwareKey> {
        if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_pem(pem) {
            return Ok(SoftwareKey::Ed25519(k));
        }
        if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_pem(pem) {
            return Ok(SoftwareKey::P256(k));
        }
        if let Ok(k) = p384::ecdsa::SigningKey::from_pkcs8_pem(pem) {
            return Ok(SoftwareKey::P384(k));
        }
        Err(Error::InvalidKey(
            "not an Ed25519, P-256 or P-384 PKCS#8 PEM private key".into(),
        ))
    }

    /// Encodes the key as PKCS#8 PEM, in storage that is wiped when dropped
    /// (the PEM is the private key).
    ///
    /// An Ed25519 key is written as a version 1 OneAsymmetricKey without
    /// the public key (RFC 8410 section 7, the form of its example): OpenSSL
    /// 3.0, Node and Python `cryptography` read it, while some of them refuse
    /// the version 2 form with the public key that `ed25519-dalek` writes by
    /// default. Both forms are read ([`SoftwareKey::from_pkcs8_pem`]).
    pub fn to_pkcs8_pem(&self) -> Result<zeroize::Zeroizing<String>> {
        let pem = match self {
            SoftwareKey::Ed25519(k) => {
                let mut v1 = ed25519_dalek::pkcs8::KeypairBytes::from(k);
                v1.public_key = None;
                v1.to_pkcs8_pem(LineEnding::LF)
            }
            SoftwareKey::P256(k) => k.to_pkcs8_pem(LineEnding::LF),
            SoftwareKey::P384(k) => k.to_pkcs8_pem(LineEnding::LF),
        };
        // The encoder's own buffer is zeroizing too; moving its String out
        // keeps a single copy.
        pem.map(|mut p| zeroize::Zeroizing::new(std::mem::take(&mut *p)))
            .map_err(|e| Error::InvalidKey(e.to_string()))
    }
}

impl Signer for SoftwareKey {
    fn algorithm(&self) -> Algorithm {
        match self {
            SoftwareKey::Ed25519(_) => Algorithm::EdDsa,
            SoftwareKey::P256(_) => Algorithm::Es256,
            SoftwareKey::P384(_) => Algorithm::Es384,
        }
    }

    fn public_key(&self) -> PublicKey {
        match self {
            SoftwareKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SoftwareKey::P256(k) => PublicKey::P256(*k.verifying_key()),
            SoftwareKey::P384(k) => PublicKey::P384(*k.verifying_key()),
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        crate::provider::get_default().sign(self, message)
    }
}

// ----- COSE_Sign1 -----

/// A parsed COSE_Sign1 whose protected algorithm has been checked.
#[derive(Debug, Clone)]
pub struct Sign1 {
    /// The structure as decoded; its protected header keeps the bytes as received.
    inner: CoseSign1,
    /// The algorithm from the protected header, checked when parsed.
    algorithm: Algorithm,
}

impl Sign1 {
    /// Reads a COSE_Sign1 from a CBOR value (untagged, or tagged with 18).
    ///
    /// Refuses: a tag other than 18 (`cbor_unexpected_tag`), a malformed
    /// structure (`cose_malformed`), no algorithm in the protected header
    /// (`algorithm_not_protected`, also when `alg` sits only in the
    /// unprotected header, which the signature does not cover), an algorithm
    /// the crate does not support, registered or not
    /// (`unsupported_algorithm`) and any `crit` label other than `typ` and
    /// `x5chain` (`unknown_critical_header`).
    ///
    /// The unprotected header is read leniently: it is not signed and only
    /// its `x5chain` is read, so the other common parameters (`kid` and the
    /// like) are ignored whatever their type; a `kid` written as CBOR
    /// `undefined` or as text does not make the structure malformed.
    pub fn from_value(value: Value) -> Result<Sign1> {
        let value = match value {
            Value::Tag(TAG_COSE_SIGN1, inner) => *inner,
            Value::Tag(tag, _) => {
                return Err(Error::CborUnexpectedTag(format!(
                    "COSE_Sign1: tag {tag} where 18 or none is allowed"
                )));
            }
            other => other,
        };
        let mut value = without_unread_unprotected(value);
        // The protected header is a byte string, decoded here under the
        // same limits and duplicate-key rule as the rest, and read in place.
        let protected = match protected_bytes(&mut value) {
            Some(bytes) => {
                let item = cbor::scan(bytes, &cbor::Limits::DEFAULT)?;
                refuse_unknown_algorithm_id(item)?;
                let header = item.to_value()?;
                Some((std::mem::take(bytes), header))
            }
            None => None,
        };
        let cose_error = |e: coset::CoseError| Error::CoseMalformed(describe_cose_error(&e));
        let mut inner = CoseSign1::from_cbor_value(value).map_err(cose_error)?;
        if let Some(protected) = protected {
            inner.protected = protected_header(protected).map_err(cose_error)?;
        }
        let algorithm = protected_algorithm(&inner.protected.header)?;
        check_critical(&inner.protected.header)?;
        Ok(Sign1 { inner, algorithm })
    }

    /// Decodes and reads a COSE_Sign1 from bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Sign1> {
        Sign1::from_value(cbor::decode(bytes)?)
    }

    /// The protected `typ` header (RFC 9596), if present. Only the protected
    /// header counts: a type in the unprotected header is not signed.
    pub fn protected_typ(&self) -> Option<&Value> {
        self.inner
            .protected
            .header
            .rest
            .iter()
            .find(|(label, _)| *label == Label::Int(HEADER_TYP))
            .map(|(_, value)| value)
    }

    /// The algorithm from the protected header (checked when parsed).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The structure as decoded, for reading its headers and signature.
    pub fn cose(&self) -> &CoseSign1 {
        &self.inner
    }

    /// The structure as decoded, given up (to re-encode a changed copy, which
    /// must then be parsed again with [`Sign1::from_value`]).
    pub fn into_cose(self) -> CoseSign1 {
        self.inner
    }

    /// The attached payload, if any.
    pub fn payload(&self) -> Option<&[u8]> {
        self.inner.payload.as_deref()
    }

    /// The DER certificates of the x5chain header (label 33), leaf first;
    /// looked for in the protected header, then the unprotected one.
    /// Borrowed, not copied: a verification reads the chain of every
    /// document it checks.
    pub fn x5chain(&self) -> Result<Vec<&[u8]>> {
        let label = Label::Int(HEADER_X5CHAIN);
        let found = self
            .inner
            .protected
            .header
            .rest
            .iter()
            .chain(self.inner.unprotected.rest.iter())
            .find(|(l, _)| *l == label)
            .map(|(_, v)| v);
        let certs = match found {
            None => return Err(Error::X5ChainMissing),
            Some(Value::Bytes(der)) => vec![der.as_slice()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Bytes(der) => Ok(der.as_slice()),
                    _ => Err(Error::CoseMalformed(
                        "x5chain entries must be byte strings".into(),
                    )),
                })
                .collect::<Result<Vec<_>>>()?,
            Some(_) => {
                return Err(Error::CoseMalformed(
                    "x5chain must be a byte string or an array of them".into(),
                ));
            }
        };
        if certs.is_empty() || certs.iter().any(|c| c.is_empty()) {
            return Err(Error::X5ChainMissing);
        }
        Ok(certs)
    }

    /// Verifies the signature with `key` over the attached payload.
    pub fn verify(&self, key: &PublicKey, external_aad: &[u8]) -> Result<()> {
        let payload = self
            .inner
            .payload
            .as_deref()
            .ok_or_else(|| Error::CoseMalformed("payload is detached".into()))?;
        self.verify_detached(key, payload, external_aad)
    }

    /// Verifies the signature with `key` over `payload` (for a detached payload,
    /// or to check an attached one against given bytes).
    ///
    /// The Sig_structure (RFC 9052 section 4.4) carries the protected header
    /// bytes exactly as received, never a re-encoding (section 3 wraps the
    /// map in a bstr so that nobody has to re-encode it). Here that header
    /// always holds `alg`, so it is never empty. For a header without
    /// parameters RFC 9052 asks for more: section 4.4 then puts a
    /// zero-length bstr in the Sig_structure even when the header arrived as
    /// `h'A0'` (section 3: recipients MUST accept both forms). The COSE WG
    /// example sign-pass-01 is such a message; [`Sign1::from_value`] refuses
    /// it first with `algorithm_not_protected`, and
    /// `tests/external_suites.rs` shows that its signature verifies under
    /// the section 4.4 rule.
    pub fn verify_detached(
        &self,
        key: &PublicKey,
        payload: &[u8],
        external_aad: &[u8],
    ) -> Result<()> {
        let tbs = to_be_authenticated("Signature1", &self.inner.protected, external_aad, payload)?;
        key.verify(self.algorithm, &tbs, &self.inner.signature)
    }

    /// Encodes the structure (untagged) as a CBOR value.
    pub fn to_value(&self) -> Result<Value> {
        self.inner
            .clone()
            .to_cbor_value()
            .map_err(|e| Error::CoseMalformed(e.to_string()))
    }
}

/// Labels of the common COSE header parameters that coset reads into typed
/// fields, refusing a value of another type: alg, crit, content type, kid,
/// IV, Partial IV and counter signature (RFC 9052 section 3.1, RFC 9338).
const COSET_TYPED_LABELS: std::ops::RangeInclusive<i64> = 1..=7;

/// The protected header bytes of a COSE structure's array, when not empty.
/// The crate decodes them itself and hands coset the structure with an
/// empty header, which coset reads without decoding: coset would decode
/// them through ciborium, whose reader clears a 4 KiB scratch buffer for
/// every header.
pub(crate) fn protected_bytes(structure: &mut Value) -> Option<&mut Vec<u8>> {
    match structure {
        Value::Array(parts) => match parts.first_mut() {
            Some(Value::Bytes(bytes)) if !bytes.is_empty() => Some(bytes),
            _ => None,
        },
        _ => None,
    }
}

/// The protected header decoded from `bytes` (its decoded `header`), as
/// coset reads it from a structure: put in place of the empty header
/// coset read.
pub(crate) fn protected_header(
    (bytes, header): (Vec<u8>, Value),
) -> std::result::Result<coset::ProtectedHeader, coset::CoseError> {
    Ok(coset::ProtectedHeader {
        header: coset::Header::from_cbor_value(header)?,
        original_data: Some(bytes),
    })
}

/// A COSE_Sign1 or COSE_Mac0 (as a CBOR array) with the unprotected header
/// parameters the crate never reads removed, whatever their type.
///
/// The unprotected header is not covered by the signature, and the crate
/// reads only `x5chain` from it. Yet coset checks the type of every common
/// parameter, so a `kid` written as CBOR `undefined` or as text (as two
/// widely used JavaScript issuers do) would make the whole document
/// malformed. Those parameters are dropped before coset sees the structure;
/// other labels coset keeps as they are, whatever their type. The protected
/// header is left alone and stays strict. Anything that is not a COSE
/// array with a map in second place is passed on for coset to refuse.
pub(crate) fn without_unread_unprotected(value: Value) -> Value {
    let Value::Array(mut parts) = value else {
        return value;
    };
    if let Some(Value::Map(entries)) = parts.get_mut(1) {
        entries.retain(|(label, _)| {
            let typed = match label {
                Value::Integer(i) => {
                    i64::try_from(i128::from(*i)).is_ok_and(|i| COSET_TYPED_LABELS.contains(&i))
                }
                _ => false,
            };
            !typed
        });
    }
    Value::Array(parts)
}

/// The COSE_Key label of `kid` (RFC 9052 section 7.1).
const COSE_KEY_KID: i64 = 2;

/// A COSE_Key (as a CBOR map) without a `kid` that is not a byte string.
///
/// The crate never reads a key's `kid`: a key is identified by its
/// coordinates. RFC 9052 makes `kid` a byte string, and coset refuses the
/// whole key otherwise, yet a deployed OpenID4VP wallet writes its MSO device
/// key's `kid` as text (`../shared/vectors/external/openid4vp`, the
/// animo DeviceResponse), which would make every document it holds
/// `invalid_key`. As with the unread unprotected header parameters
/// ([`without_unread_unprotected`]), such a `kid` is dropped before coset
/// sees the key; a byte-string `kid` and every other parameter stay as they
/// are and are checked as before.
pub(crate) fn without_unread_key_id(value: Value) -> Value {
    let Value::Map(mut entries) = value else {
        return value;
    };
    entries.retain(|(label, value)| {
        let is_kid =
            matches!(label, Value::Integer(i) if i128::from(*i) == i128::from(COSE_KEY_KID));
        !is_kid || matches!(value, Value::Bytes(_))
    });
    Value::Map(entries)
}

/// A coset error in words. CBOR `undefined` and `null` both reach coset as
/// `Value::Null` (ciborium reads the two simple values alike), which coset
/// calls "nul"; the message names both rather than one that may be wrong.
pub(crate) fn describe_cose_error(error: &coset::CoseError) -> String {
    match error {
        coset::CoseError::UnexpectedItem("nul", want) => {
            format!("got null or undefined, expected {want}")
        }
        other => other.to_string(),
    }
}

/// coset refuses an integer `alg` that is neither in its IANA table nor in
/// the private-use range as a malformed header, yet such a header is well
/// formed: it names an algorithm the crate does not support, so it gets
/// `unsupported_algorithm` like any other (COSE WG example sign-fail-03,
/// `alg: -999`). Supported identifiers pass through to coset.
fn refuse_unknown_algorithm_id(protected: cbor::Item<'_>) -> Result<()> {
    // Read in place: building a `Value` tree of the header only to look up
    // one label cost about as much as coset's reading of the whole
    // COSE_Sign1 (by a profile of the verification).
    let Ok(entries) = protected.map("protected header") else {
        return Ok(());
    };
    let alg_label = i128::from(iana::HeaderParameter::Alg.to_i64());
    for (_, value) in entries
        .entries()
        .iter()
        .filter(|(label, _)| label.integer() == Some(alg_label))
    {
        if let Some(id) = value.integer() {
            i64::try_from(id)
                .map_err(|_| Error::UnsupportedAlgorithm(format!("COSE algorithm {id}")))
                .and_then(Algorithm::from_cose_id)?;
        }
    }
    Ok(())
}

fn protected_algorithm(protected: &coset::Header) -> Result<Algorithm> {
    match &protected.alg {
        Some(RegisteredLabelWithPrivate::Assigned(a)) => Algorithm::from_cose_id(a.to_i64()),
        Some(RegisteredLabelWithPrivate::PrivateUse(id)) => Algorithm::from_cose_id(*id),
        Some(RegisteredLabelWithPrivate::Text(t)) => Err(Error::UnsupportedAlgorithm(format!(
            "text algorithm {t:?}",
            t = excerpt(t)
        ))),
        // An algorithm only in the unprotected header is not covered by the
        // signature, so it counts as none.
        None => Err(Error::AlgorithmNotProtected),
    }
}

/// Refuses a protected `crit` naming a label the crate does not understand
/// (`unknown_critical_header`), or naming `typ` or `x5chain` without the
/// label itself being protected (`cose_malformed`); COSE_Sign1 and
/// COSE_Mac0 share the rule.
pub(crate) fn check_critical(protected: &coset::Header) -> Result<()> {
    for label in &protected.crit {
        // RFC 9052 section 3.1: a critical label must itself be protected.
        let id = match label {
            RegisteredLabelWithPrivate::Assigned(h) => Some(h.to_i64()),
            RegisteredLabelWithPrivate::PrivateUse(id) => Some(*id),
            RegisteredLabelWithPrivate::Text(_) => None,
        };
        let present = id.is_some_and(|i| protected.rest.iter().any(|(l, _)| *l == Label::Int(i)));
        if !present && id.is_some_and(|i| i == HEADER_X5CHAIN || i == HEADER_TYP) {
            return Err(Error::CoseMalformed(format!(
                "critical header {label:?} is not in the protected header"
            )));
        }
        let understood = match label {
            RegisteredLabelWithPrivate::Assigned(h) => {
                let id = h.to_i64();
                id == HEADER_X5CHAIN || id == HEADER_TYP
            }
            RegisteredLabelWithPrivate::PrivateUse(id) => {
                *id == HEADER_X5CHAIN || *id == HEADER_TYP
            }
            RegisteredLabelWithPrivate::Text(_) => false,
        };
        if !understood {
            return Err(Error::UnknownCriticalHeader(format!("{label:?}")));
        }
    }
    Ok(())
}

/// Options for [`sign1`].
#[derive(Debug, Clone, Default)]
pub struct Sign1Options {
    /// DER certificates for the unprotected x5chain header, leaf first.
    pub x5chain: Vec<Vec<u8>>,
    /// Content type for the protected `typ` header (RFC 9596), if any.
    pub typ: Option<String>,
    /// Leave the payload out of the structure (it is signed but not carried).
    pub detached: bool,
    /// External additional authenticated data.
    pub external_aad: Vec<u8>,
}

/// Signs `payload` as COSE_Sign1 with the algorithm in the protected header.
pub fn sign1(signer: &dyn Signer, payload: &[u8], options: &Sign1Options) -> Result<Sign1> {
    let algorithm = signer.algorithm();
    let mut protected = HeaderBuilder::new().algorithm(algorithm.iana());
    if let Some(typ) = &options.typ {
        protected = protected.value(HEADER_TYP, Value::Text(typ.clone()));
    }
    let mut unprotected = HeaderBuilder::new();
    match options.x5chain.as_slice() {
        [] => {}
        [single] => unprotected = unprotected.value(HEADER_X5CHAIN, Value::Bytes(single.clone())),
        many => {
            unprotected = unprotected.value(
                HEADER_X5CHAIN,
                Value::Array(many.iter().cloned().map(Value::Bytes).collect()),
            )
        }
    }
    let header = protected.build();
    // The protected header keeps the exact bytes it was signed over, as a
    // decoded one keeps the bytes it arrived in.
    let protected_bytes = header
        .clone()
        .to_vec()
        .map_err(|e| Error::CoseMalformed(format!("cannot encode the protected header: {e}")))?;
    // Refused under the limits every reader applies (a `typ` of more than
    // 8 MiB, say), before anything is signed that no reader would accept.
    cbor::scan(&protected_bytes, &cbor::Limits::DEFAULT)?;
    let protected = coset::ProtectedHeader {
        original_data: Some(protected_bytes),
        header,
    };
    let tbs = to_be_authenticated("Signature1", &protected, &options.external_aad, payload)?;
    let inner = CoseSign1 {
        protected,
        unprotected: unprotected.build(),
        payload: (!options.detached).then(|| payload.to_vec()),
        signature: signer.sign(&tbs)?,
    };
    Ok(Sign1 { inner, algorithm })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FixedRng(u64);
    impl rand_core::TryRng for FixedRng {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> std::result::Result<u32, Self::Error> {
            Ok(self.try_next_u64()? as u32)
        }
        fn try_next_u64(&mut self) -> std::result::Result<u64, Self::Error> {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            Ok(self.0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> std::result::Result<(), Self::Error> {
            for b in dst {
                *b = (self.try_next_u64()? >> 33) as u8;
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for FixedRng {}

    /// A COSE_Sign1 made by `sign1` is the one a verifier reads back from
    /// its encoding, with every option.
    #[test]
    fn signed_structures_read_back_as_made() {
        let mut rng = FixedRng(11);
        let key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let options = [
            Sign1Options::default(),
            Sign1Options {
                x5chain: vec![vec![0x30, 1]],
                typ: Some("application/example".into()),
                detached: false,
                external_aad: b"aad".to_vec(),
            },
            Sign1Options {
                x5chain: vec![vec![0x30, 1], vec![0x30, 2]],
                typ: None,
                detached: true,
                external_aad: Vec::new(),
            },
        ];
        for options in options {
            let signed = sign1(&key, b"payload", &options).unwrap();
            let bytes = cbor::encode(&signed.to_value().unwrap()).unwrap();
            let read = Sign1::from_slice(&bytes).unwrap();
            assert_eq!(signed.cose(), read.cose());
            assert_eq!(signed.algorithm(), read.algorithm());
            assert_eq!(
                signed.x5chain().map_err(|e| e.code()),
                read.x5chain().map_err(|e| e.code())
            );
            let aad = &options.external_aad;
            if options.detached {
                read.verify_detached(&key.public_key(), b"payload", aad)
                    .unwrap();
            } else {
                read.verify(&key.public_key(), aad).unwrap();
            }
        }
    }

    /// A protected header over the CBOR limits is refused when signing, as
    /// every reader would refuse it.
    #[test]
    fn sign1_refuses_a_protected_header_over_the_limits() {
        let mut rng = FixedRng(12);
        let key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
        let options = Sign1Options {
            typ: Some("t".repeat(8 * 1024 * 1024 + 1)),
            ..Sign1Options::default()
        };
        let signed = sign1(&key, b"payload", &options);
        assert_eq!(
            signed.map(drop).map_err(|e| e.code()),
            Err("cbor_too_large")
        );
    }

    #[test]
    fn sign_and_verify_every_algorithm() {
        let mut rng = FixedRng(7);
        for alg in Algorithm::ALL {
            let key = SoftwareKey::generate(alg, &mut rng);
            let signed = sign1(&key, b"payload", &Sign1Options::default()).unwrap();
            assert_eq!(signed.algorithm, alg);
            signed.verify(&key.public_key(), b"").unwrap();
            let other = SoftwareKey::generate(alg, &mut rng);
            assert_eq!(
                signed
                    .verify(&other.public_key(), b"")
                    .map_err(|e| e.code()),
                Err("signature_invalid")
            );
            let cose = key.public_key().to_cose_key_value().unwrap();
            assert_eq!(
                PublicKey::from_cose_key_value(&cose).unwrap(),
                key.public_key()
            );
            let pem = key.to_pkcs8_pem().unwrap();
            assert_eq!(
                SoftwareKey::from_pkcs8_pem(&pem).unwrap().public_key(),
                key.public_key()
            );
            let spki = key.public_key().to_spki_der().unwrap();
            assert_eq!(PublicKey::from_spki_der(&spki).unwrap(), key.public_key());
        }
    }

    /// The private key of RFC 8410 section 10.3, in its version 1 form.
    const RFC8410_PEM: &str = "-----BEGIN PRIVATE KEY-----\n\
        MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
        -----END PRIVATE KEY-----\n";
    const RFC8410_SEED: &str = "d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842";

    fn rfc8410_key() -> SoftwareKey {
        let seed: Vec<u8> = (0..RFC8410_SEED.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&RFC8410_SEED[i..i + 2], 16).unwrap())
            .collect();
        SoftwareKey::from_secret_bytes(Algorithm::EdDsa, &seed).unwrap()
    }

    #[test]
    fn ed25519_keys_are_written_as_pkcs8_v1_and_both_versions_read() {
        let key = rfc8410_key();
        assert_eq!(key.to_pkcs8_pem().unwrap().as_str(), RFC8410_PEM);
        let SoftwareKey::Ed25519(inner) = &key else {
            panic!("an Ed25519 key")
        };
        // Version 2 with the public key, as ed25519-dalek writes it.
        let v2 = inner.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        assert_ne!(v2, RFC8410_PEM);
        for pem in [RFC8410_PEM, v2.as_str()] {
            assert_eq!(
                SoftwareKey::from_pkcs8_pem(pem).unwrap().public_key(),
                key.public_key()
            );
        }
        let v2_der = inner.to_pkcs8_der().unwrap();
        assert_eq!(
            SoftwareKey::from_pkcs8_der(v2_der.as_bytes())
                .unwrap()
                .public_key(),
            key.public_key()
        );
    }

    /// OpenSSL reads the written Ed25519 key and derives the same public
    /// key; skipped with a notice where `openssl` is not installed.
    #[test]
    fn openssl_reads_the_written_ed25519_key() {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        let key = rfc8410_key();
        let child = Command::new("openssl")
            .args(["pkey", "-pubout"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            eprintln!("notice: openssl is not installed; skipping the OpenSSL key check");
            return;
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(key.to_pkcs8_pem().unwrap().as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "openssl refused the key: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            key.public_key().to_pem().unwrap()
        );
    }

    /// A COSE_Sign1 by `key` over `payload` whose unprotected header is
    /// the hand-written map `unprotected` (ciborium cannot write
    /// `undefined`), and whose protected header is `protected` if given.
    fn with_headers(key: &SoftwareKey, protected: Option<&[u8]>, unprotected: &[u8]) -> Vec<u8> {
        let signed = sign1(key, b"payload", &Sign1Options::default()).unwrap();
        let Value::Array(parts) = signed.to_value().unwrap() else {
            panic!("COSE_Sign1 is an array")
        };
        let mut out = vec![0x84];
        match protected {
            Some(map) => out.extend(cbor::encode(&Value::Bytes(map.to_vec())).unwrap()),
            None => out.extend(cbor::encode(&parts[0]).unwrap()),
        }
        out.extend_from_slice(unprotected);
        out.extend(cbor::encode(&parts[2]).unwrap());
        out.extend(cbor::encode(&parts[3]).unwrap());
        out
    }

    #[test]
    fn unread_unprotected_headers_are_ignored_whatever_their_type() {
        let key = SoftwareKey::generate(Algorithm::Es256, &mut FixedRng(11));
        // { 4: undefined, 33: h'010203' }, { 4: "kid-1", 33: ... },
        // { 4: null, 2: "x", 7: 0, 33: ... }
        let x5chain = [0x18, 0x21, 0x43, 1, 2, 3];
        let kid_undefined = [&[0xa2, 0x04, 0xf7][..], &x5chain].concat();
        let kid_text = [&[0xa2, 0x04, 0x65][..], b"kid-1", &x5chain].concat();
        let others = [
            &[0xa4, 0x04, 0xf6, 0x02, 0x61, b'x', 0x07, 0x00][..],
            &x5chain,
        ]
        .concat();
        for unprotected in [kid_undefined, kid_text, others] {
            let bytes = with_headers(&key, None, &unprotected);
            let parsed = Sign1::from_slice(&bytes).unwrap();
            assert_eq!(parsed.x5chain().unwrap(), vec![&[1u8, 2, 3][..]]);
            parsed.verify(&key.public_key(), b"").unwrap();
        }
    }

    #[test]
    fn the_protected_header_stays_strict_and_undefined_is_named() {
        let key = SoftwareKey::generate(Algorithm::Es256, &mut FixedRng(12));
        // { 1: -7, 4: undefined } and { 1: -7, 4: "kid-1" }
        let undefined: &[u8] = &[0xa2, 0x01, 0x26, 0x04, 0xf7];
        let text = [&[0xa2, 0x01, 0x26, 0x04, 0x65][..], b"kid-1"].concat();
        for (protected, message) in [
            (undefined, "got null or undefined, expected bstr"),
            (text.as_slice(), "got tstr, expected bstr"),
        ] {
            let bytes = with_headers(&key, Some(protected), &[0xa0]);
            let err = Sign1::from_slice(&bytes).unwrap_err();
            assert_eq!(err.code(), "cose_malformed");
            assert!(err.to_string().contains(message), "{err}");
        }
    }

    #[test]
    fn a_text_key_id_is_ignored_and_other_key_parameters_stay_strict() {
        let key = SoftwareKey::generate(Algorithm::Es256, &mut FixedRng(13)).public_key();
        let Value::Map(entries) = key.to_cose_key_value().unwrap() else {
            panic!("a COSE_Key is a map");
        };
        let with = |label: i64, value: Value| {
            let mut entries = entries.clone();
            entries.push((Value::from(label), value));
            Value::Map(entries)
        };
        // A text or byte-string kid: the same key.
        for kid in [Value::Text("1".into()), Value::Bytes(b"1".to_vec())] {
            assert_eq!(PublicKey::from_cose_key_value(&with(2, kid)).unwrap(), key);
        }
        // Another typed parameter of the wrong type is still refused
        // (key_ops, label 4, must be an array).
        assert_eq!(
            PublicKey::from_cose_key_value(&with(4, Value::Text("sign".into())))
                .map_err(|e| e.code()),
            Err("invalid_key")
        );
    }

    #[test]
    fn algorithm_must_fit_key() {
        let mut rng = FixedRng(9);
        let p256 = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let p384 = SoftwareKey::generate(Algorithm::Es384, &mut rng);
        let signed = sign1(&p256, b"x", &Sign1Options::default()).unwrap();
        assert_eq!(
            signed.verify(&p384.public_key(), b"").map_err(|e| e.code()),
            Err("algorithm_key_mismatch")
        );
    }

    #[test]
    fn unsupported_curves_and_algorithm_ids() {
        let okp = coset::CoseKeyBuilder::new_okp_key()
            .param(
                iana::OkpKeyParameter::Crv.to_i64(),
                Value::from(iana::EllipticCurve::Ed448.to_i64()),
            )
            .param(iana::OkpKeyParameter::X.to_i64(), Value::Bytes(vec![9; 57]))
            .build();
        let ec2 = coset::CoseKeyBuilder::new_ec2_pub_key(
            iana::EllipticCurve::P_521,
            vec![1; 66],
            vec![2; 66],
        )
        .build();
        for key in [okp, ec2] {
            assert_eq!(
                PublicKey::from_cose_key(&key).map_err(|e| e.code()),
                Err("unsupported_algorithm")
            );
        }
        // alg -999 is neither registered nor private-use: still well formed.
        for protected in [
            vec![0xa1, 0x01, 0x39, 0x03, 0xe6],
            vec![0xa1, 0x01, 0x38, 0x23],
        ] {
            let value = Value::Array(vec![
                Value::Bytes(protected),
                Value::Map(vec![]),
                Value::Bytes(b"x".to_vec()),
                Value::Bytes(vec![0; 64]),
            ]);
            assert_eq!(
                Sign1::from_value(value).map_err(|e| e.code()).err(),
                Some("unsupported_algorithm")
            );
        }
    }
}
