//! The syntax tree of an RQL query and the functions that build it.
//!
//! Build queries with the free functions ([`implementing`], [`eq`], [`like`], [`and`], ...) or the
//! [`Query::and`] / [`Query::or`] combinators, then format them with `Display` (which
//! percent-encodes values) and append the result to `/aps/2/resources?`.

/// A value on the right-hand side of a comparison or inside `in(...)`.
///
/// Values are untyped text, as on the wire: `eq(id,5)` carries the text `5`, and the controller
/// compares it with the property as the property's type demands. The three constants are the RQL
/// functions `null()`, `true()` and `false()`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// `null()`: the property is absent or null.
    Null,
    /// `true()`: the boolean true.
    True,
    /// `false()`: the boolean false.
    False,
    /// Literal text, percent-encoded when formatted.
    Text(String),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        if b { Value::True } else { Value::False }
    }
}

macro_rules! value_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(n: $t) -> Self {
                Value::Text(n.to_string())
            }
        }
    )*};
}
value_from_number!(i32, i64, u32, u64, usize, f64);

/// The comparison functions `eq`, `ne`, `lt`, `le`, `gt`, `ge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `eq`: equal.
    Eq,
    /// `ne`: not equal.
    Ne,
    /// `lt`: less than.
    Lt,
    /// `le`: less than or equal.
    Le,
    /// `gt`: greater than.
    Gt,
    /// `ge`: greater than or equal.
    Ge,
}

impl CmpOp {
    /// The RQL function name.
    pub fn name(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Lt => "lt",
            CmpOp::Le => "le",
            CmpOp::Gt => "gt",
            CmpOp::Ge => "ge",
        }
    }

    /// The operator for a function name (`eq`, `NE`, ...), case-insensitively.
    pub fn from_name(name: &str) -> Option<CmpOp> {
        Some(match name.to_ascii_lowercase().as_str() {
            "eq" => CmpOp::Eq,
            "ne" => CmpOp::Ne,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            _ => return None,
        })
    }
}

/// One key of `sort(...)`: `+prop` ascending, `-prop` descending.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortKey {
    /// The (possibly dotted) property name.
    pub prop: String,
    /// Whether the order is descending (`-prop`).
    pub descending: bool,
}

impl SortKey {
    /// `+prop`.
    pub fn asc(prop: impl Into<String>) -> Self {
        SortKey {
            prop: prop.into(),
            descending: false,
        }
    }
    /// `-prop`.
    pub fn desc(prop: impl Into<String>) -> Self {
        SortKey {
            prop: prop.into(),
            descending: true,
        }
    }
}

/// An RQL query. Property names may be dotted (`aps.status`, `addressPostal.locality`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    /// `implementing(type)`: resources whose type implements `type` (including `type` itself).
    Implementing(String),
    /// `composing(type)`: resources whose type is `type` or one `type` implements.
    Composing(String),
    /// `linkedWith(id)`: resources linked with the resource `id`.
    LinkedWith(String),
    /// `eq/ne/lt/le/gt/ge(prop,value)`.
    Compare {
        /// The comparison.
        op: CmpOp,
        /// The property.
        prop: String,
        /// The value compared with.
        value: Value,
    },
    /// `like(prop,pattern)`: `*` matches any run of characters, `?` any single character.
    Like {
        /// The property.
        prop: String,
        /// The pattern.
        pattern: String,
    },
    /// `in(prop,(v1,v2,...))`.
    In {
        /// The property.
        prop: String,
        /// The accepted values.
        values: Vec<Value>,
    },
    /// `out(prop,(v1,v2,...))`.
    Out {
        /// The property.
        prop: String,
        /// The rejected values.
        values: Vec<Value>,
    },
    /// `and(q1,q2,...)`; also written `q1,q2` or `q1&q2`.
    And(Vec<Query>),
    /// `or(q1,q2,...)`; also written `q1|q2`.
    Or(Vec<Query>),
    /// `not(q)`.
    Not(Box<Query>),
    /// `limit(start,count)`.
    Limit {
        /// The index of the first result.
        start: u64,
        /// The number of results (the controller's default is 1000).
        count: u64,
    },
    /// `sort(+a,-b)`.
    Sort(Vec<SortKey>),
    /// `select(a,b)`: the properties (and relations) to return.
    Select(Vec<String>),
}

impl Query {
    /// `and(self, other)`, flattening when `self` already is an `and`.
    pub fn and(self, other: Query) -> Query {
        match self {
            Query::And(mut items) => {
                items.push(other);
                Query::And(items)
            }
            first => Query::And(vec![first, other]),
        }
    }

    /// `or(self, other)`, flattening when `self` already is an `or`.
    pub fn or(self, other: Query) -> Query {
        match self {
            Query::Or(mut items) => {
                items.push(other);
                Query::Or(items)
            }
            first => Query::Or(vec![first, other]),
        }
    }

    /// `not(self)`.
    pub fn negate(self) -> Query {
        Query::Not(Box::new(self))
    }
}

/// `implementing(type_id)`.
pub fn implementing(type_id: impl Into<String>) -> Query {
    Query::Implementing(type_id.into())
}

/// `composing(type_id)`.
pub fn composing(type_id: impl Into<String>) -> Query {
    Query::Composing(type_id.into())
}

/// `linkedWith(id)`.
pub fn linked_with(id: impl Into<String>) -> Query {
    Query::LinkedWith(id.into())
}

fn compare(op: CmpOp, prop: impl Into<String>, value: impl Into<Value>) -> Query {
    Query::Compare {
        op,
        prop: prop.into(),
        value: value.into(),
    }
}

/// `eq(prop,value)`.
pub fn eq(prop: impl Into<String>, value: impl Into<Value>) -> Query {
    compare(CmpOp::Eq, prop, value)
}

/// `ne(prop,value)`.
pub fn ne(prop: impl Into<String>, value: impl Into<Value>) -> Query {
    compare(CmpOp::Ne, prop, value)
}

/// `lt(prop,value)`.
pub fn lt(prop: impl Into<String>, value: impl Into<Value>) -> Query {
    compare(CmpOp::Lt, prop, value)
}

/// `le(prop,value)`.
pub fn le(prop: impl Into<String>, value: impl Into<Value>) -> Query {
    compare(CmpOp::Le, prop, value)
}

/// `gt(prop,value)`.
pub fn gt(prop: impl Into<String>, value: impl Into<Value>) -> Query {
    compare(CmpOp::Gt, prop, value)
}

/// `ge(prop,value)`.
pub fn ge(prop: impl Into<String>, value: impl Into<Value>) -> Query {
    compare(CmpOp::Ge, prop, value)
}

/// `like(prop,pattern)` with `*` and `?` wildcards.
pub fn like(prop: impl Into<String>, pattern: impl Into<String>) -> Query {
    Query::Like {
        prop: prop.into(),
        pattern: pattern.into(),
    }
}

/// `in(prop,(values...))`.
pub fn in_list<V: Into<Value>>(
    prop: impl Into<String>,
    values: impl IntoIterator<Item = V>,
) -> Query {
    Query::In {
        prop: prop.into(),
        values: values.into_iter().map(Into::into).collect(),
    }
}

/// `out(prop,(values...))`.
pub fn out_list<V: Into<Value>>(
    prop: impl Into<String>,
    values: impl IntoIterator<Item = V>,
) -> Query {
    Query::Out {
        prop: prop.into(),
        values: values.into_iter().map(Into::into).collect(),
    }
}

/// `and(queries...)`.
pub fn and(queries: impl IntoIterator<Item = Query>) -> Query {
    Query::And(queries.into_iter().collect())
}

/// `or(queries...)`.
pub fn or(queries: impl IntoIterator<Item = Query>) -> Query {
    Query::Or(queries.into_iter().collect())
}

/// `not(query)`.
pub fn not(query: Query) -> Query {
    Query::Not(Box::new(query))
}

/// `limit(start,count)`.
pub fn limit(start: u64, count: u64) -> Query {
    Query::Limit { start, count }
}

/// `sort(keys...)`.
pub fn sort(keys: impl IntoIterator<Item = SortKey>) -> Query {
    Query::Sort(keys.into_iter().collect())
}

/// `select(props...)`.
pub fn select<S: Into<String>>(props: impl IntoIterator<Item = S>) -> Query {
    Query::Select(props.into_iter().map(Into::into).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinators_flatten() {
        let q = eq("a", "1").and(eq("b", "2")).and(eq("c", "3"));
        assert_eq!(q, and([eq("a", "1"), eq("b", "2"), eq("c", "3")]));
        let q = eq("a", "1").or(eq("b", "2")).or(eq("c", "3"));
        assert_eq!(q, or([eq("a", "1"), eq("b", "2"), eq("c", "3")]));
    }

    #[test]
    fn values_convert() {
        assert_eq!(Value::from(true), Value::True);
        assert_eq!(Value::from(false), Value::False);
        assert_eq!(Value::from(5_i64), Value::Text("5".into()));
        assert_eq!(Value::from("x"), Value::Text("x".into()));
    }

    #[test]
    fn cmp_names_round_trip() {
        for op in [
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ] {
            assert_eq!(CmpOp::from_name(op.name()), Some(op));
            assert_eq!(CmpOp::from_name(&op.name().to_uppercase()), Some(op));
        }
        assert_eq!(CmpOp::from_name("like"), None);
    }
}
