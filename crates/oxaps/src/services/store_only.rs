//! A service that only stores its resources: the smallest real user of the framework.
//!
//! Not registered by default. Tests and the request-path benchmark mount it under a model route to
//! exercise the protocol end to end: synchronous or job-backed (202) provisioning, configure,
//! unprovision, link/unlink notifications on the `items` relation, and an event handler
//! (`POST <id>/onEvent`) that records the notifications it receives.
//!
//! A provision body with `"mode": "async"` runs through a job; `"failWith": "<text>"` makes that job
//! fail permanently with the text, so the 500 path of the async protocol can be tested.

use std::collections::BTreeMap;

use aps::typedef::{Operation, Parameter, Property, Relation, TypeDef};
use aps::{ApsError, Resource};
use async_trait::async_trait;
use serde_json::{Value, json};

use super::{ApsService, Call, OperationInput, Reply, internal, job_reply};
use crate::jobs::store_only_apply;
use crate::store::{ResourceRow, ResourceStatus, Store};

/// The store-only service, mounted under `route`.
pub struct StoreOnly {
    route: &'static str,
    def: TypeDef,
}

impl StoreOnly {
    /// A store-only service answering on `route` (one of the model's service names).
    pub fn new(route: &'static str) -> Self {
        let mut def = TypeDef::new(route, &crate::types::type_id(route));
        let mut secret = Property::of("string");
        secret.encrypted = true;
        def.properties.insert("secret".into(), secret);
        def.properties.insert("name".into(), Property::of("string"));
        def.relations.insert(
            "items".into(),
            Relation {
                type_id: crate::types::type_id(route),
                required: false,
                collection: true,
            },
        );
        let mut params = BTreeMap::new();
        params.insert(
            "event".into(),
            Parameter {
                kind: "body".into(),
                kind_type: "http://aps-standard.org/types/core/resource/1.0#Notification".into(),
                required: true,
            },
        );
        def.operations.insert(
            "onEvent".into(),
            Operation {
                verb: "POST".into(),
                path: "/onEvent".into(),
                static_: false,
                parameters: params,
                response: None,
                access: None,
            },
        );
        StoreOnly { route, def }
    }

    async fn load(&self, call: &Call, id: &str) -> Result<ResourceRow, ApsError> {
        let instance = call.instance()?;
        call.app
            .store
            .resource(&instance.id, id)
            .await
            .map_err(internal)?
            .filter(|r| r.service == self.route)
            .ok_or_else(|| ApsError::not_found(format!("{} resource {id} not found.", self.route)))
    }

    fn reply_body(&self, call: &Call, row: &ResourceRow) -> Result<Value, ApsError> {
        let mut resource: Resource = serde_json::from_value(row.body.clone()).map_err(internal)?;
        super::sealing::open(&self.def, &call.app.secrets, &mut resource.props)
            .map_err(internal)?;
        Ok(resource.to_value())
    }

    async fn write(
        &self,
        call: &Call,
        id: &str,
        status: ResourceStatus,
        body: &Resource,
    ) -> Result<(), ApsError> {
        let mut stored = body.clone();
        super::sealing::seal(&self.def, &call.app.secrets, &mut stored.props);
        let mut conn = call.app.store.pool().acquire().await.map_err(internal)?;
        Store::update_resource(
            &mut conn,
            &call.instance()?.id,
            id,
            status,
            &stored.to_value(),
        )
        .await
        .map_err(internal)?;
        Ok(())
    }
}

#[async_trait]
impl ApsService for StoreOnly {
    fn name(&self) -> &'static str {
        self.route
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn provision(&self, call: &Call, mut body: Resource) -> Result<Reply, ApsError> {
        let instance = call.instance()?.clone();
        let id = body
            .id()
            .map(str::to_owned)
            .ok_or_else(|| ApsError::bad_request("aps.id is required."))?;
        if body
            .props
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.chars().count() > aps::typedef::MAX_STRING_LEN)
        {
            return Err(ApsError::bad_request(format!(
                "name is longer than {} characters.",
                aps::typedef::MAX_STRING_LEN
            )));
        }
        let is_async = body.str_prop("mode") == Some("async");
        body.props.insert("provisionedBy".into(), json!("oxaps"));
        let mut stored = body.clone();
        super::sealing::seal(&self.def, &call.app.secrets, &mut stored.props);
        let status = if is_async {
            ResourceStatus::Provisioning
        } else {
            ResourceStatus::Ready
        };
        let row = ResourceRow {
            instance_id: instance.id.clone(),
            id: id.clone(),
            service: self.route.into(),
            type_id: body.aps.type_id.clone(),
            status,
            body: stored.to_value(),
            revision: 1,
            parent_id: None,
            natural_key: None,
        };
        let app = &call.app;
        let mut tx = app.store.pool().begin().await.map_err(internal)?;
        let inserted = Store::insert_resource(&mut tx, &row)
            .await
            .map_err(internal)?;
        let key = store_only_apply::key(&instance.id, &id);
        if inserted && is_async {
            let fail = body.str_prop("failWith").map(str::to_owned);
            app.queue
                .enqueue(&mut tx, store_only_apply::job(&instance.id, &id, fail))
                .await
                .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)?;
        if is_async {
            app.queue.notify_enqueued();
            let info = format!("Provisioning {} {id}", self.route);
            return job_reply(call, &key, &info, || async {
                Ok(Reply::Ok(
                    self.reply_body(call, &self.load(call, &id).await?)?,
                ))
            })
            .await;
        }
        let stored = self.load(call, &id).await?;
        Ok(Reply::Ok(self.reply_body(call, &stored)?))
    }

    async fn retrieve(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        let row = self.load(call, id).await?;
        Ok(Reply::Ok(self.reply_body(call, &row)?))
    }

    async fn configure(
        &self,
        call: &Call,
        id: &str,
        mut body: Resource,
    ) -> Result<Reply, ApsError> {
        let current = self.load(call, id).await?;
        body.aps.id = Some(id.to_owned());
        if let Some(by) = current.body.get("provisionedBy") {
            body.props.insert("provisionedBy".into(), by.clone());
        }
        self.write(call, id, ResourceStatus::Ready, &body).await?;
        Ok(Reply::Ok(body.to_value()))
    }

    async fn unprovision(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        let instance = call.instance()?;
        let mut conn = call.app.store.pool().acquire().await.map_err(internal)?;
        // Deleting a resource that is already gone succeeds: the controller may repeat the request.
        Store::delete_resource(&mut conn, &instance.id, id)
            .await
            .map_err(internal)?;
        Ok(Reply::NoContent)
    }

    async fn link(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        linked: Value,
    ) -> Result<Reply, ApsError> {
        let row = self.load(call, id).await?;
        let mut body: Resource = serde_json::from_value(row.body).map_err(internal)?;
        let linked_id = linked
            .pointer("/aps/id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApsError::bad_request("The linked resource has no aps.id."))?;
        let list = body
            .props
            .entry(format!("{relation}Linked"))
            .or_insert_with(|| json!([]));
        if let Some(items) = list.as_array_mut()
            && !items.iter().any(|v| v == linked_id)
        {
            items.push(json!(linked_id));
        }
        self.write(call, id, ResourceStatus::Ready, &body).await?;
        Ok(Reply::empty())
    }

    async fn unlink(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        linked_id: &str,
    ) -> Result<Reply, ApsError> {
        let row = self.load(call, id).await?;
        let mut body: Resource = serde_json::from_value(row.body).map_err(internal)?;
        if let Some(items) = body
            .props
            .get_mut(&format!("{relation}Linked"))
            .and_then(Value::as_array_mut)
        {
            items.retain(|v| v != linked_id);
        }
        self.write(call, id, ResourceStatus::Ready, &body).await?;
        Ok(Reply::empty())
    }

    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        input: OperationInput,
    ) -> Result<Reply, ApsError> {
        let id = id.ok_or_else(|| ApsError::bad_request("onEvent needs a resource id."))?;
        if name != "onEvent" {
            return Err(ApsError::not_implemented(format!(
                "Operation {name} is not implemented."
            )));
        }
        let event = input
            .body
            .ok_or_else(|| ApsError::bad_request("onEvent needs a notification body."))?;
        let row = self.load(call, id).await?;
        let mut body: Resource = serde_json::from_value(row.body).map_err(internal)?;
        let events = body
            .props
            .entry("eventsReceived")
            .or_insert_with(|| json!([]));
        if let Some(list) = events.as_array_mut() {
            // At-least-once delivery: the same serial is recorded once.
            let serial = event.get("serial").cloned();
            if serial.is_none() || !list.iter().any(|e| e.get("serial") == serial.as_ref()) {
                list.push(event);
            }
        }
        self.write(call, id, ResourceStatus::Ready, &body).await?;
        Ok(Reply::NoContent)
    }
}
