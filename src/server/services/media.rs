//! Pictures' rows: who may upload more, recording an upload, a member's profile picture,
//! and whether a caller may read a picture. Every query runs as the caller, so Row Level
//! Security (migration 0034) decides what they see and change; the bytes are the media
//! handlers' business (`server::media`).

use crate::{
    domain::{
        AppError,
        media::{Bucket, UploadRefusal},
    },
    server::{
        auth::rate_limit::{self, Limit},
        config::MediaSettings,
        media::picture::Picture,
        services::context::ServiceContext,
    },
};

/// Whether the caller may upload another picture now: under the quota, and this upload
/// within the hourly count (counted as an attempt whether or not it lands, in the shared
/// rate-limit table, so every instance counts the same and a replaced picture still counts).
#[tracing::instrument(skip_all)]
pub async fn allowance(
    ctx: &ServiceContext,
    settings: &MediaSettings,
) -> Result<Result<(), UploadRefusal>, AppError> {
    let member = ctx.member()?.user_id;
    let stored: i64 = crate::as_caller!(ctx, |tx| {
        sqlx::query_scalar(
            "select coalesce(sum(bytes), 0)::bigint from app.media_objects where owner_id = $1",
        )
        .bind(member)
        .fetch_one(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    let mut tx = ctx.begin_as_service().await?;
    let counted = rate_limit::hit(
        &mut tx,
        &format!("upload:user:{member}"),
        Limit {
            max: i32::try_from(settings.uploads_per_hour).unwrap_or(i32::MAX),
            window_secs: 3600,
        },
    )
    .await;
    tx.commit().await?;
    match counted {
        Ok(()) => {}
        Err(AppError::RateLimited { .. }) => return Ok(Err(UploadRefusal::RateLimited)),
        Err(other) => return Err(other),
    }
    let quota = settings.quota_mb.saturating_mul(1024 * 1024);
    if u64::try_from(stored).unwrap_or(0) >= quota {
        return Ok(Err(UploadRefusal::QuotaFull {
            quota_mb: settings.quota_mb,
        }));
    }
    Ok(Ok(()))
}

/// Records an uploaded profile picture and makes it the caller's, in one transaction; the
/// picture it replaces is deleted (its store keys queued for the sweep).
#[tracing::instrument(skip_all, fields(%id))]
pub async fn set_avatar(
    ctx: &ServiceContext,
    id: uuid::Uuid,
    picture: &Picture,
) -> Result<(), AppError> {
    let member = ctx.member()?.user_id;
    crate::as_caller!(ctx, |tx| {
        insert(tx, id, Bucket::Avatars, member, picture).await?;
        let previous: Option<uuid::Uuid> =
            sqlx::query_scalar("select avatar_id from app.profiles where user_id = $1 for update")
                .bind(member)
                .fetch_optional(&mut **tx)
                .await?
                .flatten();
        sqlx::query(
            "update app.profiles set avatar_id = $2, updated_at = now() where user_id = $1",
        )
        .bind(member)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if let Some(previous) = previous {
            sqlx::query("delete from app.media_objects where id = $1")
                .bind(previous)
                .execute(&mut **tx)
                .await?;
        }
        Ok::<_, AppError>(())
    })
    .await
}

/// Takes the caller's profile picture down (the generated initials show instead).
#[tracing::instrument(skip_all)]
pub async fn remove_avatar(ctx: &ServiceContext) -> Result<bool, AppError> {
    let member = ctx.member()?.user_id;
    crate::as_caller!(ctx, |tx| {
        let previous: Option<uuid::Uuid> =
            sqlx::query_scalar("select avatar_id from app.profiles where user_id = $1 for update")
                .bind(member)
                .fetch_optional(&mut **tx)
                .await?
                .flatten();
        let Some(previous) = previous else {
            return Ok(false);
        };
        sqlx::query(
            "update app.profiles set avatar_id = null, updated_at = now() where user_id = $1",
        )
        .bind(member)
        .execute(&mut **tx)
        .await?;
        sqlx::query("delete from app.media_objects where id = $1")
            .bind(previous)
            .execute(&mut **tx)
            .await?;
        Ok::<_, AppError>(true)
    })
    .await
}

/// Whether the caller may read picture `id` in `bucket`: the row is visible to them.
#[tracing::instrument(skip_all, fields(%id))]
pub async fn readable(
    ctx: &ServiceContext,
    bucket: Bucket,
    id: uuid::Uuid,
) -> Result<bool, AppError> {
    crate::as_caller!(ctx, |tx| {
        sqlx::query_scalar::<_, bool>(
            "select exists (select 1 from app.media_objects where id = $1 and bucket = $2)",
        )
        .bind(id)
        .bind(bucket.as_str())
        .fetch_one(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await
}

async fn insert(
    tx: &mut crate::server::services::context::Tx,
    id: uuid::Uuid,
    bucket: Bucket,
    owner: uuid::Uuid,
    picture: &Picture,
) -> Result<(), AppError> {
    let sizes: Vec<i32> = picture
        .variants
        .iter()
        .map(|v| i32::try_from(v.size).unwrap_or(i32::MAX))
        .collect();
    sqlx::query(
        "insert into app.media_objects (id, bucket, owner_id, content_type, width, height, bytes, sizes)
         values ($1, $2, $3, 'image/jpeg', $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(bucket.as_str())
    .bind(owner)
    .bind(i32::try_from(picture.width).unwrap_or(i32::MAX))
    .bind(i32::try_from(picture.height).unwrap_or(i32::MAX))
    .bind(i64::try_from(picture.bytes()).unwrap_or(i64::MAX))
    .bind(&sizes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
