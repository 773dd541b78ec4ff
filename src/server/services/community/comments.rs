//! Threaded comments: write, list as a thread (depth capped, deeper replies continue on their
//! own page), edit and delete (a deleted comment with replies leaves a placeholder).

use super::{
    rows::{author, date_label, reactions, rfc3339},
    text,
};
use crate::domain::{
    AppError, CommentId, FieldErrors, PostId,
    community::{Author, CommentThread, CommentView, MAX_RENDER_DEPTH, slug::post_path, validate},
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
use std::collections::HashMap;

/// Replies shown on one page; a longer thread continues on the next (`?after=<last id>`).
pub const REPLIES_PER_PAGE: i64 = 1_000;

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: CommentId,
    parent_id: Option<CommentId>,
    depth: i32,
    body: String,
    body_html: String,
    created_at: time::OffsetDateTime,
    edited_at: Option<time::OffsetDateTime>,
    deleted_at: Option<time::OffsetDateTime>,
    removed_at: Option<time::OffsetDateTime>,
    is_anonymous: bool,
    support_count: i32,
    grateful_count: i32,
    insightful_count: i32,
    hug_count: i32,
    author_handle: Option<String>,
    author_name: Option<String>,
    author_verified: Option<bool>,
    author_avatar: Option<uuid::Uuid>,
    is_author: bool,
    by_original_poster: bool,
    can_moderate: bool,
    mine: Vec<String>,
}

/// A post's comments in thread order, or (with `root`) one comment and its replies; one
/// page of them, continuing after reply `after` when given; in the caller's transaction.
///
/// Pages by keyset on the reply id, which is also creation order: a parent always has a
/// smaller id than its replies, so each page holds every parent its replies need except
/// those on earlier pages, and every reply is reachable however long the thread. Replies
/// below the render cap are not read; the deepest shown reply counts them instead, for
/// "continue this thread".
pub async fn thread(
    tx: &mut Transaction<'static, Postgres>,
    post_id: PostId,
    root: Option<CommentId>,
    after: Option<CommentId>,
    per_page: i64,
) -> Result<CommentThread, AppError> {
    // The root must exist for the caller; its depth places the render cap.
    let base_depth = match root {
        None => 0,
        Some(root) => sqlx::query_scalar::<_, i32>(
            "select depth from app.comments where id = $1 and post_id = $2",
        )
        .bind(root)
        .bind(post_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?,
    };
    let cap = base_depth + MAX_RENDER_DEPTH;
    // One page of the replies in scope: the post's, or (with a root) the root's subthread.
    // Two texts rather than one with an unused recursive branch: the planner costs that
    // branch as a scan of every comment, and the inflated estimate alone made PostgreSQL
    // JIT-compile the page query (250 ms for a 2 ms query).
    let scope = match root {
        None => {
            "with page as (
                select c.id from app.comments c
                 where c.post_id = $1 and $2::bigint is null and c.depth <= $3
                   and c.id > coalesce($4, 0)
                 order by c.id
                 limit $5),"
        }
        Some(_) => {
            "with recursive
              subthread as (
                select r.id from app.comments r where r.id = $2 and r.post_id = $1
                union all
                select c.id from app.comments c join subthread s on c.parent_id = s.id
                 where c.depth <= $3),
              page as (
                select s.id from subthread s
                 where s.id > coalesce($4, 0)
                 order by s.id
                 limit $5),"
        }
    };
    let sql = format!(
        // `(select auth.uid())` is evaluated once per statement, not once per comment; the
        // Markdown source is read only for the caller's own comments (their edit forms).
        // Anonymous replies have no author id, so the profile join finds nobody for them;
        // their author is recognised by `app.is_comment_author`, asked only for those rows.
        // The moderator and "original poster" questions are asked once, and only when they
        // can have an answer (a signed-in caller; an anonymous post).
        "{scope}
              me as (select auth.uid() as id),
              post as (
                select p.id,
                       case when p.is_anonymous then app.original_poster_reply_ids(p.id)
                            else '{{}}'::bigint[] end as op_replies,
                       case when (select id from me) is null then false
                            else p.circle_id = any ((select app.moderated_circle_ids())::bigint[])
                       end as can_moderate
                  from app.posts p where p.id = $1)
         select c.id, c.parent_id, c.depth,
                case when w.is_author then c.body else '' end as body,
                c.body_html, c.created_at, c.edited_at, c.deleted_at, c.removed_at, c.is_anonymous,
                c.support_count, c.grateful_count, c.insightful_count, c.hug_count,
                a.handle as author_handle, a.display_name as author_name, a.is_verified as author_verified,
                a.avatar_id as author_avatar, w.is_author,
                c.is_anonymous and c.id = any (post.op_replies) as by_original_poster,
                post.can_moderate,
                case when me.id is null then '{{}}'::text[]
                     else array(select r.kind from app.comment_reactions r
                                 where r.comment_id = c.id and r.user_id = me.id) end as mine
           from me
           cross join post
           join page on true
           join app.comments c on c.id = page.id
           cross join lateral (
                select case when c.author_id = me.id then true
                            when c.is_anonymous and me.id is not null then app.is_comment_author(c.id)
                            else false end as is_author) w
           left join app.profiles a on a.user_id = c.author_id
          order by c.id"
    );
    let mut rows: Vec<CommentRow> = sqlx::query_as(&sql)
        .bind(post_id)
        .bind(root)
        .bind(cap)
        .bind(after)
        .bind(per_page + 1)
        .fetch_all(&mut **tx)
        .await?;
    let next_after = if i64::try_from(rows.len()).is_ok_and(|n| n > per_page) {
        rows.truncate(usize::try_from(per_page).unwrap_or(0));
        rows.last().map(|row| row.id)
    } else {
        None
    };
    let deepest: Vec<CommentId> = rows
        .iter()
        .filter(|r| r.depth == cap)
        .map(|r| r.id)
        .collect();
    let hidden = if deepest.is_empty() {
        HashMap::new()
    } else {
        replies_below(tx, &deepest).await?
    };
    let mut sealed = if rows.iter().any(|row| row.can_moderate && row.is_anonymous) {
        sealed_authors(tx, post_id).await?
    } else {
        HashMap::new()
    };
    let views: Vec<CommentView> = rows
        .into_iter()
        .map(|row| {
            let sealed_author = sealed.remove(&row.id);
            into_view(row, sealed_author)
        })
        .collect();
    let mut thread = CommentThread::from_rows(views, root);
    let ids: Vec<i64> = thread.comments.iter().map(|c| c.id.get()).collect();
    let mut pictures = crate::server::services::media::reply_pictures(tx, &ids).await?;
    for comment in &mut thread.comments {
        if let Some(found) = pictures.remove(&comment.id.get()) {
            comment.pictures = found;
        }
    }
    thread.after = after;
    thread.next_after = next_after;
    for comment in &mut thread.comments {
        comment.hidden_replies = hidden.get(&comment.id).copied().unwrap_or(0);
    }
    drop_empty_placeholders(&mut thread);
    Ok(thread)
}

/// How many replies (at any depth) sit below each of `ids`: the comments at the render cap,
/// whose replies continue on their own page.
async fn replies_below(
    tx: &mut Transaction<'static, Postgres>,
    ids: &[CommentId],
) -> Result<HashMap<CommentId, i32>, AppError> {
    let counts: Vec<(CommentId, i64)> = sqlx::query_as(
        "with recursive below as (
            select c.parent_id as top, c.id from app.comments c where c.parent_id = any ($1)
            union all
            select b.top, c.id from app.comments c join below b on c.parent_id = b.id)
         select top, count(*) from below group by top",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(counts
        .into_iter()
        .map(|(id, n)| (id, i32::try_from(n).unwrap_or(i32::MAX)))
        .collect())
}

/// Who wrote the anonymous replies under a post, for the circle's moderators: RLS shows the
/// sealed rows to them (and each author their own); the caller asks only as a moderator.
async fn sealed_authors(
    tx: &mut Transaction<'static, Postgres>,
    post_id: PostId,
) -> Result<HashMap<CommentId, Author>, AppError> {
    let rows: Vec<(CommentId, String, String, bool)> = sqlx::query_as(
        "select s.comment_id, p.handle, p.display_name, p.is_verified
           from app.anonymous_comment_authors s
           join app.comments c on c.id = s.comment_id
           join app.profiles p on p.user_id = s.author_id
          where c.post_id = $1",
    )
    .bind(post_id)
    .fetch_all(&mut **tx)
    .await?;
    let ids: Vec<CommentId> = rows.iter().map(|row| row.0).collect();
    super::sealed_views::record(tx, post_id, false, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, handle, name, verified)| {
            author(Some(handle), Some(name), Some(verified), None).map(|a| (id, a))
        })
        .collect())
}

fn into_view(row: CommentRow, sealed_author: Option<Author>) -> CommentView {
    let deleted = row.deleted_at.is_some();
    CommentView {
        id: row.id,
        parent_id: row.parent_id,
        depth: row.depth,
        author: if deleted || row.is_anonymous {
            None
        } else {
            author(
                row.author_handle,
                row.author_name,
                row.author_verified,
                row.author_avatar,
            )
        },
        is_anonymous: row.is_anonymous,
        by_original_poster: row.by_original_poster && !deleted,
        sealed_author: if deleted { None } else { sealed_author },
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
        created_at: rfc3339(row.created_at),
        created_label: date_label(row.created_at),
        edited: row.edited_at.is_some(),
        deleted,
        removed: row.removed_at.is_some(),
        reactions: reactions(
            [
                row.support_count,
                row.grateful_count,
                row.insightful_count,
                row.hug_count,
            ],
            &row.mine,
        ),
        viewer_is_author: row.is_author && !deleted,
        hidden_replies: 0,
        pictures: Vec::new(),
    }
}

/// Drops deleted comments that hold no place on this page: no reply of theirs is shown
/// here or continues on their own page.
fn drop_empty_placeholders(thread: &mut CommentThread) {
    let has_children: std::collections::HashSet<CommentId> =
        thread.comments.iter().filter_map(|c| c.parent_id).collect();
    thread
        .comments
        .retain(|c| !c.deleted || has_children.contains(&c.id) || c.hidden_replies > 0);
}

/// Writes a comment (or a reply to `parent_id`) on a post; returns the post's path with
/// the new comment's anchor. An `anonymous` comment (support circles only) carries no author
/// id; its author is sealed in `app.anonymous_comment_authors` in the same transaction.
#[tracing::instrument(skip(ctx, body))]
pub async fn create(
    ctx: &ServiceContext,
    post_id: PostId,
    parent_id: Option<CommentId>,
    body: &str,
    anonymous: bool,
    submission: Option<uuid::Uuid>,
    newcomer_caps: &NewMemberLimits,
) -> Result<String, AppError> {
    ctx.member()?;
    let body = validate::body(body, 10_000, "comment").map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add("body", e);
        AppError::Invalid(errors)
    })?;
    let (body, review) = watch(ctx, &body).await?;
    let is_new = newcomers::is_new(ctx, newcomer_caps).await?;
    let mut tx = ctx.begin().await?;
    if let Claim::Done(path) = submissions::claim(&mut tx, submission).await? {
        return Ok(path);
    }
    newcomers::check(&mut tx, newcomer_caps, is_new, Writing::Reply, &[&body]).await?;
    let post: Option<ReplyTarget> = sqlx::query_as(
        "select c.slug as circle_slug, c.name as circle_name, p.title, p.locked,
                p.deleted_at is not null as deleted,
                p.circle_id = any ((select app.joined_circle_ids())::bigint[]) as joined,
                c.is_support
           from app.posts p join app.circles c on c.id = p.circle_id where p.id = $1",
    )
    .bind(post_id)
    .fetch_optional(&mut *tx)
    .await?;
    let ReplyTarget {
        circle_slug,
        circle_name,
        title,
        locked,
        deleted,
        joined,
        is_support,
    } = post.ok_or(AppError::NotFound)?;
    if deleted {
        return Err(AppError::BadRequest(
            "This post was deleted, so it takes no new comments.".into(),
        ));
    }
    if locked {
        return Err(AppError::BadRequest(
            "This post is locked, so it takes no new comments.".into(),
        ));
    }
    if !joined {
        return Err(AppError::BadRequest(format!(
            "Please join {circle_name} before commenting in it."
        )));
    }
    if anonymous && !is_support {
        let mut errors = FieldErrors::new();
        errors.add(
            "anonymous",
            "Anonymous replies are only possible in support circles.",
        );
        return Err(AppError::Invalid(errors));
    }
    let depth: i32 = match parent_id {
        None => 0,
        Some(parent) => {
            let parent: Option<(i32, bool)> = sqlx::query_as(
                "select depth, deleted_at is not null from app.comments where id = $1 and post_id = $2",
            )
            .bind(parent)
            .bind(post_id)
            .fetch_optional(&mut *tx)
            .await
            ?;
            match parent {
                Some((_, true)) => {
                    return Err(AppError::BadRequest(
                        "That comment was deleted, so it can't take replies.".into(),
                    ));
                }
                Some((depth, false)) => depth + 1,
                None => {
                    return Err(AppError::BadRequest(
                        "The comment you're replying to isn't on this post.".into(),
                    ));
                }
            }
        }
    };
    let body_html = text::render(&mut tx, &body).await?;
    let id: CommentId = sqlx::query_scalar(
        "insert into app.comments (post_id, parent_id, author_id, is_anonymous, body, body_html, depth)
         values ($1, $2, case when $6 then null else auth.uid() end, $6, $3, $4, $5) returning id",
    )
    .bind(post_id)
    .bind(parent_id)
    .bind(&body)
    .bind(&body_html)
    .bind(depth)
    .bind(anonymous)
    .fetch_one(&mut *tx)
    .await
    ?;
    if anonymous {
        sqlx::query(
            "insert into app.anonymous_comment_authors (comment_id, author_id) values ($1, auth.uid())",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        ?;
    }
    if let Some(review) = &review {
        watched::put_up_for_review(&mut tx, post_id, Some(id), review).await?;
    }
    let path = format!("{}#comment-{id}", post_path(&circle_slug, post_id, &title));
    submissions::record(&mut tx, submission, &path).await?;
    tx.commit().await?;
    Ok(path)
}

/// The reply against the watched words: refused when one blocks (as the body's own error),
/// censored words masked, and whether it goes up for review.
async fn watch(ctx: &ServiceContext, body: &str) -> Result<(String, Option<Review>), AppError> {
    let list = watched::load(ctx).await?;
    let (mut texts, review) = watched::check_all(&list, &[body]).map_err(|error| {
        let mut errors = FieldErrors::new();
        errors.add("body", error.to_string());
        AppError::Invalid(errors)
    })?;
    Ok((texts.pop().unwrap_or_default(), review))
}

/// The author edits a comment; the old text goes to the history (a trigger).
#[tracing::instrument(skip(ctx, body))]
pub async fn edit(
    ctx: &ServiceContext,
    comment_id: CommentId,
    body: &str,
    newcomer_caps: &NewMemberLimits,
) -> Result<String, AppError> {
    ctx.member()?;
    let body = validate::body(body, 10_000, "comment").map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add("body", e);
        AppError::Invalid(errors)
    })?;
    let (body, review) = watch(ctx, &body).await?;
    let is_new = newcomers::is_new(ctx, newcomer_caps).await?;
    let mut tx = ctx.begin().await?;
    let path = owned_comment_path(&mut tx, comment_id).await?;
    newcomers::check(&mut tx, newcomer_caps, is_new, Writing::Edit, &[&body]).await?;
    let body_html = text::render(&mut tx, &body).await?;
    sqlx::query(
        "update app.comments set body = $2, body_html = $3, edited_at = now() where id = $1",
    )
    .bind(comment_id)
    .bind(&body)
    .bind(&body_html)
    .execute(&mut *tx)
    .await?;
    if let Some(review) = &review {
        let post: PostId = sqlx::query_scalar("select post_id from app.comments where id = $1")
            .bind(comment_id)
            .fetch_one(&mut *tx)
            .await?;
        watched::put_up_for_review(&mut tx, post, Some(comment_id), review).await?;
    }
    tx.commit().await?;
    Ok(format!("{path}#comment-{comment_id}"))
}

/// The author deletes a comment; replies stay under a "deleted" placeholder.
#[tracing::instrument(skip(ctx))]
pub async fn delete(ctx: &ServiceContext, comment_id: CommentId) -> Result<String, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let path = owned_comment_path(&mut tx, comment_id).await?;
    sqlx::query(
        "update app.comments set body = '', body_html = '', deleted_at = now() where id = $1",
    )
    .bind(comment_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(path)
}

/// The post path of a live comment the caller wrote, signed or anonymously: `NotFound` if
/// they can't see it, `Forbidden` if it's someone else's.
async fn owned_comment_path(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    comment_id: CommentId,
) -> Result<String, AppError> {
    let found: Option<OwnedComment> = sqlx::query_as(
        "select ci.slug as circle_slug, p.id as post_id, p.title,
                app.is_comment_author(c.id) as mine, c.deleted_at is not null as deleted
           from app.comments c
           join app.posts p on p.id = c.post_id
           join app.circles ci on ci.id = p.circle_id
          where c.id = $1",
    )
    .bind(comment_id)
    .fetch_optional(&mut **tx)
    .await?;
    let OwnedComment {
        circle_slug,
        post_id,
        title,
        mine,
        deleted,
    } = found.ok_or(AppError::NotFound)?;
    if !mine {
        return Err(AppError::Forbidden);
    }
    if deleted {
        return Err(AppError::BadRequest(
            "That comment was already deleted.".into(),
        ));
    }
    Ok(post_path(&circle_slug, post_id, &title))
}

/// The post a reply is written under, with what decides whether it may be.
#[derive(sqlx::FromRow)]
struct ReplyTarget {
    circle_slug: String,
    circle_name: String,
    title: String,
    locked: bool,
    deleted: bool,
    /// The caller is a member of the post's circle.
    joined: bool,
    is_support: bool,
}

/// A comment the caller wants to change, and where it lives.
#[derive(sqlx::FromRow)]
struct OwnedComment {
    circle_slug: String,
    post_id: PostId,
    title: String,
    /// The caller wrote it (signed or anonymously).
    mine: bool,
    deleted: bool,
}
