//! Domain events: what happened in the community, as kinds and ids, never content.
//!
//! Triggers write them (migration 0014) in the same transaction as the change and announce
//! each on `wellspring_events` (its kind and ids as JSON, migration 0020), so an event exists if and only if its change committed,
//! and nobody hears about a rolled-back one. Only the service role reads them; whoever acts
//! on one (realtime, notifications) re-reads the subject as the member concerned, so Row
//! Level Security alone decides what that member learns. Events are kept for
//! `jobs.event_retention_secs` (at least ten minutes) so a client can resume after a gap,
//! then pruned by the `events.prune` job.

use crate::server::jobs::{Job, JobHandler, JobResult};
use sqlx::PgConnection;
use time::OffsetDateTime;
use uuid::Uuid;

/// The channel each event's id is announced on.
pub const CHANNEL: &str = "wellspring_events";
/// The job kind and schedule name of the pruning job.
pub const PRUNE: &str = "events.prune";
/// Events are never pruned sooner than this, whatever the configuration says.
pub const MIN_RETENTION_SECS: u64 = 600;

/// One event row.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Event {
    pub id: i64,
    /// `post.created`, `comment.deleted`, `reaction.added`, `join_request.approved`, ...
    pub kind: String,
    pub circle_id: Option<i64>,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub subject_user_id: Option<Uuid>,
    /// Null for anonymous content and for changes made by the service itself.
    pub actor_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

impl Event {
    /// An event from its NOTIFY payload (migration 0020): kinds and ids, no actor. The time
    /// is when it was heard, close enough for a live view.
    pub fn from_announcement(payload: &str) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Announced {
            id: i64,
            kind: String,
            circle: Option<i64>,
            post: Option<i64>,
            comment: Option<i64>,
            subject: Option<Uuid>,
        }
        let announced: Announced = serde_json::from_str(payload).ok()?;
        Some(Self {
            id: announced.id,
            kind: announced.kind,
            circle_id: announced.circle,
            post_id: announced.post,
            comment_id: announced.comment,
            subject_user_id: announced.subject,
            actor_id: None,
            created_at: OffsetDateTime::now_utc(),
        })
    }
}

/// Events after `after_id`, oldest first, at most `limit` (in a service-role transaction):
/// how a listener catches up after a reconnect.
#[tracing::instrument(skip(conn))]
pub async fn since(
    conn: &mut PgConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Event>, sqlx::Error> {
    sqlx::query_as(
        "select id, kind, circle_id, post_id, comment_id, subject_user_id, actor_id, created_at
           from app.events where id > $1 order by id limit $2",
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Deletes events older than the retention, as a periodic job.
pub struct Prune {
    pub retention_secs: u64,
}

impl JobHandler for Prune {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            let keep = self.retention_secs.max(MIN_RETENTION_SECS) as f64;
            let pruned = sqlx::query(
                "delete from app.events where created_at < now() - make_interval(secs => $1)",
            )
            .bind(keep)
            .execute(conn)
            .await?
            .rows_affected();
            if pruned > 0 {
                tracing::info!(pruned, "old events pruned");
            }
            Ok(())
        })
    }
}
