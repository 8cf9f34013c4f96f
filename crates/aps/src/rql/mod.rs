//! Resource Query Language (RQL), as the APS controller accepts it on `GET /aps/2/resources?<rql>`.
//!
//! - [`Query`] is the syntax tree; build it with the functions re-exported here
//!   (`rql::and([rql::implementing(T), rql::eq("login", x)])`) and format it with `Display`,
//!   which percent-encodes reserved characters inside values and property names
//!   (see [`RQL_RESERVED`]).
//! - [`parse`] reads a query back, tolerantly: `,`/`&` for `and`, `|` for `or`, FIQL
//!   `prop=eq=value`, dotted properties, percent-decoding.
//!
//! Formatting then parsing gives back the same tree, except for a list whose only element is an
//! empty name or value (`in(p,())` and `select()` read as empty lists). Evaluating a query needs the
//! controller's type hierarchy and therefore lives in the controller simulator, not here.

mod ast;
mod display;
mod parse;
#[cfg(test)]
mod parse_tests;

pub use ast::{
    CmpOp, Query, SortKey, Value, and, composing, eq, ge, gt, implementing, in_list, le, like,
    limit, linked_with, lt, ne, not, or, out_list, select, sort,
};
pub use display::{RQL_RESERVED, encode};
pub use parse::{ParseError, parse};
