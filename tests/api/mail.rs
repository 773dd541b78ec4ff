//! The outbox and its drainer, against a real PostgreSQL and a real (tiny) SMTP server.

use crate::{helpers::TestDatabase, smtp_sink::SmtpSink};
use lettre::{AsyncSmtpTransport, Tokio1Executor, message::Mailbox};
use sqlx::{PgPool, postgres::PgPoolOptions};
use std::{collections::HashSet, sync::Arc, time::Duration};
use tokio::sync::Notify;
use wellspring::server::{
    db::scoped::{self, RequestClaims},
    jobs::{JobHandlers, Schedule, WorkerOptions, schedule, worker},
    mail::{
        drainer::{self, DrainReport, DrainerOptions, MailDrain},
        outbox::{self, OutgoingEmail, StoredEmail},
    },
    supervisor::Supervisor,
};

fn transport(sink: &SmtpSink) -> AsyncSmtpTransport<Tokio1Executor> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(&sink.url())
        .unwrap()
        .build()
}

fn sender() -> Mailbox {
    "Wellspring <no-reply@wellspring.test>".parse().unwrap()
}

fn mail_to(to: &str, subject: &str) -> OutgoingEmail {
    OutgoingEmail {
        to: to.to_owned(),
        list_unsubscribe: None,
        subject: subject.to_owned(),
        body_text: format!("Hello!\n\nConfirm here: https://wellspring.test/confirm?t={subject}\n"),
    }
}

/// Queues a mail in its own committed identity-service transaction.
async fn queue(pool: &PgPool, email: &OutgoingEmail) -> i64 {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let id = outbox::enqueue(&mut tx, email).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn outbox_contents(pool: &PgPool) -> Vec<StoredEmail> {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let mails = outbox::recent(&mut tx, 100).await.unwrap();
    tx.commit().await.unwrap();
    mails
}

/// Whether mail `id` is next due later than `seconds` from now.
async fn due_later_than(pool: &PgPool, id: i64, seconds: f64) -> bool {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    let later: bool = sqlx::query_scalar(
        "select next_attempt_at > now() + make_interval(secs => $2)
           from app.outbox_emails where id = $1",
    )
    .bind(id)
    .bind(seconds)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    later
}

#[tokio::test]
async fn a_mail_queued_in_a_rolled_back_transaction_is_never_stored() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;

    let mut tx = scoped::begin(&pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    outbox::enqueue(&mut tx, &mail_to("ada@example.org", "rolled-back"))
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert!(outbox_contents(&pool).await.is_empty());

    // The same call in a committed transaction does store it.
    let id = queue(&pool, &mail_to("ada@example.org", "committed")).await;
    let stored = outbox_contents(&pool).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id, id);
    assert_eq!(stored[0].subject, "committed");
    assert_eq!(stored[0].sent_at, None);
    assert_eq!(stored[0].attempts, 0);
}

#[tokio::test]
async fn recent_lists_the_newest_mail_first() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let first = queue(&pool, &mail_to("ada@example.org", "first")).await;
    let second = queue(&pool, &mail_to("ada@example.org", "second")).await;

    let ids: Vec<i64> = outbox_contents(&pool).await.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![second, first]);
}

#[tokio::test]
async fn a_drained_mail_reaches_the_smtp_server_and_is_marked_sent() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let sink = SmtpSink::start().await;
    let id = queue(&pool, &mail_to("ada@example.org", "Confirm your email")).await;

    let report = drainer::drain_once(&pool, Some(&transport(&sink)), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(report, DrainReport { sent: 1, failed: 0 });

    let received = sink.messages();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "no-reply@wellspring.test");
    assert_eq!(received[0].to, vec!["ada@example.org".to_owned()]);
    assert!(received[0].data.contains("Subject: Confirm your email"));
    assert!(received[0].data.contains("To: ada@example.org"));
    assert!(received[0].data.contains("Content-Type: text/plain"));
    assert!(
        received[0]
            .data
            .contains("https://wellspring.test/confirm?t=Confirm your email")
    );

    let stored = outbox_contents(&pool).await;
    assert_eq!(stored[0].id, id);
    assert!(stored[0].sent_at.is_some());

    // Sent mail is not sent again.
    let again = drainer::drain_once(&pool, Some(&transport(&sink)), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(again, DrainReport::default());
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn a_refused_mail_is_kept_retried_later_and_then_delivered_exactly_once() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let sink = SmtpSink::start().await;
    let transport = transport(&sink);
    let id = queue(&pool, &mail_to("ada@example.org", "Reset your password")).await;

    sink.set_failing(true);
    let report = drainer::drain_once(&pool, Some(&transport), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(report, DrainReport { sent: 0, failed: 1 });
    assert!(sink.messages().is_empty());
    let stored = outbox_contents(&pool).await;
    assert_eq!(stored.len(), 1, "the mail is kept");
    assert_eq!(stored[0].attempts, 1);
    assert_eq!(stored[0].sent_at, None);
    let error = stored[0].last_error.as_deref().unwrap();
    assert!(error.contains("451"), "last_error: {error}");
    assert!(due_later_than(&pool, id, 20.0).await, "retry is backed off");

    // Not due yet: the server recovering does not make it go out early.
    sink.set_failing(false);
    let early = drainer::drain_once(&pool, Some(&transport), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(early, DrainReport::default());

    // Time passes.
    let mut tx = scoped::begin(&pool, &RequestClaims::auth_admin())
        .await
        .unwrap();
    sqlx::query("update app.outbox_emails set next_attempt_at = now() where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let retried = drainer::drain_once(&pool, Some(&transport), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(retried, DrainReport { sent: 1, failed: 0 });
    let after = drainer::drain_once(&pool, Some(&transport), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(after, DrainReport::default());

    let received = sink.messages();
    assert_eq!(received.len(), 1, "delivered exactly once");
    assert!(received[0].data.contains("Subject: Reset your password"));
    let stored = outbox_contents(&pool).await;
    assert!(stored[0].sent_at.is_some());
    assert_eq!(stored[0].attempts, 1);
}

#[tokio::test]
async fn concurrent_drainers_send_each_mail_once() {
    let database = TestDatabase::migrated().await;
    // Room for both drainers' transactions at once.
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&database.url)
        .await
        .unwrap();
    let sink = SmtpSink::start().await;
    let transport = transport(&sink);
    let from = sender();
    for n in 0..6 {
        queue(&pool, &mail_to("ada@example.org", &format!("mail {n}"))).await;
    }

    let (a, b) = tokio::join!(
        drainer::drain_once(&pool, Some(&transport), &from, 3),
        drainer::drain_once(&pool, Some(&transport), &from, 3),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    // Whatever the interleaving, one more pass each picks up anything still due.
    let (c, d) = tokio::join!(
        drainer::drain_once(&pool, Some(&transport), &from, 3),
        drainer::drain_once(&pool, Some(&transport), &from, 3),
    );
    let (c, d) = (c.unwrap(), d.unwrap());
    assert_eq!(a.sent + b.sent + c.sent + d.sent, 6);
    assert_eq!(a.failed + b.failed + c.failed + d.failed, 0);

    let received = sink.messages();
    assert_eq!(received.len(), 6, "no mail sent twice");
    let subjects: HashSet<String> = received
        .iter()
        .filter_map(|m| {
            m.data
                .lines()
                .find_map(|l| l.strip_prefix("Subject: ").map(str::to_owned))
        })
        .collect();
    assert_eq!(subjects.len(), 6, "each mail exactly once: {subjects:?}");
    assert!(
        outbox_contents(&pool)
            .await
            .iter()
            .all(|m| m.sent_at.is_some())
    );
}

#[tokio::test]
async fn a_mail_to_a_malformed_address_is_parked_not_retried() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let sink = SmtpSink::start().await;
    let transport = transport(&sink);
    let id = queue(&pool, &mail_to("not an address", "Welcome")).await;

    let report = drainer::drain_once(&pool, Some(&transport), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(report, DrainReport { sent: 0, failed: 1 });
    let stored = outbox_contents(&pool).await;
    assert_eq!(stored[0].attempts, 1);
    assert_eq!(stored[0].sent_at, None);
    assert!(
        stored[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("recipient")
    );
    let a_year = 365.0 * 24.0 * 60.0 * 60.0;
    assert!(due_later_than(&pool, id, a_year).await);

    let again = drainer::drain_once(&pool, Some(&transport), &sender(), 10)
        .await
        .unwrap();
    assert_eq!(again, DrainReport::default());
    assert!(sink.messages().is_empty());
}

#[tokio::test]
async fn without_smtp_configured_mail_stays_unsent_in_the_outbox() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    queue(&pool, &mail_to("ada@example.org", "Welcome")).await;

    let report = drainer::drain_once(&pool, None, &sender(), 10)
        .await
        .unwrap();
    assert_eq!(report, DrainReport::default());
    let stored = outbox_contents(&pool).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].sent_at, None);
    assert_eq!(stored[0].attempts, 0);
}

#[tokio::test]
async fn the_scheduled_drain_job_delivers_queued_mail_and_stops_with_the_supervisor() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let sink = SmtpSink::start().await;
    let drain = MailDrain::new(
        pool.clone(),
        &DrainerOptions {
            smtp_url: Some(sink.url()),
            from: "Wellspring <no-reply@wellspring.test>".into(),
            poll_interval: Duration::from_millis(50),
            batch_size: 10,
        },
    )
    .unwrap();
    let supervisor = Supervisor::new();
    let handlers = JobHandlers::new().register(drainer::MAIL_DRAIN, drain);
    worker::spawn(
        &supervisor,
        pool.clone(),
        Arc::new(handlers),
        WorkerOptions {
            poll_interval: Duration::from_millis(20),
            ..WorkerOptions::default()
        },
        Arc::new(Notify::new()),
    );
    schedule::spawn(
        &supervisor,
        pool.clone(),
        vec![Schedule {
            name: drainer::MAIL_DRAIN,
            every: Duration::from_millis(50),
            kind: drainer::MAIL_DRAIN,
            payload: serde_json::json!({}),
        }],
    );

    queue(&pool, &mail_to("ada@example.org", "Welcome")).await;
    tokio::time::timeout(Duration::from_secs(10), async {
        while sink.messages().is_empty() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the drain job delivers within 10 s");

    assert!(
        supervisor.shut_down(Duration::from_secs(5)).await,
        "the workers and the scheduler stop when asked"
    );
    assert_eq!(sink.messages().len(), 1);
}

#[tokio::test]
async fn the_drainer_refuses_to_start_with_a_malformed_sender_or_smtp_url() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let options = |smtp_url: Option<&str>, from: &str| DrainerOptions {
        smtp_url: smtp_url.map(str::to_owned),
        from: from.to_owned(),
        poll_interval: Duration::from_secs(1),
        batch_size: 10,
    };
    assert!(MailDrain::new(pool.clone(), &options(None, "not an address")).is_err());
    assert!(
        MailDrain::new(
            pool.clone(),
            &options(Some("gopher://mail.test"), "no-reply@wellspring.test")
        )
        .is_err()
    );
}
