//! `Verifier`: trusted authorities (from a `TrustStore` and/or bare IACA
//! certificates), an acceptance policy, clock skew and status policy; it
//! verifies IssuerSigned documents and DeviceResponses.

use std::sync::Arc;
use std::time::SystemTime;

use docbridge::deps::time::Duration;
use docbridge::{
    AcceptancePolicy, Certificate, CrlSet, IssuingAuthority, StatusPolicy, StatusTokens,
    TrustedAuthorities, VerifyOptions,
};

use crate::document::VerifiedDocument;
use crate::error::{DocbridgeError, Result};
use crate::session::EphemeralKey;
use crate::time::to_core;
use crate::trust::{AuthorityInfo, TrustStore, authority_info};

/// Which countries and doc types a verifier accepts (on top of what each
/// trusted authority may issue).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Acceptance {
    /// Every country and doc type its authorities may issue.
    All,
    /// Poland's default: all Polish documents, and the Ukrainian driving
    /// licence, vehicle registration and residence permit.
    PolishDefault,
    /// Ukraine's default, the mirror of Poland's.
    UkrainianDefault,
    /// Exactly these: whole countries, and country / doc-type pairs.
    Listed {
        /// Countries whose every doc type is accepted.
        countries: Vec<String>,
        /// Single country / doc-type pairs.
        pairs: Vec<CountryDocType>,
    },
}

/// A country and a doc type.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CountryDocType {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// For example `org.iso.18013.5.1.mDL`.
    pub doc_type: String,
}

/// An issuing authority configured by hand: its IACA certificate and what
/// it may issue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustedIaca {
    /// An id unique among the verifier's authorities.
    pub id: String,
    /// Its country (ISO 3166-1 alpha-2; the certificate must agree).
    pub country: String,
    /// Its name.
    pub name: String,
    /// The IACA certificate, PEM or DER.
    pub certificate: Vec<u8>,
    /// The doc types it may issue.
    pub doc_types: Vec<String>,
}

/// How a verifier treats time and status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifierSettings {
    /// Which countries and doc types are accepted.
    pub acceptance: Acceptance,
    /// The clock-skew allowance for every time check, in seconds.
    pub clock_skew_seconds: u32,
    /// Accept a document that references a status list when no token is
    /// given (its status is then `NotChecked`); false refuses it with
    /// `status_token_missing`.
    pub allow_missing_status_token: bool,
    /// Accept status values other than VALID, INVALID and SUSPENDED.
    pub accept_other_status_values: bool,
    /// Check the Document Signer certificate against CRLs (RFC 5280) even
    /// when none are given; `None` checks only when CRLs are passed to a
    /// verification, failing closed.
    #[uniffi(default = None)]
    pub crl_policy: Option<CrlPolicy>,
    /// CRL signer certificates (PEM or DER): certificates an authority
    /// issued under its own name, with another key and keyUsage cRLSign, to
    /// sign its CRLs while its IACA key stays offline. A CRL they sign is
    /// checked like one the IACA signed; without them it is
    /// `crl_signature_invalid`.
    #[uniffi(default = [])]
    pub crl_signers: Vec<Vec<u8>>,
}

/// What a verifier does when a certificate's CRL is missing or stale. A CRL
/// that lists the certificate refuses it under every policy.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CrlPolicy {
    /// False (fail closed): a missing CRL is `crl_missing`, a stale one
    /// `crl_stale`. True (an offline phone): the certificate passes and
    /// `certificateRevocation` says `NotChecked`.
    pub allow_unchecked: bool,
}

/// A certificate revocation list the app fetched.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FetchedCrl {
    /// The cRLDistributionPoints URI it was fetched from.
    pub distribution_point: String,
    /// The CRL, DER or PEM.
    pub crl: Vec<u8>,
}

impl From<&CrlPolicy> for docbridge::CrlPolicy {
    fn from(policy: &CrlPolicy) -> docbridge::CrlPolicy {
        docbridge::CrlPolicy::fail_closed().allow_unchecked(policy.allow_unchecked)
    }
}

/// Reads the fetched CRLs; one that cannot be read refuses the
/// verification with its own code (`crl_malformed`), as the core does.
/// The CRL signers go with them, already read by [`crl_signers`].
pub(crate) fn crl_set(crls: Vec<FetchedCrl>, signers: &[Certificate]) -> Result<CrlSet> {
    let mut set = CrlSet::new();
    for fetched in crls {
        set.insert_bytes(fetched.distribution_point, &fetched.crl)?;
    }
    for signer in signers {
        set.add_crl_signer(signer.clone());
    }
    Ok(set)
}

/// Reads CRL signer certificates (PEM or DER) when they are configured, so
/// an unreadable one is refused there (`certificate_malformed`) and not at
/// each verification.
pub(crate) fn crl_signers(certificates: &[Vec<u8>]) -> Result<Vec<Certificate>> {
    certificates
        .iter()
        .map(|bytes| Ok(Certificate::load_one(bytes)?))
        .collect()
}

/// A status-list token the app fetched, for the list at `uri`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusToken {
    /// The `uri` the documents reference.
    pub uri: String,
    /// The signed token (CWT).
    pub token: Vec<u8>,
}

/// A configured verifier. Immutable and thread-safe; build a new one after
/// the trust store changes.
#[derive(Debug, uniffi::Object)]
pub struct Verifier {
    inner: docbridge::Verifier,
    crl_signers: Vec<Certificate>,
}

#[uniffi::export]
impl Verifier {
    /// A verifier trusting the authorities `store` vouches for now (if
    /// given) and the `iacas` configured by hand. Refused with the codes of
    /// the trust store (`trust_list_stale`, ...) and of the certificates.
    #[uniffi::constructor]
    pub fn new(
        store: Option<Arc<TrustStore>>,
        iacas: Vec<TrustedIaca>,
        settings: VerifierSettings,
    ) -> Result<Arc<Verifier>> {
        let crl_signers = crl_signers(&settings.crl_signers)?;
        let mut trusted = match &store {
            Some(store) => store.lock().trusted_authorities()?,
            None => TrustedAuthorities::new(),
        };
        for iaca in iacas {
            trusted.add(IssuingAuthority::new(
                iaca.id,
                iaca.country,
                iaca.name,
                vec![Certificate::load_one(&iaca.certificate)?],
                iaca.doc_types,
            )?)?;
        }
        let policy = match settings.acceptance {
            Acceptance::All => AcceptancePolicy::accept_all(),
            Acceptance::PolishDefault => AcceptancePolicy::polish_default(),
            Acceptance::UkrainianDefault => AcceptancePolicy::ukrainian_default(),
            Acceptance::Listed { countries, pairs } => {
                let mut policy = AcceptancePolicy::none();
                for country in &countries {
                    policy = policy.accept_country(country);
                }
                for pair in &pairs {
                    policy = policy.accept(&pair.country, &pair.doc_type);
                }
                policy
            }
        };
        let status = StatusPolicy::fail_closed()
            .allow_missing_token(settings.allow_missing_status_token)
            .accept_other_values(settings.accept_other_status_values);
        let mut inner = docbridge::Verifier::new(trusted, policy)
            .with_clock_skew(Duration::seconds(i64::from(settings.clock_skew_seconds)))
            .with_status_policy(status);
        if let Some(crl_policy) = &settings.crl_policy {
            inner = inner.with_crl_policy(crl_policy.into());
        }
        Ok(Arc::new(Verifier { inner, crl_signers }))
    }

    /// The authorities this verifier trusts.
    pub fn authorities(&self) -> Vec<AuthorityInfo> {
        self.inner
            .authorities()
            .authorities()
            .iter()
            .map(authority_info)
            .collect()
    }

    /// Verifies one IssuerSigned document at `now`, with the status-list
    /// token and the identifier list its MSO references, if the app has
    /// fetched them, and the CRLs for its Document Signer certificate
    /// (given CRLs are checked under the verifier's `CrlPolicy`, failing
    /// closed when it has none).
    #[uniffi::method(default(identifier_list_token = None, crls = []))]
    pub fn verify_issuer_signed(
        &self,
        issuer_signed: Vec<u8>,
        status_token: Option<Vec<u8>>,
        now: SystemTime,
        identifier_list_token: Option<Vec<u8>>,
        crls: Vec<FetchedCrl>,
    ) -> Result<VerifiedDocument> {
        let crls = crl_set(crls, &self.crl_signers)?;
        let mut options = VerifyOptions::at(to_core(now)?);
        if let Some(token) = &status_token {
            options = options.status_token(token);
        }
        if let Some(list) = &identifier_list_token {
            options = options.identifier_list_token(list);
        }
        if !crls.is_empty() {
            options = options.crls(&crls);
        }
        let verified = self.inner.verify(&issuer_signed, &options)?;
        Ok(VerifiedDocument::from(&verified))
    }

    /// Verifies a DeviceResponse at `now` against the verifier's own
    /// session transcript (device authentication: holder binding), with the
    /// reader's ephemeral key when the holder may answer with deviceMac.
    /// Every returned document must verify: the first refusal is thrown,
    /// and a response without documents is `document_not_returned`.
    /// Identifier lists are keyed by the URI documents reference, like
    /// status tokens; CRLs are checked as in `verify_issuer_signed`. Use
    /// `verify_device_response_documents` to keep the valid documents of a
    /// response whose other documents are refused.
    // The new inputs are trailing arguments with defaults so that existing
    // calls keep working; an options record would break every caller.
    #[allow(clippy::too_many_arguments)]
    #[uniffi::method(default(identifier_list_tokens = [], crls = []))]
    pub fn verify_device_response(
        &self,
        device_response: Vec<u8>,
        transcript: Vec<u8>,
        reader_ephemeral_key: Option<Arc<EphemeralKey>>,
        status_tokens: Vec<StatusToken>,
        now: SystemTime,
        identifier_list_tokens: Vec<StatusToken>,
        crls: Vec<FetchedCrl>,
    ) -> Result<Vec<VerifiedDocument>> {
        self.verify_device_response_documents(
            device_response,
            transcript,
            reader_ephemeral_key,
            status_tokens,
            now,
            identifier_list_tokens,
            crls,
        )?
        .into_iter()
        .map(|outcome| match outcome {
            DocumentOutcome::Valid { document } => Ok(document),
            DocumentOutcome::Refused { code, reason } => {
                Err(DocbridgeError::Refused { code, reason })
            }
        })
        .collect()
    }

    /// Verifies a DeviceResponse like `verify_device_response`, but each
    /// document on its own: one outcome per document, in response order,
    /// so an app shows the valid licence beside a refused second document.
    /// Thrown only when the response itself is refused before any document
    /// (it does not decode, the transcript is unusable, a CRL cannot be
    /// read) or holds no document (`document_not_returned`).
    #[allow(clippy::too_many_arguments)]
    #[uniffi::method(default(identifier_list_tokens = [], crls = []))]
    pub fn verify_device_response_documents(
        &self,
        device_response: Vec<u8>,
        transcript: Vec<u8>,
        reader_ephemeral_key: Option<Arc<EphemeralKey>>,
        status_tokens: Vec<StatusToken>,
        now: SystemTime,
        identifier_list_tokens: Vec<StatusToken>,
        crls: Vec<FetchedCrl>,
    ) -> Result<Vec<DocumentOutcome>> {
        let crls = crl_set(crls, &self.crl_signers)?;
        let tokens = by_uri(status_tokens);
        let lists = by_uri(identifier_list_tokens);
        let reader_key = reader_ephemeral_key.as_ref().map(|k| k.secret());
        let mut options = VerifyOptions::at(to_core(now)?)
            .transcript(&transcript)
            .status_tokens(&tokens)
            .identifier_list_tokens(&lists);
        if let Some(key) = &reader_key {
            options = options.reader_key(key);
        }
        if !crls.is_empty() {
            options = options.crls(&crls);
        }
        let verification = self.inner.verify_response(&device_response, &options)?;
        if verification.documents.is_empty() {
            // The core's own refusal, with the response status and the
            // document errors in its message.
            verification.into_first()?;
            return Ok(Vec::new());
        }
        Ok(verification
            .documents
            .iter()
            .map(|outcome| match outcome {
                Ok(verified) => DocumentOutcome::Valid {
                    document: VerifiedDocument::from(verified),
                },
                Err(refused) => DocumentOutcome::Refused {
                    code: refused.code().to_string(),
                    reason: refused.to_string(),
                },
            })
            .collect())
    }
}

/// The outcome of one document of a DeviceResponse.
// Each outcome is built once and lowered across the FFI at once, where
// the record is copied out whole anyway; a Box would be one more
// indirection that UniFFI's type mapping does not carry.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DocumentOutcome {
    /// The document verified.
    Valid {
        /// What it says, and who vouched for it.
        document: VerifiedDocument,
    },
    /// The document was refused; the response's other documents stand on
    /// their own.
    Refused {
        /// The stable error code (`digest_mismatch`, ...).
        code: String,
        /// The readable reason.
        reason: String,
    },
}

/// Fetched tokens keyed by the URI a document names.
fn by_uri(tokens: Vec<StatusToken>) -> StatusTokens {
    tokens.into_iter().map(|t| (t.uri, t.token)).collect()
}

/// The settings the tests verify under: every country and doc type
/// accepted, five minutes of clock skew, status tokens required, no CRL
/// policy, and the given CRL signers.
#[cfg(test)]
pub(crate) fn test_settings(crl_signers: Vec<Vec<u8>>) -> VerifierSettings {
    VerifierSettings {
        acceptance: Acceptance::All,
        clock_skew_seconds: 300,
        allow_missing_status_token: false,
        accept_other_status_values: false,
        crl_policy: None,
        crl_signers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DocbridgeError;

    #[test]
    fn an_unreadable_crl_is_refused_with_crl_malformed() {
        let fetched = FetchedCrl {
            distribution_point: "https://pki.diia.example/iaca.crl".into(),
            crl: vec![0x30, 0x03, 0x02, 0x01, 0x01],
        };
        let Err(DocbridgeError::Refused { code, .. }) = crl_set(vec![fetched], &[]) else {
            panic!("an unreadable CRL was accepted");
        };
        assert_eq!(code, "crl_malformed");
    }

    /// A file of the shared conformance vectors.
    fn vector(path: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
        std::fs::read(root.join(path)).unwrap()
    }

    /// The verifier of the two-document vectors: only the Ukrainian
    /// authority is trusted.
    fn ukrainian_verifier() -> Arc<Verifier> {
        let iaca = TrustedIaca {
            id: "UA:diia-es256".into(),
            country: "UA".into(),
            name: "Diia ES256".into(),
            certificate: vector("trust/ua-diia-es256/iaca.pem"),
            doc_types: vec!["org.iso.18013.5.1.mDL".into()],
        };
        let settings = test_settings(vec![]);
        Verifier::new(None, vec![iaca], settings).unwrap()
    }

    /// 2026-11-29T12:00:00Z, the vectors' `now`.
    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_953_600)
    }

    #[test]
    fn a_refused_second_document_leaves_the_first_valid() {
        let case = "cases/response-second-document-refused";
        let verifier = ukrainian_verifier();
        let response = vector(&format!("{case}/response.cbor"));
        let transcript = vector(&format!("{case}/transcript.cbor"));
        let outcomes = verifier
            .verify_device_response_documents(
                response.clone(),
                transcript.clone(),
                None,
                vec![],
                now(),
                vec![],
                vec![],
            )
            .unwrap();
        let [
            DocumentOutcome::Valid { document },
            DocumentOutcome::Refused { code, .. },
        ] = outcomes.as_slice()
        else {
            panic!("expected a valid and a refused document, got {outcomes:?}");
        };
        assert_eq!(document.doc_type, "org.iso.18013.5.1.mDL");
        assert_eq!(document.issuing_country, "UA");
        assert_eq!(code, "untrusted_issuer");
        // The all-or-nothing call throws the second document's refusal.
        let Err(DocbridgeError::Refused { code, .. }) = verifier.verify_device_response(
            response,
            transcript,
            None,
            vec![],
            now(),
            vec![],
            vec![],
        ) else {
            panic!("the refused document was accepted");
        };
        assert_eq!(code, "untrusted_issuer");
    }

    #[test]
    fn a_sealed_dcapi_response_opens_and_verifies() {
        let case = "cases/response-dcapi-hpke";
        let key = EphemeralKey::from_pkcs8_pem(
            String::from_utf8(vector(&format!("{case}/hpke.key.pem"))).unwrap(),
        )
        .unwrap();
        let transcript = vector(&format!("{case}/transcript.cbor"));
        let response = crate::dcapi::open_dcapi_response(
            vector(&format!("{case}/response.cbor")),
            transcript.clone(),
            key,
        )
        .unwrap();
        let outcomes = ukrainian_verifier()
            .verify_device_response_documents(
                response,
                transcript,
                None,
                vec![],
                now(),
                vec![],
                vec![],
            )
            .unwrap();
        let [DocumentOutcome::Valid { document }] = outcomes.as_slice() else {
            panic!("expected one valid document, got {outcomes:?}");
        };
        assert_eq!(document.doc_type, "org.iso.18013.5.1.mDL");
        assert_eq!(document.issuing_country, "UA");
    }

    /// A demo authority, a document its Document Signer issued, the
    /// authority's CRL signer and a CRL that signer signed revoking the
    /// Document Signer, at the distribution point the DS certificate names.
    #[cfg(feature = "demo")]
    struct DelegatedCrl {
        iaca: TrustedIaca,
        document: Vec<u8>,
        signer: Vec<u8>,
        crl: FetchedCrl,
    }

    #[cfg(feature = "demo")]
    fn delegated_crl() -> DelegatedCrl {
        use docbridge::x509::crl::{CrlSpec, RevocationReason, create_crl};
        use docbridge::{Algorithm, Signer, SoftwareKey};

        let day = Duration::days(1);
        let today = docbridge::deps::time::OffsetDateTime::now_utc();
        let (from, until) = (today - day * 30, today + day * 365);
        let mut rng = docbridge::rng::system();
        let authority = docbridge::DemoAuthority::generate(
            "UA",
            "Diia Signer Test",
            Algorithm::Es256,
            &["org.iso.18013.5.1.mDL"],
            from,
            until,
            &mut rng,
        )
        .unwrap();
        let signer_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let signer = docbridge::x509::create_crl_signer(
            77,
            from,
            until,
            &signer_key.public_key(),
            &authority.iaca_certificate,
            &authority.iaca_key,
        )
        .unwrap();
        let ds = &authority.ds_certificate;
        let [point] = ds.crl_distribution_points() else {
            panic!("the demo Document Signer names one distribution point");
        };
        let mut spec = CrlSpec::new(1, today - day, today + day * 7);
        spec.revoke(
            ds.serial(),
            today - day,
            Some(RevocationReason::KeyCompromise),
        );
        let crl = create_crl(
            &spec,
            &authority.iaca_certificate,
            Some(&signer),
            &signer_key,
        )
        .unwrap();
        let issuer = crate::issuer::DocumentIssuer::new(
            authority.ds_key.to_pkcs8_pem().unwrap().to_string(),
            ds.der().to_vec(),
        )
        .unwrap();
        let device = crate::signer::DeviceKey::generate(crate::signer::SigningAlgorithm::Es256);
        let document = issuer
            .issue(
                "org.iso.18013.5.1.mDL".into(),
                r#"{"org.iso.18013.5.1": {"family_name": "Shevchenko"}}"#.into(),
                crate::signer::SigningAlgorithm::Es256,
                device.public_key().unwrap(),
                SystemTime::now() - std::time::Duration::from_secs(3600),
                SystemTime::now() + std::time::Duration::from_secs(86_400),
            )
            .unwrap();
        DelegatedCrl {
            iaca: TrustedIaca {
                id: authority.authority.id().to_string(),
                country: "UA".into(),
                name: "Diia Signer Test".into(),
                certificate: authority.iaca_certificate.der().to_vec(),
                doc_types: vec!["org.iso.18013.5.1.mDL".into()],
            },
            document,
            signer: signer.der().to_vec(),
            crl: FetchedCrl {
                distribution_point: point.clone(),
                crl: crl.der().to_vec(),
            },
        }
    }

    /// The code `verify_issuer_signed` refuses the document with, given the
    /// delegated CRL, by a verifier configured with `crl_signers`.
    #[cfg(feature = "demo")]
    fn refusal(world: &DelegatedCrl, crl_signers: Vec<Vec<u8>>) -> String {
        let settings = test_settings(crl_signers);
        let verifier = Verifier::new(None, vec![world.iaca.clone()], settings).unwrap();
        let outcome = verifier.verify_issuer_signed(
            world.document.clone(),
            None,
            SystemTime::now(),
            None,
            vec![world.crl.clone()],
        );
        let Err(DocbridgeError::Refused { code, .. }) = outcome else {
            panic!("the document was accepted: {outcome:?}");
        };
        code
    }

    #[cfg(feature = "demo")]
    #[test]
    fn a_crl_from_a_delegated_signer_revokes_only_with_the_signers_certificate() {
        let world = delegated_crl();
        assert_eq!(refusal(&world, vec![]), "crl_signature_invalid");
        assert_eq!(
            refusal(&world, vec![world.signer.clone()]),
            "certificate_revoked"
        );
        // Without the CRL the same document verifies: the refusal above
        // is the CRL's.
        let settings = test_settings(vec![world.signer.clone()]);
        let verifier = Verifier::new(None, vec![world.iaca.clone()], settings).unwrap();
        let verified = verifier
            .verify_issuer_signed(
                world.document.clone(),
                None,
                SystemTime::now(),
                None,
                vec![],
            )
            .unwrap();
        assert_eq!(verified.doc_type, "org.iso.18013.5.1.mDL");
    }

    #[test]
    fn an_unreadable_crl_signer_is_refused_when_the_verifier_is_built() {
        let settings = test_settings(vec![vec![0x30, 0x03, 0x02, 0x01, 0x01]]);
        let Err(DocbridgeError::Refused { code, .. }) = Verifier::new(None, vec![], settings)
        else {
            panic!("an unreadable CRL signer was accepted");
        };
        assert_eq!(code, "certificate_malformed");
    }

    #[test]
    fn no_crls_make_an_empty_set_so_the_check_stays_off() {
        assert!(crl_set(Vec::new(), &[]).is_ok_and(|set| set.is_empty()));
    }
}
