//! Retry policy for transient failures: exponential backoff with jitter.

use std::time::Duration;

use rand::Rng;

/// How often and how patiently a call is repeated after a transient failure.
///
/// Only [`crate::OxError::Transient`] is retried. Note that a retried create whose first attempt
/// did reach OX (a timeout after OX committed) comes back as `AlreadyExists`; callers that
/// "look up, then create or adopt" handle that naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first one included (1 = no retry).
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further one.
    pub base_delay: Duration,
    /// Upper bound of a single delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 250 ms doubling up to 5 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub const fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            base_delay: Duration::ZERO,
            max_delay: Duration::ZERO,
        }
    }

    /// The un-jittered delay after failed attempt number `attempt` (1-based):
    /// `base * 2^(attempt-1)`, capped at `max_delay`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay)
    }

    /// The delay actually slept: uniformly random in `[backoff/2, backoff]` ("equal jitter"),
    /// so concurrent callers that failed together do not retry in lockstep.
    pub fn delay(&self, attempt: u32) -> Duration {
        let full = self.backoff(attempt);
        let half = full / 2;
        let spread = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        if spread == 0 {
            return full;
        }
        half + Duration::from_nanos(rand::rng().random_range(0..=spread))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
        };
        let got: Vec<_> = (1..=5).map(|a| p.backoff(a).as_millis()).collect();
        assert_eq!(got, vec![100, 200, 400, 700, 700]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_millis(700));
    }

    #[test]
    fn jitter_stays_within_half_and_full() {
        let p = RetryPolicy::default();
        for attempt in 1..6 {
            let full = p.backoff(attempt);
            for _ in 0..50 {
                let d = p.delay(attempt);
                assert!(d >= full / 2 && d <= full, "{d:?} vs {full:?}");
            }
        }
        assert_eq!(RetryPolicy::none().delay(1), Duration::ZERO);
    }
}
