//! The gentle reactions members can leave: a fixed set, one of each per member, no downvotes.

use crate::domain::{CommentId, PostId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReactionKind {
    Support,
    Grateful,
    Insightful,
    Hug,
}

impl ReactionKind {
    pub const ALL: [ReactionKind; 4] = [
        ReactionKind::Support,
        ReactionKind::Grateful,
        ReactionKind::Insightful,
        ReactionKind::Hug,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Support => "support",
            ReactionKind::Grateful => "grateful",
            ReactionKind::Insightful => "insightful",
            ReactionKind::Hug => "hug",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// What the button says, for people and screen readers alike.
    pub fn label(self) -> &'static str {
        match self {
            ReactionKind::Support => "Support",
            ReactionKind::Grateful => "Grateful",
            ReactionKind::Insightful => "Insightful",
            ReactionKind::Hug => "Hug",
        }
    }

    pub fn emoji(self) -> &'static str {
        match self {
            ReactionKind::Support => "🌱",
            ReactionKind::Grateful => "🙏",
            ReactionKind::Insightful => "💡",
            ReactionKind::Hug => "🤗",
        }
    }
}

/// How many of each reaction a post or comment has, and which the viewer left.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reactions {
    pub support: i32,
    pub grateful: i32,
    pub insightful: i32,
    pub hug: i32,
    /// The viewer's own reactions (empty for visitors).
    pub mine: Vec<ReactionKind>,
}

impl Reactions {
    pub fn count(&self, kind: ReactionKind) -> i32 {
        match kind {
            ReactionKind::Support => self.support,
            ReactionKind::Grateful => self.grateful,
            ReactionKind::Insightful => self.insightful,
            ReactionKind::Hug => self.hug,
        }
    }

    pub fn total(&self) -> i32 {
        self.support + self.grateful + self.insightful + self.hug
    }

    pub fn is_mine(&self, kind: ReactionKind) -> bool {
        self.mine.contains(&kind)
    }
}

/// The post or comment a reaction is left on. Forms carry it as two fields, `target`
/// ("post" or "comment") and `id`, so a plain HTML form can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReactionTarget {
    Post(PostId),
    Comment(CommentId),
}

impl ReactionTarget {
    /// `None` for an unknown kind of target or an id that is not a positive number.
    pub fn parse(target: &str, id: i64) -> Option<Self> {
        if id <= 0 {
            return None;
        }
        match target {
            "post" => Some(Self::Post(PostId(id))),
            "comment" => Some(Self::Comment(CommentId(id))),
            _ => None,
        }
    }

    /// The bare number, as the database binds it.
    pub fn id(self) -> i64 {
        match self {
            Self::Post(id) => id.get(),
            Self::Comment(id) => id.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_back_from_its_name() {
        for kind in ReactionKind::ALL {
            assert_eq!(ReactionKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ReactionKind::parse("downvote"), None);
        assert_eq!(ReactionKind::parse("Support"), None);
    }
}
