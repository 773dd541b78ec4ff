//! Text that cannot lie about itself (issue 12, section 5b): a direction override in a post,
//! a reply or a bio would render the text after it reversed ("\u{202E}evil" shows as
//! "live"). Multi-line fields lose the override and keep the words; single-line fields
//! refuse it with a kind message and write nothing.

use crate::community::{admin, call, create_circle, join, member, write_post};
use crate::helpers::spawn_app;
use reqwest::StatusCode;

const OVERRIDE: &str = "Nice \u{202E}gnihtyreve ekil I\u{202C} and \u{2067}more\u{2069}";
const NEUTRAL: &str = "Nice gnihtyreve ekil I and more";

#[tokio::test]
async fn direction_overrides_leave_bodies_and_bios_and_are_refused_in_single_lines() {
    let app = spawn_app().await;
    let chief = admin(&app, "chief", "Chief").await;
    create_circle(&app, &chief, "morning-pages", "public", false).await;
    let ana = member(&app, "ana", "Ana").await;
    join(&app, &ana, "morning-pages").await;

    let post = write_post(&app, &ana, "morning-pages", "Hello", OVERRIDE).await;
    let reply = call(
        &app,
        "comments/create",
        &[("post_id", &post.to_string()), ("body", OVERRIDE)],
        &ana.cookies,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let stored: Vec<String> =
        sqlx::query_scalar("select body from app.posts union all select body from app.comments")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, vec![NEUTRAL.to_owned(), NEUTRAL.to_owned()]);

    let saved = call(
        &app,
        "account/profile-update",
        &[
            ("display_name", "Ana"),
            ("bio", OVERRIDE),
            ("pronouns", "she/her"),
        ],
        &ana.cookies,
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let bio: String = sqlx::query_scalar("select bio from app.profiles where handle = 'ana'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(bio, NEUTRAL);

    // Pronouns are one line: refused, and nothing changes.
    let refused = call(
        &app,
        "account/profile-update",
        &[
            ("display_name", "Ana"),
            ("bio", "new"),
            ("pronouns", "\u{202E}reh/ehs"),
        ],
        &ana.cookies,
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("direction-changing"),
        "{}",
        refused.body
    );
    let bio: String = sqlx::query_scalar("select bio from app.profiles where handle = 'ana'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(bio, NEUTRAL, "a refused form changes nothing");
}
