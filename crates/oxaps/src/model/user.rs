//! `user`: a service user's OX account in its tenant's context. The login is the OX user name and
//! its primary address; "Enable OX App Suite" creates (or re-enables) the user with the profile's
//! access combination, mail quota and capabilities; "Disable" turns mail off and denies the portal
//! without losing data; unprovision deletes the OX user.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::{Context, Credentials, OxClient, User};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::tenant::{context_of, ox_failure};
use super::{Admitted, JobCx, Model, linked_id, password, required_link};
use crate::services::{Call, internal};
use crate::store::ResourceRow;

/// The user model.
pub struct UserModel {
    def: TypeDef,
}

impl Default for UserModel {
    fn default() -> Self {
        UserModel {
            def: crate::types::of("user")
                .unwrap_or_else(|| TypeDef::new("user", &crate::types::type_id("user"))),
        }
    }
}

/// What a profile gives a user in OX.
struct Plan {
    combination: String,
    mail_quota_mb: i64,
    add: Vec<String>,
    remove: Vec<String>,
}

async fn plan_of(cx: &JobCx, profile_id: &str) -> Result<Plan, JobError> {
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

fn ox_user(body: &Resource) -> User {
    let login = body.str_prop("login").unwrap_or_default().to_owned();
    let display = body
        .str_prop("displayName")
        .map(str::to_owned)
        .unwrap_or_else(|| login.clone());
    User {
        name: Some(login.clone()),
        password: body.str_prop("password").map(|p| p.to_owned().into()),
        display_name: Some(display),
        given_name: Some(body.str_prop("givenName").unwrap_or("-").to_owned()),
        sur_name: Some(body.str_prop("surName").unwrap_or("-").to_owned()),
        language: body.str_prop("language").map(str::to_owned),
        timezone: body.str_prop("timezone").map(str::to_owned),
        ..Default::default()
    }
    .with_primary_address(login)
}

/// Applies status and profile to an existing OX user: rights, quota, capabilities, mail on/off.
async fn apply_rights(
    ox: &OxClient,
    ctx: &Context,
    admin: &Credentials,
    user_id: i32,
    plan: &Plan,
    enabled: bool,
) -> Result<(), JobError> {
    let users = ox.users();
    let reference = User::by_id(user_id);
    if enabled {
        users
            .change_by_module_access_name(ctx, &reference, &plan.combination, admin)
            .await
            .map_err(|e| ox_failure("setting the OX access combination", e))?;
    } else {
        // Disabled: no portal login and no mail, data kept.
        let mut access = ox::access::by_name(&plan.combination).unwrap_or_default();
        access.denied_portal = true;
        users
            .change_by_module_access(ctx, &reference, &access, admin)
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
        .change(ctx, &change, admin)
        .await
        .map_err(|e| ox_failure("changing the OX user", e))?;
    if !plan.add.is_empty() || !plan.remove.is_empty() {
        users
            .change_capabilities(
                ctx,
                &reference,
                &plan.add.join(","),
                &plan.remove.join(","),
                "",
                admin,
            )
            .await
            .map_err(|e| ox_failure("changing the OX user's capabilities", e))?;
    }
    Ok(())
}

/// The users that have this profile.
pub async fn users_of_profile(cx: &JobCx, profile_id: &str) -> Result<Vec<ResourceRow>, JobError> {
    let all = cx
        .app
        .store
        .resources_of(&cx.instance.id, "user")
        .await
        .map_err(JobError::transient)?;
    Ok(all
        .into_iter()
        .filter(|u| u.body.pointer("/profile/aps/id").and_then(Value::as_str) == Some(profile_id))
        .collect())
}

/// Re-applies a changed profile to every OX user that has it.
pub async fn reapply_profile(cx: &JobCx, profile_id: &str) -> Result<(), JobError> {
    let plan = plan_of(cx, profile_id).await?;
    let (ox, _) = cx.ox().await?;
    for row in users_of_profile(cx, profile_id).await? {
        let (Some(tenant), Some(user_id)) = (
            row.parent_id.as_deref(),
            row.body.get("oxUserId").and_then(Value::as_i64),
        ) else {
            continue;
        };
        let (ctx, admin) = context_of(cx, tenant).await?;
        let enabled = row.body.get("status").and_then(Value::as_str) != Some("disabled");
        apply_rights(&ox, &ctx, &admin, user_id as i32, &plan, enabled).await?;
    }
    Ok(())
}

#[async_trait]
impl Model for UserModel {
    fn service(&self) -> &'static str {
        "user"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let tenant = required_link(&body, "tenant", "user")?;
        let profile = required_link(&body, "profile", "user")?;
        required_link(&body, "user", "user")?;
        let instance = call.instance()?;
        let tenant_row = call
            .app
            .store
            .resource(&instance.id, &tenant)
            .await
            .map_err(internal)?
            .filter(|r| r.service == "tenant");
        if tenant_row.is_none() {
            return Err(ApsError::bad_request(format!(
                "Tenant {tenant} does not exist."
            )));
        }
        super::profile::load(call, &profile).await?;
        let login = body
            .str_prop("login")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let (local, domain) = login.split_once('@').ok_or_else(|| {
            ApsError::bad_request(format!(
                "The login {login:?} must be an address: name@domain."
            ))
        })?;
        ox::validate::user_name(local).map_err(|e| {
            ApsError::bad_request(format!("The login {login:?} is not valid for OX: {e}"))
        })?;
        if !super::domain::tenant_has_domain(call, &tenant, domain).await? {
            return Err(ApsError::bad_request(format!(
                "{domain} is not a domain of this subscription; add it first."
            )));
        }
        super::profile::fill_defaults(&self.def, &mut body);
        body.props.insert("login".into(), json!(login));
        if body.str_prop("password").is_none_or(str::is_empty) {
            body.props
                .insert("password".into(), json!(password::generate(16)));
        }
        body.props.remove("oxUserId");
        Ok(Admitted {
            body,
            parent_id: Some(tenant),
            natural_key: Some(login),
        })
    }

    async fn admit_change(
        &self,
        call: &Call,
        current: &Resource,
        new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.def, current, &new)?;
        if new.str_prop("login") != current.str_prop("login") {
            return Err(ApsError::bad_request(
                "The login of an OX user cannot be changed; create a new user.",
            ));
        }
        if let Some(profile) = linked_id(&new, "profile") {
            super::profile::load(call, &profile).await?;
        }
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let tenant =
            linked_id(&body, "tenant").ok_or_else(|| JobError::permanent("user has no tenant"))?;
        let profile = linked_id(&body, "profile")
            .ok_or_else(|| JobError::permanent("user has no profile"))?;
        let (ctx, admin) = context_of(cx, &tenant).await?;
        let plan = plan_of(cx, &profile).await?;
        let (ox, _) = cx.ox().await?;
        let users = ox.users();
        let login = body.str_prop("login").unwrap_or_default().to_owned();
        let existing = match users
            .get_data(&ctx, &User::by_name(login.clone()), &admin)
            .await
        {
            Ok(u) => u.id,
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(ox_failure("looking up the OX user", e)),
        };
        let id = match existing {
            Some(id) => id,
            None => {
                let mut user = ox_user(&body);
                user.max_quota = Some(plan.mail_quota_mb);
                match users
                    .create_by_module_access_name(&ctx, &user, &plan.combination, &admin)
                    .await
                {
                    Ok(created) => created.id.ok_or_else(|| {
                        JobError::transient("OX created the user but returned no id")
                    })?,
                    Err(e) if e.is_already_exists() => users
                        .get_data(&ctx, &User::by_name(login.clone()), &admin)
                        .await
                        .map_err(|e| ox_failure("adopting the OX user", e))?
                        .id
                        .ok_or_else(|| JobError::permanent("OX user without id"))?,
                    Err(e) => return Err(ox_failure("creating the OX user", e)),
                }
            }
        };
        body.props.insert("oxUserId".into(), json!(id));
        cx.checkpoint(&body).await?;
        let enabled = body.str_prop("status") != Some("disabled");
        apply_rights(&ox, &ctx, &admin, id, &plan, enabled).await?;
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        let tenant =
            linked_id(&new, "tenant").ok_or_else(|| JobError::permanent("user has no tenant"))?;
        let id = new
            .props
            .get("oxUserId")
            .and_then(Value::as_i64)
            .ok_or_else(|| JobError::permanent("the OX user was never created"))?
            as i32;
        let (ctx, admin) = context_of(cx, &tenant).await?;
        let (ox, _) = cx.ox().await?;
        let fields = [
            "displayName",
            "givenName",
            "surName",
            "password",
            "language",
            "timezone",
        ];
        if fields
            .iter()
            .any(|k| old.props.get(*k) != new.props.get(*k))
        {
            let mut change = ox_user(&new);
            change.id = Some(id);
            change.name = None;
            change.aliases.clear();
            change.primary_email = None;
            change.email1 = None;
            if old.props.get("password") == new.props.get("password") {
                change.password = None;
            }
            ox.users()
                .change(&ctx, &change, &admin)
                .await
                .map_err(|e| ox_failure("changing the OX user", e))?;
        }
        let profile_changed = linked_id(old, "profile") != linked_id(&new, "profile");
        if profile_changed || old.props.get("status") != new.props.get("status") {
            let profile = linked_id(&new, "profile")
                .ok_or_else(|| JobError::permanent("user has no profile"))?;
            let plan = plan_of(cx, &profile).await?;
            apply_rights(
                &ox,
                &ctx,
                &admin,
                id,
                &plan,
                new.str_prop("status") != Some("disabled"),
            )
            .await?;
        }
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        let Some(id) = body.props.get("oxUserId").and_then(Value::as_i64) else {
            return Ok(());
        };
        let Some(tenant) = linked_id(body, "tenant") else {
            return Ok(());
        };
        let (ctx, admin) = match context_of(cx, &tenant).await {
            Ok(found) => found,
            // The tenant (and with it the context) is gone already.
            Err(JobError::Permanent(_)) => return Ok(()),
            Err(e) => return Err(e),
        };
        let (ox, _) = cx.ox().await?;
        match ox
            .users()
            .delete(&ctx, &User::by_id(id as i32), &admin)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(ox_failure("deleting the OX user", e)),
        }
    }
}
