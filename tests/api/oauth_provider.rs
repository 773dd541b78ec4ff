//! A small OAuth 2 / OIDC provider on loopback, playing Google or GitHub for the sign-in
//! tests. It is strict where a real provider is: the client id and secret, single-use
//! codes bound to their redirect URI, and PKCE (`S256` of the verifier must equal the
//! challenge given at `/authorize`).

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};
use wellspring::server::config::OAuthProviderSettings;

pub const CLIENT_ID: &str = "wellspring-test-client";
pub const CLIENT_SECRET: &str = "wellspring-test-secret";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    Google,
    GitHub,
}

/// The person the provider says signed in.
#[derive(Clone, Debug)]
pub struct Profile {
    pub subject: String,
    pub email: String,
    pub verified: bool,
    pub name: Option<String>,
}

impl Profile {
    pub fn new(subject: &str, email: &str, verified: bool) -> Self {
        Self {
            subject: subject.into(),
            email: email.into(),
            verified,
            name: None,
        }
    }
}

/// What `/authorize` was given, remembered per code for `/token`.
#[derive(Clone, Debug)]
struct Grant {
    challenge: String,
    redirect_uri: String,
    nonce: Option<String>,
}

#[derive(Default)]
struct Inner {
    profile: Option<Profile>,
    grants: HashMap<String, Grant>,
    access_tokens: HashMap<String, Profile>,
    /// The query of the last `/authorize` request.
    last_authorize: HashMap<String, String>,
    /// When set, the id_token carries this nonce instead of the one given.
    id_token_nonce: Option<String>,
    pkce_rejections: usize,
    tokens_issued: usize,
    next_id: u64,
}

#[derive(Clone)]
struct Shared {
    flavour: Flavour,
    inner: Arc<Mutex<Inner>>,
}

pub struct MockProvider {
    pub address: String,
    pub flavour: Flavour,
    shared: Shared,
}

impl MockProvider {
    pub async fn start(flavour: Flavour) -> Self {
        let shared = Shared {
            flavour,
            inner: Arc::new(Mutex::new(Inner::default())),
        };
        let router = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .route("/user", get(github_user))
            .route("/user/emails", get(github_emails))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind mock provider");
        let address = format!("http://{}", listener.local_addr().expect("mock address"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            address,
            flavour,
            shared,
        }
    }

    /// Settings pointing the app at this provider.
    pub fn settings(&self) -> OAuthProviderSettings {
        let (userinfo, emails, scopes) = match self.flavour {
            Flavour::Google => ("/userinfo", None, "openid email profile"),
            Flavour::GitHub => ("/user", Some("/user/emails"), "read:user user:email"),
        };
        OAuthProviderSettings {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            authorize_url: format!("{}/authorize", self.address),
            token_url: format!("{}/token", self.address),
            userinfo_url: format!("{}{userinfo}", self.address),
            emails_url: emails.map(|path| format!("{}{path}", self.address)),
            scopes: scopes.into(),
        }
    }

    /// Who signs in next.
    pub fn sign_in_as(&self, profile: Profile) {
        self.lock().profile = Some(profile);
    }

    /// Puts another nonce into the id_tokens it issues (a token from some other flow).
    pub fn use_id_token_nonce(&self, nonce: &str) {
        self.lock().id_token_nonce = Some(nonce.into());
    }

    pub fn last_authorize(&self) -> HashMap<String, String> {
        self.lock().last_authorize.clone()
    }

    pub fn pkce_rejections(&self) -> usize {
        self.lock().pkce_rejections
    }

    pub fn tokens_issued(&self) -> usize {
        self.lock().tokens_issued
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().expect("mock state")
    }
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({ "error": error }))).into_response()
}

async fn authorize(
    State(shared): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut inner = shared.inner.lock().expect("mock state");
    inner.last_authorize = query.clone();
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    if field("response_type") != "code"
        || field("client_id") != CLIENT_ID
        || field("code_challenge_method") != "S256"
        || field("code_challenge").is_empty()
        || field("state").is_empty()
        || field("redirect_uri").is_empty()
    {
        return (StatusCode::BAD_REQUEST, "invalid authorization request").into_response();
    }
    inner.next_id += 1;
    let code = format!("code-{}-{}", inner.next_id, uuid::Uuid::new_v4().simple());
    inner.grants.insert(
        code.clone(),
        Grant {
            challenge: field("code_challenge"),
            redirect_uri: field("redirect_uri"),
            nonce: query.get("nonce").cloned(),
        },
    );
    let mut back = reqwest::Url::parse(&field("redirect_uri")).expect("redirect_uri is a URL");
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &field("state"));
    // The consent screen, approved at once.
    Redirect::temporary(back.as_str()).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    client_id: String,
    client_secret: String,
    code_verifier: Option<String>,
}

async fn token(State(shared): State<Shared>, Form(form): Form<TokenForm>) -> Response {
    let mut inner = shared.inner.lock().expect("mock state");
    // GitHub answers errors with 200 and an `error` field; others with 400.
    let refuse = |error: &str| match shared.flavour {
        Flavour::GitHub => oauth_error(StatusCode::OK, error),
        Flavour::Google => oauth_error(StatusCode::BAD_REQUEST, error),
    };
    if form.client_id != CLIENT_ID || form.client_secret != CLIENT_SECRET {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if form.grant_type != "authorization_code" {
        return refuse("unsupported_grant_type");
    }
    // Codes are single use, whatever the outcome.
    let Some(grant) = inner.grants.remove(&form.code) else {
        return refuse("invalid_grant");
    };
    if grant.redirect_uri != form.redirect_uri {
        return refuse("invalid_grant");
    }
    let verifier = form.code_verifier.unwrap_or_default();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if verifier.len() < 43 || challenge != grant.challenge {
        inner.pkce_rejections += 1;
        return refuse("invalid_grant");
    }
    let Some(profile) = inner.profile.clone() else {
        return refuse("access_denied");
    };
    let access_token = format!("at-{}", uuid::Uuid::new_v4().simple());
    inner
        .access_tokens
        .insert(access_token.clone(), profile.clone());
    inner.tokens_issued += 1;
    let mut body = json!({ "access_token": access_token, "token_type": "Bearer" });
    if shared.flavour == Flavour::Google {
        let nonce = inner.id_token_nonce.clone().or(grant.nonce);
        body["id_token"] = Value::String(unsigned_id_token(&profile, nonce.as_deref()));
    }
    Json(body).into_response()
}

/// Well-formed, unsigned: the app reads its nonce, audience and subject only.
fn unsigned_id_token(profile: &Profile, nonce: Option<&str>) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"test"}"#);
    let claims = json!({
        "iss": "https://accounts.google.test",
        "aud": CLIENT_ID,
        "sub": profile.subject,
        "email": profile.email,
        "email_verified": profile.verified,
        "nonce": nonce,
        "iat": 1_700_000_000,
        "exp": 4_000_000_000u64,
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = URL_SAFE_NO_PAD.encode(b"not-a-real-signature");
    format!("{header}.{payload}.{signature}")
}

fn bearer(shared: &Shared, headers: &HeaderMap) -> Option<Profile> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    shared
        .inner
        .lock()
        .expect("mock state")
        .access_tokens
        .get(token)
        .cloned()
}

async fn userinfo(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let Some(profile) = bearer(&shared, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    Json(json!({
        "sub": profile.subject,
        "email": profile.email,
        "email_verified": profile.verified,
        "name": profile.name,
    }))
    .into_response()
}

async fn github_user(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let Some(profile) = bearer(&shared, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if headers.get(header::USER_AGENT).is_none() {
        // GitHub's API refuses requests without one.
        return StatusCode::FORBIDDEN.into_response();
    }
    let id: u64 = profile
        .subject
        .parse()
        .expect("GitHub subjects are numbers");
    Json(json!({
        "id": id,
        "login": profile.email.split('@').next(),
        "name": profile.name,
        "email": null,
    }))
    .into_response()
}

async fn github_emails(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let Some(profile) = bearer(&shared, &headers) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    Json(json!([
        { "email": "old-address@example.org", "primary": false, "verified": true },
        { "email": profile.email, "primary": true, "verified": profile.verified },
    ]))
    .into_response()
}
