//! `crontask`: one periodic task of the instance's cron, visible with its schedule and last run.
//! Admitted when the cron's create job makes it through the controller; a change of
//! `periodMinutes` updates its periodic-task registration; its `run` operation (what the
//! controller's periodic task manager calls) queues the current slot's run.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::json;

use super::controller_failure;
use crate::cron::{RunBy, TASKS, periodic};
use crate::model::{Admitted, JobCx, Model, linked_id};
use crate::services::{Call, OperationInput, Reply, internal};

/// The crontask model.
pub struct Crontask {
    def: TypeDef,
}

impl Default for Crontask {
    fn default() -> Self {
        Crontask {
            def: crate::types::of("crontask")
                .unwrap_or_else(|| TypeDef::new("crontask", &crate::types::type_id("crontask"))),
        }
    }
}

/// The period a task gets when created, minutes.
pub fn default_period(task: &str) -> i64 {
    match task {
        "usage-sync" | "retry-failed" => 30,
        "reconcile" | "dns-check" => 360,
        _ => 60,
    }
}

#[async_trait]
impl Model for Crontask {
    fn service(&self) -> &'static str {
        "crontask"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let instance = call.instance()?;
        let task = body.str_prop("task").unwrap_or_default().to_owned();
        if !TASKS.contains(&task.as_str()) {
            return Err(ApsError::bad_request(format!(
                "Unknown periodic task {task:?}; one of {}.",
                TASKS.join(", ")
            )));
        }
        // Created through the cron's `tasks` relation: the controller may or may not send the
        // reverse link; there is one cron per instance.
        let cron = match linked_id(&body, "cron") {
            Some(c) => Some(c),
            None => call
                .app
                .store
                .resources_of(&instance.id, "cron")
                .await
                .map_err(internal)?
                .into_iter()
                .next()
                .map(|r| r.id),
        }
        .ok_or_else(|| {
            ApsError::bad_request(
                "A crontask belongs to the instance's cron; provision the cron first.",
            )
        })?;
        if !body.props.contains_key("periodMinutes") {
            body.props
                .insert("periodMinutes".into(), json!(default_period(&task)));
        }
        for readonly in self.def.properties.iter().filter(|(_, p)| p.readonly) {
            body.props.remove(readonly.0);
        }
        Ok(Admitted {
            body,
            parent_id: Some(cron),
            natural_key: Some(task),
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        crate::model::final_unchanged(&self.def, current, &new)?;
        crate::model::tenant::keep_readonly(&self.def, current, &mut new);
        Ok(new)
    }

    async fn create(&self, _cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        // The cron's create job registers the periodic task once every crontask exists.
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        if old.props.get("periodMinutes") != new.props.get("periodMinutes") {
            let client = cx
                .app
                .controller(&cx.instance)
                .map_err(JobError::permanent)?;
            periodic::update(&client, &cx.resource_id, &new.to_value())
                .await
                .map_err(|e| controller_failure("updating the periodic task", e))?;
        }
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, _body: &Resource) -> Result<(), JobError> {
        let client = cx
            .app
            .controller(&cx.instance)
            .map_err(JobError::permanent)?;
        periodic::unregister(&client, &cx.resource_id)
            .await
            .map_err(|e| controller_failure("removing the periodic task", e))
    }

    /// `POST crontask/<id>/run`: queues the current slot's run (the same job whoever asks).
    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        _input: OperationInput,
    ) -> Result<Reply, ApsError> {
        let (Some(id), "run") = (id, name) else {
            return Err(ApsError::not_implemented(format!(
                "Operation {name} of service crontask is not implemented."
            )));
        };
        let instance = call.instance()?;
        let row = call
            .app
            .store
            .resource(&instance.id, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApsError::not_found(format!("crontask {id} not found.")))?;
        let now = call.app.queue.now_ms();
        let (key, enqueued) = crate::cron::enqueue_run(&call.app, &row, now, RunBy::Controller)
            .await
            .map_err(internal)?;
        Ok(Reply::Ok(json!({
            "queued": true,
            "job": key,
            "status": enqueued.status.as_str(),
        })))
    }
}
