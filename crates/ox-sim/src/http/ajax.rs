//! The UI's HTTP API (the part the advertisement plugin needs): `/ajax/login` and
//! `/ajax/advertisement?action=get`. Answers use OX's JSON envelope (HTTP 200 with
//! `data`, or `error`/`code`/`category`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::AppState;
use crate::ads::{self, AdsError, Session};
use crate::model::password_matches;
use crate::store::{Store, contexts, users};

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ajax/login", get(login_get).post(login_post))
        .route("/ajax/advertisement", get(advertisement))
}

/// OX's error envelope: `error` holds the message template, `error_params` its values.
pub fn ox_error(code: &str, category: u8, template: &str, params: &[Value]) -> Value {
    let mut desc = template.to_string();
    for p in params {
        let s = match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        desc = desc.replacen("%s", &s, 1);
    }
    let categories = match category {
        1 => "USER_INPUT",
        4 => "TRY_AGAIN",
        _ => "ERROR",
    };
    json!({
        "error": template,
        "error_params": params,
        "categories": categories,
        "category": category,
        "code": code,
        "error_id": format!("{}-{}", rand::random::<u32>(), 1),
        "error_desc": desc,
    })
}

fn params(query: Option<String>, body: &[u8]) -> HashMap<String, String> {
    let mut out: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    for (k, v) in url::form_urlencoded::parse(body).into_owned() {
        out.entry(k).or_insert(v);
    }
    out
}

async fn login_get(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> Response {
    login(&st, params(q, b"")).await
}

async fn login_post(
    State(st): State<Arc<AppState>>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    login(&st, params(q, &body)).await
}

/// Finds the context of a login's domain part: login mapping, context name or id.
async fn context_of(store: &Store, domain: &str) -> Result<Option<i64>, sqlx::Error> {
    let mut c = store.conn().await?;
    if let Some(id) = contexts::mapping_owner(&mut c, domain).await? {
        return Ok(Some(id));
    }
    if let Some(id) = contexts::id_by_name(&mut c, domain).await? {
        return Ok(Some(id));
    }
    match domain.parse::<i64>() {
        Ok(id) => Ok(contexts::get(&mut c, id).await?.map(|x| x.id)),
        Err(_) => Ok(None),
    }
}

/// Authenticates `name`/`password`: `user@mapping` (user `user` or `user@mapping` in
/// the mapped context), or a bare name in the context mapped as `defaultcontext`.
async fn authenticate(
    store: &Store,
    name: &str,
    password: &str,
) -> Result<Option<Session>, sqlx::Error> {
    let (local, domain) = name.rsplit_once('@').unwrap_or((name, "defaultcontext"));
    let Some(cid) = context_of(store, domain).await? else {
        return Ok(None);
    };
    let mut c = store.conn().await?;
    let Some(ctx) = contexts::get(&mut c, cid).await? else {
        return Ok(None);
    };
    if !ctx.enabled {
        return Ok(None);
    }
    for candidate in [local, name] {
        if let Some(uid) = users::id_by_name(&mut c, cid, candidate).await?
            && let Some(u) = users::get(&mut c, cid, uid).await?
        {
            return Ok(
                password_matches(password, &u.password_hash).then_some(Session {
                    context_id: cid,
                    user_id: uid,
                }),
            );
        }
    }
    Ok(None)
}

async fn login(st: &AppState, p: HashMap<String, String>) -> Response {
    if p.get("action").map(String::as_str) != Some("login") {
        return axum::Json(unknown_action(p.get("action"))).into_response();
    }
    let name = p
        .get("name")
        .or_else(|| p.get("login"))
        .cloned()
        .unwrap_or_default();
    let password = p.get("password").cloned().unwrap_or_default();
    let bad = || {
        axum::Json(ox_error(
            "LGI-0006",
            1,
            "The user name or password is incorrect.",
            &[],
        ))
        .into_response()
    };
    if name.is_empty() || password.is_empty() {
        return bad();
    }
    match authenticate(&st.sim.store, &name, &password).await {
        Ok(Some(s)) => {
            let (cid, uid) = (s.context_id, s.user_id);
            let id = st.ads.open_session(s);
            axum::Json(json!({
                "session": id,
                "user": name,
                "user_id": uid,
                "context_id": cid,
                "locale": "en_US",
            }))
            .into_response()
        }
        Ok(None) => bad(),
        Err(e) => {
            tracing::warn!(error = %e, "login failed");
            axum::Json(ox_error(
                "LGI-0001",
                8,
                "Login failed: %s",
                &[json!(e.to_string())],
            ))
            .into_response()
        }
    }
}

fn unknown_action(a: Option<&String>) -> Value {
    ox_error(
        "SVL-0010",
        1,
        "Unknown action: %s.",
        &[json!(a.cloned().unwrap_or_default())],
    )
}

async fn advertisement(State(st): State<Arc<AppState>>, RawQuery(q): RawQuery) -> Response {
    let p = params(q, b"");
    let sid = p.get("session").cloned().unwrap_or_default();
    let Some(s) = st.ads.session(&sid) else {
        return axum::Json(ox_error(
            "SES-0203",
            4,
            "Your session %s expired. Please start a new browser session.",
            &[json!(sid)],
        ))
        .into_response();
    };
    if p.get("action").map(String::as_str) != Some("get") {
        return axum::Json(unknown_action(p.get("action"))).into_response();
    }
    let body = match ads::get_config(&st.sim.store, &st.ads, s.context_id, s.user_id).await {
        Ok(v) => json!({"data": v}),
        Err(AdsError::NotFound { user, context }) => ox_error(
            "ADVERTISEMENT-0002",
            1,
            "No valid configurations available for user %s in context %s",
            &[json!(user), json!(context)],
        ),
        Err(AdsError::Parse(m)) => ox_error(
            "ADVERTISEMENT-0003",
            8,
            "Unable to parse configuration: %s",
            &[json!(m)],
        ),
        Err(e) => ox_error(
            "ADVERTISEMENT-0001",
            5,
            "Unexpected database error: %s",
            &[json!(e.to_string())],
        ),
    };
    axum::Json(body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_formats_params() {
        let e = ox_error("X-1", 1, "a %s b %s", &[json!(3), json!("c")]);
        assert_eq!(e["error"], "a %s b %s");
        assert_eq!(e["error_desc"], "a 3 b c");
        assert_eq!(e["category"], 1);
        assert_eq!(e["code"], "X-1");
    }

    #[test]
    fn params_merge_query_and_form() {
        let p = params(
            Some("action=login&name=a%40b".into()),
            b"password=p+w&name=x",
        );
        assert_eq!(p["name"], "a@b");
        assert_eq!(p["password"], "p w");
    }
}
