//! `oxaps ads ...`: OX Display advertisement configuration for operators without the panel.
//!
//! Each command goes through the same code as the profile's APS operation (the instance acting on
//! its own profile), then runs the resulting durable job here; a running node could equally run it.

use clap::Subcommand;
use serde_json::{Value, json};

use crate::app::App;
use crate::config::Config;
use crate::http::RequestContext;
use crate::secrets::SecretBox;
use crate::services::{Call, OperationInput, Registry, Reply};
use crate::store::Store;

/// `oxaps ads ...`.
#[derive(Debug, Subcommand)]
pub enum AdsCommand {
    /// Set the configuration of a profile's packages (its access combination and taxonomy type).
    Set {
        /// The profile's APS id.
        #[arg(long)]
        profile: String,
        /// The configuration, JSON.
        #[arg(long, value_name = "JSON")]
        json: String,
        /// The application instance (needed when several are installed).
        #[arg(long)]
        instance: Option<String>,
    },
    /// Set a preview configuration on one user of the profile.
    Preview {
        /// The profile's APS id.
        #[arg(long)]
        profile: String,
        /// The user's APS id.
        #[arg(long)]
        user: String,
        /// The configuration, JSON.
        #[arg(long, value_name = "JSON")]
        json: String,
        /// The application instance.
        #[arg(long)]
        instance: Option<String>,
    },
    /// Make a user's preview the configuration of the whole package.
    Rollout {
        /// The profile's APS id.
        #[arg(long)]
        profile: String,
        /// The user whose preview is rolled out.
        #[arg(long)]
        user: String,
        /// The application instance.
        #[arg(long)]
        instance: Option<String>,
    },
    /// Remove the profile's package configuration.
    Remove {
        /// The profile's APS id.
        #[arg(long)]
        profile: String,
        /// The application instance.
        #[arg(long)]
        instance: Option<String>,
    },
    /// Show what OX serves a user of the profile.
    Served {
        /// The profile's APS id.
        #[arg(long)]
        profile: String,
        /// The user's APS id.
        #[arg(long)]
        user: String,
        /// The application instance.
        #[arg(long)]
        instance: Option<String>,
    },
}

/// Runs an `oxaps ads` command.
pub async fn run(config: Config, cmd: AdsCommand) -> anyhow::Result<()> {
    let secrets = SecretBox::load_or_create(config.secret_key.as_deref(), &config.data_dir)?;
    let store = Store::open(&config.database_url).await?;
    let app = App::new(config, store, secrets, Registry::standard()).map_err(anyhow::Error::msg)?;
    let (instance, profile, name, body) = match cmd {
        AdsCommand::Set {
            profile,
            json: config,
            instance,
        } => (instance, profile, "set", json!({"config": parse(&config)?})),
        AdsCommand::Preview {
            profile,
            user,
            json: config,
            instance,
        } => (
            instance,
            profile,
            "setPreview",
            json!({"userId": user, "config": parse(&config)?}),
        ),
        AdsCommand::Rollout {
            profile,
            user,
            instance,
        } => (instance, profile, "rollOutPreview", json!({"userId": user})),
        AdsCommand::Remove { profile, instance } => {
            (instance, profile, "removePackageConfig", json!({}))
        }
        AdsCommand::Served {
            profile,
            user,
            instance,
        } => (instance, profile, "servedConfig", json!({"userId": user})),
    };
    let call = call_as_instance(&app, instance).await?;
    let service = app
        .services
        .get("profile")
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no profile service"))?;
    let reply = if name == "set" {
        let resource: aps::Resource =
            serde_json::from_value(json!({"adConfig": body["config"].to_string()}))?;
        service.configure(&call, &profile, resource).await
    } else {
        let mut input = OperationInput {
            body: Some(body.clone()),
            ..OperationInput::default()
        };
        if name == "servedConfig" {
            input.query.insert(
                "userId".into(),
                body["userId"].as_str().unwrap_or_default().to_owned(),
            );
        }
        service.operation(&call, Some(&profile), name, input).await
    }
    .map_err(|e| anyhow::anyhow!("{} ({})", e.message, e.status))?;
    run_jobs(&app).await?;
    match reply {
        Reply::Ok(v) | Reply::Created(v) => println!("{}", serde_json::to_string_pretty(&v)?),
        Reply::Accepted { .. } | Reply::NoContent => println!("done"),
    }
    Ok(())
}

fn parse(config: &str) -> anyhow::Result<Value> {
    serde_json::from_str(config).map_err(|e| anyhow::anyhow!("--json is not JSON: {e}"))
}

/// A call as the controller would make it for the instance (the only one, or the one named).
async fn call_as_instance(
    app: &std::sync::Arc<App>,
    instance: Option<String>,
) -> anyhow::Result<Call> {
    let mut all = app.store.instances().await?;
    let row = match instance {
        Some(id) => all
            .into_iter()
            .find(|i| i.id == id)
            .ok_or_else(|| anyhow::anyhow!("instance {id} is not installed"))?,
        None if all.len() == 1 => all.remove(0),
        None => anyhow::bail!(
            "{} instances are installed; name one with --instance",
            all.len()
        ),
    };
    let ctx = RequestContext {
        instance_id: row.id.clone(),
        controller_uri: row.controller_uri.clone(),
        transaction_id: None,
        phase: aps::headers::RequestPhase::Sync,
        identity_id: None,
        aps_version: None,
    };
    Ok(Call {
        app: app.clone(),
        ctx,
        instance: Some(row),
        peer_certificate: None,
    })
}

/// Runs the jobs that are due now (the command's own among them) until none is left.
async fn run_jobs(app: &std::sync::Arc<App>) -> anyhow::Result<()> {
    let registry = crate::jobs::registry(app);
    let worker = format!("oxaps-cli-{}", std::process::id());
    while app.queue.run_once(&registry, &worker).await?.is_some() {}
    Ok(())
}
