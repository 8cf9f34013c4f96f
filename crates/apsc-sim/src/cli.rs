//! The `apsc-sim` command line.
//!
//! - `apsc-sim serve --listen ADDR [--time-scale F] [--state-dir DIR]` runs the controller,
//!   printing its REST URL and the paths of the CA and controller certificates.
//! - `apsc-sim install --endpoint URL [--settings JSON] [--package FILE]` asks a running
//!   controller (via its REST API, with the controller certificate from the state directory) to
//!   install an application instance into the endpoint, and prints the instance.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use serde_json::{Value, json};

use crate::ca::Identity;
use crate::config::SimConfig;
use crate::controller::Controller;
use crate::package::{PackageSpec, ServiceSpec};
use crate::snapshot::cert_paths;
use crate::tls::{ServerTrust, http_client};

/// A simulated APS controller for trying and testing APS 2.0 endpoints.
#[derive(Debug, Parser)]
#[command(name = "apsc-sim", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the controller.
    Serve(ServeArgs),
    /// Install an application instance into an endpoint through a running controller.
    Install(InstallArgs),
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address of the REST API.
    #[arg(long, default_value = "127.0.0.1:6308")]
    pub listen: SocketAddr,
    /// Factor applied to retry timeouts and task periods (1.0 = real time).
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Where the CA, controller certificate and state snapshot live.
    #[arg(long, default_value = "apsc-sim-state")]
    pub state_dir: PathBuf,
    /// Host name to put into APS-Controller-URI and the server certificate.
    #[arg(long)]
    pub public_host: Option<String>,
    /// Apply the real controller's visibility rule to application calls.
    #[arg(long)]
    pub strict_visibility: bool,
    /// Do not run periodic tasks by themselves.
    #[arg(long)]
    pub no_auto_tasks: bool,
    /// Only talk to endpoints whose certificate has this SHA-256 fingerprint (hex).
    #[arg(long)]
    pub endpoint_fingerprint: Option<String>,
}

/// `install` options.
#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The endpoint base URL (the root service is appended).
    #[arg(long)]
    pub endpoint: String,
    /// Global settings of the instance (JSON object).
    #[arg(long, default_value = "{}")]
    pub settings: String,
    /// REST URL of the running controller.
    #[arg(long, default_value = "https://127.0.0.1:6308/")]
    pub controller: String,
    /// State directory of the running controller (for the controller certificate).
    #[arg(long, default_value = "apsc-sim-state")]
    pub state_dir: PathBuf,
    /// A package description (PackageSpec JSON: app_id, version, release, root_service, services).
    #[arg(long)]
    pub package: Option<PathBuf>,
    /// Application id, when no package file is given.
    #[arg(long, default_value = "http://oxaps.org/app")]
    pub app_id: String,
    /// Root service id, when no package file is given.
    #[arg(long, default_value = "globals")]
    pub root_service: String,
    /// Root service type id, when no package file is given.
    #[arg(long, default_value = "http://oxaps.org/types/globals/1.0")]
    pub root_type: String,
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Install(args) => install(args).await,
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = SimConfig {
        listen: args.listen,
        public_host: args.public_host,
        time_scale: args.time_scale,
        strict_visibility: args.strict_visibility,
        auto_run_periodic_tasks: !args.no_auto_tasks,
        endpoint_fingerprint: args.endpoint_fingerprint,
        state_dir: Some(args.state_dir.clone()),
        ..SimConfig::default()
    };
    let sim = Controller::start(config)
        .await
        .context("starting the controller")?;
    let (ca, controller) = cert_paths(&args.state_dir);
    println!("REST API:               {}", sim.rest_base_url());
    println!("CA certificate:         {}", ca.display());
    println!("controller certificate: {}", controller.display());
    println!("notification manager:   {}", sim.notification_manager_id());
    println!("periodic task manager:  {}", sim.periodic_task_manager_id());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    sim.shutdown();
    tokio::time::sleep(Duration::from_millis(600)).await;
    Ok(())
}

async fn install(args: InstallArgs) -> anyhow::Result<()> {
    let settings: Value = serde_json::from_str(&args.settings).context("--settings is not JSON")?;
    if !settings.is_object() {
        bail!("--settings must be a JSON object");
    }
    let package = match &args.package {
        Some(path) => serde_json::from_str::<PackageSpec>(&std::fs::read_to_string(path)?)
            .context("reading the package file")?,
        None => PackageSpec::new(
            &args.app_id,
            ServiceSpec::new(&args.root_service, &args.root_type),
        ),
    };
    let read = |name: &str| {
        std::fs::read_to_string(args.state_dir.join(name))
            .with_context(|| format!("reading {name} in {}", args.state_dir.display()))
    };
    let identity = Identity {
        cert_pem: read("controller.pem")?,
        key_pem: read("controller.key")?,
    };
    let client = http_client(
        Some(&identity),
        &ServerTrust::AnyCertificate,
        Duration::from_secs(120),
    )?;
    let mut body = settings;
    if let Some(map) = body.as_object_mut() {
        map.insert(
            "aps".into(),
            json!({"package": package, "endpoint": args.endpoint}),
        );
    }
    let url = format!(
        "{}/aps/2/applications",
        args.controller.trim_end_matches('/')
    );
    let response = client
        .post(&url)
        .json(&body)
        .send()
        .await
        .with_context(|| format!("POST {url}"))?;
    let status = response.status();
    let text = response.text().await?;
    println!("{text}");
    if !status.is_success() {
        bail!("installation failed with {status}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_parses() {
        let cli = Cli::try_parse_from([
            "apsc-sim",
            "serve",
            "--listen",
            "127.0.0.1:7000",
            "--time-scale",
            "0.01",
        ])
        .unwrap();
        match cli.command {
            Command::Serve(a) => {
                assert_eq!(a.listen.port(), 7000);
                assert_eq!(a.time_scale, 0.01);
            }
            Command::Install(_) => panic!("wrong subcommand"),
        }
        let cli = Cli::try_parse_from([
            "apsc-sim",
            "install",
            "--endpoint",
            "https://h/ep/",
            "--settings",
            "{\"a\":1}",
        ])
        .unwrap();
        assert!(
            matches!(cli.command, Command::Install(a) if a.endpoint == "https://h/ep/" && a.root_service == "globals")
        );
        assert!(Cli::try_parse_from(["apsc-sim", "install"]).is_err());
    }
}
