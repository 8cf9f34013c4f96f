//! The `cron.push` job: sends properties a periodic task changed on this application's own
//! resource to the controller (`update_own`). Enqueued in the transaction that stores the change,
//! so the controller gets it even when it is unreachable at that moment (the queue retries).

use std::sync::Arc;

use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use crate::app::App;
use crate::model::cron::controller_failure;

/// The job kind.
pub const KIND: &str = "cron.push";

/// The job pushing `props` of `service` resource `id`; `what` names the change in the key, so
/// enqueuing the same change again finds the same job.
pub fn job(instance_id: &str, service: &str, id: &str, what: &str, props: Value) -> NewJob {
    NewJob::new(
        KIND,
        format!("{instance_id}/{id}/push/{what}"),
        json!({"instance_id": instance_id, "service": service, "props": props}),
    )
    .instance(instance_id)
    .resource(id)
    .max_attempts(10)
}

/// The [`KIND`] job kind.
pub struct CronPush;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<CronPush>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for CronPush {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let Some(instance) = crate::jobs::payload_instance(&app, job).await? else {
            return Ok(crate::jobs::instance_gone());
        };
        let Some(id) = &job.resource_id else {
            return Err(JobError::permanent("job has no resource"));
        };
        let service = job
            .payload
            .get("service")
            .and_then(Value::as_str)
            .ok_or_else(|| JobError::permanent("payload has no service"))?;
        let props = job.payload.get("props").cloned().unwrap_or(json!({}));
        let client = app.controller(&instance).map_err(JobError::permanent)?;
        client
            .update_own(&instance.id, service, id, &props)
            .await
            .map_err(|e| controller_failure("pushing to the controller", e))?;
        Ok(Some(json!({"pushed": id})))
    }
}
