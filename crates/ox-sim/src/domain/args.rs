//! Typed access to decoded operation parameters and data-object fields.

use serde_json::{Map, Value};

use crate::config::Credentials;

/// A JSON object (decoded data object).
pub type Obj = Map<String, Value>;

/// Decoded wrapper parameters of one call.
#[derive(Default)]
pub struct Args(pub Obj);

/// Shows parameter names only: values contain passwords.
impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl Args {
    /// A data-object parameter (absent or nil gives `None`).
    pub fn obj(&self, name: &str) -> Option<&Obj> {
        self.0.get(name).and_then(Value::as_object)
    }

    /// A string parameter.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// An integer parameter.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(Value::as_i64)
    }

    /// A repeated data-object parameter.
    pub fn objs(&self, name: &str) -> Vec<&Obj> {
        match self.0.get(name) {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        }
    }

    /// The credentials (`auth`, or `creds` on OXResellerService); missing fields are
    /// empty strings like OX's `new Credentials("", "")`.
    pub fn creds(&self) -> Credentials {
        let c = self.obj("auth").or_else(|| self.obj("creds"));
        Credentials {
            login: c
                .and_then(|c| s(c, "login"))
                .unwrap_or_default()
                .to_string(),
            password: c
                .and_then(|c| s(c, "password"))
                .unwrap_or_default()
                .to_string(),
        }
    }
}

/// A string field.
pub fn s<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

/// A non-empty, trimmed string field.
pub fn s_nonempty<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    s(o, k).map(str::trim).filter(|v| !v.is_empty())
}

/// An integer field.
pub fn i(o: &Obj, k: &str) -> Option<i64> {
    o.get(k).and_then(Value::as_i64)
}

/// A boolean field.
pub fn b(o: &Obj, k: &str) -> Option<bool> {
    o.get(k).and_then(Value::as_bool)
}

/// A repeated string field.
pub fn strs(o: &Obj, k: &str) -> Option<Vec<String>> {
    match o.get(k) {
        Some(Value::Array(a)) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

/// A repeated integer field.
pub fn ints(o: &Obj, k: &str) -> Option<Vec<i64>> {
    match o.get(k) {
        Some(Value::Array(a)) => Some(a.iter().filter_map(Value::as_i64).collect()),
        _ => None,
    }
}

/// Converts a `SOAPStringMapMap` value into `{ns: {key: value}}`.
pub fn map_map(v: Option<&Value>) -> Obj {
    let mut out = Obj::new();
    let entries = v
        .and_then(|v| v.get("entries"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for e in entries {
        let Some(ns) = e.get("key").and_then(Value::as_str) else {
            continue;
        };
        let inner = string_map(e.get("value"));
        out.insert(ns.to_string(), Value::Object(inner));
    }
    out
}

/// Converts a `SOAPStringMap` value into `{key: value}` (nil values become null).
pub fn string_map(v: Option<&Value>) -> Obj {
    let mut out = Obj::new();
    let entries = v
        .and_then(|v| v.get("entries"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for e in entries {
        if let Some(k) = e.get("key").and_then(Value::as_str) {
            out.insert(
                k.to_string(),
                e.get("value").cloned().unwrap_or(Value::Null),
            );
        }
    }
    out
}

/// Renders `{ns: {key: value}}` as a `SOAPStringMapMap` value (null if empty).
pub fn to_map_map(m: &Obj) -> Value {
    if m.is_empty() {
        return Value::Null;
    }
    let entries: Vec<Value> = m
        .iter()
        .map(|(ns, inner)| {
            let inner = inner.as_object().cloned().unwrap_or_default();
            serde_json::json!({"key": ns, "value": to_string_map(&inner)})
        })
        .collect();
    serde_json::json!({ "entries": entries })
}

/// Renders `{key: value}` as a `SOAPStringMap` value.
pub fn to_string_map(m: &Obj) -> Value {
    let entries: Vec<Value> = m
        .iter()
        .map(|(k, v)| serde_json::json!({"key": k, "value": v}))
        .collect();
    serde_json::json!({ "entries": entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn creds_from_auth_or_creds() {
        let a = Args(
            json!({"auth": {"login": "a", "password": "p"}})
                .as_object()
                .unwrap()
                .clone(),
        );
        assert_eq!(a.creds().login, "a");
        let a = Args(
            json!({"creds": {"login": "r"}})
                .as_object()
                .unwrap()
                .clone(),
        );
        assert_eq!(a.creds().login, "r");
        assert_eq!(a.creds().password, "");
    }

    #[test]
    fn debug_shows_no_values() {
        let a = Args(
            json!({"auth": {"login": "a", "password": "hunter2"}})
                .as_object()
                .unwrap()
                .clone(),
        );
        let s = format!("{a:?}");
        assert!(!s.contains("hunter2"));
        assert!(s.contains("auth"));
    }

    #[test]
    fn map_map_roundtrip() {
        let v = json!({"entries": [{"key": "taxonomy", "value": {"entries": [
            {"key": "types", "value": "a,b"}]}}]});
        let m = map_map(Some(&v));
        assert_eq!(m["taxonomy"]["types"], "a,b");
        assert_eq!(to_map_map(&m), v);
    }
}
