//! Changing credentials: password (knowing the current one, or by a mailed reset link),
//! email (confirmed by a link to the new address), and confirming an address. Each ends
//! the account's other sessions, because whoever else held one may be why it changed.

use super::{limits, mail_links, proof_of_address, service_tx, sessions, step_up};
use crate::{
    domain::{
        AppError, FieldErrors,
        identity::validate::{self, normalize_email},
    },
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            password,
        },
        mail::outbox::{self, OutgoingEmail},
        state::AppState,
    },
};
use serde_json::json;
use uuid::Uuid;

/// A new password must be 8–128 characters and not on the common list.
pub fn check_new_password(field: &str, new_password: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    errors.check(field, validate::password(new_password));
    if errors.is_empty() && password::is_common(new_password) {
        errors.add(
            field,
            "That password is one of the most common, so it's easy to guess. Please choose another.",
        );
    }
    errors.into_result()
}

/// Changes the password, knowing the current one. The current password is itself a fresh
/// proof of who is at the keyboard, so this session counts as just proven afterwards.
///
/// No transaction is open while argon2 runs (twice: check, then hash) and no row is locked:
/// a member sending many wrong passwords at once would otherwise hold pooled connections for
/// their whole length. The write then succeeds only if the stored hash is still the one that
/// was checked, so two changes racing cannot both win.
#[tracing::instrument(skip_all, fields(%user_id))]
pub async fn change_password(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    current: &str,
    new_password: &str,
    origin: &Origin,
) -> Result<u64, AppError> {
    check_new_password("new_password", new_password)?;
    let limits = &state.settings.limits;
    limits::per_ip(state, "password_change", origin, limits.password_per_ip).await?;
    limits::per_user(
        state,
        "password_check",
        user_id,
        limits.password_per_account,
    )
    .await?;
    let stored = step_up::stored_password(state, user_id).await?;
    let matches = match (&stored, current.chars().count() <= password::MAX_LEN) {
        (Some(hash), true) => {
            state
                .hashing
                .verify(current.to_owned(), hash.clone())
                .await?
        }
        _ => false,
    };
    let Some(stored) = stored.filter(|_| matches) else {
        let mut errors = FieldErrors::new();
        errors.add("current_password", "That isn't your current password.");
        return Err(AppError::Invalid(errors));
    };
    let hash = state.hashing.hash(new_password.to_owned()).await?;
    let mut tx = service_tx(&state.pool).await?;
    let changed = sqlx::query(
        "update auth.users set password_hash = $2, updated_at = now()
          where id = $1 and password_hash = $3",
    )
    .bind(user_id)
    .bind(hash)
    .bind(&stored)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::BadRequest(
            "Your password was changed somewhere else just now. Please reload and try again."
                .into(),
        ));
    }
    step_up::mark_proven(&mut tx, session_id).await?;
    let ended =
        sessions::end_others(&mut tx, user_id, Some(session_id), "password_changed").await?;
    audit::record(
        &mut tx,
        AuthEvent::PasswordChanged,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "other_sessions_ended": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Sets a new password from a reset link; ends every session (the member signs in afresh).
/// The token is looked up before anything is hashed, so made-up tokens cost no argon2 work,
/// and the hash is made with no transaction open; the token is used up afterwards, once.
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    limits::per_ip(
        state,
        "password_reset",
        origin,
        state.settings.limits.password_per_ip,
    )
    .await?;
    let known = {
        let mut tx = service_tx(&state.pool).await?;
        let known = mail_links::peek(&mut tx, token, mail_links::Purpose::ResetPassword).await?;
        tx.commit().await?;
        known
    };
    let Some(user_id) = known else {
        return Err(AppError::TokenInvalid);
    };
    check_new_password("password", new_password)?;
    limits::per_user(
        state,
        "password_reset",
        user_id,
        state.settings.limits.password_per_account,
    )
    .await?;
    let hash = state.hashing.hash(new_password.to_owned()).await?;
    let mut tx = service_tx(&state.pool).await?;
    let Some(user_id) = mail_links::consume(&mut tx, token, mail_links::Purpose::ResetPassword)
        .await?
        .map(|link| link.user_id)
    else {
        return Err(AppError::TokenInvalid);
    };
    // Opening the link proved the inbox, so the address counts as confirmed.
    sqlx::query(
        "update auth.users set password_hash = $2, updated_at = now(),
                email_confirmed_at = coalesce(email_confirmed_at, now())
          where id = $1",
    )
    .bind(user_id)
    .bind(hash)
    .execute(&mut *tx)
    .await?;
    sessions::end_others(&mut tx, user_id, None, "password_reset").await?;
    audit::record(
        &mut tx,
        AuthEvent::PasswordReset,
        Some(user_id),
        Some(user_id),
        origin,
        json!({}),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Mails a confirmation link to the new address, and a notice to the current one with a
/// link that cancels the change and signs every session out (a stolen session must not be
/// able to move the account away quietly). Needs a recent proof ([`step_up`]). Says the same
/// whether or not the new address is taken (then nothing goes to it), so it cannot probe for
/// accounts.
#[tracing::instrument(skip_all, fields(%user_id))]
pub async fn request_email_change(
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    new_email: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let new_email = normalize_email(new_email);
    let mut errors = FieldErrors::new();
    errors.check("new_email", validate::email(&new_email));
    errors.into_result()?;
    let mut tx = service_tx(&state.pool).await?;
    step_up::require_recent(&mut tx, session_id, state.settings.auth.step_up_secs).await?;
    let (current, taken): (String, bool) = sqlx::query_as(
        "select u.email, exists (select 1 from auth.users where email = $2)
           from auth.users u where u.id = $1",
    )
    .bind(user_id)
    .bind(&new_email)
    .fetch_one(&mut *tx)
    .await?;
    if current == new_email {
        let mut errors = FieldErrors::new();
        errors.add("new_email", "That is already your email address.");
        return Err(AppError::Invalid(errors));
    }
    let base = &state.settings.server.public_url;
    let confirming = !taken
        && mail_links::may_send(&mut tx, user_id, "change_email", &state.settings.auth).await?;
    if confirming {
        let token = mail_links::issue(
            &mut tx,
            user_id,
            mail_links::Purpose::ChangeEmail,
            Some(&new_email),
            None,
            &state.settings.auth,
        )
        .await?;
        outbox::enqueue(
            &mut tx,
            &OutgoingEmail {
                to: new_email.clone(),
                list_unsubscribe: None,
                subject: "Confirm your new email for Wellspring".into(),
                body_text: format!(
                    "Please confirm that this is your new Wellspring email address by opening \
                     this link within the hour:\n\n{base}/verify?token={token}\n\nIf you didn't \
                     ask for this, ignore this message.\n"
                ),
            },
        )
        .await?;
    }
    // The notice goes whether or not the new address is taken (the owner should hear of any
    // attempt to move their account), and always with a link that can move it: a decoy
    // request to a taken address must not use up the notice for the real one.
    if confirming
        || mail_links::may_send(
            &mut tx,
            user_id,
            "change_email_notice",
            &state.settings.auth,
        )
        .await?
    {
        let cancel = mail_links::issue_lasting(
            &mut tx,
            user_id,
            mail_links::Purpose::CancelEmailChange,
            Some(&current),
            None,
            mail_links::CANCEL_EMAIL_CHANGE_TTL_SECS,
        )
        .await?;
        outbox::enqueue(
            &mut tx,
            &OutgoingEmail {
                to: current.clone(),
                list_unsubscribe: None,
                subject: "Your Wellspring email is being changed".into(),
                body_text: format!(
                    "Someone signed in to your Wellspring account asked to change its email \
                     address to {}.\n\nIf that was you, there is nothing to do.\n\nIf it wasn't, \
                     open this link (it works for a week) to cancel the change and sign out every \
                     device, then choose a new password:\n\n{base}/email-cancel?token={cancel}\n",
                    mask_email(&new_email)
                ),
            },
        )
        .await?;
    }
    audit::record(
        &mut tx,
        AuthEvent::EmailChangeRequested,
        Some(user_id),
        Some(user_id),
        origin,
        json!({}),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// `ab…@example.org`: enough for the owner to recognise, not a full address in their inbox.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}…@{domain}")
        }
        None => "another address".to_owned(),
    }
}

/// From the notice sent to the old address: cancels a pending change of email (its links
/// stop working), puts the old address back if the change already went through, and ends
/// every session of the account. Whoever asked for the change is signed out.
#[tracing::instrument(skip_all)]
pub async fn cancel_email_change(
    state: &AppState,
    token: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let mut tx = service_tx(&state.pool).await?;
    if token.is_empty() || token.len() > 128 {
        return Err(AppError::TokenInvalid);
    }
    // When the change was asked for: what was added to the account since then may be the
    // taker's, and goes.
    let cancelled: Option<(Uuid, Option<String>, time::OffsetDateTime)> = sqlx::query_as(
        "update auth.one_time_tokens set used_at = now()
          where token_hash = $1 and purpose = 'cancel_email_change' and used_at is null
            and expires_at > now()
          returning user_id, new_email, created_at",
    )
    .bind(crate::server::auth::token::hash_token(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((user_id, Some(old_email), asked_at)) = cancelled else {
        return Err(AppError::TokenInvalid);
    };
    // Every link still out for the account stops working: change, reset, magic-link and the
    // other cancel links, some of which went to the address being undone. Otherwise its
    // holder could cancel this cancel, or reset the password through it.
    sqlx::query(
        "update auth.one_time_tokens set used_at = now() where user_id = $1 and used_at is null",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    // Provider sign-ins linked and authenticator apps set up since the change was asked for.
    let identities =
        sqlx::query("delete from auth.identities where user_id = $1 and created_at >= $2")
            .bind(user_id)
            .bind(asked_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let factors =
        sqlx::query("delete from auth.mfa_factors where user_id = $1 and created_at >= $2")
            .bind(user_id)
            .bind(asked_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if factors > 0 {
        // Their recovery codes went with them (codes belong to the factor that made them).
        sqlx::query(
            "delete from auth.recovery_codes where user_id = $1
               and not exists (select 1 from auth.mfa_factors
                                where user_id = $1 and status = 'verified')",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    let restored = sqlx::query(
        "update auth.users set email = $2, updated_at = now()
          where id = $1 and email <> $2
            and not exists (select 1 from auth.users where email = $2)",
    )
    .bind(user_id)
    .bind(&old_email)
    .execute(&mut *tx)
    .await?;
    let ended = sessions::end_others(&mut tx, user_id, None, "email_change_cancelled").await?;
    audit::record(
        &mut tx,
        AuthEvent::EmailChangeCancelled,
        Some(user_id),
        Some(user_id),
        origin,
        json!({
            "address_restored": restored.rows_affected() == 1,
            "sessions_ended": ended,
            "sign_ins_removed": identities,
            "authenticators_removed": factors,
        }),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// What a `/verify` link confirmed.
#[derive(Debug, PartialEq, Eq)]
pub enum Confirmed {
    Email,
    /// Confirmed from a browser other than the one that signed up: the password chosen at
    /// sign-up was cleared and every session ended.
    EmailPasswordCleared,
    NewEmail,
}

/// Consumes a confirm-email or change-email link. A new address ends every other session
/// of the account (`keep` is the session of the browser that opened the link, if any).
/// `binding` is the opening browser's `ws_confirm` value: a confirmation link opened
/// anywhere but the browser that signed up clears the password chosen there.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    state: &AppState,
    token: &str,
    keep: Option<Uuid>,
    binding: Option<&str>,
    origin: &Origin,
) -> Result<Confirmed, AppError> {
    let mut tx = service_tx(&state.pool).await?;
    if let Some(link) =
        mail_links::consume(&mut tx, token, mail_links::Purpose::ConfirmEmail).await?
    {
        let user_id = link.user_id;
        let proven =
            proof_of_address::prove(&mut tx, user_id, link.opened_where_asked(binding)).await?;
        audit::record(
            &mut tx,
            AuthEvent::EmailConfirmed,
            Some(user_id),
            Some(user_id),
            origin,
            json!({ "unproven_password_cleared": proven.password_cleared }),
        )
        .await?;
        tx.commit().await?;
        return Ok(if proven.password_cleared {
            Confirmed::EmailPasswordCleared
        } else {
            Confirmed::Email
        });
    }
    let Some(link) = mail_links::consume(&mut tx, token, mail_links::Purpose::ChangeEmail).await?
    else {
        return Err(AppError::TokenInvalid);
    };
    let (user_id, Some(new_email)) = (link.user_id, link.new_email) else {
        return Err(AppError::TokenInvalid);
    };
    let changed = sqlx::query(
        "update auth.users set email = $2, email_confirmed_at = now(), updated_at = now()
          where id = $1 and not exists (select 1 from auth.users where email = $2)",
    )
    .bind(user_id)
    .bind(&new_email)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::BadRequest(
            "That address is already in use by another account.".into(),
        ));
    }
    sessions::end_others(&mut tx, user_id, keep, "email_changed").await?;
    audit::record(
        &mut tx,
        AuthEvent::EmailChanged,
        Some(user_id),
        Some(user_id),
        origin,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(Confirmed::NewEmail)
}
