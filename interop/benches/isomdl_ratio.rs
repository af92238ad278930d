//! Issue 13's isomdl comparison: the ISO/IEC 18013-5 Annex D DeviceResponse
//! (deviceMac, P-256) verified by docbridge (its default crypto provider,
//! pure Rust unless the `aws-lc-rs` feature is on; warm certificate cache) and by the same checks assembled from isomdl 0.2's
//! public calls, batches of the two alternating in one process; prints the
//! fastest batch of each and the ratio docbridge / isomdl.
//!
//! isomdl has no single call for this check (its `validate_response`
//! refuses deviceMac as unsupported), so the isomdl side is assembled:
//!
//! - isomdl's calls: decoding the DeviceResponse, the x5chain and the
//!   disclosed elements (`reader::parse`), the Annex B validation of the
//!   Document Signer certificate against the IACA
//!   (`ValidationRuleset::Mdl`: the IACA's signature on the Document Signer
//!   certificate, both profiles, the validity periods; it reads the system
//!   clock, so it reports the Document Signer, expired in 2021, and it also
//!   refuses the Annex D certificates' dNSName CRL distribution points;
//!   those errors are printed once and the work is the same), the issuerAuth
//!   signature
//!   (`issuer_authentication`), the MSO (`Tag24<Mso>`), the
//!   DeviceAuthenticationBytes (`DeviceAuthentication`), the ECDH of the
//!   reader's ephemeral key with the device key (`session::get_shared_secret`)
//!   and the COSE_Mac0 tag (`MaybeTagged<CoseMac0>::verify`);
//! - written here, as isomdl has no call for them: SHA-256 of each disclosed
//!   IssuerSignedItemBytes against the MSO valueDigests, the MSO validity
//!   window at the Annex D time, and the HKDF-SHA256 "EMacKey" derivation
//!   (isomdl derives only the SKReader / SKDevice session keys).
//!
//! Not done on the isomdl side (docbridge does them): the doc type and
//! digest algorithm agreement of the MSO, the device key's binding checks,
//! the trust list's country and doc-type scope, a chain check at a chosen
//! time. Skips with a notice when `../shared/vectors/external` is absent.
//!
//! Run with `cargo bench -p docbridge-interop --bench isomdl_ratio`
//! (`-- quick` for fewer rounds); add `--features aws-lc-rs` for docbridge
//! under its aws-lc-rs crypto provider (isomdl's side is the same either
//! way).

use std::hint::black_box;
use std::time::{Duration, Instant};

use docbridge::deps::ciborium;
use docbridge::{
    AcceptancePolicy, Certificate, DrivingLicence, IssuingAuthority, TrustedAuthorities, Verifier,
    VerifyOptions,
};
use hmac_012::Mac;
use isomdl::cose::MaybeTagged;
use isomdl::definitions::device_signed::{DeviceAuth, DeviceAuthentication};
use isomdl::definitions::helpers::Tag24;
use isomdl::definitions::x509::X5Chain;
use isomdl::definitions::x509::trust_anchor::{PemTrustAnchor, TrustAnchorRegistry, TrustPurpose};
use isomdl::definitions::x509::validation::ValidationRuleset;
use isomdl::definitions::{DeviceResponse, Mso};
use isomdl::presentation::authentication::mdoc::issuer_authentication;
use isomdl::presentation::reader;
use serde::{Deserialize, Serialize};
use sha2_010::{Digest, Sha256};
use time::OffsetDateTime;
use time::macros::datetime;

/// The directory of the ISO/IEC 18013-5 Annex D vectors.
const ANNEX_D: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/vectors/external/iso18013-5-annex-d/"
);
/// A time inside the Annex D Document Signer's and MSO's validity.
const NOW: OffsetDateTime = datetime!(2021-06-01 00:00:00 UTC);

fn annex_d_hex(relative: &str) -> Option<Vec<u8>> {
    let text = std::fs::read_to_string(format!("{ANNEX_D}{relative}")).ok()?;
    hex::decode(text.trim()).ok()
}

/// The Annex D inputs both sides verify.
struct AnnexD {
    response: Vec<u8>,
    /// SessionTranscriptBytes (tag 24).
    session: Vec<u8>,
    iaca_der: Vec<u8>,
    reader_d: Vec<u8>,
}

impl AnnexD {
    fn load() -> Option<AnnexD> {
        Some(AnnexD {
            response: annex_d_hex("multipaz/device_response.hex")?,
            session: annex_d_hex("multipaz/session_transcript_bytes.hex")?,
            iaca_der: annex_d_hex("nl-wallet/iaca_root_cert.der.hex")?,
            reader_d: annex_d_hex("multipaz/ephemeral_reader_key_d.hex")?,
        })
    }
}

/// docbridge's full verification, its verifier kept between runs (the
/// certificate cache warms with the first).
struct Docbridge<'a> {
    input: &'a AnnexD,
    verifier: Verifier,
    reader_key: docbridge::deps::p256::SecretKey,
}

impl Docbridge<'_> {
    fn new(input: &AnnexD) -> Docbridge<'_> {
        let iaca = Certificate::from_der(&input.iaca_der).expect("the Annex D IACA");
        let authority = IssuingAuthority::new(
            "US:utopia",
            "US",
            "Utopia",
            vec![iaca],
            [DrivingLicence::DOC_TYPE],
        )
        .expect("the Annex D authority");
        let trusted = TrustedAuthorities::from_authorities([authority]).expect("one authority");
        Docbridge {
            input,
            verifier: Verifier::new(trusted, AcceptancePolicy::accept_all()),
            reader_key: docbridge::deps::p256::SecretKey::from_slice(&input.reader_d)
                .expect("the reader's ephemeral key"),
        }
    }

    /// Verifies once; how many elements it disclosed.
    fn run(&self) -> usize {
        let options = VerifyOptions::at(NOW)
            .reader_key(&self.reader_key)
            .transcript(&self.input.session);
        let outcome = self
            .verifier
            .verify_response(black_box(&self.input.response), &options)
            .expect("the Annex D response is well formed");
        let mut disclosed = 0;
        for document in outcome.documents {
            let document = document.expect("the Annex D document verifies");
            disclosed += black_box(document)
                .elements()
                .values()
                .map(|namespace| namespace.len())
                .sum::<usize>();
        }
        disclosed
    }
}

/// The SessionTranscript inside SessionTranscriptBytes, as isomdl embeds
/// it in DeviceAuthentication: any CBOR value serialises as itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
struct Transcript(ciborium::Value);

impl isomdl::definitions::session::SessionTranscript for Transcript {}

/// The checks assembled from isomdl's public calls (see the module doc).
struct Isomdl<'a> {
    input: &'a AnnexD,
    iaca_pem: String,
    transcript: Transcript,
    reader_key: p256_013::NonZeroScalar,
}

/// What one isomdl run found: the chain validation's errors and the number
/// of disclosed elements whose digests matched.
struct IsomdlOutcome {
    chain_errors: Vec<String>,
    digests_checked: usize,
}

impl Isomdl<'_> {
    fn new(input: &AnnexD) -> Isomdl<'_> {
        let iaca_pem = Certificate::from_der(&input.iaca_der)
            .expect("the Annex D IACA")
            .to_pem();
        let transcript = match isomdl::cbor::from_slice(&input.session) {
            Ok(ciborium::Value::Tag(24, inner)) => match *inner {
                ciborium::Value::Bytes(inner) => {
                    Transcript(isomdl::cbor::from_slice(&inner).expect("the SessionTranscript"))
                }
                other => panic!("tag 24 around {other:?}"),
            },
            other => panic!("not SessionTranscriptBytes: {other:?}"),
        };
        let reader_key = p256_013::SecretKey::from_slice(&input.reader_d)
            .expect("the reader's ephemeral key")
            .to_nonzero_scalar();
        Isomdl {
            input,
            iaca_pem,
            transcript,
            reader_key,
        }
    }

    /// Verifies once (and insists on every check but the chain's dates).
    fn run(&self) -> IsomdlOutcome {
        let response: DeviceResponse =
            isomdl::cbor::from_slice(black_box(&self.input.response)).expect("DeviceResponse");
        let (document, x5chain, namespaces) = reader::parse(&response).expect("parsed");
        black_box(namespaces);

        // Annex B chain validation (isomdl has no trust-anchor cache: the
        // registry is built per check, as `validate_response` takes it).
        let anchors = TrustAnchorRegistry::from_pem_certificates(vec![PemTrustAnchor {
            certificate_pem: self.iaca_pem.clone(),
            purpose: TrustPurpose::Iaca,
        }])
        .expect("the IACA as a trust anchor");
        let chain_errors = ValidationRuleset::Mdl.validate(&x5chain, &anchors).errors;
        let x5chain: X5Chain = x5chain;
        issuer_authentication(x5chain, &document.issuer_signed).expect("issuerAuth verifies");

        let payload = document
            .issuer_signed
            .issuer_auth
            .payload
            .as_ref()
            .expect("an attached MSO");
        let mso: Mso = isomdl::cbor::from_slice::<Tag24<Mso>>(payload)
            .expect("the MSO")
            .into_inner();
        assert!(
            mso.validity_info.valid_from <= NOW && NOW <= mso.validity_info.valid_until,
            "the MSO is valid at the Annex D time"
        );

        let mut digests_checked = 0;
        let namespaces = document
            .issuer_signed
            .namespaces
            .as_ref()
            .expect("disclosed elements");
        for (namespace, items) in namespaces.iter() {
            let digests = mso
                .value_digests
                .get(namespace)
                .expect("digests of the namespace");
            for item in items.iter() {
                let bytes = isomdl::cbor::to_vec(item).expect("IssuerSignedItemBytes");
                let expected = digests
                    .get(&item.as_ref().digest_id)
                    .expect("a digest of the element");
                assert_eq!(Sha256::digest(&bytes).as_slice(), expected.as_ref());
                digests_checked += 1;
            }
        }

        let DeviceAuth::DeviceMac(mac) = &document.device_signed.device_auth else {
            panic!("Annex D authenticates with deviceMac");
        };
        let device_key = mso.device_key_info.device_key.clone();
        let shared = isomdl::definitions::session::get_shared_secret(device_key, &self.reader_key)
            .expect("ECDH with the device key");
        let salt = Sha256::digest(&self.input.session);
        let mut e_mac_key = [0u8; 32];
        shared
            .extract::<Sha256>(Some(&salt))
            .expand(b"EMacKey", &mut e_mac_key)
            .expect("32 bytes of HKDF output");
        let hmac = hmac_012::Hmac::<Sha256>::new_from_slice(&e_mac_key).expect("an HMAC key");
        let authentication = Tag24::new(DeviceAuthentication::new(
            self.transcript.clone(),
            document.doc_type.clone(),
            document.device_signed.namespaces.clone(),
        ))
        .expect("DeviceAuthenticationBytes");
        let detached = isomdl::cbor::to_vec(&authentication).expect("encoding");
        let mac: &MaybeTagged<_> = mac;
        mac.verify(&hmac, Some(&detached), None)
            .into_result()
            .expect("the deviceMac verifies");

        IsomdlOutcome {
            chain_errors,
            digests_checked,
        }
    }
}

/// The time of one batch of `n` runs of `f`, per run.
fn batch(n: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed() / n
}

fn main() {
    let Some(input) = AnnexD::load() else {
        println!(
            "isomdl_ratio: skipped, the Annex D vectors are absent ({ANNEX_D}); \
             see the workspace README for ../shared/vectors/external"
        );
        return;
    };
    let quick = std::env::args().any(|a| a == "quick");
    let (batches, per_batch) = if quick { (5, 50) } else { (30, 200) };

    let docbridge = Docbridge::new(&input);
    let isomdl = Isomdl::new(&input);

    // Both sides agree on what they check before anything is timed; the
    // first docbridge run warms its certificate cache.
    let disclosed = docbridge.run();
    let outcome = isomdl.run();
    assert_eq!(disclosed, 6, "Annex D discloses six elements");
    assert_eq!(
        outcome.digests_checked, 6,
        "isomdl side checked six digests"
    );
    println!("Annex D DeviceResponse (deviceMac, P-256), {disclosed} elements disclosed");
    println!(
        "isomdl's Annex B chain validation (system clock) reports {} error(s) \
         (the Document Signer expired in 2021):",
        outcome.chain_errors.len()
    );
    for error in &outcome.chain_errors {
        println!("  - {error}");
    }

    let mut best_docbridge = Duration::MAX;
    let mut best_isomdl = Duration::MAX;
    for _ in 0..batches {
        best_docbridge = best_docbridge.min(batch(per_batch, || {
            black_box(docbridge.run());
        }));
        best_isomdl = best_isomdl.min(batch(per_batch, || {
            black_box(isomdl.run());
        }));
    }
    println!(
        "fastest of {batches} batches of {per_batch} (alternating, one process):\n  \
         {:<50} {:>9.1} µs\n  \
         {:<50} {:>9.1} µs\n  \
         {:<50} {:>9.2}x",
        format!(
            "docbridge ({}, warm certificate cache)",
            docbridge::provider::get_default().name()
        ),
        micros(best_docbridge),
        "isomdl 0.2 (assembled from its public calls)",
        micros(best_isomdl),
        "ratio docbridge / isomdl",
        best_docbridge.as_secs_f64() / best_isomdl.as_secs_f64()
    );
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
