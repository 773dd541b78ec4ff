//! Periodic jobs that fire once per period, however many instances run.
//!
//! Every instance ticks; on each tick it tries to move the schedule's row in
//! `app.job_schedules` forward to the current period, and only the instance whose update
//! succeeded enqueues the job, in the same transaction. Periods are aligned to the Unix
//! epoch, so all instances agree on where one starts.

use super::queue::{NewJob, enqueue};
use crate::server::{
    db::scoped::{self, RequestClaims},
    supervisor::Supervisor,
};
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;
use time::OffsetDateTime;

/// A job to enqueue once per `every`.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Unique among schedules; also the job's dedupe key.
    pub name: &'static str,
    pub every: Duration,
    pub kind: &'static str,
    pub payload: Value,
}

/// Enqueues `schedule`'s job if this period's has not been enqueued by any instance yet.
/// Returns the start of the period this call enqueued the job for, if it did.
#[tracing::instrument(skip_all, fields(schedule = schedule.name))]
pub async fn tick(
    pool: &PgPool,
    schedule: &Schedule,
) -> Result<Option<OffsetDateTime>, sqlx::Error> {
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin()).await?;
    let claimed: Option<OffsetDateTime> = sqlx::query_scalar(
        "insert into app.job_schedules as s (name, last_period_at)
         values ($1, to_timestamp(floor(extract(epoch from now()) / $2) * $2))
         on conflict (name) do update set last_period_at = excluded.last_period_at
          where s.last_period_at < excluded.last_period_at
         returning last_period_at",
    )
    .bind(schedule.name)
    .bind(schedule.every.as_secs_f64().max(0.001))
    .fetch_optional(&mut *tx)
    .await?;
    if claimed.is_some() {
        enqueue(
            &mut tx,
            &NewJob::new(schedule.kind, schedule.payload.clone()).with_dedupe_key(schedule.name),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(claimed)
}

/// Ticks every schedule a few times per period until shutdown.
pub fn spawn(supervisor: &Supervisor, pool: PgPool, schedules: Vec<Schedule>) {
    if schedules.is_empty() {
        return;
    }
    let stop = supervisor.stop_token();
    supervisor.spawn("job scheduler", async move {
        let shortest = schedules
            .iter()
            .map(|s| s.every)
            .min()
            .unwrap_or(Duration::from_secs(1));
        let interval = (shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(5));
        loop {
            for schedule in &schedules {
                if let Err(error) = tick(&pool, schedule).await {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!(schedule = schedule.name, error = %error, "could not tick a schedule");
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(interval) => {}
            }
        }
    });
}
