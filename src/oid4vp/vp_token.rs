//! The `vp_token` of an OpenID4VP 1.0 response for `mso_mdoc`: a JSON
//! object from credential query id to an array of presentations, each the
//! base64url (no padding) of one DeviceResponse.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value as Json};

use super::dcql::{DcqlQuery, MAX_ITEMS};
use crate::cbor::Limits;
use crate::error::{Error, Result};

/// A vp_token: DeviceResponse bytes per credential query id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VpToken {
    /// Presentations per credential query id.
    pub presentations: BTreeMap<String, Vec<Vec<u8>>>,
}

fn malformed(what: &str) -> Error {
    Error::Oid4vpMalformed(format!("vp_token: {what}"))
}

impl VpToken {
    /// Adds one DeviceResponse for a credential query id.
    pub fn add(&mut self, id: &str, device_response: Vec<u8>) {
        self.presentations
            .entry(id.to_string())
            .or_default()
            .push(device_response);
    }

    /// The JSON form.
    pub fn to_json(&self) -> Json {
        let mut map = Map::new();
        for (id, responses) in &self.presentations {
            map.insert(
                id.clone(),
                Json::Array(
                    responses
                        .iter()
                        .map(|r| Json::String(URL_SAFE_NO_PAD.encode(r)))
                        .collect(),
                ),
            );
        }
        Json::Object(map)
    }

    /// Reads the JSON form (`oid4vp_malformed`: not an object of non-empty
    /// arrays of base64url text, or oversized).
    pub fn from_json(value: &Json) -> Result<VpToken> {
        let map = value
            .as_object()
            .ok_or_else(|| malformed("not a JSON object"))?;
        if map.is_empty() || map.len() > MAX_ITEMS {
            return Err(malformed("must answer 1 to 64 credential queries"));
        }
        let mut token = VpToken::default();
        for (id, responses) in map {
            let responses = responses
                .as_array()
                .filter(|r| !r.is_empty() && r.len() <= MAX_ITEMS)
                .ok_or_else(|| malformed("an answer is not a non-empty array"))?;
            for response in responses {
                let text = response
                    .as_str()
                    .ok_or_else(|| malformed("a presentation is not text"))?;
                if text.len().saturating_mul(3) / 4 > Limits::default().max_input_len {
                    return Err(malformed("a presentation is too long"));
                }
                let bytes = URL_SAFE_NO_PAD
                    .decode(text)
                    .map_err(|_| malformed("a presentation is not base64url"))?;
                token.add(id, bytes);
            }
        }
        Ok(token)
    }

    /// Checks that the token answers what `query` requires
    /// (`credential_missing` otherwise).
    pub fn check_against(&self, query: &DcqlQuery) -> Result<()> {
        let answered: BTreeSet<String> = self.presentations.keys().cloned().collect();
        query.check_answered(&answered)
    }
}
