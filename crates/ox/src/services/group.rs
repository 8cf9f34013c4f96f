//! OXGroupService / OXResellerGroupService.

use std::marker::PhantomData;

use crate::call::Call;
use crate::client::OxClient;
use crate::error::OxError;
use crate::service::Service;
use crate::services::{ContextArg, Flavor, pick};
use crate::types::{Credentials, Group, User};

/// Group operations (context admin, or subadmin on the reseller service). Groups are
/// identified by `id` or `name` ([`Group::by_id`], [`Group::by_name`]).
#[derive(Debug, Clone)]
pub struct GroupService<F: Flavor> {
    client: OxClient,
    flavor: PhantomData<fn() -> F>,
}

impl<F: Flavor> GroupService<F> {
    pub(crate) fn new(client: OxClient) -> Self {
        GroupService {
            client,
            flavor: PhantomData,
        }
    }

    fn call(&self, op: &'static str, ctx: &F::Ctx) -> Call {
        Call::new(pick::<F>(Service::Group, Service::ResellerGroup), op)
            .context_id(ctx.context_id())
            .arg("ctx", ctx)
    }

    /// `create(ctx, grp, auth)`: returns the group with its id.
    pub async fn create(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        auth: &Credentials,
    ) -> Result<Group, OxError> {
        let call = self.call("create", ctx).arg("grp", grp).credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `change(ctx, grp, auth)`.
    pub async fn change(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        self.void("change", ctx, grp, auth).await
    }

    /// `delete(ctx, grp, auth)`.
    pub async fn delete(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        self.void("delete", ctx, grp, auth).await
    }

    /// `getData(ctx, grp, auth)`.
    pub async fn get_data(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        auth: &Credentials,
    ) -> Result<Group, OxError> {
        let call = self.call("getData", ctx).arg("grp", grp).credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `list(ctx, pattern, auth)`.
    pub async fn list(
        &self,
        ctx: &F::Ctx,
        pattern: &str,
        auth: &Credentials,
    ) -> Result<Vec<Group>, OxError> {
        let call = self
            .call("list", ctx)
            .text("pattern", pattern)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `listAll(ctx, auth)`.
    pub async fn list_all(&self, ctx: &F::Ctx, auth: &Credentials) -> Result<Vec<Group>, OxError> {
        let call = self.call("listAll", ctx).credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `addMember(ctx, grp, members[], auth)`: members by user id.
    pub async fn add_member(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        members: &[i32],
        auth: &Credentials,
    ) -> Result<(), OxError> {
        self.members("addMember", ctx, grp, members, auth).await
    }

    /// `removeMember(ctx, grp, members[], auth)`: members by user id.
    pub async fn remove_member(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        members: &[i32],
        auth: &Credentials,
    ) -> Result<(), OxError> {
        self.members("removeMember", ctx, grp, members, auth).await
    }

    /// `getMembers(ctx, grp, auth)`: users with only `id` set.
    pub async fn get_members(
        &self,
        ctx: &F::Ctx,
        grp: &Group,
        auth: &Credentials,
    ) -> Result<Vec<User>, OxError> {
        let call = self
            .call("getMembers", ctx)
            .arg("grp", grp)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    async fn void(
        &self,
        op: &'static str,
        ctx: &F::Ctx,
        grp: &Group,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self.call(op, ctx).arg("grp", grp).credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    async fn members(
        &self,
        op: &'static str,
        ctx: &F::Ctx,
        grp: &Group,
        members: &[i32],
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let users: Vec<User> = members.iter().map(|id| User::by_id(*id)).collect();
        let call = self
            .call(op, ctx)
            .arg("grp", grp)
            .args("members", &users)
            .credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }
}
