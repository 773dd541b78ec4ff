//! What a server function needs to know about its request: the state, who is asking, where
//! from, and a way to set or clear the session cookies on its response.

use crate::{
    domain::AppError,
    server::{
        auth::{
            audit::Origin,
            cookies::{self, CookiePolicy},
            session::{self, Caller, CurrentSession},
        },
        services::context::ServiceContext,
        services::identity::{
            IssuedSession,
            sessions::{self, ProfileNames},
        },
        state::AppState,
    },
};
use http::{HeaderValue, header, request::Parts};
use leptos::prelude::use_context;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Internal)
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The signed-in member, if any.
pub fn caller() -> Option<CurrentSession> {
    parts().and_then(|p| p.extensions.get::<Caller>().and_then(|c| c.0.clone()))
}

/// The service context for this request: the request pool and who is calling.
pub fn context() -> Result<ServiceContext, AppError> {
    Ok(ServiceContext::from_state(&state()?, caller()))
}

/// The signed-in member, or a kind "please sign in".
pub fn require_member() -> Result<CurrentSession, AppError> {
    caller().ok_or(AppError::Unauthorized)
}

pub fn origin() -> Origin {
    parts()
        .map(|p| session::origin_of(&p.headers, &p.extensions))
        .unwrap_or_default()
}

/// A cookie's value on this request.
pub fn cookie(policy: CookiePolicy, name: &str) -> Option<String> {
    parts().and_then(|p| policy.read(&p.headers, name))
}

pub fn append_cookie(value: HeaderValue) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.append_header(header::SET_COOKIE, value);
    }
}

/// Sets the new session's cookies on this response.
pub fn set_session(state: &AppState, issued: &IssuedSession) {
    for cookie in session::session_cookies(session::cookie_policy(state), issued, state) {
        append_cookie(cookie);
    }
}

/// Replaces this session's access token (the refresh token stays): after something the
/// token states has changed, such as the assurance level or the member's display name.
pub fn reissue_access_token(
    state: &AppState,
    session: &CurrentSession,
    aal: &str,
    amr: &[String],
    names: Option<ProfileNames>,
) {
    append_cookie(access_cookie(state, session, aal, amr, names));
}

/// This session's access token again, stating `names` (and `aal`, `amr`), as a cookie: for
/// handlers outside a render (an upload) to set themselves.
pub fn access_cookie(
    state: &AppState,
    session: &CurrentSession,
    aal: &str,
    amr: &[String],
    names: Option<ProfileNames>,
) -> HeaderValue {
    let claims = sessions::access_claims(
        &state.settings.auth,
        session.user_id,
        session.session_id,
        session.granted_role(),
        aal,
        amr,
        names,
        session.claims.standing.clone(),
    );
    session::cookie_policy(state).set(
        cookies::ACCESS,
        &state.keys.jwt.sign(&claims),
        state.settings.auth.access_token_ttl_secs,
    )
}

/// The names this session's token states, unchanged: for a new token about something else.
pub fn token_names(session: &CurrentSession) -> Option<ProfileNames> {
    let avatar = session
        .claims
        .avatar
        .as_deref()
        .and_then(|id| uuid::Uuid::parse_str(id).ok());
    names_with_avatar(session, avatar)
}

/// The names this session's token states, with `avatar_id` as the profile picture now.
pub fn names_with_avatar(
    session: &CurrentSession,
    avatar_id: Option<uuid::Uuid>,
) -> Option<ProfileNames> {
    session
        .claims
        .handle
        .clone()
        .zip(session.claims.display_name.clone())
        .map(|(handle, display_name)| ProfileNames {
            handle,
            display_name,
            avatar_id,
        })
}

/// Replaces this session's access token with one stating `standing`: after the member read
/// their warning, so the very next page stops showing it.
pub fn reissue_with_standing(
    state: &AppState,
    session: &CurrentSession,
    standing: Option<crate::domain::sanction::Standing>,
) {
    let names = token_names(session);
    let claims = sessions::access_claims(
        &state.settings.auth,
        session.user_id,
        session.session_id,
        session.granted_role(),
        &session.aal,
        &session.claims.amr,
        names,
        standing,
    );
    append_cookie(session::cookie_policy(state).set(
        cookies::ACCESS,
        &state.keys.jwt.sign(&claims),
        state.settings.auth.access_token_ttl_secs,
    ));
}

pub fn clear_session(state: &AppState) {
    for cookie in session::clearing_cookies(session::cookie_policy(state)) {
        append_cookie(cookie);
    }
}

/// Counts one `action` against the caller's write limit (`services::write_limits`).
pub async fn within_limit(
    action: crate::server::services::write_limits::WriteAction,
) -> Result<(), AppError> {
    let state = state()?;
    crate::server::services::write_limits::check(&state, caller().as_ref(), &origin(), action).await
}

/// A moderator or admin whose session passed a second factor (aal2): staff must use
/// two-step sign-in. Staff pages and actions start here.
pub fn require_staff() -> Result<CurrentSession, AppError> {
    let session = require_member()?;
    if session.role.is_staff() {
        return Ok(session);
    }
    // Staff whose session has not passed a second factor act as members (see
    // `CurrentSession::from_claims`): tell them why, not just "no".
    if session.granted_role().is_staff() {
        return Err(AppError::BadRequest(
            "Staff tools need two-step sign-in: turn it on in Settings, Security (or sign in again \
             with your authenticator app), then try again."
                .into(),
        ));
    }
    Err(AppError::Forbidden)
}

/// A member whose session passed a second factor, for moderation: site staff, or a circle's
/// moderator (the database then limits them to their circles). A member without two-step
/// sign-in is told how to get it rather than just "no".
pub fn require_moderator() -> Result<CurrentSession, AppError> {
    let session = require_member()?;
    if session.aal == "aal2" {
        return Ok(session);
    }
    Err(AppError::BadRequest(
        "Moderation needs two-step sign-in: turn it on in Settings, Security (or sign in again \
         with your authenticator app), then try again."
            .into(),
    ))
}

/// The value binding a confirmation mail to this browser: the one it already holds, or a new
/// one, set (again) as the `ws_confirm` cookie for as long as a mailed link lives.
pub fn confirmation_binding(state: &AppState) -> String {
    let policy = session::cookie_policy(state);
    let value = cookie(policy, cookies::CONFIRM)
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or_else(crate::server::auth::token::random_token);
    append_cookie(policy.set(
        cookies::CONFIRM,
        &value,
        state.settings.auth.mail_token_ttl_secs,
    ));
    value
}
