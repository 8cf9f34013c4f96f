//! A brand's limits checked at admission (OX Cloud): a tenant or user that would exceed them is
//! refused with a 400 before anything is stored. The count comes from oxaps's own resources
//! (failed ones left out), which never exceeds what OX holds, so this refuses nothing OX would
//! accept; OX stays the authority, and its `QuotaExceeded` fails the job cleanly when someone
//! else used the room first.

use std::collections::BTreeMap;

use aps::ApsError;
use serde_json::Value;

use super::{Limits, display_name, load};
use crate::app::{App, OxUnavailable};
use crate::ox_link::OxMode;
use crate::services::{Call, internal};
use crate::store::{ResourceRow, ResourceStatus, StoreError};

/// The tenants linked to a brand (failed ones, which have no context, left out).
pub async fn tenants_of(
    app: &App,
    instance_id: &str,
    brand_id: &str,
) -> Result<Vec<ResourceRow>, StoreError> {
    Ok(app
        .store
        .resources_of(instance_id, "tenant")
        .await?
        .into_iter()
        .filter(|t| t.status != ResourceStatus::Failed)
        .filter(|t| t.body.pointer("/brand/aps/id").and_then(Value::as_str) == Some(brand_id))
        .collect())
}

/// What a brand's tenants hold in OX.
#[derive(Debug, Default)]
struct Usage {
    contexts: u64,
    /// Users, the context admins included.
    users: u64,
    /// Enabled users per access combination (a disabled user's rights match none).
    by_combination: BTreeMap<String, u64>,
}

async fn usage(call: &Call, brand_id: &str) -> Result<Usage, ApsError> {
    let instance = &call.instance()?.id;
    let store = &call.app.store;
    let combination: BTreeMap<String, String> = store
        .resources_of(instance, "profile")
        .await
        .map_err(internal)?
        .into_iter()
        .filter_map(|p| {
            let c = p.body.get("accessCombination")?.as_str()?.to_owned();
            Some((p.id, c))
        })
        .collect();
    let mut usage = Usage::default();
    for tenant in tenants_of(&call.app, instance, brand_id)
        .await
        .map_err(internal)?
    {
        usage.contexts += 1;
        usage.users += 1;
        *usage.by_combination.entry("all".into()).or_default() += 1;
        let users = store
            .children(instance, &tenant.id, Some("user"))
            .await
            .map_err(internal)?;
        for u in users.iter().filter(|u| u.status != ResourceStatus::Failed) {
            usage.users += 1;
            let enabled = u.body.get("status").and_then(Value::as_str) != Some("disabled");
            let profile = u.body.pointer("/profile/aps/id").and_then(Value::as_str);
            if let Some(c) = profile.and_then(|p| combination.get(p)).filter(|_| enabled) {
                *usage.by_combination.entry(c.clone()).or_default() += 1;
            }
        }
    }
    Ok(usage)
}

fn full(what: &str, name: &str, max: u64, has: u64) -> ApsError {
    ApsError::bad_request(format!(
        "The reseller {name} may have at most {max} {what} in OX and has {has}; ask the provider to raise the limit."
    ))
}

/// Room for one more tenant of `brand_id`: a context and its admin user (combination `all`).
pub async fn check_room_for_tenant(call: &Call, brand_id: &str) -> Result<(), ApsError> {
    let brand = load(call, brand_id).await?;
    let limits = Limits::of(&brand);
    if limits == Limits::default() {
        return Ok(());
    }
    let name = display_name(&brand);
    let usage = usage(call, brand_id).await?;
    if let Some(max) = limits.contexts
        && usage.contexts >= max
    {
        return Err(full("contexts (tenants)", &name, max, usage.contexts));
    }
    check_users(&limits, &usage, "all", &name)
}

/// Room for one more user with the profile `profile_id` in tenant `tenant_id` (OX Cloud only).
pub async fn check_room_for_user(
    call: &Call,
    tenant_id: &str,
    profile_id: &str,
) -> Result<(), ApsError> {
    let instance = call.instance()?;
    match call.app.ox(&instance.id).await {
        Ok((_, s)) if s.mode == OxMode::Cloud => {}
        Ok(_) | Err(OxUnavailable::NotConfigured) => return Ok(()),
        Err(OxUnavailable::Other(m)) => return Err(internal(m)),
    }
    let tenant = call
        .app
        .store
        .resource(&instance.id, tenant_id)
        .await
        .map_err(internal)?;
    let Some(brand_id) = tenant
        .as_ref()
        .and_then(|t| t.body.pointer("/brand/aps/id"))
        .and_then(Value::as_str)
    else {
        return Ok(());
    };
    let brand = load(call, brand_id).await?;
    let limits = Limits::of(&brand);
    if limits == Limits::default() {
        return Ok(());
    }
    let profile = crate::model::profile::load(call, profile_id).await?;
    let combination = profile.str_prop("accessCombination").unwrap_or("webmail");
    let usage = usage(call, brand_id).await?;
    check_users(&limits, &usage, combination, &display_name(&brand))
}

fn check_users(
    limits: &Limits,
    usage: &Usage,
    combination: &str,
    name: &str,
) -> Result<(), ApsError> {
    if let Some(max) = limits.users
        && usage.users >= max
    {
        return Err(full(
            "users (each tenant's context admin counts as one)",
            name,
            max,
            usage.users,
        ));
    }
    if let Some(&max) = limits.by_combination.get(combination) {
        let has = usage.by_combination.get(combination).copied().unwrap_or(0);
        if has >= max {
            return Err(full(&format!("users with {combination}"), name, max, has));
        }
    }
    Ok(())
}
