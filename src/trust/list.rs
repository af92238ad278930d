//! The project's signed national trust list: format, building, signing and
//! verifying.
//!
//! Each country's trust-list operator publishes a list of its own issuing
//! authorities, signed as COSE_Sign1 by the operator's signing key. Apps of
//! other countries pin the operator's root per country (see
//! [`crate::trust::TrustStore`]) and learn from the list which authorities to
//! believe, for which doc types, and for how long.
//!
//! # Format
//!
//! ```cddl
//! SignedTrustList = COSE_Sign1       ; tagged (18) or not; payload attached
//! ; protected:   { 1: alg,           ; EdDSA (-8), ES256 (-7) or ES384 (-35)
//! ;                16: "application/docbridge-trust-list+cbor" }   ; typ, RFC 9596
//! ; unprotected: { 33: bstr / [+ bstr] }   ; x5chain: signer first (RFC 9360)
//! ; payload:     bstr .cbor TrustList
//!
//! TrustList = {
//!   "version": 1,
//!   "operatorCountry": CountryCode,  ; the country whose operator signs
//!   "sequence": uint,                ; grows with every new edition
//!   "issued": tdate,
//!   "nextUpdate": tdate,             ; after issued
//!   "authorities": [* Authority],
//! }
//!
//! Authority = {
//!   "id": tstr,                      ; "<operatorCountry>:<name>", unique in the list
//!   "country": CountryCode,          ; = operatorCountry
//!   "name": tstr,
//!   "docTypes": [+ tstr],            ; no repeats
//!   "iacaCertificates": [+ bstr],    ; DER IACA root certificates, CA, of that country
//!   ? "validFrom": tdate,
//!   ? "validUntil": tdate,           ; not before validFrom
//! }
//!
//! CountryCode = tstr .regexp "[A-Z]{2}"   ; ISO 3166-1 alpha-2
//! ```
//!
//! Maps hold exactly these keys: an unknown key is refused, so a later
//! version that adds meaning must raise `version`, and no reader ever
//! ignores a rule it does not know.
//!
//! # Rules, and why
//!
//! | rule | code | why |
//! |---|---|---|
//! | protected `typ` is the trust-list type | `trust_list_wrong_type` | an MSO, a status list or any other object signed by a key that happens to be trusted can never be taken for a trust list |
//! | the signer chains to a root pinned for `operatorCountry` | `trust_list_untrusted_operator` | only that country's operator speaks for that country; the signing certificate carries no EKU (no OID fits the format), so the pin is the scope |
//! | the signer's countryName is `operatorCountry` | `country_mismatch` | a Polish signing certificate under a root mistakenly pinned for UA still cannot sign for UA |
//! | the signer is an end entity with digitalSignature | `certificate_profile` | IACA or operator CA keys never sign lists directly |
//! | every authority (its `country`, its `id` prefix, its IACA countryName) is of `operatorCountry` | `trust_list_foreign_authority` | Poland's operator cannot vouch for a Ukrainian authority, nor squat a Ukrainian id |
//! | authority ids and IACA certificates are unique in a list | `trust_list_duplicate_authority` | one IACA under two entries would make the doc-type scope ambiguous |
//! | every authority has an IACA certificate | `trust_list_empty_certificates` | an entry that can vouch for nothing is an operator error to surface, not to ignore |
//! | every IACA certificate is a CA (and fits the IACA profile) | `trust_list_not_ca`, `certificate_profile` | a Document Signer listed as a root would let one leaked DS key mint new signers |
//! | shape, version, `nextUpdate` after `issued`, `validUntil` not before `validFrom` | `trust_list_malformed` | |
//! | a lower `sequence` than the one held | `trust_list_rollback` | an attacker replaying last year's list cannot restore a removed authority |
//! | the held `sequence` with other content | `trust_list_sequence_reused` | two different lists under one sequence mean equivocation or a compromised key |
//! | past `nextUpdate` plus the grace period | `trust_list_stale` | an attacker who blocks updates cannot keep a removed authority trusted forever |
//!
//! The last three are the store's rules ([`crate::trust::TrustStore`]); the
//! others hold for every list, whether built here ([`TrustList::new`]) or
//! received ([`SignedTrustList::verify`]).

use std::collections::{BTreeSet, HashSet};

use ciborium::value::Value;
use time::{OffsetDateTime, UtcOffset};

use crate::cbor;
use crate::cose::{self, Sign1, Sign1Options, Signer};
use crate::country::is_alpha2;
use crate::error::{Error, Result, excerpt};
use crate::trust::IssuingAuthority;
use crate::x509::{self, Certificate};

/// The protected `typ` header value of a signed trust list.
pub const TRUST_LIST_TYPE: &str = "application/docbridge-trust-list+cbor";
/// The format version this crate reads and writes.
pub const TRUST_LIST_VERSION: u64 = 1;
/// Most certificates accepted in a list's x5chain (signer, intermediates,
/// possibly the root): keeps chain building cheap on hostile input.
pub const MAX_CHAIN_LENGTH: usize = 5;

// ----- Provenance -----

/// The kind of signed list that vouched for an authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListFormat {
    /// The project's national trust list (this module).
    TrustList,
    /// An ISO/IEC 18013-5 VICAL ([`crate::trust::vical`]).
    Vical,
}

impl ListFormat {
    /// The stable name used in JSON: `trust_list` or `vical`.
    pub fn name(self) -> &'static str {
        match self {
            ListFormat::TrustList => "trust_list",
            ListFormat::Vical => "vical",
        }
    }
}

/// Which signed list vouched for an authority: reported by
/// [`crate::VerifiedDocument::trust_source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSource {
    format: ListFormat,
    operator: String,
    sequence: u64,
    issued: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    stale_after: Option<OffsetDateTime>,
}

impl ListSource {
    /// A source: `operator` is the operator's country for a trust list, the
    /// `vicalProvider` for a VICAL; `sequence` is the list's sequence or
    /// `vicalIssueID`. Staleness is enforced from `next_update` until
    /// [`ListSource::with_stale_after`] says otherwise.
    pub fn new(
        format: ListFormat,
        operator: impl Into<String>,
        sequence: u64,
        issued: OffsetDateTime,
        next_update: Option<OffsetDateTime>,
    ) -> ListSource {
        ListSource {
            format,
            operator: operator.into(),
            sequence,
            issued,
            next_update,
            stale_after: next_update,
        }
    }

    /// Sets the time after which the list counts as stale (`None`: never,
    /// as when the store allows stale lists).
    pub fn with_stale_after(mut self, stale_after: Option<OffsetDateTime>) -> ListSource {
        self.stale_after = stale_after;
        self
    }

    /// The kind of list.
    pub fn format(&self) -> ListFormat {
        self.format
    }

    /// The operator's country (trust list) or the VICAL provider.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// The operator's country, for a trust list; `None` for a VICAL.
    pub fn operator_country(&self) -> Option<&str> {
        match self.format {
            ListFormat::TrustList => Some(&self.operator),
            ListFormat::Vical => None,
        }
    }

    /// The list's sequence (`vicalIssueID` for a VICAL).
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// When the list was issued.
    pub fn issued(&self) -> OffsetDateTime {
        self.issued
    }

    /// The list's nextUpdate, if it has one.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }

    /// The time after which the list is stale (nextUpdate plus the grace
    /// period), or `None` when staleness is not enforced.
    pub fn stale_after(&self) -> Option<OffsetDateTime> {
        self.stale_after
    }

    /// Refuses with `trust_list_stale` when `now` is after
    /// [`ListSource::stale_after`].
    pub fn check_fresh(&self, now: OffsetDateTime) -> Result<()> {
        match self.stale_after {
            Some(limit) if now > limit => Err(Error::TrustListStale(format!(
                "{} of {} (sequence {}) is stale since {}, checked at {}",
                self.kind_name(),
                self.operator,
                self.sequence,
                show_time(limit),
                show_time(now)
            ))),
            _ => Ok(()),
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.format {
            ListFormat::TrustList => "the trust list",
            ListFormat::Vical => "the VICAL",
        }
    }
}

// ----- The list -----

/// A national trust list: the issuing authorities of one country, as its
/// operator publishes them. Holding one means the rules of the [module
/// documentation](self) that concern content all hold; it is not yet
/// signed or verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustList {
    operator_country: String,
    sequence: u64,
    issued: OffsetDateTime,
    next_update: OffsetDateTime,
    authorities: Vec<IssuingAuthority>,
}

impl TrustList {
    /// Builds a list (the operator side). Times are kept in UTC, whole
    /// seconds, as they are encoded.
    ///
    /// Refused with the codes of the receiving side, so an operator cannot
    /// publish what apps would refuse: `trust_list_foreign_authority`,
    /// `trust_list_duplicate_authority`, `trust_list_not_ca`,
    /// `certificate_profile`, `trust_list_malformed` (see the [module
    /// documentation](self)).
    pub fn new(
        operator_country: &str,
        sequence: u64,
        issued: OffsetDateTime,
        next_update: OffsetDateTime,
        authorities: Vec<IssuingAuthority>,
    ) -> Result<TrustList> {
        let list = TrustList {
            operator_country: operator_country.to_string(),
            sequence,
            issued: whole_seconds(issued)?,
            next_update: whole_seconds(next_update)?,
            authorities,
        };
        list.check()?;
        Ok(list)
    }

    /// The same authorities as a new edition: `sequence` should be higher
    /// than this list's for apps to take it.
    pub fn reissue(
        &self,
        sequence: u64,
        issued: OffsetDateTime,
        next_update: OffsetDateTime,
    ) -> Result<TrustList> {
        TrustList::new(
            &self.operator_country,
            sequence,
            issued,
            next_update,
            self.authorities.clone(),
        )
    }

    /// The country whose operator publishes the list.
    pub fn operator_country(&self) -> &str {
        &self.operator_country
    }

    /// The edition's sequence number.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// When the list was issued.
    pub fn issued(&self) -> OffsetDateTime {
        self.issued
    }

    /// When the next edition is due; after it (plus a grace period) the list is stale.
    pub fn next_update(&self) -> OffsetDateTime {
        self.next_update
    }

    /// The listed authorities.
    pub fn authorities(&self) -> &[IssuingAuthority] {
        &self.authorities
    }

    fn check(&self) -> Result<()> {
        let country = self.operator_country.as_str();
        if !is_alpha2(country) {
            return Err(Error::TrustListMalformed(format!(
                "operatorCountry {country:?} is not an ISO 3166-1 alpha-2 code",
                country = excerpt(country)
            )));
        }
        if self.next_update <= self.issued {
            return Err(Error::TrustListMalformed(format!(
                "nextUpdate {} is not after issued {}",
                show_time(self.next_update),
                show_time(self.issued)
            )));
        }
        let prefix = format!("{country}:");
        let mut ids = HashSet::new();
        let mut certificates = HashSet::new();
        for authority in &self.authorities {
            let id = authority.id();
            if authority.country() != country {
                return Err(Error::TrustListForeignAuthority(format!(
                    "{country}'s list names {id:?} of {}",
                    authority.country(),
                    id = excerpt(id)
                )));
            }
            if !id.starts_with(&prefix) {
                return Err(Error::TrustListForeignAuthority(format!(
                    "{country}'s list names id {id:?}, outside its namespace {prefix:?}",
                    id = excerpt(id)
                )));
            }
            if !ids.insert(id) {
                return Err(Error::TrustListDuplicateAuthority(format!(
                    "id {id:?} appears twice",
                    id = excerpt(id)
                )));
            }
            if authority.iaca_certificates().is_empty() {
                return Err(Error::TrustListEmptyCertificates(id.to_string()));
            }
            for certificate in authority.iaca_certificates() {
                check_listed_iaca(id, country, certificate)?;
                // By the signed part: a malleated signature is the same certificate.
                if !certificates.insert(certificate.tbs()) {
                    return Err(Error::TrustListDuplicateAuthority(format!(
                        "IACA {:?} is listed twice (again under {id:?})",
                        excerpt(certificate.subject()),
                        id = excerpt(id)
                    )));
                }
            }
        }
        Ok(())
    }

    /// Encodes the list as the CBOR payload of a signed list.
    pub fn to_payload(&self) -> Result<Vec<u8>> {
        let authorities = self
            .authorities
            .iter()
            .map(authority_value)
            .collect::<Result<Vec<_>>>()?;
        let map = cbor::text_map([
            ("version", Value::from(TRUST_LIST_VERSION)),
            (
                "operatorCountry",
                Value::Text(self.operator_country.clone()),
            ),
            ("sequence", Value::from(self.sequence)),
            ("issued", cbor::tdate(self.issued)?),
            ("nextUpdate", cbor::tdate(self.next_update)?),
            ("authorities", Value::Array(authorities)),
        ]);
        cbor::encode(&map)
    }

    /// Decodes and checks a payload (bounded by [`cbor::Limits::DEFAULT`]).
    /// This checks content only: a payload on its own proves nothing about
    /// who published it (see [`SignedTrustList::verify`]).
    pub fn from_payload(bytes: &[u8]) -> Result<TrustList> {
        parse_list(&cbor::decode(bytes)?)
    }

    /// Signs the list with the operator's `signer`, whose certificate is
    /// `chain[0]` (intermediates may follow). Refused with
    /// `invalid_argument` for an empty chain, `invalid_key` when the signer
    /// is not the key of `chain[0]`, `country_mismatch` when `chain[0]` is
    /// not of the operator's country.
    pub fn sign(&self, signer: &dyn Signer, chain: &[Certificate]) -> Result<SignedTrustList> {
        sign_payload(&self.to_payload()?, &self.operator_country, signer, chain)
    }
}

/// Checks one listed IACA certificate: of the list's country, a CA, the
/// IACA profile.
fn check_listed_iaca(id: &str, country: &str, certificate: &Certificate) -> Result<()> {
    if certificate.country() != Some(country) {
        return Err(Error::TrustListForeignAuthority(format!(
            "{country}'s list gives {id:?} the IACA {:?} of country {:?}",
            excerpt(certificate.subject()),
            certificate.country(),
            id = excerpt(id)
        )));
    }
    if !certificate.is_ca() {
        return Err(Error::TrustListNotCa(format!(
            "{id:?}: {:?} is not a CA certificate",
            excerpt(certificate.subject()),
            id = excerpt(id)
        )));
    }
    x509::check_iaca_profile(certificate)
}

/// RFC 3339 text of a time, for messages.
pub(crate) fn show_time(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

fn whole_seconds(at: OffsetDateTime) -> Result<OffsetDateTime> {
    at.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| Error::InvalidArgument(e.to_string()))
}

fn authority_value(authority: &IssuingAuthority) -> Result<Value> {
    let mut entries = vec![
        ("id", Value::Text(authority.id().to_string())),
        ("country", Value::Text(authority.country().to_string())),
        ("name", Value::Text(authority.name().to_string())),
        (
            "docTypes",
            Value::Array(
                authority
                    .doc_types()
                    .iter()
                    .map(|d| Value::Text(d.clone()))
                    .collect(),
            ),
        ),
        (
            "iacaCertificates",
            Value::Array(
                authority
                    .iaca_certificates()
                    .iter()
                    .map(|c| Value::Bytes(c.der().to_vec()))
                    .collect(),
            ),
        ),
    ];
    if let Some(from) = authority.valid_from() {
        entries.push(("validFrom", cbor::tdate(from)?));
    }
    if let Some(until) = authority.valid_until() {
        entries.push(("validUntil", cbor::tdate(until)?));
    }
    Ok(cbor::text_map(entries))
}

// ----- Parsing -----

const LIST_KEYS: [&str; 6] = [
    "version",
    "operatorCountry",
    "sequence",
    "issued",
    "nextUpdate",
    "authorities",
];
const AUTHORITY_KEYS: [&str; 7] = [
    "id",
    "country",
    "name",
    "docTypes",
    "iacaCertificates",
    "validFrom",
    "validUntil",
];

fn malformed(detail: impl Into<String>) -> Error {
    Error::TrustListMalformed(detail.into())
}

/// Turns a shape error of the CBOR helpers into `trust_list_malformed`.
fn shape(error: Error) -> Error {
    match error {
        Error::InvalidStructure(d) | Error::InvalidDate(d) | Error::CborUnexpectedTag(d) => {
            malformed(d)
        }
        other => other,
    }
}

/// The map of `value`, holding only `allowed` text keys.
fn strict_map<'a>(value: &'a Value, allowed: &[&str], what: &str) -> Result<&'a [(Value, Value)]> {
    let map = cbor::as_map(value, what).map_err(shape)?;
    for (key, _) in map {
        match key {
            Value::Text(k) if allowed.contains(&k.as_str()) => {}
            Value::Text(k) => {
                return Err(malformed(format!(
                    "{what}: unknown key {k:?}",
                    k = excerpt(k)
                )));
            }
            _ => return Err(malformed(format!("{what}: a key is not text"))),
        }
    }
    Ok(map)
}

fn text<'a>(map: &'a [(Value, Value)], key: &str, what: &str) -> Result<&'a str> {
    let value = cbor::map_require(map, key, what).map_err(shape)?;
    cbor::as_text(value, &format!("{what}.{key}")).map_err(shape)
}

fn optional_tdate(map: &[(Value, Value)], key: &str, what: &str) -> Result<Option<OffsetDateTime>> {
    cbor::map_get(map, key)
        .map(|v| cbor::read_tdate(v, &format!("{what}.{key}")).map_err(shape))
        .transpose()
}

fn parse_list(value: &Value) -> Result<TrustList> {
    const WHAT: &str = "trust list";
    let map = strict_map(value, &LIST_KEYS, WHAT)?;
    let version = cbor::as_u64(
        cbor::map_require(map, "version", WHAT).map_err(shape)?,
        "version",
    )
    .map_err(shape)?;
    if version != TRUST_LIST_VERSION {
        return Err(malformed(format!(
            "version {version}; this crate reads version {TRUST_LIST_VERSION}"
        )));
    }
    let country = text(map, "operatorCountry", WHAT)?;
    if !is_alpha2(country) {
        return Err(malformed(format!(
            "operatorCountry {country:?} is not an ISO 3166-1 alpha-2 code",
            country = excerpt(country)
        )));
    }
    let sequence = cbor::as_u64(
        cbor::map_require(map, "sequence", WHAT).map_err(shape)?,
        "sequence",
    )
    .map_err(shape)?;
    let issued = optional_tdate(map, "issued", WHAT)?.ok_or_else(|| malformed("no issued"))?;
    let next_update =
        optional_tdate(map, "nextUpdate", WHAT)?.ok_or_else(|| malformed("no nextUpdate"))?;
    let entries = cbor::as_array(
        cbor::map_require(map, "authorities", WHAT).map_err(shape)?,
        "authorities",
    )
    .map_err(shape)?;
    let authorities = entries
        .iter()
        .enumerate()
        .map(|(index, entry)| parse_authority(entry, index, country))
        .collect::<Result<Vec<_>>>()?;
    TrustList::new(country, sequence, issued, next_update, authorities)
}

fn parse_authority(
    value: &Value,
    index: usize,
    operator_country: &str,
) -> Result<IssuingAuthority> {
    let what = format!("authorities[{index}]");
    let map = strict_map(value, &AUTHORITY_KEYS, &what)?;
    let id = text(map, "id", &what)?;
    let country = text(map, "country", &what)?;
    let name = text(map, "name", &what)?;
    if country != operator_country {
        return Err(Error::TrustListForeignAuthority(format!(
            "{operator_country}'s list names {id:?} of {country}",
            id = excerpt(id)
        )));
    }
    let doc_type_values = cbor::as_array(
        cbor::map_require(map, "docTypes", &what).map_err(shape)?,
        &format!("{what}.docTypes"),
    )
    .map_err(shape)?;
    let mut doc_types = BTreeSet::new();
    for doc_type in doc_type_values {
        let doc_type = cbor::as_text(doc_type, &format!("{what}.docTypes")).map_err(shape)?;
        if !doc_types.insert(doc_type.to_string()) {
            return Err(malformed(format!(
                "{what}: doc type {doc_type:?} twice",
                doc_type = excerpt(doc_type)
            )));
        }
    }
    if doc_types.is_empty() {
        return Err(malformed(format!(
            "{what} ({id:?}) may issue no doc type",
            id = excerpt(id)
        )));
    }
    let certificate_values = cbor::as_array(
        cbor::map_require(map, "iacaCertificates", &what).map_err(shape)?,
        &format!("{what}.iacaCertificates"),
    )
    .map_err(shape)?;
    if certificate_values.is_empty() {
        return Err(Error::TrustListEmptyCertificates(format!(
            "{what} ({id:?}) has no IACA certificate",
            id = excerpt(id)
        )));
    }
    let mut certificates = Vec::new();
    for value in certificate_values {
        let der = cbor::as_bytes(value, &format!("{what}.iacaCertificates")).map_err(shape)?;
        let certificate = Certificate::from_der(der)?;
        // The country rule before the others: a foreign IACA is the
        // overreach this format exists to refuse.
        check_listed_iaca(id, operator_country, &certificate)?;
        certificates.push(certificate);
    }
    let valid_from = optional_tdate(map, "validFrom", &what)?;
    let valid_until = optional_tdate(map, "validUntil", &what)?;
    let invalid = |e: Error| match e {
        Error::InvalidArgument(d) => malformed(format!("{what}: {d}")),
        other => other,
    };
    IssuingAuthority::new(id, country, name, certificates, doc_types)
        .map_err(invalid)?
        .with_validity(valid_from, valid_until)
        .map_err(invalid)
}

// ----- Signed lists -----

/// A signed trust list as received: its COSE_Sign1 parsed and its `typ`
/// checked, nothing verified yet. [`SignedTrustList::verify`] makes a
/// [`VerifiedTrustList`].
#[derive(Debug, Clone)]
pub struct SignedTrustList {
    signed: SignedPayload,
}

/// A COSE_Sign1 over an attached payload, with its x5chain read: the shape
/// trust lists and VICALs share.
#[derive(Debug, Clone)]
pub(crate) struct SignedPayload {
    pub(crate) bytes: Vec<u8>,
    pub(crate) sign1: Sign1,
    pub(crate) payload: Vec<u8>,
    pub(crate) chain: Vec<Certificate>,
}

impl SignedPayload {
    /// Keeps `bytes` (the encoding of `sign1`) with the payload and the
    /// x5chain certificates; a detached payload is `cose_malformed`, the
    /// chain's codes are [`read_chain`]'s.
    pub(crate) fn new(bytes: &[u8], sign1: Sign1, what: &str) -> Result<SignedPayload> {
        let payload = sign1
            .payload()
            .ok_or_else(|| Error::CoseMalformed(format!("{what} payload is detached")))?
            .to_vec();
        let chain = read_chain(&sign1)?;
        Ok(SignedPayload {
            bytes: bytes.to_vec(),
            sign1,
            payload,
            chain,
        })
    }
}

impl SignedTrustList {
    /// Reads a signed list. Refused: COSE and CBOR errors (see
    /// [`Sign1::from_slice`]), no or another protected `typ`
    /// (`trust_list_wrong_type`), a detached payload (`cose_malformed`), no
    /// x5chain (`x5chain_missing`), more than [`MAX_CHAIN_LENGTH`]
    /// certificates (`cose_malformed`), a certificate that does not parse
    /// (`certificate_malformed`).
    pub fn from_slice(bytes: &[u8]) -> Result<SignedTrustList> {
        let sign1 = Sign1::from_slice(bytes)?;
        let typ = sign1.protected_typ();
        match typ {
            Some(Value::Text(t)) if t == TRUST_LIST_TYPE => {}
            Some(other) => {
                return Err(Error::TrustListWrongType(format!(
                    "protected typ is {}, not {TRUST_LIST_TYPE:?}",
                    crate::error::excerpt_value(other)
                )));
            }
            None => {
                return Err(Error::TrustListWrongType(
                    "no typ in the protected header".into(),
                ));
            }
        }
        Ok(SignedTrustList {
            signed: SignedPayload::new(bytes, sign1, "trust list")?,
        })
    }

    /// The signed list's bytes, as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.signed.bytes
    }

    /// The payload bytes, as received.
    pub fn payload(&self) -> &[u8] {
        &self.signed.payload
    }

    /// The x5chain certificates, signer first.
    pub fn chain(&self) -> &[Certificate] {
        &self.signed.chain
    }

    /// The operatorCountry the payload claims, read WITHOUT verifying: only
    /// to choose which pinned root to verify against. Refused with
    /// `trust_list_malformed` when there is none or it is not two
    /// upper-case letters.
    pub fn claimed_operator_country(&self) -> Result<String> {
        let value = cbor::decode(&self.signed.payload)?;
        let map = cbor::as_map(&value, "trust list").map_err(shape)?;
        let country = text(map, "operatorCountry", "trust list")?;
        if !is_alpha2(country) {
            return Err(malformed(format!(
                "operatorCountry {country:?} is not an ISO 3166-1 alpha-2 code",
                country = excerpt(country)
            )));
        }
        Ok(country.to_string())
    }

    /// The list's content, decoded and checked WITHOUT verifying the
    /// signature: for display (`docbridge trust-list show`) only.
    pub fn inspect_unverified(&self) -> Result<TrustList> {
        TrustList::from_payload(&self.signed.payload)
    }

    /// Verifies the list at time `at` against the roots pinned for its
    /// country, in this order:
    ///
    /// 1. the x5chain reaches one of `operator_roots`
    ///    (`trust_list_untrusted_operator`; no root at all is that too), each
    ///    certificate on the way valid at `at` (`certificate_expired`,
    ///    `certificate_not_yet_valid`);
    /// 2. the signer is an end entity with digitalSignature
    ///    (`certificate_profile`);
    /// 3. the signature verifies over the payload as received
    ///    (`algorithm_key_mismatch`, `signature_invalid`);
    /// 4. the payload is a valid list (see [`TrustList::from_payload`]);
    /// 5. the signer's countryName is the list's operatorCountry
    ///    (`country_mismatch`).
    pub fn verify(
        &self,
        operator_roots: &[Certificate],
        at: OffsetDateTime,
    ) -> Result<VerifiedTrustList> {
        verify_chain(&self.signed.chain, operator_roots, at)?;
        let signer = self.signed.chain.first().ok_or(Error::X5ChainMissing)?;
        check_signer_profile(signer)?;
        self.signed.sign1.verify(signer.public_key(), b"")?;
        let list = TrustList::from_payload(&self.signed.payload)?;
        if signer.country() != Some(list.operator_country()) {
            return Err(Error::CountryMismatch(format!(
                "trust-list signer {:?} has country {:?}, the list is {}'s",
                excerpt(signer.subject()),
                signer.country(),
                list.operator_country()
            )));
        }
        Ok(VerifiedTrustList {
            signed: self.clone(),
            list,
        })
    }

    /// Signs the same payload bytes again (for example under a new signing
    /// certificate): apps holding this edition see the same content.
    /// Refused like [`TrustList::sign`], and when the payload is not a
    /// valid list.
    pub fn resign(&self, signer: &dyn Signer, chain: &[Certificate]) -> Result<SignedTrustList> {
        let list = self.inspect_unverified()?;
        sign_payload(&self.signed.payload, list.operator_country(), signer, chain)
    }
}

fn check_signer_profile(signer: &Certificate) -> Result<()> {
    if signer.is_ca() {
        return Err(Error::CertificateProfile(format!(
            "trust-list signer {:?} is a CA certificate; lists are signed by an end-entity key",
            excerpt(signer.subject())
        )));
    }
    // A key made for documents or readers must not speak for a country's
    // trust, even where an app pins an IACA as the operator root.
    let borrowed = [x509::EKU_MDL_DOCUMENT_SIGNER, x509::EKU_MDL_READER_AUTH];
    if let Some(eku) = signer
        .extended_key_usages()
        .iter()
        .find(|eku| borrowed.contains(&eku.as_str()))
    {
        return Err(Error::CertificateProfile(format!(
            "trust-list signer {:?} carries extended key usage {eku}, which is for documents or readers",
            excerpt(signer.subject())
        )));
    }
    match signer.key_usage() {
        Some(usage) if usage.digital_signature => Ok(()),
        _ => Err(Error::CertificateProfile(format!(
            "trust-list signer {:?} lacks keyUsage digitalSignature",
            excerpt(signer.subject())
        ))),
    }
}

/// Reads the x5chain certificates of a signed list, at most
/// [`MAX_CHAIN_LENGTH`].
pub(crate) fn read_chain(sign1: &Sign1) -> Result<Vec<Certificate>> {
    let ders = sign1.x5chain()?;
    if ders.len() > MAX_CHAIN_LENGTH {
        return Err(Error::CoseMalformed(format!(
            "x5chain holds {} certificates, at most {MAX_CHAIN_LENGTH} are accepted",
            ders.len()
        )));
    }
    ders.iter().map(|der| Certificate::from_der(der)).collect()
}

fn sign_payload(
    payload: &[u8],
    operator_country: &str,
    signer: &dyn Signer,
    chain: &[Certificate],
) -> Result<SignedTrustList> {
    let leaf = chain
        .first()
        .ok_or_else(|| Error::InvalidArgument("the signing chain is empty".into()))?;
    if *leaf.public_key() != signer.public_key() {
        return Err(Error::InvalidKey(format!(
            "the signing key is not the key of {:?}",
            excerpt(leaf.subject())
        )));
    }
    if leaf.country() != Some(operator_country) {
        return Err(Error::CountryMismatch(format!(
            "signing certificate {:?} has country {:?}, the list is {operator_country}'s",
            excerpt(leaf.subject()),
            leaf.country()
        )));
    }
    let options = Sign1Options {
        x5chain: chain.iter().map(|c| c.der().to_vec()).collect(),
        typ: Some(TRUST_LIST_TYPE.to_string()),
        ..Sign1Options::default()
    };
    let signed = cose::sign1(signer, payload, &options)?;
    SignedTrustList::from_slice(&cbor::encode(&signed.to_value()?)?)
}

/// A trust list whose signature, operator chain and content verified.
#[derive(Debug, Clone)]
pub struct VerifiedTrustList {
    signed: SignedTrustList,
    list: TrustList,
}

impl VerifiedTrustList {
    /// The list's content.
    pub fn list(&self) -> &TrustList {
        &self.list
    }

    /// The signed list it came from.
    pub fn signed(&self) -> &SignedTrustList {
        &self.signed
    }

    /// The operator's signing certificate.
    pub fn signer(&self) -> Option<&Certificate> {
        self.signed.chain().first()
    }

    /// The list as a source of authorities (staleness from nextUpdate).
    pub fn source(&self) -> ListSource {
        ListSource::new(
            ListFormat::TrustList,
            self.list.operator_country(),
            self.list.sequence(),
            self.list.issued(),
            Some(self.list.next_update()),
        )
    }
}

// ----- Chains -----

/// Checks that `chain` (signer first) reaches one of `anchors`, each
/// certificate on the way valid at `at`.
///
/// An anchor may be a root the chain leads to (whether or not the chain
/// carries it) or the signer's own certificate (pinned directly). Each link
/// must verify ([`Certificate::verify_issued_by`]) and every issuer on the
/// way, the anchor included, must be a CA with keyUsage keyCertSign whose
/// pathLenConstraint allows the intermediate CAs below it (RFC 5280 6.1.4). A chain that reaches no anchor is
/// `trust_list_untrusted_operator`; one that does but holds a certificate
/// outside its validity is `certificate_expired` or
/// `certificate_not_yet_valid`.
pub(crate) fn verify_chain(
    chain: &[Certificate],
    anchors: &[Certificate],
    at: OffsetDateTime,
) -> Result<()> {
    let signer = chain.first().ok_or(Error::X5ChainMissing)?;
    if chain.len() > MAX_CHAIN_LENGTH {
        return Err(Error::CoseMalformed(format!(
            "x5chain holds {} certificates, at most {MAX_CHAIN_LENGTH} are accepted",
            chain.len()
        )));
    }
    let mut untrusted = None;
    for anchor in anchors {
        match path_to_anchor(chain, anchor, at) {
            Ok(()) => return Ok(()),
            Err(e @ Error::TrustListUntrustedOperator(_)) => {
                untrusted.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(untrusted.unwrap_or_else(|| {
        Error::TrustListUntrustedOperator(format!(
            "no root is pinned for the signer {:?}",
            excerpt(signer.subject())
        ))
    }))
}

fn path_to_anchor(chain: &[Certificate], anchor: &Certificate, at: OffsetDateTime) -> Result<()> {
    let untrusted = |detail: String| {
        Error::TrustListUntrustedOperator(format!(
            "{detail} (pinned root {:?})",
            excerpt(anchor.subject())
        ))
    };
    // Certificates are the same when their signed parts are: a copy of the
    // anchor with its ECDSA signature malleated is still the anchor.
    let is_anchor = |c: &Certificate| c.tbs() == anchor.tbs();
    let mut rest = chain.iter();
    let mut current = rest.next().ok_or(Error::X5ChainMissing)?;
    let mut path = Vec::new();
    // Intermediate CA certificates below the issuer being checked, for
    // pathLenConstraint (RFC 5280 6.1.4 (l), self-issued ones not counted).
    let mut intermediates_below: u32 = 0;
    while !is_anchor(current) {
        path.push(current);
        let issuer = match rest.next() {
            Some(next) if !is_anchor(next) => next,
            _ => anchor,
        };
        current
            .verify_issued_by(issuer)
            .map_err(|e| untrusted(e.to_string()))?;
        check_issuer(issuer, intermediates_below).map_err(untrusted)?;
        if issuer.tbs() == anchor.tbs() {
            break;
        }
        if issuer.subject_raw() != issuer.issuer_raw() {
            intermediates_below = intermediates_below.saturating_add(1);
        }
        current = issuer;
    }
    for certificate in path {
        certificate.check_validity_at(at)?;
    }
    anchor.check_validity_at(at)
}

/// The RFC 5280 rules for a certificate that issues another one in a path
/// (6.1.4 (k), (m), (n)): a CA, with keyUsage keyCertSign, whose
/// pathLenConstraint allows the intermediate CAs below it. The pinned root
/// is held to them too: a `pathlen:0` operator root has no sub-CA.
fn check_issuer(issuer: &Certificate, intermediates_below: u32) -> std::result::Result<(), String> {
    let name = excerpt(issuer.subject());
    if !issuer.is_ca() {
        return Err(format!("{name} issues certificates but is not a CA"));
    }
    if !issuer.key_usage().is_some_and(|ku| ku.key_cert_sign) {
        return Err(format!(
            "{name} issues certificates without keyUsage keyCertSign"
        ));
    }
    match issuer.path_len_constraint() {
        Some(limit) if intermediates_below > limit => Err(format!(
            "{name} allows {limit} intermediate CA certificates below it (pathLenConstraint), the path has {intermediates_below}"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cose::{Algorithm, SoftwareKey};
    use crate::x509::{CertificateProfile, CertificateSpec, create_issued, create_self_signed};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2027-01-01 0:00 UTC);

    fn spec(name: &str, serial: u64) -> CertificateSpec {
        CertificateSpec {
            common_name: name.into(),
            country: "UA".into(),
            organization: None,
            serial,
            not_before: datetime!(2026-01-01 0:00 UTC),
            not_after: datetime!(2028-01-01 0:00 UTC),
        }
    }

    /// Root -> intermediate -> signer, and a signer's would-be child.
    fn chain() -> [Certificate; 4] {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let keys: Vec<SoftwareKey> = (0..4)
            .map(|_| SoftwareKey::generate(Algorithm::EdDsa, &mut rng))
            .collect();
        let root =
            create_self_signed(&spec("root", 1), CertificateProfile::Iaca, &keys[0]).unwrap();
        let intermediate = create_issued(
            &spec("intermediate", 2),
            CertificateProfile::Iaca,
            &keys[1].public_key(),
            &root,
            &keys[0],
        )
        .unwrap();
        let signer = create_issued(
            &spec("signer", 3),
            CertificateProfile::TrustListSigner,
            &keys[2].public_key(),
            &intermediate,
            &keys[1],
        )
        .unwrap();
        let child = create_issued(
            &spec("child", 4),
            CertificateProfile::TrustListSigner,
            &keys[3].public_key(),
            &signer,
            &keys[2],
        )
        .unwrap();
        [root, intermediate, signer, child]
    }

    fn code(result: Result<()>) -> &'static str {
        result.map_or_else(|e| e.code(), |()| "ok")
    }

    #[test]
    fn chains_reach_their_anchor_or_are_untrusted() {
        let [root, intermediate, signer, child] = chain();
        let check = |path: &[&Certificate], anchor: &Certificate, at| {
            let path: Vec<Certificate> = path.iter().map(|c| (*c).clone()).collect();
            code(verify_chain(&path, std::slice::from_ref(anchor), at))
        };
        // The IACA profile has pathLenConstraint 0: the root may issue the
        // intermediate, which may issue the signer, but no path may hold an
        // intermediate CA below the root (tests/certificate_paths.rs has
        // the paths a larger limit allows).
        assert_eq!(
            check(&[&signer, &intermediate], &root, AT),
            "trust_list_untrusted_operator"
        );
        assert_eq!(
            check(&[&signer, &intermediate, &root], &root, AT),
            "trust_list_untrusted_operator"
        );
        assert_eq!(check(&[&signer], &intermediate, AT), "ok");
        assert_eq!(check(&[&signer], &signer, AT), "ok");
        assert_eq!(
            check(&[&signer], &root, AT),
            "trust_list_untrusted_operator"
        );
        assert_eq!(
            check(&[&intermediate, &signer], &root, AT),
            "trust_list_untrusted_operator"
        );
        // An end entity cannot issue, whether in the chain or pinned.
        assert_eq!(
            check(&[&child, &signer, &intermediate], &root, AT),
            "trust_list_untrusted_operator"
        );
        assert_eq!(
            check(&[&child], &signer, AT),
            "trust_list_untrusted_operator"
        );
        assert_eq!(
            check(&[&signer], &intermediate, datetime!(2029-01-01 0:00 UTC)),
            "certificate_expired"
        );
        assert_eq!(
            check(&[&signer], &intermediate, datetime!(2025-01-01 0:00 UTC)),
            "certificate_not_yet_valid"
        );
        let long = vec![signer.clone(); MAX_CHAIN_LENGTH + 1];
        assert_eq!(
            code(verify_chain(&long, std::slice::from_ref(&root), AT)),
            "cose_malformed"
        );
        assert_eq!(
            code(verify_chain(&[], std::slice::from_ref(&root), AT)),
            "x5chain_missing"
        );
        assert_eq!(
            code(verify_chain(std::slice::from_ref(&signer), &[], AT)),
            "trust_list_untrusted_operator"
        );
        // Any of several pinned roots will do (key rollover).
        assert_eq!(
            code(verify_chain(
                std::slice::from_ref(&signer),
                &[child, intermediate],
                AT
            )),
            "ok"
        );
    }

    #[test]
    fn stale_after_is_inclusive_and_optional() {
        let next = datetime!(2026-12-01 0:00 UTC);
        let source = ListSource::new(ListFormat::TrustList, "UA", 3, AT, Some(next));
        assert_eq!(code(source.check_fresh(next)), "ok");
        assert_eq!(
            code(source.check_fresh(next + time::Duration::SECOND)),
            "trust_list_stale"
        );
        let lenient = source.with_stale_after(None);
        assert_eq!(
            code(lenient.check_fresh(datetime!(2040-01-01 0:00 UTC))),
            "ok"
        );
        assert_eq!(lenient.operator_country(), Some("UA"));
        let vical = ListSource::new(ListFormat::Vical, "AAMVA", 1, AT, None);
        assert_eq!(vical.operator_country(), None);
    }
}
