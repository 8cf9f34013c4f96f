//! The periodic tasks, one file each, and what they share: the run's context, its outcome, and
//! the helpers to push changed resources to the controller and to notify.

pub mod dns_check;
pub mod expire_requests;
pub mod reconcile;
pub mod retry_failed;
pub mod usage_sync;

use std::sync::Arc;

use oxaps_jobs::JobError;
use serde_json::Value;

use crate::app::App;
use crate::cron::merge::Write;
use crate::jobs::notify::{self, Notice};
use crate::model::JobCx;
use crate::store::{InstanceRow, ResourceRow};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunResult {
    /// Everything done.
    Ok,
    /// Done, with findings or single failures (see the report).
    Partial,
    /// The task could not run.
    Failed,
}

impl RunResult {
    /// The stored name (`lastResult`).
    pub fn as_str(self) -> &'static str {
        match self {
            RunResult::Ok => "ok",
            RunResult::Partial => "partial",
            RunResult::Failed => "failed",
        }
    }
}

/// The outcome of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// ok, partial or failed.
    pub result: RunResult,
    /// Text for `lastReport`.
    pub report: String,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// The task notified its findings one by one; a `partial` result needs no other notice.
    pub notified: bool,
}

impl Outcome {
    /// A successful run with a report.
    pub fn ok(report: impl Into<String>) -> Self {
        Outcome {
            result: RunResult::Ok,
            report: report.into(),
            error: None,
            notified: false,
        }
    }

    /// A run that could not be done.
    pub fn failed(error: impl std::fmt::Display) -> Self {
        Outcome {
            result: RunResult::Failed,
            report: String::new(),
            error: Some(error.to_string()),
            notified: false,
        }
    }

    /// `partial` with findings the task has notified one by one.
    pub fn findings(report: String, error: String) -> Self {
        Outcome {
            result: RunResult::Partial,
            report,
            error: Some(error),
            notified: true,
        }
    }

    /// `ok` without problems, `partial` with: the problems become the error text.
    pub fn with_problems(report: String, problems: &[String]) -> Self {
        if problems.is_empty() {
            return Outcome::ok(report);
        }
        Outcome {
            result: RunResult::Partial,
            report,
            error: Some(problems.join("; ")),
            notified: false,
        }
    }
}

/// What a task run can use.
pub struct TaskCx {
    /// The application.
    pub app: Arc<App>,
    /// The instance the crontask belongs to.
    pub instance: InstanceRow,
    /// The crontask's APS id.
    pub crontask_id: String,
    /// The run's slot.
    pub slot: i64,
}

impl TaskCx {
    /// A model job context for a resource of the instance (to reach a tenant's OX context).
    pub fn job_cx(&self, resource_id: &str, service: &str) -> JobCx {
        let def = crate::types::of(service).unwrap_or_else(|| {
            aps::typedef::TypeDef::new(service, &crate::types::type_id(service))
        });
        JobCx {
            app: self.app.clone(),
            instance: self.instance.clone(),
            resource_id: resource_id.to_owned(),
            def,
        }
    }

    /// The instance's resources of a service.
    pub async fn rows(&self, service: &str) -> Result<Vec<ResourceRow>, JobError> {
        self.app
            .store
            .resources_of(&self.instance.id, service)
            .await
            .map_err(JobError::transient)
    }

    /// Pushes changed properties of this application's own resource to the controller
    /// (`update_own`). A failure is logged: the next run pushes again.
    pub async fn push(&self, service: &str, id: &str, props: &Value) -> bool {
        let client = match self.app.controller(&self.instance) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "no controller client");
                return false;
            }
        };
        match client
            .update_own(&self.instance.id, service, id, props)
            .await
        {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, service, id, "pushing to the controller failed");
                false
            }
        }
    }

    /// Changes the CURRENT stored body of `id` with `change` (status kept), when the row still
    /// exists and `change` answers that it changed something; returns the written body.
    pub async fn update_body(
        &self,
        id: &str,
        mut change: impl FnMut(&mut Value) -> bool,
    ) -> Result<Option<Value>, JobError> {
        crate::cron::merge::update_row(&self.app, &self.instance.id, id, |row| {
            let mut body = row.body.clone();
            Ok(change(&mut body).then(|| Write::body(row, body)))
        })
        .await
    }

    /// Sends `notice` once for `event` (a key naming the finding, so repeats send nothing).
    pub async fn notify(&self, event: &str, notice: &Notice) -> Result<(), JobError> {
        let mut conn = self
            .app
            .store
            .pool()
            .acquire()
            .await
            .map_err(JobError::transient)?;
        let enqueued = self
            .app
            .queue
            .enqueue(&mut conn, notify::job(&self.instance.id, event, notice))
            .await
            .map_err(JobError::transient)?;
        if enqueued.created {
            self.app.queue.notify_enqueued();
        }
        Ok(())
    }
}

/// Runs the task named `task`.
pub async fn run(cx: &TaskCx, task: &str) -> Result<Outcome, JobError> {
    match task {
        "usage-sync" => usage_sync::run(cx).await,
        "retry-failed" => retry_failed::run(cx).await,
        "reconcile" => reconcile::run(cx).await,
        "dns-check" => dns_check::run(cx).await,
        "expire-requests" => expire_requests::run(cx).await,
        other => Err(JobError::permanent(format!(
            "unknown periodic task {other}"
        ))),
    }
}

/// The account a tenant belongs to (to address a notification to its customer).
pub fn account_of(tenant: &Value) -> Option<String> {
    tenant
        .pointer("/account/aps/id")
        .and_then(Value::as_str)
        .map(str::to_owned)
}
