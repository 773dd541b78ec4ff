//! Changing credentials: password (knowing the current one, or by a mailed reset link),
//! email (confirmed by a link to the new address), and confirming an address. Each ends
//! the account's other sessions, because whoever else held one may be why it changed.

use super::{mail_links, proof_of_address, service_tx, sessions};
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
    let mut tx = service_tx(&state.pool).await?;
    let stored: Option<String> =
        sqlx::query_scalar("select password_hash from auth.users where id = $1 for update")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
    let matches = match stored {
        Some(hash) => password::verify(current.to_owned(), hash)
            .await
            .unwrap_or(false),
        None => false,
    };
    if !matches {
        let mut errors = FieldErrors::new();
        errors.add("current_password", "That isn't your current password.");
        return Err(AppError::Invalid(errors));
    }
    let hash = password::hash(new_password.to_owned())
        .await
        .map_err(|_| AppError::Internal)?;
    sqlx::query("update auth.users set password_hash = $2, updated_at = now() where id = $1")
        .bind(user_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
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
#[tracing::instrument(skip_all)]
pub async fn reset_password(
    state: &AppState,
    token: &str,
    new_password: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    check_new_password("password", new_password)?;
    let hash = password::hash(new_password.to_owned())
        .await
        .map_err(|_| AppError::Internal)?;
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

/// Mails a confirmation link to the new address. Says the same whether or not the new
/// address is taken (then nothing is sent), so it cannot probe for accounts.
#[tracing::instrument(skip_all, fields(%user_id))]
pub async fn request_email_change(
    state: &AppState,
    user_id: Uuid,
    new_email: &str,
    origin: &Origin,
) -> Result<(), AppError> {
    let new_email = normalize_email(new_email);
    let mut errors = FieldErrors::new();
    errors.check("new_email", validate::email(&new_email));
    errors.into_result()?;
    let mut tx = service_tx(&state.pool).await?;
    let taken: bool =
        sqlx::query_scalar("select exists (select 1 from auth.users where email = $1)")
            .bind(&new_email)
            .fetch_one(&mut *tx)
            .await?;
    if !taken
        && mail_links::may_send(&mut tx, user_id, "change_email", &state.settings.auth).await?
    {
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
                subject: "Confirm your new email for Wellspring".into(),
                body_text: format!(
                    "Please confirm that this is your new Wellspring email address by opening this \
                     link within the hour:\n\n{}/verify?token={token}\n\nIf you didn't ask for this, \
                     ignore this message.\n",
                    state.settings.server.public_url
                ),
            },
        )
        .await
        ?;
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
