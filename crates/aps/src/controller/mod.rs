//! The client an application instance uses to call back into the APS controller's REST API
//! (`APS-Controller-URI`), authenticated by the instance certificate and key.
//!
//! A [`ControllerClient`] is cheap to clone; [`ControllerClient::in_transaction`] and
//! [`ControllerClient::impersonating`] return copies that add `APS-Transaction-ID` and
//! `APS-Resource-ID` to every call. Transient failures (connection errors, timeouts, 502/503/504,
//! 429) are retried with exponential backoff; everything else is returned at once.

mod client;
mod error;
mod services;

pub use client::{ClientOptions, ControllerClient};
pub use error::ControllerError;
pub use services::{EventSubscription, Notification, PeriodicTask, TaskCall, TaskSchedule};
