//! Threaded comments under a post.

use super::{post::Author, reaction::Reactions};
use crate::domain::ids::CommentId;
use serde::{Deserialize, Serialize};

/// Replies deeper than this continue on the reply's own page.
pub const MAX_RENDER_DEPTH: i32 = 5;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: CommentId,
    pub parent_id: Option<CommentId>,
    pub depth: i32,
    /// `None` when anonymous, deleted, or the account is gone.
    pub author: Option<Author>,
    /// Written anonymously in a support circle: shown as "Anonymous member".
    pub is_anonymous: bool,
    /// An anonymous reply by the anonymous post's own author ("original poster"). Never set
    /// when the post names its author, which would unmask the reply.
    pub by_original_poster: bool,
    /// The sealed author of an anonymous reply, for the circle's moderators only.
    pub sealed_author: Option<Author>,
    /// Empty when deleted; the page shows a placeholder instead.
    pub body_html: String,
    pub body_source: String,
    pub created_at: String,
    pub created_label: String,
    pub edited: bool,
    pub deleted: bool,
    /// Removed by the circle's moderators (then `deleted` too).
    pub removed: bool,
    pub reactions: Reactions,
    pub viewer_is_author: bool,
    /// Replies below the render cap, to be continued on the comment's own page.
    pub hidden_replies: i32,
    /// Its pictures, in the order they were added (at most four).
    #[serde(default)]
    pub pictures: Vec<super::PostPicture>,
}

/// A post's comments in thread order (each parent before its replies, siblings oldest first).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentThread {
    pub comments: Vec<CommentView>,
    /// Set when showing one comment's subthread ("continue this thread").
    pub focus: Option<CommentId>,
    /// The reply this page continues after (`?after=`); `None` on the first page.
    #[serde(default)]
    pub after: Option<CommentId>,
    /// Where the next page starts, when the thread holds more replies than one page.
    #[serde(default)]
    pub next_after: Option<CommentId>,
}

impl CommentThread {
    /// Orders flat rows (any order) so every reply follows its parent, siblings by id (which
    /// is creation order). With `root` present among the rows, only its subthread is kept.
    /// Otherwise a row whose parent is not among them (it is on an earlier page) starts a
    /// branch of its own, in id order with the top-level replies.
    pub fn from_rows(rows: Vec<CommentView>, root: Option<CommentId>) -> Self {
        use std::collections::{HashMap, HashSet};
        let present: HashSet<CommentId> = rows.iter().map(|c| c.id).collect();
        let root_present = root.is_some_and(|id| present.contains(&id));
        let mut children: HashMap<Option<CommentId>, Vec<CommentView>> = HashMap::new();
        for row in rows {
            let parent = row.parent_id.filter(|id| present.contains(id));
            children.entry(parent).or_default().push(row);
        }
        for list in children.values_mut() {
            list.sort_by_key(|c| c.id);
        }
        let mut ordered = Vec::new();
        let mut stack: Vec<CommentView> = match root {
            Some(id) if root_present => {
                let mut all: Vec<CommentView> = children.values().flatten().cloned().collect();
                all.retain(|c| c.id == id);
                all
            }
            _ => children.remove(&None).unwrap_or_default(),
        };
        stack.reverse();
        while let Some(comment) = stack.pop() {
            if let Some(mut replies) = children.remove(&Some(comment.id)) {
                replies.reverse();
                stack.extend(replies);
            }
            ordered.push(comment);
        }
        CommentThread {
            comments: ordered,
            focus: root,
            after: None,
            next_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, parent_id: Option<i64>) -> CommentView {
        CommentView {
            id: CommentId(id),
            parent_id: parent_id.map(CommentId),
            depth: 0,
            author: None,
            is_anonymous: false,
            by_original_poster: false,
            sealed_author: None,
            body_html: String::new(),
            body_source: String::new(),
            created_at: String::new(),
            created_label: String::new(),
            edited: false,
            deleted: false,
            removed: false,
            reactions: Reactions::default(),
            viewer_is_author: false,
            hidden_replies: 0,
            pictures: Vec::new(),
        }
    }

    #[test]
    fn replies_follow_their_parent_and_siblings_keep_their_order() {
        let rows = vec![
            row(5, Some(1)),
            row(2, None),
            row(1, None),
            row(3, Some(1)),
            row(4, Some(3)),
        ];
        let ids: Vec<i64> = CommentThread::from_rows(rows, None)
            .comments
            .iter()
            .map(|c| c.id.get())
            .collect();
        assert_eq!(ids, vec![1, 3, 4, 5, 2]);
    }

    #[test]
    fn a_focused_thread_starts_at_its_root() {
        let rows = vec![
            row(1, None),
            row(3, Some(1)),
            row(4, Some(3)),
            row(6, Some(4)),
            row(5, Some(1)),
        ];
        let ids: Vec<i64> = CommentThread::from_rows(rows, Some(CommentId(3)))
            .comments
            .iter()
            .map(|c| c.id.get())
            .collect();
        assert_eq!(ids, vec![3, 4, 6]);
    }

    #[test]
    fn on_a_later_page_replies_to_earlier_ones_start_their_own_branches() {
        // 10 and 12 answer comments on the previous page; 11 answers 10.
        let rows = vec![
            row(12, Some(2)),
            row(11, Some(10)),
            row(10, Some(1)),
            row(13, None),
        ];
        let ids: Vec<i64> = CommentThread::from_rows(rows, None)
            .comments
            .iter()
            .map(|c| c.id.get())
            .collect();
        assert_eq!(ids, vec![10, 11, 12, 13]);
        let later = vec![row(20, Some(7)), row(21, Some(20))];
        let ids: Vec<i64> = CommentThread::from_rows(later, Some(CommentId(3)))
            .comments
            .iter()
            .map(|c| c.id.get())
            .collect();
        assert_eq!(ids, vec![20, 21], "a focused thread's later page");
    }
}
