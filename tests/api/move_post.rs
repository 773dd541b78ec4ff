//! Moving a post to another circle (migration 0031): only a moderator of both circles moves
//! it, with a reason; the post, its reports and the circles' counts follow in one
//! transaction; the author is told; the public log shows it without the moderator's name;
//! every refusal says why and changes nothing; nobody changes a post's circle any other way.

use crate::community::{Member, admin, call, count, create_circle, join, member, page, write_post};
use crate::helpers::{TestApp, spawn_app};
use crate::moderation::{circle_moderator, report, user_id};
use crate::rls_community::signed_in;
use reqwest::StatusCode;
use wellspring::server::db::scoped;

async fn move_post(
    app: &TestApp,
    who: &Member,
    post: i64,
    circle: &str,
    reason: &str,
) -> crate::identity::Reply {
    call(
        app,
        "moderation/move",
        &[
            ("post", &post.to_string()),
            ("circle", circle),
            ("reason", reason),
        ],
        &who.cookies,
    )
    .await
}

async fn circle_of(app: &TestApp, post: i64) -> String {
    sqlx::query_scalar(
        "select c.slug from app.posts p join app.circles c on c.id = p.circle_id where p.id = $1",
    )
    .bind(post)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn post_count(app: &TestApp, slug: &str) -> i64 {
    count(
        app,
        &format!("select post_count::bigint from app.circles where slug = '{slug}'"),
    )
    .await
}

#[tokio::test]
async fn a_moderator_of_both_circles_moves_a_post_and_everything_follows() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    for slug in ["gardens", "sleepwell"] {
        create_circle(&app, &chief, slug, "public", false).await;
    }
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let post = write_post(
        &app,
        &author,
        "gardens",
        "Cannot sleep after gardening",
        "Any tips?",
    )
    .await;
    let reporter = member(&app, "watchful", "Wren Watch").await;
    let filed = report(&app, &reporter, "post", &post.to_string(), "off_topic").await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);

    // A moderator of gardens alone cannot move it to a circle they do not moderate.
    let keeper = circle_moderator(&app, "keeper", "gardens").await;
    let refused = move_post(&app, &keeper, post, "sleepwell", "Belongs with sleep").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("you do not moderate sleepwell"),
        "{}",
        refused.body
    );
    // A member cannot move anything (they are told moderation needs two-step sign-in, and
    // the database would refuse them anyway).
    let refused = move_post(&app, &reporter, post, "sleepwell", "Belongs with sleep").await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    assert_eq!(circle_of(&app, post).await, "gardens");
    assert_eq!(
        count(
            &app,
            "select count(*) from app.moderation_log where action = 'move_post'"
        )
        .await,
        0
    );

    // Site staff moderate every circle: moved, by the circle's name in any case.
    let moved = move_post(
        &app,
        &chief,
        post,
        "SleepWell",
        "Belongs with the sleep circle",
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert!(
        moved.body.contains(&format!("/c/sleepwell/p/{post}-")),
        "the new address: {}",
        moved.body
    );
    assert_eq!(circle_of(&app, post).await, "sleepwell");
    assert_eq!(post_count(&app, "gardens").await, 0);
    assert_eq!(post_count(&app, "sleepwell").await, 1);
    // Its open report went with it, to the new circle's moderators.
    assert_eq!(
        count(
            &app,
            &format!(
                "select count(*) from app.reports r join app.circles c on c.id = r.circle_id
                  where r.post_id = {post} and c.slug = 'sleepwell' and r.status = 'open'"
            )
        )
        .await,
        1
    );
    // The author is told where and why.
    let (_, notices) = page(&app, "/notifications", &author.cookies).await;
    assert!(
        notices.contains("Moderators moved your post to sleepwell"),
        "{notices}"
    );
    assert!(
        notices.contains("Belongs with the sleep circle"),
        "{notices}"
    );
    // The public log shows the move and the reason, never who.
    let (_, log) = page(&app, "/modlog", "").await;
    assert!(log.contains("moved a post"), "{log}");
    assert!(log.contains("Belongs with the sleep circle"), "{log}");
    assert!(
        !log.contains("chiefly"),
        "the public log named the moderator"
    );
    // The circle feeds follow.
    let (_, sleep) = page(&app, "/c/sleepwell", "").await;
    assert!(sleep.contains("Cannot sleep after gardening"));
    let (_, gardens) = page(&app, "/c/gardens", "").await;
    assert!(!gardens.contains("Cannot sleep after gardening"));
}

#[tokio::test]
async fn refused_moves_say_why_and_change_nothing() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    create_circle(&app, &chief, "innercircle", "private", false).await;
    create_circle(&app, &chief, "haven", "public", true).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    join(&app, &author, "haven").await;
    let post = write_post(
        &app,
        &author,
        "gardens",
        "Seed swap",
        "Who has tomato seeds?",
    )
    .await;
    let anonymous = call(
        &app,
        "posts/create",
        &[
            ("circle", "haven"),
            ("title", "A hard week"),
            ("body", "Just need to say it."),
            ("anonymous", "on"),
        ],
        &author.cookies,
    )
    .await;
    let anonymous = crate::community::created_post_id(&anonymous);

    let cases: [(i64, &str, &str, &str); 6] = [
        (
            post,
            "nowhere",
            "A fine reason",
            "There is no circle called “nowhere”",
        ),
        (post, "gardens", "A fine reason", "already in gardens"),
        (
            post,
            "innercircle",
            "A fine reason",
            "The author cannot read innercircle",
        ),
        (post, "haven", "no", "Please give a reason"),
        (post, "  ", "A fine reason", "Name the circle"),
        (
            anonymous,
            "gardens",
            "A fine reason",
            "cannot hold anonymous writing",
        ),
    ];
    for (id, circle, reason, says) in cases {
        let refused = move_post(&app, &chief, id, circle, reason).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{circle}: {}",
            refused.body
        );
        assert!(refused.body.contains(says), "{circle}: {}", refused.body);
    }
    let unknown = move_post(&app, &chief, 999_999, "haven", "A fine reason").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(circle_of(&app, post).await, "gardens");
    assert_eq!(circle_of(&app, anonymous).await, "haven");
    assert_eq!(post_count(&app, "gardens").await, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.moderation_log where action = 'move_post'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn nobody_changes_a_posts_circle_outside_the_move() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    create_circle(&app, &chief, "sleepwell", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let post = write_post(
        &app,
        &author,
        "gardens",
        "Seed swap",
        "Who has tomato seeds?",
    )
    .await;
    let sleep: i64 = count(&app, "select id from app.circles where slug = 'sleepwell'").await;
    for (who, role) in [
        (user_id(&app, "chiefly").await, "admin"),
        (user_id(&app, "fernleaf").await, "member"),
    ] {
        let mut tx = scoped::begin(&app.pool, &signed_in(who, role))
            .await
            .unwrap();
        let changed = sqlx::query("update app.posts set circle_id = $1 where id = $2")
            .bind(sleep)
            .bind(post)
            .execute(&mut *tx)
            .await;
        assert!(changed.is_err(), "{role} changed a post's circle directly");
    }
    // Not even through the guard's own mark, without the function's checks.
    let mut tx = scoped::begin(
        &app.pool,
        &signed_in(user_id(&app, "fernleaf").await, "member"),
    )
    .await
    .unwrap();
    sqlx::query("select set_config('app.moving_post', $1::text, true)")
        .bind(post)
        .execute(&mut *tx)
        .await
        .unwrap();
    let marked = sqlx::query("update app.posts set circle_id = $1 where id = $2")
        .bind(sleep)
        .bind(post)
        .execute(&mut *tx)
        .await;
    assert!(
        marked.is_err(),
        "a member moved a post with the guard's mark"
    );
    drop(tx);
    assert_eq!(circle_of(&app, post).await, "gardens");
}
