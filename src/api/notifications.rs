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
