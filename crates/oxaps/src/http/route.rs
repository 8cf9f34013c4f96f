//! Parsing request paths: `<base>/<service>[/<id>[/<segment>...]]` and `<base>/api/...`.
//!
//! Pure functions, so the routing rules the controller depends on are unit-tested without a server.

/// Every service of the resource model, by route name (= APS service id).
pub const SERVICES: &[&str] = &[
    "globals",
    "brand",
    "profile",
    "tenant",
    "domain",
    "subdomain",
    "shareddomain",
    "sharedsubdomain",
    "user",
    "emailaddress",
    "group",
    "resource",
    "purchaserequest",
    "cron",
    "crontask",
];

/// The application's root service: instance installation and upgrade go here.
pub const ROOT_SERVICE: &str = "globals";

/// Where a request path points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An APS service: `<service>[/<segments>...]`, segments percent-decoded.
    Service {
        /// The service name, one of [`SERVICES`].
        service: &'static str,
        /// Everything after the service name, empty segments (trailing slashes) removed.
        segments: Vec<String>,
    },
    /// The web UI API: `api/<segments>...`.
    Api {
        /// Everything after `api`.
        segments: Vec<String>,
    },
}

/// Parses a request path below `base` (normalised `/` or `/x/y/`). `None` means no route.
pub fn parse(base: &str, path: &str) -> Option<Target> {
    let rest = strip_base(base, path)?;
    let mut parts = rest.split('/').filter(|s| !s.is_empty()).map(decode);
    let head = parts.next()?;
    let segments: Vec<String> = parts.collect();
    if head == "api" {
        return Some(Target::Api { segments });
    }
    let service = SERVICES.iter().copied().find(|s| *s == head)?;
    Some(Target::Service { service, segments })
}

fn strip_base<'a>(base: &str, path: &'a str) -> Option<&'a str> {
    if base == "/" {
        return path.strip_prefix('/');
    }
    let without_slash = base.trim_end_matches('/');
    let rest = path.strip_prefix(without_slash)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix('/')
}

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(service: &'static str, segments: &[&str]) -> Option<Target> {
        Some(Target::Service {
            service,
            segments: segments.iter().map(|s| s.to_string()).collect(),
        })
    }

    #[test]
    fn services_with_and_without_trailing_slash() {
        assert_eq!(parse("/", "/globals"), svc("globals", &[]));
        assert_eq!(parse("/", "/globals/"), svc("globals", &[]));
        assert_eq!(parse("/", "/user/u1"), svc("user", &["u1"]));
        assert_eq!(parse("/", "/user/u1/"), svc("user", &["u1"]));
        assert_eq!(
            parse("/", "/tenant/t1/users/u1"),
            svc("tenant", &["t1", "users", "u1"])
        );
    }

    #[test]
    fn base_path_is_required_and_stripped() {
        assert_eq!(
            parse("/openxchange/", "/openxchange/globals"),
            svc("globals", &[])
        );
        assert_eq!(
            parse("/openxchange/", "/openxchange/globals/"),
            svc("globals", &[])
        );
        assert_eq!(parse("/openxchange/", "/globals"), None);
        assert_eq!(parse("/openxchange/", "/openxchangeglobals"), None);
        assert_eq!(parse("/openxchange/", "/openxchange"), None);
    }

    #[test]
    fn unknown_services_and_api() {
        assert_eq!(parse("/", "/nope"), None);
        assert_eq!(parse("/", "/"), None);
        assert_eq!(parse("/", "/globalsx"), None);
        assert_eq!(
            parse("/", "/api/getupsellresources/a%40b.example"),
            Some(Target::Api {
                segments: vec!["getupsellresources".into(), "a@b.example".into()]
            })
        );
    }

    #[test]
    fn every_model_service_routes() {
        for s in SERVICES {
            assert!(
                matches!(parse("/", &format!("/{s}/x")), Some(Target::Service { service, .. }) if service == *s)
            );
        }
    }
}
