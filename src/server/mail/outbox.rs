//! The outbox: mail is written in the same transaction as the change that caused it, so a
//! mail exists if and only if that change committed. The drainer sends it later.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// A plain-text mail a service wants sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub body_text: String,
    /// A one-click unsubscribe address (RFC 8058) for mail a member can opt out of: sent as
    /// `List-Unsubscribe` with `List-Unsubscribe-Post`, so mail programs offer the button.
    pub list_unsubscribe: Option<String>,
}

/// A mail as the outbox holds it, sent or not.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub list_unsubscribe: Option<String>,
}

/// Queues `email` inside the caller's transaction (which must run as `auth_admin`);
/// returns its outbox id.
#[tracing::instrument(skip_all)]
pub async fn enqueue(tx: &mut PgConnection, email: &OutgoingEmail) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "insert into app.outbox_emails (to_address, subject, body_text, list_unsubscribe)
         values ($1, $2, $3, $4)
         returning id",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.body_text)
    .bind(&email.list_unsubscribe)
    .fetch_one(tx)
    .await?;
    tracing::debug!(outbox_id = id, "mail queued");
    Ok(id)
}

/// The newest `limit` mails, newest first: for the development mailbox and for tests.
#[tracing::instrument(skip(tx))]
pub async fn recent(tx: &mut PgConnection, limit: i64) -> Result<Vec<StoredEmail>, sqlx::Error> {
    sqlx::query_as(
        "select id, to_address, subject, body_text, created_at, sent_at, attempts, last_error,
                list_unsubscribe
           from app.outbox_emails
          order by id desc
          limit $1",
    )
    .bind(limit)
    .fetch_all(tx)
    .await
}
