//! What the upsell API and the purchase request model share: who a token speaks for, the profiles
//! a user may move to, what each adds, and the user's pending request.

use aps::{ApsError, Resource};
use serde_json::{Value, json};

use super::token;
use crate::app::App;
use crate::services::internal;
use crate::store::{InstanceRow, ResourceRow, ResourceStatus};

/// The purchase request service.
pub const SERVICE: &str = "purchaserequest";

/// The user a valid token speaks for.
#[derive(Debug, Clone)]
pub struct UserScope {
    /// The user's application instance.
    pub instance: InstanceRow,
    /// The user's APS id.
    pub user_id: String,
    /// The stored user.
    pub user: Resource,
    /// The tenant's APS id.
    pub tenant_id: String,
    /// The stored tenant.
    pub tenant: Resource,
}

impl UserScope {
    /// The login.
    pub fn login(&self) -> &str {
        self.user.str_prop("login").unwrap_or_default()
    }

    /// The current profile's APS id.
    pub fn profile_id(&self) -> Option<&str> {
        self.user.link_id("profile")
    }
}

fn forbidden() -> ApsError {
    ApsError::forbidden("The upsell token is not valid for this user.")
}

/// Checks `token` and that it names `login` (when given), an installed instance, an existing user
/// with that login and the APS id the token was signed for (a login deleted and created again is
/// another user), a user that is provisioned (`Ready`, or `Configuring` while a change runs) and not disabled, and the user's current
/// context. Every refusal is the same 403, so a caller learns nothing about other users.
pub async fn authorize(
    app: &App,
    token: Option<&str>,
    login: Option<&str>,
) -> Result<UserScope, ApsError> {
    let token = token
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApsError::forbidden("An upsell token is required."))?;
    let master = token::master_key(&app.secrets);
    let claims = token::verify(&master, token).map_err(|e| {
        tracing::info!(reason = %e, "upsell token refused");
        forbidden()
    })?;
    if login.is_some_and(|l| !l.eq_ignore_ascii_case(&claims.login)) {
        return Err(forbidden());
    }
    let instance = app
        .store
        .instance(&claims.instance)
        .await
        .map_err(internal)?
        .ok_or_else(forbidden)?;
    let row = app
        .store
        .by_natural_key(&instance.id, "user", &claims.login.to_ascii_lowercase())
        .await
        .map_err(internal)?
        .ok_or_else(forbidden)?;
    // A user being changed (a profile switch under way) is still the same user; one being
    // created, removed or whose creation failed is not a user to sell to.
    let usable = matches!(
        row.status,
        ResourceStatus::Ready | ResourceStatus::Configuring
    );
    if row.id != claims.user || !usable {
        return Err(forbidden());
    }
    let user = parse(&row)?;
    if user.str_prop("status") == Some("disabled") {
        return Err(forbidden());
    }
    let tenant_id = user.link_id("tenant").ok_or_else(forbidden)?.to_owned();
    let tenant_row = app
        .store
        .resource(&instance.id, &tenant_id)
        .await
        .map_err(internal)?
        .ok_or_else(forbidden)?;
    let tenant = parse(&tenant_row)?;
    if tenant.props.get("contextId").and_then(Value::as_i64) != Some(claims.context) {
        return Err(forbidden());
    }
    Ok(UserScope {
        instance,
        user_id: row.id,
        user,
        tenant_id,
        tenant,
    })
}

fn parse(row: &ResourceRow) -> Result<Resource, ApsError> {
    serde_json::from_value(row.body.clone()).map_err(internal)
}

/// A stored profile of the instance.
pub async fn profile(app: &App, instance: &str, id: &str) -> Result<Option<Resource>, ApsError> {
    let row = app.store.resource(instance, id).await.map_err(internal)?;
    row.filter(|r| r.service == "profile")
        .map(|r| parse(&r))
        .transpose()
}

/// The APS ids of the profiles a profile may be upgraded to: its `upgradeTo` links as stored with
/// the profile (when the body carries any), else as the controller knows them.
pub async fn upgrade_ids(
    app: &App,
    instance: &InstanceRow,
    profile_id: &str,
    profile: &Resource,
) -> Result<Vec<String>, ApsError> {
    if let Some(list) = profile
        .props
        .get("upgradeTo")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    {
        return Ok(list
            .iter()
            .filter_map(|l| l.pointer("/aps/id").and_then(Value::as_str))
            .map(str::to_owned)
            .collect());
    }
    let client = app.controller(instance).map_err(internal)?;
    let linked = client.linked(profile_id, "upgradeTo").await.map_err(|e| {
        tracing::warn!(error = %e, "reading a profile's upgrades from the controller");
        ApsError::unavailable("The upgrade options cannot be read right now; try again later.")
    })?;
    Ok(linked
        .iter()
        .filter_map(|r| r.id().map(str::to_owned))
        .collect())
}

fn strings(p: &Resource, key: &str) -> Vec<String> {
    p.props
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// What `target` grants that `current` does not: OX modules of its access combination, then
/// capabilities it adds.
pub fn adds(current: &Resource, target: &Resource) -> Vec<String> {
    let rights = |p: &Resource| {
        p.str_prop("accessCombination")
            .and_then(ox::access::combination)
            .map(|c| c.rights.to_vec())
            .unwrap_or_default()
    };
    let have = rights(current);
    let mut out: Vec<String> = rights(target)
        .into_iter()
        .filter(|r| !have.contains(r))
        .map(|r| r.to_string())
        .collect();
    let caps = strings(current, "capabilitiesAdd");
    for c in strings(target, "capabilitiesAdd") {
        if !caps.contains(&c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// A profile as the upsell API shows it.
pub fn profile_json(id: &str, p: &Resource) -> Value {
    json!({
        "id": id,
        "name": p.str_prop("name").unwrap_or(id),
        "accessCombination": p.str_prop("accessCombination"),
        "mailQuotaMb": p.props.get("mailQuotaMb").cloned().unwrap_or(Value::Null),
        "fileQuotaMb": p.props.get("fileQuotaMb").cloned().unwrap_or(Value::Null),
    })
}

/// The purchase requests of a tenant (one indexed query, not the whole instance).
pub async fn requests_of_tenant(
    app: &App,
    instance: &str,
    tenant_id: &str,
) -> Result<Vec<ResourceRow>, ApsError> {
    app.store
        .children(instance, tenant_id, Some(SERVICE))
        .await
        .map_err(internal)
}

/// The pending request of the user `login` among `rows` (the tenant's requests), if any.
pub fn pending_among(rows: Vec<ResourceRow>, login: &str) -> Option<ResourceRow> {
    rows.into_iter().find(|r| {
        r.body
            .get("userLogin")
            .and_then(Value::as_str)
            .is_some_and(|l| l.eq_ignore_ascii_case(login))
            && r.body.get("state").and_then(Value::as_str) == Some("pending")
    })
}

/// The pending purchase request of the user `login` of tenant `tenant_id`, if any.
pub async fn pending_of(
    app: &App,
    instance: &str,
    tenant_id: &str,
    login: &str,
) -> Result<Option<ResourceRow>, ApsError> {
    Ok(pending_among(
        requests_of_tenant(app, instance, tenant_id).await?,
        login,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(v: Value) -> Resource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn adds_lists_new_modules_and_capabilities() {
        let free = res(json!({"aps": {}, "accessCombination": "webmail"}));
        let paid = res(
            json!({"aps": {}, "accessCombination": "groupware_premium", "capabilitiesAdd": ["guard"]}),
        );
        let a = adds(&free, &paid);
        assert!(a.contains(&"guard".to_owned()), "{a:?}");
        assert!(a.len() > 1, "{a:?}");
        assert!(adds(&paid, &paid).is_empty());
    }
}
