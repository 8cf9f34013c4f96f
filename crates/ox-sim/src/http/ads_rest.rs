//! OX's admin REST API for advertisement configurations (`AdConfigRestService`,
//! `/advertisement/v1`, HTTP basic auth with the configured REST credentials).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use base64::Engine;
use serde_json::{Value, json};

use super::AppState;
use crate::ads::{self, AdsError, ConfigResult};
use crate::model::password_matches;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/advertisement/v1/config/user",
            put(put_user).delete(delete_user),
        )
        .route(
            "/advertisement/v1/config/name",
            put(put_name).delete(delete_name),
        )
        .route(
            "/advertisement/v1/config/package",
            put(put_package).delete(delete_package),
        )
        .route("/advertisement/v1/config/reseller", put(put_reseller))
}

fn error(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, axum::Json(json!({"error": msg.into()}))).into_response()
}

/// Constant-time-ish comparison of the Basic credentials with the configured ones.
pub(super) fn basic_auth_ok(headers: &HeaderMap, login: &str, password: &str) -> bool {
    if login.is_empty() {
        return false;
    }
    let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let Some(b64) = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))
    else {
        return false;
    };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
        return false;
    };
    let Ok(s) = String::from_utf8(raw) else {
        return false;
    };
    let Some((l, p)) = s.split_once(':') else {
        return false;
    };
    // Compare hashes so that the comparison time does not depend on the password.
    l == login && password_matches(p, &crate::model::hash_password(password))
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"OX REST\"")],
        axum::Json(json!({"error": "Unauthorized"})),
    )
        .into_response()
}

struct Req {
    q: HashMap<String, String>,
}

impl Req {
    fn new(q: Option<String>) -> Req {
        let q = url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
        Req { q }
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.q.get(k).map(String::as_str)
    }

    fn int(&self, keys: &[&str]) -> Result<i64, String> {
        let v = keys
            .iter()
            .find_map(|k| self.get(k))
            .ok_or_else(|| format!("missing parameter {}", keys[0]))?;
        v.trim()
            .parse()
            .map_err(|_| format!("invalid parameter {}", keys[0]))
    }

    fn string(&self, k: &str) -> Result<&str, String> {
        self.get(k)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("missing parameter {k}"))
    }
}

fn body_json(body: &Bytes) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))
}

fn status_of(r: ConfigResult) -> StatusCode {
    match r {
        ConfigResult::Created => StatusCode::CREATED,
        ConfigResult::Updated | ConfigResult::Ignored => StatusCode::OK,
        ConfigResult::Deleted => StatusCode::NO_CONTENT,
    }
}

fn ads_error(e: &AdsError) -> Response {
    match e {
        AdsError::NoSuchUser { .. } => error(StatusCode::NOT_FOUND, e.to_string()),
        _ => {
            tracing::warn!(error = %e, "advertisement REST call failed");
            error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

fn finish(r: Result<ConfigResult, AdsError>, delete: bool) -> Response {
    match r {
        Ok(_) if delete => StatusCode::NO_CONTENT.into_response(),
        Ok(r) => status_of(r).into_response(),
        Err(e) => ads_error(&e),
    }
}

/// Which preview/package call.
enum Target {
    User,
    Name,
    Package,
}

async fn run(
    st: &AppState,
    headers: &HeaderMap,
    q: Option<String>,
    body: Option<&Bytes>,
    target: Target,
) -> Response {
    let cfg = &st.sim.cfg;
    if !basic_auth_ok(headers, &cfg.rest_login, &cfg.rest_password) {
        return unauthorized();
    }
    let req = Req::new(q);
    let config = match body.map(body_json).transpose() {
        Ok(v) => v.filter(|v| !v.is_null()),
        Err(m) => return error(StatusCode::BAD_REQUEST, m),
    };
    let (store, cache) = (&st.sim.store, &st.ads);
    let r = match target {
        Target::User => {
            let (cid, uid) = match (req.int(&["contextId", "ctxId"]), req.int(&["userId"])) {
                (Ok(c), Ok(u)) => (c, u),
                (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
            };
            ads::set_preview(store, cache, cid, uid, config.as_ref()).await
        }
        Target::Name => {
            let (name, cid) = match (req.string("name"), req.int(&["contextId", "ctxId"])) {
                (Ok(n), Ok(c)) => (n, c),
                (Err(m), _) | (_, Err(m)) => return error(StatusCode::BAD_REQUEST, m),
            };
            ads::set_preview_by_name(store, cache, name, cid, config.as_ref()).await
        }
        Target::Package => {
            let reseller = ads::or_default(req.get("reseller"));
            let package = ads::or_default(req.get("package"));
            ads::set_package(store, cache, &reseller, &package, config.as_ref()).await
        }
    };
    finish(r, body.is_none())
}

async fn put_user(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    run(&st, &headers, q, Some(&body), Target::User).await
}

async fn delete_user(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    run(&st, &headers, q, None, Target::User).await
}

async fn put_name(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    run(&st, &headers, q, Some(&body), Target::Name).await
}

async fn delete_name(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    run(&st, &headers, q, None, Target::Name).await
}

async fn put_package(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    run(&st, &headers, q, Some(&body), Target::Package).await
}

async fn delete_package(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    run(&st, &headers, q, None, Target::Package).await
}

/// Parses `[{"package": .., "config": ..|null}]`.
fn reseller_items(v: Value) -> Result<Vec<(String, Option<Value>)>, String> {
    let Value::Array(items) = v else {
        return Err("expected a JSON array".into());
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(mut o) = item else {
                return Err(format!("element {i} is not an object"));
            };
            let pack = match o.remove("package") {
                Some(Value::String(s)) => s,
                Some(Value::Null) | None => String::new(),
                Some(_) => return Err(format!("element {i}: package is not a string")),
            };
            let config = o.remove("config").filter(|c| !c.is_null());
            Ok((pack, config))
        })
        .collect()
}

async fn put_reseller(
    State(st): State<Arc<AppState>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let cfg = &st.sim.cfg;
    if !basic_auth_ok(&headers, &cfg.rest_login, &cfg.rest_password) {
        return unauthorized();
    }
    let reseller = ads::or_default(Req::new(q).get("reseller"));
    let items = match body_json(&body).and_then(reseller_items) {
        Ok(items) => items,
        Err(msg) => return error(StatusCode::BAD_REQUEST, msg),
    };
    let mut out = Vec::with_capacity(items.len());
    for (pack, config) in items {
        let pack = ads::or_default(Some(&pack));
        let r = ads::set_package(&st.sim.store, &st.ads, &reseller, &pack, config.as_ref()).await;
        out.push(match r {
            Ok(r) => json!({"status": r.name()}),
            Err(e) => json!({"status": "ERROR", "error": e.to_string()}),
        });
    }
    axum::Json(Value::Array(out)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn basic_auth() {
        let mut h = HeaderMap::new();
        assert!(!basic_auth_ok(&h, "l", "p"));
        let enc = base64::engine::general_purpose::STANDARD.encode("l:p");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {enc}")).unwrap(),
        );
        assert!(basic_auth_ok(&h, "l", "p"));
        assert!(!basic_auth_ok(&h, "l", "q"));
        assert!(!basic_auth_ok(&h, "", ""));
    }

    #[test]
    fn reseller_body() {
        let v = json!([{"package": "a", "config": {"x": 1}}, {"package": "b", "config": null}, {"config": 1}]);
        let items = reseller_items(v).unwrap();
        assert_eq!(items[0], ("a".into(), Some(json!({"x": 1}))));
        assert_eq!(items[1], ("b".into(), None));
        assert_eq!(items[2], (String::new(), Some(json!(1))));
        assert!(reseller_items(json!({"package": "a"})).is_err());
        assert!(reseller_items(json!([1])).is_err());
        assert!(reseller_items(json!([{"package": 3}])).is_err());
    }
}
