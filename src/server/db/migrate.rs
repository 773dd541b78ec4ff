//! Schema migrations, embedded in the binary so a deployment can never run stale SQL.

use anyhow::Context;
use sqlx::{PgPool, migrate::Migrator};

pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// One line of `wellspring migrate status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    pub applied: bool,
}

/// Applies every pending migration. Start-up calls this and stops if it fails.
#[tracing::instrument(skip_all)]
pub async fn up(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("applying database migrations")
}

/// Reverts the newest applied migration, or down to (not including) `target`.
#[tracing::instrument(skip(pool))]
pub async fn down(pool: &PgPool, target: Option<i64>) -> anyhow::Result<()> {
    let target = match target {
        Some(t) => t,
        None => {
            let applied = applied_versions(pool).await?;
            let mut versions: Vec<i64> = applied.into_iter().collect();
            versions.sort_unstable();
            match versions.len() {
                0 => return Ok(()),
                n if n >= 2 => versions[n - 2],
                _ => 0,
            }
        }
    };
    MIGRATOR
        .undo(pool, target)
        .await
        .context("reverting database migrations")
}

/// Every migration the binary knows, and whether the database has it.
pub async fn status(pool: &PgPool) -> anyhow::Result<Vec<MigrationState>> {
    let applied = applied_versions(pool).await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .map(|m| MigrationState {
            version: m.version,
            description: m.description.to_string(),
            applied: applied.contains(&m.version),
        })
        .collect())
}

/// True when every migration the binary knows has been applied: readiness depends on it.
pub async fn is_current(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let newest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("select max(version) from _sqlx_migrations where success")
            .fetch_one(pool)
            .await?;
    Ok(applied.unwrap_or(0) >= newest)
}

async fn applied_versions(pool: &PgPool) -> anyhow::Result<std::collections::HashSet<i64>> {
    let exists: bool = sqlx::query_scalar("select to_regclass('_sqlx_migrations') is not null")
        .fetch_one(pool)
        .await?;
    if !exists {
        return Ok(Default::default());
    }
    let versions: Vec<i64> =
        sqlx::query_scalar("select version from _sqlx_migrations where success")
            .fetch_all(pool)
            .await?;
    Ok(versions.into_iter().collect())
}
