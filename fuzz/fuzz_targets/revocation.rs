//! Certificate revocation lists and identifier lists on arbitrary bytes:
//! reading a CRL (DER or PEM) and checking a fixed certificate against it,
//! and identifier lists, bare and as tokens verified with a fixed key.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use docbridge::status::{IdentifierList, verify_identifier_list_token_with_key};
use docbridge::x509::crl::{Crl, CrlPolicy, CrlSet, check_certificate};
use docbridge::{Algorithm, DemoAuthority, Signer, SoftwareKey};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use rand_core::SeedableRng;
use std::sync::OnceLock;
use time::macros::datetime;

fn authority() -> &'static DemoAuthority {
    static AUTHORITY: OnceLock<DemoAuthority> = OnceLock::new();
    AUTHORITY.get_or_init(|| {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
        DemoAuthority::generate(
            "UA",
            "Fuzz",
            Algorithm::Es256,
            &["org.iso.18013.5.1.mDL"],
            datetime!(2026-01-01 0:00 UTC),
            datetime!(2031-01-01 0:00 UTC),
            &mut rng,
        )
        .expect("authority")
    })
}

fuzz_target!(|data: &[u8]| {
    let now = datetime!(2026-11-29 12:00 UTC);
    if let Ok(crl) = Crl::load(data) {
        let ua = authority();
        let mut set = CrlSet::new();
        set.insert("https://fuzz.example/crl", crl);
        let _ = check_certificate(
            &ua.ds_certificate,
            &ua.iaca_certificate,
            &set,
            &CrlPolicy::fail_closed(),
            now,
            time::Duration::minutes(5),
        );
    }
    let key = SoftwareKey::from_secret_bytes(Algorithm::Es256, &[7; 32]).expect("key");
    let _ = verify_identifier_list_token_with_key(data, &key.public_key(), now);
    if let Ok(value) = docbridge::cbor::decode(data)
        && let Ok(list) = IdentifierList::from_value(&value)
    {
        let _ = list.contains(&[1, 2, 3]);
    }
});
