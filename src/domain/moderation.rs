//! Moderation as members and staff read it: why something is reported, what moderators do,
//! the review queue and the moderation log. The database decides who may do what
//! (migration 0023); this names it.

use crate::domain::{CircleId, CommentId, PostId, community::slug::post_path};
use serde::{Deserialize, Serialize};

/// Open targets per page of the review queue.
pub const QUEUE_PAGE_SIZE: i64 = 25;
/// Actions per page of the moderation log.
pub const MODLOG_PAGE_SIZE: i64 = 50;
/// Characters a reporter may add.
pub const REPORT_DETAILS_MAX: usize = 1000;

/// Why a member reports something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Harassment,
    Misinformation,
    OffTopic,
    Other,
    /// "Someone may be at risk": outreach for staff, never a removal or a penalty.
    AtRisk,
    /// Automatic (no reporter): the writing contains a flagged watched word.
    Watched,
    /// Automatic (no reporter): held by a watched word until a moderator approves it.
    Held,
}

impl ReportReason {
    pub const ALL: [ReportReason; 6] = [
        Self::Spam,
        Self::Harassment,
        Self::Misinformation,
        Self::OffTopic,
        Self::Other,
        Self::AtRisk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Harassment => "harassment",
            Self::Misinformation => "misinformation",
            Self::OffTopic => "off_topic",
            Self::Other => "other",
            Self::AtRisk => "at_risk",
            Self::Watched => "watched",
            Self::Held => "held",
        }
    }

    /// A reason a member may give (never the automatic ones).
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// Any reason the queue may read, the automatic ones included.
    pub fn parse_any(value: &str) -> Option<Self> {
        Self::parse(value).or(match value {
            "watched" => Some(Self::Watched),
            "held" => Some(Self::Held),
            _ => None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Spam => "Spam or advertising",
            Self::Harassment => "Harassment or hate",
            Self::Misinformation => "Harmful health misinformation",
            Self::OffTopic => "Off-topic for this circle",
            Self::Other => "Something else",
            Self::AtRisk => "Someone may be at risk",
            Self::Watched => "Contains a watched word",
            Self::Held => "Held for approval by a watched word",
        }
    }
}

/// What a watched word does to writing that contains it (migration 0027).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WatchedAction {
    /// Refused, naming the word.
    Block,
    /// Masked with bullets; the rest is kept.
    Censor,
    /// Goes through, and an automatic report puts it in the queue.
    Flag,
    /// Kept but hidden until a moderator approves it.
    Hold,
}

impl WatchedAction {
    pub const ALL: [WatchedAction; 4] = [Self::Block, Self::Censor, Self::Flag, Self::Hold];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Block => "block",
            Self::Censor => "censor",
            Self::Flag => "flag",
            Self::Hold => "hold",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Block => "Block: refuse the writing, naming the word",
            Self::Censor => "Censor: mask the word, keep the rest",
            Self::Flag => "Flag: let it through and report it to the queue",
            Self::Hold => "Hold: hide it until a moderator approves it",
        }
    }
}

/// One watched word as the staff page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchedWord {
    pub id: i64,
    pub pattern: String,
    pub is_regex: bool,
    pub action: WatchedAction,
    /// Who added it and when: "@ana · 3 Dec 2026".
    pub added: String,
}

/// What is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportTarget {
    Post,
    Comment,
    Member,
}

impl ReportTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Comment => "comment",
            Self::Member => "member",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "post" => Some(Self::Post),
            "comment" => Some(Self::Comment),
            "member" => Some(Self::Member),
            _ => None,
        }
    }
}

/// What a report did: a new report, or the reporter's earlier one still open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportReceipt {
    /// False when the member had already reported this (nothing new was recorded).
    pub new: bool,
    /// For an at-risk report: where to find help now, shown at once.
    pub crisis_resources: Vec<CrisisResource>,
}

/// What the report page shows of the thing being reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSubject {
    pub target: ReportTarget,
    /// The post's title (for a reply, the post it is under), or the member's name.
    pub title: String,
    /// The start of what was written, plain text.
    pub excerpt: String,
    /// Where it lives, to come back to after reporting.
    pub href: String,
}

/// A place to turn to when someone may be at risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrisisResource {
    /// Where it answers: a country name, or "Anywhere".
    pub region: String,
    pub name: String,
    /// How to reach it: a number or an address, shown as written.
    pub contact: String,
}

/// A moderator's action on a post or a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentAction {
    /// Gone for members; kept for staff; the author is told why.
    Remove,
    /// As remove, for content waiting on a decision.
    Hide,
    /// Back as it was.
    Restore,
    Lock,
    Unlock,
    Pin,
    Unpin,
}

impl ContentAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Remove => "remove",
            Self::Hide => "hide",
            Self::Restore => "restore",
            Self::Lock => "lock",
            Self::Unlock => "unlock",
            Self::Pin => "pin",
            Self::Unpin => "unpin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Remove,
            Self::Hide,
            Self::Restore,
            Self::Lock,
            Self::Unlock,
            Self::Pin,
            Self::Unpin,
        ]
        .into_iter()
        .find(|a| a.as_str() == value)
    }
}

/// How a target's reports end without an action on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    /// Nothing wrong: the reporters' accuracy counts it.
    Dismissed,
    /// No decision: counts for nobody.
    Ignored,
}

impl Settlement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dismissed => "dismissed",
            Self::Ignored => "ignored",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "dismissed" | "dismiss" => Some(Self::Dismissed),
            "ignored" | "ignore" => Some(Self::Ignored),
            _ => None,
        }
    }
}

/// A logged action, in words: "removed a post".
pub fn action_phrase(action: &str) -> &'static str {
    match action {
        "remove_post" => "removed a post",
        "hide_post" => "hid a post",
        "restore_post" => "restored a post",
        "remove_comment" => "removed a reply",
        "hide_comment" => "hid a reply",
        "restore_comment" => "restored a reply",
        "lock" => "locked a post",
        "unlock" => "unlocked a post",
        "pin" => "pinned a post",
        "unpin" => "unpinned a post",
        "dismiss_reports" => "dismissed reports",
        "ignore_reports" => "set reports aside",
        "warn" => "warned a member",
        "silence" => "silenced a member",
        "suspend" => "suspended a member",
        "ban" => "banned a member",
        "lift" => "lifted a sanction",
        "purge" => "purged a spam account",
        "slow_mode" => "changed slow mode",
        "move_post" => "moved a post",
        "approve_post" => "approved a held post",
        "approve_comment" => "approved a held reply",
        "hold_post" => "held a post for approval",
        "hold_comment" => "held a reply for approval",
        _ => "acted",
    }
}

/// One reporter's words about a target in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportNote {
    pub reason: ReportReason,
    pub details: String,
    /// Staff see who reported; the reported member never does.
    pub reporter: String,
    pub at_label: String,
}

/// Everything open about one post, reply or member, as the queue shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueItem {
    /// `post:12`, `comment:40`, `member:<uuid>`: what the decision forms send back.
    pub target_key: String,
    pub target: ReportTarget,
    pub circle_name: Option<String>,
    pub circle_slug: Option<String>,
    pub post_id: Option<PostId>,
    pub comment_id: Option<CommentId>,
    /// The post's title (for a reply: the post it is under), or the member's name.
    pub title: String,
    /// What was written, plain text, as it stands (or as it stood, once removed).
    pub text: String,
    /// Who wrote it, as staff see it ("anonymous" stays sealed here too).
    pub author: String,
    pub reporters: i64,
    /// Sum of the reporters' past accuracy: two careful reporters outweigh five careless.
    pub score: f64,
    /// An at-risk report is outreach and comes first.
    pub at_risk: bool,
    /// Already removed (by a moderator, or deleted by its author).
    pub gone: bool,
    /// Held by a watched word: hidden until a moderator approves (restores) it.
    #[serde(default)]
    pub held: bool,
    pub reports: Vec<ReportNote>,
    pub oldest_label: String,
}

impl QueueItem {
    /// Where the reported thing lives.
    pub fn href(&self) -> Option<String> {
        let post = self.post_id?;
        let base = match &self.circle_slug {
            Some(slug) => post_path(slug, post, &self.title),
            None => format!("/p/{}", post.get()),
        };
        Some(match self.comment_id {
            Some(comment) => format!("{base}#comment-{}", comment.get()),
            None => base,
        })
    }
}

/// One page of the review queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Open targets in all, across pages.
    pub open_targets: i64,
}

/// One line of the moderation log. `moderator` is filled for staff only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModlogEntry {
    pub id: i64,
    pub action: String,
    pub reason: String,
    pub circle_name: Option<String>,
    pub circle_slug: Option<String>,
    /// A link to the post while members can still read it.
    pub post_id: Option<PostId>,
    pub post_title: Option<String>,
    pub comment_id: Option<CommentId>,
    /// Staff only: who acted and on what.
    pub moderator: Option<String>,
    pub subject: Option<String>,
    pub circle_id: Option<CircleId>,
    /// Staff only: the post or reply this line removed is still removed, so the line offers
    /// "restore" (a removed reply with no answers has no place left on its page).
    #[serde(default)]
    pub restorable: Option<(PostId, Option<CommentId>)>,
    pub at: String,
    pub at_label: String,
}

impl ModlogEntry {
    pub fn phrase(&self) -> &'static str {
        action_phrase(&self.action)
    }

    pub fn href(&self) -> Option<String> {
        let post = self.post_id?;
        let base = match (&self.circle_slug, &self.post_title) {
            (Some(slug), Some(title)) => post_path(slug, post, title),
            _ => format!("/p/{}", post.get()),
        };
        Some(match self.comment_id {
            Some(comment) => format!("{base}#comment-{}", comment.get()),
            None => base,
        })
    }
}

/// Characters a staff note may hold.
pub const STAFF_NOTE_MAX: usize = 2000;

/// A note staff keep about a member, for staff only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffNote {
    pub author: String,
    pub body: String,
    pub at: String,
    pub at_label: String,
}

/// One page of the moderation log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModlogPage {
    pub entries: Vec<ModlogEntry>,
    /// The id to pass as `before` for the next page.
    pub older: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_and_actions_read_back_what_they_write() {
        for reason in ReportReason::ALL {
            assert_eq!(ReportReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(ReportReason::parse("spam "), None);
        for action in [
            "remove", "hide", "restore", "lock", "unlock", "pin", "unpin",
        ] {
            assert_eq!(
                ContentAction::parse(action).map(ContentAction::as_str),
                Some(action)
            );
        }
        assert_eq!(ContentAction::parse("ban"), None);
        assert_eq!(Settlement::parse("dismiss"), Some(Settlement::Dismissed));
    }

    #[test]
    fn every_logged_action_has_words() {
        for action in [
            "remove_post",
            "hide_post",
            "restore_post",
            "remove_comment",
            "hide_comment",
            "restore_comment",
            "lock",
            "unlock",
            "pin",
            "unpin",
            "dismiss_reports",
            "ignore_reports",
        ] {
            assert_ne!(action_phrase(action), "acted", "{action}");
        }
    }
}
