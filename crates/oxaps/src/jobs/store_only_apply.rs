//! The job behind an asynchronous store-only provisioning: marks the resource ready, or fails
//! permanently with the text the request asked for.

use std::sync::Arc;

use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use crate::app::App;
use crate::store::{ResourceStatus, Store};

/// The job kind.
pub const KIND: &str = "store-only.apply";

/// The dedup key of the provisioning job of a resource.
pub fn key(instance_id: &str, resource_id: &str) -> String {
    format!("{instance_id}/{resource_id}/provision")
}

/// The job.
pub fn job(instance_id: &str, resource_id: &str, fail_with: Option<String>) -> NewJob {
    NewJob::new(
        KIND,
        key(instance_id, resource_id),
        json!({"instance_id": instance_id, "resource_id": resource_id, "fail_with": fail_with}),
    )
    .instance(instance_id)
    .resource(resource_id)
}

/// The [`KIND`] job kind.
pub struct StoreOnlyApply;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<StoreOnlyApply>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for StoreOnlyApply {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let field = |name: &str| {
            job.payload
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        if let Some(reason) = field("fail_with") {
            return Err(JobError::permanent(reason));
        }
        let (Some(instance), Some(resource)) = (field("instance_id"), field("resource_id")) else {
            return Err(JobError::permanent(
                "payload lacks instance_id or resource_id",
            ));
        };
        let mut conn = app
            .store
            .pool()
            .acquire()
            .await
            .map_err(JobError::transient)?;
        Store::set_resource_status(&mut conn, &instance, &resource, ResourceStatus::Ready)
            .await
            .map_err(JobError::transient)?;
        Ok(None)
    }
}
