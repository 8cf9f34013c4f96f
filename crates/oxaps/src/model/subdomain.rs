//! `subdomain`: a subdomain `<label>.<domain>` of a tenant's own domain. Like a domain, its full
//! name becomes a login mapping of the tenant's OX context and gets the mail records (MX, SPF,
//! autoconfig/autodiscover CNAMEs), in the parent domain's zone and named for the subdomain;
//! exactly the records it created are removed with it. Its catch-all is empty or a mailbox of the
//! tenant in the subdomain or in its domain (`info@example.com` for `sales.example.com`).
//!
//! The tenant (the parent domain's) is the resource's parent, so users can take logins on the
//! subdomain; the full name is the natural key (unique in the instance, across all kinds of mail
//! domains). Stored besides the type's properties: `name` (the full name) and `dnsRecords`.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::domain::{check_catch_all_of, keep_links, live, normalise, set_mapping};
use super::{Admitted, JobCx, Model, dns, linked_id, required_link};
use crate::services::{Call, internal};

/// The subdomain model.
pub struct Subdomain {
    def: TypeDef,
}

impl Default for Subdomain {
    fn default() -> Self {
        Subdomain {
            def: crate::types::of("subdomain")
                .unwrap_or_else(|| TypeDef::new("subdomain", &crate::types::type_id("subdomain"))),
        }
    }
}

/// Whether `label` is one DNS label: letters, digits and inner hyphens, 1-63 characters.
pub fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Labels a subdomain may not take: the names of the set-up records every mail domain gets.
const RESERVED_LABELS: &[&str] = &["autoconfig", "autodiscover"];

/// The full name of the subdomain `label` of `parent`, or a 400 saying what is wrong.
pub fn subdomain_name(label: &str, parent: &str) -> Result<String, ApsError> {
    let label = normalise(label);
    if !valid_label(&label) {
        return Err(ApsError::bad_request(format!(
            "{label:?} is not a valid subdomain: use one label of letters, digits and hyphens \
             (not first or last), at most 63 characters, without dots."
        )));
    }
    if RESERVED_LABELS.contains(&label.as_str()) {
        return Err(ApsError::bad_request(format!(
            "{label}.{parent} is reserved for the mail client set-up records of {parent}."
        )));
    }
    let name = format!("{label}.{parent}");
    if !super::domain::valid_domain_name(&name) {
        return Err(ApsError::bad_request(format!(
            "{name} is longer than the 253 characters a domain name may have."
        )));
    }
    Ok(name)
}

/// The tenant a subdomain belongs to (its stored parent).
async fn tenant_of(cx: &JobCx, body: &Resource) -> Result<Option<String>, JobError> {
    let id = body.id().unwrap_or(&cx.resource_id);
    Ok(cx
        .app
        .store
        .resource(&cx.instance.id, id)
        .await
        .map_err(JobError::transient)?
        .and_then(|r| r.parent_id))
}

/// Removes the subdomains of a domain that is being removed: their records, their login mappings
/// and their stored resources.
pub async fn remove_subdomains_of(cx: &JobCx, domain_id: &str) -> Result<(), JobError> {
    let model = Subdomain::default();
    let rows = cx
        .app
        .store
        .resources_of(&cx.instance.id, "subdomain")
        .await
        .map_err(JobError::transient)?;
    for row in rows {
        if row.body.pointer("/domain/aps/id").and_then(Value::as_str) != Some(domain_id) {
            continue;
        }
        let child = JobCx {
            app: cx.app.clone(),
            instance: cx.instance.clone(),
            resource_id: row.id.clone(),
            def: model.def.clone(),
        };
        if let Some((_, body)) = child.resource(&row.id, &model.def).await? {
            model.delete(&child, &body).await?;
        }
        let mut conn = cx
            .app
            .store
            .pool()
            .acquire()
            .await
            .map_err(JobError::transient)?;
        crate::store::Store::delete_resource(&mut conn, &cx.instance.id, &row.id)
            .await
            .map_err(JobError::transient)?;
    }
    Ok(())
}

#[async_trait]
impl Model for Subdomain {
    fn service(&self) -> &'static str {
        "subdomain"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let domain_id = required_link(&body, "domain", "subdomain")?;
        let instance = call.instance()?;
        let domain = call
            .app
            .store
            .resource(&instance.id, &domain_id)
            .await
            .map_err(internal)?
            .filter(|r| r.service == "domain")
            .ok_or_else(|| ApsError::bad_request(format!("Domain {domain_id} does not exist.")))?;
        let (Some(parent), Some(tenant)) = (domain.natural_key.clone(), domain.parent_id.clone())
        else {
            return Err(internal(format!(
                "domain {domain_id} has no name or tenant"
            )));
        };
        if !live(domain.status) {
            return Err(ApsError::bad_request(format!(
                "The domain {parent} is being removed or failed; it cannot get subdomains."
            )));
        }
        let name = subdomain_name(body.str_prop("label").unwrap_or_default(), &parent)?;
        super::shared_domain::claim(call, &name, "subdomain").await?;
        super::profile::fill_defaults(&self.def, &mut body);
        check_catch_all_of(call, &tenant, &mut body, &name).await?;
        let label = normalise(body.str_prop("label").unwrap_or_default());
        body.props.insert("label".into(), json!(label));
        body.props.insert("name".into(), json!(name));
        body.props.insert(dns::RECORDS.into(), json!([]));
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
        super::final_unchanged(&self.def, current, &new)?;
        keep_links(current, &mut new, &["domain"], "subdomain")?;
        for readonly in ["name", dns::RECORDS] {
            if let Some(v) = current.props.get(readonly) {
                new.props.insert(readonly.into(), v.clone());
            }
        }
        if new.props.get("catchAll") != current.props.get("catchAll") {
            let instance = call.instance()?;
            let id = current.id().unwrap_or_default();
            let tenant = call
                .app
                .store
                .resource(&instance.id, id)
                .await
                .map_err(internal)?
                .and_then(|r| r.parent_id)
                .unwrap_or_default();
            let name = current.str_prop("name").unwrap_or_default().to_owned();
            check_catch_all_of(call, &tenant, &mut new, &name).await?;
        }
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let tenant = tenant_of(cx, &body)
            .await?
            .ok_or_else(|| JobError::permanent("subdomain has no tenant"))?;
        let name = body.str_prop("name").unwrap_or_default().to_owned();
        let domain_id = linked_id(&body, "domain")
            .ok_or_else(|| JobError::permanent("subdomain has no domain"))?;
        let domain_def =
            crate::types::of("domain").ok_or_else(|| JobError::permanent("domain type missing"))?;
        let (_, domain) = cx
            .resource(&domain_id, &domain_def)
            .await?
            .ok_or_else(|| JobError::permanent(format!("the domain of {name} was removed")))?;
        set_mapping(cx, &tenant, &name, true).await?;
        if let Some(zone) = linked_id(&domain, "zone") {
            dns::provision(cx, &mut body, &zone, &name).await?;
        }
        Ok(body)
    }

    async fn update(
        &self,
        _cx: &JobCx,
        _old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        // Only the catch-all can change; it is for the mail system, not OX's provisioning API.
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        dns::remove(cx, &dns::recorded(body)).await?;
        if let Some(tenant) = tenant_of(cx, body).await? {
            set_mapping(
                cx,
                &tenant,
                body.str_prop("name").unwrap_or_default(),
                false,
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::valid_domain_name;

    #[test]
    fn subdomain_labels() {
        assert_eq!(
            subdomain_name(" Sales ", "example.com").unwrap(),
            "sales.example.com"
        );
        for bad in [
            "",
            "a.b",
            "-a",
            "a-",
            "a_b",
            "*",
            "autodiscover",
            &"a".repeat(64),
        ] {
            assert!(subdomain_name(bad, "example.com").is_err(), "{bad:?}");
        }
        let long_parent = format!("{}.com", vec!["a".repeat(61); 4].join("."));
        assert!(valid_domain_name(&long_parent));
        assert!(subdomain_name("x", &long_parent).is_ok());
        assert!(subdomain_name("xyz", &long_parent).is_err());
    }
}
