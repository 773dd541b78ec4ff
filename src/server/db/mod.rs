//! PostgreSQL: the pool, migrations, the embedded cluster and the request-scoped transaction.

pub mod embedded;
pub mod errors;
pub mod migrate;
pub mod pool;
pub mod scoped;

use crate::server::config::DatabaseSettings;

/// The database the server talks to, and the embedded cluster behind it when there is one.
pub struct Database {
    pub pool: sqlx::PgPool,
    pub embedded: Option<embedded::EmbeddedPostgres>,
}

impl Database {
    /// Uses `DATABASE_URL` when configured, else starts the embedded cluster.
    pub async fn open(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let (url, embedded) = match pool::configured_url(settings) {
            Some(url) => (url, None),
            None => {
                let dir = settings.data_dir.clone();
                let cluster = tokio::task::spawn_blocking(move || embedded::EmbeddedPostgres::start(&dir)).await??;
                (cluster.url(), Some(cluster))
            }
        };
        let pool = pool::connect_lazy(settings, &url)?;
        Ok(Self { pool, embedded })
    }

    /// Closes the pool, then stops the embedded cluster if we started one.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(cluster) = self.embedded {
            tokio::task::spawn_blocking(move || cluster.stop()).await??;
        }
        Ok(())
    }
}
