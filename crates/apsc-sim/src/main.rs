//! `apsc-sim`: run a simulated APS controller, or install an instance through a running one.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    apsc_sim::cli::run(apsc_sim::cli::Cli::parse()).await
}
