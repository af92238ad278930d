//! `VerifiedDocument`: what a verification hands an app, with a typed
//! record for each of the three document types, the generic element list
//! and the claims JSON.

use std::time::SystemTime;

use docbridge::documents::json::elements_to_json;
use docbridge::documents::{DrivingPrivilege, DrivingPrivilegeCode, Sex as CoreSex};
use docbridge::{Claims, CrlOutcome, StatusOutcome};

use crate::element::{Element, LocalDate, element_list};
use crate::time::from_core;
use crate::trust::TrustSource;

/// A document whose every check passed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VerifiedDocument {
    /// The doc type, for example `org.iso.18013.5.1.mDL`.
    pub doc_type: String,
    /// The issuing country (ISO 3166-1 alpha-2) of the trusted authority.
    pub issuing_country: String,
    /// The id of the trusted authority that vouched for the issuer.
    pub authority_id: String,
    /// Its name.
    pub authority_name: String,
    /// The subject of the Document Signer certificate.
    pub document_signer: String,
    /// The signed list that vouched for the authority; `None` when it was
    /// configured by hand.
    pub trust_source: Option<TrustSource>,
    /// When the MSO was signed.
    pub signed: SystemTime,
    /// Start of the MSO's validity.
    pub valid_from: SystemTime,
    /// End of the MSO's validity.
    pub valid_until: SystemTime,
    /// When the issuer expects to re-issue, if it says.
    pub expected_update: Option<SystemTime>,
    /// Whether device authentication proved the presenter holds the device
    /// key for the verifier's session (false for a bare IssuerSigned).
    pub holder_bound: bool,
    /// What the status check found.
    pub status: DocumentStatus,
    /// What the Document Signer certificate's CRL check found.
    pub certificate_revocation: CertificateRevocation,
    /// The typed claims of the three document types.
    pub claims: DocumentClaims,
    /// Every verified element, namespace by namespace.
    pub elements: Vec<Element>,
    /// The verified elements as the documented claims JSON
    /// (`docbridge::documents::json`): `{"<namespace>": {"<element>": value}}`.
    pub claims_json: String,
}

/// What the status check found (revoked and suspended documents are refused).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum DocumentStatus {
    /// The document references no status list.
    NotReferenced,
    /// The status list says VALID.
    Valid,
    /// Not checked: no token was given and the policy allows that.
    NotChecked,
    /// Another value, which the policy accepts.
    Other {
        /// The list's value.
        value: u8,
    },
}

impl From<StatusOutcome> for DocumentStatus {
    fn from(outcome: StatusOutcome) -> DocumentStatus {
        match outcome {
            StatusOutcome::NotReferenced => DocumentStatus::NotReferenced,
            StatusOutcome::Valid => DocumentStatus::Valid,
            StatusOutcome::NotChecked => DocumentStatus::NotChecked,
            StatusOutcome::Other(value) => DocumentStatus::Other { value },
        }
    }
}

/// What the CRL check of the Document Signer certificate found (a revoked
/// certificate is refused with `certificate_revoked`, never an outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CertificateRevocation {
    /// Every CRL for the certificate is current, signed by its issuer, and
    /// does not list it.
    Good,
    /// No current CRL was at hand and the verifier's `CrlPolicy` allows that.
    NotChecked,
    /// The verifier has no `CrlPolicy` and no CRLs were given.
    Disabled,
}

impl From<CrlOutcome> for CertificateRevocation {
    fn from(outcome: CrlOutcome) -> CertificateRevocation {
        match outcome {
            CrlOutcome::Good => CertificateRevocation::Good,
            CrlOutcome::NotChecked => CertificateRevocation::NotChecked,
            CrlOutcome::Disabled => CertificateRevocation::Disabled,
        }
    }
}

/// The typed claims of a document.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DocumentClaims {
    /// An ISO/IEC 18013-5 driving licence.
    DrivingLicence {
        /// The licence.
        licence: DrivingLicence,
    },
    /// An ISO/IEC 7367 vehicle registration certificate.
    VehicleRegistration {
        /// The registration.
        registration: VehicleRegistration,
    },
    /// A residence permit.
    ResidencePermit {
        /// The permit.
        permit: ResidencePermit,
    },
    /// A doc type without a typed model: see the element list.
    Other,
}

/// Sex, ISO/IEC 5218.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Sex {
    /// 0: not known.
    NotKnown,
    /// 1: male.
    Male,
    /// 2: female.
    Female,
    /// 9: not applicable.
    NotApplicable,
}

impl From<CoreSex> for Sex {
    fn from(sex: CoreSex) -> Sex {
        match sex {
            CoreSex::NotKnown => Sex::NotKnown,
            CoreSex::Male => Sex::Male,
            CoreSex::Female => Sex::Female,
            CoreSex::NotApplicable => Sex::NotApplicable,
        }
    }
}

/// The disclosed elements of a driving licence (a presentation may leave
/// any of them out).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DrivingLicence {
    /// `family_name`, Latin characters.
    pub family_name: Option<String>,
    /// `given_name`, Latin characters.
    pub given_name: Option<String>,
    /// `family_name_national_character` (Cyrillic, Polish diacritics).
    pub family_name_national_character: Option<String>,
    /// `given_name_national_character`.
    pub given_name_national_character: Option<String>,
    /// `birth_date`.
    pub birth_date: Option<LocalDate>,
    /// `issue_date`.
    pub issue_date: Option<LocalDate>,
    /// `expiry_date`.
    pub expiry_date: Option<LocalDate>,
    /// `issuing_country`.
    pub issuing_country: Option<String>,
    /// `issuing_authority`.
    pub issuing_authority: Option<String>,
    /// `document_number`.
    pub document_number: Option<String>,
    /// `portrait` (JPEG or JPEG 2000 bytes).
    pub portrait: Option<Vec<u8>>,
    /// `driving_privileges`.
    pub driving_privileges: Option<Vec<DrivingPrivilegeRecord>>,
    /// `un_distinguishing_sign`.
    pub un_distinguishing_sign: Option<String>,
    /// `nationality`.
    pub nationality: Option<String>,
    /// `sex`.
    pub sex: Option<Sex>,
    /// `resident_address`.
    pub resident_address: Option<String>,
    /// `resident_city`.
    pub resident_city: Option<String>,
    /// `resident_country`.
    pub resident_country: Option<String>,
}

/// One vehicle category the holder may drive.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DrivingPrivilegeRecord {
    /// The category, for example `B`.
    pub vehicle_category_code: String,
    /// When it was granted.
    pub issue_date: Option<LocalDate>,
    /// When it expires.
    pub expiry_date: Option<LocalDate>,
    /// Restriction codes.
    pub codes: Vec<DrivingPrivilegeCodeRecord>,
}

/// A restriction or condition code of a driving privilege.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DrivingPrivilegeCodeRecord {
    /// The code, for example `78`.
    pub code: String,
    /// Its sign, if any.
    pub sign: Option<String>,
    /// Its value, if any.
    pub value: Option<String>,
}

fn privilege(p: &DrivingPrivilege) -> DrivingPrivilegeRecord {
    let code = |c: &DrivingPrivilegeCode| DrivingPrivilegeCodeRecord {
        code: c.code.clone(),
        sign: c.sign.clone(),
        value: c.value.clone(),
    };
    DrivingPrivilegeRecord {
        vehicle_category_code: p.vehicle_category_code.clone(),
        issue_date: p.issue_date.map(LocalDate::from),
        expiry_date: p.expiry_date.map(LocalDate::from),
        codes: p.codes.iter().flatten().map(code).collect(),
    }
}

/// The disclosed elements of a vehicle registration certificate.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VehicleRegistration {
    /// `registration_number` (EU code A).
    pub registration_number: Option<String>,
    /// `date_of_registration` (I).
    pub date_of_registration: Option<LocalDate>,
    /// `date_of_first_registration` (B).
    pub date_of_first_registration: Option<LocalDate>,
    /// `vehicle_identification_number` (E).
    pub vehicle_identification_number: Option<String>,
    /// The holder's family name (C.1.1).
    pub holder_family_name: Option<String>,
    /// The holder's given name (C.1.2).
    pub holder_given_name: Option<String>,
    /// The holding organisation's name.
    pub holder_organization_name: Option<String>,
    /// `make` (D.1).
    pub make: Option<String>,
    /// `commercial_name` (D.3).
    pub commercial_name: Option<String>,
    /// `vehicle_category_code` (J).
    pub vehicle_category_code: Option<String>,
    /// `issuing_country`.
    pub issuing_country: Option<String>,
    /// `issuing_authority`.
    pub issuing_authority: Option<String>,
    /// `document_number`.
    pub document_number: Option<String>,
    /// `issue_date`.
    pub issue_date: Option<LocalDate>,
    /// `expiry_date`.
    pub expiry_date: Option<LocalDate>,
}

/// The disclosed elements of a residence permit.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ResidencePermit {
    /// `family_name`, Latin characters.
    pub family_name: Option<String>,
    /// `given_name`, Latin characters.
    pub given_name: Option<String>,
    /// `family_name_national_character`.
    pub family_name_national_character: Option<String>,
    /// `given_name_national_character`.
    pub given_name_national_character: Option<String>,
    /// `birth_date`.
    pub birth_date: Option<LocalDate>,
    /// `nationality`.
    pub nationality: Option<String>,
    /// `sex`.
    pub sex: Option<Sex>,
    /// `permit_type`: `temporary`, `permanent`, `temporary_protection`,
    /// `long_term_resident_eu`, `eu_blue_card` or another text.
    pub permit_type: Option<String>,
    /// `document_number`.
    pub document_number: Option<String>,
    /// `issue_date`.
    pub issue_date: Option<LocalDate>,
    /// `expiry_date`.
    pub expiry_date: Option<LocalDate>,
    /// `issuing_country`.
    pub issuing_country: Option<String>,
    /// `issuing_authority`.
    pub issuing_authority: Option<String>,
    /// `place_of_issue`.
    pub place_of_issue: Option<String>,
    /// `remarks`.
    pub remarks: Option<String>,
    /// `portrait`.
    pub portrait: Option<Vec<u8>>,
}

fn typed_claims(claims: &Claims) -> DocumentClaims {
    match claims {
        Claims::DrivingLicence(l) => DocumentClaims::DrivingLicence {
            licence: DrivingLicence {
                family_name: l.family_name.clone(),
                given_name: l.given_name.clone(),
                family_name_national_character: l.family_name_national_character.clone(),
                given_name_national_character: l.given_name_national_character.clone(),
                birth_date: l.birth_date.map(LocalDate::from),
                issue_date: l.issue_date.map(LocalDate::from),
                expiry_date: l.expiry_date.map(LocalDate::from),
                issuing_country: l.issuing_country.clone(),
                issuing_authority: l.issuing_authority.clone(),
                document_number: l.document_number.clone(),
                portrait: l.portrait.clone(),
                driving_privileges: l
                    .driving_privileges
                    .as_ref()
                    .map(|ps| ps.iter().map(privilege).collect()),
                un_distinguishing_sign: l.un_distinguishing_sign.clone(),
                nationality: l.nationality.clone(),
                sex: l.sex.map(Sex::from),
                resident_address: l.resident_address.clone(),
                resident_city: l.resident_city.clone(),
                resident_country: l.resident_country.clone(),
            },
        },
        Claims::VehicleRegistration(v) => {
            let holder = v.vehicle_holder.as_ref();
            let info = v.basic_vehicle_info.as_ref();
            DocumentClaims::VehicleRegistration {
                registration: VehicleRegistration {
                    registration_number: v.registration_number.clone(),
                    date_of_registration: v.date_of_registration.map(LocalDate::from),
                    date_of_first_registration: v.date_of_first_registration.map(LocalDate::from),
                    vehicle_identification_number: v.vehicle_identification_number.clone(),
                    holder_family_name: holder.and_then(|h| h.family_name.clone()),
                    holder_given_name: holder.and_then(|h| h.given_name.clone()),
                    holder_organization_name: holder.and_then(|h| h.organization_name.clone()),
                    make: info.and_then(|i| i.make.clone()),
                    commercial_name: info.and_then(|i| i.commercial_name.clone()),
                    vehicle_category_code: info.and_then(|i| i.vehicle_category_code.clone()),
                    issuing_country: v.issuing_country.clone(),
                    issuing_authority: v.issuing_authority.clone(),
                    document_number: v.document_number.clone(),
                    issue_date: v.issue_date.map(LocalDate::from),
                    expiry_date: v.expiry_date.map(LocalDate::from),
                },
            }
        }
        Claims::ResidencePermit(p) => DocumentClaims::ResidencePermit {
            permit: ResidencePermit {
                family_name: p.family_name.clone(),
                given_name: p.given_name.clone(),
                family_name_national_character: p.family_name_national_character.clone(),
                given_name_national_character: p.given_name_national_character.clone(),
                birth_date: p.birth_date.map(LocalDate::from),
                nationality: p.nationality.clone(),
                sex: p.sex.map(Sex::from),
                permit_type: p.permit_type.as_ref().map(|t| t.as_str().to_string()),
                document_number: p.document_number.clone(),
                issue_date: p.issue_date.map(LocalDate::from),
                expiry_date: p.expiry_date.map(LocalDate::from),
                issuing_country: p.issuing_country.clone(),
                issuing_authority: p.issuing_authority.clone(),
                place_of_issue: p.place_of_issue.clone(),
                remarks: p.remarks.clone(),
                portrait: p.portrait.clone(),
            },
        },
        _ => DocumentClaims::Other,
    }
}

impl From<&docbridge::VerifiedDocument> for VerifiedDocument {
    fn from(v: &docbridge::VerifiedDocument) -> VerifiedDocument {
        let validity = v.validity();
        VerifiedDocument {
            doc_type: v.doc_type().to_string(),
            issuing_country: v.issuing_country().to_string(),
            authority_id: v.authority_id().to_string(),
            authority_name: v.authority_name().to_string(),
            document_signer: v.document_signer().to_string(),
            trust_source: v.trust_source().map(TrustSource::from),
            signed: from_core(validity.signed),
            valid_from: from_core(validity.valid_from),
            valid_until: from_core(validity.valid_until),
            expected_update: validity.expected_update.map(from_core),
            holder_bound: v.holder_bound(),
            status: v.status().into(),
            certificate_revocation: v.certificate_revocation().into(),
            claims: typed_claims(v.claims()),
            elements: element_list(v.elements()),
            claims_json: elements_to_json(v.elements()).to_string(),
        }
    }
}
