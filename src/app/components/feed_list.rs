//! A page of posts with its pinned posts above and a link to older ones below. The link is
//! a plain `<a>`, so paging works without JavaScript. With JavaScript, and a loader from the
//! page, older posts are fetched and appended as the reader nears the end (infinite scroll);
//! the link stays as the fallback, pointing at whatever comes next.

use super::{empty_state::EmptyState, post_card::PostCard};
use crate::domain::{
    AppError,
    community::{FeedPage, PostSummary},
};
use leptos::prelude::*;
use std::{future::Future, pin::Pin, sync::Arc};

/// Fetches the page of posts after a cursor (the feed's own server function).
pub type OlderPosts =
    Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<FeedPage, AppError>>>> + Send + Sync>;

/// Wraps a feed's server function call as an [`OlderPosts`] loader.
pub fn older_posts<F, Fut>(load: F) -> OlderPosts
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<FeedPage, AppError>> + 'static,
{
    Arc::new(move |cursor| Box::pin(load(cursor)))
}

/// How close to the end of the page (in CSS pixels) the next page starts loading.
#[cfg(feature = "hydrate")]
const PRELOAD_DISTANCE: f64 = 900.0;

#[component]
pub fn FeedList(
    page: FeedPage,
    /// Where the next page is, given its cursor.
    older_href: Callback<String, String>,
    #[prop(into)] empty_title: String,
    #[prop(into)] empty_message: String,
    /// Loads older posts in place as the reader scrolls (JavaScript only).
    #[prop(optional)]
    load_older: Option<OlderPosts>,
) -> impl IntoView {
    if page.posts.is_empty() && page.pinned.is_empty() {
        return view! { <EmptyState title=empty_title message=empty_message/> }.into_any();
    }
    let more = RwSignal::new(Vec::<PostSummary>::new());
    let next = RwSignal::new(page.next_cursor.clone());
    let failed = RwSignal::new(None::<String>);
    // Only in the browser: a local action holds its future in a `SendWrapper`, which must be
    // dropped on the thread that made it, and a server render may move between threads.
    #[cfg(feature = "hydrate")]
    let fetch = load_older.map(|load| {
        Action::new_local(move |cursor: &String| {
            let load = load.clone();
            let cursor = cursor.clone();
            async move { load(cursor).await }
        })
    });
    #[cfg(not(feature = "hydrate"))]
    let fetch: Option<Action<String, Result<FeedPage, AppError>>> = {
        drop(load_older);
        None
    };
    if let Some(fetch) = fetch {
        Effect::new(move |_| match fetch.value().get() {
            Some(Ok(page)) => {
                more.update(|posts| posts.extend(page.posts));
                next.set(page.next_cursor);
            }
            Some(Err(error)) => failed.set(Some(error.to_string())),
            None => {}
        });
        load_when_near_the_end(fetch, next, failed);
    }
    let loading = move || fetch.is_some_and(|fetch| fetch.pending().get());
    view! {
        <div class="space-y-4" data-testid="feed">
            {page.pinned.into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
            {page.posts.into_iter().map(|post| view! { <PostCard post/> }).collect_view()}
            <For each=move || more.get() key=|post| post.id let:post>
                <PostCard post/>
            </For>
            {move || failed.get().map(|message| view! {
                <p class="text-center text-sm text-muted" role="status">{message}</p>
            })}
            {move || next.get().map(|cursor| view! {
                <p class="pt-2 text-center">
                    <a href=older_href.run(cursor) class="link font-medium" data-testid="older-posts">
                        {move || if loading() { "Loading older posts…" } else { "Older posts →" }}
                    </a>
                </p>
            })}
        </div>
    }
    .into_any()
}

/// Asks for the next page whenever the reader scrolls near the end and nothing is loading.
/// Stops after a failure, leaving the link to try again as a page load.
#[cfg(feature = "hydrate")]
fn load_when_near_the_end(
    fetch: Action<String, Result<FeedPage, AppError>>,
    next: RwSignal<Option<String>>,
    failed: RwSignal<Option<String>>,
) {
    let check = move || {
        if fetch.pending().get_untracked() || failed.get_untracked().is_some() {
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
            fetch.dispatch(cursor);
        }
    };
    let handle = window_event_listener(leptos::ev::scroll, move |_| check());
    on_cleanup(move || handle.remove());
}

#[cfg(not(feature = "hydrate"))]
fn load_when_near_the_end(
    _fetch: Action<String, Result<FeedPage, AppError>>,
    _next: RwSignal<Option<String>>,
    _failed: RwSignal<Option<String>>,
) {
}
