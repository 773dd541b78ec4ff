//! The embedded PostgreSQL cluster: with no `DATABASE_URL`, Wellspring runs its own
//! private cluster under `.data/` with the system's `initdb` and `pg_ctl`.
//!
//! PostgreSQL refuses to run as root, so when we are root the cluster runs as the
//! `postgres` user (or `nobody`), which then owns the data directory.
//!
//! The cluster listens on no TCP port at all: only on a Unix socket in a fresh directory
//! (mode 0700, owned by the account PostgreSQL runs as), so no other local user, container
//! sidecar or browser-driven request to localhost can reach a cluster that trusts every
//! connection. The directory is short (`/tmp/wellspring-pg-<random>`), because socket paths
//! are limited to about 100 bytes and a checkout can be deep.

mod archive;
mod recovery;

pub use archive::{ClusterOptions, RecoveryTarget};
pub use recovery::{Recovered, recover};

use anyhow::{Context, anyhow, bail};
use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
};

/// What the user should do when no PostgreSQL can be found.
const INSTALL_HINT: &str = "Wellspring needs PostgreSQL. Either set DATABASE_URL to a running \
server (postgres://user@host:5432/db), or install the server binaries so Wellspring can run \
its own (Debian/Ubuntu: `apt-get install postgresql`; macOS: `brew install postgresql`).";

/// A running private cluster. Stopped by [`EmbeddedPostgres::stop`], or on drop.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    data_dir: PathBuf,
    bin_dir: PathBuf,
    /// The private directory holding the cluster's socket, removed when it stops.
    socket_dir: PathBuf,
    run_as: Option<Account>,
    stopped: bool,
}

/// The socket's port number: only its file name (`.s.PGSQL.5432`), no TCP port is opened.
const SOCKET_PORT: u16 = 5432;

/// An unprivileged account to run PostgreSQL as when we are root.
#[derive(Clone, Debug)]
struct Account {
    name: String,
    uid: u32,
    gid: u32,
}

impl EmbeddedPostgres {
    /// Initialises the cluster on first use, clears what a crash left behind and starts it
    /// on a Unix socket in a fresh private directory, with no TCP port.
    pub fn start(base_dir: &Path) -> anyhow::Result<Self> {
        Self::start_with(base_dir, &ClusterOptions::default())
    }

    /// [`EmbeddedPostgres::start`] with `options` written to the cluster's own settings
    /// file first (WAL archiving; `archive`).
    #[tracing::instrument]
    pub fn start_with(base_dir: &Path, options: &ClusterOptions) -> anyhow::Result<Self> {
        let bin_dir = find_bin_dir().ok_or_else(|| anyhow!(INSTALL_HINT))?;
        let run_as = if is_root() {
            Some(unprivileged_account()?)
        } else {
            None
        };
        let data_dir = cluster_dir(base_dir, run_as.as_ref())?;
        let mut cluster = Self {
            data_dir,
            bin_dir,
            socket_dir: PathBuf::new(),
            run_as,
            stopped: true,
        };

        if !cluster.data_dir.join("PG_VERSION").exists() {
            cluster.init()?;
        }
        cluster.clear_leftovers()?;
        cluster.write_settings(options)?;
        cluster.socket_dir = private_socket_dir(cluster.run_as.as_ref())?;
        cluster.pg_ctl_start()?;
        cluster.stopped = false;
        tracing::info!(
            data_dir = %cluster.data_dir.display(),
            socket_dir = %cluster.socket_dir.display(),
            "embedded PostgreSQL started (Unix socket only)"
        );
        Ok(cluster)
    }

    /// The URL of `database` on a cluster already running in `base_dir` (a server started
    /// it), read from its `postmaster.pid`; `None` when none runs. Operator commands use it
    /// rather than [`EmbeddedPostgres::start`], which would restart a running cluster.
    pub fn running_url(base_dir: &Path, database: &str) -> Option<String> {
        let run_as = if is_root() {
            unprivileged_account().ok()
        } else {
            None
        };
        let dir = cluster_dir(base_dir, run_as.as_ref()).ok()?;
        let pid_file = std::fs::read_to_string(dir.join("postmaster.pid")).ok()?;
        let mut lines = pid_file.lines();
        let pid: u32 = lines.next()?.trim().parse().ok()?;
        if !Path::new(&format!("/proc/{pid}")).exists() {
            return None;
        }
        let socket_dir = pid_file.lines().nth(4)?.trim();
        (!socket_dir.is_empty()).then(|| {
            format!("postgres://postgres@localhost:{SOCKET_PORT}/{database}?host={socket_dir}")
        })
    }

    /// Connection URL for `database` on this cluster (its socket directory as `host`).
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost:{SOCKET_PORT}/{database}?host={}",
            self.socket_dir.display()
        )
    }

    /// The directory holding the cluster's socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// Stops the cluster quickly, rolling back open transactions.
    pub fn stop(mut self) -> anyhow::Result<()> {
        self.stop_inner()
    }

    /// Stops the server as a crash or a power cut would (`pg_ctl stop -m immediate`: no
    /// shutdown checkpoint; the next start replays the WAL), keeping its socket directory
    /// so [`EmbeddedPostgres::start_again`] brings it back at the same address. The fault
    /// tests and drills crash it this way.
    pub fn crash(&self) -> anyhow::Result<()> {
        self.run(
            self.pg_ctl()
                .args(["stop", "-m", "immediate", "-w", "-D"])
                .arg(&self.data_dir),
        )
        .context("crashing the embedded PostgreSQL")
    }

    /// Starts the server again after [`EmbeddedPostgres::crash`], at the same socket, and
    /// returns once it accepts connections (crash recovery done).
    pub fn start_again(&self) -> anyhow::Result<()> {
        self.pg_ctl_start()
    }

    fn stop_inner(&mut self) -> anyhow::Result<()> {
        if self.stopped {
            return Ok(());
        }
        self.stopped = true;
        self.run(
            self.pg_ctl()
                .args(["stop", "-m", "fast", "-w", "-D"])
                .arg(&self.data_dir),
        )
        .context("stopping the embedded PostgreSQL")?;
        let _ = std::fs::remove_dir_all(&self.socket_dir);
        tracing::info!("embedded PostgreSQL stopped");
        Ok(())
    }

    /// `wellspring.conf` from `options`, the archive folder made (and given to the
    /// account PostgreSQL runs as) when there is one.
    fn write_settings(&self, options: &ClusterOptions) -> anyhow::Result<()> {
        archive::ensure_included(&self.data_dir)?;
        let archive = match &options.wal_archive {
            None => None,
            Some(dir) => Some(private_dir(dir, self.run_as.as_ref())?),
        };
        let text = archive::settings_text(options, archive.as_deref())?;
        std::fs::write(self.data_dir.join(archive::SETTINGS), text)
            .context("writing the embedded cluster's settings")
    }

    fn init(&self) -> anyhow::Result<()> {
        private_dir(&self.data_dir, self.run_as.as_ref())?;
        let mut initdb = self.command("initdb");
        initdb
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-D",
            ])
            .arg(&self.data_dir);
        self.run(&mut initdb)
            .context("initialising the embedded PostgreSQL cluster")
    }

    /// A crash can leave a server running (we were killed) or a stale `postmaster.pid`.
    fn clear_leftovers(&self) -> anyhow::Result<()> {
        let status = self
            .as_account(self.pg_ctl().arg("status").arg("-D").arg(&self.data_dir))
            .output()
            .context("running pg_ctl status")?;
        if status.status.success() {
            tracing::warn!("an embedded PostgreSQL from an earlier run is still up; restarting it");
            self.run(
                self.pg_ctl()
                    .args(["stop", "-m", "fast", "-w", "-D"])
                    .arg(&self.data_dir),
            )?;
        } else {
            let pid_file = self.data_dir.join("postmaster.pid");
            if pid_file.exists() {
                tracing::warn!("removing a stale postmaster.pid left by a crash");
                std::fs::remove_file(&pid_file)?;
            }
        }
        Ok(())
    }

    fn pg_ctl_start(&self) -> anyhow::Result<()> {
        let options = format!(
            "-p {SOCKET_PORT} -c listen_addresses='' -c unix_socket_directories='{}' \
             -c unix_socket_permissions=0700",
            self.socket_dir.display()
        );
        let log = self.data_dir.join("server.log");
        let mut start = self.pg_ctl();
        start
            // Long enough for a start that replays WAL first (after a crash, or a restore).
            .args(["start", "-w", "-t", "600", "-D"])
            .arg(&self.data_dir)
            .arg("-l")
            .arg(&log)
            .args(["-o", &options]);
        self.run(&mut start).with_context(|| {
            format!(
                "starting the embedded PostgreSQL (its log: {})",
                log.display()
            )
        })
    }

    fn pg_ctl(&self) -> Command {
        self.command("pg_ctl")
    }

    fn command(&self, program: &str) -> Command {
        Command::new(self.bin_dir.join(program))
    }

    fn as_account<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        use std::os::unix::process::CommandExt;
        if let Some(account) = &self.run_as {
            command
                .uid(account.uid)
                .gid(account.gid)
                .env("USER", &account.name);
        }
        // Never inherit a client's PG* settings into the private cluster's tools.
        command
            .env_remove("PGHOST")
            .env_remove("PGPORT")
            .env_remove("PGDATABASE")
    }

    fn run(&self, command: &mut Command) -> anyhow::Result<()> {
        let output = self
            .as_account(command)
            .output()
            .with_context(|| format!("running {command:?}"))?;
        if !output.status.success() {
            bail!(
                "{:?} failed: {}{}",
                command.get_program(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    /// A panic or early return must not leave a server running in the background.
    fn drop(&mut self) {
        if let Err(error) = self.stop_inner() {
            tracing::error!(error = ?error, "could not stop the embedded PostgreSQL");
        }
    }
}

/// `initdb` and `pg_ctl` on PATH, else the newest `/usr/lib/postgresql/<version>/bin`.
fn find_bin_dir() -> Option<PathBuf> {
    find_dir_with(&["initdb", "pg_ctl"])
}

/// A PostgreSQL program (`pg_dump`, say) found as the server's own are: on PATH, else in the
/// newest `/usr/lib/postgresql/<version>/bin` (Debian keeps them off PATH).
pub fn postgres_tool(name: &str) -> Option<PathBuf> {
    find_dir_with(&[name]).map(|dir| dir.join(name))
}

fn find_dir_with(programs: &[&str]) -> Option<PathBuf> {
    let has_all = |dir: &Path| programs.iter().all(|program| dir.join(program).is_file());
    let on_path = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).find(|dir| has_all(dir)));
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
                let bin = entry.path().join("bin");
                has_all(&bin).then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

fn is_root() -> bool {
    // Our own /proc entry is owned by our effective uid; no unsafe libc call needed.
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// `postgres` if it exists, else `nobody`: read from /etc/passwd.
fn unprivileged_account() -> anyhow::Result<Account> {
    let passwd = std::fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
    let find = |wanted: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.len() > 3 && fields[0] == wanted).then(|| Account {
                name: wanted.to_owned(),
                uid: fields[2].parse().unwrap_or(u32::MAX),
                gid: fields[3].parse().unwrap_or(u32::MAX),
            })
        })
    };
    find("postgres")
        .or_else(|| find("nobody"))
        .filter(|a| a.uid != u32::MAX && a.uid != 0)
        .ok_or_else(|| {
            anyhow!("running as root, and no 'postgres' or 'nobody' user to run PostgreSQL as")
        })
}

/// `<base>/postgres`, unless we are root and the unprivileged account cannot reach it
/// (a checkout under /root, say): then a directory under /var/lib/wellspring named for it.
fn cluster_dir(base_dir: &Path, account: Option<&Account>) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(base_dir)
        .with_context(|| format!("creating {}", base_dir.display()))?;
    let base = base_dir.canonicalize()?;
    let wanted = base.join("postgres");
    let Some(account) = account else {
        return Ok(wanted);
    };
    if base.ancestors().skip(1).all(traversable_by_others) {
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755))?;
        return Ok(wanted);
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    base.hash(&mut hasher);
    let fallback = PathBuf::from(format!(
        "/var/lib/wellspring/{:016x}/postgres",
        hasher.finish()
    ));
    if let Some(parent) = fallback.parent() {
        std::fs::create_dir_all(parent)?;
    }
    tracing::warn!(
        wanted = %wanted.display(), used = %fallback.display(), account = %account.name,
        "the data directory's parents are closed to the PostgreSQL account; using another place"
    );
    Ok(fallback)
}

/// `dir` created if missing (mode 0700, owned by `account`, the one PostgreSQL runs as),
/// as an absolute path.
fn private_dir(dir: &Path, account: Option<&Account>) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    if let Some(account) = account {
        std::os::unix::fs::chown(dir, Some(account.uid), Some(account.gid))
            .with_context(|| format!("giving {} to {}", dir.display(), account.name))?;
    }
    Ok(dir.canonicalize()?)
}

fn traversable_by_others(dir: &Path) -> bool {
    std::fs::metadata(dir)
        .map(|m| m.permissions().mode() & 0o001 != 0)
        .unwrap_or(false)
}

/// A new directory for the socket that nobody else can enter: created fresh (never reused,
/// so nothing planted there beforehand is trusted), mode 0700, owned by the account that
/// runs PostgreSQL.
fn private_socket_dir(account: Option<&Account>) -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir();
    for _ in 0..8 {
        let dir = base.join(format!("wellspring-pg-{:016x}", rand::random::<u64>()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
                if let Some(account) = account {
                    std::os::unix::fs::chown(&dir, Some(account.uid), Some(account.gid))
                        .with_context(|| format!("giving {} to {}", dir.display(), account.name))?;
                }
                return Ok(dir);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(error).with_context(|| format!("creating {}", dir.display()));
            }
        }
    }
    bail!(
        "could not create a private socket directory in {}",
        base.display()
    )
}
