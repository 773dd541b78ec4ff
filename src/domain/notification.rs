//! Notifications: what a member is told about, as the notifications page and the bell show
//! it. The server decides who is told (migration 0018); this says how it reads.

use crate::domain::{CircleId, CommentId, PostId, community::slug::post_path};
use serde::{Deserialize, Serialize};

/// Notifications per page.
pub const NOTIFICATION_PAGE_SIZE: i64 = 30;

/// Why a member is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// A reply somewhere under my post.
    Reply,
    /// A reply to my reply.
    CommentReply,
    /// Someone wrote my @handle.
    Mention,
    /// Reactions to my post or reply, gathered until I read them.
    Reaction,
    /// A circle's moderators let me in.
    JoinApproved,
    /// A circle's moderators declined my request.
    JoinDeclined,
    /// A reply in a post I follow.
    Activity,
    /// A new post in a circle I follow.
    NewPost,
    /// Moderators acted on my post or reply: what and why (never who).
    Moderation,
    /// What became of something I reported.
    ReportOutcome,
}

impl NotificationKind {
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "reply" => Self::Reply,
            "comment_reply" => Self::CommentReply,
            "mention" => Self::Mention,
            "reaction" => Self::Reaction,
            "join_approved" => Self::JoinApproved,
            "join_declined" => Self::JoinDeclined,
            "activity" => Self::Activity,
            "new_post" => Self::NewPost,
            "moderation" => Self::Moderation,
            "report_outcome" => Self::ReportOutcome,
            _ => return None,
        })
    }
}

/// One notification, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub kind: NotificationKind,
    /// Who acted, by display name; `None` when anonymous (or a moderator's decision).
    pub actor: Option<String>,
    /// How many more members a batched reaction gathered.
    pub others: i32,
    pub circle_id: Option<CircleId>,
    pub circle_name: Option<String>,
    pub circle_slug: Option<String>,
    pub post_id: Option<PostId>,
    pub post_title: Option<String>,
    pub comment_id: Option<CommentId>,
    /// The start of the reply, plain text.
    pub excerpt: Option<String>,
    /// RFC 3339, for `<time datetime>`.
    pub at: String,
    pub at_label: String,
    pub unread: bool,
    /// For moderation notices and report outcomes: what was done, why, and to what.
    #[serde(default)]
    pub moderation: Option<ModerationNotice>,
}

/// What a moderation notice or a report outcome says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationNotice {
    /// As logged: `remove_post`, `lock`, …; for a report outcome `acted` or `dismissed`.
    pub action: String,
    /// The moderators' reason, told to the author (not to reporters).
    pub reason: Option<String>,
    /// The post's title or the reply's start, as it was when they acted.
    pub subject: String,
}

impl Notification {
    /// What happened, in one sentence: "Ana and 4 others reacted to your reply".
    pub fn sentence(&self) -> String {
        let who = match (&self.actor, self.others) {
            (Some(name), 0) => name.clone(),
            (Some(name), 1) => format!("{name} and 1 other"),
            (Some(name), n) => format!("{name} and {n} others"),
            (None, _) => "Someone".to_owned(),
        };
        let on_reply = self.comment_id.is_some();
        let circle = self.circle_name.as_deref().unwrap_or("a circle");
        match self.kind {
            NotificationKind::Reply if self.actor.is_none() => {
                "Someone replied anonymously to your post".to_owned()
            }
            NotificationKind::Reply => format!("{who} replied to your post"),
            NotificationKind::CommentReply if self.actor.is_none() => {
                "Someone replied anonymously to your reply".to_owned()
            }
            NotificationKind::CommentReply => format!("{who} replied to you"),
            NotificationKind::Mention if self.actor.is_none() => {
                "Someone mentioned you anonymously".to_owned()
            }
            NotificationKind::Mention => format!("{who} mentioned you"),
            NotificationKind::Reaction if on_reply => format!("{who} reacted to your reply"),
            NotificationKind::Reaction => format!("{who} reacted to your post"),
            NotificationKind::JoinApproved => format!("You're in: welcome to {circle}"),
            NotificationKind::JoinDeclined => {
                format!("Your request to join {circle} was not accepted")
            }
            NotificationKind::Activity if self.actor.is_none() => {
                "Someone replied anonymously in a post you follow".to_owned()
            }
            NotificationKind::Activity => format!("{who} replied in a post you follow"),
            NotificationKind::NewPost if self.actor.is_none() => {
                format!("Someone posted anonymously in {circle}")
            }
            NotificationKind::NewPost => format!("{who} posted in {circle}"),
            NotificationKind::Moderation if self.circle_id.is_none() => {
                // About the member's account (migration 0025): the subject is when it ends.
                let (action, until) = self
                    .moderation
                    .as_ref()
                    .map_or(("", ""), |m| (m.action.as_str(), m.subject.as_str()));
                let until = if until.is_empty() {
                    String::new()
                } else {
                    format!(" until {until}")
                };
                match action {
                    "warn" => "The moderators sent you a warning".to_owned(),
                    "silence" => format!(
                        "Your account is silenced{until}: you can read but not post, reply or react"
                    ),
                    "suspend" => format!(
                        "Your account is suspended{until}: you can read but not make changes"
                    ),
                    "ban" if until.is_empty() => "Your account is banned".to_owned(),
                    "ban" => format!("Your account is banned{until}"),
                    "lift" => "The moderators lifted a sanction on your account".to_owned(),
                    _ => "The moderators acted on your account".to_owned(),
                }
            }
            NotificationKind::Moderation => {
                let action = self.moderation.as_ref().map_or("", |m| m.action.as_str());
                let what = match action {
                    "remove_post" => "removed your post",
                    "hide_post" => "hid your post for review",
                    "restore_post" => "restored your post",
                    "remove_comment" => "removed your reply",
                    "hide_comment" => "hid your reply for review",
                    "restore_comment" => "restored your reply",
                    "approve_post" => "approved your post",
                    "approve_comment" => "approved your reply",
                    "lock" => "locked your post to new replies",
                    "unlock" => "opened your post to replies again",
                    "pin" => "pinned your post",
                    "unpin" => "unpinned your post",
                    "move_post" => return format!("Moderators moved your post to {circle}"),
                    _ => "acted on your post",
                };
                format!("Moderators {what} in {circle}")
            }
            NotificationKind::ReportOutcome => {
                match self.moderation.as_ref().map(|m| m.action.as_str()) {
                    Some("acted") => "Thank you: moderators acted on what you reported".to_owned(),
                    _ => "Moderators looked at what you reported and left it up".to_owned(),
                }
            }
        }
    }

    /// Where it leads: the exact reply, the post, or the circle.
    pub fn href(&self) -> String {
        // A notice about the member's account has no place but the list that says why.
        if self.kind == NotificationKind::Moderation && self.circle_id.is_none() {
            return "/notifications".to_owned();
        }
        Self::place(
            self.post_id,
            self.comment_id,
            self.circle_slug.as_deref(),
            self.post_title.as_deref(),
        )
    }

    /// The path for a notification about these: the post's readable address (or its short
    /// link `/p/<id>` without a title), with `#comment-<id>` for a reply; else the circle.
    pub fn place(
        post: Option<PostId>,
        comment: Option<CommentId>,
        circle_slug: Option<&str>,
        post_title: Option<&str>,
    ) -> String {
        let Some(post) = post else {
            return match circle_slug {
                Some(slug) => format!("/c/{slug}"),
                None => "/circles".to_owned(),
            };
        };
        let path = match (circle_slug, post_title) {
            (Some(slug), Some(title)) => post_path(slug, post, title),
            _ => format!("/p/{}", post.get()),
        };
        match comment {
            Some(comment) => format!("{path}#comment-{}", comment.get()),
            None => path,
        }
    }
}

/// How much a member hears about a circle or a post.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyLevel {
    /// Every new post (circle) or reply (post): following it.
    All,
    /// Replies to what I wrote, mentions and reactions.
    #[default]
    Normal,
    /// Nothing about it.
    Mute,
}

impl NotifyLevel {
    pub const ALL: [Self; 3] = [Self::All, Self::Normal, Self::Mute];

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "all" => Some(Self::All),
            "normal" => Some(Self::Normal),
            "mute" => Some(Self::Mute),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Normal => "normal",
            Self::Mute => "mute",
        }
    }

    /// The choice as a member reads it, for a post or a circle.
    pub fn label(self, of_circle: bool) -> &'static str {
        match (self, of_circle) {
            (Self::All, false) => "Every reply",
            (Self::All, true) => "Every new post",
            (Self::Normal, _) => "Replies to me and mentions",
            (Self::Mute, _) => "Nothing (muted)",
        }
    }
}

/// One page of notifications, newest first, and where the next (older) page starts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
    pub unread: i64,
    /// How often the member asked to be mailed a digest.
    pub digest: crate::domain::digest::DigestFrequency,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaction(actor: Option<&str>, others: i32, comment: Option<i64>) -> Notification {
        Notification {
            id: 1,
            kind: NotificationKind::Reaction,
            actor: actor.map(str::to_owned),
            others,
            circle_id: Some(CircleId(3)),
            circle_name: Some("Sleep".into()),
            circle_slug: Some("sleep".into()),
            post_id: Some(PostId(7)),
            post_title: Some("Rest".into()),
            comment_id: comment.map(CommentId),
            excerpt: None,
            at: String::new(),
            at_label: String::new(),
            unread: true,
            moderation: None,
        }
    }

    #[test]
    fn moderation_notices_say_what_was_done_never_who() {
        let notice = |kind, action: &str| Notification {
            kind,
            actor: None,
            moderation: Some(ModerationNotice {
                action: action.to_owned(),
                reason: Some("Advertising".into()),
                subject: "Pills".into(),
            }),
            ..reaction(None, 0, None)
        };
        assert_eq!(
            notice(NotificationKind::Moderation, "remove_post").sentence(),
            "Moderators removed your post in Sleep"
        );
        assert_eq!(
            notice(NotificationKind::Moderation, "hide_comment").sentence(),
            "Moderators hid your reply for review in Sleep"
        );
        assert_eq!(
            notice(NotificationKind::ReportOutcome, "acted").sentence(),
            "Thank you: moderators acted on what you reported"
        );
        assert_eq!(
            notice(NotificationKind::ReportOutcome, "dismissed").sentence(),
            "Moderators looked at what you reported and left it up"
        );
    }

    #[test]
    fn batched_reactions_name_one_member_and_count_the_rest() {
        assert_eq!(
            reaction(Some("Ana"), 0, None).sentence(),
            "Ana reacted to your post"
        );
        assert_eq!(
            reaction(Some("Ana"), 1, None).sentence(),
            "Ana and 1 other reacted to your post"
        );
        assert_eq!(
            reaction(Some("Ana"), 4, Some(9)).sentence(),
            "Ana and 4 others reacted to your reply"
        );
    }

    #[test]
    fn anonymous_replies_name_nobody() {
        let mut n = reaction(None, 0, Some(9));
        n.kind = NotificationKind::Reply;
        assert_eq!(n.sentence(), "Someone replied anonymously to your post");
        n.kind = NotificationKind::CommentReply;
        assert_eq!(n.sentence(), "Someone replied anonymously to your reply");
    }

    #[test]
    fn each_leads_to_the_exact_place() {
        assert_eq!(
            reaction(None, 0, Some(9)).href(),
            "/c/sleep/p/7-rest#comment-9"
        );
        assert_eq!(reaction(None, 0, None).href(), "/c/sleep/p/7-rest");
        assert_eq!(
            Notification::place(Some(PostId(7)), Some(CommentId(9)), None, None),
            "/p/7#comment-9"
        );
        let mut join = reaction(None, 0, None);
        join.kind = NotificationKind::JoinApproved;
        join.post_id = None;
        assert_eq!(join.href(), "/c/sleep");
        assert_eq!(join.sentence(), "You're in: welcome to Sleep");
    }

    #[test]
    fn kinds_parse_from_their_stored_names() {
        for kind in [
            NotificationKind::Reply,
            NotificationKind::CommentReply,
            NotificationKind::Mention,
            NotificationKind::Reaction,
            NotificationKind::JoinApproved,
            NotificationKind::JoinDeclined,
            NotificationKind::Activity,
            NotificationKind::NewPost,
        ] {
            let stored = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(
                NotificationKind::parse(stored.trim_matches('"')),
                Some(kind)
            );
        }
        assert_eq!(NotificationKind::parse("nonsense"), None);
    }
}
