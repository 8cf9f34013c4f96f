//! Application packages and their instances, as the controller knows them.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::RelationDef;

/// One APS service of a package: `<service id="…">` in APP-META.xml bound to a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSpec {
    /// The service id, the URL segment after the endpoint base (`globals`, `tenant`, `user`...).
    pub id: String,
    /// The type id of the service's resources.
    pub type_id: String,
    /// Types this type implements.
    pub implements: Vec<String>,
    /// Relations this type declares.
    pub relations: Vec<RelationDef>,
}

impl ServiceSpec {
    /// A service without declared bases or relations.
    pub fn new(id: impl Into<String>, type_id: impl Into<String>) -> Self {
        ServiceSpec {
            id: id.into(),
            type_id: type_id.into(),
            implements: vec![],
            relations: vec![],
        }
    }

    /// Adds an implemented type.
    pub fn implements(mut self, type_id: impl Into<String>) -> Self {
        self.implements.push(type_id.into());
        self
    }

    /// Adds a relation.
    pub fn relation(mut self, relation: RelationDef) -> Self {
        self.relations.push(relation);
        self
    }
}

/// A package to register: the APP-META id, version and services. The root service's type is
/// made to implement the core application type (`…/core/application/1.0`) if it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageSpec {
    /// The application id (APP-META `id`).
    pub app_id: String,
    /// The version (APP-META `version`).
    pub version: String,
    /// The release (APP-META `release`).
    pub release: String,
    /// The service receiving instance installation (`globals` for oxaps).
    pub root_service: String,
    /// All services, the root one included.
    pub services: Vec<ServiceSpec>,
}

impl PackageSpec {
    /// A package with a root service and no other.
    pub fn new(app_id: impl Into<String>, root: ServiceSpec) -> Self {
        PackageSpec {
            app_id: app_id.into(),
            version: "1.0".into(),
            release: "1".into(),
            root_service: root.id.clone(),
            services: vec![root],
        }
    }

    /// Adds a service.
    pub fn service(mut self, service: ServiceSpec) -> Self {
        self.services.push(service);
        self
    }

    /// Sets version and release.
    pub fn version(mut self, version: impl Into<String>, release: impl Into<String>) -> Self {
        self.version = version.into();
        self.release = release.into();
        self
    }

    /// The service with this id.
    pub fn service_by_id(&self, id: &str) -> Option<&ServiceSpec> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The service whose type is `type_id`.
    pub fn service_by_type(&self, type_id: &str) -> Option<&ServiceSpec> {
        self.services.iter().find(|s| s.type_id == type_id)
    }
}

/// A registered package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// The package's APS id (`aps.package.id` of its resources).
    pub id: String,
    /// What was registered.
    pub spec: PackageSpec,
}

/// An installed application instance, as the controller keeps it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceRecord {
    /// The instance id (= id of its root resource; `APS-Instance-ID`).
    pub id: String,
    /// The package id.
    pub package_id: String,
    /// The endpoint base URL, ending with `/`.
    pub endpoint: String,
    /// The instance certificate, PEM.
    pub cert_pem: String,
    /// SHA-256 of the instance certificate (hex): how the REST API recognises the instance.
    pub cert_fingerprint: String,
}

impl fmt::Debug for InstanceRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceRecord")
            .field("id", &self.id)
            .field("package_id", &self.package_id)
            .field("endpoint", &self.endpoint)
            .field("cert_fingerprint", &self.cert_fingerprint)
            .finish()
    }
}

/// What `install_instance` returns: everything a test needs to act as, or check, the instance.
/// `Debug` does not show the private key.
#[derive(Clone)]
pub struct InstanceHandle {
    /// The instance id (`APS-Instance-ID`, also the root resource id).
    pub id: String,
    /// The package id.
    pub package_id: String,
    /// The application id.
    pub app_id: String,
    /// The endpoint base URL, ending with `/`.
    pub endpoint: String,
    /// The root service id.
    pub root_service: String,
    /// The instance certificate sent in `aps.x509.self`, PEM.
    pub self_cert_pem: String,
    /// The instance private key sent in `aps.x509.self`, PEM (PKCS#8).
    pub self_key_pem: String,
    /// The controller certificate sent in `aps.x509.controller`, PEM.
    pub controller_cert_pem: String,
    /// The body of the endpoint's final answer to the installation request.
    pub response: Value,
    /// The root resource after installation.
    pub resource: aps::Resource,
}

impl fmt::Debug for InstanceHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceHandle")
            .field("id", &self.id)
            .field("app_id", &self.app_id)
            .field("endpoint", &self.endpoint)
            .field("self_key_pem", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl InstanceHandle {
    /// The instance identity (certificate and key), e.g. for calling the REST API as the instance.
    pub fn identity(&self) -> crate::ca::Identity {
        crate::ca::Identity {
            cert_pem: self.self_cert_pem.clone(),
            key_pem: self.self_key_pem.clone(),
        }
    }
}

/// Joins an endpoint base and a path relative to it.
pub fn endpoint_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    format!("{base}/{path}")
}

/// Normalises an endpoint base URL to end with `/`.
pub fn normalize_base(base: &str) -> String {
    if base.ends_with('/') {
        base.to_owned()
    } else {
        format!("{base}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join() {
        assert_eq!(
            endpoint_url("https://h/app1/", "globals"),
            "https://h/app1/globals"
        );
        assert_eq!(
            endpoint_url("https://h/app1", "/user/x/y"),
            "https://h/app1/user/x/y"
        );
        assert_eq!(normalize_base("https://h/e"), "https://h/e/");
    }

    #[test]
    fn package_lookup() {
        let p = PackageSpec::new(
            "http://ox/app",
            ServiceSpec::new("globals", "http://ox/globals/1.0"),
        )
        .service(
            ServiceSpec::new("user", "http://ox/user/1.0")
                .relation(RelationDef::new("tenant", "http://ox/tenant/1.0")),
        );
        assert_eq!(p.root_service, "globals");
        assert_eq!(
            p.service_by_type("http://ox/user/1.0")
                .map(|s| s.id.as_str()),
            Some("user")
        );
        assert!(p.service_by_id("nope").is_none());
    }

    #[test]
    fn debug_redacts_keys() {
        let h = InstanceHandle {
            id: "i".into(),
            package_id: "p".into(),
            app_id: "a".into(),
            endpoint: "e".into(),
            root_service: "globals".into(),
            self_cert_pem: "c".into(),
            self_key_pem: "-----BEGIN PRIVATE KEY-----secret".into(),
            controller_cert_pem: "cc".into(),
            response: Value::Null,
            resource: aps::Resource::default(),
        };
        assert!(!format!("{h:?}").contains("secret"));
    }
}
