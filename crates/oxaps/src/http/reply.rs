//! Turning replies and errors into HTTP responses.

use aps::ApsError;
use aps::headers;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;

use crate::services::Reply;

/// Properties oxaps keeps on a stored resource for its own bookkeeping (e.g. the usage figures
/// last pushed to the controller) start with this; they are not part of the APS type and never
/// leave the endpoint.
pub const INTERNAL_PREFIX: &str = "_oxaps";

/// Removes bookkeeping properties from a resource (or a list of resources) about to be sent.
fn without_internal(body: &Value) -> std::borrow::Cow<'_, Value> {
    let internal = |v: &Value| {
        v.as_object()
            .is_some_and(|m| m.keys().any(|k| k.starts_with(INTERNAL_PREFIX)))
    };
    let strip = |v: &mut Value| {
        if let Some(m) = v.as_object_mut() {
            m.retain(|k, _| !k.starts_with(INTERNAL_PREFIX));
        }
    };
    match body {
        Value::Object(_) if internal(body) => {
            let mut v = body.clone();
            strip(&mut v);
            std::borrow::Cow::Owned(v)
        }
        Value::Array(items) if items.iter().any(internal) => {
            let mut v = body.clone();
            if let Some(items) = v.as_array_mut() {
                items.iter_mut().for_each(strip);
            }
            std::borrow::Cow::Owned(v)
        }
        _ => std::borrow::Cow::Borrowed(body),
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    let body = without_internal(body);
    let bytes = serde_json::to_vec(body.as_ref()).unwrap_or_else(|_| b"{}".to_vec());
    let mut resp = (status, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// The HTTP response of a successful reply.
pub fn reply_response(reply: Reply) -> Response {
    match reply {
        Reply::Ok(body) => json_response(StatusCode::OK, &body),
        Reply::Created(body) => json_response(StatusCode::CREATED, &body),
        Reply::NoContent => StatusCode::NO_CONTENT.into_response(),
        Reply::Accepted {
            body,
            info,
            retry_after,
        } => {
            let mut resp = json_response(
                StatusCode::ACCEPTED,
                &body.unwrap_or_else(|| Value::Object(Default::default())),
            );
            let h = resp.headers_mut();
            h.insert(headers::RETRY_TIMEOUT, HeaderValue::from(retry_after));
            // APS-Info is free text; keep it to visible ASCII so it is always a valid header value.
            let info: String = info
                .chars()
                .map(|c| {
                    if c.is_ascii_graphic() || c == ' ' {
                        c
                    } else {
                        '?'
                    }
                })
                .collect();
            if let Ok(v) = HeaderValue::from_str(&info) {
                h.insert(headers::INFO, v);
            }
            resp
        }
    }
}

/// The HTTP response of an APS error: `{code, type, message}` with that status.
pub fn error_response(error: &ApsError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_value(error.body()).unwrap_or(Value::Null);
    json_response(status, &body)
}

/// The 404 for a path no service answers, worded as the PHP runtime words it.
pub fn no_route(path: &str) -> ApsError {
    ApsError::new(
        404,
        "RuntimeException",
        format!("Not Found: No appropriate method found for url {path}"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn bookkeeping_properties_never_leave_the_endpoint() {
        let one = serde_json::json!({"login": "a", "_oxapsPushedUsage": {"x": 1}});
        assert_eq!(
            super::without_internal(&one).as_ref(),
            &serde_json::json!({"login": "a"})
        );
        let list = serde_json::json!([one, {"b": 2}]);
        assert_eq!(
            super::without_internal(&list).as_ref(),
            &serde_json::json!([{"login": "a"}, {"b": 2}])
        );
    }
    use super::*;

    #[test]
    fn accepted_sets_aps_headers() {
        let r = reply_response(Reply::Accepted {
            body: None,
            info: "Creating context\n".into(),
            retry_after: 30,
        });
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        assert_eq!(r.headers()[headers::RETRY_TIMEOUT], "30");
        assert_eq!(r.headers()[headers::INFO], "Creating context?");
    }

    #[test]
    fn errors_carry_status_and_json() {
        let r = error_response(&no_route("/x"));
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/json");
    }
}
