//! A post's page in one transaction: the post and its replies, read as the caller.
//!
//! The page used to ask twice (the post, then its thread), each in its own transaction: two
//! pool checkouts and eight round trips to PostgreSQL where five do.

use super::{comments, posts};
use crate::{
    domain::{AppError, CommentId, PostId, community::PostPageData, notification::NotifyLevel},
    server::services::{
        context::Tx,
        notifications::{self, LevelTarget},
    },
};

/// The post and one page of its thread (from `root` when set, after reply `after`), in the
/// caller's transaction; `NotFound` when the post doesn't exist for the caller. A missing
/// `root` comment fails only the thread, so the post still shows.
#[tracing::instrument(skip(tx))]
pub async fn read(
    tx: &mut Tx,
    signed_in: bool,
    post_id: PostId,
    root: Option<CommentId>,
    after: Option<CommentId>,
) -> Result<PostPageData, AppError> {
    let post = posts::read(tx, signed_in, post_id).await?;
    let thread = match comments::thread(tx, post_id, root, after, comments::REPLIES_PER_PAGE).await
    {
        // An unknown `root` is decided after the query; a database error ends the page.
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(error) => return Err(error),
        Ok(thread) => Ok(thread),
    };
    let notify_level = if signed_in {
        notifications::level(tx, LevelTarget::Post(post_id)).await?
    } else {
        NotifyLevel::Normal
    };
    Ok(PostPageData {
        post,
        thread,
        notify_level,
    })
}
