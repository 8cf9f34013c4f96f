//! The seam between the APS protocol and the resource model: one [`ApsService`] per route.
//!
//! The HTTP layer authenticates the request, decodes it and calls the service; a service answers
//! with a [`Reply`] or an [`ApsError`]. Services that change external systems write their state and
//! enqueue jobs in one transaction, then answer through [`job_reply`] (200 when the job is done,
//! 202 while it runs, 500 when it failed for good).

mod globals;
mod job_reply;
pub mod sealing;
mod store_only;
mod unimplemented;

use std::collections::BTreeMap;
use std::sync::Arc;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use serde_json::{Value, json};

use crate::app::App;
use crate::http::RequestContext;
use crate::store::InstanceRow;

pub use globals::Globals;
pub use job_reply::job_reply;
pub use store_only::StoreOnly;
pub use unimplemented::Unimplemented;

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// 200 with a JSON body.
    Ok(Value),
    /// 201 with a JSON body (a new resource).
    Created(Value),
    /// 204.
    NoContent,
    /// 202: the operation goes on; the controller repeats the request with phase `async`.
    Accepted {
        /// The resource so far, if any.
        body: Option<Value>,
        /// Text for the controller's task (`APS-Info`).
        info: String,
        /// Seconds until the controller asks again (`APS-Retry-Timeout`).
        retry_after: u32,
    },
}

impl Reply {
    /// 200 `{}`: what link notifications and simple operations answer.
    pub fn empty() -> Self {
        Reply::Ok(json!({}))
    }
}

/// Everything a service call can use: the application, the request's APS context, the instance.
pub struct Call {
    /// The application (store, secrets, queue, configuration).
    pub app: Arc<App>,
    /// The request's APS headers.
    pub ctx: RequestContext,
    /// The authenticated instance (absent only while it is being installed).
    pub instance: Option<InstanceRow>,
    /// The TLS client certificate (DER) the request came with.
    pub peer_certificate: Option<Arc<Vec<u8>>>,
}

impl Call {
    /// The instance, or a 404 when it is not installed.
    pub fn instance(&self) -> Result<&InstanceRow, ApsError> {
        self.instance.as_ref().ok_or_else(|| {
            ApsError::not_found(format!(
                "Application instance {} is not installed.",
                self.ctx.instance_id
            ))
        })
    }
}

/// A custom operation's inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationInput {
    /// `{name}` path parameters.
    pub path: BTreeMap<String, String>,
    /// Query parameters.
    pub query: BTreeMap<String, String>,
    /// The JSON body, if any.
    pub body: Option<Value>,
}

/// One APS service (route) of the resource model.
#[async_trait]
pub trait ApsService: Send + Sync + 'static {
    /// The route name, e.g. `user`.
    fn name(&self) -> &'static str;

    /// The type definition: properties, relations, custom operations.
    fn type_def(&self) -> &TypeDef;

    /// `POST <service>`: provision a new resource.
    async fn provision(&self, call: &Call, body: Resource) -> Result<Reply, ApsError>;

    /// `GET <service>/<id>`: the resource with fresh counters.
    async fn retrieve(&self, call: &Call, id: &str) -> Result<Reply, ApsError>;

    /// `PUT <service>/<id>`: the new full representation.
    async fn configure(&self, call: &Call, id: &str, body: Resource) -> Result<Reply, ApsError>;

    /// `DELETE <service>/<id>`.
    async fn unprovision(&self, call: &Call, id: &str) -> Result<Reply, ApsError>;

    /// `POST <service>/<id>/<relation>`: a resource was linked.
    async fn link(
        &self,
        _call: &Call,
        _id: &str,
        _relation: &str,
        _linked: Value,
    ) -> Result<Reply, ApsError> {
        Ok(Reply::empty())
    }

    /// `DELETE <service>/<id>/<relation>/<linked-id>`: a resource was unlinked.
    async fn unlink(
        &self,
        _call: &Call,
        _id: &str,
        _relation: &str,
        _linked_id: &str,
    ) -> Result<Reply, ApsError> {
        Ok(Reply::empty())
    }

    /// A declared custom operation or event handler (`id` is `None` for static operations).
    async fn operation(
        &self,
        _call: &Call,
        _id: Option<&str>,
        name: &str,
        _input: OperationInput,
    ) -> Result<Reply, ApsError> {
        Err(ApsError::not_implemented(format!(
            "Operation {name} of service {} is not implemented.",
            self.name()
        )))
    }

    /// `POST <root>/<id>/upgrade?version=<old>`: the package was upgraded from `from_version`.
    async fn upgrade(
        &self,
        _call: &Call,
        _id: &str,
        _from_version: Option<&str>,
    ) -> Result<Reply, ApsError> {
        Err(ApsError::not_found(format!(
            "Service {} has no upgrade operation.",
            self.name()
        )))
    }
}

/// A 500 for a failure inside the endpoint: the cause goes to the log, not to the controller.
pub fn internal(e: impl std::fmt::Display) -> ApsError {
    tracing::error!(error = %e, "internal error");
    ApsError::internal("Internal error in the oxaps endpoint; see its log.")
}

/// The services by route name, and the models behind the model services.
#[derive(Clone, Default)]
pub struct Registry {
    services: BTreeMap<&'static str, Arc<dyn ApsService>>,
    models: BTreeMap<&'static str, Arc<dyn crate::model::Model>>,
}

impl Registry {
    /// The registry of a fresh endpoint: `globals`, and every other service of the model answering
    /// 501 until it is implemented.
    pub fn standard() -> Self {
        let mut r = Registry::default();
        for name in crate::http::route::SERVICES {
            r.insert(Arc::new(Unimplemented::new(name)));
        }
        r.insert(Arc::new(Globals::new()));
        r.insert_model(Arc::new(crate::model::brand::Brand::default()));
        r.insert_model(Arc::new(crate::model::profile::Profile::default()));
        r.insert_model(Arc::new(crate::model::tenant::Tenant::default()));
        r.insert_model(Arc::new(crate::model::domain::Domain::default()));
        r.insert_model(Arc::new(crate::model::subdomain::Subdomain::default()));
        crate::model::shared_domain::register(&mut r);
        r.insert_model(Arc::new(crate::model::user::UserModel::default()));
        r.insert_model(Arc::new(crate::model::group::Group::default()));
        r.insert_model(Arc::new(crate::model::resource::ResourceModel::default()));
        r.insert_model(Arc::new(crate::model::alias::Alias::default()));
        r.insert_model(Arc::new(
            crate::model::purchase_request::PurchaseRequest::default(),
        ));
        r.insert_model(Arc::new(crate::model::cron::Cron::default()));
        r.insert_model(Arc::new(crate::model::cron::Crontask::default()));
        r
    }

    /// Adds or replaces a service.
    pub fn insert(&mut self, service: Arc<dyn ApsService>) {
        self.services.insert(service.name(), service);
    }

    /// Adds a model, served through [`crate::model::ModelService`].
    pub fn insert_model(&mut self, model: Arc<dyn crate::model::Model>) {
        self.services.insert(
            model.service(),
            Arc::new(crate::model::ModelService::new(model.clone())),
        );
        self.models.insert(model.service(), model);
    }

    /// The model behind a model service.
    pub fn model(&self, name: &str) -> Option<&Arc<dyn crate::model::Model>> {
        self.models.get(name)
    }

    /// The service for a route name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn ApsService>> {
        self.services.get(name)
    }
}
