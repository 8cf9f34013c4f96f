//! `domain`: a customer's own mail domain. It becomes a login mapping of the tenant's OX context,
//! and its hosted DNS zone gets the MX, SPF and autodiscover records the globals settings call for.
//!
//! Removing a domain removes its subdomains first (their records, login mappings and stored
//! resources) rather than refusing: a customer who ticks a domain in "Remove domains" expects it
//! gone with nothing of it left in OX or in the zone, and the controller itself (as far as known,
//! UNCONFIRMED) removes the resources that require a removed one, subdomains here, before it.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

pub use super::mapping::set_mapping;
use super::{Admitted, JobCx, Model, dns, linked_id, required_link};
use crate::services::{Call, internal};
use crate::store::ResourceStatus;

/// Services whose resources give a tenant a mail domain (their natural key is the domain name).
pub const DOMAIN_SERVICES: &[&str] = &["domain", "subdomain", "sharedsubdomain"];

/// The domain model.
pub struct Domain {
    def: TypeDef,
}

impl Default for Domain {
    fn default() -> Self {
        Domain {
            def: crate::types::of("domain")
                .unwrap_or_else(|| TypeDef::new("domain", &crate::types::type_id("domain"))),
        }
    }
}

/// Whether the tenant has `domain` as one of its mail domains (own, subdomain, shared subdomain).
/// Mail domains being removed, or whose provisioning failed, do not count.
pub async fn tenant_has_domain(
    call: &Call,
    tenant_id: &str,
    domain: &str,
) -> Result<bool, ApsError> {
    let instance = call.instance()?;
    // One indexed lookup per domain kind (natural keys are unique per service), not a scan of
    // the tenant's children: this runs on every user, alias and resource admission.
    for service in DOMAIN_SERVICES {
        let row = call
            .app
            .store
            .by_natural_key(&instance.id, service, domain)
            .await
            .map_err(internal)?;
        if row.is_some_and(|r| r.parent_id.as_deref() == Some(tenant_id) && live(r.status)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether a resource in this status holds its name (it is not being removed, nor failed).
pub fn live(status: ResourceStatus) -> bool {
    !matches!(
        status,
        ResourceStatus::Unprovisioning | ResourceStatus::Failed
    )
}

/// A domain name or label as stored: trimmed, lower case, without the root's dot.
pub fn normalise(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `name` is a valid DNS name (letters, digits, hyphens; labels of 1-63; 253 in all).
pub fn valid_domain_name(name: &str) -> bool {
    name.len() <= 253 && name.contains('.') && name.split('.').all(super::subdomain::valid_label)
}

/// Whether `name` is `domain` or inside it.
pub(super) fn within(name: &str, domain: &str) -> bool {
    let (name, domain) = (name.to_ascii_lowercase(), domain.to_ascii_lowercase());
    name == domain || name.ends_with(&format!(".{domain}"))
}

/// Checks a catch-all value: empty, or an address in `domain` or in a domain `domain` is part of
/// (`info@example.com` for `sales.example.com`).
pub fn check_catch_all(body: &Resource, domain: &str) -> Result<(), ApsError> {
    match body.str_prop("catchAll").unwrap_or("") {
        "" => Ok(()),
        address => match address.rsplit_once('@') {
            Some((local, d)) if !local.is_empty() && valid_domain_name(d) && within(domain, d) => {
                Ok(())
            }
            _ => Err(ApsError::bad_request(format!(
                "The catch-all mailbox must be an address in {domain} (or in the domain it \
                 belongs to), or empty."
            ))),
        },
    }
}

/// Normalises and checks a catch-all: empty, or a mailbox of the tenant (a user's login or one of
/// its aliases) that [`check_catch_all`] accepts for `name`.
pub async fn check_catch_all_of(
    call: &Call,
    tenant_id: &str,
    body: &mut Resource,
    name: &str,
) -> Result<(), ApsError> {
    let address = body
        .str_prop("catchAll")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    body.props.insert("catchAll".into(), json!(address));
    check_catch_all(body, name)?;
    if address.is_empty() || is_mailbox_of(call, tenant_id, &address).await? {
        return Ok(());
    }
    Err(ApsError::bad_request(format!(
        "{address} is not a mailbox of this subscription: choose a user's login or alias, or \
         leave the catch-all empty."
    )))
}

/// Whether `address` is the login of one of the tenant's users or one of their aliases (an alias
/// belongs to the tenant directly or through its user).
async fn is_mailbox_of(call: &Call, tenant_id: &str, address: &str) -> Result<bool, ApsError> {
    let instance = call.instance()?;
    let store = &call.app.store;
    let users = store
        .children(&instance.id, tenant_id, Some("user"))
        .await
        .map_err(internal)?;
    let users: Vec<_> = users.into_iter().filter(|u| live(u.status)).collect();
    if users
        .iter()
        .any(|u| u.natural_key.as_deref() == Some(address))
    {
        return Ok(true);
    }
    let ours =
        |id: Option<&str>| id.is_some_and(|id| id == tenant_id || users.iter().any(|u| u.id == id));
    Ok(store
        .resources_of(&instance.id, "emailaddress")
        .await
        .map_err(internal)?
        .iter()
        .filter(|a| live(a.status))
        .any(|a| {
            let named = a.natural_key.as_deref() == Some(address)
                || a.body
                    .get("address")
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(address));
            named
                && (ours(a.parent_id.as_deref())
                    || ours(a.body.pointer("/user/aps/id").and_then(Value::as_str)))
        }))
}

/// Keeps single relations that may not change: an unlinked one stays as it was (the controller
/// unlinks when the other end goes away); pointing one elsewhere is refused.
pub fn keep_links(
    current: &Resource,
    new: &mut Resource,
    relations: &[&str],
    service: &str,
) -> Result<(), ApsError> {
    for relation in relations {
        let Some(old) = current.props.get(*relation) else {
            continue;
        };
        match new.link_id(relation) {
            Some(id) if current.link_id(relation) != Some(id) => {
                return Err(ApsError::bad_request(format!(
                    "The {relation} of a {service} cannot be changed; remove it and add a new one."
                )));
            }
            _ => {
                new.props.insert((*relation).to_owned(), old.clone());
            }
        }
    }
    Ok(())
}

#[async_trait]
impl Model for Domain {
    fn service(&self) -> &'static str {
        "domain"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let tenant = required_link(&body, "tenant", "domain")?;
        let name = normalise(body.str_prop("name").unwrap_or_default());
        if !valid_domain_name(&name) {
            return Err(ApsError::bad_request(format!(
                "{name:?} is not a valid domain name."
            )));
        }
        let instance = call.instance()?;
        if call
            .app
            .store
            .resource(&instance.id, &tenant)
            .await
            .map_err(internal)?
            .is_none_or(|r| r.service != "tenant")
        {
            return Err(ApsError::bad_request(format!(
                "Tenant {tenant} does not exist."
            )));
        }
        super::shared_domain::claim(call, &name, "domain").await?;
        super::profile::fill_defaults(&self.def, &mut body);
        check_catch_all_of(call, &tenant, &mut body, &name).await?;
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
        keep_links(current, &mut new, &["tenant", "zone"], "domain")?;
        if let Some(ids) = current.props.get(dns::RECORDS) {
            new.props.insert(dns::RECORDS.into(), ids.clone());
        }
        if new.props.get("catchAll") != current.props.get("catchAll") {
            let tenant = linked_id(current, "tenant").unwrap_or_default();
            let name = current.str_prop("name").unwrap_or_default().to_owned();
            check_catch_all_of(call, &tenant, &mut new, &name).await?;
        }
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let tenant = linked_id(&body, "tenant")
            .ok_or_else(|| JobError::permanent("domain has no tenant"))?;
        let name = body.str_prop("name").unwrap_or_default().to_owned();
        set_mapping(cx, &tenant, &name, true).await?;
        if let Some(zone) = linked_id(&body, "zone") {
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
        // The catch-all lives in the mail system, not in OX's provisioning API: stored for the MTA
        // integration and shown in the panel.
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        super::subdomain::remove_subdomains_of(cx, body.id().unwrap_or(&cx.resource_id)).await?;
        dns::remove(cx, &dns::recorded(body)).await?;
        if let Some(tenant) = linked_id(body, "tenant") {
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

    #[test]
    fn domain_names() {
        assert!(valid_domain_name("example.com"));
        assert!(valid_domain_name("mail-1.example.co.uk"));
        assert!(!valid_domain_name("example"));
        assert!(!valid_domain_name("-bad.example.com"));
        assert!(!valid_domain_name("bad_.example.com"));
        assert!(!valid_domain_name(&format!("{}.com", "a".repeat(64))));
    }

    #[test]
    fn catch_all_must_be_in_the_domain_or_its_parent() {
        let with = |v: &str| serde_json::from_value::<Resource>(json!({"catchAll": v})).unwrap();
        assert!(check_catch_all(&with(""), "example.com").is_ok());
        assert!(check_catch_all(&with("info@Example.com"), "example.com").is_ok());
        assert!(check_catch_all(&with("info@example.com"), "sales.example.com").is_ok());
        assert!(check_catch_all(&with("info@sales.example.com"), "example.com").is_err());
        assert!(check_catch_all(&with("info@other.com"), "example.com").is_err());
        assert!(check_catch_all(&with("info@com"), "example.com").is_err());
        assert!(check_catch_all(&with("@example.com"), "example.com").is_err());
    }
}
