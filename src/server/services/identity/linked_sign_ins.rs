//! A member's sign-ins through providers (Google, GitHub), listed and unlinked on the
//! security page. Both run as `authenticated`, so RLS keeps them to the member's own rows
//! whatever id a request names. Unlinking the last way in would lock the member out, so it
//! is refused unless a password or another linked sign-in remains.

use super::step_up;
use crate::server::services::context::ServiceContext;
use crate::{
    domain::{AppError, LinkedSignIn},
    server::{
        auth::audit::{self, AuthEvent, Origin},
        db::scoped,
    },
};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// Told to a member whose only way in is the sign-in they want to unlink.
pub const LAST_WAY_IN: &str = "This is your only way to sign in, so we've kept it linked. \
     To unlink it, first set a password: use \u{201c}Forgot your password?\u{201d} on the \
     sign-in page and we'll email you a link.";

#[tracing::instrument(skip_all)]
pub async fn list(ctx: &ServiceContext) -> Result<Vec<LinkedSignIn>, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let rows: Vec<(Uuid, String, String, time::OffsetDateTime)> = sqlx::query_as(
        "select id, provider, email, created_at from auth.identities order by created_at, id",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, provider, email, linked)| LinkedSignIn {
            id: id.to_string(),
            provider,
            email,
            linked_at: linked.format(&Rfc3339).unwrap_or_default(),
        })
        .collect())
}

/// Unlinks one of the member's provider sign-ins, keeping at least one way in, and writes
/// `oauth_unlinked` to the audit log in the same transaction.
#[tracing::instrument(skip(ctx, origin))]
pub async fn unlink(
    ctx: &ServiceContext,
    identity_id: Uuid,
    step_up_secs: i64,
    origin: &Origin,
) -> Result<(), AppError> {
    let session = ctx.member()?;
    let mut tx = ctx.begin().await?;
    scoped::switch_to_service(&mut tx).await?;
    // A stolen session must not remove the owner's way in: a recent proof first.
    step_up::require_recent(&mut tx, session.session_id, step_up_secs).await?;
    // The account row's lock makes two unlinks in parallel (two tabs) take turns, so they
    // cannot each see the other's sign-in remaining and both succeed. Members may neither
    // lock it nor read whether it has a password: the service does, in this transaction.
    let has_password: bool = sqlx::query_scalar(
        "select password_hash is not null from auth.users where id = $1 for update",
    )
    .bind(session.user_id)
    .fetch_one(&mut *tx)
    .await?;
    scoped::switch_to_member(&mut tx).await?;
    let unlinked: Option<String> =
        sqlx::query_scalar("delete from auth.identities where id = $1 returning provider")
            .bind(identity_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(provider) = unlinked else {
        return Err(AppError::BadRequest(
            "That sign-in isn't linked to your account. Please reload the page.".into(),
        ));
    };
    let remaining: i64 = sqlx::query_scalar("select count(*) from auth.identities")
        .fetch_one(&mut *tx)
        .await?;
    if !has_password && remaining == 0 {
        // Dropping the transaction rolls the delete back.
        return Err(AppError::BadRequest(LAST_WAY_IN.into()));
    }
    scoped::switch_to_service(&mut tx).await?;
    audit::record(
        &mut tx,
        AuthEvent::OAuthUnlinked,
        Some(session.user_id),
        Some(session.user_id),
        origin,
        json!({ "identity_id": identity_id, "provider": provider }),
    )
    .await?;
    Ok(tx.commit().await?)
}
