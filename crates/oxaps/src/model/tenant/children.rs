//! A tenant's children: removed before its context, counted for `retrieve`.

use std::collections::BTreeMap;

use aps::{ApsError, Resource};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use crate::model::JobCx;
use crate::services::{Call, internal};
use crate::store::Store;

/// Removes every child (its OX objects and DNS records through its model), then its row.
pub(super) async fn delete_all(cx: &JobCx) -> Result<(), JobError> {
    for child in cx
        .app
        .store
        .children(&cx.instance.id, &cx.resource_id, None)
        .await
        .map_err(JobError::transient)?
    {
        let Some(model) = cx.app.services.model(&child.service).cloned() else {
            continue;
        };
        let child_cx = JobCx {
            app: cx.app.clone(),
            instance: cx.instance.clone(),
            resource_id: child.id.clone(),
            def: model.type_def().clone(),
        };
        if let Some((_, child_body)) = child_cx.resource(&child.id, model.type_def()).await? {
            model.delete(&child_cx, &child_body).await?;
        }
        let mut conn = cx
            .app
            .store
            .pool()
            .acquire()
            .await
            .map_err(JobError::transient)?;
        Store::delete_resource(&mut conn, &cx.instance.id, &child.id)
            .await
            .map_err(JobError::transient)?;
    }
    Ok(())
}

/// Sets the `users` counter and `usersByProfile` from the stored users.
pub(super) async fn count_users(call: &Call, mut body: Resource) -> Result<Resource, ApsError> {
    let instance = call.instance()?;
    let id = body.id().unwrap_or_default().to_owned();
    let users = call
        .app
        .store
        .children(&instance.id, &id, Some("user"))
        .await
        .map_err(internal)?;
    let mut counter = body
        .props
        .get("users")
        .cloned()
        .unwrap_or_else(|| json!({}));
    counter["usage"] = json!(users.len());
    body.props.insert("users".into(), counter);
    let mut by_profile = BTreeMap::<String, u64>::new();
    for u in &users {
        if let Some(p) = u.body.pointer("/profile/aps/id").and_then(Value::as_str) {
            *by_profile.entry(p.to_owned()).or_default() += 1;
        }
    }
    let list: Vec<Value> = by_profile
        .into_iter()
        .map(|(profile, users)| json!({"profile": profile, "users": users}))
        .collect();
    body.props.insert("usersByProfile".into(), json!(list));
    Ok(body)
}
