//! The APS endpoint over HTTPS: routing, APS headers, controller authentication, replies.

pub mod context;
mod dispatch;
pub mod reply;
pub mod route;

use std::sync::Arc;

use axum::Router;

pub use context::RequestContext;

use crate::app::App;

/// The router of the APS endpoint: every path goes to the dispatcher, which routes by the APS rules.
pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(dispatch::handle).with_state(app)
}
