//! A member's own signed-in devices, listed and revoked as `authenticated`: RLS limits both
//! to their own sessions, whatever id a request names.

use crate::server::services::context::ServiceContext;
use crate::{
    domain::{AppError, SessionSummary},
    server::{
        auth::audit::{self, AuthEvent, Origin},
        db::scoped,
    },
};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

#[tracing::instrument(skip_all)]
pub async fn list(ctx: &ServiceContext) -> Result<Vec<SessionSummary>, AppError> {
    let session = ctx.member()?;
    let mut tx = ctx.begin().await?;
    let rows: Vec<DeviceRow> = sqlx::query_as(
        "select id, user_agent, host(ip) as ip, created_at, last_seen_at from auth.sessions
              where revoked_at is null order by last_seen_at desc limit 100",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|row| SessionSummary {
            id: row.id.to_string(),
            device: describe_device(&row.user_agent),
            ip: row.ip.unwrap_or_default(),
            created_at: row.created_at.format(&Rfc3339).unwrap_or_default(),
            last_seen_at: row.last_seen_at.format(&Rfc3339).unwrap_or_default(),
            current: row.id == session.session_id,
        })
        .collect())
}

/// One live session of the caller's, as the devices list shows it.
#[derive(sqlx::FromRow)]
struct DeviceRow {
    id: Uuid,
    user_agent: String,
    /// Without the prefix length; `None` when the session was made without an address.
    ip: Option<String>,
    created_at: time::OffsetDateTime,
    last_seen_at: time::OffsetDateTime,
}

/// Which sessions to end.
#[derive(Clone, Copy, Debug)]
pub enum Revoke {
    One(Uuid),
    AllOthers,
    All,
}

/// Ends sessions; returns how many. Another member's session id simply matches nothing.
#[tracing::instrument(skip(ctx, origin))]
pub async fn revoke(ctx: &ServiceContext, which: Revoke, origin: &Origin) -> Result<u64, AppError> {
    let session = ctx.member()?;
    let mut tx = ctx.begin().await?;
    let (one, keep) = match which {
        Revoke::One(id) => (Some(id), None),
        Revoke::AllOthers => (None, Some(session.session_id)),
        Revoke::All => (None, None),
    };
    let done = sqlx::query(
        "update auth.sessions set revoked_at = now(), revoked_reason = 'revoked_by_member'
          where revoked_at is null
            and ($1::uuid is null or id = $1)
            and ($2::uuid is null or id <> $2)",
    )
    .bind(one)
    .bind(keep)
    .execute(&mut *tx)
    .await?;
    scoped::switch_to_service(&mut tx).await?;
    audit::record(
        &mut tx,
        AuthEvent::SessionRevoked,
        Some(session.user_id),
        Some(session.user_id),
        origin,
        json!({ "which": format!("{which:?}"), "count": done.rows_affected() }),
    )
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// "Firefox on Linux" from a user agent, good enough to recognise one's own devices.
pub fn describe_device(agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| agent.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| agent.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) if agent.is_empty() => "Unknown device".to_owned(),
        (None, None) => agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn devices_are_named_plainly() {
        assert_eq!(
            describe_device(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
            ),
            "Chrome on Linux"
        );
        assert_eq!(describe_device(""), "Unknown device");
    }
}
