//! `oxaps demo`: a node on a fresh SQLite database, driven by the embedded APS controller
//! simulator (apsc-sim), so a person sees the endpoint work without an OSA installation.

use std::time::Duration;

use apsc_sim::{Controller, PackageSpec, ServiceSpec, SimConfig};
use clap::Args;
use serde_json::json;

use crate::config::Config;
use crate::node::Node;
use crate::types::{CORE_APPLICATION, type_id};

/// Options of `oxaps demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the scenario and exit (status 0 only when every step succeeded).
    #[arg(long)]
    pub exit: bool,
    /// Directory for the demo's database, keys and certificates (default: a new temporary directory).
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
}

fn step(n: usize, text: &str) {
    eprintln!("[{n}] {text}");
}

/// Runs the demo.
pub async fn run(config: Config, args: DemoArgs) -> anyhow::Result<()> {
    let temp = tempdir()?;
    let dir = args.dir.clone().unwrap_or_else(|| temp.clone());
    std::fs::create_dir_all(&dir)?;
    let mut node_config = Config::for_test(
        &dir,
        &format!("sqlite://{}", dir.join("oxaps-demo.db").display()),
    );
    node_config.log = config.log.clone();
    node_config.sync_wait_ms = 1500;

    step(
        1,
        "starting the oxaps endpoint on SQLite and the APS controller simulator",
    );
    let node = Node::start(node_config).await?;
    let sim = Controller::start(SimConfig {
        time_scale: 0.05,
        ..SimConfig::default()
    })
    .await?;
    eprintln!(
        "    endpoint   {}  (TLS SHA-256 {})",
        node.endpoint_url(),
        node.tls_fingerprint
    );
    eprintln!("    controller {}", sim.rest_base_url());

    step(
        2,
        "the deployment guide's health check: GET <endpoint>/globals without APS headers",
    );
    let probe = reqwest::Client::builder()
        .use_preconfigured_tls(aps::tls::client_config(None, &aps::tls::ServerTrust::Any)?)
        .build()?;
    let answer = probe
        .get(format!("{}globals", node.endpoint_url()))
        .send()
        .await?
        .text()
        .await?;
    eprintln!("    {answer}");
    anyhow::ensure!(
        answer.contains("APS-Instance-Id header not set."),
        "unexpected health-check answer"
    );

    step(
        3,
        "importing the package and installing an application instance (certificates from the controller's CA)",
    );
    let package = sim.register_package(PackageSpec::new(
        "http://oxaps.org/app",
        ServiceSpec::new("globals", type_id("globals")).implements(CORE_APPLICATION),
    ))?;
    let settings = json!({"webmailUrl": "https://webmail.example.com", "defaultLanguage": "en_US"});
    let instance = sim
        .install_instance(&node.endpoint_url(), &package, settings)
        .await?;
    eprintln!(
        "    instance {} installed; instance certificate SHA-256 {}",
        instance.id,
        aps::pem::first_cert_fingerprint(&instance.self_cert_pem)?
    );

    step(
        4,
        "oxaps calls the controller back with the instance certificate (a durable job)",
    );
    let key = format!("{0}/{0}/verify-controller", instance.id);
    let job = node
        .app
        .queue
        .find_by_key(&key)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no verify job"))?;
    let job = node
        .app
        .queue
        .wait_for(job.id, Duration::from_secs(30))
        .await?;
    let check = node
        .app
        .store
        .instance(&instance.id)
        .await?
        .and_then(|i| i.controller_check)
        .unwrap_or_default();
    eprintln!("    job {} {}: {check}", job.id, job.status);
    anyhow::ensure!(
        job.status == oxaps_jobs::JobStatus::Succeeded,
        "the call-back failed: {check}"
    );

    step(5, "the controller reads and reconfigures the instance");
    let got = sim.retrieve(&instance.id).await?;
    eprintln!(
        "    webmailUrl = {}",
        got.props.get("webmailUrl").cloned().unwrap_or_default()
    );
    let changed = sim
        .configure(
            &instance.id,
            json!({"webmailUrl": "https://mail.example.net"}),
        )
        .await?;
    eprintln!(
        "    webmailUrl = {} after configure",
        changed.props.get("webmailUrl").cloned().unwrap_or_default()
    );
    anyhow::ensure!(
        changed.props.get("webmailUrl") == Some(&json!("https://mail.example.net")),
        "configure did not apply"
    );

    eprintln!("\nDemo succeeded. Where to look:");
    eprintln!("    metrics    http://{}/metrics", node.admin_addr);
    eprintln!("    database   {}", dir.join("oxaps-demo.db").display());
    eprintln!(
        "    jobs       oxaps jobs list   (with OXAPS_DATABASE_URL=sqlite://{})",
        dir.join("oxaps-demo.db").display()
    );
    if args.exit {
        node.shutdown().await;
        sim.shutdown();
        return Ok(());
    }
    eprintln!("\nRunning until Ctrl-C.");
    super::serve::shutdown_signal().await;
    node.shutdown().await;
    sim.shutdown();
    Ok(())
}

fn tempdir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("oxaps-demo-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
