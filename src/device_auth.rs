//! Device authentication (mdoc authentication, ISO/IEC 18013-5 section
//! 9.1.3): proof that the phone presenting a document holds the key the
//! issuer bound it to, for this session.
//!
//! The verifier rebuilds DeviceAuthenticationBytes from its **own**
//! session transcript, the document's doc type and the DeviceNameSpacesBytes
//! as received, then checks deviceSignature with the MSO device key, or
//! deviceMac (HMAC-SHA-256 under EMacKey, derived from the reader's
//! ephemeral private key and the MSO device key). A response recorded in one
//! session fails in any other.

use ciborium::value::Value;
use coset::{RegisteredLabelWithPrivate, iana};
use subtle::ConstantTimeEq as _;

use crate::cbor;
use crate::device_response::{DeviceAuth, Document};
use crate::error::{Error, Result};
use crate::mso::MobileSecurityObject;
use crate::transcript;

/// DeviceAuthenticationBytes = `#6.24(["DeviceAuthentication",
/// SessionTranscript, DocType, DeviceNameSpacesBytes])`: what the holder's
/// deviceSignature or deviceMac covers, with the transcript and the device
/// namespaces spliced in as received.
///
/// The holder signs it ([`crate::present`]) and the verifier rebuilds it from
/// its own transcript; public for holders that sign outside this crate (a
/// device key in a platform keystore driven by other code) and for test
/// suites that forge device authentication. Codes: those of
/// `session_transcript_bytes` that are not tag 24 around one CBOR array
/// (`cbor_*`, `invalid_structure`); `device_name_spaces` is wrapped as it is.
pub fn device_authentication_bytes(
    session_transcript_bytes: &[u8],
    doc_type: &str,
    device_name_spaces: &[u8],
) -> Result<Vec<u8>> {
    transcript::authentication_bytes(
        "DeviceAuthentication",
        session_transcript_bytes,
        &[
            Value::Text(doc_type.to_string()),
            cbor::tag24(device_name_spaces.to_vec()),
        ],
    )
}

/// Checks the device authentication of `document` against its verified MSO.
///
/// `reader_key` is the reader's ephemeral P-256 private key (the type the
/// [`crate::session`] functions take), needed only for deviceMac. Codes:
/// `cose_malformed` (an attached payload, see [`refuse_attached_payload`]),
/// `device_signature_invalid`, `device_mac_invalid`,
/// `device_key_unauthorized`, `invalid_argument` (deviceMac without the
/// reader key), `session_unsupported_curve` (deviceMac with a device key that
/// is not P-256).
pub(crate) fn verify_device_auth(
    document: &Document,
    mso: &MobileSecurityObject,
    session_transcript_bytes: &[u8],
    reader_key: Option<&p256::SecretKey>,
) -> Result<()> {
    check_key_authorizations(document, mso)?;
    let device_signed = document.device_signed();
    let payload = device_authentication_bytes(
        session_transcript_bytes,
        document.doc_type(),
        device_signed.name_spaces_bytes(),
    )?;
    let device_key = &mso.device_key_info.device_key;
    refuse_attached_payload(device_signed.device_auth())?;
    match device_signed.device_auth() {
        DeviceAuth::Signature(signature) => signature
            .verify_detached(device_key, &payload, b"")
            .map_err(|e| Error::DeviceSignatureInvalid(format!("{}: {e}", document.doc_type()))),
        DeviceAuth::Mac(mac) => {
            let reader_key = reader_key.ok_or_else(|| {
                Error::InvalidArgument("deviceMac needs the reader's ephemeral private key".into())
            })?;
            let hmac_256 = RegisteredLabelWithPrivate::Assigned(iana::Algorithm::HMAC_256_256);
            if mac.protected.header.alg.as_ref() != Some(&hmac_256) {
                return Err(Error::DeviceMacInvalid(
                    "protected algorithm is not HMAC 256/256".into(),
                ));
            }
            let key =
                crate::session::derive_emac_key(reader_key, device_key, session_transcript_bytes)
                    .map_err(|e| match e {
                    // A reader key or device key the MAC cannot be agreed with
                    // keeps its own code; anything else is a failed MAC.
                    Error::SessionUnsupportedCurve(_) | Error::InvalidArgument(_) => e,
                    other => Error::DeviceMacInvalid(format!("key agreement: {other}")),
                })?;
            let data = crate::cose::to_be_authenticated("MAC0", &mac.protected, b"", &payload)?;
            let expected = crate::provider::get_default()
                .hmac_sha256(key.as_slice(), &data)
                .map_err(|e| Error::DeviceMacInvalid(e.to_string()))?;
            // Compared in constant time: a tag compared byte by byte would
            // tell an attacker how many leading bytes it has right.
            if bool::from(expected.as_slice().ct_eq(mac.tag.as_slice())) {
                Ok(())
            } else {
                Err(Error::DeviceMacInvalid(document.doc_type().to_string()))
            }
        }
    }
}

/// ISO/IEC 18013-5 (9.1.3.4, 9.1.3.5) sends deviceSignature and deviceMac
/// with a detached (null) payload. An attached one is refused rather than
/// ignored: it would be content that nobody checked, yet a caller reading
/// the structure would see it as the signed payload.
fn refuse_attached_payload(device_auth: &DeviceAuth) -> Result<()> {
    let (what, attached) = match device_auth {
        DeviceAuth::Signature(signature) => ("deviceSignature", signature.payload().is_some()),
        DeviceAuth::Mac(mac) => ("deviceMac", mac.payload.is_some()),
    };
    if attached {
        return Err(Error::CoseMalformed(format!(
            "{what} carries an attached payload; ISO/IEC 18013-5 requires it detached"
        )));
    }
    Ok(())
}

/// Every device-signed element must be allowed by the MSO keyAuthorizations;
/// with none recorded, no element may be device-signed.
fn check_key_authorizations(document: &Document, mso: &MobileSecurityObject) -> Result<()> {
    let device_elements = document.device_signed().name_spaces()?;
    let authorizations = mso.device_key_info.key_authorizations.as_ref();
    for (ns, elements) in &device_elements {
        let whole_namespace = authorizations.is_some_and(|a| a.name_spaces.contains(ns));
        for element in elements.keys() {
            let single = authorizations.is_some_and(|a| {
                a.data_elements
                    .get(ns)
                    .is_some_and(|allowed| allowed.contains(element))
            });
            if !whole_namespace && !single {
                return Err(Error::DeviceKeyUnauthorized(format!("{ns}/{element}")));
            }
        }
    }
    Ok(())
}
