//! `Wallet`: the holder's side, over the core's two-phase presentation
//! (`docbridge::holder::Wallet::prepare` / `approve`). `readRequest` says
//! what a reader asks for and who the reader is; the app shows a consent
//! screen; `respond` discloses only the approved elements, and no Document
//! at all where nothing was approved.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use docbridge::holder::{
    self, HolderPolicy, PreparedPresentation, ReaderCrls, ReaderStatus, ReportUnreturned,
};
use docbridge::{Certificate, DeviceRequest, IssuerSigned};

use crate::document::CertificateRevocation;
use crate::error::Result;
use crate::signer::{DeviceSigner, ForeignSigner};
use crate::time::to_core;
use crate::verifier::{CrlPolicy, FetchedCrl, crl_set, crl_signers as read_crl_signers};

/// A reader root the app trusts, with the label it shows the user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReaderRoot {
    /// What the consent screen says for readers under it ("police", "bank").
    pub label: String,
    /// The root certificate, PEM or DER.
    pub certificate: Vec<u8>,
}

/// To whom the wallet says it returns no document of a requested type (one
/// rule for documents it lacks and documents the user declined, so the
/// answer never tells what the wallet holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReportUnreturnedTo {
    /// Nobody: the doc type is simply missing from the response.
    Nobody,
    /// Readers authenticated under one of the holder's roots (the default).
    AuthenticatedReaders,
    /// Every reader.
    Everyone,
}

/// The holder's rules for answering readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct WalletPolicy {
    /// Refuse requests whose reader is not authenticated under one of the
    /// roots, instead of showing the user an unidentified reader.
    pub require_reader_auth: bool,
    /// To whom unreturned doc types are reported.
    pub report_unreturned: ReportUnreturnedTo,
}

/// What the reader asks of one document type.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RequestedDocument {
    /// The doc type asked for.
    pub doc_type: String,
    /// Whether the wallet holds a document of that type.
    pub held: bool,
    /// Whether the copy that would be shown was shown before (its batch of
    /// single-use copies is used up).
    pub copy_already_shown: bool,
    /// The elements asked for.
    pub elements: Vec<RequestedElement>,
    /// The reader, when its request verified under one of the roots.
    pub reader: Option<ReaderIdentity>,
    /// Why the reader is not identified (`reader_auth_missing`,
    /// `untrusted_reader`, ...), when it is not.
    pub reader_error: Option<String>,
}

/// One element the reader asks for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequestedElement {
    /// Its namespace.
    pub namespace: String,
    /// Its identifier.
    pub identifier: String,
    /// Whether the reader says it will keep the value.
    pub intent_to_retain: bool,
    /// Whether the held document has it.
    pub available: bool,
}

/// A reader whose request signature verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReaderIdentity {
    /// The reader certificate's subject (as its root let it say).
    pub subject: String,
    /// The label of the trusted root that vouched for it.
    pub root_label: String,
    /// What the CRL check of the reader certificate found: `Disabled` until
    /// the app gives the wallet reader CRLs (`Wallet.setReaderCrls`).
    pub certificate_revocation: CertificateRevocation,
}

/// A request as read: what to show on the consent screen. Pass it back to
/// `Wallet.respond` with the user's choice.
#[derive(Debug, uniffi::Object)]
pub struct ReaderRequest {
    prepared: PreparedPresentation,
}

#[uniffi::export]
impl ReaderRequest {
    /// Per requested document: doc type, elements, the reader.
    pub fn documents(&self) -> Vec<RequestedDocument> {
        requested_documents(&self.prepared)
    }
}

/// What the consent screen shows of `prepared`, per requested document.
pub(crate) fn requested_documents(prepared: &PreparedPresentation) -> Vec<RequestedDocument> {
    prepared
        .requests()
        .iter()
        .map(|r| {
            let (reader, reader_error) = match r.reader() {
                ReaderStatus::Authenticated(identity) => (
                    Some(ReaderIdentity {
                        subject: identity.certificate.subject().to_string(),
                        root_label: identity.root_label.clone(),
                        certificate_revocation: identity.crl.into(),
                    }),
                    None,
                ),
                ReaderStatus::Unauthenticated(code) => (None, Some((*code).to_string())),
                ReaderStatus::NotChecked => (None, None),
            };
            RequestedDocument {
                doc_type: r.doc_type().to_string(),
                held: r.held(),
                copy_already_shown: r.copy_already_shown(),
                elements: r
                    .elements()
                    .iter()
                    .map(|e| RequestedElement {
                        namespace: e.namespace.clone(),
                        identifier: e.element.clone(),
                        intent_to_retain: e.intent_to_retain,
                        available: e.available,
                    })
                    .collect(),
                reader,
                reader_error,
            }
        })
        .collect()
}

/// The core's reader roots from the records the app passed.
pub(crate) fn core_roots(roots: Vec<ReaderRoot>) -> docbridge::Result<Vec<holder::ReaderRoot>> {
    roots
        .into_iter()
        .map(|r| {
            Ok(holder::ReaderRoot::new(
                r.label,
                Certificate::load_one(&r.certificate)?,
            ))
        })
        .collect()
}

/// The app's signers, each checked once for its algorithm and key.
pub(crate) fn core_signers(
    signers: Vec<Arc<dyn DeviceSigner>>,
) -> docbridge::Result<Vec<ForeignSigner>> {
    signers.into_iter().map(ForeignSigner::new).collect()
}

/// The user's approvals as the core's consent.
pub(crate) fn core_consent(consent: &[Consent]) -> holder::Consent {
    consent
        .iter()
        .flat_map(|c| c.elements.iter().map(move |e| (&c.doc_type, e)))
        .fold(holder::Consent::none(), |all, (doc_type, e)| {
            all.approve(doc_type, &e.namespace, &e.identifier)
        })
}

/// The elements the user approved for one doc type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    /// The doc type.
    pub doc_type: String,
    /// The approved elements; requested elements not listed are withheld.
    pub elements: Vec<ElementId>,
}

/// An element's namespace and identifier.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ElementId {
    /// The namespace.
    pub namespace: String,
    /// The identifier.
    pub identifier: String,
}

/// The holder's documents (single-use copies of one document included:
/// each presentation shows the copy shown least often). Thread-safe.
#[derive(Debug, uniffi::Object)]
pub struct Wallet {
    inner: Mutex<holder::Wallet>,
}

impl Wallet {
    pub(crate) fn lock(&self) -> MutexGuard<'_, holder::Wallet> {
        // `approve` and `approve_vp_token` count shown copies only once the
        // documents are signed, so a poisoned lock holds no half-change.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[uniffi::export]
impl Wallet {
    /// A wallet holding `documents` (IssuerSigned bytes each, checked by
    /// the app's backend or a `Verifier` before) under `policy`.
    #[uniffi::constructor]
    pub fn new(documents: Vec<Vec<u8>>, policy: WalletPolicy) -> Result<Arc<Wallet>> {
        let documents = documents
            .iter()
            .map(|d| IssuerSigned::from_slice(d))
            .collect::<docbridge::Result<Vec<_>>>()?;
        let policy = HolderPolicy {
            require_reader_auth: policy.require_reader_auth,
            report_unreturned: match policy.report_unreturned {
                ReportUnreturnedTo::Nobody => ReportUnreturned::Never,
                ReportUnreturnedTo::AuthenticatedReaders => {
                    ReportUnreturned::ToAuthenticatedReaders
                }
                ReportUnreturnedTo::Everyone => ReportUnreturned::Always,
            },
        };
        Ok(Arc::new(Wallet {
            inner: Mutex::new(holder::Wallet::new(documents).with_policy(policy)),
        }))
    }

    /// From now on, `readRequest` checks each authenticated reader's
    /// certificate against `crls`, the CRLs the app fetched from the
    /// distribution points its reader certificates name: a revoked reader
    /// is refused with `certificate_revoked` (whether reader authentication
    /// is required or only reported), a missing or stale CRL as `policy`
    /// says. Replaces the CRLs held before, so the app calls it again after
    /// each fetch. `crl_signers` are the certificates (PEM or DER) of CRL
    /// signers a reader root delegated its CRLs to (its own name, another
    /// key, keyUsage cRLSign); a CRL one of them signed is
    /// `crl_signature_invalid` without it. An unreadable CRL is
    /// `crl_malformed`, an unreadable signer certificate
    /// `certificate_malformed`, and the CRLs held before stay.
    #[uniffi::method(default(crl_signers = []))]
    pub fn set_reader_crls(
        &self,
        crls: Vec<FetchedCrl>,
        policy: CrlPolicy,
        crl_signers: Vec<Vec<u8>>,
    ) -> Result<()> {
        let signers = read_crl_signers(&crl_signers)?;
        let crls = crl_set(crls, &signers)?;
        self.lock().set_reader_crls(ReaderCrls {
            crls,
            policy: (&policy).into(),
        });
        Ok(())
    }

    /// Phase one: reads a DeviceRequest. Per document: what is asked,
    /// whether the wallet has it, and which reader asks (checked against
    /// `reader_roots` over the session transcript at `now`). An
    /// unidentified reader is reported, or refused with the check's code
    /// when the policy requires reader authentication.
    pub fn read_request(
        &self,
        request: Vec<u8>,
        transcript: Vec<u8>,
        reader_roots: Vec<ReaderRoot>,
        now: SystemTime,
    ) -> Result<Arc<ReaderRequest>> {
        let now = to_core(now)?;
        let request = DeviceRequest::from_slice(&request)?;
        let roots = core_roots(reader_roots)?;
        let prepared = self.lock().prepare(&request, &transcript, &roots, now)?;
        Ok(Arc::new(ReaderRequest { prepared }))
    }

    /// Phase two: the DeviceResponse bytes disclosing only what `consent`
    /// approves of `request` (over the transcript `readRequest` was given),
    /// each document signed by the signer among `signers` that holds its
    /// device key (`invalid_key` when none does). A document with nothing
    /// approved is not sent at all. Consent to an element the request does
    /// not offer is refused with `invalid_argument`.
    pub fn respond(
        &self,
        request: Arc<ReaderRequest>,
        consent: Vec<Consent>,
        signers: Vec<Arc<dyn DeviceSigner>>,
    ) -> Result<Vec<u8>> {
        let signers = core_signers(signers)?;
        let signers: Vec<&dyn docbridge::Signer> = signers
            .iter()
            .map(|s| s as &dyn docbridge::Signer)
            .collect();
        let presentation =
            self.lock()
                .approve(&request.prepared, &core_consent(&consent), &signers)?;
        Ok(presentation.response.to_vec()?)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use docbridge::x509::crl::{CrlSpec, RevocationReason, create_crl};
    use docbridge::x509::{self, CertificateProfile, CertificateSpec};
    use docbridge::{Algorithm, Signer, SoftwareKey, transcript};
    use time::OffsetDateTime;

    use super::*;
    use crate::error::DocbridgeError;
    use crate::request::{DocumentItems, ItemToRequest, build_device_request};

    /// Where the police reader root publishes its CRL.
    const POINT: &str = "https://readers.policja.pl.example/crl";
    const CERT_FROM: i64 = 1_767_225_600; // 2026-01-01
    const CERT_UNTIL: i64 = 1_924_992_000; // 2031-01-01
    const ISSUED: i64 = 1_793_491_200; // 2026-11-01
    const NEXT: i64 = 1_796_083_200; // 2026-12-01
    const NOW: u64 = 1_795_953_600; // 2026-11-29 12:00

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    fn spec(common_name: &str, serial: u64, crl_uri: Option<&str>) -> CertificateSpec {
        CertificateSpec {
            common_name: common_name.into(),
            country: "PL".into(),
            organization: Some("Policja".into()),
            serial,
            not_before: at(CERT_FROM),
            not_after: at(CERT_UNTIL),
            issuer_contact: None,
            crl_uri: crl_uri.map(Into::into),
        }
    }

    /// A police reader root, a reader certificate naming [`POINT`], a
    /// signed request from that reader, and the root's CRL revoking
    /// `revoked` (the reader's serial, or another).
    struct World {
        root: Certificate,
        request: Vec<u8>,
        transcript: Vec<u8>,
        crl_revoking_reader: Vec<u8>,
        crl_revoking_another: Vec<u8>,
        /// A CRL signer the root certified (its name, another key, cRLSign).
        crl_signer: Vec<u8>,
        /// The reader revoked by a CRL the CRL signer signed.
        crl_by_signer_revoking_reader: Vec<u8>,
    }

    fn world() -> World {
        let mut rng = docbridge::rng::system();
        let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let root = x509::create_self_signed(
            &spec("Policja Reader Root", 1, None),
            CertificateProfile::Iaca,
            &root_key,
        )
        .unwrap();
        let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let reader = x509::create_issued(
            &spec("Policja Reader 0042", 42, Some(POINT)),
            CertificateProfile::ReaderAuthentication,
            &reader_key.public_key(),
            &root,
            &root_key,
        )
        .unwrap();
        let signer_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let signer = x509::create_crl_signer(
            7,
            at(CERT_FROM),
            at(CERT_UNTIL),
            &signer_key.public_key(),
            &root,
            &root_key,
        )
        .unwrap();
        let crl_signed_by = |serial: &[u8], by: Option<&Certificate>, key: &SoftwareKey| {
            let mut spec = CrlSpec::new(1, at(ISSUED), at(NEXT));
            spec.issuing_distribution_point = Some(POINT.into());
            spec.revoke(serial, at(ISSUED), Some(RevocationReason::KeyCompromise));
            create_crl(&spec, &root, by, key).unwrap().der().to_vec()
        };
        let crl = |serial: &[u8]| crl_signed_by(serial, None, &root_key);
        let transcript = transcript::backend_nonce("reader CRL tests", &[7; 16]).unwrap();
        let request = build_device_request(
            vec![DocumentItems {
                doc_type: "org.iso.18013.5.1.mDL".into(),
                elements: vec![ItemToRequest {
                    namespace: "org.iso.18013.5.1".into(),
                    identifier: "family_name".into(),
                    intent_to_retain: false,
                }],
            }],
            Some(reader_key.to_pkcs8_pem().unwrap().to_string()),
            vec![reader.der().to_vec()],
            transcript.clone(),
        )
        .unwrap();
        World {
            crl_revoking_reader: crl(reader.serial()),
            crl_revoking_another: crl(&[0x43]),
            crl_by_signer_revoking_reader: crl_signed_by(
                reader.serial(),
                Some(&signer),
                &signer_key,
            ),
            crl_signer: signer.der().to_vec(),
            root,
            request,
            transcript,
        }
    }

    impl World {
        /// The reader CRL outcome of the one document request, or the code
        /// the request was refused with.
        fn read(&self, crls: Option<(Vec<u8>, bool)>) -> Result<CertificateRevocation, String> {
            self.read_with_signers(crls, Vec::new())
        }

        /// As [`World::read`], the wallet also given `crl_signers`.
        fn read_with_signers(
            &self,
            crls: Option<(Vec<u8>, bool)>,
            crl_signers: Vec<Vec<u8>>,
        ) -> Result<CertificateRevocation, String> {
            let policy = WalletPolicy {
                require_reader_auth: true,
                report_unreturned: ReportUnreturnedTo::AuthenticatedReaders,
            };
            let wallet = Wallet::new(Vec::new(), policy).unwrap();
            if let Some((crl, allow_unchecked)) = crls {
                let fetched = FetchedCrl {
                    distribution_point: POINT.into(),
                    crl,
                };
                let fetched = if fetched.crl.is_empty() {
                    vec![]
                } else {
                    vec![fetched]
                };
                wallet
                    .set_reader_crls(fetched, CrlPolicy { allow_unchecked }, crl_signers)
                    .unwrap();
            }
            let roots = vec![ReaderRoot {
                label: "police".into(),
                certificate: self.root.der().to_vec(),
            }];
            let now = UNIX_EPOCH + Duration::from_secs(NOW);
            match wallet.read_request(self.request.clone(), self.transcript.clone(), roots, now) {
                Ok(request) => {
                    let documents = request.documents();
                    let [document] = documents.as_slice() else {
                        panic!("one document request expected");
                    };
                    let reader = document.reader.as_ref().expect("an authenticated reader");
                    assert_eq!(reader.root_label, "police");
                    Ok(reader.certificate_revocation)
                }
                Err(DocbridgeError::Refused { code, .. }) => Err(code),
            }
        }
    }

    #[test]
    fn reader_crls_given_to_the_wallet_refuse_a_revoked_reader() {
        let w = world();
        assert_eq!(w.read(None), Ok(CertificateRevocation::Disabled));
        assert_eq!(
            w.read(Some((w.crl_revoking_another.clone(), false))),
            Ok(CertificateRevocation::Good)
        );
        assert_eq!(
            w.read(Some((w.crl_revoking_reader.clone(), true))),
            Err("certificate_revoked".to_string())
        );
        // No CRL at hand: refused, or passed as not checked, as the policy says.
        assert_eq!(
            w.read(Some((Vec::new(), false))),
            Err("crl_missing".to_string())
        );
        assert_eq!(
            w.read(Some((Vec::new(), true))),
            Ok(CertificateRevocation::NotChecked)
        );
    }

    #[test]
    fn an_unreadable_reader_crl_is_crl_malformed() {
        let wallet = Wallet::new(
            Vec::new(),
            WalletPolicy {
                require_reader_auth: false,
                report_unreturned: ReportUnreturnedTo::Nobody,
            },
        )
        .unwrap();
        let fetched = FetchedCrl {
            distribution_point: POINT.into(),
            crl: b"not a CRL".to_vec(),
        };
        let Err(DocbridgeError::Refused { code, .. }) = wallet.set_reader_crls(
            vec![fetched],
            CrlPolicy {
                allow_unchecked: true,
            },
            vec![],
        ) else {
            panic!("an unreadable CRL was accepted");
        };
        assert_eq!(code, "crl_malformed");
    }

    #[test]
    fn a_crl_from_the_roots_crl_signer_needs_the_signers_certificate() {
        let w = world();
        let crl = Some((w.crl_by_signer_revoking_reader.clone(), false));
        // The root's key does not verify it: refused, not passed.
        assert_eq!(
            w.read(crl.clone()),
            Err("crl_signature_invalid".to_string())
        );
        assert_eq!(
            w.read_with_signers(crl, vec![w.crl_signer.clone()]),
            Err("certificate_revoked".to_string())
        );
    }

    #[test]
    fn an_unreadable_crl_signer_is_certificate_malformed_and_keeps_the_crls() {
        let w = world();
        let policy = WalletPolicy {
            require_reader_auth: true,
            report_unreturned: ReportUnreturnedTo::AuthenticatedReaders,
        };
        let wallet = Wallet::new(Vec::new(), policy).unwrap();
        let fetched = || FetchedCrl {
            distribution_point: POINT.into(),
            crl: w.crl_revoking_reader.clone(),
        };
        let strict = || CrlPolicy {
            allow_unchecked: false,
        };
        wallet
            .set_reader_crls(vec![fetched()], strict(), vec![])
            .unwrap();
        let Err(DocbridgeError::Refused { code, .. }) =
            wallet.set_reader_crls(vec![], strict(), vec![b"not a certificate".to_vec()])
        else {
            panic!("an unreadable CRL signer was accepted");
        };
        assert_eq!(code, "certificate_malformed");
        // The CRL held before still refuses the reader.
        let roots = vec![ReaderRoot {
            label: "police".into(),
            certificate: w.root.der().to_vec(),
        }];
        let now = UNIX_EPOCH + Duration::from_secs(NOW);
        let Err(DocbridgeError::Refused { code, .. }) =
            wallet.read_request(w.request.clone(), w.transcript.clone(), roots, now)
        else {
            panic!("the revoked reader was accepted");
        };
        assert_eq!(code, "certificate_revoked");
    }
}
