//! Upsell from inside OX App Suite: the `<base>/api/...` routes browsers call (no client
//! certificate, no APS headers; a per-user signed token instead), and the upsell URL set on OX
//! users. See docs/upsell.md and docs/upsell-openapi.yaml.
//!
//! - [`token`]: the per-user HMAC token.
//! - [`options`]: who a token speaks for, the upgrades a user may ask for, the pending request.
//! - [`api`]: `getupsellresources/<login>` and `createrequest`.
//! - [`page`]: the `simple-wizard` iframe page.
//! - [`attribute`]: the upsell URL and its OX user attribute.

pub mod api;
pub mod attribute;
pub mod options;
pub mod page;
pub mod token;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use aps::ApsError;
use axum::body::Body;
use axum::response::Response;
use http::request::Parts;
use http::{Method, header};
use serde_json::Value;

use crate::app::App;
use crate::http::reply::{error_response, no_route, reply_response};
use crate::services::Reply;

/// The routes this module answers (method, path below the base), as docs/upsell-openapi.yaml
/// documents them.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/upsell"),
    ("get", "/api/getupsellresources/{login}"),
    ("post", "/api/createrequest"),
];

/// Answers a request below `<base>/api/` (`segments` is what follows `api`).
pub async fn handle(app: Arc<App>, parts: Parts, segments: Vec<String>, body: Body) -> Response {
    let started = Instant::now();
    let (name, result) = route(&app, &parts, &segments, body).await;
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(status = e.status, message = %e.message, call = name, "upsell request refused");
            error_response(&e)
        }
    };
    let labels = [
        ("service", "api".to_string()),
        ("operation", name.to_string()),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("oxaps_requests_total", &labels).increment(1);
    metrics::histogram!("oxaps_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    response
}

async fn route(
    app: &Arc<App>,
    parts: &Parts,
    segments: &[String],
    body: Body,
) -> (&'static str, Result<Response, ApsError>) {
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").map(str::trim));
    let token = query.get("t").map(String::as_str).or(bearer);
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (&parts.method, segs.as_slice()) {
        (&Method::GET, ["upsell"]) => {
            let missing = query.get("missing").map(String::as_str);
            let lang = query.get("lang").map(String::as_str);
            ("upsell", page::serve(app, token, missing, lang).await)
        }
        (&Method::GET, ["getupsellresources", login @ ..]) if !login.is_empty() => {
            let login = login.join("/");
            let r = api::resources(app, token, &login).await;
            (
                "getupsellresources",
                r.map(|v| reply_response(Reply::Ok(v))),
            )
        }
        (&Method::POST, ["createrequest"]) => {
            let r = async {
                let bytes = axum::body::to_bytes(body, app.config.max_body_bytes)
                    .await
                    .map_err(|_| ApsError::payload_too_large("The request body is too large."))?;
                let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
                    ApsError::bad_request(format!("Malformed JSON in request body: {e}"))
                })?;
                let created = api::create(app, token, &value).await?;
                Ok(reply_response(Reply::Created(created)))
            }
            .await;
            ("createrequest", r)
        }
        _ => ("unknown", Err(no_route(parts.uri.path()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::route::{Target, parse};

    const OPENAPI: &str = include_str!("../../../../docs/upsell-openapi.yaml");

    /// The OpenAPI file's paths (keys two spaces deep under `paths:`) with their methods.
    fn documented() -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut path = None;
        let section = OPENAPI.split("\npaths:\n").nth(1).unwrap_or_default();
        for line in section.lines() {
            if !line.starts_with(' ') && !line.is_empty() {
                break;
            }
            if let Some(p) = line.strip_prefix("  /") {
                path = Some(format!("/{}", p.trim_end_matches(':')));
            } else if let (Some(p), Some(m)) = (&path, line.strip_prefix("    ")) {
                let m = m.trim_end_matches(':');
                if ["get", "post", "put", "delete"].contains(&m) {
                    out.push((m.to_owned(), p.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn the_openapi_file_documents_exactly_the_routes() {
        let mut doc = documented();
        let mut ours: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        doc.sort();
        ours.sort();
        assert_eq!(doc, ours);
        for (_, p) in ROUTES {
            let concrete = p.replace("{login}", "ada@example.com");
            assert!(
                matches!(
                    parse("/openxchange/", &format!("/openxchange{concrete}")),
                    Some(Target::Api { .. })
                ),
                "{p} is routed to the API"
            );
        }
    }
}
