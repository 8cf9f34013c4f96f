//! Parser tests: canonical and tolerant forms, decoding, errors, and display/parse samples.

use super::*;

fn p(s: &str) -> Query {
    match parse(s) {
        Ok(q) => q,
        Err(e) => panic!("{s}: {e}"),
    }
}

#[test]
fn canonical_forms() {
    assert_eq!(
        p("implementing(http://a.org/t/1.0)"),
        implementing("http://a.org/t/1.0")
    );
    assert_eq!(p("eq(aps.status,aps:ready)"), eq("aps.status", "aps:ready"));
    assert_eq!(p("eq(_is_reseller,true())"), eq("_is_reseller", true));
    assert_eq!(p("ne(x,null())"), ne("x", Value::Null));
    assert_eq!(
        p("in(name,(Silver,Gold))"),
        in_list("name", ["Silver", "Gold"])
    );
    assert_eq!(
        p("out(name,(Platinum,Gold))"),
        out_list("name", ["Platinum", "Gold"])
    );
    assert_eq!(p("limit(0,2)"), limit(0, 2));
    assert_eq!(
        p("sort(+a,-b,c)"),
        sort([SortKey::asc("a"), SortKey::desc("b"), SortKey::asc("c")])
    );
    assert_eq!(p("select(aps.id,name)"), select(["aps.id", "name"]));
    assert_eq!(p("not(linkedWith(x))"), not(linked_with("x")));
    assert_eq!(p("composing(t)"), composing("t"));
}

#[test]
fn top_level_separators_and_operators() {
    let expected = and([implementing("T"), eq("email", "x@y")]);
    assert_eq!(p("implementing(T),eq(email,x@y)"), expected);
    assert_eq!(p("implementing(T)&eq(email,x@y)"), expected);
    assert_eq!(p("?and(implementing(T),eq(email,x@y))"), expected);
    assert_eq!(p("eq(a,1)|eq(b,2)"), or([eq("a", "1"), eq("b", "2")]));
    assert_eq!(
        p("eq(a,1),eq(b,2)|eq(c,3)"),
        and([eq("a", "1"), or([eq("b", "2"), eq("c", "3")])])
    );
    assert_eq!(
        p("(eq(a,1),eq(b,2))|eq(c,3)"),
        or([and([eq("a", "1"), eq("b", "2")]), eq("c", "3")])
    );
    assert_eq!(
        p("or(eq(a,1)&eq(b,2),eq(c,3))"),
        or([and([eq("a", "1"), eq("b", "2")]), eq("c", "3")])
    );
}

#[test]
fn fiql_forms() {
    assert_eq!(
        p("prop1=eq=value%20with%20space"),
        eq("prop1", "value with space")
    );
    assert_eq!(p("aps.status=ne=aps:ready"), ne("aps.status", "aps:ready"));
    assert_eq!(p("name=foo"), eq("name", "foo"));
    assert_eq!(p("login=like=*@d"), like("login", "*@d"));
    assert_eq!(p("a=in=(x,y)"), in_list("a", ["x", "y"]));
    assert_eq!(p("a=gt=5&b=le=7"), and([gt("a", "5"), le("b", "7")]));
}

#[test]
fn tolerant_spellings() {
    assert_eq!(p("EQ(a,1)"), eq("a", "1"));
    assert_eq!(p("linkedwith(x)"), linked_with("x"));
    assert_eq!(
        p("and( eq(a,1) , eq(b,2) )"),
        and([eq("a", "1"), eq("b", "2")])
    );
    assert_eq!(
        p("in(name,Silver,Gold)"),
        in_list("name", ["Silver", "Gold"])
    );
    assert_eq!(p("limit(5)"), limit(0, 5));
    assert_eq!(p("sort( a)"), sort([SortKey::asc("a")]));
}

#[test]
fn percent_decoding_happens_after_splitting() {
    assert_eq!(p("eq(n,a%2Cb%29)"), eq("n", "a,b)"));
    assert_eq!(p("eq(M%C3%BCller,x)"), eq("Müller", "x"));
    assert_eq!(p("eq(n,)"), eq("n", ""));
    assert_eq!(p("eq(n,null%28%29)"), eq("n", "null()"));
}

#[test]
fn errors() {
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(parse("  "), Err(ParseError::Empty));
    assert_eq!(
        parse("frobnicate(a)"),
        Err(ParseError::UnknownFunction("frobnicate".into()))
    );
    assert_eq!(
        parse("eq(a,now())"),
        Err(ParseError::UnknownFunction("now".into()))
    );
    assert_eq!(
        parse("limit(x,1)"),
        Err(ParseError::InvalidNumber("x".into()))
    );
    assert!(matches!(
        parse("eq(a,1"),
        Err(ParseError::Unexpected { .. })
    ));
    assert!(matches!(
        parse("eq(a,1))"),
        Err(ParseError::Unexpected { .. })
    ));
    assert!(matches!(
        parse("justaword"),
        Err(ParseError::Unexpected { .. })
    ));
    assert!(matches!(
        parse("a=zz=1"),
        Err(ParseError::UnknownFunction(_))
    ));
}

#[test]
fn display_then_parse_is_identity_for_samples() {
    let samples = [
        and([
            implementing("http://x.org/t/1.0"),
            like("login", "*@d o"),
            limit(10, 20),
        ]),
        or([
            not(eq("a", Value::Null)),
            in_list("b", [Value::True, Value::from("(x)")]),
        ]),
        and([
            sort([SortKey::desc("a.b"), SortKey::asc("-x")]),
            select(["p q", "r"]),
        ]),
        and(Vec::<Query>::new()),
        eq("", ""),
    ];
    for q in samples {
        assert_eq!(p(&q.to_string()), q, "{q}");
    }
}
