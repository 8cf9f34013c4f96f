//! Operations on endpoints, with the controller's asynchronous protocol.
//!
//! The controller sends the request with `APS-Request-Phase: sync`. Success codes are accepted as
//! the docs list them per operation ([`verdict`]); anything else is a failure shown to the
//! initiator. On `202 Accepted` it reads `APS-Retry-Timeout` (seconds) and `APS-Info`, records a
//! task, and repeats the same request (same method, path, body and transaction id) with
//! `APS-Request-Phase: async` after `retry × time_scale`, until a success code (task done), any
//! other code (task failed; the docs name 500) or the attempt limit. A transport error while
//! polling counts as an attempt and is retried.

use std::time::Duration;

use aps::headers::{self, RequestPhase};
use serde::Serialize;
use serde_json::Value;

use crate::controller::Shared;
use crate::endpoint_client::{EndpointRequest, Reply};
use crate::error::{Phase, SimError, SimResult};

/// The kinds of controller → endpoint operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    /// Instance installation (`POST <base>/<root-service>`).
    Install,
    /// `POST <base>/<svc>`.
    Provision,
    /// `GET <base>/<svc>/<id>`.
    Retrieve,
    /// `PUT <base>/<svc>/<id>`.
    Configure,
    /// `DELETE <base>/<svc>/<id>`.
    Unprovision,
    /// `POST <base>/<svc>/<id>/<relation>`.
    Link,
    /// `DELETE <base>/<svc>/<id>/<relation>/<other>`.
    Unlink,
    /// `POST <base>/<root>/<id>/upgrade?version=<old>`.
    Upgrade,
    /// A custom operation.
    Operation,
}

impl OpKind {
    /// The journal label.
    pub fn purpose(self) -> &'static str {
        match self {
            OpKind::Install => "install",
            OpKind::Provision => "provision",
            OpKind::Retrieve => "retrieve",
            OpKind::Configure => "configure",
            OpKind::Unprovision => "unprovision",
            OpKind::Link => "link",
            OpKind::Unlink => "unlink",
            OpKind::Upgrade => "upgrade",
            OpKind::Operation => "operation",
        }
    }
}

/// What a status means for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Success.
    Done,
    /// 202: go asynchronous.
    Async,
    /// Failure.
    Failed,
}

/// The controller's reading of `status` for `kind` (docs "HTTP Responses" and the operation pages).
pub fn verdict(kind: OpKind, status: u16) -> Verdict {
    let done = match kind {
        OpKind::Install | OpKind::Provision => matches!(status, 200 | 201 | 204),
        OpKind::Retrieve => status == 200,
        OpKind::Configure | OpKind::Upgrade | OpKind::Operation => matches!(status, 200 | 204),
        OpKind::Unprovision => matches!(status, 200 | 204 | 405),
        OpKind::Link | OpKind::Unlink => matches!(status, 200 | 204 | 404 | 405 | 501),
    };
    let can_go_async = matches!(
        kind,
        OpKind::Install
            | OpKind::Provision
            | OpKind::Configure
            | OpKind::Unprovision
            | OpKind::Operation
    );
    if done {
        Verdict::Done
    } else if status == 202 && can_go_async {
        Verdict::Async
    } else {
        Verdict::Failed
    }
}

/// The state of an asynchronous task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Still polling.
    Running,
    /// The endpoint finished with success.
    Succeeded,
    /// The endpoint reported failure, or the attempt limit was reached.
    Failed,
}

/// A task the controller created for an operation answered with 202.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskRecord {
    /// Task id.
    pub id: String,
    /// The operation.
    pub kind: OpKind,
    /// Its transaction id (the same on every poll).
    pub transaction_id: String,
    /// The resource concerned.
    pub resource_id: Option<String>,
    /// The instance called.
    pub instance_id: String,
    /// HTTP method repeated.
    pub method: String,
    /// Path repeated.
    pub path: String,
    /// Current state.
    pub status: TaskStatus,
    /// Last `APS-Info`.
    pub info: Option<String>,
    /// Last `APS-Retry-Timeout`, seconds (before time scaling).
    pub retry_timeout_secs: f64,
    /// Requests sent, the sync one included.
    pub attempts: u32,
    /// The status of every answer (0 for transport errors).
    pub statuses: Vec<u16>,
    /// Why it failed.
    pub error: Option<String>,
}

/// An operation to run.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its kind.
    pub kind: OpKind,
    /// The request (phase and transaction id are managed by the loop).
    pub request: EndpointRequest,
    /// The resource concerned.
    pub resource_id: Option<String>,
}

/// A successful operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OpOutcome {
    /// The final status.
    pub status: u16,
    /// The final body.
    pub body: Value,
    /// The transaction id used.
    pub transaction_id: String,
    /// The task, when the operation went asynchronous.
    pub task_id: Option<String>,
}

/// An operation the endpoint accepted with 202.
#[derive(Debug, Clone)]
pub struct Pending {
    op: Operation,
    task_id: String,
    delay: Duration,
    /// The body of the 202 answer (resource state so far).
    pub body: Value,
}

/// How the sync phase ended.
#[derive(Debug, Clone)]
pub enum Started {
    /// Finished synchronously.
    Done(OpOutcome),
    /// Accepted; poll with [`Shared::finish_op`].
    Pending(Box<Pending>),
}

fn retry_secs(reply: &Reply, default: u64) -> f64 {
    reply
        .header(headers::RETRY_TIMEOUT)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(default as f64)
}

impl Shared {
    /// Sends the sync phase of `op`.
    pub(crate) async fn start_op(&self, mut op: Operation) -> SimResult<Started> {
        op.request.phase = RequestPhase::Sync;
        let reply = self.call_endpoint(&op.request).await?;
        let transaction_id = op.request.transaction_id.clone();
        match verdict(op.kind, reply.status) {
            Verdict::Done => Ok(Started::Done(OpOutcome {
                status: reply.status,
                body: reply.body,
                transaction_id,
                task_id: None,
            })),
            Verdict::Failed => Err(SimError::endpoint(
                reply.status,
                Phase::Sync,
                reply.body,
                None,
            )),
            Verdict::Async => {
                let retry = retry_secs(&reply, self.config.default_retry_timeout_secs);
                let task = TaskRecord {
                    id: uuid::Uuid::new_v4().to_string(),
                    kind: op.kind,
                    transaction_id,
                    resource_id: op.resource_id.clone(),
                    instance_id: op.request.instance_id.clone(),
                    method: op.request.method.to_string(),
                    path: op.request.path.clone(),
                    status: TaskStatus::Running,
                    info: reply.header(headers::INFO).map(str::to_owned),
                    retry_timeout_secs: retry,
                    attempts: 1,
                    statuses: vec![reply.status],
                    error: None,
                };
                let task_id = task.id.clone();
                self.with(|st| st.tasks.push(task));
                Ok(Started::Pending(Box::new(Pending {
                    op,
                    task_id,
                    delay: self.config.scaled(retry),
                    body: reply.body,
                })))
            }
        }
    }

    fn update_task(&self, id: &str, f: impl FnOnce(&mut TaskRecord)) {
        self.with(|st| {
            if let Some(t) = st.tasks.iter_mut().find(|t| t.id == id) {
                f(t);
            }
        });
    }

    /// Polls an accepted operation until it ends.
    pub(crate) async fn finish_op(&self, pending: Box<Pending>) -> SimResult<OpOutcome> {
        let Pending {
            mut op,
            task_id,
            mut delay,
            ..
        } = *pending;
        op.request.phase = RequestPhase::Async;
        let mut attempts = 1;
        loop {
            if attempts >= self.config.max_async_attempts {
                let msg = format!("gave up after {attempts} attempts");
                self.update_task(&task_id, |t| {
                    t.status = TaskStatus::Failed;
                    t.error = Some(msg);
                });
                return Err(SimError::PollLimit { task_id, attempts });
            }
            tokio::time::sleep(delay).await;
            attempts += 1;
            let reply = match self.call_endpoint(&op.request).await {
                Ok(reply) => reply,
                Err(e) => {
                    let msg = e.to_string();
                    self.update_task(&task_id, |t| {
                        t.attempts = attempts;
                        t.statuses.push(0);
                        t.error = Some(msg);
                    });
                    continue;
                }
            };
            let info = reply.header(headers::INFO).map(str::to_owned);
            let status = reply.status;
            match verdict(op.kind, status) {
                Verdict::Async => {
                    let retry = retry_secs(&reply, self.config.default_retry_timeout_secs);
                    delay = self.config.scaled(retry);
                    self.update_task(&task_id, |t| {
                        t.attempts = attempts;
                        t.statuses.push(status);
                        t.retry_timeout_secs = retry;
                        if info.is_some() {
                            t.info = info;
                        }
                    });
                }
                Verdict::Done => {
                    self.update_task(&task_id, |t| {
                        t.attempts = attempts;
                        t.statuses.push(status);
                        t.status = TaskStatus::Succeeded;
                        t.error = None;
                    });
                    let transaction_id = op.request.transaction_id.clone();
                    return Ok(OpOutcome {
                        status,
                        body: reply.body,
                        transaction_id,
                        task_id: Some(task_id),
                    });
                }
                Verdict::Failed => {
                    let err =
                        SimError::endpoint(status, Phase::Async, reply.body, Some(task_id.clone()));
                    let msg = err.to_string();
                    self.update_task(&task_id, |t| {
                        t.attempts = attempts;
                        t.statuses.push(status);
                        t.status = TaskStatus::Failed;
                        t.error = Some(msg);
                    });
                    return Err(err);
                }
            }
        }
    }

    /// Runs an operation to its end, polling if needed.
    pub(crate) async fn run_op(&self, op: Operation) -> SimResult<OpOutcome> {
        match self.start_op(op).await? {
            Started::Done(outcome) => Ok(outcome),
            Started::Pending(pending) => self.finish_op(pending).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_docs() {
        use OpKind::*;
        for s in [200, 201, 204] {
            assert_eq!(verdict(Provision, s), Verdict::Done);
        }
        assert_eq!(verdict(Provision, 202), Verdict::Async);
        assert_eq!(verdict(Provision, 400), Verdict::Failed);
        assert_eq!(verdict(Retrieve, 204), Verdict::Failed);
        assert_eq!(verdict(Configure, 201), Verdict::Failed);
        assert_eq!(verdict(Unprovision, 405), Verdict::Done);
        assert_eq!(verdict(Unprovision, 202), Verdict::Async);
        for s in [200, 204, 404, 405, 501] {
            assert_eq!(verdict(Link, s), Verdict::Done);
            assert_eq!(verdict(Unlink, s), Verdict::Done);
        }
        assert_eq!(verdict(Link, 202), Verdict::Failed);
        assert_eq!(verdict(Link, 500), Verdict::Failed);
        assert_eq!(verdict(Upgrade, 202), Verdict::Failed);
        assert_eq!(verdict(Operation, 202), Verdict::Async);
    }
}
