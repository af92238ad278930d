//! The JSON form of claims.
//!
//! The command-line tool reads claims to issue from JSON
//! (`issue --claims claims.json`) and prints verified claims as JSON
//! (`verify --json`), and the conformance vectors state expected claims in it,
//! so other languages compare against this exact form. A document's elements
//! are one object of namespaces, each an object of elements:
//!
//! ```json
//! {"org.iso.18013.5.1": {"family_name": "Shevchenko", "birth_date": "1990-02-03",
//!                        "portrait": "_9j_4A", "sex": 2, "age_over_18": true}}
//! ```
//!
//! | CBOR | JSON |
//! |---|---|
//! | text string | string |
//! | integer | number (an integer outside the 64-bit signed and unsigned ranges: its decimal string) |
//! | bool, null | `true` / `false`, `null` |
//! | float | number (NaN and infinities: `null`) |
//! | byte string | string, base64url **without** padding (RFC 4648 section 5) |
//! | tag 1004 (`full-date`) | string `"YYYY-MM-DD"` |
//! | tag 0 (`tdate`) | the RFC 3339 string |
//! | any other tag *n* | `{"tag": n, "value": <JSON of the tagged item>}` |
//! | array | array, item by item |
//! | map | object; a text key as is, an integer key as its decimal string, any other key as its JSON form written out |
//!
//! [`elements_from_json`] is the inverse, guided by the document type: where
//! the typed model has a date, a string becomes tag 1004 ("YYYY-MM-DD") or
//! tag 0 (an RFC 3339 date-time); where it has a byte string, a string is
//! decoded from base64url (padding is refused, so that there is one spelling).
//! Everything else, including every element the type does not know, maps
//! generically: string to text, integer to integer, other number to float,
//! object to a text-keyed map, except that an object of exactly the members
//! `"tag"` (an unsigned integer) and `"value"` becomes that tag. For a known
//! doc type the result is then read through the typed model's disclosed path,
//! so a claims file with a wrong type fails here, naming the element.
//!
//! So for every typed document `doc`,
//! `elements_from_json(T::DOC_TYPE, &elements_to_json(&doc.to_elements()?))?`
//! equals `doc.to_elements()?`. The generic mapping cannot restore what JSON
//! does not say: an *unknown* element holding a date or a byte string comes
//! back as text, a map with non-text keys comes back with text keys, and a
//! map of exactly `tag` and `value` comes back as a tag.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::value::Value;
use serde_json::Value as Json;

use super::element::{self, Map};
use super::shape::Shape;
use super::{
    Claims, DrivingLicence, Elements, ResidencePermit, VehicleRegistration, driving_licence,
    residence_permit, vehicle_registration,
};
use crate::cbor;
use crate::error::{Error, Result, excerpt};

/// The JSON form of a document's elements (see the module documentation).
pub fn elements_to_json(elements: &Elements) -> Json {
    Json::Object(
        elements
            .iter()
            .map(|(namespace, items)| {
                let items = items
                    .iter()
                    .map(|(name, value)| (name.clone(), value_to_json(value)))
                    .collect();
                (namespace.clone(), Json::Object(items))
            })
            .collect(),
    )
}

/// The JSON form of one CBOR value (see the module documentation).
pub fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Text(text) => Json::String(text.clone()),
        Value::Integer(i) => {
            let n = i128::from(*i);
            if let Ok(u) = u64::try_from(n) {
                Json::from(u)
            } else if let Ok(s) = i64::try_from(n) {
                Json::from(s)
            } else {
                Json::String(n.to_string())
            }
        }
        Value::Bool(b) => Json::Bool(*b),
        Value::Null => Json::Null,
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Json::Number)
            .unwrap_or(Json::Null),
        Value::Bytes(bytes) => Json::String(URL_SAFE_NO_PAD.encode(bytes)),
        Value::Tag(tag, inner) => match (*tag, inner.as_ref()) {
            (cbor::TAG_FULL_DATE | cbor::TAG_TDATE, Value::Text(text)) => {
                Json::String(text.clone())
            }
            _ => serde_json::json!({"tag": tag, "value": value_to_json(inner)}),
        },
        Value::Array(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (key_string(k), value_to_json(v)))
                .collect(),
        ),
        // ciborium's Value is non-exhaustive; a future kind has no JSON form yet.
        _ => Json::Null,
    }
}

fn key_string(key: &Value) -> String {
    match value_to_json(key) {
        Json::String(text) => text,
        other => other.to_string(),
    }
}

/// The elements of a document of `doc_type` from their JSON form (see the
/// module documentation).
///
/// A JSON value that is not an object of objects is `invalid_argument`; an
/// element that does not fit the typed model (a date that is no date, a
/// portrait that is not base64url, a name that is a number) is
/// `invalid_element`, naming the element. Missing elements are no error here:
/// completeness is checked when the claims are issued.
pub fn elements_from_json(doc_type: &str, json: &Json) -> Result<Elements> {
    let Json::Object(namespaces) = json else {
        return Err(Error::InvalidArgument(
            "claims JSON: expected an object of namespaces".into(),
        ));
    };
    let mut elements = Elements::new();
    for (namespace, items) in namespaces {
        let Json::Object(items) = items else {
            return Err(Error::InvalidArgument(format!(
                "claims JSON: namespace {namespace:?}: expected an object of elements",
                namespace = excerpt(namespace)
            )));
        };
        let shapes = shapes_for(doc_type, namespace);
        let mut map = Map::new();
        for (name, value) in items {
            let what = element::path(namespace, name);
            let value = match shape_of(shapes, name) {
                Some(shape) => shaped(value, shape, &what)?,
                None => value_from_json(value),
            };
            map.insert(name.clone(), value);
        }
        elements.insert(namespace.clone(), map);
    }
    // Fail on wrong types now, naming the element, rather than at issuance.
    Claims::from_elements(doc_type, &elements)?;
    Ok(elements)
}

/// The generic CBOR form of a JSON value: string to text, integer to
/// integer, other number to float, object to a text-keyed map, and an object
/// of exactly `"tag"` (unsigned integer) and `"value"` to that tag.
pub fn value_from_json(json: &Json) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::Integer(u.into())
            } else if let Some(i) = n.as_i64() {
                Value::Integer(i.into())
            } else {
                // Without serde_json's arbitrary precision every other number is an f64.
                Value::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Json::String(text) => Value::Text(text.clone()),
        Json::Array(items) => Value::Array(items.iter().map(value_from_json).collect()),
        Json::Object(members) => {
            if let Some((tag, inner)) = tag_object(members) {
                return Value::Tag(tag, Box::new(value_from_json(inner)));
            }
            Value::Map(
                members
                    .iter()
                    .map(|(k, v)| (Value::Text(k.clone()), value_from_json(v)))
                    .collect(),
            )
        }
    }
}

fn tag_object(members: &serde_json::Map<String, Json>) -> Option<(u64, &Json)> {
    if members.len() != 2 {
        return None;
    }
    let tag = members.get("tag")?.as_u64()?;
    Some((tag, members.get("value")?))
}

fn shapes_for(doc_type: &str, namespace: &str) -> &'static [(&'static str, Shape)] {
    match (doc_type, namespace) {
        (DrivingLicence::DOC_TYPE, DrivingLicence::NAMESPACE) => driving_licence::JSON_SHAPES,
        (VehicleRegistration::DOC_TYPE, VehicleRegistration::NAMESPACE) => {
            vehicle_registration::JSON_SHAPES
        }
        (ResidencePermit::DOC_TYPE, ResidencePermit::NAMESPACE) => residence_permit::JSON_SHAPES,
        _ => &[],
    }
}

fn shape_of<'a>(shapes: &'a [(&'static str, Shape)], name: &str) -> Option<&'a Shape> {
    shapes.iter().find(|(n, _)| *n == name).map(|(_, s)| s)
}

/// Converts `json` where the typed model expects `shape`. A JSON value of
/// another kind is converted generically and left to the typed model to
/// refuse, so every wrong type gets the same message as in CBOR.
fn shaped(json: &Json, shape: &Shape, what: &str) -> Result<Value> {
    match (shape, json) {
        (Shape::Date, Json::String(text)) => {
            if let Ok(date) = cbor::parse_date(text) {
                Ok(cbor::full_date(date))
            } else if cbor::parse_date_time(text).is_ok() {
                Ok(Value::Tag(
                    cbor::TAG_TDATE,
                    Box::new(Value::Text(text.clone())),
                ))
            } else {
                Err(Error::InvalidElement(format!(
                    "{what}: {text:?} is neither \"YYYY-MM-DD\" nor an RFC 3339 date-time",
                    text = excerpt(text)
                )))
            }
        }
        (Shape::Bytes, Json::String(text)) => {
            URL_SAFE_NO_PAD.decode(text).map(Value::Bytes).map_err(|e| {
                Error::InvalidElement(format!("{what}: not base64url without padding: {e}"))
            })
        }
        (Shape::ArrayOf(item), Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, j)| shaped(j, item, &format!("{what}[{i}]")))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array),
        (Shape::MapOf(fields), Json::Object(members)) if tag_object(members).is_none() => members
            .iter()
            .map(|(key, j)| {
                let value = match shape_of(fields, key) {
                    Some(shape) => shaped(j, shape, &format!("{what}.{key}"))?,
                    None => value_from_json(j),
                };
                Ok((Value::Text(key.clone()), value))
            })
            .collect::<Result<Vec<_>>>()
            .map(Value::Map),
        _ => Ok(value_from_json(json)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn code<T: std::fmt::Debug>(r: Result<T>) -> &'static str {
        r.map(|_| "ok").unwrap_or_else(|e| e.code())
    }

    #[test]
    fn values_map_as_documented() {
        let cases = [
            (Value::Text("Żółć".into()), json!("Żółć")),
            (Value::Integer(7.into()), json!(7)),
            (Value::Integer((-7).into()), json!(-7)),
            (Value::Bool(false), json!(false)),
            (Value::Null, json!(null)),
            (Value::Float(1.5), json!(1.5)),
            (Value::Bytes(vec![0xff, 0xd8, 0xff]), json!("_9j_")),
            (Value::Bytes(vec![0xfb, 0xff]), json!("-_8")),
            (
                Value::Tag(1004, Box::new(Value::Text("2024-05-06".into()))),
                json!("2024-05-06"),
            ),
            (
                Value::Tag(0, Box::new(Value::Text("2024-05-06T10:00:00Z".into()))),
                json!("2024-05-06T10:00:00Z"),
            ),
            (
                Value::Tag(24, Box::new(Value::Bytes(vec![0xa0]))),
                json!({"tag": 24, "value": "oA"}),
            ),
            (
                Value::Array(vec![Value::Integer(1.into()), Value::Text("a".into())]),
                json!([1, "a"]),
            ),
            (
                Value::Map(vec![
                    (Value::Integer(1.into()), Value::Text("one".into())),
                    (Value::Text("b".into()), Value::Bool(true)),
                ]),
                json!({"1": "one", "b": true}),
            ),
        ];
        for (cbor, expected) in cases {
            assert_eq!(value_to_json(&cbor), expected, "{cbor:?}");
        }
        assert_eq!(value_to_json(&Value::Float(f64::NAN)), json!(null));
        let below_i64 = Value::Integer(ciborium::value::Integer::try_from(-(1i128 << 64)).unwrap());
        assert_eq!(value_to_json(&below_i64), json!("-18446744073709551616"));
    }

    #[test]
    fn generic_values_come_back() {
        for json in [
            json!("text"),
            json!(42),
            json!(-42),
            json!(2.5),
            json!(true),
            json!(null),
            json!([1, [2, "x"]]),
            json!({"a": {"b": [1]}}),
            json!({"tag": 24, "value": "oA"}),
        ] {
            assert_eq!(value_to_json(&value_from_json(&json)), json);
        }
        assert_eq!(
            value_from_json(&json!({"tag": 32, "value": "https://example.org"})),
            Value::Tag(32, Box::new(Value::Text("https://example.org".into())))
        );
        assert!(matches!(
            value_from_json(&json!({"tag": "x", "value": 1})),
            Value::Map(_)
        ));
    }

    #[test]
    fn typed_elements_are_restored_and_unknown_doc_types_map_generically() {
        let claims = json!({
            "org.iso.18013.5.1": {
                "birth_date": "1990-02-03",
                "issue_date": "2024-05-06T10:00:00Z",
                "portrait": "_9j_",
                "driving_privileges": [{"vehicle_category_code": "B", "issue_date": "2010-07-01"}],
                "given_name_national_character": "Олена"
            },
            "org.iso.18013.5.1.UA": {"birth_date": "1990-02-03"}
        });
        let elements = elements_from_json(DrivingLicence::DOC_TYPE, &claims).unwrap();
        let ns = &elements["org.iso.18013.5.1"];
        assert_eq!(
            ns["birth_date"],
            Value::Tag(1004, Box::new(Value::Text("1990-02-03".into())))
        );
        assert_eq!(
            ns["issue_date"],
            Value::Tag(0, Box::new(Value::Text("2024-05-06T10:00:00Z".into())))
        );
        assert_eq!(ns["portrait"], Value::Bytes(vec![0xff, 0xd8, 0xff]));
        assert_eq!(
            ns["driving_privileges"],
            Value::Array(vec![Value::Map(vec![
                (
                    Value::Text("issue_date".into()),
                    Value::Tag(1004, Box::new(Value::Text("2010-07-01".into())))
                ),
                (
                    Value::Text("vehicle_category_code".into()),
                    Value::Text("B".into())
                ),
            ])])
        );
        // Not a namespace the type knows: no guessing.
        assert_eq!(
            elements["org.iso.18013.5.1.UA"]["birth_date"],
            Value::Text("1990-02-03".into())
        );
        let other = elements_from_json("org.example.unknown.1", &claims).unwrap();
        assert_eq!(
            other["org.iso.18013.5.1"]["portrait"],
            Value::Text("_9j_".into())
        );
    }

    #[test]
    fn malformed_claims_are_refused_clearly() {
        let dl = DrivingLicence::DOC_TYPE;
        assert_eq!(code(elements_from_json(dl, &json!([]))), "invalid_argument");
        assert_eq!(
            code(elements_from_json(dl, &json!({"org.iso.18013.5.1": "x"}))),
            "invalid_argument"
        );
        for (name, value) in [
            ("birth_date", json!("03.02.1990")),
            ("birth_date", json!(19900203)),
            ("portrait", json!("_9j_==")),
            ("portrait", json!("not base64!")),
            ("portrait", json!([1, 2])),
            ("family_name", json!(12)),
            ("sex", json!("female")),
            ("issuing_country", json!("UKR")),
            ("driving_privileges", json!({"vehicle_category_code": "B"})),
            ("driving_privileges", json!([{"issue_date": "2010-07-01"}])),
            (
                "driving_privileges",
                json!([{"vehicle_category_code": "B", "expiry_date": "never"}]),
            ),
        ] {
            let claims = json!({ "org.iso.18013.5.1": { name: value } });
            let err = elements_from_json(dl, &claims).unwrap_err();
            assert_eq!(err.code(), "invalid_element", "{name}: {value}");
            assert!(err.to_string().contains(name), "{err}");
        }
    }
}
