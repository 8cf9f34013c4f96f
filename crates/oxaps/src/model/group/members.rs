//! Group membership. Each member is one row of its own (service [`SERVICE`], id
//! `<group>/<user>`, parent the group) next to the group's row: a link notification inserts it, an
//! unlink deletes it, each together with the group's reconcile job in one transaction; the job
//! ([`sync`]) brings OX's member list in line with the rows.
//!
//! Why rows and not a list in the group's body: a list would be read, changed and written back,
//! and the group's own jobs write the whole body when they finish, so a notification arriving
//! while a job runs could be lost. An insert or a delete of one row cannot lose a concurrent one,
//! and jobs never write these rows. [`sync`] re-reads the rows on every pass and stops only after
//! a pass that found OX already matching them, so jobs running side by side, or in another order
//! than the notifications came, still converge on the latest membership.

use std::collections::BTreeSet;

use aps::Resource;
use ox::services::{Flavor, GroupService};
use ox::{Group as OxGroup, ObjectKind, OxError};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::ox_ops;
use super::tenant_objects::scope_unless_gone;
use crate::app::App;
use crate::model::job::{self, Op};
use crate::model::tenant::{OxScope, ox_failure};
use crate::model::{JobCx, linked_id};
use crate::store::{ResourceRow, ResourceStatus, Store, StoreError};

/// The service name of membership rows (not an APS service: no route serves it).
pub const SERVICE: &str = "groupmember";

/// Reconcile passes before a job gives up for now (and retries later).
const PASSES: usize = 5;

fn row_id(group: &str, user: &str) -> String {
    format!("{group}/{user}")
}

/// The stored row saying that `user` is a member of `group`.
fn membership(instance_id: &str, group: &str, user: &str) -> ResourceRow {
    ResourceRow {
        instance_id: instance_id.to_owned(),
        id: row_id(group, user),
        service: SERVICE.into(),
        type_id: None,
        status: ResourceStatus::Ready,
        body: json!({"group": group, "user": user}),
        revision: 1,
        parent_id: Some(group.to_owned()),
        natural_key: None,
    }
}

/// The APS ids of a group's members.
pub async fn member_ids(
    store: &Store,
    instance_id: &str,
    group_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(store
        .children(instance_id, group_id, Some(SERVICE))
        .await?
        .iter()
        .filter_map(|r| {
            r.body
                .get("user")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect())
}

/// A membership change could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A statement failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// The job could not be enqueued.
    #[error(transparent)]
    Queue(#[from] oxaps_jobs::Error),
}

/// Adds (`member`) or removes `user` in `group` (its stored row) and enqueues the group's job,
/// in one transaction. Returns whether anything changed (a repeated notification changes nothing).
pub(super) async fn edit(
    app: &App,
    group: &ResourceRow,
    user: &str,
    member: bool,
) -> Result<bool, EditError> {
    let (instance_id, group_id) = (group.instance_id.as_str(), group.id.as_str());
    let mut tx = app.store.pool().begin().await?;
    let changed = if member {
        Store::insert_resource(&mut tx, &membership(instance_id, group_id, user)).await?
    } else {
        Store::delete_resource(&mut tx, instance_id, &row_id(group_id, user)).await?
    };
    if !changed {
        return Ok(false);
    }
    let change = json!({"user": user, "member": member, "nonce": uuid::Uuid::new_v4().to_string()});
    let fingerprint = job::fingerprint(&change);
    let mut job = job::job(
        instance_id,
        group_id,
        "group",
        Op::Configure,
        Some(&fingerprint),
    );
    // The stored body as it is (sealed): the job sees no property change, only the members.
    job.payload["old"] = group.body.clone();
    app.queue.enqueue(&mut tx, job).await?;
    tx.commit().await?;
    app.queue.notify_enqueued();
    Ok(true)
}

/// Inserts the members a new group came with (links in its provision body) once, before the
/// group's first reconcile. Only users of the group's tenant that exist count.
pub(super) async fn seed(cx: &JobCx, body: &Resource) -> Result<(), JobError> {
    let Some(links) = body.props.get("members").and_then(Value::as_array) else {
        return Ok(());
    };
    let tenant = linked_id(body, "tenant").unwrap_or_default();
    let store = &cx.app.store;
    let mut conn = store.pool().acquire().await.map_err(JobError::transient)?;
    for user in links
        .iter()
        .filter_map(|l| l.pointer("/aps/id").and_then(Value::as_str))
    {
        let is_ours = store
            .resource(&cx.instance.id, user)
            .await
            .map_err(JobError::transient)?
            .is_some_and(|u| u.service == "user" && u.parent_id.as_deref() == Some(&tenant));
        if !is_ours {
            continue;
        }
        let row = membership(&cx.instance.id, &cx.resource_id, user);
        Store::insert_resource(&mut conn, &row)
            .await
            .map_err(JobError::transient)?;
    }
    Ok(())
}

/// Removes the membership rows of the job's group (it is being deleted).
pub(super) async fn forget(cx: &JobCx) -> Result<(), JobError> {
    let store = &cx.app.store;
    let rows = store
        .children(&cx.instance.id, &cx.resource_id, Some(SERVICE))
        .await
        .map_err(JobError::transient)?;
    let mut conn = store.pool().acquire().await.map_err(JobError::transient)?;
    for r in rows {
        Store::delete_resource(&mut conn, &cx.instance.id, &r.id)
            .await
            .map_err(JobError::transient)?;
    }
    Ok(())
}

/// Brings the OX group's members in line with the membership rows of the job's group. Only
/// members that are users of this tenant in oxaps are removed: others (added in OX directly)
/// are left alone.
pub(super) async fn sync<F: Flavor>(
    cx: &JobCx,
    groups: &GroupService<F>,
    scope: &OxScope,
    tenant: &str,
    group: i32,
) -> Result<(), JobError> {
    let (ctx, auth) = (&scope.ctx::<F>(), &scope.credentials);
    let reference = OxGroup::by_id(group);
    for _ in 0..PASSES {
        let ids = member_ids(&cx.app.store, &cx.instance.id, &cx.resource_id)
            .await
            .map_err(JobError::transient)?;
        let users = cx
            .app
            .store
            .children(&cx.instance.id, tenant, Some("user"))
            .await
            .map_err(JobError::transient)?;
        let ox_id = |r: &ResourceRow| {
            let id = r.body.get("oxUserId").and_then(Value::as_i64)?;
            i32::try_from(id).ok()
        };
        let known: BTreeSet<i32> = users.iter().filter_map(ox_id).collect();
        let wanted: BTreeSet<i32> = users
            .iter()
            .filter(|r| {
                ids.contains(&r.id)
                    && !matches!(
                        r.status,
                        ResourceStatus::Unprovisioning | ResourceStatus::Failed
                    )
            })
            .filter_map(ox_id)
            .collect();
        let actual: BTreeSet<i32> = groups
            .get_members(ctx, &reference, auth)
            .await
            .map_err(|e| ox_failure("reading the OX group's members", e))?
            .into_iter()
            .filter_map(|u| u.id)
            .collect();
        let add: Vec<i32> = wanted.difference(&actual).copied().collect();
        let remove: Vec<i32> = actual
            .intersection(&known)
            .filter(|id| !wanted.contains(id))
            .copied()
            .collect();
        if add.is_empty() && remove.is_empty() {
            return Ok(());
        }
        for id in add {
            match groups.add_member(ctx, &reference, &[id], auth).await {
                // Added meanwhile, or the user is gone: the next pass looks again.
                Ok(()) => {}
                Err(e) if e.is_already_exists() || is_missing_user(&e) => {}
                Err(e) => return Err(ox_failure("adding a member to the OX group", e)),
            }
        }
        for id in remove {
            match groups.remove_member(ctx, &reference, &[id], auth).await {
                Ok(()) => {}
                Err(e) if is_missing_user(&e) => {}
                Err(e) => return Err(ox_failure("removing a member from the OX group", e)),
            }
        }
    }
    Err(JobError::transient(
        "the group's members kept changing while they were applied; trying again",
    ))
}

fn is_missing_user(e: &OxError) -> bool {
    matches!(
        e,
        OxError::NotFound {
            what: ObjectKind::User | ObjectKind::Member,
            ..
        }
    )
}

/// Takes a user that is being unprovisioned out of every group of its tenant: out of the OX
/// groups at once, and out of the stored memberships (with a reconcile job per group). Call it
/// from the user's delete path before the OX user is deleted; a missing tenant or context is
/// fine. `user` is the user's stored body (its `tenant` link, `aps.id` and `oxUserId`).
pub async fn leave_groups(cx: &JobCx, user: &Resource) -> Result<(), JobError> {
    let Some(tenant) = linked_id(user, "tenant") else {
        return Ok(());
    };
    let user_id = user.id().unwrap_or(&cx.resource_id).to_owned();
    let store = &cx.app.store;
    let mut groups = Vec::new();
    for g in store
        .children(&cx.instance.id, &tenant, Some("group"))
        .await
        .map_err(JobError::transient)?
    {
        let membership = store
            .resource(&cx.instance.id, &row_id(&g.id, &user_id))
            .await
            .map_err(JobError::transient)?;
        if membership.is_some() {
            groups.push(g);
        }
    }
    if groups.is_empty() {
        return Ok(());
    }
    let ox_user = user
        .props
        .get("oxUserId")
        .and_then(Value::as_i64)
        .and_then(|id| i32::try_from(id).ok());
    // No tenant or context any more: no OX groups either.
    if let (Some(ox_user), Some(scope)) = (ox_user, scope_unless_gone(cx, &tenant).await?) {
        for g in &groups {
            let gid = g.body.get("oxGroupId").and_then(Value::as_i64);
            if let Some(gid) = gid.and_then(|id| i32::try_from(id).ok()) {
                ox_ops::remove_member(&scope, gid, ox_user).await?;
            }
        }
    }
    for g in &groups {
        edit(&cx.app, g, &user_id, false)
            .await
            .map_err(JobError::transient)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_rows_are_named_after_group_and_user() {
        assert_eq!(row_id("g-1", "u-2"), "g-1/u-2");
    }

    #[test]
    fn only_missing_users_are_skipped() {
        let fault = ox::Fault::new("No such user");
        assert!(is_missing_user(&OxError::NotFound {
            what: ObjectKind::User,
            fault: fault.clone()
        }));
        assert!(!is_missing_user(&OxError::NotFound {
            what: ObjectKind::Group,
            fault: fault.clone()
        }));
        assert!(!is_missing_user(&OxError::InvalidData(fault)));
    }
}
