//! `spawn_app()`: a running Wellspring on a random port with its own database.

use sqlx::{Connection, Executor, PgConnection, PgPool, postgres::PgPoolOptions};
use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};
use tokio::{net::TcpListener, sync::broadcast};
use wellspring::server::{config::Settings, db::migrate, startup::Application, state::AppState};

pub struct TestApp {
    pub address: String,
    pub addr: SocketAddr,
    /// Cookie-aware and never follows redirects, so tests see exactly what was sent.
    pub client: reqwest::Client,
    /// Owner connection to this test's database, for arranging and inspecting data.
    pub pool: PgPool,
    pub state: AppState,
    /// The database this app owns (dropped with it); `None` for a second instance.
    _database: Option<TestDatabase>,
    /// This test database's owner URL, for starting more instances on it.
    pub database_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// Polls `condition` (SQL returning one boolean, as the owner) until it holds, failing
    /// the test with `what` after 30 s: for work the application does in the background.
    pub async fn wait_until(&self, condition: &str, what: &str) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !sqlx::query_scalar::<_, bool>(condition)
            .fetch_one(&self.pool)
            .await
            .unwrap()
        {
            assert!(std::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Asks the server to shut down, as SIGTERM would; returns the running server's handle.
    pub fn begin_shutdown(&mut self) -> tokio::task::JoinHandle<anyhow::Result<()>> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.server.take().expect("server still running")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request failed")
    }

    /// A GET carrying one extra request header.
    pub async fn get_with_header(&self, path: &str, name: &str, value: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header(name, value)
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get_text(
        &self,
        path: &str,
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let response = self.get(path).await;
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.text().await.expect("body"))
    }

    /// Calls a server function the way the browser does.
    pub async fn call_server_fn(&self, endpoint: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .expect("request failed")
    }
}

/// A database of its own for one test, dropped when the test ends so runs do not pile
/// them up on a shared server.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    /// Cloned from the migrated template: fast, and identical for every test.
    pub async fn migrated() -> Self {
        let (name, url) = fresh_database().await;
        Self { name, url }
    }

    /// No migrations applied.
    pub async fn empty() -> Self {
        let (name, url) = empty_database().await;
        Self { name, url }
    }

    /// An owner pool on this database.
    pub async fn pool(&self) -> PgPool {
        PgPoolOptions::new()
            .max_connections(2)
            .connect(&self.url)
            .await
            .expect("owner pool")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(media_dir(&self.url));
        let admin = admin_url();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&admin).await?;
                conn.execute(format!("drop database if exists \"{name}\" with (force)").as_str())
                    .await?;
                Ok::<_, sqlx::Error>(())
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns with settings adjusted by `customise` (after the test database is filled in).
pub async fn spawn_app_with(customise: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::migrated().await;
    let url = database.url.clone();
    spawn_app_on(database, url, customise).await
}

/// Spawns with the server reaching its database through `server_db_url` (a proxy, say).
pub async fn spawn_app_on(
    database: TestDatabase,
    server_db_url: String,
    customise: impl FnOnce(&mut Settings),
) -> TestApp {
    let pool = database.pool().await;
    let owner_url = database.url.clone();
    start(Some(database), owner_url, pool, server_db_url, customise).await
}

/// Spawns on a database this test made itself (a throwaway cluster it can crash), given by
/// its owner URL; the app migrates it.
pub async fn spawn_app_at(database_url: &str, customise: impl FnOnce(&mut Settings)) -> TestApp {
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(database_url)
        .await
        .expect("owner pool");
    start(
        None,
        database_url.to_owned(),
        pool,
        database_url.to_owned(),
        customise,
    )
    .await
}

/// Another instance of `first`'s application on the same database, as a second server
/// behind a load balancer.
pub async fn spawn_second_instance(first: &TestApp) -> TestApp {
    start(
        None,
        first.database_url.clone(),
        first.pool.clone(),
        first.database_url.clone(),
        |_| {},
    )
    .await
}

async fn start(
    database: Option<TestDatabase>,
    database_url: String,
    pool: PgPool,
    server_db_url: String,
    customise: impl FnOnce(&mut Settings),
) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        wellspring::server::telemetry::logging::init(
            wellspring::server::config::AppEnv::Development,
        );
    }
    let mut settings = Settings::load(&manifest_dir().join("config")).expect("configuration");
    settings.database.url = Some(server_db_url.into());
    // Tests arrange their own data: the development convenience stays off.
    settings.seed.demo_on_empty = false;
    // Test members are all new and write a lot; the new-member caps have their own tests.
    settings.limits.new_members.days = 0;
    // Tests write and then read as a visitor within a second: each sees fresh pages unless
    // it is testing the visitor page cache itself (tests/api/visitor_pages.rs).
    settings.server.visitor_page_cache_ms = 0;
    // Likewise the staff dashboard, which tests read again after each change.
    settings.moderation.dashboard_cache_ms = 0;
    // Each test database keeps its pictures in a folder of its own (removed with it).
    settings.media.local_dir = media_dir(&database_url);
    customise(&mut settings);

    let app = Application::build(settings, leptos_options())
        .await
        .expect("application builds");
    let addr = app.local_addr().expect("bound");
    let state = app.state().clone();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://{addr}"),
        addr,
        client,
        pool,
        state,
        _database: database,
        database_url,
        shutdown: Some(shutdown),
        server: Some(server),
    }
}

/// The local media folder of the test database at `database_url`.
pub fn media_dir(database_url: &str) -> PathBuf {
    let name = database_url.rsplit('/').next().unwrap_or("media");
    std::env::temp_dir()
        .join("wellspring-test-media")
        .join(name)
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn leptos_options() -> leptos::config::LeptosOptions {
    let cargo_toml = manifest_dir().join("Cargo.toml");
    let mut options = leptos::config::get_configuration(cargo_toml.to_str())
        .expect("leptos configuration")
        .leptos_options;
    options.site_addr = "127.0.0.1:0".parse().expect("address");
    // The hash file sits next to the release binary, not the test binary.
    options.hash_files = false;
    options.site_root = manifest_dir()
        .join("target/site")
        .to_string_lossy()
        .as_ref()
        .into();
    options
}

/// The server every test database lives on.
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL").expect(
        "DATABASE_URL must point at a PostgreSQL server for the integration tests (make test sets one up)",
    )
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{database}")
}

/// An empty database with no migrations applied.
async fn empty_database() -> (String, String) {
    let name = format!("wstest_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url())
        .await
        .expect("admin connection");
    admin
        .execute(format!("create database \"{name}\"").as_str())
        .await
        .expect("create database");
    let url = url_for(&name);
    (name, url)
}

/// A database cloned from the migrated template: fast, and identical for every test.
async fn fresh_database() -> (String, String) {
    let template = ensure_template().await;
    let name = format!("wstest_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url())
        .await
        .expect("admin connection");
    let mut attempts = 0;
    loop {
        let created = admin
            .execute(format!("create database \"{name}\" template \"{template}\"").as_str())
            .await;
        match created {
            Ok(_) => break,
            // Another test may be copying the template at this instant.
            Err(error) if attempts < 50 => {
                attempts += 1;
                let _ = error;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => panic!("creating {name} from {template}: {error}"),
        }
    }
    let url = url_for(&name);
    (name, url)
}

/// Creates the template for the current migrations once per server, under an advisory lock
/// so parallel tests (and parallel test processes) agree. Named by a hash of the
/// migrations, so a changed migration gets a new template.
async fn ensure_template() -> String {
    let template = format!(
        "wstpl_{:016x}",
        migrations_hash(&manifest_dir().join("migrations"))
    );
    let mut admin = PgConnection::connect(&admin_url())
        .await
        .expect("admin connection");
    admin
        .execute("select pg_advisory_lock(7204611)")
        .await
        .expect("lock");
    let exists: bool =
        sqlx::query_scalar("select exists (select from pg_database where datname = $1)")
            .bind(&template)
            .fetch_one(&mut admin)
            .await
            .expect("lookup");
    if !exists {
        let building = format!("{template}_building");
        admin
            .execute(format!("drop database if exists \"{building}\" with (force)").as_str())
            .await
            .expect("drop leftover");
        admin
            .execute(format!("create database \"{building}\"").as_str())
            .await
            .expect("create template");
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url_for(&building))
            .await
            .expect("connect");
        migrate::up(&pool)
            .await
            .expect("migrations apply to the template");
        pool.close().await;
        admin
            .execute(format!("alter database \"{building}\" rename to \"{template}\"").as_str())
            .await
            .expect("publish template");
    }
    admin
        .execute("select pg_advisory_unlock(7204611)")
        .await
        .expect("unlock");
    template
}

fn migrations_hash(dir: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("migrations dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in files {
        file.file_name().hash(&mut hasher);
        std::fs::read(&file).expect("migration").hash(&mut hasher);
    }
    hasher.finish()
}

/// A TCP proxy in front of PostgreSQL that a test can cut and restore, to play the part
/// of a database that goes away and comes back.
pub struct DbProxy {
    pub addr: SocketAddr,
    up: Arc<AtomicBool>,
    cut: broadcast::Sender<()>,
}

impl DbProxy {
    pub async fn start(upstream_url: &str) -> Self {
        let upstream = upstream_addr(upstream_url);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = broadcast::channel(4);
        let (up2, cut2) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !up2.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let mut stop = cut2.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = stop.recv() => {}
                    }
                });
            }
        });
        Self { addr, up, cut }
    }

    /// The database "goes down": open connections drop, new ones are refused.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        let _ = self.cut.send(());
    }

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// `url` with its host and port replaced by the proxy's.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme_user, rest) = url.split_once('@').map_or(
            ("postgres://postgres", url.trim_start_matches("postgres://")),
            |(a, b)| (a, b),
        );
        let path = rest.split_once('/').map_or("", |(_, p)| p);
        format!("{scheme_user}@{}/{path}", self.addr)
    }
}

fn upstream_addr(url: &str) -> String {
    let rest = url
        .split_once('@')
        .map_or(url.trim_start_matches("postgres://"), |(_, r)| r);
    let host_port = rest.split('/').next().unwrap_or("127.0.0.1:5432");
    if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    }
}
