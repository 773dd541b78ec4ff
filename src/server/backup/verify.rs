//! Proving a backup: its files against their checksums, then a restore into a scratch
//! database on the same server, every table against the manifest, and the migrations
//! against this binary's; the scratch database is dropped whatever happened.

use super::{
    Scratch,
    manifest::Manifest,
    plain_file,
    restore::{Report, check, load, with_database},
    seal::BackupKey,
};
use anyhow::Context;
use sqlx::{Connection, PgConnection};
use std::path::Path;

#[tracing::instrument(skip(server_url, key))]
pub async fn verify(
    folder: &Path,
    server_url: &str,
    key: Option<&BackupKey>,
) -> anyhow::Result<Report> {
    let manifest = Manifest::read(folder)?;
    let problems = manifest.check_files(folder)?;
    if !problems.is_empty() {
        return Ok(Report {
            tables: 0,
            rows: 0,
            pictures: manifest.media.len(),
            problems,
        });
    }
    let opened = Scratch::new()?;
    let dump = plain_file(
        folder,
        &manifest.database.path,
        key,
        manifest.sealed,
        &opened,
    )?;
    let scratch = format!("wellspring_verify_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(server_url)
        .await
        .context("connecting to the database server to make a scratch database")?;
    sqlx::query(&format!("create database {scratch}"))
        .execute(&mut admin)
        .await
        .context("creating the scratch database (the role needs CREATEDB)")?;
    let scratch_url = with_database(server_url, &scratch)?;
    let outcome = async {
        load(&dump, &scratch_url).await?;
        check(&scratch_url, &manifest).await
    }
    .await;
    let dropped = sqlx::query(&format!("drop database if exists {scratch} with (force)"))
        .execute(&mut admin)
        .await;
    admin.close().await?;
    let (problems, tables, rows) = outcome?;
    dropped.context("dropping the scratch database")?;
    Ok(Report {
        tables,
        rows,
        pictures: manifest.media.len(),
        problems,
    })
}
