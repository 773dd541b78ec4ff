//! The instance's one LISTEN connection: revocation notices go to the revocation set, job
//! notices wake the workers. Realtime will add its channel here.
//!
//! After the connection drops and comes back, notices sent meanwhile are lost, so the
//! revocation set is reloaded from the database each time the listener (re)connects and
//! idle workers are woken to look for jobs themselves.

use crate::server::{auth::revocation::Revocations, supervisor::Supervisor};
use sqlx::{PgPool, postgres::PgListener};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

pub const REVOCATIONS: &str = "wellspring_revocations";
pub const JOBS: &str = "wellspring_jobs";

/// Where notices go.
#[derive(Clone)]
pub struct Subscribers {
    pub revocations: Arc<Revocations>,
    pub jobs: Arc<Notify>,
}

/// Listens until shutdown, reconnecting with a pause when the database is away.
pub fn spawn(supervisor: &Supervisor, pool: PgPool, subscribers: Subscribers) {
    let stop = supervisor.stop_token();
    supervisor.spawn("listener", async move {
        let mut connected_before = false;
        loop {
            if stop.is_cancelled() || pool.is_closed() {
                return;
            }
            match connect(&pool).await {
                Ok(listener) => {
                    if connected_before {
                        tracing::info!("listener reconnected");
                    }
                    connected_before = true;
                    if listen(listener, &pool, &subscribers, &stop).await {
                        return;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "listener could not connect; retrying")
                }
            }
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    });
}

async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([REVOCATIONS, JOBS]).await?;
    Ok(listener)
}

/// Serves one connection. Returns `true` when shutdown asked it to end, `false` when the
/// connection failed and should be made again.
async fn listen(
    mut listener: PgListener,
    pool: &PgPool,
    subscribers: &Subscribers,
    stop: &tokio_util::sync::CancellationToken,
) -> bool {
    catch_up(pool, subscribers).await;
    let mut sweep = tokio::time::interval(Duration::from_secs(30));
    loop {
        tokio::select! {
            () = stop.cancelled() => {
                let _ = listener.unlisten_all().await;
                return true;
            }
            _ = sweep.tick() => {
                subscribers.revocations.forget_before(now_unix());
            }
            received = listener.try_recv() => match received {
                Ok(Some(notice)) => match notice.channel() {
                    REVOCATIONS => subscribers.revocations.apply(notice.payload()),
                    JOBS => subscribers.jobs.notify_waiters(),
                    other => tracing::debug!(channel = other, "ignored a notice"),
                },
                // The connection was lost; the next call reconnects. Catch up on what
                // was announced meanwhile.
                Ok(None) => {
                    tracing::warn!("listener lost its connection; reconnecting");
                    return false;
                }
                Err(error) => {
                    tracing::warn!(error = %error, "listener failed; reconnecting");
                    return false;
                }
            },
        }
    }
}

async fn catch_up(pool: &PgPool, subscribers: &Subscribers) {
    match subscribers.revocations.reload(pool).await {
        Ok(count) => tracing::debug!(count, "revocations loaded"),
        Err(error) => tracing::warn!(error = %error, "could not load revocations"),
    }
    subscribers.jobs.notify_waiters();
}

fn now_unix() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
