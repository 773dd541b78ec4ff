//! Building the application (binding, routing, migrating) apart from running it, so tests
//! can build one on port 0 and talk to it.

use crate::{
    app::shell,
    domain::{OAuthProviders, RequestId},
    server::{
        auth,
        config::Settings,
        db::{Database, migrate},
        http::{
            assets, client_ip, dev_mailbox, etag, health, metrics, serve, visitor_pages,
            visitor_pages::VisitorPages,
        },
        mail::drainer,
        security, seed,
        services::identity::{AuthKeys, oauth},
        state::AppState,
        telemetry::{self, RequestContext, metrics::Metrics},
    },
};
use anyhow::Context;
use axum::{Router, extract::DefaultBodyLimit, http::StatusCode, middleware, routing::get};
use leptos::{config::LeptosOptions, nonce::Nonce, prelude::*};
use leptos_axum::LeptosRoutes;
use secrecy::ExposeSecret;
use std::{future::Future, net::SocketAddr, sync::Arc};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer,
};

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    database: Database,
}

impl Application {
    /// Opens the database (embedded or configured), migrates it — a failed migration stops
    /// start-up — and binds `leptos_options.site_addr`.
    pub async fn build(settings: Settings, leptos_options: LeptosOptions) -> anyhow::Result<Self> {
        let keys = AuthKeys::from_settings(&settings.auth)?;
        let database = Database::open(&settings.database).await?;
        if let Err(error) = migrate::up(&database.owner_pool).await {
            let _ = database.close().await;
            return Err(error);
        }
        if settings.seed.demo_on_empty {
            seed_demo(&database.owner_pool).await;
        }
        let visitor_pages = Arc::new(VisitorPages::new(settings.server.visitor_page_cache()));
        let state = AppState {
            leptos_options: leptos_options.clone(),
            pool: database.request_pool.clone(),
            owner_pool: database.owner_pool.clone(),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
            keys: Arc::new(keys),
            visitor_pages,
        };
        let mail = &state.settings.mail;
        drainer::spawn(
            state.pool.clone(),
            drainer::DrainerOptions {
                smtp_url: mail
                    .smtp_url
                    .as_ref()
                    .map(|url| url.expose_secret().to_owned()),
                from: mail.from.clone(),
                poll_interval: std::time::Duration::from_millis(mail.poll_interval_ms),
                batch_size: 50,
            },
        )
        .context("starting the mail drainer (check WELLSPRING__MAIL__FROM and SMTP_URL)")?;
        let listener = TcpListener::bind(leptos_options.site_addr)
            .await
            .with_context(|| format!("binding {}", leptos_options.site_addr))?;
        Ok(Self {
            listener,
            router: router(state.clone()),
            state,
            database,
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, drains requests, then closes the database.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let server = &self.state.settings.server;
        tracing::info!(address = %self.local_addr()?, env = %self.state.settings.app_env, "Wellspring is listening");
        let options = serve::ServeOptions {
            header_read_timeout: server.header_read_timeout(),
            shutdown_grace: server.shutdown_grace(),
        };
        serve::serve(self.listener, self.router, options, shutdown).await;
        self.database.close().await
    }
}

/// A development convenience: a failure is reported and the site starts without demo data.
async fn seed_demo(owner_pool: &sqlx::PgPool) {
    match seed::demo_on_empty(owner_pool).await {
        Ok(Some(summary)) => tracing::info!(
            posts = summary.posts,
            comments = summary.comments,
            elapsed_ms = summary.elapsed.as_millis() as u64,
            "seeded the demo community; sign in as {} / {}",
            seed::DEMO_EMAIL,
            seed::DEMO_PASSWORD
        ),
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(error = %error, "could not seed the demo community; starting without it")
        }
    }
}

/// Every route and the middleware around them. Testable without a socket.
pub fn router(state: AppState) -> Router {
    let routes = crate::server::page_routes::page_routes();
    let context = {
        let state = state.clone();
        move || provide_request_context(&state)
    };
    let server = &state.settings.server;
    let mut router = Router::new();
    if state.settings.app_env.is_development() {
        router = router.route("/dev/mailbox", get(dev_mailbox::mailbox));
    }
    router
        .route("/healthz", get(health::healthz))
        .route(
            "/auth/oauth/{provider}/start",
            get(crate::server::http::oauth::start),
        )
        .route(
            "/auth/oauth/{provider}/callback",
            get(crate::server::http::oauth::callback),
        )
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::serve))
        .nest_service("/pkg", assets::pkg_service(&state.leptos_options))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Innermost first: each `.layer` wraps everything above it.
        .layer(DefaultBodyLimit::max(server.body_limit_bytes))
        .layer(RequestBodyLimitLayer::new(server.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            server.request_timeout(),
        ))
        // Inside the session middleware, which says whether the caller is a visitor.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            visitor_pages::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::session::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::origin::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers::middleware,
        ))
        .layer(middleware::from_fn(etag::middleware))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            client_ip::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            telemetry::request_context::middleware,
        ))
        .with_state(state)
}

/// Runs inside every render and server function: hands the app the state, the sign-in
/// providers this deployment offers, this request's id (for error pages) and the nonce the
/// CSP header promised.
fn provide_request_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(OAuthProviders(
        oauth::configured(&state.settings.oauth)
            .into_iter()
            .map(|provider| provider.as_str().to_owned())
            .collect(),
    ));
    let context = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestContext>().cloned());
    if let Some(context) = context {
        provide_context::<RequestId>(context.request_id);
        provide_context(Nonce::from_value(context.nonce));
    }
}
