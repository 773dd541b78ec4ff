//! The site header on a signed-in page: who is signed in comes from the verified access
//! token, with no database round trip, and stays current when the member renames themself.

use crate::{
    helpers::{TestApp, spawn_app},
    identity::{Session, bare_client, confirmed_member, post, sign_in},
};
use base64::Engine as _;
use reqwest::{StatusCode, header};
use serde_json::Value;
use wellspring::server::auth::jwt::AccessClaims;

/// The claims inside an access token, read without checking it (the server checks).
fn claims_of(token: &str) -> AccessClaims {
    let payload = token.split('.').nth(1).expect("a payload segment");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

/// The HTML of `path` as seen with exactly these cookies.
async fn page(app: &TestApp, path: &str, cookies: &str) -> String {
    let response = bare_client()
        .get(format!("{}{path}", app.address))
        .header(header::COOKIE, cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn summary(app: &TestApp, cookies: &str) -> Value {
    post(app, "account/viewer-summary", &[], cookies)
        .await
        .json()
}

async fn rowan(app: &TestApp) -> Session {
    confirmed_member(app, "rowan@example.org", "rowan").await;
    sign_in(app, "rowan@example.org").await
}

async fn rename_in_the_database(app: &TestApp, display_name: &str) {
    sqlx::query("update app.profiles set display_name = $1")
        .bind(display_name)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn access_token_carries_the_members_handle_and_display_name() {
    let app = spawn_app().await;
    let session = rowan(&app).await;
    let claims = claims_of(&session.access);
    assert_eq!(claims.handle.as_deref(), Some("rowan"));
    assert_eq!(claims.display_name.as_deref(), Some("River Stone"));
    assert_eq!(claims.app_role, "member");
}

#[tokio::test]
async fn header_names_the_member_from_the_access_token_without_reading_the_database() {
    let app = spawn_app().await;
    let session = rowan(&app).await;
    // Renamed behind the token's back: a page that read the database would show it.
    rename_in_the_database(&app, "Changed Elsewhere").await;

    let html = page(&app, "/", &format!("ws_access={}", session.access)).await;
    assert!(
        html.contains("River Stone"),
        "the header did not name the member"
    );
    assert!(!html.contains("Changed Elsewhere"));
    let me = summary(&app, &format!("ws_access={}", session.access)).await;
    assert_eq!(me["handle"], "rowan");
    assert_eq!(me["display_name"], "River Stone");
    assert_eq!(me["aal"], "aal1");
    // The settings pages still read the database.
    let fresh = post(
        &app,
        "account/viewer",
        &[],
        &format!("ws_access={}", session.access),
    )
    .await
    .json();
    assert_eq!(fresh["display_name"], "Changed Elsewhere");
    // A visitor is nobody.
    assert_eq!(summary(&app, "").await, Value::Null);
}

#[tokio::test]
async fn header_shows_the_new_display_name_right_after_a_profile_update() {
    let app = spawn_app().await;
    let session = rowan(&app).await;
    let saved = post(
        &app,
        "account/profile-update",
        &[("display_name", "Rowan Ash"), ("bio", ""), ("pronouns", "")],
        &session.cookies(),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let access = saved
        .set_cookie("ws_access")
        .expect("a new access token after the update");
    // The session goes on: same session, same refresh token.
    assert_eq!(saved.set_cookie("ws_refresh"), None);
    assert_eq!(
        claims_of(&access).session_id,
        claims_of(&session.access).session_id
    );
    assert_eq!(
        claims_of(&access).display_name.as_deref(),
        Some("Rowan Ash")
    );

    let html = page(&app, "/", &format!("ws_access={access}")).await;
    assert!(html.contains("Rowan Ash"), "the header kept the old name");
    assert!(!html.contains("River Stone"));
}

#[tokio::test]
async fn profile_update_while_refreshing_keeps_the_rotated_refresh_token() {
    let app = spawn_app().await;
    let session = rowan(&app).await;
    // Only the refresh cookie: the middleware rotates it on this very request, and the
    // update re-issues the access token. Both must reach the browser.
    let saved = post(
        &app,
        "account/profile-update",
        &[("display_name", "Rowan Ash"), ("bio", ""), ("pronouns", "")],
        &format!("ws_refresh={}", session.refresh),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let refresh = saved.set_cookie("ws_refresh").expect("the rotated token");
    assert_ne!(refresh, session.refresh);
    let access = saved.set_cookie("ws_access").expect("an access token");
    assert_eq!(
        claims_of(&access).display_name.as_deref(),
        Some("Rowan Ash")
    );
    // Exactly one of each.
    let set_cookies = saved.headers.get_all(header::SET_COOKIE).iter().count();
    assert_eq!(set_cookies, 2, "{:?}", saved.headers);
    // The rotated token works.
    let me = summary(&app, &format!("ws_refresh={refresh}")).await;
    assert_eq!(me["display_name"], "Rowan Ash");
}

#[tokio::test]
async fn refreshed_access_token_carries_the_current_display_name() {
    let app = spawn_app().await;
    let session = rowan(&app).await;
    rename_in_the_database(&app, "Renamed Meanwhile").await;
    let reply = post(
        &app,
        "account/viewer-summary",
        &[],
        &format!("ws_refresh={}", session.refresh),
    )
    .await;
    assert_eq!(reply.json()["display_name"], "Renamed Meanwhile");
    let access = reply.set_cookie("ws_access").expect("a refreshed token");
    assert_eq!(
        claims_of(&access).display_name.as_deref(),
        Some("Renamed Meanwhile")
    );
    assert_eq!(claims_of(&access).handle.as_deref(), Some("rowan"));
}

#[tokio::test]
async fn access_token_from_before_names_were_carried_still_shows_the_member() {
    let app = spawn_app().await;
    let session = rowan(&app).await;
    let mut old = claims_of(&session.access);
    old.handle = None;
    old.display_name = None;
    let token = app.state.keys.jwt.sign(&old);
    assert!(claims_of(&token).display_name.is_none());

    let html = page(&app, "/", &format!("ws_access={token}")).await;
    assert!(html.contains("River Stone"), "the header lost the member");
    let me = summary(&app, &format!("ws_access={token}")).await;
    assert_eq!(me["handle"], "rowan");
}
