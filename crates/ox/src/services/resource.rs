//! OXResourceService / OXResellerResourceService.

use std::marker::PhantomData;

use crate::call::Call;
use crate::client::OxClient;
use crate::error::OxError;
use crate::service::Service;
use crate::services::{ContextArg, Flavor, pick};
use crate::types::{Credentials, Resource};

/// Resource operations (context admin, or subadmin on the reseller service).
#[derive(Debug, Clone)]
pub struct ResourceService<F: Flavor> {
    client: OxClient,
    flavor: PhantomData<fn() -> F>,
}

impl<F: Flavor> ResourceService<F> {
    pub(crate) fn new(client: OxClient) -> Self {
        ResourceService {
            client,
            flavor: PhantomData,
        }
    }

    fn call(&self, op: &'static str, ctx: &F::Ctx) -> Call {
        Call::new(pick::<F>(Service::Resource, Service::ResellerResource), op)
            .context_id(ctx.context_id())
            .arg("ctx", ctx)
    }

    /// `create(ctx, res, auth)`: returns the resource with its id.
    pub async fn create(
        &self,
        ctx: &F::Ctx,
        res: &Resource,
        auth: &Credentials,
    ) -> Result<Resource, OxError> {
        let call = self.call("create", ctx).arg("res", res).credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `change(ctx, res, auth)`.
    pub async fn change(
        &self,
        ctx: &F::Ctx,
        res: &Resource,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self.call("change", ctx).arg("res", res).credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `delete(ctx, res, auth)`.
    pub async fn delete(
        &self,
        ctx: &F::Ctx,
        res: &Resource,
        auth: &Credentials,
    ) -> Result<(), OxError> {
        let call = self.call("delete", ctx).arg("res", res).credentials(auth);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `getData(ctx, res, auth)`.
    pub async fn get_data(
        &self,
        ctx: &F::Ctx,
        res: &Resource,
        auth: &Credentials,
    ) -> Result<Resource, OxError> {
        let call = self.call("getData", ctx).arg("res", res).credentials(auth);
        self.client.execute(call).await?.one()
    }

    /// `list(ctx, pattern, auth)`.
    pub async fn list(
        &self,
        ctx: &F::Ctx,
        pattern: &str,
        auth: &Credentials,
    ) -> Result<Vec<Resource>, OxError> {
        let call = self
            .call("list", ctx)
            .text("pattern", pattern)
            .credentials(auth);
        self.client.execute(call).await?.many()
    }

    /// `listAll(ctx, auth)`.
    pub async fn list_all(
        &self,
        ctx: &F::Ctx,
        auth: &Credentials,
    ) -> Result<Vec<Resource>, OxError> {
        let call = self.call("listAll", ctx).credentials(auth);
        self.client.execute(call).await?.many()
    }
}
