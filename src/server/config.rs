//! Typed configuration: defaults → `config/<APP_ENV>.toml` → `WELLSPRING__SECTION__KEY`
//! environment variables (plus the conventional `DATABASE_URL`).

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

/// The secret shipped in `config/development.toml`. Production refuses to start with it.
pub const DEVELOPMENT_JWT_SECRET: &str = "development-only-secret-never-use-in-production";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppEnv {
    Development,
    Staging,
    Production,
}

impl AppEnv {
    pub fn as_str(self) -> &'static str {
        match self {
            AppEnv::Development => "development",
            AppEnv::Staging => "staging",
            AppEnv::Production => "production",
        }
    }

    pub fn is_development(self) -> bool {
        self == AppEnv::Development
    }
}

impl FromStr for AppEnv {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(AppEnv::Development),
            "staging" => Ok(AppEnv::Staging),
            "production" | "prod" => Ok(AppEnv::Production),
            other => bail!("APP_ENV must be development, staging or production, not {other:?}"),
        }
    }
}

impl fmt::Display for AppEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Settings {
    pub app_env: AppEnv,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    #[serde(default)]
    pub metrics: MetricsSettings,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ServerSettings {
    /// Longest time a request may take before it is answered 503.
    pub request_timeout_secs: u64,
    /// Longest time a client may take to send its request headers (slowloris guard).
    pub header_read_timeout_secs: u64,
    /// Longest time shutdown waits for in-flight requests.
    pub shutdown_grace_secs: u64,
    /// Largest request body accepted.
    pub body_limit_bytes: usize,
    /// Cookies carry `Secure` and the `__Host-` prefix. Production requires it.
    pub secure_cookies: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DatabaseSettings {
    /// Unset: run the embedded cluster under `data_dir`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
    pub acquire_timeout_ms: u64,
    /// Where the embedded cluster keeps its files.
    pub data_dir: PathBuf,
    /// The login role requests connect as (NOINHERIT, member only of `anon` and
    /// `authenticated`; created by the migrations).
    pub request_role: String,
    /// Its password, where the server does not trust local connections.
    pub request_password: Option<SecretString>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AuthSettings {
    /// Signs access tokens. Development has a fixed value; production must set its own.
    pub jwt_secret: SecretString,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct MetricsSettings {
    /// When set, `/metrics` is also served to non-loopback callers presenting it as a bearer token.
    pub token: Option<SecretString>,
}

impl ServerSettings {
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}

impl DatabaseSettings {
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.acquire_timeout_ms)
    }
}

impl Settings {
    /// Reads configuration from `config_dir` and the process environment.
    pub fn load(config_dir: &std::path::Path) -> anyhow::Result<Self> {
        let app_env: AppEnv = std::env::var("APP_ENV")
            .unwrap_or_else(|_| "development".to_owned())
            .parse()?;
        let mut builder = config::Config::builder()
            .set_default("app_env", app_env.as_str())?
            .set_default("server.request_timeout_secs", 30)?
            .set_default("server.header_read_timeout_secs", 10)?
            .set_default("server.shutdown_grace_secs", 20)?
            .set_default("server.body_limit_bytes", 2 * 1024 * 1024)?
            .set_default("server.secure_cookies", true)?
            .set_default("database.max_connections", 16)?
            .set_default("database.acquire_timeout_ms", 3000)?
            .set_default("database.data_dir", ".data")?
            .set_default("database.request_role", "authenticator")?
            // Empty means unset; `check` then says which variable to set.
            .set_default("auth.jwt_secret", "")?
            .add_source(
                config::File::from(config_dir.join(format!("{app_env}.toml"))).required(false),
            )
            .add_source(
                config::Environment::with_prefix("WELLSPRING")
                    .prefix_separator("__")
                    .separator("__"),
            );
        if let Ok(url) = std::env::var("DATABASE_URL")
            && !url.trim().is_empty()
        {
            builder = builder.set_override("database.url", url)?;
        }
        let settings: Settings = builder
            .build()
            .context("reading configuration")?
            .try_deserialize()
            .context("configuration has a missing or malformed value (see .env.example)")?;
        settings.check()?;
        Ok(settings)
    }

    /// Refuses combinations that would be unsafe outside a developer's machine.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.auth.jwt_secret.expose_secret().is_empty() {
            bail!(
                "no signing secret: set WELLSPRING__AUTH__JWT_SECRET (at least 32 random characters, \
                 e.g. `openssl rand -base64 48`)"
            );
        }
        if self.app_env == AppEnv::Production {
            let secret = self.auth.jwt_secret.expose_secret();
            if secret == DEVELOPMENT_JWT_SECRET || secret.len() < 32 {
                bail!(
                    "production needs its own WELLSPRING__AUTH__JWT_SECRET of at least 32 characters"
                );
            }
            if !self.server.secure_cookies {
                bail!(
                    "production requires WELLSPRING__SERVER__SECURE_COOKIES=true (TLS-only cookies)"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(env: AppEnv, secret: &str, secure: bool) -> Settings {
        Settings {
            app_env: env,
            server: ServerSettings {
                request_timeout_secs: 1,
                header_read_timeout_secs: 1,
                shutdown_grace_secs: 1,
                body_limit_bytes: 1,
                secure_cookies: secure,
            },
            database: DatabaseSettings {
                url: None,
                max_connections: 1,
                acquire_timeout_ms: 1,
                data_dir: ".data".into(),
                request_role: "authenticator".into(),
                request_password: None,
            },
            auth: AuthSettings {
                jwt_secret: secret.into(),
            },
            metrics: MetricsSettings { token: None },
        }
    }

    #[test]
    fn production_refuses_the_development_secret() {
        let err = settings(AppEnv::Production, DEVELOPMENT_JWT_SECRET, true).check();
        assert!(err.is_err());
    }

    #[test]
    fn production_refuses_short_secrets_and_insecure_cookies() {
        assert!(settings(AppEnv::Production, "short", true).check().is_err());
        let strong = "a-strong-secret-that-is-long-enough-for-production";
        assert!(settings(AppEnv::Production, strong, false).check().is_err());
        assert!(settings(AppEnv::Production, strong, true).check().is_ok());
    }

    #[test]
    fn a_missing_secret_is_refused_with_the_variable_to_set() {
        let err = settings(AppEnv::Development, "", false).check();
        let message = format!("{:#}", err.err().map(|e| e.to_string()).unwrap_or_default());
        assert!(
            message.contains("WELLSPRING__AUTH__JWT_SECRET"),
            "{message}"
        );
    }

    #[test]
    fn development_accepts_its_own_secret() {
        assert!(
            settings(AppEnv::Development, DEVELOPMENT_JWT_SECRET, false)
                .check()
                .is_ok()
        );
    }

    #[test]
    fn app_env_parses_known_names_only() {
        assert_eq!(
            "Production".parse::<AppEnv>().ok(),
            Some(AppEnv::Production)
        );
        assert!("prodution".parse::<AppEnv>().is_err());
    }
}
