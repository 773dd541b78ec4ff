//! Building the application (binding, routing, migrating) apart from running it, so tests
//! can build one on port 0 and talk to it.

use crate::{
    app::shell,
    domain::{OAuthProviders, RequestId},
    server::{
        auth,
        auth::revocation::Revocations,
        backup,
        config::Settings,
        db::listener,
        db::{Database, migrate, pool},
        events,
        http::{
            assets, client_ip, dev_mailbox, etag, health, metrics, page_compression, route_groups,
            serve, visitor_pages, visitor_pages::VisitorPages,
        },
        jobs::{JobHandlers, Schedule, WorkerOptions, schedule, worker},
        mail::drainer::{self, MailDrain},
        security, seed,
        services::{
            digests,
            identity::{AuthKeys, oauth, unconfirmed},
            submissions,
        },
        state::AppState,
        supervisor::Supervisor,
        telemetry::{self, RequestContext, metrics::Metrics},
    },
};
use anyhow::Context;
use axum::{Router, extract::DefaultBodyLimit, middleware, routing::get};
use leptos::{config::LeptosOptions, nonce::Nonce, prelude::*};
use leptos_axum::LeptosRoutes;
use secrecy::ExposeSecret;
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::Notify};
use tower_http::compression::CompressionLayer;

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    database: Database,
    supervisor: Supervisor,
    /// The background work's connections, closed after it has stopped.
    background: sqlx::PgPool,
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
            let staff_secrets = (settings.app_env == crate::server::config::AppEnv::Development)
                .then_some(&keys.secrets);
            seed_demo(&database.owner_pool, staff_secrets).await;
        }
        let visitor_pages = Arc::new(VisitorPages::new(settings.server.visitor_page_cache()));
        let revocations = Arc::new(Revocations::new(settings.auth.access_token_ttl_secs));
        let hashing = Arc::new(crate::server::auth::password::Hashing::new(
            settings.auth.hashing_slots,
            std::time::Duration::from_millis(settings.auth.hashing_wait_ms),
        ));
        let realtime = settings.realtime.enabled.then(|| {
            Arc::new(crate::server::realtime::Realtime::new(
                settings.realtime,
                database.request_pool.clone(),
            ))
        });
        let media = Arc::new(
            crate::server::media::Media::new(
                settings.media.clone(),
                settings.auth.jwt_secret.expose_secret().as_bytes(),
            )
            .context("opening the media store ([media] settings)")?,
        );
        let route_gates = Arc::new(route_groups::RouteGates::new(&settings.server));
        let state = AppState {
            database: Arc::default(),
            route_gates,
            draining: Arc::default(),
            media,
            dashboards: Arc::default(),
            realtime,
            hashing,
            revocations: revocations.clone(),
            read_only_paths: crate::api::READ_ONLY,
            leptos_options: leptos_options.clone(),
            pool: database.request_pool.clone(),
            owner_pool: database.owner_pool.clone(),
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
            keys: Arc::new(keys),
            visitor_pages,
        };
        // Before serving: a token revoked while this instance was down is refused from its
        // first request. The listener reloads again whenever it (re)connects.
        if let Err(error) = revocations.reload(&state.pool).await {
            tracing::warn!(error = %error, "could not load revocations at start");
        }
        let supervisor = Supervisor::new();
        let background = pool::background_pool(
            &state.pool,
            u32::try_from(state.settings.jobs.concurrency).unwrap_or(8) + 2,
            state.settings.database.acquire_timeout(),
        );
        start_background_work(
            &supervisor,
            &state,
            &background,
            revocations,
            &database.owner_url,
        )?;
        let listener = TcpListener::bind(leptos_options.site_addr)
            .await
            .with_context(|| format!("binding {}", leptos_options.site_addr))?;
        Ok(Self {
            listener,
            router: router(state.clone()),
            state,
            database,
            supervisor,
            background,
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
            max_connections: server.max_connections,
            header_read_timeout: server.header_read_timeout(),
            shutdown_grace: server.shutdown_grace(),
        };
        // Live sockets are upgraded connections HTTP draining does not wait for: tell each to
        // go away (the pages reconnect to another instance) as soon as shutdown begins.
        let realtime = self.state.realtime.clone();
        let draining = self.state.draining.clone();
        let drain_delay = server.drain_delay();
        let shutdown = async move {
            shutdown.await;
            // First out of rotation, still serving; then stop accepting (`http::draining`).
            draining.begin();
            if !drain_delay.is_zero() {
                tracing::info!(
                    delay_ms = drain_delay.as_millis() as u64,
                    "shutdown requested: /readyz says draining while requests are still served"
                );
                tokio::time::sleep(drain_delay).await;
            }
            if let Some(realtime) = realtime {
                realtime.close_all();
            }
        };
        serve::serve(self.listener, self.router, options, shutdown).await;
        // HTTP is drained; now the jobs, the scheduler and the listener, then the database.
        self.supervisor.shut_down(server.shutdown_grace()).await;
        self.background.close().await;
        self.database.close().await
    }
}

/// The listener, the job workers and the periodic schedules, all under `supervisor`.
fn start_background_work(
    supervisor: &Supervisor,
    state: &AppState,
    background: &sqlx::PgPool,
    revocations: Arc<Revocations>,
    owner_url: &str,
) -> anyhow::Result<()> {
    let settings = &state.settings;
    let mail = &settings.mail;
    let mail_poll = Duration::from_millis(mail.poll_interval_ms.max(50));
    let drain = MailDrain::new(
        background.clone(),
        &drainer::DrainerOptions {
            smtp_url: mail
                .smtp_url
                .as_ref()
                .map(|url| url.expose_secret().to_owned()),
            from: mail.from.clone(),
            poll_interval: mail_poll,
            batch_size: 50,
        },
    )
    .context("starting the mail drainer (check WELLSPRING__MAIL__FROM and SMTP_URL)")?;
    let mut schedules = vec![
        Schedule {
            name: events::PRUNE,
            every: Duration::from_secs(300),
            kind: events::PRUNE,
            payload: serde_json::json!({}),
        },
        Schedule {
            name: submissions::PRUNE,
            every: Duration::from_secs(3600),
            kind: submissions::PRUNE,
            payload: serde_json::json!({}),
        },
        // Digests are due at the minute a member's day or week comes round; a quarter of an
        // hour is close enough for a digest, and the query is one index range.
        Schedule {
            name: digests::SEND,
            every: Duration::from_secs(900),
            kind: digests::SEND,
            payload: serde_json::json!({}),
        },
        Schedule {
            name: crate::server::media::deletions::SWEEP,
            every: Duration::from_secs(60),
            kind: crate::server::media::deletions::SWEEP,
            payload: serde_json::json!({}),
        },
        Schedule {
            name: unconfirmed::EXPIRE,
            every: Duration::from_secs(3600),
            kind: unconfirmed::EXPIRE,
            payload: serde_json::json!({}),
        },
    ];
    let backups = &settings.backup;
    if backups.every_hours > 0 {
        schedules.push(Schedule {
            name: backup::routine::MAKE,
            every: Duration::from_secs(backups.every_hours * 3600),
            kind: backup::routine::MAKE,
            payload: serde_json::json!({}),
        });
    }
    if drain.has_transport() {
        schedules.push(Schedule {
            name: drainer::MAIL_DRAIN,
            every: mail_poll,
            kind: drainer::MAIL_DRAIN,
            payload: serde_json::json!({}),
        });
    }
    let handlers = JobHandlers::new()
        .register(drainer::MAIL_DRAIN, drain)
        .register(
            backup::routine::MAKE,
            backup::routine::ScheduledBackups {
                owner_url: owner_url.to_owned().into(),
                store: state.media.store.clone(),
                dir: backups.dir.clone(),
                key: backups.key().context("reading backup.encryption_key")?,
                keep: backup::retention::Retention {
                    daily: backups.keep_daily,
                    weekly: backups.keep_weekly,
                },
            },
        )
        .register(
            unconfirmed::EXPIRE,
            unconfirmed::ExpireUnconfirmed {
                days: settings.auth.unconfirmed_account_days,
            },
        )
        .register(submissions::PRUNE, submissions::Prune)
        .register(
            crate::server::media::deletions::SWEEP,
            crate::server::media::deletions::Sweep {
                store: state.media.store.clone(),
            },
        )
        .register(
            digests::SEND,
            digests::SendDigests {
                links: state.keys.links.clone(),
                public_url: settings.server.public_url.clone(),
            },
        )
        .register(
            events::PRUNE,
            events::Prune {
                retention_secs: settings.jobs.event_retention_secs,
            },
        );
    crate::server::db::health::spawn(
        supervisor,
        state.database.clone(),
        (*state.pool.connect_options()).clone(),
        settings.database.health_options(),
    );
    let wake = Arc::new(Notify::new());
    if let Some(realtime) = &state.realtime {
        crate::server::realtime::presence::spawn(supervisor, background.clone(), realtime.clone());
    }
    listener::spawn(
        supervisor,
        background.clone(),
        listener::Subscribers {
            database: state.database.clone(),
            revocations,
            jobs: wake.clone(),
            realtime: state.realtime.clone(),
        },
    );
    let jobs = &settings.jobs;
    worker::spawn(
        supervisor,
        background.clone(),
        Arc::new(handlers),
        WorkerOptions {
            concurrency: jobs.concurrency,
            poll_interval: Duration::from_millis(jobs.poll_interval_ms.max(10)),
            retry_base: Duration::from_millis(jobs.retry_base_ms),
            ..WorkerOptions::default()
        },
        wake,
    );
    schedule::spawn(supervisor, background.clone(), schedules);
    Ok(())
}

/// A development convenience: a failure is reported and the site starts without demo data.
/// With `staff_secrets` (development only) the demo staff and reports are added too.
async fn seed_demo(
    owner_pool: &sqlx::PgPool,
    staff_secrets: Option<&crate::server::auth::secretbox::SecretBox>,
) {
    match seed::demo_on_empty(owner_pool).await {
        Ok(Some(summary)) => {
            tracing::info!(
                posts = summary.posts,
                comments = summary.comments,
                elapsed_ms = summary.elapsed.as_millis() as u64,
                "seeded the demo community; sign in as {} / {}",
                seed::DEMO_EMAIL,
                seed::DEMO_PASSWORD
            );
            if let Some(secrets) = staff_secrets {
                match seed::seed_staff(owner_pool, secrets).await {
                    Ok(staff) => {
                        for account in &staff.accounts {
                            tracing::info!(
                                role = account.role,
                                totp_secret = %account.totp_secret,
                                "demo staff: sign in as {} / {} with a code for the two-step secret",
                                account.email,
                                seed::DEMO_PASSWORD
                            );
                        }
                    }
                    Err(error) => tracing::warn!(error = %error, "could not seed the demo staff"),
                }
            }
        }
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
        .route("/realtime", get(crate::server::realtime::socket::upgrade))
        .route("/metrics", get(metrics::serve))
        .route(
            "/uploads/avatar",
            axum::routing::post(crate::server::media::uploads::avatar),
        )
        .route(
            "/uploads/post-media",
            axum::routing::post(crate::server::media::uploads::post_picture),
        )
        .route(
            "/media/{bucket}/{id}/{size}",
            get(crate::server::media::serving::serve),
        )
        .route(
            "/admin/audit.csv",
            get(crate::server::http::audit_csv::export),
        )
        .route(
            "/unsubscribe/digest/one-click",
            axum::routing::post(crate::server::http::unsubscribe::one_click)
                .get(crate::server::http::unsubscribe::open_page),
        )
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
        // Each route group's body limit and time bound (`server.groups`); the group's limit
        // replaces axum's own default for extractors.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn(
            crate::server::http::errors::api_error_status,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            route_groups::middleware,
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
        // Outside the session middleware, which may itself need the database (a refresh).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::server::http::database_gate::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers::middleware,
        ))
        .layer(middleware::from_fn(etag::middleware))
        // Pages are whole by now (the etag layer read them): brotli in one pass that knows
        // their length, at half the cost of the streaming encoder below.
        .layer(middleware::from_fn(page_compression::middleware))
        // Everything else, and gzip: quality 3 rather than tower-http's 4, whose larger
        // brotli hasher (zeroed per response) cost a page of the review queue (85 KB of
        // HTML) a sixth of its throughput; 3 is about 4% larger. Gzip at 3 likewise sits
        // between its fastest and its default. Static files are served precompressed at the
        // highest quality (`assets`).
        .layer(CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(3)))
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
