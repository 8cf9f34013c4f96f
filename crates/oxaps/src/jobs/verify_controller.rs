//! After installation, call the controller back once with the instance certificate: proves the
//! identity the controller issued works and that `APS-Controller-URI` is reachable from here, and
//! records the outcome on the instance (`oxaps instances` shows it).

use std::sync::{Arc, Weak};

use futures::future::BoxFuture;
use oxaps_jobs::{Job, JobError, JobHandler, NewJob};
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

/// Runs [`KIND`] jobs.
pub struct Handler {
    app: Weak<App>,
}

impl Handler {
    /// A handler over the application (held weakly: the app owns the workers).
    pub fn new(app: Arc<App>) -> Self {
        Handler {
            app: Arc::downgrade(&app),
        }
    }

    async fn verify(&self, job: &Job) -> Result<Option<Value>, JobError> {
        let app = self
            .app
            .upgrade()
            .ok_or_else(|| JobError::transient("application is shutting down"))?;
        let id = job
            .payload
            .get("instance_id")
            .and_then(Value::as_str)
            .ok_or_else(|| JobError::permanent("payload has no instance_id"))?;
        let Some(instance) = app.store.instance(id).await.map_err(JobError::transient)? else {
            return Ok(Some(json!({"skipped": "instance no longer installed"})));
        };
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

impl JobHandler for Handler {
    fn kind(&self) -> &'static str {
        KIND
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<Option<Value>, JobError>> {
        Box::pin(self.verify(job))
    }
}
