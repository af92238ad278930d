//! OpenID4VP 1.0 with mdoc credentials, both sides.
//!
//! The verifier (a backend or an app that checks documents online) makes an
//! [`Openid4vpVerifierRequest`] from a DCQL query, sends its JSON, and
//! reads the answer back into one DeviceResponse per credential query, to
//! check with [`crate::Verifier`] over the request's session transcript.
//!
//! The wallet reads the request with `Wallet.readOpenid4vpRequest` (unsigned
//! requests) or `Wallet.readSignedOpenid4vpRequest` (a request object
//! signed by a verifier under one of the holder's reader roots, also
//! checked against the wallet's reader CRLs), shows the consent screen from
//! [`Openid4vpRequest::documents`], and answers with
//! `Wallet.respondOpenid4vp`, which discloses only what the holder approved
//! and gives the parameters to POST (encrypted when the request asked for
//! `direct_post.jwt` or `dc_api.jwt`). All HTTP stays with the app.

use std::sync::Arc;
use std::time::SystemTime;

use docbridge::holder::{PreparedPresentation, ReaderStatus};
use docbridge::oid4vp::jar::SELF_ISSUED_AUDIENCE;
use docbridge::oid4vp::{DcqlQuery, Expected, ResponseMode, VerifierRequest, WalletRequest};
use docbridge::{Error, deps::serde_json};

use crate::error::Result;
use crate::signer::DeviceSigner;
use crate::time::to_core;
use crate::wallet::{
    Consent, ReaderRoot, RequestedDocument, Wallet, core_consent, core_roots, core_signers,
    requested_documents,
};

/// Where an OpenID4VP response travels.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Openid4vpResponseMode {
    /// `direct_post` (or `direct_post.jwt`) to the verifier's `response_uri`.
    DirectPost {
        /// Where the wallet posts the response.
        response_uri: String,
    },
    /// `dc_api` (or `dc_api.jwt`) through the Digital Credentials API.
    DcApi {
        /// The website's origin.
        origin: String,
    },
}

/// The DeviceResponses an answer carries for one credential query.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Openid4vpPresentation {
    /// The credential query's id.
    pub query_id: String,
    /// The DeviceResponse bytes, one per presented credential.
    pub device_responses: Vec<Vec<u8>>,
}

/// A verifier's OpenID4VP request, kept until its answer arrives.
#[derive(Debug, uniffi::Object)]
pub struct Openid4vpVerifierRequest {
    inner: VerifierRequest,
}

#[uniffi::export]
impl Openid4vpVerifierRequest {
    /// A request for `dcql_query_json` (a DCQL query, JSON text), answered
    /// over `mode`; with `encrypt`, the answer is encrypted to a fresh key
    /// of this request. `client_id` (for example
    /// `x509_san_dns:wynajem.example.pl`) is required for `DirectPost`.
    /// Codes: `oid4vp_malformed` (the query), `invalid_argument`.
    #[uniffi::constructor]
    pub fn new(
        client_id: Option<String>,
        mode: Openid4vpResponseMode,
        dcql_query_json: String,
        encrypt: bool,
    ) -> Result<Arc<Openid4vpVerifierRequest>> {
        let query = DcqlQuery::from_json(&parse_json(&dcql_query_json, "the DCQL query")?)?;
        let mode = match mode {
            Openid4vpResponseMode::DirectPost { response_uri } => {
                ResponseMode::DirectPost { response_uri }
            }
            Openid4vpResponseMode::DcApi { origin } => ResponseMode::DcApi { origin },
        };
        let mut rng = docbridge::rng::system();
        let inner = VerifierRequest::new(client_id.as_deref(), mode, query, encrypt, &mut rng)?;
        Ok(Arc::new(Openid4vpVerifierRequest { inner }))
    }

    /// The request's parameters as JSON text, to send to the wallet.
    pub fn request_json(&self) -> String {
        self.inner.to_json().to_string()
    }

    /// The SessionTranscript bytes the answer's DeviceResponses are
    /// verified over (`Verifier.verifyDeviceResponse`).
    pub fn session_transcript(&self) -> Result<Vec<u8>> {
        Ok(self.inner.session_transcript_bytes()?)
    }

    /// Reads the answer (the posted parameters as JSON text): its
    /// DeviceResponses per credential query, in query id order. Codes:
    /// `oid4vp_malformed`, `response_decryption_failed` and the others of
    /// the core's `VerifierRequest::read_response`.
    pub fn read_response(&self, response_json: String) -> Result<Vec<Openid4vpPresentation>> {
        let token = self
            .inner
            .read_response(&parse_json(&response_json, "the response")?)?;
        Ok(token
            .presentations
            .into_iter()
            .map(|(query_id, device_responses)| Openid4vpPresentation {
                query_id,
                device_responses,
            })
            .collect())
    }
}

/// An OpenID4VP request as the wallet read it: what to show on the consent
/// screen. Pass it back to `Wallet.respondOpenid4vp` with the user's choice.
#[derive(Debug, uniffi::Object)]
pub struct Openid4vpRequest {
    request: WalletRequest,
    prepared: PreparedPresentation,
}

#[uniffi::export]
impl Openid4vpRequest {
    /// Per credential query the answer would carry: doc type, elements, the
    /// verifier (for a signed request, as authenticated under the holder's
    /// roots; otherwise `reader_error` is `reader_auth_missing`).
    pub fn documents(&self) -> Vec<RequestedDocument> {
        requested_documents(&self.prepared)
    }

    /// The ids of the optional credential queries the wallet cannot answer.
    pub fn unanswered(&self) -> Vec<String> {
        self.prepared
            .unanswered()
            .iter()
            .map(|q| q.id.clone())
            .collect()
    }

    /// The request's `client_id`, if it has one.
    pub fn client_id(&self) -> Option<String> {
        self.request.client_id().map(str::to_string)
    }
}

#[uniffi::export]
impl Wallet {
    /// Phase one for an unsigned OpenID4VP request (its parameters, JSON
    /// text). `origin` is the website's origin the platform reports for a
    /// request that came through the Digital Credentials API, `None` for
    /// one by redirect or QR code. The verifier is unauthenticated
    /// (`reader_auth_missing`), so a wallet whose policy requires reader
    /// authentication refuses it with that code. A required credential
    /// query the wallet cannot answer is `credential_missing`.
    pub fn read_openid4vp_request(
        &self,
        request_json: String,
        origin: Option<String>,
        now: SystemTime,
    ) -> Result<Arc<Openid4vpRequest>> {
        let now = to_core(now)?;
        let request = WalletRequest::from_json(
            &parse_json(&request_json, "the request")?,
            origin.as_deref(),
        )?;
        let reader = ReaderStatus::Unauthenticated(Error::ReaderAuthMissing.code());
        let prepared = self.lock().prepare_openid4vp(&request, reader, now)?;
        Ok(Arc::new(Openid4vpRequest { request, prepared }))
    }

    /// Phase one for a signed request object (the compact JWS of the
    /// `request` parameter, or the body the app fetched from
    /// `request_uri`): verified against `reader_roots` at `now` and against
    /// the wallet's reader CRLs (`Wallet.setReaderCrls`), then read as
    /// `readOpenid4vpRequest` reads an unsigned one, with the verifier
    /// authenticated.
    ///
    /// How the request arrived decides what the object must say:
    /// - by redirect or QR code (`origin` `None`): `client_id` is the one the
    ///   request came with, required; the object's must equal it and its
    ///   `aud` must be `https://self-issued.me/v2` (a request_uri fetched by
    ///   POST whose `aud` names the wallet's own issuer is not supported);
    /// - over the Digital Credentials API (`origin` the website's origin):
    ///   no `client_id` (the object alone carries it; giving one is
    ///   `invalid_argument`), no `aud` required, and the origin must be one
    ///   of the object's `expected_origins`.
    ///
    /// Codes: those of the core's `SignedRequest::verify_with_crls`
    /// (`request_object_malformed`, `signature_invalid`, `untrusted_reader`,
    /// `oid4vp_client_mismatch`, `request_object_audience`,
    /// `certificate_revoked`, `crl_missing`, ...), and `invalid_argument`.
    pub fn read_signed_openid4vp_request(
        &self,
        request_object: String,
        client_id: Option<String>,
        origin: Option<String>,
        reader_roots: Vec<ReaderRoot>,
        now: SystemTime,
    ) -> Result<Arc<Openid4vpRequest>> {
        let now = to_core(now)?;
        let roots = core_roots(reader_roots)?;
        let expected = match (&client_id, &origin) {
            (Some(client_id), None) => Expected {
                client_id: Some(client_id),
                audience: Some(SELF_ISSUED_AUDIENCE),
                origin: None,
            },
            (None, Some(origin)) => Expected {
                client_id: None,
                audience: None,
                origin: Some(origin),
            },
            (None, None) => {
                return Err(Error::InvalidArgument(
                    "a request by redirect or QR code needs the client_id it came with".into(),
                )
                .into());
            }
            (Some(_), Some(_)) => {
                return Err(Error::InvalidArgument(
                    "over the Digital Credentials API the request object alone carries the \
                     client_id: pass the origin only"
                        .into(),
                )
                .into());
            }
        };
        let wallet = self.lock();
        let signed =
            wallet.verify_signed_request(request_object.as_bytes(), &expected, &roots, now)?;
        let reader = ReaderStatus::Authenticated(Box::new(signed.reader));
        let prepared = wallet.prepare_openid4vp(&signed.request, reader, now)?;
        Ok(Arc::new(Openid4vpRequest {
            request: signed.request,
            prepared,
        }))
    }

    /// Phase two: the response parameters (JSON text) to POST to the
    /// verifier (or hand back through the Digital Credentials API),
    /// disclosing only what `consent` approves, each document signed by
    /// the signer among `signers` that holds its device key. Consent to an
    /// element the request does not offer is `invalid_argument`. The
    /// copies shown are counted when the documents are signed, before the
    /// answer is encrypted to the verifier's key (read and checked with the
    /// request, so only a failing random source could still stop it).
    pub fn respond_openid4vp(
        &self,
        request: Arc<Openid4vpRequest>,
        consent: Vec<Consent>,
        signers: Vec<Arc<dyn DeviceSigner>>,
    ) -> Result<String> {
        let signers = core_signers(signers)?;
        let signers: Vec<&dyn docbridge::Signer> = signers
            .iter()
            .map(|s| s as &dyn docbridge::Signer)
            .collect();
        let (token, _presentation) =
            self.lock()
                .approve_vp_token(&request.prepared, &core_consent(&consent), &signers)?;
        let mut rng = docbridge::rng::system();
        Ok(request.request.respond(&token, &mut rng)?.to_string())
    }
}

/// JSON text read, or `invalid_argument` naming `what`.
fn parse_json(text: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text)
        .map_err(|e| Error::InvalidArgument(format!("{what} is not JSON: {e}")).into())
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use docbridge::deps::time::OffsetDateTime;
    use docbridge::x509::crl::{CrlSpec, create_crl};
    use docbridge::x509::{self, CertificateProfile, CertificateSpec};
    use docbridge::{Algorithm, Signer as _, SoftwareKey};

    use super::*;
    use crate::document::CertificateRevocation;
    use crate::issuer::DemoAuthority;
    use crate::signer::{DeviceKey, SigningAlgorithm};
    use crate::verifier::{CrlPolicy, FetchedCrl, TrustedIaca, Verifier, test_settings};
    use crate::wallet::{ElementId, ReportUnreturnedTo, WalletPolicy};

    const MDL: &str = "org.iso.18013.5.1.mDL";
    const NS: &str = "org.iso.18013.5.1";
    const CLIENT: &str = "x509_san_dns:wynajem.example.pl";
    /// Where the rental root publishes its CRL.
    const RENTAL_CRL: &str = "https://rentals.example.pl/crl";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    /// 2026-11-29T12:00:00Z.
    fn now() -> SystemTime {
        at(1_795_953_600)
    }

    fn code<T: std::fmt::Debug>(result: Result<T>) -> String {
        match result {
            Ok(v) => panic!("expected a refusal, got {v:?}"),
            Err(crate::error::DocbridgeError::Refused { code, .. }) => code,
        }
    }

    /// A DeviceSigner as an app writes one, over a software key.
    struct AppSigner(Arc<DeviceKey>);

    impl DeviceSigner for AppSigner {
        fn algorithm(&self) -> SigningAlgorithm {
            self.0.algorithm()
        }

        fn public_key(&self) -> Vec<u8> {
            self.0.public_key().unwrap()
        }

        fn sign(&self, data: Vec<u8>) -> Result<Vec<u8>> {
            self.0.sign(data)
        }
    }

    struct World {
        authority: Arc<DemoAuthority>,
        key: Arc<DeviceKey>,
        wallet: Arc<Wallet>,
    }

    fn world(require_reader_auth: bool) -> World {
        let authority = DemoAuthority::generate(
            "UA".into(),
            "Diia".into(),
            SigningAlgorithm::Es256,
            vec![MDL.into()],
            at(1_767_225_600),
            at(1_924_992_000),
        )
        .unwrap();
        let key = DeviceKey::generate(SigningAlgorithm::Es256);
        let claims = r#"{"org.iso.18013.5.1": {"family_name": "Shevchenko", "birth_date": "1990-02-03", "age_over_18": true, "issuing_country": "UA"}}"#;
        let document = authority
            .issuer()
            .issue(
                MDL.into(),
                claims.into(),
                SigningAlgorithm::Es256,
                key.public_key().unwrap(),
                at(1_793_491_200),
                at(1_824_940_800),
            )
            .unwrap();
        let policy = WalletPolicy {
            require_reader_auth,
            report_unreturned: ReportUnreturnedTo::AuthenticatedReaders,
        };
        let wallet = Wallet::new(vec![document], policy).unwrap();
        World {
            authority,
            key,
            wallet,
        }
    }

    fn query() -> String {
        r#"{"credentials": [{"id": "licence", "format": "mso_mdoc",
            "meta": {"doctype_value": "org.iso.18013.5.1.mDL"},
            "claims": [{"path": ["org.iso.18013.5.1", "family_name"]},
                       {"path": ["org.iso.18013.5.1", "birth_date"]},
                       {"path": ["org.iso.18013.5.1", "age_over_18"]}]}]}"#
            .into()
    }

    fn verifier_request() -> Arc<Openid4vpVerifierRequest> {
        Openid4vpVerifierRequest::new(
            Some(CLIENT.into()),
            Openid4vpResponseMode::DirectPost {
                response_uri: "https://wynajem.example.pl/oid4vp/response".into(),
            },
            query(),
            true,
        )
        .unwrap()
    }

    fn approve(elements: &[&str]) -> Vec<Consent> {
        vec![Consent {
            doc_type: MDL.into(),
            elements: elements
                .iter()
                .map(|e| ElementId {
                    namespace: NS.into(),
                    identifier: (*e).into(),
                })
                .collect(),
        }]
    }

    #[test]
    fn an_unsigned_request_is_answered_with_only_the_approved_elements() {
        let w = world(false);
        let request = verifier_request();
        let read = w
            .wallet
            .read_openid4vp_request(request.request_json(), None, now())
            .unwrap();
        let [asked] = read.documents().try_into().unwrap();
        assert_eq!(asked.doc_type, MDL);
        assert_eq!(asked.reader_error.as_deref(), Some("reader_auth_missing"));
        let mut ids: Vec<String> = asked.elements.into_iter().map(|e| e.identifier).collect();
        ids.sort();
        assert_eq!(ids, ["age_over_18", "birth_date", "family_name"]);
        assert_eq!(read.client_id().as_deref(), Some(CLIENT));

        let signers: Vec<Arc<dyn DeviceSigner>> = vec![Arc::new(AppSigner(w.key.clone()))];
        let answer = w
            .wallet
            .respond_openid4vp(read, approve(&["family_name", "age_over_18"]), signers)
            .unwrap();
        // direct_post.jwt: the disclosed values travel encrypted.
        assert!(!answer.contains("Shevchenko"));
        let [presentation] = request.read_response(answer).unwrap().try_into().unwrap();
        assert_eq!(presentation.query_id, "licence");
        let [device_response] = presentation.device_responses.try_into().unwrap();

        let verifier = Verifier::new(
            None,
            vec![TrustedIaca {
                id: w.authority.id(),
                country: "UA".into(),
                name: "Diia".into(),
                certificate: w.authority.iaca_certificate_pem().into_bytes(),
                doc_types: vec![MDL.into()],
            }],
            test_settings(vec![]),
        )
        .unwrap();
        let [verified] = verifier
            .verify_device_response(
                device_response,
                request.session_transcript().unwrap(),
                None,
                vec![],
                now(),
                vec![],
                vec![],
            )
            .unwrap()
            .try_into()
            .unwrap();
        assert!(verified.holder_bound);
        let claims: serde_json::Value = serde_json::from_str(&verified.claims_json).unwrap();
        assert_eq!(
            claims,
            serde_json::json!({NS: {"family_name": "Shevchenko", "age_over_18": true}})
        );
    }

    #[test]
    fn unsigned_requests_are_refused_where_reader_authentication_is_required() {
        let w = world(true);
        assert_eq!(
            code(
                w.wallet
                    .read_openid4vp_request(verifier_request().request_json(), None, now())
            ),
            "reader_auth_missing"
        );
        assert_eq!(
            code(
                w.wallet
                    .read_openid4vp_request("{not json".into(), None, now())
            ),
            "invalid_argument"
        );
    }

    #[test]
    fn a_signed_request_names_its_verifier_and_a_revoked_or_foreign_one_is_refused() {
        let w = world(true);
        let mut rng = docbridge::rng::system();
        let spec = |name: &str, serial: u64| CertificateSpec {
            common_name: name.into(),
            country: "PL".into(),
            organization: Some(name.into()),
            serial,
            not_before: OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap(),
            not_after: OffsetDateTime::from_unix_timestamp(1_924_992_000).unwrap(),
            issuer_contact: None,
            crl_uri: None,
        };
        let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let root =
            x509::create_self_signed(&spec("Rentals CA", 1), CertificateProfile::Iaca, &root_key)
                .unwrap();
        let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let reader = x509::create_reader_for_domain(
            &CertificateSpec {
                crl_uri: Some(RENTAL_CRL.into()),
                ..spec("Wynajem", 2)
            },
            "wynajem.example.pl",
            &reader_key.public_key(),
            &root,
            &root_key,
        )
        .unwrap();
        let object = verifier_request()
            .inner
            .signed_request_object(&reader_key, std::slice::from_ref(&reader))
            .unwrap();
        let roots = vec![ReaderRoot {
            label: "car rental".into(),
            certificate: root.der().to_vec(),
        }];
        let read = w
            .wallet
            .read_signed_openid4vp_request(
                object.clone(),
                Some(CLIENT.into()),
                None,
                roots.clone(),
                now(),
            )
            .unwrap();
        let [asked] = read.documents().try_into().unwrap();
        let identity = asked.reader.unwrap();
        assert_eq!(identity.root_label, "car rental");
        assert_eq!(identity.subject, reader.subject());
        assert_eq!(
            identity.certificate_revocation,
            CertificateRevocation::Disabled
        );
        // How it arrived must be said: a client_id by redirect, or an origin.
        for (client_id, origin) in [
            (None, None),
            (
                Some(CLIENT.to_string()),
                Some("https://wynajem.example.pl".into()),
            ),
        ] {
            assert_eq!(
                code(w.wallet.read_signed_openid4vp_request(
                    object.clone(),
                    client_id,
                    origin,
                    roots.clone(),
                    now(),
                )),
                "invalid_argument"
            );
        }
        // Once the wallet holds the root's CRL revoking the verifier.
        let mut crl = CrlSpec::new(
            1,
            OffsetDateTime::from_unix_timestamp(1_793_491_200).unwrap(),
            OffsetDateTime::from_unix_timestamp(1_796_083_200).unwrap(),
        );
        crl.issuing_distribution_point = Some(RENTAL_CRL.into());
        crl.revoke(
            reader.serial(),
            OffsetDateTime::from_unix_timestamp(1_793_491_200).unwrap(),
            None,
        );
        let crl = create_crl(&crl, &root, None, &root_key).unwrap();
        let revoking = vec![FetchedCrl {
            distribution_point: RENTAL_CRL.into(),
            crl: crl.der().to_vec(),
        }];
        w.wallet
            .set_reader_crls(
                revoking,
                CrlPolicy {
                    allow_unchecked: true,
                },
                vec![],
            )
            .unwrap();
        assert_eq!(
            code(w.wallet.read_signed_openid4vp_request(
                object.clone(),
                Some(CLIENT.into()),
                None,
                roots.clone(),
                now(),
            )),
            "certificate_revoked"
        );
        // Under roots that did not issue the verifier's certificate.
        let other_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
        let other =
            x509::create_self_signed(&spec("Other CA", 3), CertificateProfile::Iaca, &other_key)
                .unwrap();
        let foreign = vec![ReaderRoot {
            label: "other".into(),
            certificate: other.der().to_vec(),
        }];
        assert_eq!(
            code(w.wallet.read_signed_openid4vp_request(
                object,
                Some(CLIENT.into()),
                None,
                foreign,
                now(),
            )),
            "untrusted_reader"
        );
    }
}
