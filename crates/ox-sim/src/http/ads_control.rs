//! Control endpoints of the advertisement service: OX's `reloadconfiguration` and the
//! server side of `removeadvertisementconfigs` (OX: RMI `removeConfigurations`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::AppState;
use crate::ads;
use crate::model::{hash_password, password_matches};

/// Body of `POST /__sim/removeadvertisementconfigs`.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveRequest {
    /// Master admin login.
    #[serde(default)]
    pub login: String,
    /// Master admin password.
    #[serde(default)]
    pub password: String,
    /// One reseller, or all.
    #[serde(default)]
    pub reseller: Option<String>,
    /// Only resellers that no longer exist.
    #[serde(default)]
    pub clean: bool,
    /// Also configurations without mapping (previews).
    #[serde(default)]
    pub include_previews: bool,
}

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/__sim/reloadconfiguration", post(reload))
        .route("/__sim/removeadvertisementconfigs", post(remove))
}

async fn reload(State(st): State<Arc<AppState>>) -> Response {
    match st.ads.reload() {
        Ok(()) => {
            tracing::info!("advertisement configuration reloaded");
            Json(json!({"status": "reloaded", "enabled": st.ads.settings().is_some()}))
                .into_response()
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}

async fn remove(State(st): State<Arc<AppState>>, body: Bytes) -> Response {
    let r: RemoveRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": e.to_string()})),
            )
                .into_response();
        }
    };
    let master = &st.sim.cfg.master;
    if r.login != master.login || !password_matches(&r.password, &hash_password(&master.password)) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "Authentication failed"})),
        )
            .into_response();
    }
    let reseller = r.reseller.as_deref().map(|s| ads::or_default(Some(s)));
    match ads::remove_configurations(
        &st.sim.store,
        &st.ads,
        reseller.as_deref(),
        r.clean,
        r.include_previews,
    )
    .await
    {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": e.to_string()})),
        )
            .into_response(),
    }
}
