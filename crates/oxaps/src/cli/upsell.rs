//! `oxaps upsell url <login>`: prints a user's upsell URL, for operators who configure OX's
//! `plugins/upsell/simple-wizard//url` themselves (see docs/upsell.md).

use anyhow::{Context, bail};
use clap::Subcommand;
use serde_json::Value;

use crate::app::App;
use crate::config::Config;
use crate::secrets::SecretBox;
use crate::services::Registry;
use crate::store::Store;
use crate::upsell::{attribute, token};

/// `oxaps upsell ...`.
#[derive(Debug, Subcommand)]
pub enum UpsellCommand {
    /// Print the upsell URL (with its signed token) of an OX user.
    Url {
        /// The user's login.
        login: String,
        /// Public base URL of this endpoint (scheme, host, port), when the globals have no
        /// `upsellBaseUrl`.
        #[arg(long)]
        public_url: Option<String>,
        /// The application instance (needed when several hold the login).
        #[arg(long)]
        instance: Option<String>,
    },
}

/// Runs an `upsell` command.
pub async fn run(config: Config, cmd: UpsellCommand) -> anyhow::Result<()> {
    let UpsellCommand::Url {
        login,
        public_url,
        instance,
    } = cmd;
    let login = login.trim().to_ascii_lowercase();
    let secrets = SecretBox::load_or_create(config.secret_key.as_deref(), &config.data_dir)?;
    let store = Store::open(&config.database_url).await?;
    let app = App::new(config, store, secrets, Registry::standard()).map_err(anyhow::Error::msg)?;
    let mut found = Vec::new();
    for i in app.store.instances().await? {
        if instance.as_deref().is_some_and(|want| want != i.id) {
            continue;
        }
        if let Some(user) = app.store.by_natural_key(&i.id, "user", &login).await? {
            found.push((i.id, user));
        }
    }
    let (instance_id, user) = match found.len() {
        0 => bail!("no user {login} in any installed instance"),
        1 => found.remove(0),
        _ => bail!("several instances hold {login}; name one with --instance"),
    };
    let tenant_id = user
        .body
        .pointer("/tenant/aps/id")
        .and_then(Value::as_str)
        .context("the user has no tenant")?;
    let context = app
        .store
        .resource(&instance_id, tenant_id)
        .await?
        .and_then(|t| t.body.get("contextId").and_then(Value::as_i64))
        .context("the user's tenant has no OX context yet")?;
    let public = match public_url {
        Some(p) => p,
        None => attribute::public_url(&app, &instance_id)
            .await
            .map_err(anyhow::Error::msg)?
            .context("the globals have no upsellBaseUrl; pass --public-url")?,
    };
    let master = token::master_key(&app.secrets);
    let t = token::sign(
        &master,
        &token::Claims {
            instance: instance_id,
            context,
            login,
            user: user.id,
        },
    );
    println!("{}", attribute::user_url(&public, &app.base_path, &t));
    Ok(())
}
