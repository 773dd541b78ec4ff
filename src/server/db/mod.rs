//! PostgreSQL: the pool, migrations, the embedded cluster and the request-scoped transaction.

pub mod embedded;
pub mod errors;
pub mod health;
pub mod listener;
pub mod migrate;
pub mod pool;
pub mod scoped;

use crate::server::config::DatabaseSettings;
use anyhow::Context;
use sqlx::{Connection, PgConnection};

/// The database the embedded cluster serves.
pub const EMBEDDED_DATABASE: &str = "wellspring";

/// The database the server talks to, and the embedded cluster behind it when there is one.
pub struct Database {
    /// The owner: migrations and readiness only.
    pub owner_pool: sqlx::PgPool,
    /// Everything a request does, as `authenticator` switching to `anon`/`authenticated`.
    pub request_pool: sqlx::PgPool,
    pub embedded: Option<embedded::EmbeddedPostgres>,
    /// The owner's URL, for the operator's tools (`pg_dump`, `pg_restore`); never logged.
    pub owner_url: String,
}

impl Database {
    /// Uses `DATABASE_URL` when configured, else starts the embedded cluster.
    pub async fn open(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let (url, embedded) = match pool::configured_url(settings) {
            Some(url) => (url, None),
            None => {
                let dir = settings.data_dir.clone();
                let options = settings.cluster_options();
                let cluster = tokio::task::spawn_blocking(move || {
                    embedded::EmbeddedPostgres::start_with(&dir, &options)
                })
                .await??;
                ensure_database(&cluster.url("postgres"), EMBEDDED_DATABASE).await?;
                (cluster.url(EMBEDDED_DATABASE), Some(cluster))
            }
        };
        let owner_pool = pool::connect_lazy(settings, &url)?;
        let request_pool = pool::connect_requests_lazy(settings, &url)?;
        Ok(Self {
            owner_pool,
            request_pool,
            embedded,
            owner_url: url,
        })
    }

    /// Closes the pool, then stops the embedded cluster if we started one.
    pub async fn close(self) -> anyhow::Result<()> {
        self.request_pool.close().await;
        self.owner_pool.close().await;
        if let Some(cluster) = self.embedded {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}

/// Creates `name` on the server behind `admin_url` unless it exists. `name` is ours, never
/// user input, and is quoted as an identifier all the same.
async fn ensure_database(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(admin_url)
        .await
        .context("connecting to the embedded PostgreSQL")?;
    let exists: bool =
        sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
            .bind(name)
            .fetch_one(&mut conn)
            .await?;
    if !exists {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        sqlx::query(&format!("create database {quoted}"))
            .execute(&mut conn)
            .await
            .context("creating the database")?;
    }
    conn.close().await?;
    Ok(())
}
