//! The navigation of a package's `APP-META.xml` (`<navigation>` with vars, items, nested views and
//! view plugins), as the control panel frame reads it to build its menu and routes.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

use crate::error::{SimError, SimResult};

/// A navigation variable (`<var name=".." type-id=".."/>`), resolved by the panel to a resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NavVar {
    /// `name`: the key in the views' `ctx.vars`.
    pub name: String,
    /// `type-id`: the resource type whose instance of the account the var holds.
    #[serde(rename = "typeId")]
    pub type_id: String,
}

/// A view (`<view id label src>`) with the views nested in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NavView {
    /// `id`.
    pub id: String,
    /// `label`.
    pub label: String,
    /// `src`: the module path inside the package (e.g. `ui/users.js`).
    pub src: String,
    /// Nested views, reached from this one.
    pub children: Vec<NavView>,
}

/// A menu item (`<item id label>`) and its top-level views.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NavItem {
    /// `id`.
    pub id: String,
    /// `label`.
    pub label: String,
    /// Views of the item (the item's tabs).
    pub views: Vec<NavView>,
}

/// A view plugin (`<view-plugin id src>`), plugged into a platform screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NavPlugin {
    /// `id`.
    pub id: String,
    /// `src`.
    pub src: String,
}

/// One `<navigation>` element.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Navigation {
    /// `id`.
    pub id: String,
    /// `label`.
    pub label: String,
    /// `<plugs-to id>` values.
    #[serde(rename = "plugsTo")]
    pub plugs_to: Vec<String>,
    /// Variables.
    pub vars: Vec<NavVar>,
    /// Menu items.
    pub items: Vec<NavItem>,
    /// View plugins.
    pub plugins: Vec<NavPlugin>,
}

fn attr(e: &BytesStart<'_>, name: &str) -> SimResult<String> {
    for a in e.attributes() {
        let a = a.map_err(|err| SimError::BadRequest(format!("APP-META.xml: {err}")))?;
        if a.key.local_name().as_ref() == name.as_bytes() {
            let v = a
                .unescape_value()
                .map_err(|err| SimError::BadRequest(format!("APP-META.xml: {err}")))?;
            return Ok(v.into_owned());
        }
    }
    Ok(String::new())
}

/// Builds the navigation tree while reading elements.
#[derive(Default)]
struct Builder {
    done: Vec<Navigation>,
    nav: Option<Navigation>,
    item: Option<NavItem>,
    views: Vec<NavView>,
}

impl Builder {
    fn open(&mut self, e: &BytesStart<'_>) -> SimResult<()> {
        let name = e.local_name();
        match name.as_ref() {
            b"navigation" => {
                self.nav = Some(Navigation {
                    id: attr(e, "id")?,
                    label: attr(e, "label")?,
                    ..Navigation::default()
                })
            }
            b"item" if self.nav.is_some() => {
                self.item = Some(NavItem {
                    id: attr(e, "id")?,
                    label: attr(e, "label")?,
                    views: Vec::new(),
                })
            }
            b"view" if self.nav.is_some() => self.views.push(NavView {
                id: attr(e, "id")?,
                label: attr(e, "label")?,
                src: attr(e, "src")?,
                children: Vec::new(),
            }),
            _ => {}
        }
        Ok(())
    }

    fn leaf(&mut self, e: &BytesStart<'_>) -> SimResult<()> {
        let Some(nav) = self.nav.as_mut() else {
            return Ok(());
        };
        match e.local_name().as_ref() {
            b"var" => nav.vars.push(NavVar {
                name: attr(e, "name")?,
                type_id: attr(e, "type-id")?,
            }),
            b"plugs-to" => nav.plugs_to.push(attr(e, "id")?),
            b"view-plugin" => nav.plugins.push(NavPlugin {
                id: attr(e, "id")?,
                src: attr(e, "src")?,
            }),
            b"view" | b"item" | b"navigation" => {
                self.open(e)?;
                self.close(e.local_name().as_ref());
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &[u8]) {
        match name {
            b"view" => {
                let Some(view) = self.views.pop() else { return };
                if let Some(parent) = self.views.last_mut() {
                    parent.children.push(view);
                } else if let Some(item) = self.item.as_mut() {
                    item.views.push(view);
                }
            }
            b"item" => {
                if let (Some(item), Some(nav)) = (self.item.take(), self.nav.as_mut()) {
                    nav.items.push(item);
                }
            }
            b"navigation" => {
                if let Some(nav) = self.nav.take() {
                    self.done.push(nav);
                }
            }
            _ => {}
        }
    }
}

/// Every `<navigation>` of an `APP-META.xml`, in document order.
pub fn parse(xml: &str) -> SimResult<Vec<Navigation>> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut b = Builder::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => b.open(&e)?,
            Ok(Event::Empty(e)) => b.leaf(&e)?,
            Ok(Event::End(e)) => b.close(e.local_name().as_ref()),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                return Err(SimError::BadRequest(format!(
                    "APP-META.xml at byte {}: {e}",
                    reader.error_position()
                )));
            }
        }
    }
    Ok(b.done)
}

#[cfg(test)]
mod tests {
    use super::*;

    const META: &str = r#"<?xml version="1.0"?>
<application xmlns="http://aps-standard.org/ns/2" version="2.0">
 <presentation>
  <navigation id="ccp" label="OX App Suite">
    <var name="tenant" type-id="http://oxaps.org/types/tenant/1.0"/>
    <plugs-to id="http://www.parallels.com/ccp/2"/>
    <item id="ox" label="OX &amp; more">
      <view id="users" label="Users" src="ui/users.js">
        <view id="user-edit" label="Manage user" src="ui/user-edit.js"/>
      </view>
      <view id="purchaserequests" label="Purchase requests" src="ui/purchaserequests.js"/>
    </item>
  </navigation>
  <navigation id="ccp-users-plugin">
    <plugs-to id="http://www.parallels.com/ccp-users#usercreate"/>
    <view-plugin id="user-create" src="ui/plugins/user-create.js"/>
  </navigation>
 </presentation>
</application>"#;

    #[test]
    fn navigation_items_nested_views_and_plugins() {
        let navs = parse(META).unwrap();
        assert_eq!(navs.len(), 2);
        let ccp = &navs[0];
        assert_eq!(ccp.id, "ccp");
        assert_eq!(ccp.plugs_to, vec!["http://www.parallels.com/ccp/2"]);
        assert_eq!(
            ccp.vars,
            vec![NavVar {
                name: "tenant".into(),
                type_id: "http://oxaps.org/types/tenant/1.0".into()
            }]
        );
        assert_eq!(ccp.items.len(), 1);
        assert_eq!(ccp.items[0].label, "OX & more");
        let views = &ccp.items[0].views;
        assert_eq!(
            views.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(),
            ["users", "purchaserequests"]
        );
        assert_eq!(views[0].children.len(), 1);
        assert_eq!(views[0].children[0].src, "ui/user-edit.js");
        assert_eq!(navs[1].plugins[0].src, "ui/plugins/user-create.js");
        assert!(navs[1].items.is_empty());
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(parse("<navigation id='x'><item></navigation>").is_err());
    }
}
