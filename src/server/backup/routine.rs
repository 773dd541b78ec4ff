//! The `backup.make` job: a backup on a schedule (`backup.every_hours`), then the old ones
//! removed by the retention rule (`retention`). It runs through the job queue, so across any
//! number of instances one backup is made per period, and a failed one is retried with
//! the queue's backoff; the last success is what `/metrics` reports
//! (`wellspring_backup_last_success_timestamp_seconds`, read from the audit log) and what
//! the "backup older than 26 hours" alert watches.

use super::{make, retention, seal::BackupKey};
use crate::server::{
    auth::audit::{self, AuthEvent},
    jobs::{Job, JobHandler, JobResult},
};
use anyhow::Context as _;
use object_store::ObjectStore;
use secrecy::{ExposeSecret as _, SecretString};
use sqlx::PgConnection;
use std::{path::PathBuf, sync::Arc};

pub const MAKE: &str = "backup.make";

pub struct ScheduledBackups {
    /// The owner's connection string: `pg_dump` must see every row (row level security).
    pub owner_url: SecretString,
    pub store: Arc<dyn ObjectStore>,
    pub dir: PathBuf,
    pub key: Option<BackupKey>,
    pub keep: retention::Retention,
}

impl JobHandler for ScheduledBackups {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(self.make_and_prune(conn))
    }
}

impl ScheduledBackups {
    #[tracing::instrument(skip_all, fields(dir = %self.dir.display()))]
    async fn make_and_prune(&self, conn: &mut PgConnection) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let (folder, manifest) = make::backup(
            self.owner_url.expose_secret(),
            self.store.clone(),
            &self.dir,
            self.key.as_ref(),
        )
        .await
        .context("making the scheduled backup")?;
        // Only a finished backup makes room: a failing schedule never eats the old ones.
        let found = retention::list(&self.dir)
            .with_context(|| format!("listing {}", self.dir.display()))?;
        let mut removed = Vec::new();
        for old in retention::to_remove(&found, self.keep, time::OffsetDateTime::now_utc()) {
            match std::fs::remove_dir_all(&old) {
                Ok(()) => removed.push(old.display().to_string()),
                Err(error) => {
                    tracing::warn!(folder = %old.display(), %error, "could not remove an old backup");
                }
            }
        }
        let rows: i64 = manifest.tables.iter().map(|t| t.rows).sum();
        audit::record(
            conn,
            AuthEvent::BackupMade,
            None,
            None,
            &audit::Origin {
                user_agent: "wellspring scheduled backup".into(),
                ..Default::default()
            },
            serde_json::json!({
                "folder": folder.display().to_string(),
                "tables": manifest.tables.len(),
                "rows": rows,
                "pictures": manifest.media.len(),
                "sealed": manifest.sealed,
                "scheduled": true,
                "removed": removed,
            }),
        )
        .await
        .context("recording the backup in the audit log")?;
        tracing::info!(
            folder = %folder.display(),
            rows,
            removed = removed.len(),
            seconds = started.elapsed().as_secs_f64(),
            "scheduled backup made"
        );
        Ok(())
    }
}
