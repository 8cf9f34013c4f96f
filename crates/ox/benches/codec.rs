//! CPU cost of the generic call path without the network: writing a request envelope and
//! reading a response. Run with `cargo bench -p ox --bench codec`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ox::{Call, Context, Credentials, Service, SoapStringMapMap, User, parse_response};

fn user() -> User {
    let mut attrs = SoapStringMapMap::default();
    attrs.set("config", "com.openexchange.mail.specialuse.check", "true");
    User {
        name: Some("alice".into()),
        password: Some("secret".into()),
        display_name: Some("Alice Example".into()),
        given_name: Some("Alice".into()),
        sur_name: Some("Example".into()),
        aliases: vec!["a.example@example.com".into()],
        imap_server: Some("imap.example.com".into()),
        imap_port: Some(993),
        smtp_server: Some("smtp.example.com".into()),
        smtp_port: Some(587),
        language: Some("de_DE".into()),
        timezone: Some("Europe/Berlin".into()),
        max_quota: Some(2048),
        mail_enabled: Some(true),
        user_attributes: Some(attrs),
        ..Default::default()
    }
    .with_primary_address("alice@example.com")
}

fn response(op: &str, items: &[String]) -> String {
    let rets: String = items
        .iter()
        .map(|i| format!("<return>{i}</return>"))
        .collect();
    format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>\
         <{op}Response xmlns=\"http://soap.admin.openexchange.com\" \
         xmlns:ns2=\"http://dataobjects.soap.admin.openexchange.com/xsd\">{rets}</{op}Response>\
         </soap:Body></soap:Envelope>"
    )
}

fn bench(name: &str, bytes: usize, iterations: u32, mut f: impl FnMut()) {
    for _ in 0..iterations / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let per = start.elapsed() / iterations;
    let mbps = bytes as f64 / per.as_secs_f64().max(f64::MIN_POSITIVE) / 1e6;
    println!(
        "{name:<44} {:>9.2} µs/op {:>8.0} ops/s {bytes:>8} B {mbps:>7.1} MB/s",
        micros(per),
        1.0 / per.as_secs_f64()
    );
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let u = user();
    let ctx = Context::with_id(4711);
    let auth = Credentials::new("oxadmin", "secret");
    let body_len = Call::new(Service::User, "create")
        .arg("ctx", &ctx)
        .arg("usrdata", &u)
        .credentials(&auth)
        .into_body()
        .map(|b| b.len())
        .unwrap_or(0);
    bench(
        "encode OXUserService.create envelope",
        body_len,
        200_000,
        || {
            let body = Call::new(Service::User, "create")
                .arg("ctx", &ctx)
                .arg("usrdata", black_box(&u))
                .credentials(&auth)
                .into_body();
            black_box(body.ok());
        },
    );

    let one = response(
        "getData",
        &["<ns2:aliases>alice@example.com</ns2:aliases><ns2:display_name>Alice Example</ns2:display_name>\
           <ns2:email1>alice@example.com</ns2:email1><ns2:id>3</ns2:id><ns2:imapPort>993</ns2:imapPort>\
           <ns2:language>de_DE</ns2:language><ns2:mailenabled>true</ns2:mailenabled><ns2:maxQuota>2048</ns2:maxQuota>\
           <ns2:name>alice</ns2:name><ns2:primaryEmail>alice@example.com</ns2:primaryEmail>\
           <ns2:timezone>Europe/Berlin</ns2:timezone><ns2:userAttributes><ns2:entries><ns2:key>config</ns2:key>\
           <ns2:value><ns2:entries><ns2:key>k</ns2:key><ns2:value>v</ns2:value></ns2:entries></ns2:value>\
           </ns2:entries></ns2:userAttributes>"
            .to_string()],
    );
    bench(
        "parse+decode OXUserService.getData (User)",
        one.len(),
        100_000,
        || {
            let u: Option<User> = parse_response(200, black_box(one.as_bytes()), "getData")
                .and_then(|r| r.one())
                .ok();
            black_box(u);
        },
    );

    let ids: Vec<String> = (0..1000).map(|i| format!("<ns2:id>{i}</ns2:id>")).collect();
    let list = response("listAll", &ids);
    bench(
        "parse+decode OXUserService.listAll (1000 ids)",
        list.len(),
        2_000,
        || {
            let users: Option<Vec<User>> =
                parse_response(200, black_box(list.as_bytes()), "listAll")
                    .and_then(|r| r.many())
                    .ok();
            black_box(users);
        },
    );
}
