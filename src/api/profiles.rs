//! Public profiles.

use crate::domain::{
    AppError,
    community::{ProfileDetails, PublicProfile},
};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "profiles/get")]
pub async fn get_profile(handle: String, cursor: String) -> Result<PublicProfile, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::profiles};
    let state = request::state()?;
    with_status(profiles::get(&state, request::caller().as_ref(), &handle, &cursor).await)
}

#[server(prefix = "/api", endpoint = "profiles/details")]
pub async fn get_profile_details() -> Result<ProfileDetails, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::community::profiles};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(profiles::load_details(&state, &session).await)
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
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(
        profiles::update_details(
            &state,
            &session,
            &interests,
            &modalities,
            &credentials,
            &booking_url,
        )
        .await,
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
    let state = request::state()?;
    let session = with_status(request::require_staff(&state).await)?;
    let handle = handle.trim().trim_start_matches('@').to_lowercase();
    let verified = verified == "true";
    with_status(
        profiles::set_verified(&state, &session, &handle, verified, &request::origin()).await,
    )?;
    super::circles::redirect_back_without_js(&format!("/u/{handle}"));
    Ok(if verified {
        format!("@{handle} now shows the verified practitioner badge.")
    } else {
        format!("@{handle} no longer shows the verified badge.")
    })
}
