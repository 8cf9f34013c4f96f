//! What a model's job can use: the application, the instance, its OX connection, and
//! checkpoints that make a multi-step creation resumable.

use std::sync::Arc;

use aps::Resource;
use aps::typedef::TypeDef;
use ox::OxClient;
use oxaps_jobs::JobError;

use crate::app::App;
use crate::ox_link::OxSettings;
use crate::services::sealing;
use crate::store::{InstanceRow, ResourceRow, ResourceStatus, Store};

/// The context of one model job.
pub struct JobCx {
    /// The application.
    pub app: Arc<App>,
    /// The instance the resource belongs to.
    pub instance: InstanceRow,
    /// The resource's APS id.
    pub resource_id: String,
    /// The resource's type (for sealing checkpoints).
    pub def: TypeDef,
}

impl JobCx {
    /// The instance's OX client and settings; a permanent failure when none is configured.
    pub async fn ox(&self) -> Result<(OxClient, OxSettings), JobError> {
        self.app.ox(&self.instance.id).await.map_err(|e| match e {
            crate::app::OxUnavailable::NotConfigured => JobError::permanent(
                "the application instance has no OX connection configured (globals oxSoapUrl)",
            ),
            crate::app::OxUnavailable::Other(m) => JobError::transient(m),
        })
    }

    /// Stores intermediate progress (e.g. the OX id of an object just created), so a retry or a
    /// compensation after a crash sees it.
    pub async fn checkpoint(&self, body: &Resource) -> Result<(), JobError> {
        self.store(ResourceStatus::Provisioning, body).await
    }

    /// Writes the resource with `status`, its encrypted properties sealed.
    pub async fn store(&self, status: ResourceStatus, body: &Resource) -> Result<(), JobError> {
        let mut stored = body.clone();
        sealing::seal(&self.def, &self.app.secrets, &mut stored.props);
        let mut conn = self
            .app
            .store
            .pool()
            .acquire()
            .await
            .map_err(JobError::transient)?;
        Store::update_resource(
            &mut conn,
            &self.instance.id,
            &self.resource_id,
            status,
            &stored.to_value(),
        )
        .await
        .map_err(JobError::transient)?;
        Ok(())
    }

    /// Another resource of the instance, with its secrets opened.
    pub async fn resource(
        &self,
        id: &str,
        def: &TypeDef,
    ) -> Result<Option<(ResourceRow, Resource)>, JobError> {
        let Some(row) = self
            .app
            .store
            .resource(&self.instance.id, id)
            .await
            .map_err(JobError::transient)?
        else {
            return Ok(None);
        };
        let mut body: Resource =
            serde_json::from_value(row.body.clone()).map_err(JobError::permanent)?;
        sealing::open(def, &self.app.secrets, &mut body.props).map_err(JobError::permanent)?;
        Ok(Some((row, body)))
    }
}
