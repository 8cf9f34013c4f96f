//! `APP-META.xml`: the application's identity, presentation (with the customer panel's
//! navigation, see docs/package.md and the UI contract), licence, upgrade rule and one `<service>`
//! per route with its schema.
//!
//! oxaps is an external endpoint (the controller calls it over HTTPS at the URL given when an
//! instance is installed), so a service has `<schema path=…>` and no `<code engine="php">`, as in
//! other packages with external endpoints.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{APP_ID, APP_NAME, APP_VERSION, PackageError, PackageOptions};
use crate::http::route::SERVICES;

/// The package path.
pub const PATH: &str = "APP-META.xml";

/// The namespace of APP-META.xml.
pub const NAMESPACE: &str = "http://aps-standard.org/ns/2";

/// The project's homepage, also the vendor's and the packager's.
pub const HOMEPAGE: &str = "http://oxaps.org/";

/// The package's summary.
pub const SUMMARY: &str =
    "Sell OX App Suite email, calendar and files through Odin Service Automation";

/// The package's description.
pub const DESCRIPTION: &str = "OX App Suite gives your customers professional email, calendars, contacts, tasks and file storage in the browser and on every device. This package provisions OX App Suite contexts, users, groups, resources and mail domains from Odin Service Automation and lets customers manage them in the control panel.";

/// The icon and the screenshot.
pub const ICON: &str = "images/icon.png";
/// The screenshot.
pub const SCREENSHOT: &str = "images/screenshot.png";
/// The screenshot's description.
pub const SCREENSHOT_DESCRIPTION: &str = "The OX App Suite tab of the customer control panel";
/// The changelog entry of this version.
pub const CHANGELOG_ENTRY: &str =
    "First release: OX App Suite provisioning and the customer control panel";
/// The category in the APS catalog.
pub const CATEGORY: &str = "Collaboration/Email";
/// The licence's name.
pub const LICENSE_NAME: &str = "Apache License 2.0";
/// The licence's text.
pub const LICENSE_URL: &str = "https://www.apache.org/licenses/LICENSE-2.0";

/// A service's presentation: (service id, name, summary), one per route in route order.
pub const SERVICE_PRESENTATION: &[(&str, &str, &str)] = &[
    (
        "globals",
        "OX App Suite application",
        "The connection to OX App Suite and the settings of an application instance",
    ),
    ("brand", "OX brand", "A reseller's brand in OX App Suite"),
    (
        "profile",
        "OX service profile",
        "The OX App Suite features and quotas a user gets",
    ),
    ("tenant", "OX App Suite", "OX App Suite for one customer"),
    (
        "domain",
        "Mail domain",
        "A customer's domain used for OX App Suite email",
    ),
    (
        "subdomain",
        "Mail subdomain",
        "A subdomain of a customer's domain used for email",
    ),
    (
        "shareddomain",
        "Shared domain",
        "A provider's domain that customers can use for email",
    ),
    (
        "sharedsubdomain",
        "Shared subdomain",
        "A customer's subdomain of a shared domain",
    ),
    (
        "user",
        "OX App Suite user",
        "A user's OX App Suite mailbox, calendar and files",
    ),
    (
        "emailaddress",
        "Email address",
        "An additional email address of a user",
    ),
    ("group", "OX group", "A group of OX App Suite users"),
    (
        "resource",
        "OX resource",
        "A bookable resource such as a meeting room or a projector",
    ),
    (
        "purchaserequest",
        "Purchase request",
        "A request for a better OX App Suite service profile",
    ),
    (
        "cron",
        "Periodic tasks",
        "The periodic work of an application instance",
    ),
    (
        "crontask",
        "Periodic task",
        "One periodic task and its last run",
    ),
];

/// A view of the navigation: id, label, source module, nested views.
#[derive(Debug)]
pub struct View {
    /// The view id.
    pub id: &'static str,
    /// The label shown in the panel.
    pub label: &'static str,
    /// The ES module, a package path.
    pub src: &'static str,
    /// Views below it.
    pub children: &'static [View],
}

const fn view(id: &'static str, label: &'static str, src: &'static str) -> View {
    View {
        id,
        label,
        src,
        children: &[],
    }
}

/// The customer panel navigation (`ccp`): item `ox` with these views (the UI contract).
pub const NAVIGATION_LABEL: &str = "OX App Suite";
/// The views of the `ox` item.
pub const VIEWS: &[View] = &[
    View {
        id: "users",
        label: "Users",
        src: "ui/users.js",
        children: &[
            view("user-enable", "Enable OX App Suite", "ui/user-enable.js"),
            view("user-edit", "Manage user", "ui/user-edit.js"),
        ],
    },
    View {
        id: "groups",
        label: "Groups",
        src: "ui/groups.js",
        children: &[view("group-edit", "Group", "ui/group-edit.js")],
    },
    View {
        id: "resources",
        label: "Resources",
        src: "ui/resources.js",
        children: &[view("resource-edit", "Resource", "ui/resource-edit.js")],
    },
    View {
        id: "domains",
        label: "Domains",
        src: "ui/domains.js",
        children: &[
            view("domain-edit", "Domain", "ui/domain-edit.js"),
            view("subdomain-new", "Add subdomain", "ui/subdomain-new.js"),
        ],
    },
    view(
        "purchaserequests",
        "Purchase requests",
        "ui/purchaserequests.js",
    ),
];
/// The service user wizard plugin's module.
pub const USER_CREATE_PLUGIN: &str = "ui/plugins/user-create.js";

/// Every string of APP-META.xml that people read: each has a translation in `i18n/*.po`.
pub fn translatable() -> Vec<&'static str> {
    fn views(out: &mut Vec<&'static str>, vs: &'static [View]) {
        for v in vs {
            out.push(v.label);
            views(out, v.children);
        }
    }
    let mut out = vec![
        SUMMARY,
        DESCRIPTION,
        SCREENSHOT_DESCRIPTION,
        CHANGELOG_ENTRY,
        NAVIGATION_LABEL,
    ];
    views(&mut out, VIEWS);
    for (_, name, summary) in SERVICE_PRESENTATION {
        out.push(name);
        out.push(summary);
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|s| seen.insert(*s));
    out
}

struct Xml(Writer<Vec<u8>>);

fn err(e: impl std::fmt::Display) -> PackageError {
    PackageError::Xml {
        file: PATH,
        reason: e.to_string(),
    }
}

impl Xml {
    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), PackageError> {
        let mut e = BytesStart::new(name);
        for a in attrs {
            e.push_attribute(*a);
        }
        self.0.write_event(Event::Start(e)).map_err(err)
    }

    fn end(&mut self, name: &str) -> Result<(), PackageError> {
        self.0
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(err)
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<(), PackageError> {
        let mut e = BytesStart::new(name);
        for a in attrs {
            e.push_attribute(*a);
        }
        self.0.write_event(Event::Empty(e)).map_err(err)
    }

    fn text(&mut self, name: &str, text: &str) -> Result<(), PackageError> {
        self.0
            .create_element(name)
            .write_text_content(BytesText::new(text))
            .map(|_| ())
            .map_err(err)
    }

    fn views(&mut self, views: &[View]) -> Result<(), PackageError> {
        for v in views {
            let attrs = [("id", v.id), ("label", v.label), ("src", v.src)];
            if v.children.is_empty() {
                self.empty("view", &attrs)?;
            } else {
                self.start("view", &attrs)?;
                self.views(v.children)?;
                self.end("view")?;
            }
        }
        Ok(())
    }

    fn navigation(&mut self) -> Result<(), PackageError> {
        let tenant = crate::types::type_id("tenant");
        self.start("navigation", &[("id", "ccp"), ("label", NAVIGATION_LABEL)])?;
        self.empty("var", &[("name", "tenant"), ("type-id", &tenant)])?;
        self.empty("plugs-to", &[("id", "http://www.parallels.com/ccp/2")])?;
        self.start("item", &[("id", "ox"), ("label", NAVIGATION_LABEL)])?;
        self.views(VIEWS)?;
        self.end("item")?;
        self.end("navigation")?;
        self.start("navigation", &[("id", "ccp-users-plugin")])?;
        self.empty(
            "plugs-to",
            &[("id", "http://www.parallels.com/ccp-users#usercreate")],
        )?;
        self.empty(
            "view-plugin",
            &[("id", "user-create"), ("src", USER_CREATE_PLUGIN)],
        )?;
        self.end("navigation")
    }

    fn presentation(&mut self, release: u32) -> Result<(), PackageError> {
        self.start("presentation", &[])?;
        self.text("summary", SUMMARY)?;
        self.text("description", DESCRIPTION)?;
        self.empty("icon", &[("path", ICON)])?;
        self.start("screenshot", &[("path", SCREENSHOT)])?;
        self.text("description", SCREENSHOT_DESCRIPTION)?;
        self.end("screenshot")?;
        self.start("changelog", &[])?;
        let release = release.to_string();
        self.start(
            "version",
            &[("version", APP_VERSION), ("release", &release)],
        )?;
        self.text("entry", CHANGELOG_ENTRY)?;
        self.end("version")?;
        self.end("changelog")?;
        self.start("categories", &[])?;
        self.text("category", CATEGORY)?;
        self.end("categories")?;
        self.start("languages", &[])?;
        self.text("language", "en")?;
        self.text("language", "de")?;
        self.end("languages")?;
        self.navigation()?;
        self.end("presentation")
    }

    fn party(&mut self, element: &str) -> Result<(), PackageError> {
        self.start(element, &[])?;
        self.text("name", APP_NAME)?;
        self.text("homepage", HOMEPAGE)?;
        self.end(element)
    }

    fn services(&mut self) -> Result<(), PackageError> {
        for service in SERVICES {
            let (name, summary) = SERVICE_PRESENTATION
                .iter()
                .find(|(id, _, _)| id == service)
                .map(|(_, n, s)| (*n, *s))
                .ok_or_else(|| {
                    PackageError::Invalid(format!("service {service} has no presentation"))
                })?;
            self.start("service", &[("id", service)])?;
            self.empty("schema", &[("path", &super::schema::path(service))])?;
            self.start("presentation", &[])?;
            self.text("name", name)?;
            self.text("summary", summary)?;
            self.end("presentation")?;
            self.end("service")?;
        }
        Ok(())
    }
}

/// The APP-META.xml of a build.
pub fn app_meta(opts: &PackageOptions) -> Result<Vec<u8>, PackageError> {
    let mut x = Xml(Writer::new_with_indent(Vec::new(), b' ', 2));
    x.0.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(err)?;
    x.start("application", &[("xmlns", NAMESPACE), ("version", "2.0")])?;
    x.text("id", APP_ID)?;
    x.text("name", APP_NAME)?;
    x.text("version", APP_VERSION)?;
    x.text("release", &opts.release.to_string())?;
    x.text("homepage", HOMEPAGE)?;
    x.party("vendor")?;
    x.party("packager")?;
    x.presentation(opts.release)?;
    x.start("license-agreement", &[])?;
    x.empty("free", &[])?;
    x.start("text", &[])?;
    x.text("name", LICENSE_NAME)?;
    x.text("url", LICENSE_URL)?;
    x.end("text")?;
    x.end("license-agreement")?;
    x.empty("upgrade", &[("match", "version =ge= 0.1, release =ge= 0")])?;
    x.services()?;
    x.end("application")?;
    let mut bytes = x.0.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> String {
        String::from_utf8(app_meta(&PackageOptions::default()).unwrap()).unwrap()
    }

    #[test]
    fn the_changelog_names_the_built_release() {
        let opts = PackageOptions {
            release: 4,
            ..PackageOptions::default()
        };
        let xml = String::from_utf8(app_meta(&opts).unwrap()).unwrap();
        assert!(xml.contains("<release>4</release>"));
        assert!(
            xml.contains(&format!(r#"<version version="{APP_VERSION}" release="4">"#)),
            "{xml}"
        );
    }

    #[test]
    fn root_identity_and_one_service_per_route() {
        let xml = meta();
        assert!(
            xml.contains(r#"<application xmlns="http://aps-standard.org/ns/2" version="2.0">"#)
        );
        assert!(xml.contains("<id>http://oxaps.org/app</id>"));
        assert!(xml.contains("<release>1</release>"));
        for s in SERVICES {
            assert!(xml.contains(&format!(r#"<service id="{s}">"#)), "{s}");
            assert!(
                xml.contains(&format!(r#"<schema path="schemas/{s}.schema"/>"#)),
                "{s}"
            );
        }
        assert!(!xml.contains("<code"), "external endpoint: no code element");
    }

    #[test]
    fn navigation_is_the_ui_contract() {
        let xml = meta();
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let expected = r#"<navigation id="ccp" label="OX App Suite">
  <var name="tenant" type-id="http://oxaps.org/types/tenant/1.0"/>
  <plugs-to id="http://www.parallels.com/ccp/2"/>
  <item id="ox" label="OX App Suite">
    <view id="users" label="Users" src="ui/users.js">
      <view id="user-enable" label="Enable OX App Suite" src="ui/user-enable.js"/>
      <view id="user-edit" label="Manage user" src="ui/user-edit.js"/>
    </view>
    <view id="groups" label="Groups" src="ui/groups.js">
      <view id="group-edit" label="Group" src="ui/group-edit.js"/>
    </view>
    <view id="resources" label="Resources" src="ui/resources.js">
      <view id="resource-edit" label="Resource" src="ui/resource-edit.js"/>
    </view>
    <view id="domains" label="Domains" src="ui/domains.js">
      <view id="domain-edit" label="Domain" src="ui/domain-edit.js"/>
      <view id="subdomain-new" label="Add subdomain" src="ui/subdomain-new.js"/>
    </view>
    <view id="purchaserequests" label="Purchase requests" src="ui/purchaserequests.js"/>
  </item>
</navigation>
<navigation id="ccp-users-plugin">
  <plugs-to id="http://www.parallels.com/ccp-users#usercreate"/>
  <view-plugin id="user-create" src="ui/plugins/user-create.js"/>
</navigation>"#;
        assert!(squeeze(&xml).contains(&squeeze(expected)), "{xml}");
    }

    /// msgid → msgstr of a .po file (single-line entries, as ours are written).
    fn po(text: &str) -> std::collections::BTreeMap<String, String> {
        let unquote = |s: &str| s.trim_matches('"').replace("\\\"", "\"");
        let mut out = std::collections::BTreeMap::new();
        let mut id = None;
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("msgid ") {
                id = Some(unquote(v));
            } else if let (Some(v), Some(k)) = (line.strip_prefix("msgstr "), id.take()) {
                out.insert(k, unquote(v));
            }
        }
        out
    }

    #[test]
    fn every_string_is_translated_to_german() {
        let tree = crate::package::source_tree();
        for file in ["i18n/en_US.po", "i18n/de_DE.po"] {
            let entries = po(std::str::from_utf8(&tree[file]).unwrap());
            for s in translatable() {
                let t = entries
                    .get(s)
                    .unwrap_or_else(|| panic!("{file}: no msgid {s:?}"));
                assert!(!t.is_empty(), "{file}: {s:?} has no translation");
            }
        }
        let de = po(std::str::from_utf8(&tree["i18n/de_DE.po"]).unwrap());
        assert_eq!(de["Users"], "Benutzer");
        assert_eq!(de["Purchase requests"], "Kaufanfragen");
    }

    #[test]
    fn every_route_has_a_presentation() {
        let ids: Vec<&str> = SERVICE_PRESENTATION.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(ids, SERVICES);
    }
}
