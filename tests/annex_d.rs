//! ISO/IEC 18013-5 Annex D: the IssuerSigned of the worked example verifies
//! against the "utopia iaca" root. Needs the shared vectors in
//! `../shared/vectors/external` (CI provides them).

#[path = "common/external.rs"]
mod external;

use docbridge::VerifyOptions;
use docbridge::cbor::{self, as_array, as_map, map_require};
use docbridge::{
    AcceptancePolicy, Certificate, Claims, IssuerSigned, IssuingAuthority, TrustedAuthorities,
    Verifier,
};
use time::macros::datetime;

const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/vectors/external/iso18013-5-annex-d"
);

fn hex_file(relative: &str) -> Vec<u8> {
    let path = format!("{ANNEX_D}/{relative}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("the shared conformance vectors are required ({path}: {e}); CI provides ../shared")
    });
    hex::decode(text.trim()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The IssuerSigned inside the Annex D DeviceResponse, as a value.
fn annex_d_issuer_signed() -> IssuerSigned {
    let response = cbor::decode(&hex_file("multipaz/device_response.hex")).unwrap();
    let response = as_map(&response, "DeviceResponse").unwrap();
    let documents = as_array(map_require(response, "documents", "r").unwrap(), "d").unwrap();
    let document = as_map(&documents[0], "Document").unwrap();
    IssuerSigned::from_value(map_require(document, "issuerSigned", "Document").unwrap()).unwrap()
}

fn utopia_verifier() -> Verifier {
    let iaca = Certificate::from_der(&hex_file("nl-wallet/iaca_root_cert.der.hex")).unwrap();
    let country = iaca.country().unwrap().to_string();
    let authority = IssuingAuthority::new(
        "utopia",
        country,
        "Utopia",
        vec![iaca],
        ["org.iso.18013.5.1.mDL"],
    )
    .unwrap();
    Verifier::new(
        TrustedAuthorities::from_authorities([authority]).unwrap(),
        AcceptancePolicy::accept_all(),
    )
}

#[test]
fn annex_d_issuer_signed_verifies_at_2021_06_01() {
    if !external::available(ANNEX_D) {
        return;
    }
    let verified = utopia_verifier()
        .verify(
            &annex_d_issuer_signed(),
            &VerifyOptions::at(datetime!(2021-06-01 00:00:00 UTC))
                .doc_type("org.iso.18013.5.1.mDL"),
        )
        .unwrap();
    assert_eq!(verified.doc_type(), "org.iso.18013.5.1.mDL");
    assert_eq!(verified.issuing_country(), "US");
    assert!(verified.document_signer().contains("utopia ds"));
    let Claims::DrivingLicence(licence) = verified.claims() else {
        panic!(
            "expected driving licence claims, got {:?}",
            verified.claims()
        );
    };
    assert_eq!(licence.family_name.as_deref(), Some("Doe"));
    assert_eq!(licence.document_number.as_deref(), Some("123456789"));
    let categories: Vec<&str> = licence
        .driving_privileges
        .as_ref()
        .unwrap()
        .iter()
        .map(|p| p.vehicle_category_code.as_str())
        .collect();
    assert_eq!(categories, ["A", "B"]);
    assert_eq!(
        licence.portrait.as_deref(),
        Some(hex_file("multipaz/device_response_portrait_data.hex").as_slice())
    );
    assert_eq!(verified.elements()["org.iso.18013.5.1"].len(), 6);
}

#[test]
fn annex_d_issuer_signed_is_expired_in_2024() {
    if !external::available(ANNEX_D) {
        return;
    }
    let err = utopia_verifier()
        .verify(
            &annex_d_issuer_signed(),
            &VerifyOptions::at(datetime!(2024-01-01 00:00:00 UTC)),
        )
        .unwrap_err();
    // The DS certificate (until 2021-10-01) has expired before the MSO
    // validity is even looked at.
    assert_eq!(err.code(), "certificate_expired");
}

#[test]
fn annex_d_mso_is_not_yet_valid_one_second_before_valid_from() {
    if !external::available(ANNEX_D) {
        return;
    }
    // validFrom is 2020-10-01T13:30:02Z; the DS certificate is already valid
    // then, so the MSO validity is what refuses.
    let verifier = utopia_verifier().with_clock_skew(time::Duration::ZERO);
    let err = verifier
        .verify(
            &annex_d_issuer_signed(),
            &VerifyOptions::at(datetime!(2020-10-01 13:30:01 UTC)),
        )
        .unwrap_err();
    assert_eq!(err.code(), "not_yet_valid");
}

#[test]
fn annex_d_copy_in_isomdl_is_the_same_issuer_signed() {
    if !external::available(ANNEX_D) {
        return;
    }
    let bytes = hex_file("isomdl/issuer_signed.hex");
    let verified = utopia_verifier()
        .verify(
            &bytes,
            &VerifyOptions::at(datetime!(2021-06-01 00:00:00 UTC)),
        )
        .unwrap();
    assert_eq!(
        verified.element("org.iso.18013.5.1", "family_name"),
        Some(&docbridge::deps::ciborium::value::Value::Text("Doe".into()))
    );
}
