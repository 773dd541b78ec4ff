//! One search box over posts, circles and members.

use super::{circle::CircleSummary, post::PostSummary};
use serde::{Deserialize, Serialize};

/// A post that matched, with the matching words marked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostHit {
    pub post: PostSummary,
    /// Escaped text with `<mark>` around matches, built on the server from escaped pieces.
    pub snippet_html: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberHit {
    pub handle: String,
    pub display_name: String,
    pub is_verified: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub posts: Vec<PostHit>,
    pub circles: Vec<CircleSummary>,
    pub members: Vec<MemberHit>,
}

/// Longest query we search for, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
