//! The `cron.install` job: right after an instance is installed, create its `cron` through the
//! controller (`POST /aps/2/resources` linked to the globals), so the periodic tasks are
//! registered without the provider creating anything by hand. The controller provisions the cron
//! back to this endpoint, whose create job makes the crontasks and registers them.
//!
//! Idempotent: the job looks in its own store and asks the controller before creating, and the
//! cron model admits one cron per instance, so a retry after a lost answer creates nothing twice.
//! Off with `cron.create_at_install = false` (the provider then creates the cron itself).

use std::sync::Arc;

use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};

use crate::app::App;
use crate::model::cron::controller_failure;

/// The job kind.
pub const KIND: &str = "cron.install";

/// The job for a freshly installed instance.
pub fn job(instance_id: &str) -> NewJob {
    NewJob::new(
        KIND,
        format!("{instance_id}/{instance_id}/cron-install"),
        json!({"instance_id": instance_id}),
    )
    .instance(instance_id)
    .resource(instance_id)
    .max_attempts(10)
}

/// The [`KIND`] job kind.
pub struct CronInstall;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<CronInstall>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for CronInstall {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let Some(instance) = crate::jobs::payload_instance(&app, job).await? else {
            return Ok(crate::jobs::instance_gone());
        };
        let id = instance.id.as_str();
        let stored = app
            .store
            .by_natural_key(id, "cron", "cron")
            .await
            .map_err(JobError::transient)?;
        if let Some(row) = stored {
            return Ok(Some(json!({"cron": row.id, "created": false})));
        }
        let client = app.controller(&instance).map_err(JobError::permanent)?;
        let cron_type = crate::types::type_id("cron");
        let existing = client
            .query(&aps::rql::implementing(cron_type.as_str()))
            .await
            .map_err(|e| controller_failure("looking for the cron", e))?;
        if let Some(cron) = existing.first() {
            return Ok(Some(json!({"cron": cron.id(), "created": false})));
        }
        let created = client
            .create_resource(&json!({
                "aps": {"type": cron_type},
                "enabled": true,
                "globals": {"aps": {"id": id}},
            }))
            .await
            .map_err(|e| controller_failure("creating the cron", e))?;
        tracing::info!(instance_id = id, cron = ?created.id(), "periodic tasks set up at install");
        Ok(Some(json!({"cron": created.id(), "created": true})))
    }
}
