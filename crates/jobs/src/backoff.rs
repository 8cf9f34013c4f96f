//! Retry delay for transient failures: exponential `base * 2^(attempt-1)`, capped at `max`,
//! with jitter that only shortens the delay (by up to [`JITTER`]) so runs of many failing
//! jobs spread out while the delay still grows strictly from one attempt to the next.

use std::time::Duration;

/// Largest fraction removed from a delay by jitter.
pub const JITTER: f64 = 0.25;

/// Exponential backoff policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    pub fn new(base: Duration, max: Duration) -> Self {
        Self { base, max }
    }

    /// Undithered delay before the next try after failed attempt number `attempt` (1-based).
    pub fn ceiling(&self, attempt: i32) -> Duration {
        let exp = u32::try_from(attempt.saturating_sub(1))
            .unwrap_or(0)
            .min(62);
        let factor = 1u64 << exp;
        let base_ms = u64::try_from(self.base.as_millis()).unwrap_or(u64::MAX);
        let max_ms = u64::try_from(self.max.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(base_ms.saturating_mul(factor).min(max_ms))
    }

    /// Delay with jitter; `unit` is a random number in `[0, 1)`.
    pub fn delay_with(&self, attempt: i32, unit: f64) -> Duration {
        let ceiling = self.ceiling(attempt);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        ceiling.mul_f64(1.0 - JITTER * unit)
    }

    /// Delay with random jitter.
    pub fn delay(&self, attempt: i32) -> Duration {
        self.delay_with(attempt, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Backoff {
        Backoff::new(Duration::from_secs(1), Duration::from_secs(60))
    }

    #[test]
    fn doubles_per_attempt_and_caps() {
        let b = policy();
        let secs: Vec<u64> = (1..=8).map(|a| b.ceiling(a).as_secs()).collect();
        assert_eq!(secs, vec![1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn silly_attempt_numbers_do_not_overflow() {
        let b = policy();
        assert_eq!(b.ceiling(0), Duration::from_secs(1));
        assert_eq!(b.ceiling(-5), Duration::from_secs(1));
        assert_eq!(b.ceiling(i32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn jitter_only_shortens_within_bound() {
        let b = policy();
        assert_eq!(b.delay_with(3, 0.0), Duration::from_secs(4));
        assert_eq!(b.delay_with(3, 1.0), Duration::from_secs(3));
        assert_eq!(b.delay_with(3, f64::NAN), Duration::from_secs(4));
        for _ in 0..100 {
            let d = b.delay(3);
            assert!(
                d >= Duration::from_secs(3) && d <= Duration::from_secs(4),
                "{d:?}"
            );
        }
    }

    #[test]
    fn jittered_delay_still_grows_until_cap() {
        let b = policy();
        for a in 1..6 {
            assert!(b.delay_with(a + 1, 1.0) > b.delay_with(a, 0.0));
        }
    }
}
