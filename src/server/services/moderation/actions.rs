//! A moderator acts on a post or a reply, or settles a target's reports. Each is one call of
//! a database function in one transaction: guard, change, log row, notices — all or nothing.

use super::{reason, refusal};
use crate::{
    domain::{
        AppError, CommentId, PostId,
        moderation::{ContentAction, Settlement},
    },
    server::services::context::{ServiceContext, Tx},
};

/// Acts on a post (`comment` `None`) or one of its replies. Returns the moderation log
/// row's id.
#[tracing::instrument(skip(ctx, why))]
pub async fn act(
    ctx: &ServiceContext,
    post: PostId,
    comment: Option<CommentId>,
    action: ContentAction,
    why: &str,
) -> Result<i64, AppError> {
    ctx.member()?;
    let why = reason(why)?;
    crate::as_caller!(ctx, |tx| act_in(tx, post, comment, action, &why).await).await
}

/// The action inside the caller's open transaction, for callers that read more in it (the
/// post's address after a pin, say). `why` is already checked by [`reason`].
pub async fn act_in(
    tx: &mut Tx,
    post: PostId,
    comment: Option<CommentId>,
    action: ContentAction,
    why: &str,
) -> Result<i64, AppError> {
    sqlx::query_scalar::<_, i64>("select app.moderate($1, $2, $3, $4)")
        .bind(action.as_str())
        .bind(post)
        .bind(comment)
        .bind(why)
        .fetch_one(&mut **tx)
        .await
        .map_err(refusal)
}

/// Closes a target's open reports without acting on it. Returns the log row's id.
#[tracing::instrument(skip(ctx, why))]
pub async fn settle(
    ctx: &ServiceContext,
    target_key: &str,
    outcome: Settlement,
    why: &str,
) -> Result<i64, AppError> {
    ctx.member()?;
    let why = reason(why)?;
    crate::as_caller!(ctx, |tx| {
        sqlx::query_scalar::<_, i64>("select app.settle_reports($1, $2, $3)")
            .bind(target_key)
            .bind(outcome.as_str())
            .bind(&why)
            .fetch_one(&mut **tx)
            .await
            .map_err(refusal)
    })
    .await
}

/// Approves (restores, dismissing its reports) or rejects (keeps hidden as a removal) writing
/// held by a watched word, with a reason the author is told. One call, one transaction.
#[tracing::instrument(skip(ctx, why))]
pub async fn decide_held(
    ctx: &ServiceContext,
    target_key: &str,
    approve: bool,
    why: &str,
) -> Result<i64, AppError> {
    ctx.member()?;
    let why = reason(why)?;
    crate::as_caller!(ctx, |tx| {
        sqlx::query_scalar::<_, i64>("select app.decide_held($1, $2, $3)")
            .bind(target_key)
            .bind(approve)
            .bind(&why)
            .fetch_one(&mut **tx)
            .await
            .map_err(refusal)
    })
    .await
}

/// Moves a post to another circle (named by slug or name) that the caller also moderates,
/// with a reason the author is told. One call of `app.move_post`: guard, change, log and
/// notice in one transaction. Returns the post's new address.
#[tracing::instrument(skip(ctx, why))]
pub async fn move_post(
    ctx: &ServiceContext,
    post: PostId,
    circle: &str,
    why: &str,
) -> Result<String, AppError> {
    ctx.member()?;
    let why = reason(why)?;
    let circle = circle.trim();
    if circle.is_empty() {
        return Err(AppError::BadRequest(
            "Name the circle to move the post to.".into(),
        ));
    }
    crate::as_caller!(ctx, |tx| {
        sqlx::query_scalar::<_, i64>("select app.move_post($1, $2, $3)")
            .bind(post)
            .bind(circle)
            .bind(&why)
            .fetch_one(&mut **tx)
            .await
            .map_err(refusal)?;
        let (slug, title): (String, String) = sqlx::query_as(
            "select c.slug, p.title from app.posts p join app.circles c on c.id = p.circle_id
              where p.id = $1",
        )
        .bind(post)
        .fetch_one(&mut **tx)
        .await?;
        Ok::<_, AppError>(crate::domain::community::slug::post_path(
            &slug, post, &title,
        ))
    })
    .await
}
