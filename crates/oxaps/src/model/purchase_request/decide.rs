//! The side effects of a decision, run in the purchase request's model job (at least once, so
//! each step is idempotent): proceed switches the user's profile through the controller (so
//! billing sees it) and applies the same relink here (the controller does not notify the
//! application of its own link; the relink runs the user's OX update), then the new state goes to
//! the controller and the customer is notified; reject pushes the state and notifies.
//!
//! Proceed first re-checks that the requested profile is still an upgrade of the user's current
//! profile (an administrator may have changed it since the request): if not, the job fails for
//! good ("no longer an upgrade") and the request returns to `pending`, as on any permanent
//! failure, so the provider can reject it. When the controller link succeeded but the relink here
//! fails for good, the controller link is undone (back to the old profile) so billing and OX agree.

use aps::{ApsError, Resource};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use crate::http::RequestContext;
use crate::services::Call;

use crate::jobs::notify::{self, Notice};
use crate::model::JobCx;
use crate::model::cron::controller_failure;
use crate::upsell::options::{self, SERVICE};

/// An API error met in a job: a 5xx may pass, anything else is final.
fn job_error(e: ApsError) -> JobError {
    if e.status >= 500 {
        JobError::transient(e.message)
    } else {
        JobError::permanent(e.message)
    }
}

/// Fails for good unless `requested` is an upgrade of the user's profile `current_id`.
async fn still_an_upgrade(cx: &JobCx, current_id: &str, requested: &str) -> Result<(), JobError> {
    let current = options::profile(&cx.app, &cx.instance.id, current_id)
        .await
        .map_err(job_error)?
        .ok_or_else(|| JobError::permanent("the user's current profile is not stored"))?;
    let upgrades = options::upgrade_ids(&cx.app, &cx.instance, current_id, &current)
        .await
        .map_err(job_error)?;
    if upgrades.iter().any(|u| u == requested) {
        Ok(())
    } else {
        Err(JobError::permanent(format!(
            "no longer an upgrade: the requested profile {requested} is not an upgrade of the \
             user's current profile {current_id}; reject the request"
        )))
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
        let old = user.link_id("profile").ok_or_else(|| {
            JobError::permanent("the user of the purchase request has no profile")
        })?;
        still_an_upgrade(cx, old, requested).await?;
        let client = cx
            .app
            .controller(&cx.instance)
            .map_err(JobError::permanent)?;
        client
            .link(user_id, "profile", requested)
            .await
            .map_err(|e| controller_failure("switching the user's profile in the controller", e))?;
        match relink_here(cx, user_id, requested).await {
            Err(JobError::Permanent(reason)) => {
                // Billing must not charge for a profile OX does not have: link back.
                client.link(user_id, "profile", old).await.map_err(|e| {
                    controller_failure("undoing the profile switch in the controller", e)
                })?;
                return Err(JobError::permanent(format!(
                    "the new profile could not be applied (the controller link was undone): \
                     {reason}"
                )));
            }
            other => other?,
        }
    }
    push_state(cx, request).await?;
    let n = notice(
        cx,
        request,
        "The upgrade of __user__ to __requested__ was approved",
    )
    .await?;
    send(cx, "proceeded", &n).await
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
    service
        .link(&call, user_id, "profile", linked)
        .await
        .map(|_| ())
        .map_err(job_error)
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
    send(cx, "rejected", &n).await
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
        .map_err(|e| controller_failure("updating the purchase request in the controller", e))?;
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
        if let Some(account) = row
            .as_ref()
            .and_then(|r| crate::cron::tasks::account_of(&r.body))
        {
            n = n.to_account(account);
        }
    }
    Ok(n)
}

/// Enqueues the notification `<request>/<event>`: the same event is sent once.
pub(super) async fn send(cx: &JobCx, event: &str, notice: &Notice) -> Result<(), JobError> {
    let job = notify::job(
        &cx.instance.id,
        &format!("{}/{event}", cx.resource_id),
        notice,
    );
    let mut conn = cx
        .app
        .store
        .pool()
        .acquire()
        .await
        .map_err(JobError::transient)?;
    let enqueued = cx
        .app
        .queue
        .enqueue(&mut conn, job)
        .await
        .map_err(JobError::transient)?;
    if enqueued.created {
        cx.app.queue.notify_enqueued();
    }
    Ok(())
}
