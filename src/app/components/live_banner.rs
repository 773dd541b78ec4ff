//! Live news on a post or a circle while its page is open, with JavaScript. On a post, new,
//! edited and deleted replies show in place (`app::live_thread`); a reply that cannot be
//! placed on this page, and new posts in a circle, bring a "2 new replies — show" banner
//! instead: the page does not move under the reader, and the new content comes when they
//! ask for it, as a fresh page fetched as themselves (so what they are shown is what they
//! may read). Without JavaScript there is no banner and the page is as it was drawn.

use crate::app::live_thread::{self, ReplyChange};
use leptos::prelude::*;

/// What is being watched, and what counts as new there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Watched {
    /// New replies on a post.
    Replies,
    /// New posts in a circle.
    Posts,
}

/// The banner for `channel` (`post:12` or `circle:3`). `newest` is the newest reply or post
/// id the page shows: events about it or older ones are not news. `href` is this page, where
/// "show" leads (to the first new reply, for a thread).
#[island]
pub fn LiveBanner(channel: String, watched: Watched, newest: i64, href: String) -> impl IntoView {
    let fresh = RwSignal::new(Vec::<i64>::new());
    let gap = RwSignal::new(false);
    let post_path = href.clone();
    crate::app::live::follow(channel, move |frame| match frame.frame.as_str() {
        "event" => {
            let fresh_one = move |id: i64| {
                fresh.update(|ids| {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                });
            };
            match watched {
                // Replies are shown in place when they can be (`live_thread`); the banner
                // is for those that cannot.
                Watched::Replies => {
                    let change = ReplyChange::from_event(&frame.kind);
                    if let (Some(change), Some(id)) = (change, frame.comment)
                        && (change != ReplyChange::Created || id > newest)
                    {
                        let arrival = live_thread::Arrival {
                            post_path: post_path.clone(),
                            reply: id,
                            change,
                            event: frame.id,
                        };
                        live_thread::apply(arrival, fresh_one);
                    }
                }
                Watched::Posts => {
                    if let Some(id) = frame
                        .post
                        .filter(|id| frame.kind == "post.created" && *id > newest)
                    {
                        fresh_one(id);
                    }
                }
            }
        }
        "gap" => gap.set(true),
        _ => {}
    });
    let label = Memo::new(move |_| {
        let n = fresh.with(Vec::len);
        match (watched, n) {
            (_, 0) => "Things have changed here".to_owned(),
            (Watched::Replies, 1) => "1 new reply".to_owned(),
            (Watched::Replies, n) => format!("{n} new replies"),
            (Watched::Posts, 1) => "1 new post".to_owned(),
            (Watched::Posts, n) => format!("{n} new posts"),
        }
    });
    let target = Memo::new(move |_| {
        let first = fresh.with(|ids| ids.iter().min().copied());
        let separator = if href.contains('?') { '&' } else { '?' };
        match (watched, first) {
            (Watched::Replies, Some(first)) => {
                format!("{href}{separator}fresh={first}#comment-{first}")
            }
            (_, Some(first)) => format!("{href}{separator}fresh={first}"),
            (_, None) => href.clone(),
        }
    });
    view! {
        <div role="status" aria-live="polite" class="sticky top-2 z-10 flex justify-center empty:hidden">
            {move || (gap.get() || fresh.with(|ids| !ids.is_empty())).then(|| view! {
                <a
                    href=target
                    class="rounded-full bg-accent px-4 py-2 text-sm font-semibold text-white shadow-lg focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-focus"
                    data-testid="live-banner"
                >
                    {label}
                    " — show"
                </a>
            })}
        </div>
    }
}
