//! The typed claims and their JSON mapping on arbitrary input, reachable
//! unverified through `inspect`: CBOR elements into each typed document and
//! back, JSON claims into elements, and whole documents through `inspect`.
//! Asserts that what a typed document reads it writes back unchanged (the
//! disclosed elements round-trip), and that the JSON mapping never panics.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::deps::ciborium::value::Value;
use docbridge::deps::serde_json;
use docbridge::documents::json::{elements_from_json, elements_to_json};
use docbridge::documents::{Claims, DocumentType};
use docbridge::{DrivingLicence, Elements, ResidencePermit, VehicleRegistration, cbor};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;

/// Elements from a CBOR map of maps, skipping what has another shape.
fn elements(value: &Value) -> Option<Elements> {
    let Value::Map(namespaces) = value else {
        return None;
    };
    let mut out = Elements::new();
    for (ns, items) in namespaces {
        let (Value::Text(ns), Value::Map(items)) = (ns, items) else {
            return None;
        };
        let entry = out.entry(ns.clone()).or_default();
        for (name, value) in items {
            let Value::Text(name) = name else {
                return None;
            };
            entry.insert(name.clone(), value.clone());
        }
    }
    Some(out)
}

/// What `D` reads it writes back, and reading that again changes nothing.
fn round_trip<D: DocumentType>(elements: &Elements) {
    let Ok(document) = D::from_disclosed(elements) else {
        return;
    };
    let written = document
        .to_disclosed_elements()
        .expect("a read document writes");
    let again = D::from_disclosed(&written).expect("written elements read back");
    assert_eq!(
        again.to_disclosed_elements().expect("writes again"),
        written,
        "{}: elements changed on a second round trip",
        D::DOC_TYPE
    );
    let json = elements_to_json(&written);
    let _ = elements_from_json(D::DOC_TYPE, &json);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = cbor::decode(data)
        && let Some(elements) = elements(&value)
    {
        round_trip::<DrivingLicence>(&elements);
        round_trip::<VehicleRegistration>(&elements);
        round_trip::<ResidencePermit>(&elements);
    }
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) {
        for doc_type in [
            DrivingLicence::DOC_TYPE,
            VehicleRegistration::DOC_TYPE,
            ResidencePermit::DOC_TYPE,
        ] {
            if let Ok(elements) = elements_from_json(doc_type, &json) {
                let _ = Claims::from_elements(doc_type, &elements);
                let _ = Claims::from_complete_elements(doc_type, &elements);
            }
        }
    }
    if let Ok(document) = docbridge::inspect(data) {
        let _ = Claims::from_elements(&document.mso.doc_type, &document.elements);
        let _ = elements_to_json(&document.elements);
    }
});
