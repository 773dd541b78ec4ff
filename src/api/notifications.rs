//! Notifications: list mine, count the unread, open one (marking it read), mark all read.

use crate::domain::{AppError, notification::NotificationPage};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "notifications/list")]
pub async fn list_notifications(cursor: String) -> Result<NotificationPage, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::notifications};
    let ctx = request::context()?;
    with_status(notifications::list(&ctx, &cursor).await)
}

/// The unread count, for the bell.
#[server(prefix = "/api", endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::notifications};
    let ctx = request::context()?;
    with_status(notifications::unread(&ctx).await)
}

/// Marks one notification read and, from a plain form, goes where it leads (worked out on
/// the server from the notification itself, never from the form).
#[server(prefix = "/api", endpoint = "notifications/open")]
pub async fn open_notification(id: i64) -> Result<(), AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::notifications};
    let ctx = request::context()?;
    let href = with_status(notifications::open(&ctx, id).await)?;
    super::circles::redirect_back_without_js(&href);
    Ok(())
}

/// Marks every notification read; returns how many were unread.
#[server(prefix = "/api", endpoint = "notifications/read-all")]
pub async fn mark_all_notifications_read() -> Result<u64, AppError> {
    use crate::server::{auth::request, http::errors::with_status, services::notifications};
    let ctx = request::context()?;
    let marked = with_status(notifications::mark_all_read(&ctx).await)?;
    super::circles::redirect_back_without_js("/notifications");
    Ok(marked)
}

/// Sets how much the member hears about a post or a circle (`target` "post" or "circle").
#[server(prefix = "/api", endpoint = "notifications/level")]
pub async fn set_notify_level(
    target: String,
    id: i64,
    level: String,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        domain::{CircleId, PostId, identity::redirect::safe_redirect, notification::NotifyLevel},
        server::{
            auth::request,
            http::errors::with_status,
            services::notifications::{self, LevelTarget},
        },
    };
    let ctx = request::context()?;
    let target = match (target.as_str(), id) {
        ("post", id) if id > 0 => LevelTarget::Post(PostId(id)),
        ("circle", id) if id > 0 => LevelTarget::Circle(CircleId(id)),
        _ => {
            return with_status(Err(AppError::BadRequest(
                "That is not something you can follow.".into(),
            )));
        }
    };
    let Some(level) = NotifyLevel::parse(&level) else {
        return with_status(Err(AppError::BadRequest(
            "Please choose one of the notification levels.".into(),
        )));
    };
    with_status(notifications::set_level(&ctx, target, level).await)?;
    super::circles::redirect_back_without_js(&safe_redirect(back.as_deref()));
    Ok(())
}

/// Mutes or unmutes a member (by handle): nothing they sign is announced to the caller.
#[server(prefix = "/api", endpoint = "notifications/mute")]
pub async fn set_member_muted(
    handle: String,
    muted: String,
    back: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        domain::identity::redirect::safe_redirect,
        server::{auth::request, http::errors::with_status, services::notifications},
    };
    let ctx = request::context()?;
    let muted = muted == "true";
    with_status(notifications::set_muted(&ctx, &handle, muted).await)?;
    super::circles::redirect_back_without_js(&safe_redirect(back.as_deref()));
    Ok(())
}

/// Sets how often the member is mailed a digest of unread notifications ("off", "daily",
/// "weekly").
#[server(prefix = "/api", endpoint = "notifications/digest")]
pub async fn set_digest_frequency(frequency: String) -> Result<(), AppError> {
    use crate::{
        domain::digest::DigestFrequency,
        server::{auth::request, http::errors::with_status, services::digests},
    };
    let ctx = request::context()?;
    let Some(frequency) = DigestFrequency::parse(&frequency) else {
        return with_status(Err(AppError::BadRequest(
            "Please choose how often you'd like the digest.".into(),
        )));
    };
    with_status(digests::set_frequency(&ctx, frequency).await)?;
    super::circles::redirect_back_without_js("/notifications?digest=saved");
    Ok(())
}

/// Stops the digest from the signed link in one, without signing in.
#[server(prefix = "/api", endpoint = "notifications/unsubscribe")]
pub async fn stop_digest(member: String, sig: String) -> Result<String, AppError> {
    use crate::{
        domain::AccountNotice,
        server::{auth::request, http::errors::with_status, services::digests},
    };
    let state = request::state()?;
    let ctx = request::context()?;
    with_status(digests::stop_by_link(&ctx, &state.keys.links, &member, &sig).await)?;
    let notice = AccountNotice::DigestStopped;
    super::circles::redirect_back_without_js(&notice.return_path());
    Ok(notice.message().to_owned())
}
