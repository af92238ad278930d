//! Kinds `device_response` (the verifier's side of a presentation: issuer
//! data authentication and device authentication against its own session
//! transcript) and `device_request` (the holder's check of reader
//! authentication).

use std::collections::BTreeMap;

use ciborium::value::Value;
use coset::{CoseMac0, CoseMac0Builder, HeaderBuilder, iana};
use hmac::{KeyInit as _, Mac as _};
use time::OffsetDateTime;
use time::macros::datetime;

use super::fixtures::{
    CERT_FROM, Fixtures, MDL, MDL_NS, MVRC, NOW, alg_slug, alg_title, issue, sample_elements,
    small_elements, spec, validity,
};
use super::status::{STATUS_URI, signed, with_status};
use super::{Builder, forge, generator_error};
use crate::format::{Case, DOCUMENTS, Expected, Input, Kind, StatusTokenEntry, VerifierConfig};
use crate::runner::{document_outcome, request_members};
use docbridge::cbor;
use docbridge::cose::{Algorithm, Signer as _, SoftwareKey};
use docbridge::dcapi::{EncryptedResponse, EncryptionInfo};
use docbridge::deps::p256;
use docbridge::device_auth::device_authentication_bytes;
use docbridge::device_response::{DeviceAuth, DeviceResponse, DeviceSigned, Document};
use docbridge::documents::Elements;
use docbridge::documents::json::elements_to_json;
use docbridge::error::Result;
use docbridge::holder::{Consent, HolderPolicy, ReportUnreturned, Wallet};
use docbridge::issuer::IssueOptions;
use docbridge::issuer_signed::IssuerSigned;
use docbridge::request::{DeviceRequest, ItemsRequest};
use docbridge::status::{ManagedStatusList, StatusBits, StatusValue};
use docbridge::transcript;
use docbridge::x509::{self, Certificate, CertificateProfile, CertificateSpec};

/// The elements most presentations disclose.
const DISCLOSED: [&str; 3] = ["family_name", "birth_date", "portrait"];

/// Adds every `device_response` and `device_request` case.
pub(super) fn cases(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    responses(b, fx)?;
    online_responses(b, fx)?;
    requests(b)
}

// ----- DeviceResponse -----

/// The parts of a `device_response` case.
struct ResponseCase<'a> {
    id: &'a str,
    description: &'a str,
    verifier: VerifierConfig,
    response: Vec<u8>,
    transcript: &'a [u8],
    reader_key: Option<&'a SoftwareKey>,
    /// The verifier's HPKE key when the response is an EncryptedResponse.
    hpke_key: Option<&'a SoftwareKey>,
    status_token: Option<Vec<u8>>,
    expected: Expected,
}

fn add_response(b: &mut Builder<'_>, case: ResponseCase<'_>) -> Result<()> {
    let id = case.id;
    let response = b.case_file(id, "response.cbor", case.response)?;
    let transcript = b.case_file(id, "transcript.cbor", case.transcript.to_vec())?;
    let reader_key = case
        .reader_key
        .map(|key| -> Result<String> {
            b.case_text(id, "reader.key.pem", key.to_pkcs8_pem()?.to_string())
        })
        .transpose()?;
    let hpke_key = case
        .hpke_key
        .map(|key| -> Result<String> {
            b.case_text(id, "hpke.key.pem", key.to_pkcs8_pem()?.to_string())
        })
        .transpose()?;
    let status_tokens = case
        .status_token
        .map(|token| -> Result<StatusTokenEntry> {
            Ok(StatusTokenEntry {
                uri: STATUS_URI.to_string(),
                token: b.case_file(id, "status-token.cwt", token)?,
            })
        })
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    b.add(Case {
        id: id.to_string(),
        description: case.description.to_string(),
        kind: Kind::DeviceResponse,
        now: NOW,
        input: Input::DeviceResponse {
            verifier: case.verifier,
            response,
            transcript,
            reader_key,
            hpke_key,
            status_tokens,
        },
        expected: case.expected,
        derived_from: None,
    })
}

/// The elements of namespace `ns` named in `names`.
fn subset(elements: &Elements, ns: &str, names: &[&str]) -> Elements {
    let mut out = Elements::new();
    if let Some(all) = elements.get(ns) {
        let kept: BTreeMap<_, _> = all
            .iter()
            .filter(|(name, _)| names.contains(&name.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !kept.is_empty() {
            out.insert(ns.to_string(), kept);
        }
    }
    out
}

/// A request for `names` of the driving licence, unsigned.
fn licence_request(names: &[&str], doc_type: &str, transcript: &[u8]) -> Result<DeviceRequest> {
    let mut items = ItemsRequest::new(doc_type);
    for name in names {
        items = items.element(MDL_NS, name, false);
    }
    DeviceRequest::build(&[items], None, transcript)
}

/// The holder's answer to `request` from `stored`, device-signed by `device`:
/// everything asked approved, by a holder whose policy names unreturned doc
/// types to every reader (so a verifier meets `documentErrors`).
fn answer(
    stored: &IssuerSigned,
    request: &DeviceRequest,
    transcript: &[u8],
    device: &SoftwareKey,
) -> Result<DeviceResponse> {
    let mut wallet = Wallet::new(vec![stored.clone()]).with_policy(HolderPolicy {
        report_unreturned: ReportUnreturned::Always,
        ..HolderPolicy::default()
    });
    let prepared = wallet.prepare(request, transcript, &[], NOW)?;
    Ok(wallet
        .approve(&prepared, &Consent::all(&prepared), &[device])?
        .response)
}

/// The response's first document.
fn first_document(response: &DeviceResponse) -> Result<&Document> {
    response
        .documents
        .first()
        .ok_or_else(|| generator_error("the response holds no document"))
}

/// `response` with its first document replaced by `document`.
fn with_document(response: &DeviceResponse, document: Document) -> DeviceResponse {
    DeviceResponse {
        documents: vec![document],
        ..response.clone()
    }
}

/// A deviceMac (HMAC 256/256 under `emac_key`) over the
/// DeviceAuthenticationBytes of `doc_type` with no device-signed elements.
fn device_mac(emac_key: &[u8], transcript: &[u8], doc_type: &str) -> Result<CoseMac0> {
    let protected = coset::ProtectedHeader {
        original_data: None,
        header: HeaderBuilder::new()
            .algorithm(iana::Algorithm::HMAC_256_256)
            .build(),
    };
    let payload = device_authentication_bytes(transcript, doc_type, &[0xa0])?;
    let data = coset::mac_structure_data(
        coset::MacContext::CoseMac0,
        protected.clone(),
        b"",
        &payload,
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(emac_key)
        .map_err(|e| generator_error(&e.to_string()))?;
    mac.update(&data);
    Ok(CoseMac0Builder::new()
        .protected(protected.header)
        .tag(mac.finalize().into_bytes().to_vec())
        .build())
}

/// `document` with no device-signed elements and `auth` as its device
/// authentication.
fn with_device_auth(document: &Document, auth: DeviceAuth) -> Document {
    Document::new(
        document.doc_type().to_string(),
        document.issuer_signed().clone(),
        DeviceSigned::new(vec![0xa0], auth),
        document.errors().clone(),
    )
}

/// `document` with its family_name item's value replaced by another
/// text: the MSO digest is the one defect (a value of another type would
/// break the type check too), and the device signature, which does not
/// cover issuer items, still verifies.
fn family_name_tampered(document: &Document) -> Result<Document> {
    let mut items = document.issuer_signed().name_spaces().to_vec();
    let item = items
        .iter_mut()
        .flat_map(|(_, items)| items.iter_mut())
        .find(|item| item.item().element_identifier == "family_name")
        .ok_or_else(|| generator_error("no family_name item"))?;
    let mut changed = item.item().clone();
    changed.element_value = Value::Text("Коваленко".into());
    *item = docbridge::issuer_signed::IssuerSignedItemBytes::encode(changed)?;
    Ok(Document::new(
        document.doc_type().to_string(),
        IssuerSigned::new(items, document.issuer_signed().issuer_auth().clone()),
        document.device_signed().clone(),
        document.errors().clone(),
    ))
}

/// The outcome of a response of two or more documents: each document's.
fn per_document(outcomes: &[Expected]) -> Expected {
    let mut members = serde_json::Map::new();
    members.insert(
        DOCUMENTS.into(),
        serde_json::Value::Array(outcomes.iter().map(Expected::to_json).collect()),
    );
    Expected::Valid(members)
}

/// The P-256 private key of a software key.
fn p256_secret(key: &SoftwareKey) -> Result<p256::SecretKey> {
    match key {
        SoftwareKey::P256(signing) => Ok(p256::SecretKey::from(signing)),
        _ => Err(generator_error("not a P-256 key")),
    }
}

fn responses(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = fx.ua()?;
    let verifier = VerifierConfig::trusting(vec![ua.trusted.clone()]);
    let licence = sample_elements(MDL, "UA")?;
    let disclosed = subset(&licence, MDL_NS, &DISCLOSED);
    let backend = transcript::backend_nonce("mObywatel backend", &[0x11; 16])?;
    let other_session = transcript::backend_nonce("mObywatel backend", &[0x12; 16])?;
    let request = licence_request(&DISCLOSED, MDL, &backend)?;
    let accepted = |elements: &Elements, status: &str| {
        Expected::Valid(document_outcome(
            MDL,
            "UA",
            status,
            elements_to_json(elements),
        ))
    };

    let mut es256 = None;
    for (index, alg) in (0u64..).zip(Algorithm::ALL) {
        let device = fx.device(alg)?;
        let stored = issue(
            b,
            &ua.demo,
            MDL,
            &licence,
            &device.public_key(),
            &validity(),
            IssueOptions::default(),
            3001 + index,
        )?;
        let response = answer(&stored, &request, &backend, device)?;
        add_response(
            b,
            ResponseCase {
                id: &format!("response-device-signature-{}", alg_slug(alg)),
                description: &format!(
                    "A backend-to-backend presentation (transcript [null, null, \
                     [\"docbridge-nonce-v1\", \"mObywatel backend\", nonce]]) of family_name, \
                     birth_date and portrait of the Ukrainian licence, device-signed with an {} \
                     device key: valid, holder bound, only the disclosed elements.",
                    alg_title(alg)
                ),
                verifier: verifier.clone(),
                response: response.to_vec()?,
                transcript: &backend,
                reader_key: None,
                hpke_key: None,
                status_token: None,
                expected: accepted(&disclosed, "not_referenced"),
            },
        )?;
        if alg == Algorithm::Es256 {
            es256 = Some((stored, response));
        }
    }
    // The ES256 document and its response: the refused cases below change
    // one thing of them.
    let (stored, response) = es256.ok_or_else(|| generator_error("no ES256 response"))?;
    add_response(
        b,
        ResponseCase {
            id: "response-replayed-under-another-transcript",
            description: "The ES256 response above, verified under another session's \
                              transcript (another nonce): the device signature does not \
                              cover this session.",
            verifier: verifier.clone(),
            response: response.to_vec()?,
            transcript: &other_session,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("device_signature_invalid"),
        },
    )?;
    let document = first_document(&response)?;
    add_response(
        b,
        ResponseCase {
            id: "response-doc-type-mismatch",
            description: "The Document says it is a residence permit; its MSO is a \
                              driving licence's.",
            verifier: verifier.clone(),
            response: with_document(
                &response,
                Document::new(
                    super::fixtures::PERMIT.to_string(),
                    document.issuer_signed().clone(),
                    document.device_signed().clone(),
                    document.errors().clone(),
                ),
            )
            .to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("doc_type_mismatch"),
        },
    )?;
    let device_name_spaces = cbor::encode(&cbor::text_map([(
        MDL_NS,
        cbor::text_map([("age_over_18", Value::Bool(true))]),
    )]))?;
    add_response(
        b,
        ResponseCase {
            id: "response-device-key-unauthorized",
            description: "The holder device-signed age_over_18 although the MSO \
                              records no key authorizations for the device key.",
            verifier: verifier.clone(),
            response: with_document(
                &response,
                Document::new(
                    document.doc_type().to_string(),
                    document.issuer_signed().clone(),
                    DeviceSigned::new(
                        device_name_spaces,
                        document.device_signed().device_auth().clone(),
                    ),
                    document.errors().clone(),
                ),
            )
            .to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("device_key_unauthorized"),
        },
    )?;
    let mut value = cbor::decode(&response.to_vec()?)?;
    {
        let documents = forge::array_of(forge::map_at(&mut value, "documents")?)?;
        let device_signed = forge::map_at(forge::first(documents)?, "deviceSigned")?;
        forge::map_set(device_signed, "deviceAuth", Value::Map(vec![]))?;
    }
    add_response(
        b,
        ResponseCase {
            id: "response-device-auth-missing",
            description: "deviceAuth holds neither deviceSignature nor deviceMac.",
            verifier: verifier.clone(),
            response: cbor::encode(&value)?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("device_auth_missing"),
        },
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-disclosed-item-tampered",
            description: "A disclosed item's value changed inside the response; the \
                              device signature still verifies (it does not cover issuer \
                              items), the MSO digest does not.",
            verifier: verifier.clone(),
            response: with_document(&response, family_name_tampered(document)?).to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("digest_mismatch"),
        },
    )?;

    b.derived_all(
        "response-device-signature-es256",
        &[
            (
                "response-replayed-under-another-transcript",
                "the verifier's transcript made with another nonce",
            ),
            (
                "response-doc-type-mismatch",
                "the Document's docType set to the residence permit's",
            ),
            (
                "response-device-key-unauthorized",
                "deviceNameSpaces replaced by one holding age_over_18, the device signature kept",
            ),
            ("response-device-auth-missing", "deviceAuth an empty map"),
            (
                "response-disclosed-item-tampered",
                "the family_name item's value replaced by another text",
            ),
        ],
    )?;
    let device = fx.device(Algorithm::Es256)?;
    let request_permit = licence_request(&DISCLOSED, super::fixtures::PERMIT, &backend)?;
    add_response(
        b,
        ResponseCase {
            id: "response-no-document",
            description: "The reader asked for a residence permit the wallet does not hold: the \
                          response has no document, only documentErrors.",
            verifier: verifier.clone(),
            response: answer(&stored, &request_permit, &backend, device)?.to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("document_not_returned"),
        },
    )?;
    let pl = fx.pl()?;
    let polish = issue(
        b,
        &pl.demo,
        MDL,
        &sample_elements(MDL, "PL")?,
        &device.public_key(),
        &validity(),
        IssueOptions::default(),
        3011,
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-issuer-untrusted",
            description: "A correctly device-signed Polish licence; the verifier trusts only the \
                          Ukrainian authority. Issuer data authentication comes first.",
            verifier: verifier.clone(),
            response: answer(&polish, &request, &backend, device)?.to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("untrusted_issuer"),
        },
    )?;

    // Two documents in one response, each verified on its own: the
    // outcome lists both, so a refused one is seen beside a valid one.
    let ua_answer = answer(&stored, &request, &backend, device)?;
    let pl_answer = answer(&polish, &request, &backend, device)?;
    let ua_document = first_document(&ua_answer)?;
    let pl_document = first_document(&pl_answer)?;
    let two_documents = |first: Document| DeviceResponse {
        documents: vec![first, pl_document.clone()],
        ..ua_answer.clone()
    };
    let ua_accepted = accepted(&disclosed, "not_referenced");
    let pl_accepted = Expected::Valid(document_outcome(
        MDL,
        "PL",
        "not_referenced",
        elements_to_json(&subset(&sample_elements(MDL, "PL")?, MDL_NS, &DISCLOSED)),
    ));
    let both_trusted = VerifierConfig::trusting(vec![ua.trusted.clone(), pl.trusted.clone()]);
    add_response(
        b,
        ResponseCase {
            id: "response-two-documents",
            description: "One DeviceResponse holding the Ukrainian and the Polish licence, each \
                          device-signed for the same transcript; the verifier trusts both \
                          authorities: each document's outcome is listed, both valid.",
            verifier: both_trusted.clone(),
            response: two_documents(ua_document.clone()).to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: per_document(&[ua_accepted.clone(), pl_accepted.clone()]),
        },
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-second-document-refused",
            description: "The same two-document response; the verifier trusts only the \
                          Ukrainian authority: the first document is valid, the second \
                          refused on its own, without refusing the first.",
            verifier: verifier.clone(),
            response: two_documents(ua_document.clone()).to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: per_document(&[ua_accepted.clone(), Expected::error("untrusted_issuer")]),
        },
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-first-document-refused",
            description: "The two-document response with the first document's family_name \
                          value changed: the first is refused (its MSO digest), the second \
                          still valid.",
            verifier: both_trusted,
            response: two_documents(family_name_tampered(ua_document)?).to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: per_document(&[Expected::error("digest_mismatch"), pl_accepted.clone()]),
        },
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-polish-licence",
            description: "The Polish licence alone, device-signed for the backend transcript; \
                          the verifier trusts the Polish authority: valid.",
            verifier: VerifierConfig::trusting(vec![pl.trusted.clone()]),
            response: pl_answer.to_vec()?,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: pl_accepted,
        },
    )?;
    b.derived(
        "response-issuer-untrusted",
        "response-polish-licence",
        "the verifier trusts the Ukrainian authority instead of the Polish one",
    )?;
    b.derived(
        "response-no-document",
        "response-device-signature-es256",
        "the reader asked for a residence permit, which the holder does not hold: no \
         document, a documentErrors entry for the permit",
    )?;
    b.derived_all(
        "response-two-documents",
        &[
            (
                "response-second-document-refused",
                "the Polish authority removed from the verifier's trusted IACAs",
            ),
            (
                "response-first-document-refused",
                "the first document's family_name item's value replaced by another text",
            ),
        ],
    )?;

    // Status tokens for presented documents.
    let mut list = ManagedStatusList::new_any_size(STATUS_URI, StatusBits::Two, 64)?;
    let reference = list.allocate(&mut b.rng(3012))?;
    let referenced = with_status(b, fx, reference.clone(), 3013)?;
    let small_request = licence_request(&["family_name", "age_over_18"], MDL, &backend)?;
    let response = answer(&referenced, &small_request, &backend, device)?.to_vec()?;
    let small_disclosed = subset(
        &small_elements("UA"),
        MDL_NS,
        &["family_name", "age_over_18"],
    );
    let hour = time::Duration::HOUR;
    add_response(
        b,
        ResponseCase {
            id: "response-with-status-token",
            description: "A presented document that references a status list, with the token \
                          for its URI (statusTokens): VALID, so valid with status \"valid\".",
            verifier: verifier.clone(),
            response: response.clone(),
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: Some(signed(
                &list.token(NOW - hour, NOW + hour, None)?,
                &ua.demo,
            )?),
            expected: accepted(&small_disclosed, "valid"),
        },
    )?;
    list.set(reference.idx, StatusValue::Invalid)?;
    add_response(
        b,
        ResponseCase {
            id: "response-revoked",
            description: "The same presentation; the token for its URI says INVALID.",
            verifier: verifier.clone(),
            response: response.clone(),
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: Some(signed(
                &list.token(NOW - hour, NOW + hour, None)?,
                &ua.demo,
            )?),
            expected: Expected::error("revoked"),
        },
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-status-token-missing",
            description: "The same presentation without any token; the policy fails closed.",
            verifier: verifier.clone(),
            response,
            transcript: &backend,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("status_token_missing"),
        },
    )?;

    // deviceMac: an EMacKey agreed between the device key and the reader's
    // ephemeral key, bound into a proximity transcript.
    let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(3020));
    let engagement = cbor::encode(&Value::Map(vec![
        (Value::from(0), Value::Text("1.0".into())),
        (
            Value::from(1),
            Value::Array(vec![
                Value::from(1),
                cbor::tag24(cbor::encode(&device.public_key().to_cose_key_value()?)?),
            ]),
        ),
    ]))?;
    let proximity =
        transcript::proximity_for_key(&engagement, &reader_key.public_key(), Value::Null)?;
    let proximity_request = licence_request(&DISCLOSED, MDL, &proximity)?;
    let presented = answer(&stored, &proximity_request, &proximity, device)?;
    let document = first_document(&presented)?;
    let emac_key = docbridge::session::derive_emac_key(
        &p256_secret(device)?,
        &reader_key.public_key(),
        &proximity,
    )?;
    let mac_response = with_document(
        &presented,
        with_device_auth(
            document,
            DeviceAuth::Mac(device_mac(emac_key.as_slice(), &proximity, MDL)?),
        ),
    )
    .to_vec()?;
    add_response(
        b,
        ResponseCase {
            id: "response-device-mac",
            description: "A proximity presentation authenticated with deviceMac: HMAC-SHA-256 \
                          under EMacKey = HKDF(ECDH(reader ephemeral key, device key), \
                          SHA-256(SessionTranscriptBytes), \"EMacKey\"). The verifier holds the \
                          reader's ephemeral private key (readerKey): valid.",
            verifier: verifier.clone(),
            response: mac_response.clone(),
            transcript: &proximity,
            reader_key: Some(&reader_key),
            hpke_key: None,
            status_token: None,
            expected: accepted(&disclosed, "not_referenced"),
        },
    )?;
    let other_reader = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(3021));
    add_response(
        b,
        ResponseCase {
            id: "response-device-mac-other-reader-key",
            description: "The deviceMac response verified with another reader ephemeral key: \
                          another EMacKey, so the MAC does not verify.",
            verifier: verifier.clone(),
            response: mac_response.clone(),
            transcript: &proximity,
            reader_key: Some(&other_reader),
            hpke_key: None,
            status_token: None,
            expected: Expected::error("device_mac_invalid"),
        },
    )?;
    add_response(
        b,
        ResponseCase {
            id: "response-device-mac-without-reader-key",
            description: "The deviceMac response verified without the reader's ephemeral key: \
                          the verifier was not given what deviceMac needs (a caller error, not \
                          a forgery).",
            verifier: verifier.clone(),
            response: mac_response,
            transcript: &proximity,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("invalid_argument"),
        },
    )?;
    b.derived_all(
        "response-device-mac",
        &[
            (
                "response-device-mac-other-reader-key",
                "the verifier's reader key replaced by another P-256 key",
            ),
            (
                "response-device-mac-without-reader-key",
                "no reader key given to the verifier",
            ),
        ],
    )?;
    b.derived_all(
        "response-with-status-token",
        &[
            (
                "response-revoked",
                "the token's bit for the document set to INVALID (0x01)",
            ),
            ("response-status-token-missing", "no token given"),
        ],
    )?;
    let ed_device = fx.device(Algorithm::EdDsa)?;
    let ed_stored = issue(
        b,
        &ua.demo,
        MDL,
        &licence,
        &ed_device.public_key(),
        &validity(),
        IssueOptions::default(),
        3022,
    )?;
    let ed_presented = answer(&ed_stored, &proximity_request, &proximity, ed_device)?;
    let ed_response = with_document(
        &ed_presented,
        with_device_auth(
            first_document(&ed_presented)?,
            DeviceAuth::Mac(device_mac(&[7; 32], &proximity, MDL)?),
        ),
    );
    add_response(
        b,
        ResponseCase {
            id: "response-device-mac-ed25519-device-key",
            description: "A deviceMac for a document bound to an Ed25519 device key: no EMacKey \
                          can be agreed (ECDH on P-256 only).",
            verifier,
            response: ed_response.to_vec()?,
            transcript: &proximity,
            reader_key: Some(&reader_key),
            hpke_key: None,
            status_token: None,
            expected: Expected::error("session_unsupported_curve"),
        },
    )
}

/// Responses made for the online presentation forms: the OpenID4VP
/// handovers (ISO/IEC 18013-7 draft, OpenID4VP 1.0 redirect and Digital
/// Credentials API) and the DC API `org-iso-mdoc` response sealed with HPKE
/// (ISO/IEC TS 18013-7 Annex C). Each transcript is what the verifier
/// builds from its own request; the holder signs over the same bytes.
fn online_responses(b: &mut Builder<'_>, fx: &Fixtures) -> Result<()> {
    let ua = fx.ua()?;
    let verifier = VerifierConfig::trusting(vec![ua.trusted.clone()]);
    let device = fx.device(Algorithm::Es256)?;
    let licence = sample_elements(MDL, "UA")?;
    let disclosed = subset(&licence, MDL_NS, &DISCLOSED);
    let stored = issue(
        b,
        &ua.demo,
        MDL,
        &licence,
        &device.public_key(),
        &validity(),
        IssueOptions::default(),
        3040,
    )?;
    let accepted = Expected::Valid(document_outcome(
        MDL,
        "UA",
        "not_referenced",
        elements_to_json(&disclosed),
    ));
    const CLIENT_ID: &str = "x509_san_dns:verifier.mobywatel.example";
    const RESPONSE_URI: &str = "https://verifier.mobywatel.example/response";
    const ORIGIN: &str = "https://verifier.mobywatel.example";
    const OTHER_ORIGIN: &str = "https://verifier.other.example";
    const NONCE: &str = "nonce-2026-11-29-0001";
    let presented = |transcript: &[u8]| -> Result<Vec<u8>> {
        let request = licence_request(&DISCLOSED, MDL, transcript)?;
        answer(&stored, &request, transcript, device)?.to_vec()
    };
    let forms: [(&str, String, Vec<u8>); 3] = [
        (
            "response-openid4vp-iso-18013-7",
            format!(
                "A presentation over OpenID4VP in the ISO/IEC 18013-7 draft form: transcript \
                 [null, null, [SHA-256(CBOR [client_id, mdoc_generated_nonce]), \
                 SHA-256(CBOR [response_uri, mdoc_generated_nonce]), nonce]] with client_id \
                 {CLIENT_ID:?}, response_uri {RESPONSE_URI:?}, nonce {NONCE:?}, \
                 mdoc_generated_nonce \"mdoc-nonce-0001\": valid."
            ),
            transcript::openid4vp(CLIENT_ID, RESPONSE_URI, NONCE, "mdoc-nonce-0001")?,
        ),
        (
            "response-openid4vp-redirect",
            format!(
                "A presentation over OpenID4VP 1.0 (redirect, direct_post): transcript [null, \
                 null, [\"OpenID4VPHandover\", SHA-256(CBOR [client_id, nonce, null, \
                 response_uri])]] with client_id {CLIENT_ID:?}, nonce {NONCE:?}, \
                 response_uri {RESPONSE_URI:?}, no encryption key (null): valid."
            ),
            docbridge::oid4vp::handover::session_transcript_bytes(
                CLIENT_ID,
                NONCE,
                None,
                RESPONSE_URI,
            )?,
        ),
        (
            "response-openid4vp-dc-api",
            format!(
                "A presentation over OpenID4VP 1.0 through the Digital Credentials API \
                 (dc_api): transcript [null, null, [\"OpenID4VPDCAPIHandover\", SHA-256(CBOR \
                 [origin, nonce, null])]] with origin {ORIGIN:?}, nonce {NONCE:?}: valid."
            ),
            docbridge::oid4vp::handover::dc_api_session_transcript_bytes(ORIGIN, NONCE, None)?,
        ),
    ];
    for (id, description, transcript) in &forms {
        add_response(
            b,
            ResponseCase {
                id,
                description,
                verifier: verifier.clone(),
                response: presented(transcript)?,
                transcript,
                reader_key: None,
                hpke_key: None,
                status_token: None,
                expected: accepted.clone(),
            },
        )?;
    }
    let dc_api = &forms
        .get(2)
        .ok_or_else(|| generator_error("no DC API form"))?
        .2;
    add_response(
        b,
        ResponseCase {
            id: "response-openid4vp-dc-api-other-origin",
            description: "The DC API response above, verified by a verifier at another origin \
                          (its transcript built with origin \"https://verifier.other.example\"): \
                          the device signature covers the first origin only.",
            verifier: verifier.clone(),
            response: presented(dc_api)?,
            transcript: &docbridge::oid4vp::handover::dc_api_session_transcript_bytes(
                OTHER_ORIGIN,
                NONCE,
                None,
            )?,
            reader_key: None,
            hpke_key: None,
            status_token: None,
            expected: Expected::error("device_signature_invalid"),
        },
    )?;
    b.derived(
        "response-openid4vp-dc-api-other-origin",
        "response-openid4vp-dc-api",
        "the verifier's transcript built with another origin",
    )?;

    // org-iso-mdoc over the DC API: the response sealed to the verifier's
    // HPKE key, with the SessionTranscript array as HPKE info.
    let hpke = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(3041));
    let recipient = p256_secret(&hpke)?.public_key();
    let info = EncryptionInfo::new(vec![0x31; 16], recipient)?;
    let sealed_for = |origin: &str| -> Result<(Vec<u8>, Vec<u8>)> {
        let session_transcript =
            docbridge::dcapi::encryption_info::session_transcript(info.base64(), origin)?;
        let transcript = cbor::encode(&cbor::tag24(session_transcript.clone()))?;
        Ok((session_transcript, transcript))
    };
    let (session_transcript, transcript) = sealed_for(ORIGIN)?;
    let encrypted = EncryptedResponse::seal(
        &recipient,
        &session_transcript,
        &presented(&transcript)?,
        &mut b.rng(3042),
    )?;
    let sealed = encrypted.to_vec()?;
    // ["dcapi", {"enc"}]: the ciphertext left out.
    let without_cipher_text = cbor::encode(&Value::Array(vec![
        Value::Text("dcapi".into()),
        cbor::text_map([("enc", Value::Bytes(encrypted.enc.clone()))]),
    ]))?;
    let other_hpke = SoftwareKey::generate(Algorithm::Es256, &mut b.rng(3043));
    let (_, other_origin_transcript) = sealed_for(OTHER_ORIGIN)?;
    for (id, description, response, transcript, key, expected) in [
        (
            "response-dcapi-hpke",
            "A presentation through the Digital Credentials API (org-iso-mdoc, ISO/IEC TS \
             18013-7 Annex C): the DeviceResponse sealed with HPKE (base mode, \
             DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, info the SessionTranscript \
             array [null, null, [\"dcapi\", SHA-256(CBOR [Base64EncryptionInfo, origin])]], \
             empty aad) to the verifier's key (hpkeKey); the response file is the \
             EncryptedResponse [\"dcapi\", {\"enc\", \"cipherText\"}]. Opened and verified: \
             valid.",
            &sealed,
            &transcript,
            &hpke,
            accepted.clone(),
        ),
        (
            "response-dcapi-hpke-other-key",
            "The sealed response opened with another P-256 key: it does not open.",
            &sealed,
            &transcript,
            &other_hpke,
            Expected::error("response_decryption_failed"),
        ),
        (
            "response-dcapi-hpke-other-origin",
            "The sealed response opened by a verifier at another origin (its transcript, the \
             HPKE info, built with origin \"https://verifier.other.example\"): it does not \
             open.",
            &sealed,
            &other_origin_transcript,
            &hpke,
            Expected::error("response_decryption_failed"),
        ),
        (
            "response-dcapi-hpke-malformed",
            "The EncryptedResponse without its cipherText: [\"dcapi\", {\"enc\"}] is not an \
             EncryptedResponse.",
            &without_cipher_text,
            &transcript,
            &hpke,
            Expected::error("dcapi_malformed"),
        ),
    ] {
        add_response(
            b,
            ResponseCase {
                id,
                description,
                verifier: verifier.clone(),
                response: response.clone(),
                transcript,
                reader_key: None,
                hpke_key: Some(key),
                status_token: None,
                expected,
            },
        )?;
    }
    b.derived_all(
        "response-dcapi-hpke",
        &[
            (
                "response-dcapi-hpke-other-key",
                "the verifier's HPKE key replaced by another P-256 key",
            ),
            (
                "response-dcapi-hpke-other-origin",
                "the verifier's transcript built with another origin",
            ),
            (
                "response-dcapi-hpke-malformed",
                "the EncryptedResponse's cipherText left out",
            ),
        ],
    )
}

// ----- DeviceRequest -----

/// A reader PKI: a root and a reader certificate under it.
struct ReaderPki {
    root: Certificate,
    key: SoftwareKey,
    certificate: Certificate,
}

fn reader_pki(
    b: &Builder<'_>,
    name: &str,
    seed: u64,
    profile: CertificateProfile,
    not_after: Option<OffsetDateTime>,
) -> Result<ReaderPki> {
    let mut rng = b.rng(seed);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let root = x509::create_self_signed(
        &spec(&format!("{name} Reader Root"), "PL", seed * 10 + 1),
        CertificateProfile::Iaca,
        &root_key,
    )?;
    let leaf_spec = spec(&format!("{name} Reader"), "PL", seed * 10 + 2);
    let certificate = x509::create_issued(
        &CertificateSpec {
            not_after: not_after.unwrap_or(leaf_spec.not_after),
            not_before: CERT_FROM,
            ..leaf_spec
        },
        profile,
        &key.public_key(),
        &root,
        &root_key,
    )?;
    Ok(ReaderPki {
        root,
        key,
        certificate,
    })
}

/// Adds a `device_request` case checked at [`NOW`] against one reader root.
fn add_request(
    b: &mut Builder<'_>,
    id: &str,
    description: &str,
    request: Vec<u8>,
    transcript: &[u8],
    root: &str,
    expected: Expected,
) -> Result<()> {
    let request = b.case_file(id, "request.cbor", request)?;
    let transcript = b.case_file(id, "transcript.cbor", transcript.to_vec())?;
    b.add(Case {
        id: id.to_string(),
        description: description.to_string(),
        kind: Kind::DeviceRequest,
        now: NOW,
        input: Input::DeviceRequest {
            request,
            transcript,
            reader_roots: vec![root.to_string()],
        },
        expected,
        derived_from: None,
    })
}

fn requests(b: &mut Builder<'_>) -> Result<()> {
    let police = reader_pki(
        b,
        "Police",
        3101,
        CertificateProfile::ReaderAuthentication,
        None,
    )?;
    let other = reader_pki(
        b,
        "Other",
        3102,
        CertificateProfile::ReaderAuthentication,
        None,
    )?;
    // The police PKI again (same seed: same root and keys) with one change
    // to the reader certificate each, so the refused requests differ from
    // request-reader-authenticated by that change alone.
    let expired = reader_pki(
        b,
        "Police",
        3101,
        CertificateProfile::ReaderAuthentication,
        Some(datetime!(2026-06-01 0:00 UTC)),
    )?;
    let wrong_eku = reader_pki(b, "Police", 3101, CertificateProfile::DocumentSigner, None)?;
    let police_root = b.file(
        "trust/readers/police/root.pem",
        police.root.to_pem().into_bytes(),
    )?;

    let session = transcript::backend_nonce("Polish police reader", &[0x22; 16])?;
    let other_session = transcript::backend_nonce("Polish police reader", &[0x23; 16])?;
    let licence_items = ItemsRequest::new(MDL)
        .element(MDL_NS, "family_name", false)
        .element(MDL_NS, "portrait", false)
        .element(MDL_NS, "driving_privileges", false);
    let vehicle_items =
        ItemsRequest::new(MVRC).element("org.iso.7367.1", "registration_number", false);
    let signed_by = |pki: &ReaderPki, items: &[ItemsRequest]| -> Result<Vec<u8>> {
        DeviceRequest::build(
            items,
            Some((&pki.key, std::slice::from_ref(&pki.certificate))),
            &session,
        )?
        .to_vec()
    };
    let licence_only = signed_by(&police, std::slice::from_ref(&licence_items))?;

    let mdl_only = Expected::Valid(request_members(&[MDL.to_string()]));

    add_request(
        b,
        "request-reader-authenticated",
        "A DeviceRequest for three licence elements, reader-signed (readerAuth over \
         ReaderAuthenticationBytes with the holder's transcript) with a reader certificate \
         issued by the police reader root the holder trusts.",
        licence_only.clone(),
        &session,
        &police_root,
        mdl_only,
    )?;
    add_request(
        b,
        "request-two-documents-reader-authenticated",
        "Two document requests (driving licence, vehicle registration), each reader-signed.",
        signed_by(&police, &[licence_items.clone(), vehicle_items])?,
        &session,
        &police_root,
        Expected::Valid(request_members(&[MDL.to_string(), MVRC.to_string()])),
    )?;
    add_request(
        b,
        "request-reader-auth-missing",
        "The same request without readerAuth; the holder requires reader authentication.",
        DeviceRequest::build(std::slice::from_ref(&licence_items), None, &session)?.to_vec()?,
        &session,
        &police_root,
        Expected::error("reader_auth_missing"),
    )?;
    add_request(
        b,
        "request-untrusted-reader",
        "A request signed by a reader under another root than the one the holder trusts.",
        signed_by(&other, std::slice::from_ref(&licence_items))?,
        &session,
        &police_root,
        Expected::error("untrusted_reader"),
    )?;
    add_request(
        b,
        "request-under-another-transcript",
        "The reader signed for another session: the holder's transcript has another nonce.",
        licence_only.clone(),
        &other_session,
        &police_root,
        Expected::error("signature_invalid"),
    )?;
    let mut value = cbor::decode(&licence_only)?;
    let greedy = DeviceRequest::build(
        &[licence_items
            .clone()
            .element(MDL_NS, "resident_address", true)],
        None,
        &session,
    )?;
    let greedy_bytes = greedy
        .doc_requests()
        .first()
        .map(|r| r.items_request_bytes().to_vec())
        .ok_or_else(|| generator_error("no doc request"))?;
    {
        let doc_requests = forge::array_of(forge::map_at(&mut value, "docRequests")?)?;
        forge::map_set(
            forge::first(doc_requests)?,
            "itemsRequest",
            cbor::tag24(greedy_bytes),
        )?;
    }
    add_request(
        b,
        "request-items-tampered",
        "The signed request with resident_address added to its ItemsRequest afterwards; the \
         readerAuth is the original one.",
        cbor::encode(&value)?,
        &session,
        &police_root,
        Expected::error("signature_invalid"),
    )?;
    add_request(
        b,
        "request-reader-certificate-expired",
        "The reader certificate ended on 2026-06-01.",
        signed_by(&expired, std::slice::from_ref(&licence_items))?,
        &session,
        &police_root,
        Expected::error("certificate_expired"),
    )?;
    add_request(
        b,
        "request-reader-certificate-wrong-eku",
        "The reader certificate carries the Document Signer extended key usage instead of \
         the reader one (1.0.18013.5.1.6).",
        signed_by(&wrong_eku, std::slice::from_ref(&licence_items))?,
        &session,
        &police_root,
        Expected::error("certificate_profile"),
    )?;
    b.derived_all(
        "request-reader-authenticated",
        &[
            ("request-reader-auth-missing", "readerAuth left out"),
            (
                "request-untrusted-reader",
                "signed by a reader whose root the holder does not trust",
            ),
            (
                "request-under-another-transcript",
                "the holder's transcript made with another nonce",
            ),
            (
                "request-items-tampered",
                "resident_address added to the signed ItemsRequest",
            ),
            (
                "request-reader-certificate-expired",
                "the reader certificate's notAfter 2026-06-01, before now",
            ),
            (
                "request-reader-certificate-wrong-eku",
                "the reader certificate made with the Document Signer profile (extended key \
                 usage 1.0.18013.5.1.2 instead of 1.0.18013.5.1.6)",
            ),
        ],
    )
}
