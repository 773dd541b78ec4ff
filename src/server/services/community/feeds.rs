//! Feeds with keyset pagination: each page asks for rows "older than the last one shown",
//! so page 500 costs what page 1 does. Private circles drop out through RLS, not here.

use super::rows::{POST_SUMMARY_SELECT, PostSummaryRow, micros};
use crate::domain::{
    AppError, CircleId,
    community::{Cursor, FEED_PAGE_SIZE, FeedKind, FeedPage, PostSummary},
};
use sqlx::{Postgres, QueryBuilder, Transaction};

/// A site-wide feed (latest, active, top) or the viewer's home feed, in the caller's
/// transaction.
#[tracing::instrument(skip(tx))]
pub async fn site_feed(
    tx: &mut Transaction<'static, Postgres>,
    signed_in: bool,
    kind: FeedKind,
    cursor: &str,
) -> Result<FeedPage, AppError> {
    let cursor = parse_cursor(cursor)?;
    if kind == FeedKind::Home && !signed_in {
        return Err(AppError::Unauthorized);
    }
    let mut query = QueryBuilder::<Postgres>::new("");
    let order_column = match kind {
        FeedKind::Top => {
            query.push("select s.*, r.score as top_score from (");
            query.push(POST_SUMMARY_SELECT);
            query.push(
                " where p.deleted_at is null) s
                  join app.recent_reaction_scores(now() - interval '7 days') r on r.post_id = s.id",
            );
            if let Some(c) = cursor {
                query
                    .push(" where (r.score, s.id) < (")
                    .push_bind(c.score)
                    .push(", ")
                    .push_bind(c.id)
                    .push(")");
            }
            query
                .push(" order by r.score desc, s.id desc limit ")
                .push_bind(FEED_PAGE_SIZE + 1);
            None
        }
        _ => {
            query.push(POST_SUMMARY_SELECT);
            query.push(" where p.deleted_at is null");
            let column = if kind == FeedKind::Active {
                "p.last_activity_at"
            } else {
                "p.created_at"
            };
            if kind == FeedKind::Home {
                query.push(
                    " and p.circle_id in (select f.circle_id from app.circle_follows f where f.user_id = auth.uid()
                                          union select unnest(app.joined_circle_ids()))",
                );
            }
            push_time_keyset(&mut query, column, cursor);
            Some(column)
        }
    };
    let page = if order_column.is_some() {
        let rows: Vec<PostSummaryRow> = query.build_query_as().fetch_all(&mut **tx).await?;
        time_page(rows, kind == FeedKind::Active)
    } else {
        let rows: Vec<TopRow> = query.build_query_as().fetch_all(&mut **tx).await?;
        top_page(rows)
    };
    Ok(FeedPage {
        kind,
        signed_in,
        ..page
    })
}

/// A page of one circle's posts (pinned first on the first page) inside the caller's open
/// transaction.
pub async fn circle_feed(
    tx: &mut Transaction<'static, Postgres>,
    signed_in: bool,
    circle_id: CircleId,
    cursor: Option<Cursor>,
) -> Result<FeedPage, AppError> {
    let pinned: Vec<PostSummaryRow> = if cursor.is_none() {
        let sql = format!(
            "{POST_SUMMARY_SELECT} where p.circle_id = $1 and p.pinned and p.deleted_at is null
              order by p.created_at desc limit 5"
        );
        sqlx::query_as(&sql)
            .bind(circle_id)
            .fetch_all(&mut **tx)
            .await?
    } else {
        Vec::new()
    };
    let mut query = QueryBuilder::<Postgres>::new(POST_SUMMARY_SELECT);
    query
        .push(" where p.deleted_at is null and not p.pinned and p.circle_id = ")
        .push_bind(circle_id);
    push_time_keyset(&mut query, "p.created_at", cursor);
    let rows: Vec<PostSummaryRow> = query.build_query_as().fetch_all(&mut **tx).await?;
    let mut page = time_page(rows, false);
    page.signed_in = signed_in;
    page.pinned = pinned
        .into_iter()
        .map(PostSummaryRow::into_summary)
        .collect();
    Ok(page)
}

/// A page of one member's posts inside the caller's open transaction, so RLS leaves out
/// circles the caller may not read. Never their anonymous posts: those have no author id to
/// match. An unknown handle is an empty page.
pub async fn author_feed(
    tx: &mut Transaction<'static, Postgres>,
    signed_in: bool,
    handle: &str,
    cursor: Option<Cursor>,
) -> Result<FeedPage, AppError> {
    let mut query = QueryBuilder::<Postgres>::new(POST_SUMMARY_SELECT);
    query
        .push(" where p.deleted_at is null and p.author_id = (select user_id from app.profiles where handle = ")
        .push_bind(handle.to_lowercase())
        .push(")");
    push_time_keyset(&mut query, "p.created_at", cursor);
    let rows: Vec<PostSummaryRow> = query.build_query_as().fetch_all(&mut **tx).await?;
    Ok(FeedPage {
        signed_in,
        ..time_page(rows, false)
    })
}

pub fn parse_cursor(cursor: &str) -> Result<Option<Cursor>, AppError> {
    Cursor::parse(cursor).map_err(AppError::BadRequest)
}

/// `and (column, id) < (cursor) order by column desc, id desc limit page+1`.
pub(crate) fn push_time_keyset(
    query: &mut QueryBuilder<'_, Postgres>,
    column: &str,
    cursor: Option<Cursor>,
) {
    if let Some(c) = cursor {
        query
            .push(format!(" and ({column}, p.id) < ('epoch'::timestamptz + "))
            .push_bind(c.score)
            .push(" * interval '1 microsecond', ")
            .push_bind(c.id)
            .push(")");
    }
    query
        .push(format!(" order by {column} desc, p.id desc limit "))
        .push_bind(FEED_PAGE_SIZE + 1);
}

/// Turns `page + 1` rows into a page and the cursor after its last row.
pub(crate) fn time_page(rows: Vec<PostSummaryRow>, by_activity: bool) -> FeedPage {
    page_of(
        rows,
        |row| Cursor {
            score: micros(if by_activity {
                row.last_activity_at
            } else {
                row.created_at
            }),
            id: row.id.get(),
        },
        PostSummaryRow::into_summary,
    )
}

/// Turns the `page + 1` rows a keyset query fetched into one page and, when the extra row
/// came back, the cursor after the page's last row (`cursor_of` says what it is ordered by).
pub(crate) fn page_of<R>(
    mut rows: Vec<R>,
    cursor_of: impl Fn(&R) -> Cursor,
    into_summary: impl Fn(R) -> PostSummary,
) -> FeedPage {
    let more = rows.len() as i64 > FEED_PAGE_SIZE;
    rows.truncate(FEED_PAGE_SIZE as usize);
    let next_cursor = if more {
        rows.last().map(|row| cursor_of(row).encode())
    } else {
        None
    };
    FeedPage {
        posts: rows.into_iter().map(into_summary).collect(),
        next_cursor,
        ..FeedPage::default()
    }
}

#[derive(sqlx::FromRow)]
struct TopRow {
    #[sqlx(flatten)]
    post: PostSummaryRow,
    top_score: i64,
}

fn top_page(rows: Vec<TopRow>) -> FeedPage {
    page_of(
        rows,
        |row| Cursor {
            score: row.top_score,
            id: row.post.id.get(),
        },
        |row| row.post.into_summary(),
    )
}
