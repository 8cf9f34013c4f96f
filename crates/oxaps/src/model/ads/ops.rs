//! The profile's advertisement operations for the provider panel: `setPreview`,
//! `rollOutPreview`, `removePackageConfig` (each stored on the profile and applied by its
//! configure job, so they are durable and retried like a configure) and `servedConfig` (reads
//! what OX's UI API serves a user, logging in as that user).

use std::collections::BTreeMap;

use aps::{ApsError, Resource};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::{check_config_text, client, job_error, previews, set_previews};
use crate::model::JobCx;
use crate::model::job::{self, Op};
use crate::services::{Call, OperationInput, Reply, internal, sealing};
use crate::store::{ResourceStatus, Store};

/// The OX context id and user id of a user resource, if it has been created in OX.
async fn ox_ids(
    app: &crate::app::App,
    instance: &str,
    user_id: &str,
) -> Result<Option<(i64, i64)>, String> {
    let Some(user) = app
        .store
        .resource(instance, user_id)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let (Some(tenant), Some(uid)) = (
        user.parent_id.as_deref(),
        user.body.get("oxUserId").and_then(Value::as_i64),
    ) else {
        return Ok(None);
    };
    let Some(t) = app
        .store
        .resource(instance, tenant)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    Ok(t.body
        .get("contextId")
        .and_then(Value::as_i64)
        .map(|c| (c, uid)))
}

/// Pushes changed previews (`PUT /config/user`) and removes dropped ones (`DELETE`).
pub async fn push_previews(
    cx: &JobCx,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Result<(), JobError> {
    let api = client(&cx.app, &cx.instance.id, true).await?;
    for user in before.keys().filter(|u| !after.contains_key(*u)) {
        if let Some((c, u)) = ox_ids(&cx.app, &cx.instance.id, user)
            .await
            .map_err(JobError::transient)?
        {
            api.delete_user(c, u)
                .await
                .map_err(|e| job_error("removing the advertisement preview", e))?;
        }
    }
    for (user, cfg) in after {
        if before.get(user) == Some(cfg) {
            continue;
        }
        let (c, u) = ox_ids(&cx.app, &cx.instance.id, user)
            .await
            .map_err(JobError::transient)?
            .ok_or_else(|| {
                JobError::permanent(format!("the preview user {user} has no OX account"))
            })?;
        api.put_user(c, u, cfg)
            .await
            .map_err(|e| job_error("setting the advertisement preview", e))?;
    }
    Ok(())
}

/// The `userId` of an operation (body or query).
fn user_param(input: &OperationInput) -> Result<String, ApsError> {
    input
        .body
        .as_ref()
        .and_then(|b| b.get("userId"))
        .and_then(Value::as_str)
        .or_else(|| input.query.get("userId").map(String::as_str))
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ApsError::bad_request("userId (the APS id of a user) is required."))
}

/// A user of the instance with its secrets opened.
async fn load_user(call: &Call, id: &str) -> Result<Resource, ApsError> {
    let instance = call.instance()?;
    let row = call
        .app
        .store
        .resource(&instance.id, id)
        .await
        .map_err(internal)?
        .filter(|r| r.service == "user")
        .ok_or_else(|| ApsError::bad_request(format!("User {id} does not exist.")))?;
    let mut body: Resource = serde_json::from_value(row.body).map_err(internal)?;
    if let Some(def) = crate::types::of("user") {
        sealing::open(&def, &call.app.secrets, &mut body.props).map_err(internal)?;
    }
    Ok(body)
}

fn profile_def() -> Result<aps::typedef::TypeDef, ApsError> {
    crate::types::of("profile").ok_or_else(|| internal("no profile type"))
}

/// Stores `merged` as the profile and enqueues its configure job (the same job a configure of
/// the controller makes, keyed by revision and fingerprint); returns the job key.
async fn enqueue_change(
    call: &Call,
    id: &str,
    current: &Resource,
    merged: &Resource,
) -> Result<String, ApsError> {
    let instance = call.instance()?;
    let def = profile_def()?;
    let row = call
        .app
        .store
        .resource(&instance.id, id)
        .await
        .map_err(internal)?
        .ok_or_else(|| ApsError::not_found(format!("profile {id} not found.")))?;
    let sealed = |b: &Resource| {
        let mut s = b.clone();
        sealing::seal(&def, &call.app.secrets, &mut s.props);
        s.to_value()
    };
    let versioned = format!("{}-{}", row.revision, job::fingerprint(&merged.to_value()));
    let key = job::key(&instance.id, id, Op::Configure, Some(&versioned));
    let mut new_job = job::job(&instance.id, id, "profile", Op::Configure, Some(&versioned));
    new_job.payload["old"] = sealed(current);
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
            id,
            ResourceStatus::Configuring,
            &sealed(merged),
        )
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    app.queue.notify_enqueued();
    Ok(key)
}

/// The configuration of a `setPreview` body: JSON, or a string holding JSON.
fn config_param(input: &OperationInput) -> Result<String, ApsError> {
    let cfg = input
        .body
        .as_ref()
        .and_then(|b| b.get("config"))
        .ok_or_else(|| {
            ApsError::bad_request("config (the advertisement configuration) is required.")
        })?;
    let text = match cfg {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    check_config_text(&text).map_err(ApsError::bad_request)?;
    Ok(text)
}

/// Dispatches the profile's advertisement operations; `None` when `name` is not one of them.
pub async fn operation(
    call: &Call,
    id: &str,
    name: &str,
    input: &OperationInput,
) -> Result<Option<Reply>, ApsError> {
    if !matches!(
        name,
        "setPreview" | "rollOutPreview" | "removePackageConfig" | "servedConfig"
    ) {
        return Ok(None);
    }
    let current = crate::model::profile::load(call, id).await?;
    let mut merged = current.clone();
    match name {
        "servedConfig" => {
            let user = user_param(input)?;
            return served_config(call, &user).await.map(Some);
        }
        "setPreview" => {
            let user = user_param(input)?;
            let cfg = config_param(input)?;
            let body = load_user(call, &user).await?;
            if body.link_id("profile") != Some(id) {
                return Err(ApsError::bad_request(format!(
                    "User {user} does not have this profile; a preview user must be one of its users."
                )));
            }
            let mut p = previews(&current);
            p.insert(user, cfg);
            set_previews(&mut merged, &p);
        }
        "rollOutPreview" => {
            let user = user_param(input)?;
            let mut p = previews(&current);
            let cfg = p.remove(&user).ok_or_else(|| {
                ApsError::bad_request(format!(
                    "User {user} has no preview configuration of this profile."
                ))
            })?;
            merged.props.insert("adConfig".into(), json!(cfg));
            set_previews(&mut merged, &p);
        }
        _ => {
            merged.props.remove("adConfig");
        }
    }
    if merged.props == current.props {
        return Ok(Some(Reply::Ok(json!({"changed": false}))));
    }
    let key = enqueue_change(call, id, &current, &merged).await?;
    Ok(Some(Reply::Ok(json!({"changed": true, "job": key}))))
}

/// Logs in to OX's UI API as the user and returns what `/ajax/advertisement?action=get`
/// serves: `{"config": <data>}`, or `{"config": null, "code": <OX error code>}`.
async fn served_config(call: &Call, user_id: &str) -> Result<Reply, ApsError> {
    let user = load_user(call, user_id).await?;
    let login = user.str_prop("login").unwrap_or_default();
    let password = user.str_prop("password").unwrap_or_default();
    let instance = call.instance()?;
    let api = client(&call.app, &instance.id, false)
        .await
        .map_err(|e| ApsError::bad_request(e.to_string()))?;
    let unavailable = |e: ox::ads::AdsError| ApsError::internal(format!("OX did not answer: {e}"));
    let parse = |t: &str| {
        serde_json::from_str::<Value>(t)
            .map_err(|e| ApsError::internal(format!("OX answered no JSON: {e}")))
    };
    let answer = parse(&api.ui_login(login, password).await.map_err(unavailable)?)?;
    let Some(session) = answer.get("session").and_then(Value::as_str) else {
        return Ok(Reply::Ok(
            json!({"config": null, "code": answer.get("code")}),
        ));
    };
    let got = parse(&api.ui_advertisement(session).await.map_err(unavailable)?)?;
    Ok(Reply::Ok(match got.get("data") {
        Some(data) if got.get("error").is_none() => json!({"config": data}),
        _ => json!({"config": null, "code": got.get("code")}),
    }))
}
