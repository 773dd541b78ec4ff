//! The request-scoped transaction: the only way request code reaches the database.
//!
//! Requests never run as the owner role. Each transaction switches to `anon` or
//! `authenticated` (NOLOGIN, no BYPASSRLS) and carries the caller's JWT claims, so Row
//! Level Security policies decide with `auth.uid()`/`auth.role()`/`auth.jwt()` whatever the
//! application code asks. Both settings are transaction-local and vanish at commit/rollback.

use serde_json::{Value, json};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// The database role a request runs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbRole {
    Anon,
    Authenticated,
    /// The identity service and mail drainer (sign-up, sign-in, refresh, outbox). Never a
    /// member's own data request: only `server::auth`, `server::mail` and identity services.
    AuthAdmin,
}

impl DbRole {
    pub fn as_str(self) -> &'static str {
        match self {
            DbRole::Anon => "anon",
            DbRole::Authenticated => "authenticated",
            DbRole::AuthAdmin => "auth_admin",
        }
    }
}

/// Who the request is, as the database will see it.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestClaims {
    pub role: DbRole,
    /// The JWT claims object (Supabase shape: sub, role, aal, session_id, ...).
    pub claims: Value,
}

impl RequestClaims {
    /// A signed-out visitor.
    pub fn anonymous() -> Self {
        Self {
            role: DbRole::Anon,
            claims: json!({ "role": "anon" }),
        }
    }

    /// The identity service acting on its own tables.
    pub fn auth_admin() -> Self {
        Self {
            role: DbRole::AuthAdmin,
            claims: json!({ "role": "auth_admin" }),
        }
    }
}

/// Begins a transaction running as the request's role with its claims set.
#[tracing::instrument(skip_all, fields(role = who.role.as_str()))]
pub async fn begin(
    pool: &PgPool,
    who: &RequestClaims,
) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    act_as(&mut tx, who).await?;
    Ok(tx)
}

/// Makes the rest of an open transaction run as `who` (role and claims), until it ends or
/// another call: how a request's transaction starts, and how a job that acts for several
/// members in one transaction reads each one's rows under their own policies.
pub async fn act_as(conn: &mut PgConnection, who: &RequestClaims) -> Result<(), sqlx::Error> {
    // One round trip: `set_config('role', ..., true)` is `SET LOCAL ROLE`. JIT is off for
    // request work: its queries take milliseconds, and a plan whose cost is overestimated
    // (a branch that never runs) was JIT-compiled for 250 ms before running for 2.
    sqlx::query(
        "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
                set_config('jit', 'off', true)",
    )
    .bind(who.role.as_str())
    .bind(who.claims.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Switches an open request transaction to the identity service's role, after the member's
/// own changes ran under RLS, so the audit row commits (or not) together with them.
pub async fn switch_to_service(tx: &mut Transaction<'static, Postgres>) -> Result<(), sqlx::Error> {
    sqlx::query("select set_config('role', 'auth_admin', true)")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Switches an open request transaction back to the signed-in member's role (its claims are
/// still set), after the service took a lock or read what members may not, so the member's
/// own change runs under their RLS policies.
pub async fn switch_to_member(tx: &mut Transaction<'static, Postgres>) -> Result<(), sqlx::Error> {
    sqlx::query("select set_config('role', 'authenticated', true)")
        .execute(&mut **tx)
        .await?;
    Ok(())
}
