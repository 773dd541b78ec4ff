//! Putting work on the queue, inside the caller's transaction, and reading it back for
//! admins and metrics.

use serde_json::Value;
use sqlx::PgConnection;
use std::time::Duration;
use time::OffsetDateTime;

/// A job to run later. Built with [`NewJob::new`] and the `with_*` methods.
#[derive(Clone, Debug, PartialEq)]
pub struct NewJob {
    pub kind: String,
    pub payload: Value,
    /// Run no sooner than this far from now.
    pub delay: Duration,
    /// While a job with this key and kind is waiting or running, another is not added.
    pub dedupe_key: Option<String>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn new(kind: impl Into<String>, payload: Value) -> Self {
        Self {
            kind: kind.into(),
            payload,
            delay: Duration::ZERO,
            dedupe_key: None,
            max_attempts: 10,
        }
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn with_dedupe_key(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    pub fn with_max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = attempts.clamp(1, 100);
        self
    }
}

/// Adds `job` in the open transaction on `conn`, whatever role it runs as: the insert runs
/// as the service role and the transaction's role is restored after, so a member's change
/// and the work it causes commit together or not at all. Returns the job's id, or `None`
/// when an unfinished job with the same kind and dedupe key already exists.
#[tracing::instrument(skip(conn, job), fields(kind = %job.kind))]
pub async fn enqueue(conn: &mut PgConnection, job: &NewJob) -> Result<Option<i64>, sqlx::Error> {
    let previous: String = sqlx::query_scalar(
        "select current_setting('role'), set_config('role', 'auth_admin', true)",
    )
    .fetch_one(&mut *conn)
    .await?;
    let id: Option<i64> = sqlx::query_scalar(
        "with added as (
            insert into app.jobs (kind, payload, run_at, dedupe_key, max_attempts)
            values ($1, $2, now() + make_interval(secs => $3), $4, $5)
            on conflict (kind, dedupe_key) where dedupe_key is not null and failed_at is null
            do nothing
            returning id
         )
         select id from added, pg_notify('wellspring_jobs', '') as woken",
    )
    .bind(&job.kind)
    .bind(&job.payload)
    .bind(job.delay.as_secs_f64())
    .bind(&job.dedupe_key)
    .bind(job.max_attempts)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query("select set_config('role', $1, true)")
        .bind(&previous)
        .execute(&mut *conn)
        .await?;
    if let Some(id) = id {
        tracing::debug!(job_id = id, "job queued");
    }
    Ok(id)
}

/// A job that ran out of attempts, as admins see it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ParkedJob {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub failed_at: OffsetDateTime,
}

/// The newest parked jobs, newest first (in a service-role transaction).
#[tracing::instrument(skip(conn))]
pub async fn parked(conn: &mut PgConnection, limit: i64) -> Result<Vec<ParkedJob>, sqlx::Error> {
    sqlx::query_as(
        "select id, kind, payload, attempts, last_error, created_at, failed_at
           from app.jobs where failed_at is not null
          order by failed_at desc, id desc limit $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// How much work is waiting, for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QueueDepth {
    /// Jobs due now or later, not parked.
    pub waiting: i64,
    pub parked: i64,
    /// Seconds since the oldest due job became due (0 when none is due).
    pub oldest_due_secs: f64,
}

#[tracing::instrument(skip(conn))]
pub async fn depth(conn: &mut PgConnection) -> Result<QueueDepth, sqlx::Error> {
    let (waiting, parked, oldest): (i64, i64, f64) = sqlx::query_as(
        "select count(*) filter (where failed_at is null),
                count(*) filter (where failed_at is not null),
                coalesce(extract(epoch from now() - min(run_at) filter (where failed_at is null and run_at <= now())), 0)::float8
           from app.jobs",
    )
    .fetch_one(conn)
    .await?;
    Ok(QueueDepth {
        waiting,
        parked,
        oldest_due_secs: oldest,
    })
}
