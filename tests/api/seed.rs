//! `wellspring seed --demo`: what it writes into a fresh database, that the denormalised
//! counters and threads are consistent, that a seed reproduces the same community, that a
//! non-empty database is refused untouched, that the demo account signs in, and that only a
//! server configured for it seeds on start.

use crate::{
    helpers::{TestDatabase, spawn_app, spawn_app_with},
    identity::post,
};
use reqwest::StatusCode;
use sqlx::PgPool;
use wellspring::server::seed::{self, MAX_DEPTH, Scale, SeedError, SeedOptions};

const SMALL: Scale = Scale {
    members: 25,
    posts: 60,
    comments: 300,
};

fn options(seed: u64) -> SeedOptions {
    SeedOptions { seed, scale: SMALL }
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn seeding_writes_the_requested_numbers_of_members_posts_and_comments() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let summary = seed::seed(&pool, options(7)).await.unwrap();

    assert_eq!(count(&pool, "select count(*) from app.profiles").await, 25);
    assert_eq!(count(&pool, "select count(*) from auth.users").await, 25);
    assert_eq!(count(&pool, "select count(*) from app.circles").await, 12);
    assert_eq!(count(&pool, "select count(*) from app.posts").await, 60);
    assert_eq!(count(&pool, "select count(*) from app.comments").await, 300);
    assert_eq!(summary.members, 25);
    assert_eq!(summary.posts, 60);
    assert_eq!(summary.comments, 300);
    assert_eq!(
        summary.post_reactions as i64,
        count(&pool, "select count(*) from app.post_reactions").await
    );
    assert_eq!(
        summary.comment_reactions as i64,
        count(&pool, "select count(*) from app.comment_reactions").await
    );
    assert_eq!(
        summary.bookmarks as i64,
        count(&pool, "select count(*) from app.bookmarks").await
    );
    assert!(summary.post_reactions > 0 && summary.comment_reactions > 0 && summary.bookmarks > 0);
    // Every circle has a moderator, and the welcome post pinned.
    assert_eq!(
        count(
            &pool,
            "select count(distinct circle_id) from app.circle_members where role = 'moderator'"
        )
        .await,
        12
    );
    assert_eq!(
        count(&pool, "select count(*) from app.posts where pinned").await,
        12
    );
    // Some practitioners, verified or not, with what their profile shows.
    assert!(
        count(
            &pool,
            "select count(*) from app.profiles where cardinality(modalities) > 0
              and credentials <> '' and booking_url like 'https://%'"
        )
        .await
            > 0
    );
    // Seeded accounts are confirmed and cannot sign in; only the demo account has a password.
    assert_eq!(
        count(
            &pool,
            "select count(*) from auth.users where email_confirmed_at is null
                or (email like '%@demo.wellspring.invalid') = (password_hash is not null)"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from auth.users u join app.profiles p on p.user_id = u.id
                       where u.email = 'demo@wellspring.test' and p.handle = 'demo'
                         and u.password_hash like '$argon2id$%'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn seeded_counters_equal_the_counts_recomputed_from_the_rows() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    seed::seed(&pool, options(7)).await.unwrap();

    let wrong_circles = count(
        &pool,
        "select count(*) from app.circles c
          where member_count <> (select count(*) from app.circle_members m
                                  where m.circle_id = c.id and m.status = 'active')
             or post_count <> (select count(*) from app.posts p
                                where p.circle_id = c.id and p.deleted_at is null)",
    )
    .await;
    assert_eq!(wrong_circles, 0);
    // Private circles have join requests, which must not count as members.
    assert!(
        count(
            &pool,
            "select count(*) from app.circle_members where status = 'pending'"
        )
        .await
            > 0
    );

    let wrong_posts = count(
        &pool,
        "select count(*) from app.posts p
          where comment_count <> (select count(*) from app.comments c
                                   where c.post_id = p.id and c.deleted_at is null)
             or last_activity_at <> coalesce((select max(created_at) from app.comments c
                                               where c.post_id = p.id), p.created_at)
             or support_count <> (select count(*) from app.post_reactions r where r.post_id = p.id and r.kind = 'support')
             or grateful_count <> (select count(*) from app.post_reactions r where r.post_id = p.id and r.kind = 'grateful')
             or insightful_count <> (select count(*) from app.post_reactions r where r.post_id = p.id and r.kind = 'insightful')
             or hug_count <> (select count(*) from app.post_reactions r where r.post_id = p.id and r.kind = 'hug')",
    )
    .await;
    assert_eq!(wrong_posts, 0);

    let wrong_comments = count(
        &pool,
        "select count(*) from app.comments c
          where support_count <> (select count(*) from app.comment_reactions r where r.comment_id = c.id and r.kind = 'support')
             or grateful_count <> (select count(*) from app.comment_reactions r where r.comment_id = c.id and r.kind = 'grateful')
             or insightful_count <> (select count(*) from app.comment_reactions r where r.comment_id = c.id and r.kind = 'insightful')
             or hug_count <> (select count(*) from app.comment_reactions r where r.comment_id = c.id and r.kind = 'hug')",
    )
    .await;
    assert_eq!(wrong_comments, 0);

    // The triggers are back on: a new membership is counted by them.
    let before = count(
        &pool,
        "select member_count::bigint from app.circles where slug = 'mindful-mornings'",
    )
    .await;
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id)
         select c.id, u.user_id from app.circles c, app.profiles u
          where c.slug = 'mindful-mornings'
            and not exists (select 1 from app.circle_members m where m.circle_id = c.id and m.user_id = u.user_id)
          limit 1",
    )
    .execute(&pool)
    .await
    .unwrap();
    let after = count(
        &pool,
        "select member_count::bigint from app.circles where slug = 'mindful-mornings'",
    )
    .await;
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn seeded_threads_are_consistent_and_timed_after_their_posts() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    seed::seed(&pool, options(7)).await.unwrap();

    let inconsistent = count(
        &pool,
        "select count(*) from app.comments c
           left join app.comments parent on parent.id = c.parent_id
           join app.posts p on p.id = c.post_id
          where (c.parent_id is null and c.depth <> 0)
             or (c.parent_id is not null and (parent.depth + 1 <> c.depth
                                              or parent.post_id <> c.post_id
                                              or parent.created_at > c.created_at))
             or c.created_at <= p.created_at
             or c.created_at > now()",
    )
    .await;
    assert_eq!(inconsistent, 0);
    let deepest = count(&pool, "select max(depth)::bigint from app.comments").await;
    assert!(
        (2..=i64::from(MAX_DEPTH)).contains(&deepest),
        "deepest {deepest}"
    );
    assert_eq!(
        count(&pool, "select count(*) from app.posts where created_at < now() - interval '91 days' or created_at > now()").await,
        0
    );

    // Anonymous posts: only in support circles, no visible author, the sealed one recorded.
    assert!(count(&pool, "select count(*) from app.posts where is_anonymous").await > 0);
    assert_eq!(
        count(
            &pool,
            "select count(*) from app.posts p join app.circles c on c.id = p.circle_id
              where p.is_anonymous and (p.author_id is not null or not c.is_support
                    or not exists (select 1 from app.anonymous_authors a where a.post_id = p.id))"
        )
        .await,
        0
    );
    assert_eq!(
        count(&pool, "select count(*) from app.anonymous_authors a join app.posts p on p.id = a.post_id where not p.is_anonymous").await,
        0
    );
    assert!(
        count(
            &pool,
            "select count(*) from app.posts where content_warning is not null"
        )
        .await
            > 0
    );
    // Bodies are plain paragraphs; their HTML is each one escaped into a <p>.
    assert_eq!(
        count(
            &pool,
            "select count(*) from app.posts
              where body_html <> '<p>' || replace(replace(replace(replace(body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
                                                  E'\\n\\n', E'</p>\\n<p>') || E'</p>\\n'"
        )
        .await,
        0
    );
    assert!(
        count(
            &pool,
            "select count(*) from app.posts where body like E'%\\n\\n%'"
        )
        .await
            > 0
    );
    // Row Level Security is forced again and no trigger was left disabled.
    assert_eq!(
        count(
            &pool,
            "select count(*) from pg_trigger where not tgisinternal and tgenabled = 'D'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from pg_class where oid in ('app.posts'::regclass, 'app.comments'::regclass,
               'auth.users'::regclass, 'app.profiles'::regclass, 'app.circles'::regclass)
               and not relforcerowsecurity"
        )
        .await,
        0
    );
    // Identity sequences moved past the seeded ids.
    let next: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name) values ('after-the-seed', 'After the seed') returning id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(next, 13);
}

async fn handles_and_titles(seed_value: u64) -> (Vec<String>, Vec<String>) {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    seed::seed(&pool, options(seed_value)).await.unwrap();
    let handles = sqlx::query_scalar("select handle from app.profiles order by handle")
        .fetch_all(&pool)
        .await
        .unwrap();
    let titles = sqlx::query_scalar("select title from app.posts order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    (handles, titles)
}

#[tokio::test]
async fn the_same_seed_gives_the_same_handles_and_titles() {
    let first = handles_and_titles(11).await;
    let again = handles_and_titles(11).await;
    let other = handles_and_titles(12).await;
    assert_eq!(first, again);
    assert_ne!(first.0, other.0);
    assert_ne!(first.1, other.1);
}

#[tokio::test]
async fn seeding_refuses_a_database_with_circles_and_changes_nothing() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    sqlx::query("insert into app.circles (slug, name) values ('our-own', 'Our own circle')")
        .execute(&pool)
        .await
        .unwrap();

    let refused = seed::seed(&pool, options(7)).await;
    let error = refused.expect_err("a database with circles is refused");
    assert!(
        matches!(error, SeedError::NotEmpty { circles: 1 }),
        "{error}"
    );
    assert!(error.to_string().contains("nothing was changed"), "{error}");
    assert_eq!(count(&pool, "select count(*) from app.circles").await, 1);
    assert_eq!(count(&pool, "select count(*) from auth.users").await, 0);
    assert_eq!(count(&pool, "select count(*) from app.posts").await, 0);
    assert_eq!(
        count(
            &pool,
            "select count(*) from pg_trigger where not tgisinternal and tgenabled = 'D'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_demo_account_signs_in_through_the_login_endpoint() {
    let app = spawn_app().await;
    seed::seed(&app.pool, options(7)).await.unwrap();
    let reply = post(
        &app,
        "auth/login",
        &[
            ("email", seed::DEMO_EMAIL),
            ("password", seed::DEMO_PASSWORD),
        ],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.set_cookie("ws_access").is_some());

    // Other seeded members have no password at all.
    let member: String = sqlx::query_scalar(
        "select email from auth.users where email like '%@demo.wellspring.invalid' order by email limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let refused = post(
        &app,
        "auth/login",
        &[
            ("email", member.as_str()),
            ("password", seed::DEMO_PASSWORD),
        ],
        "",
    )
    .await;
    assert!(
        refused.set_cookie("ws_access").is_none(),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn tests_never_seed_on_start_but_a_development_server_does_once() {
    let plain = spawn_app().await;
    assert_eq!(
        count(&plain.pool, "select count(*) from app.circles").await,
        0
    );

    let seeded = spawn_app_with(|settings| settings.seed.demo_on_empty = true).await;
    let demo = SeedOptions::demo().scale;
    assert_eq!(
        count(&seeded.pool, "select count(*) from app.circles").await,
        12
    );
    assert_eq!(
        count(&seeded.pool, "select count(*) from app.posts").await,
        demo.posts as i64
    );
    assert_eq!(
        count(&seeded.pool, "select count(*) from app.comments").await,
        demo.comments as i64
    );
    // A second start finds circles and leaves them alone.
    assert_eq!(seed::demo_on_empty(&seeded.pool).await.unwrap(), None);
    assert_eq!(
        count(&seeded.pool, "select count(*) from app.posts").await,
        demo.posts as i64
    );
}

/// Development's demo staff sign in with the printed secret (password, then a code from
/// it) and find the demo reports waiting in the queue.
#[tokio::test]
async fn the_demo_staff_sign_in_with_their_printed_secret_and_find_reports_waiting() {
    use wellspring::server::auth::totp;
    let app = spawn_app().await;
    seed::seed(&app.pool, options(7)).await.unwrap();
    let staff = seed::seed_staff(&app.pool, &app.state.keys.secrets)
        .await
        .unwrap();
    assert_eq!(staff.reports, 4);
    // Seeding them again changes nothing.
    let again = seed::seed_staff(&app.pool, &app.state.keys.secrets)
        .await
        .unwrap();
    assert_eq!(again.reports, 0);
    assert_eq!(
        count(&app.pool, "select count(*) from app.reports").await,
        4
    );

    let moderator = &staff.accounts[0];
    assert_eq!(moderator.role, "moderator");
    let first = post(
        &app,
        "auth/login",
        &[
            ("email", moderator.email),
            ("password", seed::DEMO_PASSWORD),
        ],
        "",
    )
    .await;
    let ticket = first
        .set_cookie("ws_mfa")
        .expect("a second step is asked for");
    let secret = totp::base32_decode(&moderator.totp_secret).unwrap();
    let code = totp::code_at(
        &secret,
        totp::step_at(time::OffsetDateTime::now_utc().unix_timestamp()),
    );
    let second = post(
        &app,
        "auth/login-mfa",
        &[("code", code.as_str())],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let access = second.set_cookie("ws_access").unwrap();
    let queue = post(
        &app,
        "moderation/queue",
        &[],
        &format!("ws_access={access}"),
    )
    .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert_eq!(queue.json()["open_targets"], 4);
    assert_eq!(queue.json()["items"][0]["at_risk"], true);
}
