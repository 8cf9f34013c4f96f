//! Helpers: start ox-sim in-process, send raw SOAP envelopes, read replies.

use ox_sim::soap::envelope::{Node, parse_document};
use ox_sim::{OxSim, OxSimHandle, SimConfig};

pub const MASTER_PW: &str = "secret";
pub const CORE: &str = "http://soap.admin.openexchange.com";
pub const RESELLER: &str = "http://soap.reseller.admin.openexchange.com";

pub struct T {
    pub sim: OxSimHandle,
    pub http: reqwest::Client,
}

pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client")
}

impl T {
    pub async fn new() -> T {
        Self::with(SimConfig::for_test(MASTER_PW)).await
    }

    pub async fn with(cfg: SimConfig) -> T {
        let sim = OxSim::start(cfg).await.expect("start ox-sim");
        T {
            sim,
            http: http_client(),
        }
    }

    pub fn url(&self, service: &str) -> String {
        format!("{}/webservices/{service}", self.sim.base_url())
    }

    /// POSTs a raw body.
    pub async fn post(&self, service: &str, body: String) -> Reply {
        let r = self
            .http
            .post(self.url(service))
            .header("content-type", "text/xml; charset=UTF-8")
            .header("SOAPAction", "\"whatever\"")
            .body(body)
            .send()
            .await
            .expect("send");
        let status = r.status().as_u16();
        let body = r.text().await.expect("body");
        Reply::new(status, body)
    }

    /// Calls `op_inner` (a complete wrapper element using prefixes s, d, r, rr, rd).
    pub async fn call(&self, service: &str, op_inner: &str) -> Reply {
        let ns = if service.starts_with("OXReseller") {
            RESELLER
        } else {
            CORE
        };
        self.post(service, envelope(ns, op_inner)).await
    }

    /// Like `call` but panics on a fault.
    pub async fn ok(&self, service: &str, op_inner: &str) -> Reply {
        let r = self.call(service, op_inner).await;
        assert_eq!(r.status, 200, "{service}: {}", r.body);
        r
    }

    /// Like `call` but expects a fault and returns its faultstring without the id.
    pub async fn fault(&self, service: &str, op_inner: &str) -> String {
        let r = self.call(service, op_inner).await;
        assert_eq!(r.status, 500, "expected fault from {service}: {}", r.body);
        r.message()
    }
}

pub fn envelope(ns: &str, inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="{ns}"
 xmlns:d="http://dataobjects.soap.admin.openexchange.com/xsd"
 xmlns:r="http://dataobjects.rmi.admin.openexchange.com/xsd"
 xmlns:rr="http://dataobjects.rmi.reseller.admin.openexchange.com/xsd"
 xmlns:rd="http://dataobjects.soap.reseller.admin.openexchange.com/xsd"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<soapenv:Header/><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>"#
    )
}

pub fn auth(login: &str, pw: &str) -> String {
    format!("<s:auth><r:login>{login}</r:login><r:password>{pw}</r:password></s:auth>")
}

pub fn master() -> String {
    auth("oxadminmaster", MASTER_PW)
}

pub fn admin(cid: i64) -> String {
    auth(&format!("admin{cid}"), "adminpw")
}

pub fn ctx(id: i64) -> String {
    format!("<s:ctx><d:id>{id}</d:id></s:ctx>")
}

/// User fields for `<s:usrdata>` / `<s:admin_user>`.
pub fn user_fields(name: &str, display: &str, mail: &str) -> String {
    format!(
        "<d:display_name>{display}</d:display_name><d:email1>{mail}</d:email1>\
         <d:given_name>G</d:given_name><d:name>{name}</d:name><d:password>pw</d:password>\
         <d:primaryEmail>{mail}</d:primaryEmail><d:sur_name>S</d:sur_name>"
    )
}

/// Creates context `id` (admin `admin<id>` / `adminpw`) as the master admin.
pub async fn create_context(t: &T, id: i64) -> Reply {
    let admin = format!(
        "<d:display_name>Admin {id}</d:display_name><d:email1>admin@c{id}.example</d:email1>\
         <d:given_name>A</d:given_name><d:name>admin{id}</d:name><d:password>adminpw</d:password>\
         <d:primaryEmail>admin@c{id}.example</d:primaryEmail><d:sur_name>B</d:sur_name>"
    );
    t.ok(
        "OXContextService",
        &format!(
            "<s:create><s:ctx><d:id>{id}</d:id><d:loginMappings>c{id}.example</d:loginMappings>\
             <d:maxQuota>1000</d:maxQuota><d:name>ctx{id}</d:name></s:ctx>\
             <s:admin_user>{admin}</s:admin_user>{}</s:create>",
            master()
        ),
    )
    .await
}

/// Creates a user as the context admin and returns its id.
pub async fn create_user(t: &T, cid: i64, name: &str) -> i64 {
    let r = t
        .ok(
            "OXUserService",
            &format!(
                "<s:create>{}<s:usrdata>{}</s:usrdata>{}</s:create>",
                ctx(cid),
                user_fields(
                    name,
                    &format!("{name} display"),
                    &format!("{name}@c{cid}.example")
                ),
                admin(cid)
            ),
        )
        .await;
    r.ret_i64("id")
}

pub struct Reply {
    pub status: u16,
    pub body: String,
    pub root: Node,
}

impl Reply {
    pub fn new(status: u16, body: String) -> Reply {
        let root = parse_document(&body).unwrap_or_default();
        Reply { status, body, root }
    }

    pub fn body_node(&self) -> &Node {
        self.root.child("Body").expect("soap body")
    }

    /// The response wrapper (`<op>Response`).
    pub fn wrapper(&self) -> &Node {
        self.body_node().children.first().expect("response wrapper")
    }

    pub fn returns(&self) -> Vec<&Node> {
        self.wrapper().children_named("return").collect()
    }

    pub fn ret(&self) -> &Node {
        self.wrapper().child("return").expect("return element")
    }

    pub fn ret_text(&self, field: &str) -> String {
        self.ret()
            .child(field)
            .map(|n| n.text.clone())
            .unwrap_or_else(|| panic!("no {field} in {}", self.body))
    }

    pub fn ret_i64(&self, field: &str) -> i64 {
        self.ret_text(field).parse().expect("number")
    }

    pub fn ret_values(&self, field: &str) -> Vec<String> {
        self.ret()
            .children_named(field)
            .map(|n| n.text.clone())
            .collect()
    }

    pub fn fault_node(&self) -> &Node {
        self.body_node().child("Fault").expect("fault")
    }

    /// faultstring without `; exceptionId ...`.
    pub fn message(&self) -> String {
        let s = self
            .fault_node()
            .child("faultstring")
            .expect("faultstring")
            .text
            .clone();
        match s.split_once("; exceptionId ") {
            Some((m, _)) => m.to_string(),
            None => s,
        }
    }

    pub fn faultstring(&self) -> String {
        self.fault_node()
            .child("faultstring")
            .expect("faultstring")
            .text
            .clone()
    }

    /// Local name of the first element inside `<detail>`.
    pub fn detail_name(&self) -> String {
        self.fault_node()
            .child("detail")
            .and_then(|d| d.children.first())
            .map(|n| n.local.clone())
            .unwrap_or_default()
    }
}
