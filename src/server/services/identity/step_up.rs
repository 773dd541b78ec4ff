//! "Confirm it's you": a recent proof before the changes that would hand an account to
//! whoever holds a stolen session cookie — a new email, two-step sign-in on or off, an
//! unlinked sign-in. The proof is the current password or a second-factor code; signing in
//! counts too. It is kept on the session row (`auth.sessions.proven_at`), so it belongs to
//! one device and ends with it, and it lasts `auth.step_up_secs` (10 minutes by default).
//!
//! A password change needs none: it asks for the current password itself, which is a proof.

use super::{AuthKeys, limits, mfa, service_tx};
use crate::{
    domain::{AppError, FieldErrors},
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            password,
        },
        state::AppState,
    },
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

/// Refuses with [`AppError::ProofNeeded`] unless this session proved who it is within the
/// last `window_secs`. Runs in the caller's transaction, as the identity service.
pub async fn require_recent(
    conn: &mut PgConnection,
    session_id: Uuid,
    window_secs: i64,
) -> Result<(), AppError> {
    let fresh: Option<bool> = sqlx::query_scalar(
        "select proven_at > now() - make_interval(secs => $2)
           from auth.sessions where id = $1 and revoked_at is null",
    )
    .bind(session_id)
    .bind(window_secs as f64)
    .fetch_optional(&mut *conn)
    .await?;
    match fresh {
        Some(true) => Ok(()),
        _ => Err(AppError::ProofNeeded),
    }
}

/// Marks this session as just proven (a sign-in, a confirmed password or code).
pub async fn mark_proven(conn: &mut PgConnection, session_id: Uuid) -> Result<(), AppError> {
    sqlx::query("update auth.sessions set proven_at = now() where id = $1")
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What the "confirm it's you" page offers this member: their password, a code, or both.
/// An account with neither (a provider sign-in only) proves itself by signing in again.
pub async fn ways(state: &AppState, user_id: Uuid) -> Result<(bool, bool), AppError> {
    let mut tx = service_tx(&state.pool).await?;
    let ways: (bool, bool) = sqlx::query_as(
        "select password_hash is not null,
                exists (select 1 from auth.mfa_factors
                         where user_id = $1 and status = 'verified')
           from auth.users where id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ways)
}

/// Checks the current password or a second-factor code and, when it is right, marks the
/// session proven. The password is checked with no transaction open (hashing is slow and
/// bounded by [`password::Hashing`]); codes count against the account's second-factor limit.
#[tracing::instrument(skip(state, password_input, code, origin))]
pub async fn confirm(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    password_input: &str,
    code: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let code = code.trim();
    if password_input.is_empty() && code.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add(
            "password",
            "Please enter your password, or a code from your authenticator app.",
        );
        return Err(AppError::Invalid(errors));
    }
    let method = if code.is_empty() {
        confirm_password(state, user_id, password_input).await?;
        "password"
    } else {
        confirm_code(state, &state.keys, user_id, code, origin).await?
    };
    let mut tx = service_tx(&state.pool).await?;
    mark_proven(&mut tx, session_id).await?;
    audit::record(
        &mut tx,
        AuthEvent::Reauthenticated,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "session_id": session_id, "method": method }),
    )
    .await?;
    Ok(tx.commit().await?)
}

async fn confirm_password(
    state: &AppState,
    user_id: Uuid,
    password_input: &str,
) -> Result<(), AppError> {
    if password_input.chars().count() > password::MAX_LEN {
        return Err(wrong_password());
    }
    limits::per_user(
        state,
        "password_check",
        user_id,
        state.settings.limits.password_per_account,
    )
    .await?;
    let Some(stored) = stored_password(state, user_id).await? else {
        return Err(wrong_password());
    };
    if state
        .hashing
        .verify(password_input.to_owned(), stored)
        .await?
    {
        Ok(())
    } else {
        Err(wrong_password())
    }
}

async fn confirm_code(
    state: &AppState,
    keys: &AuthKeys,
    user_id: Uuid,
    code: &str,
    origin: &Origin,
) -> Result<&'static str, AppError> {
    let attempt = limits::second_factor(state, user_id).await?;
    let mut tx = service_tx(&state.pool).await?;
    match mfa::check_code(&mut tx, keys, user_id, code, attempt).await? {
        Some(method) => {
            tx.commit().await?;
            Ok(method)
        }
        None => {
            audit::record(
                &mut tx,
                AuthEvent::MfaFailed,
                Some(user_id),
                Some(user_id),
                origin,
                json!({ "during": "reauthentication" }),
            )
            .await?;
            tx.commit().await?;
            let mut errors = FieldErrors::new();
            errors.add(
                "code",
                "That code didn't work. Try the newest code from your app, or a recovery code.",
            );
            Err(AppError::Invalid(errors))
        }
    }
}

/// The account's password hash (none for provider-only accounts), read in a transaction of
/// its own that ends before anyone hashes: argon2 never runs with a connection held.
pub(super) async fn stored_password(
    state: &AppState,
    user_id: Uuid,
) -> Result<Option<String>, AppError> {
    let mut tx = service_tx(&state.pool).await?;
    let stored = sqlx::query_scalar("select password_hash from auth.users where id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(stored)
}

fn wrong_password() -> AppError {
    let mut errors = FieldErrors::new();
    errors.add("password", "That isn't your current password.");
    AppError::Invalid(errors)
}
