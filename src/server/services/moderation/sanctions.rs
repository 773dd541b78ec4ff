//! Sanctions on a member: warn, silence, suspend, ban, lift, purge (migration 0025). Each is
//! one call of a database function as the caller, which guards (site staff only; never
//! themselves, never an admin, a moderator only by an admin), records, logs and tells the
//! member in one transaction. The member acknowledges a warning the same way.

use super::{reason, refusal};
use crate::{
    domain::{
        AppError,
        identity::validate::normalize_handle,
        sanction::{SanctionKind, SanctionRecord, Standing, utc_label},
    },
    server::services::{
        community::rows::date_label,
        context::{ServiceContext, Tx},
        identity::sessions::StandingRow,
    },
};
use time::OffsetDateTime;
use uuid::Uuid;

/// The member with `handle`, read as the caller (profiles are public).
async fn member_id(tx: &mut Tx, handle: &str) -> Result<Uuid, AppError> {
    let id: Option<Uuid> = sqlx::query_scalar("select user_id from app.profiles where handle = $1")
        .bind(normalize_handle(handle))
        .fetch_optional(&mut **tx)
        .await?;
    id.ok_or(AppError::NotFound)
}

/// The period a form asked for, checked before the database sees it: silence and suspend
/// need one, a ban may have one, a warning never does.
pub fn period(kind: SanctionKind, days: &str) -> Result<Option<i32>, AppError> {
    let days = days.trim();
    if kind == SanctionKind::Warn || (kind == SanctionKind::Ban && days.is_empty()) {
        return Ok(None);
    }
    match days.parse::<i32>() {
        Ok(days) if (1..=3650).contains(&days) => Ok(Some(days)),
        _ => Err(AppError::BadRequest(
            "Please give the period as a number of days, from 1 to 3650 (a ban may leave it empty: for good)."
                .into(),
        )),
    }
}

/// Sanctions the member with `handle`. Returns the sanction's id.
#[tracing::instrument(skip(ctx, why))]
pub async fn sanction(
    ctx: &ServiceContext,
    handle: &str,
    kind: SanctionKind,
    days: Option<i32>,
    why: &str,
) -> Result<i64, AppError> {
    ctx.member()?;
    let why = reason(why)?;
    crate::as_caller!(ctx, |tx| {
        let member = member_id(tx, handle).await?;
        sqlx::query_scalar::<_, i64>("select app.sanction($1, $2, $3, $4)")
            .bind(member)
            .bind(kind.as_str())
            .bind(&why)
            .bind(days)
            .fetch_one(&mut **tx)
            .await
            .map_err(refusal)
    })
    .await
}

/// Lifts a sanction before its end (or withdraws a warning).
#[tracing::instrument(skip(ctx, why))]
pub async fn lift(ctx: &ServiceContext, id: i64, why: &str) -> Result<(), AppError> {
    ctx.member()?;
    let why = reason(why)?;
    crate::as_caller!(ctx, |tx| {
        sqlx::query_scalar::<_, i64>("select app.lift_sanction($1, $2)")
            .bind(id)
            .bind(&why)
            .fetch_one(&mut **tx)
            .await
            .map_err(refusal)
    })
    .await?;
    Ok(())
}

/// Removes everything the member with `handle` wrote and bans them for good: a spam
/// account, in one decision. Returns how many posts and replies went.
#[tracing::instrument(skip(ctx, why))]
pub async fn purge(ctx: &ServiceContext, handle: &str, why: &str) -> Result<(), AppError> {
    ctx.member()?;
    let why = reason(why)?;
    crate::as_caller!(ctx, |tx| {
        let member = member_id(tx, handle).await?;
        sqlx::query_scalar::<_, i64>("select app.purge_member($1, $2)")
            .bind(member)
            .bind(&why)
            .fetch_one(&mut **tx)
            .await
            .map_err(refusal)
    })
    .await?;
    Ok(())
}

/// The member has read warning `id`: it stops showing. Returns their standing now, for the
/// fresh access token.
#[tracing::instrument(skip(ctx))]
pub async fn acknowledge(ctx: &ServiceContext, id: i64) -> Result<Option<Standing>, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| {
        let done: bool = sqlx::query_scalar("select app.acknowledge_warning($1)")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        if !done {
            return Err(AppError::NotFound);
        }
        let row: Option<StandingRow> = sqlx::query_as(
            "select id as standing_id, kind as standing_kind, ends_at as standing_ends,
                    reason as standing_reason
               from app.my_standing()",
        )
        .fetch_optional(&mut **tx)
        .await?;
        Ok::<_, AppError>(row.and_then(StandingRow::into_standing))
    })
    .await
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: i64,
    kind: String,
    reason: String,
    starts_at: OffsetDateTime,
    ends_at: Option<OffsetDateTime>,
    actor: Option<String>,
    lifted_at: Option<OffsetDateTime>,
    lifted_by: Option<String>,
    lift_reason: Option<String>,
    acknowledged_at: Option<OffsetDateTime>,
}

/// A member's sanctions, newest first, as site staff read them (with who decided); empty for
/// anyone else (the function answers staff only).
#[tracing::instrument(skip(ctx))]
pub async fn history(ctx: &ServiceContext, member: Uuid) -> Result<Vec<SanctionRecord>, AppError> {
    let now = ctx.now();
    let rows: Vec<HistoryRow> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as("select * from app.sanction_history($1)")
            .bind(member)
            .fetch_all(&mut **tx)
            .await
            .map_err(AppError::from)
    })
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let kind = SanctionKind::parse(&row.kind)?;
            let ended = row.ends_at.is_some_and(|end| end <= now);
            let state_label = match (&row.lifted_at, &row.lifted_by) {
                (Some(at), by) => format!(
                    "lifted {}{}: {}",
                    date_label(*at),
                    by.as_ref()
                        .map(|by| format!(" by @{by}"))
                        .unwrap_or_default(),
                    row.lift_reason.clone().unwrap_or_default()
                ),
                (None, _) if ended => "ended".to_owned(),
                (None, _) if kind == SanctionKind::Warn => match row.acknowledged_at {
                    Some(at) => format!("read by the member {}", date_label(at)),
                    None => "not read yet".to_owned(),
                },
                (None, _) => "in force".to_owned(),
            };
            Some(SanctionRecord {
                id: row.id,
                kind,
                reason: row.reason,
                starts_label: date_label(row.starts_at),
                period_label: match (kind, row.ends_at) {
                    (SanctionKind::Warn, _) => String::new(),
                    (_, Some(end)) => format!("until {}", utc_label(end.unix_timestamp())),
                    (_, None) => "for good".to_owned(),
                },
                actor: row.actor,
                liftable: row.lifted_at.is_none() && !ended,
                state_label,
            })
        })
        .collect())
}
