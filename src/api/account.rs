//! The signed-in member's own account: who they are, profile, password, email, devices and
//! two-step sign-in. Every function checks for a session on the server; the database's RLS
//! policies then limit it to the member's own rows.

use crate::domain::{
    AppError, ProfileSettings, RecoveryCodes, SessionSummary, TotpEnrollment, Viewer, ViewerSummary,
};
use leptos::prelude::*;

/// Who is signed in, for the site header, or `None` for a visitor. Read from the verified
/// access token: no database round trip on a signed-in page.
#[server(prefix = "/api", endpoint = "account/viewer-summary")]
pub async fn get_viewer_summary() -> Result<Option<ViewerSummary>, AppError> {
    use crate::server::{auth::request, services::identity::profile};
    let state = request::state()?;
    match request::caller() {
        Some(session) => profile::summary(&state, &session).await,
        None => Ok(None),
    }
}

/// The signed-in member, fresh from the database (email, second factor), or `None` for a
/// visitor. For the settings pages; the header uses [`get_viewer_summary`].
#[server(prefix = "/api", endpoint = "account/viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::server::{auth::request, services::identity::profile};
    let state = request::state()?;
    match request::caller() {
        Some(session) => profile::viewer(&state, &session).await,
        None => Ok(None),
    }
}

#[server(prefix = "/api", endpoint = "account/profile")]
pub async fn get_profile_settings() -> Result<ProfileSettings, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::profile};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(profile::load(&state, &session).await)
}

#[server(prefix = "/api", endpoint = "account/profile-update")]
pub async fn update_profile(
    display_name: String,
    bio: String,
    pronouns: String,
) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::profile};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let names = with_status(
        profile::update(
            &state,
            &session,
            &display_name,
            &bio,
            &pronouns,
            &request::origin(),
        )
        .await,
    )?;
    // The header reads the display name from the access token: a new one shows it at once.
    request::reissue_access_token(
        &state,
        &session,
        &session.aal,
        &session.claims.amr,
        Some(names),
    );
    Ok("Your profile is saved.".into())
}

#[server(prefix = "/api", endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<String, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::identity::password_change,
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let ended = with_status(
        password_change::change_password(
            &state,
            session.user_id,
            session.session_id,
            &current_password,
            &new_password,
            &request::origin(),
        )
        .await,
    )?;
    Ok(match ended {
        0 => "Your password is changed.".to_owned(),
        1 => "Your password is changed, and your other device was signed out.".to_owned(),
        n => format!("Your password is changed, and your {n} other devices were signed out."),
    })
}

#[server(prefix = "/api", endpoint = "account/email")]
pub async fn change_email(new_email: String) -> Result<String, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::identity::password_change,
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(
        password_change::request_email_change(
            &state,
            session.user_id,
            &new_email,
            &request::origin(),
        )
        .await,
    )?;
    Ok("We've sent a link to the new address. Your email changes when you open it.".into())
}

#[server(prefix = "/api", endpoint = "account/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionSummary>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::devices};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(devices::list(&state, &session).await)
}

/// `which` is a session id, `others` or `all`. Revoking the current session signs out here too.
#[server(prefix = "/api", endpoint = "account/sessions-revoke")]
pub async fn revoke_sessions(which: String) -> Result<String, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::identity::devices::{self, Revoke},
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let target = match which.as_str() {
        "others" => Revoke::AllOthers,
        "all" => Revoke::All,
        id => Revoke::One(with_status(id.parse().map_err(|_| {
            AppError::BadRequest("That device is not in your list.".into())
        }))?),
    };
    let count = with_status(devices::revoke(&state, &session, target, &request::origin()).await)?;
    let ends_this = match target {
        Revoke::All => true,
        Revoke::One(id) => id == session.session_id,
        Revoke::AllOthers => false,
    };
    if ends_this {
        request::clear_session(&state);
        leptos_axum::redirect("/login");
    }
    Ok(match count {
        1 => "Signed out 1 device.".to_owned(),
        n => format!("Signed out {n} devices."),
    })
}

#[server(prefix = "/api", endpoint = "account/mfa-enroll")]
pub async fn start_totp_enrollment() -> Result<TotpEnrollment, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::mfa};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(mfa::enroll(&state, session.user_id, &request::origin()).await)
}

/// Confirms the authenticator app with its first code. This session becomes aal2 (a new
/// access token is issued) and the recovery codes are returned, once.
#[server(prefix = "/api", endpoint = "account/mfa-verify")]
pub async fn finish_totp_enrollment(code: String) -> Result<RecoveryCodes, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::identity::{mfa, sessions::ProfileNames},
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let codes = with_status(
        mfa::verify_enrollment(
            &state,
            session.user_id,
            session.session_id,
            &code,
            &request::origin(),
        )
        .await,
    )?;
    let mut amr = session.claims.amr.clone();
    amr.push("totp".into());
    let names = session
        .claims
        .handle
        .clone()
        .zip(session.claims.display_name.clone())
        .map(|(handle, display_name)| ProfileNames {
            handle,
            display_name,
        });
    request::reissue_access_token(&state, &session, "aal2", &amr, names);
    Ok(codes)
}

#[server(prefix = "/api", endpoint = "account/mfa-unenroll")]
pub async fn disable_totp(code: String) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::mfa};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(mfa::unenroll(&state, session.user_id, &code, &request::origin()).await)?;
    Ok("Two-step sign-in is off.".into())
}
