//! Parses a response document into a small element tree addressed by LOCAL name.
//!
//! Prefixes and namespaces are deliberately ignored: OX (CXF) answers with default namespaces
//! (`<createResponse xmlns="http://soap.admin.openexchange.com"><return>`), other stacks with
//! prefixes, and some proxies rewrite them. Matching local names accepts all of those, and
//! qualified or unqualified children alike. `xsi:nil="true"` is recorded per element.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Deepest element nesting accepted. OX responses nest about ten levels deep
/// (Envelope/Body/getDataResponse/return/userAttributes/entries/value/entries/key).
pub const MAX_DEPTH: usize = 64;

/// One element of a parsed document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    name: String,
    nil: bool,
    text: String,
    children: Vec<Element>,
}

/// The document is not well-formed XML, or is beyond [`MAX_DEPTH`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed XML: {0}")]
pub struct ParseError(pub String);

impl Element {
    /// An element with the given local name and text (handy in tests).
    pub fn leaf(name: &str, text: &str) -> Self {
        Element {
            name: name.to_owned(),
            text: text.to_owned(),
            ..Default::default()
        }
    }

    /// The local name (the part after the prefix).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the element carries `xsi:nil="true"`.
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    /// The character data directly inside the element, entities resolved.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The child elements in document order.
    pub fn children(&self) -> &[Element] {
        &self.children
    }

    /// The first child with this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == local)
    }

    /// The children with this local name, in document order.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == local)
    }

    /// Consumes the element and returns its children.
    pub fn into_children(self) -> Vec<Element> {
        self.children
    }
}

/// Parses a UTF-8 document and returns its root element.
pub fn parse(xml: &[u8]) -> Result<Element, ParseError> {
    let mut reader = Reader::from_reader(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| ParseError(e.to_string()))?;
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError(format!(
                        "nesting deeper than {MAX_DEPTH} elements"
                    )));
                }
                stack.push(element_from(&start)?);
            }
            Event::Empty(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError(format!(
                        "nesting deeper than {MAX_DEPTH} elements"
                    )));
                }
                attach(&mut stack, &mut root, element_from(&start)?)?;
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or_else(|| ParseError("unbalanced end tag".into()))?;
                attach(&mut stack, &mut root, done)?;
            }
            Event::Text(text) => {
                let s = text
                    .xml10_content()
                    .map_err(|e| ParseError(e.to_string()))?;
                push_text(&mut stack, &s)?;
            }
            Event::CData(cdata) => {
                let s = cdata.decode().map_err(|e| ParseError(e.to_string()))?;
                push_text(&mut stack, &s)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference
                    .resolve_char_ref()
                    .map_err(|e| ParseError(e.to_string()))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.decode().map_err(|e| ParseError(e.to_string()))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| ParseError(format!("unknown entity &{name};")))?
                            .to_owned()
                    }
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(ParseError("document ends inside an element".into()));
    }
    root.ok_or_else(|| ParseError("no root element".into()))
}

fn element_from(start: &BytesStart<'_>) -> Result<Element, ParseError> {
    let name = std::str::from_utf8(start.local_name().as_ref())
        .map_err(|e| ParseError(e.to_string()))?
        .to_owned();
    let mut nil = false;
    for attr in start.attributes() {
        let attr = attr.map_err(|e| ParseError(e.to_string()))?;
        if attr.key.local_name().as_ref() == b"nil" {
            nil = matches!(attr.value.as_ref(), b"true" | b"1");
        }
    }
    Ok(Element {
        name,
        nil,
        ..Default::default()
    })
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), ParseError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(ParseError("more than one root element".into())),
    }
    Ok(())
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), ParseError> {
    match stack.last_mut() {
        Some(top) => top.text.push_str(text),
        // Character data outside the root: only whitespace is allowed there.
        None if text.trim().is_empty() => {}
        None => return Err(ParseError("text outside the root element".into())),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_with_any_prefix_or_default_namespace() {
        let doc = br#"<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<getDataResponse xmlns="http://soap.admin.openexchange.com" xmlns:ns2="urn:x">
<return><ns2:name>a &amp; b &#x41;<![CDATA[<c>]]></ns2:name><id>5</id>
<ns2:email2 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></return>
</getDataResponse></soap:Body></soap:Envelope>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name(), "Envelope");
        let ret = root
            .child("Body")
            .unwrap()
            .child("getDataResponse")
            .unwrap()
            .child("return")
            .unwrap();
        assert_eq!(ret.child("name").unwrap().text(), "a & b A<c>");
        assert_eq!(ret.child("id").unwrap().text(), "5");
        assert!(ret.child("email2").unwrap().is_nil());
        assert!(!ret.child("id").unwrap().is_nil());
    }

    #[test]
    fn malformed_documents_are_errors() {
        for doc in [
            &b""[..],
            b"<a>",
            b"<a></b>",
            b"<a/><b/>",
            b"text",
            b"<a>&unknown;</a>",
            b"</a>",
        ] {
            assert!(parse(doc).is_err(), "{:?}", String::from_utf8_lossy(doc));
        }
    }

    #[test]
    fn depth_is_limited() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).is_err());
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(ok.as_bytes()).is_ok());
    }
}
