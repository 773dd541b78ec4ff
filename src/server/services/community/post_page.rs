//! A post's page in one transaction: the post and its replies, read as the caller.
//!
//! The page used to ask twice (the post, then its thread), each in its own transaction: two
//! pool checkouts and eight round trips to PostgreSQL where five do.

use super::{caller_tx, comments, posts};
use crate::{
    domain::{AppError, community::PostPageData},
    server::{auth::session::CurrentSession, state::AppState},
};

/// The post and one page of its thread (from `root` when set, after reply `after`);
/// `NotFound` when the post doesn't exist for the caller. A missing `root` comment fails only
/// the thread, so the post still shows.
#[tracing::instrument(skip(state, caller))]
pub async fn read(
    state: &AppState,
    caller: Option<&CurrentSession>,
    post_id: i64,
    root: Option<i64>,
    after: Option<i64>,
) -> Result<PostPageData, AppError> {
    let mut tx = caller_tx(state, caller).await?;
    let post = posts::read(&mut tx, caller.is_some(), post_id).await?;
    let thread = match comments::read_thread(
        &mut tx,
        post_id,
        root,
        after,
        comments::REPLIES_PER_PAGE,
    )
    .await
    {
        // An unknown `root` is decided after the query; a database error ends the page.
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(error) => return Err(error),
        Ok(thread) => Ok(thread),
    };
    tx.commit().await?;
    Ok(PostPageData { post, thread })
}
