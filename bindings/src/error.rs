//! The one error type the apps see.
//!
//! Every refusal crosses the FFI as `DocbridgeError.Refused` carrying the
//! core's stable `code` (the vocabulary of the README's error table, the CLI
//! JSON and the conformance vectors) and the readable message, the core
//! error's Display text.

/// Why a call was refused: the stable `code` to branch on and a readable
/// `reason` to log or show.
///
/// Kotlin: `DocbridgeException.Refused` (`.code`, `.reason`); Swift:
/// `DocbridgeError.Refused(code:reason:)`; Python: `DocbridgeError.Refused`
/// (`.code`, `.reason`). Kotlin's `message` and `toString()`, Swift's
/// `description` and `localizedDescription` and Python's `str()` are the
/// reason alone, the Display text, once `bindings/finish-generated.py` has
/// run over the generated code (UniFFI 0.32 alone lists the fields there).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum DocbridgeError {
    /// The library refused the input or the call.
    #[error("{reason}")]
    Refused {
        /// The stable error code, for example `expired` or `signature_invalid`.
        code: String,
        /// The readable message (the core error's Display text).
        reason: String,
    },
}

impl DocbridgeError {
    /// A refusal with the core's `invalid_argument` code, for arguments only
    /// the FFI edge can get wrong (a time outside the representable range).
    pub(crate) fn invalid_argument(reason: impl Into<String>) -> DocbridgeError {
        docbridge::Error::InvalidArgument(reason.into()).into()
    }
}

impl From<docbridge::Error> for DocbridgeError {
    fn from(error: docbridge::Error) -> DocbridgeError {
        DocbridgeError::Refused {
            code: error.code().to_string(),
            reason: error.to_string(),
        }
    }
}

/// Returned by every fallible call of the bindings.
pub type Result<T, E = DocbridgeError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_core_error_keeps_its_code_and_display_text() {
        let core = docbridge::Error::InvalidArgument("nonce too short".into());
        let text = core.to_string();
        let error = DocbridgeError::from(core);
        assert_eq!(error.to_string(), text);
        let DocbridgeError::Refused { code, reason } = error;
        assert_eq!((code.as_str(), reason), ("invalid_argument", text));
    }
}
