//! A residence permit (`org.docbridge.residence_permit.1`).
//!
//! No ISO doc type exists for residence permits, so the project defines one,
//! in its own reverse-domain namespace of the same name. The fields follow the
//! EU uniform format for residence permits (Council Regulation (EC)
//! 1030/2002): names, date of birth, nationality, sex, type of permit, the
//! card's number, dates and issuer, place of issue and remarks, plus the
//! portrait. Names are split like in ISO/IEC 18013-5: `family_name` and
//! `given_name` as printed in Latin characters (ICAO 9303 transliteration),
//! `*_national_character` in the original script.
//!
//! | element | type | mandatory |
//! |---|---|---|
//! | `family_name`, `given_name` | tstr | yes |
//! | `family_name_national_character`, `given_name_national_character` | tstr | |
//! | `birth_date` | full-date | yes |
//! | `nationality` | tstr: alpha-2, or an ICAO 9303 three-letter code such as "XXA" (stateless) | yes |
//! | `sex` | uint, ISO/IEC 5218 | yes |
//! | `permit_type` | tstr, [`PermitType`] | yes |
//! | `document_number` | tstr | yes |
//! | `issue_date`, `expiry_date` | full-date | yes |
//! | `issuing_country` | tstr, alpha-2 | yes |
//! | `issuing_authority` | tstr | yes |
//! | `place_of_issue` | tstr | |
//! | `remarks` | tstr | |
//! | `portrait` | bstr | yes |
//! | `national_personal_number` | map `{scheme: tstr, value: tstr}`, [`NationalPersonalNumber`] | |

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::Date;

use super::ReadDisclosed;
use super::element::{self, Fields, Nested, Out, Reading};
use super::shape::Shape;
use super::{DocumentType, Elements, Sex};
use crate::cbor;
use crate::error::{Error, Result, excerpt};

const NAMESPACE: &str = "org.docbridge.residence_permit.1";

const PERSONAL_NUMBER_KEYS: &[&str] = &["scheme", "value"];

/// How the JSON form of the elements maps back to CBOR where JSON alone
/// cannot tell (dates, byte strings).
pub(crate) const JSON_SHAPES: &[(&str, Shape)] = &[
    ("birth_date", Shape::Date),
    ("issue_date", Shape::Date),
    ("expiry_date", Shape::Date),
    ("portrait", Shape::Bytes),
];

/// A residence permit after the EU uniform format.
///
/// Every field is optional so that a selectively disclosed permit fits; see
/// [`DocumentType::MANDATORY_ELEMENTS`] for what a complete one holds. Each
/// field is the element of the same name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResidencePermit {
    /// `family_name` (mandatory): surname in Latin characters.
    pub family_name: Option<String>,
    /// `given_name` (mandatory): given names in Latin characters.
    pub given_name: Option<String>,
    /// `family_name_national_character`: surname in the original script.
    pub family_name_national_character: Option<String>,
    /// `given_name_national_character`: given names in the original script.
    pub given_name_national_character: Option<String>,
    /// `birth_date` (mandatory).
    pub birth_date: Option<Date>,
    /// `nationality` (mandatory): ISO 3166-1 alpha-2 code, or an ICAO 9303
    /// three-letter code for the cases alpha-2 cannot express ("XXA"
    /// stateless, "XXB" refugee, "XXX" unspecified).
    pub nationality: Option<String>,
    /// `sex` (mandatory): ISO/IEC 5218 code.
    pub sex: Option<Sex>,
    /// `permit_type` (mandatory): the kind of permit.
    pub permit_type: Option<PermitType>,
    /// `document_number` (mandatory): the card's number.
    pub document_number: Option<String>,
    /// `issue_date` (mandatory).
    pub issue_date: Option<Date>,
    /// `expiry_date` (mandatory): end of the card's validity.
    pub expiry_date: Option<Date>,
    /// `issuing_country` (mandatory): ISO 3166-1 alpha-2 code.
    pub issuing_country: Option<String>,
    /// `issuing_authority` (mandatory).
    pub issuing_authority: Option<String>,
    /// `place_of_issue`.
    pub place_of_issue: Option<String>,
    /// `remarks`: the remarks field of the uniform format (for example
    /// "dostęp do rynku pracy" / access to the labour market).
    pub remarks: Option<String>,
    /// `portrait` (mandatory): facial image bytes.
    pub portrait: Option<Vec<u8>>,
    /// `national_personal_number`: the holder's number in a national register.
    pub national_personal_number: Option<NationalPersonalNumber>,
    /// Elements the type has no field for, in any namespace; written again
    /// by [`DocumentType::to_elements`].
    pub other_elements: Elements,
}

/// The kind of residence permit, encoded as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PermitType {
    /// `"temporary"`: temporary residence.
    Temporary,
    /// `"permanent"`: permanent residence.
    Permanent,
    /// `"temporary_protection"`: temporary protection under Directive
    /// 2001/55/EC (people displaced from Ukraine).
    TemporaryProtection,
    /// `"long_term_resident_eu"`: EU long-term resident (Directive 2003/109/EC).
    LongTermResidentEu,
    /// `"eu_blue_card"`: EU Blue Card (Directive (EU) 2021/1883).
    EuBlueCard,
    /// Any other non-empty text, kept as is. Must not be one of the texts
    /// above (writing refuses it): those always read back as their variant.
    Other(String),
}

impl PermitType {
    /// The text the element holds.
    pub fn as_str(&self) -> &str {
        match self {
            PermitType::Temporary => "temporary",
            PermitType::Permanent => "permanent",
            PermitType::TemporaryProtection => "temporary_protection",
            PermitType::LongTermResidentEu => "long_term_resident_eu",
            PermitType::EuBlueCard => "eu_blue_card",
            PermitType::Other(text) => text,
        }
    }

    /// The permit type for an element's text; texts other than the named ones
    /// become [`PermitType::Other`].
    pub fn from_text(text: &str) -> PermitType {
        match text {
            "temporary" => PermitType::Temporary,
            "permanent" => PermitType::Permanent,
            "temporary_protection" => PermitType::TemporaryProtection,
            "long_term_resident_eu" => PermitType::LongTermResidentEu,
            "eu_blue_card" => PermitType::EuBlueCard,
            other => PermitType::Other(other.to_string()),
        }
    }

    fn read(value: &Value, what: &str) -> Result<PermitType> {
        let text = element::text(value, what)?;
        if text.is_empty() {
            return Err(Error::InvalidElement(format!("{what}: empty permit type")));
        }
        Ok(PermitType::from_text(&text))
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        if let PermitType::Other(text) = self {
            // Either would read back as something else than was written.
            if text.is_empty() || !matches!(PermitType::from_text(text), PermitType::Other(_)) {
                return Err(Error::InvalidElement(format!(
                    "{what}: Other({text:?}) is empty or names a known permit type",
                    text = excerpt(text)
                )));
            }
        }
        Ok(element::text_value(self.as_str()))
    }
}

/// A number in a national population register, with the register it is from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NationalPersonalNumber {
    /// `scheme` (required): the register, such as "PESEL" (Poland) or
    /// "UNZR" (Ukraine's unified state demographic register).
    pub scheme: String,
    /// `value` (required): the number, as text (leading zeros matter).
    pub value: String,
    /// Keys the type does not know; written again.
    pub other: BTreeMap<String, Value>,
}

impl NationalPersonalNumber {
    fn read(value: &Value, what: &str, reading: Reading) -> Result<NationalPersonalNumber> {
        let mut f = Fields::map(value, what, reading)?;
        Ok(NationalPersonalNumber {
            scheme: f.require("scheme", element::TEXT)?,
            value: f.require("value", element::TEXT)?,
            other: f.rest(),
        })
    }

    fn to_value(&self, what: &str) -> Result<Value> {
        let mut out = Out::default();
        out.put("scheme", Some(element::text_value(&self.scheme)));
        out.put("value", Some(element::text_value(&self.value)));
        out.into_map(&self.other, PERSONAL_NUMBER_KEYS, what)
    }
}

/// Alpha-2, or three upper-case letters for the ICAO 9303 codes.
fn nationality(value: &Value, what: &str) -> Result<String> {
    let code = element::text(value, what)?;
    check_nationality(&code, what)?;
    Ok(code)
}

fn check_nationality(code: &str, what: &str) -> Result<()> {
    if (code.len() == 2 || code.len() == 3) && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::InvalidElement(format!(
            "{what}: {code:?} is neither an alpha-2 nor an ICAO 9303 code",
            code = excerpt(code)
        )))
    }
}

/// The [`DocumentType`] constants as inherent constants, so
/// `ResidencePermit::DOC_TYPE` needs no trait import.
impl ResidencePermit {
    /// The ISO docType string.
    pub const DOC_TYPE: &'static str = <ResidencePermit as DocumentType>::DOC_TYPE;
    /// The main namespace of its elements.
    pub const NAMESPACE: &'static str = <ResidencePermit as DocumentType>::NAMESPACE;
    /// See [`DocumentType::KNOWN_ELEMENTS`].
    pub const KNOWN_ELEMENTS: &'static [&'static str] =
        <ResidencePermit as DocumentType>::KNOWN_ELEMENTS;
    /// See [`DocumentType::MANDATORY_ELEMENTS`].
    pub const MANDATORY_ELEMENTS: &'static [&'static str] =
        <ResidencePermit as DocumentType>::MANDATORY_ELEMENTS;
}

impl DocumentType for ResidencePermit {
    const DOC_TYPE: &'static str = "org.docbridge.residence_permit.1";
    const NAMESPACE: &'static str = NAMESPACE;
    const KNOWN_ELEMENTS: &'static [&'static str] = &[
        "family_name",
        "given_name",
        "family_name_national_character",
        "given_name_national_character",
        "birth_date",
        "nationality",
        "sex",
        "permit_type",
        "document_number",
        "issue_date",
        "expiry_date",
        "issuing_country",
        "issuing_authority",
        "place_of_issue",
        "remarks",
        "portrait",
        "national_personal_number",
    ];
    const MANDATORY_ELEMENTS: &'static [&'static str] = &[
        "family_name",
        "given_name",
        "birth_date",
        "nationality",
        "sex",
        "permit_type",
        "document_number",
        "issue_date",
        "expiry_date",
        "issuing_country",
        "issuing_authority",
        "portrait",
    ];

    fn to_disclosed_elements(&self) -> Result<Elements> {
        let what = |name: &str| element::path(NAMESPACE, name);
        let text = |v: &Option<String>| v.as_deref().map(element::text_value);
        let date = |v: &Option<Date>| v.map(cbor::full_date);
        let mut out = Out::default();
        out.put("family_name", text(&self.family_name));
        out.put("given_name", text(&self.given_name));
        out.put(
            "family_name_national_character",
            text(&self.family_name_national_character),
        );
        out.put(
            "given_name_national_character",
            text(&self.given_name_national_character),
        );
        out.put("birth_date", date(&self.birth_date));
        if let Some(code) = &self.nationality {
            check_nationality(code, &what("nationality"))?;
        }
        out.put("nationality", text(&self.nationality));
        out.put("sex", self.sex.map(Sex::value));
        out.put(
            "permit_type",
            self.permit_type
                .as_ref()
                .map(|p| p.to_value(&what("permit_type")))
                .transpose()?,
        );
        out.put("document_number", text(&self.document_number));
        out.put("issue_date", date(&self.issue_date));
        out.put("expiry_date", date(&self.expiry_date));
        out.put(
            "issuing_country",
            self.issuing_country
                .as_deref()
                .map(|c| element::country_value(c, &what("issuing_country")))
                .transpose()?,
        );
        out.put("issuing_authority", text(&self.issuing_authority));
        out.put("place_of_issue", text(&self.place_of_issue));
        out.put("remarks", text(&self.remarks));
        out.put("portrait", self.portrait.clone().map(Value::Bytes));
        out.put(
            "national_personal_number",
            self.national_personal_number
                .as_ref()
                .map(|n| n.to_value(&what("national_personal_number")))
                .transpose()?,
        );
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
            ("nationality", self.nationality.is_some()),
            ("sex", self.sex.is_some()),
            ("permit_type", self.permit_type.is_some()),
            ("document_number", self.document_number.is_some()),
            ("issue_date", self.issue_date.is_some()),
            ("expiry_date", self.expiry_date.is_some()),
            ("issuing_country", self.issuing_country.is_some()),
            ("issuing_authority", self.issuing_authority.is_some()),
            ("portrait", self.portrait.is_some()),
        ])
    }
}

impl ReadDisclosed for ResidencePermit {
    fn read_disclosed(elements: &Elements, reading: Reading) -> Result<Self> {
        let mut f = Fields::namespace(elements, NAMESPACE, reading);
        let mut permit = ResidencePermit {
            family_name: f.take("family_name", element::TEXT)?,
            given_name: f.take("given_name", element::TEXT)?,
            family_name_national_character: f
                .take("family_name_national_character", element::TEXT)?,
            given_name_national_character: f
                .take("given_name_national_character", element::TEXT)?,
            birth_date: f.take("birth_date", element::date)?,
            nationality: f.take("nationality", nationality)?,
            sex: f.take("sex", Sex::read)?,
            permit_type: f.take("permit_type", PermitType::read)?,
            document_number: f.take("document_number", element::TEXT)?,
            issue_date: f.take("issue_date", element::date)?,
            expiry_date: f.take("expiry_date", element::date)?,
            issuing_country: f.take("issuing_country", element::COUNTRY)?,
            issuing_authority: f.take("issuing_authority", element::TEXT)?,
            place_of_issue: f.take("place_of_issue", element::TEXT)?,
            remarks: f.take("remarks", element::TEXT)?,
            portrait: f.take("portrait", element::BYTES)?,
            national_personal_number: f.take(
                "national_personal_number",
                Nested(NationalPersonalNumber::read),
            )?,
            other_elements: Elements::new(),
        };
        permit.other_elements = f.other_elements(elements);
        Ok(permit)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::documents::json::{elements_from_json, elements_to_json};
    use time::macros::date;

    /// A complete Polish permit for a Ukrainian under temporary protection.
    pub(crate) fn sample() -> ResidencePermit {
        let mut extra = BTreeMap::new();
        extra.insert("voivodeship".to_string(), Value::Text("łódzkie".into()));
        let mut other_elements = Elements::new();
        other_elements.insert("org.docbridge.residence_permit.1.PL".to_string(), extra);
        ResidencePermit {
            family_name: Some("SHEVCHENKO".into()),
            given_name: Some("OLENA".into()),
            family_name_national_character: Some("Шевченко".into()),
            given_name_national_character: Some("Олена".into()),
            birth_date: Some(date!(1990 - 02 - 03)),
            nationality: Some("UA".into()),
            sex: Some(Sex::Female),
            permit_type: Some(PermitType::TemporaryProtection),
            document_number: Some("RP1234567".into()),
            issue_date: Some(date!(2025 - 01 - 10)),
            expiry_date: Some(date!(2027 - 03 - 04)),
            issuing_country: Some("PL".into()),
            issuing_authority: Some("Wojewoda Łódzki".into()),
            place_of_issue: Some("Łódź".into()),
            remarks: Some("dostęp do rynku pracy".into()),
            portrait: Some(vec![0xff, 0xd8, 0xff, 0xd9]),
            national_personal_number: Some(NationalPersonalNumber {
                scheme: "PESEL".into(),
                value: "90220312345".into(),
                other: BTreeMap::new(),
            }),
            other_elements,
        }
    }

    fn polish_holder_in_ukraine() -> ResidencePermit {
        ResidencePermit {
            family_name: Some("ZOLC".into()),
            given_name: Some("LUKASZ".into()),
            family_name_national_character: Some("Żółć".into()),
            given_name_national_character: Some("Łukasz".into()),
            nationality: Some("PL".into()),
            sex: Some(Sex::Male),
            permit_type: Some(PermitType::Other(
                "посвідка на проживання (навчання)".into(),
            )),
            issuing_country: Some("UA".into()),
            issuing_authority: Some("ДМС України".into()),
            national_personal_number: Some(NationalPersonalNumber {
                scheme: "UNZR".into(),
                value: "19850101-00017".into(),
                other: BTreeMap::new(),
            }),
            other_elements: Elements::new(),
            ..sample()
        }
    }

    fn main_ns(elements: &mut Elements) -> &mut BTreeMap<String, Value> {
        elements.get_mut(NAMESPACE).unwrap()
    }

    #[test]
    fn round_trips_with_national_characters_intact() {
        for permit in [sample(), polish_holder_in_ukraine()] {
            let elements = permit.to_elements().unwrap();
            assert_eq!(ResidencePermit::from_elements(&elements).unwrap(), permit);
        }
        let elements = polish_holder_in_ukraine().to_elements().unwrap();
        assert_eq!(
            elements[NAMESPACE]["family_name_national_character"],
            Value::Text("Żółć".into())
        );
        assert_eq!(
            elements[NAMESPACE]["permit_type"],
            Value::Text("посвідка на проживання (навчання)".into())
        );
        let elements = sample().to_elements().unwrap();
        for name in ResidencePermit::KNOWN_ELEMENTS {
            assert!(elements[NAMESPACE].contains_key(*name), "{name}");
        }
        assert_eq!(
            elements[NAMESPACE]["permit_type"],
            Value::Text("temporary_protection".into())
        );
        assert_eq!(
            elements[NAMESPACE]["national_personal_number"],
            Value::Map(vec![
                (Value::Text("scheme".into()), Value::Text("PESEL".into())),
                (
                    Value::Text("value".into()),
                    Value::Text("90220312345".into())
                ),
            ])
        );
    }

    #[test]
    fn permit_types_are_text() {
        for (permit, text) in [
            (PermitType::Temporary, "temporary"),
            (PermitType::Permanent, "permanent"),
            (PermitType::TemporaryProtection, "temporary_protection"),
            (PermitType::LongTermResidentEu, "long_term_resident_eu"),
            (PermitType::EuBlueCard, "eu_blue_card"),
            (
                PermitType::Other("seasonal_worker".into()),
                "seasonal_worker",
            ),
        ] {
            assert_eq!(permit.as_str(), text);
            assert_eq!(PermitType::from_text(text), permit);
        }
        for bad in ["", "permanent"] {
            let mut permit = sample();
            permit.permit_type = Some(PermitType::Other(bad.into()));
            assert_eq!(
                permit.to_elements().map_err(|e| e.code()),
                Err("invalid_element")
            );
        }
    }

    #[test]
    fn unknown_elements_survive() {
        let elements = sample().to_elements().unwrap();
        let permit = ResidencePermit::from_elements(&elements).unwrap();
        assert_eq!(
            permit.other_elements["org.docbridge.residence_permit.1.PL"]["voivodeship"],
            Value::Text("łódzkie".into())
        );
        assert_eq!(permit.to_elements().unwrap(), elements);
    }

    #[test]
    fn missing_mandatory_element_is_missing_element() {
        for name in ResidencePermit::MANDATORY_ELEMENTS {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).remove(*name);
            let err = ResidencePermit::from_elements(&elements).unwrap_err();
            assert_eq!(err.code(), "missing_element", "{name}");
            assert!(err.to_string().contains(name));
        }
    }

    #[test]
    fn wrong_types_are_invalid_element() {
        let cases: Vec<(&str, Value)> = vec![
            ("permit_type", Value::Integer(1.into())),
            ("permit_type", Value::Text(String::new())),
            ("nationality", Value::Text("Ukrainian".into())),
            ("sex", Value::Text("F".into())),
            ("expiry_date", Value::Text("2027-02-30".into())),
            ("portrait", Value::Array(vec![])),
            (
                "national_personal_number",
                Value::Text("PESEL 90220312345".into()),
            ),
            (
                "national_personal_number",
                Value::Map(vec![(
                    Value::Text("scheme".into()),
                    Value::Text("PESEL".into()),
                )]),
            ),
        ];
        for (name, value) in cases {
            let mut elements = sample().to_elements().unwrap();
            main_ns(&mut elements).insert(name.into(), value.clone());
            assert_eq!(
                ResidencePermit::from_disclosed(&elements).map_err(|e| e.code()),
                Err("invalid_element"),
                "{name} = {value:?}"
            );
        }
    }

    #[test]
    fn stateless_nationality_is_accepted() {
        let mut permit = sample();
        permit.nationality = Some("XXA".into());
        let elements = permit.to_elements().unwrap();
        assert_eq!(ResidencePermit::from_elements(&elements).unwrap(), permit);
        permit.nationality = Some("ua".into());
        assert_eq!(
            permit.to_elements().map_err(|e| e.code()),
            Err("invalid_element")
        );
    }

    #[test]
    fn disclosed_subset_is_accepted() {
        let elements = sample().to_elements().unwrap();
        let mut ns = BTreeMap::new();
        for name in ["permit_type", "expiry_date"] {
            ns.insert(name.to_string(), elements[NAMESPACE][name].clone());
        }
        let mut subset = Elements::new();
        subset.insert(NAMESPACE.to_string(), ns);
        let permit = ResidencePermit::from_disclosed(&subset).unwrap();
        assert_eq!(permit.permit_type, Some(PermitType::TemporaryProtection));
        assert_eq!(permit.expiry_date, Some(date!(2027 - 03 - 04)));
        assert_eq!(permit.family_name, None);
        assert_eq!(permit.to_disclosed_elements().unwrap(), subset);
    }

    #[test]
    fn json_round_trip() {
        for permit in [sample(), polish_holder_in_ukraine()] {
            let elements = permit.to_elements().unwrap();
            let json = elements_to_json(&elements);
            assert_eq!(
                elements_from_json(ResidencePermit::DOC_TYPE, &json).unwrap(),
                elements
            );
        }
    }
}
