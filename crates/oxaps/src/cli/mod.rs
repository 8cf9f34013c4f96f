//! The `oxaps` command line.

mod ads;
mod cron;
pub mod demo;
mod operate;
mod package;
mod serve;
mod upsell;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

/// oxaps: sell OX App Suite through Odin Service Automation (APS 2.0 endpoint).
#[derive(Debug, Parser)]
#[command(name = "oxaps", version, about, long_about = None)]
pub struct Cli {
    /// TOML configuration file; `OXAPS_*` environment variables override it.
    #[arg(long, global = true, env = "OXAPS_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the APS endpoint, the admin listener and the job workers.
    Serve,
    /// Run the endpoint against an embedded APS controller simulator and show it working.
    Demo(demo::DemoArgs),
    /// Create or upgrade the database schema and exit.
    Migrate,
    /// Print the effective configuration (secrets hidden).
    Config,
    /// Installed application instances.
    Instances,
    /// Inspect and retry durable jobs.
    #[command(subcommand)]
    Jobs(operate::JobsCommand),
    /// OX Display advertisement configuration of profiles (what the panel's operations do).
    #[command(subcommand)]
    Ads(ads::AdsCommand),
    /// Build the APS package (.app.zip), or check one with --check.
    Package(package::PackageArgs),
    /// Upsell from inside OX App Suite: a user's upsell URL.
    #[command(subcommand)]
    Upsell(upsell::UpsellCommand),
    /// Periodic tasks (usage sync, retries, reconciliation, DNS check, request expiry).
    #[command(subcommand)]
    Cron(cron::CronCommand),
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("oxaps: {e}");
            return ExitCode::from(2);
        }
    };
    // The demo narrates on stderr; its logs stay quiet unless asked for.
    let demo_quiet =
        matches!(cli.command, Command::Demo(_)) && std::env::var_os("OXAPS_LOG").is_none();
    crate::telemetry::init_logging(
        if demo_quiet {
            "warn,oxaps::http=error"
        } else {
            &config.log
        },
        config.log_format,
    );
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oxaps: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve => serve::run(config).await,
            Command::Demo(args) => demo::run(config, args).await,
            Command::Migrate => operate::migrate(config).await,
            Command::Config => operate::show_config(&config),
            Command::Instances => operate::instances(config).await,
            Command::Jobs(cmd) => operate::jobs(config, cmd).await,
            Command::Ads(cmd) => ads::run(config, cmd).await,
            Command::Package(args) => package::run(args),
            Command::Upsell(cmd) => upsell::run(config, cmd).await,
            Command::Cron(cmd) => cron::run(config, cmd).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oxaps: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
