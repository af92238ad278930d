//! Sample documents of fictional holders, for examples, tests, the demo and
//! the conformance vectors. Names keep their national alphabets (Cyrillic,
//! Polish diacritics) beside the Latin forms, which is what the cross-border
//! flows must carry intact.

use time::macros::date;

use super::{
    BasicVehicleInfo, DrivingLicence, DrivingPrivilege, EngineInfo, MassInfo,
    NationalPersonalNumber, PermitType, ResidencePermit, Sex, VehicleHolder, VehicleRegistration,
};

/// Placeholder portrait: the start and end markers of a JPEG, not a photo.
/// Real portraits are a few kilobytes; the crate treats them as opaque bytes.
pub const SAMPLE_PORTRAIT: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0xff, 0xd9,
];

/// A Ukrainian driving licence (categories B and A1) of a fictional holder.
pub fn driving_licence_ua() -> DrivingLicence {
    DrivingLicence {
        family_name: Some("Shevchenko".into()),
        given_name: Some("Olena".into()),
        family_name_national_character: Some("Шевченко".into()),
        given_name_national_character: Some("Олена".into()),
        birth_date: Some(date!(1990 - 02 - 03)),
        issue_date: Some(date!(2024 - 05 - 06)),
        expiry_date: Some(date!(2034 - 05 - 05)),
        issuing_country: Some("UA".into()),
        issuing_authority: Some("Головний сервісний центр МВС".into()),
        document_number: Some("AAB123456".into()),
        portrait: Some(SAMPLE_PORTRAIT.to_vec()),
        driving_privileges: Some(vec![
            DrivingPrivilege {
                vehicle_category_code: "B".into(),
                issue_date: Some(date!(2010 - 07 - 01)),
                expiry_date: Some(date!(2034 - 05 - 05)),
                ..DrivingPrivilege::default()
            },
            DrivingPrivilege {
                vehicle_category_code: "A1".into(),
                issue_date: Some(date!(2015 - 03 - 12)),
                expiry_date: Some(date!(2034 - 05 - 05)),
                ..DrivingPrivilege::default()
            },
        ]),
        un_distinguishing_sign: Some("UA".into()),
        nationality: Some("UA".into()),
        sex: Some(Sex::Female),
        resident_address: Some("ul. Złota 44/12".into()),
        resident_city: Some("Warszawa".into()),
        resident_country: Some("PL".into()),
        age_over_18: Some(true),
        ..DrivingLicence::default()
    }
}

/// A Polish driving licence (category B) of a fictional holder.
pub fn driving_licence_pl() -> DrivingLicence {
    DrivingLicence {
        family_name: Some("Zolc".into()),
        given_name: Some("Lukasz".into()),
        family_name_national_character: Some("Żółć".into()),
        given_name_national_character: Some("Łukasz".into()),
        birth_date: Some(date!(1985 - 11 - 30)),
        issue_date: Some(date!(2023 - 09 - 14)),
        expiry_date: Some(date!(2038 - 09 - 14)),
        issuing_country: Some("PL".into()),
        issuing_authority: Some("Prezydent m.st. Warszawy".into()),
        document_number: Some("01234/23/1465".into()),
        portrait: Some(SAMPLE_PORTRAIT.to_vec()),
        driving_privileges: Some(vec![DrivingPrivilege {
            vehicle_category_code: "B".into(),
            issue_date: Some(date!(2004 - 06 - 01)),
            expiry_date: Some(date!(2038 - 09 - 14)),
            ..DrivingPrivilege::default()
        }]),
        un_distinguishing_sign: Some("PL".into()),
        nationality: Some("PL".into()),
        sex: Some(Sex::Male),
        age_over_18: Some(true),
        ..DrivingLicence::default()
    }
}

/// A Ukrainian vehicle registration certificate (a passenger car) of the
/// same fictional holder as [`driving_licence_ua`].
pub fn vehicle_registration_ua() -> VehicleRegistration {
    VehicleRegistration {
        registration_number: Some("AA1234BB".into()),
        date_of_registration: Some(date!(2022 - 08 - 15)),
        date_of_first_registration: Some(date!(2019 - 04 - 02)),
        vehicle_identification_number: Some("WVWZZZ1KZ9W123456".into()),
        vehicle_holder: Some(VehicleHolder {
            family_name: Some("Шевченко".into()),
            given_name: Some("Олена".into()),
            resident_address: Some("вул. Хрещатик, 1".into()),
            resident_city: Some("Київ".into()),
            resident_postal_code: Some("01001".into()),
            resident_country: Some("UA".into()),
            ..VehicleHolder::default()
        }),
        basic_vehicle_info: Some(BasicVehicleInfo {
            vehicle_category_code: Some("M1".into()),
            make: Some("Volkswagen".into()),
            commercial_name: Some("Golf".into()),
            colours: Some(vec![6]),
            ..BasicVehicleInfo::default()
        }),
        mass_info: Some(MassInfo {
            unit: Some("kg".into()),
            techn_perm_max_laden_mass: Some(1_830),
            mass_in_running_order: Some(1_310),
            ..MassInfo::default()
        }),
        engine_info: Some(EngineInfo {
            engine_capacity: Some(1_395),
            engine_power: Some(90),
            energy_source: Some(vec![10]),
            ..EngineInfo::default()
        }),
        issuing_country: Some("UA".into()),
        issuing_authority: Some("ТСЦ МВС № 8041".into()),
        document_number: Some("CXX123456".into()),
        issue_date: Some(date!(2022 - 08 - 15)),
        un_distinguishing_sign: Some("UA".into()),
        ..VehicleRegistration::default()
    }
}

/// A Polish vehicle registration certificate of a fictional holder.
pub fn vehicle_registration_pl() -> VehicleRegistration {
    VehicleRegistration {
        registration_number: Some("WA 12345".into()),
        date_of_registration: Some(date!(2021 - 02 - 10)),
        date_of_first_registration: Some(date!(2018 - 05 - 20)),
        vehicle_identification_number: Some("TMBJJ7NE8J0123456".into()),
        vehicle_holder: Some(VehicleHolder {
            family_name: Some("Żółć".into()),
            given_name: Some("Łukasz".into()),
            resident_address: Some("ul. Świętokrzyska 5".into()),
            resident_city: Some("Łódź".into()),
            resident_postal_code: Some("90-001".into()),
            resident_country: Some("PL".into()),
            ..VehicleHolder::default()
        }),
        basic_vehicle_info: Some(BasicVehicleInfo {
            vehicle_category_code: Some("M1".into()),
            make: Some("Škoda".into()),
            commercial_name: Some("Octavia".into()),
            colours: Some(vec![10]),
            ..BasicVehicleInfo::default()
        }),
        mass_info: Some(MassInfo {
            unit: Some("kg".into()),
            techn_perm_max_laden_mass: Some(1_900),
            mass_in_running_order: Some(1_360),
            ..MassInfo::default()
        }),
        engine_info: Some(EngineInfo {
            engine_capacity: Some(1_968),
            engine_power: Some(110),
            energy_source: Some(vec![20]),
            ..EngineInfo::default()
        }),
        issuing_country: Some("PL".into()),
        issuing_authority: Some("Starosta Łódzki".into()),
        document_number: Some("DR/BAB/1234567".into()),
        issue_date: Some(date!(2021 - 02 - 10)),
        un_distinguishing_sign: Some("PL".into()),
        ..VehicleRegistration::default()
    }
}

/// A Ukrainian residence permit of a fictional holder, with her national
/// personal number (UNZR).
pub fn residence_permit_ua() -> ResidencePermit {
    ResidencePermit {
        family_name: Some("Shevchenko".into()),
        given_name: Some("Olena".into()),
        family_name_national_character: Some("Шевченко".into()),
        given_name_national_character: Some("Олена".into()),
        birth_date: Some(date!(1990 - 02 - 03)),
        nationality: Some("UA".into()),
        sex: Some(Sex::Female),
        permit_type: Some(PermitType::Permanent),
        document_number: Some("UA-RP-000123".into()),
        issue_date: Some(date!(2025 - 01 - 20)),
        expiry_date: Some(date!(2035 - 01 - 20)),
        issuing_country: Some("UA".into()),
        issuing_authority: Some("Державна міграційна служба України".into()),
        place_of_issue: Some("Київ".into()),
        remarks: Some("Без обмежень".into()),
        portrait: Some(SAMPLE_PORTRAIT.to_vec()),
        national_personal_number: Some(NationalPersonalNumber {
            scheme: "UNZR".into(),
            value: "19900203-01234".into(),
            ..NationalPersonalNumber::default()
        }),
        ..ResidencePermit::default()
    }
}

/// A Polish residence permit under temporary protection for a Ukrainian
/// holder, with her PESEL.
pub fn residence_permit_pl() -> ResidencePermit {
    ResidencePermit {
        family_name: Some("Shevchenko".into()),
        given_name: Some("Olena".into()),
        family_name_national_character: Some("Шевченко".into()),
        given_name_national_character: Some("Олена".into()),
        birth_date: Some(date!(1990 - 02 - 03)),
        nationality: Some("UA".into()),
        sex: Some(Sex::Female),
        permit_type: Some(PermitType::TemporaryProtection),
        document_number: Some("RP1234567".into()),
        issue_date: Some(date!(2025 - 03 - 04)),
        expiry_date: Some(date!(2027 - 03 - 04)),
        issuing_country: Some("PL".into()),
        issuing_authority: Some("Wojewoda Mazowiecki".into()),
        place_of_issue: Some("Warszawa".into()),
        remarks: Some("Dostęp do rynku pracy".into()),
        portrait: Some(SAMPLE_PORTRAIT.to_vec()),
        national_personal_number: Some(NationalPersonalNumber {
            scheme: "PESEL".into(),
            value: "90220312345".into(),
            ..NationalPersonalNumber::default()
        }),
        ..ResidencePermit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::DocumentType;

    #[test]
    fn every_sample_is_complete_and_round_trips() {
        for licence in [driving_licence_ua(), driving_licence_pl()] {
            let elements = licence.to_elements().unwrap();
            assert_eq!(DrivingLicence::from_elements(&elements).unwrap(), licence);
        }
        for vrc in [vehicle_registration_ua(), vehicle_registration_pl()] {
            let elements = vrc.to_elements().unwrap();
            assert_eq!(VehicleRegistration::from_elements(&elements).unwrap(), vrc);
        }
        for permit in [residence_permit_ua(), residence_permit_pl()] {
            let elements = permit.to_elements().unwrap();
            assert_eq!(ResidencePermit::from_elements(&elements).unwrap(), permit);
        }
    }
}
