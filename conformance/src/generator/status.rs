//! Kind `status`: documents that reference a Token Status List, verified
//! with the token the app fetched (or without one).

use ciborium::value::Value;
use time::Duration;

use super::fixtures::{Fixtures, MDL, NOW, issue, small_elements, validity};
use super::{Builder, forge};
use crate::format::{Expected, Kind, StatusPolicySpec, VerifierConfig};
use crate::runner::document_outcome;
use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::documents::json::elements_to_json;
use docbridge::error::Result;
use docbridge::issuer::IssueOptions;
use docbridge::issuer_signed::IssuerSigned;
use docbridge::status::{
    EncodedStatusList, MAX_LIST_BYTES, ManagedStatusList, StatusBits, StatusListReference,
    StatusListToken, StatusValue,
};
use docbridge::trust::demo::DemoAuthority;

/// The URI of the demo status list.
pub(super) const STATUS_URI: &str = "https://status.diia.example/lists/7";

/// Adds every `status` case.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let small = small_elements("UA");
    let hour = Duration::HOUR;
    let day = Duration::DAY;

    // A list of 64 two-bit entries and a document referencing a random entry.
    let mut list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64)?;
    let reference = list.allocate(&mut b.rng(2001))?;
    let document = with_status(b, fx, reference.clone(), 2002)?.to_vec()?;
    let token_at = |list: &ManagedStatusList, by: &DemoAuthority| -> Result<Vec<u8>> {
        signed(&list.token(NOW - hour, NOW + day, None)?, by)
    };
    let verifier = VerifierConfig::trusting(vec![fx.ua()?.trusted.clone()]);
    let valid = |status: &str| {
        Expected::Valid(document_outcome(
            MDL,
            "UA",
            status,
            elements_to_json(&small),
        ))
    };
    let at = format!("index {} of {STATUS_URI}", reference.idx);

    case(
        b,
        "status-valid",
        &format!(
            "The document references {at}; the token (issued an hour ago, valid for a day, \
             signed by the document's Document Signer) says VALID (0)."
        ),
        verifier.clone(),
        document.clone(),
        Some(token_at(&list, ua)?),
        valid("valid"),
    )?;
    b.derived_all(
        "status-valid",
        &[
            ("status-revoked", "the token's entry for the index set to INVALID (1)"),
            ("status-suspended", "the token's entry for the index set to SUSPENDED (2)"),
            ("status-unrecognized-value", "the token's entry for the index set to 3"),
            ("status-token-missing", "the token left out"),
            (
                "status-token-expired",
                "the token issued two days ago with exp an hour ago",
            ),
            (
                "status-token-exp-at-skew-boundary",
                "the token issued a day ago with exp exactly now minus the clock skew",
            ),
            (
                "status-token-not-yet-valid",
                "the token's iat an hour after now (exp two days after now)",
            ),
            (
                "status-token-wrong-sub",
                "the token made for the list https://status.diia.example/lists/8",
            ),
            (
                "status-token-wrong-authority",
                "the token signed by the Polish Document Signer, the Polish authority trusted too",
            ),
            (
                "status-token-wrong-typ",
                "the token signed with protected typ \"application/cwt\" (exp an hour after now)",
            ),
            (
                "status-token-signature-invalid",
                "the last bit of the token's signature flipped (exp an hour after now)",
            ),
            (
                "status-list-not-zlib",
                "the token's lst replaced by bytes that are not a zlib stream (exp an hour after now)",
            ),
        ],
    )?;
    for (id, value, code, name) in [
        (
            "status-revoked",
            StatusValue::Invalid,
            "revoked",
            "INVALID (1)",
        ),
        (
            "status-suspended",
            StatusValue::Suspended,
            "suspended",
            "SUSPENDED (2)",
        ),
        (
            "status-unrecognized-value",
            StatusValue::Other(3),
            "status_unrecognized_value",
            "3, a value the draft leaves to applications; the policy does not accept such values",
        ),
    ] {
        let mut changed = list.clone();
        changed.set(reference.idx, value)?;
        case(
            b,
            id,
            &format!("The token says {name} for {at}."),
            verifier.clone(),
            document.clone(),
            Some(token_at(&changed, ua)?),
            Expected::error(code),
        )?;
    }
    let mut other = list.clone();
    other.set(reference.idx, StatusValue::Other(3))?;
    case(
        b,
        "status-other-value-accepted-by-policy",
        &format!(
            "The token says 3 for {at}, and the status policy accepts values other than VALID, \
             INVALID and SUSPENDED: valid, status \"other:3\"."
        ),
        VerifierConfig {
            status_policy: StatusPolicySpec {
                allow_missing_token: false,
                accept_other_values: true,
            },
            ..verifier.clone()
        },
        document.clone(),
        Some(token_at(&other, ua)?),
        valid("other:3"),
    )?;
    case(
        b,
        "status-token-missing",
        &format!("The document references {at}; no token is given; the policy fails closed."),
        verifier.clone(),
        document.clone(),
        None,
        Expected::error("status_token_missing"),
    )?;
    case(
        b,
        "status-token-missing-allowed-by-policy",
        "No token is given and the status policy allows that: valid, status \"not_checked\".",
        VerifierConfig {
            status_policy: StatusPolicySpec {
                allow_missing_token: true,
                accept_other_values: false,
            },
            ..verifier.clone()
        },
        document.clone(),
        None,
        valid("not_checked"),
    )?;
    case(
        b,
        "status-token-expired",
        "The token was issued two days ago and expired an hour ago.",
        verifier.clone(),
        document.clone(),
        Some(signed(&list.token(NOW - 2 * day, NOW - hour, None)?, ua)?),
        Expected::error("status_token_expired"),
    )?;
    let skew = Duration::seconds(300);
    case(
        b,
        "status-token-exp-at-skew-boundary",
        "The token's exp is exactly now minus the 300 s clock skew: expired (a token is valid \
         only before exp).",
        verifier.clone(),
        document.clone(),
        Some(signed(&list.token(NOW - day, NOW - skew, None)?, ua)?),
        Expected::error("status_token_expired"),
    )?;
    case(
        b,
        "status-token-exp-within-skew",
        "The token's exp is now minus the clock skew plus one second: still valid.",
        verifier.clone(),
        document.clone(),
        Some(signed(
            &list.token(NOW - day, NOW - skew + Duration::SECOND, None)?,
            ua,
        )?),
        valid("valid"),
    )?;
    case(
        b,
        "status-token-not-yet-valid",
        "The token's iat is an hour after now.",
        verifier.clone(),
        document.clone(),
        Some(signed(&list.token(NOW + hour, NOW + 2 * day, None)?, ua)?),
        Expected::error("status_token_not_yet_valid"),
    )?;
    case(
        b,
        "status-token-iat-at-skew-boundary",
        "The token's iat is exactly now plus the 300 s clock skew: valid (a token is refused \
         only when iat lies after now plus the skew).",
        verifier.clone(),
        document.clone(),
        Some(signed(&list.token(NOW + skew, NOW + day, None)?, ua)?),
        valid("valid"),
    )?;
    case(
        b,
        "status-token-iat-one-second-past-skew",
        "The token's iat is now plus the 300 s clock skew plus one second: not yet valid.",
        verifier.clone(),
        document.clone(),
        Some(signed(
            &list.token(NOW + skew + Duration::SECOND, NOW + day, None)?,
            ua,
        )?),
        Expected::error("status_token_not_yet_valid"),
    )?;
    b.derived(
        "status-token-iat-one-second-past-skew",
        "status-token-iat-at-skew-boundary",
        "the token's iat one second later",
    )?;
    let elsewhere = ManagedStatusList::new_any_size(
        "https://status.diia.example/lists/8",
        StatusBits::Two,
        64,
    )?;
    case(
        b,
        "status-token-wrong-sub",
        "A valid token of the same authority for another list (sub \
         https://status.diia.example/lists/8).",
        verifier.clone(),
        document.clone(),
        Some(token_at(&elsewhere, ua)?),
        Expected::error("status_token_uri_mismatch"),
    )?;
    let pl = fx.pl()?;
    case(
        b,
        "status-token-wrong-authority",
        "The token for the right list is signed by the Polish Document Signer, an authority \
         the verifier also trusts, but not the one that vouched for the document.",
        VerifierConfig::trusting(vec![fx.ua()?.trusted.clone(), pl.trusted.clone()]),
        document.clone(),
        Some(token_at(&list, &pl.demo)?),
        Expected::error("status_token_wrong_authority"),
    )?;
    let claims = list.token(NOW - hour, NOW + hour, None)?;
    let signed_cwt = sign1(
        &ua.ds_key,
        &cbor::encode(&claims.to_claims_value())?,
        &Sign1Options {
            x5chain: vec![ua.ds_certificate.der().to_vec()],
            typ: Some("application/cwt".into()),
            ..Sign1Options::default()
        },
    )?;
    case(
        b,
        "status-token-wrong-typ",
        "The right claims signed by the right Document Signer with protected typ \
         \"application/cwt\" instead of \"application/statuslist+cwt\".",
        verifier.clone(),
        document.clone(),
        Some(cbor::encode(&signed_cwt.to_value()?)?),
        Expected::error("status_token_type_mismatch"),
    )?;
    let mut token = list.token(NOW - hour, NOW + hour, None)?;
    let mut signature_flipped = signed(&token, ua)?;
    if let Some(last) = signature_flipped.last_mut() {
        *last ^= 0x01;
    }
    case(
        b,
        "status-token-signature-invalid",
        "A token whose signature's last bit is flipped.",
        verifier.clone(),
        document.clone(),
        Some(signature_flipped),
        Expected::error("signature_invalid"),
    )?;
    token.status_list = EncodedStatusList {
        bits: StatusBits::Two,
        lst: b"not a zlib stream".to_vec(),
    };
    case(
        b,
        "status-list-not-zlib",
        "A correctly signed token whose lst is not a zlib stream.",
        verifier.clone(),
        document.clone(),
        Some(signed(&token, ua)?),
        Expected::error("status_list_malformed"),
    )?;
    let far = with_status(b, fx, StatusListReference::new(10_000, STATUS_URI)?, 2003)?;
    case(
        b,
        "status-index-out-of-range",
        "The document references index 10000 of a 64-entry list.",
        verifier.clone(),
        far.to_vec()?,
        Some(token_at(&list, ua)?),
        Expected::error("status_index_out_of_range"),
    )?;
    let beyond = MAX_LIST_BYTES as u64 * 8;
    let huge = with_status(b, fx, StatusListReference::new(beyond, STATUS_URI)?, 2004)?;
    case(
        b,
        "status-index-beyond-16-mib",
        &format!(
            "The document references index {beyond}, whose two-bit entry lies past the 16 MiB \
             a list may inflate to: refused before anything is inflated."
        ),
        verifier.clone(),
        huge.to_vec()?,
        Some(token_at(&list, ua)?),
        Expected::error("status_list_too_large"),
    )?;
    let honest = issue(
        b,
        ua,
        MDL,
        &small,
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        2005,
    )?;
    let unknown_mechanism = forge::resigned(ua, &honest, |mso| {
        forge::map_set(
            mso,
            "status",
            cbor::text_map([(
                "future_mechanism",
                cbor::text_map([
                    ("id", Value::Bytes(vec![1])),
                    ("uri", Value::Text("https://status.diia.example/ids".into())),
                ]),
            )]),
        )
    })?;
    case(
        b,
        "status-mechanism-unsupported",
        "A correctly signed MSO whose status names only an unknown mechanism \
         (future_mechanism), which the crate does not check; the policy fails closed.",
        verifier.clone(),
        unknown_mechanism.to_vec()?,
        None,
        Expected::error("status_mechanism_unsupported"),
    )?;
    case(
        b,
        "status-token-for-document-without-reference",
        "A document without a status reference, given a token anyway: the token is ignored; \
         valid, status \"not_referenced\".",
        verifier,
        honest.to_vec()?,
        Some(token_at(&list, ua)?),
        valid("not_referenced"),
    )
}

/// Adds a `status` case verified at [`NOW`].
fn case(
    b: &mut Builder<'_>,
    id: &str,
    description: &str,
    verifier: VerifierConfig,
    document: Vec<u8>,
    token: Option<Vec<u8>>,
    expected: Expected,
) -> Result<()> {
    b.document_case(
        Kind::Status,
        id,
        description,
        NOW,
        verifier,
        document,
        token,
        expected,
    )
}

/// The small Ukrainian licence referencing `reference`.
pub(super) fn with_status(
    b: &Builder<'_>,
    fx: &Fixtures,
    reference: StatusListReference,
    seed: u64,
) -> Result<IssuerSigned> {
    issue(
        b,
        &fx.ua()?.demo,
        MDL,
        &small_elements("UA"),
        &fx.device_key()?,
        &validity(),
        IssueOptions {
            status_list: Some(reference),
            ..IssueOptions::default()
        },
        seed,
    )
}

/// `token` signed by `by`'s Document Signer.
pub(super) fn signed(token: &StatusListToken, by: &DemoAuthority) -> Result<Vec<u8>> {
    token.sign(&by.ds_key, std::slice::from_ref(&by.ds_certificate))
}
