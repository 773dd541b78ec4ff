//! The session middleware: turns cookies into who is asking, before any page or server
//! function runs.
//!
//! - A valid access token (HS256, our issuer and audience, unexpired) is trusted for reads
//!   without touching the database: that keeps authenticated pages as cheap as anonymous ones.
//! - Every request, GET included, asks the instance's revocation set (fed by NOTIFY from
//!   every instance) whether the token's session was revoked or the member's role changed.
//! - An expired or missing access token with a refresh cookie is rotated here, and the new
//!   cookies ride on this response: the member never notices.
//! - Every state-changing request also checks the session row (idle timeout, lifetime,
//!   revocation), so those take effect at once for writes even if a notice was missed.
//!   Server functions that only read (`api::READ_ONLY`) skip it.

use crate::{
    domain::AccountRole,
    server::{
        auth::{
            audit::Origin,
            cookies::{self, CookiePolicy},
            jwt::{AccessClaims, JwtError},
            revocation::TokenStanding,
        },
        db::scoped::{DbRole, RequestClaims},
        http::client_ip::ClientIp,
        services::identity::{IssuedSession, sessions},
        state::AppState,
        telemetry::RequestContext,
    },
};
use axum::{
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::Response,
};
use http::{HeaderMap, HeaderValue, Method, header};
use std::net::SocketAddr;
use uuid::Uuid;

/// A signed-in member's verified session.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub user_id: Uuid,
    pub session_id: Uuid,
    pub aal: String,
    pub role: AccountRole,
    pub claims: AccessClaims,
}

impl CurrentSession {
    /// `role` is the role this session may act with: a moderator or admin whose session has
    /// not passed a second factor (aal1) acts as a member until they turn two-step sign-in
    /// on and sign in with it. A stolen staff password alone is then worth a member's
    /// account, not the community's. The token keeps the real role (`claims.app_role`), so
    /// the revocation set still sees role changes.
    pub(crate) fn from_claims(claims: AccessClaims) -> Option<Self> {
        let granted = AccountRole::parse(&claims.app_role)?;
        let role = if granted.is_staff() && claims.aal != "aal2" {
            AccountRole::Member
        } else {
            granted
        };
        Some(Self {
            user_id: claims.sub.parse().ok()?,
            session_id: claims.session_id.parse().ok()?,
            aal: claims.aal.clone(),
            role,
            claims,
        })
    }

    /// The role the account holds (in the token), whatever this session may act with: what a
    /// re-issued token must carry, so the revocation set does not read it as a role change.
    pub fn granted_role(&self) -> AccountRole {
        AccountRole::parse(&self.claims.app_role).unwrap_or(self.role)
    }

    /// How the database sees this member: `authenticated` with these claims, the role in
    /// them being the one this session may act with (so staff policies need aal2 too).
    pub fn request_claims(&self) -> RequestClaims {
        let mut claims = serde_json::to_value(&self.claims)
            .unwrap_or_else(|_| serde_json::json!({ "role": "authenticated" }));
        if let Some(object) = claims.as_object_mut() {
            object.insert("app_role".into(), self.role.as_str().into());
        }
        RequestClaims {
            role: DbRole::Authenticated,
            claims,
        }
    }
}

/// Who is asking; in every request's extensions.
#[derive(Clone, Debug, Default)]
pub struct Caller(pub Option<CurrentSession>);

/// Cookies to set on a response, placed in extensions by code that signs in or out.
pub fn session_cookies(
    policy: CookiePolicy,
    issued: &IssuedSession,
    state: &AppState,
) -> [HeaderValue; 2] {
    let auth = &state.settings.auth;
    [
        policy.set(
            cookies::ACCESS,
            &issued.access_token,
            auth.access_token_ttl_secs,
        ),
        policy.set(
            cookies::REFRESH,
            &issued.refresh_token,
            auth.session_max_lifetime_secs,
        ),
    ]
}

pub fn clearing_cookies(policy: CookiePolicy) -> [HeaderValue; 2] {
    [
        policy.clear(cookies::ACCESS),
        policy.clear(cookies::REFRESH),
    ]
}

pub fn cookie_policy(state: &AppState) -> CookiePolicy {
    CookiePolicy {
        secure: state.settings.server.secure_cookies,
    }
}

/// Where a request came from, for rate limits, the sessions list and the audit log. The
/// address is the one `http::client_ip` resolved (the TCP peer unless that is a trusted
/// proxy); without it (a router driven without a socket) the peer, if any.
pub fn origin_of(headers: &HeaderMap, extensions: &http::Extensions) -> Origin {
    Origin {
        ip: extensions
            .get::<ClientIp>()
            .map(|ClientIp(ip)| *ip)
            .or_else(|| {
                extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip())
            }),
        request_id: extensions
            .get::<RequestContext>()
            .map(|c| c.request_id.to_string()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(512)
            .collect(),
    }
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub async fn middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let policy = cookie_policy(&state);
    let headers = request.headers();
    let access = policy.read(headers, cookies::ACCESS);
    let refresh = policy.read(headers, cookies::REFRESH);
    let mut set_cookies: Option<[HeaderValue; 2]> = None;
    let auth = &state.settings.auth;

    let mut current = access.as_deref().and_then(|token| {
        match state
            .keys
            .jwt
            .verify(token, sessions::now_unix(), &auth.issuer, &auth.audience)
        {
            Ok(claims) => CurrentSession::from_claims(claims),
            Err(JwtError::Expired(_)) => None,
            Err(error) => {
                tracing::info!(?error, "ignored an access token that did not verify");
                None
            }
        }
    });

    // Revoked on any instance, or issued before a role change: not trusted. A revoked
    // session's refresh below fails and clears the cookies; a changed role's refresh
    // issues a token with the new role.
    if let Some(session) = &current {
        let standing = state.revocations.standing(
            session.session_id,
            session.user_id,
            &session.claims.app_role,
            session.claims.standing.as_ref().map_or(0, |s| s.id),
            session.claims.iat,
        );
        if standing != TokenStanding::Valid {
            tracing::info!(?standing, "access token no longer trusted");
            current = None;
        }
    }

    if current.is_none()
        && let Some(refresh_token) = refresh.as_deref()
    {
        let origin = origin_of(request.headers(), request.extensions());
        match sessions::refresh(&state.pool, &state.keys, auth, refresh_token, &origin).await {
            Ok(Some(issued)) => {
                set_cookies = Some(session_cookies(policy, &issued, &state));
                current = CurrentSession::from_claims(issued.claims);
            }
            Ok(None) => set_cookies = Some(clearing_cookies(policy)),
            // The database is away. A write must not go on as a visitor's ("please sign
            // in" would be untrue, and the member's words would be refused for it): it is
            // told the truth. A read carries on signed out; the cookies keep for later.
            Err(error) => {
                tracing::warn!(?error, "could not refresh a session");
                if is_write(request.method()) && error == crate::domain::AppError::Unavailable {
                    return crate::server::http::errors::error_response(error);
                }
            }
        }
    }

    if let Some(session) = &current
        && is_write(request.method())
        && !state.read_only_paths.contains(&request.uri().path())
    {
        match sessions::is_live(&state.pool, auth, session.session_id).await {
            Ok(true) => {}
            Ok(false) => {
                current = None;
                set_cookies = Some(clearing_cookies(policy));
            }
            // Unknown is not signed out: the write waits for a database that can say.
            Err(error) => {
                tracing::warn!(?error, "could not check a session; the write is refused");
                return crate::server::http::errors::error_response(
                    crate::domain::AppError::Unavailable,
                );
            }
        }
    }

    if let Some(session) = &current {
        tracing::Span::current().record("user_id", tracing::field::display(session.user_id));
    }
    request.extensions_mut().insert(Caller(current));
    let mut response = next.run(request).await;
    if let Some(cookies) = set_cookies {
        // A handler that signed in or out, or re-issued the access token, already decided
        // those cookies; the rest still go out (a rotated refresh token must never be lost).
        let decided: Vec<String> = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(cookie_name)
            .collect();
        for cookie in cookies {
            if cookie_name(&cookie).is_some_and(|name| !decided.contains(&name)) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
        }
    }
    response
}

/// The name a `Set-Cookie` value sets.
fn cookie_name(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let (name, _) = text.split_once('=')?;
    Some(name.trim().to_owned())
}
