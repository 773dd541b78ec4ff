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
    /// New posts anywhere the reader may read (the home page's "Latest").
    Site,
}

impl Channel {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "notifications" => return Some(Self::Notifications),
            "site" => return Some(Self::Site),
            _ => {}
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
            Self::Site => "site".to_owned(),
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
    /// How many are reading this post now, on every instance.
    Presence {
        channel: String,
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

/// A server frame as the browser reads it: every field flat and optional. Reading the
/// tagged [`ServerFrame`] would bring serde's buffering of internally tagged enums into the
/// wasm bundle; this shape reads the same JSON for a fraction of the code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Frame {
    /// `subscribed`, `event`, `unread`, `presence`, `gap`, `refused`, `pong`.
    #[serde(rename = "type")]
    pub frame: String,
    pub channel: String,
    pub id: i64,
    pub kind: String,
    pub post: Option<i64>,
    pub comment: Option<i64>,
    pub count: i64,
    pub last: i64,
}

/// The text of a `subscribe` frame, written without serde (channel names are plain ASCII
/// the page built itself).
pub fn subscribe_text(channel: &str, after: Option<i64>) -> String {
    let channel: String = channel
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == ':')
        .collect();
    match after {
        Some(after) => format!(r#"{{"type":"subscribe","channel":"{channel}","after":{after}}}"#),
        None => format!(r#"{{"type":"subscribe","channel":"{channel}"}}"#),
    }
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
    fn the_browsers_flat_frame_reads_what_the_server_writes() {
        let written = ServerFrame::Event {
            channel: "post:7".into(),
            id: 12,
            kind: "comment.created".into(),
            post: Some(7),
            comment: Some(30),
        };
        let read: Frame =
            serde_json::from_str(&serde_json::to_string(&written).unwrap_or_default())
                .unwrap_or_default();
        assert_eq!(
            (
                read.frame.as_str(),
                read.channel.as_str(),
                read.id,
                read.comment
            ),
            ("event", "post:7", 12, Some(30))
        );
        let read: Frame =
            serde_json::from_str(r#"{"type":"unread","count":4}"#).unwrap_or_default();
        assert_eq!((read.frame.as_str(), read.count), ("unread", 4));
        let sent: ClientFrame = serde_json::from_str(&subscribe_text("post:7\"}", Some(3)))
            .unwrap_or(ClientFrame::Ping);
        assert_eq!(
            sent,
            ClientFrame::Subscribe {
                channel: "post:7".into(),
                after: Some(3)
            }
        );
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
