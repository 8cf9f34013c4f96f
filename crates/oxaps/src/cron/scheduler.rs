//! The node's own scheduler: every `cron.tick_secs` it enqueues the current slot's run of every
//! crontask of every installed instance whose cron is enabled. Every node does this; the slot key
//! makes it one job, whoever comes first (the controller's delivery included).

use std::sync::Arc;
use std::time::Duration;

use super::RunBy;
use crate::app::App;

/// Enqueues the due runs of every instance now; returns the keys of the jobs it created.
pub async fn tick(app: &Arc<App>, by: RunBy) -> Result<Vec<String>, String> {
    let now = app.queue.now_ms();
    let mut created = Vec::new();
    for instance in app.store.instances().await.map_err(|e| e.to_string())? {
        for task in super::enabled_tasks(app, &instance.id).await? {
            let (key, enqueued) = super::enqueue_run(app, &task, now, by).await?;
            if enqueued.created {
                created.push(key);
            }
        }
    }
    Ok(created)
}

/// Runs [`tick`] every `cron.tick_secs` until `shutdown`; does nothing when `cron.enabled` is off.
pub async fn run(app: Arc<App>, shutdown: impl std::future::Future<Output = ()>) {
    if !app.config.cron.enabled {
        return;
    }
    let mut every = tokio::time::interval(Duration::from_secs(app.config.cron.tick_secs.max(1)));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = every.tick() => match tick(&app, RunBy::Scheduler).await {
                Ok(created) if !created.is_empty() => {
                    tracing::info!(runs = created.len(), "periodic tasks due")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "periodic task scheduler"),
            },
            _ = &mut shutdown => return,
        }
    }
}
