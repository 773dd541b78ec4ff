//! A circle's page in one transaction: the circle, what the viewer may do there, and a page
//! of its posts. Two transactions (eleven round trips to PostgreSQL) became one (seven).

use super::{caller_tx, circles, feeds};
use crate::{
    domain::{AppError, community::CirclePageData},
    server::{auth::session::CurrentSession, state::AppState},
};

/// The circle (from its slug) and its posts older than `cursor`; `NotFound` when the circle
/// doesn't exist. A malformed cursor fails only the posts, so the circle still shows.
#[tracing::instrument(skip(state, caller))]
pub async fn read(
    state: &AppState,
    caller: Option<&CurrentSession>,
    slug: &str,
    cursor: &str,
) -> Result<CirclePageData, AppError> {
    let mut tx = caller_tx(state, caller).await?;
    let info = circles::read_page(&mut tx, caller.is_some(), slug).await?;
    let feed = match feeds::parse_cursor(cursor) {
        Ok(cursor) => {
            let mut page = feeds::read_circle_feed(&mut tx, info.circle.id, cursor).await?;
            page.signed_in = caller.is_some();
            Ok(page)
        }
        Err(error) => Err(error),
    };
    tx.commit().await?;
    Ok(CirclePageData { info, feed })
}
