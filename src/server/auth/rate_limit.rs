//! Fixed-window rate limits kept in PostgreSQL, so every app instance counts the same hits.
//!
//! One upsert per check: the row for (bucket, current window) gains a hit and returns the
//! new count. Old windows are deleted by `prune` (the outbox drainer's tick calls it).

use crate::domain::AppError;
use sqlx::PgConnection;

/// A limit: at most `max` hits per `window_secs` in one bucket.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i32,
    pub window_secs: i64,
}

/// One counted hit: how many the window holds now, which window, and when it ends.
#[derive(Clone, Copy, Debug)]
pub struct Counted {
    pub hits: i32,
    /// The window's start, in seconds since the epoch (to give the hit back: [`give_back`]).
    pub window_start: f64,
    pub retry_after_secs: u64,
}

/// Counts one hit in `bucket`'s current window of `window_secs`, whatever the limit.
pub async fn count(
    conn: &mut PgConnection,
    bucket: &str,
    window_secs: i64,
) -> Result<Counted, AppError> {
    let window = window_secs.max(1);
    let (hits, window_start, retry_after): (i32, f64, f64) = sqlx::query_as(
        "insert into auth.rate_limits (bucket, window_start, hits)
         values ($1, to_timestamp(floor(extract(epoch from now()) / $2) * $2), 1)
         on conflict (bucket, window_start) do update set hits = auth.rate_limits.hits + 1
         returning hits, extract(epoch from window_start)::float8,
                   extract(epoch from window_start + make_interval(secs => $2) - now())::float8",
    )
    .bind(bucket)
    .bind(window as f64)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Counted {
        hits,
        window_start,
        retry_after_secs: retry_after.ceil().max(1.0) as u64,
    })
}

/// Takes back one hit counted in `bucket`'s window starting at `window_start`.
pub async fn give_back(
    conn: &mut PgConnection,
    bucket: &str,
    window_start: f64,
) -> Result<(), AppError> {
    sqlx::query(
        "update auth.rate_limits set hits = greatest(hits - 1, 0)
          where bucket = $1 and window_start = to_timestamp($2)",
    )
    .bind(bucket)
    .bind(window_start)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts one hit in `bucket`; `RateLimited` (with the seconds until the window ends) once
/// the bucket is over its limit. The hit counts either way, so hammering never helps.
#[tracing::instrument(skip(conn))]
pub async fn hit(conn: &mut PgConnection, bucket: &str, limit: Limit) -> Result<(), AppError> {
    let counted = count(conn, bucket, limit.window_secs).await?;
    if counted.hits > limit.max {
        return Err(AppError::RateLimited {
            retry_after_secs: counted.retry_after_secs,
        });
    }
    Ok(())
}

/// Deletes windows that ended more than an hour ago.
pub async fn prune(conn: &mut PgConnection) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("delete from auth.rate_limits where window_start < now() - interval '1 hour'")
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected())
}
