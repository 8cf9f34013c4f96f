//! What a user gets: `AdvertisementConfigService.getConfig(session)`.

use serde_json::Value;
use sqlx::AnyConnection;

use super::props::{AdsSettings, Scheme};
use super::{Ads, AdsError, CacheKey, DEFAULT};
use crate::domain::access;
use crate::domain::args::map_map;
use crate::model::{ContextRow, UserRow};
use crate::store::{Store, ads, contexts, resellers, users};

/// The reseller (subadmin) name owning a context and its id; `default` (no id) for
/// contexts of the master admin.
pub async fn reseller_of(
    c: &mut AnyConnection,
    ctx: &ContextRow,
) -> Result<(String, Option<i64>), sqlx::Error> {
    if ctx.owner_id == 0 {
        return Ok((DEFAULT.to_string(), None));
    }
    Ok(match resellers::get(c, ctx.owner_id).await? {
        Some(r) => (r.name, Some(r.id)),
        None => (DEFAULT.to_string(), None),
    })
}

fn list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_str)
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The package of a user under a scheme.
pub fn package(
    settings: &AdsSettings,
    scheme: Scheme,
    reseller: (&str, Option<i64>),
    ctx: &ContextRow,
    user: &UserRow,
) -> String {
    match scheme {
        Scheme::Global => DEFAULT.to_string(),
        Scheme::AccessCombinations => access::name_of(&user.access).unwrap_or(DEFAULT).to_string(),
        Scheme::TaxonomyTypes => {
            let wanted = settings.taxonomy_types(reseller.0, reseller.1);
            let user_attrs = map_map(user.data.get("userAttributes"));
            let user_types = list(
                user_attrs
                    .get("config")
                    .and_then(|m| m.get("com.openexchange.config.cascade.types")),
            );
            let ctx_types = list(ctx.attrs.get("taxonomy").and_then(|m| m.get("types")));
            [user_types, ctx_types]
                .iter()
                .find_map(|have| wanted.iter().find(|w| have.contains(w)).cloned())
                .unwrap_or_else(|| DEFAULT.to_string())
        }
    }
}

fn parse(text: &str) -> Result<Value, AdsError> {
    serde_json::from_str(text).map_err(|e| AdsError::Parse(e.to_string()))
}

/// The configuration for a user: preview, else the (reseller, package) config.
pub async fn get_config(store: &Store, cache: &Ads, cid: i64, uid: i64) -> Result<Value, AdsError> {
    let not_found = || AdsError::NotFound {
        user: uid,
        context: cid,
    };
    let Some(settings) = cache.settings() else {
        return Err(not_found());
    };
    let user_key = CacheKey::User(cid, uid);
    if let Some(v) = cache.cached(&user_key) {
        return Ok(v);
    }
    let mut c = store.conn().await?;
    if let Some(id) = ads::preview_id(&mut c, cid, uid).await?
        && let Some(text) = ads::config(&mut c, id).await?
    {
        let v = parse(&text)?;
        cache.cache_put(user_key, v.clone());
        return Ok(v);
    }
    let ctx = contexts::get(&mut c, cid).await?.ok_or_else(not_found)?;
    let user = users::get(&mut c, cid, uid).await?.ok_or_else(not_found)?;
    let (reseller, rid) = reseller_of(&mut c, &ctx).await?;
    let scheme = settings.scheme(&reseller, rid);
    let pack = package(&settings, scheme, (&reseller, rid), &ctx, &user);
    let key = CacheKey::Package(reseller.clone(), pack.clone());
    if let Some(v) = cache.cached(&key) {
        return Ok(v);
    }
    match ads::mapped(&mut c, &reseller, &pack).await? {
        Some((_, Some(text))) => {
            let v = parse(&text)?;
            cache.cache_put(key, v.clone());
            Ok(v)
        }
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx(attrs: Value) -> ContextRow {
        ContextRow {
            id: 1,
            name: "c".into(),
            enabled: true,
            max_quota: -1,
            used_quota: 0,
            filestore_id: 1,
            owner_id: 0,
            customid: None,
            attrs: attrs.as_object().cloned().unwrap_or_default(),
            caps: Default::default(),
            restrictions: vec![],
            next_principal: 3,
            mappings: vec![],
        }
    }

    fn user(access: &str, data: Value) -> UserRow {
        UserRow {
            context_id: 1,
            id: 3,
            name: "u".into(),
            display_name: "U".into(),
            primary_email: "u@x".into(),
            is_admin: false,
            password_hash: String::new(),
            access: access::for_user(access::combination(access).unwrap_or_default(), false),
            used_quota: 0,
            caps: Default::default(),
            data: data.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn packages_per_scheme() {
        let s = AdsSettings::parse("com.openexchange.advertisement.b.taxonomy.types=gold,free")
            .unwrap();
        let c = ctx(json!({"taxonomy": {"types": "x, free"}}));
        let u = user("groupware_premium", json!({}));
        let r = ("b", Some(1));
        assert_eq!(package(&s, Scheme::Global, r, &c, &u), "default");
        assert_eq!(
            package(&s, Scheme::AccessCombinations, r, &c, &u),
            "groupware_premium"
        );
        assert_eq!(package(&s, Scheme::TaxonomyTypes, r, &c, &u), "free");
        let u2 = user(
            "webmail",
            json!({"userAttributes": {"entries": [{"key": "config",
            "value": {"entries": [{"key": "com.openexchange.config.cascade.types", "value": "gold"}]}}]}}),
        );
        assert_eq!(package(&s, Scheme::TaxonomyTypes, r, &c, &u2), "gold");
        assert_eq!(
            package(&s, Scheme::TaxonomyTypes, ("other", None), &c, &u2),
            "default"
        );
        let mut odd = user("webmail", json!({}));
        odd.access.insert("olox20".into());
        assert_eq!(
            package(&s, Scheme::AccessCombinations, r, &c, &odd),
            "default"
        );
    }
}
