//! A circle's page in one transaction: the circle, what the viewer may do there, and a page
//! of its posts. Two transactions (eleven round trips to PostgreSQL) became one (seven).

use super::{circles, feeds};
use crate::{
    domain::{AppError, community::CirclePageData, notification::NotifyLevel},
    server::services::{
        context::Tx,
        notifications::{self, LevelTarget},
    },
};

/// The circle (from its slug) and its posts older than `cursor`, in the caller's
/// transaction; `NotFound` when the circle doesn't exist. A malformed cursor fails only the
/// posts, so the circle still shows.
#[tracing::instrument(skip(tx))]
pub async fn read(
    tx: &mut Tx,
    signed_in: bool,
    slug: &str,
    cursor: &str,
) -> Result<CirclePageData, AppError> {
    let info = circles::page(tx, signed_in, slug).await?;
    let feed = match feeds::parse_cursor(cursor) {
        Ok(cursor) => Ok(feeds::circle_feed(tx, signed_in, info.circle.id, cursor).await?),
        Err(error) => Err(error),
    };
    let notify_level = if signed_in && info.circle.can_read {
        notifications::level(tx, LevelTarget::Circle(info.circle.id)).await?
    } else {
        NotifyLevel::Normal
    };
    Ok(CirclePageData {
        info,
        feed,
        notify_level,
    })
}
