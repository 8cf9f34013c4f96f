//! Property tests on the same entry point as the cargo-fuzz target (`parse_response` plus
//! decoding): arbitrary bytes and mutated valid envelopes never panic; and every value the
//! envelope writer produces reads back unchanged.

use ox::xml::{XmlObject, parse};
use ox::{
    Call, Context, Credentials, ResellerContext, Service, SoapStringMapMap, User, parse_response,
};
use proptest::prelude::*;

const SEEDS: &[&str] = &[
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getDataResponse xmlns="http://soap.admin.openexchange.com"><return><ns2:id xmlns:ns2="urn:d">3</ns2:id><name>alice</name><aliases>a@b.c</aliases><userAttributes><entries><key>k</key><value><entries><key>a</key><value>b</value></entries></value></entries></userAttributes></return></getDataResponse></soap:Body></soap:Envelope>"#,
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>No such user 5 in context 1; exceptionId 1-2</faultstring><detail><NoSuchUserException xmlns="http://soap.admin.openexchange.com"><NoSuchUserException/></NoSuchUserException></detail></soap:Fault></soap:Body></soap:Envelope>"#,
    r#"<?xml version="1.0"?><e:Envelope xmlns:e="x"><e:Body><getDataResponse><return xmlns:xsi="y" xsi:nil="true"/><return><id>1</id><default_group><id>1</id></default_group></return></getDataResponse></e:Body></e:Envelope>"#,
];

const SNIPPETS: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "</return>",
    "<return>",
    " xsi:nil=\"true\"",
    "<![CDATA[",
    "]]>",
    "\u{0}",
    "<id>x</id>",
    "<!DOCTYPE a [<!ENTITY e \"e\">]>",
];

fn check(status: u16, body: &[u8]) {
    if let Ok(returns) = parse_response(status, body, "getData") {
        let _ = returns.clone().many::<User>();
        let _ = returns.clone().many::<ResellerContext>();
        let _ = returns.clone().optional::<String>();
        let _ = returns.one::<bool>();
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
    ]
}

fn apply(mut doc: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = doc.len().max(1);
        match m {
            Mutation::Truncate(i) => doc.truncate(i % len),
            Mutation::Flip(i, b) => {
                if let Some(byte) = doc.get_mut(i % len) {
                    *byte ^= b;
                }
            }
            Mutation::Insert(i, s) => {
                let at = (i % len).min(doc.len());
                doc.splice(at..at, SNIPPETS[*s].bytes());
            }
            Mutation::Duplicate(a, b) => {
                let (x, y) = ((a % len).min(doc.len()), (b % len).min(doc.len()));
                let (lo, hi) = (x.min(y), x.max(y));
                let copy = doc[lo..hi].to_vec();
                doc.splice(hi..hi, copy);
            }
        }
    }
    doc
}

fn xml_string() -> impl Strategy<Value = String> {
    // Any characters XML 1.0 can carry, including markup characters, CR, LF and tabs.
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range(' ', '~'),
            Just('\r'),
            Just('\n'),
            Just('\t'),
            proptest::char::range('\u{a0}', '\u{d7ff}'),
            proptest::char::range('\u{10000}', '\u{10ffff}'),
        ],
        0..24,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(status in prop_oneof![Just(200u16), Just(500u16), 100u16..600], body in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(status, &body);
    }

    #[test]
    fn mutated_envelopes_never_panic(seed in 0..SEEDS.len(), mutations in proptest::collection::vec(mutation(), 1..6), status in prop_oneof![Just(200u16), Just(500u16)]) {
        check(status, &apply(SEEDS[seed].as_bytes().to_vec(), &mutations));
    }

    #[test]
    fn written_users_read_back_unchanged(
        name in proptest::option::of(xml_string()),
        display in proptest::option::of(xml_string()),
        aliases in proptest::collection::vec(xml_string(), 0..3),
        id in proptest::option::of(any::<i32>()),
        quota in proptest::option::of(any::<i64>()),
        mail in proptest::option::of(any::<bool>()),
        attr in proptest::option::of((xml_string(), xml_string(), xml_string())),
    ) {
        let user_attributes = attr.map(|(ns, k, v)| {
            let mut m = SoapStringMapMap::default();
            m.set(ns, k, v);
            m
        });
        let user = User { name, display_name: display, aliases, id, max_quota: quota, mail_enabled: mail, user_attributes, ..Default::default() };
        let body = Call::new(Service::User, "change")
            .arg("ctx", &Context::with_id(1))
            .arg("usrdata", &user)
            .credentials(&Credentials::new("a", "b"))
            .into_body()
            .unwrap();
        let root = parse(&body).unwrap();
        let usrdata = root.child("Body").and_then(|b| b.child("change")).and_then(|c| c.child("usrdata")).unwrap();
        prop_assert_eq!(User::read_fields(usrdata).unwrap(), user);
    }
}
