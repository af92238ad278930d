//! ISO/IEC 18013-5 Annex B profile checks and the Document Signer -> IACA
//! chain check.

use time::OffsetDateTime;

use crate::error::{Error, Result, excerpt};

use super::certificate::Certificate;
use super::{EKU_MDL_DOCUMENT_SIGNER, EKU_MDL_READER_AUTH};

// ----- Profile checks (ISO/IEC 18013-5 Annex B) -----

pub(super) fn profile_error(role: &str, cert: &Certificate, detail: &str) -> Error {
    Error::CertificateProfile(format!("{role} {:?}: {detail}", excerpt(cert.subject())))
}

pub(super) fn require_country(role: &str, cert: &Certificate) -> Result<()> {
    match cert.country() {
        Some(c) if crate::country::is_alpha2(c) => Ok(()),
        Some(c) => Err(profile_error(
            role,
            cert,
            &format!(
                "countryName {c:?} is not two upper-case letters (ISO 3166-1 alpha-2)",
                c = excerpt(c)
            ),
        )),
        None => Err(profile_error(role, cert, "the subject has no countryName")),
    }
}

/// Checks the end-entity part shared by the Document Signer and reader
/// profiles: not a CA, keyUsage with digitalSignature, and `eku` among the
/// extended key usages.
pub(super) fn require_end_entity(role: &str, cert: &Certificate, eku: &str) -> Result<()> {
    if cert.is_ca() {
        return Err(profile_error(
            role,
            cert,
            "basicConstraints marks it as a CA",
        ));
    }
    match cert.key_usage() {
        None => return Err(profile_error(role, cert, "no keyUsage extension")),
        Some(ku) if !ku.digital_signature => {
            return Err(profile_error(role, cert, "keyUsage lacks digitalSignature"));
        }
        Some(_) => {}
    }
    if !cert.extended_key_usages().iter().any(|e| e == eku) {
        return Err(profile_error(
            role,
            cert,
            &format!("extendedKeyUsage lacks {eku}"),
        ));
    }
    Ok(())
}

/// Checks the essentials of the IACA root certificate profile (ISO/IEC
/// 18013-5 Annex B): basicConstraints with cA true, a keyUsage
/// extension with keyCertSign and cRLSign, and a subject countryName of two
/// upper-case letters.
///
/// Refused with `certificate_profile`. Not checked (the Annex D IACA has
/// them, but they carry no weight for verification here): pathLenConstraint,
/// criticality, issuerAltName, CRL distribution points.
pub fn check_iaca_profile(cert: &Certificate) -> Result<()> {
    const ROLE: &str = "IACA";
    if !cert.is_ca() {
        return Err(profile_error(ROLE, cert, "basicConstraints cA is not true"));
    }
    match cert.key_usage() {
        None => return Err(profile_error(ROLE, cert, "no keyUsage extension")),
        Some(ku) if !ku.key_cert_sign => {
            return Err(profile_error(ROLE, cert, "keyUsage lacks keyCertSign"));
        }
        Some(ku) if !ku.crl_sign => {
            return Err(profile_error(ROLE, cert, "keyUsage lacks cRLSign"));
        }
        Some(_) => {}
    }
    require_country(ROLE, cert)
}

/// Checks the essentials of the Document Signer certificate profile
/// (ISO/IEC 18013-5 Annex B): not a CA, a keyUsage extension with
/// digitalSignature, the extended key usage [`EKU_MDL_DOCUMENT_SIGNER`]
/// (1.0.18013.5.1.2), and a subject countryName of two upper-case letters.
///
/// Refused with `certificate_profile`.
pub fn check_document_signer_profile(cert: &Certificate) -> Result<()> {
    const ROLE: &str = "Document Signer";
    require_end_entity(ROLE, cert, EKU_MDL_DOCUMENT_SIGNER)?;
    require_country(ROLE, cert)
}

/// Checks the essentials of the mdoc reader authentication certificate
/// profile (ISO/IEC 18013-5 Annex B): not a CA, a keyUsage extension
/// with digitalSignature and the extended key usage [`EKU_MDL_READER_AUTH`]
/// (1.0.18013.5.1.6).
///
/// Unlike the IACA and Document Signer checks, a countryName is not
/// required: a reader belongs to a relying party, not to an issuing
/// country, and the ISO/IEC 18013-5 Annex D reader certificate
/// (`CN=reader`, under `CN=reader root`) has none. When present, it must be
/// two upper-case letters.
///
/// Refused with `certificate_profile`.
pub fn check_reader_profile(cert: &Certificate) -> Result<()> {
    const ROLE: &str = "reader authentication certificate";
    require_end_entity(ROLE, cert, EKU_MDL_READER_AUTH)?;
    if cert.country().is_some() {
        require_country(ROLE, cert)?;
    }
    Ok(())
}

/// Verifies a Document Signer certificate against the IACA certificate
/// that should have issued it, at time `now`.
///
/// The checks run in this order, and the first failure is returned:
///
/// 1. the IACA profile ([`check_iaca_profile`]), then the DS profile
///    ([`check_document_signer_profile`]): `certificate_profile`;
/// 2. the signature ([`Certificate::verify_issued_by`]):
///    `certificate_chain_invalid`;
/// 3. the validity of the IACA, then of the DS, at `now`
///    ([`Certificate::check_validity_at`]): `certificate_expired` or
///    `certificate_not_yet_valid`;
/// 4. the DS countryName equals the IACA countryName: `country_mismatch`.
///
/// `now` is used exactly; a clock-skew allowance, if any, is the caller's
/// to apply.
pub fn verify_document_signer(
    ds: &Certificate,
    iaca: &Certificate,
    now: OffsetDateTime,
) -> Result<()> {
    check_document_signer_issued_by(ds, iaca)?;
    check_document_signer_at(ds, iaca, now)
}

/// Steps 1 and 2 of [`verify_document_signer`]: the checks that do not
/// depend on the time, which the verifier's certificate cache remembers.
pub(crate) fn check_document_signer_issued_by(ds: &Certificate, iaca: &Certificate) -> Result<()> {
    check_iaca_profile(iaca)?;
    check_document_signer_profile(ds)?;
    ds.verify_issued_by(iaca)
}

/// Steps 3 and 4 of [`verify_document_signer`], which run at every `now`
/// (step 4 is cheap and keeps its place after the validity checks, so the
/// error reported stays the same with or without the cache).
pub(crate) fn check_document_signer_at(
    ds: &Certificate,
    iaca: &Certificate,
    now: OffsetDateTime,
) -> Result<()> {
    iaca.check_validity_at(now)?;
    ds.check_validity_at(now)?;
    if ds.country() != iaca.country() {
        return Err(Error::CountryMismatch(format!(
            "Document Signer {:?} has country {:?}, its IACA {:?} has {:?}",
            excerpt(ds.subject()),
            ds.country(),
            excerpt(iaca.subject()),
            iaca.country()
        )));
    }
    Ok(())
}
