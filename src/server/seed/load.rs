//! Writing a planned community: one transaction on the owner's connection, COPY for every
//! table, the counter triggers off while the rows go in (the generator already computed the
//! counters; circles' are recomputed here with set-based updates) and back on before commit.
//! Nothing is visible until the commit, and a failure leaves the database as it was.

use super::{
    SeedError, SeedOptions, SeedSummary,
    community::{self, Chunk, DEMO_PASSWORD},
    copy_text::CopyRows,
};
use crate::server::auth::password;
use sqlx::{PgConnection, PgPool};
use std::time::Instant;

/// Every table seeded. Row Level Security is forced on them (even the owner obeys it), and
/// COPY refuses tables whose policies apply to it, so the load lifts FORCE for its own
/// transaction only.
const TABLES: &[&str] = &[
    "auth.users",
    "app.profiles",
    "app.circles",
    "app.circle_members",
    "app.circle_follows",
    "app.posts",
    "app.anonymous_authors",
    "app.comments",
    "app.post_reactions",
    "app.comment_reactions",
    "app.bookmarks",
];
/// Tables whose row triggers maintain counters the load writes itself.
const COUNTED: &[&str] = &[
    "app.circle_members",
    "app.posts",
    "app.comments",
    "app.post_reactions",
    "app.comment_reactions",
];
/// Tables with identity ids the load chooses (COPY writes them as given).
const IDENTITIES: &[&str] = &["app.circles", "app.posts", "app.comments"];

const COPY_USERS: &str = "copy auth.users (id, email, email_confirmed_at, password_hash, created_at, updated_at) from stdin";
const COPY_PROFILES: &str = "copy app.profiles (user_id, handle, display_name, bio, pronouns, interests, modalities, credentials, booking_url, is_verified, created_at, updated_at) from stdin";
const COPY_CIRCLES: &str = "copy app.circles (id, slug, name, description, visibility, is_support, created_by, created_at) from stdin";
const COPY_MEMBERS: &str =
    "copy app.circle_members (circle_id, user_id, role, status, created_at) from stdin";
const COPY_FOLLOWS: &str = "copy app.circle_follows (circle_id, user_id, created_at) from stdin";
const COPY_POSTS: &str = "copy app.posts (id, circle_id, author_id, is_anonymous, title, body, body_html, content_warning, pinned, created_at, last_activity_at, comment_count, support_count, grateful_count, insightful_count, hug_count) from stdin";
const COPY_ANONYMOUS: &str = "copy app.anonymous_authors (post_id, author_id) from stdin";
const COPY_POST_REACTIONS: &str =
    "copy app.post_reactions (post_id, user_id, kind, created_at) from stdin";
const COPY_BOOKMARKS: &str = "copy app.bookmarks (user_id, post_id, created_at) from stdin";
const COPY_COMMENTS: &str = "copy app.comments (id, post_id, parent_id, author_id, body, body_html, depth, created_at, support_count, grateful_count, insightful_count, hug_count) from stdin";
const COPY_COMMENT_REACTIONS: &str =
    "copy app.comment_reactions (comment_id, user_id, kind, created_at) from stdin";

/// Posts per chunk: enough to keep COPY busy, small enough to bound memory.
const CHUNK_POSTS: usize = 2_000;

/// Seeds the community `options` describes into `pool`'s database, which must have no
/// circles yet. `pool` must connect as the tables' owner (DATABASE_URL's role).
#[tracing::instrument(skip(pool))]
pub async fn seed(pool: &PgPool, options: SeedOptions) -> Result<SeedSummary, SeedError> {
    let started = Instant::now();
    let demo_hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (roster, conversations) = tokio::task::spawn_blocking(move || {
        community::plan(options.seed, options.scale, now, &demo_hash)
    })
    .await?;

    let mut tx = pool.begin().await?;
    // Nobody adds a circle while we look, and a second seed waits here, then refuses.
    sqlx::query("lock table app.circles in exclusive mode")
        .execute(&mut *tx)
        .await?;
    let circles: i64 = sqlx::query_scalar("select count(*) from app.circles")
        .fetch_one(&mut *tx)
        .await?;
    if circles > 0 {
        return Err(SeedError::NotEmpty { circles });
    }
    let taken: Vec<String> = sqlx::query_scalar(
        "select handle from app.profiles where handle = any($1)
         union all
         select email from auth.users where email = any($2)
         limit 5",
    )
    .bind(&roster.handles)
    .bind(&roster.emails)
    .fetch_all(&mut *tx)
    .await?;
    if !taken.is_empty() {
        return Err(SeedError::Taken(taken.join(", ")));
    }

    let forced = relax(&mut tx).await?;
    let mut summary = SeedSummary {
        members: roster.users.rows(),
        circles: roster.circles.rows(),
        memberships: roster.circle_members.rows(),
        follows: roster.circle_follows.rows(),
        ..SeedSummary::default()
    };
    copy(&mut tx, COPY_USERS, &roster.users).await?;
    copy(&mut tx, COPY_PROFILES, &roster.profiles).await?;
    copy(&mut tx, COPY_CIRCLES, &roster.circles).await?;
    copy(&mut tx, COPY_MEMBERS, &roster.circle_members).await?;
    copy(&mut tx, COPY_FOLLOWS, &roster.circle_follows).await?;
    drop(roster);

    // The generator runs on its own thread while PostgreSQL ingests the previous chunk.
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Chunk>(2);
    let generator = tokio::task::spawn_blocking(move || {
        let mut conversations = conversations;
        while let Some(chunk) = conversations.next_chunk(CHUNK_POSTS) {
            if sender.blocking_send(chunk).is_err() {
                break;
            }
        }
    });
    while let Some(chunk) = receiver.recv().await {
        summary.posts += chunk.posts.rows();
        summary.anonymous_posts += chunk.anonymous_authors.rows();
        summary.comments += chunk.comments.rows();
        summary.post_reactions += chunk.post_reactions.rows();
        summary.comment_reactions += chunk.comment_reactions.rows();
        summary.bookmarks += chunk.bookmarks.rows();
        copy(&mut tx, COPY_POSTS, &chunk.posts).await?;
        copy(&mut tx, COPY_ANONYMOUS, &chunk.anonymous_authors).await?;
        copy(&mut tx, COPY_POST_REACTIONS, &chunk.post_reactions).await?;
        copy(&mut tx, COPY_BOOKMARKS, &chunk.bookmarks).await?;
        copy(&mut tx, COPY_COMMENTS, &chunk.comments).await?;
        copy(&mut tx, COPY_COMMENT_REACTIONS, &chunk.comment_reactions).await?;
    }
    generator.await?;

    finish(&mut tx, &forced).await?;
    tx.commit().await?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Lifts forced Row Level Security and the counter triggers for this transaction; returns
/// the tables that had FORCE, to put it back.
async fn relax(conn: &mut PgConnection) -> Result<Vec<&'static str>, sqlx::Error> {
    let mut forced = Vec::new();
    for table in TABLES {
        let force: bool =
            sqlx::query_scalar("select relforcerowsecurity from pg_class where oid = $1::regclass")
                .bind(table)
                .fetch_one(&mut *conn)
                .await?;
        if force {
            sqlx::query(&format!("alter table {table} no force row level security"))
                .execute(&mut *conn)
                .await?;
            forced.push(*table);
        }
    }
    for table in COUNTED {
        sqlx::query(&format!("alter table {table} disable trigger user"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(forced)
}

/// Circles' counters from the rows, identity sequences past the ids used, statistics for
/// the planner, then triggers and FORCE back as they were.
async fn finish(conn: &mut PgConnection, forced: &[&str]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update app.circles c set
             member_count = coalesce(m.active, 0),
             post_count = coalesce(p.live, 0)
           from app.circles base
           left join (select circle_id, count(*) as active from app.circle_members
                       where status = 'active' group by circle_id) m on m.circle_id = base.id
           left join (select circle_id, count(*) as live from app.posts
                       where deleted_at is null group by circle_id) p on p.circle_id = base.id
          where c.id = base.id",
    )
    .execute(&mut *conn)
    .await?;
    for table in IDENTITIES {
        sqlx::query(&format!(
            "select setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) from {table}"
        ))
        .execute(&mut *conn)
        .await?;
    }
    for table in COUNTED {
        sqlx::query(&format!("alter table {table} enable trigger user"))
            .execute(&mut *conn)
            .await?;
    }
    for table in forced {
        sqlx::query(&format!("alter table {table} force row level security"))
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(&format!("analyze {}", TABLES.join(", ")))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Sends `rows` through one COPY statement.
async fn copy(
    conn: &mut PgConnection,
    statement: &str,
    rows: &CopyRows,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut copy = conn.copy_in_raw(statement).await?;
    for piece in rows.as_bytes().chunks(1 << 20) {
        if let Err(error) = copy.send(piece).await {
            let _ = copy.abort("seed stopped").await;
            return Err(error);
        }
    }
    copy.finish().await?;
    Ok(())
}
