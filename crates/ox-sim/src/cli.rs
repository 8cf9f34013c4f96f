//! Command line: `ox-sim serve ...` and `ox-sim wsdl <Service>`.

use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// Remove advertisement configurations of a running ox-sim (OX's CLT).
    #[command(name = "removeadvertisementconfigs")]
    RemoveAdvertisementConfigs(RemoveAdsArgs),
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
    /// Basic-auth login of the admin REST API (/advertisement/v1); unset disables it.
    #[arg(long, env = "OXSIM_REST_LOGIN", default_value = "")]
    pub rest_login: String,
    /// Basic-auth password of the admin REST API.
    #[arg(
        long,
        env = "OXSIM_REST_PASSWORD",
        hide_env_values = true,
        default_value = ""
    )]
    pub rest_password: String,
    /// advertisement.properties equivalent; without it the advertisement feature is off.
    #[arg(long)]
    pub ads_config: Option<PathBuf>,
}

/// Options of `ox-sim removeadvertisementconfigs` (OX's options; no Debug: password).
#[derive(Args)]
pub struct RemoveAdsArgs {
    /// Admin username
    #[arg(short = 'A', long = "adminuser")]
    pub adminuser: Option<String>,
    /// Admin password
    #[arg(short = 'P', long = "adminpass")]
    pub adminpass: Option<String>,
    /// If set the clt only removes configurations of resellers which doesn't exist any more.
    #[arg(short = 'c', long = "clean")]
    pub clean: bool,
    /// If set the clt also removes preview configurations. This is only applicable in
    /// case the argument 'clean' is used.
    #[arg(short = 'i', long = "includePreviews")]
    pub include_previews: bool,
    /// Defines the reseller for which the configurations should be deleted. Use
    /// 'default' for the default reseller or in case no reseller are defined. If
    /// missing all configurations are deleted instead.
    #[arg(short = 'r', long = "reseller")]
    pub reseller: Option<String>,
    /// The optional server (default: localhost): the host of a running ox-sim.
    #[arg(
        short = 's',
        long = "server",
        default_value = "localhost",
        hide_default_value = true
    )]
    pub server: String,
    /// The optional port (ox-sim's HTTP port, default: 8009; OX: the RMI port 1099).
    #[arg(
        short = 'p',
        long = "port",
        default_value_t = 8009,
        hide_default_value = true
    )]
    pub port: u16,
    /// The optional response timeout in seconds when reading data from server
    /// (default: 0s; infinite)
    #[arg(
        long = "responsetimeout",
        default_value_t = 0,
        hide_default_value = true
    )]
    pub responsetimeout: u64,
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
            rest_login: self.rest_login.clone(),
            rest_password: self.rest_password.clone(),
            ads_config: self.ads_config.clone(),
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
    fn parses_ads_flags_and_remove_command() {
        let cli = Cli::try_parse_from([
            "ox-sim",
            "serve",
            "--master-password",
            "p",
            "--rest-login",
            "L",
            "--rest-password",
            "R",
            "--ads-config",
            "/tmp/a.properties",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("expected serve");
        };
        let cfg = args.to_config().unwrap();
        assert_eq!(
            (cfg.rest_login.as_str(), cfg.rest_password.as_str()),
            ("L", "R")
        );
        assert_eq!(cfg.ads_config, Some(PathBuf::from("/tmp/a.properties")));
        let cli = Cli::try_parse_from([
            "ox-sim",
            "removeadvertisementconfigs",
            "-A",
            "m",
            "-P",
            "pw",
            "-c",
            "-i",
            "-r",
            "brand",
            "-s",
            "h",
            "-p",
            "1234",
            "--responsetimeout",
            "5",
        ])
        .unwrap();
        let Command::RemoveAdvertisementConfigs(a) = cli.command else {
            panic!("expected removeadvertisementconfigs");
        };
        assert!(a.clean && a.include_previews);
        assert_eq!(a.reseller.as_deref(), Some("brand"));
        assert_eq!(
            (a.server.as_str(), a.port, a.responsetimeout),
            ("h", 1234, 5)
        );
        let cli = Cli::try_parse_from([
            "ox-sim",
            "removeadvertisementconfigs",
            "--adminuser",
            "m",
            "--adminpass",
            "x",
            "--clean",
            "--includePreviews",
            "--reseller",
            "r",
            "--server",
            "s",
            "--port",
            "1",
        ])
        .unwrap();
        assert!(
            matches!(cli.command, Command::RemoveAdvertisementConfigs(a) if a.clean && a.port == 1)
        );
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
