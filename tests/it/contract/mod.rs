//! The client against the contract document: responses generated from
//! `contract/tracker-api.yaml` drive the real command paths (in-process for the many property
//! cases, through the binary for a sample and the corner shapes). The document is the oracle.

mod bind_props;
mod gen;
mod harness;
mod props;
mod shapes;

use proptest::test_runner::{Config, RngSeed};

/// `cases` per property (500 per operation in CI), from a fixed seed so CI is repeatable;
/// `FUZZ_CASES=N` and `FUZZ_SEED=N` explore further (a failure prints the shrunk response).
pub fn config(cases: u32) -> Config {
    let env = |k: &str| std::env::var(k).ok().and_then(|n| n.parse::<u64>().ok());
    Config {
        cases: env("FUZZ_CASES").map_or(cases, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        rng_seed: RngSeed::Fixed(env("FUZZ_SEED").unwrap_or(0x5eed_2026)),
        failure_persistence: None,
        ..Config::default()
    }
}
