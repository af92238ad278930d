//! QR engagement (ISO/IEC 18013-5 section 8.2.2.3): the QR code holds the
//! URI `mdoc:` followed by the base64url encoding, without padding, of the
//! DeviceEngagement bytes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::device_engagement::malformed;
use crate::cbor::Limits;
use crate::error::Result;

/// The URI scheme of a QR engagement.
pub const MDOC_URI_SCHEME: &str = "mdoc:";

/// The `mdoc:` URI of DeviceEngagement bytes, as the holder shows it.
pub fn to_qr_uri(device_engagement: &[u8]) -> String {
    format!(
        "{MDOC_URI_SCHEME}{}",
        URL_SAFE_NO_PAD.encode(device_engagement)
    )
}

/// The DeviceEngagement bytes of a scanned `mdoc:` URI. The scheme is
/// matched without regard to case (RFC 3986 section 3.1) and surrounding
/// whitespace a scanner adds is ignored; the rest must be base64url
/// without padding. Refused with `engagement_malformed`, before decoding,
/// when the text is longer than the CBOR input limit allows.
pub fn from_qr_uri(text: &str) -> Result<Vec<u8>> {
    let text = text.trim();
    let max_text = (Limits::default().max_input_len.saturating_mul(4) / 3).saturating_add(4);
    if text.len() > max_text {
        return Err(malformed("QR text longer than any DeviceEngagement"));
    }
    let scheme = text
        .get(..MDOC_URI_SCHEME.len())
        .filter(|s| s.eq_ignore_ascii_case(MDOC_URI_SCHEME))
        .ok_or_else(|| malformed("QR text is not an mdoc: URI"))?;
    let encoded = text.get(scheme.len()..).unwrap_or_default();
    URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|e| malformed(&format!("mdoc: URI is not base64url: {e}")))
}
