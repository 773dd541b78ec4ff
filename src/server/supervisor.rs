//! Background work the application owns. Every task is spawned through a [`Supervisor`], so
//! shutdown can tell them all to stop (a cancellation token) and wait until they have (a
//! task tracker): a running job finishes or is released, the LISTEN connection closes, and
//! only then is the database stopped. Nothing is spawned and forgotten.

use std::{future::Future, time::Duration};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

/// The application's task tracker and its stop signal. Cheap to clone; clones share both.
#[derive(Clone, Debug, Default)]
pub struct Supervisor {
    tracker: TaskTracker,
    stop: CancellationToken,
}

impl Supervisor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `task` until it ends; it must watch [`Supervisor::stopping`] and end soon after.
    pub fn spawn<F>(&self, name: &'static str, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tracing::debug!(task = name, "background task started");
        self.tracker.spawn(async move {
            task.await;
            tracing::debug!(task = name, "background task ended");
        });
    }

    /// Resolves once shutdown has begun.
    pub fn stopping(&self) -> tokio_util::sync::WaitForCancellationFuture<'_> {
        self.stop.cancelled()
    }

    /// A token that is cancelled when shutdown begins, for tasks that outlive a borrow.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    pub fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// Tells every task to stop and waits up to `grace` for them. Returns whether all ended;
    /// a task still running then is abandoned with the process (a job's transaction rolls
    /// back with its connection, so its job is retried elsewhere).
    pub async fn shut_down(&self, grace: Duration) -> bool {
        self.stop.cancel();
        self.tracker.close();
        let finished = tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_ok();
        if finished {
            tracing::info!("background tasks stopped");
        } else {
            tracing::warn!(
                still_running = self.tracker.len(),
                "background tasks did not stop in time; leaving them to the process exit"
            );
        }
        finished
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    #[tokio::test]
    async fn shut_down_waits_for_tasks_that_watch_the_stop_signal() {
        let supervisor = Supervisor::new();
        let finished = Arc::new(AtomicBool::new(false));
        let seen = finished.clone();
        let watcher = supervisor.clone();
        supervisor.spawn("test", async move {
            watcher.stopping().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            seen.store(true, Ordering::SeqCst);
        });
        assert!(supervisor.shut_down(Duration::from_secs(5)).await);
        assert!(finished.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn shut_down_gives_up_after_the_grace_period() {
        let supervisor = Supervisor::new();
        supervisor.spawn("stubborn", async {
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        assert!(!supervisor.shut_down(Duration::from_millis(50)).await);
    }
}
