//! [`SimHandle`]: the in-process API tests use to drive the simulated controller, as the
//! provider, a customer or the panel would.

use std::sync::Arc;

use http::{HeaderMap, Method};
use serde_json::{Value, json};

use crate::ca::Identity;
use crate::config::SimConfig;
use crate::controller::Shared;
use crate::endpoint_client::parse_body;
use crate::error::{SimError, SimResult};
use crate::ops::{CallCtx, OperationTarget};
use crate::package::{InstanceHandle, Package, PackageSpec, endpoint_url};
use crate::platform::type_ids::{PA_ACCOUNT, PA_DNS_ZONE, PA_SERVICE_USER, PA_SUBSCRIPTION};
use crate::platform::{AccountSpec, ServiceUserSpec, SubscriptionSpec};
use crate::tls::{ServerTrust, http_client};

struct Guard(Arc<Shared>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.shutdown.send_replace(true);
    }
}

/// A running simulated controller. Cheap to clone; the controller stops when the last clone is
/// dropped or [`SimHandle::shutdown`] is called.
#[derive(Clone)]
pub struct SimHandle {
    pub(crate) shared: Arc<Shared>,
    identity: Option<String>,
    _guard: Arc<Guard>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("rest", &self.shared.rest_base)
            .field("identity", &self.identity)
            .finish()
    }
}

/// Which client certificate a raw request presents.
#[derive(Debug, Clone)]
pub enum ClientCert {
    /// The controller's certificate (what the real controller presents).
    Controller,
    /// No certificate.
    None,
    /// Any other certificate and key (e.g. [`crate::ca::self_signed_identity`]).
    Custom(Identity),
}

/// A request sent as-is to any URL (normally an endpoint), for negative tests.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// HTTP method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// Headers, sent as given.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<Value>,
    /// The client certificate to present.
    pub client_cert: ClientCert,
}

impl RawRequest {
    /// Removes a header (case-insensitively).
    pub fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Sets a header, replacing one of the same name.
    pub fn with_header(self, name: &str, value: &str) -> Self {
        let mut r = self.without_header(name);
        r.headers.push((name.to_owned(), value.to_owned()));
        r
    }
}

/// The answer to a raw request.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body: JSON, `Null` when empty, a JSON string when not JSON.
    pub body: Value,
}

fn resource_of(value: Value) -> SimResult<aps::Resource> {
    serde_json::from_value(value).map_err(|e| SimError::BadRequest(format!("resource JSON: {e}")))
}

impl SimHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        SimHandle {
            _guard: Arc::new(Guard(shared.clone())),
            shared,
            identity: None,
        }
    }

    pub(crate) fn ctx(&self) -> CallCtx {
        CallCtx {
            identity: self.identity.clone(),
            ..CallCtx::default()
        }
    }

    /// The REST API's base URL (`https://127.0.0.1:<port>/`), sent as `APS-Controller-URI`.
    pub fn rest_base_url(&self) -> String {
        self.shared.rest_base.clone()
    }

    /// The CA certificate (PEM) that signs the controller and instance certificates.
    pub fn ca_pem(&self) -> String {
        self.shared.ca.ca_pem().to_owned()
    }

    /// The controller certificate (PEM), sent as `aps.x509.controller` and presented as TLS client.
    pub fn controller_cert_pem(&self) -> String {
        self.shared.ca.controller().cert_pem.clone()
    }

    /// The controller certificate and key.
    pub fn controller_identity(&self) -> Identity {
        self.shared.ca.controller().clone()
    }

    /// A certificate signed by the simulator's CA but bound to no instance (the REST API lets it
    /// through TLS and answers 403), for negative tests.
    pub fn issue_unbound_identity(&self, common_name: &str) -> SimResult<Identity> {
        self.shared.ca.issue_instance(common_name)
    }

    /// The configuration.
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// A handle whose operations carry `APS-Identity-ID: <user_id>` (a panel user's request).
    pub fn as_identity(&self, user_id: impl Into<String>) -> SimHandle {
        SimHandle {
            identity: Some(user_id.into()),
            ..self.clone()
        }
    }

    /// Stops the REST API and the workers.
    pub fn shutdown(&self) {
        self.shared.shutdown.send_replace(true);
    }

    /// Registers a package (its types join the type hierarchy).
    pub fn register_package(&self, spec: PackageSpec) -> SimResult<Package> {
        self.shared.register_package(spec)
    }

    /// Installs an instance of `package` at `endpoint_base_url`: issues the instance certificate
    /// and sends `POST <base>/<root-service>` with `settings` plus `aps.x509` (async loop included).
    pub async fn install_instance(
        &self,
        endpoint_base_url: &str,
        package: &Package,
        settings: Value,
    ) -> SimResult<InstanceHandle> {
        self.shared
            .install(&self.ctx(), endpoint_base_url, &package.id, settings)
            .await
    }

    /// Sends `upgrade` to an instance's root resource (`?version=<from_version>`); returns the body.
    pub async fn upgrade_instance(
        &self,
        instance_id: &str,
        from_version: &str,
    ) -> SimResult<Value> {
        self.shared
            .upgrade(&self.ctx(), instance_id, from_version)
            .await
    }

    /// Provisions a resource of `service` through the endpoint of `instance_id` (async loop
    /// included). `body` holds properties and links (`{"tenant": {"aps": {"id": ..}}}`).
    pub async fn provision(
        &self,
        instance_id: &str,
        service: &str,
        body: Value,
    ) -> SimResult<aps::Resource> {
        let ctx = self.ctx();
        let (id, target) =
            self.shared
                .prepare_app_resource(&ctx, instance_id, service, body, None, None)?;
        self.shared
            .provision_prepared(
                &ctx,
                crate::async_loop::OpKind::Provision,
                &id,
                target,
                None,
            )
            .await?;
        self.resource(&id).ok_or(SimError::NotFound(id))
    }

    /// Like [`SimHandle::provision`] but returns the new resource id at once (the resource is in
    /// `aps:provisioning`) with the running operation.
    pub fn spawn_provision(
        &self,
        instance_id: &str,
        service: &str,
        body: Value,
    ) -> SimResult<(String, tokio::task::JoinHandle<SimResult<aps::Resource>>)> {
        let ctx = self.ctx();
        let (id, target) =
            self.shared
                .prepare_app_resource(&ctx, instance_id, service, body, None, None)?;
        let me = self.clone();
        let rid = id.clone();
        let join = tokio::spawn(async move {
            me.shared
                .provision_prepared(
                    &ctx,
                    crate::async_loop::OpKind::Provision,
                    &rid,
                    target,
                    None,
                )
                .await?;
            me.resource(&rid).ok_or(SimError::NotFound(rid))
        });
        Ok((id, join))
    }

    /// Asks the endpoint for the resource (`retrieve`) and stores the answer.
    pub async fn retrieve(&self, id: &str) -> SimResult<aps::Resource> {
        resource_of(self.shared.retrieve(&self.ctx(), id).await?)
    }

    /// Changes a resource: application resources through the endpoint's `configure`.
    pub async fn configure(&self, id: &str, changes: Value) -> SimResult<aps::Resource> {
        resource_of(self.shared.configure(&self.ctx(), id, changes).await?)
    }

    /// Removes a resource: application resources through the endpoint's `unprovision`.
    pub async fn unprovision(&self, id: &str) -> SimResult<()> {
        self.shared.unprovision(&self.ctx(), id).await
    }

    /// Links `id.relation -> other`, notifying the application ends.
    pub async fn link(&self, id: &str, relation: &str, other: &str) -> SimResult<()> {
        self.shared.link(&self.ctx(), id, relation, other).await
    }

    /// Removes the link `id.relation -> other`, notifying the application ends.
    pub async fn unlink(&self, id: &str, relation: &str, other: &str) -> SimResult<()> {
        self.shared.unlink(&self.ctx(), id, relation, other).await
    }

    /// Calls a custom operation `<verb> <svc>/<id>/<path>?<query>` on a resource; returns the body.
    pub async fn call_operation(
        &self,
        verb: Method,
        id: &str,
        path: &str,
        query: Option<&str>,
        body: Option<Value>,
    ) -> SimResult<Value> {
        let out = self
            .shared
            .operation(
                &self.ctx(),
                verb,
                OperationTarget::Resource(id),
                path,
                query,
                body,
            )
            .await?;
        Ok(out.body)
    }

    /// Calls a static operation `<verb> <svc>/<path>?<query>` of an instance's service.
    pub async fn call_static_operation(
        &self,
        verb: Method,
        instance_id: &str,
        service: &str,
        path: &str,
        query: Option<&str>,
        body: Option<Value>,
    ) -> SimResult<Value> {
        let on = OperationTarget::Static {
            instance_id,
            service,
        };
        Ok(self
            .shared
            .operation(&self.ctx(), verb, on, path, query, body)
            .await?
            .body)
    }

    /// A customer account (`http://parallels.com/aps/types/pa/account/1.0`).
    pub fn create_account(&self, spec: AccountSpec) -> SimResult<aps::Resource> {
        let number = self
            .shared
            .with(|st| st.store.next_number("accountId", 1001));
        let mut body = spec.to_props(number);
        body.insert("aps".into(), json!({"type": PA_ACCOUNT}));
        resource_of(
            self.shared
                .create_platform(&self.ctx(), Value::Object(body), None)?,
        )
    }

    /// A subscription of `account_id` (`http://parallels.com/aps/types/pa/subscription/1.0`).
    pub fn create_subscription(
        &self,
        account_id: &str,
        spec: SubscriptionSpec,
    ) -> SimResult<aps::Resource> {
        let number = self
            .shared
            .with(|st| st.store.next_number("subscriptionId", 1000001));
        let mut body = spec.to_props(number);
        body.insert("aps".into(), json!({"type": PA_SUBSCRIPTION}));
        body.insert("account".into(), json!({"aps": {"id": account_id}}));
        resource_of(
            self.shared
                .create_platform(&self.ctx(), Value::Object(body), None)?,
        )
    }

    /// A service user of `account_id` (`http://parallels.com/aps/types/pa/service-user/1.2`).
    pub fn create_service_user(
        &self,
        account_id: &str,
        spec: ServiceUserSpec,
    ) -> SimResult<aps::Resource> {
        let number = self.shared.with(|st| st.store.next_number("userId", 1));
        let mut body = spec.to_props(number);
        body.insert("aps".into(), json!({"type": PA_SERVICE_USER}));
        body.insert("organization".into(), json!({"aps": {"id": account_id}}));
        resource_of(
            self.shared
                .create_platform(&self.ctx(), Value::Object(body), None)?,
        )
    }

    /// A hosted domain (`http://parallels.com/aps/types/pa/dns/zone/1.0`) of `account_id`.
    pub fn create_dns_zone(&self, account_id: &str, name: &str) -> SimResult<aps::Resource> {
        let body = json!({"aps": {"type": PA_DNS_ZONE}, "name": name.trim_end_matches('.'), "account": {"aps": {"id": account_id}}});
        resource_of(self.shared.create_platform(&self.ctx(), body, None)?)
    }

    /// Any platform resource from its JSON (`aps.type` required), stored without an endpoint.
    pub fn create_resource(&self, body: Value) -> SimResult<aps::Resource> {
        resource_of(self.shared.create_platform(&self.ctx(), body, None)?)
    }

    /// Headers the controller sends to an instance, with a fresh transaction id (sync phase).
    pub fn aps_headers(&self, instance_id: &str) -> Vec<(String, String)> {
        vec![
            ("APS-Controller-URI".into(), self.shared.rest_base.clone()),
            ("APS-Instance-ID".into(), instance_id.to_owned()),
            (
                "APS-Transaction-ID".into(),
                uuid::Uuid::new_v4().to_string(),
            ),
            ("APS-Request-Phase".into(), "sync".into()),
            ("APS-Version".into(), self.shared.config.aps_version.clone()),
        ]
    }

    /// A raw request to `<instance endpoint>/<path>` with the controller's headers and
    /// certificate, to be altered and sent with [`SimHandle::raw_request`].
    pub fn raw_request_for(
        &self,
        instance: &InstanceHandle,
        method: Method,
        path: &str,
    ) -> RawRequest {
        RawRequest {
            method,
            url: endpoint_url(&instance.endpoint, path),
            headers: self.aps_headers(&instance.id),
            body: None,
            client_cert: ClientCert::Controller,
        }
    }

    /// Sends a request exactly as given (recorded in the endpoint call log as `raw`).
    pub async fn raw_request(&self, req: RawRequest) -> SimResult<RawResponse> {
        let identity = match &req.client_cert {
            ClientCert::Controller => Some(self.shared.ca.controller().clone()),
            ClientCert::None => None,
            ClientCert::Custom(id) => Some(id.clone()),
        };
        let trust = match &self.shared.config.endpoint_fingerprint {
            Some(f) => ServerTrust::Fingerprint(f.clone()),
            None => ServerTrust::AnyCertificate,
        };
        let client = http_client(
            identity.as_ref(),
            &trust,
            self.shared.config.request_timeout,
        )?;
        let mut builder = client.request(req.method.clone(), &req.url);
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &req.body {
            builder = builder
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let transport = |e: reqwest::Error| SimError::Transport {
            url: req.url.clone(),
            message: crate::endpoint_client::error_chain(&e),
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = parse_body(&response.bytes().await.map_err(transport)?);
        let call = crate::journal::EndpointCall {
            seq: 0,
            at: String::new(),
            purpose: "raw".into(),
            method: req.method.to_string(),
            url: req.url.clone(),
            instance_id: String::new(),
            transaction_id: String::new(),
            phase: String::new(),
            request_body: req.body,
            status: Some(status),
            response_body: body.clone(),
            error: None,
        };
        self.shared.with(|st| st.journal.record_endpoint(call));
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}
