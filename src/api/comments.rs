//! Comments: the thread under a post, writing, editing and deleting.

use crate::domain::{AppError, CommentId, PostId, community::CommentThread};
use leptos::prelude::*;

/// One page of a post's replies (from `root`; after reply `after`).
#[server(prefix = "/api", endpoint = "comments/thread")]
pub async fn get_comments(
    post_id: PostId,
    root: Option<CommentId>,
    #[server(default)] after: Option<CommentId>,
) -> Result<CommentThread, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::comments};
    let ctx = request::context()?;
    with_status(
        crate::as_caller!(ctx, |tx| {
            comments::thread(tx, post_id, root, after, comments::REPLIES_PER_PAGE).await
        })
        .await,
    )
}

/// Comments (or replies, with `parent_id`) and returns to the post at the new comment.
/// `anonymous` is the form's checkbox (absent when unticked); support circles only.
#[server(prefix = "/api", endpoint = "comments/create")]
pub async fn create_comment(
    post_id: PostId,
    parent_id: Option<CommentId>,
    body: String,
    anonymous: Option<String>,
    /// The form's one-write key (`server::services::submissions`).
    submission: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::{community::comments, submissions},
    };
    let ctx = request::context()?;
    let anonymous = anonymous.is_some_and(|v| v != "false");
    let submission = with_status(submissions::parse(submission.as_deref()))?;
    with_status(
        request::within_limit(crate::server::services::write_limits::WriteAction::Comment).await,
    )?;
    {
        let state = request::state()?;
        with_status(
            crate::server::services::flags::require(
                &state.pool,
                &state.settings.flags,
                crate::domain::feature_flag::FeatureFlag::Posting,
            )
            .await,
        )?;
    }
    let path = with_status(
        comments::create(
            &ctx,
            post_id,
            parent_id,
            &body,
            anonymous,
            submission,
            &request::state()?.settings.limits.new_members,
        )
        .await,
    )?;
    super::circles::redirect_back_without_js(&path);
    Ok(path)
}

#[server(prefix = "/api", endpoint = "comments/edit")]
pub async fn edit_comment(id: CommentId, body: String) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::comments};
    let ctx = request::context()?;
    let caps = request::state()?.settings.limits.new_members.clone();
    let path = with_status(comments::edit(&ctx, id, &body, &caps).await)?;
    super::circles::redirect_back_without_js(&path);
    Ok(path)
}

#[server(prefix = "/api", endpoint = "comments/delete")]
pub async fn delete_comment(id: CommentId) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::comments};
    let ctx = request::context()?;
    let path = with_status(comments::delete(&ctx, id).await)?;
    super::circles::redirect_back_without_js(&path);
    Ok(path)
}
