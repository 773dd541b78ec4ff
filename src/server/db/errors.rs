//! Turning database failures into what a person may be told.

use crate::domain::AppError;

/// A database that cannot be reached (down, pool exhausted) is "briefly unavailable";
/// anything else is our bug. Either way the cause goes to the log, never to the browser.
pub fn to_app_error(error: sqlx::Error) -> AppError {
    match &error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        // A connection cut while it was being set up surfaces as a protocol error.
        | sqlx::Error::Protocol(_) => {
            tracing::warn!(error = %error, "database unavailable");
            AppError::Unavailable
        }
        sqlx::Error::Database(db)
            if db
                .code()
                .is_some_and(|c| c.starts_with("57P") || c.starts_with("08")) =>
        {
            // 57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection exceptions.
            tracing::warn!(error = %error, "database unavailable");
            AppError::Unavailable
        }
        // A sanctioned member's write, refused by the database with a sentence for them
        // (migration 0025).
        sqlx::Error::Database(db) if db.code().as_deref() == Some("WS403") => {
            tracing::info!(error = %error, "refused: the member is under a sanction");
            AppError::Restricted(db.message().to_owned())
        }
        // Too soon for a circle's slow mode (migration 0028): the sentence says when.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("WS429") => {
            tracing::info!(error = %error, "refused: slow mode");
            AppError::BadRequest(db.message().to_owned())
        }
        // A rule stated in words by the database (a post's picture cap, migration 0034).
        sqlx::Error::Database(db) if db.code().as_deref() == Some("WS400") => {
            tracing::info!(error = %error, "refused by a stated rule");
            AppError::BadRequest(db.message().to_owned())
        }
        // Row Level Security (or a guard trigger) refused: the caller may not do this.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("42501") => {
            tracing::info!(error = %error, "refused by row level security");
            AppError::Forbidden
        }
        _ => {
            tracing::error!(error = ?error, "database error");
            AppError::Internal
        }
    }
}

/// So service code can write `?` on a query: every database failure is classified the same
/// way, with its cause logged here and only the kind message travelling on.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        to_app_error(error)
    }
}
