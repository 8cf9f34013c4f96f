//! Checking a resource against its type definition before anything is sent anywhere: required
//! properties, JSON types, enumerations, patterns of the simple kind, lengths (the controller's
//! 2048-character limit on strings) and number ranges. Messages name the property, for customers.

use serde_json::{Map, Value};

use super::{MAX_STRING_LEN, Property, TypeDef};

/// One property that breaks its definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The property path, e.g. `mxHosts[1].priority`.
    pub path: String,
    /// What is wrong, in words a customer understands.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Whether the check is for a new resource (required properties must be present) or a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Provisioning: required properties must be present.
    Provision,
    /// Configure: only the properties present are checked.
    Configure,
}

impl TypeDef {
    /// Every violation of the definition by `props` (properties not defined are left alone: the
    /// controller may add some).
    pub fn validate(&self, props: &Map<String, Value>, mode: Mode) -> Vec<Violation> {
        let mut out = Vec::new();
        for (name, prop) in &self.properties {
            match props.get(name) {
                None | Some(Value::Null) => {
                    if mode == Mode::Provision && prop.required && prop.default.is_none() {
                        out.push(Violation {
                            path: name.clone(),
                            message: "is required".into(),
                        });
                    }
                }
                Some(value) => check(self, name, prop, value, &mut out),
            }
        }
        out
    }
}

fn check(def: &TypeDef, path: &str, prop: &Property, value: &Value, out: &mut Vec<Violation>) {
    let mut fail = |message: String| {
        out.push(Violation {
            path: path.to_owned(),
            message,
        })
    };
    match prop.kind.as_str() {
        "string" => match value.as_str() {
            None => fail("must be a string".into()),
            Some(s) => {
                let len = s.chars().count();
                let max = prop
                    .max_length
                    .unwrap_or(MAX_STRING_LEN)
                    .min(MAX_STRING_LEN);
                if len > max {
                    fail(format!(
                        "is {len} characters long; at most {max} are allowed"
                    ));
                }
                if let Some(allowed) = &prop.enum_values
                    && !allowed.iter().any(|a| a.as_str() == Some(s))
                {
                    fail(format!("must be one of {}", list(allowed)));
                }
            }
        },
        "integer" => match value.as_i64().or_else(|| value.as_u64().map(|u| u as i64)) {
            None => fail("must be a whole number".into()),
            Some(n) => range(prop, n as f64, &mut fail),
        },
        "number" => match value.as_f64() {
            None => fail("must be a number".into()),
            Some(n) => range(prop, n, &mut fail),
        },
        "boolean" => {
            if !value.is_boolean() {
                fail("must be true or false".into());
            }
        }
        "array" => match value.as_array() {
            None => fail("must be a list".into()),
            Some(items) => {
                if let Some(item) = &prop.items {
                    for (i, v) in items.iter().enumerate() {
                        check(def, &format!("{path}[{i}]"), item, v, out);
                    }
                }
            }
        },
        "object" => {
            if !value.is_object() {
                fail("must be an object".into());
            }
        }
        structure => {
            // `<type>#<Structure>` of another type (counters) or a structure of this type.
            let local = structure.rsplit_once('#').map_or(structure, |(_, s)| s);
            match (value.as_object(), def.structures.get(local)) {
                (None, _) => fail("must be an object".into()),
                (Some(obj), Some(s)) => {
                    for (name, p) in &s.properties {
                        match obj.get(name) {
                            Some(Value::Null) | None if p.required => out.push(Violation {
                                path: format!("{path}.{name}"),
                                message: "is required".into(),
                            }),
                            Some(Value::Null) | None => {}
                            Some(v) => check(def, &format!("{path}.{name}"), p, v, out),
                        }
                    }
                }
                (Some(_), None) => {}
            }
        }
    }
}

fn range(prop: &Property, n: f64, fail: &mut impl FnMut(String)) {
    if let Some(min) = prop.minimum
        && n < min
    {
        fail(format!("must be at least {min}"));
    }
    if let Some(max) = prop.maximum
        && n > max
    {
        fail(format!("must be at most {max}"));
    }
}

fn list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typedef::Structure;
    use serde_json::json;

    fn def() -> TypeDef {
        let mut t = TypeDef::new("profile", "http://x/profile/1.0");
        let mut name = Property::of("string");
        name.required = true;
        t.properties.insert("name".into(), name);
        let mut combo = Property::of("string");
        combo.enum_values = Some(vec![json!("webmail"), json!("pim")]);
        t.properties.insert("accessCombination".into(), combo);
        let mut quota = Property::of("integer");
        quota.minimum = Some(0.0);
        t.properties.insert("mailQuotaMb".into(), quota);
        let mut host = Property::of("string");
        host.required = true;
        let mut prio = Property::of("integer");
        prio.minimum = Some(0.0);
        prio.maximum = Some(65535.0);
        let mx = Structure {
            kind: "object".into(),
            properties: [("host".to_string(), host), ("priority".to_string(), prio)].into(),
        };
        t.structures.insert("MxHost".into(), mx);
        let mut hosts = Property::of("array");
        hosts.items = Some(Box::new(Property::of("MxHost")));
        t.properties.insert("mxHosts".into(), hosts);
        t
    }

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn valid_resource_passes_and_unknown_properties_are_ignored() {
        let v = def().validate(&props(json!({"name": "Basic", "accessCombination": "pim", "mailQuotaMb": 1024, "vendor": 1})), Mode::Provision);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn required_only_on_provision() {
        let p = props(json!({"mailQuotaMb": 1}));
        assert_eq!(
            def().validate(&p, Mode::Provision),
            vec![Violation {
                path: "name".into(),
                message: "is required".into()
            }]
        );
        assert!(def().validate(&p, Mode::Configure).is_empty());
    }

    #[test]
    fn the_controller_string_limit_is_2048_characters() {
        let ok = "é".repeat(2048);
        assert!(
            def()
                .validate(&props(json!({"name": ok})), Mode::Provision)
                .is_empty()
        );
        let v = def().validate(&props(json!({"name": "x".repeat(2049)})), Mode::Provision);
        assert_eq!(v.len(), 1);
        assert_eq!(
            v[0].to_string(),
            "name: is 2049 characters long; at most 2048 are allowed"
        );
    }

    #[test]
    fn types_enums_ranges_and_structures() {
        let v = def().validate(
            &props(json!({"name": 5, "accessCombination": "all", "mailQuotaMb": -1, "mxHosts": [{"host": "mx1", "priority": 10}, {"priority": 70000}]})),
            Mode::Provision,
        );
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "accessCombination: must be one of webmail, pim",
                "mailQuotaMb: must be at least 0",
                "mxHosts[1].host: is required",
                "mxHosts[1].priority: must be at most 65535",
                "name: must be a string",
            ]
        );
    }
}
