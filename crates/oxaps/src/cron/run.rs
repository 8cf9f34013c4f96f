//! The `cron.run` job: one run of one crontask in one slot. Runs the task, records the outcome
//! on the crontask (`lastRunAt`, `lastDurationMs`, `lastResult`, `lastError`, `lastReport`,
//! `lastRunBy`), pushes it to the controller and notifies the provider when the run failed.

use std::sync::Arc;
use std::time::Instant;

use oxaps_jobs::{Job, JobError};
use serde_json::{Value, json};

use super::merge::{Write, update_row};
use super::tasks::{self, Outcome, TaskCx};
use crate::app::App;
use crate::jobs::notify::{self, Notice};

/// The job kind.
pub const KIND: &str = "cron.run";

/// The [`KIND`] job kind.
pub struct CronRun;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<CronRun>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for CronRun {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let (Some(instance_id), Some(crontask_id)) = (&job.instance_id, &job.resource_id) else {
            return Err(JobError::permanent("job has no instance or crontask"));
        };
        let Some(instance) = app
            .store
            .instance(instance_id)
            .await
            .map_err(JobError::transient)?
        else {
            return Ok(Some(json!({"skipped": "instance removed"})));
        };
        let task = job
            .payload
            .get("task")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let slot = job.payload.get("slot").and_then(Value::as_i64).unwrap_or(0);
        let by = job
            .payload
            .get("by")
            .and_then(Value::as_str)
            .unwrap_or("scheduler")
            .to_owned();
        if by != "cli" && cron_disabled(&app, instance_id, crontask_id).await? {
            return Ok(Some(json!({"skipped": "the cron is disabled"})));
        }
        let cx = TaskCx {
            app: app.clone(),
            instance,
            crontask_id: crontask_id.clone(),
            slot,
        };
        let started = Instant::now();
        let outcome = match tasks::run(&cx, &task).await {
            Ok(o) => o,
            Err(e) => Outcome::failed(e),
        };
        let elapsed = started.elapsed();
        metrics::counter!("oxaps_cron_runs_total", "task" => task.clone(), "result" => outcome.result.as_str())
            .increment(1);
        metrics::histogram!("oxaps_cron_run_duration_seconds", "task" => task.clone())
            .record(elapsed.as_secs_f64());
        let duration_ms = i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
        record(&cx, &task, &by, duration_ms, &outcome).await?;
        Ok(Some(json!({
            "task": task,
            "result": outcome.result.as_str(),
            "report": outcome.report,
            "error": outcome.error,
            "durationMs": duration_ms,
        })))
    }
}

/// Whether the crontask's cron is switched off (`enabled` false): then only the CLI runs it.
async fn cron_disabled(app: &App, instance_id: &str, crontask_id: &str) -> Result<bool, JobError> {
    let store = &app.store;
    let Some(task) = store
        .resource(instance_id, crontask_id)
        .await
        .map_err(JobError::transient)?
    else {
        return Ok(false);
    };
    let Some(cron) = task.parent_id else {
        return Ok(false);
    };
    Ok(store
        .resource(instance_id, &cron)
        .await
        .map_err(JobError::transient)?
        .is_some_and(|c| c.body.get("enabled").and_then(Value::as_bool) == Some(false)))
}

/// Stores the run on the crontask, pushes it to the controller and notifies a failure (once per
/// slot: the notification's key names it).
async fn record(
    cx: &TaskCx,
    task: &str,
    by: &str,
    duration_ms: i64,
    outcome: &Outcome,
) -> Result<(), JobError> {
    let last = json!({
        "lastRunAt": crate::model::purchase_request::now(),
        "lastDurationMs": duration_ms,
        "lastResult": outcome.result.as_str(),
        "lastError": outcome.error.clone().unwrap_or_default(),
        "lastReport": outcome.report,
        "lastRunBy": by,
    });
    let notify_failure = outcome.result == tasks::RunResult::Failed
        || (outcome.result == tasks::RunResult::Partial && !outcome.notified);
    let app = &cx.app;
    // The run's fields onto the crontask as it is now (a configure may have landed meanwhile),
    // with the failure's notification in the same transaction.
    let written = update_row(app, &cx.instance.id, &cx.crontask_id, |row| {
        let mut body = row.body.clone();
        if let (Some(b), Some(l)) = (body.as_object_mut(), last.as_object()) {
            b.extend(l.clone());
        }
        let mut write = Write::body(row, body);
        if notify_failure {
            let notice =
                Notice::needs_attention("Periodic task __task__ did not succeed: __error__")
                    .key("task", task)
                    .key("error", outcome.error.clone().unwrap_or_default())
                    .details(outcome.report.clone())
                    .about(cx.crontask_id.clone());
            let event = format!("{}/run/{}/failed", cx.crontask_id, cx.slot);
            write = write.with_job(notify::job(&cx.instance.id, &event, &notice));
        }
        Ok(Some(write))
    })
    .await?;
    if written.is_none() {
        return Ok(());
    }
    cx.push("crontask", &cx.crontask_id, &last).await;
    Ok(())
}
