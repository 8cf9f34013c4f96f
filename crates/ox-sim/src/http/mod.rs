//! HTTP surface: SOAP endpoints and WSDLs under `/webservices/`, the control API
//! under `/__sim/`.

mod ads_control;
mod ads_rest;
mod ajax;
mod control;
mod inject;
mod soap;
mod stats;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, header};
use axum::routing::{get, post};

pub use ads_control::RemoveRequest;
pub use inject::DropConnection;
pub use stats::{Snapshot, Stats};

use crate::ads::Ads;
use crate::domain::Sim;
use crate::faults::FaultState;

/// State shared by all handlers.
#[derive(Debug)]
pub struct AppState {
    /// Domain state (schema, store, config).
    pub sim: Sim,
    /// Fault injection settings.
    pub faults: FaultState,
    /// Request counters.
    pub stats: Stats,
    /// Advertisement service state.
    pub ads: Ads,
}

/// Builds the router.
pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.sim.cfg.max_body_bytes;
    Router::new()
        .route("/webservices", get(soap::overview))
        .route("/webservices/", get(soap::overview))
        .route("/webservices/{service}", post(soap::call).get(soap::wsdl))
        .merge(control::routes())
        .merge(ads_rest::routes())
        .merge(ads_control::routes())
        .merge(ajax::routes())
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

/// `http(s)://host[:port]` as the client addressed us (Host header), for WSDL
/// addresses and the overview page.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn base_url_from_host() {
        let mut h = HeaderMap::new();
        assert_eq!(base_url(&h), "http://localhost");
        h.insert(
            header::HOST,
            HeaderValue::from_static("ox.example.com:8080"),
        );
        assert_eq!(base_url(&h), "http://ox.example.com:8080");
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert_eq!(base_url(&h), "https://ox.example.com:8080");
    }
}
