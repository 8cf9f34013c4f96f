//! Which OX services and credentials reach a tenant's context: on-premise, the core services
//! (OXUserService, ...) with the context admin; in OX Cloud, the reseller services
//! (OXResellerUserService, ...) with the subadmin of the tenant's brand.
//!
//! A model that works in both modes writes its OX calls once, generic over
//! [`ox::services::Flavor`], and picks the flavor from [`OxScope::mode`]:
//!
//! ```ignore
//! async fn rename<F: Flavor>(groups: GroupService<F>, scope: &OxScope, g: &Group) -> Result<(), OxError> {
//!     groups.change(&scope.ctx::<F>(), g, &scope.credentials).await
//! }
//! let scope = tenant::ox_scope(cx, &tenant_id).await?;
//! match scope.mode {
//!     OxMode::OnPremise => rename(scope.ox.groups(), &scope, &g).await,
//!     OxMode::Cloud => rename(scope.ox.reseller_groups(), &scope, &g).await,
//! }
//! ```

use aps::Resource;
use ox::services::{ContextArg, Flavor};
use ox::{Context, Credentials, OxClient, ResellerContext};
use oxaps_jobs::JobError;
use serde_json::Value;

use crate::model::{JobCx, linked_id};
use crate::ox_link::OxMode;
use crate::store::ResourceStatus;

/// How to reach one tenant's OX context from a job.
#[derive(Debug, Clone)]
pub struct OxScope {
    /// The instance's OX client.
    pub ox: OxClient,
    /// On-premise (core services) or OX Cloud (reseller services).
    pub mode: OxMode,
    /// The tenant's OX context id.
    pub context_id: i32,
    /// The context admin (on-premise) or the brand's subadmin (OX Cloud). `Debug` redacts the
    /// password.
    pub credentials: Credentials,
}

impl OxScope {
    /// The context reference for the core services.
    pub fn context(&self) -> Context {
        Context::with_id(self.context_id)
    }

    /// The context reference for the reseller services.
    pub fn reseller_context(&self) -> ResellerContext {
        ResellerContext::with_id(self.context_id)
    }

    /// The context reference for the services of flavor `F`.
    pub fn ctx<F: Flavor>(&self) -> F::Ctx {
        F::Ctx::from_id(self.context_id)
    }

    /// Whether the reseller services are to be used.
    pub fn is_cloud(&self) -> bool {
        self.mode == OxMode::Cloud
    }
}

/// The OX client, services and credentials for the objects in a tenant's context: users,
/// groups, resources, aliases. A *permanent* error when the tenant does not exist (its children
/// treat that as "already gone"); a *transient* one while its context is not created yet.
pub async fn ox_scope(cx: &JobCx, tenant_id: &str) -> Result<OxScope, JobError> {
    let body = tenant_body(cx, tenant_id).await?;
    let context_id = context_id(&body, tenant_id)?;
    let (ox, settings) = cx.ox().await?;
    let credentials = match settings.mode {
        OxMode::OnPremise => admin_credentials(&body)?,
        OxMode::Cloud => brand_credentials(cx, &body).await?,
    };
    Ok(OxScope {
        ox,
        mode: settings.mode,
        context_id,
        credentials,
    })
}

/// Who manages the context itself (create, change, disable, delete): the master admin
/// on-premise, the brand's subadmin in OX Cloud.
pub(super) async fn context_manager(
    cx: &JobCx,
    tenant: &Resource,
) -> Result<(OxClient, OxMode, Credentials), JobError> {
    let (ox, settings) = cx.ox().await?;
    let credentials = match settings.mode {
        OxMode::OnPremise => settings.master.clone(),
        OxMode::Cloud => brand_credentials(cx, tenant).await?,
    };
    Ok((ox, settings.mode, credentials))
}

/// The stored tenant with its secrets opened.
pub(super) async fn tenant_body(cx: &JobCx, tenant_id: &str) -> Result<Resource, JobError> {
    let def =
        crate::types::of("tenant").ok_or_else(|| JobError::permanent("tenant type missing"))?;
    cx.resource(tenant_id, &def)
        .await?
        .map(|(_, body)| body)
        .ok_or_else(|| JobError::permanent(format!("tenant {tenant_id} does not exist")))
}

/// The tenant's context id, or a transient error while it is being created.
pub(super) fn context_id(tenant: &Resource, tenant_id: &str) -> Result<i32, JobError> {
    tenant
        .props
        .get("contextId")
        .and_then(Value::as_i64)
        .and_then(|id| i32::try_from(id).ok())
        .ok_or_else(|| {
            JobError::transient(format!(
                "the OX context of tenant {tenant_id} is not created yet"
            ))
        })
}

/// The context admin's credentials.
pub(super) fn admin_credentials(tenant: &Resource) -> Result<Credentials, JobError> {
    let login = tenant.str_prop("adminLogin").unwrap_or("oxadmin");
    let password = tenant
        .str_prop("adminPassword")
        .ok_or_else(|| JobError::permanent("tenant has no admin password"))?;
    Ok(Credentials::new(login, password))
}

/// The subadmin of the tenant's brand, once the brand's OX subadmin exists.
async fn brand_credentials(cx: &JobCx, tenant: &Resource) -> Result<Credentials, JobError> {
    let brand = linked_id(tenant, "brand").ok_or_else(|| {
        JobError::permanent("in OX Cloud mode a tenant must be linked to a brand")
    })?;
    let def = crate::types::of("brand").ok_or_else(|| JobError::permanent("brand type missing"))?;
    let (row, body) = cx
        .resource(&brand, &def)
        .await?
        .ok_or_else(|| JobError::permanent(format!("brand {brand} does not exist")))?;
    match row.status {
        ResourceStatus::Provisioning => {
            return Err(JobError::transient(format!(
                "the OX subadmin of brand {brand} is not created yet"
            )));
        }
        ResourceStatus::Failed => {
            return Err(JobError::permanent(format!(
                "brand {brand} failed to provision; it has no OX subadmin"
            )));
        }
        _ => {}
    }
    match (
        body.str_prop("subadminLogin"),
        body.str_prop("subadminPassword"),
    ) {
        (Some(login), Some(password)) => Ok(Credentials::new(login, password)),
        _ => Err(JobError::permanent(format!(
            "brand {brand} has no OX subadmin (was it created in on-premise mode?)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(v: Value) -> Resource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_missing_context_is_transient_and_credentials_come_from_the_tenant() {
        let t = tenant(serde_json::json!({"aps": {}, "adminPassword": "pw"}));
        assert!(matches!(context_id(&t, "t1"), Err(JobError::Transient(_))));
        let t = tenant(serde_json::json!({"aps": {}, "contextId": 42, "adminPassword": "pw"}));
        assert_eq!(context_id(&t, "t1").unwrap(), 42);
        let creds = admin_credentials(&t).unwrap();
        assert_eq!(
            (creds.login.as_str(), creds.password.expose()),
            ("oxadmin", "pw")
        );
        let none = tenant(serde_json::json!({"aps": {}}));
        assert!(matches!(
            admin_credentials(&none),
            Err(JobError::Permanent(_))
        ));
    }
}
