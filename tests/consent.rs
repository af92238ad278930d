//! The two-phase presentation (`Wallet::prepare`, `Wallet::approve`): the
//! holder discloses only what it approves, the reader is named by the root
//! that vouched for it, nothing approved sends no Document, and an
//! unauthenticated reader cannot probe the wallet's inventory.
//!
//! Deterministic: seeded RNGs and fixed times. The byte checks look at the
//! encoded DeviceResponse, the thing that leaves the device.

mod common;

use common::{MDL_NS, NOW, issue_to, licence_holder, rng, ukraine, verifier};
use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::device_response::ErrorCode;
use docbridge::documents::samples;
use docbridge::holder::{ReportUnreturned, RequestedElement};
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    Algorithm, Certificate, Consent, DemoAuthority, DeviceRequest, DrivingLicence, HolderPolicy,
    IssuerSigned, ItemsRequest, Presentation, ReaderCheck, ReaderRoot, ReaderStatus,
    ResidencePermit, Signer, SoftwareKey, VehicleRegistration, VerifyOptions, Wallet, present,
    transcript,
};

const MDL: &str = DrivingLicence::DOC_TYPE;

struct Root {
    certificate: Certificate,
    key: SoftwareKey,
}

struct Reader {
    key: SoftwareKey,
    certificate: Certificate,
}

fn spec(common_name: &str, organization: &str, serial: u64) -> CertificateSpec {
    CertificateSpec {
        common_name: common_name.into(),
        country: "PL".into(),
        organization: Some(organization.into()),
        serial,
        not_before: common::CERT_FROM,
        not_after: common::CERT_UNTIL,
        issuer_contact: None,
        crl_uri: None,
    }
}

fn root(name: &str, seed: u64) -> Root {
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed));
    let certificate =
        x509::create_self_signed(&spec(name, name, 1), CertificateProfile::Iaca, &key).unwrap();
    Root { certificate, key }
}

/// A reader certificate `O=organization, CN=common_name` issued by `root`.
fn reader_under(root: &Root, organization: &str, common_name: &str, seed: u64) -> Reader {
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng(seed));
    let certificate = x509::create_issued(
        &spec(common_name, organization, seed),
        CertificateProfile::ReaderAuthentication,
        &key.public_key(),
        &root.certificate,
        &root.key,
    )
    .unwrap();
    Reader { key, certificate }
}

struct World {
    ua: DemoAuthority,
    device: SoftwareKey,
    licence: IssuerSigned,
    police: Root,
    bank: Root,
    session: Vec<u8>,
}

fn world() -> World {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let (device, licence) = licence_holder(&ua, 2);
    World {
        ua,
        device,
        licence,
        police: root("Policja Reader Root", 4),
        bank: root("Bank Reader Root", 5),
        session: transcript::backend_nonce("consent tests", &[9; 16]).unwrap(),
    }
}

impl World {
    fn roots(&self) -> Vec<ReaderRoot> {
        vec![
            ReaderRoot::new("police", self.police.certificate.clone()),
            ReaderRoot::new("bank", self.bank.certificate.clone()),
        ]
    }

    fn request(&self, items: &[ItemsRequest], reader: Option<&Reader>) -> DeviceRequest {
        let chain;
        let signer = match reader {
            Some(r) => {
                chain = [r.certificate.clone()];
                Some((&r.key as &dyn Signer, &chain[..]))
            }
            None => None,
        };
        let bytes = DeviceRequest::build(items, signer, &self.session)
            .unwrap()
            .to_vec()
            .unwrap();
        DeviceRequest::from_slice(&bytes).unwrap()
    }

    fn wallet(&self) -> Wallet {
        Wallet::new(vec![self.licence.clone()])
    }

    /// The licence presented for `request` in one call (`present`), the
    /// reader not checked.
    fn present_unchecked(&self, request: &DeviceRequest) -> Presentation {
        present(
            std::slice::from_ref(&self.licence),
            request,
            &self.session,
            &self.device,
            ReaderCheck::Skip,
            NOW,
        )
        .unwrap()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The top-level keys of an encoded DeviceResponse.
fn keys(bytes: &[u8]) -> Vec<String> {
    match cbor::decode(bytes).unwrap() {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, _)| k.as_text().unwrap().to_string())
            .collect(),
        other => panic!("not a map: {other:?}"),
    }
}

fn code<T: std::fmt::Debug>(result: docbridge::Result<T>) -> &'static str {
    result.expect_err("expected a refusal").code()
}

fn requested(element: &str, intent_to_retain: bool, available: bool) -> RequestedElement {
    RequestedElement {
        namespace: MDL_NS.into(),
        element: element.into(),
        intent_to_retain,
        available,
    }
}

// ----- finding 2: a consent step, and narrowing keeps reader authentication -----

#[test]
fn prepare_shows_what_is_asked_and_approve_narrows_a_reader_signed_request() {
    let w = world();
    let officer = reader_under(&w.police, "Policja", "Policja Reader 0042", 10);
    let request = w.request(
        &[ItemsRequest::new(MDL)
            .element(MDL_NS, "family_name", false)
            .element(MDL_NS, "portrait", true)
            .element(MDL_NS, "no_such_element", false)],
        Some(&officer),
    );
    let mut wallet = w.wallet().with_policy(HolderPolicy {
        require_reader_auth: true,
        ..HolderPolicy::default()
    });
    let prepared = wallet
        .prepare(&request, &w.session, &w.roots(), NOW)
        .unwrap();
    let [asked] = prepared.requests() else {
        panic!("one document request expected")
    };
    assert_eq!(asked.doc_type(), MDL);
    assert!(asked.held());
    // Sorted by namespace, then element.
    assert_eq!(
        asked.elements(),
        [
            requested("family_name", false, true),
            requested("no_such_element", false, false),
            requested("portrait", true, true),
        ]
    );
    let identity = asked.reader().identity().expect("authenticated reader");
    assert_eq!(identity.root_label, "police");

    // The holder keeps the portrait (the reader wants to retain it).
    let consent = Consent::none().approve(MDL, MDL_NS, "family_name");
    let presentation = wallet.approve(&prepared, &consent, &[&w.device]).unwrap();
    assert_eq!(presentation.readers, [asked.reader().clone()]);
    let bytes = presentation.response.to_vec().unwrap();
    assert!(contains(&bytes, b"Shevchenko"));
    assert!(!contains(&bytes, samples::SAMPLE_PORTRAIT));

    let verified = verifier(&[&w.ua])
        .verify_response(&bytes, &VerifyOptions::at(NOW).transcript(&w.session))
        .unwrap()
        .into_first()
        .unwrap();
    assert!(verified.holder_bound());
    assert_eq!(
        verified.elements()[MDL_NS].keys().collect::<Vec<_>>(),
        ["family_name"]
    );
    // Declined and absent elements look the same to the reader: not returned.
    assert_eq!(
        verified.element_errors()[MDL_NS],
        [
            ("portrait".to_string(), ErrorCode::DataNotReturned),
            ("no_such_element".to_string(), ErrorCode::DataNotReturned)
        ]
        .into()
    );
}

#[test]
fn a_consent_to_something_not_offered_is_invalid_argument() {
    let w = world();
    let request = w.request(
        &[ItemsRequest::new(MDL).element(MDL_NS, "family_name", false)],
        None,
    );
    let mut wallet = w.wallet();
    let prepared = wallet.prepare(&request, &w.session, &[], NOW).unwrap();
    for consent in [
        Consent::none().approve(MDL, MDL_NS, "portrait"),
        Consent::none().approve(ResidencePermit::DOC_TYPE, MDL_NS, "family_name"),
    ] {
        assert_eq!(
            code(wallet.approve(&prepared, &consent, &[&w.device])),
            "invalid_argument"
        );
    }
    // A request for an element the licence lacks cannot be approved either.
    let request = w.request(
        &[ItemsRequest::new(MDL).element(MDL_NS, "no_such_element", false)],
        None,
    );
    let prepared = wallet.prepare(&request, &w.session, &[], NOW).unwrap();
    assert_eq!(
        code(wallet.approve(
            &prepared,
            &Consent::none().approve(MDL, MDL_NS, "no_such_element"),
            &[&w.device]
        )),
        "invalid_argument"
    );
}

#[test]
fn each_document_is_signed_by_the_signer_holding_its_device_key() {
    let w = world();
    let other_device = SoftwareKey::generate(Algorithm::EdDsa, &mut rng(20));
    let vrc = issue_to(
        &w.ua,
        &samples::vehicle_registration_ua(),
        &other_device.public_key(),
        21,
    );
    let mut wallet = Wallet::new(vec![w.licence.clone(), vrc]);
    let request = w.request(
        &[
            ItemsRequest::new(MDL).element(MDL_NS, "family_name", false),
            ItemsRequest::new(VehicleRegistration::DOC_TYPE).element(
                VehicleRegistration::NAMESPACE,
                "registration_number",
                false,
            ),
        ],
        None,
    );
    let prepared = wallet.prepare(&request, &w.session, &[], NOW).unwrap();
    let consent = Consent::all(&prepared);
    let both = wallet
        .approve(&prepared, &consent, &[&other_device, &w.device])
        .unwrap();
    let outcome = verifier(&[&w.ua])
        .verify_response(
            &both.response.to_vec().unwrap(),
            &VerifyOptions::at(NOW).transcript(&w.session),
        )
        .unwrap();
    assert_eq!(outcome.documents.len(), 2);
    for document in outcome.documents {
        assert!(document.unwrap().holder_bound());
    }
    assert_eq!(
        code(wallet.approve(&prepared, &consent, &[&w.device])),
        "invalid_key"
    );
}

// ----- finding 1: nothing disclosed, no Document -----

#[test]
fn nothing_to_disclose_sends_no_document_and_no_mso() {
    let w = world();
    let mso_signature = w.licence.issuer_auth().cose().signature.clone();
    let ds_der = w.ua.ds_certificate.der().to_vec();
    let mut wallet = w.wallet();
    let officer = reader_under(&w.police, "Policja", "Policja Reader 0042", 30);
    let cases: [(&str, ItemsRequest, Consent); 3] = [
        (
            "nothing approved",
            ItemsRequest::new(MDL).element(MDL_NS, "family_name", false),
            Consent::none(),
        ),
        (
            "only elements the document lacks",
            ItemsRequest::new(MDL)
                .element(MDL_NS, "no_such_element", false)
                .element("org.example.other", "x", false),
            Consent::none(),
        ),
        ("no element at all", ItemsRequest::new(MDL), Consent::none()),
    ];
    for (name, items, consent) in cases {
        for (reader, expected_keys) in [
            (None, vec!["version", "status"]),
            (Some(&officer), vec!["version", "documentErrors", "status"]),
        ] {
            let request = w.request(std::slice::from_ref(&items), reader);
            let prepared = wallet
                .prepare(&request, &w.session, &w.roots(), NOW)
                .unwrap();
            // Approving everything offered is the same as approving nothing here.
            let consent = if name == "nothing approved" {
                consent.clone()
            } else {
                Consent::all(&prepared)
            };
            let response = wallet
                .approve(&prepared, &consent, &[&w.device])
                .unwrap()
                .response;
            let bytes = response.to_vec().unwrap();
            assert_eq!(keys(&bytes), expected_keys, "{name}");
            assert!(response.documents.is_empty(), "{name}");
            assert!(
                !contains(&bytes, &mso_signature),
                "{name}: the MSO signature left"
            );
            assert!(
                !contains(&bytes, &ds_der),
                "{name}: the DS certificate left"
            );
            assert!(!contains(&bytes, b"issuerAuth"), "{name}");
            let outcome = verifier(&[&w.ua])
                .verify_response(&bytes, &VerifyOptions::at(NOW).transcript(&w.session))
                .unwrap();
            assert_eq!(code(outcome.into_first()), "document_not_returned");
        }
    }
    // The one-call `present` follows the same rule.
    let request = w.request(&[ItemsRequest::new(MDL)], None);
    let response = w.present_unchecked(&request).response;
    assert_eq!(keys(&response.to_vec().unwrap()), ["version", "status"]);
}

// ----- finding 3: the reader is named by its root -----

#[test]
fn a_reader_is_named_by_the_root_that_vouched_for_it_not_by_its_subject() {
    let w = world();
    // A bank-certified reader calling itself the police.
    let impostor = reader_under(&w.bank, "Policja", "Policja Reader 0042", 40);
    let officer = reader_under(&w.police, "Policja", "Policja Reader 0042", 41);
    assert_eq!(
        impostor.certificate.subject(),
        officer.certificate.subject()
    );
    let wallet = w.wallet();
    for (reader, root, label) in [
        (&impostor, &w.bank, "bank"),
        (&officer, &w.police, "police"),
    ] {
        let request = w.request(
            &[ItemsRequest::new(MDL).element(MDL_NS, "family_name", false)],
            Some(reader),
        );
        let prepared = wallet
            .prepare(&request, &w.session, &w.roots(), NOW)
            .unwrap();
        let ReaderStatus::Authenticated(identity) = prepared.requests()[0].reader() else {
            panic!("{label}: not authenticated")
        };
        assert_eq!(identity.root_label, label);
        assert_eq!(identity.root, root.certificate);
        assert_eq!(identity.certificate, reader.certificate);
        assert_eq!(identity.chain, std::slice::from_ref(&reader.certificate));
    }
}

#[test]
fn an_unauthenticated_reader_is_refused_only_when_the_policy_requires_it() {
    let w = world();
    let stranger_root = root("Unknown Root", 50);
    let stranger = reader_under(&stranger_root, "Policja", "Policja Reader 0042", 51);
    let request = w.request(
        &[ItemsRequest::new(MDL).element(MDL_NS, "family_name", false)],
        Some(&stranger),
    );
    let prepared = w
        .wallet()
        .prepare(&request, &w.session, &w.roots(), NOW)
        .unwrap();
    assert_eq!(
        prepared.requests()[0].reader(),
        &ReaderStatus::Unauthenticated("untrusted_reader")
    );
    let strict = w.wallet().with_policy(HolderPolicy {
        require_reader_auth: true,
        ..HolderPolicy::default()
    });
    assert_eq!(
        code(strict.prepare(&request, &w.session, &w.roots(), NOW)),
        "untrusted_reader"
    );
    let unsigned = w.request(
        &[ItemsRequest::new(MDL).element(MDL_NS, "family_name", false)],
        None,
    );
    assert_eq!(
        code(strict.prepare(&unsigned, &w.session, &w.roots(), NOW)),
        "reader_auth_missing"
    );
}

// ----- finding 4: inventory probing -----

/// Empty requests for every doc type, as a probing reader sends them.
fn probe(w: &World, reader: Option<&Reader>) -> DeviceRequest {
    w.request(
        &[
            ItemsRequest::new(MDL),
            ItemsRequest::new(VehicleRegistration::DOC_TYPE),
            ItemsRequest::new(ResidencePermit::DOC_TYPE),
        ],
        reader,
    )
}

fn answer(w: &World, wallet: &mut Wallet, request: &DeviceRequest) -> Vec<u8> {
    let prepared = wallet
        .prepare(request, &w.session, &w.roots(), NOW)
        .unwrap();
    wallet
        .approve(&prepared, &Consent::all(&prepared), &[&w.device])
        .unwrap()
        .response
        .to_vec()
        .unwrap()
}

#[test]
fn an_unauthenticated_probe_cannot_tell_a_full_wallet_from_an_empty_one() {
    let w = world();
    let mut full = w.wallet();
    let mut empty = Wallet::new(Vec::new());
    let request = probe(&w, None);
    let from_full = answer(&w, &mut full, &request);
    assert_eq!(from_full, answer(&w, &mut empty, &request));
    assert_eq!(keys(&from_full), ["version", "status"]);

    // The one-call `present` answers the probe the same way.
    let presented = w.present_unchecked(&request);
    assert_eq!(presented.response.to_vec().unwrap(), from_full);

    // An authenticated reader is told that no document is returned, the
    // same for held and missing ones.
    let officer = reader_under(&w.police, "Policja", "Policja Reader 0042", 60);
    let request = probe(&w, Some(&officer));
    let told = answer(&w, &mut full, &request);
    assert_eq!(told, answer(&w, &mut empty, &request));
    let response = docbridge::DeviceResponse::from_slice(&told).unwrap();
    assert_eq!(
        response.document_errors,
        [
            (MDL.to_string(), ErrorCode::DataNotReturned),
            (
                VehicleRegistration::DOC_TYPE.to_string(),
                ErrorCode::DataNotReturned
            ),
            (
                ResidencePermit::DOC_TYPE.to_string(),
                ErrorCode::DataNotReturned
            ),
        ]
    );

    // The policy decides: never, or to everyone.
    let never = HolderPolicy {
        report_unreturned: ReportUnreturned::Never,
        ..HolderPolicy::default()
    };
    let told = answer(&w, &mut w.wallet().with_policy(never), &request);
    assert_eq!(keys(&told), ["version", "status"]);
    let always = HolderPolicy {
        report_unreturned: ReportUnreturned::Always,
        ..HolderPolicy::default()
    };
    let told = answer(&w, &mut w.wallet().with_policy(always), &probe(&w, None));
    assert_eq!(keys(&told), ["version", "documentErrors", "status"]);
}

// ----- the disclosure record -----

#[test]
fn each_approval_records_what_was_disclosed_to_whom() {
    use docbridge::holder::{DisclosureRecord, RecordedElement};
    let w = world();
    let officer = reader_under(&w.police, "Policja", "Policja Reader 0042", 70);
    let request = w.request(
        &[
            ItemsRequest::new(MDL)
                .element(MDL_NS, "family_name", false)
                .element(MDL_NS, "portrait", true),
            ItemsRequest::new(ResidencePermit::DOC_TYPE).element(
                ResidencePermit::NAMESPACE,
                "family_name",
                false,
            ),
        ],
        Some(&officer),
    );
    let mut wallet = w.wallet();
    let prepared = wallet
        .prepare(&request, &w.session, &w.roots(), NOW)
        .unwrap();
    let consent = Consent::none().approve(MDL, MDL_NS, "portrait");
    let record = wallet
        .approve(&prepared, &consent, &[&w.device])
        .unwrap()
        .record;
    let element = |namespace: &str, element: &str, intent_to_retain| RecordedElement {
        namespace: namespace.into(),
        element: element.into(),
        intent_to_retain,
    };
    assert_eq!(record.time, "2026-11-29T12:00:00Z");
    assert_eq!(record.transcript_hash.len(), 43); // SHA-256, base64url
    let [licence, permit] = &record.documents[..] else {
        panic!("two document requests expected")
    };
    assert_eq!(licence.doc_type, MDL);
    assert!(licence.returned);
    assert_eq!(licence.disclosed, [element(MDL_NS, "portrait", true)]);
    assert_eq!(licence.refused, [element(MDL_NS, "family_name", false)]);
    let reader = licence.reader.as_ref().unwrap();
    assert_eq!(reader.root_label, "police");
    assert_eq!(reader.subject, officer.certificate.subject());
    assert_eq!(reader.root_subject, w.police.certificate.subject());
    assert_eq!(permit.doc_type, ResidencePermit::DOC_TYPE);
    assert!(!permit.returned);
    assert!(permit.disclosed.is_empty());
    assert_eq!(
        permit.refused,
        [element(ResidencePermit::NAMESPACE, "family_name", false)]
    );

    // It round-trips through JSON for the app's history.
    #[cfg(feature = "serde")]
    {
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["documents"][0]["reader"]["rootLabel"], "police");
        assert_eq!(json["documents"][0]["disclosed"][0]["intentToRetain"], true);
        let back: DisclosureRecord = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
    }
}
