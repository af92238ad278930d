//! Issuing authorities and the indexed set a verifier trusts.

use std::collections::{BTreeSet, HashMap};

use time::OffsetDateTime;

use crate::error::{Error, Result, excerpt};
use crate::trust::list::{ListSource, show_time};
use crate::x509::Certificate;

/// An issuing authority: a country's body that issues documents, with its
/// IACA root certificate(s) and the document types it may issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuingAuthority {
    id: String,
    country: String,
    name: String,
    iaca_certificates: Vec<Certificate>,
    doc_types: BTreeSet<String>,
    valid_from: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
    source: Option<ListSource>,
}

impl IssuingAuthority {
    /// Creates an authority.
    ///
    /// `country` is an ISO 3166-1 alpha-2 code. Refused with
    /// `invalid_argument`: an empty id or name, a country that is not two
    /// upper-case letters, no IACA certificate, no doc type. Refused with
    /// `country_mismatch`: an IACA certificate whose countryName differs from
    /// `country`.
    pub fn new(
        id: impl Into<String>,
        country: impl Into<String>,
        name: impl Into<String>,
        iaca_certificates: Vec<Certificate>,
        doc_types: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<IssuingAuthority> {
        let id = id.into();
        let country = country.into();
        let name = name.into();
        let doc_types: BTreeSet<String> = doc_types.into_iter().map(Into::into).collect();
        if id.is_empty() || name.is_empty() {
            return Err(Error::InvalidArgument(
                "an authority needs a non-empty id and name".into(),
            ));
        }
        if !crate::country::is_alpha2(&country) {
            return Err(Error::InvalidArgument(format!(
                "country {country:?} is not an ISO 3166-1 alpha-2 code",
                country = excerpt(&country)
            )));
        }
        if iaca_certificates.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "authority {id:?} has no IACA certificate",
                id = excerpt(&id)
            )));
        }
        if doc_types.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "authority {id:?} may issue no doc type",
                id = excerpt(&id)
            )));
        }
        for cert in &iaca_certificates {
            if cert.country() != Some(country.as_str()) {
                return Err(Error::CountryMismatch(format!(
                    "IACA {:?} has country {:?}, authority {id:?} is {country}",
                    excerpt(cert.subject()),
                    cert.country(),
                    id = excerpt(&id)
                )));
            }
        }
        Ok(IssuingAuthority {
            id,
            country,
            name,
            iaca_certificates,
            doc_types,
            valid_from: None,
            valid_until: None,
            source: None,
        })
    }

    /// The name of an authority whose trust source gives none (an IACA
    /// certificate configured by hand, a VICAL entry without
    /// `issuingAuthority`): the IACA certificate's organizationName, else
    /// its commonName, else its whole subject. A trust list or a VICAL
    /// naming the authority gives that name instead, so that one authority
    /// is called the same whichever source vouched for it.
    pub fn name_from_certificate(iaca: &Certificate) -> String {
        iaca.organization()
            .filter(|name| !name.is_empty())
            .or_else(|| iaca.common_name().filter(|name| !name.is_empty()))
            .unwrap_or_else(|| iaca.subject().to_string())
    }

    /// Limits the authority to `[valid_from, valid_until]` (either end may be
    /// open), as a trust list may; [`crate::Verifier`] refuses documents
    /// outside it (`authority_not_yet_valid`, `authority_expired`).
    ///
    /// Refused with `invalid_argument` when `valid_until` is before
    /// `valid_from`.
    pub fn with_validity(
        mut self,
        valid_from: Option<OffsetDateTime>,
        valid_until: Option<OffsetDateTime>,
    ) -> Result<IssuingAuthority> {
        if let (Some(from), Some(until)) = (valid_from, valid_until)
            && until < from
        {
            return Err(Error::InvalidArgument(format!(
                "authority {:?}: validUntil {} is before validFrom {}",
                self.id,
                show_time(until),
                show_time(from)
            )));
        }
        self.valid_from = valid_from;
        self.valid_until = valid_until;
        Ok(self)
    }

    /// Records which signed list vouched for the authority.
    pub fn with_source(mut self, source: ListSource) -> IssuingAuthority {
        self.source = Some(source);
        self
    }

    /// A stable identifier of the authority (unique within a trust set).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The ISO 3166-1 alpha-2 country code.
    pub fn country(&self) -> &str {
        &self.country
    }

    /// The authority's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The IACA root certificates.
    pub fn iaca_certificates(&self) -> &[Certificate] {
        &self.iaca_certificates
    }

    /// The doc types the authority may issue.
    pub fn doc_types(&self) -> &BTreeSet<String> {
        &self.doc_types
    }

    /// Whether the authority may issue `doc_type`.
    pub fn may_issue(&self, doc_type: &str) -> bool {
        self.doc_types.contains(doc_type)
    }

    /// Start of the authority's listed validity, if limited.
    pub fn valid_from(&self) -> Option<OffsetDateTime> {
        self.valid_from
    }

    /// End of the authority's listed validity, if limited.
    pub fn valid_until(&self) -> Option<OffsetDateTime> {
        self.valid_until
    }

    /// The signed list that vouched for the authority; `None` for an
    /// authority configured by hand.
    pub fn source(&self) -> Option<&ListSource> {
        self.source.as_ref()
    }

    /// Checks that `now` lies inside the listed validity, both ends
    /// included: `authority_not_yet_valid` before it, `authority_expired`
    /// after it.
    pub fn check_valid_at(&self, now: OffsetDateTime) -> Result<()> {
        if let Some(from) = self.valid_from
            && now < from
        {
            return Err(Error::AuthorityNotYetValid(format!(
                "{} is listed as valid from {}, checked at {}",
                self.id,
                show_time(from),
                show_time(now)
            )));
        }
        if let Some(until) = self.valid_until
            && now > until
        {
            return Err(Error::AuthorityExpired(format!(
                "{} was listed as valid until {}, checked at {}",
                self.id,
                show_time(until),
                show_time(now)
            )));
        }
        Ok(())
    }
}

/// The issuing authorities a verifier trusts, indexed by IACA subject name so
/// that finding the IACA of a Document Signer is a hash lookup, not a scan.
#[derive(Debug, Clone, Default)]
pub struct TrustedAuthorities {
    authorities: Vec<IssuingAuthority>,
    by_subject: HashMap<Vec<u8>, Vec<(usize, usize)>>,
    by_id: HashMap<String, usize>,
}

impl TrustedAuthorities {
    /// An empty set.
    pub fn new() -> TrustedAuthorities {
        TrustedAuthorities::default()
    }

    /// Adds an authority. Refused with `invalid_argument` when an authority
    /// with the same id is already present.
    pub fn add(&mut self, authority: IssuingAuthority) -> Result<()> {
        if self.by_id.contains_key(&authority.id) {
            return Err(Error::InvalidArgument(format!(
                "duplicate authority id {:?}",
                authority.id
            )));
        }
        let index = self.authorities.len();
        self.by_id.insert(authority.id.clone(), index);
        for (cert_index, cert) in authority.iaca_certificates.iter().enumerate() {
            self.by_subject
                .entry(cert.subject_raw().to_vec())
                .or_default()
                .push((index, cert_index));
        }
        self.authorities.push(authority);
        Ok(())
    }

    /// Builds a set from authorities, refusing duplicate ids.
    pub fn from_authorities(
        authorities: impl IntoIterator<Item = IssuingAuthority>,
    ) -> Result<TrustedAuthorities> {
        let mut set = TrustedAuthorities::new();
        for authority in authorities {
            set.add(authority)?;
        }
        Ok(set)
    }

    /// All authorities, in the order added.
    pub fn authorities(&self) -> &[IssuingAuthority] {
        &self.authorities
    }

    /// The authority with `id`, if present.
    pub fn get(&self, id: &str) -> Option<&IssuingAuthority> {
        self.by_id.get(id).and_then(|i| self.authorities.get(*i))
    }

    /// The (authority, IACA certificate) pairs whose IACA subject equals the
    /// issuer name of `certificate`: the candidates that may have signed it.
    pub fn candidates_for<'a>(
        &'a self,
        certificate: &Certificate,
    ) -> impl Iterator<Item = (&'a IssuingAuthority, &'a Certificate)> + 'a {
        self.indexed_candidates_for(certificate)
            .map(|(_, authority, iaca)| (authority, iaca))
    }

    /// [`TrustedAuthorities::candidates_for`], each with its place (authority
    /// index, IACA index), which stays the same as long as the set does: the
    /// verifier's certificate cache names candidates by it.
    pub(crate) fn indexed_candidates_for<'a>(
        &'a self,
        certificate: &Certificate,
    ) -> impl Iterator<Item = ((usize, usize), &'a IssuingAuthority, &'a Certificate)> + 'a {
        self.by_subject
            .get(certificate.issuer_raw())
            .map(|v| v.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|(a, c)| {
                let authority = self.authorities.get(*a)?;
                Some(((*a, *c), authority, authority.iaca_certificates.get(*c)?))
            })
    }
}
