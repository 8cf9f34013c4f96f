//! A small namespace-aware element tree for reading APP-META.xml and APP-LIST.xml in
//! [`super::check`]: elements with their namespace, local name, attributes and children (text is
//! not needed and left out).

use std::collections::BTreeMap;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// An element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The namespace URI, if bound.
    pub ns: Option<String>,
    /// The local name.
    pub name: String,
    /// Attributes by (unprefixed) name; `xmlns` declarations left out.
    pub attrs: BTreeMap<String, String>,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }

    /// The child elements with a local name.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first child element with a local name.
    pub fn first(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// This element and every element below it, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.descendants());
        }
        out
    }
}

fn element(ns: ResolveResult<'_>, e: &BytesStart<'_>) -> Result<Element, String> {
    let ns = match ns {
        ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
        ResolveResult::Unbound => None,
        ResolveResult::Unknown(p) => {
            return Err(format!(
                "unknown namespace prefix {}",
                String::from_utf8_lossy(&p)
            ));
        }
    };
    let mut attrs = BTreeMap::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("bad attribute: {e}"))?;
        let key = a.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let name = String::from_utf8_lossy(key.local_name().as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|e| format!("bad attribute value: {e}"))?
            .into_owned();
        attrs.insert(name, value);
    }
    Ok(Element {
        ns,
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        attrs,
        children: Vec::new(),
    })
}

/// Parses a document into its root element; an error if it is not well-formed XML with exactly
/// one root element.
pub fn parse(bytes: &[u8]) -> Result<Element, String> {
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position();
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| format!("not well-formed XML near byte {pos}: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() && stack.is_empty() => {
                return Err(format!(
                    "more than one root element ({})",
                    String::from_utf8_lossy(e.local_name().as_ref())
                ));
            }
            Event::Start(e) => {
                let el = element(ns, &e)?;
                stack.push(el);
            }
            Event::Empty(e) => {
                let el = element(ns, &e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("unexpected end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => root = Some(el),
                }
            }
            Event::Text(t) if stack.is_empty() && !t.iter().all(u8::is_ascii_whitespace) => {
                return Err("text outside the root element".into());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("element <{}> is not closed", open.name));
    }
    root.ok_or_else(|| "no root element".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaces_attributes_and_children() {
        let root = parse(
            br#"<?xml version="1.0"?><a xmlns="urn:x" v="1&amp;2"><b id="q"/><c><b/></c></a>"#,
        )
        .unwrap();
        assert_eq!(root.ns.as_deref(), Some("urn:x"));
        assert_eq!(root.attr("v"), Some("1&2"));
        assert!(root.attr("xmlns").is_none());
        assert_eq!(root.first("b").and_then(|b| b.attr("id")), Some("q"));
        assert_eq!(
            root.descendants().iter().filter(|e| e.name == "b").count(),
            2
        );
        assert_eq!(root.children[1].children[0].ns.as_deref(), Some("urn:x"));
    }

    #[test]
    fn refuses_broken_documents() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").unwrap_err().contains("not closed"));
        assert!(
            parse(b"<a/><b/>")
                .unwrap_err()
                .contains("more than one root")
        );
        assert!(parse(b"").is_err());
        assert!(parse(b"<p:a/>").is_err());
    }
}
