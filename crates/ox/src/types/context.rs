//! Context, its Database references, and Quota.

use crate::ns::Ns;
use crate::secret::Password;
use crate::types::maps::SoapStringMapMap;
use crate::xml::codec::ox_object;

ox_object! {
    /// An OX context (tenant). Every field is optional: `None` is omitted on the wire, which OX
    /// reads as "leave unchanged".
    ///
    /// `maxQuota` is in MB (-1 = unlimited). `userAttributes` holds namespaced attributes, such
    /// as the taxonomy (`taxonomy`/`types`).
    pub struct Context {
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
    }
}

impl Context {
    /// A context reference carrying only its id (what User/Group/Resource calls need).
    pub fn with_id(id: i32) -> Self {
        Context {
            id: Some(id),
            ..Default::default()
        }
    }
}

ox_object! {
    /// A database as OX reports it in `Context.readDatabase`/`writeDatabase`.
    pub struct Database {
        in Ns::Data => {
            current_units: Option<i32> = "currentUnits",
            driver: Option<String> = "driver",
            id: Option<i32> = "id",
            login: Option<String> = "login",
            master: Option<bool> = "master",
            master_id: Option<i32> = "masterId",
            max_units: Option<i32> = "maxUnits",
            name: Option<String> = "name",
            password: Option<Password> = "password",
            pool_hard_limit: Option<i32> = "poolHardLimit",
            pool_initial: Option<i32> = "poolInitial",
            pool_max: Option<i32> = "poolMax",
            read_id: Option<i32> = "read_id",
            scheme: Option<String> = "scheme",
            url: Option<String> = "url",
        }
    }
}

ox_object! {
    /// A per-module quota of a context (`listQuota`). `limit` 0 = unlimited.
    pub struct Quota {
        in Ns::Rmi => {
            module: Option<String> = "module",
            limit: Option<i64> = "limit",
        }
    }
}
