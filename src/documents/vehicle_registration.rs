//! The mobile vehicle registration certificate of ISO/IEC 7367
//! (`org.iso.7367.1.mVRC`).
//!
//! ISO/IEC 7367 is still a draft, so element names follow the public
//! implementations (the Multipaz DVLA mVRC type and the Bundesdruckerei mVC
//! profile), and each element's documentation gives its harmonised code from
//! EU Directive 1999/37/EC (A registration number, B first registration, ...),
//! which every EU registration certificate prints.
//!
//! | element | type | code | mandatory |
//! |---|---|---|---|
//! | `registration_number` | tstr | A | yes |
//! | `date_of_registration` | full-date | I | yes |
//! | `date_of_first_registration` | full-date | B | |
//! | `vehicle_identification_number` | tstr | E | yes |
//! | `vehicle_holder` | map, [`VehicleHolder`] | C.1 | yes |
//! | `basic_vehicle_info` | map, [`BasicVehicleInfo`] | D, J, K, R | yes |
//! | `mass_info` | map, [`MassInfo`] | F, G | yes |
//! | `engine_info` | map, [`EngineInfo`] | P | (a trailer has none) |
//! | `issuing_country` | tstr, alpha-2 | | yes |
//! | `issuing_authority` | tstr | | yes |
//! | `document_number` | tstr | | yes |
//! | `issue_date` | full-date | | yes |
//! | `expiry_date` | full-date | H | |
//! | `un_distinguishing_sign` | tstr | | yes |
//!
//! Where the drafts and implementations differ, the choice is:
//! every element is in the one namespace `org.iso.7367.1` (some drafts put
//! `issuing_country`, `issuing_authority`, `document_number`, `issue_date`
//! in `org.iso.23220.1`; such elements are kept as unknown elements); the
//! holder is one `vehicle_holder` map (not a `registered_user` array); the
//! masses and engine figures are unsigned integers (kg, cm³, kW); colours and
//! energy sources are arrays of the numeric codes the implementations share.
//! The keys inside the nested maps are all optional, since the drafts disagree
//! on which are required.

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::Date;

use super::ReadDisclosed;
use super::element::{self, ArrayOf, Fields, Nested, Out, Reading};
use super::shape::Shape;
use super::{DocumentType, Elements};
use crate::cbor;
use crate::error::Result;

const NAMESPACE: &str = "org.iso.7367.1";

const HOLDER_KEYS: &[&str] = &[
    "family_name_unicode",
    "given_name_unicode",
    "organization_name_unicode",
    "resident_address",
    "resident_city",
    "resident_postal_code",
    "resident_country",
];
const BASIC_KEYS: &[&str] = &[
    "vehicle_category_code",
    "type_approval_number",
    "make",
    "commercial_name",
    "colours",
];
const MASS_KEYS: &[&str] = &[
    "unit",
    "techn_perm_max_laden_mass",
    "vehicle_max_mass",
    "whole_vehicle_max_mass",
    "mass_in_running_order",
];
const ENGINE_KEYS: &[&str] = &["engine_capacity", "engine_power", "energy_source"];

/// How the JSON form of the elements maps back to CBOR where JSON alone
/// cannot tell (dates).
pub(crate) const JSON_SHAPES: &[(&str, Shape)] = &[
    ("date_of_registration", Shape::Date),
    ("date_of_first_registration", Shape::Date),
    ("issue_date", Shape::Date),
    ("expiry_date", Shape::Date),
];

/// An ISO/IEC 7367 mobile vehicle registration certificate.
///
/// Every field is optional so that a selectively disclosed certificate fits;
/// see [`DocumentType::MANDATORY_ELEMENTS`] for what a complete one holds.
/// Each field is the element of the same name; the module documentation has
/// the table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VehicleRegistration {
    /// `registration_number` (A): the number on the plates.
    pub registration_number: Option<String>,
    /// `date_of_registration` (I): date of the registration this certificate
    /// records.
    pub date_of_registration: Option<Date>,
    /// `date_of_first_registration` (B): date the vehicle was first registered
    /// anywhere.
    pub date_of_first_registration: Option<Date>,
    /// `vehicle_identification_number` (E): the VIN.
    pub vehicle_identification_number: Option<String>,
    /// `vehicle_holder` (C.1): the holder of the registration.
    pub vehicle_holder: Option<VehicleHolder>,
    /// `basic_vehicle_info` (D, J, K, R): make, type, category, colour.
    pub basic_vehicle_info: Option<BasicVehicleInfo>,
    /// `mass_info` (F, G): masses.
    pub mass_info: Option<MassInfo>,
    /// `engine_info` (P): engine figures.
    pub engine_info: Option<EngineInfo>,
    /// `issuing_country`: ISO 3166-1 alpha-2 code.
    pub issuing_country: Option<String>,
    /// `issuing_authority`: the registration authority.
    pub issuing_authority: Option<String>,
    /// `document_number`: the certificate's own number.
    pub document_number: Option<String>,
    /// `issue_date`: date the certificate was issued.
    pub issue_date: Option<Date>,
    /// `expiry_date` (H): end of the registration's validity, if limited.
    pub expiry_date: Option<Date>,
    /// `un_distinguishing_sign`: the issuing country's distinguishing sign
    /// under the UN conventions on road traffic ("UA", "PL").
    pub un_distinguishing_sign: Option<String>,
    /// Elements the type has no field for, in any namespace; written again
    /// by [`DocumentType::to_elements`].
    pub other_elements: Elements,
}

/// `vehicle_holder` (C.1): a natural person (family and given names) or a
/// company (organisation name), and the address.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VehicleHolder {
    /// `family_name_unicode` (C.1.1): surname, any script.
    pub family_name: Option<String>,
    /// `given_name_unicode` (C.1.2): given names, any script.
    pub given_name: Option<String>,
    /// `organization_name_unicode` (C.1.1 for a legal person): the company's name.
    pub organization_name: Option<String>,
    /// `resident_address` (C.1.3): street and number.
    pub resident_address: Option<String>,
    /// `resident_city` (C.1.3).
    pub resident_city: Option<String>,
    /// `resident_postal_code` (C.1.3).
    pub resident_postal_code: Option<String>,
    /// `resident_country` (C.1.3): ISO 3166-1 alpha-2 code.
    pub resident_country: Option<String>,
    /// Keys the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

/// `basic_vehicle_info`: what the vehicle is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BasicVehicleInfo {
    /// `vehicle_category_code` (J): EU vehicle category ("M1", "N1", "L3e", "O2").
    pub vehicle_category_code: Option<String>,
    /// `type_approval_number` (K).
    pub type_approval_number: Option<String>,
    /// `make` (D.1).
    pub make: Option<String>,
    /// `commercial_name` (D.3): commercial description.
    pub commercial_name: Option<String>,
    /// `colours` (R): colour codes: 1 white, 2 yellow, 3 orange, 4 red,
    /// 5 violet, 6 blue, 7 green, 8 grey, 9 brown, 10 black.
    pub colours: Option<Vec<u64>>,
    /// Keys the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

/// `mass_info`: masses, in `unit` (kilograms when absent).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MassInfo {
    /// `unit`: "kg".
    pub unit: Option<String>,
    /// `techn_perm_max_laden_mass` (F.1): technically permissible maximum laden mass.
    pub techn_perm_max_laden_mass: Option<u64>,
    /// `vehicle_max_mass` (F.2): maximum permissible laden mass in service in
    /// the registering country.
    pub vehicle_max_mass: Option<u64>,
    /// `whole_vehicle_max_mass` (F.3): maximum permissible laden mass of the
    /// whole combination in service.
    pub whole_vehicle_max_mass: Option<u64>,
    /// `mass_in_running_order` (G): mass of the vehicle in service with bodywork.
    pub mass_in_running_order: Option<u64>,
    /// Keys the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

/// `engine_info`: the engine.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EngineInfo {
    /// `engine_capacity` (P.1): capacity in cm³.
    pub engine_capacity: Option<u64>,
    /// `engine_power` (P.2): maximum net power in kW.
    pub engine_power: Option<u64>,
    /// `energy_source` (P.3): fuel or power source codes: 10 petrol,
    /// 20 diesel, 30 LPG, 40 CNG, 50 hydrogen, 60 LNG, 90 other,
    /// 95 electricity (with finer codes such as 11 petrol E5 between).
    pub energy_source: Option<Vec<u64>>,
    /// Keys the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

/// The [`DocumentType`] constants as inherent constants, so
/// `VehicleRegistration::DOC_TYPE` needs no trait import.
impl VehicleRegistration {
    /// The ISO docType string.
    pub const DOC_TYPE: &'static str = <VehicleRegistration as DocumentType>::DOC_TYPE;
    /// The main namespace of its elements.
    pub const NAMESPACE: &'static str = <VehicleRegistration as DocumentType>::NAMESPACE;
    /// See [`DocumentType::KNOWN_ELEMENTS`].
    pub const KNOWN_ELEMENTS: &'static [&'static str] =
        <VehicleRegistration as DocumentType>::KNOWN_ELEMENTS;
    /// See [`DocumentType::MANDATORY_ELEMENTS`].
    pub const MANDATORY_ELEMENTS: &'static [&'static str] =
        <VehicleRegistration as DocumentType>::MANDATORY_ELEMENTS;
}

impl DocumentType for VehicleRegistration {
    const DOC_TYPE: &'static str = "org.iso.7367.1.mVRC";
    const NAMESPACE: &'static str = NAMESPACE;
    const KNOWN_ELEMENTS: &'static [&'static str] = &[
        "registration_number",
        "date_of_registration",
        "date_of_first_registration",
        "vehicle_identification_number",
        "vehicle_holder",
        "basic_vehicle_info",
        "mass_info",
        "engine_info",
        "issuing_country",
        "issuing_authority",
        "document_number",
        "issue_date",
        "expiry_date",
        "un_distinguishing_sign",
    ];
    const MANDATORY_ELEMENTS: &'static [&'static str] = &[
        "registration_number",
        "date_of_registration",
        "vehicle_identification_number",
        "vehicle_holder",
        "basic_vehicle_info",
        "mass_info",
        "issuing_country",
        "issuing_authority",
        "document_number",
        "issue_date",
        "un_distinguishing_sign",
    ];

    fn to_disclosed_elements(&self) -> Result<Elements> {
        let what = |name: &str| element::path(NAMESPACE, name);
        let date = |v: &Option<Date>| v.map(cbor::full_date);
        let mut out = Out::default();
        out.put("registration_number", text(&self.registration_number));
        out.put("date_of_registration", date(&self.date_of_registration));
        out.put(
            "date_of_first_registration",
            date(&self.date_of_first_registration),
        );
        out.put(
            "vehicle_identification_number",
            text(&self.vehicle_identification_number),
        );
        out.put(
            "vehicle_holder",
            self.vehicle_holder
                .as_ref()
                .map(|h| h.to_value(&what("vehicle_holder")))
                .transpose()?,
        );
        out.put(
            "basic_vehicle_info",
            self.basic_vehicle_info
                .as_ref()
                .map(|b| b.to_value(&what("basic_vehicle_info")))
                .transpose()?,
        );
        out.put(
            "mass_info",
            self.mass_info
                .as_ref()
                .map(|m| m.to_value(&what("mass_info")))
                .transpose()?,
        );
        out.put(
            "engine_info",
            self.engine_info
                .as_ref()
                .map(|e| e.to_value(&what("engine_info")))
                .transpose()?,
        );
        out.put(
            "issuing_country",
            self.issuing_country
                .as_deref()
                .map(|c| element::country_value(c, &what("issuing_country")))
                .transpose()?,
        );
        out.put("issuing_authority", text(&self.issuing_authority));
        out.put("document_number", text(&self.document_number));
        out.put("issue_date", date(&self.issue_date));
        out.put("expiry_date", date(&self.expiry_date));
        out.put("un_distinguishing_sign", text(&self.un_distinguishing_sign));
        element::assemble(NAMESPACE, out, &self.other_elements, Self::KNOWN_ELEMENTS)
    }

    fn from_disclosed(elements: &Elements) -> Result<Self> {
        Self::read_disclosed(elements, Reading::Build)
    }

    fn missing_elements(&self) -> Vec<&'static str> {
        element::missing(&[
            ("registration_number", self.registration_number.is_some()),
            ("date_of_registration", self.date_of_registration.is_some()),
            (
                "vehicle_identification_number",
                self.vehicle_identification_number.is_some(),
            ),
            ("vehicle_holder", self.vehicle_holder.is_some()),
            ("basic_vehicle_info", self.basic_vehicle_info.is_some()),
            ("mass_info", self.mass_info.is_some()),
            ("issuing_country", self.issuing_country.is_some()),
            ("issuing_authority", self.issuing_authority.is_some()),
            ("document_number", self.document_number.is_some()),
            ("issue_date", self.issue_date.is_some()),
            (
                "un_distinguishing_sign",
                self.un_distinguishing_sign.is_some(),
            ),
        ])
    }
}

impl ReadDisclosed for VehicleRegistration {
    fn read_disclosed(elements: &Elements, reading: Reading) -> Result<Self> {
        let mut f = Fields::namespace(elements, NAMESPACE, reading);
        let mut vrc = VehicleRegistration {
            registration_number: f.take("registration_number", element::TEXT)?,
            date_of_registration: f.take("date_of_registration", element::date)?,
            date_of_first_registration: f.take("date_of_first_registration", element::date)?,
            vehicle_identification_number: f
                .take("vehicle_identification_number", element::TEXT)?,
            vehicle_holder: f.take("vehicle_holder", Nested(VehicleHolder::read))?,
            basic_vehicle_info: f.take("basic_vehicle_info", Nested(BasicVehicleInfo::read))?,
            mass_info: f.take("mass_info", Nested(MassInfo::read))?,
            engine_info: f.take("engine_info", Nested(EngineInfo::read))?,
            issuing_country: f.take("issuing_country", element::COUNTRY)?,
            issuing_authority: f.take("issuing_authority", element::TEXT)?,
            document_number: f.take("document_number", element::TEXT)?,
            issue_date: f.take("issue_date", element::date)?,
            expiry_date: f.take("expiry_date", element::date)?,
            un_distinguishing_sign: f.take("un_distinguishing_sign", element::TEXT)?,
            other_elements: Elements::new(),
        };
        vrc.other_elements = f.other_elements(elements);
        Ok(vrc)
    }
}

fn text(value: &Option<String>) -> Option<Value> {
    value.as_deref().map(element::text_value)
}

fn uint(value: Option<u64>) -> Option<Value> {
    value.map(element::uint_value)
}

impl VehicleHolder {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<VehicleHolder> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(VehicleHolder {
            family_name: f.take("family_name_unicode", element::TEXT)?,
            given_name: f.take("given_name_unicode", element::TEXT)?,
            organization_name: f.take("organization_name_unicode", element::TEXT)?,
            resident_address: f.take("resident_address", element::TEXT)?,
            resident_city: f.take("resident_city", element::TEXT)?,
            resident_postal_code: f.take("resident_postal_code", element::TEXT)?,
            resident_country: f.take("resident_country", element::COUNTRY)?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let mut out = Out::default();
        out.put("family_name_unicode", text(&self.family_name));
        out.put("given_name_unicode", text(&self.given_name));
        out.put("organization_name_unicode", text(&self.organization_name));
        out.put("resident_address", text(&self.resident_address));
        out.put("resident_city", text(&self.resident_city));
        out.put("resident_postal_code", text(&self.resident_postal_code));
        out.put(
            "resident_country",
            self.resident_country
                .as_deref()
                .map(|c| element::country_value(c, &format!("{what}.resident_country")))
                .transpose()?,
        );
        out.into_map(&self.other, HOLDER_KEYS, what)
    }
}

impl BasicVehicleInfo {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<BasicVehicleInfo> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(BasicVehicleInfo {
            vehicle_category_code: f.take("vehicle_category_code", element::TEXT)?,
            type_approval_number: f.take("type_approval_number", element::TEXT)?,
            make: f.take("make", element::TEXT)?,
            commercial_name: f.take("commercial_name", element::TEXT)?,
            colours: f.take("colours", ArrayOf(element::uint))?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let mut out = Out::default();
        out.put("vehicle_category_code", text(&self.vehicle_category_code));
        out.put("type_approval_number", text(&self.type_approval_number));
        out.put("make", text(&self.make));
        out.put("commercial_name", text(&self.commercial_name));
        out.put(
            "colours",
            self.colours.as_deref().map(element::uint_array_value),
        );
        out.into_map(&self.other, BASIC_KEYS, what)
    }
}

impl MassInfo {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<MassInfo> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(MassInfo {
            unit: f.take("unit", element::TEXT)?,
            techn_perm_max_laden_mass: f.take("techn_perm_max_laden_mass", element::uint)?,
            vehicle_max_mass: f.take("vehicle_max_mass", element::uint)?,
            whole_vehicle_max_mass: f.take("whole_vehicle_max_mass", element::uint)?,
            mass_in_running_order: f.take("mass_in_running_order", element::uint)?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let mut out = Out::default();
        out.put("unit", text(&self.unit));
        out.put(
            "techn_perm_max_laden_mass",
            uint(self.techn_perm_max_laden_mass),
        );
        out.put("vehicle_max_mass", uint(self.vehicle_max_mass));
        out.put("whole_vehicle_max_mass", uint(self.whole_vehicle_max_mass));
        out.put("mass_in_running_order", uint(self.mass_in_running_order));
        out.into_map(&self.other, MASS_KEYS, what)
    }
}

impl EngineInfo {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<EngineInfo> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(EngineInfo {
            engine_capacity: f.take("engine_capacity", element::uint)?,
            engine_power: f.take("engine_power", element::uint)?,
            energy_source: f.take("energy_source", ArrayOf(element::uint))?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let mut out = Out::default();
        out.put("engine_capacity", uint(self.engine_capacity));
        out.put("engine_power", uint(self.engine_power));
        out.put(
            "energy_source",
            self.energy_source.as_deref().map(element::uint_array_value),
        );
        out.into_map(&self.other, ENGINE_KEYS, what)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::documents::json::{elements_from_json, elements_to_json};
    use time::macros::date;

    /// A complete certificate: a Polish car held by a Ukrainian resident.
    pub(crate) fn sample() -> VehicleRegistration {
        let mut ua = BTreeMap::new();
        ua.insert("insurance_policy".to_string(), Value::Text("ЕР-123".into()));
        let mut other_elements = Elements::new();
        other_elements.insert("org.iso.7367.1.PL".to_string(), ua);
        let mut holder_other = BTreeMap::new();
        holder_other.insert("pesel".to_string(), Value::Text("90020312345".into()));
        VehicleRegistration {
            registration_number: Some("EL 12345".into()),
            date_of_registration: Some(date!(2025 - 03 - 14)),
            date_of_first_registration: Some(date!(2019 - 06 - 01)),
            vehicle_identification_number: Some("WVWZZZ1JZXW000001".into()),
            vehicle_holder: Some(VehicleHolder {
                family_name: Some("Шевченко".into()),
                given_name: Some("Олена".into()),
                organization_name: None,
                resident_address: Some("ul. Żółkiewskiego 5".into()),
                resident_city: Some("Łódź".into()),
                resident_postal_code: Some("90-001".into()),
                resident_country: Some("PL".into()),
                other: holder_other,
            }),
            basic_vehicle_info: Some(BasicVehicleInfo {
                vehicle_category_code: Some("M1".into()),
                type_approval_number: Some("e1*2007/46*0623*12".into()),
                make: Some("ŠKODA".into()),
                commercial_name: Some("Octavia".into()),
                colours: Some(vec![8]),
                other: BTreeMap::new(),
            }),
            mass_info: Some(MassInfo {
                unit: Some("kg".into()),
                techn_perm_max_laden_mass: Some(1_890),
                vehicle_max_mass: Some(1_890),
                whole_vehicle_max_mass: Some(3_390),
                mass_in_running_order: Some(1_340),
                other: BTreeMap::new(),
            }),
            engine_info: Some(EngineInfo {
                engine_capacity: Some(1_598),
                engine_power: Some(85),
                energy_source: Some(vec![20]),
                other: BTreeMap::new(),
            }),
            issuing_country: Some("PL".into()),
            issuing_authority: Some("Prezydent Miasta Łodzi".into()),
            document_number: Some("DR/BAA/1234567".into()),
            issue_date: Some(date!(2025 - 03 - 14)),
            expiry_date: None,
            un_distinguishing_sign: Some("PL".into()),
            other_elements,
        }
    }

    /// A company-held trailer: no engine, no given name.
    fn company_trailer() -> VehicleRegistration {
        VehicleRegistration {
            vehicle_holder: Some(VehicleHolder {
                organization_name: Some("ТОВ «Львівтранс»".into()),
                resident_address: Some("вул. Городоцька 1".into()),
                resident_city: Some("Львів".into()),
                resident_country: Some("UA".into()),
                ..Default::default()
            }),
            engine_info: None,
            issuing_country: Some("UA".into()),
            un_distinguishing_sign: Some("UA".into()),
            expiry_date: Some(date!(2030 - 01 - 01)),
            other_elements: Elements::new(),
            ..sample()
        }
    }

    fn main_ns(elements: &mut Elements) -> &mut BTreeMap<String, Value> {
        elements.get_mut(NAMESPACE).unwrap()
    }

    #[test]
    fn round_trips() {
        for vrc in [sample(), company_trailer()] {
            let elements = vrc.to_elements().unwrap();
            assert_eq!(VehicleRegistration::from_elements(&elements).unwrap(), vrc);
        }
        let elements = sample().to_elements().unwrap();
        for name in VehicleRegistration::KNOWN_ELEMENTS {
            if *name != "expiry_date" {
                assert!(elements[NAMESPACE].contains_key(*name), "{name}");
            }
        }
        assert_eq!(
            elements[NAMESPACE]["date_of_registration"],
            Value::Tag(1004, Box::new(Value::Text("2025-03-14".into())))
        );
        let Value::Map(holder) = &elements[NAMESPACE]["vehicle_holder"] else {
            panic!("vehicle_holder is not a map");
        };
        assert!(holder.contains(&(
            Value::Text("family_name_unicode".into()),
            Value::Text("Шевченко".into())
        )));
    }

    #[test]
    fn unknown_elements_and_keys_survive() {
        let elements = sample().to_elements().unwrap();
        let vrc = VehicleRegistration::from_elements(&elements).unwrap();
        assert_eq!(
            vrc.other_elements["org.iso.7367.1.PL"]["insurance_policy"],
            Value::Text("ЕР-123".into())
        );
        assert_eq!(
            vrc.vehicle_holder.as_ref().unwrap().other["pesel"],
            Value::Text("90020312345".into())
        );
        assert_eq!(vrc.to_elements().unwrap(), elements);
    }

    #[test]
    fn missing_mandatory_element_is_missing_element() {
        for name in VehicleRegistration::MANDATORY_ELEMENTS {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).remove(*name);
            let err = VehicleRegistration::from_elements(&elements).unwrap_err();
            assert_eq!(err.code(), "missing_element", "{name}");
            assert!(err.to_string().contains(name));
        }
    }

    #[test]
    fn wrong_types_are_invalid_element() {
        let cases: Vec<(&str, Value)> = vec![
            ("registration_number", Value::Integer(12345.into())),
            ("date_of_registration", Value::Text("14.03.2025".into())),
            ("vehicle_holder", Value::Text("Шевченко Олена".into())),
            (
                "vehicle_holder",
                Value::Map(vec![(Value::Integer(1.into()), Value::Text("x".into()))]),
            ),
            (
                "vehicle_holder",
                Value::Map(vec![(
                    Value::Text("resident_country".into()),
                    Value::Text("POL".into()),
                )]),
            ),
            (
                "basic_vehicle_info",
                Value::Map(vec![(
                    Value::Text("colours".into()),
                    Value::Text("grey".into()),
                )]),
            ),
            (
                "mass_info",
                Value::Map(vec![(
                    Value::Text("vehicle_max_mass".into()),
                    Value::Float(1890.5),
                )]),
            ),
            (
                "engine_info",
                Value::Map(vec![(
                    Value::Text("engine_power".into()),
                    Value::Integer((-85).into()),
                )]),
            ),
            ("issuing_country", Value::Text("Polska".into())),
        ];
        for (name, value) in cases {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).insert(name.into(), value.clone());
            assert_eq!(
                VehicleRegistration::from_disclosed(&elements).map_err(|e| e.code()),
                Err("invalid_element"),
                "{name} = {value:?}"
            );
        }
    }

    /// A code list's wrong item is refused by its index, the same way when
    /// the claims are built and when a verifier only checks them.
    #[test]
    fn a_wrong_code_in_a_list_is_named_by_its_index() {
        let codes = Value::Array(vec![Value::from(7), Value::Text("grey".into())]);
        for (nested, list) in [
            ("basic_vehicle_info", "colours"),
            ("engine_info", "energy_source"),
        ] {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).insert(
                nested.into(),
                Value::Map(vec![(Value::Text(list.into()), codes.clone())]),
            );
            let path = format!("{NAMESPACE}/{nested}.{list}[1]");
            let built = VehicleRegistration::from_disclosed(&elements).unwrap_err();
            let checked =
                crate::documents::Claims::check_elements(VehicleRegistration::DOC_TYPE, &elements)
                    .unwrap_err();
            for refused in [built, checked] {
                assert_eq!(refused.code(), "invalid_element");
                assert!(refused.to_string().contains(&path), "{refused}");
            }
        }
    }

    #[test]
    fn disclosed_subset_is_accepted() {
        let elements = sample().to_elements().unwrap();
        let mut ns = BTreeMap::new();
        for name in ["registration_number", "basic_vehicle_info"] {
            ns.insert(name.to_string(), elements[NAMESPACE][name].clone());
        }
        let mut subset = Elements::new();
        subset.insert(NAMESPACE.to_string(), ns);
        let vrc = VehicleRegistration::from_disclosed(&subset).unwrap();
        assert_eq!(vrc.registration_number.as_deref(), Some("EL 12345"));
        assert_eq!(
            vrc.basic_vehicle_info.as_ref().unwrap().make.as_deref(),
            Some("ŠKODA")
        );
        assert_eq!(vrc.vehicle_holder, None);
        assert_eq!(vrc.to_disclosed_elements().unwrap(), subset);
        assert_eq!(
            vrc.to_elements().map_err(|e| e.code()),
            Err("missing_element")
        );
    }

    #[test]
    fn json_round_trip() {
        for vrc in [sample(), company_trailer()] {
            let elements = vrc.to_elements().unwrap();
            let json = elements_to_json(&elements);
            assert_eq!(
                elements_from_json(VehicleRegistration::DOC_TYPE, &json).unwrap(),
                elements
            );
        }
    }
}
