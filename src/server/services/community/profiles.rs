//! Public profiles: who a member is and what they've shared where the viewer can read it.

use super::{caller_tx, db, feeds, rows::date_label};
use crate::{
    domain::{AppError, community::PublicProfile},
    server::{auth::session::CurrentSession, state::AppState},
};

#[derive(sqlx::FromRow)]
struct ProfileRow {
    handle: String,
    display_name: String,
    pronouns: String,
    bio_html: String,
    interests: Vec<String>,
    created_at: time::OffsetDateTime,
    is_verified: bool,
    modalities: Vec<String>,
    credentials: String,
    booking_url: String,
}

#[tracing::instrument(skip(state, caller))]
pub async fn get(
    state: &AppState,
    caller: Option<&CurrentSession>,
    handle: &str,
    cursor: &str,
) -> Result<PublicProfile, AppError> {
    let handle = handle.to_lowercase();
    let mut tx = caller_tx(state, caller).await?;
    let row: Option<ProfileRow> = sqlx::query_as(
        "select handle, display_name, pronouns, bio_html, interests, created_at, is_verified,
                modalities, credentials, booking_url
           from app.profiles where handle = $1",
    )
    .bind(&handle)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;
    let row = row.ok_or(AppError::NotFound)?;
    let page = feeds::author_feed(state, caller, &handle, cursor).await?;
    Ok(PublicProfile {
        handle: row.handle,
        display_name: row.display_name,
        pronouns: row.pronouns,
        bio_html: row.bio_html,
        interests: row.interests,
        joined_label: date_label(row.created_at),
        is_verified: row.is_verified,
        modalities: row.modalities,
        credentials: row.credentials,
        // Only web links are offered as booking links.
        booking_url: if row.booking_url.starts_with("https://") || row.booking_url.starts_with("http://") {
            row.booking_url
        } else {
            String::new()
        },
        posts: page.posts,
        next_cursor: page.next_cursor,
    })
}
