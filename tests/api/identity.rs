//! Identity through HTTP, as a browser or a client would use it: sign-up, confirmation,
//! sign-in, refresh rotation and reuse, fixation, sign-out, enumeration, rate limits,
//! cross-site refusal, forged tokens, TOTP, password and email changes, and the audit log.

use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use reqwest::{StatusCode, header};
use serde_json::Value;
use wellspring::server::auth::{
    jwt::{AccessClaims, JwtKey},
    totp,
};

pub const PASSWORD: &str = "a calm river at dawn";

/// A client without a cookie store, so each test decides exactly which cookies it sends.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// The `ws_confirm` cookie this response set, as a `Cookie` header value: what the
    /// browser that signed up sends when it opens its confirmation link.
    pub fn confirm_cookie(&self) -> String {
        format!(
            "ws_confirm={}",
            self.set_cookie("ws_confirm").expect("a ws_confirm cookie")
        )
    }

    /// `name=value` pairs this response sets.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|c| c.split(';').next())
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }
}

/// Posts a form to a server function with an explicit `Cookie` header.
pub async fn post(app: &TestApp, endpoint: &str, form: &[(&str, &str)], cookies: &str) -> Reply {
    let mut request = bare_client()
        .post(format!("{}/api/{endpoint}", app.address))
        .form(form);
    if !cookies.is_empty() {
        request = request.header(header::COOKIE, cookies);
    }
    let response = request.send().await.unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// The newest mailed link to `to` whose path starts with `path`, as its token.
pub async fn mailed_token(app: &TestApp, to: &str, path: &str) -> Option<String> {
    let bodies: Vec<String> = sqlx::query_scalar(
        "select body_text from app.outbox_emails where to_address = $1 order by id desc",
    )
    .bind(to)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let needle = format!("{path}?token=");
    bodies.iter().find_map(|body| {
        body.split(&needle)
            .nth(1)
            .map(|rest| rest.split_whitespace().next().unwrap_or("").to_owned())
    })
}

pub async fn sign_up(app: &TestApp, email: &str, handle: &str) -> Reply {
    post(
        app,
        "auth/signup",
        &[
            ("email", email),
            ("password", PASSWORD),
            ("handle", handle),
            ("display_name", "River Stone"),
        ],
        "",
    )
    .await
}

/// Signs up and confirms; returns nothing but a ready account.
pub async fn confirmed_member(app: &TestApp, email: &str, handle: &str) {
    let reply = sign_up(app, email, handle).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let token = mailed_token(app, email, "/verify").await.unwrap();
    // Opened in the browser that signed up, so the password chosen there stays.
    let reply = post(
        app,
        "auth/verify",
        &[("token", &token)],
        &reply.confirm_cookie(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// Session cookies after a password sign-in, as one `Cookie` header value.
pub struct Session {
    pub access: String,
    pub refresh: String,
}

impl Session {
    pub fn cookies(&self) -> String {
        format!("ws_access={}; ws_refresh={}", self.access, self.refresh)
    }
}

pub async fn sign_in(app: &TestApp, email: &str) -> Session {
    let reply = post(
        app,
        "auth/login",
        &[("email", email), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    Session {
        access: reply.set_cookie("ws_access").expect("access cookie"),
        refresh: reply.set_cookie("ws_refresh").expect("refresh cookie"),
    }
}

/// Turns two-step sign-in on for a signed-in browser (`cookies`, a `Cookie` header value)
/// and returns its cookies with the access token that passed the second factor (aal2): what
/// staff need before their powers work.
pub async fn second_factor_on(app: &TestApp, cookies: &str) -> String {
    let enrolment = post(app, "account/mfa-enroll", &[], cookies).await;
    assert_eq!(enrolment.status, StatusCode::OK, "{}", enrolment.body);
    let secret = enrolment.json()["secret"].as_str().unwrap().to_owned();
    let verified = post(
        app,
        "account/mfa-verify",
        &[("code", &current_code(&secret))],
        cookies,
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    let access = verified
        .set_cookie("ws_access")
        .expect("an aal2 access token");
    cookies
        .split("; ")
        .map(|pair| {
            if pair.starts_with("ws_access=") {
                format!("ws_access={access}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn viewer(app: &TestApp, cookies: &str) -> Value {
    post(app, "account/viewer", &[], cookies).await.json()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_new_member_signs_up_confirms_by_mail_and_signs_in() {
    let app = spawn_app().await;
    let reply = sign_up(&app, "Rowan@Example.org ", "rowan").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains("confirmation link"));

    // Not yet confirmed: a kind explanation, and no session.
    let early = post(
        &app,
        "auth/login",
        &[("email", "rowan@example.org"), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    assert!(early.body.contains("confirm your email"), "{}", early.body);
    assert!(early.set_cookie("ws_access").is_none());

    let token = mailed_token(&app, "rowan@example.org", "/verify")
        .await
        .unwrap();
    let confirmed = post(
        &app,
        "auth/verify",
        &[("token", &token)],
        &reply.confirm_cookie(),
    )
    .await;
    assert_eq!(confirmed.status, StatusCode::OK);
    // Single use.
    let again = post(&app, "auth/verify", &[("token", &token)], "").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("TokenInvalid"), "{}", again.body);

    let session = sign_in(&app, "rowan@example.org").await;
    let me = viewer(&app, &session.cookies()).await;
    assert_eq!(me["handle"], "rowan");
    assert_eq!(me["role"], "member");
    assert_eq!(me["aal"], "aal1");
    // The password is stored as argon2id with OWASP parameters, never in plain text.
    let hash: String = sqlx::query_scalar("select password_hash from auth.users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    // A visitor is nobody.
    assert_eq!(viewer(&app, "").await, Value::Null);
}

#[tokio::test]
async fn bad_sign_up_input_gets_field_messages_and_changes_nothing() {
    let app = spawn_app().await;
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        ("not-an-email", PASSWORD, "fern", "Fern", "email"),
        ("fern@example.org", "short", "fern", "Fern", "password"),
        (
            "fern@example.org",
            "password123",
            "fern",
            "Fern",
            "password",
        ),
        (
            "fern@example.org",
            PASSWORD,
            "fe\u{200B}rn",
            "Fern",
            "handle",
        ),
        ("fern@example.org", PASSWORD, "admin", "Fern", "handle"),
        (
            "fern@example.org",
            PASSWORD,
            "fern",
            "Fe\u{202E}rn",
            "display_name",
        ),
    ];
    for (email, password, handle, name, field) in cases {
        let reply = post(
            &app,
            "auth/signup",
            &[
                ("email", email),
                ("password", password),
                ("handle", handle),
                ("display_name", name),
            ],
            "",
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{field}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(field),
            "{field} not named in {}",
            reply.body
        );
    }
    let overlong = "x".repeat(129);
    let reply = post(
        &app,
        "auth/signup",
        &[
            ("email", "fern@example.org"),
            ("password", &overlong),
            ("handle", "fern"),
            ("display_name", "Fern"),
        ],
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("at most 128"));
    // Missing fields are refused by the decoder with a readable message, not a crash.
    let reply = post(&app, "auth/signup", &[("email", "fern@example.org")], "").await;
    assert!(reply.status.is_client_error() || reply.status.is_server_error());
    assert_eq!(count(&app, "select count(*) from auth.users").await, 0);
    assert_eq!(
        count(&app, "select count(*) from app.outbox_emails").await,
        0
    );
}

#[tokio::test]
async fn responses_never_reveal_whether_an_email_has_an_account() {
    let app = spawn_app().await;
    confirmed_member(&app, "known@example.org", "known").await;

    // Sign-up with a taken email answers exactly like a new one; the owner is told instead.
    let taken = sign_up(&app, "known@example.org", "other").await;
    let fresh = sign_up(&app, "fresh@example.org", "fresh").await;
    assert_eq!((taken.status, &taken.body), (fresh.status, &fresh.body));
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.users where email = 'known@example.org'"
        )
        .await,
        1
    );

    let forgot_known = post(&app, "auth/forgot", &[("email", "known@example.org")], "").await;
    let forgot_unknown = post(&app, "auth/forgot", &[("email", "nobody@example.org")], "").await;
    assert_eq!(forgot_known.status, StatusCode::OK);
    assert_eq!(
        (forgot_known.status, &forgot_known.body),
        (forgot_unknown.status, &forgot_unknown.body)
    );

    let wrong = post(
        &app,
        "auth/login",
        &[
            ("email", "known@example.org"),
            ("password", "not the password"),
        ],
        "",
    )
    .await;
    let unknown = post(
        &app,
        "auth/login",
        &[
            ("email", "nobody@example.org"),
            ("password", "not the password"),
        ],
        "",
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_late_replay_revokes_the_session() {
    let app = spawn_app().await;
    confirmed_member(&app, "ash@example.org", "ash").await;
    let a = sign_in(&app, "ash@example.org").await.refresh;

    // Only the refresh cookie: the middleware rotates it and serves the page signed in.
    let refresh = |token: String| {
        let app = &app;
        async move {
            let response = bare_client()
                .post(format!("{}/api/account/viewer", app.address))
                .header(header::COOKIE, format!("ws_refresh={token}"))
                .send()
                .await
                .unwrap();
            let reply = Reply {
                status: response.status(),
                headers: response.headers().clone(),
                body: response.text().await.unwrap(),
            };
            (reply.set_cookie("ws_refresh"), reply.json())
        }
    };
    let (b, me) = refresh(a.clone()).await;
    let b = b.unwrap();
    assert_ne!(b, a);
    assert_eq!(me["handle"], "ash", "served without the member noticing");
    let (c, _) = refresh(b.clone()).await;
    let c = c.unwrap();
    assert_ne!(c, b);

    // B replayed inside the grace window (a parallel tab) gets the current token, C.
    let (replayed, me) = refresh(b.clone()).await;
    assert_eq!(replayed.as_deref(), Some(c.as_str()));
    assert_eq!(me["handle"], "ash");

    // A replayed later: reuse detected, the whole session ends, cookies are cleared.
    sqlx::query("update auth.refresh_tokens set used_at = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let (cleared, me) = refresh(a).await;
    assert_eq!(cleared.as_deref(), Some(""));
    assert_eq!(me, Value::Null);
    let (_, me) = refresh(c).await;
    assert_eq!(me, Value::Null, "the current token died with its session");
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.sessions where revoked_reason = 'refresh_token_reuse'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event = 'refresh_token_reuse'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn every_sign_in_starts_a_new_session_and_sign_out_ends_it_at_once() {
    let app = spawn_app().await;
    confirmed_member(&app, "oak@example.org", "oak").await;
    let first = sign_in(&app, "oak@example.org").await;
    // Signing in while carrying a session still issues a new one (no fixation).
    let reply = post(
        &app,
        "auth/login",
        &[("email", "oak@example.org"), ("password", PASSWORD)],
        &first.cookies(),
    )
    .await;
    let second_access = reply.set_cookie("ws_access").unwrap();
    assert_ne!(second_access, first.access);
    assert_ne!(reply.set_cookie("ws_refresh").unwrap(), first.refresh);
    assert_eq!(count(&app, "select count(*) from auth.sessions").await, 2);

    let signed_out = post(&app, "auth/logout", &[], &first.cookies()).await;
    assert_eq!(signed_out.set_cookie("ws_access").as_deref(), Some(""));
    // The old access token is still unexpired, but a write with it is refused at once.
    let write = post(
        &app,
        "account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "another calm river"),
        ],
        &format!("ws_access={}", first.access),
    )
    .await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED, "{}", write.body);
    // The other session is untouched.
    let me = viewer(&app, &format!("ws_access={second_access}")).await;
    assert_eq!(me["handle"], "oak");
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event in ('sign_in', 'sign_out')"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn forged_and_foreign_tokens_are_ignored() {
    let app = spawn_app().await;
    confirmed_member(&app, "elm@example.org", "elm").await;
    let session = sign_in(&app, "elm@example.org").await;
    assert_eq!(
        viewer(&app, &format!("ws_access={}", session.access)).await["handle"],
        "elm"
    );

    let user_id: uuid::Uuid = sqlx::query_scalar("select id from auth.users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = AccessClaims {
        sub: user_id.to_string(),
        role: "authenticated".into(),
        aal: "aal2".into(),
        amr: vec!["password".into()],
        session_id: uuid::Uuid::new_v4().to_string(),
        iss: "wellspring".into(),
        aud: "authenticated".into(),
        iat: now,
        exp: now + 600,
        app_role: "admin".into(),
        handle: None,
        display_name: None,
        avatar: None,
        standing: None,
    };
    let other_key = JwtKey::new(b"someone-else's-secret-that-is-long-enough").sign(&claims);
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let alg_none = format!(
        "{}.{}.",
        b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
        b64.encode(serde_json::to_vec(&claims).unwrap())
    );
    for forged in [other_key, alg_none, "garbage".to_owned()] {
        let me = viewer(&app, &format!("ws_access={forged}")).await;
        assert_eq!(me, Value::Null, "forged token accepted: {forged}");
    }
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_with_retry_after() {
    let app = spawn_app_with(|settings| {
        settings.limits.sign_in_per_account = 3;
        settings.limits.failures_before_delay = 100;
    })
    .await;
    confirmed_member(&app, "yew@example.org", "yew").await;
    for attempt in 1..=3 {
        let reply = post(
            &app,
            "auth/login",
            &[("email", "yew@example.org"), ("password", "wrong password")],
            "",
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    // The fourth request is the first refused, even with the right password.
    let fourth = post(
        &app,
        "auth/login",
        &[("email", "yew@example.org"), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(fourth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(fourth.body.contains("RateLimited"), "{}", fourth.body);
    let retry_after: u64 = fourth.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    // Counted in PostgreSQL, where every instance sees it.
    assert_eq!(
        count(&app, "select coalesce(max(hits), 0)::int8 from auth.rate_limits where bucket like 'sign_in:account:%'").await,
        4
    );
}

#[tokio::test]
async fn repeated_failures_make_one_account_wait_longer() {
    let app = spawn_app_with(|settings| settings.limits.failures_before_delay = 2).await;
    confirmed_member(&app, "birch@example.org", "birch").await;
    for _ in 0..2 {
        let reply = post(
            &app,
            "auth/login",
            &[
                ("email", "birch@example.org"),
                ("password", "wrong password"),
            ],
            "",
        )
        .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let waiting = post(
        &app,
        "auth/login",
        &[("email", "birch@example.org"), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(
        waiting.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        waiting.body
    );
    // Another account is not slowed down.
    confirmed_member(&app, "pine@example.org", "pine").await;
    sign_in(&app, "pine@example.org").await;
}

#[tokio::test]
async fn cross_site_writes_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = bare_client()
            .post(format!("{}/api/auth/signup", app.address))
            .header(name, value)
            .form(&[
                ("email", "csrf@example.org"),
                ("password", PASSWORD),
                ("handle", "csrf"),
                ("display_name", "C"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("another site"));
    }
    assert_eq!(count(&app, "select count(*) from auth.users").await, 0);
    // The same request from the site itself goes through.
    let response = bare_client()
        .post(format!("{}/api/auth/signup", app.address))
        .header("origin", app.address.as_str())
        .form(&[
            ("email", "csrf@example.org"),
            ("password", PASSWORD),
            ("handle", "csrf"),
            ("display_name", "C"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

pub fn current_code(secret_b32: &str) -> String {
    let secret = totp::base32_decode(secret_b32).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    totp::code_at(&secret, totp::step_at(now))
}

pub fn next_code(secret_b32: &str) -> String {
    let secret = totp::base32_decode(secret_b32).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    totp::code_at(&secret, totp::step_at(now) + 1)
}

#[tokio::test]
async fn totp_enrolment_then_sign_in_needs_the_second_factor() {
    let app = spawn_app().await;
    confirmed_member(&app, "sage@example.org", "sage").await;
    let session = sign_in(&app, "sage@example.org").await;
    let enrolment = post(&app, "account/mfa-enroll", &[], &session.cookies())
        .await
        .json();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    assert!(
        enrolment["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    // The secret is stored encrypted, not as the base32 shown once.
    let stored: Vec<u8> = sqlx::query_scalar("select secret_ciphertext from auth.mfa_factors")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(stored, totp::base32_decode(&secret).unwrap());

    let wrong = post(
        &app,
        "account/mfa-verify",
        &[("code", "000000")],
        &session.cookies(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let enrolment_code = current_code(&secret);
    let verified = post(
        &app,
        "account/mfa-verify",
        &[("code", &enrolment_code)],
        &session.cookies(),
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK, "{}", verified.body);
    let codes: Vec<String> = serde_json::from_value(verified.json()).unwrap();
    assert_eq!(codes.len(), 10);
    let upgraded = verified.set_cookie("ws_access").unwrap();
    let me = viewer(&app, &format!("ws_access={upgraded}")).await;
    assert_eq!(me["aal"], "aal2");
    assert_eq!(me["has_mfa"], true);

    // Sign in again: the password alone leads to the second step, not a session.
    let first = post(
        &app,
        "auth/login",
        &[("email", "sage@example.org"), ("password", PASSWORD)],
        "",
    )
    .await;
    assert!(first.set_cookie("ws_access").is_none());
    let ticket = first.set_cookie("ws_mfa").expect("second-step ticket");
    assert!(
        first
            .headers
            .get(header::LOCATION)
            .is_some_and(|l| l.to_str().unwrap().starts_with("/login/mfa"))
    );
    // The code already used at enrolment does not work twice; the next step's does.
    // (The exact code from enrolment, even if a 30-second step has passed since.)
    let reused = post(
        &app,
        "auth/login-mfa",
        &[("code", &enrolment_code)],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST, "{}", reused.body);
    let second = post(
        &app,
        "auth/login-mfa",
        &[("code", &next_code(&secret))],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let access = second.set_cookie("ws_access").unwrap();
    let me = viewer(&app, &format!("ws_access={access}")).await;
    assert_eq!(me["aal"], "aal2");

    // A recovery code works once.
    let again = post(
        &app,
        "auth/login",
        &[("email", "sage@example.org"), ("password", PASSWORD)],
        "",
    )
    .await;
    let ticket = again.set_cookie("ws_mfa").unwrap();
    let recovery = codes[0].to_uppercase().replace('-', "");
    let ok = post(
        &app,
        "auth/login-mfa",
        &[("code", &recovery)],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let twice = post(
        &app,
        "auth/login-mfa",
        &[("code", &codes[0])],
        &format!("ws_mfa={ticket}"),
    )
    .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event in ('mfa_enrolled', 'mfa_failed')"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_reset_works_by_mail() {
    let app = spawn_app().await;
    confirmed_member(&app, "ivy@example.org", "ivy").await;
    let phone = sign_in(&app, "ivy@example.org").await;
    let laptop = sign_in(&app, "ivy@example.org").await;
    let wrong = post(
        &app,
        "account/password",
        &[
            ("current_password", "not it"),
            ("new_password", "a brand new phrase"),
        ],
        &laptop.cookies(),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("current_password"));
    let changed = post(
        &app,
        "account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "a brand new phrase"),
        ],
        &laptop.cookies(),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(changed.body.contains("other device was signed out"));
    let phone_write = post(&app, "account/mfa-enroll", &[], &phone.cookies()).await;
    assert_eq!(phone_write.status, StatusCode::UNAUTHORIZED);

    // Forgot → mailed link → new password; every session ends.
    post(&app, "auth/forgot", &[("email", "ivy@example.org")], "").await;
    let token = mailed_token(&app, "ivy@example.org", "/reset")
        .await
        .unwrap();
    let reset = post(
        &app,
        "auth/reset",
        &[("token", &token), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let laptop_write = post(&app, "account/mfa-enroll", &[], &laptop.cookies()).await;
    assert_eq!(laptop_write.status, StatusCode::UNAUTHORIZED);
    sign_in(&app, "ivy@example.org").await;
    let reused = post(
        &app,
        "auth/reset",
        &[("token", &token), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_magic_link_signs_in_once() {
    let app = spawn_app().await;
    confirmed_member(&app, "moss@example.org", "moss").await;
    post(
        &app,
        "auth/magic-link",
        &[("email", "moss@example.org")],
        "",
    )
    .await;
    let token = mailed_token(&app, "moss@example.org", "/magic")
        .await
        .unwrap();
    let reply = post(&app, "auth/magic", &[("token", &token)], "").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let access = reply.set_cookie("ws_access").unwrap();
    assert_eq!(
        viewer(&app, &format!("ws_access={access}")).await["handle"],
        "moss"
    );
    let again = post(&app, "auth/magic", &[("token", &token)], "").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    // Expired links are refused too.
    post(
        &app,
        "auth/magic-link",
        &[("email", "moss@example.org")],
        "",
    )
    .await;
    sqlx::query("update auth.one_time_tokens set expires_at = now() - interval '1 second', created_at = now() - interval '2 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("delete from auth.rate_limits")
        .execute(&app.pool)
        .await
        .unwrap();
    post(
        &app,
        "auth/magic-link",
        &[("email", "moss@example.org")],
        "",
    )
    .await;
    sqlx::query("update auth.one_time_tokens set expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let token = mailed_token(&app, "moss@example.org", "/magic")
        .await
        .unwrap();
    let expired = post(&app, "auth/magic", &[("token", &token)], "").await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn members_list_and_revoke_only_their_own_sessions() {
    let app = spawn_app().await;
    confirmed_member(&app, "fir@example.org", "fir").await;
    confirmed_member(&app, "hazel@example.org", "hazel").await;
    let here = sign_in(&app, "fir@example.org").await;
    let there = sign_in(&app, "fir@example.org").await;
    let hazel = sign_in(&app, "hazel@example.org").await;

    let list = post(&app, "account/sessions", &[], &here.cookies())
        .await
        .json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "only fir's own sessions: {list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);

    // Naming hazel's session revokes nothing.
    let hazel_id: String = sqlx::query_scalar(
        "select s.id::text from auth.sessions s join auth.users u on u.id = s.user_id where u.email = 'hazel@example.org'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let reply = post(
        &app,
        "account/sessions-revoke",
        &[("which", &hazel_id)],
        &here.cookies(),
    )
    .await;
    assert!(
        reply.body.contains("Signed out 0 devices"),
        "{}",
        reply.body
    );
    assert_eq!(viewer(&app, &hazel.cookies()).await["handle"], "hazel");

    let reply = post(
        &app,
        "account/sessions-revoke",
        &[("which", "others")],
        &here.cookies(),
    )
    .await;
    assert!(reply.body.contains("Signed out 1 device"), "{}", reply.body);
    let write = post(&app, "account/mfa-enroll", &[], &there.cookies()).await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
    let write = post(&app, "account/mfa-enroll", &[], &here.cookies()).await;
    assert_eq!(write.status, StatusCode::OK);
}

#[tokio::test]
async fn account_functions_need_a_session() {
    let app = spawn_app().await;
    for endpoint in ["account/profile", "account/sessions", "account/mfa-enroll"] {
        let reply = post(&app, endpoint, &[], "").await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
}

#[tokio::test]
async fn the_mail_outbox_reaches_members_over_smtp() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(move |settings| {
        settings.mail.smtp_url = Some(url.into());
        settings.mail.poll_interval_ms = 100;
    })
    .await;
    sign_up(&app, "wren@example.org", "wren").await;
    let mut delivered = Vec::new();
    for _ in 0..100 {
        delivered = sink.messages();
        if !delivered.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(delivered.len(), 1);
    assert!(delivered[0].data.contains("/verify?token="));
    assert!(
        delivered[0]
            .to
            .iter()
            .any(|to| to.contains("wren@example.org"))
    );
}

#[tokio::test]
async fn the_development_mailbox_shows_mail_escaped_and_exists_only_in_development() {
    let app = spawn_app().await;
    sign_up(&app, "lark@example.org", "lark").await;
    let (status, _, body) = app.get_text("/dev/mailbox").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("lark@example.org"));
    assert!(body.contains("/verify?token="));

    let production = spawn_app_with(|settings| {
        settings.app_env = wellspring::server::config::AppEnv::Production;
    })
    .await;
    let (status, _, _) = production.get_text("/dev/mailbox").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn make_admin(app: &TestApp, email: &str) {
    sqlx::query("update auth.users set role = 'admin' where email = $1")
        .bind(email)
        .execute(&app.pool)
        .await
        .unwrap();
}

#[tokio::test]
async fn only_admins_change_roles_and_with_their_second_factor() {
    let app = spawn_app().await;
    confirmed_member(&app, "root@example.org", "rooted").await;
    confirmed_member(&app, "leaf@example.org", "leaf").await;
    let leaf = sign_in(&app, "leaf@example.org").await;
    let denied = post(
        &app,
        "admin/role",
        &[("handle", "rooted"), ("role", "member")],
        &leaf.cookies(),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    make_admin(&app, "root@example.org").await;
    let root = sign_in(&app, "root@example.org").await;
    // Without two-step sign-in an admin acts as a member, and is told why.
    let refused = post(
        &app,
        "admin/role",
        &[("handle", "leaf"), ("role", "moderator")],
        &root.cookies(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("two-step sign-in"),
        "{}",
        refused.body
    );
    let enrolment = post(&app, "account/mfa-enroll", &[], &root.cookies())
        .await
        .json();
    let secret = enrolment["secret"].as_str().unwrap().to_owned();
    let verified = post(
        &app,
        "account/mfa-verify",
        &[("code", &current_code(&secret))],
        &root.cookies(),
    )
    .await;
    assert_eq!(verified.status, StatusCode::OK);
    let aal2 = verified.set_cookie("ws_access").unwrap();
    let done = post(
        &app,
        "admin/role",
        &[("handle", "leaf"), ("role", "moderator")],
        &format!("ws_access={aal2}"),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let role: String =
        sqlx::query_scalar("select role from auth.users where email = 'leaf@example.org'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(role, "moderator");
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.audit_log where event = 'role_changed'"
        )
        .await,
        1
    );

    // A fresh aal1 sign-in (password only; the second step not taken) may not act either.
    let aal1 = post(
        &app,
        "admin/role",
        &[("handle", "leaf"), ("role", "member")],
        &root.cookies(),
    )
    .await;
    assert_eq!(aal1.status, StatusCode::BAD_REQUEST, "{}", aal1.body);
    let ok = post(
        &app,
        "admin/role",
        &[("handle", "leaf"), ("role", "member")],
        &format!("ws_access={aal2}"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

#[tokio::test]
async fn idle_sessions_end() {
    let app = spawn_app().await;
    confirmed_member(&app, "reed@example.org", "reed").await;
    let session = sign_in(&app, "reed@example.org").await;
    sqlx::query("update auth.sessions set last_seen_at = now() - interval '30 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    let write = post(&app, "account/mfa-enroll", &[], &session.cookies()).await;
    assert_eq!(write.status, StatusCode::UNAUTHORIZED);
    let refreshed = post(
        &app,
        "account/viewer",
        &[],
        &format!("ws_refresh={}", session.refresh),
    )
    .await;
    assert_eq!(refreshed.json(), Value::Null);
}

#[tokio::test]
async fn changing_email_is_confirmed_from_the_new_address() {
    let app = spawn_app().await;
    confirmed_member(&app, "old@example.org", "thistle").await;
    confirmed_member(&app, "taken@example.org", "taken").await;
    let here = sign_in(&app, "old@example.org").await;
    let elsewhere = sign_in(&app, "old@example.org").await;
    let bad = post(
        &app,
        "account/email",
        &[("new_email", "nope")],
        &here.cookies(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // A taken address answers the same and sends nothing.
    let taken = post(
        &app,
        "account/email",
        &[("new_email", "taken@example.org")],
        &here.cookies(),
    )
    .await;
    assert_eq!(taken.status, StatusCode::OK);
    assert!(
        mailed_token(&app, "taken@example.org", "/verify")
            .await
            .is_some(),
        "only the old confirmation"
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from auth.one_time_tokens where purpose = 'change_email'"
        )
        .await,
        0
    );
    let asked = post(
        &app,
        "account/email",
        &[("new_email", "new@example.org")],
        &here.cookies(),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK);
    let token = mailed_token(&app, "new@example.org", "/verify")
        .await
        .unwrap();
    let confirmed = post(&app, "auth/verify", &[("token", &token)], &here.cookies()).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_eq!(
        viewer(&app, &here.cookies()).await["email"],
        "new@example.org"
    );
    let write = post(&app, "account/mfa-enroll", &[], &elsewhere.cookies()).await;
    assert_eq!(
        write.status,
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );
}

#[tokio::test]
async fn a_refused_form_without_javascript_is_sent_back_to_its_page_with_the_error() {
    let app = spawn_app().await;
    let response = bare_client()
        .post(format!("{}/api/auth/login", app.address))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("{}/login", app.address))
        .form(&[
            ("email", "nobody@example.org"),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("/login"), "{location}");
    assert!(
        location.contains("__err="),
        "the error travels back: {location}"
    );
}
