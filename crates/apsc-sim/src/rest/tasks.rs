//! The periodic task manager: `/aps/2/services/periodic-task-manager/tasks[/<uuid>]`, also
//! reachable as `/aps/2/resources/<periodic-task-manager-id>/tasks[/<uuid>]`.
//!
//! POST schedules (returns the task), GET lists (`?taskType=<taskName>&appInstanceId=` filter)
//! or reads one, PUT `/<uuid>` reschedules (body: a Schedule; returns it), DELETE cancels,
//! PUT without uuid runs the matching tasks now (`runPeriodicTask`).

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use super::{Caller, RestError, RestResult, json_body, ok};
use crate::controller::Shared;
use crate::periodic::PeriodicTask;

fn object(body: &Bytes) -> Result<Map<String, Value>, RestError> {
    match json_body(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(RestError::bad_request(
            "a periodic task must be a JSON object",
        )),
    }
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    query?.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn selected(shared: &Shared, query: Option<&str>) -> Vec<PeriodicTask> {
    let task_type = query_param(query, "taskType");
    let instance = query_param(query, "appInstanceId");
    shared.read(|st| {
        st.periodic
            .all()
            .filter(|t| {
                task_type.as_ref().is_none_or(|tt| {
                    t.body.get("taskName").and_then(Value::as_str) == Some(tt.as_str())
                })
            })
            .filter(|t| {
                instance
                    .as_ref()
                    .is_none_or(|i| t.instance.as_deref() == Some(i.as_str()))
            })
            .cloned()
            .collect()
    })
}

/// One request to the periodic task manager (synchronous part).
pub(crate) fn dispatch(
    shared: &Arc<Shared>,
    caller: &Caller,
    method: &Method,
    uuid: Option<&str>,
    query: Option<String>,
    body: &Bytes,
) -> RestResult {
    let scale = shared.config.time_scale;
    let result = match (method.clone(), uuid) {
        (Method::GET, None) => ok(Value::Array(
            selected(shared, query.as_deref())
                .into_iter()
                .map(|t| t.body)
                .collect(),
        )),
        (Method::POST, None) => {
            let body = object(body)?;
            ok(shared.with(|st| {
                st.periodic
                    .schedule(body, caller.instance.clone(), Instant::now(), scale)
            }))
        }
        (Method::PUT, None) => {
            let uuids: Vec<String> = selected(shared, query.as_deref())
                .into_iter()
                .map(|t| t.uuid)
                .collect();
            let runner = shared.clone();
            tokio::spawn(async move {
                for uuid in uuids {
                    let _ = runner.run_task(&uuid).await;
                }
            });
            ok(json!({}))
        }
        (Method::GET, Some(uuid)) => {
            let found = shared.read(|st| st.periodic.get(uuid).map(|t| t.body.clone()));
            ok(found.ok_or_else(|| RestError::not_found(format!("periodic task {uuid}")))?)
        }
        (Method::PUT, Some(uuid)) => {
            let schedule = object(body)?;
            let updated = shared.with(|st| {
                st.periodic
                    .reschedule(uuid, &schedule, Instant::now(), scale)
            });
            ok(updated.ok_or_else(|| RestError::not_found(format!("periodic task {uuid}")))?)
        }
        (Method::DELETE, Some(uuid)) => {
            if shared.with(|st| st.periodic.cancel(uuid)) {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(RestError::not_found(format!("periodic task {uuid}")))
            }
        }
        (m, _) => Err(RestError::new(aps::ApsError::new(
            405,
            "MethodNotAllowed",
            format!("{m} on periodic tasks"),
        ))),
    };
    shared.scheduler_wakeup.notify_one();
    result
}

pub(crate) async fn list(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> RestResult {
    dispatch(&s, &c, &Method::GET, None, q, &Bytes::new())
}

pub(crate) async fn create(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> RestResult {
    dispatch(&s, &c, &Method::POST, None, None, &body)
}

pub(crate) async fn run_now(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    RawQuery(q): RawQuery,
) -> RestResult {
    dispatch(&s, &c, &Method::PUT, None, q, &Bytes::new())
}

pub(crate) async fn get_one(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(uuid): Path<String>,
) -> RestResult {
    dispatch(&s, &c, &Method::GET, Some(&uuid), None, &Bytes::new())
}

pub(crate) async fn reschedule(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(uuid): Path<String>,
    body: Bytes,
) -> RestResult {
    dispatch(&s, &c, &Method::PUT, Some(&uuid), None, &body)
}

pub(crate) async fn cancel(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(uuid): Path<String>,
) -> RestResult {
    dispatch(&s, &c, &Method::DELETE, Some(&uuid), None, &Bytes::new())
}
