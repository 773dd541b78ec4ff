//! One write per form (migration 0019). A form that creates something carries a key drawn
//! by the server; the write claims it in its own transaction, so a second submission of
//! the same form (double click, a retry after a network error, the back button and "send
//! again") is answered with where the first one led, and writes nothing.

use crate::{domain::AppError, server::services::context::Tx};
use uuid::Uuid;

/// The form field that carries the key.
pub const FIELD: &str = "submission";

/// What a claim found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// This is the first submission (or the form had no key): go ahead and write.
    First,
    /// The form was already submitted; this is where it led.
    Done(String),
}

/// A key as the form sent it: absent or empty means none (an old page, a script); anything
/// else must be a key the server could have drawn.
pub fn parse(value: Option<&str>) -> Result<Option<Uuid>, AppError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Uuid::parse_str(text).map(Some).map_err(|_| {
            AppError::BadRequest(
                "This form is out of date. Please reload the page and send it again; what you wrote is still here."
                    .into(),
            )
        }),
    }
}

/// Claims `key` for the caller inside the write's transaction. When another submission
/// with the same key is still being written, this waits for it (the primary key orders
/// them) and then finds its result.
#[tracing::instrument(skip(tx))]
pub async fn claim(tx: &mut Tx, key: Option<Uuid>) -> Result<Claim, AppError> {
    let Some(key) = key else {
        return Ok(Claim::First);
    };
    let claimed = sqlx::query(
        "insert into app.form_submissions (user_id, key) values (auth.uid(), $1)
         on conflict do nothing",
    )
    .bind(key)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if claimed == 1 {
        return Ok(Claim::First);
    }
    let result: Option<String> = sqlx::query_scalar(
        "select result from app.form_submissions where user_id = auth.uid() and key = $1",
    )
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?
    .flatten();
    Ok(Claim::Done(result.unwrap_or_else(|| "/".to_owned())))
}

/// Records where the first submission led, in the same transaction as its write.
#[tracing::instrument(skip(tx))]
pub async fn record(tx: &mut Tx, key: Option<Uuid>, result: &str) -> Result<(), AppError> {
    if let Some(key) = key {
        sqlx::query(
            "update app.form_submissions set result = $2 where user_id = auth.uid() and key = $1",
        )
        .bind(key)
        .bind(result)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The job kind and schedule name of the hourly sweep.
pub const PRUNE: &str = "submissions.prune";

/// Forgets claims older than a day: no browser resends a form that old.
pub struct Prune;

impl crate::server::jobs::JobHandler for Prune {
    fn run<'a>(
        &'a self,
        _job: &'a crate::server::jobs::Job,
        conn: &'a mut sqlx::PgConnection,
    ) -> crate::server::jobs::JobResult<'a> {
        Box::pin(async move {
            let pruned = sqlx::query(
                "delete from app.form_submissions where created_at < now() - interval '1 day'",
            )
            .execute(conn)
            .await?
            .rows_affected();
            if pruned > 0 {
                tracing::info!(pruned, "old form submissions forgotten");
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_optional_but_never_garbage() {
        assert_eq!(parse(None), Ok(None));
        assert_eq!(parse(Some("  ")), Ok(None));
        let key = Uuid::new_v4();
        assert_eq!(parse(Some(&key.to_string())), Ok(Some(key)));
        assert!(matches!(
            parse(Some("1; drop table")),
            Err(AppError::BadRequest(_))
        ));
    }
}
