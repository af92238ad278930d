//! Kind `trust_list`: signed national trust lists taken in order by a
//! trust store that pins operator roots; rollback and sequence reuse are
//! properties of the sequence of updates, so a case may carry several.

use ciborium::value::Value;
use time::OffsetDateTime;
use time::macros::datetime;

use super::fixtures::{
    Authority, DOC_TYPES, Fixtures, LIST_ISSUED, LIST_NEXT_UPDATE, NOW, Operator, spec,
};
use super::{Builder, generator_error};
use crate::format::{Case, Expected, Input, Kind, OperatorRoot, Source};
use crate::runner::trust_list_outcome;
use docbridge::cbor;
use docbridge::cose::{Sign1Options, Signer as _, SoftwareKey, sign1};
use docbridge::error::Result;
use docbridge::trust::TrustStore;
use docbridge::trust::list::{SignedTrustList, TRUST_LIST_TYPE, TrustList};
use docbridge::trust::store::UpdateOutcome;
use docbridge::x509::{self, Certificate, CertificateProfile};

/// Adds every `trust_list` case.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua_op = &fx.ua_operator;
    let diia_es256 = fx.ua()?;
    let diia_eddsa = fx.authority("UA", docbridge::cose::Algorithm::EdDsa)?;
    let both = [diia_es256, diia_eddsa];
    let list = |sequence: u64, authorities: &[&Authority]| -> Result<TrustList> {
        TrustList::new(
            "UA",
            sequence,
            LIST_ISSUED,
            LIST_NEXT_UPDATE,
            authorities
                .iter()
                .map(|a| a.demo.authority.clone())
                .collect(),
        )
    };
    let seq1 = ua_op.publish(&list(1, &both)?)?;
    let seq2 = ua_op.publish(&list(2, &[diia_es256])?)?;
    let seq1_other = ua_op.publish(&list(1, &[diia_es256])?)?;
    let seq3 = ua_op.publish(&list(3, &both)?)?;
    let held = |sequence: u64, outcome: UpdateOutcome, authorities: &[&Authority]| {
        Expected::Valid(trust_list_outcome(
            "UA",
            sequence,
            outcome,
            authorities
                .iter()
                .map(|a| {
                    (
                        a.demo.authority.id().to_string(),
                        "UA".to_string(),
                        a.demo.authority.doc_types().iter().cloned().collect(),
                    )
                })
                .collect(),
        ))
    };
    let pinned = vec![ua_op.pinned()?, fx.pl_operator.pinned()?];
    let run = TrustListCase {
        roots: pinned.clone(),
        now: NOW,
        saved_state: None,
    };

    run.add(
        b,
        "trust-list-accepted",
        "The Ukrainian operator's list, sequence 1, listing two Ukrainian authorities for all \
         three doc types, signed by the operator's signing certificate under the pinned UA \
         root.",
        &[&seq1],
        held(1, UpdateOutcome::Replaced, &both),
    )?;
    run.add(
        b,
        "trust-list-newer-sequence-replaces",
        "Sequence 1, then sequence 2 listing one authority: sequence 2 replaces it.",
        &[&seq1, &seq2],
        held(2, UpdateOutcome::Replaced, &[diia_es256]),
    )?;
    run.add(
        b,
        "trust-list-same-list-again",
        "Sequence 1 taken twice: the second update changes nothing.",
        &[&seq1, &seq1],
        held(1, UpdateOutcome::Unchanged, &both),
    )?;
    // The same payload bytes signed again by a second signing key of the
    // operator: "unchanged" compares payloads, not the COSE_Sign1 around them.
    let second_key = SoftwareKey::generate(ua_op.key.algorithm(), &mut b.rng(5101));
    let second_signer = x509::create_issued(
        &spec("UA Trust List Signer 2", "UA", 5002),
        CertificateProfile::TrustListSigner,
        &second_key.public_key(),
        &ua_op.root,
        &ua_op.root_key,
    )?;
    let seq1_resigned = SignedTrustList::from_slice(&seq1)?
        .resign(&second_key, &[second_signer])?
        .as_bytes()
        .to_vec();
    run.add(
        b,
        "trust-list-same-payload-re-signed",
        "Sequence 1, then the same payload bytes signed again by a second signing certificate \
         of the operator (another key, under the pinned UA root): unchanged, because the store \
         compares the payload bytes, not the signature, headers or chain around them.",
        &[&seq1, &seq1_resigned],
        held(1, UpdateOutcome::Unchanged, &both),
    )?;
    run.add(
        b,
        "trust-list-rollback",
        "Sequence 2, then the older sequence 1: a replayed old list cannot restore what the \
         newer one removed.",
        &[&seq2, &seq1],
        Expected::error("trust_list_rollback"),
    )?;
    run.add(
        b,
        "trust-list-sequence-reused",
        "Sequence 1, then another list also numbered 1 with other content (one authority \
         instead of two): equivocation.",
        &[&seq1, &seq1_other],
        Expected::error("trust_list_sequence_reused"),
    )?;
    let stale = ua_op.publish(&TrustList::new(
        "UA",
        1,
        datetime!(2026-10-15 0:00 UTC),
        datetime!(2026-11-15 0:00 UTC),
        both.iter().map(|a| a.demo.authority.clone()).collect(),
    )?)?;
    run.add(
        b,
        "trust-list-stale",
        "A list whose nextUpdate (2026-11-15) has passed; no grace period.",
        &[&stale],
        Expected::error("trust_list_stale"),
    )?;
    for (id, now, expected, description) in [
        (
            "trust-list-at-next-update",
            LIST_NEXT_UPDATE,
            held(1, UpdateOutcome::Replaced, &both),
            "now is exactly the list's nextUpdate (2026-12-01T00:00:00Z): not stale yet.",
        ),
        (
            "trust-list-one-second-past-next-update",
            LIST_NEXT_UPDATE + time::Duration::SECOND,
            Expected::error("trust_list_stale"),
            "now is one second past the list's nextUpdate.",
        ),
    ] {
        TrustListCase { now, ..run.clone() }.add(b, id, description, &[&seq1], expected)?;
    }
    b.derived(
        "trust-list-one-second-past-next-update",
        "trust-list-at-next-update",
        "now one second later",
    )?;
    b.derived_all(
        "trust-list-accepted",
        &[
            (
                "trust-list-signature-invalid",
                "the last bit of the list's signature flipped",
            ),
            (
                "trust-list-untrusted-operator",
                "the same list signed by an operator whose root nobody pinned",
            ),
        ],
    )?;
    b.derived(
        "trust-list-rollback",
        "trust-list-newer-sequence-replaces",
        "the two updates in the opposite order",
    )?;
    b.derived(
        "trust-list-sequence-reused",
        "trust-list-same-list-again",
        "the second update another list also numbered 1, listing the ES256 authority only",
    )?;
    b.derived(
        "trust-list-stale",
        "trust-list-accepted",
        "the list's issued 2026-10-15 and nextUpdate 2026-11-15, before now",
    )?;
    let mut flipped = seq1.clone();
    if let Some(last) = flipped.last_mut() {
        *last ^= 0x01;
    }
    run.add(
        b,
        "trust-list-signature-invalid",
        "Sequence 1 with the last bit of its signature flipped.",
        &[&flipped],
        Expected::error("signature_invalid"),
    )?;

    // Lists signed by hand, for content the builder refuses to make.
    let ua_entry = |authority: &Authority| {
        entry(
            authority.demo.authority.id(),
            "UA",
            &DOC_TYPES,
            &[&authority.demo.iaca_certificate],
        )
    };
    let by_hand = list_value("UA", 1, vec![ua_entry(diia_es256)])?;
    run.add(
        b,
        "trust-list-signed-by-hand",
        "A list payload written field by field (version 1, one entry for the ES256 \
         authority, all three doc types) and signed with the protected typ by the operator's \
         signing certificate: the valid case the hand-made refused lists each change in one \
         place.",
        &[&sign_raw(ua_op, &by_hand, Some(TRUST_LIST_TYPE))?],
        held(1, UpdateOutcome::Replaced, &[diia_es256]),
    )?;
    b.derived_all(
        "trust-list-signed-by-hand",
        &[
            ("trust-list-without-typ", "the protected typ left out"),
            ("trust-list-version-2", "version set to 2"),
            (
                "trust-list-unknown-key",
                "a top-level key \"comment\": \"x\" added",
            ),
            (
                "trust-list-duplicate-authority",
                "a second entry with the same id, listing the EdDSA authority's IACA",
            ),
            (
                "trust-list-empty-certificates",
                "the entry's iacaCertificates an empty array",
            ),
            (
                "trust-list-not-ca",
                "the entry's IACA certificate replaced by the authority's Document Signer \
                 certificate",
            ),
            (
                "trust-list-signer-country-mismatch",
                "signed by a signing certificate for the same key under the same root whose \
                 countryName is PL",
            ),
            (
                "trust-list-signed-by-the-root",
                "signed with the operator's root key, the root certificate in x5chain",
            ),
        ],
    )?;
    let untyped = sign_raw(
        ua_op,
        &list_value("UA", 1, vec![ua_entry(diia_es256)])?,
        None,
    )?;
    run.add(
        b,
        "trust-list-without-typ",
        "A correctly signed list payload without the protected typ \
         \"application/docbridge-trust-list+cbor\": it might be any other signed object.",
        &[&untyped],
        Expected::error("trust_list_wrong_type"),
    )?;
    let mut version2 = list_value("UA", 1, vec![ua_entry(diia_es256)])?;
    set(&mut version2, "version", Value::from(2u64))?;
    run.add(
        b,
        "trust-list-version-2",
        "A correctly signed list of format version 2, which this crate does not read.",
        &[&sign_raw(ua_op, &version2, Some(TRUST_LIST_TYPE))?],
        Expected::error("trust_list_malformed"),
    )?;
    let mut unknown = list_value("UA", 1, vec![ua_entry(diia_es256)])?;
    if let Value::Map(entries) = &mut unknown {
        entries.push((Value::Text("comment".into()), Value::Text("x".into())));
    }
    run.add(
        b,
        "trust-list-unknown-key",
        "A correctly signed list with an unknown top-level key (\"comment\"): refused, so no \
         reader ever ignores a rule it does not know.",
        &[&sign_raw(ua_op, &unknown, Some(TRUST_LIST_TYPE))?],
        Expected::error("trust_list_malformed"),
    )?;
    run.add(
        b,
        "trust-list-untrusted-operator",
        "A Ukrainian list signed by an operator whose root nobody pinned.",
        &[&fx.rogue_operator.publish(&list(1, &both)?)?],
        Expected::error("trust_list_untrusted_operator"),
    )?;
    let polish = fx.pl_operator.publish(&TrustList::new(
        "PL",
        1,
        LIST_ISSUED,
        LIST_NEXT_UPDATE,
        vec![fx.pl()?.demo.authority.clone()],
    )?)?;
    let pl_authority = &fx.pl()?.demo.authority;
    run.add(
        b,
        "trust-list-polish-accepted",
        "The Polish operator's list, sequence 1, one Polish authority; both operators' roots \
         are pinned.",
        &[&polish],
        Expected::Valid(trust_list_outcome(
            "PL",
            1,
            UpdateOutcome::Replaced,
            vec![(
                pl_authority.id().to_string(),
                "PL".to_string(),
                pl_authority.doc_types().iter().cloned().collect(),
            )],
        )),
    )?;
    TrustListCase {
        roots: vec![ua_op.pinned()?],
        ..run.clone()
    }
    .add(
        b,
        "trust-list-no-root-pinned-for-country",
        "A Polish list; only the Ukrainian operator's root is pinned.",
        &[&polish],
        Expected::error("trust_list_untrusted_operator"),
    )?;
    b.derived(
        "trust-list-no-root-pinned-for-country",
        "trust-list-polish-accepted",
        "the Polish operator's root not pinned",
    )?;
    let foreign = list_value(
        "PL",
        1,
        vec![entry(
            "PL:diia",
            "PL",
            &DOC_TYPES,
            &[&diia_es256.demo.iaca_certificate],
        )],
    )?;
    run.add(
        b,
        "trust-list-foreign-authority",
        "The Polish operator's list names, under a Polish id and country, the Ukrainian IACA \
         (countryName UA): one country's list may not vouch for another's authorities.",
        &[&sign_raw(&fx.pl_operator, &foreign, Some(TRUST_LIST_TYPE))?],
        Expected::error("trust_list_foreign_authority"),
    )?;
    let duplicate = list_value(
        "UA",
        1,
        vec![
            ua_entry(diia_es256),
            entry(
                diia_es256.demo.authority.id(),
                "UA",
                &DOC_TYPES,
                &[&diia_eddsa.demo.iaca_certificate],
            ),
        ],
    )?;
    run.add(
        b,
        "trust-list-duplicate-authority",
        "Two entries of one list share an id.",
        &[&sign_raw(ua_op, &duplicate, Some(TRUST_LIST_TYPE))?],
        Expected::error("trust_list_duplicate_authority"),
    )?;
    let empty = list_value(
        "UA",
        1,
        vec![entry(diia_es256.demo.authority.id(), "UA", &DOC_TYPES, &[])],
    )?;
    run.add(
        b,
        "trust-list-empty-certificates",
        "A listed authority with no IACA certificate.",
        &[&sign_raw(ua_op, &empty, Some(TRUST_LIST_TYPE))?],
        Expected::error("trust_list_empty_certificates"),
    )?;
    let not_ca = list_value(
        "UA",
        1,
        vec![entry(
            diia_es256.demo.authority.id(),
            "UA",
            &DOC_TYPES,
            &[&diia_es256.demo.ds_certificate],
        )],
    )?;
    run.add(
        b,
        "trust-list-not-ca",
        "A listed \"IACA\" certificate is the authority's Document Signer certificate, not a \
         CA: one leaked Document Signer key could otherwise mint new signers.",
        &[&sign_raw(ua_op, &not_ca, Some(TRUST_LIST_TYPE))?],
        Expected::error("trust_list_not_ca"),
    )?;
    let polish_signer = x509::create_issued(
        &spec("PL Trust List Signer", "PL", 5001),
        CertificateProfile::TrustListSigner,
        &ua_op.key.public_key(),
        &ua_op.root,
        &ua_op.root_key,
    )?;
    run.add(
        b,
        "trust-list-signer-country-mismatch",
        "A Ukrainian list signed under the pinned UA root, but by a signing certificate whose \
         countryName is PL.",
        &[&sign_with(
            ua_op,
            &polish_signer,
            &list_value("UA", 1, vec![ua_entry(diia_es256)])?,
        )?],
        Expected::error("country_mismatch"),
    )?;
    let by_root = sign1(
        &ua_op.root_key,
        &cbor::encode(&list_value("UA", 1, vec![ua_entry(diia_es256)])?)?,
        &Sign1Options {
            x5chain: vec![ua_op.root.der().to_vec()],
            typ: Some(TRUST_LIST_TYPE.into()),
            ..Sign1Options::default()
        },
    )?;
    run.add(
        b,
        "trust-list-signed-by-the-root",
        "A list signed directly with the operator's root key (a CA certificate); lists must \
         be signed by an end-entity signing key.",
        &[&cbor::encode(&by_root.to_value()?)?],
        Expected::error("certificate_profile"),
    )?;

    // Saved trust store states.
    let state_with = |bytes: &[u8]| -> Result<Vec<u8>> {
        let mut store = TrustStore::new();
        store.pin_operator("UA", ua_op.root.clone())?;
        store.update(bytes, NOW)?;
        let mut out = Vec::new();
        store.save_to(&mut out)?;
        Ok(out)
    };
    TrustListCase {
        saved_state: Some(state_with(&seq3)?),
        ..run.clone()
    }
    .add(
        b,
        "trust-list-saved-state-blocks-rollback",
        "The store is loaded from a saved state holding sequence 3 (savedState), then offered \
         sequence 2: still a rollback after a restart.",
        &[&seq2],
        Expected::error("trust_list_rollback"),
    )?;
    TrustListCase {
        saved_state: Some(state_with(&seq1)?),
        ..run.clone()
    }
    .add(
        b,
        "trust-list-saved-state-then-newer",
        "The store is loaded from a saved state holding sequence 1, then takes sequence 2.",
        &[&seq2],
        held(2, UpdateOutcome::Replaced, &[diia_es256]),
    )?;
    let corrupt = cbor::encode(&cbor::text_map([
        ("version", Value::from(1u64)),
        ("trustLists", Value::Array(vec![Value::Bytes(flipped)])),
        ("vicals", Value::Array(vec![])),
    ]))?;
    TrustListCase {
        saved_state: Some(corrupt),
        ..run
    }
    .add(
        b,
        "trust-list-saved-state-corrupt",
        "A saved state whose list no longer verifies (its signature's last bit flipped): \
         the load is refused as a whole before any update.",
        &[&seq2],
        Expected::error("trust_store_corrupt"),
    )?;
    b.derived_all(
        "trust-list-saved-state-then-newer",
        &[
            (
                "trust-list-saved-state-blocks-rollback",
                "the saved state holds sequence 3 instead of 1",
            ),
            (
                "trust-list-saved-state-corrupt",
                "the last bit of the saved list's signature flipped",
            ),
        ],
    )
}

/// How a group of `trust_list` cases runs.
#[derive(Clone)]
struct TrustListCase {
    roots: Vec<OperatorRoot>,
    now: OffsetDateTime,
    saved_state: Option<Vec<u8>>,
}

impl TrustListCase {
    fn add(
        &self,
        b: &mut Builder<'_>,
        id: &str,
        description: &str,
        updates: &[&Vec<u8>],
        expected: Expected,
    ) -> Result<()> {
        let saved_state = self
            .saved_state
            .as_ref()
            .map(|state| b.case_file(id, "saved-state.cbor", state.clone()))
            .transpose()?;
        let updates = updates
            .iter()
            .enumerate()
            .map(|(index, bytes)| {
                b.case_file(id, &format!("update-{}.cbor", index + 1), (*bytes).clone())
            })
            .collect::<Result<Vec<Source>>>()?;
        b.add(Case {
            id: id.to_string(),
            description: description.to_string(),
            kind: Kind::TrustList,
            now: self.now,
            input: Input::TrustList {
                operator_roots: self.roots.clone(),
                saved_state,
                updates,
            },
            expected,
            derived_from: None,
        })
    }
}

/// The CBOR of an authority entry.
fn entry(id: &str, country: &str, doc_types: &[&str], certificates: &[&Certificate]) -> Value {
    cbor::text_map([
        ("id", Value::Text(id.into())),
        ("country", Value::Text(country.into())),
        ("name", Value::Text(id.into())),
        (
            "docTypes",
            Value::Array(
                doc_types
                    .iter()
                    .map(|d| Value::Text(d.to_string()))
                    .collect(),
            ),
        ),
        (
            "iacaCertificates",
            Value::Array(
                certificates
                    .iter()
                    .map(|c| Value::Bytes(c.der().to_vec()))
                    .collect(),
            ),
        ),
    ])
}

/// The CBOR of a list payload issued [`LIST_ISSUED`], due [`LIST_NEXT_UPDATE`].
fn list_value(country: &str, sequence: u64, authorities: Vec<Value>) -> Result<Value> {
    Ok(cbor::text_map([
        ("version", Value::from(1u64)),
        ("operatorCountry", Value::Text(country.into())),
        ("sequence", Value::from(sequence)),
        ("issued", cbor::tdate(LIST_ISSUED)?),
        ("nextUpdate", cbor::tdate(LIST_NEXT_UPDATE)?),
        ("authorities", Value::Array(authorities)),
    ]))
}

fn set(map: &mut Value, key: &str, value: Value) -> Result<()> {
    super::forge::map_set(map, key, value)
}

/// `payload` signed by the operator's signing key and certificate, with
/// `typ` in the protected header if given.
fn sign_raw(operator: &Operator, payload: &Value, typ: Option<&str>) -> Result<Vec<u8>> {
    let signed = sign1(
        &operator.key,
        &cbor::encode(payload)?,
        &Sign1Options {
            x5chain: vec![operator.signer.der().to_vec()],
            typ: typ.map(str::to_string),
            ..Sign1Options::default()
        },
    )?;
    cbor::encode(&signed.to_value()?)
}

/// `payload` signed as a trust list by the operator's signing key with
/// `certificate` (which must certify that key) in x5chain.
fn sign_with(operator: &Operator, certificate: &Certificate, payload: &Value) -> Result<Vec<u8>> {
    if *certificate.public_key() != operator.key.public_key() {
        return Err(generator_error("the certificate is not the signing key's"));
    }
    let signed = sign1(
        &operator.key,
        &cbor::encode(payload)?,
        &Sign1Options {
            x5chain: vec![certificate.der().to_vec()],
            typ: Some(TRUST_LIST_TYPE.into()),
            ..Sign1Options::default()
        },
    )?;
    cbor::encode(&signed.to_value()?)
}
