//! New-member caps (`limits.new_members`) and a circle's slow mode (migration 0028): kind
//! refusals that say why and when, nothing written, staff and moderators exempt, and the
//! caps lifted once the account is older.

use crate::community::{admin, call, count, create_circle, join, member, page};
use crate::helpers::spawn_app_with;
use reqwest::StatusCode;
use wellspring::server::config::NewMemberLimits;

fn caps() -> NewMemberLimits {
    NewMemberLimits {
        days: 3,
        posts_per_day: 2,
        replies_per_day: 2,
        links: 1,
        mentions: 1,
        pictures_per_day: 1,
    }
}

#[tokio::test]
async fn a_new_member_is_capped_kindly_until_their_account_is_older() {
    let app = spawn_app_with(|s| s.limits.new_members = caps()).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let fresh = member(&app, "newleaf", "New Leaf").await;
    join(&app, &fresh, "gardens").await;
    let post = |title: &'static str, body: &'static str, cookies: String| {
        let app = &app;
        async move {
            call(
                app,
                "posts/create",
                &[("circle", "gardens"), ("title", title), ("body", body)],
                &cookies,
            )
            .await
        }
    };
    // Links and mentions beyond the caps are refused, saying so.
    let refused = post(
        "Links",
        "See https://a.example and https://b.example",
        fresh.cookies.clone(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(refused.body.contains("up to 1 links"), "{}", refused.body);
    let refused = post("Hello", "Hi @chiefly and @someone", fresh.cookies.clone()).await;
    assert!(refused.body.contains("mention up to 1"), "{}", refused.body);
    // Two posts a day, then a kind refusal; nothing more is written.
    for title in ["First", "Second"] {
        let reply = post(title, "Hello everyone", fresh.cookies.clone()).await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{}",
            reply.body
        );
    }
    // A clean post cannot be edited into a link farm.
    let first: i64 = sqlx::query_scalar("select id from app.posts where title = 'First'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let refused = call(
        &app,
        "posts/edit",
        &[
            ("id", &first.to_string()),
            ("title", "First"),
            ("body", "https://a.example https://b.example"),
        ],
        &fresh.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where body like '%a.example%'"
        )
        .await,
        0
    );
    let refused = post("Third", "Hello again", fresh.cookies.clone()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("you can write 2 posts a day"),
        "{}",
        refused.body
    );
    assert_eq!(
        count(&app, "select count(*) from app.posts where title = 'Third'").await,
        0
    );
    // Staff are exempt.
    for title in ["A", "B", "C"] {
        let reply = post(
            title,
            "Staff note https://a.example https://b.example",
            chief.cookies.clone(),
        )
        .await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{}",
            reply.body
        );
    }
    // Older accounts are not new members.
    sqlx::query("update auth.users set created_at = now() - interval '4 days' where email = 'newleaf@example.org'")
        .execute(&app.pool)
        .await
        .unwrap();
    let reply = post("Third", "Hello again", fresh.cookies.clone()).await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn slow_mode_spaces_a_members_posts_and_only_moderators_set_it() {
    let app = spawn_app_with(|_| {}).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let set = |secs: &'static str, who: String| {
        let app = &app;
        async move {
            call(
                app,
                "circles/slow-mode",
                &[
                    ("slug", "gardens"),
                    ("secs", secs),
                    ("reason", "Heated thread, let's breathe"),
                ],
                &who,
            )
            .await
        }
    };
    let refused = set("600", author.cookies.clone()).await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    assert_eq!(
        count(&app, "select slow_mode_secs::bigint from app.circles").await,
        0
    );
    let reply = set("600", chief.cookies.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let (_, circle) = page(&app, "/c/gardens", "").await;
    assert!(
        circle.contains("Slow mode: one post every 10 minutes"),
        "{circle}"
    );
    let (_, modlog) = page(&app, "/modlog", "").await;
    assert!(modlog.contains("Heated thread"), "{modlog}");

    let post = |title: &'static str, cookies: String| {
        let app = &app;
        async move {
            call(
                app,
                "posts/create",
                &[("circle", "gardens"), ("title", title), ("body", "Words")],
                &cookies,
            )
            .await
        }
    };
    let first = post("First", author.cookies.clone()).await;
    assert!(
        first.status.is_success() || first.status.is_redirection(),
        "{}",
        first.body
    );
    let refused = post("Second", author.cookies.clone()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("slow mode (one post every 10 minutes)"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("again in 10 minutes"),
        "{}",
        refused.body
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from app.posts where title = 'Second'"
        )
        .await,
        0
    );
    // The circle's moderators are exempt.
    for title in ["Mod one", "Mod two"] {
        let reply = post(title, chief.cookies.clone()).await;
        assert!(
            reply.status.is_success() || reply.status.is_redirection(),
            "{}",
            reply.body
        );
    }
    // Off again: the member posts.
    assert_eq!(set("0", chief.cookies.clone()).await.status, StatusCode::OK);
    let reply = post("Second", author.cookies.clone()).await;
    assert!(
        reply.status.is_success() || reply.status.is_redirection(),
        "{}",
        reply.body
    );
}
