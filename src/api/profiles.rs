//! Public profiles.

use crate::domain::{
    AppError,
    community::{ProfileDetails, ProfilePageData, ProfileWithPosts},
};
use leptos::prelude::*;

/// A member's profile with a page of their posts beside it (a malformed cursor fails the
/// call). The profile page reads `profiles/page` instead.
#[server(prefix = "/api", endpoint = "profiles/get")]
pub async fn get_profile(handle: String, cursor: String) -> Result<ProfileWithPosts, AppError> {
    use crate::server::http::errors::with_status;
    let page = get_profile_page(handle, cursor).await?;
    let posts = with_status(page.feed)?;
    Ok(ProfileWithPosts {
        profile: page.profile,
        posts: posts.posts,
        next_cursor: posts.next_cursor,
    })
}

/// A member's profile page: who they are and their posts older than `cursor` that the caller
/// may read, in one call.
#[server(prefix = "/api", endpoint = "profiles/page")]
pub async fn get_profile_page(handle: String, cursor: String) -> Result<ProfilePageData, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::community::profile_page,
    };
    let ctx = request::context()?;
    with_status(
        crate::as_caller!(ctx, |tx| profile_page::read(
            tx,
            ctx.caller(),
            &handle,
            &cursor
        )
        .await)
        .await,
    )
}

#[server(prefix = "/api", endpoint = "profiles/details")]
pub async fn get_profile_details() -> Result<ProfileDetails, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::profiles};
    let ctx = request::context()?;
    with_status(profiles::load_details(&ctx).await)
}

/// Interests and practitioner details (comma-separated lists), on the member's own profile.
#[server(prefix = "/api", endpoint = "profiles/details-update")]
pub async fn update_profile_details(
    interests: String,
    modalities: String,
    credentials: String,
    booking_url: String,
) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::profiles};
    let ctx = request::context()?;
    with_status(
        profiles::update_details(&ctx, &interests, &modalities, &credentials, &booking_url).await,
    )?;
    super::circles::redirect_back_without_js(
        &crate::domain::SettingsNotice::DetailsSaved.return_path(),
    );
    Ok("Your details are saved.".into())
}

/// An admin marks a practitioner's credentials as checked (`verified` = "true") or not.
#[server(prefix = "/api", endpoint = "admin/verify-practitioner")]
pub async fn verify_practitioner(handle: String, verified: String) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::profiles};
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    let handle = handle.trim().trim_start_matches('@').to_lowercase();
    let verified = verified == "true";
    with_status(profiles::set_verified(&ctx, &handle, verified, &request::origin()).await)?;
    super::circles::redirect_back_without_js(&format!("/u/{handle}"));
    Ok(if verified {
        format!("@{handle} now shows the verified practitioner badge.")
    } else {
        format!("@{handle} no longer shows the verified badge.")
    })
}
