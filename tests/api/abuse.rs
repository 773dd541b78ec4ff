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

#[tokio::test]
async fn writing_faster_than_the_limit_is_refused_kindly_and_writes_nothing() {
    use crate::community::{admin, call, create_circle, join, member as community_member};
    use crate::identity_no_js::post_without_js;
    let app = spawn_app_with(|settings| {
        settings.limits.posts_per_window = 2;
        settings.limits.reactions_per_window = 3;
        settings.limits.searches_per_window = 2;
    })
    .await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "slow-garden", "public", false).await;
    let poster = community_member(&app, "quickfinger", "Quick Finger").await;
    join(&app, &poster, "slow-garden").await;
    let write = |title: &'static str| {
        let cookies = poster.cookies.clone();
        let app = &app;
        async move {
            call(
                app,
                "posts/create",
                &[
                    ("circle", "slow-garden"),
                    ("title", title),
                    ("body", "Some words for the garden."),
                ],
                &cookies,
            )
            .await
        }
    };
    assert_eq!(write("First of the day").await.status, StatusCode::OK);
    assert_eq!(write("Second of the day").await.status, StatusCode::OK);
    let third = write("Third of the day").await;
    assert_eq!(
        third.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        third.body
    );
    assert!(third.headers.contains_key("retry-after"));
    assert!(third.body.contains("SlowDown"), "{}", third.body);
    let posts: i64 =
        sqlx::query_scalar("select count(*) from app.posts where title like '% of the day'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(posts, 2, "the refused post was not written");

    // Without JavaScript the form comes back to its page, which says why in words.
    let plain = post_without_js(
        &app,
        "posts/create",
        &[
            ("circle", "slow-garden"),
            ("title", "Fourth of the day"),
            ("body", "Some words for the garden."),
        ],
        &poster.cookies,
        "/c/slow-garden/new",
    )
    .await;
    let back = crate::identity_no_js::location(&plain);
    let back = back.strip_prefix(&app.address).unwrap_or(&back).to_owned();
    let (_, html) = crate::community::page(&app, &back, &poster.cookies).await;
    assert!(
        html.contains("You&#x27;re doing that a lot") || html.contains("You're doing that a lot"),
        "{html}"
    );

    // Visitors' searches are limited per address.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(call(&app, "search", &[("q", "garden")], "").await.status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

/// The median of a handful of timings, in milliseconds.
fn median_ms(mut times: Vec<std::time::Duration>) -> f64 {
    times.sort();
    times[times.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::test]
async fn every_account_endpoint_answers_members_and_strangers_alike() {
    let app = spawn_app_with(|settings| {
        settings.limits.failures_before_delay = 1000;
        settings.limits.sign_in_per_account = 1000;
        settings.limits.sign_in_per_ip = 1000;
        settings.limits.sign_up_per_ip = 1000;
        settings.limits.mail_per_ip = 1000;
        settings.limits.mail_per_account = 1000;
    })
    .await;
    confirmed_member(&app, MEMBER, "hazel").await;
    confirmed_member(&app, "other@example.org", "otherone").await;
    let session = sign_in(&app, "other@example.org").await;
    const ROUNDS: usize = 5;
    let mut report = Vec::new();
    for endpoint in [
        "auth/signup",
        "auth/login",
        "auth/forgot",
        "auth/magic-link",
        "account/email",
    ] {
        let mut bodies = [Vec::new(), Vec::new()];
        let mut times = [Vec::new(), Vec::new()];
        for round in 0..ROUNDS {
            for (side, email) in [
                (0, MEMBER.to_owned()),
                (1, format!("stranger{round}@example.org")),
            ] {
                let handle = format!("fresh_{side}_{round}");
                let form: Vec<(&str, &str)> = match endpoint {
                    "auth/signup" => vec![
                        ("email", &email),
                        ("password", PASSWORD),
                        ("handle", &handle),
                        ("display_name", "Someone"),
                    ],
                    "auth/login" => vec![("email", &email), ("password", "not the password")],
                    "account/email" => vec![("new_email", &email)],
                    _ => vec![("email", &email)],
                };
                let cookies = if endpoint == "account/email" {
                    session.cookies()
                } else {
                    String::new()
                };
                let started = std::time::Instant::now();
                let reply = post(&app, endpoint, &form, &cookies).await;
                times[side].push(started.elapsed());
                bodies[side].push((reply.status, reply.body));
            }
        }
        for (member, stranger) in bodies[0].iter().zip(&bodies[1]) {
            assert_eq!(
                member, stranger,
                "{endpoint}: a member's address and a stranger's get the same answer"
            );
        }
        let (member, stranger) = (median_ms(times[0].clone()), median_ms(times[1].clone()));
        report.push(format!(
            "{endpoint:18} member {member:7.1} ms  stranger {stranger:7.1} ms  difference {:+6.1} ms",
            member - stranger
        ));
    }
    // Printed, not asserted: timings on a shared machine are not a pass/fail fact.
    println!(
        "median answer time over {ROUNDS} rounds:\n{}",
        report.join("\n")
    );
}
