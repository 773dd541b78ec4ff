//! How fast one member (or, signed out, one client address) may write, react and search:
//! the spam and flood protection every community platform needs, counted in PostgreSQL so
//! every instance counts the same. Each limit is `limits.*_per_window` per
//! `limits.write_window_secs` (an hour by default), configurable, and answered with a kind
//! 429 (`AppError::SlowDown`) that a plain form shows on its page after the redirect.

use crate::{
    domain::AppError,
    server::{
        auth::{
            audit::Origin,
            rate_limit::{self, Limit},
            session::CurrentSession,
        },
        config::LimitSettings,
        services::identity::{limits::client_key, service_tx},
        state::AppState,
    },
};

/// What is being limited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteAction {
    Post,
    Comment,
    Reaction,
    Bookmark,
    JoinRequest,
    Search,
    Report,
}

impl WriteAction {
    fn as_str(self) -> &'static str {
        match self {
            WriteAction::Post => "post",
            WriteAction::Comment => "comment",
            WriteAction::Reaction => "reaction",
            WriteAction::Bookmark => "bookmark",
            WriteAction::JoinRequest => "join_request",
            WriteAction::Search => "search",
            WriteAction::Report => "report",
        }
    }

    fn max(self, limits: &LimitSettings) -> i32 {
        match self {
            WriteAction::Post => limits.posts_per_window,
            WriteAction::Comment => limits.comments_per_window,
            WriteAction::Reaction => limits.reactions_per_window,
            WriteAction::Bookmark => limits.bookmarks_per_window,
            WriteAction::JoinRequest => limits.join_requests_per_window,
            WriteAction::Search => limits.searches_per_window,
            WriteAction::Report => limits.reports_per_window,
        }
    }
}

/// Counts one `action` for the caller (per member when signed in, per client address
/// otherwise); `SlowDown` once over the limit. Without a known address a visitor is not
/// counted (never the case behind our own listener).
#[tracing::instrument(skip(state, caller, origin))]
pub async fn check(
    state: &AppState,
    caller: Option<&CurrentSession>,
    origin: &Origin,
    action: WriteAction,
) -> Result<(), AppError> {
    let limits = &state.settings.limits;
    let who = match (caller, origin.ip) {
        (Some(session), _) => format!("user:{}", session.user_id),
        (None, Some(ip)) => format!("ip:{}", client_key(ip)),
        (None, None) => return Ok(()),
    };
    let limit = Limit {
        max: action.max(limits),
        window_secs: limits.write_window_secs,
    };
    let mut tx = service_tx(&state.pool).await?;
    let result = rate_limit::hit(&mut tx, &format!("write:{}:{who}", action.as_str()), limit).await;
    tx.commit().await?;
    result.map_err(|error| match error {
        AppError::RateLimited { retry_after_secs } => AppError::SlowDown { retry_after_secs },
        other => other,
    })
}
