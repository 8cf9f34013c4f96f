//! `/aps/2/resources/<id>/aps/subscriptions[/<subscription-id>]`: GET lists, POST creates
//! (`{event, source: {type}|{id}, relation?, handler}`; the controller assigns `id`), DELETE
//! removes. Only the subscriber's own instance (or the controller) may manage them.

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use serde_json::Value;

use super::{Caller, RestError, RestResult, json_body, ok};
use crate::controller::Shared;

fn check_owner(shared: &Shared, caller: &Caller, id: &str) -> Result<(), RestError> {
    shared.read(|st| {
        let r = st
            .store
            .get(id)
            .ok_or_else(|| RestError::not_found(format!("resource {id}")))?;
        match &caller.instance {
            Some(i) if r.instance.as_deref() != Some(i.as_str()) => Err(RestError::forbidden(
                format!("resource {id} does not belong to the calling instance"),
            )),
            _ => Ok(()),
        }
    })
}

fn list_of(shared: &Shared, id: &str) -> Vec<Value> {
    shared.read(|st| {
        st.subscriptions
            .iter()
            .filter(|s| s.subscriber == id)
            .filter_map(|s| serde_json::to_value(s).ok())
            .collect()
    })
}

pub(crate) fn collection(
    shared: &Shared,
    caller: &Caller,
    method: &Method,
    id: &str,
    body: &Bytes,
) -> RestResult {
    check_owner(shared, caller, id)?;
    match *method {
        Method::GET => ok(Value::Array(list_of(shared, id))),
        Method::POST => {
            let body = json_body(body)?;
            let sub = shared.with(|st| st.add_subscription(id, body))?;
            ok(serde_json::to_value(sub).unwrap_or(Value::Null))
        }
        _ => Err(RestError::new(aps::ApsError::new(
            405,
            "MethodNotAllowed",
            format!("{method} on subscriptions"),
        ))),
    }
}

pub(crate) fn item(
    shared: &Shared,
    caller: &Caller,
    method: &Method,
    id: &str,
    sid: &str,
) -> RestResult {
    check_owner(shared, caller, id)?;
    match *method {
        Method::GET => {
            let found = list_of(shared, id)
                .into_iter()
                .find(|s| s.get("id").and_then(Value::as_str) == Some(sid));
            ok(found.ok_or_else(|| RestError::not_found(format!("subscription {sid}")))?)
        }
        Method::DELETE => {
            if shared.with(|st| st.remove_subscription(id, sid)) {
                Ok(StatusCode::NO_CONTENT.into_response())
            } else {
                Err(RestError::not_found(format!("subscription {sid}")))
            }
        }
        _ => Err(RestError::new(aps::ApsError::new(
            405,
            "MethodNotAllowed",
            format!("{method} on a subscription"),
        ))),
    }
}
