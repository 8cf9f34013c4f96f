//! OXResellerService: managing subadmins (credentials element `creds`).

use crate::call::Call;
use crate::client::OxClient;
use crate::error::OxError;
use crate::service::Service;
use crate::types::{Credentials, ResellerAdmin, Restriction};

/// Subadmin operations. Credentials: the master admin, or a subadmin with the restriction
/// `Subadmin.CanCreateSubadmin` for its own sub-subadmins.
#[derive(Debug, Clone)]
pub struct ResellerService {
    client: OxClient,
}

impl ResellerService {
    pub(crate) fn new(client: OxClient) -> Self {
        ResellerService { client }
    }

    fn call(op: &'static str) -> Call {
        Call::new(Service::Reseller, op)
    }

    /// `create(adm, creds)`: returns the subadmin with its id.
    pub async fn create(
        &self,
        adm: &ResellerAdmin,
        creds: &Credentials,
    ) -> Result<ResellerAdmin, OxError> {
        let call = Self::call("create").arg("adm", adm).credentials(creds);
        self.client.execute(call).await?.one()
    }

    /// `change(adm, creds)`.
    pub async fn change(&self, adm: &ResellerAdmin, creds: &Credentials) -> Result<(), OxError> {
        let call = Self::call("change").arg("adm", adm).credentials(creds);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `delete(adm, creds)`: fails while the subadmin still owns contexts.
    pub async fn delete(&self, adm: &ResellerAdmin, creds: &Credentials) -> Result<(), OxError> {
        let call = Self::call("delete").arg("adm", adm).credentials(creds);
        self.client.execute(call).await.map(|r| r.void())
    }

    /// `getData(adm, creds)`: by id or name.
    pub async fn get_data(
        &self,
        adm: &ResellerAdmin,
        creds: &Credentials,
    ) -> Result<ResellerAdmin, OxError> {
        let call = Self::call("getData").arg("adm", adm).credentials(creds);
        self.client.execute(call).await?.one()
    }

    /// `list(search_pattern, creds)`.
    pub async fn list(
        &self,
        search_pattern: &str,
        creds: &Credentials,
    ) -> Result<Vec<ResellerAdmin>, OxError> {
        let call = Self::call("list")
            .text("search_pattern", search_pattern)
            .credentials(creds);
        self.client.execute(call).await?.many()
    }

    /// `getAvailableRestrictions(creds)`.
    pub async fn get_available_restrictions(
        &self,
        creds: &Credentials,
    ) -> Result<Vec<Restriction>, OxError> {
        let call = Self::call("getAvailableRestrictions").credentials(creds);
        self.client.execute(call).await?.many()
    }
}
