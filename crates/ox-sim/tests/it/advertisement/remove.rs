//! `ox-sim removeadvertisementconfigs`: every row of OX's behaviour table, through the
//! command-line tool against a running sim (SQLite; MariaDB when OXAPS_TEST_MYSQL_URL
//! is set).

use std::collections::BTreeSet;

use serde_json::json;
use sqlx::Row;

use super::*;

struct World {
    ad: Ad,
    act: String,
    gone: String,
    users: [(i64, i64); 2],
    cids: [i64; 2],
}

impl World {
    async fn new(db_url: Option<String>, base: i64) -> World {
        let ad = Ad::start_with(Some(""), db_url).await;
        let (act, gone) = (format!("act{base}"), format!("gone{base}"));
        reseller(&ad.t, &act).await;
        reseller(&ad.t, &gone).await;
        // The gone reseller existed and was deleted.
        delete_reseller(&ad.t, &gone).await;
        let (ca, cd) = (base + 1, base + 2);
        reseller_context(&ad.t, ca, &act).await;
        context(&ad.t, cd, None).await;
        let a = create_user(&ad.t, ca, "a").await;
        let d = create_user(&ad.t, cd, "d").await;
        World {
            ad,
            act,
            gone,
            users: [(ca, a), (cd, d)],
            cids: [ca, cd],
        }
    }

    async fn wipe(&self) {
        let (s, b) = self
            .ad
            .control(
                "/__sim/removeadvertisementconfigs",
                json!({"login": "oxadminmaster", "password": MASTER_PW}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }

    /// A package config and a preview (unmapped config) for each of act, gone, default.
    async fn seed(&self) {
        self.wipe().await;
        for r in [&self.act, &self.gone, &"default".to_string()] {
            self.ad.put_package(r, "p", json!({"r": r}), 201).await;
        }
        for (cid, uid) in self.users {
            let q = format!("/config/user?contextId={cid}&userId={uid}");
            assert_eq!(
                self.ad.rest("PUT", &q, Some("{\"preview\":true}")).await.0,
                201
            );
        }
        // A preview of the gone reseller (its contexts are gone as well).
        self.ad
            .sql(&format!(
                "INSERT INTO advertisement_config (reseller, config) VALUES ('{}', '{{}}')",
                self.gone
            ))
            .await;
        assert_eq!(self.state().await, self.all());
    }

    fn all(&self) -> BTreeSet<String> {
        [
            "act/p",
            "act/preview",
            "gone/p",
            "gone/preview",
            "default/p",
            "default/preview",
        ]
        .into_iter()
        .map(str::to_string)
        .collect()
    }

    /// What is stored, as `act|gone|default` / `package|preview`.
    async fn state(&self) -> BTreeSet<String> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.ad.db_url).await.unwrap();
        let rows = sqlx::query(
            "SELECT c.reseller, m.package FROM advertisement_config c \
             LEFT JOIN advertisement_mapping m ON m.configId = c.configId",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let dangling: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM advertisement_mapping m LEFT JOIN advertisement_config c \
             ON m.configId = c.configId WHERE c.configId IS NULL",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        assert_eq!(dangling.0, 0, "mappings without config");
        rows.iter()
            .map(|r| {
                let reseller: String = r.get(0);
                let pack: Option<String> = r.get(1);
                let who = if reseller == self.act {
                    "act"
                } else if reseller == self.gone {
                    "gone"
                } else {
                    "default"
                };
                format!("{who}/{}", pack.unwrap_or_else(|| "preview".into()))
            })
            .collect()
    }

    /// Runs the CLT with `args` after the admin options.
    async fn clt(&self, password: &str, args: &[&str]) -> bool {
        let port = self.ad.t.sim.addr().port().to_string();
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_ox-sim"))
            .args([
                "removeadvertisementconfigs",
                "-A",
                "oxadminmaster",
                "-P",
                password,
            ])
            .args(["-s", "127.0.0.1", "-p", &port, "--responsetimeout", "30"])
            .args(args)
            .output()
            .await
            .unwrap();
        out.status.success()
    }

    async fn row(&self, args: &[&str], removed: &[&str]) {
        self.seed().await;
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("ACT", &self.act).replace("GONE", &self.gone))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(self.clt(MASTER_PW, &args).await, "{args:?}");
        let mut want = self.all();
        for r in removed {
            want.remove(*r);
        }
        assert_eq!(self.state().await, want, "{args:?}");
    }

    async fn run_table(&self) {
        const ALL: &[&str] = &[
            "act/p",
            "act/preview",
            "gone/p",
            "gone/preview",
            "default/p",
            "default/preview",
        ];
        // reseller none, clean no: everything (includePreviews does not matter)
        self.row(&[], ALL).await;
        self.row(&["-i"], ALL).await;
        // none, clean, no previews: configs and mappings of inactive resellers
        self.row(&["-c"], &["gone/p", "gone/preview"]).await;
        // none, clean, previews: also every config without mapping
        self.row(
            &["--clean", "--includePreviews"],
            &["gone/p", "gone/preview", "act/preview", "default/preview"],
        )
        .await;
        // given, clean no: that reseller's configs and mappings
        self.row(&["-r", "ACT"], &["act/p", "act/preview"]).await;
        self.row(&["--reseller", "ACT", "-i"], &["act/p", "act/preview"])
            .await;
        self.row(&["-r", "default"], &["default/p", "default/preview"])
            .await;
        // given, clean, inactive: everything of it
        self.row(&["-r", "GONE", "-c"], &["gone/p", "gone/preview"])
            .await;
        self.row(&["-r", "GONE", "-c", "-i"], &["gone/p", "gone/preview"])
            .await;
        // given, clean, active: nothing without previews, its unmapped configs with
        self.row(&["-r", "ACT", "-c"], &[]).await;
        self.row(&["-r", "ACT", "-c", "-i"], &["act/preview"]).await;
        // "default" counts as active
        self.row(&["-r", "default", "-c"], &[]).await;
        self.row(&["-r", "default", "-c", "-i"], &["default/preview"])
            .await;

        // Wrong master credentials: refused, nothing removed.
        self.seed().await;
        assert!(!self.clt("wrong", &[]).await);
        assert_eq!(self.state().await, self.all());
        // Previews that were removed are no longer served (the pointer is dropped).
        self.row(
            &["-c", "-i"],
            &["gone/p", "gone/preview", "act/preview", "default/preview"],
        )
        .await;
        self.ad
            .put_package("default", "default", json!({"pkg": 1}), 201)
            .await;
        let login = format!("d@c{}.example", self.cids[1]);
        assert_eq!(self.ad.served(&login).await, Ok(json!({"pkg": 1})));
    }

    async fn cleanup(self) {
        self.wipe().await;
        for cid in self.cids {
            self.ad
                .t
                .ok(
                    "OXContextService",
                    &format!("<s:delete>{}{}</s:delete>", ctx(cid), master()),
                )
                .await;
        }
        delete_reseller(&self.ad.t, &self.act).await;
        self.ad.t.sim.shutdown().await;
    }
}

#[tokio::test]
async fn behaviour_table_sqlite() {
    let w = World::new(None, 100).await;
    w.run_table().await;
    w.cleanup().await;
}

#[tokio::test]
async fn behaviour_table_mysql() {
    let Ok(url) = std::env::var("OXAPS_TEST_MYSQL_URL") else {
        println!("skipped: OXAPS_TEST_MYSQL_URL not set");
        return;
    };
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_micros();
    let base = 3_000_000 + i64::from(micros % 1_000_000) * 4;
    let w = World::new(Some(url), base).await;
    w.run_table().await;
    w.cleanup().await;
}
