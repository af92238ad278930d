//! Creating CRLs with the `x509-cert` CRL types, signed through the crate's
//! [`Signer`] so an authority's key can stay in an HSM.
//!
//! The `x509-cert` `CrlBuilder` is not used: it copies the issuer
//! certificate's own authorityKeyIdentifier into the CRL, which names the
//! wrong key for a CRL signer certified by the IACA. The CRL is assembled
//! from the same typed structures instead, so no DER is written by hand.

use der::asn1::{BitString, Ia5String, OctetString};
use der::referenced::OwnedToRef;
use der::{Decode, Encode};
use spki::ObjectIdentifier;
use time::OffsetDateTime;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber, SubjectKeyIdentifier};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::serial_number::SerialNumber;

use crate::cose::Signer;
use crate::error::{Error, Result};
use crate::x509::Certificate;
use crate::x509::certificate::{normalized_serial, show_time};
use crate::x509::create::{sign_x509, x509_signature_algorithm, x509_time};

use super::list::{Crl, RevokedEntry};
use super::reason::RevocationReason;

/// What goes into a new CRL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlSpec {
    /// cRLNumber: grows with every CRL the authority issues (RFC 5280 5.2.3).
    pub number: u64,
    /// thisUpdate: when the CRL is issued. UTC, whole seconds, not before 1970.
    pub this_update: OffsetDateTime,
    /// nextUpdate: by when the next CRL will be issued; after `this_update`.
    pub next_update: OffsetDateTime,
    /// The revoked certificates, written in this order.
    pub revoked: Vec<RevokedEntry>,
    /// The distribution point URI the CRL is published at, written as its
    /// (critical) issuingDistributionPoint so a CRL served from another
    /// point is refused (`crl_wrong_issuer`); `None` writes none.
    pub issuing_distribution_point: Option<String>,
}

impl CrlSpec {
    /// An empty CRL numbered `number`, valid from `this_update` until
    /// `next_update`.
    pub fn new(number: u64, this_update: OffsetDateTime, next_update: OffsetDateTime) -> CrlSpec {
        CrlSpec {
            number,
            this_update,
            next_update,
            revoked: Vec::new(),
            issuing_distribution_point: None,
        }
    }

    /// The content of an existing CRL, to issue its successor: the same
    /// entries, the number of `crl` plus one (1 when it has none or one
    /// beyond `u64`), and the given times.
    pub fn successor(
        crl: &Crl,
        this_update: OffsetDateTime,
        next_update: OffsetDateTime,
    ) -> CrlSpec {
        CrlSpec {
            number: crl.number_u64().map_or(1, |n| n.saturating_add(1)),
            this_update,
            next_update,
            revoked: crl.revoked().to_vec(),
            issuing_distribution_point: crl.scope().distribution_points.first().cloned(),
        }
    }

    /// Adds (or replaces) the entry for `serial` (big-endian bytes, as
    /// [`Certificate::serial`]), revoked at `date` for `reason`.
    pub fn revoke(
        &mut self,
        serial: &[u8],
        date: OffsetDateTime,
        reason: Option<RevocationReason>,
    ) {
        let serial = normalized_serial(serial);
        self.revoked.retain(|entry| entry.serial != serial);
        self.revoked.push(RevokedEntry {
            serial,
            revocation_date: date,
            reason,
        });
    }
}

/// Creates a CRL issued under the name of `issuer_cert`, signed with
/// `signer`: the issuing authority's own key (`signer`'s public key is that
/// of `issuer_cert`), or a CRL signer's key when `signer_cert` names the
/// CRL signer certificate the authority issued under its own name.
///
/// The CRL is version 2 with the extensions authorityKeyIdentifier (the
/// signing certificate's subjectKeyIdentifier, or the SHA-1 of its key) and
/// cRLNumber; each entry carries a reasonCode when it has a reason.
/// Deterministic for the deterministic signers (Ed25519, RFC 6979 ECDSA).
///
/// Refused with `invalid_argument` for a bad spec (nextUpdate not after
/// thisUpdate, a time before 1970, an empty or zero serial), with
/// `invalid_key` when `signer` does not hold the key of the signing
/// certificate; a signer error is passed on (`signing_failed`), and a CRL
/// that does not verify under the signing certificate is `signing_failed`.
pub fn create_crl(
    spec: &CrlSpec,
    issuer_cert: &Certificate,
    signer_cert: Option<&Certificate>,
    signer: &dyn Signer,
) -> Result<Crl> {
    let signing_cert = signer_cert.unwrap_or(issuer_cert);
    if signer.public_key() != *signing_cert.public_key() {
        return Err(Error::InvalidKey(format!(
            "the signer's key is not the key of {:?}",
            signing_cert.subject()
        )));
    }
    if spec.next_update <= spec.this_update {
        return Err(Error::InvalidArgument(format!(
            "nextUpdate {} is not after thisUpdate {}",
            show_time(spec.next_update),
            show_time(spec.this_update)
        )));
    }
    let failed = |e: der::Error| Error::InvalidArgument(format!("building the CRL: {e}"));
    let issuer = x509_cert::Certificate::from_der(issuer_cert.der()).map_err(failed)?;
    let issuer_name = issuer.tbs_certificate().subject().clone();
    let signing = x509_cert::Certificate::from_der(signing_cert.der()).map_err(failed)?;
    let key_id = match signing
        .tbs_certificate()
        .get_extension::<SubjectKeyIdentifier>()
        .map_err(failed)?
    {
        Some((_, ski)) => ski,
        None => SubjectKeyIdentifier::try_from(
            signing
                .tbs_certificate()
                .subject_public_key_info()
                .owned_to_ref(),
        )
        .map_err(failed)?,
    };
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(key_id.0.as_bytes()).map_err(failed)?),
        ..AuthorityKeyIdentifier::default()
    };
    let mut extensions: Vec<Extension> = Vec::new();
    extensions.push(
        aki.to_extension(&issuer_name, &extensions)
            .map_err(failed)?,
    );
    let number = CrlNumber::try_from(spec.number).map_err(failed)?;
    extensions.push(
        number
            .to_extension(&issuer_name, &extensions)
            .map_err(failed)?,
    );
    if let Some(point) = &spec.issuing_distribution_point {
        extensions.push(issuing_distribution_point(point)?);
    }

    let mut revoked = Vec::with_capacity(spec.revoked.len());
    for entry in &spec.revoked {
        if entry.serial.iter().all(|b| *b == 0) {
            return Err(Error::InvalidArgument(
                "a revoked serial number must be positive (RFC 5280 4.1.2.2)".into(),
            ));
        }
        let entry_extensions = entry
            .reason
            .map(|reason| {
                reason
                    .to_x509()
                    .to_extension(&issuer_name, &[])
                    .map(|e| vec![e])
            })
            .transpose()
            .map_err(failed)?;
        revoked.push(RevokedCert {
            serial_number: SerialNumber::new(&entry.serial).map_err(failed)?,
            revocation_date: x509_time("revocationDate", entry.revocation_date)?,
            crl_entry_extensions: entry_extensions,
        });
    }
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: x509_signature_algorithm(signer),
        issuer: issuer_name,
        this_update: x509_time("thisUpdate", spec.this_update)?,
        next_update: Some(x509_time("nextUpdate", spec.next_update)?),
        revoked_certificates: (!revoked.is_empty()).then_some(revoked),
        crl_extensions: Some(extensions),
    };
    let crl = Crl::from_der(&sign_tbs(tbs, signer)?)?;
    crl.verify_signed_by(signing_cert).map_err(|e| {
        Error::SigningFailed(format!("the new CRL does not verify under its signer: {e}"))
    })?;
    Ok(crl)
}

/// Signs a tbsCertList with `signer` (its signature field already naming
/// the signer's algorithm) and returns the DER CertificateList.
pub(super) fn sign_tbs(tbs: TbsCertList, signer: &dyn Signer) -> Result<Vec<u8>> {
    let failed = |e: der::Error| Error::InvalidArgument(format!("building the CRL: {e}"));
    let tbs_der = tbs.to_der().map_err(failed)?;
    let signature = sign_x509(signer, &tbs_der)?;
    CertificateList {
        signature_algorithm: tbs.signature.clone(),
        tbs_cert_list: tbs,
        signature: BitString::from_bytes(&signature).map_err(failed)?,
    }
    .to_der()
    .map_err(failed)
}

/// OID of the issuingDistributionPoint extension (RFC 5280 5.2.5).
const OID_ISSUING_DISTRIBUTION_POINT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.28");

/// The critical issuingDistributionPoint naming `point`. The extension is
/// assembled here rather than through `ToExtension`: x509-cert 0.3.0
/// associates `IssuingDistributionPoint` with the subjectInfoAccess OID.
fn issuing_distribution_point(point: &str) -> Result<Extension> {
    let bad = |e: der::Error| {
        Error::InvalidArgument(format!("issuing distribution point {point:?}: {e}"))
    };
    let idp = IssuingDistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![
            GeneralName::UniformResourceIdentifier(Ia5String::new(point).map_err(bad)?),
        ])),
        only_contains_user_certs: false,
        only_contains_ca_certs: false,
        only_some_reasons: None,
        indirect_crl: false,
        only_contains_attribute_certs: false,
    };
    Ok(Extension {
        extn_id: OID_ISSUING_DISTRIBUTION_POINT,
        critical: true,
        extn_value: OctetString::new(idp.to_der().map_err(bad)?).map_err(bad)?,
    })
}
