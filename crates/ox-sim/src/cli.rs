//! Command line: `ox-sim serve ...` and `ox-sim wsdl <Service>`.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::config::{Credentials, SimConfig};
use crate::faults::{FaultConfig, LatencyDistribution, TransientKind};
use crate::soap::encode::VoidStyle;

/// ox-sim: Open-Xchange SOAP provisioning simulator.
#[derive(Parser)]
#[command(name = "ox-sim", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// Serve the SOAP API.
    Serve(Box<ServeArgs>),
    /// Print the WSDL of one service.
    Wsdl {
        /// Service name, e.g. OXUserService.
        service: String,
        /// Base URL for the endpoint address.
        #[arg(long, default_value = "http://localhost")]
        base_url: String,
    },
}

/// Options of `ox-sim serve` (no Debug: it holds the master password).
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8009")]
    pub listen: SocketAddr,
    /// Master admin login.
    #[arg(long, env = "OXSIM_MASTER_LOGIN", default_value = "oxadminmaster")]
    pub master_login: String,
    /// Master admin password.
    #[arg(long, env = "OXSIM_MASTER_PASSWORD", hide_env_values = true)]
    pub master_password: String,
    /// Database URL: sqlite::memory:, sqlite://path?mode=rwc or mysql://user@host/db.
    #[arg(long, env = "OXSIM_DB", default_value = "sqlite::memory:")]
    pub db: String,
    /// Fixed exception ids (`1-<counter>`) and a fixed fault-injection seed.
    #[arg(long)]
    pub deterministic: bool,
    /// Accept master credentials for user, group and resource calls in every context
    /// (OX's MASTER_ACCOUNT_OVERRIDE=true).
    #[arg(long)]
    pub master_account_override: bool,
    /// Added latency per SOAP request.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Spread of the added latency.
    #[arg(long, default_value_t = 0)]
    pub latency_jitter_ms: u64,
    /// Shape of the latency distribution.
    #[arg(long, value_enum, default_value = "uniform")]
    pub latency_distribution: LatencyDistribution,
    /// Share of requests answered with a transient fault (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub transient_fault_ratio: f64,
    /// Kind of transient fault.
    #[arg(long, value_enum, default_value = "mixed")]
    pub transient_kind: TransientKind,
    /// Share of requests whose connection is closed without a response (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub drop_connection_ratio: f64,
    /// Share of requests processed and then dropped without a response (0..1).
    #[arg(long, default_value_t = 0.0)]
    pub drop_after_ratio: f64,
    /// Trickle each response body out over this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub slow_body_ms: u64,
    /// How void operations answer.
    #[arg(long, value_enum, default_value = "empty-wrapper")]
    pub void_style: VoidStyle,
    /// Largest accepted request body in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_body_bytes: usize,
}

impl ServeArgs {
    /// Builds the simulator configuration.
    pub fn to_config(&self) -> Result<SimConfig, String> {
        let faults = FaultConfig {
            latency_ms: self.latency_ms,
            jitter_ms: self.latency_jitter_ms,
            distribution: self.latency_distribution,
            transient_ratio: self.transient_fault_ratio,
            transient_kind: self.transient_kind,
            drop_ratio: self.drop_connection_ratio,
            drop_after_ratio: self.drop_after_ratio,
            slow_body_ms: self.slow_body_ms,
        };
        faults.validate()?;
        if self.master_password.is_empty() {
            return Err("the master password must not be empty".into());
        }
        Ok(SimConfig {
            listen: self.listen,
            master: Credentials::new(self.master_login.clone(), self.master_password.clone()),
            db_url: self.db.clone(),
            deterministic: self.deterministic,
            master_account_override: self.master_account_override,
            faults,
            void_style: self.void_style,
            max_body_bytes: self.max_body_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_serve_flags() {
        let cli = Cli::try_parse_from([
            "ox-sim",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--master-login",
            "m",
            "--master-password",
            "p",
            "--deterministic",
            "--master-account-override",
            "--latency-ms",
            "20",
            "--latency-jitter-ms",
            "5",
            "--transient-fault-ratio",
            "0.1",
            "--drop-connection-ratio",
            "0.05",
            "--slow-body-ms",
            "100",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("expected serve");
        };
        let cfg = args.to_config().unwrap();
        assert_eq!(cfg.master.login, "m");
        assert!(cfg.deterministic && cfg.master_account_override);
        assert_eq!(cfg.faults.latency_ms, 20);
        assert_eq!(cfg.faults.drop_ratio, 0.05);
        assert_eq!(cfg.faults.slow_body_ms, 100);
    }

    #[test]
    fn rejects_bad_ratio() {
        let cli = Cli::try_parse_from([
            "ox-sim",
            "serve",
            "--master-password",
            "p",
            "--drop-connection-ratio",
            "2",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("expected serve");
        };
        assert!(args.to_config().is_err());
    }
}
