//! Sessions and their rotating refresh tokens.
//!
//! A session is one signed-in device. It carries a chain of single-use refresh tokens:
//! each refresh marks the presented token used and issues its child. Replaying a used
//! token within the grace window (parallel tabs refreshing at once) hands back the newest
//! token in the chain; any later replay means the token leaked, and revokes the session.
//! Only SHA-256 hashes are stored; each child is kept sealed under a key derived from its
//! parent, so only someone holding the parent can recover it.

use super::{AuthKeys, service_tx};
use crate::{
    domain::{
        AccountRole, AppError,
        sanction::{SanctionKind, Standing},
    },
    server::{
        auth::{
            audit::{self, AuthEvent, Origin},
            jwt::AccessClaims,
            secretbox::SecretBox,
            token::{hash_token, random_token},
        },
        config::AuthSettings,
    },
};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Tokens for a session, ready to become cookies.
#[derive(Clone, Debug)]
pub struct IssuedSession {
    pub session_id: Uuid,
    pub user_id: Uuid,
    pub access_token: String,
    pub refresh_token: String,
    pub claims: AccessClaims,
}

pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// What the header shows about a member, carried in each access token so a signed-in page
/// costs no database read. `None` where a member has no profile row (never, in practice).
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct ProfileNames {
    pub handle: String,
    pub display_name: String,
    /// Their profile picture, if any (`app.profiles.avatar_id`).
    #[sqlx(default)]
    pub avatar_id: Option<Uuid>,
}

/// The member's current names, read in the caller's transaction (as the identity service).
pub async fn profile_names(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Option<ProfileNames>, AppError> {
    sqlx::query_as("select handle, display_name, avatar_id from app.profiles where user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
        .map_err(AppError::from)
}

/// The sanction a member is told about now, as `app.standing_of` reads it (migration 0025).
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct StandingRow {
    pub standing_id: Option<i64>,
    pub standing_kind: Option<String>,
    pub standing_ends: Option<time::OffsetDateTime>,
    pub standing_reason: Option<String>,
}

impl StandingRow {
    pub fn into_standing(self) -> Option<Standing> {
        Some(Standing {
            id: self.standing_id?,
            kind: SanctionKind::parse(self.standing_kind.as_deref()?)?,
            until: self.standing_ends.map(time::OffsetDateTime::unix_timestamp),
            reason: self.standing_reason.unwrap_or_default(),
        })
    }
}

/// The member's standing, read in the caller's transaction (as the identity service).
pub async fn standing(
    conn: &mut PgConnection,
    user_id: Uuid,
) -> Result<Option<Standing>, AppError> {
    let row: Option<StandingRow> = sqlx::query_as(
        "select id as standing_id, kind as standing_kind, ends_at as standing_ends,
                reason as standing_reason
           from app.standing_of($1)",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(StandingRow::into_standing))
}

/// A banned member's sign-in is refused, saying why and until when (they cannot sign in to
/// read their notifications).
pub fn refuse_banned(standing: Option<&Standing>) -> Result<(), AppError> {
    match standing {
        Some(standing) if standing.kind == SanctionKind::Ban => Err(AppError::Restricted(format!(
            "{} The reason given: {}",
            standing.headline(),
            standing.reason
        ))),
        _ => Ok(()),
    }
}

/// The claims of a new access token for a session.
#[allow(clippy::too_many_arguments)]
pub fn access_claims(
    settings: &AuthSettings,
    user_id: Uuid,
    session_id: Uuid,
    role: AccountRole,
    aal: &str,
    amr: &[String],
    names: Option<ProfileNames>,
    standing: Option<Standing>,
) -> AccessClaims {
    let now = now_unix();
    let (handle, display_name, avatar) = names
        .map(|n| {
            (
                Some(n.handle),
                Some(n.display_name),
                n.avatar_id.map(|id| id.to_string()),
            )
        })
        .unwrap_or_default();
    AccessClaims {
        sub: user_id.to_string(),
        role: "authenticated".to_owned(),
        aal: aal.to_owned(),
        amr: amr.to_vec(),
        session_id: session_id.to_string(),
        iss: settings.issuer.clone(),
        aud: settings.audience.clone(),
        iat: now,
        exp: now + settings.access_token_ttl_secs,
        app_role: role.as_str().to_owned(),
        handle,
        display_name,
        avatar,
        standing,
    }
}

/// Starts a new session (never reuses one: no fixation) and its first refresh token.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(conn, keys, settings, origin))]
pub async fn start(
    conn: &mut PgConnection,
    keys: &AuthKeys,
    settings: &AuthSettings,
    user_id: Uuid,
    role: AccountRole,
    aal: &str,
    amr: &[String],
    origin: &Origin,
) -> Result<IssuedSession, AppError> {
    let standing = standing(conn, user_id).await?;
    refuse_banned(standing.as_ref())?;
    let device: String = origin.user_agent.chars().take(512).collect();
    let session_id: Uuid = sqlx::query_scalar(
        "insert into auth.sessions (user_id, aal, amr, user_agent, ip)
         values ($1, $2, $3, $4, $5::text::inet) returning id",
    )
    .bind(user_id)
    .bind(aal)
    .bind(amr)
    .bind(device)
    .bind(origin.ip.map(|ip| ip.to_string()))
    .fetch_one(&mut *conn)
    .await?;
    let refresh_token = random_token();
    sqlx::query("insert into auth.refresh_tokens (session_id, token_hash) values ($1, $2)")
        .bind(session_id)
        .bind(hash_token(&refresh_token))
        .execute(&mut *conn)
        .await?;
    let names = profile_names(conn, user_id).await?;
    let claims = access_claims(
        settings, user_id, session_id, role, aal, amr, names, standing,
    );
    Ok(IssuedSession {
        session_id,
        user_id,
        access_token: keys.jwt.sign(&claims),
        refresh_token,
        claims,
    })
}

/// The box a child token is sealed in: keyed by its parent token.
fn child_box(parent_token: &str) -> Option<SecretBox> {
    let mut hasher = Sha256::new();
    hasher.update(b"wellspring refresh child v1\0");
    hasher.update(parent_token.as_bytes());
    let key = base64::engine::general_purpose::STANDARD.encode(hasher.finalize());
    SecretBox::from_base64(&key).ok()
}

#[derive(sqlx::FromRow)]
struct PresentedToken {
    id: i64,
    session_id: Uuid,
    used_at_within_grace: Option<bool>,
    sealed_child: Option<Vec<u8>>,
    user_id: Uuid,
    aal: String,
    amr: Vec<String>,
    revoked: bool,
    expired: bool,
    role: String,
    handle: Option<String>,
    display_name: Option<String>,
    avatar_id: Option<Uuid>,
    #[sqlx(flatten)]
    standing: StandingRow,
}

/// Exchanges a refresh token for fresh tokens. `Ok(None)` when the token is unknown, its
/// session has ended, or it was replayed too late (which also ends the session).
#[tracing::instrument(skip_all)]
pub async fn refresh(
    pool: &PgPool,
    keys: &AuthKeys,
    settings: &AuthSettings,
    presented: &str,
    origin: &Origin,
) -> Result<Option<IssuedSession>, AppError> {
    let mut tx = service_tx(pool).await?;
    let row: Option<PresentedToken> = sqlx::query_as(
        "select rt.id, rt.session_id, rt.sealed_child,
                case when rt.used_at is null then null
                     else rt.used_at > now() - make_interval(secs => $2) end as used_at_within_grace,
                s.user_id, s.aal, s.amr, s.revoked_at is not null as revoked,
                (s.created_at < now() - make_interval(secs => $3)
                 or s.last_seen_at < now() - make_interval(secs => $4)) as expired,
                u.role, p.handle, p.display_name, p.avatar_id,
                st.id as standing_id, st.kind as standing_kind, st.ends_at as standing_ends,
                st.reason as standing_reason
           from auth.refresh_tokens rt
           join auth.sessions s on s.id = rt.session_id
           join auth.users u on u.id = s.user_id
           left join app.profiles p on p.user_id = s.user_id
           left join lateral app.standing_of(s.user_id) st on true
          where rt.token_hash = $1
          for update of rt, s",
    )
    .bind(hash_token(presented))
    .bind(settings.refresh_reuse_grace_secs as f64)
    .bind(settings.session_max_lifetime_secs as f64)
    .bind(settings.session_idle_timeout_secs as f64)
    .fetch_optional(&mut *tx)
    .await
    ?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.revoked {
        return Ok(None);
    }
    if row.expired {
        revoke_in(&mut tx, row.session_id, "expired").await?;
        tx.commit().await?;
        return Ok(None);
    }
    let role = AccountRole::parse(&row.role).unwrap_or(AccountRole::Member);
    let refresh_token = match row.used_at_within_grace {
        None => {
            let child = random_token();
            let sealed = child_box(presented)
                .map(|b| b.seal(child.as_bytes(), row.session_id.as_bytes()))
                .ok_or(AppError::Internal)?;
            sqlx::query(
                "update auth.refresh_tokens set used_at = now(), sealed_child = $2 where id = $1",
            )
            .bind(row.id)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "insert into auth.refresh_tokens (session_id, token_hash, parent_id) values ($1, $2, $3)",
            )
            .bind(row.session_id)
            .bind(hash_token(&child))
            .bind(row.id)
            .execute(&mut *tx)
            .await
            ?;
            sqlx::query("update auth.sessions set last_seen_at = now() where id = $1")
                .bind(row.session_id)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                AuthEvent::TokenRefreshed,
                Some(row.user_id),
                Some(row.user_id),
                origin,
                json!({ "session_id": row.session_id }),
            )
            .await?;
            child
        }
        Some(true) => {
            match newest_in_chain(&mut tx, presented, row.sealed_child, row.session_id).await? {
                Some(current) => current,
                None => return Ok(None),
            }
        }
        Some(false) => {
            revoke_in(&mut tx, row.session_id, "refresh_token_reuse").await?;
            audit::record(
                &mut tx,
                AuthEvent::RefreshTokenReuse,
                None,
                Some(row.user_id),
                origin,
                json!({ "session_id": row.session_id }),
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(session_id = %row.session_id, "refresh token reused: session revoked");
            return Ok(None);
        }
    };
    tx.commit().await?;
    let names = row
        .handle
        .zip(row.display_name)
        .map(|(handle, display_name)| ProfileNames {
            handle,
            display_name,
            avatar_id: row.avatar_id,
        });
    let claims = access_claims(
        settings,
        row.user_id,
        row.session_id,
        role,
        &row.aal,
        &row.amr,
        names,
        row.standing.into_standing(),
    );
    Ok(Some(IssuedSession {
        session_id: row.session_id,
        user_id: row.user_id,
        access_token: keys.jwt.sign(&claims),
        refresh_token,
        claims,
    }))
}

/// Follows sealed children from a token used moments ago to the chain's unused token.
async fn newest_in_chain(
    conn: &mut PgConnection,
    presented: &str,
    mut sealed: Option<Vec<u8>>,
    session_id: Uuid,
) -> Result<Option<String>, AppError> {
    let mut current = presented.to_owned();
    // A chain grows by one per refresh; within a few seconds it is short. Bound the walk.
    for _ in 0..32 {
        let Some(sealed_child) = sealed.take() else {
            return Ok(None);
        };
        let child = child_box(&current)
            .and_then(|b| b.open(&sealed_child, session_id.as_bytes()).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let Some(child) = child else {
            return Ok(None);
        };
        let next: Option<(Option<Vec<u8>>, bool)> = sqlx::query_as(
            "select sealed_child, used_at is null from auth.refresh_tokens where token_hash = $1",
        )
        .bind(hash_token(&child))
        .fetch_optional(&mut *conn)
        .await?;
        match next {
            Some((_, true)) => return Ok(Some(child)),
            Some((next_sealed, false)) => {
                sealed = next_sealed;
                current = child;
            }
            None => return Ok(None),
        }
    }
    Ok(None)
}

async fn revoke_in(
    conn: &mut PgConnection,
    session_id: Uuid,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "update auth.sessions set revoked_at = now(), revoked_reason = $2
          where id = $1 and revoked_at is null",
    )
    .bind(session_id)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Ends one session at once (sign-out), as the identity service.
#[tracing::instrument(skip(pool, origin))]
pub async fn end(
    pool: &PgPool,
    user_id: Uuid,
    session_id: Uuid,
    origin: &Origin,
) -> Result<(), AppError> {
    let mut tx = service_tx(pool).await?;
    sqlx::query(
        "update auth.sessions set revoked_at = now(), revoked_reason = 'sign_out'
          where id = $1 and user_id = $2 and revoked_at is null",
    )
    .bind(session_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        AuthEvent::SignOut,
        Some(user_id),
        Some(user_id),
        origin,
        json!({ "session_id": session_id }),
    )
    .await?;
    Ok(tx.commit().await?)
}

/// Ends every session of an account except `keep` (after a password or email change).
pub async fn end_others(
    conn: &mut PgConnection,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
) -> Result<u64, AppError> {
    let done = sqlx::query(
        "update auth.sessions set revoked_at = now(), revoked_reason = $3
          where user_id = $1 and revoked_at is null and ($2::uuid is null or id <> $2)",
    )
    .bind(user_id)
    .bind(keep)
    .bind(reason)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Whether a session may still act: not revoked, not idle too long, not too old. Checked on
/// every state-changing request, so sign-out and revocation take effect at once. Touches
/// `last_seen_at` at most once a minute.
#[tracing::instrument(skip(pool, settings))]
pub async fn is_live(
    pool: &PgPool,
    settings: &AuthSettings,
    session_id: Uuid,
) -> Result<bool, AppError> {
    let mut tx = service_tx(pool).await?;
    let live: Option<bool> = sqlx::query_scalar(
        "with s as (
            select id, revoked_at is null
                   and created_at >= now() - make_interval(secs => $2)
                   and last_seen_at >= now() - make_interval(secs => $3) as live
              from auth.sessions where id = $1
         ), touched as (
            update auth.sessions set last_seen_at = now()
             where id = $1 and last_seen_at < now() - interval '1 minute'
               and exists (select 1 from s where live)
         )
         select live from s",
    )
    .bind(session_id)
    .bind(settings.session_max_lifetime_secs as f64)
    .bind(settings.session_idle_timeout_secs as f64)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(live.unwrap_or(false))
}
