//! Reseller (subadmin) objects: ResellerAdmin, Restriction and ResellerContext.

use crate::ns::Ns;
use crate::secret::Password;
use crate::types::context::{Context, Database};
use crate::types::maps::{SoapStringMap, SoapStringMapMap};
use crate::xml::codec::ox_object;

ox_object! {
    /// A reseller admin (subadmin, OX Cloud "brand" or reseller). Field order is OX's
    /// `propOrder`, which is NOT alphabetical for this class.
    pub struct ResellerAdmin {
        in Ns::ResellerRmi => {
            /// Login name.
            name: Option<String> = "name",
            /// Hash mechanism.
            password_mech: Option<String> = "passwordMech",
            /// Clear-text password (redacted in `Debug`).
            password: Option<Password> = "password",
            /// Id of the parent subadmin (0 = created by the master admin).
            parent_id: Option<i32> = "parentId",
            /// Restrictions such as `Subadmin.MaxContext`.
            restrictions: Vec<Restriction> = "restrictions",
            /// Display name (element `displayname`).
            display_name: Option<String> = "displayname",
            /// Subadmin id.
            id: Option<i32> = "id",
            /// Capabilities (newer OX versions).
            capabilities: Vec<String> = "capabilities",
            /// Capabilities to add on change.
            capabilities_to_add: Vec<String> = "capabilitiesToAdd",
            /// Capabilities to remove on change.
            capabilities_to_remove: Vec<String> = "capabilitiesToRemove",
            /// Capabilities to drop on change.
            capabilities_to_drop: Vec<String> = "capabilitiesToDrop",
            /// Taxonomies.
            taxonomies: Vec<String> = "taxonomies",
            /// Taxonomies to add on change.
            taxonomies_to_add: Vec<String> = "taxonomiesToAdd",
            /// Taxonomies to remove on change.
            taxonomies_to_remove: Vec<String> = "taxonomiesToRemove",
            /// Configuration (key → value).
            configuration: Option<SoapStringMap> = "configuration",
            /// Configuration to add on change.
            configuration_to_add: Option<SoapStringMap> = "configurationToAdd",
            /// Configuration keys to remove on change.
            configuration_to_remove: Vec<String> = "configurationToRemove",
        }
    }
}

impl ResellerAdmin {
    /// A subadmin reference by id.
    pub fn by_id(id: i32) -> Self {
        ResellerAdmin {
            id: Some(id),
            ..Default::default()
        }
    }

    /// A subadmin reference by login name.
    pub fn by_name(name: impl Into<String>) -> Self {
        ResellerAdmin {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

ox_object! {
    /// A reseller restriction, e.g. `Subadmin.MaxContext` = `100`.
    pub struct Restriction {
        in Ns::ResellerRmi => {
            name: Option<String> = "name",
            value: Option<String> = "value",
            id: Option<i32> = "id",
        }
    }
}

impl Restriction {
    /// A restriction by name and value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Restriction {
            name: Some(name.into()),
            value: Some(value.into()),
            id: None,
        }
    }
}

ox_object! {
    /// A context as the reseller services see it: the [`Context`] fields (in the core data
    /// namespace) followed by the reseller extension (`customid`, `owner`, `restriction`,
    /// `sid`) in the reseller data namespace.
    pub struct ResellerContext {
        in Ns::Data => {
            average_size: Option<i64> = "average_size",
            enabled: Option<bool> = "enabled",
            filestore_id: Option<i32> = "filestoreId",
            filestore_name: Option<String> = "filestore_name",
            id: Option<i32> = "id",
            login_mappings: Vec<String> = "loginMappings",
            max_quota: Option<i64> = "maxQuota",
            name: Option<String> = "name",
            read_database: Option<Database> = "readDatabase",
            used_quota: Option<i64> = "usedQuota",
            user_attributes: Option<SoapStringMapMap> = "userAttributes",
            write_database: Option<Database> = "writeDatabase",
        }
        in Ns::ResellerData => {
            /// Free-form id of the reseller's own (e.g. the APS subscription).
            customid: Option<String> = "customid",
            /// Error text of a failed reseller extension (read-only).
            extension_error: Option<String> = "extensionError",
            /// The owning subadmin.
            owner: Option<ResellerAdmin> = "owner",
            /// Context-level restrictions such as `Context.MaxUser`.
            restriction: Vec<Restriction> = "restriction",
            /// Subadmin id of the owner.
            sid: Option<i32> = "sid",
        }
    }
}

impl ResellerContext {
    /// A context reference carrying only its id.
    pub fn with_id(id: i32) -> Self {
        ResellerContext {
            id: Some(id),
            ..Default::default()
        }
    }

    /// The core [`Context`] part.
    pub fn to_context(&self) -> Context {
        Context {
            average_size: self.average_size,
            enabled: self.enabled,
            filestore_id: self.filestore_id,
            filestore_name: self.filestore_name.clone(),
            id: self.id,
            login_mappings: self.login_mappings.clone(),
            max_quota: self.max_quota,
            name: self.name.clone(),
            read_database: self.read_database.clone(),
            used_quota: self.used_quota,
            user_attributes: self.user_attributes.clone(),
            write_database: self.write_database.clone(),
        }
    }
}

impl From<Context> for ResellerContext {
    fn from(c: Context) -> Self {
        ResellerContext {
            average_size: c.average_size,
            enabled: c.enabled,
            filestore_id: c.filestore_id,
            filestore_name: c.filestore_name,
            id: c.id,
            login_mappings: c.login_mappings,
            max_quota: c.max_quota,
            name: c.name,
            read_database: c.read_database,
            used_quota: c.used_quota,
            user_attributes: c.user_attributes,
            write_database: c.write_database,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{Value, XmlWriter};

    #[test]
    fn base_fields_in_core_namespace_then_extension() {
        let rc = ResellerContext {
            id: Some(9),
            customid: Some("sub-1".into()),
            restriction: vec![Restriction::new("Context.MaxUser", "10")],
            ..Default::default()
        };
        let mut w = XmlWriter::new();
        rc.encode(&mut w, Ns::Service, "ctx");
        assert_eq!(
            w.as_str(),
            "<s:ctx>\n  <d:id>9</d:id>\n  <rd:customid>sub-1</rd:customid>\n  <rd:restriction>\n    \
             <rr:name>Context.MaxUser</rr:name>\n    <rr:value>10</rr:value>\n  </rd:restriction>\n</s:ctx>"
        );
        assert_eq!(ResellerContext::from(rc.to_context()).id, Some(9));
    }

    #[test]
    fn admin_debug_is_redacted() {
        let a = ResellerAdmin {
            name: Some("brand1".into()),
            password: Some("topsecret".into()),
            ..Default::default()
        };
        assert!(!format!("{a:?}").contains("topsecret"));
    }
}
