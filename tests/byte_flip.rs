//! Tamper resistance: single-byte corruptions (xor 0x01 and xor 0x80) of a
//! valid IssuerSigned, for every Document Signer algorithm, are verified. A
//! corrupted document must never verify with claims other than the
//! original ones, and the verifier must never panic.
//!
//! A flip may still verify with the same claims when it hits bytes that carry
//! no meaning for the verifier; those are counted and printed per region, and
//! there must be none inside the items, the MSO, the signature or the
//! protected header, which the digests and the signature cover.
//!
//! Coverage: every byte of the ES256 document; for EdDSA and ES384, every
//! byte except the items and the MSO payload, which are the ES256 document's
//! bytes exactly (checked) and of which every 8th byte is flipped (see
//! [`flips_for`]). `DOCBRIDGE_BYTE_FLIP_FULL=1` flips all eight bits of every
//! byte for every algorithm. To stay within about 15 s in a debug build (the
//! signature checks dominate), the document is small: two elements, an
//! Ed25519 device key, 16-byte salts, and certificates with one-letter names.
//!
//! Two earlier findings have their own tests at the end: a corrupted
//! `nameSpaces` key is refused (IssuerSigned is a closed map), and the DS
//! certificate's bytes outside its TBSCertificate are not malleable (strict
//! DER).

mod common;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use docbridge::VerifyOptions;
use docbridge::cbor;
use docbridge::deps::ciborium::value::Value;
use docbridge::x509::{CertificateProfile, create_issued, create_self_signed};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DrivingLicence, Elements, IssueOptions, Issuer,
    IssuerSigned, IssuingAuthority, Signer, SoftwareKey, TrustedAuthorities, VerifiedDocument,
    Verifier,
};

/// A minimal authority: IACA `C=UA, CN=I`, DS `C=UA, CN=D`.
struct Small {
    ds_key: SoftwareKey,
    ds_certificate: Certificate,
    verifier: Verifier,
}

fn small_authority(alg: Algorithm) -> Small {
    let mut rng = rng(0xf11b);
    let iaca_key = SoftwareKey::generate(alg, &mut rng);
    let ds_key = SoftwareKey::generate(alg, &mut rng);
    let spec = |cn: &str, serial: u64| certificate_spec("UA", cn, serial);
    let iaca = create_self_signed(&spec("I", 1), CertificateProfile::Iaca, &iaca_key).unwrap();
    let ds_certificate = create_issued(
        &spec("D", 2),
        CertificateProfile::DocumentSigner,
        &ds_key.public_key(),
        &iaca,
        &iaca_key,
    )
    .unwrap();
    let authority =
        IssuingAuthority::new("UA:t", "UA", "T", vec![iaca], [DrivingLicence::DOC_TYPE]).unwrap();
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities([authority]).unwrap(),
        AcceptancePolicy::accept_all(),
    );
    Small {
        ds_key,
        ds_certificate,
        verifier,
    }
}

fn small_document(authority: &Small) -> IssuerSigned {
    let mut ns = BTreeMap::new();
    ns.insert("family_name".to_string(), Value::Text("Олена".into()));
    ns.insert("issuing_country".to_string(), Value::Text("UA".into()));
    let mut elements = Elements::new();
    elements.insert(MDL_NS.to_string(), ns);
    Issuer::new(&authority.ds_key, &authority.ds_certificate)
        .unwrap()
        .with_options(IssueOptions {
            salt_len: 16,
            ..IssueOptions::default()
        })
        .unwrap()
        .issue(
            DrivingLicence::DOC_TYPE,
            &elements,
            &device_key(Algorithm::EdDsa, 0xde),
            &validity(),
            &mut rng(0x1551),
        )
        .unwrap()
}

/// Where a byte of the encoded IssuerSigned lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Region {
    /// The text of the `nameSpaces` key of IssuerSigned.
    NameSpacesKey,
    /// An IssuerSignedItemBytes (tag, byte string header and content).
    Item,
    /// The issuerAuth payload (MobileSecurityObjectBytes).
    Mso,
    /// The COSE signature.
    Signature,
    /// The protected header bytes.
    ProtectedHeader,
    /// The Document Signer certificate in x5chain.
    Certificate,
    /// Everything else: map keys, array and string heads, the unprotected
    /// header's labels.
    Structure,
}

impl Region {
    /// Regions every byte of which the digests or the signature cover.
    fn is_covered(self) -> bool {
        matches!(
            self,
            Region::Item | Region::Mso | Region::Signature | Region::ProtectedHeader
        )
    }
}

fn regions(bytes: &[u8], document: &IssuerSigned, ds: &Certificate) -> Vec<(Range<usize>, Region)> {
    let at = |needle: &[u8]| {
        let start = find_unique(bytes, needle);
        start..start + needle.len()
    };
    let mut regions = vec![(at(b"nameSpaces"), Region::NameSpacesKey)];
    for (_, items) in document.name_spaces() {
        for item in items {
            regions.push((at(&item.tagged_bytes().unwrap()), Region::Item));
        }
    }
    let auth = document.issuer_auth();
    regions.push((at(auth.payload().unwrap()), Region::Mso));
    regions.push((at(&auth.cose().signature), Region::Signature));
    regions.push((
        at(auth.cose().protected.original_data.as_deref().unwrap()),
        Region::ProtectedHeader,
    ));
    regions.push((at(ds.der()), Region::Certificate));
    regions
}

fn region_of(regions: &[(Range<usize>, Region)], offset: usize) -> Region {
    regions
        .iter()
        .find(|(range, _)| range.contains(&offset))
        .map_or(Region::Structure, |(_, region)| *region)
}

/// What verifying one corrupted document gave.
enum Outcome {
    /// Refused with this code.
    Refused(&'static str),
    /// Verified with the original claims.
    Identical,
    /// Verified with other elements (debug form).
    Different(String),
}

/// Everything a verified document says.
fn claims_of(doc: &VerifiedDocument) -> impl PartialEq + std::fmt::Debug {
    (
        doc.elements().clone(),
        doc.claims().clone(),
        doc.doc_type().to_string(),
        doc.issuing_country().to_string(),
        doc.authority_id().to_string(),
        doc.document_signer().to_string(),
        doc.device_key().clone(),
        *doc.validity(),
    )
}

/// Set to flip all eight bits of every byte for every algorithm (about
/// 4x the default work for the ES256 document, 8x for the others).
const FULL_ENV: &str = "DOCBRIDGE_BYTE_FLIP_FULL";

/// Stride of the sample of item and MSO bytes flipped for EdDSA and ES384.
const SHARED_STRIDE: usize = 8;

/// The flips to try on a document of `alg`.
///
/// By default every byte is flipped with xor 0x01 and with xor 0x80, with
/// one economy that keeps the file within its debug-mode time budget: the
/// items and the MSO payload are byte for byte the same in the three
/// documents (same elements, salts, device key and validity; checked by the
/// caller), and their corruption is caught by the digests and the MSO
/// signature, so they are flipped in full for ES256 (the fastest to verify)
/// and at every [`SHARED_STRIDE`]th byte for EdDSA and ES384. Everything that
/// differs between the documents (protected header, signature, certificate,
/// unprotected header, structure) is flipped in full for every algorithm.
/// With `DOCBRIDGE_BYTE_FLIP_FULL=1`, all eight bits of every byte are
/// flipped for every algorithm.
fn flips_for(alg: Algorithm, len: usize, regions: &[(Range<usize>, Region)]) -> Vec<(usize, u8)> {
    let full = std::env::var_os(FULL_ENV).is_some();
    let masks: &[u8] = if full {
        &[0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80]
    } else {
        &[0x01, 0x80]
    };
    (0..len)
        .filter(|&offset| {
            full || alg == Algorithm::Es256
                || match regions.iter().find(|(range, _)| range.contains(&offset)) {
                    Some((range, Region::Item | Region::Mso)) => {
                        (offset - range.start) % SHARED_STRIDE == 0
                    }
                    _ => true,
                }
        })
        .flat_map(|offset| masks.iter().map(move |&mask| (offset, mask)))
        .collect()
}

/// The items and MSO payload of a document, which must not depend on the
/// Document Signer's algorithm.
fn shared_bytes(document: &IssuerSigned) -> (Vec<Vec<u8>>, Vec<u8>) {
    (
        document
            .name_spaces()
            .iter()
            .flat_map(|(_, items)| items.iter().map(|i| i.tagged_bytes().unwrap()))
            .collect(),
        document.issuer_auth().payload().unwrap().to_vec(),
    )
}

fn flip_every_byte(alg: Algorithm) {
    let started = std::time::Instant::now();
    let authority = small_authority(alg);
    let document = small_document(&authority);
    let bytes = document.to_vec().unwrap();
    let original = authority
        .verifier
        .verify(&bytes, &VerifyOptions::at(NOW))
        .unwrap();
    assert_eq!(original.elements().get(MDL_NS).map(BTreeMap::len), Some(2));
    let regions = regions(&bytes, &document, &authority.ds_certificate);
    assert_eq!(
        shared_bytes(&document),
        shared_bytes(&small_document(&small_authority(Algorithm::Es256))),
        "the items and MSO must be those of the ES256 document"
    );

    // The flips, verified on all cores.
    let flips = flips_for(alg, bytes.len(), &regions);
    // Verified on all cores; each thread takes the next untried flip.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<(usize, u8, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (flips, next) = (&flips, &next);
                let (bytes, verifier, original) = (&bytes, &authority.verifier, &original);
                scope.spawn(move || {
                    let mut done = Vec::new();
                    while let Some(&(offset, mask)) =
                        flips.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        let mut flipped = bytes.clone();
                        flipped[offset] ^= mask;
                        let outcome = match verifier.verify(&flipped, &VerifyOptions::at(NOW)) {
                            Err(e) => Outcome::Refused(e.code()),
                            Ok(doc) if claims_of(&doc) == claims_of(original) => Outcome::Identical,
                            Ok(doc) => Outcome::Different(format!("{:?}", doc.elements())),
                        };
                        done.push((offset, mask, outcome));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    outcomes.sort_by_key(|(offset, mask, _)| (*offset, *mask));

    let tried = outcomes.len();
    let mut refused = 0usize;
    let mut identical: BTreeMap<Region, Vec<(usize, u8)>> = BTreeMap::new();
    let mut codes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (offset, mask, outcome) in outcomes {
        let region = region_of(&regions, offset);
        match outcome {
            Outcome::Refused(code) => {
                refused += 1;
                *codes.entry(code).or_default() += 1;
            }
            Outcome::Identical => identical.entry(region).or_default().push((offset, mask)),
            Outcome::Different(elements) => {
                panic!(
                    "{alg}: flip {mask:#04x} at offset {offset} ({region:?}) verified with \
                     other claims: {elements}"
                );
            }
        }
    }

    println!(
        "{alg}: {} bytes, {tried} flips tried, {refused} refused, {} accepted with identical \
         claims ({:.1?})",
        bytes.len(),
        identical.values().map(Vec::len).sum::<usize>(),
        started.elapsed()
    );
    for (region, flips) in &identical {
        println!("{alg}:   accepted-identical in {region:?}: {flips:?} (offset, mask)");
    }
    println!("{alg}:   refusals by code: {codes:?}");

    assert_eq!(tried, flips.len());
    assert_eq!(
        tried,
        refused + identical.values().map(Vec::len).sum::<usize>()
    );
    for (region, flips) in &identical {
        assert!(
            !region.is_covered(),
            "{alg}: flips inside {region:?} verified: {flips:?}"
        );
    }
    // Most flips must be refused outright.
    assert!(
        refused * 10 >= tried * 9,
        "{alg}: only {refused} of {tried} refused"
    );
}

#[test]
fn flips_with_eddsa_document_signer() {
    flip_every_byte(Algorithm::EdDsa);
}

#[test]
fn flips_with_es256_document_signer() {
    flip_every_byte(Algorithm::Es256);
}

#[test]
fn flips_with_es384_document_signer() {
    flip_every_byte(Algorithm::Es384);
}

/// The region map is right: the regions do not overlap and the covered ones
/// are where the test thinks they are.
#[test]
fn regions_are_disjoint_and_found() {
    let authority = small_authority(Algorithm::Es256);
    let document = small_document(&authority);
    let bytes = document.to_vec().unwrap();
    let regions = regions(&bytes, &document, &authority.ds_certificate);
    for (i, (a, _)) in regions.iter().enumerate() {
        for (b, _) in &regions[i + 1..] {
            assert!(a.end <= b.start || b.end <= a.start, "{a:?} overlaps {b:?}");
        }
    }
    let count = |r: Region| regions.iter().filter(|(_, x)| *x == r).count();
    assert_eq!(count(Region::Item), 2);
    assert_eq!(count(Region::Mso), 1);
    assert_eq!(count(Region::Signature), 1);
    assert_eq!(count(Region::Certificate), 1);
    assert_eq!(count(Region::NameSpacesKey), 1);
}

/// ISO/IEC 18013-5 defines IssuerSigned as the closed map
/// `{ ? "nameSpaces": IssuerNameSpaces, "issuerAuth": IssuerAuth }`. The
/// decoder ignores keys it does not know, so one flipped bit in the key
/// `nameSpaces` (`nameSpacer`) turns a document into a valid one that
/// discloses nothing, instead of a refusal.
#[test]
fn issuer_signed_with_an_unknown_key_is_refused() {
    let authority = small_authority(Algorithm::Es256);
    let mut value = small_document(&authority).to_value().unwrap();
    let Value::Map(entries) = &mut value else {
        panic!()
    };
    entries[0].0 = Value::Text("nameSpacer".into());
    let bytes = cbor::encode(&value).unwrap();
    let result = authority.verifier.verify(&bytes, &VerifyOptions::at(NOW));
    assert_eq!(
        result.map(|d| d.elements().len()).map_err(|e| e.code()),
        Err("invalid_structure")
    );
}

/// The Document Signer certificate in x5chain must be DER: bytes outside the
/// signed TBSCertificate (the outer SEQUENCE tag, the signatureAlgorithm
/// SEQUENCE and OID tags, the BIT STRING tag of signatureValue) are not
/// covered by the IACA's signature, so accepting other encodings there makes
/// one certificate acceptable under many byte strings (and many
/// fingerprints).
#[test]
fn ds_certificate_with_altered_outer_tags_is_refused() {
    let mut accepted = Vec::new();
    for alg in Algorithm::ALL {
        let authority = small_authority(alg);
        let der = authority.ds_certificate.der().to_vec();
        // Offsets of the Certificate SEQUENCE tag, and of the
        // signatureAlgorithm SEQUENCE, its OID and the signatureValue BIT
        // STRING tags, which follow the TBSCertificate (all these
        // AlgorithmIdentifiers are shorter than 128 bytes).
        let tbs = authority.ds_certificate.tbs();
        let after_tbs = find_unique(&der, tbs) + tbs.len();
        assert_eq!(der[after_tbs], 0x30);
        assert_eq!(der[after_tbs + 2], 0x06);
        let bit_string = after_tbs + 2 + der[after_tbs + 1] as usize;
        assert_eq!(der[bit_string], 0x03);
        for (offset, mask) in [
            (0, 0x80u8),
            (after_tbs, 0x80),
            (after_tbs + 2, 0x01),
            (after_tbs + 2, 0x80),
            (bit_string, 0x80),
            // The BIT STRING's unused-bits count, which must be 0.
            (bit_string + 2, 0x01),
        ] {
            let mut bad = der.clone();
            bad[offset] ^= mask;
            if let Ok(certificate) = Certificate::from_der(&bad) {
                // Same meaning: the TBSCertificate is untouched.
                assert_eq!(certificate.tbs(), tbs);
                accepted.push(format!("{alg}: {mask:#04x} at offset {offset}"));
            }
        }
    }
    assert!(
        accepted.is_empty(),
        "non-DER certificates accepted: {accepted:?}"
    );
}
