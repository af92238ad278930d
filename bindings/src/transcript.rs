//! SessionTranscriptBytes builders: the reader and the holder must build
//! byte-equal transcripts, so the apps take them from here.

use crate::error::Result;

/// ISO/IEC 18013-5 proximity transcript from the bytes as exchanged: the
/// device engagement, the reader's ephemeral COSE_Key, and the handover
/// (`None` for QR engagement, the CBOR NFC handover array otherwise).
#[uniffi::export]
pub fn proximity_transcript(
    device_engagement: Vec<u8>,
    e_reader_key: Vec<u8>,
    handover: Option<Vec<u8>>,
) -> Result<Vec<u8>> {
    let handover = match handover {
        None => docbridge::deps::ciborium::value::Value::Null,
        Some(bytes) => docbridge::cbor::decode(&bytes)?,
    };
    Ok(docbridge::transcript::proximity(
        &device_engagement,
        &e_reader_key,
        handover,
    )?)
}

/// ISO/IEC 18013-7 Annex B (OpenID4VP) transcript.
#[uniffi::export]
pub fn openid4vp_transcript(
    client_id: String,
    response_uri: String,
    nonce: String,
    mdoc_generated_nonce: String,
) -> Result<Vec<u8>> {
    Ok(docbridge::transcript::openid4vp(
        &client_id,
        &response_uri,
        &nonce,
        &mdoc_generated_nonce,
    )?)
}

/// The project's backend-to-backend transcript: the checking party names
/// itself and sends a fresh nonce of at least 16 bytes.
#[uniffi::export]
pub fn backend_nonce_transcript(verifier: String, nonce: Vec<u8>) -> Result<Vec<u8>> {
    Ok(docbridge::transcript::backend_nonce(&verifier, &nonce)?)
}

/// ISO/IEC TS 18013-7 Annex C (Digital Credentials API) transcript: the
/// Base64EncryptionInfo the reader put in its request and the origin the
/// browser or platform reports for the reader's page. The reader builds it
/// from its own request, never from the wallet's answer, so a response
/// meant for another origin does not open.
#[uniffi::export]
pub fn dcapi_transcript(base64_encryption_info: String, origin: String) -> Result<Vec<u8>> {
    let array =
        docbridge::dcapi::encryption_info::session_transcript(&base64_encryption_info, &origin)?;
    Ok(docbridge::cbor::encode(&docbridge::cbor::tag24(array))?)
}
