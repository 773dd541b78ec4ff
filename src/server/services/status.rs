//! Measuring what the public status page shows.

use crate::{
    domain::{AppError, ServiceStatus},
    server::db::scoped,
};
use sqlx::PgPool;
use std::time::Instant;

/// Runs one query as a signed-out visitor and times the round trip.
#[tracing::instrument(skip_all)]
pub async fn measure(pool: &PgPool) -> Result<ServiceStatus, AppError> {
    let started = Instant::now();
    let mut tx = scoped::begin(pool, &scoped::RequestClaims::anonymous()).await?;
    let database_role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ServiceStatus {
        database_latency_ms: started.elapsed().as_secs_f64() * 1000.0,
        database_role,
    })
}
