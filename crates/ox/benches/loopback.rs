//! Client overhead under concurrency: many tasks sharing ONE `OxClient` against a local server
//! that answers every call with a canned `createResponse` (no OX logic). Measures the client
//! path (envelope, pooled keep-alive HTTP/1.1, response parsing), not OX.
//! Run with `cargo bench -p ox --bench loopback`.

use std::time::{Duration, Instant};

use axum::Router;
use hdrhistogram::Histogram;
use ox::{Context, Credentials, OxClient, OxConfig, User};

const RESPONSE: &str = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>\
    <createResponse xmlns=\"http://soap.admin.openexchange.com\" xmlns:ns2=\"http://dataobjects.soap.admin.openexchange.com/xsd\">\
    <return><ns2:id>3</ns2:id><ns2:name>alice</ns2:name></return></createResponse></soap:Body></soap:Envelope>";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let app = Router::new()
        .fallback(|| async { ([("content-type", "text/xml;charset=UTF-8")], RESPONSE) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = OxClient::new(OxConfig::new(&base)).expect("client");
    let user = User {
        name: Some("alice".into()),
        password: Some("secret".into()),
        display_name: Some("Alice".into()),
        given_name: Some("Alice".into()),
        sur_name: Some("Example".into()),
        ..Default::default()
    }
    .with_primary_address("alice@example.com");
    let auth = Credentials::new("oxadmin", "secret");

    for concurrency in [1usize, 16, 64] {
        let per_task = 4000 / concurrency.max(1);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for t in 0..concurrency {
            let (client, user, auth) = (client.clone(), user.clone(), auth.clone());
            tasks.push(tokio::spawn(async move {
                let mut h = Histogram::<u64>::new(3).expect("histogram");
                for _ in 0..per_task {
                    let t0 = Instant::now();
                    let created = client
                        .users()
                        .create(&Context::with_id(t as i32 + 1), &user, &auth)
                        .await;
                    assert!(created.is_ok(), "{created:?}");
                    h.record(t0.elapsed().as_micros() as u64).ok();
                }
                h
            }));
        }
        let mut all = Histogram::<u64>::new(3).expect("histogram");
        for t in tasks {
            all.add(t.await.expect("task")).ok();
        }
        let elapsed = started.elapsed();
        let calls = (per_task * concurrency) as f64;
        println!(
            "users.create x{calls:<5} concurrency {concurrency:>3}: {:>7.0} calls/s  p50 {:>5} µs  p99 {:>6} µs  ({:.2?})",
            calls / elapsed.as_secs_f64().max(f64::MIN_POSITIVE),
            all.value_at_quantile(0.5),
            all.value_at_quantile(0.99),
            Duration::from_secs_f64(elapsed.as_secs_f64()),
        );
    }
}
