//! Writes SOAP responses. Data-object fields are written in schema order, each in
//! its type's namespace; unset nillable scalars are written as `xsi:nil="true"`
//! like JAXB does.

use serde_json::Value;

use crate::schema::{Field, Ns, Operation, Prim, Schema, Ty};

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// XML Schema instance namespace.
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// How void operations answer.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum VoidStyle {
    /// `<opResponse/>` inside the body (default).
    #[default]
    EmptyWrapper,
    /// An empty `<soap:Body/>` (what a partless CXF output message produces).
    EmptyBody,
}

/// Appends `s` with XML special characters escaped.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// Opening of a response envelope.
pub fn envelope_start(out: &mut String) {
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?><soap:Envelope xmlns:soap=\"");
    out.push_str(SOAP_ENV);
    out.push_str("\"><soap:Body>");
}

/// Closing of a response envelope.
pub fn envelope_end(out: &mut String) {
    out.push_str("</soap:Body></soap:Envelope>");
}

fn ns_decls(out: &mut String) {
    for ns in Ns::ALL {
        out.push_str(" xmlns:");
        out.push_str(ns.prefix());
        out.push_str("=\"");
        out.push_str(ns.uri());
        out.push('"');
    }
    out.push_str(" xmlns:xsi=\"");
    out.push_str(XSI);
    out.push('"');
}

/// Writes a complete response envelope for `op`. `ret` is ignored for void ops.
pub fn response(
    schema: &Schema,
    tns: Ns,
    op: &Operation,
    ret: &Value,
    void_style: VoidStyle,
) -> String {
    let mut out = String::with_capacity(1024);
    envelope_start(&mut out);
    let p = tns.prefix();
    match &op.ret {
        None if void_style == VoidStyle::EmptyBody => {}
        None => {
            out.push('<');
            out.push_str(p);
            out.push(':');
            out.push_str(op.name);
            out.push_str("Response xmlns:");
            out.push_str(p);
            out.push_str("=\"");
            out.push_str(tns.uri());
            out.push_str("\"/>");
        }
        Some(f) => {
            out.push('<');
            out.push_str(p);
            out.push(':');
            out.push_str(op.name);
            out.push_str("Response");
            ns_decls(&mut out);
            out.push('>');
            write_field(&mut out, schema, tns, f, Some(ret));
            out.push_str("</");
            out.push_str(p);
            out.push(':');
            out.push_str(op.name);
            out.push_str("Response>");
        }
    }
    envelope_end(&mut out);
    out
}

fn open(out: &mut String, ns: Ns, name: &str) {
    out.push('<');
    out.push_str(ns.prefix());
    out.push(':');
    out.push_str(name);
}

fn close(out: &mut String, ns: Ns, name: &str) {
    out.push_str("</");
    out.push_str(ns.prefix());
    out.push(':');
    out.push_str(name);
    out.push('>');
}

/// Writes one field (possibly repeated) qualified with `ns`.
pub fn write_field(out: &mut String, schema: &Schema, ns: Ns, f: &Field, v: Option<&Value>) {
    match v {
        Some(Value::Array(items)) if f.many => {
            for item in items {
                write_one(out, schema, ns, f, item);
            }
        }
        Some(Value::Null) | None if f.many => {}
        Some(v) if f.many => write_one(out, schema, ns, f, v),
        Some(Value::Null) | None => {
            if f.nillable {
                open(out, ns, f.name);
                out.push_str(" xsi:nil=\"true\"/>");
            }
        }
        Some(v) => write_one(out, schema, ns, f, v),
    }
}

fn write_one(out: &mut String, schema: &Schema, ns: Ns, f: &Field, v: &Value) {
    if v.is_null() {
        open(out, ns, f.name);
        out.push_str(" xsi:nil=\"true\"/>");
        return;
    }
    open(out, ns, f.name);
    out.push('>');
    match f.ty {
        Ty::Prim(p) => write_prim(out, p, v),
        Ty::Complex(name) => {
            if let Value::Object(map) = v {
                for (fns, ff) in schema.all_fields(name) {
                    write_field(out, schema, *fns, ff, map.get(ff.name));
                }
            }
        }
    }
    close(out, ns, f.name);
}

fn write_prim(out: &mut String, _p: Prim, v: &Value) {
    match v {
        Value::String(s) => escape_into(out, s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        other => escape_into(out, &other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_fields_in_schema_order_with_nils() {
        let s = Schema::load().unwrap();
        let op = s.service("OXGroupService").unwrap().op("getData").unwrap();
        let v = json!({"name": "g", "id": 3, "members": [1, 2]});
        let xml = response(&s, Ns::Soap, op, &v, VoidStyle::EmptyWrapper);
        let body = xml.split("<ns0:return>").nth(1).unwrap();
        assert!(body.starts_with(
            "<ns4:displayname xsi:nil=\"true\"/><ns4:id>3</ns4:id>\
             <ns4:members>1</ns4:members><ns4:members>2</ns4:members><ns4:name>g</ns4:name>"
        ));
    }

    #[test]
    fn void_styles_and_arrays() {
        let s = Schema::load().unwrap();
        let svc = s.service("OXResellerService").unwrap();
        let op = svc.op("delete").unwrap();
        let xml = response(&s, svc.tns(), op, &Value::Null, VoidStyle::EmptyWrapper);
        assert!(xml.contains(
            "<rs0:deleteResponse xmlns:rs0=\"http://soap.reseller.admin.openexchange.com\"/>"
        ));
        let xml = response(&s, svc.tns(), op, &Value::Null, VoidStyle::EmptyBody);
        assert!(xml.contains("<soap:Body></soap:Body>"));
        let op = svc.op("list").unwrap();
        let xml = response(&s, svc.tns(), op, &json!([]), VoidStyle::EmptyWrapper);
        assert!(xml.contains("<rs0:listResponse"));
        assert!(!xml.contains("rs0:return"));
    }

    #[test]
    fn escapes_text() {
        let mut out = String::new();
        escape_into(&mut out, "a<b&\"c'");
        assert_eq!(out, "a&lt;b&amp;&quot;c&apos;");
    }

    #[test]
    fn inherited_fields_use_their_own_namespace() {
        let s = Schema::load().unwrap();
        let svc = s.service("OXResellerContextService").unwrap();
        let op = svc.op("getData").unwrap();
        let v = json!({"id": 5, "customid": "c", "sid": 2});
        let xml = response(&s, svc.tns(), op, &v, VoidStyle::EmptyWrapper);
        assert!(xml.contains("<ns4:id>5</ns4:id>"));
        assert!(xml.contains("<rd:customid>c</rd:customid>"));
        assert!(xml.contains("<rd:sid>2</rd:sid>"));
    }
}
