//! Single-use links mailed to a member: confirm an email, reset a password, sign in by
//! magic link, confirm a new address. Stored hashed, expire after an hour, at most one of
//! a kind per account per minute, and consumed atomically (an `update ... returning`).

use super::service_tx;
use crate::{
    domain::AppError,
    server::{
        auth::{
            rate_limit::{self, Limit},
            token::{hash_token, random_token},
        },
        config::AuthSettings,
        mail::outbox::{self, OutgoingEmail},
        state::AppState,
    },
};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    ConfirmEmail,
    ResetPassword,
    MagicLink,
    ChangeEmail,
    /// Sent to the old address when the email changes: cancels the change (restoring the
    /// old address, held in the token's `new_email`) and ends every session.
    CancelEmailChange,
}

/// A cancel link lasts a week: the owner of a hijacked account may not read mail hourly.
pub const CANCEL_EMAIL_CHANGE_TTL_SECS: i64 = 7 * 24 * 3600;

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "confirm_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::MagicLink => "magic_link",
            Purpose::ChangeEmail => "change_email",
            Purpose::CancelEmailChange => "cancel_email_change",
        }
    }
}

/// Whether a mail of `kind` may go to this account now (one per resend interval).
pub async fn may_send(
    conn: &mut PgConnection,
    user_id: Uuid,
    kind: &str,
    settings: &AuthSettings,
) -> Result<bool, AppError> {
    once_per(
        conn,
        &format!("mail:{kind}:{user_id}"),
        settings.mail_resend_interval_secs,
    )
    .await
}

/// Whether a sign-in attempt on an unconfirmed account may mail its confirmation link again
/// (once per `unconfirmed_reminder_interval_secs`, a day by default).
pub async fn may_send_reminder(
    conn: &mut PgConnection,
    user_id: Uuid,
    settings: &AuthSettings,
) -> Result<bool, AppError> {
    once_per(
        conn,
        &format!("mail:confirm_reminder:{user_id}"),
        settings.unconfirmed_reminder_interval_secs,
    )
    .await
}

/// Counts one use of `key`; `false` when it was already used in the last `window_secs`.
async fn once_per(conn: &mut PgConnection, key: &str, window_secs: i64) -> Result<bool, AppError> {
    let limit = Limit {
        max: 1,
        window_secs,
    };
    match rate_limit::hit(conn, key, limit).await {
        Ok(()) => Ok(true),
        Err(AppError::RateLimited { .. }) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Makes a token for `purpose`; returns it in plain text for the mail (only its hash is kept).
pub async fn issue(
    conn: &mut PgConnection,
    user_id: Uuid,
    purpose: Purpose,
    new_email: Option<&str>,
    binding: Option<&str>,
    settings: &AuthSettings,
) -> Result<String, AppError> {
    issue_lasting(
        conn,
        user_id,
        purpose,
        new_email,
        binding,
        settings.mail_token_ttl_secs,
    )
    .await
}

/// [`issue`], with its own lifetime.
pub async fn issue_lasting(
    conn: &mut PgConnection,
    user_id: Uuid,
    purpose: Purpose,
    new_email: Option<&str>,
    binding: Option<&str>,
    ttl_secs: i64,
) -> Result<String, AppError> {
    let token = random_token();
    sqlx::query(
        "insert into auth.one_time_tokens
                (user_id, purpose, token_hash, new_email, binding_hash, expires_at)
         values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
    )
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(hash_token(&token))
    .bind(new_email)
    .bind(binding.map(hash_token))
    .bind(ttl_secs as f64)
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// A mailed link, used up.
#[derive(Debug, sqlx::FromRow)]
pub struct Consumed {
    pub user_id: Uuid,
    /// For a change of address: the address the link confirms.
    pub new_email: Option<String>,
    /// For a confirmation link: the hash of the value the asking browser holds
    /// (`ws_confirm`), so opening it there can be told from opening it elsewhere.
    pub binding_hash: Option<Vec<u8>>,
}

impl Consumed {
    /// Whether `presented` (the `ws_confirm` cookie, if any) is the value this link was
    /// bound to: the link was opened in the browser that asked for it.
    pub fn opened_where_asked(&self, presented: Option<&str>) -> bool {
        match (&self.binding_hash, presented) {
            (Some(bound), Some(value)) if !value.is_empty() && value.len() <= 128 => {
                hash_token(value) == *bound
            }
            _ => false,
        }
    }
}

/// The account a token would open, without using it up: lets slow work (hashing a new
/// password) wait until the token is known to be good, so a flood of made-up tokens costs
/// the server one indexed lookup each.
pub async fn peek(
    conn: &mut PgConnection,
    token: &str,
    purpose: Purpose,
) -> Result<Option<Uuid>, AppError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    sqlx::query_scalar(
        "select user_id from auth.one_time_tokens
          where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()",
    )
    .bind(hash_token(token))
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(AppError::from)
}

/// Uses a token up: the account (and new email) when it was valid, unused and unexpired.
pub async fn consume(
    conn: &mut PgConnection,
    token: &str,
    purpose: Purpose,
) -> Result<Option<Consumed>, AppError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    sqlx::query_as(
        "update auth.one_time_tokens set used_at = now()
          where token_hash = $1 and purpose = $2 and used_at is null and expires_at > now()
          returning user_id, new_email, binding_hash",
    )
    .bind(hash_token(token))
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(AppError::from)
}

/// Queues the "confirm your email" mail (respecting the resend interval), bound to the
/// browser that asked (`binding`, the value of its `ws_confirm` cookie): opened there, the
/// link keeps the password that browser chose; opened anywhere else it clears it.
pub async fn send_confirmation(
    conn: &mut PgConnection,
    state: &AppState,
    user_id: Uuid,
    email: &str,
    binding: &str,
) -> Result<(), AppError> {
    let settings = &state.settings.auth;
    if !may_send(conn, user_id, Purpose::ConfirmEmail.as_str(), settings).await? {
        return Ok(());
    }
    let token = issue(
        conn,
        user_id,
        Purpose::ConfirmEmail,
        None,
        Some(binding),
        settings,
    )
    .await?;
    let link = format!("{}/verify?token={token}", state.settings.server.public_url);
    outbox::enqueue(
        conn,
        &OutgoingEmail {
            to: email.to_owned(),
            list_unsubscribe: None,
            subject: "Confirm your email for Wellspring".into(),
            body_text: format!(
                "Welcome to Wellspring.\n\nPlease confirm your email address by opening this link \
                 within the hour:\n\n{link}\n\nIf you didn't sign up, you can ignore this message.\n"
            ),
        },
    )
    .await
    ?;
    Ok(())
}

/// For "forgot password" and "email me a sign-in link": mails the account's owner if there is
/// one, and answers the same either way.
pub async fn send_account_link(
    state: &AppState,
    email: &str,
    purpose: Purpose,
) -> Result<(), AppError> {
    let mut tx = service_tx(&state.pool).await?;
    let user: Option<Uuid> = sqlx::query_scalar("select id from auth.users where email = $1")
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(user_id) = user
        && may_send(&mut tx, user_id, purpose.as_str(), &state.settings.auth).await?
    {
        let token = issue(&mut tx, user_id, purpose, None, None, &state.settings.auth).await?;
        let base = &state.settings.server.public_url;
        let (subject, body) = match purpose {
            Purpose::ResetPassword => (
                "Reset your Wellspring password",
                format!(
                    "Someone (hopefully you) asked to reset your Wellspring password.\n\nChoose a new \
                     one within the hour here:\n\n{base}/reset?token={token}\n\nIf it wasn't you, \
                     ignore this message: your password stays as it is.\n"
                ),
            ),
            _ => (
                "Your Wellspring sign-in link",
                format!(
                    "Here is your link to sign in to Wellspring. It works once, within the hour:\
                     \n\n{base}/magic?token={token}\n\nIf you didn't ask for it, ignore this message.\n"
                ),
            ),
        };
        outbox::enqueue(
            &mut tx,
            &OutgoingEmail {
                to: email.to_owned(),
                list_unsubscribe: None,
                subject: subject.into(),
                body_text: body,
            },
        )
        .await?;
    }
    Ok(tx.commit().await?)
}
