//! Customer-side types: the tenant (an OX context), its domains, users, aliases, groups,
//! resources, and purchase requests.

use aps::typedef::TypeDef;
use serde_json::json;

use super::builder::{TypeBuilder, array, integer, string, structure};
use super::{platform, type_id};

/// `tenant`: a customer's OX context, one per subscription.
pub fn tenant() -> TypeDef {
    /// What event handlers receive (aps2.md §1.4).
    const NOTIFICATION: &str = "http://aps-standard.org/types/core/resource/1.0#Notification";
    TypeBuilder::new("tenant")
        .implements(platform::CORE_SUBSCRIPTION_SERVICE)
        .structure(
            "ProfileUsage",
            vec![
                ("profile", string().required()),
                ("users", integer().required().min(0.0)),
            ],
        )
        .prop("contextId", integer().readonly().title("OX context id"))
        .prop("contextName", string().readonly().title("OX context name"))
        .prop(
            "adminLogin",
            string().readonly().title("Context admin login"),
        )
        .prop(
            "adminPassword",
            string()
                .readonly()
                .encrypted()
                .title("Context admin password"),
        )
        .prop(
            "fileQuotaMb",
            integer()
                .min(0.0)
                .unit("mb")
                .default(json!(0))
                .title("Context file storage (MB)")
                .describe("0 = unlimited"),
        )
        .prop(
            "disabled",
            super::builder::boolean()
                .readonly()
                .default(json!(false))
                .title("Disabled")
                .describe(
                    "Follows the subscription: a disabled subscription disables the OX context",
                ),
        )
        .prop("users", super::builder::counter("item").title("OX users"))
        .prop(
            "usersByProfile",
            array(structure("ProfileUsage"))
                .readonly()
                .title("Users per profile"),
        )
        .prop(
            "mailboxStorageMb",
            super::builder::counter("mb").title("Mailbox storage"),
        )
        .prop(
            "fileStorageMb",
            super::builder::counter("mb").title("File storage"),
        )
        .requires("account", platform::CORE_ACCOUNT)
        .requires("subscription", platform::CORE_SUBSCRIPTION)
        .requires("globals", &type_id("globals"))
        .link("brand", &type_id("brand"))
        .many("domains", &type_id("domain"))
        .many("sharedsubdomains", &type_id("sharedsubdomain"))
        .many("oxUsers", &type_id("user"))
        .many("groups", &type_id("group"))
        .many("resources", &type_id("resource"))
        .many("purchaserequests", &type_id("purchaserequest"))
        .operation(
            "onSubscriptionChange",
            "POST",
            "/onSubscriptionChange",
            Some(NOTIFICATION),
            None,
        )
        .build()
}

/// `domain`: a customer's own domain, hosted as a DNS zone.
pub fn domain() -> TypeDef {
    TypeBuilder::new("domain")
        .prop(
            "name",
            string()
                .required()
                .fixed()
                .format("host-name")
                .title("Domain"),
        )
        .prop(
            "catchAll",
            string()
                .default(json!(""))
                .title("Catch-all mailbox")
                .describe(
                    "A mailbox of the tenant that receives mail for unknown addresses, or empty",
                ),
        )
        .prop(
            "dnsRecords",
            array(string())
                .readonly()
                .title("DNS records created by oxaps"),
        )
        .requires("tenant", &type_id("tenant"))
        .link("zone", platform::DNS_ZONE)
        .many("subdomains", &type_id("subdomain"))
        .build()
}

/// `subdomain`: a subdomain of a tenant's domain.
pub fn subdomain() -> TypeDef {
    TypeBuilder::new("subdomain")
        .prop(
            "label",
            string().required().fixed().max_len(63).title("Subdomain"),
        )
        .prop(
            "name",
            string().readonly().format("host-name").title("Full name"),
        )
        .prop(
            "dnsRecords",
            array(string())
                .readonly()
                .title("DNS records created by oxaps"),
        )
        .prop(
            "catchAll",
            string().default(json!("")).title("Catch-all mailbox"),
        )
        .requires("domain", &type_id("domain"))
        .build()
}

/// `sharedsubdomain`: a tenant's subdomain of a provider's shared domain.
pub fn sharedsubdomain() -> TypeDef {
    TypeBuilder::new("sharedsubdomain")
        .prop(
            "label",
            string().required().fixed().max_len(63).title("Subdomain"),
        )
        .prop(
            "name",
            string().readonly().format("host-name").title("Full name"),
        )
        .prop(
            "catchAll",
            string().default(json!("")).title("Catch-all mailbox"),
        )
        .requires("shareddomain", &type_id("shareddomain"))
        .requires("tenant", &type_id("tenant"))
        .build()
}

/// `user`: a service user's OX account.
pub fn user() -> TypeDef {
    TypeBuilder::new("user")
        .implements(platform::CORE_USER_SERVICE)
        .prop(
            "login",
            string()
                .required()
                .format("email")
                .title("Login")
                .describe("Local part and one of the tenant's domains"),
        )
        .prop("displayName", string().title("Display name"))
        .prop("givenName", string().title("Given name"))
        .prop("surName", string().title("Surname"))
        .prop(
            "password",
            string()
                .encrypted()
                .title("Password")
                .describe("Generated when empty"),
        )
        .prop("language", string().title("Language"))
        .prop("timezone", string().title("Time zone"))
        .prop(
            "status",
            string()
                .one_of(&["enabled", "disabled"])
                .default(json!("enabled"))
                .title("OX App Suite"),
        )
        .prop("oxUserId", integer().readonly().title("OX user id"))
        .prop(
            "mailStorageMb",
            super::builder::counter("mb").title("Mail storage"),
        )
        .requires("user", platform::CORE_USER)
        .requires("tenant", &type_id("tenant"))
        .requires("profile", &type_id("profile"))
        .many("aliases", &type_id("emailaddress"))
        .many("groups", &type_id("group"))
        .build()
}

/// `emailaddress`: an alias of a user on one of the tenant's domains.
pub fn emailaddress() -> TypeDef {
    TypeBuilder::new("emailaddress")
        .prop(
            "address",
            string().required().fixed().format("email").title("Address"),
        )
        .requires("user", &type_id("user"))
        .build()
}

/// `group`: a group of users in the tenant's context.
pub fn group() -> TypeDef {
    TypeBuilder::new("group")
        .prop("name", string().required().max_len(128).title("Name"))
        .prop("displayName", string().title("Display name"))
        .prop("oxGroupId", integer().readonly().title("OX group id"))
        .requires("tenant", &type_id("tenant"))
        .many("members", &type_id("user"))
        .build()
}

/// `resource`: a bookable resource (room, equipment) with a manager.
pub fn resource() -> TypeDef {
    TypeBuilder::new("resource")
        .prop(
            "name",
            string().required().max_len(128).title("Resource name"),
        )
        .prop("displayName", string().required().title("Display name"))
        .prop("description", string().title("Description"))
        .prop(
            "email",
            string().required().format("email").title("Resource email"),
        )
        .prop("oxResourceId", integer().readonly().title("OX resource id"))
        .requires("tenant", &type_id("tenant"))
        .link("manager", &type_id("user"))
        .build()
}

/// `purchaserequest`: an upgrade a user asked for from inside OX App Suite. Profiles are held as
/// APS ids plus names for display; `state` and `requestedAt` stay top-level strings (the
/// expiry task reads them).
pub fn purchaserequest() -> TypeDef {
    TypeBuilder::new("purchaserequest")
        .prop("userLogin", string().required().fixed().title("User"))
        .prop("userDisplayName", string().readonly().title("User name"))
        .prop(
            "currentProfile",
            string().readonly().title("Current profile id"),
        )
        .prop(
            "currentProfileName",
            string().readonly().title("Current profile"),
        )
        .prop(
            "requestedProfile",
            string().required().fixed().title("Requested profile id"),
        )
        .prop(
            "requestedProfileName",
            string().readonly().title("Requested profile"),
        )
        .prop(
            "missingCapability",
            string().fixed().max_len(256).title("Missing feature"),
        )
        .prop(
            "requestedAt",
            string()
                .readonly()
                .format("date-time")
                .title("Requested at"),
        )
        .prop(
            "state",
            string()
                .readonly()
                .one_of(&["pending", "proceeded", "rejected", "expired"])
                .default(json!("pending"))
                .title("State"),
        )
        .prop("decidedBy", string().readonly().title("Decided by"))
        .prop(
            "decidedAt",
            string().readonly().format("date-time").title("Decided at"),
        )
        .prop("reason", string().max_len(1024).title("Reason"))
        .requires("tenant", &type_id("tenant"))
        .link("user", &type_id("user"))
        .operation("proceed", "POST", "/proceed", None, Some(SELF))
        .operation("reject", "POST", "/reject", Some("object"), Some(SELF))
        .build()
}

/// Operations answer with the purchase request itself.
const SELF: &str = "self";

#[cfg(test)]
mod tests {
    #[test]
    fn the_counter_structure_is_the_core_resource_one() {
        assert!(super::super::builder::COUNTER.starts_with(aps::resource::CORE_RESOURCE_TYPE));
    }
}
