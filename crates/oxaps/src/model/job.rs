//! The `model` job kind: runs a model's create, update or delete against OX for one resource.

use std::sync::Arc;

use aps::Resource;
use oxaps_jobs::{Job, JobError, NewJob};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{JobCx, Model};
use crate::app::App;
use crate::services::sealing;
use crate::store::{ResourceStatus, Store};

/// The job kind.
pub const KIND: &str = "model";

/// What a model job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Create (or adopt) in OX.
    Provision,
    /// Apply a configure.
    Configure,
    /// Remove from OX.
    Unprovision,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Provision => "provision",
            Op::Configure => "configure",
            Op::Unprovision => "unprovision",
        }
    }

    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "provision" => Op::Provision,
            "configure" => Op::Configure,
            "unprovision" => Op::Unprovision,
            _ => return None,
        })
    }
}

/// The dedup key of a resource's operation: a repeated APS request finds the same job.
pub fn key(instance_id: &str, resource_id: &str, op: Op, fingerprint: Option<&str>) -> String {
    match fingerprint {
        Some(f) => format!("{instance_id}/{resource_id}/{}/{f}", op.as_str()),
        None => format!("{instance_id}/{resource_id}/{}", op.as_str()),
    }
}

/// A short fingerprint of a requested state, for configure keys.
pub fn fingerprint(value: &Value) -> String {
    hex::encode(&Sha256::digest(value.to_string().as_bytes())[..12])
}

/// The job for an operation.
pub fn job(
    instance_id: &str,
    resource_id: &str,
    service: &str,
    op: Op,
    fingerprint: Option<&str>,
) -> NewJob {
    NewJob::new(
        KIND,
        key(instance_id, resource_id, op, fingerprint),
        json!({"service": service, "op": op.as_str()}),
    )
    .instance(instance_id)
    .resource(resource_id)
    .max_attempts(12)
}

/// The [`KIND`] job kind.
pub struct ModelJob;

/// Runs [`KIND`] jobs.
pub type Handler = crate::jobs::AppHandler<ModelJob>;

#[async_trait::async_trait]
impl crate::jobs::AppJob for ModelJob {
    const KIND: &'static str = KIND;

    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError> {
        let field = |name: &str| {
            job.payload
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let service =
            field("service").ok_or_else(|| JobError::permanent("payload has no service"))?;
        let op = field("op")
            .and_then(|o| Op::parse(&o))
            .ok_or_else(|| JobError::permanent("payload has no valid op"))?;
        let (Some(instance_id), Some(resource_id)) =
            (job.instance_id.clone(), job.resource_id.clone())
        else {
            return Err(JobError::permanent("job has no instance or resource"));
        };
        let model = app
            .services
            .model(&service)
            .ok_or_else(|| JobError::permanent(format!("no model for service {service}")))?;
        let Some(instance) = app
            .store
            .instance(&instance_id)
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
        let Some((row, body)) = cx.resource(&resource_id, model.type_def()).await? else {
            return Ok(Some(json!({"skipped": "resource removed"})));
        };
        match op {
            Op::Provision => provision(&cx, model.as_ref(), row.status, body).await,
            Op::Configure => configure(&cx, model.as_ref(), job, body).await,
            Op::Unprovision => unprovision(&cx, model.as_ref(), body).await,
        }
    }
}

/// Stores what the model changed (`output` against the `input` it was given) onto the resource as
/// it is now, so a change stored while the job ran (a relink, a membership) is not overwritten.
pub(crate) async fn save_changes(
    cx: &JobCx,
    status: ResourceStatus,
    input: &Resource,
    output: &Resource,
) -> Result<(), JobError> {
    let Some((_, mut current)) = cx.resource(&cx.resource_id, &cx.def).await? else {
        return Ok(());
    };
    for (name, value) in &output.props {
        if input.props.get(name) != Some(value) {
            current.props.insert(name.clone(), value.clone());
        }
    }
    for name in input.props.keys() {
        if !output.props.contains_key(name) {
            current.props.remove(name);
        }
    }
    cx.store(status, &current).await
}

async fn provision(
    cx: &JobCx,
    model: &dyn Model,
    status: ResourceStatus,
    body: Resource,
) -> Result<Option<Value>, JobError> {
    if status == ResourceStatus::Ready {
        return Ok(None);
    }
    match model.create(cx, body.clone()).await {
        Ok(created) => {
            save_changes(cx, ResourceStatus::Ready, &body, &created).await?;
            Ok(None)
        }
        Err(JobError::Permanent(reason)) => {
            // Remove what was created before the failure (the checkpointed state), then record it.
            let checkpointed = cx
                .resource(&cx.resource_id, &cx.def)
                .await?
                .map(|(_, b)| b)
                .unwrap_or(body);
            if let Err(e) = model.delete(cx, &checkpointed).await {
                tracing::warn!(error = %e, "compensation after a failed provisioning did not finish");
                return Err(JobError::transient(format!("{reason} (cleaning up: {e})")));
            }
            cx.store(ResourceStatus::Failed, &checkpointed).await?;
            Err(JobError::Permanent(reason))
        }
        Err(transient) => Err(transient),
    }
}

async fn configure(
    cx: &JobCx,
    model: &dyn Model,
    job: &Job,
    new: Resource,
) -> Result<Option<Value>, JobError> {
    let mut old: Resource =
        serde_json::from_value(job.payload.get("old").cloned().unwrap_or(Value::Null))
            .map_err(JobError::permanent)?;
    sealing::open(&cx.def, &cx.app.secrets, &mut old.props).map_err(JobError::permanent)?;
    match model.update(cx, &old, new.clone()).await {
        Ok(updated) => {
            save_changes(cx, ResourceStatus::Ready, &new, &updated).await?;
            Ok(None)
        }
        Err(JobError::Permanent(reason)) => {
            // OX refused the change: the resource keeps its previous state.
            cx.store(ResourceStatus::Ready, &old).await?;
            Err(JobError::Permanent(reason))
        }
        Err(transient) => Err(transient),
    }
}

async fn unprovision(
    cx: &JobCx,
    model: &dyn Model,
    body: Resource,
) -> Result<Option<Value>, JobError> {
    model.delete(cx, &body).await?;
    let mut conn = cx
        .app
        .store
        .pool()
        .acquire()
        .await
        .map_err(JobError::transient)?;
    Store::delete_resource(&mut conn, &cx.instance.id, &cx.resource_id)
        .await
        .map_err(JobError::transient)?;
    Ok(None)
}
