//! Typed document types: claims as Rust structs, to and from mdoc data elements.
//!
//! An mdoc carries its claims as *data elements*: CBOR values named by a
//! namespace and an element identifier ([`Elements`]). Each document type the
//! crate knows has a struct that converts to and from them
//! ([`DocumentType`]):
//!
//! | type | doc type | main namespace | after |
//! |---|---|---|---|
//! | [`DrivingLicence`] | `org.iso.18013.5.1.mDL` | `org.iso.18013.5.1` | ISO/IEC 18013-5:2021, table 5 |
//! | [`VehicleRegistration`] | `org.iso.7367.1.mVRC` | `org.iso.7367.1` | ISO/IEC 7367 (draft) mVRC, EU Directive 1999/37/EC codes |
//! | [`ResidencePermit`] | `org.docbridge.residence_permit.1` | `org.docbridge.residence_permit.1` | Council Regulation (EC) 1030/2002 |
//!
//! There is no ISO doc type for residence permits, so the project defines
//! one under its own reverse-domain name; the trailing `.1` is the version,
//! as in the ISO names, so an incompatible revision gets a new doc type.
//!
//! # Complete and disclosed documents
//!
//! A verifier usually receives only the elements it asked for (selective
//! disclosure), so a typed document must be able to hold any subset. Every
//! field is therefore an `Option` (nested values that are one element, such
//! as a driving privilege, are complete in themselves), and there are two
//! paths:
//!
//! | path | accepts | used by |
//! |---|---|---|
//! | [`DocumentType::from_elements`], [`DocumentType::to_elements`] | complete documents only: a missing mandatory element is `missing_element`, naming it | issuing, reading a whole document |
//! | [`DocumentType::from_disclosed`], [`DocumentType::to_disclosed_elements`] | any subset | presentation, [`Claims::from_elements`] |
//!
//! On both paths an element present with the wrong CBOR type or an invalid
//! value (a country code that is not alpha-2, an ISO/IEC 5218 sex code
//! outside 0, 1, 2, 9) is `invalid_element`.
//!
//! # Unknown elements
//!
//! Elements a type does not know, in its main namespace or in any other
//! namespace (a national one such as `org.iso.18013.5.1.UA`), are kept in the
//! struct's `other_elements` and written again by `to_elements`, so reading
//! and re-writing a document never drops signed data. Unknown keys inside
//! the nested maps a type knows (a driving privilege, an mVRC vehicle holder)
//! are likewise kept in the nested struct's `other` field. An unknown entry
//! that carries the name of a typed field is refused (`invalid_argument`)
//! when writing: set the field instead.
//!
//! # Dates
//!
//! Calendar dates are written as `full-date` (tag 1004), as in the
//! ISO/IEC 18013-5 Annex D example. When reading, an untagged "YYYY-MM-DD"
//! and a `tdate` (tag 0, of which the calendar date is taken) are accepted
//! too, since ISO/IEC 18013-5 allows either for issue and expiry dates.
//!
//! The JSON form of claims, for the command-line tool and the conformance
//! vectors, is in [`json`].

use std::collections::BTreeMap;

use ciborium::value::Value;

use crate::error::{Error, Result};

mod driving_licence;
pub(crate) mod element;
pub mod json;
mod residence_permit;
pub mod samples;
mod sex;
mod shape;
mod vehicle_registration;

pub use driving_licence::{DrivingLicence, DrivingPrivilege, DrivingPrivilegeCode};
pub use residence_permit::{NationalPersonalNumber, PermitType, ResidencePermit};
pub use sex::Sex;
pub use vehicle_registration::{
    BasicVehicleInfo, EngineInfo, MassInfo, VehicleHolder, VehicleRegistration,
};

/// Data elements of one document: namespace -> element identifier -> value.
pub type Elements = BTreeMap<String, BTreeMap<String, Value>>;

/// A typed document type: converts to and from data elements.
///
/// Implementors provide the disclosed (any subset) path and the list of
/// missing mandatory elements; the complete path is built on them.
pub trait DocumentType: Sized {
    /// The ISO docType string.
    const DOC_TYPE: &'static str;
    /// The main namespace of its elements.
    const NAMESPACE: &'static str;
    /// The elements of [`Self::NAMESPACE`] the type has a field for, in the
    /// order of its specification (a verifier can request them all).
    const KNOWN_ELEMENTS: &'static [&'static str];
    /// The elements a complete document must hold, all in [`Self::NAMESPACE`].
    const MANDATORY_ELEMENTS: &'static [&'static str];

    /// The elements present, with no completeness check (for presenting or
    /// re-encoding a selectively disclosed document). Unknown elements it
    /// holds are included again.
    fn to_disclosed_elements(&self) -> Result<Elements>;

    /// Reads whatever subset of elements is present; missing elements leave
    /// their field `None`, while an element of the wrong type is still
    /// `invalid_element`. Unknown elements are kept.
    fn from_disclosed(elements: &Elements) -> Result<Self>;

    /// The mandatory elements whose field is `None`, in
    /// [`Self::MANDATORY_ELEMENTS`] order.
    fn missing_elements(&self) -> Vec<&'static str>;

    /// `missing_element` naming every mandatory element that is absent.
    fn check_complete(&self) -> Result<()> {
        let missing = self.missing_elements();
        if missing.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = missing
            .iter()
            .map(|name| element::path(Self::NAMESPACE, name))
            .collect();
        Err(Error::MissingElement(names.join(", ")))
    }

    /// The document as data elements (unknown elements it holds are included
    /// again); `missing_element` if a mandatory element is absent, so an
    /// issuer cannot sign an incomplete document.
    fn to_elements(&self) -> Result<Elements> {
        self.check_complete()?;
        self.to_disclosed_elements()
    }

    /// Reads the document from data elements; elements the type does not
    /// know (in any namespace) are kept, not dropped. Every mandatory element
    /// must be present (`missing_element` otherwise).
    fn from_elements(elements: &Elements) -> Result<Self> {
        let document = Self::from_disclosed(elements)?;
        document.check_complete()?;
        Ok(document)
    }
}

/// The disclosed path of a typed document, read as [`element::Reading`]
/// says: built, or only checked, which refuses exactly what building
/// refuses.
pub(crate) trait ReadDisclosed: Sized {
    /// [`DocumentType::from_disclosed`] when building; when only checking,
    /// a document with no field set.
    fn read_disclosed(elements: &Elements, reading: element::Reading) -> Result<Self>;
}

/// Typed claims of a verified document.
#[derive(Debug, Clone, PartialEq)]
pub enum Claims {
    /// An ISO/IEC 18013-5 mobile driving licence.
    DrivingLicence(Box<DrivingLicence>),
    /// An ISO/IEC 7367 mobile vehicle registration certificate.
    VehicleRegistration(Box<VehicleRegistration>),
    /// A residence permit in the project's own doc type.
    ResidencePermit(Box<ResidencePermit>),
    /// A doc type the crate has no typed model for; its elements are still
    /// available untyped.
    Other,
}

impl Claims {
    /// Typed claims for `doc_type` from its elements.
    ///
    /// Uses the disclosed path ([`DocumentType::from_disclosed`]): a
    /// selectively disclosed document legitimately lacks mandatory elements,
    /// so their absence is no error here, while an element of the wrong type
    /// still is (`invalid_element`). An unknown doc type gives
    /// [`Claims::Other`].
    pub fn from_elements(doc_type: &str, elements: &Elements) -> Result<Claims> {
        Ok(match doc_type {
            DrivingLicence::DOC_TYPE => {
                Claims::DrivingLicence(Box::new(DrivingLicence::from_disclosed(elements)?))
            }
            VehicleRegistration::DOC_TYPE => Claims::VehicleRegistration(Box::new(
                VehicleRegistration::from_disclosed(elements)?,
            )),
            ResidencePermit::DOC_TYPE => {
                Claims::ResidencePermit(Box::new(ResidencePermit::from_disclosed(elements)?))
            }
            _ => Claims::Other,
        })
    }

    /// The error [`Claims::from_elements`] would give, if any, without
    /// building the claims: what a verifier checks on every verification,
    /// leaving the typed claims to be built when they are asked for.
    pub(crate) fn check_elements(doc_type: &str, elements: &Elements) -> Result<()> {
        let check = element::Reading::Check;
        match doc_type {
            DrivingLicence::DOC_TYPE => DrivingLicence::read_disclosed(elements, check).map(drop),
            VehicleRegistration::DOC_TYPE => {
                VehicleRegistration::read_disclosed(elements, check).map(drop)
            }
            ResidencePermit::DOC_TYPE => ResidencePermit::read_disclosed(elements, check).map(drop),
            _ => Ok(()),
        }
    }

    /// Typed claims for `doc_type` from the elements of a *whole* document,
    /// as an issuer holds them: like [`Claims::from_elements`], but through
    /// [`DocumentType::from_elements`], so a missing mandatory element is
    /// `missing_element`. An unknown doc type gives [`Claims::Other`]. Use it
    /// to check untyped claims (such as those read with [`json`]) before
    /// issuing them.
    pub fn from_complete_elements(doc_type: &str, elements: &Elements) -> Result<Claims> {
        Ok(match doc_type {
            DrivingLicence::DOC_TYPE => {
                Claims::DrivingLicence(Box::new(DrivingLicence::from_elements(elements)?))
            }
            VehicleRegistration::DOC_TYPE => {
                Claims::VehicleRegistration(Box::new(VehicleRegistration::from_elements(elements)?))
            }
            ResidencePermit::DOC_TYPE => {
                Claims::ResidencePermit(Box::new(ResidencePermit::from_elements(elements)?))
            }
            _ => Claims::Other,
        })
    }

    /// The doc type of typed claims; `None` for [`Claims::Other`].
    pub fn doc_type(&self) -> Option<&'static str> {
        match self {
            Claims::DrivingLicence(_) => Some(DrivingLicence::DOC_TYPE),
            Claims::VehicleRegistration(_) => Some(VehicleRegistration::DOC_TYPE),
            Claims::ResidencePermit(_) => Some(ResidencePermit::DOC_TYPE),
            Claims::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_dispatch_by_doc_type() {
        let licence = driving_licence::tests::sample();
        let elements = licence.to_elements().unwrap();
        let claims = Claims::from_elements(DrivingLicence::DOC_TYPE, &elements).unwrap();
        assert_eq!(claims, Claims::DrivingLicence(Box::new(licence)));
        assert_eq!(claims.doc_type(), Some("org.iso.18013.5.1.mDL"));

        let vrc = vehicle_registration::tests::sample();
        let elements = vrc.to_elements().unwrap();
        let claims = Claims::from_elements(VehicleRegistration::DOC_TYPE, &elements).unwrap();
        assert_eq!(claims, Claims::VehicleRegistration(Box::new(vrc)));

        let permit = residence_permit::tests::sample();
        let elements = permit.to_elements().unwrap();
        let claims = Claims::from_elements(ResidencePermit::DOC_TYPE, &elements).unwrap();
        assert_eq!(claims, Claims::ResidencePermit(Box::new(permit)));

        let claims = Claims::from_elements("org.example.unknown.1", &elements).unwrap();
        assert_eq!(claims, Claims::Other);
        assert_eq!(claims.doc_type(), None);
    }

    /// Every way to spoil one value of `value`: other types in its place,
    /// and inside an array or map, each item or entry spoilt or removed.
    fn spoilt(value: &Value) -> Vec<Value> {
        let mut out = vec![
            Value::Integer(7.into()),
            Value::Text("UKR".into()),
            Value::Text("2026-13-01".into()),
            Value::Bytes(vec![1, 2]),
            Value::Bool(true),
            Value::Null,
            Value::Array(vec![Value::Integer(1.into())]),
            Value::Map(vec![(Value::Integer(1.into()), Value::Null)]),
        ];
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    for bad in spoilt(item) {
                        let mut items = items.clone();
                        items[i] = bad;
                        out.push(Value::Array(items));
                    }
                }
            }
            Value::Map(entries) => {
                // A key twice, a key that is not text, and a map wider than
                // the few keys compared in place, with and without a key twice.
                let with = |extra: &[(Value, Value)]| {
                    Value::Map(entries.iter().chain(extra).cloned().collect())
                };
                let wide: Vec<(Value, Value)> = (0..40)
                    .map(|i| (Value::Text(format!("x{i}")), Value::Null))
                    .collect();
                let first = &entries[..entries.len().min(1)];
                out.push(with(first));
                out.push(with(&[(Value::Integer(1.into()), Value::Null)]));
                out.push(with(&wide));
                out.push(with(&[&wide[..], first].concat()));
                // Exactly the most keys read in place, and one more.
                for len in [32, 33] {
                    let extra = len - entries.len().min(len);
                    out.push(with(&wide[..extra]));
                    out.push(with(&[&wide[..extra.saturating_sub(1)], first].concat()));
                }
                for i in 0..entries.len() {
                    let mut fewer = entries.clone();
                    fewer.remove(i);
                    out.push(Value::Map(fewer));
                    for bad in spoilt(&entries[i].1) {
                        let mut entries = entries.clone();
                        entries[i].1 = bad;
                        out.push(Value::Map(entries));
                    }
                }
            }
            _ => {}
        }
        out
    }

    #[test]
    fn checking_claims_refuses_exactly_what_building_them_refuses() {
        let documents = [
            (
                DrivingLicence::DOC_TYPE,
                samples::driving_licence_ua().to_elements(),
            ),
            (
                VehicleRegistration::DOC_TYPE,
                samples::vehicle_registration_pl().to_elements(),
            ),
            (
                ResidencePermit::DOC_TYPE,
                samples::residence_permit_ua().to_elements(),
            ),
        ];
        let mut refused = 0;
        for (doc_type, elements) in documents {
            let elements = elements.unwrap();
            for (ns, ns_elements) in &elements {
                for (id, value) in ns_elements {
                    for bad in spoilt(value) {
                        let mut e = elements.clone();
                        e.get_mut(ns).unwrap().insert(id.clone(), bad);
                        let built = Claims::from_elements(doc_type, &e).map(drop);
                        let checked = Claims::check_elements(doc_type, &e);
                        assert_eq!(
                            checked.as_ref().map_err(ToString::to_string),
                            built.as_ref().map_err(ToString::to_string),
                            "{doc_type} {ns}/{id}"
                        );
                        refused += usize::from(built.is_err());
                    }
                }
            }
        }
        // The comparison above is only worth something if it saw refusals.
        assert!(refused > 100, "{refused} refusals");
    }

    #[test]
    fn claims_accept_a_disclosed_subset_but_not_wrong_types() {
        let mut ns = BTreeMap::new();
        ns.insert("given_name".to_string(), Value::Text("Олена".into()));
        ns.insert("age_over_18".to_string(), Value::Bool(true));
        let mut elements = Elements::new();
        elements.insert(DrivingLicence::NAMESPACE.to_string(), ns);
        let Claims::DrivingLicence(licence) =
            Claims::from_elements(DrivingLicence::DOC_TYPE, &elements).unwrap()
        else {
            panic!("expected a driving licence");
        };
        assert_eq!(licence.given_name.as_deref(), Some("Олена"));
        assert_eq!(licence.age_over_18, Some(true));
        assert_eq!(licence.family_name, None);

        let mut ns = BTreeMap::new();
        ns.insert("age_over_18".to_string(), Value::Text("yes".into()));
        elements.insert(DrivingLicence::NAMESPACE.to_string(), ns);
        assert_eq!(
            Claims::from_elements(DrivingLicence::DOC_TYPE, &elements).map_err(|e| e.code()),
            Err("invalid_element")
        );
    }

    #[test]
    fn complete_path_requires_mandatory_elements() {
        let mut elements = residence_permit::tests::sample().to_elements().unwrap();
        assert!(matches!(
            Claims::from_complete_elements(ResidencePermit::DOC_TYPE, &elements),
            Ok(Claims::ResidencePermit(_))
        ));
        if let Some(ns) = elements.get_mut(ResidencePermit::NAMESPACE) {
            ns.remove("permit_type");
        }
        assert_eq!(
            Claims::from_complete_elements(ResidencePermit::DOC_TYPE, &elements)
                .map_err(|e| e.code()),
            Err("missing_element")
        );
        assert!(Claims::from_elements(ResidencePermit::DOC_TYPE, &elements).is_ok());
        assert_eq!(
            Claims::from_complete_elements("org.example.unknown.1", &elements).unwrap(),
            Claims::Other
        );
    }

    #[test]
    fn missing_element_names_every_absent_element() {
        let err = DrivingLicence::default().check_complete().unwrap_err();
        assert_eq!(err.code(), "missing_element");
        let text = err.to_string();
        for name in DrivingLicence::MANDATORY_ELEMENTS {
            assert!(text.contains(name), "{text} lacks {name}");
        }
    }
}
