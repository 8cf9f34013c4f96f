//! A typed, faithful client for the Open-Xchange App Suite SOAP provisioning API
//! (`/webservices/OX*Service`).
//!
//! # Model
//!
//! - **Wire.** SOAP 1.1, document/literal wrapped, `POST <base>/webservices/<Service>` with
//!   `Content-Type: text/xml; charset=UTF-8` and `SOAPAction: "urn:<op>"`. The base URL comes
//!   from [`OxConfig::base_url`], never from a WSDL. Request wrappers are in the service
//!   namespace, data-object fields in their own namespaces ([`ns`]), in OX's schema order.
//!   Responses are read by local name, so any prefixes or default namespaces work.
//! - **One call path.** Every typed method builds a [`Call`] (the envelope writer), runs it
//!   through [`OxClient::execute`] (transport, retries, tracing) and decodes the [`Returns`]
//!   ([`response::parse_response`], the response reader and fault classifier). Operations without
//!   a typed method can be called the same way.
//! - **Which credentials for which service.**
//!
//!   | service | accessor | credentials |
//!   |---|---|---|
//!   | OXContextService | [`OxClient::contexts`] | master admin (`oxadminmaster`) |
//!   | OXUserService, OXGroupService, OXResourceService | [`OxClient::users`], [`OxClient::groups`], [`OxClient::resources`] | the context's admin (`oxadmin`) |
//!   | OXResellerService | [`OxClient::resellers`] | master admin, or a subadmin allowed to create subadmins; sent as `creds` |
//!   | OXResellerContextService, OXResellerUserService, OXResellerGroupService, OXResellerResourceService | [`OxClient::reseller_contexts`], [`OxClient::reseller_users`], ... | the subadmin (OX Cloud brand or reseller) owning the context |
//!
//!   On-premise OX uses the core services; OX Cloud uses the reseller ones, whose context
//!   argument is a [`ResellerContext`].
//! - **Data objects** ([`types`]): every field is an `Option` (or a `Vec` for repeated
//!   elements). `None` is omitted, which OX reads as "unchanged"; OX ignores `xsi:nil`, so clear
//!   a string field with the empty string ([`cleared`]). [`UserModuleAccess`] is always sent
//!   complete, because OX reads a missing right as `false`. Passwords are a [`Password`], which
//!   never appears in `Debug` output; bodies are never logged.
//! - **Errors** ([`OxError`]): faults are classified from the `faultstring` (with
//!   `; exceptionId ...` stripped but kept in [`Fault::exception_id`]) and the `detail` element
//!   name into `AlreadyExists`, `NotFound`, `InvalidData`, `InvalidCredentials`,
//!   `QuotaExceeded`, `Storage`, `Fault`; connection problems, timeouts, HTTP 5xx without a fault
//!   and OX's "backend unavailable" faults are `Transient`, the only retryable kind
//!   ([`OxError::is_retryable`]), retried with exponential backoff and jitter ([`RetryPolicy`]).
//! - **Local checks** ([`validate`]) apply OX's own rules (name characters, `primaryEmail ==
//!   email1`, mandatory fields) before anything is sent; [`access`] is the table of named
//!   module-access combinations.
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> Result<(), ox::OxError> {
//! use ox::{Context, Credentials, OxClient, OxConfig, User};
//!
//! let ox = OxClient::new(OxConfig::new("https://ox.example.com"))?;
//! let master = Credentials::new("oxadminmaster", "secret");
//! let admin = User {
//!     name: Some("oxadmin".into()),
//!     password: Some("admin-secret".into()),
//!     display_name: Some("Context Admin".into()),
//!     given_name: Some("Context".into()),
//!     sur_name: Some("Admin".into()),
//!     ..Default::default()
//! }
//! .with_primary_address("admin@example.com");
//! let ctx = Context { name: Some("example.com".into()), max_quota: Some(1024), ..Default::default() };
//! let created = ox.contexts().create_module_access_by_name(&ctx, &admin, "groupware_standard", &master).await?;
//!
//! let ctx_admin = Credentials::new("oxadmin", "admin-secret");
//! let ctx_ref = Context::with_id(created.id.unwrap_or_default());
//! let alice = User { name: Some("alice".into()), ..Default::default() };
//! match ox.users().delete(&ctx_ref, &alice, &ctx_admin).await {
//!     Ok(()) => {}
//!     Err(e) if e.is_not_found() => {} // already gone
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod access;
pub mod ads;
mod call;
mod client;
pub mod error;
pub mod fault;
pub mod ns;
pub mod response;
mod retry;
mod secret;
pub mod service;
pub mod services;
mod transport;
pub mod types;
pub mod validate;
pub mod xml;

pub use call::Call;
pub use client::{OxClient, OxConfig};
pub use error::{ObjectKind, OxError, Transient};
pub use fault::Fault;
pub use response::{Returns, parse_response};
pub use retry::RetryPolicy;
pub use secret::Password;
pub use service::Service;
pub use services::{
    ContextService, Core, GroupService, Reseller, ResellerService, ResourceService, UserService,
};
pub use transport::TlsOptions;
pub use types::*;
pub use validate::ValidationError;

/// The value that CLEARS a string field on change (`Some("")`): OX ignores omitted and nil
/// fields, so the empty string is the only way to remove, say, `email2`.
///
/// ```
/// let change = ox::User { id: Some(7), email2: ox::cleared(), ..Default::default() };
/// assert_eq!(change.email2.as_deref(), Some(""));
/// ```
pub fn cleared() -> Option<String> {
    Some(String::new())
}
