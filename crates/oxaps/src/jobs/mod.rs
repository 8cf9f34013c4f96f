//! The connector's job kinds. Each handler is idempotent: it may run more than once.

mod handler;
pub mod notify;
pub mod store_only_apply;
pub mod verify_controller;

use std::sync::Arc;

use oxaps_jobs::Registry;

use crate::app::App;

pub use handler::{AppHandler, AppJob, instance_gone, payload_instance};

/// Every job handler of the connector.
pub fn registry(app: &Arc<App>) -> Registry {
    let mut registry = Registry::new();
    registry.register(verify_controller::Handler::new(app.clone()));
    registry.register(store_only_apply::Handler::new(app.clone()));
    registry.register(crate::model::job::Handler::new(app.clone()));
    registry.register(notify::Handler::new(app.clone()));
    crate::cron::register(&mut registry, app);
    registry
}
