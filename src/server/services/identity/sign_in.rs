//! Signing in: by password, by magic link, and the TOTP step that follows either when the
//! account has a second factor. Every success starts a new session (no fixation); every
//! failure answers the same whether or not the email has an account.

use super::{IssuedSession, limits, mail_links, mfa, proof_of_address, service_tx, sessions};
use crate::{
    domain::{
        AccountRole, AppError, FieldErrors,
        identity::validate::{self, normalize_email},
    },
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            jwt::AccessClaims,
            password,
            token::hash_token,
        },
        state::AppState,
    },
};
use serde_json::json;
use uuid::Uuid;

/// Where a correct first factor leads.
#[derive(Debug)]
pub enum SignInResult {
    Session(Box<IssuedSession>),
    /// Ask for a TOTP or recovery code; the ticket proves the first factor for 5 minutes.
    SecondFactor {
        ticket: String,
    },
}

#[derive(sqlx::FromRow)]
struct Credentials {
    id: Uuid,
    password_hash: Option<String>,
    role: String,
    confirmed: bool,
    has_mfa: bool,
}

const TICKET_TTL_SECS: i64 = 300;

fn ticket_audience(state: &AppState) -> String {
    format!("{}:second-factor", state.settings.auth.audience)
}

pub(crate) fn issue_ticket(
    state: &AppState,
    user_id: Uuid,
    role: AccountRole,
    method: &str,
) -> String {
    let now = sessions::now_unix();
    let claims = AccessClaims {
        sub: user_id.to_string(),
        role: "second_factor_pending".into(),
        aal: "aal1".into(),
        amr: vec![method.to_owned()],
        session_id: String::new(),
        iss: state.settings.auth.issuer.clone(),
        aud: ticket_audience(state),
        iat: now,
        exp: now + TICKET_TTL_SECS,
        app_role: role.as_str().into(),
        handle: None,
        display_name: None,
        avatar: None,
        standing: None,
    };
    state.keys.jwt.sign(&claims)
}

/// Email and password. Checks the shared limits and the account's growing delay first.
#[tracing::instrument(skip_all)]
pub async fn with_password(
    state: &AppState,
    email: &str,
    password_input: &str,
    binding: &str,
    origin: &Origin,
) -> Result<SignInResult, AppError> {
    let email = normalize_email(email);
    let mut errors = FieldErrors::new();
    if email.is_empty() {
        errors.add("email", "Please enter your email address.");
    } else {
        errors.check("email", validate::email(&email));
    }
    if password_input.is_empty() {
        errors.add("password", "Please enter your password.");
    } else if password_input.chars().count() > password::MAX_LEN {
        errors.add("password", "Passwords are at most 128 characters.");
    }
    errors.into_result()?;
    let limits_config = &state.settings.limits;
    limits::per_ip(state, "sign_in", origin, limits_config.sign_in_per_ip).await?;
    // Failures slow down this account from this client only: keyed by the account alone,
    // anyone could keep its owner (a moderator, say) locked out with a wrong guess now and
    // then. The per-IP limit above bounds what one client tries across accounts.
    let attempt_key = attempt_key(&email, origin);
    limits::per_account(
        state,
        "sign_in",
        &attempt_key,
        limits_config.sign_in_per_account,
    )
    .await?;
    wait_after_failures(state, &attempt_key).await?;

    // Read, then let the transaction go: argon2 runs with no connection held.
    let user: Option<Credentials> = {
        let mut tx = service_tx(&state.pool).await?;
        let user = sqlx::query_as(
            "select u.id, u.password_hash, u.role, u.email_confirmed_at is not null as confirmed,
                    exists (select 1 from auth.mfa_factors f
                             where f.user_id = u.id and f.status = 'verified') as has_mfa
               from auth.users u where u.email = $1",
        )
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        user
    };
    let verified = match user.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(hash) => state
            .hashing
            .verify(password_input.to_owned(), hash)
            .await
            .or_else(|error| match error {
                password::PasswordError::Busy => Err(AppError::from(error)),
                _ => Ok(false),
            })?,
        None => {
            // Same work as a real check, so timing says nothing about the account.
            state.hashing.burn_time(password_input.to_owned()).await;
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        record_failure(state, &email, &attempt_key, origin).await?;
        return Err(AppError::SignInFailed);
    };
    let mut tx = service_tx(&state.pool).await?;
    clear_failures(&mut tx, &attempt_key).await?;
    if !user.confirmed {
        // Not more than once a day: someone who signed up with another person's address
        // must not be able to keep mailing them by trying to sign in.
        if mail_links::may_send_reminder(&mut tx, user.id, &state.settings.auth).await? {
            mail_links::send_confirmation(&mut tx, state, user.id, &email, binding).await?;
        }
        tx.commit().await?;
        return Err(AppError::BadRequest(
            "Please confirm your email address first: we've sent you a link (check your inbox)."
                .into(),
        ));
    }
    let role = AccountRole::parse(&user.role).unwrap_or(AccountRole::Member);
    if user.has_mfa {
        tx.commit().await?;
        return Ok(SignInResult::SecondFactor {
            ticket: issue_ticket(state, user.id, role, "password"),
        });
    }
    let issued = finish(state, &mut tx, user.id, role, "aal1", &["password"], origin).await?;
    tx.commit().await?;
    Ok(SignInResult::Session(Box::new(issued)))
}

/// A magic link from the member's inbox: it also confirms the address.
#[tracing::instrument(skip_all)]
pub async fn with_magic_link(
    state: &AppState,
    token: &str,
    origin: &Origin,
) -> Result<SignInResult, AppError> {
    let mut tx = service_tx(&state.pool).await?;
    let Some(link) = mail_links::consume(&mut tx, token, mail_links::Purpose::MagicLink).await?
    else {
        return Err(AppError::TokenInvalid);
    };
    let user_id = link.user_id;
    // The link proves the inbox, not any password chosen before: one chosen by someone else
    // who signed up with this address is cleared here (see proof_of_address).
    let proven = proof_of_address::prove(&mut tx, user_id, false).await?;
    if proven.password_cleared {
        audit::record(
            &mut tx,
            AuthEvent::EmailConfirmed,
            Some(user_id),
            Some(user_id),
            origin,
            json!({ "by": "magic_link", "unproven_password_cleared": true }),
        )
        .await?;
    }
    let role = AccountRole::parse(&proven.role).unwrap_or(AccountRole::Member);
    if proven.has_mfa {
        tx.commit().await?;
        return Ok(SignInResult::SecondFactor {
            ticket: issue_ticket(state, user_id, role, "magic_link"),
        });
    }
    let issued = finish(
        state,
        &mut tx,
        user_id,
        role,
        "aal1",
        &["magic_link"],
        origin,
    )
    .await?;
    tx.commit().await?;
    Ok(SignInResult::Session(Box::new(issued)))
}

/// The second step: a TOTP code or a recovery code for the account the ticket names.
#[tracing::instrument(skip_all)]
pub async fn with_second_factor(
    state: &AppState,
    ticket: &str,
    code: &str,
    origin: &Origin,
) -> Result<IssuedSession, AppError> {
    let claims = state
        .keys
        .jwt
        .verify(
            ticket,
            sessions::now_unix(),
            &state.settings.auth.issuer,
            &ticket_audience(state),
        )
        .map_err(|_| {
            AppError::BadRequest(
                "That sign-in step has expired. Please sign in again from the start.".into(),
            )
        })?;
    let user_id: Uuid = claims.sub.parse().map_err(|_| AppError::TokenInvalid)?;
    let attempt = limits::second_factor(state, user_id).await?;
    let mut tx = service_tx(&state.pool).await?;
    let Some(method) = mfa::check_code(&mut tx, &state.keys, user_id, code, attempt).await? else {
        audit::record(
            &mut tx,
            AuthEvent::MfaFailed,
            Some(user_id),
            Some(user_id),
            origin,
            json!({}),
        )
        .await?;
        tx.commit().await?;
        let mut errors = FieldErrors::new();
        errors.add(
            "code",
            "That code didn't work. Check your authenticator app's clock and try the newest code, \
             or use a recovery code.",
        );
        return Err(AppError::Invalid(errors));
    };
    let role = AccountRole::parse(&claims.app_role).unwrap_or(AccountRole::Member);
    let first = claims
        .amr
        .first()
        .cloned()
        .unwrap_or_else(|| "password".into());
    let issued = finish(
        state,
        &mut tx,
        user_id,
        role,
        "aal2",
        &[first.as_str(), method],
        origin,
    )
    .await?;
    tx.commit().await?;
    Ok(issued)
}

/// Starts the session and writes the sign-in audit row.
pub(crate) async fn finish(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    user_id: Uuid,
    role: AccountRole,
    aal: &str,
    amr: &[&str],
    origin: &Origin,
) -> Result<IssuedSession, AppError> {
    let amr: Vec<String> = amr.iter().map(|m| (*m).to_owned()).collect();
    let issued = sessions::start(
        conn,
        &state.keys,
        &state.settings.auth,
        user_id,
        role,
        aal,
        &amr,
        origin,
    )
    .await?;
    audit::record(
        conn,
        AuthEvent::SignIn,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "session_id": issued.session_id, "amr": amr, "aal": aal }),
    )
    .await?;
    Ok(issued)
}

/// What failed sign-ins are counted by: the account (known or not) and the client
/// ([`limits::client_key`]), hashed, so typed-in addresses are not stored.
fn attempt_key(email: &str, origin: &Origin) -> String {
    let client = origin.ip.map(limits::client_key).unwrap_or_default();
    format!("{email}\n{client}")
}

/// Refuses an attempt while this account-and-client's growing delay runs (known emails or
/// not).
async fn wait_after_failures(state: &AppState, attempt_key: &str) -> Result<(), AppError> {
    let threshold = state.settings.limits.failures_before_delay;
    let mut tx = service_tx(&state.pool).await?;
    let wait: Option<f64> = sqlx::query_scalar(
        "select extract(epoch from last_failed_at
                + make_interval(secs => least(900, power(2, failures - $2)::float8)) - now())::float8
           from auth.sign_in_failures where email_hash = $1 and failures >= $2",
    )
    .bind(hash_token(attempt_key))
    .bind(threshold)
    .fetch_optional(&mut *tx)
    .await
    ?;
    tx.commit().await?;
    match wait {
        Some(secs) if secs > 0.0 => Err(AppError::RateLimited {
            retry_after_secs: secs.ceil() as u64,
        }),
        _ => Ok(()),
    }
}

async fn record_failure(
    state: &AppState,
    email: &str,
    attempt_key: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let mut tx = service_tx(&state.pool).await?;
    sqlx::query(
        "insert into auth.sign_in_failures (email_hash, failures, last_failed_at) values ($1, 1, now())
         on conflict (email_hash) do update
            set failures = auth.sign_in_failures.failures + 1, last_failed_at = now()",
    )
    .bind(hash_token(attempt_key))
    .execute(&mut *tx)
    .await
    ?;
    let subject: Option<Uuid> = sqlx::query_scalar("select id from auth.users where email = $1")
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuthEvent::SignInFailed,
        None,
        subject,
        origin,
        json!({}),
    )
    .await?;
    Ok(tx.commit().await?)
}

async fn clear_failures(conn: &mut sqlx::PgConnection, attempt_key: &str) -> Result<(), AppError> {
    sqlx::query("delete from auth.sign_in_failures where email_hash = $1")
        .bind(hash_token(attempt_key))
        .execute(&mut *conn)
        .await?;
    Ok(())
}
