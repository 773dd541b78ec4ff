//! A moderator seeing who wrote something anonymously leaves a trace (issue 12, section 6):
//! anonymity is a promise to members in a wellness community, and the few who may look
//! behind it are answerable for each look. One audit row per page that showed sealed
//! authors: who looked, at which post and replies, when.

use crate::{
    domain::{AppError, CommentId, PostId},
    server::db::scoped,
};
use serde_json::json;
use sqlx::{Postgres, Transaction};

/// Writes `sealed_author_viewed` for the caller, in the caller's (member) transaction; the
/// row is written as the identity service, which alone may append to the audit log.
pub async fn record(
    tx: &mut Transaction<'static, Postgres>,
    post_id: PostId,
    post_author_shown: bool,
    comment_ids: &[CommentId],
) -> Result<(), AppError> {
    if !post_author_shown && comment_ids.is_empty() {
        return Ok(());
    }
    scoped::switch_to_service(tx).await?;
    sqlx::query(
        "insert into auth.audit_log (actor, event, detail)
         values (auth.uid(), 'sealed_author_viewed', $1)",
    )
    .bind(json!({
        "post_id": post_id,
        "post_author": post_author_shown,
        "comment_ids": comment_ids,
    }))
    .execute(&mut **tx)
    .await?;
    scoped::switch_to_member(tx).await?;
    Ok(())
}
