//! What travels over `/realtime`, the live socket: both sides read these types, as JSON text
//! frames. A frame says what happened (a kind and ids, never content nor who did it); the
//! page fetches what it shows as the reader, so Row Level Security decides every word.

use serde::{Deserialize, Serialize};

/// A channel a socket may subscribe to, written `post:12`, `circle:3` or `notifications`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// Replies, edits, deletions and reactions on one post.
    Post(i64),
    /// New posts in one circle.
    Circle(i64),
    /// The member's own unread count.
    Notifications,
}

impl Channel {
    pub fn parse(text: &str) -> Option<Self> {
        if text == "notifications" {
            return Some(Self::Notifications);
        }
        let (kind, id) = text.split_once(':')?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        match kind {
            "post" => Some(Self::Post(id)),
            "circle" => Some(Self::Circle(id)),
            _ => None,
        }
    }

    pub fn name(self) -> String {
        match self {
            Self::Post(id) => format!("post:{id}"),
            Self::Circle(id) => format!("circle:{id}"),
            Self::Notifications => "notifications".to_owned(),
        }
    }
}

/// From the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Start hearing a channel; `after` is the last event id this page has seen, to hear
    /// what happened since (after a dropped connection).
    Subscribe {
        channel: String,
        #[serde(default)]
        after: Option<i64>,
    },
    Unsubscribe {
        channel: String,
    },
    /// Keeps the connection alive through proxies; answered with `pong`.
    Ping,
}

/// To the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The subscription holds; `last` is the newest event id so far.
    Subscribed {
        channel: String,
        last: i64,
    },
    /// Something happened on a channel.
    Event {
        channel: String,
        id: i64,
        /// `comment.created`, `comment.edited`, `comment.deleted`, `reaction.added`,
        /// `post.created`, `post.edited`, ...
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        post: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<i64>,
    },
    /// The member's unread notifications now.
    Unread {
        count: i64,
    },
    /// More happened while the page was away than can be replayed: reload what is shown.
    Gap {
        channel: String,
    },
    /// A request was refused (unknown channel, not allowed, too many); the socket stays.
    Refused {
        channel: String,
        reason: String,
    },
    Pong,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip_and_refuse_anything_else() {
        for channel in [
            Channel::Post(12),
            Channel::Circle(3),
            Channel::Notifications,
        ] {
            assert_eq!(Channel::parse(&channel.name()), Some(channel));
        }
        for bad in [
            "post:",
            "post:-1",
            "post:0",
            "posts:1",
            "circle:x",
            "",
            "notifications:1",
        ] {
            assert_eq!(Channel::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn frames_are_tagged_json() {
        let frame: ClientFrame =
            serde_json::from_str(r#"{"type":"subscribe","channel":"post:1","after":7}"#)
                .unwrap_or(ClientFrame::Ping);
        assert_eq!(
            frame,
            ClientFrame::Subscribe {
                channel: "post:1".into(),
                after: Some(7)
            }
        );
        let text = serde_json::to_string(&ServerFrame::Unread { count: 3 }).unwrap_or_default();
        assert_eq!(text, r#"{"type":"unread","count":3}"#);
    }
}
