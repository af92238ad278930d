//! Creating certificates with the `x509-cert` builder, deterministic and
//! signed through the crate's [`Signer`] trait.

use std::cell::Cell;
use std::time::Duration;

use der::asn1::{Any, BitString, Ia5String, OctetString, PrintableStringRef, Utf8StringRef};
use der::{Decode, Encode};
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey, ObjectIdentifier,
    SignatureBitStringEncoding, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use time::OffsetDateTime;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CrlDistributionPoints, ExtendedKeyUsage,
    IssuerAltName, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::cose::{Algorithm, PublicKey, Signer};
use crate::error::{Error, Result};

use super::certificate::{
    Certificate, ECDSA_WITH_SHA256, ECDSA_WITH_SHA384, ED25519, KeyUsage, show_time,
};
use super::{EKU_MDL_DOCUMENT_SIGNER, EKU_MDL_READER_AUTH};

// ----- Creating certificates -----

/// What goes into a certificate besides its key and profile.
///
/// The subject name is countryName, then organizationName if given, then
/// commonName (`C=UA, O=<organization>, CN=<common name>`): countryName as
/// PrintableString, organizationName and commonName as UTF8String, so
/// Cyrillic and Polish names are kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSpec {
    /// The subject commonName; must not be empty.
    pub common_name: String,
    /// The subject countryName, ISO 3166-1 alpha-2 (two upper-case letters).
    pub country: String,
    /// The subject organizationName, if any; must not be empty when given.
    pub organization: Option<String>,
    /// The serial number, chosen by the caller (unique per issuer); must be
    /// positive (RFC 5280 4.1.2.2).
    pub serial: u64,
    /// Start of validity. Converted to UTC; fractions of a second are
    /// dropped; must not be before 1970.
    pub not_before: OffsetDateTime,
    /// End of validity, not before `not_before`. Converted like `not_before`.
    pub not_after: OffsetDateTime,
    /// How the issuing authority is reached, written as issuerAltName
    /// (ISO/IEC 18013-5 Annex B asks it of IACA and Document Signer
    /// certificates). When `None`, [`create_issued`] copies the issuer
    /// certificate's issuerAltName (the IACA names itself there, and its
    /// Document Signers name it the same way), and a self-signed
    /// certificate has none.
    pub issuer_contact: Option<IssuerContact>,
    /// The URL of the CRL that would list this certificate, written as
    /// cRLDistributionPoints with one full-name URI and neither reasons
    /// nor cRLIssuer (Annex B). When `None`, [`create_issued`] copies the
    /// issuer certificate's distribution points (an IACA and the
    /// certificates it issues are listed on the same CRL), and a
    /// self-signed certificate has none. ASCII only (an IA5String).
    pub crl_uri: Option<String>,
}

/// How an issuing authority is reached: the issuerAltName of ISO/IEC
/// 18013-5 Annex B, an e-mail address or a URL. ASCII only (both are
/// IA5Strings in the certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerContact {
    /// An e-mail address (rfc822Name).
    Email(String),
    /// A URL (uniformResourceIdentifier).
    Uri(String),
}

/// The extensions a created certificate carries.
///
/// Every profile carries a subjectKeyIdentifier (SHA-1 of the subject key,
/// RFC 5280 4.2.1.2 method 1) and, unless self-signed, an
/// authorityKeyIdentifier (the issuer certificate's subjectKeyIdentifier, or
/// the same SHA-1 of the issuer key when the issuer certificate has none);
/// then, non-critical, the issuerAltName and cRLDistributionPoints of
/// [`CertificateSpec::issuer_contact`] and [`CertificateSpec::crl_uri`]
/// (the [module documentation](super) says which Annex B fields a verifier
/// checks, and why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateProfile {
    /// IACA root (ISO/IEC 18013-5 Annex B): basicConstraints cA true with
    /// pathLenConstraint 0 (critical), keyUsage keyCertSign and cRLSign
    /// (critical). Passes [`check_iaca_profile`](super::check_iaca_profile).
    Iaca,
    /// Document Signer (Annex B): no basicConstraints (an end entity),
    /// keyUsage digitalSignature (critical), extendedKeyUsage
    /// [`EKU_MDL_DOCUMENT_SIGNER`] (critical). Passes
    /// [`check_document_signer_profile`](super::check_document_signer_profile).
    DocumentSigner,
    /// mdoc reader authentication (Annex B): like the Document Signer
    /// but with extendedKeyUsage [`EKU_MDL_READER_AUTH`]. Passes
    /// [`check_reader_profile`](super::check_reader_profile).
    ReaderAuthentication,
    /// A trust-list operator's signing certificate: keyUsage digitalSignature
    /// (critical) and no extendedKeyUsage. No standard OID fits the
    /// project's own trust-list format (1.0.18013.5.1.8 is the VICAL
    /// signer's and would claim a format this is not), and the project has
    /// no registered arc of its own; trust-list verifiers pin the
    /// operator's certificate or key instead of relying on an EKU.
    TrustListSigner,
    /// A CRL signer (RFC 5280 6.3.3 (f)): a key an issuing authority
    /// certifies, under the authority's own name, to sign its CRLs, so that
    /// the IACA key can stay offline. keyUsage cRLSign (critical) only, no
    /// basicConstraints (an end entity: it can issue no certificate), no
    /// extendedKeyUsage. Made with [`create_crl_signer`], which gives it the
    /// authority's subject name.
    CrlSigner,
}

/// Departures from a [`CertificateProfile`], made on purpose so that
/// negative test vectors differ from a valid certificate in one field
/// only. A certificate made with any of them breaks the profile it names
/// and must be refused by a verifier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileBreach {
    /// The keyUsage bits written instead of the profile's; with no bit set
    /// (`KeyUsage::default()`), the keyUsage extension is left out.
    pub key_usage: Option<KeyUsage>,
    /// The subject countryName written instead of
    /// [`CertificateSpec::country`], as a PrintableString, without the
    /// two-upper-case-letters check (it must still be printable ASCII).
    pub country: Option<String>,
    /// One more extension, critical, of [`OID_UNKNOWN_EXTENSION`] with a DER
    /// NULL value, which no certificate reader knows: such a certificate
    /// is refused by [`Certificate::from_der`] itself.
    pub unknown_critical_extension: bool,
}

/// The extension [`ProfileBreach::unknown_critical_extension`] adds: under
/// IANA's example enterprise number 32473 (RFC 5612), which no
/// specification uses.
pub const OID_UNKNOWN_EXTENSION: &str = "1.3.6.1.4.1.32473.1";

/// [`create_self_signed`] departing from `profile` as `breach` says,
/// returning the DER (a certificate with an unknown critical extension is
/// no [`Certificate`]). The signature is not checked after signing.
///
/// Refused as [`create_self_signed`].
pub fn create_self_signed_breaching(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    breach: &ProfileBreach,
    key: &dyn Signer,
) -> Result<Vec<u8>> {
    self_signed_der(spec, profile, breach, key)
}

/// [`create_issued`] departing from `profile` as `breach` says, returning
/// the DER as [`create_self_signed_breaching`] does. The signature is not
/// checked after signing.
///
/// Refused as [`create_issued`].
pub fn create_issued_breaching(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    breach: &ProfileBreach,
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Vec<u8>> {
    issue_der(
        spec,
        profile,
        breach,
        None,
        &[],
        subject_key,
        issuer_cert,
        issuer_key,
    )
}

/// Creates a self-signed certificate for `key`'s public key, signed by `key`.
///
/// `key` is any [`Signer`]: a [`crate::cose::SoftwareKey`] or an HSM-backed
/// implementation. The certificate signature algorithm follows the key
/// (ecdsa-with-SHA256 for P-256, ecdsa-with-SHA384 for P-384, Ed25519).
/// Deterministic: the same key, spec and profile give the same bytes.
///
/// Refused with `invalid_argument` for a bad spec (see [`CertificateSpec`]);
/// a signer error is passed on (`signing_failed`), and a signature that does
/// not verify under the signer's own public key is `signing_failed`.
pub fn create_self_signed(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    key: &dyn Signer,
) -> Result<Certificate> {
    let certificate = Certificate::from_der(&self_signed_der(
        spec,
        profile,
        &ProfileBreach::default(),
        key,
    )?)?;
    certificate.verify_issued_by(&certificate).map_err(|e| {
        Error::SigningFailed(format!(
            "the new certificate does not verify under its own key: {e}"
        ))
    })?;
    Ok(certificate)
}

/// The DER of a self-signed certificate, as [`create_self_signed`] and
/// [`create_self_signed_breaching`] make it.
fn self_signed_der(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    breach: &ProfileBreach,
    key: &dyn Signer,
) -> Result<Vec<u8>> {
    let subject = subject_name(spec, breach)?;
    let public_key = key.public_key();
    let builder_profile = Profile {
        subject_alt_name: None,
        kind: profile,
        breach: breach.clone(),
        subject: subject.clone(),
        issuer: subject,
        self_signed: true,
        authority_key_id: None,
        issuer_alt_name: spec
            .issuer_contact
            .as_ref()
            .map(issuer_alt_name)
            .transpose()?,
        crl_distribution_points: spec
            .crl_uri
            .as_deref()
            .map(crl_distribution_points)
            .transpose()?,
    };
    build_der(spec, builder_profile, &public_key, key)
}

/// Creates a certificate for `subject_key`, issued by `issuer_cert` and
/// signed with `issuer_key`, whose public key must be that of `issuer_cert`.
///
/// The issuer name is copied from `issuer_cert`'s subject. No profile is
/// required of the issuer, so negative test vectors (a DS signed by a DS)
/// can be made; the checks refuse them later. Deterministic like
/// [`create_self_signed`].
///
/// Refused with `invalid_argument` for a bad spec (see [`CertificateSpec`])
/// or an issuer certificate `x509-cert` cannot read, with `invalid_key` when
/// `issuer_key` does not match `issuer_cert`; a signer error is passed on
/// (`signing_failed`), and a result that does not verify under the issuer
/// certificate is `signing_failed`.
pub fn create_issued(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Certificate> {
    issue(
        spec,
        profile,
        None,
        &[],
        subject_key,
        issuer_cert,
        issuer_key,
    )
}

/// Creates a reader authentication certificate
/// ([`CertificateProfile::ReaderAuthentication`]) naming `dns_name` in
/// subjectAltName: the certificate an online verifier signs its OpenID4VP
/// requests with under the `x509_san_dns:` client identifier prefix.
///
/// Refused as [`create_issued`], and `invalid_argument` for a name that is
/// not IA5 text.
pub fn create_reader_for_domain(
    spec: &CertificateSpec,
    dns_name: &str,
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Certificate> {
    issue(
        spec,
        CertificateProfile::ReaderAuthentication,
        None,
        &[dns_name.to_string()],
        subject_key,
        issuer_cert,
        issuer_key,
    )
}

/// Creates a CRL signer certificate ([`CertificateProfile::CrlSigner`]) for
/// `subject_key`, issued by the issuing authority `issuer_cert` (signed
/// with `issuer_key`), serial `serial`, valid from `not_before` to
/// `not_after`. Its subject is the authority's own name, copied byte for
/// byte: a CRL issued under that name and signed by this key then counts
/// as the authority's (see [`crate::x509::crl::CrlSet::add_crl_signer`]
/// and [`crate::x509::crl::create_crl`]). Its cRLDistributionPoints are
/// the authority's, so the signer is revoked through the authority's CRL.
///
/// Refused as [`create_issued`].
pub fn create_crl_signer(
    serial: u64,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Certificate> {
    // Only the serial and the times of the spec are read: the names come
    // from the issuer certificate.
    let spec = CertificateSpec {
        common_name: String::new(),
        country: String::new(),
        organization: None,
        serial,
        not_before,
        not_after,
        issuer_contact: None,
        crl_uri: None,
    };
    issue(
        &spec,
        CertificateProfile::CrlSigner,
        Some(issuer_cert),
        &[],
        subject_key,
        issuer_cert,
        issuer_key,
    )
}

/// [`create_issued`], with the subject name copied from `subject_name_of`
/// when given, else built from `spec`.
fn issue(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    subject_name_of: Option<&Certificate>,
    dns_names: &[String],
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Certificate> {
    let certificate = Certificate::from_der(&issue_der(
        spec,
        profile,
        &ProfileBreach::default(),
        subject_name_of,
        dns_names,
        subject_key,
        issuer_cert,
        issuer_key,
    )?)?;
    certificate.verify_issued_by(issuer_cert).map_err(|e| {
        Error::SigningFailed(format!(
            "the new certificate does not verify under its issuer: {e}"
        ))
    })?;
    Ok(certificate)
}

/// The DER of an issued certificate, as [`issue`] and
/// [`create_issued_breaching`] make it.
#[allow(clippy::too_many_arguments)]
fn issue_der(
    spec: &CertificateSpec,
    profile: CertificateProfile,
    breach: &ProfileBreach,
    subject_name_of: Option<&Certificate>,
    dns_names: &[String],
    subject_key: &PublicKey,
    issuer_cert: &Certificate,
    issuer_key: &dyn Signer,
) -> Result<Vec<u8>> {
    if issuer_key.public_key() != *issuer_cert.public_key() {
        return Err(Error::InvalidKey(format!(
            "the issuer key is not the key of the issuer certificate {:?}",
            issuer_cert.subject()
        )));
    }
    let unreadable = |e: der::Error| {
        Error::InvalidArgument(format!(
            "issuer certificate {:?} cannot be read for issuing: {e}",
            issuer_cert.subject()
        ))
    };
    let issuer = x509_cert::Certificate::from_der(issuer_cert.der()).map_err(unreadable)?;
    let issuer_tbs = issuer.tbs_certificate();
    let authority_key_id = issuer_tbs
        .get_extension::<SubjectKeyIdentifier>()
        .map_err(unreadable)?
        .map(|(_, ski)| ski.0.as_bytes().to_vec());
    let issuer_alt_name = match &spec.issuer_contact {
        Some(contact) => Some(issuer_alt_name(contact)?),
        None => issuer_tbs
            .get_extension::<IssuerAltName>()
            .map_err(unreadable)?
            .map(|(_, ian)| ian),
    };
    let crl_distribution_points = match &spec.crl_uri {
        Some(uri) => Some(crl_distribution_points(uri)?),
        None => issuer_tbs
            .get_extension::<CrlDistributionPoints>()
            .map_err(unreadable)?
            .map(|(_, points)| points),
    };
    let subject = match subject_name_of {
        Some(certificate) => x509_cert::Certificate::from_der(certificate.der())
            .map_err(unreadable)?
            .tbs_certificate()
            .subject()
            .clone(),
        None => subject_name(spec, breach)?,
    };
    let subject_alt_name = if dns_names.is_empty() {
        None
    } else {
        Some(SubjectAltName(
            dns_names
                .iter()
                .map(|name| ia5("subjectAltName dNSName", name).map(GeneralName::DnsName))
                .collect::<Result<Vec<_>>>()?,
        ))
    };
    let builder_profile = Profile {
        subject_alt_name,
        kind: profile,
        breach: breach.clone(),
        subject,
        issuer: issuer_tbs.subject().clone(),
        self_signed: false,
        authority_key_id,
        issuer_alt_name,
        crl_distribution_points,
    };
    build_der(spec, builder_profile, subject_key, issuer_key)
}

/// OID of countryName (RFC 4519).
pub(super) const OID_COUNTRY_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
/// OID of organizationName (RFC 4519).
pub(super) const OID_ORGANIZATION_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
/// OID of commonName (RFC 4519).
pub(super) const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// [`EKU_MDL_DOCUMENT_SIGNER`] as an OID.
pub(super) const OID_EKU_MDL_DOCUMENT_SIGNER: ObjectIdentifier =
    ObjectIdentifier::new_unwrap(EKU_MDL_DOCUMENT_SIGNER);
/// [`EKU_MDL_READER_AUTH`] as an OID.
pub(super) const OID_EKU_MDL_READER_AUTH: ObjectIdentifier =
    ObjectIdentifier::new_unwrap(EKU_MDL_READER_AUTH);

/// Checks a spec and builds its subject name.
pub(super) fn build_name(spec: &CertificateSpec) -> Result<Name> {
    let bad = |detail: String| Error::InvalidArgument(detail);
    if !crate::country::is_alpha2(&spec.country) {
        return Err(bad(format!(
            "country {:?} is not an ISO 3166-1 alpha-2 code (two upper-case letters)",
            spec.country
        )));
    }
    encode_name(spec, &spec.country)
}

/// The subject name of `spec`, with the countryName of `breach` when it
/// has one (unchecked).
fn subject_name(spec: &CertificateSpec, breach: &ProfileBreach) -> Result<Name> {
    match &breach.country {
        Some(country) => encode_name(spec, country),
        None => build_name(spec),
    }
}

/// The subject name of `spec` with `country` as its countryName, which the
/// caller has checked (or breaks on purpose).
fn encode_name(spec: &CertificateSpec, country: &str) -> Result<Name> {
    let bad = |detail: String| Error::InvalidArgument(detail);
    if spec.common_name.is_empty() {
        return Err(bad("the common name is empty".into()));
    }
    if spec.organization.as_deref() == Some("") {
        return Err(bad("the organization is empty (use None for none)".into()));
    }
    let encoding = |what: &str, e: der::Error| bad(format!("{what}: {e}"));
    let mut attributes = vec![(
        OID_COUNTRY_NAME,
        Any::encode_from(&PrintableStringRef::new(country).map_err(|e| encoding("country", e))?)
            .map_err(|e| encoding("country", e))?,
    )];
    if let Some(organization) = &spec.organization {
        attributes.push((
            OID_ORGANIZATION_NAME,
            Any::encode_from(
                &Utf8StringRef::new(organization).map_err(|e| encoding("organization", e))?,
            )
            .map_err(|e| encoding("organization", e))?,
        ));
    }
    attributes.push((
        OID_COMMON_NAME,
        Any::encode_from(
            &Utf8StringRef::new(&spec.common_name).map_err(|e| encoding("common name", e))?,
        )
        .map_err(|e| encoding("common name", e))?,
    ));
    let rdns = attributes
        .into_iter()
        .map(|(oid, value)| {
            RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue { oid, value }])
        })
        .collect::<der::Result<Vec<_>>>()
        .map_err(|e| encoding("subject name", e))?;
    // `Name` has no public constructor from an RDNSequence outside the
    // crate's `hazmat` feature; going through DER is the supported way.
    let der = RdnSequence::from(rdns)
        .to_der()
        .map_err(|e| encoding("subject name", e))?;
    Name::from_der(&der).map_err(|e| encoding("subject name", e))
}

/// An IA5String (ASCII) for `what`, or `invalid_argument`.
fn ia5(what: &str, text: &str) -> Result<Ia5String> {
    if text.is_empty() {
        return Err(Error::InvalidArgument(format!("the {what} is empty")));
    }
    Ia5String::new(text)
        .map_err(|e| Error::InvalidArgument(format!("the {what} {text:?} is not ASCII: {e}")))
}

/// The issuerAltName extension value for `contact`.
fn issuer_alt_name(contact: &IssuerContact) -> Result<IssuerAltName> {
    let name = match contact {
        IssuerContact::Email(email) => GeneralName::Rfc822Name(ia5("issuer e-mail", email)?),
        IssuerContact::Uri(uri) => GeneralName::UniformResourceIdentifier(ia5("issuer URL", uri)?),
    };
    Ok(IssuerAltName(vec![name]))
}

/// The cRLDistributionPoints extension value for one CRL URL, as Annex B
/// wants it: a full name, no reasons, no cRLIssuer.
fn crl_distribution_points(uri: &str) -> Result<CrlDistributionPoints> {
    Ok(CrlDistributionPoints(vec![DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::UniformResourceIdentifier(ia5("CRL URL", uri)?),
        ])),
        reasons: None,
        crl_issuer: None,
    }]))
}

/// An X.509 time from an `OffsetDateTime` (UTC, whole seconds).
pub(super) fn x509_time(what: &str, t: OffsetDateTime) -> Result<Time> {
    let seconds = u64::try_from(t.unix_timestamp())
        .map_err(|_| Error::InvalidArgument(format!("{what} {} is before 1970", show_time(t))))?;
    der::DateTime::from_unix_duration(Duration::from_secs(seconds))
        .map(Time::from)
        .map_err(|e| Error::InvalidArgument(format!("{what} {}: {e}", show_time(t))))
}

/// Builds and signs a certificate with the x509-cert builder, returning
/// its DER.
fn build_der(
    spec: &CertificateSpec,
    profile: Profile,
    subject_key: &PublicKey,
    signer: &dyn Signer,
) -> Result<Vec<u8>> {
    if spec.serial == 0 {
        return Err(Error::InvalidArgument(
            "the serial number must be positive (RFC 5280 4.1.2.2)".into(),
        ));
    }
    if spec.not_after < spec.not_before {
        return Err(Error::InvalidArgument(format!(
            "notAfter {} is before notBefore {}",
            show_time(spec.not_after),
            show_time(spec.not_before)
        )));
    }
    let failed =
        |detail: String| Error::InvalidArgument(format!("building the certificate: {detail}"));
    let serial =
        SerialNumber::new(&spec.serial.to_be_bytes()).map_err(|e| failed(e.to_string()))?;
    let validity = Validity::new(
        x509_time("notBefore", spec.not_before)?,
        x509_time("notAfter", spec.not_after)?,
    );
    let spki = SubjectPublicKeyInfoOwned::from_key(&SpkiKey(subject_key.clone()))
        .map_err(|e| Error::InvalidKey(format!("subject public key: {e}")))?;
    let builder = CertificateBuilder::new(profile, serial, validity, spki)
        .map_err(|e| failed(e.to_string()))?;
    let adapter = CertificateSigner {
        signer,
        public_key: SpkiKey(signer.public_key()),
        failure: Cell::new(None),
    };
    let built = builder.build::<_, CertificateSignature>(&adapter);
    // A signer failure carries the crate error; report that, not the
    // builder's generic wrapper.
    if let Some(error) = adapter.failure.take() {
        return Err(error);
    }
    let built = built.map_err(|e| failed(e.to_string()))?;
    built.to_der().map_err(|e| failed(e.to_string()))
}

/// The x509-cert builder profile for the crate's certificate profiles.
pub(super) struct Profile {
    kind: CertificateProfile,
    /// Departures from `kind`, for negative test vectors.
    breach: ProfileBreach,
    subject: Name,
    issuer: Name,
    self_signed: bool,
    /// The issuer certificate's subjectKeyIdentifier, when it has one.
    authority_key_id: Option<Vec<u8>>,
    /// issuerAltName, when there is one.
    issuer_alt_name: Option<IssuerAltName>,
    /// cRLDistributionPoints, when there are any.
    crl_distribution_points: Option<CrlDistributionPoints>,
    /// subjectAltName, when there is one.
    subject_alt_name: Option<SubjectAltName>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let subject = tbs.subject();
        let mut extensions: Vec<Extension> = Vec::new();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        extensions.push((false, &ski).to_extension(subject, &extensions)?);
        if !self.self_signed {
            let aki = match &self.authority_key_id {
                Some(id) => AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(id.as_slice())?),
                    ..AuthorityKeyIdentifier::default()
                },
                None => AuthorityKeyIdentifier::try_from(issuer_spk)?,
            };
            extensions.push((false, &aki).to_extension(subject, &extensions)?);
        }
        let (usages, eku) = match self.kind {
            CertificateProfile::Iaca => {
                let constraints = BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(0),
                };
                extensions.push((true, &constraints).to_extension(subject, &extensions)?);
                (KeyUsages::KeyCertSign | KeyUsages::CRLSign, None)
            }
            CertificateProfile::DocumentSigner => (
                KeyUsages::DigitalSignature.into(),
                Some(OID_EKU_MDL_DOCUMENT_SIGNER),
            ),
            CertificateProfile::ReaderAuthentication => (
                KeyUsages::DigitalSignature.into(),
                Some(OID_EKU_MDL_READER_AUTH),
            ),
            CertificateProfile::TrustListSigner => (KeyUsages::DigitalSignature.into(), None),
            CertificateProfile::CrlSigner => (KeyUsages::CRLSign.into(), None),
        };
        let usages = match self.breach.key_usage {
            Some(bits) => {
                let mut usages = der::flagset::FlagSet::empty();
                for (set, bit) in [
                    (bits.digital_signature, KeyUsages::DigitalSignature),
                    (bits.key_cert_sign, KeyUsages::KeyCertSign),
                    (bits.crl_sign, KeyUsages::CRLSign),
                ] {
                    if set {
                        usages |= bit;
                    }
                }
                usages
            }
            None => usages,
        };
        if !usages.is_empty() {
            let key_usage = x509_cert::ext::pkix::KeyUsage(usages);
            extensions.push((true, &key_usage).to_extension(subject, &extensions)?);
        }
        if let Some(eku) = eku {
            let eku = ExtendedKeyUsage(vec![eku]);
            extensions.push((true, &eku).to_extension(subject, &extensions)?);
        }
        // Annex B: both non-critical.
        if let Some(ian) = &self.issuer_alt_name {
            extensions.push((false, ian).to_extension(subject, &extensions)?);
        }
        if let Some(points) = &self.crl_distribution_points {
            extensions.push((false, points).to_extension(subject, &extensions)?);
        }
        // Non-critical: the subject name is not empty (RFC 5280 4.2.1.6).
        if let Some(san) = &self.subject_alt_name {
            extensions.push((false, san).to_extension(subject, &extensions)?);
        }
        if self.breach.unknown_critical_extension {
            extensions.push(Extension {
                extn_id: ObjectIdentifier::new_unwrap(OID_UNKNOWN_EXTENSION),
                critical: true,
                extn_value: OctetString::new(der::asn1::Null.to_der()?)?,
            });
        }
        Ok(extensions)
    }
}

/// A [`PublicKey`] as the `spki` encoding trait wants it.
#[derive(Clone)]
pub(super) struct SpkiKey(PublicKey);

impl EncodePublicKey for SpkiKey {
    fn to_public_key_der(&self) -> spki::Result<spki::Document> {
        match &self.0 {
            PublicKey::Ed25519(k) => k.to_public_key_der(),
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
        }
    }
}

/// Adapts a crate [`Signer`] (COSE form: r || s) to the RustCrypto traits the
/// x509-cert builder needs (X.509 form: DER for ECDSA).
pub(super) struct CertificateSigner<'a> {
    signer: &'a dyn Signer,
    public_key: SpkiKey,
    /// The crate error of a failed signature, kept because
    /// `signature::Error` cannot carry it.
    failure: Cell<Option<Error>>,
}

/// A certificate signature in its X.509 form.
pub(super) struct CertificateSignature(Vec<u8>);

impl SignatureBitStringEncoding for CertificateSignature {
    fn to_bitstring(&self) -> der::Result<BitString> {
        BitString::from_bytes(&self.0)
    }
}

impl signature::Keypair for CertificateSigner<'_> {
    type VerifyingKey = SpkiKey;

    fn verifying_key(&self) -> SpkiKey {
        self.public_key.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for CertificateSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(x509_signature_algorithm(self.signer))
    }
}

impl CertificateSigner<'_> {
    fn sign_for_certificate(&self, message: &[u8]) -> Result<Vec<u8>> {
        sign_x509(self.signer, message)
    }
}

/// The X.509 signatureAlgorithm of a signer's key (RFC 5758, RFC 8410: no
/// parameters).
pub(super) fn x509_signature_algorithm(signer: &dyn Signer) -> AlgorithmIdentifierOwned {
    let oid = match signer.algorithm() {
        Algorithm::Es256 => ECDSA_WITH_SHA256,
        Algorithm::Es384 => ECDSA_WITH_SHA384,
        Algorithm::EdDsa => ED25519,
    };
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

/// Signs `message` with a crate [`Signer`] (COSE form: r || s) and returns
/// the signature in its X.509 form (DER for ECDSA).
pub(super) fn sign_x509(signer: &dyn Signer, message: &[u8]) -> Result<Vec<u8>> {
    let raw = signer.sign(message)?;
    let not_cose = |e: signature::Error| {
        Error::SigningFailed(format!("the signer returned no r || s signature: {e}"))
    };
    match signer.algorithm() {
        Algorithm::EdDsa => Ok(raw),
        Algorithm::Es256 => p256::ecdsa::Signature::from_slice(&raw)
            .map(|s| s.to_der().as_bytes().to_vec())
            .map_err(not_cose),
        Algorithm::Es384 => p384::ecdsa::Signature::from_slice(&raw)
            .map(|s| s.to_der().as_bytes().to_vec())
            .map_err(not_cose),
    }
}

impl signature::Signer<CertificateSignature> for CertificateSigner<'_> {
    fn try_sign(
        &self,
        message: &[u8],
    ) -> std::result::Result<CertificateSignature, signature::Error> {
        self.sign_for_certificate(message)
            .map(CertificateSignature)
            .map_err(|e| {
                self.failure.set(Some(e));
                signature::Error::new()
            })
    }
}
