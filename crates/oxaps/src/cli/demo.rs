//! `oxaps demo`: the endpoint on SQLite with an embedded APS controller simulator.

use clap::Args;

use crate::config::Config;

/// Options of `oxaps demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the scenario and exit (status 0 only when every step succeeded).
    #[arg(long)]
    pub exit: bool,
}

/// Runs the demo.
pub async fn run(_config: Config, _args: DemoArgs) -> anyhow::Result<()> {
    anyhow::bail!("demo not wired yet")
}
