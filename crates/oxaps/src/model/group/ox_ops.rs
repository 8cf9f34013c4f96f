//! The OX group calls, written once for OXGroupService (on-premise, context admin) and
//! OXResellerGroupService (OX Cloud, the brand's subadmin).

use aps::Resource;
use ox::services::{Flavor, GroupService};
use ox::{Credentials, Group as OxGroup};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::members;
use super::tenant_objects::owner_of;
use crate::model::tenant::{OxScope, ox_failure};
use crate::model::{JobCx, linked_id};
use crate::ox_link::OxMode;

/// Evaluates `$call` with `$svc` bound to the group service of the scope's OX mode.
macro_rules! with_groups {
    ($scope:expr, $svc:ident, $call:expr) => {
        match $scope.mode {
            OxMode::OnPremise => {
                let $svc = &$scope.ox.groups();
                $call
            }
            OxMode::Cloud => {
                let $svc = &$scope.ox.reseller_groups();
                $call
            }
        }
    };
}

/// The OX group id stored in a body.
pub fn ox_id(body: &Resource) -> Option<i32> {
    body.props
        .get("oxGroupId")
        .and_then(Value::as_i64)
        .and_then(|id| i32::try_from(id).ok())
}

/// The OX group a body asks for (the display name defaults to the name).
pub fn wanted(body: &Resource) -> OxGroup {
    let name = body.str_prop("name").unwrap_or_default().to_owned();
    OxGroup {
        displayname: Some(body.str_prop("displayName").unwrap_or(&name).to_owned()),
        name: Some(name),
        ..Default::default()
    }
}

async fn find<F: Flavor>(
    groups: &GroupService<F>,
    scope: &OxScope,
    name: &str,
) -> Result<Option<OxGroup>, JobError> {
    let by_name = OxGroup::by_name(name);
    match groups
        .get_data(&scope.ctx::<F>(), &by_name, &scope.credentials)
        .await
    {
        Ok(g) => Ok(Some(g)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(ox_failure("looking up the OX group", e)),
    }
}

/// Makes OX hold the group: adopts the one with its name (created by an earlier attempt) unless
/// another group resource holds it, creates it otherwise; checkpoints the id. The first creation
/// also stores the members the provision body came with. Returns the OX id.
pub async fn ensure(cx: &JobCx, scope: &OxScope, body: &mut Resource) -> Result<i32, JobError> {
    if let Some(id) = ox_id(body) {
        return Ok(id);
    }
    let want = wanted(body);
    let got = with_groups!(scope, svc, create_or_adopt(svc, scope, &want).await)?;
    let id = got
        .id
        .ok_or_else(|| JobError::transient("OX returned a group without id"))?;
    let tenant = linked_id(body, "tenant").unwrap_or_default();
    if let Some(owner) = owner_of(cx, &tenant, "group", "oxGroupId", id).await? {
        return Err(JobError::permanent(format!(
            "the OX group {:?} belongs to group resource {owner}",
            want.name.unwrap_or_default()
        )));
    }
    members::seed(cx, body).await?;
    body.props.insert("oxGroupId".into(), json!(id));
    cx.checkpoint(body).await?;
    if got.displayname != want.displayname {
        let change = OxGroup {
            id: Some(id),
            displayname: want.displayname,
            ..Default::default()
        };
        with_groups!(scope, svc, change_in(svc, scope, &change).await)?;
    }
    Ok(id)
}

async fn create_or_adopt<F: Flavor>(
    groups: &GroupService<F>,
    scope: &OxScope,
    wanted: &OxGroup,
) -> Result<OxGroup, JobError> {
    let name = wanted.name.clone().unwrap_or_default();
    if let Some(found) = find(groups, scope, &name).await? {
        return Ok(found);
    }
    match groups
        .create(&scope.ctx::<F>(), wanted, &scope.credentials)
        .await
    {
        Ok(created) => Ok(created),
        Err(e) if e.is_already_exists() => find(groups, scope, &name)
            .await?
            .ok_or_else(|| JobError::permanent(format!("creating the OX group: {e}"))),
        Err(e) => Err(ox_failure("creating the OX group", e)),
    }
}

async fn change_in<F: Flavor>(
    groups: &GroupService<F>,
    scope: &OxScope,
    change: &OxGroup,
) -> Result<(), JobError> {
    groups
        .change(&scope.ctx::<F>(), change, &scope.credentials)
        .await
        .map_err(|e| ox_failure("changing the OX group", e))
}

/// Applies a rename or a new display name.
pub async fn rename(
    scope: &OxScope,
    id: i32,
    old: &Resource,
    new: &Resource,
) -> Result<(), JobError> {
    let renamed = old.str_prop("name") != new.str_prop("name");
    if !renamed && old.str_prop("displayName") == new.str_prop("displayName") {
        return Ok(());
    }
    let want = wanted(new);
    let change = OxGroup {
        id: Some(id),
        name: want.name.filter(|_| renamed),
        displayname: want.displayname,
        ..Default::default()
    };
    with_groups!(scope, svc, change_in(svc, scope, &change).await)
}

/// Brings the OX group's members in line with the stored memberships of the job's group.
pub async fn sync_members(
    cx: &JobCx,
    scope: &OxScope,
    tenant: &str,
    id: i32,
) -> Result<(), JobError> {
    with_groups!(scope, svc, members::sync(cx, svc, scope, tenant, id).await)
}

/// Deletes the OX group; one already gone is fine.
pub async fn delete(scope: &OxScope, id: i32) -> Result<(), JobError> {
    with_groups!(scope, svc, delete_in(svc, scope, id).await)
}

async fn delete_in<F: Flavor>(
    groups: &GroupService<F>,
    scope: &OxScope,
    id: i32,
) -> Result<(), JobError> {
    match groups
        .delete(&scope.ctx::<F>(), &OxGroup::by_id(id), &scope.credentials)
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(ox_failure("deleting the OX group", e)),
    }
}

/// Takes OX user `user` out of OX group `group`; a user or group already gone is fine.
pub async fn remove_member(scope: &OxScope, group: i32, user: i32) -> Result<(), JobError> {
    with_groups!(scope, svc, remove_in(svc, scope, group, user).await)
}

async fn remove_in<F: Flavor>(
    groups: &GroupService<F>,
    scope: &OxScope,
    group: i32,
    user: i32,
) -> Result<(), JobError> {
    let auth: &Credentials = &scope.credentials;
    match groups
        .remove_member(&scope.ctx::<F>(), &OxGroup::by_id(group), &[user], auth)
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(ox_failure("removing the user from its OX group", e)),
    }
}
