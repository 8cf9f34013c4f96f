//! Formatting queries for the wire, percent-encoding values and property names.
//!
//! The controller documents these reserved characters, which must be `%HH`-encoded inside values:
//! space `!` `#` `%` `&` `'` `(` `)` `,` `=` `;` `[` `]`. This encoder also encodes control
//! characters, every non-ASCII byte (as UTF-8), and the characters that are syntax in the tolerant
//! grammar or unsafe in a URL query (`"` `+` `<` `>` `\` `^` `` ` `` `{` `|` `}`). It keeps `/`,
//! `:`, `.`, `@`, `*`, `?`, `-`, `_` and `~` as they are, so type ids read like the controller's
//! examples (`implementing(http://aps-standard.org/types/core/user/1.0)`).

use std::fmt::{self, Display, Formatter, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::ast::{Query, SortKey, Value};

/// The bytes encoded inside RQL values and property names (non-ASCII is always encoded).
pub const RQL_RESERVED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'!')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'+')
    .add(b',')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one RQL value or property name.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, RQL_RESERVED).to_string()
}

struct Enc<'a>(&'a str);

impl Display for Enc<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for part in utf8_percent_encode(self.0, RQL_RESERVED) {
            f.write_str(part)?;
        }
        Ok(())
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null()"),
            Value::True => f.write_str("true()"),
            Value::False => f.write_str("false()"),
            Value::Text(text) => Enc(text).fmt(f),
        }
    }
}

impl Display for SortKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char(if self.descending { '-' } else { '+' })?;
        Enc(&self.prop).fmt(f)
    }
}

fn list<T>(
    f: &mut Formatter<'_>,
    items: &[T],
    item: impl Fn(&mut Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_char(',')?;
        }
        item(f, x)?;
    }
    Ok(())
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Query::Implementing(t) => write!(f, "implementing({})", Enc(t)),
            Query::Composing(t) => write!(f, "composing({})", Enc(t)),
            Query::LinkedWith(id) => write!(f, "linkedWith({})", Enc(id)),
            Query::Compare { op, prop, value } => {
                write!(f, "{}({},{})", op.name(), Enc(prop), value)
            }
            Query::Like { prop, pattern } => write!(f, "like({},{})", Enc(prop), Enc(pattern)),
            Query::In { prop, values } | Query::Out { prop, values } => {
                let name = if matches!(self, Query::In { .. }) {
                    "in"
                } else {
                    "out"
                };
                write!(f, "{name}({},(", Enc(prop))?;
                list(f, values, |f, v| v.fmt(f))?;
                f.write_str("))")
            }
            Query::And(items) | Query::Or(items) => {
                f.write_str(if matches!(self, Query::And(_)) {
                    "and("
                } else {
                    "or("
                })?;
                list(f, items, |f, q| q.fmt(f))?;
                f.write_char(')')
            }
            Query::Not(q) => write!(f, "not({q})"),
            Query::Limit { start, count } => write!(f, "limit({start},{count})"),
            Query::Sort(keys) => {
                f.write_str("sort(")?;
                list(f, keys, |f, k| k.fmt(f))?;
                f.write_char(')')
            }
            Query::Select(props) => {
                f.write_str("select(")?;
                list(f, props, |f, p| Enc(p).fmt(f))?;
                f.write_char(')')
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ast::*;
    use super::*;

    #[test]
    fn type_ids_stay_readable() {
        let q = implementing("http://aps-standard.org/types/core/service-user/1.0")
            .and(eq("email", "x@y.org"));
        assert_eq!(
            q.to_string(),
            "and(implementing(http://aps-standard.org/types/core/service-user/1.0),eq(email,x@y.org))"
        );
    }

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(
            eq("name", "value with space").to_string(),
            "eq(name,value%20with%20space)"
        );
        assert_eq!(
            eq("n", "!#%&'(),=;[]").to_string(),
            "eq(n,%21%23%25%26%27%28%29%2C%3D%3B%5B%5D)"
        );
        assert_eq!(eq("n", "a+b|c").to_string(), "eq(n,a%2Bb%7Cc)");
        assert_eq!(eq("n", "Müller").to_string(), "eq(n,M%C3%BCller)");
        assert_eq!(encode("a/b:c.d"), "a/b:c.d");
    }

    #[test]
    fn dotted_props_and_constants() {
        assert_eq!(
            eq("aps.status", "aps:ready").to_string(),
            "eq(aps.status,aps:ready)"
        );
        assert_eq!(
            eq("_is_reseller", true).to_string(),
            "eq(_is_reseller,true())"
        );
        assert_eq!(ne("x", Value::Null).to_string(), "ne(x,null())");
    }

    #[test]
    fn like_keeps_wildcards() {
        assert_eq!(
            like("login", "*@dom.example").to_string(),
            "like(login,*@dom.example)"
        );
        assert_eq!(like("n", "a?c d*").to_string(), "like(n,a?c%20d*)");
    }

    #[test]
    fn lists_and_modifiers() {
        assert_eq!(
            in_list("name", ["Silver", "Gold"]).to_string(),
            "in(name,(Silver,Gold))"
        );
        assert_eq!(out_list("name", ["a,b"]).to_string(), "out(name,(a%2Cb))");
        assert_eq!(limit(0, 10).to_string(), "limit(0,10)");
        assert_eq!(
            sort([SortKey::asc("a"), SortKey::desc("b")]).to_string(),
            "sort(+a,-b)"
        );
        assert_eq!(
            select(["aps.id", "name"]).to_string(),
            "select(aps.id,name)"
        );
        assert_eq!(
            not(linked_with("id-1")).to_string(),
            "not(linkedWith(id-1))"
        );
        assert_eq!(
            or([composing("t"), eq("a", "")]).to_string(),
            "or(composing(t),eq(a,))"
        );
    }
}
