//! The review queue: open reports grouped by what they are about, at-risk reports first,
//! then by weight (the sum of each reporter's past accuracy), then oldest first. Read as
//! the moderator, so Row Level Security leaves in only their circles' reports (and site
//! staff see reports about members and at-risk reports as well).

use super::moderates_anything;
use crate::{
    domain::{
        AppError, CommentId, PostId,
        moderation::{
            QUEUE_PAGE_SIZE, QueueItem, QueuePage, ReportNote, ReportReason, ReportTarget,
        },
    },
    server::{
        markdown::excerpt,
        services::{
            community::rows::date_label,
            context::{ServiceContext, Tx},
        },
    },
};
use time::OffsetDateTime;

/// Characters of a reported text the queue shows.
const TEXT_CHARS: usize = 600;

/// The targets with the most pressing open reports first (the grouping and weighting, then
/// what each target is, in one statement).
const QUEUE_SQL: &str = "
with open_reports as (
    select r.target_key, r.target, r.post_id, r.comment_id, r.member_id, r.circle_id,
           r.reporter_id, r.reason, r.created_at
      from app.reports r
     where r.status = 'open'
), weights as (
    select d.reporter_id, app.reporter_weight(d.reporter_id) as weight
      from (select distinct reporter_id from open_reports) d
), targets as (
    select o.target_key, min(o.target) as target, min(o.post_id) as post_id,
           min(o.comment_id) as comment_id, (array_agg(o.member_id))[1] as member_id,
           min(o.circle_id) as circle_id, count(distinct o.reporter_id) as reporters,
           coalesce(sum(w.weight), 0)::float8 as score, bool_or(o.reason = 'at_risk') as at_risk,
           min(o.created_at) as oldest
      from open_reports o join weights w on w.reporter_id = o.reporter_id
     group by o.target_key
), page as (
    select t.*, count(*) over () as open_targets
      from targets t
     order by t.at_risk desc, t.score desc, t.oldest, t.target_key
     limit $1 offset $2
)
select pg.target_key, pg.target, pg.post_id, pg.comment_id, pg.reporters, pg.score, pg.at_risk,
       pg.oldest, pg.open_targets, ci.name as circle_name, ci.slug as circle_slug,
       coalesce(case when pg.target = 'member' then pm.display_name || ' (@' || pm.handle || ')' end,
                rtp.title, p.title, '') as title,
       coalesce(case pg.target when 'comment' then coalesce(rtc.body, c.body)
                               when 'post' then coalesce(rtp.body, p.body)
                               else pm.bio end, '') as text,
       coalesce(case pg.target
           when 'comment' then case when c.is_anonymous then 'Anonymous' else ca.display_name || ' (@' || ca.handle || ')' end
           when 'post' then case when p.is_anonymous then 'Anonymous' else pa.display_name || ' (@' || pa.handle || ')' end
           else '@' || pm.handle end, 'A former member') as author,
       case pg.target when 'comment' then c.deleted_at is not null
                      when 'post' then p.deleted_at is not null
                      else false end as gone
  from page pg
  left join app.circles ci on ci.id = pg.circle_id
  left join app.posts p on p.id = pg.post_id
  left join app.removed_texts rtp on rtp.post_id = pg.post_id
  left join app.comments c on c.id = pg.comment_id
  left join app.removed_texts rtc on rtc.comment_id = pg.comment_id
  left join app.profiles pa on pa.user_id = p.author_id
  left join app.profiles ca on ca.user_id = c.author_id
  left join app.profiles pm on pm.user_id = pg.member_id
 order by pg.at_risk desc, pg.score desc, pg.oldest, pg.target_key";

#[derive(sqlx::FromRow)]
struct TargetRow {
    target_key: String,
    target: String,
    post_id: Option<PostId>,
    comment_id: Option<CommentId>,
    reporters: i64,
    score: f64,
    at_risk: bool,
    oldest: OffsetDateTime,
    open_targets: i64,
    circle_name: Option<String>,
    circle_slug: Option<String>,
    title: String,
    text: String,
    author: String,
    gone: bool,
}

#[derive(sqlx::FromRow)]
struct NoteRow {
    target_key: String,
    reason: String,
    details: String,
    reporter: String,
    created_at: OffsetDateTime,
}

/// One page (from 1) of the queue. Refused to anyone who moderates nothing.
#[tracing::instrument(skip(ctx))]
pub async fn page(ctx: &ServiceContext, page: u32) -> Result<QueuePage, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| read(tx, page).await).await
}

/// The queue as read in an open transaction.
pub async fn read(tx: &mut Tx, page: u32) -> Result<QueuePage, AppError> {
    if !moderates_anything(tx).await? {
        return Err(AppError::Forbidden);
    }
    let offset = i64::from(page.max(1) - 1) * QUEUE_PAGE_SIZE;
    let rows: Vec<TargetRow> = sqlx::query_as(QUEUE_SQL)
        .bind(QUEUE_PAGE_SIZE)
        .bind(offset)
        .fetch_all(&mut **tx)
        .await?;
    let keys: Vec<&str> = rows.iter().map(|r| r.target_key.as_str()).collect();
    let notes: Vec<NoteRow> = sqlx::query_as(
        "select r.target_key, r.reason, r.details,
                coalesce(pr.display_name || ' (@' || pr.handle || ')', 'A former member') as reporter,
                r.created_at
           from app.reports r left join app.profiles pr on pr.user_id = r.reporter_id
          where r.status = 'open' and r.target_key = any($1)
          order by r.created_at, r.id",
    )
    .bind(&keys)
    .fetch_all(&mut **tx)
    .await?;
    let open_targets = rows.first().map_or(0, |r| r.open_targets);
    let items = rows
        .into_iter()
        .map(|row| {
            let reports = notes
                .iter()
                .filter(|n| n.target_key == row.target_key)
                .map(|n| ReportNote {
                    reason: ReportReason::parse(&n.reason).unwrap_or(ReportReason::Other),
                    details: n.details.clone(),
                    reporter: n.reporter.clone(),
                    at_label: date_label(n.created_at),
                })
                .collect();
            QueueItem {
                target: ReportTarget::parse(&row.target).unwrap_or(ReportTarget::Post),
                target_key: row.target_key,
                circle_name: row.circle_name,
                circle_slug: row.circle_slug,
                post_id: row.post_id,
                comment_id: row.comment_id,
                title: row.title,
                text: excerpt(&row.text, TEXT_CHARS),
                author: row.author,
                reporters: row.reporters,
                score: row.score,
                at_risk: row.at_risk,
                gone: row.gone,
                reports,
                oldest_label: date_label(row.oldest),
            }
        })
        .collect();
    Ok(QueuePage {
        items,
        open_targets,
    })
}
