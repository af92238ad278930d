//! Revocation beyond status lists: the Document Signer certificate checked
//! against its IACA's CRL (kind `issuer_signed`, the verifier given
//! `crlPolicy` and `crls`), and identifier lists of ISO/IEC 18013-5 second
//! edition (kind `status`, input `identifierListToken`).

use ciborium::value::Value;
use serde_json::Value as Json;
use time::Duration;

use super::fixtures::{Fixtures, MDL, NOW, issue, small_elements, validity};
use super::{Builder, generator_error};
use crate::format::{
    Case, CrlEntry, CrlPolicySpec, Expected, Input, Kind, StatusPolicySpec, VerifierConfig,
};
use crate::runner::document_outcome;
use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::documents::json::elements_to_json;
use docbridge::error::Result;
use docbridge::issuer::IssueOptions;
use docbridge::status::identifier_list::CLAIM_IDENTIFIER_LIST;
use docbridge::status::token::{CLAIM_EXP, CLAIM_IAT, CLAIM_SUB};
use docbridge::status::{
    IDENTIFIER_LIST_CWT_TYP, IdentifierList, IdentifierListReference, IdentifierListToken,
    ManagedStatusList, StatusBits,
};
use docbridge::trust::demo::DemoAuthority;
use docbridge::x509::crl::{CrlSpec, RevocationReason, create_crl};

/// The URI of the demo identifier list.
const IDS_URI: &str = "https://status.diia.example/identifiers/3";

/// Adds every CRL and identifier-list case.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    crl_cases(b, fx)?;
    identifier_list_cases(b, fx)
}

/// A CRL of `by`'s IACA, valid from `from` for `days`, listing `revoked`.
fn crl(
    by: &DemoAuthority,
    from: time::OffsetDateTime,
    until: time::OffsetDateTime,
    revoked: Option<&[u8]>,
    point: Option<&str>,
) -> Result<Vec<u8>> {
    let mut spec = CrlSpec::new(1, from, until);
    spec.issuing_distribution_point = point.map(str::to_string);
    if let Some(serial) = revoked {
        spec.revoke(serial, from, Some(RevocationReason::KeyCompromise));
    }
    Ok(create_crl(&spec, &by.iaca_certificate, None, &by.iaca_key)?
        .der()
        .to_vec())
}

/// `bytes` with the one occurrence of `from` replaced by `to` (same length).
fn patched(mut bytes: Vec<u8>, from: &[u8], to: &[u8]) -> Result<Vec<u8>> {
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .ok_or_else(|| generator_error("pattern to patch not found"))?;
    bytes
        .get_mut(at..at + to.len())
        .ok_or_else(|| generator_error("patch out of range"))?
        .copy_from_slice(to);
    Ok(bytes)
}

#[allow(clippy::too_many_arguments)]
fn case(
    b: &mut Builder<'_>,
    kind: Kind,
    id: &str,
    description: &str,
    verifier: VerifierConfig,
    crls: Vec<(&str, Vec<u8>)>,
    document: Vec<u8>,
    status_token: Option<Vec<u8>>,
    identifier_list_token: Option<Vec<u8>>,
    expected: Expected,
) -> Result<()> {
    let mut verifier = verifier;
    for (i, (point, bytes)) in crls.into_iter().enumerate() {
        verifier.crls.push(CrlEntry {
            distribution_point: point.to_string(),
            crl: b.case_file(id, &format!("crl-{}.der", i + 1), bytes)?,
        });
    }
    let document = b.case_file(id, "document.cbor", document)?;
    let status_token = status_token
        .map(|t| b.case_file(id, "status-token.cwt", t))
        .transpose()?;
    let identifier_list_token = identifier_list_token
        .map(|t| b.case_file(id, "identifier-list.cwt", t))
        .transpose()?;
    b.add(Case {
        id: id.to_string(),
        description: description.to_string(),
        kind,
        now: NOW,
        input: Input::Document {
            verifier,
            document,
            status_token,
            identifier_list_token,
        },
        expected,
        derived_from: None,
    })
}

fn crl_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let pl = &fx.pl()?.demo;
    let small = small_elements("UA");
    let day = Duration::DAY;
    let document = issue(
        b,
        ua,
        MDL,
        &small,
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        2101,
    )?
    .to_vec()?;
    let strict = VerifierConfig {
        crl_policy: Some(CrlPolicySpec {
            allow_unchecked: false,
        }),
        ..VerifierConfig::trusting(vec![fx.ua()?.trusted.clone()])
    };
    let lenient = VerifierConfig {
        crl_policy: Some(CrlPolicySpec {
            allow_unchecked: true,
        }),
        ..strict.clone()
    };
    let valid = |revocation: &str| {
        let mut members = document_outcome(MDL, "UA", "not_referenced", elements_to_json(&small));
        members.insert("certificateRevocation".into(), Json::from(revocation));
        Expected::Valid(members)
    };
    let serial = ua.ds_certificate.serial().to_vec();
    // Where the demo IACA publishes its CRL: the one point its Document
    // Signer certificate names.
    let crl_point = ua
        .ds_certificate
        .crl_distribution_points()
        .first()
        .cloned()
        .ok_or_else(|| generator_error("the demo Document Signer names no CRL point"))?;
    let crl_point = crl_point.as_str();
    let current = crl(ua, NOW - day, NOW + 7 * day, None, None)?;
    let listing = crl(ua, NOW - day, NOW + 7 * day, Some(&serial), None)?;
    let stale = crl(ua, NOW - 30 * day, NOW - day, None, None)?;

    let mut add = |id: &str,
                   description: &str,
                   verifier: &VerifierConfig,
                   crls: Vec<(&str, Vec<u8>)>,
                   expected: Expected| {
        case(
            b,
            Kind::IssuerSigned,
            id,
            description,
            verifier.clone(),
            crls,
            document.clone(),
            None,
            None,
            expected,
        )
    };
    add(
        "crl-good",
        "The verifier checks CRLs and fails closed; the IACA's current CRL (issued a day ago, \
         next update in a week) does not list the Document Signer.",
        &strict,
        vec![(crl_point, current.clone())],
        valid("good"),
    )?;
    add(
        "crl-certificate-revoked",
        "The IACA's current CRL lists the Document Signer's serial number (keyCompromise): \
         every document it signed is refused.",
        &strict,
        vec![(crl_point, listing.clone())],
        Expected::error("certificate_revoked"),
    )?;
    add(
        "crl-revoked-under-lenient-policy",
        "The CRL policy lets unchecked certificates pass, but a CRL that lists the Document \
         Signer refuses it all the same, even a stale one.",
        &lenient,
        vec![(
            crl_point,
            crl(ua, NOW - 30 * day, NOW - day, Some(&serial), None)?,
        )],
        Expected::error("certificate_revoked"),
    )?;
    add(
        "crl-stale",
        "The IACA's CRL was due for renewal a day ago (nextUpdate passed); the policy fails \
         closed.",
        &strict,
        vec![(crl_point, stale.clone())],
        Expected::error("crl_stale"),
    )?;
    add(
        "crl-stale-allowed-by-policy",
        "The same stale CRL, and a policy that lets unchecked certificates pass (an offline \
         phone): valid, certificateRevocation \"not_checked\".",
        &lenient,
        vec![(crl_point, stale)],
        valid("not_checked"),
    )?;
    add(
        "crl-missing",
        "The verifier checks CRLs and none is given; the policy fails closed.",
        &strict,
        vec![],
        Expected::error("crl_missing"),
    )?;
    add(
        "crl-missing-allowed-by-policy",
        "No CRL is given and the policy lets unchecked certificates pass: valid, \
         certificateRevocation \"not_checked\".",
        &lenient,
        vec![],
        valid("not_checked"),
    )?;
    add(
        "crl-of-another-authority",
        "Only the Polish IACA's CRL is given: it does not speak for a Ukrainian Document \
         Signer (its issuer is another authority), so the Ukrainian CRL is missing.",
        &strict,
        vec![(
            "https://pki.mobywatel.example/iaca.crl",
            crl(pl, NOW - day, NOW + 7 * day, None, None)?,
        )],
        Expected::error("crl_missing"),
    )?;
    add(
        "crl-for-another-distribution-point",
        &format!(
            "The IACA's CRL names https://pki.diia.example/other.crl as its issuing \
             distribution point but was fetched from {crl_point}: a CRL for another partition \
             is refused."
        ),
        &strict,
        vec![(
            crl_point,
            crl(
                ua,
                NOW - day,
                NOW + 7 * day,
                None,
                Some("https://pki.diia.example/other.crl"),
            )?,
        )],
        Expected::error("crl_wrong_issuer"),
    )?;
    let mut flipped = current.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 0x01;
    }
    add(
        "crl-signature-invalid",
        "The IACA's CRL with the last bit of its signature flipped.",
        &strict,
        vec![(crl_point, flipped)],
        Expected::error("crl_signature_invalid"),
    )?;
    add(
        "crl-not-yet-valid",
        "The IACA's CRL has thisUpdate an hour after now.",
        &strict,
        vec![(
            crl_point,
            crl(ua, NOW + Duration::HOUR, NOW + 7 * day, None, None)?,
        )],
        Expected::error("crl_not_yet_valid"),
    )?;
    add(
        "crl-malformed",
        "The bytes given as the CRL are not a DER CertificateList.",
        &strict,
        vec![(crl_point, b"not a certificate revocation list".to_vec())],
        Expected::error("crl_malformed"),
    )?;
    // cRLNumber (2.5.29.20) renamed deltaCRLIndicator (2.5.29.27): read as a
    // delta CRL, refused before its (now broken) signature is looked at.
    add(
        "crl-delta-unsupported",
        "A delta CRL (deltaCRLIndicator): the crate checks complete CRLs only.",
        &strict,
        vec![(
            crl_point,
            patched(
                current.clone(),
                &[0x06, 0x03, 0x55, 0x1d, 0x14],
                &[0x06, 0x03, 0x55, 0x1d, 0x1b],
            )?,
        )],
        Expected::error("crl_delta_unsupported"),
    )?;
    // The critical issuingDistributionPoint (2.5.29.28) renamed 2.5.29.99,
    // an extension no one knows, still critical.
    add(
        "crl-unknown-critical-extension",
        "The IACA's CRL carries a critical extension (2.5.29.99) the crate does not \
         understand (RFC 5280 5.2: such a CRL must not be used).",
        &strict,
        vec![(
            crl_point,
            patched(
                crl(ua, NOW - day, NOW + 7 * day, None, Some(crl_point))?,
                &[0x06, 0x03, 0x55, 0x1d, 0x1c],
                &[0x06, 0x03, 0x55, 0x1d, 0x63],
            )?,
        )],
        Expected::error("crl_unknown_critical_extension"),
    )?;
    b.derived_all(
        "crl-good",
        &[
            (
                "crl-certificate-revoked",
                "the CRL lists the Document Signer's serial number (keyCompromise)",
            ),
            ("crl-missing", "no CRL given"),
            (
                "crl-of-another-authority",
                "the Polish IACA's current CRL given instead, from its own distribution point",
            ),
            (
                "crl-for-another-distribution-point",
                "the CRL carries an issuingDistributionPoint naming \
                 https://pki.diia.example/other.crl",
            ),
            (
                "crl-signature-invalid",
                "the last bit of the CRL's signature flipped",
            ),
            (
                "crl-not-yet-valid",
                "the CRL's thisUpdate an hour after now",
            ),
            (
                "crl-malformed",
                "the CRL's bytes replaced by a text that is not DER",
            ),
            (
                "crl-delta-unsupported",
                "the CRL's cRLNumber extension (2.5.29.20) renamed deltaCRLIndicator \
                 (2.5.29.27)",
            ),
            (
                "crl-unknown-critical-extension",
                "a critical extension the crate does not know (2.5.29.99, the bytes of an \
                 issuingDistributionPoint naming the CRL's own point) added to the CRL",
            ),
        ],
    )?;
    b.derived_all(
        "crl-stale-allowed-by-policy",
        &[
            (
                "crl-stale",
                "the CRL policy fails closed (allowUnchecked false)",
            ),
            (
                "crl-revoked-under-lenient-policy",
                "the stale CRL lists the Document Signer's serial number",
            ),
        ],
    )
}

fn identifier_list_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let small = small_elements("UA");
    let hour = Duration::HOUR;
    let day = Duration::DAY;
    let reference = IdentifierListReference::new(vec![0x1d, 0x00, 0x2a], IDS_URI)?;
    let document = issue(
        b,
        ua,
        MDL,
        &small,
        &fx.device_key()?,
        &validity(),
        IssueOptions {
            identifier_list: Some(reference.clone()),
            ..IssueOptions::default()
        },
        2102,
    )?
    .to_vec()?;
    let verifier = VerifierConfig::trusting(vec![fx.ua()?.trusted.clone()]);
    let valid = |status: &str| {
        Expected::Valid(document_outcome(
            MDL,
            "UA",
            status,
            elements_to_json(&small),
        ))
    };
    let token = |listed: &[&[u8]], from, until| -> Result<Vec<u8>> {
        let mut list = IdentifierList::new();
        for id in listed {
            list.insert(id.to_vec())?;
        }
        IdentifierListToken::new(IDS_URI, list, from, until)?
            .sign(&ua.ds_key, std::slice::from_ref(&ua.ds_certificate))
    };
    let mut add = |id: &str,
                   description: &str,
                   verifier: &VerifierConfig,
                   identifiers: Option<Vec<u8>>,
                   expected: Expected| {
        case(
            b,
            Kind::Status,
            id,
            description,
            verifier.clone(),
            vec![],
            document.clone(),
            None,
            identifiers,
            expected,
        )
    };
    add(
        "identifier-list-valid",
        "The MSO references identifier 1d002a in the identifier list at \
         https://status.diia.example/identifiers/3; the list (a CWT signed by the document's \
         Document Signer, typ application/identifierlist+cwt, claim 65530) lists others only.",
        &verifier,
        Some(token(&[&[0xab, 0xcd]], NOW - hour, NOW + day)?),
        valid("valid"),
    )?;
    add(
        "identifier-listed",
        "The identifier list lists the document's identifier 1d002a: revoked.",
        &verifier,
        Some(token(
            &[&[0xab, 0xcd], &reference.id],
            NOW - hour,
            NOW + day,
        )?),
        Expected::error("revoked"),
    )?;
    add(
        "identifier-list-expired",
        "The identifier list was issued two days ago and expired an hour ago.",
        &verifier,
        Some(token(&[&[0xab, 0xcd]], NOW - 2 * day, NOW - hour)?),
        Expected::error("status_token_expired"),
    )?;
    add(
        "identifier-list-missing",
        "The MSO references an identifier list and none is given; the policy fails closed.",
        &verifier,
        None,
        Expected::error("status_token_missing"),
    )?;
    add(
        "identifier-list-missing-allowed-by-policy",
        "No identifier list is given and the status policy allows that: valid, status \
         \"not_checked\".",
        &VerifierConfig {
            status_policy: StatusPolicySpec {
                allow_missing_token: true,
                accept_other_values: false,
            },
            ..verifier.clone()
        },
        None,
        valid("not_checked"),
    )?;
    let claims = Value::Map(vec![
        (Value::from(CLAIM_SUB), Value::Text(IDS_URI.into())),
        (
            Value::from(CLAIM_IAT),
            Value::from((NOW - hour).unix_timestamp()),
        ),
        (
            Value::from(CLAIM_EXP),
            Value::from((NOW + day).unix_timestamp()),
        ),
        (
            Value::from(CLAIM_IDENTIFIER_LIST),
            cbor::text_map([("identifiers", Value::Array(vec![]))]),
        ),
    ]);
    let malformed = sign1(
        &ua.ds_key,
        &cbor::encode(&claims)?,
        &Sign1Options {
            x5chain: vec![ua.ds_certificate.der().to_vec()],
            typ: Some(IDENTIFIER_LIST_CWT_TYP.into()),
            ..Sign1Options::default()
        },
    )?;
    add(
        "identifier-list-malformed",
        "A correctly signed identifier list whose \"identifiers\" is an array, not a map.",
        &verifier,
        Some(cbor::encode(&malformed.to_value()?)?),
        Expected::error("identifier_list_malformed"),
    )?;

    // A document carrying both mechanisms, checked against each given.
    let mut list = ManagedStatusList::new_any_size(super::status::STATUS_URI, StatusBits::Two, 64)?;
    let index = list.allocate(&mut b.rng(2103))?;
    let both = issue(
        b,
        ua,
        MDL,
        &small,
        &fx.device_key()?,
        &validity(),
        IssueOptions {
            status_list: Some(index),
            identifier_list: Some(reference.clone()),
            ..IssueOptions::default()
        },
        2104,
    )?
    .to_vec()?;
    let status_token = super::status::signed(&list.token(NOW - hour, NOW + day, None)?, ua)?;
    case(
        b,
        Kind::Status,
        "both-mechanisms-identifier-listed",
        "The MSO references a status list entry and an identifier list; the status list says \
         VALID, the identifier list lists the document: each given is checked, so revoked.",
        verifier.clone(),
        vec![],
        both.clone(),
        Some(status_token.clone()),
        Some(token(&[&reference.id], NOW - hour, NOW + day)?),
        Expected::error("revoked"),
    )?;
    b.derived_all(
        "identifier-list-valid",
        &[
            (
                "identifier-listed",
                "the document's identifier 1d002a added to the list",
            ),
            (
                "identifier-list-expired",
                "the list's iat two days before now and its exp an hour before now",
            ),
            ("identifier-list-missing", "no identifier list given"),
            (
                "identifier-list-malformed",
                "the list's \"identifiers\" an empty array instead of a map",
            ),
        ],
    )?;
    b.derived(
        "both-mechanisms-identifier-listed",
        "both-mechanisms-valid",
        "the document's identifier 1d002a added to the identifier list",
    )?;
    case(
        b,
        Kind::Status,
        "both-mechanisms-valid",
        "The same document with its status list entry VALID and its identifier not listed.",
        verifier,
        vec![],
        both,
        Some(status_token),
        Some(token(&[], NOW - hour, NOW + day)?),
        valid("valid"),
    )
}
