//! Abuse of identity, tried as an attacker would (issue 12, sections 3 to 5): sign-up must
//! not tell who is a member; a reset link is checked before any password is hashed; wrong
//! passwords sent in parallel must not starve the site of database connections; and failed
//! sign-ins from one client must not lock the owner out from theirs.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::identity::{PASSWORD, Reply, bare_client, confirmed_member, post, sign_in};
use crate::identity_client_ip::proxies;
use reqwest::StatusCode;

const MEMBER: &str = "hazel@example.org";

async fn sign_up_as(app: &TestApp, email: &str, handle: &str) -> Reply {
    post(
        app,
        "auth/signup",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("handle", handle),
            ("display_name", "Someone"),
        ],
        "",
    )
    .await
}

#[tokio::test]
async fn sign_up_answers_alike_for_members_and_strangers_whatever_the_handle() {
    let app = spawn_app().await;
    confirmed_member(&app, MEMBER, "hazel").await;

    // The trick: a taken handle with the address being probed. Before, a member's address
    // answered "welcome" (the address was looked at first) and a stranger's "handle taken".
    let member = sign_up_as(&app, MEMBER, "hazel").await;
    let stranger = sign_up_as(&app, "nobody@example.org", "hazel").await;
    assert_eq!(
        member.status, stranger.status,
        "{} / {}",
        member.body, stranger.body
    );
    assert_eq!(member.body, stranger.body);

    // With a free handle both are welcomed the same way.
    let member = sign_up_as(&app, MEMBER, "fresh_one").await;
    let stranger = sign_up_as(&app, "nobody2@example.org", "fresh_two").await;
    assert_eq!(member.status, StatusCode::OK, "{}", member.body);
    assert_eq!(member.status, stranger.status);
    assert_eq!(member.body, stranger.body);
}

#[tokio::test]
async fn a_made_up_reset_token_is_refused_before_anything_else_is_looked_at() {
    let app = spawn_app().await;
    // A weak password with a made-up token: the token is what is wrong, so no hashing (and no
    // password advice) happens for it.
    let reply = post(
        &app,
        "auth/reset",
        &[("token", "made-up-token"), ("password", "short")],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert!(reply.body.contains("TokenInvalid"), "{}", reply.body);
}

#[tokio::test]
async fn resets_are_limited_per_client() {
    let app = spawn_app_with(|settings| settings.limits.password_per_ip = 3).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let reply = post(
            &app,
            "auth/reset",
            &[("token", "made-up-token"), ("password", PASSWORD)],
            "",
        )
        .await;
        statuses.push(reply.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::BAD_REQUEST,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[tokio::test]
async fn parallel_wrong_passwords_do_not_starve_the_site_of_connections() {
    // A small pool and one hashing slot: before, each password change held a pooled
    // connection and a row lock while argon2 ran, so 16 at once emptied the pool.
    let app = spawn_app_with(|settings| {
        settings.database.max_connections = 4;
        settings.auth.hashing_slots = 1;
        settings.auth.hashing_wait_ms = 30_000;
        settings.limits.password_per_account = 1000;
        settings.limits.password_per_ip = 1000;
    })
    .await;
    confirmed_member(&app, MEMBER, "hazel").await;
    let session = sign_in(&app, MEMBER).await;
    let cookies = session.cookies();
    let attacks: Vec<_> = (0..16)
        .map(|i| {
            let address = app.address.clone();
            let cookies = cookies.clone();
            tokio::spawn(async move {
                bare_client()
                    .post(format!("{address}/api/account/password"))
                    .header("cookie", cookies)
                    .form(&[
                        ("current_password", format!("wrong guess number {i}")),
                        ("new_password", "a brand new passphrase".to_owned()),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    // While they queue for the one hashing slot, pages that need the database answer.
    for _ in 0..5 {
        let reply = bare_client()
            .get(format!("{}/circles", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK);
    }
    for attack in attacks {
        let status = attack.await.unwrap();
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "a wrong password is refused"
        );
    }
    // And nothing changed.
    sign_in(&app, MEMBER).await;
}

/// Signs in from `client` (through a trusted proxy's `X-Forwarded-For`).
async fn sign_in_from(app: &TestApp, client: &str, password: &str) -> StatusCode {
    bare_client()
        .post(format!("{}/api/auth/login", app.address))
        .header("x-forwarded-for", client)
        .form(&[("email", MEMBER), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn someone_elses_failures_do_not_lock_the_owner_out() {
    let app = spawn_app_with(|settings| {
        settings.server.trusted_proxies = proxies("127.0.0.1/32");
        settings.limits.failures_before_delay = 2;
        settings.limits.sign_in_per_account = 3;
    })
    .await;
    confirmed_member(&app, MEMBER, "hazel").await;
    // An attacker fails again and again from their address until they are slowed down.
    let mut attacker = Vec::new();
    for _ in 0..5 {
        attacker.push(sign_in_from(&app, "203.0.113.66", "guessing wrong").await);
    }
    assert!(
        attacker.contains(&StatusCode::TOO_MANY_REQUESTS),
        "the attacker is slowed down: {attacker:?}"
    );
    // The owner, from their own address, signs in at once.
    assert_eq!(
        sign_in_from(&app, "198.51.100.20", PASSWORD).await,
        StatusCode::OK
    );
    // Another address in the attacker's IPv6 /64 is the same client.
    let mut v6 = Vec::new();
    for i in 0..5 {
        v6.push(sign_in_from(&app, &format!("2001:db8:7:7::{i:x}"), "guessing wrong").await);
    }
    assert!(
        v6.contains(&StatusCode::TOO_MANY_REQUESTS),
        "a /64 counts as one client: {v6:?}"
    );
}
