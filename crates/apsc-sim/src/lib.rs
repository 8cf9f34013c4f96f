//! apsc-sim: a simulated APS controller (APSC) for testing APS 2.0 application endpoints.
//!
//! It acts as the controller inside Odin Service Automation does towards an application:
//! - its own CA and controller certificate; a certificate and key per application instance,
//!   sent on instance installation in `aps.x509.self` (see [`ca`] for the ECDSA deviation);
//! - calls to the endpoint with the APS headers, over TLS with the controller certificate, and
//!   the asynchronous protocol (202 + `APS-Retry-Timeout`, polled with time scaling);
//! - the REST API the endpoint calls back over mutual TLS: resources with RQL, links, event
//!   subscriptions with background delivery, notification manager, periodic task manager,
//!   `/aps/2/application(s)`, platform resources (accounts, subscriptions, users, DNS).
//!
//! Tests drive it in-process through [`SimHandle`], obtained from [`Controller::start`]:
//!
//! ```no_run
//! # async fn demo() -> apsc_sim::SimResult<()> {
//! use apsc_sim::{Controller, PackageSpec, ServiceSpec, SimConfig};
//! let sim = Controller::start(SimConfig::default()).await?;
//! let package = sim.register_package(PackageSpec::new(
//!     "http://open-xchange.com/oxaps",
//!     ServiceSpec::new("globals", "http://open-xchange.com/oxaps/globals/1.0"),
//! ))?;
//! let instance = sim.install_instance("https://127.0.0.1:1443/endpoint/", &package, serde_json::json!({})).await?;
//! # let _ = instance; Ok(()) }
//! ```

pub mod async_loop;
pub mod ca;
pub mod cli;
pub mod config;
mod controller;
pub mod endpoint_client;
pub mod error;
pub mod events;
mod handle;
mod inspect;
pub mod journal;
pub mod notifications;
mod ops;
pub mod package;
pub mod periodic;
pub mod platform;
pub mod preview;
mod rest;
pub mod rql_eval;
mod scheduler;
mod snapshot;
pub mod store;
pub mod tls;
pub mod types;

pub use async_loop::{OpKind, TaskRecord, TaskStatus};
pub use ca::{Identity, self_signed_identity};
pub use config::SimConfig;
pub use controller::Controller;
pub use error::{Phase, SimError, SimResult};
pub use events::{Delivery, DeliveryOutcome, EventSource, EventSubscription};
pub use handle::{ClientCert, RawRequest, RawResponse, SimHandle};
pub use journal::{EndpointCall, RestCall};
pub use notifications::NotificationRecord;
pub use ops::DnsRecord;
pub use package::{InstanceHandle, InstanceRecord, Package, PackageSpec, ServiceSpec};
pub use periodic::{PeriodicTask, TaskRun};
pub use platform::{AccountSpec, ServiceUserSpec, SubscriptionSpec, type_ids};
pub use preview::{Preview, PreviewSpec};
pub use snapshot::cert_paths;
pub use store::EventKind;
pub use types::RelationDef;
