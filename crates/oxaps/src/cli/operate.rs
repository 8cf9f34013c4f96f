//! Operator commands that work on the database directly: migrate, instances, jobs.

use clap::Subcommand;
use oxaps_jobs::{JobStatus, ListFilter, Queue};

use crate::config::Config;
use crate::store::{Store, redact_url};

/// `oxaps jobs ...`.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs, newest first.
    List {
        /// Only jobs in this status: pending, running, succeeded, dead.
        #[arg(long)]
        status: Option<String>,
        /// Only jobs of this instance.
        #[arg(long)]
        instance: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Counts per status and the age of the oldest ready job.
    Stats,
    /// Move a dead job back to pending.
    Retry {
        /// The job id.
        id: uuid::Uuid,
    },
}

/// `oxaps migrate`.
pub async fn migrate(config: Config) -> anyhow::Result<()> {
    Store::open(&config.database_url).await?;
    println!(
        "database {} is up to date",
        redact_url(&config.database_url)
    );
    Ok(())
}

/// `oxaps config`.
pub fn show_config(config: &Config) -> anyhow::Result<()> {
    let mut shown = config.clone();
    shown.database_url = redact_url(&shown.database_url);
    if shown.secret_key.is_some() {
        shown.secret_key = Some("<hidden>".into());
    }
    println!("{}", toml::to_string_pretty(&shown)?);
    Ok(())
}

/// `oxaps instances`.
pub async fn instances(config: Config) -> anyhow::Result<()> {
    let store = Store::open(&config.database_url).await?;
    let rows = store.instances().await?;
    if rows.is_empty() {
        println!("no application instances installed");
    }
    for i in rows {
        let fp = aps::pem::first_cert_fingerprint(&i.controller_cert_pem).unwrap_or_default();
        println!(
            "{}  controller={}  controller-cert-sha256={}  check={}",
            i.id,
            i.controller_uri,
            fp,
            i.controller_check.as_deref().unwrap_or("pending")
        );
    }
    Ok(())
}

/// `oxaps jobs ...`.
pub async fn jobs(config: Config, cmd: JobsCommand) -> anyhow::Result<()> {
    let store = Store::open(&config.database_url).await?;
    let queue = Queue::new(store.pool().clone())?;
    match cmd {
        JobsCommand::List {
            status,
            instance,
            limit,
        } => {
            let status = status
                .map(|s| s.parse::<JobStatus>())
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let filter = ListFilter {
                status,
                instance_id: instance,
                limit: Some(limit),
                ..ListFilter::default()
            };
            for job in queue.list(&filter).await? {
                println!(
                    "{}  {:<9} {:<32} attempts={}/{}  key={}  {}",
                    job.id,
                    job.status,
                    job.kind,
                    job.attempts,
                    job.max_attempts,
                    job.dedup_key,
                    job.last_error.as_deref().unwrap_or("")
                );
            }
        }
        JobsCommand::Stats => println!("{}", serde_json::to_string_pretty(&queue.stats().await?)?),
        JobsCommand::Retry { id } => {
            if queue.retry(id).await? {
                println!("job {id} is pending again");
            } else {
                anyhow::bail!("job {id} is not a dead job");
            }
        }
    }
    Ok(())
}
