//! `reconcile`: compares each tenant's stored users, groups and resources with what OX holds in
//! its context.
//!
//! - A user oxaps knows that OX lacks (deleted behind oxaps's back) is repaired: its model's
//!   create-or-adopt runs again ([`crate::cron::repair`], keyed per slot).
//! - A user whose OX access combination differs from its profile's is repaired the same way
//!   (create-or-adopt re-applies the rights). The combinations are read CONCURRENCY users at a
//!   time.
//! - An OX object oxaps does not know (created in OX directly) is reported, never deleted: one
//!   notification per object (its key names it, so later runs do not repeat it).
//!
//! The store is read before OX, and read again before an object is reported as unknown, so an
//! object provisioned during the run is no finding.

use std::collections::{HashMap, HashSet};

use futures::StreamExt;
use ox::User;
use ox::services::{Flavor, GroupService, ResourceService, UserService};
use oxaps_jobs::JobError;
use serde_json::Value;

use super::usage_sync::CONCURRENCY;
use super::{Outcome, TaskCx, account_of};
use crate::cron::repair;
use crate::jobs::notify::Notice;
use crate::model::tenant::{OxScope, ox_failure, ox_scope};
use crate::ox_link::OxMode;
use crate::store::{ResourceRow, ResourceStatus};

/// What OX holds in one context: users (name → id, access combination per id), groups and
/// resources (name → id).
#[derive(Debug, Default)]
struct OxView {
    users: HashMap<String, i32>,
    groups: HashMap<String, i32>,
    resources: HashMap<String, i32>,
}

async fn users_in<F: Flavor>(
    svc: &UserService<F>,
    scope: &OxScope,
) -> Result<HashMap<String, i32>, JobError> {
    let ctx = scope.ctx::<F>();
    let ids = svc
        .list_all(&ctx, &scope.credentials)
        .await
        .map_err(|e| ox_failure("listing the OX users", e))?;
    let refs: Vec<User> = ids.iter().filter_map(|u| u.id).map(User::by_id).collect();
    if refs.is_empty() {
        return Ok(HashMap::new());
    }
    let users = svc
        .get_multiple_data(&ctx, &refs, &scope.credentials)
        .await
        .map_err(|e| ox_failure("reading the OX users", e))?;
    Ok(users
        .into_iter()
        .filter(|u| u.context_admin != Some(true))
        .filter_map(|u| Some((u.name?.to_ascii_lowercase(), u.id?)))
        .collect())
}

async fn access_of<F: Flavor>(
    svc: &UserService<F>,
    scope: &OxScope,
    id: i32,
) -> Result<Option<String>, JobError> {
    svc.get_access_combination_name(&scope.ctx::<F>(), &User::by_id(id), &scope.credentials)
        .await
        .map_err(|e| ox_failure("reading an OX user's access combination", e))
}

async fn groups_in<F: Flavor>(
    svc: &GroupService<F>,
    scope: &OxScope,
) -> Result<HashMap<String, i32>, JobError> {
    let groups = svc
        .list_all(&scope.ctx::<F>(), &scope.credentials)
        .await
        .map_err(|e| ox_failure("listing the OX groups", e))?;
    // Group 1 ("users") is OX's own.
    Ok(groups
        .into_iter()
        .filter(|g| g.id != Some(1))
        .filter_map(|g| Some((g.name?.to_ascii_lowercase(), g.id?)))
        .collect())
}

async fn resources_in<F: Flavor>(
    svc: &ResourceService<F>,
    scope: &OxScope,
) -> Result<HashMap<String, i32>, JobError> {
    let resources = svc
        .list_all(&scope.ctx::<F>(), &scope.credentials)
        .await
        .map_err(|e| ox_failure("listing the OX resources", e))?;
    Ok(resources
        .into_iter()
        .filter_map(|r| Some((r.name?.to_ascii_lowercase(), r.id?)))
        .collect())
}

async fn view(scope: &OxScope) -> Result<OxView, JobError> {
    Ok(match scope.mode {
        OxMode::OnPremise => OxView {
            users: users_in(&scope.ox.users(), scope).await?,
            groups: groups_in(&scope.ox.groups(), scope).await?,
            resources: resources_in(&scope.ox.resources(), scope).await?,
        },
        OxMode::Cloud => OxView {
            users: users_in(&scope.ox.reseller_users(), scope).await?,
            groups: groups_in(&scope.ox.reseller_groups(), scope).await?,
            resources: resources_in(&scope.ox.reseller_resources(), scope).await?,
        },
    })
}

/// Runs the task.
pub async fn run(cx: &TaskCx) -> Result<Outcome, JobError> {
    let tenants: Vec<ResourceRow> = cx
        .rows("tenant")
        .await?
        .into_iter()
        .filter(|t| t.status == ResourceStatus::Ready)
        .filter(|t| t.body.get("contextId").and_then(Value::as_i64).is_some())
        .collect();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for tenant in &tenants {
        match reconcile_tenant(cx, tenant, &mut lines).await {
            Ok(()) => {}
            Err(e) => problems.push(format!("tenant {}: {e}", tenant.id)),
        }
    }
    let findings = lines.len();
    let mut report = format!("{} tenants checked, {findings} findings", tenants.len());
    for line in &lines {
        report.push('\n');
        report.push_str(line);
    }
    if findings > 0 && problems.is_empty() {
        return Ok(Outcome::findings(
            report,
            format!("{findings} differences between oxaps and OX"),
        ));
    }
    Ok(Outcome::with_problems(report, &problems))
}

/// The profile's access combination, by profile id (cached per run).
async fn combination(
    cx: &TaskCx,
    cache: &mut HashMap<String, Option<String>>,
    profile: &str,
) -> Result<Option<String>, JobError> {
    if let Some(c) = cache.get(profile) {
        return Ok(c.clone());
    }
    let c = cx
        .app
        .store
        .resource(&cx.instance.id, profile)
        .await
        .map_err(JobError::transient)?
        .and_then(|p| {
            p.body
                .get("accessCombination")
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
    cache.insert(profile.to_owned(), c.clone());
    Ok(c)
}

/// The names the store knows in a tenant: users (logins), groups and resources, lowercase.
#[derive(Debug, Default)]
struct Known {
    users: HashSet<String>,
    groups: HashSet<String>,
    resources: HashSet<String>,
}

fn name_of(row: &ResourceRow, prop: &str) -> Option<String> {
    row.body
        .get(prop)
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
}

fn known(children: &[ResourceRow]) -> Known {
    let mut k = Known::default();
    for row in children {
        match row.service.as_str() {
            "user" => k.users.extend(name_of(row, "login")),
            "group" => k.groups.extend(name_of(row, "name")),
            "resource" => k.resources.extend(name_of(row, "name")),
            _ => {}
        }
    }
    k
}

async fn children_of(cx: &TaskCx, tenant: &ResourceRow) -> Result<Vec<ResourceRow>, JobError> {
    cx.app
        .store
        .children(&cx.instance.id, &tenant.id, None)
        .await
        .map_err(JobError::transient)
}

/// A user's OX access combination, through the flavour of the scope.
async fn access(scope: &OxScope, id: i32) -> Result<Option<String>, JobError> {
    match scope.mode {
        OxMode::OnPremise => access_of(&scope.ox.users(), scope, id).await,
        OxMode::Cloud => access_of(&scope.ox.reseller_users(), scope, id).await,
    }
}

async fn reconcile_tenant(
    cx: &TaskCx,
    tenant: &ResourceRow,
    lines: &mut Vec<String>,
) -> Result<(), JobError> {
    let jcx = cx.job_cx(&tenant.id, "tenant");
    let scope = ox_scope(&jcx, &tenant.id).await?;
    // The store before OX: what OX lacks was then known before OX was read (a removal in between
    // leaves the row not `ready`, and the repair skips it).
    let children = children_of(cx, tenant).await?;
    let ox = view(&scope).await?;
    let mut profiles = HashMap::new();
    let mut to_check = Vec::new();
    for (at, row) in children
        .iter()
        .enumerate()
        .filter(|(_, r)| r.service == "user")
    {
        let Some(login) = name_of(row, "login") else {
            continue;
        };
        if row.status != ResourceStatus::Ready {
            continue;
        }
        match ox.users.get(&login) {
            None => {
                repair::enqueue(cx, row).await?;
                lines.push(format!(
                    "user {login}: missing in OX, re-created (repair queued)"
                ));
            }
            Some(id) if row.body.get("status").and_then(Value::as_str) != Some("disabled") => {
                let profile = row
                    .body
                    .pointer("/profile/aps/id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if let Some(wanted) = combination(cx, &mut profiles, profile).await? {
                    to_check.push((at, login, *id, wanted));
                }
            }
            Some(_) => {}
        }
    }
    // The access combinations, CONCURRENCY calls at a time.
    let scope_ref = &scope;
    let mut checked: Vec<_> = futures::stream::iter(to_check)
        .map(|(at, login, id, wanted)| async move {
            let actual = access(scope_ref, id).await;
            (at, login, wanted, actual)
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    checked.sort_by(|a, b| a.1.cmp(&b.1));
    for (at, login, wanted, actual) in checked {
        if let Some(actual) = actual?
            && actual != wanted
        {
            repair::enqueue(cx, &children[at]).await?;
            lines.push(format!(
                "user {login}: OX access {actual}, profile says {wanted}; re-applied (repair queued)"
            ));
        }
    }
    report_unknown(cx, tenant, &scope, &ox, &known(&children), lines).await
}

/// Reports the OX objects the store does not know, after reading the store again (an object
/// provisioned while OX was read is known by then).
async fn report_unknown(
    cx: &TaskCx,
    tenant: &ResourceRow,
    scope: &OxScope,
    ox: &OxView,
    first: &Known,
    lines: &mut Vec<String>,
) -> Result<(), JobError> {
    let admin = tenant
        .body
        .get("adminLogin")
        .and_then(Value::as_str)
        .unwrap_or("oxadmin")
        .to_ascii_lowercase();
    let unknown_in = |in_ox: &HashMap<String, i32>, known: &HashSet<String>, kind: &str| {
        let mut names: Vec<String> = in_ox
            .keys()
            .filter(|n| !known.contains(*n) && (kind != "user" || **n != admin))
            .cloned()
            .collect();
        names.sort();
        names
    };
    let candidates = [
        ("user", unknown_in(&ox.users, &first.users, "user")),
        ("group", unknown_in(&ox.groups, &first.groups, "group")),
        (
            "resource",
            unknown_in(&ox.resources, &first.resources, "resource"),
        ),
    ];
    if candidates.iter().all(|(_, names)| names.is_empty()) {
        return Ok(());
    }
    let now = known(&children_of(cx, tenant).await?);
    for (kind, names) in candidates {
        let known_now = match kind {
            "user" => &now.users,
            "group" => &now.groups,
            _ => &now.resources,
        };
        for name in names.into_iter().filter(|n| !known_now.contains(n)) {
            lines.push(format!(
                "{kind} {name}: in OX context {} but not managed by oxaps; left alone",
                scope.context_id
            ));
            let mut notice = Notice::needs_attention(
                "OX __kind__ __name__ exists in the OX context but not in the control panel; it was left alone",
            )
            .key("kind", kind)
            .key("name", name.clone())
            .about(tenant.id.clone());
            if let Some(account) = account_of(&tenant.body) {
                notice = notice.to_account(account);
            }
            cx.notify(
                &format!("reconcile/{}/unknown-{kind}/{name}", tenant.id),
                &notice,
            )
            .await?;
        }
    }
    Ok(())
}
