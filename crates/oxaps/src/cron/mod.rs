//! Periodic work: the five `crontask`s of an instance's `cron` (usage sync, retry of failed jobs,
//! reconciliation, DNS check, expiry of purchase requests).
//!
//! A run is a durable job of kind [`run::KIND`] keyed `<instance>/<crontask>/run/<slot>`, where
//! `slot = floor(unix_ms / period_ms)`. The controller's periodic task manager (through the
//! crontask's `run` operation), every node's own [`scheduler`] and `oxaps cron run` only enqueue
//! that key: the queue's unique key makes one job per slot, its leases make one run of it.

pub mod install;
pub mod merge;
pub mod periodic;
pub mod push;
pub mod repair;
pub mod run;
pub mod scheduler;
pub mod tasks;

use std::sync::Arc;

use oxaps_jobs::{Enqueued, NewJob};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::App;
use crate::store::ResourceRow;

/// The tasks every `cron` has, in the order they are created.
pub const TASKS: &[&str] = &[
    "usage-sync",
    "retry-failed",
    "reconcile",
    "dns-check",
    "expire-requests",
];

/// Settings of the periodic work (`[cron]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CronConfig {
    /// Run this node's own scheduler (`oxaps serve`); the controller's periodic task manager
    /// and `oxaps cron run` work either way.
    pub enabled: bool,
    /// How often the scheduler looks for due tasks, seconds.
    pub tick_secs: u64,
    /// Pending purchase requests older than this many days expire.
    pub request_ttl_days: u64,
    /// Create the instance's `cron` (and so register its periodic tasks with the controller)
    /// right after the instance is installed.
    pub create_at_install: bool,
}

impl Default for CronConfig {
    fn default() -> Self {
        CronConfig {
            enabled: true,
            tick_secs: 30,
            request_ttl_days: 14,
            create_at_install: true,
        }
    }
}

/// Who asked for a run (stored as the crontask's `lastRunBy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunBy {
    /// The controller's periodic task manager (the `run` operation).
    Controller,
    /// A node's own scheduler.
    Scheduler,
    /// `oxaps cron run`.
    Cli,
}

impl RunBy {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunBy::Controller => "controller",
            RunBy::Scheduler => "scheduler",
            RunBy::Cli => "cli",
        }
    }
}

/// A crontask's period in milliseconds (`periodMinutes`, default 30).
pub fn period_ms(crontask: &Value) -> i64 {
    let minutes = crontask
        .get("periodMinutes")
        .and_then(Value::as_i64)
        .filter(|m| *m > 0)
        .unwrap_or(30);
    minutes * 60_000
}

/// The slot of `now_ms` for a period: every run of one slot is the same run.
pub fn slot(now_ms: i64, period_ms: i64) -> i64 {
    now_ms.div_euclid(period_ms.max(1))
}

/// The dedup key of a crontask's run in a slot.
pub fn run_key(instance_id: &str, crontask_id: &str, slot: i64) -> String {
    format!("{instance_id}/{crontask_id}/run/{slot}")
}

/// Enqueues the run of `crontask` for the slot of `now_ms` (a repeat finds the same job).
pub async fn enqueue_run(
    app: &Arc<App>,
    crontask: &ResourceRow,
    now_ms: i64,
    by: RunBy,
) -> Result<(String, Enqueued), String> {
    let task = crontask
        .body
        .get("task")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let slot = slot(now_ms, period_ms(&crontask.body));
    let key = run_key(&crontask.instance_id, &crontask.id, slot);
    let job = NewJob::new(
        run::KIND,
        key.clone(),
        json!({"task": task, "slot": slot, "by": by.as_str()}),
    )
    .instance(&crontask.instance_id)
    .resource(&crontask.id)
    .max_attempts(3);
    let mut conn = app
        .store
        .pool()
        .acquire()
        .await
        .map_err(|e| e.to_string())?;
    let enqueued = app
        .queue
        .enqueue(&mut conn, job)
        .await
        .map_err(|e| e.to_string())?;
    drop(conn);
    if enqueued.created {
        app.queue.notify_enqueued();
    }
    Ok((key, enqueued))
}

/// The crontasks of an instance whose cron is enabled.
pub async fn enabled_tasks(app: &App, instance_id: &str) -> Result<Vec<ResourceRow>, String> {
    let crons = app
        .store
        .resources_of(instance_id, "cron")
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for cron in crons {
        if cron.body.get("enabled").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        out.extend(
            app.store
                .children(instance_id, &cron.id, Some("crontask"))
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    Ok(out)
}

/// Registers the job kinds of the periodic work.
pub fn register(registry: &mut oxaps_jobs::Registry, app: &Arc<App>) {
    registry.register(run::Handler::new(app.clone()));
    registry.register(repair::Handler::new(app.clone()));
    registry.register(install::Handler::new(app.clone()));
    registry.register(push::Handler::new(app.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_slot_per_period() {
        let p = period_ms(&json!({"periodMinutes": 30}));
        assert_eq!(p, 1_800_000);
        assert_eq!(slot(1_800_000 * 5 + 1, p), slot(1_800_000 * 6 - 1, p));
        assert_ne!(slot(1_800_000 * 6, p), slot(1_800_000 * 6 - 1, p));
        assert_eq!(period_ms(&json!({})), 1_800_000);
        assert_eq!(run_key("i", "t", 7), "i/t/run/7");
    }
}
