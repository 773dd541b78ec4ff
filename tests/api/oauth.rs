//! "Sign in with Google / GitHub" end to end: the browser's path from our start route to the
//! provider (a mock on loopback) and back to our callback, then a request as the member.

use crate::{
    helpers::{TestApp, TestDatabase, spawn_app_with},
    oauth_provider::{Flavour, MockProvider, Profile},
};
use reqwest::{StatusCode, Url, header};
use serde_json::{Value, json};
use sqlx::PgPool;
use uuid::Uuid;
use wellspring::server::db::scoped::{self, DbRole, RequestClaims};

/// The app's configured origin. Never dialled: the test carries the provider's redirect
/// back to the app itself, as a browser would follow it to the real site.
const PUBLIC_URL: &str = "http://wellspring.test";

fn provider_name(flavour: Flavour) -> &'static str {
    match flavour {
        Flavour::Google => "google",
        Flavour::GitHub => "github",
    }
}

async fn app_with(providers: &[&MockProvider]) -> TestApp {
    let configured: Vec<_> = providers
        .iter()
        .map(|m| (m.flavour, m.settings()))
        .collect();
    spawn_app_with(move |settings| {
        settings.server.public_url = PUBLIC_URL.into();
        for (flavour, provider) in configured {
            match flavour {
                Flavour::Google => settings.oauth.google = Some(provider),
                Flavour::GitHub => settings.oauth.github = Some(provider),
            }
        }
    })
    .await
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_owned()
}

/// The value a response sets for cookie `name` (empty when it clears it).
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `GET /auth/oauth/{provider}/start?next=...` with the app's cookie-keeping client.
async fn start(app: &TestApp, provider: &str, next: &str) -> reqwest::Response {
    let mut url = Url::parse(&format!("{}/auth/oauth/{provider}/start", app.address)).unwrap();
    url.query_pairs_mut().append_pair("next", next);
    app.client.get(url).send().await.unwrap()
}

/// Starts at the app and follows the redirect to the provider, which approves at once.
/// Returns the authorize URL the app chose and the callback path the provider sent back.
async fn to_provider_and_back(app: &TestApp, mock: &MockProvider, next: &str) -> String {
    let started = start(app, provider_name(mock.flavour), next).await;
    assert_eq!(started.status(), StatusCode::SEE_OTHER);
    assert!(set_cookie(&started, "ws_oauth").is_some_and(|v| !v.is_empty()));
    let authorize = location(&started);
    assert!(
        authorize.starts_with(&format!("{}/authorize?", mock.address)),
        "{authorize}"
    );
    approve(app, &authorize).await
}

/// Visits the provider's authorize URL; returns the path (on our app) it sends back to.
async fn approve(app: &TestApp, authorize_url: &str) -> String {
    let approved = app.client.get(authorize_url).send().await.unwrap();
    assert_eq!(approved.status(), StatusCode::TEMPORARY_REDIRECT);
    let back = location(&approved);
    back.strip_prefix(PUBLIC_URL)
        .unwrap_or_else(|| panic!("the provider sent the browser to {back}"))
        .to_owned()
}

/// The whole round trip; returns our callback's response.
async fn sign_in_with(app: &TestApp, mock: &MockProvider, next: &str) -> reqwest::Response {
    let callback = to_provider_and_back(app, mock, next).await;
    app.get(&callback).await
}

fn assert_refused(response: &reqwest::Response) {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response), "/login?error=oauth");
    assert_eq!(set_cookie(response, "ws_access"), None);
    assert_eq!(set_cookie(response, "ws_refresh"), None);
}

/// Who the app's client is signed in as (`null` for a visitor).
async fn viewer(app: &TestApp) -> Value {
    app.call_server_fn("account/viewer")
        .await
        .json()
        .await
        .unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// A member who signed up with a password, confirmed or not.
async fn existing_member(pool: &PgPool, email: &str, handle: &str, confirmed: bool) -> Uuid {
    let id: Uuid = sqlx::query_scalar(
        "insert into auth.users (email, password_hash, email_confirmed_at)
         values ($1, 'argon2-hash', case when $2 then now() end) returning id",
    )
    .bind(email)
    .bind(confirmed)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("insert into app.profiles (user_id, handle, display_name) values ($1, $2, $2)")
        .bind(id)
        .bind(handle)
        .execute(pool)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn google_sign_in_creates_a_confirmed_account_without_a_password_and_signs_in() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile {
        name: Some("Jane Doe".into()),
        ..Profile::new("google-100", "Jane.Doe@Example.com", true)
    });
    let app = app_with(&[&google]).await;

    let response = sign_in_with(&app, &google, "/settings/security").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/settings/security");
    assert!(set_cookie(&response, "ws_access").is_some_and(|v| !v.is_empty()));
    assert!(set_cookie(&response, "ws_refresh").is_some_and(|v| !v.is_empty()));
    assert_eq!(set_cookie(&response, "ws_oauth").as_deref(), Some(""));

    // What the app asked the provider for.
    let asked = google.last_authorize();
    assert_eq!(
        asked["redirect_uri"],
        format!("{PUBLIC_URL}/auth/oauth/google/callback")
    );
    assert_eq!(asked["scope"], "openid email profile");
    assert_eq!(asked["code_challenge_method"], "S256");
    assert_eq!(asked["code_challenge"].len(), 43);
    assert!(asked["nonce"].len() >= 43);
    assert_eq!(google.tokens_issued(), 1);

    let me = viewer(&app).await;
    assert_eq!(me["email"], "jane.doe@example.com");
    assert_eq!(me["handle"], "jane_doe");
    assert_eq!(me["display_name"], "Jane Doe");
    assert_eq!(me["email_confirmed"], true);
    let user_id: Uuid = me["user_id"].as_str().unwrap().parse().unwrap();

    let (password_hash,): (Option<String>,) =
        sqlx::query_as("select password_hash from auth.users where id = $1")
            .bind(user_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(password_hash, None);
    let identity: (Uuid, String, String, String) =
        sqlx::query_as("select user_id, provider, subject, email from auth.identities")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        identity,
        (
            user_id,
            "google".into(),
            "google-100".into(),
            "jane.doe@example.com".into()
        )
    );
    let events: Vec<String> =
        sqlx::query_scalar("select event from auth.audit_log where subject = $1 order by id")
            .bind(user_id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(events, ["sign_up", "oauth_linked", "sign_in"]);
    let amr: Vec<String> = sqlx::query_scalar("select amr from auth.sessions where user_id = $1")
        .bind(user_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(amr, ["oauth"]);
}

#[tokio::test]
async fn a_callback_cannot_be_replayed() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-1", "replay@example.com", true));
    let app = app_with(&[&google]).await;
    let callback = to_provider_and_back(&app, &google, "/").await;
    assert_eq!(app.get(&callback).await.status(), StatusCode::SEE_OTHER);
    // The state cookie was cleared, and the code used.
    assert_refused(&app.get(&callback).await);
}

#[tokio::test]
async fn github_sign_in_uses_the_primary_verified_email_and_numeric_id() {
    let github = MockProvider::start(Flavour::GitHub).await;
    github.sign_in_as(Profile {
        name: Some("Octo Cat".into()),
        ..Profile::new("583231", "octo@example.com", true)
    });
    let app = app_with(&[&github]).await;

    let response = sign_in_with(&app, &github, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let asked = github.last_authorize();
    assert_eq!(asked["scope"], "read:user user:email");
    assert!(!asked.contains_key("nonce"), "GitHub is not OIDC");

    let me = viewer(&app).await;
    assert_eq!(me["email"], "octo@example.com");
    assert_eq!(me["handle"], "octo");
    assert_eq!(me["display_name"], "Octo Cat");
    let subject: String =
        sqlx::query_scalar("select subject from auth.identities where provider = 'github'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(subject, "583231");
}

#[tokio::test]
async fn a_new_account_gets_a_free_valid_handle() {
    let github = MockProvider::start(Flavour::GitHub).await;
    github.sign_in_as(Profile::new("77", "river@example.com", true));
    let app = app_with(&[&github]).await;
    existing_member(&app.pool, "someone-else@example.com", "river", true).await;

    let response = sign_in_with(&app, &github, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let me = viewer(&app).await;
    assert_eq!(me["handle"], "river2");
    // No name from the provider but the login: the display name falls back to it.
    assert_eq!(me["display_name"], "river");
}

#[tokio::test]
async fn a_verified_email_links_to_the_existing_account() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-200", "Member@Example.com", true));
    let app = app_with(&[&google]).await;
    let member = existing_member(&app.pool, "member@example.com", "member_one", true).await;

    let response = sign_in_with(&app, &google, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    let me = viewer(&app).await;
    assert_eq!(me["user_id"], member.to_string());
    assert_eq!(me["handle"], "member_one");
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 1);
    let linked: Uuid = sqlx::query_scalar(
        "select user_id from auth.identities where provider = 'google' and subject = 'google-200'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(linked, member);
    assert_eq!(
        count(
            &app.pool,
            "select count(*) from auth.audit_log where event = 'oauth_linked'"
        )
        .await,
        1
    );
    // A confirmed member keeps their password.
    let hash: Option<String> =
        sqlx::query_scalar("select password_hash from auth.users where id = $1")
            .bind(member)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(hash.as_deref(), Some("argon2-hash"));
}

#[tokio::test]
async fn linking_an_unconfirmed_account_confirms_it_and_drops_the_unproven_password() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-300", "owner@example.com", true));
    let app = app_with(&[&google]).await;
    // Someone registered the owner's address first and never confirmed it.
    let squatted = existing_member(&app.pool, "owner@example.com", "squatter", false).await;

    let response = sign_in_with(&app, &google, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (hash, confirmed): (Option<String>, bool) = sqlx::query_as(
        "select password_hash, email_confirmed_at is not null from auth.users where id = $1",
    )
    .bind(squatted)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(hash, None);
    assert!(confirmed);
}

#[tokio::test]
async fn a_linked_identity_signs_in_as_its_account_even_after_the_email_changes() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-400", "first@example.com", true));
    let app = app_with(&[&google]).await;
    assert_eq!(
        sign_in_with(&app, &google, "/").await.status(),
        StatusCode::SEE_OTHER
    );
    let first = viewer(&app).await["user_id"].clone();

    // Same Google account, new address (and now unverified): still the same member.
    google.sign_in_as(Profile::new("google-400", "second@example.com", false));
    assert_eq!(location(&sign_in_with(&app, &google, "/").await), "/");
    assert_eq!(viewer(&app).await["user_id"], first);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 1);
    assert_eq!(
        count(&app.pool, "select count(*) from auth.identities").await,
        1
    );
}

#[tokio::test]
async fn an_unverified_email_neither_creates_an_account_nor_links_one() {
    let google = MockProvider::start(Flavour::Google).await;
    let github = MockProvider::start(Flavour::GitHub).await;
    let app = app_with(&[&google, &github]).await;

    // A new address.
    google.sign_in_as(Profile::new("google-500", "new@example.com", false));
    assert_refused(&sign_in_with(&app, &google, "/").await);
    github.sign_in_as(Profile::new("500", "new@example.com", false));
    assert_refused(&sign_in_with(&app, &github, "/").await);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 0);

    // Someone else's address.
    existing_member(&app.pool, "victim@example.com", "victim", true).await;
    google.sign_in_as(Profile::new("google-501", "victim@example.com", false));
    assert_refused(&sign_in_with(&app, &google, "/").await);
    github.sign_in_as(Profile::new("501", "victim@example.com", false));
    assert_refused(&sign_in_with(&app, &github, "/").await);

    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 1);
    assert_eq!(
        count(&app.pool, "select count(*) from auth.identities").await,
        0
    );
    assert_eq!(
        count(&app.pool, "select count(*) from auth.sessions").await,
        0
    );
    assert_eq!(viewer(&app).await, Value::Null);
}

#[tokio::test]
async fn a_tampered_state_is_refused() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-600", "tamper@example.com", true));
    let app = app_with(&[&google]).await;

    let callback = to_provider_and_back(&app, &google, "/").await;
    let mut url = Url::parse(&format!("{PUBLIC_URL}{callback}")).unwrap();
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    url.query_pairs_mut()
        .clear()
        .append_pair("code", &code)
        .append_pair("state", &wellspring::server::auth::token::random_token());
    assert_refused(
        &app.get(&format!("{}?{}", url.path(), url.query().unwrap()))
            .await,
    );

    // The code was never exchanged, and nobody was signed in.
    assert_eq!(google.tokens_issued(), 0);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 0);
}

#[tokio::test]
async fn a_tampered_state_cookie_is_refused() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-601", "cookie@example.com", true));
    let app = app_with(&[&google]).await;

    let started = start(&app, "google", "/").await;
    let cookie = set_cookie(&started, "ws_oauth").unwrap();
    let callback = approve(&app, &location(&started)).await;
    // Flip one character of the signed payload.
    let mut forged = cookie.into_bytes();
    forged[5] = if forged[5] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{callback}", app.address))
        .header(header::COOKIE, format!("ws_oauth={forged}"))
        .send()
        .await
        .unwrap();
    assert_refused(&response);
    assert_eq!(google.tokens_issued(), 0);
}

#[tokio::test]
async fn a_callback_without_the_state_cookie_is_refused() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-700", "nocookie@example.com", true));
    let app = app_with(&[&google]).await;

    // Started in one browser, finished in another (a login CSRF attempt looks like this).
    let callback = to_provider_and_back(&app, &google, "/").await;
    let other_browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = other_browser
        .get(format!("{}{callback}", app.address))
        .send()
        .await
        .unwrap();
    assert_refused(&response);
    assert_eq!(google.tokens_issued(), 0);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 0);
}

#[tokio::test]
async fn a_code_issued_for_another_pkce_challenge_is_refused() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-800", "pkce@example.com", true));
    let app = app_with(&[&google]).await;

    let started = start(&app, "google", "/").await;
    let mut authorize = Url::parse(&location(&started)).unwrap();
    let pairs: Vec<(String, String)> = authorize
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The code is bound to an attacker's challenge, not the one our verifier answers.
    let attackers = wellspring::server::auth::token::pkce_challenge("an attacker's verifier");
    authorize.query_pairs_mut().clear();
    for (key, value) in pairs {
        let value = if key == "code_challenge" {
            attackers.clone()
        } else {
            value
        };
        authorize.query_pairs_mut().append_pair(&key, &value);
    }
    let callback = approve(&app, authorize.as_str()).await;
    assert_refused(&app.get(&callback).await);
    assert_eq!(google.pkce_rejections(), 1);
    assert_eq!(google.tokens_issued(), 0);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 0);
}

#[tokio::test]
async fn an_id_token_with_another_flows_nonce_is_refused() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-900", "nonce@example.com", true));
    google.use_id_token_nonce("a-nonce-from-some-other-sign-in");
    let app = app_with(&[&google]).await;

    assert_refused(&sign_in_with(&app, &google, "/").await);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 0);
}

#[tokio::test]
async fn an_offsite_next_lands_on_the_home_page() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-1000", "next@example.com", true));
    let app = app_with(&[&google]).await;

    for next in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let response = sign_in_with(&app, &google, next).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{next}");
        assert_eq!(location(&response), "/", "{next}");
    }
}

#[tokio::test]
async fn an_account_with_two_step_sign_in_continues_at_the_second_factor() {
    let google = MockProvider::start(Flavour::Google).await;
    google.sign_in_as(Profile::new("google-1100", "careful@example.com", true));
    let app = app_with(&[&google]).await;
    let member = existing_member(&app.pool, "careful@example.com", "careful", true).await;
    sqlx::query(
        "insert into auth.mfa_factors (user_id, secret_ciphertext, status)
         values ($1, '\\x00', 'verified')",
    )
    .bind(member)
    .execute(&app.pool)
    .await
    .unwrap();

    let response = sign_in_with(&app, &google, "/settings").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login/mfa?next=/settings");
    assert!(set_cookie(&response, "ws_mfa").is_some_and(|v| !v.is_empty()));
    assert_eq!(set_cookie(&response, "ws_access"), None);
    assert_eq!(viewer(&app).await, Value::Null);
    assert_eq!(
        count(&app.pool, "select count(*) from auth.sessions").await,
        0
    );
}

#[tokio::test]
async fn an_unknown_or_unconfigured_provider_is_not_found() {
    let google = MockProvider::start(Flavour::Google).await;
    let app = app_with(&[&google]).await;
    for path in [
        "/auth/oauth/github/start?next=/",
        "/auth/oauth/github/callback?code=x&state=y",
        "/auth/oauth/twitter/start",
        "/auth/oauth/twitter/callback?code=x&state=y",
    ] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        app.get("/auth/oauth/google/start").await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_login_page_learns_which_providers_are_configured() {
    let github = MockProvider::start(Flavour::GitHub).await;
    let app = app_with(&[&github]).await;
    let providers: Value = app
        .call_server_fn("auth/providers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(providers, json!(["github"]));

    let google = MockProvider::start(Flavour::Google).await;
    let both = app_with(&[&github, &google]).await;
    let providers: Value = both
        .call_server_fn("auth/providers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(providers, json!(["google", "github"]));
}

#[tokio::test]
async fn members_read_their_own_identities_and_not_anyone_elses() {
    let database = TestDatabase::migrated().await;
    let pool = database.pool().await;
    let a = existing_member(&pool, "a@example.org", "member_a", true).await;
    let b = existing_member(&pool, "b@example.org", "member_b", true).await;
    for (user, subject) in [(a, "sub-a"), (b, "sub-b")] {
        sqlx::query(
            "insert into auth.identities (user_id, provider, subject, email)
             values ($1, 'google', $2, 'x@example.org')",
        )
        .bind(user)
        .bind(subject)
        .execute(&pool)
        .await
        .unwrap();
    }
    let as_a = RequestClaims {
        role: DbRole::Authenticated,
        claims: json!({ "sub": a, "role": "authenticated", "aal": "aal1" }),
    };
    let mut tx = scoped::begin(&pool, &as_a).await.unwrap();

    // Allowed: their own.
    let own: Vec<(Uuid, String)> = sqlx::query_as("select user_id, provider from auth.identities")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(own, [(a, "google".to_owned())]);

    // Denied: B's rows are invisible, even when asked for by id.
    let theirs: i64 = sqlx::query_scalar("select count(*) from auth.identities where user_id = $1")
        .bind(b)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(theirs, 0);
    // And nobody can change them.
    let changed = sqlx::query("update auth.identities set user_id = $1 where user_id = $2")
        .bind(a)
        .bind(b)
        .execute(&mut *tx)
        .await;
    assert!(changed.is_err(), "members have no update grant");
    tx.rollback().await.unwrap();

    // The provider's subject is not among the member's columns.
    let mut tx = scoped::begin(&pool, &as_a).await.unwrap();
    let subject = sqlx::query("select subject from auth.identities")
        .execute(&mut *tx)
        .await;
    assert!(subject.is_err(), "subject must not be readable");
    tx.rollback().await.unwrap();

    // Visitors see nothing at all.
    let mut tx = scoped::begin(&pool, &RequestClaims::anonymous())
        .await
        .unwrap();
    let read = sqlx::query("select count(*) from auth.identities")
        .execute(&mut *tx)
        .await;
    assert!(read.is_err(), "anon has no grant on identities");
}

#[tokio::test]
async fn sign_in_pages_show_a_provider_button_only_when_it_is_configured() {
    let github = MockProvider::start(Flavour::GitHub).await;
    let app = app_with(&[&github]).await;
    let (status, _, login) = app.get_text("/login?next=/settings/profile").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        login.contains(r#"href="/auth/oauth/github/start?next=/settings/profile""#),
        "no GitHub button on /login"
    );
    assert!(login.contains("Continue with GitHub"));
    assert!(!login.contains("/auth/oauth/google/start"));
    let (_, _, signup) = app.get_text("/signup").await;
    assert!(signup.contains(r#"href="/auth/oauth/github/start?next=/""#));

    let without = app_with(&[]).await;
    for path in ["/login", "/signup"] {
        let (status, _, body) = without.get_text(path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("/auth/oauth/"), "{path} offers a provider");
        assert!(
            !body.contains("oauth-buttons"),
            "{path} has provider buttons"
        );
    }
}

#[tokio::test]
async fn while_new_accounts_are_paused_a_provider_signs_in_known_accounts_only() {
    let google = MockProvider::start(Flavour::Google).await;
    let app = app_with(&[&google]).await;
    sqlx::query("update app.feature_flags set enabled = false where key = 'sign_ups'")
        .execute(&app.pool)
        .await
        .unwrap();

    // A new address: no account.
    google.sign_in_as(Profile::new("google-600", "newcomer@example.com", true));
    assert_refused(&sign_in_with(&app, &google, "/").await);
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 0);
    assert_eq!(viewer(&app).await, Value::Null);

    // A member's verified address: linked and signed in as before.
    existing_member(&app.pool, "member@example.com", "member", true).await;
    google.sign_in_as(Profile::new("google-601", "member@example.com", true));
    let response = sign_in_with(&app, &google, "/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
    assert_eq!(viewer(&app).await["handle"], "member");
    assert_eq!(count(&app.pool, "select count(*) from auth.users").await, 1);
}
