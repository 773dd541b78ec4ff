//! The review queue: open reports grouped by what they are about, at-risk reports first,
//! then by weight (the sum of each report's weight: its reporter's past accuracy when they
//! filed it), then oldest first. Read from the summary rows triggers keep (migration 0032)
//! as the moderator, so Row Level Security leaves in only their circles' targets (and site
//! staff see reports about members and at-risk reports as well).

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
/// what each target is, in one statement). A file of its own so the benchmark's baseline
/// runs the very same text.
const QUEUE_SQL: &str = include_str!("queue.sql");

/// The page's statement, with nothing left to bind: whether the caller is site staff, the
/// limit and the offset are written in. PostgreSQL plans a statement without parameters once
/// per connection and reuses the plan; with them bound it planned this one afresh on every
/// read (2.3 ms of a 5.5 ms read at 10,000 open reports: eight joined tables and their
/// policies), because its plan cache kept preferring a custom plan. The values are a boolean
/// and two integers of ours, so nothing from outside is ever spliced into SQL. Each page
/// number is its own cached statement; pages past the first few are rare.
fn page_statement(site_staff: bool, offset: i64) -> String {
    QUEUE_SQL
        .replace("{site_staff}", if site_staff { "true" } else { "false" })
        .replace("{limit}", &QUEUE_PAGE_SIZE.to_string())
        .replace("{offset}", &offset.to_string())
}
/// Every open report about the targets on one page.
const NOTES_SQL: &str = include_str!("queue_notes.sql");

#[derive(sqlx::FromRow)]
struct TargetRow {
    target_key: String,
    target: String,
    post_id: Option<PostId>,
    comment_id: Option<CommentId>,
    reporters: i64,
    score: f64,
    at_risk: bool,
    held: bool,
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

/// How many reported targets wait in the caller's queue (what `/admin` says), without
/// reading a page of it. Refused to anyone who moderates nothing.
#[tracing::instrument(skip(ctx))]
pub async fn waiting(ctx: &ServiceContext) -> Result<i64, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| {
        if !super::moderates_anything(tx).await? {
            return Err(AppError::Forbidden);
        }
        // Row Level Security leaves in the rows the caller may see.
        Ok::<_, AppError>(
            sqlx::query_scalar::<_, i64>("select count(*) from app.review_targets")
                .fetch_one(&mut **tx)
                .await?,
        )
    })
    .await
}

/// The queue as read in an open transaction.
pub async fn read(tx: &mut Tx, page: u32) -> Result<QueuePage, AppError> {
    // Who may open the queue, and whether they read it as site staff, in one round trip.
    let (moderates, site_staff): (bool, bool) =
        sqlx::query_as("select cardinality(app.moderated_circle_ids()) > 0, app.is_site_staff()")
            .fetch_one(&mut **tx)
            .await?;
    if !moderates {
        return Err(AppError::Forbidden);
    }
    let offset = i64::from(page.max(1) - 1) * QUEUE_PAGE_SIZE;
    let statement = page_statement(site_staff, offset);
    let rows: Vec<TargetRow> = sqlx::query_as(&statement).fetch_all(&mut **tx).await?;
    let keys: Vec<&str> = rows.iter().map(|r| r.target_key.as_str()).collect();
    let notes: Vec<NoteRow> = sqlx::query_as(NOTES_SQL)
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
                    reason: ReportReason::parse_any(&n.reason).unwrap_or(ReportReason::Other),
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
                held: row.held,
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

#[cfg(test)]
mod tests {
    use super::page_statement;

    #[test]
    fn a_page_statement_has_everything_written_in_and_nothing_to_bind() {
        let third = page_statement(true, 50);
        assert_eq!(third.matches("limit 25 offset 50").count(), 2, "{third}");
        assert!(third.contains("where true") && third.contains("where not true and"));
        assert!(
            !third.contains('$') && !third.contains("{site_staff}"),
            "{third}"
        );
        let moderator = page_statement(false, 0);
        assert!(moderator.contains("where false") && moderator.contains("limit 25 offset 0"));
    }
}
