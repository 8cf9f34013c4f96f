//! Parser for the compact specification strings in `types.rs` and `services.rs`.
//!
//! Field: `name:T`, where `T` is `S` (string), `I` (int), `L` (long), `B` (boolean),
//! `D` (date), `A` (anyType) or a complex type name; a trailing `*` means repeated,
//! a trailing `!` means not nillable. `CTX` stands for the service family's context
//! type. Operation: `name(field, field, ...)` or `name(...) -> T`.

use super::{Field, Operation, Prim, SchemaError, Ty};

/// Parses one field token such as `loginMappings:S*`.
pub fn field(token: &'static str, ctx_type: &'static str) -> Result<Field, SchemaError> {
    let (name, ty) = token
        .split_once(':')
        .ok_or_else(|| SchemaError(format!("field without type: {token}")))?;
    let (name, ty) = (name.trim(), ty.trim());
    let mut ty = ty;
    let mut many = false;
    let mut nillable = true;
    loop {
        if let Some(t) = ty.strip_suffix('*') {
            many = true;
            ty = t;
        } else if let Some(t) = ty.strip_suffix('!') {
            nillable = false;
            ty = t;
        } else {
            break;
        }
    }
    let ty = match ty {
        "S" => Ty::Prim(Prim::Str),
        "I" => Ty::Prim(Prim::Int),
        "L" => Ty::Prim(Prim::Long),
        "B" => Ty::Prim(Prim::Bool),
        "D" => Ty::Prim(Prim::Date),
        "A" => Ty::Prim(Prim::Any),
        "CTX" => Ty::Complex(ctx_type),
        "" => return Err(SchemaError(format!("empty type: {token}"))),
        other => Ty::Complex(other),
    };
    if name.is_empty() {
        return Err(SchemaError(format!("empty field name: {token}")));
    }
    Ok(Field {
        name,
        ty,
        many,
        nillable,
    })
}

/// Parses a whitespace-separated list of field tokens.
pub fn fields(spec: &'static str) -> Result<Vec<Field>, SchemaError> {
    spec.split_whitespace()
        .map(|t| field(t, "Context"))
        .collect()
}

/// Parses one operation line.
pub fn operation(line: &'static str, ctx_type: &'static str) -> Result<Operation, SchemaError> {
    let line = line.trim();
    let open = line
        .find('(')
        .ok_or_else(|| SchemaError(format!("no '(' in {line}")))?;
    let close = line
        .rfind(')')
        .ok_or_else(|| SchemaError(format!("no ')' in {line}")))?;
    if close < open {
        return Err(SchemaError(format!("bad parentheses in {line}")));
    }
    let name = line[..open].trim();
    let params = line[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| field(p, ctx_type))
        .collect::<Result<Vec<_>, _>>()?;
    let rest = line[close + 1..].trim();
    let ret = match rest.strip_prefix("->") {
        Some(t) => {
            let t = t.trim();
            let f = field(leak_return(t)?, ctx_type)?;
            Some(f)
        }
        None if rest.is_empty() => None,
        None => return Err(SchemaError(format!("trailing text in {line}"))),
    };
    Ok(Operation { name, params, ret })
}

/// Maps a return type token to a static `return:T` token.
fn leak_return(t: &'static str) -> Result<&'static str, SchemaError> {
    // The return type tokens are a small closed set; map them to static field specs
    // without allocating.
    const RETURNS: &[(&str, &str)] = &[
        ("B", "return:B"),
        ("I", "return:I"),
        ("S", "return:S"),
        ("CTX", "return:CTX"),
        ("CTX*", "return:CTX*"),
        ("User", "return:User"),
        ("User*", "return:User*"),
        ("Group", "return:Group"),
        ("Group*", "return:Group*"),
        ("Resource", "return:Resource"),
        ("Resource*", "return:Resource*"),
        ("UserModuleAccess", "return:UserModuleAccess"),
        ("Quota*", "return:Quota*"),
        ("ResellerAdmin", "return:ResellerAdmin"),
        ("ResellerAdmin*", "return:ResellerAdmin*"),
        ("Restriction*", "return:Restriction*"),
    ];
    RETURNS
        .iter()
        .find(|(k, _)| *k == t)
        .map(|(_, v)| *v)
        .ok_or_else(|| SchemaError(format!("unsupported return type {t}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_field_modifiers() {
        let f = field("loginMappings:S*", "Context").unwrap();
        assert!(f.many && f.nillable);
        let f = field("sid:I!", "Context").unwrap();
        assert!(!f.many && !f.nillable);
        assert_eq!(f.ty, Ty::Prim(Prim::Int));
        let f = field("ctx:CTX", "ResellerContext").unwrap();
        assert_eq!(f.ty, Ty::Complex("ResellerContext"));
        assert!(field("nocolon", "Context").is_err());
    }

    #[test]
    fn parses_operations() {
        let op = operation(
            "list(search_pattern:S, auth:Credentials) -> CTX*",
            "Context",
        )
        .unwrap();
        assert_eq!(op.name, "list");
        assert_eq!(op.params.len(), 2);
        let ret = op.ret.unwrap();
        assert_eq!(ret.name, "return");
        assert!(ret.many);
        let op = operation("delete(ctx:CTX, auth:Credentials)", "Context").unwrap();
        assert!(op.ret.is_none());
        assert!(operation("bad(x:S) junk", "Context").is_err());
    }
}
