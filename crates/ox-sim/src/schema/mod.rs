//! The one table describing OX's SOAP services: data types, services, operations,
//! parameters and faults. The WSDL generator, the request decoder, the dispatcher
//! and the response writer all derive from it, so they cannot drift apart.

mod ns;
mod services;
mod spec;
mod types;

pub use ns::Ns;
pub use services::{Family, Kind};

use std::collections::HashMap;

/// A primitive XSD type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    /// xs:string
    Str,
    /// xs:int
    Int,
    /// xs:long
    Long,
    /// xs:boolean
    Bool,
    /// xs:date
    Date,
    /// xs:anyType (read and written as text)
    Any,
}

impl Prim {
    /// The XSD type name without prefix.
    pub fn xsd_name(self) -> &'static str {
        match self {
            Prim::Str => "string",
            Prim::Int => "int",
            Prim::Long => "long",
            Prim::Bool => "boolean",
            Prim::Date => "date",
            Prim::Any => "anyType",
        }
    }
}

/// The type of a field or parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A primitive.
    Prim(Prim),
    /// A named complex type from [`Schema::types`].
    Complex(&'static str),
}

/// One element of a complex type, a wrapper parameter or a return value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Element local name.
    pub name: &'static str,
    /// Element type.
    pub ty: Ty,
    /// `maxOccurs="unbounded"`.
    pub many: bool,
    /// `nillable="true"` (JAXB writes `xsi:nil` for unset nillable scalars).
    pub nillable: bool,
}

/// A named complex type (all fields `minOccurs="0"`).
#[derive(Clone, Debug)]
pub struct ComplexType {
    /// Type name.
    pub name: &'static str,
    /// Target namespace of the type and of its own fields.
    pub ns: Ns,
    /// Base type (complexContent extension), if any.
    pub base: Option<&'static str>,
    /// Own fields in schema order (base fields come first on the wire).
    pub fields: Vec<Field>,
}

/// One SOAP operation (document/literal wrapped).
#[derive(Clone, Debug)]
pub struct Operation {
    /// Operation name = request wrapper element name.
    pub name: &'static str,
    /// Wrapper children in order.
    pub params: Vec<Field>,
    /// The `return` element, or `None` for void operations.
    pub ret: Option<Field>,
}

/// One SOAP service (one WSDL).
#[derive(Clone, Debug)]
pub struct Service {
    /// Service name as in the URL (`/webservices/<name>`).
    pub name: &'static str,
    /// Core or reseller family (namespace and context type differ).
    pub family: Family,
    /// What the service manages.
    pub kind: Kind,
    /// Operations in WSDL order.
    pub ops: Vec<Operation>,
    /// Names of the fault elements every operation declares.
    pub faults: &'static [&'static str],
}

impl Service {
    /// The service (target) namespace.
    pub fn tns(&self) -> Ns {
        self.family.tns()
    }

    /// Finds an operation by name.
    pub fn op(&self, name: &str) -> Option<&Operation> {
        self.ops.iter().find(|o| o.name == name)
    }
}

/// Error while building the schema from its specification (a programming error).
#[derive(Debug, thiserror::Error)]
#[error("schema specification error: {0}")]
pub struct SchemaError(pub String);

/// The whole API description.
#[derive(Debug)]
pub struct Schema {
    types: HashMap<&'static str, ComplexType>,
    type_order: Vec<&'static str>,
    flat: HashMap<&'static str, Vec<(Ns, Field)>>,
    services: Vec<Service>,
}

impl Schema {
    /// Builds the schema from the built-in tables and validates all type references.
    pub fn load() -> Result<Schema, SchemaError> {
        let type_list = types::all()?;
        let mut types = HashMap::new();
        let mut type_order = Vec::new();
        for t in type_list {
            type_order.push(t.name);
            if types.insert(t.name, t).is_some() {
                return Err(SchemaError("duplicate type".into()));
            }
        }
        let services = services::all()?;
        let mut schema = Schema {
            types,
            type_order,
            flat: HashMap::new(),
            services,
        };
        schema.validate()?;
        let flat = schema
            .type_order
            .iter()
            .map(|n| (*n, schema.flatten(n)))
            .collect();
        schema.flat = flat;
        Ok(schema)
    }

    fn validate(&self) -> Result<(), SchemaError> {
        let check = |ty: &Ty| -> Result<(), SchemaError> {
            match ty {
                Ty::Complex(n) if !self.types.contains_key(n) => {
                    Err(SchemaError(format!("unknown type {n}")))
                }
                _ => Ok(()),
            }
        };
        for t in self.types.values() {
            if let Some(b) = t.base {
                check(&Ty::Complex(b))?;
            }
            for f in &t.fields {
                check(&f.ty)?;
            }
        }
        for s in &self.services {
            for o in &s.ops {
                for p in o.params.iter().chain(o.ret.iter()) {
                    check(&p.ty)?;
                }
            }
        }
        Ok(())
    }

    /// All services.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// Finds a service by its URL name.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Finds a complex type.
    pub fn ty(&self, name: &str) -> Option<&ComplexType> {
        self.types.get(name)
    }

    /// All complex types in definition order.
    pub fn types(&self) -> impl Iterator<Item = &ComplexType> {
        self.type_order.iter().filter_map(|n| self.types.get(n))
    }

    /// All fields of a type including inherited ones, base first, each with the
    /// namespace its element is qualified with. Empty for unknown types.
    pub fn all_fields(&self, name: &str) -> &[(Ns, Field)] {
        self.flat.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    fn flatten(&self, name: &str) -> Vec<(Ns, Field)> {
        let mut chain = Vec::new();
        let mut cur = self.types.get(name);
        while let Some(t) = cur {
            chain.push(t);
            cur = t.base.and_then(|b| self.types.get(b));
            if chain.len() > 8 {
                break;
            }
        }
        chain
            .iter()
            .rev()
            .flat_map(|t| t.fields.iter().map(move |f| (t.ns, f.clone())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_loads_and_has_all_services() {
        let s = Schema::load().unwrap();
        for name in [
            "OXContextService",
            "OXUserService",
            "OXGroupService",
            "OXResourceService",
            "OXResellerService",
            "OXResellerContextService",
            "OXResellerUserService",
            "OXResellerGroupService",
            "OXResellerResourceService",
        ] {
            assert!(s.service(name).is_some(), "{name}");
        }
    }

    #[test]
    fn reseller_context_inherits_context_fields_first() {
        let s = Schema::load().unwrap();
        let f = s.all_fields("ResellerContext");
        assert_eq!(f[0].1.name, "average_size");
        assert_eq!(f[0].0, Ns::DataSoap);
        let customid = f.iter().find(|(_, f)| f.name == "customid").unwrap();
        assert_eq!(customid.0, Ns::ResellerSoapData);
        assert_eq!(f.last().unwrap().1.name, "sid");
    }

    #[test]
    fn reseller_services_use_reseller_context() {
        let s = Schema::load().unwrap();
        let op = s
            .service("OXResellerUserService")
            .unwrap()
            .op("create")
            .unwrap();
        assert_eq!(op.params[0].ty, Ty::Complex("ResellerContext"));
        let op = s.service("OXUserService").unwrap().op("create").unwrap();
        assert_eq!(op.params[0].ty, Ty::Complex("Context"));
        let op = s
            .service("OXResellerService")
            .unwrap()
            .op("create")
            .unwrap();
        assert_eq!(op.params[1].name, "creds");
    }
}
