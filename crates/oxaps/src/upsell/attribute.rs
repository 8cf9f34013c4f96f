//! The upsell URL of an OX user, and putting it on the user as a config-cascade attribute.
//!
//! OX's `simple-wizard` plugin opens `plugins/upsell/simple-wizard//url` in an iframe, filling
//! `$missing`, `$language`, ... The URL carries the user's signed token, so it is set per user:
//! user attribute namespace `config`, key `plugins/upsell/simple-wizard//url` (UNCONFIRMED that
//! the UI reads this setting from the user's config cascade; see docs/upsell.md for the fallback).

use aps::Resource;
use ox::{SoapStringMapMap, User};
use oxaps_jobs::JobError;
use serde_json::Value;

use super::token::{self, Claims};
use crate::app::App;
use crate::model::JobCx;
use crate::model::tenant::{OxScope, ox_failure};
use crate::ox_link::OxMode;

/// The user-attribute namespace of config-cascade settings.
pub const NAMESPACE: &str = "config";
/// The simple-wizard setting holding the iframe URL.
pub const KEY: &str = "plugins/upsell/simple-wizard//url";
/// The globals property naming oxaps's public base URL as browsers reach it (scheme, host, port).
pub const PUBLIC_URL_PROP: &str = "upsellBaseUrl";

/// The upsell URL: `<public><base>api/upsell?t=<token>&missing=$missing&lang=$language`.
pub fn user_url(public: &str, base_path: &str, token: &str) -> String {
    let base = if base_path.starts_with('/') {
        base_path.to_owned()
    } else {
        format!("/{base_path}")
    };
    let base = if base.ends_with('/') {
        base
    } else {
        format!("{base}/")
    };
    format!(
        "{}{base}api/upsell?t={token}&missing=$missing&lang=$language",
        public.trim().trim_end_matches('/')
    )
}

/// The instance's public base URL (globals `upsellBaseUrl`), if set.
pub async fn public_url(app: &App, instance: &str) -> Result<Option<String>, String> {
    let row = app
        .store
        .resource(instance, instance)
        .await
        .map_err(|e| e.to_string())?;
    Ok(row
        .and_then(|r| {
            r.body
                .get(PUBLIC_URL_PROP)
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .filter(|s| !s.trim().is_empty()))
}

/// The upsell URL of the user `user_id` (APS id) with `login` in OX context `context`, or `None`
/// when no public URL is configured.
pub async fn url_for(
    app: &App,
    instance: &str,
    login: &str,
    user_id: &str,
    context: i64,
) -> Result<Option<String>, String> {
    let Some(public) = public_url(app, instance).await? else {
        return Ok(None);
    };
    let master = token::master_key(&app.secrets);
    let t = token::sign(
        &master,
        &Claims {
            instance: instance.to_owned(),
            context,
            login: login.to_owned(),
            user: user_id.to_owned(),
        },
    );
    Ok(Some(user_url(&public, &app.base_path, &t)))
}

/// Sets the upsell URL on a new (or adopted) OX user. Without a configured public URL it does
/// nothing; a permanent OX refusal is logged and does not fail the user.
pub async fn set_on_user(
    cx: &JobCx,
    scope: &OxScope,
    ox_user_id: i32,
    user: &Resource,
) -> Result<(), JobError> {
    let login = user.str_prop("login").unwrap_or_default();
    let url = url_for(
        &cx.app,
        &cx.instance.id,
        login,
        &cx.resource_id,
        i64::from(scope.context_id),
    )
    .await
    .map_err(JobError::transient)?;
    let Some(url) = url else {
        tracing::debug!("no upsellBaseUrl in the globals: the upsell URL is not set on OX users");
        return Ok(());
    };
    let mut attributes = SoapStringMapMap::default();
    attributes.set(NAMESPACE, KEY, url);
    let change = User {
        id: Some(ox_user_id),
        user_attributes: Some(attributes),
        ..Default::default()
    };
    let done = match scope.mode {
        OxMode::OnPremise => {
            scope
                .ox
                .users()
                .change(&scope.context(), &change, &scope.credentials)
                .await
        }
        OxMode::Cloud => {
            scope
                .ox
                .reseller_users()
                .change(&scope.reseller_context(), &change, &scope.credentials)
                .await
        }
    };
    match done.map_err(|e| ox_failure("setting the OX user's upsell URL", e)) {
        Ok(()) => Ok(()),
        Err(JobError::Permanent(reason)) => {
            tracing::warn!(%reason, "the upsell URL could not be set on the OX user");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_carries_token_and_placeholders() {
        assert_eq!(
            user_url("https://aps.example/", "/openxchange/", "abc.def"),
            "https://aps.example/openxchange/api/upsell?t=abc.def&missing=$missing&lang=$language"
        );
        assert_eq!(
            user_url("https://aps.example", "/", "x"),
            "https://aps.example/api/upsell?t=x&missing=$missing&lang=$language"
        );
    }
}
