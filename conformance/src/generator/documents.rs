//! Kind `issuer_signed`: the valid matrix (doc type x algorithm x issuing
//! country), then one family of refusals after another, each case failing
//! for one defect.

use ciborium::value::Value;
use coset::{HeaderBuilder, RegisteredLabelWithPrivate, iana};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::fixtures::{
    self, Authority, CERT_FROM, CERT_UNTIL, DOC_TYPES, Fixtures, LIST_ISSUED, LIST_NEXT_UPDATE,
    MDL, MDL_NS, MVRC, NOW, PERMIT, VALID_FROM, VALID_UNTIL, alg_slug, alg_title, doc_slug,
    doc_title, issue, sample_elements, small_elements, spec, validity,
};
use super::forge::{self, Claiming, NameSpaces, item};
use super::{Builder, generator_error};
use crate::format::{Case, Expected, Input, Kind, PolicySpec, Source, TrustedIaca, VerifierConfig};
use crate::runner::document_outcome;
use coset::AsCborValue as _;
use docbridge::cbor;
use docbridge::cose::{
    Algorithm, HEADER_X5CHAIN, Sign1, Sign1Options, Signer as _, SoftwareKey, sign1,
};
use docbridge::documents::Elements;
use docbridge::documents::json::elements_to_json;
use docbridge::error::Result;
use docbridge::issuer::{IssueOptions, Issuer};
use docbridge::issuer_signed::{IssuerSigned, IssuerSignedItemBytes};
use docbridge::mso::DigestAlgorithm;
use docbridge::trust::list::TrustList;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};

/// Adds every `issuer_signed` case.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    valid_matrix(b, fx)?;
    valid_variants(b, fx)?;
    cbor_cases(b, fx)?;
    structure_cases(b, fx)?;
    cose_cases(b, fx)?;
    certificate_cases(b, fx)?;
    super::profiles::cases(b, fx)?;
    mso_cases(b, fx)?;
    time_cases(b, fx)?;
    trust_list_cases(b, fx)?;
    Ok(())
}

// ----- Shared -----

/// A verifier trusting only the Ukrainian ES256 authority.
fn ua_verifier(fx: &Fixtures) -> Result<VerifierConfig> {
    Ok(VerifierConfig::trusting(vec![fx.ua()?.trusted.clone()]))
}

/// The small Ukrainian licence, issued honestly by the ES256 authority.
fn honest(b: &Builder<'_>, fx: &Fixtures, seed: u64) -> Result<IssuerSigned> {
    issue(
        b,
        &fx.ua()?.demo,
        MDL,
        &small_elements("UA"),
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        seed,
    )
}

/// The outcome of verifying a document of `elements` with no status.
pub(super) fn accepted(doc_type: &str, country: &str, elements: &Elements) -> Expected {
    Expected::Valid(document_outcome(
        doc_type,
        country,
        "not_referenced",
        elements_to_json(elements),
    ))
}

/// A case verified at [`NOW`] by a verifier trusting only the Ukrainian
/// ES256 authority.
pub(super) fn ua_case(
    b: &mut Builder<'_>,
    fx: &Fixtures,
    id: &str,
    description: &str,
    document: Vec<u8>,
    expected: Expected,
) -> Result<()> {
    let verifier = ua_verifier(fx)?;
    b.document_case(
        Kind::IssuerSigned,
        id,
        description,
        NOW,
        verifier,
        document,
        None,
        expected,
    )
}

/// [`ua_case`] expecting the refusal `code`.
pub(super) fn ua_refused(
    b: &mut Builder<'_>,
    fx: &Fixtures,
    id: &str,
    description: &str,
    document: Vec<u8>,
    code: &str,
) -> Result<()> {
    ua_case(b, fx, id, description, document, Expected::error(code))
}

/// The valid case `id`: the small Ukrainian licence `document` as issued,
/// the one every refused case of a group changes, so that each of them can
/// name it in `derivedFrom`.
fn base_case(
    b: &mut Builder<'_>,
    fx: &Fixtures,
    id: &str,
    group: &str,
    document: &IssuerSigned,
) -> Result<()> {
    ua_case(
        b,
        fx,
        id,
        &format!(
            "The small Ukrainian licence as issued by the ES256 authority, unchanged: the \
             valid case the refused {group} cases each change in one place. Valid."
        ),
        document.to_vec()?,
        accepted(MDL, "UA", &small_elements("UA")),
    )
}

/// A case whose document is synthetic bytes too large to commit.
fn synthetic_case(
    b: &mut Builder<'_>,
    fx: &Fixtures,
    id: &str,
    description: &str,
    document: Source,
    code: &str,
) -> Result<()> {
    b.add(Case {
        id: id.to_string(),
        description: description.to_string(),
        kind: Kind::IssuerSigned,
        now: NOW,
        input: Input::Document {
            verifier: ua_verifier(fx)?,
            document,
            status_token: None,
            identifier_list_token: None,
        },
        expected: Expected::error(code),
        derived_from: None,
    })
}

/// The honest document's value with `edit` applied, encoded.
fn edited(document: &IssuerSigned, edit: impl FnOnce(&mut Value) -> Result<()>) -> Result<Vec<u8>> {
    let mut value = document.to_value()?;
    edit(&mut value)?;
    cbor::encode(&value)
}

/// The first item of the driving-licence namespace of an IssuerSigned value.
fn first_item(value: &mut Value) -> Result<&mut Value> {
    forge::first(forge::items_of(value, MDL_NS)?)
}

// ----- Valid -----

fn valid_matrix(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let mut seed = 1000;
    for doc_type in DOC_TYPES {
        for country in ["UA", "PL"] {
            for alg in Algorithm::ALL {
                seed += 1;
                let authority = fx.authority(country, alg)?;
                let device = fx.device(alg)?.public_key();
                let elements = sample_elements(doc_type, country)?;
                let document = issue(
                    b,
                    &authority.demo,
                    doc_type,
                    &elements,
                    &device,
                    &validity(),
                    IssueOptions::default(),
                    seed,
                )?;
                let id = format!(
                    "valid-{}-{}-{}",
                    doc_slug(doc_type),
                    country.to_ascii_lowercase(),
                    alg_slug(alg)
                );
                let description = format!(
                    "A complete {} issued in {country} by {:?}: Document Signer and device key \
                     {}, SHA-256 digests. The verifier trusts all six demo authorities (UA and \
                     PL, one per algorithm) and accepts everything: valid, with every element.",
                    doc_title(doc_type),
                    authority.trusted.name,
                    alg_title(alg)
                );
                b.document_case(
                    Kind::IssuerSigned,
                    &id,
                    &description,
                    NOW,
                    VerifierConfig::trusting(fx.all_trusted()),
                    document.to_vec()?,
                    None,
                    accepted(doc_type, country, &elements),
                )?;
            }
        }
    }
    Ok(())
}

fn valid_variants(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = fx.ua()?;
    let device = fx.device_key()?;
    let licence = sample_elements(MDL, "UA")?;

    for (alg, seed) in [
        (DigestAlgorithm::Sha384, 1101),
        (DigestAlgorithm::Sha512, 1102),
    ] {
        let options = IssueOptions {
            digest_algorithm: alg,
            ..IssueOptions::default()
        };
        let document = issue(
            b,
            &ua.demo,
            MDL,
            &licence,
            &device,
            &validity(),
            options,
            seed,
        )?;
        let name = alg.name();
        ua_case(
            b,
            fx,
            &format!("valid-digest-{}", name.to_ascii_lowercase()),
            &format!("The Ukrainian driving licence with {name} value digests: valid."),
            document.to_vec()?,
            accepted(MDL, "UA", &licence),
        )?;
    }

    // Selective disclosure: only three elements were kept by the holder.
    let mut document = issue(
        b,
        &ua.demo,
        MDL,
        &licence,
        &device,
        &validity(),
        IssueOptions::default(),
        1103,
    )?;
    let kept = ["family_name", "birth_date", "portrait"];
    document.retain(|_, element| kept.contains(&element));
    let mut disclosed = Elements::new();
    for (ns, elements) in &licence {
        let selected: std::collections::BTreeMap<_, _> = elements
            .iter()
            .filter(|(name, _)| kept.contains(&name.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !selected.is_empty() {
            disclosed.insert(ns.clone(), selected);
        }
    }
    ua_case(
        b,
        fx,
        "valid-selective-disclosure",
        "The Ukrainian driving licence with only family_name, birth_date (a full-date, \
         \"1990-02-03\" in the claims JSON) and portrait (bytes, base64url in the claims JSON) \
         disclosed; the other digests stay in the MSO unused. Valid: mandatory elements may be \
         withheld.",
        document.to_vec()?,
        accepted(MDL, "UA", &disclosed),
    )?;

    let small = small_elements("UA");
    let document = honest(b, fx, 1104)?;
    ua_case(
        b,
        fx,
        "valid-issuer-auth-tag18",
        "issuerAuth wrapped in tag 18 (COSE_Sign1_Tagged): accepted like the untagged form.",
        edited(&document, |value| {
            let auth = forge::map_at(value, "issuerAuth")?;
            *auth = Value::Tag(18, Box::new(auth.clone()));
            Ok(())
        })?,
        accepted(MDL, "UA", &small),
    )?;

    let payload = forge::mso_payload(&forge::mso_value(&document)?)?;
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::ES256)
        .add_critical(iana::HeaderParameter::X5Chain)
        .value(
            HEADER_X5CHAIN,
            Value::Bytes(ua.demo.ds_certificate.der().to_vec()),
        )
        .build();
    let auth = forge::cose_value(
        protected,
        HeaderBuilder::new().build(),
        &payload,
        &ua.demo.ds_key,
    )?;
    ua_case(
        b,
        fx,
        "valid-x5chain-protected-and-critical",
        "x5chain in the protected header and listed in crit: the crate understands x5chain, \
         so the critical header is no reason to refuse. Valid.",
        cbor::encode(&forge::issuer_signed_value(
            &document.name_spaces().to_vec(),
            auth,
        ))?,
        accepted(MDL, "UA", &small),
    )?;

    // Acceptance policy: explicit pairs.
    let polish = PolicySpec::Listed {
        countries: vec!["PL".into()],
        pairs: DOC_TYPES
            .iter()
            .map(|d| ("UA".to_string(), d.to_string()))
            .collect(),
    };
    b.document_case(
        Kind::IssuerSigned,
        "policy-polish-default-accepts-ua-licence",
        "The Polish default policy spelled out (every PL document; from UA the driving licence, \
         vehicle registration and residence permit) accepts the Ukrainian licence.",
        NOW,
        VerifierConfig {
            acceptance_policy: polish,
            ..ua_verifier(fx)?
        },
        document.to_vec()?,
        None,
        accepted(MDL, "UA", &small),
    )?;
    b.document_case(
        Kind::IssuerSigned,
        "policy-pair-for-another-doc-type",
        "The policy accepts only (UA, vehicle registration) and every PL document; a trusted \
         Ukrainian authority's driving licence is authentic but not accepted.",
        NOW,
        VerifierConfig {
            acceptance_policy: PolicySpec::Listed {
                countries: vec!["PL".into()],
                pairs: vec![("UA".into(), MVRC.into())],
            },
            ..ua_verifier(fx)?
        },
        document.to_vec()?,
        None,
        Expected::error("not_accepted"),
    )?;
    b.document_case(
        Kind::IssuerSigned,
        "policy-accepts-nothing",
        "A policy with no country and no pair accepts nothing.",
        NOW,
        VerifierConfig {
            acceptance_policy: PolicySpec::Listed {
                countries: vec![],
                pairs: vec![],
            },
            ..ua_verifier(fx)?
        },
        document.to_vec()?,
        None,
        Expected::error("not_accepted"),
    )?;
    b.derived_all(
        "policy-polish-default-accepts-ua-licence",
        &[
            (
                "policy-pair-for-another-doc-type",
                "the policy's UA pairs reduced to the vehicle registration",
            ),
            (
                "policy-accepts-nothing",
                "the policy emptied (no country, no pair)",
            ),
        ],
    )
}

// ----- CBOR -----

fn cbor_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let document = honest(b, fx, 1201)?;
    let bytes = document.to_vec()?;
    base_case(b, fx, "valid-small-licence-cbor", "CBOR", &document)?;

    ua_refused(
        b,
        fx,
        "cbor-empty-input",
        "Zero bytes: no data item at all.",
        Vec::new(),
        "cbor_malformed",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-truncated-head",
        "82 01 18: an array of two whose second item's one-byte argument is missing.",
        vec![0x82, 0x01, 0x18],
        "cbor_malformed",
    )?;
    let mut truncated = bytes.clone();
    truncated.pop();
    ua_refused(
        b,
        fx,
        "cbor-truncated-document",
        "An honest document cut short by its last byte: the final byte string (the signature) \
         claims one byte more than is left.",
        truncated,
        "cbor_length_exceeds_input",
    )?;
    let mut trailing = bytes.clone();
    trailing.push(0x00);
    ua_refused(
        b,
        fx,
        "cbor-trailing-byte",
        "An honest document followed by one more byte (00).",
        trailing,
        "cbor_trailing_bytes",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-wrong-major-type",
        "Well-formed CBOR of the wrong major type: the two members of IssuerSigned as an \
         array instead of a map.",
        edited(&document, |value| {
            let Value::Map(entries) = value else {
                return Err(generator_error("IssuerSigned is not a map"));
            };
            *value = Value::Array(entries.iter().map(|(_, v)| v.clone()).collect());
            Ok(())
        })?,
        "invalid_structure",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-signature-as-text",
        "issuerAuth's signature as a text string (major type 3) where COSE requires a byte \
         string.",
        edited(&document, |value| {
            let auth = forge::array_of(forge::map_at(value, "issuerAuth")?)?;
            let signature = auth
                .get_mut(3)
                .ok_or_else(|| generator_error("issuerAuth has no signature"))?;
            *signature = Value::Text("signature".into());
            Ok(())
        })?,
        "cose_malformed",
    )?;
    let mut indefinite = vec![0xbf];
    indefinite.extend_from_slice(bytes.get(1..).unwrap_or_default());
    indefinite.push(0xff);
    ua_refused(
        b,
        fx,
        "cbor-indefinite-length-map",
        "The honest document's top-level map re-encoded with an indefinite length (bf ... ff); \
         the profile requires definite lengths.",
        indefinite,
        "cbor_indefinite_length",
    )?;
    let mut nested = vec![0x81; 10_000];
    nested.push(0x00);
    ua_refused(
        b,
        fx,
        "cbor-nesting-10000-deep",
        "Arrays nested 10,000 deep (81 x 10,000, then 00); the limit is 32.",
        nested,
        "cbor_too_deep",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-length-claims-4-gib",
        "A byte string whose head claims 4,294,967,295 bytes (5a ff ff ff ff) followed by one \
         byte: refused before anything is allocated.",
        vec![0x5a, 0xff, 0xff, 0xff, 0xff, 0x00],
        "cbor_length_exceeds_input",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-array-claims-2-64-items",
        "An array whose head claims 2^64 - 1 items (9b ff x 8) and holds none.",
        vec![0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        "cbor_length_exceeds_input",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-duplicate-map-key",
        "IssuerSigned with issuerAuth twice (the same value both times).",
        edited(&document, |value| {
            let Value::Map(entries) = value else {
                return Err(generator_error("IssuerSigned is not a map"));
            };
            let auth = entries
                .iter()
                .find(|(k, _)| matches!(k, Value::Text(t) if t == "issuerAuth"))
                .cloned()
                .ok_or_else(|| generator_error("no issuerAuth"))?;
            entries.push(auth);
            Ok(())
        })?,
        "cbor_duplicate_key",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-duplicate-key-in-item",
        "An item's embedded bytes hold digestID twice (0, then 1).",
        edited(&document, |value| {
            let item = cbor::encode(&cbor::text_map([
                ("digestID", Value::from(0)),
                ("digestID", Value::from(1)),
                ("random", Value::Bytes(vec![0; 16])),
                ("elementIdentifier", Value::Text("family_name".into())),
                ("elementValue", Value::Text("x".into())),
            ]))?;
            *first_item(value)? = cbor::tag24(item);
            Ok(())
        })?,
        "cbor_duplicate_key",
    )?;
    let payload = forge::mso_payload(&forge::mso_value(&document)?)?;
    let auth = Value::Array(vec![
        Value::Bytes(vec![0xa2, 0x01, 0x26, 0x01, 0x38, 0x22]),
        Value::Map(vec![]),
        Value::Bytes(payload.clone()),
        Value::Bytes(vec![0; 64]),
    ]);
    ua_refused(
        b,
        fx,
        "cbor-duplicate-key-in-protected-header",
        "issuerAuth's protected header bytes are {1: -7, 1: -35}: alg twice, so two readers \
         could see two algorithms.",
        cbor::encode(&forge::issuer_signed_value(
            &document.name_spaces().to_vec(),
            auth,
        ))?,
        "cbor_duplicate_key",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-item-not-tag24",
        "An IssuerSignedItemBytes as a bare byte string, not wrapped in tag 24.",
        edited(&document, |value| {
            let item = first_item(value)?;
            let Value::Tag(24, inner) = item.clone() else {
                return Err(generator_error("the item is not tag 24"));
            };
            *item = *inner;
            Ok(())
        })?,
        "cbor_not_tag24",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-item-wrong-tag",
        "An IssuerSignedItemBytes in tag 25 instead of tag 24.",
        edited(&document, |value| {
            let item = first_item(value)?;
            let Value::Tag(24, inner) = item.clone() else {
                return Err(generator_error("the item is not tag 24"));
            };
            *item = Value::Tag(25, inner);
            Ok(())
        })?,
        "cbor_unexpected_tag",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-issuer-auth-cose-sign-tag",
        "issuerAuth in tag 98 (COSE_Sign) where COSE_Sign1 (tag 18 or none) is required.",
        edited(&document, |value| {
            let auth = forge::map_at(value, "issuerAuth")?;
            *auth = Value::Tag(98, Box::new(auth.clone()));
            Ok(())
        })?,
        "cbor_unexpected_tag",
    )?;
    ua_refused(
        b,
        fx,
        "cbor-item-invalid-utf8",
        "An item whose embedded bytes are a text string that is not UTF-8 (61 ff).",
        edited(&document, |value| {
            *first_item(value)? = cbor::tag24(vec![0x61, 0xff]);
            Ok(())
        })?,
        "cbor_malformed",
    )?;
    let mso = forge::mso_value(&document)?;
    let auth = sign1(
        &fx.ua()?.demo.ds_key,
        &cbor::encode(&mso)?,
        &Sign1Options {
            x5chain: vec![fx.ua()?.demo.ds_certificate.der().to_vec()],
            ..Sign1Options::default()
        },
    )?;
    ua_refused(
        b,
        fx,
        "cbor-mso-payload-not-tag24",
        "A correctly signed issuerAuth whose payload is the MSO map itself, not \
         MobileSecurityObjectBytes (tag 24 around its encoding).",
        IssuerSigned::new(document.name_spaces().to_vec(), auth).to_vec()?,
        "cbor_not_tag24",
    )?;
    let mut deep = Value::Bool(true);
    for _ in 0..40 {
        deep = Value::Array(vec![deep]);
    }
    let mut elements = small_elements("UA");
    if let Some(ns) = elements.get_mut(MDL_NS) {
        ns.insert("deep".into(), deep);
    }
    let signed_deep = issue(
        b,
        &fx.ua()?.demo,
        MDL,
        &elements,
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        1202,
    )?;
    ua_refused(
        b,
        fx,
        "cbor-signed-element-nested-40-deep",
        "The issuer signed an element nested 40 arrays deep; the document itself is within \
         the limits, but the item's embedded bytes are decoded on their own and exceed depth \
         32.",
        signed_deep.to_vec()?,
        "cbor_too_deep",
    )?;
    // An item is a map (one level) around its elementValue: 31 arrays reach
    // depth 32 exactly, 32 arrays one past it.
    for (id, arrays, seed) in [
        ("cbor-signed-element-at-depth-limit", 31, 1203),
        ("cbor-signed-element-one-past-depth-limit", 32, 1204),
    ] {
        let mut deep = Value::Bool(true);
        for _ in 0..arrays {
            deep = Value::Array(vec![deep]);
        }
        let mut elements = small_elements("UA");
        if let Some(ns) = elements.get_mut(MDL_NS) {
            ns.insert("deep".into(), deep);
        }
        let document = issue(
            b,
            &fx.ua()?.demo,
            MDL,
            &elements,
            &fx.device_key()?,
            &validity(),
            IssueOptions::default(),
            seed,
        )?;
        let (description, expected) = if arrays == 31 {
            (
                "The issuer signed an element nested 31 arrays deep: the item's embedded \
                 bytes, decoded on their own, reach depth 32 exactly (the item map is one \
                 level, each array one more). Valid.",
                accepted(MDL, "UA", &elements),
            )
        } else {
            (
                "The issuer signed an element nested 32 arrays deep: the item's embedded \
                 bytes, decoded on their own, reach depth 33, one past the limit.",
                Expected::error("cbor_too_deep"),
            )
        };
        ua_case(b, fx, id, description, document.to_vec()?, expected)?;
    }
    b.derived(
        "cbor-signed-element-one-past-depth-limit",
        "cbor-signed-element-at-depth-limit",
        "one more array around the element deep, the document issued again",
    )?;
    synthetic_case(
        b,
        fx,
        "cbor-input-too-large",
        "8 MiB + 1 bytes of zeros (synthetic: too large to commit): one byte over the 8 MiB \
         input limit, refused before it is read.",
        Source::Synthetic {
            prefix: Vec::new(),
            fill: 0,
            length: 8 * 1024 * 1024 + 1,
        },
        "cbor_too_large",
    )?;
    synthetic_case(
        b,
        fx,
        "cbor-too-many-items",
        "An array of 100,000 zeros (synthetic: 9a 00 01 86 a0 then 100,000 bytes 00): with \
         the array itself 100,001 data items, one over the limit.",
        Source::Synthetic {
            prefix: vec![0x9a, 0x00, 0x01, 0x86, 0xa0],
            fill: 0,
            length: 100_005,
        },
        "cbor_too_many_items",
    )?;
    b.derived_all(
        "valid-small-licence-cbor",
        &[
            ("cbor-truncated-document", "the last byte removed"),
            ("cbor-trailing-byte", "one byte 00 appended"),
            (
                "cbor-wrong-major-type",
                "the top-level map replaced by an array of its two values",
            ),
            (
                "cbor-signature-as-text",
                "issuerAuth's signature replaced by the text \"signature\"",
            ),
            (
                "cbor-indefinite-length-map",
                "the top-level map's head a2 replaced by bf, and ff appended",
            ),
            (
                "cbor-duplicate-map-key",
                "the issuerAuth entry repeated at the end of the top-level map",
            ),
            (
                "cbor-duplicate-key-in-item",
                "the first item replaced by one whose embedded map holds digestID twice",
            ),
            (
                "cbor-item-not-tag24",
                "the tag 24 around the first item's byte string removed",
            ),
            (
                "cbor-item-wrong-tag",
                "the first item's tag 24 replaced by tag 25",
            ),
            (
                "cbor-issuer-auth-cose-sign-tag",
                "issuerAuth wrapped in tag 98",
            ),
            (
                "cbor-item-invalid-utf8",
                "the first item's embedded bytes replaced by 61 ff",
            ),
            (
                "cbor-mso-payload-not-tag24",
                "the MSO signed again as the payload itself, without tag 24 around its encoding",
            ),
        ],
    )
}

// ----- Structure and dates -----

fn structure_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let document = honest(b, fx, 1301)?;
    base_case(
        b,
        fx,
        "valid-small-licence-structure",
        "structure and date",
        &document,
    )?;
    ua_refused(
        b,
        fx,
        "structure-mso-without-validity-info",
        "A correctly signed MSO without validityInfo.",
        forge::resigned(ua, &document, |mso| forge::map_remove(mso, "validityInfo"))?.to_vec()?,
        "invalid_structure",
    )?;
    ua_refused(
        b,
        fx,
        "structure-value-digests-array",
        "A correctly signed MSO whose valueDigests is an array, not a map.",
        forge::resigned(ua, &document, |mso| {
            forge::map_set(mso, "valueDigests", Value::Array(vec![]))
        })?
        .to_vec()?,
        "invalid_structure",
    )?;
    ua_refused(
        b,
        fx,
        "structure-item-without-random",
        "An item without its salt (random).",
        edited(&document, |value| {
            let item = cbor::encode(&cbor::text_map([
                ("digestID", Value::from(0)),
                ("elementIdentifier", Value::Text("family_name".into())),
                ("elementValue", Value::Text("x".into())),
            ]))?;
            *first_item(value)? = cbor::tag24(item);
            Ok(())
        })?,
        "invalid_structure",
    )?;
    ua_refused(
        b,
        fx,
        "structure-empty-namespace",
        "A namespace with no item.",
        edited(&document, |value| {
            forge::items_of(value, MDL_NS)?.clear();
            Ok(())
        })?,
        "invalid_structure",
    )?;
    ua_refused(
        b,
        fx,
        "date-valid-until-month-13",
        "A correctly signed MSO whose validUntil is tdate \"2027-13-01T00:00:00Z\".",
        forge::resigned(ua, &document, |mso| {
            forge::map_set(
                forge::map_at(mso, "validityInfo")?,
                "validUntil",
                Value::Tag(0, Box::new(Value::Text("2027-13-01T00:00:00Z".into()))),
            )
        })?
        .to_vec()?,
        "invalid_date",
    )?;
    ua_refused(
        b,
        fx,
        "date-valid-from-untagged",
        "A correctly signed MSO whose validFrom is an untagged text string.",
        forge::resigned(ua, &document, |mso| {
            forge::map_set(
                forge::map_at(mso, "validityInfo")?,
                "validFrom",
                Value::Text("2026-11-01T00:00:00Z".into()),
            )
        })?
        .to_vec()?,
        "invalid_date",
    )?;
    ua_refused(
        b,
        fx,
        "date-valid-from-epoch-tag1",
        "A correctly signed MSO whose validFrom is an epoch time (tag 1) where tdate (tag 0) \
         is required.",
        forge::resigned(ua, &document, |mso| {
            forge::map_set(
                forge::map_at(mso, "validityInfo")?,
                "validFrom",
                Value::Tag(1, Box::new(Value::from(1_793_491_200))),
            )
        })?
        .to_vec()?,
        "cbor_unexpected_tag",
    )?;
    b.derived_all(
        "valid-small-licence-structure",
        &[
            (
                "structure-mso-without-validity-info",
                "validityInfo removed from the MSO, which is signed again",
            ),
            (
                "structure-value-digests-array",
                "the MSO's valueDigests replaced by an empty array, the MSO signed again",
            ),
            (
                "structure-item-without-random",
                "the first item replaced by one without random",
            ),
            (
                "structure-empty-namespace",
                "every item of the namespace removed",
            ),
            (
                "date-valid-until-month-13",
                "validUntil set to tdate \"2027-13-01T00:00:00Z\", the MSO signed again",
            ),
            (
                "date-valid-from-untagged",
                "validFrom without its tag 0, the MSO signed again",
            ),
            (
                "date-valid-from-epoch-tag1",
                "validFrom replaced by the same instant as tag 1 (epoch seconds), the MSO signed again",
            ),
        ],
    )
}

// ----- COSE -----

fn cose_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let document = honest(b, fx, 1401)?;
    base_case(b, fx, "valid-small-licence-cose", "COSE", &document)?;
    let name_spaces: NameSpaces = document.name_spaces().to_vec();
    let payload = forge::mso_payload(&forge::mso_value(&document)?)?;
    let with_auth = |auth: Value| cbor::encode(&forge::issuer_signed_value(&name_spaces, auth));

    let auth = forge::cose_value(
        HeaderBuilder::new()
            .algorithm(iana::Algorithm::PS256)
            .build(),
        forge::x5chain_header(&ua.ds_certificate),
        &payload,
        &ua.ds_key,
    )?;
    ua_refused(
        b,
        fx,
        "cose-unknown-algorithm",
        "The protected header names PS256 (-37), which the crate does not support.",
        with_auth(auth)?,
        "unsupported_algorithm",
    )?;
    let auth = forge::cose_value(
        HeaderBuilder::new().build(),
        HeaderBuilder::new()
            .algorithm(iana::Algorithm::ES256)
            .value(
                HEADER_X5CHAIN,
                Value::Bytes(ua.ds_certificate.der().to_vec()),
            )
            .build(),
        &payload,
        &ua.ds_key,
    )?;
    ua_refused(
        b,
        fx,
        "cose-algorithm-only-unprotected",
        "ES256 only in the unprotected header (not covered by the signature); the signature \
         itself is correct.",
        with_auth(auth)?,
        "algorithm_not_protected",
    )?;
    let auth = forge::cose_value(
        HeaderBuilder::new()
            .algorithm(iana::Algorithm::ES256)
            .value(-65537, Value::from(1))
            .add_critical_label(RegisteredLabelWithPrivate::PrivateUse(-65537))
            .build(),
        forge::x5chain_header(&ua.ds_certificate),
        &payload,
        &ua.ds_key,
    )?;
    ua_refused(
        b,
        fx,
        "cose-unknown-critical-header",
        "The protected header holds private label -65537 and lists it in crit; the crate does \
         not understand it.",
        with_auth(auth)?,
        "unknown_critical_header",
    )?;
    for (ds_alg, claimed, seed) in [
        (Algorithm::Es256, Algorithm::Es384, 1402),
        (Algorithm::EdDsa, Algorithm::Es256, 1403),
    ] {
        let authority = fx.authority("UA", ds_alg)?;
        let liar = Claiming {
            key: &authority.demo.ds_key,
            claimed,
        };
        let document = issue(
            b,
            &authority.demo,
            MDL,
            &small_elements("UA"),
            &fx.device_key()?,
            &validity(),
            IssueOptions::default(),
            seed,
        )?;
        let auth = forge::sign(
            &liar,
            &forge::mso_payload(&forge::mso_value(&document)?)?,
            &[&authority.demo.ds_certificate],
        )?;
        b.document_case(
            Kind::IssuerSigned,
            &format!(
                "cose-{}-claimed-for-{}-key",
                alg_slug(claimed),
                alg_slug(ds_alg)
            ),
            &format!(
                "The protected header says {} while the Document Signer key (and the signature) \
                 is {}.",
                alg_title(claimed),
                alg_title(ds_alg)
            ),
            NOW,
            VerifierConfig::trusting(vec![authority.trusted.clone()]),
            IssuerSigned::new(document.name_spaces().to_vec(), auth).to_vec()?,
            None,
            Expected::error("algorithm_key_mismatch"),
        )?;
    }
    let mso = forge::mso_value(&document)?;
    let auth = forge::sign(&ua.ds_key, &forge::mso_payload(&mso)?, &[])?;
    ua_refused(
        b,
        fx,
        "cose-x5chain-absent",
        "A correctly signed issuerAuth without x5chain: no Document Signer certificate.",
        IssuerSigned::new(name_spaces.clone(), auth).to_vec()?,
        "x5chain_missing",
    )?;
    for (id, x5chain, code, description) in [
        (
            "cose-x5chain-empty-array",
            Value::Array(vec![]),
            "x5chain_missing",
            "x5chain is an empty array.",
        ),
        (
            "cose-x5chain-empty-bytes",
            Value::Bytes(vec![]),
            "x5chain_missing",
            "x5chain is an empty byte string.",
        ),
        (
            "cose-x5chain-garbage",
            Value::Bytes(b"garbage".to_vec()),
            "certificate_malformed",
            "x5chain holds the seven bytes \"garbage\", not a DER certificate.",
        ),
        (
            "cose-x5chain-wrong-type",
            Value::from(7),
            "cose_malformed",
            "x5chain is the integer 7.",
        ),
    ] {
        let auth = forge::cose_value(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::ES256)
                .build(),
            HeaderBuilder::new().value(HEADER_X5CHAIN, x5chain).build(),
            &payload,
            &ua.ds_key,
        )?;
        ua_refused(b, fx, id, description, with_auth(auth)?, code)?;
    }
    ua_refused(
        b,
        fx,
        "cose-three-parts",
        "issuerAuth is an array of three parts (the signature dropped).",
        edited(&document, |value| {
            forge::array_of(forge::map_at(value, "issuerAuth")?)?.pop();
            Ok(())
        })?,
        "cose_malformed",
    )?;
    let auth = sign1(
        &ua.ds_key,
        &payload,
        &Sign1Options {
            x5chain: vec![ua.ds_certificate.der().to_vec()],
            detached: true,
            ..Sign1Options::default()
        },
    )?;
    ua_refused(
        b,
        fx,
        "cose-detached-payload",
        "issuerAuth signed over the MSO but with the payload detached (nil).",
        IssuerSigned::new(name_spaces.clone(), auth).to_vec()?,
        "cose_malformed",
    )?;
    for (index, alg) in (0u64..).zip(Algorithm::ALL) {
        let authority = fx.authority("UA", alg)?;
        let document = issue(
            b,
            &authority.demo,
            MDL,
            &small_elements("UA"),
            &fx.device_key()?,
            &validity(),
            IssueOptions::default(),
            1410 + index,
        )?;
        let intact = format!("valid-small-licence-{}", alg_slug(alg));
        b.document_case(
            Kind::IssuerSigned,
            &intact,
            &format!(
                "The small Ukrainian licence issued by the {} authority, unchanged: the valid \
                 case cose-signature-bit-flipped-{} changes. Valid.",
                alg_title(alg),
                alg_slug(alg)
            ),
            NOW,
            VerifierConfig::trusting(vec![authority.trusted.clone()]),
            document.to_vec()?,
            None,
            accepted(MDL, "UA", &small_elements("UA")),
        )?;
        b.derived(
            &format!("cose-signature-bit-flipped-{}", alg_slug(alg)),
            &intact,
            "the last bit of issuerAuth's signature flipped",
        )?;
        let mut cose = document.issuer_auth().clone().into_cose();
        if let Some(last) = cose.signature.last_mut() {
            *last ^= 0x01;
        }
        let auth = Sign1::from_value(
            cose.to_cbor_value()
                .map_err(|e| generator_error(&e.to_string()))?,
        )?;
        b.document_case(
            Kind::IssuerSigned,
            &format!("cose-signature-bit-flipped-{}", alg_slug(alg)),
            &format!(
                "An honest {} document with the last bit of its signature flipped.",
                alg_title(alg)
            ),
            NOW,
            VerifierConfig::trusting(vec![authority.trusted.clone()]),
            IssuerSigned::new(document.name_spaces().to_vec(), auth).to_vec()?,
            None,
            Expected::error("signature_invalid"),
        )?;
    }
    let other = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(1420));
    let auth = forge::sign(&other, &payload, &[&ua.ds_certificate])?;
    ua_refused(
        b,
        fx,
        "cose-signed-by-another-key",
        "The MSO signed by another P-256 key while x5chain carries the trusted Document Signer \
         certificate.",
        IssuerSigned::new(name_spaces, auth).to_vec()?,
        "signature_invalid",
    )?;
    b.derived_all(
        "valid-small-licence-cose",
        &[
            (
                "cose-unknown-algorithm",
                "the protected alg set to PS256 (-37)",
            ),
            (
                "cose-algorithm-only-unprotected",
                "alg moved from the protected to the unprotected header",
            ),
            (
                "cose-unknown-critical-header",
                "private label -65537 added to the protected header and listed in crit",
            ),
            ("cose-x5chain-absent", "x5chain removed"),
            (
                "cose-x5chain-empty-array",
                "x5chain replaced by an empty array",
            ),
            (
                "cose-x5chain-empty-bytes",
                "x5chain replaced by an empty byte string",
            ),
            (
                "cose-x5chain-garbage",
                "x5chain replaced by the bytes \"garbage\"",
            ),
            (
                "cose-x5chain-wrong-type",
                "x5chain replaced by the integer 7",
            ),
            ("cose-three-parts", "issuerAuth's signature removed"),
            (
                "cose-detached-payload",
                "issuerAuth's payload detached (nil)",
            ),
            (
                "cose-signed-by-another-key",
                "issuerAuth signed by another P-256 key",
            ),
        ],
    )
}

// ----- Certificates and trust -----

/// A document signed by `key` whose certificate is `ds`, made with
/// `profile` under the Ukrainian ES256 IACA.
pub(super) fn with_ds(
    b: &Builder<'_>,
    fx: &Fixtures,
    spec: &CertificateSpec,
    profile: CertificateProfile,
    seed: u64,
) -> Result<Vec<u8>> {
    let ua = &fx.ua()?.demo;
    let key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(seed));
    let ds = x509::create_issued(
        spec,
        profile,
        &key.public_key(),
        &ua.iaca_certificate,
        &ua.iaca_key,
    )?;
    // An issuer signs only while its certificate is valid, also when the
    // certificate is not yet valid at the verifier's `now`.
    let mut validity = validity();
    validity.signed = validity.signed.clamp(spec.not_before, spec.not_after);
    Issuer::new(&key, &ds)?
        .issue(
            MDL,
            &small_elements("UA"),
            &fx.device_key()?,
            &validity,
            &mut b.rng(seed + 1),
        )?
        .to_vec()
}

/// The spec of the Document Signer whose fields the cert-ds cases change
/// (made with the key of seed 1501 by [`with_ds`]).
pub(super) fn ds_spec(
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    country: &str,
) -> CertificateSpec {
    CertificateSpec {
        organization: Some("Diia ES256".into()),
        not_before,
        not_after,
        ..spec("Diia ES256 Document Signer 2", country, 77)
    }
}

/// The seed of the key and salts of the cert-ds cases (see [`with_ds`]).
pub(super) const DS_SEED: u64 = 1501;

fn certificate_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let bytes = with_ds(
        b,
        fx,
        &ds_spec(CERT_FROM, datetime!(2026-11-15 0:00 UTC), "UA"),
        CertificateProfile::DocumentSigner,
        1501,
    )?;
    // Every Document Signer variant below has the key and salts of this
    // one (seed 1501): the certificate field named is the one change.
    let valid_ds = with_ds(
        b,
        fx,
        &ds_spec(CERT_FROM, CERT_UNTIL, "UA"),
        CertificateProfile::DocumentSigner,
        1501,
    )?;
    ua_case(
        b,
        fx,
        "cert-ds-valid",
        "A Document Signer certificate of the Annex B profile under the trusted IACA, valid \
         2026-01-01 to 2031-01-01: the valid case each cert-ds refusal changes in one \
         certificate field. Valid.",
        valid_ds,
        accepted(MDL, "UA", &small_elements("UA")),
    )?;
    ua_refused(
        b,
        fx,
        "cert-ds-expired",
        "The Document Signer certificate ended on 2026-11-15, before now (2026-11-29); the \
         IACA and the MSO are still valid.",
        bytes,
        "certificate_expired",
    )?;
    let bytes = with_ds(
        b,
        fx,
        &ds_spec(datetime!(2026-12-01 0:00 UTC), CERT_UNTIL, "UA"),
        CertificateProfile::DocumentSigner,
        1501,
    )?;
    ua_refused(
        b,
        fx,
        "cert-ds-not-yet-valid",
        "The Document Signer certificate starts on 2026-12-01, after now (2026-11-29).",
        bytes,
        "certificate_not_yet_valid",
    )?;
    // notBefore is inclusive: a certificate starting exactly at `now` is
    // valid, one starting a second later is not. The MSO is signed at the
    // certificate's notBefore (see `with_ds`).
    for (id, not_before, expected, description) in [
        (
            "cert-ds-valid-from-now",
            NOW,
            accepted(MDL, "UA", &small_elements("UA")),
            "The Document Signer certificate's notBefore is exactly now (and the MSO signed \
             then): valid (no clock skew is applied to certificates; both ends are included).",
        ),
        (
            "cert-ds-one-second-before-not-before",
            NOW + Duration::SECOND,
            Expected::error("certificate_not_yet_valid"),
            "The Document Signer certificate's notBefore is one second after now (and the MSO \
             signed then).",
        ),
    ] {
        let bytes = with_ds(
            b,
            fx,
            &ds_spec(not_before, CERT_UNTIL, "UA"),
            CertificateProfile::DocumentSigner,
            1530,
        )?;
        ua_case(b, fx, id, description, bytes, expected)?;
    }
    b.derived_all(
        "cert-ds-valid",
        &[
            (
                "cert-ds-expired",
                "the Document Signer certificate's notAfter 2026-11-15, before now",
            ),
            (
                "cert-ds-not-yet-valid",
                "the Document Signer certificate's notBefore 2026-12-01, after now (and the \
                 MSO signed then)",
            ),
            (
                "cert-ds-wrong-eku",
                "the Document Signer certificate made with the reader-authentication profile \
                 (extended key usage 1.0.18013.5.1.6)",
            ),
            (
                "cert-ds-is-a-ca",
                "the Document Signer certificate made with the IACA profile (cA, keyCertSign, \
                 no Document Signer extended key usage)",
            ),
            (
                "cert-ds-country-mismatch",
                "the Document Signer certificate's countryName PL",
            ),
        ],
    )?;
    b.derived(
        "cert-ds-one-second-before-not-before",
        "cert-ds-valid-from-now",
        "the Document Signer certificate's notBefore (and the MSO's signed) one second later",
    )?;
    let bytes = with_ds(
        b,
        fx,
        &ds_spec(CERT_FROM, CERT_UNTIL, "UA"),
        CertificateProfile::ReaderAuthentication,
        1501,
    )?;
    ua_refused(
        b,
        fx,
        "cert-ds-wrong-eku",
        "The Document Signer certificate has the reader-authentication extended key usage \
         (1.0.18013.5.1.6) instead of the Document Signer one (1.0.18013.5.1.2).",
        bytes,
        "certificate_profile",
    )?;
    let bytes = with_ds(
        b,
        fx,
        &ds_spec(CERT_FROM, CERT_UNTIL, "UA"),
        CertificateProfile::Iaca,
        1501,
    )?;
    ua_refused(
        b,
        fx,
        "cert-ds-is-a-ca",
        "The Document Signer certificate is a CA certificate (basicConstraints cA, \
         keyCertSign) without the Document Signer EKU.",
        bytes,
        "certificate_profile",
    )?;
    let bytes = with_ds(
        b,
        fx,
        &ds_spec(CERT_FROM, CERT_UNTIL, "PL"),
        CertificateProfile::DocumentSigner,
        1501,
    )?;
    ua_refused(
        b,
        fx,
        "cert-ds-country-mismatch",
        "A Document Signer certificate with countryName PL issued by the Ukrainian IACA.",
        bytes,
        "country_mismatch",
    )?;

    let impostor = fixtures::demo_authority(
        b,
        "UA",
        "Diia ES256",
        Algorithm::Es256,
        &DOC_TYPES,
        (CERT_FROM, CERT_UNTIL),
        1511,
    )?;
    let document = issue(
        b,
        &impostor,
        MDL,
        &small_elements("UA"),
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        1512,
    )?;
    ua_refused(
        b,
        fx,
        "cert-ds-not-signed-by-the-iaca",
        "An impostor authority with the very same IACA subject name as the trusted one \
         (C=UA, O=Diia ES256, CN=Diia ES256 IACA) but another key issued the Document Signer: \
         the trusted IACA's key did not sign it.",
        document.to_vec()?,
        "certificate_chain_invalid",
    )?;

    let pl = fx.pl()?;
    let document = issue(
        b,
        &pl.demo,
        MDL,
        &small_elements("PL"),
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        1513,
    )?;
    ua_refused(
        b,
        fx,
        "cert-untrusted-issuer",
        "A Polish document; the verifier trusts only the Ukrainian authority.",
        document.to_vec()?,
        "untrusted_issuer",
    )?;
    b.document_case(
        Kind::IssuerSigned,
        "cert-polish-issuer-trusted",
        "The same Polish document; the verifier trusts the Polish authority: valid.",
        NOW,
        VerifierConfig::trusting(vec![pl.trusted.clone()]),
        document.to_vec()?,
        None,
        accepted(MDL, "PL", &small_elements("PL")),
    )?;
    b.derived(
        "cert-untrusted-issuer",
        "cert-polish-issuer-trusted",
        "the verifier trusts the Ukrainian authority instead of the Polish one",
    )?;

    // A trusted "IACA" that is no CA: a self-signed Document Signer profile.
    let fake_key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(1514));
    let fake_iaca = x509::create_self_signed(
        &spec("Fake IACA", "UA", 1514),
        CertificateProfile::DocumentSigner,
        &fake_key,
    )?;
    let ds_key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(1515));
    let ds = x509::create_issued(
        &spec("Fake Document Signer", "UA", 1515),
        CertificateProfile::DocumentSigner,
        &ds_key.public_key(),
        &fake_iaca,
        &fake_key,
    )?;
    let document = Issuer::new(&ds_key, &ds)?.issue(
        MDL,
        &small_elements("UA"),
        &fx.device_key()?,
        &validity(),
        &mut b.rng(1516),
    )?;
    let certificate = b.file(
        "trust/ua-fake-iaca/iaca.pem",
        fake_iaca.to_pem().into_bytes(),
    )?;
    b.document_case(
        Kind::IssuerSigned,
        "cert-trusted-iaca-not-a-ca",
        "The verifier was configured with a self-signed end-entity certificate (no cA, no \
         keyCertSign) as an IACA; a Document Signer it issued is refused because the IACA \
         breaks its profile.",
        NOW,
        VerifierConfig::trusting(vec![TrustedIaca {
            certificate,
            id: "UA:fake".into(),
            country: "UA".into(),
            name: "Fake".into(),
            doc_types: vec![MDL.into()],
        }]),
        document.to_vec()?,
        None,
        Expected::error("certificate_profile"),
    )?;

    // The validity of the certificates, exactly at the end and one second past it.
    let short = fixtures::authority(
        b,
        "ua-diia-until-2027",
        "UA",
        "Diia 2026",
        Algorithm::Es256,
        &[MDL],
        (CERT_FROM, datetime!(2027-01-01 0:00 UTC)),
        1517,
    )?;
    let small = small_elements("UA");
    let document = issue(
        b,
        &short.demo,
        MDL,
        &small,
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        1518,
    )?;
    for (id, now, expected, description) in [
        (
            "cert-valid-at-not-after",
            datetime!(2027-01-01 0:00 UTC),
            accepted(MDL, "UA", &small),
            "now is exactly the certificates' notAfter (2027-01-01T00:00:00Z): still valid \
             (no clock skew is applied to certificates).",
        ),
        (
            "cert-expired-one-second-after-not-after",
            datetime!(2027-01-01 0:00:01 UTC),
            Expected::error("certificate_expired"),
            "now is one second past the certificates' notAfter; the MSO is still valid.",
        ),
    ] {
        b.document_case(
            Kind::IssuerSigned,
            id,
            description,
            now,
            VerifierConfig::trusting(vec![short.trusted.clone()]),
            document.to_vec()?,
            None,
            expected,
        )?;
    }
    b.derived(
        "cert-expired-one-second-after-not-after",
        "cert-valid-at-not-after",
        "now one second later",
    )?;

    let licences_only = fixtures::authority(
        b,
        "ua-diia-licences-only",
        "UA",
        "Diia Licences",
        Algorithm::Es256,
        &[MDL],
        (CERT_FROM, CERT_UNTIL),
        1519,
    )?;
    let permit = sample_elements(PERMIT, "UA")?;
    let document = issue(
        b,
        &licences_only.demo,
        PERMIT,
        &permit,
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        1520,
    )?;
    b.document_case(
        Kind::IssuerSigned,
        "trust-doc-type-not-allowed",
        "An authority trusted for driving licences only signed a residence permit.",
        NOW,
        VerifierConfig::trusting(vec![licences_only.trusted.clone()]),
        document.to_vec()?,
        None,
        Expected::error("doc_type_not_allowed"),
    )?;
    b.document_case(
        Kind::IssuerSigned,
        "trust-doc-type-allowed",
        "The same residence permit; the verifier trusts the authority for driving licences \
         and residence permits: valid.",
        NOW,
        VerifierConfig::trusting(vec![TrustedIaca {
            doc_types: vec![MDL.into(), PERMIT.into()],
            ..licences_only.trusted.clone()
        }]),
        document.to_vec()?,
        None,
        accepted(PERMIT, "UA", &permit),
    )?;
    b.derived(
        "trust-doc-type-not-allowed",
        "trust-doc-type-allowed",
        "the residence permit removed from the authority's trusted docTypes",
    )
}

// ----- MSO and claims -----

fn mso_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = &fx.ua()?.demo;
    let document = honest(b, fx, 1601)?;
    base_case(b, fx, "valid-small-licence-mso", "MSO", &document)?;
    b.derived_all(
        "valid-small-licence-mso",
        &[
            (
                "mso-signed-before-certificate",
                "the MSO's signed set to 2025-12-31T23:59:59Z, the MSO signed again",
            ),
            (
                "mso-unsupported-digest-algorithm",
                "the MSO's digestAlgorithm set to \"MD5\", the MSO signed again",
            ),
            (
                "mso-digest-missing",
                "one more item (digestID 999, age_over_21) disclosed",
            ),
            ("mso-digest-mismatch", "the first item's value changed"),
            (
                "mso-digest-over-bytes-as-received",
                "the first item's digestID re-encoded in the two-byte form 18 xx",
            ),
            ("mso-duplicate-element", "the first item disclosed twice"),
            (
                "mso-device-key-off-curve",
                "the device key's y coordinate changed, the MSO signed again",
            ),
        ],
    )?;
    let device = fx.device_key()?;

    ua_refused(
        b,
        fx,
        "mso-signed-before-certificate",
        "A correctly signed MSO whose validityInfo.signed (2025-12-31T23:59:59Z) is before \
         the Document Signer certificate's notBefore (2026-01-01T00:00:00Z).",
        forge::resigned(ua, &document, |mso| {
            let validity = forge::map_at(mso, "validityInfo")?;
            forge::map_set(
                validity,
                "signed",
                cbor::tdate(CERT_FROM - Duration::SECOND)?,
            )
        })?
        .to_vec()?,
        "mso_signed_outside_certificate",
    )?;
    ua_refused(
        b,
        fx,
        "mso-unsupported-digest-algorithm",
        "A correctly signed MSO whose digestAlgorithm is \"MD5\".",
        forge::resigned(ua, &document, |mso| {
            forge::map_set(mso, "digestAlgorithm", Value::Text("MD5".into()))
        })?
        .to_vec()?,
        "unsupported_digest_algorithm",
    )?;
    let mut extra: NameSpaces = document.name_spaces().to_vec();
    if let Some((_, items)) = extra.first_mut() {
        items.push(item(999, "age_over_21", Value::Bool(true))?);
    }
    ua_refused(
        b,
        fx,
        "mso-digest-missing",
        "An honest document with one more item (digestID 999, age_over_21) that the MSO has \
         no digest for.",
        IssuerSigned::new(extra, document.issuer_auth().clone()).to_vec()?,
        "digest_missing",
    )?;
    let mut tampered: NameSpaces = document.name_spaces().to_vec();
    let first: &mut IssuerSignedItemBytes = tampered
        .first_mut()
        .and_then(|(_, items)| items.first_mut())
        .ok_or_else(|| generator_error("no item"))?;
    let mut changed = first.item().clone();
    changed.element_value = match &changed.element_value {
        Value::Bool(b) => Value::Bool(!b),
        Value::Text(_) => Value::Text("Коваленко".into()),
        _ => Value::Null,
    };
    *first = IssuerSignedItemBytes::encode(changed)?;
    ua_refused(
        b,
        fx,
        "mso-digest-mismatch",
        "An honest document whose first item's value was changed (same digestID and salt).",
        IssuerSigned::new(tampered, document.issuer_auth().clone()).to_vec()?,
        "digest_mismatch",
    )?;
    ua_refused(
        b,
        fx,
        "mso-digest-over-bytes-as-received",
        "An item re-encoded with the same meaning but another encoding (its digestID as a \
         two-byte integer head, 18 xx): the digest is over the bytes as received.",
        edited(&document, |value| {
            let item = first_item(value)?;
            let Value::Tag(24, inner) = item else {
                return Err(generator_error("the item is not tag 24"));
            };
            let Value::Bytes(bytes) = inner.as_mut() else {
                return Err(generator_error("tag 24 without bytes"));
            };
            // The item map starts a4 68 "digestID" <uint>: widen the uint's head.
            match bytes.get(10) {
                Some(id) if bytes.starts_with(b"\xa4\x68digestID") && *id < 24 => {
                    let id = *id;
                    bytes.splice(10..11, [0x18, id]);
                    Ok(())
                }
                _ => Err(generator_error("unexpected item encoding")),
            }
        })?,
        "digest_mismatch",
    )?;
    let mut twice: NameSpaces = document.name_spaces().to_vec();
    if let Some((_, items)) = twice.first_mut()
        && let Some(first) = items.first().cloned()
    {
        items.push(first);
    }
    ua_refused(
        b,
        fx,
        "mso-duplicate-element",
        "An honest document with its first item disclosed twice (same digestID).",
        IssuerSigned::new(twice, document.issuer_auth().clone()).to_vec()?,
        "duplicate_element",
    )?;
    let mut off_curve = device.to_cose_key_value()?;
    if let Value::Map(entries) = &mut off_curve {
        for (label, value) in entries.iter_mut() {
            if *label == Value::from(-3)
                && let Value::Bytes(y) = value
                && let Some(last) = y.last_mut()
            {
                *last ^= 0x01;
            }
        }
    }
    ua_refused(
        b,
        fx,
        "mso-device-key-off-curve",
        "A correctly signed MSO whose P-256 device key has its y coordinate changed, so the \
         point is not on the curve.",
        forge::resigned(ua, &document, |mso| {
            forge::map_set(forge::map_at(mso, "deviceKeyInfo")?, "deviceKey", off_curve)
        })?
        .to_vec()?,
        "invalid_key",
    )?;
    let mut elements = small_elements("UA");
    if let Some(ns) = elements.get_mut(MDL_NS) {
        ns.insert("age_over_18".into(), Value::Text("yes".into()));
    }
    let document = issue(
        b,
        ua,
        MDL,
        &elements,
        &device,
        &validity(),
        IssueOptions::default(),
        // The seed of valid-small-licence-mso: the same salts and digest
        // IDs, so the one value is the only change.
        1601,
    )?;
    ua_refused(
        b,
        fx,
        "claims-element-of-wrong-type",
        "A correctly signed age_over_18 that is the text \"yes\", not a bool.",
        document.to_vec()?,
        "invalid_element",
    )?;
    let document = issue(
        b,
        ua,
        MDL,
        &small_elements("PL"),
        &device,
        &validity(),
        IssueOptions::default(),
        1601,
    )?;
    ua_refused(
        b,
        fx,
        "claims-issuing-country-mismatch",
        "The Ukrainian Document Signer signed issuing_country \"PL\".",
        document.to_vec()?,
        "country_mismatch",
    )?;
    b.derived_all(
        "valid-small-licence-mso",
        &[
            (
                "claims-element-of-wrong-type",
                "age_over_18 issued as the text \"yes\" instead of true",
            ),
            (
                "claims-issuing-country-mismatch",
                "issuing_country issued as \"PL\" instead of \"UA\"",
            ),
        ],
    )
}

// ----- Time -----

fn time_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let document = honest(b, fx, 1701)?.to_vec()?;
    let small = small_elements("UA");
    let skew = Duration::seconds(300);
    let second = Duration::SECOND;
    for (id, now, skew_seconds, expected, description) in [
        (
            "time-at-valid-until-plus-skew",
            VALID_UNTIL + skew,
            300,
            accepted(MDL, "UA", &small),
            "now is validUntil (2027-11-01T00:00:00Z) plus exactly the 300 s clock skew: valid.",
        ),
        (
            "time-one-second-past-skew",
            VALID_UNTIL + skew + second,
            300,
            Expected::error("expired"),
            "now is one second past validUntil plus the 300 s clock skew.",
        ),
        (
            "time-at-valid-from-minus-skew",
            VALID_FROM - skew,
            300,
            accepted(MDL, "UA", &small),
            "now is validFrom (2026-11-01T00:00:00Z) minus exactly the 300 s clock skew: valid.",
        ),
        (
            "time-one-second-before-skew",
            VALID_FROM - skew - second,
            300,
            Expected::error("not_yet_valid"),
            "now is one second before validFrom minus the 300 s clock skew.",
        ),
        (
            "time-no-skew-at-valid-until",
            VALID_UNTIL,
            0,
            accepted(MDL, "UA", &small),
            "With no clock skew, now exactly validUntil: valid (both ends are included).",
        ),
        (
            "time-no-skew-one-second-late",
            VALID_UNTIL + second,
            0,
            Expected::error("expired"),
            "With no clock skew, one second past validUntil.",
        ),
    ] {
        b.document_case(
            Kind::IssuerSigned,
            id,
            description,
            now,
            VerifierConfig {
                clock_skew_seconds: skew_seconds,
                ..ua_verifier(fx)?
            },
            document.clone(),
            None,
            expected,
        )?;
    }
    Ok(())
}

// ----- Trust through signed trust lists -----

fn trust_list_cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = fx.ua()?;
    let small = small_elements("UA");
    let document = honest(b, fx, 1801)?.to_vec()?;
    let polish_policy = PolicySpec::Listed {
        countries: vec!["PL".into()],
        pairs: DOC_TYPES
            .iter()
            .map(|d| ("UA".to_string(), d.to_string()))
            .collect(),
    };
    let listed = |authority: &Authority,
                  doc_types: &[&str],
                  from: Option<OffsetDateTime>,
                  until: Option<OffsetDateTime>| {
        docbridge::trust::IssuingAuthority::new(
            authority.demo.authority.id(),
            "UA",
            authority.demo.authority.name(),
            vec![authority.demo.iaca_certificate.clone()],
            doc_types.iter().copied(),
        )?
        .with_validity(from, until)
    };
    let ua_list = |sequence: u64,
                   issued: OffsetDateTime,
                   next_update: OffsetDateTime,
                   authority: docbridge::trust::IssuingAuthority| {
        TrustList::new("UA", sequence, issued, next_update, vec![authority])
    };
    let cases: [(&str, &str, TrustList, Expected); 8] = [
        (
            "via-trust-list-accepted",
            "The verifier trusts no IACA by hand: it pins the Ukrainian operator's root and \
             takes the Ukrainian trust list (sequence 1, next update 2026-12-01), which lists \
             the issuing authority for all three doc types. The policy is the Polish default \
             spelled out. Valid.",
            ua_list(
                1,
                LIST_ISSUED,
                LIST_NEXT_UPDATE,
                listed(ua, &DOC_TYPES, None, None)?,
            )?,
            accepted(MDL, "UA", &small),
        ),
        (
            "via-trust-list-authority-not-yet-valid",
            "The Ukrainian list gives the issuing authority validFrom 2026-11-30, after now.",
            ua_list(
                2,
                LIST_ISSUED,
                LIST_NEXT_UPDATE,
                listed(ua, &DOC_TYPES, Some(NOW + Duration::DAY), None)?,
            )?,
            Expected::error("authority_not_yet_valid"),
        ),
        (
            "via-trust-list-authority-expired",
            "The Ukrainian list gives the issuing authority validUntil 2026-11-28, before now.",
            ua_list(
                3,
                LIST_ISSUED,
                LIST_NEXT_UPDATE,
                listed(ua, &DOC_TYPES, None, Some(NOW - Duration::DAY))?,
            )?,
            Expected::error("authority_expired"),
        ),
        (
            "via-trust-list-stale",
            "The only Ukrainian list was due on 2026-11-15 (nextUpdate), before now; the store \
             allows no grace period and refuses stale lists.",
            ua_list(
                4,
                datetime!(2026-10-15 0:00 UTC),
                datetime!(2026-11-15 0:00 UTC),
                listed(ua, &DOC_TYPES, None, None)?,
            )?,
            Expected::error("trust_list_stale"),
        ),
        (
            "via-trust-list-doc-type-not-listed",
            "The Ukrainian list allows the issuing authority vehicle registrations only; it \
             signed a driving licence.",
            ua_list(
                5,
                LIST_ISSUED,
                LIST_NEXT_UPDATE,
                listed(ua, &[MVRC], None, None)?,
            )?,
            Expected::error("doc_type_not_allowed"),
        ),
        (
            "via-trust-list-authority-valid-from-now",
            "The Ukrainian list gives the issuing authority validFrom exactly now: valid (the \
             listed validity includes both ends).",
            ua_list(
                6,
                LIST_ISSUED,
                LIST_NEXT_UPDATE,
                listed(ua, &DOC_TYPES, Some(NOW), None)?,
            )?,
            accepted(MDL, "UA", &small),
        ),
        (
            "via-trust-list-authority-valid-until-now",
            "The Ukrainian list gives the issuing authority validUntil exactly now: valid (the \
             listed validity includes both ends).",
            ua_list(
                7,
                LIST_ISSUED,
                LIST_NEXT_UPDATE,
                listed(ua, &DOC_TYPES, None, Some(NOW))?,
            )?,
            accepted(MDL, "UA", &small),
        ),
        (
            "via-trust-list-issued-in-the-future",
            "The Ukrainian list says it was issued 2026-11-30, a day after now: valid. A list's \
             issued is compared with its nextUpdate only; the signer's certificate validity at \
             now and nextUpdate bound the list instead.",
            ua_list(
                8,
                NOW + Duration::DAY,
                LIST_NEXT_UPDATE,
                listed(ua, &DOC_TYPES, None, None)?,
            )?,
            accepted(MDL, "UA", &small),
        ),
    ];
    for (id, description, list, expected) in cases {
        let list = b.case_file(id, "ua-trust-list.cbor", fx.ua_operator.publish(&list)?)?;
        b.document_case(
            Kind::IssuerSigned,
            id,
            description,
            NOW,
            VerifierConfig {
                trusted_iacas: vec![],
                trust_lists: vec![list],
                operator_roots: vec![fx.ua_operator.pinned()?, fx.pl_operator.pinned()?],
                acceptance_policy: polish_policy.clone(),
                ..VerifierConfig::trusting(vec![])
            },
            document.clone(),
            None,
            expected,
        )?;
    }
    b.derived_all(
        "via-trust-list-accepted",
        &[
            (
                "via-trust-list-authority-not-yet-valid",
                "the listed authority given validFrom 2026-11-30T12:00:00Z (the list's sequence 2)",
            ),
            (
                "via-trust-list-authority-expired",
                "the listed authority given validUntil 2026-11-28T12:00:00Z (the list's sequence 3)",
            ),
            (
                "via-trust-list-stale",
                "the list issued 2026-10-15 with nextUpdate 2026-11-15 (sequence 4)",
            ),
            (
                "via-trust-list-doc-type-not-listed",
                "the listed authority's docTypes reduced to the vehicle registration (sequence 5)",
            ),
        ],
    )?;
    Ok(())
}
