//! A tenant's children: removed before its context, counted for `retrieve`.

use aps::{ApsError, Resource};
use oxaps_jobs::JobError;
use serde_json::json;

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

/// Sets the `users` counter from one indexed count of the stored users (no OX call, no user
/// bodies read: a tenant with thousands of users answers in about a millisecond). The storage
/// counters and `usersByProfile` are the ones the `usage-sync` periodic task stored.
pub(super) async fn count_users(call: &Call, mut body: Resource) -> Result<Resource, ApsError> {
    let instance = call.instance()?;
    let id = body.id().unwrap_or_default().to_owned();
    let users: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM resources WHERE instance_id = $1 AND parent_id = $2 AND service = $3",
    )
    .bind(&instance.id)
    .bind(&id)
    .bind("user")
    .fetch_one(call.app.store.pool())
    .await
    .map_err(internal)?;
    let mut counter = body
        .props
        .get("users")
        .cloned()
        .unwrap_or_else(|| json!({}));
    counter["usage"] = json!(users);
    body.props.insert("users".into(), counter);
    Ok(body)
}
