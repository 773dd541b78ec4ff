//! Accounts whose address was never confirmed are deleted after a while, as a periodic job.
//!
//! Why: an unconfirmed account is a claim on someone's address that they never agreed to.
//! Left forever, it would keep the address's owner from signing up normally and keep a
//! squatter's password waiting for the day the owner proves the address. It can hold no
//! content (it cannot sign in), so deleting it loses nothing anyone wrote.

use crate::server::jobs::{Job, JobHandler, JobResult};
use sqlx::PgConnection;

/// The job kind and schedule name.
pub const EXPIRE: &str = "accounts.expire_unconfirmed";

/// Deletes accounts created more than `days` ago whose address was never confirmed.
pub struct ExpireUnconfirmed {
    pub days: i64,
}

impl JobHandler for ExpireUnconfirmed {
    fn run<'a>(&'a self, _job: &'a Job, conn: &'a mut PgConnection) -> JobResult<'a> {
        Box::pin(async move {
            let expired = sqlx::query(
                "delete from auth.users
                  where email_confirmed_at is null
                    and created_at < now() - make_interval(days => $1)",
            )
            .bind(i32::try_from(self.days.max(1)).unwrap_or(i32::MAX))
            .execute(conn)
            .await?
            .rows_affected();
            if expired > 0 {
                tracing::info!(expired, "unconfirmed accounts expired");
            }
            Ok(())
        })
    }
}
