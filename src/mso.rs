//! The Mobile Security Object (ISO/IEC 18013-5 section 9.1.2.4): the digests
//! of every data element, the device key, the doc type and the validity,
//! signed by the Document Signer.

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::OffsetDateTime;

use crate::cbor::{self, Cursor, Item, as_array, as_map, as_text, map_get};
use crate::cose::PublicKey;
use crate::error::{Error, Result, excerpt};
use crate::int::u64_from_usize;
use crate::status::StatusReference;

mod digest;

pub use digest::{Digest, MAX_DIGEST_LEN};

/// The MSO version this crate writes and reads.
pub const MSO_VERSION: &str = "1.0";

/// A digest algorithm for element digests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigestAlgorithm {
    /// SHA-256 (the default, and what every known issuer uses).
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl DigestAlgorithm {
    /// The name used in the MSO: `SHA-256`, `SHA-384`, `SHA-512`.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Reads an MSO digest algorithm name; anything else is
    /// `unsupported_digest_algorithm`.
    pub fn from_name(name: &str) -> Result<DigestAlgorithm> {
        match name {
            "SHA-256" => Ok(DigestAlgorithm::Sha256),
            "SHA-384" => Ok(DigestAlgorithm::Sha384),
            "SHA-512" => Ok(DigestAlgorithm::Sha512),
            other => Err(Error::UnsupportedDigestAlgorithm(other.to_string())),
        }
    }

    /// The length of the algorithm's digests, in bytes: 32, 48 or 64.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    /// Digests `data`.
    pub fn digest(self, data: &[u8]) -> Digest {
        self.digest_parts(&[data])
    }

    /// Digests the concatenation of `parts` without concatenating them.
    pub fn digest_parts(self, parts: &[&[u8]]) -> Digest {
        crate::provider::get_default().digest(self, parts)
    }
}

/// When the MSO was signed and for how long it is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityInfo {
    /// When the MSO was signed.
    pub signed: OffsetDateTime,
    /// Start of validity.
    pub valid_from: OffsetDateTime,
    /// End of validity.
    pub valid_until: OffsetDateTime,
    /// When the issuer expects to re-issue, if it says.
    pub expected_update: Option<OffsetDateTime>,
}

impl ValidityInfo {
    /// Validity from `valid_from` to `valid_until`, signed at `signed`.
    ///
    /// `signed` is the issuer's clock when it signs (ISO/IEC 18013-5 9.1.2.4:
    /// the time the MSO signature was created), not the start of validity: a
    /// document issued today for a validity starting next month says it was
    /// signed today, and both the issuer and every verifier check that time
    /// against the Document Signer certificate's validity.
    pub fn new(
        signed: OffsetDateTime,
        valid_from: OffsetDateTime,
        valid_until: OffsetDateTime,
    ) -> ValidityInfo {
        ValidityInfo {
            signed,
            valid_from,
            valid_until,
            expected_update: None,
        }
    }

    fn to_value(self) -> Result<Value> {
        let mut entries = vec![
            ("signed", cbor::tdate(self.signed)?),
            ("validFrom", cbor::tdate(self.valid_from)?),
            ("validUntil", cbor::tdate(self.valid_until)?),
        ];
        if let Some(update) = self.expected_update {
            entries.push(("expectedUpdate", cbor::tdate(update)?));
        }
        Ok(cbor::text_map(entries))
    }

    fn from_item(item: Item<'_>) -> Result<ValidityInfo> {
        let map = item.map("validityInfo")?;
        let field =
            |key: &str| -> Result<OffsetDateTime> { map.require(key, "validityInfo")?.tdate(key) };
        let valid_from = field("validFrom")?;
        let valid_until = field("validUntil")?;
        // An empty validity is no validity: a clock skew around both ends
        // must not turn it into a window.
        if valid_from > valid_until {
            return Err(Error::InvalidStructure(format!(
                "validityInfo: validFrom {valid_from} is after validUntil {valid_until}"
            )));
        }
        Ok(ValidityInfo {
            signed: field("signed")?,
            valid_from,
            valid_until,
            expected_update: map
                .get("expectedUpdate")
                .map(|v| v.tdate("expectedUpdate"))
                .transpose()?,
        })
    }
}

/// Which elements the device key may sign in DeviceSigned (ISO/IEC 18013-5
/// KeyAuthorizations).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyAuthorizations {
    /// Namespaces the device key may sign in full.
    pub name_spaces: Vec<String>,
    /// Individual elements the device key may sign, per namespace.
    pub data_elements: BTreeMap<String, Vec<String>>,
}

impl KeyAuthorizations {
    fn to_value(&self) -> Value {
        let mut entries = Vec::new();
        if !self.name_spaces.is_empty() {
            entries.push((
                "nameSpaces",
                Value::Array(self.name_spaces.iter().cloned().map(Value::Text).collect()),
            ));
        }
        if !self.data_elements.is_empty() {
            entries.push((
                "dataElements",
                cbor::text_map(self.data_elements.iter().map(|(ns, elements)| {
                    (
                        ns.clone(),
                        Value::Array(elements.iter().cloned().map(Value::Text).collect()),
                    )
                })),
            ));
        }
        cbor::text_map(entries)
    }

    fn from_value(value: &Value) -> Result<KeyAuthorizations> {
        let map = as_map(value, "keyAuthorizations")?;
        let texts = |v: &Value, what: &str| -> Result<Vec<String>> {
            as_array(v, what)?
                .iter()
                .map(|t| as_text(t, what).map(str::to_string))
                .collect()
        };
        let name_spaces = map_get(map, "nameSpaces")
            .map(|v| texts(v, "keyAuthorizations.nameSpaces"))
            .transpose()?
            .unwrap_or_default();
        let mut data_elements = BTreeMap::new();
        if let Some(v) = map_get(map, "dataElements") {
            for (ns, elements) in as_map(v, "keyAuthorizations.dataElements")? {
                let ns = as_text(ns, "keyAuthorizations.dataElements key")?;
                data_elements.insert(
                    ns.to_string(),
                    texts(elements, "keyAuthorizations.dataElements")?,
                );
            }
        }
        Ok(KeyAuthorizations {
            name_spaces,
            data_elements,
        })
    }
}

/// The device key the document is bound to, with its authorizations.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceKeyInfo {
    /// The holder's device public key.
    pub device_key: PublicKey,
    /// What the device key may sign, if the issuer says.
    pub key_authorizations: Option<KeyAuthorizations>,
    /// Further key information, kept as received.
    pub key_info: Option<Value>,
}

impl DeviceKeyInfo {
    fn to_value(&self) -> Result<Value> {
        let mut entries = vec![("deviceKey", self.device_key.to_cose_key_value()?)];
        if let Some(auth) = &self.key_authorizations {
            entries.push(("keyAuthorizations", auth.to_value()));
        }
        if let Some(info) = &self.key_info {
            entries.push(("keyInfo", info.clone()));
        }
        Ok(cbor::text_map(entries))
    }

    fn from_item(item: Item<'_>) -> Result<DeviceKeyInfo> {
        let map = item.map("deviceKeyInfo")?;
        Ok(DeviceKeyInfo {
            device_key: PublicKey::from_owned_cose_key_value(
                map.require("deviceKey", "deviceKeyInfo")?.to_value()?,
            )?,
            key_authorizations: map
                .get("keyAuthorizations")
                .map(|v| KeyAuthorizations::from_value(&v.to_value()?))
                .transpose()?,
            key_info: map.get("keyInfo").map(|v| v.to_value()).transpose()?,
        })
    }
}

/// Digests per namespace, by digestID.
pub type ValueDigests = BTreeMap<String, BTreeMap<u64, Digest>>;

/// The Mobile Security Object.
#[derive(Debug, Clone, PartialEq)]
pub struct MobileSecurityObject {
    /// MSO version, "1.0".
    pub version: String,
    /// Algorithm of every value digest.
    pub digest_algorithm: DigestAlgorithm,
    /// Digests of the IssuerSignedItemBytes, per namespace and digestID.
    pub value_digests: ValueDigests,
    /// The device key and its authorizations.
    pub device_key_info: DeviceKeyInfo,
    /// The doc type the MSO vouches for.
    pub doc_type: String,
    /// Validity of the MSO.
    pub validity_info: ValidityInfo,
    /// Where the document's status is published (`status`), if anywhere.
    pub status: Option<StatusReference>,
    /// Fields this crate does not model, kept in received order so nothing
    /// is lost.
    pub other: Vec<(Value, Value)>,
}

const KNOWN_FIELDS: [&str; 7] = [
    "version",
    "digestAlgorithm",
    "valueDigests",
    "deviceKeyInfo",
    "docType",
    "validityInfo",
    "status",
];

impl MobileSecurityObject {
    /// Encodes the MSO as a CBOR map.
    pub fn to_value(&self) -> Result<Value> {
        let digests = cbor::text_map(self.value_digests.iter().map(|(ns, by_id)| {
            (
                ns.clone(),
                Value::Map(
                    by_id
                        .iter()
                        .map(|(id, d)| (Value::from(*id), Value::Bytes(d.to_vec())))
                        .collect(),
                ),
            )
        }));
        let mut entries: Vec<(Value, Value)> = vec![
            (
                Value::Text("version".into()),
                Value::Text(self.version.clone()),
            ),
            (
                Value::Text("digestAlgorithm".into()),
                Value::Text(self.digest_algorithm.name().into()),
            ),
            (Value::Text("valueDigests".into()), digests),
            (
                Value::Text("deviceKeyInfo".into()),
                self.device_key_info.to_value()?,
            ),
            (
                Value::Text("docType".into()),
                Value::Text(self.doc_type.clone()),
            ),
            (
                Value::Text("validityInfo".into()),
                self.validity_info.to_value()?,
            ),
        ];
        if let Some(status) = &self.status {
            entries.push((Value::Text("status".into()), status.to_value()));
        }
        entries.extend(self.other.iter().cloned());
        Ok(Value::Map(entries))
    }

    /// The MSO's encoding: the bytes [`MobileSecurityObject::to_value`]
    /// encodes to, written without building that map, whose digests alone
    /// are a heap allocation each (an issuer encodes one MSO per document).
    pub fn encode(&self) -> Result<Vec<u8>> {
        let digests: usize = self.value_digests.values().map(BTreeMap::len).sum();
        let mut out = Vec::with_capacity(
            digests
                .saturating_mul(self.digest_algorithm.output_len().saturating_add(8))
                .saturating_add(512),
        );
        let entries = 6usize
            .saturating_add(usize::from(self.status.is_some()))
            .saturating_add(self.other.len());
        cbor::write_head(&mut out, 5, u64_from_usize(entries));
        cbor::write_text(&mut out, "version");
        cbor::write_text(&mut out, &self.version);
        cbor::write_text(&mut out, "digestAlgorithm");
        cbor::write_text(&mut out, self.digest_algorithm.name());
        cbor::write_text(&mut out, "valueDigests");
        cbor::write_head(&mut out, 5, u64_from_usize(self.value_digests.len()));
        for (ns, by_id) in &self.value_digests {
            cbor::write_text(&mut out, ns);
            cbor::write_head(&mut out, 5, u64_from_usize(by_id.len()));
            for (id, digest) in by_id {
                cbor::write_head(&mut out, 0, *id);
                cbor::write_bytes(&mut out, digest);
            }
        }
        cbor::write_text(&mut out, "deviceKeyInfo");
        cbor::write_value(&self.device_key_info.to_value()?, &mut out)?;
        cbor::write_text(&mut out, "docType");
        cbor::write_text(&mut out, &self.doc_type);
        cbor::write_text(&mut out, "validityInfo");
        cbor::write_value(&self.validity_info.to_value()?, &mut out)?;
        if let Some(status) = &self.status {
            cbor::write_text(&mut out, "status");
            cbor::write_value(&status.to_value(), &mut out)?;
        }
        for (key, value) in &self.other {
            cbor::write_value(key, &mut out)?;
            cbor::write_value(value, &mut out)?;
        }
        Ok(out)
    }

    /// Reads an MSO from its CBOR map: encodes it and reads it as
    /// [`MobileSecurityObject::from_slice`] does, under the same limits and
    /// rules.
    pub fn from_value(value: &Value) -> Result<MobileSecurityObject> {
        MobileSecurityObject::from_slice(&cbor::encode(value)?)
    }

    /// Reads an MSO from the bytes inside MobileSecurityObjectBytes.
    pub fn from_slice(bytes: &[u8]) -> Result<MobileSecurityObject> {
        // An MSO of the known fields alone (every MSO the crate issues, and
        // the usual one) is scanned and split into its fields in one pass;
        // its fields are read as any MSO's are, so both ways give the same
        // MSO or the same error.
        if let Some(fields) = cbor::scan_known_map(bytes, &cbor::Limits::DEFAULT, KNOWN_FIELDS) {
            return MobileSecurityObject::from_fields(fields, one_pass_value_digests, || {
                Ok(Vec::new())
            });
        }
        MobileSecurityObject::from_item(cbor::scan(bytes, &cbor::Limits::DEFAULT)?)
    }

    /// Reads an MSO in place from its scanned map.
    fn from_item(item: Item<'_>) -> Result<MobileSecurityObject> {
        let map = item.map("MobileSecurityObject")?;
        let fields = KNOWN_FIELDS.map(|key| map.get(key));
        MobileSecurityObject::from_fields(fields, read_value_digests, || {
            map.entries()
                .iter()
                .filter(|(k, _)| !KNOWN_FIELDS.iter().any(|known| k.is_text(known)))
                .map(|(k, v)| Ok((k.to_value()?, v.to_value()?)))
                .collect()
        })
    }

    /// Reads an MSO from the values of its [`KNOWN_FIELDS`] (`None` where
    /// absent), its digests with `read_digests`, and, last, the fields this
    /// crate does not model.
    fn from_fields<'a>(
        fields: [Option<Item<'a>>; 7],
        read_digests: fn(Item<'_>) -> Result<ValueDigests>,
        other: impl FnOnce() -> Result<Vec<(Value, Value)>>,
    ) -> Result<MobileSecurityObject> {
        let what = "MobileSecurityObject";
        let [
            version,
            digest_algorithm,
            value_digests,
            device_key_info,
            doc_type,
            validity_info,
            status,
        ] = fields;
        let require = |field: Option<Item<'a>>, key: &str| -> Result<Item<'a>> {
            field.ok_or_else(|| {
                Error::InvalidStructure(format!("{what}: missing {key:?}", key = excerpt(key)))
            })
        };
        let version = require(version, "version")?.text("version")?.to_string();
        // Minor versions stay compatible; another major version is another format.
        if !version.starts_with("1.") {
            return Err(Error::InvalidStructure(format!(
                "MSO version {version:?} is not 1.x",
                version = excerpt(&version)
            )));
        }
        let digest_algorithm = DigestAlgorithm::from_name(
            require(digest_algorithm, "digestAlgorithm")?.text("digestAlgorithm")?,
        )?;
        let value_digests = read_digests(require(value_digests, "valueDigests")?)?;
        let device_key_info = DeviceKeyInfo::from_item(require(device_key_info, "deviceKeyInfo")?)?;
        let doc_type = require(doc_type, "docType")?.text("docType")?.to_string();
        let validity_info = ValidityInfo::from_item(require(validity_info, "validityInfo")?)?;
        let status = status
            .map(|v| StatusReference::from_value(&v.to_value()?))
            .transpose()?;
        Ok(MobileSecurityObject {
            version,
            digest_algorithm,
            value_digests,
            device_key_info,
            doc_type,
            validity_info,
            status,
            other: other()?,
        })
    }

    /// The digest recorded for (`namespace`, `digest_id`), if any.
    pub fn digest(&self, namespace: &str, digest_id: u64) -> Option<&Digest> {
        self.value_digests
            .get(namespace)
            .and_then(|m| m.get(&digest_id))
    }
}

/// Reads `valueDigests` in one walk when it has the usual shape, otherwise
/// the general way.
fn one_pass_value_digests(item: Item<'_>) -> Result<ValueDigests> {
    match plain_value_digests(item) {
        Some(digests) => Ok(digests),
        None => read_value_digests(item),
    }
}

/// Reads `valueDigests` in place from its scanned map.
fn read_value_digests(item: Item<'_>) -> Result<ValueDigests> {
    let mut value_digests = ValueDigests::new();
    for (ns, by_id) in item.map("valueDigests")?.entries() {
        let ns = ns.text("valueDigests namespace")?;
        let entries = by_id.map("valueDigests entry")?;
        let mut digests = Vec::with_capacity(entries.entries().len());
        for (id, digest) in entries.entries() {
            let id = id.u64("digestID")?;
            let digest = digest.byte_string("digest")?;
            let digest = Digest::from_slice(digest).ok_or_else(|| {
                Error::InvalidStructure(format!(
                    "valueDigests: a digest of {} bytes, longer than any digest \
                     algorithm's {MAX_DIGEST_LEN}",
                    digest.len()
                ))
            })?;
            digests.push((id, digest));
        }
        value_digests.insert(ns.to_string(), digests_by_id(digests));
    }
    Ok(value_digests)
}

/// Reads `valueDigests` of the usual shape (text namespaces, each a map of
/// unsigned digestIDs to digests no longer than [`MAX_DIGEST_LEN`]) in one
/// walk of its heads; `None` for any other shape, which
/// [`read_value_digests`] reads or refuses. What this reads, that reads the
/// same: the digests of a licence are most of an MSO, and splitting each
/// level into items walked them once per level.
fn plain_value_digests(item: Item<'_>) -> Option<ValueDigests> {
    let mut cursor = Cursor::new(item);
    let mut value_digests = ValueDigests::new();
    for _ in 0..cursor.head(5)? {
        let ns = std::str::from_utf8(cursor.string(3)?).ok()?;
        let count = cursor.head(5)?;
        // Each entry takes at least two bytes of what is left.
        let mut digests =
            Vec::with_capacity(usize::try_from(count).ok()?.min(cursor.remaining() / 2));
        for _ in 0..count {
            let id = cursor.head(0)?;
            digests.push((id, Digest::from_slice(cursor.string(2)?)?));
        }
        value_digests.insert(ns.to_string(), digests_by_id(digests));
    }
    cursor.at_end().then_some(value_digests)
}

/// One namespace's digests by digestID. Built from the sorted entries at
/// once: an issuer shuffles the digestIDs, and inserting them one by one in
/// that order moves the map's digests about at every insertion. A stable
/// sort keeps what insertion kept had a digestID come twice (the scan
/// refuses that first).
fn digests_by_id(mut digests: Vec<(u64, Digest)>) -> BTreeMap<u64, Digest> {
    digests.sort_by_key(|(id, _)| *id);
    digests.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use time::macros::datetime;

    use super::*;
    use crate::cose::{Algorithm, Signer as _, SoftwareKey};
    use crate::status::{IdentifierListReference, StatusListReference};

    /// An MSO with the required fields alone (32 digests over two
    /// namespaces), and one with every optional part.
    fn samples() -> [MobileSecurityObject; 2] {
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let digests = |n: u64, len: usize| -> BTreeMap<u64, Digest> {
            (0..n)
                .map(|i| {
                    (
                        i * 37 % 101 + i * 1000,
                        Digest::from_slice(&vec![i as u8; len]).unwrap(),
                    )
                })
                .collect()
        };
        let plain = MobileSecurityObject {
            version: "1.0".into(),
            digest_algorithm: DigestAlgorithm::Sha256,
            value_digests: [
                ("org.iso.18013.5.1".to_string(), digests(30, 32)),
                ("org.iso.18013.5.1.UA".to_string(), digests(2, 32)),
            ]
            .into(),
            device_key_info: DeviceKeyInfo {
                device_key: SoftwareKey::generate(Algorithm::EdDsa, &mut rng).public_key(),
                key_authorizations: None,
                key_info: None,
            },
            doc_type: "org.iso.18013.5.1.mDL".into(),
            validity_info: ValidityInfo {
                signed: datetime!(2026-11-29 10:00 UTC),
                valid_from: datetime!(2026-11-29 10:00 UTC),
                valid_until: datetime!(2031-11-29 10:00 UTC),
                expected_update: None,
            },
            status: None,
            other: Vec::new(),
        };
        let mut full = plain.clone();
        full.digest_algorithm = DigestAlgorithm::Sha512;
        full.value_digests = [("ns".to_string(), digests(3, 64))].into();
        full.device_key_info = DeviceKeyInfo {
            device_key: SoftwareKey::generate(Algorithm::Es256, &mut rng).public_key(),
            key_authorizations: Some(KeyAuthorizations {
                name_spaces: vec!["org.iso.18013.5.1".into()],
                data_elements: [("ns".to_string(), vec!["a".to_string()])].into(),
            }),
            key_info: Some(Value::Map(vec![(Value::from(-70_000), Value::Bool(true))])),
        };
        full.validity_info.expected_update = Some(datetime!(2027-01-01 0:00 UTC));
        full.status = Some(StatusReference {
            status_list: Some(StatusListReference {
                idx: 70_000,
                uri: "https://status.example/1".into(),
            }),
            identifier_list: Some(
                IdentifierListReference::new(vec![1, 2, 3], "https://ids.example/1").unwrap(),
            ),
            other: vec![(Value::Text("x".into()), Value::Null)],
        });
        full.other = vec![(Value::Text("future".into()), Value::Float(1.5))];
        [plain, full]
    }

    /// Writing an MSO directly gives the bytes ciborium encodes its
    /// `to_value` map to, with and without every optional part.
    #[test]
    fn encoding_equals_the_value_map() {
        for mso in samples() {
            let mut expected = Vec::new();
            ciborium::ser::into_writer(&mso.to_value().unwrap(), &mut expected).unwrap();
            assert_eq!(mso.encode().unwrap(), expected);
            assert_eq!(MobileSecurityObject::from_slice(&expected).unwrap(), mso);
        }
    }

    /// An MSO read in one pass reads as the reading before it (scan, then
    /// field by field) read it, or is refused with the same error: on the
    /// samples, on MSOs of unusual shapes, and on truncations and one-byte
    /// changes of each.
    #[test]
    fn one_pass_reading_agrees_with_the_general_one() {
        // The reading as it was before the one-pass one (86c2c9d), kept
        // here as an independent reference for the fields' reading.
        let general = |bytes: &[u8]| -> Result<MobileSecurityObject> {
            let item = cbor::scan(bytes, &cbor::Limits::DEFAULT)?;
            let what = "MobileSecurityObject";
            let map = item.map(what)?;
            let version = map.require("version", what)?.text("version")?.to_string();
            if !version.starts_with("1.") {
                return Err(Error::InvalidStructure(format!(
                    "MSO version {version:?} is not 1.x",
                    version = excerpt(&version)
                )));
            }
            let digest_algorithm = DigestAlgorithm::from_name(
                map.require("digestAlgorithm", what)?
                    .text("digestAlgorithm")?,
            )?;
            // Its digest loop is `read_value_digests`, still the general
            // path: it is what the one-walk reading is held to.
            let value_digests = read_value_digests(map.require("valueDigests", what)?)?;
            let device_key_info = DeviceKeyInfo::from_item(map.require("deviceKeyInfo", what)?)?;
            let doc_type = map.require("docType", what)?.text("docType")?.to_string();
            let validity_info = ValidityInfo::from_item(map.require("validityInfo", what)?)?;
            let status = map
                .get("status")
                .map(|v| StatusReference::from_value(&v.to_value()?))
                .transpose()?;
            let other = map
                .entries()
                .iter()
                .filter(|(k, _)| !KNOWN_FIELDS.iter().any(|known| k.is_text(known)))
                .map(|(k, v)| Ok((k.to_value()?, v.to_value()?)))
                .collect::<Result<Vec<_>>>()?;
            Ok(MobileSecurityObject {
                version,
                digest_algorithm,
                value_digests,
                device_key_info,
                doc_type,
                validity_info,
                status,
                other,
            })
        };
        let [plain, full] = samples();
        let encoded = |value: &Value| cbor::encode(value).unwrap();
        let with_digests = |digests: Value| {
            let Value::Map(mut entries) = plain.to_value().unwrap() else {
                unreachable!()
            };
            for (key, value) in &mut entries {
                if key.as_text() == Some("valueDigests") {
                    *value = digests.clone();
                }
            }
            encoded(&Value::Map(entries))
        };
        let digest = Value::Bytes(vec![7; 32]);
        let one = |id: Value, digest: Value| {
            Value::Map(vec![(
                Value::Text("ns".into()),
                Value::Map(vec![(id, digest)]),
            )])
        };
        let mut seeds = vec![
            encoded(&plain.to_value().unwrap()),
            encoded(&full.to_value().unwrap()),
            // DigestIDs out of order, a negative one, a bignum one, a digest
            // too long, a namespace that is not text, none at all.
            with_digests(Value::Map(vec![(
                Value::Text("ns".into()),
                Value::Map(vec![
                    (Value::from(9), digest.clone()),
                    (Value::from(2), digest.clone()),
                    (Value::from(5), digest.clone()),
                ]),
            )])),
            with_digests(one(Value::from(-1), digest.clone())),
            with_digests(one(
                Value::Tag(2, Box::new(Value::Bytes(vec![1]))),
                digest.clone(),
            )),
            with_digests(one(Value::from(1), Value::Bytes(vec![7; 65]))),
            with_digests(Value::Map(vec![(
                Value::Bytes(b"ns".to_vec()),
                Value::Map(vec![]),
            )])),
            with_digests(Value::Map(vec![])),
        ];
        // A field left out, and an unknown one.
        let Value::Map(entries) = plain.to_value().unwrap() else {
            unreachable!()
        };
        seeds.push(encoded(&Value::Map(entries[1..].to_vec())));
        seeds.push(encoded(&Value::Map(
            [&entries[..], &[(Value::from(1), Value::Null)]].concat(),
        )));

        let mut read_in_one_pass = 0;
        for seed in seeds {
            // A head's length bits, a map, a text, a bignum tag, null.
            let inputs = cbor::damaged(
                &seed,
                5,
                &[0x00, 0x18, 0x1b, 0x40, 0x60, 0xa0, 0xc2, 0xf6],
                &[0x01],
            );
            for input in inputs {
                let read = MobileSecurityObject::from_slice(&input);
                // Compared as text: a changed byte can make a float NaN,
                // which is not equal to itself.
                assert_eq!(
                    format!("{:?}", read.as_ref().map_err(ToString::to_string)),
                    format!(
                        "{:?}",
                        general(&input).as_ref().map_err(ToString::to_string)
                    ),
                    "{}",
                    hex::encode(&input)
                );
                let one_pass = cbor::scan_known_map(&input, &cbor::Limits::DEFAULT, KNOWN_FIELDS)
                    .and_then(|[_, _, digests, ..]| digests)
                    .and_then(plain_value_digests);
                read_in_one_pass += usize::from(one_pass.is_some() && read.is_ok());
            }
        }
        // The one-pass reading is what reads the usual MSOs.
        assert!(read_in_one_pass > 1000, "{read_in_one_pass}");
    }
}
