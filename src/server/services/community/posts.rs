//! Posts: write, read, edit (history kept for moderators) and delete. Anonymous posts in
//! support circles carry no author id; the real author is sealed in `app.anonymous_authors`,
//! which only they and the circle's moderators can read.

use super::{
    circles,
    rows::{POST_SUMMARY_SELECT, PostSummaryRow, author, date_label, reactions},
    text,
};
use crate::domain::{
    AppError, FieldErrors, PostId,
    community::{NewPost, PostDetail, PostRevision, slug::post_path, validate},
};
use crate::server::config::NewMemberLimits;
use crate::server::services::{
    context::ServiceContext,
    moderation::{
        newcomers::{self, Writing},
        watched::{self, Review},
    },
    submissions::{self, Claim},
};
use sqlx::{Postgres, Transaction};

/// Checked form input for a post.
struct PostInput {
    title: String,
    body: String,
    content_warning: Option<String>,
}

/// The post against the watched words: refused when one blocks, censored words masked,
/// and whether it goes up for review.
async fn watch(
    ctx: &ServiceContext,
    input: PostInput,
) -> Result<(PostInput, Option<Review>), AppError> {
    let list = watched::load(ctx).await?;
    let warning = input.content_warning.clone().unwrap_or_default();
    let (mut texts, review) = watched::check_all(&list, &[&input.title, &input.body, &warning])?;
    // Always three texts back: the warning's slot is there even when it is empty.
    let checked_warning = texts.pop().unwrap_or_default();
    let content_warning = input.content_warning.map(|_| checked_warning);
    let body = texts.pop().unwrap_or_default();
    let title = texts.pop().unwrap_or_default();
    Ok((
        PostInput {
            title,
            body,
            content_warning,
        },
        review,
    ))
}

fn validate_post(title: &str, body: &str, content_warning: &str) -> Result<PostInput, AppError> {
    let mut errors = FieldErrors::new();
    let title = validate::post_title(title)
        .map_err(|e| errors.add("title", e))
        .ok();
    let body = validate::body(body, 20_000, "post")
        .map_err(|e| errors.add("body", e))
        .ok();
    let content_warning = validate::content_warning(content_warning)
        .map_err(|e| errors.add("content_warning", e))
        .ok();
    errors.into_result()?;
    match (title, body, content_warning) {
        (Some(title), Some(body), Some(content_warning)) => Ok(PostInput {
            title,
            body,
            content_warning,
        }),
        _ => Err(AppError::Internal),
    }
}

/// Writes a post in a circle the member has joined; returns its path.
#[tracing::instrument(skip(ctx, new), fields(anonymous = new.anonymous))]
pub async fn create(
    ctx: &ServiceContext,
    circle_slug: &str,
    new: NewPost,
    submission: Option<uuid::Uuid>,
    newcomer_caps: &NewMemberLimits,
) -> Result<String, AppError> {
    ctx.member()?;
    let input = validate_post(&new.title, &new.body, &new.content_warning)?;
    let (input, review) = watch(ctx, input).await?;
    let is_new = newcomers::is_new(ctx, newcomer_caps).await?;
    let mut tx = ctx.begin().await?;
    if let Claim::Done(path) = submissions::claim(&mut tx, submission).await? {
        return Ok(path);
    }
    newcomers::check(
        &mut tx,
        newcomer_caps,
        is_new,
        Writing::Post,
        &[&input.title, &input.body],
    )
    .await?;
    let circle = circles::find(&mut tx, circle_slug).await?;
    if !circle.can_read {
        return Err(AppError::NotFound);
    }
    if !circle.membership.is_active() {
        return Err(AppError::BadRequest(format!(
            "Please join {} before posting in it.",
            circle.name
        )));
    }
    if new.anonymous && !circle.is_support {
        let mut errors = FieldErrors::new();
        errors.add(
            "anonymous",
            "Anonymous posts are only possible in support circles.",
        );
        return Err(AppError::Invalid(errors));
    }
    let body_html = text::render(&mut tx, &input.body).await?;
    let id: PostId = sqlx::query_scalar(
        "insert into app.posts (circle_id, author_id, is_anonymous, title, body, body_html, content_warning)
         values ($1, case when $2 then null else auth.uid() end, $2, $3, $4, $5, $6) returning id",
    )
    .bind(circle.id)
    .bind(new.anonymous)
    .bind(&input.title)
    .bind(&input.body)
    .bind(&body_html)
    .bind(&input.content_warning)
    .fetch_one(&mut *tx)
    .await
    ?;
    if new.anonymous {
        sqlx::query(
            "insert into app.anonymous_authors (post_id, author_id) values ($1, auth.uid())",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(review) = &review {
        watched::put_up_for_review(&mut tx, id, None, review).await?;
    }
    let path = post_path(&circle.slug, id, &input.title);
    submissions::record(&mut tx, submission, &path).await?;
    tx.commit().await?;
    Ok(path)
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: PostSummaryRow,
    body: String,
    body_html: String,
    is_support: bool,
    edited_at: Option<time::OffsetDateTime>,
    deleted_at: Option<time::OffsetDateTime>,
    removed_at: Option<time::OffsetDateTime>,
    held: bool,
    support_count: i32,
    grateful_count: i32,
    insightful_count: i32,
    hug_count: i32,
    is_author: bool,
    can_moderate: bool,
    is_member: bool,
    mine: Vec<String>,
    bookmarked: bool,
}

/// One post as the viewer may see it, in the caller's transaction; `NotFound` when it
/// doesn't exist for them.
pub async fn read(
    tx: &mut Transaction<'static, Postgres>,
    signed_in: bool,
    post_id: PostId,
) -> Result<PostDetail, AppError> {
    let sql = POST_SUMMARY_SELECT.replacen(
        "select p.id,",
        "select p.body, p.body_html, c.is_support, p.edited_at, p.deleted_at, p.removed_at,
                p.removed_at is not null and app.post_is_held(p.id) as held,
                p.support_count, p.grateful_count, p.insightful_count, p.hug_count,
                app.is_post_author(p.id) as is_author,
                p.circle_id = any ((select app.moderated_circle_ids())::bigint[]) as can_moderate,
                p.circle_id = any ((select app.joined_circle_ids())::bigint[]) as is_member,
                array(select r.kind from app.post_reactions r where r.post_id = p.id and r.user_id = auth.uid()) as mine,
                exists (select 1 from app.bookmarks b where b.post_id = p.id and b.user_id = auth.uid()) as bookmarked,
                p.id,",
        1,
    ) + " where p.id = $1";
    let row: Option<DetailRow> = sqlx::query_as(&sql)
        .bind(post_id)
        .fetch_optional(&mut **tx)
        .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let sealed_author = if row.summary.is_anonymous && row.can_moderate {
        let sealed: Option<(String, String, bool)> = sqlx::query_as(
            "select p.handle, p.display_name, p.is_verified from app.anonymous_authors a
               join app.profiles p on p.user_id = a.author_id where a.post_id = $1",
        )
        .bind(post_id)
        .fetch_optional(&mut **tx)
        .await?;
        let shown = sealed.and_then(|(h, n, v)| author(Some(h), Some(n), Some(v), None));
        super::sealed_views::record(tx, post_id, shown.is_some(), &[]).await?;
        shown
    } else {
        None
    };
    let revisions = if row.can_moderate {
        // RLS shows revisions to the circle's moderators only; the flag just skips the query.
        sqlx::query_as::<_, (String, String, Option<String>, time::OffsetDateTime)>(
            "select title, body, content_warning, written_at from app.post_revisions
              where post_id = $1 order by id desc limit 50",
        )
        .bind(post_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|(title, body, content_warning, written_at)| PostRevision {
            title,
            body,
            content_warning,
            written_label: date_label(written_at),
        })
        .collect()
    } else {
        Vec::new()
    };
    let deleted = row.deleted_at.is_some();
    let pictures = if deleted {
        Vec::new()
    } else {
        crate::server::services::media::post_pictures(tx, post_id).await?
    };
    let locked = row.summary.locked;
    Ok(PostDetail {
        pictures,
        body_html: if deleted {
            String::new()
        } else {
            row.body_html
        },
        body_source: if row.is_author && !deleted {
            row.body
        } else {
            String::new()
        },
        is_support_circle: row.is_support,
        edited: row.edited_at.is_some(),
        deleted,
        removed: row.removed_at.is_some(),
        held: row.held,
        reactions: reactions(
            [
                row.support_count,
                row.grateful_count,
                row.insightful_count,
                row.hug_count,
            ],
            &row.mine,
        ),
        bookmarked: row.bookmarked,
        viewer_is_author: row.is_author,
        can_comment: signed_in && row.is_member && !locked && !deleted,
        can_react: signed_in && row.is_member && !deleted,
        can_moderate: row.can_moderate,
        signed_in,
        sealed_author,
        revisions,
        summary: row.summary.into_summary(),
    })
}

/// The author edits their post; the previous version goes to the history (a trigger).
#[tracing::instrument(skip(ctx, title, body, content_warning))]
pub async fn edit(
    ctx: &ServiceContext,
    post_id: PostId,
    title: &str,
    body: &str,
    content_warning: &str,
    newcomer_caps: &NewMemberLimits,
) -> Result<String, AppError> {
    ctx.member()?;
    let input = validate_post(title, body, content_warning)?;
    let (input, review) = watch(ctx, input).await?;
    let is_new = newcomers::is_new(ctx, newcomer_caps).await?;
    let mut tx = ctx.begin().await?;
    newcomers::check(
        &mut tx,
        newcomer_caps,
        is_new,
        Writing::Edit,
        &[&input.title, &input.body],
    )
    .await?;
    let found: Option<(String, bool, bool)> = sqlx::query_as(
        "select c.slug, app.is_post_author(p.id), p.deleted_at is not null
           from app.posts p join app.circles c on c.id = p.circle_id where p.id = $1",
    )
    .bind(post_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (circle_slug, is_author, deleted) = found.ok_or(AppError::NotFound)?;
    if !is_author {
        return Err(AppError::Forbidden);
    }
    if deleted {
        return Err(AppError::BadRequest(
            "This post was deleted, so it can't be edited.".into(),
        ));
    }
    let body_html = text::render(&mut tx, &input.body).await?;
    sqlx::query(
        "update app.posts set title = $2, body = $3, body_html = $4, content_warning = $5, edited_at = now()
          where id = $1",
    )
    .bind(post_id)
    .bind(&input.title)
    .bind(&input.body)
    .bind(&body_html)
    .bind(&input.content_warning)
    .execute(&mut *tx)
    .await
    ?;
    if let Some(review) = &review {
        watched::put_up_for_review(&mut tx, post_id, None, review).await?;
    }
    tx.commit().await?;
    Ok(post_path(&circle_slug, post_id, &input.title))
}

/// The author deletes their post. Its comments stay, under a "deleted" placeholder; the old
/// text stays in the history for moderators.
#[tracing::instrument(skip(ctx))]
pub async fn delete(ctx: &ServiceContext, post_id: PostId) -> Result<String, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let found: Option<(String, bool)> = sqlx::query_as(
        "select c.slug, app.is_post_author(p.id) from app.posts p
           join app.circles c on c.id = p.circle_id where p.id = $1 and p.deleted_at is null",
    )
    .bind(post_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (circle_slug, is_author) = found.ok_or(AppError::NotFound)?;
    if !is_author {
        return Err(AppError::Forbidden);
    }
    sqlx::query(
        "update app.posts set title = 'Deleted post', body = '', body_html = '', content_warning = null,
                deleted_at = now()
          where id = $1",
    )
    .bind(post_id)
    .execute(&mut *tx)
    .await
    ?;
    tx.commit().await?;
    Ok(format!("/c/{circle_slug}"))
}

/// The circle a post belongs to, for redirects: `/p/<id>` goes to the readable URL.
#[tracing::instrument(skip(tx))]
pub async fn path(
    tx: &mut Transaction<'static, Postgres>,
    post_id: PostId,
) -> Result<String, AppError> {
    let found: Option<(String, String)> = sqlx::query_as(
        "select c.slug, p.title from app.posts p join app.circles c on c.id = p.circle_id where p.id = $1",
    )
    .bind(post_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (slug, title) = found.ok_or(AppError::NotFound)?;
    Ok(post_path(&slug, post_id, &title))
}

/// What a circle moderator can change about a post's place in its circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostFlag {
    Pinned,
    Locked,
}

/// A circle moderator (or site staff) pins or locks a post, with a reason: one moderation
/// action (`app.moderate`: guard, change, log row and the author's notice in one
/// transaction), like the review queue's.
#[tracing::instrument(skip(ctx, reason))]
pub async fn set_flag(
    ctx: &ServiceContext,
    post_id: PostId,
    flag: PostFlag,
    on: bool,
    reason: &str,
) -> Result<String, AppError> {
    use crate::{domain::moderation::ContentAction, server::services::moderation};
    let action = match (flag, on) {
        (PostFlag::Pinned, true) => ContentAction::Pin,
        (PostFlag::Pinned, false) => ContentAction::Unpin,
        (PostFlag::Locked, true) => ContentAction::Lock,
        (PostFlag::Locked, false) => ContentAction::Unlock,
    };
    ctx.member()?;
    let reason = moderation::reason(reason)?;
    // One transaction: the action, then where the post lives.
    crate::as_caller!(ctx, |tx| {
        moderation::actions::act_in(tx, post_id, None, action, &reason).await?;
        path(tx, post_id).await
    })
    .await
}
