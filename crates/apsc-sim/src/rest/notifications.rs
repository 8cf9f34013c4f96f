//! The notification manager: `/aps/2/services/notification-manager/notifications[/<id>]`, also
//! reachable as `/aps/2/resources/<notification-manager-id>/notifications[/<id>]`.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use serde_json::{Map, Value};

use super::{Caller, RestError, RestResult, json_body, ok};
use crate::controller::Shared;

fn object(body: &Bytes) -> Result<Map<String, Value>, RestError> {
    match json_body(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(RestError::bad_request(
            "a notification must be a JSON object",
        )),
    }
}

/// One request to the notification manager.
pub(crate) fn dispatch(
    shared: &Shared,
    caller: &Caller,
    method: &Method,
    id: Option<&str>,
    body: &Bytes,
) -> RestResult {
    match (method.clone(), id) {
        (Method::GET, None) => ok(shared.read(|st| {
            Value::Array(
                st.notifications
                    .records()
                    .iter()
                    .map(|n| n.body.clone())
                    .collect(),
            )
        })),
        (Method::POST, None) => {
            let body = object(body)?;
            let created = shared.with(|st| {
                st.notifications.create(
                    body,
                    caller.instance.clone(),
                    caller.transaction_id.clone(),
                )
            });
            ok(created)
        }
        (Method::GET, Some(id)) => {
            let found = shared.read(|st| st.notifications.get(id).cloned());
            ok(found.ok_or_else(|| RestError::not_found(format!("notification {id}")))?)
        }
        (Method::PUT, Some(id)) => {
            let patch = object(body)?;
            let updated = shared.with(|st| st.notifications.update(id, &patch));
            ok(updated.ok_or_else(|| RestError::not_found(format!("notification {id}")))?)
        }
        (Method::DELETE, Some(id)) => {
            if shared.with(|st| st.notifications.delete(id)) {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(RestError::not_found(format!("notification {id}")))
            }
        }
        (m, _) => Err(RestError::new(aps::ApsError::new(
            405,
            "MethodNotAllowed",
            format!("{m} on notifications"),
        ))),
    }
}

pub(crate) async fn list(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
) -> RestResult {
    dispatch(&s, &c, &Method::GET, None, &Bytes::new())
}

pub(crate) async fn create(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    body: Bytes,
) -> RestResult {
    dispatch(&s, &c, &Method::POST, None, &body)
}

pub(crate) async fn get_one(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> RestResult {
    dispatch(&s, &c, &Method::GET, Some(&id), &Bytes::new())
}

pub(crate) async fn update(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> RestResult {
    dispatch(&s, &c, &Method::PUT, Some(&id), &body)
}

pub(crate) async fn remove(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(id): Path<String>,
) -> RestResult {
    dispatch(&s, &c, &Method::DELETE, Some(&id), &Bytes::new())
}
