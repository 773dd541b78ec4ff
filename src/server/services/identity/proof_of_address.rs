//! What happens when someone proves they control an account's address (a magic link, a
//! confirmation link): the address counts as confirmed, and a password chosen before that
//! proof is cleared unless the proof came from the browser that chose it.
//!
//! Why: anyone can sign up with someone else's address and a password of their own. If the
//! owner later proves the address (a magic link, or the confirmation mail the squatter's
//! sign-in attempts keep sending), the squatter's password must not become a second key to
//! the owner's account. Opened in the browser that signed up (it holds the `ws_confirm`
//! value the link is bound to), the confirmer is the person who chose the password, so it
//! stays. OAuth does the same in `oauth.rs`; a reset link sets a new password anyway.

use super::sessions;
use crate::domain::AppError;
use sqlx::PgConnection;
use uuid::Uuid;

/// The account after its address was proven.
#[derive(Debug, sqlx::FromRow)]
pub struct Proven {
    pub role: String,
    pub has_mfa: bool,
    /// A password chosen before the address was proven was cleared (and every session of
    /// the account ended).
    pub password_cleared: bool,
}

/// Marks the address confirmed; clears an unproven password unless `chosen_here` (the
/// proof came from the browser that chose it), ending every session when it does.
pub async fn prove(
    conn: &mut PgConnection,
    user_id: Uuid,
    chosen_here: bool,
) -> Result<Proven, AppError> {
    let proven: Proven = sqlx::query_as(
        "with before as (
             select id, email_confirmed_at is null and password_hash is not null as unproven
               from auth.users where id = $1 for update
         )
         update auth.users u
            set password_hash = case when b.unproven and not $2 then null else u.password_hash end,
                email_confirmed_at = coalesce(u.email_confirmed_at, now()),
                updated_at = now()
           from before b
          where u.id = b.id
          returning u.role,
                    exists (select 1 from auth.mfa_factors f
                             where f.user_id = u.id and f.status = 'verified') as has_mfa,
                    b.unproven and not $2 as password_cleared",
    )
    .bind(user_id)
    .bind(chosen_here)
    .fetch_one(&mut *conn)
    .await?;
    if proven.password_cleared {
        sessions::end_others(conn, user_id, None, "address_proven").await?;
    }
    Ok(proven)
}
