//! Checking one certificate against the CRLs the app fetched: the set of
//! CRLs keyed by distribution point, the policy, and the outcome.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result, excerpt};
use crate::x509::Certificate;
use crate::x509::certificate::show_time;

use super::list::{Crl, hex};

/// What to do when a certificate's CRL is missing or stale.
///
/// The default fails closed (`crl_missing`, `crl_stale`), as a backend
/// should. An offline phone may allow unchecked certificates: they pass,
/// and the outcome says [`CrlOutcome::NotChecked`]. A CRL that lists the
/// certificate refuses it under every policy, stale or not: revocation is
/// final.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CrlPolicy {
    allow_unchecked: bool,
}

impl CrlPolicy {
    /// The default: a missing or stale CRL refuses the certificate.
    pub fn fail_closed() -> CrlPolicy {
        CrlPolicy::default()
    }

    /// When `allow` is true, a certificate whose CRL is missing or stale
    /// passes as [`CrlOutcome::NotChecked`].
    pub fn allow_unchecked(mut self, allow: bool) -> CrlPolicy {
        self.allow_unchecked = allow;
        self
    }

    /// Whether missing or stale CRLs are allowed.
    pub fn allows_unchecked(&self) -> bool {
        self.allow_unchecked
    }
}

/// What the CRL check found out about a certificate (a revoked certificate
/// is an error, `certificate_revoked`, never an outcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrlOutcome {
    /// Every CRL for the certificate is current, signed by its issuer, and
    /// does not list it.
    Good,
    /// No current CRL was at hand and the policy allows that.
    NotChecked,
    /// The caller asked for no CRL checking at all.
    Disabled,
}

impl CrlOutcome {
    /// `good`, `not_checked` or `disabled`: the name used in JSON results.
    pub fn name(self) -> &'static str {
        match self {
            CrlOutcome::Good => "good",
            CrlOutcome::NotChecked => "not_checked",
            CrlOutcome::Disabled => "disabled",
        }
    }
}

/// The CRLs the app fetched, keyed by the distribution point URI each was
/// fetched from, and the CRL signer certificates that may have signed them.
///
/// The library does no I/O: the app reads each certificate's
/// cRLDistributionPoints ([`Certificate::crl_distribution_points`]), fetches
/// the CRLs and hands the bytes in here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrlSet {
    by_point: BTreeMap<String, Crl>,
    signers: Vec<Certificate>,
}

impl CrlSet {
    /// An empty set.
    pub fn new() -> CrlSet {
        CrlSet::default()
    }

    /// Adds the CRL fetched from `distribution_point`, replacing one held for
    /// the same point.
    pub fn insert(&mut self, distribution_point: impl Into<String>, crl: Crl) {
        self.by_point.insert(distribution_point.into(), crl);
    }

    /// Parses (DER or PEM, see [`Crl::load`]) and adds the CRL fetched from
    /// `distribution_point`; refused with the codes of [`Crl::from_der`].
    pub fn insert_bytes(
        &mut self,
        distribution_point: impl Into<String>,
        bytes: &[u8],
    ) -> Result<()> {
        let crl = Crl::load(bytes)?;
        self.insert(distribution_point, crl);
        Ok(())
    }

    /// Adds a CRL signer certificate: a certificate with the name of an
    /// issuing authority and another key, issued by that authority, allowed
    /// to sign its CRLs (keyUsage cRLSign, RFC 5280 6.3.3 (f)).
    pub fn add_crl_signer(&mut self, certificate: Certificate) {
        self.signers.push(certificate);
    }

    /// Whether the set holds no CRL.
    pub fn is_empty(&self) -> bool {
        self.by_point.is_empty()
    }

    /// The CRLs with the distribution point each came from.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Crl)> {
        self.by_point.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The CRLs that speak for `certificate`, with the point each came from:
    /// those fetched from one of its distribution points, or, when it names
    /// none, those whose issuer is its issuer.
    fn candidates<'a>(
        &'a self,
        certificate: &'a Certificate,
    ) -> impl Iterator<Item = (&'a str, &'a Crl)> + 'a {
        let points = certificate.crl_distribution_points();
        self.iter().filter(move |(point, crl)| {
            if points.is_empty() {
                crl.issuer_raw() == certificate.issuer_raw()
            } else {
                points.iter().any(|p| p == point)
            }
        })
    }
}

/// Checks `certificate`, issued by `issuer` (already verified as such by the
/// caller), against the CRLs in `crls` at `now`, widened by `clock_skew`.
///
/// Every CRL that speaks for the certificate (see [`CrlSet`]) is checked,
/// in this order, and the first failure is returned:
///
/// 1. its issuer is the certificate's issuer, and, when it says which
///    distribution points it covers, the point it was fetched from is one
///    of them: `crl_wrong_issuer`;
/// 2. it is signed by `issuer`, or by a CRL signer of the set that `issuer`
///    certified under its own name with cRLSign and that is valid at `now`:
///    `crl_signature_invalid`;
/// 3. thisUpdate is not after `now`: `crl_not_yet_valid`;
/// 4. the certificate's serial number is not listed: `certificate_revoked`
///    (with the reason and date), under every policy;
/// 5. nextUpdate has not passed: `crl_stale`, or [`CrlOutcome::NotChecked`]
///    when the policy allows unchecked certificates.
///
/// A CRL whose issuingDistributionPoint limits it to CA (or to end-entity)
/// certificates does not speak for the others. When no CRL speaks for the
/// certificate: `crl_missing`, or [`CrlOutcome::NotChecked`] when the
/// policy allows it.
pub fn check_certificate(
    certificate: &Certificate,
    issuer: &Certificate,
    crls: &CrlSet,
    policy: &CrlPolicy,
    now: OffsetDateTime,
    clock_skew: Duration,
) -> Result<CrlOutcome> {
    let skew = clock_skew.max(Duration::ZERO);
    let mut checked = 0usize;
    let mut stale = None;
    for (point, crl) in crls.candidates(certificate) {
        if crl.issuer_raw() != certificate.issuer_raw() {
            return Err(Error::CrlWrongIssuer(format!(
                "the CRL from {} is issued by {}; {} was issued by {}",
                excerpt(point),
                excerpt(crl.issuer()),
                excerpt(certificate.subject()),
                excerpt(certificate.issuer())
            )));
        }
        if !crl.scope().covers(certificate) {
            continue;
        }
        let covered = &crl.scope().distribution_points;
        if !covered.is_empty() && !covered.iter().any(|p| p == point) {
            return Err(Error::CrlWrongIssuer(format!(
                "the CRL fetched from {} covers only {}",
                excerpt(point),
                covered
                    .iter()
                    .map(|p| excerpt(p).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        verify_crl_signature(crl, issuer, crls, now)?;
        if crl.this_update() > now.saturating_add(skew) {
            return Err(Error::CrlNotYetValid(format!(
                "the CRL from {} has thisUpdate {}, checked at {}",
                excerpt(point),
                show_time(crl.this_update()),
                show_time(now)
            )));
        }
        if let Some(entry) = crl.entry_for(certificate.serial()) {
            return Err(Error::CertificateRevoked(format!(
                "{} (serial {}) revoked on {}, reason {}",
                excerpt(certificate.subject()),
                hex(certificate.serial()),
                show_time(entry.revocation_date),
                entry
                    .reason
                    .map_or("not given", super::RevocationReason::name)
            )));
        }
        if now.saturating_sub(skew) > crl.next_update() {
            stale.get_or_insert_with(|| {
                format!(
                    "the CRL from {} was due for renewal at {}, checked at {}",
                    excerpt(point),
                    show_time(crl.next_update()),
                    show_time(now)
                )
            });
        }
        checked = checked.saturating_add(1);
    }
    let unchecked = if let Some(detail) = stale {
        Error::CrlStale(detail)
    } else if checked == 0 {
        Error::CrlMissing(format!(
            "no CRL for {} (issued by {}; {} distribution point(s))",
            excerpt(certificate.subject()),
            excerpt(certificate.issuer()),
            certificate.crl_distribution_points().len()
        ))
    } else {
        return Ok(CrlOutcome::Good);
    };
    if policy.allow_unchecked {
        Ok(CrlOutcome::NotChecked)
    } else {
        Err(unchecked)
    }
}

/// The CRL is signed by the issuer itself or by one of the set's CRL
/// signers that the issuer certified under its own name.
fn verify_crl_signature(
    crl: &Crl,
    issuer: &Certificate,
    crls: &CrlSet,
    now: OffsetDateTime,
) -> Result<()> {
    let first = match crl.verify_signed_by(issuer) {
        Ok(()) => return Ok(()),
        Err(e) => e,
    };
    for signer in crls.signers.iter().filter(|s| {
        s.subject_raw() == issuer.subject_raw() && s.public_key() != issuer.public_key()
    }) {
        let delegated = signer
            .verify_issued_by(issuer)
            .and_then(|()| signer.check_validity_at(now))
            .and_then(|()| match signer.key_usage() {
                Some(ku) if ku.crl_sign => crl.verify_signed_by(signer),
                _ => Err(Error::CrlSignatureInvalid(format!(
                    "CRL signer {} has no keyUsage with cRLSign",
                    excerpt(signer.subject())
                ))),
            });
        if delegated.is_ok() {
            return Ok(());
        }
    }
    Err(first)
}

/// Checks every certificate of `chain` (leaf first, as in an x5chain)
/// against the CRLs: each certificate's issuer is the next certificate of
/// the chain that issued it, or else one of `anchors`; a certificate that
/// is itself one of `anchors` ends the walk (trust anchors are not revoked
/// through their own CRLs). This is the one entry point for Document Signer
/// chains (anchors: the authority's IACA certificates), reader
/// authentication chains (anchors: the trusted reader roots) and trust-list
/// operator chains (anchors: the pinned operator roots).
///
/// The outcome is [`CrlOutcome::Good`] when every certificate is, and
/// [`CrlOutcome::NotChecked`] when the policy let one pass unchecked.
/// Refused with the codes of [`check_certificate`], and with
/// `certificate_chain_invalid` when a certificate has no issuer among the
/// chain and the anchors (the caller verifies chains first; this is a
/// second line, never a replacement). An empty chain is `x5chain_missing`.
pub fn check_chain(
    chain: &[Certificate],
    anchors: &[Certificate],
    crls: &CrlSet,
    policy: &CrlPolicy,
    now: OffsetDateTime,
    clock_skew: Duration,
) -> Result<CrlOutcome> {
    if chain.is_empty() {
        return Err(Error::X5ChainMissing);
    }
    let mut outcome = CrlOutcome::Good;
    for (at, certificate) in chain.iter().enumerate() {
        if anchors.contains(certificate) {
            break;
        }
        let later = chain.get(at.saturating_add(1)..).unwrap_or_default();
        let issuer = later
            .iter()
            .chain(anchors)
            .find(|issuer| certificate.verify_issued_by(issuer).is_ok())
            .ok_or_else(|| {
                Error::CertificateChainInvalid(format!(
                    "no certificate of the chain or trust anchor issued {}",
                    excerpt(certificate.subject())
                ))
            })?;
        if check_certificate(certificate, issuer, crls, policy, now, clock_skew)?
            == CrlOutcome::NotChecked
        {
            outcome = CrlOutcome::NotChecked;
        }
        if anchors.contains(issuer) {
            break;
        }
    }
    Ok(outcome)
}
