//! The outbox drainer: sends queued mail over SMTP and retries with exponential backoff, so
//! a mail server outage delays mail but never loses it. It runs as a job (`mail.drain`).
//!
//! Rows are claimed with `for update skip locked`, so any number of app instances can drain
//! the same outbox without sending a mail twice. Delivery is at least once: if the
//! transaction cannot commit after a send, that mail is sent again on a later pass.

use anyhow::Context as _;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox,
        header::{ContentType, Header, HeaderName, HeaderValue},
    },
};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;

use crate::server::{
    db::scoped::{self, RequestClaims},
    jobs::{Job, JobHandler, JobResult},
};

/// The first retry waits this long; each further failure doubles it.
const FIRST_RETRY: Duration = Duration::from_secs(30);
/// Retries never wait longer than this.
const LONGEST_RETRY: Duration = Duration::from_secs(60 * 60);
/// A mail that can never be sent (a malformed recipient, say) is parked this far out, so it
/// stays readable in the outbox without being retried.
const PARKED: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);
/// `last_error` keeps a short reason, not a transcript.
const MAX_ERROR_CHARS: usize = 300;

/// How the drainer reaches the mail server and how often it looks for mail.
#[derive(Clone)]
pub struct DrainerOptions {
    /// `smtp://host:port` (plain), `smtp://host:587?tls=required`, `smtps://host`, with
    /// optional `user:password@`. `None` (development) leaves mail unsent in the outbox.
    pub smtp_url: Option<String>,
    /// The sender, `Wellspring <no-reply@example.org>` or a bare address.
    pub from: String,
    pub poll_interval: Duration,
    /// The most mails claimed by one pass.
    pub batch_size: i64,
}

// Hand-written so the SMTP password in the URL never reaches a log.
impl std::fmt::Debug for DrainerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrainerOptions")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "<configured>"))
            .field("from", &self.from)
            .field("poll_interval", &self.poll_interval)
            .field("batch_size", &self.batch_size)
            .finish()
    }
}

/// The drainer could not start because its configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum DrainerError {
    #[error("the mail sender {from:?} is not a valid mailbox")]
    InvalidFrom {
        from: String,
        #[source]
        source: lettre::address::AddressError,
    },
    // The URL itself is left out: it may carry a password.
    #[error("the SMTP URL is not usable")]
    InvalidSmtpUrl(#[source] lettre::transport::smtp::Error),
}

/// What one pass over the outbox did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: usize,
    /// Mails that failed this pass (rescheduled, or parked when they can never be sent).
    pub failed: usize,
}

impl DrainReport {
    fn attempted(self) -> usize {
        self.sent + self.failed
    }
}

/// A claimed outbox row.
#[derive(sqlx::FromRow)]
struct PendingEmail {
    id: i64,
    to_address: String,
    subject: String,
    body_text: String,
    attempts: i32,
    list_unsubscribe: Option<String>,
}

/// Why a mail was not sent, and so when to try again.
enum Failure {
    /// The mail itself is unsendable; retrying cannot help.
    Permanent(String),
    /// The mail server is unreachable or refused for now.
    Transient(String),
}

/// Sends up to `batch` due mails, one transaction for the whole pass. Without a transport
/// (no SMTP configured) it does nothing and mail stays readable in the outbox.
#[tracing::instrument(skip(pool, transport, from))]
pub async fn drain_once(
    pool: &PgPool,
    transport: Option<&AsyncSmtpTransport<Tokio1Executor>>,
    from: &Mailbox,
    batch: i64,
) -> Result<DrainReport, anyhow::Error> {
    let Some(transport) = transport else {
        return Ok(DrainReport::default());
    };
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .context("beginning the outbox transaction")?;
    let pending: Vec<PendingEmail> = sqlx::query_as(
        "select id, to_address, subject, body_text, attempts, list_unsubscribe
           from app.outbox_emails
          where sent_at is null and next_attempt_at <= now()
          order by id
          limit $1
            for update skip locked",
    )
    .bind(batch)
    .fetch_all(&mut *tx)
    .await
    .context("claiming due mail")?;

    let mut report = DrainReport::default();
    for email in pending {
        match deliver(transport, from, &email).await {
            Ok(()) => {
                mark_sent(&mut tx, email.id).await?;
                report.sent += 1;
            }
            Err(Failure::Transient(reason)) => {
                let wait = backoff(email.attempts);
                tracing::warn!(outbox_id = email.id, attempts = email.attempts + 1,
                    retry_in_secs = wait.as_secs(), error = %reason, "mail not sent; will retry");
                record_failure(&mut tx, email.id, &reason, wait).await?;
                report.failed += 1;
            }
            Err(Failure::Permanent(reason)) => {
                tracing::error!(outbox_id = email.id, error = %reason,
                    "mail can never be sent; parked in the outbox");
                record_failure(&mut tx, email.id, &reason, PARKED).await?;
                report.failed += 1;
            }
        }
    }
    tx.commit().await.context("committing the outbox pass")?;
    Ok(report)
}

/// The outbox drain as a job (`mail.drain`), run by the job queue on a schedule of
/// `poll_interval`: once per period across all instances, supervised, and stopped with the
/// application. Each run drains until no due mail is left or a pass sent less than a batch.
pub struct MailDrain {
    pool: PgPool,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    batch: i64,
}

/// The job kind and schedule name of the outbox drain.
pub const MAIL_DRAIN: &str = "mail.drain";

impl MailDrain {
    /// Checks the sender and SMTP URL; a malformed one stops start-up with a clear error.
    pub fn new(pool: PgPool, options: &DrainerOptions) -> Result<Self, DrainerError> {
        let from: Mailbox = options
            .from
            .parse()
            .map_err(|source| DrainerError::InvalidFrom {
                from: options.from.clone(),
                source,
            })?;
        let transport = options
            .smtp_url
            .as_deref()
            .map(|url| AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map(|b| b.build()))
            .transpose()
            .map_err(DrainerError::InvalidSmtpUrl)?;
        if transport.is_none() {
            tracing::info!("no SMTP server configured: mail stays unsent in the outbox");
        }
        Ok(Self {
            pool,
            transport,
            from,
            batch: options.batch_size.max(1),
        })
    }

    /// Whether there is a mail server to drain to.
    pub fn has_transport(&self) -> bool {
        self.transport.is_some()
    }

    async fn drain(&self) -> anyhow::Result<()> {
        loop {
            let report =
                drain_once(&self.pool, self.transport.as_ref(), &self.from, self.batch).await?;
            if report.attempted() > 0 {
                tracing::info!(sent = report.sent, failed = report.failed, "outbox drained");
            }
            // A full batch means more may be waiting.
            if i64::try_from(report.attempted()).map_or(true, |n| n < self.batch) {
                return Ok(());
            }
        }
    }
}

impl JobHandler for MailDrain {
    // The outbox has its own transaction per pass and its own retry schedule per mail; the
    // job's transaction only makes the drain run once at a time across instances.
    fn run<'a>(&'a self, _job: &'a Job, _conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(self.drain())
    }
}

async fn deliver(
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    email: &PendingEmail,
) -> Result<(), Failure> {
    let to: Mailbox = email
        .to_address
        .parse()
        .map_err(|error| Failure::Permanent(format!("invalid recipient address: {error}")))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.as_str())
        .header(ContentType::TEXT_PLAIN);
    if let Some(address) = &email.list_unsubscribe {
        builder = builder
            .header(ListUnsubscribe(address.clone()))
            .header(ListUnsubscribePost);
    }
    let message = builder
        .body(email.body_text.clone())
        .map_err(|error| Failure::Permanent(format!("building the message: {error}")))?;
    // Every SMTP error is retried, permanent replies included: a 5xx is as often our own
    // misconfiguration (credentials, sender) as a bad recipient, and retries are capped hourly.
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|error| Failure::Transient(format!("SMTP: {error}")))
}

/// `List-Unsubscribe: <https://…>` (RFC 2369): where a mail program unsubscribes the reader.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(
            s.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the address above takes
/// one POST, with no page to visit and no sign-in.
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[tracing::instrument(skip(tx))]
async fn mark_sent(tx: &mut PgConnection, id: i64) -> Result<(), anyhow::Error> {
    sqlx::query("update app.outbox_emails set sent_at = now() where id = $1")
        .bind(id)
        .execute(tx)
        .await
        .context("marking mail sent")?;
    Ok(())
}

#[tracing::instrument(skip(tx, reason))]
async fn record_failure(
    tx: &mut PgConnection,
    id: i64,
    reason: &str,
    retry_in: Duration,
) -> Result<(), anyhow::Error> {
    let reason: String = reason.chars().take(MAX_ERROR_CHARS).collect();
    sqlx::query(
        "update app.outbox_emails
            set attempts = attempts + 1,
                last_error = $2,
                next_attempt_at = now() + make_interval(secs => $3)
          where id = $1",
    )
    .bind(id)
    .bind(reason)
    .bind(retry_in.as_secs_f64())
    .execute(tx)
    .await
    .context("recording a failed send")?;
    Ok(())
}

/// 30 s after the first failure, doubling with each further one, at most an hour.
fn backoff(previous_attempts: i32) -> Duration {
    let doublings = previous_attempts.clamp(0, 16).unsigned_abs();
    FIRST_RETRY
        .checked_mul(1 << doublings)
        .map_or(LONGEST_RETRY, |wait| wait.min(LONGEST_RETRY))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_stops_at_an_hour() {
        assert_eq!(backoff(0), Duration::from_secs(30));
        assert_eq!(backoff(1), Duration::from_secs(60));
        assert_eq!(backoff(3), Duration::from_secs(240));
        assert_eq!(backoff(7), LONGEST_RETRY);
        assert_eq!(backoff(i32::MAX), LONGEST_RETRY);
        assert_eq!(backoff(-1), Duration::from_secs(30));
    }

    #[test]
    fn options_never_show_the_smtp_url() {
        let options = DrainerOptions {
            smtp_url: Some("smtp://user:hunter2@mail.example.org".into()),
            from: "no-reply@example.org".into(),
            poll_interval: Duration::from_secs(5),
            batch_size: 10,
        };
        assert!(!format!("{options:?}").contains("hunter2"));
    }

    #[test]
    fn a_malformed_sender_is_refused_at_start() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .connect_lazy("postgres://localhost/unused")
                .unwrap();
            let options = DrainerOptions {
                smtp_url: None,
                from: "not an address".into(),
                poll_interval: Duration::from_secs(5),
                batch_size: 10,
            };
            assert!(matches!(
                MailDrain::new(pool, &options),
                Err(DrainerError::InvalidFrom { .. })
            ));
        });
    }
}
