//! `POST /uploads/avatar` (a member's new profile picture) and `POST /uploads/post-media`
//! (a picture added to a post), each as a plain multipart form (no JavaScript needed) or
//! from a script.
//!
//! The file streams in a chunk at a time and is cut off the moment it passes the bucket's
//! cap; its first bytes must say JPEG, PNG, GIF or WebP before the rest is read. The
//! member's hourly count and quota are checked before a byte of the body is read. Decoding
//! and re-encoding wait for a slot (`media.reencode_slots`) and run on a blocking thread.
//! The variants are stored first and recorded second; if recording fails, they are deleted
//! again, so a failure leaves nothing behind.
//!
//! A plain form is answered with a redirect back to its page carrying a short code (never
//! free text); a script (which does not ask for HTML) gets JSON.

use crate::{
    domain::{
        AppError,
        media::{Bucket, ImageKind, MAX_DESCRIPTION, UploadRefusal, media_path},
    },
    server::{
        auth::{request, session::Caller},
        http::errors::error_response,
        media::{Media, picture, store},
        services::{context::ServiceContext, media as pictures},
        state::AppState,
    },
};
use axum::{
    Json,
    extract::{Multipart, Query, State, multipart::MultipartRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use std::time::Instant;

/// Where a plain form is sent back to.
const SETTINGS: &str = "/settings/profile";

/// Why an upload did not land: refused for a reason the member can act on, or failed.
#[derive(Debug)]
pub enum Outcome {
    Refused(UploadRefusal),
    Failed(AppError),
}

impl From<UploadRefusal> for Outcome {
    fn from(refusal: UploadRefusal) -> Self {
        Outcome::Refused(refusal)
    }
}

impl From<AppError> for Outcome {
    fn from(error: AppError) -> Self {
        Outcome::Failed(error)
    }
}

pub async fn avatar(
    State(state): State<AppState>,
    caller: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let session = caller.and_then(|c| c.0.0.clone());
    let started = Instant::now();
    let result = receive_avatar(&state, session.clone(), multipart).await;
    // The header reads the picture from the access token: the new one shows at once.
    let cookie = match (&result, &session) {
        (Ok(path), Some(session)) => {
            let id = path
                .split('/')
                .nth(3)
                .and_then(|id| uuid::Uuid::parse_str(id).ok());
            Some(request::access_cookie(
                &state,
                session,
                &session.aal,
                &session.claims.amr,
                request::names_with_avatar(session, id),
            ))
        }
        _ => None,
    };
    let back = PlainReturn {
        page: SETTINGS.to_owned(),
        done: "avatar=saved#picture".to_owned(),
        problem: "avatar_error",
        anchor: "#picture".to_owned(),
    };
    let mut response = respond(
        Bucket::Avatars,
        started,
        result,
        wants_html(&headers),
        &back,
    );
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// Where the picture goes: `?post=<id>` or `?comment=<id>`.
#[derive(Deserialize)]
pub struct Into {
    post: Option<i64>,
    comment: Option<i64>,
}

/// `POST /uploads/post-media?post=<id>` (or `?comment=<id>`): a picture added to a post or a
/// reply by its author, with the words that describe it (`alt`, required). Fields: `alt` and
/// `picture`.
pub async fn post_picture(
    State(state): State<AppState>,
    caller: Option<axum::Extension<Caller>>,
    headers: HeaderMap,
    Query(into): Query<Into>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let session = caller.and_then(|c| c.0.0.clone());
    let started = Instant::now();
    let ctx = ServiceContext::from_state(&state, session);
    let (place, found) = match (into.post, into.comment) {
        (Some(post), None) => (
            pictures::Place::Post(post),
            pictures::post_address(&ctx, post)
                .await
                .map(|found| found.map(|path| (path, "#pictures".to_owned()))),
        ),
        (None, Some(reply)) => (
            pictures::Place::Reply(reply),
            pictures::reply_address(&ctx, reply).await,
        ),
        _ => return error_response(AppError::NotFound),
    };
    let (page, anchor) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return error_response(AppError::NotFound),
        Err(error) => return error_response(error),
    };
    let result = receive_post_picture(&state, &ctx, place, multipart).await;
    let back = PlainReturn {
        page,
        done: format!("picture=added{anchor}"),
        problem: "picture_error",
        anchor,
    };
    respond(
        Bucket::PostMedia,
        started,
        result,
        wants_html(&headers),
        &back,
    )
}

/// Where a plain form is sent back to, and the query keys that say how it went.
struct PlainReturn {
    page: String,
    /// `key=value#anchor` on success.
    done: String,
    /// The key a refusal's code is given under.
    problem: &'static str,
    anchor: String,
}

fn respond(
    bucket: Bucket,
    started: Instant,
    result: Result<String, Outcome>,
    plain: bool,
    back: &PlainReturn,
) -> Response {
    let outcome = match &result {
        Ok(_) => "stored",
        Err(Outcome::Refused(refusal)) => refusal.code(),
        Err(Outcome::Failed(_)) => "failed",
    };
    metrics::counter!("wellspring_media_uploads_total", "bucket" => bucket.as_str(), "outcome" => outcome)
        .increment(1);
    let page = &back.page;
    // Where a plain form is sent next; a script gets it too (`location`), so the upload
    // progress script ends on the very page and notice the plain form would.
    let (status, json, location) = match result {
        Ok(path) => {
            tracing::info!(
                bucket = bucket.as_str(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "picture stored"
            );
            (
                StatusCode::OK,
                serde_json::json!({ "path": path }),
                format!("{page}?{}", back.done),
            )
        }
        Err(Outcome::Refused(refusal)) => {
            tracing::info!(
                bucket = bucket.as_str(),
                reason = refusal.code(),
                "picture refused"
            );
            (
                StatusCode::from_u16(refusal.status_code()).unwrap_or(StatusCode::BAD_REQUEST),
                serde_json::json!({ "error": refusal.message() }),
                format!("{page}?{}={}{}", back.problem, refusal.code(), back.anchor),
            )
        }
        Err(Outcome::Failed(error)) => {
            if matches!(error, AppError::Internal | AppError::Unavailable) {
                tracing::error!(error = ?error, bucket = bucket.as_str(), "storing a picture failed");
            }
            let location = match &error {
                AppError::Unauthorized => format!("/login?next={page}"),
                _ => {
                    let code = match &error {
                        AppError::Restricted(_) => "restricted",
                        AppError::BadRequest(words) if words.contains("up to 4 pictures") => "full",
                        _ => "failed",
                    };
                    format!("{page}?{}={code}{}", back.problem, back.anchor)
                }
            };
            (
                StatusCode::from_u16(error.status_code())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                serde_json::json!({ "error": error.to_string() }),
                location,
            )
        }
    };
    if plain {
        return Redirect::to(&location).into_response();
    }
    let mut json = json;
    json["location"] = serde_json::Value::String(location);
    (status, Json(json)).into_response()
}

async fn receive_post_picture(
    state: &AppState,
    ctx: &ServiceContext,
    place: pictures::Place,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<String, Outcome> {
    let media = &state.media;
    if !media.settings.uploads_enabled {
        return Err(UploadRefusal::UploadsOff.into());
    }
    ctx.member()?;
    pictures::allowance(ctx, &media.settings, &state.settings.limits.new_members).await??;
    let multipart = multipart.map_err(|_| UploadRefusal::NoFile)?;
    let form = read_form(multipart, "picture", media.settings.picture_max_bytes).await?;
    let alt = form.text("alt").trim().to_owned();
    if alt.is_empty() {
        return Err(UploadRefusal::NoDescription.into());
    }
    if alt.chars().count() > MAX_DESCRIPTION {
        return Err(UploadRefusal::DescriptionTooLong.into());
    }
    let picture = reencode(media, form.file, Bucket::PostMedia).await?;
    let id = uuid::Uuid::new_v4();
    put_all(media, Bucket::PostMedia, id, &picture).await?;
    if let Err(error) = pictures::add_post_picture(ctx, id, place, &alt, &picture).await {
        delete_all(media, Bucket::PostMedia, id, &picture).await;
        return Err(error.into());
    }
    Ok(media_path(
        Bucket::PostMedia,
        &id.to_string(),
        Bucket::PostMedia.variants()[0],
    ))
}

async fn receive_avatar(
    state: &AppState,
    session: Option<crate::server::auth::session::CurrentSession>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<String, Outcome> {
    let media = &state.media;
    if !media.settings.uploads_enabled {
        return Err(UploadRefusal::UploadsOff.into());
    }
    let ctx = ServiceContext::from_state(state, session);
    ctx.member()?;
    pictures::allowance(&ctx, &media.settings, &state.settings.limits.new_members).await??;
    let multipart = multipart.map_err(|_| UploadRefusal::NoFile)?;
    let form = read_form(multipart, "avatar", media.settings.avatar_max_bytes).await?;
    let picture = reencode(media, form.file, Bucket::Avatars).await?;
    let id = uuid::Uuid::new_v4();
    put_all(media, Bucket::Avatars, id, &picture).await?;
    if let Err(error) = pictures::set_avatar(&ctx, id, &picture).await {
        delete_all(media, Bucket::Avatars, id, &picture).await;
        return Err(error.into());
    }
    Ok(media_path(
        Bucket::Avatars,
        &id.to_string(),
        Bucket::Avatars.variants()[0],
    ))
}

/// An upload form as read: the file's bytes and its short text fields.
pub struct ReceivedForm {
    pub file: Vec<u8>,
    texts: Vec<(String, String)>,
}

impl ReceivedForm {
    /// A text field's value, or empty.
    pub fn text(&self, name: &str) -> &str {
        self.texts
            .iter()
            .find(|(field, _)| field == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// Longest text field kept from an upload form (a description is 500 characters).
const TEXT_FIELD_MAX: usize = 4 * 1024;

/// Reads an upload form: the file in field `file_field`, refused as soon as its first bytes
/// are not a picture or it grows past `max_bytes` (the rest of the body is never read), and
/// any short text fields around it, in whatever order the browser sent them.
pub async fn read_form(
    mut multipart: Multipart,
    file_field: &str,
    max_bytes: u64,
) -> Result<ReceivedForm, UploadRefusal> {
    let too_large = UploadRefusal::TooLarge {
        limit_mb: max_bytes.div_ceil(1024 * 1024),
    };
    let mut file: Option<Vec<u8>> = None;
    let mut chosen = false;
    let mut texts = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| UploadRefusal::Unreadable)?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name != file_field {
            // A text field: kept when short, never more than a few kilobytes read.
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| UploadRefusal::Unreadable)? {
                if value.len() + chunk.len() > TEXT_FIELD_MAX {
                    return Err(UploadRefusal::DescriptionTooLong);
                }
                value.extend_from_slice(&chunk);
            }
            texts.push((name, String::from_utf8_lossy(&value).into_owned()));
            continue;
        }
        if file.is_some() {
            // One picture per upload; a second file field is not read.
            continue;
        }
        // A form sent with no file chosen has a nameless, empty part.
        chosen = field.file_name().is_some_and(|n| !n.is_empty());
        let mut data: Vec<u8> = Vec::new();
        let mut sniffed = false;
        loop {
            let chunk = match field.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                // The route group's own body limit (a larger, outer bound) ends the stream.
                Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(too_large);
                }
                Err(_) => return Err(UploadRefusal::Unreadable),
            };
            if (data.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large);
            }
            data.extend_from_slice(&chunk);
            if !sniffed && data.len() >= ImageKind::SNIFF_LEN {
                ImageKind::sniff(&data).ok_or(UploadRefusal::NotAnImage)?;
                sniffed = true;
            }
        }
        file = Some(data);
    }
    match file {
        Some(file) if !file.is_empty() => Ok(ReceivedForm { file, texts }),
        Some(_) if chosen => Err(UploadRefusal::Empty),
        _ => Err(UploadRefusal::NoFile),
    }
}

/// Decodes and re-encodes on a blocking thread, once a slot is free.
pub async fn reencode(
    media: &Media,
    bytes: Vec<u8>,
    bucket: Bucket,
) -> Result<picture::Picture, Outcome> {
    let _slot = media
        .reencoding
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable)?;
    let limits = media.limits();
    tokio::task::spawn_blocking(move || picture::reencode(&bytes, bucket, limits))
        .await
        .map_err(|error| {
            tracing::error!(error = %error, "re-encoding a picture panicked");
            Outcome::Failed(AppError::Internal)
        })?
        .map_err(Outcome::Refused)
}

/// Stores every variant; on a failure, deletes those already stored.
pub async fn put_all(
    media: &Media,
    bucket: Bucket,
    id: uuid::Uuid,
    picture: &picture::Picture,
) -> Result<(), Outcome> {
    for variant in &picture.variants {
        let key = store::key(bucket, id, variant.size);
        if let Err(error) = media.store.put(&key, variant.jpeg.clone().into()).await {
            tracing::error!(error = %error, %key, "the object store refused a picture");
            delete_all(media, bucket, id, picture).await;
            return Err(Outcome::Failed(AppError::Unavailable));
        }
    }
    Ok(())
}

/// Best effort: what is left behind is an unreferenced object, never a broken row.
pub async fn delete_all(media: &Media, bucket: Bucket, id: uuid::Uuid, picture: &picture::Picture) {
    for variant in &picture.variants {
        let key = store::key(bucket, id, variant.size);
        if let Err(error) = media.store.delete(&key).await
            && !matches!(error, object_store::Error::NotFound { .. })
        {
            tracing::warn!(error = %error, %key, "could not delete a picture after a failed upload");
        }
    }
}

/// A browser's form post asks for HTML; a script's fetch does not.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}
