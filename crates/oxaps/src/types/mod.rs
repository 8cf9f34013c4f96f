//! The oxaps resource model: one APS type per service, defined once here.
//!
//! Type ids are `http://oxaps.org/types/<service>/<major.minor>`, a stable base of the project's own
//! (the original package's ids are not public). The controller routes resources by these ids, so they
//! never change within a major version: adding a property bumps the minor version, removing one the
//! major. Services validate input against these definitions and the package builder writes them out
//! as `schemas/<service>.schema`, so the endpoint and the package cannot drift.

pub mod builder;
mod customer;
mod provider;

use aps::typedef::TypeDef;

/// The base of every type id.
pub const TYPE_BASE: &str = "http://oxaps.org/types";

/// The version of every type in this release.
pub const TYPE_VERSION: &str = "1.0";

/// APS and OSA platform types the model relates to.
pub mod platform {
    /// The application root type.
    pub const CORE_APPLICATION: &str = "http://aps-standard.org/types/core/application/1.0";
    /// A customer (or reseller) account.
    pub const CORE_ACCOUNT: &str = "http://aps-standard.org/types/core/account/1.0";
    /// A subscription.
    pub const CORE_SUBSCRIPTION: &str = "http://aps-standard.org/types/core/subscription/1.0";
    /// A subscription's service (one per subscription): what a tenant implements.
    pub const CORE_SUBSCRIPTION_SERVICE: &str =
        "http://aps-standard.org/types/core/subscription/service/1.0";
    /// A user's service: what an OX user implements.
    pub const CORE_USER_SERVICE: &str = "http://aps-standard.org/types/core/user/service/1.0";
    /// A platform user.
    pub const CORE_USER: &str = "http://aps-standard.org/types/core/user/1.0";
    /// A hosted DNS zone.
    pub const DNS_ZONE: &str = "http://aps-standard.org/types/dns/zone/1.1";
}

pub use platform::CORE_APPLICATION;

/// The type id of a service.
pub fn type_id(service: &str) -> String {
    format!("{TYPE_BASE}/{service}/{TYPE_VERSION}")
}

/// Every type of the model, in route order.
pub fn all() -> Vec<TypeDef> {
    vec![
        provider::globals(),
        provider::brand(),
        provider::profile(),
        customer::tenant(),
        customer::domain(),
        customer::subdomain(),
        provider::shareddomain(),
        customer::sharedsubdomain(),
        customer::user(),
        customer::emailaddress(),
        customer::group(),
        customer::resource(),
        customer::purchaserequest(),
        provider::cron(),
        provider::crontask(),
    ]
}

/// The type of one service.
pub fn of(service: &str) -> Option<TypeDef> {
    all().into_iter().find(|t| t.name == service)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use aps::typedef::{MAX_STRING_LEN, Property, UNITS};

    use super::*;

    #[test]
    fn type_ids_are_stable() {
        assert_eq!(type_id("globals"), "http://oxaps.org/types/globals/1.0");
    }

    #[test]
    fn one_type_per_route_in_route_order() {
        let names: Vec<String> = all().into_iter().map(|t| t.name).collect();
        assert_eq!(
            names,
            crate::http::route::SERVICES
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        );
        for t in all() {
            assert_eq!(t.id, type_id(&t.name));
            assert_eq!(t.aps_version, "2.0");
        }
    }

    fn check_property(type_name: &str, name: &str, p: &Property, structures: &BTreeSet<String>) {
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        assert!(
            valid_name,
            "{type_name}.{name}: property names match ^[a-zA-Z_][a-zA-Z0-9_]*$"
        );
        if let Some(unit) = &p.unit {
            assert!(
                UNITS.contains(&unit.as_str()),
                "{type_name}.{name}: unit {unit} is not an OSA unit"
            );
        }
        if let Some(n) = p.max_length {
            assert!(n <= MAX_STRING_LEN, "{type_name}.{name}");
        }
        let simple = ["string", "integer", "number", "boolean", "array", "object"];
        assert!(
            simple.contains(&p.kind.as_str())
                || p.kind.contains('#')
                || structures.contains(&p.kind),
            "{type_name}.{name}: unknown type {}",
            p.kind
        );
        if p.kind == "array" {
            let item = p
                .items
                .as_deref()
                .unwrap_or_else(|| panic!("{type_name}.{name}: array without items"));
            check_property(type_name, &format!("{name}_item"), item, structures);
        }
    }

    #[test]
    fn properties_use_allowed_names_types_and_units() {
        for t in all() {
            let structures: BTreeSet<String> = t.structures.keys().cloned().collect();
            for (name, p) in t
                .properties
                .iter()
                .chain(t.structures.values().flat_map(|s| s.properties.iter()))
            {
                check_property(&t.name, name, p, &structures);
            }
        }
    }

    #[test]
    fn relations_point_at_types_that_exist() {
        let ours: BTreeSet<String> = all().into_iter().map(|t| t.id).collect();
        for t in all() {
            for (name, r) in &t.relations {
                assert!(
                    ours.contains(&r.type_id)
                        || r.type_id.starts_with("http://aps-standard.org/types/"),
                    "{}.{name} -> {}",
                    t.name,
                    r.type_id
                );
            }
        }
    }

    #[test]
    fn secrets_are_encrypted_properties() {
        for t in all() {
            for (name, p) in &t.properties {
                if name.to_ascii_lowercase().contains("password") {
                    assert!(p.encrypted, "{}.{name} must be encrypted", t.name);
                }
            }
        }
    }
}
