//! Configuration of a simulated controller.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How the simulator is set up. `SimConfig::default()` suits tests: an ephemeral port on
/// 127.0.0.1, `time_scale` 0.001 (a 30 s retry timeout waits 30 ms), no state directory.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Where the REST API listens (port 0 = pick a free one).
    pub listen: SocketAddr,
    /// Host names and IP addresses put into the REST API's server certificate (in addition to
    /// `localhost`, `127.0.0.1` and `::1`), and the host used in `APS-Controller-URI`.
    pub public_host: Option<String>,
    /// Factor applied to every protocol delay (APS-Retry-Timeout, periodic task periods, event
    /// redelivery delays). 1.0 is real time; 0.0 repeats immediately.
    pub time_scale: f64,
    /// Retry timeout assumed when a 202 answer carries no `APS-Retry-Timeout` (seconds).
    pub default_retry_timeout_secs: u64,
    /// Requests sent per asynchronous operation (the sync one included) before giving up.
    pub max_async_attempts: u32,
    /// Delay between event redeliveries (before `time_scale`), seconds.
    pub event_retry_delay_secs: u64,
    /// How often a failing (4xx/5xx) event delivery is retried before the notification is dropped.
    pub event_max_retries: u32,
    /// Upper bound for 202-driven redeliveries of one event (the real controller has none).
    pub event_max_redeliveries: u32,
    /// Run periodic tasks by themselves when due (tests may prefer `run_due_tasks()`).
    pub auto_run_periodic_tasks: bool,
    /// Value of the `APS-Version` header and of the versions document.
    pub aps_version: String,
    /// Only an application's own resources, resources linked to them and the platform's service
    /// singletons are visible to it (the real controller's rule). Off by default: every resource is
    /// visible unless the call impersonates an account.
    pub strict_visibility: bool,
    /// SHA-256 fingerprint (hex) of the endpoint's server certificate; when set, connections to
    /// endpoints presenting another certificate fail. The real controller does not check.
    pub endpoint_fingerprint: Option<String>,
    /// Timeout of one request to an endpoint.
    pub request_timeout: Duration,
    /// Keep the CA, the controller certificate and a JSON snapshot of the state here.
    pub state_dir: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_host: None,
            time_scale: 0.001,
            default_retry_timeout_secs: 30,
            max_async_attempts: 50,
            event_retry_delay_secs: 60,
            event_max_retries: 10,
            event_max_redeliveries: 1000,
            auto_run_periodic_tasks: true,
            aps_version: "7.4.0".to_owned(),
            strict_visibility: false,
            endpoint_fingerprint: None,
            request_timeout: Duration::from_secs(50),
            state_dir: None,
        }
    }
}

impl SimConfig {
    /// `seconds × time_scale` as a duration (never negative).
    pub fn scaled(&self, seconds: f64) -> Duration {
        let s = seconds * self.time_scale;
        if s.is_finite() && s > 0.0 {
            Duration::from_secs_f64(s)
        } else {
            Duration::ZERO
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling() {
        let c = SimConfig {
            time_scale: 0.001,
            ..SimConfig::default()
        };
        assert_eq!(c.scaled(30.0), Duration::from_millis(30));
        let c = SimConfig {
            time_scale: 0.0,
            ..SimConfig::default()
        };
        assert_eq!(c.scaled(30.0), Duration::ZERO);
        let c = SimConfig {
            time_scale: f64::NAN,
            ..SimConfig::default()
        };
        assert_eq!(c.scaled(30.0), Duration::ZERO);
    }
}
