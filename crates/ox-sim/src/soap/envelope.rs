//! Parses a SOAP request into a small element tree. Elements are matched by local
//! name later; namespaces are kept only for diagnostics.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 200_000;

/// One XML element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Node {
    /// Namespace URI, if the element is qualified.
    pub ns: Option<String>,
    /// Local name.
    pub local: String,
    /// `xsi:nil="true"` was present.
    pub nil: bool,
    /// Concatenated text content (direct children only).
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Node>,
}

impl Node {
    /// First child with the given local name.
    pub fn child(&self, local: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.local == local)
    }

    /// All children with the given local name.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.local == local)
    }
}

/// Why a request could not be parsed (becomes a `soap:Client` fault).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvelopeError {
    /// Not well-formed XML.
    #[error("Unmarshalling Error: {0}")]
    Xml(String),
    /// No `Envelope`/`Body` or an empty body.
    #[error("{0}")]
    Structure(&'static str),
    /// Limits exceeded.
    #[error("Request too complex")]
    TooComplex,
}

/// Parses a SOAP envelope and returns the first element inside `Body`.
pub fn parse_request(xml: &str) -> Result<Node, EnvelopeError> {
    let root = parse_document(xml)?;
    if root.local != "Envelope" {
        return Err(EnvelopeError::Structure("No SOAP Envelope found"));
    }
    let body = root
        .child("Body")
        .ok_or(EnvelopeError::Structure("No SOAP Body found"))?;
    body.children
        .first()
        .cloned()
        .ok_or(EnvelopeError::Structure("Empty SOAP Body"))
}

/// Parses a whole document into its root element.
pub fn parse_document(xml: &str) -> Result<Node, EnvelopeError> {
    let mut reader = NsReader::from_str(xml);
    reader.config_mut().expand_empty_elements = false;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut count = 0usize;
    loop {
        let (resolved, event) = reader
            .read_resolved_event()
            .map_err(|e| EnvelopeError::Xml(e.to_string()))?;
        let ns = match resolved {
            ResolveResult::Bound(n) => Some(String::from_utf8_lossy(n.as_ref()).into_owned()),
            _ => None,
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                count += 1;
                if count > MAX_NODES || stack.len() >= MAX_DEPTH {
                    return Err(EnvelopeError::TooComplex);
                }
                let node = start_node(&reader, e, ns)?;
                if matches!(event, Event::Start(_)) {
                    stack.push(node);
                } else {
                    attach(&mut stack, &mut root, node);
                }
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| EnvelopeError::Xml("unbalanced end tag".into()))?;
                attach(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| EnvelopeError::Xml(e.to_string()))?;
                push_text(&mut stack, &s);
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| EnvelopeError::Xml(e.to_string()))?;
                push_text(&mut stack, &s);
            }
            Event::GeneralRef(r) => {
                let name = r.decode().map_err(|e| EnvelopeError::Xml(e.to_string()))?;
                let resolved = if let Some(c) = r
                    .resolve_char_ref()
                    .map_err(|e| EnvelopeError::Xml(e.to_string()))?
                {
                    c.to_string()
                } else if let Some(v) = resolve_predefined_entity(&name) {
                    v.to_string()
                } else {
                    return Err(EnvelopeError::Xml(format!("unknown entity &{name};")));
                };
                push_text(&mut stack, &resolved);
            }
            Event::DocType(_) => {
                return Err(EnvelopeError::Xml("DOCTYPE is not allowed".into()));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(EnvelopeError::Xml("unexpected end of document".into()));
    }
    root.ok_or(EnvelopeError::Structure("No SOAP Envelope found"))
}

fn start_node(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    ns: Option<String>,
) -> Result<Node, EnvelopeError> {
    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut nil = false;
    for attr in e.attributes() {
        let attr = attr.map_err(|e| EnvelopeError::Xml(e.to_string()))?;
        let (res, name) = reader.resolve_attribute(attr.key);
        let is_xsi = matches!(res, ResolveResult::Bound(n) if n.as_ref() == XSI.as_bytes());
        if is_xsi && name.as_ref() == b"nil" {
            let v = attr
                .unescape_value()
                .map_err(|e| EnvelopeError::Xml(e.to_string()))?;
            nil = matches!(v.trim(), "true" | "1");
        }
    }
    Ok(Node {
        ns,
        local,
        nil,
        ..Node::default()
    })
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => {
            if root.is_none() {
                *root = Some(node);
            }
        }
    }
}

fn push_text(stack: &mut [Node], s: &str) {
    if let Some(top) = stack.last_mut() {
        top.text.push_str(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixed_and_default_namespaces() {
        let xml = r#"<?xml version="1.0"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Header/>
 <soapenv:Body>
  <create xmlns="http://soap.admin.openexchange.com">
   <ctx><id xmlns="http://dataobjects.soap.admin.openexchange.com/xsd">5</id></ctx>
   <auth><login>a&amp;b</login><password xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></auth>
  </create>
 </soapenv:Body>
</soapenv:Envelope>"#;
        let w = parse_request(xml).unwrap();
        assert_eq!(w.local, "create");
        assert_eq!(w.ns.as_deref(), Some("http://soap.admin.openexchange.com"));
        assert_eq!(w.child("ctx").unwrap().child("id").unwrap().text, "5");
        let auth = w.child("auth").unwrap();
        assert_eq!(auth.child("login").unwrap().text, "a&b");
        assert!(auth.child("password").unwrap().nil);
    }

    #[test]
    fn rejects_garbage_and_empty_body() {
        assert!(parse_request("<a><b></a>").is_err());
        let empty = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#;
        assert_eq!(
            parse_request(empty),
            Err(EnvelopeError::Structure("Empty SOAP Body"))
        );
        let doctype = r#"<!DOCTYPE x [<!ENTITY a "b">]><x/>"#;
        assert!(parse_request(doctype).is_err());
    }

    #[test]
    fn char_refs_and_cdata() {
        let xml = r#"<Envelope><Body><op><v>&#x41;<![CDATA[<z>]]></v></op></Body></Envelope>"#;
        let w = parse_request(xml).unwrap();
        assert_eq!(w.child("v").unwrap().text, "A<z>");
    }
}
