//! Replies that arrive, change or go while a post is open, shown in place.
//!
//! The reply is drawn by the server, as this reader may see it: the browser fetches the
//! reply's own thread page (`<post>/thread/<id>`, the page "continue this thread" opens),
//! takes the reply's `<li>` from it and puts it where it belongs in this page's list: after
//! the last reply under its parent, indented from its depth. So the markup, the sanitised
//! body and what the reader may see are exactly the page's own; nothing the browser builds
//! holds member text. A reply's buttons inside it are its plain-form versions (they work as
//! they do without JavaScript).
//!
//! The page does not move: replies land below what the reader is looking at, or above it
//! with the browser's scroll anchoring holding the view. When a reply cannot be placed (this
//! is not the thread's last page, or its parent is not shown here) the caller falls back to
//! the "new replies — show" banner.

/// What happened to a reply, from its realtime event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyChange {
    Created,
    Edited,
    Deleted,
}

impl ReplyChange {
    pub fn from_event(kind: &str) -> Option<Self> {
        match kind {
            "comment.created" => Some(Self::Created),
            "comment.edited" => Some(Self::Edited),
            "comment.deleted" => Some(Self::Deleted),
            _ => None,
        }
    }
}

/// What to show: a change to a reply, announced as event `event`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
    /// The post's address.
    pub post_path: String,
    pub reply: i64,
    pub change: ReplyChange,
    /// The event's id. The fetch asks for `?live=<event>`: a visitor's page cache (keyed by
    /// address) then never answers with a page drawn before the change, and every visitor
    /// reading the post shares one render of it.
    pub event: i64,
}

/// Shows `arrival` in this page's thread, in order with the others; calls `unplaced(id)`
/// for a new reply that could not be shown in place.
pub fn apply(arrival: Arrival, unplaced: impl Fn(i64) + 'static) {
    #[cfg(feature = "hydrate")]
    browser::enqueue(arrival, Box::new(unplaced));
    #[cfg(not(feature = "hydrate"))]
    let _ = (arrival, unplaced);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Arrival, ReplyChange};
    use crate::domain::community::MAX_RENDER_DEPTH;
    use std::{cell::RefCell, collections::VecDeque, rc::Rc};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Document, DomParser, Element, Response, SupportedType};

    type Unplaced = Box<dyn Fn(i64)>;

    #[derive(Default)]
    struct Queue {
        waiting: VecDeque<(Arrival, Unplaced)>,
        busy: bool,
    }

    thread_local! {
        static QUEUE: Rc<RefCell<Queue>> = Rc::new(RefCell::new(Queue::default()));
    }

    /// Changes are applied one at a time, in the order they arrived, so two replies to one
    /// parent land in the order they were written.
    pub fn enqueue(arrival: Arrival, unplaced: Unplaced) {
        let start = QUEUE.with(|queue| {
            let mut queue = queue.borrow_mut();
            queue.waiting.push_back((arrival, unplaced));
            !std::mem::replace(&mut queue.busy, true)
        });
        if start {
            leptos::task::spawn_local(async {
                loop {
                    let next = QUEUE.with(|queue| {
                        let mut queue = queue.borrow_mut();
                        let next = queue.waiting.pop_front();
                        queue.busy = next.is_some();
                        next
                    });
                    let Some((arrival, unplaced)) = next else {
                        return;
                    };
                    if !place(&arrival).await.unwrap_or(false)
                        && arrival.change == ReplyChange::Created
                    {
                        unplaced(arrival.reply);
                    }
                }
            });
        }
    }

    fn document() -> Option<Document> {
        web_sys::window()?.document()
    }

    fn depth_of(element: &Element) -> Option<i32> {
        element.get_attribute("data-depth")?.parse().ok()
    }

    /// Applies one change; `Some(true)` when the page now shows it.
    async fn place(arrival: &Arrival) -> Option<bool> {
        let (id, change) = (arrival.reply, arrival.change);
        let document = document()?;
        let list = document.query_selector("[data-testid=comments]").ok()??;
        let base: i32 = list.get_attribute("data-base-depth")?.parse().ok()?;
        let anchor = format!("comment-{id}");
        let existing = document.get_element_by_id(&anchor);
        if change == ReplyChange::Created && existing.is_some() {
            // Already here: the reader's own reply, on the page the form led to.
            return Some(true);
        }
        if change != ReplyChange::Created && existing.is_none() {
            // Not on this page: nothing to change.
            return Some(true);
        }
        if change == ReplyChange::Created
            && document
                .query_selector("[data-testid=more-replies]")
                .ok()
                .flatten()
                .is_some()
        {
            // Later pages come first: a new reply belongs on the last one.
            return Some(false);
        }
        let fetched = fetch_page(&format!(
            "{}/thread/{id}?live={}",
            arrival.post_path, arrival.event
        ))
        .await?;
        // The heading counts the post's replies as the fetched page saw them.
        if let (Some(ours), Some(theirs)) = (
            document.get_element_by_id("replies"),
            fetched.get_element_by_id("replies"),
        ) {
            ours.set_text_content(theirs.text_content().as_deref());
        }
        let Some(drawn) = fetched.get_element_by_id(&anchor) else {
            // Gone for this reader (deleted, or no longer theirs to read).
            if let Some(existing) = existing {
                remove_or_leave_placeholder(&existing);
            }
            return Some(true);
        };
        let depth = depth_of(&drawn)?;
        let indent = (depth - base).clamp(0, 6);
        drawn.set_class_name(&if indent == 0 {
            "comment".to_owned()
        } else {
            format!("comment depth-{indent}")
        });
        // The parsed node itself moves into the page: serialising it and parsing the text
        // again could read differently the second time (mutation XSS).
        let node = document.import_node_with_deep(&drawn, true).ok()?;
        if let Some(existing) = existing {
            list.replace_child(&node, &existing).ok()?;
            return Some(true);
        }
        // Where it goes: after the last reply under its parent, or at the end.
        let parent = drawn
            .get_attribute("data-parent")
            .and_then(|parent| document.get_element_by_id(&format!("comment-{parent}")));
        let after = match (&parent, drawn.get_attribute("data-parent")) {
            (Some(parent), _) => {
                let parent_depth = depth_of(parent)?;
                if parent_depth - base >= MAX_RENDER_DEPTH {
                    // Deeper than this page draws: "continue this thread" holds it.
                    return Some(false);
                }
                let mut last = parent.clone();
                while let Some(next) = last.next_element_sibling() {
                    if depth_of(&next).is_some_and(|d| d > parent_depth) {
                        last = next;
                    } else {
                        break;
                    }
                }
                Some(last)
            }
            // A reply to one that is not on this page.
            (None, Some(_)) => return Some(false),
            // A reply to the post belongs to the whole thread, not to one reply's page.
            (None, None) if list.has_attribute("data-focus") => return Some(false),
            (None, None) => None,
        };
        match after {
            Some(after) => list
                .insert_before(&node, after.next_sibling().as_ref())
                .ok()?,
            None => list.append_child(&node).ok()?,
        };
        if let Some(empty) = document.query_selector("[data-testid=no-replies]").ok()? {
            empty.remove();
        }
        Some(true)
    }

    /// A deleted reply with replies shown under it keeps its place, as on a fresh page;
    /// one without goes.
    fn remove_or_leave_placeholder(existing: &Element) {
        let depth = depth_of(existing);
        let has_replies = existing
            .next_element_sibling()
            .and_then(|next| depth_of(&next))
            .zip(depth)
            .is_some_and(|(next, depth)| next > depth);
        if !has_replies {
            existing.remove();
            return;
        }
        for selector in [
            "[data-testid=comment-body-html]",
            ".comment-tools",
            ".reactions",
        ] {
            if let Ok(Some(part)) = existing.query_selector(selector) {
                part.remove();
            }
        }
        if let Ok(Some(byline)) = existing.query_selector(".byline") {
            let _ = byline.insert_adjacent_html(
                "afterend",
                r#"<p class="mt-2 italic text-muted" data-testid="comment-deleted">This reply was deleted.</p>"#,
            );
        }
    }

    /// The page at `path`, fetched as this reader (with their cookies) and parsed.
    async fn fetch_page(path: &str) -> Option<Document> {
        let window = web_sys::window()?;
        let response: Response = JsFuture::from(window.fetch_with_str(path))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return None;
        }
        let text = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        DomParser::new()
            .ok()?
            .parse_from_string(&text, SupportedType::TextHtml)
            .ok()
    }
}
