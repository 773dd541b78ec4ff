//! Bookmarks: a member's private list of saved posts.

use super::{
    feeds::{page_of, parse_cursor},
    rows::{POST_SUMMARY_SELECT, PostSummaryRow, micros},
};
use crate::domain::{
    AppError, PostId,
    community::{Cursor, FEED_PAGE_SIZE, FeedPage},
};
use crate::server::services::context::ServiceContext;
use sqlx::{Postgres, QueryBuilder};

/// Saves or unsaves a post the member can read; returns whether it is now saved.
#[tracing::instrument(skip(ctx))]
pub async fn toggle(ctx: &ServiceContext, post_id: PostId) -> Result<bool, AppError> {
    ctx.member()?;
    let mut tx = ctx.begin().await?;
    let removed =
        sqlx::query("delete from app.bookmarks where user_id = auth.uid() and post_id = $1")
            .bind(post_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let saved = if removed > 0 {
        false
    } else {
        let readable: bool = sqlx::query_scalar(
            "select exists (select 1 from app.posts where id = $1 and deleted_at is null)",
        )
        .bind(post_id)
        .fetch_one(&mut *tx)
        .await?;
        if !readable {
            return Err(AppError::NotFound);
        }
        sqlx::query("insert into app.bookmarks (user_id, post_id) values (auth.uid(), $1) on conflict do nothing")
            .bind(post_id)
            .execute(&mut *tx)
            .await
            ?;
        true
    };
    tx.commit().await?;
    Ok(saved)
}

#[derive(sqlx::FromRow)]
struct BookmarkRow {
    #[sqlx(flatten)]
    post: PostSummaryRow,
    saved_at: time::OffsetDateTime,
}

/// The member's saved posts, most recently saved first. Posts that became unreadable (they
/// left a private circle) or were deleted drop out.
#[tracing::instrument(skip(ctx))]
pub async fn list(ctx: &ServiceContext, cursor: &str) -> Result<FeedPage, AppError> {
    ctx.member()?;
    let cursor = parse_cursor(cursor)?;
    let select =
        POST_SUMMARY_SELECT.replacen("select p.id,", "select b.created_at as saved_at, p.id,", 1);
    let mut query = QueryBuilder::<Postgres>::new(select);
    query.push(" join app.bookmarks b on b.post_id = p.id and b.user_id = (select auth.uid()) where p.deleted_at is null");
    if let Some(c) = cursor {
        query
            .push(" and (b.created_at, p.id) < ('epoch'::timestamptz + ")
            .push_bind(c.score)
            .push(" * interval '1 microsecond', ")
            .push_bind(c.id)
            .push(")");
    }
    query
        .push(" order by b.created_at desc, p.id desc limit ")
        .push_bind(FEED_PAGE_SIZE + 1);
    let mut tx = ctx.begin().await?;
    let rows: Vec<BookmarkRow> = query.build_query_as().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    Ok(FeedPage {
        signed_in: true,
        ..page_of(
            rows,
            |row| Cursor {
                score: micros(row.saved_at),
                id: row.post.id.get(),
            },
            |row| row.post.into_summary(),
        )
    })
}
