//! Staff notes on a member: read and written by site staff only (Row Level Security on
//! `app.staff_notes`, migration 0024); never edited or deleted.

use crate::{
    domain::{
        AppError,
        identity::validate::normalize_handle,
        moderation::{STAFF_NOTE_MAX, StaffNote},
    },
    server::services::{
        community::rows::{date_label, rfc3339},
        context::ServiceContext,
    },
};
use time::OffsetDateTime;
use uuid::Uuid;

/// Notes shown per member, newest first.
const NOTES_SHOWN: i64 = 50;

/// The notes about the member with `handle`, newest first; `None` for anyone who is not
/// site staff in this session (the page then shows nothing at all).
#[tracing::instrument(skip(ctx))]
pub async fn for_member(
    ctx: &ServiceContext,
    handle: &str,
) -> Result<Option<Vec<StaffNote>>, AppError> {
    let Some(caller) = ctx.caller() else {
        return Ok(None);
    };
    if !caller.role.is_staff() {
        return Ok(None);
    }
    let handle = normalize_handle(handle);
    let rows: Vec<(String, String, OffsetDateTime)> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select coalesce(a.display_name || ' (@' || a.handle || ')', 'A former staff member'),
                    n.body, n.created_at
               from app.staff_notes n
               join app.profiles m on m.user_id = n.member_id
               left join app.profiles a on a.user_id = n.author_id
              where m.handle = $1
              order by n.id desc limit $2",
        )
        .bind(&handle)
        .bind(NOTES_SHOWN)
        .fetch_all(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    Ok(Some(
        rows.into_iter()
            .map(|(author, body, at)| StaffNote {
                author,
                body,
                at: rfc3339(at),
                at_label: date_label(at),
            })
            .collect(),
    ))
}

/// Adds a note about the member with `handle`, as the caller.
#[tracing::instrument(skip(ctx, body))]
pub async fn add(ctx: &ServiceContext, handle: &str, body: &str) -> Result<(), AppError> {
    ctx.member()?;
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::BadRequest("Please write the note first.".into()));
    }
    if body.chars().count() > STAFF_NOTE_MAX {
        return Err(AppError::BadRequest(format!(
            "Please keep a note under {STAFF_NOTE_MAX} characters."
        )));
    }
    let handle = normalize_handle(handle);
    crate::as_caller!(ctx, |tx| {
        let member: Option<Uuid> =
            sqlx::query_scalar("select user_id from app.profiles where handle = $1")
                .bind(&handle)
                .fetch_optional(&mut **tx)
                .await?;
        let member = member.ok_or(AppError::NotFound)?;
        sqlx::query(
            "insert into app.staff_notes (member_id, author_id, body) values ($1, auth.uid(), $2)",
        )
        .bind(member)
        .bind(body)
        .execute(&mut **tx)
        .await?;
        Ok::<_, AppError>(())
    })
    .await
}
