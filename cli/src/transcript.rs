//! `docbridge transcript ...`: SessionTranscriptBytes for every way a
//! session starts (ISO/IEC 18013-5 proximity by QR or NFC, OpenID4VP in
//! its ISO/IEC 18013-7 draft form and its 1.0 forms, the project's backend
//! handover). Every transcript is the library's (`docbridge::transcript`,
//! `docbridge::oid4vp::handover`); this module only gathers the inputs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use docbridge::PublicKey;
use docbridge::engagement::from_qr_uri;
use docbridge::engagement::handover::{Handover, nfc_handover};
use docbridge::oid4vp::handover as oid4vp;

use super::{ToolError, read_cbor, system_rng, write};
use crate::input::read_engagement;

#[derive(Subcommand)]
pub(crate) enum TranscriptCommand {
    /// SessionTranscriptBytes for a backend-to-backend check: the verifier's
    /// name and a fresh random nonce.
    #[command(after_help = "Example:\n  \
        docbridge transcript backend --verifier \"mObywatel backend\" --out t.bin")]
    Backend {
        /// The checking party's name.
        #[arg(long)]
        verifier: String,
        /// The nonce as hex (default: 32 fresh random bytes).
        #[arg(long)]
        nonce_hex: Option<String>,
        /// Output file (binary SessionTranscriptBytes).
        #[arg(long)]
        out: PathBuf,
    },
    /// SessionTranscriptBytes of ISO/IEC 18013-5 proximity:
    /// [DeviceEngagementBytes, EReaderKeyBytes, Handover], the handover
    /// null for a QR engagement, the NFC messages for an NFC one.
    #[command(after_help = "Examples:\n  \
        docbridge transcript proximity --device-engagement qr.txt --e-reader-key reader.pub.pem --out t.bin\n  \
        docbridge transcript proximity --nfc-select hs.bin --nfc-request hr.bin \\\n      \
        --e-reader-key ereaderkey.cbor --out t.bin")]
    Proximity {
        /// The DeviceEngagement: its CBOR bytes, or the QR `mdoc:` URI
        /// (default with --nfc-select: the one the Handover Select carries).
        #[arg(long, required_unless_present = "nfc_select")]
        device_engagement: Option<PathBuf>,
        /// The reader's ephemeral key: its COSE_Key bytes as sent
        /// (EReaderKeyBytes' content), or a PEM public key.
        #[arg(long)]
        e_reader_key: PathBuf,
        /// The NFC Handover Select message as received (NFC engagement).
        #[arg(long)]
        nfc_select: Option<PathBuf>,
        /// The NFC Handover Request message as sent (negotiated handover;
        /// absent for static handover).
        #[arg(long, requires = "nfc_select")]
        nfc_request: Option<PathBuf>,
        /// Output file (binary SessionTranscriptBytes).
        #[arg(long)]
        out: PathBuf,
    },
    /// SessionTranscriptBytes of OpenID4VP for mso_mdoc: the 1.0 redirect
    /// flow (default), 1.0 over the Digital Credentials API, or the ISO/IEC
    /// 18013-7 draft form (Annex B, with the mdoc-generated nonce).
    #[command(after_help = "Examples:\n  \
        docbridge transcript openid4vp --client-id x509_san_dns:example.com \\\n      \
        --response-uri https://example.com/response --nonce NONCE --out t.bin\n  \
        docbridge transcript openid4vp --form dc-api --origin https://example.com --nonce NONCE --out t.bin\n  \
        docbridge transcript openid4vp --form iso18013-7 --client-id C --response-uri U \\\n      \
        --nonce NONCE --mdoc-generated-nonce M --out t.bin")]
    Openid4vp {
        /// Which handover.
        #[arg(long, value_enum, default_value = "redirect")]
        form: Oid4vpForm,
        /// The verifier's client_id (redirect, iso18013-7).
        #[arg(long)]
        client_id: Option<String>,
        /// The response_uri (redirect, iso18013-7).
        #[arg(long)]
        response_uri: Option<String>,
        /// The web origin (dc-api).
        #[arg(long)]
        origin: Option<String>,
        /// The verifier's nonce.
        #[arg(long)]
        nonce: String,
        /// The wallet's mdoc_generated_nonce (iso18013-7).
        #[arg(long)]
        mdoc_generated_nonce: Option<String>,
        /// The RFC 7638 SHA-256 thumbprint of the verifier's encryption key
        /// as hex, when the response is encrypted (redirect, dc-api).
        #[arg(long)]
        jwk_thumbprint_hex: Option<String>,
        /// Output file (binary SessionTranscriptBytes).
        #[arg(long)]
        out: PathBuf,
    },
}

/// The OpenID4VP handover forms.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Oid4vpForm {
    /// OpenID4VP 1.0, redirect (`direct_post`, `direct_post.jwt`):
    /// OpenID4VPHandover.
    Redirect,
    /// OpenID4VP 1.0 over the Digital Credentials API:
    /// OpenID4VPDCAPIHandover.
    DcApi,
    /// ISO/IEC 18013-7 Annex B (draft OpenID4VP): [clientIdHash,
    /// responseUriHash, nonce].
    #[value(name = "iso18013-7")]
    Iso18013_7,
}

pub(crate) fn run(command: TranscriptCommand) -> Result<ExitCode, ToolError> {
    let (bytes, out, what) = match command {
        TranscriptCommand::Backend {
            verifier,
            nonce_hex,
            out,
        } => {
            let nonce = match nonce_hex {
                Some(h) => decode_hex(&h)?,
                None => {
                    let mut n = vec![0u8; 32];
                    rand_core::Rng::fill_bytes(&mut system_rng(), &mut n);
                    n
                }
            };
            let bytes = docbridge::transcript::backend_nonce(&verifier, &nonce)?;
            (bytes, out, format!("backend transcript for {verifier:?}"))
        }
        TranscriptCommand::Proximity {
            device_engagement,
            e_reader_key,
            nfc_select,
            nfc_request,
            out,
        } => {
            let select = nfc_select.as_deref().map(read_cbor).transpose()?;
            let engagement = match (&device_engagement, &select) {
                (Some(path), _) => engagement_bytes(path)?,
                (None, Some(select)) => Handover::from_slice(select)?.device_engagement()?.to_vec(),
                (None, None) => {
                    return Err(ToolError::invalid(
                        "give --device-engagement or --nfc-select".into(),
                    ));
                }
            };
            let request = nfc_request.as_deref().map(read_cbor).transpose()?;
            let handover = match &select {
                Some(select) => nfc_handover(select, request.as_deref()),
                None => docbridge::deps::ciborium::value::Value::Null,
            };
            let kind = if select.is_some() { "NFC" } else { "QR" };
            let bytes = reader_key_transcript(&engagement, &e_reader_key, handover)?;
            (
                bytes,
                out,
                format!("proximity transcript ({kind} engagement)"),
            )
        }
        TranscriptCommand::Openid4vp {
            form,
            client_id,
            response_uri,
            origin,
            nonce,
            mdoc_generated_nonce,
            jwk_thumbprint_hex,
            out,
        } => {
            let need = |value: &Option<String>, name: &str, form: &str| {
                value
                    .clone()
                    .ok_or_else(|| ToolError::invalid(format!("--form {form} needs --{name}")))
            };
            let thumbprint = jwk_thumbprint_hex
                .as_deref()
                .map(|h| {
                    <[u8; 32]>::try_from(decode_hex(h)?).map_err(|_| {
                        ToolError::invalid("--jwk-thumbprint-hex must be 32 bytes".into())
                    })
                })
                .transpose()?;
            let bytes = match form {
                Oid4vpForm::Redirect => oid4vp::session_transcript_bytes(
                    &need(&client_id, "client-id", "redirect")?,
                    &nonce,
                    thumbprint.as_ref(),
                    &need(&response_uri, "response-uri", "redirect")?,
                )?,
                Oid4vpForm::DcApi => oid4vp::dc_api_session_transcript_bytes(
                    &need(&origin, "origin", "dc-api")?,
                    &nonce,
                    thumbprint.as_ref(),
                )?,
                Oid4vpForm::Iso18013_7 => {
                    if thumbprint.is_some() {
                        return Err(ToolError::invalid(
                            "the ISO/IEC 18013-7 draft form binds no JWK thumbprint".into(),
                        ));
                    }
                    docbridge::transcript::openid4vp(
                        &need(&client_id, "client-id", "iso18013-7")?,
                        &need(&response_uri, "response-uri", "iso18013-7")?,
                        &nonce,
                        &need(&mdoc_generated_nonce, "mdoc-generated-nonce", "iso18013-7")?,
                    )?
                }
            };
            (bytes, out, "OpenID4VP transcript".to_string())
        }
    };
    write(&out, &bytes)?;
    println!(
        "{what} ({} bytes) written to {}",
        bytes.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The DeviceEngagement bytes of a file holding them or a QR `mdoc:` URI.
fn engagement_bytes(path: &Path) -> Result<Vec<u8>, ToolError> {
    let bytes = read_engagement(path)?;
    match std::str::from_utf8(&bytes) {
        Ok(text) if text.trim().to_ascii_lowercase().starts_with("mdoc:") => {
            Ok(from_qr_uri(text.trim())?)
        }
        _ => Ok(bytes),
    }
}

/// The proximity transcript for a reader key given as its COSE_Key bytes
/// (kept as sent) or as a PEM public key (encoded by the library).
fn reader_key_transcript(
    engagement: &[u8],
    key_path: &Path,
    handover: docbridge::deps::ciborium::value::Value,
) -> Result<Vec<u8>, ToolError> {
    let raw = crate::input::read_der(key_path)?;
    if raw.trim_ascii_start().starts_with(b"-----BEGIN") {
        let pem = String::from_utf8(raw)
            .map_err(|e| ToolError::invalid(format!("{}: {e}", key_path.display())))?;
        let key = PublicKey::from_pem(&pem)?;
        return Ok(docbridge::transcript::proximity_for_key(
            engagement, &key, handover,
        )?);
    }
    Ok(docbridge::transcript::proximity(
        engagement, &raw, handover,
    )?)
}

pub(crate) fn decode_hex(text: &str) -> Result<Vec<u8>, ToolError> {
    hex::decode(text.trim())
        .map_err(|e| ToolError::invalid(format!("{:?} is not hex: {e}", text.trim())))
}
