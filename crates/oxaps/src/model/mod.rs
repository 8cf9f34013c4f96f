//! The resource model's services: tenant, user, domain, ... Each is a [`Model`]: the request
//! admits a resource (checks links and OX's rules, fills defaults and generated secrets) and the
//! side effects on OX run as durable jobs (`model` kind) that create-or-adopt, update and delete.
//!
//! [`ModelService`] adapts a model to the APS protocol: provision stores the resource
//! (`provisioning`) and enqueues its job in one transaction, and answers through `job_reply`
//! (200, or 202 while the job runs, or 500 with the reason once it failed for good). A model that
//! fails permanently in `create` is compensated (its `delete` runs on what was checkpointed) and
//! the resource is marked failed, so nothing is half-created.

mod adapter;
pub mod ads;
pub mod alias;
pub mod brand;
mod context;
pub mod cron;
pub mod dns;
pub mod domain;
pub mod group;
pub mod job;
mod mapping;
pub mod password;
pub mod profile;
pub mod purchase_request;
pub mod resource;
pub mod shared_domain;
pub mod subdomain;
pub mod tenant;
pub mod user;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::Value;

pub use adapter::ModelService;
pub use context::JobCx;

use crate::services::{Call, OperationInput, Reply};

/// What admission decided for a new resource.
#[derive(Debug, Clone)]
pub struct Admitted {
    /// The body to store (defaults and generated secrets filled in).
    pub body: Resource,
    /// The resource it belongs to (e.g. the tenant of a user).
    pub parent_id: Option<String>,
    /// A key unique within the instance and service (e.g. a user's login).
    pub natural_key: Option<String>,
}

/// One type of the resource model: admission in the request, OX side effects in jobs.
#[async_trait]
pub trait Model: Send + Sync + 'static {
    /// The route name.
    fn service(&self) -> &'static str;

    /// The type definition.
    fn type_def(&self) -> &TypeDef;

    /// Checks a new resource against the model before anything is stored.
    async fn admit(&self, call: &Call, body: Resource) -> Result<Admitted, ApsError>;

    /// Checks a configure; returns the body to store. Properties marked final may not change.
    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        new: Resource,
    ) -> Result<Resource, ApsError> {
        final_unchanged(self.type_def(), current, &new)?;
        Ok(new)
    }

    /// Makes OX hold the resource: looks it up first and adopts it, creates it otherwise. May
    /// checkpoint progress with [`JobCx::checkpoint`]. Returns the body with readonly properties set.
    async fn create(&self, cx: &JobCx, body: Resource) -> Result<Resource, JobError>;

    /// Applies a configure to OX: only what changed between `old` and `new`.
    async fn update(&self, cx: &JobCx, old: &Resource, new: Resource)
    -> Result<Resource, JobError>;

    /// Removes the resource from OX; an object that is already gone is success.
    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError>;

    /// Checks an unprovision before anything is queued: a refusal (e.g. still in use) is a 4xx for
    /// the caller and leaves the resource as it is, so a later removal can succeed.
    async fn admit_removal(&self, _call: &Call, _body: &Resource) -> Result<(), ApsError> {
        Ok(())
    }

    /// A link notification (`POST <id>/<relation>`), applied synchronously; default: accepted.
    async fn link(
        &self,
        _call: &Call,
        _id: &str,
        _relation: &str,
        _linked: &Value,
    ) -> Result<(), ApsError> {
        Ok(())
    }

    /// An unlink notification; default: accepted.
    async fn unlink(
        &self,
        _call: &Call,
        _id: &str,
        _relation: &str,
        _linked_id: &str,
    ) -> Result<(), ApsError> {
        Ok(())
    }

    /// Fresh values for `retrieve` (counters); default: the stored body as it is.
    async fn refresh(&self, _call: &Call, body: Resource) -> Result<Resource, ApsError> {
        Ok(body)
    }

    /// A custom operation or event handler the type declares (`id` is `None` for static ones),
    /// answered in the request: like a link, it stores the change and enqueues a job rather
    /// than calling OX. The resource is known to exist. Default: not implemented.
    async fn operation(
        &self,
        _call: &Call,
        _id: Option<&str>,
        name: &str,
        _input: OperationInput,
    ) -> Result<Reply, ApsError> {
        Err(ApsError::not_implemented(format!(
            "Operation {name} of service {} is not implemented.",
            self.service()
        )))
    }
}

/// Refuses a change to a property the type declares final.
pub fn final_unchanged(def: &TypeDef, current: &Resource, new: &Resource) -> Result<(), ApsError> {
    for (name, prop) in &def.properties {
        if prop.final_
            && new.props.contains_key(name)
            && new.props.get(name) != current.props.get(name)
        {
            return Err(ApsError::bad_request(format!(
                "{name} cannot be changed after the {} is created.",
                def.name
            )));
        }
    }
    Ok(())
}

/// The APS id of the resource a single relation links to.
pub fn linked_id(body: &Resource, relation: &str) -> Option<String> {
    body.link_id(relation).map(str::to_owned)
}

/// A relation that must be linked, or a 400 naming it.
pub fn required_link(body: &Resource, relation: &str, service: &str) -> Result<String, ApsError> {
    linked_id(body, relation).ok_or_else(|| {
        ApsError::bad_request(format!("A {service} must be linked to a {relation}."))
    })
}
