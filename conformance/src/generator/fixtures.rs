//! What many cases share: the fixed times, the demo authorities and
//! trust-list operators (their certificates written under `trust/`), the
//! device keys, and issuing.

use std::collections::BTreeMap;

use ciborium::value::Value;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::format::{OperatorRoot, TrustedIaca};
use crate::generator::{Builder, generator_error};
use docbridge::cose::{Algorithm, PublicKey, Signer as _, SoftwareKey};
use docbridge::documents::{
    DocumentType, DrivingLicence, Elements, ResidencePermit, VehicleRegistration, samples,
};
use docbridge::error::Result;
use docbridge::issuer::{IssueOptions, Issuer};
use docbridge::issuer_signed::IssuerSigned;
use docbridge::mso::ValidityInfo;
use docbridge::trust::demo::DemoAuthority;
use docbridge::trust::list::TrustList;
use docbridge::x509::{self, Certificate, CertificateProfile, CertificateSpec};

/// Start of every demo certificate's validity.
pub(crate) const CERT_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
/// End of every demo certificate's validity.
pub(crate) const CERT_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
/// Start of the MSO validity.
pub(crate) const VALID_FROM: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
/// End of the MSO validity.
pub(crate) const VALID_UNTIL: OffsetDateTime = datetime!(2027-11-01 0:00 UTC);
/// The verification time of most cases, inside every validity period.
pub(crate) const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
/// When the demo trust lists are issued.
pub(crate) const LIST_ISSUED: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
/// When the demo trust lists are due again.
pub(crate) const LIST_NEXT_UPDATE: OffsetDateTime = datetime!(2026-12-01 0:00 UTC);

/// The driving licence doc type.
pub(crate) const MDL: &str = DrivingLicence::DOC_TYPE;
/// The vehicle registration doc type.
pub(crate) const MVRC: &str = VehicleRegistration::DOC_TYPE;
/// The residence permit doc type.
pub(crate) const PERMIT: &str = ResidencePermit::DOC_TYPE;
/// Every doc type the crate models.
pub(crate) const DOC_TYPES: [&str; 3] = [MDL, MVRC, PERMIT];
/// The driving licence namespace.
pub(crate) const MDL_NS: &str = DrivingLicence::NAMESPACE;

/// A demo authority and how a verifier configures it.
#[derive(Debug, Clone)]
pub(crate) struct Authority {
    /// The authority with its keys.
    pub(crate) demo: DemoAuthority,
    /// Its entry in a verifier's `trustedIacas`.
    pub(crate) trusted: TrustedIaca,
}

/// A trust-list operator: a root apps pin, and a signing certificate under it.
#[derive(Debug, Clone)]
pub(crate) struct Operator {
    /// The operator's country.
    pub(crate) country: String,
    /// The pinned root.
    pub(crate) root: Certificate,
    /// The root's key.
    pub(crate) root_key: SoftwareKey,
    /// The list-signing certificate.
    pub(crate) signer: Certificate,
    /// The list-signing key.
    pub(crate) key: SoftwareKey,
    /// The file of the root, if a verifier pins it.
    root_file: Option<String>,
}

impl Operator {
    /// The root as a verifier pins it (refused for an operator nobody pins).
    pub(crate) fn pinned(&self) -> Result<OperatorRoot> {
        let certificate = self
            .root_file
            .clone()
            .ok_or_else(|| generator_error("this operator's root is pinned nowhere"))?;
        Ok(OperatorRoot {
            country: self.country.clone(),
            certificate,
        })
    }

    /// `list` signed by the operator, encoded.
    pub(crate) fn publish(&self, list: &TrustList) -> Result<Vec<u8>> {
        Ok(list
            .sign(&self.key, std::slice::from_ref(&self.signer))?
            .as_bytes()
            .to_vec())
    }
}

/// The fixtures most cases use.
#[derive(Debug)]
pub(crate) struct Fixtures {
    /// Ukrainian authorities ("Diia <alg>"), one per algorithm in [`Algorithm::ALL`] order.
    pub(crate) diia: Vec<Authority>,
    /// Polish authorities ("mObywatel <alg>"), one per algorithm.
    pub(crate) mobywatel: Vec<Authority>,
    /// Device keys, one per algorithm.
    pub(crate) devices: Vec<SoftwareKey>,
    /// The Ukrainian trust-list operator.
    pub(crate) ua_operator: Operator,
    /// The Polish trust-list operator.
    pub(crate) pl_operator: Operator,
    /// An operator no verifier pins.
    pub(crate) rogue_operator: Operator,
}

impl Fixtures {
    /// Generates the fixtures and writes their trust material.
    pub(crate) fn new(b: &mut Builder<'_>) -> Result<Fixtures> {
        let mut diia = Vec::new();
        let mut mobywatel = Vec::new();
        let mut devices = Vec::new();
        for (index, alg) in (0u64..).zip(Algorithm::ALL) {
            let slug = alg_slug(alg);
            diia.push(authority(
                b,
                &format!("ua-diia-{slug}"),
                "UA",
                &format!("Diia {}", alg_title(alg)),
                alg,
                &DOC_TYPES,
                (CERT_FROM, CERT_UNTIL),
                100 + index,
            )?);
            mobywatel.push(authority(
                b,
                &format!("pl-mobywatel-{slug}"),
                "PL",
                &format!("mObywatel {}", alg_title(alg)),
                alg,
                &DOC_TYPES,
                (CERT_FROM, CERT_UNTIL),
                110 + index,
            )?);
            devices.push(SoftwareKey::generate(alg, &mut b.rng(120 + index)));
        }
        Ok(Fixtures {
            diia,
            mobywatel,
            devices,
            ua_operator: operator(b, Some("ua"), "UA", 130)?,
            pl_operator: operator(b, Some("pl"), "PL", 131)?,
            rogue_operator: operator(b, None, "UA", 132)?,
        })
    }

    /// The authority of `country` (UA or PL) signing with `alg`.
    pub(crate) fn authority(&self, country: &str, alg: Algorithm) -> Result<&Authority> {
        let list = match country {
            "UA" => &self.diia,
            "PL" => &self.mobywatel,
            other => return Err(generator_error(&format!("no authority of {other}"))),
        };
        Algorithm::ALL
            .iter()
            .position(|a| *a == alg)
            .and_then(|i| list.get(i))
            .ok_or_else(|| generator_error("no authority for the algorithm"))
    }

    /// The Ukrainian ES256 authority, the one most negative cases use.
    pub(crate) fn ua(&self) -> Result<&Authority> {
        self.authority("UA", Algorithm::Es256)
    }

    /// The Polish ES256 authority.
    pub(crate) fn pl(&self) -> Result<&Authority> {
        self.authority("PL", Algorithm::Es256)
    }

    /// The device key of `alg`.
    pub(crate) fn device(&self, alg: Algorithm) -> Result<&SoftwareKey> {
        Algorithm::ALL
            .iter()
            .position(|a| *a == alg)
            .and_then(|i| self.devices.get(i))
            .ok_or_else(|| generator_error("no device key for the algorithm"))
    }

    /// The ES256 device key's public half, bound to most documents.
    pub(crate) fn device_key(&self) -> Result<PublicKey> {
        Ok(self.device(Algorithm::Es256)?.public_key())
    }

    /// Every demo authority, as a verifier trusting them all configures them.
    pub(crate) fn all_trusted(&self) -> Vec<TrustedIaca> {
        self.diia
            .iter()
            .chain(&self.mobywatel)
            .map(|a| a.trusted.clone())
            .collect()
    }
}

/// Generates a demo authority from `seed` and writes its IACA certificate
/// to `trust/<dir>/iaca.pem`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn authority(
    b: &mut Builder<'_>,
    dir: &str,
    country: &str,
    name: &str,
    alg: Algorithm,
    doc_types: &[&str],
    (from, until): (OffsetDateTime, OffsetDateTime),
    seed: u64,
) -> Result<Authority> {
    let demo =
        DemoAuthority::generate(country, name, alg, doc_types, from, until, &mut b.rng(seed))?;
    let certificate = b.file(
        &format!("trust/{dir}/iaca.pem"),
        demo.iaca_certificate.to_pem().into_bytes(),
    )?;
    let trusted = TrustedIaca {
        certificate,
        id: demo.authority.id().to_string(),
        country: country.to_string(),
        name: name.to_string(),
        doc_types: doc_types.iter().map(|d| d.to_string()).collect(),
    };
    Ok(Authority { demo, trusted })
}

/// Generates a demo authority from `seed`, writing nothing (one no
/// verifier trusts).
pub(crate) fn demo_authority(
    b: &Builder<'_>,
    country: &str,
    name: &str,
    alg: Algorithm,
    doc_types: &[&str],
    (from, until): (OffsetDateTime, OffsetDateTime),
    seed: u64,
) -> Result<DemoAuthority> {
    DemoAuthority::generate(country, name, alg, doc_types, from, until, &mut b.rng(seed))
}

/// Generates an operator from `seed`: an ES256 root and an Ed25519 signing
/// certificate, the root written to `trust/operators/<dir>/root.pem` when
/// `dir` is given.
fn operator(b: &mut Builder<'_>, dir: Option<&str>, country: &str, seed: u64) -> Result<Operator> {
    let mut rng = b.rng(seed);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let key = SoftwareKey::generate(Algorithm::EdDsa, &mut rng);
    let root = x509::create_self_signed(
        &spec(
            &format!("{country} Trust List Root"),
            country,
            seed * 10 + 1,
        ),
        CertificateProfile::Iaca,
        &root_key,
    )?;
    let signer = x509::create_issued(
        &spec(
            &format!("{country} Trust List Signer"),
            country,
            seed * 10 + 2,
        ),
        CertificateProfile::TrustListSigner,
        &key.public_key(),
        &root,
        &root_key,
    )?;
    let root_file = dir
        .map(|dir| {
            b.file(
                &format!("trust/operators/{dir}/root.pem"),
                root.to_pem().into_bytes(),
            )
        })
        .transpose()?;
    Ok(Operator {
        country: country.to_string(),
        root,
        root_key,
        signer,
        key,
        root_file,
    })
}

/// A certificate spec valid from [`CERT_FROM`] to [`CERT_UNTIL`], without
/// an organization.
pub(crate) fn spec(common_name: &str, country: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: common_name.to_string(),
        country: country.to_string(),
        organization: None,
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
    }
}

/// The MSO validity of most documents.
pub(crate) fn validity() -> ValidityInfo {
    ValidityInfo::new(VALID_FROM, VALID_UNTIL)
}

/// Issues `elements` as `doc_type` with `authority`'s Document Signer,
/// bound to `device`, the salts and digestIDs drawn from `seed`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn issue(
    b: &Builder<'_>,
    authority: &DemoAuthority,
    doc_type: &str,
    elements: &Elements,
    device: &PublicKey,
    validity: &ValidityInfo,
    options: IssueOptions,
    seed: u64,
) -> Result<IssuerSigned> {
    Issuer::new(&authority.ds_key, &authority.ds_certificate)?
        .with_options(options)?
        .issue(doc_type, elements, device, validity, &mut b.rng(seed))
}

/// The sample document of `doc_type` of `country` (UA or PL), as elements.
pub(crate) fn sample_elements(doc_type: &str, country: &str) -> Result<Elements> {
    match (doc_type, country) {
        (MDL, "UA") => samples::driving_licence_ua().to_elements(),
        (MDL, "PL") => samples::driving_licence_pl().to_elements(),
        (MVRC, "UA") => samples::vehicle_registration_ua().to_elements(),
        (MVRC, "PL") => samples::vehicle_registration_pl().to_elements(),
        (PERMIT, "UA") => samples::residence_permit_ua().to_elements(),
        (PERMIT, "PL") => samples::residence_permit_pl().to_elements(),
        _ => Err(generator_error(&format!(
            "no sample {doc_type} of {country}"
        ))),
    }
}

/// A small driving licence: four elements of the driving-licence namespace.
pub(crate) fn small_elements(country: &str) -> Elements {
    let mut ns = BTreeMap::new();
    ns.insert("family_name".to_string(), Value::Text("Шевченко".into()));
    ns.insert("given_name".to_string(), Value::Text("Олена".into()));
    ns.insert("issuing_country".to_string(), Value::Text(country.into()));
    ns.insert("age_over_18".to_string(), Value::Bool(true));
    let mut elements = Elements::new();
    elements.insert(MDL_NS.to_string(), ns);
    elements
}

/// `eddsa`, `es256` or `es384`, for ids and paths.
pub(crate) fn alg_slug(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::EdDsa => "eddsa",
        Algorithm::Es256 => "es256",
        Algorithm::Es384 => "es384",
    }
}

/// `EdDSA`, `ES256` or `ES384`, for names and descriptions.
pub(crate) fn alg_title(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::EdDsa => "EdDSA",
        Algorithm::Es256 => "ES256",
        Algorithm::Es384 => "ES384",
    }
}

/// `mdl`, `mvrc` or `permit`, for ids.
pub(crate) fn doc_slug(doc_type: &str) -> &'static str {
    match doc_type {
        MDL => "mdl",
        MVRC => "mvrc",
        _ => "permit",
    }
}

/// A readable name of a doc type, for descriptions.
pub(crate) fn doc_title(doc_type: &str) -> &'static str {
    match doc_type {
        MDL => "driving licence",
        MVRC => "vehicle registration",
        PERMIT => "residence permit",
        _ => "document",
    }
}
