//! Checks shared by the objects a tenant holds besides its users (groups, resources, aliases):
//! does the tenant exist, is a user one of its users, does a sibling already use a name or an
//! address, which resource already holds an OX object, and how to reach the tenant's context.

use aps::ApsError;
use oxaps_jobs::JobError;
use serde_json::Value;

use crate::model::JobCx;
use crate::model::tenant::{OxScope, ox_scope};
use crate::services::{Call, internal};
use crate::store::{ResourceRow, ResourceStatus};

/// The tenant exists in this instance, or a 400.
pub async fn existing_tenant(call: &Call, tenant: &str) -> Result<(), ApsError> {
    let instance = call.instance()?;
    match call
        .app
        .store
        .resource(&instance.id, tenant)
        .await
        .map_err(internal)?
    {
        Some(r) if r.service == "tenant" => Ok(()),
        _ => Err(ApsError::bad_request(format!(
            "Tenant {tenant} does not exist."
        ))),
    }
}

/// A user of `tenant` (its stored row), or a 400 saying what `role` (e.g. "A group member")
/// requires.
pub async fn tenant_user(
    call: &Call,
    tenant: &str,
    user: &str,
    role: &str,
) -> Result<ResourceRow, ApsError> {
    let instance = call.instance()?;
    let row = call
        .app
        .store
        .resource(&instance.id, user)
        .await
        .map_err(internal)?
        .filter(|r| r.service == "user")
        .ok_or_else(|| {
            ApsError::bad_request(format!(
                "{role} must be an OX App Suite user of this subscription; user {user} does not exist."
            ))
        })?;
    if row.parent_id.as_deref() != Some(tenant) {
        let login = row
            .body
            .get("login")
            .and_then(Value::as_str)
            .unwrap_or(user);
        return Err(ApsError::bad_request(format!(
            "{role} must be a user of this subscription; {login} belongs to another subscription."
        )));
    }
    Ok(row)
}

/// Another resource of `service` in the tenant whose `prop` equals `value` (ignoring case);
/// resources whose provisioning failed do not count.
pub async fn sibling_with(
    call: &Call,
    tenant: &str,
    service: &str,
    own_id: &str,
    prop: &str,
    value: &str,
) -> Result<Option<ResourceRow>, ApsError> {
    let instance = call.instance()?;
    let rows = call
        .app
        .store
        .children(&instance.id, tenant, Some(service))
        .await
        .map_err(internal)?;
    Ok(rows.into_iter().find(|r| {
        r.id != own_id
            && r.status != ResourceStatus::Failed
            && r.body
                .get(prop)
                .and_then(Value::as_str)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case(value.trim()))
    }))
}

/// Another resource of `service` in the tenant (not the job's own) whose `prop` holds the OX id
/// `ox_id`: an OX object found by name is adopted only when no other resource holds it.
pub async fn owner_of(
    cx: &JobCx,
    tenant: &str,
    service: &str,
    prop: &str,
    ox_id: i32,
) -> Result<Option<String>, JobError> {
    let rows = cx
        .app
        .store
        .children(&cx.instance.id, tenant, Some(service))
        .await
        .map_err(JobError::transient)?;
    Ok(rows
        .into_iter()
        .find(|r| {
            r.id != cx.resource_id
                && r.status != ResourceStatus::Failed
                && r.body.get(prop).and_then(Value::as_i64) == Some(i64::from(ox_id))
        })
        .map(|r| r.id))
}

/// How to reach the tenant's context (both OX modes), or `None` when the tenant is gone, and
/// with it its context and everything in it. Other permanent failures (a brand without its
/// subadmin) stay errors.
pub async fn scope_unless_gone(cx: &JobCx, tenant: &str) -> Result<Option<OxScope>, JobError> {
    match ox_scope(cx, tenant).await {
        Ok(scope) => Ok(Some(scope)),
        Err(JobError::Permanent(m)) => {
            let exists = cx
                .app
                .store
                .resource(&cx.instance.id, tenant)
                .await
                .map_err(JobError::transient)?
                .is_some();
            if exists {
                Err(JobError::Permanent(m))
            } else {
                Ok(None)
            }
        }
        Err(e) => Err(e),
    }
}
