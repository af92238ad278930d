//! The mobile driving licence of ISO/IEC 18013-5 (`org.iso.18013.5.1.mDL`).
//!
//! Elements are those of ISO/IEC 18013-5:2021 table 5 in the namespace
//! `org.iso.18013.5.1`. Names in Cyrillic (Diia) or with Polish diacritics
//! (mObywatel) go in the `*_national_character` elements beside the Latin
//! `family_name` and `given_name`; the crate does not police the character
//! repertoire of either, as issuers differ in what they put in the Latin one.
//! `age_over_NN` elements other than `age_over_18` and national namespaces
//! are kept as unknown elements.

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::Date;

use super::ReadDisclosed;
use super::element::{self, ArrayOf, Fields, Nested, Out, Reading};
use super::shape::Shape;
use super::{DocumentType, Elements, Sex};
use crate::cbor;
use crate::error::Result;

const NAMESPACE: &str = "org.iso.18013.5.1";

/// Keys of a driving privilege map.
const PRIVILEGE_KEYS: &[&str] = &[
    "vehicle_category_code",
    "issue_date",
    "expiry_date",
    "codes",
];
/// Keys of a driving privilege code map.
const CODE_KEYS: &[&str] = &["code", "sign", "value"];

/// How the JSON form of the elements maps back to CBOR where JSON alone
/// cannot tell (dates, byte strings).
pub(crate) const JSON_SHAPES: &[(&str, Shape)] = &[
    ("birth_date", Shape::Date),
    ("issue_date", Shape::Date),
    ("expiry_date", Shape::Date),
    ("portrait", Shape::Bytes),
    (
        "driving_privileges",
        Shape::ArrayOf(&Shape::MapOf(&[
            ("issue_date", Shape::Date),
            ("expiry_date", Shape::Date),
        ])),
    ),
];

/// An ISO/IEC 18013-5 mobile driving licence.
///
/// Every field is optional so that a selectively disclosed licence fits; see
/// [`DocumentType::MANDATORY_ELEMENTS`] for what a complete one holds. Each
/// field is the element of the same name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrivingLicence {
    /// `family_name` (mandatory): last name, Latin characters.
    pub family_name: Option<String>,
    /// `given_name` (mandatory): first names, Latin characters.
    pub given_name: Option<String>,
    /// `birth_date` (mandatory): full-date.
    pub birth_date: Option<Date>,
    /// `issue_date` (mandatory): date of issue of the licence.
    pub issue_date: Option<Date>,
    /// `expiry_date` (mandatory): date the licence expires.
    pub expiry_date: Option<Date>,
    /// `issuing_country` (mandatory): ISO 3166-1 alpha-2 code ("UA", "PL").
    pub issuing_country: Option<String>,
    /// `issuing_authority` (mandatory): name of the issuing authority.
    pub issuing_authority: Option<String>,
    /// `document_number` (mandatory): the licence number.
    pub document_number: Option<String>,
    /// `portrait` (mandatory): the holder's facial image (JPEG or JPEG 2000 bytes).
    pub portrait: Option<Vec<u8>>,
    /// `driving_privileges` (mandatory): the categories the holder may drive.
    pub driving_privileges: Option<Vec<DrivingPrivilege>>,
    /// `un_distinguishing_sign` (mandatory): distinguishing sign of the issuing
    /// country under the UN conventions on road traffic ("UA", "PL").
    pub un_distinguishing_sign: Option<String>,
    /// `family_name_national_character`: last name in national characters
    /// ("Шевченко", "Żółć").
    pub family_name_national_character: Option<String>,
    /// `given_name_national_character`: first names in national characters
    /// ("Олена", "Łukasz").
    pub given_name_national_character: Option<String>,
    /// `nationality`: ISO 3166-1 alpha-2 code.
    pub nationality: Option<String>,
    /// `sex`: ISO/IEC 5218 code.
    pub sex: Option<Sex>,
    /// `resident_address`: the address where the holder lives.
    pub resident_address: Option<String>,
    /// `resident_city`: the city where the holder lives.
    pub resident_city: Option<String>,
    /// `resident_country`: ISO 3166-1 alpha-2 code of the country of residence.
    pub resident_country: Option<String>,
    /// `age_over_18`: whether the holder is 18 or older.
    pub age_over_18: Option<bool>,
    /// Elements the type has no field for, in any namespace; written again
    /// by [`DocumentType::to_elements`].
    pub other_elements: Elements,
}

/// One entry of `driving_privileges`: a vehicle category and its limits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrivingPrivilege {
    /// `vehicle_category_code` (required in every privilege): "A", "B", "C1", "BE", ...
    pub vehicle_category_code: String,
    /// `issue_date`: when the category was first granted.
    pub issue_date: Option<Date>,
    /// `expiry_date`: when the category expires.
    pub expiry_date: Option<Date>,
    /// `codes`: restrictions and conditions (for example code 01 "glasses").
    pub codes: Option<Vec<DrivingPrivilegeCode>>,
    /// Keys of the privilege map the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

/// A restriction or condition code of a driving privilege.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrivingPrivilegeCode {
    /// `code` (required): the code, such as "01" or "78".
    pub code: String,
    /// `sign`: the sign of the value ("=", "<", ">", "<=", ">=").
    pub sign: Option<String>,
    /// `value`: the value the sign compares against.
    pub value: Option<String>,
    /// Keys of the code map the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

/// The [`DocumentType`] constants as inherent constants, so
/// `DrivingLicence::DOC_TYPE` needs no trait import.
impl DrivingLicence {
    /// The ISO docType string.
    pub const DOC_TYPE: &'static str = <DrivingLicence as DocumentType>::DOC_TYPE;
    /// The main namespace of its elements.
    pub const NAMESPACE: &'static str = <DrivingLicence as DocumentType>::NAMESPACE;
    /// See [`DocumentType::KNOWN_ELEMENTS`].
    pub const KNOWN_ELEMENTS: &'static [&'static str] =
        <DrivingLicence as DocumentType>::KNOWN_ELEMENTS;
    /// See [`DocumentType::MANDATORY_ELEMENTS`].
    pub const MANDATORY_ELEMENTS: &'static [&'static str] =
        <DrivingLicence as DocumentType>::MANDATORY_ELEMENTS;
}

impl DocumentType for DrivingLicence {
    const DOC_TYPE: &'static str = "org.iso.18013.5.1.mDL";
    const NAMESPACE: &'static str = NAMESPACE;
    const KNOWN_ELEMENTS: &'static [&'static str] = &[
        "family_name",
        "given_name",
        "birth_date",
        "issue_date",
        "expiry_date",
        "issuing_country",
        "issuing_authority",
        "document_number",
        "portrait",
        "driving_privileges",
        "un_distinguishing_sign",
        "family_name_national_character",
        "given_name_national_character",
        "nationality",
        "sex",
        "resident_address",
        "resident_city",
        "resident_country",
        "age_over_18",
    ];
    const MANDATORY_ELEMENTS: &'static [&'static str] = &[
        "family_name",
        "given_name",
        "birth_date",
        "issue_date",
        "expiry_date",
        "issuing_country",
        "issuing_authority",
        "document_number",
        "portrait",
        "driving_privileges",
        "un_distinguishing_sign",
    ];

    fn to_disclosed_elements(&self) -> Result<Elements> {
        let what = |name: &str| element::path(NAMESPACE, name);
        let text = |v: &Option<String>| v.as_deref().map(element::text_value);
        let date = |v: &Option<Date>| v.map(cbor::full_date);
        let country = |v: &Option<String>, name: &str| {
            v.as_deref()
                .map(|c| element::country_value(c, &what(name)))
                .transpose()
        };
        let privileges = self
            .driving_privileges
            .as_ref()
            .map(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, p)| p.to_value(&format!("{}[{i}]", what("driving_privileges"))))
                    .collect::<Result<Vec<_>>>()
                    .map(Value::Array)
            })
            .transpose()?;

        let mut out = Out::default();
        out.put("family_name", text(&self.family_name));
        out.put("given_name", text(&self.given_name));
        out.put("birth_date", date(&self.birth_date));
        out.put("issue_date", date(&self.issue_date));
        out.put("expiry_date", date(&self.expiry_date));
        out.put(
            "issuing_country",
            country(&self.issuing_country, "issuing_country")?,
        );
        out.put("issuing_authority", text(&self.issuing_authority));
        out.put("document_number", text(&self.document_number));
        out.put("portrait", self.portrait.clone().map(Value::Bytes));
        out.put("driving_privileges", privileges);
        out.put("un_distinguishing_sign", text(&self.un_distinguishing_sign));
        out.put(
            "family_name_national_character",
            text(&self.family_name_national_character),
        );
        out.put(
            "given_name_national_character",
            text(&self.given_name_national_character),
        );
        out.put("nationality", country(&self.nationality, "nationality")?);
        out.put("sex", self.sex.map(Sex::value));
        out.put("resident_address", text(&self.resident_address));
        out.put("resident_city", text(&self.resident_city));
        out.put(
            "resident_country",
            country(&self.resident_country, "resident_country")?,
        );
        out.put("age_over_18", self.age_over_18.map(Value::Bool));
        element::assemble(NAMESPACE, out, &self.other_elements, Self::KNOWN_ELEMENTS)
    }

    fn from_disclosed(elements: &Elements) -> Result<Self> {
        Self::read_disclosed(elements, Reading::Build)
    }

    fn missing_elements(&self) -> Vec<&'static str> {
        element::missing(&[
            ("family_name", self.family_name.is_some()),
            ("given_name", self.given_name.is_some()),
            ("birth_date", self.birth_date.is_some()),
            ("issue_date", self.issue_date.is_some()),
            ("expiry_date", self.expiry_date.is_some()),
            ("issuing_country", self.issuing_country.is_some()),
            ("issuing_authority", self.issuing_authority.is_some()),
            ("document_number", self.document_number.is_some()),
            ("portrait", self.portrait.is_some()),
            ("driving_privileges", self.driving_privileges.is_some()),
            (
                "un_distinguishing_sign",
                self.un_distinguishing_sign.is_some(),
            ),
        ])
    }
}

impl ReadDisclosed for DrivingLicence {
    fn read_disclosed(elements: &Elements, reading: Reading) -> Result<Self> {
        let mut f = Fields::namespace(elements, NAMESPACE, reading);
        let mut licence = DrivingLicence {
            family_name: f.take("family_name", element::TEXT)?,
            given_name: f.take("given_name", element::TEXT)?,
            birth_date: f.take("birth_date", element::date)?,
            issue_date: f.take("issue_date", element::date)?,
            expiry_date: f.take("expiry_date", element::date)?,
            issuing_country: f.take("issuing_country", element::COUNTRY)?,
            issuing_authority: f.take("issuing_authority", element::TEXT)?,
            document_number: f.take("document_number", element::TEXT)?,
            portrait: f.take("portrait", element::BYTES)?,
            driving_privileges: f.take(
                "driving_privileges",
                ArrayOf(Nested(DrivingPrivilege::read)),
            )?,
            un_distinguishing_sign: f.take("un_distinguishing_sign", element::TEXT)?,
            family_name_national_character: f
                .take("family_name_national_character", element::TEXT)?,
            given_name_national_character: f
                .take("given_name_national_character", element::TEXT)?,
            nationality: f.take("nationality", element::COUNTRY)?,
            sex: f.take("sex", Sex::read)?,
            resident_address: f.take("resident_address", element::TEXT)?,
            resident_city: f.take("resident_city", element::TEXT)?,
            resident_country: f.take("resident_country", element::COUNTRY)?,
            age_over_18: f.take("age_over_18", element::boolean)?,
            other_elements: Elements::new(),
        };
        licence.other_elements = f.other_elements(elements);
        Ok(licence)
    }
}

impl DrivingPrivilege {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<DrivingPrivilege> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(DrivingPrivilege {
            vehicle_category_code: f.require("vehicle_category_code", element::TEXT)?,
            issue_date: f.take("issue_date", element::date)?,
            expiry_date: f.take("expiry_date", element::date)?,
            codes: f.take("codes", ArrayOf(Nested(DrivingPrivilegeCode::read)))?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let codes = self
            .codes
            .as_ref()
            .map(|codes| {
                codes
                    .iter()
                    .enumerate()
                    .map(|(i, c)| c.to_value(&format!("{what}.codes[{i}]")))
                    .collect::<Result<Vec<_>>>()
                    .map(Value::Array)
            })
            .transpose()?;
        let mut out = Out::default();
        out.put(
            "vehicle_category_code",
            Some(element::text_value(&self.vehicle_category_code)),
        );
        out.put("issue_date", self.issue_date.map(cbor::full_date));
        out.put("expiry_date", self.expiry_date.map(cbor::full_date));
        out.put("codes", codes);
        out.into_map(&self.other, PRIVILEGE_KEYS, what)
    }
}

impl DrivingPrivilegeCode {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<DrivingPrivilegeCode> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(DrivingPrivilegeCode {
            code: f.require("code", element::TEXT)?,
            sign: f.take("sign", element::TEXT)?,
            value: f.take("value", element::TEXT)?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let mut out = Out::default();
        out.put("code", Some(element::text_value(&self.code)));
        out.put("sign", self.sign.as_deref().map(element::text_value));
        out.put("value", self.value.as_deref().map(element::text_value));
        out.into_map(&self.other, CODE_KEYS, what)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::documents::json::{elements_from_json, elements_to_json};
    use time::macros::date;

    /// A complete Diia licence for a Ukrainian driver living in Poland.
    pub(crate) fn sample() -> DrivingLicence {
        let mut ua = BTreeMap::new();
        ua.insert("tax_number".to_string(), Value::Text("1234567890".into()));
        ua.insert("diia_id".to_string(), Value::Integer(42.into()));
        let mut other_elements = Elements::new();
        other_elements.insert("org.iso.18013.5.1.UA".to_string(), ua);
        let mut extra = BTreeMap::new();
        extra.insert("age_over_21".to_string(), Value::Bool(true));
        other_elements.insert(NAMESPACE.to_string(), extra);
        DrivingLicence {
            family_name: Some("Shevchenko".into()),
            given_name: Some("Olena".into()),
            birth_date: Some(date!(1990 - 02 - 03)),
            issue_date: Some(date!(2024 - 05 - 06)),
            expiry_date: Some(date!(2034 - 05 - 05)),
            issuing_country: Some("UA".into()),
            issuing_authority: Some("Головний сервісний центр МВС".into()),
            document_number: Some("AAB123456".into()),
            portrait: Some(vec![0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0xff, 0xd9]),
            driving_privileges: Some(vec![
                DrivingPrivilege {
                    vehicle_category_code: "B".into(),
                    issue_date: Some(date!(2010 - 07 - 01)),
                    expiry_date: Some(date!(2034 - 05 - 05)),
                    codes: Some(vec![DrivingPrivilegeCode {
                        code: "01".into(),
                        sign: None,
                        value: None,
                        other: BTreeMap::new(),
                    }]),
                    other: BTreeMap::new(),
                },
                DrivingPrivilege {
                    vehicle_category_code: "A1".into(),
                    ..Default::default()
                },
            ]),
            un_distinguishing_sign: Some("UA".into()),
            family_name_national_character: Some("Шевченко".into()),
            given_name_national_character: Some("Олена".into()),
            nationality: Some("UA".into()),
            sex: Some(Sex::Female),
            resident_address: Some("ul. Żółkiewskiego 5".into()),
            resident_city: Some("Łódź".into()),
            resident_country: Some("PL".into()),
            age_over_18: Some(true),
            other_elements,
        }
    }

    fn polish_sample() -> DrivingLicence {
        DrivingLicence {
            family_name: Some("Zolc".into()),
            given_name: Some("Lukasz".into()),
            family_name_national_character: Some("Żółć".into()),
            given_name_national_character: Some("Łukasz".into()),
            issuing_country: Some("PL".into()),
            issuing_authority: Some("Prezydent Miasta Łodzi".into()),
            un_distinguishing_sign: Some("PL".into()),
            nationality: Some("PL".into()),
            sex: Some(Sex::Male),
            other_elements: Elements::new(),
            ..sample()
        }
    }

    fn main_ns(elements: &mut Elements) -> &mut BTreeMap<String, Value> {
        elements.get_mut(NAMESPACE).unwrap()
    }

    #[test]
    fn round_trips_with_national_characters_intact() {
        for licence in [sample(), polish_sample()] {
            let elements = licence.to_elements().unwrap();
            let back = DrivingLicence::from_elements(&elements).unwrap();
            assert_eq!(back, licence);
        }
        let elements = polish_sample().to_elements().unwrap();
        assert_eq!(
            elements[NAMESPACE]["family_name_national_character"],
            Value::Text("Żółć".into())
        );
        assert_eq!(
            elements[NAMESPACE]["given_name_national_character"],
            Value::Text("Łukasz".into())
        );
    }

    #[test]
    fn writes_every_known_element_and_dates_as_tag_1004() {
        let elements = sample().to_elements().unwrap();
        for name in DrivingLicence::KNOWN_ELEMENTS {
            assert!(elements[NAMESPACE].contains_key(*name), "{name}");
        }
        let full_date = |text: &str| Value::Tag(1004, Box::new(Value::Text(text.into())));
        assert_eq!(elements[NAMESPACE]["birth_date"], full_date("1990-02-03"));
        assert_eq!(elements[NAMESPACE]["issue_date"], full_date("2024-05-06"));
        let Value::Array(privileges) = &elements[NAMESPACE]["driving_privileges"] else {
            panic!("driving_privileges is not an array");
        };
        let Value::Map(first) = &privileges[0] else {
            panic!("privilege is not a map");
        };
        assert!(first.contains(&(Value::Text("issue_date".into()), full_date("2010-07-01"))));
        assert_eq!(elements[NAMESPACE]["sex"], Value::Integer(2.into()));
    }

    #[test]
    fn unknown_elements_and_keys_survive() {
        let mut elements = sample().to_elements().unwrap();
        let Value::Array(privileges) = main_ns(&mut elements)
            .get_mut("driving_privileges")
            .unwrap()
        else {
            panic!("not an array");
        };
        let Value::Map(first) = &mut privileges[0] else {
            panic!("not a map");
        };
        first.push((Value::Text("x_note".into()), Value::Text("від 2010".into())));
        let licence = DrivingLicence::from_elements(&elements).unwrap();
        assert_eq!(
            licence.other_elements["org.iso.18013.5.1.UA"]["tax_number"],
            Value::Text("1234567890".into())
        );
        assert_eq!(
            licence.other_elements[NAMESPACE]["age_over_21"],
            Value::Bool(true)
        );
        let privileges = licence.driving_privileges.as_ref().unwrap();
        assert_eq!(
            privileges[0].other["x_note"],
            Value::Text("від 2010".into())
        );
        let again = licence.to_elements().unwrap();
        assert_eq!(DrivingLicence::from_elements(&again).unwrap(), licence);
        assert_eq!(
            again["org.iso.18013.5.1.UA"],
            elements["org.iso.18013.5.1.UA"]
        );
    }

    #[test]
    fn unknown_entry_shadowing_a_field_is_refused() {
        let mut licence = sample();
        licence
            .other_elements
            .get_mut(NAMESPACE)
            .unwrap()
            .insert("family_name".into(), Value::Text("Other".into()));
        assert_eq!(
            licence.to_elements().map_err(|e| e.code()),
            Err("invalid_argument")
        );
    }

    #[test]
    fn missing_mandatory_element_is_missing_element() {
        for name in DrivingLicence::MANDATORY_ELEMENTS {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).remove(*name);
            let err = DrivingLicence::from_elements(&elements).unwrap_err();
            assert_eq!(err.code(), "missing_element", "{name}");
            assert!(err.to_string().contains(name), "{err}");
        }
        let mut licence = sample();
        licence.portrait = None;
        let err = licence.to_elements().unwrap_err();
        assert_eq!(err.code(), "missing_element");
        assert!(err.to_string().contains("portrait"));
    }

    #[test]
    fn wrong_types_are_invalid_element() {
        let cases: Vec<(&str, Value)> = vec![
            ("family_name", Value::Integer(1.into())),
            ("birth_date", Value::Text("03.02.1990".into())),
            ("birth_date", Value::Integer(19900203.into())),
            (
                "expiry_date",
                Value::Tag(1, Box::new(Value::Integer(0.into()))),
            ),
            ("portrait", Value::Text("/9j/".into())),
            ("issuing_country", Value::Text("UKR".into())),
            ("issuing_country", Value::Text("ua".into())),
            ("sex", Value::Integer(5.into())),
            ("age_over_18", Value::Integer(1.into())),
            ("driving_privileges", Value::Map(vec![])),
            (
                "driving_privileges",
                Value::Array(vec![Value::Text("B".into())]),
            ),
            (
                "driving_privileges",
                Value::Array(vec![Value::Map(vec![(
                    Value::Text("issue_date".into()),
                    cbor::full_date(date!(2010 - 07 - 01)),
                )])]),
            ),
        ];
        for (name, value) in cases {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).insert(name.into(), value.clone());
            assert_eq!(
                DrivingLicence::from_elements(&elements).map_err(|e| e.code()),
                Err("invalid_element"),
                "{name} = {value:?}"
            );
            assert_eq!(
                DrivingLicence::from_disclosed(&elements).map_err(|e| e.code()),
                Err("invalid_element"),
                "{name} = {value:?}"
            );
        }
        let mut licence = sample();
        licence.issuing_country = Some("Ukraine".into());
        assert_eq!(
            licence.to_elements().map_err(|e| e.code()),
            Err("invalid_element")
        );
    }

    #[test]
    fn dates_are_read_from_untagged_text_and_tdate() {
        let mut elements = sample().to_elements().unwrap();
        main_ns(&mut elements).insert("issue_date".into(), Value::Text("2024-05-06".into()));
        main_ns(&mut elements).insert(
            "expiry_date".into(),
            Value::Tag(0, Box::new(Value::Text("2034-05-05T23:30:00+02:00".into()))),
        );
        let licence = DrivingLicence::from_elements(&elements).unwrap();
        assert_eq!(licence.issue_date, Some(date!(2024 - 05 - 06)));
        assert_eq!(licence.expiry_date, Some(date!(2034 - 05 - 05)));
    }

    #[test]
    fn disclosed_subset_is_accepted() {
        let elements = sample().to_elements().unwrap();
        let mut subset = Elements::new();
        let mut ns = BTreeMap::new();
        for name in ["family_name_national_character", "portrait", "age_over_18"] {
            ns.insert(name.to_string(), elements[NAMESPACE][name].clone());
        }
        subset.insert(NAMESPACE.to_string(), ns);
        let licence = DrivingLicence::from_disclosed(&subset).unwrap();
        assert_eq!(
            licence.family_name_national_character.as_deref(),
            Some("Шевченко")
        );
        assert_eq!(licence.age_over_18, Some(true));
        assert_eq!(licence.given_name, None);
        assert!(licence.other_elements.is_empty());
        assert_eq!(
            licence.missing_elements(),
            vec![
                "family_name",
                "given_name",
                "birth_date",
                "issue_date",
                "expiry_date",
                "issuing_country",
                "issuing_authority",
                "document_number",
                "driving_privileges",
                "un_distinguishing_sign",
            ]
        );
        assert_eq!(licence.to_disclosed_elements().unwrap(), subset);
        assert_eq!(
            DrivingLicence::from_elements(&subset).map_err(|e| e.code()),
            Err("missing_element")
        );
        let empty = DrivingLicence::from_disclosed(&Elements::new()).unwrap();
        assert_eq!(empty, DrivingLicence::default());
    }

    #[test]
    fn json_round_trip() {
        for licence in [sample(), polish_sample()] {
            let elements = licence.to_elements().unwrap();
            let json = elements_to_json(&elements);
            assert_eq!(
                elements_from_json(DrivingLicence::DOC_TYPE, &json).unwrap(),
                elements
            );
            // Through text too, as the command-line tool and the vectors do.
            let text = serde_json::to_string(&json).unwrap();
            let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                elements_from_json(DrivingLicence::DOC_TYPE, &parsed).unwrap(),
                elements
            );
        }
    }
}
