//! What every connector job kind shares: the handler holds the application weakly (the
//! application owns the workers, so a strong reference would keep it alive forever) and a job
//! that runs while the node shuts down is retried later. A kind only says what one job does.

use std::marker::PhantomData;
use std::sync::{Arc, Weak};

use async_trait::async_trait;
use futures::future::BoxFuture;
use oxaps_jobs::{Job, JobError, JobHandler};
use serde_json::Value;

use crate::app::App;
use crate::store::InstanceRow;

/// One job kind of the connector.
#[async_trait]
pub trait AppJob: Send + Sync + 'static {
    /// The kind stored with the job.
    const KIND: &'static str;

    /// Runs one job; it may run more than once, so it must be idempotent.
    async fn run(app: Arc<App>, job: &Job) -> Result<Option<Value>, JobError>;
}

/// The [`JobHandler`] of an [`AppJob`].
pub struct AppHandler<K> {
    app: Weak<App>,
    kind: PhantomData<fn() -> K>,
}

impl<K: AppJob> AppHandler<K> {
    /// A handler over the application.
    pub fn new(app: Arc<App>) -> Self {
        AppHandler {
            app: Arc::downgrade(&app),
            kind: PhantomData,
        }
    }
}

impl<K: AppJob> JobHandler for AppHandler<K> {
    fn kind(&self) -> &'static str {
        K::KIND
    }

    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<Option<Value>, JobError>> {
        Box::pin(async move {
            let app = self
                .app
                .upgrade()
                .ok_or_else(|| JobError::transient("application is shutting down"))?;
            K::run(app, job).await
        })
    }
}

/// The installed instance a job's payload names (`instance_id`); `None` when it has been
/// uninstalled since (the job then has nothing left to do).
pub async fn payload_instance(app: &App, job: &Job) -> Result<Option<InstanceRow>, JobError> {
    let id = job
        .payload
        .get("instance_id")
        .and_then(Value::as_str)
        .ok_or_else(|| JobError::permanent("payload has no instance_id"))?;
    app.store.instance(id).await.map_err(JobError::transient)
}

/// What a job answers when its instance is gone.
pub fn instance_gone() -> Option<Value> {
    Some(serde_json::json!({"skipped": "instance no longer installed"}))
}
