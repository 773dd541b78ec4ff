//! The signed-in member's own account: who they are, profile, password, email, devices,
//! two-step sign-in and linked provider sign-ins. Every function checks for a session on the
//! server; the database's RLS policies then limit it to the member's own rows.
//!
//! A form posted without JavaScript is answered with a redirect back to its settings page,
//! naming what was done (`SettingsNotice`) so the page can say so.

use crate::domain::{
    AppError, LinkedSignIn, ProfileSettings, RecoveryCodes, SessionSummary, TotpEnrollment,
    TwoStep, Viewer, ViewerSummary,
};
#[cfg(feature = "ssr")]
use crate::domain::{SettingsNotice, identity::settings_notice::SETTINGS_SECURITY};
use leptos::prelude::*;

/// Back to the settings page with its confirmation, for a plain form post.
#[cfg(feature = "ssr")]
fn confirm_without_js(notice: SettingsNotice) {
    super::circles::redirect_back_without_js(&notice.return_path());
}

/// How new recovery codes reach the member: in the response for the page's script, or,
/// for a plain form post (whose redirect cannot carry them), kept for the next page view.
#[cfg(feature = "ssr")]
fn code_delivery(without_js: bool) -> crate::server::services::identity::mfa::CodeDelivery {
    use crate::server::services::identity::mfa::CodeDelivery;
    if without_js {
        CodeDelivery::OnNextPage
    } else {
        CodeDelivery::InResponse
    }
}

/// Where the two-step section of the security page is, for a plain form post.
#[cfg(feature = "ssr")]
fn two_step_section() -> String {
    format!("{SETTINGS_SECURITY}#two-step")
}

/// Who is signed in, for the site header, or `None` for a visitor. Read from the verified
/// access token: no database round trip on a signed-in page.
#[server(prefix = "/api", endpoint = "account/viewer-summary")]
pub async fn get_viewer_summary() -> Result<Option<ViewerSummary>, AppError> {
    use crate::server::{auth::request, services::identity::profile};
    profile::summary(&request::context()?).await
}

/// The signed-in member, fresh from the database (email, second factor), or `None` for a
/// visitor. For the settings pages; the header uses [`get_viewer_summary`].
#[server(prefix = "/api", endpoint = "account/viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::server::{auth::request, services::identity::profile};
    profile::viewer(&request::context()?).await
}

#[server(prefix = "/api", endpoint = "account/profile")]
pub async fn get_profile_settings() -> Result<ProfileSettings, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::profile};
    with_status(profile::load(&request::context()?).await)
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
    let ctx = request::context()?;
    let names = with_status(
        profile::update(&ctx, &display_name, &bio, &pronouns, &request::origin()).await,
    )?;
    // The header reads the display name from the access token: a new one shows it at once.
    request::reissue_access_token(
        &state,
        &session,
        &session.aal,
        &session.claims.amr,
        Some(names),
    );
    confirm_without_js(SettingsNotice::ProfileSaved);
    Ok("Your profile is saved.".into())
}

/// Takes the member's profile picture down; their initials show instead.
#[server(prefix = "/api", endpoint = "account/avatar-remove")]
pub async fn remove_avatar() -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::media};
    let session = with_status(request::require_member())?;
    let state = request::state()?;
    let ctx = request::context()?;
    with_status(media::remove_avatar(&ctx).await)?;
    // The header reads the picture from the access token: the initials show at once.
    request::reissue_access_token(
        &state,
        &session,
        &session.aal,
        &session.claims.amr,
        request::names_with_avatar(&session, None),
    );
    super::circles::redirect_back_without_js("/settings/profile?avatar=removed#picture");
    Ok("Your profile picture is removed.".into())
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
    confirm_without_js(SettingsNotice::PasswordChanged);
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
            session.session_id,
            &new_email,
            &request::origin(),
        )
        .await,
    )?;
    confirm_without_js(SettingsNotice::EmailLinkSent);
    Ok("We've sent a link to the new address. Your email changes when you open it.".into())
}

#[server(prefix = "/api", endpoint = "account/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionSummary>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::devices};
    with_status(devices::list(&request::context()?).await)
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
    let count =
        with_status(devices::revoke(&request::context()?, target, &request::origin()).await)?;
    let ends_this = match target {
        Revoke::All => true,
        Revoke::One(id) => id == session.session_id,
        Revoke::AllOthers => false,
    };
    if ends_this {
        request::clear_session(&state);
        leptos_axum::redirect("/login");
    } else {
        confirm_without_js(SettingsNotice::DevicesSignedOut);
    }
    Ok(match count {
        1 => "Signed out 1 device.".to_owned(),
        n => format!("Signed out {n} devices."),
    })
}

/// Where two-step sign-in stands, for the security page to render on the server (`None`
/// for a visitor): an unfinished set-up shows its secret again, and recovery codes kept for
/// this device are shown (and forgotten) here, so the page must call this once per render.
/// The page can hold a secret, so it is never stored by caches.
#[server(prefix = "/api", endpoint = "account/two-step")]
pub async fn get_two_step() -> Result<Option<TwoStep>, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::mfa};
    let state = request::state()?;
    let Some(session) = request::caller() else {
        return Ok(None);
    };
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
    with_status(mfa::two_step(&state, session.user_id, session.session_id).await).map(Some)
}

/// Starts setting up an authenticator app. Without JavaScript the security page then shows
/// the secret and the confirm form (see [`get_two_step`]).
#[server(prefix = "/api", endpoint = "account/mfa-enroll")]
pub async fn start_totp_enrollment() -> Result<TotpEnrollment, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::mfa};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let enrollment = with_status(
        mfa::enroll(
            &state,
            session.user_id,
            session.session_id,
            &request::origin(),
        )
        .await,
    )?;
    super::circles::redirect_back_without_js(&two_step_section());
    Ok(enrollment)
}

/// Confirms the authenticator app with its first code. This session becomes aal2 (a new
/// access token is issued) and the recovery codes are returned, once. A plain form post
/// gets an empty list and a redirect instead: its codes wait, sealed, for this session's
/// next view of the security page, never in a response the browser only follows.
#[server(prefix = "/api", endpoint = "account/mfa-verify")]
pub async fn finish_totp_enrollment(code: String) -> Result<RecoveryCodes, AppError> {
    use crate::server::{
        auth::request,
        http::errors::{is_plain_form_post, with_status},
        services::identity::mfa,
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let without_js = is_plain_form_post();
    let delivery = code_delivery(without_js);
    let codes = with_status(
        mfa::verify_enrollment(
            &state,
            session.user_id,
            session.session_id,
            &code,
            delivery,
            &request::origin(),
        )
        .await,
    )?;
    let mut amr = session.claims.amr.clone();
    amr.push("totp".into());
    let names = request::token_names(&session);
    request::reissue_access_token(&state, &session, "aal2", &amr, names);
    if without_js {
        leptos_axum::redirect(&two_step_section());
        return Ok(RecoveryCodes(Vec::new()));
    }
    Ok(codes)
}

/// New recovery codes in place of the old ones; needs a recent proof ("confirm it's you").
/// Like confirming the app, a plain form post gets an empty list and a redirect: the codes
/// wait, sealed, for this session's next view of the security page.
#[server(prefix = "/api", endpoint = "account/recovery-codes")]
pub async fn regenerate_recovery_codes() -> Result<RecoveryCodes, AppError> {
    use crate::server::{
        auth::request,
        http::errors::{is_plain_form_post, with_status},
        services::identity::mfa,
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let without_js = is_plain_form_post();
    let delivery = code_delivery(without_js);
    let codes = with_status(
        mfa::regenerate_recovery_codes(
            &state,
            session.user_id,
            session.session_id,
            delivery,
            &request::origin(),
        )
        .await,
    )?;
    if without_js {
        leptos_axum::redirect(&two_step_section());
        return Ok(RecoveryCodes(Vec::new()));
    }
    Ok(codes)
}

#[server(prefix = "/api", endpoint = "account/mfa-unenroll")]
pub async fn disable_totp(code: String) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::mfa};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(mfa::unenroll(&state, session.user_id, &code, &request::origin()).await)?;
    confirm_without_js(SettingsNotice::TwoStepOff);
    Ok("Two-step sign-in is off.".into())
}

/// The provider sign-ins (Google, GitHub) linked to the member's account.
#[server(prefix = "/api", endpoint = "account/sign-ins")]
pub async fn list_linked_sign_ins() -> Result<Vec<LinkedSignIn>, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::identity::linked_sign_ins,
    };
    with_status(linked_sign_ins::list(&request::context()?).await)
}

/// Unlinks one of the member's provider sign-ins (`id`), unless it is their only way in.
#[server(prefix = "/api", endpoint = "account/sign-ins-unlink")]
pub async fn unlink_sign_in(id: String) -> Result<String, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::identity::linked_sign_ins,
    };
    let state = request::state()?;
    let ctx = request::context()?;
    with_status(ctx.member())?;
    let id: uuid::Uuid =
        with_status(id.parse().map_err(|_| {
            AppError::BadRequest("That sign-in isn't linked to your account.".into())
        }))?;
    with_status(
        linked_sign_ins::unlink(
            &ctx,
            id,
            state.settings.auth.step_up_secs,
            &request::origin(),
        )
        .await,
    )?;
    confirm_without_js(SettingsNotice::SignInUnlinked);
    Ok(SettingsNotice::SignInUnlinked.message().into())
}

/// "Confirm it's you": the current password or a second-factor code, before a sensitive
/// change (a new email, two-step sign-in, unlinking a sign-in). Afterwards, for
/// `auth.step_up_secs`, this device may make those changes. A plain form post is sent on to
/// `next` (a settings page) to finish what it started.
#[server(prefix = "/api", endpoint = "account/confirm-it-is-you")]
pub async fn confirm_it_is_you(
    password: String,
    #[server(default)] code: String,
    #[server(default)] next: String,
) -> Result<String, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::step_up};
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    with_status(
        step_up::confirm(
            &state,
            session.user_id,
            session.session_id,
            &password,
            &code,
            &request::origin(),
        )
        .await,
    )?;
    super::circles::redirect_back_without_js(&crate::domain::identity::redirect::after_proof(
        &next,
    ));
    Ok(
        "Thank you. For the next few minutes you can change your email, two-step sign-in and \
        linked sign-ins from this device."
            .into(),
    )
}
