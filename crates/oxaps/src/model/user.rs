//! `user`: a service user's OX account in its tenant's context. The login is the OX user name and
//! its primary address; "Enable OX App Suite" creates (or re-enables) the user with the profile's
//! access combination, mail quota and capabilities; "Disable" turns mail off and denies the portal
//! without losing data; unprovision deletes the OX user.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
mod ox_ops;

use ox::User;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use self::ox_ops::{apply_rights, plan_of};
use super::tenant::ox_scope;
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

/// Whether a profile names a taxonomy type (the TaxonomyTypes advertisement package), so the
/// tenant's context attribute `taxonomy/types` depends on who has it.
async fn has_taxonomy(cx: &JobCx, profile_id: &str) -> Result<bool, JobError> {
    let Some(def) = crate::types::of("profile") else {
        return Ok(false);
    };
    let profile = cx.resource(profile_id, &def).await?;
    Ok(profile.is_some_and(|(_, p)| p.str_prop("taxonomyType").is_some_and(|t| !t.is_empty())))
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
    for row in users_of_profile(cx, profile_id).await? {
        let (Some(tenant), Some(user_id)) = (
            row.parent_id.as_deref(),
            row.body.get("oxUserId").and_then(Value::as_i64),
        ) else {
            continue;
        };
        let scope = ox_scope(cx, tenant).await?;
        let enabled = row.body.get("status").and_then(Value::as_str) != Some("disabled");
        apply_rights(&scope, user_id as i32, &plan, enabled).await?;
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
        super::brand::check_room_for_user(call, &tenant, &profile).await?;
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
        let scope = ox_scope(cx, &tenant).await?;
        let plan = plan_of(cx, &profile).await?;
        let mut user = ox_user(&body);
        user.max_quota = Some(plan.mail_quota_mb);
        let id = ox_ops::find_or_create(&scope, &user, &plan).await?;
        body.props.insert("oxUserId".into(), json!(id));
        cx.checkpoint(&body).await?;
        let enabled = body.str_prop("status") != Some("disabled");
        apply_rights(&scope, id, &plan, enabled).await?;
        crate::upsell::attribute::set_on_user(cx, &scope, id, &body).await?;
        if has_taxonomy(cx, &profile).await? {
            super::ads::taxonomy::sync_tenant(cx, &tenant).await?;
        }
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
        let scope = ox_scope(cx, &tenant).await?;
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
            ox_ops::change(&scope, &change).await?;
        }
        let profile_changed = linked_id(old, "profile") != linked_id(&new, "profile");
        if profile_changed || old.props.get("status") != new.props.get("status") {
            let profile = linked_id(&new, "profile")
                .ok_or_else(|| JobError::permanent("user has no profile"))?;
            let plan = plan_of(cx, &profile).await?;
            apply_rights(
                &scope,
                id,
                &plan,
                new.str_prop("status") != Some("disabled"),
            )
            .await?;
            let old_profile = linked_id(old, "profile").unwrap_or_default();
            if profile_changed
                && (has_taxonomy(cx, &profile).await? || has_taxonomy(cx, &old_profile).await?)
            {
                super::ads::taxonomy::sync_tenant(cx, &tenant).await?;
            }
        }
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        // Out of its groups first, in OX and in the stored memberships.
        super::group::leave_groups(cx, body).await?;
        let Some(id) = body.props.get("oxUserId").and_then(Value::as_i64) else {
            return Ok(());
        };
        let Some(tenant) = linked_id(body, "tenant") else {
            return Ok(());
        };
        let scope = match ox_scope(cx, &tenant).await {
            Ok(scope) => scope,
            // The tenant (and with it the context) is gone already.
            Err(JobError::Permanent(_)) if !tenant_exists(cx, &tenant).await? => return Ok(()),
            Err(e) => return Err(e),
        };
        ox_ops::delete(&scope, id as i32).await
    }
}

async fn tenant_exists(cx: &JobCx, tenant_id: &str) -> Result<bool, JobError> {
    Ok(cx
        .app
        .store
        .resource(&cx.instance.id, tenant_id)
        .await
        .map_err(JobError::transient)?
        .is_some())
}
