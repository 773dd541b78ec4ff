//! The two browser redirects of "Sign in with Google / GitHub". Plain axum handlers rather
//! than server functions: the browser arrives by navigation, not by a form or a fetch.
//!
//! - `GET /auth/oauth/{provider}/start?next=/path` sets the state cookie and sends the
//!   browser to the provider (303).
//! - `GET /auth/oauth/{provider}/callback?code=..&state=..` is where the provider sends it
//!   back: on success the session cookies are set and the browser goes to `next` (or to the
//!   second-factor step); on any failure to `/login?error=oauth`, the reason in the log.
//!
//! An unknown or unconfigured provider is a 404 on both.

use crate::{
    api::auth::MFA_TICKET,
    domain::AppError,
    server::{
        auth::{cookies::CookiePolicy, session},
        http::errors::error_response,
        services::identity::{
            oauth::{self, Provider, STATE_COOKIE, STATE_TTL_SECS},
            sign_in::SignInResult,
        },
        state::AppState,
    },
};
use axum::{
    extract::{Path, Query, State, rejection::QueryRejection},
    response::{IntoResponse, Redirect, Response},
};
use http::{HeaderValue, header, request::Parts};
use serde::Deserialize;

/// Where every failed attempt lands; the login page explains.
pub const FAILURE_REDIRECT: &str = "/login?error=oauth";
/// How long the second-factor ticket cookie lives, as for password sign-in.
const MFA_TICKET_TTL_SECS: i64 = 300;

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set instead of `code` when the person declined or the provider refused.
    error: Option<String>,
}

/// The provider named in the path, when this deployment has it configured.
fn configured(state: &AppState, name: &str) -> Option<Provider> {
    Provider::parse(name).filter(|p| p.settings(&state.settings.oauth).is_some())
}

pub async fn start(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    query: Result<Query<StartQuery>, QueryRejection>,
) -> Response {
    let Some(provider) = configured(&state, &provider) else {
        return error_response(AppError::NotFound);
    };
    let next = query.ok().and_then(|Query(q)| q.next);
    let policy = session::cookie_policy(&state);
    match oauth::start(&state, provider, next.as_deref()) {
        Ok(authorization) => redirect(
            &authorization.redirect_url,
            [policy.set(STATE_COOKIE, &authorization.state_cookie, STATE_TTL_SECS)],
        ),
        Err(error) => {
            tracing::error!(
                provider = provider.as_str(),
                ?error,
                "could not start OAuth sign-in"
            );
            redirect(FAILURE_REDIRECT, [])
        }
    }
}

pub async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    query: Result<Query<CallbackQuery>, QueryRejection>,
    parts: Parts,
) -> Response {
    let Some(provider) = configured(&state, &provider) else {
        return error_response(AppError::NotFound);
    };
    let policy = session::cookie_policy(&state);
    // Single use, whatever happens next.
    let clear_state = policy.clear(STATE_COOKIE);
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => {
            tracing::warn!(provider = provider.as_str(), %rejection, "OAuth callback query unreadable");
            return redirect(FAILURE_REDIRECT, [clear_state]);
        }
    };
    if let Some(error) = &query.error {
        let error: String = error.chars().take(100).collect();
        tracing::info!(provider = provider.as_str(), %error, "the provider did not authorize");
        return redirect(FAILURE_REDIRECT, [clear_state]);
    }
    let origin = session::origin_of(&parts.headers, &parts.extensions);
    let cookie = policy.read(&parts.headers, STATE_COOKIE);
    let outcome = oauth::callback(
        &state,
        provider,
        query.code.as_deref(),
        query.state.as_deref(),
        cookie.as_deref(),
        &origin,
    )
    .await;
    match outcome {
        Ok(done) => match done.result {
            SignInResult::Session(issued) => {
                let [access, refresh] = session::session_cookies(policy, &issued, &state);
                redirect(&done.next, [clear_state, access, refresh])
            }
            SignInResult::SecondFactor { ticket } => redirect(
                &second_factor_path(&done.next),
                [clear_state, mfa_ticket(policy, &ticket)],
            ),
        },
        // Already logged, with its reason, by the service.
        Err(_) => redirect(FAILURE_REDIRECT, [clear_state]),
    }
}

fn mfa_ticket(policy: CookiePolicy, ticket: &str) -> HeaderValue {
    policy.set(MFA_TICKET, ticket, MFA_TICKET_TTL_SECS)
}

/// `/login/mfa?next=...`, the same step password sign-in continues at.
fn second_factor_path(next: &str) -> String {
    let encoded: String = next
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/login/mfa?next={encoded}")
}

/// A 303 carrying these cookies, never stored by a cache.
fn redirect<const N: usize>(to: &str, cookies: [HeaderValue; N]) -> Response {
    let mut response = Redirect::to(to).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_factor_step_keeps_next_encoded() {
        assert_eq!(second_factor_path("/"), "/login/mfa?next=/");
        assert_eq!(
            second_factor_path("/c/garden?tab=new&x=1"),
            "/login/mfa?next=/c/garden%3Ftab%3Dnew%26x%3D1"
        );
    }

    #[test]
    fn redirects_are_303_uncached_and_carry_every_cookie() {
        let policy = CookiePolicy { secure: true };
        let response = redirect("/next", [policy.set("a", "1", 10), policy.clear("b")]);
        assert_eq!(response.status(), http::StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/next");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert_eq!(
            response
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .count(),
            2
        );
    }
}
