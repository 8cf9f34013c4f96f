//! One APS request: route, read the APS headers, authenticate the controller, decode, call the
//! service, answer. Every failure becomes an APS error body; nothing here panics on input.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use aps::typedef::Mode;
use aps::{ApsError, Resource};
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use base64::Engine;
use http::{Method, Request};
use serde_json::Value;
use tracing::{Instrument, info_span, warn};

use super::context::RequestContext;
use super::reply::{error_response, no_route, reply_response};
use super::route::{self, ROOT_SERVICE, Target};
use crate::app::App;
use crate::services::{ApsService, Call, OperationInput, Reply, internal};
use crate::tls::PeerCertificate;

/// The operation a request addresses, for metrics and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Provision,
    Retrieve,
    Configure,
    Unprovision,
    Link,
    Unlink,
    Upgrade,
    Operation,
    Unknown,
}

impl OpKind {
    fn as_str(self) -> &'static str {
        match self {
            OpKind::Provision => "provision",
            OpKind::Retrieve => "retrieve",
            OpKind::Configure => "configure",
            OpKind::Unprovision => "unprovision",
            OpKind::Link => "link",
            OpKind::Unlink => "unlink",
            OpKind::Upgrade => "upgrade",
            OpKind::Operation => "operation",
            OpKind::Unknown => "unknown",
        }
    }
}

/// The axum handler for every path.
pub async fn handle(State(app): State<Arc<App>>, req: Request<Body>) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let peer = parts
        .extensions
        .get::<PeerCertificate>()
        .cloned()
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let Some(target) = route::parse(&app.base_path, &path) else {
        return finish("none", OpKind::Unknown, started, Err(no_route(&path)));
    };
    let (service_name, segments) = match target {
        Target::Service { service, segments } => (service, segments),
        Target::Api { segments } => return crate::upsell::handle(app, parts, segments, body).await,
    };
    let ctx = match RequestContext::from_headers(&parts.headers) {
        Ok(ctx) => ctx,
        Err(e) => return finish(service_name, OpKind::Unknown, started, Err(e)),
    };
    let span = info_span!(
        "aps",
        instance_id = %ctx.instance_id,
        transaction_id = ctx.transaction_id.as_deref().unwrap_or(""),
        service = service_name,
        method = %parts.method,
        resource_id = segments.first().map(String::as_str).unwrap_or(""),
        phase = ctx.phase.as_str(),
    );
    let query = parse_query(parts.uri.query());
    let request = Incoming {
        service: service_name,
        method: parts.method,
        segments,
        query,
        peer,
        path,
    };
    let (op, result) = serve(app, service_name, ctx, request, body)
        .instrument(span.clone())
        .await;
    span.in_scope(|| finish(service_name, op, started, result))
}

struct Incoming {
    service: &'static str,
    method: Method,
    segments: Vec<String>,
    query: BTreeMap<String, String>,
    peer: PeerCertificate,
    path: String,
}

async fn serve(
    app: Arc<App>,
    service_name: &'static str,
    ctx: RequestContext,
    req: Incoming,
    body: Body,
) -> (OpKind, Result<Reply, ApsError>) {
    let Some(service) = app.services.get(service_name).cloned() else {
        return (OpKind::Unknown, Err(no_route(&req.path)));
    };
    let (op, target) = classify(service.as_ref(), &req);
    let Some(target) = target else {
        return (op, Err(no_route(&req.path)));
    };
    let bytes = match axum::body::to_bytes(body, app.config.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            let e = ApsError::payload_too_large(format!(
                "Request body exceeds the limit of {} bytes.",
                app.config.max_body_bytes
            ));
            return (op, Err(e));
        }
    };
    let call = match authenticate(&app, ctx, &req, op).await {
        Ok(call) => call,
        Err(e) => return (op, Err(e)),
    };
    (
        op,
        invoke(service.as_ref(), &call, target, &bytes, req.query).await,
    )
}

/// What a request addresses on a service, decided from method and path before any I/O.
enum Addressed {
    Provision,
    Retrieve(String),
    Configure(String),
    Unprovision(String),
    Link(String, String),
    Unlink(String, String, String),
    Upgrade(String),
    Operation(Option<String>, String, BTreeMap<String, String>),
}

fn classify(service: &dyn ApsService, req: &Incoming) -> (OpKind, Option<Addressed>) {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let verb = req.method.as_str();
    let def = service.type_def();
    if !segs.is_empty()
        && let Some((name, params)) = def.find_operation(verb, &segs, true)
    {
        return (
            OpKind::Operation,
            Some(Addressed::Operation(None, name.to_owned(), params)),
        );
    }
    let addressed = match (&req.method, segs.as_slice()) {
        (&Method::POST, []) => Some((OpKind::Provision, Addressed::Provision)),
        (&Method::GET, [id]) => Some((OpKind::Retrieve, Addressed::Retrieve(id.to_string()))),
        (&Method::PUT, [id]) => Some((OpKind::Configure, Addressed::Configure(id.to_string()))),
        (&Method::DELETE, [id]) => {
            Some((OpKind::Unprovision, Addressed::Unprovision(id.to_string())))
        }
        (&Method::POST, [id, "upgrade"]) if service.name() == ROOT_SERVICE => {
            Some((OpKind::Upgrade, Addressed::Upgrade(id.to_string())))
        }
        (_, [id, rest @ ..]) if !rest.is_empty() => {
            if let Some((name, params)) = def.find_operation(verb, rest, false) {
                Some((
                    OpKind::Operation,
                    Addressed::Operation(Some(id.to_string()), name.to_owned(), params),
                ))
            } else {
                match (&req.method, rest) {
                    (&Method::POST, [rel]) if def.relations.contains_key(*rel) => Some((
                        OpKind::Link,
                        Addressed::Link(id.to_string(), rel.to_string()),
                    )),
                    (&Method::DELETE, [rel, other]) if def.relations.contains_key(*rel) => Some((
                        OpKind::Unlink,
                        Addressed::Unlink(id.to_string(), rel.to_string(), other.to_string()),
                    )),
                    _ => None,
                }
            }
        }
        _ => None,
    };
    match addressed {
        Some((op, a)) => (op, Some(a)),
        None => (OpKind::Unknown, None),
    }
}

/// Finds the instance and checks the TLS client certificate against its controller certificate.
async fn authenticate(
    app: &Arc<App>,
    ctx: RequestContext,
    req: &Incoming,
    op: OpKind,
) -> Result<Call, ApsError> {
    let instance = app
        .store
        .instance(&ctx.instance_id)
        .await
        .map_err(internal)?;
    let Some(instance) = instance else {
        let installing = op == OpKind::Provision && req.segments.is_empty();
        let repeated_uninstall =
            op == OpKind::Unprovision && req.segments.first() == Some(&ctx.instance_id);
        if req.service == ROOT_SERVICE && (installing || repeated_uninstall) {
            // Installation: trust on first use, checked against the body by the root service.
            // A repeated uninstall finds nothing to remove and succeeds without touching state.
            return Ok(Call {
                app: app.clone(),
                ctx,
                instance: None,
                peer_certificate: req.peer.0.clone(),
            });
        }
        return Err(ApsError::not_found(format!(
            "Application instance {} is not installed on this endpoint.",
            ctx.instance_id
        )));
    };
    if app.config.check_client_cert {
        let Some(presented) = &req.peer.0 else {
            return Err(ApsError::forbidden("A TLS client certificate is required."));
        };
        let stored = base64::engine::general_purpose::STANDARD
            .decode(&instance.controller_cert_der)
            .map_err(|_| internal("stored controller certificate is corrupt"))?;
        if stored.as_slice() != presented.as_slice() {
            warn!(presented_sha256 = %aps::pem::fingerprint(presented), "client certificate is not the instance's controller certificate");
            return Err(ApsError::forbidden(
                "The TLS client certificate is not the controller certificate of this application instance.",
            ));
        }
    }
    if instance.controller_uri != ctx.controller_uri {
        app.store
            .set_controller_uri(&instance.id, &ctx.controller_uri)
            .await
            .map_err(internal)?;
        app.forget_controller(&instance.id);
    }
    Ok(Call {
        app: app.clone(),
        ctx,
        instance: Some(instance),
        peer_certificate: req.peer.0.clone(),
    })
}

async fn invoke(
    service: &dyn ApsService,
    call: &Call,
    target: Addressed,
    bytes: &[u8],
    query: BTreeMap<String, String>,
) -> Result<Reply, ApsError> {
    match target {
        Addressed::Provision => {
            service
                .provision(
                    call,
                    valid(service, resource_body(bytes)?, Mode::Provision)?,
                )
                .await
        }
        Addressed::Retrieve(id) => service.retrieve(call, &id).await,
        Addressed::Configure(id) => {
            service
                .configure(
                    call,
                    &id,
                    valid(service, resource_body(bytes)?, Mode::Configure)?,
                )
                .await
        }
        Addressed::Unprovision(id) => service.unprovision(call, &id).await,
        Addressed::Link(id, rel) => {
            service
                .link(call, &id, &rel, json_body(bytes)?.unwrap_or(Value::Null))
                .await
        }
        Addressed::Unlink(id, rel, other) => service.unlink(call, &id, &rel, &other).await,
        Addressed::Upgrade(id) => {
            service
                .upgrade(call, &id, query.get("version").map(String::as_str))
                .await
        }
        Addressed::Operation(id, name, path) => {
            let input = OperationInput {
                path,
                query,
                body: json_body(bytes)?,
            };
            service.operation(call, id.as_deref(), &name, input).await
        }
    }
}

/// Checks a resource against the service's type definition; all violations in one message.
fn valid(service: &dyn ApsService, resource: Resource, mode: Mode) -> Result<Resource, ApsError> {
    let violations = service.type_def().validate(&resource.props, mode);
    if violations.is_empty() {
        return Ok(resource);
    }
    let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
    Err(ApsError::bad_request(format!(
        "Invalid {}: {}.",
        service.name(),
        list.join("; ")
    )))
}

fn json_body(bytes: &[u8]) -> Result<Option<Value>, ApsError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(bytes)
        .map(Some)
        .map_err(|e| ApsError::bad_request(format!("Malformed JSON in request body: {e}")))
}

fn resource_body(bytes: &[u8]) -> Result<Resource, ApsError> {
    match json_body(bytes)? {
        Some(v @ Value::Object(_)) => serde_json::from_value(v)
            .map_err(|e| ApsError::bad_request(format!("Malformed resource in request body: {e}"))),
        Some(_) => Err(ApsError::bad_request(
            "The request body must be a JSON object.",
        )),
        None => Err(ApsError::bad_request(
            "The request body is empty; a resource JSON object is required.",
        )),
    }
}

fn parse_query(query: Option<&str>) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn finish(
    service: &'static str,
    op: OpKind,
    started: Instant,
    result: Result<Reply, ApsError>,
) -> Response {
    let response = match result {
        Ok(reply) => reply_response(reply),
        Err(e) => {
            if e.status >= 500 {
                warn!(status = e.status, message = %e.message, "request failed");
            } else {
                tracing::info!(status = e.status, message = %e.message, "request rejected");
            }
            error_response(&e)
        }
    };
    let status = response.status().as_u16().to_string();
    let labels = [
        ("service", service.to_string()),
        ("operation", op.as_str().to_string()),
        ("status", status),
    ];
    metrics::counter!("oxaps_requests_total", &labels).increment(1);
    metrics::histogram!("oxaps_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    response
}
