//! Provider-side types: the application instance, brands (resellers), profiles (plans), shared
//! domains, and the periodic work.

use aps::typedef::TypeDef;
use serde_json::json;

use super::builder::{TypeBuilder, array, boolean, integer, string, structure};
use super::{platform, type_id};

/// OX access combinations a profile may name (OX's ModuleAccessDefinitions).
pub const ACCESS_COMBINATIONS: &[&str] = &[
    "webmail",
    "pim",
    "pim_infostore",
    "pim_mobility",
    "groupware_standard",
    "groupware_premium",
    "all",
    "drive",
];

/// `globals`: the application instance and its OX connection.
pub fn globals() -> TypeDef {
    TypeBuilder::new("globals")
        .implements(platform::CORE_APPLICATION)
        .access(json!({"global": true}))
        .structure("MxHost", vec![("host", string().required().format("host-name")), ("priority", integer().range(0.0, 65535.0).default(json!(10)))])
        .prop("oxSoapUrl", string().format("uri").title("OX SOAP URL").describe("Base URL of OX's SOAP API, e.g. https://ox.example.com (without /webservices); checked at install. Needed before any OX service is provisioned"))
        .prop("oxMasterLogin", string().title("OX master admin login"))
        .prop("oxMasterPassword", string().encrypted().title("OX master admin password"))
        .prop("oxMode", string().one_of(&["onpremise", "cloud"]).default(json!("onpremise")).title("OX mode").describe("onpremise: contexts by the master admin; cloud: contexts by brand subadmins (OX Cloud)"))
        .prop("oxRestUrl", string().format("uri").title("OX REST URL").describe("Base URL of OX's REST API (advertisement configuration)"))
        .prop("oxRestLogin", string().title("OX REST login"))
        .prop("oxRestPassword", string().encrypted().title("OX REST password"))
        .prop("webmailUrl", string().format("uri").title("Webmail URL"))
        .prop("upsellBaseUrl", string().format("uri").title("Upsell base URL").describe("Public HTTPS origin of this endpoint as OX users' browsers reach it (scheme, host, port; the base path is added), e.g. https://oxaps.example.com; each OX user's signed upsell URL lives below it"))
        .prop("mxHosts", array(structure("MxHost")).title("MX hosts").describe("MX records created in customers' zones"))
        .prop("spfInclude", string().title("SPF include").describe("Domain for include: in the SPF record, e.g. _spf.example.com"))
        .prop("autodiscoverHost", string().format("host-name").title("Autodiscover host").describe("Target of the autoconfig/autodiscover CNAME records"))
        .prop("defaultLanguage", string().default(json!("en_US")).title("Default language"))
        .prop("defaultTimezone", string().default(json!("Europe/Berlin")).title("Default time zone"))
        .many("brands", &type_id("brand"))
        .many("profiles", &type_id("profile"))
        .many("tenants", &type_id("tenant"))
        .many("shareddomains", &type_id("shareddomain"))
        .link("cron", &type_id("cron"))
        .build()
}

/// `brand`: a reseller; in cloud mode an OX reseller subadmin.
pub fn brand() -> TypeDef {
    TypeBuilder::new("brand")
        .structure(
            "CombinationLimit",
            vec![
                (
                    "accessCombination",
                    string().required().one_of(ACCESS_COMBINATIONS),
                ),
                ("maxUsers", integer().required().min(0.0)),
            ],
        )
        .prop(
            "name",
            string()
                .required()
                .fixed()
                .max_len(128)
                .title("Reseller name")
                .describe("OX reseller name; also the advertisement reseller"),
        )
        .prop("displayName", string().title("Display name"))
        .prop(
            "adConfig",
            string()
                .max_len(2048)
                .title("Advertisement configuration")
                .describe("OX Display configuration (JSON) of the reseller's Global package"),
        )
        .prop(
            "subadminLogin",
            string().readonly().title("OX subadmin login"),
        )
        .prop(
            "subadminPassword",
            string()
                .readonly()
                .encrypted()
                .title("OX subadmin password"),
        )
        .prop(
            "maxContexts",
            integer()
                .min(0.0)
                .title("Maximum contexts")
                .describe("OX restriction Subadmin.MaxContext; 0 = unlimited"),
        )
        .prop(
            "maxUsers",
            integer()
                .min(0.0)
                .title("Maximum users")
                .describe(
                    "OX restriction Subadmin.MaxOverallUser (each tenant's context admin counts as a user); 0 = unlimited",
                ),
        )
        .prop(
            "maxUsersByCombination",
            array(structure("CombinationLimit"))
                .title("Maximum users per access combination")
                .describe("OX restrictions Subadmin.MaxOverallUserByModuleaccess_<combination>; 0 = unlimited"),
        )
        .requires("globals", &type_id("globals"))
        .many("profiles", &type_id("profile"))
        .many("tenants", &type_id("tenant"))
        .many("shareddomains", &type_id("shareddomain"))
        .build()
}

/// `profile`: a plan — OX access combination, quotas, capabilities, upgrades.
pub fn profile() -> TypeDef {
    TypeBuilder::new("profile")
        .prop("name", string().required().title("Name"))
        .prop(
            "accessCombination",
            string()
                .required()
                .one_of(ACCESS_COMBINATIONS)
                .title("OX access combination"),
        )
        .prop(
            "mailQuotaMb",
            integer()
                .min(0.0)
                .unit("mb")
                .default(json!(1024))
                .title("Mail quota (MB)")
                .describe("0 = unlimited"),
        )
        .prop(
            "fileQuotaMb",
            integer()
                .min(0.0)
                .unit("mb")
                .default(json!(0))
                .title("File storage quota (MB)")
                .describe("0 = unlimited"),
        )
        .prop(
            "capabilitiesAdd",
            array(string()).title("Capabilities to add"),
        )
        .prop(
            "capabilitiesRemove",
            array(string()).title("Capabilities to remove"),
        )
        .prop(
            "taxonomyType",
            string()
                .max_len(128)
                .title("Taxonomy type")
                .describe("Package name in the TaxonomyTypes advertisement scheme"),
        )
        .prop(
            "freeOfAds",
            boolean().default(json!(false)).title("No advertisements"),
        )
        .structure(
            "AdPreview",
            vec![
                ("userId", string().required()),
                ("config", string().required()),
            ],
        )
        .prop(
            "adConfig",
            string()
                .max_len(2048)
                .title("Advertisement configuration")
                .describe("OX Display configuration (JSON) of the profile's packages: its access combination and taxonomy type"),
        )
        .prop(
            "adPreviews",
            array(structure("AdPreview"))
                .readonly()
                .title("Advertisement previews")
                .describe("Preview configurations set on single users (setPreview)"),
        )
        .requires("globals", &type_id("globals"))
        .link("brand", &type_id("brand"))
        .many("upgradeTo", &type_id("profile"))
        .many("users", &type_id("user"))
        .operation("setPreview", "POST", "/setPreview", None, None)
        .operation("rollOutPreview", "POST", "/rollOutPreview", None, None)
        .operation("removePackageConfig", "POST", "/removePackageConfig", None, None)
        .operation("servedConfig", "GET", "/servedConfig", None, None)
        .build()
}

/// `shareddomain`: a provider-owned domain for tenants without one of their own.
pub fn shareddomain() -> TypeDef {
    TypeBuilder::new("shareddomain")
        .prop(
            "name",
            string()
                .required()
                .fixed()
                .format("host-name")
                .title("Domain"),
        )
        .requires("globals", &type_id("globals"))
        .link("brand", &type_id("brand"))
        .many("sharedsubdomains", &type_id("sharedsubdomain"))
        .build()
}

/// `cron`: the instance's periodic work (one per instance).
pub fn cron() -> TypeDef {
    TypeBuilder::new("cron")
        .prop(
            "enabled",
            boolean().default(json!(true)).title("Run periodic tasks"),
        )
        .requires("globals", &type_id("globals"))
        .many("tasks", &type_id("crontask"))
        .operation("run", "POST", "/run", None, None)
        .build()
}

/// `crontask`: one periodic task, visible with its last run.
pub fn crontask() -> TypeDef {
    TypeBuilder::new("crontask")
        .prop(
            "task",
            string()
                .required()
                .fixed()
                .one_of(&[
                    "usage-sync",
                    "retry-failed",
                    "reconcile",
                    "dns-check",
                    "expire-requests",
                ])
                .title("Task"),
        )
        .prop(
            "periodMinutes",
            integer()
                .min(1.0)
                .default(json!(30))
                .title("Period (minutes)"),
        )
        .prop(
            "lastRunAt",
            string().readonly().format("date-time").title("Last run"),
        )
        .prop(
            "lastDurationMs",
            integer().readonly().title("Duration of the last run (ms)"),
        )
        .prop(
            "lastResult",
            string()
                .readonly()
                .one_of(&["ok", "partial", "failed"])
                .title("Result"),
        )
        .prop("lastError", string().readonly().title("Last error"))
        .prop(
            "lastReport",
            string().readonly().title("Report of the last run"),
        )
        .prop(
            "lastRunBy",
            string()
                .readonly()
                .one_of(&["controller", "scheduler", "cli"])
                .title("Last run started by"),
        )
        .requires("cron", &type_id("cron"))
        .operation("run", "POST", "/run", None, None)
        .build()
}
