//! OX Display advertisement configuration: admin REST API, resolution through the
//! UI's HTTP API, previews, cache, reload and `removeadvertisementconfigs`.

mod remove;
mod resolve;
mod rest;

use std::path::PathBuf;

use ox_sim::SimConfig;
use serde_json::{Value, json};

use crate::common::*;

pub const REST_LOGIN: &str = "restuser";
pub const REST_PW: &str = "restpw";

/// A running sim with the REST API enabled, an optional properties file and a
/// database URL (a fresh SQLite file unless given).
pub struct Ad {
    pub t: T,
    pub props: PathBuf,
    pub db_url: String,
    _dir: tempfile::TempDir,
}

impl Ad {
    /// `props` None: no `--ads-config` (feature off).
    pub async fn start(props: Option<&str>) -> Ad {
        Self::start_with(props, None).await
    }

    pub async fn start_with(props: Option<&str>, db_url: Option<String>) -> Ad {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("advertisement.properties");
        let db_url = db_url.unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", dir.path().join("sim.db").display())
        });
        let mut cfg = SimConfig::for_test(MASTER_PW);
        cfg.rest_login = REST_LOGIN.into();
        cfg.rest_password = REST_PW.into();
        cfg.db_url = db_url.clone();
        if let Some(p) = props {
            std::fs::write(&path, p).unwrap();
            cfg.ads_config = Some(path.clone());
        }
        Ad {
            t: T::with(cfg).await,
            props: path,
            db_url,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.t.sim.base_url())
    }

    /// A REST call with the right credentials; `body` None sends no body (DELETE).
    pub async fn rest(&self, method: &str, path_query: &str, body: Option<&str>) -> (u16, String) {
        self.rest_as(method, path_query, body, Some((REST_LOGIN, REST_PW)))
            .await
    }

    pub async fn rest_as(
        &self,
        method: &str,
        path_query: &str,
        body: Option<&str>,
        creds: Option<(&str, &str)>,
    ) -> (u16, String) {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self
            .t
            .http
            .request(m, self.url(&format!("/advertisement/v1{path_query}")));
        if let Some((l, p)) = creds {
            rb = rb.basic_auth(l, Some(p));
        }
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = rb.send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }

    /// Sets (reseller, package) and asserts the status.
    pub async fn put_package(&self, reseller: &str, package: &str, config: Value, status: u16) {
        let (s, b) = self
            .rest(
                "PUT",
                &format!("/config/package?reseller={reseller}&package={package}"),
                Some(&config.to_string()),
            )
            .await;
        assert_eq!(s, status, "{reseller}/{package}: {b}");
    }

    /// Logs in (form POST) and returns the session id.
    pub async fn login(&self, name: &str, password: &str) -> String {
        let r: Value = self
            .t
            .http
            .post(self.url("/ajax/login?action=login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("name", name)
                    .append_pair("password", password)
                    .finish(),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["session"]
            .as_str()
            .unwrap_or_else(|| panic!("login {name}: {r}"))
            .to_string()
    }

    /// `GET /ajax/advertisement?action=get` for a session: the whole envelope.
    pub async fn get(&self, session: &str) -> Value {
        self.t
            .http
            .get(self.url(&format!("/ajax/advertisement?action=get&session={session}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Logs in and returns what the user gets: `data`, or the error code.
    pub async fn served(&self, login: &str) -> Result<Value, String> {
        let s = self.login(login, "pw").await;
        let v = self.get(&s).await;
        match v.get("data") {
            Some(d) => Ok(d.clone()),
            None => Err(v["code"].as_str().unwrap_or("?").to_string()),
        }
    }

    pub async fn control(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .t
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn reload(&self) {
        let (s, b) = self.control("/__sim/reloadconfiguration", json!({})).await;
        assert_eq!(s, 200, "{b}");
    }

    /// Runs one SQL statement directly on the sim's database (behind its back).
    pub async fn sql(&self, stmt: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.db_url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(stmt.to_string()))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

/// Creates context `cid` (mapping `c<cid>.example`) with optional taxonomy types.
pub async fn context(t: &T, cid: i64, taxonomy: Option<&str>) {
    let attrs = taxonomy.map_or(String::new(), |ty| {
        format!(
            "<d:userAttributes><d:entries><d:key>taxonomy</d:key><d:value><d:entries>\
             <d:key>types</d:key><d:value>{ty}</d:value></d:entries></d:value></d:entries>\
             </d:userAttributes>"
        )
    });
    let admin = user_fields(
        &format!("admin{cid}"),
        "Admin",
        &format!("admin@c{cid}.example"),
    )
    .replace("<d:password>pw", "<d:password>adminpw");
    t.ok(
        "OXContextService",
        &format!(
            "<s:create><s:ctx><d:id>{cid}</d:id><d:loginMappings>c{cid}.example</d:loginMappings>\
             <d:maxQuota>100</d:maxQuota><d:name>ctx{cid}</d:name>{attrs}</s:ctx>\
             <s:admin_user>{admin}</s:admin_user>{}</s:create>",
            master()
        ),
    )
    .await;
}

/// Creates a user with a named access combination; password `pw`.
pub async fn user_with(t: &T, cid: i64, name: &str, combination: &str) -> i64 {
    t.ok(
        "OXUserService",
        &format!(
            "<s:createByModuleAccessName>{}<s:usrdata>{}</s:usrdata>\
             <s:access_combination_name>{combination}</s:access_combination_name>{}\
             </s:createByModuleAccessName>",
            ctx(cid),
            user_fields(
                name,
                &format!("{name} d"),
                &format!("{name}@c{cid}.example")
            ),
            admin(cid)
        ),
    )
    .await
    .ret_i64("id")
}

fn reseller_creds() -> String {
    format!(
        "<s:creds><r:login>oxadminmaster</r:login><r:password>{MASTER_PW}</r:password></s:creds>"
    )
}

/// Creates reseller subadmin `name` (password `rpw`).
pub async fn reseller(t: &T, name: &str) {
    t.ok(
        "OXResellerService",
        &format!(
            "<s:create><s:adm><rr:name>{name}</rr:name><rr:password>rpw</rr:password>\
             <rr:displayname>{name}</rr:displayname></s:adm>{}</s:create>",
            reseller_creds()
        ),
    )
    .await;
}

/// Deletes reseller subadmin `name`.
pub async fn delete_reseller(t: &T, name: &str) {
    t.ok(
        "OXResellerService",
        &format!(
            "<s:delete><s:adm><rr:name>{name}</rr:name></s:adm>{}</s:delete>",
            reseller_creds()
        ),
    )
    .await;
}

/// Creates context `cid` owned by reseller `owner` (mapping `c<cid>.example`).
pub async fn reseller_context(t: &T, cid: i64, owner: &str) {
    let admin = user_fields(
        &format!("admin{cid}"),
        "Admin",
        &format!("admin@c{cid}.example"),
    )
    .replace("<d:password>pw", "<d:password>adminpw");
    t.ok(
        "OXResellerContextService",
        &format!(
            "<s:create><s:ctx><d:id>{cid}</d:id><d:loginMappings>c{cid}.example</d:loginMappings>\
             <d:maxQuota>100</d:maxQuota><d:name>ctx{cid}</d:name></s:ctx>\
             <s:admin_user>{admin}</s:admin_user>{}</s:create>",
            auth(owner, "rpw")
        ),
    )
    .await;
}
