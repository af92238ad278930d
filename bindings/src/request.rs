//! Building a DeviceRequest, the reader's side of a presentation.

use docbridge::{Certificate, DeviceRequest, ItemsRequest, SoftwareKey};

use crate::error::Result;

/// What to ask of one document type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentItems {
    /// The doc type, for example `org.iso.18013.5.1.mDL`.
    pub doc_type: String,
    /// The elements asked for.
    pub elements: Vec<ItemToRequest>,
}

/// One element to ask for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ItemToRequest {
    /// Its namespace.
    pub namespace: String,
    /// Its identifier.
    pub identifier: String,
    /// Whether the reader will keep the value.
    pub intent_to_retain: bool,
}

/// A DeviceRequest for `documents`, signed with the reader's key (PKCS#8
/// PEM) and certificate chain (leaf first, PEM or DER each) over
/// `transcript` when a key is given, unsigned otherwise.
#[uniffi::export]
pub fn build_device_request(
    documents: Vec<DocumentItems>,
    reader_key_pem: Option<String>,
    reader_chain: Vec<Vec<u8>>,
    transcript: Vec<u8>,
) -> Result<Vec<u8>> {
    let requests: Vec<ItemsRequest> = documents
        .iter()
        .map(|d| {
            d.elements
                .iter()
                .fold(ItemsRequest::new(d.doc_type.clone()), |r, e| {
                    r.element(&e.namespace, &e.identifier, e.intent_to_retain)
                })
        })
        .collect();
    let chain = reader_chain
        .iter()
        .map(|c| Certificate::load_one(c))
        .collect::<docbridge::Result<Vec<_>>>()?;
    let key = reader_key_pem
        .map(|pem| SoftwareKey::from_pkcs8_pem(&pem))
        .transpose()?;
    let reader = key
        .as_ref()
        .map(|k| (k as &dyn docbridge::Signer, chain.as_slice()));
    Ok(DeviceRequest::build(&requests, reader, &transcript)?.to_vec()?)
}
