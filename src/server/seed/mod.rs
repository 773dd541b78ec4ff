//! `wellspring seed --demo`: a believable, deterministic holistic-wellness community for an
//! empty database — members and practitioners, circles, posts (some anonymous, some with
//! content warnings), threaded comments, reactions and bookmarks — at any size, from a
//! newcomer's first look to load-testing volumes.
//!
//! [`community`] decides what exists from a seed; [`load`] writes it with COPY in one
//! transaction. The same code seeds a development server on first start
//! (`seed.demo_on_empty`).

mod community;
mod copy_text;
mod load;
mod phrases;
mod staff;

pub use community::{
    DEMO_EMAIL, DEMO_HANDLE, DEMO_PASSWORD, MAX_DEPTH, MEMBER_EMAIL_DOMAIN, Scale,
};
pub use load::seed;
pub use staff::{DemoStaff, DemoStaffAccount, seed_staff};

use std::{fmt, time::Duration};

/// What to seed.
#[derive(Clone, Copy, Debug)]
pub struct SeedOptions {
    /// Same seed, same community (names, titles, threads); only the dates follow the clock.
    pub seed: u64,
    pub scale: Scale,
}

impl SeedOptions {
    pub const DEFAULT_SEED: u64 = 42;
    pub const DEMO_SCALE: Scale = Scale {
        members: 60,
        posts: 400,
        comments: 2_000,
    };

    /// The small demo set a newcomer sees.
    pub fn demo() -> Self {
        Self {
            seed: Self::DEFAULT_SEED,
            scale: Self::DEMO_SCALE,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(
        "the database already has {circles} circle(s): seed only fills an empty community, so \
         nothing was changed (seed a fresh database instead)"
    )]
    NotEmpty { circles: i64 },
    #[error("existing accounts already use seeded handles or emails ({0}): nothing was changed")]
    Taken(String),
    #[error("hashing the demo account's password: {0}")]
    Password(#[from] crate::server::auth::password::PasswordError),
    #[error("the generator stopped: {0}")]
    Generator(#[from] tokio::task::JoinError),
    #[error("writing the demo community: {0}")]
    Database(#[from] sqlx::Error),
}

/// Rows written, and how long it took.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedSummary {
    pub members: u64,
    pub circles: u64,
    pub memberships: u64,
    pub follows: u64,
    pub posts: u64,
    pub anonymous_posts: u64,
    pub comments: u64,
    pub post_reactions: u64,
    pub comment_reactions: u64,
    pub bookmarks: u64,
    pub elapsed: Duration,
}

impl fmt::Display for SeedSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:>10}  members (one can sign in)", self.members)?;
        writeln!(f, "{:>10}  circles", self.circles)?;
        writeln!(f, "{:>10}  memberships", self.memberships)?;
        writeln!(f, "{:>10}  circle follows", self.follows)?;
        writeln!(
            f,
            "{:>10}  posts ({} anonymous)",
            self.posts, self.anonymous_posts
        )?;
        writeln!(f, "{:>10}  comments", self.comments)?;
        writeln!(f, "{:>10}  post reactions", self.post_reactions)?;
        writeln!(f, "{:>10}  comment reactions", self.comment_reactions)?;
        writeln!(f, "{:>10}  bookmarks", self.bookmarks)?;
        write!(f, "in {:.1} s", self.elapsed.as_secs_f64())
    }
}

/// Seeds the demo set when the database has no circles yet (a development server's first
/// start). `None` when there was something already.
pub async fn demo_on_empty(pool: &sqlx::PgPool) -> Result<Option<SeedSummary>, SeedError> {
    let circles: i64 = sqlx::query_scalar("select count(*) from app.circles")
        .fetch_one(pool)
        .await?;
    if circles > 0 {
        return Ok(None);
    }
    match seed(pool, SeedOptions::demo()).await {
        Ok(summary) => Ok(Some(summary)),
        // Another instance seeded it first.
        Err(SeedError::NotEmpty { .. }) => Ok(None),
        Err(error) => Err(error),
    }
}
