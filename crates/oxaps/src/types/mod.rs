//! Type ids of the oxaps resource model: `http://oxaps.org/types/<service>/<major.minor>`.
//!
//! A stable base of the project's own; the package and every schema use these ids, and the
//! controller routes resources by them, so they never change within a major version.

/// The base of every type id.
pub const TYPE_BASE: &str = "http://oxaps.org/types";

/// The version of every type in this release.
pub const TYPE_VERSION: &str = "1.0";

/// The APS core application type the root service implements.
pub const CORE_APPLICATION: &str = "http://aps-standard.org/types/core/application/1.0";

/// The type id of a service.
pub fn type_id(service: &str) -> String {
    format!("{TYPE_BASE}/{service}/{TYPE_VERSION}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_ids_are_stable() {
        assert_eq!(
            super::type_id("globals"),
            "http://oxaps.org/types/globals/1.0"
        );
    }
}
