//! oxaps: an APS 2.0 application endpoint that sells OX App Suite through Odin Service Automation.
//!
//! Map of the crate (see ARCHITECTURE.md for the request flow and the job model):
//! - [`config`]: TOML + `OXAPS_*` configuration.
//! - [`node`]: starts the HTTPS endpoint, the admin listener and the job workers.
//! - [`tls`]: the TLS listener that asks for client certificates and hands them to handlers.
//! - [`http`]: routing, APS headers, controller authentication, replies.
//! - [`services`]: one [`services::ApsService`] per APS route, the seam of the protocol.
//! - [`model`]: the resource model's services (tenant, user, ...): admission, then OX jobs.
//! - [`jobs`]: the connector's durable job kinds (side effects on the controller and on OX).
//! - [`ox_link`]: an instance's OX connection (client and credentials from its globals).
//! - [`store`]: the database (SQLite or PostgreSQL) and its tables.
//! - [`secrets`]: sealing private keys and encrypted properties at rest.
//! - [`admin`], [`telemetry`]: health, readiness, Prometheus metrics, logs.
//! - [`cli`]: the `oxaps` command line.

#![forbid(unsafe_code)]

pub mod admin;
pub mod app;
pub mod cli;
pub mod config;
pub mod cron;
pub mod http;
pub mod jobs;
pub mod model;
pub mod node;
pub mod ox_link;
pub mod package;
pub mod private_file;
pub mod secrets;
pub mod services;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod types;
pub mod upsell;
