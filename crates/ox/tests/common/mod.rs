//! Test helpers: a local HTTP server that records requests and plays back scripted replies,
//! and envelopes in the shapes OX (CXF) produces.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use ox::{OxClient, OxConfig, RetryPolicy};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub soap_action: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

#[derive(Default)]
struct State {
    seen: Mutex<Vec<Seen>>,
    replies: Mutex<VecDeque<(u16, String)>>,
    hits: AtomicUsize,
}

/// A recording SOAP server on 127.0.0.1.
#[derive(Clone)]
pub struct Server {
    pub base: String,
    state: Arc<State>,
}

impl Server {
    pub async fn start() -> Server {
        let state = Arc::new(State::default());
        let st = state.clone();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let st = st.clone();
            async move {
                st.hits.fetch_add(1, Ordering::SeqCst);
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                st.seen.lock().unwrap().push(Seen {
                    path: uri.path().to_owned(),
                    soap_action: header("soapaction"),
                    content_type: header("content-type"),
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                let (status, body) = {
                    let mut replies = st.replies.lock().unwrap();
                    if replies.len() > 1 {
                        replies.pop_front()
                    } else {
                        replies.front().cloned()
                    }
                }
                .unwrap_or((200, String::new()));
                let status = StatusCode::from_u16(status).unwrap();
                (status, [("content-type", "text/xml;charset=UTF-8")], body).into_response()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Server { base, state }
    }

    /// Replies with these (status, body) pairs in turn; the last one repeats.
    pub fn script(&self, replies: &[(u16, &str)]) {
        let mut q = self.state.replies.lock().unwrap();
        q.clear();
        q.extend(replies.iter().map(|(s, b)| (*s, (*b).to_owned())));
    }

    /// Replies with this body (status 200) from now on.
    pub fn reply(&self, body: &str) {
        self.script(&[(200, body)]);
    }

    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    pub fn reset_hits(&self) {
        self.state.hits.store(0, Ordering::SeqCst);
    }

    pub fn last(&self) -> Seen {
        self.state
            .seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("no request seen")
    }

    pub fn client(&self) -> OxClient {
        client(&self.base, RetryPolicy::none())
    }
}

pub fn client(base: &str, retry: RetryPolicy) -> OxClient {
    let mut cfg = OxConfig::new(base);
    cfg.retry = retry;
    cfg.timeout = Duration::from_secs(10);
    OxClient::new(cfg).unwrap()
}

/// A fast retry policy for tests.
pub fn quick_retry(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
    }
}

const ENV_OPEN: &str =
    r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#;
const ENV_CLOSE: &str = "</soap:Body></soap:Envelope>";

/// `<{op}Response>` in CXF's shape (default namespace, `ns2` for data objects) with one
/// `<return>` per item.
pub fn returns(op: &str, items: &[&str]) -> String {
    let rets: String = items
        .iter()
        .map(|i| format!("<return>{i}</return>"))
        .collect();
    format!(
        "{ENV_OPEN}<{op}Response xmlns:ns2=\"http://dataobjects.soap.admin.openexchange.com/xsd\" \
         xmlns:ns3=\"http://dataobjects.rmi.admin.openexchange.com/xsd\" \
         xmlns=\"http://soap.admin.openexchange.com\">{rets}</{op}Response>{ENV_CLOSE}"
    )
}

/// An empty `<{op}Response/>` (void operation).
pub fn void(op: &str) -> String {
    format!("{ENV_OPEN}<{op}Response xmlns=\"http://soap.admin.openexchange.com\"/>{ENV_CLOSE}")
}

/// A fault in the shape OX sends: faultcode soap:Server, faultstring with exceptionId, and a
/// detail element named after the exception wrapping the exception type.
pub fn fault(message: &str, exception: Option<&str>) -> String {
    let detail = exception
        .map(|e| {
            format!(
                "<detail><{e} xmlns:ns5=\"http://exceptions.rmi.admin.openexchange.com/xsd\" \
                 xmlns=\"http://soap.admin.openexchange.com\"><{e}>\
                 <Exception xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"></Exception>\
                 </{e}></{e}></detail>"
            )
        })
        .unwrap_or_default();
    format!(
        "{ENV_OPEN}<soap:Fault><faultcode>soap:Server</faultcode>\
         <faultstring>{message}; exceptionId -225208343-74</faultstring>{detail}</soap:Fault>{ENV_CLOSE}"
    )
}
