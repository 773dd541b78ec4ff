//! Feeds: lists of posts, newest (or most active, or most appreciated) first.

use super::post::PostSummary;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    /// Circles the viewer follows, newest first.
    Home,
    /// Everything the viewer may read, newest first.
    #[default]
    Latest,
    /// Most recent comment first.
    Active,
    /// Most reactions in the last seven days.
    Top,
}

impl FeedKind {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "home" => Some(Self::Home),
            "latest" => Some(Self::Latest),
            "active" => Some(Self::Active),
            "top" => Some(Self::Top),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Home => "home",
            FeedKind::Latest => "latest",
            FeedKind::Active => "active",
            FeedKind::Top => "top",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FeedKind::Home => "My circles",
            FeedKind::Latest => "Latest",
            FeedKind::Active => "Active",
            FeedKind::Top => "Top this week",
        }
    }
}

/// One page of a feed and where the next (older) page starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub posts: Vec<PostSummary>,
    /// Pinned posts, shown above the first page of a circle's feed.
    pub pinned: Vec<PostSummary>,
    pub next_cursor: Option<String>,
    /// Which feed this is (site feeds), and whether the viewer is signed in, so the page can
    /// offer the right tabs.
    pub kind: FeedKind,
    pub signed_in: bool,
}

/// Posts per feed page.
pub const FEED_PAGE_SIZE: i64 = 20;
