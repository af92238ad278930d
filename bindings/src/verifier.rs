//! `Verifier`: trusted authorities (from a `TrustStore` and/or bare IACA
//! certificates), an acceptance policy, clock skew and status policy; it
//! verifies IssuerSigned documents and DeviceResponses.

use std::sync::Arc;
use std::time::SystemTime;

use docbridge::deps::time::Duration;
use docbridge::{
    AcceptancePolicy, Certificate, IssuingAuthority, StatusPolicy, StatusTokens,
    TrustedAuthorities, VerifyOptions,
};

use crate::document::VerifiedDocument;
use crate::error::Result;
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
        Ok(Arc::new(Verifier {
            inner: docbridge::Verifier::new(trusted, policy)
                .with_clock_skew(Duration::seconds(i64::from(settings.clock_skew_seconds)))
                .with_status_policy(status),
        }))
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
    /// token its MSO references, if the app has fetched it.
    pub fn verify_issuer_signed(
        &self,
        issuer_signed: Vec<u8>,
        status_token: Option<Vec<u8>>,
        now: SystemTime,
    ) -> Result<VerifiedDocument> {
        let mut options = VerifyOptions::at(to_core(now)?);
        if let Some(token) = &status_token {
            options = options.status_token(token);
        }
        let verified = self.inner.verify(&issuer_signed, &options)?;
        Ok(VerifiedDocument::from(&verified))
    }

    /// Verifies a DeviceResponse at `now` against the verifier's own
    /// session transcript (device authentication: holder binding), with the
    /// reader's ephemeral key when the holder may answer with deviceMac.
    /// Every returned document must verify: the first refusal is thrown,
    /// and a response without documents is `document_not_returned`.
    pub fn verify_device_response(
        &self,
        device_response: Vec<u8>,
        transcript: Vec<u8>,
        reader_ephemeral_key: Option<Arc<EphemeralKey>>,
        status_tokens: Vec<StatusToken>,
        now: SystemTime,
    ) -> Result<Vec<VerifiedDocument>> {
        let mut tokens = StatusTokens::new();
        for entry in status_tokens {
            tokens.insert(entry.uri, entry.token);
        }
        let reader_key = reader_ephemeral_key.as_ref().map(|k| k.secret());
        let mut options = VerifyOptions::at(to_core(now)?)
            .transcript(&transcript)
            .status_tokens(&tokens);
        if let Some(key) = &reader_key {
            options = options.reader_key(key);
        }
        let verification = self.inner.verify_response(&device_response, &options)?;
        if verification.documents.is_empty() {
            // The core's own refusal, with the response status and the
            // document errors in its message.
            verification.into_first()?;
            return Ok(Vec::new());
        }
        verification
            .documents
            .iter()
            .map(|outcome| match outcome {
                Ok(verified) => Ok(VerifiedDocument::from(verified)),
                Err(refused) => Err(refused.clone().into()),
            })
            .collect()
    }
}
