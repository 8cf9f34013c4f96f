//! `/aps/…` of the preview: the simulator's REST API acting as the customer's staff member,
//! without a client certificate (the account is impersonated, the user is the identity sent to
//! endpoints as `APS-Identity-ID`, as the real panel's session does).
//!
//! The session is a customer's, so the gateway keeps what a customer may do: only
//! `/aps/2/resources…` and `/aps/2/types…` (no applications, task or notification managers);
//! changes only to resources of the customer's account (creating new ones is allowed: the
//! controller assigns them to the account); properties the package declares `encrypted` never
//! reach the browser. Requests must name this server in `Host` (no DNS rebinding), carry no
//! foreign `Origin`, and send JSON bodies (no cross-site form posts).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::controller::Shared;
use crate::rest::{Caller, router_as};

/// The largest answer the gateway rewrites (the simulator's lists are far smaller).
const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// The customer's gateway to the REST API.
pub(super) struct Gateway {
    shared: Arc<Shared>,
    api: Router,
    account_id: String,
    /// Type id → properties declared `encrypted` in the package's schemas.
    encrypted: BTreeMap<String, BTreeSet<String>>,
}

impl Gateway {
    /// The REST API as `user_id` of `account_id`; `schemas` are the package's schema files.
    pub(super) fn new<'a>(
        shared: Arc<Shared>,
        account_id: &str,
        user_id: &str,
        schemas: impl Iterator<Item = &'a [u8]>,
    ) -> Gateway {
        let api = router_as(
            shared.clone(),
            Caller {
                instance: None,
                account: Some(account_id.to_owned()),
                transaction_id: None,
                identity: Some(user_id.to_owned()),
            },
        );
        Gateway {
            shared,
            api,
            account_id: account_id.to_owned(),
            encrypted: schemas.filter_map(encrypted_of).collect(),
        }
    }

    /// Answers one `/aps…` request of the browser; `origin` is this server's `http://host:port`.
    pub(super) async fn handle(&self, origin: &str, req: Request) -> Response {
        if let Err(why) = self.admissible(origin, &req) {
            return refuse(StatusCode::FORBIDDEN, &why);
        }
        let answer = match self.api.clone().oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        self.without_secrets(answer).await
    }

    fn admissible(&self, origin: &str, req: &Request) -> Result<(), String> {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let port = origin.rsplit(':').next().unwrap_or_default();
        if host != format!("127.0.0.1:{port}") && host != format!("localhost:{port}") {
            return Err(format!("Host {host} is not this preview"));
        }
        if let Some(o) = req.headers().get(header::ORIGIN) {
            let o = o.to_str().unwrap_or_default();
            if o != origin && o != format!("http://localhost:{port}") {
                return Err(format!("requests from {o} are not accepted"));
            }
        }
        let path = req.uri().path();
        let allowed = path == "/aps"
            || path == "/aps/2/resources"
            || path.starts_with("/aps/2/resources/")
            || path == "/aps/2/types"
            || path.starts_with("/aps/2/types/");
        if !allowed {
            return Err(format!("{path} is not open to customers"));
        }
        if req.method() == Method::GET || req.method() == Method::HEAD {
            return Ok(());
        }
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|c| c.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"));
        let has_body = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|l| l != "0");
        if has_body && !json {
            return Err("request bodies must be application/json".into());
        }
        if !path.starts_with("/aps/2/resources/") {
            return Ok(()); // creating a resource: the controller assigns it to the account
        }
        let target = path
            .trim_start_matches("/aps/2/resources/")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let owner = self.shared.read(|st| st.account_of(&target));
        match owner {
            Some(a) if a == self.account_id => Ok(()),
            _ => Err(format!(
                "resource {target} does not belong to the customer's account"
            )),
        }
    }

    /// Removes encrypted properties from resources in a JSON answer.
    async fn without_secrets(&self, answer: Response) -> Response {
        if self.encrypted.is_empty() {
            return answer;
        }
        let (parts, body) = answer.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_ANSWER).await else {
            return refuse(StatusCode::BAD_GATEWAY, "the answer was too large");
        };
        let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
            return Response::from_parts(parts, Body::from(bytes));
        };
        strip(&mut value, &self.encrypted);
        let mut out = Response::from_parts(parts, Body::from(value.to_string()));
        out.headers_mut().remove(header::CONTENT_LENGTH);
        out
    }
}

/// `(type id, encrypted property names)` of one schema file.
fn encrypted_of(schema: &[u8]) -> Option<(String, BTreeSet<String>)> {
    let v: Value = serde_json::from_slice(schema).ok()?;
    let id = v.get("id")?.as_str()?.to_owned();
    let names = v
        .get("properties")?
        .as_object()?
        .iter()
        .filter(|(_, p)| p.get("encrypted").and_then(Value::as_bool) == Some(true))
        .map(|(n, _)| n.clone())
        .collect::<BTreeSet<_>>();
    (!names.is_empty()).then_some((id, names))
}

fn strip(value: &mut Value, encrypted: &BTreeMap<String, BTreeSet<String>>) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, encrypted)),
        Value::Object(map) => {
            let ty = map
                .get("aps")
                .and_then(|a| a.get("type"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(names) = ty.and_then(|t| encrypted.get(&t)) {
                map.retain(|k, _| !names.contains(k));
            }
        }
        _ => {}
    }
}

fn refuse(status: StatusCode, why: &str) -> Response {
    (
        status,
        axum::Json(json!({"code": status.as_u16(), "type": "Forbidden", "message": why})),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encrypted_properties_are_removed_from_lists_and_resources() {
        let schema = br#"{"id":"http://x/t/1.0","properties":{"pw":{"type":"string","encrypted":true},"name":{"type":"string"}}}"#;
        let map: BTreeMap<_, _> = encrypted_of(schema).into_iter().collect();
        let mut v = json!([{"aps": {"type": "http://x/t/1.0"}, "pw": "secret", "name": "n"},
                           {"aps": {"type": "http://x/other/1.0"}, "pw": "kept"}]);
        strip(&mut v, &map);
        assert_eq!(v[0].get("pw"), None);
        assert_eq!(v[0]["name"], "n");
        assert_eq!(v[1]["pw"], "kept");
    }
}
