//! The APS 2.0 protocol as oxaps speaks it, shared by the connector and the controller simulator.
//!
//! - [`headers`]: the request and response headers of the APS bus (`APS-Instance-ID`, ...).
//! - [`error`]: the JSON error body `{code, type, message}` every APS runtime answers with.
//! - [`resource`]: resource JSON with its `aps` block, links, statuses and counters.
//! - [`rql`]: the Resource Query Language: a builder that encodes reserved characters, and a parser.
//! - [`typedef`]: the type-definition model (`schemas/*.schema`): properties, relations, operations.
//! - [`controller`]: the HTTPS client an application uses to call back into the controller.
//! - [`pem`]: splitting the `aps.x509.self` bundle and hashing certificates.
//! - [`tls`]: rustls client configurations with an APS identity and a server-trust policy.

pub mod controller;
pub mod error;
pub mod headers;
pub mod pem;
pub mod resource;
pub mod rql;
pub mod tls;
pub mod typedef;

pub use error::{ApsError, ErrorBody};
pub use resource::{ApsMeta, Resource};
