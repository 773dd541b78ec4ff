//! The command line: `serve` (default), `migrate up|down|status`, `seed --demo` and
//! `create-admin`.

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
use std::{path::Path, process::ExitCode};

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
