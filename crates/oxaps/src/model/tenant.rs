//! `tenant`: one OX context per subscription. On-premise, the master admin creates the context
//! (OXContextService); in OX Cloud mode, the subadmin of the tenant's brand does
//! (OXResellerContextService), so the context belongs to the brand and counts against its
//! restrictions. The context name derives from the tenant's APS id, so a retry or a crash recovery
//! finds and adopts the context instead of creating a second one. The tenant follows its
//! subscription: a disabled subscription disables the context ([`events`]).
//!
//! Children (users, groups, resources, aliases) reach the context through [`ox_scope`].

mod children;
mod events;
mod ox_context;
mod scope;

use aps::typedef::TypeDef;
use aps::{ApsError, Resource};
use async_trait::async_trait;
use ox::{Context, Credentials, OxError, User};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

pub use scope::{OxScope, ox_scope};

use super::{Admitted, JobCx, Model, linked_id, password};
use crate::ox_link::OxMode;
use crate::services::{Call, OperationInput, Reply, internal};

/// The tenant model.
pub struct Tenant {
    def: TypeDef,
}

impl Default for Tenant {
    fn default() -> Self {
        Tenant {
            def: crate::types::of("tenant")
                .unwrap_or_else(|| TypeDef::new("tenant", &crate::types::type_id("tenant"))),
        }
    }
}

/// The OX context name of a tenant.
pub fn context_name(tenant_id: &str) -> String {
    format!("oxaps-{tenant_id}")
}

/// OX's context quota: our 0 (unlimited) is OX's -1.
fn ox_quota(mb: Option<i64>) -> i64 {
    match mb {
        Some(n) if n > 0 => n,
        _ => -1,
    }
}

/// Maps an OX error to a job error: transient ones retry, the rest stop with OX's message. A
/// reseller restriction (OX Cloud) says so in words a customer understands.
pub fn ox_failure(what: &str, e: OxError) -> JobError {
    match e {
        e if e.is_retryable() => JobError::transient(format!("{what}: {e}")),
        OxError::QuotaExceeded(fault) => JobError::permanent(format!(
            "{what}: the limits of the reseller (brand) in OX do not allow it: {}",
            fault.message
        )),
        e => JobError::permanent(format!("{what}: {e}")),
    }
}

/// The context and its *context admin* credentials, for the core services (on-premise). Models
/// that also work in OX Cloud mode use [`ox_scope`] instead.
pub async fn context_of(cx: &JobCx, tenant_id: &str) -> Result<(Context, Credentials), JobError> {
    let body = scope::tenant_body(cx, tenant_id).await?;
    let id = scope::context_id(&body, tenant_id)?;
    Ok((Context::with_id(id), scope::admin_credentials(&body)?))
}

/// Restores the readonly properties of `current` in a configure's body: only the application
/// writes them, and the controller may send back an older copy.
pub fn keep_readonly(def: &TypeDef, current: &Resource, new: &mut Resource) {
    for (name, prop) in &def.properties {
        if !prop.readonly {
            continue;
        }
        match current.props.get(name) {
            Some(v) => new.props.insert(name.clone(), v.clone()),
            None => new.props.remove(name),
        };
    }
}

async fn mode(call: &Call) -> Result<OxMode, ApsError> {
    let instance = call.instance()?;
    let (_, settings) = call.app.ox(&instance.id).await.map_err(|e| match e {
        crate::app::OxUnavailable::NotConfigured => ApsError::bad_request("The application instance has no OX connection (set oxSoapUrl and the master admin in its global settings)."),
        crate::app::OxUnavailable::Other(m) => internal(m),
    })?;
    Ok(settings.mode)
}

#[async_trait]
impl Model for Tenant {
    fn service(&self) -> &'static str {
        "tenant"
    }

    fn type_def(&self) -> &TypeDef {
        &self.def
    }

    async fn admit(&self, call: &Call, mut body: Resource) -> Result<Admitted, ApsError> {
        super::required_link(&body, "account", "tenant")?;
        super::required_link(&body, "subscription", "tenant")?;
        let brand = linked_id(&body, "brand");
        if let Some(brand) = &brand {
            super::brand::load(call, brand).await?;
        }
        if mode(call).await? == OxMode::Cloud {
            let brand = brand.ok_or_else(|| {
                ApsError::bad_request(
                    "In OX Cloud mode a tenant must be linked to a brand (its OX reseller).",
                )
            })?;
            super::brand::check_room_for_tenant(call, &brand).await?;
        }
        super::profile::fill_defaults(&self.def, &mut body);
        let id = body.id().unwrap_or_default().to_owned();
        body.props
            .insert("contextName".into(), json!(context_name(&id)));
        body.props.insert("adminLogin".into(), json!("oxadmin"));
        body.props
            .insert("adminPassword".into(), json!(password::generate(24)));
        body.props.insert("disabled".into(), json!(false));
        body.props.remove("contextId");
        Ok(Admitted {
            body,
            parent_id: None,
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
        keep_readonly(&self.def, current, &mut new);
        let brand = linked_id(&new, "brand");
        if linked_id(current, "brand") != brand {
            if mode(call).await? == OxMode::Cloud {
                return Err(ApsError::bad_request(
                    "In OX Cloud mode the brand of a tenant cannot change: its OX context belongs to the brand's subadmin.",
                ));
            }
            if let Some(brand) = &brand {
                super::brand::load(call, brand).await?;
            }
        }
        Ok(new)
    }

    async fn create(&self, cx: &JobCx, mut body: Resource) -> Result<Resource, JobError> {
        let (ox, mode, auth) = scope::context_manager(cx, &body).await?;
        let name = body
            .str_prop("contextName")
            .map(str::to_owned)
            .unwrap_or_else(|| context_name(&cx.resource_id));
        let admin = User {
            name: Some(body.str_prop("adminLogin").unwrap_or("oxadmin").to_owned()),
            password: Some(body.str_prop("adminPassword").unwrap_or_default().into()),
            display_name: Some(format!("Context admin {name}")),
            given_name: Some("Context".into()),
            sur_name: Some("Admin".into()),
            ..Default::default()
        }
        .with_primary_address(format!("oxadmin@{name}.invalid"));
        let wanted = ox_context::Wanted {
            name: &name,
            max_quota_mb: ox_quota(body.props.get("fileQuotaMb").and_then(Value::as_i64)),
            custom_id: &cx.resource_id,
            admin: &admin,
        };
        let id = ox_context::create_or_adopt(&ox, mode, &wanted, &auth).await?;
        body.props.insert("contextId".into(), json!(id));
        cx.checkpoint(&body).await?;
        // Follow the subscription from now on, and start in its current state.
        if let Some(subscription) = linked_id(&body, "subscription") {
            events::subscribe(cx, &subscription).await?;
            let disabled = events::subscription_disabled(cx, &subscription).await?;
            if disabled {
                ox_context::set_enabled(&ox, mode, id, false, &auth).await?;
            }
            body.props.insert("disabled".into(), json!(disabled));
        }
        Ok(body)
    }

    async fn update(
        &self,
        cx: &JobCx,
        old: &Resource,
        new: Resource,
    ) -> Result<Resource, JobError> {
        let quota = new.props.get("fileQuotaMb").and_then(Value::as_i64);
        let quota_changed = old.props.get("fileQuotaMb").and_then(Value::as_i64) != quota;
        let disabled = new.props.get("disabled").and_then(Value::as_bool) == Some(true);
        let state_changed =
            (old.props.get("disabled").and_then(Value::as_bool) == Some(true)) != disabled;
        let Some(id) = new
            .props
            .get("contextId")
            .and_then(Value::as_i64)
            .and_then(|id| i32::try_from(id).ok())
        else {
            return Ok(new);
        };
        if !quota_changed && !state_changed {
            return Ok(new);
        }
        let (ox, mode, auth) = scope::context_manager(cx, &new).await?;
        if quota_changed {
            ox_context::set_quota(&ox, mode, id, ox_quota(quota), &auth).await?;
        }
        if state_changed {
            ox_context::set_enabled(&ox, mode, id, !disabled, &auth).await?;
        }
        Ok(new)
    }

    async fn delete(&self, cx: &JobCx, body: &Resource) -> Result<(), JobError> {
        // Children first (their OX objects and DNS records), then the context.
        children::delete_all(cx).await?;
        if let Some(subscription) = linked_id(body, "subscription") {
            events::unsubscribe(cx, &subscription).await;
        }
        let Some(id) = body
            .props
            .get("contextId")
            .and_then(Value::as_i64)
            .and_then(|id| i32::try_from(id).ok())
        else {
            return Ok(());
        };
        let (ox, mode, auth) = scope::context_manager(cx, body).await?;
        ox_context::delete(&ox, mode, id, &auth).await
    }

    async fn refresh(&self, call: &Call, body: Resource) -> Result<Resource, ApsError> {
        children::count_users(call, body).await
    }

    async fn operation(
        &self,
        call: &Call,
        id: Option<&str>,
        name: &str,
        input: OperationInput,
    ) -> Result<Reply, ApsError> {
        match id {
            Some(id) if name == events::HANDLER => {
                events::on_subscription_change(call, id, &input).await
            }
            _ => Err(ApsError::not_implemented(format!(
                "Operation {name} of service tenant is not implemented."
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_quota_is_minus_one() {
        assert_eq!(ox_quota(None), -1);
        assert_eq!(ox_quota(Some(0)), -1);
        assert_eq!(ox_quota(Some(512)), 512);
    }

    #[test]
    fn restriction_failures_are_permanent_and_say_so() {
        let e = ox_failure(
            "creating the OX user",
            OxError::QuotaExceeded(ox::Fault::new("Maximum overall number of users reached: 2")),
        );
        let JobError::Permanent(m) = e else {
            panic!("not permanent: {e:?}")
        };
        assert!(m.contains("limits of the reseller"), "{m}");
        assert!(
            m.contains("Maximum overall number of users reached: 2"),
            "{m}"
        );
    }

    #[test]
    fn readonly_properties_keep_their_stored_values() {
        let def = crate::types::of("tenant").unwrap();
        let current: Resource =
            serde_json::from_value(json!({"aps": {}, "contextId": 7, "disabled": true})).unwrap();
        let mut new: Resource = serde_json::from_value(
            json!({"aps": {}, "contextId": 1, "disabled": false, "fileQuotaMb": 5}),
        )
        .unwrap();
        keep_readonly(&def, &current, &mut new);
        assert_eq!(new.props["contextId"], 7);
        assert_eq!(new.props["disabled"], true);
        assert_eq!(new.props["fileQuotaMb"], 5);
    }
}
