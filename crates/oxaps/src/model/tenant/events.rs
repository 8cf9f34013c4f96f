//! Disable and enable follow the subscription: the tenant subscribes to `changed` events of its
//! subscription resource; the handler reads the subscription's `disabled` property (never the
//! event's content, so redelivered, duplicated or reordered events converge on the current state)
//! and, when it differs from the tenant's, stores it and enqueues the configure job that disables
//! or enables the OX context.

use aps::controller::{ControllerClient, ControllerError, EventSubscription};
use aps::{ApsError, Resource};
use oxaps_jobs::{JobError, JobStatus, ListFilter};
use serde_json::{Value, json};

use crate::model::JobCx;
use crate::model::job::{self, Op};
use crate::services::{Call, OperationInput, Reply, internal};
use crate::store::{ResourceStatus, Store};

/// The event a tenant listens to.
pub const CHANGED: &str = "http://aps-standard.org/core/events/changed";

/// The tenant's handler operation (declared in the tenant type).
pub const HANDLER: &str = "onSubscriptionChange";

fn failure(e: ControllerError) -> JobError {
    if e.is_transient() {
        JobError::transient(format!("controller: {e}"))
    } else {
        JobError::permanent(format!("controller: {e}"))
    }
}

fn is_ours(s: &EventSubscription, subscription_id: &str) -> bool {
    s.event == CHANGED
        && s.handler == HANDLER
        && s.source.get("id").and_then(Value::as_str) == Some(subscription_id)
}

/// Subscribes the tenant to its subscription's changes, unless it already is (a retried job).
pub async fn subscribe(cx: &JobCx, subscription_id: &str) -> Result<(), JobError> {
    let controller = cx
        .app
        .controller(&cx.instance)
        .map_err(JobError::permanent)?;
    let existing = controller
        .subscriptions(&cx.resource_id)
        .await
        .map_err(failure)?;
    if existing.iter().any(|s| is_ours(s, subscription_id)) {
        return Ok(());
    }
    let sub = EventSubscription {
        id: None,
        event: CHANGED.into(),
        source: json!({"id": subscription_id}),
        relation: None,
        handler: HANDLER.into(),
    };
    controller
        .subscribe(&cx.resource_id, &sub)
        .await
        .map_err(failure)?;
    Ok(())
}

/// Removes the tenant's subscription (best effort: the controller drops a removed resource's
/// subscriptions itself, and a late event for a removed tenant is answered 404).
pub async fn unsubscribe(cx: &JobCx, subscription_id: &str) {
    let Ok(controller) = cx.app.controller(&cx.instance) else {
        return;
    };
    let list = match controller.subscriptions(&cx.resource_id).await {
        Ok(list) => list,
        Err(e) => {
            tracing::debug!(error = %e, "listing the tenant's event subscriptions");
            return;
        }
    };
    for s in list.iter().filter(|s| is_ours(s, subscription_id)) {
        if let Some(id) = &s.id
            && let Err(e) = controller.unsubscribe(&cx.resource_id, id).await
            && !e.is_not_found()
        {
            tracing::warn!(error = %e, "removing the tenant's event subscription");
        }
    }
}

/// Whether the subscription is disabled, as the controller holds it now.
async fn disabled(
    controller: &ControllerClient,
    subscription_id: &str,
) -> Result<bool, ControllerError> {
    let sub = controller.get_resource(subscription_id).await?;
    Ok(sub
        .props
        .get("disabled")
        .and_then(Value::as_bool)
        .unwrap_or(false))
}

/// The subscription's state for a job (e.g. at the end of provisioning).
pub async fn subscription_disabled(cx: &JobCx, subscription_id: &str) -> Result<bool, JobError> {
    let controller = cx
        .app
        .controller(&cx.instance)
        .map_err(JobError::permanent)?;
    disabled(&controller, subscription_id)
        .await
        .map_err(failure)
}

/// `POST <tenant>/onSubscriptionChange`: brings the tenant to the subscription's current state.
pub async fn on_subscription_change(
    call: &Call,
    tenant_id: &str,
    input: &OperationInput,
) -> Result<Reply, ApsError> {
    let instance = call.instance()?.clone();
    let Some(row) = call
        .app
        .store
        .resource(&instance.id, tenant_id)
        .await
        .map_err(internal)?
    else {
        return Err(ApsError::not_found(format!(
            "tenant {tenant_id} not found."
        )));
    };
    if matches!(
        row.status,
        ResourceStatus::Unprovisioning | ResourceStatus::Failed
    ) {
        return Ok(Reply::empty());
    }
    if busy(call, &instance.id, tenant_id).await? {
        // A job is about to write the tenant: ask the controller to deliver again afterwards.
        return Ok(Reply::Accepted {
            body: None,
            info: format!("tenant {tenant_id} is busy; deliver the event again later"),
            retry_after: call.app.config.retry_after_secs,
        });
    }
    if row.status == ResourceStatus::Provisioning {
        // Its job gave up; provisioning reads the subscription's state when it is retried.
        return Ok(Reply::empty());
    }
    let body: Resource = serde_json::from_value(row.body.clone()).map_err(internal)?;
    let Some(subscription_id) = body.link_id("subscription").map(str::to_owned) else {
        return Ok(Reply::empty());
    };
    let source = input.body.as_ref().and_then(|b| b.pointer("/source/id"));
    if source
        .and_then(Value::as_str)
        .is_some_and(|s| s != subscription_id)
    {
        tracing::info!(tenant_id, ?source, "event about another resource ignored");
        return Ok(Reply::empty());
    }
    let controller = call.app.controller(&instance).map_err(internal)?;
    let wanted = disabled(&controller, &subscription_id).await.map_err(|e| {
        tracing::warn!(error = %e, "reading the tenant's subscription");
        ApsError::internal(format!("Cannot read subscription {subscription_id}: {e}"))
    })?;
    let current = row.body.get("disabled").and_then(Value::as_bool) == Some(true);
    if wanted == current {
        return Ok(Reply::empty());
    }
    // The key names the transition (state and revision): a duplicate delivery finds this job, a
    // later transition to the same state gets a new one.
    let fingerprint = job::fingerprint(&json!({"disabled": wanted, "revision": row.revision}));
    let mut new_job = job::job(
        &instance.id,
        tenant_id,
        "tenant",
        Op::Configure,
        Some(&fingerprint),
    );
    new_job.payload["old"] = row.body.clone();
    let mut new_body = row.body.clone();
    new_body["disabled"] = json!(wanted);
    let app = &call.app;
    let mut tx = app.store.pool().begin().await.map_err(internal)?;
    let enqueued = app
        .queue
        .enqueue(&mut tx, new_job)
        .await
        .map_err(internal)?;
    if enqueued.created {
        Store::update_resource(
            &mut tx,
            &instance.id,
            tenant_id,
            ResourceStatus::Configuring,
            &new_body,
        )
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    app.queue.notify_enqueued();
    tracing::info!(
        tenant_id,
        disabled = wanted,
        "tenant follows its subscription"
    );
    Ok(Reply::empty())
}

/// Whether a job of the tenant is pending or running.
async fn busy(call: &Call, instance_id: &str, tenant_id: &str) -> Result<bool, ApsError> {
    for status in [JobStatus::Pending, JobStatus::Running] {
        let open = call
            .app
            .queue
            .list(&ListFilter {
                status: Some(status),
                kind: Some(job::KIND.into()),
                instance_id: Some(instance_id.into()),
                resource_id: Some(tenant_id.into()),
                limit: Some(1),
            })
            .await
            .map_err(internal)?;
        if !open.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_handler_for_our_subscription_is_ours() {
        let sub = |event: &str, id: &str, handler: &str| EventSubscription {
            id: Some("s1".into()),
            event: event.into(),
            source: json!({"id": id}),
            relation: None,
            handler: handler.into(),
        };
        assert!(is_ours(&sub(CHANGED, "sub-1", HANDLER), "sub-1"));
        assert!(!is_ours(&sub(CHANGED, "sub-2", HANDLER), "sub-1"));
        assert!(!is_ours(&sub(CHANGED, "sub-1", "onOther"), "sub-1"));
        assert!(!is_ours(
            &sub(
                "http://aps-standard.org/core/events/removed",
                "sub-1",
                HANDLER
            ),
            "sub-1"
        ));
    }

    #[test]
    fn the_handler_is_declared_by_the_tenant_type() {
        let def = crate::types::of("tenant").unwrap();
        let (name, _) = def
            .find_operation("POST", &[HANDLER], false)
            .expect("declared");
        assert_eq!(name, HANDLER);
    }
}
