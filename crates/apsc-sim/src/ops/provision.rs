//! Creating application resources: instance installation and provisioning through the endpoint.
//!
//! The resource is stored first (`aps:provisioning`, links included, so the endpoint can read it
//! back), then the endpoint is called with the resource JSON. Success stores the answer's
//! properties and sets `aps:ready`. A failure in the sync phase removes the resource again; a
//! failure while polling leaves it in `aps:provisioning` with a failed task.

use std::sync::Arc;

use aps::headers::RequestPhase;
use aps::resource::status;
use http::Method;
use serde_json::{Map, Value, json};

use super::{CallCtx, Target, reply_props, split_links};
use crate::async_loop::{OpKind, Operation, Started};
use crate::controller::Shared;
use crate::endpoint_client::EndpointRequest;
use crate::error::{SimError, SimResult};
use crate::package::{InstanceHandle, InstanceRecord, normalize_base};
use crate::platform::type_ids::CORE_APPLICATION;
use crate::store::StoredResource;
use crate::types::TypeInfo;

impl Shared {
    /// Registers a package's types and returns the package.
    pub(crate) fn register_package(
        &self,
        spec: crate::package::PackageSpec,
    ) -> SimResult<crate::package::Package> {
        if spec.service_by_id(&spec.root_service).is_none() {
            return Err(SimError::BadRequest(format!(
                "root service {} is not among the services",
                spec.root_service
            )));
        }
        let package = crate::package::Package {
            id: uuid::Uuid::new_v4().to_string(),
            spec,
        };
        self.with(|st| {
            for svc in &package.spec.services {
                let mut implements = svc.implements.clone();
                if svc.id == package.spec.root_service
                    && !implements.iter().any(|t| t == CORE_APPLICATION)
                {
                    implements.push(CORE_APPLICATION.to_owned());
                }
                st.store.types.register(TypeInfo {
                    id: svc.type_id.clone(),
                    implements,
                    relations: svc.relations.clone(),
                    schema_no: 0,
                });
            }
            st.packages.insert(package.id.clone(), package.clone());
        });
        Ok(package)
    }

    /// Stores a new application resource of `service` of `instance_id` in `aps:provisioning`.
    pub(crate) fn prepare_app_resource(
        &self,
        ctx: &CallCtx,
        instance_id: &str,
        service_id: &str,
        body: Value,
        fixed_id: Option<String>,
        parent: Option<(&str, &str)>,
    ) -> SimResult<(String, Target)> {
        let Value::Object(mut body) = body else {
            return Err(SimError::BadRequest(
                "the resource body must be a JSON object".into(),
            ));
        };
        self.with(|st| {
            let instance = st
                .instances
                .get(instance_id)
                .ok_or_else(|| SimError::NotFound(format!("instance {instance_id}")))?;
            let package = st
                .packages
                .get(&instance.package_id)
                .ok_or_else(|| SimError::NotFound("package".into()))?;
            let service = package
                .spec
                .service_by_id(service_id)
                .ok_or_else(|| SimError::NotFound(format!("service {service_id}")))?;
            let target = Target {
                instance_id: instance.id.clone(),
                base: instance.endpoint.clone(),
                service: service.id.clone(),
            };
            let type_id = service.type_id.clone();
            let package_id = package.id.clone();
            let explicit_sub = body
                .get("aps")
                .and_then(|a| a.get("subscription"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let refs = split_links(st, &type_id, &mut body);
            let links = st.resolve_links(&type_id, refs)?;
            body.remove("aps");
            let mut linked: Vec<String> = links.iter().map(|(_, id)| id.clone()).collect();
            if let Some((p, _)) = parent {
                st.store
                    .get(p)
                    .filter(|r| st.visible(ctx, r))
                    .ok_or_else(|| SimError::NotFound(format!("resource {p}")))?;
                linked.push(p.to_owned());
            }
            let (subscription, owner) = st.derive_context(ctx, &linked, explicit_sub);
            let id = fixed_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            st.store.insert(StoredResource {
                id: id.clone(),
                type_id,
                status: status::PROVISIONING.to_owned(),
                revision: 0,
                modified: String::new(),
                subscription,
                owner_account: owner,
                instance: Some(target.instance_id.clone()),
                package: Some(package_id),
                props: body,
            });
            for (rel, other) in links {
                st.store
                    .link(&id, &rel, &other)
                    .map_err(|e| SimError::NotFound(e.to_string()))?;
            }
            if let Some((p, rel)) = parent {
                st.store
                    .link(p, rel, &id)
                    .map_err(|e| SimError::NotFound(e.to_string()))?;
            }
            Ok((id, target))
        })
    }

    /// Stores an endpoint's answer and, when done, sets `aps:ready`.
    pub(crate) fn apply_provisioned(&self, id: &str, body: &Value, done: bool) {
        self.with(|st| {
            let _ = st.store.merge_props(id, &reply_props(body));
            if done {
                let _ = st.store.set_status(id, status::READY);
            }
        });
    }

    fn rollback(&self, id: &str, instance: Option<&str>) {
        self.with(|st| {
            let _ = st.store.remove(id);
            if let Some(i) = instance {
                st.instances.remove(i);
            }
        });
    }

    /// Runs provisioning (or installation) of a prepared resource. With `ctx.detach_async`, a 202
    /// returns at once and polling continues in the background.
    pub(crate) async fn provision_prepared(
        self: &Arc<Self>,
        ctx: &CallCtx,
        kind: OpKind,
        id: &str,
        target: Target,
        extra_aps: Option<Map<String, Value>>,
    ) -> SimResult<Value> {
        let mut body = self
            .read(|st| st.store.render(id))
            .ok_or_else(|| SimError::NotFound(id.to_owned()))?;
        if let (Some(extra), Some(aps)) = (
            extra_aps,
            body.get_mut("aps").and_then(Value::as_object_mut),
        ) {
            aps.extend(extra);
        }
        let op = Operation {
            kind,
            request: EndpointRequest {
                purpose: kind.purpose(),
                instance_id: target.instance_id.clone(),
                base: target.base,
                method: Method::POST,
                path: target.service,
                query: None,
                body: Some(body),
                transaction_id: uuid::Uuid::new_v4().to_string(),
                phase: RequestPhase::Sync,
                identity: ctx.identity.clone(),
                headers: vec![],
            },
            resource_id: Some(id.to_owned()),
        };
        let installing = (kind == OpKind::Install).then_some(target.instance_id.as_str());
        let pending = match self.start_op(op).await {
            Err(e) => {
                self.rollback(id, installing);
                return Err(e);
            }
            Ok(Started::Done(outcome)) => {
                self.apply_provisioned(id, &outcome.body, true);
                return Ok(outcome.body);
            }
            Ok(Started::Pending(pending)) => pending,
        };
        self.apply_provisioned(id, &pending.body, false);
        if ctx.detach_async {
            let shared = self.clone();
            let rid = id.to_owned();
            tokio::spawn(async move {
                if let Ok(outcome) = shared.finish_op(pending).await {
                    shared.apply_provisioned(&rid, &outcome.body, true);
                }
            });
            return Ok(self.read(|st| st.store.render(id)).unwrap_or(Value::Null));
        }
        let outcome = self.finish_op(pending).await?;
        self.apply_provisioned(id, &outcome.body, true);
        Ok(outcome.body)
    }

    /// Installs an instance of `package_id` at `endpoint` (instance installation request).
    pub(crate) async fn install(
        self: &Arc<Self>,
        ctx: &CallCtx,
        endpoint: &str,
        package_id: &str,
        settings: Value,
    ) -> SimResult<InstanceHandle> {
        let id = uuid::Uuid::new_v4().to_string();
        let identity = self.ca.issue_instance(&id)?;
        let endpoint = normalize_base(endpoint);
        let (app_id, root_service) = self.with(|st| {
            let package = st
                .packages
                .get(package_id)
                .ok_or_else(|| SimError::NotFound(format!("package {package_id}")))?;
            let out = (
                package.spec.app_id.clone(),
                package.spec.root_service.clone(),
            );
            st.instances.insert(
                id.clone(),
                InstanceRecord {
                    id: id.clone(),
                    package_id: package_id.to_owned(),
                    endpoint: endpoint.clone(),
                    cert_pem: identity.cert_pem.clone(),
                    cert_fingerprint: identity.fingerprint()?,
                },
            );
            Ok::<_, SimError>(out)
        })?;
        let settings = if settings.is_null() {
            json!({})
        } else {
            settings
        };
        let (_, target) = match self.prepare_app_resource(
            ctx,
            &id,
            &root_service,
            settings,
            Some(id.clone()),
            None,
        ) {
            Ok(prepared) => prepared,
            Err(e) => {
                self.with(|st| st.instances.remove(&id));
                return Err(e);
            }
        };
        let controller_pem = self.ca.controller().cert_pem.clone();
        let mut x509 = Map::new();
        x509.insert(
            "x509".into(),
            json!({"self": identity.bundle(), "controller": controller_pem}),
        );
        let response = self
            .provision_prepared(ctx, OpKind::Install, &id, target, Some(x509))
            .await?;
        let resource = self
            .read(|st| st.store.resource(&id))
            .ok_or_else(|| SimError::NotFound(id.clone()))?;
        Ok(InstanceHandle {
            id,
            package_id: package_id.to_owned(),
            app_id,
            endpoint,
            root_service,
            self_cert_pem: identity.cert_pem,
            self_key_pem: identity.key_pem,
            controller_cert_pem: controller_pem,
            response,
            resource,
        })
    }
}
