//! The two connection pools: the owner's, for migrations and readiness, and the requests',
//! which log in as `authenticator`.
//!
//! `SET ROLE` is checked against the role that logged in, not the current one. If requests
//! logged in as the owner, SQL injected into one could `SET ROLE` back to the owner and
//! escape Row Level Security. `authenticator` owns nothing, inherits nothing and may only
//! become `anon` or `authenticated`, so the database holds the line whatever the code does.

use crate::server::config::DatabaseSettings;
use secrecy::ExposeSecret;
use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};
use std::str::FromStr;

/// Builds a pool that connects lazily: a database that is down at some moment makes
/// requests fail fast (acquire timeout) and the pool heals itself when it returns.
pub fn connect_lazy(settings: &DatabaseSettings, url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(url)?.application_name("wellspring");
    Ok(lazy_pool(settings, options))
}

/// The requests' pool: the same server and database, logged in as the request role with
/// its own password, or with none (trust authentication: the embedded cluster, a developer's
/// server). The owner's password is never offered on its behalf.
pub fn connect_requests_lazy(settings: &DatabaseSettings, url: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(&without_password(url))?
        .application_name("wellspring-requests")
        .username(&settings.request_role);
    let options = match &settings.request_password {
        Some(password) => options.password(password.expose_secret()),
        None => options,
    };
    // Nothing a request starts may outlive it: a statement stuck behind a lock is cancelled
    // by the server, and a transaction left open (a leak) gives its locks back, instead of
    // holding other members' requests until someone restarts something.
    let options = options.options([
        (
            "statement_timeout",
            format!("{}ms", settings.request_statement_timeout_ms),
        ),
        (
            "idle_in_transaction_session_timeout",
            format!("{}ms", settings.request_idle_in_transaction_ms),
        ),
    ]);
    Ok(lazy_pool(settings, options))
}

fn lazy_pool(settings: &DatabaseSettings, options: PgConnectOptions) -> PgPool {
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout())
        .test_before_acquire(true)
        .connect_lazy_with(options)
}

/// Background work's own pool (the listener, the job workers, the scheduler): the request
/// role's login, `connections` at most. Apart from the requests' pool so that neither can
/// starve the other: the listener keeps one connection for good, and a busy queue never
/// makes a page wait.
pub fn background_pool(
    request_pool: &PgPool,
    connections: u32,
    acquire_timeout: std::time::Duration,
) -> PgPool {
    // Jobs may run long and hold their claim's transaction while they work (a backup runs
    // pg_dump meanwhile): the requests' time limits are lifted (a later `-c` wins).
    let options = (*request_pool.connect_options())
        .clone()
        .application_name("wellspring-background")
        .options([
            ("statement_timeout", "0"),
            ("idle_in_transaction_session_timeout", "0"),
        ]);
    PgPoolOptions::new()
        .max_connections(connections.max(2))
        .acquire_timeout(acquire_timeout)
        .test_before_acquire(true)
        .connect_lazy_with(options)
}

/// The owner's password must never be offered on the request role's behalf.
fn without_password(url: &str) -> String {
    match url.split_once("://").and_then(|(scheme, rest)| {
        let (credentials, host) = rest.split_once('@')?;
        let user = credentials.split(':').next().unwrap_or(credentials);
        Some(format!("{scheme}://{user}@{host}"))
    }) {
        Some(stripped) => stripped,
        None => url.to_owned(),
    }
}

/// The database URL from configuration, if one was given.
pub fn configured_url(settings: &DatabaseSettings) -> Option<String> {
    settings
        .url
        .as_ref()
        .map(|url| url.expose_secret().to_owned())
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn the_owner_password_is_removed_from_the_url() {
        assert_eq!(
            without_password("postgres://owner:secret@db:5432/app"),
            "postgres://owner@db:5432/app"
        );
        assert_eq!(
            without_password("postgres://owner@db/app"),
            "postgres://owner@db/app"
        );
        assert_eq!(without_password("postgres://db/app"), "postgres://db/app");
    }
}
