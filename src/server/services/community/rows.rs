//! Rows as the community queries return them, and their conversion into the shared types.

use crate::domain::PostId;
use crate::domain::community::{Author, PostSummary, ReactionKind, Reactions};
use crate::server::markdown;
use time::OffsetDateTime;

/// The columns every post list selects, joined to circle and (public) author. Anonymous
/// posts have no author id, so the join finds nobody for them.
pub(crate) const POST_SUMMARY_SELECT: &str = "
    select p.id, c.slug as circle_slug, c.name as circle_name, p.title, left(p.body, 800) as body_start,
           p.is_anonymous, p.content_warning, p.pinned, p.locked, p.created_at,
           p.last_activity_at, p.comment_count,
           (p.support_count + p.grateful_count + p.insightful_count + p.hug_count) as reaction_total,
           a.handle as author_handle, a.display_name as author_name, a.is_verified as author_verified,
           a.avatar_id as author_avatar
      from app.posts p
      join app.circles c on c.id = p.circle_id
      left join app.profiles a on a.user_id = p.author_id";

#[derive(sqlx::FromRow)]
pub(crate) struct PostSummaryRow {
    pub id: PostId,
    pub circle_slug: String,
    pub circle_name: String,
    pub title: String,
    pub body_start: String,
    pub is_anonymous: bool,
    pub content_warning: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    pub created_at: OffsetDateTime,
    pub last_activity_at: OffsetDateTime,
    pub comment_count: i32,
    pub reaction_total: i32,
    pub author_handle: Option<String>,
    pub author_name: Option<String>,
    pub author_verified: Option<bool>,
    pub author_avatar: Option<uuid::Uuid>,
}

impl PostSummaryRow {
    pub fn into_summary(self) -> PostSummary {
        PostSummary {
            id: self.id,
            circle_slug: self.circle_slug,
            circle_name: self.circle_name,
            excerpt: if self.content_warning.is_some() {
                // The warning is all a feed shows until the reader chooses to open the post.
                String::new()
            } else {
                markdown::excerpt(&self.body_start, 240)
            },
            title: self.title,
            author: author(
                self.author_handle,
                self.author_name,
                self.author_verified,
                self.author_avatar,
            ),
            is_anonymous: self.is_anonymous,
            content_warning: self.content_warning,
            pinned: self.pinned,
            locked: self.locked,
            created_at: rfc3339(self.created_at),
            created_label: date_label(self.created_at),
            comment_count: self.comment_count,
            reaction_total: self.reaction_total,
        }
    }
}

pub(crate) fn author(
    handle: Option<String>,
    name: Option<String>,
    verified: Option<bool>,
    avatar: Option<uuid::Uuid>,
) -> Option<Author> {
    let name = name?;
    Some(Author {
        initials: crate::domain::community::initials(&name),
        handle: handle?,
        display_name: name,
        is_verified: verified.unwrap_or(false),
        avatar: avatar.map(|id| avatar_path(&id)),
    })
}

/// A profile picture's address without the size: the page picks sizes for `srcset`.
pub(crate) fn avatar_path(id: &uuid::Uuid) -> String {
    crate::domain::media::picture_path(crate::domain::media::Bucket::Avatars, id)
}

/// Microseconds since the epoch: the score a time-ordered cursor carries.
pub(crate) fn micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// "25 Nov 2026": the same on the server and in the browser, since it's made once here.
pub(crate) fn date_label(at: OffsetDateTime) -> String {
    format!("{} {}", day_month_label(at.date()), at.year())
}

/// "3 Dec": a day within a short span (the dashboard's charts).
pub(crate) fn day_month_label(day: time::Date) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {}",
        day.day(),
        MONTHS[usize::from(u8::from(day.month())) - 1]
    )
}

/// Reaction counts from the four counter columns and the viewer's own kinds.
pub(crate) fn reactions(counts: [i32; 4], mine: &[String]) -> Reactions {
    Reactions {
        support: counts[0],
        grateful: counts[1],
        insightful: counts[2],
        hug: counts[3],
        mine: mine.iter().filter_map(|k| ReactionKind::parse(k)).collect(),
    }
}
