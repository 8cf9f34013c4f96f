//! A tiny APS endpoint over rustls for the tests: it records every request (headers, body, the
//! client certificate's fingerprint), enforces what real runtimes enforce (APS-Controller-URI and
//! APS-Instance-ID present, a client certificate, and after installation the stored controller
//! certificate), and answers from scripted replies or sensible defaults.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use apsc_sim::tls::{PeerCertificates, ServerTrust, http_client, serve, server_config_any_client};
use apsc_sim::{
    Controller, Identity, InstanceHandle, Package, PackageSpec, RelationDef, ServiceSpec,
    SimConfig, SimHandle,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

pub const APP_ID: &str = "http://test.example/app";
pub const GLOBALS: &str = "http://test.example/globals/1.0";
pub const TENANT: &str = "http://test.example/tenant/1.0";
pub const USER: &str = "http://test.example/user/1.0";

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Reply {
            status: 200,
            headers: vec![],
            body,
        }
    }
    pub fn status(status: u16, body: Value) -> Self {
        Reply {
            status,
            headers: vec![],
            body,
        }
    }
    pub fn accepted(retry_secs: u64, info: &str) -> Self {
        Reply {
            status: 202,
            headers: vec![
                ("APS-Retry-Timeout".into(), retry_secs.to_string()),
                ("APS-Info".into(), info.into()),
            ],
            body: json!({}),
        }
    }
    pub fn error(status: u16, message: &str) -> Self {
        Reply::status(
            status,
            json!({"code": status, "type": "Exception", "message": message}),
        )
    }
}

struct Rule {
    method: Method,
    path: String,
    replies: VecDeque<Reply>,
}

/// One request the endpoint received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    /// Path relative to the endpoint base, without leading slash.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Value,
    pub peer_fingerprint: Option<String>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Default)]
struct EpState {
    requests: Mutex<Vec<Recorded>>,
    rules: Mutex<Vec<Rule>>,
    controller_fp: Mutex<Option<String>>,
    arrived: Notify,
}

pub struct TestEndpoint {
    pub base_url: String,
    /// SHA-256 of the endpoint's server certificate.
    pub fingerprint: String,
    state: Arc<EpState>,
    _shutdown: watch::Sender<bool>,
}

/// `*` matches one path segment; a trailing `*` matches one or more.
fn matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    for (i, p) in pat.iter().enumerate() {
        let last = i + 1 == pat.len();
        match (segs.get(i), *p) {
            (None, _) => return false,
            (Some(_), "*") if last => return true,
            (Some(_), "*") => {}
            (Some(s), p) if *s == p => {}
            _ => return false,
        }
    }
    pat.len() == segs.len()
}

fn error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        code,
        axum::Json(json!({"code": status, "type": "Exception", "message": message})),
    )
        .into_response()
}

async fn handle(
    State(state): State<Arc<EpState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    peer: Option<axum::Extension<PeerCertificates>>,
    body: Bytes,
) -> Response {
    let path = uri
        .path()
        .trim_start_matches("/ep/")
        .trim_start_matches('/')
        .to_owned();
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    };
    let peer_fingerprint = peer.and_then(|p| p.0.leaf_fingerprint());
    let rec = Recorded {
        method: method.clone(),
        path: path.clone(),
        query: uri.query().map(str::to_owned),
        headers: headers.clone(),
        body: body.clone(),
        peer_fingerprint: peer_fingerprint.clone(),
    };
    state.requests.lock().unwrap().push(rec);
    state.arrived.notify_waiters();
    if headers.get("aps-controller-uri").is_none() || headers.get("aps-instance-id").is_none() {
        return error(400, "APS-Controller-URI and APS-Instance-ID are required");
    }
    let Some(peer_fp) = peer_fingerprint else {
        return error(403, "client certificate required");
    };
    let controller = body
        .pointer("/aps/x509/controller")
        .and_then(Value::as_str)
        .map(|pem| apsc_sim::ca::fingerprint_pem(pem).unwrap());
    {
        let mut stored = state.controller_fp.lock().unwrap();
        match (&controller, stored.as_ref()) {
            (Some(fp), _) => *stored = Some(fp.clone()),
            (None, Some(fp)) if *fp != peer_fp => {
                return error(403, "not the controller certificate");
            }
            _ => {}
        }
    }
    let scripted = {
        let mut rules = state.rules.lock().unwrap();
        rules
            .iter_mut()
            .find(|r| r.method == method && matches(&r.path, &path))
            .and_then(|r| {
                if r.replies.len() > 1 {
                    r.replies.pop_front()
                } else {
                    r.replies.front().cloned()
                }
            })
    };
    let reply = scripted.unwrap_or_else(|| {
        let segments = path.split('/').filter(|s| !s.is_empty()).count();
        match method {
            Method::POST if segments == 1 => {
                let mut echo = body.clone();
                if let Some(aps) = echo.get_mut("aps").and_then(Value::as_object_mut) {
                    aps.remove("x509");
                }
                Reply::ok(echo)
            }
            Method::DELETE => Reply::status(204, Value::Null),
            _ => Reply::ok(json!({})),
        }
    });
    let code = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if reply.body.is_null() {
        code.into_response()
    } else {
        (code, axum::Json(reply.body)).into_response()
    };
    for (k, v) in reply.headers {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    response
}

impl TestEndpoint {
    pub async fn start() -> TestEndpoint {
        let identity = apsc_sim::self_signed_identity("test-endpoint").unwrap();
        let config = server_config_any_client(&identity).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(EpState::default());
        let router = Router::new().fallback(handle).with_state(state.clone());
        let (tx, rx) = watch::channel(false);
        tokio::spawn(serve(listener, config, router, rx));
        TestEndpoint {
            base_url: format!("https://127.0.0.1:{port}/ep/"),
            fingerprint: identity.fingerprint().unwrap(),
            state,
            _shutdown: tx,
        }
    }

    /// Scripts the replies to `method path` (relative path; `*` = one segment, a trailing `*` = the rest). Replies are
    /// used in order; the last one repeats.
    pub fn on(&self, method: Method, path: &str, replies: Vec<Reply>) {
        self.state.rules.lock().unwrap().insert(
            0,
            Rule {
                method,
                path: path.to_owned(),
                replies: replies.into(),
            },
        );
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn requests_to(&self, method: &Method, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == *method && matches(path, &r.path))
            .collect()
    }

    /// Waits until at least `n` requests match, at most 10 s.
    pub async fn wait_for(&self, method: &Method, path: &str, n: usize) -> Vec<Recorded> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.state.arrived.notified();
            let found = self.requests_to(method, path);
            if found.len() >= n {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out waiting for {n} × {method} {path}; got {}",
                    found.len()
                );
            }
        }
    }
}

/// The test package: globals (root), tenant (linked to account and subscription), user (linked
/// to a tenant, with an optional link to a service user).
pub fn package_spec() -> PackageSpec {
    PackageSpec::new(
        APP_ID,
        ServiceSpec::new("globals", GLOBALS)
            .relation(RelationDef::new("tenants", TENANT).collection()),
    )
    .service(
        ServiceSpec::new("tenant", TENANT)
            .implements("http://aps-standard.org/types/core/subscription/service/1.0")
            .relation(RelationDef::new("users", USER).collection()),
    )
    .service(
        ServiceSpec::new("user", USER)
            .implements("http://aps-standard.org/types/core/user/service/1.0")
            .relation(RelationDef::new("tenant", TENANT).required())
            .relation(RelationDef::new(
                "serviceUser",
                "http://aps-standard.org/types/core/service-user/1.0",
            )),
    )
}

pub struct Fixture {
    pub sim: SimHandle,
    pub ep: TestEndpoint,
    pub package: Package,
    pub instance: InstanceHandle,
}

pub fn fast_config() -> SimConfig {
    SimConfig {
        time_scale: 0.001,
        event_retry_delay_secs: 1,
        auto_run_periodic_tasks: false,
        ..SimConfig::default()
    }
}

pub async fn fixture_with(config: SimConfig) -> Fixture {
    let sim = Controller::start(config).await.unwrap();
    let ep = TestEndpoint::start().await;
    let package = sim.register_package(package_spec()).unwrap();
    let instance = sim
        .install_instance(
            &ep.base_url,
            &package,
            json!({"apiUrl": "https://ox.example/"}),
        )
        .await
        .unwrap();
    Fixture {
        sim,
        ep,
        package,
        instance,
    }
}

pub async fn fixture() -> Fixture {
    fixture_with(fast_config()).await
}

/// A REST client of the simulator presenting `identity`, verifying the simulator's server
/// certificate against its CA.
pub fn rest(sim: &SimHandle, identity: Option<&Identity>) -> reqwest::Client {
    http_client(
        identity,
        &ServerTrust::CaPem(sim.ca_pem()),
        Duration::from_secs(10),
    )
    .unwrap()
}

pub fn url(sim: &SimHandle, path: &str) -> String {
    format!("{}{}", sim.rest_base_url(), path.trim_start_matches('/'))
}

/// An account, subscription and tenant provisioned through the endpoint.
pub async fn tenant(f: &Fixture) -> (String, String, String) {
    let account = f
        .sim
        .create_account(apsc_sim::AccountSpec::new("ACME"))
        .unwrap();
    let account = account.id().unwrap().to_owned();
    let sub = f
        .sim
        .create_subscription(&account, apsc_sim::SubscriptionSpec::new("OX", 7))
        .unwrap();
    let sub = sub.id().unwrap().to_owned();
    let tenant = f
        .sim
        .provision(&f.instance.id, "tenant", json!({"account": {"aps": {"id": account}}, "subscription": {"aps": {"id": sub}}, "name": "acme"}))
        .await
        .unwrap();
    (account, sub, tenant.id().unwrap().to_owned())
}
