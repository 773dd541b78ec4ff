//! A page of posts with its pinned posts above and a link to older ones below. The link is
//! a plain `<a>`, so paging works without JavaScript. With JavaScript, older posts are
//! fetched and appended as the reader nears the end (infinite scroll, the [`OlderPosts`]
//! island); the link stays as the fallback, pointing at whatever comes next.

use super::{empty_state::EmptyState, post_card::PostCard};
use crate::{
    api::{
        bookmarks::list_bookmarks,
        feeds::{author_feed, circle_feed, site_feed},
    },
    domain::{
        AppError,
        community::{FeedPage, PostSummary},
    },
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Which feed a list pages through: what the browser asks for more of, and where the
/// plain link leads. Travels to the browser as the island's prop, so it names the feed
/// rather than carrying a closure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedSource {
    /// The home page's feeds, by kind ("latest", "home", …).
    Site(String),
    /// A circle's posts, by slug.
    Circle(String),
    /// A member's posts, by handle.
    Author(String),
    /// The viewer's saved posts.
    Bookmarks,
}

impl FeedSource {
    /// The page that shows the posts after `cursor` (the link without JavaScript).
    pub fn older_href(&self, cursor: &str) -> String {
        match self {
            FeedSource::Site(kind) => format!("/?feed={kind}&after={cursor}"),
            FeedSource::Circle(slug) => format!("/c/{slug}?after={cursor}"),
            FeedSource::Author(handle) => format!("/u/{handle}?after={cursor}"),
            FeedSource::Bookmarks => format!("/bookmarks?after={cursor}"),
        }
    }

    /// The posts after `cursor`, from the feed's own server function.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    async fn older(self, cursor: String) -> Result<FeedPage, AppError> {
        match self {
            FeedSource::Site(kind) => site_feed(kind, cursor).await,
            FeedSource::Circle(slug) => circle_feed(slug, cursor).await,
            FeedSource::Author(handle) => author_feed(handle, cursor).await,
            FeedSource::Bookmarks => list_bookmarks(cursor).await,
        }
    }
}

/// How close to the end of the page (in CSS pixels) the next page starts loading.
#[cfg(feature = "hydrate")]
const PRELOAD_DISTANCE: f64 = 900.0;

#[component]
pub fn FeedList(
    page: FeedPage,
    /// The feed this page belongs to.
    source: FeedSource,
    #[prop(into)] empty_title: String,
    #[prop(into)] empty_message: String,
) -> impl IntoView {
    if page.posts.is_empty() && page.pinned.is_empty() {
        return view! { <EmptyState title=empty_title message=empty_message/> }.into_any();
    }
    view! {
        <div class="space-y-4" data-testid="feed">
            {page.pinned.into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
            {page.posts.into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
            {page.next_cursor.map(|next| view! { <OlderPosts source next/> })}
        </div>
    }
    .into_any()
}

/// The posts after the first page: a link without JavaScript; with it, pages appended as
/// the reader scrolls. Stops after a failure, leaving the link to try again as a page load.
#[island]
fn OlderPosts(source: FeedSource, next: String) -> impl IntoView {
    let more = RwSignal::new(Vec::<PostSummary>::new());
    let next = RwSignal::new(Some(next));
    let failed = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let href_source = source.clone();
    load_when_near_the_end(source, more, next, failed, loading);
    view! {
        <For each=move || more.get() key=|post| post.id let:post>
            <PostCard post/>
        </For>
        {move || failed.get().map(|message| view! {
            <p class="text-center text-sm text-muted" role="status">{message}</p>
        })}
        {move || next.get().map(|cursor| view! {
            <p class="pt-2 text-center">
                <a href=href_source.older_href(&cursor) class="link font-medium" data-testid="older-posts">
                    {move || if loading.get() { "Loading older posts…" } else { "Older posts →" }}
                </a>
            </p>
        })}
    }
}

/// Asks for the next page whenever the reader scrolls near the end and nothing is loading.
#[cfg(feature = "hydrate")]
fn load_when_near_the_end(
    source: FeedSource,
    more: RwSignal<Vec<PostSummary>>,
    next: RwSignal<Option<String>>,
    failed: RwSignal<Option<String>>,
    loading: RwSignal<bool>,
) {
    let check = move || {
        if loading.get_untracked() || failed.get_untracked().is_some() {
            return;
        }
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let window = window();
        let scrolled = window.scroll_y().unwrap_or(0.0)
            + window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
        let total = document()
            .document_element()
            .map_or(0.0, |root| f64::from(root.scroll_height()));
        if total - scrolled < PRELOAD_DISTANCE {
            loading.set(true);
            let source = source.clone();
            leptos::task::spawn_local(async move {
                match source.older(cursor).await {
                    Ok(page) => {
                        more.update(|posts| posts.extend(page.posts));
                        next.set(page.next_cursor);
                    }
                    Err(error) => failed.set(Some(error.to_string())),
                }
                loading.set(false);
            });
        }
    };
    let handle = window_event_listener(leptos::ev::scroll, move |_| check());
    on_cleanup(move || handle.remove());
}

#[cfg(not(feature = "hydrate"))]
fn load_when_near_the_end(
    _source: FeedSource,
    _more: RwSignal<Vec<PostSummary>>,
    _next: RwSignal<Option<String>>,
    _failed: RwSignal<Option<String>>,
    _loading: RwSignal<bool>,
) {
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_feed_links_to_its_own_older_page() {
        assert_eq!(
            FeedSource::Site("latest".into()).older_href("abc"),
            "/?feed=latest&after=abc"
        );
        assert_eq!(
            FeedSource::Circle("calm".into()).older_href("c1"),
            "/c/calm?after=c1"
        );
        assert_eq!(
            FeedSource::Author("ana".into()).older_href("x"),
            "/u/ana?after=x"
        );
    }
}
