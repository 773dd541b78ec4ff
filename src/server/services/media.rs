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
        config::{MediaSettings, NewMemberLimits},
        media::picture::Picture,
        services::{context::ServiceContext, moderation::newcomers},
    },
};

/// Whether the caller may upload another picture now: under the quota, and this upload
/// within the hourly count (counted as an attempt whether or not it lands, in the shared
/// rate-limit table, so every instance counts the same and a replaced picture still counts).
#[tracing::instrument(skip_all)]
pub async fn allowance(
    ctx: &ServiceContext,
    settings: &MediaSettings,
    new_members: &NewMemberLimits,
) -> Result<Result<(), UploadRefusal>, AppError> {
    let member = ctx.member()?.user_id;
    // A member in their first days also has a daily count (staff are never new).
    if newcomers::is_new(ctx, new_members).await? {
        let mut tx = ctx.begin_as_service().await?;
        let counted = rate_limit::hit(
            &mut tx,
            &format!("upload-new:user:{member}"),
            Limit {
                max: i32::try_from(new_members.pictures_per_day).unwrap_or(i32::MAX),
                window_secs: 86_400,
            },
        )
        .await;
        tx.commit().await?;
        match counted {
            Ok(()) => {}
            Err(AppError::RateLimited { .. }) => {
                return Ok(Err(UploadRefusal::NewMemberPictures {
                    per_day: new_members.pictures_per_day,
                    days: new_members.days,
                }));
            }
            Err(other) => return Err(other),
        }
    }
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
        insert(tx, id, Bucket::Avatars, member, picture, None, "").await?;
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

/// A post's pictures as the caller may see them (Row Level Security: whoever reads the post),
/// in the order they were added.
pub async fn post_pictures(
    tx: &mut crate::server::services::context::Tx,
    post_id: crate::domain::PostId,
) -> Result<Vec<crate::domain::community::PostPicture>, AppError> {
    let rows: Vec<(uuid::Uuid, i32, i32, String)> = sqlx::query_as(
        "select id, width, height, alt from app.media_objects
          where post_id = $1 and bucket = 'post-media' order by created_at, id",
    )
    .bind(post_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, width, height, alt)| shown_picture(id, width, height, alt))
        .collect())
}

/// The pictures of the replies `ids` as the caller may see them, by reply, in the order they
/// were added: one query for a page of replies.
pub async fn reply_pictures(
    tx: &mut crate::server::services::context::Tx,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<crate::domain::community::PostPicture>>, AppError> {
    let mut by_reply: std::collections::HashMap<i64, Vec<_>> = std::collections::HashMap::new();
    if ids.is_empty() {
        return Ok(by_reply);
    }
    let rows: Vec<(uuid::Uuid, i64, i32, i32, String)> = sqlx::query_as(
        "select id, comment_id, width, height, alt from app.media_objects
          where comment_id = any($1) and bucket = 'post-media' order by created_at, id",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    for (id, reply, width, height, alt) in rows {
        by_reply
            .entry(reply)
            .or_default()
            .push(shown_picture(id, width, height, alt));
    }
    Ok(by_reply)
}

/// A picture of a post or reply as the gallery shows it.
fn shown_picture(
    id: uuid::Uuid,
    width: i32,
    height: i32,
    alt: String,
) -> crate::domain::community::PostPicture {
    crate::domain::community::PostPicture {
        id: id.to_string(),
        path: crate::domain::media::picture_path(Bucket::PostMedia, id),
        width: u32::try_from(width).unwrap_or(1),
        height: u32::try_from(height).unwrap_or(1),
        alt,
    }
}

/// Where a picture is being added: a post or a reply, by its named author.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Post(i64),
    Reply(i64),
}

/// Records a picture uploaded into post `post_id` by its author, with its description; the
/// database refuses anyone else, an anonymous post and a fifth picture. Returns the post's
/// address, for the redirect back to it.
#[tracing::instrument(skip_all, fields(%id, post_id))]
pub async fn add_post_picture(
    ctx: &ServiceContext,
    id: uuid::Uuid,
    place: Place,
    alt: &str,
    picture: &Picture,
) -> Result<(), AppError> {
    let member = ctx.member()?.user_id;
    crate::as_caller!(ctx, |tx| {
        insert(tx, id, Bucket::PostMedia, member, picture, Some(place), alt).await
    })
    .await
}

/// The address of post `post_id` as the caller may read it, for sending them back to it.
/// The address of the post reply `comment_id` belongs to, and the reply's anchor there.
pub async fn reply_address(
    ctx: &ServiceContext,
    comment_id: i64,
) -> Result<Option<(String, String)>, AppError> {
    let found: Option<(String, String, i64)> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select ci.slug, p.title, p.id from app.comments c
               join app.posts p on p.id = c.post_id
               join app.circles ci on ci.id = p.circle_id
              where c.id = $1",
        )
        .bind(comment_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    Ok(found.map(|(slug, title, post)| {
        (
            crate::domain::community::slug::post_path(&slug, crate::domain::PostId(post), &title),
            format!("#comment-{comment_id}"),
        )
    }))
}

pub async fn post_address(ctx: &ServiceContext, post_id: i64) -> Result<Option<String>, AppError> {
    let found: Option<(String, String)> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select c.slug, p.title from app.posts p join app.circles c on c.id = p.circle_id
              where p.id = $1",
        )
        .bind(post_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    Ok(found.map(|(slug, title)| {
        crate::domain::community::slug::post_path(&slug, crate::domain::PostId(post_id), &title)
    }))
}

/// Takes one of the caller's pictures down (or any, for an admin); false when there was
/// nothing they may remove.
#[tracing::instrument(skip_all, fields(%id))]
pub async fn remove(ctx: &ServiceContext, id: uuid::Uuid) -> Result<bool, AppError> {
    ctx.member()?;
    crate::as_caller!(ctx, |tx| {
        let removed = sqlx::query("delete from app.media_objects where id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        Ok::<_, AppError>(removed == 1)
    })
    .await
}

async fn insert(
    tx: &mut crate::server::services::context::Tx,
    id: uuid::Uuid,
    bucket: Bucket,
    owner: uuid::Uuid,
    picture: &Picture,
    place: Option<Place>,
    alt: &str,
) -> Result<(), AppError> {
    let (post_id, comment_id) = match place {
        Some(Place::Post(post)) => (Some(post), None),
        Some(Place::Reply(reply)) => (None, Some(reply)),
        None => (None, None),
    };
    let sizes: Vec<i32> = picture
        .variants
        .iter()
        .map(|v| i32::try_from(v.size).unwrap_or(i32::MAX))
        .collect();
    sqlx::query(
        "insert into app.media_objects (id, bucket, owner_id, content_type, width, height, bytes, sizes, post_id, alt, comment_id)
         values ($1, $2, $3, 'image/jpeg', $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(bucket.as_str())
    .bind(owner)
    .bind(i32::try_from(picture.width).unwrap_or(i32::MAX))
    .bind(i32::try_from(picture.height).unwrap_or(i32::MAX))
    .bind(i64::try_from(picture.bytes()).unwrap_or(i64::MAX))
    .bind(&sizes)
    .bind(post_id)
    .bind(alt)
    .bind(comment_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Uploads in a page of the admins' list.
const UPLOADS_PAGE: i64 = 50;

/// Every upload, newest first, with its uploader: admins only (the server function checks
/// the role; Row Level Security shows an admin every row and anyone else their own).
#[tracing::instrument(skip_all)]
pub async fn uploads(
    ctx: &ServiceContext,
    older_than: Option<&str>,
) -> Result<crate::domain::media::UploadsPage, AppError> {
    use crate::domain::media::{UploadRow, UploadsPage, size_label};
    let cursor = older_than.and_then(parse_cursor);
    type Row = (
        uuid::Uuid,
        String,
        i64,
        i32,
        i32,
        time::OffsetDateTime,
        Option<String>,
        String,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let mut rows: Vec<Row> = crate::as_caller!(ctx, |tx| {
        sqlx::query_as(
            "select m.id, m.bucket, m.bytes, m.width, m.height, m.created_at, p.handle, m.alt,
                    m.post_id, c.slug, po.title
               from app.media_objects m
               left join app.profiles p on p.user_id = m.owner_id
               left join app.posts po on po.id = m.post_id
               left join app.circles c on c.id = po.circle_id
              where $1::timestamptz is null or (m.created_at, m.id) < ($1, $2)
              order by m.created_at desc, m.id desc
              limit $3",
        )
        .bind(cursor.map(|(at, _)| at))
        .bind(cursor.map(|(_, id)| id))
        .bind(UPLOADS_PAGE + 1)
        .fetch_all(&mut **tx)
        .await
        .map_err(AppError::from)
    })
    .await?;
    let older = (rows.len() as i64 > UPLOADS_PAGE).then(|| {
        rows.truncate(UPLOADS_PAGE as usize);
        rows.last()
            .map(|row| format!("{}_{}", row.5.unix_timestamp_nanos() / 1_000, row.0))
            .unwrap_or_default()
    });
    let rows = rows
        .into_iter()
        .map(
            |(id, bucket, bytes, width, height, created_at, handle, alt, post_id, slug, title)| {
                let thumbnail = match Bucket::parse(&bucket) {
                    Some(Bucket::Avatars) => Some(format!("/media/avatars/{id}/64")),
                    Some(Bucket::PostMedia) => Some(format!("/media/post-media/{id}/480")),
                    _ => None,
                };
                UploadRow {
                    id: id.to_string(),
                    bucket,
                    thumbnail,
                    uploader: handle
                        .map_or_else(|| "a deleted account".to_owned(), |h| format!("@{h}")),
                    size_label: size_label(u64::try_from(bytes).unwrap_or(0)),
                    dimensions: format!("{width} × {height}"),
                    uploaded_label: crate::server::services::community::rows::date_label(
                        created_at,
                    ),
                    alt,
                    post_path: post_id.zip(slug).zip(title).map(|((id, slug), title)| {
                        crate::domain::community::slug::post_path(
                            &slug,
                            crate::domain::PostId(id),
                            &title,
                        )
                    }),
                }
            },
        )
        .collect();
    Ok(UploadsPage { rows, older })
}

/// `<microseconds>_<uuid>`, as [`uploads`] writes it.
fn parse_cursor(cursor: &str) -> Option<(time::OffsetDateTime, uuid::Uuid)> {
    let (micros, id) = cursor.split_once('_')?;
    let micros: i128 = micros.parse().ok()?;
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(micros * 1_000).ok()?;
    Some((at, uuid::Uuid::parse_str(id).ok()?))
}

/// An admin removes any member's picture; written to the audit log in the same transaction.
#[tracing::instrument(skip(ctx, origin))]
pub async fn remove_as_admin(
    ctx: &ServiceContext,
    id: uuid::Uuid,
    origin: &crate::server::auth::audit::Origin,
) -> Result<(), AppError> {
    use crate::server::auth::audit::{self, AuthEvent};
    let actor = ctx.member()?.user_id;
    let mut tx = ctx.begin().await?;
    let removed: Option<(uuid::Uuid, String)> =
        sqlx::query_as("delete from app.media_objects where id = $1 returning owner_id, bucket")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((owner, bucket)) = removed else {
        return Err(AppError::NotFound);
    };
    crate::server::db::scoped::switch_to_service(&mut tx).await?;
    audit::record(
        &mut tx,
        AuthEvent::UploadRemoved,
        Some(actor),
        Some(owner),
        origin,
        serde_json::json!({ "media_id": id, "bucket": bucket }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
