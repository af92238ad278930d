//! Issuing: salted items, unlinkable digestIDs, the MSO and issuerAuth.
//!
//! ## What every verifier sees
//!
//! The MSO travels whole with every presentation, whatever is disclosed:
//! the doc type, the validity times, the device key, the status reference,
//! and in valueDigests the name of **every namespace** the document holds
//! (for a driving licence `org.iso.18013.5.1`, and a national namespace
//! such as `org.iso.18013.5.1.UA` when it has one) with one digest per
//! element. Namespace names are therefore never secret: put nothing in a
//! namespace name that a verifier should not learn. How many elements a
//! namespace holds is hidden by decoy digests ([`IssueOptions::decoy_bucket`]):
//! random digests under random digestIDs, indistinguishable from real
//! ones, pad each namespace to the next multiple of the bucket.
//!
//! The Document Signer key stays behind the [`Signer`] trait, so a production
//! issuer keeps it in an HSM or a cloud KMS. Randomness (salts, digestID
//! order) comes from an injected RNG: with a seeded RNG and a deterministic
//! signer (Ed25519, RFC 6979 ECDSA) the output is reproducible byte for byte.

use crate::int::u64_from_usize;
use std::collections::BTreeMap;

use rand_core::CryptoRng;

use crate::cbor;
use crate::cose::{PublicKey, Sign1Options, Signer, sign1};
use crate::documents::{DocumentType, Elements};
use crate::error::{Error, Result, excerpt};
use crate::issuer_signed::{IssuerSigned, IssuerSignedItem, IssuerSignedItemBytes};
use crate::mso::{
    DeviceKeyInfo, Digest, DigestAlgorithm, KeyAuthorizations, MAX_DIGEST_LEN, MSO_VERSION,
    MobileSecurityObject, ValidityInfo,
};
use crate::status::{IdentifierListReference, StatusListReference, StatusReference};
use crate::x509::Certificate;

mod batch;

pub use batch::{BATCH_TIME_JITTER_SECONDS, BatchCopy, MAX_BATCH_COPIES};

/// Largest decoy bucket accepted: a bucket pads each namespace by at most
/// this many digests, which keeps an MSO small.
pub const MAX_DECOY_BUCKET: usize = 256;

/// Smallest salt the crate will write: ISO/IEC 18013-5 asks for at least 16
/// bytes so that a digest cannot be brute-forced back to its value.
pub const MIN_SALT_LEN: usize = 16;

/// Options for issuing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueOptions {
    /// Digest algorithm for the MSO (SHA-256 unless chosen otherwise).
    pub digest_algorithm: DigestAlgorithm,
    /// Salt length per element, at least [`MIN_SALT_LEN`]; 32 by default.
    pub salt_len: usize,
    /// Key authorizations to record for the device key, if any.
    pub key_authorizations: Option<KeyAuthorizations>,
    /// The document's entry in a status list, written to the MSO's
    /// `status`, if any (see [`Issuer::with_status_list`]).
    pub status_list: Option<StatusListReference>,
    /// The document's entry in an identifier list, written to the MSO's
    /// `status` beside any status list (see [`Issuer::with_identifier_list`]).
    pub identifier_list: Option<IdentifierListReference>,
    /// Decoy digests, as ISO/IEC 18013-5 allows: with `Some(n)`, each
    /// namespace's digests are padded with random digests under random
    /// digestIDs up to the next multiple of `n` (1 to
    /// [`MAX_DECOY_BUCKET`]), so the MSO tells a verifier only the bucket,
    /// not how many elements a namespace holds. `None` (the default) adds
    /// none.
    pub decoy_bucket: Option<usize>,
}

impl Default for IssueOptions {
    fn default() -> Self {
        IssueOptions {
            digest_algorithm: DigestAlgorithm::Sha256,
            salt_len: 32,
            key_authorizations: None,
            status_list: None,
            identifier_list: None,
            decoy_bucket: None,
        }
    }
}

/// An issuer: a Document Signer key with its certificate.
pub struct Issuer<'a> {
    signer: &'a dyn Signer,
    certificate: &'a Certificate,
    options: IssueOptions,
}

impl<'a> Issuer<'a> {
    /// An issuer signing with `signer`, whose public key must be the one in
    /// `certificate` (`invalid_key` otherwise, as everywhere a signer's key
    /// must match a certificate or document).
    pub fn new(signer: &'a dyn Signer, certificate: &'a Certificate) -> Result<Issuer<'a>> {
        if &signer.public_key() != certificate.public_key() {
            return Err(Error::InvalidKey(format!(
                "the signer's key is not the key of certificate {:?}",
                excerpt(certificate.subject())
            )));
        }
        Ok(Issuer {
            signer,
            certificate,
            options: IssueOptions::default(),
        })
    }

    /// Replaces the options.
    pub fn with_options(mut self, options: IssueOptions) -> Result<Issuer<'a>> {
        if options.salt_len < MIN_SALT_LEN {
            return Err(Error::InvalidArgument(format!(
                "salt of {} bytes is shorter than {MIN_SALT_LEN}",
                options.salt_len
            )));
        }
        if let Some(bucket) = options.decoy_bucket
            && !(1..=MAX_DECOY_BUCKET).contains(&bucket)
        {
            return Err(Error::InvalidArgument(format!(
                "decoy bucket {bucket} is outside 1..={MAX_DECOY_BUCKET}"
            )));
        }
        self.options = options;
        Ok(self)
    }

    /// The same issuer, writing `reference` (typically from
    /// [`crate::status::ManagedStatusList::allocate`]) into the MSO of the
    /// documents it issues. Each document needs its own index, so this is
    /// called per document.
    pub fn with_status_list(&self, reference: StatusListReference) -> Issuer<'a> {
        self.with_status_entries(Some(reference), self.options.identifier_list.clone())
    }

    /// The same issuer, writing exactly these entries (or none) into the
    /// MSO's `status`.
    fn with_status_entries(
        &self,
        status_list: Option<StatusListReference>,
        identifier_list: Option<IdentifierListReference>,
    ) -> Issuer<'a> {
        Issuer {
            signer: self.signer,
            certificate: self.certificate,
            options: IssueOptions {
                status_list,
                identifier_list,
                ..self.options.clone()
            },
        }
    }

    /// The same issuer, writing `reference` into the MSO's `status` as its
    /// `identifier_list` entry (ISO/IEC 18013-5 second edition); each
    /// document needs its own identifier, so this is called per document.
    pub fn with_identifier_list(&self, reference: IdentifierListReference) -> Issuer<'a> {
        Issuer {
            signer: self.signer,
            certificate: self.certificate,
            options: IssueOptions {
                identifier_list: Some(reference),
                ..self.options.clone()
            },
        }
    }

    /// Issues a typed document bound to `device_key`.
    pub fn issue_document<D: DocumentType, R: CryptoRng + ?Sized>(
        &self,
        document: &D,
        device_key: &PublicKey,
        validity: &ValidityInfo,
        rng: &mut R,
    ) -> Result<IssuerSigned> {
        self.issue_owned(
            D::DOC_TYPE,
            document.to_elements()?,
            device_key,
            validity,
            rng,
        )
    }

    /// Issues `elements` as a document of `doc_type` bound to `device_key`.
    ///
    /// Each element gets a fresh salt; digestIDs are a random permutation of
    /// 0..n over all elements and decoys, so neither the IDs nor their gaps
    /// reveal the order or number of elements in a namespace.
    pub fn issue<R: CryptoRng + ?Sized>(
        &self,
        doc_type: &str,
        elements: &Elements,
        device_key: &PublicKey,
        validity: &ValidityInfo,
        rng: &mut R,
    ) -> Result<IssuerSigned> {
        self.issue_owned(doc_type, elements.clone(), device_key, validity, rng)
    }

    /// [`Issuer::issue`] with elements of its own, whose values move into
    /// the items rather than being copied (a portrait among them).
    fn issue_owned<R: CryptoRng + ?Sized>(
        &self,
        doc_type: &str,
        elements: Elements,
        device_key: &PublicKey,
        validity: &ValidityInfo,
        rng: &mut R,
    ) -> Result<IssuerSigned> {
        if doc_type.is_empty() {
            return Err(Error::InvalidArgument("empty doc type".into()));
        }
        let (not_before, not_after) = (self.certificate.not_before(), self.certificate.not_after());
        if validity.signed < not_before || validity.signed > not_after {
            return Err(Error::InvalidArgument(format!(
                "signed {} is outside the Document Signer certificate's validity {not_before} .. {not_after}",
                validity.signed
            )));
        }
        if validity.valid_until <= validity.valid_from {
            return Err(Error::InvalidArgument(
                "validUntil must be after validFrom".into(),
            ));
        }
        let count: usize = elements.values().map(BTreeMap::len).sum();
        if count == 0 {
            return Err(Error::InvalidArgument("a document needs elements".into()));
        }
        let decoys = |real: usize| match self.options.decoy_bucket {
            Some(bucket) if bucket > 0 => real
                .checked_next_multiple_of(bucket)
                .unwrap_or(real)
                .saturating_sub(real),
            _ => 0,
        };
        let total: usize = count.saturating_add(
            elements
                .values()
                .filter(|ns| !ns.is_empty())
                .map(|ns| decoys(ns.len()))
                .sum::<usize>(),
        );
        let mut digest_ids: Vec<u64> = (0..u64_from_usize(total)).collect();
        shuffle(&mut digest_ids, rng);
        let mut ids = digest_ids.into_iter();
        let mut next_id = || {
            ids.next()
                .ok_or_else(|| Error::InvalidArgument("digestID allocation".into()))
        };

        let algorithm = self.options.digest_algorithm;
        let digest_len = algorithm.output_len();
        let mut name_spaces = Vec::new();
        let mut value_digests = BTreeMap::new();
        for (ns, ns_elements) in elements {
            let mut items = Vec::with_capacity(ns_elements.len());
            let mut digests = BTreeMap::new();
            for (identifier, value) in ns_elements {
                let digest_id = next_id()?;
                let mut random = vec![0u8; self.options.salt_len];
                rng.fill_bytes(&mut random);
                let item = IssuerSignedItemBytes::encode(IssuerSignedItem {
                    digest_id,
                    random,
                    element_identifier: identifier,
                    element_value: value,
                })?;
                digests.insert(digest_id, item.digest(algorithm));
                items.push(item);
            }
            if !items.is_empty() {
                // A decoy is a digest of nothing: random bytes no item hashes to.
                for _ in 0..decoys(items.len()) {
                    let mut random = [0u8; MAX_DIGEST_LEN];
                    let decoy = random.get_mut(..digest_len).ok_or_else(|| {
                        Error::InvalidArgument(format!("a digest of {digest_len} bytes"))
                    })?;
                    rng.fill_bytes(decoy);
                    let decoy = Digest::from_slice(decoy).ok_or_else(|| {
                        Error::InvalidArgument(format!("a digest of {digest_len} bytes"))
                    })?;
                    digests.insert(next_id()?, decoy);
                }
                value_digests.insert(ns.clone(), digests);
                name_spaces.push((ns, items));
            }
        }

        let mso = MobileSecurityObject {
            version: MSO_VERSION.to_string(),
            digest_algorithm: algorithm,
            value_digests,
            device_key_info: DeviceKeyInfo {
                device_key: device_key.clone(),
                key_authorizations: self.options.key_authorizations.clone(),
                key_info: None,
            },
            doc_type: doc_type.to_string(),
            validity_info: *validity,
            status: (self.options.status_list.is_some() || self.options.identifier_list.is_some())
                .then(|| StatusReference {
                    status_list: self.options.status_list.clone(),
                    identifier_list: self.options.identifier_list.clone(),
                    other: Vec::new(),
                }),
            other: Vec::new(),
        };
        // MobileSecurityObjectBytes, `#6.24(bstr)`, wrapped around the
        // encoding in place rather than through a second encoding pass.
        let payload = cbor::tag24_bytes(&mso.encode()?);
        let issuer_auth = sign1(
            self.signer,
            &payload,
            &Sign1Options {
                x5chain: vec![self.certificate.der().to_vec()],
                ..Sign1Options::default()
            },
        )?;
        // An HSM slot mix-up must fail here, not in every verifier later.
        issuer_auth
            .verify(self.certificate.public_key(), b"")
            .map_err(|e| Error::SigningFailed(format!("the signature does not verify: {e}")))?;
        Ok(IssuerSigned::new(name_spaces, issuer_auth))
    }
}

/// Fisher-Yates shuffle driven by the injected RNG.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "i < values.len(), so i + 1 cannot overflow and bound is never 0"
)]
fn shuffle<R: CryptoRng + ?Sized>(values: &mut [u64], rng: &mut R) {
    for i in (1..values.len()).rev() {
        let bound = u64_from_usize(i + 1);
        // Rejection sampling keeps the permutation uniform.
        let zone = u64::MAX - (u64::MAX % bound);
        let j = loop {
            let r = rng.next_u64();
            if r < zone {
                break usize::try_from(r % bound).unwrap_or(i);
            }
        };
        values.swap(i, j);
    }
}
