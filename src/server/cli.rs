//! The command line: `serve` (default), `migrate up|down|status`, `seed --demo`,
//! `create-admin`, and the backups: `backup`, `verify-backup`, `restore`, `base-backup`.

use crate::server::{auth::audit::AuthEvent, backup::audit};
use crate::server::{
    config::Settings,
    db::{Database, migrate},
    http::serve::shutdown_signal,
    seed::{self, Scale, SeedOptions},
    startup::Application,
    telemetry,
};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

#[derive(Parser)]
#[command(
    name = "wellspring",
    version,
    about = "A community platform for holistic wellness"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the site (the default).
    Serve,
    /// Make an account an admin, creating it (confirmed, no password yet) if needed; prints a
    /// link to set its password.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Handle for a new account.
        #[arg(long, default_value = "admin")]
        handle: String,
    },
    /// Migrate, then fill an empty database with a deterministic demo community and print
    /// what was written (refuses a database that already has circles).
    Seed {
        /// The demo community: members, practitioners, circles, posts, threads, reactions.
        #[arg(long, required = true)]
        demo: bool,
        /// Same seed, same community.
        #[arg(long, default_value_t = SeedOptions::DEFAULT_SEED)]
        seed: u64,
        /// Accounts, the demo account included.
        #[arg(long, default_value_t = SeedOptions::DEMO_SCALE.members)]
        members: usize,
        #[arg(long, default_value_t = SeedOptions::DEMO_SCALE.posts)]
        posts: usize,
        #[arg(long, default_value_t = SeedOptions::DEMO_SCALE.comments)]
        comments: usize,
    },
    /// Back up the database (pg_dump, one snapshot) and the pictures into a new folder,
    /// with a manifest of every table's rows and checksum and every file's SHA-256.
    Backup {
        /// Where the backup folder is made: a folder, or `s3://bucket/prefix` (reached with
        /// `[media.s3]`'s connection, else the AWS_* variables).
        #[arg(long, default_value = ".data/backups")]
        to: String,
    },
    /// Prove a backup: check its files, restore it into a scratch database on the same
    /// server, compare every table with the manifest; exits non-zero on any difference.
    /// PATH is a backup folder, or `s3://bucket/prefix/wellspring-<time>`.
    VerifyBackup { path: String },
    /// A physical copy of the whole cluster (pg_basebackup) for point-in-time recovery:
    /// the archived WAL (`database.wal_archive_dir`) is replayed onto it by
    /// `restore --to-time`.
    BaseBackup {
        /// Where the base backup folder is made.
        #[arg(long, default_value = ".data/backups")]
        to: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (and its pictures into the configured store);
    /// or, with --to-time, put a base backup back as the embedded cluster and replay the
    /// WAL archive up to a moment (`latest`: all of it).
    Restore {
        /// A backup folder (`s3://bucket/prefix/wellspring-<time>` too, with --into), or a
        /// base backup's folder with --to-time.
        path: String,
        /// The target database's URL.
        #[arg(long, conflicts_with = "to_time", required_unless_present = "to_time")]
        into: Option<String>,
        /// `latest`, or a moment as PostgreSQL reads one (`2026-12-05 15:30:00+00`).
        #[arg(long)]
        to_time: Option<String>,
        /// Replace a database that already has tables.
        #[arg(long)]
        force: bool,
        /// Do not ask for confirmation (scripts).
        #[arg(long)]
        yes: bool,
    },
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the newest migration, or every migration newer than --to.
    Down {
        #[arg(long)]
        to: Option<i64>,
    },
    /// List migrations and whether each is applied.
    Status,
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(Path::new("config")) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("wellspring: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::logging::init(settings.app_env);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => run_migrate(settings, action).await,
        Command::CreateAdmin { email, handle } => create_admin(settings, &email, &handle).await,
        Command::Backup { to } => run_backup(settings, &to).await,
        Command::VerifyBackup { path } => run_verify(settings, &path).await,
        Command::BaseBackup { to } => run_base_backup(settings, &to).await,
        Command::Restore {
            path,
            into: Some(into),
            force,
            yes,
            ..
        } => run_restore(settings, &path, &into, force, yes).await,
        Command::Restore {
            path,
            to_time: Some(to_time),
            yes,
            ..
        } => run_restore_to_time(settings, Path::new(&path), &to_time, yes).await,
        Command::Restore { .. } => Err(anyhow::anyhow!(
            "restore needs --into DATABASE_URL, or --to-time with a base backup"
        )),
        Command::Seed {
            demo: _,
            seed,
            members,
            posts,
            comments,
        } => {
            let scale = Scale {
                members,
                posts,
                comments,
            };
            run_seed(settings, SeedOptions { seed, scale }).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = ?error, "wellspring stopped");
            eprintln!("wellspring: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The owner's URL of the configured database: `DATABASE_URL`, the embedded cluster a
/// running server started, or the embedded cluster started for this command (returned, to
/// be closed after).
async fn owner_url(settings: &Settings) -> anyhow::Result<(String, Option<Database>)> {
    use crate::server::db::{EMBEDDED_DATABASE, embedded::EmbeddedPostgres, pool};
    if let Some(url) = pool::configured_url(&settings.database) {
        return Ok((url, None));
    }
    if let Some(url) = EmbeddedPostgres::running_url(&settings.database.data_dir, EMBEDDED_DATABASE)
    {
        return Ok((url, None));
    }
    let database = Database::open(&settings.database).await?;
    Ok((database.owner_url.clone(), Some(database)))
}

async fn close(database: Option<Database>) -> anyhow::Result<()> {
    match database {
        Some(database) => database.close().await,
        None => Ok(()),
    }
}

fn print_report(report: &crate::server::backup::restore::Report) {
    println!(
        "{} tables, {} rows, {} picture files",
        report.tables, report.rows, report.pictures
    );
    for problem in &report.problems {
        println!("  difference: {problem}");
    }
}

async fn run_backup(settings: Settings, to: &str) -> anyhow::Result<()> {
    use crate::server::backup::{Scratch, offsite};
    let place = offsite::Place::parse(to)?;
    // A backup for a bucket is made in a private scratch folder, uploaded, then dropped.
    let scratch = Scratch::new()?;
    let local = match &place {
        offsite::Place::Folder(folder) => folder.clone(),
        offsite::Place::Bucket { .. } => scratch.path().to_path_buf(),
    };
    let (url, database) = owner_url(&settings).await?;
    let store = crate::server::media::store::open(&settings.media)?;
    let started = std::time::Instant::now();
    let key = settings.backup.key()?;
    let made = crate::server::backup::make::backup(&url, store, &local, key.as_ref()).await;
    let made = match (made, &place) {
        (Ok((folder, manifest)), offsite::Place::Bucket { bucket, prefix }) => {
            let uploaded = match offsite::open(bucket, &settings.media) {
                Ok(remote) => offsite::upload(remote, &folder, &manifest, prefix).await,
                Err(error) => Err(error),
            };
            uploaded.map(|base| (PathBuf::from(format!("s3://{bucket}/{base}")), manifest))
        }
        (made, _) => made,
    };
    let made = match made {
        Ok((folder, manifest)) => {
            let detail = serde_json::json!({
                "folder": folder.display().to_string(),
                "tables": manifest.tables.len(),
                "rows": manifest.tables.iter().map(|t| t.rows).sum::<i64>(),
                "pictures": manifest.media.len(),
                "sealed": manifest.sealed,
            });
            audit(&url, AuthEvent::BackupMade, detail)
                .await
                .map(|()| (folder, manifest))
        }
        Err(error) => Err(error),
    };
    close(database).await?;
    let (folder, manifest) = made?;
    println!(
        "Backed up {} tables ({} rows) and {} picture files into {} in {:.1} s ({} bytes of database dump{}).",
        manifest.tables.len(),
        manifest.tables.iter().map(|t| t.rows).sum::<i64>(),
        manifest.media.len(),
        folder.display(),
        started.elapsed().as_secs_f64(),
        manifest.database.bytes,
        if manifest.sealed { ", sealed" } else { "" }
    );
    Ok(())
}

/// The local folder of the backup at `path`: itself, or (`s3://…`) fetched into `scratch`.
async fn fetched(
    settings: &Settings,
    path: &str,
    scratch: &crate::server::backup::Scratch,
) -> anyhow::Result<PathBuf> {
    use crate::server::backup::offsite;
    match offsite::Place::parse(path)? {
        offsite::Place::Folder(folder) => Ok(folder),
        offsite::Place::Bucket { bucket, prefix } => {
            let remote = offsite::open(&bucket, &settings.media)?;
            offsite::download(remote.as_ref(), &prefix, scratch.path()).await
        }
    }
}

async fn run_verify(settings: Settings, path: &str) -> anyhow::Result<()> {
    let scratch = crate::server::backup::Scratch::new()?;
    let folder = fetched(&settings, path, &scratch).await?;
    let (url, database) = owner_url(&settings).await?;
    let started = std::time::Instant::now();
    let key = settings.backup.key()?;
    let report = crate::server::backup::verify::verify(&folder, &url, key.as_ref()).await;
    let report = match report {
        Ok(report) => {
            let detail = serde_json::json!({
                "folder": path,
                "tables": report.tables,
                "rows": report.rows,
                "differences": report.problems,
            });
            audit(&url, AuthEvent::BackupVerified, detail)
                .await
                .map(|()| report)
        }
        Err(error) => Err(error),
    };
    close(database).await?;
    let report = report?;
    print_report(&report);
    anyhow::ensure!(
        report.problems.is_empty(),
        "the backup in {path} does not restore to what its manifest says"
    );
    println!(
        "The backup in {path} restores to exactly what its manifest says ({:.1} s).",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn run_restore(
    settings: Settings,
    path: &str,
    into: &str,
    force: bool,
    yes: bool,
) -> anyhow::Result<()> {
    let name = <sqlx::postgres::PgConnectOptions as std::str::FromStr>::from_str(into)
        .context("the target must be a postgres:// URL")?
        .get_database()
        .unwrap_or_default()
        .to_owned();
    if !yes {
        println!(
            "This restores {path} into the database \"{name}\"{}. Type the database's name to go on:",
            if force {
                ", replacing what is there"
            } else {
                ""
            }
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        anyhow::ensure!(
            answer.trim() == name,
            "not confirmed; nothing was restored (pass --yes to skip the question in scripts)"
        );
    }
    let scratch = crate::server::backup::Scratch::new()?;
    let folder = fetched(&settings, path, &scratch).await?;
    let store = crate::server::media::store::open(&settings.media)?;
    let key = settings.backup.key()?;
    let report =
        crate::server::backup::restore::restore(&folder, into, store.as_ref(), force, key.as_ref())
            .await?;
    print_report(&report);
    let detail = serde_json::json!({
        "folder": path,
        "tables": report.tables,
        "rows": report.rows,
        "pictures": report.pictures,
        "differences": report.problems,
        "replaced": force,
    });
    audit(into, AuthEvent::BackupRestored, detail).await?;
    anyhow::ensure!(
        report.problems.is_empty(),
        "the restored database differs from the backup's manifest"
    );
    println!("Restored {path} into \"{name}\".");
    Ok(())
}

async fn run_base_backup(settings: Settings, to: &Path) -> anyhow::Result<()> {
    let (url, database) = owner_url(&settings).await?;
    let started = std::time::Instant::now();
    let made = crate::server::backup::base::base_backup(&url, to).await;
    let made = match made {
        Ok(folder) => {
            let detail = serde_json::json!({
                "folder": folder.display().to_string(),
                "kind": "base",
            });
            audit(&url, AuthEvent::BackupMade, detail)
                .await
                .map(|()| folder)
        }
        Err(error) => Err(error),
    };
    close(database).await?;
    let folder = made?;
    println!(
        "Base backup written to {} in {:.1} s. WAL archive: {}.",
        folder.display(),
        started.elapsed().as_secs_f64(),
        match &settings.database.wal_archive_dir {
            Some(dir) => dir.display().to_string(),
            None => "none (set database.wal_archive_dir, or restores stop at this backup)".into(),
        }
    );
    Ok(())
}

async fn run_restore_to_time(
    settings: Settings,
    path: &Path,
    to_time: &str,
    yes: bool,
) -> anyhow::Result<()> {
    use crate::server::db::{
        EMBEDDED_DATABASE,
        embedded::{self, RecoveryTarget},
        pool,
    };
    anyhow::ensure!(
        pool::configured_url(&settings.database).is_none(),
        "--to-time restores the embedded cluster; for an external server, follow docs/operations.md (Point-in-time recovery)"
    );
    let target = if to_time == "latest" {
        RecoveryTarget::Latest
    } else {
        RecoveryTarget::Time(to_time.to_owned())
    };
    if !yes {
        println!(
            "This replaces the embedded cluster in {} with {} and replays its WAL to {to_time} (the old cluster is moved aside). Type \"restore\" to go on:",
            settings.database.data_dir.display(),
            path.display()
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        anyhow::ensure!(
            answer.trim() == "restore",
            "not confirmed; nothing was restored (pass --yes to skip the question in scripts)"
        );
    }
    let base_dir = settings.database.data_dir.clone();
    let options = settings.database.cluster_options();
    let folder = path.to_owned();
    let recovered = tokio::task::spawn_blocking(move || {
        embedded::recover(&base_dir, &folder, &options, &target)
    })
    .await??;
    let detail = serde_json::json!({
        "folder": path.display().to_string(),
        "to_time": to_time,
        "replayed_to": recovered.replayed_to,
        "seconds": recovered.took.as_secs_f64(),
    });
    let url = recovered.cluster.url(EMBEDDED_DATABASE);
    let recorded = audit(&url, AuthEvent::BackupRestored, detail).await;
    let crate::server::db::embedded::Recovered {
        replayed_to,
        set_aside,
        took,
        cluster,
    } = recovered;
    tokio::task::spawn_blocking(move || cluster.stop()).await??;
    recorded?;
    println!(
        "Restored {} and replayed the WAL archive to {to_time} in {:.1} s; the last transaction replayed committed at {}.{}",
        path.display(),
        took.as_secs_f64(),
        replayed_to
            .as_deref()
            .unwrap_or("(none after the base backup)"),
        match set_aside {
            Some(aside) => format!(" The cluster that was there is in {}.", aside.display()),
            None => String::new(),
        }
    );
    Ok(())
}

async fn create_admin(settings: Settings, email: &str, handle: &str) -> anyhow::Result<()> {
    use crate::server::services::identity::roles;
    let database = Database::open(&settings.database).await?;
    let result = async {
        migrate::up(&database.owner_pool).await?;
        roles::create_admin(&database.request_pool, &settings, email, handle)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
    .await;
    database.close().await?;
    match result? {
        Some(link) => {
            println!("{email} is now an admin. Set its password within the hour at:\n{link}")
        }
        None => println!("{email} is now an admin."),
    }
    Ok(())
}

async fn run_seed(settings: Settings, options: SeedOptions) -> anyhow::Result<()> {
    use crate::server::{config::AppEnv, services::identity::keys::AuthKeys};
    let keys = AuthKeys::from_settings(&settings.auth)?;
    let database = Database::open(&settings.database).await?;
    let result = async {
        migrate::up(&database.owner_pool).await?;
        let summary = seed::seed(&database.owner_pool, options).await?;
        // Staff with known two-step secrets: in development only.
        let staff = if settings.app_env == AppEnv::Development {
            Some(seed::seed_staff(&database.owner_pool, &keys.secrets).await?)
        } else {
            None
        };
        Ok::<_, anyhow::Error>((summary, staff))
    }
    .await;
    database.close().await?;
    let (summary, staff) = result?;
    println!(
        "Seeded the demo community (seed {}):\n{summary}",
        options.seed
    );
    println!(
        "Sign in as {} with the password {}",
        seed::DEMO_EMAIL,
        seed::DEMO_PASSWORD
    );
    if let Some(staff) = staff {
        print_staff(&staff);
    }
    Ok(())
}

/// The demo staff's sign-ins, for a newcomer to try the staff side (development only).
pub(crate) fn print_staff(staff: &seed::DemoStaff) {
    for account in &staff.accounts {
        println!(
            "Staff ({}): {} with the password {}, two-step secret {} (add it to an authenticator app)",
            account.role,
            account.email,
            seed::DEMO_PASSWORD,
            account.totp_secret
        );
    }
    println!(
        "{} demo reports wait in the review queue at /admin/queue",
        staff.reports
    );
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    // Cargo.toml holds the site's settings when run from a checkout; a deployment sets LEPTOS_*.
    let file = Path::new("Cargo.toml").exists().then_some("Cargo.toml");
    let leptos_options = leptos::config::get_configuration(file)
        .context("reading the site settings ([package.metadata.leptos] or LEPTOS_* variables)")?
        .leptos_options;
    crate::server::http::assets::hash_file_present(&leptos_options)?;
    let app = Application::build(settings, leptos_options).await?;
    app.run_until_stopped(shutdown_signal()).await
}

async fn run_migrate(settings: Settings, action: MigrateAction) -> anyhow::Result<()> {
    let database = Database::open(&settings.database).await?;
    let result = match action {
        MigrateAction::Up => migrate::up(&database.owner_pool).await,
        MigrateAction::Down { to } => migrate::down(&database.owner_pool, to).await,
        MigrateAction::Status => migrate::status(&database.owner_pool).await.map(|states| {
            for state in states {
                let mark = if state.applied { "applied" } else { "pending" };
                println!("{:>6}  {mark:<8} {}", state.version, state.description);
            }
        }),
    };
    database.close().await?;
    result
}
