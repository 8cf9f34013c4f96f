//! OX Display advertisement configurations (`com.openexchange.advertisement`), managed from APS.
//!
//! A profile's `adConfig` is the configuration of the packages it stands for — its access
//! combination (scheme `AccessCombinations`) and, if set, its taxonomy type (scheme
//! `TaxonomyTypes`) — under the reseller of its brand (`default` without one). A brand's
//! `adConfig` is its reseller's `Global` configuration (package `default`). The model jobs push
//! them through OX's admin REST API (`/advertisement/v1`, globals `oxRestUrl`, `oxRestLogin`,
//! `oxRestPassword`); clearing one or unprovisioning deletes it. Previews for single users are
//! kept on the profile (`adPreviews`) and pushed the same way (see [`ops`]).

pub mod ops;
pub mod taxonomy;

use std::collections::BTreeMap;
use std::time::Duration;

use aps::{ApsError, Resource};
use ox::ads::{AdsClient, AdsError};
use oxaps_jobs::JobError;
use serde_json::{Value, json};

use super::JobCx;
use crate::app::App;

/// The largest configuration accepted, in characters.
pub const MAX_AD_CONFIG: usize = 2048;

/// The reseller of resources without a brand, and the package of the `Global` scheme.
pub const DEFAULT: &str = "default";

/// Checks a configuration text: JSON (an object or an array), at most [`MAX_AD_CONFIG`] characters.
pub fn check_config_text(text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_AD_CONFIG {
        return Err(format!(
            "The advertisement configuration is longer than {MAX_AD_CONFIG} characters."
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(_) | Value::Array(_)) => Ok(()),
        Ok(_) => Err("The advertisement configuration must be a JSON object or array.".into()),
        Err(e) => Err(format!(
            "The advertisement configuration is not valid JSON: {e}"
        )),
    }
}

/// Checks a body's `adConfig` (absent, null or empty means none).
pub fn check_ad_config(body: &Resource) -> Result<(), ApsError> {
    match body.props.get("adConfig") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(()),
        Some(Value::String(s)) => check_config_text(s).map_err(ApsError::bad_request),
        Some(_) => Err(ApsError::bad_request(
            "adConfig must be a string holding JSON.",
        )),
    }
}

/// The configuration a body holds, if any.
pub fn config_of(body: &Resource) -> Option<&str> {
    body.str_prop("adConfig").filter(|s| !s.trim().is_empty())
}

/// The package names a profile stands for: its access combination and its taxonomy type.
pub fn packages(profile: &Resource) -> Vec<String> {
    let mut out = Vec::new();
    for k in ["accessCombination", "taxonomyType"] {
        if let Some(p) = profile.str_prop(k).map(str::trim).filter(|s| !s.is_empty())
            && !out.iter().any(|o| o == p)
        {
            out.push(p.to_owned());
        }
    }
    out
}

/// A user's preview configurations kept on a profile: APS user id → configuration text.
pub fn previews(profile: &Resource) -> BTreeMap<String, String> {
    profile
        .props
        .get("adPreviews")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("userId")?.as_str()?.to_owned(),
                p.get("config")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Writes the previews into a profile body.
pub fn set_previews(profile: &mut Resource, previews: &BTreeMap<String, String>) {
    if previews.is_empty() {
        profile.props.remove("adPreviews");
    } else {
        let list: Vec<Value> = previews
            .iter()
            .map(|(u, c)| json!({"userId": u, "config": c}))
            .collect();
        profile
            .props
            .insert("adPreviews".into(), Value::Array(list));
    }
}

/// Why the advertisement API cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RestUnavailable {
    /// The globals lack the REST settings.
    #[error("{0}")]
    NotConfigured(String),
    /// Anything else (store, client).
    #[error("{0}")]
    Other(String),
}

impl From<RestUnavailable> for JobError {
    fn from(e: RestUnavailable) -> Self {
        match e {
            RestUnavailable::NotConfigured(m) => JobError::permanent(m),
            RestUnavailable::Other(m) => JobError::transient(m),
        }
    }
}

/// The settings in a globals body: base URL (`oxRestUrl`, else the base of `oxSoapUrl`), login
/// and password (may be empty).
pub fn rest_settings(globals: &Resource) -> Option<(String, String, String)> {
    let get = |k: &str| {
        globals
            .str_prop(k)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let base = get("oxRestUrl").or_else(|| {
        get("oxSoapUrl").map(|s| {
            s.trim_end_matches('/')
                .trim_end_matches("/webservices")
                .to_owned()
        })
    })?;
    Some((
        base,
        get("oxRestLogin").unwrap_or_default(),
        get("oxRestPassword").unwrap_or_default(),
    ))
}

/// The advertisement client of an instance. `admin` requires the REST credentials.
pub async fn client(
    app: &App,
    instance_id: &str,
    admin: bool,
) -> Result<AdsClient, RestUnavailable> {
    let other = |e: &dyn std::fmt::Display| RestUnavailable::Other(e.to_string());
    let row = app
        .store
        .resource(instance_id, instance_id)
        .await
        .map_err(|e| other(&e))?
        .ok_or_else(|| {
            RestUnavailable::NotConfigured("the application instance is not installed".into())
        })?;
    let mut globals: Resource = serde_json::from_value(row.body).map_err(|e| other(&e))?;
    if let Some(def) = crate::types::of("globals") {
        crate::services::sealing::open(&def, &app.secrets, &mut globals.props)
            .map_err(|e| other(&e))?;
    }
    let (base, login, password) = rest_settings(&globals).ok_or_else(|| {
        RestUnavailable::NotConfigured(
            "the application instance has no OX URL (globals oxRestUrl or oxSoapUrl)".into(),
        )
    })?;
    if admin && (login.is_empty() || password.is_empty()) {
        return Err(RestUnavailable::NotConfigured(
            "the application instance has no OX REST credentials (globals oxRestLogin, oxRestPassword)".into(),
        ));
    }
    let mut config = ox::OxConfig::new(base);
    config.timeout = Duration::from_secs(app.config.ox_timeout_secs);
    AdsClient::new(&config, login, password).map_err(|e| other(&e))
}

/// Maps an advertisement API failure to the job taxonomy.
pub fn job_error(what: &str, e: AdsError) -> JobError {
    if e.is_transient() {
        JobError::transient(format!("{what}: {e}"))
    } else {
        JobError::permanent(format!("{what}: {e}"))
    }
}

/// The reseller of a profile: the name of its brand, else `default`.
async fn reseller_of(cx: &JobCx, profile: &Resource) -> Result<String, JobError> {
    let Some(brand) = profile.link_id("brand") else {
        return Ok(DEFAULT.into());
    };
    let row = cx
        .app
        .store
        .resource(&cx.instance.id, brand)
        .await
        .map_err(JobError::transient)?;
    Ok(row
        .and_then(|r| {
            r.body
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| DEFAULT.into()))
}

type Pairs = BTreeMap<(String, String), String>;

async fn profile_pairs(cx: &JobCx, body: Option<&Resource>) -> Result<Pairs, JobError> {
    let mut out = Pairs::new();
    if let Some(b) = body
        && let Some(cfg) = config_of(b)
    {
        let reseller = reseller_of(cx, b).await?;
        for p in packages(b) {
            out.insert((reseller.clone(), p), cfg.to_owned());
        }
    }
    Ok(out)
}

fn brand_pairs(body: Option<&Resource>) -> Pairs {
    let mut out = Pairs::new();
    if let Some(b) = body
        && let Some(cfg) = config_of(b)
    {
        let name = b.str_prop("name").unwrap_or(DEFAULT).trim();
        let name = if name.is_empty() { DEFAULT } else { name };
        out.insert((name.to_owned(), DEFAULT.to_owned()), cfg.to_owned());
    }
    out
}

/// Makes OX hold `want` where it held `had`: deletes what is gone, puts the rest (idempotent).
async fn sync(cx: &JobCx, had: &Pairs, want: &Pairs) -> Result<Option<AdsClient>, JobError> {
    if had.is_empty() && want.is_empty() {
        return Ok(None);
    }
    let api = client(&cx.app, &cx.instance.id, true).await?;
    for (r, p) in had.keys().filter(|k| !want.contains_key(*k)) {
        api.delete_package(r, p)
            .await
            .map_err(|e| job_error("deleting the advertisement configuration", e))?;
    }
    for ((r, p), cfg) in want {
        api.put_package(r, p, cfg)
            .await
            .map_err(|e| job_error("setting the advertisement configuration", e))?;
    }
    Ok(Some(api))
}

/// Applies a profile's advertisement change (`None` = not there) to OX: package configurations
/// and previews.
pub async fn push_profile(
    cx: &JobCx,
    old: Option<&Resource>,
    new: Option<&Resource>,
) -> Result<(), JobError> {
    let had = profile_pairs(cx, old).await?;
    let want = profile_pairs(cx, new).await?;
    sync(cx, &had, &want).await?;
    let before = old.map(previews).unwrap_or_default();
    let after = new.map(previews).unwrap_or_default();
    if before != after {
        ops::push_previews(cx, &before, &after).await?;
    }
    Ok(())
}

/// Applies a brand's `Global` advertisement change to OX.
pub async fn push_brand(
    cx: &JobCx,
    old: Option<&Resource>,
    new: Option<&Resource>,
) -> Result<(), JobError> {
    sync(cx, &brand_pairs(old), &brand_pairs(new))
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(v: Value) -> Resource {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn configs_are_json_and_limited() {
        assert!(check_config_text(r#"{"ads": [1]}"#).is_ok());
        assert!(check_config_text("[]").is_ok());
        assert!(check_config_text("{").is_err());
        assert!(check_config_text("42").is_err());
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_AD_CONFIG));
        assert!(check_config_text(&long).is_err());
        assert!(check_ad_config(&res(json!({"aps": {}, "adConfig": ""}))).is_ok());
        assert!(check_ad_config(&res(json!({"aps": {}, "adConfig": 5}))).is_err());
        assert!(check_ad_config(&res(json!({"aps": {}, "adConfig": "nope"}))).is_err());
    }

    #[test]
    fn packages_are_combination_and_taxonomy() {
        let p = res(json!({"aps": {}, "accessCombination": "webmail", "taxonomyType": "free"}));
        assert_eq!(packages(&p), vec!["webmail", "free"]);
        let p = res(json!({"aps": {}, "accessCombination": "webmail", "taxonomyType": " "}));
        assert_eq!(packages(&p), vec!["webmail"]);
    }

    #[test]
    fn previews_round_trip() {
        let mut p = res(json!({"aps": {}}));
        let mut m = BTreeMap::new();
        m.insert("u1".to_owned(), "{}".to_owned());
        set_previews(&mut p, &m);
        assert_eq!(previews(&p), m);
        set_previews(&mut p, &BTreeMap::new());
        assert!(!p.props.contains_key("adPreviews"));
    }

    #[test]
    fn rest_url_falls_back_to_the_soap_base() {
        let g =
            res(json!({"aps": {}, "oxSoapUrl": "http://ox:8009/webservices/", "oxRestLogin": "r"}));
        let (base, login, pw) = rest_settings(&g).unwrap();
        assert_eq!(
            (base.as_str(), login.as_str(), pw.as_str()),
            ("http://ox:8009", "r", "")
        );
        let g = res(json!({"aps": {}, "oxSoapUrl": "http://ox", "oxRestUrl": "https://rest"}));
        assert_eq!(rest_settings(&g).unwrap().0, "https://rest");
        assert!(rest_settings(&res(json!({"aps": {}}))).is_none());
    }

    #[test]
    fn brand_configs_are_global() {
        let b = res(json!({"aps": {}, "name": "acme", "adConfig": "{}"}));
        let pairs = brand_pairs(Some(&b));
        assert_eq!(
            pairs.keys().cloned().collect::<Vec<_>>(),
            vec![("acme".to_owned(), "default".to_owned())]
        );
        assert!(brand_pairs(Some(&res(json!({"aps": {}, "name": "acme"})))).is_empty());
    }
}
