//! Typed configuration: defaults → `config/<APP_ENV>.toml` → `WELLSPRING__SECTION__KEY`
//! environment variables (plus the conventional `DATABASE_URL`).

use crate::server::http::client_ip::TrustedProxies;
use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::{fmt, path::PathBuf, str::FromStr, time::Duration};

/// The secret shipped in `config/development.toml`. Production refuses to start with it.
pub const DEVELOPMENT_JWT_SECRET: &str = "development-only-secret-never-use-in-production";
/// The TOTP-secret key shipped in `config/development.toml`. Production refuses it too.
pub const DEVELOPMENT_ENCRYPTION_KEY: &str = "ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=";

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
    pub mail: MailSettings,
    #[serde(default)]
    pub oauth: OAuthSettings,
    pub limits: LimitSettings,
    #[serde(default)]
    pub seed: SeedSettings,
    #[serde(default)]
    pub jobs: JobSettings,
    #[serde(default)]
    pub realtime: RealtimeSettings,
    #[serde(default)]
    pub moderation: ModerationSettings,
    #[serde(default)]
    pub media: MediaSettings,
    #[serde(default)]
    pub backup: BackupSettings,
    /// Operators' overrides of the feature flags (`services::flags`): a value here wins over
    /// what admins set on /admin/flags.
    #[serde(default)]
    pub flags: FlagOverrides,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct FlagOverrides {
    pub sign_ups: Option<bool>,
    pub posting: Option<bool>,
    pub live_updates: Option<bool>,
}

/// Backups (`server::backup`, `wellspring backup`, and the `backup.make` job).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct BackupSettings {
    /// 32 bytes, standard base64 (`openssl rand -base64 32`). Set: every backup file is
    /// sealed with it (XChaCha20-Poly1305), and restoring needs it. Keep it apart from the
    /// backups, or they protect nothing.
    pub encryption_key: Option<SecretString>,
    /// A backup every this many hours, made by the job queue (one per period across all
    /// instances); 0 (the default in development and tests) makes none. Production's
    /// configuration asks for one a day.
    pub every_hours: u64,
    /// Where scheduled backups are written (a folder per backup).
    pub dir: PathBuf,
    /// Scheduled backups kept: the newest of each of the last `keep_daily` days...
    pub keep_daily: usize,
    /// ...and the newest of each of the last `keep_weekly` weeks (`backup::retention`).
    pub keep_weekly: usize,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            encryption_key: None,
            every_hours: 0,
            dir: PathBuf::from(".data/backups"),
            keep_daily: 30,
            keep_weekly: 8,
        }
    }
}

impl BackupSettings {
    pub fn key(&self) -> anyhow::Result<Option<crate::server::backup::seal::BackupKey>> {
        self.encryption_key
            .as_ref()
            .map(|key| key.expose_secret())
            .filter(|key| !key.is_empty())
            .map(crate::server::backup::seal::BackupKey::from_base64)
            .transpose()
    }
}

/// Members' pictures (`server::media`): where they are stored and the limits on uploads.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct MediaSettings {
    /// The switch: off, every upload is refused with a kind sentence (pictures already
    /// uploaded are still shown).
    pub uploads_enabled: bool,
    /// The local store's folder, used when `s3` is not set.
    pub local_dir: PathBuf,
    /// An S3-compatible store (`[media.s3]`, or `WELLSPRING__MEDIA__S3__BUCKET` and so on).
    pub s3: Option<S3Settings>,
    /// The largest file accepted for a profile picture, cut off while it streams in.
    pub avatar_max_bytes: u64,
    /// The largest file accepted for a picture in a post or reply.
    pub picture_max_bytes: u64,
    /// Pictures larger than this are refused before decoding (decompression bombs): a
    /// 12-megapixel phone photo fits many times over.
    pub max_megapixels: u64,
    /// Uploads per member per hour.
    pub uploads_per_hour: i64,
    /// The stored bytes (all variants) one member may have.
    pub quota_mb: u64,
    /// Pictures decoded and re-encoded at once, each on a blocking thread: 0 means half the
    /// cores (at least one), so a burst of uploads never takes the whole machine.
    pub reencode_slots: usize,
    /// How long a signed address for a private picture works.
    pub signed_url_ttl_secs: u64,
}

impl Default for MediaSettings {
    fn default() -> Self {
        Self {
            uploads_enabled: true,
            local_dir: PathBuf::from(".data/media"),
            s3: None,
            avatar_max_bytes: 10 * 1024 * 1024,
            picture_max_bytes: 20 * 1024 * 1024,
            max_megapixels: 50,
            uploads_per_hour: 60,
            quota_mb: 500,
            reencode_slots: 0,
            signed_url_ttl_secs: 300,
        }
    }
}

/// An S3-compatible bucket: AWS, MinIO, Ceph, Garage, moto's server in the tests.
#[derive(Clone, Debug, Deserialize)]
pub struct S3Settings {
    pub bucket: String,
    /// Unset: AWS's own endpoint for `region`.
    pub endpoint: Option<String>,
    #[serde(default = "default_region")]
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Plain HTTP to the endpoint: a store on loopback or a private network only.
    #[serde(default)]
    pub allow_http: bool,
}

fn default_region() -> String {
    "us-east-1".to_owned()
}

/// Moderation (`services::moderation`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ModerationSettings {
    /// Where a member who reports that someone may be at risk is pointed at once, by
    /// region. Replace the list in a configuration file (`[[moderation.crisis_resources]]`
    /// with `region`, `name`, `contact`) for the countries your members live in.
    pub crisis_resources: Vec<crate::domain::moderation::CrisisResource>,
    /// How long each instance keeps the staff dashboard it drew (one for site staff, one for
    /// admins), in milliseconds; 0 draws it on every view. Its figures are site-wide, the
    /// same for every staff member, and a few seconds old is fresh enough for staff.
    pub dashboard_cache_ms: u64,
}

impl Default for ModerationSettings {
    fn default() -> Self {
        let resource =
            |region: &str, name: &str, contact: &str| crate::domain::moderation::CrisisResource {
                region: region.to_owned(),
                name: name.to_owned(),
                contact: contact.to_owned(),
            };
        Self {
            dashboard_cache_ms: 5000,
            crisis_resources: vec![
                resource(
                    "Anywhere",
                    "Find A Helpline (free, confidential lines by country)",
                    "findahelpline.com",
                ),
                resource(
                    "United States",
                    "988 Suicide & Crisis Lifeline",
                    "Call or text 988",
                ),
                resource(
                    "Canada",
                    "9-8-8 Suicide Crisis Helpline",
                    "Call or text 988",
                ),
                resource("United Kingdom and Ireland", "Samaritans", "Call 116 123"),
                resource("Australia", "Lifeline", "Call 13 11 14"),
            ],
        }
    }
}

/// Live updates over `/realtime` (`server::realtime`): its limits, all counted in
/// `/metrics`.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(default)]
pub struct RealtimeSettings {
    /// Off: no socket is accepted (404) and pages stay as they were drawn.
    pub enabled: bool,
    /// Open sockets one member may hold on one instance (tabs and devices).
    pub sockets_per_member: usize,
    /// Open sockets from one address on one instance (visitors share addresses behind NAT).
    pub sockets_per_ip: usize,
    /// Channels one socket may follow at once.
    pub subscriptions_per_socket: usize,
    /// Frames waiting for one socket; a socket further behind is closed, not buffered.
    pub send_queue: usize,
    /// The largest frame a client may send.
    pub max_message_bytes: usize,
    /// A ping every this many seconds; a peer silent for three is dropped.
    pub heartbeat_secs: u64,
}

impl Default for RealtimeSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            sockets_per_member: 16,
            sockets_per_ip: 256,
            subscriptions_per_socket: 16,
            send_queue: 256,
            max_message_bytes: 4096,
            heartbeat_secs: 20,
        }
    }
}

/// The background job queue (`server::jobs`) and the domain events it prunes.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    /// Jobs this instance runs at once.
    pub concurrency: usize,
    /// How often idle workers look for due jobs when nothing woke them.
    pub poll_interval_ms: u64,
    /// The wait before a failed job's first retry; it doubles with each further failure.
    pub retry_base_ms: u64,
    /// How long domain events are kept for clients resuming a live view (at least 600).
    pub event_retention_secs: u64,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            concurrency: 2,
            poll_interval_ms: 1000,
            retry_base_ms: 5000,
            event_retention_secs: 3600,
        }
    }
}

/// Demo data. `wellspring seed` is the operator's command; this is only the newcomer's
/// convenience.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SeedSettings {
    /// On start, seed the small demo community when there are no circles yet. Development
    /// only (`config/development.toml`); never in tests, staging or production.
    pub demo_on_empty: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ServerSettings {
    /// Longest time a request may take before it is answered 503.
    pub request_timeout_secs: u64,
    /// Longest time a client may take to send its request headers (slowloris guard). The
    /// same clock runs while a kept-alive connection waits for its next request, so it is
    /// also the idle keep-alive timeout.
    pub header_read_timeout_secs: u64,
    /// Open connections at once (kept-alive and live sockets included); past it, new
    /// connections wait in the kernel's backlog until one closes.
    pub max_connections: usize,
    /// Longest time shutdown waits for in-flight requests.
    pub shutdown_grace_secs: u64,
    /// After SIGTERM, how long the instance keeps serving while `/readyz` says "draining"
    /// and answers ask clients to close their connections, before it stops accepting: the
    /// time a proxy or Kubernetes needs to take it out of rotation (`http::draining`). 0:
    /// stop accepting at once (development, tests, a single instance).
    pub drain_delay_ms: u64,
    /// Largest request body accepted.
    pub body_limit_bytes: usize,
    /// Cookies carry `Secure` and the `__Host-` prefix. Production requires it.
    pub secure_cookies: bool,
    /// The site's own origin, e.g. `https://wellspring.example`: links in mail and the
    /// OAuth callback are built from it.
    pub public_url: String,
    /// The operator's reverse proxies (addresses or CIDR ranges). Only a request whose TCP
    /// peer is one of them has its client address taken from `X-Forwarded-For`. Empty (the
    /// default): the peer is the client and the header is ignored.
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
    /// How long a page rendered for a visitor (signed out) is served to other visitors, in
    /// milliseconds; members always get a fresh render. `0` turns the cache off. See
    /// `server::http::visitor_pages`.
    pub visitor_page_cache_ms: u64,
    /// Per route group limits (`server.groups.<pages|api|realtime|uploads|operator>`); see
    /// `server::http::route_groups`.
    #[serde(default)]
    pub groups: RouteGroupSettings,
}

/// One route group's limits. Unset: the server-wide `request_timeout_secs` and
/// `body_limit_bytes`. A timeout of 0 means none.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct GroupLimits {
    pub timeout_secs: Option<u64>,
    pub body_limit_bytes: Option<usize>,
    /// Requests the group serves at once; the next is shed (503, `Retry-After`). Unset or
    /// 0: no bound.
    pub max_in_flight: Option<usize>,
    /// Bytes of request bodies (declared, or the body limit when unsized) the group takes
    /// in at once; a body that would pass it is shed. Unset or 0: no bound.
    pub bytes_in_flight: Option<usize>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct RouteGroupSettings {
    pub pages: GroupLimits,
    pub api: GroupLimits,
    /// Long-lived upgrades: no time bound, small messages.
    pub realtime: GroupLimits,
    /// Large bodies, streamed and cut off at the limit.
    pub uploads: GroupLimits,
    /// Health, readiness and metrics: quick, bodiless.
    pub operator: GroupLimits,
}

impl Default for RouteGroupSettings {
    fn default() -> Self {
        const MIB: usize = 1024 * 1024;
        Self {
            pages: GroupLimits {
                max_in_flight: Some(512),
                bytes_in_flight: Some(64 * MIB),
                ..GroupLimits::default()
            },
            api: GroupLimits {
                max_in_flight: Some(512),
                bytes_in_flight: Some(64 * MIB),
                ..GroupLimits::default()
            },
            // Open sockets are bounded per member and per address (`realtime`) and by
            // `server.max_connections`; a group bound would only count handshakes.
            realtime: GroupLimits {
                timeout_secs: Some(0),
                body_limit_bytes: Some(64 * 1024),
                ..GroupLimits::default()
            },
            uploads: GroupLimits {
                timeout_secs: Some(300),
                body_limit_bytes: Some(25 * MIB),
                max_in_flight: Some(16),
                bytes_in_flight: Some(200 * MIB),
            },
            operator: GroupLimits {
                timeout_secs: Some(10),
                body_limit_bytes: Some(16 * 1024),
                max_in_flight: Some(32),
                ..GroupLimits::default()
            },
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct DatabaseSettings {
    /// Unset: run the embedded cluster under `data_dir`.
    pub url: Option<SecretString>,
    pub max_connections: u32,
    pub acquire_timeout_ms: u64,
    /// How often the health watcher checks the database while it is reachable
    /// (`db::health`); while it is away, every 200 ms.
    pub health_heartbeat_ms: u64,
    /// A health probe slower than this counts as a failure: an unreachable server is told
    /// from a refusing one within it.
    pub health_probe_timeout_ms: u64,
    /// A request's statement running longer than this is cancelled by the server
    /// (`statement_timeout` on the requests' connections; background work has none).
    pub request_statement_timeout_ms: u64,
    /// A request's transaction left idle this long is ended by the server, locks and all
    /// (`idle_in_transaction_session_timeout`).
    pub request_idle_in_transaction_ms: u64,
    /// Where the embedded cluster keeps its files.
    pub data_dir: PathBuf,
    /// The embedded cluster archives every finished WAL segment here, for point-in-time
    /// recovery (`wellspring base-backup`, `wellspring restore --to-time`). Unset: no
    /// archive. An external server archives by its own `archive_command`
    /// (docs/operations.md).
    #[serde(default)]
    pub wal_archive_dir: Option<PathBuf>,
    /// A WAL segment with any write in it is archived within this many seconds even when
    /// it is not full: the most a restore from the archive can lose.
    pub archive_timeout_secs: u64,
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
    /// Encrypts TOTP secrets at rest: 32 bytes, standard base64.
    pub encryption_key: SecretString,
    pub issuer: String,
    pub audience: String,
    pub access_token_ttl_secs: i64,
    /// A used refresh token replayed within this many seconds gets the current one
    /// (parallel tabs); later, the replay revokes the whole session.
    pub refresh_reuse_grace_secs: i64,
    /// A session unused this long ends.
    pub session_idle_timeout_secs: i64,
    /// A session ends this long after sign-in, however active.
    pub session_max_lifetime_secs: i64,
    /// Mailed links (confirm, reset, magic, change email) expire after this.
    pub mail_token_ttl_secs: i64,
    /// At most one mailed link of a kind per account in this many seconds.
    pub mail_resend_interval_secs: i64,
    /// A sign-in attempt on an unconfirmed account mails its link again at most this often.
    pub unconfirmed_reminder_interval_secs: i64,
    /// Accounts whose address was never confirmed are deleted after this many days.
    pub unconfirmed_account_days: i64,
    /// How long a sign-in or a "confirm it's you" proof lets a session make sensitive
    /// changes (email, two-step sign-in, linked sign-ins).
    pub step_up_secs: i64,
    /// Password hashes computed at once, process-wide, each on a thread of its own; 0 means
    /// half the cores (at least one), so hashing never takes the whole machine.
    pub hashing_slots: usize,
    /// How long a request waits for a hashing slot before it is told to retry (429).
    pub hashing_wait_ms: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct MailSettings {
    /// `smtp://host:port`, `smtp://host:587?tls=required` or `smtps://...`. Unset: mail stays
    /// in the outbox (readable at /dev/mailbox in development).
    pub smtp_url: Option<SecretString>,
    pub from: String,
    pub poll_interval_ms: u64,
}

/// Requests per window, per IP and per account, for the endpoints people can abuse.
#[derive(Clone, Debug, Deserialize)]
pub struct LimitSettings {
    pub window_secs: i64,
    pub sign_in_per_ip: i32,
    pub sign_in_per_account: i32,
    pub sign_up_per_ip: i32,
    pub mail_per_ip: i32,
    pub mail_per_account: i32,
    /// Wrong second-factor codes per account per `second_factor_window_secs`, counted
    /// across sign-in, turning two-step sign-in off and confirming it's you.
    pub second_factor_failures: i32,
    pub second_factor_window_secs: i64,
    /// Password checks and changes per signed-in account, and reset attempts per IP, per
    /// window.
    pub password_per_account: i32,
    pub password_per_ip: i32,
    /// Writes, reactions and searches per member (or per client address when signed out)
    /// per `write_window_secs`; see `services::write_limits`.
    pub write_window_secs: i64,
    pub posts_per_window: i32,
    pub comments_per_window: i32,
    pub reactions_per_window: i32,
    pub bookmarks_per_window: i32,
    pub join_requests_per_window: i32,
    pub searches_per_window: i32,
    /// Reports one member may file per window.
    pub reports_per_window: i32,
    /// Failed sign-ins for one account before each further attempt waits, doubling.
    pub failures_before_delay: i32,
    /// Caps for a member's first days (`services::moderation::newcomers`).
    #[serde(default)]
    pub new_members: NewMemberLimits,
}

/// What a member may write in their first `days` days: posts and replies per day, and links
/// and @mentions per post or reply. Staff are exempt; `days = 0` turns the caps off.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct NewMemberLimits {
    pub days: i64,
    pub posts_per_day: i64,
    pub replies_per_day: i64,
    pub links: usize,
    pub mentions: usize,
    /// Pictures (profile pictures and pictures in posts) uploaded per day.
    #[serde(default = "default_new_member_pictures")]
    pub pictures_per_day: i64,
}

fn default_new_member_pictures() -> i64 {
    5
}

impl Default for NewMemberLimits {
    fn default() -> Self {
        Self {
            days: 3,
            posts_per_day: 5,
            replies_per_day: 30,
            links: 2,
            mentions: 5,
            pictures_per_day: default_new_member_pictures(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct OAuthSettings {
    pub google: Option<OAuthProviderSettings>,
    pub github: Option<OAuthProviderSettings>,
}

/// One OAuth 2 / OIDC provider. Endpoints are configuration so tests can point them at a
/// provider they run on loopback.
#[derive(Clone, Debug, Deserialize)]
pub struct OAuthProviderSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    pub authorize_url: String,
    pub token_url: String,
    /// OIDC userinfo (Google) or the GitHub user API.
    pub userinfo_url: String,
    /// GitHub only: where verified emails are listed.
    pub emails_url: Option<String>,
    pub scopes: String,
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
    pub fn visitor_page_cache(&self) -> Duration {
        Duration::from_millis(self.visitor_page_cache_ms)
    }
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_secs(self.header_read_timeout_secs)
    }
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
    pub fn drain_delay(&self) -> Duration {
        Duration::from_millis(self.drain_delay_ms)
    }
    /// `group`'s limits, the server-wide ones filling what it leaves unset.
    pub fn limits(
        &self,
        group: crate::server::http::route_groups::RouteGroup,
    ) -> crate::server::http::route_groups::Limits {
        use crate::server::http::route_groups::{Limits, RouteGroup};
        let groups = &self.groups;
        let limits = match group {
            RouteGroup::Pages => &groups.pages,
            RouteGroup::Api => &groups.api,
            RouteGroup::Realtime => &groups.realtime,
            RouteGroup::Uploads => &groups.uploads,
            RouteGroup::Operator => &groups.operator,
        };
        Limits::resolve(limits, self.request_timeout(), self.body_limit_bytes)
    }
}

impl DatabaseSettings {
    /// How the embedded cluster is started (its WAL archive).
    pub fn cluster_options(&self) -> crate::server::db::embedded::ClusterOptions {
        crate::server::db::embedded::ClusterOptions {
            wal_archive: self.wal_archive_dir.clone(),
            archive_timeout_secs: self.archive_timeout_secs,
        }
    }
    pub fn acquire_timeout(&self) -> Duration {
        Duration::from_millis(self.acquire_timeout_ms)
    }
    pub fn health_options(&self) -> crate::server::db::health::HealthOptions {
        crate::server::db::health::HealthOptions {
            heartbeat: Duration::from_millis(self.health_heartbeat_ms.max(50)),
            probe_timeout: Duration::from_millis(self.health_probe_timeout_ms.max(50)),
        }
    }
}

/// The environment when `APP_ENV` is unset: development only inside a development checkout
/// (the configuration directory sits beside the crate's `Cargo.toml`, as it does for
/// `make run`, `cargo leptos watch` and the tests); anywhere else production, whose checks
/// refuse to start with development secrets and which never serves `/dev/mailbox`. A copied
/// binary started bare on a server is then safe, or stops and says what to set.
pub fn default_env(config_dir: &std::path::Path) -> AppEnv {
    let checkout = config_dir
        .parent()
        .map(|root| {
            if root.as_os_str().is_empty() {
                std::path::Path::new(".")
            } else {
                root
            }
        })
        .is_some_and(|root| {
            root.join("Cargo.toml").is_file() && config_dir.join("development.toml").is_file()
        });
    if checkout {
        AppEnv::Development
    } else {
        AppEnv::Production
    }
}

impl Settings {
    /// Reads configuration from `config_dir` and the process environment.
    pub fn load(config_dir: &std::path::Path) -> anyhow::Result<Self> {
        let app_env: AppEnv = match std::env::var("APP_ENV") {
            Ok(name) if !name.trim().is_empty() => name.parse()?,
            _ => default_env(config_dir),
        };
        let mut builder = config::Config::builder()
            .set_default("app_env", app_env.as_str())?
            .set_default("server.request_timeout_secs", 30)?
            .set_default("server.header_read_timeout_secs", 10)?
            .set_default("server.shutdown_grace_secs", 20)?
            .set_default("server.drain_delay_ms", 0)?
            .set_default("server.max_connections", 16384)?
            .set_default("database.health_heartbeat_ms", 1000)?
            .set_default("database.health_probe_timeout_ms", 1000)?
            .set_default("server.body_limit_bytes", 2 * 1024 * 1024)?
            .set_default("server.secure_cookies", true)?
            .set_default("server.public_url", "http://127.0.0.1:3000")?
            .set_default("server.visitor_page_cache_ms", 1000)?
            .set_default("database.max_connections", 16)?
            .set_default("database.acquire_timeout_ms", 3000)?
            .set_default("database.data_dir", ".data")?
            .set_default("database.archive_timeout_secs", 30)?
            .set_default("database.request_statement_timeout_ms", 30_000)?
            .set_default("database.request_idle_in_transaction_ms", 60_000)?
            .set_default("database.request_role", "authenticator")?
            // Empty means unset; `check` then says which variable to set.
            .set_default("auth.jwt_secret", "")?
            .set_default("auth.encryption_key", "")?
            .set_default("auth.issuer", "wellspring")?
            .set_default("auth.audience", "authenticated")?
            .set_default("auth.access_token_ttl_secs", 900)?
            .set_default("auth.refresh_reuse_grace_secs", 10)?
            .set_default("auth.session_idle_timeout_secs", 14 * 24 * 3600)?
            .set_default("auth.session_max_lifetime_secs", 90 * 24 * 3600)?
            .set_default("auth.mail_token_ttl_secs", 3600)?
            .set_default("auth.mail_resend_interval_secs", 60)?
            .set_default("auth.unconfirmed_reminder_interval_secs", 86_400)?
            .set_default("auth.unconfirmed_account_days", 7)?
            .set_default("auth.step_up_secs", 600)?
            .set_default("auth.hashing_slots", 0)?
            .set_default("auth.hashing_wait_ms", 3000)?
            .set_default("mail.from", "Wellspring <no-reply@wellspring.invalid>")?
            .set_default("mail.poll_interval_ms", 1000)?
            .set_default("limits.window_secs", 60)?
            .set_default("limits.sign_in_per_ip", 30)?
            .set_default("limits.sign_in_per_account", 10)?
            .set_default("limits.sign_up_per_ip", 10)?
            .set_default("limits.mail_per_ip", 10)?
            .set_default("limits.mail_per_account", 5)?
            .set_default("limits.failures_before_delay", 5)?
            .set_default("limits.second_factor_failures", 5)?
            .set_default("limits.second_factor_window_secs", 900)?
            .set_default("limits.password_per_account", 10)?
            .set_default("limits.password_per_ip", 30)?
            .set_default("limits.write_window_secs", 3600)?
            .set_default("limits.posts_per_window", 30)?
            .set_default("limits.comments_per_window", 300)?
            .set_default("limits.reactions_per_window", 1000)?
            .set_default("limits.bookmarks_per_window", 500)?
            .set_default("limits.join_requests_per_window", 60)?
            .set_default("limits.searches_per_window", 600)?
            .set_default("limits.reports_per_window", 60)?
            .set_default("seed.demo_on_empty", false)?
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
        if self.auth.encryption_key.expose_secret().is_empty() {
            bail!(
                "no encryption key: set WELLSPRING__AUTH__ENCRYPTION_KEY (32 random bytes in base64, \
                 e.g. `openssl rand -base64 32`)"
            );
        }
        if self.app_env == AppEnv::Production {
            if self.auth.encryption_key.expose_secret() == DEVELOPMENT_ENCRYPTION_KEY {
                bail!("production needs its own WELLSPRING__AUTH__ENCRYPTION_KEY");
            }
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
                max_connections: 1,
                shutdown_grace_secs: 1,
                drain_delay_ms: 0,
                body_limit_bytes: 1,
                secure_cookies: secure,
                public_url: "http://127.0.0.1:3000".into(),
                trusted_proxies: TrustedProxies::default(),
                visitor_page_cache_ms: 0,
                groups: RouteGroupSettings::default(),
            },
            database: DatabaseSettings {
                url: None,
                max_connections: 1,
                acquire_timeout_ms: 1,
                health_heartbeat_ms: 1,
                health_probe_timeout_ms: 1,
                request_statement_timeout_ms: 30_000,
                request_idle_in_transaction_ms: 60_000,
                data_dir: ".data".into(),
                wal_archive_dir: None,
                archive_timeout_secs: 30,
                request_role: "authenticator".into(),
                request_password: None,
            },
            auth: AuthSettings {
                jwt_secret: secret.into(),
                encryption_key: "c2VjcmV0LWtleS1mb3ItdGVzdHMtMzItYnl0ZXMhISE=".into(),
                issuer: "wellspring".into(),
                audience: "authenticated".into(),
                access_token_ttl_secs: 900,
                refresh_reuse_grace_secs: 10,
                session_idle_timeout_secs: 3600,
                session_max_lifetime_secs: 7200,
                mail_token_ttl_secs: 3600,
                mail_resend_interval_secs: 60,
                unconfirmed_reminder_interval_secs: 86_400,
                unconfirmed_account_days: 7,
                step_up_secs: 600,
                hashing_slots: 0,
                hashing_wait_ms: 3000,
            },
            metrics: MetricsSettings { token: None },
            mail: MailSettings {
                smtp_url: None,
                from: "Wellspring <no-reply@wellspring.invalid>".into(),
                poll_interval_ms: 1000,
            },
            oauth: OAuthSettings::default(),
            limits: LimitSettings {
                window_secs: 60,
                sign_in_per_ip: 30,
                sign_in_per_account: 10,
                sign_up_per_ip: 10,
                mail_per_ip: 10,
                mail_per_account: 5,
                failures_before_delay: 5,
                second_factor_failures: 5,
                second_factor_window_secs: 900,
                password_per_account: 10,
                password_per_ip: 30,
                write_window_secs: 3600,
                posts_per_window: 30,
                comments_per_window: 300,
                reactions_per_window: 1000,
                bookmarks_per_window: 500,
                join_requests_per_window: 60,
                searches_per_window: 600,
                reports_per_window: 60,
                new_members: NewMemberLimits::default(),
            },
            seed: SeedSettings::default(),
            jobs: JobSettings::default(),
            realtime: RealtimeSettings::default(),
            moderation: ModerationSettings::default(),
            backup: BackupSettings::default(),
            media: MediaSettings::default(),
            flags: FlagOverrides::default(),
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
    fn without_app_env_only_a_development_checkout_is_development() {
        let checkout = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        assert_eq!(default_env(&checkout), AppEnv::Development);
        let elsewhere =
            std::env::temp_dir().join(format!("wellspring-no-checkout-{}", std::process::id()));
        std::fs::create_dir_all(elsewhere.join("config")).unwrap();
        // A configuration directory copied next to the binary, without the crate around it.
        std::fs::write(elsewhere.join("config/development.toml"), "").unwrap();
        assert_eq!(default_env(&elsewhere.join("config")), AppEnv::Production);
        assert_eq!(
            default_env(std::path::Path::new("/nonexistent/config")),
            AppEnv::Production
        );
        let _ = std::fs::remove_dir_all(&elsewhere);
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
