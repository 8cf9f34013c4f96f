//! `/aps/2/resources/<id>/<...>`: event subscriptions, relations (list, link, create-and-link,
//! unlink), the service singletons' operations, and custom operations forwarded to the endpoint
//! of an application resource (`GET /aps/2/resources/<id>/calc/special?a=1` →
//! `GET <endpoint>/<svc>/<id>/calc/special?a=1`).

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::IntoResponse;
use serde_json::Value;

use super::{
    Caller, RestError, RestResult, json_body, notifications, ok, passthrough, resources,
    subscriptions, tasks,
};
use crate::controller::Shared;
use crate::ops::OperationTarget;

/// What a sub-path means for a resource.
enum Meaning {
    Relation,
    Custom,
    Unknown,
}

fn meaning(
    shared: &Shared,
    caller: &Caller,
    id: &str,
    segment: &str,
) -> Result<Meaning, RestError> {
    let ctx = caller.ctx();
    shared.read(|st| {
        let r = st
            .store
            .get(id)
            .filter(|r| st.visible(&ctx, r))
            .ok_or_else(|| RestError::not_found(format!("resource {id}")))?;
        let relation = st.store.types.relation(&r.type_id, segment).is_some()
            || !st.store.linked(id, segment).is_empty();
        Ok(if relation {
            Meaning::Relation
        } else if r.instance.is_some() {
            Meaning::Custom
        } else {
            Meaning::Unknown
        })
    })
}

/// A body naming an existing resource only (`{"aps": {"id": X}}`): a link request.
fn link_target(shared: &Shared, body: &Value) -> Option<String> {
    let aps = body.get("aps")?;
    if aps.get("type").is_some() {
        return None;
    }
    let id = aps.get("id")?.as_str()?.to_owned();
    shared.read(|st| st.store.get(&id).is_some()).then_some(id)
}

pub(crate) async fn dispatch(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    method: Method,
    Path((id, rest)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> RestResult {
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (nm, ptm) = shared.read(|st| {
        (
            st.notification_manager.clone(),
            st.periodic_task_manager.clone(),
        )
    });
    match segments.as_slice() {
        ["aps", "subscriptions"] => {
            return subscriptions::collection(&shared, &caller, &method, &id, &body);
        }
        ["aps", "subscriptions", sid] => {
            return subscriptions::item(&shared, &caller, &method, &id, sid);
        }
        ["notifications", rest @ ..] if id == nm => {
            return notifications::dispatch(
                &shared,
                &caller,
                &method,
                rest.first().copied(),
                &body,
            );
        }
        ["tasks", rest @ ..] if id == ptm => {
            return tasks::dispatch(
                &shared,
                &caller,
                &method,
                rest.first().copied(),
                query,
                &body,
            );
        }
        _ => {}
    }
    let first = segments
        .first()
        .copied()
        .ok_or_else(|| RestError::not_found("empty sub-path"))?;
    let meaning = meaning(&shared, &caller, &id, first)?;
    let ctx = caller.ctx();
    match (method.clone(), segments.as_slice(), meaning) {
        (Method::GET, [rel], Meaning::Relation) => {
            let linked = shared.read(|st| {
                st.store
                    .linked(&id, rel)
                    .iter()
                    .filter_map(|o| st.store.get(o))
                    .filter(|o| st.visible(&ctx, o))
                    .map(|o| st.store.render_resource(o))
                    .collect::<Vec<_>>()
            });
            ok(Value::Array(linked))
        }
        (Method::POST, [rel], meaning) => {
            let parsed = json_body(&body)?;
            match (link_target(&shared, &parsed), meaning) {
                (Some(other), _) => {
                    shared.link(&ctx, &id, rel, &other).await?;
                    ok(shared
                        .read(|st| st.store.render(&id))
                        .unwrap_or(Value::Null))
                }
                (None, Meaning::Relation | Meaning::Unknown) => {
                    resources::create_resource(&shared, &caller, parsed, Some((&id, rel))).await
                }
                (None, Meaning::Custom) => {
                    let body = if parsed.is_null() { None } else { Some(parsed) };
                    let out = shared
                        .operation(
                            &ctx,
                            method,
                            OperationTarget::Resource(&id),
                            &rest,
                            query.as_deref(),
                            body,
                        )
                        .await?;
                    passthrough(out.status, out.body)
                }
            }
        }
        (Method::DELETE, [rel, other], Meaning::Relation) => {
            shared.unlink(&ctx, &id, rel, other).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        (_, _, Meaning::Custom) => {
            let body = json_body(&body)?;
            let body = if body.is_null() { None } else { Some(body) };
            let out = shared
                .operation(
                    &ctx,
                    method,
                    OperationTarget::Resource(&id),
                    &rest,
                    query.as_deref(),
                    body,
                )
                .await?;
            passthrough(out.status, out.body)
        }
        _ => Err(RestError::not_found(format!(
            "{method} /aps/2/resources/{id}/{rest}"
        ))),
    }
}
