//! Configuration: defaults, then a TOML file (`--config FILE`), then `OXAPS_*` environment variables
//! (nested keys with `__`, e.g. `OXAPS_JOBS__CONCURRENCY`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything `oxaps serve` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the APS endpoint listens (HTTPS).
    pub listen: SocketAddr,
    /// Path prefix of every APS route, e.g. `/` or `/openxchange/`.
    pub base_path: String,
    /// sqlx database URL: `sqlite://oxaps.db` (created on first start) or `postgres://...`.
    pub database_url: String,
    /// Directory for generated files: the self-signed TLS pair and the secret key.
    pub data_dir: PathBuf,
    /// PEM certificate chain of the endpoint; generated self-signed in `data_dir` when absent.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the endpoint.
    pub tls_key: Option<PathBuf>,
    /// Where `/healthz`, `/readyz` and `/metrics` listen (plain HTTP; keep it private).
    pub admin_listen: SocketAddr,
    /// Log filter (tracing `EnvFilter` syntax).
    pub log: String,
    /// `pretty` or `json`.
    pub log_format: LogFormat,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Compare the TLS client certificate with the instance's controller certificate. Turn off for
    /// development only: anyone reaching the port could then act as the controller.
    pub check_client_cert: bool,
    /// Key encrypting secrets at rest, base64 of 32 bytes. Every node sharing a database needs the
    /// same key. When absent, `<data_dir>/secret.key` is used, generated on first start.
    pub secret_key: Option<String>,
    /// Seconds the controller waits before polling an accepted (202) operation.
    pub retry_after_secs: u32,
    /// How long a request waits for its job before answering 202, in milliseconds.
    pub sync_wait_ms: u64,
    /// Timeout of one OX SOAP call, seconds.
    pub ox_timeout_secs: u64,
    /// Timeout of the OX connection check at install and configure, seconds.
    pub ox_check_timeout_secs: u64,
    /// Calls back into the controller.
    pub controller: ControllerConfig,
    /// The job workers of this node.
    pub jobs: JobsConfig,
    /// Periodic work: the node's own scheduler and the tasks' settings.
    pub cron: crate::cron::CronConfig,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Calls back into the APS controller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ControllerConfig {
    /// Timeout of one call, seconds.
    pub timeout_secs: u64,
    /// Attempts for transient failures.
    pub attempts: u32,
    /// PEM file of the APS CA to verify the controller's server certificate; when absent any
    /// certificate is accepted, as the APS runtimes do.
    pub ca_file: Option<PathBuf>,
}

/// The job workers of this node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Jobs run at once on this node.
    pub concurrency: usize,
    /// Lease of a claimed job, seconds; another node takes it over when it expires.
    pub lease_secs: u64,
    /// Poll interval for new jobs, milliseconds.
    pub poll_ms: u64,
    /// First retry delay, milliseconds (doubles per attempt).
    pub backoff_ms: u64,
    /// Longest retry delay, seconds.
    pub backoff_max_secs: u64,
    /// Succeeded jobs are kept this many days for inspection, then pruned (dead ones stay).
    pub retain_succeeded_days: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([0, 0, 0, 0], 8443)),
            base_path: "/".into(),
            database_url: "sqlite://oxaps.db".into(),
            data_dir: PathBuf::from("oxaps-data"),
            tls_cert: None,
            tls_key: None,
            admin_listen: SocketAddr::from(([127, 0, 0, 1], 9090)),
            log: "info".into(),
            log_format: LogFormat::Pretty,
            max_body_bytes: 1024 * 1024,
            check_client_cert: true,
            secret_key: None,
            retry_after_secs: 10,
            sync_wait_ms: 1500,
            ox_timeout_secs: 60,
            ox_check_timeout_secs: 15,
            controller: ControllerConfig::default(),
            jobs: JobsConfig::default(),
            cron: crate::cron::CronConfig::default(),
        }
    }
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            timeout_secs: 50,
            attempts: 4,
            ca_file: None,
        }
    }
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            concurrency: 8,
            lease_secs: 120,
            poll_ms: 500,
            backoff_ms: 1000,
            backoff_max_secs: 600,
            retain_succeeded_days: 7,
        }
    }
}

/// A configuration problem, with the key at fault.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

/// `OXAPS_*` variables that are not settings: the config file path (read by the CLI) and the
/// variables of the test suites and benchmarks.
fn is_not_a_setting(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(key.as_str(), "config" | "python")
        || key.starts_with("test_")
        || key.starts_with("bench_")
}

impl Config {
    /// Loads defaults, then `file` (when given), then the environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        Self::load_from(
            file,
            Env::prefixed("OXAPS_")
                .split("__")
                .filter(|key| !is_not_a_setting(key.as_str())),
        )
    }

    fn load_from(file: Option<&Path>, env: Env) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        let config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if !self.base_path.starts_with('/') {
            return Err(ConfigError(format!(
                "base_path must start with '/': {:?}",
                self.base_path
            )));
        }
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError(
                "tls_cert and tls_key must be given together".into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError("max_body_bytes must be at least 1024".into()));
        }
        if self.jobs.concurrency == 0 {
            return Err(ConfigError("jobs.concurrency must be at least 1".into()));
        }
        Ok(())
    }

    /// The base path normalised to `/` or `/segment/.../` (leading and trailing slash).
    pub fn normalized_base_path(&self) -> String {
        let trimmed = self.base_path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// A configuration for tests: loopback listeners on free ports, the given database, a temp dir.
    pub fn for_test(data_dir: &Path, database_url: &str) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            admin_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            database_url: database_url.into(),
            data_dir: data_dir.to_path_buf(),
            retry_after_secs: 1,
            sync_wait_ms: 0,
            jobs: JobsConfig {
                poll_ms: 50,
                backoff_ms: 20,
                backoff_max_secs: 1,
                ..JobsConfig::default()
            },
            // Tests that want periodic tasks create the cron (or turn this on) themselves.
            cron: crate::cron::CronConfig {
                create_at_install: false,
                ..crate::cron::CronConfig::default()
            },
            ..Config::default()
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closure signature
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_values() {
        let c = Config::default();
        assert_eq!(c.listen.to_string(), "0.0.0.0:8443");
        assert_eq!(c.admin_listen.to_string(), "127.0.0.1:9090");
        assert_eq!(c.database_url, "sqlite://oxaps.db");
        assert_eq!(c.normalized_base_path(), "/");
    }

    #[test]
    fn file_then_environment_override() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("oxaps.toml", "listen = \"127.0.0.1:1443\"\nbase_path = \"/openxchange\"\n[jobs]\nconcurrency = 3\n")?;
            jail.set_env("OXAPS_LISTEN", "127.0.0.1:2443");
            jail.set_env("OXAPS_JOBS__LEASE_SECS", "7");
            jail.set_env("OXAPS_LOG_FORMAT", "json");
            let c = Config::load(Some(Path::new("oxaps.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.to_string(), "127.0.0.1:2443");
            assert_eq!(c.normalized_base_path(), "/openxchange/");
            assert_eq!(c.jobs.concurrency, 3);
            assert_eq!(c.jobs.lease_secs, 7);
            assert_eq!(c.log_format, LogFormat::Json);
            Ok(())
        });
    }

    #[test]
    fn invalid_values_are_rejected_with_the_key() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OXAPS_BASE_PATH", "openxchange");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("base_path"), "{err}");
            jail.set_env("OXAPS_BASE_PATH", "/");
            jail.set_env("OXAPS_TLS_CERT", "/x.pem");
            assert!(
                Config::load(None)
                    .unwrap_err()
                    .to_string()
                    .contains("tls_key")
            );
            Ok(())
        });
    }

    #[test]
    fn variables_that_are_not_settings_are_ignored() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("OXAPS_CONFIG", "/etc/oxaps.toml");
            jail.set_env("OXAPS_TEST_POSTGRES_URL", "postgres://x");
            jail.set_env("OXAPS_BENCH_REQUESTS", "10");
            jail.set_env("OXAPS_PYTHON", "/usr/bin/python3");
            assert!(Config::load(None).is_ok());
            jail.set_env("OXAPS_LISTN", "typo");
            assert!(
                Config::load(None).is_err(),
                "a misspelt setting is still an error"
            );
            Ok(())
        });
    }

    #[test]
    fn missing_config_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/oxaps.toml"))).is_err());
    }
}
