//! DCQL (OpenID4VP 1.0 section 6) for `mso_mdoc`: verifiers build queries,
//! wallets parse them, match them against the documents they hold and turn
//! the chosen claims into the crate's [`ItemsRequest`]s.
//!
//! ```json
//! {"credentials": [{"id": "licence", "format": "mso_mdoc",
//!                   "meta": {"doctype_value": "org.iso.18013.5.1.mDL"},
//!                   "claims": [{"id": "name", "path": ["org.iso.18013.5.1", "family_name"],
//!                               "intent_to_retain": false}],
//!                   "claim_sets": [["name"]]}],
//!  "credential_sets": [{"options": [["licence"]], "required": true}]}
//! ```
//!
//! Queries for other formats are kept but never match: this crate holds
//! only mdocs. Matching follows section 6.4: for each credential query the
//! first stored document of the doc type that has every claim of the first
//! satisfiable claim set (or of all claims) with an allowed value; then the
//! first satisfiable option of each credential set, or every credential
//! query when there are no sets. A required set (or, without sets, a query)
//! that nothing satisfies is `credential_missing`.
//!
//! One document answers each credential query even when the query says
//! `multiple`: a wallet holds one document per doc type here, and
//! presenting fewer than allowed is always within the query.

use std::collections::BTreeSet;

use ciborium::value::Value;
use serde_json::{Map, Value as Json, json};

use crate::error::{Error, Result};
use crate::issuer_signed::IssuerSigned;
use crate::request::ItemsRequest;

/// The format identifier of ISO mdocs.
pub const MSO_MDOC: &str = "mso_mdoc";

/// Most credential queries, claims per query, claim sets and options read:
/// far beyond any real query, small enough that matching stays cheap.
pub const MAX_ITEMS: usize = 64;

/// One claim of a credential query: `path` `[namespace, element]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimQuery {
    /// The claim's id, needed when the query has claim sets.
    pub id: Option<String>,
    /// The namespace.
    pub namespace: String,
    /// The element identifier.
    pub element: String,
    /// Allowed values (strings, integers, booleans); empty means any.
    pub values: Vec<Json>,
    /// Whether the verifier keeps the value.
    pub intent_to_retain: bool,
}

/// One credential query.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialQuery {
    /// The id the vp_token answers under.
    pub id: String,
    /// The format; only `mso_mdoc` queries are matched.
    pub format: String,
    /// `meta.doctype_value`.
    pub doctype_value: String,
    /// The claims asked for (empty: no selectively disclosable claim).
    pub claims: Vec<ClaimQuery>,
    /// Alternative sets of claim ids, in order of preference.
    pub claim_sets: Vec<Vec<String>>,
    /// Whether several documents may answer.
    pub multiple: bool,
}

/// One credential set: alternative lists of credential query ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSetQuery {
    /// The options, in order of preference.
    pub options: Vec<Vec<String>>,
    /// Whether the set must be satisfied (default true).
    pub required: bool,
}

/// A DCQL query.
#[derive(Debug, Clone, PartialEq)]
pub struct DcqlQuery {
    /// The credential queries.
    pub credentials: Vec<CredentialQuery>,
    /// The credential sets (empty: every credential query is required).
    pub credential_sets: Vec<CredentialSetQuery>,
}

fn malformed(what: &str) -> Error {
    Error::Oid4vpMalformed(format!("DCQL: {what}"))
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn array<'a>(value: &'a Json, what: &str) -> Result<&'a [Json]> {
    let items = value
        .as_array()
        .ok_or_else(|| malformed(&format!("{what} is not an array")))?;
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(malformed(&format!(
            "{what} must hold 1 to {MAX_ITEMS} items"
        )));
    }
    Ok(items)
}

fn id_list(value: &Json, what: &str) -> Result<Vec<String>> {
    array(value, what)?
        .iter()
        .map(|id| {
            id.as_str()
                .filter(|id| valid_id(id))
                .map(str::to_string)
                .ok_or_else(|| malformed(&format!("{what} holds an invalid id")))
        })
        .collect()
}

impl CredentialQuery {
    /// A query for `doc_type` with no claim yet.
    pub fn mdoc(id: &str, doc_type: &str) -> CredentialQuery {
        CredentialQuery {
            id: id.to_string(),
            format: MSO_MDOC.to_string(),
            doctype_value: doc_type.to_string(),
            claims: Vec::new(),
            claim_sets: Vec::new(),
            multiple: false,
        }
    }

    /// Adds a claim (with an id, so claim sets can name it).
    pub fn claim(
        mut self,
        id: &str,
        namespace: &str,
        element: &str,
        intent_to_retain: bool,
    ) -> Self {
        self.claims.push(ClaimQuery {
            id: Some(id.to_string()),
            namespace: namespace.to_string(),
            element: element.to_string(),
            values: Vec::new(),
            intent_to_retain,
        });
        self
    }

    /// The ItemsRequest for the claims with the given ids (every claim when
    /// `claim_ids` is `None`).
    pub fn items_request(&self, claim_ids: Option<&[String]>) -> ItemsRequest {
        let mut request = ItemsRequest::new(self.doctype_value.clone());
        for claim in &self.claims {
            let wanted = match claim_ids {
                None => true,
                Some(ids) => claim.id.as_ref().is_some_and(|id| ids.contains(id)),
            };
            if wanted {
                request = request.element(&claim.namespace, &claim.element, claim.intent_to_retain);
            }
        }
        request
    }

    fn to_json(&self) -> Json {
        let mut query = Map::new();
        query.insert("id".into(), json!(self.id));
        query.insert("format".into(), json!(self.format));
        query.insert("meta".into(), json!({"doctype_value": self.doctype_value}));
        if self.multiple {
            query.insert("multiple".into(), json!(true));
        }
        if !self.claims.is_empty() {
            let claims = self
                .claims
                .iter()
                .map(|c| {
                    let mut claim = Map::new();
                    if let Some(id) = &c.id {
                        claim.insert("id".into(), json!(id));
                    }
                    claim.insert("path".into(), json!([c.namespace, c.element]));
                    if !c.values.is_empty() {
                        claim.insert("values".into(), Json::Array(c.values.clone()));
                    }
                    claim.insert("intent_to_retain".into(), json!(c.intent_to_retain));
                    Json::Object(claim)
                })
                .collect();
            query.insert("claims".into(), Json::Array(claims));
        }
        if !self.claim_sets.is_empty() {
            query.insert("claim_sets".into(), json!(self.claim_sets));
        }
        Json::Object(query)
    }

    fn from_json(value: &Json) -> Result<CredentialQuery> {
        let id = value
            .get("id")
            .and_then(Json::as_str)
            .filter(|id| valid_id(id))
            .ok_or_else(|| malformed("a credential query without a valid id"))?;
        let format = value
            .get("format")
            .and_then(Json::as_str)
            .ok_or_else(|| malformed("a credential query without format"))?;
        let multiple = match value.get("multiple") {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(malformed("multiple is not a boolean")),
        };
        let mut query = CredentialQuery {
            id: id.to_string(),
            format: format.to_string(),
            doctype_value: String::new(),
            claims: Vec::new(),
            claim_sets: Vec::new(),
            multiple,
        };
        if format != MSO_MDOC {
            // Another format's meta and claims are its own business.
            return Ok(query);
        }
        query.doctype_value = value
            .get("meta")
            .and_then(|m| m.get("doctype_value"))
            .and_then(Json::as_str)
            .ok_or_else(|| malformed("an mso_mdoc query without meta.doctype_value"))?
            .to_string();
        if let Some(claims) = value.get("claims") {
            for claim in array(claims, "claims")? {
                query.claims.push(read_claim(claim)?);
            }
        }
        let ids: BTreeSet<&str> = query
            .claims
            .iter()
            .filter_map(|c| c.id.as_deref())
            .collect();
        if ids.len() != query.claims.iter().filter(|c| c.id.is_some()).count() {
            return Err(malformed("two claims share an id"));
        }
        if let Some(sets) = value.get("claim_sets") {
            for set in array(sets, "claim_sets")? {
                let set = id_list(set, "a claim set")?;
                if set.iter().any(|id| !ids.contains(id.as_str())) {
                    return Err(malformed("a claim set names an unknown claim id"));
                }
                query.claim_sets.push(set);
            }
        }
        Ok(query)
    }

    /// The claim ids of the first claim set the document satisfies (every
    /// claim when there are no sets), or `None`.
    pub(crate) fn satisfied_by(&self, document: &IssuerSigned) -> Option<Option<Vec<String>>> {
        let present = |claim: &ClaimQuery| {
            document.name_spaces().iter().any(|(ns, items)| {
                ns == &claim.namespace
                    && items.iter().any(|item| {
                        let item = item.item();
                        item.element_identifier == claim.element
                            && (claim.values.is_empty()
                                || claim
                                    .values
                                    .iter()
                                    .any(|v| value_matches(v, &item.element_value)))
                    })
            })
        };
        if self.claim_sets.is_empty() {
            return self.claims.iter().all(present).then_some(None);
        }
        self.claim_sets
            .iter()
            .find(|set| {
                set.iter().all(|id| {
                    self.claims
                        .iter()
                        .filter(|c| c.id.as_deref() == Some(id.as_str()))
                        .all(present)
                })
            })
            .map(|set| Some(set.clone()))
    }
}

fn read_claim(claim: &Json) -> Result<ClaimQuery> {
    let id = match claim.get("id") {
        None => None,
        Some(Json::String(id)) if valid_id(id) => Some(id.clone()),
        Some(_) => return Err(malformed("a claim id is not valid")),
    };
    let path = claim
        .get("path")
        .and_then(Json::as_array)
        .ok_or_else(|| malformed("a claim without path"))?;
    let [Json::String(namespace), Json::String(element)] = path.as_slice() else {
        return Err(malformed(
            "an mso_mdoc claim path is not [namespace, element]",
        ));
    };
    let values = match claim.get("values") {
        None => Vec::new(),
        Some(values) => {
            let values = array(values, "values")?;
            if values
                .iter()
                .any(|v| !(v.is_string() || v.is_i64() || v.is_u64() || v.is_boolean()))
            {
                return Err(malformed("a value is not a string, integer or boolean"));
            }
            values.to_vec()
        }
    };
    let intent_to_retain = match claim.get("intent_to_retain") {
        None => false,
        Some(Json::Bool(b)) => *b,
        Some(_) => return Err(malformed("intent_to_retain is not a boolean")),
    };
    Ok(ClaimQuery {
        id,
        namespace: namespace.clone(),
        element: element.clone(),
        values,
        intent_to_retain,
    })
}

fn value_matches(wanted: &Json, value: &Value) -> bool {
    match (wanted, value) {
        (Json::String(w), Value::Text(v)) => w == v,
        (Json::Bool(w), Value::Bool(v)) => w == v,
        (Json::Number(w), Value::Integer(v)) => {
            w.as_i64().map(i128::from) == Some(i128::from(*v))
                || w.as_u64().map(i128::from) == Some(i128::from(*v))
        }
        _ => false,
    }
}

/// What a wallet picked for one credential query.
#[derive(Debug, Clone, PartialEq)]
pub struct Chosen {
    /// The credential query id.
    pub id: String,
    /// Index of the stored document.
    pub document: usize,
    /// The elements to disclose, as a request.
    pub request: ItemsRequest,
}

impl DcqlQuery {
    /// Parses a query (`oid4vp_malformed` for the wrong shape).
    pub fn from_json(value: &Json) -> Result<DcqlQuery> {
        let credentials = array(
            value
                .get("credentials")
                .ok_or_else(|| malformed("no credentials"))?,
            "credentials",
        )?
        .iter()
        .map(CredentialQuery::from_json)
        .collect::<Result<Vec<_>>>()?;
        let ids: BTreeSet<&str> = credentials.iter().map(|c| c.id.as_str()).collect();
        if ids.len() != credentials.len() {
            return Err(malformed("two credential queries share an id"));
        }
        let mut credential_sets = Vec::new();
        if let Some(sets) = value.get("credential_sets") {
            for set in array(sets, "credential_sets")? {
                let options = array(
                    set.get("options")
                        .ok_or_else(|| malformed("a credential set without options"))?,
                    "options",
                )?
                .iter()
                .map(|option| id_list(option, "an option"))
                .collect::<Result<Vec<_>>>()?;
                if options
                    .iter()
                    .flatten()
                    .any(|id| !ids.contains(id.as_str()))
                {
                    return Err(malformed("a credential set names an unknown credential id"));
                }
                let required = match set.get("required") {
                    None => true,
                    Some(Json::Bool(b)) => *b,
                    Some(_) => return Err(malformed("required is not a boolean")),
                };
                credential_sets.push(CredentialSetQuery { options, required });
            }
        }
        Ok(DcqlQuery {
            credentials,
            credential_sets,
        })
    }

    /// The query as JSON.
    pub fn to_json(&self) -> Json {
        let mut query = Map::new();
        query.insert(
            "credentials".into(),
            Json::Array(
                self.credentials
                    .iter()
                    .map(CredentialQuery::to_json)
                    .collect(),
            ),
        );
        if !self.credential_sets.is_empty() {
            query.insert(
                "credential_sets".into(),
                Json::Array(
                    self.credential_sets
                        .iter()
                        .map(|s| json!({"options": s.options, "required": s.required}))
                        .collect(),
                ),
            );
        }
        Json::Object(query)
    }

    /// The credential query ids a response must answer: every query without
    /// credential sets; otherwise, per required set, those of the first
    /// option the `answered` ids satisfy (`credential_missing` when none is).
    pub fn check_answered(&self, answered: &BTreeSet<String>) -> Result<()> {
        if self.credential_sets.is_empty() {
            if let Some(missing) = self.credentials.iter().find(|c| !answered.contains(&c.id)) {
                return Err(Error::CredentialMissing(format!(
                    "no answer for {:?}",
                    missing.id
                )));
            }
            return Ok(());
        }
        for set in self.credential_sets.iter().filter(|s| s.required) {
            if !set
                .options
                .iter()
                .any(|o| o.iter().all(|id| answered.contains(id)))
            {
                return Err(Error::CredentialMissing(format!(
                    "no option of a required credential set is answered ({:?})",
                    set.options
                )));
            }
        }
        Ok(())
    }

    /// Matches the query against the wallet's `stored` documents and picks
    /// what to disclose (see the module docs); `credential_missing` when a
    /// required credential cannot be answered.
    pub fn select(&self, stored: &[IssuerSigned]) -> Result<Vec<Chosen>> {
        let mut matched = Vec::new();
        for query in self.credentials.iter().filter(|q| q.format == MSO_MDOC) {
            for (index, document) in stored.iter().enumerate() {
                if document.mso_unverified()?.doc_type != query.doctype_value {
                    continue;
                }
                if let Some(claim_set) = query.satisfied_by(document) {
                    matched.push(Chosen {
                        id: query.id.clone(),
                        document: index,
                        request: query.items_request(claim_set.as_deref()),
                    });
                    break;
                }
            }
        }
        let answered: BTreeSet<String> = matched.iter().map(|c| c.id.clone()).collect();
        self.check_answered(&answered)?;
        if self.credential_sets.is_empty() {
            return Ok(matched);
        }
        // Disclose only the first satisfiable option of each set.
        let mut keep = BTreeSet::new();
        for set in &self.credential_sets {
            if let Some(option) = set
                .options
                .iter()
                .find(|o| o.iter().all(|id| answered.contains(id)))
            {
                keep.extend(option.iter().cloned());
            }
        }
        matched.retain(|c| keep.contains(&c.id));
        Ok(matched)
    }
}
