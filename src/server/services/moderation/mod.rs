//! Moderation: members report, moderators decide. The decisions themselves are database
//! functions (migration 0023) that guard, change, log and tell in the caller's transaction;
//! these services call them as the caller and read the queue and the log through Row Level
//! Security, so a circle's moderator sees their circles and nothing else.

pub mod actions;
pub mod audit_trail;
pub mod dashboard;
pub mod members;
pub mod modlog;
pub mod newcomers;
pub mod notes;
pub mod queue;
pub mod reports;
pub mod sanctions;
pub mod watched;

use crate::domain::AppError;

/// What a refusal from the moderation functions means to a person: 22023 carries a sentence
/// written for them, P0002 is "not found"; anything else is classified as usual.
pub(crate) fn refusal(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        match db.code().as_deref() {
            Some("22023") => return AppError::BadRequest(db.message().to_owned()),
            Some("P0002") => return AppError::NotFound,
            _ => {}
        }
    }
    error.into()
}

/// A moderator's reason, trimmed and checked before it reaches the database.
pub(crate) fn reason(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let chars = text.chars().count();
    if chars < 3 {
        return Err(AppError::BadRequest(
            "Please give a reason (at least 3 characters): the member is told it.".into(),
        ));
    }
    if chars > 500 {
        return Err(AppError::BadRequest(
            "Please keep the reason under 500 characters.".into(),
        ));
    }
    Ok(text.to_owned())
}

/// Whether the caller moderates any circle (as site staff, all of them): who may open the
/// queue at all.
pub(crate) async fn moderates_anything(
    tx: &mut crate::server::services::context::Tx,
) -> Result<bool, AppError> {
    Ok(
        sqlx::query_scalar("select cardinality(app.moderated_circle_ids()) > 0")
            .fetch_one(&mut **tx)
            .await?,
    )
}
