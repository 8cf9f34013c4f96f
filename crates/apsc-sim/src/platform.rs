//! The platform's own types (accounts, subscriptions, users, DNS, service singletons) and the specs
//! tests use to create platform resources.
//!
//! Type ids and properties follow the APS docs (core types, `PAAccount`, `PASubscription`,
//! `PAServiceUser`, `HostedDomain`, `DNSRecord`, `PADnsRecord`). Where the docs do not name a
//! relation the simulator chooses one (**UNCONFIRMED**): account `subscriptions`/`domains`,
//! subscription `account`, service user `organization` (back link `users` of the account). DNS
//! record properties: A/AAAA `address`, MX `priority` + `exchange`, CNAME `cname`, TXT `txt_data`
//! (also read: `txtdata`, `text`, `data`); all records carry `source`, `TTL`, `RRState` and the PA
//! read-only `sourceFQN`, `data`, `recordId`.

use serde_json::{Map, Value, json};

use crate::types::{CORE_RESOURCE, RelationDef, TypeInfo, TypeRegistry};

/// Type ids of the platform.
pub mod type_ids {
    /// Core application (an instance's root resource).
    pub const CORE_APPLICATION: &str = "http://aps-standard.org/types/core/application/1.0";
    /// Core account.
    pub const CORE_ACCOUNT: &str = "http://aps-standard.org/types/core/account/1.0";
    /// Core subscription.
    pub const CORE_SUBSCRIPTION: &str = "http://aps-standard.org/types/core/subscription/1.0";
    /// Core subscription service ("tenant").
    pub const CORE_SUBSCRIPTION_SERVICE: &str =
        "http://aps-standard.org/types/core/subscription/service/1.0";
    /// Core contact.
    pub const CORE_CONTACT: &str = "http://aps-standard.org/types/core/contact/1.2";
    /// Core user.
    pub const CORE_USER: &str = "http://aps-standard.org/types/core/user/1.0";
    /// Core service user.
    pub const CORE_SERVICE_USER: &str = "http://aps-standard.org/types/core/service-user/1.0";
    /// Core admin user.
    pub const CORE_ADMIN_USER: &str = "http://aps-standard.org/types/core/admin-user/1.0";
    /// Core user service.
    pub const CORE_USER_SERVICE: &str = "http://aps-standard.org/types/core/user/service/1.0";
    /// PA account.
    pub const PA_ACCOUNT: &str = "http://parallels.com/aps/types/pa/account/1.0";
    /// PA subscription.
    pub const PA_SUBSCRIPTION: &str = "http://parallels.com/aps/types/pa/subscription/1.0";
    /// PA user (base of PA service users).
    pub const PA_USER: &str = "http://parallels.com/aps/types/pa/user/1.2";
    /// PA service user.
    pub const PA_SERVICE_USER: &str = "http://parallels.com/aps/types/pa/service-user/1.2";
    /// DNS domain.
    pub const DNS_DOMAIN: &str = "http://aps-standard.org/types/dns/domain/1.0";
    /// DNS zone (hosted domain).
    pub const DNS_ZONE: &str = "http://aps-standard.org/types/dns/zone/1.1";
    /// PA DNS zone.
    pub const PA_DNS_ZONE: &str = "http://parallels.com/aps/types/pa/dns/zone/1.0";
    /// DNS record (base).
    pub const DNS_RECORD: &str = "http://aps-standard.org/types/dns/record/1.0";
    /// PA DNS record (base).
    pub const PA_DNS_RECORD: &str = "http://parallels.com/aps/types/pa/dns/record/1.0";
    /// Notification manager singleton.
    pub const NOTIFICATION_MANAGER: &str =
        "http://www.parallels.com/pa/pa-core-services/notification-manager/1.0";
    /// Periodic task manager singleton.
    pub const PERIODIC_TASK_MANAGER: &str =
        "http://www.parallels.com/pa/pa-core-services/periodic-task-manager/1.1";

    /// The standard DNS record type of a kind (`a`, `aaaa`, `mx`, `cname`, `txt`, `ns`, `srv`).
    pub fn dns_record(kind: &str) -> String {
        format!("http://aps-standard.org/types/dns/record/{kind}/1.0")
    }

    /// The PA DNS record type of a kind (`a`, `aaaa`, `mx`, `cname`, `txt`).
    pub fn pa_dns_record(kind: &str) -> String {
        format!("http://parallels.com/aps/types/pa/dns/record/{kind}/1.0")
    }
}

use type_ids::*;

const RECORD_KINDS: [&str; 7] = ["a", "aaaa", "mx", "cname", "txt", "ns", "srv"];
const PA_RECORD_KINDS: [&str; 5] = ["a", "aaaa", "mx", "cname", "txt"];

/// Registers every platform type.
pub fn register_platform_types(reg: &mut TypeRegistry) {
    reg.register(TypeInfo::new(CORE_RESOURCE, &[]));
    reg.register(TypeInfo::new(CORE_APPLICATION, &[CORE_RESOURCE]));
    reg.register(
        TypeInfo::new(CORE_ACCOUNT, &[])
            .relation(RelationDef::new("users", CORE_USER).collection()),
    );
    reg.register(
        TypeInfo::new(CORE_SUBSCRIPTION, &[])
            .relation(RelationDef::new("services", CORE_SUBSCRIPTION_SERVICE).collection()),
    );
    reg.register(
        TypeInfo::new(CORE_SUBSCRIPTION_SERVICE, &[])
            .relation(RelationDef::new("account", CORE_ACCOUNT).required())
            .relation(RelationDef::new("subscription", CORE_SUBSCRIPTION).required()),
    );
    reg.register(TypeInfo::new(CORE_CONTACT, &[]));
    reg.register(
        TypeInfo::new(CORE_USER, &[CORE_CONTACT])
            .relation(RelationDef::new("services", CORE_USER_SERVICE).collection()),
    );
    reg.register(TypeInfo::new(CORE_SERVICE_USER, &[CORE_USER]));
    reg.register(TypeInfo::new(CORE_ADMIN_USER, &[CORE_USER]));
    reg.register(
        TypeInfo::new(CORE_USER_SERVICE, &[])
            .relation(RelationDef::new("user", CORE_USER).required()),
    );
    reg.register(
        TypeInfo::new(PA_ACCOUNT, &[CORE_ACCOUNT])
            .relation(RelationDef::new("subscriptions", CORE_SUBSCRIPTION).collection())
            .relation(RelationDef::new("domains", DNS_DOMAIN).collection()),
    );
    reg.register(
        TypeInfo::new(PA_SUBSCRIPTION, &[CORE_SUBSCRIPTION])
            .relation(RelationDef::new("account", CORE_ACCOUNT)),
    );
    reg.register(
        TypeInfo::new(PA_USER, &[CORE_USER])
            .relation(RelationDef::new("organization", CORE_ACCOUNT)),
    );
    reg.register(TypeInfo::new(
        PA_SERVICE_USER,
        &[PA_USER, CORE_SERVICE_USER],
    ));
    reg.register(TypeInfo::new(DNS_DOMAIN, &[]));
    reg.register(
        TypeInfo::new(DNS_ZONE, &[DNS_DOMAIN])
            .relation(RelationDef::new("records", DNS_RECORD).collection())
            .relation(RelationDef::new("hosting", CORE_SUBSCRIPTION))
            .relation(RelationDef::new(
                "parentDomain",
                "http://aps-standard.org/types/dns/zone/1.0",
            ))
            .relation(
                RelationDef::new("subdomains", "http://aps-standard.org/types/dns/zone/1.0")
                    .collection(),
            ),
    );
    reg.register(
        TypeInfo::new(PA_DNS_ZONE, &[DNS_ZONE])
            .relation(RelationDef::new("account", PA_ACCOUNT).required()),
    );
    reg.register(
        TypeInfo::new(DNS_RECORD, &[])
            .relation(
                RelationDef::new("zone", "http://aps-standard.org/types/dns/zone/1.0").required(),
            )
            .relation(RelationDef::new("replaces", DNS_RECORD).collection())
            .relation(RelationDef::new("replacedBy", DNS_RECORD).collection()),
    );
    reg.register(TypeInfo::new(PA_DNS_RECORD, &[DNS_RECORD]));
    for kind in RECORD_KINDS {
        reg.register(TypeInfo::new(dns_record(kind), &[DNS_RECORD]));
    }
    for kind in PA_RECORD_KINDS {
        let standard = dns_record(kind);
        reg.register(TypeInfo::new(
            pa_dns_record(kind),
            &[PA_DNS_RECORD, standard.as_str()],
        ));
    }
    reg.register(TypeInfo::new(NOTIFICATION_MANAGER, &[CORE_RESOURCE]));
    reg.register(TypeInfo::new(PERIODIC_TASK_MANAGER, &[CORE_RESOURCE]));
}

/// The record kind (`a`, `mx`, ...) of a DNS record type, if it is one.
pub fn record_kind(reg: &TypeRegistry, type_id: &str) -> Option<&'static str> {
    RECORD_KINDS
        .into_iter()
        .find(|k| reg.implements(type_id, &dns_record(k)))
}

fn text<'a>(props: &'a Map<String, Value>, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| props.get(*n).and_then(Value::as_str))
}

/// The PA `data` property of a record: its RDATA as text.
pub fn record_data(kind: &str, props: &Map<String, Value>) -> Option<String> {
    let data = match kind {
        "a" | "aaaa" => text(props, &["address"])?.to_owned(),
        "mx" => text(props, &["exchange"])?.to_owned(),
        "cname" => text(props, &["cname", "data"])?.to_owned(),
        "txt" => text(props, &["txt_data", "txtdata", "text", "data"])?.to_owned(),
        "ns" => text(props, &["nameServer", "nsName", "data"])?.to_owned(),
        _ => text(props, &["data"])?.to_owned(),
    };
    Some(data)
}

/// The record name relative to the zone (empty for the apex) and its fully qualified form.
pub fn record_names(source: &str, zone: &str) -> (String, String) {
    let zone = zone.trim_end_matches('.');
    let absolute = source.ends_with('.');
    let s = source.trim_end_matches('.');
    if s.is_empty() || s == "@" || s.eq_ignore_ascii_case(zone) {
        return (String::new(), format!("{zone}."));
    }
    let suffix = format!(".{zone}");
    if s.len() > suffix.len()
        && s.to_ascii_lowercase()
            .ends_with(&suffix.to_ascii_lowercase())
    {
        return (s[..s.len() - suffix.len()].to_owned(), format!("{s}."));
    }
    if absolute {
        (s.to_owned(), format!("{s}."))
    } else {
        (s.to_owned(), format!("{s}{suffix}."))
    }
}

/// A customer account to create.
#[derive(Debug, Clone, Default)]
pub struct AccountSpec {
    /// `companyName`.
    pub company_name: String,
    /// Further properties (e.g. `addressPostal`, `techContact`), merged as given.
    pub props: Map<String, Value>,
}

impl AccountSpec {
    /// An account with this company name.
    pub fn new(company_name: impl Into<String>) -> Self {
        AccountSpec {
            company_name: company_name.into(),
            props: Map::new(),
        }
    }

    pub(crate) fn to_props(&self, number: i64) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(number));
        m.insert("companyName".into(), json!(self.company_name));
        m.extend(self.props.clone());
        m
    }
}

/// A subscription to create for an account.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionSpec {
    /// `name`.
    pub name: String,
    /// `serviceTemplateId`.
    pub service_template_id: i64,
    /// Further properties, merged as given.
    pub props: Map<String, Value>,
}

impl SubscriptionSpec {
    /// A subscription with this name and service template.
    pub fn new(name: impl Into<String>, service_template_id: i64) -> Self {
        SubscriptionSpec {
            name: name.into(),
            service_template_id,
            props: Map::new(),
        }
    }

    pub(crate) fn to_props(&self, number: i64) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("subscriptionId".into(), json!(number));
        m.insert("serviceTemplateId".into(), json!(self.service_template_id));
        m.insert("name".into(), json!(self.name));
        m.insert("trial".into(), json!(false));
        m.insert("disabled".into(), json!(false));
        m.extend(self.props.clone());
        m
    }
}

/// A service user to create in an account.
#[derive(Debug, Clone, Default)]
pub struct ServiceUserSpec {
    /// `login`.
    pub login: String,
    /// `email`.
    pub email: String,
    /// `givenName`.
    pub given_name: String,
    /// `familyName`.
    pub family_name: String,
    /// `isAccountAdmin`.
    pub is_account_admin: bool,
    /// Further properties, merged as given.
    pub props: Map<String, Value>,
}

impl ServiceUserSpec {
    /// A user whose login and email are `email`.
    pub fn new(
        email: impl Into<String>,
        given_name: impl Into<String>,
        family_name: impl Into<String>,
    ) -> Self {
        let email = email.into();
        ServiceUserSpec {
            login: email.clone(),
            email,
            given_name: given_name.into(),
            family_name: family_name.into(),
            is_account_admin: false,
            props: Map::new(),
        }
    }

    pub(crate) fn to_props(&self, number: i64) -> Map<String, Value> {
        let full = format!("{} {}", self.given_name, self.family_name)
            .trim()
            .to_owned();
        let mut m = Map::new();
        m.insert("userId".into(), json!(number));
        m.insert("login".into(), json!(self.login));
        m.insert("email".into(), json!(self.email));
        m.insert("givenName".into(), json!(self.given_name));
        m.insert("familyName".into(), json!(self.family_name));
        m.insert("fullName".into(), json!(full));
        m.insert("displayName".into(), json!(full));
        m.insert("isAccountAdmin".into(), json!(self.is_account_admin));
        m.extend(self.props.clone());
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pa_types_implement_the_standard_ones() {
        let mut reg = TypeRegistry::default();
        register_platform_types(&mut reg);
        assert!(reg.implements(PA_SERVICE_USER, CORE_SERVICE_USER));
        assert!(reg.implements(
            PA_SERVICE_USER,
            "http://aps-standard.org/types/core/contact/1.0"
        ));
        assert!(reg.implements(PA_ACCOUNT, CORE_ACCOUNT));
        assert!(reg.implements(PA_DNS_ZONE, "http://aps-standard.org/types/dns/zone/1.0"));
        assert!(reg.implements(PA_DNS_ZONE, DNS_DOMAIN));
        assert!(reg.implements(&pa_dns_record("mx"), &dns_record("mx")));
        assert_eq!(record_kind(&reg, &pa_dns_record("mx")), Some("mx"));
        assert_eq!(record_kind(&reg, &dns_record("txt")), Some("txt"));
        assert_eq!(record_kind(&reg, PA_ACCOUNT), None);
        assert_eq!(
            reg.back_relation(PA_DNS_ZONE, &dns_record("a"))
                .map(|r| r.name),
            Some("records".into())
        );
        assert_eq!(
            reg.back_relation(PA_ACCOUNT, PA_SERVICE_USER)
                .map(|r| r.name),
            Some("users".into())
        );
        assert_eq!(
            reg.back_relation(PA_ACCOUNT, PA_DNS_ZONE).map(|r| r.name),
            Some("domains".into())
        );
    }

    #[test]
    fn record_names_are_normalised() {
        assert_eq!(
            record_names("vps1001.isv1.test.", "isv1.test"),
            ("vps1001".into(), "vps1001.isv1.test.".into())
        );
        assert_eq!(
            record_names("mail", "ex.org"),
            ("mail".into(), "mail.ex.org.".into())
        );
        assert_eq!(
            record_names("", "ex.org"),
            (String::new(), "ex.org.".into())
        );
        assert_eq!(
            record_names("@", "ex.org."),
            (String::new(), "ex.org.".into())
        );
        assert_eq!(
            record_names("ex.org.", "ex.org"),
            (String::new(), "ex.org.".into())
        );
        assert_eq!(
            record_names("other.net.", "ex.org"),
            ("other.net".into(), "other.net.".into())
        );
    }

    #[test]
    fn record_data_per_kind() {
        let p = |v: Value| v.as_object().cloned().unwrap();
        assert_eq!(
            record_data("a", &p(json!({"address": "10.0.0.1"}))).as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            record_data("mx", &p(json!({"priority": 10, "exchange": "mx.ex.org"}))).as_deref(),
            Some("mx.ex.org")
        );
        assert_eq!(
            record_data("txt", &p(json!({"text": "v=spf1"}))).as_deref(),
            Some("v=spf1")
        );
        assert_eq!(record_data("cname", &p(json!({}))), None);
    }

    #[test]
    fn specs_make_documented_properties() {
        let u = ServiceUserSpec::new("a@ex.org", "Ann", "Lee").to_props(7);
        assert_eq!(u["login"], "a@ex.org");
        assert_eq!(u["fullName"], "Ann Lee");
        assert_eq!(u["userId"], 7);
        let s = SubscriptionSpec::new("OX", 12).to_props(1001);
        assert_eq!(s["subscriptionId"], 1001);
        assert_eq!(s["serviceTemplateId"], 12);
        assert_eq!(AccountSpec::new("ACME").to_props(5)["companyName"], "ACME");
    }
}
