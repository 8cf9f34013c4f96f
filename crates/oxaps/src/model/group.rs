//! `group`: an OX group in the tenant's context (OXGroupService with the context admin on-premise,
//! OXResellerGroupService with the brand's subadmin in OX Cloud). Its name follows OX's group-name
//! rules and is unique within the tenant; its members are the tenant's users linked through the
//! `members` collection, kept as one stored row per membership (see [`members`]) and brought to OX
//! by a job that reconciles OX's member list with them.
//!
//! [`tenant_objects`] holds the checks the resource and alias models share.

mod members;
mod ox_ops;
pub(super) mod tenant_objects;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::{Admitted, JobCx, Model, linked_id, required_link};
use crate::services::{Call, internal};
use crate::store::{ResourceRow, ResourceStatus};
use ox_ops::ox_id;
use tenant_objects::{existing_tenant, scope_unless_gone, sibling_with, tenant_user};

pub use members::{SERVICE as MEMBER_SERVICE, leave_groups, member_ids};

/// The group model.
pub struct Group {
    def: TypeDef,
}

impl Default for Group {
    fn default() -> Self {
        Group {
            def: crate::types::of("group")
                .unwrap_or_else(|| TypeDef::new("group", &crate::types::type_id("group"))),
        }
    }
}

/// The trimmed name, checked with OX's group-name rules.
fn checked_name(body: &Resource) -> Result<String, ApsError> {
    let name = body.str_prop("name").unwrap_or_default().trim().to_owned();
    ox::validate::group_name(&name).map_err(|e| {
        ApsError::bad_request(format!(
            "The group name {name:?} is not valid for OX: {}",
            e.message
        ))
    })?;
    Ok(name)
}

/// Refuses a name another group of the tenant has (OX compares names without case).
async fn unique_name(call: &Call, tenant: &str, own: &str, name: &str) -> Result<(), ApsError> {
    match sibling_with(call, tenant, "group", own, "name", name).await? {
        Some(_) => Err(ApsError::conflict(format!(
            "A group named {name:?} already exists in this subscription."
        ))),
        None => Ok(()),
    }
}

#[async_trait]
impl Model for Group {
    fn service(&self) -> &'static str {
        "group"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let tenant = required_link(&body, "tenant", "group")?;
        existing_tenant(call, &tenant).await?;
        let name = checked_name(&body)?;
        let own = body.id().unwrap_or_default().to_owned();
        unique_name(call, &tenant, &own, &name).await?;
        if body
            .str_prop("displayName")
            .is_none_or(|d| d.trim().is_empty())
        {
            body.props.insert("displayName".into(), json!(name));
        }
        body.props.insert("name".into(), json!(name));
        body.props.remove("oxGroupId");
        // Members given with the new group (a controller may send the links in the body): the
        // first creation inserts them.
        for link in body
            .props
            .get("members")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(user) = link.pointer("/aps/id").and_then(Value::as_str) {
                check_member(call, &tenant, user).await?;
            }
        }
        Ok(Admitted {
            body,
            parent_id: Some(tenant),
            natural_key: None,
        })
    }

    async fn admit_change(
        &self,
        call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.def, current, &new)?;
        if linked_id(&new, "tenant") != linked_id(current, "tenant") {
            return Err(ApsError::bad_request(
                "A group cannot move to another subscription.",
            ));
        }
        let name = checked_name(&new)?;
        if !name.eq_ignore_ascii_case(current.str_prop("name").unwrap_or_default()) {
            let tenant = linked_id(current, "tenant").unwrap_or_default();
            unique_name(call, &tenant, current.id().unwrap_or_default(), &name).await?;
        }
        new.props.insert("name".into(), json!(name));
        if new
            .str_prop("displayName")
            .is_none_or(|d| d.trim().is_empty())
        {
            new.props.insert("displayName".into(), json!(name));
        }
        // The OX id is ours: the controller may send back an older copy.
        super::tenant::keep_readonly(&self.def, current, &mut new);
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let tenant =
            linked_id(&body, "tenant").ok_or_else(|| JobError::permanent("group has no tenant"))?;
        let scope = super::tenant::ox_scope(cx, &tenant).await?;
        let id = ox_ops::ensure(cx, &scope, &mut body).await?;
        ox_ops::sync_members(cx, &scope, &tenant, id).await?;
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        let id = ox_id(&new).ok_or_else(|| {
            JobError::transient("the OX group is not created yet; its changes wait for it")
        })?;
        let tenant =
            linked_id(&new, "tenant").ok_or_else(|| JobError::permanent("group has no tenant"))?;
        let scope = super::tenant::ox_scope(cx, &tenant).await?;
        ox_ops::rename(&scope, id, old, &new).await?;
        ox_ops::sync_members(cx, &scope, &tenant, id).await?;
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        let tenant = linked_id(body, "tenant").unwrap_or_default();
        if let Some(id) = ox_id(body)
            && let Some(scope) = scope_unless_gone(cx, &tenant).await?
        {
            ox_ops::delete(&scope, id).await?;
        }
        members::forget(cx).await
    }

    async fn link(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        linked: &Value,
    ) -> Result<(), ApsError> {
        if relation != "members" {
            return Ok(());
        }
        let user = linked
            .pointer("/aps/id")
            .and_then(Value::as_str)
            .ok_or_else(|| ApsError::bad_request("The linked user has no aps.id."))?;
        let group = stored(call, id).await?;
        if matches!(
            group.status,
            ResourceStatus::Unprovisioning | ResourceStatus::Failed
        ) {
            return Err(ApsError::conflict(format!(
                "Group {id} is being removed or failed to provision; it takes no members."
            )));
        }
        let tenant = group.parent_id.clone().unwrap_or_default();
        check_member(call, &tenant, user).await?;
        members::edit(&call.app, &group, user, true)
            .await
            .map_err(internal)?;
        Ok(())
    }

    async fn unlink(
        &self,
        call: &Call,
        id: &str,
        relation: &str,
        linked_id: &str,
    ) -> Result<(), ApsError> {
        if relation != "members" {
            return Ok(());
        }
        let group = stored(call, id).await?;
        members::edit(&call.app, &group, linked_id, false)
            .await
            .map_err(internal)?;
        Ok(())
    }
}

/// The group's stored row.
async fn stored(call: &Call, id: &str) -> Result<ResourceRow, ApsError> {
    call.app
        .store
        .resource(&call.instance()?.id, id)
        .await
        .map_err(internal)?
        .filter(|r| r.service == "group")
        .ok_or_else(|| ApsError::not_found(format!("group {id} not found.")))
}

/// Checks that `user` may join a group of `tenant`: a user of the same tenant whose OX user exists.
async fn check_member(call: &Call, tenant: &str, user: &str) -> Result<(), ApsError> {
    let row = tenant_user(call, tenant, user, "A group member").await?;
    let login = row
        .body
        .get("login")
        .and_then(Value::as_str)
        .unwrap_or(user);
    if matches!(
        row.status,
        ResourceStatus::Unprovisioning | ResourceStatus::Failed
    ) {
        return Err(ApsError::conflict(format!(
            "User {login} is being removed or failed to provision; it cannot join a group."
        )));
    }
    if row.body.get("oxUserId").and_then(Value::as_i64).is_none() {
        return Err(ApsError::conflict(format!(
            "User {login} is not enabled in OX App Suite yet; add it to the group once it is."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ox_ops::wanted;
    use super::*;

    fn body(v: Value) -> Resource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn names_follow_ox_rules() {
        assert_eq!(
            checked_name(&body(json!({"name": "  Sales EU "}))).unwrap(),
            "Sales EU"
        );
        let err = checked_name(&body(json!({"name": "bad&name"}))).unwrap_err();
        assert!(err.message.contains("Illegal chars: \"&\""), "{err:?}");
        assert!(checked_name(&body(json!({"name": "  "}))).is_err());
        assert!(checked_name(&body(json!({}))).is_err());
    }

    #[test]
    fn wanted_defaults_the_display_name() {
        let g = wanted(&body(json!({"name": "team"})));
        assert_eq!(
            (g.name.as_deref(), g.displayname.as_deref()),
            (Some("team"), Some("team"))
        );
        let g = wanted(&body(json!({"name": "team", "displayName": "The Team"})));
        assert_eq!(g.displayname.as_deref(), Some("The Team"));
        assert_eq!(ox_id(&body(json!({"oxGroupId": 7}))), Some(7));
        assert_eq!(ox_id(&body(json!({}))), None);
    }
}
