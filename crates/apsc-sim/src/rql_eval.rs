//! Evaluating RQL queries against the store.
//!
//! Semantics chosen where the docs are silent (**UNCONFIRMED** against the real controller):
//! - comparisons are numeric when the property is a number, textual otherwise; `eq(p,null())`
//!   matches an absent or null property; an array property matches `eq` when any element does;
//! - `like` matches the whole value, `*` any run and `?` one character, ignoring ASCII case;
//! - `composing(T)` matches resources whose type is `T` or a type `T` implements;
//! - `limit`, `sort` and `select` are read from the top level only (default `limit(0,1000)`);
//! - `select(names)` keeps the `aps` block and the named properties, and embeds linked resources for
//!   names that are relations (a single link as an object, a collection as an array).

use std::cmp::Ordering;

use aps::rql::{CmpOp, Query, SortKey, Value as RqlValue};
use serde_json::{Map, Value};

use crate::store::{Store, StoredResource};

/// The default page size of the controller.
pub const DEFAULT_LIMIT: u64 = 1000;

/// Why a query cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// `limit`, `sort` or `select` below the top level.
    #[error("{0} is only allowed at the top level of a query")]
    MisplacedModifier(&'static str),
}

/// The result of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// The page of resources, rendered (and projected).
    pub items: Vec<Value>,
    /// How many matched before paging.
    pub total: usize,
    /// Index of the first item of the page.
    pub start: usize,
}

#[derive(Default)]
struct Modifiers {
    limit: Option<(u64, u64)>,
    sort: Vec<SortKey>,
    select: Option<Vec<String>>,
}

fn split(query: Option<&Query>) -> (Vec<&Query>, Modifiers) {
    let mut mods = Modifiers::default();
    let mut filters = Vec::new();
    let items: Vec<&Query> = match query {
        Some(Query::And(items)) => items.iter().collect(),
        Some(q) => vec![q],
        None => vec![],
    };
    for q in items {
        match q {
            Query::Limit { start, count } => mods.limit = Some((*start, *count)),
            Query::Sort(keys) => mods.sort.extend(keys.iter().cloned()),
            Query::Select(props) => mods
                .select
                .get_or_insert_with(Vec::new)
                .extend(props.iter().cloned()),
            other => filters.push(other),
        }
    }
    (filters, mods)
}

/// Runs `query` over `candidates` (already restricted to what the caller may see).
pub fn run<'a>(
    store: &Store,
    query: Option<&Query>,
    candidates: impl Iterator<Item = &'a StoredResource>,
) -> Result<QueryResult, EvalError> {
    let (filters, mods) = split(query);
    let mut hits = Vec::new();
    for r in candidates {
        let json = store.render_resource(r);
        let mut ok = true;
        for f in &filters {
            if !matches(store, r, &json, f)? {
                ok = false;
                break;
            }
        }
        if ok {
            hits.push((r, json));
        }
    }
    if !mods.sort.is_empty() {
        hits.sort_by(|(_, a), (_, b)| {
            for key in &mods.sort {
                let ord = order(lookup(a, &key.prop), lookup(b, &key.prop));
                let ord = if key.descending { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
    let total = hits.len();
    let (start, count) = mods.limit.unwrap_or((0, DEFAULT_LIMIT));
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(total);
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let items = hits
        .into_iter()
        .skip(start)
        .take(count)
        .map(|(r, json)| match &mods.select {
            Some(names) => project(store, r, &json, names),
            None => json,
        })
        .collect();
    Ok(QueryResult {
        items,
        total,
        start,
    })
}

/// Whether one resource matches a filter.
pub fn matches(
    store: &Store,
    r: &StoredResource,
    json: &Value,
    q: &Query,
) -> Result<bool, EvalError> {
    Ok(match q {
        Query::Implementing(t) => store.types.implements(&r.type_id, t),
        Query::Composing(t) => store.types.implements(t, &r.type_id),
        Query::LinkedWith(id) => store.links().are_linked(&r.id, id),
        Query::Compare { op, prop, value } => compare(lookup(json, prop), *op, value),
        Query::Like { prop, pattern } => match lookup(json, prop) {
            Some(Value::String(s)) => like(s, pattern),
            Some(Value::Number(n)) => like(&n.to_string(), pattern),
            _ => false,
        },
        Query::In { prop, values } => values
            .iter()
            .any(|v| compare(lookup(json, prop), CmpOp::Eq, v)),
        Query::Out { prop, values } => !values
            .iter()
            .any(|v| compare(lookup(json, prop), CmpOp::Eq, v)),
        Query::And(items) => {
            for item in items {
                if !matches(store, r, json, item)? {
                    return Ok(false);
                }
            }
            true
        }
        Query::Or(items) => {
            for item in items {
                if matches(store, r, json, item)? {
                    return Ok(true);
                }
            }
            false
        }
        Query::Not(inner) => !matches(store, r, json, inner)?,
        Query::Limit { .. } => return Err(EvalError::MisplacedModifier("limit()")),
        Query::Sort(_) => return Err(EvalError::MisplacedModifier("sort()")),
        Query::Select(_) => return Err(EvalError::MisplacedModifier("select()")),
    })
}

/// A dotted property of a JSON object.
pub fn lookup<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(json, |v, key| v.get(key))
}

fn compare(actual: Option<&Value>, op: CmpOp, wanted: &RqlValue) -> bool {
    let ord = match (actual, wanted) {
        (None | Some(Value::Null), RqlValue::Null) => Some(Ordering::Equal),
        (_, RqlValue::Null) | (None | Some(Value::Null), _) => None,
        (Some(Value::Array(items)), _) if op == CmpOp::Eq => {
            return items.iter().any(|i| compare(Some(i), CmpOp::Eq, wanted));
        }
        (Some(Value::Bool(b)), RqlValue::True) => Some(b.cmp(&true)),
        (Some(Value::Bool(b)), RqlValue::False) => Some(b.cmp(&false)),
        (Some(Value::Bool(b)), RqlValue::Text(t)) => t.parse::<bool>().ok().map(|t| b.cmp(&t)),
        (Some(Value::Number(n)), RqlValue::Text(t)) => {
            match (n.as_f64(), t.trim().parse::<f64>()) {
                (Some(a), Ok(b)) => a.partial_cmp(&b),
                _ => None,
            }
        }
        (Some(Value::String(s)), RqlValue::Text(t)) => Some(s.as_str().cmp(t.as_str())),
        (Some(Value::String(s)), RqlValue::True) => Some(s.as_str().cmp("true")),
        (Some(Value::String(s)), RqlValue::False) => Some(s.as_str().cmp("false")),
        _ => None,
    };
    match (op, ord) {
        (CmpOp::Eq, Some(o)) => o == Ordering::Equal,
        (CmpOp::Eq, None) => false,
        (CmpOp::Ne, Some(o)) => o != Ordering::Equal,
        (CmpOp::Ne, None) => true,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
        (_, None) => false,
    }
}

/// Whole-value wildcard match, ASCII case-insensitive.
pub fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().map(|c| c.to_ascii_lowercase()).collect();
    let p: Vec<char> = pattern.chars().map(|c| c.to_ascii_lowercase()).collect();
    let (mut ti, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == t.get(ti) => {
                ti += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn rank(v: Option<&Value>) -> u8 {
    match v {
        None | Some(Value::Null) => 0,
        Some(Value::Bool(_)) => 1,
        Some(Value::Number(_)) => 2,
        Some(Value::String(_)) => 3,
        Some(_) => 4,
    }
}

fn order(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn project(store: &Store, r: &StoredResource, json: &Value, names: &[String]) -> Value {
    let mut out = Map::new();
    if let Some(aps) = json.get("aps") {
        out.insert("aps".into(), aps.clone());
    }
    for name in names {
        let linked = store.linked(&r.id, name);
        let declared = store.types.relation(&r.type_id, name);
        if declared.is_some() || !linked.is_empty() {
            let rendered: Vec<Value> = linked.iter().filter_map(|id| store.render(id)).collect();
            let value = match declared {
                Some(d) if !d.collection => rendered.into_iter().next().unwrap_or(Value::Null),
                None if rendered.len() == 1 => rendered.into_iter().next().unwrap_or(Value::Null),
                _ => Value::Array(rendered),
            };
            out.insert(name.clone(), value);
            continue;
        }
        let top = name.split('.').next().unwrap_or(name);
        if let Some(v) = json.get(top) {
            out.insert(top.to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aps::rql::{self, parse};
    use serde_json::json;

    #[test]
    fn like_wildcards() {
        assert!(like("john@example.com", "*@example.com"));
        assert!(like("John@Example.com", "j?hn@*"));
        assert!(like("abc", "a*c*"));
        assert!(like("", "*"));
        assert!(!like("abc", "a?"));
        assert!(!like("abc", "*d"));
        assert!(like("a*b", "a*b"));
    }

    #[test]
    fn comparisons() {
        let j = json!({"n": 5, "s": "b", "t": true, "z": null, "arr": ["x", "y"], "o": {"p": "q"}});
        let c = |q: &str| {
            let Query::Compare { op, prop, value } = parse(q).unwrap() else {
                panic!("{q}")
            };
            compare(lookup(&j, &prop), op, &value)
        };
        assert!(c("eq(n,5)") && c("eq(n,5.0)") && c("gt(n,4)") && c("le(n,5)") && !c("lt(n,5)"));
        assert!(c("eq(s,b)") && c("gt(s,a)") && c("ne(s,c)"));
        assert!(c("eq(t,true())") && c("eq(t,true)") && c("ne(t,false())"));
        assert!(
            c("eq(z,null())") && c("eq(missing,null())") && c("ne(s,null())") && !c("ne(z,null())")
        );
        assert!(c("eq(arr,y)") && !c("eq(arr,q)"));
        assert!(c("eq(o.p,q)") && !c("eq(n,abc)") && c("ne(n,abc)") && !c("gt(missing,1)"));
    }

    #[test]
    fn ordering_mixes_types_stably() {
        assert_eq!(order(Some(&json!(2)), Some(&json!(10))), Ordering::Less);
        assert_eq!(
            order(Some(&json!("b")), Some(&json!("a"))),
            Ordering::Greater
        );
        assert_eq!(order(None, Some(&json!("a"))), Ordering::Less);
    }

    #[test]
    fn modifiers_only_at_top_level() {
        let store = Store::default();
        let q = rql::and([rql::eq("a", "1"), rql::limit(0, 1)]);
        assert!(run(&store, Some(&q), std::iter::empty()).is_ok());
        let q = rql::or([rql::eq("a", "1"), rql::limit(0, 1)]);
        let r = StoredResource {
            id: "x".into(),
            type_id: "t".into(),
            status: "aps:ready".into(),
            revision: 1,
            modified: String::new(),
            subscription: None,
            owner_account: None,
            instance: None,
            package: None,
            props: Map::new(),
        };
        assert_eq!(
            run(&store, Some(&q), std::iter::once(&r)),
            Err(EvalError::MisplacedModifier("limit()"))
        );
    }
}
