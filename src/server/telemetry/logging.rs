//! The tracing subscriber: pretty logs for developers, JSON everywhere else.

use crate::server::config::AppEnv;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber once per process (the one piece of global state tracing
/// requires). `RUST_LOG` overrides the default level.
pub fn init(app_env: AppEnv) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if app_env.is_development() {
        registry.with(fmt::layer().with_target(false)).try_init()
    } else {
        registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    };
    // Tests install it more than once; the first one stays.
    let _ = result;
}
