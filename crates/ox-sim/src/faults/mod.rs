//! Fault injection settings and the per-request decision. The HTTP layer
//! (`http::faults`) carries the decision out.

use std::sync::{Mutex, RwLock};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// How the added latency is distributed around `latency_ms`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LatencyDistribution {
    /// `latency_ms` plus a uniform offset in `[-jitter_ms, +jitter_ms]` (never below 0).
    #[default]
    Uniform,
    /// `latency_ms` plus an exponentially distributed delay with mean `jitter_ms`
    /// (a long tail, like a loaded backend).
    Exponential,
}

/// What a transient fault looks like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum TransientKind {
    /// HTTP 500 SOAP fault `RemoteException` "Missing ... instance." (RMI backend down).
    Remote,
    /// HTTP 503 with a plain-text body and no SOAP fault (proxy in front of OX).
    Http503,
    /// Half and half.
    #[default]
    Mixed,
}

/// Fault injection settings (JSON body of `PUT /__sim/faults`; missing fields = 0).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Added latency per SOAP request.
    pub latency_ms: u64,
    /// Spread of the added latency.
    pub jitter_ms: u64,
    /// Shape of the latency distribution.
    pub distribution: LatencyDistribution,
    /// Share of SOAP requests answered with a transient fault (0..=1), before processing.
    pub transient_ratio: f64,
    /// Kind of transient fault.
    pub transient_kind: TransientKind,
    /// Share of SOAP requests whose connection is closed without a response, before
    /// processing.
    pub drop_ratio: f64,
    /// Share of SOAP requests that are processed (and committed) but whose connection
    /// is then closed without a response.
    pub drop_after_ratio: f64,
    /// Time over which the response body is trickled out in chunks.
    pub slow_body_ms: u64,
}

impl FaultConfig {
    /// Checks that ratios are within 0..=1.
    pub fn validate(&self) -> Result<(), String> {
        for (name, r) in [
            ("transient_ratio", self.transient_ratio),
            ("drop_ratio", self.drop_ratio),
            ("drop_after_ratio", self.drop_after_ratio),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("{name} must be within 0..=1"));
            }
        }
        Ok(())
    }
}

/// What to do with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Process normally.
    Pass,
    /// Answer with a RemoteException fault without processing.
    Remote,
    /// Answer HTTP 503 without processing.
    Http503,
    /// Close the connection without processing or answering.
    Drop,
    /// Process, then close the connection without answering.
    DropAfter,
}

/// The decision for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Delay before processing.
    pub delay: Duration,
    /// What to do.
    pub action: Action,
    /// Total time to spread the response body over.
    pub slow_body: Duration,
}

/// Current settings plus the random source.
#[derive(Debug)]
pub struct FaultState {
    cfg: RwLock<FaultConfig>,
    rng: Mutex<StdRng>,
}

impl FaultState {
    /// Deterministic mode uses a fixed seed.
    pub fn new(cfg: FaultConfig, deterministic: bool) -> Self {
        let rng = if deterministic {
            StdRng::seed_from_u64(0x0a5e_5eed)
        } else {
            StdRng::from_os_rng()
        };
        FaultState {
            cfg: RwLock::new(cfg),
            rng: Mutex::new(rng),
        }
    }

    /// The current settings.
    pub fn get(&self) -> FaultConfig {
        match self.cfg.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Replaces the settings.
    pub fn set(&self, cfg: FaultConfig) -> Result<(), String> {
        cfg.validate()?;
        match self.cfg.write() {
            Ok(mut g) => *g = cfg,
            Err(p) => *p.into_inner() = cfg,
        }
        Ok(())
    }

    /// Back to no faults.
    pub fn reset(&self) {
        let _ = self.set(FaultConfig::default());
    }

    /// Draws the decision for one SOAP request.
    pub fn decide(&self) -> Decision {
        let cfg = self.get();
        let mut rng = match self.rng.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let delay_ms = match cfg.distribution {
            LatencyDistribution::Uniform => {
                let j = cfg.jitter_ms as f64;
                let off = if j > 0.0 {
                    rng.random_range(-j..=j)
                } else {
                    0.0
                };
                (cfg.latency_ms as f64 + off).max(0.0)
            }
            LatencyDistribution::Exponential => {
                let u: f64 = rng.random::<f64>();
                let tail = -(1.0 - u).ln() * cfg.jitter_ms as f64;
                cfg.latency_ms as f64 + tail
            }
        };
        let mut action = Action::Pass;
        let draw: f64 = rng.random();
        let mut acc = cfg.drop_ratio;
        if draw < acc {
            action = Action::Drop;
        } else {
            acc += cfg.transient_ratio;
            if draw < acc {
                action = match cfg.transient_kind {
                    TransientKind::Remote => Action::Remote,
                    TransientKind::Http503 => Action::Http503,
                    TransientKind::Mixed if rng.random::<bool>() => Action::Remote,
                    TransientKind::Mixed => Action::Http503,
                };
            } else if rng.random::<f64>() < cfg.drop_after_ratio {
                action = Action::DropAfter;
            }
        }
        Decision {
            delay: Duration::from_micros((delay_ms * 1000.0) as u64),
            action,
            slow_body: Duration::from_millis(cfg.slow_body_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_by_default() {
        let s = FaultState::new(FaultConfig::default(), true);
        for _ in 0..100 {
            let d = s.decide();
            assert_eq!(d.action, Action::Pass);
            assert_eq!(d.delay, Duration::ZERO);
        }
    }

    #[test]
    fn ratios_are_roughly_respected() {
        let s = FaultState::new(FaultConfig::default(), true);
        s.set(FaultConfig {
            transient_ratio: 0.3,
            drop_ratio: 0.1,
            transient_kind: TransientKind::Remote,
            ..FaultConfig::default()
        })
        .unwrap();
        let n = 10_000;
        let (mut drops, mut remote) = (0, 0);
        for _ in 0..n {
            match s.decide().action {
                Action::Drop => drops += 1,
                Action::Remote => remote += 1,
                _ => {}
            }
        }
        assert!((800..1200).contains(&drops), "{drops}");
        assert!((2700..3300).contains(&remote), "{remote}");
    }

    #[test]
    fn latency_stays_in_band() {
        let s = FaultState::new(FaultConfig::default(), true);
        s.set(FaultConfig {
            latency_ms: 20,
            jitter_ms: 5,
            ..FaultConfig::default()
        })
        .unwrap();
        for _ in 0..1000 {
            let d = s.decide().delay;
            assert!(d >= Duration::from_millis(15) && d <= Duration::from_millis(25));
        }
    }

    #[test]
    fn exponential_latency_has_the_configured_mean() {
        let s = FaultState::new(FaultConfig::default(), true);
        s.set(FaultConfig {
            latency_ms: 10,
            jitter_ms: 20,
            distribution: LatencyDistribution::Exponential,
            ..FaultConfig::default()
        })
        .unwrap();
        let n = 20_000u32;
        let total: Duration = (0..n).map(|_| s.decide().delay).sum();
        let mean_ms = total.as_secs_f64() * 1000.0 / f64::from(n);
        assert!((28.0..32.0).contains(&mean_ms), "{mean_ms}");
        assert!((0..100).all(|_| s.decide().delay >= Duration::from_millis(10)));
    }

    #[test]
    fn rejects_bad_ratio() {
        let s = FaultState::new(FaultConfig::default(), true);
        let bad = FaultConfig {
            drop_ratio: 1.5,
            ..FaultConfig::default()
        };
        assert!(s.set(bad).is_err());
        let json = r#"{"latency_ms": 5, "bogus": 1}"#;
        assert!(serde_json::from_str::<FaultConfig>(json).is_err());
    }
}
