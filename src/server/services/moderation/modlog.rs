//! The moderation log, two ways: the public log (every action in a circle the reader can
//! read, with its reason, never the moderator or the removed words), and the staff log
//! (who acted and on what, searchable), which Row Level Security limits to the circles the
//! reader moderates.

use super::moderates_anything;
use crate::{
    domain::{
        AppError, CircleId, CommentId, PostId,
        moderation::{MODLOG_PAGE_SIZE, ModlogEntry, ModlogPage},
    },
    server::services::{
        community::rows::{date_label, rfc3339},
        context::ServiceContext,
    },
};
use sqlx::{Postgres, QueryBuilder};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: OffsetDateTime,
    action: String,
    reason: String,
    circle_id: Option<CircleId>,
    circle_name: Option<String>,
    circle_slug: Option<String>,
    post_id: Option<PostId>,
    post_title: Option<String>,
    comment_id: Option<CommentId>,
    moderator: Option<String>,
    subject: Option<String>,
    still_removed: bool,
}

impl EntryRow {
    fn into_entry(self) -> ModlogEntry {
        ModlogEntry {
            id: self.id,
            action: self.action,
            reason: self.reason,
            circle_id: self.circle_id,
            circle_name: self.circle_name,
            circle_slug: self.circle_slug,
            post_id: self.post_id,
            post_title: self.post_title,
            comment_id: self.comment_id,
            moderator: self.moderator,
            restorable: match (self.still_removed, self.post_id) {
                (true, Some(post)) => Some((post, self.comment_id)),
                _ => None,
            },
            subject: self.subject,
            at: rfc3339(self.at),
            at_label: date_label(self.at),
        }
    }
}

fn into_page(mut rows: Vec<EntryRow>) -> ModlogPage {
    let more = rows.len() as i64 > MODLOG_PAGE_SIZE;
    rows.truncate(MODLOG_PAGE_SIZE as usize);
    let older = more.then(|| rows.last().map(|r| r.id)).flatten();
    ModlogPage {
        entries: rows.into_iter().map(EntryRow::into_entry).collect(),
        older,
    }
}

/// The public log, newest first, from before the action `before` (none: the newest).
#[tracing::instrument(skip(ctx))]
pub async fn public(ctx: &ServiceContext, before: Option<i64>) -> Result<ModlogPage, AppError> {
    let rows: Vec<EntryRow> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select l.id, l.at, l.action, l.reason, null::bigint as circle_id, l.circle_name,
                    l.circle_slug, l.post_id, l.post_title, l.comment_id,
                    null::text as moderator, null::text as subject, false as still_removed
               from app.public_moderation_log($1, $2::int4) l",
        )
        .bind(before)
        .bind(MODLOG_PAGE_SIZE + 1)
        .fetch_all(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    Ok(into_page(rows))
}

/// The staff log: who did what to what and why, optionally only lines whose reason, subject
/// or moderator matches `search`, or of one `action`.
#[tracing::instrument(skip(ctx))]
pub async fn staff(
    ctx: &ServiceContext,
    before: Option<i64>,
    search: &str,
    action: &str,
) -> Result<ModlogPage, AppError> {
    ctx.member()?;
    let search = search.trim().to_owned();
    let action = action.trim().to_owned();
    let rows: Vec<EntryRow> = crate::as_caller!(ctx, |tx| {
        if !moderates_anything(tx).await? {
            return Err(AppError::Forbidden);
        }
        let mut query = QueryBuilder::<Postgres>::new(
            "select l.id, l.at, l.action, l.reason, l.circle_id, ci.name as circle_name,
                    ci.slug as circle_slug, l.post_id,
                    case when p.deleted_at is null then p.title end as post_title, l.comment_id,
                    coalesce(pr.display_name || ' (@' || pr.handle || ')', 'A former moderator') as moderator,
                    l.subject,
                    l.action in ('remove_post', 'hide_post', 'remove_comment', 'hide_comment')
                    and coalesce(c.removed_at, case when l.comment_id is null then p.removed_at end)
                        is not null as still_removed
               from app.moderation_log l
               left join app.circles ci on ci.id = l.circle_id
               left join app.posts p on p.id = l.post_id
               left join app.comments c on c.id = l.comment_id
               left join app.profiles pr on pr.user_id = l.actor_id
              where true",
        );
        if let Some(before) = before {
            query.push(" and l.id < ").push_bind(before);
        }
        if !action.is_empty() {
            query.push(" and l.action = ").push_bind(action.clone());
        }
        if !search.is_empty() {
            let pattern = format!(
                "%{}%",
                search.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
            );
            query
                .push(" and (l.reason ilike ")
                .push_bind(pattern.clone())
                .push(" or l.subject ilike ")
                .push_bind(pattern.clone())
                .push(" or pr.handle ilike ")
                .push_bind(pattern)
                .push(")");
        }
        query
            .push(" order by l.id desc limit ")
            .push_bind(MODLOG_PAGE_SIZE + 1);
        query
            .build_query_as::<EntryRow>()
            .fetch_all(&mut **tx)
            .await
            .map_err(AppError::from)
    })
    .await?;
    Ok(into_page(rows))
}
