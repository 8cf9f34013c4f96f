//! A [`Model`] served over the APS protocol, with its side effects as jobs.

use std::sync::Arc;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use serde_json::Value;

use super::Model;
use super::job::{self, Op};
use crate::services::{ApsService, Call, OperationInput, Reply, internal, job_reply, sealing};
use crate::store::{ResourceRow, ResourceStatus, Store};

/// Adapts a [`Model`] to [`ApsService`].
pub struct ModelService {
    model: Arc<dyn Model>,
}

impl ModelService {
    /// Serves `model`.
    pub fn new(model: Arc<dyn Model>) -> Self {
        ModelService { model }
    }

    async fn load(&self, call: &Call, id: &str) -> Result<(ResourceRow, Resource), ApsError> {
        let instance = call.instance()?;
        let row = call
            .app
            .store
            .resource(&instance.id, id)
            .await
            .map_err(internal)?
            .filter(|r| r.service == self.model.service())
            .ok_or_else(|| {
                ApsError::not_found(format!("{} {id} not found.", self.model.service()))
            })?;
        let mut body: Resource = serde_json::from_value(row.body.clone()).map_err(internal)?;
        sealing::open(self.model.type_def(), &call.app.secrets, &mut body.props)
            .map_err(internal)?;
        Ok((row, body))
    }

    fn sealed(&self, call: &Call, body: &Resource) -> Value {
        let mut stored = body.clone();
        sealing::seal(self.model.type_def(), &call.app.secrets, &mut stored.props);
        stored.to_value()
    }

    /// Stores a changed resource and enqueues the job that applies it to OX, in one transaction.
    /// Returns the job's key, or `None` when nothing changed and no such job ever ran.
    async fn change(
        &self,
        call: &Call,
        row: &ResourceRow,
        current: &Resource,
        merged: Resource,
    ) -> Result<Option<String>, ApsError> {
        let id = row.id.as_str();
        let merged = self.model.admit_change(call, current, merged).await?;
        let fingerprint = job::fingerprint(&merged.to_value());
        if merged.props == current.props {
            // A repeat of the request that produced the current state: report its job, the newest
            // configure of this resource with this fingerprint.
            return self.latest_configure(call, row, &fingerprint).await;
        }
        // The key names the revision the change applies to, so A -> B -> A is three changes while a
        // repeat of one request still finds its job.
        let versioned = format!("{}-{fingerprint}", row.revision);
        let key = job::key(&row.instance_id, id, Op::Configure, Some(&versioned));
        let app = &call.app;
        let mut job = job::job(
            &row.instance_id,
            id,
            self.model.service(),
            Op::Configure,
            Some(&versioned),
        );
        job.payload["old"] = self.sealed(call, current);
        let mut tx = app.store.pool().begin().await.map_err(internal)?;
        let enqueued = app.queue.enqueue(&mut tx, job).await.map_err(internal)?;
        if enqueued.created {
            Store::update_resource(
                &mut tx,
                &row.instance_id,
                id,
                ResourceStatus::Configuring,
                &self.sealed(call, &merged),
            )
            .await
            .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)?;
        app.queue.notify_enqueued();
        Ok(Some(key))
    }

    /// The key of the newest configure job of a resource, when it applied `fingerprint`.
    async fn latest_configure(
        &self,
        call: &Call,
        row: &ResourceRow,
        fingerprint: &str,
    ) -> Result<Option<String>, ApsError> {
        let filter = oxaps_jobs::ListFilter {
            resource_id: Some(row.id.clone()),
            instance_id: Some(row.instance_id.clone()),
            kind: Some(job::KIND.into()),
            limit: Some(50),
            ..Default::default()
        };
        let jobs = call.app.queue.list(&filter).await.map_err(internal)?;
        let latest = jobs
            .into_iter()
            .find(|j| j.dedup_key.contains("/configure/"));
        Ok(latest
            .filter(|j| j.dedup_key.ends_with(&format!("-{fingerprint}")))
            .map(|j| j.dedup_key))
    }

    /// A single (non-collection) relation now points elsewhere, or nowhere: a change like a
    /// configure, answered at once (link notifications cannot be accepted for later).
    async fn relink(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        target: Option<&str>,
    ) -> Result<(), ApsError> {
        let (row, current) = self.load(call, id).await?;
        let mut merged = current.clone();
        match target {
            Some(other) => merged.props.insert(
                relation.to_owned(),
                aps::resource::link_value(aps::resource::link::STRONG, other),
            ),
            None => merged.props.remove(relation),
        };
        self.change(call, &row, &current, merged).await.map(drop)
    }

    /// The 200 answer once a job is done: the stored resource as the controller should see it.
    async fn current(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        let (_, body) = self.load(call, id).await?;
        Ok(Reply::Ok(body.to_value()))
    }
}

#[async_trait]
impl ApsService for ModelService {
    fn name(&self) -> &'static str {
        self.model.service()
    }

    fn type_def(&self) -> &TypeDef {
        self.model.type_def()
    }

    async fn provision(&self, call: &Call, body: Resource) -> Result<Reply, ApsError> {
        let instance = call.instance()?.clone();
        let id = body
            .id()
            .map(str::to_owned)
            .ok_or_else(|| ApsError::bad_request("aps.id is required."))?;
        let key = job::key(&instance.id, &id, Op::Provision, None);
        let existing = call
            .app
            .store
            .resource(&instance.id, &id)
            .await
            .map_err(internal)?;
        if existing.is_none() {
            let admitted = self.model.admit(call, body).await?;
            let row = ResourceRow {
                instance_id: instance.id.clone(),
                id: id.clone(),
                service: self.model.service().into(),
                type_id: admitted.body.aps.type_id.clone(),
                status: ResourceStatus::Provisioning,
                body: self.sealed(call, &admitted.body),
                revision: 1,
                parent_id: admitted.parent_id.clone(),
                natural_key: admitted.natural_key.clone(),
            };
            let app = &call.app;
            let mut tx = app.store.pool().begin().await.map_err(internal)?;
            let inserted = match Store::insert_resource(&mut tx, &row).await {
                Ok(inserted) => inserted,
                Err(e) if is_unique_violation(&e) => {
                    drop(tx);
                    // A concurrent delivery of this same request may have won the race (on
                    // PostgreSQL the natural-key index reports it): then this is a repeat.
                    if call
                        .app
                        .store
                        .resource(&instance.id, &id)
                        .await
                        .map_err(internal)?
                        .is_none()
                    {
                        return Err(ApsError::conflict(format!(
                            "A {} named {} already exists.",
                            self.model.service(),
                            admitted.natural_key.as_deref().unwrap_or(&id)
                        )));
                    }
                    let info =
                        format!("Provisioning {} {id} in OX App Suite", self.model.service());
                    return job_reply(call, &key, &info, || self.current(call, &id)).await;
                }
                Err(e) => return Err(internal(e)),
            };
            if inserted {
                app.queue
                    .enqueue(
                        &mut tx,
                        job::job(&instance.id, &id, self.model.service(), Op::Provision, None),
                    )
                    .await
                    .map_err(internal)?;
            }
            tx.commit().await.map_err(internal)?;
            app.queue.notify_enqueued();
        }
        let info = format!("Provisioning {} {id} in OX App Suite", self.model.service());
        job_reply(call, &key, &info, || self.current(call, &id)).await
    }

    async fn retrieve(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        let (_, body) = self.load(call, id).await?;
        Ok(Reply::Ok(self.model.refresh(call, body).await?.to_value()))
    }

    async fn configure(&self, call: &Call, id: &str, new: Resource) -> Result<Reply, ApsError> {
        let (row, current) = self.load(call, id).await?;
        let mut merged = current.clone();
        merged.props.extend(new.props);
        match self.change(call, &row, &current, merged).await? {
            Some(key) => {
                let info = format!("Updating {} {id} in OX App Suite", self.model.service());
                job_reply(call, &key, &info, || self.current(call, id)).await
            }
            None => self.current(call, id).await,
        }
    }

    async fn unprovision(&self, call: &Call, id: &str) -> Result<Reply, ApsError> {
        let instance = call.instance()?.clone();
        let key = job::key(&instance.id, id, Op::Unprovision, None);
        let row = call
            .app
            .store
            .resource(&instance.id, id)
            .await
            .map_err(internal)?;
        if let Some(row) = row {
            if call
                .app
                .queue
                .find_by_key(&key)
                .await
                .map_err(internal)?
                .is_none()
            {
                let (_, body) = self.load(call, id).await?;
                self.model.admit_removal(call, &body).await?;
            }
            let app = &call.app;
            let mut tx = app.store.pool().begin().await.map_err(internal)?;
            let enqueued = app
                .queue
                .enqueue(
                    &mut tx,
                    job::job(&instance.id, id, &row.service, Op::Unprovision, None),
                )
                .await
                .map_err(internal)?;
            if enqueued.created {
                Store::set_resource_status(
                    &mut tx,
                    &instance.id,
                    id,
                    ResourceStatus::Unprovisioning,
                )
                .await
                .map_err(internal)?;
            }
            tx.commit().await.map_err(internal)?;
            app.queue.notify_enqueued();
        } else if call
            .app
            .queue
            .find_by_key(&key)
            .await
            .map_err(internal)?
            .is_none()
        {
            // Never provisioned here, or removed long ago: nothing to do.
            return Ok(Reply::NoContent);
        }
        let info = format!("Removing {} {id} from OX App Suite", self.model.service());
        job_reply(call, &key, &info, || async { Ok(Reply::NoContent) }).await
    }

    async fn link(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        linked: Value,
    ) -> Result<Reply, ApsError> {
        let single = self
            .model
            .type_def()
            .relations
            .get(relation)
            .is_some_and(|r| !r.collection);
        if single {
            let other = linked
                .pointer("/aps/id")
                .and_then(Value::as_str)
                .ok_or_else(|| ApsError::bad_request("The linked resource has no aps.id."))?;
            self.relink(call, id, relation, Some(other)).await?;
        } else {
            self.load(call, id).await?;
            self.model.link(call, id, relation, &linked).await?;
        }
        Ok(Reply::empty())
    }

    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        input: OperationInput,
    ) -> Result<Reply, ApsError> {
        if let Some(id) = id {
            self.load(call, id).await?;
        }
        self.model.operation(call, id, name, input).await
    }

    async fn unlink(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        linked_id: &str,
    ) -> Result<Reply, ApsError> {
        let single = self
            .model
            .type_def()
            .relations
            .get(relation)
            .is_some_and(|r| !r.collection);
        let (_, current) = self.load(call, id).await?;
        if single {
            // Only if it still points at what is unlinked (a relink may have come first).
            if current.link_id(relation) == Some(linked_id) {
                self.relink(call, id, relation, None).await?;
            }
        } else {
            self.model.unlink(call, id, relation, linked_id).await?;
        }
        Ok(Reply::empty())
    }
}

fn is_unique_violation(e: &crate::store::StoreError) -> bool {
    match e {
        crate::store::StoreError::Db(sqlx::Error::Database(db)) => db.is_unique_violation(),
        _ => false,
    }
}
