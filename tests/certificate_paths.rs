//! Certificate paths of trust lists and VICALs (issue 12, findings 3, 7 and
//! 11): every extended key usage is read, RFC 5280 path rules
//! (pathLenConstraint, keyCertSign) hold for every issuer on the way, and
//! certificates and lists are identified by what is signed, never by
//! signature bytes (ECDSA's `(r, n - s)` verifies too).
//!
//! Certificates with extensions the crate's own profiles never make (a TLS
//! server usage, a pathLenConstraint, a CA without keyCertSign) are built
//! here with the `x509-cert` builder directly.

mod common;

use std::str::FromStr;
use std::time::Duration as StdDuration;

use common::certificate_spec;

use der::{Decode, Encode};
use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::trust::SignedVical;
use docbridge::trust::store::UpdateOutcome;
use docbridge::x509::{self, CertificateProfile};
use docbridge::{
    Algorithm, Certificate, DemoAuthority, DrivingLicence, SignedTrustList, Signer, SoftwareKey,
    TrustList, TrustStore,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use spki::{ObjectIdentifier, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use time::OffsetDateTime;
use time::macros::datetime;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

const CERT_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const CERT_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
const ISSUED: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const NEXT_UPDATE: OffsetDateTime = datetime!(2026-12-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);
/// id-kp-serverAuth (RFC 5280 4.2.1.12).
const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

fn code<T>(result: docbridge::Result<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// The extensions of a certificate made here.
#[derive(Clone, Copy)]
struct Extensions {
    ca: bool,
    path_len: Option<u8>,
    usages: KeyUsages,
    server_auth: bool,
}

const ROOT: Extensions = Extensions {
    ca: true,
    path_len: None,
    usages: KeyUsages::KeyCertSign,
    server_auth: false,
};
const SIGNER: Extensions = Extensions {
    ca: false,
    path_len: None,
    usages: KeyUsages::DigitalSignature,
    server_auth: false,
};

struct Profile {
    subject: Name,
    issuer: Name,
    extensions: Extensions,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let subject = tbs.subject();
        let mut extensions = Vec::new();
        if self.extensions.ca {
            let constraints = BasicConstraints {
                ca: true,
                path_len_constraint: self.extensions.path_len,
            };
            extensions.push((true, &constraints).to_extension(subject, &extensions)?);
        }
        let usage = KeyUsage(self.extensions.usages.into());
        extensions.push((true, &usage).to_extension(subject, &extensions)?);
        if self.extensions.server_auth {
            let eku = ExtendedKeyUsage(vec![ObjectIdentifier::new_unwrap(SERVER_AUTH)]);
            extensions.push((false, &eku).to_extension(subject, &extensions)?);
        }
        Ok(extensions)
    }
}

/// A key and its certificate.
struct Issued {
    key: ed25519_dalek::SigningKey,
    certificate: Certificate,
}

impl Issued {
    fn signer(&self) -> SoftwareKey {
        SoftwareKey::Ed25519(self.key.clone())
    }

    fn name(&self) -> Name {
        name_of(&self.certificate)
    }
}

fn name_of(certificate: &Certificate) -> Name {
    x509_cert::Certificate::from_der(certificate.der())
        .unwrap()
        .tbs_certificate()
        .subject()
        .clone()
}

fn time(at: OffsetDateTime) -> Time {
    Time::from(
        der::DateTime::from_unix_duration(StdDuration::from_secs(at.unix_timestamp() as u64))
            .unwrap(),
    )
}

/// Makes a certificate for a fresh key, issued by `issuer` (self-signed
/// when `None`).
fn make(cn: &str, seed: u64, extensions: Extensions, issuer: Option<&Issued>) -> Issued {
    let key = ed25519_dalek::SigningKey::generate(&mut ChaCha20Rng::seed_from_u64(seed));
    let subject = Name::from_str(&format!("CN={cn},C=UA")).unwrap();
    let (issuer_name, issuer_key) = match issuer {
        Some(i) => (i.name(), i.key.clone()),
        None => (subject.clone(), key.clone()),
    };
    let spki = SubjectPublicKeyInfoOwned::from_key(&key.verifying_key()).unwrap();
    let profile = Profile {
        subject,
        issuer: issuer_name,
        extensions,
    };
    let builder = CertificateBuilder::new(
        profile,
        SerialNumber::new(&seed.to_be_bytes()).unwrap(),
        Validity::new(time(CERT_FROM), time(CERT_UNTIL)),
        spki,
    )
    .unwrap();
    let built = builder
        .build::<_, ed25519_dalek::Signature>(&issuer_key)
        .unwrap();
    let certificate = Certificate::from_der(&built.to_der().unwrap()).unwrap();
    Issued { key, certificate }
}

fn licence_authority() -> DemoAuthority {
    DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[DrivingLicence::DOC_TYPE],
        CERT_FROM,
        CERT_UNTIL,
        &mut ChaCha20Rng::seed_from_u64(7),
    )
    .unwrap()
}

fn list_signed_by(signer: &Issued, chain: &[&Issued]) -> Vec<u8> {
    let chain: Vec<Certificate> = chain.iter().map(|c| c.certificate.clone()).collect();
    TrustList::new(
        "UA",
        1,
        ISSUED,
        NEXT_UPDATE,
        vec![licence_authority().authority],
    )
    .unwrap()
    .sign(&signer.signer(), &chain)
    .unwrap()
    .as_bytes()
    .to_vec()
}

#[test]
fn every_extended_key_usage_is_read() {
    let root = make("root", 1, ROOT, None);
    let tls = make(
        "tls server",
        2,
        Extensions {
            server_auth: true,
            ..SIGNER
        },
        Some(&root),
    );
    assert_eq!(tls.certificate.extended_key_usages(), [SERVER_AUTH]);
}

#[test]
fn a_tls_server_certificate_under_the_vical_root_cannot_sign_a_vical() {
    let root = make("VICAL root", 1, ROOT, None);
    let tls = make(
        "VICAL web server",
        2,
        Extensions {
            server_auth: true,
            ..SIGNER
        },
        Some(&root),
    );
    let authority = licence_authority();
    let payload = cbor::text_map([
        ("version", Value::Text("1.0".into())),
        ("vicalProvider", Value::Text("Utopia".into())),
        ("date", cbor::tdate(ISSUED).unwrap()),
        ("vicalIssueID", Value::from(1u64)),
        ("nextUpdate", cbor::tdate(NEXT_UPDATE).unwrap()),
        (
            "certificateInfos",
            Value::Array(vec![cbor::text_map([
                (
                    "certificate",
                    Value::Bytes(authority.iaca_certificate.der().to_vec()),
                ),
                (
                    "docType",
                    Value::Array(vec![Value::Text(DrivingLicence::DOC_TYPE.into())]),
                ),
            ])]),
        ),
    ]);
    let options = Sign1Options {
        x5chain: vec![tls.certificate.der().to_vec()],
        ..Sign1Options::default()
    };
    let signed = sign1(&tls.signer(), &cbor::encode(&payload).unwrap(), &options).unwrap();
    let vical =
        SignedVical::from_slice(&cbor::encode(&signed.to_value().unwrap()).unwrap()).unwrap();
    assert_eq!(
        code(vical.verify(std::slice::from_ref(&root.certificate), NOW)),
        "certificate_profile"
    );
}

#[test]
fn a_sub_ca_under_a_path_length_zero_root_is_refused() {
    for (path_len, expected) in [
        (Some(0), "trust_list_untrusted_operator"),
        (Some(1), "ok"),
        (None, "ok"),
    ] {
        let root = make("operator root", 1, Extensions { path_len, ..ROOT }, None);
        let sub_ca = make("operator sub-CA", 2, ROOT, Some(&root));
        let signer = make("operator signer", 3, SIGNER, Some(&sub_ca));
        let list =
            SignedTrustList::from_slice(&list_signed_by(&signer, &[&signer, &sub_ca])).unwrap();
        assert_eq!(
            code(list.verify(std::slice::from_ref(&root.certificate), NOW)),
            expected,
            "pathLenConstraint {path_len:?}"
        );
    }
}

#[test]
fn an_intermediate_without_key_cert_sign_is_refused() {
    let root = make("operator root", 1, ROOT, None);
    let sub_ca = make(
        "operator sub-CA",
        2,
        Extensions {
            usages: KeyUsages::DigitalSignature,
            ..ROOT
        },
        Some(&root),
    );
    let signer = make("operator signer", 3, SIGNER, Some(&sub_ca));
    let list = SignedTrustList::from_slice(&list_signed_by(&signer, &[&signer, &sub_ca])).unwrap();
    assert_eq!(
        code(list.verify(std::slice::from_ref(&root.certificate), NOW)),
        "trust_list_untrusted_operator"
    );
}

// ----- Malleability (finding 11) -----

/// `(r, n - s)` of a P-256 r || s signature: verifies just the same.
fn malleate(signature: &[u8]) -> Vec<u8> {
    let signature = p256::ecdsa::Signature::from_slice(signature).unwrap();
    let (r, s) = signature.split_scalars();
    let flipped =
        p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s.as_ref()).to_bytes()).unwrap();
    flipped.to_bytes().to_vec()
}

/// The same certificate with its ECDSA signature malleated.
fn malleated_certificate(certificate: &Certificate) -> Certificate {
    let parsed = x509_cert::Certificate::from_der(certificate.der()).unwrap();
    let signature = p256::ecdsa::Signature::from_der(certificate.signature()).unwrap();
    let flipped = p256::ecdsa::Signature::from_slice(&malleate(&signature.to_bytes())).unwrap();
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    let parts = vec![
        der::Any::encode_from(parsed.tbs_certificate()).unwrap(),
        der::Any::encode_from(parsed.signature_algorithm()).unwrap(),
        der::Any::encode_from(
            &der::asn1::BitString::from_bytes(flipped.to_der().as_bytes()).unwrap(),
        )
        .unwrap(),
    ];
    let copy = Certificate::from_der(&parts.to_der().unwrap()).unwrap();
    assert_ne!(copy.der(), certificate.der());
    copy.verify_issued_by(&copy).unwrap();
    copy
}

struct Es256Operator {
    root: Certificate,
    signer: Certificate,
    key: SoftwareKey,
}

fn es256_operator() -> Es256Operator {
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let spec = |cn: &str, serial| certificate_spec("UA", cn, serial);
    let root =
        x509::create_self_signed(&spec("UA root", 1), CertificateProfile::Iaca, &root_key).unwrap();
    let signer = x509::create_issued(
        &spec("UA signer", 2),
        CertificateProfile::TrustListSigner,
        &key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    Es256Operator { root, signer, key }
}

#[test]
fn a_list_with_a_malleated_signature_is_the_same_edition() {
    let operator = es256_operator();
    let list = TrustList::new(
        "UA",
        1,
        ISSUED,
        NEXT_UPDATE,
        vec![licence_authority().authority],
    )
    .unwrap()
    .sign(&operator.key, std::slice::from_ref(&operator.signer))
    .unwrap();
    let twin_bytes = {
        let mut value = cbor::decode(list.as_bytes()).unwrap();
        let array = match &mut value {
            Value::Tag(_, inner) => inner.as_mut(),
            other => other,
        };
        let Value::Array(parts) = array else {
            panic!("COSE_Sign1 is an array")
        };
        let Some(Value::Bytes(signature)) = parts.get_mut(3) else {
            panic!("the signature is a byte string")
        };
        *signature = malleate(signature);
        cbor::encode(&value).unwrap()
    };
    assert_ne!(twin_bytes, list.as_bytes());

    let mut store = TrustStore::new();
    store.pin_operator("UA", operator.root.clone()).unwrap();
    store.update(list.as_bytes(), NOW).unwrap();
    // Keyed on the payload: the twin is "unchanged", not "sequence reused".
    let update = store.update(&twin_bytes, NOW).unwrap();
    assert_eq!(update.outcome, UpdateOutcome::Unchanged);
}

#[test]
fn a_certificate_with_a_malleated_signature_is_the_same_certificate() {
    let operator = es256_operator();
    let twin_root = malleated_certificate(&operator.root);
    // Pinned once, whatever the signature bytes.
    let mut store = TrustStore::new();
    store.pin_operator("UA", operator.root.clone()).unwrap();
    store.pin_operator("UA", twin_root.clone()).unwrap();
    assert_eq!(store.operator_roots("UA").len(), 1);
    // A chain carrying the anchor's twin still ends at the anchor.
    let list = TrustList::new(
        "UA",
        1,
        ISSUED,
        NEXT_UPDATE,
        vec![licence_authority().authority],
    )
    .unwrap()
    .sign(&operator.key, &[operator.signer.clone(), twin_root])
    .unwrap();
    assert_eq!(
        code(list.verify(std::slice::from_ref(&operator.root), NOW)),
        "ok"
    );
    // One IACA listed twice under two signatures is one IACA listed twice.
    let authority = licence_authority();
    let twin_iaca = malleated_certificate(&authority.iaca_certificate);
    let doubled = docbridge::IssuingAuthority::new(
        "UA:diia-2",
        "UA",
        "Diia again",
        vec![twin_iaca],
        [DrivingLicence::DOC_TYPE],
    )
    .unwrap();
    assert_eq!(
        code(TrustList::new(
            "UA",
            2,
            ISSUED,
            NEXT_UPDATE,
            vec![authority.authority.clone(), doubled]
        )),
        "trust_list_duplicate_authority"
    );
}
