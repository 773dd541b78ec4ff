//! The connection pool every request borrows from.

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
    Ok(PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(settings.acquire_timeout())
        .test_before_acquire(true)
        .connect_lazy_with(options))
}

/// The database URL from configuration, if one was given.
pub fn configured_url(settings: &DatabaseSettings) -> Option<String> {
    settings
        .url
        .as_ref()
        .map(|url| url.expose_secret().to_owned())
}
