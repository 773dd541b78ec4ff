//! What a socket may hear, asked of the database as the subscriber, and what it missed.

use crate::{
    domain::{
        AppError,
        realtime::{Channel, ServerFrame},
    },
    server::{
        auth::session::CurrentSession,
        db::scoped::{self, DbRole, RequestClaims},
        events::Event,
        services::notifications,
        state::AppState,
    },
};
use sqlx::PgPool;
use uuid::Uuid;

/// Events replayed to one subscription at most; past that the page is told to reload.
const REPLAY_LIMIT: i64 = 200;

/// Whether the caller may follow `channel`, as themselves through Row Level Security:
/// `Some(circle)` (the circle a post or circle channel lives in) when they may, `None` when
/// they may not. A post in a private circle exists only for its members; a visitor has no
/// notifications.
pub async fn authorise(
    state: &AppState,
    session: Option<&CurrentSession>,
    channel: Channel,
) -> Result<Option<Option<i64>>, sqlx::Error> {
    let claims = session.map_or_else(RequestClaims::anonymous, CurrentSession::request_claims);
    match channel {
        Channel::Notifications => Ok(session.map(|_| None)),
        // The circles themselves are given by `readable_circles`.
        Channel::Site => Ok(Some(None)),
        Channel::Post(post) => {
            let mut tx = scoped::begin(&state.pool, &claims).await?;
            let circle: Option<i64> = sqlx::query_scalar(
                "select circle_id from app.posts where id = $1 and deleted_at is null",
            )
            .bind(post)
            .fetch_optional(&mut *tx)
            .await?;
            tx.rollback().await?;
            Ok(circle.map(Some))
        }
        Channel::Circle(circle) => {
            let mut tx = scoped::begin(&state.pool, &claims).await?;
            let readable: bool = sqlx::query_scalar(
                "select $1 = any ((select app.readable_circle_ids())::bigint[])",
            )
            .bind(circle)
            .fetch_one(&mut *tx)
            .await?;
            tx.rollback().await?;
            Ok(readable.then_some(Some(circle)))
        }
    }
}

/// The circles the caller may read now, for the `site` channel.
pub async fn readable_circles(
    state: &AppState,
    session: Option<&CurrentSession>,
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let claims = session.map_or_else(RequestClaims::anonymous, CurrentSession::request_claims);
    let mut tx = scoped::begin(&state.pool, &claims).await?;
    let circles: Vec<i64> = sqlx::query_scalar("select unnest(app.readable_circle_ids())")
        .fetch_all(&mut *tx)
        .await?;
    tx.rollback().await?;
    Ok(circles.into_iter().collect())
}

/// The member's unread count, read as them (the notifications page's own count).
pub async fn unread(pool: &PgPool, member: Uuid) -> Result<i64, AppError> {
    let claims = RequestClaims {
        role: DbRole::Authenticated,
        claims: serde_json::json!({ "sub": member, "role": "authenticated", "app_role": "member" }),
    };
    let mut tx = scoped::begin(pool, &claims).await?;
    let count = notifications::unread_count(&mut tx).await?;
    tx.rollback().await?;
    Ok(count)
}

/// What a resubscribing page missed on `channel` after event `after`, up to `last` (what
/// comes later arrives live). Events pruned meanwhile, or too many, are a [`ServerFrame::Gap`].
pub async fn replay(state: &AppState, channel: Channel, after: i64, last: i64) -> Vec<ServerFrame> {
    match replay_rows(&state.pool, channel, after, last).await {
        Ok(Some(events)) => events
            .into_iter()
            .map(|event| ServerFrame::Event {
                channel: channel.name(),
                id: event.id,
                kind: event.kind,
                post: event.post_id,
                comment: event.comment_id,
            })
            .collect(),
        Ok(None) => vec![ServerFrame::Gap {
            channel: channel.name(),
        }],
        Err(error) => {
            tracing::warn!(%error, "could not replay events");
            vec![ServerFrame::Gap {
                channel: channel.name(),
            }]
        }
    }
}

async fn replay_rows(
    pool: &PgPool,
    channel: Channel,
    after: i64,
    last: i64,
) -> Result<Option<Vec<Event>>, sqlx::Error> {
    if after >= last {
        return Ok(Some(Vec::new()));
    }
    let (filter, id) = match channel {
        Channel::Post(post) => (
            "post_id = $3 and (kind like 'comment.%' or kind like 'reaction.%' or kind like 'post.%')",
            post,
        ),
        Channel::Circle(circle) => ("circle_id = $3 and kind = 'post.created'", circle),
        // A page that was away reloads its latest posts rather than replaying the site.
        Channel::Notifications | Channel::Site => return Ok(Some(Vec::new())),
    };
    let mut tx = scoped::begin(pool, &RequestClaims::auth_admin()).await?;
    let oldest: Option<i64> = sqlx::query_scalar("select min(id) from app.events")
        .fetch_one(&mut *tx)
        .await?;
    if oldest.is_some_and(|oldest| oldest > after + 1) {
        tx.rollback().await?;
        return Ok(None);
    }
    let events: Vec<Event> = sqlx::query_as(&format!(
        "select id, kind, circle_id, post_id, comment_id, subject_user_id, actor_id, created_at
           from app.events where id > $1 and id <= $2 and {filter} order by id limit $4"
    ))
    .bind(after)
    .bind(last)
    .bind(id)
    .bind(REPLAY_LIMIT + 1)
    .fetch_all(&mut *tx)
    .await?;
    tx.rollback().await?;
    Ok((events.len() as i64 <= REPLAY_LIMIT).then_some(events))
}
