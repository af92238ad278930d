//! One presented document: the approved issuer-signed items, the requested
//! ones not returned, and the device signature over the session.

use ciborium::value::Value;

use crate::cbor;
use crate::cose::{Sign1Options, Signer, sign1};
use crate::device_auth::device_authentication_bytes;
use crate::device_response::{
    DeviceAuth, DeviceSigned, Document, ERROR_DATA_NOT_RETURNED, ElementErrors,
};
use crate::error::{Error, Result};
use crate::holder::prepared::PreparedRequest;
use crate::issuer_signed::IssuerSigned;

/// The signer among `signers` that holds `stored`'s device key.
pub(crate) fn signer_for<'s>(
    stored: &IssuerSigned,
    signers: &[&'s dyn Signer],
) -> Result<&'s dyn Signer> {
    let mso = stored.mso_unverified()?;
    signers
        .iter()
        .find(|signer| signer.public_key() == mso.device_key_info.device_key)
        .copied()
        .ok_or_else(|| {
            Error::InvalidKey(format!(
                "no device signer holds the device key of the {} document",
                mso.doc_type
            ))
        })
}

/// Discloses the items of `stored` that `approved` allows, reports the
/// other requested elements as not returned (approved or not: a reader
/// cannot tell a declined element from an absent one), and signs the device
/// authentication with `device_signer`.
pub(crate) fn disclose(
    stored: &IssuerSigned,
    request: &PreparedRequest,
    approved: &dyn Fn(&str, &str) -> bool,
    session_transcript_bytes: &[u8],
    device_signer: &dyn Signer,
) -> Result<Document> {
    let mso = stored.mso_unverified()?;
    let mut disclosed = stored.clone();
    disclosed.retain(|ns, element| {
        request
            .elements()
            .iter()
            .any(|e| e.namespace == ns && e.element == element)
            && approved(ns, element)
    });
    let mut errors = ElementErrors::new();
    for requested in request.elements() {
        let returned = disclosed.name_spaces().iter().any(|(ns, items)| {
            *ns == requested.namespace
                && items
                    .iter()
                    .any(|i| i.item().element_identifier == requested.element)
        });
        if !returned {
            errors
                .entry(requested.namespace.clone())
                .or_default()
                .insert(requested.element.clone(), ERROR_DATA_NOT_RETURNED);
        }
    }

    // No device-signed elements: everything disclosed is issuer-signed.
    let device_name_spaces = cbor::encode(&Value::Map(Vec::new()))?;
    let payload =
        device_authentication_bytes(session_transcript_bytes, &mso.doc_type, &device_name_spaces)?;
    let signature = sign1(
        device_signer,
        &payload,
        &Sign1Options {
            detached: true,
            ..Sign1Options::default()
        },
    )?;
    Ok(Document::new(
        mso.doc_type.clone(),
        disclosed,
        DeviceSigned::new(device_name_spaces, DeviceAuth::Signature(signature)),
        errors,
    ))
}
