//! ox-sim: a server that behaves like Open-Xchange's SOAP provisioning layer
//! (`/webservices/...`) on the wire, with persistence and fault injection for tests
//! and benchmarks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ox_sim::{OxSim, SimConfig};
//! let sim = OxSim::start(SimConfig::for_test("secret")).await?;
//! let url = format!("{}/webservices/OXContextService", sim.base_url());
//! # let _ = url;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

pub mod ads;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod faults;
pub mod http;
pub mod model;
pub mod remove_cli;
pub mod schema;
pub mod server;
pub mod soap;
pub mod store;
pub mod wsdl;

pub use config::{Credentials, SimConfig};
pub use faults::{FaultConfig, FaultState, LatencyDistribution, TransientKind};
pub use http::Snapshot;
pub use server::{OxSim, OxSimHandle, StartError, Usage};
pub use soap::encode::VoidStyle;
