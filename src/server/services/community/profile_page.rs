//! A member's profile page in one transaction: who they are and a page of their posts, read
//! as the caller. The page used to read the profile and then its posts in two transactions
//! (two pool checkouts), and each infinite-scroll page read the whole profile again.

use super::{caller_tx, feeds, profiles};
use crate::{
    domain::{AppError, community::ProfilePageData},
    server::{auth::session::CurrentSession, state::AppState},
};

/// The member with `handle` and their posts older than `cursor` that the caller may read
/// (RLS leaves out circles they cannot read; anonymous posts have no author to match).
/// `NotFound` when nobody has the handle. A malformed cursor fails only the posts, so the
/// profile still shows.
#[tracing::instrument(skip(state, caller))]
pub async fn read(
    state: &AppState,
    caller: Option<&CurrentSession>,
    handle: &str,
    cursor: &str,
) -> Result<ProfilePageData, AppError> {
    let cursor = feeds::parse_cursor(cursor);
    let mut tx = caller_tx(state, caller).await?;
    let profile = profiles::read_public_profile(&mut tx, caller, handle).await?;
    let feed = match cursor {
        Ok(cursor) => {
            let mut page = feeds::read_author_feed(&mut tx, handle, cursor).await?;
            page.signed_in = caller.is_some();
            Ok(page)
        }
        Err(error) => Err(error),
    };
    tx.commit().await?;
    Ok(ProfilePageData { profile, feed })
}
