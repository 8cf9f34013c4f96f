//! A small builder so each type of the model reads like its schema.

use aps::typedef::{Operation, Parameter, Property, Relation, Structure, TypeDef};
use serde_json::{Value, json};

use super::type_id;

/// The core Resource type's counter structure.
pub const COUNTER: &str = "http://aps-standard.org/types/core/resource/1.0#Counter";

/// Builds a [`TypeDef`] for one service of the model.
pub struct TypeBuilder(TypeDef);

impl TypeBuilder {
    /// A type for `service` with the model's id.
    pub fn new(service: &str) -> Self {
        TypeBuilder(TypeDef::new(service, &type_id(service)))
    }

    /// Implements another type.
    pub fn implements(mut self, type_id: &str) -> Self {
        self.0.implements.push(type_id.into());
        self
    }

    /// Type-level access flags.
    pub fn access(mut self, access: Value) -> Self {
        self.0.access = Some(access);
        self
    }

    /// Adds a property.
    pub fn prop(mut self, name: &str, prop: P) -> Self {
        self.0.properties.insert(name.into(), prop.0);
        self
    }

    /// Adds a structure.
    pub fn structure(mut self, name: &str, props: Vec<(&str, P)>) -> Self {
        let properties = props
            .into_iter()
            .map(|(n, p)| (n.to_owned(), p.0))
            .collect();
        self.0.structures.insert(
            name.into(),
            Structure {
                kind: "object".into(),
                properties,
            },
        );
        self
    }

    /// A single link that must exist at provisioning.
    pub fn requires(self, name: &str, type_id: &str) -> Self {
        self.relation(name, type_id, true, false)
    }

    /// An optional single link.
    pub fn link(self, name: &str, type_id: &str) -> Self {
        self.relation(name, type_id, false, false)
    }

    /// A collection link.
    pub fn many(self, name: &str, type_id: &str) -> Self {
        self.relation(name, type_id, false, true)
    }

    fn relation(mut self, name: &str, type_id: &str, required: bool, collection: bool) -> Self {
        self.0.relations.insert(
            name.into(),
            Relation {
                type_id: type_id.into(),
                required,
                collection,
            },
        );
        self
    }

    /// A custom operation on a resource with an optional JSON body parameter.
    pub fn operation(
        mut self,
        name: &str,
        verb: &str,
        path: &str,
        body_type: Option<&str>,
        response: Option<&str>,
    ) -> Self {
        let mut parameters = std::collections::BTreeMap::new();
        if let Some(t) = body_type {
            parameters.insert(
                "body".to_string(),
                Parameter {
                    kind: "body".into(),
                    kind_type: t.into(),
                    required: true,
                },
            );
        }
        let response = response.map(|t| json!({"type": t}));
        self.0.operations.insert(
            name.into(),
            Operation {
                verb: verb.into(),
                path: path.into(),
                static_: false,
                parameters,
                response,
                access: None,
            },
        );
        self
    }

    /// The finished definition.
    pub fn build(self) -> TypeDef {
        self.0
    }
}

/// A property under construction.
pub struct P(Property);

/// A string property.
pub fn string() -> P {
    P(Property::of("string"))
}
/// An integer property.
pub fn integer() -> P {
    P(Property::of("integer"))
}
/// A boolean property.
pub fn boolean() -> P {
    P(Property::of("boolean"))
}
/// A counter (`usage`/`limit`) in `unit`.
pub fn counter(unit: &str) -> P {
    let mut p = Property::of(COUNTER);
    p.unit = Some(unit.into());
    P(p)
}
/// A list of `item`.
pub fn array(item: P) -> P {
    let mut p = Property::of("array");
    p.items = Some(Box::new(item.0));
    P(p)
}
/// A structure of this type by name.
pub fn structure(name: &str) -> P {
    P(Property::of(name))
}

impl P {
    /// Title for panels.
    pub fn title(mut self, t: &str) -> Self {
        self.0.title = Some(t.into());
        self
    }
    /// Description.
    pub fn describe(mut self, d: &str) -> Self {
        self.0.description = Some(d.into());
        self
    }
    /// Required at provisioning.
    pub fn required(mut self) -> Self {
        self.0.required = true;
        self
    }
    /// Written by the application only.
    pub fn readonly(mut self) -> Self {
        self.0.readonly = true;
        self
    }
    /// Cannot change after provisioning.
    pub fn fixed(mut self) -> Self {
        self.0.final_ = true;
        self
    }
    /// Stored encrypted; only the application sees it.
    pub fn encrypted(mut self) -> Self {
        self.0.encrypted = true;
        self
    }
    /// Default value.
    pub fn default(mut self, v: Value) -> Self {
        self.0.default = Some(v);
        self
    }
    /// Allowed values.
    pub fn one_of(mut self, values: &[&str]) -> Self {
        self.0.enum_values = Some(values.iter().map(|v| json!(v)).collect());
        self
    }
    /// Format hint.
    pub fn format(mut self, f: &str) -> Self {
        self.0.format = Some(f.into());
        self
    }
    /// Unit of a number.
    pub fn unit(mut self, u: &str) -> Self {
        self.0.unit = Some(u.into());
        self
    }
    /// Inclusive bounds.
    pub fn range(mut self, min: f64, max: f64) -> Self {
        self.0.minimum = Some(min);
        self.0.maximum = Some(max);
        self
    }
    /// Lower bound.
    pub fn min(mut self, min: f64) -> Self {
        self.0.minimum = Some(min);
        self
    }
    /// Maximum length.
    pub fn max_len(mut self, n: usize) -> Self {
        self.0.max_length = Some(n);
        self
    }
}
