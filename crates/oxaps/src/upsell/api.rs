//! The two JSON endpoints the upsell page (or an OX UI plugin) calls:
//! `GET api/getupsellresources/<login>` and `POST api/createrequest`.

use aps::ApsError;
use aps::controller::ControllerError;
use serde_json::{Value, json};

use super::options::{self, SERVICE, UserScope};
use crate::app::App;
use crate::services::internal;

/// `GET getupsellresources/<login>`: the user's current profile, the profiles it may move to (with
/// what each adds and whether a request for it is pending) and the pending request.
pub async fn resources(app: &App, token: Option<&str>, login: &str) -> Result<Value, ApsError> {
    let scope = options::authorize(app, token, Some(login)).await?;
    let instance = scope.instance.id.clone();
    let (current_id, current) = current_profile(app, &scope).await?;
    let pending = options::pending_of(app, &instance, &scope.tenant_id, scope.login()).await?;
    let pending_profile = pending
        .as_ref()
        .and_then(|r| r.body.get("requestedProfile").and_then(Value::as_str))
        .map(str::to_owned);
    let mut list = Vec::new();
    for id in options::upgrade_ids(app, &scope.instance, &current_id, &current).await? {
        let Some(p) = options::profile(app, &instance, &id).await? else {
            continue;
        };
        let mut entry = options::profile_json(&id, &p);
        entry["adds"] = json!(options::adds(&current, &p));
        entry["pending"] = json!(pending_profile.as_deref() == Some(id.as_str()));
        list.push(entry);
    }
    Ok(json!({
        "login": scope.login(),
        "currentProfile": options::profile_json(&current_id, &current),
        "options": list,
        "pendingRequest": pending.map(|r| r.id),
    }))
}

async fn current_profile(
    app: &App,
    scope: &UserScope,
) -> Result<(String, aps::Resource), ApsError> {
    let id = scope
        .profile_id()
        .ok_or_else(|| internal("user without profile"))?
        .to_owned();
    let p = options::profile(app, &scope.instance.id, &id)
        .await?
        .ok_or_else(|| internal(format!("profile {id} of a user is not stored")))?;
    Ok((id, p))
}

/// `POST createrequest` with `{"token"?, "login", "requestedProfile", "missing"?}`: creates the
/// purchase request through the controller (so it is registered and linked to the tenant; the
/// controller provisions it here). Returns the stored request. Whether the profile is an upgrade
/// is checked once, by the admission the controller calls (its 400 passes through); only a request
/// already pending is refused here, before calling the controller.
pub async fn create(app: &App, bearer: Option<&str>, body: &Value) -> Result<Value, ApsError> {
    let field = |k: &str| body.get(k).and_then(Value::as_str).map(str::trim);
    let token = field("token").or(bearer);
    let login = field("login")
        .filter(|l| !l.is_empty())
        .ok_or_else(|| ApsError::bad_request("login is required."))?;
    let scope = options::authorize(app, token, Some(login)).await?;
    let requested = field("requestedProfile")
        .filter(|p| !p.is_empty())
        .ok_or_else(|| ApsError::bad_request("requestedProfile is required."))?;
    let instance = scope.instance.id.clone();
    // A request still pending (also one whose creation answer was lost and the browser retries).
    if let Some(p) = options::pending_of(app, &instance, &scope.tenant_id, scope.login()).await? {
        return Err(pending_conflict(&p.id));
    }
    let mut request = json!({
        "aps": {"type": crate::types::type_id(SERVICE)},
        "userLogin": scope.login(),
        "requestedProfile": requested,
        "user": {"aps": {"id": scope.user_id}},
    });
    if let Some(m) = field("missing").filter(|m| !m.is_empty() && !m.starts_with('$')) {
        request["missingCapability"] = json!(m.chars().take(256).collect::<String>());
    }
    let client = app.controller(&scope.instance).map_err(internal)?;
    let created = client
        .create_linked(&scope.tenant_id, "purchaserequests", &request)
        .await
        .map_err(controller_refusal)?;
    let id = created
        .id()
        .ok_or_else(|| internal("the controller created a purchase request without id"))?;
    let stored = app.store.resource(&instance, id).await.map_err(internal)?;
    Ok(match stored {
        Some(row) => row.body,
        None => created.to_value(),
    })
}

/// The 409 for a user who already has a pending request.
pub fn pending_conflict(id: &str) -> ApsError {
    ApsError::conflict(format!(
        "An upgrade request of this user is already pending ({id}); the administrator will decide on it."
    ))
}

/// A refusal from the controller (our own admission's 4xx passes through it) or a failure.
fn controller_refusal(e: ControllerError) -> ApsError {
    match e {
        ControllerError::Status {
            status, message, ..
        } if (400..500).contains(&status) => ApsError::new(status, "Exception", message),
        other => {
            tracing::warn!(error = %other, "creating a purchase request through the controller");
            ApsError::unavailable("The request could not be registered right now; try again later.")
        }
    }
}
