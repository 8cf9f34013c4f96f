//! `usage-sync`: reads each tenant's usage from OX — every user's `usedQuota` (mail storage, MB)
//! with two calls per context (`listAll`, then `getMultipleData`), and the context's `usedQuota`
//! (file storage, MB) — writes the counters into the stored users and tenants, and pushes the
//! changed ones to the controller (a failed push is retried by the next run: the body keeps what
//! was last pushed, `_oxapsPushedUsage`). `retrieve` then answers from the store.
//!
//! Tenants are synchronised 8 at a time.

use std::collections::{BTreeMap, HashMap};

use futures::StreamExt;
use ox::services::{Flavor, UserService};
use ox::{Context, ResellerContext, User};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::{Outcome, TaskCx};
use crate::model::tenant::{OxScope, ox_failure, ox_scope};
use crate::ox_link::OxMode;
use crate::store::ResourceRow;

/// Tenants synchronised at once.
pub const CONCURRENCY: usize = 8;

/// What one tenant's sync did.
#[derive(Debug, Default)]
struct Synced {
    users: usize,
    pushed: usize,
}

/// Runs the task.
pub async fn run(cx: &TaskCx) -> Result<Outcome, JobError> {
    let tenants: Vec<ResourceRow> = cx
        .rows("tenant")
        .await?
        .into_iter()
        .filter(|t| t.body.get("contextId").and_then(Value::as_i64).is_some())
        .collect();
    let count = tenants.len();
    let results: Vec<(String, Result<Synced, JobError>)> = futures::stream::iter(tenants)
        .map(|t| async move {
            let id = t.id.clone();
            (id, sync_tenant(cx, t).await)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut problems = Vec::new();
    let (mut users, mut pushed) = (0, 0);
    for (tenant, r) in results {
        match r {
            Ok(s) => {
                users += s.users;
                pushed += s.pushed;
            }
            Err(e) => problems.push(format!("tenant {tenant}: {e}")),
        }
    }
    let report =
        format!("{count} tenants, {users} users read from OX; {pushed} changed counters pushed");
    Ok(Outcome::with_problems(report, &problems))
}

/// The `usage` of a counter property (0 when absent).
fn usage(body: &Value, prop: &str) -> i64 {
    body.get(prop)
        .and_then(|c| c.get("usage"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Sets a counter's usage; returns whether it changed (an absent counter reads as 0).
fn set_usage(body: &mut Value, prop: &str, value: i64) -> bool {
    if body.get(prop).is_some() && usage(body, prop) == value {
        return false;
    }
    let changed = usage(body, prop) != value;
    let mut counter = body.get(prop).cloned().unwrap_or_else(|| json!({}));
    counter["usage"] = json!(value);
    body[prop] = counter;
    changed
}

/// Every user's usage in the context, by OX user id.
async fn user_usage<F: Flavor>(
    svc: &UserService<F>,
    scope: &OxScope,
) -> Result<HashMap<i64, i64>, JobError> {
    let ctx = scope.ctx::<F>();
    let ids = svc
        .list_all(&ctx, &scope.credentials)
        .await
        .map_err(|e| ox_failure("listing the OX users", e))?;
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let refs: Vec<User> = ids.iter().filter_map(|u| u.id).map(User::by_id).collect();
    let users = svc
        .get_multiple_data(&ctx, &refs, &scope.credentials)
        .await
        .map_err(|e| ox_failure("reading the OX users", e))?;
    Ok(users
        .into_iter()
        .filter_map(|u| Some((i64::from(u.id?), u.used_quota.unwrap_or(0).max(0))))
        .collect())
}

/// The context's file storage usage (MB): the master admin reads it on-premise, the brand's
/// subadmin in OX Cloud.
async fn context_usage(cx: &TaskCx, tenant_id: &str, scope: &OxScope) -> Result<i64, JobError> {
    let used = match scope.mode {
        OxMode::OnPremise => {
            let (_, settings) = cx.job_cx(tenant_id, "tenant").ox().await?;
            scope
                .ox
                .contexts()
                .get_data(&Context::with_id(scope.context_id), &settings.master)
                .await
                .map_err(|e| ox_failure("reading the OX context", e))?
                .used_quota
        }
        OxMode::Cloud => {
            scope
                .ox
                .reseller_contexts()
                .get_data(
                    &ResellerContext::with_id(scope.context_id),
                    &scope.credentials,
                )
                .await
                .map_err(|e| ox_failure("reading the OX context", e))?
                .used_quota
        }
    };
    Ok(used.unwrap_or(0).max(0))
}

async fn sync_tenant(cx: &TaskCx, tenant: ResourceRow) -> Result<Synced, JobError> {
    let jcx = cx.job_cx(&tenant.id, "tenant");
    let scope = ox_scope(&jcx, &tenant.id).await?;
    let by_user = match scope.mode {
        OxMode::OnPremise => user_usage(&scope.ox.users(), &scope).await?,
        OxMode::Cloud => user_usage(&scope.ox.reseller_users(), &scope).await?,
    };
    let files = context_usage(cx, &tenant.id, &scope).await?;
    let users = cx
        .app
        .store
        .children(&cx.instance.id, &tenant.id, Some("user"))
        .await
        .map_err(JobError::transient)?;
    let mut synced = Synced {
        users: users.len(),
        pushed: 0,
    };
    let mut mailbox = 0;
    let mut by_profile = BTreeMap::<String, u64>::new();
    for user in &users {
        if let Some(p) = user.body.pointer("/profile/aps/id").and_then(Value::as_str) {
            *by_profile.entry(p.to_owned()).or_default() += 1;
        }
        let Some(ox_id) = user.body.get("oxUserId").and_then(Value::as_i64) else {
            continue;
        };
        let used = by_user.get(&ox_id).copied().unwrap_or(0);
        mailbox += used;
        let change = |b: &mut Value| set_usage(b, "mailStorageMb", used);
        if store_and_push(cx, user, &["mailStorageMb"], change).await? {
            synced.pushed += 1;
        }
    }
    let list: Vec<Value> = by_profile
        .into_iter()
        .map(|(profile, users)| json!({"profile": profile, "users": users}))
        .collect();
    let count = users.len() as i64;
    let list = json!(list);
    let change = |body: &mut Value| {
        let mut changed = set_usage(body, "users", count);
        changed |= set_usage(body, "mailboxStorageMb", mailbox);
        changed |= set_usage(body, "fileStorageMb", files);
        if body.get("usersByProfile") != Some(&list) {
            body["usersByProfile"] = list.clone();
            changed = true;
        }
        changed
    };
    let props = [
        "users",
        "mailboxStorageMb",
        "fileStorageMb",
        "usersByProfile",
    ];
    if store_and_push(cx, &tenant, &props, change).await? {
        synced.pushed += 1;
    }
    Ok(synced)
}

/// Where the properties last pushed to the controller are kept on the stored body.
const PUSHED: &str = "_oxapsPushedUsage";

/// The `props` of `body`, as pushed.
fn pushed_props(body: &Value, props: &[&str]) -> Value {
    Value::Object(
        props
            .iter()
            .map(|p| {
                (
                    (*p).to_owned(),
                    body.get(*p).cloned().unwrap_or(Value::Null),
                )
            })
            .collect(),
    )
}

/// Applies `change` to the resource's CURRENT stored body, then pushes `props` to the controller
/// when they differ from what was last pushed successfully ([`PUSHED`], recorded after the push):
/// a failed push is retried by the next run even when the figures did not change again.
/// Returns whether it pushed.
async fn store_and_push(
    cx: &TaskCx,
    row: &ResourceRow,
    props: &[&str],
    change: impl FnMut(&mut Value) -> bool,
) -> Result<bool, JobError> {
    let written = cx.update_body(&row.id, change).await?;
    let body = written.as_ref().unwrap_or(&row.body);
    let pushed = pushed_props(body, props);
    if body.get(PUSHED) == Some(&pushed) || !cx.push(&row.service, &row.id, &pushed).await {
        return Ok(false);
    }
    cx.update_body(&row.id, |b| {
        if b.get(PUSHED) == Some(&pushed) {
            return false;
        }
        b[PUSHED] = pushed.clone();
        true
    })
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_change_only_when_the_figure_does() {
        let mut b = json!({"mailStorageMb": {"usage": 5, "limit": 10}});
        assert!(!set_usage(&mut b, "mailStorageMb", 5));
        assert!(set_usage(&mut b, "mailStorageMb", 7));
        assert_eq!(b["mailStorageMb"], json!({"usage": 7, "limit": 10}));
        let mut empty = json!({});
        assert!(!set_usage(&mut empty, "fileStorageMb", 0));
        assert_eq!(empty["fileStorageMb"]["usage"], 0);
        assert!(set_usage(&mut empty, "users", 3));
    }
}
