//! Polling schedule for 202 operations (SPEC §5 step 2): first poll at once, then delays of
//! 1, 2, 4, 8, 16, 30, 30 … s, each times a random factor 0.8–1.2, for 5 minutes in total.
//! Waiting is scaled by `SPEC_KITTY_TRACKER_POLL_SCALE` (milliseconds per second, default
//! 1000) so tests run the real schedule in milliseconds.

use std::time::Duration;

/// Total time before giving up, in nominal seconds.
pub const TOTAL_SECONDS: f64 = 300.0;
/// Longest single delay, in nominal seconds.
pub const CAP_SECONDS: f64 = 30.0;

/// The nominal delay before poll number `attempt` (0 = the first poll, which is immediate).
pub fn base_delay(attempt: u32) -> f64 {
    if attempt == 0 {
        return 0.0;
    }
    let doubled = 2f64.powi(i32::try_from(attempt - 1).unwrap_or(i32::MAX));
    doubled.min(CAP_SECONDS)
}

/// A jitter factor in 0.8..=1.2 from a cheap random source.
pub fn jitter() -> f64 {
    let r = uuid::Uuid::new_v4().as_u128() as u64;
    (0.8 + 0.4 * (r % 10_001) as f64 / 10_000.0).clamp(0.8, 1.2)
}

/// Converts nominal seconds to real durations.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Real milliseconds per nominal second.
    pub ms_per_second: f64,
}

impl Clock {
    /// The real duration of `seconds` nominal seconds.
    pub fn real(self, seconds: f64) -> Duration {
        Duration::from_secs_f64((seconds.max(0.0) * self.ms_per_second / 1000.0).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_doubles_to_the_cap() {
        let delays: Vec<f64> = (0..9).map(base_delay).collect();
        assert_eq!(
            delays,
            vec![0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
        );
        for _ in 0..1000 {
            let j = jitter();
            assert!((0.8..=1.2).contains(&j), "{j}");
        }
    }

    #[test]
    fn clock_scales() {
        let c = Clock { ms_per_second: 1.0 };
        assert_eq!(c.real(30.0), Duration::from_millis(30));
    }
}
