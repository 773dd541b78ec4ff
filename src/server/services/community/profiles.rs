//! Public profiles: who a member is and what they've shared where the viewer can read it.

use super::{rows::date_label, text};
use crate::server::services::context::ServiceContext;
use crate::{
    domain::{AppError, community::PublicProfile},
    server::auth::session::CurrentSession,
};
use sqlx::{Postgres, Transaction};

#[derive(sqlx::FromRow)]
struct ProfileRow {
    user_id: uuid::Uuid,
    handle: String,
    display_name: String,
    pronouns: String,
    bio: String,
    interests: Vec<String>,
    created_at: time::OffsetDateTime,
    is_verified: bool,
    modalities: Vec<String>,
    credentials: String,
    booking_url: String,
    avatar_id: Option<uuid::Uuid>,
}

/// Who the member with `handle` is, inside the caller's open transaction; `NotFound` when
/// nobody has that handle.
pub async fn public_profile(
    tx: &mut Transaction<'static, Postgres>,
    caller: Option<&CurrentSession>,
    handle: &str,
) -> Result<PublicProfile, AppError> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "select user_id, handle, display_name, pronouns, bio, interests, created_at, is_verified,
                modalities, credentials, booking_url, avatar_id
           from app.profiles where handle = $1",
    )
    .bind(handle.to_lowercase())
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    // Rendered on read: a bio is short, and the identity service's profile form (which owns
    // `bio`) then never has to know about Markdown.
    let bio_html = text::render(tx, &row.bio).await?;
    let initials = crate::domain::community::initials(&row.display_name);
    Ok(PublicProfile {
        handle: row.handle,
        display_name: row.display_name,
        pronouns: row.pronouns,
        bio_html,
        interests: row.interests,
        joined_label: date_label(row.created_at),
        is_verified: row.is_verified,
        modalities: row.modalities,
        credentials: row.credentials,
        // Only web links are offered as booking links.
        booking_url: if row.booking_url.starts_with("https://")
            || row.booking_url.starts_with("http://")
        {
            row.booking_url
        } else {
            String::new()
        },
        can_verify: caller.is_some_and(|c| c.role == crate::domain::AccountRole::Admin),
        can_report: caller.is_some_and(|c| c.user_id != row.user_id),
        avatar: row.avatar_id.as_ref().map(super::rows::avatar_path),
        initials,
    })
}

/// interests, modalities, credentials, booking_url, is_verified
type DetailsRow = (Vec<String>, Vec<String>, String, String, bool);

/// The member's interests and practitioner details, as their settings form shows them.
#[tracing::instrument(skip_all)]
pub async fn load_details(
    ctx: &ServiceContext,
) -> Result<crate::domain::community::ProfileDetails, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let row: Option<DetailsRow> = sqlx::query_as(
        "select interests, modalities, credentials, booking_url, is_verified
           from app.profiles where user_id = auth.uid()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let (interests, modalities, credentials, booking_url, is_verified) =
        row.ok_or(AppError::NotFound)?;
    Ok(crate::domain::community::ProfileDetails {
        interests: interests.join(", "),
        modalities: modalities.join(", "),
        credentials,
        booking_url,
        is_verified,
    })
}

/// Saves interests and practitioner details on the member's own profile (RLS: own row;
/// `is_verified` has no member grant at all).
#[tracing::instrument(skip_all)]
pub async fn update_details(
    ctx: &ServiceContext,
    interests: &str,
    modalities: &str,
    credentials: &str,
    booking_url: &str,
) -> Result<(), AppError> {
    ctx.member()?;
    use crate::domain::{FieldErrors, community::validate};
    let mut errors = FieldErrors::new();
    let interests = validate::tag_list(interests, "interests")
        .map_err(|e| errors.add("interests", e))
        .ok();
    let modalities = validate::tag_list(modalities, "modalities")
        .map_err(|e| errors.add("modalities", e))
        .ok();
    let credentials = validate::credentials(credentials)
        .map_err(|e| errors.add("credentials", e))
        .ok();
    let booking_url = validate::booking_url(booking_url)
        .map_err(|e| errors.add("booking_url", e))
        .ok();
    errors.into_result()?;
    let (Some(interests), Some(modalities), Some(credentials), Some(booking_url)) =
        (interests, modalities, credentials, booking_url)
    else {
        return Err(AppError::Internal);
    };
    // Watched words, as on the rest of the profile: a blocked one is the field's error,
    // censored ones are masked, a flagged or held one puts the profile in the queue.
    use crate::server::services::moderation::watched;
    let list = watched::load(ctx).await?;
    let (mut errors, mut review) = (FieldErrors::new(), None);
    let mut screen = |field: &'static str, text: &str| {
        watched::check_field(&list, &mut errors, field, text, &mut review)
    };
    let interests: Vec<String> = interests.iter().map(|t| screen("interests", t)).collect();
    let modalities: Vec<String> = modalities.iter().map(|t| screen("modalities", t)).collect();
    let credentials = screen("credentials", &credentials);
    errors.into_result()?;
    let mut tx = ctx.begin().await?;
    sqlx::query(
        "update app.profiles set interests = $1, modalities = $2, credentials = $3, booking_url = $4,
                updated_at = now()
          where user_id = auth.uid()",
    )
    .bind(&interests)
    .bind(&modalities)
    .bind(&credentials)
    .bind(&booking_url)
    .execute(&mut *tx)
    .await?;
    if let Some(review) = review {
        sqlx::query("select app.review_own_profile($1)")
            .bind(&review.word)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An admin marks a member's practitioner credentials as checked (or not). Runs as the
/// identity service, since no member role may write `is_verified`, and is audited.
#[tracing::instrument(skip(ctx, origin))]
pub async fn set_verified(
    ctx: &ServiceContext,
    handle: &str,
    verified: bool,
    origin: &crate::server::auth::audit::Origin,
) -> Result<(), AppError> {
    use crate::server::auth::audit::{self, AuthEvent};
    let admin = ctx.member()?;
    if admin.role != crate::domain::AccountRole::Admin {
        return Err(AppError::Forbidden);
    }
    let mut tx = ctx.begin_as_service().await?;
    let target: Option<uuid::Uuid> = sqlx::query_scalar(
        "update app.profiles set is_verified = $2, updated_at = now() where handle = $1 returning user_id",
    )
    .bind(handle)
    .bind(verified)
    .fetch_optional(&mut *tx)
    .await
    ?;
    let target = target.ok_or(AppError::NotFound)?;
    audit::record(
        &mut tx,
        AuthEvent::ProfileUpdated,
        Some(admin.user_id),
        Some(target),
        origin,
        serde_json::json!({ "practitioner_verified": verified }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
