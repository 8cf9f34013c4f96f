//! Simulator configuration.

use std::fmt;
use std::net::SocketAddr;

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
#[derive(Clone, Debug)]
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_password() {
        let c = SimConfig::for_test("s3cret-pw");
        let s = format!("{c:?}");
        assert!(!s.contains("s3cret-pw"));
        assert!(s.contains("<redacted>"));
    }
}
