//! The `media.sweep` job: deletes from the store what the database has let go of.
//!
//! A picture's row is deleted with its post or reply, its account, its owner's "remove", an
//! admin's removal, or (for post pictures never attached within a day) by this sweep; each
//! deletion queues the picture's keys in `app.media_deletions` in the same transaction
//! (migration 0034). The sweep deletes the keys from the store and then the queue rows, in
//! the job's transaction: a store that is away fails the job, which is retried, and nothing
//! is forgotten. Deleting a key that is already gone is success (a retried sweep).

use crate::{
    domain::media::Bucket,
    server::{
        jobs::{Job, JobHandler, JobResult},
        media::store,
    },
};
use object_store::ObjectStore;
use sqlx::PgConnection;
use std::sync::Arc;

pub const SWEEP: &str = "media.sweep";

/// Queue rows handled per run; the schedule comes round again soon.
const BATCH: i64 = 500;

pub struct Sweep {
    pub store: Arc<dyn ObjectStore>,
}

impl JobHandler for Sweep {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            let swept = sweep(conn, self.store.as_ref()).await?;
            if swept.orphans > 0 || swept.deleted > 0 {
                tracing::info!(
                    orphans = swept.orphans,
                    deleted = swept.deleted,
                    "media swept"
                );
            }
            Ok(())
        })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    /// Post pictures never attached within a day, let go of now.
    pub orphans: u64,
    /// Pictures whose keys were deleted from the store.
    pub deleted: u64,
}

/// One sweep inside `conn`'s open transaction (as `auth_admin`).
pub async fn sweep(conn: &mut PgConnection, store: &dyn ObjectStore) -> anyhow::Result<Swept> {
    let orphans = sqlx::query(
        "delete from app.media_objects
          where bucket = 'post-media' and post_id is null and comment_id is null
            and created_at < now() - interval '1 day'",
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // Taken off the queue first; if the store fails below, the job's transaction rolls
    // back and they are queued again.
    let queued: Vec<(uuid::Uuid, String, Vec<i32>)> = sqlx::query_as(
        "delete from app.media_deletions
          where media_id in (select media_id from app.media_deletions order by queued_at limit $1)
          returning media_id, bucket, sizes",
    )
    .bind(BATCH)
    .fetch_all(&mut *conn)
    .await?;
    let mut done = Vec::with_capacity(queued.len());
    for (id, bucket, sizes) in queued {
        let Some(bucket) = Bucket::parse(&bucket) else {
            continue;
        };
        for size in sizes {
            let key = store::key(bucket, id, u32::try_from(size).unwrap_or(0));
            match store.delete(&key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(anyhow::anyhow!(error).context(format!("deleting {key}"))),
            }
        }
        done.push(id);
    }
    Ok(Swept {
        orphans,
        deleted: done.len() as u64,
    })
}
