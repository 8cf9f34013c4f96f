//! The tenant's OX context itself, written once for OXContextService (on-premise, master admin)
//! and OXResellerContextService (OX Cloud, the brand's subadmin).

use ox::services::{ContextArg, ContextService, Flavor};
use ox::{Context, Credentials, OxClient, ResellerContext, User};
use oxaps_jobs::JobError;

use super::ox_failure;
use crate::ox_link::OxMode;

/// What the tenant model reads from both context types.
pub(super) trait OxCtx: ContextArg + From<Context> {
    /// The context name.
    fn name(&self) -> Option<&str>;
}

impl OxCtx for Context {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl OxCtx for ResellerContext {
    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// A context to create: name, quota, the name as first login mapping, and (cloud) the tenant's
/// APS id as the reseller's custom id.
pub(super) struct Wanted<'a> {
    pub name: &'a str,
    pub max_quota_mb: i64,
    pub custom_id: &'a str,
    pub admin: &'a User,
}

/// Finds the context by name (adopting one created before a crash or a lost answer), or creates
/// it; returns its id.
pub(super) async fn create_or_adopt(
    ox: &OxClient,
    mode: OxMode,
    wanted: &Wanted<'_>,
    auth: &Credentials,
) -> Result<i32, JobError> {
    let ctx = Context {
        name: Some(wanted.name.to_owned()),
        max_quota: Some(wanted.max_quota_mb),
        login_mappings: vec![wanted.name.to_owned()],
        ..Default::default()
    };
    match mode {
        OxMode::OnPremise => create_in(&ox.contexts(), ctx, wanted.admin, auth).await,
        OxMode::Cloud => {
            let mut ctx = ResellerContext::from(ctx);
            ctx.customid = Some(wanted.custom_id.to_owned());
            create_in(&ox.reseller_contexts(), ctx, wanted.admin, auth).await
        }
    }
}

async fn create_in<F: Flavor>(
    svc: &ContextService<F>,
    ctx: F::Ctx,
    admin: &User,
    auth: &Credentials,
) -> Result<i32, JobError>
where
    F::Ctx: OxCtx,
{
    let name = ctx.name().unwrap_or_default().to_owned();
    if let Some(id) = find(svc, &name, auth).await? {
        return Ok(id);
    }
    match svc
        .create_module_access_by_name(&ctx, admin, "all", auth)
        .await
    {
        Ok(created) => created
            .context_id()
            .ok_or_else(|| JobError::transient("OX created the context but returned no id")),
        Err(e) if e.is_already_exists() => find(svc, &name, auth).await?.ok_or_else(|| {
            JobError::permanent(format!(
                "OX says context {name} exists but does not list it"
            ))
        }),
        Err(e) => Err(ox_failure("creating the OX context", e)),
    }
}

async fn find<F: Flavor>(
    svc: &ContextService<F>,
    name: &str,
    auth: &Credentials,
) -> Result<Option<i32>, JobError>
where
    F::Ctx: OxCtx,
{
    let found = svc
        .list(name, auth)
        .await
        .map_err(|e| ox_failure("looking up the OX context", e))?;
    Ok(found
        .into_iter()
        .find(|c| c.name() == Some(name))
        .and_then(|c| c.context_id()))
}

/// Sets the context's file quota (MB, -1 = unlimited).
pub(super) async fn set_quota(
    ox: &OxClient,
    mode: OxMode,
    id: i32,
    max_quota_mb: i64,
    auth: &Credentials,
) -> Result<(), JobError> {
    let ctx = Context {
        id: Some(id),
        max_quota: Some(max_quota_mb),
        ..Default::default()
    };
    let done = match mode {
        OxMode::OnPremise => ox.contexts().change(&ctx, auth).await,
        OxMode::Cloud => {
            ox.reseller_contexts()
                .change(&ResellerContext::from(ctx), auth)
                .await
        }
    };
    done.map_err(|e| ox_failure("changing the OX context quota", e))
}

/// Enables or disables the context (idempotent: OX accepts either on a context in that state).
pub(super) async fn set_enabled(
    ox: &OxClient,
    mode: OxMode,
    id: i32,
    enabled: bool,
    auth: &Credentials,
) -> Result<(), JobError> {
    let done = match (mode, enabled) {
        (OxMode::OnPremise, true) => ox.contexts().enable(&Context::with_id(id), auth).await,
        (OxMode::OnPremise, false) => ox.contexts().disable(&Context::with_id(id), auth).await,
        (OxMode::Cloud, true) => {
            ox.reseller_contexts()
                .enable(&ResellerContext::with_id(id), auth)
                .await
        }
        (OxMode::Cloud, false) => {
            ox.reseller_contexts()
                .disable(&ResellerContext::with_id(id), auth)
                .await
        }
    };
    let what = if enabled {
        "enabling the OX context"
    } else {
        "disabling the OX context"
    };
    done.map_err(|e| ox_failure(what, e))
}

/// Deletes the context; one that is already gone is success.
pub(super) async fn delete(
    ox: &OxClient,
    mode: OxMode,
    id: i32,
    auth: &Credentials,
) -> Result<(), JobError> {
    let done = match mode {
        OxMode::OnPremise => ox.contexts().delete(&Context::with_id(id), auth).await,
        OxMode::Cloud => {
            ox.reseller_contexts()
                .delete(&ResellerContext::with_id(id), auth)
                .await
        }
    };
    match done {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(ox_failure("deleting the OX context", e)),
    }
}
