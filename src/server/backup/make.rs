//! Making a backup: the facts and the dump from one exported snapshot, then the pictures.

use super::{
    facts,
    manifest::{self, FileEntry, Manifest},
    seal::{self, BackupKey},
    sha256_file, tool,
};
use anyhow::Context;
use futures_util::StreamExt as _;
use object_store::ObjectStore;
use sqlx::{Connection, PgConnection};
use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

/// Writes a new backup folder under `to` (named by the time, UTC) and returns it. The
/// database at `database_url` is read by the owner; `store` is the pictures' store.
/// With `key`, every file is sealed as it is written (`seal`) and no plain copy is kept.
#[tracing::instrument(skip(database_url, store, key))]
pub async fn backup(
    database_url: &str,
    store: Arc<dyn ObjectStore>,
    to: &Path,
    key: Option<&BackupKey>,
) -> anyhow::Result<(PathBuf, Manifest)> {
    let now = time::OffsetDateTime::now_utc();
    let folder = to.join(format!("wellspring-{}", super::stamp(now)));
    std::fs::create_dir_all(&folder).with_context(|| format!("creating {}", folder.display()))?;

    // One snapshot for the facts and the dump: what the manifest says is what the dump holds.
    let mut conn = PgConnection::connect(database_url)
        .await
        .context("connecting to the database to back it up")?;
    sqlx::query("begin isolation level repeatable read, read only")
        .execute(&mut conn)
        .await?;
    let snapshot: String = sqlx::query_scalar("select pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await?;
    let tables = facts::read(&mut conn)
        .await
        .context("counting the tables (the backup role needs to bypass row level security)")?;
    let migration = facts::migration(&mut conn).await?;
    let dump = folder.join(manifest::DUMP);
    let output = tokio::process::Command::new(tool("pg_dump")?)
        .arg("--format=custom")
        .arg("--snapshot")
        .arg(&snapshot)
        .arg("--file")
        .arg(&dump)
        .arg("--dbname")
        .arg(database_url)
        .output()
        .await
        .context("running pg_dump")?;
    sqlx::query("commit").execute(&mut conn).await?;
    conn.close().await?;
    anyhow::ensure!(
        output.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    let database = kept(&folder, manifest::DUMP, key)?;
    let media = copy_media(store.as_ref(), &folder, key).await?;
    let manifest = Manifest {
        format: manifest::FORMAT,
        created_at: now
            .format(&time::format_description::well_known::Rfc3339)
            .context("dating the backup")?,
        wellspring_version: env!("CARGO_PKG_VERSION").into(),
        migration,
        database,
        tables,
        media,
        sealed: key.is_some(),
    };
    manifest.write(&folder)?;
    tracing::info!(folder = %folder.display(), "backup written");
    Ok((folder, manifest))
}

/// Every object in the store into `<folder>/media/<key>`. Keys are the server's own
/// (`<bucket>/<uuid>/<size>`), so they are safe as paths.
/// The manifest's entry for a file just written at `<folder>/<path>`: sealed into
/// `<path>.sealed` (and the plain one removed) when there is a key.
fn kept(folder: &Path, path: &str, key: Option<&BackupKey>) -> anyhow::Result<FileEntry> {
    let path = match key {
        None => path.to_owned(),
        Some(key) => {
            let sealed = format!("{path}.sealed");
            seal::seal_file(key, &folder.join(path), &folder.join(&sealed))?;
            std::fs::remove_file(folder.join(path))?;
            sealed
        }
    };
    let file = folder.join(&path);
    Ok(FileEntry {
        bytes: std::fs::metadata(&file)?.len(),
        sha256: sha256_file(&file)?,
        path,
    })
}

async fn copy_media(
    store: &dyn ObjectStore,
    folder: &Path,
    key: Option<&BackupKey>,
) -> anyhow::Result<Vec<FileEntry>> {
    let mut listed = store.list(None);
    let mut entries = Vec::new();
    while let Some(meta) = listed.next().await {
        let meta = meta.context("listing the pictures")?;
        let name = meta.location.to_string();
        anyhow::ensure!(
            !name.contains("..") && !name.starts_with('/'),
            "refusing an odd key in the store: {name}"
        );
        let bytes = store
            .get(&meta.location)
            .await
            .with_context(|| format!("reading {name}"))?
            .bytes()
            .await?;
        let path = format!("{}/{name}", manifest::MEDIA);
        let target = folder.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, &bytes)?;
        entries.push(kept(folder, &path, key)?);
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(entries)
}
