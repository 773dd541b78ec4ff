//! Posts as feeds and their own page show them.

use super::reaction::Reactions;
use crate::domain::{AppError, PostId};
use serde::{Deserialize, Serialize};

/// Who wrote something, as everyone may see it. Anonymous posts have none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub handle: String,
    pub display_name: String,
    pub is_verified: bool,
    /// Their profile picture's address without the size (`/media/avatars/<id>`), if any.
    #[serde(default)]
    pub avatar: Option<String>,
    /// What shows when there is no picture ([`initials`]).
    #[serde(default)]
    pub initials: String,
}

/// The first letters of the first two words of a name, for a picture's fallback: "Ana María
/// López" → "AM". Called on the server only (see `app::components::avatar`).
pub fn initials(name: &str) -> String {
    let letters: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters
    }
}

#[cfg(test)]
mod initials_tests {
    use super::initials;

    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(initials("Ana María López"), "AM");
        assert_eq!(initials("ñandú"), "Ñ");
        assert_eq!(initials("  (Sam) Lee "), "SL");
        assert_eq!(initials("🙂"), "?");
    }
}

/// A post in a feed: enough to decide whether to open it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostSummary {
    pub id: PostId,
    pub circle_slug: String,
    pub circle_name: String,
    pub title: String,
    /// Plain text; the template escapes it.
    pub excerpt: String,
    /// `None` when anonymous (or the account is gone).
    pub author: Option<Author>,
    pub is_anonymous: bool,
    pub content_warning: Option<String>,
    pub pinned: bool,
    pub locked: bool,
    /// RFC 3339, for `<time datetime>`.
    pub created_at: String,
    /// A date for people, formatted on the server so both renders agree.
    pub created_label: String,
    pub comment_count: i32,
    pub reaction_total: i32,
}

impl PostSummary {
    pub fn path(&self) -> String {
        super::slug::post_path(&self.circle_slug, self.id, &self.title)
    }
}

/// A post on its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostDetail {
    pub summary: PostSummary,
    /// Sanitised on the server when written; safe to insert.
    pub body_html: String,
    /// The Markdown source, for the author's edit form only (empty for everyone else).
    pub body_source: String,
    pub is_support_circle: bool,
    pub edited: bool,
    pub deleted: bool,
    /// Removed by the circle's moderators (then `deleted` too): the page says so.
    pub removed: bool,
    /// Hidden by a watched word until a moderator approves it (then `removed` too): the page
    /// says it is waiting, not that it was removed.
    pub held: bool,
    pub reactions: Reactions,
    pub bookmarked: bool,
    pub viewer_is_author: bool,
    pub can_comment: bool,
    pub can_react: bool,
    pub can_moderate: bool,
    /// Signed in: may report this post (when not its author) and its replies.
    pub signed_in: bool,
    /// The sealed author of an anonymous post, for the circle's moderators only.
    pub sealed_author: Option<Author>,
    /// Earlier versions, newest first, for the circle's moderators only (empty otherwise).
    pub revisions: Vec<PostRevision>,
    /// Its pictures, in the order they were added (at most four).
    #[serde(default)]
    pub pictures: Vec<PostPicture>,
}

/// A picture in a post, as the gallery shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPicture {
    /// The picture's id, for its author's "Remove" button.
    pub id: String,
    /// Its address without the size (`/media/post-media/<id>`); the sizes are
    /// `domain::media::PICTURE_SIZES`.
    pub path: String,
    /// The largest kept size, for `width`/`height` (no layout shift).
    pub width: u32,
    pub height: u32,
    /// The uploader's words for members who cannot see it.
    pub alt: String,
}

/// A version of a post as it was before an edit. Plain text: shown escaped, never rendered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostRevision {
    pub title: String,
    pub body: String,
    pub content_warning: Option<String>,
    pub written_label: String,
}

/// A new post from the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPost {
    pub title: String,
    pub body: String,
    pub content_warning: String,
    pub anonymous: bool,
}

/// Everything a post's page shows, read in one transaction: the post and the conversation
/// under it (or, on a "continue this thread" page, one comment and its replies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPageData {
    pub post: PostDetail,
    /// A separate result: a post whose replies could not be read still shows.
    pub thread: Result<super::CommentThread, AppError>,
    /// How much the signed-in reader hears about this post (`Normal` for visitors).
    #[serde(default)]
    pub notify_level: crate::domain::notification::NotifyLevel,
}
