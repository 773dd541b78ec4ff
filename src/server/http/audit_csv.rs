//! `GET /admin/audit.csv?…`: the audit log's selected lines as CSV, for admins, streamed a
//! chunk at a time (keyset pages), so an export of any size holds one chunk in memory.

use crate::server::{
    auth::session::Caller,
    http::errors::error_response,
    services::moderation::audit_trail::{self, AuditFilter},
    state::AppState,
};
use axum::{
    body::Body,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use futures_util::stream;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct Selection {
    #[serde(default)]
    event: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

pub async fn export(
    State(state): State<AppState>,
    caller: Option<axum::Extension<Caller>>,
    Query(selection): Query<Selection>,
) -> Response {
    let session = caller.and_then(|c| c.0.0.clone());
    if let Err(error) = audit_trail::require_admin(session.as_ref()) {
        return error_response(error);
    }
    let filter = AuditFilter {
        event: selection.event,
        actor: selection.actor,
        subject: selection.subject,
        from: selection.from,
        to: selection.to,
    };
    // The first chunk is read before answering, so a bad filter is a readable 400, not a
    // broken download.
    let first = match audit_trail::csv_chunk(&state.pool, &filter, None).await {
        Ok(first) => first,
        Err(error) => return error_response(error),
    };
    tracing::info!(actor = ?session.map(|s| s.user_id), "audit log exported");
    let header_chunk =
        stream::once(async { Ok::<_, std::io::Error>(audit_trail::CSV_HEADER.to_owned()) });
    let first_text = first.as_ref().map(|(text, _)| text.clone());
    let first_next = first.and_then(|(_, next)| next);
    let first_chunk = stream::iter(first_text.map(Ok::<_, std::io::Error>));
    let pool = state.pool.clone();
    let rest = stream::unfold(first_next, move |before| {
        let (pool, filter) = (pool.clone(), filter.clone());
        async move {
            let before = before?;
            match audit_trail::csv_chunk(&pool, &filter, Some(before)).await {
                Ok(Some((text, next))) => Some((Ok(text), next)),
                Ok(None) => None,
                Err(error) => Some((Err(std::io::Error::other(error.to_string())), None)),
            }
        }
    });
    let body = Body::from_stream(futures_util::StreamExt::chain(
        futures_util::StreamExt::chain(header_chunk, first_chunk),
        rest,
    ));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"wellspring-audit.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
