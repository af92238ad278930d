//! The one input reader of the tool: every file argument goes through
//! here, so every one takes `-` for standard input, stops at the size
//! limit, and (for CBOR) accepts binary, base64url, base64 or hex, detected
//! from the content or forced with `--input-format`.
//!
//! Detection is written here rather than taken from a crate because it is a
//! few rules about what a user pastes, not a codec: the decoding itself is
//! the `base64` and `hex` crates'.

use std::io::Read as _;
use std::path::Path;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT};
use clap::ValueEnum;

use crate::ToolError;

/// The most the tool hands the library of any CBOR input: the library's
/// CBOR limit plus one byte, so that a larger input is refused by the
/// library (`cbor_too_large`) without being read whole.
pub(crate) const MAX_INPUT: usize = docbridge::cbor::Limits::DEFAULT.max_input_len;

/// How a CBOR input is encoded (`--input-format`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    /// Detected from the content (the default).
    #[default]
    Auto,
    /// Binary CBOR.
    Binary,
    /// Base64url text (RFC 4648 section 5), padded or not.
    Base64url,
    /// Base64 text (RFC 4648 section 4), padded or not.
    Base64,
    /// Hexadecimal text, either case.
    Hex,
}

impl InputFormat {
    fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Binary => "binary",
            InputFormat::Base64url => "base64url",
            InputFormat::Base64 => "base64",
            InputFormat::Hex => "hex",
        }
    }
}

/// The format chosen on the command line. A process-wide setting because
/// it is one global option of a one-shot tool, read by every command's
/// file arguments; set once in `main` before any input is read.
static FORMAT: OnceLock<InputFormat> = OnceLock::new();

/// Records `--input-format` (called once, from `main`).
pub(crate) fn set_format(format: InputFormat) {
    let _ = FORMAT.set(format);
}

fn format() -> InputFormat {
    FORMAT.get().copied().unwrap_or_default()
}

/// Whether standard input was already taken by an earlier `-` argument:
/// it can be read once only, and a second `-` would silently read nothing.
static STDIN_TAKEN: OnceLock<()> = OnceLock::new();

/// The name of an input in messages.
pub(crate) fn shown(path: &Path) -> String {
    if is_stdin(path) {
        "standard input".into()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads at most `limit` bytes of a file, or of standard input for `-`.
fn read_up_to(path: &Path, limit: usize) -> Result<Vec<u8>, ToolError> {
    let error = |e: std::io::Error| ToolError::io(format!("{}: {e}", shown(path)));
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    if is_stdin(path) {
        if STDIN_TAKEN.set(()).is_err() {
            return Err(ToolError::invalid(
                "standard input (-) can be given for one argument only".into(),
            ));
        }
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(error)?;
    } else {
        std::fs::File::open(path)
            .map_err(error)?
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(error)?;
    }
    Ok(bytes)
}

/// Reads a certificate or CRL file, at most [`MAX_INPUT`] + 1 bytes: PEM
/// text as it is (the library reads PEM itself), anything else as DER in
/// the encodings [`read_cbor`] takes.
pub(crate) fn read_der(path: &Path) -> Result<Vec<u8>, ToolError> {
    let raw = read_up_to(path, MAX_INPUT.saturating_mul(2).saturating_add(2))?;
    let mut bytes = if is_text(&raw) && raw.trim_ascii_start().starts_with(b"-----BEGIN") {
        raw
    } else {
        decode(&raw, format()).map_err(|m| ToolError::invalid(format!("{}: {m}", shown(path))))?
    };
    bytes.truncate(MAX_INPUT.saturating_add(1));
    Ok(bytes)
}

/// Reads a text file (JSON, PEM) of at most [`MAX_INPUT`] bytes.
pub(crate) fn read_text(path: &Path) -> Result<String, ToolError> {
    let bytes = read_up_to(path, MAX_INPUT.saturating_add(1))?;
    if bytes.len() > MAX_INPUT {
        return Err(ToolError::invalid(format!(
            "{}: larger than {MAX_INPUT} bytes",
            shown(path)
        )));
    }
    String::from_utf8(bytes).map_err(|e| ToolError::invalid(format!("{}: {e}", shown(path))))
}

/// Reads a CBOR (or DER) input in the `--input-format` (by default detected) and
/// returns its bytes, at most [`MAX_INPUT`] + 1 of them.
pub(crate) fn read_cbor(path: &Path) -> Result<Vec<u8>, ToolError> {
    // Hex text is twice as long as the bytes it holds: read enough of it
    // for the decoded bytes to reach the limit.
    let raw = read_up_to(path, MAX_INPUT.saturating_mul(2).saturating_add(2))?;
    let mut bytes =
        decode(&raw, format()).map_err(|m| ToolError::invalid(format!("{}: {m}", shown(path))))?;
    bytes.truncate(MAX_INPUT.saturating_add(1));
    Ok(bytes)
}

/// Reads a device engagement: an `mdoc:` QR URI as the text it is, else
/// CBOR (an NFC Handover Select, a DeviceEngagement) as [`read_cbor`].
pub(crate) fn read_engagement(path: &Path) -> Result<Vec<u8>, ToolError> {
    let raw = read_up_to(path, MAX_INPUT.saturating_mul(2).saturating_add(2))?;
    let is_uri = is_text(&raw)
        && raw
            .trim_ascii_start()
            .get(..5)
            .is_some_and(|start| start.eq_ignore_ascii_case(b"mdoc:"));
    let mut bytes = if is_uri {
        raw
    } else {
        decode(&raw, format()).map_err(|m| ToolError::invalid(format!("{}: {m}", shown(path))))?
    };
    bytes.truncate(MAX_INPUT.saturating_add(1));
    Ok(bytes)
}

/// What a text input looks like when it is not a CBOR encoding the tool
/// reads, with how to pass what the user probably meant.
fn misplaced(text: &str) -> Option<String> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix("-----BEGIN ") {
        // Input-derived text in a message is cut to a short prefix.
        let label: String = rest
            .split("-----")
            .next()
            .unwrap_or("")
            .trim()
            .chars()
            .take(40)
            .collect();
        return Some(format!(
            "this is PEM text ({label}), not CBOR; a certificate goes to --trust, \
             --operator-root or --vical-root, a key to --key or --device-key; this \
             argument takes CBOR as binary, base64url, base64 or hex"
        ));
    }
    if text.starts_with('{') || text.starts_with('[') {
        return Some(
            "this is JSON text, not CBOR; JSON files go to options such as --claims; \
             this argument takes CBOR as binary, base64url, base64 or hex"
                .into(),
        );
    }
    if text.starts_with("mdoc:") {
        return Some("this is an `mdoc:` QR URI; read it with `docbridge engagement show`".into());
    }
    None
}

/// Whether bytes are text a user would paste: UTF-8 without control
/// characters other than whitespace. CBOR of a document, response, list or
/// token starts with a map, array or tag byte (0x80 and above), never text.
fn is_text(raw: &[u8]) -> bool {
    raw.first().is_some_and(|first| *first < 0x80)
        && std::str::from_utf8(raw)
            .is_ok_and(|s| s.chars().all(|c| !c.is_control() || c.is_whitespace()))
}

/// Decodes `raw` in `format`; the message says what the input looks like.
pub(crate) fn decode(raw: &[u8], format: InputFormat) -> Result<Vec<u8>, String> {
    if raw.is_empty() {
        return Err("empty input".into());
    }
    let text = is_text(raw)
        .then(|| std::str::from_utf8(raw).ok())
        .flatten();
    let compact: Option<String> = text.map(|t| t.chars().filter(|c| !c.is_whitespace()).collect());
    match (format, compact) {
        (InputFormat::Binary, Some(compact)) => Err(match text.and_then(misplaced) {
            Some(what) => what,
            None => format!(
                "this is text ({}), not binary CBOR; drop --input-format binary to \
                 have it detected, or name its encoding with --input-format",
                guess(&compact).name()
            ),
        }),
        (InputFormat::Binary, None) | (InputFormat::Auto, None) => Ok(raw.to_vec()),
        (_, None) => Err(format!(
            "this is binary, not {} text; pass --input-format binary or leave \
             --input-format out",
            format.name()
        )),
        (InputFormat::Auto, Some(compact)) => {
            if let Some(what) = text.and_then(misplaced) {
                return Err(what);
            }
            match guess(&compact) {
                InputFormat::Auto => Err(
                    "this is text that is neither base64url, base64 nor hex; this \
                     argument takes CBOR as binary, base64url, base64 or hex"
                        .into(),
                ),
                found => decode_text(&compact, found),
            }
        }
        (forced, Some(compact)) => decode_text(&compact, forced),
    }
}

/// The text encoding `compact` (no whitespace) is in, or `Auto` for none.
/// Hex first: an even run of hex digits is far likelier hex than base64.
fn guess(compact: &str) -> InputFormat {
    let body = compact.trim_end_matches('=');
    if compact.len().is_multiple_of(2) && compact.bytes().all(|b| b.is_ascii_hexdigit()) {
        InputFormat::Hex
    } else if body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        InputFormat::Base64url
    } else if body
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    {
        InputFormat::Base64
    } else {
        InputFormat::Auto
    }
}

fn decode_text(compact: &str, format: InputFormat) -> Result<Vec<u8>, String> {
    let decoded = match format {
        InputFormat::Hex => hex::decode(compact).map_err(|e| e.to_string()),
        InputFormat::Base64url => URL_SAFE_PAD_INDIFFERENT
            .decode(compact)
            .map_err(|e| e.to_string()),
        InputFormat::Base64 => STANDARD_PAD_INDIFFERENT
            .decode(compact)
            .map_err(|e| e.to_string()),
        InputFormat::Auto | InputFormat::Binary => Ok(compact.as_bytes().to_vec()),
    };
    decoded.map_err(|e| format!("not valid {} text: {e}", format.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_is_detected() {
        let cbor = [0xa1, 0x61, 0x61, 0xf5]; // {"a": true}
        assert_eq!(decode(&cbor, InputFormat::Auto).unwrap(), cbor);
        assert_eq!(decode(b"a16161f5\n", InputFormat::Auto).unwrap(), cbor);
        assert_eq!(decode(b"oWFh9Q", InputFormat::Auto).unwrap(), cbor);
        assert_eq!(decode(b"oWFh9Q==", InputFormat::Auto).unwrap(), cbor);
        // 0xfb 0xff: base64 `+/8`, base64url `-_8`.
        assert_eq!(decode(b"+/8=", InputFormat::Auto).unwrap(), [0xfb, 0xff]);
        assert_eq!(decode(b"-_8", InputFormat::Auto).unwrap(), [0xfb, 0xff]);
    }

    #[test]
    fn a_forced_format_wins_over_detection() {
        // "abcd" is hex to detection, base64 when forced.
        assert_eq!(decode(b"abcd", InputFormat::Auto).unwrap(), [0xab, 0xcd]);
        assert_eq!(
            decode(b"abcd", InputFormat::Base64).unwrap(),
            [0x69, 0xb7, 0x1d]
        );
    }

    #[test]
    fn mistakes_are_named() {
        let pem = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let message = decode(pem, InputFormat::Auto).unwrap_err();
        assert!(message.contains("PEM text (CERTIFICATE)"), "{message}");
        assert!(message.contains("--trust"), "{message}");
        let message = decode(b"oWFh9Q", InputFormat::Binary).unwrap_err();
        assert!(message.contains("text (base64url)"), "{message}");
        let message = decode(&[0xa0], InputFormat::Hex).unwrap_err();
        assert!(message.contains("binary, not hex"), "{message}");
        let long = format!("-----BEGIN {}-----\n", "X".repeat(1000));
        let message = decode(long.as_bytes(), InputFormat::Auto).unwrap_err();
        assert!(
            message.contains(&format!("PEM text ({})", "X".repeat(40))),
            "{message}"
        );
        assert!(!message.contains(&"X".repeat(41)), "{message}");
        let message = decode(b"{\"a\": 1}", InputFormat::Auto).unwrap_err();
        assert!(message.contains("JSON"), "{message}");
        assert_eq!(decode(b"", InputFormat::Auto).unwrap_err(), "empty input");
        let message = decode(b"not*cbor", InputFormat::Auto).unwrap_err();
        assert!(message.contains("neither"), "{message}");
    }
}
