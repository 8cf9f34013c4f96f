//! Property tests of `aps::rql`: formatting then parsing gives the same query, whatever the
//! values contain; parsing arbitrary text never panics.

use aps::rql::{CmpOp, Query, SortKey, Value, parse};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,12}", "[a-z@.:/*?-]{0,12}"]
}

fn nonempty_text() -> impl Strategy<Value = String> {
    text().prop_filter("non-empty", |s| !s.is_empty())
}

fn prop_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}(\\.[a-zA-Z_][a-zA-Z0-9_]{0,8})?",
        nonempty_text()
    ]
}

fn value(allow_empty: bool) -> impl Strategy<Value = Value> {
    let t = if allow_empty {
        text().boxed()
    } else {
        nonempty_text().boxed()
    };
    prop_oneof![
        Just(Value::Null),
        Just(Value::True),
        Just(Value::False),
        t.prop_map(Value::Text)
    ]
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge)
    ]
}

fn leaf() -> impl Strategy<Value = Query> {
    prop_oneof![
        text().prop_map(Query::Implementing),
        text().prop_map(Query::Composing),
        text().prop_map(Query::LinkedWith),
        (op(), prop_name(), value(true)).prop_map(|(op, prop, value)| Query::Compare {
            op,
            prop,
            value
        }),
        (prop_name(), text()).prop_map(|(prop, pattern)| Query::Like { prop, pattern }),
        (prop_name(), prop::collection::vec(value(false), 0..4))
            .prop_map(|(prop, values)| Query::In { prop, values }),
        (prop_name(), prop::collection::vec(value(false), 0..4))
            .prop_map(|(prop, values)| Query::Out { prop, values }),
        (any::<u64>(), any::<u64>()).prop_map(|(start, count)| Query::Limit { start, count }),
        prop::collection::vec(
            (text(), any::<bool>()).prop_map(|(prop, descending)| SortKey { prop, descending }),
            0..3
        )
        .prop_map(Query::Sort),
        prop::collection::vec(prop_name(), 0..3).prop_map(Query::Select),
    ]
}

fn query() -> impl Strategy<Value = Query> {
    leaf().prop_recursive(3, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Query::And),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Query::Or),
            inner.prop_map(|q| Query::Not(Box::new(q))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn build_then_parse_round_trips(q in query()) {
        let wire = q.to_string();
        prop_assert!(!wire.contains(' ') && !wire.contains('#'), "reserved characters are encoded: {}", wire);
        prop_assert!(wire.is_ascii(), "non-ASCII is percent-encoded: {}", wire);
        prop_assert_eq!(parse(&wire), Ok(q), "{}", wire);
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(s in any::<String>()) {
        let _ = parse(&s);
    }
}
