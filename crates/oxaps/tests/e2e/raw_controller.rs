//! A minimal stand-in for the controller built from raw parts (rcgen certificates and reqwest), so
//! the wire rules are checked independently of apsc-sim.

use aps::pem::Identity;
use aps::tls::{ServerTrust, client_config};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn identity(cn: &str) -> Identity {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec![cn.into()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let cert = params.self_signed(&key).unwrap();
    Identity {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    }
}

fn client(id: Option<&Identity>) -> reqwest::Client {
    reqwest::Client::builder()
        .use_preconfigured_tls(client_config(id, &ServerTrust::Any).unwrap())
        .build()
        .unwrap()
}

/// The controller's and one instance's certificates, and clients with and without them.
pub struct RawController {
    pub controller: Identity,
    pub instance: Identity,
    pub instance_id: String,
    pub controller_uri: String,
    with_cert: reqwest::Client,
    other_cert: reqwest::Client,
    no_cert: reqwest::Client,
}

/// Which TLS client certificate a request presents.
#[derive(Clone, Copy)]
pub enum Cert {
    Controller,
    Other,
    None,
}

/// An answer: status and JSON body (Null when empty).
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl RawController {
    pub fn new() -> Self {
        let controller = identity("apsc");
        let other = identity("intruder");
        RawController {
            with_cert: client(Some(&controller)),
            other_cert: client(Some(&other)),
            no_cert: client(None),
            controller,
            instance: identity("instance"),
            instance_id: uuid::Uuid::new_v4().to_string(),
            controller_uri: "https://127.0.0.1:1/".into(),
        }
    }

    /// The installation body: settings plus the x509 block.
    pub fn install_body(&self) -> Value {
        json!({
            "aps": {
                "id": self.instance_id,
                "type": "http://oxaps.org/types/globals/1.0",
                "status": "aps:provisioning",
                "x509": {"self": format!("{}{}", self.instance.cert_pem, self.instance.key_pem), "controller": self.controller.cert_pem}
            },
            "webmailUrl": "https://webmail.example.com",
            "vendorExtension": {"kept": true}
        })
    }

    /// Sends a request with the APS headers (`headers` adds or, with an empty value, removes).
    pub async fn send(
        &self,
        cert: Cert,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let client = match cert {
            Cert::Controller => &self.with_cert,
            Cert::Other => &self.other_cert,
            Cert::None => &self.no_cert,
        };
        let mut base: Vec<(String, String)> = vec![
            ("APS-Instance-ID".into(), self.instance_id.clone()),
            ("APS-Controller-URI".into(), self.controller_uri.clone()),
            (
                "APS-Transaction-ID".into(),
                uuid::Uuid::new_v4().to_string(),
            ),
            ("APS-Request-Phase".into(), "sync".into()),
        ];
        for (k, v) in headers {
            base.retain(|(bk, _)| !bk.eq_ignore_ascii_case(k));
            if !v.is_empty() {
                base.push((k.to_string(), v.to_string()));
            }
        }
        let mut req = client.request(method, url);
        for (k, v) in base {
            req = req.header(k, v);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn json(&self, method: Method, url: &str, body: &Value) -> Answer {
        self.send(
            Cert::Controller,
            method,
            url,
            Some(serde_json::to_vec(body).unwrap()),
            &[],
        )
        .await
    }

    pub async fn get(&self, url: &str) -> Answer {
        self.send(Cert::Controller, Method::GET, url, None, &[])
            .await
    }
}
