//! `shareddomain` and `sharedsubdomain`: a provider-owned domain (under the globals, optionally
//! reserved to one brand's customers) and a tenant's subdomain of it, for tenants without a domain
//! of their own.
//!
//! A shared domain is a name only: it has no OX object, and it is unique in the instance. It
//! cannot be removed while tenants' shared subdomains use it (409 at unprovision, before anything
//! is done). A shared subdomain `<label>.<shared domain>` is a login mapping of its tenant's
//! context, like a subdomain; its full name is the natural key and the tenant its parent. DNS for
//! shared domains is the provider's business (there is no customer zone to write to): oxaps
//! creates no records for them; a wildcard MX for the shared domain serves every shared subdomain.

use std::sync::Arc;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::domain::{
    DOMAIN_SERVICES, check_catch_all_of, keep_links, live, normalise, set_mapping,
    valid_domain_name, within,
};
use super::subdomain::subdomain_name;
use super::{Admitted, JobCx, Model, ModelService, linked_id, required_link};
use crate::services::{ApsService, Call, OperationInput, Registry, Reply, internal};
use crate::store::ResourceStatus;

/// Registers both models; the shared domain's service refuses removal while it is in use.
pub fn register(r: &mut Registry) {
    let shared: Arc<dyn Model> = Arc::new(SharedDomain(def("shareddomain")));
    r.insert_model(shared.clone());
    r.insert(Arc::new(SharedDomainService {
        inner: ModelService::new(shared),
    }));
    r.insert_model(Arc::new(SharedSubdomain(def("sharedsubdomain"))));
}

fn def(service: &str) -> TypeDef {
    crate::types::of(service)
        .unwrap_or_else(|| TypeDef::new(service, &crate::types::type_id(service)))
}

/// Refuses a mail domain name taken in the instance (409): by a tenant's domain, subdomain or
/// shared subdomain, or by a shared domain. Names inside a shared domain are given out only as
/// shared subdomains, and a new shared domain may not cover a customer's mail domain.
pub async fn claim(call: &Call, name: &str, service: &str) -> Result<(), ApsError> {
    let instance = call.instance()?;
    let store = &call.app.store;
    for other in DOMAIN_SERVICES.iter().chain(&["shareddomain"]) {
        if store
            .by_natural_key(&instance.id, other, name)
            .await
            .map_err(internal)?
            .is_some()
        {
            return Err(ApsError::conflict(format!("{name} is already in use.")));
        }
    }
    let others: &[&str] = match service {
        "sharedsubdomain" => return Ok(()),
        "shareddomain" => DOMAIN_SERVICES,
        _ => &["shareddomain"],
    };
    for other in others {
        let rows = store
            .resources_of(&instance.id, other)
            .await
            .map_err(internal)?;
        for key in rows.iter().filter_map(|r| r.natural_key.as_deref()) {
            if service == "shareddomain" && within(key, name) {
                return Err(ApsError::conflict(format!(
                    "{key}, a customer's mail domain, is inside {name}."
                )));
            }
            if service != "shareddomain" && within(name, key) {
                return Err(ApsError::conflict(format!(
                    "{name} is inside the provider's shared domain {key}; use a shared subdomain."
                )));
            }
        }
    }
    Ok(())
}

/// The shared domain model: checks and stores, nothing in OX.
pub struct SharedDomain(TypeDef);

#[async_trait]
impl Model for SharedDomain {
    fn service(&self) -> &'static str {
        "shareddomain"
    }

    fn type_def(&self) -> &TypeDef {
        &self.0
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let globals = required_link(&body, "globals", "shared domain")?;
        let instance = call.instance()?;
        if globals != instance.id {
            return Err(ApsError::bad_request(format!(
                "A shared domain belongs to this application's global settings ({}).",
                instance.id
            )));
        }
        if let Some(brand) = linked_id(&body, "brand") {
            let row = call
                .app
                .store
                .resource(&instance.id, &brand)
                .await
                .map_err(internal)?;
            if row.is_none_or(|r| r.service != "brand") {
                return Err(ApsError::bad_request(format!(
                    "Brand {brand} does not exist."
                )));
            }
        }
        let name = normalise(body.str_prop("name").unwrap_or_default());
        if !valid_domain_name(&name) {
            return Err(ApsError::bad_request(format!(
                "{name:?} is not a valid domain name."
            )));
        }
        claim(call, &name, "shareddomain").await?;
        super::profile::fill_defaults(&self.0, &mut body);
        body.props.insert("name".into(), json!(name));
        Ok(Admitted {
            body,
            parent_id: None,
            natural_key: Some(name),
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.0, current, &new)?;
        keep_links(current, &mut new, &["globals"], "shared domain")?;
        Ok(new)
    }

    async fn create(&self, _cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        Ok(body)
    }

    async fn update(&self, _: &JobCx, _: &Resource, new: Resource) -> Result<Resource, JobError> {
        Ok(new)
    }

    async fn delete(&self, _cx: &JobCx, _body: &Resource) -> Result<(), JobError> {
        Ok(())
    }
}

/// The shared domain's APS service: the model's, with a check before unprovisioning.
struct SharedDomainService {
    inner: ModelService,
}

/// A 409 while tenants' shared subdomains use the shared domain `id`.
async fn refuse_while_used(call: &Call, id: &str) -> Result<(), ApsError> {
    let instance = call.instance()?;
    let store = &call.app.store;
    let Some(row) = store.resource(&instance.id, id).await.map_err(internal)? else {
        return Ok(());
    };
    if row.status == ResourceStatus::Unprovisioning {
        return Ok(()); // accepted before: a repeat or an async poll
    }
    let users: Vec<String> = store
        .resources_of(&instance.id, "sharedsubdomain")
        .await
        .map_err(internal)?
        .into_iter()
        .filter(|s| {
            live(s.status)
                && s.body
                    .pointer("/shareddomain/aps/id")
                    .and_then(Value::as_str)
                    == Some(id)
        })
        .filter_map(|s| s.natural_key)
        .collect();
    if users.is_empty() {
        return Ok(());
    }
    let shown = users.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    let more = if users.len() > 5 { ", ..." } else { "" };
    Err(ApsError::conflict(format!(
        "The shared domain {} is still used by {} customer subdomain(s) ({shown}{more}); \
         it can be removed once they are gone.",
        row.natural_key.unwrap_or_default(),
        users.len()
    )))
}

#[async_trait]
impl ApsService for SharedDomainService {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn type_def(&self) -> &TypeDef {
        self.inner.type_def()
    }

    async fn provision(&self, call: &Call, body: Resource) -> Result<Reply, ApsError> {
        self.inner.provision(call, body).await
    }

    async fn retrieve(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        self.inner.retrieve(call, id).await
    }

    async fn configure(&self, call: &Call, id: &str, body: Resource) -> Result<Reply, ApsError> {
        self.inner.configure(call, id, body).await
    }

    async fn unprovision(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        refuse_while_used(call, id).await?;
        self.inner.unprovision(call, id).await
    }

    async fn link(&self, call: &Call, id: &str, rel: &str, v: Value) -> Result<Reply, ApsError> {
        self.inner.link(call, id, rel, v).await
    }

    async fn unlink(&self, call: &Call, id: &str, rel: &str, o: &str) -> Result<Reply, ApsError> {
        self.inner.unlink(call, id, rel, o).await
    }

    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        input: OperationInput,
    ) -> Result<Reply, ApsError> {
        self.inner.operation(call, id, name, input).await
    }

    async fn upgrade(&self, call: &Call, id: &str, from: Option<&str>) -> Result<Reply, ApsError> {
        self.inner.upgrade(call, id, from).await
    }
}

/// The shared subdomain model: a login mapping of the tenant's context.
pub struct SharedSubdomain(TypeDef);

#[async_trait]
impl Model for SharedSubdomain {
    fn service(&self) -> &'static str {
        "sharedsubdomain"
    }

    fn type_def(&self) -> &TypeDef {
        &self.0
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let tenant = required_link(&body, "tenant", "shared subdomain")?;
        let shared_id = required_link(&body, "shareddomain", "shared subdomain")?;
        let instance = call.instance()?;
        let store = &call.app.store;
        let tenant_row = store
            .resource(&instance.id, &tenant)
            .await
            .map_err(internal)?
            .filter(|r| r.service == "tenant")
            .ok_or_else(|| ApsError::bad_request(format!("Tenant {tenant} does not exist.")))?;
        let shared = store
            .resource(&instance.id, &shared_id)
            .await
            .map_err(internal)?
            .filter(|r| r.service == "shareddomain" && live(r.status))
            .ok_or_else(|| {
                ApsError::bad_request(format!("Shared domain {shared_id} does not exist."))
            })?;
        let parent = shared.natural_key.clone().unwrap_or_default();
        if let Some(brand) = shared.body.pointer("/brand/aps/id").and_then(Value::as_str)
            && tenant_row
                .body
                .pointer("/brand/aps/id")
                .and_then(Value::as_str)
                != Some(brand)
        {
            return Err(ApsError::bad_request(format!(
                "The shared domain {parent} is reserved for the customers of another brand."
            )));
        }
        let name = subdomain_name(body.str_prop("label").unwrap_or_default(), &parent)?;
        claim(call, &name, "sharedsubdomain").await?;
        super::profile::fill_defaults(&self.0, &mut body);
        check_catch_all_of(call, &tenant, &mut body, &name).await?;
        let label = normalise(body.str_prop("label").unwrap_or_default());
        body.props.insert("label".into(), json!(label));
        body.props.insert("name".into(), json!(name));
        Ok(Admitted {
            body,
            parent_id: Some(tenant),
            natural_key: Some(name),
        })
    }

    async fn admit_change(
        &self,
        call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.0, current, &new)?;
        keep_links(
            current,
            &mut new,
            &["tenant", "shareddomain"],
            "shared subdomain",
        )?;
        if let Some(name) = current.props.get("name") {
            new.props.insert("name".into(), name.clone());
        }
        if new.props.get("catchAll") != current.props.get("catchAll") {
            let tenant = linked_id(current, "tenant").unwrap_or_default();
            let name = current.str_prop("name").unwrap_or_default().to_owned();
            check_catch_all_of(call, &tenant, &mut new, &name).await?;
        }
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        let tenant = linked_id(&body, "tenant")
            .ok_or_else(|| JobError::permanent("shared subdomain has no tenant"))?;
        set_mapping(cx, &tenant, body.str_prop("name").unwrap_or_default(), true).await?;
        Ok(body)
    }

    async fn update(&self, _: &JobCx, _: &Resource, new: Resource) -> Result<Resource, JobError> {
        // Only the catch-all can change; it is for the mail system, not OX's provisioning API.
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        match linked_id(body, "tenant") {
            Some(tenant) => {
                set_mapping(
                    cx,
                    &tenant,
                    body.str_prop("name").unwrap_or_default(),
                    false,
                )
                .await
            }
            None => Ok(()),
        }
    }
}
