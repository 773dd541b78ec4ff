//! Signing in with Google or GitHub: the OAuth 2 authorization code flow with PKCE
//! (RFC 7636, `S256`), `state` against login CSRF, and for Google the OpenID Connect `nonce`.
//!
//! Nothing is stored on our side until the provider answers: [`start`] puts the state, the
//! PKCE verifier, the nonce, the provider and where to go afterwards into a cookie that
//! lives ten minutes and is signed with HMAC-SHA256 under a key derived from the JWT secret.
//! [`callback`] checks that cookie and the `state` the provider echoes, exchanges the code
//! (with the verifier) for an access token, and asks the provider who the person is.
//!
//! Accounts are matched by the provider's stable subject, never by email alone. An email is
//! used only when the provider says it has verified it: then it links to the account with
//! that address, or creates a new confirmed account without a password. An unverified
//! address never links or creates anything, so nobody can claim an account by typing its
//! owner's address into a provider that does not check it.

use super::{limits, service_tx, sessions::now_unix, sign_in, sign_in::SignInResult};
use crate::{
    domain::{
        AccountRole, AppError,
        identity::{
            redirect::safe_redirect,
            validate::{self, normalize_email},
        },
    },
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            token::{pkce_challenge, random_token},
        },
        config::{OAuthProviderSettings, OAuthSettings},
        state::AppState,
    },
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng as _;
use secrecy::ExposeSecret;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;
use sha2::Sha256;
use sqlx::PgConnection;
use std::time::Duration;
use unicode_normalization::UnicodeNormalization as _;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// The cookie carrying a flow in progress from [`start`] to [`callback`].
pub const STATE_COOKIE: &str = "ws_oauth";
/// How long a person has to finish at the provider.
pub const STATE_TTL_SECS: i64 = 600;
/// Calls to a provider give up after this long.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// A signed state cookie is far smaller; anything longer is refused before decoding.
const MAX_COOKIE_LEN: usize = 2048;

/// A provider we can sign in with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Google,
    GitHub,
}

impl Provider {
    pub const ALL: [Provider; 2] = [Provider::Google, Provider::GitHub];

    /// From the URL segment: `google` or `github`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "google" => Some(Provider::Google),
            "github" => Some(Provider::GitHub),
            _ => None,
        }
    }

    /// As URLs and `auth.identities.provider` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Google => "google",
            Provider::GitHub => "github",
        }
    }

    /// As people spell it.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Google => "Google",
            Provider::GitHub => "GitHub",
        }
    }

    /// Its configuration, when this deployment has one.
    pub fn settings(self, oauth: &OAuthSettings) -> Option<&OAuthProviderSettings> {
        match self {
            Provider::Google => oauth.google.as_ref(),
            Provider::GitHub => oauth.github.as_ref(),
        }
    }

    /// Whether the provider speaks OpenID Connect (and so takes a `nonce`).
    fn is_oidc(self) -> bool {
        self == Provider::Google
    }
}

/// The providers this deployment offers, in the order the login page shows them.
pub fn configured(oauth: &OAuthSettings) -> Vec<Provider> {
    Provider::ALL
        .into_iter()
        .filter(|p| p.settings(oauth).is_some())
        .collect()
}

/// Where our callback lives; the provider sends the browser back here.
pub fn redirect_uri(state: &AppState, provider: Provider) -> String {
    format!(
        "{}/auth/oauth/{}/callback",
        state.settings.server.public_url.trim_end_matches('/'),
        provider.as_str()
    )
}

/// A flow in progress, as the state cookie carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct PendingFlow {
    provider: String,
    state: String,
    verifier: String,
    nonce: String,
    next: String,
    exp: i64,
}

/// What [`start`] hands the browser: where to go, and the cookie to carry meanwhile.
#[derive(Debug)]
pub struct Authorization {
    pub redirect_url: String,
    pub state_cookie: String,
}

/// A finished sign-in and where the member wanted to go.
#[derive(Debug)]
pub struct OAuthSignIn {
    pub result: SignInResult,
    pub next: String,
}

/// Why a sign-in through a provider was refused. For the log; people see [`AppError`].
#[derive(Debug, thiserror::Error)]
enum OAuthError {
    #[error("provider is not configured")]
    NotConfigured,
    #[error("no state cookie: the flow started in another browser, or the cookie expired")]
    MissingStateCookie,
    #[error("state cookie failed its signature or shape check")]
    BadStateCookie,
    #[error("state cookie has expired")]
    ExpiredState,
    #[error("state cookie was issued for another provider")]
    WrongProvider,
    #[error("state parameter does not match the state cookie")]
    StateMismatch,
    #[error("the provider sent no authorization code")]
    MissingCode,
    #[error("token exchange failed: {0}")]
    TokenExchange(String),
    #[error("fetching the profile failed: {0}")]
    Profile(String),
    #[error("id_token refused: {0}")]
    IdToken(&'static str),
    #[error("the provider gave no usable email address")]
    NoEmail,
    #[error("the provider has not verified the email address")]
    UnverifiedEmail,
    #[error("building the request failed: {0}")]
    Setup(String),
    #[error("{0:?}")]
    App(AppError),
}

impl OAuthError {
    fn into_app_error(self, provider: Provider) -> AppError {
        let label = provider.label();
        match self {
            OAuthError::NotConfigured => AppError::NotFound,
            OAuthError::MissingStateCookie
            | OAuthError::BadStateCookie
            | OAuthError::ExpiredState
            | OAuthError::WrongProvider
            | OAuthError::StateMismatch => AppError::BadRequest(
                "That sign-in attempt expired or started in another browser. Please try again."
                    .into(),
            ),
            OAuthError::MissingCode
            | OAuthError::TokenExchange(_)
            | OAuthError::Profile(_)
            | OAuthError::IdToken(_) => AppError::BadRequest(format!(
                "We couldn't finish signing you in with {label}. Please try again."
            )),
            OAuthError::NoEmail | OAuthError::UnverifiedEmail => AppError::BadRequest(format!(
                "{label} hasn't confirmed your email address, so we can't use it to sign you in. \
                 Please verify it with {label} first, or sign up with your email address."
            )),
            OAuthError::Setup(_) => AppError::Internal,
            OAuthError::App(error) => error,
        }
    }
}

impl From<AppError> for OAuthError {
    fn from(error: AppError) -> Self {
        OAuthError::App(error)
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(error: sqlx::Error) -> Self {
        OAuthError::App(error.into())
    }
}

/// Begins a sign-in: the provider's authorization URL and the state cookie's value.
/// `next` is kept only when it is a local path.
#[tracing::instrument(skip_all, fields(provider = provider.as_str()))]
pub fn start(
    state: &AppState,
    provider: Provider,
    next: Option<&str>,
) -> Result<Authorization, AppError> {
    let settings = provider
        .settings(&state.settings.oauth)
        .ok_or(AppError::NotFound)?;
    let flow = PendingFlow {
        provider: provider.as_str().to_owned(),
        state: random_token(),
        verifier: random_token(),
        nonce: random_token(),
        next: safe_redirect(next),
        exp: now_unix() + STATE_TTL_SECS,
    };
    let redirect_uri = redirect_uri(state, provider);
    let challenge = pkce_challenge(&flow.verifier);
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", settings.client_id.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("scope", settings.scopes.as_str()),
        ("state", flow.state.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    if provider.is_oidc() {
        params.push(("nonce", flow.nonce.as_str()));
    }
    let url =
        reqwest::Url::parse_with_params(&settings.authorize_url, &params).map_err(|error| {
            tracing::error!(%error, "the provider's authorize_url is not a URL");
            AppError::Internal
        })?;
    let state_cookie = seal_flow(cookie_secret(state), &flow).ok_or(AppError::Internal)?;
    Ok(Authorization {
        redirect_url: url.into(),
        state_cookie,
    })
}

/// Finishes a sign-in when the provider sends the browser back: checks the state, exchanges
/// the code, finds or creates the account, and signs in (or asks for the second factor).
///
/// Every refusal is logged here with its reason; the caller only needs to send the browser
/// somewhere kind.
#[tracing::instrument(skip_all, fields(provider = provider.as_str()))]
pub async fn callback(
    state: &AppState,
    provider: Provider,
    code: Option<&str>,
    state_param: Option<&str>,
    cookie_value: Option<&str>,
    origin: &Origin,
) -> Result<OAuthSignIn, AppError> {
    run_callback(state, provider, code, state_param, cookie_value, origin)
        .await
        .map_err(|error| {
            match &error {
                OAuthError::App(AppError::RateLimited { .. }) => {
                    tracing::info!(reason = %error, "OAuth sign-in rate limited")
                }
                OAuthError::App(_) | OAuthError::Setup(_) => {
                    tracing::error!(reason = %error, "OAuth sign-in failed")
                }
                _ => tracing::warn!(reason = %error, "OAuth sign-in refused"),
            }
            error.into_app_error(provider)
        })
}

async fn run_callback(
    state: &AppState,
    provider: Provider,
    code: Option<&str>,
    state_param: Option<&str>,
    cookie_value: Option<&str>,
    origin: &Origin,
) -> Result<OAuthSignIn, OAuthError> {
    let settings = provider
        .settings(&state.settings.oauth)
        .ok_or(OAuthError::NotConfigured)?;
    let cookie = cookie_value.ok_or(OAuthError::MissingStateCookie)?;
    let flow = open_flow(cookie_secret(state), cookie, provider, now_unix())?;
    let returned = state_param.unwrap_or_default();
    if !constant_time_eq(returned.as_bytes(), flow.state.as_bytes()) {
        return Err(OAuthError::StateMismatch);
    }
    let code = code
        .filter(|c| !c.is_empty() && c.len() <= 2048)
        .ok_or(OAuthError::MissingCode)?;
    limits::per_ip(state, "oauth", origin, state.settings.limits.sign_in_per_ip).await?;

    let client = http_client()?;
    let tokens = exchange_code(
        &client,
        settings,
        &redirect_uri(state, provider),
        code,
        &flow,
    )
    .await?;
    let profile = match provider {
        Provider::Google => google_profile(&client, settings, &tokens.access_token).await?,
        Provider::GitHub => github_profile(&client, settings, &tokens.access_token).await?,
    };
    if let Some(id_token) = &tokens.id_token {
        check_id_token(id_token, &flow.nonce, &settings.client_id, &profile.subject)?;
    }

    // Read before the transaction (one pool connection at a time): while admins pause new
    // accounts, a provider may still sign in the accounts it already knows.
    let may_create = crate::server::services::flags::enabled(
        &state.pool,
        &state.settings.flags,
        crate::domain::feature_flag::FeatureFlag::SignUps,
    )
    .await;
    let mut tx = service_tx(&state.pool).await?;
    let user_id = find_or_create_account(&mut tx, provider, &profile, may_create, origin).await?;
    let (role, has_mfa): (String, bool) = sqlx::query_as(
        "select role, exists (select 1 from auth.mfa_factors f
                               where f.user_id = $1 and f.status = 'verified')
           from auth.users where id = $1",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let role = AccountRole::parse(&role).unwrap_or(AccountRole::Member);
    let result = if has_mfa {
        SignInResult::SecondFactor {
            ticket: sign_in::issue_ticket(state, user_id, role, "oauth"),
        }
    } else {
        let issued =
            sign_in::finish(state, &mut tx, user_id, role, "aal1", &["oauth"], origin).await?;
        SignInResult::Session(Box::new(issued))
    };
    tx.commit().await?;
    Ok(OAuthSignIn {
        result,
        next: safe_redirect(Some(&flow.next)),
    })
}

// ---------------------------------------------------------------------------------------
// The state cookie

fn cookie_secret(state: &AppState) -> &[u8] {
    state.settings.auth.jwt_secret.expose_secret().as_bytes()
}

/// HMAC under a key derived from the JWT secret, so a state-cookie signature can never be
/// mistaken for an access-token signature or the other way round.
fn cookie_mac(secret: &[u8]) -> Option<HmacSha256> {
    let mut derive = HmacSha256::new_from_slice(secret).ok()?;
    derive.update(b"wellspring oauth state cookie v1");
    let key = derive.finalize().into_bytes();
    HmacSha256::new_from_slice(&key).ok()
}

/// `base64url(json).base64url(hmac)`.
fn seal_flow(secret: &[u8], flow: &PendingFlow) -> Option<String> {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(flow).ok()?);
    let mut mac = cookie_mac(secret)?;
    mac.update(payload.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Some(format!("{payload}.{signature}"))
}

/// The flow in `cookie`, when its signature holds, it is unexpired and it is `provider`'s.
/// The signature is checked (in constant time) before the payload is decoded.
fn open_flow(
    secret: &[u8],
    cookie: &str,
    provider: Provider,
    now: i64,
) -> Result<PendingFlow, OAuthError> {
    if cookie.len() > MAX_COOKIE_LEN {
        return Err(OAuthError::BadStateCookie);
    }
    let (payload, signature) = cookie.split_once('.').ok_or(OAuthError::BadStateCookie)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| OAuthError::BadStateCookie)?;
    let mut mac = cookie_mac(secret).ok_or(OAuthError::BadStateCookie)?;
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| OAuthError::BadStateCookie)?;
    let json = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| OAuthError::BadStateCookie)?;
    let flow: PendingFlow =
        serde_json::from_slice(&json).map_err(|_| OAuthError::BadStateCookie)?;
    if flow.exp <= now {
        return Err(OAuthError::ExpiredState);
    }
    if flow.provider != provider.as_str() {
        return Err(OAuthError::WrongProvider);
    }
    Ok(flow)
}

/// Equal bytes, compared without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------
// Talking to the provider

/// Built per sign-in (the shared state has no slot for one); cheap next to the round trips.
/// Never follows redirects, so a token or code is only ever sent where configuration says.
fn http_client() -> Result<reqwest::Client, OAuthError> {
    reqwest::Client::builder()
        .timeout(PROVIDER_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Wellspring/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| OAuthError::Setup(error.to_string()))
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: Option<String>,
    id_token: Option<String>,
    /// GitHub answers a bad code with `200 OK` and this field.
    error: Option<String>,
}

struct Tokens {
    access_token: String,
    id_token: Option<String>,
}

async fn exchange_code(
    client: &reqwest::Client,
    settings: &OAuthProviderSettings,
    redirect_uri: &str,
    code: &str,
    flow: &PendingFlow,
) -> Result<Tokens, OAuthError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", settings.client_id.as_str()),
        ("client_secret", settings.client_secret.expose_secret()),
        ("code_verifier", flow.verifier.as_str()),
    ];
    let response = client
        .post(&settings.token_url)
        .header(http::header::ACCEPT, "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|error| OAuthError::TokenExchange(error.to_string()))?;
    let status = response.status();
    let body: Option<TokenResponse> = response.json().await.ok();
    match body {
        Some(TokenResponse {
            access_token: Some(access_token),
            id_token,
            error: None,
        }) if status.is_success() && !access_token.is_empty() => Ok(Tokens {
            access_token,
            id_token,
        }),
        Some(body) => Err(OAuthError::TokenExchange(format!(
            "status {status}, error {:?}",
            body.error
        ))),
        None => Err(OAuthError::TokenExchange(format!(
            "status {status}, body not JSON"
        ))),
    }
}

/// Who the provider says signed in.
#[derive(Debug)]
struct ProviderProfile {
    subject: String,
    email: Option<String>,
    email_verified: bool,
    name: Option<String>,
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    client: &reqwest::Client,
    url: &str,
    access_token: &str,
) -> Result<T, OAuthError> {
    let response = client
        .get(url)
        .bearer_auth(access_token)
        .header(http::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| OAuthError::Profile(format!("{url}: {error}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(OAuthError::Profile(format!("{url}: status {status}")));
    }
    response
        .json()
        .await
        .map_err(|error| OAuthError::Profile(format!("{url}: {error}")))
}

/// OIDC userinfo: `sub`, `email`, `email_verified`, `name`.
#[derive(Deserialize)]
struct OidcUserInfo {
    sub: String,
    email: Option<String>,
    #[serde(default, deserialize_with = "bool_or_string")]
    email_verified: bool,
    name: Option<String>,
}

/// Some OIDC providers send `email_verified` as the string `"true"`.
fn bool_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match Option::<Flag>::deserialize(deserializer)? {
        Some(Flag::Bool(b)) => b,
        Some(Flag::Text(t)) => t.eq_ignore_ascii_case("true"),
        None => false,
    })
}

async fn google_profile(
    client: &reqwest::Client,
    settings: &OAuthProviderSettings,
    access_token: &str,
) -> Result<ProviderProfile, OAuthError> {
    let info: OidcUserInfo = get_json(client, &settings.userinfo_url, access_token).await?;
    Ok(ProviderProfile {
        subject: info.sub,
        email: info.email,
        email_verified: info.email_verified,
        name: info.name,
    })
}

#[derive(Deserialize)]
struct GitHubUser {
    id: u64,
    login: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct GitHubEmail {
    email: String,
    primary: bool,
    verified: bool,
}

/// GitHub: the numeric id from `/user`, and the primary address from `/user/emails` with
/// GitHub's word on whether it is verified (the `/user` email may be absent or unverified).
async fn github_profile(
    client: &reqwest::Client,
    settings: &OAuthProviderSettings,
    access_token: &str,
) -> Result<ProviderProfile, OAuthError> {
    let user: GitHubUser = get_json(client, &settings.userinfo_url, access_token).await?;
    let emails_url = settings
        .emails_url
        .as_deref()
        .ok_or_else(|| OAuthError::Setup("GitHub needs oauth.github.emails_url".into()))?;
    let emails: Vec<GitHubEmail> = get_json(client, emails_url, access_token).await?;
    let primary = emails.into_iter().find(|e| e.primary);
    Ok(ProviderProfile {
        subject: user.id.to_string(),
        email_verified: primary.as_ref().is_some_and(|e| e.verified),
        email: primary.map(|e| e.email),
        name: user
            .name
            .filter(|n| !n.trim().is_empty())
            .or(Some(user.login)),
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct IdTokenClaims {
    nonce: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
}

/// Checks the OIDC `id_token`'s `nonce`, audience and subject against this flow.
///
/// Its signature is *not* verified against the provider's JWKS: that is out of scope here.
/// The token came straight from the token endpoint over TLS in exchange for our code and
/// verifier, and the identity we act on is the userinfo answer fetched over TLS with the
/// access token, which is the source of truth. The nonce check binds the id_token to this
/// browser's flow, so a token minted for another sign-in is refused.
fn check_id_token(
    id_token: &str,
    nonce: &str,
    client_id: &str,
    subject: &str,
) -> Result<(), OAuthError> {
    let payload = id_token
        .split('.')
        .nth(1)
        .ok_or(OAuthError::IdToken("not a JWT"))?;
    let json = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| OAuthError::IdToken("payload is not base64url"))?;
    let claims: IdTokenClaims =
        serde_json::from_slice(&json).map_err(|_| OAuthError::IdToken("payload is not JSON"))?;
    let token_nonce = claims.nonce.ok_or(OAuthError::IdToken("no nonce"))?;
    if !constant_time_eq(token_nonce.as_bytes(), nonce.as_bytes()) {
        return Err(OAuthError::IdToken("nonce does not match this flow"));
    }
    let audience_ok = match claims.aud {
        Some(Audience::One(aud)) => aud == client_id,
        Some(Audience::Many(auds)) => auds.iter().any(|aud| aud == client_id),
        None => false,
    };
    if !audience_ok {
        return Err(OAuthError::IdToken("issued for another client"));
    }
    if claims.sub.as_deref() != Some(subject) {
        return Err(OAuthError::IdToken("subject differs from userinfo"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Accounts

/// The account this provider identity signs in as: already linked, linked now by a
/// verified email, or created now (unless `may_create` is false: new accounts are paused).
async fn find_or_create_account(
    conn: &mut PgConnection,
    provider: Provider,
    profile: &ProviderProfile,
    may_create: bool,
    origin: &Origin,
) -> Result<Uuid, OAuthError> {
    let subject = profile.subject.trim();
    if subject.is_empty() || subject.len() > 255 {
        return Err(OAuthError::Profile("subject is empty or too long".into()));
    }
    let linked: Option<Uuid> = sqlx::query_scalar(
        "select user_id from auth.identities where provider = $1 and subject = $2",
    )
    .bind(provider.as_str())
    .bind(subject)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(user_id) = linked {
        return Ok(user_id);
    }

    let email = profile
        .email
        .as_deref()
        .map(normalize_email)
        .filter(|e| validate::email(e).is_ok())
        .ok_or(OAuthError::NoEmail)?;
    if !profile.email_verified {
        return Err(OAuthError::UnverifiedEmail);
    }

    let existing: Option<Uuid> =
        sqlx::query_scalar("select id from auth.users where email = $1 for update")
            .bind(&email)
            .fetch_optional(&mut *conn)
            .await?;
    let user_id = match existing {
        Some(user_id) => {
            // The provider has proved the address. A password set by whoever signed up
            // without ever confirming it was never proved to be the owner's: drop it, so a
            // pre-registered account cannot be shared with its real owner.
            sqlx::query(
                "update auth.users
                    set password_hash = case when email_confirmed_at is null then null
                                             else password_hash end,
                        email_confirmed_at = coalesce(email_confirmed_at, now()),
                        updated_at = now()
                  where id = $1",
            )
            .bind(user_id)
            .execute(&mut *conn)
            .await?;
            user_id
        }
        None if !may_create => {
            return Err(OAuthError::App(AppError::BadRequest(
                crate::domain::feature_flag::FeatureFlag::SignUps
                    .paused_sentence()
                    .to_owned(),
            )));
        }
        None => create_account(conn, provider, &email, profile.name.as_deref(), origin).await?,
    };

    sqlx::query(
        "insert into auth.identities (user_id, provider, subject, email) values ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(provider.as_str())
    .bind(subject)
    .bind(&email)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        AuthEvent::OAuthLinked,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "provider": provider.as_str(), "new_account": existing.is_none() }),
    )
    .await?;
    Ok(user_id)
}

/// A confirmed account without a password, and its profile.
async fn create_account(
    conn: &mut PgConnection,
    provider: Provider,
    email: &str,
    name: Option<&str>,
    origin: &Origin,
) -> Result<Uuid, OAuthError> {
    let user_id: Uuid = sqlx::query_scalar(
        "insert into auth.users (email, email_confirmed_at) values ($1, now()) returning id",
    )
    .bind(email)
    .fetch_one(&mut *conn)
    .await?;
    let stem = handle_stem(email.split('@').next().unwrap_or_default());
    let mut handle = None;
    for candidate in handle_candidates(&stem) {
        // `do nothing` rather than an error, so a taken handle does not abort the transaction.
        let inserted = sqlx::query(
            "insert into app.profiles (user_id, handle, display_name) values ($1, $2, $3)
             on conflict (handle) do nothing",
        )
        .bind(user_id)
        .bind(&candidate)
        .bind(display_name(name, &candidate))
        .execute(&mut *conn)
        .await?;
        if inserted.rows_affected() == 1 {
            handle = Some(candidate);
            break;
        }
    }
    let handle =
        handle.ok_or_else(|| OAuthError::Setup(format!("no free handle near {stem:?}")))?;
    audit::record(
        conn,
        AuthEvent::SignUp,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "handle": handle, "provider": provider.as_str() }),
    )
    .await?;
    Ok(user_id)
}

/// A handle's stem from an email's local part: accents folded away, `+tags` dropped, other
/// characters outside `[a-z0-9_]` turned into single underscores, at most 24 characters.
fn handle_stem(local_part: &str) -> String {
    let local = local_part.split('+').next().unwrap_or_default();
    let mut stem = String::new();
    for c in local.nfkd().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            stem.push(c);
        } else if c.is_ascii() && !stem.is_empty() && !stem.ends_with('_') {
            stem.push('_');
        }
        // Combining marks and other non-ASCII characters are dropped.
    }
    let stem: String = stem.trim_matches('_').chars().take(24).collect();
    let stem = stem.trim_end_matches('_');
    if stem.is_empty() {
        "member".to_owned()
    } else {
        stem.to_owned()
    }
}

/// Valid handles to try in order: the stem, the stem with 2 to 9, then with random digits.
fn handle_candidates(stem: &str) -> impl Iterator<Item = String> + '_ {
    let numbered = (2..=9).map(|n| n.to_string());
    let random = (0..20).map(|_| rand::rng().random_range(1000..100_000).to_string());
    std::iter::once(String::new())
        .chain(numbered)
        .chain(random)
        .map(move |suffix| {
            let room = 30 - suffix.len();
            format!("{}{suffix}", &stem[..stem.len().min(room)])
        })
        .filter(|candidate| validate::handle(candidate).is_ok())
}

/// The provider's name for the person when it makes a valid display name, else the handle.
fn display_name(name: Option<&str>, handle: &str) -> String {
    name.map(|n| n.trim().chars().take(60).collect::<String>())
        .filter(|n| validate::display_name(n).is_ok())
        .unwrap_or_else(|| handle.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-test-secret-of-at-least-32-bytes!!";
    const NOW: i64 = 1_700_000_000;

    fn flow() -> PendingFlow {
        PendingFlow {
            provider: "google".into(),
            state: "s".repeat(43),
            verifier: "v".repeat(43),
            nonce: "n".repeat(43),
            next: "/settings".into(),
            exp: NOW + STATE_TTL_SECS,
        }
    }

    #[test]
    fn a_sealed_flow_opens_to_the_same_flow() {
        let cookie = seal_flow(SECRET, &flow()).unwrap();
        let opened = open_flow(SECRET, &cookie, Provider::Google, NOW).unwrap();
        assert_eq!(opened, flow());
    }

    #[test]
    fn an_altered_cookie_is_refused() {
        let cookie = seal_flow(SECRET, &flow()).unwrap();
        let (payload, signature) = cookie.split_once('.').unwrap();
        let mut other = flow();
        other.next = "/elsewhere".into();
        let forged_payload = seal_flow(SECRET, &other).unwrap();
        let forged_payload = forged_payload.split_once('.').unwrap().0;
        for forged in [
            format!("{forged_payload}.{signature}"),
            format!("{payload}.{}", URL_SAFE_NO_PAD.encode([0u8; 32])),
            payload.to_owned(),
            String::new(),
        ] {
            assert!(matches!(
                open_flow(SECRET, &forged, Provider::Google, NOW),
                Err(OAuthError::BadStateCookie)
            ));
        }
        assert!(matches!(
            open_flow(
                b"another-secret-entirely-32-bytes!!!",
                &cookie,
                Provider::Google,
                NOW
            ),
            Err(OAuthError::BadStateCookie)
        ));
    }

    #[test]
    fn an_expired_or_misdirected_cookie_is_refused() {
        let cookie = seal_flow(SECRET, &flow()).unwrap();
        assert!(matches!(
            open_flow(SECRET, &cookie, Provider::Google, NOW + STATE_TTL_SECS),
            Err(OAuthError::ExpiredState)
        ));
        assert!(matches!(
            open_flow(SECRET, &cookie, Provider::GitHub, NOW),
            Err(OAuthError::WrongProvider)
        ));
    }

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }

    fn id_token(claims: serde_json::Value) -> String {
        format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    #[test]
    fn an_id_token_must_carry_our_nonce_audience_and_subject() {
        let good = json!({ "nonce": "n1", "aud": "client", "sub": "42" });
        assert!(check_id_token(&id_token(good), "n1", "client", "42").is_ok());
        let many = json!({ "nonce": "n1", "aud": ["x", "client"], "sub": "42" });
        assert!(check_id_token(&id_token(many), "n1", "client", "42").is_ok());
        for bad in [
            json!({ "nonce": "n2", "aud": "client", "sub": "42" }),
            json!({ "aud": "client", "sub": "42" }),
            json!({ "nonce": "n1", "aud": "other", "sub": "42" }),
            json!({ "nonce": "n1", "aud": "client", "sub": "43" }),
        ] {
            assert!(check_id_token(&id_token(bad), "n1", "client", "42").is_err());
        }
        assert!(check_id_token("not-a-jwt", "n1", "client", "42").is_err());
    }

    #[test]
    fn handle_stems_keep_only_the_handle_alphabet() {
        assert_eq!(handle_stem("Jane.Doe"), "jane_doe");
        assert_eq!(handle_stem("élodie+wellness"), "elodie");
        assert_eq!(handle_stem("--x--"), "x");
        assert_eq!(handle_stem("李"), "member");
        assert_eq!(handle_stem(&"a".repeat(40)).len(), 24);
    }

    #[test]
    fn handle_candidates_are_all_valid_and_start_with_the_stem() {
        let candidates: Vec<String> = handle_candidates("jane").collect();
        assert_eq!(&candidates[..3], ["jane", "jane2", "jane3"]);
        assert!(candidates.len() > 20);
        // Too short alone, and reserved alone: only suffixed forms are offered.
        assert!(handle_candidates("jo").all(|c| c.len() >= 3 && c.starts_with("jo")));
        assert_eq!(handle_candidates("admin").next().as_deref(), Some("admin2"));
        let long = "a".repeat(24);
        assert!(handle_candidates(&long).all(|c| validate::handle(&c).is_ok()));
    }

    #[test]
    fn display_names_fall_back_to_the_handle() {
        assert_eq!(display_name(Some("  Jane Doe "), "jane"), "Jane Doe");
        assert_eq!(display_name(Some(" "), "jane"), "jane");
        assert_eq!(display_name(Some("bad\u{202E}name"), "jane"), "jane");
        assert_eq!(display_name(None, "jane"), "jane");
    }
}
