//! Running jobs: claim one due job, run its handler, and settle it, all in one transaction.
//!
//! The claim (`for update skip locked`) holds the job's row lock for as long as the handler
//! runs, and success deletes the row in the same transaction as the handler's own writes.
//! So a job's database effects happen exactly once across any number of workers, and a
//! worker that dies mid-job (killed, crashed, cut off) loses its connection: PostgreSQL
//! rolls the transaction back and the job is claimable again at once, with no lease timer.
//! Effects outside the database (a mail sent) are at least once, as they must be.

use super::handler::{Job, JobHandlers};
use crate::server::{
    db::scoped::{self, RequestClaims},
    supervisor::Supervisor,
};
use sqlx::{Connection as _, PgPool};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;
use tracing::Instrument as _;

/// `last_error` keeps a short reason, not a transcript.
const MAX_ERROR_CHARS: usize = 500;

#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Jobs run at once by this instance.
    pub concurrency: usize,
    /// How often an idle worker looks for due jobs without being woken.
    pub poll_interval: Duration,
    /// The wait after the first failure; it doubles with each further one.
    pub retry_base: Duration,
    /// Retries never wait longer than this.
    pub retry_ceiling: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            concurrency: 2,
            poll_interval: Duration::from_secs(1),
            retry_base: Duration::from_secs(5),
            retry_ceiling: Duration::from_secs(60 * 60),
        }
    }
}

/// What happened to one claimed job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Failed; scheduled again.
    Retrying,
    /// Failed its last attempt; parked for an admin.
    Parked,
}

/// Claims and runs one due job. `Ok(None)`: nothing was due.
#[tracing::instrument(skip_all)]
pub async fn run_one(
    pool: &PgPool,
    handlers: &JobHandlers,
    options: &WorkerOptions,
) -> Result<Option<(i64, Outcome)>, sqlx::Error> {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin()).await?;
    let job: Option<Job> = sqlx::query_as(
        "select id, kind, payload, attempts, max_attempts from app.jobs
          where failed_at is null and run_at <= now()
          order by run_at, id
          limit 1
            for update skip locked",
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(job) = job else {
        tx.rollback().await?;
        return Ok(None);
    };
    let span =
        tracing::info_span!("job", job_id = job.id, kind = %job.kind, attempt = job.attempts + 1);
    let result = async {
        match handlers.get(&job.kind) {
            None => Err(anyhow::anyhow!(
                "no handler is registered for job kind {:?}",
                job.kind
            )),
            Some(handler) => {
                // A savepoint: a failed handler's writes are undone, the claim is kept.
                let mut inner = tx.begin().await?;
                match handler.run(&job, &mut inner).await {
                    Ok(()) => inner.commit().await.map_err(anyhow::Error::from),
                    Err(error) => {
                        inner.rollback().await?;
                        Err(error)
                    }
                }
            }
        }
    }
    .instrument(span.clone())
    .await;
    let outcome = match result {
        Ok(()) => {
            sqlx::query("delete from app.jobs where id = $1")
                .bind(job.id)
                .execute(&mut *tx)
                .await?;
            Outcome::Done
        }
        Err(error) => {
            let reason: String = format!("{error:#}").chars().take(MAX_ERROR_CHARS).collect();
            let attempts = job.attempts + 1;
            if attempts >= job.max_attempts {
                tracing::error!(parent: &span, error = %reason, attempts, "job failed its last attempt; parked");
                sqlx::query(
                    "update app.jobs set attempts = $2, last_error = $3, failed_at = now() where id = $1",
                )
                .bind(job.id)
                .bind(attempts)
                .bind(&reason)
                .execute(&mut *tx)
                .await?;
                Outcome::Parked
            } else {
                let wait = backoff(options, job.attempts);
                tracing::warn!(parent: &span, error = %reason, attempts,
                    retry_in_ms = wait.as_millis() as u64, "job failed; will retry");
                sqlx::query(
                    "update app.jobs set attempts = $2, last_error = $3,
                            run_at = now() + make_interval(secs => $4)
                      where id = $1",
                )
                .bind(job.id)
                .bind(attempts)
                .bind(&reason)
                .bind(wait.as_secs_f64())
                .execute(&mut *tx)
                .await?;
                Outcome::Retrying
            }
        }
    };
    tx.commit().await?;
    Ok(Some((job.id, outcome)))
}

/// `retry_base` after the first failure, doubling, at most `retry_ceiling`.
pub fn backoff(options: &WorkerOptions, previous_attempts: i32) -> Duration {
    let doublings = previous_attempts.clamp(0, 20).unsigned_abs();
    options
        .retry_base
        .checked_mul(1 << doublings)
        .map_or(options.retry_ceiling, |wait| {
            wait.min(options.retry_ceiling)
        })
}

/// Starts `options.concurrency` workers under `supervisor`. Each runs due jobs until none is
/// left, then sleeps until `wake` is notified (a job was queued) or the poll interval passes.
/// On shutdown a worker finishes the job in hand and takes no other.
pub fn spawn(
    supervisor: &Supervisor,
    pool: PgPool,
    handlers: Arc<JobHandlers>,
    options: WorkerOptions,
    wake: Arc<Notify>,
) {
    for _ in 0..options.concurrency.max(1) {
        let pool = pool.clone();
        let handlers = handlers.clone();
        let options = options.clone();
        let wake = wake.clone();
        let stop = supervisor.stop_token();
        supervisor.spawn("job worker", async move {
            loop {
                if stop.is_cancelled() || pool.is_closed() {
                    break;
                }
                match run_one(&pool, &handlers, &options).await {
                    Ok(Some(_)) => continue,
                    Ok(None) => {}
                    Err(_) if pool.is_closed() => break,
                    Err(error) => tracing::warn!(error = %error, "could not run jobs"),
                }
                tokio::select! {
                    () = stop.cancelled() => break,
                    () = wake.notified() => {}
                    () = tokio::time::sleep(options.poll_interval) => {}
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_the_ceiling() {
        let options = WorkerOptions::default();
        assert_eq!(backoff(&options, 0), Duration::from_secs(5));
        assert_eq!(backoff(&options, 1), Duration::from_secs(10));
        assert_eq!(backoff(&options, 3), Duration::from_secs(40));
        assert_eq!(backoff(&options, 12), Duration::from_secs(3600));
        assert_eq!(backoff(&options, i32::MAX), Duration::from_secs(3600));
        assert_eq!(backoff(&options, -1), Duration::from_secs(5));
    }
}
