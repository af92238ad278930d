//! The ISO/IEC 18013-5 Annex B certificate-profile fields the crate checks
//! (`test-vectors/README.md`, "Certificate profiles"), one refused case
//! each, every one a valid case with one certificate field changed.

use time::Duration;

use super::documents::{DS_SEED, accepted, ds_spec, ua_refused, with_ds};
use super::fixtures::{CERT_FROM, CERT_UNTIL, Fixtures, MDL, NOW, small_elements, spec, validity};
use super::status::{STATUS_URI, with_status};
use super::{Builder, forge, generator_error};
use crate::format::{Expected, Kind, TrustedIaca, VerifierConfig};
use crate::runner::document_outcome;
use docbridge::cose::{Algorithm, Sign1Options, Signer as _, SoftwareKey, sign1};
use docbridge::documents::json::elements_to_json;
use docbridge::error::Result;
use docbridge::issuer::Issuer;
use docbridge::issuer_signed::IssuerSigned;
use docbridge::status::{ManagedStatusList, StatusBits};
use docbridge::x509::{self, Certificate, CertificateProfile, KeyUsage, ProfileBreach};

/// Adds every profile case.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    document_signer_cases(b, fx)?;
    iaca_cases(b, fx)?;
    status_signer_cases(b, fx)
}

/// keyUsage with exactly these bits.
fn key_usage(key_usage: KeyUsage) -> ProfileBreach {
    ProfileBreach {
        key_usage: Some(key_usage),
        ..ProfileBreach::default()
    }
}

/// The keyUsage a CRL signer has: cRLSign only.
const CRL_SIGN_ONLY: KeyUsage = KeyUsage {
    digital_signature: false,
    key_cert_sign: false,
    crl_sign: true,
};

/// The breaches of the Document Signer profile, applied to the
/// certificate of `cert-ds-valid`.
fn ds_breaches() -> [(&'static str, ProfileBreach, &'static str, &'static str); 4] {
    [
        (
            "cert-ds-key-usage-no-digital-signature",
            key_usage(CRL_SIGN_ONLY),
            "The Document Signer certificate's keyUsage is cRLSign only, without \
             digitalSignature.",
            "the Document Signer certificate's keyUsage cRLSign instead of digitalSignature",
        ),
        (
            "cert-ds-key-usage-absent",
            key_usage(KeyUsage::default()),
            "The Document Signer certificate has no keyUsage extension.",
            "the Document Signer certificate's keyUsage extension left out",
        ),
        (
            "cert-ds-country-not-alpha2",
            ProfileBreach {
                country: Some("ua".into()),
                ..ProfileBreach::default()
            },
            "The Document Signer certificate's countryName is \"ua\", not two upper-case \
             letters (refused by its profile, before the comparison with the IACA's).",
            "the Document Signer certificate's countryName \"ua\"",
        ),
        (
            "cert-ds-unknown-critical-extension",
            ProfileBreach {
                unknown_critical_extension: true,
                ..ProfileBreach::default()
            },
            "The Document Signer certificate carries a critical extension no reader knows \
             (1.3.6.1.4.1.32473.1, a DER NULL): RFC 5280 4.2 forbids using it.",
            "one more extension in the Document Signer certificate, critical, \
             1.3.6.1.4.1.32473.1 (a DER NULL)",
        ),
    ]
}

fn document_signer_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let spec = ds_spec(CERT_FROM, CERT_UNTIL, "UA");
    let key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(DS_SEED));
    // The document of cert-ds-valid, its MSO signed again with the same key
    // under the breached certificate.
    let valid = IssuerSigned::from_slice(&with_ds(
        b,
        fx,
        &spec,
        CertificateProfile::DocumentSigner,
        DS_SEED,
    )?)?;
    let mso = forge::mso_payload(&forge::mso_value(&valid)?)?;
    let mut derived = Vec::new();
    for (id, breach, description, change) in ds_breaches() {
        let certificate = x509::create_issued_breaching(
            &spec,
            CertificateProfile::DocumentSigner,
            &breach,
            &key.public_key(),
            &ua.iaca_certificate,
            &ua.iaca_key,
        )?;
        let auth = sign1(
            &key,
            &mso,
            &Sign1Options {
                x5chain: vec![certificate],
                ..Sign1Options::default()
            },
        )?;
        let document = IssuerSigned::new(valid.name_spaces().to_vec(), auth);
        ua_refused(
            b,
            fx,
            id,
            description,
            document.to_vec()?,
            "certificate_profile",
        )?;
        derived.push((id, change));
    }
    b.derived_all("cert-ds-valid", &derived)
}

/// The seed of the IACA key of the cert-iaca cases; its Document Signer's
/// is the next one, the document's salts the one after.
const IACA_SEED: u64 = 1540;

/// The breaches of the IACA profile, applied to the IACA of
/// `cert-iaca-valid`. A trusted IACA whose countryName is not two
/// upper-case letters, or with an unknown critical extension, is refused
/// when the verifier is configured (`IssuingAuthority::new` compares the
/// countryName with the authority's; the certificate does not parse), so
/// no document case can hold it.
fn iaca_breaches() -> [(&'static str, ProfileBreach, &'static str, &'static str); 3] {
    [
        (
            "cert-iaca-key-usage-no-key-cert-sign",
            key_usage(CRL_SIGN_ONLY),
            "The trusted IACA's keyUsage is cRLSign only, without keyCertSign.",
            "the IACA's keyUsage cRLSign only (keyCertSign left out)",
        ),
        (
            "cert-iaca-key-usage-no-crl-sign",
            key_usage(KeyUsage {
                key_cert_sign: true,
                ..KeyUsage::default()
            }),
            "The trusted IACA's keyUsage is keyCertSign only, without cRLSign.",
            "the IACA's keyUsage keyCertSign only (cRLSign left out)",
        ),
        (
            "cert-iaca-key-usage-absent",
            key_usage(KeyUsage::default()),
            "The trusted IACA has no keyUsage extension.",
            "the IACA's keyUsage extension left out",
        ),
    ]
}

/// A case verified at [`NOW`] trusting `iaca` alone (written under
/// `trust/<dir>/iaca.pem`).
fn trusting_case(
    b: &mut Builder<'_>,
    id: &str,
    description: &str,
    dir: &str,
    iaca: &[u8],
    document: Vec<u8>,
    expected: Expected,
) -> Result<()> {
    // The breached IACAs are not all `Certificate`s, so not `to_pem`.
    let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, iaca)
        .map_err(|e| generator_error(&format!("{id}: PEM: {e}")))?;
    let certificate = b.file(&format!("trust/{dir}/iaca.pem"), pem.into_bytes())?;
    b.document_case(
        Kind::IssuerSigned,
        id,
        description,
        NOW,
        VerifierConfig::trusting(vec![TrustedIaca {
            certificate,
            id: format!("UA:{dir}"),
            country: "UA".into(),
            name: "Diia Profile Test".into(),
            doc_types: vec![MDL.into()],
        }]),
        document,
        None,
        expected,
    )
}

fn iaca_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let iaca_spec = docbridge::x509::CertificateSpec {
        organization: Some("Diia Profile Test".into()),
        ..spec("Diia Profile Test IACA", "UA", IACA_SEED)
    };
    let ds_spec = docbridge::x509::CertificateSpec {
        organization: Some("Diia Profile Test".into()),
        ..spec("Diia Profile Test Document Signer", "UA", IACA_SEED + 1)
    };
    let iaca_key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(IACA_SEED));
    let ds_key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(IACA_SEED + 1));
    let small = small_elements("UA");
    // The document a Document Signer issued by `issuer` signs; the same
    // salts every time, so only the certificates differ.
    let document = |b: &Builder<'_>, issuer: &Certificate| -> Result<Vec<u8>> {
        let ds = x509::create_issued(
            &ds_spec,
            CertificateProfile::DocumentSigner,
            &ds_key.public_key(),
            issuer,
            &iaca_key,
        )?;
        Issuer::new(&ds_key, &ds)?
            .issue(
                MDL,
                &small,
                &fx.device_key()?,
                &validity(),
                &mut b.rng(IACA_SEED + 2),
            )?
            .to_vec()
    };
    let valid_iaca = x509::create_self_signed(&iaca_spec, CertificateProfile::Iaca, &iaca_key)?;
    let valid_document = document(b, &valid_iaca)?;
    trusting_case(
        b,
        "cert-iaca-valid",
        "A trusted IACA of the Annex B profile (cA, keyUsage keyCertSign and cRLSign, \
         countryName UA) and a document its Document Signer signed: the valid case each \
         cert-iaca refusal changes in one IACA field. Valid.",
        "ua-profile-test",
        valid_iaca.der(),
        valid_document.clone(),
        accepted(MDL, "UA", &small),
    )?;
    let mut derived = Vec::new();
    for (id, breach, description, change) in iaca_breaches() {
        let iaca = x509::create_self_signed_breaching(
            &iaca_spec,
            CertificateProfile::Iaca,
            &breach,
            &iaca_key,
        )?;
        // Same key, same name: the valid case's Document Signer and
        // document verify under the breached IACA too.
        let bytes = valid_document.clone();
        trusting_case(
            b,
            id,
            description,
            &id.replacen("cert-", "ua-", 1),
            &iaca,
            bytes,
            Expected::error("certificate_profile"),
        )?;
        derived.push((id, change));
    }
    b.derived_all("cert-iaca-valid", &derived)
}

/// The seed of the status signer key.
const STATUS_SIGNER_SEED: u64 = 1550;

fn status_signer_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    // The list, reference and document of the status-valid case.
    let mut list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64)?;
    let reference = list.allocate(&mut b.rng(2001))?;
    let document = with_status(b, fx, reference, 2002)?.to_vec()?;
    let token = list.token(NOW - Duration::HOUR, NOW + Duration::DAY, None)?;
    let key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(STATUS_SIGNER_SEED));
    let signer_spec = docbridge::x509::CertificateSpec {
        organization: Some("Diia ES256".into()),
        ..spec("Diia ES256 Status Signer", "UA", STATUS_SIGNER_SEED)
    };
    let signed_under = |breach: &ProfileBreach| -> Result<Vec<u8>> {
        let certificate = Certificate::from_der(&x509::create_issued_breaching(
            &signer_spec,
            CertificateProfile::DocumentSigner,
            breach,
            &key.public_key(),
            &ua.iaca_certificate,
            &ua.iaca_key,
        )?)?;
        token.sign(&key, &[certificate])
    };
    let verifier = VerifierConfig::trusting(vec![fx.ua()?.trusted.clone()]);
    let small = small_elements("UA");
    b.document_case(
        Kind::Status,
        "status-token-own-signer",
        "The token of status-valid signed by a status signer of its own (a certificate of \
         the Document Signer profile the document's IACA issued, not the document's \
         Document Signer): the valid case status-token-signer refusals change. Valid.",
        NOW,
        verifier.clone(),
        document.clone(),
        Some(signed_under(&ProfileBreach::default())?),
        Expected::Valid(document_outcome(
            MDL,
            "UA",
            "valid",
            elements_to_json(&small),
        )),
    )?;
    b.document_case(
        Kind::Status,
        "status-token-signer-no-digital-signature",
        "The token's signer certificate has keyUsage cRLSign only, without \
         digitalSignature: it breaks the Document Signer profile a status signer must fit.",
        NOW,
        verifier,
        document,
        Some(signed_under(&key_usage(CRL_SIGN_ONLY))?),
        Expected::error("certificate_profile"),
    )?;
    b.derived(
        "status-token-signer-no-digital-signature",
        "status-token-own-signer",
        "the status signer certificate's keyUsage cRLSign instead of digitalSignature",
    )
}
