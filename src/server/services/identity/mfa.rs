//! TOTP second factor (RFC 6238) and recovery codes.
//!
//! Secrets are sealed with the configured key and bound to their account (associated
//! data), so a copied row is useless elsewhere. Each code works once: the newest accepted
//! step is stored and only later steps are accepted. Recovery codes are stored hashed.

use super::{AuthKeys, limits, recovery_reveal, service_tx, sessions, step_up};
use crate::{
    domain::{AppError, FieldErrors, RecoveryCodes, TotpEnrollment, TwoStep, identity::validate},
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            token::{hash_token, normalize_recovery_code, recovery_code},
            totp,
        },
        mail::outbox::{self, OutgoingEmail},
        state::AppState,
    },
};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

pub const RECOVERY_CODE_COUNT: usize = 10;

/// An unfinished set-up is shown (and accepted) this long after it started; later the
/// member starts again, with a new secret.
pub const ENROLMENT_LIFETIME_MINS: i32 = 60;

/// How the recovery codes reach the member once the factor is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeDelivery {
    /// In the response: the page's script shows them.
    InResponse,
    /// Kept for this session's next view of the security page: a plain form post, whose
    /// redirect cannot carry them ([`recovery_reveal`]).
    OnNextPage,
}

/// Starts enrolment: a fresh secret, shown once. Replaces any unfinished enrolment. Needs a
/// recent proof: a stolen session must not be able to lock the owner out with a factor of
/// its own.
#[tracing::instrument(skip(state, origin))]
pub async fn enroll(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    origin: &Origin,
) -> Result<TotpEnrollment, AppError> {
    let mut tx = service_tx(&state.pool).await?;
    step_up::require_recent(&mut tx, session_id, state.settings.auth.step_up_secs).await?;
    let (email, has_verified): (String, bool) = sqlx::query_as(
        "select email, exists (select 1 from auth.mfa_factors
                               where user_id = $1 and status = 'verified')
           from auth.users where id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if has_verified {
        return Err(AppError::BadRequest(
            "Two-step sign-in is already on. Turn it off first to set up a new app.".into(),
        ));
    }
    sqlx::query("delete from auth.mfa_factors where user_id = $1 and status = 'unverified'")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let secret = totp::generate_secret();
    let sealed = state.keys.secrets.seal(&secret, user_id.as_bytes());
    let factor_id: Uuid = sqlx::query_scalar(
        "insert into auth.mfa_factors (user_id, secret_ciphertext) values ($1, $2) returning id",
    )
    .bind(user_id)
    .bind(sealed)
    .fetch_one(&mut *tx)
    .await?;
    let _ = origin;
    tx.commit().await?;
    Ok(TotpEnrollment {
        factor_id: factor_id.to_string(),
        secret: totp::base32_encode(&secret),
        uri: totp::otpauth_uri(&secret, &email, "Wellspring"),
    })
}

fn code_error() -> AppError {
    let mut errors = FieldErrors::new();
    errors.add(
        "code",
        "That code didn't work. Check your authenticator app's clock and try the newest code.",
    );
    AppError::Invalid(errors)
}

/// Finishes enrolment with a first code: the factor is on, this session becomes aal2, every
/// other session of the account ends (they never showed the second factor), and ten
/// recovery codes are returned (to be shown once), or kept for the next page. Needs a recent
/// proof, like starting; the code counts against the account's second-factor limit.
#[tracing::instrument(skip(state, code, origin))]
pub async fn verify_enrollment(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    code: &str,
    delivery: CodeDelivery,
    origin: &Origin,
) -> Result<RecoveryCodes, AppError> {
    let mut errors = FieldErrors::new();
    errors.check("code", validate::totp_code(code));
    errors.into_result()?;
    let mut tx = service_tx(&state.pool).await?;
    // The proof first, so a lapsed one does not spend an attempt of the account's limit.
    step_up::require_recent(&mut tx, session_id, state.settings.auth.step_up_secs).await?;
    let attempt = limits::second_factor(state, user_id).await?;
    let factor: Option<(Uuid, Vec<u8>, Option<i64>)> = sqlx::query_as(
        "select id, secret_ciphertext, last_used_step from auth.mfa_factors
          where user_id = $1 and status = 'unverified'
            and created_at > now() - make_interval(mins => $2)
          for update",
    )
    .bind(user_id)
    .bind(ENROLMENT_LIFETIME_MINS)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((factor_id, sealed, last)) = factor else {
        return Err(AppError::BadRequest(
            "There is no set-up in progress. Please start again.".into(),
        ));
    };
    let secret = open(&state.keys, &sealed, user_id)?;
    let Some(step) = totp::verify(&secret, code, sessions::now_unix(), last.map(|s| s as u64))
    else {
        return Err(code_error());
    };
    attempt.succeeded(&mut tx).await?;
    sqlx::query(
        "update auth.mfa_factors set status = 'verified', last_used_step = $2 where id = $1",
    )
    .bind(factor_id)
    .bind(step as i64)
    .execute(&mut *tx)
    .await?;
    let codes = replace_recovery_codes(&mut tx, user_id).await?;
    if delivery == CodeDelivery::OnNextPage {
        recovery_reveal::keep(&mut tx, &state.keys, user_id, session_id, &codes).await?;
    }
    sqlx::query(
        "update auth.sessions set aal = 'aal2', amr = array_append(amr, 'totp')
          where id = $1 and user_id = $2",
    )
    .bind(session_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    let ended =
        sessions::end_others(&mut tx, user_id, Some(session_id), "two_step_turned_on").await?;
    // The owner hears of it at their address: someone with their password could otherwise
    // lock them out with an app of their own, unseen.
    let email: String = sqlx::query_scalar("select email from auth.users where id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    outbox::enqueue(
        &mut tx,
        &OutgoingEmail {
            to: email,
            list_unsubscribe: None,
            subject: "Two-step sign-in is now on for your Wellspring account".into(),
            body_text: format!(
                "Two-step sign-in was just turned on for your Wellspring account, and your other \
                 devices were signed out.\n\nIf that was you, there is nothing to do.\n\nIf it \
                 wasn't, someone knows your password: choose a new one at {}/forgot and tell the \
                 community's admins, who can help you back in.\n",
                state.settings.server.public_url
            ),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        AuthEvent::MfaEnrolled,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "factor_id": factor_id, "other_sessions_ended": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Where this member's two-step sign-in stands, for the security page to render on the
/// server: recovery codes kept for this session (taken, so shown once), an unfinished
/// set-up (its secret again, so a reload or a plain form post keeps the member's place),
/// on, or off.
#[tracing::instrument(skip(state))]
pub async fn two_step(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<TwoStep, AppError> {
    let mut tx = service_tx(&state.pool).await?;
    if let Some(codes) = recovery_reveal::take(&mut tx, &state.keys, user_id, session_id).await? {
        tx.commit().await?;
        return Ok(TwoStep::JustTurnedOn(codes));
    }
    let (email, verified, pending): (String, bool, Option<(Uuid, Vec<u8>)>) = {
        let row: (String, bool, Option<Uuid>, Option<Vec<u8>>) = sqlx::query_as(
            "select u.email,
                    exists (select 1 from auth.mfa_factors
                             where user_id = u.id and status = 'verified'),
                    f.id, f.secret_ciphertext
               from auth.users u
               left join auth.mfa_factors f
                 on f.user_id = u.id and f.status = 'unverified'
                and f.created_at > now() - make_interval(mins => $2)
              where u.id = $1
              order by f.created_at desc nulls last
              limit 1",
        )
        .bind(user_id)
        .bind(ENROLMENT_LIFETIME_MINS)
        .fetch_one(&mut *tx)
        .await?;
        (row.0, row.1, row.2.zip(row.3))
    };
    tx.commit().await?;
    if verified {
        return Ok(TwoStep::On);
    }
    let Some((factor_id, sealed)) = pending else {
        return Ok(TwoStep::Off);
    };
    let secret = open(&state.keys, &sealed, user_id)?;
    Ok(TwoStep::SettingUp(TotpEnrollment {
        factor_id: factor_id.to_string(),
        secret: totp::base32_encode(&secret),
        uri: totp::otpauth_uri(&secret, &email, "Wellspring"),
    }))
}

/// Ten new recovery codes in place of the old ones (which stop working at once), for a
/// member who has used some or fears they were seen. Needs a recent proof ([`step_up`]):
/// codes are a way in, and a stolen session must not be able to mint its own.
#[tracing::instrument(skip(state, origin))]
pub async fn regenerate_recovery_codes(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    delivery: CodeDelivery,
    origin: &Origin,
) -> Result<RecoveryCodes, AppError> {
    let mut tx = service_tx(&state.pool).await?;
    step_up::require_recent(&mut tx, session_id, state.settings.auth.step_up_secs).await?;
    let on: bool = sqlx::query_scalar(
        "select exists (select 1 from auth.mfa_factors where user_id = $1 and status = 'verified')",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if !on {
        return Err(AppError::BadRequest(
            "Two-step sign-in is off, so there are no recovery codes to replace.".into(),
        ));
    }
    let codes = replace_recovery_codes(&mut tx, user_id).await?;
    if delivery == CodeDelivery::OnNextPage {
        recovery_reveal::keep(&mut tx, &state.keys, user_id, session_id, &codes).await?;
    }
    audit::record(
        &mut tx,
        AuthEvent::RecoveryCodesReplaced,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "session_id": session_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Turns the second factor off; needs a current code (or a recovery code), which is itself
/// the fresh proof, and counts against the account's second-factor limit.
#[tracing::instrument(skip(state, code, origin))]
pub async fn unenroll(
    state: &AppState,
    user_id: Uuid,
    code: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let attempt = limits::second_factor(state, user_id).await?;
    let mut tx = service_tx(&state.pool).await?;
    if check_code(&mut tx, &state.keys, user_id, code, attempt)
        .await?
        .is_none()
    {
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
        return Err(code_error());
    }
    sqlx::query("delete from auth.mfa_factors where user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from auth.recovery_codes where user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    // Codes still waiting to be shown are no longer codes.
    sqlx::query("delete from auth.recovery_code_reveals where user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        AuthEvent::MfaUnenrolled,
        Some(user_id),
        Some(user_id),
        origin,
        json!({}),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Accepts a current TOTP code (once) or an unused recovery code. Returns the method used.
/// Every check spends an `attempt` of the account's second-factor limit; a right code gives
/// it back (in this transaction).
pub async fn check_code(
    conn: &mut PgConnection,
    keys: &AuthKeys,
    user_id: Uuid,
    code: &str,
    attempt: limits::SecondFactorAttempt,
) -> Result<Option<&'static str>, AppError> {
    let method = check_code_uncounted(conn, keys, user_id, code).await?;
    if method.is_some() {
        attempt.succeeded(conn).await?;
    }
    Ok(method)
}

async fn check_code_uncounted(
    conn: &mut PgConnection,
    keys: &AuthKeys,
    user_id: Uuid,
    code: &str,
) -> Result<Option<&'static str>, AppError> {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if validate::totp_code(&digits).is_ok() {
        let factor: Option<(Uuid, Vec<u8>, Option<i64>)> = sqlx::query_as(
            "select id, secret_ciphertext, last_used_step from auth.mfa_factors
              where user_id = $1 and status = 'verified' for update",
        )
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some((factor_id, sealed, last)) = factor else {
            return Ok(None);
        };
        let secret = open(keys, &sealed, user_id)?;
        let Some(step) = totp::verify(
            &secret,
            &digits,
            sessions::now_unix(),
            last.map(|s| s as u64),
        ) else {
            return Ok(None);
        };
        sqlx::query("update auth.mfa_factors set last_used_step = $2 where id = $1")
            .bind(factor_id)
            .bind(step as i64)
            .execute(&mut *conn)
            .await?;
        return Ok(Some("totp"));
    }
    if code.len() > 32 {
        return Ok(None);
    }
    let used = sqlx::query(
        "update auth.recovery_codes set used_at = now()
          where id = (select id from auth.recovery_codes
                       where user_id = $1 and code_hash = $2 and used_at is null
                       limit 1 for update)",
    )
    .bind(user_id)
    .bind(hash_token(&normalize_recovery_code(code)))
    .execute(&mut *conn)
    .await?;
    Ok((used.rows_affected() == 1).then_some("recovery_code"))
}

fn open(keys: &AuthKeys, sealed: &[u8], user_id: Uuid) -> Result<Vec<u8>, AppError> {
    keys.secrets.open(sealed, user_id.as_bytes()).map_err(|_| {
        tracing::error!(%user_id, "a TOTP secret did not decrypt: wrong encryption key?");
        AppError::Internal
    })
}

async fn replace_recovery_codes(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<RecoveryCodes, AppError> {
    sqlx::query("delete from auth.recovery_codes where user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    let codes: Vec<String> = (0..RECOVERY_CODE_COUNT).map(|_| recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| hash_token(c)).collect();
    sqlx::query(
        "insert into auth.recovery_codes (user_id, code_hash) select $1, unnest($2::bytea[])",
    )
    .bind(user_id)
    .bind(hashes)
    .execute(&mut *conn)
    .await?;
    Ok(RecoveryCodes(codes))
}
