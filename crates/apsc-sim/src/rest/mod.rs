//! The controller's REST API (`APS-Controller-URI`), served over mutual TLS.
//!
//! The TLS layer only admits client certificates signed by the simulator's CA. Here the
//! certificate is mapped to its application instance (or to the controller itself, which acts
//! as the provider); a CA-signed certificate that belongs to neither gets 403. `APS-Resource-ID`
//! makes the call act for that resource's account (foreign accounts' resources become invisible).
//! Every call is recorded with its `APS-Transaction-ID`. Paths are matched with or without a
//! trailing slash. Errors use the APS error body `{code, type, message}`; an endpoint's own error
//! is passed through with its status and body.

mod applications;
mod notifications;
mod resources;
mod subpaths;
mod subscriptions;
mod tasks;

use std::sync::Arc;

use aps::{ApsError, headers};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::controller::Shared;
use crate::error::SimError;
use crate::journal::RestCall;
use crate::ops::CallCtx;
use crate::tls::PeerCertificates;

/// Largest request body accepted.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Who is calling, resolved from the client certificate and headers.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The calling instance; `None` for the controller certificate.
    pub instance: Option<String>,
    /// The impersonated account.
    pub account: Option<String>,
    /// `APS-Transaction-ID` of the request.
    pub transaction_id: Option<String>,
    /// The panel user acting (`APS-Identity-ID` towards endpoints); the preview's customer admin.
    pub identity: Option<String>,
}

impl Caller {
    /// The context for operations started by this call (202s are polled in the background).
    pub fn ctx(&self) -> CallCtx {
        CallCtx {
            caller_instance: self.instance.clone(),
            account: self.account.clone(),
            identity: self.identity.clone(),
            detach_async: true,
        }
    }
}

/// An error answer.
#[derive(Debug)]
pub(crate) struct RestError {
    status: u16,
    body: Value,
}

impl RestError {
    pub fn new(e: ApsError) -> Self {
        RestError {
            status: e.status,
            body: json!(e.body()),
        }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(ApsError::not_found(what))
    }
    pub fn bad_request(what: impl Into<String>) -> Self {
        Self::new(ApsError::bad_request(what))
    }
    pub fn forbidden(what: impl Into<String>) -> Self {
        Self::new(ApsError::forbidden(what))
    }
}

impl From<SimError> for RestError {
    fn from(e: SimError) -> Self {
        match e {
            SimError::Endpoint { status, body, .. } => {
                let body = if body.is_object() {
                    *body
                } else {
                    json!(ApsError::new(status, "Exception", body.to_string()).body())
                };
                RestError { status, body }
            }
            SimError::NotFound(m) => Self::not_found(m),
            SimError::BadRequest(m) => Self::bad_request(m),
            SimError::Transport { url, message } => Self::new(ApsError::new(
                502,
                "BadGateway",
                format!("{url}: {message}"),
            )),
            SimError::Timeout(m) => Self::new(ApsError::new(504, "Timeout", m)),
            other => Self::new(ApsError::internal(other.to_string())),
        }
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.body)).into_response()
    }
}

pub(crate) type RestResult = Result<Response, RestError>;

/// A 200 JSON answer.
pub(crate) fn ok(value: Value) -> RestResult {
    Ok(axum::Json(value).into_response())
}

/// Parses a request body: empty → `Null`.
pub(crate) fn json_body(bytes: &Bytes) -> Result<Value, RestError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes)
        .map_err(|e| RestError::bad_request(format!("malformed JSON: {e}")))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

/// Identifies the caller, records the call, and runs the handler.
async fn caller_layer(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bytes = match http_body_util::Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return RestError::new(ApsError::payload_too_large("request body too large"))
                .into_response();
        }
    };
    let fingerprint = parts
        .extensions
        .get::<PeerCertificates>()
        .and_then(PeerCertificates::leaf_fingerprint);
    let controller_fp = shared.ca.controller().fingerprint().ok();
    let transaction_id = header(&parts.headers, headers::TRANSACTION_ID);
    let resource_id = header(&parts.headers, headers::RESOURCE_ID);
    let resolved: Result<Caller, RestError> = shared.read(|st| {
        let instance = match fingerprint {
            Some(fp) if Some(&fp) == controller_fp.as_ref() => None,
            Some(fp) => match st.instance_by_fingerprint(&fp) {
                Some(i) => Some(i.id.clone()),
                None => {
                    return Err(RestError::forbidden(
                        "the client certificate belongs to no application instance",
                    ));
                }
            },
            None => return Err(RestError::forbidden("a client certificate is required")),
        };
        let account = match &resource_id {
            Some(rid) => st.impersonated_account(rid).map_err(RestError::from)?,
            None => None,
        };
        Ok(Caller {
            instance,
            account,
            transaction_id: transaction_id.clone(),
            identity: None,
        })
    });
    let call = RestCall {
        seq: 0,
        at: String::new(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        instance: resolved.as_ref().ok().and_then(|c| c.instance.clone()),
        transaction_id,
        resource_id,
        body: serde_json::from_slice(&bytes).ok(),
        status: 0,
    };
    let response = match resolved {
        Ok(caller) => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) => e.into_response(),
    };
    let status = response.status().as_u16();
    shared.with(|st| st.journal.record_rest(RestCall { status, ..call }));
    response
}

/// `GET /aps`: the versions document.
async fn versions(State(shared): State<Arc<Shared>>) -> RestResult {
    let full = shared.config.aps_version.clone();
    let short: String = full.split('.').take(2).collect::<Vec<_>>().join(".");
    ok(json!({"versions": {short.clone(): {
        "version": full,
        "href": format!("/aps/{short}"),
        "features": {"async": {"customOperation": true}}
    }}}))
}

/// `GET /aps/2/types/<n>`: a type's id, bases and relations.
async fn type_info(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(no): axum::extract::Path<u32>,
) -> RestResult {
    let info = shared.read(|st| st.store.types.by_schema_no(no).cloned());
    let info = info.ok_or_else(|| RestError::not_found(format!("type {no}")))?;
    ok(json!({"id": info.id, "implements": info.implements, "relations": info.relations}))
}

fn routes(shared: Arc<Shared>) -> Router {
    api()
        .layer(middleware::from_fn_with_state(shared.clone(), caller_layer))
        .with_state(shared)
}

/// The REST API acting as a fixed caller, without client certificates (apsc-sim's preview).
pub(crate) fn router_as(shared: Arc<Shared>, caller: Caller) -> Router {
    slash_tolerant(
        api()
            .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
            .layer(axum::Extension(caller))
            .with_state(shared),
    )
}

/// Every REST path, without the caller identification.
fn api() -> Router<Arc<Shared>> {
    use notifications as nm;
    use tasks as ptm;
    Router::new()
        .route("/aps", get(versions))
        .route("/aps/2/types/{no}", get(type_info))
        .route(
            "/aps/2/resources",
            get(resources::list).post(resources::create),
        )
        .route(
            "/aps/2/resources/{id}",
            get(resources::get_one)
                .put(resources::update)
                .delete(resources::remove),
        )
        .route(
            "/aps/2/resources/{id}/{*rest}",
            axum::routing::any(subpaths::dispatch),
        )
        .route(
            "/aps/2/applications",
            get(applications::list).post(applications::install),
        )
        .route("/aps/2/applications/{instance}", get(applications::get_one))
        .route(
            "/aps/2/applications/{instance}/{service}",
            post(applications::register).get(applications::list_service),
        )
        .route(
            "/aps/2/applications/{instance}/{service}/{id}",
            get(applications::get_resource)
                .put(applications::update)
                .delete(applications::unregister),
        )
        .route("/aps/2/application", get(applications::own))
        .route(
            "/aps/2/application/{service}",
            post(applications::register_own).get(applications::list_own_service),
        )
        .route(
            "/aps/2/application/{service}/{id}",
            get(applications::get_own_resource)
                .put(applications::update_own)
                .delete(applications::unregister_own),
        )
        .route(
            "/aps/2/services/notification-manager/notifications",
            get(nm::list).post(nm::create),
        )
        .route(
            "/aps/2/services/notification-manager/notifications/{id}",
            get(nm::get_one).put(nm::update).delete(nm::remove),
        )
        .route(
            "/aps/2/services/periodic-task-manager/tasks",
            get(ptm::list).post(ptm::create).put(ptm::run_now),
        )
        .route(
            "/aps/2/services/periodic-task-manager/tasks/{uuid}",
            get(ptm::get_one).put(ptm::reschedule).delete(ptm::cancel),
        )
        .fallback(|| async { RestError::not_found("no such REST path") })
}

/// The REST API router; paths are matched with or without a trailing slash.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    slash_tolerant(routes(shared))
}

/// `inner`, matching paths with or without a trailing slash.
fn slash_tolerant(inner: Router) -> Router {
    Router::new().fallback_service(tower::service_fn(move |mut req: Request| {
        let path = req.uri().path();
        if path.len() > 1 && path.ends_with('/') {
            let trimmed = path.trim_end_matches('/');
            let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
            let rebuilt = match req.uri().query() {
                Some(q) => format!("{trimmed}?{q}"),
                None => trimmed.to_owned(),
            };
            if let Ok(uri) = rebuilt.parse::<Uri>() {
                *req.uri_mut() = uri;
            }
        }
        inner.clone().oneshot(req)
    }))
}

/// A response header value, when it is valid.
pub(crate) fn header_value(s: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(s).ok()
}

/// The body of an endpoint's answer as a REST answer (204 when the endpoint sent none).
pub(crate) fn passthrough(status: u16, body: Value) -> RestResult {
    if body.is_null() && status == 204 {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    ok(body)
}
