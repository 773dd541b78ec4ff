//! `wellspring base-backup`: a physical copy of the whole cluster (`pg_basebackup`), the
//! starting point that archived WAL is replayed onto for a point-in-time restore. A
//! `wellspring backup` (a logical dump) cannot serve: WAL only replays onto the very files
//! it was written against.

use super::tool;
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// Writes `<to>/wellspring-base-<UTC time>/` (`base.tar.gz` with the WAL needed to make it
/// consistent, and PostgreSQL's `backup_manifest`) from the server at `owner_url`, whose
/// role must be allowed replication connections (the embedded cluster's is).
#[tracing::instrument(skip(owner_url))]
pub async fn base_backup(owner_url: &str, to: &Path) -> anyhow::Result<PathBuf> {
    let folder = to.join(format!(
        "wellspring-base-{}",
        super::stamp(time::OffsetDateTime::now_utc())
    ));
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let output = tokio::process::Command::new(tool("pg_basebackup")?)
        .args(["--format=tar", "--gzip", "--wal-method=fetch", "--checkpoint=fast"])
        .arg("--pgdata")
        .arg(&folder)
        .arg("--dbname")
        .arg(owner_url)
        .output()
        .await
        .context("running pg_basebackup")?;
    anyhow::ensure!(
        output.status.success(),
        "pg_basebackup failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    tracing::info!(folder = %folder.display(), "base backup written");
    Ok(folder)
}
