//! Request data used by the golden-envelope cases.

use ox::{Context, Credentials, SoapStringMapMap, User};

pub fn master() -> Credentials {
    Credentials::new("oxadminmaster", "master-secret")
}

pub fn ctx_admin() -> Credentials {
    Credentials::new("oxadmin", "admin-secret")
}

pub fn full_context() -> Context {
    let mut attrs = SoapStringMapMap::default();
    attrs.set("taxonomy", "types", "gold");
    Context {
        id: Some(4711),
        name: Some("example.com".into()),
        max_quota: Some(1024),
        login_mappings: vec!["example.com".into(), "4711".into()],
        user_attributes: Some(attrs),
        ..Default::default()
    }
}

pub fn admin_user() -> User {
    User {
        name: Some("oxadmin".into()),
        password: Some("admin-secret".into()),
        display_name: Some("Context Admin".into()),
        given_name: Some("Context".into()),
        sur_name: Some("Admin".into()),
        ..Default::default()
    }
    .with_primary_address("admin@example.com")
}

pub fn full_user() -> User {
    let mut attrs = SoapStringMapMap::default();
    attrs.set("config", "com.openexchange.mail.specialuse.check", "true");
    User {
        name: Some("alice".into()),
        password: Some("user-secret & <pw>".into()),
        display_name: Some("Alice Example".into()),
        given_name: Some("Alice".into()),
        sur_name: Some("Example".into()),
        aliases: vec!["alice@example.com".into(), "a.example@example.com".into()],
        default_sender_address: Some("alice@example.com".into()),
        mail_enabled: Some(true),
        imap_login: Some("alice@example.com".into()),
        imap_server: Some("imap.example.com".into()),
        imap_port: Some(993),
        imap_schema: Some("imaps://".into()),
        smtp_server: Some("smtp.example.com".into()),
        smtp_port: Some(587),
        smtp_schema: Some("smtp://".into()),
        language: Some("de_DE".into()),
        timezone: Some("Europe/Berlin".into()),
        max_quota: Some(2048),
        user_attributes: Some(attrs),
        email2: ox::cleared(),
        ..Default::default()
    }
    .with_primary_address("alice@example.com")
}

pub const CTX_RETURN: &str =
    "<ns2:enabled>true</ns2:enabled><ns2:id>4711</ns2:id><ns2:name>example.com</ns2:name>";
pub const USER_RETURN: &str = "<ns2:id>3</ns2:id><ns2:name>alice</ns2:name>";
