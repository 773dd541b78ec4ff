//! Sanctions on a member (site staff, aal2) and a member acknowledging a warning. The
//! database guards each decision again (migration 0025); these check the session first so a
//! refusal is quick and readable.

use crate::domain::AppError;
use leptos::prelude::*;

/// Site staff warn, silence, suspend or ban the member with `handle`, with a reason the
/// member is told; `days` is the period (silence and suspend need one; a ban without one is
/// for good). From the plain form, back to the member's staff page.
#[server(prefix = "/api", endpoint = "sanctions/decide")]
pub async fn sanction_member(
    handle: String,
    kind: String,
    #[server(default)] days: String,
    reason: String,
) -> Result<i64, AppError> {
    use crate::{
        domain::sanction::SanctionKind,
        server::{auth::request, http::errors::with_status, services::moderation::sanctions},
    };
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    let Some(kind) = SanctionKind::parse(kind.trim()) else {
        return with_status(Err(AppError::BadRequest(
            "Choose warn, silence, suspend or ban.".into(),
        )));
    };
    let days = with_status(sanctions::period(kind, &days))?;
    let id = with_status(sanctions::sanction(&ctx, &handle, kind, days, &reason).await)?;
    super::circles::redirect_back_without_js(&member_page(&handle));
    Ok(id)
}

/// Site staff lift a sanction early (or withdraw a warning), with a reason.
#[server(prefix = "/api", endpoint = "sanctions/lift")]
pub async fn lift_sanction(handle: String, id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::moderation::sanctions,
    };
    with_status(request::require_staff())?;
    let ctx = request::context()?;
    with_status(sanctions::lift(&ctx, id, &reason).await)?;
    super::circles::redirect_back_without_js(&member_page(&handle));
    Ok(())
}

/// Site staff purge a spam account: everything it wrote is removed and it is banned for
/// good. The form asks for a tick first (`confirm`), since it cannot be undone in one step.
#[server(prefix = "/api", endpoint = "sanctions/purge")]
pub async fn purge_member(
    handle: String,
    reason: String,
    #[server(default)] confirm: String,
) -> Result<(), AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::moderation::sanctions,
    };
    with_status(request::require_staff())?;
    if confirm != "yes" {
        return with_status(Err(AppError::BadRequest(
            "Tick the box to confirm: purging removes everything the member wrote and bans them."
                .into(),
        )));
    }
    let ctx = request::context()?;
    with_status(sanctions::purge(&ctx, &handle, &reason).await)?;
    super::circles::redirect_back_without_js(&member_page(&handle));
    Ok(())
}

/// The member has read their warning: it stops showing on every page at once (a fresh
/// access token states the standing now).
#[server(prefix = "/api", endpoint = "sanctions/acknowledge")]
pub async fn acknowledge_warning(id: i64) -> Result<(), AppError> {
    use crate::server::{
        auth::request, http::errors::with_status, services::moderation::sanctions,
    };
    let state = request::state()?;
    let session = with_status(request::require_member())?;
    let ctx = request::context()?;
    let standing = with_status(sanctions::acknowledge(&ctx, id).await)?;
    request::reissue_with_standing(&state, &session, standing);
    super::circles::redirect_back_without_js(&back_here());
    Ok(())
}

/// The staff page about the member with `handle`.
#[cfg(feature = "ssr")]
fn member_page(handle: &str) -> String {
    format!("/admin/members/{}", super::admin::handle_in_path(handle))
}

/// The page the form was sent from, when it is ours; else home.
#[cfg(feature = "ssr")]
fn back_here() -> String {
    use crate::domain::identity::redirect::safe_redirect;
    // Only the path and query of the page that sent the form: never another site.
    let referer = leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
        let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
        let after_scheme = referer.split_once("://")?.1;
        let path = &after_scheme[after_scheme.find('/')?..];
        Some(path.split('#').next().unwrap_or(path).to_owned())
    });
    safe_redirect(referer.as_deref())
}
