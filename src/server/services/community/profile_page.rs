//! A member's profile page in one transaction: who they are and a page of their posts, read
//! as the caller. The page used to read the profile and then its posts in two transactions
//! (two pool checkouts), and each infinite-scroll page read the whole profile again.

use super::{feeds, profiles};
use crate::{
    domain::{AppError, community::ProfilePageData},
    server::{auth::session::CurrentSession, services::context::Tx},
};

/// The member with `handle` and their posts older than `cursor` that the caller may read
/// (RLS leaves out circles they cannot read; anonymous posts have no author to match), in
/// the caller's transaction. `NotFound` when nobody has the handle. A malformed cursor fails
/// only the posts, so the profile still shows.
#[tracing::instrument(skip(tx, caller))]
pub async fn read(
    tx: &mut Tx,
    caller: Option<&CurrentSession>,
    handle: &str,
    cursor: &str,
) -> Result<ProfilePageData, AppError> {
    let cursor = feeds::parse_cursor(cursor);
    let profile = profiles::public_profile(tx, caller, handle).await?;
    let feed = match cursor {
        Ok(cursor) => Ok(feeds::author_feed(tx, caller.is_some(), handle, cursor).await?),
        Err(error) => Err(error),
    };
    Ok(ProfilePageData { profile, feed })
}
