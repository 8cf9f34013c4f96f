//! OX Display server-side advertisement configuration (OX's `com.openexchange.advertisement`):
//! settings from an `advertisement.properties` equivalent, the write semantics of
//! `AbstractAdvertisementConfigService`, resolution of a user's configuration with
//! previews, the cache and `removeConfigurations`.

pub mod props;
mod remove;
mod resolve;
mod write;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde_json::Value;

pub use props::{AdsSettings, PropsError, Scheme};
pub use remove::remove_configurations;
pub use resolve::get_config;
pub use write::{ConfigResult, set_package, set_preview, set_preview_by_name};

/// `PACKAGE_ALL` / `RESELLER_ALL`.
pub const DEFAULT: &str = "default";

/// Errors of the advertisement service.
#[derive(Debug, thiserror::Error)]
pub enum AdsError {
    /// Database error (OX: ADVERTISEMENT-0001).
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Nothing configured for the user (OX: ADVERTISEMENT-0002).
    #[error("No valid configurations available for user {user} in context {context}")]
    NotFound {
        /// User id.
        user: i64,
        /// Context id.
        context: i64,
    },
    /// A stored config is not JSON (OX: ADVERTISEMENT-0003).
    #[error("Unable to parse configuration: {0}")]
    Parse(String),
    /// Unknown user or context in a preview call.
    #[error("No such user {user} in context {context}")]
    NoSuchUser {
        /// User id or name.
        user: String,
        /// Context id.
        context: i64,
    },
}

/// Cache keys (OX: `(ctxId, userId)` for previews, `(-1, reseller, package)`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CacheKey {
    /// A user's preview.
    User(i64, i64),
    /// A package configuration.
    Package(String, String),
}

/// A UI session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Context id.
    pub context_id: i64,
    /// User id.
    pub user_id: i64,
}

/// Runtime state of the advertisement service.
pub struct Ads {
    path: Option<PathBuf>,
    settings: RwLock<Option<Arc<AdsSettings>>>,
    cache: Mutex<HashMap<CacheKey, Value>>,
    sessions: Mutex<HashMap<String, Session>>,
}

impl fmt::Debug for Ads {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ads")
            .field("path", &self.path)
            .field("enabled", &self.settings().is_some())
            .finish_non_exhaustive()
    }
}

impl Ads {
    /// Loads the settings file if one is configured (none: the feature is off).
    pub fn new(path: Option<PathBuf>) -> Result<Ads, PropsError> {
        let settings = path
            .as_deref()
            .map(AdsSettings::load)
            .transpose()?
            .map(Arc::new);
        Ok(Ads {
            path,
            settings: RwLock::new(settings),
            cache: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
        })
    }

    /// Current settings; None when the feature is off.
    pub fn settings(&self) -> Option<Arc<AdsSettings>> {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Re-reads the settings file (OX's `reloadconfiguration`) and clears the cache.
    /// On error the old settings stay in force.
    pub fn reload(&self) -> Result<(), PropsError> {
        if let Some(p) = &self.path {
            let s = AdsSettings::load(p)?;
            *self
                .settings
                .write()
                .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(s));
        }
        self.clear_cache();
        Ok(())
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<CacheKey, Value>> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A cached value.
    pub fn cached(&self, k: &CacheKey) -> Option<Value> {
        self.cache().get(k).cloned()
    }

    fn cache_put(&self, k: CacheKey, v: Value) {
        self.cache().insert(k, v);
    }

    /// Evicts one key.
    pub fn evict(&self, k: &CacheKey) {
        self.cache().remove(k);
    }

    /// Clears the whole region.
    pub fn clear_cache(&self) {
        self.cache().clear();
    }

    /// Number of cached entries.
    pub fn cache_len(&self) -> usize {
        self.cache().len()
    }

    /// Opens a session and returns its id (32 random hex digits).
    pub fn open_session(&self, s: Session) -> String {
        let id: [u8; 16] = rand::random();
        let id = hex::encode(id);
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), s);
        id
    }

    /// The session with this id.
    pub fn session(&self, id: &str) -> Option<Session> {
        self.sessions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }
}

/// `""` becomes `default` (OX does the same for reseller and package).
pub fn or_default(s: Option<&str>) -> String {
    match s.map(str::trim) {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => DEFAULT.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_without_file_and_cache_ops() {
        let a = Ads::new(None).unwrap();
        assert!(a.settings().is_none());
        a.cache_put(CacheKey::User(1, 2), Value::Null);
        a.cache_put(CacheKey::Package("a".into(), "b".into()), Value::Bool(true));
        a.evict(&CacheKey::User(1, 2));
        assert_eq!(a.cache_len(), 1);
        a.reload().unwrap();
        assert_eq!(a.cache_len(), 0);
        assert_eq!(or_default(Some(" ")), "default");
        assert_eq!(or_default(Some("x")), "x");
        assert_eq!(or_default(None), "default");
    }

    #[test]
    fn sessions_are_random_and_found() {
        let a = Ads::new(None).unwrap();
        let s = Session {
            context_id: 1,
            user_id: 3,
        };
        let x = a.open_session(s.clone());
        let y = a.open_session(s.clone());
        assert_ne!(x, y);
        assert_eq!(x.len(), 32);
        assert_eq!(a.session(&x), Some(s));
        assert_eq!(a.session("nope"), None);
    }
}
