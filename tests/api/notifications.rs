//! Notifications (migration 0018): who is told what, written by the database in the same
//! transaction as the reply, reaction or decision; and Row Level Security on them, allowed
//! and denied. Members write as themselves (so the triggers see who acted); fixtures that
//! no member could write are made as the owner.

use crate::{
    helpers::TestDatabase,
    rls_community::{member, signed_in},
};
use sqlx::PgPool;
use uuid::Uuid;
use wellspring::server::db::scoped::{self, RequestClaims};

fn as_member(id: Uuid) -> RequestClaims {
    signed_in(id, "member")
}

/// Statements in one transaction as the caller, committed; the value of the last one's
/// first column when it returns a number (ids of what was written), else 0.
async fn write(pool: &PgPool, who: &RequestClaims, statements: &[&str]) -> i64 {
    let mut tx = scoped::begin(pool, who).await.unwrap();
    let mut last = 0;
    for sql in statements {
        last = sqlx::query_scalar::<_, i64>(sql)
            .fetch_optional(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .unwrap_or(0);
    }
    tx.commit().await.unwrap();
    last
}

async fn try_exec(pool: &PgPool, who: &RequestClaims, sql: &str) -> Result<u64, sqlx::Error> {
    let mut tx = scoped::begin(pool, who).await?;
    let changed = sqlx::query(sql).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(changed)
}

async fn owner_i64(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

async fn circle(pool: &PgPool, slug: &str, visibility: &str, support: bool) -> i64 {
    sqlx::query_scalar(
        "insert into app.circles (slug, name, visibility, is_support) values ($1, $1, $2, $3) returning id",
    )
    .bind(slug)
    .bind(visibility)
    .bind(support)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn join(pool: &PgPool, circle: i64, user: Uuid, role: &str) {
    sqlx::query("insert into app.circle_members (circle_id, user_id, role) values ($1, $2, $3)")
        .bind(circle)
        .bind(user)
        .bind(role)
        .execute(pool)
        .await
        .unwrap();
}

async fn post_by(pool: &PgPool, circle: i64, author: Uuid) -> i64 {
    write(
        pool,
        &as_member(author),
        &[&format!(
            "insert into app.posts (circle_id, author_id, title, body, body_html)
             values ({circle}, '{author}', 'Slow mornings', 'words', '<p>words</p>') returning id"
        )],
    )
    .await
}

async fn reply_by(pool: &PgPool, post: i64, parent: Option<i64>, author: Uuid, html: &str) -> i64 {
    let parent = parent.map_or("null".to_owned(), |p| p.to_string());
    write(
        pool,
        &as_member(author),
        &[&format!(
            "insert into app.comments (post_id, parent_id, author_id, body, body_html, depth)
             values ({post}, {parent}, '{author}', 'kind words', '{html}',
                     coalesce((select depth + 1 from app.comments where id = {parent}), 0))
             returning id"
        )],
    )
    .await
}

/// An anonymous reply, sealed in the same transaction as the service does.
async fn anonymous_reply_by(pool: &PgPool, post: i64, author: Uuid) -> i64 {
    write(
        pool,
        &as_member(author),
        &[
            &format!(
                "insert into app.comments (post_id, author_id, is_anonymous, body, body_html, depth)
                 values ({post}, null, true, 'with you', '<p>with you</p>', 0) returning id"
            ),
            "insert into app.anonymous_comment_authors (comment_id, author_id)
             select max(id), auth.uid() from app.comments returning comment_id",
        ],
    )
    .await
}

/// `kind:actor-or-none:comment` for each of the member's notifications, oldest first, read
/// as the owner.
async fn told(pool: &PgPool, who: Uuid) -> Vec<String> {
    sqlx::query_scalar(
        "select kind || ':' || coalesce(actor_id::text, 'none') || ':' || coalesce(comment_id::text, '-')
           from app.notifications where recipient_id = $1 order by id",
    )
    .bind(who)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn replies_tell_the_post_author_and_the_parent_author_once_and_never_the_replier() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (ana, ben, cai) = (
        member(&pool, "ana").await,
        member(&pool, "ben").await,
        member(&pool, "cai").await,
    );
    let open = circle(&pool, "open-circle", "public", false).await;
    for who in [ana, ben, cai] {
        join(&pool, open, who, "member").await;
    }
    let post = post_by(&pool, open, ana).await;

    let first = reply_by(&pool, post, None, ben, "<p>me too</p>").await;
    let answer = reply_by(&pool, post, Some(first), cai, "<p>same here</p>").await;
    let own = reply_by(&pool, post, Some(first), ben, "<p>thanks</p>").await;
    let by_author = reply_by(&pool, post, Some(first), ana, "<p>glad</p>").await;

    assert_eq!(
        told(&pool, ana).await,
        vec![
            format!("reply:{ben}:{first}"),
            format!("reply:{cai}:{answer}"),
            format!("reply:{ben}:{own}"),
        ],
        "the post's author hears of every reply but her own"
    );
    assert_eq!(
        told(&pool, ben).await,
        vec![
            format!("comment_reply:{cai}:{answer}"),
            format!("comment_reply:{ana}:{by_author}")
        ],
        "the parent's author hears of answers to him, not of his own"
    );
    assert!(told(&pool, cai).await.is_empty());

    // Each is announced as an event about its recipient, for the live bell.
    let announced = owner_i64(
        &pool,
        &format!(
            "select count(*) from app.events where kind = 'notification.created' and subject_user_id = '{ana}'"
        ),
    )
    .await;
    assert_eq!(announced, 3);
}

#[tokio::test]
async fn mentions_tell_the_named_member_once_and_reactions_gather_until_read() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (ana, ben, cai, dev) = (
        member(&pool, "ana").await,
        member(&pool, "ben").await,
        member(&pool, "cai").await,
        member(&pool, "dev").await,
    );
    let open = circle(&pool, "open-circle", "public", false).await;
    for who in [ana, ben, cai, dev] {
        join(&pool, open, who, "member").await;
    }
    let post = post_by(&pool, open, ana).await;
    // Ben names Cai and Ana; Ana already hears of it as the post's author.
    let named = reply_by(
        &pool,
        post,
        None,
        ben,
        r#"<p><a href="/u/cai" class="mention" rel="nofollow ugc noopener">@cai</a> and <a href="/u/ana" class="mention" rel="nofollow ugc noopener">@ana</a></p>"#,
    )
    .await;
    assert_eq!(
        told(&pool, cai).await,
        vec![format!("mention:{ben}:{named}")]
    );
    assert_eq!(told(&pool, ana).await, vec![format!("reply:{ben}:{named}")]);
    // Text that only looks like a mention (a plain "@dev") tells nobody.
    reply_by(&pool, post, None, ben, "<p>@dev</p>").await;
    assert!(told(&pool, dev).await.is_empty());

    // Reactions to Ana's post: Ben twice (two kinds), then Cai: one row naming Cai, two
    // members gathered.
    for (who, kind) in [(ben, "support"), (ben, "hug"), (cai, "grateful")] {
        write(
            &pool,
            &as_member(who),
            &[&format!(
                "insert into app.post_reactions (post_id, user_id, kind) values ({post}, '{who}', '{kind}')"
            )],
        )
        .await;
    }
    let batch = |pool: PgPool| async move {
        sqlx::query_as::<_, (Uuid, i32)>(
            "select actor_id, cardinality(actor_ids) from app.notifications
              where recipient_id = $1 and kind = 'reaction' and read_at is null",
        )
        .bind(ana)
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    assert_eq!(batch(pool.clone()).await, vec![(cai, 2)]);
    // Her own reaction tells her nothing.
    write(
        &pool,
        &as_member(ana),
        &[&format!(
            "insert into app.post_reactions (post_id, user_id, kind) values ({post}, '{ana}', 'hug')"
        )],
    )
    .await;
    assert_eq!(batch(pool.clone()).await, vec![(cai, 2)]);

    // Once read, the next reaction starts a new row.
    write(
        &pool,
        &as_member(ana),
        &["update app.notifications set read_at = now() where kind = 'reaction'"],
    )
    .await;
    write(
        &pool,
        &as_member(dev),
        &[&format!(
            "insert into app.post_reactions (post_id, user_id, kind) values ({post}, '{dev}', 'support')"
        )],
    )
    .await;
    assert_eq!(batch(pool.clone()).await, vec![(dev, 1)]);
}

#[tokio::test]
async fn nobody_is_told_what_they_cannot_read_and_anonymous_authors_stay_sealed() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (ana, ben, cai) = (
        member(&pool, "ana").await,
        member(&pool, "ben").await,
        member(&pool, "cai").await,
    );
    // A private circle Ana posted in and then left: replies there no longer reach her, and
    // what she was told about it before is withdrawn.
    let private = circle(&pool, "inner-circle", "private", false).await;
    join(&pool, private, ana, "member").await;
    join(&pool, private, ben, "member").await;
    let post = post_by(&pool, private, ana).await;
    reply_by(&pool, post, None, ben, "<p>before</p>").await;
    assert_eq!(told(&pool, ana).await.len(), 1);
    write(
        &pool,
        &as_member(ana),
        &[&format!(
            "delete from app.circle_members where circle_id = {private} and user_id = '{ana}'"
        )],
    )
    .await;
    assert!(
        told(&pool, ana).await.is_empty(),
        "leaving withdraws what was said"
    );
    reply_by(&pool, post, None, ben, "<p>after</p>").await;
    assert!(told(&pool, ana).await.is_empty(), "nothing new reaches her");

    // A support circle: Cai replies anonymously to Ana's post. Ana is told, and no row she
    // can read names Cai.
    let support = circle(&pool, "quiet-room", "public", true).await;
    join(&pool, support, ana, "member").await;
    join(&pool, support, cai, "member").await;
    let heavy = post_by(&pool, support, ana).await;
    let sealed = anonymous_reply_by(&pool, heavy, cai).await;
    assert_eq!(told(&pool, ana).await, vec![format!("reply:none:{sealed}")]);
    let mut tx = scoped::begin(&pool, &as_member(ana)).await.unwrap();
    let named_anywhere: i64 = sqlx::query_scalar(
        "select count(*) from app.notifications
          where actor_id is not null or cardinality(actor_ids) > 0",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(named_anywhere, 0);
    // An anonymous author replying to their own anonymous reply's thread is not told of it.
    assert!(told(&pool, cai).await.is_empty());

    // Deleting the reply withdraws the notification about it.
    write(
        &pool,
        &as_member(cai),
        &[&format!(
            "update app.comments set body = '', body_html = '', deleted_at = now() where id = {sealed}"
        )],
    )
    .await;
    assert!(told(&pool, ana).await.is_empty());
}

#[tokio::test]
async fn join_decisions_tell_the_asker_without_naming_the_moderator() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (moderator, asker, refused, changed_mind) = (
        member(&pool, "mod").await,
        member(&pool, "asker").await,
        member(&pool, "refused").await,
        member(&pool, "changed").await,
    );
    let private = circle(&pool, "inner-circle", "private", false).await;
    join(&pool, private, moderator, "moderator").await;
    for who in [asker, refused, changed_mind] {
        write(
            &pool,
            &as_member(who),
            &[&format!(
                "insert into app.circle_members (circle_id, user_id, status) values ({private}, '{who}', 'pending')"
            )],
        )
        .await;
    }
    let moderator_claims = signed_in(moderator, "member");
    write(
        &pool,
        &moderator_claims,
        &[&format!(
            "update app.circle_members set status = 'active' where circle_id = {private} and user_id = '{asker}'"
        )],
    )
    .await;
    write(
        &pool,
        &moderator_claims,
        &[&format!(
            "delete from app.circle_members where circle_id = {private} and user_id = '{refused}'"
        )],
    )
    .await;
    write(
        &pool,
        &as_member(changed_mind),
        &[&format!(
            "delete from app.circle_members where circle_id = {private} and user_id = '{changed_mind}'"
        )],
    )
    .await;
    assert_eq!(told(&pool, asker).await, vec!["join_approved:none:-"]);
    assert_eq!(told(&pool, refused).await, vec!["join_declined:none:-"]);
    assert!(
        told(&pool, changed_mind).await.is_empty(),
        "withdrawing is not a decision"
    );
}

#[tokio::test]
async fn members_read_and_mark_only_their_own_notifications() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (ana, ben) = (member(&pool, "ana").await, member(&pool, "ben").await);
    let open = circle(&pool, "open-circle", "public", false).await;
    join(&pool, open, ana, "member").await;
    join(&pool, open, ben, "member").await;
    let post = post_by(&pool, open, ana).await;
    reply_by(&pool, post, None, ben, "<p>hello</p>").await;
    let id = owner_i64(&pool, "select id from app.notifications").await;

    // Allowed: Ana sees hers and marks it read.
    let mut tx = scoped::begin(&pool, &as_member(ana)).await.unwrap();
    let seen: i64 = sqlx::query_scalar("select count(*) from app.notifications")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(seen, 1);
    // Denied: Ben sees none of hers and cannot mark it.
    let mut tx = scoped::begin(&pool, &as_member(ben)).await.unwrap();
    let seen: i64 = sqlx::query_scalar("select count(*) from app.notifications")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(seen, 0);
    assert_eq!(
        try_exec(
            &pool,
            &as_member(ben),
            &format!("update app.notifications set read_at = now() where id = {id}")
        )
        .await
        .unwrap(),
        0
    );
    // Denied: nobody writes one, retargets one or changes what it says.
    for (who, sql) in [
        (
            as_member(ben),
            format!(
                "insert into app.notifications (recipient_id, kind) values ('{ana}', 'mention')"
            ),
        ),
        (
            as_member(ana),
            format!("update app.notifications set recipient_id = '{ben}' where id = {id}"),
        ),
        (
            as_member(ana),
            format!("update app.notifications set kind = 'mention' where id = {id}"),
        ),
        (
            as_member(ana),
            format!("delete from app.notifications where id = {id}"),
        ),
    ] {
        let error = try_exec(&pool, &who, &sql).await.unwrap_err();
        assert_eq!(
            error.as_database_error().and_then(|e| e.code()).as_deref(),
            Some("42501"),
            "{sql}: {error}"
        );
    }
    // Denied: a visitor has no access at all.
    let anonymous = RequestClaims::anonymous();
    let error = try_exec(&pool, &anonymous, "select 1 from app.notifications")
        .await
        .unwrap_err();
    assert_eq!(
        error.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42501")
    );
    // Allowed: Ana marks it read.
    assert_eq!(
        try_exec(
            &pool,
            &as_member(ana),
            &format!("update app.notifications set read_at = now() where id = {id}")
        )
        .await
        .unwrap(),
        1
    );
}

// ---------------------------------------------------------------------------------------
// Through HTTP, as a member's browser uses them
// ---------------------------------------------------------------------------------------

mod through_http {
    use crate::community::{admin, call, create_circle, join, json, member, page, write_post};
    use crate::helpers::spawn_app;
    use crate::identity::bare_client;
    use reqwest::{StatusCode, header};

    #[tokio::test]
    async fn a_reply_reaches_the_authors_notifications_page_and_opening_it_marks_it_read() {
        let app = spawn_app().await;
        let chief = admin(&app, "chiefly", "Chief Keeper").await;
        let fern = member(&app, "fernleaf", "Fern Leaf").await;
        let moss = member(&app, "mossbank", "Moss Bank").await;
        create_circle(&app, &chief, "morning-pages", "public", false).await;
        join(&app, &fern, "morning-pages").await;
        join(&app, &moss, "morning-pages").await;
        let post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;

        let unread = |cookies: String| {
            let app = &app;
            async move { json(&call(app, "notifications/unread", &[], &cookies).await) }
        };
        assert_eq!(unread(fern.cookies.clone()).await, 0);
        let reply = call(
            &app,
            "comments/create",
            &[
                ("post_id", &post.to_string()),
                ("body", "Same here, <b>@fernleaf</b>."),
            ],
            &moss.cookies,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let reply_path = json(&reply).as_str().unwrap().to_owned();
        assert_eq!(
            unread(fern.cookies.clone()).await,
            1,
            "one notice, not a reply and a mention"
        );
        assert_eq!(unread(moss.cookies.clone()).await, 0);

        let (status, html) = page(&app, "/notifications", &fern.cookies).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Moss Bank replied to your post"), "{html}");
        assert!(html.contains("“First light”"));
        assert!(html.contains("1 unread"));
        assert!(
            html.contains("Same here, &lt;b&gt;@fernleaf&lt;/b&gt;."),
            "the excerpt is text"
        );
        // Moss's page is empty, kindly.
        let (_, html) = page(&app, "/notifications", &moss.cookies).await;
        assert!(html.contains("No notifications yet"));
        // A visitor is asked to sign in.
        let (_, html) = page(&app, "/notifications", "").await;
        assert!(html.contains("sign-in-prompt"));

        let id: i64 = sqlx::query_scalar("select id from app.notifications")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        // Moss cannot open (or learn of) Fern's notification.
        let refused = call(
            &app,
            "notifications/open",
            &[("id", &id.to_string())],
            &moss.cookies,
        )
        .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
        assert_eq!(unread(fern.cookies.clone()).await, 1);

        // Fern opens it from the plain form: it is read, and she lands on the reply.
        let opened = bare_client()
            .post(format!("{}/api/notifications/open", app.address))
            .header(header::ORIGIN, app.address.as_str())
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, fern.cookies.as_str())
            .form(&[("id", id.to_string())])
            .send()
            .await
            .unwrap();
        let location = opened
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(location, reply_path, "it leads to the exact reply");
        assert_eq!(unread(fern.cookies.clone()).await, 0);

        // A bad id is refused kindly and changes nothing.
        let bad = call(&app, "notifications/open", &[("id", "nope")], &fern.cookies).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);

        // Two more replies; "mark all as read" clears them.
        for body in ["One", "Two"] {
            call(
                &app,
                "comments/create",
                &[("post_id", &post.to_string()), ("body", body)],
                &moss.cookies,
            )
            .await;
        }
        assert_eq!(unread(fern.cookies.clone()).await, 2);
        let marked = call(&app, "notifications/read-all", &[], &fern.cookies).await;
        assert_eq!(json(&marked), 2);
        assert_eq!(unread(fern.cookies.clone()).await, 0);
        // A visitor cannot call them at all.
        let anonymous = call(&app, "notifications/read-all", &[], "").await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }
}

// ---------------------------------------------------------------------------------------
// Levels and muted members (migration 0021)
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn following_muting_and_muted_members_decide_who_is_told() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (ana, ben, cai, dev) = (
        member(&pool, "ana").await,
        member(&pool, "ben").await,
        member(&pool, "cai").await,
        member(&pool, "dev").await,
    );
    let open = circle(&pool, "open-circle", "public", true).await;
    for who in [ana, ben, cai, dev] {
        join(&pool, open, who, "member").await;
    }
    let post = post_by(&pool, open, ana).await;

    // Dev follows the post: every reply reaches him, as "activity".
    write(
        &pool,
        &as_member(dev),
        &[&format!(
            "insert into app.notification_levels (user_id, post_id, level) values ('{dev}', {post}, 'all')"
        )],
    )
    .await;
    let first = reply_by(&pool, post, None, ben, "<p>one</p>").await;
    assert_eq!(
        told(&pool, dev).await,
        vec![format!("activity:{ben}:{first}")]
    );

    // Cai follows the circle: a new post there reaches him; so do its replies, until he
    // sets that post back to normal (a post's level wins over its circle's).
    write(
        &pool,
        &as_member(cai),
        &[&format!(
            "insert into app.notification_levels (user_id, circle_id, level) values ('{cai}', {open}, 'all')"
        )],
    )
    .await;
    let second_post = post_by(&pool, open, ben).await;
    assert_eq!(
        told(&pool, cai).await.last().map(String::as_str),
        Some(format!("new_post:{ben}:-").as_str())
    );
    write(
        &pool,
        &as_member(cai),
        &[&format!(
            "insert into app.notification_levels (user_id, post_id, level) values ('{cai}', {second_post}, 'normal')"
        )],
    )
    .await;
    let before = told(&pool, cai).await.len();
    reply_by(&pool, second_post, None, dev, "<p>hi</p>").await;
    assert_eq!(
        told(&pool, cai).await.len(),
        before,
        "normal on the post wins"
    );

    // Ana mutes Ben: his signed replies no longer reach her, Dev's still do. His anonymous
    // reply does (muting never applies to anonymous content, or its silence would unmask him).
    write(
        &pool,
        &as_member(ana),
        &[&format!(
            "insert into app.muted_members (user_id, muted_id) values ('{ana}', '{ben}')"
        )],
    )
    .await;
    let before = told(&pool, ana).await.len();
    reply_by(&pool, post, None, ben, "<p>muted</p>").await;
    assert_eq!(told(&pool, ana).await.len(), before);
    let by_dev = reply_by(&pool, post, None, dev, "<p>heard</p>").await;
    let sealed = anonymous_reply_by(&pool, post, ben).await;
    let now = told(&pool, ana).await;
    assert_eq!(
        now[before..].to_vec(),
        vec![
            format!("reply:{dev}:{by_dev}"),
            format!("reply:none:{sealed}")
        ]
    );

    // Ana mutes her post: nothing about it reaches her any more.
    write(
        &pool,
        &as_member(ana),
        &[&format!(
            "insert into app.notification_levels (user_id, post_id, level) values ('{ana}', {post}, 'mute')"
        )],
    )
    .await;
    let before = told(&pool, ana).await.len();
    reply_by(&pool, post, None, dev, "<p>quiet</p>").await;
    assert_eq!(told(&pool, ana).await.len(), before);
}

#[tokio::test]
async fn levels_and_mutes_are_each_members_own() {
    let db = TestDatabase::migrated().await;
    let pool = db.pool().await;
    let (ana, ben) = (member(&pool, "ana").await, member(&pool, "ben").await);
    let open = circle(&pool, "open-circle", "public", false).await;
    // Allowed: Ana sets her own.
    write(
        &pool,
        &as_member(ana),
        &[
            &format!(
                "insert into app.notification_levels (user_id, circle_id, level) values ('{ana}', {open}, 'mute')"
            ),
            &format!("insert into app.muted_members (user_id, muted_id) values ('{ana}', '{ben}')"),
        ],
    )
    .await;
    // Denied: Ben cannot write in her name, see hers, or change them.
    for sql in [
        format!(
            "insert into app.notification_levels (user_id, circle_id, level) values ('{ana}', {open}, 'all')"
        ),
        format!("insert into app.muted_members (user_id, muted_id) values ('{ana}', '{ana}')"),
    ] {
        let error = try_exec(&pool, &as_member(ben), &sql).await.unwrap_err();
        assert_eq!(
            error.as_database_error().and_then(|e| e.code()).as_deref(),
            Some("42501"),
            "{sql}: {error}"
        );
    }
    for sql in [
        "update app.notification_levels set level = 'all'",
        "delete from app.muted_members",
    ] {
        assert_eq!(
            try_exec(&pool, &as_member(ben), sql).await.unwrap(),
            0,
            "{sql}"
        );
    }
    let mut tx = scoped::begin(&pool, &as_member(ben)).await.unwrap();
    let seen: i64 = sqlx::query_scalar(
        "select (select count(*) from app.notification_levels) + (select count(*) from app.muted_members)",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(seen, 0);
    // A visitor has no access.
    let error = try_exec(
        &pool,
        &RequestClaims::anonymous(),
        "select 1 from app.muted_members",
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42501")
    );
}

mod levels_through_http {
    use crate::community::{admin, call, create_circle, join, member, page, write_post};
    use crate::helpers::spawn_app;
    use reqwest::StatusCode;

    #[tokio::test]
    async fn a_member_follows_a_post_from_its_page_and_bad_choices_change_nothing() {
        let app = spawn_app().await;
        let chief = admin(&app, "chiefly", "Chief Keeper").await;
        let fern = member(&app, "fernleaf", "Fern Leaf").await;
        let moss = member(&app, "mossbank", "Moss Bank").await;
        create_circle(&app, &chief, "morning-pages", "public", false).await;
        create_circle(&app, &chief, "inner-room", "private", false).await;
        join(&app, &fern, "morning-pages").await;
        join(&app, &moss, "morning-pages").await;
        let post = write_post(&app, &fern, "morning-pages", "First light", "Pages.").await;
        let id = post.to_string();

        let saved = call(
            &app,
            "notifications/level",
            &[("target", "post"), ("id", &id), ("level", "all")],
            &moss.cookies,
        )
        .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        let (_, html) = page(&app, &format!("/c/morning-pages/p/{post}"), &moss.cookies).await;
        assert!(
            html.contains(r#"<option value="all" selected"#),
            "the page shows the choice"
        );
        call(
            &app,
            "comments/create",
            &[("post_id", &id), ("body", "Hello.")],
            &chief.cookies,
        )
        .await;
        let kinds: Vec<String> = sqlx::query_scalar(
            "select n.kind from app.notifications n join app.profiles p on p.user_id = n.recipient_id
              where p.handle = 'mossbank'",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap();
        assert_eq!(kinds, vec!["activity"]);

        for (form, status) in [
            (
                vec![("target", "post"), ("id", id.as_str()), ("level", "loud")],
                StatusCode::BAD_REQUEST,
            ),
            (
                vec![("target", "profile"), ("id", id.as_str()), ("level", "all")],
                StatusCode::BAD_REQUEST,
            ),
            (
                vec![("target", "post"), ("id", "999999"), ("level", "all")],
                StatusCode::NOT_FOUND,
            ),
        ] {
            let reply = call(&app, "notifications/level", &form, &moss.cookies).await;
            assert_eq!(reply.status, status, "{form:?}: {}", reply.body);
        }
        // A private circle a member cannot read cannot be followed (nor learned about).
        let private: i64 =
            sqlx::query_scalar("select id from app.circles where slug = 'inner-room'")
                .fetch_one(&app.pool)
                .await
                .unwrap();
        let reply = call(
            &app,
            "notifications/level",
            &[
                ("target", "circle"),
                ("id", &private.to_string()),
                ("level", "all"),
            ],
            &moss.cookies,
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
        let levels: i64 = sqlx::query_scalar("select count(*) from app.notification_levels")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(levels, 1, "only the one good choice was saved");

        // Muting by handle; yourself is refused kindly.
        let muted = call(
            &app,
            "notifications/mute",
            &[("handle", "chiefly"), ("muted", "true")],
            &moss.cookies,
        )
        .await;
        assert_eq!(muted.status, StatusCode::OK, "{}", muted.body);
        let myself = call(
            &app,
            "notifications/mute",
            &[("handle", "mossbank"), ("muted", "true")],
            &moss.cookies,
        )
        .await;
        assert_eq!(myself.status, StatusCode::BAD_REQUEST, "{}", myself.body);
        let visitor = call(
            &app,
            "notifications/mute",
            &[("handle", "chiefly"), ("muted", "true")],
            "",
        )
        .await;
        assert_eq!(visitor.status, StatusCode::UNAUTHORIZED);
    }
}
