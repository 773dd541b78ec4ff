//! Restoring a backup into a database: only an empty one unless told to replace what is
//! there, with the server's roles made first, the dump loaded in one transaction (a failure
//! leaves the target as it was), the pictures put back, and every table checked against
//! the manifest.

use super::{
    Scratch, facts,
    manifest::{self, Manifest},
    plain_file, roles,
    seal::BackupKey,
    tool,
};
use anyhow::Context;
use object_store::ObjectStore;
use sqlx::{Connection, PgConnection};
use std::path::Path;

/// What a restore (or a verification) found.
#[derive(Debug)]
pub struct Report {
    pub tables: usize,
    pub rows: i64,
    pub pictures: usize,
    /// Every difference from the manifest, in words; empty means all is as backed up.
    pub problems: Vec<String>,
}

/// `url` with its database name replaced by `name` (query parameters such as a socket
/// directory kept).
pub fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .context("the database URL must look like postgres://user@host/database")?;
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    let query = path
        .split_once('?')
        .map(|(_, query)| format!("?{query}"))
        .unwrap_or_default();
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

/// Loads `dump` into the database at `url` in one transaction, after making the roles its
/// grants and policies name.
pub async fn load(dump: &Path, url: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(url)
        .await
        .context("connecting to the target database")?;
    sqlx::raw_sql(roles::ENSURE)
        .execute(&mut conn)
        .await
        .context("making the roles Wellspring's grants name")?;
    conn.close().await?;
    let output = tokio::process::Command::new(tool("pg_restore")?)
        .args(["--single-transaction", "--exit-on-error", "--no-owner"])
        .arg("--dbname")
        .arg(url)
        .arg(dump)
        .output()
        .await
        .context("running pg_restore")?;
    anyhow::ensure!(
        output.status.success(),
        "pg_restore failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    );
    Ok(())
}

/// The restored database's tables beside the manifest's, and its migrations beside this
/// binary's.
pub async fn check(url: &str, manifest: &Manifest) -> anyhow::Result<(Vec<String>, usize, i64)> {
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query("begin isolation level repeatable read, read only")
        .execute(&mut conn)
        .await?;
    let found = facts::read(&mut conn).await?;
    let migration = facts::migration(&mut conn).await?;
    let applied: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
            .fetch_all(&mut conn)
            .await?;
    sqlx::query("commit").execute(&mut conn).await?;
    conn.close().await?;
    let mut problems = manifest::compare(&manifest.tables, &found);
    if migration != manifest.migration {
        problems.push(format!(
            "migrations: the newest applied is {migration}, the manifest says {}",
            manifest.migration
        ));
    }
    let known: Vec<i64> = crate::server::db::migrate::MIGRATOR
        .iter()
        .map(|m| m.version)
        .collect();
    for version in &applied {
        if !known.contains(version) {
            problems.push(format!(
                "migrations: {version} is newer than this Wellspring; restore it with the version that made it ({})",
                manifest.wellspring_version
            ));
        }
    }
    let rows = found.iter().map(|t| t.rows).sum();
    Ok((problems, found.len(), rows))
}

/// Restores the backup in `folder` into the database at `into`, and its pictures into
/// `store`. Refuses a database that has tables unless `replace`; then its schemas are
/// dropped first.
#[tracing::instrument(skip(into, store, key))]
pub async fn restore(
    folder: &Path,
    into: &str,
    store: &dyn ObjectStore,
    replace: bool,
    key: Option<&BackupKey>,
) -> anyhow::Result<Report> {
    let manifest = Manifest::read(folder)?;
    let problems = manifest.check_files(folder)?;
    anyhow::ensure!(
        problems.is_empty(),
        "the backup is damaged; nothing was restored:\n  {}",
        problems.join("\n  ")
    );
    // A sealed dump is opened before anything is touched: a wrong key changes nothing.
    let scratch = Scratch::new()?;
    let dump = plain_file(
        folder,
        &manifest.database.path,
        key,
        manifest.sealed,
        &scratch,
    )?;
    let mut conn = PgConnection::connect(into)
        .await
        .context("connecting to the target database")?;
    let existing = facts::tables(&mut conn).await?;
    if !existing.is_empty() {
        anyhow::ensure!(
            replace,
            "the target database already has {} tables; nothing was restored. Restore into an \
             empty database, or pass --force to replace what is there",
            existing.len()
        );
        let schemas: Vec<String> = sqlx::query_scalar(
            "select nspname::text from pg_namespace
              where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_%'",
        )
        .fetch_all(&mut conn)
        .await?;
        let mut tx = conn.begin().await?;
        for schema in &schemas {
            sqlx::query(&format!(
                "drop schema \"{}\" cascade",
                schema.replace('"', "\"\"")
            ))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("create schema public")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::warn!(
            tables = existing.len(),
            "replaced the target database's contents"
        );
    }
    conn.close().await?;

    load(&dump, into).await?;
    for entry in &manifest.media {
        let name = entry
            .path
            .strip_prefix(&format!("{}/", manifest::MEDIA))
            .context("a picture outside the media folder")?;
        let name = name.strip_suffix(".sealed").unwrap_or(name);
        let plain = plain_file(folder, &entry.path, key, manifest.sealed, &scratch)?;
        let bytes = std::fs::read(&plain)?;
        store
            .put(&object_store::path::Path::from(name), bytes.into())
            .await
            .with_context(|| format!("putting {name} back"))?;
    }
    let (problems, tables, rows) = check(into, &manifest).await?;
    Ok(Report {
        tables,
        rows,
        pictures: manifest.media.len(),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@db:5432/app?sslmode=require", "scratch").unwrap(),
            "postgres://u:p@db:5432/scratch?sslmode=require"
        );
        assert_eq!(
            with_database(
                "postgres://postgres@localhost:5432/wellspring?host=/tmp/x",
                "s"
            )
            .unwrap(),
            "postgres://postgres@localhost:5432/s?host=/tmp/x"
        );
        assert_eq!(
            with_database("postgres://db", "s").unwrap(),
            "postgres://db/s"
        );
    }
}
