//! Turns request elements into JSON values guided by the schema: children are
//! matched by local name (qualified or not), unknown children are ignored,
//! `xsi:nil` becomes `null`, repeated fields become arrays.

use serde_json::{Map, Value};

use super::envelope::Node;
use crate::schema::{Field, Operation, Prim, Schema, Ty};

/// A value that does not fit its declared type (becomes a `soap:Client` fault).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("Unmarshalling Error: {0}")]
pub struct DecodeError(pub String);

/// Decodes the wrapper element of an operation into its named parameters.
pub fn decode_params(
    schema: &Schema,
    op: &Operation,
    wrapper: &Node,
) -> Result<Map<String, Value>, DecodeError> {
    let mut out = Map::new();
    for p in &op.params {
        if let Some(v) = decode_field(schema, p, wrapper)? {
            out.insert(p.name.to_string(), v);
        }
    }
    Ok(out)
}

fn decode_field(schema: &Schema, f: &Field, parent: &Node) -> Result<Option<Value>, DecodeError> {
    if f.many {
        let items = parent
            .children_named(f.name)
            .map(|n| decode_value(schema, f.ty, n))
            .collect::<Result<Vec<_>, _>>()?;
        if items.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Value::Array(items)));
    }
    match parent.child(f.name) {
        Some(n) => decode_value(schema, f.ty, n).map(Some),
        None => Ok(None),
    }
}

/// Decodes one element of the given type.
pub fn decode_value(schema: &Schema, ty: Ty, node: &Node) -> Result<Value, DecodeError> {
    if node.nil {
        return Ok(Value::Null);
    }
    match ty {
        Ty::Prim(p) => decode_prim(p, &node.text),
        Ty::Complex(name) => {
            let mut map = Map::new();
            for (_, f) in schema.all_fields(name) {
                if let Some(v) = decode_field(schema, f, node)? {
                    map.insert(f.name.to_string(), v);
                }
            }
            Ok(Value::Object(map))
        }
    }
}

fn decode_prim(p: Prim, text: &str) -> Result<Value, DecodeError> {
    match p {
        Prim::Str | Prim::Date | Prim::Any => Ok(Value::String(text.to_string())),
        Prim::Int | Prim::Long => {
            let t = text.trim();
            if t.is_empty() {
                // JAXB's default event handler ignores the bad value and leaves null.
                return Ok(Value::Null);
            }
            let n: i64 = t
                .parse()
                .map_err(|_| DecodeError(format!("Not a number: {t}")))?;
            if p == Prim::Int && i32::try_from(n).is_err() {
                return Err(DecodeError(format!("Value out of range for int: {t}")));
            }
            Ok(Value::from(n))
        }
        Prim::Bool => match text.trim() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            "" => Ok(Value::Null),
            other => Err(DecodeError(format!("Not a boolean: {other}"))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::envelope::parse_request;

    fn schema() -> Schema {
        Schema::load().unwrap()
    }

    #[test]
    fn decodes_context_create_by_local_name() {
        let s = schema();
        let op = s.service("OXContextService").unwrap().op("create").unwrap();
        let xml = r#"<Envelope><Body><s:create xmlns:s="http://soap.admin.openexchange.com"
            xmlns:d="http://dataobjects.soap.admin.openexchange.com/xsd">
          <s:ctx><d:id>4711</d:id><d:loginMappings>a.com</d:loginMappings>
            <d:loginMappings>b.com</d:loginMappings><d:maxQuota>1024</d:maxQuota>
            <d:userAttributes><d:entries><d:key>taxonomy</d:key><d:value><d:entries>
              <d:key>types</d:key><d:value>x,y</d:value></d:entries></d:value></d:entries>
            </d:userAttributes><unknown>1</unknown></s:ctx>
          <admin_user><name>oxadmin</name><contextadmin>true</contextadmin></admin_user>
          <auth><login>m</login><password>p</password></auth>
        </s:create></Body></Envelope>"#;
        let w = parse_request(xml).unwrap();
        let args = decode_params(&s, op, &w).unwrap();
        let ctx = &args["ctx"];
        assert_eq!(ctx["id"], 4711);
        assert_eq!(ctx["loginMappings"], serde_json::json!(["a.com", "b.com"]));
        assert_eq!(
            ctx["userAttributes"]["entries"][0]["value"]["entries"][0]["value"],
            "x,y"
        );
        assert!(ctx.get("unknown").is_none());
        assert_eq!(args["admin_user"]["contextadmin"], true);
        assert_eq!(args["auth"]["login"], "m");
        assert!(args.get("schema_select_strategy").is_none());
    }

    #[test]
    fn bad_numbers_are_client_errors_and_nil_is_null() {
        let s = schema();
        let op = s
            .service("OXContextService")
            .unwrap()
            .op("getData")
            .unwrap();
        let xml = r#"<Envelope><Body><getData><ctx><id>abc</id></ctx></getData></Body></Envelope>"#;
        let w = parse_request(xml).unwrap();
        assert!(decode_params(&s, op, &w).is_err());
        let xml = r#"<Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Body><getData>
            <ctx><id>5</id><name xsi:nil="true"/></ctx></getData></Body></Envelope>"#;
        let w = parse_request(xml).unwrap();
        let args = decode_params(&s, op, &w).unwrap();
        assert_eq!(args["ctx"]["name"], Value::Null);
    }
}
