//! `resource`: a bookable OX resource (room, equipment) in the tenant's context (OXResourceService
//! with the context admin on-premise, OXResellerResourceService with the brand's subadmin in OX
//! Cloud): name (OX's resource-name rules, unique in the tenant), display name, description and an
//! email address on one of the tenant's domains.
//!
//! The manager: OX's resource object (OX 7, and the `ox` crate's `Resource`) has no manager or
//! owner field; OX 8's booking permissions are not in the core API this connector speaks. The
//! manager is therefore kept on the APS side only: the `manager` link (a user of the same tenant)
//! is checked on admission and on relink, stored in the resource's body and returned by
//! retrieve like every stored property.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::Resource as OxResource;
use ox::services::{Flavor, ResourceService};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::group::tenant_objects::{
    existing_tenant, owner_of, scope_unless_gone, sibling_with, tenant_user,
};
use super::tenant::{OxScope, ox_failure, ox_scope};
use super::{Admitted, JobCx, Model, linked_id, required_link};
use crate::ox_link::OxMode;
use crate::services::{Call, internal};

/// Evaluates `$call` with `$svc` bound to the resource service of the scope's OX mode.
macro_rules! with_resources {
    ($scope:expr, $svc:ident, $call:expr) => {
        match $scope.mode {
            OxMode::OnPremise => {
                let $svc = &$scope.ox.resources();
                $call
            }
            OxMode::Cloud => {
                let $svc = &$scope.ox.reseller_resources();
                $call
            }
        }
    };
}

/// The resource model.
pub struct ResourceModel {
    def: TypeDef,
}

impl Default for ResourceModel {
    fn default() -> Self {
        ResourceModel {
            def: crate::types::of("resource")
                .unwrap_or_else(|| TypeDef::new("resource", &crate::types::type_id("resource"))),
        }
    }
}

/// The fields a customer sets, normalised and checked against OX's rules and the tenant. On a
/// change (`current` given) only what changed is checked again: a resource whose manager or
/// domain went away can still get a new description.
async fn check(
    call: &Call,
    tenant: &str,
    own: &str,
    current: Option<&Resource>,
    body: &mut Resource,
) -> Result<(), ApsError> {
    let changed = |v: &str, prop: &str| {
        current.is_none_or(|c| !c.str_prop(prop).unwrap_or_default().eq_ignore_ascii_case(v))
    };
    let name = body.str_prop("name").unwrap_or_default().trim().to_owned();
    ox::validate::resource_name(&name).map_err(|e| {
        ApsError::bad_request(format!(
            "The resource name {name:?} is not valid for OX: {}",
            e.message
        ))
    })?;
    if changed(&name, "name")
        && sibling_with(call, tenant, "resource", own, "name", &name)
            .await?
            .is_some()
    {
        return Err(ApsError::conflict(format!(
            "A resource named {name:?} already exists in this subscription."
        )));
    }
    let display = body
        .str_prop("displayName")
        .unwrap_or_default()
        .trim()
        .to_owned();
    if display.is_empty() {
        return Err(ApsError::bad_request("A resource needs a display name."));
    }
    let email = body
        .str_prop("email")
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if changed(&email, "email") {
        check_email(call, tenant, own, &email).await?;
    }
    if let Some(manager) = linked_id(body, "manager")
        && current.is_none_or(|c| linked_id(c, "manager").as_deref() != Some(manager.as_str()))
    {
        tenant_user(call, tenant, &manager, "The resource manager").await?;
    }
    body.props.insert("name".into(), json!(name));
    body.props.insert("displayName".into(), json!(display));
    body.props.insert("email".into(), json!(email));
    Ok(())
}

/// A resource address: valid, on one of the tenant's domains, and no other mailbox's address.
async fn check_email(call: &Call, tenant: &str, own: &str, email: &str) -> Result<(), ApsError> {
    ox::validate::mail_address("email", email)
        .map_err(|_| ApsError::bad_request(format!("{email:?} is not a valid email address.")))?;
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if !super::domain::tenant_has_domain(call, tenant, domain).await? {
        return Err(ApsError::bad_request(format!(
            "{domain} is not a domain of this subscription; the resource email must be on one of its domains."
        )));
    }
    if sibling_with(call, tenant, "resource", own, "email", email)
        .await?
        .is_some()
    {
        return Err(ApsError::conflict(format!(
            "Another resource already uses the address {email}."
        )));
    }
    let instance = &call.instance()?.id;
    for service in ["user", "emailaddress"] {
        if call
            .app
            .store
            .by_natural_key(instance, service, email)
            .await
            .map_err(internal)?
            .is_some()
        {
            return Err(ApsError::conflict(format!(
                "The address {email} already belongs to a user; a resource needs its own address."
            )));
        }
    }
    Ok(())
}

fn ox_id(body: &Resource) -> Option<i32> {
    body.props
        .get("oxResourceId")
        .and_then(Value::as_i64)
        .and_then(|id| i32::try_from(id).ok())
}

/// The OX resource as the body wants it (description "" clears it: OX ignores nil on change).
fn wanted(body: &Resource) -> OxResource {
    OxResource {
        name: body.str_prop("name").map(str::to_owned),
        displayname: body.str_prop("displayName").map(str::to_owned),
        description: Some(body.str_prop("description").unwrap_or_default().to_owned()),
        email: body.str_prop("email").map(str::to_owned),
        ..Default::default()
    }
}

/// The fields of `new` that differ from `old`, as an OX change of resource `id`.
fn changes(id: i32, old: &Resource, new: &Resource) -> Option<OxResource> {
    let (was, now) = (wanted(old), wanted(new));
    let differ = |a: &Option<String>, b: &Option<String>| (a != b).then(|| b.clone()).flatten();
    let change = OxResource {
        id: Some(id),
        name: differ(&was.name, &now.name),
        displayname: differ(&was.displayname, &now.displayname),
        description: differ(&was.description, &now.description),
        email: differ(&was.email, &now.email),
        ..Default::default()
    };
    let any = change.name.is_some()
        || change.displayname.is_some()
        || change.description.is_some()
        || change.email.is_some();
    any.then_some(change)
}

async fn find<F: Flavor>(
    svc: &ResourceService<F>,
    scope: &OxScope,
    name: &str,
) -> Result<Option<OxResource>, JobError> {
    let by_name = OxResource::by_name(name);
    match svc
        .get_data(&scope.ctx::<F>(), &by_name, &scope.credentials)
        .await
    {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(ox_failure("looking up the OX resource", e)),
    }
}

/// Finds the resource by name (adopting it) or creates it; returns it and whether it was adopted.
async fn create_or_adopt<F: Flavor>(
    svc: &ResourceService<F>,
    scope: &OxScope,
    wanted: &OxResource,
) -> Result<(OxResource, bool), JobError> {
    let name = wanted.name.clone().unwrap_or_default();
    if let Some(found) = find(svc, scope, &name).await? {
        return Ok((found, true));
    }
    match svc
        .create(&scope.ctx::<F>(), wanted, &scope.credentials)
        .await
    {
        Ok(created) => Ok((created, false)),
        Err(e) if e.is_already_exists() => match find(svc, scope, &name).await? {
            Some(found) => Ok((found, true)),
            // Another OX resource has the address.
            None => Err(JobError::permanent(format!(
                "creating the OX resource: {e}"
            ))),
        },
        Err(e) => Err(ox_failure("creating the OX resource", e)),
    }
}

async fn change_in<F: Flavor>(
    svc: &ResourceService<F>,
    scope: &OxScope,
    change: &OxResource,
) -> Result<(), JobError> {
    svc.change(&scope.ctx::<F>(), change, &scope.credentials)
        .await
        .map_err(|e| ox_failure("changing the OX resource", e))
}

async fn delete_in<F: Flavor>(
    svc: &ResourceService<F>,
    scope: &OxScope,
    id: i32,
) -> Result<(), JobError> {
    let reference = OxResource::by_id(id);
    match svc
        .delete(&scope.ctx::<F>(), &reference, &scope.credentials)
        .await
    {
        Ok(()) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(ox_failure("deleting the OX resource", e)),
    }
}

#[async_trait]
impl Model for ResourceModel {
    fn service(&self) -> &'static str {
        "resource"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let tenant = required_link(&body, "tenant", "resource")?;
        existing_tenant(call, &tenant).await?;
        let own = body.id().unwrap_or_default().to_owned();
        check(call, &tenant, &own, None, &mut body).await?;
        body.props.remove("oxResourceId");
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
        let tenant = linked_id(current, "tenant").unwrap_or_default();
        if linked_id(&new, "tenant").as_deref() != Some(tenant.as_str()) {
            return Err(ApsError::bad_request(
                "A resource cannot move to another subscription.",
            ));
        }
        let own = current.id().unwrap_or_default();
        check(call, &tenant, own, Some(current), &mut new).await?;
        super::tenant::keep_readonly(&self.def, current, &mut new);
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        if ox_id(&body).is_some() {
            return Ok(body);
        }
        let tenant = linked_id(&body, "tenant")
            .ok_or_else(|| JobError::permanent("resource has no tenant"))?;
        let scope = ox_scope(cx, &tenant).await?;
        let want = wanted(&body);
        let (got, adopted) =
            with_resources!(scope, svc, create_or_adopt(svc, &scope, &want).await)?;
        let id = got
            .id
            .ok_or_else(|| JobError::transient("OX returned a resource without id"))?;
        if let Some(owner) = owner_of(cx, &tenant, "resource", "oxResourceId", id).await? {
            return Err(JobError::permanent(format!(
                "the OX resource {:?} belongs to resource {owner}",
                want.name.as_deref().unwrap_or_default()
            )));
        }
        body.props.insert("oxResourceId".into(), json!(id));
        cx.checkpoint(&body).await?;
        if adopted {
            let change = OxResource {
                id: Some(id),
                ..want
            };
            with_resources!(scope, svc, change_in(svc, &scope, &change).await)?;
        }
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        let id = ox_id(&new).ok_or_else(|| {
            JobError::transient("the OX resource is not created yet; its changes wait for it")
        })?;
        if let Some(change) = changes(id, old, &new) {
            let tenant = linked_id(&new, "tenant")
                .ok_or_else(|| JobError::permanent("resource has no tenant"))?;
            let scope = ox_scope(cx, &tenant).await?;
            with_resources!(scope, svc, change_in(svc, &scope, &change).await)?;
        }
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        let tenant = linked_id(body, "tenant").unwrap_or_default();
        if let Some(id) = ox_id(body)
            && let Some(scope) = scope_unless_gone(cx, &tenant).await?
        {
            with_resources!(scope, svc, delete_in(svc, &scope, id).await)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Resource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn only_changed_fields_go_to_ox() {
        let old = body(
            json!({"name": "room1", "displayName": "Room 1", "email": "r@x.com", "description": "4 seats"}),
        );
        assert!(changes(5, &old, &old).is_none());
        let mut new = old.clone();
        new.props.insert("displayName".into(), json!("Room One"));
        new.props.remove("description");
        let c = changes(5, &old, &new).unwrap();
        assert_eq!(c.id, Some(5));
        assert_eq!(c.displayname.as_deref(), Some("Room One"));
        assert_eq!(
            c.description.as_deref(),
            Some(""),
            "a cleared description is sent empty"
        );
        assert_eq!((c.name, c.email), (None, None));
    }

    #[test]
    fn wanted_carries_every_field() {
        let r = wanted(&body(
            json!({"name": "room1", "displayName": "Room 1", "email": "r@x.com"}),
        ));
        assert_eq!(r.name.as_deref(), Some("room1"));
        assert_eq!(r.email.as_deref(), Some("r@x.com"));
        assert_eq!(r.description.as_deref(), Some(""));
        assert_eq!(ox_id(&body(json!({"oxResourceId": 9}))), Some(9));
    }
}
