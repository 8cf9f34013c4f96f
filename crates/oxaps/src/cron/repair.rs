//! The `cron.repair` job: runs a resource's model `create` again (create-or-adopt), for drift the
//! reconciliation found (an OX object deleted behind oxaps's back, rights that differ). Keyed
//! `<instance>/<resource>/repair/<slot>`, so one reconciliation run repairs a resource once.

use std::sync::Arc;

use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use super::tasks::TaskCx;
use crate::app::App;
use crate::model::JobCx;
use crate::store::{ResourceRow, ResourceStatus};

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
        let repaired = model.create(&cx, body).await?;
        cx.store(ResourceStatus::Ready, &repaired).await?;
        Ok(Some(json!({"repaired": resource_id})))
    }
}
