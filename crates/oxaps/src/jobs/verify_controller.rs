//! After installation, call the controller back once with the instance certificate: proves the
//! identity the controller issued works and that `APS-Controller-URI` is reachable from here, and
//! records the outcome on the instance (`oxaps instances` shows it).

use std::sync::Arc;

use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use crate::app::App;

/// The job kind.
pub const KIND: &str = "instance.verify-controller";

/// The job for an instance, keyed so a repeated installation makes no second job.
pub fn job(instance_id: &str) -> NewJob {
    NewJob::new(
        KIND,
        format!("{instance_id}/{instance_id}/verify-controller"),
        json!({"instance_id": instance_id}),
    )
    .instance(instance_id)
    .resource(instance_id)
    .max_attempts(8)
}

/// The [`KIND`] job kind.
pub struct VerifyController;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<VerifyController>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for VerifyController {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let Some(instance) = crate::jobs::payload_instance(&app, job).await? else {
            return Ok(crate::jobs::instance_gone());
        };
        let id = instance.id.as_str();
        let client = app.controller(&instance).map_err(JobError::permanent)?;
        let outcome = client.get_resource(id).await;
        match outcome {
            Ok(resource) => {
                let note = format!(
                    "ok: controller returned {}",
                    resource
                        .aps
                        .type_id
                        .as_deref()
                        .unwrap_or("the instance resource")
                );
                app.store
                    .set_controller_check(id, &note)
                    .await
                    .map_err(JobError::transient)?;
                Ok(Some(
                    json!({"controller": client.base_url(), "status": "ok"}),
                ))
            }
            Err(e) => {
                app.store
                    .set_controller_check(id, &format!("failed: {e}"))
                    .await
                    .map_err(JobError::transient)?;
                if e.is_transient() {
                    Err(JobError::transient(e))
                } else {
                    Err(JobError::permanent(e))
                }
            }
        }
    }
}
