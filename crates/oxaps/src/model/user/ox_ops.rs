//! The OX user calls, written once for OXUserService (on-premise, context admin) and
//! OXResellerUserService (OX Cloud, the brand's subadmin), and the plan a profile gives a user.

use ox::services::{Flavor, UserService};
use ox::{SoapStringMapMap, User};
use oxaps_jobs::JobError;
use serde_json::Value;

use crate::model::JobCx;
use crate::model::tenant::{OxScope, ox_failure};
use crate::ox_link::OxMode;

/// What a profile gives a user in OX.
pub(super) struct Plan {
    pub combination: String,
    pub mail_quota_mb: i64,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

pub(super) async fn plan_of(cx: &JobCx, profile_id: &str) -> Result<Plan, JobError> {
    let def =
        crate::types::of("profile").ok_or_else(|| JobError::permanent("profile type missing"))?;
    let (_, p) = cx
        .resource(profile_id, &def)
        .await?
        .ok_or_else(|| JobError::permanent(format!("profile {profile_id} does not exist")))?;
    let list = |k: &str| {
        p.props
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(Plan {
        combination: p
            .str_prop("accessCombination")
            .unwrap_or("webmail")
            .to_owned(),
        mail_quota_mb: p
            .props
            .get("mailQuotaMb")
            .and_then(Value::as_i64)
            .filter(|q| *q > 0)
            .unwrap_or(-1),
        add: list("capabilitiesAdd"),
        remove: list("capabilitiesRemove"),
    })
}

/// Adopts the OX user with `user`'s login, or creates it with the plan's access combination;
/// returns its id.
pub(super) async fn find_or_create(
    scope: &OxScope,
    user: &User,
    plan: &Plan,
) -> Result<i32, JobError> {
    match scope.mode {
        OxMode::OnPremise => find_or_create_in(&scope.ox.users(), scope, user, plan).await,
        OxMode::Cloud => find_or_create_in(&scope.ox.reseller_users(), scope, user, plan).await,
    }
}

async fn find_or_create_in<F: Flavor>(
    users: &UserService<F>,
    scope: &OxScope,
    user: &User,
    plan: &Plan,
) -> Result<i32, JobError> {
    let ctx = scope.ctx::<F>();
    let auth = &scope.credentials;
    let by_name = User::by_name(user.name.clone().unwrap_or_default());
    match users.get_data(&ctx, &by_name, auth).await {
        Ok(found) => {
            if let Some(id) = found.id {
                return Ok(id);
            }
        }
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(ox_failure("looking up the OX user", e)),
    }
    match users
        .create_by_module_access_name(&ctx, user, &plan.combination, auth)
        .await
    {
        Ok(created) => created
            .id
            .ok_or_else(|| JobError::transient("OX created the user but returned no id")),
        Err(e) if e.is_already_exists() => users
            .get_data(&ctx, &by_name, auth)
            .await
            .map_err(|e| ox_failure("adopting the OX user", e))?
            .id
            .ok_or_else(|| JobError::permanent("OX user without id")),
        Err(e) => Err(ox_failure("creating the OX user", e)),
    }
}

/// Applies status and plan to an existing OX user: rights, quota, mail on/off, capabilities.
pub(super) async fn apply_rights(
    scope: &OxScope,
    user_id: i32,
    plan: &Plan,
    enabled: bool,
) -> Result<(), JobError> {
    match scope.mode {
        OxMode::OnPremise => {
            rights_in(&scope.ox.users(), scope, user_id, plan, enabled).await?;
            if plan.add.is_empty() && plan.remove.is_empty() {
                return Ok(());
            }
            scope
                .ox
                .users()
                .change_capabilities(
                    &scope.context(),
                    &User::by_id(user_id),
                    &plan.add.join(","),
                    &plan.remove.join(","),
                    "",
                    &scope.credentials,
                )
                .await
                .map_err(|e| ox_failure("changing the OX user's capabilities", e))
        }
        OxMode::Cloud => {
            let users = scope.ox.reseller_users();
            rights_in(&users, scope, user_id, plan, enabled).await?;
            // OXResellerUserService has no changeCapabilities: the same setting as a user-level
            // config-cascade attribute (`config/com.openexchange.capability.<name>`).
            let Some(attributes) = capability_attributes(plan) else {
                return Ok(());
            };
            let change = User {
                id: Some(user_id),
                user_attributes: Some(attributes),
                ..Default::default()
            };
            users
                .change(&scope.reseller_context(), &change, &scope.credentials)
                .await
                .map_err(|e| ox_failure("changing the OX user's capabilities", e))
        }
    }
}

fn capability_attributes(plan: &Plan) -> Option<SoapStringMapMap> {
    let mut map = SoapStringMapMap::default();
    let set = |map: &mut SoapStringMapMap, cap: &str, on: bool| {
        let name = cap.trim().to_ascii_lowercase();
        if !name.is_empty() {
            map.set(
                "config",
                format!("com.openexchange.capability.{name}"),
                on.to_string(),
            );
        }
    };
    for cap in &plan.add {
        set(&mut map, cap, true);
    }
    for cap in &plan.remove {
        set(&mut map, cap, false);
    }
    (!map.entries.is_empty()).then_some(map)
}

async fn rights_in<F: Flavor>(
    users: &UserService<F>,
    scope: &OxScope,
    user_id: i32,
    plan: &Plan,
    enabled: bool,
) -> Result<(), JobError> {
    let ctx = scope.ctx::<F>();
    let auth = &scope.credentials;
    let reference = User::by_id(user_id);
    if enabled {
        users
            .change_by_module_access_name(&ctx, &reference, &plan.combination, auth)
            .await
            .map_err(|e| ox_failure("setting the OX access combination", e))?;
    } else {
        // Disabled: no portal login and no mail, data kept.
        let mut access = ox::access::by_name(&plan.combination).unwrap_or_default();
        access.denied_portal = true;
        users
            .change_by_module_access(&ctx, &reference, &access, auth)
            .await
            .map_err(|e| ox_failure("disabling the OX user", e))?;
    }
    let change = User {
        id: Some(user_id),
        max_quota: Some(plan.mail_quota_mb),
        mail_enabled: Some(enabled),
        ..Default::default()
    };
    users
        .change(&ctx, &change, auth)
        .await
        .map_err(|e| ox_failure("changing the OX user", e))
}

/// Changes the user's data (names, password, language, time zone).
pub(super) async fn change(scope: &OxScope, user: &User) -> Result<(), JobError> {
    let done = match scope.mode {
        OxMode::OnPremise => {
            scope
                .ox
                .users()
                .change(&scope.context(), user, &scope.credentials)
                .await
        }
        OxMode::Cloud => {
            scope
                .ox
                .reseller_users()
                .change(&scope.reseller_context(), user, &scope.credentials)
                .await
        }
    };
    done.map_err(|e| ox_failure("changing the OX user", e))
}

/// Deletes the user; one that is already gone is success.
pub(super) async fn delete(scope: &OxScope, user_id: i32) -> Result<(), JobError> {
    let user = User::by_id(user_id);
    let done = match scope.mode {
        OxMode::OnPremise => {
            scope
                .ox
                .users()
                .delete(&scope.context(), &user, &scope.credentials)
                .await
        }
        OxMode::Cloud => {
            scope
                .ox
                .reseller_users()
                .delete(&scope.reseller_context(), &user, &scope.credentials)
                .await
        }
    };
    match done {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(ox_failure("deleting the OX user", e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_become_config_attributes() {
        let plan = Plan {
            combination: "webmail".into(),
            mail_quota_mb: -1,
            add: vec!["Drive".into()],
            remove: vec!["guard".into(), " ".into()],
        };
        let map = capability_attributes(&plan).unwrap();
        assert_eq!(
            map.get("config", "com.openexchange.capability.drive"),
            Some("true")
        );
        assert_eq!(
            map.get("config", "com.openexchange.capability.guard"),
            Some("false")
        );
        let none = Plan {
            add: vec![],
            remove: vec![],
            ..plan
        };
        assert!(capability_attributes(&none).is_none());
    }
}
