//! The `cron.repair` job: runs a resource's model `create` again (create-or-adopt), for drift the
//! reconciliation found (an OX object deleted behind oxaps's back, rights that differ). Keyed
//! `<instance>/<resource>/repair/<slot>`, so one reconciliation run repairs a resource once.
//!
//! The repair claims the resource (`ready` → `provisioning`, compare-and-set on its revision) and
//! skips it when anything wrote in between; it saves only what the model changed onto the current
//! row, keeping the status of a configure or removal that came in meanwhile; after a failure the
//! resource is `ready` again (a permanent failure is notified).

use std::sync::Arc;

use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use super::merge::{Write, update_row};
use super::tasks::TaskCx;
use crate::app::App;
use crate::jobs::notify::{self, Notice};
use crate::model::JobCx;
use crate::model::job::save_changes;
use crate::store::{ResourceRow, ResourceStatus, Store};

/// The job kind.
pub const KIND: &str = "cron.repair";

/// Enqueues the repair of `row` for the run's slot.
pub async fn enqueue(cx: &TaskCx, row: &ResourceRow) -> Result<(), JobError> {
    let job = NewJob::new(
        KIND,
        format!("{}/{}/repair/{}", cx.instance.id, row.id, cx.slot),
        json!({"service": row.service}),
    )
    .instance(&cx.instance.id)
    .resource(&row.id)
    .max_attempts(6);
    let mut conn = cx
        .app
        .store
        .pool()
        .acquire()
        .await
        .map_err(JobError::transient)?;
    let enqueued = cx
        .app
        .queue
        .enqueue(&mut conn, job)
        .await
        .map_err(JobError::transient)?;
    if enqueued.created {
        cx.app.queue.notify_enqueued();
    }
    Ok(())
}

/// The [`KIND`] job kind.
pub struct CronRepair;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<CronRepair>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for CronRepair {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let service = job
            .payload
            .get("service")
            .and_then(Value::as_str)
            .ok_or_else(|| JobError::permanent("payload has no service"))?;
        let (Some(instance_id), Some(resource_id)) = (&job.instance_id, &job.resource_id) else {
            return Err(JobError::permanent("job has no instance or resource"));
        };
        let model = app
            .services
            .model(service)
            .cloned()
            .ok_or_else(|| JobError::permanent(format!("no model for service {service}")))?;
        let Some(instance) = app
            .store
            .instance(instance_id)
            .await
            .map_err(JobError::transient)?
        else {
            return Ok(Some(json!({"skipped": "instance removed"})));
        };
        let cx = JobCx {
            app: app.clone(),
            instance,
            resource_id: resource_id.clone(),
            def: model.type_def().clone(),
        };
        let Some((row, body)) = cx.resource(resource_id, model.type_def()).await? else {
            return Ok(Some(json!({"skipped": "resource removed"})));
        };
        if row.status != ResourceStatus::Ready {
            // A provisioning, configure or removal is under way: it owns the resource now.
            return Ok(Some(json!({"skipped": row.status.as_str()})));
        }
        // Claim: `provisioning`, only if nobody wrote since the read (a configure or removal
        // that lands later sees the claim, and the repair's save keeps their status).
        let claimed = {
            let mut conn = app
                .store
                .pool()
                .acquire()
                .await
                .map_err(JobError::transient)?;
            Store::update_resource_at(&mut conn, &row, ResourceStatus::Provisioning, &row.body)
                .await
                .map_err(JobError::transient)?
        };
        if !claimed {
            return Ok(Some(json!({"skipped": "the resource changed meanwhile"})));
        }
        match model.create(&cx, body.clone()).await {
            Ok(repaired) => {
                let status = current_status(&cx).await?;
                let status = match status {
                    Some(ResourceStatus::Provisioning) => ResourceStatus::Ready,
                    Some(other) => other,
                    None => return Ok(Some(json!({"skipped": "resource removed"}))),
                };
                save_changes(&cx, status, &body, &repaired).await?;
                Ok(Some(json!({"repaired": resource_id})))
            }
            Err(e) => {
                // Give the resource back (as checkpointed); a permanent failure is reported.
                let notice = match &e {
                    JobError::Permanent(reason) => Some(
                        Notice::needs_attention("Repairing __resource__ failed: __error__")
                            .key("resource", resource_id.clone())
                            .key("error", reason.clone())
                            .about(resource_id.clone()),
                    ),
                    _ => None,
                };
                release(&cx, &job.dedup_key, notice).await?;
                Err(e)
            }
        }
    }
}

/// The resource's status now (`None` once removed).
async fn current_status(cx: &JobCx) -> Result<Option<ResourceStatus>, JobError> {
    Ok(cx
        .app
        .store
        .resource(&cx.instance.id, &cx.resource_id)
        .await
        .map_err(JobError::transient)?
        .map(|r| r.status))
}

/// After a failed repair: back to `ready` while the repair still holds the resource, with the
/// failure's notification (if any) in the same transaction.
async fn release(cx: &JobCx, key: &str, notice: Option<Notice>) -> Result<(), JobError> {
    let instance = &cx.instance.id;
    update_row(&cx.app, instance, &cx.resource_id, |row| {
        if row.status != ResourceStatus::Provisioning {
            return Ok(None);
        }
        let mut write = Write {
            status: ResourceStatus::Ready,
            body: row.body.clone(),
            jobs: Vec::new(),
        };
        if let Some(n) = &notice {
            write = write.with_job(notify::job(instance, &format!("{key}/failed"), n));
        }
        Ok(Some(write))
    })
    .await?;
    Ok(())
}
