//! Reactions: toggle one of the gentle set on a post or comment.

use crate::domain::{AppError, community::Reactions};
use leptos::prelude::*;

/// `target` is "post" or "comment"; `kind` one of support, grateful, insightful, hug.
/// `back` is where a browser without JavaScript returns to.
#[server(prefix = "/api", endpoint = "reactions/toggle")]
pub async fn toggle_reaction(
    target: String,
    id: i64,
    kind: String,
    back: Option<String>,
) -> Result<Reactions, AppError> {
    use crate::{
        domain::{
            community::{ReactionKind, ReactionTarget},
            identity::redirect::safe_redirect,
        },
        server::{auth::request, http::errors::with_status, services::community::reactions},
    };
    let ctx = request::context()?;
    with_status(
        request::within_limit(crate::server::services::write_limits::WriteAction::Reaction).await,
    )?;
    let target = with_status(
        ReactionTarget::parse(&target, id)
            .ok_or_else(|| AppError::BadRequest("Reactions go on posts or comments.".into())),
    )?;
    let kind = with_status(ReactionKind::parse(&kind).ok_or_else(|| {
        AppError::BadRequest("Choose support, grateful, insightful or hug.".into())
    }))?;
    let counts = with_status(reactions::toggle(&ctx, target, kind).await)?;
    super::circles::redirect_back_without_js(&safe_redirect(back.as_deref()));
    Ok(counts)
}

/// A post's or reply's reaction counts now (and which are the caller's), for a live page.
#[server(prefix = "/api", endpoint = "reactions/counts")]
pub async fn reaction_counts(target: String, id: i64) -> Result<Reactions, AppError> {
    use crate::{
        domain::community::ReactionTarget,
        server::{auth::request, http::errors::with_status, services::community::reactions},
    };
    let ctx = request::context()?;
    let target = with_status(
        ReactionTarget::parse(&target, id)
            .ok_or_else(|| AppError::BadRequest("Reactions go on posts or comments.".into())),
    )?;
    with_status(reactions::counts(&ctx, target).await)
}
