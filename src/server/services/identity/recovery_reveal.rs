//! Recovery codes kept for one view by the device that turned two-step sign-in on with a
//! plain form post (no JavaScript). The redirect that follows the post cannot carry them and
//! an address must never hold them, so they wait here, sealed and bound to the session,
//! until the security page takes them: one view, within [`LIFETIME_MINS`], by that session.

use crate::{
    domain::{AppError, RecoveryCodes},
    server::services::identity::AuthKeys,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// Long enough to follow the redirect; short enough that a forgotten tab shows nothing.
pub const LIFETIME_MINS: i32 = 10;

/// Seals the codes to this session (associated data: purpose and session id), so a row
/// copied to another session or read as a TOTP secret does not open.
fn associated(session_id: Uuid) -> Vec<u8> {
    let mut data = b"recovery-codes:".to_vec();
    data.extend_from_slice(session_id.as_bytes());
    data
}

/// Keeps `codes` for this session's next view of the security page. Runs in the
/// transaction that turns the factor on, so there are never codes without their reveal.
#[tracing::instrument(skip(conn, keys, codes))]
pub async fn keep(
    conn: &mut PgConnection,
    keys: &AuthKeys,
    user_id: Uuid,
    session_id: Uuid,
    codes: &RecoveryCodes,
) -> Result<(), AppError> {
    sqlx::query("delete from auth.recovery_code_reveals where expires_at < now()")
        .execute(&mut *conn)
        .await?;
    let sealed = keys
        .secrets
        .seal(codes.0.join("\n").as_bytes(), &associated(session_id));
    sqlx::query(
        "insert into auth.recovery_code_reveals (session_id, user_id, sealed_codes, expires_at)
         values ($1, $2, $3, now() + make_interval(mins => $4))
         on conflict (session_id) do update
            set user_id = excluded.user_id, sealed_codes = excluded.sealed_codes,
                expires_at = excluded.expires_at",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(sealed)
    .bind(LIFETIME_MINS)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The codes kept for this session, removed as they are read: a second call (a reload, the
/// back button, another tab) finds nothing. A revoked session gets nothing (its codes are
/// deleted when it ends, and this checks again).
#[tracing::instrument(skip(conn, keys))]
pub async fn take(
    conn: &mut PgConnection,
    keys: &AuthKeys,
    user_id: Uuid,
    session_id: Uuid,
) -> Result<Option<RecoveryCodes>, AppError> {
    let row: Option<(Vec<u8>, bool)> = sqlx::query_as(
        "delete from auth.recovery_code_reveals r where r.session_id = $1 and r.user_id = $2
         returning r.sealed_codes,
                   r.expires_at > now()
                   and exists (select 1 from auth.sessions s
                                where s.id = r.session_id and s.revoked_at is null)",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    // An expired row is removed all the same, unread.
    let Some((sealed, true)) = row else {
        return Ok(None);
    };
    let plain = keys
        .secrets
        .open(&sealed, &associated(session_id))
        .map_err(|_| {
            tracing::error!(%user_id, "kept recovery codes did not decrypt: wrong encryption key?");
            AppError::Internal
        })?;
    let text = String::from_utf8(plain).map_err(|_| AppError::Internal)?;
    Ok(Some(RecoveryCodes(
        text.split('\n').map(str::to_owned).collect(),
    )))
}
