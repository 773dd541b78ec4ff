//! Revocation known on every instance: two applications on one database, as behind a load
//! balancer. Signing out on one makes the old access token worthless on the other within a
//! second, GETs included; a demoted moderator's next request on the other instance no longer
//! reads what only staff may.

use crate::{
    helpers::{TestApp, spawn_app, spawn_second_instance},
    identity::{bare_client, confirmed_member, post, sign_in},
};
use reqwest::{StatusCode, header};
use std::time::{Duration, Instant};
use wellspring::domain::community::slug::post_path;

/// `path` on `app` with exactly these cookies: status and body.
async fn get(app: &TestApp, path: &str, cookies: &str) -> (StatusCode, String) {
    let response = bare_client()
        .get(format!("{}{path}", app.address))
        .header(header::COOKIE, cookies)
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// Polls `check` every 20 ms for up to `limit`; the time it took, or `None`.
async fn within(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn signing_out_on_one_instance_signs_the_token_out_on_another_within_a_second() {
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    confirmed_member(&a, "wren@example.org", "wren").await;
    let session = sign_in(&a, "wren@example.org").await;
    let access_only = format!("ws_access={}", session.access);

    let (status, html) = get(&b, "/", &access_only).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("River Stone"),
        "B trusts the token before sign-out"
    );

    let signed_out = post(&a, "auth/logout", &[], &session.cookies()).await;
    assert_eq!(signed_out.status, StatusCode::OK, "{}", signed_out.body);
    let took = within(Duration::from_secs(1), async || {
        !get(&b, "/", &access_only).await.1.contains("River Stone")
    })
    .await;
    assert!(
        took.is_some(),
        "B still trusted the signed-out token after a second"
    );

    // A server function on B knows nobody either.
    let me = post(&b, "account/viewer", &[], &access_only).await;
    assert_eq!(me.json(), serde_json::Value::Null, "{}", me.body);
}

#[tokio::test]
async fn a_demoted_moderator_loses_staff_reads_on_the_other_instance_at_once() {
    let a = spawn_app().await;
    let b = spawn_second_instance(&a).await;
    confirmed_member(&a, "heron@example.org", "heron").await;
    sqlx::query("update auth.users set role = 'moderator' where email = 'heron@example.org'")
        .execute(&a.pool)
        .await
        .unwrap();
    let circle: i64 = sqlx::query_scalar(
        "insert into app.circles (slug, name, visibility) values ('inner-room', 'Inner room', 'private')
         returning id",
    )
    .fetch_one(&a.pool)
    .await
    .unwrap();
    let post_id: i64 = sqlx::query_scalar(
        "insert into app.posts (circle_id, title, body, body_html)
         values ($1, 'Only for the room', 'words', '<p>words</p>') returning id",
    )
    .bind(circle)
    .fetch_one(&a.pool)
    .await
    .unwrap();
    let path = post_path(
        "inner-room",
        wellspring::domain::PostId(post_id),
        "Only for the room",
    );
    // Staff powers need a session that passed a second factor.
    let cookies =
        crate::identity::second_factor_on(&a, &sign_in(&a, "heron@example.org").await.cookies())
            .await;

    let (status, html) = get(&b, &path, &cookies).await;
    assert_eq!(status, StatusCode::OK, "site staff read private circles");
    assert!(html.contains("Only for the room"));

    // Demoted by an admin elsewhere (here, straight in the database).
    sqlx::query("update auth.users set role = 'member' where email = 'heron@example.org'")
        .execute(&a.pool)
        .await
        .unwrap();
    let took = within(Duration::from_secs(1), async || {
        let (status, html) = get(&b, &path, &cookies).await;
        status == StatusCode::NOT_FOUND && !html.contains("Only for the room")
    })
    .await;
    assert!(
        took.is_some(),
        "B still served the private post a second after the demotion"
    );

    // The member is still signed in, with a refreshed token naming their new role.
    let me = post(&b, "account/viewer-summary", &[], &cookies).await;
    assert_eq!(me.json()["handle"], "heron");
}

#[tokio::test]
async fn an_instance_started_after_a_revocation_knows_it() {
    let a = spawn_app().await;
    confirmed_member(&a, "kite@example.org", "kite").await;
    let session = sign_in(&a, "kite@example.org").await;
    let access_only = format!("ws_access={}", session.access);
    post(&a, "auth/logout", &[], &session.cookies()).await;

    // B was not listening when the notice went out: it loads revocations before serving.
    let b = spawn_second_instance(&a).await;
    let (status, html) = get(&b, "/", &access_only).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("River Stone"),
        "a new instance trusted a token revoked before it started"
    );
}

/// When the session was last seen, from its row.
async fn last_seen_minutes_ago(app: &TestApp) -> f64 {
    sqlx::query_scalar(
        "select extract(epoch from now() - last_seen_at)::float8 / 60 from auth.sessions",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn reads_skip_the_session_row_check_that_writes_pay() {
    let app = spawn_app().await;
    confirmed_member(&app, "finch@example.org", "finch").await;
    let session = sign_in(&app, "finch@example.org").await;
    sqlx::query("update auth.sessions set last_seen_at = now() - interval '10 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();

    let read = post(
        &app,
        "feeds/site",
        &[("kind", "latest"), ("cursor", "")],
        &session.cookies(),
    )
    .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    assert!(
        last_seen_minutes_ago(&app).await > 9.0,
        "a read did not touch the session row"
    );

    let write = post(
        &app,
        "account/profile-update",
        &[("display_name", "Finch"), ("bio", ""), ("pronouns", "")],
        &session.cookies(),
    )
    .await;
    assert_eq!(write.status, StatusCode::OK, "{}", write.body);
    assert!(
        last_seen_minutes_ago(&app).await < 1.0,
        "a write checked (and touched) the session row"
    );
}

#[test]
fn every_read_only_path_is_a_registered_server_function() {
    let registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    for path in wellspring::api::READ_ONLY {
        assert!(registered.contains(path), "{path} is not a server function");
    }
}
