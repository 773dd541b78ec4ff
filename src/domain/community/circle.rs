//! Circles: the topic spaces members gather in.

use crate::domain::CircleId;
use serde::{Deserialize, Serialize};

/// Who can read a circle's posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Everyone, signed in or not; anyone signed in may join.
    Public,
    /// Signed-in members of Wellspring; any of them may join.
    Members,
    /// Only the circle's members; joining needs a moderator's approval.
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
            Visibility::Private => "private",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "public" => Some(Self::Public),
            "members" => Some(Self::Members),
            "private" => Some(Self::Private),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Visibility::Public => "Public",
            Visibility::Members => "Members only",
            Visibility::Private => "Private",
        }
    }
}

/// The viewer's place in a circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Membership {
    None,
    /// Asked to join a private circle; waiting for a moderator.
    Pending,
    Member,
    Moderator,
}

impl Membership {
    pub fn is_active(self) -> bool {
        matches!(self, Membership::Member | Membership::Moderator)
    }
}

/// A circle as lists and its own page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleSummary {
    pub id: CircleId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: Visibility,
    pub is_support: bool,
    pub member_count: i32,
    pub post_count: i32,
    pub membership: Membership,
    pub following: bool,
    /// Whether the viewer may read its posts (false for a private circle they're not in).
    pub can_read: bool,
}

/// What the viewer may do in a circle, computed on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CirclePage {
    pub circle: CircleSummary,
    pub signed_in: bool,
    pub can_post: bool,
    pub can_moderate: bool,
    pub pending_requests: Vec<JoinRequest>,
    /// Seconds a member waits between posts here (0: off), set by the circle's moderators.
    #[serde(default)]
    pub slow_mode_secs: i32,
}

/// The slow-mode choices a circle's moderators have, in seconds, with their words.
pub const SLOW_MODE_CHOICES: [(i32, &str); 6] = [
    (0, "Off"),
    (60, "One post a minute"),
    (600, "One post every 10 minutes"),
    (1800, "One post every 30 minutes"),
    (3600, "One post an hour"),
    (86_400, "One post a day"),
];

/// "One post every 10 minutes" for a circle's slow mode, or `None` when it is off.
pub fn slow_mode_label(secs: i32) -> Option<String> {
    if secs <= 0 {
        return None;
    }
    Some(
        SLOW_MODE_CHOICES
            .iter()
            .find(|(s, _)| *s == secs)
            .map_or_else(
                || format!("One post every {secs} seconds"),
                |(_, l)| (*l).to_owned(),
            ),
    )
}

/// Someone asking to join a private circle, shown to its moderators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub user_id: String,
    pub handle: String,
    pub display_name: String,
}

/// Everything a circle's page shows, read in one transaction: the circle and a page of its
/// posts. The posts are a separate result so the circle still shows when they cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CirclePageData {
    pub info: CirclePage,
    pub feed: Result<super::FeedPage, crate::domain::AppError>,
    /// How much the signed-in reader hears about this circle (`Normal` for visitors).
    #[serde(default)]
    pub notify_level: crate::domain::notification::NotifyLevel,
}
