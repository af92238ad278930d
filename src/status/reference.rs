//! The credential's side: where in which list a document's status lives.
//!
//! The MSO carries `status: {"status_list": {"idx": uint, "uri": tstr}}`
//! (draft-ietf-oauth-status-list as adopted for mdoc; ISO/IEC 18013-5 second
//! edition), or `status: {"identifier_list": {"id", "uri", ? "certificate"}}`
//! (ISO/IEC 18013-5 second edition, see [`crate::status::identifier_list`]),
//! or both. Other mechanisms in the same map are kept as received but not
//! checked by this crate.

use ciborium::value::Value;

use crate::cbor::{self, as_map, as_text, map_get, map_require};
use crate::error::{Error, Result};
use crate::status::identifier_list::{IDENTIFIER_LIST_KEY, IdentifierListReference};

/// Key of the status-list mechanism inside the MSO's `status` map.
pub const STATUS_LIST_KEY: &str = "status_list";

/// A document's entry in a status list: its index and the list's URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusListReference {
    /// The index of the document's entry in the list.
    pub idx: u64,
    /// The URI the list's token is fetched from; the token's `sub` must
    /// equal it.
    pub uri: String,
}

impl StatusListReference {
    /// A reference to entry `idx` of the list at `uri`; an empty `uri` is
    /// `invalid_argument`.
    pub fn new(idx: u64, uri: impl Into<String>) -> Result<StatusListReference> {
        let uri = uri.into();
        if uri.is_empty() {
            return Err(Error::InvalidArgument(
                "a status list reference needs a URI".into(),
            ));
        }
        Ok(StatusListReference { idx, uri })
    }

    /// The CBOR map `{"idx": uint, "uri": tstr}`.
    pub fn to_value(&self) -> Value {
        cbor::text_map([
            ("idx", Value::from(self.idx)),
            ("uri", Value::Text(self.uri.clone())),
        ])
    }

    /// Reads `{"idx": uint, "uri": tstr}`; other keys are ignored.
    /// Refused with `invalid_structure` for another shape or an empty URI.
    pub fn from_value(value: &Value) -> Result<StatusListReference> {
        let what = "status.status_list";
        let map = as_map(value, what)?;
        let idx = cbor::as_u64(map_require(map, "idx", what)?, "status_list.idx")?;
        let uri = as_text(map_require(map, "uri", what)?, "status_list.uri")?;
        if uri.is_empty() {
            return Err(Error::InvalidStructure(format!("{what}: empty uri")));
        }
        Ok(StatusListReference {
            idx,
            uri: uri.to_string(),
        })
    }
}

/// The MSO's `status` field.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusReference {
    /// The status-list entry, if the document has one.
    pub status_list: Option<StatusListReference>,
    /// The identifier-list entry, if the document has one.
    pub identifier_list: Option<IdentifierListReference>,
    /// Other mechanisms, kept as received in received order; the crate does
    /// not check them.
    pub other: Vec<(Value, Value)>,
}

impl From<StatusListReference> for StatusReference {
    fn from(reference: StatusListReference) -> StatusReference {
        StatusReference {
            status_list: Some(reference),
            identifier_list: None,
            other: Vec::new(),
        }
    }
}

impl From<IdentifierListReference> for StatusReference {
    fn from(reference: IdentifierListReference) -> StatusReference {
        StatusReference {
            status_list: None,
            identifier_list: Some(reference),
            other: Vec::new(),
        }
    }
}

impl StatusReference {
    /// The CBOR map of the MSO's `status` field.
    pub fn to_value(&self) -> Value {
        let mut entries = Vec::new();
        if let Some(list) = &self.status_list {
            entries.push((Value::Text(STATUS_LIST_KEY.into()), list.to_value()));
        }
        if let Some(list) = &self.identifier_list {
            entries.push((Value::Text(IDENTIFIER_LIST_KEY.into()), list.to_value()));
        }
        entries.extend(self.other.iter().cloned());
        Value::Map(entries)
    }

    /// Reads the MSO's `status` field; refused with `invalid_structure` when
    /// it is not a map or its `status_list` or `identifier_list` is malformed.
    pub fn from_value(value: &Value) -> Result<StatusReference> {
        let map = as_map(value, "status")?;
        let status_list = map_get(map, STATUS_LIST_KEY)
            .map(StatusListReference::from_value)
            .transpose()?;
        let identifier_list = map_get(map, IDENTIFIER_LIST_KEY)
            .map(IdentifierListReference::from_value)
            .transpose()?;
        let other = map
            .iter()
            .filter(|(k, _)| {
                !matches!(k, Value::Text(t) if t == STATUS_LIST_KEY || t == IDENTIFIER_LIST_KEY)
            })
            .cloned()
            .collect();
        Ok(StatusReference {
            status_list,
            identifier_list,
            other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let reference = StatusReference::from(StatusListReference::new(7, "https://x/1").unwrap());
        let value = reference.to_value();
        assert_eq!(StatusReference::from_value(&value).unwrap(), reference);
        let bad = cbor::text_map([(
            STATUS_LIST_KEY,
            cbor::text_map([("idx", Value::from(-1)), ("uri", Value::Text("u".into()))]),
        )]);
        assert_eq!(
            StatusReference::from_value(&bad).unwrap_err().code(),
            "invalid_structure"
        );
        assert_eq!(
            StatusListReference::new(1, "").unwrap_err().code(),
            "invalid_argument"
        );
    }
}
