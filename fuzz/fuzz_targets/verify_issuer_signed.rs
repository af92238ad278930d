//! The whole issuer verification pipeline on arbitrary bytes, with a real
//! trusted authority so inputs can reach past the signature checks.
// Built by `cargo fuzz` as a binary with libFuzzer's main; included as a
// module by `tests/fuzz_regressions.rs`, which replays committed inputs.
#![cfg_attr(not(test), no_main)]

use std::sync::OnceLock;

use docbridge::{
    AcceptancePolicy, Algorithm, DemoAuthority, TrustedAuthorities, Verifier, VerifyOptions,
};
#[cfg(not(test))]
use libfuzzer_sys::fuzz_target;
use time::macros::datetime;

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        let mut rng = <rand_chacha::ChaCha20Rng as rand_core::SeedableRng>::seed_from_u64(1);
        let authority = DemoAuthority::generate(
            "UA",
            "Fuzz",
            Algorithm::Es256,
            &["org.iso.18013.5.1.mDL"],
            datetime!(2026-01-01 0:00 UTC),
            datetime!(2031-01-01 0:00 UTC),
            &mut rng,
        )
        .expect("demo authority");
        Verifier::new(
            TrustedAuthorities::from_authorities([authority.authority]).expect("trusted set"),
            AcceptancePolicy::accept_all(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = docbridge::inspect(data);
    let _ = verifier().verify(data, &VerifyOptions::at(datetime!(2026-11-29 12:00 UTC)));
});
