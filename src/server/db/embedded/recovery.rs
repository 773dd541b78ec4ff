//! Point-in-time recovery of the embedded cluster: a base backup (`pg_basebackup`, made by
//! `wellspring base-backup`) put back in place of the data directory, then the archived WAL
//! replayed up to a moment or to its end, then opened for writes. The data directory that
//! was there is moved aside, never deleted: a restore to the wrong moment can be undone.

use super::{
    EmbeddedPostgres,
    archive::{self, ClusterOptions, RecoveryTarget},
    cluster_dir, is_root, postgres_tool, private_dir, unprivileged_account,
};
use anyhow::{Context as _, anyhow, bail};
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

/// What a point-in-time restore did.
#[derive(Debug)]
pub struct Recovered {
    /// When the last transaction replayed had committed (PostgreSQL's own answer).
    pub replayed_to: Option<String>,
    /// The data directory found in the way, moved here.
    pub set_aside: Option<PathBuf>,
    pub took: Duration,
    /// The restored cluster, still running so the restore can be recorded in it; stopped
    /// when dropped.
    pub cluster: EmbeddedPostgres,
}

/// Replaces the embedded cluster under `base_dir` with the base backup in `base_backup`
/// and replays `options.wal_archive` up to `target`. The cluster must not be running.
#[tracing::instrument(skip(options))]
pub fn recover(
    base_dir: &Path,
    base_backup: &Path,
    options: &ClusterOptions,
    target: &RecoveryTarget,
) -> anyhow::Result<Recovered> {
    let started = Instant::now();
    let archive_dir = options.wal_archive.as_deref().ok_or_else(|| {
        anyhow!("database.wal_archive_dir is not set, so there is no archived WAL to replay")
    })?;
    let archive_dir = archive_dir
        .canonicalize()
        .with_context(|| format!("the WAL archive {} cannot be read", archive_dir.display()))?;
    let base_tar = ["base.tar.gz", "base.tar"]
        .iter()
        .map(|name| base_backup.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| {
            anyhow!(
                "{} holds no base.tar.gz (made by wellspring base-backup)",
                base_backup.display()
            )
        })?;
    if EmbeddedPostgres::running_url(base_dir, "postgres").is_some() {
        bail!("the embedded PostgreSQL is running: stop the server first, then restore");
    }
    let run_as = if is_root() {
        Some(unprivileged_account()?)
    } else {
        None
    };
    let data_dir = cluster_dir(base_dir, run_as.as_ref())?;

    let set_aside = if data_dir.exists() {
        let aside = data_dir.with_file_name(format!(
            "postgres.before-restore-{}",
            time::OffsetDateTime::now_utc().unix_timestamp()
        ));
        std::fs::rename(&data_dir, &aside)
            .with_context(|| format!("moving {} aside", data_dir.display()))?;
        tracing::info!(aside = %aside.display(), "the old data directory was moved aside");
        Some(aside)
    } else {
        None
    };

    private_dir(&data_dir, run_as.as_ref())?;
    untar(&base_tar, &data_dir)?;
    let wal_tar = ["pg_wal.tar.gz", "pg_wal.tar"]
        .iter()
        .map(|name| base_backup.join(name))
        .find(|path| path.is_file());
    if let Some(wal_tar) = wal_tar {
        let pg_wal = data_dir.join("pg_wal");
        std::fs::create_dir_all(&pg_wal)?;
        untar(&wal_tar, &pg_wal)?;
    }
    archive::ensure_included(&data_dir)?;
    std::fs::write(
        data_dir.join(archive::RECOVERY),
        archive::recovery_text(&archive_dir, target)?,
    )?;
    std::fs::write(data_dir.join("recovery.signal"), "")?;
    if let Some(account) = &run_as {
        give_tree(&data_dir, account.uid, account.gid)?;
    }

    // Started as any start is; replay runs before it takes writes.
    let cluster = EmbeddedPostgres::start_with(base_dir, options)
        .context("starting the restored cluster (its log: server.log in the data directory)")?;
    let replayed_to = wait_for_promotion(&cluster, Duration::from_secs(30 * 60))?;
    std::fs::remove_file(data_dir.join(archive::RECOVERY)).ok();
    Ok(Recovered {
        replayed_to,
        set_aside,
        took: started.elapsed(),
        cluster,
    })
}

fn untar(tar: &Path, into: &Path) -> anyhow::Result<()> {
    let gzip = tar.extension().is_some_and(|e| e == "gz");
    let output = Command::new("tar")
        .arg(if gzip { "-xzf" } else { "-xf" })
        .arg(tar)
        .arg("-C")
        .arg(into)
        .output()
        .context("running tar")?;
    if !output.status.success() {
        bail!(
            "unpacking {} failed: {}",
            tar.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Every file under `dir` to `uid`:`gid` (PostgreSQL refuses a data directory it does not own).
fn give_tree(dir: &Path, uid: u32, gid: u32) -> anyhow::Result<()> {
    std::os::unix::fs::lchown(dir, Some(uid), Some(gid))
        .with_context(|| format!("giving {} away", dir.display()))?;
    if dir.is_dir() && !dir.is_symlink() {
        for entry in std::fs::read_dir(dir)? {
            give_tree(&entry?.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// Waits until the cluster has left recovery (replay reached its target and it promoted),
/// returning the commit time of the last transaction it replayed.
fn wait_for_promotion(
    cluster: &EmbeddedPostgres,
    limit: Duration,
) -> anyhow::Result<Option<String>> {
    let psql = postgres_tool("psql").ok_or_else(|| anyhow!("psql was not found"))?;
    let deadline = Instant::now() + limit;
    loop {
        let mut query = Command::new(&psql);
        query
            .args(["-X", "-q", "-t", "-A", "-d"])
            .arg(cluster.url("postgres"))
            .arg("-c")
            .arg("select pg_is_in_recovery(), coalesce(pg_last_xact_replay_timestamp()::text, '')");
        let output = cluster
            .as_account(&mut query)
            .output()
            .context("running psql")?;
        let answer = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        if output.status.success() {
            if let Some(replayed) = answer.strip_prefix("f|") {
                return Ok((!replayed.is_empty()).then(|| replayed.to_owned()));
            }
        } else if !cluster.data_dir.join("postmaster.pid").exists() {
            let log =
                std::fs::read_to_string(cluster.data_dir.join("server.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(8).collect();
            bail!(
                "the restored cluster stopped during recovery (the time asked for may be later than the archive reaches):\n{}",
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        if Instant::now() > deadline {
            bail!("recovery had not finished after {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
