//! `cron`: the instance's periodic work (one per instance). Its create job makes the five
//! `crontask`s through the controller (create-and-link `POST /aps/2/resources/<cron>/tasks`, so
//! they exist in the panel and the controller calls back `POST crontask`, which [`task`] admits
//! and stores) and registers one periodic task per crontask with the controller's periodic task
//! manager. Both steps look first and adopt what exists, so a retry creates nothing twice. Its
//! removal unregisters the periodic tasks.
//!
//! Create-and-link rather than `register_own`: the crontasks are then ordinary resources of the
//! package, provisioned through this endpoint like every other, with the `tasks` relation set by
//! the controller itself.

pub mod task;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::{Admitted, JobCx, Model};
use crate::cron::{RunBy, TASKS, periodic};
use crate::services::{Call, OperationInput, Reply, internal};

pub use task::Crontask;

/// The cron model.
pub struct Cron {
    def: TypeDef,
}

impl Default for Cron {
    fn default() -> Self {
        Cron {
            def: crate::types::of("cron")
                .unwrap_or_else(|| TypeDef::new("cron", &crate::types::type_id("cron"))),
        }
    }
}

/// A controller failure as a job error.
pub fn controller_failure(what: &str, e: aps::controller::ControllerError) -> JobError {
    if e.is_transient() {
        JobError::transient(format!("{what}: {e}"))
    } else {
        JobError::permanent(format!("{what}: {e}"))
    }
}

/// The stored crontasks of a cron, as `(id, body)`.
async fn crontasks(cx: &JobCx, cron_id: &str) -> Result<Vec<(String, Value)>, JobError> {
    Ok(cx
        .app
        .store
        .children(&cx.instance.id, cron_id, Some("crontask"))
        .await
        .map_err(JobError::transient)?
        .into_iter()
        .map(|r| (r.id, r.body))
        .collect())
}

#[async_trait]
impl Model for Cron {
    fn service(&self) -> &'static str {
        "cron"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, _call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        if !body.props.contains_key("enabled") {
            body.props.insert("enabled".into(), json!(true));
        }
        Ok(Admitted {
            body,
            parent_id: None,
            // One per instance: a second cron is refused by the natural-key index.
            natural_key: Some("cron".into()),
        })
    }

    async fn create(&self, cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        let client = cx
            .app
            .controller(&cx.instance)
            .map_err(JobError::permanent)?;
        let have = crontasks(cx, &cx.resource_id).await?;
        for name in TASKS {
            if have
                .iter()
                .any(|(_, b)| b.get("task").and_then(Value::as_str) == Some(name))
            {
                continue;
            }
            let task = json!({
                "aps": {"type": crate::types::type_id("crontask")},
                "task": name,
                "periodMinutes": task::default_period(name),
            });
            client
                .create_linked(&cx.resource_id, "tasks", &task)
                .await
                .map_err(|e| controller_failure("creating the crontask", e))?;
        }
        let all = crontasks(cx, &cx.resource_id).await?;
        periodic::register_all(&client, &all)
            .await
            .map_err(|e| controller_failure("registering the periodic tasks", e))?;
        Ok(body)
    }

    async fn update(
        &self,
        _cx: &JobCx,
        _old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, _body: &Resource) -> Result<(), JobError> {
        let client = cx
            .app
            .controller(&cx.instance)
            .map_err(JobError::permanent)?;
        for (id, _) in crontasks(cx, &cx.resource_id).await? {
            periodic::unregister(&client, &id)
                .await
                .map_err(|e| controller_failure("removing the periodic task", e))?;
        }
        Ok(())
    }

    /// `POST cron/<id>/run`: queues the current slot's run of every crontask.
    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        _input: OperationInput,
    ) -> Result<Reply, ApsError> {
        let (Some(id), "run") = (id, name) else {
            return Err(ApsError::not_implemented(format!(
                "Operation {name} of service cron is not implemented."
            )));
        };
        let instance = call.instance()?;
        let now = call.app.queue.now_ms();
        let mut jobs = Vec::new();
        for row in call
            .app
            .store
            .children(&instance.id, id, Some("crontask"))
            .await
            .map_err(internal)?
        {
            let (key, _) = crate::cron::enqueue_run(&call.app, &row, now, RunBy::Controller)
                .await
                .map_err(internal)?;
            jobs.push(key);
        }
        Ok(Reply::Ok(json!({"queued": true, "jobs": jobs})))
    }
}
