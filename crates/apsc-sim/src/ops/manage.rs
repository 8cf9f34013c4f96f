//! Operations on existing resources: configure, unprovision, retrieve, link/unlink (with the
//! endpoints' link notifications), custom operations and upgrade.
//!
//! Platform resources are changed in the store directly; application resources through their
//! endpoint. configure sends the new full representation and stores the requested changes plus
//! the answer; on 202 the resource is `aps:configuring` until the task ends. unprovision removes
//! the resource on success; on 202 it is `aps:deleted` until the endpoint answers 200/204.
//! Link notifications go to the application ends of a link that the caller does not own; an
//! endpoint's refusal (other than 404/405/501) undoes the link change.

use std::sync::Arc;

use aps::headers::RequestPhase;
use aps::resource::status;
use http::Method;
use serde_json::{Map, Value};

use super::{CallCtx, Target, reply_props, split_links};
use crate::async_loop::{OpKind, OpOutcome, Operation, Started};
use crate::controller::Shared;
use crate::endpoint_client::EndpointRequest;
use crate::error::{SimError, SimResult};
use crate::store::deep_merge;

fn request(
    kind: OpKind,
    target: &Target,
    method: Method,
    path: String,
    body: Option<Value>,
    ctx: &CallCtx,
) -> EndpointRequest {
    EndpointRequest {
        purpose: kind.purpose(),
        instance_id: target.instance_id.clone(),
        base: target.base.clone(),
        method,
        path,
        query: None,
        body,
        transaction_id: uuid::Uuid::new_v4().to_string(),
        phase: RequestPhase::Sync,
        identity: ctx.identity.clone(),
        headers: vec![],
    }
}

impl Shared {
    /// The resource (visible to `ctx`) and, for application resources, its endpoint target.
    fn lookup(&self, ctx: &CallCtx, id: &str) -> SimResult<Option<Target>> {
        self.read(|st| {
            let r = st
                .store
                .get(id)
                .filter(|r| st.visible(ctx, r))
                .ok_or_else(|| SimError::NotFound(format!("resource {id}")))?;
            if r.instance.is_some() {
                st.target_of(r).map(Some)
            } else {
                Ok(None)
            }
        })
    }

    fn render(&self, id: &str) -> Value {
        self.read(|st| st.store.render(id)).unwrap_or(Value::Null)
    }

    fn apply_configured(&self, id: &str, changes: &Map<String, Value>, reply: &Value) {
        self.with(|st| {
            let _ = st.store.merge_props(id, changes);
            let _ = st.store.merge_props(id, &reply_props(reply));
            let _ = st.store.set_status(id, status::READY);
        });
    }

    /// Updates a platform resource directly (links in the body re-point relations).
    pub(crate) fn update_direct(&self, id: &str, body: Value) -> SimResult<Value> {
        let Value::Object(mut body) = body else {
            return Err(SimError::BadRequest("body must be a JSON object".into()));
        };
        self.with(|st| {
            let type_id = st
                .store
                .get(id)
                .ok_or_else(|| SimError::NotFound(id.to_owned()))?
                .type_id
                .clone();
            let new_status = body
                .get("aps")
                .and_then(|a| a.get("status"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let refs = split_links(st, &type_id, &mut body);
            let links = st.resolve_links(&type_id, refs)?;
            body.remove("aps");
            st.store
                .merge_props(id, &body)
                .map_err(|e| SimError::NotFound(e.to_string()))?;
            for (rel, other) in links {
                st.store
                    .link(id, &rel, &other)
                    .map_err(|e| SimError::NotFound(e.to_string()))?;
            }
            if let Some(s) = new_status {
                st.store
                    .set_status(id, &s)
                    .map_err(|e| SimError::NotFound(e.to_string()))?;
            }
            st.store
                .render(id)
                .ok_or_else(|| SimError::NotFound(id.to_owned()))
        })
    }

    /// configure: `PUT <svc>/<id>` with the new representation.
    pub(crate) async fn configure(
        self: &Arc<Self>,
        ctx: &CallCtx,
        id: &str,
        changes: Value,
    ) -> SimResult<Value> {
        let Some(target) = self.lookup(ctx, id)? else {
            return self.update_direct(id, changes);
        };
        let Value::Object(mut changes) = changes else {
            return Err(SimError::BadRequest("body must be a JSON object".into()));
        };
        changes.remove("aps");
        let changes = reply_props(&Value::Object(changes));
        let mut body = self.render(id);
        if let Some(map) = body.as_object_mut() {
            deep_merge(map, &changes);
        }
        let req = request(
            OpKind::Configure,
            &target,
            Method::PUT,
            format!("{}/{id}", target.service),
            Some(body),
            ctx,
        );
        let op = Operation {
            kind: OpKind::Configure,
            request: req,
            resource_id: Some(id.to_owned()),
        };
        let pending = match self.start_op(op).await? {
            Started::Done(outcome) => {
                self.apply_configured(id, &changes, &outcome.body);
                return Ok(self.render(id));
            }
            Started::Pending(p) => p,
        };
        self.with(|st| st.store.set_status(id, status::CONFIGURING))
            .map_err(|e| SimError::NotFound(e.to_string()))?;
        if ctx.detach_async {
            let shared = self.clone();
            let rid = id.to_owned();
            tokio::spawn(async move {
                if let Ok(outcome) = shared.finish_op(pending).await {
                    shared.apply_configured(&rid, &changes, &outcome.body);
                }
            });
            return Ok(self.render(id));
        }
        let outcome = self.finish_op(pending).await?;
        self.apply_configured(id, &changes, &outcome.body);
        Ok(self.render(id))
    }

    /// unprovision: `DELETE <svc>/<id>`; platform resources are removed directly.
    pub(crate) async fn unprovision(self: &Arc<Self>, ctx: &CallCtx, id: &str) -> SimResult<()> {
        let remove = |shared: &Shared, id: &str| {
            shared.with(|st| {
                let _ = st.store.remove(id);
                st.instances.remove(id);
            })
        };
        let Some(target) = self.lookup(ctx, id)? else {
            remove(self, id);
            return Ok(());
        };
        let req = request(
            OpKind::Unprovision,
            &target,
            Method::DELETE,
            format!("{}/{id}", target.service),
            None,
            ctx,
        );
        let op = Operation {
            kind: OpKind::Unprovision,
            request: req,
            resource_id: Some(id.to_owned()),
        };
        let pending = match self.start_op(op).await? {
            Started::Done(_) => {
                remove(self, id);
                return Ok(());
            }
            Started::Pending(p) => p,
        };
        self.with(|st| st.store.set_status(id, status::DELETED))
            .map_err(|e| SimError::NotFound(e.to_string()))?;
        if ctx.detach_async {
            let shared = self.clone();
            let rid = id.to_owned();
            tokio::spawn(async move {
                if shared.finish_op(pending).await.is_ok() {
                    remove(&shared, &rid);
                }
            });
            return Ok(());
        }
        self.finish_op(pending).await?;
        remove(self, id);
        Ok(())
    }

    /// retrieve: `GET <svc>/<id>`; the answer's properties (counters' usage included) are stored.
    pub(crate) async fn retrieve(self: &Arc<Self>, ctx: &CallCtx, id: &str) -> SimResult<Value> {
        let Some(target) = self.lookup(ctx, id)? else {
            return Ok(self.render(id));
        };
        let req = request(
            OpKind::Retrieve,
            &target,
            Method::GET,
            format!("{}/{id}", target.service),
            None,
            ctx,
        );
        let outcome = self
            .run_op(Operation {
                kind: OpKind::Retrieve,
                request: req,
                resource_id: Some(id.to_owned()),
            })
            .await?;
        self.with(|st| st.store.merge_props(id, &reply_props(&outcome.body)))
            .map_err(|e| SimError::NotFound(e.to_string()))?;
        Ok(self.render(id))
    }

    /// Sends link (or unlink) notifications to the application ends of `a.relation <-> b`.
    async fn notify_link(
        &self,
        ctx: &CallCtx,
        a: &str,
        relation: &str,
        b: &str,
        linked: bool,
    ) -> SimResult<()> {
        let ends = self.read(|st| {
            let mut ends = Vec::new();
            for (me, other) in [(a, b), (b, a)] {
                let Some(r) = st.store.get(me) else { continue };
                if r.instance.is_none() || r.instance == ctx.caller_instance {
                    continue;
                }
                let rel = if me == a {
                    Some(relation.to_owned())
                } else {
                    st.store
                        .get(a)
                        .and_then(|ra| st.store.types.back_relation(&r.type_id, &ra.type_id))
                        .map(|d| d.name)
                };
                if let (Some(rel), Ok(target)) = (rel, st.target_of(r)) {
                    ends.push((
                        me.to_owned(),
                        other.to_owned(),
                        rel,
                        target,
                        st.store.render(other),
                    ));
                }
            }
            ends
        });
        for (me, other, rel, target, other_json) in ends {
            let (kind, method, path, body) = if linked {
                (
                    OpKind::Link,
                    Method::POST,
                    format!("{}/{me}/{rel}", target.service),
                    other_json,
                )
            } else {
                (
                    OpKind::Unlink,
                    Method::DELETE,
                    format!("{}/{me}/{rel}/{other}", target.service),
                    None,
                )
            };
            let req = request(kind, &target, method, path, body, ctx);
            self.run_op(Operation {
                kind,
                request: req,
                resource_id: Some(me),
            })
            .await?;
        }
        Ok(())
    }

    /// Links `a.relation -> b` and notifies the endpoints; undone if an endpoint refuses.
    pub(crate) async fn link(
        &self,
        ctx: &CallCtx,
        a: &str,
        relation: &str,
        b: &str,
    ) -> SimResult<()> {
        self.with(|st| {
            for id in [a, b] {
                st.store
                    .get(id)
                    .filter(|r| st.visible(ctx, r))
                    .ok_or_else(|| SimError::NotFound(format!("resource {id}")))?;
            }
            st.store
                .link(a, relation, b)
                .map_err(|e| SimError::NotFound(e.to_string()))
        })?;
        if let Err(e) = self.notify_link(ctx, a, relation, b, true).await {
            self.with(|st| st.store.unlink(a, relation, b)).ok();
            return Err(e);
        }
        Ok(())
    }

    /// Removes the link `a.relation -> b` and notifies the endpoints; restored if one refuses.
    pub(crate) async fn unlink(
        &self,
        ctx: &CallCtx,
        a: &str,
        relation: &str,
        b: &str,
    ) -> SimResult<()> {
        self.with(|st| {
            st.store
                .get(a)
                .filter(|r| st.visible(ctx, r))
                .ok_or_else(|| SimError::NotFound(format!("resource {a}")))?;
            st.store
                .unlink(a, relation, b)
                .map_err(|e| SimError::NotFound(e.to_string()))
        })?;
        if let Err(e) = self.notify_link(ctx, a, relation, b, false).await {
            self.with(|st| st.store.link(a, relation, b)).ok();
            return Err(e);
        }
        Ok(())
    }

    /// A custom operation: `<verb> <svc>/<id>/<path>?<query>`, or `<svc>/<path>` when `id` is
    /// `None` (static operations, addressed on `instance_id`/`service`).
    pub(crate) async fn operation(
        &self,
        ctx: &CallCtx,
        method: Method,
        on: OperationTarget<'_>,
        path: &str,
        query: Option<&str>,
        body: Option<Value>,
    ) -> SimResult<OpOutcome> {
        let path = path.trim_start_matches('/');
        let (target, full_path, resource_id) = match on {
            OperationTarget::Resource(id) => {
                let target = self.lookup(ctx, id)?.ok_or_else(|| {
                    SimError::BadRequest(format!("{id} is not an application resource"))
                })?;
                let full = if path.is_empty() {
                    format!("{}/{id}", target.service)
                } else {
                    format!("{}/{id}/{path}", target.service)
                };
                (target, full, Some(id.to_owned()))
            }
            OperationTarget::Static {
                instance_id,
                service,
            } => {
                let base =
                    self.read(|st| st.instances.get(instance_id).map(|i| i.endpoint.clone()));
                let base =
                    base.ok_or_else(|| SimError::NotFound(format!("instance {instance_id}")))?;
                let target = Target {
                    instance_id: instance_id.to_owned(),
                    base,
                    service: service.to_owned(),
                };
                (target, format!("{service}/{path}"), None)
            }
        };
        let mut req = request(OpKind::Operation, &target, method, full_path, body, ctx);
        req.query = query.filter(|q| !q.is_empty()).map(str::to_owned);
        self.run_op(Operation {
            kind: OpKind::Operation,
            request: req,
            resource_id,
        })
        .await
    }

    /// upgrade: `POST <root>/<instance>/upgrade?version=<from>`.
    pub(crate) async fn upgrade(
        &self,
        ctx: &CallCtx,
        instance_id: &str,
        from_version: &str,
    ) -> SimResult<Value> {
        let target = self
            .lookup(ctx, instance_id)?
            .ok_or_else(|| SimError::NotFound(format!("instance {instance_id}")))?;
        let mut req = request(
            OpKind::Upgrade,
            &target,
            Method::POST,
            format!("{}/{instance_id}/upgrade", target.service),
            None,
            ctx,
        );
        req.query = Some(format!("version={}", aps::rql::encode(from_version)));
        let outcome = self
            .run_op(Operation {
                kind: OpKind::Upgrade,
                request: req,
                resource_id: Some(instance_id.to_owned()),
            })
            .await?;
        Ok(outcome.body)
    }
}

/// What a custom operation is addressed to.
#[derive(Debug, Clone, Copy)]
pub enum OperationTarget<'a> {
    /// A resource: `<svc>/<id>/<path>`.
    Resource(&'a str),
    /// A static operation of a service: `<svc>/<path>`.
    Static {
        /// The instance.
        instance_id: &'a str,
        /// The service id.
        service: &'a str,
    },
}
