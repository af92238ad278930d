//! Status lists at scale: a list of 1,000,000 entries, its token size,
//! how long it takes to build and sign, and how long a lookup takes.
//!
//! Run with `cargo run --release --example status_list_bench`. The RNG is
//! seeded, so sizes are the same on every run; times depend on the machine.
//! Figures are printed, never asserted.

use std::time::{Duration, Instant};

use docbridge::VerifyOptions;
use docbridge::documents::samples;
use docbridge::status::{StatusBits, verify_status_list_token};
use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, DrivingLicence, Issuer, ManagedStatusList, Signer,
    SoftwareKey, StatusOutcome, StatusValue, TrustedAuthorities, ValidityInfo, Verifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng};
use time::macros::datetime;

const ENTRIES: u64 = 1_000_000;
const URI: &str = "https://status.diia.gov.ua/lists/bench";
const LOOKUPS: u32 = 200;

fn main() -> Result<(), docbridge::Error> {
    let mut rng = ChaCha20Rng::seed_from_u64(1_000_000);
    let now = datetime!(2026-11-29 12:00 UTC);
    let diia = DemoAuthority::generate(
        "UA",
        "Diia",
        Algorithm::Es256,
        &[DrivingLicence::DOC_TYPE],
        datetime!(2026-01-01 0:00 UTC),
        datetime!(2031-01-01 0:00 UTC),
        &mut rng,
    )?;
    let chain = [diia.ds_certificate.clone()];
    println!("Status list of {ENTRIES} entries, token signed with ES256 (P-256)\n");
    println!(
        "{:>4} {:>9} {:>10} {:>11} {:>10} {:>10} {:>11} {:>13} {:>11}",
        "bits",
        "revoked",
        "suspended",
        "allocate",
        "build+sign",
        "token",
        "verify tok",
        "lookup (lazy)",
        "full decode"
    );
    for (bits, revoked_permille, suspended_permille) in [
        (StatusBits::One, 0, 0),
        (StatusBits::One, 10, 0),
        (StatusBits::One, 100, 0),
        (StatusBits::Two, 10, 5),
        (StatusBits::Eight, 10, 5),
    ] {
        let mut list = ManagedStatusList::new(URI, bits, ENTRIES)?;

        // Issuance: every index handed out once, in random order.
        let started = Instant::now();
        let mut issued = Vec::with_capacity(ENTRIES as usize);
        for _ in 0..ENTRIES {
            issued.push(list.allocate(&mut rng)?.idx);
        }
        let allocate = started.elapsed();

        let revoked = ENTRIES * revoked_permille / 1000;
        let suspended = ENTRIES * suspended_permille / 1000;
        for (n, index) in issued
            .iter()
            .take((revoked + suspended) as usize)
            .enumerate()
        {
            let status = if (n as u64) < revoked {
                StatusValue::Invalid
            } else {
                StatusValue::Suspended
            };
            list.set(*index, status)?;
        }

        // Publishing: compress and sign.
        let started = Instant::now();
        let claims = list.token(now, now + time::Duration::days(1), Some(3600))?;
        let token = claims.sign(&diia.ds_key, &chain)?;
        let build = started.elapsed();

        // Checking: verify the token once, then read entries.
        let started = Instant::now();
        let verified = verify_status_list_token(&token, diia.authority.iaca_certificates(), now)?;
        let verify = started.elapsed();

        let started = Instant::now();
        for _ in 0..LOOKUPS {
            let index = issued[(rng.next_u64() % ENTRIES) as usize];
            verified.status(index)?;
        }
        let lookup = started.elapsed() / LOOKUPS;

        let started = Instant::now();
        let decoded = verified.status_list.decode()?;
        let decode = started.elapsed();
        assert_eq!(decoded.as_bytes(), list.list().as_bytes());

        println!(
            "{:>4} {:>8.1}% {:>9.1}% {:>11} {:>10} {:>7} kB {:>11} {:>13} {:>11}",
            bits.get(),
            revoked_permille as f64 / 10.0,
            suspended_permille as f64 / 10.0,
            ms(allocate),
            ms(build),
            format!("{:.1}", token.len() as f64 / 1000.0),
            ms(verify),
            us(lookup),
            ms(decode)
        );
    }

    // End to end: one document with a status reference, verified with the
    // token of a 1,000,000-entry list (2 bits, 1% revoked).
    let mut list = ManagedStatusList::new(URI, StatusBits::Two, ENTRIES)?;
    for _ in 0..ENTRIES / 100 {
        let index = list.allocate(&mut rng)?.idx;
        list.set(index, StatusValue::Invalid)?;
    }
    let reference = list.allocate(&mut rng)?;
    let token = list
        .token(now, now + time::Duration::days(1), Some(3600))?
        .sign(&diia.ds_key, &chain)?;
    let device = SoftwareKey::generate(Algorithm::Es256, &mut rng).public_key();
    let document = Issuer::new(&diia.ds_key, &diia.ds_certificate)?
        .with_status_list(reference)
        .issue_document(
            &samples::driving_licence_ua(),
            &device,
            &ValidityInfo::new(
                datetime!(2026-11-01 0:00 UTC),
                datetime!(2027-11-01 0:00 UTC),
            ),
            &mut rng,
        )?
        .to_vec()?;
    let verifier = Verifier::new(
        TrustedAuthorities::from_authorities([diia.authority.clone()])?,
        AcceptancePolicy::accept_all(),
    );
    let started = Instant::now();
    let mut status = StatusOutcome::NotChecked;
    for _ in 0..LOOKUPS {
        status = verifier
            .verify(&document, &VerifyOptions::at(now).status_token(&token))?
            .status();
    }
    println!(
        "\nverify a document with its status (token {:.1} kB): {} per document, status {}",
        token.len() as f64 / 1000.0,
        us(started.elapsed() / LOOKUPS),
        status.name()
    );
    println!(
        "\nallocate: {ENTRIES} random unused indexes; build+sign: compress (zlib, best) and sign;\n\
         verify tok: COSE signature and DS -> IACA chain; lookup (lazy): one entry, inflating\n\
         only up to it (mean of {LOOKUPS}); full decode: inflate the whole list."
    );
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1_000_000.0)
}
