//! Documents verified with a VICAL (ISO/IEC 18013-5 Annex C) in the
//! verifier's trust store: the VICAL's entries as the issuing authorities,
//! each for exactly the doc types it lists, the VICAL verified against the
//! anchor pinned for its provider.

use ciborium::value::Value;
use time::OffsetDateTime;
use time::macros::datetime;

use super::fixtures::{Fixtures, MDL, MVRC, NOW, issue, small_elements, spec, validity};
use super::{Builder, generator_error};
use crate::format::{Expected, Kind, PolicySpec, VerifierConfig, VicalAnchor};
use crate::runner::document_outcome;
use docbridge::cbor;
use docbridge::cose::{Algorithm, Sign1Options, Signer as _, SoftwareKey, sign1};
use docbridge::documents::json::elements_to_json;
use docbridge::error::Result;
use docbridge::issuer::IssueOptions;
use docbridge::x509::{self, Certificate, CertificateProfile};

/// The provider every VICAL here names.
const PROVIDER: &str = "Test VICAL Provider";

/// A VICAL provider: the root apps pin for it and its signing key.
struct Provider {
    root: Certificate,
    signer: Certificate,
    key: SoftwareKey,
}

/// The VICAL payload: `issuer`'s IACA listed for `doc_types`, dated
/// `date`, due `next_update`.
fn payload(
    iaca: &Certificate,
    doc_types: &[&str],
    date: OffsetDateTime,
    next_update: OffsetDateTime,
) -> Result<Value> {
    let text = |s: &str| Value::Text(s.to_string());
    let country = iaca
        .country()
        .ok_or_else(|| generator_error("the IACA names no country"))?;
    let info = cbor::text_map([
        ("certificate", Value::Bytes(iaca.der().to_vec())),
        ("serialNumber", Value::Bytes(iaca.serial().to_vec())),
        ("ski", Value::Bytes(vec![0x01, 0x02, 0x03])),
        (
            "docType",
            Value::Array(doc_types.iter().map(|d| text(d)).collect()),
        ),
        ("issuingCountry", text(country)),
        ("issuingAuthority", text("Diia ES256")),
    ]);
    Ok(cbor::text_map([
        ("version", text("1.0")),
        ("vicalProvider", text(PROVIDER)),
        ("date", cbor::tdate(date)?),
        ("vicalIssueID", Value::from(1u64)),
        ("nextUpdate", cbor::tdate(next_update)?),
        ("certificateInfos", Value::Array(vec![info])),
    ]))
}

/// `payload` signed by the provider, its signing certificate in x5chain.
fn signed(provider: &Provider, payload: &Value) -> Result<Vec<u8>> {
    let sign1 = sign1(
        &provider.key,
        &cbor::encode(payload)?,
        &Sign1Options {
            x5chain: vec![provider.signer.der().to_vec()],
            ..Sign1Options::default()
        },
    )?;
    cbor::encode(&sign1.to_value()?)
}

/// Adds the VICAL cases.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let mut rng = b.rng(6001);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let root = x509::create_self_signed(
        &spec("Test VICAL Root", "UA", 60011),
        CertificateProfile::Iaca,
        &root_key,
    )?;
    // No extended key usage: scoped by the pinned anchor alone (a signer
    // with extended key usages must have the VICAL signer's).
    let signer = x509::create_issued(
        &spec("Test VICAL Signer", "UA", 60012),
        CertificateProfile::TrustListSigner,
        &key.public_key(),
        &root,
        &root_key,
    )?;
    let provider = Provider { root, signer, key };
    let anchor = b.file(
        "trust/vical-provider/root.pem",
        provider.root.to_pem().into_bytes(),
    )?;
    let ua = fx.ua()?;
    let iaca = &ua.demo.iaca_certificate;
    let small = small_elements("UA");
    let document = issue(
        b,
        &ua.demo,
        MDL,
        &small,
        &fx.device_key()?,
        &validity(),
        IssueOptions::default(),
        6002,
    )?
    .to_vec()?;
    let date = datetime!(2026-11-20 0:00 UTC);
    let next_update = datetime!(2026-12-20 0:00 UTC);
    let listed = signed(&provider, &payload(iaca, &[MDL], date, next_update)?)?;
    let verifier =
        |b: &mut Builder<'_>, vical: Vec<u8>, provider: &str, id: &str| -> Result<VerifierConfig> {
            Ok(VerifierConfig {
                vicals: vec![b.case_file(id, "vical.cbor", vical)?],
                vical_anchors: vec![VicalAnchor {
                    provider: provider.to_string(),
                    certificate: anchor.clone(),
                }],
                acceptance_policy: PolicySpec::All,
                ..VerifierConfig::trusting(Vec::new())
            })
        };
    let mut flipped = listed.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 0x01;
    }
    let cases: [(&str, &str, Vec<u8>, &str, Expected); 5] = [
        (
            "vical-trusted",
            "The verifier trusts no IACA by hand; its trust store holds a VICAL (ISO/IEC \
             18013-5 Annex C, an untagged COSE_Sign1 over {version, vicalProvider, date, \
             vicalIssueID, nextUpdate, certificateInfos}) from the provider whose root it pins \
             (vicalAnchors), listing the Ukrainian ES256 IACA for driving licences: valid.",
            listed.clone(),
            PROVIDER,
            Expected::Valid(document_outcome(
                MDL,
                "UA",
                "not_referenced",
                elements_to_json(&small),
            )),
        ),
        (
            "vical-doc-type-not-listed",
            "The VICAL lists the IACA for vehicle registrations only: a driving licence it \
             vouches for is refused (a VICAL entry's docType is enforced).",
            signed(&provider, &payload(iaca, &[MVRC], date, next_update)?)?,
            PROVIDER,
            Expected::error("doc_type_not_allowed"),
        ),
        (
            "vical-provider-not-pinned",
            "The provider's root is pinned for another provider name (\"Other VICAL \
             Provider\"): no anchor for this VICAL's provider, so it vouches for nothing.",
            listed.clone(),
            "Other VICAL Provider",
            Expected::error("trust_list_untrusted_operator"),
        ),
        (
            "vical-signature-invalid",
            "The VICAL with the last bit of its signature flipped.",
            flipped,
            PROVIDER,
            Expected::error("signature_invalid"),
        ),
        (
            "vical-stale",
            "The VICAL was due for renewal on 2026-11-20, before now (no grace period).",
            signed(
                &provider,
                &payload(
                    iaca,
                    &[MDL],
                    datetime!(2026-10-20 0:00 UTC),
                    datetime!(2026-11-20 0:00 UTC),
                )?,
            )?,
            PROVIDER,
            Expected::error("trust_list_stale"),
        ),
    ];
    for (id, description, vical, pinned_for, expected) in cases {
        let config = verifier(b, vical, pinned_for, id)?;
        b.document_case(
            Kind::IssuerSigned,
            id,
            description,
            NOW,
            config,
            document.clone(),
            None,
            expected,
        )?;
    }
    b.derived_all(
        "vical-trusted",
        &[
            (
                "vical-doc-type-not-listed",
                "the VICAL entry's docType [\"org.iso.7367.1.mVRC\"] instead of \
                 [\"org.iso.18013.5.1.mDL\"], the VICAL signed again",
            ),
            (
                "vical-provider-not-pinned",
                "the anchor pinned for the provider name \"Other VICAL Provider\"",
            ),
            (
                "vical-signature-invalid",
                "the last bit of the VICAL's signature flipped",
            ),
            (
                "vical-stale",
                "the VICAL's date 2026-10-20 and nextUpdate 2026-11-20, before now, the VICAL \
                 signed again",
            ),
        ],
    )
}
