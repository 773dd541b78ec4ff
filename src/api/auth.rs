//! Signing up, in and out, and the mailed links. Endpoints are stable: `/api/auth/...`.
//! Each works as a plain HTML form post (no JavaScript) and as a server-function call.

use crate::domain::AppError;
use leptos::prelude::*;

/// The page's confirmation: its words, and, for a plain form post, a redirect back to the
/// page with its `?done=` flag so the page can say them.
#[cfg(feature = "ssr")]
fn done(notice: crate::domain::AccountNotice) -> String {
    super::circles::redirect_back_without_js(&notice.return_path());
    notice.message().to_owned()
}

#[server(prefix = "/api", endpoint = "auth/signup")]
pub async fn register(
    email: String,
    password: String,
    handle: String,
    display_name: String,
) -> Result<String, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::identity::sign_up::{SignUp, sign_up},
    };
    let state = request::state()?;
    let form = SignUp {
        email,
        password,
        handle,
        display_name,
    };
    let binding = request::confirmation_binding(&state);
    with_status(sign_up(&state, form, &binding, &request::origin()).await)?;
    Ok(done(crate::domain::AccountNotice::SignedUp))
}

/// Email and password. On success the session cookies are set and the browser is sent on;
/// an account with two-step sign-in continues at `/login/mfa`.
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::sign_in};
    let state = request::state()?;
    let binding = request::confirmation_binding(&state);
    let result = with_status(
        sign_in::with_password(&state, &email, &password, &binding, &request::origin()).await,
    )?;
    finish_sign_in(&state, result, next.as_deref());
    Ok(())
}

#[cfg(feature = "ssr")]
fn finish_sign_in(
    state: &crate::server::state::AppState,
    result: crate::server::services::identity::sign_in::SignInResult,
    next: Option<&str>,
) {
    use crate::{
        domain::identity::redirect::safe_redirect,
        server::{
            auth::{cookies::CookiePolicy, request, session},
            services::identity::sign_in::SignInResult,
        },
    };
    let next = safe_redirect(next);
    match result {
        SignInResult::Session(issued) => {
            request::set_session(state, &issued);
            leptos_axum::redirect(&next);
        }
        SignInResult::SecondFactor { ticket } => {
            let policy: CookiePolicy = session::cookie_policy(state);
            request::append_cookie(policy.set(MFA_TICKET, &ticket, 300));
            let encoded: String = next
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect();
            leptos_axum::redirect(&format!("/login/mfa?next={encoded}"));
        }
    }
}

/// The cookie carrying the 5-minute proof of a correct first factor.
#[cfg(feature = "ssr")]
pub(crate) const MFA_TICKET: &str = "ws_mfa";

/// The second step: a code from the authenticator app, or a recovery code.
#[server(prefix = "/api", endpoint = "auth/login-mfa")]
pub async fn login_second_factor(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::{
        domain::identity::redirect::safe_redirect,
        server::{
            auth::{request, session},
            http::errors::with_status,
            services::identity::sign_in,
        },
    };
    let state = request::state()?;
    let policy = session::cookie_policy(&state);
    let Some(ticket) = request::cookie(policy, MFA_TICKET) else {
        return with_status(Err(AppError::BadRequest(
            "That sign-in step has expired. Please sign in again from the start.".into(),
        )));
    };
    let issued =
        with_status(sign_in::with_second_factor(&state, &ticket, &code, &request::origin()).await)?;
    request::append_cookie(policy.clear(MFA_TICKET));
    request::set_session(&state, &issued);
    leptos_axum::redirect(&safe_redirect(next.as_deref()));
    Ok(())
}

/// Ends this session on the server at once and clears its cookies.
#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{auth::request, services::identity::sessions};
    let state = request::state()?;
    if let Some(session) = request::caller() {
        sessions::end(
            &state.pool,
            session.user_id,
            session.session_id,
            &request::origin(),
        )
        .await?;
    }
    request::clear_session(&state);
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/forgot")]
pub async fn forgot_password(email: String) -> Result<String, AppError> {
    request_account_link(email, false).await
}

#[server(prefix = "/api", endpoint = "auth/magic-link")]
pub async fn request_magic_link(email: String) -> Result<String, AppError> {
    request_account_link(email, true).await
}

#[cfg(feature = "ssr")]
async fn request_account_link(email: String, magic: bool) -> Result<String, AppError> {
    use crate::{
        domain::{
            FieldErrors,
            identity::validate::{self, normalize_email},
        },
        server::{
            auth::request,
            http::errors::with_status,
            services::identity::{limits, mail_links},
        },
    };
    let state = request::state()?;
    let email = normalize_email(&email);
    let mut errors = FieldErrors::new();
    errors.check("email", validate::email(&email));
    with_status(errors.into_result())?;
    let origin = request::origin();
    let limits_config = &state.settings.limits;
    with_status(limits::per_ip(&state, "mail", &origin, limits_config.mail_per_ip).await)?;
    with_status(limits::per_account(&state, "mail", &email, limits_config.mail_per_account).await)?;
    let purpose = if magic {
        mail_links::Purpose::MagicLink
    } else {
        mail_links::Purpose::ResetPassword
    };
    with_status(mail_links::send_account_link(&state, &email, purpose).await)?;
    Ok(done(if magic {
        crate::domain::AccountNotice::SignInLinkSent
    } else {
        crate::domain::AccountNotice::ResetLinkSent
    }))
}

/// Sets a new password from the link in a reset mail.
#[server(prefix = "/api", endpoint = "auth/reset")]
pub async fn reset_password(token: String, password: String) -> Result<String, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::identity::password_change,
    };
    let state = request::state()?;
    with_status(
        password_change::reset_password(&state, &token, &password, &request::origin()).await,
    )?;
    Ok(done(crate::domain::AccountNotice::PasswordReset))
}

/// Signs in with the link from a magic-link mail.
#[server(prefix = "/api", endpoint = "auth/magic")]
pub async fn redeem_magic_link(token: String) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::identity::sign_in};
    let state = request::state()?;
    let result = with_status(sign_in::with_magic_link(&state, &token, &request::origin()).await)?;
    finish_sign_in(&state, result, None);
    Ok(())
}

/// Confirms an address from a confirmation or change-of-email link.
#[server(prefix = "/api", endpoint = "auth/verify")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    use crate::server::{
        auth::request,
        http::errors::with_status,
        services::identity::password_change::{self, Confirmed},
    };
    let state = request::state()?;
    let keep = request::caller().map(|s| s.session_id);
    let binding = request::cookie(
        crate::server::auth::session::cookie_policy(&state),
        crate::server::auth::cookies::CONFIRM,
    );
    let confirmed = with_status(
        password_change::confirm(&state, &token, keep, binding.as_deref(), &request::origin())
            .await,
    )?;
    use crate::domain::AccountNotice;
    Ok(done(match confirmed {
        Confirmed::Email => AccountNotice::EmailConfirmed,
        Confirmed::EmailPasswordCleared => AccountNotice::EmailConfirmedPasswordCleared,
        Confirmed::NewEmail => AccountNotice::NewEmailConfirmed,
    }))
}

/// From the notice mailed to the old address when the email changes: cancels the change,
/// puts the old address back and signs out every device (this one too).
#[server(prefix = "/api", endpoint = "auth/email-cancel")]
pub async fn cancel_email_change(token: String) -> Result<String, AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::identity::password_change,
    };
    let state = request::state()?;
    with_status(password_change::cancel_email_change(&state, &token, &request::origin()).await)?;
    request::clear_session(&state);
    Ok(done(crate::domain::AccountNotice::EmailChangeCancelled))
}

/// The sign-in providers this deployment offers (`"google"`, `"github"`), for clients other
/// than our pages: those get the same list from the server at render time
/// (`domain::OAuthProviders` in context), so hydration never waits on it.
#[server(prefix = "/api", endpoint = "auth/providers")]
pub async fn oauth_providers() -> Result<Vec<String>, AppError> {
    use crate::server::{auth::request, services::identity::oauth};
    let state = request::state()?;
    Ok(oauth::configured(&state.settings.oauth)
        .into_iter()
        .map(|provider| provider.as_str().to_owned())
        .collect())
}
