//! Pre-registration takeover, tried as an attacker would (issue 12, section 1): someone signs
//! up with another person's address and a password of their own, and waits for the owner to
//! prove the address. The owner's proof must clear the squatter's password and end every
//! session; the squatter's sign-in attempts must not keep mailing the owner; and an address
//! never confirmed is released after a while.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::identity::{PASSWORD, Reply, mailed_token, post, sign_up};
use reqwest::StatusCode;

const VICTIM: &str = "willow@example.org";

/// The squatter's password sign-in: never a session.
async fn squatter_signs_in(app: &TestApp, squatter_cookies: &str) -> Reply {
    post(
        app,
        "auth/login",
        &[("email", VICTIM), ("password", PASSWORD)],
        squatter_cookies,
    )
    .await
}

async fn live_sessions(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "select count(*) from auth.sessions s join auth.users u on u.id = s.user_id
          where u.email = $1 and s.revoked_at is null",
    )
    .bind(VICTIM)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn mails_to_victim(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from app.outbox_emails where to_address = $1")
        .bind(VICTIM)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_owners_magic_link_clears_a_password_someone_else_chose() {
    let app = spawn_app().await;
    let squatter = sign_up(&app, VICTIM, "squatter").await;
    assert_eq!(squatter.status, StatusCode::OK, "{}", squatter.body);
    let squatter_cookies = squatter.confirm_cookie();

    // The owner asks for a sign-in link and opens it: the address is proven.
    let asked = post(&app, "auth/magic-link", &[("email", VICTIM)], "").await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let token = mailed_token(&app, VICTIM, "/magic").await.unwrap();
    let owner = post(&app, "auth/magic", &[("token", &token)], "").await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.body);
    assert!(
        owner.set_cookie("ws_access").is_some(),
        "the owner is signed in"
    );

    // The squatter's password no longer opens the account.
    let attempt = squatter_signs_in(&app, &squatter_cookies).await;
    assert_ne!(attempt.status, StatusCode::OK, "{}", attempt.body);
    assert!(attempt.set_cookie("ws_access").is_none());
    let password: Option<String> =
        sqlx::query_scalar("select password_hash from auth.users where email = $1")
            .bind(VICTIM)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(password, None, "the unproven password is gone");
    assert_eq!(live_sessions(&app).await, 1, "only the owner's own session");
}

#[tokio::test]
async fn a_confirmation_link_opened_elsewhere_clears_the_password_and_ends_sessions() {
    let app = spawn_app().await;
    let squatter = sign_up(&app, VICTIM, "squatter").await;
    let squatter_cookies = squatter.confirm_cookie();
    // A session for the account, as if one existed before the proof (a squatter who got in
    // some other way): the proof must end it.
    sqlx::query(
        "insert into auth.sessions (user_id, user_agent)
         select id, 'squatter' from auth.users where email = $1",
    )
    .bind(VICTIM)
    .execute(&app.pool)
    .await
    .unwrap();

    // The owner opens the confirmation mail in their own browser (no ws_confirm of theirs).
    let token = mailed_token(&app, VICTIM, "/verify").await.unwrap();
    let confirmed = post(&app, "auth/verify", &[("token", &token)], "").await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(
        confirmed.body.contains("no longer works"),
        "the owner is told what happened: {}",
        confirmed.body
    );

    let attempt = squatter_signs_in(&app, &squatter_cookies).await;
    assert_ne!(attempt.status, StatusCode::OK, "{}", attempt.body);
    assert!(attempt.set_cookie("ws_access").is_none());
    assert_eq!(live_sessions(&app).await, 0, "every session ended");
    let audited: bool = sqlx::query_scalar(
        "select exists (select 1 from auth.audit_log
                         where event = 'email_confirmed'
                           and detail ->> 'unproven_password_cleared' = 'true')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(audited, "the clearing is in the audit log");
}

#[tokio::test]
async fn a_confirmation_link_opened_where_the_account_was_made_keeps_its_password() {
    let app = spawn_app().await;
    sign_up(&app, VICTIM, "willow").await;
    // Someone else's browser presenting its own (different) binding does not count.
    let elsewhere = "ws_confirm=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let token = mailed_token(&app, VICTIM, "/verify").await.unwrap();
    let wrong = post(&app, "auth/verify", &[("token", &token)], elsewhere).await;
    assert_eq!(wrong.status, StatusCode::OK);
    assert!(wrong.body.contains("no longer works"), "{}", wrong.body);

    // A fresh sign-up elsewhere, confirmed in its own browser, keeps the password.
    let other = "rowan@example.org";
    let reply = sign_up(&app, other, "rowan").await;
    let token = mailed_token(&app, other, "/verify").await.unwrap();
    let confirmed = post(
        &app,
        "auth/verify",
        &[("token", &token)],
        &reply.confirm_cookie(),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(
        !confirmed.body.contains("no longer works"),
        "{}",
        confirmed.body
    );
    let signed_in = post(
        &app,
        "auth/login",
        &[("email", other), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.body);
}

#[tokio::test]
async fn sign_in_attempts_on_an_unconfirmed_account_mail_the_owner_at_most_once_a_day() {
    let app = spawn_app_with(|s| s.auth.mail_resend_interval_secs = 1).await;
    sign_up(&app, VICTIM, "squatter").await;
    assert_eq!(mails_to_victim(&app).await, 1, "the sign-up's own mail");
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let attempt = squatter_signs_in(&app, "").await;
        assert_eq!(attempt.status, StatusCode::BAD_REQUEST, "{}", attempt.body);
    }
    assert_eq!(
        mails_to_victim(&app).await,
        2,
        "one reminder, then none for a day"
    );
}

#[tokio::test]
async fn accounts_never_confirmed_are_deleted_after_the_configured_days() {
    let app = spawn_app_with(|s| s.auth.unconfirmed_account_days = 3).await;
    sqlx::query(
        "insert into auth.users (email, created_at, email_confirmed_at) values
           ('old-unconfirmed@example.org', now() - interval '4 days', null),
           ('new-unconfirmed@example.org', now() - interval '2 days', null),
           ('old-confirmed@example.org', now() - interval '40 days', now() - interval '40 days')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("insert into app.jobs (kind) values ('accounts.expire_unconfirmed')")
        .execute(&app.pool)
        .await
        .unwrap();
    app.wait_until(
        "select not exists (select 1 from app.jobs where kind = 'accounts.expire_unconfirmed')",
        "the job never ran",
    )
    .await;
    let left: Vec<String> = sqlx::query_scalar("select email from auth.users order by email")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        left,
        vec!["new-unconfirmed@example.org", "old-confirmed@example.org"]
    );
}
