//! `globals`: the application instance. Its provisioning is the instance installation: the
//! controller sends the instance certificate and key (`aps.x509.self`) and its own certificate
//! (`aps.x509.controller`); both are stored per instance, the key sealed, never logged.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use base64::Engine;
use serde_json::Value;

use super::{ApsService, Call, Reply, internal, sealing};
use crate::jobs::verify_controller;
use crate::ox_link::{self, OxSettings};
use crate::store::{NewInstance, ResourceRow, ResourceStatus, Store};
use crate::types;

/// The root service.
pub struct Globals {
    def: TypeDef,
}

impl Default for Globals {
    fn default() -> Self {
        Self::new()
    }
}

impl Globals {
    /// The service with its type definition.
    pub fn new() -> Self {
        Globals {
            def: types::of("globals")
                .unwrap_or_else(|| TypeDef::new("globals", &types::type_id("globals"))),
        }
    }

    /// Checks the OX connection the settings name, if any, before they are stored.
    async fn check_ox(&self, call: &Call, body: &Resource) -> Result<(), ApsError> {
        let settings = OxSettings::from_globals(body)
            .map_err(|e| ApsError::bad_request(format!("OX connection settings: {e}.")))?;
        if let Some(settings) = settings {
            let timeout = std::time::Duration::from_secs(call.app.config.ox_check_timeout_secs);
            ox_link::verify(&settings, timeout)
                .await
                .map_err(|e| ApsError::bad_request(format!("OX connection check failed: {e}.")))?;
        }
        Ok(())
    }

    async fn install(&self, call: &Call, mut body: Resource) -> Result<Reply, ApsError> {
        let instance_id = call.ctx.instance_id.clone();
        if let Some(id) = body.id()
            && id != instance_id
        {
            return Err(ApsError::bad_request(format!(
                "aps.id {id} does not match the APS-Instance-ID header {instance_id}."
            )));
        }
        let x509 = body.aps.extra.remove("x509").unwrap_or(Value::Null);
        let (self_bundle, controller_pem) = match (
            x509.get("self").and_then(Value::as_str),
            x509.get("controller").and_then(Value::as_str),
        ) {
            (Some(s), Some(c)) => (s, c),
            _ => {
                return Err(ApsError::bad_request(
                    "Instance installation requires aps.x509.self and aps.x509.controller.",
                ));
            }
        };
        let identity = aps::pem::split_bundle(self_bundle)
            .map_err(|e| ApsError::bad_request(format!("aps.x509.self: {e}")))?;
        let controller_der = aps::pem::first_certificate(controller_pem)
            .map_err(|e| ApsError::bad_request(format!("aps.x509.controller: {e}")))?;
        if call.app.config.check_client_cert
            && call.peer_certificate.as_deref().map(Vec::as_slice) != Some(controller_der.as_ref())
        {
            return Err(ApsError::forbidden(
                "The TLS client certificate must be the controller certificate sent in aps.x509.controller.",
            ));
        }
        body.aps.id = Some(instance_id.clone());
        self.check_ox(call, &body).await?;
        let app = &call.app;
        let mut stored = body.clone();
        sealing::seal(&self.def, &app.secrets, &mut stored.props);
        let new = NewInstance {
            id: instance_id.clone(),
            controller_uri: call.ctx.controller_uri.clone(),
            controller_cert_pem: controller_pem.to_owned(),
            controller_cert_der: base64::engine::general_purpose::STANDARD
                .encode(controller_der.as_ref()),
            instance_cert_pem: identity.cert_pem.clone(),
            instance_key_sealed: app.secrets.seal(&identity.key_pem),
        };
        let row = ResourceRow {
            instance_id: instance_id.clone(),
            id: instance_id.clone(),
            service: "globals".into(),
            type_id: body.aps.type_id.clone(),
            status: ResourceStatus::Ready,
            body: stored.to_value(),
            revision: 1,
            parent_id: None,
            natural_key: None,
        };
        let mut tx = app.store.pool().begin().await.map_err(internal)?;
        let inserted = Store::insert_instance(&mut tx, &new)
            .await
            .map_err(internal)?;
        if inserted {
            Store::insert_resource(&mut tx, &row)
                .await
                .map_err(internal)?;
            app.queue
                .enqueue(&mut tx, verify_controller::job(&instance_id))
                .await
                .map_err(internal)?;
            if app.config.cron.create_at_install {
                app.queue
                    .enqueue(&mut tx, crate::cron::install::job(&instance_id))
                    .await
                    .map_err(internal)?;
            }
        }
        tx.commit().await.map_err(internal)?;
        if !inserted {
            // A concurrent installation won; answer as a repeat would.
            return self.retrieve(call, &instance_id).await;
        }
        app.queue.notify_enqueued();
        tracing::info!(instance_id, controller = %call.ctx.controller_uri, "application instance installed");
        Ok(Reply::Ok(body.to_value()))
    }

    async fn load(&self, call: &Call, id: &str) -> Result<Resource, ApsError> {
        let instance = call.instance()?;
        if id != instance.id {
            return Err(ApsError::not_found(format!(
                "globals resource {id} is not this instance's ({}).",
                instance.id
            )));
        }
        let row = call
            .app
            .store
            .resource(&instance.id, id)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApsError::not_found(format!("globals resource {id} not found.")))?;
        let mut resource: Resource = serde_json::from_value(row.body).map_err(internal)?;
        sealing::open(&self.def, &call.app.secrets, &mut resource.props).map_err(internal)?;
        Ok(resource)
    }
}

#[async_trait]
impl ApsService for Globals {
    fn name(&self) -> &'static str {
        "globals"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn provision(&self, call: &Call, body: Resource) -> Result<Reply, ApsError> {
        match &call.instance {
            None => self.install(call, body).await,
            // A repeated installation: the instance exists and the controller proved who it is.
            Some(instance) => self.retrieve(call, &instance.id.clone()).await,
        }
    }

    async fn retrieve(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        Ok(Reply::Ok(self.load(call, id).await?.to_value()))
    }

    async fn configure(
        &self,
        call: &Call,
        id: &str,
        mut body: Resource,
    ) -> Result<Reply, ApsError> {
        let current = self.load(call, id).await?;
        body.aps.extra.remove("x509");
        body.aps.id = current.aps.id.clone();
        let ox_keys = ["oxSoapUrl", "oxMasterLogin", "oxMasterPassword", "oxMode"];
        if ox_keys
            .iter()
            .any(|k| body.props.get(*k) != current.props.get(*k))
        {
            self.check_ox(call, &body).await?;
        }
        let mut stored = body.clone();
        sealing::seal(&self.def, &call.app.secrets, &mut stored.props);
        let mut conn = call.app.store.pool().acquire().await.map_err(internal)?;
        Store::update_resource(&mut conn, id, id, ResourceStatus::Ready, &stored.to_value())
            .await
            .map_err(internal)?;
        Ok(Reply::Ok(body.to_value()))
    }

    async fn unprovision(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        let Some(instance) = &call.instance else {
            // Already removed: a repeated DELETE succeeds.
            return Ok(Reply::NoContent);
        };
        if id != instance.id {
            return Err(ApsError::not_found(format!(
                "globals resource {id} is not this instance's."
            )));
        }
        let mut tx = call.app.store.pool().begin().await.map_err(internal)?;
        Store::delete_instance(&mut tx, id)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)?;
        call.app.forget_controller(id);
        tracing::info!(instance_id = id, "application instance removed");
        Ok(Reply::NoContent)
    }

    async fn upgrade(
        &self,
        call: &Call,
        id: &str,
        from_version: Option<&str>,
    ) -> Result<Reply, ApsError> {
        let instance = call.instance()?;
        if id != instance.id {
            return Err(ApsError::not_found(format!(
                "globals resource {id} is not this instance's."
            )));
        }
        let from = from_version.unwrap_or("unknown");
        call.app
            .store
            .set_upgraded_from(id, from)
            .await
            .map_err(internal)?;
        tracing::info!(
            instance_id = id,
            from_version = from,
            "application instance upgraded"
        );
        Ok(Reply::empty())
    }
}
