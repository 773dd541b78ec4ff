//! Toggling a reaction: a second press takes it back. One of each kind per member.

use super::rows::reactions;
use crate::domain::{
    AppError,
    community::{ReactionKind, ReactionTarget, Reactions},
};
use crate::server::services::context::{ServiceContext, Tx};

#[tracing::instrument(skip(ctx))]
pub async fn toggle(
    ctx: &ServiceContext,
    target: ReactionTarget,
    kind: ReactionKind,
) -> Result<Reactions, AppError> {
    ctx.member()?;
    let (table, column, parent) = match target {
        ReactionTarget::Post(_) => ("app.post_reactions", "post_id", "app.posts"),
        ReactionTarget::Comment(_) => ("app.comment_reactions", "comment_id", "app.comments"),
    };
    let id = target.id();
    let mut tx = ctx.begin().await?;
    // Visible to the caller at all? (RLS decides; unknown and unreadable look the same.)
    let exists: bool = sqlx::query_scalar(&format!(
        "select exists (select 1 from {parent} where id = $1 and deleted_at is null)"
    ))
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let removed = sqlx::query(&format!(
        "delete from {table} where {column} = $1 and user_id = auth.uid() and kind = $2"
    ))
    .bind(id)
    .bind(kind.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 0 {
        sqlx::query(&format!(
            "insert into {table} ({column}, user_id, kind) values ($1, auth.uid(), $2)
             on conflict do nothing"
        ))
        .bind(id)
        .bind(kind.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|error| match AppError::from(error) {
            AppError::Forbidden => AppError::BadRequest(
                "Please join this circle to react to what's shared in it.".into(),
            ),
            other => other,
        })?;
    }
    let counts = read_counts(&mut tx, target, true)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(counts)
}

/// A post's or reply's counts now, and which kinds are the caller's: what a live page asks
/// for when it hears that someone reacted. Read as the caller, so an unreadable target is
/// "not found".
#[tracing::instrument(skip(ctx))]
pub async fn counts(ctx: &ServiceContext, target: ReactionTarget) -> Result<Reactions, AppError> {
    let mut tx = ctx.begin().await?;
    let counts = read_counts(&mut tx, target, ctx.signed_in()).await?;
    tx.commit().await?;
    counts.ok_or(AppError::NotFound)
}

/// The target's counts and which kinds are the caller's (none for a visitor, who has no
/// grant to look); `None` when it is deleted or unreadable.
async fn read_counts(
    tx: &mut Tx,
    target: ReactionTarget,
    signed_in: bool,
) -> Result<Option<Reactions>, AppError> {
    let (table, column, parent) = match target {
        ReactionTarget::Post(_) => ("app.post_reactions", "post_id", "app.posts"),
        ReactionTarget::Comment(_) => ("app.comment_reactions", "comment_id", "app.comments"),
    };
    let mine = if signed_in {
        format!("array(select kind from {table} where {column} = $1 and user_id = auth.uid())")
    } else {
        "'{}'::text[]".to_owned()
    };
    let row: Option<CountsRow> = sqlx::query_as(&format!(
        "select support_count, grateful_count, insightful_count, hug_count, {mine} as mine
           from {parent} where id = $1 and deleted_at is null"
    ))
    .bind(target.id())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|row| {
        reactions(
            [
                row.support_count,
                row.grateful_count,
                row.insightful_count,
                row.hug_count,
            ],
            &row.mine,
        )
    }))
}

/// The counts after a toggle, and which kinds are now the caller's.
#[derive(sqlx::FromRow)]
struct CountsRow {
    support_count: i32,
    grateful_count: i32,
    insightful_count: i32,
    hug_count: i32,
    mine: Vec<String>,
}
