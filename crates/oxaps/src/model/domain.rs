//! `domain`: a customer's own mail domain. It becomes a login mapping of the tenant's OX context,
//! and its hosted DNS zone gets the MX, SPF and autodiscover records the globals settings call for.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::Context;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::tenant::ox_failure;
use super::{Admitted, JobCx, Model, dns, linked_id, required_link};
use crate::services::{Call, internal};

/// Services whose resources give a tenant a mail domain (their natural key is the domain name).
const DOMAIN_SERVICES: &[&str] = &["domain", "subdomain", "sharedsubdomain"];

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

/// Whether `name` is a valid DNS name (letters, digits, hyphens; labels of 1-63; 253 in all).
pub fn valid_domain_name(name: &str) -> bool {
    name.len() <= 253
        && name.contains('.')
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Whether the tenant has `domain` as one of its mail domains (own, subdomain, shared subdomain).
pub async fn tenant_has_domain(
    call: &Call,
    tenant_id: &str,
    domain: &str,
) -> Result<bool, ApsError> {
    let instance = call.instance()?;
    let children = call
        .app
        .store
        .children(&instance.id, tenant_id, None)
        .await
        .map_err(internal)?;
    Ok(children.iter().any(|c| {
        DOMAIN_SERVICES.contains(&c.service.as_str()) && c.natural_key.as_deref() == Some(domain)
    }))
}

/// Checks a catch-all value: empty, or an address in `domain`.
pub fn check_catch_all(body: &Resource, domain: &str) -> Result<(), ApsError> {
    match body.str_prop("catchAll").unwrap_or("") {
        "" => Ok(()),
        address => match address.rsplit_once('@') {
            Some((local, d)) if !local.is_empty() && d.eq_ignore_ascii_case(domain) => Ok(()),
            _ => Err(ApsError::bad_request(format!(
                "The catch-all mailbox must be an address in {domain}, or empty."
            ))),
        },
    }
}

/// Adds or removes a login mapping of the tenant's context (OX replaces the whole list on change).
pub async fn set_mapping(
    cx: &JobCx,
    tenant_id: &str,
    domain: &str,
    present: bool,
) -> Result<(), JobError> {
    let (ctx_ref, _) = match super::tenant::context_of(cx, tenant_id).await {
        Ok(found) => found,
        Err(JobError::Permanent(_)) if !present => return Ok(()),
        Err(e) => return Err(e),
    };
    let (ox, settings) = cx.ox().await?;
    let current = match ox.contexts().get_data(&ctx_ref, &settings.master).await {
        Ok(c) => c,
        Err(e) if e.is_not_found() && !present => return Ok(()),
        Err(e) => return Err(ox_failure("reading the OX context", e)),
    };
    let mut mappings = current.login_mappings.clone();
    let has = mappings.iter().any(|m| m.eq_ignore_ascii_case(domain));
    if has == present {
        return Ok(());
    }
    if present {
        mappings.push(domain.to_owned());
    } else {
        mappings.retain(|m| !m.eq_ignore_ascii_case(domain));
    }
    let change = Context {
        id: ctx_ref.id,
        login_mappings: mappings,
        ..Default::default()
    };
    ox.contexts()
        .change(&change, &settings.master)
        .await
        .map_err(|e| ox_failure("changing the OX context's login mappings", e))
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
        let name = body
            .str_prop("name")
            .unwrap_or_default()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
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
        check_catch_all(&body, &name)?;
        super::profile::fill_defaults(&self.def, &mut body);
        body.props.insert("name".into(), json!(name));
        body.props.insert("dnsRecords".into(), json!([]));
        Ok(Admitted {
            body,
            parent_id: Some(tenant),
            natural_key: Some(name),
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.def, current, &new)?;
        check_catch_all(&new, current.str_prop("name").unwrap_or_default())?;
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let tenant = linked_id(&body, "tenant")
            .ok_or_else(|| JobError::permanent("domain has no tenant"))?;
        let name = body.str_prop("name").unwrap_or_default().to_owned();
        set_mapping(cx, &tenant, &name, true).await?;
        if let Some(zone) = linked_id(&body, "zone") {
            let globals_def = crate::types::of("globals")
                .ok_or_else(|| JobError::permanent("globals type missing"))?;
            let (_, globals) = cx
                .resource(&cx.instance.id, &globals_def)
                .await?
                .ok_or_else(|| JobError::permanent("instance settings missing"))?;
            let already: Vec<String> = body
                .props
                .get("dnsRecords")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            let base = body.clone();
            let ids = dns::create(cx, &zone, &dns::wanted(&globals, &name), already, |ids| {
                let mut b = base.clone();
                b.props.insert("dnsRecords".into(), json!(ids));
                b
            })
            .await?;
            body.props.insert("dnsRecords".into(), json!(ids));
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
        let ids: Vec<String> = body
            .props
            .get("dnsRecords")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        dns::remove(cx, &ids).await?;
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
    fn catch_all_must_be_in_the_domain() {
        let with = |v: &str| serde_json::from_value::<Resource>(json!({"catchAll": v})).unwrap();
        assert!(check_catch_all(&with(""), "example.com").is_ok());
        assert!(check_catch_all(&with("info@Example.com"), "example.com").is_ok());
        assert!(check_catch_all(&with("info@other.com"), "example.com").is_err());
        assert!(check_catch_all(&with("@example.com"), "example.com").is_err());
    }
}
