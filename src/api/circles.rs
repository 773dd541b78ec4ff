//! Circles: list, open, create, join, leave, follow, and answering join requests.

use crate::domain::{
    AppError,
    community::{CirclePage, CirclePageData, CircleSummary, Membership},
};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "circles/list")]
pub async fn list_circles() -> Result<Vec<CircleSummary>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    let ctx = request::context()?;
    with_status(crate::as_caller!(ctx, |tx| circles::list(tx).await).await)
}

#[server(prefix = "/api", endpoint = "circles/get")]
pub async fn get_circle(slug: String) -> Result<CirclePage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    let ctx = request::context()?;
    let signed_in = ctx.signed_in();
    with_status(crate::as_caller!(ctx, |tx| circles::page(tx, signed_in, &slug).await).await)
}

/// A circle's page: the circle and a page of its posts older than `cursor`, in one call.
#[server(prefix = "/api", endpoint = "circles/page")]
pub async fn get_circle_page(slug: String, cursor: String) -> Result<CirclePageData, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::community::circle_page,
    };
    let ctx = request::context()?;
    let signed_in = ctx.signed_in();
    with_status(
        crate::as_caller!(ctx, |tx| circle_page::read(tx, signed_in, &slug, &cursor)
            .await)
        .await,
    )
}

/// Admins create circles; the new circle's page opens.
#[server(prefix = "/api", endpoint = "circles/create")]
pub async fn create_circle(
    slug: String,
    name: String,
    description: String,
    visibility: String,
    is_support: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::community::circles::{self, NewCircle},
    };
    let ctx = request::context()?;
    let slug = with_status(
        circles::create(
            &ctx,
            NewCircle {
                slug: &slug,
                name: &name,
                description: &description,
                visibility: &visibility,
                is_support: is_support.is_some(),
            },
        )
        .await,
    )?;
    leptos_axum::redirect(&format!("/c/{slug}"));
    Ok(())
}

/// Joins (or asks to join) a circle, then returns to its page.
#[server(prefix = "/api", endpoint = "circles/join")]
pub async fn join_circle(slug: String) -> Result<Membership, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    let ctx = request::context()?;
    with_status(
        request::within_limit(crate::server::services::write_limits::WriteAction::JoinRequest)
            .await,
    )?;
    let membership = with_status(circles::join(&ctx, &slug).await)?;
    redirect_back_without_js(&format!("/c/{slug}"));
    Ok(membership)
}

#[server(prefix = "/api", endpoint = "circles/leave")]
pub async fn leave_circle(slug: String) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    let ctx = request::context()?;
    with_status(circles::leave(&ctx, &slug).await)?;
    redirect_back_without_js(&format!("/c/{slug}"));
    Ok(())
}

/// `follow` is "true" to follow, anything else to unfollow.
#[server(prefix = "/api", endpoint = "circles/follow")]
pub async fn follow_circle(slug: String, follow: String) -> Result<bool, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    let ctx = request::context()?;
    let following = with_status(circles::set_following(&ctx, &slug, follow == "true").await)?;
    redirect_back_without_js(&format!("/c/{slug}"));
    Ok(following)
}

/// A circle moderator approves or declines a join request (`approve` = "true" or not).
#[server(prefix = "/api", endpoint = "circles/answer-request")]
pub async fn answer_join_request(
    slug: String,
    user_id: String,
    approve: String,
) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    let ctx = request::context()?;
    with_status(circles::answer_request(&ctx, &slug, &user_id, approve == "true").await)?;
    redirect_back_without_js(&format!("/c/{slug}"));
    Ok(())
}

/// A circle's moderators set its slow mode (`secs` between a member's posts; 0: off), with
/// a reason the public moderation log shows.
#[server(prefix = "/api", endpoint = "circles/slow-mode")]
pub async fn set_slow_mode(slug: String, secs: i32, reason: String) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::circles};
    with_status(request::require_moderator())?;
    let ctx = request::context()?;
    with_status(circles::set_slow_mode(&ctx, &slug, secs, &reason).await)?;
    let slug: String = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    redirect_back_without_js(&format!("/c/{slug}"));
    Ok(())
}

/// A plain form post (no JavaScript) lands back on the page it came from; with JavaScript
/// the page updates in place and no redirect is wanted.
#[cfg(feature = "ssr")]
pub(crate) fn redirect_back_without_js(path: &str) {
    use leptos::prelude::use_context;
    let wants_html = use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    });
    if wants_html {
        leptos_axum::redirect(path);
    }
}
