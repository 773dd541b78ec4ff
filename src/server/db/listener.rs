//! The instance's one LISTEN connection: revocation notices go to the revocation set, job
//! notices wake the workers, domain events go to the realtime hub.
//!
//! After the connection drops and comes back, notices sent meanwhile are lost, so the
//! revocation set is reloaded from the database each time the listener (re)connects, idle
//! workers are woken to look for jobs themselves, and the hub is replayed the events after
//! the last one it published (it drops any it already had).

use crate::server::{
    auth::revocation::Revocations, events, realtime::Realtime, supervisor::Supervisor,
};
use sqlx::{PgPool, postgres::PgListener};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

pub const REVOCATIONS: &str = "wellspring_revocations";
pub const JOBS: &str = "wellspring_jobs";
/// Admins' kill switches (`services::flags`): `{"live_updates": false}` closes every socket.
pub const FLAGS: &str = "wellspring_flags";

/// Where notices go.
#[derive(Clone)]
pub struct Subscribers {
    /// Told when the connection is lost (the quickest sign of a crashed server), and asked
    /// before reconnecting, so the listener does not queue on a pool that cannot connect.
    pub database: Arc<crate::server::db::health::DatabaseHealth>,
    pub revocations: Arc<Revocations>,
    pub jobs: Arc<Notify>,
    /// `None` when live updates are off: events are then not listened to.
    pub realtime: Option<Arc<Realtime>>,
}

/// Events replayed per query after a reconnect.
const REPLAY_BATCH: i64 = 1000;

/// Listens until shutdown, reconnecting with a pause when the database is away.
pub fn spawn(supervisor: &Supervisor, pool: PgPool, subscribers: Subscribers) {
    let stop = supervisor.stop_token();
    supervisor.spawn("listener", async move {
        let mut connected_before = false;
        loop {
            if stop.is_cancelled() || pool.is_closed() {
                return;
            }
            if !subscribers.database.is_up() {
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = subscribers.database.wait_until_up() => {}
                }
            }
            match connect(&pool, subscribers.realtime.is_some()).await {
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
                    subscribers.database.suspect();
                    tracing::warn!(error = %error, "listener could not connect; retrying")
                }
            }
            // Long enough not to spin; the wait for the database above does the rest.
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
        }
    });
}

async fn connect(pool: &PgPool, with_events: bool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    if with_events {
        listener
            .listen_all([
                REVOCATIONS,
                JOBS,
                FLAGS,
                events::CHANNEL,
                crate::server::realtime::presence::CHANNEL,
            ])
            .await?;
    } else {
        listener.listen_all([REVOCATIONS, JOBS]).await?;
    }
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
                    FLAGS => {
                        if let Some(realtime) = &subscribers.realtime {
                            realtime.flags_heard(notice.payload());
                        }
                    }
                    crate::server::realtime::presence::CHANNEL => {
                        if let Some(realtime) = &subscribers.realtime {
                            realtime.presence_heard(notice.payload());
                        }
                    }
                    events::CHANNEL => {
                        if let Some(realtime) = &subscribers.realtime {
                            match events::Event::from_announcement(notice.payload()) {
                                Some(event) => realtime.publish(&event),
                                None => tracing::warn!(payload = notice.payload(), "ignored an event announcement"),
                            }
                        }
                    }
                    other => tracing::debug!(channel = other, "ignored a notice"),
                },
                // The connection was lost; the next call reconnects. Catch up on what
                // was announced meanwhile.
                Ok(None) => {
                    subscribers.database.suspect();
                    tracing::warn!("listener lost its connection; reconnecting");
                    return false;
                }
                Err(error) => {
                    subscribers.database.suspect();
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
    if let Some(realtime) = &subscribers.realtime {
        replay(pool, realtime).await;
    }
}

/// Publishes what was announced while the listener was away: the events after the newest
/// one the hub has (a fresh instance starts from now, since no page of its own can have
/// missed anything). A little before it too, since ids are taken before commit and a
/// transaction that took a lower id may commit later; the hub drops repeats.
async fn replay(pool: &PgPool, realtime: &Realtime) {
    let last = realtime.last_event();
    if last == 0 {
        // A fresh instance: pages resume from the newest event there is.
        let newest = async {
            let mut tx = crate::server::db::scoped::begin(
                pool,
                &crate::server::db::scoped::RequestClaims::auth_admin(),
            )
            .await?;
            let newest: Option<i64> = sqlx::query_scalar("select max(id) from app.events")
                .fetch_one(&mut *tx)
                .await?;
            tx.rollback().await?;
            Ok::<_, sqlx::Error>(newest)
        };
        match newest.await {
            Ok(newest) => realtime.hub.heard_up_to(newest.unwrap_or(0)),
            Err(error) => tracing::warn!(error = %error, "could not read the newest event"),
        }
        return;
    }
    let mut after = (last - 100).max(0);
    loop {
        let batch = async {
            let mut tx = crate::server::db::scoped::begin(
                pool,
                &crate::server::db::scoped::RequestClaims::auth_admin(),
            )
            .await?;
            let rows = events::since(&mut tx, after, REPLAY_BATCH).await?;
            tx.rollback().await?;
            Ok::<_, sqlx::Error>(rows)
        };
        match batch.await {
            Ok(rows) => {
                for event in &rows {
                    realtime.publish(event);
                }
                match rows.last() {
                    Some(event) if rows.len() as i64 == REPLAY_BATCH => after = event.id,
                    _ => return,
                }
            }
            Err(error) => {
                tracing::warn!(error = %error, "could not replay events after reconnecting");
                return;
            }
        }
    }
}

fn now_unix() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
