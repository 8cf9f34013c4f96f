//! Simulator configuration.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::faults::FaultConfig;
use crate::soap::encode::VoidStyle;

/// Login and password (the password never appears in Debug output or logs).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Login name.
    pub login: String,
    /// Password in clear (kept in memory only).
    pub password: String,
}

impl Credentials {
    /// Builds credentials.
    pub fn new(login: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials {
            login: login.into(),
            password: password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Everything `OxSim::start` needs.
#[derive(Clone)]
pub struct SimConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// Master admin (`oxadminmaster`) credentials.
    pub master: Credentials,
    /// Database URL: `sqlite::memory:`, `sqlite://path?mode=rwc` or `mysql://...`.
    pub db_url: String,
    /// Fixed exception ids (`1-<counter>`) and a seeded fault RNG.
    pub deterministic: bool,
    /// OX's MASTER_ACCOUNT_OVERRIDE: master credentials work for context-level calls.
    pub master_account_override: bool,
    /// Initial fault injection settings.
    pub faults: FaultConfig,
    /// How void operations answer.
    pub void_style: VoidStyle,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Basic-auth login of the admin REST API (`/advertisement/v1`); empty disables it
    /// (OX's `com.openexchange.rest.services.basic-auth.login`).
    pub rest_login: String,
    /// Basic-auth password of the admin REST API (never logged).
    pub rest_password: String,
    /// The `advertisement.properties` equivalent; `None` turns the feature off.
    pub ads_config: Option<PathBuf>,
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("listen", &self.listen)
            .field("master", &self.master)
            .field("db_url", &self.db_url)
            .field("deterministic", &self.deterministic)
            .field("master_account_override", &self.master_account_override)
            .field("faults", &self.faults)
            .field("void_style", &self.void_style)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("rest_login", &self.rest_login)
            .field("rest_password", &"<redacted>")
            .field("ads_config", &self.ads_config)
            .finish()
    }
}

impl SimConfig {
    /// In-memory SQLite on 127.0.0.1 with an ephemeral port; master `oxadminmaster`.
    pub fn for_test(master_password: impl Into<String>) -> Self {
        SimConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            master: Credentials::new("oxadminmaster", master_password),
            db_url: "sqlite::memory:".to_string(),
            deterministic: true,
            master_account_override: false,
            faults: FaultConfig::default(),
            void_style: VoidStyle::default(),
            max_body_bytes: 16 * 1024 * 1024,
            rest_login: String::new(),
            rest_password: String::new(),
            ads_config: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_password() {
        let mut c = SimConfig::for_test("s3cret-pw");
        c.rest_password = "rest-s3cret".into();
        let s = format!("{c:?}");
        assert!(!s.contains("s3cret-pw"));
        assert!(!s.contains("rest-s3cret"));
        assert!(s.contains("<redacted>"));
    }
}
