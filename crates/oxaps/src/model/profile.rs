//! `profile`: a plan on the provider side. It holds no OX object itself; users carry its access
//! combination, quotas and capabilities, and a changed profile is re-applied to them.

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use oxaps_jobs::JobError;

use super::{Admitted, JobCx, Model};
use crate::services::{Call, OperationInput, Reply, internal};

/// The profile model.
pub struct Profile {
    def: TypeDef,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            def: crate::types::of("profile")
                .unwrap_or_else(|| TypeDef::new("profile", &crate::types::type_id("profile"))),
        }
    }
}

#[async_trait]
impl Model for Profile {
    fn service(&self) -> &'static str {
        "profile"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, _call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        super::ads::check_ad_config(&body)?;
        body.props.remove("adPreviews");
        fill_defaults(&self.def, &mut body);
        Ok(Admitted {
            body,
            parent_id: None,
            natural_key: None,
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.def, current, &new)?;
        super::tenant::keep_readonly(&self.def, current, &mut new);
        super::ads::check_ad_config(&new)?;
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, body: Resource) -> Result<Resource, JobError> {
        super::ads::push_profile(cx, None, Some(&body)).await?;
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        let relevant = [
            "accessCombination",
            "mailQuotaMb",
            "fileQuotaMb",
            "capabilitiesAdd",
            "capabilitiesRemove",
        ];
        if relevant
            .iter()
            .any(|k| old.props.get(*k) != new.props.get(*k))
        {
            super::user::reapply_profile(cx, &cx.resource_id).await?;
        }
        if old.props.get("taxonomyType") != new.props.get("taxonomyType") {
            super::ads::taxonomy::sync_profile(cx, &cx.resource_id).await?;
        }
        super::ads::push_profile(cx, Some(old), Some(&new)).await?;
        Ok(new)
    }

    async fn admit_removal(&self, call: &Call, body: &Resource) -> Result<(), ApsError> {
        let instance = call.instance()?;
        let users = call
            .app
            .store
            .resources_of(&instance.id, "user")
            .await
            .map_err(internal)?;
        let id = body.id().unwrap_or_default();
        let using = users
            .iter()
            .filter(|u| {
                u.body
                    .pointer("/profile/aps/id")
                    .and_then(serde_json::Value::as_str)
                    == Some(id)
            })
            .count();
        if using > 0 {
            return Err(ApsError::conflict(format!(
                "The profile is still assigned to {using} user(s); move them to another profile first."
            )));
        }
        Ok(())
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        let users = super::user::users_of_profile(cx, &cx.resource_id).await?;
        if users.is_empty() {
            super::ads::push_profile(cx, Some(body), None).await
        } else {
            Err(JobError::permanent(format!(
                "the profile is still assigned to {} user(s); move them to another profile first",
                users.len()
            )))
        }
    }

    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        input: OperationInput,
    ) -> Result<Reply, ApsError> {
        if let Some(id) = id
            && let Some(reply) = super::ads::ops::operation(call, id, name, &input).await?
        {
            return Ok(reply);
        }
        Err(ApsError::not_implemented(format!(
            "Operation {name} of service profile is not implemented."
        )))
    }
}

/// Fills absent properties that have a default in the type.
pub fn fill_defaults(def: &TypeDef, body: &mut Resource) {
    for (name, prop) in &def.properties {
        if let Some(default) = &prop.default
            && body.props.get(name).is_none_or(serde_json::Value::is_null)
        {
            body.props.insert(name.clone(), default.clone());
        }
    }
}

/// A profile resource of the instance, or a 400 naming it.
pub async fn load(call: &Call, id: &str) -> Result<Resource, ApsError> {
    let instance = call.instance()?;
    let row = call
        .app
        .store
        .resource(&instance.id, id)
        .await
        .map_err(internal)?;
    match row {
        Some(r) if r.service == "profile" => serde_json::from_value(r.body).map_err(internal),
        _ => Err(ApsError::bad_request(format!(
            "Profile {id} does not exist."
        ))),
    }
}
