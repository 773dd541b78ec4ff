//! Row Level Security on the community tables, run as the request roles (`anon`, and
//! `authenticated` with member, moderator or admin claims): for each policy an allowed case
//! and a denied one. Fixtures are written as the owner; every check runs as the caller.

use crate::helpers::TestDatabase;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use wellspring::server::db::scoped::{self, DbRole, RequestClaims};

// ---------------------------------------------------------------------------------------
// Fixtures, written as the owner
// ---------------------------------------------------------------------------------------

/// A confirmed account with a profile, written as the owner.
pub(crate) async fn member(pool: &PgPool, handle: &str) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "insert into auth.users (email, password_hash, email_confirmed_at)
         values ($1, 'x', now()) returning id",
    )
    .bind(format!("{handle}@example.org"))
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("insert into app.profiles (user_id, handle, display_name) values ($1, $2, $2)")
        .bind(id)
        .bind(handle)
        .execute(pool)
        .await
        .unwrap();
    id
}

pub(crate) async fn circle(pool: &PgPool, slug: &str, visibility: &str, is_support: bool) -> i64 {
    sqlx::query_scalar(
        "insert into app.circles (slug, name, visibility, is_support) values ($1, $1, $2, $3)
         returning id",
    )
    .bind(slug)
    .bind(visibility)
    .bind(is_support)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub(crate) async fn membership(pool: &PgPool, circle: i64, user: Uuid, role: &str, status: &str) {
    sqlx::query(
        "insert into app.circle_members (circle_id, user_id, role, status) values ($1, $2, $3, $4)",
    )
    .bind(circle)
    .bind(user)
    .bind(role)
    .bind(status)
    .execute(pool)
    .await
    .unwrap();
}

pub(crate) async fn post(pool: &PgPool, circle: i64, author: Uuid, title: &str) -> i64 {
    sqlx::query_scalar(
        "insert into app.posts (circle_id, author_id, title, body, body_html)
         values ($1, $2, $3, 'words', '<p>words</p>') returning id",
    )
    .bind(circle)
    .bind(author)
    .bind(title)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// An anonymous post; `sealed` is the author recorded in `app.anonymous_authors`, if any.
pub(crate) async fn anonymous_post(pool: &PgPool, circle: i64, sealed: Option<Uuid>) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "insert into app.posts (circle_id, author_id, is_anonymous, title, body, body_html)
         values ($1, null, true, 'Heavy week', 'words', '<p>words</p>') returning id",
    )
    .bind(circle)
    .fetch_one(pool)
    .await
    .unwrap();
    if let Some(author) = sealed {
        sqlx::query("insert into app.anonymous_authors (post_id, author_id) values ($1, $2)")
            .bind(id)
            .bind(author)
            .execute(pool)
            .await
            .unwrap();
    }
    id
}

pub(crate) async fn comment(
    pool: &PgPool,
    post: i64,
    author: Uuid,
    parent: Option<i64>,
    depth: i32,
) -> i64 {
    sqlx::query_scalar(
        "insert into app.comments (post_id, parent_id, author_id, body, body_html, depth)
         values ($1, $2, $3, 'kind words', '<p>kind words</p>', $4) returning id",
    )
    .bind(post)
    .bind(parent)
    .bind(author)
    .bind(depth)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A number read as the owner, past every policy.
async fn owner_i64(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn owner_text(pool: &PgPool, sql: &str) -> String {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// A moderator's change to a post (pin, lock): the guard trigger refuses it even to the
/// owner, so fixtures make it as site staff.
async fn as_staff_exec(pool: &PgPool, sql: &str) {
    // As the owner with an admin's claims: the guard triggers ask the claims, and members'
    // sessions no longer hold every column right this arranges (pinning and locking go
    // through `app.moderate`).
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("select set_config('request.jwt.claims', $1, true)")
        .bind(
            json!({ "sub": Uuid::nil(), "role": "authenticated", "app_role": "admin" }).to_string(),
        )
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        sqlx::query(sql)
            .execute(&mut *tx)
            .await
            .unwrap()
            .rows_affected(),
        1,
        "{sql}"
    );
    tx.commit().await.unwrap();
}

/// An author's change to their own post (soft deletion), made as them.
pub(crate) async fn as_author_exec(pool: &PgPool, author: Uuid, sql: &str) {
    assert_eq!(
        run(pool, &as_member(author), sql).await.unwrap(),
        1,
        "{sql}"
    );
}

// ---------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------

/// A member's claims from a session that passed two-step sign-in (aal2), as staff and circle
/// moderators need for their powers; [`signed_in_aal1`] is the password-only session.
pub(crate) fn signed_in(id: Uuid, app_role: &str) -> RequestClaims {
    RequestClaims {
        role: DbRole::Authenticated,
        claims: json!({ "sub": id, "role": "authenticated", "app_role": app_role, "aal": "aal2" }),
    }
}

fn signed_in_aal1(id: Uuid) -> RequestClaims {
    RequestClaims {
        role: DbRole::Authenticated,
        claims: json!({ "sub": id, "role": "authenticated", "app_role": "member", "aal": "aal1" }),
    }
}

pub(crate) fn as_member(id: Uuid) -> RequestClaims {
    signed_in(id, "member")
}

/// `count(*)`-style query as the caller, rolled back.
pub(crate) async fn count(pool: &PgPool, who: &RequestClaims, sql: &str) -> i64 {
    try_count(pool, who, sql).await.unwrap()
}

pub(crate) async fn try_count(
    pool: &PgPool,
    who: &RequestClaims,
    sql: &str,
) -> Result<i64, sqlx::Error> {
    let mut tx = scoped::begin(pool, who).await?;
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await?;
    tx.rollback().await?;
    Ok(n)
}

/// Statements run in order in one transaction as the caller, committed if all succeed;
/// the rows each changed.
pub(crate) async fn run_all(
    pool: &PgPool,
    who: &RequestClaims,
    statements: &[&str],
) -> Result<Vec<u64>, sqlx::Error> {
    let mut tx = scoped::begin(pool, who).await?;
    let mut changed = Vec::with_capacity(statements.len());
    for sql in statements {
        changed.push(sqlx::query(sql).execute(&mut *tx).await?.rows_affected());
    }
    tx.commit().await?;
    Ok(changed)
}

/// One statement as the caller, committed; the rows it changed.
pub(crate) async fn run(pool: &PgPool, who: &RequestClaims, sql: &str) -> Result<u64, sqlx::Error> {
    run_all(pool, who, &[sql]).await.map(|changed| changed[0])
}

pub(crate) fn sqlstate(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned())
}

/// The database refused outright: a policy's WITH CHECK, a missing grant, or a guard
/// trigger (all SQLSTATE 42501).
#[track_caller]
pub(crate) fn assert_refused<T: std::fmt::Debug>(result: Result<T, sqlx::Error>, what: &str) {
    match result {
        Err(error) => assert_eq!(
            sqlstate(&error).as_deref(),
            Some("42501"),
            "{what}: refused, but not by RLS: {error}"
        ),
        Ok(value) => panic!("{what}: expected a refusal, got {value:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Reading: posts and comments follow their circle
// ---------------------------------------------------------------------------------------

/// A public, a members-only and a private circle with one post and one comment each, by an
/// author who belongs to all three.
struct ThreeCircles {
    author: Uuid,
    public_post: i64,
    members_post: i64,
    private_post: i64,
    private_circle: i64,
}

async fn three_circles(pool: &PgPool) -> ThreeCircles {
    let author = member(pool, "author").await;
    let public = circle(pool, "open-air", "public", false).await;
    let members = circle(pool, "members-room", "members", false).await;
    let private = circle(pool, "quiet-room", "private", false).await;
    for c in [public, members, private] {
        membership(pool, c, author, "member", "active").await;
    }
    let public_post = post(pool, public, author, "In the open").await;
    let members_post = post(pool, members, author, "For members").await;
    let private_post = post(pool, private, author, "Between us").await;
    for p in [public_post, members_post, private_post] {
        comment(pool, p, author, None, 0).await;
    }
    ThreeCircles {
        author,
        public_post,
        members_post,
        private_post,
        private_circle: private,
    }
}

/// Which of the three posts the caller can read, and how many comments.
async fn readable(pool: &PgPool, who: &RequestClaims) -> (Vec<i64>, i64) {
    let mut tx = scoped::begin(pool, who).await.unwrap();
    let posts: Vec<i64> = sqlx::query_scalar("select id from app.posts order by id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    let comments: i64 = sqlx::query_scalar("select count(*) from app.comments")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    (posts, comments)
}

#[tokio::test]
async fn visitors_read_public_circle_posts_and_comments_but_not_members_only_or_private_ones() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let (posts, comments) = readable(&pool, &RequestClaims::anonymous()).await;
    assert_eq!(posts, vec![world.public_post]);
    assert_eq!(comments, 1);
    // Asked for by id, the others still do not exist for a visitor.
    let sql = format!(
        "select count(*) from app.posts where id in ({}, {})",
        world.members_post, world.private_post
    );
    assert_eq!(count(&pool, &RequestClaims::anonymous(), &sql).await, 0);
    // Every circle's own row is readable, so a visitor can find a private one to ask to join.
    assert_eq!(
        count(
            &pool,
            &RequestClaims::anonymous(),
            "select count(*) from app.circles"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn a_signed_in_non_member_reads_members_only_posts_but_not_private_ones() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let outsider = member(&pool, "outsider").await;
    let (posts, comments) = readable(&pool, &as_member(outsider)).await;
    assert_eq!(posts, vec![world.public_post, world.members_post]);
    assert_eq!(comments, 2);
}

#[tokio::test]
async fn an_active_private_circle_member_reads_its_posts_and_a_pending_one_does_not() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let active = member(&pool, "active").await;
    let pending = member(&pool, "pending").await;
    membership(&pool, world.private_circle, active, "member", "active").await;
    membership(&pool, world.private_circle, pending, "member", "pending").await;

    let (posts, comments) = readable(&pool, &as_member(active)).await;
    assert_eq!(
        posts,
        vec![world.public_post, world.members_post, world.private_post]
    );
    assert_eq!(comments, 3);

    let (posts, comments) = readable(&pool, &as_member(pending)).await;
    assert_eq!(posts, vec![world.public_post, world.members_post]);
    assert_eq!(comments, 2);
}

#[tokio::test]
async fn site_staff_read_every_circle_and_a_member_claim_alone_does_not() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    three_circles(&pool).await;
    let staff = member(&pool, "steward").await;
    for role in ["moderator", "admin"] {
        let (posts, comments) = readable(&pool, &signed_in(staff, role)).await;
        assert_eq!(posts.len(), 3, "{role}");
        assert_eq!(comments, 3, "{role}");
    }
    let (posts, _) = readable(&pool, &signed_in(staff, "member")).await;
    assert_eq!(posts.len(), 2);
}

#[tokio::test]
async fn private_circle_memberships_are_hidden_from_outsiders_and_requests_from_other_members() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let asker = member(&pool, "asker").await;
    let insider = member(&pool, "insider").await;
    let moderator = member(&pool, "keeper").await;
    let outsider = member(&pool, "outsider").await;
    membership(&pool, world.private_circle, asker, "member", "pending").await;
    membership(&pool, world.private_circle, insider, "member", "active").await;
    membership(
        &pool,
        world.private_circle,
        moderator,
        "moderator",
        "active",
    )
    .await;
    let all = format!(
        "select count(*) from app.circle_members where circle_id = {}",
        world.private_circle
    );
    // Outsiders and visitors see nobody in a private circle.
    assert_eq!(count(&pool, &as_member(outsider), &all).await, 0);
    assert_eq!(count(&pool, &RequestClaims::anonymous(), &all).await, 0);
    // A member sees the active members, not the pending request.
    assert_eq!(count(&pool, &as_member(insider), &all).await, 3);
    // The asker sees their own request; the moderator sees everything.
    let asker_sees = count(&pool, &as_member(asker), &all).await;
    assert_eq!(asker_sees, 1);
    assert_eq!(count(&pool, &as_member(moderator), &all).await, 4);
}

// ---------------------------------------------------------------------------------------
// Writing posts
// ---------------------------------------------------------------------------------------

fn insert_post(circle: i64, author: Option<Uuid>, anonymous: bool) -> String {
    let author = author.map_or("null".to_owned(), |a| format!("'{a}'"));
    format!(
        "insert into app.posts (circle_id, author_id, is_anonymous, title, body, body_html)
         values ({circle}, {author}, {anonymous}, 'A title', 'A body', '<p>A body</p>')"
    )
}

#[tokio::test]
async fn members_post_only_in_circles_they_have_joined_and_only_as_themselves() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let joined = member(&pool, "joined").await;
    let stranger = member(&pool, "stranger").await;
    let pending = member(&pool, "waiting").await;
    let public = circle(&pool, "open-air", "public", false).await;
    let private = circle(&pool, "quiet-room", "private", false).await;
    membership(&pool, public, joined, "member", "active").await;
    membership(&pool, private, pending, "member", "pending").await;

    // Allowed: an active member, as themselves.
    assert_eq!(
        run(
            &pool,
            &as_member(joined),
            &insert_post(public, Some(joined), false)
        )
        .await
        .unwrap(),
        1
    );
    // Denied: a member who hasn't joined, a pending one, someone else's name, a visitor.
    assert_refused(
        run(
            &pool,
            &as_member(stranger),
            &insert_post(public, Some(stranger), false),
        )
        .await,
        "post in a circle not joined",
    );
    assert_refused(
        run(
            &pool,
            &as_member(pending),
            &insert_post(private, Some(pending), false),
        )
        .await,
        "post while the join request is pending",
    );
    assert_refused(
        run(
            &pool,
            &as_member(joined),
            &insert_post(public, Some(stranger), false),
        )
        .await,
        "post under someone else's author_id",
    );
    assert_refused(
        run(
            &pool,
            &RequestClaims::anonymous(),
            &insert_post(public, None, false),
        )
        .await,
        "visitor posting",
    );
    assert_eq!(
        owner_i64(&pool, "select count(*) from app.posts").await,
        1,
        "only the allowed post exists"
    );
}

#[tokio::test]
async fn anonymous_posts_are_possible_only_in_support_circles() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let writer = member(&pool, "writer").await;
    let support = circle(&pool, "heavy-days", "members", true).await;
    let ordinary = circle(&pool, "open-air", "public", false).await;
    membership(&pool, support, writer, "member", "active").await;
    membership(&pool, ordinary, writer, "member", "active").await;

    assert_eq!(
        run(&pool, &as_member(writer), &insert_post(support, None, true))
            .await
            .unwrap(),
        1
    );
    assert_refused(
        run(
            &pool,
            &as_member(writer),
            &insert_post(ordinary, None, true),
        )
        .await,
        "anonymous post outside a support circle",
    );
    // An "anonymous" post that names its author is refused too (policy or constraint).
    let named = run(
        &pool,
        &as_member(writer),
        &insert_post(support, Some(writer), true),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(sqlstate(&named).as_deref(), Some("42501" | "23514")),
        "{named}"
    );
    assert_eq!(owner_i64(&pool, "select count(*) from app.posts").await, 1);
}

/// A support circle with a writer, another member, a circle moderator and an outside staff
/// member, and one anonymous post the writer wrote (sealed as theirs).
struct SupportCircle {
    circle: i64,
    writer: Uuid,
    other: Uuid,
    moderator: Uuid,
    staff: Uuid,
    post: i64,
}

async fn support_circle(pool: &PgPool) -> SupportCircle {
    let writer = member(pool, "writer").await;
    let other = member(pool, "other").await;
    let moderator = member(pool, "keeper").await;
    let staff = member(pool, "steward").await;
    let circle = circle(pool, "heavy-days", "members", true).await;
    membership(pool, circle, writer, "member", "active").await;
    membership(pool, circle, other, "member", "active").await;
    membership(pool, circle, moderator, "moderator", "active").await;
    // The writer's own request: the post and its sealed author in one transaction.
    let mut tx = scoped::begin(pool, &as_member(writer)).await.unwrap();
    let post: i64 = sqlx::query_scalar(
        "insert into app.posts (circle_id, author_id, is_anonymous, title, body, body_html)
         values ($1, null, true, 'Heavy week', 'words', '<p>words</p>') returning id",
    )
    .bind(circle)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    sqlx::query("insert into app.anonymous_authors (post_id, author_id) values ($1, auth.uid())")
        .bind(post)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    SupportCircle {
        circle,
        writer,
        other,
        moderator,
        staff,
        post,
    }
}

#[tokio::test]
async fn only_the_author_and_the_circles_moderators_read_who_wrote_an_anonymous_post() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    let sealed = format!(
        "select count(*) from app.anonymous_authors where post_id = {}",
        world.post
    );
    // Allowed: the author, the circle's moderator, site staff.
    assert_eq!(count(&pool, &as_member(world.writer), &sealed).await, 1);
    assert_eq!(count(&pool, &as_member(world.moderator), &sealed).await, 1);
    assert_eq!(
        count(&pool, &signed_in(world.staff, "moderator"), &sealed).await,
        1
    );
    // Denied: another member of the same circle, and a visitor (no grant at all).
    assert_eq!(count(&pool, &as_member(world.other), &sealed).await, 0);
    assert_refused(
        try_count(&pool, &RequestClaims::anonymous(), &sealed).await,
        "visitor reading sealed authors",
    );
    // The post itself names nobody to other members.
    let author_id = format!(
        "select count(*) from app.posts where id = {} and author_id is null and is_anonymous",
        world.post
    );
    assert_eq!(count(&pool, &as_member(world.other), &author_id).await, 1);
    // Moderation of a different circle does not reach it.
    let elsewhere = circle(&pool, "other-room", "public", false).await;
    let other_moderator = member(&pool, "keeper2").await;
    membership(&pool, elsewhere, other_moderator, "moderator", "active").await;
    assert_eq!(count(&pool, &as_member(other_moderator), &sealed).await, 0);
}

#[tokio::test]
async fn nobody_claims_authorship_of_an_existing_anonymous_post() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    // An anonymous post with no sealed author (its author's account went, say).
    let unclaimed = anonymous_post(&pool, world.circle, None).await;
    let claim = |post: i64| {
        format!(
            "insert into app.anonymous_authors (post_id, author_id) values ({post}, auth.uid())"
        )
    };
    assert_refused(
        run(&pool, &as_member(world.other), &claim(unclaimed)).await,
        "claiming an older unclaimed anonymous post",
    );
    assert_refused(
        run(&pool, &as_member(world.other), &claim(world.post)).await,
        "claiming someone else's anonymous post",
    );
    // Not even for a post of their own written in an earlier transaction.
    run(
        &pool,
        &as_member(world.other),
        &insert_post(world.circle, None, true),
    )
    .await
    .unwrap();
    let own_earlier = owner_i64(&pool, "select max(id) from app.posts").await;
    assert_refused(
        run(&pool, &as_member(world.other), &claim(own_earlier)).await,
        "claiming a post from an earlier transaction",
    );
    // Nor in someone else's name.
    let for_writer = format!(
        "insert into app.anonymous_authors (post_id, author_id) values ({unclaimed}, '{}')",
        world.writer
    );
    assert_refused(
        run(&pool, &as_member(world.other), &for_writer).await,
        "sealing a post under someone else",
    );
    // Allowed: the post and its claim in one transaction.
    let fresh = run_all(
        &pool,
        &as_member(world.other),
        &[
            &insert_post(world.circle, None, true),
            "insert into app.anonymous_authors (post_id, author_id)
             select max(id), auth.uid() from app.posts",
        ],
    )
    .await
    .unwrap();
    assert_eq!(fresh, vec![1, 1]);
    let owners = owner_i64(
        &pool,
        &format!(
            "select count(*) from app.anonymous_authors where author_id = '{}'",
            world.other
        ),
    )
    .await;
    assert_eq!(owners, 1, "only the same-transaction claim landed");
}

// ---------------------------------------------------------------------------------------
// Anonymous replies: sealed like anonymous posts
// ---------------------------------------------------------------------------------------

/// A top-level reply on `post`, anonymous or signed as `author`, not yet sealed.
fn insert_reply(post: i64, author: Option<Uuid>, anonymous: bool) -> String {
    let author = author.map_or("null".to_owned(), |id| format!("'{id}'"));
    format!(
        "insert into app.comments (post_id, author_id, is_anonymous, body, body_html, depth)
         values ({post}, {author}, {anonymous}, 'with you', '<p>with you</p>', 0)"
    )
}

/// Seals the newest comment as the caller's: the claim the service makes with the comment.
const CLAIM_NEWEST_COMMENT: &str =
    "insert into app.anonymous_comment_authors (comment_id, author_id)
     select max(id), auth.uid() from app.comments";

/// An anonymous reply by `who` on `post`, written and sealed in one transaction as they are.
async fn anonymous_reply(pool: &PgPool, post: i64, who: Uuid) -> i64 {
    let written = run_all(
        pool,
        &as_member(who),
        &[&insert_reply(post, None, true), CLAIM_NEWEST_COMMENT],
    )
    .await
    .unwrap();
    assert_eq!(written, vec![1, 1]);
    owner_i64(pool, "select max(id) from app.comments").await
}

#[tokio::test]
async fn anonymous_replies_are_possible_only_in_support_circles_and_name_nobody() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    let ordinary = circle(&pool, "open-air", "public", false).await;
    membership(&pool, ordinary, world.other, "member", "active").await;
    let ordinary_post = post(&pool, ordinary, world.other, "Sunny").await;

    // Allowed: anonymously, with no author id, in the support circle.
    assert_eq!(
        run(
            &pool,
            &as_member(world.other),
            &insert_reply(world.post, None, true)
        )
        .await
        .unwrap(),
        1
    );
    // Denied: anonymously outside a support circle.
    assert_refused(
        run(
            &pool,
            &as_member(world.other),
            &insert_reply(ordinary_post, None, true),
        )
        .await,
        "anonymous reply outside a support circle",
    );
    // Denied: an "anonymous" reply that names its author (policy or constraint).
    let named = run(
        &pool,
        &as_member(world.other),
        &insert_reply(world.post, Some(world.other), true),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(sqlstate(&named).as_deref(), Some("42501" | "23514")),
        "{named}"
    );
    // Denied: a signed reply by nobody, or by someone else.
    assert_refused(
        run(
            &pool,
            &as_member(world.other),
            &insert_reply(world.post, None, false),
        )
        .await,
        "a signed reply with no author",
    );
    assert_refused(
        run(
            &pool,
            &as_member(world.other),
            &insert_reply(world.post, Some(world.writer), false),
        )
        .await,
        "a reply signed as someone else",
    );
    // Denied: an outsider, even anonymously.
    let outsider = member(&pool, "outsider").await;
    assert_refused(
        run(
            &pool,
            &as_member(outsider),
            &insert_reply(world.post, None, true),
        )
        .await,
        "anonymous reply by a non-member",
    );
    assert_eq!(
        owner_i64(&pool, "select count(*) from app.comments").await,
        1
    );
    assert_eq!(
        owner_i64(
            &pool,
            "select count(*) from app.comments where author_id is null and is_anonymous"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn only_the_author_and_the_circles_moderators_read_who_wrote_an_anonymous_reply() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    let reply = anonymous_reply(&pool, world.post, world.other).await;
    let sealed =
        format!("select count(*) from app.anonymous_comment_authors where comment_id = {reply}");
    // Allowed: the author, the circle's moderator, site staff.
    assert_eq!(count(&pool, &as_member(world.other), &sealed).await, 1);
    assert_eq!(count(&pool, &as_member(world.moderator), &sealed).await, 1);
    assert_eq!(
        count(&pool, &signed_in(world.staff, "moderator"), &sealed).await,
        1
    );
    // Denied: another member of the same circle (even the post's own author), a visitor (no
    // grant at all), and the moderator of another circle.
    assert_eq!(count(&pool, &as_member(world.writer), &sealed).await, 0);
    assert_refused(
        try_count(&pool, &RequestClaims::anonymous(), &sealed).await,
        "visitor reading sealed reply authors",
    );
    let elsewhere = circle(&pool, "other-room", "public", false).await;
    let other_moderator = member(&pool, "keeper2").await;
    membership(&pool, elsewhere, other_moderator, "moderator", "active").await;
    assert_eq!(count(&pool, &as_member(other_moderator), &sealed).await, 0);
    // The reply itself names nobody, to anyone.
    let named = format!(
        "select count(*) from app.comments where id = {reply} and author_id is null and is_anonymous"
    );
    assert_eq!(count(&pool, &as_member(world.writer), &named).await, 1);
    assert_eq!(count(&pool, &RequestClaims::anonymous(), &named).await, 0);
}

#[tokio::test]
async fn nobody_claims_authorship_of_someone_elses_or_an_earlier_anonymous_reply() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    let claim = |comment: i64| {
        format!(
            "insert into app.anonymous_comment_authors (comment_id, author_id)
             values ({comment}, auth.uid())"
        )
    };
    // Someone else's anonymous reply.
    let writers = anonymous_reply(&pool, world.post, world.writer).await;
    assert_refused(
        run(&pool, &as_member(world.other), &claim(writers)).await,
        "claiming someone else's anonymous reply",
    );
    // An anonymous reply nobody sealed (written by the owner: its author's account went).
    sqlx::query(&insert_reply(world.post, None, true))
        .execute(&pool)
        .await
        .unwrap();
    let unsealed = owner_i64(&pool, "select max(id) from app.comments").await;
    assert_refused(
        run(&pool, &as_member(world.other), &claim(unsealed)).await,
        "claiming an older unsealed anonymous reply",
    );
    // Their own anonymous reply, but from an earlier transaction.
    run(
        &pool,
        &as_member(world.other),
        &insert_reply(world.post, None, true),
    )
    .await
    .unwrap();
    let own_earlier = owner_i64(&pool, "select max(id) from app.comments").await;
    assert_refused(
        run(&pool, &as_member(world.other), &claim(own_earlier)).await,
        "claiming a reply from an earlier transaction",
    );
    // A signed reply written in the same transaction.
    assert_refused(
        run_all(
            &pool,
            &as_member(world.other),
            &[
                &insert_reply(world.post, Some(world.other), false),
                CLAIM_NEWEST_COMMENT,
            ],
        )
        .await,
        "sealing a signed reply",
    );
    // In someone else's name, in the same transaction.
    let for_writer = format!(
        "insert into app.anonymous_comment_authors (comment_id, author_id)
         select max(id), '{}' from app.comments",
        world.writer
    );
    assert_refused(
        run_all(
            &pool,
            &as_member(world.other),
            &[&insert_reply(world.post, None, true), &for_writer],
        )
        .await,
        "sealing a reply under someone else",
    );
    // Allowed: the reply and its claim in one transaction.
    let mine = anonymous_reply(&pool, world.post, world.other).await;
    let owners = owner_i64(
        &pool,
        &format!(
            "select count(*) from app.anonymous_comment_authors where author_id = '{}'",
            world.other
        ),
    )
    .await;
    assert_eq!(owners, 1, "only the same-transaction claim landed");
    let sealed_as = owner_text(
        &pool,
        &format!(
            "select author_id::text from app.anonymous_comment_authors where comment_id = {mine}"
        ),
    )
    .await;
    assert_eq!(sealed_as, world.other.to_string());
}

#[tokio::test]
async fn only_its_author_edits_or_deletes_an_anonymous_reply_and_it_stays_anonymous() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    let reply = anonymous_reply(&pool, world.post, world.other).await;
    let rewrite =
        format!("update app.comments set body = 'Hijacked', edited_at = now() where id = {reply}");
    let body_now = format!("select body from app.comments where id = {reply}");
    // Denied: another member (the post's author too), the circle's moderator.
    for who in [world.writer, world.moderator] {
        assert_eq!(run(&pool, &as_member(who), &rewrite).await.unwrap(), 0);
    }
    assert_eq!(owner_text(&pool, &body_now).await, "with you");
    // Denied: unsealing or handing it to someone (no grant on either column).
    assert_refused(
        run(
            &pool,
            &as_member(world.other),
            &format!("update app.comments set is_anonymous = false where id = {reply}"),
        )
        .await,
        "unsealing an anonymous reply",
    );
    assert_refused(
        run(
            &pool,
            &as_member(world.other),
            &format!(
                "update app.comments set author_id = '{}' where id = {reply}",
                world.other
            ),
        )
        .await,
        "signing an anonymous reply",
    );
    // Allowed: the author edits (the old text kept for moderators) and deletes.
    let edit = format!(
        "update app.comments set body = 'still with you', edited_at = now() where id = {reply}"
    );
    assert_eq!(run(&pool, &as_member(world.other), &edit).await.unwrap(), 1);
    assert_eq!(owner_text(&pool, &body_now).await, "still with you");
    let history = format!("select count(*) from app.comment_revisions where comment_id = {reply}");
    assert_eq!(count(&pool, &as_member(world.moderator), &history).await, 1);
    let comments_before = owner_i64(
        &pool,
        &format!(
            "select comment_count::bigint from app.posts where id = {}",
            world.post
        ),
    )
    .await;
    let delete = format!(
        "update app.comments set body = '', body_html = '', deleted_at = now() where id = {reply}"
    );
    assert_eq!(
        run(&pool, &as_member(world.other), &delete).await.unwrap(),
        1
    );
    let comments_after = owner_i64(
        &pool,
        &format!(
            "select comment_count::bigint from app.posts where id = {}",
            world.post
        ),
    )
    .await;
    assert_eq!(comments_after, comments_before - 1, "the counter follows");
    let still = format!(
        "select count(*) from app.comments where id = {reply} and author_id is null and is_anonymous"
    );
    assert_eq!(owner_i64(&pool, &still).await, 1);
}

#[tokio::test]
async fn original_poster_is_told_only_for_the_anonymous_posts_own_anonymous_replies() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = support_circle(&pool).await;
    let by_writer = anonymous_reply(&pool, world.post, world.writer).await;
    // Another member's anonymous reply, which must not be marked.
    anonymous_reply(&pool, world.post, world.other).await;
    // A signed reply by the writer says nothing either (it already names them).
    run(
        &pool,
        &as_member(world.writer),
        &insert_reply(world.post, Some(world.writer), false),
    )
    .await
    .unwrap();
    let marked = |who: &RequestClaims, post: i64| {
        let (pool, who) = (pool.clone(), who.clone());
        async move {
            let mut tx = scoped::begin(&pool, &who).await.unwrap();
            let found: String = sqlx::query_scalar(&format!(
                "select app.original_poster_reply_ids({post})::text"
            ))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            tx.rollback().await.unwrap();
            found
        }
    };
    let expected = format!("{{{by_writer}}}");
    assert_eq!(marked(&as_member(world.other), world.post).await, expected);
    assert_eq!(
        marked(&as_member(world.moderator), world.post).await,
        expected
    );
    // Denied: a caller who cannot read the circle (members-only, so a visitor).
    assert_eq!(marked(&RequestClaims::anonymous(), world.post).await, "{}");
    // A post that names its author: their anonymous reply must stay unlinked from them.
    let named_post = post(&pool, world.circle, world.writer, "Signed").await;
    anonymous_reply(&pool, named_post, world.writer).await;
    assert_eq!(marked(&as_member(world.other), named_post).await, "{}");
    // A deleted reply is no longer marked.
    run(
        &pool,
        &as_member(world.writer),
        &format!("update app.comments set body = '', body_html = '', deleted_at = now() where id = {by_writer}"),
    )
    .await
    .unwrap();
    assert_eq!(marked(&as_member(world.other), world.post).await, "{}");
}

// ---------------------------------------------------------------------------------------
// Changing posts: authors edit, circle moderators pin and lock
// ---------------------------------------------------------------------------------------

/// A public circle with an author, another member and a circle moderator; one post and one
/// comment by the author.
struct OneThread {
    circle: i64,
    author: Uuid,
    other: Uuid,
    moderator: Uuid,
    post: i64,
    comment: i64,
}

async fn one_thread(pool: &PgPool) -> OneThread {
    let author = member(pool, "author").await;
    let other = member(pool, "other").await;
    let moderator = member(pool, "keeper").await;
    let circle = circle(pool, "open-air", "public", false).await;
    membership(pool, circle, author, "member", "active").await;
    membership(pool, circle, other, "member", "active").await;
    membership(pool, circle, moderator, "moderator", "active").await;
    let post = post(pool, circle, author, "Original title").await;
    let comment = comment(pool, post, author, None, 0).await;
    OneThread {
        circle,
        author,
        other,
        moderator,
        post,
        comment,
    }
}

#[tokio::test]
async fn a_member_cannot_edit_or_delete_another_members_post() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    let p = world.post;
    let retitle = format!("update app.posts set title = 'Hijacked' where id = {p}");
    let soft_delete = format!("update app.posts set deleted_at = now() where id = {p}");
    let hard_delete = format!("delete from app.posts where id = {p}");

    assert_eq!(
        run(&pool, &as_member(world.other), &retitle).await.unwrap(),
        0
    );
    assert_eq!(
        run(&pool, &as_member(world.other), &soft_delete)
            .await
            .unwrap(),
        0
    );
    assert_refused(
        run(&pool, &as_member(world.other), &hard_delete).await,
        "deleting a post row",
    );
    // A circle moderator sees the row (to pin and lock it) but the guard keeps the text,
    // as written and as rendered, the author's.
    let rerender = format!(
        "update app.posts set body_html = '<p>Words the author never wrote</p>', edited_at = now() where id = {p}"
    );
    let staff = member(&pool, "steward").await;
    for who in [as_member(world.moderator), signed_in(staff, "admin")] {
        assert_refused(
            run(&pool, &who, &retitle).await,
            "moderator rewriting a member's post",
        );
        assert_refused(
            run(&pool, &who, &rerender).await,
            "moderator rewriting a member's rendered post",
        );
        assert_refused(
            run(&pool, &who, &soft_delete).await,
            "moderator deleting a member's post as if its author",
        );
    }
    let html_now = format!("select body_html from app.posts where id = {p}");
    assert_eq!(owner_text(&pool, &html_now).await, "<p>words</p>");
    let title_now = format!("select title from app.posts where id = {p}");
    assert_eq!(owner_text(&pool, &title_now).await, "Original title");

    // Allowed: the author.
    let own =
        format!("update app.posts set title = 'Better title', edited_at = now() where id = {p}");
    assert_eq!(run(&pool, &as_member(world.author), &own).await.unwrap(), 1);
    assert_eq!(owner_text(&pool, &title_now).await, "Better title");
    assert_eq!(
        run(&pool, &as_member(world.author), &soft_delete)
            .await
            .unwrap(),
        1
    );
    // Once deleted, nothing changes any more.
    assert_refused(
        run(&pool, &as_member(world.author), &retitle).await,
        "editing a deleted post",
    );
}

#[tokio::test]
async fn a_member_cannot_edit_or_delete_another_members_comment() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    let c = world.comment;
    let rewrite = format!("update app.comments set body = 'Hijacked' where id = {c}");
    let soft_delete = format!("update app.comments set deleted_at = now() where id = {c}");
    assert_eq!(
        run(&pool, &as_member(world.other), &rewrite).await.unwrap(),
        0
    );
    assert_eq!(
        run(&pool, &as_member(world.other), &soft_delete)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        run(&pool, &as_member(world.moderator), &rewrite)
            .await
            .unwrap(),
        0
    );
    assert_refused(
        run(
            &pool,
            &as_member(world.other),
            &format!("delete from app.comments where id = {c}"),
        )
        .await,
        "deleting a comment row",
    );
    let body_now = format!("select body from app.comments where id = {c}");
    assert_eq!(owner_text(&pool, &body_now).await, "kind words");
    // A comment cannot be moved to someone else either.
    assert_refused(
        run(
            &pool,
            &as_member(world.author),
            &format!(
                "update app.comments set author_id = '{}' where id = {c}",
                world.other
            ),
        )
        .await,
        "handing a comment to someone else",
    );
    // Allowed: the author.
    let own =
        format!("update app.comments set body = 'kinder words', edited_at = now() where id = {c}");
    assert_eq!(run(&pool, &as_member(world.author), &own).await.unwrap(), 1);
    assert_eq!(owner_text(&pool, &body_now).await, "kinder words");
}

#[tokio::test]
async fn only_circle_moderators_and_staff_pin_and_lock_posts() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    let p = world.post;
    // Pinning and locking are moderation actions: `app.moderate` guards, changes and logs.
    let pin = format!("select app.moderate('pin', {p}, null, 'Keep it in view')");
    let lock = format!("select app.moderate('lock', {p}, null, 'Quiet for now')");
    let direct = format!("update app.posts set pinned = true where id = {p}");
    // Nobody's session changes the columns directly any more, the circle's moderator included.
    assert_refused(
        run(&pool, &as_member(world.moderator), &direct).await,
        "pinning by a direct update",
    );
    // The author may edit the post but not pin or lock it.
    assert_refused(
        run(&pool, &as_member(world.author), &pin).await,
        "author pinning",
    );
    assert_refused(
        run(&pool, &as_member(world.author), &lock).await,
        "author locking",
    );
    // Another member neither.
    assert_refused(
        run(&pool, &as_member(world.other), &pin).await,
        "another member pinning",
    );
    // A moderator of another circle neither.
    let elsewhere = circle(&pool, "other-room", "public", false).await;
    let other_moderator = member(&pool, "keeper2").await;
    membership(&pool, elsewhere, other_moderator, "moderator", "active").await;
    assert_refused(
        run(&pool, &as_member(other_moderator), &pin).await,
        "another circle's moderator pinning",
    );
    let state =
        format!("select (pinned::int * 10 + locked::int)::bigint from app.posts where id = {p}");
    assert_eq!(owner_i64(&pool, &state).await, 0);

    // Denied: the circle's moderator from a session without a second factor.
    assert_refused(
        run(&pool, &signed_in_aal1(world.moderator), &pin).await,
        "a moderator without a second factor pinning",
    );
    assert_eq!(
        count(
            &pool,
            &signed_in_aal1(world.moderator),
            &format!("select count(*) from app.posts where id = {p} and circle_id = any (app.moderated_circle_ids())")
        )
        .await,
        0
    );

    // Allowed: the circle's moderator (after two-step sign-in), and site staff.
    assert_eq!(
        run(&pool, &as_member(world.moderator), &pin).await.unwrap(),
        1
    );
    let staff = member(&pool, "steward").await;
    assert_eq!(
        run(&pool, &signed_in(staff, "moderator"), &lock)
            .await
            .unwrap(),
        1
    );
    assert_eq!(owner_i64(&pool, &state).await, 11);
}

#[tokio::test]
async fn edits_keep_revisions_that_only_the_circles_moderators_read() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    run(
        &pool,
        &as_member(world.author),
        &format!(
            "update app.posts set title = 'Second thoughts', edited_at = now() where id = {}",
            world.post
        ),
    )
    .await
    .unwrap();
    run(
        &pool,
        &as_member(world.author),
        &format!(
            "update app.comments set body = 'second words', edited_at = now() where id = {}",
            world.comment
        ),
    )
    .await
    .unwrap();
    // The earlier versions were kept.
    assert_eq!(
        owner_text(&pool, "select title from app.post_revisions").await,
        "Original title"
    );
    assert_eq!(
        owner_text(&pool, "select body from app.comment_revisions").await,
        "kind words"
    );
    let post_history = "select count(*) from app.post_revisions";
    let comment_history = "select count(*) from app.comment_revisions";
    // Allowed: the circle's moderator.
    assert_eq!(
        count(&pool, &as_member(world.moderator), post_history).await,
        1
    );
    assert_eq!(
        count(&pool, &as_member(world.moderator), comment_history).await,
        1
    );
    // Denied: other members, the author too, and visitors.
    for who in [world.other, world.author] {
        assert_eq!(count(&pool, &as_member(who), post_history).await, 0);
        assert_eq!(count(&pool, &as_member(who), comment_history).await, 0);
    }
    assert_refused(
        try_count(&pool, &RequestClaims::anonymous(), post_history).await,
        "visitor reading history",
    );
    // Nobody writes history by hand.
    assert_refused(
        run(
            &pool,
            &as_member(world.moderator),
            &format!(
                "insert into app.post_revisions (post_id, title, body, written_at) values ({}, 'x', 'x', now())",
                world.post
            ),
        )
        .await,
        "forging a revision",
    );
}

// ---------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------

fn insert_comment(post: i64, author: Uuid, parent: Option<i64>, depth: i32) -> String {
    let parent = parent.map_or("null".to_owned(), |p| p.to_string());
    format!(
        "insert into app.comments (post_id, parent_id, author_id, body, body_html, depth)
         values ({post}, {parent}, '{author}', 'hello', '<p>hello</p>', {depth})"
    )
}

#[tokio::test]
async fn comments_need_an_active_membership_and_the_commenters_own_id() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let outsider = member(&pool, "outsider").await;
    let pending = member(&pool, "waiting").await;
    membership(&pool, world.private_circle, pending, "member", "pending").await;
    assert_eq!(
        run(
            &pool,
            &as_member(world.author),
            &insert_comment(world.public_post, world.author, None, 0)
        )
        .await
        .unwrap(),
        1
    );
    assert_refused(
        run(
            &pool,
            &as_member(outsider),
            &insert_comment(world.public_post, outsider, None, 0),
        )
        .await,
        "commenting in a circle not joined",
    );
    assert_refused(
        run(
            &pool,
            &as_member(pending),
            &insert_comment(world.private_post, pending, None, 0),
        )
        .await,
        "commenting while pending",
    );
    assert_refused(
        run(
            &pool,
            &as_member(world.author),
            &insert_comment(world.public_post, outsider, None, 0),
        )
        .await,
        "commenting under someone else's id",
    );
}

#[tokio::test]
async fn comments_on_locked_or_deleted_posts_are_refused() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    let who = as_member(world.other);
    let open = post(&pool, world.circle, world.author, "Still open").await;
    assert_eq!(
        run(&pool, &who, &insert_comment(open, world.other, None, 0))
            .await
            .unwrap(),
        1
    );
    as_staff_exec(
        &pool,
        &format!(
            "update app.posts set locked = true where id = {}",
            world.post
        ),
    )
    .await;
    assert_refused(
        run(
            &pool,
            &who,
            &insert_comment(world.post, world.other, None, 0),
        )
        .await,
        "commenting on a locked post",
    );
    as_author_exec(
        &pool,
        world.author,
        &format!("update app.posts set deleted_at = now() where id = {open}"),
    )
    .await;
    assert_refused(
        run(&pool, &who, &insert_comment(open, world.other, None, 0)).await,
        "commenting on a deleted post",
    );
}

#[tokio::test]
async fn a_reply_sits_exactly_one_level_below_its_parent_on_the_same_post() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    let who = as_member(world.other);
    let me = world.other;
    let parent = world.comment; // depth 0 on world.post
    let other_post = post(&pool, world.circle, world.author, "Elsewhere").await;

    assert_eq!(
        run(
            &pool,
            &who,
            &insert_comment(world.post, me, Some(parent), 1)
        )
        .await
        .unwrap(),
        1
    );
    for (post, depth, what) in [
        (world.post, 0, "a reply claiming to be top-level"),
        (world.post, 2, "a reply skipping a level"),
        (other_post, 1, "a reply to a comment on another post"),
    ] {
        assert_refused(
            run(&pool, &who, &insert_comment(post, me, Some(parent), depth)).await,
            what,
        );
    }
    // Top-level comments are depth 0, and only 0.
    assert_eq!(
        run(&pool, &who, &insert_comment(world.post, me, None, 0))
            .await
            .unwrap(),
        1
    );
    assert_refused(
        run(&pool, &who, &insert_comment(world.post, me, None, 3)).await,
        "a top-level comment with a depth",
    );
}

// ---------------------------------------------------------------------------------------
// Reactions, bookmarks, follows
// ---------------------------------------------------------------------------------------

fn react(post: i64, user: Uuid, kind: &str) -> String {
    format!(
        "insert into app.post_reactions (post_id, user_id, kind) values ({post}, '{user}', '{kind}')"
    )
}

fn react_comment(comment: i64, user: Uuid, kind: &str) -> String {
    format!(
        "insert into app.comment_reactions (comment_id, user_id, kind) values ({comment}, '{user}', '{kind}')"
    )
}

#[tokio::test]
async fn reactions_are_one_of_each_kind_and_only_from_active_members() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let outsider = member(&pool, "outsider").await;
    let pending = member(&pool, "waiting").await;
    membership(&pool, world.private_circle, pending, "member", "pending").await;
    let me = as_member(world.author);
    let p = world.public_post;
    let c = owner_i64(
        &pool,
        &format!("select id from app.comments where post_id = {p}"),
    )
    .await;

    // One of each kind.
    assert_eq!(
        run(&pool, &me, &react(p, world.author, "support"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        run(&pool, &me, &react(p, world.author, "hug"))
            .await
            .unwrap(),
        1
    );
    let twice = run(&pool, &me, &react(p, world.author, "support"))
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&twice).as_deref(), Some("23505"), "{twice}");
    assert_eq!(
        run(&pool, &me, &react_comment(c, world.author, "grateful"))
            .await
            .unwrap(),
        1
    );
    let twice = run(&pool, &me, &react_comment(c, world.author, "grateful"))
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&twice).as_deref(), Some("23505"), "{twice}");
    // No other kinds exist (no downvotes).
    let odd = run(&pool, &me, &react(p, world.author, "downvote"))
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&odd).as_deref(), Some("23514"), "{odd}");

    // Only active members: not an outsider (even of a public circle), not a pending member,
    // not in someone else's name.
    assert_refused(
        run(&pool, &as_member(outsider), &react(p, outsider, "support")).await,
        "outsider reacting",
    );
    assert_refused(
        run(
            &pool,
            &as_member(outsider),
            &react_comment(c, outsider, "support"),
        )
        .await,
        "outsider reacting to a comment",
    );
    assert_refused(
        run(
            &pool,
            &as_member(pending),
            &react(world.private_post, pending, "support"),
        )
        .await,
        "pending member reacting",
    );
    assert_refused(
        run(&pool, &me, &react(p, outsider, "grateful")).await,
        "reacting in someone else's name",
    );
    assert_eq!(
        owner_i64(&pool, "select count(*) from app.post_reactions").await,
        2
    );
}

#[tokio::test]
async fn members_see_and_remove_only_their_own_reactions_bookmarks_and_follows() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = one_thread(&pool).await;
    for who in [world.author, world.other] {
        run_all(
            &pool,
            &as_member(who),
            &[
                &react(world.post, who, "support"),
                &react_comment(world.comment, who, "hug"),
                &format!(
                    "insert into app.bookmarks (user_id, post_id) values ('{who}', {})",
                    world.post
                ),
                &format!(
                    "insert into app.circle_follows (user_id, circle_id) values ('{who}', {})",
                    world.circle
                ),
            ],
        )
        .await
        .unwrap();
    }
    let me = as_member(world.author);
    for table in [
        "app.post_reactions",
        "app.comment_reactions",
        "app.bookmarks",
        "app.circle_follows",
    ] {
        let all = format!("select count(*) from {table}");
        assert_eq!(owner_i64(&pool, &all).await, 2, "{table}");
        assert_eq!(count(&pool, &me, &all).await, 1, "{table}: own row only");
        let theirs = format!(
            "select count(*) from {table} where user_id = '{}'",
            world.other
        );
        assert_eq!(count(&pool, &me, &theirs).await, 0, "{table}");
        // Removing someone else's touches nothing; removing one's own works.
        let remove_theirs = format!("delete from {table} where user_id = '{}'", world.other);
        assert_eq!(run(&pool, &me, &remove_theirs).await.unwrap(), 0, "{table}");
        let remove_mine = format!("delete from {table} where user_id = '{}'", world.author);
        assert_eq!(run(&pool, &me, &remove_mine).await.unwrap(), 1, "{table}");
        assert_eq!(owner_i64(&pool, &all).await, 1, "{table}");
        // Visitors see none at all (they may ask, so pages can ask "did the viewer react?").
        assert_eq!(
            count(&pool, &RequestClaims::anonymous(), &all).await,
            0,
            "{table}"
        );
    }
}

#[tokio::test]
async fn bookmarks_are_only_of_live_posts_the_member_can_read() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let reader = member(&pool, "reader").await;
    let who = as_member(reader);
    let bookmark = |user: Uuid, post: i64| {
        format!("insert into app.bookmarks (user_id, post_id) values ('{user}', {post})")
    };
    // Allowed: readable posts, joined or not.
    assert_eq!(
        run(&pool, &who, &bookmark(reader, world.public_post))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        run(&pool, &who, &bookmark(reader, world.members_post))
            .await
            .unwrap(),
        1
    );
    // Denied: a private circle's post, a deleted post, someone else's list.
    assert_refused(
        run(&pool, &who, &bookmark(reader, world.private_post)).await,
        "bookmarking an unreadable post",
    );
    as_author_exec(
        &pool,
        world.author,
        &format!(
            "update app.posts set deleted_at = now() where id = {}",
            world.members_post
        ),
    )
    .await;
    sqlx::query("delete from app.bookmarks")
        .execute(&pool)
        .await
        .unwrap();
    assert_refused(
        run(&pool, &who, &bookmark(reader, world.members_post)).await,
        "bookmarking a deleted post",
    );
    assert_refused(
        run(&pool, &who, &bookmark(world.author, world.public_post)).await,
        "bookmarking for someone else",
    );
}

#[tokio::test]
async fn members_follow_only_circles_they_can_read_and_only_for_themselves() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    let reader = member(&pool, "reader").await;
    let who = as_member(reader);
    let public: i64 = owner_i64(&pool, "select id from app.circles where slug = 'open-air'").await;
    let follow = |user: Uuid, circle: i64| {
        format!("insert into app.circle_follows (user_id, circle_id) values ('{user}', {circle})")
    };
    assert_eq!(run(&pool, &who, &follow(reader, public)).await.unwrap(), 1);
    assert_refused(
        run(&pool, &who, &follow(reader, world.private_circle)).await,
        "following an unreadable private circle",
    );
    assert_refused(
        run(&pool, &who, &follow(world.author, public)).await,
        "following for someone else",
    );
}

// ---------------------------------------------------------------------------------------
// Circles and memberships
// ---------------------------------------------------------------------------------------

fn join(circle: i64, user: Uuid, status: &str) -> String {
    format!(
        "insert into app.circle_members (circle_id, user_id, status) values ({circle}, '{user}', '{status}')"
    )
}

#[tokio::test]
async fn joining_a_private_circle_is_only_a_request_that_its_moderators_answer() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let asker = member(&pool, "asker").await;
    let insider = member(&pool, "insider").await;
    let moderator = member(&pool, "keeper").await;
    let private = circle(&pool, "quiet-room", "private", false).await;
    let public = circle(&pool, "open-air", "public", false).await;
    membership(&pool, private, insider, "member", "active").await;
    membership(&pool, private, moderator, "moderator", "active").await;
    let who = as_member(asker);

    assert_refused(
        run(&pool, &who, &join(private, asker, "active")).await,
        "walking into a private circle",
    );
    assert_refused(
        run(&pool, &who, &join(public, asker, "pending")).await,
        "a pending request to an open circle",
    );
    assert_refused(
        run(&pool, &who, &join(public, insider, "active")).await,
        "joining someone else up",
    );
    assert_refused(
        run(
            &pool,
            &who,
            &format!(
                "insert into app.circle_members (circle_id, user_id, role) values ({public}, '{asker}', 'moderator')"
            ),
        )
        .await,
        "joining as a moderator",
    );
    assert_eq!(
        run(&pool, &who, &join(public, asker, "active"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        run(&pool, &who, &join(private, asker, "pending"))
            .await
            .unwrap(),
        1
    );

    let approve = format!(
        "update app.circle_members set status = 'active' where circle_id = {private} and user_id = '{asker}'"
    );
    let promote = format!(
        "update app.circle_members set role = 'moderator' where circle_id = {public} and user_id = '{asker}'"
    );
    // Neither the asker, nor an ordinary member, approves; nobody promotes themselves.
    assert_eq!(run(&pool, &who, &approve).await.unwrap(), 0);
    assert_eq!(run(&pool, &as_member(insider), &approve).await.unwrap(), 0);
    assert_eq!(run(&pool, &who, &promote).await.unwrap(), 0);
    let status = format!(
        "select status from app.circle_members where circle_id = {private} and user_id = '{asker}'"
    );
    assert_eq!(owner_text(&pool, &status).await, "pending");
    // The circle's moderator does.
    assert_eq!(
        run(&pool, &as_member(moderator), &approve).await.unwrap(),
        1
    );
    assert_eq!(owner_text(&pool, &status).await, "active");
}

#[tokio::test]
async fn members_leave_circles_and_only_moderators_remove_others() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let leaver = member(&pool, "leaver").await;
    let stayer = member(&pool, "stayer").await;
    let moderator = member(&pool, "keeper").await;
    let public = circle(&pool, "open-air", "public", false).await;
    for (user, role) in [
        (leaver, "member"),
        (stayer, "member"),
        (moderator, "moderator"),
    ] {
        membership(&pool, public, user, role, "active").await;
    }
    let remove = |user: Uuid| {
        format!("delete from app.circle_members where circle_id = {public} and user_id = '{user}'")
    };
    assert_eq!(
        run(&pool, &as_member(leaver), &remove(stayer))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        run(&pool, &as_member(leaver), &remove(leaver))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        run(&pool, &as_member(moderator), &remove(stayer))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        owner_i64(&pool, "select count(*) from app.circle_members").await,
        1
    );
}

#[tokio::test]
async fn only_site_admins_create_circles_and_only_circle_moderators_edit_them() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let someone = member(&pool, "someone").await;
    let admin = member(&pool, "chief").await;
    let create = |slug: &str, by: Uuid| {
        format!(
            "insert into app.circles (slug, name, created_by) values ('{slug}', 'A circle', '{by}')"
        )
    };
    assert_refused(
        run(&pool, &as_member(someone), &create("by-member", someone)).await,
        "a member creating a circle",
    );
    assert_refused(
        run(
            &pool,
            &signed_in(someone, "moderator"),
            &create("by-moderator", someone),
        )
        .await,
        "a site moderator creating a circle",
    );
    assert_refused(
        run(
            &pool,
            &signed_in(admin, "admin"),
            &create("in-their-name", someone),
        )
        .await,
        "an admin creating a circle in someone else's name",
    );
    assert_eq!(
        run(
            &pool,
            &signed_in(admin, "admin"),
            &create("by-admin", admin)
        )
        .await
        .unwrap(),
        1
    );
    assert_eq!(
        owner_i64(&pool, "select count(*) from app.circles").await,
        1
    );

    let circle_id = owner_i64(&pool, "select id from app.circles").await;
    let describe =
        format!("update app.circles set description = 'Kind words' where id = {circle_id}");
    assert_eq!(run(&pool, &as_member(someone), &describe).await.unwrap(), 0);
    membership(&pool, circle_id, someone, "moderator", "active").await;
    assert_eq!(run(&pool, &as_member(someone), &describe).await.unwrap(), 1);
    // Counters are not anyone's to set.
    assert_refused(
        run(
            &pool,
            &as_member(someone),
            &format!("update app.circles set member_count = 1000 where id = {circle_id}"),
        )
        .await,
        "setting a counter",
    );
}

#[tokio::test]
async fn members_edit_their_own_practitioner_details_and_nobody_verifies_themselves() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let me = member(&pool, "healer").await;
    let other = member(&pool, "other").await;
    let who = as_member(me);
    let details = |user: Uuid| {
        format!(
            "update app.profiles set interests = '{{yoga}}', credentials = 'RYT 200' where user_id = '{user}'"
        )
    };
    assert_eq!(run(&pool, &who, &details(me)).await.unwrap(), 1);
    assert_eq!(run(&pool, &who, &details(other)).await.unwrap(), 0);
    for role in ["member", "moderator", "admin"] {
        assert_refused(
            run(
                &pool,
                &signed_in(me, role),
                &format!("update app.profiles set is_verified = true where user_id = '{me}'"),
            )
            .await,
            "setting one's own verified badge",
        );
    }
    let (credentials, verified): (String, bool) =
        sqlx::query_as("select credentials, is_verified from app.profiles where user_id = $1")
            .bind(me)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((credentials.as_str(), verified), ("RYT 200", false));
}

// ---------------------------------------------------------------------------------------
// Counters
// ---------------------------------------------------------------------------------------

async fn counters(pool: &PgPool, sql: &str) -> Vec<i32> {
    let row: Vec<i32> = sqlx::query_scalar(sql).fetch_one(pool).await.unwrap();
    row
}

#[tokio::test]
async fn counters_follow_memberships_posts_comments_and_reactions() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = member(&pool, "alder").await;
    let b = member(&pool, "birch").await;
    let m = member(&pool, "keeper").await;
    let public = circle(&pool, "open-air", "public", false).await;
    let private = circle(&pool, "quiet-room", "private", false).await;
    membership(&pool, private, m, "moderator", "active").await;
    let circle_counts =
        format!("select array[member_count, post_count] from app.circles where id = {public}");

    // Memberships, as the members themselves.
    run(&pool, &as_member(a), &join(public, a, "active"))
        .await
        .unwrap();
    run(&pool, &as_member(b), &join(public, b, "active"))
        .await
        .unwrap();
    assert_eq!(counters(&pool, &circle_counts).await, vec![2, 0]);
    run(
        &pool,
        &as_member(b),
        &format!("delete from app.circle_members where user_id = '{b}'"),
    )
    .await
    .unwrap();
    assert_eq!(counters(&pool, &circle_counts).await, vec![1, 0]);
    // A pending request does not count; its approval does.
    let private_members =
        format!("select array[member_count] from app.circles where id = {private}");
    assert_eq!(counters(&pool, &private_members).await, vec![1]);
    run(&pool, &as_member(b), &join(private, b, "pending"))
        .await
        .unwrap();
    assert_eq!(counters(&pool, &private_members).await, vec![1]);
    run(
        &pool,
        &as_member(m),
        &format!("update app.circle_members set status = 'active' where user_id = '{b}'"),
    )
    .await
    .unwrap();
    assert_eq!(counters(&pool, &private_members).await, vec![2]);

    // Posts: written and (softly) deleted by their author.
    let who = as_member(a);
    run(&pool, &who, &insert_post(public, Some(a), false))
        .await
        .unwrap();
    run(&pool, &who, &insert_post(public, Some(a), false))
        .await
        .unwrap();
    assert_eq!(counters(&pool, &circle_counts).await, vec![1, 2]);
    let last = owner_i64(&pool, "select max(id) from app.posts").await;
    let first = owner_i64(&pool, "select min(id) from app.posts").await;
    run(
        &pool,
        &who,
        &format!("update app.posts set deleted_at = now() where id = {last}"),
    )
    .await
    .unwrap();
    assert_eq!(counters(&pool, &circle_counts).await, vec![1, 1]);

    // Comments and reactions on the remaining post.
    let post_counts = format!(
        "select array[comment_count, support_count, grateful_count, insightful_count, hug_count]
           from app.posts where id = {first}"
    );
    run(&pool, &who, &insert_comment(first, a, None, 0))
        .await
        .unwrap();
    let top = owner_i64(&pool, "select max(id) from app.comments").await;
    run(&pool, &who, &insert_comment(first, a, Some(top), 1))
        .await
        .unwrap();
    assert_eq!(counters(&pool, &post_counts).await, vec![2, 0, 0, 0, 0]);
    run(
        &pool,
        &who,
        &format!("update app.comments set deleted_at = now() where id = {top}"),
    )
    .await
    .unwrap();
    assert_eq!(counters(&pool, &post_counts).await, vec![1, 0, 0, 0, 0]);

    for kind in ["support", "grateful", "insightful", "hug"] {
        run(&pool, &who, &react(first, a, kind)).await.unwrap();
    }
    assert_eq!(counters(&pool, &post_counts).await, vec![1, 1, 1, 1, 1]);
    run(
        &pool,
        &who,
        &format!(
            "delete from app.post_reactions where post_id = {first} and kind in ('support', 'hug')"
        ),
    )
    .await
    .unwrap();
    assert_eq!(counters(&pool, &post_counts).await, vec![1, 0, 1, 1, 0]);

    let reply = owner_i64(&pool, "select max(id) from app.comments").await;
    let comment_counts = format!(
        "select array[support_count, grateful_count, insightful_count, hug_count]
           from app.comments where id = {reply}"
    );
    run(&pool, &who, &react_comment(reply, a, "insightful"))
        .await
        .unwrap();
    assert_eq!(counters(&pool, &comment_counts).await, vec![0, 0, 1, 0]);
    run(
        &pool,
        &who,
        &format!("delete from app.comment_reactions where comment_id = {reply}"),
    )
    .await
    .unwrap();
    assert_eq!(counters(&pool, &comment_counts).await, vec![0, 0, 0, 0]);
}

// ---------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn every_community_table_has_row_level_security_enabled_and_forced() {
    // `rls::every_table_in_the_app_schemas_has_row_level_security_enabled_and_forced` checks
    // every table in `app` and `auth`; this pins down that the community tables are among
    // them, so a renamed or moved table cannot slip out of that check unnoticed.
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let secured: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'app' and c.relkind in ('r', 'p')
            and c.relrowsecurity and c.relforcerowsecurity
          order by 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for table in [
        "anonymous_authors",
        "anonymous_comment_authors",
        "bookmarks",
        "circle_follows",
        "circle_members",
        "circles",
        "comment_reactions",
        "comment_revisions",
        "comments",
        "post_reactions",
        "post_revisions",
        "posts",
    ] {
        assert!(
            secured.iter().any(|t| t == table),
            "app.{table} lacks enabled+forced RLS (secured: {secured:?})"
        );
    }
}

#[tokio::test]
async fn the_stewards_helpers_answer_only_about_posts_the_caller_can_read() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let world = three_circles(&pool).await;
    sqlx::query("insert into app.post_reactions (post_id, user_id, kind) values ($1, $2, 'hug')")
        .bind(world.private_post)
        .bind(world.author)
        .execute(&pool)
        .await
        .unwrap();
    let outsider = as_member(member(&pool, "outsider").await);
    let depth = format!(
        "select coalesce(app.reply_depth(null, {}), -1)::bigint",
        world.private_post
    );
    let scores = format!(
        "select count(*) from app.recent_reaction_scores(now() - interval '1 day') where post_id = {}",
        world.private_post
    );
    // Denied: an outsider learns nothing about a private circle's post.
    assert_eq!(count(&pool, &outsider, &depth).await, -1);
    assert_eq!(count(&pool, &outsider, &scores).await, 0);
    // Allowed: its member does.
    let insider = as_member(world.author);
    assert_eq!(count(&pool, &insider, &depth).await, 0);
    assert_eq!(count(&pool, &insider, &scores).await, 1);
    let public_depth = format!(
        "select coalesce(app.reply_depth(null, {}), -1)::bigint",
        world.public_post
    );
    assert_eq!(count(&pool, &outsider, &public_depth).await, 0);
}
