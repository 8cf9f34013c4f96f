//! The side effects of a decision, run in the purchase request's model job (at least once, so
//! each step is idempotent): proceed switches the user's profile through the controller (so
//! billing sees it) and applies the same relink here (the controller does not notify the
//! application of its own link; the relink runs the user's OX update), then the new state goes to
//! the controller and the customer is notified; reject pushes the state and notifies.

use aps::Resource;
use aps::controller::ControllerError;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use crate::http::RequestContext;
use crate::services::Call;

use crate::jobs::notify::{self, Notice};
use crate::model::JobCx;
use crate::upsell::options::SERVICE;

fn controller_error(what: &str, e: ControllerError) -> JobError {
    if e.is_transient() {
        JobError::transient(format!("{what}: {e}"))
    } else {
        JobError::permanent(format!("{what}: {e}"))
    }
}

/// Proceeds: the user moves to the requested profile, then state and notification.
pub async fn proceed(cx: &JobCx, request: &Resource) -> Result<(), JobError> {
    let user_id = request
        .link_id("user")
        .ok_or_else(|| JobError::permanent("the purchase request has no user"))?;
    let requested = request
        .str_prop("requestedProfile")
        .ok_or_else(|| JobError::permanent("the purchase request names no profile"))?;
    let def = crate::types::of("user").ok_or_else(|| JobError::permanent("user type missing"))?;
    let (_, user) = cx
        .resource(user_id, &def)
        .await?
        .ok_or_else(|| JobError::permanent("the user of the purchase request no longer exists"))?;
    if user.link_id("profile") != Some(requested) {
        let client = cx
            .app
            .controller(&cx.instance)
            .map_err(JobError::permanent)?;
        client
            .link(user_id, "profile", requested)
            .await
            .map_err(|e| controller_error("switching the user's profile in the controller", e))?;
        relink_here(cx, user_id, requested).await?;
    }
    push_state(cx, request).await?;
    let n = notice(
        cx,
        request,
        "The upgrade of __user__ to __requested__ was approved",
    )
    .await?;
    enqueue_notice(cx, "proceeded", n).await
}

/// Applies the new profile link here as the controller's link notification would: the controller
/// does not notify the application that made the link itself. A repeat is a no-op.
async fn relink_here(cx: &JobCx, user_id: &str, profile_id: &str) -> Result<(), JobError> {
    let service = cx
        .app
        .services
        .get("user")
        .cloned()
        .ok_or_else(|| JobError::permanent("no user service"))?;
    let call = Call {
        app: cx.app.clone(),
        ctx: RequestContext {
            instance_id: cx.instance.id.clone(),
            controller_uri: cx.instance.controller_uri.clone(),
            transaction_id: None,
            phase: aps::headers::RequestPhase::Sync,
            identity_id: None,
            aps_version: None,
        },
        instance: Some(cx.instance.clone()),
        peer_certificate: None,
    };
    let linked = json!({"aps": {"id": profile_id}});
    match service.link(&call, user_id, "profile", linked).await {
        Ok(_) => Ok(()),
        Err(e) if e.status >= 500 => Err(JobError::transient(e.message)),
        Err(e) => Err(JobError::permanent(e.message)),
    }
}

/// Rejects: state (with who and why) and notification.
pub async fn reject(cx: &JobCx, request: &Resource) -> Result<(), JobError> {
    push_state(cx, request).await?;
    let mut n = notice(
        cx,
        request,
        "The upgrade request of __user__ to __requested__ was rejected",
    )
    .await?;
    if let Some(r) = request.str_prop("reason").filter(|r| !r.is_empty()) {
        n = n.details(r.to_owned());
    }
    enqueue_notice(cx, "rejected", n).await
}

/// Sends the decision to the controller's copy of the request (no call back).
async fn push_state(cx: &JobCx, request: &Resource) -> Result<(), JobError> {
    let mut body = serde_json::Map::new();
    for k in ["state", "decidedBy", "decidedAt", "reason"] {
        if let Some(v) = request.props.get(k) {
            body.insert(k.to_owned(), v.clone());
        }
    }
    let client = cx
        .app
        .controller(&cx.instance)
        .map_err(JobError::permanent)?;
    client
        .update_own(
            &cx.instance.id,
            SERVICE,
            &cx.resource_id,
            &Value::Object(body),
        )
        .await
        .map_err(|e| controller_error("updating the purchase request in the controller", e))?;
    Ok(())
}

/// A notice about `request` to its tenant's customer account, with `__user__`, `__current__`
/// and `__requested__` filled.
pub async fn notice(cx: &JobCx, request: &Resource, message: &str) -> Result<Notice, JobError> {
    let text = |k: &str| request.str_prop(k).unwrap_or_default().to_owned();
    let mut n = Notice::info(message)
        .key("user", text("userDisplayName"))
        .key("current", text("currentProfileName"))
        .key("requested", text("requestedProfileName"))
        .about(cx.resource_id.clone());
    if let Some(tenant) = request.link_id("tenant") {
        let row = cx
            .app
            .store
            .resource(&cx.instance.id, tenant)
            .await
            .map_err(JobError::transient)?;
        if let Some(account) = row.as_ref().and_then(|r| {
            r.body
                .pointer("/account/aps/id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        }) {
            n = n.to_account(account);
        }
    }
    Ok(n)
}

/// Enqueues the notification `<request>/<event>`: the same event is sent once.
pub async fn enqueue_notice(cx: &JobCx, event: &str, notice: Notice) -> Result<(), JobError> {
    let job = notify::job(
        &cx.instance.id,
        &format!("{}/{event}", cx.resource_id),
        &notice,
    );
    let mut tx = cx
        .app
        .store
        .pool()
        .begin()
        .await
        .map_err(JobError::transient)?;
    cx.app
        .queue
        .enqueue(&mut tx, job)
        .await
        .map_err(JobError::transient)?;
    tx.commit().await.map_err(JobError::transient)?;
    cx.app.queue.notify_enqueued();
    Ok(())
}
