//! Write semantics of OX's `AbstractAdvertisementConfigService`.

use serde_json::Value;

use super::{Ads, AdsError, CacheKey, resolve};
use crate::store::{Store, ads, contexts, users};

/// OX's `ConfigResultType` (ERROR is an `Err`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigResult {
    /// A config was inserted.
    Created,
    /// An existing config was replaced.
    Updated,
    /// The config was removed.
    Deleted,
    /// Removal of something that did not exist.
    Ignored,
}

impl ConfigResult {
    /// The name OX's REST API reports.
    pub fn name(self) -> &'static str {
        match self {
            ConfigResult::Created => "CREATED",
            ConfigResult::Updated => "UPDATED",
            ConfigResult::Deleted => "DELETED",
            ConfigResult::Ignored => "IGNORED",
        }
    }
}

fn text(v: &Value) -> String {
    v.to_string()
}

/// `setConfig(reseller, package, config)`; `None` deletes. `reseller`/`package` must
/// already be defaulted (see [`super::or_default`]).
pub async fn set_package(
    store: &Store,
    cache: &Ads,
    reseller: &str,
    package: &str,
    config: Option<&Value>,
) -> Result<ConfigResult, AdsError> {
    let mut w = store.write().await?;
    let c = &mut *w.tx;
    let result = match (ads::mapped(c, reseller, package).await?, config) {
        (None, None) => ConfigResult::Ignored,
        (None, Some(v)) => {
            let id = ads::insert_config(c, reseller, &text(v)).await?;
            ads::replace_mapping(c, reseller, package, id).await?;
            ConfigResult::Created
        }
        (Some((id, _)), Some(v)) => {
            if ads::update_config(c, id, &text(v)).await? {
                ConfigResult::Updated
            } else {
                let id = ads::insert_config(c, reseller, &text(v)).await?;
                ads::replace_mapping(c, reseller, package, id).await?;
                ConfigResult::Created
            }
        }
        (Some((id, _)), None) => {
            ads::delete_config(c, id).await?;
            ads::delete_mapping(c, reseller, package).await?;
            ConfigResult::Deleted
        }
    };
    w.commit().await?;
    cache.evict(&CacheKey::Package(
        reseller.to_string(),
        package.to_string(),
    ));
    Ok(result)
}

/// `setConfig(userId, ctxId, config)`: the preview of one user; `None` deletes.
pub async fn set_preview(
    store: &Store,
    cache: &Ads,
    cid: i64,
    uid: i64,
    config: Option<&Value>,
) -> Result<ConfigResult, AdsError> {
    let mut w = store.write().await?;
    let c = &mut *w.tx;
    let no_user = || AdsError::NoSuchUser {
        user: uid.to_string(),
        context: cid,
    };
    let ctx = contexts::get(c, cid).await?.ok_or_else(no_user)?;
    users::get(c, cid, uid).await?.ok_or_else(no_user)?;
    let (reseller, _) = resolve::reseller_of(c, &ctx).await?;
    let result = match (ads::preview_id(c, cid, uid).await?, config) {
        (None, None) => ConfigResult::Ignored,
        (None, Some(v)) => {
            let id = ads::insert_config(c, &reseller, &text(v)).await?;
            ads::set_preview_id(c, cid, uid, Some(id)).await?;
            ConfigResult::Created
        }
        (Some(id), Some(v)) => {
            if ads::update_config(c, id, &text(v)).await? {
                ConfigResult::Updated
            } else {
                let id = ads::insert_config(c, &reseller, &text(v)).await?;
                ads::set_preview_id(c, cid, uid, Some(id)).await?;
                ConfigResult::Created
            }
        }
        (Some(id), None) => {
            ads::delete_config(c, id).await?;
            ads::set_preview_id(c, cid, uid, None).await?;
            ConfigResult::Deleted
        }
    };
    w.commit().await?;
    cache.evict(&CacheKey::User(cid, uid));
    Ok(result)
}

/// `setConfigByName(name, ctxId, config)`: the preview of the user with this login.
pub async fn set_preview_by_name(
    store: &Store,
    cache: &Ads,
    name: &str,
    cid: i64,
    config: Option<&Value>,
) -> Result<ConfigResult, AdsError> {
    let uid = {
        let mut c = store.conn().await?;
        users::id_by_name(&mut c, cid, name).await?
    };
    let uid = uid.ok_or_else(|| AdsError::NoSuchUser {
        user: name.to_string(),
        context: cid,
    })?;
    set_preview(store, cache, cid, uid, config).await
}
