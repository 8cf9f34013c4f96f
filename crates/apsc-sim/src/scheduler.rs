//! Running periodic tasks: `<verb> <endpoint>/<service>/<resourceId><path>` with the task's
//! `callInfo.headers` and `callInfo.entity` as body, every `period × time_scale` when
//! `auto_run_periodic_tasks` is on, or on demand.

use std::time::Instant;

use aps::headers::RequestPhase;
use http::Method;
use serde_json::Value;

use crate::controller::Shared;
use crate::endpoint_client::EndpointRequest;
use crate::error::{SimError, SimResult};
use crate::periodic::TaskRun;
use crate::store::now_iso;

impl Shared {
    fn task_request(&self, uuid: &str) -> SimResult<EndpointRequest> {
        self.read(|st| {
            let task = st
                .periodic
                .get(uuid)
                .ok_or_else(|| SimError::NotFound(format!("periodic task {uuid}")))?;
            let info = task
                .call_info()
                .ok_or_else(|| SimError::BadRequest(format!("task {uuid} has no callInfo")))?;
            let text = |k: &str| {
                info.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let resource_id = text("resourceId");
            let r = st
                .store
                .get(&resource_id)
                .ok_or_else(|| SimError::NotFound(format!("task resource {resource_id}")))?;
            let target = st.target_of(r)?;
            let verb = text("verb");
            let method = Method::from_bytes(if verb.is_empty() {
                b"GET"
            } else {
                verb.as_bytes()
            })
            .map_err(|_| SimError::BadRequest(format!("bad verb {verb}")))?;
            let path = text("path");
            let (path, query) = match path.split_once('?') {
                Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
                None => (path, None),
            };
            let headers = info
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| {
                    h.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let body = match info.get("entity") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => {
                    Some(serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())))
                }
                Some(other) => Some(other.clone()),
            };
            Ok(EndpointRequest {
                purpose: "periodic-task",
                instance_id: target.instance_id,
                base: target.base,
                method,
                path: format!(
                    "{}/{resource_id}/{}",
                    target.service,
                    path.trim_start_matches('/')
                ),
                query,
                body,
                transaction_id: uuid::Uuid::new_v4().to_string(),
                phase: RequestPhase::Sync,
                identity: None,
                headers,
            })
        })
    }

    /// Runs one task now and schedules its next run one period later.
    pub(crate) async fn run_task(&self, uuid: &str) -> SimResult<TaskRun> {
        let req = self.task_request(uuid);
        let transaction_id = req
            .as_ref()
            .map(|r| r.transaction_id.clone())
            .unwrap_or_default();
        let (status, error) = match req {
            Ok(req) => match self.call_endpoint(&req).await {
                Ok(reply) => (Some(reply.status), None),
                Err(e) => (None, Some(e.to_string())),
            },
            Err(SimError::NotFound(what)) if what.starts_with("periodic task") => {
                return Err(SimError::NotFound(what));
            }
            Err(e) => (None, Some(e.to_string())),
        };
        let run = TaskRun {
            task_uuid: uuid.to_owned(),
            at: now_iso(),
            transaction_id,
            status,
            error,
        };
        let scale = self.config.time_scale;
        self.with(|st| st.periodic.record_run(run.clone(), Instant::now(), scale));
        Ok(run)
    }

    /// Runs every task that is due.
    pub(crate) async fn run_due_tasks(&self) -> Vec<TaskRun> {
        let due = self.read(|st| st.periodic.due(Instant::now()));
        let mut runs = Vec::new();
        for uuid in due {
            if let Ok(run) = self.run_task(&uuid).await {
                runs.push(run);
            }
        }
        runs
    }

    /// The scheduler: runs due tasks when `auto_run_periodic_tasks` is on, until shutdown.
    pub(crate) async fn run_scheduler(self: std::sync::Arc<Self>) {
        let mut shutdown = self.shutdown.subscribe();
        loop {
            let next = if self.config.auto_run_periodic_tasks {
                self.read(|st| st.periodic.next_due())
            } else {
                None
            };
            let sleep = async {
                match next {
                    Some(due) => tokio::time::sleep_until(due.into()).await,
                    None => std::future::pending().await,
                }
            };
            let due = tokio::select! {
                _ = sleep => true,
                _ = self.scheduler_wakeup.notified() => false,
                _ = shutdown.wait_for(|s| *s) => return,
            };
            if due {
                self.run_due_tasks().await;
            }
        }
    }
}
