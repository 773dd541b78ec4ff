//! A member's own profile, read and changed as `authenticated` under RLS: the policy, not
//! this code, is what stops anyone editing someone else's.

use super::sessions::ProfileNames;
use crate::domain::media::{Bucket, picture_path};
use crate::server::services::context::ServiceContext;
use crate::server::services::moderation::watched;
use crate::{
    domain::{
        AppError, FieldErrors, ProfileSettings, Viewer, ViewerSummary, identity::validate,
        text_rules,
    },
    server::{
        auth::audit::{self, AuthEvent, Origin},
        db::scoped,
    },
};
use serde_json::json;

/// Who is signed in, for the header: straight from the verified access token, with no
/// database round trip. Tokens issued before they carried the member's names fall back to
/// the database until they are refreshed (within one access-token lifetime).
pub async fn summary(ctx: &ServiceContext) -> Result<Option<ViewerSummary>, AppError> {
    let Some(session) = ctx.caller() else {
        return Ok(None);
    };
    let claims = &session.claims;
    match (&claims.handle, &claims.display_name) {
        (Some(handle), Some(display_name)) => Ok(Some(ViewerSummary {
            avatar: claims
                .avatar
                .as_deref()
                .and_then(|id| uuid::Uuid::parse_str(id).ok())
                .map(|id| picture_path(Bucket::Avatars, id)),
            initials: crate::domain::community::initials(display_name),
            user_id: session.user_id.to_string(),
            handle: handle.clone(),
            display_name: display_name.clone(),
            role: session.role,
            aal: session.aal.clone(),
            standing: claims.standing.clone(),
        })),
        _ => Ok(viewer(ctx).await?.map(ViewerSummary::from)),
    }
}

/// Who is signed in, fresh from the database, for the settings pages.
#[tracing::instrument(skip_all)]
pub async fn viewer(ctx: &ServiceContext) -> Result<Option<Viewer>, AppError> {
    let Some(session) = ctx.caller() else {
        return Ok(None);
    };
    let mut tx = ctx.begin().await?;
    let row: Option<ViewerRow> = sqlx::query_as(
        "select u.email, p.handle, p.display_name, u.role,
                u.email_confirmed_at is not null as email_confirmed,
                exists (select 1 from auth.mfa_factors f
                         where f.user_id = u.id and f.status = 'verified') as has_mfa
           from auth.users u join app.profiles p on p.user_id = u.id
          where u.id = auth.uid()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|row| Viewer {
        user_id: session.user_id.to_string(),
        email: row.email,
        handle: row.handle,
        display_name: row.display_name,
        role: crate::domain::AccountRole::parse(&row.role)
            .unwrap_or(crate::domain::AccountRole::Member),
        aal: session.aal.clone(),
        has_mfa: row.has_mfa,
        email_confirmed: row.email_confirmed,
    }))
}

/// The signed-in member's account and profile, as the settings pages show them.
#[derive(sqlx::FromRow)]
struct ViewerRow {
    email: String,
    handle: String,
    display_name: String,
    role: String,
    email_confirmed: bool,
    /// A verified second factor exists.
    has_mfa: bool,
}

#[tracing::instrument(skip_all)]
pub async fn load(ctx: &ServiceContext) -> Result<ProfileSettings, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let row: Option<(String, String, String, String, Option<uuid::Uuid>)> = sqlx::query_as(
        "select handle, display_name, bio, pronouns, avatar_id
           from app.profiles where user_id = auth.uid()",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    let (handle, display_name, bio, pronouns, avatar) = row.ok_or(AppError::NotFound)?;
    Ok(ProfileSettings {
        initials: crate::domain::community::initials(&display_name),
        handle,
        display_name,
        bio,
        pronouns,
        avatar: avatar.map(|id| picture_path(Bucket::Avatars, id)),
    })
}

/// Updates display name, bio and pronouns. The handle is fixed once chosen. Returns the
/// names now saved, for the new access token the header reads them from.
#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &ServiceContext,
    display_name: &str,
    bio: &str,
    pronouns: &str,
    origin: &Origin,
) -> Result<ProfileNames, AppError> {
    let session = ctx.member()?;
    let mut errors = FieldErrors::new();
    errors.check("display_name", validate::display_name(display_name));
    errors.check("bio", validate::short_text("Your bio", bio, 2000));
    errors.check("pronouns", validate::short_text("Pronouns", pronouns, 40));
    errors.check("pronouns", text_rules::single_line(pronouns.trim()));
    errors.into_result()?;
    // A bio is free text: direction controls are removed, not refused (see text_rules).
    let bio = text_rules::without_direction_controls(bio);
    // Watched words: a blocked one is the field's own error; censored ones are masked; a
    // flagged or held one reports the profile to the queue.
    let list = watched::load(ctx).await?;
    let mut review = None;
    let mut texts = Vec::new();
    let mut errors = FieldErrors::new();
    for (field, text) in [
        ("display_name", display_name.trim()),
        ("bio", bio.trim()),
        ("pronouns", pronouns.trim()),
    ] {
        texts.push(watched::check_field(
            &list,
            &mut errors,
            field,
            text,
            &mut review,
        ));
    }
    errors.into_result()?;
    let [display_name, bio, pronouns] =
        <[String; 3]>::try_from(texts).map_err(|_| AppError::Internal)?;
    let mut tx = ctx.begin().await?;
    let names: ProfileNames = sqlx::query_as(
        "update app.profiles set display_name = $1, bio = $2, pronouns = $3, updated_at = now()
          where user_id = auth.uid()
          returning handle, display_name, avatar_id",
    )
    .bind(&display_name)
    .bind(&bio)
    .bind(&pronouns)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    if let Some(review) = review {
        sqlx::query("select app.review_own_profile($1)")
            .bind(&review.word)
            .execute(&mut *tx)
            .await?;
    }
    // The audit trail is the identity service's to write; same transaction.
    scoped::switch_to_service(&mut tx).await?;
    audit::record(
        &mut tx,
        AuthEvent::ProfileUpdated,
        Some(session.user_id),
        Some(session.user_id),
        origin,
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(names)
}
