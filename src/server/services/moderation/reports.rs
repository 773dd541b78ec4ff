//! Members report a post, a reply or a member. The database decides what may be reported
//! (only what the reporter can read, never their own) and makes a second report of the same
//! thing a no-op; an at-risk report answers with places to find help at once.

use crate::{
    domain::{
        AppError, CommentId, PostId,
        community::slug::post_path,
        identity::validate::normalize_handle,
        moderation::{
            CrisisResource, REPORT_DETAILS_MAX, ReportReason, ReportReceipt, ReportSubject,
            ReportTarget,
        },
    },
    server::{markdown::excerpt, services::context::ServiceContext},
};
use uuid::Uuid;

/// What the reporter points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reported {
    Post(PostId),
    Comment(CommentId),
    /// By handle.
    Member(String),
}

impl Reported {
    pub fn target(&self) -> ReportTarget {
        match self {
            Reported::Post(_) => ReportTarget::Post,
            Reported::Comment(_) => ReportTarget::Comment,
            Reported::Member(_) => ReportTarget::Member,
        }
    }
}

/// Files a report. `crisis` is the configured list shown after an at-risk report.
#[tracing::instrument(skip(ctx, details, crisis))]
pub async fn file(
    ctx: &ServiceContext,
    reported: &Reported,
    reason: ReportReason,
    details: &str,
    crisis: &[CrisisResource],
) -> Result<ReportReceipt, AppError> {
    ctx.member()?;
    let details = details.trim();
    if details.chars().count() > REPORT_DETAILS_MAX {
        return Err(AppError::BadRequest(format!(
            "Please keep what you add under {REPORT_DETAILS_MAX} characters."
        )));
    }
    if reason == ReportReason::Other && details.is_empty() {
        return Err(AppError::BadRequest(
            "Please tell the moderators a little about what is wrong.".into(),
        ));
    }
    let mut tx = ctx.begin().await?;
    let (post, comment, member) = locate(&mut tx, reported).await?;
    let filed: Option<i64> = sqlx::query_scalar(
        "insert into app.reports (reporter_id, target, post_id, comment_id, member_id, reason, details)
         values (auth.uid(), $1, $2, $3, $4, $5, $6)
         on conflict do nothing
         returning id",
    )
    .bind(reported.target().as_str())
    .bind(post)
    .bind(comment)
    .bind(member)
    .bind(reason.as_str())
    .bind(details)
    .fetch_optional(&mut *tx)
    .await
    .map_err(|error| match crate::server::db::errors::to_app_error(error) {
        AppError::Forbidden => AppError::BadRequest(
            "This can't be reported: it may be your own, or no longer there.".into(),
        ),
        other => other,
    })?;
    tx.commit().await?;
    Ok(ReportReceipt {
        new: filed.is_some(),
        crisis_resources: if reason == ReportReason::AtRisk {
            crisis.to_vec()
        } else {
            Vec::new()
        },
    })
}

/// What the report page shows of the thing reported, read as the reporter.
#[tracing::instrument(skip(ctx))]
pub async fn subject(ctx: &ServiceContext, reported: &Reported) -> Result<ReportSubject, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| {
        let (post, comment, member) = locate(tx, reported).await?;
        // (title, text, where it lives)
        let row: Option<(String, String, String)> = match (post, comment, member) {
            (_, Some(comment), _) => {
                let found: Option<(String, String, String, PostId)> = sqlx::query_as(
                    "select p.title, c.body, ci.slug, p.id from app.comments c
                       join app.posts p on p.id = c.post_id
                       join app.circles ci on ci.id = p.circle_id
                      where c.id = $1 and c.deleted_at is null",
                )
                .bind(comment)
                .fetch_optional(&mut **tx)
                .await?;
                found.map(|(title, body, slug, post)| {
                    let href = format!("{}#comment-{}", post_path(&slug, post, &title), comment.get());
                    (title, body, href)
                })
            }
            (Some(post), None, _) => {
                let found: Option<(String, String, String)> = sqlx::query_as(
                    "select p.title, p.body, ci.slug from app.posts p
                       join app.circles ci on ci.id = p.circle_id
                      where p.id = $1 and p.deleted_at is null",
                )
                .bind(post)
                .fetch_optional(&mut **tx)
                .await?;
                found.map(|(title, body, slug)| {
                    let href = post_path(&slug, post, &title);
                    (title, body, href)
                })
            }
            (_, _, Some(member)) => {
                let found: Option<(String, String, String)> = sqlx::query_as(
                    "select display_name || ' (@' || handle || ')', bio, handle from app.profiles where user_id = $1",
                )
                .bind(member)
                .fetch_optional(&mut **tx)
                .await?;
                found.map(|(title, bio, handle)| (title, bio, format!("/u/{handle}")))
            }
            _ => None,
        };
        let (title, text, href) = row.ok_or(AppError::NotFound)?;
        Ok::<_, AppError>(ReportSubject {
            target: reported.target(),
            title,
            excerpt: excerpt(&text, 200),
            href,
        })
    })
    .await
}

/// The rows a report names: a reply's post is looked up (through the reader's own view), a
/// member by handle.
async fn locate(
    tx: &mut crate::server::services::context::Tx,
    reported: &Reported,
) -> Result<(Option<PostId>, Option<CommentId>, Option<Uuid>), AppError> {
    Ok(match reported {
        Reported::Post(post) => (Some(*post), None, None),
        Reported::Comment(comment) => {
            let post: Option<PostId> =
                sqlx::query_scalar("select post_id from app.comments where id = $1")
                    .bind(comment)
                    .fetch_optional(&mut **tx)
                    .await?;
            (Some(post.ok_or(AppError::NotFound)?), Some(*comment), None)
        }
        Reported::Member(handle) => {
            let handle = normalize_handle(handle);
            let member: Option<Uuid> =
                sqlx::query_scalar("select user_id from app.profiles where handle = $1")
                    .bind(&handle)
                    .fetch_optional(&mut **tx)
                    .await?;
            (None, None, Some(member.ok_or(AppError::NotFound)?))
        }
    })
}
