//! One search box: posts by PostgreSQL full-text search (ranked, with marked snippets),
//! circles and members by trigram similarity. Everything runs as the caller, so private
//! posts never match for someone who can't read them: RLS, not a WHERE clause, decides.

use super::{
    circles,
    rows::{POST_SUMMARY_SELECT, PostSummaryRow},
    text::marked_snippet,
};
use crate::domain::{
    AppError,
    community::{MAX_QUERY_CHARS, MemberHit, PostHit, SearchResults},
};
use crate::server::services::context::ServiceContext;

const POSTS_SHOWN: i64 = 20;
/// Matches ranked per query: enough for a useful first page without ranking every post
/// that mentions a common word.
const RANK_WINDOW: i64 = 400;

#[derive(sqlx::FromRow)]
struct HitRow {
    #[sqlx(flatten)]
    post: PostSummaryRow,
    headline: String,
}

#[tracing::instrument(skip(ctx))]
pub async fn search(ctx: &ServiceContext, query: &str) -> Result<SearchResults, AppError> {
    let query: String = query.trim().chars().take(MAX_QUERY_CHARS).collect();
    if query.is_empty() {
        return Ok(SearchResults::default());
    }
    let mut tx = ctx.begin().await?;
    // The newest matches are ranked; `ts_headline` marks matches with private-use characters
    // that `marked_snippet` turns into <mark> after escaping everything else. The matches come
    // from `app.search_post_ids` (readable circles only) because under RLS `@@` cannot use the
    // GIN index (it is not LEAKPROOF; see migration 0007); the posts are then read through RLS.
    let sql = format!(
        "with q as (select websearch_to_tsquery('english', $1) as query),
              matched as (select m.id from q, app.search_post_ids(q.query, {RANK_WINDOW}) m(id))
         select s.*, ts_headline('english', s.full_body, q.query,
                    'StartSel=\u{E000}, StopSel=\u{E001}, MaxWords=28, MinWords=10, MaxFragments=2, FragmentDelimiter=\" … \"') as headline
           from ({select}) s, q
          order by ts_rank(s.search, q.query) desc, s.id desc
          limit {POSTS_SHOWN}",
        select = POST_SUMMARY_SELECT.replacen(
            "select p.id,",
            "select p.search, case when p.content_warning is null then p.body else '' end as full_body, p.id,",
            1
        ) + " where p.id in (select id from matched)",
    );
    let hits: Vec<HitRow> = sqlx::query_as(&sql)
        .bind(&query)
        .fetch_all(&mut *tx)
        .await?;
    let circle_slugs: Vec<String> = sqlx::query_scalar(
        "select slug from app.circles
          where name % $1 or name ilike '%' || replace(replace($1, '%', ''), '_', '') || '%'
          order by similarity(name, $1) desc, member_count desc limit 8",
    )
    .bind(&query)
    .fetch_all(&mut *tx)
    .await?;
    let mut found_circles = Vec::with_capacity(circle_slugs.len());
    for slug in circle_slugs {
        found_circles.push(circles::find(&mut tx, &slug).await?);
    }
    let handle_query = query.trim_start_matches('@').to_lowercase();
    let members: Vec<(String, String, bool)> = sqlx::query_as(
        "select handle, display_name, is_verified from app.profiles
          where handle % $1 or display_name % $2 or handle like replace(replace($1, '%', ''), '_', '\\_') || '%'
          order by greatest(similarity(handle, $1), similarity(display_name, $2)) desc, handle limit 8",
    )
    .bind(&handle_query)
    .bind(&query)
    .fetch_all(&mut *tx)
    .await
    ?;
    tx.commit().await?;
    Ok(SearchResults {
        query,
        posts: hits
            .into_iter()
            .map(|hit| PostHit {
                snippet_html: marked_snippet(&hit.headline),
                post: hit.post.into_summary(),
            })
            .collect(),
        circles: found_circles,
        members: members
            .into_iter()
            .map(|(handle, display_name, is_verified)| MemberHit {
                handle,
                display_name,
                is_verified,
            })
            .collect(),
    })
}
