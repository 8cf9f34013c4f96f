//! OXUserService / OXResellerUserService.

use std::marker::PhantomData;

use crate::call::Call;
use crate::client::OxClient;
use crate::error::OxError;
use crate::service::Service;
use crate::services::{ContextArg, Core, Flavor, pick};
use crate::types::{Context, Credentials, User, UserModuleAccess};

/// User operations. Credentials: the context admin on the core service, the subadmin owning the
/// context on the reseller service. Users are identified by `id` or `name`
/// ([`User::by_id`], [`User::by_name`]).
#[derive(Debug, Clone)]
pub struct UserService<F: Flavor> {
    client: OxClient,
    flavor: PhantomData<fn() -> F>,
}

impl<F: Flavor> UserService<F> {
    pub(crate) fn new(client: OxClient) -> Self {
        UserService {
            client,
            flavor: PhantomData,
        }
    }

    fn call(&self, op: &'static str, ctx: &F::Ctx) -> Call {
        Call::new(pick::<F>(Service::User, Service::ResellerUser), op)
            .context_id(ctx.context_id())
            .arg("ctx", ctx)
    }

    /// `create(ctx, usrdata, auth)`: the user gets the context admin's rights. Returns the
    /// full user including its id.
    pub async fn create(
        &self,
        ctx: &F::Ctx,
        usrdata: &User,
        auth: &Credentials,
    ) -> Result<User, OxError> {
        let call = self
            .call("create", ctx)
            .arg("usrdata", usrdata)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `createByModuleAccess(ctx, usrdata, access, auth)`: create with explicit rights.
    pub async fn create_by_module_access(
        &self,
        ctx: &F::Ctx,
        usrdata: &User,
        access: &UserModuleAccess,
        auth: &Credentials,
    ) -> Result<User, OxError> {
        let call = self
            .call("createByModuleAccess", ctx)
            .arg("usrdata", usrdata)
            .arg("access", access)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `createByModuleAccessName(ctx, usrdata, access_combination_name, auth)`.
    pub async fn create_by_module_access_name(
        &self,
        ctx: &F::Ctx,
        usrdata: &User,
        access_combination_name: &str,
        auth: &Credentials,
    ) -> Result<User, OxError> {
        let call = self
            .call("createByModuleAccessName", ctx)
            .arg("usrdata", usrdata)
            .text("access_combination_name", access_combination_name)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `change(ctx, usrdata, auth)`: omitted fields stay; `Some(String::new())` clears.
    pub async fn change(
        &self,
        ctx: &F::Ctx,
        usrdata: &User,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("change", ctx)
            .arg("usrdata", usrdata)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `changeByModuleAccess(ctx, user, moduleAccess, auth)`: sets exactly these rights.
    pub async fn change_by_module_access(
        &self,
        ctx: &F::Ctx,
        user: &User,
        module_access: &UserModuleAccess,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeByModuleAccess", ctx)
            .arg("user", user)
            .arg("moduleAccess", module_access)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `changeByModuleAccessName(ctx, user, access_combination_name, auth)`.
    pub async fn change_by_module_access_name(
        &self,
        ctx: &F::Ctx,
        user: &User,
        access_combination_name: &str,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeByModuleAccessName", ctx)
            .arg("user", user)
            .text("access_combination_name", access_combination_name)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `delete(ctx, user, auth)`.
    pub async fn delete(
        &self,
        ctx: &F::Ctx,
        user: &User,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self.call("delete", ctx).arg("user", user).credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `exists(ctx, user, auth)`.
    pub async fn exists(
        &self,
        ctx: &F::Ctx,
        user: &User,
        auth: &Credentials,
    ) -> Result<bool, OxError> {
        let call = self.call("exists", ctx).arg("user", user).credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `getData(ctx, user, auth)`: by id or name.
    pub async fn get_data(
        &self,
        ctx: &F::Ctx,
        user: &User,
        auth: &Credentials,
    ) -> Result<User, OxError> {
        let call = self
            .call("getData", ctx)
            .arg("user", user)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `getMultipleData(ctx, users[], auth)`.
    pub async fn get_multiple_data(
        &self,
        ctx: &F::Ctx,
        users: &[User],
        auth: &Credentials,
    ) -> Result<Vec<User>, OxError> {
        let call = self
            .call("getMultipleData", ctx)
            .args("users", users)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `list(ctx, search_pattern, auth)`: SQL-LIKE with `*`; each user has only `id` set.
    pub async fn list(
        &self,
        ctx: &F::Ctx,
        search_pattern: &str,
        auth: &Credentials,
    ) -> Result<Vec<User>, OxError> {
        let call = self
            .call("list", ctx)
            .text("search_pattern", search_pattern)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `listAll(ctx, auth)`: each user has only `id` set.
    pub async fn list_all(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<Vec<User>, OxError> {
        let call = self.call("listAll", ctx).credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `getModuleAccess(ctx, user, auth)`.
    pub async fn get_module_access(
        &self,
        ctx: &F::Ctx,
        user: &User,
        auth: &Credentials,
    ) -> Result<UserModuleAccess, OxError> {
        let call = self
            .call("getModuleAccess", ctx)
            .arg("user", user)
            .credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `getAccessCombinationName(ctx, user, auth)`: `None` when the rights match no combination.
    pub async fn get_access_combination_name(
        &self,
        ctx: &F::Ctx,
        user: &User,
        auth: &Credentials,
    ) -> Result<Option<String>, OxError> {
        let call = self
            .call("getAccessCombinationName", ctx)
            .arg("user", user)
            .credentials(auth);
        self.client.execute(call).await?.optional()
    }
}

impl UserService<Core> {
    /// `changeCapabilities(ctx, user, capsToAdd, capsToRemove, capsToDrop, auth)`: comma lists.
    /// Core service only.
    pub async fn change_capabilities(
        &self,
        ctx: &Context,
        user: &User,
        caps_to_add: &str,
        caps_to_remove: &str,
        caps_to_drop: &str,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self
            .call("changeCapabilities", ctx)
            .arg("user", user)
            .text("capsToAdd", caps_to_add)
            .text("capsToRemove", caps_to_remove)
            .text("capsToDrop", caps_to_drop)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }
}
