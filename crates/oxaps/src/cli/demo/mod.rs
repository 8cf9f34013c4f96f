//! `oxaps demo`: a node on a fresh SQLite database, driven by the embedded APS controller simulator
//! (apsc-sim) against an embedded OX (ox-sim) or the caller's OX, provisioning a realistic customer
//! the way OSA would, with a progress display.

mod progress;
mod scenario;

pub use scenario::package;

use std::path::PathBuf;

use apsc_sim::{Controller, SimConfig};
use clap::Args;

use crate::config::Config;
use crate::node::Node;
use progress::Progress;

/// Options of `oxaps demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Run the scenario and exit: status 0 only when every resource reached ready.
    #[arg(long)]
    pub exit: bool,
    /// Directory for the demo's database, keys and certificates (default: a new temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Use this OX (or ox-sim) instead of the embedded ox-sim: base URL of its SOAP API.
    #[arg(long, requires_all = ["ox_master_login", "ox_master_password"])]
    pub ox_url: Option<String>,
    /// Master admin login of the OX given with --ox-url.
    #[arg(long)]
    pub ox_master_login: Option<String>,
    /// Master admin password of the OX given with --ox-url.
    #[arg(long, env = "OXAPS_DEMO_OX_MASTER_PASSWORD", hide_env_values = true)]
    pub ox_master_password: Option<String>,
    /// Users of the demo customer.
    #[arg(long, default_value_t = 20)]
    pub users: usize,
}

/// Where the demo's OX is.
pub struct OxTarget {
    /// SOAP base URL.
    pub url: String,
    /// Master login.
    pub login: String,
    /// Master password.
    pub password: String,
    /// Login and password of OX's REST API (advertisement), when known.
    pub rest: Option<(String, String)>,
    embedded: Option<ox_sim::OxSimHandle>,
}

/// Runs the demo.
pub async fn run(config: Config, args: DemoArgs) -> anyhow::Result<()> {
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!("oxaps-demo-{}", uuid::Uuid::new_v4().simple())),
    };
    std::fs::create_dir_all(&dir)?;
    let mut p = Progress::new();

    p.step("Starting OX, the APS controller simulator and the oxaps endpoint (SQLite)");
    let ox = match (
        &args.ox_url,
        &args.ox_master_login,
        &args.ox_master_password,
    ) {
        (Some(url), Some(login), Some(password)) => OxTarget {
            url: url.clone(),
            login: login.clone(),
            password: password.clone(),
            rest: None,
            embedded: None,
        },
        _ => {
            let password = crate::model::password::generate(20);
            // OX Display: packages are access combinations for the default reseller.
            let ads = dir.join("advertisement.properties");
            std::fs::write(
                &ads,
                "com.openexchange.advertisement.default.packageScheme=AccessCombinations\n",
            )?;
            let rest_password = crate::model::password::generate(20);
            let config = ox_sim::SimConfig {
                rest_login: "oxrest".into(),
                rest_password: rest_password.clone(),
                ads_config: Some(ads),
                ..ox_sim::SimConfig::for_test(password.clone())
            };
            let handle = ox_sim::OxSim::start(config)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            OxTarget {
                url: handle.base_url(),
                login: "oxadminmaster".into(),
                password,
                rest: Some(("oxrest".to_owned(), rest_password)),
                embedded: Some(handle),
            }
        }
    };
    let mut node_config = Config::for_test(
        &dir,
        &format!("sqlite://{}", dir.join("oxaps-demo.db").display()),
    );
    node_config.log = config.log.clone();
    node_config.sync_wait_ms = 1500;
    let node = Node::start(node_config).await?;
    let sim = Controller::start(SimConfig {
        time_scale: 0.05,
        max_async_attempts: 100_000,
        ..SimConfig::default()
    })
    .await?;
    p.detail(&format!(
        "OX         {}{}",
        ox.url,
        if ox.embedded.is_some() {
            "  (embedded ox-sim)"
        } else {
            ""
        }
    ));
    p.detail(&format!(
        "endpoint   {}  (TLS SHA-256 {})",
        node.endpoint_url(),
        node.tls_fingerprint
    ));
    p.detail(&format!("controller {}", sim.rest_base_url()));

    let outcome = scenario::run(&mut p, &node, &sim, &ox, args.users).await;
    match &outcome {
        Ok(summary) => {
            p.done(&format!("Demo succeeded: {summary}"));
            eprintln!("\nWhere to look:");
            eprintln!("    metrics    http://{}/metrics", node.admin_addr);
            eprintln!("    database   {}", dir.join("oxaps-demo.db").display());
            eprintln!(
                "    jobs       OXAPS_DATABASE_URL=sqlite://{} oxaps jobs list",
                dir.join("oxaps-demo.db").display()
            );
            if let Some(ox) = &ox.embedded {
                eprintln!(
                    "    OX SOAP    {}/webservices/OXContextService?wsdl",
                    ox.base_url()
                );
            }
        }
        Err(e) => p.failed(&format!("{e:#}")),
    }
    if !args.exit && outcome.is_ok() {
        eprintln!("\nRunning until Ctrl-C.");
        super::serve::shutdown_signal().await;
    }
    node.shutdown().await;
    sim.shutdown();
    if let Some(handle) = ox.embedded {
        handle.shutdown().await;
    }
    outcome.map(drop)
}
