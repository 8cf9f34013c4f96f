//! `oxaps cron run`: queues the due periodic tasks (or the named one) now and runs the queue
//! until they are done, for operators who prefer their crontab. It enqueues the same
//! slot-keyed job as the scheduler and the controller, so a slot still runs once.

use std::time::Duration;

use clap::Subcommand;
use oxaps_jobs::JobStatus;
use serde_json::{Value, json};

use crate::app::App;
use crate::config::Config;
use crate::cron::{self, RunBy};
use crate::secrets::SecretBox;
use crate::services::Registry;
use crate::store::Store;

/// `oxaps cron ...`.
#[derive(Debug, Subcommand)]
pub enum CronCommand {
    /// Run the due periodic tasks now and print their results.
    Run {
        /// Only this instance.
        #[arg(long)]
        instance: Option<String>,
        /// Only this task (usage-sync, retry-failed, reconcile, dns-check, expire-requests).
        #[arg(long)]
        task: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Runs an `oxaps cron` command.
pub async fn run(config: Config, cmd: CronCommand) -> anyhow::Result<()> {
    let CronCommand::Run {
        instance,
        task,
        json: as_json,
    } = cmd;
    let secrets = SecretBox::load_or_create(config.secret_key.as_deref(), &config.data_dir)?;
    let store = Store::open(&config.database_url).await?;
    let app = App::new(config, store, secrets, Registry::standard()).map_err(anyhow::Error::msg)?;
    let now = app.queue.now_ms();
    let mut keys = Vec::new();
    for inst in app.store.instances().await? {
        if instance.as_deref().is_some_and(|i| i != inst.id) {
            continue;
        }
        for row in cron::enabled_tasks(&app, &inst.id)
            .await
            .map_err(anyhow::Error::msg)?
        {
            let name = row.body.get("task").and_then(Value::as_str).unwrap_or("");
            if task.as_deref().is_some_and(|t| t != name) {
                continue;
            }
            let (key, _) = cron::enqueue_run(&app, &row, now, RunBy::Cli)
                .await
                .map_err(anyhow::Error::msg)?;
            keys.push((inst.id.clone(), row.id.clone(), name.to_owned(), key));
        }
    }
    let registry = crate::jobs::registry(&app);
    let worker = format!("oxaps-cli-{}", std::process::id());
    let mut results = Vec::new();
    for (instance_id, crontask_id, name, key) in keys {
        let job = loop {
            let job = app
                .queue
                .find_by_key(&key)
                .await?
                .ok_or_else(|| anyhow::anyhow!("job {key} vanished"))?;
            if job.status.is_terminal() {
                break job;
            }
            // Run what is due here; a job another node holds is awaited.
            if app.queue.run_once(&registry, &worker).await?.is_none() {
                app.queue.wait_for(job.id, Duration::from_secs(1)).await?;
            }
        };
        let result = job.result.clone().unwrap_or(Value::Null);
        results.push(json!({
            "instance": instance_id,
            "crontask": crontask_id,
            "task": name,
            "job": key,
            "status": job.status.as_str(),
            "result": result.get("result").cloned().unwrap_or_else(|| json!(if job.status == JobStatus::Dead { "failed" } else { "" })),
            "durationMs": result.get("durationMs").cloned().unwrap_or(Value::Null),
            "report": result.get("report").cloned().unwrap_or(Value::Null),
            "error": result.get("error").cloned().filter(|e| !e.is_null()).or_else(|| job.last_error.clone().map(Value::from)).unwrap_or(Value::Null),
        }));
    }
    if as_json {
        println!("{}", serde_json::to_string_pretty(&results)?);
        return Ok(());
    }
    if results.is_empty() {
        println!("no periodic tasks (no instance has an enabled cron)");
        return Ok(());
    }
    println!("{:<16} {:<8} {:>8}  REPORT", "TASK", "RESULT", "MS");
    for r in &results {
        let text = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
        let report = text("report");
        let first = report.lines().next().unwrap_or_default();
        let error = text("error");
        println!(
            "{:<16} {:<8} {:>8}  {first}{}",
            text("task"),
            text("result"),
            r["durationMs"].as_i64().unwrap_or(0),
            if error.is_empty() {
                String::new()
            } else {
                format!(" ({error})")
            }
        );
    }
    Ok(())
}
