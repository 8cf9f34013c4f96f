//! `purchaserequest`: an upgrade a user asked for from inside OX App Suite (see `crate::upsell`).
//!
//! The upsell API creates it through the controller, which provisions it here: admission checks
//! the user, the tenant and that the requested profile is an upgrade of the current one, refuses a
//! second pending request of the same user, and stores it `pending`; the `create` step enqueues the
//! customer's panel notification (keyed, so sent once). The operations `proceed` and `reject`
//! decide, in the request; their side effects run in the model job's `update` (see [`decide`]).
//! Unprovisioning only removes the row.

pub mod decide;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::job::{self, Op};
use super::{Admitted, JobCx, Model, required_link};
use crate::services::{Call, OperationInput, Reply, internal};
use crate::store::{ResourceRow, ResourceStatus, Store};
use crate::upsell::options::{self, SERVICE};

/// The purchase request model.
pub struct PurchaseRequest {
    def: TypeDef,
}

impl Default for PurchaseRequest {
    fn default() -> Self {
        PurchaseRequest {
            def: crate::types::of(SERVICE)
                .unwrap_or_else(|| TypeDef::new(SERVICE, &crate::types::type_id(SERVICE))),
        }
    }
}

/// Now, RFC 3339 in UTC.
pub fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The natural key of a user's next request: `<user's APS id>#<n>`, one more than the highest
/// among `rows` (the tenant's requests). Two concurrent admissions for the same user compute the
/// same key and the unique index refuses one; the APS id (not the login) keeps a login deleted and
/// created again in another tenant from colliding with the old user's requests.
fn next_key(rows: &[ResourceRow], user_id: &str) -> String {
    let prefix = format!("{user_id}#");
    let highest = rows
        .iter()
        .filter_map(|r| {
            r.natural_key
                .as_deref()?
                .strip_prefix(&prefix)?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", highest + 1)
}

#[async_trait]
impl Model for PurchaseRequest {
    fn service(&self) -> &'static str {
        SERVICE
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let instance = call.instance()?.id.clone();
        let tenant = required_link(&body, "tenant", SERVICE)?;
        let login = body
            .str_prop("userLogin")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let user_row = call
            .app
            .store
            .by_natural_key(&instance, "user", &login)
            .await
            .map_err(internal)?
            .ok_or_else(|| ApsError::bad_request(format!("User {login} does not exist.")))?;
        let user: Resource = serde_json::from_value(user_row.body.clone()).map_err(internal)?;
        if user.link_id("tenant") != Some(tenant.as_str()) {
            return Err(ApsError::forbidden(format!(
                "User {login} is not a user of this subscription."
            )));
        }
        if body.link_id("user").is_some_and(|u| u != user_row.id) {
            return Err(ApsError::bad_request(
                "The linked user does not have this login.",
            ));
        }
        // One query for the tenant's requests: the pending check and the next key.
        let requests = options::requests_of_tenant(&call.app, &instance, &tenant).await?;
        let key = next_key(&requests, &user_row.id);
        if let Some(p) = options::pending_among(requests, &login) {
            return Err(crate::upsell::api::pending_conflict(&p.id));
        }
        let current_id = user
            .link_id("profile")
            .ok_or_else(|| internal("user without profile"))?
            .to_owned();
        let current = options::profile(&call.app, &instance, &current_id)
            .await?
            .ok_or_else(|| internal("the user's profile is not stored"))?;
        let requested = body
            .str_prop("requestedProfile")
            .unwrap_or_default()
            .to_owned();
        let upgrades =
            options::upgrade_ids(&call.app, call.instance()?, &current_id, &current).await?;
        if !upgrades.contains(&requested) {
            return Err(ApsError::bad_request(
                "The requested profile is not an upgrade of the user's current profile.",
            ));
        }
        let target = options::profile(&call.app, &instance, &requested)
            .await?
            .ok_or_else(|| ApsError::bad_request(format!("Profile {requested} does not exist.")))?;
        let name = |p: &Resource, id: &str| p.str_prop("name").unwrap_or(id).to_owned();
        let props = &mut body.props;
        props.insert("userLogin".into(), json!(login));
        props.insert(
            "userDisplayName".into(),
            json!(user.str_prop("displayName").unwrap_or(&login)),
        );
        props.insert("currentProfile".into(), json!(current_id));
        props.insert(
            "currentProfileName".into(),
            json!(name(&current, &current_id)),
        );
        props.insert(
            "requestedProfileName".into(),
            json!(name(&target, &requested)),
        );
        props.insert("requestedAt".into(), json!(now()));
        props.insert("state".into(), json!("pending"));
        for k in ["decidedBy", "decidedAt", "reason"] {
            props.remove(k);
        }
        props.insert(
            "user".into(),
            aps::resource::link_value(aps::resource::link::STRONG, &user_row.id),
        );
        Ok(Admitted {
            natural_key: Some(key),
            body,
            parent_id: Some(tenant),
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.def, current, &new)?;
        // State and decision change only through the operations.
        super::tenant::keep_readonly(&self.def, current, &mut new);
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        let notice = decide::notice(
            cx,
            &body,
            "__user__ asks for an upgrade from __current__ to __requested__",
        )
        .await?;
        decide::send(cx, "created", &notice).await?;
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        if old.str_prop("state") == Some("pending") {
            match new.str_prop("state") {
                Some("proceeded") => decide::proceed(cx, &new).await?,
                Some("rejected") => decide::reject(cx, &new).await?,
                _ => {}
            }
        }
        Ok(new)
    }

    async fn delete(&self, _cx: &JobCx, _body: &Resource) -> Result<(), JobError> {
        Ok(())
    }

    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        input: OperationInput,
    ) -> Result<Reply, ApsError> {
        let (Some(id), "proceed" | "reject") = (id, name) else {
            return Err(ApsError::not_implemented(format!(
                "Operation {name} of service {SERVICE} is not implemented."
            )));
        };
        let reason = input
            .body
            .as_ref()
            .and_then(|b| b.get("reason"))
            .and_then(Value::as_str)
            .map(|r| r.trim().chars().take(1024).collect::<String>());
        let state = if name == "proceed" {
            "proceeded"
        } else {
            "rejected"
        };
        decide_in_request(call, id, state, reason).await
    }
}

/// Records a decision and enqueues its side effects in one transaction; answers with the updated
/// request. The job key names the revision decided on, so of two concurrent decisions one wins.
async fn decide_in_request(
    call: &Call,
    id: &str,
    state: &str,
    reason: Option<String>,
) -> Result<Reply, ApsError> {
    let instance = call.instance()?.id.clone();
    let row = call
        .app
        .store
        .resource(&instance, id)
        .await
        .map_err(internal)?
        .filter(|r| r.service == SERVICE)
        .ok_or_else(|| ApsError::not_found(format!("{SERVICE} {id} not found.")))?;
    let current: Resource = serde_json::from_value(row.body.clone()).map_err(internal)?;
    let already = |s: &str| {
        ApsError::conflict(format!(
            "The purchase request is already {s}; only pending requests can be decided."
        ))
    };
    let now_state = current.str_prop("state").unwrap_or("pending").to_owned();
    if now_state != "pending" {
        return Err(already(&now_state));
    }
    let mut decided = current.clone();
    let by = call
        .ctx
        .identity_id
        .clone()
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| "provider".into());
    decided.props.insert("state".into(), json!(state));
    decided.props.insert("decidedBy".into(), json!(by));
    decided.props.insert("decidedAt".into(), json!(now()));
    match reason.filter(|r| !r.is_empty()) {
        Some(r) => decided.props.insert("reason".into(), json!(r)),
        None => decided.props.remove("reason"),
    };
    let versioned = format!("{}-decide", row.revision);
    let mut new_job = job::job(&instance, id, SERVICE, Op::Configure, Some(&versioned));
    new_job.payload["old"] = current.to_value();
    let app = &call.app;
    let mut tx = app.store.pool().begin().await.map_err(internal)?;
    let enqueued = app
        .queue
        .enqueue(&mut tx, new_job)
        .await
        .map_err(internal)?;
    if !enqueued.created {
        drop(tx);
        return Err(already("being decided"));
    }
    // Only over the row as read: an expiry (or another change) committed meanwhile wins, and
    // this decision is refused rather than written over it.
    let written = Store::update_resource_at(
        &mut tx,
        &row,
        ResourceStatus::Configuring,
        &decided.to_value(),
    )
    .await
    .map_err(internal)?;
    if !written {
        drop(tx);
        return Err(ApsError::conflict(
            "The purchase request changed meanwhile; reload it and decide again.",
        ));
    }
    tx.commit().await.map_err(internal)?;
    app.queue.notify_enqueued();
    Ok(Reply::Ok(decided.to_value()))
}
