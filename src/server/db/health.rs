//! Whether the database can be reached, known without waiting for the pool.
//!
//! A pool asked for a connection while PostgreSQL is away retries the connect until its
//! acquire timeout (3 s by default), so every request used to hang that long before its
//! 503. Here one watcher decides instead: it probes on its own connection (a heartbeat
//! while all is well, at once when something looks wrong, every 200 ms while the database
//! is away) and flips one flag that requests read for free. The listener losing its
//! connection and any 503 from a database-backed route are "suspicions" that make the
//! watcher probe now rather than at the next heartbeat; only a failed probe marks the
//! database away, so a busy pool (slow queries holding every connection) is not mistaken
//! for an outage.

use crate::server::supervisor::Supervisor;
use sqlx::{Connection, PgConnection, postgres::PgConnectOptions};
use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};
use tokio::sync::{Notify, watch};

/// How often the watcher probes while the database is away: the service is back within a
/// probe of the database's return.
const PROBE_WHILE_AWAY: Duration = Duration::from_millis(200);
/// The fewest milliseconds between two probes started by suspicions.
const SUSPICION_SPACING: Duration = Duration::from_millis(100);

#[derive(Clone, Copy, Debug)]
pub struct HealthOptions {
    /// Heartbeat while the database is reachable.
    pub heartbeat: Duration,
    /// A probe that takes longer than this failed (a partition, not only a refusal).
    pub probe_timeout: Duration,
}

/// The one flag, its history and the watcher's wake-up.
pub struct DatabaseHealth {
    up: AtomicBool,
    /// Flips to `false` and back, for those who wait for the database to return.
    changes: watch::Sender<bool>,
    suspicion: Notify,
    /// Requests answered 503 at once because the database was away.
    refused: AtomicU64,
    /// Times the database went away.
    outages: AtomicU64,
}

impl Default for DatabaseHealth {
    fn default() -> Self {
        Self {
            up: AtomicBool::new(true),
            changes: watch::channel(true).0,
            suspicion: Notify::new(),
            refused: AtomicU64::new(0),
            outages: AtomicU64::new(0),
        }
    }
}

/// What `/metrics` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthFigures {
    pub up: bool,
    pub refused: u64,
    pub outages: u64,
}

impl DatabaseHealth {
    /// Reachable as far as anyone knows. Starts `true`: start-up has just migrated.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Something looked wrong (a lost connection, a 503): probe now, not at the heartbeat.
    pub fn suspect(&self) {
        self.suspicion.notify_one();
    }

    /// Counts a request turned away because the database is away.
    pub fn refused_one(&self) {
        self.refused.fetch_add(1, Ordering::Relaxed);
    }

    pub fn figures(&self) -> HealthFigures {
        HealthFigures {
            up: self.is_up(),
            refused: self.refused.load(Ordering::Relaxed),
            outages: self.outages.load(Ordering::Relaxed),
        }
    }

    /// Resolves once the database is reachable (at once if it is).
    pub async fn wait_until_up(&self) {
        let mut changes = self.changes.subscribe();
        let _ = changes.wait_for(|up| *up).await;
    }

    /// Records a probe's verdict; one log line per change, none per request.
    fn set(&self, up: bool, cause: Option<&str>) {
        if self.up.swap(up, Ordering::SeqCst) == up {
            return;
        }
        if up {
            tracing::info!("database reachable again: serving requests that need it");
        } else {
            self.outages.fetch_add(1, Ordering::Relaxed);
            tracing::error!(
                cause = cause.unwrap_or("unknown"),
                "database unreachable: requests that need it are answered 503 at once until it returns"
            );
        }
        self.changes.send_replace(up);
    }
}

/// Probes until shutdown, under `supervisor`. `options` are the requests' own connect
/// options, so a probe proves the very login requests use.
pub fn spawn(
    supervisor: &Supervisor,
    health: Arc<DatabaseHealth>,
    connect: PgConnectOptions,
    options: HealthOptions,
) {
    let stop = supervisor.stop_token();
    supervisor.spawn("database-health", async move {
        let mut probe = Probe {
            connect: connect.application_name("wellspring-health"),
            timeout: options.probe_timeout,
            connection: None,
        };
        let mut last = Instant::now() - SUSPICION_SPACING;
        loop {
            let wait = if health.is_up() {
                options.heartbeat
            } else {
                PROBE_WHILE_AWAY
            };
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(wait) => {}
                () = health.suspicion.notified() => {
                    // Many suspicions at once (every request of a burst) make one probe.
                    let since = last.elapsed();
                    if since < SUSPICION_SPACING {
                        tokio::time::sleep(SUSPICION_SPACING - since).await;
                    }
                }
            }
            last = Instant::now();
            match probe.run().await {
                Ok(()) => health.set(true, None),
                Err(cause) => health.set(false, Some(&cause)),
            }
        }
        if let Some(connection) = probe.connection.take() {
            let _ = connection.close().await;
        }
    });
}

/// The watcher's own connection, kept between probes (one `select 1` a heartbeat) and made
/// again when it fails.
struct Probe {
    connect: PgConnectOptions,
    timeout: Duration,
    connection: Option<PgConnection>,
}

impl Probe {
    async fn run(&mut self) -> Result<(), String> {
        // The kept connection answers, or it died (a restart, a cut) and a new one decides.
        if let Some(mut connection) = self.connection.take()
            && tokio::time::timeout(self.timeout, connection.ping())
                .await
                .is_ok_and(|pinged| pinged.is_ok())
        {
            self.connection = Some(connection);
            return Ok(());
        }
        match tokio::time::timeout(self.timeout, PgConnection::connect_with(&self.connect)).await {
            Ok(Ok(mut connection)) => {
                match tokio::time::timeout(self.timeout, connection.ping()).await {
                    Ok(Ok(())) => {
                        self.connection = Some(connection);
                        Ok(())
                    }
                    Ok(Err(error)) => Err(error.to_string()),
                    Err(_) => Err("no answer within the probe timeout".into()),
                }
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err("no connection within the probe timeout".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_change_is_counted_once_and_waiters_wake_on_return() {
        let health = Arc::new(DatabaseHealth::default());
        assert!(health.is_up());
        health.set(false, Some("refused"));
        health.set(false, Some("refused again"));
        assert_eq!(
            health.figures(),
            HealthFigures {
                up: false,
                refused: 0,
                outages: 1
            }
        );
        let waiter = tokio::spawn({
            let health = health.clone();
            async move { health.wait_until_up().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiter.is_finished(), "waits while the database is away");
        health.set(true, None);
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("woken when it returns")
            .unwrap();
        health.refused_one();
        assert_eq!(health.figures().refused, 1);
    }
}
