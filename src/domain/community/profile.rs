//! A member's public profile.

use super::{feed::FeedPage, post::PostSummary};
use crate::domain::AppError;
use serde::{Deserialize, Serialize};

/// Who a member is, as anyone may read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProfile {
    pub handle: String,
    pub display_name: String,
    pub pronouns: String,
    /// Sanitised Markdown.
    pub bio_html: String,
    pub interests: Vec<String>,
    pub joined_label: String,
    pub is_verified: bool,
    pub modalities: Vec<String>,
    pub credentials: String,
    pub booking_url: String,
    /// The viewer is a site admin, who alone may give or take the verified badge. Only shows
    /// the control: the server function checks the role (and second factor) again.
    pub can_verify: bool,
    /// A signed-in member looking at someone else's profile: the "Report" link shows.
    #[serde(default)]
    pub can_report: bool,
    /// Their profile picture's address without the size (`/media/avatars/<id>`), if any.
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub initials: String,
}

/// Everything a member's profile page shows, read in one transaction: who they are and a
/// page of their posts the viewer may read (never anonymous ones). The posts are a separate
/// result, so the profile still shows when they cannot be read (a malformed cursor, say).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePageData {
    pub profile: PublicProfile,
    pub feed: Result<FeedPage, AppError>,
}

/// `profiles/get`'s answer: the profile with one page of posts beside its fields, the shape
/// that endpoint has always had (the page itself reads `profiles/page`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileWithPosts {
    #[serde(flatten)]
    pub profile: PublicProfile,
    /// Their posts the viewer may read, never anonymous ones.
    pub posts: Vec<PostSummary>,
    pub next_cursor: Option<String>,
}

impl PublicProfile {
    pub fn is_practitioner(&self) -> bool {
        self.is_verified || !self.modalities.is_empty() || !self.credentials.is_empty()
    }
}

/// The member's own interests and practitioner details, for their settings form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileDetails {
    /// Comma-separated, as the form edits them.
    pub interests: String,
    pub modalities: String,
    pub credentials: String,
    pub booking_url: String,
    pub is_verified: bool,
}
