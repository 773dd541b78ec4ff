//! A member's notifications: read a page, count the unread, mark them read.
//!
//! The rows are written by the database's triggers (migration 0018) in the same transaction
//! as the reply, reaction or decision that causes them; this service only reads and marks
//! them, always as the member, so Row Level Security keeps each member to their own rows and
//! the joined posts and replies to what the member may read now.

use crate::{
    domain::{
        AppError, CircleId, CommentId, PostId,
        notification::{
            ModerationNotice, NOTIFICATION_PAGE_SIZE, Notification, NotificationKind,
            NotificationPage, NotifyLevel,
        },
    },
    server::{
        markdown::excerpt,
        services::{
            community::rows::{date_label, rfc3339},
            context::{ServiceContext, Tx},
        },
    },
};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use time::OffsetDateTime;

/// Characters of a reply shown under its notification.
const EXCERPT_CHARS: usize = 140;

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    kind: String,
    sort_key: i64,
    updated_at: OffsetDateTime,
    read_at: Option<OffsetDateTime>,
    actor_name: Option<String>,
    others: i32,
    circle_id: Option<CircleId>,
    circle_name: Option<String>,
    circle_slug: Option<String>,
    post_id: Option<PostId>,
    post_title: Option<String>,
    comment_id: Option<CommentId>,
    comment_body: Option<String>,
    moderation_action: Option<String>,
    moderation_reason: Option<String>,
    subject: Option<String>,
}

impl NotificationRow {
    fn into_notification(self) -> Option<Notification> {
        Some(Notification {
            id: self.id,
            kind: NotificationKind::parse(&self.kind)?,
            actor: self.actor_name,
            others: self.others,
            circle_id: self.circle_id,
            circle_name: self.circle_name,
            circle_slug: self.circle_slug,
            post_id: self.post_id,
            post_title: self.post_title,
            comment_id: self.comment_id,
            excerpt: self
                .comment_body
                .map(|body| excerpt(&body, EXCERPT_CHARS))
                .filter(|text| !text.is_empty()),
            at: rfc3339(self.updated_at),
            at_label: date_label(self.updated_at),
            unread: self.read_at.is_none(),
            moderation: self.moderation_action.map(|action| ModerationNotice {
                action,
                reason: self.moderation_reason,
                subject: self.subject.unwrap_or_default(),
            }),
        })
    }
}

/// The member's notifications with what they are about, leaving out those whose post the
/// member can no longer read; callers add conditions and the order.
const SELECT_MINE: &str = "select n.id, n.kind, n.sort_key, n.updated_at, n.read_at,
        pr.display_name as actor_name,
        greatest(cardinality(n.actor_ids) - 1, 0)::int4 as others,
        n.circle_id, ci.name as circle_name, ci.slug as circle_slug,
        n.post_id, p.title as post_title, n.comment_id, c.body as comment_body,
        n.moderation_action, n.moderation_reason, n.subject
   from app.notifications n
   left join app.profiles pr on pr.user_id = n.actor_id
   left join app.circles ci on ci.id = n.circle_id
   left join app.posts p on p.id = n.post_id and p.deleted_at is null
   left join app.comments c on c.id = n.comment_id and c.deleted_at is null
  where n.recipient_id = (select auth.uid())
    and (n.post_id is null or p.id is not null
         -- A moderation notice outlives its (removed) post, while its circle stays readable.
         or (n.kind in ('moderation', 'report_outcome')
             and n.circle_id = any ((select app.readable_circle_ids())::bigint[])))";

#[derive(sqlx::FromRow)]
struct OpenedRow {
    post_id: Option<PostId>,
    comment_id: Option<CommentId>,
    circle_slug: Option<String>,
    post_title: Option<String>,
}

/// How many of the member's notifications are unread.
#[tracing::instrument(skip(tx))]
pub async fn unread_count(tx: &mut Tx) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "select count(*) from app.notifications
          where recipient_id = (select auth.uid()) and read_at is null",
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// One page of the member's notifications, newest first, from `cursor` (empty: the first
/// page; otherwise the `next_cursor` of the page before). A notification whose post the
/// member can no longer read is left out.
#[tracing::instrument(skip(tx))]
pub async fn page(tx: &mut Tx, cursor: &str) -> Result<NotificationPage, AppError> {
    let before: Option<i64> = match cursor {
        "" => None,
        text => Some(
            text.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| AppError::BadRequest("That page link is not valid.".into()))?,
        ),
    };
    let mut query = QueryBuilder::<Postgres>::new(SELECT_MINE);
    if let Some(before) = before {
        query.push(" and n.sort_key < ").push_bind(before);
    }
    query
        .push(" order by n.sort_key desc limit ")
        .push_bind(NOTIFICATION_PAGE_SIZE + 1);
    let mut rows: Vec<NotificationRow> = query.build_query_as().fetch_all(&mut **tx).await?;
    let more = rows.len() as i64 > NOTIFICATION_PAGE_SIZE;
    rows.truncate(NOTIFICATION_PAGE_SIZE as usize);
    let next_cursor = more
        .then(|| rows.last().map(|row| row.sort_key.to_string()))
        .flatten();
    let unread = unread_count(tx).await?;
    let digest = super::digests::frequency_of_caller(tx).await?;
    Ok(NotificationPage {
        items: rows
            .into_iter()
            .filter_map(NotificationRow::into_notification)
            .collect(),
        next_cursor,
        unread,
        digest,
    })
}

/// The member's unread notifications that changed after `since`, newest first, at most
/// `limit` of them, and how many there are in all: what a digest tells. Runs as the member
/// (the connection's role and claims are theirs), so RLS decides as it does for the page.
#[tracing::instrument(skip(conn))]
pub async fn unread_since(
    conn: &mut PgConnection,
    since: OffsetDateTime,
    limit: i64,
) -> Result<(Vec<Notification>, i64), AppError> {
    // One query: the count of them all is taken over the whole set before the limit.
    let mut query =
        QueryBuilder::<Postgres>::new("select mine.*, count(*) over () as total from (");
    query
        .push(SELECT_MINE)
        .push(" and n.read_at is null and n.updated_at > ")
        .push_bind(since)
        .push(") mine order by mine.sort_key desc limit ")
        .push_bind(limit);
    let rows: Vec<CountedRow> = query.build_query_as().fetch_all(&mut *conn).await?;
    let total = rows.first().map_or(0, |row| row.total);
    Ok((
        rows.into_iter()
            .filter_map(|row| row.row.into_notification())
            .collect(),
        total,
    ))
}

/// A notification with the size of the set it was read from.
#[derive(sqlx::FromRow)]
struct CountedRow {
    #[sqlx(flatten)]
    row: NotificationRow,
    total: i64,
}

/// The member's notifications page.
#[tracing::instrument(skip(ctx))]
pub async fn list(ctx: &ServiceContext, cursor: &str) -> Result<NotificationPage, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| page(tx, cursor).await).await
}

/// The member's unread count, for the bell.
#[tracing::instrument(skip(ctx))]
pub async fn unread(ctx: &ServiceContext) -> Result<i64, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| unread_count(tx).await).await
}

/// Marks one of the member's notifications read and returns where it leads. Someone else's
/// (or one that does not exist) is "not found": RLS hides it, and the answer does not say
/// which.
#[tracing::instrument(skip(ctx))]
pub async fn open(ctx: &ServiceContext, id: i64) -> Result<String, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let place: Option<OpenedRow> = sqlx::query_as(
        "with opened as (
             update app.notifications set read_at = coalesce(read_at, now())
              where id = $1 and recipient_id = (select auth.uid())
          returning post_id, comment_id, circle_id)
         select o.post_id, o.comment_id, ci.slug as circle_slug, p.title as post_title
           from opened o
           left join app.circles ci on ci.id = o.circle_id
           left join app.posts p on p.id = o.post_id",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let place = place.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Notification::place(
        place.post_id,
        place.comment_id,
        place.circle_slug.as_deref(),
        place.post_title.as_deref(),
    ))
}

/// Marks every unread notification of the member read; returns how many there were.
#[tracing::instrument(skip(ctx))]
pub async fn mark_all_read(ctx: &ServiceContext) -> Result<u64, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let marked = sqlx::query(
        "update app.notifications set read_at = now()
          where recipient_id = (select auth.uid()) and read_at is null",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(marked)
}

/// What a member sets a level on.
#[derive(Clone, Copy, Debug)]
pub enum LevelTarget {
    Post(PostId),
    Circle(CircleId),
}

impl LevelTarget {
    /// The `app.notification_levels` column it is stored in, and the id.
    fn column_and_id(self) -> (&'static str, i64) {
        match self {
            LevelTarget::Post(post) => ("post_id", post.get()),
            LevelTarget::Circle(circle) => ("circle_id", circle.get()),
        }
    }
}

/// Sets how much the member hears about a post or circle they can read. `Normal` is the
/// default, so it is stored as no row at all.
#[tracing::instrument(skip(ctx))]
pub async fn set_level(
    ctx: &ServiceContext,
    target: LevelTarget,
    level: NotifyLevel,
) -> Result<(), AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let (column, id) = target.column_and_id();
    let readable_sql = match target {
        LevelTarget::Post(_) => {
            "select exists (select 1 from app.posts where id = $1 and deleted_at is null)"
        }
        LevelTarget::Circle(_) => "select $1 = any ((select app.readable_circle_ids())::bigint[])",
    };
    let readable: bool = sqlx::query_scalar(readable_sql)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if !readable {
        return Err(AppError::NotFound);
    }
    if level == NotifyLevel::Normal {
        sqlx::query(&format!(
            "delete from app.notification_levels where user_id = auth.uid() and {column} = $1"
        ))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(&format!(
            "insert into app.notification_levels (user_id, {column}, level) values (auth.uid(), $1, $2)
             on conflict (user_id, {column}) where {column} is not null
             do update set level = excluded.level, updated_at = now()"
        ))
        .bind(id)
        .bind(level.as_str())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Mutes (or unmutes) another member: nothing they sign is announced to the caller.
#[tracing::instrument(skip(ctx))]
pub async fn set_muted(ctx: &ServiceContext, handle: &str, muted: bool) -> Result<(), AppError> {
    let me = ctx.member()?.user_id;
    let mut tx = ctx.begin().await?;
    let member: Option<uuid::Uuid> =
        sqlx::query_scalar("select user_id from app.profiles where handle = $1")
            .bind(handle.trim().to_lowercase())
            .fetch_optional(&mut *tx)
            .await?;
    let member = member.ok_or(AppError::NotFound)?;
    if member == me {
        return Err(AppError::BadRequest(
            "You can't mute yourself; you are never told about what you do.".into(),
        ));
    }
    let sql = if muted {
        "insert into app.muted_members (user_id, muted_id) values (auth.uid(), $1) on conflict do nothing"
    } else {
        "delete from app.muted_members where user_id = auth.uid() and muted_id = $1"
    };
    sqlx::query(sql).bind(member).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The member's level for a post or circle (`Normal` when none is set, or for a visitor).
#[tracing::instrument(skip(tx))]
pub async fn level(tx: &mut Tx, target: LevelTarget) -> Result<NotifyLevel, AppError> {
    let (column, id) = target.column_and_id();
    let stored: Option<String> = sqlx::query_scalar(&format!(
        "select level from app.notification_levels where user_id = auth.uid() and {column} = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(stored
        .as_deref()
        .and_then(NotifyLevel::parse)
        .unwrap_or_default())
}

/// Whether the caller muted the member with this handle.
#[tracing::instrument(skip(tx))]
pub async fn is_muted(tx: &mut Tx, handle: &str) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "select exists (select 1 from app.muted_members m join app.profiles p on p.user_id = m.muted_id
                         where m.user_id = auth.uid() and p.handle = $1)",
    )
    .bind(handle)
    .fetch_one(&mut **tx)
    .await?)
}
