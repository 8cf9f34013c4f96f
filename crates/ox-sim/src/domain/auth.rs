//! Who may call what, following OX's BasicAuthenticator and the reseller plugin:
//! the master admin for contexts and OXResellerService; the context admin for users,
//! groups and resources; reseller subadmins for the contexts they own; the master
//! admin in every context with MASTER_ACCOUNT_OVERRIDE.

use sqlx::AnyConnection;

use super::Sim;
use super::args::{Obj, i, s};
use crate::config::Credentials;
use crate::error::{Exception, OxError, OxResult};
use crate::model::{ContextRow, ResellerRow, password_matches};
use crate::schema::Family;
use crate::store::{contexts, resellers, users};

/// The caller of a context-level operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Actor {
    /// The context admin (user id).
    Admin(i64),
    /// A normal user of the context (only where OX allows self-service).
    User(i64),
    /// The master admin (override enabled).
    Master,
    /// The reseller subadmin owning the context.
    Reseller(i64),
}

/// The caller of a context or reseller management operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Caller {
    /// The master admin.
    Master,
    /// A reseller subadmin.
    Reseller(ResellerRow),
}

impl Caller {
    /// Owner id for contexts this caller creates or sees (None = all).
    pub fn owner_filter(&self) -> Option<i64> {
        match self {
            Caller::Master => None,
            Caller::Reseller(r) => Some(r.id),
        }
    }
}

fn eq_ct(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Sim {
    /// Whether the credentials are the master admin's.
    pub fn is_master(&self, c: &Credentials) -> bool {
        eq_ct(&c.login, &self.cfg.master.login) && eq_ct(&c.password, &self.cfg.master.password)
    }

    /// Master admin only.
    pub fn require_master(&self, c: &Credentials) -> OxResult<()> {
        if self.is_master(c) {
            Ok(())
        } else {
            tracing::info!(login = %c.login, "master authentication failed");
            Err(OxError::auth_failed())
        }
    }

    /// Master admin or an authenticated reseller subadmin.
    pub async fn reseller_caller(
        &self,
        conn: &mut AnyConnection,
        c: &Credentials,
    ) -> OxResult<Caller> {
        if self.is_master(c) {
            return Ok(Caller::Master);
        }
        match resellers::by_name(conn, &c.login).await? {
            Some(r) if password_matches(&c.password, &r.password_hash) => Ok(Caller::Reseller(r)),
            _ => {
                tracing::info!(login = %c.login, "reseller authentication failed");
                Err(OxError::auth_failed())
            }
        }
    }

    /// The caller of a context management operation: master for core services,
    /// master or subadmin for the reseller services.
    pub async fn context_caller(
        &self,
        conn: &mut AnyConnection,
        family: Family,
        c: &Credentials,
    ) -> OxResult<Caller> {
        match family {
            Family::Core => self.require_master(c).map(|()| Caller::Master),
            Family::Reseller => self.reseller_caller(conn, c).await,
        }
    }

    /// Loads the context of a context-level call (by id, else by name) and
    /// authenticates the caller. Like OX, an unknown context fails authentication.
    pub async fn context_actor(
        &self,
        conn: &mut AnyConnection,
        family: Family,
        ctx: Option<&Obj>,
        c: &Credentials,
        allow_users: bool,
    ) -> OxResult<(ContextRow, Actor)> {
        let ctx = ctx.ok_or_else(|| OxError::invalid("Client sent invalid context data object"))?;
        let id = match (i(ctx, "id"), s(ctx, "name")) {
            (Some(id), _) => Some(id),
            (None, Some(name)) => contexts::id_by_name(conn, name).await?,
            (None, None) => {
                return Err(OxError::invalid("Client sent invalid context data object"));
            }
        };
        let row = match id {
            Some(id) => contexts::get(conn, id).await?,
            None => None,
        };
        let Some(row) = row else {
            tracing::info!(login = %c.login, "authentication against unknown context");
            return Err(OxError::auth_failed());
        };
        if let Some(uid) = users::id_by_name(conn, row.id, &c.login).await?
            && let Some(u) = users::get(conn, row.id, uid).await?
            && password_matches(&c.password, &u.password_hash)
        {
            if u.is_admin {
                return Ok((row, Actor::Admin(u.id)));
            }
            if allow_users {
                return Ok((row, Actor::User(u.id)));
            }
        }
        if self.is_master(c) && self.cfg.master_account_override {
            return Ok((row, Actor::Master));
        }
        if (family == Family::Reseller || self.cfg.master_account_override)
            && let Some(r) = resellers::by_name(conn, &c.login).await?
            && password_matches(&c.password, &r.password_hash)
        {
            if r.id == row.owner_id {
                return Ok((row, Actor::Reseller(r.id)));
            }
            return Err(OxError::new(
                Exception::InvalidCredentials,
                format!("ContextID {} does not belong to {}", row.id, r.name),
            ));
        }
        tracing::info!(login = %c.login, context = row.id, "context authentication failed");
        Err(OxError::auth_failed())
    }
}

/// Checks that a reseller caller may see a context.
pub fn check_owner(caller: &Caller, ctx: &ContextRow) -> OxResult<()> {
    match caller {
        Caller::Master => Ok(()),
        Caller::Reseller(r) if r.id == ctx.owner_id => Ok(()),
        Caller::Reseller(r) => Err(OxError::new(
            Exception::InvalidCredentials,
            format!("ContextID {} does not belong to {}", ctx.id, r.name),
        )),
    }
}
