//! Responses through the Digital Credentials API (ISO/IEC TS 18013-7
//! Annex C): the wallet seals the DeviceResponse with HPKE to the reader's
//! key, bound to the reader's origin through the transcript; the reader
//! opens it here and verifies the plaintext like any DeviceResponse.

use std::sync::Arc;

use docbridge::cbor;
use docbridge::dcapi::EncryptedResponse;

use crate::error::Result;
use crate::session::EphemeralKey;

/// Opens an EncryptedResponse (`["dcapi", {"enc", "cipherText"}]`, the
/// bytes of the wallet's base64url `response`) with the reader's HPKE key
/// and the SessionTranscriptBytes the reader built itself (for example
/// with `dcapi_transcript`): the DeviceResponse, to pass to
/// `Verifier.verifyDeviceResponse` with the same transcript. Refused with
/// `dcapi_malformed` (not an EncryptedResponse), `cbor_not_tag24` (the
/// transcript is not SessionTranscriptBytes), `invalid_key` (`enc` is no
/// P-256 point) and `response_decryption_failed` (sealed to another key,
/// origin or request, or altered). Opening does not use up the key, which
/// is not used for a proximity session here.
#[uniffi::export]
pub fn open_dcapi_response(
    encrypted_response: Vec<u8>,
    transcript: Vec<u8>,
    reader_key: Arc<EphemeralKey>,
) -> Result<Vec<u8>> {
    let response = EncryptedResponse::from_slice(&encrypted_response)?;
    // The HPKE info is the SessionTranscript array itself, inside the
    // tag 24 the verifier's transcript carries.
    let decoded = cbor::decode(&transcript)?;
    let session_transcript = cbor::untag24(&decoded, "SessionTranscriptBytes")?;
    Ok(response.open(&reader_key.secret(), session_transcript)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DocbridgeError;
    use crate::transcript::dcapi_transcript;

    const INFO: &str = "omVub25jZUgAAQIDBAUGB3JyZWNpcGllbnRQdWJsaWNLZXn2";
    const DEVICE_RESPONSE: &[u8] = b"\xa1\x67version\x631.0";

    fn sealed_to(key: &EphemeralKey, origin: &str) -> Vec<u8> {
        let transcript = dcapi_transcript(INFO.into(), origin.into()).unwrap();
        let decoded = cbor::decode(&transcript).unwrap();
        let array = cbor::untag24(&decoded, "test").unwrap();
        let mut rng = docbridge::rng::system();
        EncryptedResponse::seal(&key.secret().public_key(), array, DEVICE_RESPONSE, &mut rng)
            .unwrap()
            .to_vec()
            .unwrap()
    }

    fn code(result: Result<Vec<u8>>) -> String {
        match result {
            Err(DocbridgeError::Refused { code, .. }) => code,
            Ok(_) => "opened".into(),
        }
    }

    #[test]
    fn a_response_sealed_to_the_key_and_origin_opens_to_the_plaintext() {
        let key = EphemeralKey::generate();
        let sealed = sealed_to(&key, "https://verifier.example");
        let transcript = dcapi_transcript(INFO.into(), "https://verifier.example".into()).unwrap();
        let opened = open_dcapi_response(sealed, transcript, key).unwrap();
        assert_eq!(opened, DEVICE_RESPONSE);
    }

    #[test]
    fn another_origin_or_key_is_response_decryption_failed() {
        let key = EphemeralKey::generate();
        let sealed = sealed_to(&key, "https://verifier.example");
        let phishing =
            dcapi_transcript(INFO.into(), "https://verifier.example.evil".into()).unwrap();
        assert_eq!(
            code(open_dcapi_response(sealed.clone(), phishing, key)),
            "response_decryption_failed"
        );
        let genuine = dcapi_transcript(INFO.into(), "https://verifier.example".into()).unwrap();
        assert_eq!(
            code(open_dcapi_response(
                sealed,
                genuine,
                EphemeralKey::generate()
            )),
            "response_decryption_failed"
        );
    }

    #[test]
    fn malformed_responses_and_transcripts_keep_their_codes() {
        let key = EphemeralKey::generate();
        let transcript = dcapi_transcript(INFO.into(), "https://verifier.example".into()).unwrap();
        // ["dcapi", {}]: the right shape of array, no members.
        let empty = b"\x82\x65dcapi\xa0".to_vec();
        assert_eq!(
            code(open_dcapi_response(empty, transcript, key.clone())),
            "dcapi_malformed"
        );
        let sealed = sealed_to(&key, "https://verifier.example");
        // The bare SessionTranscript array, not wrapped in tag 24.
        let bare = b"\x83\xf6\xf6\xf6".to_vec();
        assert_eq!(
            code(open_dcapi_response(sealed, bare, key)),
            "cbor_not_tag24"
        );
    }
}
