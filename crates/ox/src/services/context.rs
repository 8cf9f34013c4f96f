//! OXContextService / OXResellerContextService.

use std::marker::PhantomData;

use crate::call::Call;
use crate::client::OxClient;
use crate::error::OxError;
use crate::service::Service;
use crate::services::{ContextArg, Core, Flavor, pick};
use crate::types::{Context, Credentials, Quota, User, UserModuleAccess};

/// Context operations. Credentials: the master admin (`oxadminmaster`) on the core service, the
/// subadmin on the reseller service.
#[derive(Debug, Clone)]
pub struct ContextService<F: Flavor> {
    client: OxClient,
    flavor: PhantomData<fn() -> F>,
}

impl<F: Flavor> ContextService<F> {
    pub(crate) fn new(client: OxClient) -> Self {
        ContextService {
            client,
            flavor: PhantomData,
        }
    }

    fn call(&self, op: &'static str, ctx: Option<&F::Ctx>) -> Call {
        Call::new(pick::<F>(Service::Context, Service::ResellerContext), op)
            .context_id(ctx.and_then(ContextArg::context_id))
    }

    /// `create(ctx, admin_user, auth)`: creates the context and its admin user. Returns the
    /// context with its id.
    pub async fn create(
        &self,
        ctx: &F::Ctx,
        admin_user: &User,
        auth: &Credentials,
    ) -> Result<F::Ctx, OxError> {
        let call = self
            .call("create", Some(ctx))
            .arg("ctx", ctx)
            .arg("admin_user", admin_user)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `createModuleAccess(ctx, admin_user, access, auth)`: create with explicit rights.
    pub async fn create_module_access(
        &self,
        ctx: &F::Ctx,
        admin_user: &User,
        access: &UserModuleAccess,
        auth: &Credentials,
    ) -> Result<F::Ctx, OxError> {
        let call = self
            .call("createModuleAccess", Some(ctx))
            .arg("ctx", ctx)
            .arg("admin_user", admin_user)
            .arg("access", access)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `createModuleAccessByName(ctx, admin_user, access_combination_name, auth)`.
    pub async fn create_module_access_by_name(
        &self,
        ctx: &F::Ctx,
        admin_user: &User,
        access_combination_name: &str,
        auth: &Credentials,
    ) -> Result<F::Ctx, OxError> {
        let call = self
            .call("createModuleAccessByName", Some(ctx))
            .arg("ctx", ctx)
            .arg("admin_user", admin_user)
            .text("access_combination_name", access_combination_name)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `change(ctx, auth)`: name, maxQuota, loginMappings, userAttributes; omitted fields stay.
    pub async fn change(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<(), OxError> {
        self.void("change", ctx, auth).await
    }

    /// `changeModuleAccess(ctx, access, auth)`: applies the rights to every user of the context.
    pub async fn change_module_access(
        &self,
        ctx: &F::Ctx,
        access: &UserModuleAccess,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeModuleAccess", Some(ctx))
            .arg("ctx", ctx)
            .arg("access", access)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `changeModuleAccessByName(ctx, access_combination_name, auth)`.
    pub async fn change_module_access_by_name(
        &self,
        ctx: &F::Ctx,
        access_combination_name: &str,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeModuleAccessByName", Some(ctx))
            .arg("ctx", ctx)
            .text("access_combination_name", access_combination_name)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `delete(ctx, auth)`.
    pub async fn delete(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<(), OxError> {
        self.void("delete", ctx, auth).await
    }

    /// `disable(ctx, auth)`.
    pub async fn disable(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<(), OxError> {
        self.void("disable", ctx, auth).await
    }

    /// `enable(ctx, auth)`.
    pub async fn enable(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<(), OxError> {
        self.void("enable", ctx, auth).await
    }

    /// `exists(ctx, auth)`: by id, or by name when no id is given.
    pub async fn exists(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<bool, OxError> {
        let call = self
            .call("exists", Some(ctx))
            .arg("ctx", ctx)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `getData(ctx, auth)`.
    pub async fn get_data(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<F::Ctx, OxError> {
        let call = self
            .call("getData", Some(ctx))
            .arg("ctx", ctx)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `list(search_pattern, auth)`: `*` matches anything.
    pub async fn list(
        &self,
        search_pattern: &str,
        auth: &Credentials,
    ) -> Result<Vec<F::Ctx>, OxError> {
        let call = self
            .call("list", None)
            .text("search_pattern", search_pattern)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `listQuota(ctx, auth)`: the per-module quotas.
    pub async fn list_quota(
        &self,
        ctx: &F::Ctx,
        auth: &Credentials,
    ) -> Result<Vec<Quota>, OxError> {
        let call = self
            .call("listQuota", Some(ctx))
            .arg("ctx", ctx)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `getAccessCombinationName(ctx, auth)`: `None` when the rights match no combination.
    pub async fn get_access_combination_name(
        &self,
        ctx: &F::Ctx,
        auth: &Credentials,
    ) -> Result<Option<String>, OxError> {
        let call = self
            .call("getAccessCombinationName", Some(ctx))
            .arg("ctx", ctx)
            .credentials(auth);
        self.client.execute(call).await?.optional()
    }

    async fn void(
        &self,
        op: &'static str,
        ctx: &F::Ctx,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self.call(op, Some(ctx)).arg("ctx", ctx).credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }
}

impl ContextService<Core> {
    /// `changeCapabilities(ctx, capsToAdd, capsToRemove, capsToDrop, auth)`: each a comma list
    /// (OX lower-cases the names). Core service only.
    pub async fn change_capabilities(
        &self,
        ctx: &Context,
        caps_to_add: &str,
        caps_to_remove: &str,
        caps_to_drop: &str,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeCapabilities", Some(ctx))
            .arg("ctx", ctx)
            .text("capsToAdd", caps_to_add)
            .text("capsToRemove", caps_to_remove)
            .text("capsToDrop", caps_to_drop)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `changeQuota(ctx, module, quotaValue, auth)`: module one of calendar, task, contact,
    /// infostore, attachment, invite_guests, share_links; value 0 = unlimited, < 0 removes the
    /// quota. Core service only.
    pub async fn change_quota(
        &self,
        ctx: &Context,
        module: &str,
        quota_value: i64,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeQuota", Some(ctx))
            .arg("ctx", ctx)
            .text("module", module)
            .text("quotaValue", &quota_value.to_string())
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }
}
