//! `/aps/2/applications/...` and the short form `/aps/2/application/...`: an application manages
//! its own resources here without the controller calling it back.
//!
//! - `GET /aps/2/applications[/<instance>]`: instances (their root resources).
//! - `POST /aps/2/applications/<instance>/<service>/`: register a resource (stored `aps:ready`).
//! - `GET|PUT|DELETE /aps/2/applications/<instance>/<service>/<id>`: read, update (properties,
//!   links, `aps.status`), unregister.
//! - `/aps/2/application[/<service>[/<id>]]`: the same for the calling instance.

use std::sync::Arc;

use aps::resource::status;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::Value;

use super::{Caller, RestError, RestResult, json_body, ok};
use crate::controller::Shared;

fn own_instance(caller: &Caller) -> Result<String, RestError> {
    caller
        .instance
        .clone()
        .ok_or_else(|| RestError::bad_request("/aps/2/application needs an instance certificate"))
}

fn check_instance(caller: &Caller, instance: &str) -> Result<(), RestError> {
    match &caller.instance {
        Some(i) if i != instance => Err(RestError::forbidden(format!(
            "the caller is not instance {instance}"
        ))),
        _ => Ok(()),
    }
}

/// The resource `id` of `instance`'s `service`.
fn own_resource(
    shared: &Shared,
    instance: &str,
    service: &str,
    id: &str,
) -> Result<Value, RestError> {
    shared.read(|st| {
        let r = st
            .store
            .get(id)
            .ok_or_else(|| RestError::not_found(format!("resource {id}")))?;
        let target = st.target_of(r).map_err(RestError::from)?;
        if target.instance_id != instance || target.service != service {
            return Err(RestError::not_found(format!(
                "resource {id} of {instance}/{service}"
            )));
        }
        Ok(st.store.render_resource(r))
    })
}

pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
) -> RestResult {
    let roots = shared.read(|st| {
        st.instances
            .keys()
            .filter(|id| caller.instance.as_ref().is_none_or(|c| c == *id))
            .filter_map(|id| st.store.render(id))
            .collect::<Vec<_>>()
    });
    ok(Value::Array(roots))
}

/// `POST /aps/2/applications` with `{"aps": {"package": <PackageSpec or {type: app-id}>,
/// "endpoint": <url>}, ...settings}` (controller certificate only): installs an instance.
pub(crate) async fn install(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> RestResult {
    if caller.instance.is_some() {
        return Err(RestError::forbidden(
            "only the controller certificate may install instances",
        ));
    }
    let Value::Object(mut body) = json_body(&body)? else {
        return Err(RestError::bad_request("body must be a JSON object"));
    };
    let aps = body.remove("aps").unwrap_or(Value::Null);
    let endpoint = aps
        .get("endpoint")
        .and_then(Value::as_str)
        .ok_or_else(|| RestError::bad_request("aps.endpoint is required"))?;
    let package_json = aps.get("package").cloned().unwrap_or(Value::Null);
    let app_id = package_json
        .get("app_id")
        .or_else(|| package_json.get("type"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let registered = shared.read(|st| {
        st.packages
            .values()
            .find(|p| p.spec.app_id == app_id)
            .cloned()
    });
    let package = match (
        registered,
        serde_json::from_value::<crate::package::PackageSpec>(package_json),
    ) {
        (_, Ok(spec)) => shared.register_package(spec)?,
        (Some(p), Err(_)) => p,
        (None, Err(e)) => return Err(RestError::bad_request(format!("aps.package: {e}"))),
    };
    let handle = shared
        .install(&caller.ctx(), endpoint, &package.id, Value::Object(body))
        .await?;
    ok(shared
        .read(|st| st.store.render(&handle.id))
        .unwrap_or(Value::Null))
}

pub(crate) async fn get_one(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(instance): Path<String>,
) -> RestResult {
    check_instance(&caller, &instance)?;
    let found = shared.read(|st| {
        st.instances
            .contains_key(&instance)
            .then(|| st.store.render(&instance))
            .flatten()
    });
    ok(found.ok_or_else(|| RestError::not_found(format!("instance {instance}")))?)
}

fn register_in(
    shared: &Shared,
    caller: &Caller,
    instance: &str,
    service: &str,
    body: &Bytes,
) -> RestResult {
    check_instance(caller, instance)?;
    let ctx = caller.ctx();
    let (id, _) =
        shared.prepare_app_resource(&ctx, instance, service, json_body(body)?, None, None)?;
    shared
        .with(|st| st.store.set_status(&id, status::READY))
        .map_err(|e| RestError::not_found(e.to_string()))?;
    ok(shared
        .read(|st| st.store.render(&id))
        .unwrap_or(Value::Null))
}

fn list_in(shared: &Shared, caller: &Caller, instance: &str, service: &str) -> RestResult {
    check_instance(caller, instance)?;
    let items = shared.read(|st| {
        st.store
            .all()
            .filter(|r| r.instance.as_deref() == Some(instance))
            .filter(|r| st.target_of(r).is_ok_and(|t| t.service == service))
            .map(|r| st.store.render_resource(r))
            .collect::<Vec<_>>()
    });
    ok(Value::Array(items))
}

fn update_in(
    shared: &Shared,
    caller: &Caller,
    instance: &str,
    service: &str,
    id: &str,
    body: &Bytes,
) -> RestResult {
    check_instance(caller, instance)?;
    own_resource(shared, instance, service, id)?;
    ok(shared.update_direct(id, json_body(body)?)?)
}

fn unregister_in(
    shared: &Shared,
    caller: &Caller,
    instance: &str,
    service: &str,
    id: &str,
) -> RestResult {
    check_instance(caller, instance)?;
    own_resource(shared, instance, service, id)?;
    shared
        .with(|st| st.store.remove(id))
        .map_err(|e| RestError::not_found(e.to_string()))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn register(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((instance, service)): Path<(String, String)>,
    body: Bytes,
) -> RestResult {
    register_in(&s, &c, &instance, &service, &body)
}

pub(crate) async fn list_service(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((instance, service)): Path<(String, String)>,
) -> RestResult {
    list_in(&s, &c, &instance, &service)
}

pub(crate) async fn get_resource(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((instance, service, id)): Path<(String, String, String)>,
) -> RestResult {
    check_instance(&c, &instance)?;
    ok(own_resource(&s, &instance, &service, &id)?)
}

pub(crate) async fn update(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((instance, service, id)): Path<(String, String, String)>,
    body: Bytes,
) -> RestResult {
    update_in(&s, &c, &instance, &service, &id, &body)
}

pub(crate) async fn unregister(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((instance, service, id)): Path<(String, String, String)>,
) -> RestResult {
    unregister_in(&s, &c, &instance, &service, &id)
}

pub(crate) async fn own(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
) -> RestResult {
    let instance = own_instance(&c)?;
    ok(s.read(|st| st.store.render(&instance))
        .ok_or_else(|| RestError::not_found(format!("instance {instance}")))?)
}

pub(crate) async fn register_own(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(service): Path<String>,
    body: Bytes,
) -> RestResult {
    register_in(&s, &c, &own_instance(&c)?, &service, &body)
}

pub(crate) async fn list_own_service(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path(service): Path<String>,
) -> RestResult {
    list_in(&s, &c, &own_instance(&c)?, &service)
}

pub(crate) async fn get_own_resource(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((service, id)): Path<(String, String)>,
) -> RestResult {
    ok(own_resource(&s, &own_instance(&c)?, &service, &id)?)
}

pub(crate) async fn update_own(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((service, id)): Path<(String, String)>,
    body: Bytes,
) -> RestResult {
    update_in(&s, &c, &own_instance(&c)?, &service, &id, &body)
}

pub(crate) async fn unregister_own(
    State(s): State<Arc<Shared>>,
    Extension(c): Extension<Caller>,
    Path((service, id)): Path<(String, String)>,
) -> RestResult {
    unregister_in(&s, &c, &own_instance(&c)?, &service, &id)
}
