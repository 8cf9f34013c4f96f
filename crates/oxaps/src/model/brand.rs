//! `brand`: a reseller. In OX Cloud mode (globals `oxMode` = `cloud`) it is an OX reseller
//! subadmin created by the master admin (OXResellerService): its login derives from the brand
//! name (an existing subadmin of that name is adopted), its password is generated and stored
//! sealed, and its restrictions (contexts, users, users per access combination) are kept in sync.
//! The brand's tenants create their contexts, users, groups and resources as this subadmin.
//! On-premise, a brand is a label: no OX object.

mod capacity;

use std::collections::BTreeMap;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::{OxClient, ResellerAdmin, Restriction};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

pub use capacity::{check_room_for_tenant, check_room_for_user};

use super::tenant::{keep_readonly, ox_failure};
use super::{Admitted, JobCx, Model, password};
use crate::app::OxUnavailable;
use crate::ox_link::{OxMode, OxSettings};
use crate::services::{Call, internal};

/// The brand model.
pub struct Brand {
    def: TypeDef,
}

impl Default for Brand {
    fn default() -> Self {
        Brand {
            def: crate::types::of("brand")
                .unwrap_or_else(|| TypeDef::new("brand", &crate::types::type_id("brand"))),
        }
    }
}

/// The OX subadmin login of a brand name: lower case, runs of other characters as one `-`.
pub fn subadmin_login(name: &str) -> Result<String, ApsError> {
    let mut out = String::new();
    for c in name.trim().chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let login = out.trim_matches(['-', '.']).to_owned();
    if login.is_empty() {
        return Err(ApsError::bad_request(format!(
            "The brand name {name:?} has no letters or digits to make an OX login of."
        )));
    }
    ox::validate::user_name(&login).map_err(|e| {
        ApsError::bad_request(format!("The brand name {name:?} is not usable in OX: {e}"))
    })?;
    Ok(login)
}

/// A brand's limits; `None` (our 0) is unlimited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// `maxContexts`.
    pub contexts: Option<u64>,
    /// `maxUsers` (the context admins count).
    pub users: Option<u64>,
    /// `maxUsersByCombination`.
    pub by_combination: BTreeMap<String, u64>,
}

impl Limits {
    /// The limits a brand body asks for.
    pub fn of(brand: &Resource) -> Limits {
        let positive = |v: Option<&Value>| v.and_then(Value::as_u64).filter(|n| *n > 0);
        let by_combination = brand
            .props
            .get("maxUsersByCombination")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| {
                let c = l.get("accessCombination")?.as_str()?;
                Some((c.to_owned(), positive(l.get("maxUsers"))?))
            })
            .collect();
        Limits {
            contexts: positive(brand.props.get("maxContexts")),
            users: positive(brand.props.get("maxUsers")),
            by_combination,
        }
    }

    /// The OX restrictions, in a stable order. `Subadmin.CanCreateSubadmin=false` is always
    /// there: OX replaces the whole set on change, and a set that is never empty can also
    /// express "no limits".
    pub fn restrictions(&self) -> Vec<Restriction> {
        let mut list = vec![Restriction::new("Subadmin.CanCreateSubadmin", "false")];
        if let Some(n) = self.contexts {
            list.push(Restriction::new("Subadmin.MaxContext", n.to_string()));
        }
        if let Some(n) = self.users {
            list.push(Restriction::new("Subadmin.MaxOverallUser", n.to_string()));
        }
        for (c, n) in &self.by_combination {
            list.push(Restriction::new(
                format!("Subadmin.MaxOverallUserByModuleaccess_{c}"),
                n.to_string(),
            ));
        }
        list
    }
}

fn display_name(body: &Resource) -> String {
    body.str_prop("displayName")
        .filter(|s| !s.trim().is_empty())
        .or_else(|| body.str_prop("name"))
        .unwrap_or_default()
        .to_owned()
}

/// A brand resource of the instance, or a 400 naming it.
pub async fn load(call: &Call, id: &str) -> Result<Resource, ApsError> {
    let instance = call.instance()?;
    let row = call
        .app
        .store
        .resource(&instance.id, id)
        .await
        .map_err(internal)?;
    match row {
        Some(r) if r.service == "brand" => serde_json::from_value(r.body).map_err(internal),
        _ => Err(ApsError::bad_request(format!("Brand {id} does not exist."))),
    }
}

/// The OX client and settings when the instance runs in OX Cloud mode; `None` otherwise.
async fn cloud(cx: &JobCx) -> Result<Option<(OxClient, OxSettings)>, JobError> {
    match cx.app.ox(&cx.instance.id).await {
        Ok((ox, s)) if s.mode == OxMode::Cloud => Ok(Some((ox, s))),
        Ok(_) | Err(OxUnavailable::NotConfigured) => Ok(None),
        Err(OxUnavailable::Other(m)) => Err(JobError::transient(m)),
    }
}

fn check_combinations(body: &Resource) -> Result<(), ApsError> {
    let mut seen = std::collections::BTreeSet::new();
    for l in body
        .props
        .get("maxUsersByCombination")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let c = l
            .get("accessCombination")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !seen.insert(c) {
            return Err(ApsError::bad_request(format!(
                "maxUsersByCombination names {c} twice."
            )));
        }
    }
    Ok(())
}

#[async_trait]
impl Model for Brand {
    fn service(&self) -> &'static str {
        "brand"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        let login = subadmin_login(body.str_prop("name").unwrap_or_default())?;
        check_combinations(&body)?;
        super::ads::check_ad_config(&body)?;
        super::profile::fill_defaults(&self.def, &mut body);
        let instance = call.instance()?;
        let cloud = match call.app.ox(&instance.id).await {
            Ok((_, s)) => s.mode == OxMode::Cloud,
            Err(OxUnavailable::NotConfigured) => false,
            Err(OxUnavailable::Other(m)) => return Err(internal(m)),
        };
        body.props.remove("subadminLogin");
        body.props.remove("subadminPassword");
        if cloud {
            body.props.insert("subadminLogin".into(), json!(login));
            body.props
                .insert("subadminPassword".into(), json!(password::generate(24)));
        }
        Ok(Admitted {
            body,
            parent_id: None,
            natural_key: Some(login),
        })
    }

    async fn admit_change(
        &self,
        _call: &Call,
        current: &Resource,
        mut new: Resource,
    ) -> Result<Resource, ApsError> {
        super::final_unchanged(&self.def, current, &new)?;
        keep_readonly(&self.def, current, &mut new);
        check_combinations(&new)?;
        super::ads::check_ad_config(&new)?;
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        super::ads::push_brand(cx, None, Some(&body)).await?;
        let Some((ox, settings)) = cloud(cx).await? else {
            return Ok(body);
        };
        if body.str_prop("subadminPassword").is_none() {
            // Admitted while the instance was on-premise: make the subadmin now.
            let login = subadmin_login(body.str_prop("name").unwrap_or_default())
                .map_err(|e| JobError::permanent(e.message))?;
            body.props.insert("subadminLogin".into(), json!(login));
            body.props
                .insert("subadminPassword".into(), json!(password::generate(24)));
            cx.checkpoint(&body).await?;
        }
        let login = body
            .str_prop("subadminLogin")
            .unwrap_or_default()
            .to_owned();
        let wanted = ResellerAdmin {
            name: Some(login.clone()),
            password: body.str_prop("subadminPassword").map(Into::into),
            display_name: Some(display_name(&body)),
            restrictions: Limits::of(&body).restrictions(),
            ..Default::default()
        };
        let resellers = ox.resellers();
        let found = match resellers
            .get_data(&ResellerAdmin::by_name(login.clone()), &settings.master)
            .await
        {
            Ok(found) => found.id,
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(ox_failure("looking up the OX subadmin", e)),
        };
        let adopt = match found {
            Some(id) => Some(id),
            None => match resellers.create(&wanted, &settings.master).await {
                Ok(_) => None,
                Err(e) if e.is_already_exists() => {
                    resellers
                        .get_data(&ResellerAdmin::by_name(login.clone()), &settings.master)
                        .await
                        .map_err(|e| ox_failure("adopting the OX subadmin", e))?
                        .id
                }
                Err(e) => return Err(ox_failure("creating the OX subadmin", e)),
            },
        };
        if let Some(id) = adopt {
            // Ours now: our password, display name and restrictions.
            let change = ResellerAdmin {
                id: Some(id),
                ..wanted
            };
            resellers
                .change(&change, &settings.master)
                .await
                .map_err(|e| ox_failure("adopting the OX subadmin", e))?;
        }
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        super::ads::push_brand(cx, Some(old), Some(&new)).await?;
        let Some((ox, settings)) = cloud(cx).await? else {
            return Ok(new);
        };
        let Some(login) = new.str_prop("subadminLogin") else {
            return Ok(new);
        };
        let mut change = ResellerAdmin::by_name(login);
        if display_name(old) != display_name(&new) {
            change.display_name = Some(display_name(&new));
        }
        let limits = Limits::of(&new);
        if Limits::of(old) != limits {
            change.restrictions = limits.restrictions();
        }
        if change.display_name.is_some() || !change.restrictions.is_empty() {
            ox.resellers()
                .change(&change, &settings.master)
                .await
                .map_err(|e| ox_failure("changing the OX subadmin", e))?;
        }
        Ok(new)
    }

    async fn admit_removal(&self, call: &Call, body: &Resource) -> Result<(), ApsError> {
        let instance = call.instance()?;
        let tenants = capacity::tenants_of(&call.app, &instance.id, body.id().unwrap_or_default())
            .await
            .map_err(internal)?;
        if !tenants.is_empty() {
            return Err(ApsError::conflict(format!(
                "The brand is still used by {} tenant(s); remove them first.",
                tenants.len()
            )));
        }
        Ok(())
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        let tenants = capacity::tenants_of(&cx.app, &cx.instance.id, &cx.resource_id)
            .await
            .map_err(JobError::transient)?;
        if !tenants.is_empty() {
            return Err(JobError::permanent(format!(
                "the brand is still used by {} tenant(s); remove them first",
                tenants.len()
            )));
        }
        super::ads::push_brand(cx, Some(body), None).await?;
        let Some((ox, settings)) = cloud(cx).await? else {
            return Ok(());
        };
        let Some(login) = body.str_prop("subadminLogin") else {
            return Ok(());
        };
        match ox
            .resellers()
            .delete(&ResellerAdmin::by_name(login), &settings.master)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(ox_failure("deleting the OX subadmin", e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_derive_from_names() {
        assert_eq!(subadmin_login("Acme Hosting").unwrap(), "acme-hosting");
        assert_eq!(
            subadmin_login("  ACME.de GmbH & Co ").unwrap(),
            "acme.de-gmbh-co"
        );
        assert_eq!(subadmin_login("brand_1").unwrap(), "brand_1");
        assert!(subadmin_login("!!!").is_err());
        assert!(subadmin_login("").is_err());
    }

    #[test]
    fn limits_become_restrictions_and_zero_is_unlimited() {
        let body: Resource = serde_json::from_value(json!({"aps": {}, "maxContexts": 3, "maxUsers": 0,
            "maxUsersByCombination": [{"accessCombination": "webmail", "maxUsers": 10}, {"accessCombination": "pim", "maxUsers": 0}]}))
        .unwrap();
        let limits = Limits::of(&body);
        assert_eq!(limits.contexts, Some(3));
        assert_eq!(limits.users, None);
        let names: Vec<(String, String)> = limits
            .restrictions()
            .into_iter()
            .map(|r| (r.name.unwrap(), r.value.unwrap()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Subadmin.CanCreateSubadmin".into(), "false".into()),
                ("Subadmin.MaxContext".into(), "3".into()),
                (
                    "Subadmin.MaxOverallUserByModuleaccess_webmail".into(),
                    "10".into()
                ),
            ]
        );
        let none: Resource = serde_json::from_value(json!({"aps": {}})).unwrap();
        assert_eq!(Limits::of(&none).restrictions().len(), 1);
    }
}
