//! `/aps/2/resources` and `/aps/2/resources/<id>`.
//!
//! - `GET ?<rql>`: the visible resources matching the query, with `Content-Range: items a-b/total`.
//! - `POST`: a resource of an application type is provisioned through its endpoint (as the real
//!   controller does; a 202 from the endpoint returns the resource in `aps:provisioning` and the
//!   controller keeps polling); a platform type is stored directly.
//! - `PUT`: application resources are configured through their endpoint, platform resources are
//!   updated directly. Use `/aps/2/application(s)/...` to update an application's own resource
//!   without a call back.
//! - `DELETE`: unprovision through the endpoint, or direct removal; answers 204.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::Value;

use super::{Caller, RestError, RestResult, header_value, json_body, ok};
use crate::async_loop::OpKind;
use crate::controller::Shared;
use crate::rql_eval;

/// Decodes the raw query string into an RQL query (`None` when empty).
pub(crate) fn query_of(raw: Option<String>) -> Result<Option<aps::rql::Query>, RestError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(q) => aps::rql::parse(q)
            .map(Some)
            .map_err(|e| RestError::bad_request(e.to_string())),
    }
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> RestResult {
    let query = query_of(raw)?;
    let ctx = caller.ctx();
    let result = shared.read(|st| {
        let visible = st.store.all().filter(|r| st.visible(&ctx, r));
        rql_eval::run(&st.store, query.as_ref(), visible)
    });
    let result = result.map_err(|e| RestError::bad_request(e.to_string()))?;
    let end = (result.start + result.items.len()).saturating_sub(1);
    let range = format!("items {}-{}/{}", result.start, end, result.total);
    let mut response = axum::Json(Value::Array(result.items)).into_response();
    if let Some(v) = header_value(&range) {
        response.headers_mut().insert("content-range", v);
    }
    Ok(response)
}

/// Creates a resource from `body`, optionally linked from `parent.relation`.
pub(crate) async fn create_resource(
    shared: &Arc<Shared>,
    caller: &Caller,
    body: Value,
    parent: Option<(&str, &str)>,
) -> RestResult {
    let type_id = body
        .get("aps")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let type_id = type_id.ok_or_else(|| RestError::bad_request("aps.type is required"))?;
    let ctx = caller.ctx();
    let provider = shared.read(|st| st.provider_of(&type_id, ctx.caller_instance.as_deref()));
    let Some((instance, service)) = provider else {
        return ok(shared.create_platform(&ctx, body, parent)?);
    };
    let (id, target) =
        shared.prepare_app_resource(&ctx, &instance, &service, body, None, parent)?;
    shared
        .provision_prepared(&ctx, OpKind::Provision, &id, target, None)
        .await?;
    ok(shared
        .read(|st| st.store.render(&id))
        .unwrap_or(Value::Null))
}

pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> RestResult {
    create_resource(&shared, &caller, json_body(&body)?, None).await
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> RestResult {
    let ctx = caller.ctx();
    let found = shared.read(|st| {
        st.store
            .get(&id)
            .filter(|r| st.visible(&ctx, r))
            .map(|r| st.store.render_resource(r))
    });
    ok(found.ok_or_else(|| RestError::not_found(format!("resource {id}")))?)
}

pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> RestResult {
    ok(shared
        .configure(&caller.ctx(), &id, json_body(&body)?)
        .await?)
}

pub(crate) async fn remove(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> RestResult {
    shared.unprovision(&caller.ctx(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
