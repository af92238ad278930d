//! DeviceResponse (ISO/IEC 18013-5 section 8.3.2.1.2.2): the presented
//! documents, each with its IssuerSigned part, its DeviceSigned part (the
//! holder's proof of possession of the device key) and the elements it could
//! not return; plus document errors and a status.

use std::collections::BTreeMap;

use ciborium::value::Value;
use coset::{AsCborValue, CoseMac0};

use crate::cbor::{self, Item};
use crate::cose::{self, PublicKey, Sign1};
use crate::error::{Error, Result, excerpt};
use crate::issuer_signed::{DecodedItem, IssuerSigned, NameSpaces};

/// DeviceResponse version written and accepted.
pub const DEVICE_RESPONSE_VERSION: &str = "1.0";

/// Most documents accepted in one DeviceResponse: each costs a signature,
/// a chain and maybe a status-list check, so a response cannot make the
/// verifier repeat that work without end. Real responses carry a handful.
pub const MAX_DOCUMENTS: usize = 16;

/// Response status 0: OK.
pub const STATUS_OK: ResponseStatus = ResponseStatus::Ok;

/// ISO/IEC 18013-5 error code 0 for an element or document: "data not returned".
pub const ERROR_DATA_NOT_RETURNED: ErrorCode = ErrorCode::DataNotReturned;

/// The status of a DeviceResponse (ISO/IEC 18013-5 section 8.3.2.1.2.3,
/// table 8), named; the numeric code stays on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseStatus {
    /// 0: the holder processed the request (documents may still be missing:
    /// see the document errors).
    Ok,
    /// 10: the holder failed for a reason it does not name.
    GeneralError,
    /// 11: the holder could not decode the request's CBOR.
    CborDecodingError,
    /// 12: the request's CBOR decoded but broke the request's rules.
    CborValidationError,
    /// Any other code, kept as received (the standard reserves them).
    Other(u64),
}

impl ResponseStatus {
    /// The status for a numeric code as carried in a response.
    pub fn from_code(code: u64) -> ResponseStatus {
        match code {
            0 => ResponseStatus::Ok,
            10 => ResponseStatus::GeneralError,
            11 => ResponseStatus::CborDecodingError,
            12 => ResponseStatus::CborValidationError,
            other => ResponseStatus::Other(other),
        }
    }

    /// The numeric code carried in a response.
    pub fn code(self) -> u64 {
        match self {
            ResponseStatus::Ok => 0,
            ResponseStatus::GeneralError => 10,
            ResponseStatus::CborDecodingError => 11,
            ResponseStatus::CborValidationError => 12,
            ResponseStatus::Other(code) => code,
        }
    }

    /// A stable name: `ok`, `general_error`, `cbor_decoding_error`,
    /// `cbor_validation_error` or `other`.
    pub fn name(self) -> &'static str {
        match self {
            ResponseStatus::Ok => "ok",
            ResponseStatus::GeneralError => "general_error",
            ResponseStatus::CborDecodingError => "cbor_decoding_error",
            ResponseStatus::CborValidationError => "cbor_validation_error",
            ResponseStatus::Other(_) => "other",
        }
    }
}

/// Why the holder did not return a document or an element (ISO/IEC
/// 18013-5 ErrorCode, section 8.3.2.1.2.3), named; the numeric code stays on
/// the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorCode {
    /// 0: data not returned (the one code the standard defines).
    DataNotReturned,
    /// Any other code, kept as received (reserved or application-specific).
    Other(i64),
}

impl ErrorCode {
    /// The error code for a numeric code as carried in a response.
    pub fn from_code(code: i64) -> ErrorCode {
        match code {
            0 => ErrorCode::DataNotReturned,
            other => ErrorCode::Other(other),
        }
    }

    /// The numeric code carried in a response.
    pub fn code(self) -> i64 {
        match self {
            ErrorCode::DataNotReturned => 0,
            ErrorCode::Other(code) => code,
        }
    }

    /// A stable name: `data_not_returned` or `other`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::DataNotReturned => "data_not_returned",
            ErrorCode::Other(_) => "other",
        }
    }
}

/// How the holder authenticated the document.
#[derive(Debug, Clone)]
pub enum DeviceAuth {
    /// COSE_Sign1 by the device key, detached payload DeviceAuthenticationBytes.
    Signature(Sign1),
    /// COSE_Mac0 with a key agreed between device key and reader key.
    Mac(CoseMac0),
}

/// DeviceSigned: device-signed elements (as received) and the device auth.
#[derive(Debug, Clone)]
pub struct DeviceSigned {
    name_spaces_bytes: Vec<u8>,
    device_auth: DeviceAuth,
}

impl DeviceSigned {
    /// Assembles a DeviceSigned from the encoded DeviceNameSpaces and its auth.
    pub fn new(name_spaces_bytes: Vec<u8>, device_auth: DeviceAuth) -> DeviceSigned {
        DeviceSigned {
            name_spaces_bytes,
            device_auth,
        }
    }

    /// The encoded DeviceNameSpaces (inside its tag 24), as received.
    pub fn name_spaces_bytes(&self) -> &[u8] {
        &self.name_spaces_bytes
    }

    /// The device-signed elements, decoded.
    pub fn name_spaces(&self) -> Result<BTreeMap<String, BTreeMap<String, Value>>> {
        // Read in place: every verified presentation reads these, most often
        // an empty map, which a `Value` tree would cost a 4 KiB buffer for.
        let scanned = cbor::scan(&self.name_spaces_bytes, &cbor::Limits::DEFAULT)?;
        let mut out = BTreeMap::new();
        for (ns, elements) in scanned.map("DeviceNameSpaces")?.entries() {
            let ns = ns.text("device namespace")?;
            let mut items = BTreeMap::new();
            for (id, v) in elements.map("device-signed items")?.entries() {
                items.insert(id.text("device element")?.to_string(), v.to_value()?);
            }
            out.insert(ns.to_string(), items);
        }
        Ok(out)
    }

    /// The device authentication.
    pub fn device_auth(&self) -> &DeviceAuth {
        &self.device_auth
    }

    fn to_value(&self) -> Result<Value> {
        let auth = match &self.device_auth {
            DeviceAuth::Signature(s) => ("deviceSignature", s.to_value()?),
            DeviceAuth::Mac(m) => (
                "deviceMac",
                m.clone()
                    .to_cbor_value()
                    .map_err(|e| Error::CoseMalformed(e.to_string()))?,
            ),
        };
        Ok(cbor::text_map([
            ("nameSpaces", cbor::tag24(self.name_spaces_bytes.clone())),
            ("deviceAuth", cbor::text_map([auth])),
        ]))
    }

    fn from_item(item: Item<'_>, doc_type: &str) -> Result<DeviceSigned> {
        let map = item.map("DeviceSigned")?;
        let name_spaces = map
            .require("nameSpaces", "DeviceSigned")?
            .untag24("DeviceNameSpacesBytes")?;
        cbor::scan(name_spaces, &cbor::Limits::DEFAULT)?;
        let name_spaces_bytes = name_spaces.to_vec();
        let auth = map
            .require("deviceAuth", "DeviceSigned")?
            .map("deviceAuth")?;
        let device_auth = match (auth.get("deviceSignature"), auth.get("deviceMac")) {
            (Some(sig), None) => DeviceAuth::Signature(Sign1::from_value(sig.to_value()?)?),
            (None, Some(mac)) => DeviceAuth::Mac(device_mac(mac.to_value()?)?),
            (None, None) => return Err(Error::DeviceAuthMissing(doc_type.to_string())),
            (Some(_), Some(_)) => {
                return Err(Error::InvalidStructure(
                    "deviceAuth holds both deviceSignature and deviceMac".into(),
                ));
            }
        };
        Ok(DeviceSigned {
            name_spaces_bytes,
            device_auth,
        })
    }
}

/// Reads deviceMac: a COSE_Mac0, untagged or tagged with 17.
fn device_mac(mac: Value) -> Result<CoseMac0> {
    let mac = match mac {
        Value::Tag(17, inner) => *inner,
        Value::Tag(tag, _) => {
            return Err(Error::CborUnexpectedTag(format!(
                "deviceMac: tag {tag} where 17 or none is allowed"
            )));
        }
        other => other,
    };
    let mut mac = cose::without_unread_unprotected(mac);
    // A protected header the crate's scan refuses is left to coset, which
    // refuses it as it always has.
    let protected = cose::protected_bytes(&mut mac).and_then(|bytes| {
        let header = cbor::scan(bytes, &cbor::Limits::DEFAULT)
            .and_then(Item::to_value)
            .ok()?;
        Some((std::mem::take(bytes), header))
    });
    let cose_error = |e: coset::CoseError| {
        Error::CoseMalformed(format!("deviceMac: {}", cose::describe_cose_error(&e)))
    };
    let mut mac = CoseMac0::from_cbor_value(mac).map_err(cose_error)?;
    if let Some(protected) = protected {
        mac.protected = cose::protected_header(protected).map_err(cose_error)?;
    }
    // The rule of COSE_Sign1: a critical label the crate does not
    // understand refuses the structure.
    crate::cose::check_critical(&mac.protected.header)?;
    Ok(mac)
}

/// Elements a holder could not return, with their error codes, per namespace.
pub type ElementErrors = BTreeMap<String, BTreeMap<String, ErrorCode>>;

/// One presented document.
#[derive(Debug, Clone)]
pub struct Document {
    doc_type: String,
    issuer_signed: IssuerSigned,
    device_signed: DeviceSigned,
    errors: ElementErrors,
}

impl Document {
    /// Assembles a document.
    pub fn new(
        doc_type: String,
        issuer_signed: IssuerSigned,
        device_signed: DeviceSigned,
        errors: ElementErrors,
    ) -> Document {
        Document {
            doc_type,
            issuer_signed,
            device_signed,
            errors,
        }
    }

    /// The doc type the document claims (checked against the MSO).
    pub fn doc_type(&self) -> &str {
        &self.doc_type
    }

    /// The issuer-signed part.
    pub fn issuer_signed(&self) -> &IssuerSigned {
        &self.issuer_signed
    }

    /// The device-signed part.
    pub fn device_signed(&self) -> &DeviceSigned {
        &self.device_signed
    }

    /// Requested elements the holder did not return, with their codes.
    pub fn errors(&self) -> &ElementErrors {
        &self.errors
    }

    fn to_value(&self) -> Result<Value> {
        let mut entries = vec![
            ("docType", Value::Text(self.doc_type.clone())),
            ("issuerSigned", self.issuer_signed.to_value()?),
            ("deviceSigned", self.device_signed.to_value()?),
        ];
        if !self.errors.is_empty() {
            entries.push(("errors", errors_value(&self.errors)));
        }
        Ok(cbor::text_map(entries))
    }

    /// Reads a Document in place, keeping each disclosed item as a `T`
    /// beside a Document that holds none.
    fn parts_from_item<'a, T: DecodedItem<'a>>(
        item: Item<'a>,
    ) -> Result<(Document, NameSpaces<T>)> {
        let what = "Document";
        let map = item.map(what)?;
        let doc_type = map.require("docType", what)?.text("docType")?.to_string();
        let (name_spaces, issuer_auth) =
            IssuerSigned::parts_from_item(map.require("issuerSigned", what)?)?;
        let issuer_signed = IssuerSigned::new(Vec::new(), issuer_auth);
        let device_signed = DeviceSigned::from_item(map.require("deviceSigned", what)?, &doc_type)?;
        let mut errors = ElementErrors::new();
        if let Some(e) = map.get("errors") {
            for (ns, elements) in e.map("errors")?.entries() {
                let ns = ns.text("errors namespace")?;
                let mut codes = BTreeMap::new();
                for (element, code) in elements.map("errors items")?.entries() {
                    codes.insert(
                        element.text("errors element")?.to_string(),
                        error_code(*code)?,
                    );
                }
                errors.insert(ns.to_string(), codes);
            }
        }
        Ok((
            Document {
                doc_type,
                issuer_signed,
                device_signed,
                errors,
            },
            name_spaces,
        ))
    }
}

/// `items`, refused with `invalid_structure` when there are more than `max`.
pub(crate) fn limited<'a, T>(items: &'a [T], max: usize, what: &str) -> Result<&'a [T]> {
    if items.len() > max {
        return Err(Error::InvalidStructure(format!(
            "{} {what}, more than the {max} accepted",
            items.len()
        )));
    }
    Ok(items)
}

/// Refuses, with a message that names what arrived, an IssuerSigned, a
/// Document or a DeviceResponse given where another of the three is
/// `expected`: the three are told apart by their keys, and a caller who
/// passed the wrong one needs to hear that, not "unknown key".
pub(crate) fn refuse_other_kind(has: impl Fn(&str) -> bool, expected: &str) -> Result<()> {
    let (found, advice) = if has("version") && (has("documents") || has("status")) {
        (
            "DeviceResponse",
            "verify it as a response, with the session transcript (Verifier::verify_response)",
        )
    } else if has("docType") && has("issuerSigned") {
        (
            "Document",
            "verify the DeviceResponse that carries it (Verifier::verify_response)",
        )
    } else if has("issuerAuth") {
        (
            "IssuerSigned",
            "verify it as an IssuerSigned, without a transcript (Verifier::verify)",
        )
    } else {
        return Ok(());
    };
    if found == expected {
        return Ok(());
    }
    let article = |kind: &str| if kind.starts_with('I') { "an" } else { "a" };
    Err(Error::InvalidStructure(format!(
        "this is {} {found}, not {} {expected}: {advice}",
        article(found),
        article(expected)
    )))
}

fn error_code(item: Item<'_>) -> Result<ErrorCode> {
    match item.integer() {
        Some(i) => i64::try_from(i)
            .map(ErrorCode::from_code)
            .map_err(|_| Error::InvalidStructure("error code out of range".into())),
        None => Err(Error::InvalidStructure(
            "error code must be an integer".into(),
        )),
    }
}

fn errors_value(errors: &ElementErrors) -> Value {
    cbor::text_map(errors.iter().map(|(ns, codes)| {
        (
            ns.clone(),
            cbor::text_map(
                codes
                    .iter()
                    .map(|(e, c)| (e.clone(), Value::from(c.code()))),
            ),
        )
    }))
}

/// Whether every key of `device_keys` is one and the same key (true for
/// none or one): whether the documents of a response are bound to one
/// device, and so most likely belong to one holder.
///
/// Each document of a response proves possession of its own device key,
/// so two holders' documents, each holder-bound, can be combined into one
/// response. A verifier that asks for several documents of one person
/// requires this of the verified documents' keys (the MSO device keys,
/// after verification).
pub fn one_device_key<'a>(device_keys: impl IntoIterator<Item = &'a PublicKey>) -> bool {
    let mut keys = device_keys.into_iter();
    match keys.next() {
        None => true,
        Some(first) => keys.all(|key| key == first),
    }
}

/// A DeviceResponse.
#[derive(Debug, Clone)]
pub struct DeviceResponse {
    /// Version, "1.0".
    pub version: String,
    /// The returned documents.
    pub documents: Vec<Document>,
    /// Doc types that could not be returned, with their error codes.
    pub document_errors: Vec<(String, ErrorCode)>,
    /// Response status.
    pub status: ResponseStatus,
}

impl DeviceResponse {
    /// Decodes a DeviceResponse (bounded decoding).
    pub fn from_slice(bytes: &[u8]) -> Result<DeviceResponse> {
        DeviceResponse::from_item(cbor::scan(bytes, &cbor::Limits::DEFAULT)?)
    }

    /// Reads a DeviceResponse from its CBOR map: encodes it and reads it as
    /// [`DeviceResponse::from_slice`] does, under the same limits and rules.
    pub fn from_value(value: &Value) -> Result<DeviceResponse> {
        DeviceResponse::from_slice(&cbor::encode(value)?)
    }

    /// Reads a DeviceResponse in place from its scanned map.
    fn from_item(item: Item<'_>) -> Result<DeviceResponse> {
        let (mut response, name_spaces) = DeviceResponse::parts_from_item(item)?;
        for (document, name_spaces) in response.documents.iter_mut().zip(name_spaces) {
            document.issuer_signed.set_name_spaces(name_spaces);
        }
        Ok(response)
    }

    /// Reads a DeviceResponse as [`DeviceResponse::from_slice`] does,
    /// keeping each document's disclosed items as `T`s beside documents that
    /// hold none (one entry per document, in order).
    pub(crate) fn parts_from_slice<'a, T: DecodedItem<'a>>(
        bytes: &'a [u8],
    ) -> Result<(DeviceResponse, Vec<NameSpaces<T>>)> {
        DeviceResponse::parts_from_item(cbor::scan(bytes, &cbor::Limits::DEFAULT)?)
    }

    fn parts_from_item<'a, T: DecodedItem<'a>>(
        item: Item<'a>,
    ) -> Result<(DeviceResponse, Vec<NameSpaces<T>>)> {
        let what = "DeviceResponse";
        let map = item.map(what)?;
        refuse_other_kind(|key| map.get(key).is_some(), what)?;
        let version = map.require("version", what)?.text("version")?.to_string();
        if !version.starts_with("1.") {
            return Err(Error::InvalidStructure(format!(
                "DeviceResponse version {version:?} is not 1.x",
                version = excerpt(&version)
            )));
        }
        let mut documents = Vec::new();
        let mut name_spaces = Vec::new();
        if let Some(docs) = map.get("documents") {
            for document in limited(&docs.array("documents")?, MAX_DOCUMENTS, "documents")? {
                let (document, items) = Document::parts_from_item(*document)?;
                documents.push(document);
                name_spaces.push(items);
            }
        }
        let mut document_errors = Vec::new();
        if let Some(errors) = map.get("documentErrors") {
            for entry in errors.array("documentErrors")? {
                for (doc_type, code) in entry.map("DocumentError")?.entries() {
                    document_errors.push((
                        doc_type.text("DocumentError docType")?.to_string(),
                        error_code(*code)?,
                    ));
                }
            }
        }
        let status = ResponseStatus::from_code(map.require("status", what)?.u64("status")?);
        Ok((
            DeviceResponse {
                version,
                documents,
                document_errors,
                status,
            },
            name_spaces,
        ))
    }

    /// Encodes the response.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        let mut entries = vec![("version", Value::Text(self.version.clone()))];
        if !self.documents.is_empty() {
            entries.push((
                "documents",
                Value::Array(
                    self.documents
                        .iter()
                        .map(Document::to_value)
                        .collect::<Result<Vec<_>>>()?,
                ),
            ));
        }
        if !self.document_errors.is_empty() {
            entries.push((
                "documentErrors",
                Value::Array(
                    self.document_errors
                        .iter()
                        .map(|(t, c)| cbor::text_map([(t.clone(), Value::from(c.code()))]))
                        .collect(),
                ),
            ));
        }
        entries.push(("status", Value::from(self.status.code())));
        cbor::encode(&cbor::text_map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cose::{Algorithm, Signer as _, SoftwareKey};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    /// A deviceMac's protected header, decoded by the crate where its scan
    /// accepts it, reads as coset reads it by itself; one the scan refuses
    /// is left to coset. Over headers of several shapes, well formed or not.
    #[test]
    fn a_mac_protected_header_reads_as_coset_reads_it() {
        let map = |entries: Vec<(Value, Value)>| cbor::encode(&Value::Map(entries)).unwrap();
        let alg = (Value::from(1), Value::from(5));
        let headers: Vec<Vec<u8>> = vec![
            Vec::new(),
            map(vec![alg.clone()]),
            map(vec![
                alg.clone(),
                (Value::from(2), Value::Array(vec![Value::from(-70_000)])),
            ]),
            map(vec![
                alg.clone(),
                (Value::Text("x".into()), Value::Bytes(vec![1])),
            ]),
            map(vec![(Value::from(1), Value::Text("HS256".into()))]),
            map(vec![(Value::from(4), Value::Bytes(b"kid".to_vec()))]),
            // A key twice, an indefinite-length map, trailing bytes, a map
            // cut short, a text that is not UTF-8, not a map at all.
            vec![0xa2, 0x01, 0x05, 0x01, 0x05],
            vec![0xbf, 0x01, 0x05, 0xff],
            vec![0xa1, 0x01, 0x05, 0x00],
            vec![0xa2, 0x01, 0x05],
            vec![0xa1, 0x01, 0x61, 0xff],
            vec![0x05],
        ];
        for header in headers {
            let mac = Value::Array(vec![
                Value::Bytes(header.clone()),
                Value::Map(vec![]),
                Value::Null,
                Value::Bytes(vec![9; 32]),
            ]);
            let by_coset = CoseMac0::from_cbor_value(mac.clone())
                .map_err(|e| format!("deviceMac: {}", cose::describe_cose_error(&e)));
            let read = device_mac(mac).map_err(|e| match e {
                Error::CoseMalformed(message) => message,
                other => other.to_string(),
            });
            match (&read, &by_coset) {
                (Ok(read), Ok(by_coset)) => {
                    assert_eq!(read, by_coset, "{}", hex::encode(&header));
                }
                // The rule of COSE_Sign1 on critical labels comes after.
                (Err(_), Ok(by_coset)) => assert!(
                    crate::cose::check_critical(&by_coset.protected.header).is_err(),
                    "{}: {read:?}",
                    hex::encode(&header)
                ),
                _ => assert_eq!(read, by_coset, "{}", hex::encode(&header)),
            }
        }
    }

    #[test]
    fn one_device_key_holds_only_when_every_key_is_the_same() {
        let key = |seed| {
            SoftwareKey::generate(Algorithm::Es256, &mut ChaCha20Rng::seed_from_u64(seed))
                .public_key()
        };
        let (a, b) = (key(1), key(2));
        assert!(one_device_key([]));
        assert!(one_device_key([&a]));
        assert!(one_device_key([&a, &a.clone(), &a]));
        assert!(!one_device_key([&a, &b]));
        assert!(!one_device_key([&a, &a, &b]));
    }
}
