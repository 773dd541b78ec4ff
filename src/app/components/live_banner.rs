//! "2 new replies — show them": a banner that appears, with JavaScript, when something new
//! arrives on a post or in a circle while the page is open. The page does not move under
//! the reader; the new content comes when they ask for it, as a fresh page fetched as
//! themselves (so what they are shown is what they may read). Without JavaScript there is
//! no banner and the page is as it was drawn.

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
    crate::app::live::follow(channel, move |frame| match frame.frame.as_str() {
        "event" => {
            let id = match (watched, frame.kind.as_str()) {
                (Watched::Replies, "comment.created") => frame.comment,
                (Watched::Posts, "post.created") => frame.post,
                _ => None,
            };
            if let Some(id) = id.filter(|id| *id > newest) {
                fresh.update(|ids| {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                });
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
