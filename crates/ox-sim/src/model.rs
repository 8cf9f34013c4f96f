//! Stored records. The store reads and writes them; the domain rules change them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Capability changes of a context or user (OX keeps added and removed sets).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caps {
    /// Explicitly enabled capabilities.
    pub add: BTreeSet<String>,
    /// Explicitly disabled capabilities.
    pub remove: BTreeSet<String>,
}

/// A reseller restriction (`Subadmin.MaxContext` = "10", ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    /// Restriction name.
    pub name: String,
    /// Value as sent (numbers as strings).
    pub value: String,
}

/// A context (tenant).
#[derive(Clone, Debug, PartialEq)]
pub struct ContextRow {
    /// Context id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Enabled flag.
    pub enabled: bool,
    /// Filestore quota in MB (-1 = unlimited).
    pub max_quota: i64,
    /// Used filestore in MB (set through the control API).
    pub used_quota: i64,
    /// Filestore id.
    pub filestore_id: i64,
    /// Owning reseller subadmin id, 0 for the master admin.
    pub owner_id: i64,
    /// Reseller custom id.
    pub customid: Option<String>,
    /// userAttributes: namespace -> (key -> value).
    pub attrs: Map<String, Value>,
    /// Context capabilities.
    pub caps: Caps,
    /// Context-level reseller restrictions.
    pub restrictions: Vec<Restriction>,
    /// Next principal id (users, groups and resources share one sequence).
    pub next_principal: i64,
    /// Explicit login mappings (sorted).
    pub mappings: Vec<String>,
}

/// A user.
#[derive(Clone, Debug, PartialEq)]
pub struct UserRow {
    /// Context id.
    pub context_id: i64,
    /// User id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Primary mail address.
    pub primary_email: String,
    /// Context admin flag.
    pub is_admin: bool,
    /// `{SHA-256}` hash of the password.
    pub password_hash: String,
    /// Module access rights (lower-case tokens).
    pub access: BTreeSet<String>,
    /// Used mail quota in MB (set through the control API).
    pub used_quota: i64,
    /// User capabilities.
    pub caps: Caps,
    /// All other User fields as sent (SOAP element name -> JSON value).
    pub data: Map<String, Value>,
}

/// A group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    /// Context id.
    pub context_id: i64,
    /// Group id.
    pub id: i64,
    /// Name (lower case).
    pub name: String,
    /// Display name.
    pub displayname: String,
    /// Member user ids, sorted.
    pub members: Vec<i64>,
}

/// A resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRow {
    /// Context id.
    pub context_id: i64,
    /// Resource id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Mail address.
    pub email: String,
    /// displayname, description, available.
    pub data: Map<String, Value>,
}

/// A reseller subadmin.
#[derive(Clone, Debug, PartialEq)]
pub struct ResellerRow {
    /// Id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// `{SHA-256}` hash of the password.
    pub password_hash: String,
    /// Parent subadmin id (0 = created by the master admin).
    pub parent_id: i64,
    /// Restrictions.
    pub restrictions: Vec<Restriction>,
    /// displayname, passwordMech, capabilities, taxonomies, configuration.
    pub data: Map<String, Value>,
}

impl ResellerRow {
    /// The value of a restriction, parsed as a number where possible.
    pub fn restriction(&self, name: &str) -> Option<&str> {
        self.restrictions
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.value.as_str())
    }
}

/// Hashes a password for storage (never stored or logged in clear).
pub fn hash_password(password: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(password.as_bytes());
    format!("{{SHA-256}}{}", hex::encode(digest))
}

/// Checks a password against a stored hash.
pub fn password_matches(password: &str, hash: &str) -> bool {
    let computed = hash_password(password);
    // Constant-time comparison of equal-length ASCII strings.
    computed.len() == hash.len()
        && computed
            .bytes()
            .zip(hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_roundtrip() {
        let h = hash_password("secret");
        assert!(h.starts_with("{SHA-256}"));
        assert!(password_matches("secret", &h));
        assert!(!password_matches("secreT", &h));
        assert!(!password_matches("", &h));
    }
}
