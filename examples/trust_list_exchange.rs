//! Trust-list exchange between Ukraine and Poland, end to end.
//!
//! Each country's trust-list operator publishes a signed list of its own
//! issuing authorities. A Polish verifier (mObywatel's backend) pins both
//! operators' roots, takes both lists, and verifies a Ukrainian driving
//! licence: the result names the list (operator, sequence) that vouched for
//! the issuer. Then lists that must never widen trust are refused, each with
//! its code: a rolled-back list, a Polish list naming a Ukrainian authority,
//! a list signed by an unpinned key, and a stale list; after every refusal
//! the store still holds what it held.
//!
//! Run with `cargo run --example trust_list_exchange`. The RNG is seeded and
//! every time is fixed, so every run prints the same thing.

use docbridge::VerifyOptions;
use docbridge::cbor;
use docbridge::cose::{Sign1Options, sign1};
use docbridge::deps::ciborium::value::Value;
use docbridge::documents::samples;
use docbridge::trust::list::TRUST_LIST_TYPE;
use docbridge::x509::{self, CertificateProfile, CertificateSpec};
use docbridge::{
    AcceptancePolicy, Algorithm, Certificate, DemoAuthority, DrivingLicence, Error, Issuer, Signer,
    SoftwareKey, TrustList, TrustStore, ValidityInfo, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use time::OffsetDateTime;
use time::macros::datetime;

/// The three document types the cross-border agreement covers.
const ALL_TYPES: [&str; 3] = docbridge::trust::CROSS_BORDER_DOC_TYPES;
const CERTS_FROM: OffsetDateTime = datetime!(2026-01-01 0:00 UTC);
const CERTS_UNTIL: OffsetDateTime = datetime!(2031-01-01 0:00 UTC);
const NOW: OffsetDateTime = datetime!(2026-11-29 12:00 UTC);

/// A trust-list operator: the root apps pin, and the signing key under it.
struct Operator {
    country: &'static str,
    root: Certificate,
    signer: Certificate,
    key: SoftwareKey,
}

impl Operator {
    fn new(country: &'static str, label: &str, rng: &mut ChaCha20Rng) -> Result<Operator, Error> {
        let root_key = SoftwareKey::generate(Algorithm::Es256, rng);
        let key = SoftwareKey::generate(Algorithm::Es256, rng);
        let spec = |name: &str, serial: u64| CertificateSpec {
            common_name: format!("{label} {name}"),
            country: country.to_string(),
            organization: None,
            serial,
            not_before: CERTS_FROM,
            not_after: CERTS_UNTIL,
        };
        let root = x509::create_self_signed(
            &spec("Trust List Root", 1),
            CertificateProfile::Iaca,
            &root_key,
        )?;
        let signer = x509::create_issued(
            &spec("Trust List Signer", 2),
            CertificateProfile::TrustListSigner,
            &key.public_key(),
            &root,
            &root_key,
        )?;
        Ok(Operator {
            country,
            root,
            signer,
            key,
        })
    }

    /// Builds and signs an edition of the list.
    fn publish(
        &self,
        sequence: u64,
        issued: OffsetDateTime,
        next_update: OffsetDateTime,
        authorities: &[&DemoAuthority],
    ) -> Result<Vec<u8>, Error> {
        let list = TrustList::new(
            self.country,
            sequence,
            issued,
            next_update,
            authorities.iter().map(|a| a.authority.clone()).collect(),
        )?;
        Ok(list
            .sign(&self.key, std::slice::from_ref(&self.signer))?
            .as_bytes()
            .to_vec())
    }

    /// Signs a hand-made payload, as a rogue or mistaken operator could.
    fn sign_payload(&self, payload: &Value) -> Result<Vec<u8>, Error> {
        let options = Sign1Options {
            x5chain: vec![self.signer.der().to_vec()],
            typ: Some(TRUST_LIST_TYPE.to_string()),
            ..Sign1Options::default()
        };
        let signed = sign1(&self.key, &cbor::encode(payload)?, &options)?;
        cbor::encode(&signed.to_value()?)
    }
}

/// Offers `bytes` to the store and checks that it is refused with `expected`
/// and that the store holds exactly what it held before.
fn expect_refused(
    store: &mut TrustStore,
    what: &str,
    bytes: &[u8],
    expected: &str,
) -> Result<(), Error> {
    let before = store.sources();
    match store.update(bytes, NOW) {
        Ok(_) => Err(Error::InvalidArgument(format!("{what} was accepted"))),
        Err(e) if e.code() == expected && store.sources() == before => {
            println!("  REFUSED {what}: {} ({})", e, e.code());
            Ok(())
        }
        Err(e) => Err(Error::InvalidArgument(format!(
            "{what}: expected {expected}, got {} ({e})",
            e.code()
        ))),
    }
}

fn main() -> Result<(), Error> {
    let mut rng = ChaCha20Rng::seed_from_u64(4);

    // The issuing authorities and the two operators that vouch for them.
    let diia = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::EdDsa,
        &ALL_TYPES,
        CERTS_FROM,
        CERTS_UNTIL,
        &mut rng,
    )?;
    let mobywatel = DemoAuthority::generate(
        "PL",
        "mObywatel",
        Algorithm::Es256,
        &ALL_TYPES,
        CERTS_FROM,
        CERTS_UNTIL,
        &mut rng,
    )?;
    let ua_operator = Operator::new("UA", "Ministry of Digital Transformation", &mut rng)?;
    let pl_operator = Operator::new("PL", "Ministerstwo Cyfryzacji", &mut rng)?;

    let (issued, next_update) = (
        datetime!(2026-11-01 0:00 UTC),
        datetime!(2026-12-01 0:00 UTC),
    );
    let ua_list = ua_operator.publish(2, issued, next_update, &[&diia])?;
    let pl_list = pl_operator.publish(5, issued, next_update, &[&mobywatel])?;
    println!(
        "Ukraine publishes trust list 2 ({} bytes), Poland list 5 ({} bytes)",
        ua_list.len(),
        pl_list.len()
    );

    // The Polish verifier pins both operators (app configuration) and takes
    // both lists as fetched.
    let mut store = TrustStore::new();
    store.pin_operator("UA", ua_operator.root.clone())?;
    store.pin_operator("PL", pl_operator.root.clone())?;
    for list in [&ua_list, &pl_list] {
        let update = store.update(list, NOW)?;
        println!(
            "  accepted the list of {} (sequence {})",
            update.source.operator(),
            update.source.sequence()
        );
    }

    // A Ukrainian licence, issued by Diia to a holder living in Poland.
    let device_key = SoftwareKey::generate(Algorithm::Es256, &mut rng);
    let licence = Issuer::new(&diia.ds_key, &diia.ds_certificate)?.issue_document(
        &samples::driving_licence_ua(),
        &device_key.public_key(),
        &ValidityInfo::new(
            datetime!(2026-11-01 0:00 UTC),
            datetime!(2027-11-01 0:00 UTC),
        ),
        &mut rng,
    )?;
    let verifier = Verifier::from_store(&store, AcceptancePolicy::polish_default())?;
    let verified = verifier.verify(&licence.to_vec()?, &VerifyOptions::at(NOW))?;
    let source = verified
        .trust_source()
        .ok_or_else(|| Error::InvalidArgument("no trust source".into()))?;
    println!(
        "VALID {} from {} ({}), vouched for by {}'s trust list, sequence {}",
        verified.doc_type(),
        verified.issuing_country(),
        verified.authority_name(),
        source.operator(),
        source.sequence()
    );

    println!("Lists that must never widen trust:");
    // 1. Last month's Ukrainian list, replayed.
    let old = ua_operator.publish(1, datetime!(2026-10-01 0:00 UTC), issued, &[&diia])?;
    expect_refused(
        &mut store,
        "a rolled-back list",
        &old,
        "trust_list_rollback",
    )?;

    // 2. Poland's operator vouching for a Ukrainian authority. The builder
    //    already refuses to make such a list...
    let overreach = TrustList::new("PL", 6, issued, next_update, vec![diia.authority.clone()]);
    if let Err(e) = &overreach {
        println!("  the Polish builder refuses it too: {}", e.code());
    }
    // ... and the app refuses it however it was made.
    let forged = cbor::text_map([
        ("version", Value::from(1u64)),
        ("operatorCountry", Value::Text("PL".into())),
        ("sequence", Value::from(6u64)),
        ("issued", cbor::tdate(issued)?),
        ("nextUpdate", cbor::tdate(next_update)?),
        (
            "authorities",
            Value::Array(vec![cbor::text_map([
                ("id", Value::Text("UA:diia".into())),
                ("country", Value::Text("UA".into())),
                ("name", Value::Text("Diia".into())),
                (
                    "docTypes",
                    Value::Array(vec![Value::Text(DrivingLicence::DOC_TYPE.into())]),
                ),
                (
                    "iacaCertificates",
                    Value::Array(vec![Value::Bytes(diia.iaca_certificate.der().to_vec())]),
                ),
            ])]),
        ),
    ]);
    expect_refused(
        &mut store,
        "a Polish list naming a Ukrainian authority",
        &pl_operator.sign_payload(&forged)?,
        "trust_list_foreign_authority",
    )?;

    // 3. A list for Ukraine signed by a key under no pinned root.
    let impostor = Operator::new("UA", "Impostor", &mut rng)?;
    let rogue = DemoAuthority::generate(
        "UA",
        "Rogue",
        Algorithm::EdDsa,
        &ALL_TYPES,
        CERTS_FROM,
        CERTS_UNTIL,
        &mut rng,
    )?;
    expect_refused(
        &mut store,
        "a list signed by an unpinned key",
        &impostor.publish(3, issued, next_update, &[&diia, &rogue])?,
        "trust_list_untrusted_operator",
    )?;

    // 4. A genuine, newer Ukrainian list whose nextUpdate has passed.
    let stale = ua_operator.publish(
        3,
        datetime!(2026-10-15 0:00 UTC),
        datetime!(2026-11-15 0:00 UTC),
        &[&diia, &rogue],
    )?;
    expect_refused(&mut store, "a stale list", &stale, "trust_list_stale")?;

    // The store still vouches for the same issuer through the same list.
    let verifier = Verifier::from_store(&store, AcceptancePolicy::polish_default())?;
    let again = verifier.verify(&licence.to_vec()?, &VerifyOptions::at(NOW))?;
    println!(
        "still VALID after the refusals, vouched for by {}'s list {}",
        again.trust_source().map_or("?", |s| s.operator()),
        again.trust_source().map_or(0, |s| s.sequence())
    );

    // Past nextUpdate the held list goes stale too, and verification fails closed.
    let later = datetime!(2026-12-02 0:00 UTC);
    match verifier.verify(&licence.to_vec()?, &VerifyOptions::at(later)) {
        Err(e) if e.code() == "trust_list_stale" => {
            println!("past nextUpdate: REFUSED, {} ({})", e, e.code());
            Ok(())
        }
        other => Err(Error::InvalidArgument(format!(
            "expected trust_list_stale on {later}, got {:?}",
            other.map(|d| d.doc_type().to_string())
        ))),
    }
}
