//! DeviceEngagement (ISO/IEC 18013-5:2021 section 8.2.1.1): what the
//! holder's phone shows in its QR code or hands over by NFC.
//!
//! ```cddl
//! DeviceEngagement = {
//!   0: tstr,                          ; version, "1.0" or "1.1"
//!   1: Security,                      ; [cipher suite 1, EDeviceKeyBytes]
//!   ? 2: DeviceRetrievalMethods,      ; [+ [type, version, options]]
//!   ? 3: ServerRetrievalMethods,
//!   ? 4: ProtocolInfo,
//!   ? 5: OriginInfos,                 ; 18013-5 second edition, 18013-7
//!   * int => any                      ; later editions' entries, kept
//! }
//! ```
//!
//! Entries this crate does not model (server retrieval, protocol and origin
//! infos, later editions' keys, unknown retrieval options) are kept as
//! received and written back in place, so an engagement read and re-encoded
//! is the same bytes when the peer wrote its map keys in ascending order,
//! as the Annex D example does. The SessionTranscript never depends on
//! that: it takes the DeviceEngagement bytes as received ([`DeviceEngagement::bytes`]).

use ciborium::value::Value;

use super::wifi_aware::WifiAwareOptions;
use crate::cbor;
use crate::cose::PublicKey;
use crate::error::{Error, Result};
use crate::session;

/// The only cipher suite ISO/IEC 18013-5 defines (ECDH P-256 ... AES-256-GCM).
pub const CIPHER_SUITE_1: u64 = 1;

/// Most device retrieval methods read: a phone offers BLE, NFC and Wi-Fi
/// Aware at most, so more is noise.
pub const MAX_RETRIEVAL_METHODS: usize = 8;

/// Retrieval method type of NFC.
pub const RETRIEVAL_NFC: u64 = 1;
/// Retrieval method type of BLE.
pub const RETRIEVAL_BLE: u64 = 2;
/// Retrieval method type of Wi-Fi Aware.
pub const RETRIEVAL_WIFI_AWARE: u64 = 3;

const KEY_VERSION: i64 = 0;
const KEY_SECURITY: i64 = 1;
const KEY_DEVICE_RETRIEVAL: i64 = 2;

/// One entry of DeviceRetrievalMethods: `[type, version, options]`.
///
/// The options map is kept as received; [`DeviceRetrievalMethod::ble`]
/// and [`DeviceRetrievalMethod::wifi_aware`] read the BLE and Wi-Fi Aware
/// options.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceRetrievalMethod {
    /// 1 NFC, 2 BLE, 3 Wi-Fi Aware; other values are kept.
    pub kind: u64,
    /// The method's version (1 for every method of ISO/IEC 18013-5:2021).
    pub version: u64,
    /// The retrieval options, as received.
    pub options: Value,
}

/// The BLE options of a retrieval method (ISO/IEC 18013-5 8.2.2.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BleOptions {
    /// 0: the mdoc offers peripheral server mode.
    pub peripheral_server_mode: bool,
    /// 1: the mdoc offers central client mode.
    pub central_client_mode: bool,
    /// 10: the service UUID in peripheral server mode.
    pub peripheral_server_uuid: Option<[u8; 16]>,
    /// 11: the service UUID in central client mode.
    pub central_client_uuid: Option<[u8; 16]>,
    /// 20: the mdoc's BLE device address in peripheral server mode.
    pub peripheral_server_address: Option<[u8; 6]>,
}

impl BleOptions {
    fn to_value(&self) -> Value {
        let mut map = vec![
            (int(0), Value::Bool(self.peripheral_server_mode)),
            (int(1), Value::Bool(self.central_client_mode)),
        ];
        if let Some(uuid) = self.peripheral_server_uuid {
            map.push((int(10), Value::Bytes(uuid.to_vec())));
        }
        if let Some(uuid) = self.central_client_uuid {
            map.push((int(11), Value::Bytes(uuid.to_vec())));
        }
        if let Some(address) = self.peripheral_server_address {
            map.push((int(20), Value::Bytes(address.to_vec())));
        }
        Value::Map(map)
    }

    fn from_value(value: &Value) -> Result<BleOptions> {
        let map = match value {
            Value::Map(map) => map,
            _ => return Err(malformed("BLE options are not a map")),
        };
        let mut options = BleOptions::default();
        for (key, item) in map {
            match int_key(key) {
                Some(0) => options.peripheral_server_mode = as_bool(item, "BLE option 0")?,
                Some(1) => options.central_client_mode = as_bool(item, "BLE option 1")?,
                Some(10) => options.peripheral_server_uuid = Some(fixed(item, "BLE option 10")?),
                Some(11) => options.central_client_uuid = Some(fixed(item, "BLE option 11")?),
                Some(20) => options.peripheral_server_address = Some(fixed(item, "BLE option 20")?),
                // Options of later editions (L2CAP PSM, ...) stay in the map.
                _ => {}
            }
        }
        Ok(options)
    }
}

impl DeviceRetrievalMethod {
    /// A BLE retrieval method (version 1).
    pub fn from_ble(options: &BleOptions) -> DeviceRetrievalMethod {
        DeviceRetrievalMethod {
            kind: RETRIEVAL_BLE,
            version: 1,
            options: options.to_value(),
        }
    }

    /// An NFC retrieval method (version 1) with the largest command and
    /// response data field lengths the mdoc accepts.
    pub fn from_nfc(max_command_len: u64, max_response_len: u64) -> DeviceRetrievalMethod {
        DeviceRetrievalMethod {
            kind: RETRIEVAL_NFC,
            version: 1,
            options: Value::Map(vec![
                (int(0), Value::Integer(max_command_len.into())),
                (int(1), Value::Integer(max_response_len.into())),
            ]),
        }
    }

    /// A Wi-Fi Aware retrieval method (version 1) with its options map
    /// as the caller builds it (see [`DeviceRetrievalMethod::from_wifi_aware_options`]
    /// for the typed form).
    pub fn from_wifi_aware(options: Vec<(Value, Value)>) -> DeviceRetrievalMethod {
        DeviceRetrievalMethod {
            kind: RETRIEVAL_WIFI_AWARE,
            version: 1,
            options: Value::Map(options),
        }
    }

    /// A Wi-Fi Aware retrieval method (version 1) with typed options
    /// (passphrase, channel and band information, any other options after).
    pub fn from_wifi_aware_options(options: &WifiAwareOptions) -> DeviceRetrievalMethod {
        DeviceRetrievalMethod {
            kind: RETRIEVAL_WIFI_AWARE,
            version: 1,
            options: options.to_value(),
        }
    }

    /// The Wi-Fi Aware options, if this is a Wi-Fi Aware method
    /// (`engagement_malformed` when a known option has the wrong type or is
    /// given twice). Unknown options are in [`WifiAwareOptions::other`].
    pub fn wifi_aware(&self) -> Result<Option<WifiAwareOptions>> {
        if self.kind != RETRIEVAL_WIFI_AWARE {
            return Ok(None);
        }
        WifiAwareOptions::from_value(&self.options).map(Some)
    }

    /// The BLE options, if this is a BLE method (`engagement_malformed` when
    /// they are of the wrong shape).
    pub fn ble(&self) -> Result<Option<BleOptions>> {
        if self.kind != RETRIEVAL_BLE {
            return Ok(None);
        }
        BleOptions::from_value(&self.options).map(Some)
    }

    fn to_value(&self) -> Value {
        Value::Array(vec![
            Value::Integer(self.kind.into()),
            Value::Integer(self.version.into()),
            self.options.clone(),
        ])
    }

    fn from_value(value: &Value) -> Result<DeviceRetrievalMethod> {
        let Value::Array(items) = value else {
            return Err(malformed("a retrieval method is not an array"));
        };
        let [kind, version, options] = items.as_slice() else {
            return Err(malformed(
                "a retrieval method is not [type, version, options]",
            ));
        };
        if !matches!(options, Value::Map(_)) {
            return Err(malformed("retrieval options are not a map"));
        }
        Ok(DeviceRetrievalMethod {
            kind: uint(kind, "retrieval method type")?,
            version: uint(version, "retrieval method version")?,
            options: options.clone(),
        })
    }
}

/// A DeviceEngagement: version, the holder's ephemeral key, how to reach
/// the holder, and any further entries as received.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceEngagement {
    version: String,
    cipher_suite: u64,
    e_device_key_cose: Vec<u8>,
    e_device_key: PublicKey,
    retrieval_methods: Vec<DeviceRetrievalMethod>,
    /// Entries other than 0, 1 and 2, in received order.
    other: Vec<(Value, Value)>,
    /// The bytes as received, or as encoded when built here.
    bytes: Vec<u8>,
}

impl DeviceEngagement {
    /// A version "1.0" engagement for the holder's ephemeral P-256 key
    /// (EDeviceKey) and its retrieval methods (none for NFC engagement
    /// where the handover names the carriers).
    pub fn new(
        e_device_key: &PublicKey,
        retrieval_methods: Vec<DeviceRetrievalMethod>,
    ) -> Result<DeviceEngagement> {
        let key_bytes = session::encode_ephemeral_key(e_device_key)?;
        let inner = cbor::untag24(&cbor::decode(&key_bytes)?, "EDeviceKeyBytes")?.to_vec();
        Self::assemble(
            "1.0".into(),
            CIPHER_SUITE_1,
            inner,
            retrieval_methods,
            Vec::new(),
        )
    }

    /// Adds (or replaces) an entry this crate does not model, such as
    /// OriginInfos (5) or an entry of a later edition.
    pub fn with_entry(self, key: i64, value: Value) -> Result<DeviceEngagement> {
        if matches!(key, KEY_VERSION | KEY_SECURITY | KEY_DEVICE_RETRIEVAL) {
            return Err(Error::InvalidArgument(format!(
                "DeviceEngagement entry {key} is built by DeviceEngagement::new"
            )));
        }
        let mut other = self.other;
        other.retain(|(k, _)| int_key(k) != Some(key));
        other.push((int(key), value));
        Self::assemble(
            self.version,
            self.cipher_suite,
            self.e_device_key_cose,
            self.retrieval_methods,
            other,
        )
    }

    fn assemble(
        version: String,
        cipher_suite: u64,
        e_device_key_cose: Vec<u8>,
        retrieval_methods: Vec<DeviceRetrievalMethod>,
        other: Vec<(Value, Value)>,
    ) -> Result<DeviceEngagement> {
        let e_device_key =
            session::decode_ephemeral_key(&cbor::encode(&cbor::tag24(e_device_key_cose.clone()))?)?;
        let mut engagement = DeviceEngagement {
            version,
            cipher_suite,
            e_device_key_cose,
            e_device_key,
            retrieval_methods,
            other,
            bytes: Vec::new(),
        };
        engagement.bytes = cbor::encode(&engagement.to_value())?;
        Ok(engagement)
    }

    /// Reads DeviceEngagement bytes (bounded decoding). Codes: `cbor_*` for
    /// bad CBOR, `engagement_malformed` for the wrong shape or a cipher
    /// suite other than 1, `session_unsupported_curve` or `invalid_key` for
    /// an EDeviceKey this crate cannot use.
    pub fn from_slice(bytes: &[u8]) -> Result<DeviceEngagement> {
        let value = cbor::decode(bytes)?;
        let Value::Map(map) = value else {
            return Err(malformed("DeviceEngagement is not a map"));
        };
        let mut version = None;
        let mut security = None;
        let mut retrieval_methods = Vec::new();
        let mut other = Vec::new();
        for (key, item) in map {
            match int_key(&key) {
                Some(KEY_VERSION) => match item {
                    Value::Text(text) if text.starts_with("1.") => version = Some(text),
                    _ => return Err(malformed("DeviceEngagement version is not \"1.x\"")),
                },
                Some(KEY_SECURITY) => security = Some(read_security(&item)?),
                Some(KEY_DEVICE_RETRIEVAL) => {
                    let Value::Array(methods) = &item else {
                        return Err(malformed("DeviceRetrievalMethods is not an array"));
                    };
                    if methods.len() > MAX_RETRIEVAL_METHODS {
                        return Err(malformed("more than 8 device retrieval methods"));
                    }
                    retrieval_methods = methods
                        .iter()
                        .map(DeviceRetrievalMethod::from_value)
                        .collect::<Result<_>>()?;
                }
                Some(_) => other.push((key, item)),
                None => return Err(malformed("DeviceEngagement keys are integers")),
            }
        }
        let version = version.ok_or_else(|| malformed("DeviceEngagement has no version"))?;
        let (cipher_suite, e_device_key_cose) =
            security.ok_or_else(|| malformed("DeviceEngagement has no Security"))?;
        let mut engagement = Self::assemble(
            version,
            cipher_suite,
            e_device_key_cose,
            retrieval_methods,
            other,
        )?;
        engagement.bytes = bytes.to_vec();
        Ok(engagement)
    }

    /// Encodes the engagement from its fields, in ascending key order with
    /// the unknown entries after the known ones.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        cbor::encode(&self.to_value())
    }

    /// The bytes as received (or as encoded when built here): what the
    /// SessionTranscript's DeviceEngagementBytes wraps.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The version, "1.0" or a later "1.x".
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The holder's ephemeral key, EDeviceKey.
    pub fn e_device_key(&self) -> &PublicKey {
        &self.e_device_key
    }

    /// The COSE_Key bytes inside EDeviceKeyBytes, as received.
    pub fn e_device_key_cose(&self) -> &[u8] {
        &self.e_device_key_cose
    }

    /// The device retrieval methods, in received order.
    pub fn retrieval_methods(&self) -> &[DeviceRetrievalMethod] {
        &self.retrieval_methods
    }

    /// An entry this crate does not model (3 server retrieval, 4 protocol
    /// info, 5 origin infos, or a later edition's), as received.
    pub fn entry(&self, key: i64) -> Option<&Value> {
        self.other
            .iter()
            .find(|(k, _)| int_key(k) == Some(key))
            .map(|(_, v)| v)
    }

    fn to_value(&self) -> Value {
        let mut map = vec![
            (int(KEY_VERSION), Value::Text(self.version.clone())),
            (
                int(KEY_SECURITY),
                Value::Array(vec![
                    Value::Integer(self.cipher_suite.into()),
                    cbor::tag24(self.e_device_key_cose.clone()),
                ]),
            ),
        ];
        if !self.retrieval_methods.is_empty() {
            map.push((
                int(KEY_DEVICE_RETRIEVAL),
                Value::Array(
                    self.retrieval_methods
                        .iter()
                        .map(DeviceRetrievalMethod::to_value)
                        .collect(),
                ),
            ));
        }
        map.extend(self.other.iter().cloned());
        Value::Map(map)
    }
}

fn read_security(value: &Value) -> Result<(u64, Vec<u8>)> {
    let Value::Array(items) = value else {
        return Err(malformed("Security is not an array"));
    };
    let [suite, key] = items.as_slice() else {
        return Err(malformed("Security is not [cipher suite, EDeviceKeyBytes]"));
    };
    let suite = uint(suite, "cipher suite")?;
    if suite != CIPHER_SUITE_1 {
        return Err(malformed(&format!("cipher suite {suite} is not 1")));
    }
    let inner = cbor::untag24(key, "EDeviceKeyBytes")
        .map_err(|e| malformed(&e.to_string()))?
        .to_vec();
    Ok((suite, inner))
}

pub(crate) fn malformed(what: &str) -> Error {
    Error::EngagementMalformed(what.to_string())
}

pub(crate) fn int(key: i64) -> Value {
    Value::Integer(key.into())
}

pub(crate) fn int_key(key: &Value) -> Option<i64> {
    match key {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

pub(crate) fn uint(value: &Value, what: &str) -> Result<u64> {
    match value {
        Value::Integer(i) => u64::try_from(*i).map_err(|_| malformed(what)),
        _ => Err(malformed(&format!("{what} is not an unsigned integer"))),
    }
}

fn as_bool(value: &Value, what: &str) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err(malformed(&format!("{what} is not a bool"))),
    }
}

fn fixed<const N: usize>(value: &Value, what: &str) -> Result<[u8; N]> {
    match value {
        Value::Bytes(b) => b
            .as_slice()
            .try_into()
            .map_err(|_| malformed(&format!("{what} is not {N} bytes"))),
        _ => Err(malformed(&format!("{what} is not a byte string"))),
    }
}
