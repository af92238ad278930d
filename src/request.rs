//! Requests: DeviceRequest, DocRequest and ItemsRequest (ISO/IEC 18013-5
//! section 8.3.2.1.2.1), built by readers and parsed by holders, with
//! optional reader authentication.
//!
//! readerAuth is a COSE_Sign1 with a detached payload,
//! ReaderAuthenticationBytes = `#6.24(["ReaderAuthentication",
//! SessionTranscript, ItemsRequestBytes])`, and the reader certificate in
//! x5chain. The holder checks it against its own store of reader roots.

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::OffsetDateTime;

use crate::cbor::{self, as_array, as_map, as_text, map_get, map_require};
use crate::cose::{Sign1, Sign1Options, Signer, sign1};
use crate::error::{Error, Result, excerpt};
use crate::transcript;
use crate::x509::{self, Certificate};

/// Most document requests accepted in one DeviceRequest: the holder signs
/// once per request, possibly with a hardware key that asks the user, so a
/// reader cannot make it sign without end.
pub const MAX_DOC_REQUESTS: usize = 16;

/// DeviceRequest version written and accepted.
pub const DEVICE_REQUEST_VERSION: &str = "1.0";

/// What a reader asks of one document: element -> intentToRetain, per namespace.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ItemsRequest {
    /// The requested doc type.
    pub doc_type: String,
    /// Requested elements per namespace, each with intentToRetain.
    pub name_spaces: BTreeMap<String, BTreeMap<String, bool>>,
    /// Further request information, kept as received.
    pub request_info: Option<Value>,
}

impl ItemsRequest {
    /// A request for `doc_type` with no element yet.
    pub fn new(doc_type: impl Into<String>) -> ItemsRequest {
        ItemsRequest {
            doc_type: doc_type.into(),
            ..ItemsRequest::default()
        }
    }

    /// Adds a requested element.
    pub fn element(mut self, namespace: &str, element: &str, intent_to_retain: bool) -> Self {
        self.name_spaces
            .entry(namespace.to_string())
            .or_default()
            .insert(element.to_string(), intent_to_retain);
        self
    }

    /// Whether `element` of `namespace` is requested.
    pub fn requests(&self, namespace: &str, element: &str) -> bool {
        self.name_spaces
            .get(namespace)
            .is_some_and(|m| m.contains_key(element))
    }

    fn to_value(&self) -> Value {
        let mut entries = vec![
            ("docType", Value::Text(self.doc_type.clone())),
            (
                "nameSpaces",
                cbor::text_map(self.name_spaces.iter().map(|(ns, elements)| {
                    (
                        ns.clone(),
                        cbor::text_map(
                            elements
                                .iter()
                                .map(|(e, retain)| (e.clone(), Value::Bool(*retain))),
                        ),
                    )
                })),
            ),
        ];
        if let Some(info) = &self.request_info {
            entries.push(("requestInfo", info.clone()));
        }
        cbor::text_map(entries)
    }

    fn from_value(value: &Value) -> Result<ItemsRequest> {
        let what = "ItemsRequest";
        let map = as_map(value, what)?;
        let doc_type = as_text(map_require(map, "docType", what)?, "docType")?.to_string();
        let mut name_spaces = BTreeMap::new();
        for (ns, elements) in as_map(map_require(map, "nameSpaces", what)?, "nameSpaces")? {
            let ns = as_text(ns, "namespace")?;
            let mut requested = BTreeMap::new();
            for (element, retain) in as_map(elements, "requested elements")? {
                let element = as_text(element, "element identifier")?;
                let retain = match retain {
                    Value::Bool(b) => *b,
                    _ => {
                        return Err(Error::InvalidStructure(format!(
                            "intentToRetain of {ns}/{element} must be a bool"
                        )));
                    }
                };
                requested.insert(element.to_string(), retain);
            }
            name_spaces.insert(ns.to_string(), requested);
        }
        Ok(ItemsRequest {
            doc_type,
            name_spaces,
            request_info: map_get(map, "requestInfo").cloned(),
        })
    }
}

/// One document request: the ItemsRequest bytes as received and the
/// optional reader authentication over them.
#[derive(Debug, Clone)]
pub struct DocRequest {
    items_request: ItemsRequest,
    items_request_bytes: Vec<u8>,
    reader_auth: Option<Sign1>,
}

impl DocRequest {
    /// The decoded request.
    pub fn items_request(&self) -> &ItemsRequest {
        &self.items_request
    }

    /// The encoded ItemsRequest (inside its tag 24), as received.
    pub fn items_request_bytes(&self) -> &[u8] {
        &self.items_request_bytes
    }

    /// The reader's signature, if the reader signed the request.
    pub fn reader_auth(&self) -> Option<&Sign1> {
        self.reader_auth.as_ref()
    }

    fn to_value(&self) -> Result<Value> {
        let mut entries = vec![(
            "itemsRequest",
            cbor::tag24(self.items_request_bytes.clone()),
        )];
        if let Some(auth) = &self.reader_auth {
            entries.push(("readerAuth", auth.to_value()?));
        }
        Ok(cbor::text_map(entries))
    }

    fn from_value(value: &Value) -> Result<DocRequest> {
        let map = as_map(value, "DocRequest")?;
        let bytes = cbor::untag24(
            map_require(map, "itemsRequest", "DocRequest")?,
            "itemsRequest",
        )?;
        let items_request = ItemsRequest::from_value(&cbor::decode(bytes)?)?;
        let reader_auth = map_get(map, "readerAuth")
            .map(|v| Sign1::from_value(v.clone()))
            .transpose()?;
        Ok(DocRequest {
            items_request,
            items_request_bytes: bytes.to_vec(),
            reader_auth,
        })
    }

    /// Checks readerAuth: the reader certificate (x5chain leaf) was issued
    /// directly by one of `reader_roots` (the two-level reader PKI of ISO/IEC
    /// 18013-5 Annex B; intermediates are not followed), fits the reader
    /// profile (extended key usage 1.0.18013.5.1.6) and is valid at `now`;
    /// the root is a CA certificate allowed to sign certificates and valid at
    /// `now`; and the signature verifies over ReaderAuthenticationBytes built
    /// from `session_transcript_bytes` and the ItemsRequest bytes as
    /// received. Returns the reader certificate.
    ///
    /// Codes: `reader_auth_missing` when the request is unsigned;
    /// `cose_malformed` when readerAuth carries an attached payload (ISO/IEC
    /// 18013-5 requires it detached: an attached one is content nobody
    /// checked, shown by [`Sign1::payload`]); `untrusted_reader` when no root
    /// issued the reader certificate; `certificate_profile` for a root that
    /// is not a CA; otherwise those of the certificate and signature checks.
    pub fn verify_reader(
        &self,
        reader_roots: &[Certificate],
        session_transcript_bytes: &[u8],
        now: OffsetDateTime,
    ) -> Result<Certificate> {
        self.authenticate_reader(reader_roots, session_transcript_bytes, now)
            .map(|authenticated| authenticated.leaf)
    }

    /// [`DocRequest::verify_reader`], also saying which root vouched for the
    /// reader and which chain it sent, so a holder can show both.
    pub(crate) fn authenticate_reader(
        &self,
        reader_roots: &[Certificate],
        session_transcript_bytes: &[u8],
        now: OffsetDateTime,
    ) -> Result<AuthenticatedReader> {
        let auth = self.reader_auth.as_ref().ok_or(Error::ReaderAuthMissing)?;
        if auth.payload().is_some() {
            return Err(Error::CoseMalformed(
                "readerAuth carries an attached payload; ISO/IEC 18013-5 requires it detached"
                    .into(),
            ));
        }
        let chain = auth
            .x5chain()?
            .iter()
            .map(|der| Certificate::from_der(der))
            .collect::<Result<Vec<_>>>()?;
        let leaf = chain.first().ok_or(Error::X5ChainMissing)?.clone();
        let root_index = reader_root_index(&leaf, reader_roots, now)?;
        let payload =
            reader_authentication_bytes(session_transcript_bytes, &self.items_request_bytes)?;
        auth.verify_detached(leaf.public_key(), &payload, b"")?;
        Ok(AuthenticatedReader {
            leaf,
            chain,
            root_index,
        })
    }
}

/// Which of `reader_roots` issued the reader certificate `leaf`, checking
/// the reader profile, both validities at `now` and that the root is a CA
/// with keyCertSign (`untrusted_reader` when none issued it).
pub(crate) fn reader_root_index(
    leaf: &Certificate,
    reader_roots: &[Certificate],
    now: OffsetDateTime,
) -> Result<usize> {
    x509::check_reader_profile(leaf)?;
    leaf.check_validity_at(now)?;
    let root_index = reader_roots
        .iter()
        .position(|root| leaf.verify_issued_by(root).is_ok())
        .ok_or_else(|| Error::UntrustedReader(excerpt(leaf.subject()).to_string()))?;
    let root = reader_roots
        .get(root_index)
        .ok_or_else(|| Error::UntrustedReader(excerpt(leaf.subject()).to_string()))?;
    // A pinned end-entity certificate must not act as a root: anyone
    // holding its key could mint reader certificates under any name.
    if !root.is_ca() || !root.key_usage().is_some_and(|ku| ku.key_cert_sign) {
        return Err(Error::CertificateProfile(format!(
            "reader root {:?} is not a CA certificate with keyCertSign",
            excerpt(root.subject())
        )));
    }
    root.check_validity_at(now)?;
    Ok(root_index)
}

/// A reader whose readerAuth verified: its certificate, the chain it sent
/// (leaf first) and the position of the root that issued it.
#[derive(Debug, Clone)]
pub(crate) struct AuthenticatedReader {
    pub(crate) leaf: Certificate,
    pub(crate) chain: Vec<Certificate>,
    pub(crate) root_index: usize,
}

/// ReaderAuthenticationBytes for a transcript and ItemsRequest bytes.
fn reader_authentication_bytes(
    session_transcript_bytes: &[u8],
    items_request_bytes: &[u8],
) -> Result<Vec<u8>> {
    transcript::authentication_bytes(
        "ReaderAuthentication",
        session_transcript_bytes,
        &[cbor::tag24(items_request_bytes.to_vec())],
    )
}

/// A DeviceRequest: one DocRequest per document the reader asks for.
#[derive(Debug, Clone)]
pub struct DeviceRequest {
    version: String,
    doc_requests: Vec<DocRequest>,
}

impl DeviceRequest {
    /// Builds a request, signing each ItemsRequest with `reader` (key and
    /// certificate chain, leaf first) when given.
    pub fn build(
        requests: &[ItemsRequest],
        reader: Option<(&dyn Signer, &[Certificate])>,
        session_transcript_bytes: &[u8],
    ) -> Result<DeviceRequest> {
        if requests.is_empty() || requests.len() > MAX_DOC_REQUESTS {
            return Err(Error::InvalidArgument(format!(
                "a request asks for 1 to {MAX_DOC_REQUESTS} documents, not {}",
                requests.len()
            )));
        }
        let mut doc_requests = Vec::with_capacity(requests.len());
        for request in requests {
            let items_request_bytes = cbor::encode(&request.to_value())?;
            let reader_auth = match reader {
                None => None,
                Some((signer, chain)) => {
                    let payload = reader_authentication_bytes(
                        session_transcript_bytes,
                        &items_request_bytes,
                    )?;
                    Some(sign1(
                        signer,
                        &payload,
                        &Sign1Options {
                            x5chain: chain.iter().map(|c| c.der().to_vec()).collect(),
                            detached: true,
                            ..Sign1Options::default()
                        },
                    )?)
                }
            };
            doc_requests.push(DocRequest {
                items_request: request.clone(),
                items_request_bytes,
                reader_auth,
            });
        }
        Ok(DeviceRequest {
            version: DEVICE_REQUEST_VERSION.to_string(),
            doc_requests,
        })
    }

    /// Decodes a DeviceRequest (bounded decoding).
    pub fn from_slice(bytes: &[u8]) -> Result<DeviceRequest> {
        let value = cbor::decode(bytes)?;
        let what = "DeviceRequest";
        let map = as_map(&value, what)?;
        let version = as_text(map_require(map, "version", what)?, "version")?.to_string();
        if !version.starts_with("1.") {
            return Err(Error::InvalidStructure(format!(
                "DeviceRequest version {version:?} is not 1.x",
                version = excerpt(&version)
            )));
        }
        let doc_requests = as_array(map_require(map, "docRequests", what)?, "docRequests")
            .and_then(|all| crate::device_response::limited(all, MAX_DOC_REQUESTS, "docRequests"))?
            .iter()
            .map(DocRequest::from_value)
            .collect::<Result<Vec<_>>>()?;
        Ok(DeviceRequest {
            version,
            doc_requests,
        })
    }

    /// Encodes the request.
    pub fn to_vec(&self) -> Result<Vec<u8>> {
        let doc_requests = self
            .doc_requests
            .iter()
            .map(DocRequest::to_value)
            .collect::<Result<Vec<_>>>()?;
        cbor::encode(&cbor::text_map([
            ("version", Value::Text(self.version.clone())),
            ("docRequests", Value::Array(doc_requests)),
        ]))
    }

    /// The request version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The document requests.
    pub fn doc_requests(&self) -> &[DocRequest] {
        &self.doc_requests
    }
}
