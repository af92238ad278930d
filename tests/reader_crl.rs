//! CRLs for reader certificates on the holder side: the wallet checks an
//! authenticated reader's certificate against the CRLs the app fetched
//! (keyed by the distribution point the reader certificate names), under a
//! `CrlPolicy`, and refuses a revoked reader with `certificate_revoked`.

mod common;

use common::{CERT_FROM, CERT_UNTIL, MDL_NS, NOW, licence_holder, rng, ukraine};
use docbridge::x509::crl::{CrlOutcome, CrlPolicy, CrlSet, CrlSpec, RevocationReason, create_crl};
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    Algorithm, Certificate, DeviceRequest, DrivingLicence, HolderPolicy, ItemsRequest, ReaderCrls,
    ReaderRoot, ReaderStatus, Signer, SoftwareKey, Wallet, transcript,
};
use time::OffsetDateTime;
use time::macros::datetime;

const MDL: &str = DrivingLicence::DOC_TYPE;
/// Where the police reader root publishes its CRL.
const POINT: &str = "https://readers.policja.pl.example/crl";
const ISSUED: OffsetDateTime = datetime!(2026-11-01 0:00 UTC);
const NEXT: OffsetDateTime = datetime!(2026-12-01 0:00 UTC);

fn spec(common_name: &str, serial: u64, crl_uri: Option<&str>) -> CertificateSpec {
    CertificateSpec {
        common_name: common_name.into(),
        country: "PL".into(),
        organization: Some("Policja".into()),
        serial,
        not_before: CERT_FROM,
        not_after: CERT_UNTIL,
        issuer_contact: None,
        crl_uri: crl_uri.map(Into::into),
    }
}

struct World {
    root: Certificate,
    root_key: SoftwareKey,
    reader: Certificate,
    reader_key: SoftwareKey,
    wallet: Wallet,
    session: Vec<u8>,
}

fn world() -> World {
    let ua = ukraine(Algorithm::EdDsa, 1);
    let (_, licence) = licence_holder(&ua, 2);
    let root_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(4));
    let root = x509::create_self_signed(
        &spec("Policja Reader Root", 1, None),
        CertificateProfile::Iaca,
        &root_key,
    )
    .unwrap();
    let reader_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(5));
    let reader = x509::create_issued(
        &spec("Policja Reader 0042", 42, Some(POINT)),
        CertificateProfile::ReaderAuthentication,
        &reader_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    World {
        root,
        root_key,
        reader,
        reader_key,
        wallet: Wallet::new(vec![licence]),
        session: transcript::backend_nonce("reader CRL tests", &[7; 16]).unwrap(),
    }
}

impl World {
    fn roots(&self) -> Vec<ReaderRoot> {
        vec![ReaderRoot::new("police", self.root.clone())]
    }

    fn request(&self) -> DeviceRequest {
        let chain = [self.reader.clone()];
        let items = [ItemsRequest::new(MDL).element(MDL_NS, "family_name", false)];
        let signer = Some((&self.reader_key as &dyn Signer, &chain[..]));
        let bytes = DeviceRequest::build(&items, signer, &self.session)
            .unwrap()
            .to_vec()
            .unwrap();
        DeviceRequest::from_slice(&bytes).unwrap()
    }

    /// The root's CRL, published at [`POINT`], revoking `revoked` serials.
    fn crls(&self, revoked: &[&[u8]], next_update: OffsetDateTime) -> CrlSet {
        let mut spec = CrlSpec::new(1, ISSUED, next_update);
        spec.issuing_distribution_point = Some(POINT.into());
        for serial in revoked {
            spec.revoke(serial, ISSUED, Some(RevocationReason::KeyCompromise));
        }
        let crl = create_crl(&spec, &self.root, None, &self.root_key).unwrap();
        let mut set = CrlSet::new();
        set.insert(POINT, crl);
        set
    }

    /// The reader status of the one document request, or the refusal code.
    fn prepare(
        &self,
        crls: Option<ReaderCrls>,
        require: bool,
    ) -> Result<ReaderStatus, &'static str> {
        let mut wallet = self.wallet.clone().with_policy(HolderPolicy {
            require_reader_auth: require,
            ..HolderPolicy::default()
        });
        if let Some(crls) = crls {
            wallet.set_reader_crls(crls);
        }
        let prepared = wallet
            .prepare(&self.request(), &self.session, &self.roots(), NOW)
            .map_err(|e| e.code())?;
        let [asked] = prepared.requests() else {
            panic!("one document request expected")
        };
        Ok(asked.reader().clone())
    }
}

fn crl_outcome(status: Result<ReaderStatus, &'static str>) -> CrlOutcome {
    status
        .expect("prepared")
        .identity()
        .expect("an authenticated reader")
        .crl
}

#[test]
fn a_revoked_reader_is_refused_whether_authentication_is_required_or_flagged() {
    let w = world();
    let crls = ReaderCrls {
        crls: w.crls(&[w.reader.serial()], NEXT),
        policy: CrlPolicy::fail_closed(),
    };
    for require in [true, false] {
        assert_eq!(
            w.prepare(Some(crls.clone()), require),
            Err("certificate_revoked"),
            "require_reader_auth = {require}"
        );
    }
    // Under an allow-unchecked policy too: revocation is final.
    let lenient = ReaderCrls {
        policy: CrlPolicy::fail_closed().allow_unchecked(true),
        ..crls
    };
    assert_eq!(w.prepare(Some(lenient), false), Err("certificate_revoked"));
}

#[test]
fn a_current_crl_that_lists_another_serial_passes_the_reader_as_good() {
    let w = world();
    let crls = ReaderCrls {
        crls: w.crls(&[&[0x43]], NEXT),
        policy: CrlPolicy::fail_closed(),
    };
    let status = w.prepare(Some(crls), true);
    let identity = status.as_ref().unwrap().identity().unwrap();
    assert_eq!(identity.root_label, "police");
    assert_eq!(identity.certificate, w.reader);
    assert_eq!(crl_outcome(status), CrlOutcome::Good);
}

#[test]
fn without_reader_crls_the_outcome_says_disabled() {
    let w = world();
    assert_eq!(crl_outcome(w.prepare(None, true)), CrlOutcome::Disabled);
    assert!(w.wallet.reader_crls().is_none());
}

#[test]
fn a_missing_reader_crl_fails_closed_or_passes_unchecked_as_the_policy_says() {
    let w = world();
    let missing = ReaderCrls::default();
    assert_eq!(w.prepare(Some(missing.clone()), true), Err("crl_missing"));
    // Flagged, the reader is answered but shown as unauthenticated, with why.
    assert_eq!(
        w.prepare(Some(missing), false),
        Ok(ReaderStatus::Unauthenticated("crl_missing"))
    );
    let offline = ReaderCrls {
        crls: CrlSet::new(),
        policy: CrlPolicy::fail_closed().allow_unchecked(true),
    };
    assert_eq!(
        crl_outcome(w.prepare(Some(offline), true)),
        CrlOutcome::NotChecked
    );
}

#[test]
fn a_stale_reader_crl_fails_closed_or_passes_unchecked_as_the_policy_says() {
    let w = world();
    let stale = w.crls(&[], datetime!(2026-11-20 0:00 UTC));
    let strict = ReaderCrls {
        crls: stale.clone(),
        policy: CrlPolicy::fail_closed(),
    };
    assert_eq!(w.prepare(Some(strict), true), Err("crl_stale"));
    let lenient = ReaderCrls {
        crls: stale,
        policy: CrlPolicy::fail_closed().allow_unchecked(true),
    };
    assert_eq!(
        crl_outcome(w.prepare(Some(lenient), true)),
        CrlOutcome::NotChecked
    );
}

#[test]
fn a_reader_crl_signed_by_another_root_is_refused() {
    let w = world();
    let other_key = SoftwareKey::generate(Algorithm::Es256, &mut rng(6));
    // The same name as the police root, another key: a forged CRL.
    let forger = x509::create_self_signed(
        &spec("Policja Reader Root", 1, None),
        CertificateProfile::Iaca,
        &other_key,
    )
    .unwrap();
    let mut spec = CrlSpec::new(1, ISSUED, NEXT);
    spec.issuing_distribution_point = Some(POINT.into());
    let forged = create_crl(&spec, &forger, None, &other_key).unwrap();
    let mut crls = CrlSet::new();
    crls.insert(POINT, forged);
    let crls = ReaderCrls {
        crls,
        policy: CrlPolicy::fail_closed(),
    };
    assert_eq!(w.prepare(Some(crls), true), Err("crl_signature_invalid"));
}
