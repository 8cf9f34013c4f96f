//! Control API (JSON over HTTP) under `/__sim/`: fault injection, usage figures,
//! counters and health.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use super::AppState;
use crate::domain;
use crate::faults::FaultConfig;

/// Body of `PUT /__sim/usage/user`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserUsage {
    /// Context id.
    pub context_id: i64,
    /// User id.
    pub user_id: i64,
    /// Used mail quota in MB.
    pub used_mb: i64,
}

/// Body of `PUT /__sim/usage/context`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextUsage {
    /// Context id.
    pub context_id: i64,
    /// Used filestore in MB.
    pub used_mb: i64,
}

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/__sim/health", get(health))
        .route(
            "/__sim/faults",
            get(get_faults).put(put_faults).delete(reset_faults),
        )
        .route("/__sim/usage/user", put(put_user_usage))
        .route("/__sim/usage/context", put(put_context_usage))
        .route("/__sim/stats", get(get_stats).delete(reset_stats))
}

fn bad_request(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": msg.into()}))).into_response()
}

async fn health(State(st): State<Arc<AppState>>) -> Response {
    match st.sim.store.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "error", "error": e.to_string()})),
        )
            .into_response(),
    }
}

async fn get_faults(State(st): State<Arc<AppState>>) -> Json<FaultConfig> {
    Json(st.faults.get())
}

async fn put_faults(State(st): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let cfg: FaultConfig = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return bad_request(e.to_string()),
    };
    match st.faults.set(cfg) {
        Ok(()) => {
            tracing::info!(faults = ?st.faults.get(), "fault injection changed");
            Json(st.faults.get()).into_response()
        }
        Err(e) => bad_request(e),
    }
}

async fn reset_faults(State(st): State<Arc<AppState>>) -> StatusCode {
    st.faults.reset();
    StatusCode::NO_CONTENT
}

async fn put_user_usage(State(st): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let u: UserUsage = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => return bad_request(e.to_string()),
    };
    match domain::set_user_usage(&st.sim, u.context_id, u.user_id, u.used_mb).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such user"})),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": e.message})),
        )
            .into_response(),
    }
}

async fn put_context_usage(State(st): State<Arc<AppState>>, body: axum::body::Bytes) -> Response {
    let u: ContextUsage = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => return bad_request(e.to_string()),
    };
    match domain::set_context_usage(&st.sim, u.context_id, u.used_mb).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such context"})),
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": e.message})),
        )
            .into_response(),
    }
}

async fn get_stats(State(st): State<Arc<AppState>>) -> Response {
    Json(st.stats.snapshot()).into_response()
}

async fn reset_stats(State(st): State<Arc<AppState>>) -> StatusCode {
    st.stats.reset();
    StatusCode::NO_CONTENT
}
