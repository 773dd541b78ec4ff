//! Linked provider sign-ins on the security page: listed for their member alone, unlinked
//! only while another way in remains, each unlink in the audit log.

use crate::{
    helpers::TestApp,
    identity::{Session, confirmed_member, post, sign_in},
    identity_no_js::{location, page, post_without_js},
};
use reqwest::StatusCode;
use serde_json::Value;
use uuid::Uuid;

async fn user_id(app: &TestApp, email: &str) -> Uuid {
    sqlx::query_scalar("select id from auth.users where email = $1")
        .bind(email)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Links a provider sign-in to `user`, as the OAuth callback would; returns its id.
async fn link(app: &TestApp, user: Uuid, provider: &str, email: &str) -> Uuid {
    sqlx::query_scalar(
        "insert into auth.identities (user_id, provider, subject, email)
         values ($1, $2, $3, $4) returning id",
    )
    .bind(user)
    .bind(provider)
    .bind(format!("{provider}-{}", Uuid::new_v4()))
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn linked(app: &TestApp, session: &Session) -> Vec<Value> {
    let reply = post(app, "account/sign-ins", &[], &session.cookies()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    serde_json::from_str(&reply.body).unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_member_unlinks_a_sign_in_only_while_another_way_in_remains() {
    let app = crate::helpers::spawn_app().await;
    confirmed_member(&app, "kite@example.org", "kite").await;
    let me = user_id(&app, "kite@example.org").await;
    let github = link(&app, me, "github", "kite@users.example").await;
    let google = link(&app, me, "google", "kite@gmail.example").await;
    let session = sign_in(&app, "kite@example.org").await;

    let list = linked(&app, &session).await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["provider"], "github");
    assert_eq!(list[0]["email"], "kite@users.example");
    assert!(list[0]["linked_at"].as_str().unwrap().ends_with('Z'));
    let shown = page(&app, "/settings/security", &session.cookies()).await;
    assert!(shown.body.contains(r#"data-testid="sign-in-row""#));
    assert!(shown.body.contains("kite@gmail.example"));

    // With a password, any of them can go.
    let reply = post(
        &app,
        "account/sign-ins-unlink",
        &[("id", &github.to_string())],
        &session.cookies(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(linked(&app, &session).await.len(), 1);
    let audited: (String, Option<String>, Value) = sqlx::query_as(
        "select event, host(ip), detail from auth.audit_log where event = 'oauth_unlinked'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited.1.as_deref(), Some("127.0.0.1"));
    assert_eq!(audited.2["provider"], "github");
    assert_eq!(audited.2["identity_id"], github.to_string());

    // Without a password, the last one stays, and the member is told why.
    sqlx::query("update auth.users set password_hash = null where id = $1")
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    let refused = post(
        &app,
        "account/sign-ins-unlink",
        &[("id", &google.to_string())],
        &session.cookies(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body.contains("only way to sign in"),
        "{}",
        refused.body
    );
    assert_eq!(linked(&app, &session).await.len(), 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event = 'oauth_unlinked'"
        )
        .await,
        1
    );

    // With another sign-in linked, one of the two may go even without a password.
    let second = link(&app, me, "github", "kite@users.example").await;
    let reply = post(
        &app,
        "account/sign-ins-unlink",
        &[("id", &google.to_string())],
        &session.cookies(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let left = linked(&app, &session).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], second.to_string());
}

#[tokio::test]
async fn a_member_cannot_see_or_unlink_another_members_sign_in() {
    let app = crate::helpers::spawn_app().await;
    confirmed_member(&app, "rook@example.org", "rook").await;
    confirmed_member(&app, "daw@example.org", "daw").await;
    let theirs = link(
        &app,
        user_id(&app, "daw@example.org").await,
        "github",
        "daw@x.example",
    )
    .await;
    let session = sign_in(&app, "rook@example.org").await;
    assert!(linked(&app, &session).await.is_empty());
    for id in [theirs.to_string(), "not-an-id".to_owned()] {
        let reply = post(
            &app,
            "account/sign-ins-unlink",
            &[("id", &id)],
            &session.cookies(),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{id}");
        assert!(
            reply.body.contains("isn't linked to your account"),
            "{}",
            reply.body
        );
    }
    assert_eq!(count(&app, "select count(*) from auth.identities").await, 1);
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event = 'oauth_unlinked'"
        )
        .await,
        0
    );
    // And a visitor is asked to sign in.
    for endpoint in ["account/sign-ins", "account/sign-ins-unlink"] {
        let reply = post(&app, endpoint, &[("id", &theirs.to_string())], "").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
}

#[tokio::test]
async fn unlinking_without_javascript_returns_to_the_page_with_the_outcome() {
    let app = crate::helpers::spawn_app().await;
    confirmed_member(&app, "tern@example.org", "tern").await;
    let me = user_id(&app, "tern@example.org").await;
    let github = link(&app, me, "github", "tern@users.example").await;
    let google = link(&app, me, "google", "tern@gmail.example").await;
    let session = sign_in(&app, "tern@example.org").await;
    let security = "/settings/security";

    let done = post_without_js(
        &app,
        "account/sign-ins-unlink",
        &[("id", &github.to_string())],
        &session.cookies(),
        security,
    )
    .await;
    let back = location(&done);
    assert_eq!(back, "/settings/security?done=unlinked#sign-ins");
    let shown = page(&app, &back, &session.cookies()).await;
    assert!(
        shown
            .body
            .contains("That sign-in is unlinked from your account.")
    );
    assert!(!shown.body.contains("tern@users.example"));

    sqlx::query("update auth.users set password_hash = null where id = $1")
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    let refused = post_without_js(
        &app,
        "account/sign-ins-unlink",
        &[("id", &google.to_string())],
        &session.cookies(),
        &back,
    )
    .await;
    let with_error = location(&refused);
    assert!(with_error.contains("__err="), "{with_error}");
    let shown = page(
        &app,
        with_error.trim_start_matches(&app.address),
        &session.cookies(),
    )
    .await;
    assert!(shown.body.contains("This is your only way to sign in"));
    assert!(
        !shown.body.contains("That sign-in is unlinked"),
        "no success beside the refusal"
    );
    assert!(shown.body.contains("tern@gmail.example"));
}
